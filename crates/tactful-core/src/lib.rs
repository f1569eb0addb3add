//! tactful-core: the pure heart of tactful.
//!
//! It owns the domain types (channels, severities, categories, findings), the
//! text normaliser, the money scanner, the rule-pack model and the rule engine.
//! Invariant: nothing here does I/O, spawns threads or reads the clock, so the
//! same text and packs always give the same findings, in the same order.

pub mod calendar;
pub mod coaching;
pub mod consent;
pub mod detectors;
pub mod domain;
pub mod engine;
pub mod eval;
pub mod handle;
pub mod history;
pub mod money;
pub mod pack;
pub mod plan;
pub mod relationships;
pub mod seeded;
pub mod text;
pub mod words;

pub use domain::{Category, Channel, Finding, Severity};
pub use engine::{Engine, EngineError, Rule};
pub use pack::{Pack, PackError};

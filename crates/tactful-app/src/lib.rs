//! The use cases of tactful, written once: checking a draft with every layer
//! of judgement ([`Checker`]), scanning what you already published
//! ([`scan`]), the contacts on the relationship curve ([`contacts`]), the
//! day's list ([`today`]), the monthly report ([`report`]) and a rewrite
//! for a finding ([`rewrite`]). Each reads the
//! store, asks the pure core and the classifiers, and returns data; the
//! command line and the web app only render it, so they cannot disagree.
//! The program's one clock ([`clock`]) lives here too.

pub mod checker;
pub mod clock;
pub mod contacts;
pub mod context;
mod error;
pub mod heads;
pub mod plan;
pub mod report;
pub mod rewrite;
pub mod scan;
pub mod today;

pub use checker::Checker;
pub use error::{Error, Result};

/// tactful's own folder among the person's data: `$XDG_DATA_HOME/tactful`,
/// else `~/.local/share/tactful` (the default store and the context model
/// live there).
pub fn data_dir() -> std::path::PathBuf {
    std::env::var_os("XDG_DATA_HOME")
        .filter(|v| !v.is_empty())
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| std::path::PathBuf::from("."))
        .join("tactful")
}

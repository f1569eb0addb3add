//! The relationship curve: what happened between the seller and each contact,
//! where the contact stands, what the seller gave and asked, and "spray and
//! pray" broadcasts. Pure: no I/O, no clock (`now` is a parameter), and the
//! same input always gives the same answer, whatever order it comes in.
//!
//! This module is a map; each subject lives in its own file:
//!
//! - [`interactions`](fn@interactions) (`interactions.rs`): what one stored item means between the
//!   owner and each contact in it ([`ItemView`], [`Direction`], [`Act`],
//!   [`Interaction`]);
//! - `cues.rs`: the phrase tests that tell a pitch ([`pitch_cue`]) and a
//!   question about the offer ([`inquiry_cue`]), over the phrase lists of
//!   the packs ([`Cues`]; the built-in ones are `packs/cues.toml`);
//! - `stage.rs`: where a contact stands ([`Stage`], [`Tally`], [`stage`],
//!   [`assess`]) and the engagement equity ([`Equity`]);
//! - `broadcast.rs`: "spray and pray" ([`broadcasts`], [`similarity`]).
//!
//! The paths stay `tactful_core::relationships::…`: the submodules are
//! private and everything public is re-exported here.
//!
//! # API
//!
//! ```text
//! pub fn interactions(item: &ItemView<'_>, owner: &str) -> Vec<Interaction>
//! pub fn pitch_cue(text: &str) -> Option<String>
//! pub fn is_pitch(text: &str) -> bool
//! pub fn inquiry_cue(text: &str) -> Option<String>
//! pub fn stage(history: &[Interaction], marks: Marks, now: i64, t: &Thresholds) -> Assessment
//! pub fn assess(tally: &Tally, marks: Marks, now: i64, t: &Thresholds) -> Assessment
//! pub fn broadcasts(messages: &[Outgoing<'_>], window_secs: i64, min_recipients: usize) -> Vec<Broadcast>
//! pub fn similarity(a: &str, b: &str) -> f64
//! pub fn date(at: i64) -> String
//! ```

mod broadcast;
mod cues;
mod interactions;
mod stage;

pub use broadcast::{
    Broadcast, DEFAULT_MIN_RECIPIENTS, DEFAULT_WINDOW_SECS, MIN_WORDS, Outgoing, SIMILARITY, broadcasts,
    similarity,
};
pub(crate) use cues::cue_words;
pub use cues::{BUILTIN_CUES, CueExampleFailure, Cues, inquiry_cue, is_pitch, pitch_cue};
pub use interactions::{Act, Direction, Interaction, ItemView, interactions};
pub use stage::{
    Assessment, DEF_EQUITY_ASKED, DEF_EQUITY_GIVEN, DEF_EQUITY_RECEIVED, DEFINITIONS, Equity, Mark,
    MarkSource, Marks, Stage, Tally, Thresholds, assess, date, stage,
};

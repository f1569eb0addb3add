//! tactful-classify: small, fast, offline classifiers ("heads") for posts and
//! messages.
//!
//! - `content-kind`: promotional, informational, personal or off-topic;
//! - `customer-request`: a question, complaint or order/service problem, or not;
//! - `spam`: broadcast spam, or not;
//! - `health-claim`: a claim that a product prevents, treats or cures a
//!   disease or acts like a drug, or not;
//! - `earnings-claim`: an earnings or lifestyle claim (money made, a job
//!   quit, trips and cars earned, the business as a way to riches), or not.
//!
//! Each head is a linear model (logistic regression, or softmax for
//! `content-kind`) over hashed word and character n-grams ([`features`]), with
//! i8-quantised weights, a calibration fitted on held-out texts and a default
//! threshold ([`model`]). The trained files are embedded in the binary
//! ([`builtin`]); `tactful-train` rebuilds them from the labeled sets.
//!
//! Invariant: like the core, this crate does no I/O, spawns no threads and
//! reads no clock; the same text and model always give the same answer.

pub mod baseline;
pub mod evaluate;
// Not behind `builtin`: the trainer reads a finding's words with it too
// (the FTC/FDA examples it quotes are a text file, always in the repo).
pub mod explain;
pub mod features;
pub mod metrics;
pub mod model;

pub use features::{Channel, Input, Scratch};
pub use model::{Model, ModelError, Prediction, UNCERTAIN};

use std::str::FromStr;

/// A classifier head.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Head {
    ContentKind,
    CustomerRequest,
    Spam,
    HealthClaim,
    EarningsClaim,
}

tactful_core::words!(Head {
    ContentKind => "content-kind",
    CustomerRequest => "customer-request",
    Spam => "spam",
    HealthClaim => "health-claim",
    EarningsClaim => "earnings-claim",
});

impl Head {
    /// The class names, in the model's order (yes/no heads: negative first).
    pub fn classes(self) -> &'static [&'static str] {
        match self {
            Head::ContentKind => &["promotional", "informational", "personal", "off-topic"],
            Head::CustomerRequest => &["other", "request"],
            Head::Spam => &["not-spam", "spam"],
            Head::HealthClaim => &["other", "health-claim"],
            Head::EarningsClaim => &["other", "earnings-claim"],
        }
    }

    /// The positive class of a yes/no head.
    pub fn positive(self) -> Option<&'static str> {
        match self {
            Head::ContentKind => None,
            h => Some(h.classes()[1]),
        }
    }

    /// The model file's name under `models/`.
    pub fn file_name(self) -> String {
        format!("{}.tcm", self.as_str())
    }
}

impl FromStr for Head {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Head::ALL.into_iter().find(|h| h.as_str() == s).ok_or_else(|| {
            let names: Vec<&str> = Head::ALL.iter().map(|h| h.as_str()).collect();
            format!("unknown head `{s}`: expected one of {}", names.join(", "))
        })
    }
}

/// The model files shipped in the binary.
#[cfg(feature = "builtin")]
pub mod builtin {
    use super::{Head, Model, ModelError};

    /// The embedded model file of a head.
    pub fn bytes(head: Head) -> &'static [u8] {
        match head {
            Head::ContentKind => include_bytes!("../models/content-kind.tcm"),
            Head::CustomerRequest => include_bytes!("../models/customer-request.tcm"),
            Head::Spam => include_bytes!("../models/spam.tcm"),
            Head::HealthClaim => include_bytes!("../models/health-claim.tcm"),
            Head::EarningsClaim => include_bytes!("../models/earnings-claim.tcm"),
        }
    }

    /// Load a head's embedded model. Fails only if the embedded file is
    /// damaged or of another format version (a build problem, not bad input).
    pub fn model(head: Head) -> Result<Model, ModelError> {
        Model::from_bytes(bytes(head))
    }
}

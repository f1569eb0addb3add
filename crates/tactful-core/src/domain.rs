//! Domain types shared by every crate: where a text is published (channel),
//! how serious a finding is, which family of guidance it belongs to, and the
//! finding itself.

use serde::{Deserialize, Serialize};

/// Where a draft will be published. Rules apply to some channels only:
/// a pitch in a comment is rude where the same words in your own post are fine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    /// A post on your own profile, page or group.
    Post,
    /// A comment or reply under someone's post.
    Comment,
    /// A private or direct message.
    Dm,
    /// Your profile's bio or about text.
    Bio,
}

crate::words!(Channel as "channel" {
    Post => "post",
    Comment => "comment" | "reply",
    Dm => "dm" | "message" | "pm",
    Bio => "bio" | "profile",
});

impl Channel {
    pub(crate) fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// How serious a finding is. Ordered: `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; a coaching tip.
    Info,
    /// Likely to hurt trust or break a company policy; rewrite before posting.
    Warning,
    /// Likely to break the law or a regulator's guidance; do not post as written.
    Error,
}

crate::words!(Severity as "severity", expected "error, warning, info" {
    Info => "info",
    Warning => "warning" | "warn",
    Error => "error",
});

/// The family of guidance a rule belongs to. The names are stable: reports,
/// company packs and the JSON output use them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// Earnings claims: amounts, full-time income, quit your job, freedom.
    Income,
    /// Wealth shown through cars, houses, trips and stay-at-home promises.
    Lifestyle,
    /// Disease, efficacy, weight-loss and drug-replacement claims.
    Health,
    /// Missing, weak or buried disclosure of a material connection.
    Disclosure,
    /// Hard selling, false urgency and pitching where nobody asked.
    Solicitation,
    /// Broadcast style: shouting, stuffing, link-only, chain posts.
    Spam,
    /// Guarantees, "#1", "risk-free" and unverifiable success.
    Exaggeration,
    /// Graphic medical, bodily or private family details on a business channel.
    Overshare,
    /// A pitch to someone who has not invited it (needs the relationship: `check --to`).
    Pitch,
    /// Off-topic content on a business channel (politics, sports, fandom):
    /// judged by the content-kind classifier, not by words.
    Focus,
    /// Putting people on a list, in a group or into a sale without asking:
    /// adding them to a newsletter or chat, tagging a crowd into an offer.
    Consent,
}

crate::words!(Category as "category" {
    Income => "income",
    Lifestyle => "lifestyle",
    Health => "health",
    Disclosure => "disclosure",
    Solicitation => "solicitation",
    Spam => "spam",
    Exaggeration => "exaggeration",
    Overshare => "overshare",
    Pitch => "pitch",
    Focus => "focus",
    Consent => "consent",
});

/// One problem found in a draft: which rule, where (byte offsets into the
/// original text, `start..end`), and what to say about it. Findings are values,
/// not errors: a text with ten findings was still checked successfully.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub code: String,
    pub category: Category,
    pub severity: Severity,
    pub start: usize,
    pub end: usize,
    pub message: String,
}

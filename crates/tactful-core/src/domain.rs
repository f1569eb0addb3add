//! Domain types shared by every crate: where a text is published (channel),
//! how serious a finding is, which family of guidance it belongs to, and the
//! finding itself.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

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

impl Channel {
    pub const ALL: [Channel; 4] = [Channel::Post, Channel::Comment, Channel::Dm, Channel::Bio];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Post => "post",
            Channel::Comment => "comment",
            Channel::Dm => "dm",
            Channel::Bio => "bio",
        }
    }

    pub(crate) fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Channel {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "post" => Ok(Channel::Post),
            "comment" | "reply" => Ok(Channel::Comment),
            "dm" | "message" | "pm" => Ok(Channel::Dm),
            "bio" | "profile" => Ok(Channel::Bio),
            other => Err(format!("unknown channel `{other}`: expected one of post, comment, dm, bio")),
        }
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

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "info" => Ok(Severity::Info),
            "warning" | "warn" => Ok(Severity::Warning),
            "error" => Ok(Severity::Error),
            other => Err(format!("unknown severity `{other}`: expected one of error, warning, info")),
        }
    }
}

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

impl Category {
    pub const ALL: [Category; 11] = [
        Category::Income,
        Category::Lifestyle,
        Category::Health,
        Category::Disclosure,
        Category::Solicitation,
        Category::Spam,
        Category::Exaggeration,
        Category::Overshare,
        Category::Pitch,
        Category::Focus,
        Category::Consent,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Income => "income",
            Category::Lifestyle => "lifestyle",
            Category::Health => "health",
            Category::Disclosure => "disclosure",
            Category::Solicitation => "solicitation",
            Category::Spam => "spam",
            Category::Exaggeration => "exaggeration",
            Category::Overshare => "overshare",
            Category::Pitch => "pitch",
            Category::Focus => "focus",
            Category::Consent => "consent",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Category {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim().to_ascii_lowercase();
        Category::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "unknown category `{s}`: expected one of income, lifestyle, health, disclosure, solicitation, spam, exaggeration, overshare, pitch, focus, consent"
                )
            })
    }
}

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

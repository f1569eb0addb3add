//! What a case is, in pure code: its [`Status`] and the moves between
//! statuses (a bad move is a named [`BadTransition`]), its [`Priority`]
//! (severity, reach, repeat offences, explained in words) and the keys that
//! find the [`CaseGroup`](crate::cases::CaseGroup) a text belongs to.
//!
//! The status machine:
//!
//! ```text
//! new ──> in_review ──> notice_sent ──> escalated
//!  │          │              │              │
//!  └──────────┴──────────────┴──────────────┴──> fixed | dismissed (a reason) | closed
//! ```
//!
//! `fixed`, `dismissed` and `closed` are final. `fixed` is what the scan sets
//! when a later version of the post checks clean.

use std::fmt;
use std::fmt::Write as _;
use std::str::FromStr;

use tactful_core::Severity;
use tactful_core::seeded::mix;

/// Where a case stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Opened by the scan; nobody has looked yet.
    New,
    /// A reviewer is looking at it.
    InReview,
    /// The distributor was sent a private note.
    NoticeSent,
    /// Handed up: to the upline, then the compliance lead.
    Escalated,
    /// A later version of the post checks clean (confirmed by a re-ingest).
    Fixed,
    /// A false alarm, with the reason.
    Dismissed,
    /// Done with, for any other reason (the post is gone, the distributor left).
    Closed,
}

impl Status {
    pub const ALL: [Status; 7] = [
        Status::New,
        Status::InReview,
        Status::NoticeSent,
        Status::Escalated,
        Status::Fixed,
        Status::Dismissed,
        Status::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::InReview => "in_review",
            Status::NoticeSent => "notice_sent",
            Status::Escalated => "escalated",
            Status::Fixed => "fixed",
            Status::Dismissed => "dismissed",
            Status::Closed => "closed",
        }
    }

    /// Fixed, dismissed and closed cases change no more.
    pub fn is_final(self) -> bool {
        matches!(self, Status::Fixed | Status::Dismissed | Status::Closed)
    }

    /// The statuses a case in this one may move to.
    pub fn next(self) -> &'static [Status] {
        use Status::{Closed, Dismissed, Escalated, Fixed, InReview, NoticeSent};
        match self {
            Status::New => &[InReview, Fixed, Dismissed, Closed],
            InReview => &[NoticeSent, Fixed, Dismissed, Closed],
            NoticeSent => &[Escalated, Fixed, Dismissed, Closed],
            Escalated => &[Fixed, Dismissed, Closed],
            Fixed | Dismissed | Closed => &[],
        }
    }

    /// Move to `to`: the new status, or why the move is not allowed. A
    /// dismissal needs a reason that says something.
    pub fn change(self, to: Status, reason: Option<&str>) -> Result<Status, BadTransition> {
        if self == to {
            return Err(BadTransition::Unchanged(self));
        }
        if self.is_final() {
            return Err(BadTransition::Final { from: self, to });
        }
        if !self.next().contains(&to) {
            return Err(BadTransition::Skipped { from: self, to });
        }
        if to == Status::Dismissed && reason.is_none_or(|r| r.trim().is_empty()) {
            return Err(BadTransition::ReasonRequired);
        }
        Ok(to)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Status {
    type Err = String;

    fn from_str(s: &str) -> Result<Status, String> {
        let s = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        Status::ALL.into_iter().find(|st| st.as_str() == s).ok_or_else(|| {
            let names: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
            format!("expected a case status ({}), found `{s}`", names.join(", "))
        })
    }
}

/// A move the status machine does not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadTransition {
    #[error("the case is already {0}")]
    Unchanged(Status),
    #[error("the case is {from}, which is final: it cannot become {to}")]
    Final { from: Status, to: Status },
    #[error("a case that is {from} cannot become {to} (from {from} it can become {})", list(from.next()))]
    Skipped { from: Status, to: Status },
    #[error("a dismissal needs a reason: say why this is a false alarm (--reason …)")]
    ReasonRequired,
}

fn list(s: &[Status]) -> String {
    s.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
}

/// How urgent a case is, 0–100, with the reckoning in words.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Priority {
    pub score: i64,
    pub why: String,
}

/// Points for the worst finding's severity.
fn severity_points(s: Severity) -> i64 {
    match s {
        Severity::Error => 60,
        Severity::Warning => 35,
        Severity::Info => 10,
    }
}

/// A case's priority: the severity of its worst finding (error 60, warning
/// 35, info 10), its reach (5 for each other post in its case group, at
/// most 25) and repeat offences (5 for each earlier post of the same
/// distributor with a case that was not dismissed, at most 15).
pub fn priority(severity: Severity, group_posts: i64, earlier_cases: i64) -> Priority {
    let sev = severity_points(severity);
    let reach = (5 * (group_posts - 1)).clamp(0, 25);
    let repeat = (5 * earlier_cases).clamp(0, 15);
    let mut why = format!("{} finding ({sev})", article(severity.as_str()));
    if reach > 0 {
        let _ = write!(why, " + the same text in {group_posts} posts (+{reach})");
    }
    if repeat > 0 {
        let s = if earlier_cases == 1 { "" } else { "s" };
        let _ = write!(why, " + {earlier_cases} earlier post{s} of this distributor with a case (+{repeat})");
    }
    let score = sev + reach + repeat;
    if reach + repeat > 0 {
        let _ = write!(why, " = {score}");
    }
    Priority { score, why }
}

fn article(severity: &str) -> String {
    match severity {
        "error" | "info" => format!("an {severity}-level"),
        _ => format!("a {severity}-level"),
    }
}

/// Two texts of a case group are "the same text" when their word-shingle
/// similarity ([`tactful_core::relationships::similarity`]) is at least
/// this: the bar the broadcast detector uses for "the same message". A
/// pasted post with another greeting, name, link or emoji stays above it;
/// two posts that make the same kind of claim in their own words fall far
/// below (see the tests).
pub const SAME_TEXT: f64 = tactful_core::relationships::SIMILARITY;

const BANDS: usize = 8;
const ROWS: usize = 2;

/// The words a text is compared by: lower case, letters and digits only;
/// links and @mentions dropped.
fn words(text: &str) -> Vec<String> {
    text.split_whitespace()
        .filter(|w| !(w.contains("://") || w.starts_with("www.") || w.starts_with('@')))
        .map(|w| w.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect::<String>())
        .filter(|w| !w.is_empty())
        .collect()
}

fn hash_word(w: &str) -> u64 {
    // FNV-1a, then mixed: stable across runs and machines (the keys are stored).
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in w.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    mix(h)
}

/// The keys under which a text's case group is stored and looked up:
/// MinHash over word 3-shingles in 8 bands of 2 rows. Two texts at
/// similarity 0.8 share a key with probability 1 − (1 − 0.8²)⁸ ≈ 0.9997;
/// at 0.3, with probability 0.53, and those few are then compared exactly.
/// A text of fewer than three words has one key: the hash of its words.
pub fn group_keys(text: &str) -> Vec<i64> {
    let w = words(text);
    if w.len() < 3 {
        let joined = w.join(" ");
        return vec![positive(mix(hash_word(&joined) ^ 0x5151))];
    }
    let hashes: Vec<u64> = w.iter().map(|w| hash_word(w)).collect();
    let shingles: Vec<u64> =
        hashes.windows(3).map(|s| mix(s[0] ^ s[1].rotate_left(21) ^ s[2].rotate_left(42))).collect();
    let mut mins = [u64::MAX; BANDS * ROWS];
    for &s in &shingles {
        for (k, m) in mins.iter_mut().enumerate() {
            let v = mix(s ^ 0x9e37_79b9_7f4a_7c15u64.wrapping_mul(k as u64 + 1));
            *m = (*m).min(v);
        }
    }
    let mut keys: Vec<i64> = (0..BANDS)
        .map(|b| {
            let mut h = mix(b as u64 + 1);
            for r in 0..ROWS {
                h = mix(h ^ mins[b * ROWS + r]);
            }
            // Positive, so it fits a signed BIGINT the same on both backends.
            positive(h)
        })
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// The top 63 bits, as a non-negative i64.
fn positive(h: u64) -> i64 {
    i64::try_from(h >> 1).expect("63 bits fit")
}

/// Whether two texts belong to one case group: the same words (for short
/// texts), or a similarity of at least [`SAME_TEXT`].
pub fn same_text(a: &str, b: &str) -> bool {
    let (wa, wb) = (words(a), words(b));
    wa == wb || tactful_core::relationships::similarity(a, b) >= SAME_TEXT
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_case_moves_along_the_machine_and_not_around_it() {
        let s = Status::New.change(Status::InReview, None).unwrap();
        let s = s.change(Status::NoticeSent, None).unwrap();
        assert_eq!(s.change(Status::Fixed, None), Ok(Status::Fixed));
        assert_eq!(
            Status::New.change(Status::NoticeSent, None),
            Err(BadTransition::Skipped { from: Status::New, to: Status::NoticeSent })
        );
        assert_eq!(
            Status::Fixed.change(Status::InReview, None),
            Err(BadTransition::Final { from: Status::Fixed, to: Status::InReview })
        );
        assert_eq!(Status::New.change(Status::New, None), Err(BadTransition::Unchanged(Status::New)));
        assert_eq!(
            Status::New.change(Status::NoticeSent, None).unwrap_err().to_string(),
            "a case that is new cannot become notice_sent (from new it can become in_review, fixed, dismissed, closed)"
        );
    }

    #[test]
    fn a_dismissal_needs_a_reason() {
        assert_eq!(Status::InReview.change(Status::Dismissed, None), Err(BadTransition::ReasonRequired));
        assert_eq!(
            Status::InReview.change(Status::Dismissed, Some("  ")),
            Err(BadTransition::ReasonRequired)
        );
        assert_eq!(
            Status::InReview.change(Status::Dismissed, Some("a quote from the FDA")),
            Ok(Status::Dismissed)
        );
    }

    #[test]
    fn statuses_read_back_from_their_names() {
        for s in Status::ALL {
            assert_eq!(s.as_str().parse::<Status>(), Ok(s));
        }
        assert_eq!("In-Review".parse::<Status>(), Ok(Status::InReview));
        assert!("open".parse::<Status>().unwrap_err().contains("expected a case status"));
    }

    #[test]
    fn priority_is_explained_in_words() {
        assert_eq!(
            priority(Severity::Warning, 1, 0),
            Priority { score: 35, why: "a warning-level finding (35)".into() }
        );
        let p = priority(Severity::Error, 3, 2);
        assert_eq!(p.score, 80);
        assert_eq!(
            p.why,
            "an error-level finding (60) + the same text in 3 posts (+10) + 2 earlier posts of this distributor with a case (+10) = 80"
        );
        assert_eq!(priority(Severity::Error, 300, 40).score, 100, "reach and repeats are capped");
    }

    const PASTED: &str =
        "These drops cured my anxiety in two weeks and I sleep like a baby now! Message me to try them.";

    #[test]
    fn a_pasted_claim_is_the_same_text_and_another_claim_is_not() {
        let tweaked = "Hi friends! These drops cured my anxiety in two weeks and I sleep like a baby now!! Message me to try them 💜 https://glowa.example/ann";
        assert!(same_text(PASTED, tweaked), "{}", tactful_core::relationships::similarity(PASTED, tweaked));
        let own_words =
            "My anxiety is gone since I started these drops, two weeks and I sleep through the night.";
        assert!(tactful_core::relationships::similarity(PASTED, own_words) < 0.3);
        assert!(!same_text(PASTED, own_words));
        // The keys find the copy: they share at least one.
        let (a, b) = (group_keys(PASTED), group_keys(tweaked));
        assert!(a.iter().any(|k| b.contains(k)), "{a:?} {b:?}");
        assert_eq!(group_keys(PASTED), group_keys(PASTED), "stable");
        assert!(same_text("Buy now!", "buy NOW"));
        assert_eq!(group_keys("Buy now!"), group_keys("buy NOW"));
    }
}

//! Coaching metrics: response tracking, unanswered customer requests, content
//! mix, giving vs asking, and the daily streak. Pure: no I/O, no clock (`now`
//! is a parameter), and the same input gives the same answer whatever order
//! the items come in (ties in time are broken by item id).
//!
//! Every figure is a [`Metric`]: its value, its definition (formula, divisor,
//! what counts and what does not) and the ids of the stored items behind it,
//! so a report can trace each number back to records.
//!
//! # Common rules
//!
//! - Only items with a known time (`at > 0`) at or before `now` count.
//! - Months are `YYYY-MM` in UTC, of the item's time (for a conversation
//!   start: of the start).
//! - The owner is recognised by `ItemView::by_owner`; the owner's handle per
//!   network ([`Owners`]) is only used to tell the owner apart from the other
//!   people named in an item.
//!
//! # Terms
//!
//! **Conversation.** Direct messages grouped by network and thread; a message
//! without a thread belongs to the conversation with its other participant
//! (for a group message without thread: with the set of its participants).
//! Comments, reactions and posts are not part of response tracking. Customer
//! requests group comments the same way: by thread (the post), or, for a
//! comment without thread, with the person.
//!
//! **Whose turn.** The last message of the conversation (at `now`) decides:
//! from them → waiting for you; from you → waiting for them.
//!
//! **First response.** Your first message in the same conversation after a
//! start. One message of yours answers every start before it that was still
//! open.
//!
//! **Nearest rank.** The p-th percentile of n values sorted ascending is the
//! one at rank ⌈p/100 × n⌉ (1-based, see [`nearest_rank`]), so a median or a
//! 90th percentile is always a time that occurred.
//!
//! **Customer request.** A message from them, or a comment of theirs, that
//! asks about your product or business ([`inquiry_cue`]) or reports a
//! problem ([`complaint_cue`]); a problem wins.
//!
//! **Pitch.** A message or comment of yours that pitches a product or the
//! opportunity ([`pitch_cue`]); giving vs asking reads it from
//! [`interactions`].
//!
//! # Definitions
//!
//! The definitions are the `DEF_*` constants of this module, listed in
//! [`DEFINITIONS`]; each [`Metric`] carries its own. `docs/metrics.md` shows
//! every one of them verbatim, with these common rules and terms, and
//! `crates/tactful-core/tests/metrics_doc.rs` fails when they drift apart.
//!
//! [`inquiry_cue`]: crate::relationships::inquiry_cue
//! [`complaint_cue`]: crate::coaching::complaint_cue
//! [`pitch_cue`]: crate::relationships::pitch_cue
//! [`interactions`]: crate::relationships::interactions
//!
//! # Where each subject lives
//!
//! This module holds what the subjects share (the [`Metric`] type, the
//! `DEF_*` definitions, the owner's handles, months and day numbers); each
//! subject has its own file, and everything public is re-exported here, so
//! the paths stay `tactful_core::coaching::…`:
//!
//! - `responses.rs`: conversations, starts, whose turn, response rate and
//!   times, unanswered starts;
//! - `requests.rs`: customer requests (complaints and questions) still
//!   unanswered;
//! - `content.rs`: the content mix of your posts;
//! - `giving.rs`: giving vs asking;
//! - `streak.rs`: the daily streak.
//!
//! # API
//!
//! ```text
//! pub type Owners = BTreeMap<Network, String>;
//! pub fn conversations(items: &[ItemView<'_>], owners: &Owners, now: i64) -> Vec<Conversation>
//! pub fn conversation(network: Network, key: String, msgs: &mut [&ItemView<'_>], me: &OwnerHandles) -> Conversation
//! pub fn response_summary(conversations: &[Conversation]) -> Vec<ResponseStats>
//! pub fn starts_summary(starts: &[&Start]) -> Vec<ResponseStats>
//! pub fn unanswered_starts(conversations: &[Conversation], now: i64) -> Vec<Waiting>
//! pub fn customer_requests(items: &[ItemView<'_>], owners: &Owners, now: i64) -> Vec<Request>
//! pub fn requests_metric(requests: &[Request]) -> Metric
//! pub fn request_cue(text: &str) -> Option<(RequestKind, String)>
//! pub fn complaint_cue(text: &str) -> Option<String>
//! pub fn content_mix(items: &[ItemView<'_>], classify: &dyn Fn(&str) -> ContentKind, now: i64) -> Vec<MonthMix>
//! pub fn classify_post(text: &str) -> ContentKind
//! pub fn content_cue(text: &str) -> (ContentKind, String)
//! pub fn giving_asking(items: &[ItemView<'_>], owners: &Owners, now: i64) -> Vec<MonthGiving>
//! pub fn streak(days: &[&str], today: &str) -> Result<Streak, String>
//! pub fn streak_days(days: &[i64], today: i64) -> Streak
//! pub fn day_number(date: &str) -> Option<i64>
//! pub fn month(at: i64) -> String
//! pub fn nearest_rank(sorted: &[i64], p: u32) -> Option<i64>
//! ```

use std::collections::BTreeMap;

use crate::history::{ItemKind, Network};
use crate::relationships::ItemView;
use crate::text::Normalized;

mod content;
mod giving;
mod requests;
mod responses;
mod streak;

pub use content::{ContentKind, MonthMix, classify_post, content_cue, content_mix};
pub use giving::{MonthGiving, giving_asking};
pub use requests::{
    Request, RequestKind, answers, complaint_cue, customer_requests, request_cue, requests_metric,
};
pub use responses::{
    Conversation, ResponseStats, START_SILENCE_SECS, Start, Turn, Waiting, conversation, conversations,
    conversations_with, nearest_rank, response_summary, starts_summary, unanswered_starts,
};
pub use streak::{Streak, day_number, streak, streak_days};

// ===========================================================================
// Shared types
// ===========================================================================

/// The owner's handle on each network. A network without an entry still
/// works: `by_owner` tells what the owner did; the handle only keeps the
/// owner out of the "other people" of an item.
pub type Owners = BTreeMap<Network, String>;
/// One figure of a report: its value, how it is computed, and the records
/// behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct Metric {
    /// Short name, e.g. "response rate".
    pub name: &'static str,
    /// The value: a count, a share between 0 and 1, or seconds (see the
    /// name). `None` when there is nothing to compute it from (a divisor of
    /// 0, no answered starts): show "no data", not zero.
    pub value: Option<f64>,
    /// The figure in words with its parts, e.g. "3 of 4 starts answered".
    pub detail: String,
    /// Formula, divisor, what counts and what does not.
    pub definition: &'static str,
    /// Ids of the stored items behind the figure (for a ratio: the items of
    /// the divisor), sorted, without repeats.
    pub items: Vec<i64>,
}

// ===========================================================================
// Definitions (docs/metrics.md shows each verbatim; tests/metrics_doc.rs checks)
// ===========================================================================

/// Every coaching metric's definition: (metric, constant, text), in the
/// order docs/metrics.md shows them.
pub const DEFINITIONS: [(&str, &str, &str); 13] = [
    ("Conversation starts", "DEF_STARTS", DEF_STARTS),
    ("Response rate", "DEF_RESPONSE_RATE", DEF_RESPONSE_RATE),
    ("Median time to first response", "DEF_MEDIAN", DEF_MEDIAN),
    ("90th percentile of time to first response", "DEF_P90", DEF_P90),
    ("Unanswered starts", "DEF_UNANSWERED_STARTS", DEF_UNANSWERED_STARTS),
    ("Unanswered customer requests", "DEF_REQUESTS", DEF_REQUESTS),
    ("Posts", "DEF_POSTS", DEF_POSTS),
    ("Posts of each kind", "DEF_KIND", DEF_KIND),
    ("Promotional share", "DEF_PROMO_SHARE", DEF_PROMO_SHARE),
    ("Given", "DEF_GIVEN", DEF_GIVEN),
    ("Asked", "DEF_ASKED", DEF_ASKED),
    ("Giving share", "DEF_GIVING_SHARE", DEF_GIVING_SHARE),
    ("Streak", "DEF_STREAK", DEF_STREAK),
];

pub const DEF_STARTS: &str = "Conversation starts: messages from them that come after at least 24 hours (86,400 s) of silence in the conversation (no message either way in the 24 hours before), or that open it. Conversation = network + thread, or the other person for a one-to-one message without thread. Only direct messages with a known time at or before now count; comments, reactions and posts do not.";
pub const DEF_RESPONSE_RATE: &str = "Response rate = starts answered / starts. A start is answered by your first message after it in the same conversation. Divisor: all starts at or before now, including those still waiting. No starts: no value.";
pub const DEF_MEDIAN: &str = "Median time to first response: over answered starts only, time of your first message after the start minus time of the start; nearest-rank median (sorted ascending, value at rank ceil(0.5 x n), the lower middle value for an even n). Unanswered starts are not included. No answered starts: no value.";
pub const DEF_P90: &str = "90th percentile of time to first response: over answered starts only; nearest rank (sorted ascending, value at rank ceil(0.9 x n)). Unanswered starts are not included. No answered starts: no value.";
pub const DEF_UNANSWERED_STARTS: &str = "Unanswered starts: conversation starts with no message of yours after them, oldest first; waited = now - time of the start.";
pub const DEF_REQUESTS: &str = "Unanswered customer requests: messages from them, or their comments on your content, that ask about your product or business (a question about price, order, product, shipping, business, ...) or report a problem (hasn't arrived, where is my order, refund, broken, not working, damaged, a question mark with an order word, ...), with nothing from you after them in that conversation (for a comment: no comment of yours in the same thread addressed to them or to nobody in particular). Oldest first; waited = now - time of the request.";
pub const DEF_POSTS: &str = "Posts: items of kind post written by you in the month (not comments, messages, reactions or shares), with a known time at or before now.";
pub const DEF_KIND: &str = "Posts of this kind in the month, by the content classifier (default: keyword rule; promotional if it pitches or uses selling words, then off-topic, informational, personal; no cue: personal).";
pub const DEF_PROMO_SHARE: &str =
    "Promotional share = promotional posts / all your posts of the month. No posts: no value.";
pub const DEF_GIVEN: &str = "Given: your comments on their content, shares of their content, reactions, mentions of them and your messages, each only when the item is not a pitch; one count per person reached (a message to 3 people counts 3). Connections do not count.";
pub const DEF_ASKED: &str = "Asked: your pitches (messages or comments that pitch a product or the opportunity), one count per person reached.";
pub const DEF_GIVING_SHARE: &str =
    "Giving share = given / (given + asked). Nothing given or asked: no value.";
pub const DEF_STREAK: &str = "Current streak: consecutive calendar days with a session, ending today, or ending yesterday when today has no session yet; 0 otherwise. Longest streak: the longest run of consecutive session days up to today. Days after today are ignored; several sessions on one day count once.";

// ===========================================================================
// Helpers
// ===========================================================================

/// `YYYY-MM` (UTC) of a unix time.
pub fn month(at: i64) -> String {
    crate::calendar::month(at)
}

/// The owner's handles per network: the one given in [`Owners`] plus the
/// authors of the owner's own items (not connections, whose author is the
/// other person), so an incomplete `Owners` still tells the owner apart.
/// Conversation keys and "the other people" of an item depend on it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OwnerHandles {
    handles: BTreeMap<Network, Vec<String>>,
}

impl OwnerHandles {
    /// From the items themselves (the authors of the owner's items) and `owners`.
    pub fn new(items: &[ItemView<'_>], owners: &Owners) -> OwnerHandles {
        let mut me = OwnerHandles::from_owners(owners);
        for i in items.iter().filter(|i| i.by_owner && i.kind != ItemKind::Connection) {
            me.add_author(i.network, i.author);
        }
        me
    }

    /// Only the handles given in `owners`; add the authors of the owner's
    /// items with [`OwnerHandles::add_author`].
    pub fn from_owners(owners: &Owners) -> OwnerHandles {
        let mut handles: BTreeMap<Network, Vec<String>> = BTreeMap::new();
        for (n, h) in owners {
            if !h.trim().is_empty() {
                handles.entry(*n).or_default().push(h.trim().to_ascii_lowercase());
            }
        }
        OwnerHandles { handles }
    }

    /// The author of one of the owner's own items (not a connection).
    /// Returns true when the handle was not known yet.
    pub fn add_author(&mut self, network: Network, author: &str) -> bool {
        if author.trim().is_empty() {
            return false;
        }
        let v = self.handles.entry(network).or_default();
        let a = author.trim().to_ascii_lowercase();
        if v.contains(&a) {
            return false;
        }
        v.push(a);
        true
    }

    /// Every (network, handle), lower case, in order.
    pub fn all(&self) -> Vec<(Network, String)> {
        self.handles.iter().flat_map(|(n, v)| v.iter().map(|h| (*n, h.clone()))).collect()
    }

    /// The owner's main handle on a network (the given one first).
    pub fn handle(&self, network: Network) -> &str {
        self.handles.get(&network).and_then(|v| v.first()).map_or("", String::as_str)
    }

    /// Is `handle` the owner on `network` (trimmed, ASCII case ignored)?
    pub fn is(&self, network: Network, handle: &str) -> bool {
        self.handles.get(&network).is_some_and(|v| v.iter().any(|h| is_handle(handle, h)))
    }

    /// The people in an item other than the owner, sorted, without repeats.
    pub fn others<'a>(&self, item: &ItemView<'a>) -> Vec<&'a str> {
        let mut v: Vec<&str> = item
            .counterparts
            .iter()
            .map(String::as_str)
            .chain((!item.by_owner).then_some(item.author))
            .map(str::trim)
            .filter(|h| !h.is_empty() && !self.is(item.network, h))
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// The conversation key of a message or comment (see [`Conversation::key`]).
    pub fn conversation_key(&self, item: &ItemView<'_>) -> String {
        if let Some(t) = item.thread.filter(|t| !t.trim().is_empty()) {
            return format!("thread:{t}");
        }
        let people = self.others(item);
        match people.len() {
            0 => "with:".to_string(),
            1 => format!("with:{}", people[0]),
            _ => format!("group:{}", people.join(",")),
        }
    }
}

fn is_handle(a: &str, b: &str) -> bool {
    !b.trim().is_empty() && a.trim().eq_ignore_ascii_case(b.trim())
}

fn counted(item: &ItemView<'_>, now: i64) -> bool {
    item.at > 0 && item.at <= now
}

fn metric(
    name: &'static str,
    value: Option<f64>,
    detail: String,
    definition: &'static str,
    mut items: Vec<i64>,
) -> Metric {
    items.sort_unstable();
    items.dedup();
    Metric { name, value, detail, definition, items }
}

fn count_metric(name: &'static str, what: &str, definition: &'static str, items: Vec<i64>) -> Metric {
    let n = items.len();
    metric(name, Some(n as f64), format!("{n} {what}"), definition, items)
}

fn share_metric(
    name: &'static str,
    part: usize,
    whole: usize,
    what: &str,
    definition: &'static str,
    items: Vec<i64>,
) -> Metric {
    let value = (whole > 0).then(|| part as f64 / whole as f64);
    metric(name, value, format!("{part} of {whole} {what}"), definition, items)
}

/// The text as single-spaced lower-case words with a space at both ends, so
/// a phrase test is `contains(" where is my order ")`.
fn canon(text: &str) -> String {
    let n = Normalized::new(text);
    let mut out = String::with_capacity(n.as_str().len() + 2);
    out.push(' ');
    for c in n.as_str().chars() {
        if c.is_alphanumeric() || c == '\'' {
            out.push(c);
        } else if c == '%' {
            if !out.ends_with(' ') {
                out.push(' ');
            }
            out.push_str("% ");
        } else if !out.ends_with(' ') {
            out.push(' ');
        }
    }
    if !out.ends_with(' ') {
        out.push(' ');
    }
    out
}

/// The first of `phrases` that stands as whole words in `canon` (as if
/// searching for " phrase "), without building a string per phrase: this
/// runs over every stored message at import.
fn first_phrase<'p>(canon: &str, phrases: &[&'p str]) -> Option<&'p str> {
    let b = canon.as_bytes();
    phrases.iter().copied().find(|p| {
        let mut from = 0;
        while let Some(pos) = canon[from..].find(p) {
            let (s, e) = (from + pos, from + pos + p.len());
            if s > 0 && b[s - 1] == b' ' && b.get(e) == Some(&b' ') {
                return true;
            }
            from = s + canon[s..].chars().next().map_or(1, char::len_utf8);
        }
        false
    })
}

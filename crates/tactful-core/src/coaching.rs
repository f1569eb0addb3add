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
//! # Metric definitions
//!
//! (The same text is in the `DEF_*` constants and in `docs/metrics.md`.)
//!
//! **Conversation.** Direct messages grouped by network and thread; a message
//! without a thread belongs to the conversation with its other participant
//! (for a group message without thread: with the set of its participants).
//! Comments, reactions and posts are not part of response tracking (comments
//! are covered by customer requests).
//!
//! **Conversation start.** A message from them (not the owner) that comes
//! after at least 24 hours (86,400 seconds) of silence in that conversation —
//! no message in either direction in the 24 hours before it — or that is the
//! first message of the conversation. A reply within 24 hours of your own
//! message is not a start: it answers you.
//!
//! **Whose turn.** The last message of the conversation (at `now`) decides:
//! from them → waiting for you; from you → waiting for them.
//!
//! **Time to first response.** For each start: the time of your first
//! message in the same conversation after it, minus the time of the start.
//! One message of yours answers every start before it that was still open.
//!
//! **Response rate** = starts answered ÷ starts. Divisor: every start at or
//! before `now`, including those still waiting (a start an hour old that you
//! have not answered yet counts as unanswered). No starts: no value.
//!
//! **Median and 90th percentile of time to first response**: over answered
//! starts only, nearest-rank method: sort the n times ascending, take the one
//! at rank ⌈p/100 × n⌉ (1-based). The median is p = 50 (for an even n, the
//! lower of the two middle values); both are always times that occurred.
//! Unanswered starts are not in them (see the response rate and the
//! unanswered list).
//!
//! **Unanswered starts.** Starts with no message of yours after them, oldest
//! first, with how long they have waited at `now`.
//!
//! **Customer request.** A message from them, or a comment of theirs (on your
//! content), that asks about your product or business ([`inquiry_cue`]) or
//! reports a problem ([`complaint_cue`]: "hasn't arrived", "where is my
//! order", "refund", "broken", "not working", …, or a question mark with an
//! order word such as order, delivery, package, tracking). It is *unanswered*
//! when you wrote nothing after it in that conversation: for a message, no
//! message of yours in its conversation; for a comment, no comment of yours
//! in the same thread (the post) that is addressed to them or to nobody in
//! particular (a comment without thread is matched against your comments to
//! that person). Listed oldest first with the time waited at `now`.
//!
//! **Content mix.** Each of your posts (items of kind post by you; not
//! comments, messages or shares) gets one kind from the classifier:
//! promotional, informational, personal or off-topic. **Promotional share**
//! = promotional posts of the month ÷ all your posts of the month. No posts:
//! no value. The default classifier is [`classify_post`].
//!
//! **Giving vs asking** (per month, from [`interactions`]; one count per
//! person reached, so a message to three people counts three times):
//! *given* = your comments on their content, shares of their content,
//! reactions, mentions of them, and your messages — each only when the item
//! is not a pitch; *asked* = your pitches (messages or comments, see
//! [`pitch_cue`]). Connections and follows count in neither. *Giving share*
//! = given ÷ (given + asked).
//!
//! **Streak.** Session days are distinct calendar days. The *current streak*
//! is the number of consecutive days with a session ending today, or ending
//! yesterday when today has no session yet (the day is not over); 0
//! otherwise. The *longest streak* is the longest run of consecutive session
//! days up to today. Days after today are ignored.
//!
//! [`inquiry_cue`]: crate::relationships::inquiry_cue
//! [`pitch_cue`]: crate::relationships::pitch_cue
//! [`interactions`]: crate::relationships::interactions
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

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt;

use crate::history::{ItemKind, Network};
use crate::relationships::{Act, Direction, ItemView, inquiry_cue, interactions, is_pitch};
use crate::text::Normalized;

// ===========================================================================
// API: types
// ===========================================================================

/// The owner's handle on each network. A network without an entry still
/// works: `by_owner` tells what the owner did; the handle only keeps the
/// owner out of the "other people" of an item.
pub type Owners = BTreeMap<Network, String>;

/// Silence (seconds) after which a message from them starts a conversation.
pub const START_SILENCE_SECS: i64 = 86_400;

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

/// Whose move it is in a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Turn {
    /// Their message is the last one: you owe a reply.
    WaitingForYou,
    /// Your message is the last one.
    WaitingForThem,
}

impl Turn {
    pub fn as_str(self) -> &'static str {
        match self {
            Turn::WaitingForYou => "waiting for you",
            Turn::WaitingForThem => "waiting for them",
        }
    }
}

impl fmt::Display for Turn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A conversation start (see the module documentation) and its first
/// response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Start {
    /// The incoming message that starts it.
    pub item: i64,
    pub network: Network,
    /// The conversation key (see [`Conversation::key`]).
    pub conversation: String,
    /// Who wrote it.
    pub from: String,
    pub at: i64,
    /// `YYYY-MM` (UTC) of `at`.
    pub month: String,
    /// Your first message after it: (item id, seconds after the start).
    pub response: Option<(i64, i64)>,
}

/// The direct messages of one conversation, as response tracking sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversation {
    pub network: Network,
    /// `thread:<id>` for a thread, `with:<handle>` for a one-to-one
    /// conversation without thread, `group:<a>,<b>,…` for a group message
    /// without thread.
    pub key: String,
    /// Everyone other than the owner who wrote or received a message in it,
    /// sorted.
    pub people: Vec<String>,
    /// Whose move it is, from the last message.
    pub turn: Turn,
    /// The last message (id, time).
    pub last_item: i64,
    pub last_at: i64,
    /// Its starts, oldest first.
    pub starts: Vec<Start>,
    /// All its message ids, in time order.
    pub items: Vec<i64>,
}

/// Response figures for a group of starts: one network and month, a whole
/// network (`month: None`), a whole month (`network: None`), or everything
/// (both `None`).
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseStats {
    pub network: Option<Network>,
    pub month: Option<String>,
    /// Number of starts.
    pub starts: Metric,
    /// Starts answered ÷ starts.
    pub response_rate: Metric,
    /// Median time to first response, seconds (nearest rank).
    pub median_secs: Metric,
    /// 90th percentile of time to first response, seconds (nearest rank).
    pub p90_secs: Metric,
}

/// An unanswered start, with how long it has waited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    pub start: Start,
    /// `now - start.at`, seconds.
    pub waited_secs: i64,
}

/// What a customer request is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RequestKind {
    /// A question about the product or the business ([`inquiry_cue`]).
    Question,
    /// A complaint or an order problem ([`complaint_cue`]).
    Problem,
}

impl RequestKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RequestKind::Question => "question",
            RequestKind::Problem => "problem",
        }
    }
}

/// A customer request still unanswered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub item: i64,
    pub network: Network,
    /// `ItemKind::Message` or `ItemKind::Comment`.
    pub kind: ItemKind,
    pub from: String,
    /// The conversation key (messages) or `thread:<id>` / `with:<handle>`
    /// (comments).
    pub conversation: String,
    pub at: i64,
    pub waited_secs: i64,
    pub request: RequestKind,
    /// Why it is a request, e.g. `"refund"` or `they asked about "price"`.
    pub cue: String,
    pub text: String,
}

/// The kind of a post, for the content mix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ContentKind {
    Promotional,
    Informational,
    Personal,
    OffTopic,
}

impl ContentKind {
    pub const ALL: [ContentKind; 4] =
        [ContentKind::Promotional, ContentKind::Informational, ContentKind::Personal, ContentKind::OffTopic];

    pub fn as_str(self) -> &'static str {
        match self {
            ContentKind::Promotional => "promotional",
            ContentKind::Informational => "informational",
            ContentKind::Personal => "personal",
            ContentKind::OffTopic => "off-topic",
        }
    }
}

impl fmt::Display for ContentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The content mix of one month.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthMix {
    /// `YYYY-MM`.
    pub month: String,
    /// All your posts of the month.
    pub posts: Metric,
    /// Posts of each kind, in [`ContentKind::ALL`] order.
    pub kinds: Vec<(ContentKind, Metric)>,
    /// Promotional ÷ all posts.
    pub promotional_share: Metric,
}

/// Giving vs asking in one month.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthGiving {
    /// `YYYY-MM`.
    pub month: String,
    pub given: Metric,
    pub asked: Metric,
    /// Given ÷ (given + asked).
    pub giving_share: Metric,
}

/// The daily streak.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Streak {
    /// Consecutive session days ending today (or yesterday, when today has
    /// no session yet).
    pub current: u32,
    /// The longest run of consecutive session days up to today.
    pub longest: u32,
    /// The last session day up to today (day number, see [`day_number`]).
    pub last_day: Option<i64>,
    pub definition: &'static str,
}

// ===========================================================================
// Definitions
// ===========================================================================

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
    let (y, m, _) = civil(at.div_euclid(86_400));
    format!("{y:04}-{m:02}")
}

/// Days since 1970-01-01 to (year, month, day); Howard Hinnant's algorithm.
fn civil(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// The day number (days since 1970-01-01) of a `YYYY-MM-DD` date, or `None`
/// when it is not a valid date.
pub fn day_number(date: &str) -> Option<i64> {
    let mut parts = date.trim().splitn(3, '-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let d: i64 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let yy = if m <= 2 { y - 1 } else { y };
    let era = yy.div_euclid(400);
    let yoe = yy - era * 400;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let n = era * 146_097 + doe - 719_468;
    // Reject 2024-02-31 and the like: the round trip must agree.
    (civil(n) == (y, m, d)).then_some(n)
}

/// The nearest-rank p-th percentile of ascending `sorted` values: the value
/// at rank ⌈p/100 × n⌉ (1-based, at least 1). `None` when empty.
pub fn nearest_rank(sorted: &[i64], p: u32) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let n = sorted.len();
    let rank = (p.min(100) as usize * n).div_ceil(100).max(1);
    Some(sorted[rank - 1])
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

/// Does a message or comment of yours, addressed to `to` (the people in it
/// other than you), answer a request of kind `kind` from `from` in the same
/// conversation? A message always does; a comment does when it is addressed
/// to them or to nobody in particular.
pub fn answers(kind: ItemKind, from: &str, to: &[&str]) -> bool {
    kind == ItemKind::Message || to.is_empty() || to.iter().any(|h| is_handle(h, from))
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

/// Seconds as a short duration: `2d 3h`, `4h 5m`, `12m`, `30s`.
fn duration(secs: i64) -> String {
    let (d, h, m) = (secs / 86_400, secs % 86_400 / 3_600, secs % 3_600 / 60);
    if d > 0 {
        format!("{d}d {h}h")
    } else if h > 0 {
        format!("{h}h {m}m")
    } else if m > 0 {
        format!("{m}m")
    } else {
        format!("{secs}s")
    }
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

// ===========================================================================
// Response tracking
// ===========================================================================

/// The direct-message conversations in `items` (any order) as of `now`,
/// sorted by network and key, each with its turn and its starts (see the
/// module documentation).
pub fn conversations(items: &[ItemView<'_>], owners: &Owners, now: i64) -> Vec<Conversation> {
    let me = OwnerHandles::new(items, owners);
    conversations_with(items, &me, now)
}

/// [`conversations`] with the owner's handles given (for a caller that reads
/// only part of the history but knows every handle of the owner's).
pub fn conversations_with(items: &[ItemView<'_>], me: &OwnerHandles, now: i64) -> Vec<Conversation> {
    let mut groups: BTreeMap<(Network, String), Vec<&ItemView<'_>>> = BTreeMap::new();
    for item in items.iter().filter(|i| i.kind == ItemKind::Message && counted(i, now)) {
        groups.entry((item.network, me.conversation_key(item))).or_default().push(item);
    }
    groups.into_iter().map(|((network, key), mut msgs)| conversation(network, key, &mut msgs, me)).collect()
}

/// One conversation from its messages (all of this network and key, each
/// counted, any order; at least one): its people, turn and starts. The
/// derived tables keep what this gives, per conversation.
pub fn conversation(
    network: Network,
    key: String,
    msgs: &mut [&ItemView<'_>],
    me: &OwnerHandles,
) -> Conversation {
    msgs.sort_by_key(|m| (m.at, m.id));
    let mut people: BTreeSet<String> = BTreeSet::new();
    let mut starts: Vec<Start> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    let mut last_at: Option<i64> = None;
    for m in msgs.iter() {
        people.extend(me.others(m).into_iter().map(str::to_string));
        if m.by_owner {
            for s in open.drain(..) {
                starts[s].response = Some((m.id, m.at - starts[s].at));
            }
        } else if last_at.is_none_or(|l| m.at - l >= START_SILENCE_SECS) {
            open.push(starts.len());
            starts.push(Start {
                item: m.id,
                network,
                conversation: key.clone(),
                from: m.author.trim().to_string(),
                at: m.at,
                month: month(m.at),
                response: None,
            });
        }
        last_at = Some(m.at);
    }
    let last = msgs.last().expect("a conversation has messages");
    Conversation {
        network,
        key,
        people: people.into_iter().collect(),
        turn: if last.by_owner { Turn::WaitingForThem } else { Turn::WaitingForYou },
        last_item: last.id,
        last_at: last.at,
        starts,
        items: msgs.iter().map(|m| m.id).collect(),
    }
}

fn stats_of(network: Option<Network>, month: Option<String>, starts: &[&Start]) -> ResponseStats {
    let ids: Vec<i64> = starts.iter().map(|s| s.item).collect();
    let answered: Vec<&Start> = starts.iter().copied().filter(|s| s.response.is_some()).collect();
    let answered_ids: Vec<i64> = answered.iter().map(|s| s.item).collect();
    let mut times: Vec<i64> = answered.iter().filter_map(|s| s.response.map(|r| r.1)).collect();
    times.sort_unstable();
    let median = nearest_rank(&times, 50);
    let p90 = nearest_rank(&times, 90);
    let n = times.len();
    let time_metric = |name, v: Option<i64>, p: u32, def| {
        let detail = match v {
            Some(v) => format!(
                "{} (rank {} of {n} answered starts)",
                duration(v),
                (p as usize * n).div_ceil(100).max(1)
            ),
            None => "no answered starts".to_string(),
        };
        metric(name, v.map(|v| v as f64), detail, def, answered_ids.clone())
    };
    ResponseStats {
        starts: count_metric("conversation starts", "starts", DEF_STARTS, ids.clone()),
        response_rate: share_metric(
            "response rate",
            answered.len(),
            starts.len(),
            "starts answered",
            DEF_RESPONSE_RATE,
            ids,
        ),
        median_secs: time_metric("median time to first response (s)", median, 50, DEF_MEDIAN),
        p90_secs: time_metric("90th percentile time to first response (s)", p90, 90, DEF_P90),
        network,
        month,
    }
}

/// Response figures per network and month, per network (`month: None`), per
/// month (`network: None`) and overall (both `None`), in that order, each
/// group sorted. Groups with no starts are left out, except the overall one.
pub fn response_summary(conversations: &[Conversation]) -> Vec<ResponseStats> {
    let all: Vec<&Start> = conversations.iter().flat_map(|c| c.starts.iter()).collect();
    starts_summary(&all)
}

/// [`response_summary`] from the starts alone (any order), for a caller
/// that keeps the starts rather than the conversations.
pub fn starts_summary(all: &[&Start]) -> Vec<ResponseStats> {
    let mut per_pair: BTreeMap<(Network, String), Vec<&Start>> = BTreeMap::new();
    let mut per_network: BTreeMap<Network, Vec<&Start>> = BTreeMap::new();
    let mut per_month: BTreeMap<String, Vec<&Start>> = BTreeMap::new();
    for s in all {
        per_pair.entry((s.network, s.month.clone())).or_default().push(s);
        per_network.entry(s.network).or_default().push(s);
        per_month.entry(s.month.clone()).or_default().push(s);
    }
    let mut out = Vec::new();
    for ((n, m), v) in per_pair {
        out.push(stats_of(Some(n), Some(m), &v));
    }
    for (n, v) in per_network {
        out.push(stats_of(Some(n), None, &v));
    }
    for (m, v) in per_month {
        out.push(stats_of(None, Some(m), &v));
    }
    out.push(stats_of(None, None, all));
    out
}

/// Starts with no message of yours after them, oldest first (ties by item
/// id), with how long they have waited at `now`.
pub fn unanswered_starts(conversations: &[Conversation], now: i64) -> Vec<Waiting> {
    let mut out: Vec<Waiting> = conversations
        .iter()
        .flat_map(|c| c.starts.iter())
        .filter(|s| s.response.is_none())
        .map(|s| Waiting { start: s.clone(), waited_secs: (now - s.at).max(0) })
        .collect();
    out.sort_by_key(|w| (w.start.at, w.start.item));
    out
}

// ===========================================================================
// Customer requests
// ===========================================================================

/// Phrases that report a problem on their own.
const COMPLAINT_PHRASES: &[&str] = &[
    "hasn't arrived",
    "hasnt arrived",
    "has not arrived",
    "haven't arrived",
    "never arrived",
    "not arrived",
    "didn't arrive",
    "did not arrive",
    "still hasn't",
    "never received",
    "haven't received",
    "have not received",
    "didn't receive",
    "did not receive",
    "not received",
    "where is my order",
    "where's my order",
    "wheres my order",
    "where is my package",
    "where's my package",
    "where is my parcel",
    "still waiting",
    "refund",
    "money back",
    "broken",
    "not working",
    "doesn't work",
    "does not work",
    "stopped working",
    "isn't working",
    "damaged",
    "wrong item",
    "wrong size",
    "wrong order",
    "charged twice",
    "cancel my order",
    "return it",
    "complaint",
    "rash",
    "allergic reaction",
];

/// Words that make a question an order problem.
const ORDER_WORDS: &[&str] = &[
    "order",
    "orders",
    "delivery",
    "delivered",
    "package",
    "parcel",
    "shipping",
    "shipped",
    "tracking",
    "arrive",
    "arrived",
    "payment",
    "charged",
    "invoice",
];

/// Why a text reports a problem with an order or a product, or `None`. The
/// test, on the normalised words: one of the complaint phrases ("hasn't
/// arrived", "never received", "where is my order", "still waiting",
/// "refund", "money back", "broken", "not working", "doesn't work",
/// "damaged", "wrong item", "charged twice", "cancel my order", "allergic
/// reaction", …), or a question mark together with an order word (order,
/// delivery, package, parcel, shipping, tracking, arrive, payment, charged,
/// invoice).
pub fn complaint_cue(text: &str) -> Option<String> {
    // One pass per list (this runs over every message from them at import).
    crate::relationships::phrase_list!(COMPLAINTS, COMPLAINT_PHRASES, false);
    crate::relationships::phrase_list!(ORDERS, ORDER_WORDS, false);
    let c = canon(text);
    if let Some(p) = COMPLAINTS.iter(COMPLAINTS.found(&c)).next() {
        return Some(format!("\"{p}\""));
    }
    if text.contains('?') {
        if let Some(w) = ORDERS.iter(ORDERS.found(&c)).next() {
            return Some(format!("a question about \"{w}\""));
        }
    }
    None
}

/// Is the text a customer request, and why? A problem ([`complaint_cue`])
/// wins over a question ([`inquiry_cue`]).
pub fn request_cue(text: &str) -> Option<(RequestKind, String)> {
    complaint_cue(text)
        .map(|c| (RequestKind::Problem, c))
        .or_else(|| inquiry_cue(text).map(|c| (RequestKind::Question, c)))
}

/// Customer requests still unanswered at `now`, oldest first (ties by item
/// id). See the module documentation for what counts.
pub fn customer_requests(items: &[ItemView<'_>], owners: &Owners, now: i64) -> Vec<Request> {
    let me = OwnerHandles::new(items, owners);
    let mut by_conv: BTreeMap<(Network, ItemKind, String), Vec<&ItemView<'_>>> = BTreeMap::new();
    for item in
        items.iter().filter(|i| matches!(i.kind, ItemKind::Message | ItemKind::Comment) && counted(i, now))
    {
        by_conv.entry((item.network, item.kind, me.conversation_key(item))).or_default().push(item);
    }
    let mut out = Vec::new();
    for ((network, kind, key), mut list) in by_conv {
        list.sort_by_key(|m| (m.at, m.id));
        for (k, m) in list.iter().enumerate() {
            if m.by_owner || m.author.trim().is_empty() || me.is(network, m.author) {
                continue;
            }
            let Some((request, cue)) = request_cue(m.text) else { continue };
            let from = m.author.trim();
            let answered = list[k + 1..].iter().any(|r| r.by_owner && answers(kind, from, &me.others(r)));
            if !answered {
                out.push(Request {
                    item: m.id,
                    network,
                    kind,
                    from: from.to_string(),
                    conversation: key.clone(),
                    at: m.at,
                    waited_secs: now - m.at,
                    request,
                    cue,
                    text: m.text.to_string(),
                });
            }
        }
    }
    out.sort_by_key(|r| (r.at, r.item));
    out
}

/// The unanswered customer requests as a metric (count, with their items).
pub fn requests_metric(requests: &[Request]) -> Metric {
    count_metric(
        "unanswered customer requests",
        "requests waiting",
        DEF_REQUESTS,
        requests.iter().map(|r| r.item).collect(),
    )
}

// ===========================================================================
// Content mix
// ===========================================================================

/// Selling words that make a post promotional even when it is not a full
/// pitch ([`pitch_cue`](crate::relationships::pitch_cue)).
const PROMO_WORDS: &[&str] = &[
    "buy",
    "shop",
    "sale",
    "discount",
    "promo",
    "giveaway",
    "in stock",
    "restocked",
    "back in stock",
    "dm me",
    "message me",
    "available now",
    "new product",
    "launch",
    "launching",
    "pre order",
    "preorder",
    "% off",
    "free shipping",
    "join my team",
];
/// Off-topic for a business channel: politics, religion, gossip, memes,
/// chain posts.
const OFF_TOPIC_WORDS: &[&str] = &[
    "election",
    "vote",
    "voting",
    "president",
    "politics",
    "political",
    "democrats",
    "republicans",
    "liberals",
    "conservatives",
    "government",
    "church",
    "prayer",
    "pray",
    "religion",
    "meme",
    "gossip",
    "drama",
    "share if",
    "copy and paste",
    "amen",
    "conspiracy",
];
/// Teaching and useful information.
const INFO_WORDS: &[&str] = &[
    "how to",
    "tip",
    "tips",
    "learn",
    "guide",
    "did you know",
    "step",
    "steps",
    "recipe",
    "tutorial",
    "ways to",
    "here's how",
    "mistakes",
    "research",
    "study",
    "faq",
    "explained",
    "myth",
    "facts",
    "lesson",
    "webinar",
    "checklist",
    "benefits of",
    "why",
];
/// Life and the person behind the business.
const PERSONAL_WORDS: &[&str] = &[
    "my family",
    "my kids",
    "my husband",
    "my wife",
    "my son",
    "my daughter",
    "my mom",
    "my dad",
    "my dog",
    "my cat",
    "birthday",
    "anniversary",
    "vacation",
    "holiday",
    "grateful",
    "thankful",
    "weekend",
    "morning walk",
    "our family",
    "throwback",
    "memories",
    "date night",
];

/// The kind of a post and why, by the default keyword rule, tested in this
/// order on the normalised words:
///
/// 1. **promotional**: it pitches ([`is_pitch`]) or uses a selling word
///    (buy, shop, sale, discount, promo, giveaway, in stock, dm me, message
///    me, available now, new product, launch, pre-order, % off, free
///    shipping, join my team);
/// 2. **off-topic**: politics, religion, memes, gossip or chain posts
///    (election, vote, president, politics, government, church, pray,
///    religion, meme, gossip, drama, share if, copy and paste, …);
/// 3. **informational**: teaching (how to, tip(s), learn, guide, did you
///    know, step(s), recipe, tutorial, ways to, mistakes, research, study,
///    faq, myth, facts, lesson, webinar, checklist, benefits of, why);
/// 4. **personal**: family, pets, birthdays, holidays, gratitude, weekend,
///    throwback, …;
/// 5. no cue at all: **personal** (a post that neither sells, teaches nor
///    strays off-topic is taken as about you and your life).
pub fn content_cue(text: &str) -> (ContentKind, String) {
    if is_pitch(text) {
        return (ContentKind::Promotional, "it pitches a product or the opportunity".to_string());
    }
    let c = canon(text);
    let lists: [(ContentKind, &[&str]); 4] = [
        (ContentKind::Promotional, PROMO_WORDS),
        (ContentKind::OffTopic, OFF_TOPIC_WORDS),
        (ContentKind::Informational, INFO_WORDS),
        (ContentKind::Personal, PERSONAL_WORDS),
    ];
    for (kind, words) in lists {
        if let Some(w) = first_phrase(&c, words) {
            return (kind, format!("\"{w}\""));
        }
    }
    (ContentKind::Personal, "no selling, teaching or off-topic words".to_string())
}

/// The default classifier: [`content_cue`] without the reason.
pub fn classify_post(text: &str) -> ContentKind {
    content_cue(text).0
}

/// Content mix per month (sorted by month) of the owner's posts, classified
/// by `classify` (pass `&classify_post` for the default).
pub fn content_mix(
    items: &[ItemView<'_>],
    classify: &dyn Fn(&str) -> ContentKind,
    now: i64,
) -> Vec<MonthMix> {
    let mut by_month: BTreeMap<String, Vec<(ContentKind, i64)>> = BTreeMap::new();
    for item in items.iter().filter(|i| i.kind == ItemKind::Post && i.by_owner && counted(i, now)) {
        by_month.entry(month(item.at)).or_default().push((classify(item.text), item.id));
    }
    by_month
        .into_iter()
        .map(|(m, posts)| {
            let all: Vec<i64> = posts.iter().map(|p| p.1).collect();
            let of =
                |k: ContentKind| -> Vec<i64> { posts.iter().filter(|p| p.0 == k).map(|p| p.1).collect() };
            let kinds = ContentKind::ALL
                .into_iter()
                .map(|k| {
                    let name = match k {
                        ContentKind::Promotional => "promotional posts",
                        ContentKind::Informational => "informational posts",
                        ContentKind::Personal => "personal posts",
                        ContentKind::OffTopic => "off-topic posts",
                    };
                    (k, count_metric(name, "posts", DEF_KIND, of(k)))
                })
                .collect();
            let promo = of(ContentKind::Promotional).len();
            MonthMix {
                posts: count_metric("posts", "posts", DEF_POSTS, all.clone()),
                promotional_share: share_metric(
                    "promotional share",
                    promo,
                    all.len(),
                    "posts promotional",
                    DEF_PROMO_SHARE,
                    all,
                ),
                kinds,
                month: m,
            }
        })
        .collect()
}

// ===========================================================================
// Giving vs asking
// ===========================================================================

/// Giving vs asking per month (sorted by month), from
/// [`interactions`].
pub fn giving_asking(items: &[ItemView<'_>], owners: &Owners, now: i64) -> Vec<MonthGiving> {
    // (given, asked): (count, item ids)
    let me = OwnerHandles::new(items, owners);
    // Per month: (given, asked), one item id per person reached.
    let mut by_month: BTreeMap<String, (Vec<i64>, Vec<i64>)> = BTreeMap::new();
    for item in items.iter().filter(|i| i.by_owner && counted(i, now)) {
        let acts = interactions(item, me.handle(item.network));
        let pitch = acts.iter().any(|a| a.act == Act::Pitch);
        let entry = by_month.entry(month(item.at)).or_default();
        for a in acts.iter().filter(|a| a.direction == Direction::Given) {
            match a.act {
                Act::Pitch => entry.1.push(item.id),
                Act::MessageSent
                | Act::CommentOnTheirs
                | Act::ReactionGiven
                | Act::ShareOfTheirs
                | Act::Mention
                    if !pitch =>
                {
                    entry.0.push(item.id)
                }
                _ => {}
            }
        }
    }
    by_month
        .into_iter()
        .filter(|(_, (g, a))| !g.is_empty() || !a.is_empty())
        .map(|(m, (gi, ai))| {
            let (g, a) = (gi.len(), ai.len());
            let both: Vec<i64> = gi.iter().chain(ai.iter()).copied().collect();
            MonthGiving {
                month: m,
                given: metric("given", Some(g as f64), format!("{g} given"), DEF_GIVEN, gi),
                asked: metric("asked", Some(a as f64), format!("{a} asked"), DEF_ASKED, ai),
                giving_share: share_metric(
                    "giving share",
                    g,
                    g + a,
                    "gives and asks were gives",
                    DEF_GIVING_SHARE,
                    both,
                ),
            }
        })
        .collect()
}

// ===========================================================================
// Streak
// ===========================================================================

/// The streak from session days as `YYYY-MM-DD` strings and today's date.
/// An invalid date is an error naming it.
pub fn streak(days: &[&str], today: &str) -> Result<Streak, String> {
    let parse = |d: &str| day_number(d).ok_or_else(|| format!("`{d}` is not a date: expected YYYY-MM-DD"));
    let today = parse(today)?;
    let days = days.iter().map(|d| parse(d)).collect::<Result<Vec<i64>, String>>()?;
    Ok(streak_days(&days, today))
}

/// The streak from session day numbers (see [`day_number`]) and today's.
pub fn streak_days(days: &[i64], today: i64) -> Streak {
    let set: BTreeSet<i64> = days.iter().copied().filter(|&d| d <= today).collect();
    let mut longest = 0u32;
    let mut run = 0u32;
    let mut prev: Option<i64> = None;
    for &d in &set {
        run = if prev == Some(d - 1) { run + 1 } else { 1 };
        longest = longest.max(run);
        prev = Some(d);
    }
    let seen: HashSet<i64> = set.iter().copied().collect();
    let end = if seen.contains(&today) { today } else { today - 1 };
    let mut current = 0u32;
    let mut d = end;
    while seen.contains(&d) {
        current += 1;
        d -= 1;
    }
    Streak { current, longest, last_day: set.last().copied(), definition: DEF_STREAK }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The one-pass complaint lists find what a search per phrase finds.
    #[test]
    fn complaint_lists_agree_with_a_search_per_phrase() {
        crate::relationships::phrase_list!(COMPLAINTS, COMPLAINT_PHRASES, false);
        crate::relationships::phrase_list!(ORDERS, ORDER_WORDS, false);
        for t in [
            "My order hasn't arrived, where is my order? I want a refund or my money back",
            "it is broken and not working, wrong item, wrong size, charged twice",
            "in order to track the parcel, is the delivery shipped?",
            "hasnt arrived hasn't arrived",
            "",
        ] {
            let c = canon(t);
            assert_eq!(
                COMPLAINTS.iter(COMPLAINTS.found(&c)).next(),
                first_phrase(&c, COMPLAINT_PHRASES),
                "{t}"
            );
            assert_eq!(ORDERS.iter(ORDERS.found(&c)).next(), first_phrase(&c, ORDER_WORDS), "{t}");
        }
    }
}

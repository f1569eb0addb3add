//! The relationship curve: what happened between the seller and each contact,
//! where the contact stands, what the seller gave and asked, and "spray and
//! pray" broadcasts. Pure: no I/O, no clock (`now` is a parameter), and the
//! same input always gives the same answer, whatever order it comes in.
//!
//! # Interactions
//!
//! [`interactions`] turns one stored item into what it means from the owner's
//! side: who (the contact's handle on that network), when, which way
//! ([`Direction::Given`] by you, [`Direction::Received`] from them) and what
//! ([`Act`]). One item can give several interactions: a message to three
//! people is three `MessageSent`; a pitching message is also a `Pitch`; a
//! message from them that asks about your product is also an `Inquiry`.
//! An interaction is *private* when it is a direct message between you and
//! exactly one other person (group messages and comments are not private).
//!
//! # The stage rules
//!
//! An *exchange* is any interaction except a connection or follow. Only
//! interactions at or before `now` count.
//!
//! 1. **team** — you marked them as a team member, or an import holds their
//!    sign-up record. A mark is your word and is never overridden by history.
//! 2. **customer** — you marked them as a customer, or an import holds an
//!    order from them.
//! 3. **lapsed** — they had reached *engaged* or *conversation* (rules 4 and
//!    5), but their last dated exchange towards you (a message, comment,
//!    reaction, share or mention) is more than `lapsed_after_days` (default
//!    90) days before now. What you sent in the meantime does not keep the
//!    relationship alive: only what they do does.
//! 4. **conversation** — any of:
//!    - they started a private conversation (their first direct message came
//!      before your first) and you answered it;
//!    - they answered privately a direct message of yours that was not a
//!      pitch (a reply to a pitch does not count: "no thanks" is not an
//!      invitation);
//!    - they asked about your product or your business, in a message or a
//!      comment (see [`inquiry_cue`]).
//! 5. **engaged** — at least `engaged_min_given` (default: one) exchanges
//!    from you that were not pitches, and at least `engaged_min_received`
//!    (default: one) exchanges from them: they answered, commented back,
//!    reacted to you, and you to them.
//! 6. **connected** — everyone else: a connection or follow, or only one-way
//!    contact so far.
//!
//! Being connected is never an opt-in: only *conversation*, *customer* and
//! *team* are stages where a pitch can be welcome (the consent ledger is the
//! other way).
//!
//! # Engagement equity
//!
//! - **given**: your comments on their content, shares of their content,
//!   reactions to their content or messages, mentions of them, and your
//!   messages to them that were not pitches;
//! - **asked**: your pitches to them (messages or comments, see [`pitch_cue`]);
//! - **received**: their messages, comments on your content, reactions,
//!   shares of your content and mentions of you.
//!
//! Connections count in none of them.
//!
//! # Pitch and inquiry detection
//!
//! See [`pitch_cue`] and [`inquiry_cue`]: small phrase tests over the
//! normalised text, written to miss rather than to accuse.
//!
//! # Broadcasts ("spray and pray")
//!
//! See [`broadcasts`]: the same or nearly the same message (word-shingle
//! Jaccard similarity at least [`SIMILARITY`], after dropping links, the
//! greeting and the name at the start, emoji and punctuation) sent to at
//! least `min_recipients` different people within `window_secs`.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::str::FromStr;

use crate::history::{ItemKind, Network};
use crate::text::Normalized;

// ===========================================================================
// API
// ===========================================================================

/// A stored item as the relationship code needs it: a borrowed mirror of the
/// store's `StoredItem`, so the core does not depend on the store.
#[derive(Debug, Clone, Copy)]
pub struct ItemView<'a> {
    /// The store's id of the item; interactions point back to it.
    pub id: i64,
    pub network: Network,
    pub kind: ItemKind,
    /// Who did it (for a connection: the other person).
    pub author: &'a str,
    /// True when the owner did it.
    pub by_owner: bool,
    /// The other people involved (recipients, the owner of the post commented
    /// on, the person connected with, people mentioned).
    pub counterparts: &'a [String],
    pub thread: Option<&'a str>,
    /// Unix seconds, UTC; 0 or less means the export gave no time.
    pub at: i64,
    pub text: &'a str,
}

/// Which way an interaction went, seen from the owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Direction {
    /// The owner did it to or for the contact.
    Given,
    /// The contact did it to or for the owner.
    Received,
}

/// What an interaction was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Act {
    /// You sent them a direct message (one-to-one or in a group).
    MessageSent,
    /// They sent you a direct message.
    MessageReceived,
    /// You commented on their content.
    CommentOnTheirs,
    /// They commented on your content.
    CommentOnYours,
    /// You reacted to their content or message.
    ReactionGiven,
    /// They reacted to your content or message.
    ReactionReceived,
    /// You shared their content.
    ShareOfTheirs,
    /// They shared your content.
    ShareOfYours,
    /// A post naming the other: `Given` when you mentioned them, `Received`
    /// when they mentioned you.
    Mention,
    /// A connection, friendship or follow: `Given` when you made it,
    /// `Received` when they did.
    Connection,
    /// A message or comment of yours that pitches a product or the
    /// opportunity (always `Given`; the same item also gives its
    /// `MessageSent` or `CommentOnTheirs`).
    Pitch,
    /// A message or comment of theirs that asks about your product or
    /// business (always `Received`; the same item also gives its
    /// `MessageReceived` or `CommentOnYours`).
    Inquiry,
}

impl Act {
    pub const ALL: [Act; 12] = [
        Act::MessageSent,
        Act::MessageReceived,
        Act::CommentOnTheirs,
        Act::CommentOnYours,
        Act::ReactionGiven,
        Act::ReactionReceived,
        Act::ShareOfTheirs,
        Act::ShareOfYours,
        Act::Mention,
        Act::Connection,
        Act::Pitch,
        Act::Inquiry,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Act::MessageSent => "message-sent",
            Act::MessageReceived => "message-received",
            Act::CommentOnTheirs => "comment-on-theirs",
            Act::CommentOnYours => "comment-on-yours",
            Act::ReactionGiven => "reaction-given",
            Act::ReactionReceived => "reaction-received",
            Act::ShareOfTheirs => "share-of-theirs",
            Act::ShareOfYours => "share-of-yours",
            Act::Mention => "mention",
            Act::Connection => "connection",
            Act::Pitch => "pitch",
            Act::Inquiry => "inquiry",
        }
    }
}

impl fmt::Display for Act {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One thing that happened between the owner and one contact.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Interaction {
    /// The contact's handle on `network` (identity merging happens outside).
    pub contact: String,
    pub network: Network,
    /// Unix seconds, UTC; 0 or less: unknown.
    pub at: i64,
    pub direction: Direction,
    pub act: Act,
    /// A direct message between the owner and this one contact only.
    pub private: bool,
    /// The stored item it comes from.
    pub item: i64,
}

/// Where a contact stands on the relationship curve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Stage {
    Connected,
    Engaged,
    Conversation,
    Customer,
    Team,
    Lapsed,
}

impl Stage {
    pub const ALL: [Stage; 6] =
        [Stage::Connected, Stage::Engaged, Stage::Conversation, Stage::Customer, Stage::Team, Stage::Lapsed];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Connected => "connected",
            Stage::Engaged => "engaged",
            Stage::Conversation => "conversation",
            Stage::Customer => "customer",
            Stage::Team => "team",
            Stage::Lapsed => "lapsed",
        }
    }

    /// May a pitch be welcome at this stage (before looking at consent)?
    /// True for conversation, customer and team.
    pub fn welcomes_pitch(self) -> bool {
        matches!(self, Stage::Conversation | Stage::Customer | Stage::Team)
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Stage {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim().to_ascii_lowercase();
        Stage::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| format!("unknown stage `{s}`: expected one of connected, engaged, conversation, customer, team, lapsed"))
    }
}

/// The configurable numbers of the stage rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thresholds {
    /// Days without an exchange from them after which an engaged contact or a
    /// conversation has lapsed.
    pub lapsed_after_days: u32,
    /// Exchanges from you (not pitches) needed for `engaged`.
    pub engaged_min_given: u32,
    /// Exchanges from them needed for `engaged`.
    pub engaged_min_received: u32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds { lapsed_after_days: 90, engaged_min_given: 1, engaged_min_received: 1 }
    }
}

/// Where a customer or team mark comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MarkSource {
    /// The seller said so.
    User,
    /// An order record in an import.
    Order,
    /// A sign-up (enrolment) record in an import.
    SignUp,
}

/// A customer or team mark and when it was made (unix seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Mark {
    pub at: i64,
    pub source: MarkSource,
}

/// What the seller (or an order or sign-up record) says about a contact.
/// Marks made after `now` are ignored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Marks {
    pub customer: Option<Mark>,
    pub team: Option<Mark>,
}

/// Engagement equity: what you gave, what you asked, what they gave back,
/// each with a one-line explanation of how it was counted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Equity {
    pub given: u32,
    pub asked: u32,
    pub received: u32,
    pub given_why: String,
    pub asked_why: String,
    pub received_why: String,
}

/// The stage of one contact, with its reasons in plain words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    pub stage: Stage,
    /// Why, in words a seller understands, most important first.
    pub reasons: Vec<String>,
    pub equity: Equity,
    /// The last dated exchange from them (what lapsing is measured from).
    pub last_from_them: Option<i64>,
    /// The last dated exchange from you.
    pub last_from_you: Option<i64>,
}

/// One message the detector should compare: sent to `contact` at `at`. A
/// message to a group appears once per recipient, with the same `id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outgoing<'a> {
    pub id: i64,
    pub contact: &'a str,
    pub at: i64,
    pub text: &'a str,
}

/// A "spray and pray" broadcast: nearly the same message to many people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broadcast {
    /// The items of the cluster, sorted, without repeats.
    pub items: Vec<i64>,
    /// Everyone who received one of them, sorted.
    pub recipients: Vec<String>,
    /// The most different recipients inside one window.
    pub peak_recipients: usize,
    pub first_at: i64,
    pub last_at: i64,
    /// The earliest message's text, as a sample.
    pub text: String,
}

/// Word-shingle Jaccard similarity at or above which two messages are "the
/// same message".
pub const SIMILARITY: f64 = 0.8;
/// Messages with fewer words than this (after the greeting and name are
/// dropped) are never part of a broadcast: "Thank you!" to five people is
/// politeness, not spray and pray.
pub const MIN_WORDS: usize = 6;
/// A sensible default window for [`broadcasts`]: one day.
pub const DEFAULT_WINDOW_SECS: i64 = 86_400;
/// A sensible default for [`broadcasts`]: five different people.
pub const DEFAULT_MIN_RECIPIENTS: usize = 5;

// The functions of the API, implemented below:
//
// pub fn interactions(item: &ItemView<'_>, owner: &str) -> Vec<Interaction>
// pub fn pitch_cue(text: &str) -> Option<String>
// pub fn is_pitch(text: &str) -> bool
// pub fn inquiry_cue(text: &str) -> Option<String>
// pub fn stage(history: &[Interaction], marks: Marks, now: i64, t: &Thresholds) -> Assessment
// pub fn broadcasts(messages: &[Outgoing<'_>], window_secs: i64, min_recipients: usize) -> Vec<Broadcast>
// pub fn similarity(a: &str, b: &str) -> f64
// pub fn date(at: i64) -> String

// ===========================================================================
// Interactions
// ===========================================================================

fn is_owner(handle: &str, owner: &str) -> bool {
    let h = handle.trim();
    !owner.trim().is_empty() && h.eq_ignore_ascii_case(owner.trim())
}

/// What one stored item means between the owner and each contact in it.
///
/// - By the owner: one interaction per counterpart who is not the owner
///   (a message → `MessageSent`, a comment → `CommentOnTheirs`, a reaction →
///   `ReactionGiven`, a share → `ShareOfTheirs`, a post → `Mention` of each
///   person it names, a connection → `Connection`), plus a `Pitch` when a
///   message or comment pitches ([`pitch_cue`]).
/// - By someone else: one interaction with the author (`MessageReceived`,
///   `CommentOnYours`, `ReactionReceived`, `ShareOfYours`, `Mention` for a
///   post of theirs in your export, `Connection`), plus an `Inquiry` when a
///   message or comment asks about your product or business
///   ([`inquiry_cue`]).
/// - A connection's contact is the other person whichever way it went.
///
/// `owner` is the owner's handle on the item's network (compared without
/// regard to ASCII case).
pub fn interactions(item: &ItemView<'_>, owner: &str) -> Vec<Interaction> {
    let mut out = Vec::new();
    let push = |out: &mut Vec<Interaction>, contact: &str, direction: Direction, act: Act, private: bool| {
        out.push(Interaction {
            contact: contact.to_string(),
            network: item.network,
            at: item.at,
            direction,
            act,
            private,
            item: item.id,
        });
    };
    if item.kind == ItemKind::Connection {
        let them = item
            .counterparts
            .iter()
            .map(String::as_str)
            .find(|c| !c.trim().is_empty() && !is_owner(c, owner))
            .or_else(|| Some(item.author).filter(|a| !a.trim().is_empty() && !is_owner(a, owner)));
        if let Some(them) = them {
            let direction = if item.by_owner { Direction::Given } else { Direction::Received };
            push(&mut out, them, direction, Act::Connection, false);
        }
        return out;
    }
    if item.by_owner {
        let mut contacts: Vec<&str> = item
            .counterparts
            .iter()
            .map(String::as_str)
            .filter(|c| !c.trim().is_empty() && !is_owner(c, owner))
            .collect();
        contacts.sort_unstable();
        contacts.dedup();
        let private = item.kind == ItemKind::Message && contacts.len() == 1;
        let act = match item.kind {
            ItemKind::Message => Act::MessageSent,
            ItemKind::Comment => Act::CommentOnTheirs,
            ItemKind::Reaction => Act::ReactionGiven,
            ItemKind::Share => Act::ShareOfTheirs,
            ItemKind::Post => Act::Mention,
            ItemKind::Connection => unreachable!("handled above"),
        };
        let pitch = matches!(item.kind, ItemKind::Message | ItemKind::Comment)
            && !contacts.is_empty()
            && is_pitch(item.text);
        for c in contacts {
            push(&mut out, c, Direction::Given, act, private);
            if pitch {
                push(&mut out, c, Direction::Given, Act::Pitch, private);
            }
        }
    } else {
        let them = item.author;
        if them.trim().is_empty() || is_owner(them, owner) {
            return out;
        }
        let others = item.counterparts.iter().filter(|c| !c.trim().is_empty() && c.as_str() != them).count();
        let private = item.kind == ItemKind::Message && others <= 1;
        let act = match item.kind {
            ItemKind::Message => Act::MessageReceived,
            ItemKind::Comment => Act::CommentOnYours,
            ItemKind::Reaction => Act::ReactionReceived,
            ItemKind::Share => Act::ShareOfYours,
            ItemKind::Post => Act::Mention,
            ItemKind::Connection => unreachable!("handled above"),
        };
        push(&mut out, them, Direction::Received, act, private);
        if matches!(item.kind, ItemKind::Message | ItemKind::Comment) && inquiry_cue(item.text).is_some() {
            push(&mut out, them, Direction::Received, Act::Inquiry, private);
        }
    }
    out
}

// ===========================================================================
// Pitch and inquiry detection
// ===========================================================================

/// Phrases that pitch on their own: a product offer or the opportunity.
const PITCH_PHRASES: &[&str] = &[
    // the opportunity
    "join my team",
    "join our team",
    "business opportunity",
    "income opportunity",
    "ground floor opportunity",
    "be your own boss",
    "work from home opportunity",
    "part time job",
    "online job",
    "extra income",
    "passive income",
    "financial freedom",
    "sign up under me",
    "add my telegram",
    "add my whatsapp",
    // the product
    "order now",
    "buy now",
    "shop now",
    "place your order",
    "place an order",
    "order yours",
    "get yours",
    "grab yours",
    "link in bio",
    "check out my",
    "check out our",
    "use my code",
    "use my link",
    "promo code",
    "discount code",
    "coupon code",
    "my online store",
    "my online shop",
    "shop my",
    "dm me to order",
    "message me to order",
    "free sample",
    "free samples",
    "limited time offer",
    "special offer",
    "on sale",
];

/// Words that hint at an offer; two different ones, or one with a price, make
/// a pitch. `order` after `in` or `of` ("in order to", "out of order") does
/// not count.
const OFFER_WORDS: &[&str] = &[
    "order",
    "buy",
    "purchase",
    "discount",
    "sale",
    "deal",
    "offer",
    "price",
    "shipping",
    "products",
    "opportunity",
    "catalog",
    "samples",
];

/// Openers of a question (when the message has no question mark).
const QUESTION_OPENERS: &[&str] = &[
    "how", "what", "where", "when", "which", "who", "can", "could", "do", "does", "is", "are", "would",
    "may", "any",
];
/// Phrases that ask without a question: "tell me more", "I'm interested".
const ASKING_PHRASES: &[&str] =
    &["tell me more", "i'm interested", "i am interested", "more info", "send me the", "send me your"];
/// What a question must be about to be an inquiry: the product or the business.
const OFFER_TOPICS: &[&str] = &[
    // "How much is the glow kit?" asks the price without the word.
    "how much is",
    "how much are",
    "how much does",
    "how much do",
    "price",
    "prices",
    "pricing",
    "cost",
    "costs",
    "order",
    "buy",
    "purchase",
    "product",
    "products",
    "sample",
    "samples",
    "catalog",
    "catalogue",
    "shipping",
    "in stock",
    "discount",
    "where can i get",
    "where do i get",
    "business",
    "opportunity",
    "your team",
    "sign up",
    "signup",
    "distributor",
    "consultant",
    "commission",
    "starter kit",
    "income",
];

/// The text as single-spaced lower-case words, with a space at both ends, so
/// a phrase test is `contains(" join my team ")`.
fn canonical_words(normalized: &str) -> String {
    let mut out = String::with_capacity(normalized.len() + 2);
    out.push(' ');
    for c in normalized.chars() {
        if c.is_alphanumeric() || c == '\'' {
            out.push(c);
        } else if !out.ends_with(' ') {
            out.push(' ');
        }
    }
    if !out.ends_with(' ') {
        out.push(' ');
    }
    out
}

#[cfg(test)]
fn has_phrase(canon: &str, phrase: &str) -> bool {
    let mut from = 0;
    while let Some(pos) = canon[from..].find(phrase) {
        let start = from + pos;
        let end = start + phrase.len();
        if canon.as_bytes()[start - 1] == b' ' && canon.as_bytes().get(end) == Some(&b' ') {
            return true;
        }
        from = start + 1;
    }
    false
}

/// One automaton per phrase list, built once: every message is tested
/// against every list at import, and one pass beats a search per phrase.
pub(crate) struct PhraseList {
    pub(crate) phrases: &'static [&'static str],
    pub(crate) ac: std::sync::LazyLock<aho_corasick::AhoCorasick>,
    /// `order` counts only in its selling sense (see [`has_offer_word`]).
    pub(crate) offer: bool,
}

impl PhraseList {
    /// Which phrases stand as whole words in `canon`: bit `i` for `phrases[i]`.
    /// The same answers as `has_phrase` (or `has_offer_word`) per phrase.
    pub(crate) fn found(&self, canon: &str) -> u64 {
        let b = canon.as_bytes();
        let mut hits = 0u64;
        for m in self.ac.find_overlapping_iter(canon) {
            let (s, e, i) = (m.start(), m.end(), m.pattern().as_usize());
            if s == 0 || b[s - 1] != b' ' || b.get(e) != Some(&b' ') {
                continue;
            }
            if self.offer && self.phrases[i] == "order" {
                let before = canon[..s - 1].rsplit(' ').next().unwrap_or("");
                if before == "in" || before == "of" {
                    continue;
                }
            }
            hits |= 1 << i;
        }
        hits
    }

    /// The found phrases, in list order.
    pub(crate) fn iter(&self, hits: u64) -> impl Iterator<Item = &'static str> + '_ {
        self.phrases.iter().enumerate().filter(move |(i, _)| hits & (1 << i) != 0).map(|(_, p)| *p)
    }
}

macro_rules! phrase_list {
    ($name:ident, $phrases:expr, $offer:expr) => {
        static $name: $crate::relationships::PhraseList = $crate::relationships::PhraseList {
            phrases: $phrases,
            ac: std::sync::LazyLock::new(|| {
                assert!($phrases.len() <= 64, "a phrase list has at most 64 phrases (one bit each)");
                aho_corasick::AhoCorasick::builder()
                    .match_kind(aho_corasick::MatchKind::Standard)
                    .build($phrases)
                    .expect("the built-in phrase lists compile")
            }),
            offer: $offer,
        };
    };
}

pub(crate) use phrase_list;

phrase_list!(PITCH_LIST, PITCH_PHRASES, false);
phrase_list!(OFFER_LIST, OFFER_WORDS, true);
phrase_list!(ASKING_LIST, ASKING_PHRASES, false);
phrase_list!(TOPIC_LIST, OFFER_TOPICS, true);

/// Is the word `order` (or `word`) present in its selling sense?
#[cfg(test)]
fn has_offer_word(canon: &str, word: &str) -> bool {
    if word == "order" {
        let mut from = 0;
        while let Some(pos) = canon[from..].find(" order ") {
            let start = from + pos;
            let before = canon[..start].rsplit(' ').next().unwrap_or("");
            if before != "in" && before != "of" {
                return true;
            }
            from = start + 1;
        }
        return false;
    }
    has_phrase(canon, word)
}

/// A price in the text: a currency sign next to a digit (`$25`, `€ 30`,
/// `25€`), or a number followed by a currency word (`25 dollars`, `30 eur`).
fn price(s: &str) -> Option<String> {
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        if matches!(c, '$' | '€' | '£') {
            let next = chars.get(k + 1).map(|p| p.1);
            let next2 = chars.get(k + 2).map(|p| p.1);
            let prev = k.checked_sub(1).map(|p| chars[p].1);
            if next.is_some_and(|d| d.is_ascii_digit())
                || (next == Some(' ') && next2.is_some_and(|d| d.is_ascii_digit()))
                || prev.is_some_and(|d| d.is_ascii_digit())
            {
                let end = s[i..].find(|ch: char| ch.is_whitespace()).map_or(s.len(), |e| i + e);
                let start = s[..i].rfind(' ').map_or(0, |b| b + 1);
                return Some(s[start..end].to_string());
            }
        }
    }
    let words: Vec<&str> =
        s.split(|c: char| !(c.is_alphanumeric() || c == '.')).filter(|w| !w.is_empty()).collect();
    for pair in words.windows(2) {
        if pair[0].chars().next().is_some_and(|c| c.is_ascii_digit())
            && matches!(pair[1], "usd" | "eur" | "gbp" | "dollars" | "euros" | "pounds" | "bucks")
        {
            return Some(format!("{} {}", pair[0], pair[1]));
        }
    }
    None
}

/// Why a text pitches a product or the opportunity, or `None` when it does
/// not. The test, on the normalised text:
///
/// 1. one of the pitch phrases ("join my team", "business opportunity",
///    "order now", "link in bio", "check out my", "promo code", "% off", …)
///    is a pitch on its own;
/// 2. otherwise a price (`$25`, `30 eur`) together with an offer word
///    (order, buy, purchase, discount, sale, deal, offer, price, shipping,
///    products, opportunity, catalog, samples) is a pitch;
/// 3. otherwise two different offer words are a pitch.
///
/// A price alone ("I paid $5 for lunch") or one offer word alone ("thanks
/// for the offer", "in order to") is not. It is meant to miss rather than
/// to accuse: the draft check's rules catch the subtler cases.
pub fn pitch_cue(text: &str) -> Option<String> {
    Prepared::new(text).pitch_cue()
}

/// A text normalised once for both phrase tests.
struct Prepared {
    normalized: String,
    canon: String,
    question_mark: bool,
}

impl Prepared {
    fn new(text: &str) -> Prepared {
        let normalized = Normalized::new(text).as_str().to_string();
        let canon = canonical_words(&normalized);
        Prepared { normalized, canon, question_mark: text.contains('?') }
    }

    fn pitch_cue(&self) -> Option<String> {
        let canon = &self.canon;
        if let Some(p) = PITCH_LIST.iter(PITCH_LIST.found(canon)).next() {
            return Some(format!("\"{p}\""));
        }
        if percent_off(&self.normalized) {
            return Some("\"% off\"".to_string());
        }
        let words: Vec<&str> = OFFER_LIST.iter(OFFER_LIST.found(canon)).collect();
        if let (Some(w), Some(p)) = (words.first(), price(&self.normalized)) {
            return Some(format!("a price ({p}) with \"{w}\""));
        }
        if words.len() >= 2 {
            return Some(format!("\"{}\" with \"{}\"", words[0], words[1]));
        }
        None
    }

    fn inquiry_cue(&self) -> Option<String> {
        let canon = &self.canon;
        let asking = self.question_mark
            || ASKING_LIST.found(canon) != 0
            || self.normalized.split(['.', '!', '\n']).any(|sentence| {
                sentence.split_whitespace().next().is_some_and(|w| {
                    QUESTION_OPENERS.contains(&w.trim_matches(|c: char| !c.is_alphanumeric()))
                })
            });
        if !asking {
            return None;
        }
        TOPIC_LIST.iter(TOPIC_LIST.found(canon)).next().map(|t| format!("they asked about \"{t}\""))
    }
}

/// `20% off`, `20 % off`.
fn percent_off(s: &str) -> bool {
    let mut from = 0;
    while let Some(pos) = s[from..].find('%') {
        let at = from + pos;
        let before = s[..at].trim_end();
        let after = s[at + 1..].trim_start();
        if before.ends_with(|c: char| c.is_ascii_digit())
            && after.strip_prefix("off").is_some_and(|r| !r.starts_with(|c: char| c.is_alphanumeric()))
        {
            return true;
        }
        from = at + 1;
    }
    false
}

/// Does the text pitch? See [`pitch_cue`].
pub fn is_pitch(text: &str) -> bool {
    pitch_cue(text).is_some()
}

/// Why a text (from a contact) asks about the product or the business, or
/// `None`. It must be *asking* — it has a question mark, starts a sentence
/// with a question word (how, what, where, when, which, who, can, could, do,
/// does, is, are, would, may, any), or says "tell me more", "I'm
/// interested", "more info", "send me the/your" — and it must be *about the
/// offer*: price, cost, order, buy, product, sample, catalog, shipping, in
/// stock, discount, "where can I get", business, opportunity, "your team",
/// sign up, distributor, consultant, commission, starter kit, income.
/// "Can I join you for lunch?" is not an inquiry; "How much does the starter
/// kit cost?" is.
pub fn inquiry_cue(text: &str) -> Option<String> {
    Prepared::new(text).inquiry_cue()
}

// ===========================================================================
// Stage
// ===========================================================================

/// A date as `YYYY-MM-DD` (UTC), or "an unknown date" for times of 0 or less.
pub fn date(at: i64) -> String {
    if at <= 0 {
        return "an unknown date".to_string();
    }
    // Howard Hinnant's days-to-civil algorithm.
    let z = at.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

fn plural(n: u32, one: &str, many: &str) -> String {
    if n == 1 { format!("1 {one}") } else { format!("{n} {many}") }
}

fn earliest(a: Option<i64>, b: i64) -> i64 {
    a.map_or(b, |x| x.min(b))
}

fn latest(a: Option<i64>, b: i64) -> i64 {
    a.map_or(b, |x| x.max(b))
}

/// What a contact's interactions add up to, as far as the stage rules care:
/// counts, first and last times, and the networks they happened on. Folded
/// one interaction at a time in time order (ties by item id), so a store can
/// keep it per contact and month and the stage can be read from it without
/// the whole history: [`stage`] is [`assess`] of the tally of the history.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Yours, not pitches: messages, comments on theirs, reactions, shares of theirs, mentions.
    pub given: [u32; 5],
    pub pitches: u32,
    pub private_pitches: u32,
    /// Theirs: messages, comments on yours, reactions, shares of yours, mentions.
    pub received: [u32; 5],
    pub inquiries: u32,
    /// The earliest connection, either way (the first one folded wins a tie).
    pub connection: Option<(Direction, i64)>,
    pub last_from_them: Option<i64>,
    pub last_from_you: Option<i64>,
    pub first_private_sent: Option<i64>,
    pub first_nonpitch_private_sent: Option<i64>,
    pub first_private_recv: Option<i64>,
    pub first_inquiry: Option<i64>,
    /// Their first private message after your first private message that was not a pitch.
    pub reply_to_you: Option<i64>,
    /// One bit per network (`1 << network as u8`) with an interaction.
    pub networks: u8,
    /// How many interactions were folded in.
    pub interactions: u32,
}

impl Tally {
    /// Fold one more interaction in. `pitch_item`: the item it comes from is
    /// a pitch (its message or comment is an ask, not a gift). Interactions
    /// must come in time order (ties by item id) for `reply_to_you` and the
    /// connection tie to come out as [`stage`] computes them.
    pub fn add(&mut self, i: &Interaction, pitch_item: bool) {
        let dated = i.at > 0;
        self.interactions += 1;
        self.networks |= 1 << (i.network as u8);
        match (i.direction, i.act) {
            (d, Act::Connection) => {
                // The earliest connection, either way; ties go to the one folded first.
                if self.connection.is_none_or(|(_, at)| i.at < at) {
                    self.connection = Some((d, i.at));
                }
            }
            (Direction::Given, Act::Pitch) => {
                self.pitches += 1;
                self.private_pitches += u32::from(i.private);
            }
            (Direction::Received, Act::Inquiry) => {
                self.inquiries += 1;
                self.first_inquiry = Some(earliest(self.first_inquiry, i.at));
            }
            (Direction::Given, act) => {
                match act {
                    Act::MessageSent if !pitch_item => self.given[0] += 1,
                    Act::CommentOnTheirs if !pitch_item => self.given[1] += 1,
                    Act::ReactionGiven => self.given[2] += 1,
                    Act::ShareOfTheirs => self.given[3] += 1,
                    Act::Mention => self.given[4] += 1,
                    _ => {}
                }
                if dated {
                    self.last_from_you = Some(latest(self.last_from_you, i.at));
                }
                if i.private && act == Act::MessageSent {
                    self.first_private_sent = Some(earliest(self.first_private_sent, i.at));
                    if !pitch_item {
                        self.first_nonpitch_private_sent =
                            Some(earliest(self.first_nonpitch_private_sent, i.at));
                    }
                }
            }
            (Direction::Received, act) => {
                match act {
                    Act::MessageReceived => self.received[0] += 1,
                    Act::CommentOnYours => self.received[1] += 1,
                    Act::ReactionReceived => self.received[2] += 1,
                    Act::ShareOfYours => self.received[3] += 1,
                    Act::Mention => self.received[4] += 1,
                    _ => {}
                }
                if dated {
                    self.last_from_them = Some(latest(self.last_from_them, i.at));
                }
                if i.private && act == Act::MessageReceived {
                    self.first_private_recv = Some(earliest(self.first_private_recv, i.at));
                    // In time order, the first one after your first non-pitch private message is the earliest.
                    if self.reply_to_you.is_none()
                        && self.first_nonpitch_private_sent.is_some_and(|sent| i.at > sent)
                    {
                        self.reply_to_you = Some(i.at);
                    }
                }
            }
        }
    }

    /// The tally of a history (any order) as of `now`: interactions after
    /// `now` are left out, the rest folded in time order (ties by item id).
    pub fn of(history: &[Interaction], now: i64) -> Tally {
        let mut counted: Vec<&Interaction> = history.iter().filter(|i| i.at <= now).collect();
        counted.sort_by_key(|i| (i.at, i.item));
        let mut pitch_items: Vec<i64> =
            counted.iter().filter(|i| i.act == Act::Pitch).map(|i| i.item).collect();
        pitch_items.sort_unstable();
        pitch_items.dedup();
        let mut t = Tally::default();
        for i in counted {
            t.add(i, pitch_items.binary_search(&i.item).is_ok());
        }
        t
    }

    /// A compact text form for storage: numbers separated by commas, an
    /// empty field for "none". [`Tally::decode`] reads it back.
    pub fn encode(&self) -> String {
        let opt = |v: Option<i64>| v.map_or_else(String::new, |x| x.to_string());
        let mut f: Vec<String> = self
            .given
            .iter()
            .chain([self.pitches, self.private_pitches].iter())
            .chain(self.received.iter())
            .map(u32::to_string)
            .collect();
        f.push(self.inquiries.to_string());
        f.push(match self.connection {
            Some((Direction::Given, at)) => format!("g{at}"),
            Some((Direction::Received, at)) => format!("r{at}"),
            None => String::new(),
        });
        for v in [
            self.last_from_them,
            self.last_from_you,
            self.first_private_sent,
            self.first_nonpitch_private_sent,
            self.first_private_recv,
            self.first_inquiry,
            self.reply_to_you,
        ] {
            f.push(opt(v));
        }
        f.push(self.networks.to_string());
        f.push(self.interactions.to_string());
        f.join(",")
    }

    /// Read back what [`Tally::encode`] wrote; `None` when it is not that.
    pub fn decode(s: &str) -> Option<Tally> {
        let f: Vec<&str> = s.split(',').collect();
        if f.len() != 23 {
            return None;
        }
        let n = |k: usize| f[k].parse::<u32>().ok();
        let opt = |k: usize| if f[k].is_empty() { Some(None) } else { f[k].parse::<i64>().ok().map(Some) };
        let connection = match f[13].split_at_checked(1) {
            None => None,
            Some(("g", at)) => Some((Direction::Given, at.parse().ok()?)),
            Some(("r", at)) => Some((Direction::Received, at.parse().ok()?)),
            Some(_) => return None,
        };
        Some(Tally {
            given: [n(0)?, n(1)?, n(2)?, n(3)?, n(4)?],
            pitches: n(5)?,
            private_pitches: n(6)?,
            received: [n(7)?, n(8)?, n(9)?, n(10)?, n(11)?],
            inquiries: n(12)?,
            connection,
            last_from_them: opt(14)?,
            last_from_you: opt(15)?,
            first_private_sent: opt(16)?,
            first_nonpitch_private_sent: opt(17)?,
            first_private_recv: opt(18)?,
            first_inquiry: opt(19)?,
            reply_to_you: opt(20)?,
            networks: f[21].parse().ok()?,
            interactions: n(22)?,
        })
    }

    /// The networks with an interaction, in [`Network`] order.
    pub fn networks(&self) -> Vec<Network> {
        Network::ALL.into_iter().filter(|n| self.networks & (1 << (*n as u8)) != 0).collect()
    }
}

/// The stage of one contact from their interactions (any order), your marks
/// and the configured thresholds, as of `now`. See the module documentation
/// for the rules; every reason is a sentence a seller understands.
pub fn stage(history: &[Interaction], marks: Marks, now: i64, t: &Thresholds) -> Assessment {
    assess(&Tally::of(history, now), marks, now, t)
}

/// The stage from a contact's [`Tally`] of the interactions up to `now`
/// (what [`stage`] computes from the whole history).
pub fn assess(tally: &Tally, marks: Marks, now: i64, t: &Thresholds) -> Assessment {
    let [msg_sent, comments_theirs, reactions_given, shares_theirs, mentions_given] = tally.given;
    let [msg_recv, comments_yours, reactions_recv, shares_yours, mentions_recv] = tally.received;
    let (pitches, private_pitches, inquiries) = (tally.pitches, tally.private_pitches, tally.inquiries);
    let (connection, last_from_them, last_from_you, first_inquiry, reply_to_you) = (
        tally.connection,
        tally.last_from_them,
        tally.last_from_you,
        tally.first_inquiry,
        tally.reply_to_you,
    );
    // They wrote first, and you answered.
    let they_started: Option<(i64, i64)> = match (tally.first_private_recv, tally.first_private_sent) {
        (Some(r), Some(s)) if r < s => Some((r, s)),
        _ => None,
    };

    let given = msg_sent + comments_theirs + reactions_given + shares_theirs + mentions_given;
    let received = msg_recv + comments_yours + reactions_recv + shares_yours + mentions_recv;
    let equity = equity(
        [msg_sent, comments_theirs, reactions_given, shares_theirs, mentions_given],
        (pitches, private_pitches),
        [msg_recv, comments_yours, reactions_recv, shares_yours, mentions_recv],
        inquiries,
    );

    let mut reasons = Vec::new();
    let mark_reason = |what: &str, m: Mark| match m.source {
        MarkSource::User => format!("you marked them as a {what} on {}", date(m.at)),
        MarkSource::Order => format!("an order from them on {} makes them a {what}", date(m.at)),
        MarkSource::SignUp => format!("their sign-up on {} makes them a {what}", date(m.at)),
    };
    let last_reason = |reasons: &mut Vec<String>| match last_from_them {
        Some(at) => reasons.push(format!(
            "their last exchange with you was on {} ({} days ago)",
            date(at),
            (now - at).div_euclid(86_400)
        )),
        None => reasons.push("they have not answered, commented or reacted to you yet".to_string()),
    };

    let team = marks.team.filter(|m| m.at <= now);
    let customer = marks.customer.filter(|m| m.at <= now);
    let stage = if let Some(m) = team {
        reasons.push(mark_reason("team member", m));
        last_reason(&mut reasons);
        Stage::Team
    } else if let Some(m) = customer {
        reasons.push(mark_reason("customer", m));
        last_reason(&mut reasons);
        Stage::Customer
    } else {
        let mut curve = Vec::new();
        if let Some((r, s)) = they_started {
            curve.push(format!(
                "they started a private conversation on {} and you answered on {}",
                date(r),
                date(s)
            ));
        }
        if let Some(at) = reply_to_you {
            curve.push(format!("they replied to your message on {}", date(at)));
        }
        if let Some(at) = first_inquiry {
            curve.push(format!("they asked about your product or business on {}", date(at)));
        }
        let conversation = !curve.is_empty();
        let engaged = given >= t.engaged_min_given && received >= t.engaged_min_received;
        let lapsed_secs = i64::from(t.lapsed_after_days) * 86_400;
        let lapsed = (conversation || engaged) && last_from_them.is_some_and(|at| now - at > lapsed_secs);
        if lapsed {
            let at = last_from_them.unwrap_or_default();
            reasons.push(format!(
                "no exchange from them for {} days, since {} (lapsed after {})",
                (now - at).div_euclid(86_400),
                date(at),
                t.lapsed_after_days
            ));
            let was = if conversation { "in conversation" } else { "engaged" };
            reasons.push(format!("before that you were {was}"));
            reasons.extend(curve);
            Stage::Lapsed
        } else if conversation {
            reasons.extend(curve);
            Stage::Conversation
        } else if engaged {
            reasons.push(format!(
                "you and they both took part: you gave {given}, they gave {received} (engaged needs {} and {})",
                t.engaged_min_given, t.engaged_min_received
            ));
            if private_pitches > 0 && reply_to_you.is_none() {
                reasons.push(
                    "they have only answered your pitches privately, which is not an invitation".to_string(),
                );
            } else {
                reasons.push(
                    "no private two-way conversation yet, and they have not asked about your offer"
                        .to_string(),
                );
            }
            Stage::Engaged
        } else {
            match connection {
                Some((Direction::Given, at)) => {
                    reasons.push(format!("you connected with or followed them on {}", date(at)))
                }
                Some((Direction::Received, at)) => {
                    reasons.push(format!("they connected with or followed you on {}", date(at)))
                }
                None => {}
            }
            if private_pitches > 0 && given < t.engaged_min_given && reply_to_you.is_none() && received > 0 {
                reasons.push(
                    "they have only answered your pitches, which is not an invitation; give something first"
                        .to_string(),
                );
            } else if received < t.engaged_min_received && given < t.engaged_min_given {
                reasons.push("no exchange either way yet".to_string());
            } else if received < t.engaged_min_received {
                reasons.push(format!(
                    "they have not answered, commented or reacted yet ({} from them, engaged needs {})",
                    received, t.engaged_min_received
                ));
            } else {
                let when = last_from_them.map_or_else(String::new, |at| format!(" (last on {})", date(at)));
                reasons.push(format!(
                    "they reached out{when}, but you have not given anything back yet ({given} from you, engaged needs {})",
                    t.engaged_min_given
                ));
            }
            Stage::Connected
        }
    };
    Assessment { stage, reasons, equity, last_from_them, last_from_you }
}

fn list(parts: &[(u32, &str, &str)]) -> String {
    let items: Vec<String> =
        parts.iter().filter(|p| p.0 > 0).map(|&(n, one, many)| plural(n, one, many)).collect();
    if items.is_empty() { "nothing".to_string() } else { items.join(", ") }
}

fn equity(given: [u32; 5], (pitches, private): (u32, u32), received: [u32; 5], inquiries: u32) -> Equity {
    let g: u32 = given.iter().sum();
    let r: u32 = received.iter().sum();
    let given_why = format!(
        "you gave {g}: {}",
        list(&[
            (given[0], "message that was not a pitch", "messages that were not pitches"),
            (given[1], "comment on their posts", "comments on their posts"),
            (given[2], "reaction", "reactions"),
            (given[3], "share of their content", "shares of their content"),
            (given[4], "mention of them", "mentions of them"),
        ])
    );
    let asked_why = if pitches == 0 {
        "you asked 0: no pitches".to_string()
    } else {
        format!(
            "you asked {pitches}: {} ({private} in private messages)",
            plural(pitches, "pitch", "pitches")
        )
    };
    let mut received_why = format!(
        "they gave {r}: {}",
        list(&[
            (received[0], "message", "messages"),
            (received[1], "comment on your posts", "comments on your posts"),
            (received[2], "reaction", "reactions"),
            (received[3], "share of your content", "shares of your content"),
            (received[4], "mention of you", "mentions of you"),
        ])
    );
    if inquiries > 0 {
        received_why = format!(
            "{received_why} ({} about your product or business)",
            plural(inquiries, "question", "questions")
        );
    }
    Equity { given: g, asked: pitches, received: r, given_why, asked_why, received_why }
}

// ===========================================================================
// Broadcasts
// ===========================================================================

const GREETINGS: &[&str] = &[
    "hi",
    "hey",
    "hello",
    "hiya",
    "heya",
    "hey there",
    "yo",
    "dear",
    "greetings",
    "howdy",
    "hallo",
    "hej",
    "hola",
    "ciao",
    "bonjour",
    "morning",
    "good",
    "evening",
    "afternoon",
];

/// A message's words for comparison: normalised, links and @handles
/// dropped, split on anything that is not a letter or digit (so emoji and
/// punctuation vanish), with the greeting and the name at the start removed.
/// Each word carries whether a clause ended right after it.
fn comparable_words(text: &str) -> Vec<String> {
    let n = Normalized::new(text);
    let mut words: Vec<(String, bool)> = Vec::new();
    for chunk in n.as_str().split_whitespace() {
        if chunk.starts_with("http")
            || chunk.starts_with("www.")
            || chunk.starts_with('@')
            || chunk.contains(".com/")
            || chunk.contains(".co/")
        {
            if let Some(last) = words.last_mut() {
                last.1 = true;
            }
            continue;
        }
        let mut current = String::new();
        for c in chunk.chars() {
            if c.is_alphanumeric() {
                current.push(c);
            } else if c != '\'' {
                if !current.is_empty() {
                    words.push((std::mem::take(&mut current), false));
                }
                // Anything else (punctuation, emoji) ends a clause.
                if let Some(last) = words.last_mut() {
                    last.1 = true;
                }
            }
        }
        if !current.is_empty() {
            words.push((current, false));
        }
    }
    // Drop the greeting ("Hi", "Good morning") and the name after it.
    let mut start = 0;
    while start < words.len() && start < 2 && GREETINGS.contains(&words[start].0.as_str()) {
        start += 1;
    }
    if start > 0 {
        if words[start - 1].1 {
            // "Hi, Anna! …": a short clause right after the greeting is the name.
            if let Some(end) = (start..words.len().min(start + 3)).find(|&k| words[k].1) {
                start = end + 1;
            }
        } else if let Some(end) = (start..words.len().min(start + 3)).find(|&k| words[k].1) {
            // "Hi there Anna! …"
            start = end + 1;
        } else {
            // "Hi Anna I …": the next word is the name.
            start += 1;
        }
    } else if let Some(end) = (0..words.len().min(2)).find(|&k| words[k].1) {
        // "Anna, …": a one- or two-word clause at the start is the name.
        start = end + 1;
    }
    words.into_iter().skip(start).map(|w| w.0).collect()
}

fn hash_str(s: &str, seed: u64) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325 ^ seed;
    for &b in s.as_bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h ^= h >> 29;
    h
}

fn mix(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

/// Sorted, distinct hashes of the word 3-shingles (or of the words, for
/// texts shorter than three words); empty when the text has fewer than
/// [`MIN_WORDS`] words.
fn shingles(text: &str) -> Vec<u64> {
    let words = comparable_words(text);
    if words.len() < MIN_WORDS {
        return Vec::new();
    }
    let hashes: Vec<u64> = words.iter().map(|w| hash_str(w, 0)).collect();
    let mut out: Vec<u64> =
        hashes.windows(3).map(|w| mix(w[0] ^ w[1].rotate_left(21) ^ w[2].rotate_left(42))).collect();
    out.sort_unstable();
    out.dedup();
    out
}

fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let (mut i, mut j, mut inter) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                inter += 1;
                i += 1;
                j += 1;
            }
        }
    }
    inter as f64 / (a.len() + b.len() - inter) as f64
}

/// How alike two messages are for the broadcast detector: the Jaccard
/// similarity of their word 3-shingles after dropping links, greeting, name,
/// emoji and punctuation (0 when either has fewer than [`MIN_WORDS`] words).
pub fn similarity(a: &str, b: &str) -> f64 {
    jaccard(&shingles(a), &shingles(b))
}

const BANDS: usize = 10;
const ROWS: usize = 3;

/// MinHash band keys: two messages that share any key are compared exactly.
/// With 10 bands of 3 rows, a pair at Jaccard 0.8 shares a key with
/// probability 1 - (1 - 0.8³)¹⁰ ≈ 0.9992 (at 0.9: 0.999 999 9), while
/// a pair at 0.3 is compared only with probability 0.24.
fn band_keys(sh: &[u64]) -> [u64; BANDS] {
    let mut mins = [u64::MAX; BANDS * ROWS];
    for &s in sh {
        for (k, m) in mins.iter_mut().enumerate() {
            let v = mix(s ^ (0x9e37_79b9_7f4a_7c15u64.wrapping_mul(k as u64 + 1)));
            if v < *m {
                *m = v;
            }
        }
    }
    let mut keys = [0u64; BANDS];
    for (b, key) in keys.iter_mut().enumerate() {
        let mut h = mix(b as u64 + 1);
        for r in 0..ROWS {
            h = mix(h ^ mins[b * ROWS + r]);
        }
        *key = h;
    }
    keys
}

fn find(parent: &mut [usize], mut x: usize) -> usize {
    while parent[x] != x {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    x
}

/// "Spray and pray": groups of the same or nearly the same message sent to
/// at least `min_recipients` different people within `window_secs`.
///
/// Two messages are "the same" when their [`similarity`] is at least
/// [`SIMILARITY`] and they were sent at most `window_secs` apart; groups are
/// the connected sets of that relation. A group is reported when some
/// stretch of `window_secs` inside it reaches `min_recipients` different
/// recipients. Messages shorter than [`MIN_WORDS`] words are ignored.
///
/// Fast: each message is hashed once (MinHash, 10 bands of 3), messages are
/// visited in time order, and a message is compared only with earlier ones
/// in the window that share a band key. The output is sorted by first time,
/// then first item, and does not depend on the input order.
pub fn broadcasts(messages: &[Outgoing<'_>], window_secs: i64, min_recipients: usize) -> Vec<Broadcast> {
    let min_recipients = min_recipients.max(1);
    let mut order: Vec<usize> = (0..messages.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&messages[a], &messages[b]);
        (x.at, x.id, x.contact).cmp(&(y.at, y.id, y.contact))
    });
    // A message to a group appears once per recipient: shingle each text once.
    let mut by_text: HashMap<(i64, &str), usize> = HashMap::new();
    let mut sigs: Vec<(Vec<u64>, [u64; BANDS])> = Vec::new();
    let mut sig_of = vec![usize::MAX; messages.len()];
    for &m in &order {
        let key = (messages[m].id, messages[m].text);
        let next = sigs.len();
        let s = *by_text.entry(key).or_insert(next);
        if s == next {
            let sh = shingles(messages[m].text);
            let keys = band_keys(&sh);
            sigs.push((sh, keys));
        }
        sig_of[m] = s;
    }

    let mut parent: Vec<usize> = (0..messages.len()).collect();
    let mut buckets: HashMap<(usize, u64), VecDeque<usize>> = HashMap::new();
    for &m in &order {
        let s = sig_of[m];
        if sigs[s].0.is_empty() {
            continue;
        }
        let at = messages[m].at;
        for (b, &key) in sigs[s].1.iter().enumerate() {
            let bucket = buckets.entry((b, key)).or_default();
            while bucket.front().is_some_and(|&o| at - messages[o].at > window_secs) {
                bucket.pop_front();
            }
            let mut superseded = None;
            for (k, &o) in bucket.iter().enumerate() {
                let so = sig_of[o];
                let same = so == s || sigs[so].0 == sigs[s].0;
                let (ro, rm) = (find(&mut parent, o), find(&mut parent, m));
                if ro != rm && (same || jaccard(&sigs[so].0, &sigs[s].0) >= SIMILARITY) {
                    // Union towards the earlier root, so roots are stable.
                    let (lo, hi) = if ro < rm { (ro, rm) } else { (rm, ro) };
                    parent[hi] = lo;
                }
                if same {
                    superseded = Some(k);
                }
            }
            // A later message with the very same words stands in for the
            // earlier one (it stays in the window longer): buckets hold one
            // entry per distinct wording, so a burst of 1,000 copies costs
            // 1,000 steps, not half a million.
            if let Some(k) = superseded {
                bucket.remove(k);
            }
            bucket.push_back(m);
        }
    }

    // Gather the groups, members in time order.
    let mut groups: HashMap<usize, Vec<usize>> = HashMap::new();
    for &m in &order {
        if sigs[sig_of[m]].0.is_empty() {
            continue;
        }
        let r = find(&mut parent, m);
        groups.entry(r).or_default().push(m);
    }
    let mut out = Vec::new();
    for members in groups.values() {
        let peak = peak_recipients(messages, members, window_secs);
        if peak < min_recipients {
            continue;
        }
        let mut items: Vec<i64> = members.iter().map(|&m| messages[m].id).collect();
        items.sort_unstable();
        items.dedup();
        let mut recipients: Vec<String> = members.iter().map(|&m| messages[m].contact.to_string()).collect();
        recipients.sort_unstable();
        recipients.dedup();
        let first = members[0];
        out.push(Broadcast {
            items,
            recipients,
            peak_recipients: peak,
            first_at: messages[first].at,
            last_at: messages[*members.last().expect("a group has members")].at,
            text: messages[first].text.to_string(),
        });
    }
    out.sort_by(|a, b| (a.first_at, &a.items).cmp(&(b.first_at, &b.items)));
    out
}

/// The most different recipients inside any stretch of `window_secs`
/// (members are in time order).
fn peak_recipients(messages: &[Outgoing<'_>], members: &[usize], window_secs: i64) -> usize {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    let mut lo = 0;
    let mut best = 0;
    for hi in 0..members.len() {
        *counts.entry(messages[members[hi]].contact).or_default() += 1;
        while messages[members[hi]].at - messages[members[lo]].at > window_secs {
            let c = messages[members[lo]].contact;
            let n = counts.get_mut(c).expect("counted");
            *n -= 1;
            if *n == 0 {
                counts.remove(c);
            }
            lo += 1;
        }
        best = best.max(counts.len());
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_civil_utc() {
        assert_eq!(date(0), "an unknown date");
        assert_eq!(date(1_709_337_600), "2024-03-02");
        assert_eq!(date(951_782_400), "2000-02-29");
    }

    fn act(at: i64, item: i64, direction: Direction, act: Act, private: bool) -> Interaction {
        Interaction { contact: "ann".into(), network: Network::Instagram, at, direction, act, private, item }
    }

    fn sample() -> Vec<Interaction> {
        vec![
            act(50, 1, Direction::Received, Act::Connection, false),
            act(100, 2, Direction::Given, Act::MessageSent, true),
            act(100, 2, Direction::Given, Act::Pitch, true),
            act(200, 3, Direction::Given, Act::MessageSent, true),
            act(200, 4, Direction::Received, Act::MessageReceived, true),
            act(300, 5, Direction::Received, Act::MessageReceived, true),
            act(300, 5, Direction::Received, Act::Inquiry, true),
            act(0, 6, Direction::Received, Act::CommentOnYours, false),
            act(400, 7, Direction::Given, Act::ReactionGiven, false),
        ]
    }

    #[test]
    fn a_tally_kept_as_it_grows_is_the_tally_of_the_whole_history() {
        let h = sample();
        let whole = Tally::of(&h, 1_000);
        let mut sorted = h.clone();
        sorted.sort_by_key(|i| (i.at, i.item));
        // Folding the first k interactions, storing the tally and folding the rest later gives the same.
        for k in 0..=sorted.len() {
            let mut t = Tally::default();
            for i in &sorted[..k] {
                t.add(i, i.item == 2);
            }
            let mut t = Tally::decode(&t.encode()).expect("round trip");
            for i in &sorted[k..] {
                t.add(i, i.item == 2);
            }
            assert_eq!(t, whole, "split at {k}");
        }
        // Their reply came at the same second as your first non-pitch message: not a reply to it.
        assert_eq!(whole.reply_to_you, Some(300));
        assert_eq!(whole.given[0], 1, "the pitching message is an ask, not a gift");
        assert_eq!(whole.networks(), vec![Network::Instagram]);
        assert_eq!(
            stage(&h, Marks::default(), 1_000, &Thresholds::default()),
            assess(&whole, Marks::default(), 1_000, &Thresholds::default())
        );
    }

    #[test]
    fn the_stage_does_not_depend_on_the_order_of_the_history() {
        let mut h = sample();
        h.push(act(50, 0, Direction::Given, Act::Connection, false));
        let a = stage(&h, Marks::default(), 1_000, &Thresholds::default());
        h.reverse();
        assert_eq!(
            stage(&h, Marks::default(), 1_000, &Thresholds::default()),
            a,
            "tied connections: the lower item id wins either way"
        );
    }

    #[test]
    fn a_stored_tally_that_is_not_one_is_refused() {
        assert_eq!(Tally::decode(""), None);
        assert_eq!(Tally::decode("1,2,3"), None);
        let mut bad = Tally::default().encode();
        bad.replace_range(0..1, "x");
        assert_eq!(Tally::decode(&bad), None);
        assert_eq!(Tally::decode(&Tally::default().encode()), Some(Tally::default()));
    }

    /// "How much is it?" asks the price without saying "price"; an
    /// exclamation with "how much" asks nothing.
    #[test]
    fn how_much_questions_are_inquiries() {
        assert!(inquiry_cue("Hi Sam, how much is the glow kit?").is_some());
        assert!(inquiry_cue("How much does shipping to Leeds come to?").is_some());
        assert_eq!(inquiry_cue("How much I loved your story today!"), None);
    }

    /// The one-pass phrase lists find what a search per phrase finds.
    #[test]
    fn phrase_lists_agree_with_a_search_per_phrase() {
        let texts = [
            "Join my team! Business opportunity, order now",
            "in order to order, order of the day; the order is here",
            "free samples and a free sample: shop my online shop now",
            "how much is the starter kit? tell me more, i'm interested",
            "we sign up signup for the business opportunity opportunity",
            "order",
            "",
            "% off 20% off on sale salesman",
        ];
        for t in texts {
            let canon = canonical_words(Normalized::new(t).as_str());
            for (list, offer) in
                [(&PITCH_LIST, false), (&OFFER_LIST, true), (&ASKING_LIST, false), (&TOPIC_LIST, true)]
            {
                let want: Vec<&str> = list
                    .phrases
                    .iter()
                    .copied()
                    .filter(|p| if offer { has_offer_word(&canon, p) } else { has_phrase(&canon, p) })
                    .collect();
                assert_eq!(list.iter(list.found(&canon)).collect::<Vec<_>>(), want, "{t:?}");
            }
        }
    }

    #[test]
    fn greeting_and_name_are_dropped() {
        let a = comparable_words("Hi Anna! 😊 I have something amazing for you");
        let b = comparable_words("Hey Bob, I have something amazing for you!!");
        let c = comparable_words("Anna, I have something amazing for you");
        assert_eq!(a, b);
        assert_eq!(a, c);
        assert_eq!(a[0], "i");
    }
}

//! The stage of a contact on the relationship curve, with its reasons, and
//! the engagement equity. Owns [`Stage`], [`Thresholds`], [`Marks`],
//! [`Tally`] (what a contact's interactions add up to), [`stage`],
//! [`assess`], [`Equity`] and [`date`].
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
//! What you gave a contact, what you asked of them (your pitches, see
//! [`pitch_cue`]) and what they gave back: the definitions are
//! [`DEF_EQUITY_GIVEN`], [`DEF_EQUITY_ASKED`] and [`DEF_EQUITY_RECEIVED`]
//! (listed in [`DEFINITIONS`]; `docs/metrics.md` shows them verbatim).
//! Connections count in none of them.

use super::interactions::{Act, Direction, Interaction};
#[cfg(doc)]
use super::{cues::inquiry_cue, cues::pitch_cue};
use crate::history::Network;

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

crate::words!(Stage as "stage" {
    Connected => "connected",
    Engaged => "engaged",
    Conversation => "conversation",
    Customer => "customer",
    Team => "team",
    Lapsed => "lapsed",
});

impl Stage {
    /// May a pitch be welcome at this stage (before looking at consent)?
    /// True for conversation, customer and team.
    pub fn welcomes_pitch(self) -> bool {
        matches!(self, Stage::Conversation | Stage::Customer | Stage::Team)
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
/// each with a one-line explanation of how it was counted (definitions:
/// [`DEF_EQUITY_GIVEN`], [`DEF_EQUITY_ASKED`], [`DEF_EQUITY_RECEIVED`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Equity {
    pub given: u32,
    pub asked: u32,
    pub received: u32,
    pub given_why: String,
    pub asked_why: String,
    pub received_why: String,
}

/// What [`Equity::given`] counts.
pub const DEF_EQUITY_GIVEN: &str = "Given (to one contact): your comments on their content, shares of their content, reactions to their content or messages, mentions of them, and your messages to them, each only when the item is not a pitch; one count per item. Connections do not count. Every interaction up to now counts, including those without a time.";
/// What [`Equity::asked`] counts.
pub const DEF_EQUITY_ASKED: &str = "Asked (of one contact): your pitches to them, messages or comments that pitch a product or the opportunity; one count per item (how many were private messages is said beside it). Every interaction up to now counts, including those without a time.";
/// What [`Equity::received`] counts.
pub const DEF_EQUITY_RECEIVED: &str = "Received (from one contact): their messages, comments on your content, reactions, shares of your content and mentions of you; one count per item (how many asked about your product or business is said beside it). Connections do not count. Every interaction up to now counts, including those without a time.";

/// Every relationship metric's definition: (metric, constant, text), in the
/// order docs/metrics.md shows them.
pub const DEFINITIONS: [(&str, &str, &str); 3] = [
    ("Given to a contact", "DEF_EQUITY_GIVEN", DEF_EQUITY_GIVEN),
    ("Asked of a contact", "DEF_EQUITY_ASKED", DEF_EQUITY_ASKED),
    ("Received from a contact", "DEF_EQUITY_RECEIVED", DEF_EQUITY_RECEIVED),
];

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

/// A date as `YYYY-MM-DD` (UTC), or "an unknown date" for times of 0 or less.
pub fn date(at: i64) -> String {
    if at <= 0 {
        return "an unknown date".to_string();
    }
    crate::calendar::date(at)
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
                    reasons.push(format!("you connected with or followed them on {}", date(at)));
                }
                Some((Direction::Received, at)) => {
                    reasons.push(format!("they connected with or followed you on {}", date(at)));
                }
                None => {}
            }
            if private_pitches > 0 && given < t.engaged_min_given && reply_to_you.is_none() && received > 0 {
                reasons.push(
                    "they have only answered your pitches, which is not an invitation; give something first"
                        .to_string(),
                );
            } else if pitches > 0 && received == 0 && given < t.engaged_min_given {
                // A pitch is an exchange of a kind, but not one that builds anything.
                reasons.push(format!(
                    "you have pitched them {} and they have not answered; nothing given first",
                    if pitches == 1 { "once".to_string() } else { format!("{pitches} times") }
                ));
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
}

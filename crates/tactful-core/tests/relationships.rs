//! The relationship curve, equity, pitch and inquiry detection, and "spray and
//! pray" broadcasts: one fixture per rule, figures worked out by hand, and the
//! real X archive sample in ../shared/data when it is there.

// Small generated numbers: a usize or u64 that would wrap an i64 cannot occur here.
#![allow(clippy::cast_possible_wrap)]

use tactful_core::history::{ItemKind, Network};
use tactful_core::relationships::{
    Act, Direction, ItemView, Mark, MarkSource, Marks, Outgoing, Stage, Thresholds, broadcasts, inquiry_cue,
    interactions, is_pitch, pitch_cue, similarity, stage,
};

const OWNER: &str = "sam_sells";
/// 2024-03-01 00:00:00 UTC.
const T0: i64 = 1_709_251_200;
const DAY: i64 = 86_400;
const HOUR: i64 = 3_600;

/// A history being written item by item, as the store would give it back.
struct History {
    next_id: i64,
    items: Vec<tactful_core::relationships::Interaction>,
}

impl History {
    fn new() -> Self {
        History { next_id: 1, items: Vec::new() }
    }

    fn add(
        &mut self,
        kind: ItemKind,
        by_owner: bool,
        author: &str,
        counterparts: &[&str],
        at: i64,
        text: &str,
    ) -> &mut Self {
        let counterparts: Vec<String> = counterparts.iter().map(|s| (*s).to_string()).collect();
        let view = ItemView {
            id: self.next_id,
            network: Network::Instagram,
            kind,
            author,
            by_owner,
            counterparts: &counterparts,
            thread: None,
            at,
            text,
        };
        self.next_id += 1;
        self.items.extend(interactions(&view, OWNER));
        self
    }
    /// You send `them` a direct message.
    fn dm_to(&mut self, them: &str, at: i64, text: &str) -> &mut Self {
        self.add(ItemKind::Message, true, OWNER, &[them], at, text)
    }
    /// `them` sends you a direct message.
    fn dm_from(&mut self, them: &str, at: i64, text: &str) -> &mut Self {
        self.add(ItemKind::Message, false, them, &[OWNER], at, text)
    }
    fn follow(&mut self, them: &str, by_owner: bool, at: i64) -> &mut Self {
        self.add(ItemKind::Connection, by_owner, them, &[them], at, "")
    }
    /// You comment on their post.
    fn comment_on_theirs(&mut self, them: &str, at: i64, text: &str) -> &mut Self {
        self.add(ItemKind::Comment, true, OWNER, &[them], at, text)
    }
    /// They comment on your post.
    fn comment_on_yours(&mut self, them: &str, at: i64, text: &str) -> &mut Self {
        self.add(ItemKind::Comment, false, them, &[OWNER], at, text)
    }
    fn react_to_theirs(&mut self, them: &str, at: i64) -> &mut Self {
        self.add(ItemKind::Reaction, true, OWNER, &[them], at, "like")
    }
    fn they_react(&mut self, them: &str, at: i64) -> &mut Self {
        self.add(ItemKind::Reaction, false, them, &[], at, "like")
    }
    fn share_theirs(&mut self, them: &str, at: i64) -> &mut Self {
        self.add(ItemKind::Share, true, OWNER, &[them], at, "so useful, read this")
    }
    fn assess(&self, now: i64) -> tactful_core::relationships::Assessment {
        stage(&self.items, Marks::default(), now, &Thresholds::default())
    }
}

fn has_reason(a: &tactful_core::relationships::Assessment, needle: &str) -> bool {
    a.reasons.iter().any(|r| r.contains(needle))
}

// ---------------------------------------------------------------------------
// Interactions
// ---------------------------------------------------------------------------

#[test]
fn a_pitching_message_is_a_message_sent_and_a_pitch() {
    let mut h = History::new();
    h.dm_to("anna", T0, "Hey Anna! Want to join my team? 💸");
    let acts: Vec<(Act, Direction, bool)> = h.items.iter().map(|i| (i.act, i.direction, i.private)).collect();
    assert_eq!(acts, [(Act::MessageSent, Direction::Given, true), (Act::Pitch, Direction::Given, true)]);
    assert!(h.items.iter().all(|i| i.contact == "anna" && i.item == 1 && i.at == T0));
}

#[test]
fn a_group_message_is_one_interaction_per_person_and_not_private() {
    let mut h = History::new();
    h.add(
        ItemKind::Message,
        true,
        OWNER,
        &["anna", "bob", "SAM_SELLS", "bob"],
        T0,
        "See you all on Saturday at the market",
    );
    let who: Vec<&str> = h.items.iter().map(|i| i.contact.as_str()).collect();
    assert_eq!(who, ["anna", "bob"], "the owner is not their own contact; repeats are dropped");
    assert!(h.items.iter().all(|i| !i.private && i.act == Act::MessageSent));

    // A message from someone in a group: only its author did something to you.
    let mut g = History::new();
    g.add(ItemKind::Message, false, "carl", &[OWNER, "anna", "bob"], T0, "Is there parking near the market?");
    assert_eq!(g.items.len(), 1);
    assert_eq!(
        (g.items[0].contact.as_str(), g.items[0].private, g.items[0].direction),
        ("carl", false, Direction::Received)
    );
}

#[test]
fn connections_go_either_way_and_name_the_other_person() {
    let mut h = History::new();
    h.follow("anna", true, T0).follow("bob", false, T0);
    let got: Vec<(&str, Act, Direction)> =
        h.items.iter().map(|i| (i.contact.as_str(), i.act, i.direction)).collect();
    assert_eq!(
        got,
        [("anna", Act::Connection, Direction::Given), ("bob", Act::Connection, Direction::Received)]
    );
}

#[test]
fn their_question_about_the_product_is_an_inquiry() {
    let mut h = History::new();
    h.comment_on_yours("anna", T0, "Love this! How much does the starter kit cost?");
    let acts: Vec<Act> = h.items.iter().map(|i| i.act).collect();
    assert_eq!(acts, [Act::CommentOnYours, Act::Inquiry]);
}

// ---------------------------------------------------------------------------
// Pitch and inquiry detection
// ---------------------------------------------------------------------------

#[test]
fn pitches_are_recognised() {
    for text in [
        "Hey hun! Want to join my team? DM me 💕",
        "This is a real business opportunity, don't miss it",
        "Check out my new spring collection!",
        "Order now before the holidays 🎄",
        "New drop, link in bio ✨",
        "20% off everything this weekend",
        "Use my code SAM10 at checkout",
        "The serum is only $39, want me to place an order for you?",
        "Looking for a part-time job? Earn $10-200 a day, add my telegram",
        "Great deal on our products this week",
        "You can buy it for 25 dollars",
    ] {
        assert!(is_pitch(text), "should be a pitch: {text:?}");
    }
    assert_eq!(pitch_cue("Hi Anna, want to JOIN MY TEAM?").as_deref(), Some("\"join my team\""));
    assert_eq!(pitch_cue("It's $25 if you order today").as_deref(), Some("a price ($25) with \"order\""));
}

#[test]
fn ordinary_messages_are_not_pitches() {
    for text in [
        "I paid $5 for lunch, can you believe it",
        "In order to get there, take the 14 bus",
        "Thanks for the offer, that's kind of you",
        "Happy birthday Anna! Hope you have a lovely day 🎂",
        "Can I join you for lunch on Friday?",
        "Check this thread.",
        "The elevator is out of order again",
        "Congratulations on the new job!",
        "How did the race go? You trained so hard for it",
    ] {
        assert!(!is_pitch(text), "should not be a pitch: {text:?} ({:?})", pitch_cue(text));
    }
}

#[test]
fn inquiries_are_questions_about_the_offer() {
    for text in [
        "How much does the starter kit cost?",
        "Where can I get the lavender one?",
        "Do you ship to Canada? What is shipping like",
        "I'm interested in the business, tell me more",
        "is the mascara still in stock",
    ] {
        assert!(inquiry_cue(text).is_some(), "should be an inquiry: {text:?}");
    }
    for text in [
        "Can I join you for lunch?",
        "How was your weekend?",
        "The price of petrol is crazy.",
        "What a lovely photo!",
        "See you at the business park tomorrow.",
    ] {
        assert!(inquiry_cue(text).is_none(), "should not be an inquiry: {text:?} ({:?})", inquiry_cue(text));
    }
}

// ---------------------------------------------------------------------------
// The stage rules
// ---------------------------------------------------------------------------

#[test]
fn a_follow_and_nothing_else_is_connected() {
    let mut h = History::new();
    h.follow("anna", true, T0);
    let a = h.assess(T0 + 10 * DAY);
    assert_eq!(a.stage, Stage::Connected);
    assert_eq!(
        a.reasons,
        ["you connected with or followed them on 2024-03-01", "no exchange either way yet"]
    );
    assert_eq!((a.equity.given, a.equity.asked, a.equity.received), (0, 0, 0));
}

#[test]
fn giving_without_an_answer_is_still_connected() {
    let mut h = History::new();
    h.follow("anna", false, T0)
        .comment_on_theirs("anna", T0 + DAY, "What a view! Where was this taken?")
        .react_to_theirs("anna", T0 + 2 * DAY);
    let a = h.assess(T0 + 10 * DAY);
    assert_eq!(a.stage, Stage::Connected);
    assert!(has_reason(&a, "they connected with or followed you on 2024-03-01"), "{:?}", a.reasons);
    assert!(has_reason(&a, "they have not answered, commented or reacted yet"), "{:?}", a.reasons);
}

#[test]
fn one_exchange_each_way_is_engaged() {
    let mut h = History::new();
    h.follow("anna", true, T0)
        .comment_on_theirs("anna", T0 + DAY, "Congratulations on the new shop!")
        .they_react("anna", T0 + 2 * DAY);
    let a = h.assess(T0 + 10 * DAY);
    assert_eq!(a.stage, Stage::Engaged, "{:?}", a.reasons);
    assert!(has_reason(&a, "you gave 1, they gave 1"), "{:?}", a.reasons);
    assert_eq!(a.last_from_them, Some(T0 + 2 * DAY));
}

#[test]
fn a_private_conversation_they_started_and_you_answered_is_conversation() {
    let mut h = History::new();
    h.dm_from("anna", T0 + DAY, "Hi Sam, loved your post about the hike, which trail was it?").dm_to(
        "anna",
        T0 + 2 * DAY,
        "The Kungsleden! Happy to send you the map",
    );
    let a = h.assess(T0 + 10 * DAY);
    assert_eq!(a.stage, Stage::Conversation);
    assert_eq!(
        a.reasons,
        ["they started a private conversation on 2024-03-02 and you answered on 2024-03-03"]
    );
}

#[test]
fn a_message_you_never_answered_is_not_yet_a_conversation() {
    let mut h = History::new();
    h.dm_from("anna", T0 + DAY, "Hi Sam, which trail was that?");
    let a = h.assess(T0 + 10 * DAY);
    assert_eq!(a.stage, Stage::Connected);
    assert!(
        has_reason(&a, "they reached out (last on 2024-03-02), but you have not given anything back yet"),
        "{:?}",
        a.reasons
    );
}

#[test]
fn their_reply_to_your_ordinary_message_is_conversation() {
    let mut h = History::new();
    h.dm_to("anna", T0, "How did the race go? You trained so hard for it").dm_from(
        "anna",
        T0 + DAY,
        "Personal best!! thank you for asking",
    );
    let a = h.assess(T0 + 10 * DAY);
    assert_eq!(a.stage, Stage::Conversation);
    assert_eq!(a.reasons, ["they replied to your message on 2024-03-02"]);
}

#[test]
fn a_reply_to_a_pitch_is_not_an_invitation() {
    let mut h = History::new();
    h.dm_to("anna", T0, "Hey girl! Want to join my team? 💸").dm_from("anna", T0 + HOUR, "no thanks");
    let a = h.assess(T0 + 10 * DAY);
    assert_eq!(a.stage, Stage::Connected, "{:?}", a.reasons);
    assert!(has_reason(&a, "they have only answered your pitches"), "{:?}", a.reasons);
    assert_eq!((a.equity.given, a.equity.asked, a.equity.received), (0, 1, 1));
}

#[test]
fn asking_about_the_product_is_conversation_even_in_public() {
    let mut h = History::new();
    h.follow("anna", false, T0).comment_on_yours(
        "anna",
        T0 + 3 * DAY,
        "Gorgeous! How much does the starter kit cost?",
    );
    let a = h.assess(T0 + 10 * DAY);
    assert_eq!(a.stage, Stage::Conversation);
    assert_eq!(a.reasons, ["they asked about your product or business on 2024-03-04"]);
    assert!(
        a.equity.received_why.contains("1 question about your product or business"),
        "{}",
        a.equity.received_why
    );
}

#[test]
fn no_exchange_from_them_for_longer_than_the_threshold_is_lapsed() {
    let mut h = History::new();
    h.comment_on_theirs("anna", T0, "Beautiful work!").they_react("anna", T0 + DAY);
    // What you send afterwards does not keep the relationship alive.
    h.dm_to("anna", T0 + 100 * DAY, "Thinking of you, hope all is well");
    let now = T0 + DAY + 120 * DAY;
    let a = h.assess(now);
    assert_eq!(a.stage, Stage::Lapsed);
    assert_eq!(a.reasons[0], "no exchange from them for 120 days, since 2024-03-02 (lapsed after 90)");
    assert_eq!(a.reasons[1], "before that you were engaged");

    // The threshold is configurable.
    let t = Thresholds { lapsed_after_days: 200, ..Thresholds::default() };
    assert_eq!(stage(&h.items, Marks::default(), now, &t).stage, Stage::Engaged);
    // Only what happened by `now` counts: on day 30 it was not lapsed yet.
    assert_eq!(h.assess(T0 + 30 * DAY).stage, Stage::Engaged);
}

#[test]
fn a_conversation_can_lapse_too() {
    let mut h = History::new();
    h.dm_to("anna", T0, "How did the race go?").dm_from("anna", T0 + DAY, "Personal best!!");
    let a = h.assess(T0 + 200 * DAY);
    assert_eq!(a.stage, Stage::Lapsed);
    assert!(has_reason(&a, "before that you were in conversation"));
    assert!(has_reason(&a, "they replied to your message on 2024-03-02"));
}

#[test]
fn a_connection_that_never_engaged_does_not_lapse() {
    let mut h = History::new();
    h.follow("anna", true, T0);
    assert_eq!(h.assess(T0 + 1000 * DAY).stage, Stage::Connected);
}

#[test]
fn marks_set_customer_and_team() {
    let mut h = History::new();
    h.follow("anna", true, T0);
    let marks = Marks { customer: Some(Mark { at: T0 + 5 * DAY, source: MarkSource::User }), team: None };
    let a = stage(&h.items, marks, T0 + 10 * DAY, &Thresholds::default());
    assert_eq!(a.stage, Stage::Customer);
    assert_eq!(a.reasons[0], "you marked them as a customer on 2024-03-06");
    // A mark is your word: silence does not undo it.
    assert_eq!(stage(&h.items, marks, T0 + 1000 * DAY, &Thresholds::default()).stage, Stage::Customer);
    // A mark made after `now` does not count yet.
    assert_eq!(stage(&h.items, marks, T0 + DAY, &Thresholds::default()).stage, Stage::Connected);

    let both =
        Marks { customer: marks.customer, team: Some(Mark { at: T0 + 7 * DAY, source: MarkSource::SignUp }) };
    let a = stage(&h.items, both, T0 + 10 * DAY, &Thresholds::default());
    assert_eq!(a.stage, Stage::Team);
    assert_eq!(a.reasons[0], "their sign-up on 2024-03-08 makes them a team member");
    let order = Marks { customer: Some(Mark { at: T0, source: MarkSource::Order }), team: None };
    assert_eq!(
        stage(&h.items, order, T0 + DAY, &Thresholds::default()).reasons[0],
        "an order from them on 2024-03-01 makes them a customer"
    );
}

#[test]
fn equity_counts_what_you_gave_asked_and_received() {
    let mut h = History::new();
    h.follow("anna", true, T0)
        .comment_on_theirs("anna", T0 + DAY, "Such a cosy kitchen!")
        .comment_on_theirs("anna", T0 + 2 * DAY, "Good luck with the exam!")
        .share_theirs("anna", T0 + 3 * DAY)
        .react_to_theirs("anna", T0 + 3 * DAY)
        .dm_to("anna", T0 + 4 * DAY, "How did the exam go?")
        .dm_to("anna", T0 + 5 * DAY, "By the way, join my team and earn from home!")
        .dm_to("anna", T0 + 6 * DAY, "Our new serum is 20% off this week")
        .dm_from("anna", T0 + 4 * DAY + HOUR, "I passed! What does the serum cost?")
        .comment_on_yours("anna", T0 + 7 * DAY, "Lovely photo")
        .they_react("anna", T0 + 8 * DAY)
        .they_react("anna", T0 + 9 * DAY);
    let a = h.assess(T0 + 10 * DAY);
    // Given: 2 comments + 1 share + 1 reaction + 1 message that was not a pitch = 5.
    // Asked: 2 pitches (both private). Received: 1 message + 1 comment + 2 reactions = 4.
    let e = &a.equity;
    assert_eq!((e.given, e.asked, e.received), (5, 2, 4));
    assert_eq!(
        e.given_why,
        "you gave 5: 1 message that was not a pitch, 2 comments on their posts, 1 reaction, 1 share of their content"
    );
    assert_eq!(e.asked_why, "you asked 2: 2 pitches (2 in private messages)");
    assert_eq!(
        e.received_why,
        "they gave 4: 1 message, 1 comment on your posts, 2 reactions (1 question about your product or business)"
    );
    assert_eq!(a.stage, Stage::Conversation);
    assert_eq!(
        a.reasons,
        [
            "they replied to your message on 2024-03-05",
            "they asked about your product or business on 2024-03-05"
        ]
    );
    assert_eq!(a.last_from_them, Some(T0 + 9 * DAY));
    assert_eq!(a.last_from_you, Some(T0 + 6 * DAY));
}

#[test]
fn the_order_of_the_history_does_not_matter() {
    let mut h = History::new();
    h.dm_to("anna", T0, "How did the race go?")
        .dm_from("anna", T0 + DAY, "Personal best!!")
        .comment_on_theirs("anna", T0 + 2 * DAY, "So proud of you")
        .they_react("anna", T0 + 3 * DAY);
    let forward = h.assess(T0 + 10 * DAY);
    let mut reversed = h.items.clone();
    reversed.reverse();
    assert_eq!(stage(&reversed, Marks::default(), T0 + 10 * DAY, &Thresholds::default()), forward);
}

// ---------------------------------------------------------------------------
// Broadcasts
// ---------------------------------------------------------------------------

fn outgoing<'a>(rows: &'a [(i64, &'a str, i64, &'a str)]) -> Vec<Outgoing<'a>> {
    rows.iter().map(|&(id, contact, at, text)| Outgoing { id, contact, at, text }).collect()
}

#[test]
fn the_same_pitch_to_five_people_is_one_broadcast() {
    let rows = [
        (
            1,
            "anna",
            T0,
            "Hi Anna! 😍 I found an amazing way to earn from home with our new wellness line, want to hear more? link in bio",
        ),
        (
            2,
            "bob",
            T0 + 10 * 60,
            "Hey Bob, I found an amazing way to earn from home with our new wellness line!! want to hear more? 🙌 link in bio",
        ),
        (
            3,
            "carla",
            T0 + 25 * 60,
            "Hello Carla 💕 I found an amazing way to earn from home with our new wellness line, want to hear more?? link in bio",
        ),
        (
            4,
            "dev",
            T0 + HOUR,
            "Dev, I found an amazing way to earn from home with our new wellness line - want to hear more? link in bio ✨",
        ),
        (
            5,
            "erin",
            T0 + 2 * HOUR,
            "Good morning Erin! I found an AMAZING way to earn from home with our new wellness line, want to hear more? link in bio https://t.co/abc",
        ),
        // An ordinary message in between.
        (6, "fred", T0 + 30 * 60, "Thanks for the lovely dinner last night, we should do it again soon"),
    ];
    let found = broadcasts(&outgoing(&rows), DAY, 5);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].items, [1, 2, 3, 4, 5]);
    assert_eq!(found[0].recipients, ["anna", "bob", "carla", "dev", "erin"]);
    assert_eq!((found[0].peak_recipients, found[0].first_at, found[0].last_at), (5, T0, T0 + 2 * HOUR));
    // Four people are not enough for a minimum of five.
    assert!(broadcasts(&outgoing(&rows[..4]), DAY, 5).is_empty());
    // Input order does not matter.
    let mut shuffled = outgoing(&rows);
    shuffled.reverse();
    assert_eq!(broadcasts(&shuffled, DAY, 5), found);
}

#[test]
fn different_ordinary_messages_are_no_broadcast() {
    let rows = [
        (1, "anna", T0, "Happy birthday Anna! Hope you have a lovely day with the kids"),
        (2, "bob", T0 + 60, "Hey Bob, did you manage to fix the bike in the end? I have a spare chain"),
        (3, "carla", T0 + 120, "Carla, thank you so much for the recipe, the soup was a hit at dinner"),
        (4, "dev", T0 + 180, "Congratulations on the new job Dev, they are lucky to have you there"),
        (5, "erin", T0 + 240, "Good morning Erin! Are we still on for the walk on Sunday morning?"),
    ];
    assert!(broadcasts(&outgoing(&rows), DAY, 2).is_empty());
}

#[test]
fn the_same_text_spread_over_a_month_is_no_broadcast_in_a_day() {
    let text = "I found an amazing way to earn from home with our new wellness line, want to hear more?";
    let people = ["anna", "bob", "carla", "dev", "erin"];
    let rows: Vec<(i64, &str, i64, &str)> =
        people.iter().enumerate().map(|(i, p)| (i as i64 + 1, *p, T0 + i as i64 * 7 * DAY, text)).collect();
    assert!(broadcasts(&outgoing(&rows), DAY, 5).is_empty());
    // With a window of a month it is one.
    assert_eq!(broadcasts(&outgoing(&rows), 31 * DAY, 5).len(), 1);
}

#[test]
fn short_courtesies_are_never_broadcasts() {
    let people = ["anna", "bob", "carla", "dev", "erin", "fred"];
    let rows: Vec<(i64, &str, i64, &str)> = people
        .iter()
        .enumerate()
        .map(|(i, p)| (i as i64 + 1, *p, T0 + i as i64 * 60, "Thank you so much! 🙏"))
        .collect();
    assert!(broadcasts(&outgoing(&rows), DAY, 3).is_empty());
}

#[test]
fn similarity_ignores_names_greetings_emoji_and_links() {
    let a = "Hi Anna! 😍 I found an amazing way to earn from home, want to hear more? https://t.co/x1";
    let b = "Hey Bob, I found an amazing way to earn from home!! want to hear more? https://t.co/y2";
    assert!((similarity(a, b) - 1.0).abs() < f64::EPSILON, "{}", similarity(a, b));
    assert!(similarity(a, "Did you manage to fix the bike in the end? I have a spare chain") < 0.1);
}

// ---------------------------------------------------------------------------
// The real X archive sample
// ---------------------------------------------------------------------------

const ARCHIVE: &str = "../../../shared/data/exports/twitter/2023_ytd_larsbrinkhoff/data";

/// The JSON array of an X archive `.js` file (`window.YTD.… = [ … ]`).
fn read_ytd(name: &str) -> Option<serde_json::Value> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(ARCHIVE).join(name);
    let Ok(text) = std::fs::read_to_string(&path) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "../shared/data is missing: under CI it must sit beside the repository (this test does not skip there)"
        );
        eprintln!("SKIPPED: {} is not there (the shared data is not checked out)", path.display());
        return None;
    };
    let json = &text[text.find('=').expect("a window.YTD assignment") + 1..];
    Some(serde_json::from_str(json).expect("the archive file is JSON after the `=`"))
}

struct Dm {
    id: i64,
    sender: String,
    recipients: Vec<String>,
    at: i64,
    text: String,
}

/// Every message of a DM file, with its recipients: the `recipientId` for a
/// one-to-one message, everyone else in the conversation for a group.
fn dms(file: &serde_json::Value) -> Vec<Dm> {
    let mut out = Vec::new();
    for conv in file.as_array().expect("an array") {
        let conv = &conv["dmConversation"];
        let events = conv["messages"].as_array().expect("messages");
        let mut members: Vec<String> = Vec::new();
        for ev in events {
            if let Some(p) = ev["joinConversation"]["participantsSnapshot"].as_array() {
                members.extend(p.iter().filter_map(|v| v.as_str().map(str::to_string)));
            }
            let m = &ev["messageCreate"];
            members
                .extend(["senderId", "recipientId"].iter().filter_map(|k| m[k].as_str().map(str::to_string)));
        }
        members.sort();
        members.dedup();
        for ev in events {
            let m = &ev["messageCreate"];
            let (Some(sender), Some(text), Some(created)) =
                (m["senderId"].as_str(), m["text"].as_str(), m["createdAt"].as_str())
            else {
                continue;
            };
            let recipients = match m["recipientId"].as_str() {
                Some(r) => vec![r.to_string()],
                None => members.iter().filter(|p| p.as_str() != sender).cloned().collect(),
            };
            out.push(Dm {
                id: m["id"].as_str().unwrap().parse().unwrap(),
                sender: sender.to_string(),
                recipients,
                at: iso_seconds(created),
                text: text.to_string(),
            });
        }
    }
    out
}

/// `2022-11-15T09:18:17.736Z` → unix seconds (days from the civil date).
fn iso_seconds(s: &str) -> i64 {
    let n = |r: std::ops::Range<usize>| s[r].parse::<i64>().unwrap();
    let (y, m, d) = (n(0..4), n(5..7), n(8..10));
    let (y, m) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + d - 1;
    let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
    days * DAY + n(11..13) * HOUR + n(14..16) * 60 + n(17..19)
}

/// One row per (message, recipient), for the messages of one sender.
fn rows_of<'a>(dms: &'a [Dm], sender: &str) -> Vec<Outgoing<'a>> {
    dms.iter()
        .filter(|m| m.sender == sender)
        .flat_map(|m| {
            m.recipients.iter().map(move |r| Outgoing { id: m.id, contact: r, at: m.at, text: &m.text })
        })
        .collect()
}

#[test]
fn the_four_job_scam_group_messages_are_four_broadcasts() {
    let Some(file) = read_ytd("direct-messages-group.js") else { return };
    let dms = dms(&file);
    assert_eq!(dms.len(), 4, "the sample holds four group messages");
    let mut senders: Vec<&str> = dms.iter().map(|m| m.sender.as_str()).collect();
    senders.sort_unstable();
    senders.dedup();
    let mut found = Vec::new();
    for s in senders {
        found.extend(broadcasts(&rows_of(&dms, s), DAY, 5));
    }
    assert_eq!(found.len(), 4, "{found:#?}");
    for b in &found {
        assert_eq!(b.items.len(), 1);
        assert!(b.recipients.len() >= 40, "each went to a group of about fifty: {}", b.recipients.len());
        assert!(is_pitch(&b.text), "each is an opportunity pitch: {}", b.text);
    }
    // They come from four different accounts, months apart, in four wordings:
    // four broadcasts, not one (no pair is near the similarity threshold).
    for (i, a) in dms.iter().enumerate() {
        for b in &dms[i + 1..] {
            assert!(
                similarity(&a.text, &b.text) < 0.5,
                "{} vs {}: {}",
                a.id,
                b.id,
                similarity(&a.text, &b.text)
            );
        }
    }
    // Taken all together, as one stream with any window up to the months
    // between them, they still do not merge.
    let all: Vec<Outgoing<'_>> = dms
        .iter()
        .flat_map(|m| {
            m.recipients.iter().map(move |r| Outgoing { id: m.id, contact: r, at: m.at, text: &m.text })
        })
        .collect();
    assert_eq!(broadcasts(&all, 365 * DAY, 5).len(), 4);
}

#[test]
fn the_ordinary_one_to_one_conversations_are_no_broadcast() {
    let Some(file) = read_ytd("direct-messages.js") else { return };
    let dms = dms(&file);
    assert!(dms.len() > 80, "{}", dms.len());
    let mut senders: Vec<&str> = dms.iter().map(|m| m.sender.as_str()).collect();
    senders.sort_unstable();
    senders.dedup();
    for s in senders {
        // Strict settings: two recipients within a week would already count.
        let found = broadcasts(&rows_of(&dms, s), 7 * DAY, 2);
        assert!(found.is_empty(), "sender {s}: {found:#?}");
    }
    // The owner's messages in time order, each contact a recipient, all together.
    let all: Vec<Outgoing<'_>> = dms
        .iter()
        .map(|m| Outgoing { id: m.id, contact: &m.recipients[0], at: m.at, text: &m.text })
        .collect();
    assert!(broadcasts(&all, 7 * DAY, 2).is_empty());
}

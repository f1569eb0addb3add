//! Coaching metrics on small fixture histories, every figure worked out by
//! hand in the comments next to it.

// Small fixture counts: a usize that would wrap an i64 cannot occur here.
#![allow(clippy::cast_possible_wrap)]

use tactful_core::coaching::{
    ContentKind, DEF_RESPONSE_RATE, Owners, RequestKind, Turn, classify_post, complaint_cue, content_cue,
    content_mix, conversations, customer_requests, day_number, giving_asking, month, nearest_rank,
    request_cue, requests_metric, response_summary, streak, streak_days, unanswered_starts,
};
use tactful_core::history::{ItemKind, Network};
use tactful_core::relationships::ItemView;

const OWNER: &str = "sam_sells";
/// 2024-03-01 00:00:00 UTC.
const T0: i64 = 1_709_251_200;
/// 2024-04-01 00:00:00 UTC.
const APRIL: i64 = T0 + 31 * DAY;
const DAY: i64 = 86_400;
const HOUR: i64 = 3_600;
const MIN: i64 = 60;

struct Row {
    id: i64,
    network: Network,
    kind: ItemKind,
    author: String,
    by_owner: bool,
    counterparts: Vec<String>,
    thread: Option<String>,
    at: i64,
    text: String,
}

/// A history written item by item; ids count up from 1.
#[derive(Default)]
struct Fx {
    rows: Vec<Row>,
}

impl Fx {
    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        network: Network,
        kind: ItemKind,
        by_owner: bool,
        author: &str,
        to: &[&str],
        thread: Option<&str>,
        at: i64,
        text: &str,
    ) -> i64 {
        let id = self.rows.len() as i64 + 1;
        self.rows.push(Row {
            id,
            network,
            kind,
            author: author.to_string(),
            by_owner,
            counterparts: to.iter().map(|s| (*s).to_string()).collect(),
            thread: thread.map(str::to_string),
            at,
            text: text.to_string(),
        });
        id
    }
    /// `them` messages you (no thread).
    fn from(&mut self, n: Network, them: &str, at: i64, text: &str) -> i64 {
        self.add(n, ItemKind::Message, false, them, &[OWNER], None, at, text)
    }
    /// You message `them` (no thread).
    fn to(&mut self, n: Network, them: &str, at: i64, text: &str) -> i64 {
        self.add(n, ItemKind::Message, true, OWNER, &[them], None, at, text)
    }
    fn views(&self) -> Vec<ItemView<'_>> {
        self.rows
            .iter()
            .map(|r| ItemView {
                id: r.id,
                network: r.network,
                kind: r.kind,
                author: &r.author,
                by_owner: r.by_owner,
                counterparts: &r.counterparts,
                thread: r.thread.as_deref(),
                at: r.at,
                text: &r.text,
            })
            .collect()
    }
}

fn owners() -> Owners {
    Network::ALL.into_iter().map(|n| (n, OWNER.to_string())).collect()
}

const IG: Network = Network::Instagram;
const X: Network = Network::X;

#[test]
fn helpers_months_days_and_nearest_rank() {
    assert_eq!(month(T0), "2024-03");
    assert_eq!(month(T0 - 1), "2024-02");
    assert_eq!(month(APRIL), "2024-04");
    assert_eq!(day_number("1970-01-01"), Some(0));
    assert_eq!(day_number("2024-03-01"), Some(T0 / DAY));
    assert_eq!(day_number("2024-02-30"), None);
    assert_eq!(day_number("yesterday"), None);
    // Nearest rank: rank = ceil(p/100 * n).
    let v = [10, 20, 30, 40];
    assert_eq!(nearest_rank(&v, 50), Some(20)); // rank 2: the lower middle value
    assert_eq!(nearest_rank(&v, 90), Some(40)); // rank ceil(3.6) = 4
    assert_eq!(nearest_rank(&v, 0), Some(10)); // rank at least 1
    assert_eq!(nearest_rank(&[], 50), None);
}

/// Instagram, March: five answered starts (10 min, 30 min, 2 h, 5 h, 25 h)
/// and one unanswered. X, April: four answered starts (1, 2, 3, 4 min).
fn response_fixture() -> Fx {
    let mut f = Fx::default();
    // anna writes twice before you answer: the start is her first message.
    f.from(IG, "anna", T0 + HOUR, "Hi! Quick question about the cream");
    f.from(IG, "anna", T0 + HOUR + 5 * MIN, "the lavender one");
    f.to(IG, "anna", T0 + HOUR + 10 * MIN, "Hi Anna, happy to help"); // 600 s
    f.from(IG, "bea", T0 + 2 * HOUR, "hello");
    f.to(IG, "bea", T0 + 2 * HOUR + 30 * MIN, "hi!"); // 1,800 s
    f.from(IG, "cat", T0 + 3 * HOUR, "hey");
    f.to(IG, "cat", T0 + 5 * HOUR, "hey you"); // 7,200 s
    f.from(IG, "dot", T0 + 4 * HOUR, "hi");
    f.to(IG, "dot", T0 + 9 * HOUR, "hi dot"); // 18,000 s
    f.from(IG, "eve", T0 + 5 * HOUR, "hi");
    f.to(IG, "eve", T0 + 30 * HOUR, "sorry, late!"); // 90,000 s
    f.from(IG, "fox", T0 + 6 * HOUR, "are you there?"); // never answered
    for (k, who) in ["gus", "hal", "ian", "jay"].iter().enumerate() {
        let k = k as i64 + 1;
        f.from(X, who, APRIL + k * HOUR, "hi");
        f.to(X, who, APRIL + k * HOUR + k * MIN, "hi!"); // 60, 120, 180, 240 s
    }
    f
}

#[test]
fn response_rate_median_and_p90_per_network_month_and_overall() {
    let f = response_fixture();
    let now = APRIL + 10 * DAY;
    let convs = conversations(&f.views(), &owners(), now);
    assert_eq!(convs.len(), 10);
    let summary = response_summary(&convs);
    let find = |n: Option<Network>, m: Option<&str>| {
        summary.iter().find(|s| s.network == n && s.month.as_deref() == m).expect("group")
    };

    // Instagram, March: times [600, 1800, 7200, 18000, 90000]; n = 5.
    let ig = find(Some(IG), Some("2024-03"));
    assert_eq!(ig.starts.value, Some(6.0));
    assert_eq!(ig.response_rate.value, Some(5.0 / 6.0));
    assert_eq!(ig.response_rate.detail, "5 of 6 starts answered");
    assert_eq!(ig.response_rate.definition, DEF_RESPONSE_RATE);
    // The divisor's items: the six starts (anna's first message is item 1).
    assert_eq!(ig.response_rate.items, vec![1, 4, 6, 8, 10, 12]);
    assert_eq!(ig.median_secs.value, Some(7_200.0)); // rank ceil(2.5) = 3
    assert_eq!(ig.p90_secs.value, Some(90_000.0)); // rank ceil(4.5) = 5
    assert_eq!(ig.median_secs.items, vec![1, 4, 6, 8, 10]); // answered starts only

    // X, April: times [60, 120, 180, 240]; n = 4.
    let x = find(Some(X), Some("2024-04"));
    assert_eq!(x.response_rate.value, Some(1.0));
    assert_eq!(x.median_secs.value, Some(120.0)); // rank 2
    assert_eq!(x.p90_secs.value, Some(240.0)); // rank ceil(3.6) = 4
    // Per network without month equals the only month here.
    assert_eq!(find(Some(X), None).median_secs.value, Some(120.0));
    assert_eq!(find(None, Some("2024-04")).starts.value, Some(4.0));

    // Overall: [60, 120, 180, 240, 600, 1800, 7200, 18000, 90000]; n = 9.
    let all = find(None, None);
    assert_eq!(all.starts.value, Some(10.0));
    assert_eq!(all.response_rate.value, Some(0.9));
    assert_eq!(all.median_secs.value, Some(600.0)); // rank ceil(4.5) = 5
    assert_eq!(all.p90_secs.value, Some(90_000.0)); // rank ceil(8.1) = 9
}

#[test]
fn no_starts_means_no_value_not_zero() {
    let mut f = Fx::default();
    f.to(IG, "anna", T0, "Hi Anna, how was the trip?");
    let convs = conversations(&f.views(), &owners(), T0 + DAY);
    let summary = response_summary(&convs);
    assert_eq!(summary.len(), 1); // only the overall group
    assert_eq!(summary[0].starts.value, Some(0.0));
    assert_eq!(summary[0].response_rate.value, None);
    assert_eq!(summary[0].median_secs.value, None);
    assert_eq!(convs[0].turn, Turn::WaitingForThem);
}

#[test]
fn a_start_needs_24_hours_of_silence_boundary_included() {
    let mut f = Fx::default();
    let a = f.from(IG, "bob", T0, "hi"); // opens the conversation: start 1
    let r1 = f.to(IG, "bob", T0 + HOUR, "hello bob");
    // 86,399 s after your message: still the same exchange, not a start.
    f.from(IG, "bob", T0 + HOUR + DAY - 1, "one more thing");
    f.to(IG, "bob", T0 + 2 * HOUR + DAY, "sure");
    // Exactly 86,400 s of silence: a start.
    let b = f.from(IG, "bob", T0 + 2 * HOUR + 2 * DAY, "back again");
    let convs = conversations(&f.views(), &owners(), T0 + 10 * DAY);
    assert_eq!(convs.len(), 1);
    assert_eq!(convs[0].key, "with:bob");
    let starts: Vec<i64> = convs[0].starts.iter().map(|s| s.item).collect();
    assert_eq!(starts, vec![a, b]);
    assert_eq!(convs[0].starts[0].response, Some((r1, HOUR)));
    assert_eq!(convs[0].starts[1].response, None);
    assert_eq!(convs[0].turn, Turn::WaitingForYou);
}

#[test]
fn their_reply_to_you_is_not_a_start() {
    let mut f = Fx::default();
    f.to(IG, "cy", T0, "Hi Cy, loved your garden photos");
    f.from(IG, "cy", T0 + 2 * HOUR, "thank you!");
    let convs = conversations(&f.views(), &owners(), T0 + DAY);
    assert!(convs[0].starts.is_empty());
    assert_eq!(convs[0].turn, Turn::WaitingForYou);
}

#[test]
fn whose_turn_by_thread_and_by_person() {
    let mut f = Fx::default();
    // A thread with a group: last message is yours.
    f.add(IG, ItemKind::Message, false, "dee", &[OWNER, "eli"], Some("t-1"), T0, "shall we meet?");
    f.add(IG, ItemKind::Message, true, OWNER, &["dee", "eli"], Some("t-1"), T0 + HOUR, "yes, Friday");
    // One-to-one without thread: last message is theirs.
    f.to(IG, "flo", T0, "Hi Flo");
    f.from(IG, "flo", T0 + HOUR, "hi, what's new?");
    // Without an owner handle the owner is still recognised from their own items.
    let convs = conversations(&f.views(), &Owners::new(), T0 + DAY);
    let turn = |key: &str| convs.iter().find(|c| c.key == key).map(|c| c.turn);
    assert_eq!(turn("thread:t-1"), Some(Turn::WaitingForThem));
    assert_eq!(turn("with:flo"), Some(Turn::WaitingForYou));
    assert_eq!(convs.iter().find(|c| c.key == "thread:t-1").unwrap().people, vec!["dee", "eli"]);
}

#[test]
fn unanswered_starts_oldest_first_with_waiting_time() {
    let mut f = Fx::default();
    // Written newest first: the output must not depend on input order.
    let late = f.from(IG, "gil", T0 + 2 * DAY, "hello?");
    let early = f.from(X, "hue", T0 + HOUR, "hi there");
    let answered = f.from(IG, "ivo", T0, "hi");
    f.to(IG, "ivo", T0 + MIN, "hi ivo");
    let now = T0 + 3 * DAY;
    let convs = conversations(&f.views(), &owners(), now);
    let waiting = unanswered_starts(&convs, now);
    let got: Vec<(i64, i64)> = waiting.iter().map(|w| (w.start.item, w.waited_secs)).collect();
    assert_eq!(got, vec![(early, 3 * DAY - HOUR), (late, DAY)]);
    assert!(waiting.iter().all(|w| w.start.item != answered));
    // Items after `now` do not exist yet.
    let before = conversations(&f.views(), &owners(), T0 + DAY);
    assert_eq!(unanswered_starts(&before, T0 + DAY).len(), 1);
}

#[test]
fn the_answer_does_not_depend_on_input_order() {
    let f = response_fixture();
    let mut views = f.views();
    let a = conversations(&views, &owners(), APRIL + DAY);
    views.reverse();
    let b = conversations(&views, &owners(), APRIL + DAY);
    assert_eq!(a, b);
}

#[test]
fn complaint_and_request_cues() {
    assert_eq!(complaint_cue("My order hasn't arrived yet").as_deref(), Some("\"hasn't arrived\""));
    assert_eq!(complaint_cue("This doesn't work for me").as_deref(), Some("\"doesn't work\""));
    assert_eq!(complaint_cue("I want a refund").as_deref(), Some("\"refund\""));
    assert_eq!(
        complaint_cue("When will my delivery come?").as_deref(),
        Some("a question about \"delivery\"")
    );
    assert_eq!(complaint_cue("Delivery was fast, thanks"), None); // no question, no problem
    assert_eq!(complaint_cue("I work from home"), None);
    assert_eq!(complaint_cue("Love it!"), None);
    assert_eq!(request_cue("How much does the starter kit cost?").map(|r| r.0), Some(RequestKind::Question));
    assert_eq!(request_cue("Where is my order?").map(|r| r.0), Some(RequestKind::Problem));
    assert_eq!(request_cue("Can I join you for lunch?"), None);
}

#[test]
fn unanswered_customer_requests_oldest_first() {
    let mut f = Fx::default();
    let post = Some("p1");
    f.add(IG, ItemKind::Post, true, OWNER, &[], post, T0 - DAY, "New lavender season!");
    // carol: order problem by message, never answered.
    let carol = f.from(IG, "carol", T0 + DAY, "My order hasn't arrived yet");
    // dave: a question in a comment; you answered someone else, not him.
    let dave = f.add(
        IG,
        ItemKind::Comment,
        false,
        "dave",
        &[OWNER],
        post,
        T0 + 2 * HOUR,
        "How much does the starter kit cost?",
    );
    f.add(IG, ItemKind::Comment, true, OWNER, &["gina"], post, T0 + 5 * HOUR, "Thanks Gina!");
    // erin: comment answered by a comment addressed to her.
    f.add(IG, ItemKind::Comment, false, "erin", &[OWNER], post, T0 + 3 * HOUR, "where is my order??");
    f.add(IG, ItemKind::Comment, true, OWNER, &["erin"], post, T0 + 4 * HOUR, "Checking now, Erin");
    // hank: not a request.
    f.from(IG, "hank", T0, "Love your photos!");
    // ivy: answered by message.
    f.from(IG, "ivy", T0 + 30 * MIN, "refund please");
    f.to(IG, "ivy", T0 + HOUR, "Of course, sorry!");
    // jo: your message came before her question, so it does not answer it.
    f.to(IG, "jo", T0, "Your parcel is on its way");
    let jo = f.from(IG, "jo", T0 + HOUR, "Has the package shipped?");
    let now = T0 + 2 * DAY;
    let reqs = customer_requests(&f.views(), &owners(), now);
    let got: Vec<(i64, i64, RequestKind)> = reqs.iter().map(|r| (r.item, r.waited_secs, r.request)).collect();
    assert_eq!(
        got,
        vec![
            (jo, 2 * DAY - HOUR, RequestKind::Problem),
            (dave, 2 * DAY - 2 * HOUR, RequestKind::Question),
            (carol, DAY, RequestKind::Problem)
        ]
    );
    assert_eq!(reqs[0].cue, "a question about \"package\"");
    assert_eq!(reqs[1].kind, ItemKind::Comment);
    assert_eq!(reqs[1].conversation, "thread:p1");
    let m = requests_metric(&reqs);
    assert_eq!(m.value, Some(3.0));
    assert_eq!(m.items, vec![carol, dave, jo]);
}

#[test]
fn default_classifier_explains_itself() {
    assert_eq!(content_cue("Order now! 20% off our lavender oil").0, ContentKind::Promotional);
    assert_eq!(content_cue("Sale ends Friday").1, "\"sale\"");
    assert_eq!(content_cue("3 tips for better sleep"), (ContentKind::Informational, "\"tips\"".to_string()));
    assert_eq!(classify_post("Happy birthday to my son!"), ContentKind::Personal);
    assert_eq!(classify_post("Who are you voting for in the election?"), ContentKind::OffTopic);
    assert_eq!(classify_post("Sunset at the lake"), ContentKind::Personal); // no cue: personal
}

fn mix_fixture() -> Fx {
    let mut f = Fx::default();
    f.add(IG, ItemKind::Post, true, OWNER, &[], None, T0 + HOUR, "Order now! 20% off our lavender oil"); // 1 promotional
    f.add(IG, ItemKind::Post, true, OWNER, &[], None, T0 + 2 * HOUR, "3 tips for better sleep"); // 2 informational
    f.add(X, ItemKind::Post, true, OWNER, &[], None, T0 + 3 * HOUR, "Happy birthday to my son!"); // 3 personal
    f.add(
        X,
        ItemKind::Post,
        true,
        OWNER,
        &[],
        None,
        T0 + 4 * HOUR,
        "Who are you voting for in the election?",
    ); // 4 off-topic
    f.add(IG, ItemKind::Post, true, OWNER, &[], None, T0 + 5 * HOUR, "Sale ends Friday"); // 5 promotional
    f.add(IG, ItemKind::Post, true, OWNER, &[], None, APRIL + HOUR, "Sunset at the lake"); // 6 personal
    // Not counted: a comment of yours, a post by someone else, a post after now.
    f.add(IG, ItemKind::Comment, true, OWNER, &["kim"], None, T0, "Buy now!");
    f.add(IG, ItemKind::Post, false, "kim", &[], None, T0, "Shop my sale");
    f.add(IG, ItemKind::Post, true, OWNER, &[], None, APRIL + 20 * DAY, "Sale sale sale");
    f
}

#[test]
fn content_mix_per_month_with_promotional_share() {
    let f = mix_fixture();
    let now = APRIL + DAY;
    let mix = content_mix(&f.views(), &classify_post, now);
    assert_eq!(mix.len(), 2);
    let march = &mix[0];
    assert_eq!(march.month, "2024-03");
    assert_eq!(march.posts.value, Some(5.0));
    let count =
        |k: ContentKind| march.kinds.iter().find(|(kk, _)| *kk == k).map(|(_, m)| m.items.clone()).unwrap();
    assert_eq!(count(ContentKind::Promotional), vec![1, 5]);
    assert_eq!(count(ContentKind::Informational), vec![2]);
    assert_eq!(count(ContentKind::Personal), vec![3]);
    assert_eq!(count(ContentKind::OffTopic), vec![4]);
    assert_eq!(march.promotional_share.value, Some(0.4)); // 2 / 5
    assert_eq!(march.promotional_share.detail, "2 of 5 posts promotional");
    assert_eq!(mix[1].month, "2024-04");
    assert_eq!(mix[1].promotional_share.value, Some(0.0)); // 0 / 1
    // A swapped-in classifier.
    let all_promo = |_: &str| ContentKind::Promotional;
    let mix = content_mix(&f.views(), &all_promo, now);
    assert_eq!(mix[0].promotional_share.value, Some(1.0));
}

#[test]
fn giving_vs_asking_per_month() {
    let mut f = Fx::default();
    f.add(IG, ItemKind::Comment, true, OWNER, &["kim"], None, T0, "Love this!"); // given 1
    f.add(IG, ItemKind::Message, true, OWNER, &["lee", "max"], None, T0 + HOUR, "Happy Friday, you two!"); // given 2 (two people)
    f.add(IG, ItemKind::Reaction, true, OWNER, &["kim"], None, T0 + 2 * HOUR, ""); // given 1
    f.add(IG, ItemKind::Share, true, OWNER, &["ned"], None, T0 + 3 * HOUR, "so true"); // given 1
    let pitch = f.to(IG, "lee", T0 + 4 * HOUR, "Join my team and earn extra income"); // asked 1, not given
    f.add(IG, ItemKind::Connection, true, "ozzy", &["ozzy"], None, T0 + 5 * HOUR, ""); // neither
    f.from(IG, "kim", T0 + 6 * HOUR, "thanks!"); // theirs: neither
    f.to(IG, "kim", APRIL, "How did the launch go?"); // April: given 1
    let g = giving_asking(&f.views(), &owners(), APRIL + DAY);
    assert_eq!(g.len(), 2);
    assert_eq!(g[0].month, "2024-03");
    assert_eq!(g[0].given.value, Some(5.0));
    assert_eq!(g[0].given.items, vec![1, 2, 3, 4]);
    assert_eq!(g[0].asked.value, Some(1.0));
    assert_eq!(g[0].asked.items, vec![pitch]);
    assert_eq!(g[0].giving_share.value, Some(5.0 / 6.0));
    assert_eq!(g[1].giving_share.value, Some(1.0));
}

#[test]
fn streak_across_a_gap() {
    let days =
        ["2024-03-01", "2024-03-02", "2024-03-03", "2024-03-05", "2024-03-06", "2024-03-06", "2024-03-20"];
    // Today without a session yet: the streak ending yesterday still counts.
    let s = streak(&days, "2024-03-07").unwrap();
    assert_eq!((s.current, s.longest), (2, 3));
    assert_eq!(s.last_day, day_number("2024-03-06")); // the 20th is after today
    let s = streak(&days, "2024-03-06").unwrap();
    assert_eq!((s.current, s.longest), (2, 3));
    // A whole day missed: the current streak is broken.
    let s = streak(&days, "2024-03-08").unwrap();
    assert_eq!((s.current, s.longest), (0, 3));
    // Across a month end in a leap year.
    let s = streak(&["2024-02-28", "2024-02-29", "2024-03-01"], "2024-03-01").unwrap();
    assert_eq!((s.current, s.longest), (3, 3));
    assert!(streak(&["2024-13-01"], "2024-03-01").unwrap_err().contains("2024-13-01"));
    assert_eq!(streak_days(&[], 100).current, 0);
    assert_eq!(streak_days(&[], 100).longest, 0);
}

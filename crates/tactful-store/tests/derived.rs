//! The derived tables give what the from-items computation gives: on fixture
//! histories full of edge cases (equal times, undated and future items,
//! handles that differ only in case, threads and no threads, group messages,
//! pitches, replies to comments addressed to someone else), after every kind
//! of change (a first import, the same import again, a newer export, a merge,
//! a split, a new owner), on SQLite and on PostgreSQL. And an old store
//! without the tables gets them filled on first use.

use std::collections::{BTreeMap, HashMap};
use tactful_core::seeded::Rng;

use tactful_core::coaching::{self, Owners};
use tactful_core::history::{Item, ItemKind, Network, Person, Record, SourceRef};
use tactful_core::relationships::{self, Interaction, Tally};
use tactful_store::{Filter, SqliteStore, Store, StoredItem, derived, people};

const DAY: i64 = 86_400;
/// 2026-01-01.
const T0: i64 = 1_767_225_600;

const PEOPLE: &[&str] = &["ann", "Ann", "bob", "cat", "dan", "eve"];
const THEIRS: &[&str] = &[
    "How much is the starter kit?",
    "My order hasn't arrived",
    "thanks!",
    "Love this",
    "Where is my order?",
    "Can I join your team?",
];
const MINE: &[&str] = &[
    "Join my team! Business opportunity, DM me",
    "Here is a tip for calmer mornings",
    "Sent you a message!",
    "Order now, 20% off",
];

fn source(i: usize) -> SourceRef {
    SourceRef { file: "fixture.jsonl".into(), position: format!("line {i}") }
}

/// `n` items from `seed`, with ids `prefix0…`.
fn history(seed: u64, n: usize, prefix: &str) -> Vec<Record> {
    let mut rng = Rng(seed);
    let mut out =
        vec![Record::Owner { network: Network::Facebook, person: Person::named("me"), source: source(0) }];
    let mut at = T0;
    for i in 0..n {
        // Mostly hours apart, sometimes days (a new conversation start), sometimes the same second.
        at += match rng.below(10) {
            0 => 0,
            1 | 2 => (2 + rng.below(20) as i64) * DAY,
            _ => 3600 * (1 + rng.below(12) as i64),
        };
        let when = match rng.below(40) {
            0 => 0,
            _ => at,
        };
        let network = if rng.below(3) == 0 { Network::Instagram } else { Network::Facebook };
        // No owner record on Instagram: the owner is known by the author of their items.
        let me = if network == Network::Facebook { "me" } else { "me.ig" };
        let them = PEOPLE[rng.below(PEOPLE.len() as u64) as usize];
        let other = PEOPLE[rng.below(PEOPLE.len() as u64) as usize];
        let kind = [
            ItemKind::Message,
            ItemKind::Message,
            ItemKind::Message,
            ItemKind::Comment,
            ItemKind::Comment,
            ItemKind::Reaction,
            ItemKind::Connection,
            ItemKind::Post,
        ][rng.below(8) as usize];
        let by_owner = rng.below(2) == 0;
        let thread = match rng.below(4) {
            0 => None,
            _ if kind == ItemKind::Comment => Some(format!("post-{}", rng.below(3))),
            _ => Some(format!("dm-{}", them.to_lowercase())),
        };
        let counterparts: Vec<Person> = match (by_owner, rng.below(6)) {
            (true, 0) => vec![Person::named(them), Person::named(other)],
            (true, 1) if kind == ItemKind::Comment => vec![],
            (true, _) => vec![Person::named(them)],
            (false, 0) => vec![Person::named(me), Person::named(other)],
            (false, _) => vec![Person::named(me)],
        };
        let text = if by_owner {
            MINE[rng.below(MINE.len() as u64) as usize]
        } else {
            THEIRS[rng.below(THEIRS.len() as u64) as usize]
        };
        out.push(Record::Item(Item {
            network,
            kind,
            external_id: Some(format!("{prefix}{i}")),
            author: Person::named(if by_owner && kind != ItemKind::Connection { me } else { them }),
            by_owner,
            counterparts,
            thread,
            parent: None,
            at: when,
            text: text.to_string(),
            source: source(i + 1),
        }));
    }
    out
}

fn import(store: &mut dyn Store, records: &[Record]) {
    let mut w = store.writer().unwrap();
    for r in records {
        w.add(r).unwrap();
    }
    w.commit().unwrap();
}

/// Each contact's interactions, from the items, as `tactful contacts` sorts them.
fn histories(store: &mut dyn Store, items: &[StoredItem]) -> BTreeMap<i64, Vec<Interaction>> {
    let mut index: HashMap<(Network, String), i64> = HashMap::new();
    for c in people::all(store.people()).unwrap() {
        for (n, h) in &c.handles {
            index.insert((*n, h.to_lowercase()), c.id);
        }
    }
    let owners: HashMap<Network, String> = store.owners().unwrap().into_iter().collect();
    let mut out: BTreeMap<i64, Vec<Interaction>> = BTreeMap::new();
    for it in items {
        for x in relationships::interactions(&it.view(), owners.get(&it.network).map_or("", String::as_str)) {
            if let Some(id) = index.get(&(x.network, x.contact.to_lowercase())) {
                out.entry(*id).or_default().push(x);
            }
        }
    }
    out
}

/// The derived tables agree with the from-items computation at each of `nows`.
fn agree(store: &mut dyn Store, nows: &[i64], step: &str) {
    derived::refresh(store.people()).unwrap();
    let mut items = Vec::new();
    store
        .items(&Filter::default(), &mut |it| {
            items.push(it);
            true
        })
        .unwrap();
    let owners: Owners = store.owners().unwrap().into_iter().collect();
    let views: Vec<_> = items.iter().map(StoredItem::view).collect();
    let hist = histories(store, &items);
    for &now in nows {
        let expected = coaching::customer_requests(&views, &owners, now);
        let got = derived::open_requests(store.people(), now).unwrap();
        assert_eq!(got, expected, "{step}: unanswered requests at {now}");

        // `tactful responses`: starts, their answers and whose turn it is, as the whole history gives them.
        let convs = coaching::conversations(&views, &owners, now);
        let by_item = |mut v: Vec<coaching::Start>| {
            v.sort_by_key(|s| s.item);
            v
        };
        let want = by_item(convs.iter().flat_map(|c| c.starts.clone()).collect());
        let got = by_item(derived::conversation_starts(store.people(), now).unwrap());
        assert_eq!(got, want, "{step}: conversation starts at {now}");
        assert_eq!(
            coaching::starts_summary(&got.iter().collect::<Vec<_>>()),
            coaching::response_summary(&convs),
            "{step}: response figures at {now}"
        );
        let want: Vec<_> = convs
            .iter()
            .filter(|c| c.turn == coaching::Turn::WaitingForYou)
            .map(|c| (c.network, c.key.clone(), c.people.clone(), c.last_item, c.last_at))
            .collect();
        let got: Vec<_> = derived::waiting_for_you(store.people(), now)
            .unwrap()
            .into_iter()
            .map(|w| (w.network, w.key, w.people, w.last_item, w.last_at))
            .collect();
        assert_eq!(got, want, "{step}: conversations waiting for you at {now}");

        let tallies = derived::tallies_at(store.people(), now).unwrap();
        for c in people::all(store.people()).unwrap() {
            let want = Tally::of(hist.get(&c.id).map_or(&[][..], Vec::as_slice), now);
            let have = tallies.get(&c.id).cloned().unwrap_or_default();
            assert_eq!(have, want, "{step}: tally of {} ({:?}) at {now}", c.id, c.handles);
        }
    }
    // Each contact's interactions, oldest first (`tactful scan` reads them so).
    let lower = |mut x: Interaction| {
        x.contact = x.contact.to_lowercase();
        x
    };
    let mut stored: BTreeMap<i64, Vec<Interaction>> = BTreeMap::new();
    for x in derived::interactions_between(store.people(), i64::MIN, i64::MAX).unwrap() {
        stored.entry(x.contact).or_default().push(lower(x.interaction));
    }
    let want: BTreeMap<i64, Vec<Interaction>> =
        hist.iter().map(|(c, h)| (*c, h.iter().cloned().map(lower).collect())).collect();
    assert_eq!(stored, want, "{step}: every contact's interactions");
    // Conversations read from a window (the period and the day before) give
    // the starts of the period that the whole history gives.
    let me = derived::owner_handles(store.people()).unwrap();
    for (from, to) in [(T0 + 20 * DAY, T0 + 50 * DAY), (T0 + 3 * DAY, T0 + 200 * DAY)] {
        let now = to - 1;
        let starts = |convs: Vec<coaching::Conversation>| -> Vec<coaching::Start> {
            let mut v: Vec<_> =
                convs.into_iter().flat_map(|c| c.starts).filter(|s| s.at >= from && s.at < to).collect();
            v.sort_by_key(|s| s.item);
            v
        };
        let whole = starts(coaching::conversations(&views, &owners, now));
        let window: Vec<_> = views
            .iter()
            .filter(|v| v.at >= from - coaching::START_SILENCE_SECS && v.at < to)
            .copied()
            .collect();
        assert_eq!(
            starts(coaching::conversations_with(&window, &me, now)),
            whole,
            "{step}: starts in a window"
        );
    }
}

fn counts(store: &mut dyn Store) -> Vec<i64> {
    [
        "interactions",
        "requests",
        "replies",
        "contact_tallies",
        "handle_contacts",
        "conversations",
        "starts",
        "unthreaded_messages",
    ]
    .iter()
    .map(|t| store.people().rows(&format!("SELECT COUNT(*) FROM {t}"), &[]).unwrap()[0][0].int())
    .collect()
}

fn suite(store: &mut dyn Store) {
    let nows =
        [T0 + 10 * DAY + 7, T0 + 31 * DAY - 1, T0 + 59 * DAY - 1, T0 + 90 * DAY + 3600, T0 + 5_000 * DAY];
    let first = history(7, 400, "a");
    import(store, &first);
    agree(store, &nows, "first import");
    let before = counts(store);
    assert!(before.iter().all(|n| *n > 0), "every derived table has rows: {before:?}");

    import(store, &first);
    assert!(!derived::refresh(store.people()).unwrap(), "the same import again leaves nothing to do");
    assert_eq!(counts(store), before, "importing twice adds nothing");

    let mut newer = first.clone();
    newer.extend(history(11, 150, "b").into_iter().skip(1));
    import(store, &newer);
    agree(store, &nows, "a newer export");

    let db = store.people();
    let ann = people::find(db, "ann")
        .unwrap()
        .into_iter()
        .find(|c| c.handles.iter().any(|(_, h)| h == "ann"))
        .unwrap()
        .id;
    let bob = people::find(db, "bob").unwrap()[0].id;
    people::merge(db, ann, bob).unwrap();
    agree(store, &nows, "after a merge");
    people::split(store.people(), Network::Facebook, "bob").unwrap().unwrap();
    agree(store, &nows, "after a split");

    // A new owner handle on Instagram: every conversation key there changes.
    let mut w = store.writer().unwrap();
    w.set_owner(Network::Instagram, &Person::named("me.ig"), &source(0)).unwrap();
    w.commit().unwrap();
    agree(store, &nows, "after a new owner");
}

use tactful_store::testing::sqlite_path as temp_path;

#[test]
fn sqlite_derived_tables_agree_with_the_items() {
    let mut store = SqliteStore::open(&temp_path("derived-agree")).unwrap();
    suite(&mut store);
}

#[test]
fn postgres_derived_tables_agree_with_the_items() {
    let Some((mut store, _)) = tactful_store::testing::fresh_pg("derived") else { return };
    suite(&mut store);
}

/// A store written before the derived tables existed gets them on first use,
/// with the same answers.
#[test]
fn an_old_store_is_filled_on_first_use() {
    let path = temp_path("upgrade");
    let mut store = SqliteStore::open(&path).unwrap();
    import(&mut store, &history(3, 300, "a"));
    let want = counts(&mut store);
    drop(store);
    tactful_store::testing::downgrade_sqlite_to_v3(&path).unwrap();

    let mut store = SqliteStore::open(&path).unwrap();
    assert_eq!(counts(&mut store), vec![0; 8], "migrations 4 and 6 add the tables empty");
    assert!(derived::refresh(store.people()).unwrap(), "the first read fills them");
    assert_eq!(counts(&mut store), want);
    agree(&mut store, &[T0 + 40 * DAY, T0 + 5_000 * DAY], "upgraded store");
}

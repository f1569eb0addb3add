//! One behaviour suite, run against both backends: SQLite in a temporary
//! file, and PostgreSQL on the server `scripts/test.sh` starts on 127.0.0.1
//! (its URL in TACTFUL_TEST_PG_URL). Each PostgreSQL test gets its own
//! database, so tests never see each other's rows.

use tactful_core::consent::{Purpose, Source, Status};
use tactful_core::history::{Item, ItemKind, Network, Person, Record, SourceRef};
use tactful_store::people;
use tactful_store::{Added, Filter, PgStore, SqliteStore, Store};

/// Two tests of `$suite`: `$sqlite` on a new SQLite store, `$postgres` on a
/// new PostgreSQL one (where the test server runs).
macro_rules! on_both_backends {
    ($suite:ident, $sqlite:ident, $postgres:ident) => {
        #[test]
        fn $sqlite() {
            $suite(&mut SqliteStore::open(&temp_path(stringify!($suite))).unwrap());
        }

        #[test]
        fn $postgres() {
            let Some((mut store, _)) = tactful_store::testing::fresh_pg(stringify!($suite)) else { return };
            $suite(&mut store);
        }
    };
}

fn item(id: &str, kind: ItemKind, by_owner: bool, at: i64, text: &str) -> Record {
    Record::Item(Item {
        network: Network::Facebook,
        kind,
        external_id: Some(id.to_string()),
        author: if by_owner { Person::named("me") } else { Person::named("ann") },
        by_owner,
        counterparts: if by_owner {
            vec![Person::named("ann"), Person::named("bob")]
        } else {
            vec![Person::named("me")]
        },
        thread: Some("t1".into()),
        parent: None,
        at,
        text: text.to_string(),
        source: SourceRef {
            file: "messages/inbox/t1/message_1.json".into(),
            position: format!("messages[{id}]"),
        },
    })
}

fn sample() -> Vec<Record> {
    vec![
        Record::Owner {
            network: Network::Facebook,
            person: Person::named("me"),
            source: SourceRef { file: "profile.json".into(), position: "name".into() },
        },
        item("1", ItemKind::Message, false, 100, "Hi! Is the lavender oil still available?"),
        item("2", ItemKind::Message, true, 200, "Yes it is, shall I put one aside for you?"),
        item("3", ItemKind::Post, true, 300, "Quit your job and join my team! #financialfreedom"),
    ]
}

fn all(store: &mut dyn Store, filter: &Filter) -> Vec<tactful_store::StoredItem> {
    let mut out = Vec::new();
    store
        .items(filter, &mut |i| {
            out.push(i);
            true
        })
        .unwrap();
    out
}

fn import(store: &mut dyn Store, records: &[Record]) -> (usize, usize) {
    let mut w = store.writer().unwrap();
    let (mut new, mut old) = (0, 0);
    for r in records {
        match w.add(r).unwrap() {
            Added::New => new += 1,
            Added::AlreadyThere => old += 1,
        }
    }
    w.commit().unwrap();
    (new, old)
}

/// The counts per network and kind the writers keep are what counting the items gives.
fn counts_agree(store: &mut dyn Store) {
    let counted: Vec<(Network, ItemKind, u64)> = store
        .people()
        .rows("SELECT network, kind, COUNT(*) FROM items GROUP BY network, kind ORDER BY network, kind", &[])
        .unwrap()
        .iter()
        .map(|r| (r[0].text().parse().unwrap(), r[1].text().parse().unwrap(), r[2].int() as u64))
        .collect();
    assert_eq!(store.counts().unwrap(), counted);
}

fn suite(store: &mut dyn Store) {
    // Import, then read back in time order with the source of each record.
    assert_eq!(import(store, &sample()), (4, 0));
    counts_agree(store);
    let items = all(store, &Filter::default());
    assert_eq!(items.len(), 3);
    assert_eq!(items[0].text, "Hi! Is the lavender oil still available?");
    assert_eq!(items[1].counterparts, vec!["ann".to_string(), "bob".to_string()]);
    assert_eq!(items[2].source_file, "messages/inbox/t1/message_1.json");
    assert_eq!(store.owners().unwrap(), vec![(Network::Facebook, "me".to_string())]);

    // A stray export naming someone else does not change who "you" are...
    let stray = Record::Owner {
        network: Network::Facebook,
        person: Person::named("bob"),
        source: SourceRef { file: "x.json".into(), position: "1".into() },
    };
    assert_eq!(import(store, std::slice::from_ref(&stray)), (0, 1));
    assert_eq!(store.owners().unwrap(), vec![(Network::Facebook, "me".to_string())]);
    // ...unless the user says so.
    let mut w = store.writer().unwrap();
    w.set_owner(
        Network::Facebook,
        &Person::named("me2"),
        &SourceRef { file: "--owner".into(), position: "command line".into() },
    )
    .unwrap();
    w.set_owner(
        Network::Facebook,
        &Person::named("me"),
        &SourceRef { file: "--owner".into(), position: "command line".into() },
    )
    .unwrap();
    w.commit().unwrap();
    assert_eq!(store.owners().unwrap(), vec![(Network::Facebook, "me".to_string())]);

    // Importing the same export twice adds nothing.
    assert_eq!(import(store, &sample()), (0, 4));
    assert_eq!(all(store, &Filter::default()).len(), 3);
    counts_agree(store);

    // A newer export of the same account adds only what is new.
    let mut newer = sample();
    newer.push(item("4", ItemKind::Comment, false, 400, "Love this!"));
    assert_eq!(import(store, &newer), (1, 4));
    let counts = store.counts().unwrap();
    assert!(counts.contains(&(Network::Facebook, ItemKind::Message, 2)), "{counts:?}");
    assert!(counts.contains(&(Network::Facebook, ItemKind::Comment, 1)), "{counts:?}");
    counts_agree(store);

    // All or nothing: a writer dropped without commit leaves no trace.
    {
        let mut w = store.writer().unwrap();
        w.add(&item("5", ItemKind::Post, true, 500, "never committed")).unwrap();
    }
    assert_eq!(all(store, &Filter::default()).len(), 4);
    counts_agree(store);

    // Filters: kind, owner, text (case-insensitive), person, dates, limit.
    let f = |f: Filter| f;
    assert_eq!(all(store, &f(Filter { kind: Some(ItemKind::Post), ..Filter::default() })).len(), 1);
    assert_eq!(all(store, &f(Filter { by_owner: Some(true), ..Filter::default() })).len(), 2);
    assert_eq!(all(store, &f(Filter { text: Some("LAVENDER".into()), ..Filter::default() })).len(), 1);
    assert_eq!(all(store, &f(Filter { person: Some("bob".into()), ..Filter::default() })).len(), 2);
    assert_eq!(all(store, &f(Filter { from: Some(200), to: Some(400), ..Filter::default() })).len(), 2);
    assert_eq!(all(store, &f(Filter { limit: Some(1), ..Filter::default() })).len(), 1);
    assert_eq!(all(store, &f(Filter { network: Some(Network::X), ..Filter::default() })).len(), 0);
}

/// Contacts, marks, merge and split, and the consent ledger.
fn people_suite(store: &mut dyn Store) {
    import(store, &sample());
    let db = store.people();
    let ann = people::find(db, "ANN").unwrap();
    assert_eq!(ann.len(), 1, "contacts come from the people in the history");
    let ann = ann[0].id;
    let bob = people::find(db, "bob").unwrap()[0].id;
    assert!(people::find(db, "me").unwrap().is_empty(), "the owner is not a contact");

    // Double opt-in: recorded as pending, counts only once confirmed with the token.
    let c = people::record(
        db,
        ann,
        Purpose::Newsletter,
        Source::Message,
        "Ann wrote: yes please add me!",
        Some(1),
        1_000,
    )
    .unwrap();
    assert_eq!(c.status, Status::Pending);
    assert!(!people::opted_in(db, ann, Purpose::Newsletter).unwrap());
    assert!(people::export(db, Purpose::Newsletter).unwrap().is_empty());
    assert!(people::confirm(db, "WRONGTKN", 1_001).unwrap().is_none());
    let confirmed = people::confirm(db, &c.token.to_lowercase(), 1_002).unwrap().unwrap();
    assert_eq!((confirmed.status, confirmed.confirmed_at), (Status::Confirmed, Some(1_002)));
    assert!(people::opted_in(db, ann, Purpose::Newsletter).unwrap());
    assert!(!people::opted_in(db, ann, Purpose::Opportunity).unwrap(), "consent is per purpose");
    let list = people::export(db, Purpose::Newsletter).unwrap();
    assert_eq!(list.iter().map(|(c, _, _)| c.id).collect::<Vec<_>>(), vec![ann]);

    // Withdrawal: out of every export from that moment, and no longer opted in.
    assert_eq!(people::withdraw(db, ann, None, 2_000, "asked to stop").unwrap(), 1);
    assert!(people::export(db, Purpose::Newsletter).unwrap().is_empty());
    assert!(!people::opted_in(db, ann, Purpose::Newsletter).unwrap());
    // A fresh opt-in after a withdrawal does not silently undo it.
    let again = people::record(
        db,
        ann,
        Purpose::Newsletter,
        Source::Form,
        "signed up on the form again",
        None,
        3_000,
    )
    .unwrap();
    people::confirm(db, &again.token, 3_001).unwrap();
    assert!(!people::opted_in(db, ann, Purpose::Newsletter).unwrap());

    // Marks, merge and split: a merge never loses a handle or a consent record.
    assert!(people::set_mark(db, bob, Some("customer"), 500).unwrap());
    people::merge(db, ann, bob).unwrap();
    let merged = people::by_id(db, ann).unwrap().unwrap();
    assert_eq!(merged.handles.len(), 2);
    assert_eq!(
        (merged.mark.as_deref(), merged.marked_at),
        (Some("customer"), Some(500)),
        "the mark moves with its date"
    );
    assert!(people::by_id(db, bob).unwrap().is_none());
    assert_eq!(people::consents(db, Some(ann)).unwrap().len(), 2);
    let split = people::split(db, Network::Facebook, "bob").unwrap().unwrap();
    assert_eq!(
        people::by_id(db, split).unwrap().unwrap().handles,
        vec![(Network::Facebook, "bob".to_string())]
    );
    assert_eq!(people::by_id(db, ann).unwrap().unwrap().handles.len(), 1);
    assert_eq!(people::all(db).unwrap().len(), 2);
}

/// The same person on two networks (same email) is one contact from the start.
fn identity_suite(store: &mut dyn Store) {
    let on = |network: Network, handle: &str, id: &str| {
        Record::Item(Item {
            network,
            kind: ItemKind::Message,
            external_id: Some(id.into()),
            author: Person {
                handle: handle.into(),
                name: Some("Ann Lee".into()),
                profile_url: None,
                email: Some("ann@example.invalid".into()),
            },
            by_owner: false,
            counterparts: vec![],
            thread: None,
            parent: None,
            at: 10,
            text: "hello".into(),
            source: SourceRef { file: "f".into(), position: "1".into() },
        })
    };
    import(
        store,
        &[
            on(Network::Facebook, "Ann Lee", "a"),
            on(Network::LinkedIn, "https://linkedin.example/in/ann", "b"),
        ],
    );
    let all = people::all(store.people()).unwrap();
    assert_eq!(all.len(), 1, "{all:?}");
    assert_eq!(all[0].handles.len(), 2);
}

on_both_backends!(identity_suite, sqlite_same_email_is_one_contact, postgres_same_email_is_one_contact);

on_both_backends!(people_suite, sqlite_people_and_consent_behave, postgres_people_and_consent_behave);

/// The plan and work sessions.
fn coach_suite(store: &mut dyn Store) {
    use tactful_store::coach;
    let db = store.people();
    assert_eq!(coach::get(db, "plan").unwrap(), None);
    coach::set(db, "plan", "{\"market\": \"new mums\"}").unwrap();
    coach::set(db, "plan", "{\"market\": \"busy nurses\"}").unwrap();
    assert_eq!(coach::get(db, "plan").unwrap().as_deref(), Some("{\"market\": \"busy nurses\"}"));
    let (s, new) = coach::start(db, 100).unwrap();
    assert!(new);
    let (again, new) = coach::start(db, 150).unwrap();
    assert!(!new, "one session at a time");
    assert_eq!(again.id, s.id);
    assert_eq!(coach::stop(db, 1_900).unwrap().unwrap().stopped_at, Some(1_900));
    assert_eq!(coach::stop(db, 2_000).unwrap(), None, "nothing running");
    assert_eq!(coach::sessions(db).unwrap().len(), 1);
}

on_both_backends!(coach_suite, sqlite_plan_and_sessions_behave, postgres_plan_and_sessions_behave);

use tactful_store::testing::sqlite_path as temp_path;

#[test]
fn sqlite_store_behaves() {
    let path = temp_path("behaves");
    let mut store = SqliteStore::open(&path).unwrap();
    suite(&mut store);
    // Reopening keeps everything and does not re-run migrations.
    drop(store);
    let mut again = SqliteStore::open(&path).unwrap();
    assert_eq!(all(&mut again, &Filter::default()).len(), 4);
}

/// A store written before migration 5 gets its counts on first open, the
/// same as counting the items.
#[test]
fn sqlite_store_from_before_the_item_counts_upgrades_in_place() {
    let path = temp_path("v4");
    let mut store = SqliteStore::open(&path).unwrap();
    import(&mut store, &sample());
    let want = store.counts().unwrap();
    assert_eq!(want.iter().map(|c| c.2).sum::<u64>(), 3);
    drop(store);
    tactful_store::testing::downgrade_sqlite_to_v4(&path).unwrap();
    let mut store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.counts().unwrap(), want);
    let version = |store: &mut SqliteStore| {
        store.people().rows("SELECT MAX(version) FROM schema_version", &[]).unwrap()[0][0].int()
    };
    let mut fresh = SqliteStore::open(&temp_path("v4-fresh")).unwrap();
    assert_eq!(version(&mut store), version(&mut fresh), "migrated to the current schema");
    // And the writers keep them from there.
    import(&mut store, &[item("9", ItemKind::Comment, false, 900, "Lovely!")]);
    counts_agree(&mut store);
}

#[test]
fn sqlite_refuses_a_store_from_a_newer_tactful() {
    let path = temp_path("newer");
    drop(SqliteStore::open(&path).unwrap());
    tactful_store::testing::set_schema_version(&path, 99).unwrap();
    let e = SqliteStore::open(&path).err().expect("refused").to_string();
    assert!(e.contains("newer than this tactful understands"), "{e}");
}

#[test]
fn postgres_store_behaves() {
    let Some((mut store, db_url)) = tactful_store::testing::fresh_pg("behaves") else { return };
    suite(&mut store);
    drop(store);
    let mut again = PgStore::open(&db_url).unwrap();
    assert_eq!(all(&mut again, &Filter::default()).len(), 4);
}

/// A store from before people were stored once (schema 6: each item held
/// its people's handles) gives the same items once upgraded, and its people
/// are each stored once.
fn people_once_upgrade(store: &mut dyn Store, downgrade: &dyn Fn(), reopen: &dyn Fn() -> Box<dyn Store>) {
    import(store, &sample());
    let before = all(store, &Filter::default());
    assert_eq!(before[1].counterparts, ["ann", "bob"], "in the order given");
    downgrade();
    let mut store = reopen();
    assert_eq!(all(store.as_mut(), &Filter::default()), before);
    let people = store.people().rows("SELECT network, handle FROM people ORDER BY handle", &[]).unwrap();
    let handles: Vec<String> = people.iter().map(|r| r[1].text()).collect();
    assert_eq!(handles, ["ann", "bob", "me"]);
    // And new items refer to them.
    import(store.as_mut(), &[item("9", ItemKind::Message, true, 900, "See you Saturday")]);
    let after = all(store.as_mut(), &Filter { person: Some("bob".into()), ..Filter::default() });
    assert_eq!(after.iter().map(|i| i.at).collect::<Vec<_>>(), [200, 300, 900]);
    assert_eq!(store.people().rows("SELECT count(*) FROM people", &[]).unwrap()[0][0].int(), 3);
}

#[test]
fn sqlite_store_from_before_people_once_upgrades_in_place() {
    let path = temp_path("v6");
    let mut store = SqliteStore::open(&path).unwrap();
    people_once_upgrade(
        &mut store,
        &|| tactful_store::testing::downgrade_sqlite_to_v6(&path).unwrap(),
        &|| Box::new(SqliteStore::open(&path).unwrap()),
    );
}

#[test]
fn postgres_store_from_before_people_once_upgrades_in_place() {
    let Some((mut store, url)) = tactful_store::testing::fresh_pg("v6") else { return };
    people_once_upgrade(&mut store, &|| tactful_store::testing::downgrade_pg_to_v6(&url).unwrap(), &|| {
        Box::new(PgStore::open(&url).unwrap())
    });
}

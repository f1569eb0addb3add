//! What the seller did about things, on both backends: an item marked done,
//! snoozed, fixed or dismissed (and taken back), notes on a contact, and the
//! stay-in-touch reminder; and a store of the version before keeps its
//! contacts when it gains these tables.

use tactful_store::actions::{self, Action};
use tactful_store::testing::{fresh_pg, sqlite_path};
use tactful_store::{SqliteStore, Store};

fn on_both_backends(name: &str, suite: fn(&mut dyn Store)) {
    suite(&mut SqliteStore::open(&sqlite_path(name)).unwrap());
    if let Some((mut pg, _)) = fresh_pg(name) {
        suite(&mut pg);
    }
}

fn item_actions_hold_until_taken_back(store: &mut dyn Store) {
    let db = store.people();
    actions::set(db, 10, &Action::Done, 100).unwrap();
    actions::set(db, 11, &Action::Snoozed { until: 500 }, 100).unwrap();
    actions::set(db, 12, &Action::Dismissed { reason: "a quote from a news story".into() }, 100).unwrap();
    let all = actions::all(db).unwrap();
    assert_eq!(all.get(&10), Some(&Action::Done));
    assert_eq!(all.get(&12), Some(&Action::Dismissed { reason: "a quote from a news story".into() }));
    // A snooze hides the message until its time, then it is back.
    assert!(all[&11].hides_at(499) && !all[&11].hides_at(500));
    assert!(all[&10].hides_at(i64::MAX), "done holds until taken back");
    // A second action on the same item replaces the first; undo removes it.
    actions::set(db, 12, &Action::Fixed, 200).unwrap();
    assert_eq!(actions::all(db).unwrap().get(&12), Some(&Action::Fixed));
    assert!(actions::clear(db, 12).unwrap());
    assert!(!actions::clear(db, 12).unwrap(), "nothing left to take back");
    assert_eq!(actions::all(db).unwrap().len(), 2);
}

fn notes_are_a_contacts_own(store: &mut dyn Store) {
    let db = store.people();
    let first = actions::add_note(db, 7, "Prefers messages in the evening", 100).unwrap();
    let second = actions::add_note(db, 7, "Asked about the unscented balm", 200).unwrap();
    actions::add_note(db, 8, "Someone else's", 150).unwrap();
    let notes = actions::notes(db, 7).unwrap();
    assert_eq!(notes.iter().map(|n| n.id).collect::<Vec<_>>(), vec![second, first], "newest first");
    assert!(!actions::delete_note(db, 8, first).unwrap(), "a note is deleted only from its own contact");
    assert!(actions::delete_note(db, 7, first).unwrap());
    assert_eq!(actions::notes(db, 7).unwrap().len(), 1);
}

#[test]
fn item_actions_hold_until_taken_back_on_both_backends() {
    on_both_backends("item_actions", item_actions_hold_until_taken_back);
}

#[test]
fn notes_are_a_contacts_own_on_both_backends() {
    on_both_backends("contact_notes", notes_are_a_contacts_own);
}

/// A store from before these tables (version 7) upgrades in place: its
/// contacts are kept and take a reminder.
#[test]
fn a_sqlite_store_from_before_seller_actions_upgrades_in_place() {
    let path = sqlite_path("before-actions");
    {
        let mut store = SqliteStore::open(&path).unwrap();
        let mut w = store.writer().unwrap();
        w.add(&tactful_core::history::Record::Item(tactful_core::history::Item {
            network: tactful_core::history::Network::Instagram,
            kind: tactful_core::history::ItemKind::Message,
            external_id: Some("m1".into()),
            author: tactful_core::history::Person::named("ann"),
            by_owner: false,
            counterparts: vec![tactful_core::history::Person::named("me")],
            thread: Some("t".into()),
            parent: None,
            at: 1_700_000_000,
            text: "Hello! How much is the balm?".into(),
            source: tactful_core::history::SourceRef { file: "x".into(), position: "1".into() },
        }))
        .unwrap();
        w.commit().unwrap();
        tactful_store::derived::refresh(store.people()).unwrap();
    }
    tactful_store::testing::downgrade_sqlite_to_v7(&path).unwrap();
    let mut store = SqliteStore::open(&path).unwrap();
    let ann = tactful_store::people::find(store.people(), "ann").unwrap();
    assert_eq!(ann.len(), 1, "the contact is kept");
    assert!(actions::set_keep_in_touch(store.people(), ann[0].id, Some(30)).unwrap());
    assert_eq!(actions::keep_in_touch(store.people()).unwrap(), vec![(ann[0].id, 30)]);
}

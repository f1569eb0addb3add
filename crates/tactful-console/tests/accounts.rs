//! Accounts, sessions and scopes on both backends, as a company's people
//! would meet them: an invitation accepted, a login, a wrong password, a
//! guessing run throttled, a session that ends, a disabled account, and each
//! role seeing only its own part of the roster.

use tactful_company::Actor;
use tactful_console::accounts::{self, FAILURE_WINDOW_SECS, MAX_FAILURES, SESSION_SECS};
use tactful_console::{Error, Role, Scope};
use tactful_store::people::Db;
use tactful_store::testing::{fresh_pg, sqlite_path};
use tactful_store::{SqliteStore, Store};

const NOW: i64 = 1_795_000_000;

/// A company store with the example roster: D1 at the top, D2 under D1, D3
/// and D4 (who has left) under D2.
fn company(store: &mut dyn Store) -> Actor {
    let db = store.people();
    tactful_console::schema::migrate(db).unwrap();
    let actor =
        Actor { company: tactful_company::DEFAULT_COMPANY, who: "officer@example.com".into(), at: NOW };
    let roster =
        std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/company/roster.csv")).unwrap();
    tactful_company::roster::import(db, &actor, "roster.csv", roster.as_slice()).unwrap();
    actor
}

fn on_both_backends(name: &str, suite: fn(&mut dyn Db, &Actor)) {
    let mut sqlite = SqliteStore::open(&sqlite_path(name)).unwrap();
    let actor = company(&mut sqlite);
    suite(sqlite.people(), &actor);
    if let Some((mut pg, _)) = fresh_pg(name) {
        let actor = company(&mut pg);
        suite(pg.people(), &actor);
    }
}

const PASSWORD: &str = "correct horse battery";

fn invited_and_accepted(db: &mut dyn Db, actor: &Actor, email: &str, role: Role, d: Option<&str>) -> i64 {
    let inv = accounts::invite(db, actor, email, "Someone", role, d).unwrap();
    accounts::accept(db, &inv.token, PASSWORD, NOW + 10).unwrap().id
}

fn a_person_is_invited_logs_in_and_out(db: &mut dyn Db, actor: &Actor) {
    let inv =
        accounts::invite(db, actor, " Rev@Example.com ", "Rita Reviewer", Role::Reviewer, None).unwrap();
    assert_eq!(inv.account.email, "rev@example.com");
    assert!(!inv.account.active, "no password until the invitation is accepted");
    // Not before the password is set.
    assert!(matches!(
        accounts::login(db, actor.company, "rev@example.com", PASSWORD, NOW),
        Err(Error::Denied)
    ));
    assert!(matches!(accounts::accept(db, &inv.token, "short", NOW), Err(Error::Input(_))));
    let a = accounts::accept(db, &inv.token, PASSWORD, NOW + 60).unwrap();
    assert!(a.active);
    assert!(
        matches!(accounts::accept(db, &inv.token, PASSWORD, NOW + 61), Err(Error::Denied)),
        "a link works once"
    );
    // Only the hash is kept: argon2id, not the password.
    let stored = db
        .rows("SELECT password_hash FROM console_accounts WHERE id = ?1", &[tactful_store::Arg::Int(a.id)])
        .unwrap();
    let stored = stored[0][0].text();
    assert!(stored.starts_with("$argon2id$") && !stored.contains(PASSWORD), "{stored}");

    let s = accounts::login(db, actor.company, "REV@example.com", PASSWORD, NOW + 100).unwrap();
    let p = accounts::session(db, &s.token, NOW + 200).unwrap();
    assert_eq!((p.account.email.as_str(), p.account.role), ("rev@example.com", Role::Reviewer));
    accounts::check_csrf(&p, &s.csrf).unwrap();
    assert!(accounts::check_csrf(&p, "forged").is_err());
    // Each login is a new session: a token from before it is not this one.
    let again = accounts::login(db, actor.company, "rev@example.com", PASSWORD, NOW + 300).unwrap();
    assert_ne!(again.token, s.token);
    assert_ne!(again.csrf, s.csrf);
    // The session token itself is nowhere in the store.
    let raw = db
        .rows(
            "SELECT COUNT(*) FROM console_sessions WHERE token_hash = ?1",
            &[tactful_store::Arg::Text(s.token.clone())],
        )
        .unwrap();
    assert_eq!(raw[0][0].int(), 0);
    // Sessions end: after their time, or at logout.
    assert!(matches!(accounts::session(db, &s.token, NOW + 100 + SESSION_SECS), Err(Error::Denied)));
    assert!(accounts::logout(db, &again.token).unwrap());
    assert!(matches!(accounts::session(db, &again.token, NOW + 400), Err(Error::Denied)));
    // The audit log says who was invited and who accepted.
    let log = tactful_company::audit::about(db, actor.company, "account:rev@example.com").unwrap();
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["console.invite", "console.accept"]);
    assert!(tactful_company::audit::verify(db, actor.company).unwrap().broken.is_none());
}

fn guessing_is_throttled_and_said_the_same_way(db: &mut dyn Db, actor: &Actor) {
    invited_and_accepted(db, actor, "ann@example.com", Role::Admin, None);
    // A wrong password and an unknown address read the same.
    let wrong = accounts::login(db, actor.company, "ann@example.com", "not the password", NOW).unwrap_err();
    let nobody =
        accounts::login(db, actor.company, "nobody@example.com", "not the password", NOW).unwrap_err();
    assert_eq!(wrong.to_string(), nobody.to_string());
    for i in 1..MAX_FAILURES {
        assert!(matches!(
            accounts::login(db, actor.company, "ann@example.com", "guess", NOW + i),
            Err(Error::Denied)
        ));
    }
    // The limit is reached: even the right password is refused for a while.
    let t = accounts::login(db, actor.company, "ann@example.com", PASSWORD, NOW + 30).unwrap_err();
    let Error::Throttled { retry_after } = t else { panic!("{t}") };
    assert!(retry_after > 0 && retry_after <= FAILURE_WINDOW_SECS, "{retry_after}");
    // Other addresses are not held back by it.
    invited_and_accepted(db, actor, "bob@example.com", Role::Reviewer, None);
    accounts::login(db, actor.company, "bob@example.com", PASSWORD, NOW + 31).unwrap();
    // Once the window has passed, the right password works again.
    accounts::login(db, actor.company, "ann@example.com", PASSWORD, NOW + FAILURE_WINDOW_SECS + 1).unwrap();
}

fn each_role_sees_its_part_of_the_roster(db: &mut dyn Db, actor: &Actor) {
    // Who may be invited as what.
    let e = accounts::invite(db, actor, "x@example.com", "X", Role::Distributor, None).unwrap_err();
    assert!(e.to_string().contains("distributor id"), "{e}");
    let e = accounts::invite(db, actor, "y@example.com", "Y", Role::Reviewer, Some("D1")).unwrap_err();
    assert!(e.to_string().contains("not tied"), "{e}");
    let e = accounts::invite(db, actor, "z@example.com", "Z", Role::Distributor, Some("D99")).unwrap_err();
    assert!(e.to_string().contains("not on the roster"), "{e}");
    let e = accounts::invite(db, actor, "jo@example.com", "Jo", Role::Distributor, Some("D4")).unwrap_err();
    assert!(e.to_string().contains("has left"), "{e}");

    let scope_of = |db: &mut dyn Db, email: &str| {
        let s = accounts::login(db, actor.company, email, PASSWORD, NOW + 20).unwrap();
        let p = accounts::session(db, &s.token, NOW + 21).unwrap();
        Scope::of(db, &p).unwrap()
    };
    invited_and_accepted(db, actor, "lead@example.com", Role::Leader, Some("D2"));
    invited_and_accepted(db, actor, "priya@example.com", Role::Distributor, Some("D3"));
    invited_and_accepted(db, actor, "rev2@example.com", Role::Reviewer, None);
    let leader = scope_of(db, "lead@example.com");
    let priya = scope_of(db, "priya@example.com");
    let reviewer = scope_of(db, "rev2@example.com");
    // The leader: D2 and below (D3, and D4 whose old cases stay theirs), never D1 above.
    assert!(leader.allows(Some("D2")) && leader.allows(Some("D3")) && leader.allows(Some("D4")));
    assert!(!leader.allows(Some("D1")) && !leader.allows(None));
    assert!(priya.allows(Some("D3")) && !priya.allows(Some("D2")) && !priya.allows(None));
    assert_eq!(priya.distributors(), Some(vec!["D3".to_string()]));
    assert!(reviewer.allows(Some("D1")) && reviewer.allows(None) && reviewer.distributors().is_none());

    // A disabled account's sessions end at once.
    let s = accounts::login(db, actor.company, "priya@example.com", PASSWORD, NOW + 40).unwrap();
    let p = accounts::session(db, &s.token, NOW + 41).unwrap();
    accounts::disable(db, actor, p.account.id).unwrap();
    assert!(matches!(accounts::session(db, &s.token, NOW + 42), Err(Error::Denied)));
    assert!(matches!(
        accounts::login(db, actor.company, "priya@example.com", PASSWORD, NOW + 43),
        Err(Error::Denied)
    ));
}

#[test]
fn a_person_is_invited_logs_in_and_out_on_both_backends() {
    on_both_backends("console_login", a_person_is_invited_logs_in_and_out);
}

#[test]
fn guessing_is_throttled_and_said_the_same_way_on_both_backends() {
    on_both_backends("console_throttle", guessing_is_throttled_and_said_the_same_way);
}

#[test]
fn each_role_sees_its_part_of_the_roster_on_both_backends() {
    on_both_backends("console_scope", each_role_sees_its_part_of_the_roster);
}

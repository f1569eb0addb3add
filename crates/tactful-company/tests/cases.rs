//! Scan → cases, on both backends (a real SQLite file, a real PostgreSQL
//! server from TACTFUL_TEST_PG_URL; each test gets a database of its own):
//! what a compliance officer sees after a worker has been through the feed.

mod common;

use common::{T0, chain_holds, ingest_csv, ingest_named, officer};

use std::collections::HashSet;
use std::fmt::Write as _;

use tactful_app::Checker;
use tactful_company::case::{BadTransition, Status};
use tactful_company::cases::{self, Change, Filter, Order};
use tactful_company::ingest;
use tactful_company::policy::Policy;
use tactful_company::worker::{self, ScanSummary, Worker};
use tactful_company::{DEFAULT_COMPANY, Error, roster, schema};
use tactful_store::Store;
use tactful_store::people::Db;

const C: i64 = DEFAULT_COMPANY;

const ROSTER: &str = "\
id,name,upline_id,instagram
D1,Ann Baker,,@ann_b
D2,Bob Cole,D1,@bobcole
D3,Cat Dee,D2,@catdee
D4,Dan Eve,D1,@dan.eve
";

const HEALTH: &str = "These drops cured my anxiety in two weeks, no more pills for me!";
const INCOME: &str = "I made $5,000 last month from my phone. Quit your job and join my team!";
const CLEAN: &str = "Morning walk with the dog, what a sunrise today.";
const PASTED: &str =
    "Our Calm Drops cured my insomnia and my doctor took me off my sleeping pills! Message me to try them.";

fn feed() -> String {
    let rows = [
        ("A1", "@ann_b", HEALTH.to_string()),
        ("B1", "@bobcole", INCOME.to_string()),
        ("C1", "@catdee", CLEAN.to_string()),
        ("P1", "@ann_b", PASTED.to_string()),
        ("P2", "@bobcole", format!("Hi friends! {PASTED} 💜")),
        ("P3", "@dan.eve", format!("{PASTED} https://glowa.example/dan")),
    ];
    let mut s = String::from("network,post_id,author_handle,text\n");
    for (id, who, text) in rows {
        let _ = writeln!(s, "instagram,{id},{who},\"{text}\"");
    }
    s
}

fn worker(name: &str) -> Worker {
    Worker::new(Checker::builtin(), Policy::default(), name).batch_size(4)
}

fn scan(db: &mut dyn Db, w: &Worker, at: i64) -> ScanSummary {
    w.run(db, C, &|| at, &mut |_| {}).unwrap()
}

/// The roster, the feed, and one worker through it.
fn scanned(store: &mut dyn Store) -> &mut dyn Db {
    let db = store.people();
    schema::migrate(db).unwrap();
    roster::import(db, &officer(T0), "roster.csv", ROSTER.as_bytes()).unwrap();
    let s = ingest_csv(db, &feed(), T0 + 60);
    assert_eq!((s.added, s.skipped), (6, 0), "{:?}", s.problems);
    assert_eq!(worker::queued(db, C).unwrap(), 6, "every new version is queued by the ingest");
    let s = scan(db, &worker("worker-1"), T0 + 120);
    assert_eq!((s.posts, s.batches), (6, 2));
    assert_eq!(worker::queued(db, C).unwrap(), 0);
    db
}

fn post_id(db: &mut dyn Db, external: &str) -> i64 {
    ingest::posts(db, C, None)
        .unwrap()
        .into_iter()
        .find(|p| p.post_id.as_deref() == Some(external))
        .unwrap()
        .id
}

fn all_cases(db: &mut dyn Db) -> Vec<cases::Case> {
    cases::list(db, C, &Filter { limit: Some(1000), ..Filter::default() }).unwrap().cases
}

fn categories_of(db: &mut dyn Db, external: &str) -> Vec<String> {
    let id = post_id(db, external);
    let mut c: Vec<String> =
        all_cases(db).into_iter().filter(|c| c.post_id == id).map(|c| c.category).collect();
    c.sort();
    c
}

fn a_scan_opens_cases_and_groups_a_pasted_claim(store: &mut dyn Store) {
    let db = scanned(store);
    assert!(categories_of(db, "A1").contains(&"health".to_string()), "{:?}", all_cases(db));
    assert!(categories_of(db, "B1").contains(&"income".to_string()), "{:?}", all_cases(db));
    assert_eq!(categories_of(db, "C1"), Vec::<String>::new(), "the clean post raises nothing");
    // The pasted claim: one case group of three posts by three distributors.
    let groups = cases::groups(db, C).unwrap();
    assert_eq!(groups.len(), 1, "{groups:?}");
    assert_eq!((groups[0].posts, groups[0].distributors), (3, 3));
    let pasted: Vec<i64> = ["P1", "P2", "P3"].iter().map(|p| post_id(db, p)).collect();
    let in_group: HashSet<i64> =
        all_cases(db).into_iter().filter(|c| c.group == groups[0].id).map(|c| c.post_id).collect();
    assert_eq!(in_group, pasted.into_iter().collect());
    let listed = cases::list(db, C, &Filter { group: Some(groups[0].id), ..Filter::default() }).unwrap();
    assert_eq!(
        listed.cases.iter().map(|c| c.post_id).collect::<HashSet<_>>(),
        in_group,
        "the group's cases, listed"
    );
    // One case per post and category, the rule codes and spans kept.
    let mut seen = HashSet::new();
    for c in all_cases(db) {
        assert!(seen.insert((c.post_id, c.category.clone())), "one case per post and category");
        assert!(!c.codes.is_empty() && c.findings.iter().all(|f| f.start < f.end));
        assert_eq!(c.status, Status::New);
    }
    // Priority: reach and the repeat offence are counted and said in words.
    let p1 = post_id(db, "P1");
    let ann = all_cases(db).into_iter().find(|c| c.post_id == p1).unwrap();
    assert_eq!(ann.earlier_cases, 1, "Ann's health claim in A1 came first");
    assert!(ann.priority.why.contains("the same text in 3 posts (+10)"), "{}", ann.priority.why);
    assert!(
        ann.priority.why.contains("1 earlier post of this distributor with a case (+5)"),
        "{}",
        ann.priority.why
    );
    // Filters and keyset paging.
    let health =
        cases::list(db, C, &Filter { rule: Some(ann.codes[0].clone()), ..Filter::default() }).unwrap();
    assert!(health.cases.iter().all(|c| c.codes.contains(&ann.codes[0])) && !health.cases.is_empty());
    let bob = cases::list(db, C, &Filter { distributor: Some("D2".into()), ..Filter::default() }).unwrap();
    assert!(bob.cases.iter().all(|c| c.distributor.as_deref() == Some("D2")) && bob.cases.len() >= 2);
    // A team: exactly its members' cases; an empty team, none.
    let all = cases::list(db, C, &Filter { limit: Some(1000), ..Filter::default() }).unwrap().cases;
    let team = vec!["D2".to_string(), "D9".to_string()];
    let theirs =
        cases::list(db, C, &Filter { team: Some(team.clone()), limit: Some(1000), ..Filter::default() });
    let want: Vec<i64> = all
        .iter()
        .filter(|c| c.distributor.as_deref().is_some_and(|d| team.iter().any(|t| t == d)))
        .map(|c| c.id)
        .collect();
    assert_eq!(theirs.unwrap().cases.iter().map(|c| c.id).collect::<Vec<_>>(), want);
    assert!(
        cases::list(db, C, &Filter { team: Some(Vec::new()), ..Filter::default() }).unwrap().cases.is_empty()
    );
    // Every case once, in order, two a page: all of them, and one rule's
    // (asked in lower case, as a reviewer may type it).
    let rule = ann.codes[0].clone();
    for (order, only) in
        [Order::Newest, Order::Priority].into_iter().flat_map(|o| [(o, None), (o, Some(&rule))])
    {
        let mut after = None;
        let mut paged = Vec::new();
        loop {
            let asked = only.map(|r| r.to_ascii_lowercase());
            let page = cases::list(
                db,
                C,
                &Filter { order, after, rule: asked, limit: Some(2), ..Filter::default() },
            )
            .unwrap();
            paged.extend(page.cases.iter().map(|c| (c.priority.score, c.id)));
            after = page.next;
            if after.is_none() {
                break;
            }
        }
        let mut want: Vec<(i64, i64)> = all_cases(db)
            .iter()
            .filter(|c| only.is_none_or(|r| c.codes.contains(r)))
            .map(|c| (c.priority.score, c.id))
            .collect();
        match order {
            Order::Newest => want.sort_by_key(|&(_, id)| std::cmp::Reverse(id)),
            Order::Priority => want.sort_by(|a, b| b.cmp(a)),
        }
        assert!(!want.is_empty());
        assert_eq!(paged, want, "{order:?}, rule {only:?}: every case once, in order");
    }
    // A rule no case has lists none (`_` is not a wildcard).
    let none = Filter { rule: Some(rule.replace(|c: char| c.is_ascii_digit(), "_")), ..Filter::default() };
    assert!(cases::list(db, C, &none).unwrap().cases.is_empty());
    // Nothing is queued, so another worker finds nothing to do.
    assert_eq!(scan(db, &worker("worker-2"), T0 + 180), ScanSummary::default());
    // The pasted claim again, in a later batch: once by someone already in
    // the group, once by someone new. The group counts each person once.
    let again = format!(
        "network,post_id,author_handle,text\ninstagram,P4,@ann_b,\"{PASTED}!\"\ninstagram,P5,@catdee,\"{PASTED}\"\n"
    );
    assert_eq!(ingest_csv(db, &again, T0 + 240).added, 2);
    assert_eq!(scan(db, &worker("worker-2"), T0 + 300).posts, 2);
    let grown = cases::groups(db, C).unwrap();
    assert_eq!(grown.len(), 1, "{grown:?}");
    assert_eq!((grown[0].posts, grown[0].distributors), (5, 4));
    // The group's older open cases are ordered by its new reach: the stored
    // priority is the one their reasons give (5 posts, not 3).
    let stored: std::collections::HashMap<i64, i64> = db
        .rows("SELECT id, priority FROM company_cases WHERE company_id = ?1", &[tactful_store::Arg::Int(C)])
        .unwrap()
        .iter()
        .map(|r| (r[0].int(), r[1].int()))
        .collect();
    let in_group: Vec<cases::Case> = all_cases(db).into_iter().filter(|c| c.group == grown[0].id).collect();
    assert_eq!(in_group.len(), 5);
    for c in &in_group {
        assert!(c.priority.why.contains("the same text in 5 posts"), "{}", c.priority.why);
        assert_eq!(stored[&c.id], c.priority.score, "case {}: {}", c.id, c.priority.why);
    }
    // Opened in a span of time: the later batch's cases, or all the others.
    let (late, early): (Vec<cases::Case>, Vec<cases::Case>) =
        all_cases(db).into_iter().partition(|c| c.opened_at >= T0 + 300);
    assert!(!late.is_empty() && !early.is_empty());
    // One case a page, so that the span's cursor is followed to the end.
    let mut span = |from, before| -> Vec<i64> {
        let (mut ids, mut after) = (Vec::new(), None);
        loop {
            let f = Filter {
                opened_from: from,
                opened_before: before,
                after,
                limit: Some(1),
                ..Filter::default()
            };
            let page = cases::list(db, C, &f).unwrap();
            ids.extend(page.cases.iter().map(|c| c.id));
            after = page.next;
            if after.is_none() {
                return ids;
            }
        }
    };
    assert_eq!(span(Some(T0 + 300), None), late.iter().map(|c| c.id).collect::<Vec<_>>());
    assert_eq!(span(None, Some(T0 + 300)), early.iter().map(|c| c.id).collect::<Vec<_>>());
    assert!(span(Some(T0 + 121), Some(T0 + 300)).is_empty());
    chain_holds(db);
}

/// The officer moves case `id` to `to` at `at`.
fn move_case(
    db: &mut dyn Db,
    at: i64,
    id: i64,
    to: Status,
    reason: Option<&str>,
) -> Result<cases::Case, Error> {
    cases::change(db, &officer(at), id, &Change::Status { to, reason: reason.map(str::to_string) })
}

fn a_dismissal_needs_a_reason_and_is_audited(store: &mut dyn Store) {
    let db = scanned(store);
    let b1 = post_id(db, "B1");
    let case = all_cases(db).into_iter().find(|c| c.post_id == b1).unwrap();
    let e = move_case(db, T0 + 200, case.id, Status::Dismissed, None).unwrap_err();
    assert!(matches!(e, Error::Transition(BadTransition::ReasonRequired)), "{e}");
    let e = move_case(db, T0 + 200, case.id, Status::NoticeSent, None).unwrap_err();
    assert!(matches!(e, Error::Transition(BadTransition::Skipped { .. })), "{e}");
    move_case(db, T0 + 210, case.id, Status::InReview, None).unwrap();
    cases::change(db, &officer(T0 + 220), case.id, &Change::Assign(Some("jane".into()))).unwrap();
    let e =
        cases::change(db, &officer(T0 + 230), case.id, &Change::Due(Some("2025-13-01".into()))).unwrap_err();
    assert!(e.to_string().contains("expected a date"), "{e}");
    cases::change(db, &officer(T0 + 230), case.id, &Change::Due(Some("2025-12-01".into()))).unwrap();
    let reason = "a quote from the company's own income disclosure statement";
    let done = move_case(db, T0 + 240, case.id, Status::Dismissed, Some(reason)).unwrap();
    assert_eq!((done.status, done.reason.as_deref()), (Status::Dismissed, Some(reason)));
    assert_eq!((done.assignee.as_deref(), done.due.as_deref()), (Some("jane"), Some("2025-12-01")));
    let e = move_case(db, T0 + 250, case.id, Status::InReview, None).unwrap_err();
    assert!(matches!(e, Error::Transition(BadTransition::Final { .. })), "{e}");
    let d = cases::detail(db, C, case.id).unwrap();
    assert_eq!(d.text, INCOME);
    let history: Vec<(&str, &str)> =
        d.history.iter().map(|e| (e.action.as_str(), e.actor.as_str())).collect();
    assert_eq!(
        history,
        [
            ("case.open", "worker-1"),
            ("case.status", "officer@company"),
            ("case.assign", "officer@company"),
            ("case.due", "officer@company"),
            ("case.status", "officer@company"),
        ]
    );
    let last = d.history.last().unwrap();
    assert_eq!(last.before.as_deref(), Some(r#"{"status":"in_review","reason":null}"#));
    assert!(last.after.as_deref().unwrap().contains(r#""status":"dismissed""#));
    assert!(last.after.as_deref().unwrap().contains("income disclosure statement"));
    assert!(matches!(cases::get(db, C, 9999), Err(Error::UnknownCase(9999))));
    chain_holds(db);
}

fn an_edit_that_checks_clean_closes_the_case_as_fixed(store: &mut dyn Store) {
    let db = scanned(store);
    let a1 = post_id(db, "A1");
    let open: Vec<i64> = all_cases(db).iter().filter(|c| c.post_id == a1).map(|c| c.id).collect();
    assert!(!open.is_empty());
    // Ann edits her post clean; Bob edits his but keeps the claim.
    let edited = format!(
        "network,post_id,author_handle,text\ninstagram,A1,@ann_b,A quiet evening with the family today.\ninstagram,B1,@bobcole,\"{INCOME} Ask me how.\"\n"
    );
    let s = ingest_named(db, "feed2.csv", &edited, T0 + 300);
    assert_eq!(s.new_versions, 2);
    assert_eq!(worker::queued(db, C).unwrap(), 2);
    let before = all_cases(db).len();
    let s = scan(db, &worker("worker-1"), T0 + 360);
    assert_eq!((s.posts, s.fixed as usize, s.opened), (2, open.len(), 0), "{s:?}");
    for id in &open {
        let c = cases::get(db, C, *id).unwrap();
        assert_eq!(c.status, Status::Fixed);
        assert!(
            c.reason.as_deref().unwrap().starts_with("version 2 of the post checks clean"),
            "{:?}",
            c.reason
        );
        let d = cases::detail(db, C, *id).unwrap();
        let fix = d.history.last().unwrap();
        assert_eq!((fix.action.as_str(), fix.actor.as_str()), ("case.status", "worker-1"));
        assert!(fix.after.as_deref().unwrap().contains(r#""status":"fixed""#));
        assert_eq!(d.current_version, 2);
    }
    assert_eq!(all_cases(db).len(), before, "Bob's claim is still there: his case stays open, no second one");
    let b1 = post_id(db, "B1");
    assert!(
        all_cases(db).iter().filter(|c| c.post_id == b1).all(|c| c.status == Status::New && c.version == 1)
    );
    chain_holds(db);
}

fn a_failing_batch_leaves_the_queue_intact(store: &mut dyn Store) {
    let db = store.people();
    schema::migrate(db).unwrap();
    roster::import(db, &officer(T0), "roster.csv", ROSTER.as_bytes()).unwrap();
    ingest_csv(db, &feed(), T0 + 60);
    // The disk fills up just as the first case is written.
    if db.postgres() {
        db.exec(
            "CREATE FUNCTION disk_full() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$",
            &[],
        )
        .unwrap();
        db.exec("CREATE TRIGGER disk_full BEFORE INSERT ON company_cases FOR EACH ROW EXECUTE FUNCTION disk_full()", &[])
            .unwrap();
    } else {
        db.exec(
            "CREATE TRIGGER disk_full BEFORE INSERT ON company_cases BEGIN SELECT RAISE(ABORT, 'disk full'); END",
            &[],
        )
        .unwrap();
    }
    let w = Worker::new(Checker::builtin(), Policy::default(), "worker-1").batch_size(100);
    let e = w.run_batch(db, C, T0 + 120).unwrap_err();
    assert!(e.to_string().contains("disk full"), "{e}");
    assert_eq!(worker::queued(db, C).unwrap(), 6, "the batch is still queued");
    assert!(all_cases(db).is_empty());
    let groups = db.rows("SELECT COUNT(*) FROM company_case_groups", &[]).unwrap()[0][0].int();
    assert_eq!(groups, 0, "nothing of the batch stays");
    db.exec("DROP TRIGGER disk_full ON company_cases", &[])
        .or_else(|_| db.exec("DROP TRIGGER disk_full", &[]))
        .unwrap();
    let s = scan(db, &w, T0 + 180);
    assert_eq!(s.posts, 6);
    assert_eq!(cases::groups(db, C).unwrap()[0].posts, 3);
    chain_holds(db);
}

const POLICY: &str = r##"
brands = ["Glowa"]
products = ["Calm Drops"]
disclosures = ["#ad", "#glowapartner"]
approved = ["Our Calm Drops cured my insomnia and my doctor took me off my sleeping pills!"]
"##;

fn an_approved_claim_raises_no_case_and_a_missing_disclosure_does(store: &mut dyn Store) {
    let db = store.people();
    schema::migrate(db).unwrap();
    roster::import(db, &officer(T0), "roster.csv", ROSTER.as_bytes()).unwrap();
    // (Legal would never clear that sentence; it stands in for one they did.)
    let policy = Policy::parse("policy.toml", POLICY).unwrap();
    let feed = format!(
        "network,post_id,author_handle,text\ninstagram,P1,@ann_b,\"#ad {PASTED}\"\ninstagram,G1,@bobcole,Loving my Glowa evening routine\n"
    );
    ingest_csv(db, &feed, T0 + 60);
    let w = Worker::new(Checker::builtin(), policy, "worker-1");
    scan(db, &w, T0 + 120);
    let p1 = post_id(db, "P1");
    let cases = all_cases(db);
    let on_p1: Vec<&cases::Case> = cases.iter().filter(|c| c.post_id == p1).collect();
    assert!(
        on_p1.iter().all(|c| c.findings.iter().all(|f| f.start >= PASTED.len() + 4)),
        "every finding inside the approved sentence is dropped: {on_p1:?}"
    );
    let g1 = post_id(db, "G1");
    let disclosure: Vec<&cases::Case> = cases.iter().filter(|c| c.post_id == g1).collect();
    assert_eq!(disclosure.len(), 1, "{cases:?}");
    assert!(disclosure[0].codes.contains(&"POLICY-DISCLOSURE".to_string()), "{:?}", disclosure[0]);
    let d = cases::detail(db, C, disclosure[0].id).unwrap();
    let g = cases::guidance(w.checker().engine(), &d.case.codes[0]).unwrap();
    assert!(g.why.contains("disclosure"), "{g:?}");
    chain_holds(db);
}

/// A store from before the rule index (schema 9) with cases in it: the
/// upgrade indexes the cases it has, and the cases opened after it.
fn an_upgraded_store_lists_its_old_cases_by_rule(store: &mut dyn Store) {
    let db = scanned(store);
    let by_rule = |db: &mut dyn Db, rule: &str| -> Vec<i64> {
        let f = Filter { rule: Some(rule.to_string()), limit: Some(1000), ..Filter::default() };
        cases::list(db, C, &f).unwrap().cases.iter().map(|c| c.id).collect()
    };
    let having = |db: &mut dyn Db, rule: &str| -> Vec<i64> {
        all_cases(db).iter().filter(|c| c.codes.iter().any(|k| k == rule)).map(|c| c.id).collect()
    };
    let rules: HashSet<String> = all_cases(db).into_iter().flat_map(|c| c.codes).collect();
    assert!(rules.len() >= 2, "{rules:?}");
    // Back to schema 9: no index of codes, nothing that keeps one.
    if db.postgres() {
        db.exec("DROP TRIGGER company_case_codes_on_open ON company_cases", &[]).unwrap();
        db.exec("DROP FUNCTION company_case_codes_on_open()", &[]).unwrap();
    } else {
        db.exec("DROP TRIGGER company_case_codes_on_open", &[]).unwrap();
    }
    db.exec("DROP TABLE company_case_codes", &[]).unwrap();
    db.exec("DROP INDEX company_outbox_distributor", &[]).unwrap();
    db.exec("DROP INDEX company_drafts_distributor", &[]).unwrap();
    db.exec("DROP INDEX company_cases_group_id", &[]).unwrap();
    db.exec("DROP INDEX company_cases_opened", &[]).unwrap();
    db.exec("CREATE INDEX company_cases_group ON company_cases (company_id, group_id)", &[]).unwrap();
    // And without the open cases' indexes (schema 11).
    db.exec("DROP INDEX company_cases_open", &[]).unwrap();
    db.exec("DROP INDEX company_cases_open_priority", &[]).unwrap();
    db.exec("DELETE FROM company_schema_version WHERE version >= 10", &[]).unwrap();
    schema::migrate(db).unwrap();
    for rule in &rules {
        let want = having(db, rule);
        assert!(!want.is_empty());
        assert_eq!(by_rule(db, rule), want, "{rule}");
    }
    // A case opened after the upgrade is listed by its rule too.
    let s = ingest_csv(
        db,
        &format!("network,post_id,author_handle,text\ninstagram,N9,@ann_b,\"{HEALTH} Again!\"\n"),
        T0 + 600,
    );
    assert_eq!(s.added, 1, "{:?}", s.problems);
    assert!(scan(db, &worker("worker-1"), T0 + 660).opened >= 1);
    let newest = all_cases(db).into_iter().max_by_key(|c| c.id).unwrap();
    for rule in &newest.codes {
        assert!(by_rule(db, rule).contains(&newest.id), "{rule}");
    }
    for rule in &rules {
        assert_eq!(by_rule(db, rule), having(db, rule), "{rule}");
    }
}

on_both_backends!(
    "cases":
    an_upgraded_store_lists_its_old_cases_by_rule,
    a_scan_opens_cases_and_groups_a_pasted_claim,
    a_dismissal_needs_a_reason_and_is_audited,
    an_edit_that_checks_clean_closes_the_case_as_fixed,
    a_failing_batch_leaves_the_queue_intact,
    an_approved_claim_raises_no_case_and_a_missing_disclosure_does,
);

/// Two workers in two threads, each with its own connection, share one
/// PostgreSQL queue: every post is scanned exactly once, and the pasted
/// claim is still one group.
#[test]
fn two_workers_on_postgres_scan_every_post_exactly_once() {
    let Some(url) = common::pg_url() else { return };
    let db_url = tactful_store::testing::fresh_pg_database(&url, "cases_two_workers").unwrap();
    let mut store = tactful_store::open(&db_url).unwrap();
    let db = store.people();
    schema::migrate(db).unwrap();
    roster::import(db, &officer(T0), "roster.csv", ROSTER.as_bytes()).unwrap();
    let handles = ["@ann_b", "@bobcole", "@catdee", "@dan.eve"];
    let mut feed = String::from("network,post_id,author_handle,text\n");
    for i in 0..400 {
        let text = match i % 4 {
            0 => format!("{PASTED} #{i}"),
            1 => format!("Post {i}: {HEALTH}"),
            _ => format!("{CLEAN} Day {i}."),
        };
        let _ = writeln!(feed, "instagram,N{i},{},\"{text}\"", handles[i % 4]);
    }
    ingest_csv(db, &feed, T0 + 60);
    assert_eq!(worker::queued(db, C).unwrap(), 400);
    // Both workers are connected and ready before either takes a batch, so
    // they really compete for the queue (the first must not drain it alone
    // while the second is still connecting).
    let ready = std::sync::Barrier::new(2);
    let runs: Vec<Vec<(i64, i64)>> = std::thread::scope(|s| {
        let threads: Vec<_> = (0..2)
            .map(|n| {
                let db_url = db_url.clone();
                let ready = &ready;
                s.spawn(move || {
                    let mut store = tactful_store::open(&db_url).unwrap();
                    let w = Worker::new(Checker::builtin(), Policy::default(), &format!("worker-{n}"))
                        .batch_size(10);
                    ready.wait();
                    let mut mine = Vec::new();
                    w.run(store.people(), C, &|| T0 + 120, &mut |b| mine.extend(b.scanned.iter().copied()))
                        .unwrap();
                    mine
                })
            })
            .collect();
        threads.into_iter().map(|t| t.join().unwrap()).collect()
    });
    let a: HashSet<(i64, i64)> = runs[0].iter().copied().collect();
    let b: HashSet<(i64, i64)> = runs[1].iter().copied().collect();
    assert_eq!(a.len() + b.len(), 400, "no post scanned twice: {} + {}", a.len(), b.len());
    assert_eq!(a.union(&b).count(), 400, "every post scanned");
    assert!(a.is_disjoint(&b));
    assert!(!a.is_empty() && !b.is_empty(), "both workers took batches: {} and {}", a.len(), b.len());
    assert_eq!(worker::queued(db, C).unwrap(), 0);
    // The pasted claim and the repeated health claim: one group each, however the batches fell.
    let groups = cases::groups(db, C).unwrap();
    let sizes: Vec<i64> = groups.iter().map(|g| g.posts).collect();
    assert_eq!(sizes, [100, 100], "{groups:?}");
    let dup = db
        .rows(
            "SELECT COUNT(*) FROM (SELECT post_id, category FROM company_cases GROUP BY post_id, category HAVING COUNT(*) > 1) d",
            &[],
        )
        .unwrap()[0][0]
        .int();
    assert_eq!(dup, 0);
    chain_holds(db);
}

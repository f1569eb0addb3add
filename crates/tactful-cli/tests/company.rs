//! `tactful company …` end to end on the real binary: roster import and
//! list, feed ingest, the unattributed list, audit verify and export, on a
//! SQLite file (and on PostgreSQL when TACTFUL_TEST_PG_URL is set).

mod common;

use common::{command, scratch, stdout, tactful, text};

const ROSTER: &str = "\
id,name,email,upline_id,rank,country,joined,left,handles
D1,Ann Baker,ann@example.com,,Diamond,US,2020-01-15,,instagram:@Ann_B; https://facebook.com/ann.baker
D2,Bob Cole,,D1,Silver,CA,2021-03-01,,https://instagram.com/bobcole/
D3,Cat Dee,,D2,Bronze,GB,2022-07-09,2025-10-01,x:@catdee
D4,Dan Eve,dan@,D1,,,,,
";

const FEED: &str = r#"{"network":"instagram","url":"https://instagram.com/p/A1/","post_id":"A1","author_handle":"https://www.instagram.com/ann_b/","posted_at":"2025-11-01T10:00:00Z","text":"Loving the new serum!"}
{"network":"x","url":"https://x.com/catdee/status/77","post_id":77,"author_handle":"@CatDee","posted_at":"2025-11-04T10:00:00Z","text":"Our oils cure anxiety"}
{"network":"instagram","url":"https://instagram.com/p/Z1/","post_id":"Z1","author_handle":"@stranger_1","posted_at":"2025-11-05T10:00:00Z","text":"Who else loves this brand?"}
{"network":"instagram","post_id":"Z2","author_handle":"@stranger_1","posted_at":"not a time","text":"?"}
"#;

/// A fresh PostgreSQL database on the test server, or `None` (a visible
/// skip) outside CI; under CI the test command must have started the server.
fn pg_database(name: &str) -> Option<String> {
    let url = tactful_store::testing::pg_url()?;
    Some(tactful_store::testing::fresh_pg_database(&url, name).unwrap())
}

/// Two tests of `story(db, dir)`: on a SQLite file of its own, and on a
/// PostgreSQL database of its own (a visible skip without the test server).
macro_rules! on_both_backends {
    ($story:ident: $sqlite:ident, $postgres:ident, $name:literal) => {
        #[test]
        fn $sqlite() {
            let dir = scratch(concat!("company-", $name));
            $story(dir.join("company.db").to_str().unwrap(), &dir);
        }

        #[test]
        fn $postgres() {
            let Some(db) = pg_database(concat!("cli_company_", $name)) else { return };
            $story(&db, &scratch(concat!("company-", $name, "-pg")));
        }
    };
}

/// The test roster, imported by the officer.
fn import_roster(db: &str, dir: &std::path::Path) {
    let roster = dir.join("roster.csv");
    std::fs::write(&roster, ROSTER).unwrap();
    let (code, out) = run(db, &["company", "roster", "import", roster.to_str().unwrap(), "--as", "officer"]);
    assert_eq!(code, 0, "{out}");
}

fn run(db: &str, args: &[&str]) -> (i32, String) {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--db", db]);
    let o = tactful(&all);
    (o.status.code().unwrap_or(-1), text(&o))
}

fn the_company_loop(db: &str, dir: &std::path::Path) {
    let roster = dir.join("roster.csv");
    std::fs::write(&roster, ROSTER).unwrap();
    let roster = roster.to_str().unwrap();
    let (code, out) = run(db, &["company", "roster", "import", roster, "--as", "officer"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("roster.csv: 3 added, 0 updated, 0 unchanged, 1 skipped"), "{out}");
    assert!(out.contains("roster.csv:5: email: expected an email address"), "{out}");
    let (_, out) = run(db, &["company", "roster", "import", roster, "--as", "officer"]);
    assert!(out.contains("0 added, 0 updated, 3 unchanged, 1 skipped"), "{out}");

    let (code, out) = run(db, &["company", "roster", "list", "--team", "D2"]);
    assert_eq!(code, 0, "{out}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("ID"), "{out}");
    assert!(lines[1].starts_with("D2 ") && lines[1].contains("instagram:bobcole"), "{out}");
    assert!(
        lines[2].starts_with("  D3 ") && lines[2].contains("2025-10-01"),
        "a leaver stays, with the date: {out}"
    );
    assert!(out.contains("2 distributors (1 left)"), "{out}");
    let (code, out) = run(db, &["company", "roster", "list", "--team", "D9"]);
    assert_eq!((code, out.trim()), (2, "tactful: no distributor `D9` on the roster"));

    let feed = dir.join("listening.jsonl");
    std::fs::write(&feed, FEED).unwrap();
    let feed = feed.to_str().unwrap();
    let (code, out) = run(db, &["company", "ingest", feed, "--as", "officer"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(
            "listening.jsonl: 4 rows read: 3 added, 0 new versions, 0 unchanged, 1 unattributed, 1 skipped"
        ),
        "{out}"
    );
    assert!(out.contains("listening.jsonl:4: posted_at: expected an RFC 3339 time"), "{out}");
    let (_, out) = run(db, &["company", "ingest", feed]);
    assert!(out.contains("0 added, 0 new versions, 3 unchanged"), "{out}");

    let (code, out) = run(db, &["company", "unattributed"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("instagram  stranger_1"), "{out}");
    assert!(out.contains("https://instagram.com/p/Z1/"), "{out}");
    let (_, out) = run(db, &["company", "unattributed", "--json"]);
    let first: serde_json::Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert_eq!(first["handle"], "stranger_1");

    let (code, out) = run(db, &["company", "audit", "verify"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.starts_with("audit log OK: 5 entries, head "),
        "3 distributors, the import, the ingest: {out}"
    );

    let export = dir.join("audit.jsonl");
    let (code, out) = run(db, &["company", "audit", "export", "--out", export.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    let lines: Vec<serde_json::Value> =
        std::fs::read_to_string(&export).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 5);
    assert_eq!(lines[0]["action"], "distributor.add");
    assert_eq!(lines[0]["actor"], "officer");
    assert_eq!(lines[0]["time"], "2026-11-21T09:00:00Z", "the clock is TACTFUL_NOW");
    assert_eq!(lines[0]["after"]["name"], "Ann Baker");
    assert_eq!(lines[1]["prev_hash"], lines[0]["hash"]);
    assert_eq!(lines[4]["action"], "feed.ingest");

    // Someone edits an entry in the database behind tactful's back.
    let mut store = tactful_store::open(db).unwrap();
    let people = store.people();
    let guard = if people.postgres() {
        "DROP TRIGGER company_audit_append_only ON company_audit"
    } else {
        "DROP TRIGGER company_audit_no_update"
    };
    people.exec(guard, &[]).unwrap();
    people.exec("UPDATE company_audit SET actor = 'someone else' WHERE seq = 4", &[]).unwrap();
    drop(store);
    let (code, out) = run(db, &["company", "audit", "verify"]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(
        out.trim(),
        "audit log BROKEN at entry 4: entry 4 was changed after it was written: its content does not match its hash (5 entries read)"
    );
}

on_both_backends!(the_company_loop: the_company_loop_on_sqlite, the_company_loop_on_postgres, "loop");

#[test]
fn a_feed_of_unknown_format_is_a_usage_error() {
    let dir = scratch("company-format");
    let feed = dir.join("posts.xlsx");
    std::fs::write(&feed, "x").unwrap();
    let db = dir.join("c.db");
    let (code, out) = run(db.to_str().unwrap(), &["company", "ingest", feed.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(out.contains("give --format csv or --format jsonl"), "{out}");
    let o = tactful(&["company", "unattributed", "--db", db.to_str().unwrap()]);
    assert_eq!(stdout(&o).trim(), "No unattributed posts: every author is on the roster.");
}

const CLAIMS: &str = "\
network,post_id,author_handle,text
instagram,A1,@ann_b,\"These drops cured my anxiety in two weeks, no more pills for me!\"
instagram,B1,@bobcole,\"I made $5,000 last month from my phone. Quit your job and join my team!\"
instagram,C1,@bobcole,\"Morning walk with the dog, what a sunrise today.\"
";

fn scan_to_cases(db: &str, dir: &std::path::Path) {
    import_roster(db, dir);
    let feed = dir.join("claims.csv");
    std::fs::write(&feed, CLAIMS).unwrap();
    let (code, out) = run(db, &["company", "ingest", feed.to_str().unwrap(), "--as", "officer"]);
    assert_eq!(code, 0, "{out}");
    let (code, out) = run(db, &["company", "scan", "--as", "worker-1"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("scanned 3 post versions in 1 batches: 2 cases opened, 0 fixed"), "{out}");
    let (_, out) = run(db, &["company", "worker", "--batch", "10"]);
    assert!(out.starts_with("scanned 0 post versions"), "the queue is empty: {out}");

    let (code, out) = run(db, &["company", "cases", "--sort", "priority"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.lines().next().unwrap().trim_start().starts_with("CASE  PRIO"), "{out}");
    assert!(out.contains("health") && out.contains("income") && out.contains("2 cases"), "{out}");
    let (_, out) = run(db, &["company", "cases", "--json", "--limit", "1"]);
    let lines: Vec<serde_json::Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2, "one case and where the next page starts: {out}");
    assert_eq!(lines[0]["category"], "income", "newest first");
    let next = lines[1]["next"].as_str().unwrap().to_string();
    let (_, out) = run(db, &["company", "cases", "--json", "--after", &next]);
    let rest: Vec<serde_json::Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(rest.len(), 1);
    assert_eq!(rest[0]["category"], "health");
    let health = rest[0]["id"].as_i64().unwrap().to_string();
    let (_, out) = run(db, &["company", "cases", "--distributor", "D2", "--json"]);
    assert_eq!(out.lines().count(), 1, "{out}");

    let (code, out) = run(db, &["company", "case", &health]);
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with(&format!("case {health} · health · error · new · priority")), "{out}");
    assert!(out.contains("«cured my anxiety"), "the finding is highlighted: {out}");
    assert!(out.contains("why it matters: ") && out.contains("instead: "), "{out}");
    assert!(out.contains("worker-1") && out.contains("case.open"), "{out}");

    let (code, out) = run(db, &["company", "case", &health, "--status", "dismissed"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("a dismissal needs a reason"), "{out}");
    let (code, out) = run(db, &["company", "case", &health, "--status", "notice_sent"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("a case that is new cannot become notice_sent"), "{out}");
    // `company case HEALTH ARGS… --as lead`.
    let as_lead =
        |args: &[&str]| run(db, &[&["company", "case", health.as_str()], args, &["--as", "lead"]].concat());
    let (code, out) = as_lead(&["--status", "in_review", "--assign", "jane", "--due", "2026-12-01"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        out.trim(),
        format!(
            "case {health}: new → in_review\ncase {health}: assigned to jane\ncase {health}: due 2026-12-01"
        )
    );
    let (code, out) = as_lead(&["--status", "dismissed", "--reason", "a testimonial legal cleared"]);
    assert_eq!(code, 0, "{out}");
    let (_, out) = run(db, &["company", "cases", "--status", "dismissed", "--json"]);
    assert!(out.contains("a testimonial legal cleared"), "{out}");
    let (_, out) = run(db, &["company", "case", &health]);
    assert!(out.contains("lead") && out.contains("in_review → dismissed"), "{out}");
    let (code, out) = run(db, &["company", "case", "999"]);
    assert_eq!((code, out.trim()), (2, "tactful: no case 999"));
    let (code, out) = run(db, &["company", "audit", "verify"]);
    assert_eq!(code, 0, "{out}");
}

on_both_backends!(scan_to_cases: scan_to_cases_on_sqlite, scan_to_cases_on_postgres, "cases");

/// `tactful company …` at a fixed time.
fn run_at(db: &str, now: &str, args: &[&str]) -> (i32, String) {
    let o = command().args(args).args(["--db", db]).env("TACTFUL_NOW", now).output().unwrap();
    (o.status.code().unwrap_or(-1), text(&o))
}

on_both_backends!(notices: a_notice_is_queued_delivered_by_smtp_and_retried_on_sqlite, a_notice_is_queued_delivered_by_smtp_and_retried_on_postgres, "notices");

/// Roster → claims → scan → a notice refused (no email), a template refused
/// (unknown placeholder), a notice queued → a 550 → retried later → received once.
fn notices(db: &str, dir: &std::path::Path) {
    import_roster(db, dir);
    let feed = dir.join("claims.csv");
    std::fs::write(&feed, CLAIMS).unwrap();
    run(db, &["company", "ingest", feed.to_str().unwrap(), "--as", "officer"]);
    run(db, &["company", "scan"]);
    let case_of = |who: &str| {
        let (_, out) = run(db, &["company", "cases", "--distributor", who, "--json"]);
        let v: serde_json::Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
        v["id"].as_i64().unwrap().to_string()
    };
    let (ann, bob) = (case_of("D1"), case_of("D2"));

    let (code, out) = run(db, &["company", "notice", &bob, "--as", "lead"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("distributor `D2` (Bob Cole) has no email on the roster"), "{out}");
    let bad = dir.join("ours.txt");
    std::fs::write(&bad, "Subject: About case {case}\nDear {nme},\n").unwrap();
    let (code, out) = run(db, &["company", "notice", &ann, "--template", bad.to_str().unwrap()]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("ours.txt:2: unknown placeholder `{nme}`"), "{out}");
    let (_, out) = run(db, &["company", "outbox"]);
    assert!(out.contains("0 notices"), "nothing changed: {out}");

    let (code, out) = run_at(db, "2026-12-01T09:00:00Z", &["company", "notice", &ann, "--as", "lead"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(&format!("case {ann}: notice 1 queued to D1 (ann@example.com)")), "{out}");
    let (_, out) = run(db, &["company", "case", &ann]);
    assert!(out.contains("notice_sent") && out.contains("notice.queue"), "{out}");

    // The suite's SMTP sink keeps a mailbox per sender: this run's own.
    let sink = tactful_testkit::smtp::Sink::shared();
    let from = format!(
        "compliance-{}-{}@glowa.example",
        std::process::id(),
        dir.file_name().unwrap().to_string_lossy()
    );
    sink.refuse(&from, true);
    let send =
        |at: &str| run_at(db, at, &["company", "outbox", "send", "--smtp", &sink.addr, "--from", &from]);
    let (code, out) = send("2026-12-01T09:01:00Z");
    assert_eq!(code, 1, "{out}");
    assert!(out.starts_with("0 sent, 1 to retry later, 0 failed"), "{out}");
    assert!(sink.received(&from).is_empty());
    let (_, out) = run(db, &["company", "outbox"]);
    assert!(out.contains("queued") && out.contains("550"), "{out}");

    sink.refuse(&from, false);
    let (code, out) = send("2026-12-01T09:01:30Z");
    assert_eq!(
        (code, out.trim()),
        (0, "0 sent, 0 to retry later, 0 failed (given up), 1 waiting for their next attempt")
    );
    let (code, out) = send("2026-12-01T09:03:00Z");
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("1 sent"), "{out}");
    let (code, out) = send("2026-12-02T09:00:00Z");
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("0 sent"), "never twice: {out}");
    let got = sink.received(&from);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].to, ["ann@example.com"]);
    assert!(got[0].data.contains("Hi Ann Baker,"), "{}", got[0].data);
    let (_, out) = run(db, &["company", "outbox"]);
    assert!(out.contains("1 notices: 0 queued, 1 sent, 0 failed"), "{out}");
    let (code, out) = run(db, &["company", "audit", "verify"]);
    assert_eq!(code, 0, "{out}");
}

/// The README's pasteable loop on `examples/company` does what the README
/// says: five cases (a pasted health claim grouped, an income claim, the
/// missing disclosures), a dismissal, the edit that fixes a claim closes its
/// cases, the stranger is unattributed, and the audit chain verifies.
#[test]
fn the_readme_company_loop_runs_on_the_example_company() {
    let dir = scratch("company-readme");
    let db = dir.join("acme.db");
    let db = db.to_str().unwrap();
    let example = |f: &str| format!("{}/../../examples/company/{f}", env!("CARGO_MANIFEST_DIR"));
    let ok = |args: &[&str]| {
        let (code, out) = run(db, args);
        assert_eq!(code, 0, "{args:?}: {out}");
        out
    };
    ok(&["company", "roster", "import", &example("roster.csv")]);
    ok(&["company", "ingest", &example("feed.jsonl")]);
    assert!(ok(&["company", "scan"]).contains("5 cases opened"));
    let cases = ok(&["company", "cases", "--status", "open", "--sort", "priority", "--json"]);
    let cases: Vec<serde_json::Value> = cases.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(cases.len(), 5, "{cases:?}");
    assert!(ok(&["company", "case", "2"]).contains("why it matters"));
    ok(&["company", "case", "1", "--status", "dismissed", "--reason", "disclosed in the bio"]);
    ok(&["company", "ingest", &example("fixed.jsonl")]);
    ok(&["company", "scan"]);
    // The health claim's case is fixed by the edit; the dismissed one stays dismissed.
    let fixed = ok(&["company", "cases", "--status", "fixed", "--json"]);
    let fixed: Vec<serde_json::Value> = fixed.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(fixed.len(), 1, "{fixed:?}");
    // Still to act on: the five, less the one dismissed and the one fixed.
    let open = ok(&["company", "cases", "--status", "open", "--json"]);
    assert_eq!(open.lines().count(), 3, "{open}");
    assert_eq!(fixed[0]["id"], 2, "{fixed:?}");
    assert!(ok(&["company", "unattributed"]).contains("stranger_42"));
    assert!(ok(&["company", "audit", "verify"]).contains("audit log OK"));
}

const TEAM: &str = "\
id,name,email,upline_id,rank,instagram
L1,Lee <b>Top</b>,lee@example.com,,Gold,@lee_top
D1,Ann Baker,ann@example.com,L1,Bronze,@ann_b
D2,Bob Cole,bob@example.com,,Member,@bobcole
";

/// A `tactful company …` that must succeed, at a time.
fn ok_at(db: &str, now: &str, args: &[&str]) -> String {
    let (code, out) = run_at(db, now, args);
    assert_eq!(code, 0, "{args:?}: {out}");
    out
}

/// Notice → lesson (a failed quiz, a passed one) → escalation to the upline
/// and the lead on the program's clock → the report in JSON and HTML.
fn follow_up(db: &str, dir: &std::path::Path) {
    let t0 = "2026-11-21T09:00:00Z";
    let roster = dir.join("roster.csv");
    std::fs::write(&roster, TEAM).unwrap();
    ok_at(db, t0, &["company", "roster", "import", roster.to_str().unwrap()]);
    let feed = dir.join("claims.csv");
    std::fs::write(&feed, CLAIMS).unwrap();
    ok_at(db, t0, &["company", "ingest", feed.to_str().unwrap()]);
    ok_at(db, t0, &["company", "scan"]);
    let policy = dir.join("policy.toml");
    std::fs::write(
        &policy,
        "escalate_after_days = 2\ncompliance_lead = \"lead@glowa.example\"\nlesson_url = \"https://learn.glowa.example/{lesson}\"\n",
    )
    .unwrap();
    let policy = policy.to_str().unwrap();
    let cases: Vec<serde_json::Value> = ok_at(db, t0, &["company", "cases", "--json"])
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let case_of = |who: &str| {
        cases.iter().find(|c| c["distributor"] == who).unwrap()["id"].as_i64().unwrap().to_string()
    };
    let (ann, bob) = (case_of("D1"), case_of("D2"));
    for case in [&ann, &bob] {
        let out = ok_at(db, t0, &["company", "notice", case, "--policy", policy, "--show"]);
        let lesson = cases
            .iter()
            .find(|c| c["id"].as_i64().map(|i| i.to_string()).as_deref() == Some(case.as_str()))
            .unwrap()["category"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(out.contains(&format!("with the lesson `{lesson}`")), "{out}");
        assert!(out.contains(&format!("https://learn.glowa.example/{lesson}")), "{out}");
    }

    // Ann reads her lesson and answers its quiz: wrong first, then right.
    let lesson =
        cases.iter().find(|c| c["distributor"] == "D1").unwrap()["category"].as_str().unwrap().to_string();
    // A lesson is the same in every store: it needs none.
    let shown = stdout(&tactful(&["company", "lesson", "show", &lesson]));
    assert!(
        shown.contains("Not like this:") && shown.contains("Better:") && shown.contains("3. "),
        "{shown}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&tactful(&["company", "lesson", "show", &lesson, "--json"]))).unwrap();
    let letters = |right: bool| -> String {
        let quiz = json["quiz"].as_array().unwrap();
        quiz.iter()
            .map(|q| {
                let n = q["choices"].as_array().unwrap().len() as u64;
                let a = q["answer"].as_u64().unwrap();
                char::from(b'a' + u8::try_from(if right { a } else { (a + 1) % n }).unwrap()).to_string()
            })
            .collect::<Vec<_>>()
            .join(",")
    };
    let complete = |answers: &str| {
        run_at(
            db,
            "2026-11-22T09:00:00Z",
            &[
                "company",
                "lesson",
                "complete",
                &lesson,
                "--distributor",
                "D1",
                "--answers",
                answers,
                "--as",
                "ann",
            ],
        )
    };
    let (code, out) = complete(&letters(false));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("not passed yet, 0 of 3 right"), "{out}");
    let (code, out) = complete(&letters(true));
    assert_eq!((code, out.trim()), (0, format!("D1: lesson `{lesson}` completed, 3 of 3 right").as_str()));
    let (code, out) = complete("a");
    assert_eq!(code, 2, "{out}");
    let out = ok_at(db, t0, &["company", "lesson", "list", "--distributor", "D1"]);
    assert!(out.contains("3/3") && out.contains("D1: 1 lessons given, 1 completed"), "{out}");

    // No fix: two days on, Ann's case goes to her upline Lee, Bob's (no upline) to the lead.
    let out = ok_at(db, "2026-11-22T09:00:00Z", &["company", "escalate", "--policy", policy]);
    assert!(out.contains("0 cases escalated"), "not before two days: {out}");
    let out = ok_at(db, "2026-11-23T10:00:00Z", &["company", "escalate", "--policy", policy, "--as", "cron"]);
    assert!(out.contains(&format!("case {ann}: D1 → upline L1 (note ")), "{out}");
    assert!(out.contains(&format!("case {bob}: D2 → lead@glowa.example")), "{out}");
    let out = ok_at(db, "2026-11-25T10:00:00Z", &["company", "escalate", "--policy", policy]);
    assert!(out.contains(&format!("case {ann}: D1 → lead@glowa.example")), "{out}");
    let out = ok_at(db, t0, &["company", "case", &ann]);
    assert!(
        out.contains("escalated to the compliance lead: lead@glowa.example") && out.contains("case.escalate"),
        "{out}"
    );
    let out = ok_at(db, t0, &["company", "outbox"]);
    assert!(out.contains("lee@example.com"), "the upline's note: {out}");

    let report: serde_json::Value = serde_json::from_str(&ok_at(db, t0, &["company", "report"])).unwrap();
    assert_eq!(report["cases"].as_u64().unwrap() as usize, cases.len());
    let escalated = report["by_status"].as_array().unwrap().iter().find(|c| c["key"] == "escalated").unwrap();
    assert_eq!(escalated["cases"], 2);
    assert_eq!(report["lessons_completed"], 1);
    assert_eq!(report["by_team"][0]["leader"], "L1");
    let html = dir.join("report.html");
    ok_at(db, t0, &["company", "report", "--format", "html", "--out", html.to_str().unwrap()]);
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("<h1>Compliance report</h1>"), "{page}");
    assert!(
        page.contains("Lee &lt;b&gt;Top&lt;/b&gt;") && !page.contains("<b>Top"),
        "names are escaped: {page}"
    );
    assert!(ok_at(db, t0, &["company", "audit", "verify"]).starts_with("audit log OK"));
}

on_both_backends!(follow_up: lessons_escalation_and_the_report_on_sqlite, lessons_escalation_and_the_report_on_postgres, "follow_up");

/// The numbers on the line of `out` that contains `needle`.
fn numbers(out: &str, needle: &str) -> Vec<u64> {
    let line = out.lines().find(|l| l.contains(needle)).unwrap_or_else(|| panic!("`{needle}` in {out}"));
    line.split(|c: char| !c.is_ascii_digit()).filter(|w| !w.is_empty()).map(|w| w.parse().unwrap()).collect()
}

/// What the demo says matches what its store and its mailbox hold.
fn demo_holds_up(out: &str, db: &str, mailbox: &std::path::Path) {
    assert!(out.contains("120 distributors added, 0 skipped"), "{out}");
    assert!(out.contains("audit log OK"), "{out}");
    let opened = numbers(out, " cases opened")[1];
    assert!(opened > 10, "a month of posts opens cases: {out}");
    let report: serde_json::Value =
        serde_json::from_str(&stdout(&tactful(&["company", "report", "--db", db]))).unwrap();
    assert_eq!(report["cases"].as_u64().unwrap(), opened, "{report}");
    let fixed =
        report["by_status"].as_array().unwrap().iter().find(|c| c["key"] == "fixed").unwrap()["cases"]
            .as_u64()
            .unwrap();
    assert_eq!(fixed, numbers(out, "the scan found")[1] + numbers(out, "after the nudge")[1], "{out}");
    let notes = numbers(out, " notes queued");
    assert_eq!(report["lessons_assigned"].as_u64().unwrap(), notes[0], "one lesson a note");
    assert_eq!(numbers(out, " lessons given")[0], notes[0]);
    let to_uplines = numbers(out, "notes to them")[2];
    let mbox = std::fs::read_to_string(mailbox).unwrap();
    assert_eq!(
        mbox.matches("\nSubject: ").count() as u64,
        notes[2] + to_uplines,
        "every note is in the mailbox"
    );
    assert!(mbox.contains("https://learn.glowa.example/lessons/"), "with its lesson link");
    assert!(!mbox.contains("{name}"));
}

#[test]
fn the_company_demo_runs_on_sqlite_and_says_the_same_each_time() {
    let dir = scratch("company-demo");
    let db = dir.join("demo.db");
    let db = db.to_str().unwrap();
    let first = run(db, &["company", "demo", "--distributors", "120"]);
    assert_eq!(first.0, 0, "{}", first.1);
    demo_holds_up(&first.1, db, &dir.join("demo.files/notices.mbox"));
    let again = run(db, &["company", "demo", "--distributors", "120"]);
    assert_eq!(again, first, "the same seed, the same company and story");
    let other = run(db, &["company", "demo", "--distributors", "120", "--seed", "7"]);
    assert_ne!(other.1, first.1);
}

#[test]
fn the_company_demo_runs_on_postgres() {
    let Some(url) = pg_database("cli_company_demo") else { return };
    let o = tactful(&["company", "demo", "--distributors", "120", "--pg", &url]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    let mailbox = std::env::temp_dir().join("tactful-company-demo-pg/notices.mbox");
    demo_holds_up(&out, &url, &mailbox);
    let o = tactful(&["company", "demo", "--pg", &url]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).contains("already holds a company roster: give the demo an empty database"),
        "{}",
        text(&o)
    );
}

/// The cases of a store, as `(post, version, category, rules)`, sorted.
fn case_keys(db: &str) -> Vec<(i64, i64, String, String)> {
    let mut store = tactful_store::open(db).unwrap();
    let mut keys: Vec<(i64, i64, String, String)> = tactful_company::cases::list(
        store.people(),
        tactful_company::DEFAULT_COMPANY,
        &tactful_company::cases::Filter { limit: Some(10_000), ..Default::default() },
    )
    .unwrap()
    .cases
    .into_iter()
    .map(|c| (c.post_id, c.version, c.category, c.codes.join(",")))
    .collect();
    keys.sort();
    keys
}

fn count(db: &str, sql: &str) -> i64 {
    let mut store = tactful_store::open(db).unwrap();
    store.people().rows(sql, &[]).unwrap()[0][0].int()
}

/// A worker killed with SIGKILL in the middle of its batches loses and
/// doubles nothing: the next worker finishes the queue, and the cases are
/// exactly those of a store scanned without a fault.
fn killed_worker(faulty: &str, reference: &str, dir: &std::path::Path) {
    let company = tactful_company::demo::Company::generate(11, 2500, 1_795_000_000);
    let roster = dir.join("roster.csv");
    std::fs::write(&roster, &company.roster_csv).unwrap();
    let feed = dir.join("feed.jsonl");
    std::fs::write(&feed, company.feed()).unwrap();
    for db in [faulty, reference] {
        let (code, out) = run(db, &["company", "roster", "import", roster.to_str().unwrap()]);
        assert_eq!(code, 0, "{out}");
        let (code, out) = run(db, &["company", "ingest", feed.to_str().unwrap()]);
        assert_eq!(code, 0, "{out}");
    }
    let queued = count(faulty, "SELECT COUNT(*) FROM company_scan_queue");
    assert!(queued > 4000, "{queued}");
    let (code, out) = run(reference, &["company", "scan"]);
    assert_eq!(code, 0, "{out}");

    let mut worker = command()
        .args(["company", "worker", "--follow", "--batch", "5", "--db", faulty])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until it has written some cases and has batches left, then kill it.
    let started = std::time::Instant::now();
    loop {
        std::thread::sleep(std::time::Duration::from_millis(20));
        let left = count(faulty, "SELECT COUNT(*) FROM company_scan_queue");
        if left < queued - 200 {
            assert!(left > 0, "the worker finished before it could be killed: make the feed bigger");
            break;
        }
        assert!(started.elapsed().as_secs() < 120, "the worker made no progress");
    }
    worker.kill().unwrap(); // SIGKILL
    worker.wait().unwrap();
    let left = count(faulty, "SELECT COUNT(*) FROM company_scan_queue");
    assert!(left > 0 && left < queued, "killed mid-queue: {left} of {queued} left");

    let (code, out) = run(faulty, &["company", "scan"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(count(faulty, "SELECT COUNT(*) FROM company_scan_queue"), 0);
    let (got, want) = (case_keys(faulty), case_keys(reference));
    assert!(!want.is_empty());
    assert_eq!(got.len(), want.len(), "no case lost or doubled");
    assert_eq!(got, want);
    let (code, out) = run(faulty, &["company", "audit", "verify"]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn a_worker_killed_mid_batch_loses_and_doubles_no_case_on_sqlite() {
    let dir = scratch("company-kill");
    let (a, b) = (dir.join("faulty.db"), dir.join("reference.db"));
    killed_worker(a.to_str().unwrap(), b.to_str().unwrap(), &dir);
}

#[test]
fn a_worker_killed_mid_batch_loses_and_doubles_no_case_on_postgres() {
    let Some(a) = pg_database("cli_company_kill_faulty") else { return };
    let Some(b) = pg_database("cli_company_kill_reference") else { return };
    killed_worker(&a, &b, &scratch("company-kill-pg"));
}

/// One HTTP/1.1 request on loopback with `headers` (whole lines) and a
/// body of `content_type`: the status, the head and the body.
fn request(
    addr: &str,
    method: &str,
    path: &str,
    headers: &str,
    content_type: &str,
    body: &str,
) -> (u16, String, String) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\n{headers}Content-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    let status = raw.split(' ').nth(1).unwrap().parse().unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    (status, head.to_string(), body.to_string())
}

/// One HTTP/1.1 POST on loopback: the status and the body.
fn post(
    addr: &str,
    path: &str,
    key: Option<&str>,
    content_type: &str,
    body: &str,
) -> (u16, serde_json::Value) {
    let auth = key.map_or_else(String::new, |k| format!("Authorization: Bearer {k}\r\n"));
    let (status, head, json) = request(addr, "POST", path, &auth, content_type, body);
    (status, serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {head}\r\n\r\n{json}")))
}

/// A `tactful company serve` process, stopped when dropped (also when an
/// assertion fails half-way).
struct Served(std::process::Child);

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `tactful company serve` on a free loopback port: the process and its address.
fn serve(db: &str, more: &[&str]) -> (Served, String) {
    let mut server = command()
        .args(["company", "serve", "--listen", "127.0.0.1:0", "--db", db])
        .args(more)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(server.stdout.take().unwrap()), &mut first)
        .unwrap();
    let addr = first.split("http://").nth(1).unwrap().split(' ').next().unwrap().to_string();
    (Served(server), addr)
}

/// An integration sends its feed over HTTP with its own key; a missing,
/// wrong or revoked key is refused; posts go in as from a file.
fn ingest_api(db: &str, dir: &std::path::Path) {
    import_roster(db, dir);
    let (code, out) = run(db, &["company", "apikey", "create", "listening-tool", "--as", "officer"]);
    assert_eq!(code, 0, "{out}");
    let key = out.lines().nth(1).unwrap().trim().to_string();
    assert!(key.starts_with("tk_") && key.len() == 51, "{out}");
    let (code, out) = run(db, &["company", "apikey", "create", "listening-tool"]);
    assert_eq!(code, 2, "{out}");

    let (server, addr) = serve(db, &[]);
    let path = "/api/v1/company/ingest";

    let (status, body) = post(&addr, path, None, "application/x-ndjson", FEED);
    assert_eq!((status, body["error"]["code"].as_str()), (401, Some("unauthorized")));
    let (status, _) = post(&addr, path, Some("tk_not_a_key"), "application/x-ndjson", FEED);
    assert_eq!(status, 401);
    let (status, body) = post(&addr, path, Some(&key), "application/x-ndjson", FEED);
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (body["added"].as_u64(), body["unattributed"].as_u64(), body["skipped"].as_u64()),
        (Some(3), Some(1), Some(1))
    );
    assert!(body["problems"][0]["file"].as_str().unwrap().starts_with("api:listening-tool@"), "{body}");
    let (_, body) = post(&addr, path, Some(&key), "application/x-ndjson", FEED);
    assert_eq!(body["unchanged"].as_u64(), Some(3), "the same feed again changes nothing: {body}");
    let (status, body) = post(&addr, path, Some(&key), "text/csv", CLAIMS);
    // A1 is a post the JSONL feed had: its new text is a new version.
    assert_eq!(
        (status, body["added"].as_u64(), body["new_versions"].as_u64()),
        (200, Some(2), Some(1)),
        "{body}"
    );
    let (status, body) = post(&addr, path, Some(&key), "text/csv", "network,text\ninstagram,hello\n");
    assert_eq!((status, body["error"]["code"].as_str()), (400, Some("bad_feed")), "{body}");

    let (code, out) = run(db, &["company", "apikey", "revoke", "listening-tool"]);
    assert_eq!(code, 0, "{out}");
    let (status, _) = post(&addr, path, Some(&key), "application/x-ndjson", FEED);
    assert_eq!(status, 401, "a revoked key opens nothing");
    drop(server);

    let export = dir.join("audit.jsonl");
    run(db, &["company", "audit", "export", "--out", export.to_str().unwrap()]);
    let audit = std::fs::read_to_string(&export).unwrap();
    assert!(audit.contains("\"actor\":\"api:listening-tool\"") && audit.contains("apikey.revoke"), "{audit}");
    assert!(!audit.contains(&key[10..]), "the key is never in the log");
    let (code, out) = run(db, &["company", "audit", "verify"]);
    assert_eq!(code, 0, "{out}");
}

on_both_backends!(ingest_api: the_ingest_api_takes_a_feed_with_an_integrations_key_on_sqlite, the_ingest_api_takes_a_feed_with_an_integrations_key_on_postgres, "api");

const CLAIM: &str = "Calm Drops helped me relax and cured my insomnia in a week.";

/// The company's platform sends a distributor's draft and peer reports with
/// its key; an officer approves a draft from the command line, and the same
/// text then has nothing to fix; reports of one URL are one case, the
/// reporter's contact is never shown, and a key's reports are limited.
fn drafts_and_reports(db: &str, dir: &std::path::Path) {
    import_roster(db, dir);
    let (_, out) = run(db, &["company", "apikey", "create", "platform", "--as", "officer"]);
    let key = out.lines().nth(1).unwrap().trim().to_string();
    let (server, addr) = serve(db, &["--reports-per-hour", "3"]);
    let json = "application/json";

    let draft = serde_json::json!({ "distributor": "D1", "text": CLAIM }).to_string();
    let (status, _) = post(&addr, "/api/v1/company/drafts", None, json, &draft);
    assert_eq!(status, 401);
    let (status, body) = post(&addr, "/api/v1/company/drafts", Some(&key), json, &draft);
    assert_eq!((status, body["status"].as_str()), (201, Some("pending")), "{body}");
    assert!(!body["findings"].as_array().unwrap().is_empty(), "checked at once: {body}");
    let id = body["id"].as_i64().unwrap().to_string();
    let (status, body) =
        post(&addr, "/api/v1/company/drafts", Some(&key), json, r#"{"distributor": "D9", "text": "hi"}"#);
    assert_eq!((status, body["error"]["code"].as_str()), (400, Some("bad_draft")), "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("D9"), "{body}");

    let (code, out) = run(db, &["company", "draft", "list", "--status", "pending"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with(&format!("draft {id} · D1 · pending")) && out.contains("«"), "{out}");
    let (code, out) = run(db, &["company", "draft", "return", &id]);
    assert_eq!(code, 2, "returning needs notes: {out}");
    let (code, out) = run(db, &["company", "draft", "approve", &id, "--as", "officer"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("approved by officer"), "{out}");
    let (code, out) = run(db, &["company", "draft", "approve", &id]);
    assert_eq!(code, 2, "{out}");
    let (code, out) = run(db, &["company", "draft", "submit", "--distributor", "D2", CLAIM]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("nothing to fix"), "an approved text raises nothing: {out}");

    let report = |url: &str, contact: &str| {
        serde_json::json!({
            "url": url, "reason": "claims a cure", "text": "These drops cured my anxiety",
            "author_handle": "@bobcole", "contact": contact,
        })
        .to_string()
    };
    let path = "/api/v1/company/reports";
    let (status, first) =
        post(&addr, path, Some(&key), json, &report("https://instagram.com/p/R1", "peer@example.com"));
    assert_eq!((status, first["new_case"].as_bool()), (201, Some(true)), "{first}");
    let (status, again) = post(&addr, path, Some(&key), json, &report("https://www.instagram.com/p/R1/", ""));
    assert_eq!(
        (status, again["case"].clone(), again["reports"].as_i64()),
        (201, first["case"].clone(), Some(2))
    );
    let (status, body) = post(&addr, path, Some(&key), json, r#"{"url": "https://instagram.com/p/R2"}"#);
    assert_eq!((status, body["error"]["code"].as_str()), (400, Some("bad_report")), "{body}");
    let (status, _) = post(&addr, path, Some(&key), json, &report("https://instagram.com/p/R3", ""));
    assert_eq!(status, 201);
    let (status, body) = post(&addr, path, Some(&key), json, &report("https://instagram.com/p/R4", ""));
    assert_eq!((status, body["error"]["code"].as_str()), (429, Some("rate_limited")), "{body}");
    drop(server);

    let (code, cases) = run(db, &["company", "cases", "--json"]);
    assert_eq!(code, 0, "{cases}");
    assert_eq!(cases.lines().filter(|l| l.contains("\"peer_reports\"")).count(), 2, "{cases}");
    let export = dir.join("audit.jsonl");
    run(db, &["company", "audit", "export", "--out", export.to_str().unwrap()]);
    let audit = std::fs::read_to_string(&export).unwrap();
    for said in [&cases, &audit] {
        assert!(!said.contains("peer@example.com"), "the reporter's contact is never shown: {said}");
    }
    assert!(audit.contains("draft.approve") && audit.contains("case.peer_report"), "{audit}");
    let (code, out) = run(db, &["company", "audit", "verify"]);
    assert_eq!(code, 0, "{out}");
}

on_both_backends!(drafts_and_reports: drafts_and_peer_reports_through_the_api_on_sqlite, drafts_and_peer_reports_through_the_api_on_postgres, "drafts");

/// A distributor's own Instagram export: their posts go in as theirs;
/// the second run adds nothing; an unknown distributor is a usage error.
fn own_export(db: &str, dir: &std::path::Path) {
    import_roster(db, dir);
    let export = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tactful-import/tests/fixtures/instagram/ig_2024");
    let export = export.to_str().unwrap();
    let args = ["company", "ingest-export", "--distributor", "D2", "--format", "instagram", export];
    let (code, out) = run(db, &args);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("(instagram export of D2): 1 own posts: 1 added"), "{out}");
    let (_, again) = run(db, &args);
    assert!(again.contains("0 added, 0 new versions, 1 unchanged"), "{again}");
    let (code, out) =
        run(db, &["company", "ingest-export", "--distributor", "D9", "--format", "instagram", export]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("no distributor `D9`"), "{out}");
    let (code, out) =
        run(db, &["company", "ingest-export", "--distributor", "D2", "/nonexistent/export.zip"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("nothing was ingested"), "{out}");
    let (code, out) = run(db, &["company", "unattributed", "--json"]);
    assert_eq!((code, out.trim()), (0, ""), "the export's posts are D2's, not unattributed");
}

on_both_backends!(own_export: a_distributors_own_export_is_ingested_as_theirs_on_sqlite, a_distributors_own_export_is_ingested_as_theirs_on_postgres, "export");

/// One HTTP/1.1 request with a form body on loopback, as the console's
/// session `cookie`: the status, the head and the body.
fn form(addr: &str, method: &str, path: &str, cookie: Option<&str>, body: &str) -> (u16, String, String) {
    let cookie = cookie.map_or_else(String::new, |c| format!("Cookie: tactful_console={c}\r\n"));
    request(addr, method, path, &cookie, "application/x-www-form-urlencoded", body)
}

/// The console on `tactful company serve`: the first admin is invited from
/// the command line, sets a password through the link, logs in and sees the
/// cases; the ingest API still answers beside it.
fn console_on_serve(db: &str, dir: &std::path::Path) {
    import_roster(db, dir);
    let (code, out) = run(
        db,
        &["company", "account", "invite", "--email", "lead@example.com", "--name", "Lead", "--role", "admin"],
    );
    assert_eq!(code, 0, "{out}");
    let link = out.split("/invitation/").nth(1).map(|t| format!("/invitation/{}", t.trim())).unwrap();
    let (code, out) = run(
        db,
        &["company", "account", "invite", "--email", "x@example.com", "--name", "X", "--role", "boss"],
    );
    assert_eq!(code, 2, "a role that is none is a usage error: {out}");
    assert!(out.contains("admin, reviewer, leader, distributor"), "{out}");

    let (_server, addr) = serve(db, &["--secure-cookie"]);
    let (status, ..) = form(&addr, "POST", &link, None, "password=correct+horse+battery");
    assert_eq!(status, 303);
    let (status, head, _) =
        form(&addr, "POST", "/login", None, "email=lead%40example.com&password=correct+horse+battery");
    assert_eq!(status, 303, "{head}");
    let cookie_line = head.lines().find(|l| l.to_ascii_lowercase().starts_with("set-cookie:")).unwrap();
    assert!(
        cookie_line.contains("HttpOnly")
            && cookie_line.contains("SameSite=Strict")
            && cookie_line.contains("Secure")
    );
    let token = cookie_line.split("tactful_console=").nth(1).unwrap().split(';').next().unwrap();
    let (status, _, body) = form(&addr, "GET", "/cases", Some(token), "");
    assert_eq!(status, 200);
    assert!(body.contains("case(s) on this page"), "{body}");
    let (status, _, _) = form(&addr, "GET", "/cases", None, "");
    assert_eq!(status, 303, "no session, no cases");
    let (status, body) = post(&addr, "/api/v1/company/ingest", None, "application/x-ndjson", FEED);
    assert_eq!((status, body["error"]["code"].as_str()), (401, Some("unauthorized")));
    let (code, out) = run(db, &["company", "account", "list"]);
    assert_eq!(code, 0);
    assert!(out.contains("lead@example.com") && out.contains("active"), "{out}");
}

on_both_backends!(console_on_serve: the_console_is_served_beside_the_api_on_sqlite, the_console_is_served_beside_the_api_on_postgres, "console");

/// The pack and policy the admin saved in the console judge `company scan`
/// when no `--pack` or `--policy` is given (and it says so); files on the
/// command line still win.
#[test]
fn the_pack_saved_in_the_console_judges_the_scan() {
    const PACK: &str = include_str!("../../../examples/company/pack.toml");
    let dir = scratch("company-saved-pack");
    let db = dir.join("company.db");
    let db = db.to_str().unwrap();
    import_roster(db, &dir);
    let mut store = tactful_store::open(db).unwrap();
    tactful_console::schema::migrate(store.people()).unwrap();
    let actor = tactful_company::Actor {
        company: tactful_company::DEFAULT_COMPANY,
        who: "admin@example.com".into(),
        at: 1_795_000_000,
    };
    let saved = tactful_console::packs::save(store.people(), &actor, PACK, "").unwrap();
    assert!(saved.is_ok(), "{saved:?}");
    drop(store);
    let feed = dir.join("feed.csv");
    std::fs::write(
        &feed,
        "network,post_id,author_handle,text\ninstagram,S1,@ann_b,My night serum heals everything\n",
    )
    .unwrap();
    run(db, &["company", "ingest", feed.to_str().unwrap()]);
    let (code, out) = run(db, &["company", "scan"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("judging with the company pack and policy saved in the console"), "{out}");
    let (_, cases) = run(db, &["company", "cases", "--json"]);
    assert!(cases.contains("GLW001"), "the saved rule judged the post: {cases}");
}

//! The plan and the daily session from the command line, on a real SQLite file.

mod common;

use common::{tactful, text};

#[test]
fn the_plan_is_kept_and_the_session_counts_the_streak() {
    let (_dir, db) = common::store("coach", "store.db");
    let db = db.as_str();

    let o = tactful(&["plan", "show", "--db", db]);
    assert!(text(&o).contains("goals: none yet"), "{}", text(&o));
    let o = tactful(&[
        "plan",
        "set",
        "--db",
        db,
        "--goal",
        "10 new customers by March",
        "--networks",
        "instagram,facebook",
        "--session-minutes",
        "25",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = tactful(&["plan", "set", "--db", db, "--max-promo", "15"]);
    let out = text(&o);
    assert!(
        out.contains("goal: 10 new customers by March")
            && out.contains("instagram, facebook")
            && out.contains("25 minutes")
            && out.contains("at most 15%"),
        "only what is given changes: {out}"
    );
    assert_eq!(tactful(&["plan", "set", "--db", db, "--max-promo", "150"]).status.code(), Some(2));

    assert_eq!(tactful(&["session", "stop", "--db", db]).status.code(), Some(2), "nothing to stop yet");
    let o = tactful(&["session", "start", "--db", db]);
    assert!(text(&o).contains("25 minutes"), "{}", text(&o));
    assert!(text(&tactful(&["session", "start", "--db", db])).contains("already running"));
    let o = tactful(&["session", "status", "--db", db]);
    assert!(text(&o).contains("Streak: 1 day(s)"), "{}", text(&o));
    assert_eq!(tactful(&["session", "stop", "--db", db]).status.code(), Some(0));
}

/// `tactful today` on the demo history: the late order first, a giving action,
/// the unanswered pitches held back, then the time box.
#[test]
fn today_puts_people_waiting_first() {
    let (_dir, db) = common::demo("today");
    let db = db.as_str();
    let o = tactful(&["today", "--db", db]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    let order = [
        "1. Waiting",
        "tom.h",
        "hasn't arrived",
        "2. Give before you ask",
        "rita.gardens",
        "3. Pitches to hold back",
        "have not replied",
        "4. Today's time box",
    ];
    let mut at = 0;
    for part in order {
        let found =
            out[at..].find(part).unwrap_or_else(|| panic!("{part} missing or out of order in:\n{out}"));
        at += found;
    }
    assert!(!out.contains("how much is the glow kit"), "an answered question is not waiting: {out}");
    assert!(!out.contains("Focus:"), "no networks chosen yet: nothing to warn about");
}

/// The demo is dated relative to the clock: a year later it reads exactly as
/// on the day it was written (the late order still a day old, the same
/// pitches held back), so `tactful demo` never goes stale.
#[test]
fn the_demo_looks_the_same_a_year_later() {
    let at = |now: &str| {
        let d = common::scratch(&format!("demo-at-{}", &now[..4]));
        let db = d.join("demo.db");
        let db = db.to_str().unwrap();
        let o = common::command().env("TACTFUL_NOW", now).args(["demo", "--db", db]).output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        let o = common::command().env("TACTFUL_NOW", now).args(["today", "--db", db]).output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        common::stdout(&o)
    };
    let written = at(common::NOW);
    assert!(written.contains("hasn't arrived") && written.contains("have not replied"), "{written}");
    // 2026-11-21 to 2027-11-21 is 365 days, so every date keeps its month and day.
    assert_eq!(at("2027-11-21T09:00:00Z").replace("2027-", "2026-"), written);
}

/// The clock is set by `--now` or TACTFUL_NOW; anything else is refused by name.
#[test]
fn a_clock_that_is_not_a_date_is_refused_by_name() {
    let o = tactful(&["--now", "next tuesday", "rules", "list"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(common::stderr(&o).contains("--now `next tuesday`: expected a date"), "{}", text(&o));
    let o = common::command().env("TACTFUL_NOW", "2026-13-01").args(["rules", "list"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(common::stderr(&o).contains("TACTFUL_NOW `2026-13-01`"), "{}", text(&o));
    let o = common::command()
        .env("TACTFUL_NOW", "garbage")
        .args([
            "--now",
            "2026-01-02",
            "session",
            "status",
            "--db",
            common::scratch("clock-flag").join("s.db").to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "the flag wins over the environment: {}", text(&o));
}

/// Activity on a network the plan did not choose is named in `today`.
#[test]
fn today_warns_about_networks_outside_the_plan() {
    let (d, db) = common::store("focus", "store.db");
    let db = db.as_str();
    let file = d.join("recent.jsonl");
    let at = tactful_import::util::parse_iso(common::NOW).unwrap() - 3 * 86_400;
    let line = |network: &str, id: &str| {
        serde_json::json!({"kind": "post", "id": id, "at": at, "author": "me", "by_owner": true, "network": network, "text": "A quick tip for busy mornings"}).to_string()
    };
    std::fs::write(&file, format!("{}\n{}\n", line("instagram", "a"), line("x", "b"))).unwrap();
    assert_eq!(tactful(&["import", "--db", db, file.to_str().unwrap()]).status.code(), Some(0));
    assert_eq!(tactful(&["plan", "set", "--db", db, "--networks", "instagram"]).status.code(), Some(0));
    let out = text(&tactful(&["today", "--db", db]));
    assert!(
        out.contains("Focus: you were active on x in the last 30 days, outside your plan (instagram)"),
        "{out}"
    );
}

/// Response tracking on the demo history, checked by hand: Tom started two
/// conversations (September, answered in 40 minutes; November, waiting).
#[test]
fn responses_are_counted_as_documented() {
    let (_dir, db) = common::demo("responses");
    let db = db.as_str();
    let out = text(&tactful(&["responses", "--db", db]));
    let row = out.lines().find(|l| l.starts_with("all        all")).unwrap_or_else(|| panic!("{out}"));
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(&cells[2..], ["2", "50%", "40", "min", "40", "min"], "{row}");
    assert!(out.contains("Waiting for you: 1 conversation(s)") && out.contains("tom.h"), "{out}");
    let o = tactful(&["responses", "--db", db, "--jsonl"]);
    let first: serde_json::Value =
        serde_json::from_str(String::from_utf8_lossy(&o.stdout).lines().next().unwrap()).unwrap();
    assert!(
        first["response_rate"]["definition"].as_str().unwrap().contains("÷")
            || first["response_rate"]["definition"].as_str().unwrap().len() > 20
    );
    assert!(!first["starts"]["items"].as_array().unwrap().is_empty(), "every figure lists its records");
}

/// A store written before the derived tables (schema 3) gives the same
/// `today` once upgraded: the tables are filled on first use.
#[test]
fn today_is_the_same_on_a_store_from_before_the_derived_tables() {
    let (_dir, db) = common::demo("today-upgrade");
    let fresh = common::stdout(&tactful(&["today", "--db", &db]));
    tactful_store::testing::downgrade_sqlite_to_v3(std::path::Path::new(&db)).unwrap();
    let upgraded = common::stdout(&tactful(&["today", "--db", &db]));
    assert!(fresh.contains("hasn't arrived"), "{fresh}");
    assert_eq!(upgraded, fresh);
}

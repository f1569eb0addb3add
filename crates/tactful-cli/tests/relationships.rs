//! The relationship curve, the pitch gate and spray-and-pray detection from
//! the command line, on a real SQLite file built from a history we write.

mod common;

use common::{tactful, text};

fn line(kind: &str, id: &str, at: &str, author: &str, by_owner: bool, to: &str, txt: &str) -> String {
    serde_json::json!({"kind": kind, "id": id, "at": at, "author": author, "by_owner": by_owner, "to": to, "network": "instagram", "text": txt})
        .to_string()
}

fn history() -> String {
    let recent = "2026-11-01T10:00:00Z";
    let mut l = vec![
        // ann: only connected.
        line("connection", "c1", recent, "ann", false, "me", ""),
        // bea: we comment on each other's posts.
        line("comment", "k1", recent, "me", true, "bea", "What a beautiful garden, how long did it take?"),
        line(
            "comment",
            "k2",
            "2026-11-02T10:00:00Z",
            "bea",
            false,
            "me",
            "Love your recipe post, trying it tonight!",
        ),
        // cat: she asked about the product in a private message, and I answered.
        line(
            "message",
            "m1",
            recent,
            "cat",
            false,
            "me",
            "Hi! How much is the starter kit and how do I order?",
        ),
        line(
            "message",
            "m2",
            "2026-11-01T11:00:00Z",
            "me",
            true,
            "cat",
            "Hi Cat, happy to help, it depends on what you need, what are you looking for?",
        ),
    ];
    // The same invitation to six people within an hour: spray and pray.
    for (i, name) in ["dan", "eve", "fay", "gus", "hal", "ivy"].iter().enumerate() {
        l.push(line(
            "message",
            &format!("b{i}"),
            &format!("2026-11-03T10:{:02}:00Z", i * 5),
            "me",
            true,
            name,
            &format!("Hey {name}! I have an amazing business opportunity for you, join my team and work from home, DM me for details"),
        ));
    }
    l.join("\n") + "\n"
}

#[test]
fn stages_pitch_gate_consent_and_spray_and_pray() {
    let (_dir, db, file) = common::history("rel", &history());
    let db = db.as_str();
    let o = tactful(&["import", "--db", db, "--owner", "me", &file]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));

    // Everyone on the curve, with reasons.
    let o = tactful(&["contacts", "--db", db, "--jsonl"]);
    let rows: Vec<serde_json::Value> =
        String::from_utf8_lossy(&o.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let stage = |name: &str| {
        rows.iter().find(|r| r["name"] == name).map(|r| r["stage"].as_str().unwrap().to_string()).unwrap()
    };
    assert_eq!(stage("ann"), "connected");
    assert_eq!(stage("bea"), "engaged");
    assert_eq!(stage("cat"), "conversation");
    assert!(rows.iter().all(|r| !r["reasons"].as_array().unwrap().is_empty()), "every stage has its reasons");

    // The pitch gate: a pitch to ann (only connected) is flagged, to cat (she asked) it is not.
    let pitch = "Want to join my team? DM me for details about this business opportunity";
    let o = tactful(&["check", "--db", db, "--channel", "dm", "--to", "ann", "--format", "json", pitch]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|_| panic!("{}", text(&o)));
    let codes = common::codes(&v["drafts"][0]["findings"]);
    assert!(codes.contains(&"PIT001".to_string()), "{codes:?}");
    let f = v["drafts"][0]["findings"].as_array().unwrap().iter().find(|f| f["code"] == "PIT001").unwrap();
    assert!(f["message"].as_str().unwrap().contains("connected"), "says why: {f}");
    assert_eq!(o.status.code(), Some(1));
    let o = tactful(&["check", "--db", db, "--channel", "dm", "--to", "cat", "--format", "json", pitch]);
    assert!(!String::from_utf8_lossy(&o.stdout).contains("PIT001"), "{}", text(&o));
    // A friendly message to ann is no pitch.
    let o = tactful(&[
        "check",
        "--db",
        db,
        "--channel",
        "dm",
        "--to",
        "ann",
        "Thanks for following! Loved your garden photos.",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));

    // Once ann opts in herself (confirmed), the gate opens; after she withdraws, it closes again.
    let o = common::consent_add(
        db,
        "ann",
        "opportunity",
        "form",
        "Ann filled in the 'tell me about the business' form on 2026-11-05",
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let token = text(&o).split("tactful consent confirm ").nth(1).unwrap().trim().to_string();
    assert_eq!(tactful(&["consent", "confirm", &token, "--db", db]).status.code(), Some(0));
    let o = tactful(&["check", "--db", db, "--channel", "dm", "--to", "ann", pitch]);
    assert!(!text(&o).contains("PIT001"), "{}", text(&o));
    assert_eq!(tactful(&["consent", "withdraw", "ann", "--db", db]).status.code(), Some(0));
    let o = tactful(&["check", "--db", db, "--channel", "dm", "--to", "ann", pitch]);
    assert!(text(&o).contains("PIT001"), "a withdrawal closes the gate: {}", text(&o));

    // One person's page: stage, reasons, consent, next step, timeline.
    let o = tactful(&["contact", "bea", "--db", db]);
    let out = text(&o);
    for part in ["Stage: engaged", "Give and ask:", "Consent:", "Next:", "Timeline"] {
        assert!(out.contains(part), "missing {part}: {out}");
    }

    // The scan finds the broadcast and the unsolicited pitches in it.
    let o = tactful(&["scan", "--db", db]);
    let out = text(&o);
    assert!(out.contains("Spray and pray") && out.contains("→ 6 people"), "{out}");
    assert!(out.contains("Pitches to people who had not invited them: 6"), "{out}");
}

/// Real exports: every person gets a stage with reasons, and people we only
/// follow or who only follow us (no exchange either way) are `connected`.
#[test]
fn stages_from_the_real_export_samples() {
    let Some(root) = common::shared_exports() else { return };
    let (_dir, db) = common::store("rel-real", "store.db");
    let db = db.as_str();
    for sample in [
        "twitter/2020_ytd_lumeninferius",
        "twitter/2023_ytd_larsbrinkhoff",
        "linkedin/2021_femi",
        "facebook_instagram_waultar/objectbox/data/Facebook",
    ] {
        let o = tactful(&["import", "--db", db, root.join(sample).to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(0), "{sample}: {}", text(&o));
    }
    let o = tactful(&["contacts", "--db", db, "--jsonl"]);
    let rows: Vec<serde_json::Value> =
        String::from_utf8_lossy(&o.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(rows.len() > 200, "{} contacts", rows.len());
    for r in &rows {
        assert!(!r["reasons"].as_array().unwrap().is_empty(), "{r}");
        if r["given"] == 0 && r["received"] == 0 && r["asked"] == 0 {
            assert_eq!(r["stage"], "connected", "no exchange either way: {r}");
        }
    }
    assert!(
        rows.iter().any(|r| r["stage"] != "connected"),
        "some real exchanges move people along the curve"
    );
}

/// The README's first command: the tour runs end to end on a fresh SQLite file.
#[test]
fn the_demo_tour_runs() {
    let (_dir, db) = common::store("demo-tour", "demo.db");
    let o = tactful(&["demo", "--db", &db]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    for part in [
        "22 new",
        "delete or edit",
        "INC001",
        "HLT001",
        "Spray and pray",
        "engaged",
        "conversation",
        "PIT001",
        "posts by kind",
    ] {
        assert!(out.contains(part), "missing {part}: {out}");
    }
    // Running it again starts from a fresh store: the same picture.
    let again = text(&tactful(&["demo", "--db", &db]));
    assert!(again.contains("22 new, 0 already there"), "{again}");
}

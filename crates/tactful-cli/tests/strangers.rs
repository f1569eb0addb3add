//! Whom a message is for, as a seller types it: a contact's exact name or
//! handle, `@handle`, a profile link, `#id`; someone not in the history is
//! checked as a stranger (the cold pitch the product exists for); a name that
//! fits several contacts, or only part of one, is asked about and never
//! guessed.

mod common;

use common::{scratch, stdout, tactful, tactful_in, text};
use serde_json::Value;

const PITCH: &str = "Want to join my team? DM me for details about this business opportunity";

/// The demo store (nora.k, oli.b and tom.h among its contacts).
fn demo(name: &str) -> String {
    let db = scratch(name).join("demo.db");
    let db = db.to_str().unwrap().to_string();
    let o = tactful(&["demo", "--db", &db]);
    assert!(o.status.success(), "{}", text(&o));
    db
}

/// `check --format json --to WHO` on the pitch: the draft's JSON.
fn pitch_to(db: &str, who: &str, more: &[&str]) -> (Option<i32>, Value, String) {
    let mut args = vec!["check", "--db", db, "--channel", "dm", "--format", "json", "--to", who];
    args.extend_from_slice(more);
    args.push(PITCH);
    let o = tactful(&args);
    let v = serde_json::from_slice::<Value>(&o.stdout).map_or(Value::Null, |v| v["drafts"][0].clone());
    (o.status.code(), v, text(&o))
}

fn gate_message(draft: &Value) -> Option<String> {
    draft["findings"].as_array()?.iter().find(|f| f["code"] == "PIT001").map(|f| f["message"].to_string())
}

#[test]
fn every_way_of_writing_a_contact_finds_the_same_contact() {
    let db = demo("strangers-same");
    for who in ["nora.k", "NORA.K", "@nora.k", "https://www.instagram.com/nora.k/", "instagram.com/nora.k"] {
        let (code, draft, all) = pitch_to(&db, who, &[]);
        assert_eq!(code, Some(1), "{who}: {all}");
        assert_eq!(draft["recipient"]["name"], "nora.k", "{who}: {all}");
        assert_eq!(draft["recipient"]["stranger"], false, "{who}: {all}");
        let gate = gate_message(&draft).unwrap_or_else(|| panic!("{who}: no pitch gate: {all}"));
        assert!(gate.contains("connected"), "{who}: says her stage: {gate}");
    }
}

#[test]
fn someone_not_in_the_history_is_checked_as_a_stranger() {
    let db = demo("strangers-new");
    let (code, draft, all) = pitch_to(&db, "@jules.newcomer", &[]);
    assert_eq!(code, Some(1), "{all}");
    assert_eq!(draft["recipient"]["stranger"], true, "{all}");
    assert_eq!(draft["recipient"]["name"], "jules.newcomer", "the @ is not part of the handle: {all}");
    let gate = gate_message(&draft).unwrap_or_else(|| panic!("a cold pitch to a stranger is flagged: {all}"));
    assert!(gate.contains("not in your history") && gate.contains("stranger"), "{gate}");
    // A friendly first message to a stranger is no pitch.
    let o = tactful(&[
        "check",
        "--db",
        &db,
        "--channel",
        "dm",
        "--to",
        "jules.newcomer",
        "Hi Jules, loved your photos from the coast walk! Where was the second one taken?",
    ]);
    let out = stdout(&o);
    assert!(out.contains("not in your history"), "the human output says whom it checked for: {out}");
    assert!(!out.contains("PIT001"), "{out}");
}

#[test]
fn a_partial_or_shared_name_is_asked_about_never_guessed() {
    let db = demo("strangers-ask");
    // "nora" is only part of nora.k's handle: tactful asks instead of picking her.
    let (code, draft, all) = pitch_to(&db, "nora", &[]);
    assert_eq!(code, Some(2), "{all}");
    assert_eq!(draft, Value::Null, "nothing checked for a guessed person: {all}");
    assert!(all.contains("no contact is called `nora`") && all.contains("nora.k"), "{all}");
    assert!(all.contains("--stranger"), "says how to mean someone new: {all}");
    // Several contain "o": every one of them is listed with its id.
    let (code, _, all) = pitch_to(&db, "o", &[]);
    assert_eq!(code, Some(2), "{all}");
    for name in ["nora.k", "oli.b", "tom.h"] {
        assert!(all.contains(name), "{name} is offered: {all}");
    }
    // The seller says it is someone new: checked as a stranger.
    let (code, draft, all) = pitch_to(&db, "nora", &["--stranger"]);
    assert_eq!(code, Some(1), "{all}");
    assert_eq!(draft["recipient"]["stranger"], true, "{all}");
    // An id that is nobody's is an error, not a stranger.
    let (code, _, all) = pitch_to(&db, "#999", &[]);
    assert_eq!(code, Some(2), "{all}");
    assert!(all.contains("no contact #999"), "{all}");
    // A post's link is nobody's name, even with --stranger.
    for more in [&[][..], &["--stranger"][..]] {
        let (code, draft, all) = pitch_to(&db, "https://www.instagram.com/p/C0ffee123/", more);
        assert_eq!((code, &draft), (Some(2), &Value::Null), "{all}");
        assert!(all.contains("a link to a post or a page, not to a person's profile"), "{all}");
    }
}

#[test]
fn each_jsonl_line_is_checked_for_its_own_person() {
    let db = demo("strangers-jsonl");
    let lines = [
        serde_json::json!({"text": PITCH, "channel": "dm", "to": "@nora.k"}),
        serde_json::json!({"text": PITCH, "channel": "dm", "to": "jules.newcomer"}),
        serde_json::json!({"text": PITCH, "channel": "dm"}),
        serde_json::json!({"text": PITCH, "channel": "dm", "to": "o"}),
        serde_json::json!({"text": PITCH, "channel": "dm", "to": "nora", "stranger": true}),
    ];
    let input: String = lines.iter().map(|l| l.to_string() + "\n").collect();
    let o = tactful_in(&["check", "--db", &db, "--format", "jsonl"], Some(input.as_bytes()));
    assert_eq!(o.status.code(), Some(2), "one line names several people: {}", text(&o));
    let out: Vec<Value> = stdout(&o).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(out.len(), 4, "the ambiguous line is skipped, the rest checked: {}", text(&o));
    assert_eq!(out[0]["recipient"]["name"], "nora.k");
    assert!(gate_message(&out[0]).is_some_and(|m| m.contains("connected")), "{}", out[0]);
    assert_eq!(out[1]["recipient"]["stranger"], true);
    assert!(gate_message(&out[1]).is_some_and(|m| m.contains("stranger")), "{}", out[1]);
    assert!(
        out[2].get("recipient").is_none() && gate_message(&out[2]).is_none(),
        "no `to`, no gate: {}",
        out[2]
    );
    assert_eq!(out[3]["recipient"]["stranger"], true, "{}", out[3]);
    let err = common::stderr(&o);
    assert!(err.contains(":4:") && err.contains("field `to`") && err.contains("oli.b"), "{err}");
}

//! The consent ledger from the command line, on a real SQLite file: being
//! connected is refused as an opt-in, the person's own words are required,
//! double opt-in, export, and a withdrawal that empties every export.

mod common;

use common::{tactful, text};

const HISTORY: &str = r#"{"kind": "message", "text": "I'll add you to my newsletter ok?", "at": "2024-03-01T10:00:00Z", "author": "me", "by_owner": true, "to": "ann", "network": "instagram", "id": "m1"}
{"kind": "message", "text": "Yes please, add me to your newsletter!", "at": "2024-03-01T11:00:00Z", "author": "ann", "by_owner": false, "to": "me", "network": "instagram", "id": "m2"}
{"kind": "connection", "text": "", "at": "2024-02-01T11:00:00Z", "author": "bob", "by_owner": false, "to": "me", "network": "instagram", "id": "f1"}
"#;

fn item_id(db: &str, text: &str) -> String {
    let o = tactful(&["history", "--db", db, "--text", text, "--jsonl"]);
    let v: serde_json::Value =
        serde_json::from_str(String::from_utf8_lossy(&o.stdout).lines().next().expect("item")).unwrap();
    v["id"].to_string()
}

#[test]
fn an_opt_in_is_theirs_confirmed_and_withdrawable() {
    let (_dir, db, file) = common::history("consent", HISTORY);
    let db = db.as_str();
    assert_eq!(tactful(&["import", "--db", db, &file]).status.code(), Some(0));

    // Following you is not an opt-in.
    let o = common::consent_add(db, "bob", "newsletter", "connection", "he follows me on instagram", None);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("not an opt-in"), "{}", text(&o));

    // Ann's opt-in to the newsletter, with the message that says so.
    let ann_in = |message: &str, evidence: &str| {
        common::consent_add(db, "ann", "newsletter", "message", evidence, Some(&item_id(db, message)))
    };
    // Your own words are not their opt-in.
    let o = ann_in("I'll add you", "I offered and she said ok");
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("written by you"), "{}", text(&o));

    // Her own message is.
    let o = ann_in("Yes please", "Ann asked: yes please, add me");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let out = text(&o);
    let token = out.split("tactful consent confirm ").nth(1).unwrap().trim().to_string();

    let export = |db: &str| {
        String::from_utf8_lossy(
            &tactful(&["consent", "export", "--db", db, "--purpose", "newsletter"]).stdout,
        )
        .into_owned()
    };
    assert_eq!(export(db).lines().count(), 1, "pending opt-ins are not exported: {}", export(db));
    assert_eq!(tactful(&["consent", "confirm", &token, "--db", db]).status.code(), Some(0));
    let csv = export(db);
    assert_eq!(csv.lines().count(), 2, "{csv}");
    assert!(csv.contains("\"ann\""), "{csv}");
    assert_eq!(
        String::from_utf8_lossy(
            &tactful(&["consent", "export", "--db", db, "--purpose", "opportunity"]).stdout
        )
        .lines()
        .count(),
        1
    );

    let o = tactful(&["consent", "withdraw", "ann", "--db", db]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(export(db).lines().count(), 1, "a withdrawal empties the export: {}", export(db));
}

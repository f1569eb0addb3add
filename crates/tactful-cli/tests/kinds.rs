//! The classifier rules (KND001, KND002) as a user meets them in `tactful
//! check` (every format), `tactful eval --heads`, and the message labels of
//! `tactful scan`.

mod common;

use common::{stderr, stdout, tactful_in as tactful};

const PROMO: &str = "NEW ARRIVALS just dropped! Shop the spring collection today and get 20% off everything, free shipping on all orders over $50. Limited stock, order now!";
const PERSONAL: &str =
    "Made pancakes with the kids this morning, total mess but so worth it. Happy Sunday everyone!";

fn codes_json(text: &str) -> Vec<String> {
    let o = tactful(&["check", "--format", "json", text], None);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|_| panic!("{}", stderr(&o)));
    common::codes(&v["drafts"][0]["findings"])
}

#[test]
fn a_promotional_post_without_disclosure_is_flagged_in_every_format_and_with_ad_it_is_not() {
    assert!(codes_json(PROMO).contains(&"KND001".to_string()));
    assert!(!codes_json(&format!("#ad {PROMO}")).contains(&"KND001".to_string()));
    assert!(codes_json(PERSONAL).is_empty(), "a personal post gets nothing");

    let o = tactful(&["check", PROMO], None);
    assert!(stdout(&o).contains("KND001") && stdout(&o).contains("% sure"), "{}", stdout(&o));

    let lines = format!(
        "{}\n{}\n{}\n",
        serde_json::json!({"text": PROMO}),
        serde_json::json!({"text": PROMO, "channel": "dm"}),
        serde_json::json!({"text": PROMO, "ignore": ["KND001"]}),
    );
    let o = tactful(&["check", "--format", "jsonl"], Some(lines.as_bytes()));
    let rows: Vec<serde_json::Value> = stdout(&o).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let has = |r: &serde_json::Value| r["findings"].as_array().unwrap().iter().any(|f| f["code"] == "KND001");
    assert!(has(&rows[0]), "post: {}", rows[0]);
    assert!(!has(&rows[1]), "a DM is not a post: {}", rows[1]);
    assert!(!has(&rows[2]), "ignored: {}", rows[2]);

    let o = tactful(&["check", "--ignore", "KND001", PROMO], None);
    assert!(!stdout(&o).contains("KND001"), "{}", stdout(&o));
}

#[test]
fn the_kinds_rules_are_listed_explained_and_their_examples_pass() {
    let o = tactful(&["rules", "explain", "KND002"], None);
    assert!(
        stdout(&o).contains("off-topic") && stdout(&o).contains("Flagged, for example"),
        "{}",
        stdout(&o)
    );
    let o = tactful(&["rules", "test"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[test]
fn eval_prints_the_heads_beside_their_baselines() {
    let heads = common::file(
        "kinds",
        "heads.jsonl",
        format!(
            "{}\n{}\n",
            serde_json::json!({"head": "spam", "source": "mini", "label": "spam", "text": "WINNER!! You have won a cash prize. To claim call 09061701461 now"}),
            serde_json::json!({"head": "spam", "source": "mini", "label": "not-spam", "text": "Are you coming to dinner tonight?"}),
        )
        .as_bytes(),
    );
    let ok = common::file(
        "kinds",
        "ok.jsonl",
        format!("{}\n", serde_json::json!({"text": PERSONAL, "label": "ok"})).as_bytes(),
    );
    let o = tactful(&["eval", &ok, "--heads", &heads], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("texts labeled ok: 1") && out.contains("KND001 (classifier) on ok texts: 0"),
        "{out}"
    );
    assert!(out.contains("== spam") && out.contains("keywords P R F1") && out.contains("major.F1"), "{out}");
    // The heads alone, without rule files.
    let o = tactful(&["eval", "--heads", &heads], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("mini"), "{}", stdout(&o));
}

#[test]
fn scan_labels_messages_as_customer_requests_and_spam() {
    let d = common::scratch("kinds-scan");
    let line = |id: &str, author: &str, by_owner: bool, to: &str, txt: &str| {
        serde_json::json!({"kind": "message", "id": id, "at": "2026-11-01T10:00:00Z", "author": author, "by_owner": by_owner, "to": to, "network": "instagram", "text": txt})
            .to_string()
    };
    let history = [
        line("m1", "cat", false, "me", "Hi, my order still hasn't arrived after three weeks and nobody answers my emails. Can you help?"),
        line("m2", "me", true, "cat", "WINNER!! I made $5,000 my first month! You have won a FREE cash prize, to claim call 09061701461 now, txt WIN to 80086"),
        line("m3", "me", true, "dan", "See you at dinner tonight!"),
        // A plain question about the offer: the classifier (trained on
        // complaints) scores it low, but the Inbox lists it, so the scan counts it.
        line("m4", "eve", false, "me", "Hi! How much does the lavender candle cost?"),
        line("m5", "dan", false, "me", "Loved dinner, thanks again"),
    ]
    .join("\n");
    let file = d.join("history.jsonl");
    std::fs::write(&file, history + "\n").unwrap();
    let db = d.join("store.db");
    let db = db.to_str().unwrap();
    let o = tactful(&["import", "--db", db, "--owner", "me", file.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));

    let o = tactful(&["scan", "--db", db], None);
    let out = stdout(&o);
    assert!(out.contains("you sent 2, 1 of them read as spam; you received 3, 2 customer requests"), "{out}");

    let o = tactful(&["scan", "--db", db, "--jsonl", "--min-severity", "info"], None);
    let rows: Vec<serde_json::Value> = stdout(&o).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let spam = rows
        .iter()
        .find(|r| r["text"].as_str().unwrap().starts_with("WINNER"))
        .expect("the spam message has an income finding");
    assert_eq!(spam["spam"]["label"], "spam", "{spam}");
    assert!(spam["customer_request"]["score"].is_number(), "{spam}");
}

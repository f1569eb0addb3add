//! `tactful classify` and `tactful eval-heads` as a user meets them: labels
//! and scores on the way out, bad lines named by file and line, exit codes.

mod common;

use common::{stderr, stdout, tactful_in as tactful};

fn tmp(name: &str, bytes: &[u8]) -> String {
    common::file("classify", name, bytes)
}

const SPAM: &str = "WINNER!! You have won a cash prize. To claim call 09061701461 now";
const CHAT: &str = "Are you coming to dinner tonight? Mum is making lasagne";

#[test]
fn jsonl_round_trip_keeps_every_field_and_adds_label_and_score() {
    let input = format!(
        "{}\n\n{}\n",
        serde_json::json!({"id": "a1", "text": SPAM, "meta": {"from": "sms"}}),
        serde_json::json!({"id": "a2", "text": CHAT})
    );
    let o = tactful(&["classify", "--head", "spam", "--format", "jsonl"], Some(input.as_bytes()));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let lines: Vec<serde_json::Value> =
        stdout(&o).lines().map(|l| serde_json::from_str(l).expect("JSON line")).collect();
    assert_eq!(lines.len(), 2, "blank lines are skipped, not echoed");
    assert_eq!(lines[0]["id"], "a1");
    assert_eq!(lines[0]["meta"]["from"], "sms");
    assert_eq!(lines[0]["text"], SPAM);
    assert_eq!(lines[0]["label"], "spam");
    assert_eq!(lines[1]["label"], "not-spam");
    let (hi, lo) = (lines[0]["score"].as_f64().unwrap(), lines[1]["score"].as_f64().unwrap());
    assert!(hi > 0.5 && lo < 0.5 && (0.0..=1.0).contains(&hi) && (0.0..=1.0).contains(&lo), "{hi} {lo}");
    // Keys keep their order: the input's first, then label and score.
    let keys: Vec<&String> = lines[0].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["id", "text", "meta", "label", "score"]);
}

#[test]
fn content_kind_gives_the_winning_class_and_its_probability() {
    let line =
        serde_json::json!({"text": "Shop our new summer collection! 30% off all dresses this weekend only."})
            .to_string();
    let o = tactful(&["classify", "--head", "content-kind", "--format", "jsonl"], Some(line.as_bytes()));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(v["label"], "promotional");
    assert!(v["score"].as_f64().unwrap() > 0.25, "the winner of four classes beats a uniform guess: {v}");
}

#[test]
fn bad_lines_are_named_by_file_and_line_and_the_rest_is_still_classified() {
    let path = tmp(
        "mixed.jsonl",
        format!("{{\"text\": \"{CHAT}\"}}\nnot json\n{{\"text\": 5}}\n{{\"id\": 1}}\n[1,2]\n").as_bytes(),
    );
    let o = tactful(&["classify", "--head", "spam", "--format", "jsonl", &path], None);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stdout(&o).lines().count(), 1, "the good line is still classified");
    let err = stderr(&o);
    for needle in [
        ":2: not valid JSON",
        ":3: field `text`: expected a string",
        ":4: missing field `text`",
        ":5: expected a JSON object",
        "4 line(s) skipped",
    ] {
        assert!(err.contains(needle), "missing {needle:?} in:\n{err}");
    }
    assert!(err.contains("mixed.jsonl:2:"), "{err}");
}

#[test]
fn invalid_utf8_is_reported_with_its_line() {
    let path = tmp("latin1.jsonl", b"{\"text\": \"ok\"}\n{\"text\": \"caf\xe9\"}\n");
    let o = tactful(&["classify", "--head", "spam", "--format", "jsonl", &path], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("latin1.jsonl:2: invalid UTF-8"), "{}", stderr(&o));
}

#[test]
fn human_form_names_each_text_and_its_label() {
    let file = tmp("draft.txt", SPAM.as_bytes());
    let o = tactful(&["classify", "--head", "spam", &file, "--text", CHAT], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("text1: not-spam"), "{out}");
    assert!(out.contains("draft.txt: spam (p(spam) = "), "{out}");
    let o = tactful(
        &["classify", "--head", "customer-request"],
        Some(b"@AcmeSupport my order never arrived and nobody answers, I want a refund"),
    );
    assert!(stdout(&o).starts_with("stdin: request"), "{}", stdout(&o));
}

#[test]
fn the_threshold_changes_the_label_but_not_the_score() {
    let line = serde_json::json!({"text": CHAT}).to_string();
    let run = |t: &str| {
        let o = tactful(
            &["classify", "--head", "spam", "--format", "jsonl", "--threshold", t],
            Some(line.as_bytes()),
        );
        serde_json::from_str::<serde_json::Value>(stdout(&o).trim()).unwrap()
    };
    let (zero, one) = (run("0"), run("1"));
    assert_eq!(zero["label"], "spam", "threshold 0 makes everything positive");
    assert_eq!(one["label"], "not-spam");
    assert_eq!(zero["score"], one["score"]);
    let o = tactful(&["classify", "--head", "content-kind", "--threshold", "1", "--text", "hello"], None);
    assert!(stdout(&o).contains("uncertain"), "{}", stdout(&o));
}

#[test]
fn usage_errors_exit_2_with_a_reason() {
    let o = tactful(&["classify", "--head", "sentiment", "--text", "x"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("expected one of content-kind, customer-request, spam"), "{}", stderr(&o));
    let o = tactful(&["classify", "--head", "spam", "--threshold", "1.5", "--text", "x"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("expected a probability from 0 to 1"), "{}", stderr(&o));
    let o = tactful(&["classify", "--head", "spam", "--format", "jsonl"], Some(b"\n\n"));
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("the input is empty"), "{}", stderr(&o));
    let o = tactful(&["classify", "--head", "spam", "--format", "jsonl", "/no/such/file.jsonl"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("/no/such/file.jsonl: cannot read the file"), "{}", stderr(&o));
}

#[test]
fn eval_heads_reports_model_and_baselines_per_head_and_source() {
    let mut lines = String::new();
    for (text, label) in [
        (SPAM, "spam"),
        ("Free entry in a weekly competition, text WIN to 87121", "spam"),
        (CHAT, "not-spam"),
        ("ok see you later", "not-spam"),
    ] {
        lines.push_str(
            &serde_json::json!({"head": "spam", "source": "mini", "label": label, "text": text}).to_string(),
        );
        lines.push('\n');
    }
    lines.push_str(&serde_json::json!({"head": "customer-request", "label": "request", "text": "@acme where is my order?"}).to_string());
    lines.push('\n');
    let path = tmp("heads.jsonl", lines.as_bytes());
    let o = tactful(&["eval-heads", &path], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("== spam") && out.contains("== customer-request"), "{out}");
    assert!(
        out.contains("model P R F1") && out.contains("keywords P R F1") && out.contains("major.F1"),
        "{out}"
    );
    let mini = out.lines().find(|l| l.starts_with("mini")).expect("a row for source mini");
    assert!(mini.contains("1.000 1.000 1.000"), "the model gets the four obvious texts right: {mini}");
    // Beside the F1 of `spam`, the macro-F1 of both classes (all right: 1).
    assert!(out.contains("model macro-F1"), "{out}");
    assert!(mini.trim_end().ends_with("1.000"), "{mini}");
    let o = tactful(&["eval-heads", "--head", "spam", &path], None);
    assert!(!stdout(&o).contains("customer-request"), "{}", stdout(&o));
}

#[test]
fn eval_heads_rejects_unknown_labels_with_file_and_line() {
    let path = tmp("badlabel.jsonl", b"{\"head\":\"spam\",\"label\":\"spam\",\"text\":\"x\"}\n{\"head\":\"spam\",\"label\":\"ham\",\"text\":\"y\"}\n");
    let o = tactful(&["eval-heads", &path], None);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains(
            "badlabel.jsonl:2: field `label`: `ham` is not a class of spam (expected one of not-spam, spam)"
        ),
        "{err}"
    );
}

#[test]
fn a_line_can_say_where_it_was_written_and_a_wrong_channel_is_named() {
    let promo = "watch my new video and subscribe";
    let input = [
        serde_json::json!({"text": promo, "channel": "comment"}),
        serde_json::json!({"text": promo, "channel": "post"}),
        serde_json::json!({"text": promo}),
        serde_json::json!({"text": promo, "channel": "tv"}),
    ]
    .map(|v| v.to_string())
    .join("\n");
    // --channel is the default for lines without their own.
    let o = tactful(
        &["classify", "--head", "spam", "--format", "jsonl", "--channel", "post"],
        Some(input.as_bytes()),
    );
    assert_eq!(o.status.code(), Some(2), "a bad line makes the run exit 2");
    assert!(
        stderr(&o).contains(
            "stdin:4: field `channel`: unknown channel `tv`: expected post, comment or message (or dm)"
        ),
        "{}",
        stderr(&o)
    );
    let scores: Vec<f64> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["score"].as_f64().unwrap())
        .collect();
    assert_eq!(scores.len(), 3);
    assert!(scores[0] > scores[1], "self-promotion reads as more spammy under a video: {scores:?}");
    assert!((scores[1] - scores[2]).abs() < 1e-9, "--channel post applies to a line without a channel");
}

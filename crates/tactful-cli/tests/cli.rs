//! The `tactful` binary as a user meets it: exit codes, messages that name
//! the file and position, and the stable output shapes.

mod common;

use common::{stderr, stdout, tactful_in as tactful};

fn tmp(name: &str, bytes: &[u8]) -> String {
    common::file("check", name, bytes)
}

const CLAIM: &str = "I quit my job last spring and now I make $5,000 a month with this business!";

#[test]
fn an_income_claim_fails_the_check_with_exit_1_and_is_underlined() {
    let o = tactful(&["check", CLAIM], None);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("error[INC"), "{out}");
    assert!(out.contains("^^^"), "{out}");
    assert!(out.contains("why:") && out.contains("try:") && out.contains("see: http"), "{out}");
}

#[test]
fn a_friendly_post_passes_with_exit_0() {
    let o = tactful(&["check", "Had a lovely walk by the lake with the kids this morning."], None);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("No findings"));
}

#[test]
fn fail_on_never_always_exits_0_and_stdin_is_read() {
    let o = tactful(&["check", "--fail-on", "never"], Some(CLAIM.as_bytes()));
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("stdin:1:"), "{}", stdout(&o));
}

#[test]
fn json_output_has_the_documented_fields_with_byte_offsets() {
    let o = tactful(&["check", "--format", "json", CLAIM], None);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    assert_eq!(v["schema"], "tactful.check/1");
    let f = &v["drafts"][0]["findings"][0];
    for key in [
        "code",
        "category",
        "severity",
        "start",
        "end",
        "line",
        "column",
        "excerpt",
        "message",
        "hint",
        "explanation",
        "references",
    ] {
        assert!(!f[key].is_null(), "missing {key} in {f}");
    }
    let (s, e) = (f["start"].as_u64().unwrap() as usize, f["end"].as_u64().unwrap() as usize);
    assert_eq!(&CLAIM[s..e], f["excerpt"].as_str().unwrap());
    assert!(v["summary"]["error"].as_u64().unwrap() >= 1);
}

#[test]
fn jsonl_adds_findings_and_keeps_every_other_field() {
    let input = format!(
        "{}\n{}\n",
        serde_json::json!({"id": "p1", "text": CLAIM, "extra": {"k": 1}}),
        serde_json::json!({"id": "p2", "text": "See you at the picnic on Sunday!", "channel": "comment"})
    );
    let o = tactful(&["check", "--format", "jsonl"], Some(input.as_bytes()));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let lines: Vec<serde_json::Value> =
        stdout(&o).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["id"], "p1");
    assert_eq!(lines[0]["extra"]["k"], 1);
    let f = &lines[0]["findings"][0];
    let (s, e) = (f["start"].as_u64().unwrap() as usize, f["end"].as_u64().unwrap() as usize);
    assert!(s < e && e <= CLAIM.len());
    assert_eq!(lines[1]["findings"], serde_json::json!([]));
    assert_eq!(lines[1]["channel"], "comment");
}

#[test]
fn jsonl_names_the_line_of_a_bad_record_and_still_checks_the_rest() {
    let input = format!("{}\nnot json\n{{\"txt\": \"x\"}}\n", serde_json::json!({"text": "hello"}));
    let o = tactful(&["check", "--format", "jsonl"], Some(input.as_bytes()));
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("stdin:2: not valid JSON"), "{err}");
    assert!(err.contains("stdin:3: missing field `text`"), "{err}");
    assert_eq!(stdout(&o).lines().count(), 1);
}

#[test]
fn invalid_utf8_is_refused_with_its_byte_and_line() {
    let path = tmp("bad.txt", b"fine line\nbad \xff byte");
    let o = tactful(&["check", "--file", &path], None);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("invalid UTF-8 at byte 14 (line 2)"), "{err}");
    assert!(err.contains("bad.txt"), "{err}");
}

#[test]
fn empty_input_and_unreadable_file_exit_2_with_a_message() {
    let o = tactful(&["check"], Some(b"  \n"));
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("the input is empty"), "{}", stderr(&o));
    let o = tactful(&["check", "--file", "/nonexistent/draft.txt"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("/nonexistent/draft.txt: cannot read the file"), "{}", stderr(&o));
}

#[test]
fn a_malformed_pack_names_file_line_and_field() {
    let pack = "[pack]\nname = \"acme\"\n\n[[rule]]\ncode = \"ACME001\"\nname = \"x\"\ncategory = \"sales\"\nseverity = \"error\"\nmessage = \"m\"\nexplanation = \"e\"\nhint = \"h\"\nreferences = [\"https://example.org\"]\nphrases = [\"x\"]\n";
    let path = tmp("acme.toml", pack.as_bytes());
    let o = tactful(&["check", "--pack", &path, "hello"], None);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("acme.toml:7: rule ACME001: field `category`"), "{err}");
    assert!(err.contains("expected one of income"), "{err}");
}

const ACME: &str = r#"[pack]
name = "acme"
disable = ["SPM001"]

[lists]
acme_products = ["glow serum"]

[[rule]]
code = "ACME001"
name = "product-heals"
category = "health"
severity = "error"
message = "Do not say Glow Serum heals skin conditions."
explanation = "Acme's policy: our serums are cosmetics, and saying they heal a condition makes them drugs in the eyes of the FDA."
hint = "Talk about how your skin feels and looks."
references = ["https://www.fda.gov/"]
phrases = ["@acme_products"]
near = { phrases = ["heal*", "cure*"], within = 5 }
flag = ["Glow Serum healed my eczema", "my glow serum cures everything"]
pass = ["Glow Serum smells lovely", "I love my glow serum"]
"#;

#[test]
fn a_company_pack_adds_rules_and_switches_built_ins_off() {
    let path = tmp("acme-ok.toml", ACME.as_bytes());
    let o =
        tactful(&["check", "--pack", &path, "--format", "json", "Glow Serum healed my skin overnight"], None);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let codes = common::codes(&v["drafts"][0]["findings"]);
    assert!(codes.contains(&"ACME001".to_string()), "{codes:?}");
    let o = tactful(&["rules", "list", "--pack", &path], None);
    let listed = stdout(&o);
    assert!(listed.lines().any(|l| l.starts_with("SPM001") && l.ends_with("(off)")), "{listed}");
    let o = tactful(&["rules", "test", &path], None);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("4 passed, 0 failed"), "{}", stdout(&o));
}

#[test]
fn rules_test_reports_each_failing_example() {
    let broken = ACME.replace("\"Glow Serum smells lovely\"", "\"Glow Serum heals all\"");
    let path = tmp("acme-broken.toml", broken.as_bytes());
    let o = tactful(&["rules", "test", &path], None);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains("FAIL ACME001")
            && out.contains("should not flag")
            && out.contains("Glow Serum heals all"),
        "{out}"
    );
    assert!(out.contains("3 passed, 1 failed"), "{out}");
}

#[test]
fn rules_explain_shows_the_whole_story_of_a_rule() {
    let o = tactful(&["rules", "explain", "inc001"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    for part in [
        "INC001",
        "Why it matters:",
        "Say it better:",
        "Guidance:",
        "http",
        "Flagged, for example:",
        "Fine, for example:",
    ] {
        assert!(out.contains(part), "missing {part} in {out}");
    }
    let o = tactful(&["rules", "explain", "NOPE999"], None);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn a_ten_megabyte_draft_is_checked() {
    let mut big = String::new();
    while big.len() < 10 * 1024 * 1024 {
        big.push_str(
            "Loving these oils! I made $500 a week and quit my job. Message me 💰 #financialfreedom\n",
        );
    }
    let path = tmp("big.txt", big.as_bytes());
    let o = tactful(&["check", "--format", "json", "--file", &path], None);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["summary"]["error"].as_u64().unwrap() > 1000);
}

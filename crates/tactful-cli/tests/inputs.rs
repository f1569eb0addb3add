//! What the user's own text does to the terminal and to the readers: a long
//! line prints a window, not itself per finding; one draft prints at most 50
//! findings; control characters are never echoed raw; a byte-order mark at
//! the start of a file is not part of its first line.

mod common;

use common::{stderr, stdout, tactful_in as tactful};

const CLAIM: &str = "I quit my job last spring and now I make $5,000 a month with this business!";

fn file(name: &str, bytes: &[u8]) -> String {
    common::file("inputs", name, bytes)
}

#[test]
fn a_finding_on_a_long_line_prints_a_window_of_it_not_the_line() {
    // One 500 KB line used to be printed whole for every finding on it.
    let line = format!("{} {CLAIM} {}", "a".repeat(250_000), "b".repeat(250_000));
    let path = file("long-line.txt", line.as_bytes());
    let o = tactful(&["check", "--file", &path], None);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.len() < 20_000, "{} bytes printed", out.len());
    // The earnings claim: 80 characters each side of the span, cut with `…`.
    let block = out.split("\n\n").find(|b| b.starts_with("error[INC001]")).expect("the claim is found");
    let source = block.lines().find(|l| l.starts_with("1 | ")).unwrap();
    // The span is `make $5,000`.
    let at = line.find("make $5,000").unwrap();
    let end = at + "make $5,000".len();
    assert_eq!(source, format!("1 | …{}…", &line[at - 80..end + 80]));
    // The underline still sits under the span: after the `…` and the 80 characters before it.
    let caret = block.lines().find(|l| l.contains('^')).unwrap();
    assert_eq!(caret.find('^').unwrap() - "  | ".len(), 81, "{caret}");
    assert_eq!(caret.matches('^').count(), "make $5,000".len(), "{caret}");
}

#[test]
fn one_draft_prints_at_most_50_findings() {
    let draft = format!("{CLAIM}\n").repeat(120);
    let path = file("many.txt", draft.as_bytes());
    let o = tactful(&["check", "--file", &path], None);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert_eq!(out.matches("  --> ").count(), 50, "{out}");
    assert!(out.contains("… and more findings in "), "{out}");
    assert!(out.contains("use --format json to see them"), "{out}");
    // The summary still counts them all.
    let summary = out.lines().last().unwrap();
    let errors: usize = summary.split(' ').next().unwrap().parse().unwrap();
    assert!(errors >= 120, "{summary}");
}

#[test]
fn a_rule_that_fires_twice_in_a_draft_is_explained_once() {
    // The same quit-my-job story twice in one draft: both are underlined,
    // the why, the try and the guidance links come once.
    let draft = format!("{CLAIM}\nAnd my sister? {CLAIM}");
    let o = tactful(&["check", &draft], None);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    let blocks: Vec<&str> = out.split("\n\n").filter(|b| b.starts_with("error[INC007]")).collect();
    assert_eq!(blocks.len(), 2, "{out}");
    assert!(
        blocks[0].contains("= why: ") && blocks[0].contains("= try: ") && blocks[0].contains("= see: http")
    );
    assert!(
        blocks[1].contains("2 | ") && blocks[1].contains('^'),
        "the second is underlined too: {}",
        blocks[1]
    );
    assert!(blocks[1].ends_with("= why: the same as for [INC007] above"), "{}", blocks[1]);
    assert!(!blocks[1].contains("= try: ") && !blocks[1].contains("= see: "), "{}", blocks[1]);
    // The next draft explains the rule again.
    let o = tactful(&["check", CLAIM, CLAIM], None);
    let out = stdout(&o);
    let blocks: Vec<&str> = out.split("\n\n").filter(|b| b.starts_with("error[INC007]")).collect();
    assert_eq!(blocks.len(), 2, "{out}");
    assert!(blocks.iter().all(|b| b.contains("= try: ")), "{out}");
}

#[test]
fn control_characters_in_a_draft_never_reach_the_terminal() {
    let path = file("controls.txt", format!("Hi\0there \x1b[2J{CLAIM} \u{202e}reversed").as_bytes());
    let o = tactful(&["check", "--file", &path], None);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(!out.contains('\0') && !out.contains('\x1b') && !out.contains('\u{202e}'), "{out:?}");
    assert!(out.contains("Hi\u{2400}there \u{241b}[2J"), "shown as control pictures: {out}");
    assert!(out.contains("\u{fffd}reversed"), "{out}");
}

#[test]
fn a_byte_order_mark_on_the_first_line_of_a_labeled_file_is_accepted() {
    let line = serde_json::json!({"text": CLAIM, "label": "income"}).to_string();
    let path = file("bom.jsonl", format!("\u{feff}{line}\n").as_bytes());
    let o = tactful(&["eval", &path], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("1 labeled texts"), "{}", stdout(&o));
}

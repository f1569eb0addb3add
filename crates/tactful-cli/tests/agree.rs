//! The report, `scan`, `today` and the web app (its API, the Past posts page
//! and the Inbox) count the same things: they all read one application layer
//! (`tactful_app`), and this test proves it on the demo history and on a real
//! platform export. Counted two ways and compared: items to review, findings,
//! posts, promotional posts and the people waiting for an answer.

mod common;

use common::{stdout, tactful, text};
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::Stdio;

/// What `scan` says: items to review, findings on them, posts, promotional posts.
fn scan_counts(db: &str) -> (usize, usize, u64, u64) {
    let o = tactful(&["scan", "--db", db, "--jsonl", "--limit", "1000000"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let lines: Vec<Value> = stdout(&o).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let findings = lines.iter().map(|l| l["findings"].as_array().unwrap().len()).sum();
    let o = tactful(&["scan", "--db", db, "--limit", "0"]);
    let human = stdout(&o);
    // "Your 12 posts by kind (content-kind classifier): personal 5 (42%), promotional 4 (33%), …"
    let (mut posts, mut promo) = (0, 0);
    if let Some(line) = human.lines().find(|l| l.starts_with("Your ") && l.contains("posts by kind")) {
        posts = line[5..].split(' ').next().unwrap().parse().unwrap();
        if let Some(rest) = line.split("promotional ").nth(1) {
            promo = rest.split(' ').next().unwrap().parse().unwrap();
        }
    }
    (lines.len(), findings, posts, promo)
}

/// What the report's summary says: findings, posts, the promotional share (whole %).
fn report_counts(db: &str, dir: &std::path::Path) -> (usize, u64, Option<u64>) {
    let out = dir.join("report.html");
    let o = common::report_between(db, "2005-01-01", "2026-11-21", &out);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let s = stdout(&o);
    let findings = s
        .lines()
        .find_map(|l| l.trim().strip_prefix("compliance: "))
        .and_then(|r| r.split(' ').next()?.parse().ok())
        .unwrap_or(0);
    let mix = s.lines().find_map(|l| l.trim().strip_prefix("content mix: ")).unwrap_or_else(|| panic!("{s}"));
    let (posts, share) = if mix.starts_with("no posts") {
        (0, None)
    } else {
        // "12 posts, 33% promotional (plan: at most 20%)"
        let posts = mix.split(' ').next().unwrap().parse().unwrap();
        let share = mix.split(", ").nth(1).unwrap().split('%').next().unwrap().parse().unwrap();
        (posts, Some(share))
    };
    (findings, posts, share)
}

/// How many people `tactful today` lists as waiting for an answer (its
/// first section; the limit is raised so that none is cut).
fn today_waiting(db: &str) -> usize {
    let o = tactful(&["today", "--db", db, "--limit", "100000"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let out = stdout(&o);
    let section = out.split("\n2. ").next().unwrap_or("");
    section.lines().filter(|l| l.starts_with("   ") && l.contains(" has waited ")).count()
}

/// What the web app says: items to review (the API and the Past posts
/// page), and the people waiting for an answer (the Inbox's total).
fn web_counts(db: &str) -> (u64, u64, u64) {
    let mut child = common::command()
        .args(["serve", "--db", db])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start tactful serve");
    let mut first = String::new();
    // Kept open until the end: the server writes more lines after the first.
    let mut out = BufReader::new(child.stdout.take().unwrap());
    out.read_line(&mut first).unwrap();
    let port = common::port_in(&first);
    let get = |path: &str| {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        write!(s, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n").unwrap();
        let mut reply = String::new();
        s.read_to_string(&mut reply).unwrap();
        reply.split_once("\r\n\r\n").map_or_else(|| panic!("{reply}"), |(_, b)| b.to_string())
    };
    let json = |path: &str| -> Value {
        let body = get(path);
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}"))
    };
    let api = json("/api/v1/scan?limit=1")["flagged"].as_u64().unwrap();
    let inbox = json("/api/v1/inbox")["total"].as_u64().unwrap();
    // "… 120 checked, 7 with something to look at, worst first."
    let page = get("/scan");
    let page_flagged = page
        .split(" with something to look at")
        .next()
        .and_then(|h| h.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count on the Past posts page: {page}"));
    let _ = child.kill();
    let _ = child.wait();
    drop(out);
    (api, page_flagged, inbox)
}

fn agree(db: &str, dir: &std::path::Path, what: &str) {
    let (flagged, findings, posts, promo) = scan_counts(db);
    let (report_findings, report_posts, share) = report_counts(db, dir);
    assert_eq!(findings, report_findings, "{what}: findings in scan and in the report");
    assert_eq!(posts, report_posts, "{what}: posts in scan's content mix and in the report's");
    if let Some(share) = share {
        let expected = (promo as f64 * 100.0 / posts as f64).round() as u64;
        assert_eq!(share, expected, "{what}: promotional share ({promo} of {posts} in scan)");
    }
    let (api, page, inbox) = web_counts(db);
    assert_eq!(api, flagged as u64, "{what}: items to review in scan and in the web API");
    assert_eq!(page, flagged as u64, "{what}: items to review in scan and on the Past posts page");
    assert_eq!(inbox, today_waiting(db) as u64, "{what}: people waiting in `today` and in the Inbox");
}

#[test]
fn the_report_scan_and_the_web_agree_on_the_demo() {
    let (dir, db) = common::demo("agree-demo");
    let db = db.as_str();
    let (flagged, findings, posts, _) = scan_counts(db);
    // The demo has something in every count, so agreeing is not agreeing on zero.
    assert!(flagged > 0 && findings > 0 && posts > 0, "{flagged} {findings} {posts}");
    assert!(today_waiting(db) > 0, "someone waits in the demo");
    agree(db, &dir, "demo");
}

#[test]
fn the_report_scan_and_the_web_agree_on_a_real_export() {
    let Some(root) = common::shared_exports() else { return };
    for (i, sample) in
        ["twitter/2023_ytd_larsbrinkhoff", "facebook_instagram_waultar/parser/data"].iter().enumerate()
    {
        let (dir, db) = common::imported(&format!("agree-sample-{i}"), &root.join(sample));
        agree(&db, &dir, sample);
    }
}

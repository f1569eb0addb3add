//! A distributor's own platform export, on both backends: their posts
//! become feed posts attributed to them (whatever handle the export names),
//! the rest is left out, a second run adds nothing, an edit is a version.

mod common;

use common::{T0, chain_holds, officer};

use std::path::{Path, PathBuf};

use tactful_company::export::ingest_export;
use tactful_company::ingest::{self, Options};
use tactful_company::{DEFAULT_COMPANY, cases};
use tactful_import::Format;
use tactful_store::Store;

const CLAIM: &str = "These drops cured my anxiety in two weeks, no more pills for me!";

/// A generic JSONL export: two own posts (one a claim), a comment on
/// someone else's post, and a post by someone else.
fn export(dir: &str, claim: &str) -> PathBuf {
    // A folder of its own for every call: the SQLite and the PostgreSQL run
    // of a test go side by side in one process, and one's edited export
    // must not overwrite the file the other is about to read again.
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let d = std::env::temp_dir().join(format!("tactful-export-{}-{dir}-{n}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    let p = d.join("history.jsonl");
    let line = |id: &str, kind: &str, by_owner: bool, author: &str, text: &str| {
        serde_json::json!({"network": "instagram", "id": id, "kind": kind, "by_owner": by_owner,
            "author": author, "at": "2025-11-01T10:00:00Z", "text": text})
        .to_string()
    };
    let body = [
        line("IG1", "post", true, "ann.personal", "Sunday hike with the kids."),
        line("IG2", "post", true, "ann.personal", claim),
        line("C1", "comment", true, "ann.personal", "Love this!"),
        line("IG9", "post", false, "someone_else", "Not Ann's post."),
    ]
    .join("\n");
    std::fs::write(&p, body + "\n").unwrap();
    p
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tactful-import/tests/fixtures").join(name)
}

fn own_posts_are_attributed_to_the_distributor(store: &mut dyn Store) {
    let db = common::ann_and_bob(store);
    let path = export("own", CLAIM);
    let s = ingest_export(db, &officer(T0 + 60), "D1", &path, None, Options::default()).unwrap();
    assert_eq!(s.format, "jsonl");
    assert_eq!((s.posts.added, s.posts.unattributed, s.left_out), (2, 0, 2));
    let posts = ingest::posts(db, DEFAULT_COMPANY, Some("D1")).unwrap();
    assert_eq!(posts.iter().map(|p| p.key.as_str()).collect::<Vec<_>>(), vec!["IG1", "IG2"]);
    assert_eq!(posts[0].author, "ann.personal", "the export's own handle is kept as the author");

    let again = ingest_export(db, &officer(T0 + 120), "D1", &path, None, Options::default()).unwrap();
    assert_eq!((again.posts.added, again.posts.unchanged), (0, 2));
    let edited = export("own", "These drops help me unwind in the evening.");
    let e = ingest_export(db, &officer(T0 + 180), "D1", &edited, None, Options::default()).unwrap();
    assert_eq!(e.posts.new_versions, 1);
    // The claim, scanned before the fix, is a case of D1's.
    common::scan(db, T0 + 240);
    let page = cases::list(db, DEFAULT_COMPANY, &cases::Filter::default()).unwrap();
    assert!(page.cases.iter().all(|c| c.distributor.as_deref() == Some("D1")), "{page:?}");
    chain_holds(db);
}

fn a_real_instagram_export_and_an_unknown_distributor(store: &mut dyn Store) {
    let db = common::ann_and_bob(store);
    let e = ingest_export(db, &officer(T0), "D9", &export("unknown", CLAIM), None, Options::default())
        .unwrap_err();
    assert!(e.to_string().contains("no distributor `D9`"), "{e}");
    assert!(ingest::posts(db, DEFAULT_COMPANY, None).unwrap().is_empty(), "nothing stored");
    let s = ingest_export(
        db,
        &officer(T0),
        "D2",
        &fixture("instagram/ig_2024"),
        Some(Format::Instagram),
        Options::default(),
    )
    .unwrap();
    assert_eq!(s.format, "instagram");
    assert!(s.posts.added >= 1 && s.left_out >= 1, "{s:?}");
    let posts = ingest::posts(db, DEFAULT_COMPANY, Some("D2")).unwrap();
    assert!(posts.iter().any(|p| p.text.contains("Morning routine")), "{posts:?}");
    let e =
        ingest_export(db, &officer(T0), "D2", Path::new("/nonexistent/export.zip"), None, Options::default())
            .unwrap_err();
    assert!(e.to_string().starts_with("/nonexistent/export.zip"), "{e}");
}

on_both_backends!("export": own_posts_are_attributed_to_the_distributor, a_real_instagram_export_and_an_unknown_distributor);

//! `tactful import`, `history` and `scan` end to end, on a real SQLite file:
//! import, re-import (nothing added), bad input (store unchanged), search,
//! and the scan of past posts.

mod common;

use common::{tactful, text};
use std::path::{Path, PathBuf};

const EXPORT: &str = r#"{"kind": "post", "text": "I quit my job and now make $5,000 a month with this business! #financialfreedom", "at": "2024-03-01T10:00:00Z", "author": "me", "by_owner": true, "network": "facebook", "id": "p1"}
{"kind": "post", "text": "Lovely walk by the lake this morning.", "at": "2024-03-02T09:00:00Z", "author": "me", "by_owner": true, "network": "facebook", "id": "p2"}
{"kind": "comment", "text": "Where can I order the lavender one?", "at": "2024-03-02T10:00:00Z", "author": "ann", "by_owner": false, "to": "me", "network": "facebook", "id": "c1"}
{"kind": "message", "text": "Hey girl! Are you open to hearing about an amazing opportunity? Be your own boss!", "at": "2024-03-03T10:00:00Z", "author": "me", "by_owner": true, "to": "bob", "network": "facebook", "id": "m1"}
"#;

fn write(path: &Path, s: &str) {
    std::fs::write(path, s).unwrap();
}

#[test]
fn import_is_idempotent_and_searchable_and_scan_finds_the_claim() {
    let (_dir, db, file) = common::history("import-flow", EXPORT);
    let db = db.as_str();
    let o = tactful(&["import", "--db", db, &file]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let out = text(&o);
    assert!(out.contains("4 new, 0 already there"), "{out}");

    let o = tactful(&["import", "--db", db, &file]);
    assert!(text(&o).contains("0 new, 4 already there"), "{}", text(&o));

    let o = tactful(&["history", "--db", db, "--text", "lavender", "--jsonl"]);
    let lines: Vec<serde_json::Value> =
        String::from_utf8_lossy(&o.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["author"], "ann");
    assert_eq!(lines[0]["source"]["file"], "history.jsonl");

    let o = tactful(&["scan", "--db", db]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.contains("Scanned 3 of your posts"), "{out}");
    assert!(out.contains("delete or edit") && out.contains("INC"), "{out}");
    assert!(!out.contains("Lovely walk"), "a clean post is not listed: {out}");
    assert!(!out.contains("lavender"), "other people's comments are not yours to delete: {out}");
}

#[test]
fn a_bad_file_leaves_the_store_unchanged_and_names_the_line() {
    let (d, db, good) = common::history("import-bad", EXPORT);
    let db = db.as_str();
    assert_eq!(tactful(&["import", "--db", db, &good]).status.code(), Some(0));

    // The second file's third line is broken: nothing from either new file may land.
    let more = d.join("more.jsonl");
    write(&more, &EXPORT.replace("\"id\": \"p1\"", "\"id\": \"p9\""));
    let broken = d.join("broken.jsonl");
    write(
        &broken,
        "{\"kind\": \"post\", \"text\": \"fine\", \"at\": \"2024-01-01T00:00:00Z\", \"author\": \"me\", \"id\": \"x1\"}\n{\"kind\": \"post\", \"text\": \"cut off",
    );
    let o = tactful(&["import", "--db", db, more.to_str().unwrap(), broken.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let out = text(&o);
    assert!(out.contains("broken.jsonl") && out.contains('2'), "names the file and line: {out}");
    assert!(out.contains("store is unchanged"), "{out}");

    let o = tactful(&["history", "--db", db, "--jsonl", "--limit", "100"]);
    assert_eq!(String::from_utf8_lossy(&o.stdout).lines().count(), 4, "only the first import is stored");
}

#[test]
fn unknown_files_and_empty_folders_are_refused_with_exit_2() {
    let (d, db) = common::store("import-unknown", "store.db");
    let notes = d.join("notes.txt");
    write(&notes, "just some notes");
    let o = tactful(&["import", "--db", &db, notes.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("no known export format"), "{}", text(&o));
    let empty = d.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let o = tactful(&["import", "--db", &db, empty.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("empty"), "{}", text(&o));
    let random = d.join("random.zip");
    write(&random, "PK\u{3}\u{4} this is not really a zip");
    let o = tactful(&["import", "--db", &db, random.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("random.zip"), "{}", text(&o));
}

/// Write `files` (path inside the export, content) under a fresh folder `name` of `d`.
fn export(d: &Path, name: &str, files: &[(&str, &str)]) -> PathBuf {
    let root = d.join(name);
    for (path, body) in files {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        write(&p, body);
    }
    root
}

const FOLLOWERS: &str = r#"[{"title": "", "string_list_data": [{"href": "https://www.instagram.com/ann.lee", "value": "ann.lee", "timestamp": 1700000000}]}]"#;

fn stored(db: &str) -> usize {
    let o = tactful(&["history", "--db", db, "--jsonl", "--limit", "100"]);
    String::from_utf8_lossy(&o.stdout).lines().count()
}

#[test]
fn an_instagram_posts_file_holding_one_post_imports_with_exit_0() {
    let (d, db) = common::store("import-one-post", "store.db");
    let db = db.as_str();
    let root = export(
        &d,
        "instagram",
        &[
            (
                "your_instagram_activity/content/posts_1.json",
                r#"{"media": [{"uri": "media/1.jpg", "creation_timestamp": 1700000000, "title": "My only post"}]}"#,
            ),
            ("connections/followers_and_following/followers_1.json", FOLLOWERS),
        ],
    );
    let o = tactful(&["import", "--db", db, root.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("2 new, 0 already there"), "{}", text(&o));
}

#[test]
fn a_file_that_cannot_be_read_is_skipped_and_named_the_rest_imported_with_exit_3() {
    let (d, db) = common::store("import-skipped-file", "store.db");
    let root = export(
        &d,
        "instagram",
        &[
            ("your_instagram_activity/content/posts_1.json", "[{\"media\": [{\"uri\": \"a.jpg\",\n"),
            ("connections/followers_and_following/followers_1.json", FOLLOWERS),
        ],
    );
    let db = db.as_str();
    let o = tactful(&["import", "--db", db, root.to_str().unwrap()]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(3), "{out}");
    assert!(out.contains("1 new, 0 already there"), "the followers went in: {out}");
    assert!(out.contains("skipped 1 file, nothing of them imported"), "{out}");
    assert!(
        out.contains(
            "    your_instagram_activity/content/posts_1.json:line 2 column 0: expected JSON, found the end"
        ),
        "names the file, the position and the reason: {out}"
    );
    assert_eq!(stored(db), 1);

    // --strict: all or nothing, as before.
    let strict_db = d.join("strict.db");
    let strict_db = strict_db.to_str().unwrap();
    let o = tactful(&["import", "--strict", "--db", strict_db, root.to_str().unwrap()]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}");
    assert!(out.contains("your_instagram_activity/content/posts_1.json:line 2 column 0"), "{out}");
    assert!(out.contains("nothing was imported; the store is unchanged"), "{out}");
    assert!(out.contains("without --strict"), "says what the default would do: {out}");
    assert_eq!(stored(strict_db), 0);
}

#[cfg(unix)]
#[test]
fn a_link_in_an_export_folder_is_named_as_a_skipped_file() {
    let (d, db) = common::store("import-link", "store.db");
    let root =
        export(&d, "instagram", &[("connections/followers_and_following/followers_1.json", FOLLOWERS)]);
    std::os::unix::fs::symlink(
        "/etc/passwd",
        root.join("connections/followers_and_following/following.json"),
    )
    .unwrap();
    let o = tactful(&["import", "--db", &db, root.to_str().unwrap()]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(3), "{out}");
    assert!(
        out.contains(
            "connections/followers_and_following/following.json: a symbolic link: links are never followed"
        ),
        "{out}"
    );
}

//! One file of an unexpected shape must not sink an export: a single object
//! where a list is expected is a list of one; a file that still cannot be read
//! is skipped whole and named, the rest goes in (strict: all or nothing); a
//! record over the caps refuses its file; an endless line or record is an
//! error naming it. Each export is built in a scratch folder.

use std::path::{Path, PathBuf};

use tactful_core::history::{ItemKind, Person, Record};
use tactful_import::{Format, ImportError, Options, Skip, Skipped};

mod common;
use common::{Imported, import_as, import_detected as import_with, items_of as items, scratch};

fn import(path: &Path) -> Imported {
    import_with(path, &Options::default()).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn strict() -> Options {
    Options { strict: true, ..Options::default() }
}

fn texts(records: &[Record], kind: ItemKind) -> Vec<&str> {
    items(records, kind).iter().map(|i| i.text.as_str()).collect()
}

fn files(skipped: &[Skip]) -> Vec<&Skip> {
    skipped.iter().filter(|s| s.whole_file).collect()
}

const FOLLOWERS: &[u8] = br#"[{"title": "", "string_list_data": [{"href": "https://www.instagram.com/ann.lee", "value": "ann.lee", "timestamp": 1700000000}]}]"#;

#[test]
fn an_instagram_posts_file_holding_one_post_instead_of_a_list_imports_it() {
    let d = scratch(
        "one-post",
        &[
            (
                "your_instagram_activity/content/posts_1.json",
                br#"{"media": [{"uri": "media/posts/1.jpg", "creation_timestamp": 1700000000, "title": "My only post"}]}"#,
            ),
            ("connections/followers_and_following/followers_1.json", FOLLOWERS),
        ],
    );
    let (records, skipped) = import(&d);
    assert_eq!(texts(&records, ItemKind::Post), ["My only post"]);
    assert_eq!(items(&records, ItemKind::Connection).len(), 1);
    assert!(skipped.is_empty(), "{skipped:?}");
}

#[test]
fn every_importer_reads_one_object_where_a_list_is_expected() {
    // Facebook: a posts file and a thread's messages, each one object.
    let d = scratch(
        "one-facebook",
        &[
            ("posts/your_posts_1.json", br#"{"timestamp": 1700000000, "data": [{"post": "One post"}]}"#),
            (
                "messages/inbox/ann_1/message_1.json",
                br#"{"participants": {"name": "Ann"}, "messages": {"sender_name": "Ann", "timestamp_ms": 1700000000000, "content": "One message"}}"#,
            ),
        ],
    );
    let (records, skipped) = import(&d);
    assert_eq!(texts(&records, ItemKind::Post), ["One post"]);
    assert_eq!(texts(&records, ItemKind::Message), ["One message"]);
    assert!(skipped.is_empty(), "{skipped:?}");

    // Instagram: one follower, one comment, one like.
    let d = scratch(
        "one-instagram",
        &[
            (
                "connections/followers_and_following/followers_1.json",
                br#"{"title": "", "string_list_data": [{"href": "https://www.instagram.com/ann.lee", "value": "ann.lee", "timestamp": 1700000000}]}"#,
            ),
            (
                "your_instagram_activity/comments/post_comments_1.json",
                br#"{"string_map_data": {"Comment": {"value": "Lovely"}, "Media Owner": {"value": "bob"}, "Time": {"timestamp": 1700000001}}}"#,
            ),
            (
                "your_instagram_activity/likes/liked_posts.json",
                br#"{"likes_media_likes": {"title": "bob", "string_list_data": [{"href": "https://www.instagram.com/p/x", "value": "like", "timestamp": 1700000002}]}}"#,
            ),
        ],
    );
    let (records, skipped) = import(&d);
    assert_eq!(items(&records, ItemKind::Connection)[0].author.handle, "ann.lee");
    assert_eq!(texts(&records, ItemKind::Comment), ["Lovely"]);
    assert_eq!(items(&records, ItemKind::Reaction).len(), 1);
    assert!(skipped.is_empty(), "{skipped:?}");

    // X: the account, a tweet and a like, each one object.
    let d = scratch(
        "one-x",
        &[
            (
                "data/account.js",
                br#"window.YTD.account.part0 = {"account": {"accountId": "42", "username": "dana", "accountDisplayName": "Dana"}}"#,
            ),
            (
                "data/tweets.js",
                br#"window.YTD.tweets.part0 = {"tweet": {"id_str": "1855600000000000010", "full_text": "One tweet", "created_at": "Sat Nov 09 12:14:18 +0000 2024"}}"#,
            ),
            ("data/like.js", br#"window.YTD.like.part0 = {"like": {"tweetId": "1855600000000000011"}}"#),
        ],
    );
    let (records, skipped) = import(&d);
    assert_eq!(texts(&records, ItemKind::Post), ["One tweet"]);
    assert_eq!(items(&records, ItemKind::Post)[0].author.handle, "42", "the account file named the owner");
    assert_eq!(items(&records, ItemKind::Reaction).len(), 1);
    assert!(skipped.is_empty(), "{skipped:?}");
}

/// An Instagram export whose posts file is cut short, beside a good followers file.
fn export_with_a_broken_file(name: &str) -> PathBuf {
    scratch(
        name,
        &[
            ("your_instagram_activity/content/posts_1.json", b"[{\"media\": [{\"uri\": \"a.jpg\",\n"),
            ("connections/followers_and_following/followers_1.json", FOLLOWERS),
        ],
    )
}

#[test]
fn a_file_that_cannot_be_read_is_skipped_and_named_and_the_rest_imported() {
    let d = export_with_a_broken_file("broken");
    let (records, skipped) = import(&d);
    assert_eq!(items(&records, ItemKind::Connection).len(), 1, "the followers still go in");
    let skipped = files(&skipped);
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert_eq!(skipped[0].file, "your_instagram_activity/content/posts_1.json");
    assert_eq!(skipped[0].position, "line 2 column 0");
    assert!(skipped[0].reason.contains("is it truncated?"), "{:?}", skipped[0]);
}

#[test]
fn strict_keeps_all_or_nothing() {
    let d = export_with_a_broken_file("strict");
    let e = import_with(&d, &strict()).unwrap_err().to_string();
    assert!(e.starts_with("your_instagram_activity/content/posts_1.json:line 2 column 0"), "{e}");
}

#[test]
fn an_export_none_of_whose_files_can_be_read_is_an_error() {
    let d = scratch(
        "all-broken",
        &[
            ("your_instagram_activity/content/posts_1.json", b"[{"),
            ("connections/followers_and_following/followers_1.json", b"nope"),
        ],
    );
    let e = import_with(&d, &Options::default()).unwrap_err().to_string();
    assert!(e.starts_with("connections/followers_and_following/followers_1.json:line 1"), "{e}");
    assert!(e.contains("(and 1 more files of the export could not be read either)"), "{e}");
}

/// A Messenger thread file: participants, then messages as (sender, text).
fn thread(people: &[&str], messages: &[(&str, &str)]) -> Vec<u8> {
    let people: Vec<_> = people.iter().map(|p| serde_json::json!({ "name": p })).collect();
    let messages: Vec<_> = messages
        .iter()
        .enumerate()
        .map(|(i, (from, text))| {
            serde_json::json!({"sender_name": from, "timestamp_ms": 1_700_000_000_000_i64 + i as i64, "content": text})
        })
        .collect();
    serde_json::to_vec(&serde_json::json!({ "participants": people, "messages": messages })).unwrap()
}

#[test]
fn a_megabyte_name_in_a_thread_refuses_its_file_naming_the_field() {
    let huge = "A".repeat(1 << 20);
    let bad = thread(&[&huge, "Me"], &[("Me", "hi"), ("Me", "there")]);
    let good = thread(&["Ann", "Me"], &[("Ann", "hello"), ("Me", "hi Ann")]);
    let d = scratch(
        "huge-name",
        &[("messages/inbox/big_1/message_1.json", &bad), ("messages/inbox/ann_1/message_1.json", &good)],
    );
    let (records, skipped) = import(&d);
    assert_eq!(texts(&records, ItemKind::Message), ["hello", "hi Ann"]);
    let skipped = files(&skipped);
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert_eq!(
        (skipped[0].file.as_str(), skipped[0].position.as_str(), skipped[0].reason.as_str()),
        (
            "messages/inbox/big_1/message_1.json",
            "messages[0]",
            "expected `counterparts[0].handle` of at most 256 characters, found 1048576 characters"
        )
    );
    assert!(records.iter().all(|r| match r {
        Record::Owner { person, .. } => person.handle == "Me",
        Record::Item(i) => i.author.handle.len() <= 256,
    }));

    let e = import_with(&d, &strict()).unwrap_err().to_string();
    assert!(
        e.starts_with("messages/inbox/big_1/message_1.json:messages[0]: expected `counterparts[0].handle`"),
        "{e}"
    );
}

#[test]
fn a_skipped_file_leaves_nothing_of_itself() {
    // The first message is fine; the second is over the text cap: the whole thread stays out.
    let long = "x".repeat((1 << 20) + 1);
    let bad = thread(&["Bob", "Me"], &[("Bob", "first, fine"), ("Bob", &long)]);
    let good = thread(&["Ann", "Me"], &[("Ann", "hello"), ("Me", "hi Ann")]);
    let d = scratch(
        "long-text",
        &[("messages/inbox/bob_1/message_1.json", &bad), ("messages/inbox/ann_1/message_1.json", &good)],
    );
    let (records, skipped) = import(&d);
    assert_eq!(texts(&records, ItemKind::Message), ["hello", "hi Ann"], "nothing of Bob's thread");
    let skipped = files(&skipped);
    assert_eq!(skipped[0].position, "messages[1]");
    assert!(skipped[0].reason.starts_with("expected `text` of at most 1048576 bytes"), "{skipped:?}");
}

#[test]
fn an_over_long_owner_name_in_the_profile_skips_the_profile_not_the_export() {
    let name = "Z".repeat(300);
    let profile =
        format!(r#"{{"profile_user": [{{"string_map_data": {{"Username": {{"value": "{name}"}}}}}}]}}"#);
    let d = scratch(
        "long-owner",
        &[
            ("your_instagram_activity/personal_information/personal_information.json", profile.as_bytes()),
            ("connections/followers_and_following/followers_1.json", FOLLOWERS),
        ],
    );
    let (records, skipped) = import(&d);
    assert_eq!(items(&records, ItemKind::Connection).len(), 1);
    assert!(records.iter().all(|r| !matches!(r, Record::Owner { .. })), "no owner from a refused file");
    assert!(files(&skipped)[0].reason.contains("`owner.handle` of at most 256 characters"), "{skipped:?}");
}

// ---------------------------------------------------------------------------
// Generic CSV and JSONL: bounded lines and records, line ends, the BOM.

fn import_file(name: &str, body: &[u8]) -> Result<(Vec<Record>, Skipped), ImportError> {
    let d = scratch(name, &[(name, body)]);
    import_with(&d.join(name), &Options::default())
}

#[test]
fn an_endless_jsonl_line_is_an_error_naming_file_and_line() {
    let mut body = b"{\"kind\":\"post\",\"text\":\"hi\",\"at\":1,\"author\":\"@a\"}\n".to_vec();
    body.extend(std::iter::repeat_n(b'x', 9 << 20));
    let e = import_file("endless.jsonl", &body).unwrap_err().to_string();
    assert_eq!(
        e,
        "endless.jsonl:line 2: expected a line of at most 8388608 bytes, found a longer one (is this one JSON object a line?)"
    );
}

#[test]
fn an_endless_csv_line_or_an_unclosed_quote_is_an_error_naming_file_and_line() {
    let mut body = b"kind,text,at,author\npost,hi,2024-05-01,@a\n".to_vec();
    body.extend(std::iter::repeat_n(b'x', 9 << 20));
    let e = import_file("endless.csv", &body).unwrap_err().to_string();
    assert!(e.starts_with("endless.csv:line 3: expected a CSV record of at most 8388608 bytes"), "{e}");

    // Short lines, but a quote that never closes makes them one record.
    let mut body = b"kind,text,at,author\npost,hi,2024-05-01,@a\npost,\"never closed\n".to_vec();
    for _ in 0..(1 << 20) {
        body.extend_from_slice(b"more text\n");
    }
    let e = import_file("unclosed.csv", &body).unwrap_err().to_string();
    assert!(e.starts_with("unclosed.csv:line 3: expected a CSV record of at most"), "{e}");
}

#[test]
fn a_csv_with_cr_only_line_ends_is_read_line_by_line() {
    let (records, _) = import_file(
        "mac.csv",
        b"kind,text,at,author\rpost,hello,2024-05-01,@a\rpost,\"two\rlines\",2024-05-02,@a\rpost,last,2024-05-03,@a",
    )
    .unwrap();
    let found: Vec<(&str, &str)> = items(&records, ItemKind::Post)
        .iter()
        .map(|i| (i.text.as_str(), i.source.position.as_str()))
        .collect();
    assert_eq!(found, [("hello", "line 2"), ("two\nlines", "line 3"), ("last", "line 5")]);

    // LinkedIn's CSV files too.
    let d = scratch(
        "mac-linkedin",
        &[(
            "Connections.csv",
            b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\rAnn,Lee,https://www.linkedin.com/in/ann,,Acme,CEO,17 Jun 2021\r",
        )],
    );
    let (records, _) = import(&d);
    assert_eq!(texts(&records, ItemKind::Connection), ["CEO at Acme"]);
}

#[test]
fn a_bom_before_a_quoted_csv_header_or_the_first_jsonl_line_is_ignored() {
    let (records, _) = import_file(
        "bom-quoted.csv",
        b"\xEF\xBB\xBF\"kind\",\"text\",\"at\",\"author\"\npost,hi,2024-05-01,@a\n",
    )
    .unwrap();
    assert_eq!(texts(&records, ItemKind::Post), ["hi"]);
    let (records, _) = import_file(
        "bom.jsonl",
        b"\xEF\xBB\xBF{\"kind\":\"post\",\"text\":\"hi\",\"at\":1,\"author\":\"@a\"}\n",
    )
    .unwrap();
    assert_eq!(texts(&records, ItemKind::Post), ["hi"]);
}

#[test]
fn in_a_folder_of_csv_files_a_bad_one_is_skipped_and_its_owner_forgotten() {
    let d = scratch(
        "csv-folder",
        &[
            // The bad file names an owner on its first row, then breaks.
            ("a.csv", b"kind,text,at,author,by_owner\npost,mine,2024-05-01,@wrong,true\npoke,x,2024-05-01,@a,false\n"),
            ("b.csv", b"kind,text,at,author,by_owner\npost,hello,2024-05-02,@me,true\n"),
        ],
    );
    let (records, skipped) = import_as(&d, Format::Csv, &Options::default()).unwrap();
    assert_eq!(texts(&records, ItemKind::Post), ["hello"]);
    let owners: Vec<&Person> = records
        .iter()
        .filter_map(|r| if let Record::Owner { person, .. } = r { Some(person) } else { None })
        .collect();
    assert_eq!(owners.len(), 1);
    assert_eq!(owners[0].handle, "@me", "the skipped file's owner is not kept");
    assert_eq!(files(&skipped)[0].position, "line 3 column `kind`");
}

/// The size on disk of the SQLite store at `db`, with its write-ahead log.
fn store_bytes(db: &Path) -> u64 {
    let wal = db.with_extension("db-wal");
    [db, wal.as_path()].iter().filter_map(|p| std::fs::metadata(p).ok()).map(|m| m.len()).sum()
}

/// Import the export at `dir` into a new SQLite store of its own; the store's size.
fn store_size_after_import(dir: &Path) -> u64 {
    let db = dir.with_extension("store").join("store.db");
    let _ = std::fs::remove_dir_all(db.parent().unwrap());
    std::fs::create_dir_all(db.parent().unwrap()).unwrap();
    let mut store = tactful_store::SqliteStore::open(&db).unwrap();
    let mut src = tactful_import::source::open(dir, tactful_import::source::Limits::default()).unwrap();
    let mut w = tactful_store::Store::writer(&mut store).unwrap();
    tactful_import::run(Format::Facebook, src.as_mut(), &Options::default(), &mut |r| {
        w.add(&r).map(|_| ()).map_err(|e| ImportError::Sink(e.to_string()))
    })
    .unwrap();
    w.commit().unwrap();
    drop(store);
    store_bytes(&db)
}

/// A Messenger thread between the owner and `name`, 400 messages long:
/// `name` writes every other one, or (`theirs` false) none and is named only
/// among the participants. Imported into a new store: the thread's size and
/// the store's.
fn thread_and_store(name: &str, theirs: bool) -> (u64, u64) {
    let texts: Vec<String> =
        (0..400).map(|i| format!("Message {i}: see you at the market on Saturday")).collect();
    let messages: Vec<(&str, &str)> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| (if theirs && i % 2 == 1 { name } else { "Me" }, t.as_str()))
        .collect();
    let body = thread(&[name, "Me"], &messages);
    let folder = format!("thread-{}-{theirs}", name.chars().count());
    let dir = scratch(&folder, &[("messages/inbox/long_1/message_1.json", &body)]);
    (body.len() as u64, store_size_after_import(&dir))
}

/// One 1 MiB participant name once made a 636 MB store from a 1 MB file:
/// every message carried a copy. A name is capped now (see
/// `a_megabyte_name_in_a_thread_refuses_its_file_naming_the_field`), and the
/// store keeps each person once: the longest name allowed, in a thread of
/// 400 messages, makes the store no bigger than a two-letter one, within
/// ten times the file whether the person writes half the thread or is only
/// named among its participants.
#[test]
fn a_name_at_the_cap_in_a_long_thread_is_stored_once() {
    let long = "é".repeat(tactful_import::caps::MAX_NAME);
    for theirs in [true, false] {
        let (file, stored) = thread_and_store(&long, theirs);
        let (_, short) = thread_and_store("Al", theirs);
        let ratio = stored as f64 / file as f64;
        let copies = stored.saturating_sub(short) as f64 / (400 * long.len()) as f64;
        eprintln!(
            "they write {}: a {file}-byte thread made a {stored}-byte store ({ratio:.1}×; {short} bytes with a \
             two-letter name: {copies:.2} copies of the name a message); peak memory {:.0} MiB",
            if theirs { "half" } else { "nothing" },
            tactful_import::testing::peak_rss_mb()
        );
        assert!(ratio < 10.0, "{stored} bytes stored from {file} ({ratio:.1}×)");
        assert!(copies < 0.1, "{copies:.2} copies of the name a message");
    }
}

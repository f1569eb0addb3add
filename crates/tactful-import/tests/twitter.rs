//! The X / Twitter importer, on small archives written for these tests and on
//! the real samples in `../shared/data/exports/twitter` when present.

use std::path::{Path, PathBuf};

use tactful_core::history::{Item, ItemKind, Network, Person, Record};
use tactful_import::{Format, ImportError, Options, util};

mod common;
use common::{Imported, counts, items};

fn fixture(name: &str) -> PathBuf {
    common::fixture("twitter", name)
}

fn import(path: &Path, opts: &Options) -> Result<Imported, ImportError> {
    common::import_recognised_as(path, Format::X, opts)
}

fn owners(records: &[Record]) -> Vec<&Person> {
    common::owners_on(records, Network::X)
}

fn by_id<'a>(records: &'a [Record], id: &str) -> &'a Item {
    items(records)
        .into_iter()
        .find(|i| i.external_id.as_deref() == Some(id))
        .unwrap_or_else(|| panic!("no item {id}"))
}

#[test]
fn a_2023_archive_gives_owner_posts_replies_shares_messages_follows_and_likes() {
    let (records, skipped) = import(&fixture("ytd_2023"), &Options::default()).unwrap();
    let owner = owners(&records);
    assert_eq!(owner.len(), 1, "one owner record");
    assert_eq!(owner[0].handle, "900001");
    assert_eq!(owner[0].name.as_deref(), Some("Dana Seller"));
    assert_eq!(owner[0].profile_url.as_deref(), Some("https://twitter.com/dana_sells"));
    assert!(matches!(&records[0], Record::Owner { .. }), "the owner comes before the content");

    let c = counts(&records);
    assert_eq!(c.get("post"), Some(&2));
    assert_eq!(c.get("comment"), Some(&1));
    assert_eq!(c.get("share"), Some(&1));
    assert_eq!(c.get("message"), Some(&3), "two direct messages and one group message");
    assert_eq!(c.get("connection"), Some(&3), "two followers and one following");
    assert_eq!(c.get("reaction"), Some(&1));

    let post = by_id(&records, "1855233000000000001");
    assert_eq!(post.kind, ItemKind::Post);
    assert!(post.by_owner);
    assert_eq!(post.author.handle, "900001");
    assert_eq!(post.text, "New autumn scents are in! Tea & cedar <3 ☕🍂", "entities decoded, emoji intact");
    assert_eq!(post.at, util::unix(2024, 11, 9, 12, 14, 18));
    assert_eq!(post.source.file, "data/tweets.js");
    assert_eq!(post.source.position, "tweets[0]");

    let reply = by_id(&records, "1855310000000000002");
    assert_eq!(reply.kind, ItemKind::Comment);
    assert_eq!(reply.parent.as_deref(), Some("1855300000000000000"));
    assert_eq!(reply.counterparts.len(), 1);
    assert_eq!(reply.counterparts[0].handle, "700002");
    assert_eq!(reply.counterparts[0].name.as_deref(), Some("Sam Buyer"));

    let share = by_id(&records, "1855400000000000003");
    assert_eq!(share.kind, ItemKind::Share);
    assert_eq!(share.counterparts[0].handle, "700003");

    let long = by_id(&records, "1855500000000000004");
    assert!(
        long.text.ends_with("never send a pitch to someone who has not asked."),
        "note-tweet.js replaces the truncated text: {}",
        long.text
    );
    assert!(!long.text.contains("t.co"));

    let incoming = by_id(&records, "1855600000000000011");
    assert!(!incoming.by_owner);
    assert_eq!(incoming.author.handle, "700002");
    assert_eq!(incoming.counterparts[0].handle, "900001");
    assert_eq!(incoming.thread.as_deref(), Some("700002-900001"));
    assert_eq!(incoming.at, util::unix(2024, 11, 11, 9, 0, 30));
    let outgoing = by_id(&records, "1855600000000000010");
    assert!(outgoing.by_owner);
    assert_eq!(outgoing.author.name.as_deref(), Some("Dana Seller"));
    assert_eq!(outgoing.counterparts[0].handle, "700002");

    let group = by_id(&records, "1855700000000000021");
    assert!(group.by_owner);
    let mut to: Vec<&str> = group.counterparts.iter().map(|p| p.handle.as_str()).collect();
    to.sort_unstable();
    assert_eq!(to, ["700002", "700004"], "a group message goes to everyone else in the conversation");

    let follower = by_id(&records, "follower:700005");
    assert_eq!(follower.kind, ItemKind::Connection);
    assert!(!follower.by_owner);
    assert_eq!(follower.author.handle, "700005");
    assert_eq!(
        follower.author.profile_url.as_deref(),
        Some("https://twitter.com/intent/user?user_id=700005")
    );
    assert!(by_id(&records, "following:700003").by_owner);

    let like = by_id(&records, "like:1855300000000000000");
    assert_eq!(like.kind, ItemKind::Reaction);
    assert!(like.by_owner);
    assert_eq!(like.parent.as_deref(), Some("1855300000000000000"));
    assert!(!like.text.contains("candle"), "someone else's words are not copied into the owner's like");
    assert!(
        like.at > util::unix(2024, 11, 9, 0, 0, 0) && like.at < util::unix(2024, 11, 10, 0, 0, 0),
        "dated by the liked post's id"
    );

    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert_eq!(skipped[0].file, "data/direct-messages-group.js");
    assert_eq!(skipped[0].position, "[0].dmConversation.messages[1]");
    assert!(skipped[0].reason.contains("joinConversation"));
}

#[test]
fn importing_twice_gives_the_same_fingerprints() {
    common::assert_fingerprints_stable_and_distinct(&["ytd_2023", "ytd_2020", "grailbird"], |name| {
        import(&fixture(name), &Options::default()).unwrap().0
    });
}

#[test]
fn the_owner_option_overrides_and_still_matches_the_archive_ids() {
    let opts = Options {
        owner: Some(Person {
            handle: "@dana_sells".into(),
            name: Some("Dana S.".into()),
            ..Person::default()
        }),
        network: None,
        strict: false,
    };
    let (records, _) = import(&fixture("ytd_2023"), &opts).unwrap();
    let owner = owners(&records);
    assert_eq!(owner.len(), 1);
    assert_eq!(owner[0].handle, "@dana_sells");
    assert!(by_id(&records, "1855600000000000010").by_owner, "the account id still means the owner");
    assert!(!by_id(&records, "1855600000000000011").by_owner);
    assert_eq!(by_id(&records, "1855233000000000001").author.handle, "@dana_sells");
}

#[test]
fn a_2020_archive_in_parts_without_account_file_takes_the_owner_from_messages() {
    let (records, skipped) = import(&fixture("ytd_2020"), &Options::default()).unwrap();
    let owner = owners(&records);
    assert_eq!(owner.len(), 1);
    assert_eq!(owner[0].handle, "1153674767859441664", "the most frequent sender");
    let c = counts(&records);
    assert_eq!(c.get("post"), Some(&2), "tweet.js and tweet-part1.js");
    assert_eq!(c.get("message"), Some(&2));
    assert_eq!(by_id(&records, "1221130902635458567").text, "Café opening soon! #handmade");
    assert_eq!(by_id(&records, "1221200000000000000").source.file, "data/tweet-part1.js");
    assert!(items(&records).iter().filter(|i| i.kind == ItemKind::Message).all(|i| i.by_owner));
    assert_eq!(skipped.len(), 1);
    assert_eq!(skipped[0].reason, "a message without text");
}

#[test]
fn a_grailbird_archive_reads_id_str_and_both_date_formats() {
    let (records, skipped) = import(&fixture("grailbird"), &Options::default()).unwrap();
    assert!(skipped.is_empty(), "{skipped:?}");
    let owner = owners(&records);
    assert_eq!(owner.len(), 1);
    assert_eq!(owner[0].handle, "36823");
    assert_eq!(owner[0].name.as_deref(), Some("Pat Poster"));
    let post = by_id(&records, "299732930744434688");
    assert_eq!(post.kind, ItemKind::Post);
    assert_eq!(post.text, "Blogging again & liking it");
    assert_eq!(post.at, util::unix(2013, 2, 8, 4, 14, 34));
    let reply = by_id(&records, "299605579708657664");
    assert_eq!(reply.kind, ItemKind::Comment);
    assert_eq!(reply.parent.as_deref(), Some("299572498205384704"));
    assert_eq!(reply.at, util::unix(2013, 2, 7, 19, 48, 31));
    assert_eq!(reply.counterparts[0].handle, "17395881");
    let rt = by_id(&records, "299600000000000000");
    assert_eq!(rt.kind, ItemKind::Share);
    assert_eq!(rt.parent.as_deref(), Some("299500000000000000"));
    assert_eq!(rt.counterparts[0].handle, "555");
}

// ---------------------------------------------------------------------------
// Bad input.

#[test]
fn bad_files_are_errors_naming_the_file_the_line_and_the_column() {
    common::assert_errors(
        Format::X,
        &[
            (
                "truncated",
                "data/tweets.js",
                b"window.YTD.tweets.part0 = [\n  {\n    \"tweet\" : {\n      \"id_str\" : \"1\",\n",
                "data/tweets.js:line 5",
                "truncated",
            ),
            // The error is on line 1, after the `window.YTD… = ` prefix: the column counts it.
            (
                "column",
                "data/follower.js",
                b"window.YTD.follower.part0 = [ { \"follower\" : { \"accountId\" : 1 } } x",
                "data/follower.js:line 1 column 68",
                "",
            ),
            (
                "latin1",
                "data/tweet.js",
                b"window.YTD.tweet.part0 = [ {\n \"tweet\" : { \"full_text\" : \"Caf\xe9\" }\n} ]",
                "data/tweet.js:line 2",
                "UTF-8",
            ),
            (
                "shape",
                "data/direct-messages.js",
                b"window.YTD.direct_messages.part0 = [ {\n \"dmConversation\" : { \"conversationId\" : \"a\", \"messages\" : [ { \"messageCreate\" : { \"text\" : \"hi\" } } ] }\n} ]",
                "data/direct-messages.js:line 2",
                "senderId",
            ),
        ],
    );
}

// ---------------------------------------------------------------------------
// The real samples.

/// The JSON of a `.js` file, read independently of the importer.
fn js(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap();
    let json = &text[text.find('=').unwrap() + 1..];
    serde_json::from_str(json).unwrap()
}

fn len(path: &Path) -> usize {
    if path.exists() { js(path).as_array().unwrap().len() } else { 0 }
}

/// (messages, other events) in a direct-messages file.
fn dm_counts(path: &Path) -> (usize, usize) {
    if !path.exists() {
        return (0, 0);
    }
    let (mut m, mut other) = (0, 0);
    for c in js(path).as_array().unwrap() {
        for e in c["dmConversation"]["messages"].as_array().unwrap() {
            if e.get("messageCreate").is_some() {
                m += 1;
            } else {
                other += 1;
            }
        }
    }
    (m, other)
}

#[test]
fn every_shared_twitter_sample_imports_with_counts_matching_the_files() {
    let Some(root) =
        common::each_shared_sample("exports/twitter", 4, Format::X, |dir, (records, skipped), get| {
            let data = if dir.join("data").is_dir() { dir.join("data") } else { dir.to_path_buf() };
            let mut tweets = len(&data.join("tweet.js")) + len(&data.join("tweets.js"));
            if let Ok(rd) = std::fs::read_dir(data.join("js/tweets")) {
                for f in rd {
                    tweets += len(&f.unwrap().path());
                }
            }
            let (dm, dm_events) = dm_counts(&data.join("direct-messages.js"));
            let (group, group_events) = dm_counts(&data.join("direct-messages-group.js"));
            assert_eq!(get("post") + get("comment") + get("share"), tweets, "{}: tweets", dir.display());
            assert_eq!(get("message"), dm + group, "{}: messages", dir.display());
            assert_eq!(skipped.len(), dm_events + group_events, "{}: skipped {skipped:?}", dir.display());
            assert_eq!(
                get("connection"),
                len(&data.join("follower.js")) + len(&data.join("following.js")),
                "{}: follows",
                dir.display()
            );
            assert_eq!(get("reaction"), len(&data.join("like.js")), "{}: likes", dir.display());
            assert_eq!(owners(records).len(), 1, "{}: the owner", dir.display());
        })
    else {
        return;
    };

    // Spot checks on what the samples say.
    let (records, _) = import(&root.join("2020_ytd_lumeninferius"), &Options::default()).unwrap();
    assert_eq!(owners(&records)[0].handle, "1153674767859441664");
    assert!(items(&records).iter().filter(|i| i.kind == ItemKind::Message).all(|i| i.by_owner));
    let (records, _) = import(&root.join("2013_grailbird_anildash"), &Options::default()).unwrap();
    assert_eq!(owners(&records)[0].name.as_deref(), Some("Anil Dash"));
    assert!(items(&records).iter().all(|i| !i.text.contains("&amp;")));
    let (records, _) = import(&root.join("2023_ytd_larsbrinkhoff"), &Options::default()).unwrap();
    assert_eq!(owners(&records)[0].handle, "3128746474", "from manifest.js: this sample has no account.js");
    let spam = items(&records)
        .into_iter()
        .filter(|i| i.kind == ItemKind::Message && i.text.contains("part-time job"))
        .collect::<Vec<_>>();
    assert!(
        !spam.is_empty() && spam.iter().all(|i| !i.by_owner && i.counterparts.len() > 40),
        "group spam goes to the whole group"
    );
}

#[test]
fn a_zipped_archive_with_a_top_folder_imports_like_the_folder() {
    use std::io::Write;
    let zip_path = std::env::temp_dir().join(format!("tactful-twitter-{}.zip", std::process::id()));
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
    let root = fixture("ytd_2023");
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let name = format!("twitter-2024-12-01/{}", p.strip_prefix(&root).unwrap().to_string_lossy());
                zip.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
                zip.write_all(&std::fs::read(&p).unwrap()).unwrap();
            }
        }
    }
    zip.finish().unwrap();
    let (zipped, _) = import(&zip_path, &Options::default()).unwrap();
    let (folder, _) = import(&root, &Options::default()).unwrap();
    let fp = |records: &[Record]| {
        let mut v: Vec<[u8; 16]> = items(records).iter().map(|i| i.fingerprint()).collect();
        v.sort_unstable();
        v
    };
    assert_eq!(fp(&zipped), fp(&folder));
    std::fs::remove_file(zip_path).ok();
}

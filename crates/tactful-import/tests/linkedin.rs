//! The LinkedIn importer, on small exports written for these tests (2018 and
//! 2021+ layouts) and on the real samples in `../shared/data/exports/linkedin`
//! when present.

use std::path::{Path, PathBuf};

use tactful_core::history::{Item, ItemKind, Network, Person, Record};
use tactful_import::{Format, ImportError, Options, util};

mod common;
use common::{Imported, counts, items, scratch, shared};

fn fixture(name: &str) -> PathBuf {
    common::fixture("linkedin", name)
}

fn import(path: &Path, opts: &Options) -> Result<Imported, ImportError> {
    common::import_recognised_as(path, Format::LinkedIn, opts)
}

fn owners(records: &[Record]) -> Vec<&Person> {
    common::owners_on(records, Network::LinkedIn)
}

fn from_file<'a>(records: &'a [Record], file: &str) -> Vec<&'a Item> {
    items(records).into_iter().filter(|i| i.source.file == file).collect()
}

fn at_line<'a>(records: &'a [Record], file: &str, line: u64) -> &'a Item {
    let pos = format!("line {line}");
    items(records)
        .into_iter()
        .find(|i| i.source.file == file && i.source.position == pos)
        .unwrap_or_else(|| panic!("nothing at {file}:{pos}"))
}

#[test]
fn a_2018_export_reads_us_dates_html_entities_utf16_shares_and_directions() {
    let (records, skipped) = import(&fixture("2018"), &Options::default()).unwrap();
    let owner = owners(&records);
    assert_eq!(owner.len(), 1);
    assert_eq!(owner[0].handle, "Dana Seller", "the sender of the OUTGOING messages");
    assert!(matches!(&records[0], Record::Owner { .. }));

    let c = counts(&records);
    assert_eq!(c.get("connection"), Some(&4), "two connections and two invitations");
    assert_eq!(c.get("message"), Some(&3));
    assert_eq!(c.get("post"), Some(&1));
    assert_eq!(c.get("share"), Some(&1));

    let ann = at_line(&records, "Connections.csv", 2);
    assert_eq!(ann.kind, ItemKind::Connection);
    assert_eq!(ann.author.handle, "Ann Baker", "the name, as in Messages.csv and Invitations.csv");
    assert_eq!(ann.author.email.as_deref(), Some("ann@example.invalid"));
    assert_eq!(ann.author.name.as_deref(), Some("Ann Baker"));
    assert_eq!(ann.at, util::unix(2018, 1, 8, 18, 14, 0));
    assert_eq!(ann.text, "Owner at Baker & Sons");
    assert_eq!(at_line(&records, "Connections.csv", 3).at, util::unix(2017, 12, 17, 0, 5, 0));

    let incoming = at_line(&records, "Messages.csv", 2);
    assert!(!incoming.by_owner);
    assert_eq!(incoming.text, "Thanks Dana, I\u{2019}d love the cedar one & a gift box.");
    assert_eq!(incoming.at, util::unix(2018, 10, 16, 8, 36, 0));
    assert_eq!(incoming.thread.as_deref(), Some("Ann Baker"));
    assert_eq!(incoming.counterparts[0].handle, "Dana Seller");
    let outgoing = at_line(&records, "Messages.csv", 3);
    assert!(outgoing.by_owner);
    assert_eq!(outgoing.text, "Hi Ann, the autumn range is out \u{2013} want a sample?");
    assert_eq!(outgoing.thread.as_deref(), Some("Ann Baker"), "both sides of a conversation share a thread");
    assert_eq!(outgoing.counterparts[0].handle, "Ann Baker");

    let sent = at_line(&records, "Invitations.csv", 2);
    assert!(sent.by_owner);
    assert_eq!(sent.author.handle, "Ann Baker", "a connection's author is the other person");
    assert_eq!(sent.text, "Great meeting you at the fair");
    let received = at_line(&records, "Invitations.csv", 3);
    assert!(!received.by_owner);
    assert_eq!(received.author.handle, "Carl Dunn");

    let shares = from_file(&records, "Shares.csv");
    assert_eq!(shares.len(), 2);
    assert_eq!(shares[0].kind, ItemKind::Post);
    assert_eq!(shares[0].text, "Our new shop is open — come say hi! “Grand” opening", "UTF-16 decoded");
    assert_eq!(shares[0].at, util::unix(2017, 6, 8, 8, 15, 44));
    assert_eq!(
        shares[0].external_id.as_deref(),
        Some(
            "https://www.linkedin.com/feed/update/urn%3Ali%3Aactivity%3A1000000000000000001@2017/06/08 08:15:44 UTC"
        ),
        "the link paired with the date"
    );
    assert!(shares[0].by_owner);
    assert_eq!(shares[0].author.handle, "Dana Seller");
    assert_eq!(shares[1].kind, ItemKind::Share);
    assert_eq!(shares[1].text, "https://example.invalid/care");

    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert_eq!((skipped[0].file.as_str(), skipped[0].position.as_str()), ("Messages.csv", "line 5"));
    assert_eq!(skipped[0].reason, "a message without content");
}

#[test]
fn a_2021_export_reads_the_preamble_conversations_long_posts_and_escaped_comments() {
    let (records, skipped) = import(&fixture("2021"), &Options::default()).unwrap();
    let owner = owners(&records);
    assert_eq!(owner.len(), 1);
    assert_eq!(owner[0].name.as_deref(), Some("Dana Seller"), "the person in the most conversations");
    assert_eq!(owner[0].handle, "https://www.linkedin.com/in/dana-seller");

    let c = counts(&records);
    assert_eq!(c.get("connection"), Some(&3));
    assert_eq!(c.get("message"), Some(&5));
    assert_eq!(c.get("post"), Some(&2));
    assert_eq!(c.get("share"), Some(&1));
    assert_eq!(c.get("comment"), Some(&2));
    assert_eq!(c.get("reaction"), Some(&1));

    // The header is on line 4, after the `Notes:` preamble: positions are lines of the file.
    let eve = at_line(&records, "Connections.csv", 5);
    assert_eq!(eve.author.handle, "https://www.linkedin.com/in/eve-fox");
    assert_eq!(eve.at, util::unix(2021, 6, 17, 0, 0, 0));
    assert_eq!(eve.text, "Founder at Fox Crafts");

    let reply = at_line(&records, "messages.csv", 2);
    assert!(!reply.by_owner);
    assert_eq!(reply.thread.as_deref(), Some("2-conv-one=="));
    assert_eq!(reply.at, util::unix(2021, 6, 15, 16, 37, 0));
    assert_eq!(reply.counterparts[0].handle, "https://www.linkedin.com/in/dana-seller");
    let pitch = at_line(&records, "messages.csv", 3);
    assert!(pitch.by_owner);
    assert_eq!(pitch.text, "Hi Eve,\nwould you like a sample of the new range?");
    assert_eq!(pitch.counterparts[0].name.as_deref(), Some("Eve Fox"));
    let group = at_line(&records, "messages.csv", 7);
    assert!(group.by_owner);
    let to: Vec<&str> = group.counterparts.iter().map(|p| p.handle.as_str()).collect();
    assert_eq!(to, ["https://www.linkedin.com/in/eve-fox", "https://www.linkedin.com/in/gus-hale"]);

    let long = items(&records)
        .into_iter()
        .find(|i| i.kind == ItemKind::Post && i.text.starts_with("Three"))
        .unwrap();
    assert_eq!(long.text, "Three things I learned this year:\n\n1. Listen first.\n2. Answer the same day.");
    assert_eq!(long.at, util::unix(2021, 6, 15, 8, 40, 56));
    let quoted = items(&records)
        .into_iter()
        .find(|i| i.kind == ItemKind::Post && i.text.starts_with("He said"))
        .unwrap();
    assert_eq!(quoted.text, "He said \"wow\" at the fair");

    let comment = at_line(&records, "Comments.csv", 2);
    assert_eq!(comment.kind, ItemKind::Comment);
    assert_eq!(comment.text, "Congrats Eve! \"Fox Crafts\" is the best, truly", "backslash-escaped quotes");
    assert_eq!(
        comment.parent.as_deref(),
        Some("https://www.linkedin.com/feed/update/urn%3Ali%3Aactivity%3A3000000000000000001")
    );
    assert!(comment.by_owner);

    let invite = at_line(&records, "Invitations.csv", 2);
    assert_eq!(invite.author.handle, "https://www.linkedin.com/in/eve-fox");
    assert_eq!(invite.at, util::unix(2021, 6, 14, 19, 47, 0));

    assert_eq!(at_line(&records, "Reactions.csv", 2).text, "praise");

    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert_eq!(skipped[0].position, "line 8");
}

#[test]
fn importing_twice_gives_the_same_fingerprints() {
    common::assert_fingerprints_stable_and_distinct(&["2018", "2021"], |name| {
        import(&fixture(name), &Options::default()).unwrap().0
    });
}

#[test]
fn the_owner_option_overrides_the_guess() {
    let opts = Options {
        owner: Some(Person { handle: "Eve Fox".into(), ..Person::default() }),
        network: None,
        strict: false,
    };
    let (records, _) = import(&fixture("2021"), &opts).unwrap();
    assert_eq!(owners(&records)[0].handle, "Eve Fox");
    assert!(at_line(&records, "messages.csv", 2).by_owner);
    assert!(!at_line(&records, "messages.csv", 3).by_owner);
}

// ---------------------------------------------------------------------------
// Bad input.

#[test]
fn the_profile_names_the_owner() {
    let dir = scratch(
        "profile",
        &[
            ("Profile.csv", b"First Name,Last Name,Maiden Name,Headline\nDana,Seller,,Candles\n"),
            ("Comments.csv", b"Date,Link,Message\n2021-06-15 09:10:11,https://x.invalid/1,Hi\n"),
        ],
    );
    let (records, _) = import(&dir, &Options::default()).unwrap();
    assert_eq!(owners(&records)[0].handle, "Dana Seller");
    assert_eq!(items(&records)[0].author.handle, "Dana Seller");
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn bad_files_are_errors_naming_the_file_the_line_and_the_column() {
    common::assert_errors(
        Format::LinkedIn,
        &[
            (
                "ragged",
                "Connections.csv",
                b"Notes:\n\"preamble\"\n\nFirst Name,Last Name,Company,Position,Connected On\nA,B,C,D,17 Jun 2021\nA,B,C,17 Jun 2021\n",
                "Connections.csv:line 6: expected 5 fields",
                "",
            ),
            (
                "latin1",
                "messages.csv",
                b"CONVERSATION ID,FROM,TO,DATE,CONTENT\n1,A,B,2021-06-15 16:37:00 UTC,ok\n1,A,B,2021-06-15 16:37:00 UTC,caf\xe9\n",
                "messages.csv:line 3",
                "UTF-8",
            ),
            (
                "column",
                "Connections.csv",
                b"First Name,Last Name,Company\nA,B,C\n",
                "Connections.csv:line 1 (header): expected a `Connected On` column",
                "",
            ),
        ],
    );
}

#[test]
fn an_unreadable_date_skips_the_row_with_a_reason() {
    let dir = scratch(
        "date",
        &[("Connections.csv", b"First Name,Last Name,Connected On\nA,B,someday\nC,D,17 Jun 2021\n")],
    );
    let (records, skipped) = import(&dir, &Options::default()).unwrap();
    assert_eq!(items(&records).len(), 1);
    assert_eq!(skipped.len(), 1);
    assert_eq!(skipped[0].position, "line 2");
    assert!(skipped[0].reason.contains("someday"), "{:?}", skipped[0]);
    std::fs::remove_dir_all(dir).ok();
}

// ---------------------------------------------------------------------------
// The real samples.

/// Rows in a CSV file, counted with the `csv` crate on its own (after the
/// preamble; UTF-16 decoded), and how many have an empty `column`.
fn rows(path: &Path, column: &str) -> (usize, usize) {
    if !path.exists() {
        return (0, 0);
    }
    let bytes = std::fs::read(path).unwrap();
    let text = if bytes.starts_with(&[0xFF, 0xFE]) {
        String::from_utf16(
            &bytes[2..].chunks(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect::<Vec<_>>(),
        )
        .unwrap()
    } else {
        String::from_utf8(bytes).unwrap()
    };
    let text = match text.find("\nFirst Name") {
        Some(i) if text.starts_with("Notes:") => text[i + 1..].to_string(),
        _ => text,
    };
    let delimiter = if text.lines().next().unwrap().contains('\t') { b'\t' } else { b',' };
    let mut r = csv::ReaderBuilder::new().delimiter(delimiter).from_reader(text.as_bytes());
    let i = r.headers().unwrap().iter().position(|h| h.eq_ignore_ascii_case(column));
    let mut n = 0;
    let mut empty = 0;
    for rec in r.records() {
        let rec = rec.unwrap();
        n += 1;
        if i.is_some_and(|i| rec[i].trim().is_empty()) {
            empty += 1;
        }
    }
    (n, empty)
}

#[test]
fn every_shared_linkedin_sample_imports_with_counts_matching_the_files() {
    let Some(root) = common::each_shared_sample(
        "exports/linkedin",
        2,
        Format::LinkedIn,
        |dir, (records, skipped), get| {
            let name = |n: &str| {
                std::fs::read_dir(dir)
                    .unwrap()
                    .map(|e| e.unwrap().path())
                    .find(|p| p.file_name().unwrap().to_string_lossy().eq_ignore_ascii_case(n))
                    .unwrap_or_else(|| dir.join(n))
            };
            let (connections, _) = rows(&name("Connections.csv"), "");
            let (invitations, _) = rows(&name("Invitations.csv"), "");
            let (messages, empty_messages) = rows(&name("messages.csv"), "content");
            let (shares, _) = rows(&name("Shares.csv"), "");
            assert_eq!(get("connection"), connections + invitations, "{}: connections", dir.display());
            assert_eq!(get("message"), messages - empty_messages, "{}: messages", dir.display());
            assert_eq!(get("post") + get("share"), shares, "{}: shares", dir.display());
            assert_eq!(skipped.len(), empty_messages, "{}: {skipped:?}", dir.display());
            assert_eq!(owners(records).len(), 1, "{}: the owner", dir.display());
            assert!(
                items(records).iter().all(|i| i.at > util::unix(2000, 1, 1, 0, 0, 0)),
                "{}: every date read",
                dir.display()
            );
        },
    ) else {
        return;
    };

    let (records, _) = import(&root.join("2018_abhishek"), &Options::default()).unwrap();
    assert_eq!(owners(&records)[0].handle, "Person0001 Test0001");
    assert!(items(&records).iter().all(|i| !i.text.contains("&rsquo;") && !i.text.contains("&amp;")));
    let (records, _) = import(&root.join("2021_femi"), &Options::default()).unwrap();
    assert_eq!(owners(&records)[0].name.as_deref(), Some("Person0061 Test0061"));
    let long =
        items(&records).into_iter().find(|i| i.text.starts_with("So I did an exploratory analysis")).unwrap();
    assert!(long.text.contains("world.\n\nOnly 0.04%"), "{}", long.text);
}

/// Regression: LinkedIn reuses one ShareLink for many different posts, and
/// using the link as the id made the store keep only one of them.
#[test]
fn posts_sharing_one_link_stay_distinct() {
    let Some(root) = shared("exports/linkedin") else { return };
    let dir = root.join("2021_femi");
    let (records, _) = import(&dir, &Options::default()).unwrap();
    let shares: Vec<&Item> = from_file(&records, "Shares.csv");
    let distinct: std::collections::BTreeSet<[u8; 16]> = shares.iter().map(|i| i.fingerprint()).collect();
    // Count the rows that really differ, straight from the file.
    let mut reader = csv::Reader::from_path(dir.join("Shares.csv")).unwrap();
    let rows: std::collections::BTreeSet<Vec<String>> =
        reader.records().map(|r| r.unwrap().iter().take(4).map(str::to_string).collect()).collect();
    assert_eq!(distinct.len(), rows.len());
}

//! Generic CSV and JSONL files with the documented columns.

use std::path::PathBuf;

use tactful_core::history::{Item, ItemKind, Network, Person, Record};
use tactful_import::{Format, Options, util};

mod common;
use common::{import_as, import_detected as import, items, owners};

fn fixture(name: &str) -> PathBuf {
    common::fixture("generic", name)
}

fn line(records: &[Record], n: u64) -> &Item {
    let pos = format!("line {n}");
    items(records)
        .into_iter()
        .find(|i| i.source.position == pos)
        .unwrap_or_else(|| panic!("nothing at {pos}"))
}

#[test]
fn a_csv_file_with_the_documented_columns() {
    let (records, skipped) = import(&fixture("listening.csv"), &Options::default()).unwrap();
    assert_eq!(items(&records).len(), 5);
    let post = line(&records, 2);
    assert_eq!(post.kind, ItemKind::Post);
    assert_eq!(post.network, Network::Instagram);
    assert_eq!(post.external_id.as_deref(), Some("p-17"));
    assert_eq!(post.author.name.as_deref(), Some("Dana Seller"));
    assert!(post.by_owner);
    assert_eq!(
        post.text, "New cedar candles, made by hand.\nOrder by Friday!",
        "a quoted multi-line text, CRLF read as one line end"
    );
    assert_eq!(post.at, util::unix(2024, 5, 1, 8, 0, 0));
    assert_eq!(post.source.file, "listening.csv");

    let question = line(&records, 4);
    assert_eq!(question.kind, ItemKind::Comment);
    assert!(!question.by_owner);
    assert_eq!(question.parent.as_deref(), Some("p-17"));
    assert_eq!(question.thread.as_deref(), Some("p-17"));
    assert_eq!(question.counterparts, vec![Person::named("@dana")]);

    let answer = line(&records, 5);
    assert_eq!(answer.at, 1_714_557_720, "Unix seconds");
    assert!(!answer.by_owner, "no by_owner and no --owner: not the owner's");

    let dm = line(&records, 6);
    assert_eq!(dm.network, Network::Other, "no network column value and no --network");
    assert_eq!(dm.at, util::unix(2024, 5, 1, 8, 5, 0), "the offset is applied");
    assert_eq!(dm.counterparts, vec![Person::named("@ann.b"), Person::named("@ben")]);
    assert_eq!(dm.external_id, None);

    let like = line(&records, 7);
    assert_eq!(like.kind, ItemKind::Reaction);
    assert_eq!(like.network, Network::Facebook);
    assert_eq!(like.text, "");

    assert_eq!(skipped.len(), 1);
    assert_eq!((skipped[0].file.as_str(), skipped[0].position.as_str()), ("listening.csv", "line 8"));
    assert_eq!(skipped[0].reason, "a comment without text");

    let o = owners(&records);
    assert_eq!(o.len(), 2, "one owner per network where a row says by_owner: {o:?}");
    assert_eq!(
        o[0],
        (
            Network::Instagram,
            &Person { handle: "@dana".into(), name: Some("Dana Seller".into()), ..Person::default() }
        )
    );
    assert_eq!(o[1].0, Network::Other);
}

#[test]
fn the_owner_and_network_options_fill_the_gaps() {
    let opts =
        Options { owner: Some(Person::named("@dana")), network: Some(Network::Instagram), strict: false };
    let (records, _) = import(&fixture("listening.csv"), &opts).unwrap();
    assert!(line(&records, 5).by_owner, "the author is the --owner");
    assert_eq!(line(&records, 6).network, Network::Instagram);
    let o = owners(&records);
    assert_eq!(o.iter().map(|(n, _)| *n).collect::<Vec<_>>(), [Network::Instagram, Network::Facebook]);
    assert!(o.iter().all(|(_, p)| p.handle == "@dana"));
}

#[test]
fn a_jsonl_file_with_the_documented_keys() {
    let (records, skipped) = import(&fixture("history.jsonl"), &Options::default()).unwrap();
    assert!(skipped.is_empty());
    let i = items(&records);
    assert_eq!(i.len(), 4, "the blank line is ignored");
    assert_eq!(i[0].network, Network::X);
    assert_eq!(i[0].text, "Autumn range is out 🍂");
    assert_eq!(i[1].kind, ItemKind::Message, "`dm` is a message");
    assert_eq!(i[1].at, 1_731_315_630);
    assert_eq!(i[1].counterparts, vec![Person::named("@dana")]);
    assert!(!i[1].by_owner);
    assert_eq!(i[2].source.position, "line 4");
    assert!(i[2].by_owner, "\"true\" as a string");
    assert_eq!(i[3].kind, ItemKind::Connection);
    assert_eq!(i[3].author.name.as_deref(), Some("Eve Fox"));
    assert_eq!(i[3].at, util::unix(2024, 11, 12, 0, 0, 0));
    assert_eq!(owners(&records).len(), 2);
}

#[test]
fn importing_twice_gives_the_same_fingerprints() {
    common::assert_fingerprints_stable_and_distinct(&["listening.csv", "history.jsonl"], |name| {
        import(&fixture(name), &Options::default()).unwrap().0
    });
}

#[test]
fn a_folder_reads_every_file_of_the_format() {
    let (records, _) = import_as(&fixture(""), Format::Csv, &Options::default()).unwrap();
    assert_eq!(items(&records).len(), 5);
    let (records, _) = import_as(&fixture(""), Format::Jsonl, &Options::default()).unwrap();
    assert_eq!(items(&records).len(), 4);
}

// ---------------------------------------------------------------------------
// Bad input: each error names the file, the line and the column.

fn bad(name: &str, body: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("tactful-generic-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, body).unwrap();
    let err = import(&path, &Options::default()).unwrap_err().to_string();
    std::fs::remove_file(&path).ok();
    err
}

/// Bad files: each name, what it holds, how its error starts, and a part of
/// the error that says what was found ("" when the start says it all).
const BAD: &[(&str, &[u8], &str, &str)] = &[
    (
        "nokind.csv",
        b"text,at,author\nhi,2024-05-01,@a\n",
        "nokind.csv:line 1 (header): expected a `kind` column",
        "",
    ),
    (
        "ragged.csv",
        b"kind,text,at,author\r\npost,hi,2024-05-01,@a\r\npost,hi,2024-05-01\r\n",
        "ragged.csv:line 3: expected 4 fields",
        "",
    ),
    (
        "kind.csv",
        b"kind,text,at,author\npost,hi,2024-05-01,@a\npoke,hi,2024-05-01,@a\n",
        "kind.csv:line 3 column `kind`: expected one of post, comment",
        "found `poke`",
    ),
    (
        "date.csv",
        b"kind,text,at,author\npost,hi,01/05/2024,@a\n",
        "date.csv:line 2 column `at`: expected an ISO-8601 date-time or Unix seconds, found `01/05/2024`",
        "",
    ),
    (
        "date.jsonl",
        b"{\"kind\":\"post\",\"text\":\"hi\",\"at\":\"2024-13-01\",\"author\":\"@a\"}\n",
        "date.jsonl:line 1 column `at`",
        "",
    ),
    (
        "owner.csv",
        b"kind,text,at,author,by_owner\npost,hi,2024-05-01,@a,maybe\n",
        "owner.csv:line 2 column `by_owner`: expected true or false",
        "",
    ),
    (
        "net.csv",
        b"kind,text,at,author,network\npost,hi,2024-05-01,@a,myspace\n",
        "net.csv:line 2 column `network`",
        "",
    ),
    (
        "cut.jsonl",
        b"{\"kind\":\"post\",\"text\":\"hi\",\"at\":1,\"author\":\"@a\"}\n{\"kind\":\"post\",\"te",
        "cut.jsonl:line 2 column",
        "cut short",
    ),
    ("arr.jsonl", b"[1,2]\n", "arr.jsonl:line 1: expected a JSON object on each line", ""),
    (
        "missing.jsonl",
        b"{\"kind\":\"post\",\"text\":\"hi\",\"at\":1}\n",
        "missing.jsonl:line 1 column `author`: expected a `author` key",
        "",
    ),
    (
        "latin1.jsonl",
        b"{\"kind\":\"post\",\"text\":\"caf\xe9\",\"at\":1,\"author\":\"@a\"}\n",
        "latin1.jsonl:line 1: expected UTF-8 text",
        "",
    ),
    (
        "latin1.csv",
        b"kind,text,at,author\npost,ok,2024-05-01,@a\npost,caf\xe9,2024-05-01,@a\n",
        "latin1.csv:line 3 field 2: expected UTF-8 text",
        "",
    ),
];

#[test]
fn bad_input_is_an_error_naming_the_file_the_line_and_the_column() {
    for (name, body, starts, found) in BAD {
        let err = bad(name, body);
        assert!(err.starts_with(starts) && err.contains(found), "{name}: {err}");
    }
}

#[test]
fn a_bom_and_capitalised_headers_are_fine() {
    let dir = std::env::temp_dir().join(format!("tactful-generic-bom-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bom.csv");
    std::fs::write(&path, b"\xEF\xBB\xBFKind,Text,At,Author\npost,hi,2024-05-01,@a\n").unwrap();
    let (records, _) = import(&path, &Options::default()).unwrap();
    assert_eq!(items(&records).len(), 1);
    std::fs::remove_dir_all(dir).ok();
}

//! What a compliance officer notices, on both backends: a real SQLite file
//! and a real PostgreSQL server (its URL in TACTFUL_TEST_PG_URL, which
//! `scripts/test.sh` sets; each test gets a database of its own).

mod common;

use common::{T0, ingest_csv, officer};

use tactful_company::feed::Format;
use tactful_company::ingest::{self, Options};
use tactful_company::{DEFAULT_COMPANY, audit, roster, schema};
use tactful_store::Store;
use tactful_store::people::Db;

const ROSTER: &str = "\
id,name,email,upline_id,rank,country,joined,left,instagram,facebook,x
D1,Ann Baker,ann@example.com,,Diamond,US,2020-01-15,,@Ann_B,https://www.facebook.com/ann.baker,
D2,Bob Cole,bob@example.com,D1,Silver,CA,2021-03-01,,https://instagram.com/bobcole/,,
D3,Cat Dee,,D2,Bronze,GB,2022-07-09,,,facebook.com/profile.php?id=1000123,@catdee
D4,Dan Eve,,D1,Bronze,US,2023-02-01,,instagram.com/dan.eve?igshid=x,,
";

const FEED: &str = "\
network,url,post_id,author_handle,posted_at,text
instagram,https://instagram.com/p/A1/,A1,https://instagram.com/Ann_B/,2025-11-01T10:00:00Z,Loving the new serum!
facebook,https://facebook.com/ann.baker/posts/9,F9,ann.baker,2025-11-02T10:00:00Z,Join my team and quit your job
instagram,https://instagram.com/p/B1/,B1,@BobCole,2025-11-03T10:00:00.500+01:00,Morning routine
x,https://x.com/catdee/status/77,77,x.com/catdee,2025-11-04T10:00:00Z,Our oils cure anxiety
instagram,https://instagram.com/p/Z1/,Z1,@stranger_1,2025-11-05T10:00:00Z,Who else loves this brand?
";

fn import_roster(db: &mut dyn Db, csv: &str, at: i64) -> roster::RosterSummary {
    roster::import(db, &officer(at), "roster.csv", csv.as_bytes()).unwrap()
}

fn ready(store: &mut dyn Store) -> &mut dyn Db {
    let db = store.people();
    schema::migrate(db).unwrap();
    // Migrating again is a no-op.
    schema::migrate(db).unwrap();
    db
}

fn audit_count(db: &mut dyn Db) -> u64 {
    audit::verify(db, DEFAULT_COMPANY).unwrap().entries
}

fn roster_twice_changes_nothing(store: &mut dyn Store) {
    let db = ready(store);
    let first = import_roster(db, ROSTER, T0);
    assert_eq!((first.added, first.updated, first.unchanged), (4, 0, 0), "{:?}", first.skipped);
    let entries = audit_count(db);
    assert_eq!(entries, 5, "one entry per distributor and one for the import");
    let before = roster::distributors(db, DEFAULT_COMPANY).unwrap();
    let again = import_roster(db, ROSTER, T0 + 60);
    assert_eq!((again.added, again.updated, again.unchanged), (0, 0, 4));
    assert_eq!(roster::distributors(db, DEFAULT_COMPANY).unwrap(), before);
    assert_eq!(audit_count(db), entries, "nothing changed, nothing audited");

    // A changed row updates that distributor alone, and the change is audited with before and after.
    let promoted =
        ROSTER.replace("D2,Bob Cole,bob@example.com,D1,Silver", "D2,Bob Cole,bob@example.com,D1,Gold");
    let s = import_roster(db, &promoted, T0 + 120);
    assert_eq!((s.added, s.updated, s.unchanged), (0, 1, 3));
    let mut last = Vec::new();
    audit::entries(db, DEFAULT_COMPANY, &mut |e| last.push(e)).unwrap();
    let update = &last[last.len() - 2];
    assert_eq!((update.action.as_str(), update.subject.as_str()), ("distributor.update", "distributor:D2"));
    assert!(update.before.as_deref().unwrap().contains(r#""rank":"Silver""#));
    assert!(update.after.as_deref().unwrap().contains(r#""rank":"Gold""#));
    assert_eq!(update.actor, "officer@company");
    assert_eq!(update.at, T0 + 120);
}

fn the_upline_tree_gives_a_leaders_team(store: &mut dyn Store) {
    let db = ready(store);
    import_roster(db, ROSTER, T0);
    let team: Vec<(usize, String)> = roster::list(db, DEFAULT_COMPANY, Some("D2"))
        .unwrap()
        .into_iter()
        .map(|e| (e.depth, e.distributor.id))
        .collect();
    assert_eq!(team, [(0, "D2".to_string()), (1, "D3".to_string())]);
    let all: Vec<String> =
        roster::list(db, DEFAULT_COMPANY, None).unwrap().into_iter().map(|e| e.distributor.id).collect();
    assert_eq!(all, ["D1", "D2", "D3", "D4"]);
    let e = roster::list(db, DEFAULT_COMPANY, Some("D99")).unwrap_err();
    assert_eq!(e.to_string(), "no distributor `D99` on the roster");
}

fn a_cycle_is_refused_by_name(store: &mut dyn Store) {
    let db = ready(store);
    import_roster(db, ROSTER, T0);
    let s = import_roster(db, "id,upline_id\nD1,D3\nD4,D2\n", T0 + 60);
    assert_eq!((s.updated, s.skipped.len()), (1, 1), "D4 moves; D1 under D3 is refused");
    let p = &s.skipped[0];
    assert_eq!((p.line, p.field.as_str()), (2, "upline_id"));
    assert!(p.to_string().contains("upline cycle: D1 → D3 → D2 → D1"), "{p}");
    let d = roster::distributors(db, DEFAULT_COMPANY).unwrap();
    assert_eq!(d["D1"].upline, None);
    assert_eq!(d["D4"].upline.as_deref(), Some("D2"));
}

fn handles_in_url_form_attribute_posts(store: &mut dyn Store) {
    let db = ready(store);
    import_roster(db, ROSTER, T0);
    let s = ingest_csv(db, FEED, T0 + 60);
    assert_eq!((s.read, s.added, s.unattributed, s.skipped), (5, 5, 1, 0), "{:?}", s.problems);
    let by: Vec<(String, Option<String>)> = ingest::posts(db, DEFAULT_COMPANY, None)
        .unwrap()
        .into_iter()
        .map(|p| (p.post_id.unwrap(), p.distributor))
        .collect();
    assert_eq!(
        by,
        [
            ("A1".to_string(), Some("D1".to_string())),
            ("F9".to_string(), Some("D1".to_string())),
            ("B1".to_string(), Some("D2".to_string())),
            ("77".to_string(), Some("D3".to_string())),
            ("Z1".to_string(), None),
        ]
    );
    let bob = ingest::posts(db, DEFAULT_COMPANY, Some("D2")).unwrap();
    assert_eq!(bob[0].posted_at, Some(1_762_160_400), "the offset is applied, the fraction dropped");
}

fn a_leaver_keeps_their_posts(store: &mut dyn Store) {
    let db = ready(store);
    import_roster(db, ROSTER, T0);
    ingest_csv(db, FEED, T0 + 60);
    let s = import_roster(db, "id,left\nD3,2025-11-10\n", T0 + 120);
    assert_eq!(s.updated, 1);
    let d = roster::distributors(db, DEFAULT_COMPANY).unwrap();
    assert_eq!(d["D3"].left.as_deref(), Some("2025-11-10"));
    assert_eq!(d["D3"].name, "Cat Dee", "the rest of the record stays");
    assert_eq!(d["D3"].handles.len(), 2);
    let posts = ingest::posts(db, DEFAULT_COMPANY, Some("D3")).unwrap();
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].text, "Our oils cure anxiety");
    // A post they make after leaving is still theirs.
    let later = "network,post_id,author_handle,text\nx,78,@catdee,Still sharing\n";
    assert_eq!(ingest_csv(db, later, T0 + 180).unattributed, 0);
    let mut actions = Vec::new();
    audit::entries(db, DEFAULT_COMPANY, &mut |e| actions.push(e.action)).unwrap();
    assert!(actions.contains(&"distributor.leave".to_string()), "{actions:?}");
}

fn bad_rows_are_named_and_the_rest_goes_in(store: &mut dyn Store) {
    let db = ready(store);
    let roster_csv = format!(
        "{ROSTER}D5,Eve Fox,eve@,D1,,,,,,,\nD6,Fay Gee,,D404,,,,,,,\nD7,Gus Hill,,D1,,,2024-13-01,,,,\n"
    );
    let s = import_roster(db, &roster_csv, T0);
    assert_eq!(s.added, 4);
    let named: Vec<String> = s.skipped.iter().map(ToString::to_string).collect();
    assert_eq!(
        named,
        [
            "roster.csv:6: email: expected an email address like ann@example.com, or nothing, found `eve@`",
            "roster.csv:7: upline_id: expected the id of a distributor on the roster or in this file, found `D404`",
            "roster.csv:8: joined: expected a date like 2024-05-31, or nothing, found `2024-13-01`",
        ]
    );
    let feed = format!(
        "{FEED}myspace,,M1,@ann_b,2025-11-06T10:00:00Z,hello\ninstagram,,,@ann_b,2025-11-06T10:00:00Z,no id\ninstagram,,C9,@ann_b,last tuesday,when\n"
    );
    let s = ingest_csv(db, &feed, T0 + 60);
    assert_eq!((s.added, s.skipped), (5, 3));
    let named: Vec<(u64, &str)> = s.problems.iter().map(|p| (p.line, p.field.as_str())).collect();
    assert_eq!(named, [(7, "network"), (8, "post_id"), (9, "posted_at")]);
    assert_eq!(s.problems[0].file, "feed.csv");
}

fn an_edit_makes_version_2(store: &mut dyn Store) {
    let db = ready(store);
    import_roster(db, ROSTER, T0);
    ingest_csv(db, FEED, T0 + 60);
    // The same feed again: nothing new.
    let again = ingest_csv(db, FEED, T0 + 120);
    assert_eq!((again.added, again.new_versions, again.unchanged), (0, 0, 5));
    // Cat edits her post; a post known only by URL is seen twice.
    let edited = "\
network,url,post_id,author_handle,posted_at,text
x,https://x.com/catdee/status/77,77,@catdee,2025-11-04T10:00:00Z,Our oils help me relax
instagram,https://www.instagram.com/p/U1/?utm_source=ig,,@bobcole,,No id here
instagram,https://instagram.com/p/U1,,@bobcole,,No id here
";
    let s = ingest_csv(db, edited, T0 + 180);
    assert_eq!((s.added, s.new_versions, s.unchanged), (1, 1, 1), "the URL-keyed post is one post");
    let cat = ingest::posts(db, DEFAULT_COMPANY, Some("D3")).unwrap();
    assert_eq!((cat[0].version, cat[0].text.as_str()), (2, "Our oils help me relax"));
    let versions = ingest::versions(db, DEFAULT_COMPANY, cat[0].id).unwrap();
    let texts: Vec<(i64, &str, &str, i64)> = versions
        .iter()
        .map(|v| (v.version, v.text.as_str(), v.source_file.as_str(), v.source_line))
        .collect();
    assert_eq!(
        texts,
        [(1, "Our oils cure anxiety", "feed.csv", 5), (2, "Our oils help me relax", "feed.csv", 2)]
    );
    assert_eq!(versions[1].seen_at, T0 + 180);
    // The edited text once more adds nothing; the old text back is a third version.
    assert_eq!(ingest_csv(db, edited, T0 + 240).new_versions, 0);
    assert_eq!(ingest_csv(db, FEED, T0 + 300).new_versions, 1);
    // Batches of one (the per-row path) give the same answer.
    let one = ingest::ingest(
        db,
        &officer(T0 + 360),
        "feed.csv",
        FEED.as_bytes(),
        Format::Csv,
        Options { batch: 1 },
    )
    .unwrap();
    assert_eq!((one.added, one.new_versions, one.unchanged), (0, 0, 5));
}

fn unattributed_posts_are_listed_until_the_roster_knows_them(store: &mut dyn Store) {
    let db = ready(store);
    import_roster(db, ROSTER, T0);
    ingest_csv(db, FEED, T0 + 60);
    ingest_csv(
        db,
        "network,post_id,author_handle,text\ninstagram,Z2,stranger_1,Again\nx,Q1,@nobody,hi\n",
        T0 + 120,
    );
    let list = ingest::unattributed(db, DEFAULT_COMPANY).unwrap();
    let got: Vec<(&str, &str, i64)> =
        list.iter().map(|u| (u.network.as_str(), u.handle.as_str(), u.posts)).collect();
    assert_eq!(got, [("instagram", "stranger_1", 2), ("x", "nobody", 1)]);
    assert_eq!(list[0].example_url.as_deref(), Some("https://instagram.com/p/Z1/"));
    // The stranger turns out to be a new distributor: their posts become theirs.
    let s = import_roster(
        db,
        "id,name,upline_id,instagram\nD8,Stan Ger,D4,https://instagram.com/Stranger_1\n",
        T0 + 180,
    );
    assert_eq!((s.added, s.attributed_posts), (1, 2));
    assert_eq!(ingest::posts(db, DEFAULT_COMPANY, Some("D8")).unwrap().len(), 2);
    let left: Vec<String> =
        ingest::unattributed(db, DEFAULT_COMPANY).unwrap().into_iter().map(|u| u.handle).collect();
    assert_eq!(left, ["nobody"]);
    let version_owner =
        db.rows("SELECT COUNT(*) FROM company_post_versions WHERE distributor_id = 'D8'", &[]).unwrap()[0][0]
            .int();
    assert_eq!(version_owner, 2, "the versions carry the distributor too");
}

fn audit_verify_catches_an_entry_changed_by_hand(store: &mut dyn Store) {
    let db = ready(store);
    import_roster(db, ROSTER, T0);
    ingest_csv(db, FEED, T0 + 60);
    let ok = audit::verify(db, DEFAULT_COMPANY).unwrap();
    assert_eq!((ok.entries, ok.broken.clone()), (6, None));
    let recorded = audit::record(db, &officer(T0 + 90), "case.dismiss", "case:1", None, None).unwrap();
    assert_eq!(recorded.seq, 7);
    assert_eq!(audit::verify(db, DEFAULT_COMPANY).unwrap().head, recorded.hash);

    // The log refuses to be edited through SQL…
    let refused = db.exec("UPDATE company_audit SET actor = 'nobody' WHERE seq = 3", &[]);
    assert!(refused.unwrap_err().to_string().contains("append-only"));
    // …and someone with the keys to the database drops the guard and edits an entry anyway.
    if db.postgres() {
        db.exec("DROP TRIGGER company_audit_append_only ON company_audit", &[]).unwrap();
    } else {
        db.exec("DROP TRIGGER company_audit_no_update", &[]).unwrap();
    }
    db.exec(
        "UPDATE company_audit SET after_json = REPLACE(after_json, 'Silver', 'Diamond') WHERE company_id = 1 AND seq = 2",
        &[],
    )
    .unwrap();
    let broken = audit::verify(db, DEFAULT_COMPANY).unwrap();
    assert_eq!(broken.broken, Some(audit::Break::Altered { seq: 2 }));
    assert_eq!(broken.entries, 7);
    assert!(broken.broken.unwrap().to_string().starts_with("entry 2 was changed after it was written"));
}

fn a_newer_company_schema_is_refused(store: &mut dyn Store) {
    let db = ready(store);
    db.exec(
        "INSERT INTO company_schema_version (version) VALUES (?1)",
        &[tactful_store::Arg::Int(schema::VERSION + 1)],
    )
    .unwrap();
    let e = schema::migrate(db).unwrap_err();
    assert!(e.to_string().contains("newer than this tactful understands"), "{e}");
}

/// A reader that gives its bytes, then fails (a disk or a network going away).
struct Breaks(&'static [u8]);
impl std::io::Read for Breaks {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.0.is_empty() {
            return Err(std::io::Error::other("disk went away"));
        }
        let n = self.0.len().min(buf.len());
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

fn a_feed_missing_a_column_changes_nothing(store: &mut dyn Store) {
    let db = ready(store);
    let e = ingest::ingest(
        db,
        &officer(T0),
        "feed.csv",
        "network,post_id,text\nx,1,hi\n".as_bytes(),
        Format::Csv,
        Options::default(),
    )
    .unwrap_err();
    assert!(e.to_string().starts_with("feed.csv: a feed needs the columns"), "{e}");
    assert!(ingest::posts(db, DEFAULT_COMPANY, None).unwrap().is_empty());
    // A file that fails half-way (here: its reader breaks) leaves nothing behind either.
    let e = ingest::ingest(
        db,
        &officer(T0),
        "feed.jsonl",
        Breaks(b"{\"network\":\"x\",\"post_id\":1,\"author_handle\":\"a\",\"text\":\"hi\"}\n"),
        Format::Jsonl,
        Options { batch: 1 },
    )
    .unwrap_err();
    assert!(e.to_string().contains("disk went away"), "{e}");
    assert!(ingest::posts(db, DEFAULT_COMPANY, None).unwrap().is_empty());
    assert_eq!(audit_count(db), 0);
}

fn an_api_key_is_kept_as_a_hash_shown_by_prefix_and_revoked(store: &mut dyn Store) {
    use tactful_company::apikey;
    let db = ready(store);
    let secret = "tk_0123456789abcdef0123456789abcdef0123";
    let k = apikey::create(db, &officer(T0), "listening-tool", secret).unwrap();
    assert_eq!((k.name.as_str(), k.prefix.as_str()), ("listening-tool", "tk_0123456"));
    let stored: Vec<String> = db
        .rows("SELECT name, prefix, hash FROM company_api_keys", &[])
        .unwrap()
        .into_iter()
        .flat_map(|r| r.into_iter().map(|c| c.text()))
        .collect();
    assert!(stored.iter().all(|v| !v.contains(&secret[10..])), "the secret is not at rest: {stored:?}");
    assert_eq!(
        apikey::check(db, DEFAULT_COMPANY, secret).unwrap().map(|k| k.name),
        Some("listening-tool".into())
    );
    assert_eq!(apikey::check(db, DEFAULT_COMPANY, "tk_guess").unwrap(), None);
    let e = apikey::create(db, &officer(T0), "listening-tool", "tk_another_secret_of_enough_length_000")
        .unwrap_err();
    assert!(e.to_string().contains("has a key already"), "{e}");
    assert!(
        apikey::create(db, &officer(T0), "short", "tk_123")
            .unwrap_err()
            .to_string()
            .contains("32 characters")
    );
    let r = apikey::revoke(db, &officer(T0 + 60), "listening-tool").unwrap();
    assert_eq!(r.revoked_at, Some(T0 + 60));
    assert_eq!(apikey::check(db, DEFAULT_COMPANY, secret).unwrap(), None, "a revoked key opens nothing");
    assert!(apikey::revoke(db, &officer(T0 + 60), "listening-tool").is_err());
    let listed = apikey::list(db, DEFAULT_COMPANY).unwrap();
    assert_eq!(listed.len(), 1);
    let actions: Vec<String> = audit::about(db, DEFAULT_COMPANY, "apikey:listening-tool")
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(actions, ["apikey.create", "apikey.revoke"]);
    assert!(audit::verify(db, DEFAULT_COMPANY).unwrap().broken.is_none());
}

on_both_backends!(
    "company":
    roster_twice_changes_nothing,
    the_upline_tree_gives_a_leaders_team,
    a_cycle_is_refused_by_name,
    handles_in_url_form_attribute_posts,
    a_leaver_keeps_their_posts,
    bad_rows_are_named_and_the_rest_goes_in,
    an_edit_makes_version_2,
    unattributed_posts_are_listed_until_the_roster_knows_them,
    audit_verify_catches_an_entry_changed_by_hand,
    a_newer_company_schema_is_refused,
    a_feed_missing_a_column_changes_nothing,
    an_api_key_is_kept_as_a_hash_shown_by_prefix_and_revoked,
);

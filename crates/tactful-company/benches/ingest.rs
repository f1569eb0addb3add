//! Feed ingest speed: N generated posts into SQLite, and into PostgreSQL
//! when TACTFUL_TEST_PG_URL is set, batched (the real path) against the
//! per-row path (batches of one) in the same run, and the same feed again
//! (everything unchanged).
//!
//!   cargo bench -p tactful-company --bench ingest -- 1000000
//!
//! The per-row baseline runs on a tenth of the posts (at least 1,000), so a
//! million-post run does not take an hour; the figures are posts per second.
//! TACTFUL_BENCH_BATCH sets the batch size of the batched run (default 1,000).

#![allow(clippy::print_stdout)]

mod common;

use std::fmt::Write as _;
use std::time::Instant;

use tactful_company::feed::Format;
use tactful_company::ingest::{self, Options};
use tactful_company::{Actor, DEFAULT_COMPANY, roster, schema};
use tactful_store::Store;

const DISTRIBUTORS: usize = 2_000;

fn roster_csv() -> String {
    let mut s = String::from("id,name,upline_id,instagram,x\n");
    for i in 0..DISTRIBUTORS {
        let up = if i == 0 { String::new() } else { format!("D{}", i / 10) };
        let _ = writeln!(s, "D{i},Distributor {i},{up},@seller_{i},https://x.com/Seller_{i}");
    }
    s
}

/// `n` posts: nine in ten by distributors, the rest by handles nobody knows.
fn feed(n: usize, salt: &str) -> Vec<u8> {
    const WORDS: [&str; 12] = [
        "loving", "this", "serum", "my", "team", "morning", "routine", "oils", "join", "glow", "today",
        "friends",
    ];
    let mut out = String::with_capacity(n * 260);
    for i in 0..n {
        let (network, handle) = if i % 2 == 0 { ("instagram", "seller") } else { ("x", "Seller") };
        let author = if i % 10 == 9 {
            format!("@stranger_{}", i % 5_000)
        } else {
            format!("@{handle}_{}", i % DISTRIBUTORS)
        };
        let text: Vec<&str> = (0..20).map(|k| WORDS[(i * 7 + k * 3) % WORDS.len()]).collect();
        let _ = writeln!(
            out,
            r#"{{"network":"{network}","url":"https://{network}.com/p/{i}","post_id":"P{i}","author_handle":"{author}","posted_at":"2025-11-{:02}T10:{:02}:00Z","text":"{} #{i} {salt}"}}"#,
            1 + i % 28,
            i % 60,
            text.join(" ")
        );
    }
    out.into_bytes()
}

fn officer() -> Actor {
    Actor { company: DEFAULT_COMPANY, who: "bench".into(), at: 1_763_715_600 }
}

/// Ingest `data` into `store`; posts per second.
fn rate(store: &mut dyn Store, data: &[u8], batch: usize) -> (ingest::IngestSummary, f64) {
    let t = Instant::now();
    let s = ingest::ingest(store.people(), &officer(), "bench.jsonl", data, Format::Jsonl, Options { batch })
        .unwrap();
    let secs = t.elapsed().as_secs_f64();
    (s.clone(), s.read as f64 / secs)
}

fn prepared(mut store: Box<dyn Store>) -> Box<dyn Store> {
    schema::migrate(store.people()).unwrap();
    roster::import(store.people(), &officer(), "roster.csv", roster_csv().as_bytes()).unwrap();
    store
}

fn batch() -> usize {
    std::env::var("TACTFUL_BENCH_BATCH").ok().and_then(|v| v.parse().ok()).unwrap_or(Options::default().batch)
}

fn run(name: &str, open: &dyn Fn(&str) -> Box<dyn Store>, n: usize) {
    let per_row_n = (n / 10).max(1_000).min(n);
    let data = feed(n, "");
    let mut store = prepared(open("batched"));
    let (s, batched) = rate(store.as_mut(), &data, batch());
    assert_eq!(s.added as usize, n);
    let (again, unchanged) = rate(store.as_mut(), &data, batch());
    assert_eq!(again.unchanged as usize, n);
    let small = feed(per_row_n, "");
    let mut base = prepared(open("per_row"));
    let (b, per_row) = rate(base.as_mut(), &small, 1);
    assert_eq!(b.added as usize, per_row_n);
    println!(
        "{name:<10} batched {n:>9} posts: {batched:>9.0} posts/s | per-row {per_row_n:>8} posts: {per_row:>8.0} posts/s | \
         ratio {:.1}x | same feed again: {unchanged:.0} posts/s ({} unattributed)",
        batched / per_row,
        s.unattributed
    );
}

/// Reading and checking the feed alone, without a store: the ceiling.
fn read_only(data: &[u8]) -> f64 {
    let t = Instant::now();
    let mut feed = tactful_company::feed::Feed::open("bench.jsonl", data, Format::Jsonl).unwrap();
    let mut n = 0u64;
    while let Some(p) = feed.next_post().unwrap() {
        n += u64::from(p.is_ok());
    }
    n as f64 / t.elapsed().as_secs_f64()
}

fn main() {
    let n = common::posts(100_000);
    let dir = std::env::temp_dir().join(format!("tactful-company-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sqlite = |label: &str| -> Box<dyn Store> {
        let p = dir.join(format!("{label}.db"));
        tactful_store::open(&p.display().to_string()).unwrap()
    };
    println!(
        "reading   {n:>9} posts: {:>9.0} posts/s (parse and check only, no store)",
        read_only(&feed(n, ""))
    );
    run("sqlite", &sqlite, n);
    match std::env::var("TACTFUL_TEST_PG_URL") {
        Ok(url) if !url.is_empty() => {
            let pg = |label: &str| -> Box<dyn Store> {
                let db = tactful_store::testing::fresh_pg_database(&url, &format!("bench_{label}")).unwrap();
                tactful_store::open(&db).unwrap()
            };
            run("postgres", &pg, n);
        }
        _ => println!("postgres   skipped: TACTFUL_TEST_PG_URL is not set"),
    }
    let _ = std::fs::remove_dir_all(&dir);
}

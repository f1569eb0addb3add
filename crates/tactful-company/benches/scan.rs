//! Scan speed: a worker's posts per second beside the bulk check's
//! (`Checker::check` in a loop over the same texts, no store: the baseline,
//! in the same run), on SQLite, and on PostgreSQL when TACTFUL_TEST_PG_URL is
//! set, where two workers (two threads, two connections, one queue) run
//! against one.
//!
//!   cargo bench -p tactful-company --bench scan -- 20000
//!
//! The targets (issue 16): a worker at least half the bulk check; two
//! workers at least 1.8 times one. TACTFUL_BENCH_BATCH sets the batch size
//! (default: the worker's, 1,000).

#![allow(clippy::print_stdout)]

mod common;

use std::fmt::Write as _;
use std::time::Instant;

use tactful_app::Checker;
use tactful_company::feed::Format;
use tactful_company::ingest::{self, Options};
use tactful_company::policy::Policy;
use tactful_company::worker::{self, Worker};
use tactful_company::{Actor, DEFAULT_COMPANY, roster, schema};
use tactful_store::Store;

const DISTRIBUTORS: usize = 500;
const AT: i64 = 1_763_715_600;

/// One in ten posts makes a claim (one of a few, pasted by many); the rest are everyday posts.
fn texts(n: usize) -> Vec<String> {
    const WORDS: [&str; 16] = [
        "loving", "this", "serum", "my", "team", "morning", "routine", "walk", "with", "the", "kids", "glow",
        "today", "friends", "coffee", "sunrise",
    ];
    const CLAIMS: [&str; 4] = [
        "These drops cured my anxiety in two weeks, no more pills for me!",
        "I made $5,000 last month from my phone. Quit your job and join my team!",
        "Our tea melts belly fat overnight, lose 20 pounds in a month guaranteed.",
        "Message me to join, spots are filling up fast, only 3 left!",
    ];
    (0..n)
        .map(|i| {
            let words: Vec<&str> = (0..18).map(|k| WORDS[(i * 7 + k * 3 + k * k) % WORDS.len()]).collect();
            if i % 10 == 0 {
                format!("{} {}", CLAIMS[(i / 10) % CLAIMS.len()], words[..6].join(" "))
            } else {
                format!("{} #{i}", words.join(" "))
            }
        })
        .collect()
}

fn officer() -> Actor {
    Actor { company: DEFAULT_COMPANY, who: "bench".into(), at: AT }
}

fn prepared(mut store: Box<dyn Store>, texts: &[String]) -> Box<dyn Store> {
    let db = store.people();
    schema::migrate(db).unwrap();
    let mut r = String::from("id,name,instagram\n");
    for i in 0..DISTRIBUTORS {
        let _ = writeln!(r, "D{i},Distributor {i},@seller_{i}");
    }
    roster::import(db, &officer(), "roster.csv", r.as_bytes()).unwrap();
    let mut feed = String::new();
    for (i, t) in texts.iter().enumerate() {
        let line = serde_json::json!({
            "network": "instagram", "post_id": format!("P{i}"),
            "author_handle": format!("@seller_{}", i % DISTRIBUTORS), "text": t,
        });
        let _ = writeln!(feed, "{line}");
    }
    ingest::ingest(db, &officer(), "bench.jsonl", feed.as_bytes(), Format::Jsonl, Options::default())
        .unwrap();
    assert_eq!(worker::queued(db, DEFAULT_COMPANY).unwrap() as usize, texts.len());
    store
}

fn batch() -> usize {
    std::env::var("TACTFUL_BENCH_BATCH")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(tactful_company::worker::DEFAULT_BATCH)
}

fn new_worker(name: &str) -> Worker {
    Worker::new(Checker::builtin(), Policy::default(), name).batch_size(batch())
}

/// The bulk check: every text through the one checker, nothing stored.
fn bulk(texts: &[String]) -> f64 {
    // Built before the clock starts, as the workers' are.
    let checker = Checker::builtin();
    let t = Instant::now();
    let mut findings = 0usize;
    for text in texts {
        findings += checker.check(text, tactful_core::Channel::Post).len();
    }
    assert!(findings > 0);
    texts.len() as f64 / t.elapsed().as_secs_f64()
}

/// `workers` workers, each in its own thread with its own connection, until the queue is empty.
/// The clock starts when every worker is ready (its checker built, its
/// connection open), as a worker that runs for hours pays those once.
fn scan(open: &(dyn Fn() -> Box<dyn Store> + Sync), workers: usize, n: usize) -> (f64, u64) {
    let ready = std::sync::Barrier::new(workers + 1);
    let (t, (posts, opened)): (Instant, (Vec<u64>, Vec<u64>)) = std::thread::scope(|s| {
        let threads: Vec<_> = (0..workers)
            .map(|k| {
                let ready = &ready;
                s.spawn(move || {
                    let mut store = open();
                    let w = new_worker(&format!("bench-{k}"));
                    ready.wait();
                    let s = w.run(store.people(), DEFAULT_COMPANY, &|| AT, &mut |_| {}).unwrap();
                    (s.posts, s.opened)
                })
            })
            .collect();
        ready.wait();
        let t = Instant::now();
        (t, threads.into_iter().map(|t| t.join().unwrap()).unzip())
    });
    let secs = t.elapsed().as_secs_f64();
    assert_eq!(posts.iter().sum::<u64>() as usize, n, "every post scanned exactly once");
    (n as f64 / secs, opened.iter().sum())
}

fn main() {
    let n = common::posts(20_000);
    let texts = texts(n);
    let baseline = bulk(&texts);
    println!("bulk check {n:>8} posts: {baseline:>8.0} posts/s (Checker::check in a loop, no store)");

    let dir = std::env::temp_dir().join(format!("tactful-company-scan-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("scan.db").display().to_string();
    drop(prepared(tactful_store::open(&path).unwrap(), &texts));
    let (one, cases) = scan(&|| tactful_store::open(&path).unwrap(), 1, n);
    println!(
        "sqlite     1 worker  {n:>8} posts: {one:>8.0} posts/s = {:.2}x the bulk check ({cases} cases)",
        one / baseline
    );
    let _ = std::fs::remove_dir_all(&dir);

    match std::env::var("TACTFUL_TEST_PG_URL") {
        Ok(url) if !url.is_empty() => {
            let mut rates = Vec::new();
            for workers in [1, 2] {
                let db = tactful_store::testing::fresh_pg_database(&url, &format!("bench_scan_{workers}"))
                    .unwrap();
                drop(prepared(tactful_store::open(&db).unwrap(), &texts));
                let (rate, cases) = scan(&|| tactful_store::open(&db).unwrap(), workers, n);
                println!(
                    "postgres   {workers} worker{} {n:>8} posts: {rate:>8.0} posts/s = {:.2}x the bulk check ({cases} cases)",
                    if workers == 1 { " " } else { "s" },
                    rate / baseline
                );
                rates.push(rate);
            }
            println!("postgres   two workers / one: {:.2}x", rates[1] / rates[0]);
        }
        _ => println!("postgres   skipped: TACTFUL_TEST_PG_URL is not set"),
    }
}

//! The case list over N cases (default 1,000,000): the first page, a page
//! deep in the list (keyset), each filter and order the CLI offers, timed
//! against two baselines measured in the same run on the same table:
//! `SELECT count(*)` of the company's cases (a scan of an index) and an
//! index-only probe (the newest 50 case ids). On SQLite, and on PostgreSQL
//! when TACTFUL_TEST_PG_URL is set.
//!
//!   cargo bench -p tactful-company --bench cases -- 1000000
//!
//! Each figure is the median of 15 runs, in milliseconds, then as a ratio to
//! the count. The target is a page in under 100 ms.

#![allow(clippy::print_stdout)]

use std::time::Instant;

use tactful_company::DEFAULT_COMPANY;
use tactful_company::case::Status;
use tactful_company::cases::{self, Filter, Order, Statuses};
use tactful_store::Store;
use tactful_store::people::Db;

mod fill;
use fill::fill;

const RUNS: usize = 15;

/// Median milliseconds of `f` over RUNS runs (after one warm-up run).
fn median(mut f: impl FnMut()) -> f64 {
    f();
    let mut t: Vec<f64> = (0..RUNS)
        .map(|_| {
            let s = Instant::now();
            f();
            s.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    t.sort_by(f64::total_cmp);
    t[RUNS / 2]
}

fn run(name: &str, db: &mut dyn Db, n: usize) {
    let t = Instant::now();
    fill(db, n);
    println!("{name}: {n} cases written in {:.1}s", t.elapsed().as_secs_f64());
    let count = median(|| {
        let c = db.rows("SELECT count(*) FROM company_cases WHERE company_id = 1", &[]).unwrap()[0][0].int();
        assert_eq!(c as usize, n);
    });
    let probe = median(|| {
        let r = db
            .rows("SELECT id FROM company_cases WHERE company_id = 1 AND id < 9223372036854775807 ORDER BY id DESC LIMIT 50", &[])
            .unwrap();
        assert_eq!(r.len(), 50.min(n));
    });
    println!("{name}: baselines: count(*) {count:.2} ms | index-only probe of 50 ids {probe:.3} ms");
    // A cursor half-way down, in each order, from a real page.
    let deep_newest = (n / 2).to_string();
    let mid = cases::list(
        db,
        DEFAULT_COMPANY,
        &Filter { order: Order::Priority, after: None, limit: Some(50), ..Filter::default() },
    )
    .unwrap()
    .next
    .unwrap();
    let deep_priority = format!("{}:{}", mid.split_once(':').unwrap().0, n / 2);
    let pages: [(&str, Filter); 13] = [
        ("first page, newest", Filter::default()),
        ("page at case N/2, newest", Filter { after: Some(deep_newest), ..Filter::default() }),
        ("first page, priority", Filter { order: Order::Priority, ..Filter::default() }),
        (
            "page at case N/2, priority",
            Filter { order: Order::Priority, after: Some(deep_priority), ..Filter::default() },
        ),
        ("status new, newest", Filter { status: Some(Status::New.into()), ..Filter::default() }),
        (
            "status new, priority",
            Filter { status: Some(Status::New.into()), order: Order::Priority, ..Filter::default() },
        ),
        ("open cases, newest", Filter { status: Some(Statuses::Open), ..Filter::default() }),
        (
            "open cases, priority",
            Filter { status: Some(Statuses::Open), order: Order::Priority, ..Filter::default() },
        ),
        ("one distributor, newest", Filter { distributor: Some("D7".into()), ..Filter::default() }),
        ("a rare rule (1 in 1000), newest", Filter { rule: Some("FIN009".into()), ..Filter::default() }),
        (
            "a rare rule, priority",
            Filter { rule: Some("FIN009".into()), order: Order::Priority, ..Filter::default() },
        ),
        ("one case group, newest", Filter { group: Some(2_500), ..Filter::default() }),
        // The cases were opened a second apart from 1763715600: a day from
        // the middle of the million.
        (
            "a day in the middle, newest",
            Filter {
                opened_from: Some(1_763_715_600 + 400_000),
                opened_before: Some(1_763_715_600 + 486_400),
                ..Filter::default()
            },
        ),
    ];
    for (label, filter) in pages {
        let mut got = 0;
        let ms = median(|| got = cases::list(db, DEFAULT_COMPANY, &filter).unwrap().cases.len());
        assert!(got > 0, "{label}: an empty page measures nothing");
        println!(
            "{name}: {label:<34} {ms:>8.2} ms  {:>6.3}x count(*)  {:>7.1}x probe  ({got} cases){}",
            ms / count,
            ms / probe,
            if ms < 100.0 { "" } else { "  OVER 100 ms" }
        );
    }
}

fn main() {
    let n: usize =
        std::env::args().skip(1).find_map(|a| a.replace('_', "").parse().ok()).unwrap_or(1_000_000);
    let path = std::env::temp_dir().join(format!("tactful-cases-bench-{}.db", std::process::id()));
    {
        let mut store = tactful_store::open(&path.display().to_string()).unwrap();
        run("sqlite", store.people(), n);
    }
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
    }
    match std::env::var("TACTFUL_TEST_PG_URL") {
        Ok(url) if !url.is_empty() => {
            let db = tactful_store::testing::fresh_pg_database(&url, "bench_cases").unwrap();
            let mut store: Box<dyn Store> = tactful_store::open(&db).unwrap();
            run("postgres", store.people(), n);
        }
        _ => println!("postgres: skipped: TACTFUL_TEST_PG_URL is not set"),
    }
}

//! Import throughput and peak memory for a generated Facebook export of
//! 1,000,000 messages (1,000 threads of 1,000 messages), into SQLite and, when
//! TACTFUL_TEST_PG_URL is set (scripts/test.sh sets it), into PostgreSQL.
//! Baseline in the same run: parsing the export with no store at all.
//!
//! Run: `cargo bench -p tactful-import --bench import` (set TACTFUL_BENCH_MESSAGES
//! to change the size). Peak memory is the process's VmHWM, read after each phase.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use tactful_import::testing::peak_rss_mb;
use tactful_import::{Format, Options};
use tactful_store::Store;

/// Write the export to disk one thread at a time, so generating it does not
/// inflate the peak memory we measure.
fn generate(dir: &Path, threads: usize, per_thread: usize) {
    let inbox = dir.join("messages/inbox");
    for t in 0..threads {
        let tdir = inbox.join(format!("friend{t}_abc{t}"));
        std::fs::create_dir_all(&tdir).unwrap();
        let mut f = std::io::BufWriter::new(std::fs::File::create(tdir.join("message_1.json")).unwrap());
        write!(f, "{{\"participants\": [{{\"name\": \"Friend {t}\"}}, {{\"name\": \"Sam Seller\"}}], \"messages\": [").unwrap();
        for m in 0..per_thread {
            let sender = if m % 2 == 0 { format!("Friend {t}") } else { "Sam Seller".to_string() };
            let ts = 1_600_000_000_000_i64 + (t * per_thread + m) as i64 * 60_000;
            let sep = if m + 1 == per_thread { "" } else { "," };
            write!(
                f,
                "{{\"sender_name\": \"{sender}\", \"timestamp_ms\": {ts}, \"content\": \"Message {m} in thread {t}: thanks for the tips on the lavender oil, see you Saturday!\"}}{sep}"
            )
            .unwrap();
        }
        write!(f, "], \"title\": \"Friend {t}\", \"thread_path\": \"inbox/friend{t}_abc{t}\"}}").unwrap();
    }
}

/// One store's import of `n` records in `secs`, beside parsing alone (`parse_secs`).
fn print_store(store: &str, n: u64, secs: f64, parse_secs: f64) {
    println!(
        "{store:<22}: {n} records in {secs:.2}s = {:>9.0} records/s ({:.2}x the parse-only time), peak memory {:.0} MB",
        n as f64 / secs,
        secs / parse_secs,
        peak_rss_mb()
    );
}

fn import_into(store: Option<&mut dyn Store>, dir: &Path) -> (u64, f64) {
    let mut src = tactful_import::source::open(dir, tactful_import::source::Limits::default()).unwrap();
    let opts = Options::default();
    let mut n = 0u64;
    let t = Instant::now();
    match store {
        Some(store) => {
            let mut w = store.writer().unwrap();
            tactful_import::run(Format::Facebook, src.as_mut(), &opts, &mut |r| {
                n += 1;
                w.add(&r).map(|_| ()).map_err(|e| tactful_import::ImportError::Sink(e.to_string()))
            })
            .unwrap();
            w.commit().unwrap();
        }
        None => {
            tactful_import::run(Format::Facebook, src.as_mut(), &opts, &mut |_| {
                n += 1;
                Ok(())
            })
            .unwrap();
        }
    }
    (n, t.elapsed().as_secs_f64())
}

fn main() {
    let total: usize =
        std::env::var("TACTFUL_BENCH_MESSAGES").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let threads = 1000.min(total.max(1));
    let per_thread = total / threads;
    let root: PathBuf = std::env::temp_dir().join(format!("tactful-import-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let export = root.join("export");
    let t = Instant::now();
    generate(&export, threads, per_thread);
    println!(
        "generated {} messages in {threads} threads in {:.1}s",
        threads * per_thread,
        t.elapsed().as_secs_f64()
    );

    let (n, secs) = import_into(None, &export);
    println!(
        "parse only (baseline) : {n} records in {secs:.2}s = {:>9.0} records/s, peak memory {:.0} MB",
        n as f64 / secs,
        peak_rss_mb()
    );

    let db = root.join("bench.db");
    let mut sqlite = tactful_store::SqliteStore::open(&db).unwrap();
    let (n, secs_sqlite) = import_into(Some(&mut sqlite), &export);
    print_store("SQLite", n, secs_sqlite, secs);
    let (again, secs_again) = import_into(Some(&mut sqlite), &export);
    println!("SQLite, same export again (adds nothing): {again} records checked in {secs_again:.2}s");

    match std::env::var("TACTFUL_TEST_PG_URL") {
        Ok(url) if !url.is_empty() => {
            let db_url = tactful_store::testing::fresh_pg_database(&url, "bench").unwrap();
            let mut pg = tactful_store::PgStore::open(&db_url).unwrap();
            let (n, secs_pg) = import_into(Some(&mut pg), &export);
            print_store("PostgreSQL", n, secs_pg, secs);
        }
        _ => println!(
            "PostgreSQL            : skipped (TACTFUL_TEST_PG_URL not set; scripts/test.sh starts a server)"
        ),
    }
    let _ = std::fs::remove_dir_all(&root);
}

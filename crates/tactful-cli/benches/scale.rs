//! `tactful today`, `tactful report` and `tactful responses` on a store of 1,000,000 content items,
//! timed as the user runs them (the real binary, a fresh process each), beside
//! baselines measured in the same run on the same store: `SELECT count(*)`
//! and a plain full read of the items table. Also times the import itself.
//!
//! The history is generated and deterministic (given the day it runs): about
//! 90% direct messages between the seller and 5,000 people over the two years
//! up to today, about 10% posts of the seller's; a few messages ask about the
//! product or report a problem, a few of the seller's pitch. It goes through
//! the generic JSONL importer.
//!
//! Run: `cargo bench -p tactful-cli --bench scale` (TACTFUL_BENCH_ITEMS changes
//! the size; TACTFUL_BENCH_BEFORE=path/to/an/older/tactful also times the
//! import with a tactful from before the derived tables, for the ratio, and
//! the first `today` on the store it wrote, which fills them). Peak memory is each process's maximum resident set size, from
//! GNU time (`/usr/bin/time`) for the child processes and VmHWM from
//! /proc/self/status for the baselines in this process.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use tactful_core::seeded::Rng;
use tactful_import::testing::peak_rss_mb;
use tactful_store::Filter;

const PEOPLE: u64 = 5_000;
const DAY: i64 = 86_400;

const THEIRS: &[&str] = &[
    "Thanks so much, that was really helpful!",
    "Haha love it, see you on Saturday",
    "How much is the lavender starter kit?",
    "My order still hasn't arrived, can you check?",
    "Good morning! Hope the kids are well",
    "Can I buy the glow serum from you directly?",
    "That recipe was amazing, we tried it last night",
    "Where is my order? It has been two weeks",
];
const MINE: &[&str] = &[
    "So glad it helped! Let me know how it goes",
    "Morning! All good here, busy week at school",
    "Order now and get 20% off this week only!",
    "Happy to help, I will check the tracking for you",
    "Here is the tip I mentioned: a drop on the pillow works wonders",
];
const POSTS: &[&str] = &[
    "Three tips for calmer mornings with little ones",
    "Our weekend at the lake, grateful for this family",
    "New product launch! Shop now, link in bio",
    "Did you know lavender has been used for centuries? Here's how",
];

/// Write `n` items as JSONL, oldest first, ending yesterday.
fn generate(path: &Path, n: u64, today: i64) {
    let mut rng = Rng(42);
    let start = today - 730 * DAY;
    let step = (730 * DAY) as f64 / n as f64;
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for i in 0..n {
        let at = start + (i as f64 * step) as i64;
        let person = rng.below(PEOPLE);
        let network = ["facebook", "instagram", "x"][(person % 3) as usize];
        let handle = format!("person{person}");
        let line = if rng.below(10) == 0 {
            let text = POSTS[rng.below(POSTS.len() as u64) as usize];
            serde_json::json!({"kind": "post", "id": format!("p{i}"), "network": network, "at": at, "author": "me", "by_owner": true, "text": text})
        } else if rng.below(2) == 0 {
            let text = THEIRS[rng.below(THEIRS.len() as u64) as usize];
            serde_json::json!({"kind": "message", "id": format!("m{i}"), "network": network, "at": at, "author": handle, "by_owner": false,
                "to": ["me"], "thread": format!("dm-{person}"), "text": text})
        } else {
            let text = MINE[rng.below(MINE.len() as u64) as usize];
            serde_json::json!({"kind": "message", "id": format!("m{i}"), "network": network, "at": at, "author": "me", "by_owner": true,
                "to": [handle], "thread": format!("dm-{person}"), "text": text})
        };
        writeln!(f, "{line}").unwrap();
    }
}

/// Run this tactful under GNU time: (seconds, peak MB, stdout).
fn timed(args: &[&str]) -> (f64, f64, String) {
    timed_with(env!("CARGO_BIN_EXE_tactful"), args)
}

/// Run `bin` under GNU time: (seconds, peak MB, stdout).
fn timed_with(bin: &str, args: &[&str]) -> (f64, f64, String) {
    let gnu_time = Path::new("/usr/bin/time").exists();
    let t = Instant::now();
    let out = if gnu_time {
        Command::new("/usr/bin/time")
            .arg("-f")
            .arg("maxrss-kb %M")
            .arg(bin)
            .args(args)
            .env_remove("TACTFUL_DATABASE_URL")
            .output()
            .unwrap()
    } else {
        Command::new(bin).args(args).env_remove("TACTFUL_DATABASE_URL").output().unwrap()
    };
    let secs = t.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "tactful {args:?} failed: {stderr}");
    let mb = stderr
        .lines()
        .find_map(|l| l.strip_prefix("maxrss-kb ").and_then(|v| v.trim().parse::<f64>().ok()))
        .map_or(f64::NAN, |kb| kb / 1024.0);
    (secs, mb, String::from_utf8_lossy(&out.stdout).into_owned())
}

fn main() {
    let n: u64 = std::env::var("TACTFUL_BENCH_ITEMS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let today = now - now.rem_euclid(DAY);
    let dir: PathBuf = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("scale");
    std::fs::create_dir_all(&dir).unwrap();
    let jsonl = dir.join(format!("history-{n}-{}.jsonl", today / DAY));
    if !jsonl.exists() {
        let t = Instant::now();
        generate(&jsonl, n, today);
        println!("generated {n} items in {:.1} s ({})", t.elapsed().as_secs_f64(), jsonl.display());
    }
    let db = dir.join(format!("store-{n}.db"));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    let db_s = db.to_str().unwrap();

    let import = ["import", "--db", db_s, "--owner", "me", "--format", "jsonl", jsonl.to_str().unwrap()];
    // The import without derived tables, for the ratio: a tactful built
    // before them (TACTFUL_BENCH_BEFORE=path/to/that/tactful), run just before.
    let before = std::env::var("TACTFUL_BENCH_BEFORE").ok().filter(|b| Path::new(b).exists());
    let old_db = dir.join(format!("store-{n}-before.db"));
    let old_s = old_db.to_str().unwrap().to_string();
    let mut before_s = None;
    if let Some(bin) = &before {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{old_s}{suffix}"));
        }
        let mut args = import;
        args[2] = &old_s;
        let (s, mb, _) = timed_with(bin, &args);
        println!("import      {n} items, without derived tables ({bin}): {s:>7.2} s  {mb:>6.0} MB");
        before_s = Some(s);
    }
    let (import_s, import_mb, _) = timed(&import);
    println!(
        "import      {n} items: {import_s:>7.2} s  {import_mb:>6.0} MB  ({:.0} items/s)",
        n as f64 / import_s
    );
    if let Some(b) = before_s {
        println!("import      with derived tables ÷ without: ×{:.2}", import_s / b);
    }

    // Baselines, in this process, on the same store.
    let mut store = tactful_store::open(db_s).unwrap();
    let t = Instant::now();
    let counted =
        u64::try_from(store.people().rows("SELECT count(*) FROM stored_items", &[]).unwrap()[0][0].int())
            .unwrap();
    let count_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let per_kind: u64 = store.counts().unwrap().iter().map(|c| c.2).sum();
    let kinds_s = t.elapsed().as_secs_f64();
    assert_eq!(per_kind, counted);
    let t = Instant::now();
    let mut read = 0u64;
    let mut bytes = 0usize;
    store
        .items(&Filter::default(), &mut |it| {
            read += 1;
            bytes += it.text.len();
            true
        })
        .unwrap();
    let read_s = t.elapsed().as_secs_f64();
    assert_eq!(read, counted);
    println!(
        "baseline    SELECT count(*) FROM items: {count_s:>7.3} s; count(*) per network and kind: {kinds_s:>7.3} s"
    );
    println!(
        "baseline    full read of the items table ({read} items, {:.0} MB of text): {read_s:>7.3} s  (process peak {:.0} MB)",
        bytes as f64 / 1e6,
        peak_rss_mb()
    );
    drop(store);

    // A month that is over: the last full month before today.
    let month = {
        let (y, m) = tactful_core::coaching::month(today - DAY)
            .split_once('-')
            .map(|(y, m)| (y.parse::<i64>().unwrap(), m.parse::<i64>().unwrap()))
            .unwrap();
        let (y, m) = if m == 1 { (y - 1, 12) } else { (y, m - 1) };
        format!("{y:04}-{m:02}")
    };
    let html = dir.join("report.html");
    // A command's time and memory, against reading every item and against counting them.
    let against = |s: f64, mb: f64| {
        format!("{s:>7.3} s  {mb:>6.0} MB   ×{:.1} a full read, ×{:.0} count(*)", s / read_s, s / count_s)
    };
    for round in ["first run", "second run"] {
        let (s, mb, out) = timed(&["today", "--db", db_s]);
        let waiting = out.lines().filter(|l| l.contains("has waited")).count();
        println!("today       ({round}): {}  ({waiting} waiting rows shown)", against(s, mb));
        let (s, mb, _) = timed(&["report", "--db", db_s, "--month", &month, "--out", html.to_str().unwrap()]);
        println!("report {month} ({round}): {}", against(s, mb));
        let (s, mb, out) = timed(&["responses", "--db", db_s]);
        let groups = out.lines().filter(|l| l.contains('%')).count();
        println!("responses   ({round}): {}  ({groups} rows of figures)", against(s, mb));
    }
    if before_s.is_some() {
        // A store written before the derived tables: the first read fills them, once.
        let (s, mb, _) = timed(&["today", "--db", &old_s]);
        println!(
            "today       on a store from before the derived tables (fills them once): {s:>7.2} s  {mb:>6.0} MB"
        );
        let (s, mb, _) = timed(&["today", "--db", &old_s]);
        println!("today       on that store, next run: {s:>7.3} s  {mb:>6.0} MB");
    }
}

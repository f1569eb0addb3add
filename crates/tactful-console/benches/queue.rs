//! The reviewer's queue under load, on loopback: N cases (default 1,000,000)
//! written in SQL, 200 reviewers signed in, the console served on
//! 127.0.0.1, and 200 keep-alive clients paging GET /cases for a fixed time
//! (default 20 s) with varied filters. Two modes: closed loop (the next page
//! as soon as the last arrives: saturation) and reviewers who read (a
//! seeded 0.5–1.5 s pause between pages). Each is measured beside a baseline
//! in the same run: the same clients on GET /login, which touches no store.
//! On SQLite, and on PostgreSQL when TACTFUL_TEST_PG_URL is set (the target:
//! p99 under 200 ms, no errors).
//!
//!   source scripts/pg.sh && start_test_postgres
//!   cargo bench -p tactful-console --bench queue -- 1000000 20 [multi|current|both]
//!
//! The third argument is the server's tokio runtime: `multi` (2 workers,
//! the default), `current` (one thread, as `tactful company serve` builds
//! it) or `both`; `sqlite` or `postgres` runs one backend only. A page
//! with an "Older cases" link (`after=`) is followed a few pages deep;
//! without one, a reviewer moves to the next filter.

#![allow(clippy::print_stdout)]

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use tactful_company::Actor;
use tactful_console::web::{COOKIE, Console, router};
use tactful_console::{Role, accounts};
use tactful_store::Store;
use tactful_store::people::Db;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[path = "../../tactful-company/benches/fill.rs"]
mod fill;

const NOW: i64 = 1_795_000_000;
const PASSWORD: &str = "correct horse battery";
const CLIENTS: usize = 200;
const TARGET_P99_MS: f64 = 200.0;

fn now() -> i64 {
    NOW
}

/// The filters a reviewer works through, as query strings; `{d}` becomes a
/// distributor the reviewer picks, `{g}` a case group. The cases were
/// opened a second apart from 2025-11-21 09:00 UTC: the day asked for is in
/// the middle of the million.
const FILTERS: [&str; 9] = [
    "",
    "status=new",
    "rule=HLT001",
    "rule=FIN009",
    "distributor={d}",
    "category=health",
    "status=escalated&category=income",
    "from=2025-11-25&to=2025-11-25",
    "group={g}",
];

/// A small seeded generator (splitmix64): the same run twice asks the same pages.
struct Seeded(u64);

impl Seeded {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// One reviewer account per client, each signed in once (argon2 is slow on
/// purpose: this is the setup, before any timing): their session tokens.
fn reviewers(db: &mut dyn Db) -> Vec<String> {
    tactful_console::schema::migrate(db).unwrap();
    let actor =
        Actor { company: tactful_company::DEFAULT_COMPANY, who: "officer@example.com".into(), at: NOW - 600 };
    (0..CLIENTS)
        .map(|i| {
            let email = format!("reviewer{i}@example.com");
            let inv = accounts::invite(db, &actor, &email, &email, Role::Reviewer, None).unwrap();
            accounts::accept(db, &inv.token, PASSWORD, NOW - 100).unwrap();
            accounts::login(db, tactful_company::DEFAULT_COMPANY, &email, PASSWORD, NOW - 50).unwrap().token
        })
        .collect()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Flavor {
    Multi,
    Current,
}

impl Flavor {
    fn name(self) -> &'static str {
        match self {
            Flavor::Multi => "multi-thread runtime (2 workers)",
            Flavor::Current => "current-thread runtime",
        }
    }
}

/// Serve the console for `store` on a free loopback port, in the background
/// for the rest of the process.
fn serve(store: String, flavor: Flavor) -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    listener.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        let rt = match flavor {
            Flavor::Multi => {
                tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()
            }
            Flavor::Current => tokio::runtime::Builder::new_current_thread().enable_all().build(),
        }
        .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            let app = router(Console {
                store,
                company: tactful_company::DEFAULT_COMPANY,
                secure_cookie: false,
                now,
            });
            axum::serve(listener, app).await.unwrap();
        });
    });
    port
}

/// A keep-alive HTTP/1.1 connection (reopened after a failure).
struct Conn {
    port: u16,
    stream: Option<TcpStream>,
    buf: Vec<u8>,
}

impl Conn {
    /// GET `path`: the status and the body.
    async fn get(&mut self, path: &str, cookie: &str) -> std::io::Result<(u16, Vec<u8>)> {
        if self.stream.is_none() {
            let s = TcpStream::connect(("127.0.0.1", self.port)).await?;
            s.set_nodelay(true)?;
            self.stream = Some(s);
            self.buf.clear();
        }
        let r = self.exchange(path, cookie).await;
        if r.is_err() {
            self.stream = None;
        }
        r
    }

    async fn exchange(&mut self, path: &str, cookie: &str) -> std::io::Result<(u16, Vec<u8>)> {
        let bad = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_string());
        let s = self.stream.as_mut().expect("connected");
        let req = format!(
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nCookie: {COOKIE}={cookie}\r\n\r\n",
            self.port
        );
        s.write_all(req.as_bytes()).await?;
        let head_end = loop {
            if let Some(i) = self.buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            self.buf.reserve(64 * 1024);
            if s.read_buf(&mut self.buf).await? == 0 {
                return Err(bad("the server closed the connection"));
            }
        };
        let head = String::from_utf8_lossy(&self.buf[..head_end]).to_ascii_lowercase();
        let status: u16 =
            head.split(' ').nth(1).and_then(|c| c.parse().ok()).ok_or_else(|| bad("no status"))?;
        // axum's pages carry a length; anything else (chunked) is not what the console sends.
        let len: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .ok_or_else(|| bad("no content-length"))?;
        while self.buf.len() < head_end + len {
            self.buf.reserve(head_end + len - self.buf.len());
            if s.read_buf(&mut self.buf).await? == 0 {
                return Err(bad("the body was cut short"));
            }
        }
        let body = self.buf[head_end..head_end + len].to_vec();
        self.buf.drain(..head_end + len);
        Ok((status, body))
    }
}

/// The page's "Older cases" link: the first `/cases?…after=…` href.
fn older_link(body: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    text.match_indices("href=\"/cases?").find_map(|(i, _)| {
        let href = &text[i + 6..];
        let href = &href[..href.find('"')?];
        href.contains("after=").then(|| href.replace("&amp;", "&"))
    })
}

#[derive(Default)]
struct Tally {
    /// Microseconds, one per answered request.
    latencies: Vec<u64>,
    /// Non-200 answers by status; 0 for a failed exchange.
    errors: BTreeMap<u16, usize>,
    /// Requests that followed an "Older cases" link.
    deeper: usize,
}

/// One reviewer for `secs`: pages of the queue (or the login page, for the
/// baseline), with or without a reader's pause between them.
async fn reviewer(port: u16, cookie: String, seed: u64, queue: bool, read: bool, until: Instant) -> Tally {
    let mut rng = Seeded(seed);
    let mut conn = Conn { port, stream: None, buf: Vec::new() };
    let mut tally = Tally::default();
    let pause = |rng: &mut Seeded| Duration::from_millis(500 + rng.below(1000));
    if read {
        // Reviewers do not all arrive in the same millisecond.
        tokio::time::sleep(Duration::from_millis(rng.below(1000))).await;
    }
    let (mut next, mut depth) = (None::<String>, 0u64);
    while Instant::now() < until {
        let path = if !queue {
            "/login".to_string()
        } else if let Some(p) = next.take() {
            tally.deeper += 1;
            p
        } else {
            depth = 1 + rng.below(5);
            let d = format!("D{}", rng.below(20_000));
            let g = (1 + rng.below(5_000)).to_string();
            let q = FILTERS[rng.below(FILTERS.len() as u64) as usize].replace("{d}", &d).replace("{g}", &g);
            if q.is_empty() { "/cases".to_string() } else { format!("/cases?{q}") }
        };
        let t = Instant::now();
        match conn.get(&path, &cookie).await {
            Ok((200, body)) => {
                tally.latencies.push(t.elapsed().as_micros() as u64);
                depth = depth.saturating_sub(1);
                if queue && depth > 0 {
                    next = older_link(&body);
                }
            }
            Ok((status, _)) => {
                tally.latencies.push(t.elapsed().as_micros() as u64);
                *tally.errors.entry(status).or_default() += 1;
            }
            Err(_) => *tally.errors.entry(0).or_default() += 1,
        }
        if read {
            tokio::time::sleep(pause(&mut rng)).await;
        }
    }
    tally
}

struct Figures {
    requests: usize,
    p50: f64,
    p99: f64,
}

/// Run the 200 clients for `secs` and print one line of figures.
fn phase(
    port: u16,
    tokens: &[String],
    label: &str,
    (queue, read): (bool, bool),
    secs: u64,
    opened: &mut dyn FnMut() -> Option<i64>,
) -> Figures {
    let before = opened();
    // The clients have their own thread and runtime, beside the server's.
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let start = Instant::now();
    let until = start + Duration::from_secs(secs);
    let tallies = rt.block_on(async {
        let tasks: Vec<_> = tokens
            .iter()
            .enumerate()
            .map(|(i, t)| tokio::spawn(reviewer(port, t.clone(), 17 + i as u64, queue, read, until)))
            .collect();
        let mut out = Vec::new();
        for t in tasks {
            out.push(t.await.unwrap());
        }
        out
    });
    let took = start.elapsed().as_secs_f64();
    let connections = match (before, opened()) {
        (Some(a), Some(b)) => format!("  {} connections opened", b - a),
        _ => String::new(),
    };
    let mut all: Vec<u64> = tallies.iter().flat_map(|t| t.latencies.iter().copied()).collect();
    all.sort_unstable();
    let mut errors: BTreeMap<u16, usize> = BTreeMap::new();
    for t in &tallies {
        for (s, n) in &t.errors {
            *errors.entry(*s).or_default() += n;
        }
    }
    let failed: usize = errors.values().sum();
    let deeper: usize = tallies.iter().map(|t| t.deeper).sum();
    let at = |q: f64| {
        if all.is_empty() { 0.0 } else { all[((all.len() - 1) as f64 * q).round() as usize] as f64 / 1000.0 }
    };
    let requests = all.len() + errors.get(&0).copied().unwrap_or(0);
    let (p50, p99) = (at(0.5), at(0.99));
    println!(
        "  {label:<26} {requests:>7} req  {failed:>5} errors{}  p50 {p50:>8.2}  p90 {:>8.2}  p99 {p99:>8.2}  max {:>8.2} ms  {:>7.1} req/s{}{connections}",
        if failed == 0 { String::new() } else { format!(" {errors:?}") },
        at(0.9),
        at(1.0),
        requests as f64 / took,
        if queue { format!("  ({deeper} via Older cases)") } else { String::new() },
    );
    Figures { requests, p50, p99 }
}

fn run(name: &str, store: &mut dyn Store, location: &str, n: usize, secs: u64, flavors: &[Flavor]) {
    let t = Instant::now();
    fill::fill(store.people(), n);
    println!("{name}: {n} cases written in {:.1}s", t.elapsed().as_secs_f64());
    let t = Instant::now();
    let tokens = reviewers(store.people());
    println!("{name}: {CLIENTS} reviewers invited and signed in in {:.1}s", t.elapsed().as_secs_f64());
    // What a request pays when the console's pool has no open store for it.
    let mut opens: Vec<f64> = (0..20)
        .map(|_| {
            let t = Instant::now();
            drop(tactful_store::open_shared(location).unwrap());
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    opens.sort_by(f64::total_cmp);
    println!("{name}: opening a store (pool miss): median {:.2} ms, max {:.2} ms", opens[10], opens[19]);
    // The connections the console opened: PostgreSQL counts them (SQLite has nothing to ask).
    let mut watch = store.people().postgres().then(|| tactful_store::open(location).unwrap());
    let mut opened = || {
        let db = watch.as_mut()?.people();
        let sql = "SELECT sessions FROM pg_stat_database WHERE datname = current_database()";
        Some(db.rows(sql, &[]).unwrap()[0][0].int())
    };
    for &flavor in flavors {
        let port = serve(location.to_string(), flavor);
        println!("{name}, {}, {CLIENTS} clients, {secs} s each:", flavor.name());
        for (mode, read) in [("closed loop", false), ("reading 0.5-1.5 s", true)] {
            let base = phase(port, &tokens, &format!("{mode}: GET /login"), (false, read), secs, &mut opened);
            let q = phase(port, &tokens, &format!("{mode}: GET /cases"), (true, read), secs, &mut opened);
            let verdict = if q.p99 < TARGET_P99_MS { "under" } else { "OVER" };
            println!(
                "  {mode}: /cases over /login: p50 {:.1}x, p99 {:.1}x, throughput {:.2}x; p99 {verdict} {TARGET_P99_MS} ms",
                q.p50 / base.p50.max(0.001),
                q.p99 / base.p99.max(0.001),
                q.requests as f64 / base.requests.max(1) as f64,
            );
        }
    }
}

fn main() {
    let mut numbers = std::env::args().skip(1).filter_map(|a| a.replace('_', "").parse::<u64>().ok());
    let n = numbers.next().unwrap_or(1_000_000) as usize;
    let secs = numbers.next().unwrap_or(20);
    let words: Vec<String> =
        std::env::args().skip(1).filter(|a| a.parse::<u64>().is_err() && !a.starts_with('-')).collect();
    let has = |w: &str| words.iter().any(|x| x == w);
    let flavors: &[Flavor] = if has("both") {
        &[Flavor::Multi, Flavor::Current]
    } else if has("current") {
        &[Flavor::Current]
    } else {
        &[Flavor::Multi]
    };
    // `sqlite` or `postgres` alone runs that backend only.
    let (sqlite, postgres) = (!has("postgres") || has("sqlite"), !has("sqlite") || has("postgres"));
    let path = std::env::temp_dir().join(format!("tactful-queue-bench-{}.db", std::process::id()));
    let location = path.display().to_string();
    if sqlite {
        let mut store = tactful_store::open(&location).unwrap();
        run("sqlite", store.as_mut(), &location, n, secs, flavors);
    }
    match std::env::var("TACTFUL_TEST_PG_URL") {
        Ok(url) if !url.is_empty() && postgres => {
            let db = tactful_store::testing::fresh_pg_database(&url, "bench_queue").unwrap();
            let mut store = tactful_store::open(&db).unwrap();
            run("postgres", store.as_mut(), &db, n, secs, flavors);
        }
        _ if !postgres => {}
        _ => println!("postgres: skipped: TACTFUL_TEST_PG_URL is not set"),
    }
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{location}{ext}"));
    }
}

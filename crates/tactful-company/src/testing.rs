//! For tests, here and in the crates above: a small SMTP server on loopback
//! that records every message it accepts, the other end of the outbox.

use std::io::{BufRead, BufReader, Write as _};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// One message the sink accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    /// The RCPT addresses, in order.
    pub to: Vec<String>,
    /// The message as sent, dot-unstuffed, lines ending in CRLF.
    pub data: String,
}

/// A small SMTP server on loopback: 220, EHLO/HELO 250, MAIL/RCPT 250 (or
/// 550 to every RCPT when it refuses), DATA 354, `.` 250, QUIT 221.
#[derive(Debug)]
pub struct SmtpSink {
    /// `127.0.0.1:PORT`.
    pub addr: String,
    got: Arc<Mutex<Vec<Received>>>,
}

impl SmtpSink {
    /// Listen on a free loopback port; one thread of its own serves the
    /// connections one after another for the rest of the process.
    ///
    /// # Panics
    /// When no loopback port can be bound.
    pub fn start(refuse: bool) -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let got = Arc::new(Mutex::new(Vec::new()));
        let g = Arc::clone(&got);
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { return };
                let _ = serve(conn, refuse, &g);
            }
        });
        SmtpSink { addr, got }
    }

    /// Every message accepted so far, in order.
    ///
    /// # Panics
    /// When the serving thread panicked while recording.
    pub fn received(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }
}

fn serve(conn: TcpStream, refuse: bool, got: &Mutex<Vec<Received>>) -> std::io::Result<()> {
    let mut r = BufReader::new(conn.try_clone()?);
    let mut w = conn;
    w.write_all(b"220 sink.test ESMTP ready\r\n")?;
    let mut to = Vec::new();
    loop {
        let mut line = String::new();
        if r.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let cmd = line.trim_end().to_string();
        let verb = cmd.get(..4).unwrap_or("").to_ascii_uppercase();
        match verb.as_str() {
            "EHLO" => w.write_all(b"250-sink.test\r\n250 8BITMIME\r\n")?,
            "HELO" => w.write_all(b"250 sink.test\r\n")?,
            "MAIL" => {
                to.clear();
                w.write_all(b"250 OK\r\n")?;
            }
            "RCPT" if refuse => w.write_all(b"550 5.1.1 mailbox unavailable\r\n")?,
            "RCPT" => {
                let addr = cmd.split(['<', '>']).nth(1).unwrap_or("").to_string();
                to.push(addr);
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
                got.lock().unwrap().push(Received { to: std::mem::take(&mut to), data });
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

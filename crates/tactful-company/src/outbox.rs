//! The outbox: notices waiting to go, sent, or given up on, and their
//! delivery by SMTP with retries.
//!
//! A notice goes `queued → sending → sent`, or back to `queued` with its
//! error, an attempt counted and the next attempt later (doubling from
//! [`Retry::first_delay`]) until [`Retry::max_attempts`], then `failed`.
//! A sender claims its notices (`sending`) in a transaction before it talks
//! to the SMTP server, so two senders never send the same one, and a sent
//! notice is never sent again. A sender that dies mid-delivery leaves its
//! notice `sending`: the outbox shows it and it is not retried by itself
//! (at most once, never twice).

use lettre::message::header::ContentType;
use lettre::message::{Body, Mailbox};
use lettre::transport::smtp::extension::ClientId;
use lettre::{Message, SmtpTransport, Transport};
use serde::{Deserialize, Serialize};
use tactful_store::Arg;
use tactful_store::people::{Cell, Db};

use crate::audit::Chain;
use crate::{Actor, Error};

/// When to try again and when to give up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retry {
    /// Attempts before a notice is marked failed.
    pub max_attempts: i64,
    /// Seconds before the second attempt; each later wait doubles (at most a day).
    pub first_delay: i64,
}

impl Default for Retry {
    fn default() -> Retry {
        Retry { max_attempts: 5, first_delay: 60 }
    }
}

impl Retry {
    /// Seconds to wait after the `attempts`-th failed attempt.
    pub fn delay(&self, attempts: i64) -> i64 {
        let doublings = (attempts - 1).clamp(0, 20) as u32;
        self.first_delay.max(1).saturating_mul(1 << doublings).min(86_400)
    }
}

/// One message to deliver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub to: String,
    pub subject: String,
    pub body: String,
    /// A stable Message-ID, so a receiving side can tell a duplicate.
    pub message_id: String,
}

/// Something that delivers a message, or says why it could not.
pub trait Mailer {
    fn deliver(&self, m: &Outgoing) -> Result<(), String>;
}

/// Delivery by plain SMTP (no TLS: a relay on localhost, which forwards
/// over TLS, is how it is meant to be used).
pub struct Smtp {
    transport: SmtpTransport,
    from: Mailbox,
}

impl Smtp {
    /// A client for `host:port`, sending as `from`.
    pub fn new(server: &str, from: &str) -> Result<Smtp, Error> {
        let (host, port) = server
            .rsplit_once(':')
            .and_then(|(h, p)| Some((h.trim_matches(['[', ']']), p.parse::<u16>().ok()?)))
            .filter(|(h, _)| !h.is_empty())
            .ok_or_else(|| Error::Input(format!("--smtp: expected HOST:PORT, found `{server}`")))?;
        let from: Mailbox = from
            .parse()
            .map_err(|e| Error::Input(format!("--from: expected an email address, found `{from}` ({e})")))?;
        let transport = SmtpTransport::builder_dangerous(host)
            .port(port)
            .hello_name(ClientId::Domain("localhost".into()))
            .timeout(Some(std::time::Duration::from_secs(20)))
            .build();
        Ok(Smtp { transport, from })
    }
}

impl Mailer for Smtp {
    fn deliver(&self, m: &Outgoing) -> Result<(), String> {
        let to: Mailbox = m.to.parse().map_err(|e| format!("the address `{}`: {e}", m.to))?;
        // 8-bit text as written (the notes are short lines); encoded only when a line is too long.
        let body = Body::new_with_encoding(
            m.body.clone(),
            lettre::message::header::ContentTransferEncoding::EightBit,
        )
        .unwrap_or_else(Body::new);
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(m.subject.clone())
            .message_id(Some(m.message_id.clone()))
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|e| format!("cannot build the message: {e}"))?;
        self.transport.send(&message).map(|_| ()).map_err(|e| e.to_string())
    }
}

/// Put a message in the outbox, due now (the caller's transaction audits it).
pub(crate) fn enqueue(
    db: &mut dyn Db,
    actor: &Actor,
    case: i64,
    to_distributor: &str,
    address: &str,
    subject: &str,
    body: &str,
) -> Result<i64, tactful_store::StoreError> {
    Ok(db.rows(
        "INSERT INTO company_outbox (company_id, case_id, distributor_id, to_address, subject, body,
         status, attempts, last_error, next_attempt_at, queued_at, sent_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'queued', 0, NULL, ?7, ?7, NULL) RETURNING id",
        &[
            Arg::Int(actor.company),
            Arg::Int(case),
            Arg::Text(to_distributor.to_string()),
            Arg::Text(address.to_string()),
            Arg::Text(subject.to_string()),
            Arg::Text(body.to_string()),
            Arg::Int(actor.at),
        ],
    )?[0][0]
        .int())
}

/// Delivery into a local mailbox file (mbox: each message appended, a
/// `From ` line before it), for a trial or the demo: no network at all.
pub struct MboxFile {
    path: std::path::PathBuf,
    from: String,
}

impl MboxFile {
    pub fn new(path: impl Into<std::path::PathBuf>, from: &str) -> MboxFile {
        MboxFile { path: path.into(), from: from.to_string() }
    }
}

impl Mailer for MboxFile {
    fn deliver(&self, m: &Outgoing) -> Result<(), String> {
        use std::io::Write as _;
        let mut text = format!(
            "From {}\nFrom: {}\nTo: {}\nSubject: {}\nMessage-ID: {}\n\n",
            self.from, self.from, m.to, m.subject, m.message_id
        );
        for line in m.body.lines() {
            // mbox: a body line starting "From " would start a new message.
            if line.trim_start_matches('>').starts_with("From ") {
                text.push('>');
            }
            text.push_str(line);
            text.push('\n');
        }
        text.push('\n');
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .and_then(|mut f| f.write_all(text.as_bytes()))
            .map_err(|e| format!("{}: {e}", self.path.display()))
    }
}

/// Wrap each line longer than `width` characters at spaces; a continuation
/// keeps the line's indentation. A word longer than the line stays whole.
pub fn wrap(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / width.max(1));
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if line.chars().count() <= width {
            out.push_str(line);
            continue;
        }
        let indent = &line[..line.len() - line.trim_start().len()];
        let mut used = 0;
        for word in line.split_whitespace() {
            let n = word.chars().count();
            if used == 0 {
                out.push_str(indent);
                used = indent.chars().count();
            } else if used + 1 + n > width {
                out.push('\n');
                out.push_str(indent);
                used = indent.chars().count();
            } else {
                out.push(' ');
                used += 1;
            }
            out.push_str(word);
            used += n;
        }
    }
    out
}

/// A notice as the outbox holds it; read from the columns of [`COLUMNS`], in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub id: i64,
    pub case: i64,
    pub distributor: String,
    pub to: String,
    pub subject: String,
    /// queued, sending, sent or failed.
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub next_attempt_at: i64,
    pub queued_at: i64,
    pub sent_at: Option<i64>,
}

const COLUMNS: &str = "id, case_id, distributor_id, to_address, subject, status, attempts, last_error,
    next_attempt_at, queued_at, sent_at";

/// Every notice, oldest first.
pub fn list(db: &mut dyn Db, company: i64) -> Result<Vec<Entry>, Error> {
    crate::records(
        db,
        &format!("SELECT {COLUMNS} FROM company_outbox WHERE company_id = ?1 ORDER BY id"),
        &[Arg::Int(company)],
    )
}

/// The body of one notice, as it was (or will be) sent.
pub fn body(db: &mut dyn Db, company: i64, id: i64) -> Result<Option<String>, Error> {
    let rows = db.rows(
        "SELECT body FROM company_outbox WHERE company_id = ?1 AND id = ?2",
        &[Arg::Int(company), Arg::Int(id)],
    )?;
    Ok(rows.first().map(|r| r[0].text()))
}

/// What one send did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct SendSummary {
    pub sent: u64,
    /// Attempts that failed and will be tried again later.
    pub retrying: u64,
    /// Notices given up on (marked failed) by this send.
    pub failed: u64,
    /// Queued notices whose next attempt is not due yet.
    pub waiting: u64,
}

/// Deliver every queued notice that is due at `actor.at`.
pub fn send(db: &mut dyn Db, actor: &Actor, mailer: &dyn Mailer, retry: Retry) -> Result<SendSummary, Error> {
    let company = actor.company;
    let now = actor.at;
    // Claim the due notices: from here on no other sender takes them.
    let claimed: Vec<(Entry, String)> = crate::transaction(db, company, |db| {
        let lock = if db.postgres() { " FOR UPDATE SKIP LOCKED" } else { "" };
        let mut due = Vec::new();
        crate::read_rows(
            db,
            &format!(
                "SELECT {COLUMNS}, body FROM company_outbox
                 WHERE company_id = ?1 AND status = 'queued' AND next_attempt_at <= ?2 ORDER BY id{lock}"
            ),
            &[Arg::Int(company), Arg::Int(now)],
            &mut due,
            |r: &mut [Cell]| {
                let body = r[11].take_text();
                Ok((crate::row::read::<Entry>(r)?, body))
            },
        )?;
        for (e, _) in &due {
            db.exec(
                "UPDATE company_outbox SET status = 'sending' WHERE company_id = ?1 AND id = ?2",
                &[Arg::Int(company), Arg::Int(e.id)],
            )?;
        }
        Ok(due)
    })?;
    let mut summary = SendSummary::default();
    for (e, body) in claimed {
        let domain = "tactful.invalid";
        let out = Outgoing {
            to: e.to.clone(),
            subject: e.subject.clone(),
            body,
            message_id: format!("<notice-{company}-{}-{}@{domain}>", e.id, e.queued_at),
        };
        let result = mailer.deliver(&out);
        crate::transaction(db, company, |db| {
            let mut chain = Chain::open(db, company)?;
            let subject = format!("case:{}", e.case);
            match &result {
                Ok(()) => {
                    db.exec(
                        "UPDATE company_outbox SET status = 'sent', attempts = attempts + 1, sent_at = ?1,
                         last_error = NULL WHERE company_id = ?2 AND id = ?3",
                        &[Arg::Int(now), Arg::Int(company), Arg::Int(e.id)],
                    )?;
                    chain.append(
                        actor,
                        "notice.sent",
                        &subject,
                        None,
                        Some(&serde_json::json!({ "notice": e.id, "to": e.to, "attempts": e.attempts + 1 })),
                    );
                }
                Err(message) => {
                    let attempts = e.attempts + 1;
                    let gave_up = attempts >= retry.max_attempts;
                    db.exec(
                        "UPDATE company_outbox SET status = ?1, attempts = ?2, last_error = ?3,
                         next_attempt_at = ?4 WHERE company_id = ?5 AND id = ?6",
                        &[
                            Arg::Static(if gave_up { "failed" } else { "queued" }),
                            Arg::Int(attempts),
                            Arg::Text(message.clone()),
                            Arg::Int(now + retry.delay(attempts)),
                            Arg::Int(company),
                            Arg::Int(e.id),
                        ],
                    )?;
                    if gave_up {
                        chain.append(
                            actor,
                            "notice.failed",
                            &subject,
                            None,
                            Some(&serde_json::json!({ "notice": e.id, "attempts": attempts, "error": message })),
                        );
                    }
                }
            }
            chain.write(db)?;
            Ok(())
        })?;
        match (&result, e.attempts + 1 >= retry.max_attempts) {
            (Ok(()), _) => summary.sent += 1,
            (Err(_), true) => summary.failed += 1,
            (Err(_), false) => summary.retrying += 1,
        }
    }
    summary.waiting = db.rows(
        "SELECT COUNT(*) FROM company_outbox WHERE company_id = ?1 AND status = 'queued' AND next_attempt_at > ?2",
        &[Arg::Int(company), Arg::Int(now)],
    )?[0][0]
        .int() as u64;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_and_stops_at_a_day() {
        let r = Retry::default();
        assert_eq!((r.delay(1), r.delay(2), r.delay(3)), (60, 120, 240));
        assert_eq!(r.delay(30), 86_400);
    }

    #[test]
    fn long_lines_wrap_at_spaces_and_keep_their_indent() {
        assert_eq!(wrap("short\n    one two three four", 14), "short\n    one two\n    three four");
        assert_eq!(
            wrap("a https://example.org/a/very/long/link b", 10),
            "a\nhttps://example.org/a/very/long/link\nb"
        );
    }

    #[test]
    fn a_server_is_host_and_port() {
        assert!(Smtp::new("127.0.0.1:2525", "compliance@example.com").is_ok());
        let e = Smtp::new("localhost", "compliance@example.com").err().unwrap();
        assert!(e.to_string().contains("HOST:PORT"), "{e}");
        let e = Smtp::new("localhost:25", "not an address").err().unwrap();
        assert!(e.to_string().contains("--from"), "{e}");
    }
}

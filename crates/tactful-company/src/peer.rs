//! Peer reports: anyone (a distributor, a customer, a partner site) reports
//! a post through an integration's key: the post's URL and what is wrong,
//! with their contact if they want to be reached. A report becomes a case,
//! or joins the case the post already has, so a hundred reports of one URL
//! are one case counting a hundred. The reporter's contact is kept with the
//! report only: never on the case, in a notice or in the audit log.
//!
//! Limits against abuse: a number of reports per integration key per hour,
//! and caps on every field's size.

use serde::Serialize;
use tactful_core::Severity;
use tactful_store::Arg;
use tactful_store::people::Db;

use crate::case::{Status, priority};
use crate::cases::CaseFinding;
use crate::{Actor, Error, audit, handle};

/// The finding code of a peer report.
pub const PEER_REPORT: &str = "PEER-REPORT";
/// The case category of a post known only from peer reports.
pub const CATEGORY: &str = "peer_report";

/// Field caps, in characters.
pub const MAX_URL: usize = 2_000;
pub const MAX_REASON: usize = 2_000;
pub const MAX_TEXT: usize = 10_000;
pub const MAX_CONTACT: usize = 200;

/// One report as received.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Report {
    /// The post's address.
    pub url: String,
    /// What is wrong with it, in the reporter's words.
    pub reason: String,
    /// The post's text as the reporter saw it (optional).
    #[serde(default)]
    pub text: Option<String>,
    /// The network (optional when the URL's host says it).
    #[serde(default)]
    pub network: Option<String>,
    /// Who posted it (optional; attributes a post tactful has not seen).
    #[serde(default)]
    pub author_handle: Option<String>,
    /// How to reach the reporter (optional; never shown to the distributor).
    #[serde(default)]
    pub contact: Option<String>,
}

/// How many reports one integration may send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub per_hour: i64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { per_hour: 60 }
    }
}

/// What a report did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Received {
    pub case: i64,
    /// A new case (false: it joined the post's case).
    pub new_case: bool,
    /// Reports now counted on the case.
    pub reports: i64,
}

/// Why a report is refused (besides a failing store).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("{field}: {message}")]
    Invalid { field: &'static str, message: String },
    #[error("this integration sent {limit} reports in the last hour, its limit: try again later")]
    RateLimited { limit: i64 },
}

fn field(value: &str, name: &'static str, max: usize, required: bool) -> Result<(), Refused> {
    let chars = value.trim().chars().count();
    if required && chars == 0 {
        return Err(Refused::Invalid { field: name, message: "required".into() });
    }
    if chars > max {
        return Err(Refused::Invalid {
            field: name,
            message: format!("at most {max} characters, found {chars}"),
        });
    }
    Ok(())
}

/// Check a report's fields: the post's URL (normalised) and its network
/// (given, or said by the URL's host; none when neither says it).
fn checked(r: &Report) -> Result<(String, Option<&'static str>), Refused> {
    field(&r.url, "url", MAX_URL, true)?;
    field(&r.reason, "reason", MAX_REASON, true)?;
    field(r.text.as_deref().unwrap_or(""), "text", MAX_TEXT, false)?;
    field(r.contact.as_deref().unwrap_or(""), "contact", MAX_CONTACT, false)?;
    let url = handle::normalise_url(&r.url).ok_or_else(|| Refused::Invalid {
        field: "url",
        message: format!("expected an http(s) address of the post, found `{}`", crate::shorten(r.url.trim())),
    })?;
    let network = match r.network.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => Some(handle::network(n).ok_or_else(|| Refused::Invalid {
            field: "network",
            message: format!("expected facebook, instagram, x, linkedin or tiktok, found `{n}`"),
        })?),
        // `https://vm.tiktok.com/…`: the label before the top-level domain.
        None => {
            let host = url.trim_start_matches("https://").split(['/', '?']).next().unwrap_or("");
            host.rsplit('.').nth(1).and_then(handle::network)
        }
    };
    Ok((url, network))
}

/// Receive one report from the integration `actor` names (`api:NAME`):
/// refused when a field is wrong or the integration is over its limit;
/// otherwise counted on the post's case, opened if it has none.
pub fn receive(
    db: &mut dyn Db,
    actor: &Actor,
    limits: Limits,
    report: &Report,
) -> Result<Result<Received, Refused>, Error> {
    let (url, network) = match checked(report) {
        Ok(v) => v,
        Err(r) => return Ok(Err(r)),
    };
    let company = actor.company;
    crate::transaction(db, company, |db| {
        let recent = db.rows(
            "SELECT COUNT(*) FROM company_peer_reports WHERE company_id = ?1 AND integration = ?2 AND received_at > ?3",
            &[Arg::Int(company), Arg::Text(actor.who.clone()), Arg::Int(actor.at - 3600)],
        )?[0][0]
            .int();
        if recent >= limits.per_hour {
            return Ok(Err(Refused::RateLimited { limit: limits.per_hour }));
        }
        let (post, version, distributor) = match (known_post(db, company, report, &url)?, network) {
            (Some(p), _) => p,
            (None, Some(network)) => new_post(db, actor, report, &url, network)?,
            (None, None) => {
                return Ok(Err(Refused::Invalid {
                    field: "network",
                    message: "the URL does not say which network: give `network`".into(),
                }));
            }
        };
        // The post's open case (any category) takes the report; else a case of its own.
        let open = db.rows(
            "SELECT id FROM company_cases WHERE company_id = ?1 AND post_id = ?2
               AND (status NOT IN ('fixed', 'dismissed', 'closed') OR (version = ?3 AND category = ?4))
             ORDER BY id DESC LIMIT 1",
            &[Arg::Int(company), Arg::Int(post), Arg::Int(version), Arg::Static(CATEGORY)],
        )?;
        let (case, new_case) = match open.first() {
            Some(r) => (r[0].int(), false),
            None => (open_case(db, actor, post, version, distributor, report)?, true),
        };
        db.exec(
            "INSERT INTO company_peer_reports (company_id, integration, url, reason, contact, case_id, received_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            &[
                Arg::Int(company),
                Arg::Text(actor.who.clone()),
                Arg::Text(url.clone()),
                Arg::Text(report.reason.trim().to_string()),
                Arg::OptText(report.contact.as_deref().map(str::trim).filter(|c| !c.is_empty()).map(str::to_string)),
                Arg::Int(case),
                Arg::Int(actor.at),
            ],
        )?;
        let reports = db.rows(
            "UPDATE company_cases SET peer_reports = peer_reports + 1, updated_at = ?1
             WHERE company_id = ?2 AND id = ?3 RETURNING peer_reports",
            &[Arg::Int(actor.at), Arg::Int(company), Arg::Int(case)],
        )?[0][0]
            .int();
        let after = serde_json::json!({
            "url": url, "reason": report.reason.trim(), "new_case": new_case, "reports": reports,
        });
        audit::append(db, actor, "case.peer_report", &format!("case:{case}"), None, Some(&after))?;
        Ok(Ok(Received { case, new_case, reports }))
    })
}

/// The stored post the URL names (by its key, else by its URL as the feed gave it).
fn known_post(
    db: &mut dyn Db,
    company: i64,
    report: &Report,
    url: &str,
) -> Result<Option<(i64, i64, Option<String>)>, Error> {
    let by = |r: Vec<Vec<tactful_store::people::Cell>>| {
        r.first().map(|r| (r[0].int(), r[1].int(), r[2].opt_text()))
    };
    let key = format!("url:{url}");
    let found = by(db.rows(
        "SELECT id, version, distributor_id FROM company_posts WHERE company_id = ?1 AND post_key = ?2 LIMIT 1",
        &[Arg::Int(company), Arg::Text(key)],
    )?);
    if found.is_some() {
        return Ok(found);
    }
    // Posts keyed by the network's id: found by their URL (no index: reports are few).
    Ok(by(db.rows(
        "SELECT id, version, distributor_id FROM company_posts WHERE company_id = ?1 AND url IN (?2, ?3)
         ORDER BY id LIMIT 1",
        &[Arg::Int(company), Arg::Text(report.url.trim().to_string()), Arg::Text(url.to_string())],
    )?))
}

/// A post tactful has not seen: stored from the report (keyed by its URL, so
/// a later feed row with the same URL is the same post), attributed by the
/// author's handle when given. Not queued for a scan: the report is the case.
fn new_post(
    db: &mut dyn Db,
    actor: &Actor,
    report: &Report,
    url: &str,
    network: &'static str,
) -> Result<(i64, i64, Option<String>), Error> {
    let company = actor.company;
    let author = match report.author_handle.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
        Some(a) => handle::normalise(network, a).map_err(|e| Error::Input(format!("author_handle: {e}")))?,
        None => String::new(),
    };
    let distributor = if author.is_empty() {
        None
    } else {
        db.rows(
            "SELECT distributor_id FROM company_handles WHERE company_id = ?1 AND network = ?2 AND handle = ?3",
            &[Arg::Int(company), Arg::Static(network), Arg::Text(author.clone())],
        )?
        .first()
        .map(|r| r[0].text())
    };
    let text = report.text.as_deref().unwrap_or("").trim().to_string();
    let hash = crate::ingest::text_hash(&text);
    let id = db.rows(
        "INSERT INTO company_posts (company_id, network, post_key, external_id, url, author_handle, distributor_id, posted_at, version, text_hash, first_seen, last_changed)
         VALUES (?1, ?2, ?3, NULL, ?4, ?5, ?6, NULL, 1, ?7, ?8, ?8) RETURNING id",
        &[
            Arg::Int(company),
            Arg::Static(network),
            Arg::Text(format!("url:{url}")),
            Arg::Text(url.to_string()),
            Arg::Text(author),
            Arg::OptText(distributor.clone()),
            Arg::Text(hash.clone()),
            Arg::Int(actor.at),
        ],
    )?[0][0]
        .int();
    db.exec(
        "INSERT INTO company_post_versions (company_id, post_id, version, distributor_id, text, text_hash, seen_at, source_file, source_line)
         VALUES (?1, ?2, 1, ?3, ?4, ?5, ?6, ?7, 0)",
        &[
            Arg::Int(company),
            Arg::Int(id),
            Arg::OptText(distributor.clone()),
            Arg::Text(text),
            Arg::Text(hash),
            Arg::Int(actor.at),
            Arg::Text(format!("report:{}", actor.who)),
        ],
    )?;
    Ok((id, 1, distributor))
}

/// A case of its own for a reported post, in a group of its own.
fn open_case(
    db: &mut dyn Db,
    actor: &Actor,
    post: i64,
    version: i64,
    distributor: Option<String>,
    report: &Report,
) -> Result<i64, Error> {
    let company = actor.company;
    let sample = report.text.as_deref().unwrap_or("").trim().to_string();
    let group = db.rows(
        "INSERT INTO company_case_groups (company_id, sample_text, first_post_id, posts, distributors, created_at)
         VALUES (?1, ?2, ?3, 1, ?4, ?5) RETURNING id",
        &[Arg::Int(company), Arg::Text(sample), Arg::Int(post), Arg::Int(i64::from(distributor.is_some())), Arg::Int(actor.at)],
    )?[0][0]
        .int();
    let finding = CaseFinding {
        code: PEER_REPORT.into(),
        severity: Severity::Warning.as_str().into(),
        start: 0,
        end: 0,
        message: format!("reported by a peer: {}", crate::shorten(report.reason.trim())),
    };
    let id = db.rows(
        "INSERT INTO company_cases (company_id, post_id, version, distributor_id, category, severity, codes, findings,
           group_id, earlier_cases, priority, status, opened_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 0, ?10, ?11, ?12, ?12) RETURNING id",
        &[
            Arg::Int(company),
            Arg::Int(post),
            Arg::Int(version),
            Arg::OptText(distributor),
            Arg::Static(CATEGORY),
            Arg::Static(Severity::Warning.as_str()),
            Arg::Text(format!(",{PEER_REPORT},")),
            Arg::Text(serde_json::to_string(&[finding]).expect("findings serialise")),
            Arg::Int(group),
            Arg::Int(priority(Severity::Warning, 1, 0).score),
            Arg::Static(Status::New.as_str()),
            Arg::Int(actor.at),
        ],
    )?[0][0]
        .int();
    Ok(id)
}

//! Drafts sent for pre-approval: a distributor (or the company's platform on
//! their behalf) sends a text before posting it; it is checked at once with
//! the company's packs and policy, and the findings are kept with it. An
//! officer approves it, and the text joins the company's approved claims in
//! the store (a finding inside it never opens a case again, for any worker),
//! or returns it with notes. Every step is audited (`draft.submit`,
//! `draft.approve`, `draft.return`).

use serde::Serialize;
use tactful_app::Checker;
use tactful_core::Channel;
use tactful_store::people::{Cell, Db};
use tactful_store::{Arg, StoreError};

use crate::audit;
use crate::cases::CaseFinding;
use crate::policy::{ApprovedClaim, Policy};
use crate::{Actor, Error};

/// The longest draft accepted, in characters (a post, not a brochure).
pub const MAX_CHARS: usize = 10_000;

/// Where a draft is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DraftStatus {
    /// Waiting for an officer.
    Pending,
    /// Approved: its text is an approved claim.
    Approved,
    /// Returned to the distributor with notes.
    Returned,
}

impl DraftStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DraftStatus::Pending => "pending",
            DraftStatus::Approved => "approved",
            DraftStatus::Returned => "returned",
        }
    }
}

impl std::str::FromStr for DraftStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "pending" => Ok(DraftStatus::Pending),
            "approved" => Ok(DraftStatus::Approved),
            "returned" => Ok(DraftStatus::Returned),
            _ => Err(format!("a draft status: expected pending, approved or returned, found `{s}`")),
        }
    }
}

/// A draft with what the check found in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Draft {
    pub id: i64,
    pub distributor: String,
    pub text: String,
    /// The findings of the check when it was sent (none: nothing to fix).
    pub findings: Vec<CaseFinding>,
    pub status: DraftStatus,
    pub submitted_by: String,
    pub submitted_at: i64,
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
    /// The officer's notes (required to return a draft).
    pub notes: Option<String>,
}

const COLUMNS: &str =
    "id, distributor_id, text, findings, status, submitted_by, submitted_at, decided_by, decided_at, notes";

fn draft(r: &mut [Cell]) -> Result<Draft, String> {
    Ok(Draft {
        id: r[0].int(),
        distributor: r[1].take_text(),
        text: r[2].take_text(),
        findings: serde_json::from_str(&r[3].text()).map_err(|e| format!("a draft's findings: {e}"))?,
        status: r[4].text().parse()?,
        submitted_by: r[5].take_text(),
        submitted_at: r[6].int(),
        decided_by: r[7].opt_text(),
        decided_at: r[8].opt_int(),
        notes: r[9].opt_text(),
    })
}

fn drafts(db: &mut dyn Db, sql: &str, args: &[Arg]) -> Result<Vec<Draft>, Error> {
    let mut out = Vec::new();
    crate::read_rows(db, sql, args, &mut out, draft)?;
    Ok(out)
}

/// The sentences officers approved, for the scan and the draft check.
pub fn approved_claims(db: &mut dyn Db, company: i64) -> Result<Vec<ApprovedClaim>, StoreError> {
    tactful_store::people::collect(
        db,
        "SELECT text FROM company_approved_claims WHERE company_id = ?1 ORDER BY approved_at, text_hash",
        &[Arg::Int(company)],
        |r| ApprovedClaim::new(&r[0].text()),
    )
}

/// Check `text` for `distributor` and keep it as a pending draft, with its findings.
pub fn submit(
    db: &mut dyn Db,
    actor: &Actor,
    checker: &Checker,
    policy: &Policy,
    distributor: &str,
    text: &str,
) -> Result<Draft, Error> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Error::Input("text: a draft needs its text".into()));
    }
    let chars = text.chars().count();
    if chars > MAX_CHARS {
        return Err(Error::Input(format!("text: a draft of at most {MAX_CHARS} characters, found {chars}")));
    }
    let company = actor.company;
    crate::transaction(db, company, |db| {
        let known = db.rows(
            "SELECT 1 FROM company_distributors WHERE company_id = ?1 AND id = ?2",
            &[Arg::Int(company), Arg::Text(distributor.to_string())],
        )?;
        if known.is_empty() {
            return Err(Error::UnknownDistributor(distributor.to_string()));
        }
        let more = approved_claims(db, company)?;
        let findings: Vec<CaseFinding> = policy
            .judge_with(text, checker.check_draft(text, Channel::Post), &more)
            .iter()
            .map(CaseFinding::from)
            .collect();
        let json = serde_json::to_string(&findings).expect("findings serialise");
        let id = db.rows(
            "INSERT INTO company_drafts (company_id, distributor_id, text, findings, status, submitted_by, submitted_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
            &[
                Arg::Int(company),
                Arg::Text(distributor.to_string()),
                Arg::Text(text.to_string()),
                Arg::Text(json),
                Arg::Static(DraftStatus::Pending.as_str()),
                Arg::Text(actor.who.clone()),
                Arg::Int(actor.at),
            ],
        )?[0][0]
            .int();
        let codes: Vec<&str> = findings.iter().map(|f| f.code.as_str()).collect();
        let after = serde_json::json!({ "distributor": distributor, "findings": codes });
        audit::append(db, actor, "draft.submit", &format!("draft:{id}"), None, Some(&after))?;
        get(db, company, id)
    })
}

/// The company's drafts, the newest first; only those with `status` when given.
pub fn list(db: &mut dyn Db, company: i64, status: Option<DraftStatus>) -> Result<Vec<Draft>, Error> {
    // No status asked for: `status = status`, every draft.
    drafts(
        db,
        &format!(
            "SELECT {COLUMNS} FROM company_drafts WHERE company_id = ?1 AND status = COALESCE(?2, status) ORDER BY id DESC"
        ),
        &[Arg::Int(company), Arg::OptText(status.map(|s| s.as_str().to_string()))],
    )
}

/// One draft.
pub fn get(db: &mut dyn Db, company: i64, id: i64) -> Result<Draft, Error> {
    drafts(
        db,
        &format!("SELECT {COLUMNS} FROM company_drafts WHERE company_id = ?1 AND id = ?2"),
        &[Arg::Int(company), Arg::Int(id)],
    )?
    .pop()
    .ok_or_else(|| Error::Input(format!("no draft {id}")))
}

/// What an officer decides about a pending draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Its text becomes an approved claim.
    Approve { notes: Option<String> },
    /// Back to the distributor with what to change (notes required).
    Return { notes: String },
}

/// Decide a pending draft, in one transaction with its audit entry; an
/// approval adds the text to the company's approved claims.
pub fn decide(db: &mut dyn Db, actor: &Actor, id: i64, decision: &Decision) -> Result<Draft, Error> {
    let company = actor.company;
    let (to, notes) = match decision {
        Decision::Approve { notes } => (DraftStatus::Approved, notes.as_deref()),
        Decision::Return { notes } => (DraftStatus::Returned, Some(notes.as_str())),
    };
    let notes = notes.map(str::trim).filter(|n| !n.is_empty()).map(str::to_string);
    if to == DraftStatus::Returned && notes.is_none() {
        return Err(Error::Input("--notes: say what to change before returning a draft".into()));
    }
    crate::transaction(db, company, |db| {
        let d = get(db, company, id)?;
        if d.status != DraftStatus::Pending {
            return Err(Error::Input(format!(
                "draft {id} was {} already{}",
                d.status.as_str(),
                d.decided_by.as_deref().map(|w| format!(" by {w}")).unwrap_or_default()
            )));
        }
        db.exec(
            "UPDATE company_drafts SET status = ?1, decided_by = ?2, decided_at = ?3, notes = ?4
             WHERE company_id = ?5 AND id = ?6",
            &[
                Arg::Static(to.as_str()),
                Arg::Text(actor.who.clone()),
                Arg::Int(actor.at),
                Arg::OptText(notes.clone()),
                Arg::Int(company),
                Arg::Int(id),
            ],
        )?;
        if to == DraftStatus::Approved {
            db.exec(
                "INSERT INTO company_approved_claims (company_id, text_hash, text, draft_id, approved_by, approved_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
                &[
                    Arg::Int(company),
                    Arg::Text(crate::ingest::text_hash(&d.text)),
                    Arg::Text(d.text.clone()),
                    Arg::Int(id),
                    Arg::Text(actor.who.clone()),
                    Arg::Int(actor.at),
                ],
            )?;
        }
        let action = if to == DraftStatus::Approved { "draft.approve" } else { "draft.return" };
        let before = serde_json::json!({ "status": d.status.as_str() });
        let after = serde_json::json!({ "status": to.as_str(), "notes": notes });
        audit::append(db, actor, action, &format!("draft:{id}"), Some(&before), Some(&after))?;
        get(db, company, id)
    })
}

/// One distributor's drafts, the newest first.
pub fn of(db: &mut dyn Db, company: i64, distributor: &str) -> Result<Vec<Draft>, Error> {
    drafts(
        db,
        &format!(
            "SELECT {COLUMNS} FROM company_drafts WHERE company_id = ?1 AND distributor_id = ?2 ORDER BY id DESC"
        ),
        &[Arg::Int(company), Arg::Text(distributor.to_string())],
    )
}

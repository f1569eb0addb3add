//! Escalation: a case whose notice has had no fix for N days (the policy's
//! `escalate_after_days`, default 7) goes to the distributor's upline, who
//! gets a short note asking them to help; N days after that, still not
//! fixed, it goes to the compliance lead. A case whose distributor has no
//! upline still on the roster goes straight to the lead. Run by
//! `tactful company escalate` (from cron, daily), on the program's clock.

use serde::Serialize;
use tactful_store::Arg;
use tactful_store::people::Db;

use crate::audit::Chain;
use crate::case::Status;
use crate::policy::Policy;
use crate::{Actor, Error, cases, roster};

/// One step up the ladder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Escalation {
    pub case: i64,
    pub distributor: Option<String>,
    /// 1: to the upline; 2: to the compliance lead.
    pub level: i64,
    /// The upline's id, or the lead's name.
    pub to: String,
    /// The note queued to the upline (none: no email on the roster, or the lead).
    pub notice: Option<i64>,
}

/// Who gets a case the upline did not see fixed, when the policy names nobody.
pub const DEFAULT_LEAD: &str = "the compliance lead";

const DAY: i64 = 86_400;

/// Move every case that has waited long enough one step up, in one audited
/// transaction (`case.escalate`, with the level and to whom before and after).
pub fn run(db: &mut dyn Db, actor: &Actor, policy: &Policy) -> Result<Vec<Escalation>, Error> {
    let company = actor.company;
    let cutoff = actor.at - policy.escalation_days() * DAY;
    let lead = policy.compliance_lead.clone().unwrap_or_else(|| DEFAULT_LEAD.to_string());
    crate::transaction(db, company, |db| {
        // Noticed and not fixed since: waiting from the first notice (or, for a
        // case marked notice_sent by hand, from that change).
        let mut due = Vec::new();
        db.each(
            "SELECT c.id FROM company_cases c WHERE c.company_id = ?1 AND c.status = 'notice_sent'
             AND COALESCE((SELECT MIN(o.queued_at) FROM company_outbox o
                           WHERE o.company_id = c.company_id AND o.case_id = c.id), c.updated_at) <= ?2
             UNION
             SELECT c.id FROM company_cases c WHERE c.company_id = ?1 AND c.status = 'escalated'
             AND c.escalation < 2 AND COALESCE(c.escalated_at, c.updated_at) <= ?2
             ORDER BY 1",
            &[Arg::Int(company), Arg::Int(cutoff)],
            &mut |r| due.push(r[0].int()),
        )?;
        if due.is_empty() {
            return Ok(Vec::new());
        }
        let people = roster::distributors(db, company)?;
        let company_name = crate::notice::company_name(db, company)?;
        let mut chain = Chain::open(db, company)?;
        let mut out = Vec::new();
        for id in due {
            let case = cases::get(db, company, id)?;
            // The nearest upline still on the roster (leavers are passed over).
            let mut upline = None;
            let mut at = case.distributor.as_deref().and_then(|d| people.get(d)?.upline.as_deref());
            for _ in 0..=people.len() {
                let Some(u) = at.and_then(|u| people.get(u)) else { break };
                if u.left.is_none() {
                    upline = Some(u);
                    break;
                }
                at = u.upline.as_deref();
            }
            let (level, to) = match upline {
                Some(u) if case.escalation == 0 => (1, u.id.clone()),
                _ => (2, lead.clone()),
            };
            let status = if case.status == Status::Escalated {
                Status::Escalated
            } else {
                case.status.change(Status::Escalated, None)?
            };
            let mut notice = None;
            if level == 1 {
                let u = upline.expect("level 1 has an upline");
                if let Some(email) = u.email.as_deref().filter(|e| e.parse::<lettre::Address>().is_ok()) {
                    let name = case
                        .distributor
                        .as_deref()
                        .and_then(|d| people.get(d))
                        .map_or_else(|| "someone".to_string(), |d| d.name.clone());
                    let url = db
                        .rows(
                            "SELECT url FROM company_posts WHERE company_id = ?1 AND id = ?2",
                            &[Arg::Int(company), Arg::Int(case.post_id)],
                        )?
                        .first()
                        .and_then(|r| r[0].opt_text());
                    let body = upline_note(
                        &u.name,
                        &name,
                        policy.escalation_days(),
                        url.as_deref(),
                        &company_name,
                        id,
                    );
                    let subject = format!("Could you help {name} with one of their posts?");
                    notice = Some(crate::outbox::enqueue(db, actor, id, &u.id, email, &subject, &body)?);
                }
            }
            db.exec(
                "UPDATE company_cases SET status = ?1, escalation = ?2, escalated_to = ?3, escalated_at = ?4,
                 updated_at = ?4 WHERE company_id = ?5 AND id = ?6",
                &[
                    Arg::Static(status.as_str()),
                    Arg::Int(level),
                    Arg::Text(to.clone()),
                    Arg::Int(actor.at),
                    Arg::Int(company),
                    Arg::Int(id),
                ],
            )?;
            audit_step(
                &mut chain,
                actor,
                &case,
                &serde_json::json!({ "status": status.as_str(), "escalation": level, "to": to, "notice": notice }),
            );
            out.push(Escalation { case: id, distributor: case.distributor.clone(), level, to, notice });
        }
        chain.write(db)?;
        Ok(out)
    })
}

/// The audit entry of a step up the ladder (`case.escalate`): where the
/// case stood before, and `after`.
fn audit_step(chain: &mut Chain, actor: &Actor, case: &cases::Case, after: &serde_json::Value) {
    chain.append(
        actor,
        "case.escalate",
        &format!("case:{}", case.id),
        Some(&serde_json::json!({
            "status": case.status.as_str(), "escalation": case.escalation, "to": case.escalated_to,
        })),
        Some(after),
    );
}

/// The note to an upline: short, and asking for help rather than blame.
fn upline_note(upline: &str, name: &str, days: i64, url: Option<&str>, company: &str, case: i64) -> String {
    let post = url.map_or_else(String::new, |u| format!("The post: {u}\n\n"));
    format!(
        "Hi {upline},\n\n\
         {name}, in your team, was sent a friendly note {days} days ago about one of their\n\
         posts, and the post has not changed yet. The note explained what to change and\n\
         why. Could you check in with {name} and help them edit the post or take it down?\n\
         A word from you often helps more than another note from us.\n\n\
         {post}Thank you for looking after your team,\n{company}\n(reference: case {case})\n"
    )
}

/// Escalate one case by hand (a reviewer's button, not the daily ladder):
/// straight to the compliance lead (the policy's, or [`DEFAULT_LEAD`]), with
/// the reviewer's reason, in one transaction with its audit entry
/// (`case.escalate`, as [`run`] records it). The status machine decides
/// which cases may go up: one whose notice went out; anything else is
/// refused with the move it would need.
pub fn by_hand(
    db: &mut dyn Db,
    actor: &Actor,
    policy: &Policy,
    case_id: i64,
    reason: Option<&str>,
) -> Result<Escalation, Error> {
    let company = actor.company;
    let reason = reason.map(str::trim).filter(|r| !r.is_empty()).map(str::to_string);
    let lead = policy.compliance_lead.clone().unwrap_or_else(|| DEFAULT_LEAD.to_string());
    crate::transaction(db, company, |db| {
        let case = cases::get(db, company, case_id)?;
        let status = case.status.change(Status::Escalated, reason.as_deref())?;
        db.exec(
            "UPDATE company_cases SET status = ?1, escalation = 2, escalated_to = ?2, escalated_at = ?3,
             updated_at = ?3, reason = ?4 WHERE company_id = ?5 AND id = ?6",
            &[
                Arg::Static(status.as_str()),
                Arg::Text(lead.clone()),
                Arg::Int(actor.at),
                Arg::OptText(reason.clone()),
                Arg::Int(company),
                Arg::Int(case_id),
            ],
        )?;
        let mut chain = Chain::open(db, company)?;
        audit_step(
            &mut chain,
            actor,
            &case,
            &serde_json::json!({
                "status": status.as_str(), "escalation": 2, "to": lead, "reason": reason, "by_hand": true,
            }),
        );
        chain.write(db)?;
        Ok(Escalation {
            case: case_id,
            distributor: case.distributor,
            level: 2,
            to: lead.clone(),
            notice: None,
        })
    })
}

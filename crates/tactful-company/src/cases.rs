//! The case queue as the compliance team works it: list cases (filtered,
//! newest or highest priority first, keyset paging), read one case with its
//! post, findings, guidance and history, and move it (status, assignee, due
//! date), each change audited with who, before and after.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use tactful_core::{Engine, Finding, Severity};
use tactful_store::Arg;
use tactful_store::people::{Cell, Db};

use crate::audit::{self, AuditEntry, Chain};
use crate::case::{Priority, Status, priority};
use crate::{Actor, Error, policy};

/// One finding of a case: the rule, its severity and where it is (byte offsets in the version's text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseFinding {
    pub code: String,
    pub severity: String,
    pub start: usize,
    pub end: usize,
    pub message: String,
}

impl From<&Finding> for CaseFinding {
    fn from(f: &Finding) -> CaseFinding {
        CaseFinding {
            code: f.code.clone(),
            severity: f.severity.as_str().to_string(),
            start: f.start,
            end: f.end,
            message: f.message.clone(),
        }
    }
}

/// The findings of one category on one post version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Case {
    pub id: i64,
    pub post_id: i64,
    /// The version of the post the findings are on.
    pub version: i64,
    pub distributor: Option<String>,
    pub category: String,
    /// The worst finding's severity.
    pub severity: String,
    /// The rule codes, in the order of their findings.
    pub codes: Vec<String>,
    pub findings: Vec<CaseFinding>,
    pub group: i64,
    /// Posts and distributors in the case's group (its reach).
    pub group_posts: i64,
    pub group_distributors: i64,
    /// The distributor's earlier posts with a case, when this one was opened.
    pub earlier_cases: i64,
    pub priority: Priority,
    pub status: Status,
    /// Why it was dismissed, closed or found fixed.
    pub reason: Option<String>,
    pub assignee: Option<String>,
    /// YYYY-MM-DD.
    pub due: Option<String>,
    pub opened_at: i64,
    pub updated_at: i64,
    /// How far it went up: 0 not at all, 1 to the upline, 2 to the compliance lead.
    pub escalation: i64,
    /// The upline's id, or the compliance lead's name.
    pub escalated_to: Option<String>,
    /// Peer reports of the post counted on this case (their reporters are never shown).
    pub peer_reports: i64,
}

/// The order of a case list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Order {
    /// The newest case first.
    #[default]
    Newest,
    /// The highest priority first, the newest first among equals.
    Priority,
}

/// Which statuses a list of cases shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Statuses {
    /// The cases with this status.
    Is(Status),
    /// The cases still to act on: new, in review, notice sent or escalated
    /// (not fixed, dismissed or closed).
    Open,
}

impl Statuses {
    /// Every choice, as a filter offers them: `open`, then each status.
    pub fn all() -> impl Iterator<Item = Statuses> {
        std::iter::once(Statuses::Open).chain(Status::ALL.into_iter().map(Statuses::Is))
    }

    /// Its name in a query or on the command line: `open`, or the status's.
    pub fn as_str(self) -> &'static str {
        match self {
            Statuses::Is(s) => s.as_str(),
            Statuses::Open => "open",
        }
    }
}

impl std::str::FromStr for Statuses {
    type Err = String;

    /// A status's name, or `open`.
    fn from_str(s: &str) -> Result<Statuses, String> {
        if s.trim().eq_ignore_ascii_case("open") {
            return Ok(Statuses::Open);
        }
        s.parse().map(Statuses::Is).map_err(|e| {
            format!("{e}; or `open` for every case still to act on (not fixed, dismissed or closed)")
        })
    }
}

impl From<Status> for Statuses {
    fn from(s: Status) -> Statuses {
        Statuses::Is(s)
    }
}

/// Which cases to list, and from where.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub status: Option<Statuses>,
    /// A rule code the case has.
    pub rule: Option<String>,
    pub distributor: Option<String>,
    /// Posts on this network only (`instagram`, `facebook`, …).
    pub network: Option<String>,
    /// Cases of this category only (`health`, `income`, …).
    pub category: Option<String>,
    /// Only the cases of these distributors (a team leader's downline, a
    /// distributor's own): the console's scope, applied in the query so that
    /// paging stays one index range.
    pub team: Option<Vec<String>>,
    /// The cases of one case group (the same text in many posts).
    pub group: Option<i64>,
    /// Opened at or after this Unix time, and before that one.
    pub opened_from: Option<i64>,
    pub opened_before: Option<i64>,
    pub order: Order,
    /// The `next` of the page before.
    pub after: Option<String>,
    /// At most this many (default 50).
    pub limit: Option<usize>,
}

/// One page of cases and where the next starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Page {
    pub cases: Vec<Case>,
    /// Pass as `after` for the next page; none on the last.
    pub next: Option<String>,
}

const COLUMNS: &str =
    "c.id, c.post_id, c.version, c.distributor_id, c.category, c.severity, c.codes, c.findings,
    c.group_id, g.posts, g.distributors, c.earlier_cases, c.status, c.reason, c.assignee, c.due_on,
    c.opened_at, c.updated_at, c.escalation, c.escalated_to, c.peer_reports";

/// A case's group, for its reach.
macro_rules! group_join {
    () => {
        "LEFT JOIN company_case_groups g ON g.company_id = c.company_id AND g.id = c.group_id"
    };
}

const GROUP: &str = group_join!();
const FROM: &str = concat!("company_cases c ", group_join!());

fn case(r: &mut [Cell]) -> Result<Case, String> {
    let severity = r[5].take_text();
    let sev: Severity = severity.parse().map_err(|_| format!("a case with severity `{severity}`"))?;
    let group_posts = r[9].opt_int().unwrap_or(1).max(1);
    let earlier_cases = r[11].int();
    let codes = codes(&r[6]);
    let findings = serde_json::from_str(&r[7].text()).map_err(|e| format!("a case's findings: {e}"))?;
    Ok(Case {
        id: r[0].int(),
        post_id: r[1].int(),
        version: r[2].int(),
        distributor: r[3].opt_text(),
        category: r[4].take_text(),
        codes,
        findings,
        group: r[8].int(),
        group_posts,
        group_distributors: r[10].opt_int().unwrap_or(0),
        earlier_cases,
        priority: priority(sev, group_posts, earlier_cases),
        severity,
        status: r[12].text().parse()?,
        reason: r[13].opt_text(),
        assignee: r[14].opt_text(),
        due: r[15].opt_text(),
        opened_at: r[16].int(),
        updated_at: r[17].int(),
        escalation: r[18].int(),
        escalated_to: r[19].opt_text(),
        peer_reports: r[20].int(),
    })
}

/// The rule codes of a case, as stored (comma-separated).
pub(crate) fn codes(cell: &Cell) -> Vec<String> {
    cell.text().split(',').filter(|c| !c.is_empty()).map(str::to_string).collect()
}

fn cases(db: &mut dyn Db, sql: &str, args: &[Arg]) -> Result<Vec<Case>, Error> {
    let mut out = Vec::new();
    crate::read_rows(db, sql, args, &mut out, case)?;
    Ok(out)
}

/// Which index a page of cases walks, and so the shape of its cursor.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Walk {
    /// Newest first by id: `ID`.
    Id,
    /// Newest first through one rule's codes index: `ID`.
    Rule,
    /// Newest first by the time opened, within a span of time: `OPENED:ID`.
    /// Walking ids and skipping the cases outside the span read 600,000
    /// cases for a day in the middle of a million (measured, 210 ms).
    Opened,
    /// Highest priority first: `PRIORITY:ID`.
    Priority,
}

/// A page of cases. Keyset paging: `next` names the last case of the page
/// (`ID`; `PRIORITY:ID` in priority order; `OPENED:ID` newest first within
/// a span of time), so each page is one index range however deep it is.
pub fn list(db: &mut dyn Db, company: i64, f: &Filter) -> Result<Page, Error> {
    let limit = f.limit.unwrap_or(50).clamp(1, 10_000);
    let rule = f.rule.as_ref().map(|r| r.trim().to_ascii_uppercase());
    let walk = match f.order {
        Order::Priority => Walk::Priority,
        Order::Newest if f.opened_from.is_some() || f.opened_before.is_some() => Walk::Opened,
        // A rule's own cases are walked (its codes index, newest first), not
        // every case checked for the rule; a rule in one case of a thousand
        // would otherwise cost 50,000 cases a page.
        Order::Newest if rule.is_some() => Walk::Rule,
        Order::Newest => Walk::Id,
    };
    let by_rule = walk == Walk::Rule;
    let mut sql = if by_rule {
        // Each case is looked up from the rule's index entry, whatever the
        // planner guesses: PostgreSQL's plan for a prepared statement, made
        // without the rule's value, would otherwise walk every case beside
        // the index (measured: 9 ms a page against 0.8); SQLite reads
        // CROSS JOIN as "the left table outside".
        let case = if db.postgres() {
            "CROSS JOIN LATERAL (SELECT * FROM company_cases c
               WHERE c.company_id = k.company_id AND c.id = k.case_id OFFSET 0) c"
        } else {
            "CROSS JOIN company_cases c ON c.company_id = k.company_id AND c.id = k.case_id"
        };
        format!(
            "SELECT {COLUMNS} FROM company_case_codes k {case} {GROUP}
             WHERE k.company_id = ?1"
        )
    } else {
        format!("SELECT {COLUMNS} FROM {FROM} WHERE c.company_id = ?1")
    };
    let mut args = vec![Arg::Int(company)];
    let mut arg = |sql: &mut String, clause: &str, a: Arg<'static>| {
        args.push(a);
        sql.push_str(&clause.replace('#', &format!("?{}", args.len())));
    };
    match f.status {
        Some(Statuses::Is(s)) => arg(&mut sql, " AND c.status = #", Arg::Static(s.as_str())),
        // Word for word the condition of the open cases' indexes, so that
        // a page of them is one range of an index however few are open.
        Some(Statuses::Open) => sql.push_str(concat!(" AND c.", open_statuses!())),
        None => {}
    }
    match rule {
        Some(r) if by_rule => arg(&mut sql, " AND k.code = #", Arg::Text(r)),
        Some(r) => arg(
            &mut sql,
            " AND EXISTS (SELECT 1 FROM company_case_codes k WHERE k.company_id = c.company_id AND k.code = # AND k.case_id = c.id)",
            Arg::Text(r),
        ),
        None => {}
    }
    if let Some(d) = &f.distributor {
        arg(&mut sql, " AND c.distributor_id = #", Arg::Text(d.clone()));
    }
    if let Some(k) = &f.category {
        arg(&mut sql, " AND c.category = #", Arg::Text(k.trim().to_ascii_lowercase()));
    }
    if let Some(n) = &f.network {
        arg(
            &mut sql,
            " AND EXISTS (SELECT 1 FROM company_posts p WHERE p.company_id = c.company_id AND p.id = c.post_id AND p.network = #)",
            Arg::Text(n.trim().to_ascii_lowercase()),
        );
    }
    if let Some(g) = f.group {
        arg(&mut sql, " AND c.group_id = #", Arg::Int(g));
    }
    if let Some(t) = f.opened_from {
        arg(&mut sql, " AND c.opened_at >= #", Arg::Int(t));
    }
    if let Some(t) = f.opened_before {
        arg(&mut sql, " AND c.opened_at < #", Arg::Int(t));
    }
    if let Some(team) = &f.team {
        if team.is_empty() {
            sql.push_str(" AND 1 = 0");
        } else {
            sql.push_str(" AND c.distributor_id IN (");
            for (i, d) in team.iter().enumerate() {
                arg(&mut sql, if i == 0 { "#" } else { ", #" }, Arg::Text(d.clone()));
            }
            sql.push(')');
        }
    }
    let bad_cursor =
        |s: &str| Error::Input(format!("--after: expected the `next` of the page before, found `{s}`"));
    // The first page is the page after the top (a cursor above every case):
    // with a range on the key to start from, SQLite walks the key instead of
    // sorting the company's cases (measured: 94 ms of a million, 0.1 ms).
    let top = match walk {
        Walk::Id | Walk::Rule => i64::MAX.to_string(),
        Walk::Opened | Walk::Priority => format!("{}:{}", i64::MAX, i64::MAX),
    };
    let a = f.after.as_deref().unwrap_or(&top);
    match walk {
        // The span itself is the range to walk; a cursor above every case
        // beside it made PostgreSQL start at the top of the index (34 ms
        // for a day in a million cases, 0.2 ms without).
        Walk::Opened if f.after.is_none() => {}
        Walk::Id | Walk::Rule => {
            let id: i64 = a.parse().map_err(|_| bad_cursor(a))?;
            arg(&mut sql, if by_rule { " AND k.case_id < #" } else { " AND c.id < #" }, Arg::Int(id));
        }
        Walk::Opened | Walk::Priority => {
            let (k, id) = a
                .split_once(':')
                .and_then(|(k, id)| Some((k.parse::<i64>().ok()?, id.parse::<i64>().ok()?)))
                .ok_or_else(|| bad_cursor(a))?;
            // A row-value comparison: both backends read it as one index range.
            let key = if walk == Walk::Opened { "c.opened_at" } else { "c.priority" };
            arg(&mut sql, &format!(" AND ({key}, c.id) < (#"), Arg::Int(k));
            arg(&mut sql, ", #)", Arg::Int(id));
        }
    }
    sql.push_str(match walk {
        Walk::Rule => " ORDER BY k.case_id DESC",
        Walk::Id => " ORDER BY c.id DESC",
        Walk::Opened => " ORDER BY c.opened_at DESC, c.id DESC",
        Walk::Priority => " ORDER BY c.priority DESC, c.id DESC",
    });
    let _ = write!(sql, " LIMIT {}", limit + 1);
    let mut page = cases(db, &sql, &args)?;
    let next = if page.len() > limit {
        page.truncate(limit);
        page.last().map(|c| match walk {
            Walk::Id | Walk::Rule => c.id.to_string(),
            Walk::Opened => format!("{}:{}", c.opened_at, c.id),
            Walk::Priority => format!("{}:{}", c.priority.score, c.id),
        })
    } else {
        None
    };
    Ok(Page { cases: page, next })
}

/// One case.
pub fn get(db: &mut dyn Db, company: i64, id: i64) -> Result<Case, Error> {
    cases(
        db,
        &format!("SELECT {COLUMNS} FROM {FROM} WHERE c.company_id = ?1 AND c.id = ?2"),
        &[Arg::Int(company), Arg::Int(id)],
    )?
    .pop()
    .ok_or(Error::UnknownCase(id))
}

/// A rule's plain-words why, what to write instead, and its guidance links.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Guidance {
    pub code: String,
    pub name: String,
    pub why: String,
    pub hint: String,
    pub links: Vec<String>,
}

/// The guidance for a rule code: from the engine's rule, or the company
/// policy's own finding.
pub fn guidance(engine: &Engine, code: &str) -> Option<Guidance> {
    if code == policy::MISSING_DISCLOSURE {
        return Some(Guidance {
            code: code.to_string(),
            name: "required disclosure missing".into(),
            why: policy::MISSING_DISCLOSURE_WHY.into(),
            hint: policy::MISSING_DISCLOSURE_HINT.into(),
            links: Vec::new(),
        });
    }
    engine.rule(code).map(|r| Guidance {
        code: r.code.clone(),
        name: r.name.clone(),
        why: r.explanation.clone(),
        hint: r.hint.clone(),
        links: r.references.clone(),
    })
}

/// Everything a reviewer needs on one page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseDetail {
    pub case: Case,
    pub network: String,
    pub url: Option<String>,
    pub author: String,
    /// The text of the version the findings are on.
    pub text: String,
    /// The post's current version (later than the case's when it was edited).
    pub current_version: i64,
    /// The other cases of its group: (case id, distributor).
    pub group_cases: Vec<(i64, Option<String>)>,
    /// The case's audit entries, oldest first.
    pub history: Vec<AuditEntry>,
}

/// One case with its post, group and history.
pub fn detail(db: &mut dyn Db, company: i64, id: i64) -> Result<CaseDetail, Error> {
    let case = get(db, company, id)?;
    let rows = db.rows(
        "SELECT p.network, p.url, p.author_handle, p.version, v.text FROM company_posts p
         JOIN company_post_versions v ON v.company_id = p.company_id AND v.post_id = p.id AND v.version = ?3
         WHERE p.company_id = ?1 AND p.id = ?2",
        &[Arg::Int(company), Arg::Int(case.post_id), Arg::Int(case.version)],
    )?;
    let Some(r) = rows.into_iter().next() else {
        return Err(Error::Damaged(format!(
            "case {id} names post {} v{}, which is not stored",
            case.post_id, case.version
        )));
    };
    let group_cases = tactful_store::people::collect(
        db,
        "SELECT id, distributor_id FROM company_cases WHERE company_id = ?1 AND group_id = ?2 AND id <> ?3 ORDER BY id",
        &[Arg::Int(company), Arg::Int(case.group), Arg::Int(id)],
        |r| (r[0].int(), r[1].opt_text()),
    )?;
    let history = audit::about(db, company, &format!("case:{id}"))?;
    Ok(CaseDetail {
        network: r[0].text(),
        url: r[1].opt_text(),
        author: r[2].text(),
        current_version: r[3].int(),
        text: r[4].text(),
        case,
        group_cases,
        history,
    })
}

/// One change a reviewer makes to a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Move it along the status machine (a dismissal needs a reason).
    Status { to: Status, reason: Option<String> },
    /// Give it to someone (None: to nobody).
    Assign(Option<String>),
    /// Set the date it is due (`YYYY-MM-DD`; None: no date).
    Due(Option<String>),
}

/// Apply a change to a case, in one transaction with its audit entry
/// (`case.status`, `case.assign`, `case.due`: who, before, after).
pub fn change(db: &mut dyn Db, actor: &Actor, id: i64, change: &Change) -> Result<Case, Error> {
    let company = actor.company;
    crate::transaction(db, company, |db| {
        let case = get(db, company, id)?;
        let (action, column, value, before, after) = match change {
            Change::Status { to, reason } => {
                let reason = reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
                let to = case.status.change(*to, reason)?;
                (
                    "case.status",
                    "status",
                    Some(to.as_str().to_string()),
                    serde_json::json!({ "status": case.status.as_str(), "reason": case.reason }),
                    serde_json::json!({ "status": to.as_str(), "reason": reason }),
                )
            }
            Change::Assign(who) => {
                let who = who.as_deref().map(str::trim).filter(|w| !w.is_empty()).map(str::to_string);
                (
                    "case.assign",
                    "assignee",
                    who.clone(),
                    serde_json::json!(case.assignee),
                    serde_json::json!(who),
                )
            }
            Change::Due(day) => {
                let day = day.as_deref().map(str::trim).filter(|d| !d.is_empty()).map(str::to_string);
                if let Some(d) = &day {
                    if !crate::roster::is_date(d) {
                        return Err(Error::Input(format!(
                            "--due: expected a date like 2025-12-01, found `{d}`"
                        )));
                    }
                }
                ("case.due", "due_on", day.clone(), serde_json::json!(case.due), serde_json::json!(day))
            }
        };
        if before == after {
            return Ok(case);
        }
        db.exec(
            &format!(
                "UPDATE company_cases SET {column} = ?1, updated_at = ?2 WHERE company_id = ?3 AND id = ?4"
            ),
            &[Arg::OptText(value), Arg::Int(actor.at), Arg::Int(company), Arg::Int(id)],
        )?;
        if let Change::Status { reason, .. } = change {
            db.exec(
                "UPDATE company_cases SET reason = ?1 WHERE company_id = ?2 AND id = ?3",
                &[
                    Arg::OptText(
                        reason.as_deref().map(str::trim).filter(|r| !r.is_empty()).map(str::to_string),
                    ),
                    Arg::Int(company),
                    Arg::Int(id),
                ],
            )?;
        }
        let mut chain = Chain::open(db, company)?;
        chain.append(actor, action, &format!("case:{id}"), Some(&before), Some(&after));
        chain.write(db)?;
        get(db, company, id)
    })
}

/// A case group: the same or nearly the same text in many posts (read from
/// the columns of [`groups`], in order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseGroup {
    pub id: i64,
    /// The first text of the group.
    pub sample: String,
    pub posts: i64,
    pub distributors: i64,
}

/// The groups with more than one post, largest first.
pub fn groups(db: &mut dyn Db, company: i64) -> Result<Vec<CaseGroup>, Error> {
    largest_groups(db, company, i64::MAX)
}

/// The `n` largest groups (as [`groups`], at most `n`): a page that shows a
/// few reads no more, however many groups a large company has.
pub fn largest_groups(db: &mut dyn Db, company: i64, n: i64) -> Result<Vec<CaseGroup>, Error> {
    crate::records(
        db,
        "SELECT id, sample_text, posts, distributors FROM company_case_groups
         WHERE company_id = ?1 AND posts > 1 ORDER BY posts DESC, id LIMIT ?2",
        &[Arg::Int(company), Arg::Int(n)],
    )
}

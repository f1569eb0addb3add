//! The compliance report: cases by category, rule, month, team (a leader's
//! whole downline) and rank; how long a case waits for its notice and for
//! its fix; who offends again; and each rule's precision, from what the
//! reviewers dismissed as false alarms. One pass over the cases; the numbers
//! are data ([`Report`]), the CLI prints them as JSON or HTML.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use tactful_store::Arg;
use tactful_store::people::{Cell, Db};

use crate::Error;
use crate::roster;

/// A count under a name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Count {
    pub key: String,
    pub cases: i64,
}

/// A leader's team: the leader and their whole downline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Team {
    pub leader: String,
    pub name: String,
    /// Distributors in the team, the leader included.
    pub size: i64,
    pub cases: i64,
}

/// How long something took, over the cases it happened to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Timing {
    pub cases: i64,
    pub median_hours: Option<f64>,
    pub mean_hours: Option<f64>,
}

/// A distributor with cases on more than one post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Offender {
    pub distributor: String,
    pub name: String,
    /// Posts with a case that was not dismissed.
    pub posts: i64,
    pub cases: i64,
    pub lessons_completed: i64,
}

/// How often a rule's cases were false alarms.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RulePrecision {
    pub rule: String,
    pub cases: i64,
    /// Cases a person or a re-ingest has decided: notice sent, escalated, fixed or dismissed.
    pub decided: i64,
    pub dismissed: i64,
    /// dismissed ÷ decided (none until something is decided).
    pub false_alarm_rate: Option<f64>,
    /// 1 − the false-alarm rate.
    pub precision: Option<f64>,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Unix seconds, from the program's clock.
    pub generated_at: i64,
    pub cases: i64,
    pub distributors: i64,
    pub by_status: Vec<Count>,
    pub by_category: Vec<Count>,
    pub by_rule: Vec<Count>,
    /// `YYYY-MM` of the day the case was opened, oldest first.
    pub by_month: Vec<Count>,
    /// Teams with a downline, most cases first (at most 20).
    pub by_team: Vec<Team>,
    pub by_rank: Vec<Count>,
    /// From the case's opening to its first notice.
    pub time_to_notice: Timing,
    /// From the case's opening to the re-ingest that found it fixed.
    pub time_to_fix: Timing,
    /// Most posts with a case first (at most 20).
    pub repeat_offenders: Vec<Offender>,
    pub precision: Vec<RulePrecision>,
    pub lessons_assigned: i64,
    pub lessons_completed: i64,
}

/// At most this many teams and offenders are listed.
const TOP: usize = 20;

fn timing(mut hours: Vec<f64>) -> Timing {
    hours.sort_by(f64::total_cmp);
    let n = hours.len();
    let median = match n {
        0 => None,
        _ if n % 2 == 1 => Some(hours[n / 2]),
        _ => Some(f64::midpoint(hours[n / 2 - 1], hours[n / 2])),
    };
    let mean = (n > 0).then(|| hours.iter().sum::<f64>() / n as f64);
    Timing { cases: n as i64, median_hours: median, mean_hours: mean }
}

fn counts(map: HashMap<String, i64>) -> Vec<Count> {
    let mut v: Vec<Count> = map.into_iter().map(|(key, cases)| Count { key, cases }).collect();
    v.sort_by(|a, b| b.cases.cmp(&a.cases).then_with(|| a.key.cmp(&b.key)));
    v
}

struct Row {
    distributor: Option<String>,
    category: String,
    codes: Vec<String>,
    status: String,
    post: i64,
    opened: i64,
    updated: i64,
    noticed: Option<i64>,
}

/// Build the report for a company at `now`.
pub fn build(db: &mut dyn Db, company: i64, now: i64) -> Result<Report, Error> {
    let read = |r: &mut [Cell]| Row {
        distributor: r[0].opt_text(),
        category: r[1].take_text(),
        codes: crate::cases::codes(&r[2]),
        status: r[3].take_text(),
        post: r[4].int(),
        opened: r[5].int(),
        updated: r[6].int(),
        noticed: r[7].opt_int(),
    };
    let rows = tactful_store::people::collect(
        db,
        "SELECT c.distributor_id, c.category, c.codes, c.status, c.post_id, c.opened_at, c.updated_at,
         (SELECT MIN(o.queued_at) FROM company_outbox o WHERE o.company_id = c.company_id AND o.case_id = c.id)
         FROM company_cases c WHERE c.company_id = ?1",
        &[Arg::Int(company)],
        read,
    )?;
    let people = roster::distributors(db, company)?;
    let mut completed: HashMap<String, i64> = HashMap::new();
    let (mut lessons_assigned, mut lessons_completed) = (0, 0);
    db.each(
        "SELECT distributor_id, completed_at FROM company_lessons WHERE company_id = ?1",
        &[Arg::Int(company)],
        &mut |r| {
            lessons_assigned += 1;
            if r[1].opt_int().is_some() {
                lessons_completed += 1;
                *completed.entry(r[0].take_text()).or_default() += 1;
            }
        },
    )?;

    let (mut status, mut category, mut rule, mut rank) =
        (HashMap::new(), HashMap::new(), HashMap::new(), HashMap::new());
    let mut month: BTreeMap<String, i64> = BTreeMap::new();
    let mut team: HashMap<&str, i64> = HashMap::new();
    let mut offences: HashMap<&str, (std::collections::HashSet<i64>, i64)> = HashMap::new();
    let mut per_rule: BTreeMap<&str, (i64, i64, i64)> = BTreeMap::new();
    let (mut to_notice, mut to_fix) = (Vec::new(), Vec::new());
    for r in &rows {
        *status.entry(r.status.clone()).or_insert(0) += 1;
        *category.entry(r.category.clone()).or_insert(0) += 1;
        *month.entry(tactful_app::clock::rfc3339(r.opened)[..7].to_string()).or_insert(0) += 1;
        let who = r.distributor.as_deref().and_then(|d| people.get(d));
        let rank_name = match (r.distributor.as_deref(), who) {
            (None, _) => "(unattributed)".to_string(),
            (Some(_), Some(d)) => d.rank.clone().unwrap_or_else(|| "(no rank)".into()),
            (Some(_), None) => "(not on the roster)".to_string(),
        };
        *rank.entry(rank_name).or_insert(0) += 1;
        // The case counts for the distributor's team and every team above it.
        let mut at = who.map(|d| d.id.as_str());
        for _ in 0..=people.len() {
            let Some(id) = at else { break };
            *team.entry(id).or_insert(0) += 1;
            at = people.get(id).and_then(|d| d.upline.as_deref());
        }
        let decided = matches!(r.status.as_str(), "notice_sent" | "escalated" | "fixed" | "dismissed");
        let dismissed = r.status == "dismissed";
        for code in &r.codes {
            *rule.entry(code.clone()).or_insert(0) += 1;
            let e = per_rule.entry(code.as_str()).or_insert((0, 0, 0));
            e.0 += 1;
            e.1 += i64::from(decided);
            e.2 += i64::from(dismissed);
        }
        if let (Some(d), false) = (who, dismissed) {
            let e = offences.entry(d.id.as_str()).or_default();
            e.0.insert(r.post);
            e.1 += 1;
        }
        let hours = |secs: i64| secs.max(0) as f64 / 3600.0;
        if let Some(n) = r.noticed {
            to_notice.push(hours(n - r.opened));
        }
        if r.status == "fixed" {
            to_fix.push(hours(r.updated - r.opened));
        }
    }

    // Team sizes: everyone counts for their own team and every team above.
    let mut size: HashMap<&str, i64> = HashMap::new();
    for d in people.values() {
        let mut at = Some(d.id.as_str());
        for _ in 0..=people.len() {
            let Some(id) = at else { break };
            *size.entry(id).or_insert(0) += 1;
            at = people.get(id).and_then(|p| p.upline.as_deref());
        }
    }
    let mut by_team: Vec<Team> = team
        .iter()
        .filter(|(id, _)| size.get(*id).copied().unwrap_or(1) > 1)
        .map(|(id, n)| Team {
            leader: (*id).to_string(),
            name: people.get(*id).map(|d| d.name.clone()).unwrap_or_default(),
            size: size.get(*id).copied().unwrap_or(1),
            cases: *n,
        })
        .collect();
    by_team.sort_by(|a, b| b.cases.cmp(&a.cases).then_with(|| a.leader.cmp(&b.leader)));
    by_team.truncate(TOP);

    let mut repeat_offenders: Vec<Offender> = offences
        .into_iter()
        .filter(|(_, (posts, _))| posts.len() > 1)
        .map(|(id, (posts, cases))| Offender {
            distributor: id.to_string(),
            name: people.get(id).map(|d| d.name.clone()).unwrap_or_default(),
            posts: posts.len() as i64,
            cases,
            lessons_completed: completed.get(id).copied().unwrap_or(0),
        })
        .collect();
    repeat_offenders.sort_by(|a, b| b.posts.cmp(&a.posts).then_with(|| a.distributor.cmp(&b.distributor)));
    repeat_offenders.truncate(TOP);

    let precision = per_rule
        .into_iter()
        .map(|(code, (cases, decided, dismissed))| {
            let rate = (decided > 0).then(|| dismissed as f64 / decided as f64);
            RulePrecision {
                rule: code.to_string(),
                cases,
                decided,
                dismissed,
                false_alarm_rate: rate,
                precision: rate.map(|r| 1.0 - r),
            }
        })
        .collect();

    Ok(Report {
        generated_at: now,
        cases: rows.len() as i64,
        distributors: people.len() as i64,
        by_status: counts(status),
        by_category: counts(category),
        by_rule: counts(rule),
        by_month: month.into_iter().map(|(key, cases)| Count { key, cases }).collect(),
        by_team,
        by_rank: counts(rank),
        time_to_notice: timing(to_notice),
        time_to_fix: timing(to_fix),
        repeat_offenders,
        precision,
        lessons_assigned,
        lessons_completed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_timing_has_the_middle_and_the_mean() {
        let t = timing(vec![10.0, 2.0, 3.0]);
        assert_eq!((t.cases, t.median_hours, t.mean_hours), (3, Some(3.0), Some(5.0)));
        assert_eq!(timing(vec![1.0, 3.0]).median_hours, Some(2.0));
        assert_eq!(timing(Vec::new()).median_hours, None);
    }
}

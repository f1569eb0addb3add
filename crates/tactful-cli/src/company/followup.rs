//! `tactful company lesson …`, `escalate` and `report`: what follows a
//! notice, and the numbers over all of it.

use anyhow::{Context, Result};
use maud::{DOCTYPE, Markup, html};
use std::io::Write;
use std::path::{Path, PathBuf};

use tactful_company::policy::Policy;
use tactful_company::report::{Count, Report, Timing};
use tactful_company::{DEFAULT_COMPANY, escalate as ladder, lesson, report as numbers};

use super::{Who, open, usage};
use crate::store::{StoreArg, show_time};
use crate::table::table;

#[derive(clap::Subcommand)]
pub enum LessonCommand {
    /// Every lesson, with how often it was given and completed (or one distributor's lessons).
    List {
        /// Only this distributor's lessons, newest first.
        #[arg(long, value_name = "ID")]
        distributor: Option<String>,
        /// One JSON object a line instead of a table.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        db: StoreArg,
    },
    /// One lesson as the distributor reads it: what it protects, a bad and a better post, the guidance, the quiz.
    Show {
        /// The lesson: a rule category (health, income, disclosure, …).
        lesson: String,
        /// Company packs, whose rules teach too; repeatable.
        #[arg(long = "pack", value_name = "FILE")]
        packs: Vec<String>,
        /// The lesson as one JSON object (with the answers).
        #[arg(long)]
        json: bool,
    },
    /// Record a distributor's quiz answers: completed when at least two in three are right.
    Complete {
        lesson: String,
        /// Whose answers.
        #[arg(long, value_name = "ID")]
        distributor: String,
        /// One letter a question, in order: `b,a,c`.
        #[arg(long, value_name = "LETTERS")]
        answers: String,
        #[arg(long = "pack", value_name = "FILE")]
        packs: Vec<String>,
        #[command(flatten)]
        who: Who,
        #[command(flatten)]
        db: StoreArg,
    },
}

pub fn lesson(c: &LessonCommand) -> Result<u8> {
    match c {
        LessonCommand::List { distributor, json, db } => list_lessons(distributor.as_deref(), *json, db),
        LessonCommand::Show { lesson: name, packs, json } => {
            let checker = crate::input::checker(packs)?;
            let l = lesson::find(checker.engine(), name).map_err(usage)?;
            let mut out = std::io::stdout().lock();
            if *json {
                writeln!(out, "{}", serde_json::to_string(&l)?)?;
            } else {
                write!(out, "{}", lesson::render(&l))?;
                writeln!(
                    out,
                    "\nRecord the answers: tactful company lesson complete {} --distributor ID --answers {}",
                    l.id,
                    vec!["?"; l.quiz.len()].join(",")
                )?;
            }
            Ok(0)
        }
        LessonCommand::Complete { lesson: name, distributor, answers, packs, who, db } => {
            let checker = crate::input::checker(packs)?;
            let l = lesson::find(checker.engine(), name).map_err(usage)?;
            let picks = lesson::parse_answers(&l, answers).map_err(usage)?;
            let mut store = open(db)?;
            let a = lesson::complete(store.people(), &who.actor(), distributor, &l, &picks).map_err(usage)?;
            let mut out = std::io::stdout().lock();
            if a.passed {
                writeln!(
                    out,
                    "{distributor}: lesson `{}` completed, {} of {} right",
                    a.lesson, a.right, a.questions
                )?;
            } else {
                writeln!(
                    out,
                    "{distributor}: lesson `{}` not passed yet, {} of {} right (two in three pass); it stays open",
                    a.lesson, a.right, a.questions
                )?;
            }
            Ok(u8::from(!a.passed))
        }
    }
}

fn list_lessons(distributor: Option<&str>, json: bool, db: &StoreArg) -> Result<u8> {
    let given = lesson::assignments(open(db)?.people(), DEFAULT_COMPANY, distributor)?;
    if let Some(d) = distributor {
        return super::print_list(&given, json, None, |out| {
            table!(
                out,
                "{:<14} {:>6} {:<16} {:>8} {:>6}  {}",
                ["LESSON", "CASE", "GIVEN", "ATTEMPTS", "SCORE", "COMPLETED"],
                &given,
                |a| [
                    a.lesson,
                    a.case.map_or_else(|| "-".into(), |c| c.to_string()),
                    show_time(a.assigned_at),
                    a.attempts,
                    a.score.zip(a.questions).map_or_else(|| "-".into(), |(s, q)| format!("{s}/{q}")),
                    a.completed_at.map_or_else(|| "not yet".into(), show_time)
                ]
            );
            writeln!(
                out,
                "{d}: {} lessons given, {} completed",
                given.len(),
                given.iter().filter(|a| a.completed_at.is_some()).count()
            )?;
            Ok(())
        });
    }
    let mut out = std::io::stdout().lock();
    let checker = crate::input::checker(&[])?;
    let lessons = lesson::all(checker.engine());
    let tally = |id: &str, done: bool| {
        given.iter().filter(|a| a.lesson == id && (!done || a.completed_at.is_some())).count()
    };
    if json {
        for l in &lessons {
            let row = serde_json::json!({
                "lesson": l.id, "title": l.title, "rules": l.rules,
                "given": tally(l.id, false), "completed": tally(l.id, true),
            });
            writeln!(out, "{row}")?;
        }
        return Ok(0);
    }
    table!(out, "{:<14} {:<38} {:>6} {:>9}", ["LESSON", "TITLE", "GIVEN", "COMPLETED"], &lessons, |l| [
        l.id,
        l.title,
        tally(l.id, false),
        tally(l.id, true)
    ]);
    writeln!(out, "Read one with `tactful company lesson show LESSON`.")?;
    Ok(0)
}

pub fn escalate(policy: &Policy, who: &Who, db: &StoreArg) -> Result<u8> {
    let mut store = open(db)?;
    let up = ladder::run(store.people(), &who.actor(), policy)?;
    let mut out = std::io::stdout().lock();
    for e in &up {
        let to = if e.level == 1 { format!("upline {}", e.to) } else { e.to.clone() };
        let note = e.notice.map_or_else(String::new, |n| format!(" (note {n} queued to them)"));
        writeln!(out, "case {}: {} → {to}{note}", e.case, e.distributor.as_deref().unwrap_or("-"))?;
    }
    let uplines = up.iter().filter(|e| e.level == 1).count();
    writeln!(
        out,
        "{} cases escalated: {uplines} to the upline, {} to the compliance lead (after {} days without a fix)",
        up.len(),
        up.len() - uplines,
        policy.escalation_days()
    )?;
    Ok(0)
}

pub fn report(html: bool, to: Option<&Path>, db: &StoreArg) -> Result<u8> {
    let mut store = open(db)?;
    let r = numbers::build(store.people(), DEFAULT_COMPANY, crate::store::now())?;
    let text = if html { page(&r).into_string() } else { serde_json::to_string_pretty(&r)? + "\n" };
    match to {
        Some(p) => {
            std::fs::write(p, text).with_context(|| format!("cannot write {}", p.display()))?;
            eprintln!("wrote the company report ({} cases) to {}", r.cases, p.display());
        }
        None => std::io::stdout().lock().write_all(text.as_bytes())?,
    }
    Ok(0)
}

/// Where `tactful company demo` writes the HTML report beside its store.
pub fn write_html(r: &Report, path: &PathBuf) -> Result<()> {
    std::fs::write(path, page(r).into_string()).with_context(|| format!("cannot write {}", path.display()))
}

fn bars(title: &str, rows: &[Count]) -> Markup {
    let max = rows.iter().map(|c| c.cases).max().unwrap_or(1).max(1);
    html! {
        h2 { (title) }
        @if rows.is_empty() { p.none { "No cases yet." } } @else {
            table {
                @for c in rows {
                    tr {
                        th { (c.key) }
                        td.bar { div style=(format!("width:{}%", c.cases * 100 / max)) {} }
                        td.n { (c.cases) }
                    }
                }
            }
        }
    }
}

fn span(t: &Timing) -> String {
    match (t.median_hours, t.mean_hours) {
        (Some(m), Some(a)) => format!("median {m:.1} h, mean {a:.1} h, over {} cases", t.cases),
        _ => "nothing yet".into(),
    }
}

fn page(r: &Report) -> Markup {
    let pct = |v: Option<f64>| v.map_or_else(|| "-".into(), |v| format!("{:.0}%", v * 100.0));
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                title { "Compliance report" }
                style { "body{font:14px/1.4 sans-serif;max-width:60em;margin:2em auto;color:#222}
                    table{border-collapse:collapse;margin-bottom:1em}th,td{padding:2px 8px;text-align:left}
                    td.n{text-align:right}td.bar{width:20em}td.bar div{background:#7a9cc6;height:12px}
                    .none{color:#777}" }
            }
            body {
                h1 { "Compliance report" }
                p { (r.cases) " cases over " (r.distributors) " distributors, as of " (show_time(r.generated_at)) " UTC. "
                    "Lessons: " (r.lessons_completed) " of " (r.lessons_assigned) " given were completed." }
                p { "Time to notice: " (span(&r.time_to_notice)) ". Time to fix: " (span(&r.time_to_fix)) "." }
                (bars("By status", &r.by_status))
                (bars("By category", &r.by_category))
                (bars("By rule", &r.by_rule))
                (bars("By month opened", &r.by_month))
                (bars("By rank", &r.by_rank))
                h2 { "By team (a leader and their whole downline)" }
                table {
                    tr { th { "leader" } th { "name" } th { "team" } th { "cases" } }
                    @for t in &r.by_team { tr { td { (t.leader) } td { (t.name) } td.n { (t.size) } td.n { (t.cases) } } }
                }
                h2 { "Repeat offenders (cases on more than one post)" }
                table {
                    tr { th { "distributor" } th { "name" } th { "posts" } th { "cases" } th { "lessons completed" } }
                    @for o in &r.repeat_offenders {
                        tr { td { (o.distributor) } td { (o.name) } td.n { (o.posts) } td.n { (o.cases) } td.n { (o.lessons_completed) } }
                    }
                }
                h2 { "Precision per rule" }
                p { "Decided: cases that got a notice, were escalated, were fixed or were dismissed. "
                    "False alarms: dismissed ÷ decided; precision is the rest." }
                table {
                    tr { th { "rule" } th { "cases" } th { "decided" } th { "dismissed" } th { "false alarms" } th { "precision" } }
                    @for p in &r.precision {
                        tr { td { (p.rule) } td.n { (p.cases) } td.n { (p.decided) } td.n { (p.dismissed) }
                             td.n { (pct(p.false_alarm_rate)) } td.n { (pct(p.precision)) } }
                    }
                }
            }
        }
    }
}

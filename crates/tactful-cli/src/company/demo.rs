//! `tactful company demo`: a made-up company (a roster of a few hundred
//! distributors, a month of their posts) through the whole loop: roster,
//! ingest, scan, cases, notices delivered to a local mailbox file, lessons,
//! a later feed with some posts edited clean, escalation, the report and the
//! audit check. SQLite in a temp folder by default, or an empty PostgreSQL
//! database with `--pg`. No network.
//!
//! The story ends at the program's clock (TACTFUL_NOW): the month of posts
//! ends 15 days before it, and each later step happens on its own day.

use anyhow::{Context, Result, bail};
use std::path::PathBuf;

use tactful_company::case::Status;
use tactful_company::cases::{self, Change, Filter};
use tactful_company::demo::{Company, POLICY};
use tactful_company::feed::Format;
use tactful_company::notice::{self, Template};
use tactful_company::outbox::{self, MboxFile, Retry};
use tactful_company::policy::Policy;
use tactful_company::worker::Worker;
use tactful_company::{
    Actor, DEFAULT_COMPANY as C, Error, audit, escalate, ingest, lesson, report, roster, schema,
};
use tactful_store::people::Db;

#[derive(clap::Args)]
pub struct Args {
    /// The SQLite file for the demo (default: a fresh file in the system's temp folder).
    #[arg(long, conflicts_with = "pg")]
    pub db: Option<PathBuf>,
    /// Run it on PostgreSQL: the postgres:// URL of an empty database.
    #[arg(long, value_name = "URL")]
    pub pg: Option<String>,
    /// Distributors on the made-up roster.
    #[arg(long, default_value_t = 300)]
    pub distributors: usize,
    /// The seed the company is made from (the same seed, the same company).
    #[arg(long, default_value_t = 2026)]
    pub seed: u64,
}

const DAY: i64 = 86_400;

fn heading(s: &str) {
    println!("\n\x20=== {s} ===\n");
}

/// The demo's folder for its files, and the store's location.
fn place(args: &Args) -> Result<(PathBuf, String)> {
    if let Some(url) = &args.pg {
        let dir = std::env::temp_dir().join("tactful-company-demo-pg");
        std::fs::create_dir_all(&dir)?;
        return Ok((dir, url.clone()));
    }
    let (dir, db) = match &args.db {
        Some(db) => {
            let dir = db.with_extension("files");
            (dir, db.clone())
        }
        None => {
            let dir = std::env::temp_dir().join("tactful-company-demo");
            (dir.clone(), dir.join("company.db"))
        }
    };
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    if let Some(parent) = db.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    // A fresh store each time, so the demo always shows the same thing.
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    Ok((dir, db.display().to_string()))
}

pub fn run(args: &Args) -> Result<u8> {
    if args.distributors < 10 || args.distributors > 5000 {
        bail!(crate::UsageError("--distributors: expected 10 to 5000".into()));
    }
    let (dir, location) = place(args)?;
    let mut store = crate::store::open(Some(&location))?;
    let db = store.people();
    schema::migrate(db).with_context(|| format!("the store at {location}"))?;
    if !roster::distributors(db, C)?.is_empty() {
        bail!(crate::UsageError(format!(
            "{location} already holds a company roster: give the demo an empty database"
        )));
    }
    let now = tactful_app::clock::now();
    let company = Company::generate(args.seed, args.distributors, now - 15 * DAY);
    let files = |name: &str| dir.join(name);
    let write = |name: &str, text: &str| -> Result<String> {
        let p = files(name);
        std::fs::write(&p, text).with_context(|| format!("cannot write {}", p.display()))?;
        Ok(p.display().to_string())
    };
    let roster_file = write("roster.csv", &company.roster_csv)?;
    let feed_file = write("listening-month.jsonl", &company.feed())?;
    let edits_file = write("listening-later.jsonl", &company.edits(false))?;
    let late_file = write("listening-after-nudge.jsonl", &company.edits(true))?;
    let policy_file = write("policy.toml", POLICY)?;
    let policy = Policy::parse(&policy_file, POLICY)?;
    let officer = |at: i64| Actor { company: C, who: "dana@compliance".into(), at };

    heading("1. The roster (tactful company roster import)");
    let r = roster::import(db, &officer(now - 46 * DAY), &roster_file, company.roster_csv.as_bytes())?;
    println!("{roster_file}: {} distributors added, {} skipped", r.added, r.skipped.len());
    let people = roster::distributors(db, C)?;
    let no_email = people.values().filter(|d| d.email.is_none()).count();
    println!("  one founder, {} levels of uplines; {no_email} gave no email", depth(&people));

    heading("2. A month of posts from the listening tool (tactful company ingest)");
    let s = ingest::ingest(
        db,
        &officer(now - 15 * DAY),
        &feed_file,
        company.feed().as_bytes(),
        Format::Jsonl,
        ingest::Options::default(),
    )?;
    println!(
        "{feed_file}: {} posts added, {} unattributed (authors on nobody's roster entry)",
        s.added, s.unattributed
    );

    heading("3. Scan into cases (tactful company scan --policy policy.toml)");
    let worker = Worker::new(crate::input::checker(&[])?, policy.clone(), "demo-worker");
    let checker = worker.checker();
    let at = now - 15 * DAY + 600;
    let scan = worker.run(db, C, &|| at, &mut |_| {})?;
    println!("scanned {} posts: {} cases opened", scan.posts, scan.opened);
    let all = list(db)?;
    let mut by_category = std::collections::BTreeMap::<&str, usize>::new();
    for c in &all {
        *by_category.entry(c.category.as_str()).or_default() += 1;
    }
    let shown: Vec<String> = by_category.iter().map(|(k, v)| format!("{k} {v}")).collect();
    println!("  by category: {}", shown.join(", "));
    if let Some(g) = cases::groups(db, C)?.first() {
        println!(
            "  the biggest case group: one text pasted in {} posts by {} distributors:\n    \"{}\"",
            g.posts,
            g.distributors,
            g.sample.trim()
        );
    }

    heading("4. A reviewer dismisses two false alarms (tactful company case ID --status dismissed)");
    for c in all.iter().filter(|c| c.category == "disclosure").take(2) {
        cases::change(
            db,
            &officer(now - 15 * DAY + 1800),
            c.id,
            &Change::Status {
                to: Status::Dismissed,
                reason: Some("the post is about a friend's shop, not ours".into()),
            },
        )?;
        println!("case {} ({}): dismissed", c.id, c.codes.join(","));
    }

    heading("5. Friendly notes, each with its lesson (tactful company notice; outbox send)");
    let (mut queued, mut refused) = (0, 0);
    let mut example = None;
    for c in list(db)?.iter().filter(|c| c.status == Status::New && c.distributor.is_some()) {
        match notice::queue(
            db,
            &officer(now - 15 * DAY + 3600),
            checker.engine(),
            &Template::default(),
            policy.lesson_url.as_deref(),
            c.id,
        ) {
            Ok(n) => {
                queued += 1;
                example.get_or_insert(n);
            }
            Err(Error::NoEmail { .. }) => refused += 1,
            Err(e) => return Err(e.into()),
        }
    }
    let mailbox = files("notices.mbox");
    let _ = std::fs::remove_file(&mailbox);
    let mailer = MboxFile::new(&mailbox, "compliance@glowa.example");
    let sent = outbox::send(db, &officer(now - 15 * DAY + 3700), &mailer, Retry::default())?;
    println!(
        "{queued} notes queued ({refused} refused: no email on the roster), {} delivered to {}",
        sent.sent,
        mailbox.display()
    );
    if let Some(n) = example {
        println!("\n  To: {}\n  Subject: {}\n", n.to, n.subject);
        for line in n.body.lines() {
            println!("  │ {line}");
        }
    }

    heading("6. Lessons taken (tactful company lesson complete LESSON --distributor ID --answers …)");
    let given = lesson::assignments(db, C, None)?;
    let (mut passed, mut failed) = (0, 0);
    // A pass completes every open assignment of that lesson for that person:
    // their second notice of the same kind is then done too, not taken again.
    let mut done_for: std::collections::HashSet<(String, String)> = std::collections::HashSet::new();
    for (i, a) in given.iter().enumerate() {
        if done_for.contains(&(a.distributor.clone(), a.lesson.clone())) {
            passed += 1;
            continue;
        }
        let l = lesson::find(checker.engine(), &a.lesson)?;
        // Most take it; a few get every answer wrong; some have not opened it.
        let answers: Vec<usize> = match i % 4 {
            0 | 1 => l.quiz.iter().map(|q| q.answer).collect(),
            2 => l.quiz.iter().map(|q| (q.answer + 1) % q.choices.len()).collect(),
            _ => continue,
        };
        let done = lesson::complete(db, &officer(now - 13 * DAY), &a.distributor, &l, &answers)?;
        if done.passed {
            passed += 1;
            done_for.insert((a.distributor.clone(), a.lesson.clone()));
        } else {
            failed += 1;
        }
    }
    println!(
        "{} lessons given: {passed} completed, {failed} not passed yet, {} not opened",
        given.len(),
        given.len() - passed - failed
    );

    heading("7. Later posts: some were edited clean (ingest + scan)");
    let (s, rescan) = ingest_and_scan(db, &worker, now - 12 * DAY, &edits_file, &company.edits(false))?;
    println!("{edits_file}: {} edited posts; the scan found {} cases fixed", s.new_versions, rescan.fixed);

    heading("8. No fix after 7 days: to the upline, then the compliance lead (tactful company escalate)");
    let first = escalate::run(db, &officer(now - 8 * DAY + 7200), &policy)?;
    let to_upline = first.iter().filter(|e| e.level == 1).count();
    println!(
        "after 7 days: {to_upline} cases to the upline ({} notes to them), {} straight to the lead (no upline)",
        first.iter().filter(|e| e.notice.is_some()).count(),
        first.len() - to_upline
    );
    outbox::send(db, &officer(now - 8 * DAY + 7260), &mailer, Retry::default())?;
    let (s, nudged) = ingest_and_scan(db, &worker, now - 4 * DAY, &late_file, &company.edits(true))?;
    println!(
        "{late_file}: {} more posts edited after the nudge: {} cases fixed",
        s.new_versions, nudged.fixed
    );
    let second = escalate::run(db, &officer(now), &policy)?;
    println!(
        "after 14 days: {} cases still not fixed go to {}",
        second.len(),
        policy.compliance_lead.as_deref().unwrap_or(escalate::DEFAULT_LEAD)
    );

    heading("9. The report (tactful company report --format html)");
    let r = report::build(db, C, now)?;
    let html = files("report.html");
    super::followup::write_html(&r, &html)?;
    let status: Vec<String> = r.by_status.iter().map(|c| format!("{} {}", c.key, c.cases)).collect();
    println!("{} cases: {}", r.cases, status.join(", "));
    let hours = |t: &report::Timing| t.median_hours.map_or_else(|| "-".into(), |h| format!("{h:.1} h"));
    println!("median time to notice {}, to fix {}", hours(&r.time_to_notice), hours(&r.time_to_fix));
    if let Some(t) = r.by_team.iter().find(|t| t.leader != "G0001") {
        println!(
            "the team with most cases under the founder: {} ({}), {} people, {} cases",
            t.leader, t.name, t.size, t.cases
        );
    }
    println!("{} repeat offenders", r.repeat_offenders.len());
    for p in r.precision.iter().filter(|p| p.dismissed > 0) {
        println!(
            "{}: {} of {} decided cases dismissed as false alarms: precision {:.0}%",
            p.rule,
            p.dismissed,
            p.decided,
            p.precision.unwrap_or(0.0) * 100.0
        );
    }
    println!("wrote {}", html.display());

    heading("10. The audit log (tactful company audit verify)");
    let v = audit::verify(db, C)?;
    match &v.broken {
        None => println!("audit log OK: {} entries, head {}", v.entries, v.head),
        Some(b) => bail!("audit log BROKEN: {b}"),
    }

    println!("\nTry next (the files are in {}):", dir.display());
    println!("  tactful company cases --status open --sort priority --db {location}");
    println!("  tactful company lesson show health");
    println!("  tactful company report --format html --out report.html --db {location}");
    Ok(0)
}

/// Ingest a later feed at `at` and scan it ten minutes on.
fn ingest_and_scan(
    db: &mut dyn Db,
    worker: &Worker,
    at: i64,
    file: &str,
    feed: &str,
) -> Result<(ingest::IngestSummary, tactful_company::worker::ScanSummary)> {
    let actor = Actor { company: C, who: "dana@compliance".into(), at };
    let s = ingest::ingest(db, &actor, file, feed.as_bytes(), Format::Jsonl, ingest::Options::default())?;
    let scanned = worker.run(db, C, &|| at + 600, &mut |_| {})?;
    Ok((s, scanned))
}

fn list(db: &mut dyn Db) -> Result<Vec<cases::Case>> {
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let page = cases::list(db, C, &Filter { limit: Some(1000), after, ..Filter::default() })?;
        out.extend(page.cases);
        match page.next {
            Some(n) => after = Some(n),
            None => return Ok(out),
        }
    }
}

/// The deepest level of the upline tree.
fn depth(people: &std::collections::BTreeMap<String, roster::Distributor>) -> usize {
    let tree = tactful_company::upline::Tree::from_uplines(
        people.values().map(|d| (d.id.as_str(), d.upline.as_deref())),
    );
    tree.everyone().iter().map(|(_, d)| d + 1).max().unwrap_or(0)
}

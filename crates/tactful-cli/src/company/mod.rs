//! `tactful company …`: the company side's roster, feed ingest, unattributed
//! handles, scan workers, the case queue, notices and their outbox, lessons,
//! escalation, the report, the demo, and the audit log. Parses the command
//! line and prints; the work (and every rule about it) is in
//! `tactful-company`, which returns data.

mod api;
mod demo;
mod draft;
mod followup;

use anyhow::{Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use tactful_company::case::Status;
use tactful_company::cases::{self, Change, Filter, Order, Statuses};
use tactful_company::feed::Format;
use tactful_company::notice::{self, Template};
use tactful_company::outbox::{self, Retry, Smtp};
use tactful_company::policy::Policy;
use tactful_company::worker::{self, Worker};
use tactful_company::{Actor, DEFAULT_COMPANY, Problem, audit, ingest, roster};

use crate::UsageError;
use crate::store::{StoreArg, show_time};
use crate::table::table;

#[derive(clap::Subcommand)]
pub enum Command {
    /// The roster of distributors: import a CSV, list everyone or a leader's team.
    #[command(subcommand)]
    Roster(RosterCommand),
    /// Ingest a social-listening feed (CSV or JSONL): posts attributed by handle, edits kept as versions.
    Ingest {
        /// The feed: FILE.csv or FILE.jsonl (columns in docs/company.md).
        file: PathBuf,
        /// csv or jsonl (default: from the file's extension).
        #[arg(long, value_parser = ["csv", "jsonl"])]
        format: Option<String>,
        #[command(flatten)]
        who: Who,
        #[command(flatten)]
        db: StoreArg,
    },
    /// Ingest a distributor's own platform export (Facebook, Instagram, X, LinkedIn, CSV/JSONL): their posts, attributed to them.
    IngestExport {
        /// The distributor whose export it is (their roster id).
        #[arg(long, value_name = "ID")]
        distributor: String,
        /// The export: a zip or a folder, as the platform gave it.
        path: PathBuf,
        /// facebook, instagram, x, linkedin, csv or jsonl (default: told from the export's files).
        #[arg(long)]
        format: Option<String>,
        #[command(flatten)]
        who: Who,
        #[command(flatten)]
        db: StoreArg,
    },
    /// Handles that posted but are on no distributor's roster entry.
    Unattributed {
        /// One JSON object a line instead of a table.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        db: StoreArg,
    },
    /// Scan the queued posts into cases until the queue is empty (a worker, in this process).
    Scan {
        #[command(flatten)]
        scan: ScanArgs,
        #[command(flatten)]
        db: StoreArg,
    },
    /// A scan worker: take batches from the shared queue until it is empty (or, with --follow, until stopped).
    Worker {
        #[command(flatten)]
        scan: ScanArgs,
        /// Keep waiting for new posts when the queue is empty (stop with Ctrl-C).
        #[arg(long)]
        follow: bool,
        #[command(flatten)]
        db: StoreArg,
    },
    /// The case queue: newest (or highest priority) first, filtered; one page at a time.
    Cases {
        /// Only cases with this status (new, in_review, notice_sent, escalated, fixed, dismissed, closed), or `open`: every case still to act on (not fixed, dismissed or closed).
        #[arg(long)]
        status: Option<String>,
        /// Only cases with a finding of this rule.
        #[arg(long, value_name = "CODE")]
        rule: Option<String>,
        /// Only this distributor's cases.
        #[arg(long, value_name = "ID")]
        distributor: Option<String>,
        /// Only posts on this network (instagram, facebook, x, linkedin, tiktok, …).
        #[arg(long, value_name = "NETWORK")]
        network: Option<String>,
        /// Only cases of this category (health, income, disclosure, …).
        #[arg(long)]
        category: Option<String>,
        /// Only the cases of this case group (the same text in many posts).
        #[arg(long, value_name = "GROUP")]
        group: Option<i64>,
        /// Only cases opened on or after this day (YYYY-MM-DD, UTC).
        #[arg(long, value_name = "DAY")]
        from: Option<String>,
        /// Only cases opened on or before this day (YYYY-MM-DD, UTC).
        #[arg(long, value_name = "DAY")]
        to: Option<String>,
        /// newest (default) or priority.
        #[arg(long, value_parser = ["newest", "priority"], default_value = "newest")]
        sort: String,
        /// Cases per page.
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// Start after this case: the `next` the page before printed.
        #[arg(long, value_name = "CURSOR")]
        after: Option<String>,
        /// One JSON object a line instead of a table (and `{"next": …}` last when there is more).
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        db: StoreArg,
    },
    /// One case: the post with its findings highlighted, why each matters, the guidance, the history; or change it.
    Case {
        id: i64,
        /// Move it to: in_review, notice_sent, escalated, dismissed (needs --reason), closed.
        #[arg(long)]
        status: Option<String>,
        /// Why (required to dismiss).
        #[arg(long)]
        reason: Option<String>,
        /// Give it to someone ("" for nobody).
        #[arg(long, value_name = "NAME")]
        assign: Option<String>,
        /// When it is due, YYYY-MM-DD ("" for no date).
        #[arg(long, value_name = "YYYY-MM-DD")]
        due: Option<String>,
        /// Company packs, for the guidance of their rules; repeatable.
        #[arg(long = "pack", value_name = "FILE")]
        packs: Vec<String>,
        /// The case as one JSON object.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        who: Who,
        #[command(flatten)]
        db: StoreArg,
    },
    /// Queue a friendly private note to the case's distributor (their roster email) and mark the case notice_sent.
    Notice {
        /// The case number.
        case: i64,
        /// The company's own template (placeholders in docs/company.md); default: the built-in note.
        #[arg(long, value_name = "FILE")]
        template: Option<PathBuf>,
        /// Company packs, for the guidance of their rules; repeatable.
        #[arg(long = "pack", value_name = "FILE")]
        packs: Vec<String>,
        /// The company's policy file, for its lesson page (`lesson_url`).
        #[arg(long, value_name = "FILE")]
        policy: Option<PathBuf>,
        /// Print the note as queued.
        #[arg(long)]
        show: bool,
        #[command(flatten)]
        who: Who,
        #[command(flatten)]
        db: StoreArg,
    },
    /// The notices: queued, sent, failed (or `outbox send` to deliver them).
    Outbox {
        #[command(subcommand)]
        send: Option<OutboxCommand>,
        /// One JSON object a line instead of a table.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        db: StoreArg,
    },
    /// The lessons, one per rule category: list them, read one with its quiz, record a distributor's answers.
    #[command(subcommand)]
    Lesson(followup::LessonCommand),
    /// Move noticed cases with no fix up: to the upline after N days, to the compliance lead after N more.
    Escalate {
        /// The company's policy file (escalate_after_days, compliance_lead).
        #[arg(long, value_name = "FILE")]
        policy: Option<PathBuf>,
        #[command(flatten)]
        who: Who,
        #[command(flatten)]
        db: StoreArg,
    },
    /// The compliance report: cases by category, rule, month, team and rank; times; repeat offenders; precision.
    Report {
        /// json (default) or html.
        #[arg(long, value_parser = ["json", "html"], default_value = "json")]
        format: String,
        /// Write it to this file instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        #[command(flatten)]
        db: StoreArg,
    },
    /// API keys for integrations that send posts over HTTP: create (shown once), revoke, list.
    #[command(subcommand)]
    Apikey(api::ApiKeyCommand),
    /// Drafts sent for pre-approval: submit (checked at once), list, approve, return.
    #[command(subcommand)]
    Draft(draft::DraftCommand),
    /// Serve the API for integrations (each with its key): POST /api/v1/company/ingest, /drafts, /reports.
    Serve {
        /// Where to listen (port 0: any free port; the first line says which).
        #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:8765")]
        listen: String,
        /// What drafts are checked with.
        #[command(flatten)]
        judge: Judge,
        /// Peer reports one integration key may send per hour.
        #[arg(long, default_value_t = 60)]
        reports_per_hour: i64,
        /// Mark the console's session cookie Secure: for a reverse proxy that ends TLS in front of it.
        #[arg(long)]
        secure_cookie: bool,
        #[command(flatten)]
        db: StoreArg,
    },
    /// The console's accounts: invite someone (the link is shown once), list them.
    #[command(subcommand)]
    Account(AccountCommand),
    /// A made-up company of a few hundred distributors and a month of posts, through the whole loop.
    Demo(demo::Args),
    /// The tamper-evident audit log: verify the chain, export it.
    #[command(subcommand)]
    Audit(AuditCommand),
}

#[derive(clap::Subcommand)]
pub enum OutboxCommand {
    /// Deliver the queued notices that are due by SMTP; a failure is retried later, with backoff.
    Send {
        /// The SMTP server, plain SMTP without TLS: a relay on localhost (see docs/company.md).
        #[arg(long, value_name = "HOST:PORT")]
        smtp: String,
        /// The sender's address.
        #[arg(long, value_name = "ADDR", default_value = "compliance@localhost")]
        from: String,
        /// Attempts before a notice is marked failed.
        #[arg(long, default_value_t = 5)]
        max_attempts: i64,
        #[command(flatten)]
        who: Who,
        #[command(flatten)]
        db: StoreArg,
    },
}

/// How a scan judges posts.
#[derive(clap::Args, Debug, Clone)]
pub struct ScanArgs {
    /// Post versions per batch (one transaction each).
    #[arg(long, default_value_t = tactful_company::worker::DEFAULT_BATCH)]
    batch: usize,
    #[command(flatten)]
    judge: Judge,
    /// The worker's name in the audit log (default: worker-PID).
    #[arg(long = "as", value_name = "NAME")]
    name: Option<String>,
}

/// What posts and drafts are judged with: the company's packs and policy.
#[derive(clap::Args, Debug, Clone)]
pub struct Judge {
    /// A company pack (TOML) checked besides the built-in ones; repeatable.
    #[arg(long = "pack", value_name = "FILE")]
    packs: Vec<String>,
    /// The company's policy file: approved claims, brand and product names, required disclosures.
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
}

impl Judge {
    /// The checker and the policy: the files named with `--pack` and
    /// `--policy`; without either, the pack and policy the compliance admin
    /// last saved in the console (`/admin/pack`, where they were tested
    /// before saving); without those, the built-in packs and no policy.
    /// Which one is in force is said on stderr.
    pub(crate) fn load(
        &self,
        db: &mut dyn tactful_store::people::Db,
    ) -> Result<(tactful_app::Checker, Policy)> {
        if !self.packs.is_empty() || self.policy.is_some() {
            return Ok((crate::input::checker(&self.packs)?, load_policy(self.policy.as_deref())?));
        }
        tactful_console::schema::migrate(db)?;
        let judge = tactful_console::packs::Judge::current(db, DEFAULT_COMPANY)?;
        if let Some(saved) = &judge.saved {
            eprintln!(
                "judging with the company pack and policy saved in the console on {} by {} (--pack or --policy to use files instead)",
                tactful_app::clock::rfc3339(saved.saved_at),
                saved.saved_by
            );
        }
        Ok((judge.checker, judge.policy))
    }
}

impl ScanArgs {
    fn worker(&self, db: &mut dyn tactful_store::people::Db) -> Result<Worker> {
        let (checker, policy) = self.judge.load(db)?;
        let name = self.name.clone().unwrap_or_else(|| format!("worker-{}", std::process::id()));
        Ok(Worker::new(checker, policy, &name).batch_size(self.batch))
    }
}

/// A day given as YYYY-MM-DD, as the Unix time it starts (UTC).
fn day(flag: &str, v: Option<&str>) -> Result<Option<i64>> {
    v.map(|d| {
        tactful_app::clock::day(d)
            .ok_or_else(|| UsageError(format!("{flag}: expected a day like 2026-11-21, found `{d}`")).into())
    })
    .transpose()
}

/// The company's policy file, or the empty policy.
pub(crate) fn load_policy(path: Option<&Path>) -> Result<Policy> {
    let Some(p) = path else { return Ok(Policy::default()) };
    let src = std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))?;
    Ok(Policy::parse(&p.display().to_string(), &src).map_err(|e| UsageError(e.to_string()))?)
}

#[derive(clap::Subcommand)]
pub enum RosterCommand {
    /// Add and update distributors from a CSV (columns in docs/company.md); bad rows are named and skipped.
    Import {
        file: PathBuf,
        #[command(flatten)]
        who: Who,
        #[command(flatten)]
        db: StoreArg,
    },
    /// Everyone as a tree under their uplines, or one leader's team.
    List {
        /// Only this leader and their whole downline.
        #[arg(long, value_name = "ID")]
        team: Option<String>,
        /// One JSON object a line instead of a table.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        db: StoreArg,
    },
}

#[derive(clap::Subcommand)]
pub enum AuditCommand {
    /// Check every entry's hash chain: OK with the count and head, or the first broken entry (exit 1).
    Verify {
        #[command(flatten)]
        db: StoreArg,
    },
    /// Write every entry as JSON lines (to standard output, or --out FILE).
    Export {
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        #[command(flatten)]
        db: StoreArg,
    },
}

#[derive(clap::Subcommand)]
pub enum AccountCommand {
    /// Invite a person to the console with a role; prints the link that sets their password.
    Invite {
        /// Their email address (their login).
        #[arg(long)]
        email: String,
        /// Their name, as the console shows it.
        #[arg(long = "name")]
        full_name: String,
        /// admin, reviewer, leader or distributor.
        #[arg(long)]
        role: String,
        /// A leader's or a distributor's id on the roster.
        #[arg(long, value_name = "ID")]
        distributor: Option<String>,
        #[command(flatten)]
        who: Who,
        #[command(flatten)]
        db: StoreArg,
    },
    /// Every account: address, name, role, distributor, state.
    List {
        #[command(flatten)]
        db: StoreArg,
    },
}

fn account_command(c: &AccountCommand) -> Result<u8> {
    match c {
        AccountCommand::Invite { email, full_name, role, distributor, who, db } => {
            let mut store = open(db)?;
            tactful_console::schema::migrate(store.people())?;
            let role: tactful_console::Role =
                role.parse().map_err(|e: tactful_console::Error| crate::UsageError(e.to_string()))?;
            let inv = tactful_console::accounts::invite(
                store.people(),
                &who.actor(),
                email,
                full_name,
                role,
                distributor.as_deref(),
            )
            .map_err(|e| match e {
                tactful_console::Error::Input(_) => anyhow::Error::new(crate::UsageError(e.to_string())),
                other => anyhow::Error::new(other),
            })?;
            println!(
                "Invited {} as {}. Send them this link on the console's address (it works once, for 7 days;\n\
                 it is shown only now): /invitation/{}",
                inv.account.email,
                role.as_str(),
                inv.token
            );
            Ok(0)
        }
        AccountCommand::List { db } => {
            let mut store = open(db)?;
            tactful_console::schema::migrate(store.people())?;
            for a in tactful_console::accounts::list(store.people(), DEFAULT_COMPANY)? {
                let state = if a.disabled {
                    "disabled"
                } else if a.active {
                    "active"
                } else {
                    "invited"
                };
                println!(
                    "{:<32} {:<24} {:<12} {:<8} {state}",
                    a.email,
                    a.name,
                    a.role.as_str(),
                    a.distributor.as_deref().unwrap_or("-")
                );
            }
            Ok(0)
        }
    }
}

/// Who is acting, for the audit log.
#[derive(clap::Args, Debug, Clone)]
pub struct Who {
    /// Your name or login, recorded in the audit log (default: $USER).
    #[arg(long = "as", value_name = "NAME")]
    pub(crate) name: Option<String>,
}

impl Who {
    pub(crate) fn actor(&self) -> Actor {
        let who = self
            .name
            .clone()
            .or_else(|| std::env::var("USER").ok().filter(|u| !u.is_empty()))
            .unwrap_or_else(|| "tactful".to_string());
        Actor { company: DEFAULT_COMPANY, who, at: crate::store::now() }
    }
}

/// Open the store and bring the company tables up to date.
pub(crate) fn open(db: &StoreArg) -> Result<Box<dyn tactful_store::Store>> {
    let mut store = db.open()?;
    let location = store.location();
    tactful_company::schema::migrate(store.people()).with_context(|| format!("the store at {location}"))?;
    Ok(store)
}

fn open_file(path: &Path) -> Result<std::fs::File> {
    std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))
}

pub fn run(c: &Command) -> Result<u8> {
    match c {
        Command::Roster(RosterCommand::Import { file, who, db }) => roster_import(file, who, db),
        Command::Roster(RosterCommand::List { team, json, db }) => roster_list(team.as_deref(), *json, db),
        Command::Ingest { file, format, who, db } => feed_ingest(file, format.as_deref(), who, db),
        Command::IngestExport { distributor, path, format, who, db } => {
            ingest_export(distributor, path, format.as_deref(), who, db)
        }
        Command::Unattributed { json, db } => unattributed(*json, db),
        Command::Scan { scan, db } => run_worker(scan, false, db),
        Command::Worker { scan, follow, db } => run_worker(scan, *follow, db),
        Command::Cases {
            status,
            rule,
            distributor,
            network,
            category,
            group,
            from,
            to,
            sort,
            limit,
            after,
            json,
            db,
        } => {
            let filter = Filter {
                status: status.as_deref().map(parse_statuses).transpose()?,
                rule: rule.clone(),
                distributor: distributor.clone(),
                network: network.clone(),
                category: category.clone(),
                team: None,
                group: *group,
                opened_from: day("--from", from.as_deref())?,
                // To the end of that day.
                opened_before: day("--to", to.as_deref())?.map(|t| t + 86_400),
                order: if sort == "priority" { Order::Priority } else { Order::Newest },
                after: after.clone(),
                limit: Some(*limit),
            };
            list_cases(&filter, *json, db)
        }
        Command::Case { id, status, reason, assign, due, packs, json, who, db } => {
            let mut changes = Vec::new();
            if let Some(s) = status {
                changes.push(Change::Status { to: parse_status(s)?, reason: reason.clone() });
            } else if reason.is_some() {
                return Err(UsageError("--reason goes with --status".into()).into());
            }
            if let Some(a) = assign {
                changes.push(Change::Assign(Some(a.clone())));
            }
            if let Some(d) = due {
                changes.push(Change::Due(Some(d.clone())));
            }
            if changes.is_empty() {
                show_case(*id, packs, *json, db)
            } else {
                change_case(*id, &changes, who, db)
            }
        }
        Command::Notice { case, template, packs, policy, show, who, db } => {
            let lesson_url = load_policy(policy.as_deref())?.lesson_url;
            queue_notice(*case, template.as_deref(), packs, lesson_url.as_deref(), *show, who, db)
        }
        Command::Lesson(c) => followup::lesson(c),
        Command::Escalate { policy, who, db } => {
            followup::escalate(&load_policy(policy.as_deref())?, who, db)
        }
        Command::Report { format, out, db } => followup::report(format == "html", out.as_deref(), db),
        Command::Demo(a) => demo::run(a),
        Command::Apikey(c) => api::apikey_command(c),
        Command::Draft(c) => draft::run(c),
        Command::Serve { listen, judge, reports_per_hour, secure_cookie, db } => {
            api::serve(listen, judge, *reports_per_hour, *secure_cookie, db)
        }
        Command::Account(c) => account_command(c),
        Command::Outbox { send: None, json, db } => list_outbox(*json, db),
        Command::Outbox { send: Some(OutboxCommand::Send { smtp, from, max_attempts, who, db }), .. } => {
            send_outbox(smtp, from, *max_attempts, who, db)
        }
        Command::Audit(AuditCommand::Verify { db }) => audit_verify(db),
        Command::Audit(AuditCommand::Export { out, db }) => audit_export(out.as_deref(), db),
    }
}

/// Each item as one JSON object a line.
pub(crate) fn json_lines<T: serde::Serialize>(out: &mut impl Write, items: &[T]) -> Result<()> {
    for i in items {
        writeln!(out, "{}", serde_json::to_string(i)?)?;
    }
    Ok(())
}

/// A list command's output: the items as JSON lines, or `empty` (when
/// given) for no items, or what `table` writes.
pub(crate) fn print_list<T: serde::Serialize>(
    items: &[T],
    json: bool,
    empty: Option<&str>,
    table: impl FnOnce(&mut std::io::StdoutLock<'static>) -> Result<()>,
) -> Result<u8> {
    let mut out = std::io::stdout().lock();
    match empty {
        _ if json => json_lines(&mut out, items)?,
        Some(none) if items.is_empty() => writeln!(out, "{none}")?,
        _ => table(&mut out)?,
    }
    Ok(0)
}

fn print_problems(out: &mut impl Write, problems: &[Problem], total: u64) -> std::io::Result<()> {
    if total > 0 {
        writeln!(out, "  skipped:")?;
        for p in problems {
            writeln!(out, "    {p}")?;
        }
        if total > problems.len() as u64 {
            writeln!(out, "    … and {} more", total - problems.len() as u64)?;
        }
    }
    Ok(())
}

fn roster_import(file: &Path, who: &Who, db: &StoreArg) -> Result<u8> {
    let reader = open_file(file)?;
    let mut store = open(db)?;
    let name = file.display().to_string();
    let s = roster::import(store.people(), &who.actor(), &name, reader)?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{}: {} added, {} updated, {} unchanged, {} skipped",
        s.file,
        s.added,
        s.updated,
        s.unchanged,
        s.skipped.len()
    )?;
    if s.attributed_posts > 0 {
        writeln!(out, "  {} waiting posts now attributed to distributors on the roster", s.attributed_posts)?;
    }
    if !s.ignored_columns.is_empty() {
        writeln!(out, "  ignored columns: {}", s.ignored_columns.join(", "))?;
    }
    print_problems(&mut out, &s.skipped, s.skipped.len() as u64)?;
    Ok(0)
}

fn roster_list(team: Option<&str>, json: bool, db: &StoreArg) -> Result<u8> {
    let mut store = open(db)?;
    let entries = match roster::list(store.people(), DEFAULT_COMPANY, team) {
        Err(e @ tactful_company::Error::UnknownDistributor(_)) => {
            return Err(UsageError(e.to_string()).into());
        }
        other => other?,
    };
    let empty = "The roster is empty: `tactful company roster import FILE.csv` adds distributors.";
    print_list(&entries, json, Some(empty), |out| {
        let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
        let rows: Vec<[String; 7]> = entries
            .iter()
            .map(|e| {
                let d = &e.distributor;
                let handles: Vec<String> =
                    d.handles.iter().map(|h| format!("{}:{}", h.network, h.handle)).collect();
                [
                    format!("{}{}", "  ".repeat(e.depth), d.id),
                    d.name.clone(),
                    dash(&d.rank),
                    dash(&d.country),
                    dash(&d.joined),
                    dash(&d.left),
                    handles.join(" "),
                ]
            })
            .collect();
        let header = ["ID", "NAME", "RANK", "COUNTRY", "JOINED", "LEFT", "HANDLES"];
        let mut width = header.map(|h| h.chars().count());
        for r in &rows {
            for (w, cell) in width.iter_mut().zip(r) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let line = |cells: &[&str]| -> String {
            let mut s = String::new();
            for (i, c) in cells.iter().enumerate() {
                if i + 1 == cells.len() {
                    s.push_str(c);
                } else {
                    s.push_str(c);
                    s.push_str(&" ".repeat(width[i] - c.chars().count() + 2));
                }
            }
            s.trim_end().to_string()
        };
        writeln!(out, "{}", line(&header))?;
        for r in &rows {
            writeln!(out, "{}", line(&r.each_ref().map(String::as_str)))?;
        }
        let leavers = entries.iter().filter(|e| e.distributor.left.is_some()).count();
        writeln!(out, "{} distributors ({leavers} left)", entries.len())?;
        Ok(())
    })
}

fn feed_ingest(file: &Path, format: Option<&str>, who: &Who, db: &StoreArg) -> Result<u8> {
    let name = file.display().to_string();
    let format = match format {
        Some("jsonl") => Format::Jsonl,
        Some(_) => Format::Csv,
        None => Format::of(&name).ok_or_else(|| {
            UsageError(format!(
                "{name}: cannot tell the feed's format from its name: give --format csv or --format jsonl"
            ))
        })?,
    };
    let reader = open_file(file)?;
    let mut store = open(db)?;
    let started = Instant::now();
    let s = ingest::ingest(store.people(), &who.actor(), &name, reader, format, ingest::Options::default())?;
    let took = started.elapsed().as_secs_f64();
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{}: {} rows read: {} added, {} new versions, {} unchanged, {} unattributed, {} skipped ({took:.1}s)",
        s.file, s.read, s.added, s.new_versions, s.unchanged, s.unattributed, s.skipped
    )?;
    if s.unattributed > 0 {
        writeln!(
            out,
            "  `tactful company unattributed` lists the handles that are on no distributor's roster entry"
        )?;
    }
    print_problems(&mut out, &s.problems, s.skipped)?;
    Ok(0)
}

fn ingest_export(
    distributor: &str,
    path: &Path,
    format: Option<&str>,
    who: &Who,
    db: &StoreArg,
) -> Result<u8> {
    let format = format.map(str::parse::<tactful_import::Format>).transpose().map_err(UsageError)?;
    let mut store = open(db)?;
    let s = tactful_company::export::ingest_export(
        store.people(),
        &who.actor(),
        distributor,
        path,
        format,
        ingest::Options::default(),
    )
    .map_err(|e| match e {
        // An export that cannot be read is the user's to fix, as with `tactful import`.
        e @ (tactful_company::Error::Format { .. } | tactful_company::Error::Read { .. }) => {
            UsageError(format!("{e}\nnothing was ingested; the store is unchanged")).into()
        }
        e => usage(e),
    })?;
    let p = &s.posts;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{} ({} export of {distributor}): {} own posts: {} added, {} new versions, {} unchanged, {} skipped; {} other records left out",
        p.file, s.format, p.read, p.added, p.new_versions, p.unchanged, p.skipped, s.left_out
    )?;
    print_problems(&mut out, &p.problems, p.skipped)?;
    for u in &s.unreadable {
        writeln!(out, "  not read: {u}")?;
    }
    Ok(0)
}

fn unattributed(json: bool, db: &StoreArg) -> Result<u8> {
    let list = ingest::unattributed(open(db)?.people(), DEFAULT_COMPANY)?;
    print_list(&list, json, Some("No unattributed posts: every author is on the roster."), |out| {
        table!(
            out,
            "{:<10} {:<24} {:>6}  {:<16}  {:<16}  {}",
            ["NETWORK", "HANDLE", "POSTS", "FIRST SEEN", "LAST SEEN", "EXAMPLE"],
            &list,
            |u| [
                u.network,
                u.handle,
                u.posts,
                show_time(u.first_seen),
                show_time(u.last_seen),
                u.example_url.as_deref().unwrap_or("-")
            ]
        );
        let posts: i64 = list.iter().map(|u| u.posts).sum();
        writeln!(
            out,
            "{} handles, {posts} posts: add them to the roster (a handle column) to attribute them",
            list.len()
        )?;
        Ok(())
    })
}

fn audit_verify(db: &StoreArg) -> Result<u8> {
    let mut store = open(db)?;
    let v = audit::verify(store.people(), DEFAULT_COMPANY)?;
    let mut out = std::io::stdout().lock();
    match &v.broken {
        None => {
            writeln!(out, "audit log OK: {} entries, head {}", v.entries, v.head)?;
            Ok(0)
        }
        Some(b) => {
            writeln!(out, "audit log BROKEN at entry {}: {b} ({} entries read)", b.seq(), v.entries)?;
            Ok(1)
        }
    }
}

fn audit_export(to: Option<&Path>, db: &StoreArg) -> Result<u8> {
    let mut store = open(db)?;
    let mut sink: Box<dyn Write> = match to {
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("cannot write {}", p.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let mut written = 0u64;
    let mut failed = None;
    audit::entries(store.people(), DEFAULT_COMPANY, &mut |e| {
        if failed.is_none() {
            match writeln!(sink, "{}", e.to_json_line()) {
                Ok(()) => written += 1,
                Err(err) => failed = Some(err),
            }
        }
    })?;
    if let Some(e) = failed {
        return Err(e.into());
    }
    sink.flush()?;
    if let Some(p) = to {
        eprintln!("wrote {written} audit entries to {}", p.display());
    }
    Ok(0)
}

fn parse_status(s: &str) -> Result<Status> {
    s.parse::<Status>().map_err(|e| UsageError(format!("--status: {e}")).into())
}

fn parse_statuses(s: &str) -> Result<Statuses> {
    s.parse::<Statuses>().map_err(|e| UsageError(format!("--status: {e}")).into())
}

/// A company error that is the person's to fix becomes a usage error (exit 2).
pub(crate) fn usage(e: tactful_company::Error) -> anyhow::Error {
    use tactful_company::Error as E;
    match e {
        E::UnknownCase(_)
        | E::UnknownDistributor(_)
        | E::Transition(_)
        | E::Input(_)
        | E::NoEmail { .. }
        | E::Template { .. } => UsageError(e.to_string()).into(),
        other => other.into(),
    }
}

fn run_worker(args: &ScanArgs, follow: bool, db: &StoreArg) -> Result<u8> {
    let mut store = open(db)?;
    let w = args.worker(store.people())?;
    let started = Instant::now();
    let mut out = std::io::stdout().lock();
    loop {
        let s = w.run(store.people(), DEFAULT_COMPANY, &crate::store::now, &mut |_| {})?;
        let took = started.elapsed().as_secs_f64();
        if s.posts > 0 || !follow {
            writeln!(
                out,
                "scanned {} post versions in {} batches: {} cases opened, {} fixed, {} older versions skipped ({took:.1}s, {:.0} posts/s)",
                s.posts,
                s.batches,
                s.opened,
                s.fixed,
                s.stale,
                s.posts as f64 / took.max(1e-9)
            )?;
            out.flush()?;
        }
        if !follow {
            let left = worker::queued(store.people(), DEFAULT_COMPANY)?;
            if left > 0 {
                writeln!(out, "  {left} post versions were queued meanwhile: run it again")?;
            }
            return Ok(0);
        }
        std::thread::sleep(std::time::Duration::from_secs(2));
    }
}

fn list_cases(filter: &Filter, json: bool, db: &StoreArg) -> Result<u8> {
    let mut store = open(db)?;
    let page = cases::list(store.people(), DEFAULT_COMPANY, filter).map_err(usage)?;
    let mut out = std::io::stdout().lock();
    if json {
        json_lines(&mut out, &page.cases)?;
        if let Some(n) = &page.next {
            writeln!(out, "{}", serde_json::json!({ "next": n }))?;
        }
        return Ok(0);
    }
    if page.cases.is_empty() {
        writeln!(out, "No cases{}.", if filter.after.is_some() { " after that one" } else { "" })?;
        return Ok(0);
    }
    table!(
        out,
        "{:>6}  {:>4}  {:<11}  {:<13}  {:<8}  {:<12}  {:<24}  {:>5}  {:<16}  {}",
        ["CASE", "PRIO", "STATUS", "CATEGORY", "SEVERITY", "DISTRIBUTOR", "RULES", "GROUP", "OPENED", "DUE"],
        &page.cases,
        |c| [
            c.id,
            c.priority.score,
            c.status.as_str(),
            c.category,
            c.severity,
            c.distributor.as_deref().unwrap_or("-"),
            c.codes.join(","),
            if c.group_posts > 1 { format!("×{}", c.group_posts) } else { "-".into() },
            show_time(c.opened_at),
            c.due.as_deref().unwrap_or("-"),
        ]
    );
    match &page.next {
        Some(n) => writeln!(out, "{} cases; more with --after {n}", page.cases.len())?,
        None => writeln!(out, "{} cases", page.cases.len())?,
    }
    Ok(0)
}

/// The text with each finding's span between « and » (overlapping spans merged).
fn highlight(text: &str, spans: &[(usize, usize)]) -> String {
    let mut merged: Vec<(usize, usize)> = Vec::new();
    let mut sorted: Vec<(usize, usize)> = spans
        .iter()
        .copied()
        .filter(|&(s, e)| s < e && e <= text.len() && text.is_char_boundary(s) && text.is_char_boundary(e))
        .collect();
    sorted.sort_unstable();
    for (s, e) in sorted {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    let mut out = String::with_capacity(text.len() + merged.len() * 4);
    let mut at = 0;
    for (s, e) in merged {
        out.push_str(&text[at..s]);
        out.push('«');
        out.push_str(&text[s..e]);
        out.push('»');
        at = e;
    }
    out.push_str(&text[at..]);
    out
}

fn show_case(id: i64, packs: &[String], json: bool, db: &StoreArg) -> Result<u8> {
    let checker = crate::input::checker(packs)?;
    let mut store = open(db)?;
    let d = cases::detail(store.people(), DEFAULT_COMPANY, id).map_err(usage)?;
    let mut out = std::io::stdout().lock();
    if json {
        writeln!(out, "{}", serde_json::to_string(&d)?)?;
        return Ok(0);
    }
    let c = &d.case;
    writeln!(
        out,
        "case {} · {} · {} · {} · priority {}",
        c.id, c.category, c.severity, c.status, c.priority.score
    )?;
    writeln!(out, "  priority: {}", c.priority.why)?;
    let edited = if d.current_version > c.version {
        format!(" (edited since: version {} is current)", d.current_version)
    } else {
        String::new()
    };
    writeln!(
        out,
        "  {} · {} post by {} · version {}{edited} · opened {}",
        c.distributor.as_deref().map_or_else(|| "unattributed".to_string(), |d| format!("distributor {d}")),
        d.network,
        d.author,
        c.version,
        show_time(c.opened_at)
    )?;
    if let Some(u) = &d.url {
        writeln!(out, "  {u}")?;
    }
    if c.assignee.is_some() || c.due.is_some() {
        writeln!(
            out,
            "  assigned to {} · due {}",
            c.assignee.as_deref().unwrap_or("nobody"),
            c.due.as_deref().unwrap_or("-")
        )?;
    }
    if let Some(r) = &c.reason {
        writeln!(out, "  reason: {r}")?;
    }
    if let Some(to) = &c.escalated_to {
        let step = if c.escalation == 1 { "the upline" } else { "the compliance lead" };
        writeln!(out, "  escalated to {step}: {to}")?;
    }
    if !d.group_cases.is_empty() {
        let others: Vec<String> = d
            .group_cases
            .iter()
            .map(|(id, who)| format!("{id} ({})", who.as_deref().unwrap_or("-")))
            .collect();
        writeln!(
            out,
            "  group {}: the same text in {} posts by {} distributors; other cases: {}",
            c.group,
            c.group_posts,
            c.group_distributors,
            others.join(", ")
        )?;
    }
    writeln!(out)?;
    let spans: Vec<(usize, usize)> = c.findings.iter().map(|f| (f.start, f.end)).collect();
    for line in highlight(&d.text, &spans).lines() {
        writeln!(out, "  │ {line}")?;
    }
    writeln!(out)?;
    for (i, f) in c.findings.iter().enumerate() {
        let quoted = d.text.get(f.start..f.end).unwrap_or("");
        writeln!(out, "  {}. {} ({}) «{}»: {}", i + 1, f.code, f.severity, quoted, f.message)?;
        if let Some(g) = cases::guidance(checker.engine(), &f.code) {
            writeln!(out, "     why it matters: {}", g.why.trim())?;
            writeln!(out, "     instead: {}", g.hint.trim())?;
            for l in &g.links {
                writeln!(out, "     guidance: {l}")?;
            }
        }
    }
    writeln!(out)?;
    writeln!(out, "history:")?;
    for e in &d.history {
        let status = |j: &Option<String>| -> String {
            j.as_deref().and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok()).map_or_else(
                || "-".into(),
                |v| match (&v["status"], &v) {
                    (serde_json::Value::String(s), _) => s.clone(),
                    (_, serde_json::Value::Null) => "-".into(),
                    (_, other) => other.to_string(),
                },
            )
        };
        writeln!(
            out,
            "  {}  {:<18} {:<12} {} → {}",
            show_time(e.at),
            e.actor,
            e.action,
            status(&e.before),
            status(&e.after)
        )?;
    }
    Ok(0)
}

fn change_case(id: i64, changes: &[Change], who: &Who, db: &StoreArg) -> Result<u8> {
    let mut store = open(db)?;
    let actor = who.actor();
    let mut out = std::io::stdout().lock();
    for ch in changes {
        let before = cases::get(store.people(), DEFAULT_COMPANY, id).map_err(usage)?;
        let after = cases::change(store.people(), &actor, id, ch).map_err(usage)?;
        match ch {
            Change::Status { .. } => writeln!(out, "case {id}: {} → {}", before.status, after.status)?,
            Change::Assign(_) => {
                writeln!(out, "case {id}: assigned to {}", after.assignee.as_deref().unwrap_or("nobody"))?;
            }
            Change::Due(_) => writeln!(out, "case {id}: due {}", after.due.as_deref().unwrap_or("-"))?,
        }
    }
    Ok(0)
}

fn queue_notice(
    case: i64,
    template: Option<&Path>,
    packs: &[String],
    lesson_url: Option<&str>,
    show: bool,
    who: &Who,
    db: &StoreArg,
) -> Result<u8> {
    let template = match template {
        Some(path) => {
            let text =
                std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
            Template::parse(&path.display().to_string(), &text).map_err(usage)?
        }
        None => Template::default(),
    };
    let checker = crate::input::checker(packs)?;
    let mut store = open(db)?;
    let n = notice::queue(store.people(), &who.actor(), checker.engine(), &template, lesson_url, case)
        .map_err(usage)?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "case {case}: notice {} queued to {} ({}) with the lesson `{}`; the case is notice_sent. Deliver it with `tactful company outbox send --smtp HOST:PORT`.",
        n.id, n.distributor, n.to, n.lesson
    )?;
    if show {
        writeln!(out, "\nSubject: {}\n\n{}", n.subject, n.body)?;
    }
    Ok(0)
}

fn list_outbox(json: bool, db: &StoreArg) -> Result<u8> {
    let all = outbox::list(open(db)?.people(), DEFAULT_COMPANY)?;
    print_list(&all, json, None, |out| {
        let when = |e: &outbox::Entry| match e.status.as_str() {
            "sent" => format!("sent {}", e.sent_at.map_or_else(|| "-".into(), show_time)),
            "queued" if e.attempts > 0 => format!(
                "next try {} · {}",
                show_time(e.next_attempt_at),
                e.last_error.as_deref().unwrap_or("")
            ),
            "queued" => format!("queued {}", show_time(e.queued_at)),
            _ => e.last_error.clone().unwrap_or_default(),
        };
        table!(
            out,
            "{:<6} {:<6} {:<10} {:<28} {:<8} {:>8}  {}",
            ["NOTICE", "CASE", "DISTRIB.", "TO", "STATUS", "ATTEMPTS", "WHEN / ERROR"],
            &all,
            |e| [e.id, e.case, e.distributor, e.to, e.status, e.attempts, when(e)]
        );
        let count = |s: &str| all.iter().filter(|e| e.status == s).count();
        writeln!(
            out,
            "{} notices: {} queued, {} sent, {} failed{}",
            all.len(),
            count("queued"),
            count("sent"),
            count("failed"),
            match count("sending") {
                0 => String::new(),
                n => format!(", {n} left sending by a sender that stopped (not retried: it may have gone)"),
            }
        )?;
        Ok(())
    })
}

fn send_outbox(smtp: &str, from: &str, max_attempts: i64, who: &Who, db: &StoreArg) -> Result<u8> {
    if max_attempts < 1 {
        return Err(UsageError("--max-attempts: expected 1 or more".into()).into());
    }
    let mailer = Smtp::new(smtp, from).map_err(usage)?;
    let mut store = open(db)?;
    let retry = Retry { max_attempts, ..Retry::default() };
    let s = outbox::send(store.people(), &who.actor(), &mailer, retry)?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{} sent, {} to retry later, {} failed (given up), {} waiting for their next attempt",
        s.sent, s.retrying, s.failed, s.waiting
    )?;
    Ok(u8::from(s.retrying + s.failed > 0))
}

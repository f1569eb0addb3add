//! `tactful company …`: the company side's roster, feed ingest, unattributed
//! handles and audit log. Parses the command line and prints; the work (and
//! every rule about it) is in `tactful-company`, which returns data.

use anyhow::{Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use tactful_company::feed::Format;
use tactful_company::{Actor, DEFAULT_COMPANY, Problem, audit, ingest, roster};

use crate::UsageError;
use crate::store::{StoreArg, show_time};

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
    /// Handles that posted but are on no distributor's roster entry.
    Unattributed {
        /// One JSON object a line instead of a table.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        db: StoreArg,
    },
    /// The tamper-evident audit log: verify the chain, export it.
    #[command(subcommand)]
    Audit(AuditCommand),
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

/// Who is acting, for the audit log.
#[derive(clap::Args, Debug, Clone)]
pub struct Who {
    /// Your name or login, recorded in the audit log (default: $USER).
    #[arg(long = "as", value_name = "NAME")]
    name: Option<String>,
}

impl Who {
    fn actor(&self) -> Actor {
        let who = self
            .name
            .clone()
            .or_else(|| std::env::var("USER").ok().filter(|u| !u.is_empty()))
            .unwrap_or_else(|| "tactful".to_string());
        Actor { company: DEFAULT_COMPANY, who, at: crate::store::now() }
    }
}

/// Open the store and bring the company tables up to date.
fn open(db: &StoreArg) -> Result<Box<dyn tactful_store::Store>> {
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
        Command::Unattributed { json, db } => unattributed(*json, db),
        Command::Audit(AuditCommand::Verify { db }) => audit_verify(db),
        Command::Audit(AuditCommand::Export { out, db }) => audit_export(out.as_deref(), db),
    }
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
    let mut out = std::io::stdout().lock();
    if json {
        for e in &entries {
            writeln!(out, "{}", serde_json::to_string(e)?)?;
        }
        return Ok(0);
    }
    if entries.is_empty() {
        writeln!(out, "The roster is empty: `tactful company roster import FILE.csv` adds distributors.")?;
        return Ok(0);
    }
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
    Ok(0)
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

fn unattributed(json: bool, db: &StoreArg) -> Result<u8> {
    let mut store = open(db)?;
    let list = ingest::unattributed(store.people(), DEFAULT_COMPANY)?;
    let mut out = std::io::stdout().lock();
    if json {
        for u in &list {
            writeln!(out, "{}", serde_json::to_string(u)?)?;
        }
        return Ok(0);
    }
    if list.is_empty() {
        writeln!(out, "No unattributed posts: every author is on the roster.")?;
        return Ok(0);
    }
    writeln!(
        out,
        "{:<10} {:<24} {:>6}  {:<16}  {:<16}  EXAMPLE",
        "NETWORK", "HANDLE", "POSTS", "FIRST SEEN", "LAST SEEN"
    )?;
    for u in &list {
        writeln!(
            out,
            "{:<10} {:<24} {:>6}  {:<16}  {:<16}  {}",
            u.network,
            u.handle,
            u.posts,
            show_time(u.first_seen),
            show_time(u.last_seen),
            u.example_url.as_deref().unwrap_or("-")
        )?;
    }
    let posts: i64 = list.iter().map(|u| u.posts).sum();
    writeln!(
        out,
        "{} handles, {posts} posts: add them to the roster (a handle column) to attribute them",
        list.len()
    )?;
    Ok(0)
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

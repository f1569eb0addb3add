//! `tactful company draft submit|list|approve|return`: drafts sent for
//! pre-approval, checked at once; an approved text joins the company's
//! approved claims in the store.

use anyhow::Result;
use std::io::Write;
use std::path::PathBuf;

use tactful_company::DEFAULT_COMPANY;
use tactful_company::draft::{self, Decision, Draft, DraftStatus};

use super::{Who, json_lines, open, usage};
use crate::UsageError;
use crate::store::{StoreArg, show_time};

#[derive(clap::Subcommand)]
pub enum DraftCommand {
    /// Send a distributor's draft for pre-approval: checked at once, its findings kept with it.
    Submit {
        /// The distributor whose draft it is (their roster id).
        #[arg(long, value_name = "ID")]
        distributor: String,
        /// The draft's text (or --file).
        #[arg(required_unless_present = "file", conflicts_with = "file")]
        text: Option<String>,
        /// Read the text from this file.
        #[arg(long, value_name = "FILE")]
        file: Option<PathBuf>,
        #[command(flatten)]
        judge: super::Judge,
        #[command(flatten)]
        who: Who,
        #[command(flatten)]
        db: StoreArg,
    },
    /// The drafts, newest first.
    List {
        /// Only pending, approved or returned drafts.
        #[arg(long, value_parser = ["pending", "approved", "returned"])]
        status: Option<String>,
        /// One JSON object a line instead of a table.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        db: StoreArg,
    },
    /// Approve a pending draft: its text becomes an approved claim that never raises a finding.
    Approve {
        id: i64,
        #[arg(long)]
        notes: Option<String>,
        #[command(flatten)]
        who: Who,
        #[command(flatten)]
        db: StoreArg,
    },
    /// Return a pending draft to the distributor with what to change.
    Return {
        id: i64,
        /// What to change (required).
        #[arg(long)]
        notes: String,
        #[command(flatten)]
        who: Who,
        #[command(flatten)]
        db: StoreArg,
    },
}

pub fn run(c: &DraftCommand) -> Result<u8> {
    let mut out = std::io::stdout().lock();
    match c {
        DraftCommand::Submit { distributor, text, file, judge, who, db } => {
            let text = match (text, file) {
                (Some(t), _) => t.clone(),
                (None, Some(f)) => std::fs::read_to_string(f)
                    .map_err(|e| UsageError(format!("cannot read {}: {e}", f.display())))?,
                (None, None) => unreachable!("clap requires a text or --file"),
            };
            let mut store = open(db)?;
            let (checker, policy) = judge.load(store.people())?;
            let checker = checker.with_context(tactful_app::context::installed()?);
            let d = draft::submit(store.people(), &who.actor(), &checker, &policy, distributor, &text)
                .map_err(usage)?;
            show(&mut out, &d)?;
        }
        DraftCommand::List { status, json, db } => {
            let status = status.as_deref().map(str::parse::<DraftStatus>).transpose().map_err(UsageError)?;
            let mut store = open(db)?;
            let drafts = draft::list(store.people(), DEFAULT_COMPANY, status)?;
            if *json {
                json_lines(&mut out, &drafts)?;
            } else if drafts.is_empty() {
                writeln!(out, "No drafts: `tactful company draft submit --distributor ID TEXT` sends one.")?;
            } else {
                for d in &drafts {
                    show(&mut out, d)?;
                }
            }
        }
        DraftCommand::Approve { id, notes, who, db } => {
            decide(&mut out, *id, &Decision::Approve { notes: notes.clone() }, who, db)?;
            writeln!(out, "  its text is now an approved claim: it raises no finding in a post")?;
        }
        DraftCommand::Return { id, notes, who, db } => {
            decide(&mut out, *id, &Decision::Return { notes: notes.clone() }, who, db)?;
        }
    }
    Ok(0)
}

fn decide(out: &mut impl Write, id: i64, decision: &Decision, who: &Who, db: &StoreArg) -> Result<()> {
    let mut store = open(db)?;
    let d = draft::decide(store.people(), &who.actor(), id, decision).map_err(usage)?;
    Ok(show(out, &d)?)
}

fn show(out: &mut impl Write, d: &Draft) -> std::io::Result<()> {
    writeln!(
        out,
        "draft {} · {} · {} · sent {} by {}",
        d.id,
        d.distributor,
        d.status.as_str(),
        show_time(d.submitted_at),
        d.submitted_by
    )?;
    writeln!(out, "  │ {}", d.text.replace('\n', "\n  │ "))?;
    if d.findings.is_empty() {
        writeln!(out, "  nothing to fix")?;
    }
    for f in &d.findings {
        let quote = d.text.get(f.start..f.end).unwrap_or("");
        writeln!(out, "  {} ({}) «{quote}»: {}", f.code, f.severity, f.message)?;
    }
    if let (Some(by), Some(at)) = (&d.decided_by, d.decided_at) {
        writeln!(out, "  {} by {by} on {}", d.status.as_str(), show_time(at))?;
    }
    if let Some(n) = &d.notes {
        writeln!(out, "  notes: {n}")?;
    }
    Ok(())
}

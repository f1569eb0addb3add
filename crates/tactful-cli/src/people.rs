//! `tactful consent …` (the opt-in ledger) and `tactful contacts …` (marks,
//! merge, split). Finding a contact by name: exact handle or name first,
//! then partial matches; `#ID` picks one by id when several match.

use anyhow::{Result, bail};
use std::io::Write;
use tactful_core::consent::{self, Purpose, Source};
use tactful_core::history::Network;
use tactful_store::people::{self, Contact, Db};

use crate::store::show_time;

#[derive(clap::Subcommand)]
pub enum ConsentCommand {
    /// Record an opt-in the person gave themselves (pending until they confirm).
    Add {
        /// The contact: a name, a handle, or #ID.
        contact: String,
        #[arg(long, value_parser = |s: &str| s.parse::<Purpose>())]
        purpose: Purpose,
        /// How they opted in: message, form, email-reply, in-person.
        #[arg(long, value_parser = |s: &str| s.parse::<Source>())]
        source: Source,
        /// What they did, in their words where possible ("Ann wrote on 3 May: yes, add me!").
        #[arg(long)]
        evidence: String,
        /// The id of the stored message in which they asked (see `tactful history --jsonl`).
        #[arg(long)]
        item: Option<i64>,
        #[command(flatten)]
        db: crate::store::StoreArg,
    },
    /// Confirm an opt-in with the code the person sent back (double opt-in).
    Confirm {
        token: String,
        #[command(flatten)]
        db: crate::store::StoreArg,
    },
    /// Withdraw someone's opt-in (one purpose, or all): respected everywhere at once.
    Withdraw {
        contact: String,
        #[arg(long, value_parser = |s: &str| s.parse::<Purpose>())]
        purpose: Option<Purpose>,
        /// Why or how they asked (kept with the record).
        #[arg(long, default_value = "withdrawn at the person's request")]
        note: String,
        #[command(flatten)]
        db: crate::store::StoreArg,
    },
    /// List consent records (of one contact, or all).
    List {
        contact: Option<String>,
        #[command(flatten)]
        db: crate::store::StoreArg,
    },
    /// Write a CSV for a mailing tool: only people whose own opt-in is confirmed and not withdrawn.
    Export {
        #[arg(long, value_parser = |s: &str| s.parse::<Purpose>())]
        purpose: Purpose,
        /// Write here instead of standard output.
        #[arg(long)]
        out: Option<std::path::PathBuf>,
        #[command(flatten)]
        db: crate::store::StoreArg,
    },
}

#[derive(clap::Subcommand)]
pub enum ContactsCommand {
    /// Mark a contact as a customer or a team member (or `none` to clear).
    Mark {
        contact: String,
        #[arg(value_parser = ["customer", "team", "none"])]
        mark: String,
        /// Since when it holds, YYYY-MM-DD (default: now). Reports count the mark from that day on.
        #[arg(long, value_parser = crate::store::parse_date)]
        since: Option<i64>,
        #[command(flatten)]
        db: crate::store::StoreArg,
    },
    /// Merge two contacts who are the same person: every handle and record moves to the first.
    Merge {
        keep: String,
        other: String,
        #[command(flatten)]
        db: crate::store::StoreArg,
    },
    /// Split one handle off into a contact of its own.
    Split {
        #[arg(value_parser = |s: &str| s.parse::<Network>())]
        network: Network,
        handle: String,
        #[command(flatten)]
        db: crate::store::StoreArg,
    },
}

/// Resolve a contact from what the user typed (`tactful_app::contacts::resolve`).
pub fn resolve(db: &mut dyn Db, query: &str) -> Result<Contact> {
    Ok(tactful_app::contacts::resolve(db, query)?)
}

/// Record an opt-in the person gave themselves, pending until they confirm;
/// refused (a `UsageError` saying why) when it is not one: being connected,
/// a bought list or "I added them" is not consent, and a stored message given
/// as evidence must be theirs.
pub fn record_opt_in(
    db: &mut dyn Db,
    c: &Contact,
    purpose: Purpose,
    source: Source,
    evidence: &str,
    item: Option<i64>,
) -> Result<people::Consent> {
    let author = match item {
        Some(id) => Some(
            people::item_author(db, id)?
                .ok_or_else(|| crate::UsageError(format!("item {id}: no stored item with that id")))?,
        ),
        None => None,
    };
    let their: Vec<String> = c.handles.iter().map(|(_, h)| h.clone()).collect();
    if let Err(refusal) =
        consent::check_opt_in(source, evidence, author.as_ref().map(|(a, o)| (a.as_str(), *o)), &their)
    {
        bail!(crate::UsageError(format!("not recorded: {refusal}")));
    }
    Ok(people::record(db, c.id, purpose, source, evidence, item, crate::store::now())?)
}

pub fn consent(cmd: &ConsentCommand) -> Result<u8> {
    let mut out = std::io::stdout().lock();
    match cmd {
        ConsentCommand::Add { contact, purpose, source, evidence, item, db } => {
            let mut store = db.open()?;
            let db = store.people();
            let c = resolve(db, contact)?;
            let rec = record_opt_in(db, &c, *purpose, *source, evidence, *item)?;
            writeln!(out, "Recorded {}'s opt-in for {purpose} as pending.", c.display_name)?;
            writeln!(
                out,
                "Double opt-in: send them this code and ask them to send it back to confirm: {}",
                rec.token
            )?;
            writeln!(out, "When they do: tactful consent confirm {}", rec.token)?;
            Ok(0)
        }
        ConsentCommand::Confirm { token, db } => {
            let mut store = db.open()?;
            let db = store.people();
            match people::confirm(db, token, crate::store::now())? {
                Some(c) if c.status == tactful_core::consent::Status::Confirmed => {
                    let who = people::by_id(db, c.contact_id)?
                        .map_or_else(|| format!("#{}", c.contact_id), |x| x.display_name);
                    writeln!(out, "Confirmed: {who} opted in to {}.", c.purpose)?;
                    Ok(0)
                }
                Some(c) => bail!(crate::UsageError(format!(
                    "code {token} belongs to an opt-in that is {}, not pending",
                    c.status.as_str()
                ))),
                None => bail!(crate::UsageError(format!("no opt-in has the code {token}"))),
            }
        }
        ConsentCommand::Withdraw { contact, purpose, note, db } => {
            let mut store = db.open()?;
            let db = store.people();
            let c = resolve(db, contact)?;
            let n = people::withdraw(db, c.id, *purpose, crate::store::now(), note)?;
            let what = purpose.map_or("everything".to_string(), |p| p.to_string());
            writeln!(
                out,
                "Withdrawn for {} ({what}): {n} record(s). They will not appear in any export from now on.",
                c.display_name
            )?;
            Ok(0)
        }
        ConsentCommand::List { contact, db } => {
            let mut store = db.open()?;
            let db = store.people();
            let filter = match contact {
                Some(q) => Some(resolve(db, q)?.id),
                None => None,
            };
            for r in people::consents(db, filter)? {
                let who = people::by_id(db, r.contact_id)?
                    .map_or_else(|| format!("#{}", r.contact_id), |x| x.display_name);
                writeln!(
                    out,
                    "{}  {:<24} {:<16} {:<10} via {:<11} {}{}",
                    show_time(r.recorded_at),
                    who,
                    r.purpose.as_str(),
                    r.status.as_str(),
                    r.source.as_str(),
                    r.evidence,
                    r.withdrawn_at.map_or(String::new(), |t| format!(" (withdrawn {})", show_time(t)))
                )?;
            }
            Ok(0)
        }
        ConsentCommand::Export { purpose, out: path, db } => {
            let mut store = db.open()?;
            let rows = people::export(store.people(), *purpose)?;
            let mut buf = String::from("name,email,handles,purpose,source,confirmed_at,evidence\n");
            for (c, rec, email) in &rows {
                let cells = [
                    c.display_name.clone(),
                    email.clone().unwrap_or_default(),
                    tactful_app::contacts::handles(c).join(", "),
                    rec.purpose.to_string(),
                    rec.source.to_string(),
                    rec.confirmed_at.map(show_time).unwrap_or_default(),
                    rec.evidence.clone(),
                ];
                let quoted: Vec<String> =
                    cells.iter().map(|s| format!("\"{}\"", s.replace('"', "\"\""))).collect();
                buf.push_str(&quoted.join(","));
                buf.push('\n');
            }
            match path {
                Some(p) => {
                    std::fs::write(p, &buf)
                        .map_err(|e| anyhow::anyhow!("{}: cannot write: {e}", p.display()))?;
                    eprintln!(
                        "{} contact(s) with a confirmed opt-in for {purpose} written to {}",
                        rows.len(),
                        p.display()
                    );
                }
                None => out.write_all(buf.as_bytes())?,
            }
            Ok(0)
        }
    }
}

pub fn contacts_cmd(cmd: &ContactsCommand) -> Result<u8> {
    let mut out = std::io::stdout().lock();
    match cmd {
        ContactsCommand::Mark { contact, mark, since, db } => {
            let mut store = db.open()?;
            let db = store.people();
            let c = resolve(db, contact)?;
            let m = (mark != "none").then_some(mark.as_str());
            people::set_mark(db, c.id, m, since.unwrap_or_else(crate::store::now))?;
            writeln!(out, "{} is now marked: {mark}", c.display_name)?;
        }
        ContactsCommand::Merge { keep, other, db } => {
            let mut store = db.open()?;
            let db = store.people();
            let (a, b) = (resolve(db, keep)?, resolve(db, other)?);
            if a.id == b.id {
                bail!(crate::UsageError("both names are the same contact already".into()));
            }
            people::merge(db, a.id, b.id)?;
            let merged = people::by_id(db, a.id)?.expect("kept");
            writeln!(
                out,
                "Merged {} into {}: {}",
                b.display_name,
                a.display_name,
                tactful_app::contacts::handles(&merged).join(", ")
            )?;
        }
        ContactsCommand::Split { network, handle, db } => {
            let mut store = db.open()?;
            match people::split(store.people(), *network, handle)? {
                Some(id) => writeln!(out, "{network}:{handle} is now contact #{id} of its own")?,
                None => bail!(crate::UsageError(format!("no contact has the handle {network}:{handle}"))),
            }
        }
    }
    Ok(0)
}

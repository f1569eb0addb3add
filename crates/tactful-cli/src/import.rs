//! `tactful import`: bring platform exports into the store, all or nothing,
//! with progress on a terminal and a summary at the end.

use anyhow::{Result, bail};
use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};
use tactful_core::history::{ItemKind, Network, Person, Record};
use tactful_import::{Format, ImportError, Options, Skip};
use tactful_store::Added;

#[derive(clap::Args)]
pub struct Args {
    /// Export files or folders: a .zip, an unpacked folder, or a .csv/.jsonl file.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The format, when detection guesses wrong: facebook, instagram, x, linkedin, csv, jsonl.
    #[arg(long, value_parser = |s: &str| s.parse::<Format>())]
    pub format: Option<Format>,
    /// Your handle on the network, when the export does not say who you are.
    #[arg(long)]
    pub owner: Option<String>,
    /// The network of a generic CSV/JSONL file without a `network` column.
    #[arg(long, value_parser = |s: &str| s.parse::<Network>())]
    pub network: Option<Network>,
    /// The store: a SQLite file path or a postgres:// URL (default: TACTFUL_DATABASE_URL, else the XDG data dir).
    #[arg(long)]
    pub db: Option<String>,
}

#[derive(Default)]
struct Tally {
    new: BTreeMap<(Network, ItemKind), u64>,
    old: BTreeMap<(Network, ItemKind), u64>,
    owners: Vec<(Network, String)>,
    records: u64,
}

pub fn run(args: &Args) -> Result<u8> {
    let mut store = crate::store::open(args.db.as_deref())?;
    let location = store.location();
    let opts = Options { owner: args.owner.as_ref().map(|h| Person::named(h.clone())), network: args.network };
    let mut tally = Tally::default();
    let mut skipped: Vec<Skip> = Vec::new();
    let progress = std::io::stderr().is_terminal();
    let started = Instant::now();
    // One transaction for everything: any failure leaves the store as it was.
    let mut writer = store.writer()?;
    for path in &args.paths {
        let mut src = match tactful_import::source::open(path, tactful_import::source::Limits::default()) {
            Ok(s) => s,
            Err(e) => bail!(crate::UsageError(format!("{e}\nnothing was imported; the store is unchanged"))),
        };
        let Some(format) = args.format.or_else(|| tactful_import::detect(src.entries())) else {
            bail!(crate::UsageError(format!(
                "{}: no known export format found: expected {}; use --format to say which\nnothing was imported; the store is unchanged",
                path.display(),
                tactful_import::detect::KNOWN
            )))
        };
        let mut last = Instant::now();
        let name = path.display().to_string();
        let tally_records = std::cell::Cell::new(0u64);
        let mut emit = |r: Record| -> Result<(), ImportError> {
            let key = match &r {
                Record::Item(i) => Some((i.network, i.kind)),
                Record::Owner { network, person, .. } => {
                    tally.owners.push((*network, person.handle.clone()));
                    None
                }
            };
            let added = match (&r, &args.owner) {
                // The user said who they are: that replaces any stored owner.
                (Record::Owner { network, person, source }, Some(_)) => {
                    writer.set_owner(*network, person, source).map_err(|e| ImportError::Sink(e.to_string()))?;
                    Added::New
                }
                _ => writer.add(&r).map_err(|e| ImportError::Sink(e.to_string()))?,
            };
            tally.records += 1;
            if let Some(k) = key {
                let map = if added == Added::New { &mut tally.new } else { &mut tally.old };
                *map.entry(k).or_default() += 1;
            }
            tally_records.set(tally.records);
            Ok(())
        };
        let total = src.total_size().max(1);
        let (mut metered, read) = tactful_import::source::Metered::new(src.as_mut());
        let mut emit = |r: Record| -> Result<(), ImportError> {
            let shown = progress && last.elapsed() > Duration::from_millis(200);
            emit(r)?;
            if shown {
                last = Instant::now();
                // Time left from the share of the export's bytes read so far.
                let done = read.get() as f64 / total as f64;
                let secs = started.elapsed().as_secs_f64();
                let left = if done > 0.01 { format!("about {:.0}s left", secs * (1.0 - done) / done) } else { "estimating".into() };
                eprint!("\r{name} ({format}): {} records, {:.0}% read, {left}   ", tally_records.get(), done * 100.0);
            }
            Ok(())
        };
        match tactful_import::run(format, &mut metered, &opts, &mut emit) {
            Ok(s) => skipped.extend(s),
            Err(e) => {
                if progress {
                    eprintln!();
                }
                let usage = !matches!(e, ImportError::Sink(_));
                let msg = format!("{e}\nnothing was imported; the store is unchanged");
                if usage {
                    bail!(crate::UsageError(msg));
                }
                bail!(msg);
            }
        }
    }
    writer.commit()?;
    if progress {
        eprint!("\r{:60}\r", "");
    }
    print_summary(&tally, &skipped, &location, started.elapsed());
    // Say so when an export names someone else as "you" than the store does.
    let stored = store.owners()?;
    for (network, handle) in &tally.owners {
        if let Some((_, kept)) = stored.iter().find(|(n, h)| n == network && h != handle) {
            println!(
                "  note: this export names {handle} as you on {network}, but the store already has {kept}; kept {kept} \
                 (run again with --owner {handle:?} if that is you)"
            );
        }
    }
    Ok(0)
}

fn print_summary(t: &Tally, skipped: &[Skip], location: &str, took: Duration) {
    let mut out = std::io::stdout().lock();
    let total_new: u64 = t.new.values().sum();
    let total_old: u64 = t.old.values().sum();
    let _ = writeln!(out, "Imported into {location} in {:.1}s", took.as_secs_f64());
    let mut owners = t.owners.clone();
    owners.sort();
    owners.dedup();
    for (n, h) in &owners {
        let _ = writeln!(out, "  you on {n}: {h}");
    }
    let _ = writeln!(out, "  {:<10} {:<11} {:>8} {:>14}", "network", "kind", "new", "already there");
    let keys: std::collections::BTreeSet<_> = t.new.keys().chain(t.old.keys()).collect();
    for k in keys {
        let _ = writeln!(
            out,
            "  {:<10} {:<11} {:>8} {:>14}",
            k.0.as_str(),
            k.1.as_str(),
            t.new.get(k).copied().unwrap_or(0),
            t.old.get(k).copied().unwrap_or(0)
        );
    }
    let _ = writeln!(out, "  {total_new} new, {total_old} already there");
    if !skipped.is_empty() {
        let mut by_reason: BTreeMap<&str, Vec<&Skip>> = BTreeMap::new();
        for s in skipped {
            by_reason.entry(s.reason.as_str()).or_default().push(s);
        }
        let _ = writeln!(out, "  skipped {}:", skipped.len());
        for (reason, list) in by_reason {
            let first = list[0];
            let _ = writeln!(out, "    {} × {reason} (e.g. {}:{})", list.len(), first.file, first.position);
        }
    }
}

//! `tactful import`: bring platform exports into the store in one
//! transaction, with progress on a terminal and a summary at the end.
//!
//! One file of an export that cannot be read does not sink the export: it is
//! skipped whole and named in the summary, the rest goes in, and the exit code
//! is 3 ([`SKIPPED_FILES`]). `--strict` keeps all or nothing. An export none
//! of whose files can be read, or a path that is no export, stops the import
//! with exit code 2 and leaves the store as it was.

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
    #[command(flatten)]
    pub db: crate::store::StoreArg,
    /// All or nothing: a file of the export that cannot be read (or a symbolic link in it)
    /// stops the import, instead of being skipped and listed.
    #[arg(long)]
    pub strict: bool,
}

/// The exit code when the import went in but left files of the export out.
pub const SKIPPED_FILES: u8 = 3;

/// What one import did: counts per network and kind, new vs already stored,
/// the owners the exports named, what was skipped and why.
#[derive(Default)]
pub struct Tally {
    pub new: BTreeMap<(Network, ItemKind), u64>,
    pub old: BTreeMap<(Network, ItemKind), u64>,
    pub owners: Vec<(Network, String)>,
    pub records: u64,
    pub skipped: Vec<Skip>,
    /// An export that names someone else as "you" than the store keeps.
    pub notes: Vec<String>,
}

/// Where an import stands, for a progress line or a progress bar.
pub struct Progress<'a> {
    pub file: &'a str,
    pub format: Format,
    pub records: u64,
    /// Share of the export's bytes read so far, 0 to 1.
    pub done: f64,
}

/// Which exports to import and how: what `tactful import` and the web import share.
pub struct Request<'a> {
    pub paths: &'a [PathBuf],
    pub format: Option<Format>,
    pub owner: Option<&'a str>,
    pub network: Option<Network>,
}

pub fn run(args: &Args) -> Result<u8> {
    let mut store = args.db.open()?;
    let location = store.location();
    let progress = std::io::stderr().is_terminal();
    let started = Instant::now();
    let mut last = Instant::now();
    let req = Request {
        paths: &args.paths,
        format: args.format,
        owner: args.owner.as_deref(),
        network: args.network,
    };
    let result = import_with(store.as_mut(), &req, args.strict, &mut |p: &Progress| {
        if progress && last.elapsed() > Duration::from_millis(200) {
            last = Instant::now();
            // Time left from the share of the export's bytes read so far.
            let secs = started.elapsed().as_secs_f64();
            let done = p.done.min(1.0);
            let left = if done > 0.01 {
                format!("about {:.0}s left", secs * (1.0 - done) / done)
            } else {
                "estimating".into()
            };
            eprint!(
                "\r{} ({}): {} records, {:.0}% read, {left}   ",
                p.file,
                p.format,
                p.records,
                done * 100.0
            );
        }
    });
    if progress {
        eprint!("\r{:60}\r", "");
    }
    let tally = result?;
    print_summary(&tally, &location, started.elapsed());
    for n in &tally.notes {
        println!("  note: {n}");
    }
    Ok(if tally.skipped.iter().any(|s| s.whole_file) { SKIPPED_FILES } else { 0 })
}

/// Import every path in one transaction, skipping (and listing in the tally)
/// the files of an export that cannot be read: what `tactful serve` imports.
pub fn import_into(
    store: &mut dyn tactful_store::Store,
    req: &Request,
    on_progress: &mut dyn FnMut(&Progress),
) -> Result<Tally> {
    import_with(store, req, false, on_progress)
}

/// Import every path in one transaction: any failure leaves the store as it
/// was. Bad input is a `UsageError` naming the file and position. `strict`:
/// a file of an export that cannot be read is a failure too, not a skip.
pub fn import_with(
    store: &mut dyn tactful_store::Store,
    req: &Request,
    strict: bool,
    on_progress: &mut dyn FnMut(&Progress),
) -> Result<Tally> {
    let opts =
        Options { owner: req.owner.map(|h| Person::named(h.to_string())), network: req.network, strict };
    let mut tally = Tally::default();
    let mut writer = store.writer()?;
    for path in req.paths {
        let mut src = match tactful_import::source::open(path, tactful_import::source::Limits::default()) {
            Ok(s) => s,
            Err(e) => bail!(crate::UsageError(format!("{e}\nnothing was imported; the store is unchanged"))),
        };
        let Some(format) = req.format.or_else(|| tactful_import::detect(src.entries())) else {
            bail!(crate::UsageError(format!(
                "{}: no known export format found: expected {}; use --format to say which\nnothing was imported; the store is unchanged",
                path.display(),
                tactful_import::detect::KNOWN
            )))
        };
        let name = path.display().to_string();
        let total = src.total_size().max(1);
        let several = src.entries().len() + src.left_out().len() > 1;
        let (mut metered, read) = tactful_import::source::Metered::new(src.as_mut());
        let mut emit = |r: Record| -> Result<(), ImportError> {
            let key = match &r {
                Record::Item(i) => Some((i.network, i.kind)),
                Record::Owner { network, person, .. } => {
                    tally.owners.push((*network, person.handle.clone()));
                    None
                }
            };
            let added = match (&r, req.owner) {
                // The user said who they are: that replaces any stored owner.
                (Record::Owner { network, person, source }, Some(_)) => {
                    writer
                        .set_owner(*network, person, source)
                        .map_err(|e| ImportError::Sink(e.to_string()))?;
                    Added::New
                }
                _ => writer.add(&r).map_err(|e| ImportError::Sink(e.to_string()))?,
            };
            tally.records += 1;
            if let Some(k) = key {
                let map = if added == Added::New { &mut tally.new } else { &mut tally.old };
                *map.entry(k).or_default() += 1;
            }
            if tally.records % 1024 == 0 {
                on_progress(&Progress {
                    file: &name,
                    format,
                    records: tally.records,
                    done: read.get() as f64 / total as f64,
                });
            }
            Ok(())
        };
        match tactful_import::run(format, &mut metered, &opts, &mut emit) {
            Ok(s) => tally.skipped.extend(s),
            Err(e) => {
                let msg = format!("{e}\nnothing was imported; the store is unchanged");
                if matches!(e, ImportError::Sink(_)) {
                    bail!(msg);
                }
                let hint = if strict && several {
                    "\n(without --strict, a file that cannot be read is skipped and the rest imported)"
                } else {
                    ""
                };
                bail!(crate::UsageError(format!("{msg}{hint}")));
            }
        }
        on_progress(&Progress { file: &name, format, records: tally.records, done: 1.0 });
    }
    writer.commit()?;
    // Say so when an export names someone else as "you" than the store does.
    let stored = store.owners()?;
    for (network, handle) in &tally.owners {
        if let Some((_, kept)) = stored.iter().find(|(n, h)| n == network && h != handle) {
            tally.notes.push(format!(
                "this export names {handle} as you on {network}, but the store already has {kept}; kept {kept} \
                 (run again with --owner {handle:?} if that is you)"
            ));
        }
    }
    tally.notes.sort();
    tally.notes.dedup();
    Ok(tally)
}

fn print_summary(t: &Tally, location: &str, took: Duration) {
    let (files, skipped): (Vec<&Skip>, Vec<&Skip>) = t.skipped.iter().partition(|s| s.whole_file);
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
    if !files.is_empty() {
        let what = if files.len() == 1 { "file" } else { "files" };
        let _ = writeln!(
            out,
            "  skipped {} {what}, nothing of them imported (--strict: all or nothing):",
            files.len()
        );
        for s in &files {
            let at = if s.position.is_empty() { String::new() } else { format!(":{}", s.position) };
            let _ = writeln!(out, "    {}{at}: {}", s.file, s.reason);
        }
    }
    if !skipped.is_empty() {
        let mut by_reason: BTreeMap<&str, Vec<&Skip>> = BTreeMap::new();
        for s in &skipped {
            by_reason.entry(s.reason.as_str()).or_default().push(s);
        }
        let _ = writeln!(out, "  skipped {}:", skipped.len());
        for (reason, list) in by_reason {
            let first = list[0];
            let _ = writeln!(out, "    {} × {reason} (e.g. {}:{})", list.len(), first.file, first.position);
        }
    }
}

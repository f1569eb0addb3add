//! `tactful demo`: a full tour on a made-up seller's history (examples/demo,
//! embedded in the binary), in a fresh SQLite file: import, scan of past
//! posts, the relationship curve, and a draft checked against a person.

use anyhow::Result;
use std::path::{Path, PathBuf};

const ACTIVITY: &str = include_str!("../../../examples/demo/activity.jsonl");

#[derive(clap::Args)]
pub struct Args {
    /// Where to put the demo store (default: a fresh file in the system's temp folder).
    #[arg(long)]
    pub db: Option<PathBuf>,
}

fn heading(s: &str) {
    println!("\n\x20=== {s} ===\n");
}

/// A fresh demo store in `dir` with the made-up seller's history imported;
/// returns its location. `tactful serve --demo` starts on this, in a folder
/// of its own.
pub fn prepare(dir: &Path) -> Result<String> {
    let (export, db) = fresh(dir, None)?;
    let mut store = crate::store::open(Some(&db))?;
    let paths = [export];
    crate::import::import_into(
        store.as_mut(),
        &crate::import::Request { paths: &paths, format: None, owner: Some(OWNER), network: None },
        &mut |_| {},
    )?;
    Ok(db)
}

/// The seller the demo history belongs to.
const OWNER: &str = "sam.makes";

/// Write the bundled export to `dir` and clear the demo store, so the demo
/// always shows the same thing.
fn fresh(dir: &Path, db: Option<PathBuf>) -> Result<(PathBuf, String)> {
    std::fs::create_dir_all(dir)?;
    let export = dir.join("activity.jsonl");
    std::fs::write(&export, ACTIVITY)?;
    let db = db.unwrap_or_else(|| dir.join("demo.db"));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    Ok((export, db.display().to_string()))
}

pub fn run(args: &Args) -> Result<u8> {
    // The tour's store stays where the README's commands look for it.
    let (export, db_s) = fresh(&std::env::temp_dir().join("tactful-demo"), args.db.clone())?;

    heading("1. Import a seller's history (tactful import)");
    crate::import::run(&crate::import::Args {
        paths: vec![export],
        format: None,
        owner: Some(OWNER.into()),
        network: None,
        db: Some(db_s.clone()),
    })?;

    let query = || crate::history::Query { network: None, kind: None, person: None, text: None, from: None, to: None, db: Some(db_s.clone()) };
    heading("2. What to delete or edit (tactful scan)");
    crate::history::scan(&crate::history::ScanArgs { query: query(), limit: 10, min_severity: tactful_core::Severity::Warning, packs: vec![], jsonl: false })?;

    heading("3. Your people on the relationship curve (tactful contacts)");
    crate::relate::contacts(&crate::relate::ContactsArgs {
        stage: None,
        network: None,
        search: None,
        quiet_for: None,
        jsonl: false,
        lapsed_after: 90,
        db: Some(db_s.clone()),
    })?;

    heading("4. Before you press send: a pitch to a follower (tactful check --to nora.k --channel dm)");
    let code = crate::check::run(&crate::check::Args {
        text: vec!["Hi Nora! Want to join my team? It's a great business opportunity, DM me for details".into()],
        files: vec![],
        channel: tactful_core::Channel::Dm,
        packs: vec![],
        ignore: vec![],
        format: crate::check::Format::Human,
        fail_on: crate::check::FailOn::Never,
        to: Some("nora.k".into()),
        db: Some(db_s.clone()),
        color: crate::check::Color::Auto,
    })?;

    println!("\nThe demo store is {db_s}. Try: tactful contact tom.h --db {db_s}");
    Ok(code)
}

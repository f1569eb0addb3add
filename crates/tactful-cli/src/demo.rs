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

/// The moment the demo history was written for: its dates are moved by the
/// distance from here to the clock's now, so the demo looks the same on any
/// day (the late order is always a day old, the pitches always recent).
const WRITTEN_AT: &str = "2026-11-21T09:00:00Z";

/// The bundled history with every `at` moved so that `WRITTEN_AT` falls on `now`.
fn dated(now: i64) -> Result<String> {
    let shift = now - tactful_app::clock::parse(WRITTEN_AT).map_err(anyhow::Error::msg)?;
    let mut out = String::with_capacity(ACTIVITY.len());
    for (i, line) in ACTIVITY.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let mut v: serde_json::Value =
            serde_json::from_str(line).map_err(|e| anyhow::anyhow!("demo history line {}: {e}", i + 1))?;
        if let Some(at) = v.get("at").and_then(|a| a.as_str()) {
            let t = tactful_import::util::parse_iso(at)
                .ok_or_else(|| anyhow::anyhow!("demo history line {}: `at` is not a date", i + 1))?;
            v["at"] = serde_json::Value::String(tactful_app::clock::rfc3339(t + shift));
        }
        out.push_str(&v.to_string());
        out.push('\n');
    }
    Ok(out)
}

/// Write the bundled export to `dir` and clear the demo store, so the demo
/// always shows the same thing.
/// With `--db`, the export is written beside that store (`NAME.activity.jsonl`),
/// not in the shared folder: two demos at once (tests, each at its own clock)
/// must not write one file under each other's import.
fn fresh(dir: &Path, db: Option<PathBuf>) -> Result<(PathBuf, String)> {
    let db = db.unwrap_or_else(|| dir.join("demo.db"));
    let export = match db.parent() {
        Some(parent) if db != dir.join("demo.db") => {
            std::fs::create_dir_all(parent)?;
            db.with_extension("activity.jsonl")
        }
        _ => {
            std::fs::create_dir_all(dir)?;
            dir.join("activity.jsonl")
        }
    };
    std::fs::write(&export, dated(tactful_app::clock::now())?)?;
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
        db: crate::store::StoreArg::at(&db_s),
        strict: false,
    })?;

    let query = || crate::history::Query {
        network: None,
        kind: None,
        person: None,
        text: None,
        from: None,
        to: None,
        db: crate::store::StoreArg::at(&db_s),
    };
    heading("2. What to delete or edit (tactful scan)");
    crate::history::scan(&crate::history::ScanArgs {
        query: query(),
        limit: 10,
        min_severity: tactful_core::Severity::Warning,
        packs: vec![],
        jsonl: false,
    })?;

    heading("3. Your people on the relationship curve (tactful contacts)");
    crate::relate::contacts(&crate::relate::ContactsArgs {
        stage: None,
        network: None,
        search: None,
        quiet_for: None,
        jsonl: false,
        lapsed_after: 90,
        db: crate::store::StoreArg::at(&db_s),
    })?;

    heading("4. Before you press send: a pitch to a follower (tactful check --to nora.k --channel dm)");
    let code = crate::check::run(&crate::check::Args {
        text: vec![
            "Hi Nora! Want to join my team? It's a great business opportunity, DM me for details".into(),
        ],
        files: vec![],
        channel: tactful_core::Channel::Dm,
        packs: vec![],
        ignore: vec![],
        format: crate::check::Format::Human,
        fail_on: crate::check::FailOn::Never,
        to: Some("nora.k".into()),
        stranger: false,
        db: crate::store::StoreArg::at(&db_s),
        color: crate::check::Color::Auto,
    })?;

    println!("\nThe demo store is {db_s}. Try: tactful contact tom.h --db {db_s}");
    Ok(code)
}

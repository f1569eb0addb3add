//! `build-eval-sets`: write the evaluation sets of `tactful eval` as JSONL.
//!
//! ```text
//! build-eval-sets [--data DIR] [--out DIR]
//! ```
//!
//! `--data` defaults to `../shared/data` next to the workspace, `--out` to
//! `<workspace>/target/eval`. Writes `benign.jsonl` and `claims-dev.jsonl`.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use tactful_evalsets::{
    Labeled, benign_set, claims_set, count_by_file, default_data_dir, workspace_root, write_jsonl,
};

const USAGE: &str = concat!(
    "usage: build-eval-sets [--data DIR] [--out DIR]\n",
    "  --data DIR  the shared data folder (default: ../shared/data next to the workspace)\n",
    "  --out DIR   where to write benign.jsonl and claims-dev.jsonl (default: <workspace>/target/eval)",
);

struct Args {
    data: PathBuf,
    out: PathBuf,
}

fn parse_args() -> Result<Option<Args>> {
    let mut data = None;
    let mut out = None;
    let mut it = std::env::args_os().skip(1);
    while let Some(arg) = it.next() {
        match arg.to_str() {
            Some("-h" | "--help") => return Ok(None),
            Some(flag @ ("--data" | "--out")) => {
                let Some(v) = it.next() else { bail!("{flag} needs a folder\n{USAGE}") };
                if flag == "--data" {
                    data = Some(PathBuf::from(v));
                } else {
                    out = Some(PathBuf::from(v));
                }
            }
            _ => bail!("unknown argument `{}`\n{USAGE}", arg.to_string_lossy()),
        }
    }
    Ok(Some(Args {
        data: data.unwrap_or_else(default_data_dir),
        out: out.unwrap_or_else(|| workspace_root().join("target").join("eval")),
    }))
}

fn write_set(path: &Path, set: &[Labeled]) -> Result<()> {
    let f = File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let mut w = BufWriter::new(f);
    write_jsonl(&mut w, set)
        .and_then(|()| w.flush())
        .with_context(|| format!("cannot write {}", path.display()))
}

fn print_counts(name: &str, set: &[Labeled], counts: &[(String, usize)]) {
    // A closed pipe (`| head`) is not an error worth a panic.
    let mut w = std::io::stdout().lock();
    let _ = writeln!(w, "{name}: {} texts", set.len());
    for (what, n) in counts {
        let _ = writeln!(w, "  {n:>6}  {what}");
    }
}

/// Claims lines per label, whole posts and fragments apart.
fn claims_counts(set: &[Labeled]) -> Vec<(String, usize)> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for l in set {
        let kind = if l.note.contains("fragment") { "fragment" } else { "whole post" };
        *counts.entry(format!("{} ({kind})", l.label)).or_default() += 1;
    }
    counts.into_iter().collect()
}

fn run(args: &Args) -> Result<()> {
    let benign = benign_set(&args.data).context("cannot build the benign set")?;
    let claims = claims_set(&args.data).context("cannot read the claims set")?;
    std::fs::create_dir_all(&args.out).with_context(|| format!("cannot create {}", args.out.display()))?;
    let benign_path = args.out.join("benign.jsonl");
    let claims_path = args.out.join("claims-dev.jsonl");
    write_set(&benign_path, &benign)?;
    write_set(&claims_path, &claims)?;
    print_counts(&benign_path.display().to_string(), &benign, &count_by_file(&benign));
    print_counts(&claims_path.display().to_string(), &claims, &claims_counts(&claims));
    Ok(())
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(Some(a)) => a,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            return ExitCode::from(2);
        }
    };
    if !args.data.is_dir() {
        eprintln!("**************************************************************");
        eprintln!("*** DATA NOT FOUND: {}", args.data.display());
        eprintln!("*** The evaluation sets are built from the shared labeled data");
        eprintln!("*** (normally ../shared/data next to the repository). Nothing");
        eprintln!("*** was written. Pass --data DIR to point at it.");
        eprintln!("**************************************************************");
        return ExitCode::from(2);
    }
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

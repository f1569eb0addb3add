//! `build-eval-sets`: write the evaluation sets of `tactful eval` as JSONL.
//!
//! ```text
//! build-eval-sets [--data DIR] [--out DIR]
//! ```
//!
//! `--data` defaults to `../shared/data` next to the workspace, `--out` to
//! `<workspace>/target/eval` (`build-eval-sets --help` says so too). Writes
//! `benign.jsonl` and `claims-dev.jsonl` for `tactful eval`, and
//! `airline-requests.jsonl` for `tactful eval-heads`.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Parser;
use tactful_evalsets::shared_data::run_over;
use tactful_evalsets::{
    Labeled, airline_set, benign_set, claims_set, count_by_file, default_data_dir, workspace_root,
    write_jsonl,
};

/// Write the evaluation sets of `tactful eval` as JSONL, from the shared
/// labeled data: benign.jsonl (every text labeled `ok`: brand replies, ham
/// SMS, non-spam YouTube comments, clean X posts) and claims-dev.jsonl (the
/// labeled claims, as they are); and, for `tactful eval-heads`,
/// airline-requests.jsonl (complaints and thanks sent to US airlines, a
/// source no head saw).
#[derive(Parser, Debug)]
#[command(name = "build-eval-sets")]
struct Cli {
    /// The shared data folder [default: ../shared/data next to the workspace]
    #[arg(long, value_name = "DIR")]
    data: Option<PathBuf>,
    /// Where to write benign.jsonl, claims-dev.jsonl and airline-requests.jsonl [default: <workspace>/target/eval]
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

/// The command line with its defaults filled in.
struct Args {
    data: PathBuf,
    out: PathBuf,
}

impl From<Cli> for Args {
    fn from(cli: Cli) -> Args {
        Args {
            data: cli.data.unwrap_or_else(default_data_dir),
            out: cli.out.unwrap_or_else(|| workspace_root().join("target").join("eval")),
        }
    }
}

fn write_set<T: serde::Serialize>(path: &Path, set: &[T]) -> Result<()> {
    let f = File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let mut w = BufWriter::new(f);
    write_jsonl(&mut w, set)
        .and_then(|()| w.flush())
        .with_context(|| format!("cannot write {}", path.display()))
}

fn print_counts<T>(name: &str, set: &[T], counts: &[(String, usize)]) {
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
    let airline = airline_set(&args.data).context("cannot build the airline set")?;
    std::fs::create_dir_all(&args.out).with_context(|| format!("cannot create {}", args.out.display()))?;
    let benign_path = args.out.join("benign.jsonl");
    let claims_path = args.out.join("claims-dev.jsonl");
    write_set(&benign_path, &benign)?;
    write_set(&claims_path, &claims)?;
    let airline_path = args.out.join("airline-requests.jsonl");
    write_set(&airline_path, &airline)?;
    print_counts(&benign_path.display().to_string(), &benign, &count_by_file(&benign));
    print_counts(&claims_path.display().to_string(), &claims, &claims_counts(&claims));
    let requests = airline.iter().filter(|h| h.label == "request").count();
    let airline_counts = [
        ("request (complaints)".to_string(), requests),
        ("other (thanks)".to_string(), airline.len() - requests),
    ];
    print_counts(&airline_path.display().to_string(), &airline, &airline_counts);
    Ok(())
}

fn main() -> ExitCode {
    let args = Args::from(Cli::parse());
    run_over(&args.data, "The evaluation sets are built", "was written", || run(&args))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn every_flag_explains_itself() {
        tactful_evalsets::shared_data::assert_every_flag_explains_itself(&Cli::command());
    }

    #[test]
    fn flags_mean_what_they_meant_before_clap() {
        let parse = tactful_evalsets::shared_data::parse_flags::<Cli>;
        let a = Args::from(parse(&[]).unwrap());
        assert_eq!(a.data, default_data_dir());
        assert!(a.out.ends_with("target/eval"), "{}", a.out.display());
        let a = Args::from(parse(&["--data", "/d", "--out", "/o"]).unwrap());
        assert_eq!((a.data, a.out), (PathBuf::from("/d"), PathBuf::from("/o")));
        assert!(parse(&["--data"]).is_err());
        assert!(parse(&["--frobnicate"]).is_err());
    }
}

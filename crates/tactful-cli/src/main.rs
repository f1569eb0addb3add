//! `tactful`: the one binary. Parses the command line, reads files, and hands
//! texts to the pure core; prints results. All I/O of the draft check lives here.

mod check;
mod eval;
mod input;
mod render;
mod rules;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "tactful", version, about = "A local-first coach and compliance guard for people who sell through social media.")]
struct Cli {
    /// Show the full chain of causes when something goes wrong.
    #[arg(long, global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check drafts (posts, comments, messages, bios) before you publish them.
    Check(check::Args),
    /// List, explain and test rules.
    #[command(subcommand)]
    Rules(rules::Command),
    /// Measure the rules on labeled texts: precision, recall, false alarms.
    Eval(eval::Args),
}

/// A failure the user caused (bad input or usage): exit code 2.
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        Command::Check(a) => check::run(&a),
        Command::Rules(c) => rules::run(&c),
        Command::Eval(a) => eval::run(&a),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            if cli.verbose {
                eprintln!("tactful: {e:?}");
            } else {
                eprintln!("tactful: {e}");
            }
            // Every error that reaches here is about the input or the usage.
            ExitCode::from(2)
        }
    }
}

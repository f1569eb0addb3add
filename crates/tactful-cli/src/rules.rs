//! `tactful rules`: list, explain and test rules, built-in and company packs alike.

use anyhow::{Result, bail};
use clap::Subcommand;
use serde_json::json;
use std::io::Write;
use tactful_core::Category;

use crate::input;

#[derive(Subcommand)]
pub enum Command {
    /// List every rule: code, severity, category, name, message.
    List {
        /// Only this category.
        #[arg(long)]
        category: Option<String>,
        /// Include a company pack; repeatable.
        #[arg(long = "pack", value_name = "FILE")]
        packs: Vec<String>,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Explain one rule: why it matters, how to rewrite, references, examples.
    Explain {
        code: String,
        #[arg(long = "pack", value_name = "FILE")]
        packs: Vec<String>,
    },
    /// Run the examples of a pack (the built-in packs when no file is given).
    Test {
        /// Pack files to test.
        packs: Vec<String>,
    },
}

pub fn run(cmd: &Command) -> Result<u8> {
    let mut out = std::io::stdout().lock();
    match cmd {
        Command::List { category, packs, json } => {
            let engine = input::engine(packs)?;
            let cat: Option<Category> = match category {
                Some(c) => {
                    Some(c.parse().map_err(|e: String| crate::UsageError(format!("--category: {e}")))?)
                }
                None => None,
            };
            let rules: Vec<_> =
                engine.rules().iter().filter(|r| cat.is_none_or(|c| r.category == c)).collect();
            if *json {
                let v: Vec<_> = rules
                    .iter()
                    .map(|r| {
                        json!({"code": r.code, "name": r.name, "category": r.category, "severity": r.severity,
                               "channels": r.channels(), "enabled": r.enabled, "pack": r.pack, "message": r.message,
                               "explanation": r.explanation, "hint": r.hint, "references": r.references})
                    })
                    .collect();
                serde_json::to_writer_pretty(&mut out, &v)?;
                writeln!(out)?;
            } else {
                for r in rules {
                    let off = if r.enabled { "" } else { " (off)" };
                    writeln!(
                        out,
                        "{:<8} {:<8} {:<13} {:<34} {}{off}",
                        r.code, r.severity, r.category, r.name, r.message
                    )?;
                }
            }
            Ok(0)
        }
        Command::Explain { code, packs } => {
            let engine = input::engine(packs)?;
            let Some(r) = engine.rule(code) else {
                bail!(crate::UsageError(format!("no rule `{code}`: see `tactful rules list`")));
            };
            let channels: Vec<&str> = r.channels().iter().map(|c| c.as_str()).collect();
            writeln!(
                out,
                "{} {} ({}, {}){}",
                r.code,
                r.name,
                r.category,
                r.severity,
                if r.enabled { "" } else { " — switched off" }
            )?;
            writeln!(out, "\n{}\n", r.message)?;
            writeln!(out, "Why it matters:\n  {}\n", r.explanation)?;
            writeln!(out, "Say it better:\n  {}\n", r.hint)?;
            writeln!(out, "Applies to: {}", channels.join(", "))?;
            writeln!(out, "Defined in: {} (pack {})\n", r.defined_at, r.pack)?;
            writeln!(out, "Guidance:")?;
            for l in &r.references {
                writeln!(out, "  {l}")?;
            }
            writeln!(out, "\nFlagged, for example:")?;
            for t in &r.flag {
                writeln!(out, "  ✗ {t}")?;
            }
            writeln!(out, "\nFine, for example:")?;
            for t in &r.pass {
                writeln!(out, "  ✓ {t}")?;
            }
            Ok(0)
        }
        Command::Test { packs } => {
            let extra = input::read_packs(packs)?;
            let engine = tactful_packs::engine_with(&extra)
                .map_err(|e| crate::UsageError(format!("malformed pack: {e}")))?;
            let mut total = 0;
            let mut failed = Vec::new();
            let names: Vec<Option<String>> = if extra.is_empty() {
                vec![None]
            } else {
                // Test only the rules of the packs given.
                extra
                    .iter()
                    .map(|(n, src)| tactful_core::Pack::parse(n, src).map(|p| Some(p.pack.name)))
                    .collect::<Result<_, _>>()
                    .map_err(|e| crate::UsageError(format!("malformed pack: {e}")))?
            };
            for name in &names {
                let (run, fails) = engine.test_examples(name.as_deref());
                total += run;
                failed.extend(fails);
            }
            if extra.is_empty() {
                // The built-in kinds rules are external: their examples run
                // through the classifier.
                let (run, fails) = tactful_app::heads::test_examples(&engine);
                total += run;
                failed.extend(fails);
            }
            for f in &failed {
                let verb = if f.expected == "flag" { "should flag" } else { "should not flag" };
                writeln!(out, "FAIL {} ({}): {verb} ({}) {:?}", f.code, f.defined_at, f.channel, f.text)?;
            }
            writeln!(out, "{} passed, {} failed", total - failed.len(), failed.len())?;
            Ok(u8::from(!failed.is_empty()))
        }
    }
}

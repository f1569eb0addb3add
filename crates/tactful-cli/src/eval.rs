//! `tactful eval`: run the rules over labeled texts and report per-category
//! precision and recall, the false-alarm rate on `ok` texts, and the misses
//! and false alarms themselves for inspection.

use anyhow::{Result, bail};
use serde_json::Value;
use std::io::Write;
use tactful_core::eval::{Outcome, Report, category_of_label};
use tactful_core::{Category, Channel};

use crate::input;
use crate::table::table;

#[derive(clap::Args)]
pub struct Args {
    /// JSONL files: one object a line with `text` and `label` (income_claim, lifestyle_claim,
    /// health_claim, disclosure_missing, a category name, or ok); a `note` containing "fragment"
    /// marks a short quoted phrase rather than a whole post.
    #[arg(required_unless_present = "heads")]
    pub files: Vec<String>,
    /// Also measure the classifier heads on this file of held-out labeled texts (one object a line
    /// with `head`, `label`, `text`, `source`; `tactful-train` writes target/eval/heads.jsonl): precision,
    /// recall and F1 per head and source beside keyword and majority baselines, as `tactful eval-heads`.
    #[arg(long = "heads", value_name = "FILE")]
    pub heads: Vec<String>,
    /// Include a company pack; repeatable.
    #[arg(long = "pack", value_name = "FILE")]
    pub packs: Vec<String>,
    /// Channel the texts are checked in.
    #[arg(long, default_value = "post", value_parser = |s: &str| s.parse::<Channel>())]
    pub channel: Channel,
    /// How many misses and false alarms to list.
    #[arg(long, default_value_t = 50)]
    pub show: usize,
}

pub fn run(args: &Args) -> Result<u8> {
    if !args.files.is_empty() {
        rules_report(args)?;
    }
    if !args.heads.is_empty() {
        let mut out = std::io::stdout().lock();
        writeln!(out, "\n== classifier heads on {}", args.heads.join(", "))?;
        crate::classify::report_heads(&args.heads, &[], &mut out)?;
    }
    Ok(0)
}

fn rules_report(args: &Args) -> Result<()> {
    let checker = input::checker(&args.packs)?;
    let mut outcomes = Vec::new();
    let mut sources = Vec::new();
    for path in &args.files {
        let text = input::read_text(path)?;
        let name = input::display(path);
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let v: Value = serde_json::from_str(line).map_err(|e| {
                crate::UsageError(format!(
                    "{name}:{}: not valid JSON ({e}): expected an object with `text` and `label`",
                    i + 1
                ))
            })?;
            let (Some(t), Some(l)) =
                (v.get("text").and_then(Value::as_str), v.get("label").and_then(Value::as_str))
            else {
                bail!(crate::UsageError(format!(
                    "{name}:{}: expected string fields `text` and `label`",
                    i + 1
                )));
            };
            let expected =
                category_of_label(l).map_err(|e| crate::UsageError(format!("{name}:{}: {e}", i + 1)))?;
            let fragment = v.get("note").and_then(Value::as_str).is_some_and(|n| n.contains("fragment"));
            let findings = checker.check(t, args.channel);
            sources.push(format!("{name}:{}", i + 1));
            outcomes.push(Outcome {
                line: outcomes.len(),
                text: t.to_string(),
                expected,
                fragment,
                findings,
            });
        }
    }
    if outcomes.is_empty() {
        bail!(crate::UsageError("no labeled texts found: the input is empty".into()));
    }
    let r = Report::from_outcomes(&outcomes);
    let mut out = std::io::stdout().lock();
    let pct = |x: Option<f64>| x.map_or("   -".to_string(), |v| format!("{:5.1}%", v * 100.0));
    writeln!(out, "{} labeled texts\n", outcomes.len())?;
    table!(
        out,
        "{:<13} {:>7} {:>7} {:>5} {:>5} {:>5}",
        ["category", "recall", "precis.", "tp", "fn", "fp"],
        Category::ALL.into_iter().filter_map(|c| Some((c, r.by_category.get(&c)?))),
        |(c, t)| [c.as_str(), pct(t.recall()), pct(t.precision()), t.true_pos, t.false_neg, t.false_pos]
    );
    if r.fragments > 0 {
        writeln!(
            out,
            "\nfragments flagged: {} of {} ({})",
            r.fragments_flagged,
            r.fragments,
            pct(r.fragment_rate())
        )?;
    }
    if r.ok_texts > 0 {
        writeln!(
            out,
            "\ntexts labeled ok: {}; with an error finding: {} ({}); with any finding: {} ({})",
            r.ok_texts,
            r.ok_error,
            pct(r.error_rate_on_ok()),
            r.ok_any,
            pct(Some(r.ok_any as f64 / r.ok_texts as f64))
        )?;
    }
    let show = |out: &mut std::io::StdoutLock<'_>, title: &str, idx: &[usize]| -> std::io::Result<()> {
        if idx.is_empty() {
            return Ok(());
        }
        writeln!(out, "\n{title} ({}):", idx.len())?;
        for &i in idx.iter().take(args.show) {
            let o = &outcomes[i];
            let codes: Vec<&str> = o.findings.iter().map(|f| f.code.as_str()).collect();
            let label = o.expected.map_or("ok", Category::as_str);
            let mut t: String = o.text.chars().take(160).collect();
            if t.len() < o.text.len() {
                t.push('…');
            }
            writeln!(
                out,
                "  {} [{label}{}] {:?} found {:?}",
                sources[i],
                if o.fragment { ", fragment" } else { "" },
                t,
                codes
            )?;
        }
        Ok(())
    };
    if r.ok_texts > 0 {
        // The classifier rules, one by one: how often each fires on texts that should pass.
        for code in [
            tactful_app::heads::PROMOTION,
            tactful_app::heads::OFF_TOPIC,
            tactful_app::heads::HEALTH_CLAIM,
            tactful_app::heads::EARNINGS_CLAIM,
        ] {
            let n = outcomes
                .iter()
                .filter(|o| o.expected.is_none() && o.findings.iter().any(|f| f.code == code))
                .count();
            writeln!(
                out,
                "  {code} (classifier) on ok texts: {n} ({})",
                pct(Some(n as f64 / r.ok_texts as f64))
            )?;
        }
    }
    show(&mut out, "misses", &r.misses)?;
    show(&mut out, "false alarms (error findings on ok texts)", &r.false_alarms)?;
    Ok(())
}

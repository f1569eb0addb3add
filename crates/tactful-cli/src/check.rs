//! `tactful check`: lint drafts given as arguments, files or stdin, in human,
//! JSON or JSONL (bulk) form.

use anyhow::{Result, bail};
use clap::ValueEnum;
use serde_json::{Value, json};
use std::io::{BufWriter, IsTerminal, Write};
use tactful_app::Checker;
use tactful_app::contacts::{self, Recipient};
use tactful_core::{Channel, Finding, Severity};

use crate::input::{self, Fields};
use crate::render;

#[derive(clap::Args)]
pub struct Args {
    /// Draft texts to check. With none and no --file, the draft is read from stdin.
    pub text: Vec<String>,
    /// Read a draft from a file ("-" for stdin); repeatable. With --format jsonl, the file holds one JSON object a line.
    #[arg(short, long = "file", value_name = "PATH")]
    pub files: Vec<String>,
    /// Where the draft will be published.
    #[arg(long, default_value = "post", value_parser = parse_channel)]
    pub channel: Channel,
    /// A company pack (TOML) that adds rules, changes severities or switches built-ins off; repeatable.
    #[arg(long = "pack", value_name = "FILE")]
    pub packs: Vec<String>,
    /// Silence a rule by code for this run; repeatable.
    #[arg(long = "ignore", value_name = "CODE")]
    pub ignore: Vec<String>,
    /// Output form.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Exit with 1 when a finding is at or above this severity.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// The person a message or comment is for (a name, @handle, profile link or
    /// #ID): adds the pitch gate, which reads their stage and consent from the
    /// store. Someone not in the history is checked as a stranger.
    #[arg(long, value_name = "PERSON")]
    pub to: Option<String>,
    /// The person of --to is someone new, even if a contact has that name.
    #[arg(long, requires = "to")]
    pub stranger: bool,
    #[command(flatten)]
    pub db: crate::store::StoreArg,
    /// Colour: auto (on a terminal), always, never.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Jsonl,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

fn parse_channel(s: &str) -> Result<Channel, String> {
    s.parse()
}

impl FailOn {
    fn trips(self, s: Severity) -> bool {
        match self {
            FailOn::Error => s >= Severity::Error,
            FailOn::Warning => s >= Severity::Warning,
            FailOn::Info => true,
            FailOn::Never => false,
        }
    }
}

/// One draft to check.
struct Draft {
    name: String,
    text: String,
}

pub fn run(args: &Args) -> Result<u8> {
    let checker = input::checker(&args.packs)?.ignoring(&args.ignore)?;
    if args.format == Format::Jsonl {
        if args.to.is_some() {
            bail!(crate::UsageError(
                "--to checks drafts for one person; with --format jsonl give each line its own `to`".into()
            ));
        }
        return run_jsonl(args, &checker);
    }
    // Drafts a person reads the answer to: claims are read in context too,
    // when the model is installed (bulk JSONL above never pays for it).
    let checker = checker.with_context(tactful_app::context::installed()?);
    let engine = checker.engine();
    let drafts = gather(args)?;
    let mut recipient = None;
    let results: Vec<(Draft, Vec<Finding>)> = match &args.to {
        Some(who) => {
            let mut store = args.db.open()?;
            let to = contacts::recipient(store.people(), who, args.stranger)?;
            let results = drafts
                .into_iter()
                .map(|d| {
                    let f = checker.check_for(store.as_mut(), &to, &d.text, args.channel)?;
                    Ok((d, f))
                })
                .collect::<Result<_>>()?;
            recipient = Some(to);
            results
        }
        None => drafts
            .into_iter()
            .map(|d| {
                let f = checker.check_draft(&d.text, args.channel);
                (d, f)
            })
            .collect(),
    };
    let tripped = results.iter().flat_map(|(_, f)| f).any(|f| args.fail_on.trips(f.severity));
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    match args.format {
        Format::Json => {
            let drafts: Vec<Value> = results
                .iter()
                .map(|(d, fs)| {
                    let lines = render::Lines::new(&d.text);
                    json!({
                        "id": d.name,
                        "channel": args.channel.as_str(),
                        "recipient": recipient.as_ref().map(recipient_json),
                        "findings": fs.iter().map(|f| render::finding_json(engine, &d.text, Some(&lines), f)).collect::<Vec<_>>(),
                    })
                })
                .collect();
            let count = |s: Severity| results.iter().flat_map(|(_, f)| f).filter(|f| f.severity == s).count();
            let doc = json!({
                "schema": "tactful.check/1",
                "drafts": drafts,
                "summary": {
                    "drafts": results.len(),
                    "error": count(Severity::Error),
                    "warning": count(Severity::Warning),
                    "info": count(Severity::Info),
                }
            });
            serde_json::to_writer_pretty(&mut out, &doc)?;
            writeln!(out)?;
        }
        _ => {
            let color = match args.color {
                Color::Always => true,
                Color::Never => false,
                Color::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
            };
            if let Some(to) = &recipient {
                writeln!(out, "{}", for_whom(to))?;
            }
            for (d, fs) in &results {
                let lines = render::Lines::new(&d.text);
                for f in fs {
                    render::human(&mut out, engine, &d.name, &d.text, &lines, f, color)?;
                }
            }
            render::summary(&mut out, results.iter().map(|(_, f)| f.as_slice()), results.len())?;
        }
    }
    out.flush()?;
    Ok(u8::from(tripped))
}

/// The line above the findings that says whom they were checked for.
fn for_whom(to: &Recipient) -> String {
    match to {
        Recipient::Known(c) => format!("For {} (#{}), from your history.", c.display_name, c.id),
        Recipient::Stranger(name) => {
            format!("For {name}: not in your history, so checked as a first message to a stranger.")
        }
    }
}

/// Whom a draft was checked for, in JSON output (the CLI and the API).
pub fn recipient_json(to: &Recipient) -> Value {
    match to {
        Recipient::Known(c) => json!({"contact": c.id, "name": c.display_name, "stranger": false}),
        Recipient::Stranger(name) => json!({"contact": null, "name": name, "stranger": true}),
    }
}

fn gather(args: &Args) -> Result<Vec<Draft>> {
    let mut drafts = Vec::new();
    for (i, t) in args.text.iter().enumerate() {
        drafts.push(Draft { name: format!("arg{}", i + 1), text: t.clone() });
    }
    for path in &args.files {
        drafts.push(Draft { name: input::display(path).to_string(), text: input::read_text(path)? });
    }
    if args.text.is_empty() && args.files.is_empty() {
        if std::io::stdin().is_terminal() {
            bail!(crate::UsageError(
                "nothing to check: give the draft as an argument, with --file PATH, or on standard input"
                    .into()
            ));
        }
        drafts.push(Draft { name: "stdin".into(), text: input::read_text("-")? });
    }
    for d in &drafts {
        if d.text.trim().is_empty() {
            bail!(crate::UsageError(format!("{}: the input is empty: expected a draft to check", d.name)));
        }
    }
    Ok(drafts)
}

/// Bulk mode: one JSON object a line in, the same object with `findings` out.
/// A bad line is reported on stderr with its line number and skipped; the run
/// then ends with exit code 2 (after checking every good line).
fn run_jsonl(args: &Args, checker: &Checker) -> Result<u8> {
    if !args.text.is_empty() {
        bail!(crate::UsageError(
            "--format jsonl reads JSON lines from --file or stdin, not from arguments".into()
        ));
    }
    let mut tripped = false;
    // Opened at the first line with a `to`: most bulk runs never need it.
    let mut store: Option<Box<dyn tactful_store::Store>> = None;
    let bad = input::each_jsonl_line(&args.files, |line| {
        let (obj, worst) = check_line(checker, args, &mut store, line)?;
        tripped |= worst.is_some_and(|s| args.fail_on.trips(s));
        Ok(obj)
    })?;
    Ok(if bad > 0 { 2 } else { u8::from(tripped) })
}

fn check_line(
    checker: &Checker,
    args: &Args,
    store: &mut Option<Box<dyn tactful_store::Store>>,
    line: &str,
) -> Result<(Fields, Option<Severity>), String> {
    let mut obj = Fields::parse(line)?;
    let text = match obj.get("text") {
        Some(Value::String(s)) => s,
        Some(_) => return Err("field `text`: expected a string".into()),
        None => return Err("missing field `text`: expected a JSON object with a `text` field".into()),
    };
    let channel = match obj.get("channel") {
        None | Some(Value::Null) => args.channel,
        Some(Value::String(s)) => s.parse().map_err(|e| format!("field `channel`: {e}"))?,
        Some(_) => return Err("field `channel`: expected a string".into()),
    };
    let mut ignore = Vec::new();
    if let Some(Value::Array(codes)) = obj.get("ignore") {
        ignore.extend(codes.iter().filter_map(|c| c.as_str().map(str::to_string)));
    }
    let to = match obj.get("to") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s),
        Some(_) => return Err("field `to`: expected a name, @handle, profile link or #id".into()),
    };
    let stranger = match obj.get("stranger") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err("field `stranger`: expected true or false".into()),
    };
    let (findings, recipient) = match to {
        None => (checker.check_ignoring(text, channel, &ignore), None),
        Some(who) => {
            let store = match store {
                Some(s) => s,
                None => store.insert(args.db.open().map_err(|e| format!("field `to`: {e:#}"))?),
            };
            let to =
                contacts::recipient(store.people(), who, stranger).map_err(|e| format!("field `to`: {e}"))?;
            let mut f = checker.check_for(store.as_mut(), &to, text, channel).map_err(|e| e.to_string())?;
            f.retain(|f| !ignore.iter().any(|c| c.eq_ignore_ascii_case(&f.code)));
            (f, Some(recipient_json(&to)))
        }
    };
    let worst = findings.iter().map(|f| f.severity).max();
    let findings = Value::Array(
        findings.iter().map(|f| render::finding_json(checker.engine(), text, None, f)).collect(),
    );
    if let Some(r) = recipient {
        obj.insert("recipient", r);
    }
    obj.insert("findings", findings);
    Ok((obj, worst))
}

//! `tactful classify`: label texts with one classifier head (content kind,
//! customer request, spam), in human or JSONL form; and `tactful eval-heads`:
//! measure the heads on labeled held-out texts beside two baselines.

use std::collections::BTreeMap;
use std::io::{BufWriter, IsTerminal, Write};

use anyhow::{Result, bail};
use clap::ValueEnum;
use serde_json::Value;
use tactful_classify::evaluate::{Comparison, Measure, compare};
use tactful_classify::{Channel, Head, Input, Model, Scratch, builtin};

use crate::input::{self, Fields};

#[derive(clap::Args)]
pub struct Args {
    /// Which head: content-kind, customer-request or spam.
    #[arg(long, value_parser = parse_head)]
    pub head: Head,
    /// Files to classify ("-" for stdin). With none and no --text, stdin is read.
    /// Human form: each file is one text. JSONL form: one JSON object a line with a `text` field.
    pub files: Vec<String>,
    /// A text to classify, given on the command line; repeatable (human form only).
    #[arg(short, long = "text", value_name = "TEXT")]
    pub texts: Vec<String>,
    /// Output form. jsonl: each input object comes back with `label` and `score` added.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Probability from 0 to 1. Yes/no heads: the label is positive at or above it.
    /// content-kind: a winner below it is labeled "uncertain". Default: the head's own (see `tactful eval-heads`).
    #[arg(long, value_parser = parse_threshold)]
    pub threshold: Option<f32>,
    /// Where the texts were written: post, comment or message (dm). The spam head reads
    /// it (spam under a video differs from spam in a text message); a JSONL line's
    /// own `channel` field wins. Default: unknown (the head's shared features only).
    #[arg(long, value_parser = parse_channel)]
    pub channel: Option<Channel>,
}

fn parse_channel(s: &str) -> Result<Channel, String> {
    s.parse()
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Format {
    Human,
    Jsonl,
}

#[derive(clap::Args)]
pub struct EvalArgs {
    /// JSONL files of labeled texts: one object a line with `head`, `label` and `text`, and optionally
    /// `source` (figures are given per head and source) and `channel` (post, comment or message). `tactful-train` writes them to target/eval/heads.jsonl.
    #[arg(required = true)]
    pub files: Vec<String>,
    /// Measure only this head; repeatable.
    #[arg(long = "head", value_parser = parse_head)]
    pub heads: Vec<Head>,
}

fn parse_head(s: &str) -> Result<Head, String> {
    s.parse()
}

fn parse_threshold(s: &str) -> Result<f32, String> {
    match s.parse::<f32>() {
        Ok(t) if (0.0..=1.0).contains(&t) => Ok(t),
        _ => Err(format!("`{s}`: expected a probability from 0 to 1")),
    }
}

fn load(head: Head) -> Result<Model> {
    // A damaged embedded model is a build problem, not the user's input.
    builtin::model(head).map_err(|e| anyhow::anyhow!("the built-in {head} model cannot be loaded: {e}"))
}

/// Scores in JSON are rounded to four places: more would be false precision.
fn round4(x: f32) -> f64 {
    (f64::from(x) * 10_000.0).round() / 10_000.0
}

pub fn run(args: &Args) -> Result<u8> {
    let model = load(args.head)?;
    let threshold = args.threshold.unwrap_or(model.threshold());
    match args.format {
        Format::Jsonl => run_jsonl(args, &model, threshold),
        Format::Human => run_human(args, &model, threshold),
    }
}

fn run_human(args: &Args, model: &Model, threshold: f32) -> Result<u8> {
    let mut texts: Vec<(String, String)> = Vec::new();
    for (i, t) in args.texts.iter().enumerate() {
        texts.push((format!("text{}", i + 1), t.clone()));
    }
    for path in &args.files {
        texts.push((input::display(path).to_string(), input::read_text(path)?));
    }
    if texts.is_empty() {
        if std::io::stdin().is_terminal() {
            bail!(crate::UsageError(
                "nothing to classify: give files, --text TEXT, or text on standard input".into()
            ));
        }
        texts.push(("stdin".into(), input::read_text("-")?));
    }
    for (name, t) in &texts {
        if t.trim().is_empty() {
            bail!(crate::UsageError(format!("{name}: the input is empty: expected a text to classify")));
        }
    }
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut scratch = Scratch::new();
    for (name, t) in &texts {
        let p = model.probabilities(Input::new(t, args.channel), &mut scratch);
        let d = model.decide(&p, threshold);
        if model.is_binary() {
            writeln!(
                out,
                "{name}: {} (p({}) = {:.3}, threshold {threshold:.2})",
                d.label,
                model.classes()[1],
                d.score
            )?;
        } else {
            let mut rest: Vec<(usize, f32)> = p.iter().copied().enumerate().collect();
            rest.sort_by(|a, b| b.1.total_cmp(&a.1));
            let all: Vec<String> =
                rest.iter().map(|(i, x)| format!("{} {:.3}", model.classes()[*i], x)).collect();
            writeln!(out, "{name}: {} ({})", d.label, all.join(", "))?;
        }
    }
    out.flush()?;
    Ok(0)
}

/// One JSON object a line in, the same object with `label` and `score` out.
/// A bad line is reported on stderr with its file and line and skipped; the
/// run then ends with exit code 2 (after classifying every good line).
fn run_jsonl(args: &Args, model: &Model, threshold: f32) -> Result<u8> {
    if !args.texts.is_empty() {
        bail!(crate::UsageError(
            "--format jsonl reads JSON lines from files or stdin, not from --text".into()
        ));
    }
    let mut scratch = Scratch::new();
    let bad = input::each_jsonl_line(&args.files, |line| {
        classify_line(model, threshold, args.channel, line, &mut scratch)
    })?;
    Ok(if bad > 0 { 2 } else { 0 })
}

/// A JSON line's object, its `text` and its optional `channel`.
struct Line {
    obj: Fields,
    text: String,
    channel: Option<Channel>,
}

fn object_with_text(line: &str) -> Result<Line, String> {
    let obj = Fields::parse(line)?;
    let text = match obj.get("text") {
        Some(Value::String(s)) => s.clone(),
        Some(_) => return Err("field `text`: expected a string".into()),
        None => {
            return Err("missing field `text`: expected a JSON object with a `text` field".into());
        }
    };
    let channel = match obj.get("channel") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.parse().map_err(|e| format!("field `channel`: {e}"))?),
        Some(_) => return Err("field `channel`: expected post, comment or message".into()),
    };
    Ok(Line { obj, text, channel })
}

fn classify_line(
    model: &Model,
    threshold: f32,
    channel: Option<Channel>,
    line: &str,
    scratch: &mut Scratch,
) -> Result<Fields, String> {
    let Line { mut obj, text, channel: own } = object_with_text(line)?;
    let d = model.classify_with(Input::new(&text, own.or(channel)), threshold, scratch);
    obj.insert("label", Value::String(d.label.to_string()));
    obj.insert("score", serde_json::json!(round4(d.score)));
    Ok(obj)
}

/// `tactful eval-heads`: each head's precision, recall and F1 per source,
/// beside the keyword baseline and the majority class, measured in this run.
pub fn run_eval(args: &EvalArgs) -> Result<u8> {
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    report_heads(&args.files, &args.heads, &mut out)?;
    out.flush()?;
    Ok(0)
}

/// The heads' figures on labeled texts (the files of `eval-heads`), for
/// `tactful eval-heads` and `tactful eval --heads`.
pub fn report_heads(files: &[String], heads: &[Head], out: &mut dyn Write) -> Result<()> {
    // (head, source) -> [(line, class)]
    let mut sets: BTreeMap<(Head, String), Vec<(Line, usize)>> = BTreeMap::new();
    for path in files {
        let text = input::read_text(path)?;
        let name = input::display(path);
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let at = |msg: String| crate::UsageError(format!("{name}:{}: {msg}", i + 1));
            let line = object_with_text(line).map_err(at)?;
            let obj = &line.obj;
            let head: Head = match obj.get("head") {
                Some(Value::String(h)) => h.parse().map_err(|e: String| at(format!("field `head`: {e}")))?,
                _ => {
                    bail!(at("missing field `head`: expected content-kind, customer-request or spam".into()))
                }
            };
            if !heads.is_empty() && !heads.contains(&head) {
                continue;
            }
            let Some(Value::String(label)) = obj.get("label") else {
                bail!(at("missing field `label`: expected the text's class".into()));
            };
            let class = head.classes().iter().position(|c| c == label).ok_or_else(|| {
                at(format!(
                    "field `label`: `{label}` is not a class of {head} (expected one of {})",
                    head.classes().join(", ")
                ))
            })?;
            let source = obj.get("source").and_then(Value::as_str).unwrap_or("-").to_string();
            sets.entry((head, source)).or_default().push((line, class));
        }
    }
    if sets.is_empty() {
        bail!(crate::UsageError("no labeled texts found: the input is empty".into()));
    }
    let f = |x: Option<f64>| x.map_or_else(|| "    -".to_string(), |v| format!("{v:.3}"));
    let prf = |m: &Measure| format!("{} {} {}", f(m.precision()), f(m.recall()), f(m.f1()));
    let mut current: Option<Head> = None;
    let mut model: Option<Model> = None;
    for ((head, source), items) in &sets {
        if current != Some(*head) {
            let m = load(*head)?;
            let what = head
                .positive()
                .map_or_else(|| "macro-F1 over the classes present".to_string(), |p| format!("F1 of `{p}`"));
            writeln!(
                out,
                "\n== {head}  (threshold {:.2}; P R F1 = precision, recall, {what})",
                m.threshold()
            )?;
            writeln!(
                out,
                "{:<16} {:>6}   {:<18}   {:<18}   {:>8}{}",
                "source",
                "texts",
                "model P R F1",
                "keywords P R F1",
                "major.F1",
                if head.positive().is_some() { "   model macro-F1" } else { "" }
            )?;
            current = Some(*head);
            model = Some(m);
        }
        let m = model.as_ref().expect("loaded above");
        let c: Comparison =
            compare(m, *head, m.threshold(), items.iter().map(|(l, c)| (Input::new(&l.text, l.channel), *c)));
        // For a yes/no head also the macro-F1 (mean of both classes' F1),
        // the figure papers on these sets usually report.
        let macro_f1 = if head.positive().is_some() {
            format!("   {:>16}", f(c.model.macro_f1()))
        } else {
            String::new()
        };
        writeln!(
            out,
            "{source:<16} {:>6}   {:<18}   {:<18}   {:>8}{macro_f1}",
            c.texts,
            prf(&c.model),
            prf(&c.keywords),
            f(c.majority.f1())
        )?;
    }
    writeln!(
        out,
        "\nkeywords: hand-written word lists (tactful-classify/src/baseline.rs); majority: always the most common class of these texts.\n\
         macro-F1 (yes/no heads): the mean of the F1 of both classes, as papers on these sets report it; the targets are on the F1."
    )?;
    Ok(())
}

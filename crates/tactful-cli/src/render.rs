//! How findings look: rustc-style diagnostics for people, JSON for programs.

use serde_json::{Value, json};
use std::io::Write;
use tactful_core::{Engine, Finding, Severity};

/// Where lines start in a text, so line and column of many findings cost a
/// binary search each instead of a scan from the top.
pub struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    pub fn new(text: &str) -> Lines {
        let mut starts = vec![0];
        starts.extend(text.bytes().enumerate().filter(|&(_, b)| b == b'\n').map(|(i, _)| i + 1));
        Lines { starts }
    }

    /// Line (1-based), column (1-based, in characters) and line start of a byte offset.
    pub fn locate(&self, text: &str, at: usize) -> (usize, usize, usize) {
        let line = self.starts.partition_point(|&s| s <= at);
        let start = self.starts[line - 1];
        (line, text[start..at].chars().count() + 1, start)
    }
}

/// A finding as JSON. `full` adds line/column, the excerpt and the rule's
/// explanation (the `--format json` document); bulk mode keeps it lean.
pub fn finding_json(engine: &Engine, text: &str, lines: Option<&Lines>, f: &Finding) -> Value {
    let rule = engine.rule(&f.code);
    let mut v = json!({
        "code": f.code,
        "category": f.category,
        "severity": f.severity,
        "start": f.start,
        "end": f.end,
        "message": f.message,
        "hint": rule.map(|r| r.hint.as_str()),
        "references": rule.map(|r| &r.references),
    });
    if let Some(lines) = lines {
        let (line, column, _) = lines.locate(text, f.start);
        let m = v.as_object_mut().expect("object");
        m.insert("line".into(), json!(line));
        m.insert("column".into(), json!(column));
        m.insert("excerpt".into(), json!(&text[f.start..f.end]));
        m.insert("explanation".into(), json!(rule.map(|r| r.explanation.as_str())));
    }
    v
}

struct Paint {
    on: bool,
}

impl Paint {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.on { format!("\x1b[{code}m{s}\x1b[0m") } else { s.to_string() }
    }
}

fn sev_color(s: Severity) -> &'static str {
    match s {
        Severity::Error => "1;31",
        Severity::Warning => "1;33",
        Severity::Info => "1;36",
    }
}

/// Print one finding like a compiler diagnostic: the line, the span underlined,
/// then why, what to try instead, and where the guidance is.
pub fn human(
    out: &mut impl Write,
    engine: &Engine,
    name: &str,
    text: &str,
    lines: &Lines,
    f: &Finding,
    color: bool,
) -> std::io::Result<()> {
    let p = Paint { on: color };
    let rule = engine.rule(&f.code);
    let (line, col, line_start) = lines.locate(text, f.start);
    writeln!(
        out,
        "{}{} {}",
        p.wrap(sev_color(f.severity), &format!("{}[{}]", f.severity, f.code)),
        p.wrap("1", ":"),
        p.wrap("1", &f.message)
    )?;
    writeln!(out, "  {} {name}:{line}:{col} ({})", p.wrap("1;34", "-->"), f.category)?;
    let gutter = line.to_string().len();
    let pad = " ".repeat(gutter);
    // Show every line the span touches (at most three), underlining the span.
    let mut shown = 0;
    let mut cursor = line_start;
    writeln!(out, "{pad} {}", p.wrap("1;34", "|"))?;
    for (i, l) in text[line_start..].split('\n').enumerate() {
        let l_start = cursor;
        let l_end = l_start + l.len();
        cursor = l_end + 1;
        if l_start > f.end || shown == 3 {
            break;
        }
        shown += 1;
        let shown_line = l.trim_end_matches('\r');
        writeln!(out, "{:>gutter$} {} {}", line + i, p.wrap("1;34", "|"), shown_line)?;
        let us = f.start.max(l_start) - l_start;
        let ue = f.end.min(l_end).max(f.start.max(l_start)) - l_start;
        let lead: String = shown_line[..us.min(shown_line.len())]
            .chars()
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let width = shown_line.get(us..ue.min(shown_line.len())).map_or(1, |s| s.chars().count().max(1));
        writeln!(
            out,
            "{pad} {} {lead}{}",
            p.wrap("1;34", "|"),
            p.wrap(sev_color(f.severity), &"^".repeat(width))
        )?;
    }
    if let Some(r) = rule {
        writeln!(out, "{pad} {} {} {}", p.wrap("1;34", "="), p.wrap("1", "why:"), r.explanation)?;
        writeln!(out, "{pad} {} {} {}", p.wrap("1;34", "="), p.wrap("1", "try:"), r.hint)?;
        for link in &r.references {
            writeln!(out, "{pad} {} {} {link}", p.wrap("1;34", "="), p.wrap("1", "see:"))?;
        }
    }
    writeln!(out)
}

pub fn summary<'a>(
    out: &mut impl Write,
    all: impl Iterator<Item = &'a [Finding]>,
    drafts: usize,
) -> std::io::Result<()> {
    let (mut e, mut w, mut i) = (0, 0, 0);
    for fs in all {
        for f in fs {
            match f.severity {
                Severity::Error => e += 1,
                Severity::Warning => w += 1,
                Severity::Info => i += 1,
            }
        }
    }
    let plural = |n: usize, s: &str| format!("{n} {s}{}", if n == 1 { "" } else { "s" });
    let what = plural(drafts, "draft");
    if e + w + i == 0 {
        writeln!(out, "No findings in {what}: good to post.")
    } else {
        writeln!(out, "{}, {}, {} in {what}.", plural(e, "error"), plural(w, "warning"), plural(i, "tip"))
    }
}

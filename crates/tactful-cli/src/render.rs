//! How findings look: rustc-style diagnostics for people, JSON for programs.
//!
//! The human form prints what a person can read: a window of the line around
//! each finding (never the whole line: a 500 KB line once printed 1.5 GB, its
//! whole self for every finding on it), at most [`MAX_SHOWN`] findings a draft,
//! and the draft's control characters as visible glyphs, never raw (a NUL or an
//! escape sequence in a draft must not reach the terminal).

use serde_json::{Value, json};
use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::io::Write;
use tactful_core::{Engine, Finding, Severity};

/// The findings one draft prints in human form; the rest are counted in the
/// summary and all are in `--format json`.
pub const MAX_SHOWN: usize = 50;
/// Characters of the line shown on each side of a finding's span.
const CONTEXT: usize = 80;
/// Characters of a span shown; a longer span is cut with `…`.
const SPAN: usize = 160;

/// Where lines start in a text, so line and column of many findings cost a
/// binary search each instead of a scan from the top. Made once per draft, it
/// also counts the findings printed for the draft (for [`MAX_SHOWN`]) and
/// keeps the rules already explained in it.
pub struct Lines {
    starts: Vec<usize>,
    shown: Cell<usize>,
    explained: RefCell<Vec<String>>,
}

impl Lines {
    pub fn new(text: &str) -> Lines {
        let mut starts = vec![0];
        starts.extend(text.bytes().enumerate().filter(|&(_, b)| b == b'\n').map(|(i, _)| i + 1));
        Lines { starts, shown: Cell::new(0), explained: RefCell::new(Vec::new()) }
    }

    /// Whether this is the draft's first finding of rule `code` (and marks it so).
    fn first_of(&self, code: &str) -> bool {
        let mut seen = self.explained.borrow_mut();
        let first = !seen.iter().any(|c| c == code);
        if first {
            seen.push(code.to_string());
        }
        first
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

/// A character as the terminal should get it: a control character (but the
/// tab) becomes its Unicode control picture (NUL `␀`, ESC `␛`) or `�`, and so
/// do the bidirectional overrides that would reorder the rest of the line.
/// One character always stays one, so the underline keeps its place.
fn visible_char(c: char) -> char {
    match c {
        '\t' => c,
        '\0'..='\x1f' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
        '\x7f' => '\u{2421}',
        '\u{80}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => '\u{fffd}',
        _ => c,
    }
}

/// `s` with [`visible_char`] applied; borrowed when there was nothing to change.
pub fn visible(s: &str) -> Cow<'_, str> {
    if s.chars().all(|c| visible_char(c) == c) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.chars().map(visible_char).collect())
    }
}

/// The byte index `n` characters into `s`, or `None` when `s` is shorter.
fn chars_in(s: &str, n: usize) -> Option<usize> {
    s.char_indices().nth(n).map(|(i, _)| i)
}

/// What to print of one line for a span at `us..ue` (bytes in `line`): the
/// window's text and the underline's lead and width, in characters.
fn window(line: &str, us: usize, ue: usize) -> (String, usize, usize) {
    let (us, ue) = (us.min(line.len()), ue.min(line.len()).max(us.min(line.len())));
    // Up to CONTEXT characters before the span…
    let from = line[..us].char_indices().rev().nth(CONTEXT - 1).map_or(0, |(i, _)| i);
    // …the span, at most SPAN characters of it…
    let span_end = chars_in(&line[us..ue], SPAN).map_or(ue, |i| us + i);
    // …and up to CONTEXT after it, unless the span was cut.
    let to =
        if span_end < ue { span_end } else { chars_in(&line[ue..], CONTEXT).map_or(line.len(), |i| ue + i) };
    let mut shown = String::new();
    if from > 0 {
        shown.push('…');
    }
    let lead = shown.chars().count() + line[from..us].chars().count();
    shown.push_str(&visible(&line[from..to]));
    if to < line.len() {
        shown.push('…');
    }
    (shown, lead, line[us..span_end].chars().count())
}

/// Print one finding like a compiler diagnostic: a window of the line with the
/// span underlined, then why, what to try instead, and where the guidance is.
/// Past [`MAX_SHOWN`] findings of one draft (one `lines`), one line says so
/// and the rest print nothing.
pub fn human(
    out: &mut impl Write,
    engine: &Engine,
    name: &str,
    text: &str,
    lines: &Lines,
    f: &Finding,
    color: bool,
) -> std::io::Result<()> {
    let n = lines.shown.get();
    lines.shown.set(n + 1);
    if n > MAX_SHOWN {
        return Ok(());
    }
    let name = visible(name);
    if n == MAX_SHOWN {
        return writeln!(
            out,
            "… and more findings in {name}: only the first {MAX_SHOWN} are shown (the summary counts them all; \
             use --format json to see them)\n"
        );
    }
    let p = Paint { on: color };
    let rule = engine.rule(&f.code);
    let (line, col, _) = lines.locate(text, f.start);
    writeln!(
        out,
        "{}{} {}",
        p.wrap(sev_color(f.severity), &format!("{}[{}]", f.severity, f.code)),
        p.wrap("1", ":"),
        p.wrap("1", &visible(&f.message))
    )?;
    writeln!(out, "  {} {name}:{line}:{col} ({})", p.wrap("1;34", "-->"), f.category)?;
    let gutter = line.to_string().len();
    let pad = " ".repeat(gutter);
    writeln!(out, "{pad} {}", p.wrap("1;34", "|"))?;
    // Every line the span touches (at most three), a window of each, the span underlined.
    for i in 0..3 {
        let Some(&l_start) = lines.starts.get(line - 1 + i) else { break };
        if l_start > f.end {
            break;
        }
        let l_end = lines.starts.get(line + i).map_or(text.len(), |next| next - 1);
        let l = text[l_start..l_end].trim_end_matches('\r');
        let us = f.start.max(l_start) - l_start;
        let ue = f.end.min(l_end).max(f.start.max(l_start)) - l_start;
        let (shown, lead, width) = window(l, us, ue);
        writeln!(out, "{:>gutter$} {} {shown}", line + i, p.wrap("1;34", "|"))?;
        // Tabs stay tabs under the line, so the underline lines up with what the terminal showed.
        let lead: String = shown.chars().take(lead).map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
        writeln!(
            out,
            "{pad} {} {lead}{}",
            p.wrap("1;34", "|"),
            p.wrap(sev_color(f.severity), &"^".repeat(width.max(1)))
        )?;
    }
    // A rule that fires twice in one draft ("join my team", then "business
    // opportunity") is explained once: the same paragraphs again are noise.
    if rule.is_some() && !lines.first_of(&f.code) {
        writeln!(
            out,
            "{pad} {} {} the same as for [{}] above",
            p.wrap("1;34", "="),
            p.wrap("1", "why:"),
            f.code
        )?;
    } else if let Some(r) = rule {
        writeln!(out, "{pad} {} {} {}", p.wrap("1;34", "="), p.wrap("1", "why:"), visible(&r.explanation))?;
        writeln!(out, "{pad} {} {} {}", p.wrap("1;34", "="), p.wrap("1", "try:"), visible(&r.hint))?;
        for link in &r.references {
            writeln!(out, "{pad} {} {} {}", p.wrap("1;34", "="), p.wrap("1", "see:"), visible(link))?;
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

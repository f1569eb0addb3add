//! The quality gate of the draft check: the built-in packs over the claims set
//! (regulator-quoted claims) and the benign set (real texts that should pass).
//!
//! Reads `../shared/data`, which may not be copied into the repository; when
//! it is absent the gate says so loudly and passes.
//!
//! Run with `cargo test -p tactful-evalsets --test quality -- --nocapture` to
//! see the figures when it passes.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use tactful_core::eval::{Outcome, Report, category_of_label};
use tactful_core::{Category, Channel, Engine, Severity};
use tactful_evalsets::shared_data::gate_data;
use tactful_evalsets::{Labeled, benign_set, claims_set, default_data_dir};

const MIN_RECALL: f64 = 0.90;
const MIN_FRAGMENTS: f64 = 0.90;
const MAX_BENIGN_ERROR_RATE: f64 = 0.02;
/// How many benign false alarms to print in full.
const SHOW_FALSE_ALARMS: usize = 60;

fn outcomes(engine: &Engine, set: &[Labeled]) -> Vec<Outcome> {
    set.iter()
        .enumerate()
        .map(|(i, l)| Outcome {
            line: i + 1,
            text: l.text.clone(),
            expected: category_of_label(&l.label).unwrap_or_else(|e| panic!("{}: {e}", l.source)),
            fragment: l.note.contains("fragment"),
            findings: engine.check(&l.text, Channel::Post),
        })
        .collect()
}

fn pct(x: Option<f64>) -> String {
    x.map_or_else(|| "n/a".into(), |v| format!("{:.1}%", v * 100.0))
}

fn codes(o: &Outcome) -> String {
    if o.findings.is_empty() {
        return "no finding".into();
    }
    o.findings.iter().map(|f| format!("{}({})", f.code, f.severity)).collect::<Vec<_>>().join(" ")
}

fn one_line(s: &str) -> String {
    let flat: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(200) {
        Some((i, _)) => format!("{}…", &flat[..i]),
        None => flat,
    }
}

#[test]
fn builtin_packs_meet_the_quality_gate() {
    // TACTFUL_EVAL_DATA points the gate at another copy of the data.
    let Some(data) = gate_data(default_data_dir, "the draft check") else { return };
    let claims = claims_set(&data).unwrap_or_else(|e| panic!("{e}"));
    let benign = benign_set(&data).unwrap_or_else(|e| panic!("{e}"));
    let engine = tactful_packs::builtin_engine();

    let claim_outcomes = outcomes(&engine, &claims);
    let benign_outcomes = outcomes(&engine, &benign);
    let cr = Report::from_outcomes(&claim_outcomes);
    let br = Report::from_outcomes(&benign_outcomes);

    let mut out = String::new();
    let mut failures = Vec::new();

    // Claims: recall per category on whole posts, fragments flagged.
    let _ = writeln!(out, "\n== claims-dev ({} lines) ==", claims.len());
    let _ = writeln!(
        out,
        "{:<14} {:>4} {:>4} {:>4} {:>9} {:>9}",
        "category", "tp", "fn", "fp", "recall", "precision"
    );
    for (c, t) in &cr.by_category {
        let _ = writeln!(
            out,
            "{:<14} {:>4} {:>4} {:>4} {:>9} {:>9}",
            c.to_string(),
            t.true_pos,
            t.false_neg,
            t.false_pos,
            pct(t.recall()),
            pct(t.precision())
        );
    }
    for c in [Category::Income, Category::Lifestyle, Category::Health] {
        let recall = cr.by_category.get(&c).and_then(tactful_core::eval::Tally::recall);
        if recall.is_none_or(|r| r < MIN_RECALL) {
            failures.push(format!("{c} recall on whole posts {} < {:.0}%", pct(recall), MIN_RECALL * 100.0));
        }
    }
    let frag = cr.fragment_rate();
    let _ = writeln!(out, "fragments flagged: {}/{} = {}", cr.fragments_flagged, cr.fragments, pct(frag));
    if frag.is_none_or(|r| r < MIN_FRAGMENTS) {
        failures.push(format!("fragments flagged {} < {:.0}%", pct(frag), MIN_FRAGMENTS * 100.0));
    }
    let _ = writeln!(
        out,
        "claims-dev `ok` lines: {} with any finding, {} with an error, of {}",
        cr.ok_any, cr.ok_error, cr.ok_texts
    );

    let _ = writeln!(out, "\n-- claims-dev misses ({}) --", cr.misses.len());
    for &line in &cr.misses {
        let o = &claim_outcomes[line - 1];
        let l = &claims[line - 1];
        let kind = if o.fragment { "fragment" } else { "whole" };
        let _ = writeln!(out, "[{} {kind}] {} | got: {}", l.label, one_line(&l.text), codes(o));
    }
    let _ = writeln!(out, "\n-- claims-dev `ok` lines with an error ({}) --", cr.false_alarms.len());
    for &line in &cr.false_alarms {
        let o = &claim_outcomes[line - 1];
        let _ = writeln!(out, "{} | got: {}", one_line(&o.text), codes(o));
    }

    // Benign: share of texts with an error finding.
    let rate = br.error_rate_on_ok();
    let _ = writeln!(out, "\n== benign ({} texts) ==", benign.len());
    let _ = writeln!(
        out,
        "any finding: {} ({}), error finding: {} ({}), limit {:.0}%",
        br.ok_any,
        pct((br.ok_texts > 0).then(|| br.ok_any as f64 / br.ok_texts as f64)),
        br.ok_error,
        pct(rate),
        MAX_BENIGN_ERROR_RATE * 100.0
    );
    if rate.is_none_or(|r| r > MAX_BENIGN_ERROR_RATE) {
        failures.push(format!(
            "benign texts with an error finding {} > {:.0}%",
            pct(rate),
            MAX_BENIGN_ERROR_RATE * 100.0
        ));
    }
    // Which rules fire on benign text, and from which source.
    let mut by_code: BTreeMap<(String, Severity), usize> = BTreeMap::new();
    let mut errors_by_file: BTreeMap<&str, usize> = BTreeMap::new();
    for (o, l) in benign_outcomes.iter().zip(&benign) {
        for f in &o.findings {
            *by_code.entry((f.code.clone(), f.severity)).or_default() += 1;
        }
        if o.findings.iter().any(|f| f.severity == Severity::Error) {
            let file = l.source.rsplit_once(':').map_or(l.source.as_str(), |(f, _)| f);
            *errors_by_file.entry(file).or_default() += 1;
        }
    }
    let mut by_code: Vec<_> = by_code.into_iter().collect();
    by_code.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let _ = writeln!(out, "findings on benign texts by rule:");
    for ((code, sev), n) in &by_code {
        let _ = writeln!(out, "  {n:>5}  {code} ({sev})");
    }
    let _ = writeln!(out, "benign texts with an error, by source:");
    for (file, n) in &errors_by_file {
        let _ = writeln!(out, "  {n:>5}  {file}");
    }
    let _ = writeln!(
        out,
        "\n-- benign false alarms (error findings; first {} of {}) --",
        SHOW_FALSE_ALARMS.min(br.false_alarms.len()),
        br.false_alarms.len()
    );
    for &line in br.false_alarms.iter().take(SHOW_FALSE_ALARMS) {
        let o = &benign_outcomes[line - 1];
        let _ = writeln!(out, "{} | {} | got: {}", benign[line - 1].source, one_line(&o.text), codes(o));
    }

    println!("{out}");
    assert!(
        failures.is_empty(),
        "quality gate failed:\n  - {}\n(figures and cases above)",
        failures.join("\n  - ")
    );
}

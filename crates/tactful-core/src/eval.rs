//! Evaluation arithmetic: labeled texts and their findings in, per-category
//! precision and recall out. Pure: the CLI reads the files and prints.

use std::collections::BTreeMap;

use crate::domain::{Category, Finding, Severity};

/// The label of a labeled text: a category the text should be flagged for,
/// or `None` for a text that should pass (`ok`).
pub fn category_of_label(label: &str) -> Result<Option<Category>, String> {
    let l = label.trim().to_ascii_lowercase();
    let l = l.strip_suffix("_claim").unwrap_or(&l);
    match l {
        "ok" | "benign" | "clean" | "none" => Ok(None),
        "disclosure_missing" => Ok(Some(Category::Disclosure)),
        other => other.parse().map(Some).map_err(|e: String| format!("label `{label}`: {e}, or ok")),
    }
}

/// One labeled text and what the engine found in it.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub line: usize,
    pub text: String,
    pub expected: Option<Category>,
    pub fragment: bool,
    pub findings: Vec<Finding>,
}

/// Counts for one category.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub true_pos: usize,
    pub false_neg: usize,
    pub false_pos: usize,
}

impl Tally {
    pub fn precision(&self) -> Option<f64> {
        let d = self.true_pos + self.false_pos;
        (d > 0).then(|| self.true_pos as f64 / d as f64)
    }
    pub fn recall(&self) -> Option<f64> {
        let d = self.true_pos + self.false_neg;
        (d > 0).then(|| self.true_pos as f64 / d as f64)
    }
}

/// The whole evaluation.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Whole texts (not fragments), per category.
    pub by_category: BTreeMap<Category, Tally>,
    /// Fragments (short phrases quoted by an authority): how many got any finding.
    pub fragments: usize,
    pub fragments_flagged: usize,
    /// Texts labeled ok, with any finding / with an error finding.
    pub ok_texts: usize,
    pub ok_any: usize,
    pub ok_error: usize,
    /// Lines of the misses and false alarms, for inspection.
    pub misses: Vec<usize>,
    pub false_alarms: Vec<usize>,
}

impl Report {
    pub fn from_outcomes(outcomes: &[Outcome]) -> Report {
        let mut r = Report::default();
        for o in outcomes {
            let found: Vec<Category> = o.findings.iter().map(|f| f.category).collect();
            if o.fragment {
                r.fragments += 1;
                if !found.is_empty() {
                    r.fragments_flagged += 1;
                } else {
                    r.misses.push(o.line);
                }
                continue;
            }
            match o.expected {
                None => {
                    r.ok_texts += 1;
                    if !o.findings.is_empty() {
                        r.ok_any += 1;
                    }
                    if o.findings.iter().any(|f| f.severity == Severity::Error) {
                        r.ok_error += 1;
                        r.false_alarms.push(o.line);
                    }
                }
                Some(c) => {
                    let t = r.by_category.entry(c).or_default();
                    if found.contains(&c) {
                        t.true_pos += 1;
                    } else {
                        t.false_neg += 1;
                        r.misses.push(o.line);
                    }
                }
            }
            for c in Category::ALL {
                if found.contains(&c) && o.expected != Some(c) && o.expected.is_some() {
                    r.by_category.entry(c).or_default().false_pos += 1;
                }
                if found.contains(&c) && o.expected.is_none() {
                    r.by_category.entry(c).or_default().false_pos += 1;
                }
            }
        }
        r
    }

    /// Share of `ok` texts with an error finding.
    pub fn error_rate_on_ok(&self) -> Option<f64> {
        (self.ok_texts > 0).then(|| self.ok_error as f64 / self.ok_texts as f64)
    }

    pub fn fragment_rate(&self) -> Option<f64> {
        (self.fragments > 0).then(|| self.fragments_flagged as f64 / self.fragments as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(c: Category, s: Severity) -> Finding {
        Finding { code: "X".into(), category: c, severity: s, start: 0, end: 1, message: String::new() }
    }

    #[test]
    fn counts_hits_misses_and_false_alarms_by_hand() {
        let o = |line, expected, findings| Outcome {
            line,
            text: String::new(),
            expected,
            fragment: false,
            findings,
        };
        let outcomes = vec![
            o(1, Some(Category::Income), vec![f(Category::Income, Severity::Error)]),
            o(2, Some(Category::Income), vec![]),
            o(3, None, vec![f(Category::Income, Severity::Error)]),
            o(4, None, vec![f(Category::Spam, Severity::Warning)]),
            o(5, None, vec![]),
        ];
        let r = Report::from_outcomes(&outcomes);
        let inc = r.by_category[&Category::Income];
        assert_eq!((inc.true_pos, inc.false_neg, inc.false_pos), (1, 1, 1));
        assert_eq!(inc.recall(), Some(0.5));
        assert_eq!((r.ok_texts, r.ok_any, r.ok_error), (3, 2, 1));
        assert_eq!(r.misses, vec![2]);
        assert_eq!(r.false_alarms, vec![3]);
    }

    #[test]
    fn reads_the_labels_of_the_claims_set() {
        assert_eq!(category_of_label("income_claim"), Ok(Some(Category::Income)));
        assert_eq!(category_of_label("disclosure_missing"), Ok(Some(Category::Disclosure)));
        assert_eq!(category_of_label("ok"), Ok(None));
        assert!(category_of_label("weird").is_err());
    }
}

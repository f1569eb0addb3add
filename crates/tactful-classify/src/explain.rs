//! Why a head flagged a text, in words a seller can check: the words that
//! moved its score most (each word taken out in turn, the score read again),
//! and the nearest claim an authority quoted (the FTC and FDA examples
//! shipped beside the models: US government works, public domain).

use crate::{Model, Scratch};

/// The words whose removal lowers the score of `class` most, strongest
/// first, at most `n`; only words that raise it. Each distinct word once.
pub fn drivers(model: &Model, class: usize, text: &str, n: usize) -> Vec<String> {
    let mut scratch = Scratch::new();
    let score = |t: &str, scratch: &mut Scratch| model.probabilities(t, scratch)[class];
    let full = score(text, &mut scratch);
    let mut seen = std::collections::HashSet::new();
    let mut out: Vec<(f32, String)> = Vec::new();
    // Word spans (letters, digits, $ and %), the first 80 distinct words.
    let mut spans = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
        let word = c.is_alphanumeric() || c == '$' || c == '\'' || c == '%';
        match (word, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                spans.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    // Folded once; each word is looked up in it.
    let lower = text.to_lowercase();
    for (s, e) in spans {
        let w = text[s..e].to_lowercase();
        if w.len() < 3 || STOP.contains(&w.as_str()) || !seen.insert(w.clone()) || seen.len() > 80 {
            continue;
        }
        // Take out every copy of the word.
        let mut without = String::with_capacity(text.len());
        let mut last = 0;
        if lower.len() != text.len() {
            // Case folding changed byte lengths: take out this copy only.
            without.push_str(&text[..s]);
            without.push_str(&text[e..]);
        } else {
            for (i, _) in lower.match_indices(&w) {
                let before = lower[..i].chars().next_back().is_some_and(char::is_alphanumeric);
                let after = lower[i + w.len()..].chars().next().is_some_and(char::is_alphanumeric);
                if !before && !after {
                    without.push_str(&text[last..i]);
                    last = i + w.len();
                }
            }
            without.push_str(&text[last..]);
        }
        let drop = full - score(&without, &mut scratch);
        if drop > 0.0 {
            out.push((drop, text[s..e].to_string()));
        }
    }
    out.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    out.into_iter().take(n).map(|(_, w)| w).collect()
}

/// A claim an authority quoted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quoted {
    /// `health` or `earnings`.
    pub kind: &'static str,
    /// The document that quoted it (for example `ftc-2020-04-covid-ten-letters`).
    pub document: &'static str,
    pub text: &'static str,
}

/// The shipped examples: `kind<TAB>document<TAB>text` lines.
const EXAMPLES: &str = include_str!("../models/claim-examples.tsv");

/// Every shipped example, in the file's order (the order the context
/// model's vectors of them are stored in).
pub fn quoted() -> &'static [Quoted] {
    examples()
}

fn examples() -> &'static [Quoted] {
    static LIST: std::sync::OnceLock<Vec<Quoted>> = std::sync::OnceLock::new();
    LIST.get_or_init(|| {
        EXAMPLES
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| {
                let mut parts = l.splitn(3, '\t');
                let kind = match parts.next()? {
                    "health" => "health",
                    "earnings" => "earnings",
                    _ => return None,
                };
                Some(Quoted { kind, document: parts.next()?, text: parts.next()? })
            })
            .collect()
    })
}

/// Words that say little about what a claim is about.
const STOP: &[&str] = &[
    "the", "and", "for", "you", "your", "with", "that", "this", "are", "was", "have", "has", "our", "from",
    "all", "can", "will", "not", "but", "its", "it's", "they", "their", "what", "who", "how", "out", "get",
    "now", "just", "been", "were", "had", "his", "her", "she", "him", "one", "into", "then", "than", "them",
    "some", "very", "also", "about", "when", "there", "which", "would", "could", "did", "does", "any",
];

fn words(t: &str) -> std::collections::HashSet<String> {
    t.to_lowercase()
        .split(|c: char| !(c.is_alphanumeric() || c == '$'))
        .filter(|w| w.len() >= 3 && !STOP.contains(w))
        // A crude stem, so "cures" meets "cure" and "earned" meets "earn".
        .map(|w| w.trim_end_matches("ing").trim_end_matches("ed").trim_end_matches('s').to_string())
        .collect()
}

/// The quoted claim of `kind` that shares the most words with `text`
/// (Jaccard over words), if any shares one.
pub fn nearest(kind: &str, text: &str) -> Option<Quoted> {
    let mine = words(text);
    examples()
        .iter()
        .filter(|q| q.kind == kind)
        .map(|q| {
            let theirs = words(q.text);
            let both = mine.intersection(&theirs).count();
            let either = mine.union(&theirs).count().max(1);
            (both as f64 / either as f64, both, q)
        })
        .filter(|(_, both, _)| *both > 0)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.2.text.cmp(a.2.text)))
        .map(|(_, _, q)| *q)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_examples_are_all_read() {
        let n = EXAMPLES.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).count();
        assert_eq!(examples().len(), n);
        assert!(
            examples().iter().any(|q| q.kind == "health") && examples().iter().any(|q| q.kind == "earnings")
        );
    }

    #[test]
    fn the_nearest_example_shares_the_subject() {
        let q = nearest("health", "my tea lowers blood sugar, no more insulin for my diabetes").unwrap();
        let w = words(q.text);
        assert!(
            ["diabet", "insulin", "sugar", "blood"].iter().any(|x| w.iter().any(|y| y.starts_with(x))),
            "{q:?}"
        );
        assert_eq!(nearest("earnings", "zzzz qqqq"), None);
    }
}

//! A concrete rewrite for one finding, as a writing assistant offers it: the
//! sentence the finding is in, and what to put there instead. It is built
//! from the rule's own advice and the draft's words — a label added at the
//! start for a missing disclosure, the example sentence the rule's hint
//! quotes, or the sentence left out — and the draft is checked again with it:
//! a rewrite that keeps the finding or brings a new error is never offered.

use serde::Serialize;
use tactful_core::{Category, Channel, Finding, Severity};

use crate::Checker;

/// Replace `start..end` of the draft (byte offsets) with `text`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rewrite {
    pub start: usize,
    pub end: usize,
    pub text: String,
    /// What the rewrite does, in a few words for a button.
    pub label: String,
}

impl Rewrite {
    /// The draft with the rewrite applied.
    pub fn apply(&self, draft: &str) -> String {
        format!("{}{}{}", &draft[..self.start], self.text, &draft[self.end..])
    }
}

/// The rewrite for `finding` in `draft`, or `None` when no rewrite tried
/// clears it without a new error. A finding about the whole draft (what kind
/// of post it is, a pitch to one person) has no sentence to rewrite.
pub fn suggest(checker: &Checker, draft: &str, channel: Channel, finding: &Finding) -> Option<Rewrite> {
    suggest_all(checker, draft, channel, std::slice::from_ref(finding)).pop().flatten()
}

/// The rewrite for each of `findings`, in their order: the draft as it
/// stands is checked once for all of them, not once for every rewrite tried.
pub fn suggest_all(
    checker: &Checker,
    draft: &str,
    channel: Channel,
    findings: &[Finding],
) -> Vec<Option<Rewrite>> {
    let before = errors(&checker.check(draft, channel));
    findings.iter().map(|f| suggest_one(checker, draft, channel, f, before)).collect()
}

fn suggest_one(
    checker: &Checker,
    draft: &str,
    channel: Channel,
    finding: &Finding,
    before: usize,
) -> Option<Rewrite> {
    let (start, end) = sentence(draft, finding.start, finding.end)?;
    let clears = |r: &Rewrite| clears(checker, draft, channel, finding, r, before);
    if (start, end) == (0, draft.len()) && finding.category != Category::Disclosure {
        // One sentence is the whole draft: only a label could be added, never a sentence dropped.
        return quoted_example(checker, finding).and_then(|example| {
            let r = Rewrite { start, end, text: example, label: "Use the rule's example instead".into() };
            clears(&r).then_some(r)
        });
    }
    candidates(checker, draft, finding, start, end).into_iter().find(|r| clears(r))
}

/// How many error findings.
fn errors(findings: &[Finding]) -> usize {
    findings.iter().filter(|f| f.severity == Severity::Error).count()
}

fn candidates(checker: &Checker, draft: &str, finding: &Finding, start: usize, end: usize) -> Vec<Rewrite> {
    let mut out = Vec::new();
    if finding.category == Category::Disclosure {
        let at = draft.len() - draft.trim_start().len();
        out.push(Rewrite {
            start: at, end: at, text: "#ad ".into(), label: "Add “#ad” at the start".into()
        });
    }
    if let Some(example) = quoted_example(checker, finding) {
        // Keep the spacing that followed the sentence.
        let tail = &draft[start..end];
        let gap = &tail[tail.trim_end().len()..];
        out.push(Rewrite {
            start,
            end,
            text: format!("{example}{gap}"),
            label: "Use the rule's example instead".into(),
        });
    }
    out.push(Rewrite { start, end, text: String::new(), label: "Leave this sentence out".into() });
    out
}

/// The draft with the rewrite has no finding of the same rule, and no error
/// it did not have before (`errors_before`: the draft's own errors); nor is
/// it left without words.
fn clears(
    checker: &Checker,
    draft: &str,
    channel: Channel,
    finding: &Finding,
    r: &Rewrite,
    errors_before: usize,
) -> bool {
    let after = r.apply(draft);
    if after.split_whitespace().count() < 3 {
        return false;
    }
    let now = checker.check(&after, channel);
    let fixed = usize::from(finding.severity == Severity::Error);
    now.iter().all(|f| f.code != finding.code) && errors(&now) + fixed <= errors_before
}

/// The first whole example sentence the rule's hint quotes ("Say it like
/// this: \"…\""), when it needs nothing filled in.
fn quoted_example(checker: &Checker, finding: &Finding) -> Option<String> {
    let hint = &checker.engine().rule(&finding.code)?.hint;
    hint.split('"')
        .skip(1)
        .step_by(2)
        .map(str::trim)
        .find(|q| {
            q.split_whitespace().count() >= 4
                && q.ends_with(['.', '!', '?'])
                && !q.contains(['[', '…', '@'])
                && !q.starts_with("#ad")
        })
        .map(str::to_string)
}

/// The sentence around `start..end`: from just after the previous sentence
/// end (`.`, `!`, `?` or a line break, followed by a space) up to and with the
/// next one and the spaces after it.
fn sentence(text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    if start > end || end > text.len() || !text.is_char_boundary(start) || !text.is_char_boundary(end) {
        return None;
    }
    let ends_here = |i: usize| {
        let (c, rest) = (text[..i].chars().next_back(), &text[i..]);
        match c {
            Some('\n') => true,
            Some('.' | '!' | '?') => rest.is_empty() || rest.starts_with(char::is_whitespace),
            _ => false,
        }
    };
    let mut s = start;
    while s > 0 && !ends_here(s) {
        s -= text[..s].chars().next_back().map_or(1, char::len_utf8);
    }
    // The sentence starts at its first word, not at the spaces before it.
    s += text[s..].len() - text[s..].trim_start().len();
    let mut e = end.max(s);
    while e < text.len() && !ends_here(e) {
        e += text[e..].chars().next().map_or(1, char::len_utf8);
    }
    // Take the spaces after it too, so that leaving it out leaves no gap.
    while e < text.len() && text[e..].starts_with([' ', '\t']) {
        e += 1;
    }
    Some((s.min(start), e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(checker: &Checker, draft: &str, code_prefix: &str) -> Finding {
        let all = checker.check(draft, Channel::Post);
        all.into_iter().find(|f| f.code.starts_with(code_prefix)).expect("the draft has that finding")
    }

    #[test]
    fn sentences_end_at_their_stop_and_take_the_space_after() {
        let t = "I love it. This cures my arthritis! Try it";
        let at = t.find("cures").unwrap();
        let (s, e) = sentence(t, at, at + 5).unwrap();
        assert_eq!(&t[s..e], "This cures my arthritis! ");
        let (s, e) = sentence(t, 0, 1).unwrap();
        assert_eq!(&t[s..e], "I love it. ");
        let (s, e) = sentence("one line\nsecond line", 12, 14).unwrap();
        assert_eq!(&"one line\nsecond line"[s..e], "second line");
        assert_eq!(sentence("v1.2 is out", 0, 2), Some((0, 11)), "a dot inside a word ends nothing");
    }

    #[test]
    fn a_health_claim_among_other_sentences_is_rewritten_and_the_rewrite_is_clean() {
        let checker = Checker::builtin();
        let draft = "New stock just landed! This tea cured my diabetes in a month. Message me for prices.";
        let f = first(&checker, draft, "HLT");
        let r = suggest(&checker, draft, Channel::Post, &f).expect("a rewrite");
        assert!(draft[r.start..r.end].contains("cured my diabetes"), "{r:?}");
        let after = r.apply(draft);
        assert!(after.starts_with("New stock just landed! "), "{after}");
        assert!(after.contains("Message me for prices."), "{after}");
        let again = checker.check(&after, Channel::Post);
        assert!(
            again.iter().all(|g| g.code != f.code && g.severity != Severity::Error),
            "{after}: {again:?}"
        );
    }

    #[test]
    fn a_missing_disclosure_gets_its_label_at_the_start() {
        let checker = Checker::builtin();
        let draft = "Use my code ANNA20 for 20% off your first order from the shop!";
        let Some(f) =
            checker.check(draft, Channel::Post).into_iter().find(|f| f.category == Category::Disclosure)
        else {
            panic!("no disclosure finding: {:?}", checker.check(draft, Channel::Post));
        };
        let r = suggest(&checker, draft, Channel::Post, &f).expect("a rewrite");
        assert_eq!((r.start, r.end, r.text.as_str()), (0, 0, "#ad "), "{r:?}");
    }

    #[test]
    fn no_rewrite_is_offered_that_would_keep_the_finding() {
        let checker = Checker::builtin();
        // Every sentence makes the same claim: leaving one out keeps the rule firing.
        let draft = "This cured my diabetes. It cured my mum's diabetes too.";
        let f = first(&checker, draft, "HLT");
        assert_eq!(suggest(&checker, draft, Channel::Post, &f), None);
    }
}

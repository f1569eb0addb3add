//! Rule packs: the TOML files that hold rules as data.
//!
//! A pack holds shared word lists, rules, and (for company packs) changes to
//! rules defined elsewhere: severities raised or lowered, rules switched off.
//! It may also hold cue lists (`[cues.pitch]`, `[cues.inquiry]`,
//! `[cues.complaint]`): the phrase tests of the relationship curve and the
//! coaching metrics, which give no findings (see `relationships::Cues`).
//! Each rule carries its own documentation and its own examples, which the
//! test suite and `tactful rules test` run. This module only parses and
//! validates the shape; `engine` compiles packs into a matcher.

use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

use crate::domain::{Category, Channel, Severity};

/// A parsed pack, before compilation.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pack {
    pub pack: PackInfo,
    /// Named word lists, used in phrases as `@name`.
    #[serde(default)]
    pub lists: BTreeMap<String, Vec<String>>,
    #[serde(default, rename = "rule")]
    pub rules: Vec<RuleSpec>,
    /// New severities for rules defined in other packs, by code.
    #[serde(default)]
    pub severity: BTreeMap<String, Spanned<String>>,
    /// Phrase lists of the cues behind the relationship curve and the
    /// coaching metrics (`[cues.pitch]`, `[cues.inquiry]`,
    /// `[cues.complaint]`), each with its examples. The rule engine does not
    /// read them: [`Cues::from_packs`](crate::relationships::Cues::from_packs) does.
    #[serde(default)]
    pub cues: CueSpecs,
    /// The file the pack came from (set by the loader, for error messages).
    #[serde(skip)]
    pub origin: String,
    /// The pack's source text, for turning byte spans into line numbers.
    #[serde(skip)]
    pub source: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackInfo {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Rules (by code) to switch off, usually built-ins a company does not want.
    #[serde(default)]
    pub disable: Vec<Spanned<String>>,
}

/// One rule as written in a pack.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// Stable code, two to five capital letters and three digits: `INC001`.
    pub code: Spanned<String>,
    /// Short kebab-case name that says what the rule flags: `quit-your-job`.
    pub name: String,
    pub category: Spanned<String>,
    pub severity: Spanned<String>,
    /// Channels the rule applies to; all channels when absent.
    #[serde(default)]
    pub channels: Option<Spanned<Vec<String>>>,
    /// One line shown beside the underlined words.
    pub message: String,
    /// Why this matters, in plain words a seller understands.
    pub explanation: String,
    /// How to say it better.
    pub hint: String,
    /// Links to the guidance behind the rule.
    pub references: Vec<String>,
    /// Phrases that anchor the rule (`@list` expands a list, `@money` is any
    /// amount of money, a trailing `*` matches word beginnings).
    #[serde(default)]
    pub phrases: Vec<String>,
    /// A built-in check over the whole text instead of phrases.
    #[serde(default)]
    pub detector: Option<Spanned<String>>,
    /// Numeric settings of the detector.
    #[serde(default)]
    pub params: BTreeMap<String, f64>,
    /// The anchor counts only with one of these within `within` words.
    #[serde(default)]
    pub near: Option<NearSpec>,
    /// A regex that must match near the anchor (linear-time engine only).
    #[serde(default)]
    pub pattern: Option<Spanned<String>>,
    /// The rule stays silent when one of these phrases is present
    /// (within `unless_within` words of the anchor, or anywhere).
    #[serde(default)]
    pub unless: Vec<String>,
    #[serde(default)]
    pub unless_within: Option<usize>,
    /// Phrases one of which must appear somewhere in the text.
    #[serde(default)]
    pub requires: Vec<String>,
    /// Silence the rule when a negation ("not", "never", "no") sits just before the anchor.
    #[serde(default)]
    pub negatable: bool,
    /// How many distinct anchor phrases must appear (a list of diseases is a claim).
    #[serde(default)]
    pub min_distinct: Option<usize>,
    /// Texts the rule must flag.
    #[serde(default)]
    pub flag: Vec<String>,
    /// Texts the rule must leave alone.
    #[serde(default)]
    pub pass: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NearSpec {
    pub phrases: Vec<String>,
    pub within: usize,
}

/// The cue tables of a pack; each is optional, and the lists of every pack
/// that has one are joined in pack order.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CueSpecs {
    pub pitch: Option<Spanned<PitchCueSpec>>,
    pub inquiry: Option<Spanned<InquiryCueSpec>>,
    pub complaint: Option<Spanned<ComplaintCueSpec>>,
}

/// `[cues.pitch]`: does a message or comment of yours pitch?
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PitchCueSpec {
    /// What the cue is, in words a seller understands.
    pub description: String,
    /// Phrases that pitch on their own.
    pub phrases: Vec<String>,
    /// Two different ones, or one with a price, make a pitch.
    pub offer_words: Vec<String>,
    /// Texts that must pitch.
    pub flag: Vec<String>,
    /// Texts that must not.
    pub pass: Vec<String>,
}

/// `[cues.inquiry]`: does a message or comment of theirs ask about the offer?
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InquiryCueSpec {
    pub description: String,
    /// Single words that open a question when a sentence starts with them.
    pub question_openers: Vec<String>,
    /// Phrases that ask without a question mark.
    pub asking: Vec<String>,
    /// What the question must be about: the product or the business.
    pub topics: Vec<String>,
    pub flag: Vec<String>,
    pub pass: Vec<String>,
}

/// `[cues.complaint]`: does a message or comment of theirs report a problem?
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ComplaintCueSpec {
    pub description: String,
    /// Phrases that report a problem on their own.
    pub phrases: Vec<String>,
    /// Words that make a question an order problem.
    pub order_words: Vec<String>,
    pub flag: Vec<String>,
    pub pass: Vec<String>,
}

impl CueSpecs {
    /// Every phrase list of every cue table present: (`cues.<cue>.<list>`,
    /// the table's byte offset in the pack, the phrases), pitch, inquiry,
    /// complaint.
    pub fn lists(&self) -> Vec<(&'static str, usize, &[String])> {
        let mut out = Vec::new();
        if let Some(c) = &self.pitch {
            let at = c.span().start;
            out.push(("cues.pitch.phrases", at, c.get_ref().phrases.as_slice()));
            out.push(("cues.pitch.offer_words", at, c.get_ref().offer_words.as_slice()));
        }
        if let Some(c) = &self.inquiry {
            let at = c.span().start;
            out.push(("cues.inquiry.question_openers", at, c.get_ref().question_openers.as_slice()));
            out.push(("cues.inquiry.asking", at, c.get_ref().asking.as_slice()));
            out.push(("cues.inquiry.topics", at, c.get_ref().topics.as_slice()));
        }
        if let Some(c) = &self.complaint {
            let at = c.span().start;
            out.push(("cues.complaint.phrases", at, c.get_ref().phrases.as_slice()));
            out.push(("cues.complaint.order_words", at, c.get_ref().order_words.as_slice()));
        }
        out
    }

    /// Every example of every cue table present: (cue name, `flag` texts,
    /// `pass` texts).
    pub fn examples(&self) -> Vec<(&'static str, &[String], &[String])> {
        let mut out = Vec::new();
        if let Some(c) = &self.pitch {
            out.push(("pitch", c.get_ref().flag.as_slice(), c.get_ref().pass.as_slice()));
        }
        if let Some(c) = &self.inquiry {
            out.push(("inquiry", c.get_ref().flag.as_slice(), c.get_ref().pass.as_slice()));
        }
        if let Some(c) = &self.complaint {
            out.push(("complaint", c.get_ref().flag.as_slice(), c.get_ref().pass.as_slice()));
        }
        out
    }
}

/// Why a pack could not be read. Every variant names the file and, where it
/// can, the line and the field, and says what was expected.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PackError {
    #[error("{origin}:{line}: {message}")]
    Syntax { origin: String, line: usize, message: String },
    #[error("{origin}:{line}: rule {code}: field `{field}`: {message}")]
    Field { origin: String, line: usize, code: String, field: String, message: String },
}

impl Pack {
    /// Parse a pack from TOML text. `origin` names the file in error messages.
    pub fn parse(origin: &str, source: &str) -> Result<Pack, PackError> {
        let mut pack: Pack = toml::from_str(source).map_err(|e| {
            let line = e.span().map_or(1, |s| line_of(source, s.start));
            PackError::Syntax { origin: origin.to_string(), line, message: e.message().trim().to_string() }
        })?;
        pack.origin = origin.to_string();
        pack.source = source.to_string();
        pack.validate()?;
        Ok(pack)
    }

    /// The line (1-based) of a byte offset in the pack's source.
    pub fn line(&self, offset: usize) -> usize {
        line_of(&self.source, offset)
    }

    pub(crate) fn field_error(
        &self,
        rule: &RuleSpec,
        at: usize,
        field: &str,
        message: impl Into<String>,
    ) -> PackError {
        PackError::Field {
            origin: self.origin.clone(),
            line: self.line(at),
            code: rule.code.get_ref().clone(),
            field: field.to_string(),
            message: message.into(),
        }
    }

    fn validate(&self) -> Result<(), PackError> {
        let mut seen = BTreeMap::new();
        for rule in &self.rules {
            let code = rule.code.get_ref();
            let at = rule.code.span().start;
            if !valid_code(code) {
                return Err(self.field_error(
                    rule,
                    at,
                    "code",
                    "expected two to five capital letters and three digits, like `INC001`",
                ));
            }
            if let Some(prev) = seen.insert(code.clone(), at) {
                return Err(self.field_error(
                    rule,
                    at,
                    "code",
                    format!("code already used on line {}", self.line(prev)),
                ));
            }
            if let Err(m) = rule.category.get_ref().parse::<Category>() {
                return Err(self.field_error(rule, rule.category.span().start, "category", m));
            }
            if let Err(m) = rule.severity.get_ref().parse::<Severity>() {
                return Err(self.field_error(rule, rule.severity.span().start, "severity", m));
            }
            if let Some(ch) = &rule.channels {
                for c in ch.get_ref() {
                    if let Err(m) = c.parse::<Channel>() {
                        return Err(self.field_error(rule, ch.span().start, "channels", m));
                    }
                }
                if ch.get_ref().is_empty() {
                    return Err(self.field_error(
                        rule,
                        ch.span().start,
                        "channels",
                        "expected at least one channel, or no `channels` field for all",
                    ));
                }
            }
            if rule.phrases.is_empty() && rule.detector.is_none() {
                return Err(self.field_error(
                    rule,
                    at,
                    "phrases",
                    "a rule needs `phrases` to anchor it, or a `detector`",
                ));
            }
            for (field, text) in
                [("message", &rule.message), ("explanation", &rule.explanation), ("hint", &rule.hint)]
            {
                if text.trim().is_empty() {
                    return Err(self.field_error(
                        rule,
                        at,
                        field,
                        "expected some text: every rule explains itself",
                    ));
                }
            }
            if rule.references.is_empty() || rule.references.iter().any(|r| !r.starts_with("http")) {
                return Err(self.field_error(
                    rule,
                    at,
                    "references",
                    "expected at least one link (http…) to the guidance behind the rule",
                ));
            }
            if let Some(near) = &rule.near {
                if near.phrases.is_empty() || near.within == 0 {
                    return Err(self.field_error(
                        rule,
                        at,
                        "near",
                        "expected `phrases` (not empty) and `within` (words, at least 1)",
                    ));
                }
            }
        }
        for d in &self.pack.disable {
            if !valid_code(d.get_ref()) {
                return Err(PackError::Syntax {
                    origin: self.origin.clone(),
                    line: self.line(d.span().start),
                    message: format!("`disable`: `{}` is not a rule code like `INC001`", d.get_ref()),
                });
            }
        }
        for (field, at, phrases) in self.cues.lists() {
            let syntax = |message: String| PackError::Syntax {
                origin: self.origin.clone(),
                line: self.line(at),
                message: format!("`{field}`: {message}"),
            };
            if phrases.len() > MAX_CUE_PHRASES {
                return Err(syntax(format!(
                    "{} phrases; a cue list holds at most {MAX_CUE_PHRASES}",
                    phrases.len()
                )));
            }
            for p in phrases {
                let words = crate::relationships::cue_words(p);
                if words != *p {
                    return Err(syntax(format!(
                        "`{p}` is not written as the words it matches: expected `{words}` (lower case, \
                         single spaces, no punctuation but apostrophes)"
                    )));
                }
                if words.is_empty() {
                    return Err(syntax("an empty phrase matches nothing".to_string()));
                }
                if field == "cues.inquiry.question_openers" && words.contains(' ') {
                    return Err(syntax(format!("`{p}`: a question opener is one word")));
                }
            }
        }
        for (code, sev) in &self.severity {
            if let Err(m) = sev.get_ref().parse::<Severity>() {
                return Err(PackError::Syntax {
                    origin: self.origin.clone(),
                    line: self.line(sev.span().start),
                    message: format!("`severity.{code}`: {m}"),
                });
            }
        }
        Ok(())
    }
}

/// The most phrases one cue list may hold (the matcher keeps one bit per
/// phrase).
pub const MAX_CUE_PHRASES: usize = 64;

fn valid_code(code: &str) -> bool {
    let letters = code.bytes().take_while(u8::is_ascii_uppercase).count();
    let digits = &code[letters..];
    (2..=5).contains(&letters) && digits.len() == 3 && digits.bytes().all(|b| b.is_ascii_digit())
}

fn line_of(source: &str, offset: usize) -> usize {
    source.as_bytes()[..offset.min(source.len())].iter().filter(|&&b| b == b'\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
[pack]
name = "t"

[[rule]]
code = "TST001"
name = "x"
category = "income"
severity = "error"
message = "m"
explanation = "e"
hint = "h"
references = ["https://example.org"]
phrases = ["quit your job"]
"#;

    #[test]
    fn parses_a_minimal_pack() {
        let p = Pack::parse("t.toml", MINIMAL).unwrap();
        assert_eq!(p.rules.len(), 1);
    }

    #[test]
    fn names_file_line_and_field_of_a_bad_category() {
        let bad = MINIMAL.replace("\"income\"", "\"money\"");
        let e = Pack::parse("acme.toml", &bad).unwrap_err().to_string();
        assert!(e.starts_with("acme.toml:8: rule TST001: field `category`"), "{e}");
        assert!(e.contains("expected one of income"), "{e}");
    }

    #[test]
    fn names_the_line_of_a_syntax_error() {
        let bad = MINIMAL.replace("severity = \"error\"", "severity = error");
        let e = Pack::parse("acme.toml", &bad).unwrap_err().to_string();
        assert!(e.starts_with("acme.toml:9:"), "{e}");
    }

    #[test]
    fn rejects_unknown_fields() {
        let bad = MINIMAL.replace("hint = \"h\"", "hint = \"h\"\nhnit = \"typo\"");
        let e = Pack::parse("acme.toml", &bad).unwrap_err().to_string();
        assert!(e.contains("hnit"), "{e}");
    }
}

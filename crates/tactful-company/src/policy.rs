//! The company's policy file: sentences legal has cleared (a finding that
//! lies wholly inside one raises no case), the brand and product names, and
//! the disclosures a post that names them must carry. Pure: parse the TOML,
//! then judge findings and texts.
//!
//! ```toml
//! brands = ["Glowa"]
//! products = ["Calm Drops", "Night Serum"]
//! disclosures = ["#ad", "#glowapartner", "independent Glowa distributor"]
//! approved = [
//!   "Calm Drops contain lavender oil, which many people find relaxing.",
//! ]
//! # How a case with no fix moves up, and where lessons live.
//! escalate_after_days = 7
//! compliance_lead = "jane@compliance"
//! lesson_url = "https://learn.glowa.example/lessons/{lesson}"
//! ```
//!
//! Matching ignores case and runs of white space; nothing else (no
//! stemming, no "close enough": legal cleared these words).

use serde::Deserialize;
use tactful_core::{Category, Finding, Severity};

use crate::Error;

/// The code of the finding the policy itself raises.
pub const MISSING_DISCLOSURE: &str = "POLICY-DISCLOSURE";

/// What the policy's own finding means, for a case page.
pub const MISSING_DISCLOSURE_WHY: &str = "The post names the company's brand or a product but carries none of \
     the disclosures the company's policy requires, so a reader cannot tell that the writer earns from a sale.";
pub const MISSING_DISCLOSURE_HINT: &str = "Add one of the company's required disclosures near the start of the post, where it is seen without a click.";

/// A sentence legal has cleared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovedClaim {
    pub text: String,
    /// The sentence folded for matching.
    folded: String,
}

impl ApprovedClaim {
    /// A cleared sentence (from the policy file, or a draft an officer approved).
    pub fn new(text: &str) -> ApprovedClaim {
        let text = text.trim().to_string();
        ApprovedClaim { folded: fold(&text).0, text }
    }
}

/// The company's policy (an empty one approves nothing and requires nothing).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policy {
    pub approved: Vec<ApprovedClaim>,
    pub brands: Vec<String>,
    pub products: Vec<String>,
    pub disclosures: Vec<String>,
    /// Days a noticed case waits for a fix before it goes to the upline,
    /// and again before it goes to the compliance lead (none: the default).
    pub escalate_after_days: Option<i64>,
    /// Who gets a case the upline did not see fixed.
    pub compliance_lead: Option<String>,
    /// The company's lesson page (`{lesson}` becomes the lesson's id).
    pub lesson_url: Option<String>,
}

/// Days before escalation when the policy does not say.
pub const ESCALATE_AFTER_DAYS: i64 = 7;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    #[serde(default)]
    approved: Vec<String>,
    #[serde(default)]
    brands: Vec<String>,
    #[serde(default)]
    products: Vec<String>,
    #[serde(default)]
    disclosures: Vec<String>,
    escalate_after_days: Option<i64>,
    compliance_lead: Option<String>,
    lesson_url: Option<String>,
}

/// Lower case with every run of white space one space; and for each byte
/// of the folded text, the byte range of the original it came from.
fn fold(text: &str) -> (String, Vec<(usize, usize)>) {
    let mut out = String::with_capacity(text.len());
    let mut from = Vec::with_capacity(text.len());
    let mut space = true; // drops leading white space
    for (i, c) in text.char_indices() {
        let end = i + c.len_utf8();
        if c.is_whitespace() {
            if !space {
                out.push(' ');
                from.push((i, end));
                space = true;
            }
            continue;
        }
        space = false;
        for l in c.to_lowercase() {
            let mut buf = [0; 4];
            for _ in l.encode_utf8(&mut buf).bytes() {
                from.push((i, end));
            }
            out.push(l);
        }
    }
    if out.ends_with(' ') {
        out.pop();
        from.pop();
    }
    (out, from)
}

impl Policy {
    /// Read a policy file; `file` names it in errors.
    pub fn parse(file: &str, source: &str) -> Result<Policy, Error> {
        let raw: PolicyFile = toml::from_str(source).map_err(|e| Error::Format {
            file: file.to_string(),
            message: e.to_string().trim().to_string(),
        })?;
        let clean = |v: Vec<String>, what: &str| -> Result<Vec<String>, Error> {
            v.into_iter()
                .map(|s| {
                    let t = s.trim().to_string();
                    if t.is_empty() {
                        Err(Error::Format {
                            file: file.to_string(),
                            message: format!("{what}: an empty entry"),
                        })
                    } else {
                        Ok(t)
                    }
                })
                .collect()
        };
        let approved =
            clean(raw.approved, "approved")?.into_iter().map(|text| ApprovedClaim::new(&text)).collect();
        if let Some(d) = raw.escalate_after_days.filter(|d| !(1..=365).contains(d)) {
            return Err(Error::Format {
                file: file.to_string(),
                message: format!("escalate_after_days: expected a number of days from 1 to 365, found {d}"),
            });
        }
        let one = |v: Option<String>, what: &str| {
            clean(v.into_iter().collect(), what).map(|v| v.into_iter().next())
        };
        Ok(Policy {
            approved,
            brands: clean(raw.brands, "brands")?,
            products: clean(raw.products, "products")?,
            disclosures: clean(raw.disclosures, "disclosures")?,
            escalate_after_days: raw.escalate_after_days,
            compliance_lead: one(raw.compliance_lead, "compliance_lead")?,
            lesson_url: one(raw.lesson_url, "lesson_url")?,
        })
    }

    /// Days a noticed case waits for a fix before each step up.
    pub fn escalation_days(&self) -> i64 {
        self.escalate_after_days.unwrap_or(ESCALATE_AFTER_DAYS)
    }

    /// The byte ranges of `text` that are approved sentences.
    pub fn approved_spans(&self, text: &str) -> Vec<(usize, usize)> {
        self.approved_spans_with(text, &[])
    }

    /// As [`Policy::approved_spans`], with `more` cleared sentences (those
    /// the store holds: drafts an officer approved).
    pub fn approved_spans_with(&self, text: &str, more: &[ApprovedClaim]) -> Vec<(usize, usize)> {
        if self.approved.is_empty() && more.is_empty() {
            return Vec::new();
        }
        let (folded, from) = fold(text);
        let mut spans = Vec::new();
        for a in self.approved.iter().chain(more) {
            for (i, m) in folded.match_indices(a.folded.as_str()) {
                if !m.is_empty() {
                    spans.push((from[i].0, from[i + m.len() - 1].1));
                }
            }
        }
        spans
    }

    /// Drop the findings that lie wholly inside an approved sentence; and
    /// add the policy's own finding when the post names the brand or a
    /// product without a required disclosure.
    pub fn judge(&self, text: &str, findings: Vec<Finding>) -> Vec<Finding> {
        self.judge_with(text, findings, &[])
    }

    /// As [`Policy::judge`], with `more` cleared sentences besides the file's.
    pub fn judge_with(&self, text: &str, mut findings: Vec<Finding>, more: &[ApprovedClaim]) -> Vec<Finding> {
        let spans = self.approved_spans_with(text, more);
        if !spans.is_empty() {
            // A claim head reads the whole post and cannot tell a cleared
            // sentence from the rest: with one in the post, its reading is
            // dropped too (the rules still judge the other sentences word by word).
            let heads = [tactful_app::heads::HEALTH_CLAIM, tactful_app::heads::EARNINGS_CLAIM];
            findings.retain(|f| {
                !spans.iter().any(|&(s, e)| s <= f.start && f.end <= e) && !heads.contains(&f.code.as_str())
            });
        }
        if let Some(f) = self.missing_disclosure(text) {
            findings.push(f);
            tactful_app::checker::order(&mut findings);
        }
        findings
    }

    /// A post that names the brand or a product and carries none of the
    /// required disclosures (nothing when the policy lists no disclosures).
    pub fn missing_disclosure(&self, text: &str) -> Option<Finding> {
        if self.disclosures.is_empty() {
            return None;
        }
        let (folded, from) = fold(text);
        if self.disclosures.iter().any(|d| folded.contains(fold(d).0.as_str())) {
            return None;
        }
        let (i, len, name) = self
            .brands
            .iter()
            .chain(&self.products)
            .filter_map(|n| {
                let f = fold(n).0;
                folded.find(f.as_str()).filter(|&i| whole_word(&folded, i, f.len())).map(|i| (i, f.len(), n))
            })
            .min_by_key(|&(i, ..)| i)?;
        Some(Finding {
            code: MISSING_DISCLOSURE.to_string(),
            category: Category::Disclosure,
            severity: Severity::Warning,
            start: from[i].0,
            end: from[i + len - 1].1,
            message: format!(
                "names {name} without a disclosure the company requires ({})",
                self.disclosures.join(", ")
            ),
        })
    }
}

/// The match at `i..i+len` is not part of a longer word.
fn whole_word(s: &str, i: usize, len: usize) -> bool {
    let before = s[..i].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
    let after = s[i + len..].chars().next().is_none_or(|c| !c.is_alphanumeric());
    before && after
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: &str = r##"
brands = ["Glowa"]
products = ["Calm Drops"]
disclosures = ["#ad", "independent Glowa distributor"]
approved = ["Calm Drops contain lavender oil, which many people find relaxing."]
"##;

    fn finding(start: usize, end: usize) -> Finding {
        Finding {
            code: "HLT001".into(),
            category: Category::Health,
            severity: Severity::Error,
            start,
            end,
            message: String::new(),
        }
    }

    #[test]
    fn a_finding_inside_an_approved_sentence_is_dropped_and_one_outside_is_kept() {
        let p = Policy::parse("policy.toml", POLICY).unwrap();
        let text = "#ad My favourite: CALM DROPS contain lavender oil,  which many people\nfind relaxing. They cure insomnia too.";
        let spans = p.approved_spans(text);
        assert_eq!(spans.len(), 1);
        let (s, e) = spans[0];
        assert_eq!(&text[s..e], "CALM DROPS contain lavender oil,  which many people\nfind relaxing.");
        let inside = text.find("relaxing").unwrap();
        let outside = text.find("cure insomnia").unwrap();
        let kept = p.judge(text, vec![finding(inside, inside + 8), finding(outside, outside + 13)]);
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].start, outside);
    }

    #[test]
    fn a_brand_without_a_disclosure_is_a_finding() {
        let p = Policy::parse("policy.toml", POLICY).unwrap();
        let f = p.missing_disclosure("Loving my Glowa serum today").unwrap();
        assert_eq!((f.code.as_str(), f.start, f.end), (MISSING_DISCLOSURE, 10, 15));
        assert!(p.missing_disclosure("Loving my Glowa serum today #AD").is_none());
        assert!(
            p.missing_disclosure("Glowafans unite").is_none(),
            "a brand inside a longer word is not the brand"
        );
        assert!(p.missing_disclosure("Nothing to see").is_none());
        assert!(Policy::default().missing_disclosure("Glowa").is_none());
    }

    #[test]
    fn the_example_policy_reads() {
        let p = Policy::parse("policy.toml", include_str!("../../../examples/company/policy.toml")).unwrap();
        assert_eq!(
            (p.escalation_days(), p.compliance_lead.as_deref()),
            (7, Some("compliance@glowa.example"))
        );
        assert!(p.missing_disclosure("Glowa serum day").is_some());
        assert_eq!(Policy::parse("demo", crate::demo::POLICY).unwrap().escalation_days(), 7);
    }

    #[test]
    fn a_bad_policy_file_is_named() {
        let e = Policy::parse("policy.toml", "approve = [\"x\"]").unwrap_err();
        assert!(
            e.to_string().starts_with("policy.toml: ") && e.to_string().contains("unknown field `approve`"),
            "{e}"
        );
        let e = Policy::parse("policy.toml", "brands = [\" \"]").unwrap_err();
        assert_eq!(e.to_string(), "policy.toml: brands: an empty entry");
        let e = Policy::parse("policy.toml", "escalate_after_days = 0").unwrap_err();
        assert!(e.to_string().contains("expected a number of days from 1 to 365, found 0"), "{e}");
        assert_eq!(Policy::default().escalation_days(), 7);
        assert_eq!(Policy::parse("p", "escalate_after_days = 3").unwrap().escalation_days(), 3);
    }
}

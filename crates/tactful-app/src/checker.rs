//! One checker for every caller: `check`, `scan`, the report, the web app and
//! the company side all judge a text here, so they give the same findings in
//! the same order. A check is the rule engine (built-in packs plus any
//! company pack), then the classifier heads ([`crate::heads`]: KND001/KND002,
//! CLM001/CLM002), then, for a message to one person, the pitch gate
//! (PIT001: their stage and the consent ledger); the codes the person
//! silenced are dropped last, so silencing a rule never wakes a head that the
//! rule would have kept quiet.

use tactful_core::engine::CheckOptions;
use tactful_core::{Channel, Engine, Finding};
use tactful_store::Store;

use crate::{Error, Result, contacts, heads};

/// The rule engine, the heads and the silenced codes, ready to judge texts.
pub struct Checker {
    engine: Engine,
    ignore: Vec<String>,
    /// The context model, for checks of one draft a person waits on.
    context: Option<std::sync::Arc<crate::context::Context>>,
}

/// The pitch gate's code: a pitch to someone who has not invited it.
pub const PITCH_GATE: &str = "PIT001";

impl Checker {
    /// The built-in packs only.
    pub fn builtin() -> Checker {
        Checker { engine: tactful_packs::builtin_engine(), ignore: Vec::new(), context: None }
    }

    /// The built-in packs and the given company packs (file name, TOML source).
    pub fn with_packs(packs: &[(String, String)]) -> Result<Checker> {
        let engine =
            tactful_packs::engine_with(packs).map_err(|e| Error::Input(format!("malformed pack: {e}")))?;
        Ok(Checker { engine, ignore: Vec::new(), context: None })
    }

    /// Silence these codes in every check; a code that is no rule is refused
    /// by name, since a typo would otherwise silence nothing without a word.
    pub fn ignoring(mut self, codes: &[String]) -> Result<Checker> {
        for code in codes {
            if self.engine.rule(code).is_none() {
                return Err(Error::Input(format!(
                    "--ignore {code}: no such rule (see `tactful rules list`)"
                )));
            }
            self.ignore.push(code.clone());
        }
        Ok(self)
    }

    /// Read claims in context in [`Checker::check_draft`] and
    /// [`Checker::check_for`] (see [`crate::context`]); bulk checks never do.
    #[must_use]
    pub fn with_context(mut self, context: Option<std::sync::Arc<crate::context::Context>>) -> Checker {
        self.context = context;
        self
    }

    /// Whether one-draft checks read claims in context.
    pub fn reads_context(&self) -> bool {
        self.context.is_some()
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Whether a code is silenced in this checker.
    pub fn silenced(&self, code: &str) -> bool {
        self.ignore.iter().any(|c| c.eq_ignore_ascii_case(code))
    }

    /// Every finding on a text published on `channel`, in [`order`].
    pub fn check(&self, text: &str, channel: Channel) -> Vec<Finding> {
        self.check_ignoring(text, channel, &[])
    }

    /// One draft a person waits on: [`Checker::check`], with the claim heads
    /// reading the whole draft in context when the model is installed (tens
    /// of milliseconds, so never in bulk).
    pub fn check_draft(&self, text: &str, channel: Channel) -> Vec<Finding> {
        self.judge(text, channel, &[], self.context.as_deref())
    }

    /// [`Checker::check`], silencing `more` codes too (a bulk line's own `ignore`).
    pub fn check_ignoring(&self, text: &str, channel: Channel, more: &[String]) -> Vec<Finding> {
        self.judge(text, channel, more, None)
    }

    fn judge(
        &self,
        text: &str,
        channel: Channel,
        more: &[String],
        context: Option<&crate::context::Context>,
    ) -> Vec<Finding> {
        let mut findings = self.engine.check_with(text, &CheckOptions { channel, ignore: &[] });
        findings.extend(heads::head_findings_beside(&self.engine, text, channel, Some(&findings), context));
        findings.retain(|f| !self.silenced(&f.code) && !more.iter().any(|c| c.eq_ignore_ascii_case(&f.code)));
        order(&mut findings);
        findings
    }

    /// A message or comment for one person (found with
    /// [`contacts::recipient`]): every finding of [`Checker::check`], and the
    /// pitch gate on their stage and consent (a stranger has neither).
    pub fn check_for(
        &self,
        store: &mut dyn Store,
        to: &contacts::Recipient,
        text: &str,
        channel: Channel,
    ) -> Result<Vec<Finding>> {
        if !matches!(channel, Channel::Dm | Channel::Comment) {
            return Err(Error::Input(
                "--to is for a message or a comment to someone: add --channel dm (or comment)".into(),
            ));
        }
        let mut findings = self.check_draft(text, channel);
        if !self.silenced(PITCH_GATE) {
            if let Some(f) = contacts::gate(store, &self.engine, to, text)? {
                findings.push(f);
                order(&mut findings);
            }
        }
        Ok(findings)
    }
}

pub use tactful_core::engine::order;

#[cfg(test)]
mod tests {
    use super::*;

    const HEALTH: &str = "This tea cured my diabetes in a month, no more insulin!";

    #[test]
    fn silencing_a_rule_drops_its_findings_and_wakes_no_head() {
        let all = Checker::builtin().check(HEALTH, Channel::Post);
        let health: Vec<String> = all
            .iter()
            .filter(|f| f.category == tactful_core::Category::Health)
            .map(|f| f.code.clone())
            .collect();
        assert!(!health.is_empty(), "{all:?}");
        let quiet = Checker::builtin().ignoring(&health).unwrap().check(HEALTH, Channel::Post);
        assert!(quiet.iter().all(|f| !health.contains(&f.code)), "{quiet:?}");
        // The claim head stays quiet: the rules it defers to did see the claim.
        assert!(quiet.iter().all(|f| f.code != heads::HEALTH_CLAIM), "{quiet:?}");
    }

    #[test]
    fn an_unknown_code_to_silence_is_refused_by_name() {
        let e = Checker::builtin().ignoring(&["XYZ999".to_string()]).err().unwrap();
        assert!(e.is_input() && e.to_string().contains("XYZ999"), "{e}");
    }

    #[test]
    fn findings_come_in_one_order() {
        let f = Checker::builtin().check(
            "BUY NOW!!! This cured my cancer. DM me to join my team and be your own boss",
            Channel::Post,
        );
        assert!(f.len() >= 2, "{f:?}");
        assert!(f.windows(2).all(|w| (w[0].start, w[0].end) <= (w[1].start, w[1].end)), "{f:?}");
    }
}

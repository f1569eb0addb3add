//! The classifier heads as findings: a post that reads as promotion but
//! discloses no connection (KND001), off-topic content on a business channel
//! (KND002), and a health or earnings claim no rule caught (CLM001, CLM002:
//! the claim heads, with the words that weighed most and the nearest
//! FTC/FDA-quoted claim). The rules' words (message, explanation, hint,
//! references, examples, and the disclosure phrases that silence KND001)
//! live in `packs/kinds.toml` as external rules; this module only decides
//! when they fire. Callers go through [`crate::Checker`].

use std::fmt::Write;
use std::sync::OnceLock;

use tactful_classify::{Head, Model, Scratch, builtin};
use tactful_core::engine::ExampleFailure;
use tactful_core::{Category, Channel, Engine, Finding};

/// A post that reads as promotion with no disclosure of a connection.
pub const PROMOTION: &str = "KND001";
/// Off-topic content (politics, sports, fandom) on a business channel.
pub const OFF_TOPIC: &str = "KND002";
/// Reads like a health claim (the health-claim head).
pub const HEALTH_CLAIM: &str = "CLM001";
/// Reads like an earnings claim (the earnings-claim head).
pub const EARNINGS_CLAIM: &str = "CLM002";

/// The calibrated probability of `promotional` the content-kind head must
/// give before KND001 may fire. High on purpose: the finding should only
/// come when the head is sure (a false alarm teaches people to ignore the
/// tool); measured in docs/evaluation.md.
pub const PROMOTION_MIN: f32 = 0.90;
/// The same for `off-topic` and KND002.
pub const OFF_TOPIC_MIN: f32 = 0.90;

/// The content-kind head, loaded once per process (a few milliseconds);
/// `None` only if the embedded file is damaged, which the tests would show.
fn content_kind() -> Option<&'static Model> {
    static MODEL: OnceLock<Option<Model>> = OnceLock::new();
    MODEL.get_or_init(|| builtin::model(Head::ContentKind).ok()).as_ref()
}

thread_local! {
    /// One scratch buffer per thread for every head: bulk checks call them
    /// for every line, and the heads after the first find the line folded.
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::new());
}

/// A claim head, loaded once per process.
fn claim_head(head: Head) -> Option<&'static Model> {
    static HEALTH: OnceLock<Option<Model>> = OnceLock::new();
    static EARNINGS: OnceLock<Option<Model>> = OnceLock::new();
    let cell = if head == Head::HealthClaim { &HEALTH } else { &EARNINGS };
    cell.get_or_init(|| builtin::model(head).ok()).as_ref()
}

/// The claim heads' findings: CLM001 (health) and CLM002 (earnings) when the
/// head flags the draft at its own threshold and no rule of the same
/// categories has flagged it already (`already`: the engine's findings).
/// `wanted`: whether each rule, health then earnings, is on for the channel.
/// The message names the words that weighed most and the nearest claim the
/// FTC or FDA quoted, so the seller can see why.
fn claim_findings(
    engine: &Engine,
    text: &str,
    channel: Channel,
    wanted: [bool; 2],
    already: &[Finding],
    context: Option<&crate::context::Context>,
    out: &mut Vec<Finding>,
) {
    let heads = [
        (HEALTH_CLAIM, Head::HealthClaim, &[Category::Health][..], "health"),
        (EARNINGS_CLAIM, Head::EarningsClaim, &[Category::Income, Category::Lifestyle][..], "earnings"),
    ];
    let wanted_now: [bool; 2] = std::array::from_fn(|i| {
        let cats = heads[i].2;
        wanted[i] && !already.iter().any(|f| cats.contains(&f.category))
    });
    if !wanted_now.contains(&true) {
        return;
    }
    let (Some(health), Some(earnings)) = (claim_head(Head::HealthClaim), claim_head(Head::EarningsClaim))
    else {
        return;
    };
    // Both heads read the same features: one pass over the text.
    let (p_health, p_earnings) =
        SCRATCH.with(|s| Model::positive_pair(health, earnings, text, &mut s.borrow_mut()));
    // With the context model (one draft a person waits on), the hashed head's
    // logit and the context head's are blended; the text is embedded once.
    let mut embedding: Option<Vec<f32>> = None;
    for (i, (code, head, _, kind)) in heads.into_iter().enumerate() {
        let (model, p) = if head == Head::HealthClaim { (health, p_health) } else { (earnings, p_earnings) };
        if !wanted_now[i] {
            continue;
        }
        let flagged = match context.and_then(|c| c.head(head).map(|h| (c, h))) {
            Some((c, half)) => {
                let mut z = [0f32];
                SCRATCH.with(|s| model.logits(text, &mut s.borrow_mut(), &mut z));
                let e = embedding.get_or_insert_with(|| c.model.embed(text));
                half.flags(z[0], e)
            }
            None => p >= model.threshold(),
        };
        // The rule's own `unless`/`requires` read the text again: only for a
        // draft the head flags, never on every post of a bulk check.
        if !flagged || !engine.external_allows(code, text, channel) {
            continue;
        }
        // An earnings claim is about money: it names money, earning, a job,
        // riches, freedom from work or an amount. Without any of them the
        // verdict rests on the words around such claims ("join my team"), and an
        // invitation to join is not a claim about what the business pays. (Health
        // claims name their subject in too many ways for a word list to gate
        // them: tried, it cost true claims and spared no ordinary post.) Read
        // only for a draft the head flags: not on every post of a bulk check.
        if head == Head::EarningsClaim && !tactful_classify::features::subjects(text).earnings {
            continue;
        }
        let Some(rule) = engine.rule(code) else { continue };
        let start = text.len() - text.trim_start().len();
        let end = text.trim_end().len().max(start);
        let words = tactful_classify::explain::drivers(model, 1, text, 3);
        // One word alone ("business", "skin") is a topic, not a claim: the
        // head must rest on at least two words that each pull toward it.
        if words.len() < 2 {
            continue;
        }
        let mut msg = rule.message.clone();
        if !words.is_empty() {
            let quoted: Vec<String> = words.iter().map(|w| format!("\"{w}\"")).collect();
            let _ = write!(msg, " The words that weighed most: {}.", quoted.join(", "));
        }
        // With the draft's embedding, the quoted claim nearest in meaning;
        // else the one that shares the most words.
        let quoted = match (&embedding, context) {
            (Some(e), Some(c)) => c.nearest(kind, e),
            _ => None,
        };
        if let Some(q) = quoted.or_else(|| tactful_classify::explain::nearest(kind, text)) {
            let short: String = q.text.chars().take(140).collect();
            let more = if short.len() < q.text.len() { "…" } else { "" };
            let _ = write!(msg, " It reads like a claim quoted in {}: \"{short}{more}\"", q.document);
        }
        out.push(tactful_core::engine::finding_of(rule, start, end, msg));
    }
}

fn wanted(engine: &Engine, code: &str, channel: Channel) -> bool {
    engine.rule(code).is_some_and(|r| r.enabled && r.applies_to(channel))
}

/// The findings of the classifier heads for a draft published on `channel`.
/// Empty unless the head is confident; KND001 also stays silent when the
/// rule's own `unless` phrases (any disclosure wording of the disclosure pack)
/// are present, or when a disclosure rule already flags the draft (one
/// finding about a missing disclosure is enough). A company pack that
/// switches a rule off, or changes its severity, changes these findings too.
pub fn head_findings(engine: &Engine, text: &str, channel: Channel) -> Vec<Finding> {
    head_findings_beside(engine, text, channel, None, None)
}

/// [`head_findings`], given the engine's findings on the same draft when the
/// caller has them (so the engine does not run twice).
pub(crate) fn head_findings_beside(
    engine: &Engine,
    text: &str,
    channel: Channel,
    known: Option<&[Finding]>,
    context: Option<&crate::context::Context>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    if text.trim().is_empty() {
        return out;
    }
    let claims_wanted = [wanted(engine, HEALTH_CLAIM, channel), wanted(engine, EARNINGS_CLAIM, channel)];
    if claims_wanted.contains(&true) {
        let computed;
        let engine_findings = match known {
            Some(f) => f,
            None => {
                computed = engine.check(text, channel);
                &computed
            }
        };
        claim_findings(engine, text, channel, claims_wanted, engine_findings, context, &mut out);
    }
    let promo = wanted(engine, PROMOTION, channel);
    let off = wanted(engine, OFF_TOPIC, channel);
    if !promo && !off {
        return out;
    }
    let Some(model) = content_kind() else { return out };
    let p = SCRATCH.with(|s| model.probabilities(text, &mut s.borrow_mut()));
    let prob = |class: &str| model.classes().iter().position(|c| c == class).map_or(0.0, |i| p[i]);
    // The finding covers the whole draft: it is about the post, not a phrase.
    let start = text.len() - text.trim_start().len();
    let end = text.trim_end().len().max(start);
    // The rule's own message, with how sure the classifier is.
    let mut flag = |code: &str, reads_as: &str, x: f32| {
        if let Some(rule) = engine.rule(code) {
            let sure = (x * 100.0).floor() as u32;
            let msg = format!(
                "{} (The content-kind classifier reads this as {reads_as}, {sure}% sure.)",
                rule.message
            );
            out.push(tactful_core::engine::finding_of(rule, start, end, msg));
        }
    };
    let promotional = prob("promotional");
    if promo
        && promotional >= PROMOTION_MIN
        && engine.external_allows(PROMOTION, text, channel)
        && !match known {
            Some(f) => f.iter().any(|f| f.category == Category::Disclosure),
            None => engine.check(text, channel).iter().any(|f| f.category == Category::Disclosure),
        }
    {
        flag(PROMOTION, "promotion", promotional);
    }
    let off_topic = prob("off-topic");
    if off && off_topic >= OFF_TOPIC_MIN && engine.external_allows(OFF_TOPIC, text, channel) {
        flag(OFF_TOPIC, "off-topic", off_topic);
    }
    out
}

/// Run the `flag` and `pass` examples of the kinds rules through
/// [`head_findings`] (the engine skips external rules' examples: they need
/// the classifier). Returns how many ran and the failures.
pub fn test_examples(engine: &Engine) -> (usize, Vec<ExampleFailure>) {
    let mut run = 0;
    let mut failures = Vec::new();
    for code in [PROMOTION, OFF_TOPIC, HEALTH_CLAIM, EARNINGS_CLAIM] {
        let Some(rule) = engine.rule(code) else { continue };
        if !rule.enabled {
            continue;
        }
        run += rule.run_examples(&|t, c| head_findings(engine, t, c), &mut failures);
    }
    (run, failures)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tactful_core::Severity;

    fn codes(text: &str, channel: Channel) -> Vec<String> {
        let engine = tactful_packs::builtin_engine();
        head_findings(&engine, text, channel).into_iter().map(|f| f.code).collect()
    }

    const PROMO: &str = "NEW ARRIVALS just dropped! Shop the spring collection today and get 20% off everything, free shipping on all orders over $50. Limited stock, order now!";

    #[test]
    fn a_promotional_post_without_a_disclosure_gets_the_finding_and_with_ad_it_does_not() {
        assert_eq!(codes(PROMO, Channel::Post), vec![PROMOTION.to_string()]);
        assert!(codes(&format!("#ad {PROMO}"), Channel::Post).is_empty());
        assert!(
            codes(&format!("{PROMO} (I earn a commission on orders through my shop.)"), Channel::Post)
                .is_empty()
        );
    }

    #[test]
    fn a_personal_post_gets_nothing() {
        assert!(codes("Made pancakes with the kids this morning, total mess but so worth it. Happy Sunday everyone!", Channel::Post).is_empty());
    }

    #[test]
    fn an_invitation_to_join_is_not_an_earnings_claim_but_a_paycheck_story_is() {
        assert!(!codes("Want to join my team? DM me!", Channel::Post).contains(&EARNINGS_CLAIM.to_string()));
        let story = "My hubby handed in his notice last month: this little business covers our mortgage now. Want to join my team?";
        assert!(
            codes(story, Channel::Post).contains(&EARNINGS_CLAIM.to_string()),
            "{:?}",
            codes(story, Channel::Post)
        );
    }

    #[test]
    fn the_rules_apply_to_posts_only() {
        // A DM is between two people: the content mix of a channel is not at stake.
        assert!(codes(PROMO, Channel::Dm).is_empty());
    }

    #[test]
    fn a_company_pack_can_switch_a_head_rule_off_or_change_its_severity() {
        let off = ("acme.toml".to_string(), "[pack]\nname = \"acme\"\ndisable = [\"KND001\"]\n".to_string());
        let engine = tactful_packs::engine_with(&[off]).unwrap();
        assert!(head_findings(&engine, PROMO, Channel::Post).is_empty());
        let louder = (
            "acme.toml".to_string(),
            "[pack]\nname = \"acme\"\n[severity]\nKND001 = \"error\"\n".to_string(),
        );
        let engine = tactful_packs::engine_with(&[louder]).unwrap();
        assert_eq!(head_findings(&engine, PROMO, Channel::Post)[0].severity, Severity::Error);
    }

    #[test]
    fn the_finding_spans_the_draft_without_its_outer_spaces() {
        let engine = tactful_packs::builtin_engine();
        let text = format!("  {PROMO}\n");
        let f = &head_findings(&engine, &text, Channel::Post)[0];
        assert_eq!(&text[f.start..f.end], PROMO);
        assert!(f.message.contains("% sure"), "{}", f.message);
    }

    #[test]
    fn every_example_of_the_kinds_pack_behaves_as_its_rule_says() {
        let engine = tactful_packs::builtin_engine();
        let (run, failures) = test_examples(&engine);
        assert!(run >= 8, "{run} examples");
        let report: Vec<String> =
            failures.iter().map(|f| format!("{} should {}: {:?}", f.code, f.expected, f.text)).collect();
        assert!(failures.is_empty(), "{}", report.join("\n"));
    }
}

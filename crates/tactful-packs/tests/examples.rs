//! Every `flag` and `pass` example of every built-in rule, run as a test.
//! A rule is only as good as its examples: this is where they are enforced.

use tactful_core::Category;
use tactful_packs::builtin_engine;

#[test]
fn every_builtin_example_behaves_as_its_rule_says() {
    let engine = builtin_engine();
    let (run, failures) = engine.test_examples(None);
    let report: Vec<String> = failures
        .iter()
        .map(|f| {
            format!(
                "{} ({}): expected to {} in {}: {:?}",
                f.code, f.defined_at, f.expected, f.channel, f.text
            )
        })
        .collect();
    assert!(failures.is_empty(), "{} of {run} examples failed:\n{}", failures.len(), report.join("\n"));
}

#[test]
fn every_rule_is_documented_and_has_two_examples_each_way() {
    let engine = builtin_engine();
    for r in engine.rules() {
        assert!(
            r.explanation.len() >= 60,
            "{}: the explanation should teach, not just name the rule",
            r.code
        );
        if r.is_external() {
            continue; // its examples need a relationship: tested in crates/tactful-cli/tests/relationships.rs
        }
        assert!(r.flag.len() >= 2, "{} needs at least two `flag` examples", r.code);
        assert!(r.pass.len() >= 2, "{} needs at least two `pass` examples", r.code);
        assert!(
            r.references.iter().all(|l| l.starts_with("https://") || l.starts_with("http://")),
            "{}",
            r.code
        );
        assert!(
            r.explanation.len() >= 60,
            "{}: the explanation should teach, not just name the rule",
            r.code
        );
    }
}

#[test]
fn every_category_has_rules() {
    let engine = builtin_engine();
    for c in Category::ALL {
        assert!(engine.rules().iter().any(|r| r.category == c), "no built-in rule in category {c}");
    }
}

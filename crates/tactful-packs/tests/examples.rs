//! Every `flag` and `pass` example of every built-in rule, run as a test.
//! A rule is only as good as its examples: this is where they are enforced.

use tactful_core::Category;
use tactful_core::relationships::{BUILTIN_CUES, Cues};
use tactful_packs::{BUILTIN, builtin_engine, builtin_packs, cues_with};

#[test]
fn every_builtin_example_behaves_as_its_rule_says() {
    let engine = builtin_engine();
    let (run, failures) = engine.test_examples(None);
    let report = listing(&failures, |f| {
        format!("{} ({}): expected to {} in {}: {:?}", f.code, f.defined_at, f.expected, f.channel, f.text)
    });
    assert!(failures.is_empty(), "{} of {run} examples failed:\n{report}", failures.len());
}

/// One line per failure, for an assertion's message.
fn listing<T>(failures: &[T], line: impl Fn(&T) -> String) -> String {
    failures.iter().map(line).collect::<Vec<_>>().join("\n")
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
    }
}

#[test]
fn every_category_has_rules() {
    let engine = builtin_engine();
    for c in Category::ALL {
        assert!(engine.rules().iter().any(|r| r.category == c), "no built-in rule in category {c}");
    }
}

/// The cue examples (`[cues.*]` in packs/cues.toml): a `flag` text must set
/// its cue off and a `pass` text must not, with the lists of the packs and
/// with the lists the core embeds.
#[test]
fn every_builtin_cue_example_behaves_as_its_cue_says() {
    let packs = builtin_packs();
    for (what, cues) in
        [("the packs' lists", &cues_with(&[]).unwrap()), ("the core's lists", Cues::builtin())]
    {
        let (run, failures) = cues.test_examples(&packs);
        let report = listing(&failures, |f| {
            format!(
                "cues.{} ({}): expected to {}: {:?} (got {:?})",
                f.cue, f.origin, f.expected, f.text, f.got
            )
        });
        assert!(run >= 30, "{what}: only {run} cue examples ran");
        assert!(failures.is_empty(), "{what}: {} of {run} cue examples failed:\n{report}", failures.len());
    }
}

#[test]
fn every_cue_is_described_and_has_two_examples_each_way() {
    let packs = builtin_packs();
    let cues: Vec<_> = packs.iter().flat_map(|p| p.cues.examples()).collect();
    assert_eq!(cues.iter().map(|c| c.0).collect::<Vec<_>>(), ["pitch", "inquiry", "complaint"]);
    for (cue, flag, pass) in cues {
        assert!(flag.len() >= 2, "cues.{cue} needs at least two `flag` examples");
        assert!(pass.len() >= 2, "cues.{cue} needs at least two `pass` examples");
    }
    for p in &packs {
        let d = [
            p.cues.pitch.as_ref().map(|c| c.get_ref().description.as_str()),
            p.cues.inquiry.as_ref().map(|c| c.get_ref().description.as_str()),
            p.cues.complaint.as_ref().map(|c| c.get_ref().description.as_str()),
        ];
        for text in d.into_iter().flatten() {
            assert!(text.len() >= 60, "{}: a cue's description should say how it decides", p.origin);
        }
    }
}

/// The core reads no files: it embeds packs/cues.toml at compile time. It
/// must be the very file listed here.
#[test]
fn the_core_embeds_the_builtin_cue_pack() {
    assert!(BUILTIN.contains(&BUILTIN_CUES), "{} is not in BUILTIN as the core embeds it", BUILTIN_CUES.0);
}

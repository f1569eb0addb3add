//! The quality gate of the classifier heads: the embedded models on the
//! held-out part of each source, against floors and against the keyword
//! baseline; and a check that training again gives the embedded bytes.
//!
//! Reads `../shared/data`; when it is absent the gate says so loudly and
//! passes. Run with `cargo test -p tactful-train --test gate -- --nocapture`
//! to see the figures.
//!
//! The floors are regression gates at the level the shipped models reach
//! (minus a margin for the size of the held-out parts). The targets of issue 5
//! are printed beside them; where a floor is under its target, the target is
//! not met yet, and the gate says so.

use std::fmt::Write as _;
use std::path::PathBuf;

use tactful_classify::evaluate::compare;
use tactful_classify::{Head, builtin};
use tactful_evalsets::shared_data::gate_data;
use tactful_train::data::{Policy, Split, Use, default_data_dir};
use tactful_train::{head_examples, run_head, train};

/// (head, source, floor, issue target)
const GATES: &[(Head, &str, f64, f64)] = &[
    (Head::Spam, "sms_spam", 0.95, 0.95),
    (Head::Spam, "youtube_spam", 0.92, 0.95),
    (Head::Spam, "janitr", 0.86, 0.0),
    (Head::CustomerRequest, "complaints", 0.75, 0.80),
    (Head::ContentKind, "facebook_ads", 0.75, 0.0),
    (Head::ContentKind, "sms_spam", 0.91, 0.0),
    (Head::ContentKind, "youtube_spam", 0.86, 0.0),
];

fn data_dir() -> Option<PathBuf> {
    gate_data(default_data_dir, "the classifier heads")
}

#[test]
fn heads_meet_their_floors_and_beat_the_keyword_baseline_on_held_out_texts() {
    let Some(data) = data_dir() else { return };
    let mut failures = Vec::new();
    // The claim heads have their own gate (leave documents out, below).
    for head in Head::ALL.into_iter().filter(|h| !matches!(h, Head::HealthClaim | Head::EarningsClaim)) {
        let model = builtin::model(head).unwrap();
        for (source, used, examples) in head_examples(&data, head, Policy::Default).unwrap() {
            let test = examples.iter().filter(|e| e.split == Split::Test).map(|e| (e.input(), e.class));
            let c = compare(&model, head, model.threshold(), test);
            let f1 = c.model.f1().unwrap_or(0.0);
            let kw = c.keywords.f1().unwrap_or(0.0);
            let gate = GATES.iter().find(|(h, s, _, _)| *h == head && *s == source.id);
            let mut line =
                format!("{head:<17} {:<13} {:>5} texts  F1 {f1:.3}  keywords {kw:.3}", source.id, c.texts);
            if let Some((_, _, floor, target)) = gate {
                let _ = write!(line, "  floor {floor:.2}");
                if *target > 0.0 {
                    let _ = write!(
                        line,
                        "  issue target {target:.2} {}",
                        if f1 >= *target { "met" } else { "NOT MET" }
                    );
                }
                if f1 < *floor {
                    failures.push(format!("{head} on {}: F1 {f1:.3} < floor {floor}", source.id));
                }
            }
            if used == Use::Train && f1 <= kw {
                failures.push(format!(
                    "{head} on {}: F1 {f1:.3} does not beat the keyword baseline {kw:.3}",
                    source.id
                ));
            }
            println!("{line}");
        }
    }
    assert!(failures.is_empty(), "quality gate failed:\n{}", failures.join("\n"));
}

/// `spam` read without a channel (as `tactful classify` without
/// `--channel`): (source, floor). Before the head was also trained on texts
/// without their channel, SMS fell to 0.933 and janitr to 0.840 this way.
const UNKNOWN_CHANNEL_GATES: &[(&str, f64)] = &[("sms_spam", 0.95), ("youtube_spam", 0.90), ("janitr", 0.86)];

#[test]
fn spam_holds_its_floors_on_texts_of_unknown_channel() {
    let Some(data) = data_dir() else { return };
    let model = builtin::model(Head::Spam).unwrap();
    let mut failures = Vec::new();
    for (source, _, examples) in head_examples(&data, Head::Spam, Policy::Default).unwrap() {
        let Some((_, floor)) = UNKNOWN_CHANNEL_GATES.iter().find(|(s, _)| *s == source.id) else { continue };
        let test = examples
            .iter()
            .filter(|e| e.split == Split::Test)
            .map(|e| (tactful_classify::Input::new(&e.text, None), e.class));
        let f1 = compare(&model, Head::Spam, model.threshold(), test).model.f1().unwrap_or(0.0);
        println!("spam, no channel  {:<13} F1 {f1:.3}  floor {floor:.2}", source.id);
        if f1 < *floor {
            failures.push(format!("spam without a channel on {}: F1 {f1:.3} < floor {floor}", source.id));
        }
    }
    assert!(failures.is_empty(), "quality gate failed:\n{}", failures.join("\n"));
}

#[test]
fn training_again_gives_the_embedded_model_byte_for_byte() {
    let Some(data) = data_dir() else { return };
    // The two yes/no heads train in well under a second; content-kind is
    // checked the same way by rerunning `tactful-train` and `git diff`.
    for head in [Head::Spam, Head::CustomerRequest] {
        let t = run_head(&data, head, Policy::Default, &train::Config::for_head(head)).unwrap();
        assert!(
            t.model.to_bytes() == builtin::bytes(head),
            "{head}: retraining gives other weights than the embedded file: run `cargo run --release -p tactful-train` and commit models/"
        );
    }
}

/// The claim heads, measured as they are built: every claim scored by a
/// model fitted without the document that quoted it. The floors sit just
/// under today's figures (rules or model, whole posts: 0.966 and 0.983;
/// the model alone, the only held-out column: 0.821 and 0.733);
/// the rules there saw these claims, so the floors guard against
/// regressions, not for what new posts will show (CLAIM_HEADS.md). Ordinary texts flagged out of fold stay at the 0.5%
/// the threshold is set for, and the shipped model flags at most 1% of the
/// ordinary texts of the test part.
#[test]
fn claim_heads_catch_claims_from_documents_they_never_saw() {
    let Some(data) = data_dir() else { return };
    for (head, floor, model_floor) in [(Head::HealthClaim, 0.92, 0.80), (Head::EarningsClaim, 0.92, 0.70)] {
        let cfg = tactful_train::train::Config::for_head(head);
        let r = tactful_train::claims::run(&data, head, Policy::Default, &cfg, 0, None).unwrap();
        println!("{}", tactful_train::claims::table(&r));
        let (mut caught, mut by_model, mut all) = (0, 0, 0);
        for c in r.recall.values() {
            caught += c[2];
            by_model += c[0];
            all += c[3];
        }
        let model_recall = by_model as f64 / all as f64;
        assert!(
            model_recall >= model_floor,
            "{head}: the model alone catches {by_model}/{all} = {model_recall:.3} of the claims left out, under the floor {model_floor}"
        );
        let recall = caught as f64 / all as f64;
        assert!(
            recall >= floor,
            "{head}: rules or model catch {caught}/{all} = {recall:.3} of the claims left out, under the floor {floor}"
        );
        assert!(
            r.false_alarms.0 as f64 <= 0.006 * r.false_alarms.1 as f64,
            "{head}: {:?} ordinary texts flagged out of fold",
            r.false_alarms
        );
        assert!(
            r.test_false_alarms.0 as f64 <= 0.01 * r.test_false_alarms.1 as f64,
            "{head}: {:?} ordinary test texts flagged",
            r.test_false_alarms
        );
        // The shipped model is the one this recipe builds.
        assert_eq!(
            builtin::model(head).unwrap().to_bytes(),
            r.model.to_bytes(),
            "{head}: the shipped model is stale: run tactful-train --head {head}"
        );
    }
}

/// The context model's folder (`scripts/test.sh` installs the pinned wheel
/// there and sets TACTFUL_TEST_CONTEXT_MODEL); under CI it must be there.
fn context_dir() -> Option<std::path::PathBuf> {
    tactful_testkit::path_from_script("TACTFUL_TEST_CONTEXT_MODEL")
}

/// The target, held out: with the context model, the blend catches
/// at least 0.85 of the whole-post claims of documents it never saw, for
/// health and for earnings, at the same 0.5% of ordinary texts flagged out
/// of fold (the shipped dealing: 0.889 and 0.867; five dealings: 0.887 and
/// 0.870, docs/evaluation.md). The shipped context halves are the ones this
/// recipe builds (to float noise: the embeddings may come from another
/// build's cache).
#[test]
fn the_blend_with_the_context_model_catches_085_of_the_claims_left_out() {
    let Some(data) = data_dir() else { return };
    let Some(dir) = context_dir() else { return };
    let loaded = tactful_train::context::Loaded::read(&dir).unwrap();
    let sets: Vec<_> = [Head::HealthClaim, Head::EarningsClaim]
        .into_iter()
        .flat_map(|h| tactful_train::head_examples(&data, h, Policy::Default).unwrap())
        .collect();
    let texts: Vec<&str> = sets.iter().flat_map(|(_, _, ex)| ex.iter().map(|e| e.text.as_str())).collect();
    let cache = tactful_train::data::workspace_root().join("target").join("context-cache.bin");
    let emb = tactful_train::context::embed_all(&loaded.model, loaded.id, &texts, &cache).unwrap();
    for head in [Head::HealthClaim, Head::EarningsClaim] {
        let cfg = tactful_train::train::Config::for_head(head);
        let r = tactful_train::claims::run(&data, head, Policy::Default, &cfg, 0, Some(&emb)).unwrap();
        println!("{}", tactful_train::claims::table(&r));
        let c = r.context.expect("measured with the context model");
        let recall = c.blend.0 as f64 / c.blend.1 as f64;
        assert!(recall >= 0.85, "{head}: the blend catches {:?} of the claims left out, under 0.85", c.blend);
        assert!(
            c.false_alarms_blend.0 as f64 <= 0.006 * c.false_alarms_blend.1 as f64,
            "{head}: {:?} ordinary texts flagged out of fold",
            c.false_alarms_blend
        );
        let shipped = tactful_context::shipped_head(head.as_str()).expect("heads.json has the head");
        let close = |a: f32, b: f32| (a - b).abs() <= 1e-3 * (1.0 + a.abs().max(b.abs()));
        assert!(
            close(shipped.threshold, c.head.threshold)
                && close(shipped.bias, c.head.bias)
                && shipped.weights.iter().zip(&c.head.weights).all(|(a, b)| close(*a, *b)),
            "{head}: crates/tactful-context/heads.json is stale: run tactful-train --head health-claim --head earnings-claim --context DIR"
        );
    }
}

/// A draft's products split across two threads give the vectors one thread
/// gives (each output column is computed alone either way).
#[test]
fn the_encoder_on_two_threads_gives_the_one_thread_vectors() {
    let Some(data) = data_dir() else { return };
    let Some(dir) = context_dir() else { return };
    let one = tactful_train::context::Loaded::read(&dir).unwrap();
    let mut two = tactful_train::context::Loaded::read(&dir).unwrap();
    two.model.set_two_threads(true);
    let sets = tactful_train::head_examples(&data, Head::HealthClaim, Policy::Default).unwrap();
    let texts: Vec<&str> =
        sets.iter().flat_map(|(_, _, ex)| ex.iter().map(|e| e.text.as_str())).step_by(97).take(60).collect();
    assert!(texts.len() >= 50);
    for t in texts {
        let (a, b) = (one.model.embed(t), two.model.embed(t));
        assert!(a.iter().zip(&b).all(|(x, y)| (x - y).abs() < 1e-6), "{t:?}");
    }
}

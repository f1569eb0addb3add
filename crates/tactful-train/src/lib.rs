//! tactful-train: builds the classifier heads of `tactful-classify` from the
//! shared labeled sets, reproducibly (fixed split, fixed seed, one thread).
//!
//! [`data`] reads the sets and gives each head its labels and each text its
//! split; [`train`] fits weights, calibration and threshold; [`run_head`] does
//! both and measures the result on every source's held-out part.

pub mod claims;
pub mod context;
pub mod data;
pub mod dense;
pub mod heads_context;
pub mod train;

use std::path::Path;

use tactful_classify::evaluate::{Comparison, compare};
use tactful_classify::{Head, Input, Model};

use data::{DataError, Example, Policy, Source, Split, Use};

/// How many texts of a source landed in each split, per class.
#[derive(Debug, Clone)]
pub struct SourceSplit {
    pub source: Source,
    pub used: Use,
    /// `[train, calibrate, test]`, each counted per class.
    pub counts: [Vec<usize>; 3],
}

/// A trained head and its figures.
pub struct TrainedHead {
    pub head: Head,
    pub model: Model,
    pub splits: Vec<SourceSplit>,
    /// The held-out part of each source: model beside the baselines.
    pub results: Vec<(Source, Use, Comparison)>,
    /// The calibration part of each training source (for choosing settings
    /// without looking at the test part).
    pub calibration: Vec<(Source, Comparison)>,
    /// Every held-out example, for `tactful eval-heads`.
    pub heldout: Vec<Example>,
    /// The settings it was trained with.
    pub cfg: train::Config,
}

/// Every example of a head, source by source, in the plan's order.
pub fn head_examples(
    data: &Path,
    head: Head,
    policy: Policy,
) -> Result<Vec<(Source, Use, Vec<Example>)>, DataError> {
    data::plan(head, policy).into_iter().map(|(s, u)| Ok((s, u, data::examples(data, head, s)?))).collect()
}

/// The fold of a text in cross-validation: a hash of the text, so the same
/// text lands in the same fold every run; repeat 0 keeps the first dealing,
/// other repeats deal the texts anew.
pub fn cv_fold(text: &str, repeat: u64, folds: usize) -> usize {
    let mut h: u64 = 0x8422_2325_CBF2_9CE4 ^ repeat.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    for b in text.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01B3);
    }
    h ^= h >> 31;
    (h % folds as u64) as usize
}

/// Train, calibrate and measure one head.
pub fn run_head(data: &Path, head: Head, policy: Policy, cfg: &train::Config) -> anyhow::Result<TrainedHead> {
    let sets = head_examples(data, head, policy)?;
    let k = head.classes().len();
    let items: Vec<train::Item<'_>> = sets
        .iter()
        .enumerate()
        .filter(|(_, (_, u, _))| *u == Use::Train)
        .flat_map(|(si, (_, _, ex))| {
            ex.iter().filter(|e| e.split != Split::Test).map(move |e| train::Item {
                text: e.text.as_str(),
                channel: Some(e.channel),
                class: e.class,
                group: si,
                calibrate: e.split == Split::Calibrate,
            })
        })
        .collect();
    anyhow::ensure!(items.iter().any(|it| !it.calibrate), "no training texts for {head}");
    let model = train::build(head, &items, cfg)?;
    let mut splits = Vec::new();
    let mut results = Vec::new();
    let mut heldout = Vec::new();
    let mut calibration = Vec::new();
    for (source, used, ex) in &sets {
        if *used == Use::Train {
            let cal = ex.iter().filter(|e| e.split == Split::Calibrate).map(|e| (e.input(), e.class));
            calibration.push((*source, compare(&model, head, model.threshold(), cal)));
        }
        let mut counts = [vec![0; k], vec![0; k], vec![0; k]];
        for e in ex {
            counts[e.split as usize][e.class] += 1;
        }
        splits.push(SourceSplit { source: *source, used: *used, counts });
        let test: Vec<&Example> = ex.iter().filter(|e| e.split == Split::Test).collect();
        let cmp = compare(&model, head, model.threshold(), test.iter().map(|e| (e.input(), e.class)));
        results.push((*source, *used, cmp));
        heldout.extend(test.into_iter().cloned());
    }
    Ok(TrainedHead { head, model, splits, results, calibration, heldout, cfg: *cfg })
}

/// Cross-validation on the train and calibration parts only (never the test
/// part), for choosing settings: the texts of the trained sources are dealt
/// into `folds` folds by a hash of the text; each fold is scored by a model
/// fitted on the others. One threshold on the raw score, the best pooled F1
/// over all trained sources, is then applied to every source (as the shipped
/// head does). Returns each trained source's F1 and the pooled F1. Yes/no
/// heads only. With `procedure`, each fold is instead labeled by the whole
/// recipe ([`train::build`]: weights, calibration and its own threshold)
/// run on the other folds, so the way the threshold is chosen is measured too.
/// `repeat` picks another dealing of the folds (0 = the first), so
/// that settings can be compared over several dealings, not one. With
/// `without_channel`, each fold is scored as a text of unknown channel (as
/// `tactful classify` without `--channel` does).
#[allow(clippy::too_many_arguments)] // each is one switch of `tactful-train --cv`
pub fn cross_validate(
    data: &Path,
    head: Head,
    policy: Policy,
    cfg: &train::Config,
    folds: usize,
    repeat: u64,
    procedure: bool,
    without_channel: bool,
) -> anyhow::Result<(Vec<(Source, f64)>, f64)> {
    anyhow::ensure!(head.positive().is_some(), "cross-validation is for yes/no heads");
    let sets = head_examples(data, head, policy)?;
    let mut items: Vec<(usize, Input<'_>, usize, usize)> = Vec::new(); // (source, text, class, fold)
    for (si, (_, u, ex)) in sets.iter().enumerate() {
        if *u != Use::Train {
            continue;
        }
        for e in ex.iter().filter(|e| e.split != Split::Test) {
            items.push((si, e.input(), e.class, cv_fold(&e.text, repeat, folds)));
        }
    }
    if procedure {
        return Ok(cross_validate_recipe(&sets, head, cfg, folds, &items, without_channel)?);
    }
    let mut z = vec![0f32; items.len()];
    let mut scratch = tactful_classify::Scratch::new();
    for f in 0..folds {
        let fit_on: Vec<train::Labeled<'_>> =
            items.iter().filter(|it| it.3 != f).map(|it| (it.1, it.2)).collect();
        let groups: Vec<usize> = items.iter().filter(|it| it.3 != f).map(|it| it.0).collect();
        let weights = train::source_weights(&groups, cfg);
        let model = train::fit_weighted(head, &fit_on, Some(&weights), cfg)?;
        for (i, it) in items.iter().enumerate() {
            if it.3 == f {
                let mut out = [0f32];
                model.logits(scored(it.1, without_channel), &mut scratch, &mut out);
                z[i] = out[0];
            }
        }
    }
    let f1_at = |t: f32, only: Option<usize>| -> f64 {
        let mut tally = tactful_classify::metrics::Tally::default();
        for (i, it) in items.iter().enumerate() {
            if only.is_none_or(|s| s == it.0) {
                tally.add(it.2 == 1, z[i] >= t);
            }
        }
        tally.f1().unwrap_or(0.0)
    };
    let mut cands: Vec<f32> = z.clone();
    cands.sort_by(f32::total_cmp);
    cands.dedup();
    let (mut best, mut best_t) = (f64::NEG_INFINITY, 0.0f32);
    for &t in &cands {
        let f = f1_at(t, None);
        if f > best {
            best = f;
            best_t = t;
        }
    }
    let per = sets
        .iter()
        .enumerate()
        .filter(|(_, (_, u, _))| *u == Use::Train)
        .map(|(si, (s, _, _))| (*s, f1_at(best_t, Some(si))))
        .collect();
    Ok((per, best))
}

/// How a cross-validation fold's text is scored: as written, or as a text of unknown channel.
fn scored(t: Input<'_>, without_channel: bool) -> Input<'_> {
    if without_channel { Input::new(t.text, None) } else { t }
}

/// Cross-validation of the whole recipe: for each fold, [`train::build`] on
/// the other folds (each text keeps its train or calibration mark) and the
/// fold labeled at the built model's own threshold.
fn cross_validate_recipe(
    sets: &[(Source, Use, Vec<Example>)],
    head: Head,
    cfg: &train::Config,
    folds: usize,
    items: &[(usize, Input<'_>, usize, usize)],
    without_channel: bool,
) -> Result<(Vec<(Source, f64)>, f64), tactful_classify::ModelError> {
    let calibrating: std::collections::HashSet<&str> = sets
        .iter()
        .flat_map(|(_, _, ex)| ex.iter().filter(|e| e.split == Split::Calibrate).map(|e| e.text.as_str()))
        .collect();
    let mut said = vec![false; items.len()];
    let mut scratch = tactful_classify::Scratch::new();
    for f in 0..folds {
        let rest: Vec<train::Item<'_>> = items
            .iter()
            .filter(|it| it.3 != f)
            .map(|it| train::Item {
                text: it.1.text,
                channel: it.1.channel,
                class: it.2,
                group: it.0,
                calibrate: calibrating.contains(it.1.text),
            })
            .collect();
        let model = train::build(head, &rest, cfg)?;
        for (i, it) in items.iter().enumerate() {
            if it.3 == f {
                said[i] =
                    model.classify(scored(it.1, without_channel), &mut scratch).label == head.classes()[1];
            }
        }
    }
    let f1 = |only: Option<usize>| -> f64 {
        let mut tally = tactful_classify::metrics::Tally::default();
        for (i, it) in items.iter().enumerate() {
            if only.is_none_or(|s| s == it.0) {
                tally.add(it.2 == 1, said[i]);
            }
        }
        tally.f1().unwrap_or(0.0)
    };
    let per = sets
        .iter()
        .enumerate()
        .filter(|(_, (_, u, _))| *u == Use::Train)
        .map(|(si, (s, _, _))| (*s, f1(Some(si))))
        .collect();
    Ok((per, f1(None)))
}

//! tactful-train: builds the classifier heads of `tactful-classify` from the
//! shared labeled sets, reproducibly (fixed split, fixed seed, one thread).
//!
//! [`data`] reads the sets and gives each head its labels and each text its
//! split; [`train`] fits weights, calibration and threshold; [`run_head`] does
//! both and measures the result on every source's held-out part.

pub mod data;
pub mod train;

use std::path::Path;

use tactful_classify::evaluate::{Comparison, compare};
use tactful_classify::{Head, Model};

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
}

/// Every example of a head, source by source, in the plan's order.
pub fn head_examples(
    data: &Path,
    head: Head,
    policy: Policy,
) -> Result<Vec<(Source, Use, Vec<Example>)>, DataError> {
    data::plan(head, policy)
        .into_iter()
        .map(|(s, u)| Ok((s, u, data::examples(data, head, s)?)))
        .collect()
}

/// Train, calibrate and measure one head.
pub fn run_head(
    data: &Path,
    head: Head,
    policy: Policy,
    cfg: &train::Config,
) -> anyhow::Result<TrainedHead> {
    let sets = head_examples(data, head, policy)?;
    let k = head.classes().len();
    let pick = |split: Split| -> Vec<(&str, usize)> {
        sets.iter()
            .filter(|(_, u, _)| *u == Use::Train)
            .flat_map(|(_, _, ex)| {
                ex.iter()
                    .filter(move |e| e.split == split)
                    .map(|e| (e.text.as_str(), e.class))
            })
            .collect()
    };
    let train_items = pick(Split::Train);
    let cal_items = pick(Split::Calibrate);
    anyhow::ensure!(!train_items.is_empty(), "no training texts for {head}");
    let mut model = train::fit(head, &train_items, cfg)?;
    train::calibrate(&mut model, &cal_items);
    train::pick_threshold(&mut model, &cal_items);
    let mut splits = Vec::new();
    let mut results = Vec::new();
    let mut heldout = Vec::new();
    let mut calibration = Vec::new();
    for (source, used, ex) in &sets {
        if *used == Use::Train {
            let cal = ex
                .iter()
                .filter(|e| e.split == Split::Calibrate)
                .map(|e| (e.text.as_str(), e.class));
            calibration.push((*source, compare(&model, head, model.threshold(), cal)));
        }
        let mut counts = [vec![0; k], vec![0; k], vec![0; k]];
        for e in ex {
            counts[e.split as usize][e.class] += 1;
        }
        splits.push(SourceSplit {
            source: *source,
            used: *used,
            counts,
        });
        let test: Vec<&Example> = ex.iter().filter(|e| e.split == Split::Test).collect();
        let cmp = compare(
            &model,
            head,
            model.threshold(),
            test.iter().map(|e| (e.text.as_str(), e.class)),
        );
        results.push((*source, *used, cmp));
        heldout.extend(test.into_iter().cloned());
    }
    Ok(TrainedHead {
        head,
        model,
        splits,
        results,
        calibration,
        heldout,
    })
}

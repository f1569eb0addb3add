//! A head measured on labeled texts beside two baselines run in the same
//! pass: the keyword rules of [`crate::baseline`] and the majority class of
//! the texts themselves (the best any constant answer can do on them).

use crate::metrics::{Confusion, Tally};
use crate::{Head, Input, Model, Scratch, baseline};

/// Figures for one way of labeling.
#[derive(Debug, Clone, PartialEq)]
pub enum Measure {
    /// Yes/no heads: counts for the positive class.
    Binary(Tally),
    /// Softmax heads: the confusion matrix.
    Multi(Confusion),
}

impl Measure {
    pub fn new(head: Head) -> Self {
        if head.positive().is_some() {
            Measure::Binary(Tally::default())
        } else {
            Measure::Multi(Confusion::new(head.classes().len()))
        }
    }
    /// Count one text; `None` is no answer ("uncertain"), a miss for its class.
    pub fn add(&mut self, expected: usize, predicted: Option<usize>) {
        match self {
            Measure::Binary(t) => t.add(expected == 1, predicted == Some(1)),
            Measure::Multi(c) => c.add(expected, predicted),
        }
    }
    /// F1 of the positive class, or macro-F1 over the classes present.
    pub fn f1(&self) -> Option<f64> {
        match self {
            Measure::Binary(t) => t.f1(),
            Measure::Multi(c) => c.macro_f1(),
        }
    }
    /// Macro-F1: the mean F1 over the classes present (for a yes/no head,
    /// of the positive and the negative class).
    pub fn macro_f1(&self) -> Option<f64> {
        match self {
            Measure::Binary(t) => t.macro_f1(),
            Measure::Multi(c) => c.macro_f1(),
        }
    }
    /// Precision of the positive class, or the mean over classes present.
    pub fn precision(&self) -> Option<f64> {
        self.mean(Tally::precision)
    }
    /// Recall of the positive class, or the mean over classes present.
    pub fn recall(&self) -> Option<f64> {
        self.mean(Tally::recall)
    }
    pub fn accuracy(&self) -> Option<f64> {
        match self {
            Measure::Binary(t) => t.accuracy(),
            Measure::Multi(c) => c.accuracy(),
        }
    }
    fn mean(&self, f: fn(&Tally) -> Option<f64>) -> Option<f64> {
        match self {
            Measure::Binary(t) => f(t),
            Measure::Multi(c) => {
                let present: Vec<f64> = (0..c.classes())
                    .filter(|&k| c.counts[k].iter().sum::<usize>() > 0)
                    .map(|k| f(&c.tally(k)).unwrap_or(0.0))
                    .collect();
                (!present.is_empty()).then(|| present.iter().sum::<f64>() / present.len() as f64)
            }
        }
    }
}

/// A head against the baselines on one set of texts.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub texts: usize,
    /// How many texts of each class (in the head's order).
    pub by_class: Vec<usize>,
    pub model: Measure,
    pub keywords: Measure,
    pub majority: Measure,
    /// The majority class's index.
    pub majority_class: usize,
}

/// Classify every `(text, expected class)` (a text may carry its channel) with the model (at `threshold`),
/// the keyword rules and the majority class, and count.
pub fn compare<'a>(
    model: &Model,
    head: Head,
    threshold: f32,
    items: impl IntoIterator<Item = (impl Into<Input<'a>>, usize)>,
) -> Comparison {
    let items: Vec<(Input<'a>, usize)> = items.into_iter().map(|(t, c)| (t.into(), c)).collect();
    let mut by_class = vec![0usize; head.classes().len()];
    for &(_, c) in &items {
        by_class[c] += 1;
    }
    // Ties go to the lower index (the negative class of a yes/no head).
    let majority_class = (0..by_class.len()).fold(0, |m, c| if by_class[c] > by_class[m] { c } else { m });
    let mut m = Measure::new(head);
    let mut k = Measure::new(head);
    let mut j = Measure::new(head);
    let mut scratch = Scratch::new();
    for &(input, expected) in &items {
        let label = model.classify_with(input, threshold, &mut scratch).label;
        let predicted = model.classes().iter().position(|c| c == label);
        m.add(expected, predicted);
        k.add(expected, Some(baseline::keyword_class(head, input.text)));
        j.add(expected, Some(majority_class));
    }
    Comparison { texts: items.len(), by_class, model: m, keywords: k, majority: j, majority_class }
}

//! Fitting a head: logistic regression (or softmax) by AdaGrad over the
//! hashed features, then calibration and the threshold on the calibration
//! split. Single thread, fixed seed: the same data gives the same bytes.

use tactful_classify::features::{Input, Scratch, Spec, sparse_of};
use tactful_classify::metrics::Tally;
use tactful_classify::model::sigmoid;
use tactful_classify::{Head, Model, ModelError};

/// A text (with its channel, if the source has one) and its class.
pub type Labeled<'a> = (Input<'a>, usize);

/// Settings of one training run.
#[derive(Debug, Clone, Copy)]
pub struct Config {
    /// The features (stored in the model file).
    pub spec: Spec,
    pub epochs: usize,
    pub learning_rate: f32,
    /// L2 penalty, applied to the weights an example touches.
    pub l2: f32,
    /// Weigh each class by the inverse of its share (to the power `balance`:
    /// 0 = no balancing, 1 = full).
    pub balance: f32,
    pub seed: u64,
    /// Weigh features by inverse document frequency (folded into the weights).
    pub idf: bool,
    /// Yes/no heads: scale each feature by its naive-Bayes log-count ratio
    /// (NBSVM, Wang and Manning 2012), smoothed by this much; 0 = off.
    /// Folded into the weights like `idf`.
    pub nb: f32,
    /// Weigh each training source by the inverse of its share of the
    /// training texts, to this power (0 = every text counts the same).
    pub source_balance: f32,
    /// How the calibration and threshold are fitted. 0: the weights are fitted
    /// on the train split, calibration and threshold on the calibration split.
    /// K >= 2: the weights are fitted on the train and calibration splits
    /// together, and calibration and threshold on out-of-fold scores of a
    /// K-fold split of the same texts (cross-fitting): more texts for the
    /// weights, and a threshold chosen on eight times as many texts.
    pub cross_fit: usize,
    /// With per-channel features: also train on every text without its
    /// channel, so the shared weights alone make a whole model for texts of
    /// unknown channel (`tactful classify` without `--channel`), instead of
    /// only the part the channels have in common.
    pub unknown_channel: bool,
    /// Claim heads: weigh each claim by the inverse of the number of claims
    /// its document quoted, to this power (0: every claim counts the same).
    pub doc_balance: f32,
    /// Return the mean of the weights after each epoch from this epoch on
    /// (1-based; 0: the last weights).
    pub average_from: usize,
    /// Claim heads: the weight of each Facebook ad (a negative) in training.
    pub ads_weight: f32,
    /// Claim heads: the weight of each example of the built-in packs in training.
    pub pack_weight: f32,
    /// Claim heads: the weight of the claim files' texts that are not this
    /// head's claims (the other head's claims, missing disclosures, `ok`).
    pub other_claims_weight: f32,
    /// Claim heads: train on this many copies of each claim with words
    /// dropped at random (each word with probability `dropout`), so the
    /// weight spreads over more of a claim's words than its document's own.
    pub dropout_copies: usize,
    pub dropout: f32,
    /// Claim heads: set the threshold on the ordinary texts that no rule of
    /// the head's categories flags (the false alarms the head adds to
    /// `tactful check`, which shows its finding only where no such rule
    /// fired), instead of on every ordinary text.
    pub fa_beside_rules: bool,
    /// Yes/no heads: focal loss (Lin et al. 2017): each text's gradient
    /// times (1 - p of its own class)^focal, so the texts the model already
    /// gets right weigh less (0: plain logistic loss).
    pub focal: f32,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            spec: Spec::V1,
            epochs: 12,
            learning_rate: 0.4,
            l2: 1e-6,
            balance: 0.5,
            seed: 0x7AC7_F017,
            idf: false,
            nb: 0.0,
            source_balance: 0.0,
            cross_fit: 0,
            unknown_channel: false,
            doc_balance: 0.0,
            average_from: 0,
            ads_weight: 1.0,
            pack_weight: 1.0,
            other_claims_weight: 1.0,
            dropout_copies: 0,
            dropout: 0.3,
            fa_beside_rules: false,
            focal: 0.0,
        }
    }
}

impl Config {
    /// The shipped settings of a head (chosen by cross-validation on the
    /// train and calibration parts; see `tactful-train --cv`).
    pub fn for_head(head: Head) -> Config {
        let cues = Spec { cues: true, ..Spec::V1 };
        match head {
            Head::ContentKind => Config::default(),
            // 10-fold CV F1 (train + calibration parts, mean of 5 dealings of
            // the folds): 0.785 with the sentiment lexicon, 0.779 without it,
            // 0.745 with the first defaults; the whole recipe with its own
            // threshold (`--cv-recipe`): 0.781 against 0.769 without it.
            Head::CustomerRequest => {
                Config { spec: Spec { lexicon: true, ..cues }, learning_rate: 0.1, ..Config::default() }
            }
            // 10-fold CV pooled F1 (mean of 3 dealings): 0.952 with a
            // per-channel copy of each feature, 0.935 without (YouTube 0.963
            // against 0.944); 0.915 with the first defaults. Training each
            // text also without its channel keeps that (whole recipe 0.945
            // against 0.947) and lifts texts of unknown channel from 0.873
            // to 0.930 (SMS 0.905 to 0.963), as good as a head without
            // channels (0.930).
            Head::Spam => Config {
                spec: Spec { channels: true, ..cues },
                learning_rate: 0.1,
                nb: 0.5,
                unknown_channel: true,
                ..Config::default()
            },
            // Few positives (about 250 claims) among tens of thousands of
            // ordinary texts: cue words and the claim vocabulary cues on.
            // Less class balance did better at every step measured (rules or
            // model, first vocabulary: 0.846/0.833 at 0.5 against 0.838/0.817
            // at full balance; model alone below). No character n-grams: the heads run on every draft, and the
            // n-grams cost half the bulk check's speed for one claim of 117
            // (model alone, leave-documents-out: 0.709 against 0.718).
            //
            // Leave-documents-out, model alone at 0.5% false alarms, summed
            // over five dealings of the documents (`--loso-seed 0..4`),
            // health/earnings: class balance 0.5 0.807/0.663; no class
            // balance 0.810/0.717 (the threshold sits in the top 0.5% of
            // ordinary texts, and an unweighted loss ranks that tail better);
            // with four copies of each claim, each word dropped with
            // probability 0.3, 0.809/0.743 (a claim's weight spreads over
            // more of its words than its document's own). docs/evaluation.md
            // lists every setting measured.
            Head::HealthClaim | Head::EarningsClaim => Config {
                spec: Spec { claims: true, claims_v2: true, char_max: 0, ..cues },
                learning_rate: 0.2,
                balance: 0.0,
                dropout_copies: 4,
                dropout: 0.3,
                ..Config::default()
            },
        }
    }
}

/// Fit the weights on `(text, class)` pairs; returns the quantised model with
/// identity calibration.
pub fn fit(head: Head, items: &[Labeled<'_>], cfg: &Config) -> Result<Model, ModelError> {
    fit_weighted(head, items, None, cfg)
}

/// The weight of each text when its source is balanced (`source_balance`):
/// `groups[i]` is the source of text `i`.
pub fn source_weights(groups: &[usize], cfg: &Config) -> Vec<f32> {
    let k = groups.iter().max().map_or(0, |m| m + 1);
    let mut n = vec![0usize; k];
    for &g in groups {
        n[g] += 1;
    }
    let used = n.iter().filter(|&&c| c > 0).count().max(1) as f32;
    let total = groups.len().max(1) as f32;
    groups.iter().map(|&g| (total / (used * n[g] as f32)).powf(cfg.source_balance)).collect()
}

/// [`fit`] with a weight per text (None: all 1).
pub fn fit_weighted(
    head: Head,
    items: &[Labeled<'_>],
    item_weights: Option<&[f32]>,
    cfg: &Config,
) -> Result<Model, ModelError> {
    let classes = head.classes();
    let k = classes.len();
    let outputs = if k == 2 { 1 } else { k };
    // Each text of known channel once more without it (see `unknown_channel`).
    let doubled: Vec<Labeled<'_>>;
    let doubled_weights: Vec<f32>;
    let (items, item_weights) = if cfg.spec.channels && cfg.unknown_channel {
        doubled = items.iter().copied().chain(channel_less_copies(items).map(|(_, l)| l)).collect();
        doubled_weights = item_weights.map_or_else(Vec::new, |w| {
            w.iter().copied().chain(channel_less_copies(items).map(|(i, _)| w[i])).collect()
        });
        (&doubled[..], item_weights.map(|_| &doubled_weights[..]))
    } else {
        (items, item_weights)
    };
    let mut scratch = Scratch::new();
    let mut rows: Vec<Vec<(u32, f32)>> =
        items.iter().map(|(t, _)| sparse_of(t, &cfg.spec, &mut scratch)).collect();
    // Inverse document frequency, folded into the weights at the end (the
    // model scales raw counts, so w_j * idf_j gives the same scores).
    let idf: Vec<f32> = if cfg.idf {
        let mut df = vec![0u32; 1 << cfg.spec.bits];
        for r in &rows {
            for &(j, _) in r {
                df[j as usize] += 1;
            }
        }
        let n = rows.len() as f32;
        df.iter().map(|&d| ((n + 1.0) / (d as f32 + 1.0)).ln() + 1.0).collect()
    } else if cfg.nb > 0.0 && k == 2 {
        let mut p = vec![cfg.nb; 1 << cfg.spec.bits];
        let mut q = vec![cfg.nb; 1 << cfg.spec.bits];
        for (r, (_, c)) in rows.iter().zip(items) {
            let side = if *c == 1 { &mut p } else { &mut q };
            for &(j, _) in r {
                side[j as usize] += 1.0;
            }
        }
        let (sp, sq): (f32, f32) = (p.iter().sum(), q.iter().sum());
        p.iter().zip(&q).map(|(a, b)| ((a / sp) / (b / sq)).ln().abs().max(0.05)).collect()
    } else {
        vec![1.0; 1 << cfg.spec.bits]
    };
    for r in &mut rows {
        for (j, v) in r.iter_mut() {
            *v *= idf[*j as usize];
        }
    }
    let mut counts = vec![0usize; k];
    for (_, c) in items {
        counts[*c] += 1;
    }
    let n = items.len().max(1) as f32;
    let class_weight: Vec<f32> = counts
        .iter()
        .map(|&c| if c == 0 { 0.0 } else { (n / (k as f32 * c as f32)).powf(cfg.balance) })
        .collect();

    let mut w = vec![0f32; outputs << cfg.spec.bits];
    let mut g2 = vec![1e-8f32; outputs << cfg.spec.bits];
    let mut bias = vec![0f32; outputs];
    let mut bias_g2 = vec![1e-8f32; outputs];
    let mut order: Vec<usize> = (0..items.len()).collect();
    let mut rng = tactful_core::seeded::Rng(cfg.seed);
    let mut z = vec![0f32; outputs];
    let mut grad = vec![0f32; outputs];
    let mut sum_w: Vec<f32> = Vec::new();
    let mut sum_bias = vec![0f32; outputs];
    let mut summed = 0usize;
    for epoch in 1..=cfg.epochs {
        for i in (1..order.len()).rev() {
            order.swap(i, rng.index(i + 1));
        }
        for &i in &order {
            let x = &rows[i];
            let y = items[i].1;
            let cw = class_weight[y] * item_weights.map_or(1.0, |w| w[i]);
            z.copy_from_slice(&bias);
            for &(j, v) in x {
                let base = j as usize * outputs;
                for (o, zo) in z.iter_mut().enumerate() {
                    *zo += w[base + o] * v;
                }
            }
            if outputs == 1 {
                let p = sigmoid(z[0]);
                let miss = if y == 1 { 1.0 - p } else { p };
                let focus = if cfg.focal > 0.0 { miss.powf(cfg.focal) } else { 1.0 };
                grad[0] = (p - if y == 1 { 1.0 } else { 0.0 }) * cw * focus;
            } else {
                let m = z.iter().fold(f32::NEG_INFINITY, |m, &a| m.max(a));
                let s: f32 = z.iter().map(|&a| (a - m).exp()).sum();
                for (o, g) in grad.iter_mut().enumerate() {
                    *g = ((z[o] - m).exp() / s - if o == y { 1.0 } else { 0.0 }) * cw;
                }
            }
            for &(j, v) in x {
                let base = j as usize * outputs;
                for (o, g) in grad.iter().enumerate() {
                    let wi = &mut w[base + o];
                    let gi = g * v + cfg.l2 * *wi;
                    g2[base + o] += gi * gi;
                    *wi -= cfg.learning_rate * gi / g2[base + o].sqrt();
                }
            }
            for (o, g) in grad.iter().enumerate() {
                bias_g2[o] += g * g;
                bias[o] -= cfg.learning_rate * g / bias_g2[o].sqrt();
            }
        }
        if cfg.average_from > 0 && epoch >= cfg.average_from {
            if sum_w.is_empty() {
                sum_w = vec![0f32; w.len()];
            }
            sum_w.iter_mut().zip(&w).for_each(|(s, x)| *s += x);
            sum_bias.iter_mut().zip(&bias).for_each(|(s, x)| *s += x);
            summed += 1;
        }
    }
    if summed > 0 {
        let n = summed as f32;
        w.iter_mut().zip(&sum_w).for_each(|(x, s)| *x = s / n);
        bias.iter_mut().zip(&sum_bias).for_each(|(x, s)| *x = s / n);
    }
    for (j, f) in idf.iter().enumerate() {
        for o in 0..outputs {
            w[j * outputs + o] *= f;
        }
    }
    Model::from_parts(head.as_str(), classes, cfg.spec, &w, &bias)
}

/// Each text of known channel as a text of unknown channel, with its index
/// in `items` (for `unknown_channel`).
fn channel_less_copies<'a>(items: &[Labeled<'a>]) -> impl Iterator<Item = (usize, Labeled<'a>)> {
    items
        .iter()
        .enumerate()
        .filter(|(_, (t, _))| t.channel.is_some())
        .map(|(i, (t, c))| (i, (Input::new(t.text, None), *c)))
}

/// The model's raw scores for the texts.
fn logits(model: &Model, items: &[Labeled<'_>]) -> Vec<Vec<f32>> {
    let outputs = if model.is_binary() { 1 } else { model.classes().len() };
    let mut scratch = Scratch::new();
    items
        .iter()
        .map(|(t, _)| {
            let mut z = vec![0f32; outputs];
            model.logits(t, &mut scratch, &mut z);
            z
        })
        .collect()
}

/// One text of the train or calibration split, for [`build`].
#[derive(Debug, Clone, Copy)]
pub struct Item<'a> {
    pub text: &'a str,
    /// Where the source's texts were written (read by heads with
    /// per-channel features).
    pub channel: Option<tactful_classify::Channel>,
    pub class: usize,
    /// Which source it comes from (for `source_balance`).
    pub group: usize,
    /// In the calibration split (else the train split).
    pub calibrate: bool,
}

impl<'a> Item<'a> {
    pub fn input(&self) -> Input<'a> {
        Input::new(self.text, self.channel)
    }
}

/// The fold of a text in cross-fitting: a hash of the text, so the same
/// texts always land in the same fold.
fn fold_of(text: &str, folds: usize) -> usize {
    let mut h: u64 = 0x243F_6A88_85A3_08D3;
    for b in text.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01B3);
    }
    h ^= h >> 29;
    (h.wrapping_mul(0xBF58_476D_1CE4_E5B9) >> 32) as usize % folds
}

/// The whole recipe of a head: weights, calibration and threshold, as
/// `cfg.cross_fit` says.
pub fn build(head: Head, items: &[Item<'_>], cfg: &Config) -> Result<Model, ModelError> {
    let fit_on = |keep: &dyn Fn(usize, &Item<'_>) -> bool| -> Result<Model, ModelError> {
        let chosen: Vec<&Item<'_>> =
            items.iter().enumerate().filter(|(i, it)| keep(*i, it)).map(|(_, it)| it).collect();
        let pairs: Vec<Labeled<'_>> = chosen.iter().map(|it| (it.input(), it.class)).collect();
        let groups: Vec<usize> = chosen.iter().map(|it| it.group).collect();
        fit_weighted(head, &pairs, Some(&source_weights(&groups, cfg)), cfg)
    };
    if cfg.cross_fit < 2 {
        let mut model = fit_on(&|_, it| !it.calibrate)?;
        let mut cal: Vec<Labeled<'_>> =
            items.iter().filter(|it| it.calibrate).map(|it| (it.input(), it.class)).collect();
        if cfg.spec.channels && cfg.unknown_channel {
            // One calibration and threshold for texts with and without a channel.
            let without: Vec<Labeled<'_>> = channel_less_copies(&cal).map(|(_, l)| l).collect();
            cal.extend(without);
        }
        calibrate(&mut model, &cal);
        pick_threshold(&mut model, &cal);
        return Ok(model);
    }
    let k = cfg.cross_fit;
    let folds: Vec<usize> = items.iter().map(|it| fold_of(it.text, k)).collect();
    let mut z: Vec<Vec<f32>> = vec![Vec::new(); items.len()];
    for f in 0..k {
        let m = fit_on(&|i, _| folds[i] != f)?;
        let fold_out: Vec<(usize, Labeled<'_>)> = items
            .iter()
            .enumerate()
            .filter(|(i, _)| folds[*i] == f)
            .map(|(i, it)| (i, (it.input(), it.class)))
            .collect();
        let pairs: Vec<Labeled<'_>> = fold_out.iter().map(|x| x.1).collect();
        for ((i, _), zi) in fold_out.iter().zip(logits(&m, &pairs)) {
            z[*i] = zi;
        }
    }
    let mut model = fit_on(&|_, _| true)?;
    let classes: Vec<usize> = items.iter().map(|it| it.class).collect();
    calibrate_scores(&mut model, &z, &classes);
    pick_threshold_scores(&mut model, &z, &classes);
    Ok(model)
}

/// Fit the calibration on held-out `(text, class)` pairs: Platt scaling for a
/// yes/no head (with Platt's smoothed targets, so a perfectly separated
/// calibration split cannot push the slope to infinity), a temperature for a
/// softmax head.
pub fn calibrate(model: &mut Model, items: &[Labeled<'_>]) {
    let z = logits(model, items);
    let classes: Vec<usize> = items.iter().map(|x| x.1).collect();
    calibrate_scores(model, &z, &classes);
}

/// [`calibrate`] on raw scores already computed (`z[i]` for a text of class `classes[i]`).
pub fn calibrate_scores(model: &mut Model, z: &[Vec<f32>], classes: &[usize]) {
    if z.is_empty() {
        return;
    }
    if model.is_binary() {
        let z0: Vec<f32> = z.iter().map(|zi| zi[0]).collect();
        let (a, b) = platt(&z0, classes);
        model.set_calibration(a, b);
    } else {
        let items: Vec<((), usize)> = classes.iter().map(|&c| ((), c)).collect();
        let nll = |a: f32| -> f64 {
            z.iter()
                .zip(&items)
                .map(|(zi, ((), c))| -f64::from(tactful_classify::model::softmax(zi, a)[*c].max(1e-9)).ln())
                .sum()
        };
        // Golden-section search for the inverse temperature on a log scale.
        let (mut lo, mut hi) = ((0.02f64).ln(), (50.0f64).ln());
        let g = 0.618_034;
        for _ in 0..60 {
            let m1 = hi - g * (hi - lo);
            let m2 = lo + g * (hi - lo);
            if nll(m1.exp() as f32) < nll(m2.exp() as f32) {
                hi = m2;
            } else {
                lo = m1;
            }
        }
        model.set_calibration(f64::midpoint(lo, hi).exp() as f32, 0.0);
    }
}

/// Platt scaling of a yes/no head's raw scores `z` against `classes` (1 =
/// positive), with Platt's smoothed targets: the slope and offset `(a, b)`
/// of p = sigmoid(a·z + b).
pub fn platt(z: &[f32], classes: &[usize]) -> (f32, f32) {
    let pos = classes.iter().filter(|&&c| c == 1).count() as f64;
    let neg = classes.len() as f64 - pos;
    let (hi, lo) = ((pos + 1.0) / (pos + 2.0), 1.0 / (neg + 2.0));
    let (mut a, mut b) = (1.0f64, 0.0f64);
    for _ in 0..100 {
        let (mut ga, mut gb, mut haa, mut hab, mut hbb) = (0.0, 0.0, 1e-9, 0.0, 1e-9);
        for (&zi, &c) in z.iter().zip(classes) {
            let x = f64::from(zi);
            let p = 1.0 / (1.0 + (-(a * x + b)).exp());
            let t = if c == 1 { hi } else { lo };
            let d = p - t;
            let h = (p * (1.0 - p)).max(1e-12);
            ga += d * x;
            gb += d;
            haa += h * x * x;
            hab += h * x;
            hbb += h;
        }
        let det = haa * hbb - hab * hab;
        if det.abs() < 1e-18 {
            break;
        }
        let da = (hbb * ga - hab * gb) / det;
        let db = (haa * gb - hab * ga) / det;
        a -= da;
        b -= db;
        if da.abs() + db.abs() < 1e-9 {
            break;
        }
    }
    (a as f32, b as f32)
}

/// Pick a yes/no head's threshold: the one with the best F1 on the
/// calibration pairs (ties: the one nearest 0.5). Softmax heads keep 0 (the
/// winner is always reported).
pub fn pick_threshold(model: &mut Model, items: &[Labeled<'_>]) {
    let z = logits(model, items);
    let classes: Vec<usize> = items.iter().map(|x| x.1).collect();
    pick_threshold_scores(model, &z, &classes);
}

/// [`pick_threshold`] on raw scores already computed.
pub fn pick_threshold_scores(model: &mut Model, z: &[Vec<f32>], classes: &[usize]) {
    if !model.is_binary() || z.is_empty() {
        return;
    }
    let p: Vec<f32> = z.iter().map(|zi| model.calibrate(zi)[1]).collect();
    model.set_threshold(best_threshold(&p, classes));
}

/// The threshold on probabilities `p` (0.05 to 0.95 by 0.01) with the best F1
/// against `classes` (1 = positive); ties: the one nearest 0.5.
pub fn best_threshold(p: &[f32], classes: &[usize]) -> f32 {
    let mut best = (f64::NEG_INFINITY, 0.5f32);
    for step in 5..=95 {
        let t = step as f32 / 100.0;
        let mut tally = Tally::default();
        for (&pi, &c) in p.iter().zip(classes) {
            tally.add(c == 1, pi >= t);
        }
        let f = tally.f1().unwrap_or(0.0);
        if f > best.0 + 1e-12 || ((f - best.0).abs() <= 1e-12 && (t - 0.5).abs() < (best.1 - 0.5).abs()) {
            best = (f, t);
        }
    }
    best.1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toy() -> Vec<Labeled<'static>> {
        let spam = [
            "WIN a FREE prize now, txt WIN to 80086",
            "Free entry! Claim your cash prize today",
            "Subscribe to my channel for free gifts",
            "URGENT: you have won a prize, call now",
        ];
        let ham = [
            "see you at dinner tonight",
            "can you pick up milk on the way home",
            "the meeting moved to three",
            "love you, talk tomorrow",
        ];
        let mut v = Vec::new();
        for _ in 0..5 {
            v.extend(spam.iter().map(|s| (Input::from(*s), 1)));
            v.extend(ham.iter().map(|s| (Input::from(*s), 0)));
        }
        v
    }

    #[test]
    fn training_is_deterministic_and_learns_the_toy_set() {
        let cfg = Config { spec: Spec { bits: 12, ..Spec::V1 }, epochs: 5, ..Config::default() };
        let a = fit(Head::Spam, &toy(), &cfg).unwrap();
        let b = fit(Head::Spam, &toy(), &cfg).unwrap();
        assert_eq!(a.to_bytes(), b.to_bytes());
        let mut s = Scratch::new();
        assert_eq!(a.classify("claim your free prize, txt now", &mut s).label, "spam");
        assert_eq!(a.classify("see you tonight at home", &mut s).label, "not-spam");
    }

    #[test]
    fn calibration_keeps_the_order_and_stays_finite() {
        let cfg = Config { spec: Spec { bits: 12, ..Spec::V1 }, epochs: 5, ..Config::default() };
        let mut m = fit(Head::Spam, &toy(), &cfg).unwrap();
        calibrate(&mut m, &toy());
        pick_threshold(&mut m, &toy());
        let (a, b) = m.calibration();
        assert!(a.is_finite() && a > 0.0 && b.is_finite(), "{a} {b}");
        let mut s = Scratch::new();
        let hi = m.probabilities("WIN a FREE prize", &mut s)[1];
        let lo = m.probabilities("see you at dinner", &mut s)[1];
        assert!(hi > lo);
    }
}

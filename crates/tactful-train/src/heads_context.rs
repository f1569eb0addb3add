//! The context model on the yes/no heads (`customer-request`, `spam`),
//! measured only, nothing written: on the same train, calibration and test
//! split as the hashed head, a logistic head over each text's embedding
//! (L2, C = [`CONTEXT_C`], fitted on the train part), and the blend of the
//! hashed head's logit and the dense one, each divided by its spread on the
//! calibration part (as the claim heads blend them). Each is calibrated
//! (Platt) and given the threshold with the best F1 on the calibration part,
//! as the hashed head is, then scored on every source's test part.

use tactful_classify::metrics::Tally;
use tactful_classify::model::sigmoid;
use tactful_classify::{Channel, Head, Model, Scratch};

use crate::claims::{CONTEXT_C, spread};
use crate::context::Embeddings;
use crate::data::{Example, Source, Split, Use};
use crate::{TrainedHead, dense, train};

/// The three scorers compared, in the order of every array here.
pub const SCORERS: [&str; 3] = ["hashed (shipped)", "context alone", "blend"];

/// Each source's tally under each scorer ([`SCORERS`]).
pub type PerSource = Vec<(Source, [Tally; 3])>;

/// A Platt calibration and a threshold on its probability, fitted on the
/// calibration part as the hashed head's are.
#[derive(Debug, Clone, Copy)]
pub struct Cut {
    pub a: f32,
    pub b: f32,
    pub threshold: f32,
}

impl Cut {
    fn fit(z: &[f32], classes: &[usize]) -> Cut {
        let (a, b) = train::platt(z, classes);
        let p: Vec<f32> = z.iter().map(|&x| sigmoid(a * x + b)).collect();
        Cut { a, b, threshold: train::best_threshold(&p, classes) }
    }

    fn says(&self, z: f32) -> bool {
        sigmoid(self.a * z + self.b) >= self.threshold
    }
}

/// One source's test part under each scorer.
#[derive(Debug, Clone)]
pub struct SourceFigures {
    pub source: Source,
    pub used: Use,
    pub tallies: [Tally; 3],
    /// 95% bootstrap interval of each scorer's F1 (2,000 resamples of the
    /// test texts, the same resamples for all three, fixed seed).
    pub intervals: [(f64, f64); 3],
    /// 95% bootstrap interval of the blend's F1 minus the hashed head's.
    pub blend_gain: (f64, f64),
}

/// A head measured with the context model.
#[derive(Debug, Clone)]
pub struct HeadFigures {
    pub head: Head,
    /// The dense head also read each text's channel.
    pub per_channel: bool,
    /// Texts the dense head was fitted on, and calibrated on.
    pub train_texts: usize,
    pub calibrate_texts: usize,
    /// The spread of the hashed and of the dense logit on the calibration part.
    pub scales: (f32, f32),
    pub context_cut: Cut,
    pub blend_cut: Cut,
    /// F1 of each scorer on each trained source's calibration part (where
    /// the thresholds were chosen: not a held-out figure).
    pub calibration: PerSource,
    pub test: Vec<SourceFigures>,
}

/// The texts [`measure`] embeds: the train and calibration parts of the
/// trained sources and the test part of every source.
pub fn texts_needed(sets: &[(Source, Use, Vec<Example>)]) -> Vec<&str> {
    sets.iter()
        .flat_map(|(_, u, ex)| {
            ex.iter().filter(move |e| *u == Use::Train || e.split == Split::Test).map(|e| e.text.as_str())
        })
        .collect()
}

/// A text's row for the dense head: its embedding, and with `per_channel`
/// a copy of it for the text's channel (zeros for the other channels) and
/// a bias per channel, as the hashed head's per-channel copies.
fn row(e: &Example, emb: &Embeddings, per_channel: bool) -> Vec<f32> {
    let v = emb.get(&e.text);
    assert_eq!(v.len(), tactful_context::encoder::WIDTH, "a text was not embedded");
    if !per_channel {
        return v.to_vec();
    }
    let mut out = v.to_vec();
    for ch in Channel::ALL {
        if ch == e.channel {
            out.extend_from_slice(v);
        } else {
            out.extend(std::iter::repeat_n(0.0, v.len()));
        }
    }
    out.extend(Channel::ALL.map(|ch| if ch == e.channel { 1.0 } else { 0.0 }));
    out
}

/// The three scorers fitted: the hashed head (given), the dense head on the
/// train texts, and the context and blend cuts on the calibration texts.
struct Recipe {
    hashed: Model,
    head: Head,
    dense: dense::Linear,
    per_channel: bool,
    scales: (f32, f32),
    context_cut: Cut,
    blend_cut: Cut,
}

impl Recipe {
    fn fit(
        hashed: Model,
        head: Head,
        fit_on: &[&Example],
        cal: &[&Example],
        emb: &Embeddings,
        per_channel: bool,
    ) -> Recipe {
        let rows: Vec<Vec<f32>> = fit_on.iter().map(|e| row(e, emb, per_channel)).collect();
        let xs: Vec<&[f32]> = rows.iter().map(Vec::as_slice).collect();
        let ys: Vec<bool> = fit_on.iter().map(|e| e.class == 1).collect();
        let dense = dense::fit(&xs, &ys, CONTEXT_C);
        let mut r = Recipe {
            hashed,
            head,
            dense,
            per_channel,
            scales: (1.0, 1.0),
            context_cut: Cut { a: 1.0, b: 0.0, threshold: 0.5 },
            blend_cut: Cut { a: 1.0, b: 0.0, threshold: 0.5 },
        };
        let mut scratch = Scratch::new();
        let z: Vec<(f32, f32)> = cal.iter().map(|e| r.logits(e, emb, &mut scratch)).collect();
        let classes: Vec<usize> = cal.iter().map(|e| e.class).collect();
        let (zh, zd): (Vec<f32>, Vec<f32>) = z.iter().copied().unzip();
        r.scales = (spread(&zh), spread(&zd));
        let zb: Vec<f32> = z.iter().map(|&(h, d)| r.blend(h, d)).collect();
        r.context_cut = Cut::fit(&zd, &classes);
        r.blend_cut = Cut::fit(&zb, &classes);
        r
    }

    /// The hashed head's raw logit (with the text's channel) and the dense one.
    fn logits(&self, e: &Example, emb: &Embeddings, scratch: &mut Scratch) -> (f32, f32) {
        let mut out = [0f32];
        self.hashed.logits(e.input(), scratch, &mut out);
        (out[0], self.dense.logit(&row(e, emb, self.per_channel)))
    }

    fn blend(&self, h: f32, d: f32) -> f32 {
        h / self.scales.0 + d / self.scales.1
    }

    /// Each scorer's answer on a text: hashed (at its own threshold), context, blend.
    fn said(&self, e: &Example, emb: &Embeddings, scratch: &mut Scratch) -> [bool; 3] {
        let (h, d) = self.logits(e, emb, scratch);
        let p = self.hashed.calibrate(&[h]);
        let hashed = self.hashed.decide(&p, self.hashed.threshold()).label == self.head.classes()[1];
        [hashed, self.context_cut.says(d), self.blend_cut.says(self.blend(h, d))]
    }
}

/// The train or calibration part of the trained sources.
fn part(sets: &[(Source, Use, Vec<Example>)], split: Split) -> Vec<&Example> {
    sets.iter()
        .filter(|(_, u, _)| *u == Use::Train)
        .flat_map(|(_, _, ex)| ex.iter().filter(move |e| e.split == split))
        .collect()
}

fn tally(pairs: &[(bool, [bool; 3])]) -> [Tally; 3] {
    let mut out = [Tally::default(); 3];
    for (y, s) in pairs {
        for (o, &p) in out.iter_mut().zip(s) {
            o.add(*y, p);
        }
    }
    out
}

/// Measure `t` (the hashed head, trained by [`crate::run_head`] on `sets`)
/// beside the context model's head and the blend of both; with
/// `per_channel`, the dense head also reads each text's channel ([`row`]).
pub fn measure(
    t: &TrainedHead,
    sets: &[(Source, Use, Vec<Example>)],
    emb: &Embeddings,
    per_channel: bool,
) -> HeadFigures {
    let (fit_on, cal) = (part(sets, Split::Train), part(sets, Split::Calibrate));
    let r = Recipe::fit(t.model.clone(), t.head, &fit_on, &cal, emb, per_channel);
    let mut scratch = Scratch::new();
    let mut said = |e: &Example| (e.class == 1, r.said(e, emb, &mut scratch));
    let mut calibration = Vec::new();
    let mut test = Vec::new();
    for (source, used, ex) in sets {
        if *used == Use::Train {
            let pairs: Vec<_> = ex.iter().filter(|e| e.split == Split::Calibrate).map(&mut said).collect();
            calibration.push((*source, tally(&pairs)));
        }
        let pairs: Vec<_> = ex.iter().filter(|e| e.split == Split::Test).map(&mut said).collect();
        let (intervals, blend_gain) = bootstrap(&pairs);
        test.push(SourceFigures {
            source: *source,
            used: *used,
            tallies: tally(&pairs),
            intervals,
            blend_gain,
        });
    }
    HeadFigures {
        head: t.head,
        per_channel,
        train_texts: fit_on.len(),
        calibrate_texts: cal.len(),
        scales: r.scales,
        context_cut: r.context_cut,
        blend_cut: r.blend_cut,
        calibration,
        test,
    }
}

/// Cross-validation of the three recipes on the train and calibration parts
/// only (never the test part), as `tactful-train --cv K --cv-recipe` does for
/// the hashed head: the texts are dealt into `folds` folds by the same hash,
/// and each fold is labeled by the hashed head built on the other folds
/// ([`train::build`], each text keeping its train or calibration mark), the
/// dense head fitted on their train texts and the cuts set on their
/// calibration texts. Returns each trained source's tallies and the pooled ones.
pub fn cross_validate(
    sets: &[(Source, Use, Vec<Example>)],
    head: Head,
    cfg: &train::Config,
    emb: &Embeddings,
    per_channel: bool,
    folds: usize,
    repeat: u64,
) -> anyhow::Result<(PerSource, [Tally; 3])> {
    let mut items: Vec<(usize, &Example, usize)> = Vec::new(); // (source, text, fold)
    for (si, (_, u, ex)) in sets.iter().enumerate() {
        if *u != Use::Train {
            continue;
        }
        for e in ex.iter().filter(|e| e.split != Split::Test) {
            items.push((si, e, crate::cv_fold(&e.text, repeat, folds)));
        }
    }
    let mut said = vec![[false; 3]; items.len()];
    let mut scratch = Scratch::new();
    for f in 0..folds {
        let rest: Vec<&(usize, &Example, usize)> = items.iter().filter(|it| it.2 != f).collect();
        let build_on: Vec<train::Item<'_>> = rest
            .iter()
            .map(|it| train::Item {
                text: &it.1.text,
                channel: Some(it.1.channel),
                class: it.1.class,
                group: it.0,
                calibrate: it.1.split == Split::Calibrate,
            })
            .collect();
        let hashed = train::build(head, &build_on, cfg)?;
        let fit_on: Vec<&Example> =
            rest.iter().filter(|it| it.1.split == Split::Train).map(|it| it.1).collect();
        let cal: Vec<&Example> =
            rest.iter().filter(|it| it.1.split == Split::Calibrate).map(|it| it.1).collect();
        let r = Recipe::fit(hashed, head, &fit_on, &cal, emb, per_channel);
        for (i, it) in items.iter().enumerate() {
            if it.2 == f {
                said[i] = r.said(it.1, emb, &mut scratch);
            }
        }
    }
    let pairs = |only: Option<usize>| -> Vec<(bool, [bool; 3])> {
        items
            .iter()
            .zip(&said)
            .filter(|(it, _)| only.is_none_or(|s| s == it.0))
            .map(|(it, s)| (it.1.class == 1, *s))
            .collect()
    };
    let per = sets
        .iter()
        .enumerate()
        .filter(|(_, (_, u, _))| *u == Use::Train)
        .map(|(si, (s, _, _))| (*s, tally(&pairs(Some(si)))))
        .collect();
    Ok((per, tally(&pairs(None))))
}

/// Paired bootstrap over the test texts: each scorer's 95% F1 interval and
/// that of the blend's F1 minus the hashed head's (2,000 resamples, the
/// seed of the model card's intervals).
fn bootstrap(pairs: &[(bool, [bool; 3])]) -> ([(f64, f64); 3], (f64, f64)) {
    if pairs.is_empty() {
        return ([(0.0, 0.0); 3], (0.0, 0.0));
    }
    let mut rng = tactful_core::seeded::Rng(0x5EED_B007);
    let mut next = || rng.next_u64();
    let mut f1s: [Vec<f64>; 4] = Default::default();
    for _ in 0..2000 {
        let mut t = [Tally::default(); 3];
        for _ in 0..pairs.len() {
            let (y, s) = pairs[(next() % pairs.len() as u64) as usize];
            for (o, &p) in t.iter_mut().zip(&s) {
                o.add(y, p);
            }
        }
        let f: Vec<f64> = t.iter().map(|x| x.f1().unwrap_or(0.0)).collect();
        f1s[0].push(f[0]);
        f1s[1].push(f[1]);
        f1s[2].push(f[2]);
        f1s[3].push(f[2] - f[0]);
    }
    let range = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        (v[50], v[1949])
    };
    let [a, b, c, d] = &mut f1s;
    ([range(a), range(b), range(c)], range(d))
}

fn f1(t: &Tally) -> String {
    t.f1().map_or_else(|| "-".into(), |v| format!("{v:.3}"))
}

/// The figures as a Markdown table.
pub fn table(h: &HeadFigures, embedded: usize) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} with the context model (all-MiniLM-L6-v2): dense head{} fitted on {} train texts, L2 C = {CONTEXT_C}; \
         calibration and thresholds on {} calibration texts (context alone: Platt a={:.3} b={:.3}, threshold {:.2}; \
         blend: hashed/{:.3} + dense/{:.3}, Platt a={:.3} b={:.3}, threshold {:.2}); {embedded} texts embedded.\n",
        h.head,
        if h.per_channel { " (embedding, a per-channel copy of it and a bias per channel)" } else { "" },
        h.train_texts,
        h.calibrate_texts,
        h.context_cut.a,
        h.context_cut.b,
        h.context_cut.threshold,
        h.scales.0,
        h.scales.1,
        h.blend_cut.a,
        h.blend_cut.b,
        h.blend_cut.threshold,
    );
    let _ = writeln!(
        s,
        "| source (test part) | use | texts | positives | {} | blend - hashed (95%) |",
        SCORERS.map(|n| format!("{n} F1 (95%)")).join(" | ")
    );
    let _ = writeln!(s, "|---|---|---:|---:|---:|---:|---:|---:|");
    for f in &h.test {
        let cells: Vec<String> = f
            .tallies
            .iter()
            .zip(&f.intervals)
            .map(|(t, (lo, hi))| format!("{} ({lo:.3} to {hi:.3})", f1(t)))
            .collect();
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {:+.3} to {:+.3} |",
            f.source.id,
            match f.used {
                Use::Train => "trained",
                Use::Measure => "measured only",
            },
            f.tallies[0].total(),
            f.tallies[0].positives(),
            cells.join(" | "),
            f.blend_gain.0,
            f.blend_gain.1
        );
    }
    let cal: Vec<String> = h
        .calibration
        .iter()
        .map(|(src, t)| format!("{} {}", src.id, t.iter().map(f1).collect::<Vec<_>>().join("/")))
        .collect();
    let _ = writeln!(s, "\n(calibration part F1, hashed/context/blend: {})", cal.join(", "));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cut_separates_what_the_scores_separate() {
        let z: Vec<f32> = (0..40).map(|i| i as f32 / 4.0 - 5.0).collect();
        let classes: Vec<usize> = (0..40).map(|i| usize::from(i >= 30)).collect();
        let cut = Cut::fit(&z, &classes);
        assert!(cut.a > 0.0, "{cut:?}");
        let right = z.iter().zip(&classes).filter(|(x, c)| cut.says(**x) == (**c == 1)).count();
        assert_eq!(right, 40, "{cut:?}");
    }

    #[test]
    fn the_paired_bootstrap_brackets_the_figures() {
        let pairs: Vec<(bool, [bool; 3])> =
            (0..200).map(|i| (i % 3 == 0, [i % 3 == 0, i % 2 == 0, i % 3 == 0 || i % 7 == 0])).collect();
        let (intervals, gain) = bootstrap(&pairs);
        let f1s = tally(&pairs).map(|t| t.f1().unwrap_or(0.0));
        for ((lo, hi), f) in intervals.iter().zip(f1s) {
            assert!(lo <= hi && *lo <= f + 1e-9 && f <= hi + 1e-9, "{lo} {f} {hi}");
        }
        assert!((intervals[0].0 - 1.0).abs() < 1e-9, "the first scorer is always right");
        assert!(gain.1 <= 0.0, "the blend here only adds false alarms: {gain:?}");
    }
}

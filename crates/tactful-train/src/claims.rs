//! The claim heads (`health-claim`, `earnings-claim`): measured and built by
//! leaving whole documents out. A claim is only worth catching if the model
//! catches claims from documents it never saw, so every claim is scored by
//! a model fitted without its document (folds dealt by document; ordinary
//! texts dealt by text), and the threshold is the one that keeps false alarms
//! on ordinary texts at a chosen rate. The test part of every source (20%,
//! claims by document) is never used here; it is scored once, at the end.

use std::collections::BTreeMap;
use std::path::Path;

use tactful_classify::{Head, Model, Scratch};

use crate::data::{Example, Policy, Split, Use};
use crate::train;

/// The share of ordinary texts a claim head may flag (its threshold is set here).
pub const FALSE_ALARM_TARGET: f64 = 0.005;

/// How many folds the documents are dealt into.
pub const FOLDS: usize = 10;

/// FNV-1a from `seed`, with a final mix: the folds' dealing, and the keys of
/// the context model's cache.
pub(crate) fn hash(bytes: &[u8], seed: u64) -> u64 {
    let mut h: u64 = 0xCBF2_9CE4_8422_2325 ^ seed;
    for &b in bytes {
        h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01B3);
    }
    h ^ (h >> 31)
}

/// One text in the leave-documents-out run.
struct Row<'a> {
    ex: &'a Example,
    fold: usize,
    /// A claim source's text (else an ordinary text or a pack example).
    claim_source: bool,
    /// A copy of a claim with words dropped: trained on, never counted.
    copy: bool,
}

/// What the run measured, for one head.
pub struct Report {
    pub head: Head,
    /// Calibrated probability at or above which a text is flagged.
    pub threshold: f32,
    /// Out-of-fold false alarms on ordinary texts at the threshold (flagged, all).
    pub false_alarms: (usize, usize),
    /// The same, on the ordinary texts no rule of the head's categories
    /// flags (the false alarms the head adds to `tactful check`).
    pub false_alarms_beside_rules: (usize, usize),
    /// Per claim file: whole posts caught by the model, by the rules, by
    /// either; and how many whole posts there are. Then fragments the same way.
    pub recall: BTreeMap<String, [usize; 8]>,
    /// The test part (never tuned on): the same counts.
    pub test_recall: [usize; 8],
    pub test_false_alarms: (usize, usize),
    /// Documents (claim groups) in the run.
    pub documents: usize,
    pub model: Model,
    /// The ordinary texts that scored highest out of fold (score, source,
    /// text), highest first: what the threshold is set against. Claims are
    /// never listed (reading the missed ones would leak them into the vocabulary).
    pub top_ordinary: Vec<(f32, &'static str, String)>,
    /// With the context model: its figures, alone and blended.
    pub context: Option<ContextFigures>,
}

/// The context model's half of a claim head, measured on the same folds.
pub struct ContextFigures {
    /// The shipped dense half and its blend with the hashed head.
    pub head: tactful_context::ClaimHead,
    /// Whole-post claims out of fold: (caught, of) by the context model
    /// alone, by the blend, by the rules or the blend.
    pub alone: (usize, usize),
    pub blend: (usize, usize),
    /// The blend's catches that the finding's own gates keep (`tactful check`
    /// shows a claim-head finding only when at least two words pull toward
    /// the claim, and an earnings one only when the text names money, earning
    /// or a job), read with the shipped hashed head.
    pub blend_gated: (usize, usize),
    pub rules_or_blend: (usize, usize),
    /// Ordinary texts flagged out of fold: alone, blend.
    pub false_alarms_alone: (usize, usize),
    pub false_alarms_blend: (usize, usize),
    /// The test part: the same, with the shipped models.
    pub test_alone: (usize, usize),
    pub test_blend: (usize, usize),
    pub test_rules_or_blend: (usize, usize),
    pub test_false_alarms_blend: (usize, usize),
}

/// The context model's L2 penalty (as 1/C; measured with the same folds
/// in docs/evaluation.md).
pub const CONTEXT_C: f64 = 2.0;

/// Would `tactful check` show a claim-head finding the head flagged? The
/// gates of `tactful_app::heads`: two words that pull toward the claim, and
/// for earnings a subject (money, earning, a job, an amount).
fn gates_keep(model: &Model, head: Head, text: &str) -> bool {
    (head != Head::EarningsClaim || tactful_classify::features::subjects(text).earnings)
        && tactful_classify::explain::drivers(model, 1, text, 3).len() >= 2
}

/// The cut that flags at most `share` of `scores` (strictly above the
/// (allowed+1)-th highest).
fn cut(mut scores: Vec<f32>, share: f64) -> f32 {
    scores.sort_by(|a, b| b.total_cmp(a));
    let allowed = (scores.len() as f64 * share).floor() as usize;
    scores.get(allowed).map_or(f32::INFINITY, |&x| next_up(x))
}

/// The standard deviation of `xs` (at least 1e-6): a blend's scale.
pub(crate) fn spread(xs: &[f32]) -> f32 {
    let n = xs.len().max(1) as f32;
    let mean = xs.iter().sum::<f32>() / n;
    (xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f32>() / n).sqrt().max(1e-6)
}

/// Did the rules catch this claim for this head (any finding of its categories)?
fn rules_catch(engine: &tactful_core::Engine, head: Head, text: &str) -> bool {
    let cats: &[&str] = match head {
        Head::HealthClaim => &["health"],
        _ => &["income", "lifestyle"],
    };
    engine.check(text, tactful_core::Channel::Post).iter().any(|f| cats.contains(&f.category.as_str()))
}

fn tally(counts: &mut [usize; 8], ex: &Example, model_hit: bool, rule_hit: bool) {
    let base = if ex.fragment { 4 } else { 0 };
    counts[base] += usize::from(model_hit);
    counts[base + 1] += usize::from(rule_hit);
    counts[base + 2] += usize::from(model_hit || rule_hit);
    counts[base + 3] += 1;
}

/// Leave documents out: out-of-fold scores for every non-test text, the
/// threshold at the false-alarm target, recall per claim file, then the
/// shipped model (fitted on every non-test text, calibrated on the
/// out-of-fold scores) scored on the test part.
pub fn run(
    data: &Path,
    head: Head,
    policy: Policy,
    cfg: &train::Config,
    seed: u64,
    context: Option<&crate::context::Embeddings>,
) -> anyhow::Result<Report> {
    let sets = crate::head_examples(data, head, policy)?;
    let fold_of = |e: &Example, claim_source: bool| {
        let key = if claim_source { &e.doc } else { &e.text };
        (hash(key.as_bytes(), seed) % FOLDS as u64) as usize
    };
    // Copies of each training claim with words dropped (`dropout_copies`),
    // in their claim's fold.
    let mut copies: Vec<(Example, usize)> = Vec::new();
    if cfg.dropout_copies > 0 {
        let mut rng = tactful_core::seeded::Rng(0xD20F_0C0F ^ seed);
        for (s, u, ex) in &sets {
            let claim_source = s.id.starts_with("claims");
            for e in ex
                .iter()
                .filter(|e| claim_source && e.class == 1 && e.split != Split::Test && *u == Use::Train)
            {
                let words: Vec<&str> = e.text.split_whitespace().collect();
                for _ in 0..cfg.dropout_copies {
                    let kept: Vec<&str> = words
                        .iter()
                        .copied()
                        .filter(|_| rng.below(1000) >= (cfg.dropout * 1000.0) as u64)
                        .collect();
                    if kept.len() >= 3 {
                        let mut c = e.clone();
                        c.text = kept.join(" ");
                        copies.push((c, fold_of(e, true)));
                    }
                }
            }
        }
    }
    let mut rows: Vec<Row<'_>> = Vec::new();
    let mut test: Vec<(&Example, bool)> = Vec::new();
    let mut docs = std::collections::HashSet::new();
    for (s, u, ex) in &sets {
        let claim_source = s.id.starts_with("claims");
        for e in ex {
            if e.split == Split::Test || *u == Use::Measure {
                // Measure-only sources are false-alarm texts in the test figures.
                test.push((e, claim_source));
                continue;
            }
            if claim_source {
                docs.insert(e.doc.clone());
            }
            rows.push(Row { ex: e, fold: fold_of(e, claim_source), claim_source, copy: false });
        }
    }
    rows.extend(copies.iter().map(|(e, fold)| Row { ex: e, fold: *fold, claim_source: true, copy: true }));
    let weights: Vec<f32> = doc_weights(&rows, cfg.doc_balance)
        .into_iter()
        .zip(&rows)
        .map(|(w, r)| match r.ex.source {
            "facebook_ads" => w * cfg.ads_weight,
            "pack_examples" => w * cfg.pack_weight,
            _ if r.claim_source && r.ex.class == 0 => w * cfg.other_claims_weight,
            _ => w,
        })
        .collect();
    let fit_on = |keep: &dyn Fn(&Row<'_>) -> bool| {
        let chosen: Vec<usize> = (0..rows.len()).filter(|&i| keep(&rows[i])).collect();
        let items: Vec<train::Labeled<'_>> =
            chosen.iter().map(|&i| (rows[i].ex.input(), rows[i].ex.class)).collect();
        let w: Vec<f32> = chosen.iter().map(|&i| weights[i]).collect();
        train::fit_weighted(head, &items, Some(&w), cfg)
    };
    let mut z = vec![0f32; rows.len()];
    let mut scratch = Scratch::new();
    for f in 0..FOLDS {
        let m = fit_on(&|r| r.fold != f)?;
        for (i, r) in rows.iter().enumerate() {
            if r.fold == f {
                let mut out = [0f32];
                m.logits(r.ex.input(), &mut scratch, &mut out);
                z[i] = out[0];
            }
        }
    }
    let mut model = fit_on(&|_| true)?;
    let zs: Vec<Vec<f32>> = z.iter().map(|&x| vec![x]).collect();
    let classes: Vec<usize> = rows.iter().map(|r| r.ex.class).collect();
    train::calibrate_scores(&mut model, &zs, &classes);
    let p: Vec<f32> = zs.iter().map(|x| model.calibrate(x)[1]).collect();
    // Ordinary texts: negatives outside the claim files and the pack examples.
    let ordinary = |r: &Row<'_>| !r.claim_source && r.ex.source != "pack_examples" && r.ex.class == 0;
    let engine = tactful_packs::builtin_engine();
    // Ordinary texts no rule of the head's categories flags: where a rule
    // fired, `tactful check` shows the rule's finding, never the head's.
    // The rules' verdict on each ordinary text and each claim, read once.
    let claim = |r: &Row<'_>| r.claim_source && r.ex.class == 1 && !r.copy;
    let ruled: Vec<bool> =
        rows.iter().map(|r| (ordinary(r) || claim(r)) && rules_catch(&engine, head, &r.ex.text)).collect();
    let beside: Vec<bool> = rows.iter().zip(&ruled).map(|(r, &hit)| ordinary(r) && !hit).collect();
    let counted = |i: usize| if cfg.fa_beside_rules { beside[i] } else { ordinary(&rows[i]) };
    let neg: Vec<f32> = (0..rows.len()).filter(|&i| counted(i)).map(|i| p[i]).collect();
    let target =
        std::env::var("TACTFUL_TRAIN_FA").ok().and_then(|v| v.parse().ok()).unwrap_or(FALSE_ALARM_TARGET);
    let cut_p = cut(neg, target);
    let threshold = if cut_p.is_finite() { cut_p } else { 0.5 }.clamp(0.05, 0.99);
    model.set_threshold(threshold);
    let mut top_ordinary: Vec<(f32, &'static str, String)> = rows
        .iter()
        .zip(&p)
        .filter(|(r, _)| ordinary(r))
        .map(|(r, &x)| (x, r.ex.source, r.ex.text.clone()))
        .collect();
    top_ordinary.sort_by(|a, b| b.0.total_cmp(&a.0));
    top_ordinary.truncate(200);
    let mut recall: BTreeMap<String, [usize; 8]> = BTreeMap::new();
    let mut fa = (0, 0);
    let mut fa_beside = (0, 0);
    for (i, (r, &pi)) in rows.iter().zip(&p).enumerate() {
        if ordinary(r) {
            fa.0 += usize::from(pi >= threshold);
            fa.1 += 1;
        }
        if beside[i] {
            fa_beside.0 += usize::from(pi >= threshold);
            fa_beside.1 += 1;
        }
        if claim(r) {
            let c = recall.entry(r.ex.source.to_string()).or_default();
            tally(c, r.ex, pi >= threshold, ruled[i]);
        }
    }
    let test_ruled: Vec<bool> = test
        .iter()
        .map(|(e, claim_source)| *claim_source && e.class == 1 && rules_catch(&engine, head, &e.text))
        .collect();
    let mut test_recall = [0usize; 8];
    let mut test_fa = (0, 0);
    for (j, (e, claim_source)) in test.iter().enumerate() {
        let hit = model.classify(e.input(), &mut scratch).label == head.classes()[1];
        if *claim_source && e.class == 1 {
            tally(&mut test_recall, e, hit, test_ruled[j]);
        } else if !claim_source && e.source != "pack_examples" && e.class == 0 {
            test_fa.0 += usize::from(hit);
            test_fa.1 += 1;
        }
    }
    let context = context.map(|emb| {
        // Out-of-fold context logits; the word-dropped copies are not embedded.
        let mut ze = vec![0f32; rows.len()];
        let fit = |keep: &dyn Fn(&Row<'_>) -> bool| {
            let (xs, ys): (Vec<&[f32]>, Vec<bool>) = rows
                .iter()
                .filter(|r| !r.copy && keep(r))
                .map(|r| (emb.get(&r.ex.text), r.ex.class == 1))
                .unzip();
            crate::dense::fit(&xs, &ys, CONTEXT_C)
        };
        for f in 0..FOLDS {
            let m = fit(&|r| r.fold != f);
            for (i, r) in rows.iter().enumerate() {
                if r.fold == f && !r.copy {
                    ze[i] = m.logit(emb.get(&r.ex.text));
                }
            }
        }
        let dense = fit(&|_| true);
        let counted_i: Vec<usize> = (0..rows.len()).filter(|&i| counted(i)).collect();
        let hashed_neg: Vec<f32> = counted_i.iter().map(|&i| z[i]).collect();
        let context_neg: Vec<f32> = counted_i.iter().map(|&i| ze[i]).collect();
        let (hashed_scale, context_scale) = (spread(&hashed_neg), spread(&context_neg));
        let blend: Vec<f32> = z.iter().zip(&ze).map(|(h, e)| h / hashed_scale + e / context_scale).collect();
        let t_alone = cut(context_neg, target);
        let t_blend = cut(counted_i.iter().map(|&i| blend[i]).collect(), target);
        let shipped = tactful_context::ClaimHead {
            weights: dense.weights.clone(),
            bias: dense.bias,
            hashed_scale,
            context_scale,
            threshold: t_blend,
        };
        let mut fig = ContextFigures {
            head: shipped,
            alone: (0, 0),
            blend: (0, 0),
            blend_gated: (0, 0),
            rules_or_blend: (0, 0),
            false_alarms_alone: (0, 0),
            false_alarms_blend: (0, 0),
            test_alone: (0, 0),
            test_blend: (0, 0),
            test_rules_or_blend: (0, 0),
            test_false_alarms_blend: (0, 0),
        };
        let add = |c: &mut (usize, usize), hit: bool| {
            c.0 += usize::from(hit);
            c.1 += 1;
        };
        for (i, r) in rows.iter().enumerate() {
            if ordinary(r) {
                add(&mut fig.false_alarms_alone, ze[i] >= t_alone);
                add(&mut fig.false_alarms_blend, blend[i] >= t_blend);
            }
            if claim(r) && !r.ex.fragment {
                add(&mut fig.alone, ze[i] >= t_alone);
                add(&mut fig.blend, blend[i] >= t_blend);
                add(&mut fig.blend_gated, blend[i] >= t_blend && gates_keep(&model, head, &r.ex.text));
                add(&mut fig.rules_or_blend, blend[i] >= t_blend || ruled[i]);
            }
        }
        for (j, (e, claim_source)) in test.iter().enumerate() {
            let mut out = [0f32];
            model.logits(e.input(), &mut scratch, &mut out);
            let x = emb.get(&e.text);
            let (alone, both) = (dense.logit(x) >= t_alone, fig.head.flags(out[0], x));
            if *claim_source && e.class == 1 && !e.fragment {
                add(&mut fig.test_alone, alone);
                add(&mut fig.test_blend, both);
                add(&mut fig.test_rules_or_blend, both || test_ruled[j]);
            } else if !claim_source && e.source != "pack_examples" && e.class == 0 {
                add(&mut fig.test_false_alarms_blend, both);
            }
        }
        fig
    });
    if let Ok(dir) = std::env::var("TACTFUL_TRAIN_DUMP") {
        dump(Path::new(&dir), head, &rows, &z, &beside, &test)?;
    }
    Ok(Report {
        head,
        threshold,
        false_alarms: fa,
        false_alarms_beside_rules: fa_beside,
        recall,
        test_recall,
        test_false_alarms: test_fa,
        documents: docs.len(),
        model,
        top_ordinary,
        context,
    })
}

/// Experiments only (`TACTFUL_TRAIN_DUMP=DIR`): every text of the run with
/// its fold, role and out-of-fold score, so another model can be measured
/// on exactly the same folds, ordinary texts and test part.
fn dump(
    dir: &Path,
    head: Head,
    rows: &[Row<'_>],
    z: &[f32],
    beside: &[bool],
    test: &[(&Example, bool)],
) -> anyhow::Result<()> {
    use std::io::Write;
    std::fs::create_dir_all(dir)?;
    let path = dir.join(format!("{}.jsonl", head.as_str()));
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path)?);
    let line =
        |e: &Example, part: &str, fold: usize, claim_source: bool, copy: bool, z: f32, beside: bool| {
            serde_json::json!({
                "text": e.text, "class": e.class, "part": part, "fold": fold,
                "claim_source": claim_source, "copy": copy, "source": e.source,
                "doc": e.doc, "fragment": e.fragment, "z": z, "beside": beside,
            })
        };
    for (i, r) in rows.iter().enumerate() {
        writeln!(out, "{}", line(r.ex, "loso", r.fold, r.claim_source, r.copy, z[i], beside[i]))?;
    }
    for (e, claim_source) in test {
        writeln!(out, "{}", line(e, "test", 0, *claim_source, false, 0.0, false))?;
    }
    out.flush()?;
    eprintln!("wrote {}", path.display());
    Ok(())
}

/// The weight of each row: a claim weighs `(mean claims per document /
/// claims of its document)^power`, so a document that quoted many claims
/// does not teach the model its own wording; every other text weighs 1.
fn doc_weights(rows: &[Row<'_>], power: f32) -> Vec<f32> {
    if power == 0.0 {
        return vec![1.0; rows.len()];
    }
    let mut per_doc: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for r in rows.iter().filter(|r| r.claim_source) {
        *per_doc.entry(r.ex.doc.as_str()).or_default() += 1;
    }
    let claims: usize = per_doc.values().sum();
    let mean = claims as f32 / per_doc.len().max(1) as f32;
    rows.iter()
        .map(|r| if r.claim_source { (mean / per_doc[r.ex.doc.as_str()] as f32).powf(power) } else { 1.0 })
        .collect()
}

/// The smallest f32 above `x`, so that a score equal to the cut is not flagged.
fn next_up(x: f32) -> f32 {
    f32::from_bits(x.to_bits() + 1)
}

fn pct(n: usize, d: usize) -> String {
    if d == 0 { "-".into() } else { format!("{:.3} ({n}/{d})", n as f64 / d as f64) }
}

/// The report as a table (Markdown, for the terminal and the model card).
pub fn table(r: &Report) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{}: leave-documents-out over {} documents in {FOLDS} folds; threshold {:.3} (ordinary texts flagged out of fold: {}; of those no rule flags: {})\n",
        r.head,
        r.documents,
        r.threshold,
        pct(r.false_alarms.0, r.false_alarms.1),
        pct(r.false_alarms_beside_rules.0, r.false_alarms_beside_rules.1)
    );
    let _ = writeln!(
        s,
        "| set | whole posts: model | rules | rules or model | fragments: model | rules | rules or model |"
    );
    let _ = writeln!(s, "|---|---|---|---|---|---|---|");
    let mut all = [0usize; 8];
    let mut row = |name: &str, c: &[usize; 8]| {
        let _ = writeln!(
            s,
            "| {name} | {} | {} | {} | {} | {} | {} |",
            pct(c[0], c[3]),
            pct(c[1], c[3]),
            pct(c[2], c[3]),
            pct(c[4], c[7]),
            pct(c[5], c[7]),
            pct(c[6], c[7])
        );
    };
    for (name, c) in &r.recall {
        row(name, c);
        for (a, b) in all.iter_mut().zip(c) {
            *a += b;
        }
    }
    row("all (out of fold)", &all);
    row("test part (never tuned on)", &r.test_recall);
    let _ = writeln!(
        s,
        "\nTest part, ordinary texts flagged by the shipped model: {}",
        pct(r.test_false_alarms.0, r.test_false_alarms.1)
    );
    if let Some(c) = &r.context {
        let p = |c: (usize, usize)| pct(c.0, c.1);
        let _ = writeln!(
            s,
            "\nWith the context model (all-MiniLM-L6-v2), whole posts; blend threshold {:.3}:\n\n| set | context model alone | hashed and context blended | blend, kept by the finding's gates | rules or blend | ordinary texts flagged (alone, blend) |\n|---|---|---|---|---|---|\n| all (out of fold) | {} | {} | {} | {} | {}, {} |\n| test part (never tuned on) | {} | {} | - | {} | -, {} |",
            c.head.threshold,
            p(c.alone),
            p(c.blend),
            p(c.blend_gated),
            p(c.rules_or_blend),
            p(c.false_alarms_alone),
            p(c.false_alarms_blend),
            p(c.test_alone),
            p(c.test_blend),
            p(c.test_rules_or_blend),
            p(c.test_false_alarms_blend)
        );
    }
    s
}

/// Write the claims quoted in US government documents (FTC, FDA: public
/// domain) as `label<TAB>document<TAB>text` lines: the nearest-example list
/// the claim findings show. Only these may ship in the binary; the other
/// claims train and measure.
pub fn write_examples(data: &Path, path: &Path) -> anyhow::Result<usize> {
    use std::fmt::Write;
    let mut out = String::from(
        "# Claims quoted in FTC and FDA documents (US government works, public domain); written by tactful-train.\n",
    );
    let mut n = 0;
    for file in ["claims/claims-dev.jsonl", "claims/claims-dev-2.jsonl"] {
        let p = data.join(file);
        let text = std::fs::read_to_string(&p).map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?;
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let v: serde_json::Value = serde_json::from_str(line)?;
            let f = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string();
            let (doc, source, label) = (f("doc"), f("source"), f("label"));
            let gov = doc.starts_with("fda-")
                || doc.starts_with("ftc-")
                || source.contains("ftc.gov")
                || source.contains("fda.gov");
            let kind = match label.as_str() {
                "health_claim" => "health",
                "income_claim" | "lifestyle_claim" => "earnings",
                _ => continue,
            };
            if !gov {
                continue;
            }
            let name = if doc.is_empty() { source } else { doc };
            let clean = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
            let _ = writeln!(out, "{kind}\t{}\t{}", clean(&name), clean(&f("text")));
            n += 1;
        }
    }
    std::fs::write(path, out)?;
    Ok(n)
}

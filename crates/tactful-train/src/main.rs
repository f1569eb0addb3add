//! `tactful-train`: train the classifier heads and write their model files,
//! the model card and the held-out texts.
//!
//! ```text
//! tactful-train [--data DIR] [--models DIR] [--heldout FILE] [--head NAME]... [--open-only|--all-licences] [--dry-run]
//! ```
//!
//! `tactful-train --help` explains every flag (cross-validation, training and
//! feature settings). Run it optimised: `cargo run --release -p tactful-train`.

use std::fmt::Write as _;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::{Args, Parser};
use tactful_classify::Head;
use tactful_classify::evaluate::Measure;
use tactful_evalsets::shared_data::run_over;
use tactful_train::data::{self, ALL_SOURCES, Licence, Policy, SPLIT_SEED, Use};
use tactful_train::{TrainedHead, run_head, train};

/// Train the classifier heads of tactful-classify from the shared labeled
/// sets, reproducibly, and write their model files, the model card and the
/// held-out texts.
///
/// Run it optimised: `cargo run --release -p tactful-train -- [OPTIONS]`.
#[derive(Parser, Debug)]
#[command(name = "tactful-train")]
struct Cli {
    /// The shared data folder [default: ../shared/data next to the workspace]
    #[arg(long, value_name = "DIR")]
    data: Option<PathBuf>,
    /// Where to write the model files and MODEL_CARD.md [default: crates/tactful-classify/models]
    #[arg(long, value_name = "DIR")]
    models: Option<PathBuf>,
    /// Where to write the held-out texts for `tactful eval-heads` [default: target/eval/heads.jsonl]
    #[arg(long, value_name = "FILE")]
    heldout: Option<PathBuf>,
    /// Train only this head (content-kind, customer-request, spam, health-claim, earnings-claim);
    /// repeatable [default: every head]
    #[arg(long = "head", value_name = "NAME", value_parser = parse_head)]
    heads: Vec<Head>,
    /// Train only on sets whose licence is open (CC BY 4.0, MIT); the others are only measured
    #[arg(long, overrides_with = "all_licences")]
    open_only: bool,
    /// Also train on the non-commercial sets (for comparison; such weights must not ship)
    #[arg(long, overrides_with = "open_only")]
    all_licences: bool,
    /// Train and report, write nothing
    #[arg(long)]
    dry_run: bool,
    /// Print up to N mistakes per source on the calibration split
    #[arg(long, value_name = "N", default_value_t = 0)]
    show_errors: usize,
    /// Claim heads: also measure and build the context halves with the sentence encoder in DIR
    /// (all-MiniLM-L6-v2: model.safetensors and tokenizer.json), written to crates/tactful-context/heads.json;
    /// the other yes/no heads: also measure a head on its embeddings and its blend with the hashed head
    /// (measured only, nothing written)
    #[arg(long, value_name = "DIR")]
    context: Option<PathBuf>,
    /// With --context: the cache of the texts' embeddings [default: target/context-cache.bin]
    #[arg(long, value_name = "FILE")]
    context_cache: Option<PathBuf>,
    #[command(flatten)]
    cv: CrossValidation,
    #[command(flatten)]
    over: Overrides,
}

/// Cross-validation: measure a recipe, write nothing.
#[derive(Args, Debug)]
#[command(next_help_heading = "Cross-validation")]
struct CrossValidation {
    /// Cross-validate with K folds on the train and calibration parts only, write nothing (0: do not)
    #[arg(long = "cv", value_name = "K", default_value_t = 0)]
    folds: usize,
    /// With --cv: deal the folds R ways and report the mean
    #[arg(long = "cv-repeats", value_name = "R", default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..))]
    repeats: u64,
    /// With --cv: label each fold with the whole recipe and its own threshold (not the best pooled one)
    #[arg(long = "cv-recipe")]
    recipe: bool,
    /// With --cv: score each fold as texts of unknown channel (as `tactful classify` without --channel)
    #[arg(long = "cv-without-channel")]
    without_channel: bool,
    /// Claim heads: deal the documents into folds this other way (0: the shipped dealing), to see
    /// how much a figure moves with the dealing alone
    #[arg(long = "loso-seed", value_name = "N", default_value_t = 0)]
    loso_seed: u64,
}

/// Training and feature settings given on the command line, over each head's
/// defaults (src/train.rs); choose them on the calibration split.
#[derive(Args, Debug, Default)]
#[command(next_help_heading = "Training settings (over each head's defaults in src/train.rs)")]
struct Overrides {
    /// Passes over the training texts
    #[arg(long, value_name = "N")]
    epochs: Option<usize>,
    /// AdaGrad learning rate
    #[arg(long, value_name = "X")]
    lr: Option<f32>,
    /// L2 penalty, applied to the weights an example touches
    #[arg(long, value_name = "X")]
    l2: Option<f32>,
    /// Weigh each class by the inverse of its share, to this power (0: no balancing, 1: full)
    #[arg(long, value_name = "X")]
    balance: Option<f32>,
    /// Yes/no heads: scale each feature by its naive-Bayes log-count ratio, smoothed by X (0: off)
    #[arg(long, value_name = "X")]
    nb: Option<f32>,
    /// Weigh each training source by the inverse of its share of the training texts, to this power
    /// (0: every text counts the same)
    #[arg(long, value_name = "X")]
    source_balance: Option<f32>,
    /// K >= 2: fit the weights on train+calibration, and calibration and threshold on K-fold
    /// out-of-fold scores (0: on the calibration split)
    #[arg(long, value_name = "K")]
    cross_fit: Option<usize>,
    /// Claim heads: weigh each claim by the inverse of its document's number of claims, to this power
    #[arg(long, value_name = "X")]
    doc_balance: Option<f32>,
    /// Keep the mean of the weights after each epoch from epoch N on (0: the last weights)
    #[arg(long, value_name = "N")]
    average_from: Option<usize>,
    /// Claim heads: the weight of each Facebook ad in training
    #[arg(long, value_name = "X")]
    ads_weight: Option<f32>,
    /// Claim heads: the weight of each built-in pack example in training
    #[arg(long, value_name = "X")]
    pack_weight: Option<f32>,
    /// Claim heads: the weight of the claim files' texts that are not the head's claims
    #[arg(long, value_name = "X")]
    other_claims_weight: Option<f32>,
    /// Claim heads: train on N copies of each claim with words dropped at random
    #[arg(long, value_name = "N")]
    dropout_copies: Option<usize>,
    /// Claim heads: with --dropout-copies, the chance each word is dropped
    #[arg(long, value_name = "X")]
    dropout: Option<f32>,
    /// Yes/no heads: focal loss, each text's gradient times (1 - p of its class)^X (0: off)
    #[arg(long, value_name = "X")]
    focal: Option<f32>,
    /// Claim heads: set the threshold on the ordinary texts no rule of the head's categories flags
    #[arg(long)]
    fa_beside_rules: bool,
    #[command(flatten)]
    features: Features,
}

/// Feature settings given on the command line, over each head's defaults.
#[derive(Args, Debug, Default)]
#[allow(clippy::struct_excessive_bools)] // one field per flag, as clap's derive wants: `--x` and `--no-x` apart
#[command(next_help_heading = "Feature settings (over each head's defaults)")]
struct Features {
    /// log2 of the number of hash buckets
    #[arg(long, value_name = "N")]
    bits: Option<u8>,
    /// Character n-grams of the folded text, from MIN to MAX characters (MAX 0: none)
    #[arg(long, value_name = "MIN-MAX", value_parser = parse_chars)]
    chars: Option<(u8, u8)>,
    /// Word bigrams (word unigrams are always read)
    #[arg(long, overrides_with = "no_bigrams")]
    bigrams: bool,
    /// No word bigrams
    #[arg(long, overrides_with = "bigrams")]
    no_bigrams: bool,
    /// Cue tokens read before folding (words in capitals, `!` count, length band, a link, a long number, a
    /// currency sign, question marks, a leading @mention)
    #[arg(long, overrides_with = "no_cues")]
    cues: bool,
    /// No cue tokens
    #[arg(long, overrides_with = "cues")]
    no_cues: bool,
    /// Sentiment cue tokens from the VADER lexicon
    #[arg(long, overrides_with = "no_lexicon")]
    lexicon: bool,
    /// No sentiment cue tokens
    #[arg(long, overrides_with = "lexicon")]
    no_lexicon: bool,
    /// A per-channel copy of every feature besides the shared one
    #[arg(long, overrides_with = "no_channels")]
    channels: bool,
    /// Only the shared copy of each feature
    #[arg(long, overrides_with = "channels")]
    no_channels: bool,
    /// With channels: also train on each text without its channel, so texts of unknown channel score well
    #[arg(long, overrides_with = "no_unknown_channel")]
    unknown_channel: bool,
    /// With channels: train on each text with its channel only
    #[arg(long, overrides_with = "unknown_channel")]
    no_unknown_channel: bool,
    /// With the claim cues: their second vocabulary (MeSH names, inflections, one-letter slips, near pairs)
    #[arg(long, overrides_with = "no_claims_v2")]
    claims_v2: bool,
    /// With the claim cues: their first vocabulary (to measure against the second)
    #[arg(long, overrides_with = "claims_v2")]
    no_claims_v2: bool,
    /// Weigh features by inverse document frequency
    #[arg(long, overrides_with = "no_idf")]
    idf: bool,
    /// No IDF weighting
    #[arg(long, overrides_with = "idf")]
    no_idf: bool,
}

/// `--x` → Some(true), `--no-x` → Some(false) (the later one wins), neither → None.
fn either(yes: bool, no: bool) -> Option<bool> {
    if yes {
        Some(true)
    } else if no {
        Some(false)
    } else {
        None
    }
}

fn parse_head(s: &str) -> Result<Head, String> {
    s.parse()
}

/// `MIN-MAX`, e.g. `3-5`.
fn parse_chars(s: &str) -> Result<(u8, u8), String> {
    let (lo, hi) = s.split_once('-').ok_or_else(|| format!("`{s}`: expected MIN-MAX, like 3-5"))?;
    let n = |x: &str| x.trim().parse::<u8>().map_err(|e| format!("`{s}`: expected MIN-MAX, like 3-5 ({e})"));
    Ok((n(lo)?, n(hi)?))
}

impl Overrides {
    fn config(&self, head: Head) -> train::Config {
        let mut c = train::Config::for_head(head);
        let f = &self.features;
        c.epochs = self.epochs.unwrap_or(c.epochs);
        c.learning_rate = self.lr.unwrap_or(c.learning_rate);
        c.l2 = self.l2.unwrap_or(c.l2);
        c.balance = self.balance.unwrap_or(c.balance);
        c.spec.bits = f.bits.unwrap_or(c.spec.bits);
        if let Some((a, b)) = f.chars {
            c.spec.char_min = a;
            c.spec.char_max = b;
        }
        c.spec.word_bigrams = either(f.bigrams, f.no_bigrams).unwrap_or(c.spec.word_bigrams);
        c.spec.cues = either(f.cues, f.no_cues).unwrap_or(c.spec.cues);
        c.spec.lexicon = either(f.lexicon, f.no_lexicon).unwrap_or(c.spec.lexicon);
        c.spec.channels = either(f.channels, f.no_channels).unwrap_or(c.spec.channels);
        c.unknown_channel = either(f.unknown_channel, f.no_unknown_channel).unwrap_or(c.unknown_channel);
        c.spec.claims_v2 = either(f.claims_v2, f.no_claims_v2).unwrap_or(c.spec.claims_v2);
        c.idf = either(f.idf, f.no_idf).unwrap_or(c.idf);
        c.nb = self.nb.unwrap_or(c.nb);
        c.source_balance = self.source_balance.unwrap_or(c.source_balance);
        c.cross_fit = self.cross_fit.unwrap_or(c.cross_fit);
        c.doc_balance = self.doc_balance.unwrap_or(c.doc_balance);
        c.average_from = self.average_from.unwrap_or(c.average_from);
        c.ads_weight = self.ads_weight.unwrap_or(c.ads_weight);
        c.pack_weight = self.pack_weight.unwrap_or(c.pack_weight);
        c.fa_beside_rules |= self.fa_beside_rules;
        c.focal = self.focal.unwrap_or(c.focal);
        c.dropout_copies = self.dropout_copies.unwrap_or(c.dropout_copies);
        c.dropout = self.dropout.unwrap_or(c.dropout);
        c.other_claims_weight = self.other_claims_weight.unwrap_or(c.other_claims_weight);
        c
    }
}

/// The command line with its defaults filled in.
struct Settings {
    data: PathBuf,
    models: PathBuf,
    heldout: PathBuf,
    heads: Vec<Head>,
    policy: Policy,
    dry_run: bool,
    show_errors: usize,
    context: Option<PathBuf>,
    context_cache: PathBuf,
    cv: CrossValidation,
    over: Overrides,
}

impl From<Cli> for Settings {
    fn from(cli: Cli) -> Settings {
        let root = data::workspace_root();
        let policy = if cli.open_only {
            Policy::OpenOnly
        } else if cli.all_licences {
            Policy::All
        } else {
            Policy::Default
        };
        Settings {
            data: cli.data.unwrap_or_else(data::default_data_dir),
            models: cli.models.unwrap_or_else(|| root.join("crates").join("tactful-classify").join("models")),
            heldout: cli.heldout.unwrap_or_else(|| root.join("target").join("eval").join("heads.jsonl")),
            heads: if cli.heads.is_empty() { Head::ALL.to_vec() } else { cli.heads },
            policy,
            dry_run: cli.dry_run,
            show_errors: cli.show_errors,
            context: cli.context,
            context_cache: cli.context_cache.unwrap_or_else(|| root.join("target").join("context-cache.bin")),
            cv: cli.cv,
            over: cli.over,
        }
    }
}

fn pct(x: Option<f64>) -> String {
    x.map_or_else(|| "   -".into(), |v| format!("{v:.3}"))
}

fn prf(m: &Measure) -> String {
    format!("{} {} {}", pct(m.precision()), pct(m.recall()), pct(m.f1()))
}

fn used(u: Use) -> &'static str {
    match u {
        Use::Train => "trained",
        Use::Measure => "measured only",
    }
}

/// The report table of one head, as Markdown.
fn table(t: &TrainedHead) -> String {
    let mut s = String::new();
    let binary = t.head.positive().is_some();
    let what = if binary {
        format!("F1 of `{}`", t.head.positive().unwrap_or_default())
    } else {
        "macro-F1 over the classes present".into()
    };
    let _ = writeln!(s, "Held-out split; P/R/F1 = precision, recall, {what}.\n");
    let _ = writeln!(
        s,
        "| source | use | texts | model P | model R | **model F1** | keywords P | keywords R | keywords F1 | majority F1 |"
    );
    let _ = writeln!(s, "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (src, u, c) in &t.results {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | **{}** | {} | {} | {} | {} |",
            src.id,
            used(*u),
            c.texts,
            pct(c.model.precision()),
            pct(c.model.recall()),
            pct(c.model.f1()),
            pct(c.keywords.precision()),
            pct(c.keywords.recall()),
            pct(c.keywords.f1()),
            pct(c.majority.f1())
        );
    }
    if !binary {
        let _ = writeln!(
            s,
            "\nPer-class F1 of the model on each held-out part (classes absent from a source are left blank):\n"
        );
        let classes = t.head.classes();
        let _ = writeln!(s, "| source | accuracy | {} |", classes.join(" | "));
        let _ = writeln!(s, "|---|---:|{}", "---:|".repeat(classes.len()));
        for (src, _, c) in &t.results {
            if let Measure::Multi(conf) = &c.model {
                let cells: Vec<String> = (0..classes.len())
                    .map(|k| {
                        if c.by_class[k] == 0 {
                            String::new()
                        } else {
                            format!("{} (n={})", pct(conf.tally(k).f1()), c.by_class[k])
                        }
                    })
                    .collect();
                let _ = writeln!(s, "| {} | {} | {} |", src.id, pct(conf.accuracy()), cells.join(" | "));
            }
        }
    }
    s
}

fn split_table(t: &TrainedHead) -> String {
    let mut s = String::new();
    let classes = t.head.classes();
    let _ = writeln!(s, "| source | use | train | calibrate | test |");
    let _ = writeln!(s, "|---|---|---|---|---|");
    for sp in &t.splits {
        let cell = |v: &Vec<usize>| {
            let parts: Vec<String> =
                classes.iter().zip(v).filter(|(_, n)| **n > 0).map(|(c, n)| format!("{c} {n}")).collect();
            format!("{} ({})", v.iter().sum::<usize>(), parts.join(", "))
        };
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} |",
            sp.source.id,
            used(sp.used),
            cell(&sp.counts[0]),
            cell(&sp.counts[1]),
            cell(&sp.counts[2])
        );
    }
    s
}

fn print_summary(t: &TrainedHead, secs: f64) {
    let (a, b) = t.model.calibration();
    println!(
        "\n== {}  (trained in {secs:.1}s; calibration a={a:.3} b={b:.3}; threshold {:.2})",
        t.head,
        t.model.threshold()
    );
    println!(
        "{:<14} {:<14} {:>6}   {:<20} {:<20} {:>8}",
        "source", "use", "texts", "model P R F1", "keywords P R F1", "major.F1"
    );
    for (src, u, c) in &t.results {
        println!(
            "{:<14} {:<14} {:>6}   {:<20} {:<20} {:>8}",
            src.id,
            used(*u),
            c.texts,
            prf(&c.model),
            prf(&c.keywords),
            pct(c.majority.f1())
        );
    }
    let cal: Vec<String> =
        t.calibration.iter().map(|(s, c)| format!("{} {}", s.id, pct(c.model.f1()))).collect();
    println!("(calibration split F1: {})", cal.join(", "));
}

/// Print the model's mistakes on the calibration split (never the test split,
/// so looking at them does not tune the model to its own exam).
fn show_errors(data: &Path, t: &TrainedHead, policy: Policy, n: usize) -> Result<()> {
    let mut scratch = tactful_classify::Scratch::new();
    for (src, u, ex) in tactful_train::head_examples(data, t.head, policy)? {
        if u != Use::Train {
            continue;
        }
        let wrong: Vec<_> = ex
            .iter()
            .filter(|e| e.split == data::Split::Calibrate)
            .filter_map(|e| {
                let p = t.model.classify(e.input(), &mut scratch);
                (p.label != t.head.classes()[e.class]).then(|| (e, p.label.to_string(), p.score))
            })
            .collect();
        println!("-- {} calibration errors on {} ({}):", t.head, src.id, wrong.len());
        for (e, label, score) in wrong.iter().take(n) {
            let text: String = e.text.chars().take(140).collect();
            println!("   expected {:<13} got {:<13} {score:.2}  {text:?}", t.head.classes()[e.class], label);
        }
    }
    Ok(())
}

fn write_heldout(path: &Path, heads: &[TrainedHead]) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let f = std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let mut w = BufWriter::new(f);
    for t in heads {
        for e in &t.heldout {
            let v = serde_json::json!({
                "head": t.head.as_str(),
                "source": e.source,
                "label": t.head.classes()[e.class],
                "channel": e.channel.as_str(),
                "text": e.text,
            });
            serde_json::to_writer(&mut w, &v)?;
            w.write_all(b"\n")?;
        }
    }
    w.flush()?;
    Ok(())
}

fn model_card(args: &Settings, heads: &[TrainedHead], sizes: &[(Head, usize)]) -> String {
    let mut s = String::new();
    s.push_str(CARD_HEAD);
    let _ = writeln!(s, "\n## Sources and licences\n");
    let _ = writeln!(s, "| source | file under `../shared/data` | licence | weights may ship? | used by |");
    let _ = writeln!(s, "|---|---|---|---|---|");
    for src in ALL_SOURCES {
        let ships = match src.licence {
            Licence::Open => "yes, with attribution",
            Licence::NonCommercial => "no (non-commercial, share-alike): measured only, never trained on",
            Licence::Unstated => "unclear: no licence stated upstream",
        };
        let users: Vec<String> = heads
            .iter()
            .filter_map(|t| {
                t.splits
                    .iter()
                    .find(|sp| sp.source.id == src.id)
                    .map(|sp| format!("{} ({})", t.head, used(sp.used)))
            })
            .collect();
        let _ = writeln!(
            s,
            "| {} | `{}` | {} | {} | {} |",
            src.id,
            src.path,
            src.licence_name,
            ships,
            users.join(", ")
        );
    }
    s.push_str(CARD_LICENCE_NOTE);
    s.push_str(CARD_LABELS);
    let _ = writeln!(s, "\n## Training\n");
    let _ = writeln!(
        s,
        "Features: hashed word unigrams, and per head word bigrams, character n-grams of the folded text \
         (lower case, accents folded, digits as `0`) and cue tokens read before folding (how many words are in \
         capitals, `!` count, length band, a link, a long number, a currency sign, a question mark and a closing \
         one, a leading @mention, the first word after the leading mentions, and how many words are on short \
         hand-written lists of complaint and negative words, negations, first-person and second-person words), scaled by 1/sqrt(feature count); \
         the model file records which. \
         Model: logistic regression (`customer-request`, `spam`) or softmax (`content-kind`), AdaGrad, \
         classes weighted by (share)^-balance, one thread, fixed shuffle seed. \
         Weights are quantised to i8 with one scale per head; every figure below is measured on the quantised model. \
         Calibration: Platt scaling (yes/no heads) or a temperature (content-kind) fitted on the calibration split; \
         threshold: the best F1 on the calibration split.{}\n",
        match args.policy {
            Policy::OpenOnly => " **Trained with `--open-only`.**",
            Policy::All =>
                " **Trained with `--all-licences`: these weights include non-commercial data and must not ship.**",
            Policy::Default => "",
        }
    );
    for t in heads {
        let c = &t.cfg;
        let chars = if c.spec.char_max == 0 {
            "no character n-grams".to_string()
        } else {
            format!("character {}- to {}-grams", c.spec.char_min, c.spec.char_max)
        };
        let _ = writeln!(
            s,
            "- `{}`: {chars}, word bigrams {}, cues {}, per-channel copies {}{}, 2^{} buckets; {} epochs, learning rate {}, L2 {}, class balance {}, naive-Bayes scaling {}, source balance {}, shuffle seed {:#x}.",
            t.head,
            if c.spec.word_bigrams { "yes" } else { "no" },
            if c.spec.cues { "yes" } else { "no" },
            if c.spec.channels { "yes" } else { "no" },
            if c.spec.channels && c.unknown_channel {
                " (and every text also without its channel)"
            } else {
                ""
            },
            c.spec.bits,
            c.epochs,
            c.learning_rate,
            c.l2,
            c.balance,
            if c.nb > 0.0 { format!("smoothed by {}", c.nb) } else { "no".into() },
            c.source_balance,
            c.seed,
        );
    }
    let _ = writeln!(
        s,
        "\nSplit: per source, each text (deduplicated after folding case and spacing) goes to train (70%), calibrate (10%) \
         or test (20%) by a hash of `{SPLIT_SEED}`, the source id and the text; duplicates cannot straddle splits."
    );
    for t in heads {
        let (a, b) = t.model.calibration();
        let size = sizes.iter().find(|(h, _)| *h == t.head).map_or(0, |(_, n)| *n);
        let _ = writeln!(s, "\n## `{}`\n", t.head);
        let _ = writeln!(
            s,
            "File `{}` ({} bytes); classes {}; calibration a = {a:.4}, b = {b:.4}; default threshold {:.2}.\n",
            t.head.file_name(),
            size,
            t.head.classes().iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", "),
            t.model.threshold()
        );
        let _ = writeln!(s, "Texts per split:\n");
        s.push_str(&split_table(t));
        s.push('\n');
        s.push_str(&table(t));
    }
    let _ = writeln!(s, "\n## Targets of issue 5\n");
    let _ = writeln!(
        s,
        "| head | held-out source | positives | target F1 | model F1 | 95% interval | met? | model macro-F1 |"
    );
    let _ = writeln!(s, "|---|---|---:|---:|---:|---|---|---:|");
    for (head, source, target) in TARGETS {
        let measured = heads
            .iter()
            .filter(|t| t.head == head)
            .flat_map(|t| &t.results)
            .find(|(src, _, _)| src.id == source)
            .map(|(_, _, c)| &c.model);
        let f1 = measured.and_then(Measure::f1);
        let macro_f1 = measured.and_then(Measure::macro_f1);
        let met = f1.is_some_and(|f| f >= target);
        let (pos, lo, hi) =
            heads.iter().find(|t| t.head == head).map_or((0, 0.0, 0.0), |t| f1_interval(t, source));
        let _ = writeln!(
            s,
            "| {head} | {source} | {pos} | {target:.2} | {} | {lo:.3} to {hi:.3} | {} | {} |",
            pct(f1),
            if met { "yes" } else { "**no**" },
            pct(macro_f1)
        );
    }
    let _ = writeln!(
        s,
        "\nThe targets are read as the F1 of the positive class (`request`, `spam`). Macro-F1, the mean of \
         both classes' F1, is shown beside it because the papers behind these sets report that one: the \
         complaints paper's best, \"up to 79 F1\" (Preo\u{163}iuc-Pietro et al., ACL 2019, with all 3,449 tweets and \
         distant supervision), is the figure the follow-up with pretrained transformers (Jin and Aletras, COLING \
         2020) beats with a macro-F1 of up to 87. It is not a way around the target: on the positive class \
         alone the head is short of it."
    );
    let _ = writeln!(
        s,
        "\nThe held-out parts are small (about 100 to 200 positives each): the interval is the 2.5th to \
         97.5th percentile of the F1 over 2,000 bootstrap resamples of the held-out texts (fixed seed), so a \
         difference smaller than about half its width says nothing about which of two models is better. The settings of `spam` and `customer-request` were chosen by 10-fold \
         cross-validation on the train and calibration parts only (`tactful-train --cv 10`; the test parts were \
         not looked at while choosing): the cue tokens (with the word lists) and a lower learning rate (0.1) \
         raised the cross-validated F1 of `customer-request` from 0.750 to 0.785, and the cue tokens, the lower \
         learning rate and naive-Bayes feature scaling raised the pooled F1 of `spam` from 0.915 to 0.935 \
         (SMS 0.952 to 0.967, YouTube 0.920 to 0.939). Character n-grams up to 5, 2^20 buckets, more or fewer \
         epochs, other L2 or class balance, and weighing the spam sources equally all stayed within noise there, \
         so none was adopted. HTML escapes (`&#39;`, `<br />`) are read as the characters they stand for: in \
         the YouTube set they are far more common in spam, an artefact of the collection, not of spam. \
         `content-kind` keeps the first settings. The complaints file holds 1,655 tweets, the half of the \
         3,449-tweet set that the shared data keeps; all of them are read (checked against Python's csv module).\n\n\
         Second round (issue 5), again chosen on the train and calibration parts only, now as the mean of 5 \
         dealings of the 10 folds (`--cv 10 --cv-repeats 5`) and also by running the whole recipe, threshold \
         included, inside each fold (`--cv-recipe`): for `customer-request`, sentiment cue tokens from the VADER \
         lexicon (`--lexicon`; MIT, see `lexicon/README.md`) raised the cross-validated F1 from 0.779 to 0.785 \
         and the recipe's from 0.769 to 0.781, so they were adopted. On its held-out part the F1 then went from \
         0.774 to the figure above: a change well inside the interval, which is what the held-out part's size \
         allows, and the test part was not used to undo the choice. Everything else stayed within ±0.005 of the \
         shipped settings on both heads and was not adopted: character n-grams 1-5, 2-5, 2-4 and 3-5; 2^20 \
         buckets; 6, 20 or 30 epochs; learning rate 0.05 or 0.2; L2 1e-5 or 1e-7; class balance 0 or 1; \
         naive-Bayes scaling for `customer-request` (worse, 0.768); source balance 0.5 for `spam`; the lexicon \
         for `spam`; and cross-fitted calibration (`--cross-fit`: weights on train and calibration parts, \
         calibration and threshold on out-of-fold scores; 0.775 to 0.781 for `customer-request`, 0.930 to \
         0.932 for `spam`). More training data for `customer-request` would need another labeled source of \
         requests or complaints; the only ones in the shared data (twcs and the airline tweets) are CC BY-NC-SA, \
         so weights trained on them cannot ship (`--all-licences` shows what they would do, for comparison only). \
         Adding twcs does not help either: with `--all-licences` the held-out complaints F1 falls to 0.675, \
         because a customer's tweet to a brand is not the same thing as a complaint.\n\n\
         Third round (issue 5): the misses of `spam` on YouTube were almost all self-promotion (\"watch my \
         videos\", a bare domain, \"earn real money\"), which is spam under a video and ordinary in a text to a \
         friend, so pooling the three sources taught the head to let it pass. `spam` now learns a per-channel \
         copy of every feature besides the shared one (`--channels`; each source has a channel: SMS messages, \
         YouTube comments, janitr posts), and reads the channel where it is known (the scan passes `message`, \
         `tactful classify` takes `--channel` or a line's `channel` field). Cross-validated pooled F1 (10 folds, \
         3 dealings) rose from 0.935 to 0.952 (YouTube 0.944 to 0.963, SMS 0.963 to 0.968, janitr 0.853 to \
         0.883), and the whole recipe's from 0.930 to 0.947; on the held-out parts YouTube went from 0.909 to \
         0.937, SMS stayed at 0.965, janitr went from 0.904 to 0.885 (inside its interval). With the \
         channels, a learning rate of 0.2, no naive-Bayes scaling, 20 epochs and character 2- to 5-grams all \
         stayed within ±0.003. A text of unknown channel is scored by the shared copies alone.\n\n\
         Fourth round (issue 5): read without a channel (as `tactful classify` reads a text without \
         `--channel`), that head fell behind a head without channels (whole-recipe cross-validation pooled \
         0.873 against 0.930; SMS 0.905, janitr 0.703), because its shared copies had learned only what the \
         channels have in common. `spam` now also trains on every text once more without its channel \
         (`--unknown-channel`), and is calibrated on the calibration texts both ways, so the shared copies \
         make a whole model of their own. Whole-recipe cross-validation (`--cv 10 --cv-repeats 3 --cv-recipe`, \
         with `--cv-without-channel` for the second figure): with the channel 0.945 (0.947 before, within \
         noise), without it 0.930 (0.873 before; SMS 0.963, YouTube 0.934, janitr 0.845). The held-out figures \
         above are with the channel; without it they are SMS 0.965 (0.933 before), YouTube 0.922 (0.918) and \
         janitr 0.900 (0.840), and the quality gate holds floors for both ways.\n"
    );
    s.push_str(CARD_TAIL);
    s
}

/// The targets of issue 5: the F1 of the positive class on a source's held-out part.
const TARGETS: [(Head, &str, f64); 3] = [
    (Head::CustomerRequest, "complaints", 0.80),
    (Head::Spam, "sms_spam", 0.95),
    (Head::Spam, "youtube_spam", 0.95),
];

/// `--cv K --context DIR` on a yes/no head other than the claim heads: the
/// whole recipe of the hashed head, the context model's head and their blend,
/// cross-validated on the train and calibration parts (mean F1 over the
/// `--cv-repeats` dealings).
fn cross_validate_context(
    args: &Settings,
    head: Head,
    cfg: &train::Config,
    emb: &tactful_train::context::Embeddings,
) -> Result<()> {
    let sets = tactful_train::head_examples(&args.data, head, args.policy)?;
    let channels = if cfg.spec.channels { &[false, true][..] } else { &[false] };
    for &per_channel in channels {
        let start = Instant::now();
        let reps = args.cv.repeats as f64;
        let mut pooled = [0.0; 3];
        let mut per: Vec<(&str, [f64; 3])> = Vec::new();
        for r in 0..args.cv.repeats {
            let (p, all) = tactful_train::heads_context::cross_validate(
                &sets,
                head,
                cfg,
                emb,
                per_channel,
                args.cv.folds,
                r,
            )?;
            for (acc, t) in pooled.iter_mut().zip(&all) {
                *acc += t.f1().unwrap_or(0.0) / reps;
            }
            if per.is_empty() {
                per = p.iter().map(|(s, _)| (s.id, [0.0; 3])).collect();
            }
            for ((_, acc), (_, ts)) in per.iter_mut().zip(&p) {
                for (a, t) in acc.iter_mut().zip(ts) {
                    *a += t.f1().unwrap_or(0.0) / reps;
                }
            }
        }
        let f = |x: &[f64; 3]| x.map(|v| format!("{v:.3}")).join("/");
        let per: Vec<String> = per.iter().map(|(s, x)| format!("{s} {}", f(x))).collect();
        println!(
            "CV recipe {head}, hashed/context{}/blend ({:.1}s): pooled {}  {}",
            if per_channel { " per channel" } else { "" },
            start.elapsed().as_secs_f64(),
            f(&pooled),
            per.join("  ")
        );
    }
    Ok(())
}

/// Whether each scorer measured with the context model meets the head's targets.
fn print_context_targets(h: &tactful_train::heads_context::HeadFigures) {
    for (_, source, target) in TARGETS.iter().filter(|(head, _, _)| *head == h.head) {
        let Some(f) = h.test.iter().find(|f| f.source.id == *source) else { continue };
        let cells: Vec<String> = tactful_train::heads_context::SCORERS
            .iter()
            .zip(&f.tallies)
            .map(|(name, t)| {
                let f1 = t.f1().unwrap_or(0.0);
                format!("{name} {f1:.4} {}", if f1 >= *target { "met" } else { "NOT met" })
            })
            .collect();
        println!("target {target:.2} on {source}: {}", cells.join("; "));
    }
}

/// The model's F1 on a source's held-out texts: the number of positives and
/// a 95% bootstrap interval (2,000 resamples, fixed seed, percentiles).
fn f1_interval(t: &TrainedHead, source: &str) -> (usize, f64, f64) {
    let mut scratch = tactful_classify::Scratch::new();
    let pairs: Vec<(bool, bool)> = t
        .heldout
        .iter()
        .filter(|e| e.source == source)
        .map(|e| {
            let said = t.model.classify(e.input(), &mut scratch).label == t.head.classes()[1];
            (e.class == 1, said)
        })
        .collect();
    let positives = pairs.iter().filter(|p| p.0).count();
    if pairs.is_empty() {
        return (0, 0.0, 0.0);
    }
    let mut rng = tactful_core::seeded::Rng(0x5EED_B007);
    let mut next = || rng.next_u64();
    let mut f1s: Vec<f64> = (0..2000)
        .map(|_| {
            let mut tally = tactful_classify::metrics::Tally::default();
            for _ in 0..pairs.len() {
                let (y, p) = pairs[(next() % pairs.len() as u64) as usize];
                tally.add(y, p);
            }
            tally.f1().unwrap_or(0.0)
        })
        .collect();
    f1s.sort_by(f64::total_cmp);
    (positives, f1s[50], f1s[1949])
}

const CARD_HEAD: &str = "# Model card: tactful-classify heads

Generated by `cargo run --release -p tactful-train` (do not edit by hand; edit
`crates/tactful-train/src/main.rs` and retrain). The figures are reproduced by
`tactful eval-heads target/eval/heads.jsonl` after training.

Three small linear classifiers that run offline in microseconds:

- `content-kind`: `promotional`, `informational`, `personal`, `off-topic`;
- `customer-request`: `request` (a question, complaint, or order or service problem addressed to a business) vs `other`;
- `spam`: `spam` (broadcast spam, scams, phishing) vs `not-spam`.

Scores are calibrated probabilities. For a yes/no head the score is the
probability of the positive class and the label is positive at or above the
threshold; for `content-kind` the score is the winning class's probability, and
a threshold (default 0) turns a low-confidence winner into `uncertain`.
";

const CARD_LICENCE_NOTE: &str = "
What we did about licences: the sets with an open licence (SMS and YouTube
spam, CC BY 4.0; janitr, MIT) are trained on and may ship, with the
attribution above. The non-commercial set (twcs, CC BY-NC-SA 4.0) is never
trained on; its held-out part only measures `customer-request` on text it was
not built for. Two sets have no licence stated upstream: complaints
(Preoţiuc-Pietro et al., ACL 2019) and the Facebook ads (AdAnalyst). They are
the only sources of labeled complaints and of commercial vs informational ads,
so the shipped `customer-request` and `content-kind` weights are trained on
them. **Before a public release, get permission from those authors, or ship only
what `--open-only` can train.** With `--open-only` (see `tactful-train
--dry-run --open-only`), `customer-request` cannot be trained at all (no open
source has complaints or requests), and `content-kind` loses its only
commercial-vs-informational ads: when first measured, its macro-F1 on the
held-out Facebook ads fell from 0.77 to 0.29. `spam` is trained on open sets
only and is unaffected. The sentiment lexicon that `customer-request` reads
(VADER, C.J. Hutto, MIT) ships with its licence in
`crates/tactful-classify/lexicon/`.

In short: weights derived from sms_spam, youtube_spam and janitr may ship
(with attribution); weights derived from complaints and facebook_ads may not
until their authors agree (no licence stated); weights derived from twcs or
the airline tweets must never ship (non-commercial), which is why they are
only measured. `tactful-train --open-only` trains exactly the shippable part.
";

const CARD_LABELS: &str = "
## How each head reads its labels

- `spam`: SMS `spam`/`ham`; YouTube `CLASS` 1/0; janitr posts with a spam or
  fraud label (`spam`, `reply_spam`, `dm_spam`, `scam`, `phishing`, `malware`,
  `impersonation`, the `*_scam` labels, `lead_gen`, `bot`, `follow_train`) are
  spam; posts with no behaviour label (clean or topic-only) are not;
  promotion-only posts (`promo`, `affiliate`, `giveaway`, `engagement_bait`)
  and other behaviours (misinformation, ragebait, ...) are left out, since
  promotion is not spam by itself.
- `customer-request`: complaints label 1 (complaint) is `request`, label 0 is
  `other`. Caveat: label 0 includes questions to brands that are not
  complaints (\"Will I get audio over HDMI?\"), which this head should call
  requests; on that set they count against it. twcs (measured only): customer
  tweets (`inbound` True) are `request`, brand replies are `other`; some
  customer tweets are thanks or chatter, so its precision is a floor.
- `content-kind` (derived; none of the sets has these four labels):
  - `promotional`: Facebook commercial ads (label 0); janitr promotion-only
    posts; SMS spam; YouTube spam (\"check out my channel\").
  - `informational`: Facebook informational or charity ads (label 1); clean
    janitr posts whose topics are only news, technology, AI, programming,
    security, health, finance or science.
  - `personal`: SMS ham (messages between people); clean janitr posts with no
    topic label (people talking about their own day).
  - `off-topic`: clean janitr posts whose topics are only politics, sports,
    entertainment, games, music, celebrities, TV, religion, war, memes or
    gambling; YouTube non-spam comments (fans talking about the music video).
  - Left out: Facebook ads labeled unclear (2), janitr posts with spam labels,
    with both kinds of topic, or with only `topic_crypto`.
  - Limit: each class comes from one or two sources, so the head partly learns
    the style of a source (SMS shorthand reads as personal). Treat its figures
    as an upper bound for posts unlike these sources.
";

const CARD_TAIL: &str = "
## Baselines

Measured in the same run on the same held-out texts: **keywords** are the
hand-written lists in `crates/tactful-classify/src/baseline.rs`; **majority**
always answers the most common class of the texts being measured.

## Not covered

Languages other than English; posts much longer than a tweet (long Facebook
posts are scored, but no long personal posts were trained on); sarcasm; images.
";

/// The claim heads: built and measured by leaving documents out
/// (`tactful_train::claims`); their figures go to `CLAIM_HEADS.md`.
fn is_claim_head(head: Head) -> bool {
    matches!(head, Head::HealthClaim | Head::EarningsClaim)
}

/// Does `--context` measure this head with the context model? The claim
/// heads build their context halves; the other yes/no heads are measured.
fn measured_with_context(head: Head) -> bool {
    head.positive().is_some() && !is_claim_head(head)
}

/// The context model's embeddings of every text the claim heads read, and
/// of the texts the other yes/no heads measure with it.
fn context_embeddings(args: &Settings) -> Result<Option<tactful_train::context::Embeddings>> {
    let Some(dir) = &args.context else { return Ok(None) };
    let model = tactful_train::context::Loaded::read(dir)?;
    let mut sets = Vec::new();
    for &head in args.heads.iter().filter(|h| is_claim_head(**h)) {
        sets.extend(tactful_train::head_examples(&args.data, head, args.policy)?);
    }
    let mut texts: Vec<&str> =
        sets.iter().flat_map(|(_, _, ex)| ex.iter().map(|e| e.text.as_str())).collect();
    texts.extend(tactful_classify::explain::quoted().iter().map(|q| q.text));
    let mut others = Vec::new();
    for &head in args.heads.iter().filter(|h| measured_with_context(**h)) {
        others.extend(tactful_train::head_examples(&args.data, head, args.policy)?);
    }
    texts.extend(tactful_train::heads_context::texts_needed(&others));
    Ok(Some(tactful_train::context::embed_all(&model.model, model.id, &texts, &args.context_cache)?))
}

fn run(args: &Settings) -> Result<()> {
    let mut trained = Vec::new();
    let mut claim_reports = Vec::new();
    let context = context_embeddings(args)?;
    for &head in &args.heads {
        if is_claim_head(head) {
            let start = Instant::now();
            let r = tactful_train::claims::run(
                &args.data,
                head,
                args.policy,
                &args.over.config(head),
                args.cv.loso_seed,
                context.as_ref(),
            )?;
            println!(
                "\n== {head} ({:.1}s)\n{}",
                start.elapsed().as_secs_f64(),
                tactful_train::claims::table(&r)
            );
            for (p, source, text) in r.top_ordinary.iter().take(args.show_errors) {
                let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
                println!("  ordinary {p:.3} {source}: {}", one_line.chars().take(160).collect::<String>());
            }
            claim_reports.push(r);
            continue;
        }
        if data::plan(head, args.policy).iter().all(|(_, u)| *u == Use::Measure) {
            println!("\n== {head}: SKIPPED, no source may be trained on under this licence policy");
            continue;
        }
        let start = Instant::now();
        let cfg = args.over.config(head);
        if args.cv.folds > 0 {
            let start = Instant::now();
            let mut per: Vec<(data::Source, f64)> = Vec::new();
            let mut pooled = 0.0;
            for r in 0..args.cv.repeats {
                let (p, f) = tactful_train::cross_validate(
                    &args.data,
                    head,
                    args.policy,
                    &cfg,
                    args.cv.folds,
                    r,
                    args.cv.recipe,
                    args.cv.without_channel,
                )?;
                pooled += f / args.cv.repeats as f64;
                if per.is_empty() {
                    per = p.iter().map(|(s, _)| (*s, 0.0)).collect();
                }
                for ((_, acc), (_, x)) in per.iter_mut().zip(&p) {
                    *acc += x / args.cv.repeats as f64;
                }
            }
            let per: Vec<String> = per.iter().map(|(s, f)| format!("{} {f:.3}", s.id)).collect();
            println!(
                "CV {head} ({:.1}s) pooled {pooled:.3}  {}",
                start.elapsed().as_secs_f64(),
                per.join("  ")
            );
            if let Some(emb) = context.as_ref().filter(|_| measured_with_context(head)) {
                cross_validate_context(args, head, &cfg, emb)?;
            }
            continue;
        }
        let t = run_head(&args.data, head, args.policy, &cfg)?;
        print_summary(&t, start.elapsed().as_secs_f64());
        if let Some(emb) = context.as_ref().filter(|_| measured_with_context(head)) {
            let sets = tactful_train::head_examples(&args.data, head, args.policy)?;
            let embedded = tactful_train::heads_context::texts_needed(&sets).len();
            let channels = if cfg.spec.channels { &[false, true][..] } else { &[false] };
            for &per_channel in channels {
                let figures = tactful_train::heads_context::measure(&t, &sets, emb, per_channel);
                println!("\n{}", tactful_train::heads_context::table(&figures, embedded));
                print_context_targets(&figures);
            }
        }
        if args.show_errors > 0 {
            show_errors(&args.data, &t, args.policy, args.show_errors)?;
        }
        trained.push(t);
    }
    if args.dry_run || args.cv.folds > 0 {
        println!("\n--dry-run or --cv: nothing written");
        return Ok(());
    }
    std::fs::create_dir_all(&args.models)
        .with_context(|| format!("cannot create {}", args.models.display()))?;
    if !claim_reports.is_empty() {
        for r in &claim_reports {
            let path = args.models.join(r.head.file_name());
            std::fs::write(&path, r.model.to_bytes())
                .with_context(|| format!("cannot write {}", path.display()))?;
            println!("wrote {}", path.display());
        }
        if claim_reports.iter().all(|r| r.context.is_some()) && claim_reports.len() == 2 {
            let heads: serde_json::Map<String, serde_json::Value> = claim_reports
                .iter()
                .filter_map(|r| r.context.as_ref().map(|c| (r.head.as_str().to_string(), c.head.to_json())))
                .collect();
            let path = data::workspace_root().join("crates").join("tactful-context").join("heads.json");
            // The quoted examples' vectors, rounded (five decimals of a unit
            // vector move a cosine by less than 1e-4).
            let examples: Vec<Vec<f64>> = tactful_classify::explain::quoted()
                .iter()
                .map(|q| {
                    let e = context.as_ref().map_or(&[][..], |c| c.get(q.text));
                    e.iter().map(|&x| (f64::from(x) * 1e5).round() / 1e5).collect()
                })
                .collect();
            let json =
                serde_json::json!({ "model": "all-MiniLM-L6-v2", "heads": heads, "examples": examples });
            std::fs::write(&path, format!("{json}\n"))
                .with_context(|| format!("cannot write {}", path.display()))?;
            println!("wrote {}", path.display());
        }
        let examples = args.models.join("claim-examples.tsv");
        let n = tactful_train::claims::write_examples(&args.data, &examples)?;
        println!("wrote {} ({n} claims quoted by the FTC and FDA)", examples.display());
        if claim_reports.len() == 2 {
            let card = args.models.join("CLAIM_HEADS.md");
            std::fs::write(&card, claim_card(&claim_reports))
                .with_context(|| format!("cannot write {}", card.display()))?;
            println!("wrote {}", card.display());
        }
    }
    let mut sizes = Vec::new();
    for t in &trained {
        let bytes = t.model.to_bytes();
        let path = args.models.join(t.head.file_name());
        std::fs::write(&path, &bytes).with_context(|| format!("cannot write {}", path.display()))?;
        println!("wrote {} ({} bytes)", path.display(), bytes.len());
        sizes.push((t.head, bytes.len()));
    }
    if trained.len() == Head::ALL.iter().filter(|h| !is_claim_head(**h)).count() {
        let card = args.models.join("MODEL_CARD.md");
        std::fs::write(&card, model_card(args, &trained, &sizes))
            .with_context(|| format!("cannot write {}", card.display()))?;
        println!("wrote {}", card.display());
    } else {
        println!("MODEL_CARD.md not rewritten: it describes all heads; train all of them to refresh it");
    }
    if trained.is_empty() {
        return Ok(());
    }
    write_heldout(&args.heldout, &trained)?;
    println!("wrote {} (check with: tactful eval-heads {})", args.heldout.display(), args.heldout.display());
    Ok(())
}

/// CLAIM_HEADS.md: what the claim heads are, how they were measured, the figures.
fn claim_card(reports: &[tactful_train::claims::Report]) -> String {
    let mut s = String::from(
        "# The claim heads (health-claim, earnings-claim)\n\n\
         Written by `cargo run --release -p tactful-train -- --head health-claim --head earnings-claim`; do not edit by hand.\n\n\
         Two yes/no logistic heads over hashed words, word pairs, cue tokens and the claim vocabulary cues, second\n\
         vocabulary (kinds of words: conditions, with 3,177 MeSH names and long names read with one letter wrong,\n\
         cure verbs, drugs, proof words, money, earning, jobs, riches, the opportunity; the pairs that make a claim\n\
         together, anywhere and within six words; each cue token weighing four words;\n\
         `tactful-classify/src/features/claims.rs`).\n\
         Trained on the real claims of `claims/claims-dev.jsonl` and `claims/claims-dev-2.jsonl` (grouped by the\n\
         document that quoted them), the flag and pass examples of the built-in packs, and ordinary texts as\n\
         negatives (ham SMS, non-spam YouTube comments, clean janitr posts, Facebook ads); brand replies\n\
         (customer_support_on_twitter, non-commercial licence) are only measured. No class balance (every text\n\
         weighs the same), and each training claim also appears as four copies with every word dropped with\n\
         probability 0.3, so a claim's weight spreads over more of its words than its document's own wording\n\
         (`src/train.rs`, `Config::for_head`).\n\n\
         **How it is measured.** Every claim is scored by a model fitted without the document that quoted it\n\
         (documents dealt into folds), so the figure predicts claims from documents nobody showed the model. The\n\
         threshold is set so that at most 0.5% of the ordinary texts are flagged out of fold (\"of those no rule\n\
         flags\" is the share flagged among the ordinary texts no rule of the head's categories flags: the false\n\
         alarms the head adds to `tactful check`). \"Rules\" is the\n\
         built-in packs alone (any finding of the head's categories); \"rules or model\" is what `tactful check`\n\
         shows. **Only the model columns are held-out figures.** The rules were written with `claims-dev.jsonl` in\n\
         view, and in December 2026 they were extended after reading the kinds of claims they missed in\n\
         `claims-dev-2.jsonl` (test part included), so the rules columns on both files are not held-out and\n\
         overstate what the rules catch on new posts. The test part (20% of every source, claims by document)\n\
         was never used to choose a setting of the model.\n\n",
    );
    if reports.iter().any(|r| r.context.is_some()) {
        s.push_str(
            "**The context half** (`--context DIR`, written to `crates/tactful-context/heads.json`). The sentence\n\
             encoder all-MiniLM-L6-v2 (Apache-2.0; 6 layers, 384 wide, read from its own files, never in the\n\
             binary) turns each whole text into one vector; a logistic head over that vector (L2, C = 2, fitted by\n\
             L-BFGS on the same folds, without the word-dropped copies) scores it. The blend adds the hashed head's\n\
             logit and the context head's, each divided by its spread on the ordinary texts out of fold, and its\n\
             threshold keeps the same 0.5% of ordinary texts flagged. `tactful check` uses the blend where a person\n\
             waits on one draft and the model is installed (`tactful model install`); bulk checks keep the hashed\n\
             head alone. Chosen by the figures below over: the context head alone (five dealings 0.836 health,\n\
             0.800 earnings, against 0.887 and 0.870 blended); a static table of word-piece vectors distilled\n\
             from the same model (model2vec's idea: 0.667 and 0.597 alone, and worse blended than the hashed\n\
             head alone); other penalties (C = 1, 4, 16). Its cost: about 7 ms a draft (p99 18 ms, on two\n\
             threads; `cargo bench -p tactful-app --bench draft`). On customer-request and spam it gains nothing\n\
             beyond noise and is not used (docs/evaluation.md).\n\n",
        );
    }
    for r in reports {
        s.push_str(&tactful_train::claims::table(r));
        s.push('\n');
    }
    s
}

fn main() -> ExitCode {
    let args = Settings::from(Cli::parse());
    run_over(&args.data, "The heads are trained", "was trained or written", || run(&args))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn every_flag_explains_itself() {
        tactful_evalsets::shared_data::assert_every_flag_explains_itself(&Cli::command());
    }

    #[test]
    fn flags_mean_what_they_meant_before_clap() {
        let parse = tactful_evalsets::shared_data::parse_flags::<Cli>;
        let run = |args: &[&str]| Settings::from(parse(args).unwrap());
        let r = run(&[]);
        assert_eq!(r.heads, Head::ALL.to_vec(), "no --head: every head");
        assert!(matches!(r.policy, Policy::Default) && !r.dry_run && r.cv.folds == 0 && r.cv.repeats == 1);
        assert!(r.models.ends_with("crates/tactful-classify/models"), "{}", r.models.display());
        let r = run(&[
            "--head",
            "health-claim",
            "--head",
            "earnings-claim",
            "--dry-run",
            "--open-only",
            "--all-licences",
            "--no-cues",
            "--cues",
            "--idf",
            "--no-idf",
            "--chars",
            "3-5",
            "--epochs",
            "4",
            "--lr",
            "0.5",
            "--cv",
            "5",
            "--cv-repeats",
            "2",
            "--data",
            "/d",
        ]);
        assert_eq!(r.heads, [Head::HealthClaim, Head::EarningsClaim]);
        assert!(r.dry_run);
        assert!(matches!(r.policy, Policy::All), "the later of --open-only and --all-licences wins");
        let c = r.over.config(Head::Spam);
        assert!(c.spec.cues && !c.idf, "the later of --x and --no-x wins");
        assert_eq!((c.spec.char_min, c.spec.char_max, c.epochs), (3, 5, 4));
        assert!((c.learning_rate - 0.5).abs() < f32::EPSILON);
        assert_eq!((r.cv.folds, r.cv.repeats), (5, 2));
        assert_eq!(r.data, PathBuf::from("/d"));
        for bad in [&["--head", "nope"][..], &["--chars", "3"], &["--cv-repeats", "0"], &["--frobnicate"]] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }
}

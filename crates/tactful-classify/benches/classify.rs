//! Speed of the classifier heads on one core, beside a baseline measured in
//! the same run (this machine is noisy; ratios hold better than absolutes).
//!
//! Corpus: 100,000 synthetic posts of about 300 bytes, built deterministically
//! from ordinary sentences, pitches and spam (with emoji, accents, a link).
//! Baseline: feature extraction alone (folding and hashing, no weights), so
//! the ratio shows what the weight lookups cost on top.
//! Also: the time to load each model file from its embedded bytes.
//! Run: `cargo bench -p tactful-classify --bench classify`.

use std::hint::black_box;
use std::time::Instant;

use tactful_classify::features::{DEFAULT_BITS, for_each_feature};
use tactful_classify::{Channel, Head, Input, Model, Scratch, builtin};

const SENTENCES: &[&str] = &[
    "Had the best morning walk with the dog today.",
    "Our new autumn candles are in, and the cinnamon one smells amazing.",
    "Thanks so much for coming to the open house on Saturday!",
    "Quick question for my mom friends: how do you handle picky eaters?",
    "@AcmeSupport my order still has not arrived, can you help?",
    "Coffee first, then emails, then the school run. 😅",
    "WINNER!! Claim your free prize now, text WIN to 80086",
    "Check out my channel and subscribe http://example.com/c/me",
    "Café au lait and a croissant — perfect start. “Bon appétit”",
    "30% off everything this weekend only, shop now!",
    "The referee was terrible in the second half, what a game.",
    "New blog post: five ways to organise a small kitchen.",
    "Does anyone have a good book to recommend for the holidays?",
    "The app keeps crashing when I try to pay, this is ridiculous.",
];

fn corpus(n: usize) -> Vec<String> {
    // The same posts on every run.
    tactful_core::seeded::Rng(0x2545_F491_4F6C_DD1D)
        .posts(n, 300, |rng| SENTENCES[rng.index(SENTENCES.len())])
}

fn main() {
    let posts = corpus(100_000);
    let bytes: usize = posts.iter().map(String::len).sum();
    println!(
        "corpus: {} posts, {:.0} bytes each on average, one thread\n",
        posts.len(),
        bytes as f64 / posts.len() as f64
    );

    println!("model load (from the embedded bytes, parse + checksum + copy):");
    for head in Head::ALL {
        let b = builtin::bytes(head);
        let cold = Instant::now();
        let m = builtin::model(head).expect("model loads");
        let first = cold.elapsed();
        let runs = 50;
        let t = Instant::now();
        for _ in 0..runs {
            black_box(Model::from_bytes(black_box(b)).expect("model loads"));
        }
        let avg = t.elapsed() / runs;
        println!(
            "  {:<17} {:>9} bytes  first load {:>7.2} ms  average {:>6.2} ms",
            head.as_str(),
            b.len(),
            first.as_secs_f64() * 1e3,
            avg.as_secs_f64() * 1e3
        );
        black_box(m);
    }

    let mut scratch = Scratch::new();
    // Warm-up pass.
    for p in posts.iter().take(2_000) {
        black_box(for_each_feature(p, DEFAULT_BITS, &mut scratch, |b| {
            black_box(b);
        }));
    }
    // The fastest of three runs, so the first run's warm-up does not flatter the heads.
    let mut base = f64::INFINITY;
    for _ in 0..3 {
        let t = Instant::now();
        let mut sum = 0u64;
        for p in &posts {
            let mut h = 0u64;
            let n = for_each_feature(p, DEFAULT_BITS, &mut scratch, |b| {
                h = h.wrapping_add(u64::from(b));
            });
            sum = sum.wrapping_add(h ^ u64::from(n));
        }
        black_box(sum);
        base = base.min(t.elapsed().as_secs_f64());
    }
    println!(
        "\nbaseline, features only: {:>6.3} s for 100k posts  ({:>9.0} posts/s)",
        base,
        posts.len() as f64 / base
    );

    println!("\nheads (features + weights + calibration + label):");
    for head in Head::ALL {
        let m = builtin::model(head).expect("model loads");
        // A head with per-channel features reads twice the features when the
        // channel is known (as the scan does): time both ways.
        let channels: &[Option<Channel>] =
            if m.spec().channels { &[None, Some(Channel::Message)] } else { &[None] };
        for &channel in channels {
            for p in posts.iter().take(2_000) {
                black_box(m.classify(Input::new(p, channel), &mut scratch));
            }
            let t = Instant::now();
            let mut positives = 0usize;
            for p in &posts {
                let d = m.classify(Input::new(p, channel), &mut scratch);
                positives += usize::from(d.label == m.classes()[0]);
            }
            black_box(positives);
            let s = t.elapsed().as_secs_f64();
            let name = match channel {
                Some(c) => format!("{head} ({})", c.as_str()),
                None => head.to_string(),
            };
            println!(
                "  {:<19} {:>6.3} s for 100k posts  ({:>9.0} posts/s, {:>5.1} MB/s)  = {:.2}x the features-only baseline",
                name,
                s,
                posts.len() as f64 / s,
                bytes as f64 / s / 1e6,
                s / base
            );
        }
    }
}

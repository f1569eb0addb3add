//! Throughput of the draft check, as a ratio against a baseline measured in
//! the same run (this machine is noisy; absolute figures drift, ratios hold).
//!
//! Corpus: 100,000 synthetic posts of about 300 bytes, built deterministically
//! from ordinary sentences (with emoji, hashtags, a link, accents and curly
//! quotes) and about one sentence in twelve that breaks a rule.
//! Baselines: bare Aho-Corasick passes over the same phrases, with no
//! normalisation and no rules: one ASCII-case-insensitive (it finds the same
//! phrase hits the engine must then judge, so the ratio measures the engine's
//! own work), and one case-sensitive (the cheapest possible pass, shown for
//! reference). Run: `cargo bench -p tactful-packs --bench lint`.

use std::hint::black_box;
use std::time::Instant;
use tactful_core::Channel;

/// Ordinary sentences of a seller's feed.
const ORDINARY: &[&str] = &[
    "Had the best morning walk with the dog today.",
    "Our new autumn candles are in, and the cinnamon one smells amazing.",
    "Thanks so much for coming to the open house on Saturday!",
    "Quick question for my mom friends: how do you handle picky eaters?",
    "I have been using this moisturizer for a month and my skin feels soft.",
    "Coffee first, then emails, then the school run. 😅",
    "Grateful for this community and everyone who shows up.",
    "The recipe is below, let me know if you try it!",
    "Link in bio for the full tutorial https://example.com/tutorial",
    "Happy Friday everyone 🎉🎉",
    "Café au lait and a croissant — perfect start. “Bon appétit”",
    "We went camping by the river and the kids loved it.",
    "Does anyone have a good book to recommend for the holidays?",
    "Our team volunteered at the food bank this weekend and it was wonderful.",
    "Rainy days call for soup and a blanket.",
    "So proud of my daughter for finishing her first 5k run!",
    "New blog post: five ways to organise a small kitchen.",
    "Thank you @sarah for the lovely flowers 💐",
    "Meeting friends downtown for lunch, then back to work.",
    "What are your plans for the long weekend? #weekendvibes",
];

/// Sentences that break a rule: about one sentence in twelve.
const CLAIMS: &[&str] = &[
    "Made $5,000 a month since I joined, you can too! #financialfreedom",
    "These oils help with anxiety and even fight the flu.",
    "Only 3 spots left on my team, DM me now!",
    "Use my code SAVE20 for 20% off 🛍️",
    "I quit my job thanks to this business and we earned the car bonus!",
    "Lost 20 pounds in a month with the shakes, message me!",
];

fn corpus(n: usize) -> Vec<String> {
    // The same posts on every run; one piece in twelve a claim.
    tactful_core::seeded::Rng(0x2545_F491_4F6C_DD1D).posts(n, 280, |rng| {
        let r = rng.next_u64();
        if r % 12 == 0 {
            CLAIMS[((r >> 8) % CLAIMS.len() as u64) as usize]
        } else {
            ORDINARY[((r >> 8) % ORDINARY.len() as u64) as usize]
        }
    })
}

fn main() {
    let engine = tactful_packs::builtin_engine();
    let posts = corpus(100_000);
    let bytes: usize = posts.iter().map(String::len).sum();
    let ac = engine.automaton().expect("packs have phrases");
    let phrases: Vec<&str> = (0..engine.phrase_count()).map(|i| engine.literal(i)).collect();
    let ac_nocase = aho_corasick::AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .kind(Some(aho_corasick::AhoCorasickKind::DFA))
        .build(&phrases)
        .expect("automaton");

    // Warm up caches and the allocator.
    for p in posts.iter().take(2_000) {
        black_box(engine.check(p, Channel::Post));
    }

    let mut best_bare = f64::MAX;
    let mut best_nocase = f64::MAX;
    let mut best_full = f64::MAX;
    let mut findings = 0;
    // Seconds for one bare pass of `automaton` over every post.
    let bare_pass = |automaton: &aho_corasick::AhoCorasick| {
        let t = Instant::now();
        let hits: usize = posts.iter().map(|p| automaton.find_overlapping_iter(p.as_str()).count()).sum();
        black_box(hits);
        t.elapsed().as_secs_f64()
    };
    for _ in 0..3 {
        best_bare = best_bare.min(bare_pass(ac));
        best_nocase = best_nocase.min(bare_pass(&ac_nocase));

        let t = Instant::now();
        findings = 0;
        for p in &posts {
            findings += black_box(engine.check(p, Channel::Post)).len();
        }
        best_full = best_full.min(t.elapsed().as_secs_f64());
    }
    let n = posts.len() as f64;
    println!(
        "corpus: {} posts, {:.0} bytes on average, {} phrases, {} rules",
        posts.len(),
        bytes as f64 / n,
        engine.phrase_count(),
        engine.rules().len()
    );
    println!(
        "bare pass, case-sensitive  : {:>9.0} posts/s  ({:.1} MB/s)",
        n / best_bare,
        bytes as f64 / best_bare / 1e6
    );
    println!(
        "bare pass, case-insensitive: {:>9.0} posts/s  ({:.1} MB/s)",
        n / best_nocase,
        bytes as f64 / best_nocase / 1e6
    );
    println!(
        "full check                 : {:>9.0} posts/s  ({:.1} MB/s), {findings} findings",
        n / best_full,
        bytes as f64 / best_full / 1e6
    );
    println!("ratio full / case-insensitive bare: {:.2}x (target: at most 4x)", best_full / best_nocase);
    println!("ratio full / case-sensitive bare  : {:.2}x", best_full / best_bare);

    // One big draft: a 10 MB text in one piece.
    let mut big = String::new();
    while big.len() < 10 * 1024 * 1024 {
        big.push_str(&posts[big.len() % 1000]);
        big.push('\n');
    }
    let t = Instant::now();
    let f = engine.check(&big, Channel::Post);
    println!("one 10 MB draft            : {:.3} s, {} findings", t.elapsed().as_secs_f64(), f.len());
}

//! Which phrases hit most often in a file of texts (one a line)? Anchors that
//! hit on ordinary words make every check pay for their rules' costly checks.
//! Run: `cargo run --release -p tactful-packs --example hot_phrases FILE`.

use std::collections::HashMap;

fn main() {
    let path = std::env::args().nth(1).expect("usage: hot_phrases FILE");
    let text = std::fs::read_to_string(&path).expect("readable UTF-8 file");
    let engine = tactful_packs::builtin_engine();
    let ac = engine.automaton().expect("phrases");
    let mut counts: HashMap<usize, usize> = HashMap::new();
    let mut lines = 0;
    for line in text.lines() {
        lines += 1;
        let norm = tactful_core::text::Normalized::new(line);
        for m in ac.find_overlapping_iter(norm.as_str()) {
            *counts.entry(m.pattern().as_usize()).or_default() += 1;
        }
    }
    let mut top: Vec<_> = counts.into_iter().collect();
    top.sort_by_key(|b| std::cmp::Reverse(b.1));
    println!("{lines} texts");
    for (id, n) in top.into_iter().take(40) {
        println!("{n:>8}  {:?}", engine.literal(id));
    }
}

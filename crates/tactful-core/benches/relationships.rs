//! Recomputing the relationship curve for a whole network: 100,000 contacts
//! and 5,000,000 interactions, generated deterministically (a fixed-seed
//! xorshift), two years of history, "now" at the end.
//!
//! Phases, each timed on its own:
//! 1. deriving the interactions from 5,000,000 stored items (`interactions`,
//!    which runs the pitch and inquiry tests on every message and comment);
//! 2. grouping them by contact (a sort, as the store's time-ordered read
//!    would need);
//! 3. the stage of every contact (`stage`), the figure the issue asks for;
//! 4. the broadcast detector over 200,000 outgoing messages.
//!
//! Run: `cargo bench -p tactful-core --bench relationships` (set
//! TACTFUL_BENCH_CONTACTS and TACTFUL_BENCH_PER_CONTACT to change the size).

// Small generated numbers: a usize or u64 that would wrap an i64 cannot occur here.
#![allow(clippy::cast_possible_wrap)]

use std::hint::black_box;
use std::time::{Duration, Instant};
use tactful_core::seeded::Rng;

use tactful_core::history::{ItemKind, Network};
use tactful_core::relationships::{
    Interaction, ItemView, Marks, Outgoing, Stage, Thresholds, broadcasts, interactions, stage,
};

const OWNER: &str = "sam_sells";
const START: i64 = 1_640_995_200; // 2022-01-01
const SPAN: i64 = 2 * 365 * 86_400;

const OURS: &[&str] = &[
    "How did the race go? You trained so hard for it",
    "Congratulations on the new job, they are lucky to have you",
    "Hey hun! Want to join my team? DM me",
    "Our new serum is 20% off this week, order now",
    "Thanks so much for sharing this, really useful",
    "Happy birthday! Hope you have a lovely day",
];
const THEIRS: &[&str] = &[
    "Thank you!! Personal best",
    "How much does the starter kit cost?",
    "Love this photo, where was it taken?",
    "no thanks",
    "See you on Saturday at the market",
];

struct Row {
    contact: usize,
    kind: ItemKind,
    by_owner: bool,
    at: i64,
    text: &'static str,
}

fn env(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn main() {
    let contacts = env("TACTFUL_BENCH_CONTACTS", 100_000);
    let per_contact = env("TACTFUL_BENCH_PER_CONTACT", 50);
    let total = contacts * per_contact;
    let handles: Vec<String> = (0..contacts).map(|c| format!("contact{c:06}")).collect();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);

    // The stored items, in time order as the store reads them back.
    let t = Instant::now();
    let mut rows: Vec<Row> = Vec::with_capacity(total);
    for (c, _) in handles.iter().enumerate() {
        // Each contact is active in a stretch of the two years, so some lapse.
        let begin = START + rng.below(SPAN as u64) as i64;
        for k in 0..per_contact {
            let at = if k == 0 { begin } else { (begin + rng.below(200 * 86_400) as i64).min(START + SPAN) };
            let (kind, by_owner) = match (k, rng.below(10)) {
                (0, _) => (ItemKind::Connection, rng.below(2) == 0),
                (_, 0..=2) => (ItemKind::Message, true),
                (_, 3..=4) => (ItemKind::Message, false),
                (_, 5) => (ItemKind::Comment, true),
                (_, 6) => (ItemKind::Comment, false),
                (_, 7) => (ItemKind::Reaction, true),
                (_, 8) => (ItemKind::Reaction, false),
                _ => (ItemKind::Share, true),
            };
            let text = if by_owner {
                OURS[rng.below(OURS.len() as u64) as usize]
            } else {
                THEIRS[rng.below(THEIRS.len() as u64) as usize]
            };
            rows.push(Row { contact: c, kind, by_owner, at, text });
        }
    }
    rows.sort_by_key(|r| r.at);
    let generate = t.elapsed();
    println!("generated {total} items for {contacts} contacts in {:.2} s", generate.as_secs_f64());

    // 1. Interactions from items.
    let owner_cp = vec![OWNER.to_string()];
    let cps: Vec<Vec<String>> = handles.iter().map(|h| vec![h.clone()]).collect();
    let t = Instant::now();
    let mut all: Vec<Interaction> = Vec::with_capacity(total + total / 8);
    for (id, r) in rows.iter().enumerate() {
        let view = ItemView {
            id: id as i64,
            network: Network::Instagram,
            kind: r.kind,
            author: if r.by_owner && r.kind != ItemKind::Connection { OWNER } else { &handles[r.contact] },
            by_owner: r.by_owner,
            counterparts: if r.by_owner || r.kind == ItemKind::Connection {
                &cps[r.contact]
            } else {
                &owner_cp
            },
            thread: None,
            at: r.at,
            text: r.text,
        };
        all.extend(interactions(&view, OWNER));
    }
    let derive = t.elapsed();
    println!("1. interactions: {} from {total} items in {}", all.len(), rate(total, "items", derive));

    // 2. Group by contact.
    let t = Instant::now();
    all.sort_unstable_by(|a, b| a.contact.cmp(&b.contact));
    let group = t.elapsed();
    println!("2. grouped by contact in {:.2} s", group.as_secs_f64());

    // 3. Stage of every contact.
    let now = START + SPAN;
    let thresholds = Thresholds::default();
    let t = Instant::now();
    let mut per_stage = [0usize; 6];
    let mut reasons = 0usize;
    let mut given = 0u64;
    for history in all.chunk_by(|a, b| a.contact == b.contact) {
        let a = stage(history, Marks::default(), now, &thresholds);
        per_stage[Stage::ALL.iter().position(|s| *s == a.stage).expect("a stage")] += 1;
        reasons += a.reasons.len();
        given += u64::from(a.equity.given);
        black_box(&a);
    }
    let stages = t.elapsed();
    println!(
        "3. stages: {contacts} contacts, {} interactions in {:.2} s ({:.1} M interactions/s, {:.2} µs per contact)",
        all.len(),
        stages.as_secs_f64(),
        all.len() as f64 / stages.as_secs_f64() / 1e6,
        stages.as_secs_f64() * 1e6 / contacts as f64
    );
    let breakdown: Vec<String> = Stage::ALL.iter().zip(per_stage).map(|(s, n)| format!("{s} {n}")).collect();
    println!("   stages: {} ({reasons} reasons, {given} given in all)", breakdown.join(", "));
    println!("   total (derive + group + stages): {:.2} s", (derive + group + stages).as_secs_f64());

    // 4. Broadcasts over 200,000 outgoing messages: a few real broadcasts
    // (one template to 300 people in an afternoon) among varied messages.
    let n = 200_000usize;
    let mut texts: Vec<String> = Vec::with_capacity(n);
    let mut meta: Vec<(usize, i64)> = Vec::with_capacity(n);
    for i in 0..n {
        let c = rng.below(contacts as u64) as usize;
        let at = START + rng.below(SPAN as u64) as i64;
        let text = if i % 1000 < 300 {
            let burst = (i / 1000) as i64;
            meta.push((c, START + burst * 86_400 * 3 + (i % 1000) as i64 * 30));
            format!(
                "Hi {}! I found an amazing way to earn from home with our wellness line, want to hear more? 💕",
                handles[c]
            )
        } else {
            meta.push((c, at));
            format!(
                "Thanks for message {i}, about {} and {}, see you {} at {}",
                rng.below(50_000),
                rng.below(50_000),
                ["monday", "tuesday", "friday", "soon"][rng.below(4) as usize],
                rng.below(1000)
            )
        };
        texts.push(text);
    }
    let out: Vec<Outgoing<'_>> = (0..n)
        .map(|i| Outgoing { id: i as i64, contact: &handles[meta[i].0], at: meta[i].1, text: &texts[i] })
        .collect();
    let t = Instant::now();
    let found = broadcasts(&out, 86_400, 5);
    let took = t.elapsed();
    println!("4. broadcasts: {} found in {n} messages in {}", found.len(), rate(n, "messages", took));
}

/// How long `n` of `what` took, and how many a second that makes.
fn rate(n: usize, what: &str, took: Duration) -> String {
    format!("{:.2} s ({:.0} {what}/s)", took.as_secs_f64(), n as f64 / took.as_secs_f64())
}

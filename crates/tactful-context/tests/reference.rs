//! Compares the encoder with the Hugging Face reference on real texts.
//!
//! Ignored, and skipped unless `TACTFUL_WORDPIECE_REF` names a folder with
//! `vocab.txt`, `texts.json` (a JSON list of strings) and `ids.jsonl` (the
//! reference ids of each text, one JSON list a line); the texts that
//! differ are written to `differ.tsv` there. Run in release:
//! `cargo test --release -p tactful-context --test reference -- --ignored --nocapture`

use std::fmt::Write as _;
use std::time::Instant;

use tactful_context::wordpiece::WordPiece;

#[test]
#[ignore = "needs the reference files named by TACTFUL_WORDPIECE_REF"]
fn matches_the_reference_tokenizer() {
    let Ok(dir) = std::env::var("TACTFUL_WORDPIECE_REF") else {
        eprintln!("TACTFUL_WORDPIECE_REF not set: skipped");
        return;
    };
    let dir = std::path::Path::new(&dir);
    let vocab = std::fs::read_to_string(dir.join("vocab.txt")).unwrap();
    let wp = WordPiece::from_vocab(&vocab).unwrap();
    let texts: Vec<String> =
        serde_json::from_str(&std::fs::read_to_string(dir.join("texts.json")).unwrap()).unwrap();
    let expected: Vec<Vec<u32>> = std::fs::read_to_string(dir.join("ids.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(texts.len(), expected.len());

    let mut out = Vec::new();
    let mut differ = 0;
    // Indices and our ids of the texts that differ, for a closer look.
    let mut report = String::new();
    for (i, (text, want)) in texts.iter().zip(&expected).enumerate() {
        wp.encode(text, 256, &mut out);
        if &out != want {
            differ += 1;
            writeln!(report, "{i}\t{out:?}").unwrap();
            if differ <= 10 {
                let at = out.iter().zip(want).position(|(a, b)| a != b);
                eprintln!(
                    "text {i} differs at {at:?}: ours {:?} reference {:?}\n  {text:?}",
                    at.map(|a| &out[a.saturating_sub(2)..(a + 3).min(out.len())]),
                    at.map(|a| &want[a.saturating_sub(2)..(a + 3).min(want.len())]),
                );
            }
        }
    }
    eprintln!("{} of {} match", texts.len() - differ, texts.len());
    if differ > 0 {
        std::fs::write(dir.join("differ.tsv"), report).unwrap();
    }

    let rounds = 5;
    let start = Instant::now();
    let mut total = 0usize;
    for _ in 0..rounds {
        for text in &texts {
            wp.encode(text, 256, &mut out);
            total += out.len();
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let bytes: usize = texts.iter().map(String::len).sum();
    eprintln!(
        "{:.0} texts/s, {:.1} MB/s ({total} ids in {rounds} rounds, {secs:.2} s)",
        (texts.len() * rounds) as f64 / secs,
        (bytes * rounds) as f64 / secs / 1e6,
    );
    assert_eq!(differ, 0);
}

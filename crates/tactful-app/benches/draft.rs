//! How long a person waits on one draft, with and without the context model.
//! `cargo bench -p tactful-app --bench draft -- [MODEL_DIR] [N]`: the model
//! folder (relative to the workspace's root; default: $TACTFUL_CONTEXT_MODEL,
//! else target/models/context-model)
//! and how many texts (default 600): real posts of the shared data (the
//! claims of claims-dev-2 and ordinary texts of the benign set), each checked
//! alone, one after another. Prints p50, p90, p99 and the longest, in ms, for the
//! checker without the model (the baseline, same run), with it, and the
//! encoder alone (what a draft costs when both claim heads must read it),
//! with its products split across two threads (the default) and on one.

use std::time::Instant;

use tactful_core::Channel;

fn texts(n: usize) -> Vec<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut out = Vec::new();
    for (file, share) in
        [("../shared/data/claims/claims-dev-2.jsonl", n / 4), ("target/eval/benign.jsonl", n)]
    {
        let path = root.join(file);
        let Ok(body) = std::fs::read_to_string(&path) else {
            panic!(
                "{} is missing (run cargo run -p tactful-evalsets --bin build-eval-sets first)",
                path.display()
            )
        };
        let lines: Vec<&str> = body.lines().collect();
        // Every k-th line: the whole file's spread of lengths, not its start.
        let step = (lines.len() / share.max(1)).max(1);
        for l in lines.iter().step_by(step).take(share) {
            let v: serde_json::Value = serde_json::from_str(l).expect("a JSON line");
            if let Some(t) = v["text"].as_str() {
                out.push(t.to_string());
            }
        }
    }
    out.truncate(n);
    out
}

fn pct(mut ms: Vec<f64>) -> String {
    ms.sort_by(f64::total_cmp);
    let at = |q: f64| ms[((ms.len() as f64 - 1.0) * q).round() as usize];
    format!("p50 {:6.2}  p90 {:6.2}  p99 {:6.2}  max {:6.2}", at(0.5), at(0.9), at(0.99), at(1.0))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    // cargo runs a bench in its package's folder: a relative path is read
    // from the workspace's root, where the command was typed.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = args
        .first()
        .map(|a| root.join(a))
        .or_else(|| std::env::var_os("TACTFUL_CONTEXT_MODEL").map(Into::into))
        .unwrap_or_else(|| root.join("target/models/context-model"));
    let n: usize = args.get(1).and_then(|v| v.parse().ok()).unwrap_or(600);
    let context = std::sync::Arc::new(tactful_app::context::load(&dir).unwrap_or_else(|e| panic!("{e}")));
    let mut one = tactful_app::context::load(&dir).unwrap_or_else(|e| panic!("{e}"));
    one.model.set_two_threads(false);
    let texts = texts(n);
    let plain = tactful_app::Checker::builtin();
    let with = tactful_app::Checker::builtin().with_context(Some(context.clone()));
    // Warm both (page in the weights, build the automata).
    for t in texts.iter().take(20) {
        plain.check_draft(t, Channel::Post);
        with.check_draft(t, Channel::Post);
    }
    let time = |f: &dyn Fn(&str)| {
        texts
            .iter()
            .map(|t| {
                let s = Instant::now();
                f(t);
                s.elapsed().as_secs_f64() * 1000.0
            })
            .collect::<Vec<f64>>()
    };
    let base = time(&|t| drop(plain.check_draft(t, Channel::Post)));
    let ctx = time(&|t| drop(with.check_draft(t, Channel::Post)));
    let enc = time(&|t| drop(context.model.embed(t)));
    let enc_one = time(&|t| drop(one.model.embed(t)));
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let words = texts.iter().map(|t| t.split_whitespace().count()).sum::<usize>() as f64 / texts.len() as f64;
    println!("{} drafts, {words:.0} words on average, one after another, ms a draft:", texts.len());
    println!("  check without the model (baseline)  {}", pct(base.clone()));
    println!("  check with the context model        {}", pct(ctx.clone()));
    println!("  the encoder alone, every draft      {}", pct(enc.clone()));
    println!("  the same on one thread              {}", pct(enc_one));
    println!(
        "  mean: with the model {:.1}x the baseline; the encoder alone {:.1}x",
        mean(&ctx) / mean(&base),
        mean(&enc) / mean(&base)
    );
}

//! Write every labeled example of a head as JSONL (source, split, class,
//! text), so settings can be explored outside the trainer. Research aid only.
//!
//! `cargo run --release -p tactful-train --example dump -- HEAD > FILE`

use tactful_train::data::{self, Policy};

fn main() -> anyhow::Result<()> {
    let name = std::env::args().nth(1).unwrap_or_else(|| "spam".into());
    let head: tactful_classify::Head = name.parse().map_err(|e| anyhow::anyhow!("{e}"))?;
    let dir = data::default_data_dir();
    for (src, _, examples) in tactful_train::head_examples(&dir, head, Policy::Default)? {
        for e in examples {
            let line = serde_json::json!({
                "source": src.id, "split": e.split.as_str(), "class": e.class, "text": e.text,
            });
            println!("{line}");
        }
    }
    Ok(())
}

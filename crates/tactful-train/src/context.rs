//! The context model in training: every text's embedding (computed once,
//! on every core, and kept in a cache file beside the build so a second run
//! reads it back), and the claim heads' dense half fitted on them.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::Path;

use tactful_context::ContextModel;

use crate::claims::hash;

/// Each text's embedding, by text.
pub struct Embeddings {
    pub by_text: HashMap<String, Vec<f32>>,
}

impl Embeddings {
    pub fn get(&self, text: &str) -> &[f32] {
        self.by_text.get(text).map_or(&[], Vec::as_slice)
    }
}

/// Embed `texts` with `model`, reading and extending the cache at `cache`
/// (keyed by the model's identity and each text's hash).
pub fn embed_all(
    model: &ContextModel,
    model_id: u64,
    texts: &[&str],
    cache: &Path,
) -> anyhow::Result<Embeddings> {
    let width = tactful_context::encoder::WIDTH;
    let mut known: HashMap<u64, Vec<f32>> = HashMap::new();
    if let Ok(mut f) = std::fs::File::open(cache) {
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes)?;
        if bytes.len() >= 8 && u64::from_le_bytes(bytes[..8].try_into()?) == model_id {
            for rec in bytes[8..].chunks_exact(8 + 4 * width) {
                let key = u64::from_le_bytes(rec[..8].try_into()?);
                let v =
                    rec[8..].chunks_exact(4).map(|c| f32::from_le_bytes(c.try_into().expect("4"))).collect();
                known.insert(key, v);
            }
        }
    }
    let mut todo: Vec<&str> =
        texts.iter().copied().filter(|t| !known.contains_key(&hash(t.as_bytes(), 0))).collect();
    todo.sort_unstable();
    todo.dedup();
    if !todo.is_empty() {
        let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        eprintln!(
            "context model: embedding {} texts on {threads} threads ({} cached)",
            todo.len(),
            known.len()
        );
        let start = std::time::Instant::now();
        let done = std::sync::atomic::AtomicUsize::new(0);
        let chunk = todo.len().div_ceil(threads);
        let total = todo.len();
        let todo = &todo;
        let fresh: Vec<(u64, Vec<f32>)> = std::thread::scope(|s| {
            let handles: Vec<_> = todo
                .chunks(chunk)
                .map(|part| {
                    let done = &done;
                    s.spawn(move || {
                        part.iter()
                            .map(|t| {
                                let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                                if n.is_multiple_of(2000) {
                                    eprintln!("  {n} of {total} ({:.0} s)", start.elapsed().as_secs_f64());
                                }
                                (hash(t.as_bytes(), 0), model.embed(t))
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles.into_iter().flat_map(|h| h.join().expect("embedding thread")).collect()
        });
        eprintln!("context model: {} texts in {:.0} s", fresh.len(), start.elapsed().as_secs_f64());
        known.extend(fresh);
        if let Some(dir) = cache.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut out = std::io::BufWriter::new(std::fs::File::create(cache)?);
        out.write_all(&model_id.to_le_bytes())?;
        for (k, v) in &known {
            out.write_all(&k.to_le_bytes())?;
            for x in v {
                out.write_all(&x.to_le_bytes())?;
            }
        }
        out.flush()?;
    }
    let by_text = texts
        .iter()
        .map(|t| (t.to_string(), known.get(&hash(t.as_bytes(), 0)).cloned().unwrap_or_default()))
        .collect();
    Ok(Embeddings { by_text })
}

/// A model read from its folder, with the identity its cache entries carry.
pub struct Loaded {
    pub model: ContextModel,
    pub id: u64,
}

impl Loaded {
    /// Read `model.safetensors` and `tokenizer.json` from `dir`.
    pub fn read(dir: &Path) -> anyhow::Result<Loaded> {
        use anyhow::Context as _;
        let read = |name: &str| {
            let path = dir.join(name);
            std::fs::read(&path)
                .with_context(|| format!("cannot read {} (the context model's folder)", path.display()))
        };
        let (weights, tokenizer) = (read("model.safetensors")?, read("tokenizer.json")?);
        let mut model = ContextModel::from_parts(&weights, &tokenizer)?;
        // `embed_all` already runs a text per core.
        model.set_two_threads(false);
        Ok(Loaded { model, id: model_id(&weights, &tokenizer) })
    }
}

/// Identity of a model's files, for the cache.
pub fn model_id(weights: &[u8], tokenizer: &[u8]) -> u64 {
    hash(weights, 0) ^ hash(tokenizer, 1)
}

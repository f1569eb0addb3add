//! The context model: a sentence encoder that reads a whole draft in
//! context (all-MiniLM-L6-v2, Apache-2.0, read from its own files, never
//! shipped in the binary) and the claim heads that read its embedding beside
//! the hashed heads of `tactful-classify`. Pure: bytes in, scores out.

pub mod encoder;
pub mod safetensors;
pub mod wordpiece;

#[derive(Debug, thiserror::Error)]
pub enum ContextError {
    #[error("the context model's weights cannot be read: {0}")]
    Weights(String),
    #[error("the context model's tokenizer cannot be read: {0}")]
    Tokenizer(String),
}

use encoder::Encoder;
use wordpiece::WordPiece;

/// Longest input read, in word pieces (the model's own limit).
pub const MAX_TOKENS: usize = 256;

/// The encoder and its tokenizer.
pub struct ContextModel {
    words: WordPiece,
    encoder: Encoder,
}

impl ContextModel {
    /// From the model's `model.safetensors` and `tokenizer.json`, as the
    /// all-MiniLM-L6-v2 package ships them.
    pub fn from_parts(weights: &[u8], tokenizer_json: &[u8]) -> Result<ContextModel, ContextError> {
        let t: serde_json::Value = serde_json::from_slice(tokenizer_json)
            .map_err(|e| ContextError::Tokenizer(format!("tokenizer.json is not JSON: {e}")))?;
        let vocab = t["model"]["vocab"]
            .as_object()
            .ok_or_else(|| ContextError::Tokenizer("tokenizer.json has no model.vocab".into()))?;
        let mut by_id: Vec<(u64, &str)> =
            vocab.iter().map(|(w, id)| (id.as_u64().unwrap_or(u64::MAX), w.as_str())).collect();
        by_id.sort_unstable();
        if by_id.iter().enumerate().any(|(i, (id, _))| *id != i as u64) {
            return Err(ContextError::Tokenizer("model.vocab ids are not 0, 1, 2, …".into()));
        }
        let mut lines = String::new();
        for (_, w) in &by_id {
            lines.push_str(w);
            lines.push('\n');
        }
        let words = WordPiece::from_vocab(&lines).map_err(|e| ContextError::Tokenizer(e.to_string()))?;
        let encoder = Encoder::from_tensors(safetensors::read(weights)?)?;
        Ok(ContextModel { words, encoder })
    }

    /// Share each large product with a helper thread (the default: the
    /// encoder's p99 23.3 → 17.2 ms in one run, `cargo bench -p tactful-app
    /// --bench draft`), or not (when the caller embeds many texts on every
    /// core itself).
    pub fn set_two_threads(&mut self, on: bool) {
        self.encoder.set_two_threads(on);
    }

    /// The text's embedding (unit length, [`encoder::WIDTH`] wide).
    pub fn embed(&self, text: &str) -> Vec<f32> {
        thread_local! {
            static IDS: std::cell::RefCell<Vec<u32>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        IDS.with(|ids| {
            let mut ids = ids.borrow_mut();
            self.words.encode(text, MAX_TOKENS, &mut ids);
            self.encoder.embed(&ids)
        })
    }
}

/// A claim head's context half: a linear model over the embedding, and how
/// its logit is blended with the hashed head's: `hashed / hashed_scale +
/// context / context_scale`, flagged at `threshold` (each scale is the spread
/// of that model's scores on ordinary texts, so neither drowns the other).
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimHead {
    pub weights: Vec<f32>,
    pub bias: f32,
    pub hashed_scale: f32,
    pub context_scale: f32,
    pub threshold: f32,
}

impl ClaimHead {
    pub fn context_logit(&self, embedding: &[f32]) -> f32 {
        self.weights.iter().zip(embedding).map(|(w, v)| w * v).sum::<f32>() + self.bias
    }

    /// The blended score of a text whose hashed head gave `hashed_logit`.
    pub fn score(&self, hashed_logit: f32, embedding: &[f32]) -> f32 {
        hashed_logit / self.hashed_scale + self.context_logit(embedding) / self.context_scale
    }

    pub fn flags(&self, hashed_logit: f32, embedding: &[f32]) -> bool {
        self.score(hashed_logit, embedding) >= self.threshold
    }

    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "weights": self.weights, "bias": self.bias, "hashed_scale": self.hashed_scale,
            "context_scale": self.context_scale, "threshold": self.threshold,
        })
    }

    pub fn from_json(v: &serde_json::Value) -> Option<ClaimHead> {
        let f = |k: &str| v[k].as_f64().map(|x| x as f32);
        let weights: Vec<f32> =
            v["weights"].as_array()?.iter().map(|x| x.as_f64().map(|x| x as f32)).collect::<Option<_>>()?;
        (weights.len() == encoder::WIDTH).then_some(())?;
        Some(ClaimHead {
            weights,
            bias: f("bias")?,
            hashed_scale: f("hashed_scale")?,
            context_scale: f("context_scale")?,
            threshold: f("threshold")?,
        })
    }
}

/// The shipped context halves of the claim heads, by head name
/// (`health-claim`, `earnings-claim`), written by `tactful-train --context`.
pub const HEADS_JSON: &str = include_str!("../heads.json");

/// `heads.json`, read once per process (270 KB: the heads and the examples'
/// vectors come from one reading).
fn shipped() -> &'static serde_json::Value {
    static PARSED: std::sync::OnceLock<serde_json::Value> = std::sync::OnceLock::new();
    PARSED.get_or_init(|| serde_json::from_str(HEADS_JSON).unwrap_or(serde_json::Value::Null))
}

/// The context model's vector of each FTC/FDA example the claim findings
/// quote (`tactful_classify::explain::quoted`, same order), so a finding
/// can name the quoted claim nearest in meaning; empty if the file has none.
pub fn shipped_examples() -> Vec<Vec<f32>> {
    shipped()["examples"]
        .as_array()
        .map(|rows| {
            rows.iter()
                .filter_map(|r| r.as_array()?.iter().map(|x| x.as_f64().map(|x| x as f32)).collect())
                .collect()
        })
        .unwrap_or_default()
}

/// The shipped head for `name`, if the file has one.
pub fn shipped_head(name: &str) -> Option<ClaimHead> {
    ClaimHead::from_json(&shipped()["heads"][name])
}

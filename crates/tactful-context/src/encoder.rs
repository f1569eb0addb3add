//! The sentence encoder: all-MiniLM-L6-v2 (a 6-layer BERT, 384 wide), run on
//! one text at a time and mean pooled, as sentence-transformers does. One
//! text needs no padding, so no attention mask: every token is a real one.
//! Matrices are row-major `Vec<f32>`, one row a token; every product goes
//! through `tactful-matmul`, whose weights are packed once here at load time.

use std::collections::HashMap;

use tactful_matmul::{Activation, Helper, Packed};

use crate::ContextError;
use crate::safetensors::Tensor;

/// Width of the model's vectors.
pub const WIDTH: usize = 384;
const HEADS: usize = 12;
const HEAD_WIDTH: usize = WIDTH / HEADS;
const LAYERS: usize = 6;

struct Norm {
    w: Vec<f32>,
    b: Vec<f32>,
}

struct Layer {
    /// Query, key and value projections side by side (in × 3·out): one product.
    qkv: Packed,
    out: Packed,
    norm1: Norm,
    /// The feed-forward's widening product, GELU applied as it is stored.
    up: Packed,
    down: Packed,
    norm2: Norm,
}

pub struct Encoder {
    /// vocabulary × WIDTH
    word: Vec<f32>,
    /// positions × WIDTH
    position: Vec<f32>,
    segment: Vec<f32>,
    norm: Norm,
    layers: Vec<Layer>,
    /// Split each large product across two threads (one draft a person
    /// waits on); off where many texts are embedded side by side already.
    two_threads: bool,
}

impl Encoder {
    /// Whether each large product is split across two threads (the default).
    pub fn set_two_threads(&mut self, on: bool) {
        self.two_threads = on;
    }

    /// Longest input the position table allows.
    pub fn max_tokens(&self) -> usize {
        self.position.len() / WIDTH
    }

    pub fn vocab_size(&self) -> usize {
        self.word.len() / WIDTH
    }

    pub fn from_tensors(mut t: HashMap<String, Tensor>) -> Result<Encoder, ContextError> {
        let mut take = |name: &str, shape: &[usize]| -> Result<Vec<f32>, ContextError> {
            // Some exports prefix every name with "bert.".
            let tensor = t.remove(name).or_else(|| t.remove(&format!("bert.{name}"))).ok_or_else(|| {
                ContextError::Weights(format!("tensor {name} is missing (is this all-MiniLM-L6-v2?)"))
            })?;
            let fits = tensor.shape.len() == shape.len()
                && tensor.shape.iter().zip(shape).all(|(a, b)| *b == 0 || a == b);
            if !fits {
                return Err(ContextError::Weights(format!(
                    "tensor {name} has shape {:?}, expected {shape:?}",
                    tensor.shape
                )));
            }
            Ok(tensor.data)
        };
        // Linear layers are stored out × in, one output a row.
        let linear =
            |v: Vec<f32>, b: Vec<f32>, out: usize, inp: usize| Packed::from_outputs(&v, inp, out, &b);
        let word = take("embeddings.word_embeddings.weight", &[0, WIDTH])?;
        let position = take("embeddings.position_embeddings.weight", &[0, WIDTH])?;
        let segment = take("embeddings.token_type_embeddings.weight", &[0, WIDTH])?;
        let norm = Norm {
            w: take("embeddings.LayerNorm.weight", &[WIDTH])?,
            b: take("embeddings.LayerNorm.bias", &[WIDTH])?,
        };
        let mut layers = Vec::with_capacity(LAYERS);
        for i in 0..LAYERS {
            let p = format!("encoder.layer.{i}.");
            let mut get = |n: &str, shape: &[usize]| take(&format!("{p}{n}"), shape);
            // Query, key and value stacked out-wise are one layer of
            // 3 × WIDTH outputs.
            let mut qkv = get("attention.self.query.weight", &[WIDTH, WIDTH])?;
            qkv.extend(get("attention.self.key.weight", &[WIDTH, WIDTH])?);
            qkv.extend(get("attention.self.value.weight", &[WIDTH, WIDTH])?);
            let mut qkv_b = get("attention.self.query.bias", &[WIDTH])?;
            qkv_b.extend(get("attention.self.key.bias", &[WIDTH])?);
            qkv_b.extend(get("attention.self.value.bias", &[WIDTH])?);
            let inner = 4 * WIDTH;
            let out_w = get("attention.output.dense.weight", &[WIDTH, WIDTH])?;
            let out_b = get("attention.output.dense.bias", &[WIDTH])?;
            let norm1 = Norm {
                w: get("attention.output.LayerNorm.weight", &[WIDTH])?,
                b: get("attention.output.LayerNorm.bias", &[WIDTH])?,
            };
            let up_w = get("intermediate.dense.weight", &[inner, WIDTH])?;
            let up_b = get("intermediate.dense.bias", &[inner])?;
            let down_w = get("output.dense.weight", &[WIDTH, inner])?;
            let down_b = get("output.dense.bias", &[WIDTH])?;
            let norm2 = Norm {
                w: get("output.LayerNorm.weight", &[WIDTH])?,
                b: get("output.LayerNorm.bias", &[WIDTH])?,
            };
            layers.push(Layer {
                qkv: linear(qkv, qkv_b, 3 * WIDTH, WIDTH),
                out: linear(out_w, out_b, WIDTH, WIDTH),
                norm1,
                up: linear(up_w, up_b, inner, WIDTH),
                down: linear(down_w, down_b, WIDTH, inner),
                norm2,
            });
        }
        Ok(Encoder { word, position, segment: segment[..WIDTH].to_vec(), norm, layers, two_threads: true })
    }

    /// The text's vector (unit length) from its token ids, `[CLS]` and
    /// `[SEP]` included. Ids past the vocabulary read as id 0; tokens past
    /// the position table are dropped (the tokenizer truncates first).
    pub fn embed(&self, ids: &[u32]) -> Vec<f32> {
        let n = ids.len().min(self.max_tokens()).max(1);
        let mut x = vec![0.0; n * WIDTH];
        for (i, row) in x.chunks_exact_mut(WIDTH).enumerate() {
            let id = ids.get(i).map_or(0, |&id| id as usize);
            let id = if id < self.vocab_size() { id } else { 0 };
            let (word, position) = (&self.word[id * WIDTH..][..WIDTH], &self.position[i * WIDTH..][..WIDTH]);
            for (((v, w), p), s) in row.iter_mut().zip(word).zip(position).zip(&self.segment) {
                *v = w + p + s;
            }
        }
        layer_norm(&mut x, &self.norm);
        let x = if self.two_threads {
            tactful_matmul::with_helper(|h| self.layers(x, n, Some(h)))
        } else {
            self.layers(x, n, None)
        };
        let mut mean = vec![0.0f32; WIDTH];
        for row in x.chunks_exact(WIDTH) {
            add(&mut mean, row);
        }
        let norm = mean.iter().map(|v| v * v).sum::<f32>().sqrt().max(1e-12);
        mean.iter().map(|v| v / norm).collect()
    }
}

impl Encoder {
    /// The six layers over the embedded tokens (n × WIDTH).
    fn layers<'a>(&'a self, mut x: Vec<f32>, n: usize, helper: Option<&Helper<'a>>) -> Vec<f32> {
        for l in &self.layers {
            let qkv = l.qkv.product(&x, n, Activation::None, helper);
            let context = match helper {
                // Half the heads on each thread, for a text long enough to pay.
                Some(h) if n >= 32 => {
                    let qkv = std::sync::Arc::new(qkv);
                    let shared = std::sync::Arc::clone(&qkv);
                    let half = HEADS / 2;
                    let (left, right) =
                        h.both(move || attention(&shared, n, half..HEADS), || attention(&qkv, n, 0..half));
                    let mut context = Vec::with_capacity(n * WIDTH);
                    for (l, r) in left
                        .chunks_exact(half * HEAD_WIDTH)
                        .zip(right.chunks_exact(WIDTH - half * HEAD_WIDTH))
                    {
                        context.extend_from_slice(l);
                        context.extend_from_slice(r);
                    }
                    context
                }
                _ => attention(&qkv, n, 0..HEADS),
            };
            let mut a = l.out.product(&context, n, Activation::None, helper);
            add(&mut a, &x);
            layer_norm(&mut a, &l.norm1);
            let f = l.up.product(&a, n, Activation::Gelu, helper);
            let mut o = l.down.product(&f, n, Activation::None, helper);
            add(&mut o, &a);
            layer_norm(&mut o, &l.norm2);
            x = o;
        }
        x
    }
}

/// Self-attention over one text for the given heads: `qkv` is n ×
/// (queries | keys | values); the result is n × (the heads' widths side by
/// side). Each head's scores and weighted values are two small products,
/// keys and values packed per text as the weights (the keys as they stand,
/// one row a token: each is one output of the scores' product).
fn attention(qkv: &[f32], n: usize, heads: std::ops::Range<usize>) -> Vec<f32> {
    let scale = 1.0 / (HEAD_WIDTH as f32).sqrt();
    let width = heads.len() * HEAD_WIDTH;
    let first = heads.start;
    let mut context = vec![0.0; n * width];
    let (mut q, mut k, mut v) =
        (vec![0.0; n * HEAD_WIDTH], vec![0.0; n * HEAD_WIDTH], vec![0.0; n * HEAD_WIDTH]);
    let none = vec![0.0; n.max(HEAD_WIDTH)];
    for h in heads {
        let at = h * HEAD_WIDTH;
        for (i, row) in qkv.chunks_exact(3 * WIDTH).enumerate() {
            for d in 0..HEAD_WIDTH {
                q[i * HEAD_WIDTH + d] = row[at + d] * scale;
                k[i * HEAD_WIDTH + d] = row[WIDTH + at + d];
                v[i * HEAD_WIDTH + d] = row[2 * WIDTH + at + d];
            }
        }
        let keys = Packed::from_outputs(&k, HEAD_WIDTH, n, &none[..n]);
        let mut weights = keys.product(&q, n, Activation::None, None);
        for row in weights.chunks_exact_mut(n) {
            let max = row.iter().fold(f32::NEG_INFINITY, |m, &v| m.max(v));
            // The vectorisable exp: libm's, one call a score, was 4% of a draft.
            for w in row.iter_mut() {
                *w = tactful_matmul::exp(*w - max);
            }
            let sum: f32 = row.iter().sum();
            for w in row.iter_mut() {
                *w /= sum;
            }
        }
        let values = Packed::new(&v, n, HEAD_WIDTH, &none[..HEAD_WIDTH]);
        let out = values.product(&weights, n, Activation::None, None);
        let to = (h - first) * HEAD_WIDTH;
        for (dest, o) in context.chunks_exact_mut(width).zip(out.chunks_exact(HEAD_WIDTH)) {
            dest[to..to + HEAD_WIDTH].copy_from_slice(o);
        }
    }
    context
}

fn add(to: &mut [f32], x: &[f32]) {
    for (t, v) in to.iter_mut().zip(x) {
        *t += v;
    }
}

fn layer_norm(x: &mut [f32], n: &Norm) {
    for row in x.chunks_exact_mut(WIDTH) {
        let mean = row.iter().sum::<f32>() / WIDTH as f32;
        let var = row.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / WIDTH as f32;
        let inv = 1.0 / (var + 1e-12).sqrt();
        for ((v, w), b) in row.iter_mut().zip(&n.w).zip(&n.b) {
            *v = (*v - mean) * inv * w + b;
        }
    }
}

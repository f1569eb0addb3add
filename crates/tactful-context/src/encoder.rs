//! The sentence encoder: all-MiniLM-L6-v2 (a 6-layer BERT, 384 wide), run on
//! one text at a time and mean pooled, as sentence-transformers does. One
//! text needs no padding, so no attention mask: every token is a real one.

use std::collections::HashMap;

use ndarray::{Array1, Array2, Axis, Slice};

use crate::ContextError;
use crate::safetensors::Tensor;

/// Width of the model's vectors.
pub const WIDTH: usize = 384;
const HEADS: usize = 12;
const HEAD_WIDTH: usize = WIDTH / HEADS;
const LAYERS: usize = 6;

struct Norm {
    w: Array1<f32>,
    b: Array1<f32>,
}

struct Layer {
    /// Query, key and value projections side by side (in × 3·out): one product.
    qkv: Array2<f32>,
    qkv_b: Array1<f32>,
    out: Array2<f32>,
    out_b: Array1<f32>,
    norm1: Norm,
    up: Array2<f32>,
    up_b: Array1<f32>,
    down: Array2<f32>,
    down_b: Array1<f32>,
    norm2: Norm,
}

pub struct Encoder {
    word: Array2<f32>,
    position: Array2<f32>,
    segment: Array1<f32>,
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
        self.position.nrows()
    }

    pub fn vocab_size(&self) -> usize {
        self.word.nrows()
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
        let vector = |v: Vec<f32>| Array1::from_vec(v);
        // Linear layers are stored out × in; the products here want in × out.
        let linear = |v: Vec<f32>, out: usize, inp: usize| {
            Array2::from_shape_vec((out, inp), v)
                .expect("shape checked")
                .reversed_axes()
                .as_standard_layout()
                .into_owned()
        };
        let word = take("embeddings.word_embeddings.weight", &[0, WIDTH])?;
        let vocab = word.len() / WIDTH;
        let position = take("embeddings.position_embeddings.weight", &[0, WIDTH])?;
        let positions = position.len() / WIDTH;
        let segment = take("embeddings.token_type_embeddings.weight", &[0, WIDTH])?;
        let norm = Norm {
            w: vector(take("embeddings.LayerNorm.weight", &[WIDTH])?),
            b: vector(take("embeddings.LayerNorm.bias", &[WIDTH])?),
        };
        let mut layers = Vec::with_capacity(LAYERS);
        for i in 0..LAYERS {
            let p = format!("encoder.layer.{i}.");
            let mut get = |n: &str, shape: &[usize]| take(&format!("{p}{n}"), shape);
            let q = linear(get("attention.self.query.weight", &[WIDTH, WIDTH])?, WIDTH, WIDTH);
            let k = linear(get("attention.self.key.weight", &[WIDTH, WIDTH])?, WIDTH, WIDTH);
            let v = linear(get("attention.self.value.weight", &[WIDTH, WIDTH])?, WIDTH, WIDTH);
            let qkv = ndarray::concatenate(Axis(1), &[q.view(), k.view(), v.view()]).expect("same rows");
            let mut qkv_b = get("attention.self.query.bias", &[WIDTH])?;
            qkv_b.extend(get("attention.self.key.bias", &[WIDTH])?);
            qkv_b.extend(get("attention.self.value.bias", &[WIDTH])?);
            let inner = 4 * WIDTH;
            layers.push(Layer {
                qkv,
                qkv_b: vector(qkv_b),
                out: linear(get("attention.output.dense.weight", &[WIDTH, WIDTH])?, WIDTH, WIDTH),
                out_b: vector(get("attention.output.dense.bias", &[WIDTH])?),
                norm1: Norm {
                    w: vector(get("attention.output.LayerNorm.weight", &[WIDTH])?),
                    b: vector(get("attention.output.LayerNorm.bias", &[WIDTH])?),
                },
                up: linear(get("intermediate.dense.weight", &[inner, WIDTH])?, inner, WIDTH),
                up_b: vector(get("intermediate.dense.bias", &[inner])?),
                down: linear(get("output.dense.weight", &[WIDTH, inner])?, WIDTH, inner),
                down_b: vector(get("output.dense.bias", &[WIDTH])?),
                norm2: Norm {
                    w: vector(get("output.LayerNorm.weight", &[WIDTH])?),
                    b: vector(get("output.LayerNorm.bias", &[WIDTH])?),
                },
            });
        }
        Ok(Encoder {
            word: Array2::from_shape_vec((vocab, WIDTH), word).expect("shape checked"),
            position: Array2::from_shape_vec((positions, WIDTH), position).expect("shape checked"),
            segment: Array1::from_vec(segment[..WIDTH].to_vec()),
            norm,
            layers,
            two_threads: true,
        })
    }

    /// The text's vector (unit length) from its token ids, `[CLS]` and
    /// `[SEP]` included. Ids past the vocabulary read as id 0; tokens past
    /// the position table are dropped (the tokenizer truncates first).
    pub fn embed(&self, ids: &[u32]) -> Vec<f32> {
        let n = ids.len().min(self.max_tokens()).max(1);
        let mut x = Array2::<f32>::zeros((n, WIDTH));
        for (i, mut row) in x.rows_mut().into_iter().enumerate() {
            let id = ids.get(i).map_or(0, |&id| id as usize);
            let id = if id < self.vocab_size() { id } else { 0 };
            row.assign(&self.word.row(id));
            row += &self.position.row(i);
            row += &self.segment;
        }
        layer_norm(&mut x, &self.norm);
        let scale = 1.0 / (HEAD_WIDTH as f32).sqrt();
        for l in &self.layers {
            let qkv = product(&x, &l.qkv, self.two_threads) + &l.qkv_b;
            let mut context = Array2::<f32>::zeros((n, WIDTH));
            for h in 0..HEADS {
                let at = h * HEAD_WIDTH;
                let q = qkv.slice_axis(Axis(1), Slice::from(at..at + HEAD_WIDTH));
                let k = qkv.slice_axis(Axis(1), Slice::from(WIDTH + at..WIDTH + at + HEAD_WIDTH));
                let v = qkv.slice_axis(Axis(1), Slice::from(2 * WIDTH + at..2 * WIDTH + at + HEAD_WIDTH));
                let mut weights = q.dot(&k.t());
                for mut row in weights.rows_mut() {
                    let max = row.fold(f32::NEG_INFINITY, |m, &v| m.max(v * scale));
                    row.mapv_inplace(|v| (v * scale - max).exp());
                    let sum = row.sum();
                    row /= sum;
                }
                context.slice_axis_mut(Axis(1), Slice::from(at..at + HEAD_WIDTH)).assign(&weights.dot(&v));
            }
            let mut a = product(&context, &l.out, self.two_threads) + &l.out_b;
            a += &x;
            layer_norm(&mut a, &l.norm1);
            let mut f = product(&a, &l.up, self.two_threads) + &l.up_b;
            f.mapv_inplace(gelu);
            let mut o = product(&f, &l.down, self.two_threads) + &l.down_b;
            o += &a;
            layer_norm(&mut o, &l.norm2);
            x = o;
        }
        let mean = x.mean_axis(Axis(0)).expect("at least one token");
        let norm = mean.dot(&mean).sqrt().max(1e-12);
        mean.iter().map(|v| v / norm).collect()
    }
}

/// `x · w`, its columns split across two threads when the product is large
/// enough to pay for a second thread (a person waits on this draft; the
/// machine has cores to spare).
fn product(x: &Array2<f32>, w: &Array2<f32>, two_threads: bool) -> Array2<f32> {
    let cols = w.ncols();
    if !two_threads || x.nrows() * cols < 16 * 1024 {
        return x.dot(w);
    }
    let half = cols / 2;
    let (left, right) =
        (w.slice_axis(Axis(1), Slice::from(..half)), w.slice_axis(Axis(1), Slice::from(half..)));
    let (a, b) = std::thread::scope(|s| {
        let other = s.spawn(|| x.dot(&right));
        (x.dot(&left), other.join().expect("product thread"))
    });
    ndarray::concatenate(Axis(1), &[a.view(), b.view()]).expect("same rows")
}

fn layer_norm(x: &mut Array2<f32>, n: &Norm) {
    for mut row in x.rows_mut() {
        let mean = row.mean().unwrap_or(0.0);
        let var = row.fold(0.0, |s, &v| s + (v - mean) * (v - mean)) / WIDTH as f32;
        let inv = 1.0 / (var + 1e-12).sqrt();
        row.mapv_inplace(|v| (v - mean) * inv);
        row *= &n.w;
        row += &n.b;
    }
}

/// BERT's exact GELU, x·Φ(x), with erf from Abramowitz and Stegun 7.1.26
/// (absolute error under 1.5e-7: far below what f32 products keep).
fn gelu(x: f32) -> f32 {
    0.5 * x * (1.0 + erf(x / std::f32::consts::SQRT_2))
}

fn erf(x: f32) -> f32 {
    let t = 1.0 / (1.0 + 0.327_591_1 * x.abs());
    let y = 1.0
        - (((((1.061_405_4 * t - 1.453_152_1) * t) + 1.421_413_7) * t - 0.284_496_74) * t + 0.254_829_6)
            * t
            * (-x * x).exp();
    y.copysign(x)
}

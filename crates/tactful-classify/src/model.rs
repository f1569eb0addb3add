//! A linear model over hashed features, its calibration and threshold, and
//! its file format.
//!
//! File format (version 2, all numbers little-endian):
//!
//! ```text
//! magic      8 bytes  "TCFMODEL"
//! version    u16      2
//! bits       u8       log2 of the number of hash buckets (8..=24)
//! classes    u8       number of classes (2 for a yes/no head; at most 8)
//! outputs    u8       1 for a yes/no head (one logit), else = classes (softmax)
//! char_min   u8       character n-grams from this length ...
//! char_max   u8       ... to this one (1..=7; 0 = none)
//! flags      u8       bit 0: word bigrams; bit 1: cue tokens; bit 2: sentiment
//!                     lexicon tokens; bit 3: per-channel feature copies; bit 4:
//!                     claim vocabulary cues; bit 5: their second vocabulary (see
//!                     `features::Spec`)
//! head       u8 length + UTF-8 bytes
//! class      u8 length + UTF-8 bytes, `classes` times (yes/no: negative first)
//! scale      f32      a weight is `i8 * scale`
//! bias       f32      `outputs` times
//! calib_a    f32      yes/no: p = sigmoid(a*z + b); softmax: p = softmax(a*z)
//! calib_b    f32
//! threshold  f32      yes/no: positive when p >= threshold; softmax: the
//!                     winner is reported as "uncertain" below it
//! checksum   u32      FNV-1a of the weight bytes
//! weights    i8       outputs << bits of them, bucket-major
//!                     (bucket 0's outputs, then bucket 1's, ...)
//! ```

use thiserror::Error;

use crate::features::{self, Input, Scratch, Spec};

const MAGIC: &[u8; 8] = b"TCFMODEL";
const VERSION: u16 = 2;
/// The most classes a head may have.
pub const MAX_CLASSES: usize = 8;
/// The label given by a softmax head whose winning probability is under the threshold.
pub const UNCERTAIN: &str = "uncertain";

#[derive(Debug, Error, PartialEq, Eq)]
pub enum ModelError {
    #[error("not a tactful model file (the first bytes are not \"TCFMODEL\")")]
    BadMagic,
    #[error(
        "model file version {0} is not supported (this build reads version {VERSION}); retrain with `cargo run -p tactful-train`"
    )]
    UnsupportedVersion(u16),
    #[error("model file is truncated: expected {what} at byte {at}")]
    Truncated { what: &'static str, at: usize },
    #[error("model file is corrupt: {0}")]
    Corrupt(String),
}

/// A trained head: weights, calibration and threshold.
#[derive(Debug, Clone)]
pub struct Model {
    head: String,
    classes: Vec<String>,
    spec: Spec,
    outputs: usize,
    scale: f32,
    bias: Vec<f32>,
    calib_a: f32,
    calib_b: f32,
    threshold: f32,
    weights: Vec<i8>,
}

/// A head's answer for one text.
#[derive(Debug, Clone, PartialEq)]
pub struct Prediction<'m> {
    /// The class name (yes/no heads: the positive or negative class; softmax
    /// heads: the winner, or "uncertain" when its probability is under the threshold).
    pub label: &'m str,
    /// Yes/no heads: the calibrated probability of the positive class.
    /// Softmax heads: the winning class's calibrated probability.
    pub score: f32,
}

impl Model {
    /// Build a model from trained parts (the trainer does this). `weights`
    /// are f32, bucket-major, `outputs << bits` of them; they are quantised to i8.
    pub fn from_parts(
        head: &str,
        classes: &[&str],
        spec: Spec,
        weights: &[f32],
        bias: &[f32],
    ) -> Result<Model, ModelError> {
        let outputs = if classes.len() == 2 { 1 } else { classes.len() };
        if classes.len() < 2 || classes.len() > MAX_CLASSES {
            return Err(ModelError::Corrupt(format!(
                "{} classes: expected 2 to {MAX_CLASSES}",
                classes.len()
            )));
        }
        let bucket_bits = spec.bits;
        if Spec::from_parts(spec.bits, spec.char_min, spec.char_max, spec.flags()) != Some(spec)
            || weights.len() != outputs << bucket_bits
            || bias.len() != outputs
        {
            return Err(ModelError::Corrupt("weights or bias have the wrong length".into()));
        }
        let max = weights.iter().fold(0f32, |m, w| m.max(w.abs()));
        let scale = if max > 0.0 { max / 127.0 } else { 1.0 };
        let q = weights.iter().map(|w| (w / scale).round().clamp(-127.0, 127.0) as i8).collect();
        Ok(Model {
            head: head.to_string(),
            classes: classes.iter().map(|c| (*c).to_string()).collect(),
            spec,
            outputs,
            scale,
            bias: bias.to_vec(),
            calib_a: 1.0,
            calib_b: 0.0,
            threshold: if outputs == 1 { 0.5 } else { 0.0 },
            weights: q,
        })
    }

    /// Read a model file.
    pub fn from_bytes(bytes: &[u8]) -> Result<Model, ModelError> {
        let mut r = Reader { bytes, at: 0 };
        if r.take(8, "the magic bytes")? != MAGIC {
            return Err(ModelError::BadMagic);
        }
        let version = u16::from_le_bytes(r.array("the version")?);
        if version != VERSION {
            return Err(ModelError::UnsupportedVersion(version));
        }
        let bits = r.u8("the bucket bits")?;
        let classes = usize::from(r.u8("the class count")?);
        let outputs = usize::from(r.u8("the output count")?);
        let char_min = r.u8("the character n-gram lengths")?;
        let char_max = r.u8("the character n-gram lengths")?;
        let flags = r.u8("the feature flags")?;
        if !(8..=24).contains(&bits) {
            return Err(ModelError::Corrupt(format!("{bits} bucket bits: expected 8 to 24")));
        }
        let spec = Spec::from_parts(bits, char_min, char_max, flags).ok_or_else(|| {
            ModelError::Corrupt(format!("features: character {char_min}..={char_max}, flags {flags:#x}"))
        })?;
        if !(2..=MAX_CLASSES).contains(&classes) || outputs != if classes == 2 { 1 } else { classes } {
            return Err(ModelError::Corrupt(format!("{classes} classes with {outputs} outputs")));
        }
        let head = r.string("the head name")?;
        let names = (0..classes).map(|_| r.string("a class name")).collect::<Result<Vec<_>, _>>()?;
        let scale = r.f32("the weight scale")?;
        let biases = (0..outputs).map(|_| r.f32("a bias")).collect::<Result<Vec<_>, _>>()?;
        let calib_a = r.f32("the calibration")?;
        let calib_b = r.f32("the calibration")?;
        let threshold = r.f32("the threshold")?;
        let checksum = u32::from_le_bytes(r.array("the checksum")?);
        let n = outputs << bits;
        let raw = r.take(n, "the weights")?;
        if r.at != bytes.len() {
            return Err(ModelError::Corrupt(format!("{} bytes after the weights", bytes.len() - r.at)));
        }
        if fnv32(raw) != checksum {
            return Err(ModelError::Corrupt("the weights do not match the checksum".into()));
        }
        let finite = [scale, calib_a, calib_b, threshold].iter().chain(&biases).all(|x| x.is_finite());
        if !finite || !(0.0..=1.0).contains(&threshold) {
            return Err(ModelError::Corrupt("a parameter is not a finite number in range".into()));
        }
        let weights = raw.iter().map(|&b| i8::from_le_bytes([b])).collect();
        Ok(Model {
            head,
            classes: names,
            spec,
            outputs,
            scale,
            bias: biases,
            calib_a,
            calib_b,
            threshold,
            weights,
        })
    }

    /// Write the model file.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.weights.len() + 256);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.push(self.spec.bits);
        out.push(self.classes.len() as u8);
        out.push(self.outputs as u8);
        out.push(self.spec.char_min);
        out.push(self.spec.char_max);
        out.push(self.spec.flags());
        for s in std::iter::once(&self.head).chain(&self.classes) {
            let b = s.as_bytes();
            out.push(b.len().min(255) as u8);
            out.extend_from_slice(&b[..b.len().min(255)]);
        }
        out.extend_from_slice(&self.scale.to_le_bytes());
        for b in &self.bias {
            out.extend_from_slice(&b.to_le_bytes());
        }
        for x in [self.calib_a, self.calib_b, self.threshold] {
            out.extend_from_slice(&x.to_le_bytes());
        }
        let raw: Vec<u8> = self.weights.iter().map(|w| w.to_le_bytes()[0]).collect();
        out.extend_from_slice(&fnv32(&raw).to_le_bytes());
        out.extend_from_slice(&raw);
        out
    }

    pub fn head(&self) -> &str {
        &self.head
    }
    /// The class names (yes/no heads: negative, then positive).
    pub fn classes(&self) -> &[String] {
        &self.classes
    }
    /// True for a yes/no head (one logit), false for a softmax head.
    pub fn is_binary(&self) -> bool {
        self.outputs == 1
    }
    pub fn bits(&self) -> u8 {
        self.spec.bits
    }
    /// The features the model reads.
    pub fn spec(&self) -> Spec {
        self.spec
    }
    pub fn threshold(&self) -> f32 {
        self.threshold
    }
    pub fn calibration(&self) -> (f32, f32) {
        (self.calib_a, self.calib_b)
    }
    pub fn set_threshold(&mut self, t: f32) {
        self.threshold = t.clamp(0.0, 1.0);
    }
    pub fn set_calibration(&mut self, a: f32, b: f32) {
        self.calib_a = a;
        self.calib_b = b;
    }

    /// The calibrated probability of the positive class of two yes/no heads
    /// that read the same features (same spec), from one pass over the text:
    /// the claim heads run on every draft, so reading the text once halves
    /// their cost. Falls back to two passes when the specs differ.
    pub fn positive_pair<'a>(
        a: &Model,
        b: &Model,
        input: impl Into<Input<'a>>,
        scratch: &mut Scratch,
    ) -> (f32, f32) {
        let input = input.into();
        if a.outputs != 1 || b.outputs != 1 || a.spec != b.spec {
            return (a.probabilities(input, scratch)[1], b.probabilities(input, scratch)[1]);
        }
        let (wa, wb) = (&a.weights, &b.weights);
        let (mut acc_a, mut acc_b) = (0i32, 0i32);
        let n = features::for_each_feature_in(input, &a.spec, scratch, |x| {
            acc_a += i32::from(wa[x as usize]);
            acc_b += i32::from(wb[x as usize]);
        });
        let root = (n.max(1) as f32).sqrt();
        let za = acc_a as f32 * a.scale / root + a.bias[0];
        let zb = acc_b as f32 * b.scale / root + b.bias[0];
        (a.calibrate(&[za])[1], b.calibrate(&[zb])[1])
    }

    /// The raw (uncalibrated) scores: one logit for a yes/no head, one per
    /// class for a softmax head. `out` must hold `outputs` values.
    pub fn logits<'a>(&self, input: impl Into<Input<'a>>, scratch: &mut Scratch, out: &mut [f32]) {
        let input = input.into();
        let w = &self.weights;
        let n = if self.outputs == 1 {
            let mut acc = 0i32;
            let n = features::for_each_feature_in(input, &self.spec, scratch, |b| {
                acc += i32::from(w[b as usize]);
            });
            out[0] = acc as f32;
            n
        } else {
            let k = self.outputs;
            let mut acc = [0i32; MAX_CLASSES];
            let n = features::for_each_feature_in(input, &self.spec, scratch, |b| {
                let row = &w[b as usize * k..b as usize * k + k];
                for (a, &x) in acc.iter_mut().zip(row) {
                    *a += i32::from(x);
                }
            });
            for (o, a) in out.iter_mut().zip(&acc) {
                *o = *a as f32;
            }
            n
        };
        let norm = self.scale / (n.max(1) as f32).sqrt();
        for (o, b) in out.iter_mut().zip(&self.bias) {
            *o = *o * norm + b;
        }
    }

    /// Calibrated probabilities, one per class (yes/no: negative, positive).
    pub fn probabilities<'a>(&self, input: impl Into<Input<'a>>, scratch: &mut Scratch) -> Vec<f32> {
        let mut z = vec![0f32; self.outputs];
        self.logits(input, scratch, &mut z);
        self.calibrate(&z)
    }

    /// Turn raw scores into calibrated probabilities, one per class.
    pub fn calibrate(&self, z: &[f32]) -> Vec<f32> {
        if self.outputs == 1 {
            let p = sigmoid(self.calib_a * z[0] + self.calib_b);
            vec![1.0 - p, p]
        } else {
            softmax(z, self.calib_a)
        }
    }

    /// The head's answer with its own threshold.
    pub fn classify<'a>(&self, input: impl Into<Input<'a>>, scratch: &mut Scratch) -> Prediction<'_> {
        self.classify_with(input, self.threshold, scratch)
    }

    /// The head's answer with the given threshold (clamped to 0..=1).
    pub fn classify_with<'a>(
        &self,
        input: impl Into<Input<'a>>,
        threshold: f32,
        scratch: &mut Scratch,
    ) -> Prediction<'_> {
        let p = self.probabilities(input, scratch);
        self.decide(&p, threshold)
    }

    /// The label and score for calibrated probabilities `p`.
    pub fn decide(&self, p: &[f32], threshold: f32) -> Prediction<'_> {
        let t = threshold.clamp(0.0, 1.0);
        if self.outputs == 1 {
            let label = if p[1] >= t { &self.classes[1] } else { &self.classes[0] };
            Prediction { label, score: p[1] }
        } else {
            let (best, &score) =
                p.iter().enumerate().fold((0, &p[0]), |m, (i, x)| if *x > *m.1 { (i, x) } else { m });
            let label = if score >= t { self.classes[best].as_str() } else { UNCERTAIN };
            Prediction { label, score }
        }
    }
}

pub fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

/// Softmax of `a * z`.
pub fn softmax(z: &[f32], a: f32) -> Vec<f32> {
    let m = z.iter().fold(f32::NEG_INFINITY, |m, &x| m.max(a * x));
    let e: Vec<f32> = z.iter().map(|&x| (a * x - m).exp()).collect();
    let s: f32 = e.iter().sum();
    e.into_iter().map(|x| x / s).collect()
}

fn fnv32(bytes: &[u8]) -> u32 {
    // FNV-1a over 8-byte words: fast enough to check a megabyte in well under a millisecond.
    let mut h: u32 = 0x811C_9DC5;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes(c.try_into().expect("8 bytes"));
        h = (h ^ (w as u32)).wrapping_mul(0x0100_0193);
        h = (h ^ ((w >> 32) as u32)).wrapping_mul(0x0100_0193);
    }
    for &b in chunks.remainder() {
        h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
    }
    h
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], ModelError> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&e| e <= self.bytes.len())
            .ok_or(ModelError::Truncated { what, at: self.at })?;
        let s = &self.bytes[self.at..end];
        self.at = end;
        Ok(s)
    }
    fn array<const N: usize>(&mut self, what: &'static str) -> Result<[u8; N], ModelError> {
        Ok(self.take(N, what)?.try_into().expect("N bytes"))
    }
    fn u8(&mut self, what: &'static str) -> Result<u8, ModelError> {
        Ok(self.take(1, what)?[0])
    }
    fn f32(&mut self, what: &'static str) -> Result<f32, ModelError> {
        Ok(f32::from_le_bytes(self.array(what)?))
    }
    fn string(&mut self, what: &'static str) -> Result<String, ModelError> {
        let n = usize::from(self.u8(what)?);
        let b = self.take(n, what)?;
        String::from_utf8(b.to_vec()).map_err(|_| ModelError::Corrupt(format!("{what} is not UTF-8")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny(classes: &[&str]) -> Model {
        let outputs = if classes.len() == 2 { 1 } else { classes.len() };
        let w: Vec<f32> = (0..outputs << 10).map(|i| ((i * 7919) % 13) as f32 - 6.0).collect();
        let bias = vec![0.25; outputs];
        let spec = Spec { bits: 10, ..Spec::V1 };
        let mut m = Model::from_parts("t", classes, spec, &w, &bias).unwrap();
        m.set_calibration(0.5, -0.1);
        m.set_threshold(0.3);
        m
    }

    #[test]
    #[allow(clippy::float_cmp)] // exact: the same bits must come back
    fn a_model_survives_a_round_trip_through_bytes() {
        for classes in [&["no", "yes"][..], &["a", "b", "c", "d"][..]] {
            let m = tiny(classes);
            let back = Model::from_bytes(&m.to_bytes()).unwrap();
            let mut s = Scratch::new();
            assert_eq!(back.probabilities("Buy now!", &mut s), m.probabilities("Buy now!", &mut s));
            assert_eq!(back.threshold(), 0.3);
            assert_eq!(back.classes(), m.classes());
        }
    }

    #[test]
    fn damaged_files_are_refused_with_a_reason() {
        let bytes = tiny(&["no", "yes"]).to_bytes();
        assert_eq!(
            Model::from_bytes(b"hello").unwrap_err(),
            ModelError::Truncated { what: "the magic bytes", at: 0 }
        );
        assert_eq!(Model::from_bytes(b"NOTMODEL and more").unwrap_err(), ModelError::BadMagic);
        assert!(matches!(
            Model::from_bytes(&bytes[..bytes.len() - 1]),
            Err(ModelError::Truncated { what: "the weights", .. })
        ));
        let mut flipped = bytes.clone();
        *flipped.last_mut().unwrap() ^= 1;
        assert!(matches!(Model::from_bytes(&flipped), Err(ModelError::Corrupt(_))));
        let mut v1 = bytes.clone();
        v1[8] = 1;
        assert_eq!(Model::from_bytes(&v1).unwrap_err(), ModelError::UnsupportedVersion(1));
        let mut bad_spec = bytes;
        bad_spec[14] = 9;
        assert!(matches!(Model::from_bytes(&bad_spec), Err(ModelError::Corrupt(_))));
    }

    #[test]
    fn probabilities_sum_to_one_and_blank_text_scores() {
        let mut s = Scratch::new();
        for classes in [&["no", "yes"][..], &["a", "b", "c"][..]] {
            let m = tiny(classes);
            for t in ["", "   ", "hello there", "🎉🎉🎉"] {
                let p = m.probabilities(t, &mut s);
                assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-5, "{p:?}");
                assert!(p.iter().all(|x| x.is_finite()));
            }
        }
    }

    #[test]
    #[allow(clippy::float_cmp)] // exact: the score is passed through
    fn threshold_decides_yes_no_and_uncertain() {
        let m = tiny(&["no", "yes"]);
        assert_eq!(m.decide(&[0.4, 0.6], 0.5).label, "yes");
        assert_eq!(m.decide(&[0.4, 0.6], 0.7).label, "no");
        assert_eq!(m.decide(&[0.4, 0.6], 0.7).score, 0.6);
        let k = tiny(&["a", "b", "c"]);
        assert_eq!(k.decide(&[0.2, 0.5, 0.3], 0.0).label, "b");
        assert_eq!(k.decide(&[0.2, 0.5, 0.3], 0.6).label, UNCERTAIN);
    }
}

//! Text features: hashed word unigrams and bigrams and character 3- and
//! 4-grams of a folded copy of the text.
//!
//! Folding: lower case; accents, styled letters and curly quotes folded by
//! [`tactful_core::text::Normalized`] (only when the text is not plain ASCII);
//! every ASCII digit becomes `0` (so phone numbers and prices look alike);
//! runs of whitespace become one space; one space is added at each end so
//! character n-grams see word boundaries.
//!
//! Every feature is hashed into one of `2^bits` buckets. A text's feature
//! vector is the count of each bucket divided by the square root of the number
//! of features emitted, so long and short texts score on the same scale. The
//! trainer and the models call the same function, so training and inference
//! see identical features.

use tactful_core::text::Normalized;

/// The number of hash buckets the shipped models use, as a power of two.
pub const DEFAULT_BITS: u8 = 18;

const K: u64 = 0x9E37_79B9_7F4A_7C15;
const SEED_CHAR: u64 = 0x51_7CC1_B727_220A;
const SEED_WORD: u64 = 0x2545_F491_4F6C_DD1D;
const SEED_BIGRAM: u64 = 0x3C6E_F372_FE94_F82B;

/// The folded text that features are read from, in a reusable buffer.
#[derive(Default)]
pub struct Scratch {
    buf: Vec<u8>,
}

impl Scratch {
    pub fn new() -> Self {
        Scratch {
            buf: Vec::with_capacity(512),
        }
    }
}

#[inline]
fn bucket(key: u64, bits: u8) -> u32 {
    // Multiply-shift hashing: the high bits of the product are well mixed.
    let h = (key ^ (key >> 29)).wrapping_mul(K);
    (h >> (64 - u32::from(bits))) as u32
}

#[inline]
fn fold_byte(b: u8) -> u8 {
    if b.is_ascii_digit() {
        b'0'
    } else {
        b.to_ascii_lowercase()
    }
}

fn fold_into(text: &str, buf: &mut Vec<u8>) {
    buf.clear();
    buf.push(b' ');
    let push = |bytes: &[u8], buf: &mut Vec<u8>| {
        for &b in bytes {
            if b.is_ascii_whitespace() {
                if buf.last() != Some(&b' ') {
                    buf.push(b' ');
                }
            } else {
                buf.push(fold_byte(b));
            }
        }
    };
    if text.is_ascii() {
        push(text.as_bytes(), buf);
    } else {
        let n = Normalized::new(text);
        push(n.as_str().as_bytes(), buf);
    }
    if buf.last() != Some(&b' ') {
        buf.push(b' ');
    }
}

#[inline]
fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80
}

/// Call `emit` with the bucket of every feature of `text`; returns how many
/// features were emitted (0 for an empty or blank text).
pub fn for_each_feature(
    text: &str,
    bits: u8,
    scratch: &mut Scratch,
    mut emit: impl FnMut(u32),
) -> u32 {
    fold_into(text, &mut scratch.buf);
    let buf = &scratch.buf;
    let mut n = 0u32;
    // Character 3- and 4-grams from a rolling window of the last four bytes.
    let mut acc: u32 = 0;
    for (i, &b) in buf.iter().enumerate() {
        acc = (acc << 8) | u32::from(b);
        if i >= 2 {
            emit(bucket(
                u64::from(acc & 0x00FF_FFFF) ^ (3 << 40) ^ SEED_CHAR,
                bits,
            ));
            n += 1;
        }
        if i >= 3 {
            emit(bucket(u64::from(acc) ^ (4 << 40) ^ SEED_CHAR, bits));
            n += 1;
        }
    }
    // Words (runs of letters, digits and non-ASCII bytes) and word bigrams.
    let mut prev: Option<u64> = None;
    let mut h: u64 = 0;
    let mut in_word = false;
    for &b in buf {
        if is_word_byte(b) {
            if !in_word {
                h = 0xCBF2_9CE4_8422_2325;
                in_word = true;
            }
            h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01B3);
        } else if in_word {
            in_word = false;
            emit(bucket(h ^ SEED_WORD, bits));
            n += 1;
            if let Some(p) = prev {
                emit(bucket(p.rotate_left(23) ^ h ^ SEED_BIGRAM, bits));
                n += 1;
            }
            prev = Some(h);
        }
    }
    n
}

/// The sparse feature vector of `text`: (bucket, value) pairs sorted by
/// bucket, values scaled by `1/sqrt(count)`. The trainer uses this; the
/// models sum weights directly, which gives the same score.
pub fn sparse(text: &str, bits: u8, scratch: &mut Scratch) -> Vec<(u32, f32)> {
    let mut hits = Vec::with_capacity(text.len() * 2 + 8);
    let n = for_each_feature(text, bits, scratch, |b| hits.push(b));
    hits.sort_unstable();
    let norm = 1.0 / (n.max(1) as f32).sqrt();
    let mut out: Vec<(u32, f32)> = Vec::with_capacity(hits.len());
    for b in hits {
        match out.last_mut() {
            Some((last, v)) if *last == b => *v += norm,
            _ => out.push((b, norm)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_digits_and_spacing_do_not_change_features() {
        let mut s = Scratch::new();
        let a = sparse("Call 555-1234 NOW", 18, &mut s);
        let b = sparse("call   999-0000 now", 18, &mut s);
        assert_eq!(a, b);
    }

    #[test]
    fn accents_fold_like_the_rule_engine() {
        let mut s = Scratch::new();
        assert_eq!(sparse("café", 18, &mut s), sparse("cafe", 18, &mut s));
    }

    #[test]
    fn blank_text_has_no_features() {
        let mut s = Scratch::new();
        assert_eq!(for_each_feature(" \n\t ", 18, &mut s, |_| {}), 0);
    }

    #[test]
    fn buckets_stay_in_range() {
        let mut s = Scratch::new();
        for_each_feature("Hello wörld 🎉 #sale http://x.y", 10, &mut s, |b| {
            assert!(b < 1024)
        });
    }
}

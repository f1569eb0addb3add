//! A small fixed pseudo-random sequence (SplitMix64) from a seed: the
//! trainer's shuffles, and the histories the tests and benches make up, come
//! out the same on every run and every machine. Not for anything secret.
//! Also the bit mixer the text fingerprints hash with ([`mix`]).

/// SplitMix64, started from a seed.
#[derive(Debug, Clone)]
pub struct Rng(pub u64);

impl Rng {
    /// The next number of the sequence.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `n` (not zero).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// An index into a list of `n` (not empty).
    pub fn index(&mut self, n: usize) -> usize {
        self.below(n as u64) as usize
    }

    /// `n` made-up posts, each of pieces `pick` chooses joined by spaces
    /// until it is at least `min_len` bytes long (the benches' corpora).
    pub fn posts<'a>(
        &mut self,
        n: usize,
        min_len: usize,
        mut pick: impl FnMut(&mut Rng) -> &'a str,
    ) -> Vec<String> {
        (0..n)
            .map(|_| {
                let mut post = String::with_capacity(min_len + 60);
                while post.len() < min_len {
                    if !post.is_empty() {
                        post.push(' ');
                    }
                    post.push_str(pick(self));
                }
                post
            })
            .collect()
    }
}

/// The 64-bit finalizer of MurmurHash3: spreads every bit of `x` over the
/// whole word. The text fingerprints (broadcasts, the company's case groups)
/// hash with it, and the company stores its keys: it must never change.
pub fn mix(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_sequence() {
        let (mut a, mut b) = (Rng(7), Rng(7));
        let first: Vec<u64> = (0..4).map(|_| a.below(1000)).collect();
        assert_eq!(first, (0..4).map(|_| b.below(1000)).collect::<Vec<_>>());
        // SplitMix64's published first output for seed 0.
        assert_eq!(Rng(0).next_u64(), 0xE220_A839_7B1D_CDAF);
        assert!(first.iter().all(|&n| n < 1000) && first.windows(2).any(|w| w[0] != w[1]));
    }
}

//! Matrix products for the context model's encoder: `out = act · W + bias`,
//! optionally through GELU, with W packed once when the model loads.
//!
//! Why not a general matrix product: a draft is a few dozen tokens, so each
//! weight is used a few dozen times per draft, and a general product spends a
//! third of the encoder's time re-packing the weights on every call. Here the
//! weights are laid out once in column panels in the order the kernel reads
//! them, each weight is read once per product, and the bias and GELU are
//! applied while the block is still in registers.
//!
//! The walk over panels and blocks is written once and compiled three times,
//! each with its block kernel: AVX-512 and AVX2 with FMA in explicit vector
//! instructions (the compiler left a plain loop's accumulators in memory, at
//! a tenth of the speed), and plain Rust for any other CPU. [`Level::detect`]
//! picks one at packing time. The `unsafe` here is the call into a kernel
//! compiled for a feature the CPU reported, and the kernels' vector loads and
//! stores of fixed-size arrays.

// The loops and the GELU must be inlined into each feature-compiled kernel,
// or they would be compiled for the baseline CPU only.
#![allow(clippy::inline_always)]

use std::sync::{Arc, mpsc};

/// Which compiled kernel a [`Packed`] matrix uses (and the panel layout it
/// was packed in).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// 512-bit vectors: blocks of 12 rows × 32 columns.
    Avx512,
    /// 256-bit vectors with fused multiply-add: 6 rows × 16 columns.
    Avx2,
    /// Whatever the build's baseline has: 4 rows × 8 columns, no fusing.
    Plain,
}

impl Level {
    /// The widest level this CPU runs.
    pub fn detect() -> Level {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx512f") {
                return Level::Avx512;
            }
            if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
                return Level::Avx2;
            }
        }
        Level::Plain
    }

    /// Every level this CPU runs, widest first (for tests that compare them).
    pub fn available() -> Vec<Level> {
        let top = Level::detect();
        [Level::Avx512, Level::Avx2, Level::Plain].into_iter().skip_while(|l| *l != top).collect()
    }

    /// Rows and columns of one block of the output.
    const fn block(self) -> (usize, usize) {
        match self {
            Level::Avx512 => (12, 32),
            Level::Avx2 => (6, 16),
            Level::Plain => (4, 8),
        }
    }
}

/// What happens to each output value after the bias is added.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Activation {
    None,
    /// BERT's exact GELU, x·Φ(x).
    Gelu,
}

/// A weight matrix (depth × width, inputs × outputs) and its bias, packed
/// for one [`Level`]'s kernel.
pub struct Packed {
    depth: usize,
    width: usize,
    level: Level,
    /// `width / cols` panels (the last zero padded), each depth × cols.
    panels: Vec<f32>,
    /// The bias, zero padded to whole panels.
    bias: Vec<f32>,
}

/// Products smaller than this many output values stay on one thread: handing
/// half to the second costs a few microseconds each way.
const TWO_THREADS_FROM: usize = 16 * 1024;

/// A second thread that takes half of each large product, started once for
/// a run of products (one text's encoder pass) rather than once a product.
pub struct Helper<'env> {
    tasks: mpsc::Sender<Task<'env>>,
    done: mpsc::Receiver<Vec<f32>>,
}

/// Work for the helper: the right half of a product, or any other half.
type Task<'env> = Box<dyn FnOnce() -> Vec<f32> + Send + 'env>;

impl<'env> Helper<'env> {
    /// `there` on the helper thread while `here` runs on this one.
    pub fn both<T>(
        &self,
        there: impl FnOnce() -> Vec<f32> + Send + 'env,
        here: impl FnOnce() -> T,
    ) -> (T, Vec<f32>) {
        self.tasks.send(Box::new(there)).expect("the helper thread runs while its scope does");
        let mine = here();
        (mine, self.done.recv().expect("the helper thread answers every task"))
    }
}

/// Run `f` with a [`Helper`] thread, which ends when `f` returns.
pub fn with_helper<'env, R>(f: impl FnOnce(&Helper<'env>) -> R) -> R {
    std::thread::scope(|s| {
        let (tasks, inbox) = mpsc::channel::<Task<'env>>();
        let (outbox, done) = mpsc::channel();
        s.spawn(move || {
            for task in inbox {
                if outbox.send(task()).is_err() {
                    break;
                }
            }
        });
        // Dropping the helper closes its inbox, so the thread ends and the
        // scope can join it.
        f(&Helper { tasks, done })
    })
}

impl Packed {
    /// Pack `weights` (depth × width, row-major) and `bias` (width) for this CPU.
    pub fn new(weights: &[f32], depth: usize, width: usize, bias: &[f32]) -> Packed {
        Packed::by_inputs(weights, depth, width, bias, Level::detect())
    }

    /// The same for a given level (one this CPU runs: see [`Level::available`]).
    pub fn for_level(weights: &[f32], depth: usize, width: usize, bias: &[f32], level: Level) -> Packed {
        assert!(Level::available().contains(&level), "this CPU does not run {level:?}");
        Packed::by_inputs(weights, depth, width, bias, level)
    }

    /// Pack weights stored one output a row (width × depth, as PyTorch's
    /// linear layers keep them) for this CPU: no transposed copy first.
    pub fn from_outputs(weights: &[f32], depth: usize, width: usize, bias: &[f32]) -> Packed {
        assert_eq!(weights.len(), depth * width, "weights are width × depth");
        Packed::pack(depth, width, bias, Level::detect(), |first, used, cols, panel| {
            for j in 0..used {
                let output = &weights[(first + j) * depth..][..depth];
                for (k, &w) in output.iter().enumerate() {
                    panel[k * cols + j] = w;
                }
            }
        })
    }

    /// Weights stored one input a row (depth × width).
    fn by_inputs(weights: &[f32], depth: usize, width: usize, bias: &[f32], level: Level) -> Packed {
        assert_eq!(weights.len(), depth * width, "weights are depth × width");
        Packed::pack(depth, width, bias, level, |first, used, cols, panel| {
            for (k, line) in panel.chunks_exact_mut(cols).enumerate() {
                line[..used].copy_from_slice(&weights[k * width + first..][..used]);
            }
        })
    }

    /// The panels, each filled by `fill(first column, columns used, panel
    /// width, panel)`, and the bias padded to whole panels.
    fn pack(
        depth: usize,
        width: usize,
        bias: &[f32],
        level: Level,
        fill: impl Fn(usize, usize, usize, &mut [f32]),
    ) -> Packed {
        assert_eq!(bias.len(), width, "one bias per output");
        let (_, cols) = level.block();
        let count = width.div_ceil(cols);
        let mut panels = vec![0.0; count * depth * cols];
        for (p, panel) in panels.chunks_exact_mut(depth * cols).enumerate() {
            fill(p * cols, cols.min(width - p * cols), cols, panel);
        }
        let mut padded = bias.to_vec();
        padded.resize(count * cols, 0.0);
        Packed { depth, width, level, panels, bias: padded }
    }

    pub fn depth(&self) -> usize {
        self.depth
    }

    pub fn width(&self) -> usize {
        self.width
    }

    pub fn level(&self) -> Level {
        self.level
    }

    /// `act` (rows × depth, row-major) · W + bias, through `activation`, as
    /// a new rows × width matrix. With a `helper`, a large product's panels
    /// are shared with it.
    pub fn product<'env>(
        &'env self,
        act: &[f32],
        rows: usize,
        activation: Activation,
        helper: Option<&Helper<'env>>,
    ) -> Vec<f32> {
        assert_eq!(act.len(), rows * self.depth, "activations are rows × depth");
        let (block_rows, cols) = self.level.block();
        let act = Arc::new(pack_rows(act, rows, self.depth, block_rows));
        let count = self.width.div_ceil(cols);
        let mut out = vec![0.0; rows * self.width];
        let helper = helper.filter(|_| rows * self.width >= TWO_THREADS_FROM && count >= 2);
        let Some(helper) = helper else {
            self.level.run(&mut self.job(&act, rows, 0, count, &mut out, activation));
            return out;
        };
        // The helper takes the right half of the panels into its own buffer
        // (the halves of a row-major matrix are not contiguous).
        let half = count / 2;
        let shared = Arc::clone(&act);
        let (left, right) = helper.both(
            move || {
                let mut out = vec![0.0; rows * (self.width - half * cols)];
                self.level.run(&mut self.job(&shared, rows, half, count, &mut out, activation));
                out
            },
            || {
                let mut left = vec![0.0; rows * half * cols];
                self.level.run(&mut self.job(&act, rows, 0, half, &mut left, activation));
                left
            },
        );
        for ((line, l), r) in out
            .chunks_exact_mut(self.width)
            .zip(left.chunks_exact(half * cols))
            .zip(right.chunks_exact(self.width - half * cols))
        {
            line[..half * cols].copy_from_slice(l);
            line[half * cols..].copy_from_slice(r);
        }
        out
    }
}

impl Packed {
    /// The call for panels `first..end` into `out`.
    fn job<'a>(
        &'a self,
        act: &'a [f32],
        rows: usize,
        first: usize,
        end: usize,
        out: &'a mut [f32],
        activation: Activation,
    ) -> Job<'a> {
        let (_, cols) = self.level.block();
        Job {
            act,
            rows,
            depth: self.depth,
            panels: &self.panels[first * self.depth * cols..end * self.depth * cols],
            bias: &self.bias[first * cols..end * cols],
            out,
            stride: (self.width - first * cols).min((end - first) * cols),
            activation,
        }
    }
}

/// Rows in blocks of `block` (the last zero padded), each block depth ×
/// block: the kernel then reads one column of a block as one short slice.
fn pack_rows(act: &[f32], rows: usize, depth: usize, block: usize) -> Vec<f32> {
    let blocks = rows.div_ceil(block);
    let mut packed = vec![0.0; blocks * depth * block];
    for (b, dest) in packed.chunks_exact_mut(depth * block).enumerate() {
        for i in 0..block.min(rows - b * block) {
            let row = &act[(b * block + i) * depth..][..depth];
            for (k, v) in row.iter().enumerate() {
                dest[k * block + i] = *v;
            }
        }
    }
    packed
}

/// One call's inputs: packed rows, a run of panels and where they go.
struct Job<'a> {
    act: &'a [f32],
    rows: usize,
    depth: usize,
    panels: &'a [f32],
    bias: &'a [f32],
    /// rows × stride; the panels' columns, the padding cut off.
    out: &'a mut [f32],
    stride: usize,
    activation: Activation,
}

impl Level {
    fn run(self, job: &mut Job<'_>) {
        match self {
            #[cfg(target_arch = "x86_64")]
            Level::Avx512 => {
                // SAFETY: a Packed holds Avx512 only when `for_level` found it
                // in `Level::available`, i.e. the CPU reported avx512f.
                #[allow(unsafe_code)]
                unsafe {
                    x86::avx512(job);
                }
            }
            #[cfg(target_arch = "x86_64")]
            Level::Avx2 => {
                // SAFETY: as above, for avx2 and fma.
                #[allow(unsafe_code)]
                unsafe {
                    x86::avx2(job);
                }
            }
            _ => run::<4, 8>(job, |h, act, panel, bias| heights!(h, plain, (act, panel, bias), 1 2 3 4)),
        }
    }
}

/// `f::<h>(args)` for the block height `h` known only at run time.
macro_rules! heights {
    ($h:expr, $f:ident, $args:tt, $($n:literal)*) => {
        match $h {
            $($n => $f::<$n> $args,)*
            _ => unreachable!("no block is {} rows high", $h),
        }
    };
}
use heights;

/// Panel by panel (its weights then stay in cache while every block of rows
/// reads them), block by block; `kernel(h, rows, panel, bias)` gives a
/// block's first h rows (the last block of rows may be short: no padding
/// row is multiplied).
#[inline(always)]
fn run<const M: usize, const N: usize>(
    job: &mut Job<'_>,
    kernel: impl Fn(usize, &[[f32; M]], &[[f32; N]], &[f32; N]) -> [[f32; N]; M],
) {
    let (act, _) = job.act.as_chunks::<M>();
    let (panels, _) = job.panels.as_chunks::<N>();
    for (p, panel) in panels.chunks_exact(job.depth).enumerate() {
        let bias: &[f32; N] = job.bias[p * N..][..N].try_into().expect("a panel's bias");
        let cols = N.min(job.stride - p * N);
        for (b, rows) in act.chunks_exact(job.depth).enumerate() {
            let h = M.min(job.rows - b * M);
            store(&kernel(h, rows, panel, bias), job, b * M, p * N, cols);
        }
    }
}

/// Any CPU: the compiler vectorises what it can.
#[inline(always)]
fn plain<const H: usize>(act: &[[f32; 4]], panel: &[[f32; 8]], bias: &[f32; 8]) -> [[f32; 8]; 4] {
    let mut acc = [[0.0; 8]; 4];
    for a in &mut acc[..H] {
        *a = *bias;
    }
    for (x, w) in act.iter().zip(panel) {
        for (a, &xi) in acc[..H].iter_mut().zip(x) {
            for (c, &wj) in a.iter_mut().zip(w) {
                *c += xi * wj;
            }
        }
    }
    acc
}

#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod x86 {
    use std::arch::x86_64::{
        _mm256_fmadd_ps, _mm256_loadu_ps, _mm256_set1_ps, _mm256_storeu_ps, _mm512_fmadd_ps, _mm512_loadu_ps,
        _mm512_set1_ps, _mm512_storeu_ps,
    };

    use super::{Job, run};

    /// One kernel body for both widths: `$name::<H>` gives the first H rows
    /// of a block of `$rows` × 2·`$lanes` columns, the block held in 2·H
    /// vector registers while the depth is walked.
    macro_rules! block {
        ($name:ident, $feature:literal, $rows:literal, $lanes:literal, $load:ident, $store:ident, $set1:ident, $fma:ident) => {
            #[target_feature(enable = $feature)]
            #[inline]
            fn $name<const H: usize>(
                act: &[[f32; $rows]],
                panel: &[[f32; 2 * $lanes]],
                bias: &[f32; 2 * $lanes],
            ) -> [[f32; 2 * $lanes]; $rows] {
                // SAFETY (every load and store): each touches $lanes floats
                // at offset 0 or $lanes of a [f32; 2 * $lanes].
                let load =
                    |v: &[f32; 2 * $lanes]| unsafe { [$load(v.as_ptr()), $load(v.as_ptr().add($lanes))] };
                let mut acc = [load(bias); H];
                for (x, w) in act.iter().zip(panel) {
                    let w = load(w);
                    for (a, &xi) in acc.iter_mut().zip(x) {
                        let xi = $set1(xi);
                        a[0] = $fma(xi, w[0], a[0]);
                        a[1] = $fma(xi, w[1], a[1]);
                    }
                }
                let mut out = [[0.0; 2 * $lanes]; $rows];
                for (o, a) in out.iter_mut().zip(&acc) {
                    unsafe {
                        $store(o.as_mut_ptr(), a[0]);
                        $store(o.as_mut_ptr().add($lanes), a[1]);
                    }
                }
                out
            }
        };
    }

    /// Blocks of 12 rows × 32 columns: 24 of the 32 vector registers.
    #[target_feature(enable = "avx512f")]
    pub(super) fn avx512(job: &mut Job<'_>) {
        run::<12, 32>(
            job,
            |h, act, panel, bias| heights!(h, block512, (act, panel, bias), 1 2 3 4 5 6 7 8 9 10 11 12),
        );
    }
    block!(block512, "avx512f", 12, 16, _mm512_loadu_ps, _mm512_storeu_ps, _mm512_set1_ps, _mm512_fmadd_ps);

    /// Blocks of 6 rows × 16 columns: 12 of the 16 vector registers.
    #[target_feature(enable = "avx2,fma")]
    pub(super) fn avx2(job: &mut Job<'_>) {
        run::<6, 16>(job, |h, act, panel, bias| heights!(h, block256, (act, panel, bias), 1 2 3 4 5 6));
    }
    block!(block256, "avx2,fma", 6, 8, _mm256_loadu_ps, _mm256_storeu_ps, _mm256_set1_ps, _mm256_fmadd_ps);
}

#[inline(always)]
fn store<const M: usize, const N: usize>(
    acc: &[[f32; N]; M],
    job: &mut Job<'_>,
    row: usize,
    col: usize,
    cols: usize,
) {
    for (i, a) in acc.iter().enumerate().take(job.rows - row) {
        let dest = &mut job.out[(row + i) * job.stride + col..][..cols];
        match job.activation {
            Activation::None => dest.copy_from_slice(&a[..cols]),
            Activation::Gelu => {
                for (d, &v) in dest.iter_mut().zip(a) {
                    *d = gelu(v);
                }
            }
        }
    }
}

/// x·Φ(x), with erf from Abramowitz and Stegun 7.1.26 (absolute error under
/// 1.5e-7, below what f32 products keep) and an exp the compiler can put in
/// vectors.
#[inline(always)]
pub fn gelu(x: f32) -> f32 {
    0.5 * x * (1.0 + erf(x * std::f32::consts::FRAC_1_SQRT_2))
}

#[inline(always)]
fn erf(x: f32) -> f32 {
    let t = 1.0 / (1.0 + 0.327_591_1 * x.abs());
    let y = 1.0
        - (((((1.061_405_4 * t - 1.453_152_1) * t) + 1.421_413_7) * t - 0.284_496_74) * t + 0.254_829_6)
            * t
            * exp(-x * x);
    y.copysign(x)
}

/// e^x for x ≤ 0 as erf needs it (relative error under 2e-7): 2^n · e^f
/// with n whole and |f| ≤ ln2/2, e^f by its series. Plain arithmetic and bit
/// moves only, so it vectorises where a libm call would not.
#[inline(always)]
pub fn exp(x: f32) -> f32 {
    // Rounds to the nearest whole number without a call: adding 1.5·2^23
    // leaves no fraction bits.
    const ROUND: f32 = 12_582_912.0;
    // ln 2 in two parts, so n·ln2 is exact enough for large n.
    const LN2_HI: f32 = 0.693_145_75;
    const LN2_LO: f32 = 1.428_606_8e-6;
    let x = x.max(-87.0);
    let n = (x * std::f32::consts::LOG2_E + ROUND) - ROUND;
    let f = (x - n * LN2_HI) - n * LN2_LO;
    let p = 1.0
        + f * (1.0
            + f * (0.5
                + f * (1.0 / 6.0 + f * (1.0 / 24.0 + f * (1.0 / 120.0 + f * (1.0 / 720.0 + f / 5040.0))))));
    p * f32::from_bits(((n as i32 + 127) as u32) << 23)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A plain triple loop in f64: what every level must agree with.
    fn reference(w: &[f32], depth: usize, width: usize, bias: &[f32], act: &[f32], rows: usize) -> Vec<f32> {
        let mut out = vec![0.0; rows * width];
        for r in 0..rows {
            for c in 0..width {
                let mut s = f64::from(bias[c]);
                for k in 0..depth {
                    s += f64::from(act[r * depth + k]) * f64::from(w[k * width + c]);
                }
                out[r * width + c] = s as f32;
            }
        }
        out
    }

    /// Numbers that look like a layer's, from a fixed seed.
    fn numbers(n: usize, seed: u64) -> Vec<f32> {
        let mut s = seed;
        (0..n)
            .map(|_| {
                s = s.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                ((s >> 40) as f32 / (1u64 << 24) as f32) - 0.5
            })
            .collect()
    }

    #[test]
    fn every_level_and_shape_gives_the_plain_product() {
        // Widths and row counts that are not whole blocks, one thread and two.
        for level in Level::available() {
            for (depth, width) in [(5, 3), (384, 1152), (40, 70), (64, 33)] {
                let w = numbers(depth * width, 1);
                let bias = numbers(width, 2);
                let packed = Packed::for_level(&w, depth, width, &bias, level);
                for rows in [1, 7, 12, 13, 25, 64] {
                    let act = numbers(rows * depth, 3);
                    let want = reference(&w, depth, width, &bias, &act, rows);
                    for two in [false, true] {
                        let got = if two {
                            with_helper(|h| packed.product(&act, rows, Activation::None, Some(h)))
                        } else {
                            packed.product(&act, rows, Activation::None, None)
                        };
                        let worst = got.iter().zip(&want).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
                        assert!(
                            worst < 1e-4,
                            "{level:?} {depth}×{width}, {rows} rows, two threads {two}: off by {worst}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn weights_stored_one_output_a_row_pack_the_same() {
        let (depth, width) = (70, 45);
        let w = numbers(depth * width, 7);
        let bias = numbers(width, 8);
        let mut by_output = vec![0.0; w.len()];
        for k in 0..depth {
            for j in 0..width {
                by_output[j * depth + k] = w[k * width + j];
            }
        }
        let a = Packed::new(&w, depth, width, &bias);
        let b = Packed::from_outputs(&by_output, depth, width, &bias);
        assert_eq!((a.panels, a.bias), (b.panels, b.bias));
    }

    #[test]
    fn two_threads_give_the_same_numbers_as_one() {
        let (depth, width, rows) = (384, 1536, 40);
        let packed = Packed::new(&numbers(depth * width, 4), depth, width, &numbers(width, 5));
        let act = numbers(rows * depth, 6);
        let two = with_helper(|h| packed.product(&act, rows, Activation::Gelu, Some(h)));
        assert_eq!(packed.product(&act, rows, Activation::Gelu, None), two);
    }

    #[test]
    fn gelu_and_exp_match_the_library_functions() {
        for i in -4000..=4000 {
            let x = i as f32 / 500.0;
            let want = 0.5 * f64::from(x) * (1.0 + libm_erf(f64::from(x) / 2f64.sqrt()));
            assert!((f64::from(gelu(x)) - want).abs() < 1e-6, "gelu({x})");
            let e = f64::from(x.min(0.0)).exp();
            assert!((f64::from(exp(x.min(0.0))) - e).abs() <= 4e-7 * e, "exp({x})");
        }
        assert!(exp(-200.0) > 0.0 && exp(-200.0) < 1e-37, "underflow stays tiny and positive");
    }

    /// erf by its series (x small) or continued fraction (x large), in f64.
    fn libm_erf(x: f64) -> f64 {
        let a = x.abs();
        let v = if a < 3.0 {
            let (mut term, mut sum, mut n) = (a, a, 0.0);
            while term.abs() > 1e-17 {
                n += 1.0;
                term *= -a * a / n;
                sum += term / (2.0 * n + 1.0);
            }
            sum * 2.0 / std::f64::consts::PI.sqrt()
        } else {
            let mut f = 0.0;
            for k in (1..60).rev() {
                f = f64::from(k) / 2.0 / (a + f);
            }
            1.0 - (-a * a).exp() / std::f64::consts::PI.sqrt() / (a + f)
        };
        v.copysign(x)
    }
}

//! The encoder's four products at a short, a typical and a long draft's
//! length, packed kernel against the general product (ndarray over
//! matrixmultiply, which packs the weights on every call) in the same run.
//! `cargo bench -p tactful-matmul --bench product`

use std::time::Instant;

use ndarray::Array2;
use tactful_matmul::{Activation, Level, Packed, with_helper};

fn numbers(n: usize) -> Vec<f32> {
    (0..n).map(|i| ((i * 7919 % 1000) as f32 / 1000.0) - 0.5).collect()
}

/// Median microseconds of `f` over enough calls to fill about 0.2 s.
fn time(mut f: impl FnMut()) -> f64 {
    f();
    let s = Instant::now();
    f();
    let once = s.elapsed().as_secs_f64().max(1e-6);
    let calls = ((0.2 / once) as usize).clamp(5, 2000);
    let mut t: Vec<f64> = (0..calls)
        .map(|_| {
            let s = Instant::now();
            f();
            s.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    t.sort_by(f64::total_cmp);
    t[t.len() / 2]
}

fn main() {
    println!("level {:?}; µs a product (median), GFLOP/s, ratio to the general product", Level::detect());
    for rows in [25, 100, 256] {
        for (depth, width, name) in
            [(384, 1152, "qkv"), (384, 384, "out"), (384, 1536, "up"), (1536, 384, "down")]
        {
            let w = numbers(depth * width);
            let bias = numbers(width);
            let act = numbers(rows * depth);
            let packed = Packed::new(&w, depth, width, &bias);
            let wa = Array2::from_shape_vec((depth, width), w).expect("shape");
            let aa = Array2::from_shape_vec((rows, depth), act.clone()).expect("shape");
            let flop = 2.0 * (rows * depth * width) as f64;
            let general = time(|| drop(std::hint::black_box(aa.dot(&wa))));
            let one = time(|| drop(std::hint::black_box(packed.product(&act, rows, Activation::None, None))));
            let two = with_helper(|h| {
                time(|| drop(std::hint::black_box(packed.product(&act, rows, Activation::None, Some(h)))))
            });
            println!(
                "{rows:>4} rows {name:>4}: general {general:8.1}  packed {one:8.1} ({:5.1} GFLOP/s, {:4.2}x)  two threads {two:8.1} ({:4.2}x)",
                flop / one / 1e3,
                general / one,
                general / two
            );
        }
    }
}

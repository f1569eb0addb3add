//! Shared by the company's benches: how many posts a run uses.

/// The first argument that is a number (`1_000_000` allowed), else
/// TACTFUL_BENCH_POSTS, else `default`.
pub fn posts(default: usize) -> usize {
    std::env::args()
        .skip(1)
        .find_map(|a| a.replace('_', "").parse().ok())
        .or_else(|| std::env::var("TACTFUL_BENCH_POSTS").ok().and_then(|v| v.parse().ok()))
        .unwrap_or(default)
}

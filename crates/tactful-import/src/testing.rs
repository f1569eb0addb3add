//! Helpers for the benches and tests of this crate and others (not for
//! production use).

/// The most memory this process has held so far (VmHWM), in MiB; NaN where
/// the system does not say (no `/proc`).
pub fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

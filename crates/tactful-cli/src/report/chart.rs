//! The report's charts: plain inline SVG, drawn by the same template engine
//! as the page, so every label is escaped by construction.

use maud::{Markup, html};

const COLORS: [&str; 9] =
    ["#d9534f", "#337ab7", "#5cb85c", "#999999", "#f0ad4e", "#8e44ad", "#16a085", "#7f8c8d", "#c0392b"];

/// A coordinate, to a tenth of a pixel.
fn at(v: f64) -> String {
    format!("{v:.1}")
}

/// `a, b and c`, for a chart's accessible name.
fn names<'a>(it: impl Iterator<Item = &'a str>) -> String {
    let all: Vec<&str> = it.collect();
    match all.split_last() {
        None => String::new(),
        Some((last, [])) => (*last).to_string(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// Grouped vertical bars: one group per label, one bar per series. `None`
/// values are left out (no bar). `line`: a horizontal reference line.
pub fn grouped_bars(
    labels: &[String],
    series: &[(String, Vec<Option<f64>>)],
    line: Option<(f64, &str)>,
    fmt: &dyn Fn(f64) -> String,
) -> Markup {
    let h = 180.0;
    let top = 20.0;
    let left = 40.0;
    let bar_w = 18.0;
    // Wide enough for its label under it (a month, `2026-09`, is about 45 px).
    let group_w = (bar_w * series.len().max(1) as f64 + 24.0).max(64.0);
    // Wide enough for the bars, and for the legend and the reference line's name beside them.
    let widest = series
        .iter()
        .map(|(n, _)| n.chars().count() as f64 * 7.0 + 16.0)
        .chain(line.map(|(_, n)| n.chars().count() as f64 * 6.5))
        .fold(0.0, f64::max);
    let width = (left + group_w * labels.len().max(1) as f64 + 10.0).max(left + widest + 10.0);
    let legend_h = 18.0 * series.len() as f64;
    let total_h = top + h + 30.0 + legend_h + 6.0;
    let mut max = series.iter().flat_map(|(_, v)| v.iter().flatten().copied()).fold(0.0_f64, f64::max);
    if let Some((l, _)) = line {
        max = max.max(l);
    }
    if max <= 0.0 {
        max = 1.0;
    }
    let y = |v: f64| top + h - v / max * h;
    html! {
        // The viewBox lets the page scale the chart down to a phone's width.
        svg xmlns="http://www.w3.org/2000/svg" width=(format!("{width:.0}")) height=(format!("{total_h:.0}"))
            viewBox=(format!("0 0 {width:.0} {total_h:.0}")) role="img" font-size="12" font-family="inherit"
            aria-label=(format!("Bar chart of {} by {}", names(series.iter().map(|s| s.0.as_str())), names(labels.iter().map(String::as_str)))) {
            line x1=(left) y1=(at(top + h)) x2=(at(width - 5.0)) y2=(at(top + h)) stroke="#444" {}
            @for (gi, label) in labels.iter().enumerate() {
                @let gx = left + gi as f64 * group_w + 12.0;
                @for (si, (name, vals)) in series.iter().enumerate() {
                    @if let Some(Some(v)) = vals.get(gi) {
                        @let x = gx + si as f64 * bar_w;
                        rect x=(at(x)) y=(at(y(*v))) width=(at(bar_w - 2.0)) height=(at((top + h - y(*v)).max(0.0)))
                            fill=(COLORS[si % COLORS.len()]) {
                            title { (label) " " (name) ": " (fmt(*v)) }
                        }
                        text x=(at(x + bar_w / 2.0 - 1.0)) y=(at(y(*v) - 2.0)) text-anchor="middle" font-size="9" {
                            (fmt(*v))
                        }
                    }
                }
                text x=(at(gx + bar_w * series.len() as f64 / 2.0)) y=(at(top + h + 14.0)) text-anchor="middle" {
                    (label)
                }
            }
            @if let Some((l, name)) = line {
                line x1=(left) y1=(at(y(l))) x2=(at(width - 5.0)) y2=(at(y(l))) stroke="#000" stroke-dasharray="4 3" {}
                text x=(left) y=(at(y(l) - 3.0)) font-size="10" { (name) }
            }
            @for (si, (name, _)) in series.iter().enumerate() {
                @let ly = top + h + 26.0 + si as f64 * 18.0;
                rect x=(left) y=(at(ly)) width="12" height="12" fill=(COLORS[si % COLORS.len()]) {}
                text x=(at(left + 16.0)) y=(at(ly + 10.0)) { (name) }
            }
        }
    }
}

/// Horizontal bars, one per row (a funnel when the rows are stages).
pub fn hbars(rows: &[(String, f64)], fmt: &dyn Fn(f64) -> String) -> Markup {
    // Room for the longest label (about 7 px a character at this size), so none is cut.
    let longest = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(0) as f64;
    let label_w = (longest * 7.0 + 12.0).clamp(80.0, 320.0);
    let bar_max = 300.0;
    let row_h = 22.0;
    let max = rows.iter().map(|r| r.1).fold(0.0_f64, f64::max).max(1.0);
    let height = row_h * rows.len() as f64 + 8.0;
    html! {
        svg xmlns="http://www.w3.org/2000/svg" width=(format!("{:.0}", label_w + bar_max + 60.0))
            height=(format!("{height:.0}")) viewBox=(format!("0 0 {:.0} {height:.0}", label_w + bar_max + 60.0))
            role="img" font-size="12" font-family="inherit"
            aria-label=(format!("Bar chart of {}", names(rows.iter().map(|r| r.0.as_str())))) {
            @for (i, (label, v)) in rows.iter().enumerate() {
                @let y = 4.0 + i as f64 * row_h;
                @let w = v / max * bar_max;
                text x=(at(label_w - 6.0)) y=(at(y + 14.0)) text-anchor="end" { (label) }
                rect x=(label_w) y=(at(y)) width=(at(w)) height=(at(row_h - 6.0)) fill=(COLORS[1]) {
                    title { (label) ": " (fmt(*v)) }
                }
                text x=(at(label_w + w + 4.0)) y=(at(y + 14.0)) { (fmt(*v)) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_with_markup_are_escaped_in_the_charts() {
        let label = "<b>a</b> & \"b\"".to_string();
        let bars = grouped_bars(
            std::slice::from_ref(&label),
            &[(label.clone(), vec![Some(2.0)])],
            Some((1.0, "<i>plan</i>")),
            &|v| format!("{v:.0}"),
        )
        .into_string();
        let h = hbars(&[(label.clone(), 3.0)], &|v| format!("{v:.0}")).into_string();
        for svg in [&bars, &h] {
            assert!(!svg.contains("<b>") && !svg.contains("<i>"), "{svg}");
            assert!(svg.contains("&lt;b&gt;a&lt;/b&gt; &amp; &quot;b&quot;"), "{svg}");
            assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""), "{svg}");
        }
        assert!(bars.contains("&lt;i&gt;plan&lt;/i&gt;"), "{bars}");
    }
}

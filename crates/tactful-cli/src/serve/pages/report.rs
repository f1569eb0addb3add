//! Report: pick a month; the figures are drawn in this page (the same
//! sections as the self-contained file, `crate::report`), which is offered
//! for download too.

use maud::{Markup, html};

/// `file`: the URL of the self-contained report file; `picked`: the month in
/// the picker (empty for a from/to period); `label`: the period's label, as
/// in the file name; `figures`: the report's headline and sections.
pub fn body(file: &str, picked: &str, label: &str, figures: &Markup) -> Markup {
    html! {
        form method="get" action="/report" class="row" {
            div {
                label for="month" { "Month" }
                input #month name="month" type="month" value=(picked);
            }
            button type="submit" { "Show" }
        }
        div.report { (figures) }
        p {
            a href=(file) download={ "tactful-report-" (label) ".html" } { "Download this report" }
            " (one file that opens without tactful, to keep or share)."
        }
    }
}

/// The period as a person reads it: `2026-09`, or `2026-09-01 to 2026-09-30`.
pub fn title(label: &str) -> String {
    label.replace('_', " ")
}

//! Report: pick a month; the report itself is the self-contained file
//! (`crate::report`), shown in a frame and offered for download.

use maud::{Markup, html};

/// `src`: the URL of the report file; `picked`: the month in the picker
/// (empty for a from/to period); `label`: the period's label, as in the file name.
pub fn body(src: &str, picked: &str, label: &str) -> Markup {
    html! {
        form method="get" action="/report" class="row" {
            div {
                label for="month" { "Month" }
                input #month name="month" type="month" value=(picked);
            }
            button type="submit" { "Show" }
        }
        p {
            a href=(src) download={ "tactful-report-" (label) ".html" } { "Download this report" }
            " (one file, opens offline)."
        }
        iframe.report title={ "Report for " (title(label)) } src=(src) {}
    }
}

/// The period as a person reads it: `2026-09`, or `2026-09-01 to 2026-09-30`.
pub fn title(label: &str) -> String {
    label.replace('_', " ")
}

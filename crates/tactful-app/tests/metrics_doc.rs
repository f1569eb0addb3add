//! docs/metrics.md quotes the report's own definitions (`report::DEFINITIONS`)
//! verbatim, each under its heading in the "Report figures" section and in
//! the same order. When this fails, change the page to say what the code
//! says (the failure prints the expected Markdown).

use tactful_app::report::DEFINITIONS;

const DOC: &str = include_str!("../../../docs/metrics.md");

#[test]
fn docs_metrics_md_quotes_the_report_definitions() {
    let start =
        DOC.find("\n## Report figures\n").expect("docs/metrics.md needs a `## Report figures` section");
    let body = &DOC[start + 1..];
    let body = &body[..body[3..].find("\n## ").map_or(body.len(), |e| e + 3)];
    let expected: String = DEFINITIONS
        .iter()
        .map(|(metric, constant, text)| format!("### {metric}\n\n`report::{constant}`\n\n> {text}\n"))
        .collect::<Vec<_>>()
        .join("\n");
    let headings: Vec<&str> = body.lines().filter_map(|l| l.strip_prefix("### ")).map(str::trim).collect();
    let want: Vec<&str> = DEFINITIONS.iter().map(|d| d.0).collect();
    assert_eq!(headings, want, "docs/metrics.md, `## Report figures`: expected\n\n{expected}");
    for (metric, constant, text) in DEFINITIONS {
        let quoted = format!("### {metric}\n\n`report::{constant}`\n\n> {text}\n");
        assert!(
            body.contains(&quoted),
            "docs/metrics.md does not quote `report::{constant}` as the code says:\n\n{quoted}"
        );
    }
}

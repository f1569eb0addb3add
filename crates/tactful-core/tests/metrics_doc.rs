//! docs/metrics.md against the definitions in code. The page quotes every
//! `DEF_*` text of `coaching::DEFINITIONS` and `relationships::DEFINITIONS`
//! verbatim, each under its metric's heading and in the same order; it has
//! no metric heading the code does not define; and its common rules and
//! terms are the words of the coaching module's documentation. When one of
//! these tests fails, change the page to say what the code says (the
//! failure prints the expected Markdown).

use tactful_core::{coaching, relationships};

/// (metric, constant, text), as in `DEFINITIONS`.
type Definition = (&'static str, &'static str, &'static str);

const DOC: &str = include_str!("../../../docs/metrics.md");
const COACHING_SOURCE: &str = include_str!("../src/coaching/mod.rs");
const STAGE_SOURCE: &str = include_str!("../src/relationships/stage.rs");

/// The text of the page's `## {title}` section, up to the next `## `.
fn section<'a>(doc: &'a str, title: &str) -> &'a str {
    let heading = format!("\n## {title}\n");
    let starts: Vec<usize> = doc.match_indices(&heading).map(|(i, _)| i).collect();
    assert_eq!(starts.len(), 1, "docs/metrics.md needs exactly one `## {title}` section");
    let body = &doc[starts[0] + heading.len()..];
    body.find("\n## ").map_or(body, |end| &body[..end])
}

/// The `### ` subsections of a section: (heading, body).
fn metrics(section: &str) -> Vec<(&str, &str)> {
    section
        .split("\n### ")
        .skip(1)
        .map(|s| s.split_once('\n').unwrap_or((s, "")))
        .map(|(heading, body)| (heading.trim(), body))
        .collect()
}

/// What a section should hold for these definitions, for the failure message.
fn expected(module: &str, defs: &[Definition]) -> String {
    defs.iter()
        .map(|(metric, constant, text)| format!("### {metric}\n\n`{module}::{constant}`\n\n> {text}\n"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn docs_metrics_md_quotes_every_definition_in_code() {
    let groups: [(&str, &str, &[Definition]); 2] = [
        ("Coaching metrics", "coaching", &coaching::DEFINITIONS),
        ("Relationship metrics", "relationships", &relationships::DEFINITIONS),
    ];
    for (title, module, defs) in groups {
        let found = metrics(section(DOC, title));
        let headings: Vec<&str> = found.iter().map(|m| m.0).collect();
        let want: Vec<&str> = defs.iter().map(|d| d.0).collect();
        assert_eq!(
            headings,
            want,
            "docs/metrics.md, `## {title}`: its metrics are not the ones `{module}::DEFINITIONS` defines, \
             in that order; expected:\n\n{}",
            expected(module, defs)
        );
        for ((_, body), (metric, constant, text)) in found.iter().zip(defs) {
            assert!(
                body.contains(&format!("`{module}::{constant}`")),
                "docs/metrics.md, `### {metric}`: name the constant `{module}::{constant}`"
            );
            let quote = format!("> {text}");
            assert!(
                body.lines().any(|l| l == quote),
                "docs/metrics.md, `### {metric}`: the definition differs from `{module}::{constant}`; \
                 expected the line\n\n{quote}\n"
            );
        }
    }
    // No other section quotes a core definition again (the report's own,
    // `report::DEF_*`, are checked by tactful-app's test).
    let constants = DOC.matches("coaching::DEF_").count() + DOC.matches("relationships::DEF_").count();
    assert_eq!(
        constants,
        coaching::DEFINITIONS.len() + relationships::DEFINITIONS.len(),
        "docs/metrics.md names a `DEF_*` constant outside the metrics sections, or one twice"
    );
}

/// A `DEF_*` constant left out of `DEFINITIONS` would be left out of the
/// page without a test noticing.
#[test]
fn every_def_constant_is_listed_in_definitions() {
    for (source, module, defs) in [
        (COACHING_SOURCE, "coaching", &coaching::DEFINITIONS[..]),
        (STAGE_SOURCE, "relationships", &relationships::DEFINITIONS[..]),
    ] {
        let declared: Vec<&str> = source
            .lines()
            .filter_map(|l| l.strip_prefix("pub const DEF_"))
            .filter_map(|l| l.split(':').next())
            .collect();
        assert!(!declared.is_empty(), "{module}: no `pub const DEF_*` found");
        let mut listed: Vec<&str> = defs.iter().map(|d| d.1.trim_start_matches("DEF_")).collect();
        let mut declared = declared;
        listed.sort_unstable();
        declared.sort_unstable();
        assert_eq!(listed, declared, "{module}::DEFINITIONS must list every `DEF_*` constant, once");
    }
}

/// The `//! # {title}` section of a module's documentation, as the page
/// writes it: rustdoc links (`[`x`]`) as code, link definitions dropped.
fn module_doc_section(source: &str, title: &str) -> String {
    let lines: Vec<&str> = source
        .lines()
        .filter_map(|l| l.strip_prefix("//!"))
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .collect();
    let start = lines
        .iter()
        .position(|l| *l == format!("# {title}"))
        .unwrap_or_else(|| panic!("the coaching module documentation has no `# {title}`"));
    let mut out = Vec::new();
    for l in &lines[start + 1..] {
        if l.starts_with("# ") {
            break;
        }
        if l.starts_with("[`") && l.contains("]: ") {
            continue;
        }
        out.push(l.replace("[`", "`").replace("`]", "`"));
    }
    out.join("\n")
}

/// Words separated by single spaces: line breaks are layout.
fn words(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn docs_metrics_md_states_the_common_rules_and_terms_of_the_code() {
    for title in ["Common rules", "Terms"] {
        let code = module_doc_section(COACHING_SOURCE, title);
        assert_eq!(
            words(section(DOC, title)),
            words(&code),
            "docs/metrics.md, `## {title}` differs from `# {title}` in the documentation of \
             tactful_core::coaching (crates/tactful-core/src/coaching/mod.rs); expected:\n\n{}\n",
            code.trim()
        );
    }
}

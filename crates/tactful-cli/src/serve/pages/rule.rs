//! One rule: why it matters, what to say instead, its guidance and examples.

use maud::{Markup, html};
use tactful_core::engine::Rule;

/// The page's title: the rule's code and name.
pub fn title(r: &Rule) -> String {
    format!("{} {}", r.code, r.name)
}

pub fn body(r: &Rule) -> Markup {
    let channels: Vec<&str> = r.channels().iter().map(|c| c.as_str()).collect();
    html! {
        p.lead {
            span class={ "badge " (r.severity.as_str()) } { (r.severity.as_str()) }
            " " (r.category) " — " (r.message)
        }
        h2 { "Why it matters" }
        p { (r.explanation) }
        h2 { "Say it better" }
        p { (r.hint) }
        h2 { "Guidance" }
        ul { @for l in &r.references { li { a href=(l) rel="noreferrer" { (l) } } } }
        h2 { "Flagged, for example" }
        ul.examples { @for t in &r.flag { li { "✗ " (t) } } }
        h2 { "Fine, for example" }
        ul.examples { @for t in &r.pass { li { "✓ " (t) } } }
        p.muted {
            "Applies to: " (channels.join(", ")) ". Defined in " (r.defined_at) " (pack " (r.pack) ")"
            @if !r.enabled { "; switched off" }
            "."
        }
    }
}

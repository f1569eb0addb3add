//! Rules: every rule of every pack, and a form to test a company pack.

use maud::{Markup, html};
use tactful_core::engine::Rule;

use super::super::html::table;

pub fn body(rules: &[Rule]) -> Markup {
    let mut packs: Vec<&str> = rules.iter().map(|r| r.pack.as_str()).collect();
    packs.sort_unstable();
    packs.dedup();
    html! {
        p.lead {
            (rules.len()) " rules in " (packs.len())
            " packs. Each says why it matters and links to the guidance behind it."
        }
        (table(["Code", "Name", "Severity", "Category", "*Message"], rules.iter().map(|r| {
            [
                html! { a href={ "/rules/" (r.code) } { code { (r.code) } } },
                html! { (r.name) },
                html! { span class={ "badge " (r.severity.as_str()) } { (r.severity.as_str()) } },
                html! { (r.category) },
                html! { (r.message) @if !r.enabled { " (off)" } },
            ]
        })))
        section aria-labelledby="pack-h" {
            h2 #pack-h { "Test a company pack" }
            form #pack-test class="card" {
                label for="pack-file" { "A pack file (.toml)" }
                input #pack-file type="file" accept=".toml";
                label for="pack-source" { "or paste it" }
                textarea #pack-source rows="8" spellcheck="false" {}
                button type="submit" { "Run its examples" }
            }
            div #pack-result aria-live="polite" {}
            p.muted {
                "Testing installs nothing: your drafts are checked with a company pack once tactful is started with it "
                "(your company or whoever set up tactful does that)."
            }
        }
    }
}

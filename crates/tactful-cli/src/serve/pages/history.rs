//! History: every stored item, newest first, searchable by its text.

use maud::{Markup, html};

use super::super::data::ItemRow;
use super::super::html::{cut, day, network, table};

/// `search` is what the form asked for, shown back in it; `total` counts every stored item.
pub fn body(items: &[ItemRow], total: u64, search: &str) -> Markup {
    html! {
        form method="get" action="/history" class="row search" role="search" {
            div {
                label for="q" { "Search the text" }
                input #q name="q" type="search" value=(search);
            }
            button type="submit" { "Search" }
        }
        p {
            (total) " items stored; showing " (items.len()) " newest"
            @if !search.is_empty() { " that match" }
            "."
        }
        (table(["When", "Network", "Kind", "Who", "*Text"], items.iter().map(|i| {
            [
                html! { (day(i.at)) },
                html! { (network(&i.network)) },
                html! { (i.kind) },
                html! { @if i.yours { "you" } @else { (i.author) } },
                html! { (cut(&i.text, 300)) },
            ]
        })))
    }
}

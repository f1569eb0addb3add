//! Contacts: everyone on the relationship curve, searchable by name and stage.

use maud::{Markup, html};
use tactful_app::contacts::ContactList;

use super::super::html::{avatar, day, table};

/// Most rows one page shows; a search narrows the rest.
const SHOWN: usize = 500;

/// `search` and `stage` are what the form asked for, shown back in it.
pub fn body(list: &ContactList, search: &str, stage: Option<&str>) -> Markup {
    html! {
        p.lead {
            "Everyone you have exchanged with, on the relationship curve: "
            "connected, engaged, conversation, customer, team, lapsed."
        }
        form method="get" action="/contacts" class="row search" role="search" {
            div {
                label for="q" { "Search by name or handle" }
                input #q name="q" value=(search) type="search";
            }
            div {
                label for="stage" { "Stage" }
                select #stage name="stage" {
                    option value="" { "every stage" }
                    @for (s, n) in &list.stages {
                        option value=(s) selected[stage == Some(s.as_str())] { (s) " (" (n) ")" }
                    }
                }
            }
            button type="submit" { "Show" }
        }
        ul.funnel aria-label="Contacts per stage" {
            @for (s, n) in &list.stages {
                li { a href={ "/contacts?stage=" (s) } { (s) } " " strong { (n) } }
            }
        }
        @if list.contacts.is_empty() {
            p { "No contact matches. Import an export first, or change the search." }
        } @else {
            (table(["Name", "Stage", "~Why", "Last from them", "~Gave / asked / got"], rows(list)))
            @if list.contacts.len() > SHOWN {
                p { "Showing " (SHOWN) " of " (list.contacts.len()) "; search to narrow." }
            }
        }
    }
}

fn rows(list: &ContactList) -> impl Iterator<Item = [Markup; 5]> + '_ {
    list.contacts.iter().take(SHOWN).map(|c| {
        [
            html! { (avatar(&c.name)) a href={ "/contacts/" (c.id) } { (c.name) } },
            html! { span class={ "stage " (c.stage) } { (c.stage) } },
            html! { (c.why) },
            html! { (day(c.last_from_them.unwrap_or(0))) },
            html! { (c.given) " / " (c.asked) " / " (c.received) },
        ]
    })
}

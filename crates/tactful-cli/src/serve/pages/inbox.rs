//! Inbox: the customer requests nobody has answered, oldest first.

use maud::{Markup, html};

use super::super::data::{Inbox, Waiting};
use super::super::html::{avatar, cut, network, reply_box, table, waited};

pub fn body(inbox: &Inbox) -> Markup {
    html! {
        p.lead { "Customers waiting for you, oldest first. Never leave a question or a complaint unanswered." }
        section aria-labelledby="req" {
            h2 #req { "Customer requests without an answer (" (inbox.total) ")" }
            @if inbox.requests.is_empty() {
                p.clean { "None: every question and complaint has an answer." }
            } @else {
                (waiting(&inbox.requests))
                @if inbox.total > inbox.requests.len() {
                    p { "Showing the oldest " (inbox.requests.len()) " of " (inbox.total) "." }
                }
            }
        }
        p.muted {
            "A request is a question about what you offer or a problem with an order, with no answer from you after it. "
            "Your response times are in the " a href="/report" { "report" } "."
        }
    }
}

fn waiting(list: &[Waiting]) -> Markup {
    let rows = list.iter().map(|w| {
        [
            html! { (avatar(&w.from)) (w.from) },
            html! { (network(w.network)) },
            html! { (waited(w.waited_secs)) },
            html! { (w.what) },
            html! { (cut(&w.text, 200)) (reply_box(w.item, &w.from, w.network)) },
        ]
    });
    table(["From", "Network", "Waited", "What", "*Their words"], rows)
}

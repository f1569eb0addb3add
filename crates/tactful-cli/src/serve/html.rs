//! What every page template shares: the HTML response, the table, and the
//! short formats for dates, waits and long texts. The templates themselves
//! are under `pages/`, one per page; they are maud templates, so every
//! stored or typed text they splice in is escaped by construction.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};

/// A rendered page as an HTML response with `status`.
pub fn respond(status: StatusCode, page: Markup) -> Response {
    (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], page.into_string()).into_response()
}

/// A form's action URL carries the token: HTML forms cannot set headers.
pub fn action(token: &str, path: &str) -> String {
    format!("{path}?token={token}")
}

/// A table on a wide screen, a stack of cards on a phone (see app.css): each
/// cell carries its column's name, which a card shows before the value. The
/// first column is the card's title. A leading `~` in a heading marks a
/// column a phone can do without; a leading `*` marks the long text, which a
/// card shows as a paragraph of its own.
pub fn table<const N: usize>(head: [&str; N], rows: impl IntoIterator<Item = [Markup; N]>) -> Markup {
    let cols: Vec<(&str, &str)> = head
        .iter()
        .enumerate()
        .map(|(i, h)| match (i, h.strip_prefix('~'), h.strip_prefix('*')) {
            (_, Some(h), _) => (h, "opt"),
            (_, _, Some(h)) => (h, "text"),
            (0, _, _) => (*h, "title"),
            _ => (*h, ""),
        })
        .collect();
    html! {
        div.scroll {
            table.cards {
                thead {
                    tr { @for (h, class) in &cols { th scope="col" class=[(!class.is_empty()).then_some(*class)] { (h) } } }
                }
                tbody {
                    @for row in rows {
                        tr {
                            @for (cell, (h, class)) in row.into_iter().zip(&cols) {
                                td data-label=(h) class=[(!class.is_empty()).then_some(*class)] { (cell) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Where a network keeps a person's conversations: tactful never sends, the
/// seller pastes the reply there.
pub fn conversations_url(network: &str) -> Option<&'static str> {
    match network {
        "instagram" => Some("https://www.instagram.com/direct/inbox/"),
        "facebook" => Some("https://www.messenger.com/"),
        "x" => Some("https://x.com/messages"),
        "linkedin" => Some("https://www.linkedin.com/messaging/"),
        _ => None,
    }
}

/// An answer box for one waiting message (stored item `item`): the reply is
/// checked as it is typed for that person (assets/app.js), copied with one
/// click, and sent by the seller on the network itself.
pub fn reply_box(item: i64, to: &str, network: &str) -> Markup {
    let id = format!("reply-{item}");
    html! {
        details.reply data-to=(to) {
            summary { "Answer " (to) }
            label for=(id) { "Your reply to " (to) }
            textarea id=(id) rows="3" {}
            p.reply-count aria-live="polite" {}
            ul.reply-findings {}
            div.reply-actions {
                button.copy type="button" { "Copy the reply" }
                @if let Some(url) = conversations_url(network) {
                    a.button href=(url) target="_blank" rel="noreferrer" { "Open " (network) " messages" }
                }
            }
            p.muted { "tactful never sends anything: paste the reply in the conversation yourself." }
        }
    }
}

/// A person's initials in a circle, so a list of handles is quick to scan.
pub fn avatar(name: &str) -> Markup {
    let mut parts = name.split(|c: char| !c.is_alphanumeric()).filter(|p| !p.is_empty());
    let first = parts.next().and_then(|p| p.chars().next());
    let second = parts.next().and_then(|p| p.chars().next());
    let initials: String = match (first, second) {
        (Some(a), Some(b)) => [a, b].iter().flat_map(|c| c.to_uppercase()).collect(),
        (Some(a), None) => a.to_uppercase().collect(),
        _ => "?".into(),
    };
    // One of six colours, the same for the same name every time.
    let hue = name.bytes().fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b))) % 6;
    html! { span class={ "avatar a" (hue) } aria-hidden="true" { (initials) } }
}

/// A network's short mark beside its name (text, so it needs no image).
pub fn network(name: &str) -> Markup {
    let mark = match name {
        "instagram" => "IG",
        "facebook" => "f",
        "x" => "X",
        "linkedin" => "in",
        _ => "·",
    };
    html! { span.net { span class={ "net-mark " (name) } aria-hidden="true" { (mark) } " " (name) } }
}

/// A short date for tables: `2026-03-04`.
pub fn day(at: i64) -> String {
    if at <= 0 {
        return "—".into();
    }
    crate::store::show_time(at).chars().take(10).collect()
}

/// Cut a text for a table cell, on a character boundary.
pub fn cut(s: &str, n: usize) -> String {
    let mut out: String = s.chars().take(n).collect();
    if s.chars().nth(n).is_some() {
        out.push('…');
    }
    out
}

pub fn waited(secs: i64) -> String {
    let h = secs / 3600;
    if h < 48 { format!("{h} h") } else { format!("{} days", h / 24) }
}

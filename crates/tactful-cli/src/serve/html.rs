//! The page frame (head, navigation, footer) and the one escaping function
//! every stored or typed text goes through before it reaches a page.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

pub use crate::report::escape;

/// The sections, in the order a seller's day runs.
const NAV: [(&str, &str); 10] = [
    ("/", "Today"),
    ("/check", "Check a draft"),
    ("/inbox", "Inbox"),
    ("/contacts", "Contacts"),
    ("/scan", "Past posts"),
    ("/history", "History"),
    ("/report", "Report"),
    ("/import", "Import"),
    ("/plan", "Plan"),
    ("/rules", "Rules"),
];

/// A whole page: `body` must already be escaped HTML.
pub fn page(token: &str, current: &str, title: &str, body: &str) -> Response {
    let mut nav = String::new();
    for (href, label) in NAV {
        let here = if href == current { " aria-current=\"page\"" } else { "" };
        nav.push_str(&format!("<li><a href=\"{href}\"{here}>{label}</a></li>"));
    }
    let html = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<meta name=\"tactful-token\" content=\"{token}\"><link rel=\"icon\" href=\"data:,\">\
<title>{t} · tactful</title><link rel=\"stylesheet\" href=\"/assets/app.css\"><script src=\"/assets/app.js\" defer></script></head>\
<body><a class=\"skip\" href=\"#main\">Skip to content</a>\
<header><span class=\"brand\">tactful</span><nav aria-label=\"Sections\"><ul>{nav}</ul></nav></header>\
<main id=\"main\"><h1>{t}</h1>{body}</main>\
<footer>Everything stays on this computer: tactful makes no network calls.</footer></body></html>",
        t = escape(title),
    );
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
}

/// A page that says what went wrong, with the right status.
pub fn error_page(token: &str, status: StatusCode, message: &str) -> Response {
    let body = format!(
        "<p class=\"error\" role=\"alert\">{}</p><p><a href=\"/\">Back to today</a></p>",
        escape(message)
    );
    let mut r = page(
        token,
        "",
        if status == StatusCode::NOT_FOUND { "Not found" } else { "Something went wrong" },
        &body,
    );
    *r.status_mut() = status;
    r
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

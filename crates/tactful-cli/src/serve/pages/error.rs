//! The page that says what went wrong.

use axum::http::StatusCode;
use maud::{Markup, html};

/// The page's title for `status`.
pub fn title(status: StatusCode) -> &'static str {
    if status == StatusCode::NOT_FOUND { "Not found" } else { "Something went wrong" }
}

pub fn body(message: &str) -> Markup {
    html! {
        p.error role="alert" { (message) }
        p { a href="/" { "Back to today" } }
    }
}

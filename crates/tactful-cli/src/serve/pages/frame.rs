//! The frame around every page: head, skip link, navigation, footer.

use maud::{DOCTYPE, Markup, html};

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

/// The sections on a phone's bar; the rest are under "More".
const TABS: usize = 4;

/// A whole page: `main` holds the title as its heading, then `body`. The
/// section whose path is `current` is marked as the page the user is on.
pub fn frame(token: &str, current: &str, title: &str, body: &Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                // The page's JavaScript sends it back with every change it asks for.
                meta name="tactful-token" content=(token);
                link rel="icon" href="data:,";
                title { (title) " · tactful" }
                link rel="stylesheet" href="/assets/app.css";
                script src="/assets/app.js" defer {}
            }
            body {
                a.skip href="#main" { "Skip to content" }
                header {
                    a.brand href="/" { "tactful" }
                    nav aria-label="Sections" {
                        ul {
                            @for (href, label) in NAV { (link(href, label, current)) }
                        }
                    }
                }
                main #main {
                    h1 { (title) }
                    (body)
                }
                footer { "Everything stays on this computer: tactful makes no network calls." }
                nav.tabbar aria-label="Sections (phone)" {
                    ul {
                        @for (href, label) in &NAV[..TABS] { (link(href, short(label), current)) }
                        li {
                            details {
                                summary { "More" }
                                ul {
                                    @for (href, label) in &NAV[TABS..] { (link(href, label, current)) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A section's link in a navigation list, marked when it is the page the user is on.
fn link(href: &str, label: &str, current: &str) -> Markup {
    html! { li { a href=(href) aria-current=[(href == current).then_some("page")] { (label) } } }
}

/// A section's name short enough for a phone's bar.
fn short(label: &str) -> &str {
    match label {
        "Check a draft" => "Check",
        other => other,
    }
}

//! Past posts: your own posts, comments and messages checked against
//! today's rules, worst first, and the pitches and broadcasts of the history.

use maud::{Markup, html};

use super::super::data::{Flagged, Scan};
use super::super::html::{action, cut, day};

/// `notice`: the confirmation of the last change, with its undo.
pub fn body(s: &Scan, token: &str, notice: Option<&Markup>) -> Markup {
    let (open, settled): (Vec<&Flagged>, Vec<&Flagged>) =
        s.shown.iter().partition(|f| !s.settled.contains_key(&f.id));
    html! {
        @if let Some(n) = notice { (n) }
        p.lead {
            "Your own past posts, comments and messages, checked against today's rules: "
            (s.scanned) " checked, " (s.flagged) " with something to look at, worst first"
            @if !settled.is_empty() { " (" (settled.len()) " of them marked fixed or dismissed)" }
            "."
        }
        @if open.is_empty() {
            p.clean { "Nothing to review." }
        }
        ol.cards { @for f in &open { (flagged(f, token)) } }
        @if !settled.is_empty() {
            details.card {
                summary { "Fixed or dismissed (" (settled.len()) ")" }
                ul.cards {
                    @for f in &settled {
                        li {
                            p { strong { (s.settled[&f.id]) } " — " (day(f.at)) " " (f.network) " " (f.kind) }
                            blockquote { (cut(&f.text, 200)) }
                            form method="post" action=(action(token, &format!("/items/{}/undo", f.id))) {
                                input type="hidden" name="back" value="/scan";
                                button.choice type="submit" { "Undo" }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="pitches" {
            h2 #pitches { "Pitches nobody invited" }
            p {
                (s.unsolicited_total)
                " past pitch(es) to people who had not invited them, judged on the history before each one."
            }
            ul {
                @for u in &s.unsolicited {
                    li { (day(u.at)) " to " a href={ "/contacts/" (u.contact) } { (u.name) } " (was " (u.stage) ")" }
                }
            }
        }
        section aria-labelledby="spray" {
            h2 #spray { "The same message to many people" }
            p {
                (s.broadcasts_total) " time(s) the same message went to "
                (tactful_core::relationships::DEFAULT_MIN_RECIPIENTS) "+ people within a day."
            }
            ul {
                @for x in &s.broadcasts {
                    li { (day(x.first_at)) " to " (x.recipients) " people: " (cut(&x.text, 120)) }
                }
            }
        }
    }
}

/// One post to review: what to do, the text, and one line per rule with
/// every place it fired (as `tactful scan` prints it).
fn flagged(f: &Flagged, token: &str) -> Markup {
    html! {
        li {
            p { strong { (f.action) } " — " (day(f.at)) " " (f.network) " " (f.kind) }
            blockquote { (cut(&f.text, 400)) }
            ul {
                @for g in &f.groups {
                    li {
                        span class={ "badge " (g.severity) } { (g.severity) } " "
                        a href={ "/rules/" (g.code) } { code { (g.code) } } " "
                        @for (i, &(s, e)) in g.places.iter().enumerate() {
                            @if i > 0 { ", " }
                            "\u{201c}" (cut(&f.text[s..e], 60)) "\u{201d}"
                        }
                        " — " (g.message)
                    }
                }
            }
            div.item-actions {
                form method="post" action=(action(token, &format!("/items/{}/fixed", f.id))) {
                    input type="hidden" name="back" value="/scan";
                    button.choice type="submit" { "I fixed it" }
                }
                form method="post" action=(action(token, &format!("/items/{}/dismiss", f.id))) class="dismiss" {
                    input type="hidden" name="back" value="/scan";
                    label for={ "why-" (f.id) } { "Not a problem? Say why" }
                    input id={ "why-" (f.id) } name="reason" required placeholder="e.g. a quote from a news story";
                    button.choice.secondary type="submit" { "Dismiss" }
                }
            }
        }
    }
}

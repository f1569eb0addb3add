//! Past posts: your own posts, comments and messages checked against
//! today's rules, worst first, and the pitches and broadcasts of the history.

use maud::{Markup, html};

use super::super::data::{Flagged, Scan};
use super::super::html::{cut, day};

pub fn body(s: &Scan) -> Markup {
    html! {
        p.lead {
            "Your own past posts, comments and messages, checked against today's rules: "
            (s.scanned) " checked, " (s.flagged) " to review, worst first."
        }
        @if s.shown.is_empty() {
            p.clean { "Nothing to review." }
        }
        ol.cards { @for f in &s.shown { (flagged(f)) } }
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
fn flagged(f: &Flagged) -> Markup {
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
            p.muted { "from " (f.source) }
        }
    }
}

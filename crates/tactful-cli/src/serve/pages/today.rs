//! Today: who waits for an answer, whom to give to, which pitches to hold
//! back, and the time box.

use maud::{Markup, html};
use tactful_app::today::Today;

use super::super::html::{action, avatar, cut, day, network, reply_box, waited, waiting_actions};

/// What Today says after the session was started or stopped.
pub fn confirmation(key: &str) -> Option<&'static str> {
    match key {
        "session-start" => Some("Started: today's session is running. Stop it when you are done."),
        "session-stop" => Some("Stopped: the time is counted in today's box and your streak."),
        _ => None,
    }
}

/// `notice`: the confirmation of the last change, shown at the top.
pub fn body(t: &Today, token: &str, notice: Option<&Markup>) -> Markup {
    html! {
        @if let Some(n) = notice { (n) }
        p.lead { "Answer people first, then give, then hold back the pitches nobody asked for. Keep to your time box." }
        @if let Some(f) = &t.focus {
            p.warn role="note" { "Focus: " (f.warning()) }
        }
        (cards("waiting", "1. Waiting for your answer", &t.waiting,
            &html! { "Nobody: every question and complaint has an answer." },
            |w| html! {
                (avatar(&w.from)) strong { (w.from) } " on " (network(w.network.as_str())) " has waited " strong { (waited(w.waited_secs)) }
                " (" (w.cue) ")"
                blockquote { (cut(&w.text, 200)) }
                (reply_box(w.item, &w.from, w.network.as_str()))
                (waiting_actions(token, w.item, "/"))
            },
            &html! {
                @if t.waiting_total > t.waiting.len() {
                    p { a href="/inbox" { "All " (t.waiting_total) " in the inbox" } }
                }
            }))
        (cards("give", "2. Give before you ask", &t.gives,
            &html! { "No engaged contact has gone quiet for " (t.quiet_days) " days." },
            |g| html! {
                a href={ "/contacts/" (g.contact) } { strong { (g.name) } }
                " (" (g.stage) ", last exchange " (day(g.last)) "): " (g.action)
            },
            &html! {}))
        (cards("hold", "3. Pitches to hold back", &t.holds,
            &html! { "None: nobody you pitched is waiting on you to stop." },
            |h| html! {
                @match h.contact {
                    Some(id) => a href={ "/contacts/" (id) } { strong { (h.name) } },
                    None => strong { (h.name) },
                }
                ": " (h.reason)
            },
            &html! {}))
        (time_box(t, token))
    }
}

/// One numbered step of Today: its heading, then `empty` when it has
/// nothing, else a card per item and `more` after the cards.
fn cards<T>(
    id: &str,
    heading: &str,
    items: &[T],
    empty: &Markup,
    card: impl Fn(&T) -> Markup,
    more: &Markup,
) -> Markup {
    html! {
        section aria-labelledby=(id) {
            h2 id=(id) { (heading) }
            @if items.is_empty() {
                p { (empty) }
            } @else {
                ul.cards {
                    @for item in items {
                        li { (card(item)) }
                    }
                }
                (more)
            }
        }
    }
}

/// The first steps on an empty store: bring in an export (and where each
/// network lets you download one), set the plan, check a draft.
pub fn first_run() -> Markup {
    const WHERE: [(&str, &str); 4] = [
        (
            "Facebook",
            "Settings, then Accounts Center, then Your information and permissions, then Download your information. Pick JSON, not HTML.",
        ),
        (
            "Instagram",
            "Your profile menu, then Accounts Center, then Your information and permissions, then Download your information. Pick JSON.",
        ),
        ("X (Twitter)", "Settings, then Your account, then Download an archive of your data."),
        ("LinkedIn", "Settings, then Data privacy, then Get a copy of your data."),
    ];
    html! {
        p.lead {
            "tactful works on your own history, on this computer: nothing is sent anywhere. "
            "Three steps to start:"
        }
        ol.steps {
            li {
                h2 { "Bring in your history" }
                p { "Ask each network for a copy of your data; it arrives as a file, often a day later. Then "
                    a href="/import" { "import it here" } "." }
                details {
                    summary { "Where each network keeps the download" }
                    dl {
                        @for (network, path) in WHERE { dt { (network) } dd { (path) } }
                    }
                }
            }
            li {
                h2 { "Set your plan" }
                p { a href="/plan" { "Say what you want" } " from social media, which networks you use and how much time a day you give it." }
            }
            li {
                h2 { "Check a draft" }
                p { "You do not need a history for this: " a href="/check" { "check a post or a message" } " before you send it." }
            }
        }
    }
}

/// Section 4: minutes used and left, the streak, and the start or stop button.
fn time_box(t: &Today, token: &str) -> Markup {
    let (path, label, note) = if t.session_running {
        ("/session/stop", "Stop the session", " — a session is running")
    } else {
        ("/session/start", "Start today's session", "")
    };
    html! {
        section aria-labelledby="box" {
            h2 #box { "4. Time box and streak" }
            p {
                "Today: " strong { (t.minutes_used) } " of " (t.minutes_planned) " minutes; "
                ((i64::from(t.minutes_planned) - t.minutes_used).max(0)) " left" (note) ". "
                "Streak: " strong { (t.streak_current) } " day(s) in a row (longest " (t.streak_best) ")."
            }
            form method="post" action=(action(token, path)) { button type="submit" { (label) } }
        }
    }
}

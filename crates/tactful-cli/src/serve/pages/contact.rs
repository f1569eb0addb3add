//! One contact: why this stage, give and ask, the consent ledger with its
//! forms, the customer or team mark, and the timeline.

use maud::{Markup, html};
use tactful_app::contacts::ContactPage;
use tactful_core::consent::{Purpose, Source};

use super::super::html::{action, cut, day, table};

/// What the page says after a change went through, by the key the form's
/// redirect carries; `None` for a key it does not know.
pub fn confirmation(key: &str) -> Option<&'static str> {
    Some(match key {
        "mark" => "Saved: their mark is updated.",
        "consent" => "Saved: the opt-in is in their consent record.",
        "withdrawn" => "Saved: the opt-in is withdrawn; do not send them that any more.",
        "confirmed" => "Saved: the opt-in is confirmed with their code.",
        _ => return None,
    })
}

/// `notice`: a confirmation of the last change; `problem`: what went wrong
/// with the form the seller sent, shown at the top.
pub fn body(c: &ContactPage, token: &str, notice: Option<&str>, problem: Option<&str>) -> Markup {
    html! {
        @if let Some(n) = notice { p.notice role="status" { (n) } }
        @if let Some(p) = problem { p.error role="alert" { "That did not go through: " (p) } }
        p.lead { (c.handles.join(", ")) " — " span class={ "stage " (c.stage) } { (c.stage) } }
        section aria-labelledby="why" {
            h2 #why { "Why this stage" }
            ul { @for r in &c.reasons { li { (r) } } }
            p { strong { "Next:" } " " (c.next_step) }
        }
        section aria-labelledby="equity" {
            h2 #equity { "Give and ask" }
            ul { @for why in &c.equity_why { li { (why) } } }
        }
        (consent(c, token))
        section aria-labelledby="actions" {
            h2 #actions { "Actions" }
            form method="post" action=(action(token, &format!("/contacts/{}/mark", c.id))) class="row" {
                div {
                    label for="mark" { "They bought from you or joined your team" }
                    select #mark name="mark" {
                        @for (v, label) in [("none", "no mark"), ("customer", "customer"), ("team", "team member")] {
                            option value=(v) selected[c.mark.as_deref().unwrap_or("none") == v] { (label) }
                        }
                    }
                }
                div {
                    label for="since" { "Since (default today)" }
                    input #since name="since" type="date";
                }
                button type="submit" { "Save" }
            }
            p.muted {
                "Draft a message to them: "
                a href={ "/check?to=%23" (c.id) } { "check it before you send it" } ", with what tactful knows of them."
            }
        }
        section aria-labelledby="timeline" {
            h2 #timeline { "Timeline" }
            @if c.timeline.is_empty() {
                p { "Nothing dated between you yet." }
            } @else {
                (table(["When", "Network", "Who", "What", "*Text"], c.timeline.iter().map(|m| {
                    [
                        html! { (day(m.at)) },
                        html! { (m.network) },
                        html! { (m.who) },
                        html! { (m.act) },
                        html! { (cut(&m.text, 160)) },
                    ]
                })))
            }
        }
    }
}

/// The consent ledger: what they agreed to hear about, and the forms to
/// record an opt-in, confirm it with its code, or withdraw it.
fn consent(c: &ContactPage, token: &str) -> Markup {
    let purposes = html! {
        @for p in Purpose::ALL { option value=(p.as_str()) { (p.as_str()) } }
    };
    html! {
        section aria-labelledby="consent" {
            h2 #consent { "Consent" }
            @if c.consent.is_empty() {
                p { "None recorded: do not add them to any list. Being connected is not an opt-in." }
            } @else {
                (table(["About", "Status", "How", "Recorded", "*Evidence"], c.consent.iter().map(|r| {
                    [
                        html! { (r.purpose) },
                        html! {
                            (r.status)
                            @if let Some(code) = &r.code { " — send them the code " code { (code) } }
                        },
                        html! { (r.source) },
                        html! { (day(r.recorded_at)) },
                        html! { (r.evidence) },
                    ]
                })))
            }
            details.card {
                summary { "Record an opt-in they gave you" }
                form method="post" action=(action(token, &format!("/contacts/{}/consent", c.id))) {
                    div.row {
                        div {
                            label for="purpose" { "They agreed to hear about" }
                            select #purpose name="purpose" { (purposes) }
                        }
                        div {
                            label for="source" { "How they said so" }
                            select #source name="source" {
                                @for s in Source::ALL { option value=(s.as_str()) { (s.as_str()) } }
                            }
                        }
                    }
                    label for="evidence" { "Their words, and when (\"Ann wrote on 3 May: yes, add me!\")" }
                    input #evidence name="evidence" required;
                    button type="submit" { "Record as pending" }
                }
            }
            form method="post" action=(action(token, &format!("/contacts/{}/consent/confirm", c.id))) class="row" {
                div {
                    label for="code" { "They sent back their code" }
                    input #code name="code" autocomplete="off";
                }
                button type="submit" { "Confirm" }
            }
            @if !c.consent.is_empty() {
                form method="post" action=(action(token, &format!("/contacts/{}/consent/withdraw", c.id))) class="row" {
                    div {
                        label for="withdraw" { "They asked to stop hearing about" }
                        select #withdraw name="purpose" {
                            option value="all" { "everything" }
                            (purposes)
                        }
                    }
                    button type="submit" { "Withdraw" }
                }
            }
        }
    }
}

//! Plan: goals, market, networks, the daily time box and the promotional ceiling.

use maud::{Markup, html};
use tactful_core::history::Network;
use tactful_core::plan::Plan;

use super::super::html::action;

/// `notice`: the confirmation of a save, shown at the top.
pub fn body(p: &Plan, token: &str, notice: Option<&str>) -> Markup {
    html! {
        @if let Some(n) = notice { p.notice role="status" { (n) } }
        p.lead {
            "Know your goals, choose a few networks, keep a daily time box, and mostly give. "
            "Every report shows this plan."
        }
        form method="post" action=(action(token, "/plan")) class="card" {
            label for="goals" { "Goals, one per line" }
            textarea #goals name="goals" rows="4" { (p.goals.join("\n")) }
            label for="market" { "Who you serve" }
            input #market name="market" value=(p.market);
            fieldset {
                legend { "Networks you focus on" }
                @for n in Network::ALL {
                    label.inline {
                        input type="checkbox" name="networks" value=(n.as_str()) checked[p.networks.contains(&n)];
                        " " (n.as_str())
                    }
                }
            }
            div.row {
                div {
                    label for="session_minutes" { "Daily session, minutes" }
                    input #session_minutes name="session_minutes" type="number" min="1" max="1440"
                        value=(p.session_minutes) required;
                }
                div {
                    label for="max_promo" { "Promotional posts at most, %" }
                    input #max_promo name="max_promotional_percent" type="number" min="0" max="100"
                        value=(p.max_promotional_percent) required;
                }
            }
            button type="submit" { "Save the plan" }
        }
    }
}

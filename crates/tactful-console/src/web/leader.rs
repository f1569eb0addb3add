//! The team leader's view: the open cases of their downline, the trend,
//! and a nudge (the caring note) for a case nobody has written about yet.

use axum::Router;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::html;
use tactful_company::Actor;

use super::{
    CsrfForm, Role, Scope, Shared, Status, case_form, cases, html_response, page, refused, scoped_cases,
    signed_in, with_store,
};

pub(super) fn routes() -> Router<Shared> {
    Router::new()
        .route("/team", get(team_page))
        .route("/cases/{id}/nudge", post(nudge_form))
        .route("/cases/{id}/note", post(nudge_form))
}

/// A leader's team: the open cases of each member, the cases opened per
/// month, and a nudge (the caring note) for a case nobody has written about.
async fn team_page(State(c): State<Shared>, headers: HeaderMap) -> Response {
    let Some((p, scope)) = signed_in(&c, &headers).await else {
        return Redirect::to("/login").into_response();
    };
    let Scope::Team { leader, members } = scope.clone() else {
        return refused(&p, "This page is a team leader's.");
    };
    let company = c.company;
    let listed = with_store(&c, move |_, db| scoped_cases(db, company, &scope, None)).await;
    let Ok(list) = listed else { return refused(&p, "Your team's cases cannot be read just now.") };
    let mut per_month: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for k in &list {
        let month = tactful_app::clock::rfc3339(k.opened_at).chars().take(7).collect::<String>();
        *per_month.entry(month).or_default() += 1;
    }
    let open: Vec<&cases::Case> = list.iter().filter(|k| !k.status.is_final()).collect();
    let body = html! {
        p { "Your team: " (leader) " and " (members.len() - 1) " below you." }
        h2 { "Open cases (" (open.len()) ")" }
        @if open.is_empty() { p { "None: nothing in your team needs a hand." } }
        table {
            thead { tr { th scope="col" { "Case" } th scope="col" { "Who" } th scope="col" { "Category" } th scope="col" { "Status" } th scope="col" { "Nudge" } } }
            tbody {
                @for k in &open {
                    tr {
                        td { a href={ "/cases/" (k.id) } { "#" (k.id) } }
                        td { (k.distributor.as_deref().unwrap_or("")) }
                        td { (k.category) }
                        td { (k.status.as_str()) }
                        td {
                            @if matches!(k.status, Status::New | Status::InReview) {
                                form method="post" action={ "/cases/" (k.id) "/nudge" } {
                                    input type="hidden" name="csrf" value=(p.csrf);
                                    button type="submit" { "Send the caring note" }
                                }
                            } @else { "written to" }
                        }
                    }
                }
            }
        }
        h2 { "Cases opened per month" }
        ul { @for (m, n) in &per_month { li { (m) ": " (n) } } }
    };
    html_response(StatusCode::OK, &page("Your team", Some(&p), &body))
}

/// A leader's nudge: the company's caring note for a case of their team
/// (the same notice a reviewer sends, with its lesson), in their name.
async fn nudge_form(
    State(c): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> Response {
    let (p, scope, _) = match case_form(&c, &headers, id, &f.csrf).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    // The caring note goes from a team leader (the nudge) or the compliance team.
    let back = match (&scope, p.account.role) {
        (Scope::Team { .. }, _) => "/team".to_string(),
        (_, Role::Admin | Role::Reviewer) => format!("/cases/{id}"),
        _ => return refused(&p, "The note is sent by a team leader or the compliance team."),
    };
    let who = p.account.email.clone();
    let r = with_store(&c, move |c, db| {
        let actor = Actor { company: c.company, who, at: (c.now)() };
        let checker = tactful_app::Checker::builtin();
        let template = tactful_company::notice::Template::default();
        Ok(tactful_company::notice::queue(db, &actor, checker.engine(), &template, None, id)?)
    })
    .await;
    match r {
        Ok(_) => Redirect::to(&back).into_response(),
        Err(e) => html_response(
            StatusCode::BAD_REQUEST,
            &page("Your team", Some(&p), &html! { p role="alert" { (e.to_string()) } }),
        ),
    }
}

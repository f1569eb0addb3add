//! The reviewer's queue and a case: filters, the post and its findings,
//! and the changes the compliance team makes (dismiss with a reason).

use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::html;
use serde::Deserialize;
use tactful_company::Actor;

use super::{
    Change, CsrfForm, Role, Shared, Status, case_form, cases, html_response, not_found, page, scoped_cases,
    signed_in, with_store,
};

pub(super) fn routes() -> Router<Shared> {
    Router::new()
        .route("/cases", get(case_list))
        .route("/cases/{id}", get(case_page))
        .route("/cases/{id}/dismiss", post(dismiss_form))
}

#[derive(Deserialize, Default)]
struct ListQuery {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    category: Option<String>,
    /// A rule code the case has.
    #[serde(default)]
    rule: Option<String>,
    /// One distributor (within the person's scope).
    #[serde(default)]
    distributor: Option<String>,
}
async fn case_list(State(c): State<Shared>, headers: HeaderMap, Query(q): Query<ListQuery>) -> Response {
    let Some((p, scope)) = signed_in(&c, &headers).await else {
        return Redirect::to("/login").into_response();
    };
    let status = match q.status.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => match Status::ALL.into_iter().find(|x| x.as_str() == s) {
            Some(x) => Some(x),
            None => {
                return html_response(
                    StatusCode::BAD_REQUEST,
                    &page("Cases", Some(&p), &html! { p { "No such status: " (s) } }),
                );
            }
        },
    };
    let company = c.company;
    let text = |v: &Option<String>| v.as_deref().map(str::trim).filter(|x| !x.is_empty()).map(str::to_string);
    let (category, rule, distributor) = (text(&q.category), text(&q.rule), text(&q.distributor));
    let (want_category, want_rule, want_distributor) = (category.clone(), rule.clone(), distributor.clone());
    let listed = with_store(&c, move |_, db| {
        let mut list = scoped_cases(db, company, &scope, status)?;
        // The filters narrow what the scope allows; they never widen it.
        list.retain(|k| {
            want_category.as_deref().is_none_or(|x| k.category == x)
                && want_rule.as_deref().is_none_or(|x| k.codes.iter().any(|c| c.eq_ignore_ascii_case(x)))
                && want_distributor.as_deref().is_none_or(|x| k.distributor.as_deref() == Some(x))
        });
        Ok(list)
    })
    .await;
    let filters = html! {
        form method="get" action="/cases" role="search" {
            label for="status" { "Status" }
            select #status name="status" {
                option value="" { "any" }
                @for st in Status::ALL {
                    option value=(st.as_str()) selected[status == Some(st)] { (st.as_str()) }
                }
            }
            label for="category" { "Category" }
            input #category name="category" value=(category.as_deref().unwrap_or(""));
            label for="rule" { "Rule code" }
            input #rule name="rule" value=(rule.as_deref().unwrap_or(""));
            label for="distributor" { "Distributor id" }
            input #distributor name="distributor" value=(distributor.as_deref().unwrap_or(""));
            button type="submit" { "Show" }
        }
    };
    let body = match listed {
        Ok(list) => html! {
            (filters)
            p { (list.len()) " case(s) you may see." }
            table {
                thead { tr { th scope="col" { "Case" } th scope="col" { "Distributor" } th scope="col" { "Category" } th scope="col" { "Status" } th scope="col" { "Priority" } th scope="col" { "Same text" } } }
                tbody {
                    @for k in &list {
                        tr {
                            td { a href={ "/cases/" (k.id) } { "#" (k.id) } }
                            td { (k.distributor.as_deref().unwrap_or("unattributed")) }
                            td { (k.category) }
                            td { (k.status.as_str()) }
                            td { (k.priority.why) }
                            td { @if k.group_posts > 1 { (k.group_posts) " posts by " (k.group_distributors) " people" } }
                        }
                    }
                }
            }
        },
        Err(e) => html! { p role="alert" { (e.to_string()) } },
    };
    html_response(StatusCode::OK, &page("Cases", Some(&p), &body))
}

async fn case_page(State(c): State<Shared>, headers: HeaderMap, Path(id): Path<i64>) -> Response {
    let Some((p, scope)) = signed_in(&c, &headers).await else {
        return Redirect::to("/login").into_response();
    };
    let company = c.company;
    let found = with_store(&c, move |_, db| Ok(cases::detail(db, company, id).ok())).await;
    let Ok(Some(d)) = found else { return not_found(&p) };
    if !scope.allows(d.case.distributor.as_deref()) {
        return not_found(&p);
    }
    let compliance = matches!(p.account.role, Role::Admin | Role::Reviewer);
    let may_dismiss = compliance && !d.case.status.is_final();
    let may_note =
        compliance && matches!(d.case.status, Status::New | Status::InReview) && d.case.distributor.is_some();
    let body = html! {
        p { "Status: " strong { (d.case.status.as_str()) } " — " (d.case.priority.why) }
        blockquote { (d.text) }
        ul { @for f in &d.case.findings { li { (f.code) ": " (f.message) } } }
        @if may_note {
            form method="post" action={ "/cases/" (id) "/note" } {
                input type="hidden" name="csrf" value=(p.csrf);
                button type="submit" { "Send the caring note (with its lesson)" }
            }
        }
        @if may_dismiss {
            form method="post" action={ "/cases/" (id) "/dismiss" } {
                input type="hidden" name="csrf" value=(p.csrf);
                label for="reason" { "A false alarm? Say why" }
                input #reason name="reason" required;
                button type="submit" { "Dismiss" }
            }
        }
    };
    html_response(StatusCode::OK, &page(&format!("Case #{id}"), Some(&p), &body))
}

async fn dismiss_form(
    State(c): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> Response {
    let (p, _, _) = match case_form(&c, &headers, id, &f.csrf).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    if !matches!(p.account.role, Role::Admin | Role::Reviewer) {
        return html_response(
            StatusCode::FORBIDDEN,
            &page("Refused", Some(&p), &html! { p { "Only the compliance team dismisses a case." } }),
        );
    }
    let who = p.account.email.clone();
    let reason = f.reason;
    let r = with_store(&c, move |c, db| {
        let actor = Actor { company: c.company, who, at: (c.now)() };
        Ok(cases::change(db, &actor, id, &Change::Status { to: Status::Dismissed, reason: Some(reason) })?)
    })
    .await;
    match r {
        Ok(_) => Redirect::to(&format!("/cases/{id}")).into_response(),
        Err(e) => html_response(
            StatusCode::BAD_REQUEST,
            &page(&format!("Case #{id}"), Some(&p), &html! { p role="alert" { (e.to_string()) } }),
        ),
    }
}

//! The compliance admin's pages: accounts and invitations, the roster with
//! a preview of its changes, the audit log with search and its chain checked.

use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use maud::{Markup, html};
use serde::Deserialize;
use tactful_company::Actor;

use super::{Principal, Role, Shared, accounts, fresh, html_response, page, refused, signed_in, with_store};

pub(super) fn routes() -> Router<Shared> {
    Router::new()
        .route("/admin/accounts", get(accounts_page).post(invite_form))
        .route("/admin/roster", get(roster_page).post(roster_form))
        .route("/admin/audit", get(audit_page))
}

/// The admin's pages are the admin's: anyone else is refused before anything is read.
#[allow(clippy::result_large_err)]
async fn admin(c: &Shared, headers: &HeaderMap) -> Result<Principal, Response> {
    let Some((p, _)) = signed_in(c, headers).await else {
        return Err(Redirect::to("/login").into_response());
    };
    if p.account.role == Role::Admin {
        Ok(p)
    } else {
        Err(refused(&p, "This page is the compliance admin's."))
    }
}

/// The admin's form, with its CSRF token checked.
#[allow(clippy::result_large_err)]
async fn admin_form(c: &Shared, headers: &HeaderMap, csrf: &str) -> Result<Principal, Response> {
    let p = admin(c, headers).await?;
    fresh(&p, csrf)?;
    Ok(p)
}

fn accounts_body(p: &Principal, list: &[accounts::Account], said: Option<Markup>) -> Markup {
    html! {
        @if let Some(s) = said { (s) }
        table {
            thead { tr { th scope="col" { "Email" } th scope="col" { "Name" } th scope="col" { "Role" } th scope="col" { "Distributor" } th scope="col" { "State" } } }
            tbody {
                @for a in list {
                    tr {
                        td { (a.email) } td { (a.name) } td { (a.role.as_str()) }
                        td { (a.distributor.as_deref().unwrap_or("")) }
                        td { @if a.disabled { "disabled" } @else if a.active { "active" } @else { "invited" } }
                    }
                }
            }
        }
        h2 { "Invite someone" }
        form method="post" {
            input type="hidden" name="csrf" value=(p.csrf);
            label for="email" { "Email" } input #email name="email" type="email" required;
            label for="name" { "Name" } input #name name="name" required;
            label for="role" { "Role" }
            select #role name="role" { @for r in Role::ALL { option value=(r.as_str()) { (r.as_str()) } } }
            label for="distributor" { "Their distributor id (a leader's or a distributor's)" }
            input #distributor name="distributor";
            button type="submit" { "Invite" }
        }
    }
}

async fn accounts_page(State(c): State<Shared>, headers: HeaderMap) -> Response {
    let p = match admin(&c, &headers).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let company = c.company;
    let list = with_store(&c, move |_, db| accounts::list(db, company)).await.unwrap_or_default();
    html_response(StatusCode::OK, &page("Accounts", Some(&p), &accounts_body(&p, &list, None)))
}

#[derive(Deserialize)]
struct InviteForm {
    #[serde(default)]
    csrf: String,
    email: String,
    name: String,
    role: String,
    #[serde(default)]
    distributor: String,
}

async fn invite_form(State(c): State<Shared>, headers: HeaderMap, Form(f): Form<InviteForm>) -> Response {
    let p = match admin_form(&c, &headers, &f.csrf).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let who = p.account.email.clone();
    let r = with_store(&c, move |c, db| {
        let actor = Actor { company: c.company, who, at: (c.now)() };
        let role: Role = f.role.parse()?;
        let d = Some(f.distributor.as_str()).filter(|d| !d.trim().is_empty());
        let inv = accounts::invite(db, &actor, &f.email, &f.name, role, d)?;
        Ok((inv, accounts::list(db, c.company)?))
    })
    .await;
    match r {
        Ok((inv, list)) => {
            // The link is shown once, here: the store keeps only its hash.
            let said = html! {
                p role="status" {
                    "Invited " (inv.account.email) ". Send them this link (it works once, for 7 days): "
                    code { "/invitation/" (inv.token) }
                }
            };
            html_response(StatusCode::OK, &page("Accounts", Some(&p), &accounts_body(&p, &list, Some(said))))
        }
        Err(e) => {
            let company = c.company;
            let list = with_store(&c, move |_, db| accounts::list(db, company)).await.unwrap_or_default();
            let said = html! { p role="alert" { (e.to_string()) } };
            html_response(
                StatusCode::BAD_REQUEST,
                &page("Accounts", Some(&p), &accounts_body(&p, &list, Some(said))),
            )
        }
    }
}

fn roster_body(p: &Principal, csv: &str, preview: Option<Markup>) -> Markup {
    html! {
        (preview.unwrap_or_default())
        form method="post" {
            input type="hidden" name="csrf" value=(p.csrf);
            label for="csv" { "The roster as CSV (id, name, email, upline_id, rank, country, joined, left, handles)" }
            textarea #csv name="csv" rows="10" { (csv) }
            button type="submit" name="step" value="preview" { "Preview the changes" }
            button type="submit" name="step" value="apply" { "Apply them" }
        }
    }
}

async fn roster_page(State(c): State<Shared>, headers: HeaderMap) -> Response {
    let p = match admin(&c, &headers).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    html_response(StatusCode::OK, &page("Roster", Some(&p), &roster_body(&p, "", None)))
}

#[derive(Deserialize)]
struct RosterForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    csv: String,
    #[serde(default)]
    step: String,
}

/// Preview what a roster file would change (nothing is written), or apply it.
async fn roster_form(State(c): State<Shared>, headers: HeaderMap, Form(f): Form<RosterForm>) -> Response {
    let p = match admin_form(&c, &headers, &f.csrf).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let who = p.account.email.clone();
    let csv = f.csv.clone();
    let apply = f.step == "apply";
    let r = with_store(&c, move |c, db| {
        use tactful_company::roster;
        if apply {
            let actor = Actor { company: c.company, who, at: (c.now)() };
            let s = roster::import(db, &actor, "roster.csv", csv.as_bytes())?;
            let problems: Vec<String> = s.skipped.iter().map(ToString::to_string).collect();
            return Ok(html! {
                p role="status" { "Applied: " (s.added) " added, " (s.updated) " updated, " (s.unchanged) " unchanged." }
                @if !problems.is_empty() { ul { @for x in &problems { li { (x) } } } }
            });
        }
        let file = roster::parse("roster.csv", csv.as_bytes())?;
        let plan = roster::plan(&file, &roster::distributors(db, c.company)?);
        Ok(html! {
            p role="status" { "Nothing is written yet. " (plan.changes.len()) " change(s), " (plan.unchanged) " unchanged, " (plan.problems.len()) " row(s) that would be skipped." }
            ul {
                @for ch in &plan.changes {
                    li {
                        "line " (ch.line) ": " (ch.after.id) " " (ch.after.name)
                        @match &ch.before { None => " — new", Some(_) => " — changed" }
                    }
                }
                @for x in &plan.problems { li { (x.to_string()) } }
            }
        })
    })
    .await;
    let said = r.unwrap_or_else(|e| html! { p role="alert" { (e.to_string()) } });
    html_response(StatusCode::OK, &page("Roster", Some(&p), &roster_body(&p, &f.csv, Some(said))))
}

#[derive(Deserialize, Default)]
struct AuditQuery {
    #[serde(default)]
    q: String,
}

/// The audit log, newest first, searchable by action, subject or who; and whether its chain holds.
async fn audit_page(State(c): State<Shared>, headers: HeaderMap, Query(q): Query<AuditQuery>) -> Response {
    let p = match admin(&c, &headers).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let company = c.company;
    let needle = q.q.trim().to_lowercase();
    let r = with_store(&c, move |_, db| {
        let verdict = tactful_company::audit::verify(db, company)?;
        let mut found = Vec::new();
        tactful_company::audit::entries(db, company, &mut |e| {
            let hay = format!("{} {} {}", e.action, e.subject, e.actor).to_lowercase();
            if needle.is_empty() || hay.contains(&needle) {
                found.push(e);
            }
        })?;
        found.reverse();
        found.truncate(500);
        Ok((verdict, found))
    })
    .await;
    let Ok((verdict, found)) = r else { return refused(&p, "The audit log cannot be read just now.") };
    let body = html! {
        @match &verdict.broken {
            None => p role="status" { "The chain holds: " (verdict.entries) " entries, each sealing the one before." },
            Some(b) => p role="alert" { "The chain is broken: " (format!("{b:?}")) },
        }
        form method="get" role="search" {
            label for="q" { "Search by action, subject or who" }
            input #q name="q" value=(q.q);
            button type="submit" { "Search" }
        }
        table {
            thead { tr { th scope="col" { "#" } th scope="col" { "When" } th scope="col" { "Who" } th scope="col" { "What" } th scope="col" { "To what" } } }
            tbody {
                @for e in &found {
                    tr { td { (e.seq) } td { (tactful_app::clock::rfc3339(e.at)) } td { (e.actor) } td { (e.action) } td { (e.subject) } }
                }
            }
        }
    };
    html_response(StatusCode::OK, &page("Audit log", Some(&p), &body))
}

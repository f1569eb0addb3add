//! The console's first pages, behind the login: the case queue and a case,
//! each scoped by [`Scope`], and the one change a reviewer makes most
//! (dismiss with a reason). The session is an HttpOnly, SameSite=Strict
//! cookie (Secure when the console sits behind TLS); every form carries the
//! session's CSRF token. A case outside the person's scope is "no such case"
//! (404), the same as a case that does not exist, so nothing leaks. Served
//! on 127.0.0.1 by whoever mounts [`router`] (not wired to `tactful` yet).

use std::sync::Arc;

use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::{DOCTYPE, Markup, html};
use serde::Deserialize;
use tactful_company::Actor;
use tactful_company::case::Status;
use tactful_company::cases::{self, Change, Filter};

use crate::accounts::{self, Principal, Role};
use crate::{Error, Scope};

/// The name of the session cookie.
pub const COOKIE: &str = "tactful_console";

/// What the console needs: where the store is, which company, whether the
/// cookie must be Secure (behind a reverse proxy that ends TLS), and the
/// program's one clock.
pub struct Console {
    pub store: String,
    pub company: i64,
    pub secure_cookie: bool,
    pub now: fn() -> i64,
}

type Shared = Arc<Console>;

/// The console's routes.
pub fn router(console: Console) -> Router {
    Router::new()
        .route("/", get(|| async { Redirect::to("/cases") }))
        .route("/login", get(login_page).post(login_form))
        .route("/logout", post(logout_form))
        .route("/invitation/{token}", get(invitation_page).post(invitation_form))
        .route("/report", get(peer_page).post(peer_form))
        .route("/cases", get(case_list))
        .route("/cases/{id}", get(case_page))
        .route("/cases/{id}/dismiss", post(dismiss_form))
        .route("/me", get(me_page))
        .route("/team", get(team_page))
        .route("/admin/accounts", get(accounts_page).post(invite_form))
        .route("/admin/roster", get(roster_page).post(roster_form))
        .route("/admin/audit", get(audit_page))
        .route("/cases/{id}/nudge", post(nudge_form))
        .route("/cases/{id}/note", post(nudge_form))
        .route("/lessons/{name}", get(lesson_page).post(lesson_form))
        .with_state(Arc::new(console))
}

/// Run `f` on a blocking thread with the store open.
async fn with_store<T: Send + 'static>(
    c: &Shared,
    f: impl FnOnce(&Console, &mut dyn tactful_store::people::Db) -> Result<T, Error> + Send + 'static,
) -> Result<T, Error> {
    let c = c.clone();
    tokio::task::spawn_blocking(move || {
        let mut store = tactful_store::open(&c.store)?;
        f(&c, store.people())
    })
    .await
    .unwrap_or_else(|e| Err(Error::Input(format!("the request stopped: {e}"))))
}

fn cookie_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|kv| kv.trim().strip_prefix(COOKIE)?.strip_prefix('=').map(str::to_string))
}

/// The signed-in person and their scope, or `None` (no cookie, an ended session).
async fn signed_in(c: &Shared, headers: &HeaderMap) -> Option<(Principal, Scope)> {
    let token = cookie_token(headers)?;
    with_store(c, move |c, db| {
        let p = accounts::session(db, &token, (c.now)())?;
        let s = Scope::of(db, &p)?;
        Ok((p, s))
    })
    .await
    .ok()
}

fn page(title: &str, who: Option<&Principal>, body: &Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · tactful console" }
            }
            body {
                header {
                    strong { "tactful console" }
                    @if let Some(p) = who {
                        " — " (p.account.name) " (" (p.account.role.as_str()) ") "
                        form method="post" action="/logout" {
                            input type="hidden" name="csrf" value=(p.csrf);
                            button type="submit" { "Log out" }
                        }
                    }
                }
                main { h1 { (title) } (body) }
            }
        }
    }
}

fn html_response(status: StatusCode, markup: &Markup) -> Response {
    let mut r = (status, markup.clone().into_string()).into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    // Pages load nothing from elsewhere and run no script.
    r.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'",
        ),
    );
    r
}

fn not_found(who: &Principal) -> Response {
    html_response(
        StatusCode::NOT_FOUND,
        &page("No such case", Some(who), &html! { p { "There is no such case." } }),
    )
}

// ---------------------------------------------------------------------------
// Login and logout
// ---------------------------------------------------------------------------

fn login_body(problem: Option<&str>) -> Markup {
    html! {
        @if let Some(p) = problem { p role="alert" { (p) } }
        form method="post" action="/login" {
            label for="email" { "Email" }
            input #email name="email" type="email" autocomplete="username" required;
            label for="password" { "Password" }
            input #password name="password" type="password" autocomplete="current-password" required;
            button type="submit" { "Log in" }
        }
    }
}

async fn login_page() -> Response {
    html_response(StatusCode::OK, &page("Log in", None, &login_body(None)))
}

#[derive(Deserialize)]
struct LoginForm {
    email: String,
    password: String,
}

async fn login_form(State(c): State<Shared>, Form(f): Form<LoginForm>) -> Response {
    let secure = c.secure_cookie;
    match with_store(&c, move |c, db| accounts::login(db, c.company, &f.email, &f.password, (c.now)())).await
    {
        Ok(s) => {
            let mut r = Redirect::to("/cases").into_response();
            let cookie = format!(
                "{COOKIE}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}",
                s.token,
                accounts::SESSION_SECS,
                if secure { "; Secure" } else { "" }
            );
            r.headers_mut().insert(header::SET_COOKIE, HeaderValue::from_str(&cookie).expect("hex token"));
            r
        }
        Err(e @ (Error::Denied | Error::Throttled { .. })) => {
            let status = if matches!(e, Error::Throttled { .. }) {
                StatusCode::TOO_MANY_REQUESTS
            } else {
                StatusCode::UNAUTHORIZED
            };
            html_response(status, &page("Log in", None, &login_body(Some(&e.to_string()))))
        }
        Err(e) => html_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            &page("Log in", None, &login_body(Some(&e.to_string()))),
        ),
    }
}

/// The page an invitation link opens: choose a password.
async fn invitation_page(Path(_token): Path<String>) -> Response {
    let body = html! {
        p { "Choose your password (" (accounts::MIN_PASSWORD) " characters or more); then log in with your email." }
        form method="post" {
            label for="password" { "Password" }
            input #password name="password" type="password" autocomplete="new-password" required;
            button type="submit" { "Set my password" }
        }
    };
    html_response(StatusCode::OK, &page("Welcome", None, &body))
}

#[derive(Deserialize)]
struct PasswordForm {
    password: String,
}

async fn invitation_form(
    State(c): State<Shared>,
    Path(token): Path<String>,
    Form(f): Form<PasswordForm>,
) -> Response {
    match with_store(&c, move |c, db| accounts::accept(db, &token, &f.password, (c.now)())).await {
        Ok(_) => Redirect::to("/login").into_response(),
        Err(e) => {
            let status =
                if matches!(e, Error::Denied) { StatusCode::NOT_FOUND } else { StatusCode::BAD_REQUEST };
            html_response(status, &page("Welcome", None, &html! { p role="alert" { (e.to_string()) } }))
        }
    }
}

// ---------------------------------------------------------------------------
// The public peer report form: no login
// ---------------------------------------------------------------------------

/// Reports the public form takes in an hour, all senders together: the form
/// is open to anyone, so it is limited as one integration is.
pub const PUBLIC_REPORTS_PER_HOUR: i64 = 30;

fn peer_body(problem: Option<&str>) -> Markup {
    html! {
        p { "Seen a post by one of our distributors that makes a health or money promise, or misleads? Tell us; it stays between you and the compliance team." }
        @if let Some(p) = problem { p role="alert" { (p) } }
        form method="post" action="/report" {
            label for="url" { "The post's address" }
            input #url name="url" type="url" required;
            label for="reason" { "What is wrong with it" }
            textarea #reason name="reason" rows="4" required {}
            label for="contact" { "How we can reach you (optional; never shown to the distributor)" }
            input #contact name="contact";
            // Left empty by people; filled by the robots that fill every field.
            div hidden { label for="website" { "Leave this empty" } input #website name="website" autocomplete="off" tabindex="-1"; }
            button type="submit" { "Send the report" }
        }
    }
}

async fn peer_page() -> Response {
    html_response(StatusCode::OK, &page("Report a post", None, &peer_body(None)))
}

#[derive(Deserialize)]
struct PeerForm {
    #[serde(default)]
    url: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    contact: String,
    #[serde(default)]
    website: String,
}

/// A report from anyone: it opens a case or joins the post's. The reply
/// says nothing of the case (whether there was one, what became of it).
async fn peer_form(State(c): State<Shared>, Form(f): Form<PeerForm>) -> Response {
    let thanks = || {
        html_response(
            StatusCode::OK,
            &page(
                "Thank you",
                None,
                &html! {
                    p role="status" { "Thank you: the compliance team will look at it." }
                },
            ),
        )
    };
    if !f.website.trim().is_empty() {
        // A robot: thanked, and nothing is stored.
        return thanks();
    }
    let report = tactful_company::peer::Report {
        url: f.url,
        reason: f.reason,
        contact: Some(f.contact).filter(|c| !c.trim().is_empty()),
        ..tactful_company::peer::Report::default()
    };
    let r = with_store(&c, move |c, db| {
        let actor = Actor { company: c.company, who: "public-form".into(), at: (c.now)() };
        let limits = tactful_company::peer::Limits { per_hour: PUBLIC_REPORTS_PER_HOUR };
        Ok(tactful_company::peer::receive(db, &actor, limits, &report)?)
    })
    .await;
    match r {
        Ok(Ok(_)) => thanks(),
        Ok(Err(tactful_company::peer::Refused::RateLimited { .. })) => html_response(
            StatusCode::TOO_MANY_REQUESTS,
            &page(
                "Report a post",
                None,
                &peer_body(Some("We have had many reports in the last hour: please try again later.")),
            ),
        ),
        Ok(Err(e)) => html_response(
            StatusCode::BAD_REQUEST,
            &page("Report a post", None, &peer_body(Some(&e.to_string()))),
        ),
        Err(e) => html_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            &page("Report a post", None, &peer_body(Some(&e.to_string()))),
        ),
    }
}

#[derive(Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reason: String,
}

async fn logout_form(State(c): State<Shared>, headers: HeaderMap, Form(f): Form<CsrfForm>) -> Response {
    let Some((p, _)) = signed_in(&c, &headers).await else { return Redirect::to("/login").into_response() };
    if let Err(r) = fresh(&p, &f.csrf) {
        return r;
    }
    let token = cookie_token(&headers).unwrap_or_default();
    let _ = with_store(&c, move |_, db| accounts::logout(db, &token)).await;
    let mut r = Redirect::to("/login").into_response();
    r.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("tactful_console=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"),
    );
    r
}

// ---------------------------------------------------------------------------
// The distributor's own page: notices and lessons
// ---------------------------------------------------------------------------

fn refused(p: &Principal, why: &str) -> Response {
    html_response(StatusCode::FORBIDDEN, &page("Refused", Some(p), &html! { p { (why) } }))
}

/// The form carries the session's own CSRF token, or the page says it expired.
// The error is the whole page to answer with: handlers return it as it is.
#[allow(clippy::result_large_err)]
fn fresh(p: &Principal, csrf: &str) -> Result<(), Response> {
    accounts::check_csrf(p, csrf)
        .map_err(|_| refused(p, "This form has expired: reload the page and try again."))
}

/// A signed-in person's form about case `id`: who they are, their scope and
/// the case, once the CSRF token is checked and the case is in their scope
/// (else the login, "expired", or "no such case").
async fn case_form(
    c: &Shared,
    headers: &HeaderMap,
    id: i64,
    csrf: &str,
) -> Result<(Principal, Scope, cases::Case), Response> {
    let Some((p, scope)) = signed_in(c, headers).await else {
        return Err(Redirect::to("/login").into_response());
    };
    fresh(&p, csrf)?;
    let company = c.company;
    let case = with_store(c, move |_, db| Ok(cases::get(db, company, id).ok())).await;
    match case {
        Ok(Some(case)) if scope.allows(case.distributor.as_deref()) => Ok((p, scope, case)),
        _ => Err(not_found(&p)),
    }
}

/// A distributor's (or a leader's own) notices, with what to fix, and their lessons.
async fn me_page(State(c): State<Shared>, headers: HeaderMap) -> Response {
    let Some((p, _)) = signed_in(&c, &headers).await else { return Redirect::to("/login").into_response() };
    let Some(me) = p.account.distributor.clone() else {
        return refused(&p, "This page is a distributor's own: your account is not tied to one.");
    };
    let company = c.company;
    let got = with_store(&c, move |_, db| {
        let mut notices = Vec::new();
        for n in tactful_company::outbox::list(db, company)?.into_iter().filter(|n| n.distributor == me) {
            let body = tactful_company::outbox::body(db, company, n.id)?.unwrap_or_default();
            notices.push((n, body));
        }
        let lessons = tactful_company::lesson::assignments(db, company, Some(&me))?;
        Ok((notices, lessons))
    })
    .await;
    let Ok((notices, lessons)) = got else { return refused(&p, "Your notices cannot be read just now.") };
    let body = html! {
        h2 { "Notes from the compliance team" }
        @if notices.is_empty() { p { "None: nothing of yours needs changing." } }
        @for (n, text) in notices.iter().rev() {
            article {
                h3 { (n.subject) }
                pre { (text) }
            }
        }
        h2 { "Your lessons" }
        @if lessons.is_empty() { p { "None given." } }
        ul {
            @for l in &lessons {
                li {
                    a href={ "/lessons/" (l.lesson) } { (l.lesson) }
                    @if l.completed_at.is_some() { " — passed" } @else { " — to take" }
                }
            }
        }
    };
    html_response(StatusCode::OK, &page("Your notices and lessons", Some(&p), &body))
}

fn lesson_of(name: &str) -> Option<tactful_company::lesson::Lesson> {
    tactful_company::lesson::find(tactful_app::Checker::builtin().engine(), name).ok()
}

fn lesson_body(l: &tactful_company::lesson::Lesson, csrf: &str, taking: bool) -> Markup {
    html! {
        p { (l.protects) }
        p { strong { "Not like this: " } (l.bad) }
        p { strong { "Like this: " } (l.better) }
        @if let Some(g) = &l.guidance { p { "The guidance behind it: " a href=(g) rel="noreferrer" { (g) } } }
        @if taking {
            form method="post" {
                input type="hidden" name="csrf" value=(csrf);
                @for (i, q) in l.quiz.iter().enumerate() {
                    fieldset {
                        legend { (q.prompt) }
                        @for (j, choice) in q.choices.iter().enumerate() {
                            label {
                                input type="radio" name={ "q" (i) } value=(j) required;
                                " " (choice)
                            }
                        }
                    }
                }
                button type="submit" { "Check my answers" }
            }
        }
    }
}

async fn lesson_page(State(c): State<Shared>, headers: HeaderMap, Path(name): Path<String>) -> Response {
    let Some((p, _)) = signed_in(&c, &headers).await else { return Redirect::to("/login").into_response() };
    let Some(l) = lesson_of(&name) else {
        return html_response(
            StatusCode::NOT_FOUND,
            &page("No such lesson", Some(&p), &html! { p { "There is no such lesson." } }),
        );
    };
    let body = lesson_body(&l, &p.csrf, p.account.distributor.is_some());
    html_response(StatusCode::OK, &page(l.title, Some(&p), &body))
}

/// The quiz's answers: `q0`, `q1`, … each the index of a choice.
async fn lesson_form(
    State(c): State<Shared>,
    headers: HeaderMap,
    Path(name): Path<String>,
    Form(f): Form<std::collections::HashMap<String, String>>,
) -> Response {
    let Some((p, _)) = signed_in(&c, &headers).await else { return Redirect::to("/login").into_response() };
    if let Err(r) = fresh(&p, f.get("csrf").map_or("", String::as_str)) {
        return r;
    }
    let Some(me) = p.account.distributor.clone() else {
        return refused(&p, "A lesson's quiz is taken by a distributor: your account is not tied to one.");
    };
    let Some(l) = lesson_of(&name) else {
        return html_response(
            StatusCode::NOT_FOUND,
            &page("No such lesson", Some(&p), &html! { p { "There is no such lesson." } }),
        );
    };
    let answers: Vec<usize> = (0..l.quiz.len())
        .map(|i| f.get(&format!("q{i}")).and_then(|a| a.parse().ok()).unwrap_or(usize::MAX))
        .collect();
    let who = p.account.email.clone();
    let lesson = l.clone();
    let r = with_store(&c, move |c, db| {
        let actor = Actor { company: c.company, who, at: (c.now)() };
        Ok(tactful_company::lesson::complete(db, &actor, &me, &lesson, &answers)?)
    })
    .await;
    let body = match r {
        Ok(a) if a.passed => html! {
            p role="status" { "Passed: " (a.right) " of " (a.questions) " right. " a href="/me" { "Back to your notices" } }
        },
        Ok(a) => html! {
            p role="status" { (a.right) " of " (a.questions) " right: not yet. Read it again and have another go." }
            (lesson_body(&l, &p.csrf, true))
        },
        Err(e) => html! { p role="alert" { (e.to_string()) } },
    };
    html_response(StatusCode::OK, &page(l.title, Some(&p), &body))
}

// ---------------------------------------------------------------------------
// The team leader's view
// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------
// Admin: accounts, the roster with a preview, the audit log
// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------
// Cases
// ---------------------------------------------------------------------------

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

/// The cases in the person's scope, newest first (at most 200 on this page).
fn scoped_cases(
    db: &mut dyn tactful_store::people::Db,
    company: i64,
    scope: &Scope,
    status: Option<Status>,
) -> Result<Vec<cases::Case>, Error> {
    // The scope goes into the query: one page, newest first, whatever the team's size.
    let filter = Filter { status, team: scope.distributors(), limit: Some(200), ..Filter::default() };
    Ok(cases::list(db, company, &filter)?.cases)
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

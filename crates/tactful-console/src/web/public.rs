//! The pages anyone may open: log in and out, an invitation link, and the
//! public peer report form (no login, rate limited, with a honeypot).

use axum::Router;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::{Markup, html};
use serde::Deserialize;
use tactful_company::Actor;

use super::{
    COOKIE, CsrfForm, Error, HeaderValue, Shared, accounts, cookie_token, header, html_response, page,
    signed_in_form, with_store,
};

pub(super) fn routes() -> Router<Shared> {
    Router::new()
        .route("/login", get(login_page).post(login_form))
        .route("/logout", post(logout_form))
        .route("/invitation/{token}", get(invitation_page).post(invitation_form))
        .route("/report", get(peer_page).post(peer_form))
}

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
async fn logout_form(State(c): State<Shared>, headers: HeaderMap, Form(f): Form<CsrfForm>) -> Response {
    checked!(signed_in_form(&c, &headers, &f.csrf).await);
    let token = cookie_token(&headers).unwrap_or_default();
    let _ = with_store(&c, move |_, db| accounts::logout(db, &token)).await;
    let mut r = Redirect::to("/login").into_response();
    r.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("tactful_console=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"),
    );
    r
}

//! The console's pages, behind the login, one module per person who works
//! there: [`reviewer`] (the case queue and a case), [`distributor`] (my
//! notices and lessons), [`leader`] (the team), [`admin`], and [`public`]
//! (log in, invitations, the public peer report form). This module owns
//! what they share: the session cookie, the checks a form opens with
//! (`signed_in_form`, `case_form`, `checked!`), running a change as the
//! signed-in person (`as_person`), the page frame, the refusals.
//! Each page is scoped by [`Scope`]. The session is an HttpOnly,
//! SameSite=Strict cookie (Secure when the console sits behind TLS); every
//! form carries the session's CSRF token. A case outside the person's scope
//! is "no such case" (404), the same as a case that does not exist, so
//! nothing leaks. Mounted by `tactful company serve` beside the ingest API.

use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use maud::{DOCTYPE, Markup, html};
use serde::Deserialize;
use tactful_company::Actor;
use tactful_company::case::Status;
use tactful_company::cases::{self, Change, Filter};

use crate::accounts::{self, Principal, Role};
use crate::packs::Judge;
use crate::{Error, Scope};

/// The value of a check that either passes or gives the whole page to answer
/// with (the login, a refusal, "no such case"): on a refusal the handler
/// returns that page at once.
macro_rules! checked {
    ($check:expr) => {
        match $check {
            Ok(v) => v,
            Err(page) => return page,
        }
    };
}

mod admin;
mod api;
mod distributor;
mod leader;
mod own;
mod public;
mod reviewer;

pub use public::PUBLIC_REPORTS_PER_HOUR;

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

/// The console and the stores it has open: opening one (a PostgreSQL
/// connection, its schema checked) costs more than most pages, so an open
/// store goes back to the pool after each request.
pub(crate) struct Served {
    console: Console,
    /// The stores kept open, and how many are open in all (kept and lent out).
    pool: std::sync::Mutex<(Vec<Box<dyn tactful_store::Store + Send>>, usize)>,
    /// Signalled when a store comes back or is closed.
    freed: std::sync::Condvar,
}

impl std::ops::Deref for Served {
    type Target = Console;
    fn deref(&self) -> &Console {
        &self.console
    }
}

/// The most stores open at once: requests beyond it wait for one.
const POOL: usize = 16;

pub(crate) type Shared = Arc<Served>;

/// The console's routes: each person's pages, from their own module.
pub fn router(console: Console) -> Router {
    Router::new()
        .route("/", get(|| async { Redirect::to("/cases") }))
        .route("/console.css", get(|| async { asset("text/css; charset=utf-8", CSS) }))
        .route("/console.js", get(|| async { asset("text/javascript; charset=utf-8", JS) }))
        .merge(public::routes())
        .merge(reviewer::routes())
        .merge(distributor::routes())
        .merge(leader::routes())
        .merge(admin::routes())
        .merge(own::routes())
        .merge(api::routes())
        .with_state(Arc::new(Served {
            console,
            pool: std::sync::Mutex::new((Vec::new(), 0)),
            freed: std::sync::Condvar::new(),
        }))
}

/// The stylesheet and the keyboard script, built into the binary: the
/// console loads nothing from elsewhere.
const CSS: &str = include_str!("console.css");
const JS: &str = include_str!("console.js");

fn asset(kind: &'static str, text: &'static str) -> Response {
    let mut r = text.into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    r.headers_mut().insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    r
}

/// Run `f` on a blocking thread with the store open.
pub(super) async fn with_store<T: Send + 'static>(
    c: &Shared,
    f: impl FnOnce(&Console, &mut dyn tactful_store::people::Db) -> Result<T, Error> + Send + 'static,
) -> Result<T, Error> {
    let c = c.clone();
    tokio::task::spawn_blocking(move || {
        // At most POOL stores open: under load a request waits for one to
        // come back rather than open more (each open costs a connection and a
        // schema check; past the server's connection limit opens fail).
        let lock = || c.pool.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let pooled = {
            let mut g = lock();
            loop {
                if let Some(s) = g.0.pop() {
                    break Some(s);
                }
                if g.1 < POOL {
                    g.1 += 1;
                    break None;
                }
                g = c.freed.wait(g).unwrap_or_else(std::sync::PoisonError::into_inner);
            }
        };
        let mut store = match pooled {
            Some(s) => s,
            None => match tactful_store::open_shared(&c.store) {
                Ok(s) => s,
                Err(e) => {
                    lock().1 -= 1;
                    c.freed.notify_one();
                    return Err(e.into());
                }
            },
        };
        let r = f(&c, store.people());
        {
            let mut g = lock();
            // A store whose request failed may hold a broken connection: it is closed, not kept.
            if r.is_ok() {
                g.0.push(store);
            } else {
                g.1 -= 1;
            }
        }
        c.freed.notify_one();
        r
    })
    .await
    .unwrap_or_else(|e| Err(Error::Input(format!("the request stopped: {e}"))))
}

/// Run `f` with the store open as `p`: the actor whose name the audit log
/// keeps for every change, at the console's clock.
pub(super) async fn as_person<T: Send + 'static>(
    c: &Shared,
    p: &Principal,
    f: impl FnOnce(&mut dyn tactful_store::people::Db, &Actor) -> Result<T, Error> + Send + 'static,
) -> Result<T, Error> {
    let who = p.account.email.clone();
    with_store(c, move |c, db| f(db, &Actor { company: c.company, who, at: (c.now)() })).await
}

pub(super) fn cookie_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|kv| kv.trim().strip_prefix(COOKIE)?.strip_prefix('=').map(str::to_string))
}

/// The key of an `Authorization: Bearer KEY` header (the scheme in any
/// case, as HTTP has it): the one reading of it for the console's API and
/// the integration API beside it.
pub fn bearer(headers: &HeaderMap) -> Option<String> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, key) = v.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| key.trim().to_string())
}

/// The signed-in person and their scope; else the page to answer with: the
/// login (no cookie, an ended session) or, when the store cannot be read,
/// a 503 that says so (a person still signed in is not sent to log in again).
#[allow(clippy::result_large_err)]
pub(super) async fn signed_in(c: &Shared, headers: &HeaderMap) -> Result<(Principal, Scope), Response> {
    let Some(token) = cookie_token(headers) else { return Err(Redirect::to("/login").into_response()) };
    with_store(c, move |c, db| session(c, db, &token)).await.map_err(unsigned)
}

/// The answer to a request whose session could not be read.
pub(super) fn unsigned(e: Error) -> Response {
    match e {
        Error::Denied => Redirect::to("/login").into_response(),
        e => {
            // The reason stays in the server's log; the page says what to do.
            eprintln!("console: a session could not be read: {e}");
            let body = html! {
                p role="alert" { "The console cannot read its store just now. Try again in a minute; if it goes on, tell whoever runs the console." }
            };
            let mut r = html_response(StatusCode::SERVICE_UNAVAILABLE, &page("Not available", None, &body));
            r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
            r
        }
    }
}

/// The person a session token belongs to, and their scope, read in a store
/// the caller already holds.
pub(super) fn session(
    c: &Console,
    db: &mut dyn tactful_store::people::Db,
    token: &str,
) -> Result<(Principal, Scope), Error> {
    let p = accounts::session(db, token, (c.now)())?;
    let s = Scope::of(db, &p)?;
    Ok((p, s))
}

/// The pages a person's role works in, for the header's nav.
fn nav(p: &Principal) -> Vec<(&'static str, &'static str)> {
    let mut links = Vec::new();
    match p.account.role {
        Role::Admin | Role::Reviewer => {
            links.extend([("/cases", "Cases"), ("/drafts", "Drafts")]);
            // The admin's own pages have a nav of their own (web/admin.rs).
            if p.account.role == Role::Admin {
                links.push(("/admin/accounts", "Admin"));
            }
        }
        Role::Leader => links.extend([("/team", "Team"), ("/cases", "Cases"), ("/me", "My notices")]),
        Role::Distributor => links.extend([("/me", "My notices"), ("/cases", "My cases")]),
    }
    links.push(("/me/keys", "My keys"));
    links
}

pub(super) fn page(title: &str, who: Option<&Principal>, body: &Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · tactful console" }
                link rel="stylesheet" href="/console.css";
                script src="/console.js" defer {}
            }
            body {
                a.skip href="#main" { "Skip to the page" }
                header {
                    strong { "tactful console" }
                    @if let Some(p) = who {
                        nav aria-label="Your pages" {
                            ul { @for (href, name) in nav(p) { li { a href=(href) { (name) } } } }
                        }
                        span.who { (p.account.name) " (" (p.account.role.as_str()) ")" }
                        form method="post" action="/logout" {
                            input type="hidden" name="csrf" value=(p.csrf);
                            button.secondary type="submit" { "Log out" }
                        }
                    }
                }
                main #main { h1 { (title) } (body) }
            }
        }
    }
}

pub(super) fn html_response(status: StatusCode, markup: &Markup) -> Response {
    let mut r = (status, markup.clone().into_string()).into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    // Pages load nothing from elsewhere: the console's own stylesheet and
    // script only, no inline script or style.
    r.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    r
}

pub(super) fn not_found(who: &Principal) -> Response {
    html_response(
        StatusCode::NOT_FOUND,
        &page("No such case", Some(who), &html! { p { "There is no such case." } }),
    )
}

#[derive(Deserialize)]
pub(super) struct CsrfForm {
    #[serde(default)]
    pub(super) csrf: String,
    #[serde(default)]
    pub(super) reason: String,
}

pub(super) fn refused(p: &Principal, why: &str) -> Response {
    html_response(StatusCode::FORBIDDEN, &page("Refused", Some(p), &html! { p { (why) } }))
}

/// What was wrong with a form, on a page titled `title` (400).
pub(super) fn bad_request(p: &Principal, title: &str, why: &str) -> Response {
    html_response(StatusCode::BAD_REQUEST, &page(title, Some(p), &html! { p role="alert" { (why) } }))
}

/// A form's change: back to `back` once it is made, else its error on a
/// page titled `title`.
pub(super) fn changed<T>(p: &Principal, r: Result<T, Error>, back: &str, title: &str) -> Response {
    match r {
        Ok(_) => Redirect::to(back).into_response(),
        Err(e) => bad_request(p, title, &e.to_string()),
    }
}

/// The form carries the session's own CSRF token, or the page says it expired.
// The error is the whole page to answer with: handlers return it as it is.
#[allow(clippy::result_large_err)]
pub(super) fn fresh(p: &Principal, csrf: &str) -> Result<(), Response> {
    accounts::check_csrf(p, csrf)
        .map_err(|_| refused(p, "This form has expired: reload the page and try again."))
}

/// A signed-in person's form, its CSRF token checked: who they are and their
/// scope, or the page to answer with (the login, or "expired").
#[allow(clippy::result_large_err)]
pub(super) async fn signed_in_form(
    c: &Shared,
    headers: &HeaderMap,
    csrf: &str,
) -> Result<(Principal, Scope), Response> {
    let (p, scope) = signed_in(c, headers).await?;
    fresh(&p, csrf)?;
    Ok((p, scope))
}

/// A signed-in person's form about case `id`: who they are, their scope and
/// the case, once the CSRF token is checked and the case is in their scope
/// (else the login, "expired", or "no such case").
pub(super) async fn case_form(
    c: &Shared,
    headers: &HeaderMap,
    id: i64,
    csrf: &str,
) -> Result<(Principal, Scope, cases::Case), Response> {
    let (p, scope) = signed_in_form(c, headers, csrf).await?;
    let company = c.company;
    let case = with_store(c, move |_, db| Ok(cases::get(db, company, id).ok())).await;
    match case {
        Ok(Some(case)) if scope.allows(case.distributor.as_deref()) => Ok((p, scope, case)),
        _ => Err(not_found(&p)),
    }
}

/// A saved version's texts, by which a compiled judge is found again.
fn texts(s: Option<&crate::packs::SavedPack>) -> Option<(&str, &str)> {
    s.map(|s| (s.pack.as_str(), s.policy.as_str()))
}

/// The company's judge: its saved pack and policy, as `/admin/pack` keeps
/// them, so that a case's guidance, a draft's check, a notice's lesson and
/// an escalation read the same rules the scan did. Compiling the rules
/// costs more than a page, so the judges of the last few versions seen are
/// kept, found by their text (two stores in one process may number their
/// versions alike).
pub(super) fn judge(db: &mut dyn tactful_store::people::Db, company: i64) -> Result<Arc<Judge>, Error> {
    static KEPT: std::sync::Mutex<Vec<Arc<Judge>>> = std::sync::Mutex::new(Vec::new());
    let saved = crate::packs::current(db, company)?;
    let lock = || KEPT.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(j) = lock().iter().find(|j| texts(j.saved.as_ref()) == texts(saved.as_ref())) {
        return Ok(j.clone());
    }
    // A draft sent for approval is one draft a person waits on: read in
    // context when the model is installed (loaded once per process).
    let context = tactful_app::context::installed().map_err(|e| Error::Input(e.to_string()))?;
    let mut j = Judge::of(saved)?;
    j.checker = j.checker.with_context(context);
    let j = Arc::new(j);
    let mut kept = lock();
    kept.insert(0, j.clone());
    kept.truncate(4);
    Ok(j)
}

/// A Unix time's day, `YYYY-MM-DD` (UTC).
pub(super) fn day(t: i64) -> String {
    tactful_app::clock::rfc3339(t).chars().take(10).collect()
}

/// `name=value&…`, each percent-encoded, for a link's query string.
pub(super) fn query_string(pairs: &[(&str, String)]) -> String {
    use std::fmt::Write as _;
    let enc = |s: &str| {
        let mut out = String::new();
        for b in s.bytes() {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                out.push(char::from(b));
            } else {
                let _ = write!(out, "%{b:02X}");
            }
        }
        out
    };
    pairs.iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))).collect::<Vec<_>>().join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bearer_key_is_read_whatever_the_case_of_the_scheme() {
        let with = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::AUTHORIZATION, HeaderValue::from_str(v).unwrap());
            bearer(&h)
        };
        assert_eq!(with("Bearer tpk_1").as_deref(), Some("tpk_1"));
        assert_eq!(with("bearer tpk_1 ").as_deref(), Some("tpk_1"));
        assert_eq!(with("BEARER tpk_1").as_deref(), Some("tpk_1"));
        assert_eq!(with("Basic dXNlcjpwYXNz"), None);
        assert_eq!(with("Bearer"), None);
        assert_eq!(bearer(&HeaderMap::new()), None);
    }
}

//! The HTML pages: server-rendered, readable without JavaScript (the draft
//! checker and the import add live updates with `assets/app.js`). Each
//! handler fetches its data and hands it to its page's template under
//! `pages/`; the templates are maud templates, which escape every spliced
//! text by construction.

mod check;
mod contact;
mod contacts;
mod error;
mod frame;
mod history;
mod import;
mod inbox;
mod plan;
mod report;
mod rule;
mod rules;
mod scan;
mod today;

use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::Markup;
use serde::Deserialize;

use super::html::respond;
use super::{Shared, blocking, data};

const CSS: &str = include_str!("../../assets/app.css");
const JS: &str = include_str!("../../assets/app.js");

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/", get(today))
        .route("/check", get(check_page).post(check_form))
        .route("/import", get(import_page))
        .route("/contacts", get(contacts))
        .route("/contacts/{id}", get(contact))
        .route("/contacts/{id}/mark", post(mark_form))
        .route("/contacts/{id}/consent", post(consent_form))
        .route("/contacts/{id}/consent/withdraw", post(withdraw_form))
        .route("/contacts/{id}/consent/confirm", post(confirm_form))
        .route("/contacts/{id}/notes", post(note_form))
        .route("/contacts/{id}/notes/{note}/delete", post(note_delete_form))
        .route("/contacts/{id}/keep-in-touch", post(keep_in_touch_form))
        .route("/items/{id}/{action}", post(item_action_form))
        .route("/inbox", get(inbox))
        .route("/scan", get(scan))
        .route("/history", get(history))
        .route("/report", get(report_page))
        .route("/report/view", get(report_view))
        .route("/plan", get(plan_page).post(plan_form))
        .route("/session/{action}", post(session_form))
        .route("/rules", get(rules))
        .route("/rules/{code}", get(rule))
        .route(
            "/assets/app.css",
            get(|| async { ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], CSS) }),
        )
        .route(
            "/assets/app.js",
            get(|| async { ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], JS) }),
        )
        .fallback(|State(app): State<Shared>| async move {
            error_page(&app.token, StatusCode::NOT_FOUND, "There is no such page.")
        })
}

/// A page in the frame, with the section `current` marked in the navigation.
fn page(token: &str, current: &str, title: &str, body: &Markup) -> Response {
    respond(StatusCode::OK, frame::frame(token, current, title, body))
}

/// A page that says what went wrong, with the right status.
fn error_page(token: &str, status: StatusCode, message: &str) -> Response {
    respond(status, frame::frame(token, "", error::title(status), &error::body(message)))
}

/// The page for a failed store read: the user's mistake (400/404) or ours (500).
fn failed(app: &super::App, e: &anyhow::Error) -> Response {
    error_page(&app.token, super::status_of(e), &format!("{e:#}"))
}

// ---------------------------------------------------------------------------
// Today
// ---------------------------------------------------------------------------

async fn today(State(app): State<Shared>, Query(saved): Query<Saved>) -> Response {
    let t = blocking(&app, |_, store| {
        // An empty store opens on the first steps, not on four empty lists.
        if store.counts()?.iter().all(|c| c.2 == 0) {
            return Ok(None);
        }
        Ok(Some(tactful_app::today::gather(store, crate::store::now(), 5, 14)?))
    })
    .await;
    match t {
        Ok(Some(t)) => {
            let notice = saved.item_notice(&app.token, "/").or_else(|| {
                saved.saved.as_deref().and_then(today::confirmation).map(|n| super::html::notice(n, None))
            });
            page(&app.token, "/", "Today", &today::body(&t, &app.token, notice.as_ref()))
        }
        Ok(None) => page(&app.token, "/", "Welcome to tactful", &today::first_run()),
        Err(e) => failed(&app, &e),
    }
}

async fn session_form(State(app): State<Shared>, Path(action): Path<String>) -> Response {
    let r = blocking(&app, move |_, store| {
        let now = crate::store::now();
        match action.as_str() {
            "start" => {
                tactful_store::coach::start(store.people(), now)?;
            }
            "stop" => {
                tactful_store::coach::stop(store.people(), now)?;
            }
            other => return Err(super::NotFound(format!("no session action `{other}`")).into()),
        }
        Ok(action)
    })
    .await;
    match r {
        Ok(action) => Redirect::to(&format!("/?saved=session-{action}#box")).into_response(),
        Err(e) => failed(&app, &e),
    }
}

// ---------------------------------------------------------------------------
// Draft checker
// ---------------------------------------------------------------------------

#[derive(Deserialize, Default)]
struct CheckForm {
    #[serde(default)]
    text: String,
    #[serde(default)]
    channel: Option<String>,
    #[serde(default)]
    to: Option<String>,
    /// The checkbox "not in my history yet".
    #[serde(default)]
    stranger: Option<String>,
}

impl CheckForm {
    fn draft(&self) -> check::Draft<'_> {
        check::Draft {
            text: &self.text,
            channel: self.channel.as_deref().unwrap_or("post"),
            to: self.to.as_deref().unwrap_or(""),
            stranger: self.stranger.is_some(),
        }
    }
}

async fn check_page(State(app): State<Shared>) -> Response {
    let body = check::body(&app.checker, &CheckForm::default().draft(), &check::Results::Nothing);
    page(&app.token, "/check", "Check a draft", &body)
}

/// Without JavaScript the form posts here and the findings come back in the page.
async fn check_form(State(app): State<Shared>, Form(form): Form<CheckForm>) -> Response {
    let req = super::api::CheckRequest {
        text: form.text.clone(),
        channel: form.channel.clone(),
        // As the page's script does: a recipient counts only for a message or a comment.
        to: form.to.clone().filter(|_| matches!(form.channel.as_deref(), Some("dm" | "comment"))),
        stranger: Some(form.stranger.is_some()),
    };
    let r = blocking(&app, move |app, store| match super::api::check_draft(app, Some(store), &req) {
        Ok(c) => Ok((c, None)),
        Err(e) => match e.downcast::<tactful_app::Error>() {
            // Who is meant is the seller's to say: show the draft's own findings and ask.
            Ok(tactful_app::Error::Ambiguous(a)) => {
                let plain = super::api::CheckRequest { to: None, ..req };
                Ok((super::api::check_draft(app, None, &plain)?, Some(a)))
            }
            Ok(other) => Err(other.into()),
            Err(e) => Err(e),
        },
    })
    .await;
    let message;
    let results = match &r {
        Ok((c, None)) => check::Results::Findings { findings: &c.findings, to: c.recipient.as_ref() },
        Ok((c, Some(a))) => check::Results::Ask { findings: &c.findings, who: a },
        Err(e) => {
            message = format!("{e:#}");
            check::Results::Failed(&message)
        }
    };
    page(&app.token, "/check", "Check a draft", &check::body(&app.checker, &form.draft(), &results))
}

// ---------------------------------------------------------------------------
// Import
// ---------------------------------------------------------------------------

async fn import_page(State(app): State<Shared>) -> Response {
    page(&app.token, "/import", "Import", &import::body())
}

// ---------------------------------------------------------------------------
// Contacts
// ---------------------------------------------------------------------------

async fn contacts(State(app): State<Shared>, Query(q): Query<super::api::ContactsQuery>) -> Response {
    let stage = match super::api::parse_stage(q.stage.as_deref()) {
        Ok(s) => s,
        Err(m) => return error_page(&app.token, StatusCode::BAD_REQUEST, &m),
    };
    let search = q.q.clone();
    let r = blocking(&app, move |_, store| data::contacts(store, search.as_deref(), stage)).await;
    let list = match r {
        Ok(l) => l,
        Err(e) => return failed(&app, &e),
    };
    let body = contacts::body(&list, q.q.as_deref().unwrap_or(""), q.stage.as_deref());
    page(&app.token, "/contacts", "Contacts", &body)
}

/// What a page says after a change went through: a fixed key in the query,
/// so nothing the user typed travels back in a link.
#[derive(Deserialize, Default)]
struct Saved {
    #[serde(default)]
    saved: Option<String>,
    /// The stored item an action was on (for its undo button).
    #[serde(default)]
    item: Option<i64>,
}

impl Saved {
    /// The confirmation of an action on an item, with its undo, for the page at `back`.
    fn item_notice(&self, token: &str, back: &str) -> Option<Markup> {
        let text = super::html::item_saved(self.saved.as_deref()?)?;
        let undo = self.item.filter(|_| self.saved.as_deref() != Some("undo")).map(|i| (token, i, back));
        Some(super::html::notice(text, undo))
    }
}

async fn contact(State(app): State<Shared>, Path(id): Path<i64>, Query(s): Query<Saved>) -> Response {
    contact_with(&app, id, s.saved.as_deref().and_then(contact::confirmation), None).await
}

/// The contact's page with a confirmation, or with the problem a form ran
/// into shown above it (status 400), so the seller stays where they were.
async fn contact_with(app: &Shared, id: i64, notice: Option<&str>, problem: Option<String>) -> Response {
    let c = match blocking(app, move |_, store| data::contact(store, id)).await {
        Ok(c) => c,
        Err(e) => return failed(app, &e),
    };
    let status = if problem.is_some() { StatusCode::BAD_REQUEST } else { StatusCode::OK };
    let body = contact::body(&c, &app.token, notice, problem.as_deref());
    respond(status, frame::frame(&app.token, "/contacts", &c.name, &body))
}

/// Makes a change on contact `id`'s page, then goes back to it with the
/// confirmation `saved` (at the anchor `at`), or shows the page again with
/// what went wrong (a mistake of ours is still an error page).
async fn change_contact<T: Send + 'static>(
    app: &Shared,
    id: i64,
    saved: &str,
    at: &str,
    change: impl FnOnce(&mut dyn tactful_store::Store) -> anyhow::Result<T> + Send + 'static,
) -> Response {
    match blocking(app, move |_, store| change(store)).await {
        Ok(_) => Redirect::to(&format!("/contacts/{id}?saved={saved}{at}")).into_response(),
        // The seller's mistake, or a code that is no pending opt-in's (their
        // typo, not a missing page): shown on the page.
        Err(e)
            if (super::status_of(&e).is_client_error() && super::status_of(&e) != StatusCode::NOT_FOUND)
                || (e.downcast_ref::<super::NotFound>().is_some() && at == "#consent") =>
        {
            contact_with(app, id, None, Some(format!("{e:#}"))).await
        }
        Err(e) => failed(app, &e),
    }
}

#[derive(Deserialize)]
struct MarkForm {
    mark: String,
    #[serde(default)]
    since: Option<String>,
}

async fn mark_form(State(app): State<Shared>, Path(id): Path<i64>, Form(f): Form<MarkForm>) -> Response {
    change_contact(&app, id, "mark", "#actions", move |store| {
        super::api::set_mark(store, id, Some(&f.mark), f.since.as_deref())
    })
    .await
}

async fn consent_form(
    State(app): State<Shared>,
    Path(id): Path<i64>,
    Form(f): Form<super::api::ConsentRequest>,
) -> Response {
    change_contact(&app, id, "consent", "#consent", move |store| super::api::add_consent(store, id, &f)).await
}

async fn withdraw_form(
    State(app): State<Shared>,
    Path(id): Path<i64>,
    Form(f): Form<super::api::WithdrawRequest>,
) -> Response {
    change_contact(&app, id, "withdrawn", "#consent", move |store| {
        super::api::withdraw_consent(store, id, &f)
    })
    .await
}

#[derive(Deserialize)]
struct CodeForm {
    code: String,
}

async fn confirm_form(State(app): State<Shared>, Path(id): Path<i64>, Form(f): Form<CodeForm>) -> Response {
    change_contact(&app, id, "confirmed", "#consent", move |store| {
        super::api::confirm_consent(store, &f.code)
    })
    .await
}

#[derive(Deserialize)]
struct NoteForm {
    text: String,
}

async fn note_form(State(app): State<Shared>, Path(id): Path<i64>, Form(f): Form<NoteForm>) -> Response {
    change_contact(&app, id, "note", "#notes", move |store| {
        let text = f.text.trim();
        if text.is_empty() || text.chars().count() > 2000 {
            anyhow::bail!(crate::UsageError("a note is 1 to 2,000 characters".into()));
        }
        tactful_store::actions::add_note(store.people(), id, text, crate::store::now())?;
        Ok(())
    })
    .await
}

async fn note_delete_form(State(app): State<Shared>, Path((id, note)): Path<(i64, i64)>) -> Response {
    change_contact(&app, id, "note-deleted", "#notes", move |store| {
        if !tactful_store::actions::delete_note(store.people(), id, note)? {
            return Err(super::NotFound(format!("no note #{note} on this contact")).into());
        }
        Ok(())
    })
    .await
}

#[derive(Deserialize)]
struct KeepInTouchForm {
    /// Days between reminders; empty or 0: no reminder.
    #[serde(default)]
    days: String,
}

async fn keep_in_touch_form(
    State(app): State<Shared>,
    Path(id): Path<i64>,
    Form(f): Form<KeepInTouchForm>,
) -> Response {
    change_contact(&app, id, "keep-in-touch", "#notes", move |store| {
        let days = match f.days.trim() {
            "" | "0" => None,
            d => Some(d.parse::<u32>().ok().filter(|n| (1..=365).contains(n)).ok_or_else(|| {
                crate::UsageError(format!("stay in touch every `{d}` days: a number of days from 1 to 365"))
            })?),
        };
        tactful_store::actions::set_keep_in_touch(store.people(), id, days)?;
        Ok(())
    })
    .await
}

/// Where an item's action sends the seller back to, and what it does.
#[derive(Deserialize, Default)]
struct ItemActionForm {
    #[serde(default)]
    back: String,
    /// Why a finding is dismissed.
    #[serde(default)]
    reason: String,
}

/// Done, snooze (a day), fixed, dismiss (with a reason), or undo, on one
/// stored item; back to the page it came from with a confirmation and an undo.
async fn item_action_form(
    State(app): State<Shared>,
    Path((id, action)): Path<(i64, String)>,
    Form(f): Form<ItemActionForm>,
) -> Response {
    use tactful_store::actions::{self, Action};
    let back = match f.back.as_str() {
        "/inbox" | "/scan" => f.back.clone(),
        _ => "/".to_string(),
    };
    let key = action.clone();
    let r = blocking(&app, move |_, store| {
        let now = crate::store::now();
        let db = store.people();
        if tactful_store::people::item_author(db, id)?.is_none() {
            return Err(super::NotFound(format!("no stored item #{id}")).into());
        }
        let a = match action.as_str() {
            "done" => Action::Done,
            "snooze" => Action::Snoozed { until: now + 86_400 },
            "fixed" => Action::Fixed,
            "dismiss" => {
                let reason = f.reason.trim();
                if reason.is_empty() || reason.chars().count() > 500 {
                    anyhow::bail!(crate::UsageError("say in a few words why this is a false alarm".into()));
                }
                Action::Dismissed { reason: reason.to_string() }
            }
            "undo" => {
                actions::clear(db, id)?;
                return Ok(());
            }
            other => return Err(super::NotFound(format!("no action `{other}` on items")).into()),
        };
        actions::set(db, id, &a, now)?;
        Ok(())
    })
    .await;
    match r {
        Ok(()) => Redirect::to(&format!("{back}?saved={key}&item={id}")).into_response(),
        Err(e) => failed(&app, &e),
    }
}

// ---------------------------------------------------------------------------
// Inbox, scan, history
// ---------------------------------------------------------------------------

async fn inbox(State(app): State<Shared>, Query(saved): Query<Saved>) -> Response {
    let inbox = match blocking(&app, |_, store| data::inbox(store, crate::store::now())).await {
        Ok(i) => i,
        Err(e) => return failed(&app, &e),
    };
    let notice = saved.item_notice(&app.token, "/inbox");
    page(&app.token, "/inbox", "Inbox", &inbox::body(&inbox, &app.token, notice.as_ref()))
}

async fn scan(State(app): State<Shared>, Query(saved): Query<Saved>) -> Response {
    let s = match blocking(&app, |app, store| data::scan(store, &app.checker, 100)).await {
        Ok(s) => s,
        Err(e) => return failed(&app, &e),
    };
    let notice = saved.item_notice(&app.token, "/scan");
    page(&app.token, "/scan", "Past posts to review", &scan::body(&s, &app.token, notice.as_ref()))
}

#[derive(Deserialize)]
struct Search {
    q: Option<String>,
}

async fn history(State(app): State<Shared>, Query(s): Query<Search>) -> Response {
    let q = s.q.clone();
    let (items, total) = match blocking(&app, move |_, store| data::history(store, q.as_deref(), 200)).await {
        Ok(x) => x,
        Err(e) => return failed(&app, &e),
    };
    page(&app.token, "/history", "History", &history::body(&items, total, s.q.as_deref().unwrap_or("")))
}

// ---------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------

#[derive(Deserialize)]
pub struct PeriodQuery {
    pub month: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
}

impl PeriodQuery {
    /// The month asked for; without one, the latest month with anything
    /// stored, or the current one on an empty store.
    pub fn period(
        &self,
        store: Option<&mut dyn tactful_store::Store>,
    ) -> anyhow::Result<crate::report::Period> {
        let nonempty = |s: &Option<String>| s.as_deref().filter(|x| !x.is_empty()).map(str::to_string);
        let (month, from, to) = (nonempty(&self.month), nonempty(&self.from), nonempty(&self.to));
        if month.is_none() && from.is_none() && to.is_none() {
            let now = crate::store::now();
            let m = match store {
                Some(s) => tactful_app::report::opening_month(s, now)?,
                None => tactful_core::coaching::month(now),
            };
            return Ok(crate::report::period(Some(&m), None, None)?);
        }
        Ok(crate::report::period(month.as_deref(), from.as_deref(), to.as_deref())?)
    }
}

async fn report_page(State(app): State<Shared>, Query(q): Query<PeriodQuery>) -> Response {
    let built = blocking(&app, move |app, store| {
        let p = q.period(Some(store))?;
        let r = tactful_app::report::build(store, &app.checker, &p, crate::store::now())?;
        Ok((q, p, crate::report::web(&r)))
    })
    .await;
    let (q, p, figures) = match built {
        Ok(b) => b,
        Err(e) => return failed(&app, &e),
    };
    let file = match (&q.from, &q.to) {
        (Some(f), Some(t)) if !f.is_empty() => format!("/report/view?from={f}&to={t}"),
        _ => format!("/report/view?month={}", p.label),
    };
    // A from/to period is labelled `2026-09-01_to_2026-09-30`: the month box stays empty then.
    let picked = if p.label.len() == 7 { p.label.as_str() } else { "" };
    let title = format!("Report: {}", report::title(&p.label));
    page(&app.token, "/report", &title, &report::body(&file, picked, &p.label, &figures))
}

async fn report_view(State(app): State<Shared>, Query(q): Query<PeriodQuery>) -> Response {
    match blocking(&app, move |app, store| {
        let p = q.period(Some(store))?;
        crate::report::build(store, &app.checker, &p, crate::store::now())
    })
    .await
    {
        Ok(r) => ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], r.html).into_response(),
        Err(e) => failed(&app, &e),
    }
}

// ---------------------------------------------------------------------------
// Plan
// ---------------------------------------------------------------------------

async fn plan_page(State(app): State<Shared>, Query(saved): Query<Saved>) -> Response {
    let p = match blocking(&app, |_, store| crate::coach::load_plan(store.people())).await {
        Ok(p) => p,
        Err(e) => return failed(&app, &e),
    };
    let notice = (saved.saved.as_deref() == Some("plan")).then_some("Saved: your plan is updated.");
    page(&app.token, "/plan", "Your plan", &plan::body(&p, &app.token, notice))
}

/// The plan form as the browser sends it: every field as typed, the
/// networks once per ticked box (serde reads the repeated field as a list).
#[derive(Deserialize, Default)]
#[serde(default)]
struct PlanForm {
    goals: String,
    market: String,
    networks: Vec<String>,
    session_minutes: Option<String>,
    max_promotional_percent: Option<String>,
}

async fn plan_form(State(app): State<Shared>, body: axum::body::Bytes) -> Response {
    let f: PlanForm = match serde_html_form::from_bytes(&body) {
        Ok(f) => f,
        Err(e) => {
            return error_page(
                &app.token,
                StatusCode::BAD_REQUEST,
                &format!("the plan form cannot be read: {e}"),
            );
        }
    };
    let mut p = tactful_core::plan::Plan { networks: Vec::new(), ..tactful_core::plan::Plan::default() };
    let mut problems = Vec::new();
    p.goals = f.goals.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect();
    p.market = f.market.trim().to_string();
    for v in &f.networks {
        match v.parse() {
            Ok(n) => p.networks.push(n),
            Err(e) => problems.push(format!("networks: {e}")),
        }
    }
    if let Some(v) = &f.session_minutes {
        match v.trim().parse() {
            Ok(n) => p.session_minutes = n,
            Err(_) => problems.push(format!("daily session: `{v}` is not a whole number of minutes")),
        }
    }
    if let Some(v) = &f.max_promotional_percent {
        match v.trim().parse() {
            Ok(n) => p.max_promotional_percent = n,
            Err(_) => problems.push(format!("promotional share: `{v}` is not a whole percentage")),
        }
    }
    if !problems.is_empty() {
        return error_page(&app.token, StatusCode::BAD_REQUEST, &problems.join("; "));
    }
    match blocking(&app, move |_, store| super::api::save_plan(store, &p)).await {
        Ok(()) => Redirect::to("/plan?saved=plan").into_response(),
        Err(e) => failed(&app, &e),
    }
}

// ---------------------------------------------------------------------------
// Rules
// ---------------------------------------------------------------------------

async fn rules(State(app): State<Shared>) -> Response {
    page(&app.token, "/rules", "Rules", &rules::body(app.checker.engine().rules()))
}

async fn rule(State(app): State<Shared>, Path(code): Path<String>) -> Response {
    let Some(r) = app.checker.engine().rule(&code) else {
        return error_page(&app.token, StatusCode::NOT_FOUND, &format!("There is no rule {code}."));
    };
    page(&app.token, "/rules", &rule::title(r), &rule::body(r))
}

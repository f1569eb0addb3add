//! The JSON API under `/api/v1`: everything the pages do, for scripts and the
//! pages' own JavaScript. Errors are `{"error": {"code", "message"}}`; the
//! routes are listed once in `openapi::ROUTES`, and a test holds the router
//! and that list together.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};
use tactful_core::engine::CheckOptions;
use tactful_core::relationships::Stage;
use tactful_core::{Channel, Finding};

use super::{Shared, api_error, blocking, data, json_error};

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/api/v1/openapi.json", get(|| async { axum::Json(super::openapi::document()) }))
        .route("/api/v1/check", post(check))
        .route("/api/v1/rules", get(rules))
        .route("/api/v1/rules/{code}", get(rule))
        .route("/api/v1/packs/test", post(test_pack))
        .route("/api/v1/import", post(import_path))
        .route("/api/v1/import/upload", post(import_upload).layer(DefaultBodyLimit::max(super::UPLOAD_LIMIT)))
        .route("/api/v1/jobs/{id}", get(job))
        .route("/api/v1/contacts", get(contacts))
        .route("/api/v1/contacts/{id}", get(contact))
        .route("/api/v1/contacts/{id}/mark", post(mark))
        .route("/api/v1/contacts/{id}/consent", post(consent_add))
        .route("/api/v1/contacts/{id}/consent/withdraw", post(consent_withdraw))
        .route("/api/v1/consent/confirm", post(consent_confirm))
        .route("/api/v1/inbox", get(inbox))
        .route("/api/v1/scan", get(scan))
        .route("/api/v1/history", get(history))
        .route("/api/v1/plan", get(plan).put(set_plan))
        .route("/api/v1/session", get(session))
        .route("/api/v1/session/start", post(session_start))
        .route("/api/v1/session/stop", post(session_stop))
        .route("/api/v1/today", get(today))
        .route("/api/v1/report", get(report))
        .route(
            "/api/v1/{*rest}",
            axum::routing::any(|| async {
                json_error(StatusCode::NOT_FOUND, "not_found", "no such API route: see /api/v1/openapi.json")
            }),
        )
}

fn bad(message: impl Into<String>) -> Response {
    json_error(StatusCode::BAD_REQUEST, "bad_request", &message.into())
}

/// Parse a JSON body into `T`, naming what was wrong.
fn body<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, Response> {
    serde_json::from_slice(bytes).map_err(|e| bad(format!("request body: {e}")))
}

fn ok(v: impl serde::Serialize) -> Response {
    axum::Json(v).into_response()
}

fn respond<T: serde::Serialize>(r: anyhow::Result<T>) -> Response {
    match r {
        Ok(v) => ok(v),
        Err(e) => api_error(&e),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckRequest {
    pub text: String,
    #[serde(default)]
    pub channel: Option<String>,
    /// A contact (name, handle or #id): adds the pitch gate.
    #[serde(default)]
    pub to: Option<String>,
}

/// The findings for one draft — the same as `tactful check` (pitch gate included when `to` is given).
pub fn check_draft(
    app: &super::App,
    store: Option<&mut dyn tactful_store::Store>,
    req: &CheckRequest,
) -> anyhow::Result<(Channel, Vec<Finding>)> {
    let channel = match req.channel.as_deref().filter(|c| !c.is_empty()) {
        None => Channel::Post,
        Some(c) => c.parse::<Channel>().map_err(|e| crate::UsageError(format!("field `channel`: {e}")))?,
    };
    let mut findings = app.engine.check_with(&req.text, &CheckOptions { channel, ignore: &[] });
    crate::kinds::add_head_findings(&app.engine, &req.text, channel, &[], &mut findings);
    if let (Some(who), Some(store)) = (req.to.as_deref().filter(|w| !w.trim().is_empty()), store) {
        if !matches!(channel, Channel::Dm | Channel::Comment) {
            anyhow::bail!(crate::UsageError("field `to`: the pitch gate is for a message or a comment to someone; set `channel` to dm or comment".into()));
        }
        if let Some(f) = crate::relate::gate(store, &app.engine, who, &req.text)? {
            findings.push(f);
            findings.sort_by_key(|a| (a.start, a.end, std::cmp::Reverse(a.severity)));
        }
    }
    Ok((channel, findings))
}

pub fn findings_json(app: &super::App, text: &str, findings: &[Finding]) -> Vec<Value> {
    let lines = crate::render::Lines::new(text);
    findings.iter().map(|f| crate::render::finding_json(&app.engine, text, Some(&lines), f)).collect()
}

/// Drafts up to this size are checked on the async thread (microseconds);
/// larger ones on a blocking thread, so they hold up no other request.
const INLINE_CHECK: usize = 8 * 1024;

fn check_json(
    app: &super::App,
    store: Option<&mut dyn tactful_store::Store>,
    req: &CheckRequest,
) -> anyhow::Result<Value> {
    let (channel, f) = check_draft(app, store, req)?;
    Ok(json!({"channel": channel, "findings": findings_json(app, &req.text, &f)}))
}

async fn check(State(app): State<Shared>, bytes: Bytes) -> Response {
    let req: CheckRequest = match body(&bytes) {
        Ok(r) => r,
        Err(r) => return r,
    };
    let result = if req.to.as_deref().is_some_and(|w| !w.trim().is_empty()) {
        blocking(&app, move |app, store| check_json(app, Some(store), &req)).await
    } else if req.text.len() > INLINE_CHECK {
        let app = app.clone();
        tokio::task::spawn_blocking(move || check_json(&app, None, &req))
            .await
            .unwrap_or_else(|e| Err(anyhow::anyhow!("the check stopped: {e}")))
    } else {
        check_json(&app, None, &req)
    };
    respond(result)
}

async fn rules(State(app): State<Shared>) -> Response {
    ok(json!({"rules": app.engine.rules().iter().map(|r| data::rule_json(r, false)).collect::<Vec<_>>()}))
}

async fn rule(State(app): State<Shared>, Path(code): Path<String>) -> Response {
    match app.engine.rule(&code) {
        Some(r) => ok(data::rule_json(r, true)),
        None => json_error(StatusCode::NOT_FOUND, "not_found", &format!("no rule `{code}`")),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PackRequest {
    /// A file name for error messages, e.g. `acme.toml`.
    #[serde(default)]
    name: Option<String>,
    source: String,
}

async fn test_pack(bytes: Bytes) -> Response {
    let req: PackRequest = match body(&bytes) {
        Ok(r) => r,
        Err(r) => return r,
    };
    let name = req.name.unwrap_or_else(|| "uploaded pack".into());
    match data::test_pack(&name, &req.source) {
        Ok(v) => ok(v),
        Err(msg) => json_error(StatusCode::UNPROCESSABLE_ENTITY, "malformed_pack", &msg),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ImportRequest {
    path: String,
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    owner: Option<String>,
    #[serde(default)]
    network: Option<String>,
}

#[derive(Deserialize)]
struct UploadQuery {
    name: Option<String>,
    format: Option<String>,
    owner: Option<String>,
    network: Option<String>,
}

fn parse_opts(
    format: Option<&str>,
    network: Option<&str>,
) -> Result<(Option<tactful_import::Format>, Option<tactful_core::history::Network>), Response> {
    let format = match format.filter(|s| !s.is_empty()) {
        Some(f) => {
            Some(f.parse::<tactful_import::Format>().map_err(|e| bad(format!("field `format`: {e}")))?)
        }
        None => None,
    };
    let network = match network.filter(|s| !s.is_empty()) {
        Some(n) => Some(
            n.parse::<tactful_core::history::Network>().map_err(|e| bad(format!("field `network`: {e}")))?,
        ),
        None => None,
    };
    Ok((format, network))
}

fn started(id: u64) -> Response {
    (StatusCode::ACCEPTED, axum::Json(json!({"job": id, "status": format!("/api/v1/jobs/{id}")})))
        .into_response()
}

async fn import_path(State(app): State<Shared>, bytes: Bytes) -> Response {
    let req: ImportRequest = match body(&bytes) {
        Ok(r) => r,
        Err(r) => return r,
    };
    let (format, network) = match parse_opts(req.format.as_deref(), req.network.as_deref()) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let path = std::path::PathBuf::from(req.path.trim());
    if !path.exists() {
        return bad(format!("field `path`: {} does not exist on this computer", path.display()));
    }
    let order = super::jobs::Order {
        display: path.display().to_string(),
        path,
        uploaded: false,
        format,
        owner: req.owner.filter(|o| !o.is_empty()),
        network,
    };
    started(super::jobs::Jobs::start(app, order))
}

async fn import_upload(State(app): State<Shared>, Query(q): Query<UploadQuery>, bytes: Bytes) -> Response {
    let (format, network) = match parse_opts(q.format.as_deref(), q.network.as_deref()) {
        Ok(x) => x,
        Err(r) => return r,
    };
    if bytes.is_empty() {
        return bad("the upload is empty: choose an export file (.zip, .csv or .jsonl)");
    }
    // Keep only a safe file name: its extension tells the importer what it is.
    let name: String = q
        .name
        .as_deref()
        .unwrap_or("export.zip")
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("export.zip")
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .collect();
    let name = if name.is_empty() || name.starts_with('.') { "export.zip".to_string() } else { name };
    let id_path = app.uploads.join(format!(
        "{}-{name}",
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos())
    ));
    if let Err(e) = std::fs::write(&id_path, &bytes) {
        let _ = std::fs::remove_file(&id_path);
        return json_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            &format!("cannot keep the upload: {e}"),
        );
    }
    let order = super::jobs::Order {
        path: id_path,
        display: name,
        uploaded: true,
        format,
        owner: q.owner.filter(|o| !o.is_empty()),
        network,
    };
    started(super::jobs::Jobs::start(app, order))
}

async fn job(State(app): State<Shared>, Path(id): Path<u64>) -> Response {
    match app.jobs.get(id) {
        Some(j) => ok(j.to_json()),
        None => json_error(StatusCode::NOT_FOUND, "not_found", &format!("no import job {id}")),
    }
}

#[derive(Deserialize)]
pub struct ContactsQuery {
    pub q: Option<String>,
    pub stage: Option<String>,
}

pub fn parse_stage(s: Option<&str>) -> Result<Option<Stage>, String> {
    match s.filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => Stage::ALL.iter().find(|x| x.as_str() == s).copied().map(Some).ok_or_else(|| {
            let all: Vec<&str> = Stage::ALL.iter().map(|x| x.as_str()).collect();
            format!("stage `{s}`: expected one of {}", all.join(", "))
        }),
    }
}

async fn contacts(State(app): State<Shared>, Query(q): Query<ContactsQuery>) -> Response {
    let stage = match parse_stage(q.stage.as_deref()) {
        Ok(s) => s,
        Err(m) => return bad(m),
    };
    respond(blocking(&app, move |_, store| data::contacts(store, q.q.as_deref(), stage)).await)
}

async fn contact(State(app): State<Shared>, Path(id): Path<i64>) -> Response {
    respond(blocking(&app, move |_, store| data::contact(store, id)).await)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MarkRequest {
    mark: Option<String>,
    /// From when the mark holds, YYYY-MM-DD (default: now).
    #[serde(default)]
    since: Option<String>,
}

async fn mark(State(app): State<Shared>, Path(id): Path<i64>, bytes: Bytes) -> Response {
    let req: MarkRequest = match body(&bytes) {
        Ok(r) => r,
        Err(r) => return r,
    };
    respond(
        blocking(&app, move |_, store| set_mark(store, id, req.mark.as_deref(), req.since.as_deref())).await,
    )
}

/// Mark a contact as a customer or a team member from a date (or clear the mark).
pub fn set_mark(
    store: &mut dyn tactful_store::Store,
    id: i64,
    mark: Option<&str>,
    since: Option<&str>,
) -> anyhow::Result<Value> {
    let at = match since.filter(|s| !s.trim().is_empty()) {
        Some(d) => crate::store::parse_date(d.trim())
            .map_err(|e| crate::UsageError(format!("field `since`: {e}")))?,
        None => crate::store::now(),
    };
    let mark = match mark.filter(|m| !m.is_empty() && *m != "none") {
        None => None,
        Some(m @ ("customer" | "team")) => Some(m),
        Some(m) => {
            anyhow::bail!(crate::UsageError(format!("field `mark`: `{m}`: expected customer, team or null")))
        }
    };
    if !tactful_store::people::set_mark(store.people(), id, mark, at)? {
        return Err(super::NotFound(format!("no contact #{id}")).into());
    }
    Ok(json!({"id": id, "mark": mark, "since": mark.map(|_| at)}))
}

async fn inbox(State(app): State<Shared>) -> Response {
    respond(blocking(&app, |_, store| data::inbox(store, crate::store::now())).await)
}

#[derive(Deserialize)]
struct Limit {
    limit: Option<usize>,
    q: Option<String>,
}

async fn scan(State(app): State<Shared>, Query(l): Query<Limit>) -> Response {
    respond(blocking(&app, move |app, store| data::scan(store, &app.engine, l.limit.unwrap_or(50))).await)
}

async fn history(State(app): State<Shared>, Query(l): Query<Limit>) -> Response {
    respond(
        blocking(&app, move |_, store| {
            let (items, total) = data::history(store, l.q.as_deref(), l.limit.unwrap_or(100))?;
            Ok(json!({"stored": total, "items": items}))
        })
        .await,
    )
}

async fn plan(State(app): State<Shared>) -> Response {
    respond(blocking(&app, |_, store| crate::coach::load_plan(store.people())).await)
}

/// Check and store a plan; the same limits as `tactful plan set`.
pub fn save_plan(store: &mut dyn tactful_store::Store, p: &tactful_core::plan::Plan) -> anyhow::Result<()> {
    if p.max_promotional_percent > 100 {
        anyhow::bail!(crate::UsageError(
            "field `max_promotional_percent`: a percentage: expected 0 to 100".into()
        ));
    }
    if p.session_minutes == 0 {
        anyhow::bail!(crate::UsageError("field `session_minutes`: expected at least 1".into()));
    }
    tactful_store::coach::set(store.people(), "plan", &serde_json::to_string(p)?)?;
    Ok(())
}

async fn set_plan(State(app): State<Shared>, bytes: Bytes) -> Response {
    let p: tactful_core::plan::Plan = match body(&bytes) {
        Ok(r) => r,
        Err(r) => return r,
    };
    respond(
        blocking(&app, move |_, store| {
            save_plan(store, &p)?;
            Ok(p)
        })
        .await,
    )
}

/// Today's time box and the streak.
pub fn session_status(store: &mut dyn tactful_store::Store, now: i64) -> anyhow::Result<Value> {
    let plan = crate::coach::load_plan(store.people())?;
    let all = tactful_store::coach::sessions(store.people())?;
    let running = tactful_store::coach::open_session(store.people())?;
    let (current, longest) = crate::coach::streak(&all, now);
    let spent = crate::coach::minutes_today(&all, now);
    Ok(json!({
        "running_since": running.map(|s| s.started_at),
        "minutes_today": spent,
        "minutes_planned": plan.session_minutes,
        "minutes_left": (i64::from(plan.session_minutes) - spent).max(0),
        "streak": current,
        "longest_streak": longest,
    }))
}

async fn session(State(app): State<Shared>) -> Response {
    respond(blocking(&app, |_, store| session_status(store, crate::store::now())).await)
}

async fn session_start(State(app): State<Shared>) -> Response {
    respond(
        blocking(&app, |_, store| {
            let now = crate::store::now();
            tactful_store::coach::start(store.people(), now)?;
            session_status(store, now)
        })
        .await,
    )
}

async fn session_stop(State(app): State<Shared>) -> Response {
    respond(
        blocking(&app, |_, store| {
            let now = crate::store::now();
            if tactful_store::coach::stop(store.people(), now)?.is_none() {
                anyhow::bail!(crate::UsageError("no session is running".into()));
            }
            session_status(store, now)
        })
        .await,
    )
}

#[derive(Deserialize)]
struct TodayQuery {
    limit: Option<usize>,
    quiet_days: Option<u32>,
}

async fn today(State(app): State<Shared>, Query(q): Query<TodayQuery>) -> Response {
    let (limit, quiet) = (q.limit.unwrap_or(5), q.quiet_days.unwrap_or(14));
    respond(
        blocking(&app, move |_, store| {
            let t = crate::today::gather(store, crate::store::now(), limit, quiet)?;
            Ok(json!({
                "now": t.now,
                "waiting": t.waiting.iter().map(|w| json!({"from": w.from, "network": w.network, "waited_secs": w.waited_secs, "cue": w.cue, "text": w.text, "item": w.item})).collect::<Vec<_>>(),
                "waiting_total": t.waiting_total,
                "gives": t.gives.iter().map(|g| json!({"name": g.name, "contact": g.contact, "stage": g.stage.as_str(), "last": g.last, "action": g.action})).collect::<Vec<_>>(),
                "gives_total": t.gives_total,
                "holds": t.holds.iter().map(|h| json!({"name": h.name, "contact": h.contact, "reason": h.reason, "at": h.at})).collect::<Vec<_>>(),
                "holds_total": t.holds_total,
                "minutes_planned": t.minutes_planned,
                "minutes_used": t.minutes_used,
                "session_running": t.session_running,
                "streak": t.streak_current,
                "longest_streak": t.streak_best,
                "focus": t.focus.as_ref().map(crate::today::Focus::warning),
            }))
        })
        .await,
    )
}

async fn report(State(app): State<Shared>, Query(q): Query<super::pages::PeriodQuery>) -> Response {
    let p = match q.period() {
        Ok(p) => p,
        Err(e) => return api_error(&e),
    };
    let view = match (q.from.as_deref(), q.to.as_deref()) {
        (Some(f), Some(t)) if !f.is_empty() => format!("/report/view?from={f}&to={t}"),
        _ => format!("/report/view?month={}", p.label),
    };
    respond(
        blocking(&app, move |_, store| {
            let r = crate::report::render(store, &p, crate::store::now())?;
            Ok(json!({"period": p.label, "summary": r.summary, "html": view}))
        })
        .await,
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsentRequest {
    pub purpose: String,
    pub source: String,
    pub evidence: String,
    #[serde(default)]
    pub item: Option<i64>,
}

fn purpose(s: &str) -> anyhow::Result<tactful_core::consent::Purpose> {
    s.parse().map_err(|e: String| crate::UsageError(format!("field `purpose`: {e}")).into())
}

/// Record an opt-in for contact `id` (pending until they confirm with the code).
pub fn add_consent(
    store: &mut dyn tactful_store::Store,
    id: i64,
    req: &ConsentRequest,
) -> anyhow::Result<Value> {
    let p = purpose(&req.purpose)?;
    let source: tactful_core::consent::Source =
        req.source.parse().map_err(|e: String| crate::UsageError(format!("field `source`: {e}")))?;
    let db = store.people();
    let c =
        tactful_store::people::by_id(db, id)?.ok_or_else(|| super::NotFound(format!("no contact #{id}")))?;
    let rec = crate::people::record_opt_in(db, &c, p, source, &req.evidence, req.item)?;
    Ok(
        json!({"contact": id, "purpose": rec.purpose.as_str(), "status": rec.status.as_str(), "code": rec.token,
        "next": "send them this code and ask them to send it back; then confirm it"}),
    )
}

async fn consent_add(State(app): State<Shared>, Path(id): Path<i64>, bytes: Bytes) -> Response {
    let req: ConsentRequest = match body(&bytes) {
        Ok(r) => r,
        Err(r) => return r,
    };
    respond(blocking(&app, move |_, store| add_consent(store, id, &req)).await)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WithdrawRequest {
    /// One purpose, or every purpose when absent.
    #[serde(default)]
    pub purpose: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

pub fn withdraw_consent(
    store: &mut dyn tactful_store::Store,
    id: i64,
    req: &WithdrawRequest,
) -> anyhow::Result<Value> {
    let p = match req.purpose.as_deref().filter(|p| !p.is_empty() && *p != "all") {
        Some(x) => Some(purpose(x)?),
        None => None,
    };
    let db = store.people();
    if tactful_store::people::by_id(db, id)?.is_none() {
        return Err(super::NotFound(format!("no contact #{id}")).into());
    }
    let note =
        req.note.as_deref().filter(|n| !n.trim().is_empty()).unwrap_or("withdrawn at the person's request");
    let n = tactful_store::people::withdraw(db, id, p, crate::store::now(), note)?;
    Ok(json!({"contact": id, "withdrawn": n}))
}

async fn consent_withdraw(State(app): State<Shared>, Path(id): Path<i64>, bytes: Bytes) -> Response {
    let req: WithdrawRequest = match body(&bytes) {
        Ok(r) => r,
        Err(r) => return r,
    };
    respond(blocking(&app, move |_, store| withdraw_consent(store, id, &req)).await)
}

/// Confirm an opt-in with the code the person sent back.
pub fn confirm_consent(store: &mut dyn tactful_store::Store, code: &str) -> anyhow::Result<Value> {
    match tactful_store::people::confirm(store.people(), code.trim(), crate::store::now())? {
        Some(c) if c.status == tactful_core::consent::Status::Confirmed => {
            Ok(json!({"contact": c.contact_id, "purpose": c.purpose.as_str(), "status": "confirmed"}))
        }
        Some(c) => Err(crate::UsageError(format!(
            "code {code} belongs to an opt-in that is {}, not pending",
            c.status.as_str()
        ))
        .into()),
        None => Err(super::NotFound(format!("no opt-in has the code {code}")).into()),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfirmRequest {
    code: String,
}

async fn consent_confirm(State(app): State<Shared>, bytes: Bytes) -> Response {
    let req: ConfirmRequest = match body(&bytes) {
        Ok(r) => r,
        Err(r) => return r,
    };
    respond(blocking(&app, move |_, store| confirm_consent(store, &req.code)).await)
}

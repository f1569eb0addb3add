//! The JSON API under `/api/v1`: everything the pages do, for scripts and the
//! pages' own JavaScript. The routes are listed once, in `openapi::ROUTES`;
//! `routes` builds the router from that list and, before a handler runs,
//! holds each request to its route: the session token when the route changes
//! something, the query parameters' types, words and ranges, the body's type
//! (JSON) and size. Every error under `/api/v1` — ours, a bad path or query,
//! the framework's 404, 405 and 413 — is `{"error": {"code", "message"}}`.

use axum::Router;
use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Path, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use serde::Deserialize;
use serde_json::{Value, json};
use std::path::{Component, PathBuf};
use tactful_core::relationships::Stage;
use tactful_core::{Channel, Finding};

use super::openapi::{self, Kind, Param, ROUTES, Route};
use super::{Shared, api_error, blocking, data, json_error};

// ---------------------------------------------------------------------------
// The router, from the route list
// ---------------------------------------------------------------------------

pub fn routes(app: &Shared) -> Router<Shared> {
    // Routes on one path (GET and PUT /plan) share one method router.
    let mut by_path: Vec<(&'static str, MethodRouter<Shared>)> = Vec::new();
    for r in ROUTES {
        let one = (r.handler)(r.verb.filter()).layer(DefaultBodyLimit::max(r.limit)).route_layer(
            axum::middleware::from_fn_with_state(
                app.clone(),
                move |State(app): State<Shared>, req: Request, next: Next| admit(app, r, req, next),
            ),
        );
        match by_path.iter_mut().find(|(p, _)| *p == r.path) {
            Some((_, m)) => *m = std::mem::take(m).merge(one),
            None => by_path.push((r.path, one)),
        }
    }
    let mut router = Router::new();
    for (path, m) in by_path {
        router = router.route(path, m);
    }
    router
        .route("/api/v1", axum::routing::any(unknown_route))
        .route("/api/v1/", axum::routing::any(unknown_route))
        .route("/api/v1/{*rest}", axum::routing::any(unknown_route))
}

async fn unknown_route() -> Response {
    json_error(StatusCode::NOT_FOUND, "not_found", "no such API route: see /api/v1/openapi.json")
}

/// A request reaches its handler only if it fits its route: the token when
/// the route changes something, the query as declared, a JSON body no larger
/// than the route takes.
async fn admit(app: Shared, route: &'static Route, mut req: Request, next: Next) -> Response {
    if route.token && !super::has_token(&app, req.headers(), req.uri().query()) {
        return super::missing_token();
    }
    match read_query(route.query, req.uri()) {
        Ok(p) => {
            req.extensions_mut().insert(p);
        }
        Err(r) => return r,
    }
    if let openapi::Body::Json(_) = route.body {
        if !is_json(req.headers()) {
            return json_error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "the request body must be JSON: send it with `Content-Type: application/json`",
            );
        }
    }
    if !matches!(route.body, openapi::Body::None) {
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if let Some(n) = declared.filter(|n| *n > route.limit as u64) {
            // Read a body not much larger than the limit before answering: a
            // connection closed on unread data loses the answer on the way.
            if n <= DRAIN_LIMIT {
                drain(req.into_body()).await;
            }
            return too_large(route.limit);
        }
        req.extensions_mut().insert(Limit(route.limit));
    }
    next.run(req).await
}

/// The most of a refused body read (and dropped) so that the client gets the 413.
const DRAIN_LIMIT: u64 = 8 * 1024 * 1024;

async fn drain(mut body: Body) {
    while let Some(Ok(_)) = std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)).await {}
}

/// The body size a route takes, for the message when a body is larger.
#[derive(Clone, Copy)]
struct Limit(usize);

fn too_large(limit: usize) -> Response {
    json_error(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        &format!("the request body is larger than the {} this route takes", size(limit)),
    )
}

fn size(bytes: usize) -> String {
    match bytes {
        b if b >= 1 << 30 && b % (1 << 30) == 0 => format!("{} GiB", b >> 30),
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{} MiB", b >> 20),
        b if b >= 1 << 10 && b % (1 << 10) == 0 => format!("{} KiB", b >> 10),
        b => format!("{b} bytes"),
    }
}

/// No `Content-Type` (curl's `--data-binary` with `-H` forgotten is still
/// refused: it sends a form type), `application/json`, or `application/*+json`.
fn is_json(headers: &HeaderMap) -> bool {
    let Some(v) = headers.get(header::CONTENT_TYPE) else { return true };
    let Some(mime) = v.to_str().ok().and_then(|s| s.split(';').next()) else { return false };
    let mime = mime.trim().to_ascii_lowercase();
    mime == "application/json" || (mime.starts_with("application/") && mime.ends_with("+json"))
}

/// Under `/api/v1`, whatever answered an error without our JSON shape — the
/// framework's 405 (no body), 413 or a bad path (plain text) — answers it in
/// that shape, keeping its status and headers (`Allow` on a 405).
pub async fn json_errors(req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let api = req.uri().path() == "/api/v1" || req.uri().path().starts_with("/api/v1/");
    let res = next.run(req).await;
    if !api {
        return res;
    }
    let status = res.status();
    let json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || json {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let text = axum::body::to_bytes(body, 4096).await.unwrap_or_default();
    let text = String::from_utf8_lossy(&text).trim().to_string();
    let (code, message) = match status {
        StatusCode::METHOD_NOT_ALLOWED => {
            let allow = parts.headers.get(header::ALLOW).and_then(|v| v.to_str().ok()).unwrap_or("");
            ("method_not_allowed", format!("this route does not take {method}; it takes {allow}"))
        }
        StatusCode::PAYLOAD_TOO_LARGE => {
            ("too_large", "the request body is larger than this route takes".into())
        }
        StatusCode::NOT_FOUND => ("not_found", if text.is_empty() { "not found".into() } else { text }),
        s if s.is_server_error() => ("internal", if text.is_empty() { s.to_string() } else { text }),
        s => ("bad_request", if text.is_empty() { s.to_string() } else { text }),
    };
    let body = serde_json::to_vec(&json!({"error": {"code": code, "message": message}})).unwrap_or_default();
    parts.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(body))
}

// ---------------------------------------------------------------------------
// Reading a request: query, path, body
// ---------------------------------------------------------------------------

/// The route's query parameters, checked against their declaration, with
/// defaults filled in.
#[derive(Clone, Default)]
pub struct Params(Vec<(&'static str, String)>);

impl Params {
    pub fn text(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
    }

    /// A declared whole number (its default when absent).
    pub fn int(&self, name: &str) -> u64 {
        self.text(name).and_then(|v| v.parse().ok()).unwrap_or_default()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<Params>().cloned().unwrap_or_default())
    }
}

/// A value from the request, quoted in a message: at most 100 characters.
fn quote(s: &str) -> String {
    super::html::cut(s, 100)
}

fn read_query(declared: &[Param], uri: &axum::http::Uri) -> Result<Params, Response> {
    let axum::extract::Query(pairs) = axum::extract::Query::<Vec<(String, String)>>::try_from_uri(uri)
        .map_err(|e| bad(format!("the query string: {}", e.body_text())))?;
    let mut out = Vec::new();
    for p in declared {
        let mut given = pairs.iter().filter(|(k, _)| k == p.name).map(|(_, v)| v);
        let value = given.next();
        if given.next().is_some() {
            return Err(bad(format!("query parameter `{}` is given more than once", p.name)));
        }
        let Some(v) = value else {
            if let Kind::Int { default, .. } = p.kind {
                out.push((p.name, default.to_string()));
            }
            continue;
        };
        let wrong = |expected: String| {
            bad(format!("query parameter `{}`: `{}`: expected {expected}", p.name, quote(v)))
        };
        match p.kind {
            Kind::Text => {}
            Kind::OneOf(words) => {
                let words = words();
                if !words.contains(&v.as_str()) {
                    return Err(wrong(format!("one of {}", words.join(", "))));
                }
            }
            Kind::Int { min, max, .. } => {
                let n = (!v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
                    .then(|| v.parse::<u64>().ok())
                    .flatten();
                if !n.is_some_and(|n| (min..=max).contains(&n)) {
                    return Err(wrong(format!("a whole number from {min} to {max}")));
                }
            }
            Kind::Month => {
                if month(v).is_none() {
                    return Err(wrong("a month as YYYY-MM, for example 2026-09".into()));
                }
            }
            Kind::Date => {
                if date(v).is_none() {
                    return Err(wrong("a date as YYYY-MM-DD, for example 2026-09-01".into()));
                }
            }
        }
        out.push((p.name, v.clone()));
    }
    Ok(Params(out))
}

/// `YYYY-MM` exactly.
fn month(s: &str) -> Option<(u32, u32)> {
    let b = s.as_bytes();
    if b.len() != 7 || b[4] != b'-' || !b[..4].iter().chain(&b[5..]).all(u8::is_ascii_digit) {
        return None;
    }
    let (y, m) = (s[..4].parse().ok()?, s[5..].parse().ok()?);
    (1..=12).contains(&m).then_some((y, m))
}

/// `YYYY-MM-DD` exactly, a day that exists (RFC 3339 `full-date`).
fn date(s: &str) -> Option<(u32, u32, u32)> {
    let b = s.as_bytes();
    if b.len() != 10 || b[7] != b'-' || !b[8..].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let (y, m) = month(&s[..7])?;
    let d: u32 = s[8..].parse().ok()?;
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let days = match m {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    (1..=days).contains(&d).then_some((y, m, d))
}

/// An `{id}` from the path: a whole number from 1.
pub struct Id(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        let Path(raw) =
            Path::<String>::from_request_parts(parts, state).await.map_err(IntoResponse::into_response)?;
        let n = (!raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit()))
            .then(|| raw.parse::<i64>().ok())
            .flatten();
        match n {
            Some(n) if n >= 1 => Ok(Id(n)),
            _ => Err(bad(format!(
                "path parameter `id`: `{}`: expected a whole number from 1 to {}",
                quote(&raw),
                i64::MAX
            ))),
        }
    }
}

/// A JSON body, parsed into `T`; the error names what was wrong.
pub struct JsonBody<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Response> {
        let limit = req.extensions().get::<Limit>().copied();
        let bytes = Bytes::from_request(req, state).await.map_err(|e| match (e.status(), limit) {
            (StatusCode::PAYLOAD_TOO_LARGE, Some(Limit(n))) => too_large(n),
            (status, _) => json_error(status, "bad_request", &e.body_text()),
        })?;
        let mut v: Value = serde_json::from_slice(&bytes).map_err(|e| bad(format!("request body: {e}")))?;
        // serde would read a struct from an array too: the API takes objects only.
        if !v.is_object() {
            return Err(bad("request body: expected a JSON object"));
        }
        whole_numbers(&mut v);
        T::deserialize(v).map(JsonBody).map_err(|e| bad(format!("request body: {e}")))
    }
}

/// `30.0` is the whole number 30 in JSON (and to JSON Schema): read it as one.
fn whole_numbers(v: &mut Value) {
    match v {
        Value::Number(n) if !n.is_i64() && !n.is_u64() => {
            if let Some(f) = n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15) {
                *v = json!(f as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_numbers),
        Value::Object(fields) => fields.values_mut().for_each(whole_numbers),
        _ => {}
    }
}

fn bad(message: impl Into<String>) -> Response {
    json_error(StatusCode::BAD_REQUEST, "bad_request", &message.into())
}

/// A field that must be one of `words` (or absent / null).
fn one_of<'a>(field: &str, value: Option<&'a str>, words: &[&str]) -> Result<Option<&'a str>, Response> {
    match value {
        None => Ok(None),
        Some(v) if words.contains(&v) => Ok(Some(v)),
        Some(v) => {
            Err(bad(format!("field `{field}`: `{}`: expected one of {} or null", quote(v), words.join(", "))))
        }
    }
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

// ---------------------------------------------------------------------------
// Handlers
// ---------------------------------------------------------------------------

pub async fn openapi() -> Response {
    ok(openapi::document())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckRequest {
    pub text: String,
    #[serde(default)]
    pub channel: Option<String>,
    /// The person (name, @handle, profile link or #id): adds the pitch gate.
    #[serde(default)]
    pub to: Option<String>,
    /// The person of `to` is someone new, whoever the history holds.
    #[serde(default)]
    pub stranger: Option<bool>,
}

/// What a check found, and for whom.
pub struct Checked {
    pub channel: Channel,
    pub findings: Vec<Finding>,
    pub recipient: Option<tactful_app::contacts::Recipient>,
}

/// The findings for one draft — the same as `tactful check` (pitch gate included when `to` is given).
pub fn check_draft(
    app: &super::App,
    store: Option<&mut dyn tactful_store::Store>,
    req: &CheckRequest,
) -> anyhow::Result<Checked> {
    let channel = match req.channel.as_deref().filter(|c| !c.is_empty()) {
        None => Channel::Post,
        Some(c) => c.parse::<Channel>().map_err(|e| crate::UsageError(format!("field `channel`: {e}")))?,
    };
    match (req.to.as_deref().filter(|w| !w.trim().is_empty()), store) {
        (Some(who), Some(store)) => {
            if !matches!(channel, Channel::Dm | Channel::Comment) {
                anyhow::bail!(crate::UsageError("field `to`: the pitch gate is for a message or a comment to someone; set `channel` to dm or comment".into()));
            }
            let to = tactful_app::contacts::recipient(store.people(), who, req.stranger == Some(true))?;
            let findings = app.checker.check_for(store, &to, &req.text, channel)?;
            Ok(Checked { channel, findings, recipient: Some(to) })
        }
        _ => Ok(Checked { channel, findings: app.checker.check_draft(&req.text, channel), recipient: None }),
    }
}

/// Each finding as `check --format json` gives it, with the rewrite a
/// writing assistant offers for it (or null).
pub fn findings_json(app: &super::App, text: &str, channel: Channel, findings: &[Finding]) -> Vec<Value> {
    let lines = crate::render::Lines::new(text);
    let rewrites = tactful_app::rewrite::suggest_all(&app.checker, text, channel, findings);
    findings
        .iter()
        .zip(rewrites)
        .map(|(f, rewrite)| {
            let mut v = crate::render::finding_json(app.checker.engine(), text, Some(&lines), f);
            v["rewrite"] = json!(rewrite);
            v
        })
        .collect()
}

/// Drafts up to this size are checked on the async thread (microseconds);
/// larger ones, and every draft when the context model reads it (tens of
/// milliseconds), on a blocking thread, so they hold up no other request.
const INLINE_CHECK: usize = 8 * 1024;

fn check_json(
    app: &super::App,
    store: Option<&mut dyn tactful_store::Store>,
    req: &CheckRequest,
) -> anyhow::Result<Value> {
    let c = check_draft(app, store, req)?;
    Ok(json!({
        "channel": c.channel,
        "findings": findings_json(app, &req.text, c.channel, &c.findings),
        "recipient": c.recipient.as_ref().map(crate::check::recipient_json),
    }))
}

pub async fn check(State(app): State<Shared>, JsonBody(req): JsonBody<CheckRequest>) -> Response {
    if let Err(r) = one_of("channel", req.channel.as_deref(), &openapi::channels()) {
        return r;
    }
    if req.to.is_some() && !matches!(req.channel.as_deref(), Some("dm" | "comment")) {
        return bad(
            "field `to`: the pitch gate is for a message or a comment to someone; set `channel` to dm or comment",
        );
    }
    let result = if req.to.as_deref().is_some_and(|w| !w.trim().is_empty()) {
        blocking(&app, move |app, store| check_json(app, Some(store), &req)).await
    } else if req.text.len() > INLINE_CHECK || app.checker.reads_context() {
        let app = app.clone();
        tokio::task::spawn_blocking(move || check_json(&app, None, &req))
            .await
            .unwrap_or_else(|e| Err(anyhow::anyhow!("the check stopped: {e}")))
    } else {
        check_json(&app, None, &req)
    };
    respond(result)
}

pub async fn rules(State(app): State<Shared>) -> Response {
    ok(
        json!({"rules": app.checker.engine().rules().iter().map(|r| data::rule_json(r, false)).collect::<Vec<_>>()}),
    )
}

pub async fn rule(State(app): State<Shared>, Path(code): Path<String>) -> Response {
    match app.checker.engine().rule(&code) {
        Some(r) => ok(data::rule_json(r, true)),
        None => json_error(StatusCode::NOT_FOUND, "not_found", &format!("no rule `{}`", quote(&code))),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackRequest {
    /// A file name for error messages, e.g. `acme.toml`.
    #[serde(default)]
    name: Option<String>,
    source: String,
}

pub async fn test_pack(JsonBody(req): JsonBody<PackRequest>) -> Response {
    let name = req.name.unwrap_or_else(|| "uploaded pack".into());
    // Parsing and running a pack's examples is CPU work: off the async threads.
    let r = tokio::task::spawn_blocking(move || data::test_pack(&name, &req.source)).await;
    match r {
        Ok(Ok(v)) => ok(v),
        Ok(Err(msg)) => json_error(StatusCode::UNPROCESSABLE_ENTITY, "malformed_pack", &msg),
        Err(e) => {
            json_error(StatusCode::INTERNAL_SERVER_ERROR, "internal", &format!("the pack test stopped: {e}"))
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportRequest {
    path: String,
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    owner: Option<String>,
    #[serde(default)]
    network: Option<String>,
}

fn parse_opts(
    format: Option<&str>,
    network: Option<&str>,
) -> Result<(Option<tactful_import::Format>, Option<tactful_core::history::Network>), Response> {
    let format = match one_of("format", format, &openapi::formats())? {
        Some(f) => {
            Some(f.parse::<tactful_import::Format>().map_err(|e| bad(format!("field `format`: {e}")))?)
        }
        None => None,
    };
    let network = match one_of("network", network, &openapi::networks())? {
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

/// Where a path may be imported from: under one of the folders the person
/// running tactful chose (home, the demo folder, `--import-root`). The
/// answer for a path outside them is the same whether it exists or not.
fn allowed(app: &super::App, raw: &str) -> Result<PathBuf, Response> {
    let path = match raw.strip_prefix("~/") {
        Some(rest) => match std::env::var_os("HOME") {
            Some(home) => PathBuf::from(home).join(rest),
            None => return Err(bad("field `path`: ~ means your home folder, and HOME is not set")),
        },
        None => PathBuf::from(raw),
    };
    if !path.is_absolute() {
        return Err(bad(format!(
            "field `path`: `{}`: give the full path, starting with / (or ~/)",
            quote(raw)
        )));
    }
    let outside = || {
        let roots: Vec<String> = app.import_roots.iter().map(|r| r.display().to_string()).collect();
        json_error(
            StatusCode::FORBIDDEN,
            "outside_import_roots",
            &format!(
                "refused: tactful imports by path only from your home folder and the folders it was started with (here: {}); `{}` is outside them. Upload the file instead.",
                if roots.is_empty() { "none".to_string() } else { roots.join(", ") },
                quote(raw)
            ),
        )
    };
    let under = |p: &std::path::Path| app.import_roots.iter().any(|r| p.starts_with(r));
    // `..` and `.` resolved by the letter: a path outside the roots is
    // refused alike whether or not anything is there.
    let mut plain = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                plain.pop();
            }
            Component::CurDir => {}
            c => plain.push(c),
        }
    }
    match plain.canonicalize() {
        // Links resolved: a link inside a root that points outside is refused too.
        Ok(real) if under(&real) => Ok(real),
        Ok(_) => Err(outside()),
        Err(_) if under(&plain) => Err(json_error(
            StatusCode::NOT_FOUND,
            "not_found",
            &format!("field `path`: nothing is at {}", quote(raw)),
        )),
        Err(_) => Err(outside()),
    }
}

pub async fn import_path(State(app): State<Shared>, JsonBody(req): JsonBody<ImportRequest>) -> Response {
    let (format, network) = match parse_opts(req.format.as_deref(), req.network.as_deref()) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let path = match allowed(&app, &req.path) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let order = super::jobs::Order {
        display: req.path.clone(),
        path,
        uploaded: false,
        format,
        owner: req.owner.filter(|o| !o.is_empty()),
        network,
    };
    started(super::jobs::Jobs::start(app, order))
}

/// An upload's file in the uploads folder, removed unless the import takes it over.
struct Upload(Option<PathBuf>);

impl Drop for Upload {
    fn drop(&mut self) {
        if let Some(p) = self.0.take() {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// Written to disk in pieces this large: memory stays flat whatever the upload's size.
const UPLOAD_CHUNK: usize = 1024 * 1024;

pub async fn import_upload(State(app): State<Shared>, q: Params, body: Body) -> Response {
    let (format, network) = match parse_opts(q.text("format"), q.text("network")) {
        Ok(x) => x,
        Err(r) => return r,
    };
    // Keep only a safe file name: its extension tells the importer what it is.
    let name: String = q
        .text("name")
        .unwrap_or("export.zip")
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("export.zip")
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .take(100)
        .collect();
    let name = if name.is_empty() || name.starts_with('.') { "export.zip".to_string() } else { name };
    let path = app.uploads.join(format!("{}-{name}", app.jobs.next_upload()));
    let mut file = Upload(Some(path.clone()));
    let received = match receive(body, &path).await {
        Ok(n) => n,
        Err(r) => return r,
    };
    if received == 0 {
        return bad("the upload is empty: choose an export file (.zip, .csv or .jsonl)");
    }
    file.0 = None;
    let order = super::jobs::Order {
        path,
        display: name,
        uploaded: true,
        format,
        owner: q.text("owner").filter(|o| !o.is_empty()).map(str::to_string),
        network,
    };
    started(super::jobs::Jobs::start(app, order))
}

/// Write the body to `path` as it arrives; its size, or the error to answer.
async fn receive(mut body: Body, path: &std::path::Path) -> Result<u64, Response> {
    use std::io::Write as _;
    let internal = |e: std::io::Error| {
        json_error(StatusCode::INTERNAL_SERVER_ERROR, "internal", &format!("cannot keep the upload: {e}"))
    };
    let mut out = std::fs::File::create(path).map_err(internal)?;
    let mut pending: Vec<u8> = Vec::with_capacity(UPLOAD_CHUNK);
    let mut total: u64 = 0;
    loop {
        let frame = std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)).await;
        let last = match frame {
            None => true,
            Some(Err(e)) => return Err(bad(format!("the upload was cut off: {e}"))),
            Some(Ok(frame)) => {
                if let Ok(data) = frame.into_data() {
                    total += data.len() as u64;
                    if total > openapi::UPLOAD_LIMIT as u64 {
                        return Err(too_large(openapi::UPLOAD_LIMIT));
                    }
                    pending.extend_from_slice(&data);
                }
                false
            }
        };
        if pending.len() >= UPLOAD_CHUNK || (last && !pending.is_empty()) {
            // A disk write can take a while: let the other requests use this thread meanwhile.
            tokio::task::block_in_place(|| out.write_all(&pending)).map_err(internal)?;
            pending.clear();
        }
        if last {
            return Ok(total);
        }
    }
}

pub async fn job(State(app): State<Shared>, Id(id): Id) -> Response {
    match app.jobs.get(id as u64) {
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

pub async fn contacts(State(app): State<Shared>, q: Params) -> Response {
    let stage = match parse_stage(q.text("stage")) {
        Ok(s) => s,
        Err(m) => return bad(m),
    };
    let search = q.text("q").map(str::to_string);
    respond(blocking(&app, move |_, store| data::contacts(store, search.as_deref(), stage)).await)
}

pub async fn contact(State(app): State<Shared>, Id(id): Id) -> Response {
    respond(blocking(&app, move |_, store| data::contact(store, id)).await)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarkRequest {
    #[serde(default)]
    mark: Option<String>,
    /// From when the mark holds, YYYY-MM-DD (default: now).
    #[serde(default)]
    since: Option<String>,
}

pub async fn mark(State(app): State<Shared>, Id(id): Id, JsonBody(req): JsonBody<MarkRequest>) -> Response {
    if let Err(r) = one_of("mark", req.mark.as_deref(), &["customer", "team", "none"]) {
        return r;
    }
    if let Some(d) = req.since.as_deref().filter(|d| date(d).is_none()) {
        return bad(format!("field `since`: `{}`: expected a date as YYYY-MM-DD or null", quote(d)));
    }
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

pub async fn inbox(State(app): State<Shared>) -> Response {
    respond(blocking(&app, |_, store| data::inbox(store, crate::store::now())).await)
}

pub async fn scan(State(app): State<Shared>, q: Params) -> Response {
    let limit = q.int("limit") as usize;
    respond(blocking(&app, move |app, store| data::scan(store, &app.checker, limit)).await)
}

pub async fn history(State(app): State<Shared>, q: Params) -> Response {
    let (limit, search) = (q.int("limit") as usize, q.text("q").map(str::to_string));
    respond(
        blocking(&app, move |_, store| {
            let (items, total) = data::history(store, search.as_deref(), limit)?;
            Ok(json!({"stored": total, "items": items}))
        })
        .await,
    )
}

pub async fn plan(State(app): State<Shared>) -> Response {
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

pub async fn set_plan(
    State(app): State<Shared>,
    JsonBody(p): JsonBody<tactful_core::plan::Plan>,
) -> Response {
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

pub async fn session(State(app): State<Shared>) -> Response {
    respond(blocking(&app, |_, store| session_status(store, crate::store::now())).await)
}

pub async fn session_start(State(app): State<Shared>) -> Response {
    respond(
        blocking(&app, |_, store| {
            let now = crate::store::now();
            tactful_store::coach::start(store.people(), now)?;
            session_status(store, now)
        })
        .await,
    )
}

pub async fn session_stop(State(app): State<Shared>) -> Response {
    respond(
        blocking(&app, |_, store| {
            let now = crate::store::now();
            if tactful_store::coach::stop(store.people(), now)?.is_none() {
                return Err(super::Conflict("no session is running: start one first".into()).into());
            }
            session_status(store, now)
        })
        .await,
    )
}

pub async fn today(State(app): State<Shared>, q: Params) -> Response {
    let (limit, quiet) = (q.int("limit") as usize, q.int("quiet_days") as u32);
    respond(
        blocking(&app, move |_, store| {
            let t = tactful_app::today::gather(store, crate::store::now(), limit, quiet)?;
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
                "focus": t.focus.as_ref().map(tactful_app::today::Focus::warning),
            }))
        })
        .await,
    )
}

pub async fn report(State(app): State<Shared>, q: Params) -> Response {
    let period = match (q.text("month"), q.text("from"), q.text("to")) {
        (None, None, None) => {
            crate::report::period(Some(&tactful_core::coaching::month(crate::store::now())), None, None)
        }
        (m @ Some(_), None, None) | (m @ None, Some(_), Some(_)) => {
            crate::report::period(m, q.text("from"), q.text("to"))
        }
        _ => return bad("the period: give `month`, or `from` and `to` together, not both"),
    };
    let p = match period {
        Ok(p) => p,
        Err(e) => return api_error(&e.into()),
    };
    // Months and dates were checked as such: nothing in them needs escaping in a URL.
    let view = match (q.text("from"), q.text("to")) {
        (Some(f), Some(t)) => format!("/report/view?from={f}&to={t}"),
        _ => format!("/report/view?month={}", p.label),
    };
    respond(
        blocking(&app, move |app, store| {
            let r = crate::report::build(store, &app.checker, &p, crate::store::now())?;
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
    // The same opt-in sent twice in one second (a double click) has the same
    // code: answer the one recorded instead of failing on the duplicate.
    let now = crate::store::now();
    let same = tactful_store::people::consents(db, Some(id))?
        .into_iter()
        .find(|r| r.purpose == p && r.evidence == req.evidence && r.recorded_at == now);
    let rec = match same {
        Some(r) if r.status == tactful_core::consent::Status::Pending => r,
        Some(r) => {
            return Err(crate::UsageError(format!(
                "not recorded: the same opt-in was recorded a moment ago and is {} now",
                r.status.as_str()
            ))
            .into());
        }
        None => crate::people::record_opt_in(db, &c, p, source, &req.evidence, req.item)?,
    };
    Ok(
        json!({"contact": id, "purpose": rec.purpose.as_str(), "status": rec.status.as_str(), "code": rec.token,
        "next": "send them this code and ask them to send it back; then confirm it"}),
    )
}

pub async fn consent_add(
    State(app): State<Shared>,
    Id(id): Id,
    JsonBody(req): JsonBody<ConsentRequest>,
) -> Response {
    if let Err(r) = one_of("purpose", Some(&req.purpose), &openapi::purposes()) {
        return r;
    }
    // The other sources are refused below with the reason (they are not opt-ins).
    let sources: Vec<&str> = tactful_core::consent::Source::ALL.iter().map(|s| s.as_str()).collect();
    if let Err(r) = one_of("source", Some(&req.source), &sources) {
        return r;
    }
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

pub async fn consent_withdraw(
    State(app): State<Shared>,
    Id(id): Id,
    JsonBody(req): JsonBody<WithdrawRequest>,
) -> Response {
    if let Err(r) = one_of("purpose", req.purpose.as_deref(), &[openapi::purposes(), vec!["all"]].concat()) {
        return r;
    }
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
pub struct ConfirmRequest {
    code: String,
}

pub async fn consent_confirm(State(app): State<Shared>, JsonBody(req): JsonBody<ConfirmRequest>) -> Response {
    respond(blocking(&app, move |_, store| confirm_consent(store, &req.code)).await)
}

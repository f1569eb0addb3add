//! `tactful serve`: the web app on 127.0.0.1. This module owns the HTTP side
//! only — binding, the connections (two worker threads; a client gets 10 s
//! to send its request headers), the router, the guard every request passes
//! (host, origin, the pages' token rule, security headers), the shared
//! state, and stopping (Ctrl-C or SIGTERM: requests in progress finish, this
//! run's temp folders go). The API's routes, with their own token rule, come
//! from the one list in `openapi::ROUTES`. Pages (`pages`) and the JSON API
//! (`api`) call the same functions the commands do, so the web and the
//! terminal never disagree.

// Handlers answer early with a ready `Response` as their error: it is large, and that is fine.
#![allow(clippy::result_large_err)]

mod api;
mod data;
mod html;
mod jobs;
pub mod openapi;
mod pages;

use anyhow::{Context, Result};
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::io::Write as _;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

#[derive(clap::Args)]
pub struct Args {
    /// Port on 127.0.0.1 (default: a free port).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Open the app in your browser once it is ready.
    #[arg(long)]
    pub open: bool,
    /// Serve a demo workspace (a made-up seller's history, fresh for this run, removed when it stops) instead of your store.
    #[arg(long, conflicts_with = "db")]
    pub demo: bool,
    /// Include a company pack in every check; repeatable.
    #[arg(long = "pack", value_name = "FILE")]
    pub packs: Vec<String>,
    /// The store: a SQLite file path or a postgres:// URL (default: TACTFUL_DATABASE_URL, else the XDG data dir).
    #[arg(long)]
    pub db: Option<String>,
    /// A folder the web import may read exports from by path, besides your home folder (and the demo folder); repeatable.
    #[arg(long = "import-root", value_name = "DIR")]
    pub import_roots: Vec<std::path::PathBuf>,
}

/// What every request can reach.
pub struct App {
    /// The one checker (built-in packs, the `--pack` files, the heads, the pitch gate).
    pub checker: tactful_app::Checker,
    /// The store location as given (`None`: the default store).
    pub db: Option<String>,
    /// The per-run secret a page must send back to change anything.
    pub token: String,
    /// `http://127.0.0.1:PORT` and `http://localhost:PORT`.
    origins: [String; 2],
    hosts: [String; 2],
    pub jobs: jobs::Jobs,
    /// Where uploaded exports wait while they are imported.
    pub uploads: std::path::PathBuf,
    /// The folders an import by path may read from (resolved): home, the
    /// demo folder, and each `--import-root`.
    pub import_roots: Vec<std::path::PathBuf>,
}

pub type Shared = Arc<App>;

/// Largest form a page posts (a draft, a plan, an opt-in). The API's routes set their own.
const FORM_LIMIT: usize = openapi::JSON_LIMIT;
/// How long a client has to send a request's headers (also how long an idle
/// kept-alive connection stays open): a slow or stalled client cannot hold
/// connections open for ever.
const HEADER_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// A temp folder of this run's, removed when it is dropped: when the server
/// stops, or fails to start.
struct RunDir(std::path::PathBuf);

impl RunDir {
    fn new(name: &str) -> Result<RunDir> {
        let dir = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        Ok(RunDir(dir))
    }
}

impl Drop for RunDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn run(args: &Args) -> Result<u8> {
    // The draft box checks one draft a person waits on: claims in context
    // when the model is installed (scan and the report stay bulk).
    let checker = crate::input::checker(&args.packs)?.with_context(tactful_app::context::installed()?);
    // A demo store of this run's own: two demo servers at once do not rebuild each other's.
    let demo = if args.demo { Some(RunDir::new("tactful-demo")?) } else { None };
    let db = match &demo {
        Some(dir) => Some(crate::demo::prepare(&dir.0)?),
        None => args.db.clone(),
    };
    // Open once before serving: a bad location or a newer store fails here, not on the first page.
    let location = crate::store::open(db.as_deref())?.location();
    let listener = std::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, args.port)))
        .with_context(|| format!("cannot listen on 127.0.0.1:{}", args.port))?;
    listener.set_nonblocking(true)?;
    let port = listener.local_addr()?.port();
    let uploads_dir = RunDir::new("tactful-uploads")?;
    let uploads = uploads_dir.0.clone();
    let import_roots = import_roots(&args.import_roots, demo.as_ref().map(|d| d.0.as_path()))?;
    let app = Arc::new(App {
        checker,
        db,
        token: new_token()?,
        origins: [format!("http://127.0.0.1:{port}"), format!("http://localhost:{port}")],
        hosts: [format!("127.0.0.1:{port}"), format!("localhost:{port}")],
        jobs: jobs::Jobs::default(),
        uploads,
        import_roots,
    });
    // Two threads: one slow request (a large draft, a disk write) leaves the other free.
    let rt =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_io().enable_time().build()?;
    // Listen for the signals before saying we run: a stop sent right after
    // the first line must find them.
    let stop = {
        let _in_runtime = rt.enter();
        stop_signal()?
    };
    let url = format!("http://127.0.0.1:{port}/");
    println!("tactful is running at {url} (store: {location}); Ctrl-C stops it");
    println!("API token for scripts (header X-Tactful-Token): {}", app.token);
    if args.open {
        // Best effort: a machine without a desktop still has the URL above.
        let _ = std::process::Command::new("xdg-open")
            .arg(&url)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn();
    }
    let served = app.clone();
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        serve(listener, router(served), stop).await;
        anyhow::Ok(())
    })?;
    // An import runs on a thread of its own, in one transaction: one still
    // running ends with the process, stored whole or not at all.
    let running = app.jobs.unfinished();
    let note = if running > 0 {
        format!(
            " ({running} import(s) were still running: each is stored whole or not at all; run it again to be sure)"
        )
    } else {
        String::new()
    };
    // The terminal may be gone (a closed pipe): stopping is still a success.
    let _ = writeln!(std::io::stdout(), "tactful stopped{note}");
    Ok(0)
}

/// Answer connections until `stop`; then take no new ones and wait for those
/// in progress (an idle kept-alive connection is closed at once).
async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    stop: impl std::future::Future<Output = ()>,
) {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut stop = std::pin::pin!(stop);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Out of file descriptors, say: wait a little rather than spin.
                Err(_) => {
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let service = hyper_util::service::TowerToHyperService::new(router.clone());
        let conn = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(HEADER_TIMEOUT)
            .serve_connection(TokioIo::new(stream), service);
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            // A client that goes away or times out is not our error.
            let _ = conn.await;
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

/// The folders an import by path may read from, resolved (links followed):
/// home, the demo folder, and the ones given. A given folder that is not
/// there is a usage error at start, not a surprise at the first import.
fn import_roots(
    given: &[std::path::PathBuf],
    demo: Option<&std::path::Path>,
) -> Result<Vec<std::path::PathBuf>> {
    let mut roots = Vec::new();
    for dir in given {
        let real =
            dir.canonicalize().ok().filter(|d| d.is_dir()).ok_or_else(|| {
                crate::UsageError(format!("--import-root {}: no such folder", dir.display()))
            })?;
        roots.push(real);
    }
    let home = std::env::var_os("HOME").filter(|h| !h.is_empty()).map(std::path::PathBuf::from);
    roots.extend(
        home.iter()
            .chain(demo.map(std::path::Path::to_path_buf).iter())
            .filter_map(|d| d.canonicalize().ok()),
    );
    Ok(roots)
}

/// Resolves on Ctrl-C (SIGINT) or SIGTERM. Call inside the runtime.
#[cfg(unix)]
fn stop_signal() -> Result<impl std::future::Future<Output = ()> + Send + 'static> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt()).context("cannot listen for Ctrl-C")?;
    let mut terminate = signal(SignalKind::terminate()).context("cannot listen for SIGTERM")?;
    Ok(async move {
        std::future::poll_fn(|cx| {
            if interrupt.poll_recv(cx).is_ready() || terminate.poll_recv(cx).is_ready() {
                std::task::Poll::Ready(())
            } else {
                std::task::Poll::Pending
            }
        })
        .await;
    })
}

/// Resolves on Ctrl-C.
#[cfg(not(unix))]
fn stop_signal() -> Result<impl std::future::Future<Output = ()> + Send + 'static> {
    Ok(async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    })
}

pub fn router(app: Shared) -> Router {
    let all = Router::new()
        .merge(pages::routes())
        .merge(api::routes(&app))
        .layer(DefaultBodyLimit::max(FORM_LIMIT))
        .layer(axum::middleware::from_fn_with_state(app.clone(), guard))
        .with_state(app);
    // Around the whole router, so it sees each answer as sent (a 405 with its `Allow`).
    Router::new().fallback_service(all).layer(axum::middleware::from_fn(api::json_errors))
}

/// A random secret from the operating system's generator, as hex.
fn new_token() -> Result<String> {
    use std::fmt::Write as _;
    let mut b = [0u8; 24];
    getrandom::fill(&mut b)
        .map_err(|e| anyhow::anyhow!("the system gives no random bytes for the session token: {e}"))?;
    Ok(b.iter().fold(String::with_capacity(48), |mut s, x| {
        let _ = write!(s, "{x:02x}");
        s
    }))
}

/// An error as the API answers it: `{"error": {"code", "message"}}`.
pub fn json_error(status: StatusCode, code: &str, message: &str) -> Response {
    (status, axum::Json(serde_json::json!({"error": {"code": code, "message": message}}))).into_response()
}

/// The pages' token rule: every form post changes something, except the
/// draft check's. (The API's routes carry their own rule, in `openapi::ROUTES`.)
fn page_needs_token(method: &Method, path: &str) -> bool {
    !path.starts_with("/api/v1") && !matches!(*method, Method::GET | Method::HEAD) && path != "/check"
}

/// The request carries this run's session token.
pub fn has_token(app: &App, headers: &HeaderMap, query: Option<&str>) -> bool {
    token_of(headers, query).is_some_and(|t| constant_time_eq(t.as_bytes(), app.token.as_bytes()))
}

pub fn missing_token() -> Response {
    json_error(
        StatusCode::FORBIDDEN,
        "missing_token",
        "refused: a request that changes something needs the session token (header X-Tactful-Token); reload the page",
    )
}

fn token_of(headers: &HeaderMap, query: Option<&str>) -> Option<String> {
    if let Some(v) = headers.get("x-tactful-token").and_then(|v| v.to_str().ok()) {
        return Some(v.to_string());
    }
    // HTML forms cannot set headers: they carry the token as a field, which
    // the pages put in the form's action URL.
    query?.split('&').find_map(|kv| kv.strip_prefix("token=")).map(str::to_string)
}

/// Every request passes here. A page open in the same browser on another
/// site can send requests to 127.0.0.1; it cannot read our pages (no CORS),
/// so it cannot learn the token, and its requests carry its own Origin.
async fn guard(State(app): State<Shared>, req: Request, next: Next) -> Response {
    let host = req.headers().get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
    // A DNS name pointed at 127.0.0.1 (rebinding) arrives with a foreign Host.
    if !app.hosts.iter().any(|h| h == host) {
        return json_error(
            StatusCode::FORBIDDEN,
            "wrong_host",
            &format!("this server answers only to {}", app.hosts[0]),
        );
    }
    if let Some(origin) = req.headers().get(header::ORIGIN) {
        let ok = origin.to_str().is_ok_and(|o| app.origins.iter().any(|a| a == o));
        if !ok {
            return json_error(
                StatusCode::FORBIDDEN,
                "cross_origin",
                "refused: this request comes from another site; tactful answers only its own pages",
            );
        }
    }
    if page_needs_token(req.method(), req.uri().path()) && !has_token(&app, req.headers(), req.uri().query())
    {
        return missing_token();
    }
    let report = req.uri().path() == "/report/view";
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    // The report is one self-contained file with its own inline styles and no script.
    let csp = if report {
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"
    } else {
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-src 'self'; frame-ancestors 'none'; base-uri 'none'"
    };
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(csp));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // Not `no-referrer`: with it, Chromium sends `Origin: null` on our own form posts.
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Run store work off the async threads, on a fresh connection.
pub async fn blocking<T: Send + 'static>(
    app: &Shared,
    f: impl FnOnce(&App, &mut dyn tactful_store::Store) -> Result<T> + Send + 'static,
) -> Result<T> {
    let app = app.clone();
    tokio::task::spawn_blocking(move || {
        let mut store = crate::store::open(app.db.as_deref())?;
        f(&app, store.as_mut())
    })
    .await
    .context("the worker stopped")?
}

/// Whose fault an error is: something asked for that is not there (404),
/// a change that clashes with what is stored (409), the caller's input
/// (400), or ours (500).
pub fn status_of(e: &anyhow::Error) -> StatusCode {
    match e.downcast_ref::<tactful_app::Error>() {
        Some(tactful_app::Error::NotFound(_)) => return StatusCode::NOT_FOUND,
        Some(tactful_app::Error::Input(_) | tactful_app::Error::Ambiguous(_)) => {
            return StatusCode::BAD_REQUEST;
        }
        _ => {}
    }
    if e.downcast_ref::<NotFound>().is_some() {
        StatusCode::NOT_FOUND
    } else if e.downcast_ref::<Conflict>().is_some() {
        StatusCode::CONFLICT
    } else if e.downcast_ref::<crate::UsageError>().is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::INTERNAL_SERVER_ERROR
    }
}

/// An error for the API, in the JSON error shape, with the status [`status_of`] gives.
pub fn api_error(e: &anyhow::Error) -> Response {
    if let Some(tactful_app::Error::Ambiguous(a)) = e.downcast_ref::<tactful_app::Error>() {
        // The candidates go with the message, so that a page can offer a picker.
        let body = serde_json::json!({"error": {"code": "ambiguous", "message": a.to_string(), "candidates": a.candidates, "total": a.total}});
        return (StatusCode::BAD_REQUEST, axum::Json(body)).into_response();
    }
    match status_of(e) {
        StatusCode::NOT_FOUND => json_error(StatusCode::NOT_FOUND, "not_found", &e.to_string()),
        StatusCode::CONFLICT => json_error(StatusCode::CONFLICT, "conflict", &e.to_string()),
        StatusCode::BAD_REQUEST => json_error(StatusCode::BAD_REQUEST, "bad_request", &e.to_string()),
        _ => json_error(StatusCode::INTERNAL_SERVER_ERROR, "internal", &format!("{e:#}")),
    }
}

/// Something asked for by id that is not there: 404.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct NotFound(pub String);

/// Asked of something in the wrong state (stopping a session that is not running): 409.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Conflict(pub String);

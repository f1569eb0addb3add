//! `tactful company apikey …` and `tactful company serve`: integrations send
//! their feed to `POST /api/v1/company/ingest`, drafts for pre-approval to
//! `/drafts` and peer reports to `/reports`, each with their own API key
//! (`Authorization: Bearer KEY`); the key is shown once when made and kept
//! only as a hash. Every answer is JSON; an error is `{"error": {"code",
//! "message"}}` with a status that says whose it is. Beside them it mounts
//! the console (its pages, and its JSON API for people with personal keys);
//! the OpenAPI document of both APIs is at `/api/v1/company/openapi.json`.

use anyhow::{Context, Result};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use std::io::Write;
use std::sync::Arc;

use tactful_company::feed::Format;
use tactful_company::{Actor, DEFAULT_COMPANY, Error, apikey, draft, ingest, peer};

use super::{Who, open, usage};
use crate::store::{StoreArg, show_time};
use crate::table::table;

#[derive(clap::Subcommand)]
pub enum ApiKeyCommand {
    /// Make a key for an integration: shown once, kept only as a hash.
    Create {
        /// The integration's name (the audit log records it as `api:NAME`).
        #[arg(value_name = "NAME")]
        integration: String,
        #[command(flatten)]
        who: Who,
        #[command(flatten)]
        db: StoreArg,
    },
    /// Revoke an integration's key: its requests are refused from now on.
    Revoke {
        #[arg(value_name = "NAME")]
        integration: String,
        #[command(flatten)]
        who: Who,
        #[command(flatten)]
        db: StoreArg,
    },
    /// The keys: name, prefix, made, revoked.
    List {
        #[command(flatten)]
        db: StoreArg,
    },
}

/// The largest feed one request may send.
const BODY_LIMIT: usize = 256 * 1024 * 1024;

pub fn apikey_command(c: &ApiKeyCommand) -> Result<u8> {
    let mut out = std::io::stdout().lock();
    match c {
        ApiKeyCommand::Create { integration: name, who, db } => {
            let secret = new_secret()?;
            let mut store = open(db)?;
            let k = apikey::create(store.people(), &who.actor(), name, &secret).map_err(usage)?;
            writeln!(out, "API key for `{}` (shown once; only its hash is kept):\n{secret}", k.name)?;
        }
        ApiKeyCommand::Revoke { integration: name, who, db } => {
            let mut store = open(db)?;
            let k = apikey::revoke(store.people(), &who.actor(), name).map_err(usage)?;
            writeln!(out, "API key `{}` ({}…) revoked", k.name, k.prefix)?;
        }
        ApiKeyCommand::List { db } => {
            let mut store = open(db)?;
            let keys = apikey::list(store.people(), DEFAULT_COMPANY)?;
            table!(out, "{:<24} {:<12} {:<16}  {}", ["NAME", "PREFIX", "MADE", "REVOKED"], &keys, |k| [
                k.name,
                k.prefix,
                show_time(k.created_at),
                k.revoked_at.map_or_else(|| "-".into(), show_time)
            ]);
        }
    }
    Ok(0)
}

/// `tk_` and 48 hex digits from the operating system's generator.
fn new_secret() -> Result<String> {
    use std::fmt::Write as _;
    let mut b = [0u8; 24];
    getrandom::fill(&mut b)
        .map_err(|e| anyhow::anyhow!("the system gives no random bytes for a key: {e}"))?;
    Ok(b.iter().fold(String::from("tk_"), |mut s, x| {
        let _ = write!(s, "{x:02x}");
        s
    }))
}

struct Server {
    location: String,
    /// The company's packs and policy, for drafts checked on arrival.
    checker: tactful_app::Checker,
    policy: tactful_company::policy::Policy,
    limits: peer::Limits,
}

const ROUTES: &str = "POST /api/v1/company/ingest, /api/v1/company/drafts, /api/v1/company/reports; the people's API and its OpenAPI document at /api/v1/company/openapi.json";

/// The largest draft or report one request may send (their fields have caps of their own).
const SMALL_BODY_LIMIT: usize = 64 * 1024;

pub fn serve(
    listen: &str,
    judge: &super::Judge,
    reports_per_hour: i64,
    secure_cookie: bool,
    db: &StoreArg,
) -> Result<u8> {
    // Open (and migrate) once before serving: a bad store fails here.
    let mut store = open(db)?;
    tactful_console::schema::migrate(store.people())?;
    let location = store.location();
    let (checker, policy) = judge.load(store.people())?;
    // Drafts sent for approval through the API are read in context when the
    // model is installed (bulk scans never are).
    let checker = checker.with_context(tactful_app::context::installed()?);
    drop(store);
    let listener =
        std::net::TcpListener::bind(listen).with_context(|| format!("cannot listen on {listen}"))?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let app = app(
        Server {
            location: location.clone(),
            checker,
            policy,
            limits: peer::Limits { per_hour: reports_per_hour },
        },
        secure_cookie,
        tactful_app::clock::now,
    );
    let rt = tokio::runtime::Builder::new_current_thread().enable_io().build()?;
    {
        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "listening on http://{addr} (store: {location}): {ROUTES}; the console at http://{addr}/login; Ctrl-C stops it"
        )?;
        out.flush()?;
    }
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await?;
        anyhow::Ok(())
    })?;
    Ok(0)
}

/// The integrations' routes, the console's pages and the console's API, on one router.
fn app(server: Server, secure_cookie: bool, now: fn() -> i64) -> Router {
    let small = || DefaultBodyLimit::max(SMALL_BODY_LIMIT);
    let location = server.location.clone();
    Router::new()
        .route(
            "/api/v1/company/ingest",
            axum::routing::post(ingest_feed).layer(DefaultBodyLimit::max(BODY_LIMIT)),
        )
        .route("/api/v1/company/drafts", axum::routing::post(submit_draft).layer(small()))
        .route("/api/v1/company/reports", axum::routing::post(peer_report).layer(small()))
        .fallback(|| async {
            failure(StatusCode::NOT_FOUND, "not_found", &format!("no such endpoint: {ROUTES}"))
        })
        .with_state(Arc::new(server))
        // The console's pages (log in at /login) and its API, beside the integrations' API.
        .merge(tactful_console::web::router(tactful_console::web::Console {
            store: location,
            company: tactful_company::DEFAULT_COMPANY,
            secure_cookie,
            now,
        }))
}

fn failure(status: StatusCode, code: &str, message: &str) -> Response {
    (status, axum::Json(serde_json::json!({ "error": { "code": code, "message": message } }))).into_response()
}

/// What a request's work answers: a JSON body with its status, or a refusal.
type Answer = Result<Result<(StatusCode, serde_json::Value), Response>>;

/// Check the request's integration key, then do `work` on a thread of its
/// own with a connection of its own (the store is blocking I/O), acting as
/// `api:NAME`. Every endpoint goes through here.
async fn with_key(
    server: Arc<Server>,
    headers: &HeaderMap,
    work: impl FnOnce(&Server, &mut dyn tactful_store::people::Db, Actor, &str) -> Answer + Send + 'static,
) -> Response {
    let Some(key) = tactful_console::web::bearer(headers) else {
        return failure(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "send the integration's key: Authorization: Bearer KEY",
        );
    };
    let done = tokio::task::spawn_blocking(move || -> Answer {
        let mut store = crate::store::open(Some(&server.location))?;
        let db = store.people();
        let Some(k) = apikey::check(db, DEFAULT_COMPANY, &key)? else {
            return Ok(Err(failure(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "this key is not known, or was revoked",
            )));
        };
        let actor =
            Actor { company: DEFAULT_COMPANY, who: format!("api:{}", k.name), at: tactful_app::clock::now() };
        work(&server, db, actor, &k.name)
    })
    .await;
    match done {
        Ok(Ok(Ok((status, body)))) => (status, axum::Json(body)).into_response(),
        Ok(Ok(Err(refused))) => refused,
        Ok(Err(e)) => failure(StatusCode::INTERNAL_SERVER_ERROR, "store", &format!("{e:#}")),
        Err(e) => failure(StatusCode::INTERNAL_SERVER_ERROR, "internal", &e.to_string()),
    }
}

/// A JSON body, or a 400 `code` naming what is wrong with it.
fn json_body<T: serde::de::DeserializeOwned>(body: &[u8], code: &str) -> Result<T, Box<Response>> {
    serde_json::from_slice(body).map_err(|e| {
        Box::new(failure(StatusCode::BAD_REQUEST, code, &format!("the body is not the JSON expected: {e}")))
    })
}

#[derive(serde::Deserialize)]
struct Params {
    format: Option<String>,
}

async fn ingest_feed(
    State(server): State<Arc<Server>>,
    Query(params): Query<Params>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let csv = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/csv"));
    let format = match params.format.as_deref() {
        Some("csv") => Format::Csv,
        Some("jsonl") => Format::Jsonl,
        Some(other) => {
            return failure(
                StatusCode::BAD_REQUEST,
                "bad_format",
                &format!("format: expected csv or jsonl, found `{other}`"),
            );
        }
        None if csv => Format::Csv,
        None => Format::Jsonl,
    };
    with_key(server, &headers, move |_, db, actor, name| {
        let file = format!("api:{name}@{}", tactful_app::clock::rfc3339(actor.at));
        match ingest::ingest(db, &actor, &file, &body[..], format, ingest::Options::default()) {
            Ok(s) => Ok(Ok((StatusCode::OK, serde_json::to_value(s)?))),
            Err(e @ (Error::Format { .. } | Error::Read { .. })) => {
                Ok(Err(failure(StatusCode::BAD_REQUEST, "bad_feed", &e.to_string())))
            }
            Err(e) => Err(e.into()),
        }
    })
    .await
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct DraftBody {
    distributor: String,
    text: String,
}

/// A distributor's draft, checked at once: 201 with the draft and its findings.
async fn submit_draft(State(server): State<Arc<Server>>, headers: HeaderMap, body: Bytes) -> Response {
    let d: DraftBody = match json_body(&body, "bad_draft") {
        Ok(d) => d,
        Err(r) => return *r,
    };
    with_key(server, &headers, move |server, db, actor, _| {
        match draft::submit(db, &actor, &server.checker, &server.policy, d.distributor.trim(), &d.text) {
            Ok(d) => Ok(Ok((StatusCode::CREATED, serde_json::to_value(d)?))),
            Err(e @ (Error::Input(_) | Error::UnknownDistributor(_))) => {
                Ok(Err(failure(StatusCode::BAD_REQUEST, "bad_draft", &e.to_string())))
            }
            Err(e) => Err(e.into()),
        }
    })
    .await
}

/// A peer report: 201 with the case it opened or joined.
async fn peer_report(State(server): State<Arc<Server>>, headers: HeaderMap, body: Bytes) -> Response {
    let r: peer::Report = match json_body(&body, "bad_report") {
        Ok(r) => r,
        Err(r) => return *r,
    };
    with_key(server, &headers, move |server, db, actor, _| {
        match peer::receive(db, &actor, server.limits, &r) {
            Ok(Ok(received)) => Ok(Ok((StatusCode::CREATED, serde_json::to_value(received)?))),
            Ok(Err(e @ peer::Refused::RateLimited { .. })) => {
                Ok(Err(failure(StatusCode::TOO_MANY_REQUESTS, "rate_limited", &e.to_string())))
            }
            Ok(Err(e)) => Ok(Err(failure(StatusCode::BAD_REQUEST, "bad_report", &e.to_string()))),
            Err(Error::Input(m)) => Ok(Err(failure(StatusCode::BAD_REQUEST, "bad_report", &m))),
            Err(e) => Err(e.into()),
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    //! The OpenAPI document against a real server on 127.0.0.1: every route
    //! it lists answers a valid request with the right key as it says, and
    //! every route of the console's API is in it.

    use std::io::{Read, Write};

    use super::{Server, app, peer};
    use tactful_company::Actor;

    const NOW: i64 = 1_795_000_000;

    fn now() -> i64 {
        NOW
    }

    fn send(port: u16, method: &str, path: &str, key: Option<&str>, body: &str) -> (u16, String) {
        let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.set_read_timeout(Some(std::time::Duration::from_secs(30))).unwrap();
        let auth = key.map(|k| format!("Authorization: Bearer {k}\r\n")).unwrap_or_default();
        let kind = if body.starts_with('{') && !body.contains("post_id") {
            "application/json"
        } else {
            "application/x-ndjson"
        };
        let req = format!(
            "{} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Type: {kind}\r\nContent-Length: {}\r\n{auth}\r\n{body}",
            method.to_ascii_uppercase(),
            body.len()
        );
        s.write_all(req.as_bytes()).unwrap();
        let mut raw = String::new();
        s.read_to_string(&mut raw).unwrap();
        let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
        (head.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0), body.to_string())
    }

    #[test]
    fn every_route_in_the_company_openapi_document_answers_on_a_real_server() {
        let path = tactful_store::testing::sqlite_path("company-openapi");
        let location = path.display().to_string();
        let mut store = crate::store::open(Some(&location)).unwrap();
        let db = store.people();
        tactful_console::schema::migrate(db).unwrap();
        let actor = Actor { company: 1, who: "officer@example.com".into(), at: NOW - 600 };
        let read = |f: &str| {
            std::fs::read(format!("{}/../../examples/company/{f}", env!("CARGO_MANIFEST_DIR"))).unwrap()
        };
        tactful_company::roster::import(db, &actor, "roster.csv", read("roster.csv").as_slice()).unwrap();
        let feed = read("feed.jsonl");
        let jsonl = tactful_company::feed::Format::Jsonl;
        tactful_company::ingest::ingest(
            db,
            &actor,
            "feed.jsonl",
            feed.as_slice(),
            jsonl,
            tactful_company::ingest::Options::default(),
        )
        .unwrap();
        tactful_company::worker::Worker::new(
            tactful_app::Checker::builtin(),
            tactful_company::policy::Policy::default(),
            "w",
        )
        .run(db, 1, &|| NOW - 300, &mut |_| {})
        .unwrap();
        let filter = tactful_company::cases::Filter {
            status: Some(tactful_company::case::Status::New.into()),
            ..Default::default()
        };
        let case = tactful_company::cases::list(db, 1, &filter).unwrap().cases[0].id;
        let inv = tactful_console::accounts::invite(
            db,
            &actor,
            "admin@example.com",
            "Admin",
            tactful_console::Role::Admin,
            None,
        )
        .unwrap();
        let admin = tactful_console::accounts::accept(db, &inv.token, "correct horse battery", NOW).unwrap();
        let personal = tactful_console::keys::create(db, &actor, admin.id, "test").unwrap().secret;
        let integration = super::new_secret().unwrap();
        tactful_company::apikey::create(db, &actor, "listener", &integration).unwrap();
        drop(store);

        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        listener.set_nonblocking(true).unwrap();
        let server = Server {
            location,
            checker: tactful_app::Checker::builtin(),
            policy: tactful_company::policy::Policy::default(),
            limits: peer::Limits { per_hour: 100 },
        };
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_io().build().unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                axum::serve(listener, app(server, false, now)).await.unwrap();
            });
        });

        let (status, body) = send(port, "get", "/api/v1/company/openapi.json", None, "");
        assert_eq!(status, 200);
        let doc: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(doc["openapi"], "3.1.0");
        assert!(doc["components"]["securitySchemes"]["personalKey"].is_object());
        assert!(doc["components"]["securitySchemes"]["integrationKey"].is_object());
        // Every console route the router serves is in the document (the router is built from this list).
        for r in tactful_console::openapi::CONSOLE_ROUTES {
            assert!(
                doc["paths"][r.path][r.method.name()].is_object(),
                "{} {} is not in the document",
                r.method.name(),
                r.path
            );
        }
        let mut tried = 0;
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                let key =
                    match op["security"][0].as_object().and_then(|o| o.keys().next().cloned()).as_deref() {
                        Some("personalKey") => Some(personal.as_str()),
                        Some("integrationKey") => Some(integration.as_str()),
                        _ => None,
                    };
                let body = match path.as_str() {
                    "/api/v1/company/cases/{id}/status" => r#"{"status":"in_review"}"#,
                    "/api/v1/company/ingest" => {
                        r#"{"network":"instagram","post_id":"p900","author_handle":"@maya.glow","posted_at":"2026-11-20T09:00:00Z","text":"A walk by the sea."}"#
                    }
                    "/api/v1/company/drafts" => {
                        r#"{"distributor":"D3","text":"Our new tea tastes of mint."}"#
                    }
                    "/api/v1/company/reports" => {
                        r#"{"url":"https://instagram.com/p/p2","reason":"a cure claim"}"#
                    }
                    _ => "",
                };
                let url = path.replace("{id}", &case.to_string());
                let (status, answer) = send(port, method, &url, key, body);
                let ok: Vec<u16> = op["responses"]
                    .as_object()
                    .unwrap()
                    .keys()
                    .filter_map(|k| k.parse().ok())
                    .filter(|s| *s < 300)
                    .collect();
                assert!(
                    ok.contains(&status),
                    "{method} {path}: {status} {answer} (the document says {ok:?})"
                );
                if key.is_some() {
                    let (status, _) = send(port, method, &url, None, body);
                    assert_eq!(status, 401, "{method} {path} without a key");
                }
                tried += 1;
            }
        }
        assert_eq!(
            tried,
            tactful_console::openapi::CONSOLE_ROUTES.len()
                + tactful_console::openapi::INTEGRATION_ROUTES.len()
        );
    }
}

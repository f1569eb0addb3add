//! The OpenAPI document at `/api/v1/openapi.json`, built from one list of
//! routes. A test walks this list over real HTTP, so a route added to the
//! router and not here (or the other way round) fails the build's tests.

use serde_json::{Map, Value, json};

pub struct Route {
    pub method: &'static str,
    pub path: &'static str,
    pub summary: &'static str,
    /// The request body, described in words, when there is one.
    pub body: Option<(&'static str, Value)>,
    /// Changes something: needs the session token.
    pub token: bool,
    /// The success status.
    pub status: u16,
}

fn obj(props: &[(&str, &str)], required: &[&str]) -> Value {
    let mut p = Map::new();
    for (name, ty) in props {
        let schema = match *ty {
            "string?" => json!({"type": ["string", "null"]}),
            t => json!({"type": t}),
        };
        p.insert((*name).to_string(), schema);
    }
    json!({"type": "object", "properties": p, "required": required})
}

pub fn routes() -> Vec<Route> {
    let r = |method, path, summary, token, status| Route { method, path, summary, body: None, token, status };
    let b = |method, path, summary, body: (&'static str, Value), token, status| Route {
        method,
        path,
        summary,
        body: Some(body),
        token,
        status,
    };
    vec![
        r("get", "/api/v1/openapi.json", "This document.", false, 200),
        b(
            "post",
            "/api/v1/check",
            "Check a draft: the findings, with the same fields as `tactful check --format json`. Changes nothing, so it needs no token.",
            (
                "The draft, its channel (post, comment, dm, bio; default post) and, for the pitch gate, the person it is for.",
                obj(&[("text", "string"), ("channel", "string?"), ("to", "string?")], &["text"]),
            ),
            false,
            200,
        ),
        r(
            "get",
            "/api/v1/rules",
            "Every rule: code, name, category, severity, channels, pack, message.",
            false,
            200,
        ),
        r(
            "get",
            "/api/v1/rules/{code}",
            "One rule with its explanation, hint, references and examples.",
            false,
            200,
        ),
        b(
            "post",
            "/api/v1/packs/test",
            "Parse a company pack and run its examples (nothing is installed).",
            (
                "The pack's TOML text and a file name for messages.",
                obj(&[("name", "string?"), ("source", "string")], &["source"]),
            ),
            true,
            200,
        ),
        b(
            "post",
            "/api/v1/import",
            "Import an export from a path on this computer; answers a job to follow.",
            (
                "The path of a .zip, a folder, or a .csv/.jsonl file; optional format, owner handle and network.",
                obj(
                    &[
                        ("path", "string"),
                        ("format", "string?"),
                        ("owner", "string?"),
                        ("network", "string?"),
                    ],
                    &["path"],
                ),
            ),
            true,
            202,
        ),
        b(
            "post",
            "/api/v1/import/upload",
            "Import an uploaded export (the request body is the file; query: name, format, owner, network); answers a job to follow.",
            ("The export file's bytes.", json!({"type": "string", "format": "binary"})),
            true,
            202,
        ),
        r(
            "get",
            "/api/v1/jobs/{id}",
            "An import's progress (records, percent, time left) and, when done, its summary or error.",
            false,
            200,
        ),
        r(
            "get",
            "/api/v1/contacts",
            "Contacts on the relationship curve (query: q to search, stage to filter).",
            false,
            200,
        ),
        r(
            "get",
            "/api/v1/contacts/{id}",
            "One contact: stage and reasons, give and ask, consent, next step, timeline.",
            false,
            200,
        ),
        b(
            "post",
            "/api/v1/contacts/{id}/mark",
            "Mark a contact as a customer or team member, or clear the mark (null).",
            (
                "The mark (customer, team or null) and from when it holds (YYYY-MM-DD, default today).",
                obj(&[("mark", "string?"), ("since", "string?")], &["mark"]),
            ),
            true,
            200,
        ),
        b(
            "post",
            "/api/v1/contacts/{id}/consent",
            "Record an opt-in the person gave themselves (pending until they send back the code). Refused when it is not consent: a connection, a bought list, or someone else's message as evidence.",
            (
                "What they agreed to (newsletter, product-updates, opportunity), how (message, form, email-reply, in-person), their words, and optionally the stored message.",
                obj(
                    &[
                        ("purpose", "string"),
                        ("source", "string"),
                        ("evidence", "string"),
                        ("item", "integer"),
                    ],
                    &["purpose", "source", "evidence"],
                ),
            ),
            true,
            200,
        ),
        b(
            "post",
            "/api/v1/contacts/{id}/consent/withdraw",
            "Withdraw a contact's opt-in for one purpose or all; respected everywhere at once.",
            (
                "The purpose (absent: every purpose) and a note.",
                obj(&[("purpose", "string?"), ("note", "string?")], &[]),
            ),
            true,
            200,
        ),
        b(
            "post",
            "/api/v1/consent/confirm",
            "Confirm an opt-in with the code the person sent back (double opt-in).",
            ("The code.", obj(&[("code", "string")], &["code"])),
            true,
            200,
        ),
        r(
            "get",
            "/api/v1/inbox",
            "Customer requests without an answer and conversations waiting for you, oldest first.",
            false,
            200,
        ),
        r(
            "get",
            "/api/v1/scan",
            "Your own past posts, comments and messages with findings, worst first (query: limit).",
            false,
            200,
        ),
        r(
            "get",
            "/api/v1/history",
            "Stored items, newest first (query: q to search the text, limit).",
            false,
            200,
        ),
        r(
            "get",
            "/api/v1/plan",
            "Your plan: goals, market, networks, session minutes, promotional limit.",
            false,
            200,
        ),
        b(
            "put",
            "/api/v1/plan",
            "Replace your plan.",
            (
                "The whole plan.",
                obj(
                    &[
                        ("goals", "array"),
                        ("market", "string"),
                        ("networks", "array"),
                        ("session_minutes", "integer"),
                        ("max_promotional_percent", "integer"),
                    ],
                    &["goals", "market", "networks", "session_minutes", "max_promotional_percent"],
                ),
            ),
            true,
            200,
        ),
        r("get", "/api/v1/session", "Today's time box and your streak.", false, 200),
        r("post", "/api/v1/session/start", "Start today's session.", true, 200),
        r("post", "/api/v1/session/stop", "Stop the running session.", true, 200),
        r(
            "get",
            "/api/v1/today",
            "Today's list: who waits for an answer, whom to give to, pitches to hold back, the time box and streak (query: limit, quiet_days).",
            false,
            200,
        ),
        r(
            "get",
            "/api/v1/report",
            "The period's figures as the terminal summary (query: month=YYYY-MM, or from and to as YYYY-MM-DD); the HTML is at /report/view.",
            false,
            200,
        ),
    ]
}

pub fn document() -> Value {
    let mut paths = Map::new();
    for r in routes() {
        let mut op = Map::new();
        op.insert("summary".into(), json!(r.summary));
        let params: Vec<Value> = r
            .path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
            .collect();
        if !params.is_empty() {
            op.insert("parameters".into(), json!(params));
        }
        if let Some((desc, schema)) = &r.body {
            let media =
                if r.path.ends_with("/upload") { "application/octet-stream" } else { "application/json" };
            op.insert(
                "requestBody".into(),
                json!({"required": true, "description": desc, "content": {media: {"schema": schema}}}),
            );
        }
        if r.token {
            op.insert("security".into(), json!([{"sessionToken": []}]));
        }
        let error = json!({"description": "An error with a code and a message.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
        op.insert(
            "responses".into(),
            json!({ r.status.to_string(): {"description": "Success.", "content": {"application/json": {"schema": {"type": "object"}}}}, "default": error }),
        );
        let entry = paths.entry(r.path.to_string()).or_insert_with(|| json!({}));
        entry.as_object_mut().expect("object").insert(r.method.into(), Value::Object(op));
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "tactful",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The local tactful server. It answers only on 127.0.0.1, refuses requests from other sites (403), and needs the session token (header X-Tactful-Token, printed by `tactful serve` and in each page's meta tag) for anything that changes your store.",
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "securitySchemes": {"sessionToken": {"type": "apiKey", "in": "header", "name": "X-Tactful-Token"}},
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}},
                },
            },
        },
    })
}

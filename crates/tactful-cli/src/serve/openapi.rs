//! The JSON API's routes, listed once (`ROUTES`), and the OpenAPI document
//! built from that list. Each route says here, and only here, its method and
//! path, its handler, whether it needs the session token, its query
//! parameters (type, allowed values, range, default), its request body and
//! size limit, and its answer. `api::routes` builds the router from the list
//! and checks every request against its route (token, query, body) before
//! the handler runs; `document` writes the same list as OpenAPI 3.1. A test
//! holds the running server to the document, route by route and method by
//! method.

use axum::routing::{MethodFilter, MethodRouter, on};
use serde_json::{Map, Value, json};

use super::{Shared, api};

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Verb {
    Get,
    Post,
    Put,
}

impl Verb {
    pub fn filter(self) -> MethodFilter {
        match self {
            Verb::Get => MethodFilter::GET,
            Verb::Post => MethodFilter::POST,
            Verb::Put => MethodFilter::PUT,
        }
    }

    /// As the OpenAPI document writes it.
    pub fn name(self) -> &'static str {
        match self {
            Verb::Get => "get",
            Verb::Post => "post",
            Verb::Put => "put",
        }
    }
}

/// What a request carries.
#[derive(Clone, Copy)]
pub enum Body {
    None,
    /// A JSON document (`application/json`) described by the named schema.
    Json(&'static str),
    /// A file's bytes, written to disk as they arrive.
    File,
}

/// A query parameter.
pub struct Param {
    pub name: &'static str,
    pub kind: Kind,
    pub about: &'static str,
}

/// What a query parameter's value may be. Anything else is a 400 naming the parameter.
#[derive(Clone, Copy)]
pub enum Kind {
    Text,
    /// One of these words, exactly.
    OneOf(fn() -> Vec<&'static str>),
    /// A whole number in `min..=max`; `default` when absent.
    Int {
        min: u64,
        max: u64,
        default: u64,
    },
    /// `YYYY-MM`.
    Month,
    /// `YYYY-MM-DD`, a day that exists.
    Date,
}

type Handler = fn(MethodFilter) -> MethodRouter<Shared>;

pub struct Route {
    pub verb: Verb,
    pub path: &'static str,
    pub handler: Handler,
    pub summary: &'static str,
    /// Changes something: needs the session token.
    pub token: bool,
    pub query: &'static [Param],
    pub body: Body,
    /// The largest body, in bytes.
    pub limit: usize,
    /// The success status and the schema of its answer.
    pub status: u16,
    pub answer: &'static str,
    /// Errors of this route's own, beyond those every route may give.
    pub errors: &'static [(u16, &'static str)],
}

/// A draft, a plan, an opt-in: small JSON documents.
pub const JSON_LIMIT: usize = 256 * 1024;
/// A company pack's TOML source.
const PACK_LIMIT: usize = 2 * 1024 * 1024;
/// An uploaded export (a zip), streamed to disk.
pub const UPLOAD_LIMIT: usize = 1024 * 1024 * 1024;

const fn route(
    verb: Verb,
    path: &'static str,
    summary: &'static str,
    answer: &'static str,
    handler: Handler,
) -> Route {
    Route {
        verb,
        path,
        handler,
        summary,
        token: false,
        query: &[],
        body: Body::None,
        limit: JSON_LIMIT,
        status: 200,
        answer,
        errors: &[],
    }
}

impl Route {
    const fn token(self) -> Route {
        Route { token: true, ..self }
    }
    const fn query(self, query: &'static [Param]) -> Route {
        Route { query, ..self }
    }
    const fn json(self, schema: &'static str) -> Route {
        Route { body: Body::Json(schema), ..self }
    }
    const fn file(self) -> Route {
        Route { body: Body::File, limit: UPLOAD_LIMIT, ..self }
    }
    const fn limit(self, limit: usize) -> Route {
        Route { limit, ..self }
    }
    const fn status(self, status: u16) -> Route {
        Route { status, ..self }
    }
    const fn errors(self, errors: &'static [(u16, &'static str)]) -> Route {
        Route { errors, ..self }
    }

    /// The `{name}`s in the path.
    pub fn path_params(&self) -> impl Iterator<Item = &'static str> {
        self.path.split('/').filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
    }
}

fn stages() -> Vec<&'static str> {
    tactful_core::relationships::Stage::ALL.iter().map(|s| s.as_str()).collect()
}

pub fn networks() -> Vec<&'static str> {
    tactful_core::history::Network::ALL.iter().map(|n| n.as_str()).collect()
}

/// The names `tactful import --format` takes (a test checks each parses).
pub fn formats() -> Vec<&'static str> {
    vec!["facebook", "instagram", "x", "linkedin", "csv", "jsonl"]
}

pub fn channels() -> Vec<&'static str> {
    tactful_core::Channel::ALL.iter().map(|c| c.as_str()).collect()
}

pub fn purposes() -> Vec<&'static str> {
    tactful_core::consent::Purpose::ALL.iter().map(|p| p.as_str()).collect()
}

/// The ways of opting in that are the person's own choice.
pub fn opt_in_sources() -> Vec<&'static str> {
    vec!["message", "form", "email-reply", "in-person"]
}

const fn limit(default: u64, max: u64, about: &'static str) -> Param {
    Param { name: "limit", kind: Kind::Int { min: 1, max, default }, about }
}

const SEARCH: Param = Param { name: "q", kind: Kind::Text, about: "Only those whose text contains this." };

pub static ROUTES: &[Route] = &[
    route(Verb::Get, "/api/v1/openapi.json", "This document.", "OpenApi", |m| on(m, api::openapi)),
    route(
        Verb::Post,
        "/api/v1/check",
        "Check a draft: the findings, with the same fields as `tactful check --format json`. Changes nothing, so it needs no token. A draft is at most 256 KiB.",
        "CheckResult",
        |m| on(m, api::check),
    )
    .json("CheckRequest")
    .errors(&[(400, "A bad field, named in the message; also `to` (the pitch gate) with a channel other than dm or comment, or a `to` that names nobody or several people.")]),
    route(
        Verb::Get,
        "/api/v1/rules",
        "Every rule: code, name, category, severity, channels, pack, message.",
        "RuleList",
        |m| on(m, api::rules),
    ),
    route(
        Verb::Get,
        "/api/v1/rules/{code}",
        "One rule with its explanation, hint, references and examples.",
        "RuleDetail",
        |m| on(m, api::rule),
    ),
    route(
        Verb::Post,
        "/api/v1/packs/test",
        "Parse a company pack and run its examples (nothing is installed).",
        "PackResult",
        |m| on(m, api::test_pack),
    )
    .token()
    .json("PackRequest")
    .limit(PACK_LIMIT)
    .errors(&[(422, "The pack is not a valid pack: the message names the file, line and field.")]),
    route(
        Verb::Post,
        "/api/v1/import",
        "Import an export from a path on this computer; answers a job to follow. Only paths under your home folder, the demo folder (with --demo) or a folder given with `tactful serve --import-root DIR` are read.",
        "JobStarted",
        |m| on(m, api::import_path),
    )
    .token()
    .json("ImportRequest")
    .status(202)
    .errors(&[
        (403, "The path is outside the folders tactful may import from (`outside_import_roots`), or the request came from another site or without the token."),
        (404, "Nothing is at that path."),
    ]),
    route(
        Verb::Post,
        "/api/v1/import/upload",
        "Import an uploaded export (the request body is the file, at most 1 GiB, written to disk as it arrives); answers a job to follow.",
        "JobStarted",
        |m| on(m, api::import_upload),
    )
    .token()
    .file()
    .status(202)
    .query(&[
        Param { name: "name", kind: Kind::Text, about: "The file's name: its extension tells the importer what it is (default export.zip)." },
        Param { name: "format", kind: Kind::OneOf(formats), about: "The format, when detection guesses wrong." },
        Param { name: "owner", kind: Kind::Text, about: "Your handle, when the export does not say who you are." },
        Param { name: "network", kind: Kind::OneOf(networks), about: "The network of a .csv or .jsonl file." },
    ])
    .errors(&[(400, "The upload is empty or was cut off, or a query parameter is wrong.")]),
    route(
        Verb::Get,
        "/api/v1/jobs/{id}",
        "An import's progress (records, percent, time left) and, when done, its summary or error.",
        "Job",
        |m| on(m, api::job),
    ),
    route(
        Verb::Get,
        "/api/v1/contacts",
        "Contacts on the relationship curve, with the count per stage.",
        "ContactList",
        |m| on(m, api::contacts),
    )
    .query(&[
        Param { name: "q", kind: Kind::Text, about: "Only those whose name or handle contains this." },
        Param { name: "stage", kind: Kind::OneOf(stages), about: "Only those at this stage." },
    ]),
    route(
        Verb::Get,
        "/api/v1/contacts/{id}",
        "One contact: stage and reasons, give and ask, consent, next step, timeline.",
        "Contact",
        |m| on(m, api::contact),
    ),
    route(
        Verb::Post,
        "/api/v1/contacts/{id}/mark",
        "Mark a contact as a customer or team member, or clear the mark (null or `none`).",
        "MarkResult",
        |m| on(m, api::mark),
    )
    .token()
    .json("MarkRequest"),
    route(
        Verb::Post,
        "/api/v1/contacts/{id}/consent",
        "Record an opt-in the person gave themselves (pending until they send back the code). Refused (400) when it is not consent: a connection, a bought list, evidence under 10 characters, or a stored message that is not theirs as evidence.",
        "ConsentAdded",
        |m| on(m, api::consent_add),
    )
    .token()
    .json("ConsentRequest")
    .errors(&[(400, "A bad field, named in the message, or a refusal: what was given is not the person's own opt-in (the message says why), or `item` is not a stored message.")]),
    route(
        Verb::Post,
        "/api/v1/contacts/{id}/consent/withdraw",
        "Withdraw a contact's opt-in for one purpose or all; respected everywhere at once.",
        "Withdrawn",
        |m| on(m, api::consent_withdraw),
    )
    .token()
    .json("WithdrawRequest"),
    route(
        Verb::Post,
        "/api/v1/consent/confirm",
        "Confirm an opt-in with the code the person sent back (double opt-in).",
        "Confirmed",
        |m| on(m, api::consent_confirm),
    )
    .token()
    .json("ConfirmRequest")
    .errors(&[(404, "No opt-in has that code."), (400, "The opt-in with that code is not pending any more.")]),
    route(
        Verb::Get,
        "/api/v1/inbox",
        "Customer requests without an answer and conversations waiting for you, oldest first.",
        "Inbox",
        |m| on(m, api::inbox),
    ),
    route(
        Verb::Get,
        "/api/v1/scan",
        "Your own past posts, comments and messages with findings, worst first.",
        "Scan",
        |m| on(m, api::scan),
    )
    .query(&[limit(50, 1000, "How many flagged items to list.")]),
    route(Verb::Get, "/api/v1/history", "Stored items, newest first.", "History", |m| on(m, api::history))
        .query(&[SEARCH, limit(100, 1000, "How many items to list.")]),
    route(
        Verb::Get,
        "/api/v1/plan",
        "Your plan: goals, market, networks, session minutes, promotional limit.",
        "Plan",
        |m| on(m, api::plan),
    ),
    route(
        Verb::Put,
        "/api/v1/plan",
        "Replace your plan (a field left out takes its default).",
        "Plan",
        |m| on(m, api::set_plan),
    )
    .token()
    .json("Plan"),
    route(Verb::Get, "/api/v1/session", "Today's time box and your streak.", "Session", |m| on(m, api::session)),
    route(Verb::Post, "/api/v1/session/start", "Start today's session.", "Session", |m| {
        on(m, api::session_start)
    })
    .token(),
    route(Verb::Post, "/api/v1/session/stop", "Stop the running session.", "Session", |m| {
        on(m, api::session_stop)
    })
    .token()
    .errors(&[(409, "No session is running.")]),
    route(
        Verb::Get,
        "/api/v1/today",
        "Today's list: who waits for an answer, whom to give to, pitches to hold back, the time box and streak.",
        "Today",
        |m| on(m, api::today),
    )
    .query(&[
        Param { name: "limit", kind: Kind::Int { min: 1, max: 1000, default: 5 }, about: "Rows per section." },
        Param {
            name: "quiet_days",
            kind: Kind::Int { min: 1, max: 3650, default: 14 },
            about: "Days of silence after which an engaged contact is worth a giving action.",
        },
    ]),
    route(
        Verb::Get,
        "/api/v1/report",
        "The period's figures as the terminal summary; the HTML is at /report/view. The period is `month`, or `from` and `to` together (`to` not before `from`), or, with neither, the current month.",
        "Report",
        |m| on(m, api::report),
    )
    .query(&[
        Param { name: "month", kind: Kind::Month, about: "A month, YYYY-MM." },
        Param { name: "from", kind: Kind::Date, about: "The first day, YYYY-MM-DD (with `to`)." },
        Param { name: "to", kind: Kind::Date, about: "The last day, YYYY-MM-DD (with `from`)." },
    ])
    .errors(&[(400, "A bad parameter, or a period that is not `month` alone or `from` and `to` together in order.")]),
];

fn param_schema(kind: Kind) -> Value {
    match kind {
        Kind::Text => json!({"type": "string"}),
        Kind::OneOf(words) => json!({"type": "string", "enum": words()}),
        Kind::Int { min, max, default } => {
            json!({"type": "integer", "minimum": min, "maximum": max, "default": default})
        }
        Kind::Month => {
            json!({"type": "string", "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$", "example": "2026-09"})
        }
        Kind::Date => json!({"type": "string", "format": "date", "example": "2026-09-01"}),
    }
}

/// A path parameter: an `id` is a whole number from 1, anything else a word.
fn path_param(name: &str) -> Value {
    let schema = if name == "id" {
        json!({"type": "integer", "format": "int64", "minimum": 1, "maximum": i64::MAX})
    } else {
        json!({"type": "string", "minLength": 1})
    };
    let example = if name == "id" { json!(1) } else { json!("INC001") };
    json!({"name": name, "in": "path", "required": true, "schema": schema, "example": example})
}

fn error_response(description: &str) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})
}

pub fn document() -> Value {
    let mut paths = Map::new();
    for r in ROUTES {
        let mut op = Map::new();
        op.insert("summary".into(), json!(r.summary));
        op.insert("operationId".into(), json!(format!("{} {}", r.verb.name(), r.path)));
        let mut params: Vec<Value> = r.path_params().map(path_param).collect();
        for p in r.query {
            params.push(json!({"name": p.name, "in": "query", "required": false, "description": p.about, "schema": param_schema(p.kind)}));
        }
        if !params.is_empty() {
            op.insert("parameters".into(), json!(params));
        }
        match r.body {
            Body::None => {}
            Body::Json(schema) => {
                op.insert(
                    "requestBody".into(),
                    json!({"required": true, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}}),
                );
            }
            Body::File => {
                op.insert(
                    "requestBody".into(),
                    json!({"required": true, "description": "The export file's bytes (.zip, .csv or .jsonl).", "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary", "minLength": 1}}}}),
                );
            }
        }
        if r.token {
            op.insert("security".into(), json!([{"sessionToken": []}]));
        }
        let mut responses = Map::new();
        responses.insert(
            r.status.to_string(),
            json!({"description": "Success.", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{}", r.answer)}}}}),
        );
        let takes_input =
            !r.query.is_empty() || r.path_params().next().is_some() || !matches!(r.body, Body::None);
        if takes_input {
            responses.insert("400".into(), error_response("A bad parameter or field: the message names it."));
        }
        responses.insert(
            "403".into(),
            error_response(if r.token {
                "Refused: the request came from another site (`cross_origin`), for another host name (`wrong_host`), or without the session token (`missing_token`)."
            } else {
                "Refused: the request came from another site (`cross_origin`) or for another host name (`wrong_host`)."
            }),
        );
        if r.path_params().next().is_some() {
            responses.insert("404".into(), error_response("Nothing has that id or code."));
        }
        if !matches!(r.body, Body::None) {
            responses.insert(
                "413".into(),
                error_response("The body is larger than this route takes (`too_large`)."),
            );
        }
        if matches!(r.body, Body::Json(_)) {
            responses.insert(
                "415".into(),
                error_response(
                    "The body is declared as something other than JSON (`unsupported_media_type`).",
                ),
            );
        }
        for (status, description) in r.errors {
            responses.insert(status.to_string(), error_response(description));
        }
        responses.insert(
            "default".into(),
            error_response("An error with a code and a message (500 `internal`: ours)."),
        );
        op.insert("responses".into(), Value::Object(responses));
        let entry = paths.entry(r.path.to_string()).or_insert_with(|| json!({}));
        entry.as_object_mut().expect("object").insert(r.verb.name().into(), Value::Object(op));
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "tactful",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The local tactful server. It answers only on 127.0.0.1, refuses requests from other sites (403), and needs the session token (header X-Tactful-Token, printed by `tactful serve` and in each page's meta tag) for anything that changes your store. Every error is `{\"error\": {\"code\", \"message\"}}`; request bodies are JSON (`Content-Type: application/json`), except an upload.",
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "securitySchemes": {"sessionToken": {"type": "apiKey", "in": "header", "name": "X-Tactful-Token"}},
            "schemas": schemas(),
        },
    })
}

fn string_or_null() -> Value {
    json!({"type": ["string", "null"]})
}

fn strings() -> Value {
    json!({"type": "array", "items": {"type": "string"}})
}

/// An object with exactly these properties, all present.
fn record(props: Value) -> Value {
    let required: Vec<String> = props.as_object().expect("object").keys().cloned().collect();
    let mut o = Map::new();
    o.insert("type".into(), json!("object"));
    o.insert("properties".into(), props);
    o.insert("required".into(), json!(required));
    Value::Object(o)
}

fn count() -> Value {
    json!({"type": "integer", "minimum": 0})
}

fn one_of_or_null(words: &[&str]) -> Value {
    let mut all: Vec<Value> = words.iter().map(|w| json!(w)).collect();
    all.push(Value::Null);
    json!({"enum": all})
}

fn schemas() -> Value {
    let id = json!({"type": "integer", "format": "int64"});
    let time = json!({"type": "integer", "format": "int64", "description": "Unix seconds."});
    let severity = json!({"type": "string", "enum": ["info", "warning", "error"]});
    let rule = record(json!({
        "code": {"type": "string"}, "name": {"type": "string"}, "category": {"type": "string"},
        "severity": severity, "channels": {"type": "array", "items": {"type": "string", "enum": channels()}},
        "enabled": {"type": "boolean"}, "pack": {"type": "string"}, "message": {"type": "string"},
    }));
    let mut rule_detail = rule.clone();
    {
        let o = rule_detail.as_object_mut().expect("object");
        let props = o["properties"].as_object_mut().expect("object");
        for (k, v) in [
            ("explanation", json!({"type": "string"})),
            ("hint", json!({"type": "string"})),
            ("references", strings()),
            ("flag", strings()),
            ("pass", strings()),
            ("defined_at", json!({"type": "string"})),
        ] {
            props.insert(k.into(), v);
        }
        let required: Vec<String> = props.keys().cloned().collect();
        o.insert("required".into(), json!(required));
    }
    let finding = {
        let mut f = record(json!({
            "code": {"type": "string"}, "category": {"type": "string"}, "severity": severity,
            "start": {"type": "integer", "minimum": 0, "description": "UTF-8 byte offset."},
            "end": {"type": "integer", "minimum": 0}, "message": {"type": "string"},
            "hint": string_or_null(), "references": {"type": ["array", "null"], "items": {"type": "string"}},
        }));
        let props = f["properties"].as_object_mut().expect("object");
        props.insert("line".into(), json!({"type": "integer", "minimum": 1}));
        props.insert("column".into(), json!({"type": "integer", "minimum": 1}));
        props.insert("excerpt".into(), json!({"type": "string"}));
        props.insert("explanation".into(), string_or_null());
        // From POST /api/v1/check: what to put in place of the finding's sentence, checked again.
        props.insert("rewrite".into(), json!({
            "type": ["object", "null"],
            "required": ["start", "end", "text", "label"],
            "properties": {
                "start": {"type": "integer", "minimum": 0, "description": "UTF-8 byte offset of the text to replace."},
                "end": {"type": "integer", "minimum": 0},
                "text": {"type": "string"},
                "label": {"type": "string"},
            },
        }));
        f
    };
    let session = record(json!({
        "running_since": {"type": ["integer", "null"]}, "minutes_today": {"type": "integer"},
        "minutes_planned": count(), "minutes_left": count(), "streak": count(), "longest_streak": count(),
    }));
    let summary = record(json!({
        "store": {"type": "string"}, "seconds": {"type": "number"}, "records": count(), "new": count(),
        "already_there": count(),
        "rows": {"type": "array", "items": record(json!({"network": {"type": "string"}, "kind": {"type": "string"}, "new": count(), "already_there": count()}))},
        "you": {"type": "array", "items": record(json!({"network": {"type": "string"}, "handle": {"type": "string"}}))},
        "skipped": {"type": "array", "items": record(json!({"reason": {"type": "string"}, "count": count(), "example": {"type": "string"}}))},
        "notes": strings(),
    }));
    let mut all = Map::new();
    all.insert("Error".into(), json!({
        "type": "object",
        "required": ["error"],
        "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {
            "code": {"type": "string"},
            "message": {"type": "string"},
            // With code `ambiguous`: the people a name may mean, so that a page can ask.
            "candidates": {"type": "array", "items": record(json!({"id": {"type": "integer"}, "name": {"type": "string"}, "handles": strings()}))},
            "total": count(),
        }}},
    }));
    all.insert("OpenApi".into(), json!({"type": "object", "required": ["openapi", "info", "paths"]}));
    all.insert("CheckRequest".into(), json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["text"],
        "properties": {
            "text": {"type": "string", "description": "The draft (at most 256 KiB)."},
            "channel": {"description": "Where it goes (default post).", "enum": one_of_or_null(&channels())["enum"]},
            "to": {"type": ["string", "null"], "description": "For the pitch gate: the person it is for (name, @handle, profile link or #id); needs channel dm or comment. Someone not in the history is checked as a stranger; a name that fits several contacts, or only part of one, is a 400 with code `ambiguous` and the candidates."},
            "stranger": {"type": ["boolean", "null"], "description": "The person of `to` is someone new, even if a contact has that name."},
        },
        // The pitch gate is for a message or a comment to someone.
        "if": {"required": ["to"], "properties": {"to": {"type": "string"}}},
        "then": {"required": ["channel"], "properties": {"channel": {"enum": ["comment", "dm"]}}},
    }));
    all.insert("Finding".into(), finding);
    all.insert("CheckResult".into(), record(json!({
        "channel": {"type": "string", "enum": channels()},
        "findings": {"type": "array", "items": {"$ref": "#/components/schemas/Finding"}},
        // Whom the draft was checked for (null without `to`).
        "recipient": {"type": ["object", "null"], "required": ["contact", "name", "stranger"], "properties": {
            "contact": {"type": ["integer", "null"]}, "name": {"type": "string"}, "stranger": {"type": "boolean"},
        }},
    })));
    all.insert("Rule".into(), rule);
    all.insert("RuleDetail".into(), rule_detail);
    all.insert(
        "RuleList".into(),
        record(json!({"rules": {"type": "array", "items": {"$ref": "#/components/schemas/Rule"}}})),
    );
    all.insert("PackRequest".into(), json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["source"],
        "properties": {"name": {"type": ["string", "null"], "description": "A file name for messages, e.g. acme.toml."}, "source": {"type": "string", "description": "The pack's TOML text."}},
    }));
    all.insert("PackResult".into(), record(json!({
        "pack": {"type": "string"}, "rules": {"type": "array", "items": {"$ref": "#/components/schemas/Rule"}},
        "examples": count(), "passed": count(),
        "failures": {"type": "array", "items": record(json!({"code": {"type": "string"}, "defined_at": {"type": "string"}, "expected": {"type": "string", "enum": ["flag", "pass"]}, "text": {"type": "string"}, "channel": {"type": "string"}}))},
    })));
    all.insert("ImportRequest".into(), json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["path"],
        "properties": {
            "path": {"type": "string", "pattern": "^(/|~/)", "description": "The full path (or ~/...) of a .zip, a folder, or a .csv/.jsonl file."},
            "format": {"enum": one_of_or_null(&formats())["enum"], "description": "The format, when detection guesses wrong."},
            "owner": {"type": ["string", "null"], "description": "Your handle, when the export does not say who you are."},
            "network": {"enum": one_of_or_null(&networks())["enum"], "description": "The network of a .csv or .jsonl file."},
        },
    }));
    all.insert("JobStarted".into(), record(json!({"job": {"type": "integer", "minimum": 1}, "status": {"type": "string", "description": "Where to follow it."}})));
    all.insert("ImportSummary".into(), summary);
    all.insert("Job".into(), record(json!({
        "id": {"type": "integer", "minimum": 1}, "state": {"type": "string", "enum": ["waiting", "running", "done", "failed"]},
        "file": {"type": "string"}, "records": count(), "percent": {"type": "integer", "minimum": 0, "maximum": 100},
        "seconds_left": {"type": ["integer", "null"]},
        "summary": {"oneOf": [{"$ref": "#/components/schemas/ImportSummary"}, {"type": "null"}]},
        "error": {"type": ["string", "null"], "description": "What went wrong, quoting at most 200 characters of the file."},
    })));
    all.insert("ContactList".into(), record(json!({
        "contacts": {"type": "array", "items": record(json!({
            "id": id, "name": {"type": "string"}, "stage": {"type": "string", "enum": stages()}, "why": {"type": "string"},
            "handles": strings(), "given": count(), "asked": count(), "received": count(),
            "last_from_them": {"type": ["integer", "null"]},
        }))},
        // Pairs: [stage, count].
        "stages": {"type": "array", "items": {"type": "array", "items": {"type": ["string", "integer"]}, "minItems": 2, "maxItems": 2}},
    })));
    all.insert("Contact".into(), record(json!({
        "id": id, "name": {"type": "string"}, "mark": string_or_null(), "handles": strings(),
        "stage": {"type": "string", "enum": stages()}, "reasons": strings(), "given": count(), "asked": count(), "received": count(),
        "equity_why": {"type": "array", "items": {"type": "string"}, "minItems": 3, "maxItems": 3},
        "consent": {"type": "array", "items": record(json!({
            "purpose": {"type": "string"}, "status": {"type": "string", "enum": ["pending", "confirmed", "withdrawn"]},
            "source": {"type": "string"}, "evidence": {"type": "string"}, "recorded_at": time, "code": string_or_null(),
        }))},
        "next_step": {"type": "string"},
        "timeline": {"type": "array", "items": record(json!({
            "at": time, "network": {"type": "string"}, "who": {"type": "string", "enum": ["you", "they"]},
            "act": {"type": "string"}, "item": id, "text": {"type": "string"},
        }))},
    })));
    all.insert("MarkRequest".into(), json!({
        "type": "object",
        "additionalProperties": false,
        "properties": {
            "mark": {"enum": ["customer", "team", "none", null], "description": "customer, team, or null / none to clear."},
            "since": {"oneOf": [{"type": "string", "format": "date"}, {"type": "null"}], "description": "From when the mark holds, YYYY-MM-DD (default: today)."},
        },
    }));
    all.insert("MarkResult".into(), record(json!({"id": id, "mark": {"enum": ["customer", "team", null]}, "since": {"type": ["integer", "null"]}})));
    all.insert("ConsentRequest".into(), json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["purpose", "source", "evidence"],
        "properties": {
            "purpose": {"type": "string", "enum": purposes()},
            "source": {"type": "string", "enum": opt_in_sources(), "description": "How they opted in (connection, list and added-by-me are refused: they are not opt-ins)."},
            "evidence": {"type": "string", "description": "Their words, or where and when (at least 10 characters)."},
            "item": {"type": ["integer", "null"], "format": "int64", "minimum": 1, "maximum": i64::MAX, "description": "The stored message in which they asked (it must be theirs)."},
        },
    }));
    all.insert("ConsentAdded".into(), record(json!({"contact": id, "purpose": {"type": "string"}, "status": {"type": "string"}, "code": {"type": "string"}, "next": {"type": "string"}})));
    all.insert("WithdrawRequest".into(), json!({
        "type": "object",
        "additionalProperties": false,
        "properties": {
            "purpose": {"enum": one_of_or_null(&[purposes(), vec!["all"]].concat())["enum"], "description": "One purpose; all (or absent) for every purpose."},
            "note": string_or_null(),
        },
    }));
    all.insert("Withdrawn".into(), record(json!({"contact": id, "withdrawn": count()})));
    all.insert("ConfirmRequest".into(), json!({"type": "object", "additionalProperties": false, "required": ["code"], "properties": {"code": {"type": "string"}}}));
    all.insert(
        "Confirmed".into(),
        record(json!({"contact": id, "purpose": {"type": "string"}, "status": {"const": "confirmed"}})),
    );
    all.insert("Inbox".into(), record(json!({
        "requests": {"type": "array", "items": record(json!({
            "item": id, "network": {"type": "string"}, "from": {"type": "string"}, "at": time, "waited_secs": {"type": "integer"},
            "what": {"type": "string"}, "text": {"type": "string"},
        }))},
        "total": count(),
    })));
    all.insert("Scan".into(), record(json!({
        "scanned": count(), "flagged": count(),
        "shown": {"type": "array", "items": record(json!({
            "id": id, "at": time, "network": {"type": "string"}, "kind": {"type": "string"}, "text": {"type": "string"},
            "action": {"type": "string"}, "findings": {"type": "array", "items": {"$ref": "#/components/schemas/Finding"}}, "source": {"type": "string"},
        }))},
    })));
    all.insert("History".into(), record(json!({
        "stored": count(),
        "items": {"type": "array", "items": record(json!({
            "id": id, "at": time, "network": {"type": "string"}, "kind": {"type": "string"}, "author": {"type": "string"},
            "yours": {"type": "boolean"}, "text": {"type": "string"},
        }))},
    })));
    all.insert(
        "Plan".into(),
        json!({
            "type": "object",
            "properties": {
                "goals": strings(),
                "market": {"type": "string"},
                "networks": {"type": "array", "items": {"type": "string", "enum": networks()}},
                "session_minutes": {"type": "integer", "minimum": 1, "maximum": u32::MAX},
                "max_promotional_percent": {"type": "integer", "minimum": 0, "maximum": 100},
            },
        }),
    );
    all.insert("Session".into(), session);
    all.insert("Today".into(), record(json!({
        "now": time,
        "waiting": {"type": "array", "items": record(json!({"from": {"type": "string"}, "network": {"type": "string"}, "waited_secs": {"type": "integer"}, "cue": {"type": "string"}, "text": {"type": "string"}, "item": id}))},
        "waiting_total": count(),
        "gives": {"type": "array", "items": record(json!({"name": {"type": "string"}, "contact": id, "stage": {"type": "string", "enum": stages()}, "last": {"type": ["integer", "null"]}, "action": {"type": "string"}}))},
        "gives_total": count(),
        "holds": {"type": "array", "items": record(json!({"name": {"type": "string"}, "contact": id, "reason": {"type": "string"}, "at": time}))},
        "holds_total": count(),
        "minutes_planned": count(), "minutes_used": {"type": "integer"}, "session_running": {"type": "boolean"},
        "streak": count(), "longest_streak": count(), "focus": string_or_null(),
    })));
    all.insert("Report".into(), record(json!({"period": {"type": "string"}, "summary": strings(), "html": {"type": "string", "description": "The report page, self-contained HTML."}})));
    Value::Object(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_is_listed_once_and_its_schemas_exist() {
        let doc = document();
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        let mut seen = std::collections::HashSet::new();
        for r in ROUTES {
            assert!(seen.insert((r.verb, r.path)), "{:?} {} is listed twice", r.verb, r.path);
            assert!(r.path.starts_with("/api/v1/"), "{}", r.path);
            assert!(schemas.contains_key(r.answer), "{} answers {}, which is not defined", r.path, r.answer);
            if let Body::Json(s) = r.body {
                assert!(schemas.contains_key(s), "{} takes {s}, which is not defined", r.path);
            }
        }
        // Every `$ref` points at a schema that exists.
        let text = doc.to_string();
        for part in text.split("#/components/schemas/").skip(1) {
            let name: String = part.chars().take_while(|c| c.is_alphanumeric()).collect();
            assert!(schemas.contains_key(&name), "$ref to {name}, which is not defined");
        }
    }

    #[test]
    fn the_formats_listed_are_the_ones_the_importer_takes() {
        for f in formats() {
            assert!(f.parse::<tactful_import::Format>().is_ok(), "{f}");
        }
    }
}

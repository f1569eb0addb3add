//! The company's API, listed once, and its OpenAPI 3.1 document: the
//! console's routes for people ([`CONSOLE_ROUTES`], which the console's
//! router is built from) and the integrations' routes ([`INTEGRATION_ROUTES`],
//! served by `tactful company serve`). Each route says here its method, path,
//! who may call it with which key, its query parameters, its body and its
//! answers; [`document`] writes them out. A test holds a running server to
//! the document, route by route.

use serde_json::{Map, Value, json};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Method {
    Get,
    Post,
}

impl Method {
    /// As the OpenAPI document (lower case) and HTTP (upper case) write it.
    pub fn name(self) -> &'static str {
        match self {
            Method::Get => "get",
            Method::Post => "post",
        }
    }
}

/// Which key a route takes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Key {
    /// None: the document itself.
    None,
    /// A console account's personal key (`tpk_…`): the account's role and scope.
    Personal,
    /// An integration's key (`tk_…`), made with `tactful company apikey create`.
    Integration,
}

/// A query parameter: its name, its schema and what it does.
pub struct Param {
    pub name: &'static str,
    pub schema: &'static str,
    pub about: &'static str,
}

pub struct Route {
    pub method: Method,
    /// With `{id}` for a path parameter.
    pub path: &'static str,
    pub summary: &'static str,
    pub key: Key,
    /// Who may call it, in words (the roles for a personal key).
    pub who: &'static str,
    pub params: &'static [Param],
    /// The request body's schema (JSON), by name under `components/schemas`.
    pub body: Option<&'static str>,
    /// The success status and its schema.
    pub ok: (u16, &'static str),
    /// The error statuses it may answer, beside 401 for a keyed route.
    pub errors: &'static [u16],
}

/// The console's routes for people: the router serves exactly these.
pub const CONSOLE_ROUTES: &[Route] = &[
    Route {
        method: Method::Get,
        path: "/api/v1/company/openapi.json",
        summary: "This document",
        key: Key::None,
        who: "anyone",
        params: &[],
        body: None,
        ok: (200, "Document"),
        errors: &[],
    },
    Route {
        method: Method::Get,
        path: "/api/v1/company/cases",
        summary: "The cases in the key's scope, newest first, one page at a time",
        key: Key::Personal,
        who: "any account: an admin or a reviewer sees every case, a team leader their downline's, a distributor their own",
        params: &[
            Param {
                name: "status",
                schema: "StatusFilter",
                about: "Only cases in this status, or `open`: every case still to act on (not fixed, dismissed or closed)",
            },
            Param { name: "rule", schema: "text", about: "Only cases with a finding of this rule code" },
            Param {
                name: "distributor",
                schema: "text",
                about: "Only this distributor's cases (within scope)",
            },
            Param { name: "category", schema: "text", about: "Only cases of this rule category" },
            Param { name: "network", schema: "text", about: "Only posts on this network" },
            Param { name: "group", schema: "int", about: "Only this case group's cases" },
            Param { name: "from", schema: "day", about: "Only cases opened on or after this day (UTC)" },
            Param { name: "to", schema: "day", about: "Only cases opened on or before this day (UTC)" },
            Param { name: "after", schema: "cursor", about: "The `next` of the page before" },
            Param { name: "limit", schema: "limit", about: "Cases on a page (1 to 200, default 50)" },
        ],
        body: None,
        ok: (200, "CasePage"),
        errors: &[400],
    },
    Route {
        method: Method::Get,
        path: "/api/v1/company/cases/{id}",
        summary: "One case with its post, group and (for the compliance team) history",
        key: Key::Personal,
        who: "any account whose scope holds the case; otherwise 404, the same as a case that does not exist",
        params: &[],
        body: None,
        ok: (200, "CaseDetail"),
        errors: &[404],
    },
    Route {
        method: Method::Post,
        path: "/api/v1/company/cases/{id}/status",
        summary: "Move a case: in review, escalated, dismissed (with a reason) or closed; audited as the key's account",
        key: Key::Personal,
        who: "admin, reviewer",
        params: &[],
        body: Some("StatusChange"),
        ok: (200, "Case"),
        errors: &[400, 403, 404, 409],
    },
    Route {
        method: Method::Get,
        path: "/api/v1/company/notices",
        summary: "The notices sent about cases in the key's scope (a distributor: their own), the newest first",
        key: Key::Personal,
        who: "any account",
        params: &[],
        body: None,
        ok: (200, "NoticeList"),
        errors: &[],
    },
    Route {
        method: Method::Get,
        path: "/api/v1/company/audit/verify",
        summary: "Check the audit log's hash chain: whether it holds, its length and head",
        key: Key::Personal,
        who: "admin",
        params: &[],
        body: None,
        ok: (200, "AuditVerdict"),
        errors: &[403],
    },
];

/// The integrations' routes, served by `tactful company serve`.
pub const INTEGRATION_ROUTES: &[Route] = &[
    Route {
        method: Method::Post,
        path: "/api/v1/company/ingest",
        summary: "A feed of posts (JSON Lines, or CSV with Content-Type text/csv or ?format=csv); edits become versions",
        key: Key::Integration,
        who: "an integration",
        params: &[Param {
            name: "format",
            schema: "format",
            about: "csv or jsonl (default: from the Content-Type)",
        }],
        body: Some("Feed"),
        ok: (200, "IngestSummary"),
        errors: &[400],
    },
    Route {
        method: Method::Post,
        path: "/api/v1/company/drafts",
        summary: "A distributor's draft for pre-approval, checked on arrival",
        key: Key::Integration,
        who: "an integration",
        params: &[],
        body: Some("DraftSubmission"),
        ok: (201, "Draft"),
        errors: &[400],
    },
    Route {
        method: Method::Post,
        path: "/api/v1/company/reports",
        summary: "A peer report of a post: opens or joins its case; rate limited per key",
        key: Key::Integration,
        who: "an integration",
        params: &[],
        body: Some("PeerReport"),
        ok: (201, "PeerReceived"),
        errors: &[400, 429],
    },
];

fn param_schema(name: &str) -> Value {
    match name {
        "int" => json!({ "type": "string", "pattern": "^[0-9]+$" }),
        "cursor" => json!({ "type": "string", "pattern": "^[0-9]+(:[0-9]+)?$" }),
        "day" => json!({ "type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" }),
        "limit" => json!({ "type": "integer", "minimum": 1, "maximum": 200, "default": 50 }),
        "format" => json!({ "type": "string", "enum": ["csv", "jsonl"] }),
        "StatusFilter" => json!({ "$ref": "#/components/schemas/StatusFilter" }),
        _ => json!({ "type": "string" }),
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        400 => "The request is not what the route expects: the message names the field",
        401 => "No key, or a key that is not known or was revoked",
        403 => "The key's account has another role",
        404 => "No such case (or one outside the key's scope: the answer is the same)",
        409 => "The case's status cannot move that way",
        429 => "Too many reports from this key this hour",
        _ => "",
    }
}

fn operation(r: &Route) -> Value {
    let mut params: Vec<Value> = r
        .params
        .iter()
        .map(|p| json!({ "name": p.name, "in": "query", "required": false, "description": p.about, "schema": param_schema(p.schema) }))
        .collect();
    if r.path.contains("{id}") {
        params.push(json!({ "name": "id", "in": "path", "required": true, "description": "The case's number", "schema": { "type": "integer" } }));
    }
    let schema = |name: &str| json!({ "$ref": format!("#/components/schemas/{name}") });
    let mut responses = Map::new();
    responses.insert(
        r.ok.0.to_string(),
        json!({ "description": "Done", "content": { "application/json": { "schema": schema(r.ok.1) } } }),
    );
    let keyed = r.key != Key::None;
    for s in r.errors.iter().copied().chain(keyed.then_some(401)) {
        responses.insert(
            s.to_string(),
            json!({ "description": reason(s), "content": { "application/json": { "schema": schema("Error") } } }),
        );
    }
    let mut op = json!({
        "summary": r.summary,
        "description": format!("Who: {}.", r.who),
        "operationId": format!("{}{}", r.method.name(), r.path.replace(['/', '{', '}', '.'], "_")),
        "parameters": params,
        "responses": responses,
    });
    match r.key {
        Key::None => op["security"] = json!([]),
        Key::Personal => op["security"] = json!([{ "personalKey": [] }]),
        Key::Integration => op["security"] = json!([{ "integrationKey": [] }]),
    }
    if let Some(b) = r.body {
        let content = if b == "Feed" {
            json!({
                "application/x-ndjson": { "schema": { "type": "string" } },
                "text/csv": { "schema": { "type": "string" } }
            })
        } else {
            json!({ "application/json": { "schema": schema(b) } })
        };
        op["requestBody"] = json!({ "required": true, "content": content });
    }
    op
}

fn schemas() -> Value {
    let statuses: Vec<&str> = tactful_company::case::Status::ALL.iter().map(|s| s.as_str()).collect();
    let filters: Vec<&str> =
        tactful_company::cases::Statuses::all().map(tactful_company::cases::Statuses::as_str).collect();
    json!({
        "Error": {
            "type": "object", "required": ["error"],
            "properties": { "error": { "type": "object", "required": ["code", "message"],
                "properties": { "code": { "type": "string" }, "message": { "type": "string" } } } }
        },
        "Document": { "type": "object", "description": "An OpenAPI 3.1 document" },
        "Status": { "type": "string", "enum": statuses },
        "StatusFilter": { "type": "string", "enum": filters },
        "Finding": {
            "type": "object",
            "properties": { "code": { "type": "string" }, "severity": { "type": "string" },
                "start": { "type": "integer", "description": "Byte offset in the version's text" },
                "end": { "type": "integer" }, "message": { "type": "string" } }
        },
        "Case": {
            "type": "object", "required": ["id", "status", "category"],
            "properties": {
                "id": { "type": "integer" }, "post_id": { "type": "integer" }, "version": { "type": "integer" },
                "distributor": { "type": ["string", "null"] }, "category": { "type": "string" },
                "severity": { "type": "string" }, "codes": { "type": "array", "items": { "type": "string" } },
                "findings": { "type": "array", "items": { "$ref": "#/components/schemas/Finding" } },
                "group": { "type": "integer" }, "group_posts": { "type": "integer" }, "group_distributors": { "type": "integer" },
                "earlier_cases": { "type": "integer" },
                "priority": { "type": "object", "properties": { "score": { "type": "integer" }, "why": { "type": "string" } } },
                "status": { "$ref": "#/components/schemas/Status" }, "reason": { "type": ["string", "null"] },
                "assignee": { "type": ["string", "null"] }, "due": { "type": ["string", "null"] },
                "opened_at": { "type": "integer" }, "updated_at": { "type": "integer" },
                "escalation": { "type": "integer" },
                "escalated_to": { "type": ["string", "null"], "description": "Shown only to those whose scope holds them" },
                "peer_reports": { "type": "integer" }
            }
        },
        "CasePage": {
            "type": "object", "required": ["cases", "next"],
            "properties": { "cases": { "type": "array", "items": { "$ref": "#/components/schemas/Case" } },
                "next": { "type": ["string", "null"], "description": "Pass as `after` for the next page; null on the last" } }
        },
        "CaseDetail": {
            "type": "object", "required": ["case", "text"],
            "properties": {
                "case": { "$ref": "#/components/schemas/Case" }, "network": { "type": "string" },
                "url": { "type": ["string", "null"] }, "author": { "type": "string" }, "text": { "type": "string" },
                "current_version": { "type": "integer" },
                "group_cases": { "type": "array", "description": "The group's other cases in scope",
                    "items": { "type": "object", "properties": { "case": { "type": "integer" }, "distributor": { "type": ["string", "null"] } } } },
                "history": { "type": ["array", "null"], "description": "Its audit entries (the compliance team only)", "items": { "type": "object" } }
            }
        },
        "StatusChange": {
            "type": "object", "required": ["status"], "additionalProperties": false,
            "properties": { "status": { "type": "string", "enum": ["in_review", "escalated", "dismissed", "closed"] },
                "reason": { "type": "string", "description": "Why: required for a dismissal" } }
        },
        "NoticeList": {
            "type": "object", "required": ["notices"],
            "properties": { "notices": { "type": "array", "items": { "type": "object", "properties": {
                "id": { "type": "integer" }, "case": { "type": "integer" }, "distributor": { "type": "string" },
                "to": { "type": "string" }, "subject": { "type": "string" }, "status": { "type": "string" },
                "queued_at": { "type": "integer" }, "sent_at": { "type": ["integer", "null"] }, "body": { "type": ["string", "null"] } } } } }
        },
        "AuditVerdict": {
            "type": "object", "required": ["holds", "entries", "head"],
            "properties": { "holds": { "type": "boolean" }, "entries": { "type": "integer" }, "head": { "type": "string" },
                "broken": { "type": ["object", "null"], "properties": { "seq": { "type": "integer" }, "message": { "type": "string" } } } }
        },
        "IngestSummary": { "type": "object", "description": "Posts added, versions added, unchanged, and the rows skipped with why" },
        "DraftSubmission": {
            "type": "object", "required": ["distributor", "text"], "additionalProperties": false,
            "properties": { "distributor": { "type": "string" }, "text": { "type": "string" } }
        },
        "Draft": { "type": "object", "description": "The draft as stored, with its findings" },
        "PeerReport": { "type": "object", "description": "The post reported (its URL or key), and optionally why and the reporter's contact" },
        "PeerReceived": { "type": "object", "description": "The case the report opened or joined" }
    })
}

/// The OpenAPI 3.1 document of both lists.
pub fn document() -> Value {
    let mut paths = Map::new();
    for r in CONSOLE_ROUTES.iter().chain(INTEGRATION_ROUTES) {
        let entry = paths.entry(r.path.to_string()).or_insert_with(|| json!({}));
        entry[r.method.name()] = operation(r);
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "tactful company API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The company side of tactful: integrations send posts, drafts and peer reports with an integration key; people work cases with a personal key, which acts as their console account with the same role and scope as its pages. Errors are {\"error\": {\"code\", \"message\"}}."
        },
        "paths": paths,
        "components": {
            "securitySchemes": {
                "personalKey": { "type": "http", "scheme": "bearer",
                    "description": "A console account's personal key (tpk_…), made by an admin at /admin/keys" },
                "integrationKey": { "type": "http", "scheme": "bearer",
                    "description": "An integration's key (tk_…), made at /admin/keys or with `tactful company apikey create`" }
            },
            "schemas": schemas()
        }
    })
}

//! The console's JSON API (`/api/v1/company/…` for people): the routes listed
//! in [`crate::openapi::CONSOLE_ROUTES`], each answered here. A request
//! carries a personal key (`Authorization: Bearer tpk_…`), which acts as its
//! account with the account's own [`Scope`], exactly as its pages do: no key
//! or a key that is not live is 401, a route of another role is 403, and a
//! case out of scope is 404 with the same body as a case that does not exist.
//! Every answer is JSON; an error is `{"error": {"code", "message"}}`.

use std::collections::HashMap;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use serde_json::{Value, json};
use tactful_company::Actor;
use tactful_company::case::{BadTransition, Status};
use tactful_company::cases::{self, Change, Filter};
use tactful_store::people::Db;

use super::{Console, Principal, Role, Shared, with_store};
use crate::openapi::{CONSOLE_ROUTES, Method};
use crate::{Error, Scope};

/// The router: exactly the routes of the list, so the document and the
/// server cannot drift apart.
pub(super) fn routes() -> Router<Shared> {
    CONSOLE_ROUTES
        .iter()
        .fold(Router::new(), |r, route| r.route(route.path, handler(route.path, route.method)))
}

fn handler(path: &str, method: Method) -> MethodRouter<Shared> {
    match (method, path) {
        (Method::Get, "/api/v1/company/openapi.json") => get(openapi),
        (Method::Get, "/api/v1/company/cases") => get(list_cases),
        (Method::Get, "/api/v1/company/cases/{id}") => get(show_case),
        (Method::Post, "/api/v1/company/cases/{id}/status") => post(change_status),
        (Method::Get, "/api/v1/company/notices") => get(notices),
        (Method::Get, "/api/v1/company/audit/verify") => get(audit_verify),
        _ => unreachable!("the route {path} is listed but has no handler"),
    }
}

/// Why a request was not answered: its status, a code and a message.
struct Refusal {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl Refusal {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Refusal {
        Refusal { status, code, message: message.into() }
    }

    /// The one answer for a case that is missing or out of scope: they must read the same.
    fn no_such_case() -> Refusal {
        Refusal::new(StatusCode::NOT_FOUND, "not_found", "no such case")
    }

    fn bad(code: &'static str, message: impl Into<String>) -> Refusal {
        Refusal::new(StatusCode::BAD_REQUEST, code, message)
    }
}

impl From<Error> for Refusal {
    fn from(e: Error) -> Refusal {
        use tactful_company::Error as C;
        match e {
            Error::Input(m) | Error::Company(C::Input(m)) => Refusal::bad("bad_request", m),
            Error::Denied => Refusal::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "this key is not known, or was revoked",
            ),
            Error::Company(C::UnknownCase(_)) => Refusal::no_such_case(),
            Error::Company(C::Transition(t @ BadTransition::ReasonRequired)) => {
                Refusal::bad("reason_required", t.to_string())
            }
            Error::Company(C::Transition(t)) => {
                Refusal::new(StatusCode::CONFLICT, "bad_transition", t.to_string())
            }
            e => Refusal::new(StatusCode::INTERNAL_SERVER_ERROR, "store", e.to_string()),
        }
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let body = json!({ "error": { "code": self.code, "message": self.message } });
        (self.status, axum::Json(body)).into_response()
    }
}

type Answer = Result<(StatusCode, Value), Refusal>;

/// Who may use a route.
#[derive(Clone, Copy)]
enum May {
    /// Anyone with a live key; the scope decides what they see.
    Anyone,
    /// The compliance team: an admin or a reviewer.
    Compliance,
    Admin,
}

impl May {
    fn allows(self, role: Role) -> bool {
        match self {
            May::Anyone => true,
            May::Compliance => matches!(role, Role::Admin | Role::Reviewer),
            May::Admin => role == Role::Admin,
        }
    }
}

/// Check the key and the role, then do `work` with the store open, as the
/// key's account and in its scope. Every route but the document goes through here.
async fn with_key(
    c: &Shared,
    headers: &HeaderMap,
    may: May,
    work: impl FnOnce(&Console, &mut dyn Db, &Principal, &Scope) -> Answer + Send + 'static,
) -> Response {
    let Some(key) = super::bearer(headers) else {
        return Refusal::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "send your personal key: Authorization: Bearer KEY (an admin makes one at /admin/keys)",
        )
        .into_response();
    };
    let done = with_store(c, move |c, db| {
        let p = match crate::keys::principal(db, c.company, &key, (c.now)()) {
            Ok(p) => p,
            Err(e) => return Ok(Err(Refusal::from(e))),
        };
        if !may.allows(p.account.role) {
            return Ok(Err(Refusal::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                format!("this is not for a {} account", p.account.role.as_str()),
            )));
        }
        let scope = match Scope::of(db, &p) {
            Ok(s) => s,
            Err(e) => return Ok(Err(Refusal::from(e))),
        };
        Ok(work(c, db, &p, &scope))
    })
    .await;
    match done {
        Ok(Ok((status, body))) => (status, axum::Json(body)).into_response(),
        Ok(Err(r)) => r.into_response(),
        Err(e) => Refusal::from(e).into_response(),
    }
}

async fn openapi() -> Response {
    axum::Json(crate::openapi::document()).into_response()
}

/// The most cases one page may hold.
const MAX_PAGE: usize = 200;

/// The query of `GET /cases`, checked: an unknown parameter or a bad value is a 400 naming it.
fn case_query(q: &HashMap<String, String>) -> Result<Filter, Refusal> {
    let mut f = Filter { limit: Some(50), ..Filter::default() };
    for (k, v) in q {
        let v = v.trim();
        let bad =
            |expected: &str| Refusal::bad("bad_query", format!("{k}: expected {expected}, found `{v}`"));
        match k.as_str() {
            "status" => {
                f.status =
                    Some(v.parse().map_err(|e: String| Refusal::bad("bad_query", format!("status: {e}")))?);
            }
            "rule" => f.rule = Some(v.to_string()).filter(|r| !r.is_empty()),
            "distributor" => f.distributor = Some(v.to_string()).filter(|d| !d.is_empty()),
            "category" => f.category = Some(v.to_ascii_lowercase()).filter(|c| !c.is_empty()),
            "network" => f.network = Some(v.to_ascii_lowercase()).filter(|n| !n.is_empty()),
            "group" => f.group = Some(v.parse().map_err(|_| bad("a case group's number"))?),
            "from" | "to" => {
                let day = tactful_app::clock::day(v).ok_or_else(|| bad("a day like 2026-11-21"))?;
                if k == "from" {
                    f.opened_from = Some(day);
                } else {
                    // To the end of that day.
                    f.opened_before = Some(day + 86_400);
                }
            }
            "after" => {
                // `ID`, or `OPENED:ID` within days (the list says which in `next`).
                let number = |s: &str| s.parse::<i64>().is_ok();
                let fits = number(v) || v.split_once(':').is_some_and(|(a, b)| number(a) && number(b));
                if !fits {
                    return Err(bad("the `next` of the page before"));
                }
                f.after = Some(v.to_string());
            }
            "limit" => {
                let n: usize = v.parse().map_err(|_| bad("a number from 1 to 200"))?;
                if !(1..=MAX_PAGE).contains(&n) {
                    return Err(bad("a number from 1 to 200"));
                }
                f.limit = Some(n);
            }
            _ => {
                return Err(Refusal::bad(
                    "bad_query",
                    format!(
                        "`{k}`: not a parameter of this route (status, rule, distributor, category, network, group, from, to, after, limit)"
                    ),
                ));
            }
        }
    }
    Ok(f)
}

/// A case as someone outside the compliance team may see it: who it was
/// escalated to is shown only when that person is in their scope.
fn case_json(case: &cases::Case, scope: &Scope) -> Value {
    let mut v = serde_json::to_value(case).unwrap_or(Value::Null);
    if !matches!(scope, Scope::All) && !scope.allows(case.escalated_to.as_deref()) {
        v["escalated_to"] = Value::Null;
    }
    v
}

/// One page of the cases in scope, newest first: the scope goes into the query.
fn scoped_page(
    db: &mut dyn Db,
    company: i64,
    scope: &Scope,
    mut f: Filter,
) -> Result<(Vec<cases::Case>, Option<String>), Error> {
    f.team = scope.distributors();
    let page = cases::list(db, company, &f)?;
    Ok((page.cases, page.next))
}

async fn list_cases(
    State(c): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let filter = match case_query(&q) {
        Ok(x) => x,
        Err(r) => return r.into_response(),
    };
    with_key(&c, &headers, May::Anyone, move |c, db, _, scope| {
        let (page, next) = scoped_page(db, c.company, scope, filter)?;
        let cases: Vec<Value> = page.iter().map(|k| case_json(k, scope)).collect();
        Ok((StatusCode::OK, json!({ "cases": cases, "next": next })))
    })
    .await
}

fn case_id(raw: &str) -> Result<i64, Refusal> {
    // Not a number: no such case, like any other id nobody may see.
    raw.trim().parse().map_err(|_| Refusal::no_such_case())
}

/// The case, when it exists and is in scope; else "no such case" either way.
fn scoped_case(db: &mut dyn Db, company: i64, scope: &Scope, id: i64) -> Result<cases::Case, Refusal> {
    match cases::get(db, company, id) {
        Ok(case) if scope.allows(case.distributor.as_deref()) => Ok(case),
        Ok(_) | Err(tactful_company::Error::UnknownCase(_)) => Err(Refusal::no_such_case()),
        Err(e) => Err(Error::from(e).into()),
    }
}

async fn show_case(State(c): State<Shared>, headers: HeaderMap, Path(raw): Path<String>) -> Response {
    let id = match case_id(&raw) {
        Ok(id) => id,
        Err(r) => return r.into_response(),
    };
    with_key(&c, &headers, May::Anyone, move |c, db, _, scope| {
        scoped_case(db, c.company, scope, id)?;
        let d = cases::detail(db, c.company, id).map_err(Error::from)?;
        // The other posts of the case's group: only those in scope are named.
        let group: Vec<Value> = d
            .group_cases
            .iter()
            .filter(|(_, who)| scope.allows(who.as_deref()))
            .map(|(id, who)| json!({ "case": id, "distributor": who }))
            .collect();
        let history = if matches!(scope, Scope::All) {
            serde_json::to_value(&d.history).unwrap_or(Value::Null)
        } else {
            Value::Null
        };
        Ok((
            StatusCode::OK,
            json!({
                "case": case_json(&d.case, scope),
                "network": d.network,
                "url": d.url,
                "author": d.author,
                "text": d.text,
                "current_version": d.current_version,
                "group_cases": group,
                "history": history,
            }),
        ))
    })
    .await
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct StatusBody {
    status: String,
    #[serde(default)]
    reason: Option<String>,
}

/// The moves a reviewer makes by hand through the API; the others (notice
/// sent, fixed) come from sending a notice and from the scan.
const MOVES: [Status; 4] = [Status::InReview, Status::Escalated, Status::Dismissed, Status::Closed];

async fn change_status(
    State(c): State<Shared>,
    headers: HeaderMap,
    Path(raw): Path<String>,
    body: Bytes,
) -> Response {
    let parsed = serde_json::from_slice::<StatusBody>(&body)
        .map_err(|e| {
            Refusal::bad(
                "bad_body",
                format!("the body is not the JSON expected ({{\"status\", \"reason\"}}): {e}"),
            )
        })
        .and_then(|b| {
            let to: Status =
                b.status.parse().map_err(|e: String| Refusal::bad("bad_body", format!("status: {e}")))?;
            if !MOVES.contains(&to) {
                return Err(Refusal::bad(
                    "bad_body",
                    format!(
                        "status: expected in_review, escalated, dismissed or closed, found `{}`",
                        b.status
                    ),
                ));
            }
            Ok((to, b.reason))
        });
    // Who may act comes before what the body says: a wrong role learns nothing from a 400.
    with_key(&c, &headers, May::Compliance, move |c, db, p, scope| {
        let (to, reason) = parsed?;
        let id = case_id(&raw)?;
        scoped_case(db, c.company, scope, id)?;
        let actor = Actor { company: c.company, who: p.account.email.clone(), at: (c.now)() };
        let case = cases::change(db, &actor, id, &Change::Status { to, reason }).map_err(Error::from)?;
        Ok((StatusCode::OK, case_json(&case, scope)))
    })
    .await
}

async fn notices(State(c): State<Shared>, headers: HeaderMap) -> Response {
    with_key(&c, &headers, May::Anyone, move |c, db, _, scope| {
        let mut out = Vec::new();
        let all = tactful_company::outbox::list(db, c.company).map_err(Error::from)?;
        for n in all.into_iter().rev().filter(|n| scope.allows(Some(&n.distributor))) {
            let body = tactful_company::outbox::body(db, c.company, n.id).map_err(Error::from)?;
            let mut v = serde_json::to_value(&n).unwrap_or(Value::Null);
            v["body"] = json!(body);
            out.push(v);
        }
        Ok((StatusCode::OK, json!({ "notices": out })))
    })
    .await
}

async fn audit_verify(State(c): State<Shared>, headers: HeaderMap) -> Response {
    with_key(&c, &headers, May::Admin, move |c, db, _, _| {
        let v = tactful_company::audit::verify(db, c.company).map_err(Error::from)?;
        let broken = v.broken.as_ref().map(|b| json!({ "seq": b.seq(), "message": b.to_string() }));
        Ok((
            StatusCode::OK,
            json!({ "holds": v.broken.is_none(), "entries": v.entries, "head": v.head, "broken": broken }),
        ))
    })
    .await
}

//! The reviewer's queue and a case: the queue with its filters, keyset
//! paging, case groups and bulk actions; a case with its post (the findings
//! marked in the text), why, history and the notice to edit and send; and
//! the changes the compliance team makes (escalate, dismiss with a reason).
//! The functions that return data ([`queue`], [`bulk`], [`marks`],
//! [`case_view`]) are what a JSON API would share; the handlers only render.

use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::{Markup, html};
use serde::Deserialize;
use tactful_company::Actor;
use tactful_company::cases::{CaseDetail, CaseFinding, Guidance, Order, Statuses};

use super::{
    Change, CsrfForm, Error, Filter, Principal, Role, Scope, Shared, Status, as_person, bad_request,
    case_form, cases, changed, day, html_response, judge, not_found, page, query_string, refused, signed_in,
    signed_in_form, with_store,
};

pub(super) fn routes() -> Router<Shared> {
    Router::new()
        .route("/cases", get(case_list))
        .route("/cases/bulk", post(bulk_form))
        .route("/cases/{id}", get(case_page))
        .route("/cases/{id}/dismiss", post(dismiss_form))
        .route("/cases/{id}/escalate", post(escalate_form))
        .route("/cases/{id}/notice", post(notice_form))
}

/// Cases on one page of the queue.
pub(crate) const PAGE: usize = 50;
/// The most cases one bulk action changes (a page is [`PAGE`]).
const MAX_BULK: usize = 500;

/// The queue's query string, as typed.
#[derive(Deserialize, Default, Clone)]
pub(crate) struct ListQuery {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    category: Option<String>,
    /// A rule code the case has.
    #[serde(default)]
    rule: Option<String>,
    /// One distributor (within the person's scope).
    #[serde(default)]
    distributor: Option<String>,
    /// Opened on or after this day (YYYY-MM-DD).
    #[serde(default)]
    from: Option<String>,
    /// Opened on or before this day (YYYY-MM-DD).
    #[serde(default)]
    to: Option<String>,
    /// One case group (the same text in many posts).
    #[serde(default)]
    group: Option<String>,
    /// A team: this leader's id on the roster, and everyone below them.
    #[serde(default)]
    team: Option<String>,
    /// Posts on one network.
    #[serde(default)]
    network: Option<String>,
    /// `newest` (the default) or `priority` (the highest first).
    #[serde(default)]
    order: Option<String>,
    /// The `next` of the page before.
    #[serde(default)]
    after: Option<String>,
}

/// The queue's filters, read and checked.
#[derive(Debug, Clone, Default)]
pub(crate) struct Ask {
    pub status: Option<Statuses>,
    pub category: Option<String>,
    pub rule: Option<String>,
    pub distributor: Option<String>,
    /// Unix seconds, from (inclusive) and to (exclusive).
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub group: Option<i64>,
    /// A leader's id: their team (within the person's scope).
    pub team: Option<String>,
    pub network: Option<String>,
    pub order: Order,
    pub after: Option<String>,
}

fn text(v: Option<&String>) -> Option<String> {
    v.map(|x| x.trim()).filter(|x| !x.is_empty()).map(str::to_string)
}

impl ListQuery {
    /// The filters, or what is wrong with one of them (named).
    fn ask(&self) -> Result<Ask, String> {
        let status = match text(self.status.as_ref()) {
            None => None,
            Some(s) => Some(Statuses::all().find(|x| x.as_str() == s).ok_or_else(|| {
                let names: Vec<&str> = Statuses::all().map(Statuses::as_str).collect();
                format!("status: expected one of {}, found `{s}`", names.join(", "))
            })?),
        };
        let day = |name: &str, v: Option<&String>| -> Result<Option<i64>, String> {
            text(v)
                .map(|d| {
                    tactful_app::clock::day(&d)
                        .ok_or_else(|| format!("{name}: expected a date like 2026-11-21, found `{d}`"))
                })
                .transpose()
        };
        let group = text(self.group.as_ref())
            .map(|g| g.parse::<i64>().map_err(|_| format!("group: expected a group number, found `{g}`")))
            .transpose()?;
        let order = match text(self.order.as_ref()).as_deref() {
            None | Some("newest") => Order::Newest,
            Some("priority") => Order::Priority,
            Some(o) => return Err(format!("order: expected newest or priority, found `{o}`")),
        };
        let after = text(self.after.as_ref());
        if let Some(a) = &after {
            let number = |s: &str| s.parse::<i64>().is_ok();
            let pair = a.split_once(':').is_some_and(|(k, id)| number(k) && number(id));
            // Newest first within dates pages by (opened, id): a pair too.
            let fits = match order {
                Order::Newest => number(a) || pair,
                Order::Priority => pair,
            };
            if !fits {
                return Err(format!("after: expected the key of the page before, found `{a}`"));
            }
        }
        Ok(Ask {
            status,
            category: text(self.category.as_ref()).map(|c| c.to_ascii_lowercase()),
            rule: text(self.rule.as_ref()),
            distributor: text(self.distributor.as_ref()),
            from: day("from", self.from.as_ref())?,
            // To the end of that day.
            to: day("to", self.to.as_ref())?.map(|t| t + 86_400),
            group,
            team: text(self.team.as_ref()),
            network: text(self.network.as_ref()).map(|n| n.to_ascii_lowercase()),
            order,
            after,
        })
    }
}

/// How many case groups the queue lists, the largest first.
const GROUPS_SHOWN: i64 = 20;

/// A page of the cases in `scope` that `ask` wants, newest first (or
/// highest priority first), keyset paged: the scope and every filter go
/// into the store's query, so a page is full whenever there are more.
pub(crate) fn queue(
    db: &mut dyn tactful_store::people::Db,
    company: i64,
    scope: &Scope,
    ask: &Ask,
) -> Result<cases::Page, Error> {
    let filter = Filter {
        status: ask.status,
        rule: ask.rule.clone(),
        distributor: ask.distributor.clone(),
        network: ask.network.clone(),
        category: ask.category.clone(),
        team: within_team(db, company, scope, ask.team.as_deref())?,
        group: ask.group,
        opened_from: ask.from,
        opened_before: ask.to,
        order: ask.order,
        after: ask.after.clone(),
        limit: Some(PAGE),
    };
    Ok(cases::list(db, company, &filter)?)
}

/// The distributors whose cases the queue may show: the person's scope,
/// narrowed to a leader's team when one is asked for (the leader and
/// everyone below them on the roster). A team filter never widens a scope.
fn within_team(
    db: &mut dyn tactful_store::people::Db,
    company: i64,
    scope: &Scope,
    leader: Option<&str>,
) -> Result<Option<Vec<String>>, Error> {
    let Some(leader) = leader else { return Ok(scope.distributors()) };
    let team = crate::scope::team(db, company, leader)?;
    Ok(Some(team.into_iter().filter(|d| scope.allows(Some(d))).collect()))
}

/// What a bulk action does to each selected case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BulkAction {
    Dismiss,
    Escalate,
}

/// What became of one selected case: its new status, or why not.
#[derive(Debug, Clone)]
pub(crate) struct Outcome {
    pub case: String,
    pub result: Result<Status, String>,
}

/// Apply `action` to each of `ids`, each in its own transaction, each
/// checked against the scope first (out of scope reads as "no such case",
/// as a case that does not exist).
pub(crate) fn bulk(
    db: &mut dyn tactful_store::people::Db,
    actor: &Actor,
    scope: &Scope,
    ids: &[String],
    action: BulkAction,
    reason: Option<&str>,
) -> Vec<Outcome> {
    let mut out = Vec::new();
    // Escalation follows the saved policy's rules (its days and its lead).
    let policy = match judge(db, actor.company) {
        Ok(j) => j,
        Err(e) => {
            let why = e.to_string();
            return ids
                .iter()
                .map(|raw| Outcome { case: raw.trim().to_string(), result: Err(why.clone()) })
                .collect();
        }
    };
    for raw in ids {
        let result = (|| {
            let id: i64 = raw.trim().parse().map_err(|_| "no such case".to_string())?;
            let case = cases::get(db, actor.company, id).map_err(|_| "no such case".to_string())?;
            if !scope.allows(case.distributor.as_deref()) {
                return Err("no such case".to_string());
            }
            let changed = match action {
                BulkAction::Dismiss => cases::change(
                    db,
                    actor,
                    id,
                    &Change::Status { to: Status::Dismissed, reason: reason.map(str::to_string) },
                )
                .map(|k| k.status),
                BulkAction::Escalate => {
                    tactful_company::escalate::by_hand(db, actor, &policy.policy, id, reason)
                        .map(|_| Status::Escalated)
                }
            };
            changed.map_err(|e| e.to_string())
        })();
        out.push(Outcome { case: raw.trim().to_string(), result });
    }
    out
}

fn compliance(p: &Principal) -> bool {
    matches!(p.account.role, Role::Admin | Role::Reviewer)
}

async fn case_list(State(c): State<Shared>, headers: HeaderMap, Query(q): Query<ListQuery>) -> Response {
    let Some(token) = super::cookie_token(&headers) else { return Redirect::to("/login").into_response() };
    let asked = q.ask();
    // The busiest page takes one store for all it reads (the session, the
    // scope, the list): under load each checkout is a wait for the pool.
    let read = with_store(&c, move |c, db| {
        let (p, scope) = super::session(c, db, &token)?;
        let listed = match asked {
            Err(why) => Err(format!("This filter is not right: {why}")),
            Ok(ask) => (|| -> Result<_, Error> {
                let page = queue(db, c.company, &scope, &ask)?;
                // The groups name texts of every team: the compliance team's only.
                let groups = if scope == Scope::All {
                    cases::largest_groups(db, c.company, GROUPS_SHOWN)?
                } else {
                    Vec::new()
                };
                Ok((page, groups, ask))
            })()
            .map_err(|e| e.to_string()),
        };
        Ok((p, listed))
    })
    .await;
    let (p, listed) = checked!(read.map_err(super::unsigned));
    let title = if p.account.role == Role::Distributor { "My cases" } else { "Cases" };
    let (list, groups, ask) = match listed {
        Ok(x) => x,
        Err(why) => return bad_request(&p, title, &why),
    };
    let may_act = compliance(&p);
    let body = html! {
        (filters(&q, &ask))
        @if !groups.is_empty() {
            details {
                summary { "Same text in many posts (the " (groups.len()) " largest groups)" }
                ul {
                    @for g in &groups {
                        li {
                            a href={ "/cases?group=" (g.id) } { "Group " (g.id) }
                            ": " (g.posts) " posts by " (g.distributors) " people — “"
                            (g.sample.chars().take(80).collect::<String>()) "”"
                        }
                    }
                }
            }
        }
        @if let Some(g) = ask.group { p { "Showing the cases of group " (g) " only. " a href="/cases" { "All cases" } } }
        p { (list.cases.len()) " case(s) on this page." }
        @if may_act {
            p.hint {
                "Keyboard: " kbd { "j" } " / " kbd { "k" } " next / previous case, " kbd { "Enter" } " open it, "
                kbd { "e" } " escalate it (with any you ticked), " kbd { "d" } " dismiss it (type the reason, then press Dismiss)."
            }
        }
        div.table-box {
            table id="queue" class="cards" {
                thead { tr {
                    @if may_act { th scope="col" { "Select" } }
                    th scope="col" { "Case" } th scope="col" { "Distributor" } th scope="col" { "Category" }
                    th scope="col" { "Status" } th scope="col" { "Opened" } th scope="col" { "Priority" }
                    th scope="col" { "Same text" }
                } }
                tbody {
                    @for k in &list.cases {
                        tr {
                            @if may_act {
                                td data-label="Select" {
                                    input type="checkbox" form="bulk" name="id" value=(k.id)
                                        aria-label={ "Select case #" (k.id) };
                                }
                            }
                            td data-label="Case" { a href={ "/cases/" (k.id) } { "#" (k.id) } }
                            td data-label="Distributor" { (k.distributor.as_deref().unwrap_or("unattributed")) }
                            td data-label="Category" { (k.category) }
                            td data-label="Status" { span.status { (k.status.as_str()) } }
                            td data-label="Opened" { time datetime=(day(k.opened_at)) { (day(k.opened_at)) } }
                            td data-label="Priority" { (k.priority.why) }
                            td data-label="Same text" {
                                @if k.group_posts > 1 {
                                    a href={ "/cases?group=" (k.group) } {
                                        (k.group_posts) " posts by " (k.group_distributors) " people"
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if let Some(next) = &list.next {
            p { a rel="next" href={ "/cases?" (query_string(&older(&q, next))) } { "Older cases" } }
        }
        @if may_act && !list.cases.is_empty() {
            form id="bulk" method="post" action="/cases/bulk" {
                h2 { "The selected cases" }
                input type="hidden" name="csrf" value=(p.csrf);
                label for="bulk-reason" { "Reason (needed to dismiss)" }
                input id="bulk-reason" name="reason";
                div.actions {
                    // Dismiss first: Enter in the reason field submits with it.
                    button type="submit" name="action" value="dismiss" { "Dismiss selected" }
                    button.secondary id="bulk-escalate" type="submit" name="action" value="escalate" { "Escalate selected" }
                }
            }
        }
    };
    html_response(StatusCode::OK, &page(title, Some(&p), &body))
}

/// The query string's pairs for the next page: the same filters, after `next`.
fn older(q: &ListQuery, next: &str) -> Vec<(&'static str, String)> {
    let mut pairs = Vec::new();
    for (name, v) in [
        ("status", &q.status),
        ("category", &q.category),
        ("rule", &q.rule),
        ("distributor", &q.distributor),
        ("from", &q.from),
        ("to", &q.to),
        ("group", &q.group),
        ("order", &q.order),
    ] {
        if let Some(v) = text(v.as_ref()) {
            pairs.push((name, v));
        }
    }
    pairs.push(("after", next.to_string()));
    pairs
}

fn filters(q: &ListQuery, ask: &Ask) -> Markup {
    let v = |x: &Option<String>| x.clone().unwrap_or_default();
    html! {
        form.filters method="get" action="/cases" role="search" {
            div {
                label for="status" { "Status" }
                select #status name="status" {
                    option value="" { "any" }
                    @for st in Statuses::all() {
                        option value=(st.as_str()) selected[ask.status == Some(st)] {
                            @if st == Statuses::Open { "open (still to act on)" } @else { (st.as_str()) }
                        }
                    }
                }
            }
            div { label for="category" { "Category" } input #category name="category" value=(v(&q.category)); }
            div { label for="rule" { "Rule code" } input #rule name="rule" value=(v(&q.rule)); }
            div { label for="distributor" { "Distributor id" } input #distributor name="distributor" value=(v(&q.distributor)); }
            div { label for="team" { "Team (a leader's id)" } input #team name="team" value=(v(&q.team)); }
            div { label for="network" { "Network" } input #network name="network" value=(v(&q.network)); }
            div { label for="from" { "Opened from" } input #from name="from" type="date" value=(v(&q.from)); }
            div { label for="to" { "Opened to" } input #to name="to" type="date" value=(v(&q.to)); }
            div {
                label for="order" { "Order" }
                select #order name="order" {
                    option value="newest" { "newest first" }
                    option value="priority" selected[ask.order == Order::Priority] { "highest priority first" }
                }
            }
            @if let Some(g) = ask.group { input type="hidden" name="group" value=(g); }
            div { button type="submit" { "Show" } }
        }
    }
}

async fn bulk_form(
    State(c): State<Shared>,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let field =
        |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default();
    let (p, scope) = checked!(signed_in_form(&c, &headers, &field("csrf")).await);
    if !compliance(&p) {
        return refused(&p, "Only the compliance team changes cases in bulk.");
    }
    let action = match field("action").as_str() {
        "dismiss" => BulkAction::Dismiss,
        "escalate" => BulkAction::Escalate,
        other => {
            return bad_request(
                &p,
                "Cases",
                &format!("action: expected dismiss or escalate, found `{other}`"),
            );
        }
    };
    let ids: Vec<String> = pairs.iter().filter(|(k, _)| k == "id").map(|(_, v)| v.clone()).collect();
    if ids.is_empty() {
        return bad_request(&p, "Cases", "No case is selected: tick the cases first.");
    }
    if ids.len() > MAX_BULK {
        return bad_request(
            &p,
            "Cases",
            &format!("id: at most {MAX_BULK} cases at once, found {}", ids.len()),
        );
    }
    let reason = text(Some(&field("reason")));
    if action == BulkAction::Dismiss && reason.is_none() {
        return bad_request(&p, "Cases", "reason: say why these cases are dismissed.");
    }
    let done =
        as_person(&c, &p, move |db, actor| Ok(bulk(db, actor, &scope, &ids, action, reason.as_deref())))
            .await;
    let outcomes = match done {
        Ok(o) => o,
        Err(e) => return bad_request(&p, "Cases", &e.to_string()),
    };
    let (changed, not): (Vec<&Outcome>, Vec<&Outcome>) = outcomes.iter().partition(|o| o.result.is_ok());
    let body = html! {
        p role="status" { (changed.len()) " changed, " (not.len()) " refused." }
        @if !changed.is_empty() {
            h2 { "Changed" }
            ul { @for o in &changed { li {
                a href={ "/cases/" (o.case) } { "#" (o.case) } ": now "
                (o.result.as_ref().map(|s| s.as_str()).unwrap_or_default())
            } } }
        }
        @if !not.is_empty() {
            h2 { "Refused" }
            ul { @for o in &not { li { "#" (o.case) ": " (o.result.as_ref().err().map(String::as_str).unwrap_or_default()) } } }
        }
        p { a href="/cases" { "Back to the cases" } }
    };
    html_response(StatusCode::OK, &page("What changed", Some(&p), &body))
}

/// The text cut into runs, each marked with the codes of the findings
/// over it (none: plain text). Overlapping findings make one mark; a span
/// outside the text or not on a character boundary is left out.
pub(crate) fn marks<'t>(text: &'t str, findings: &[CaseFinding]) -> Vec<(&'t str, Vec<String>)> {
    let mut spans: Vec<(usize, usize, String)> = findings
        .iter()
        .filter(|f| {
            f.start < f.end
                && f.end <= text.len()
                && text.is_char_boundary(f.start)
                && text.is_char_boundary(f.end)
        })
        .map(|f| (f.start, f.end, f.code.clone()))
        .collect();
    spans.sort();
    let mut merged: Vec<(usize, usize, Vec<String>)> = Vec::new();
    for (s, e, code) in spans {
        match merged.last_mut() {
            Some(last) if s < last.1 => {
                last.1 = last.1.max(e);
                if !last.2.contains(&code) {
                    last.2.push(code);
                }
            }
            _ => merged.push((s, e, vec![code])),
        }
    }
    let mut out = Vec::new();
    let mut at = 0;
    for (s, e, codes) in merged {
        if s > at {
            out.push((&text[at..s], Vec::new()));
        }
        out.push((&text[s..e], codes));
        at = e;
    }
    if at < text.len() {
        out.push((&text[at..], Vec::new()));
    }
    out
}

/// Everything the case page shows, read in one go.
pub(crate) struct CaseView {
    pub detail: CaseDetail,
    /// Each rule of the case's findings, once, in the findings' order.
    pub guidance: Vec<Guidance>,
    /// The other cases of its group that the person may see.
    pub group: Vec<(i64, Option<String>)>,
    /// The notice the case would get (subject, body), for the compliance
    /// team to edit before sending; none when no notice can go.
    pub preview: Option<(String, String)>,
}

/// The case page's data, or `None` when the case is not there or not in scope.
pub(crate) fn case_view(
    db: &mut dyn tactful_store::people::Db,
    company: i64,
    scope: &Scope,
    may_notice: bool,
    id: i64,
) -> Option<CaseView> {
    let detail = cases::detail(db, company, id).ok()?;
    if !scope.allows(detail.case.distributor.as_deref()) {
        return None;
    }
    // A saved pack this tactful cannot read costs the case its guidance and
    // notice preview, not the page: the case itself is still the case.
    let judge = judge(db, company).ok();
    let engine = judge.as_ref().map(|j| j.checker.engine());
    let mut guidance: Vec<Guidance> = Vec::new();
    for f in &detail.case.findings {
        if !guidance.iter().any(|g| g.code == f.code) {
            if let Some(g) = engine.and_then(|e| cases::guidance(e, &f.code)) {
                guidance.push(g);
            }
        }
    }
    let group = detail.group_cases.iter().filter(|(_, d)| scope.allows(d.as_deref())).cloned().collect();
    let preview = match engine {
        Some(engine) if may_notice && noticeable(&detail.case) => {
            // The company's own template, as the admin saved it (else the built-in one).
            let template = crate::templates::notice_template(db, company).unwrap_or_default();
            tactful_company::notice::preview(db, company, engine, &template, None, id).ok()
        }
        _ => None,
    };
    Some(CaseView { detail, guidance, group, preview })
}

/// One audit entry about a case, in words: a status move with its
/// reason, a notice with its subject, an escalation with to whom.
pub(crate) fn happened(e: &tactful_company::audit::AuditEntry) -> String {
    let json = |s: &Option<String>| {
        s.as_deref().and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok()).unwrap_or_default()
    };
    let (before, after) = (json(&e.before), json(&e.after));
    let field = |v: &serde_json::Value, k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
    let reason = field(&after, "reason").map(|r| format!(": {r}")).unwrap_or_default();
    match e.action.as_str() {
        "case.open" => "opened by the scan".to_string(),
        "notice.queue" => format!("notice queued: “{}”", field(&after, "subject").unwrap_or_default()),
        "case.escalate" => format!("escalated to {}{reason}", field(&after, "to").unwrap_or_default()),
        _ => match (field(&before, "status"), field(&after, "status")) {
            (Some(from), Some(to)) => format!("{from} → {to}{reason}"),
            _ => e.action.replace('.', " "),
        },
    }
}

/// A notice may go: the case is open and not yet written about, and has a distributor.
fn noticeable(k: &cases::Case) -> bool {
    matches!(k.status, Status::New | Status::InReview)
        && k.distributor.is_some()
        && k.category != tactful_company::peer::CATEGORY
}

async fn case_page(State(c): State<Shared>, headers: HeaderMap, Path(id): Path<i64>) -> Response {
    let (p, scope) = checked!(signed_in(&c, &headers).await);
    let company = c.company;
    let may = compliance(&p);
    let found = with_store(&c, move |_, db| Ok(case_view(db, company, &scope, may, id))).await;
    let Ok(Some(v)) = found else { return not_found(&p) };
    let k = &v.detail.case;
    let may_dismiss = may && !k.status.is_final();
    let may_escalate = may && k.status.next().contains(&Status::Escalated);
    let body = html! {
        p { "Status: " strong.status { (k.status.as_str()) } " — " (k.priority.why) }
        @if let Some(r) = &k.reason { p { "Reason: " (r) } }
        @if k.escalation > 0 { p { "Escalated to " (k.escalated_to.as_deref().unwrap_or("")) } }
        p {
            "Posted on " (v.detail.network) " by " (v.detail.author)
            " (" (k.distributor.as_deref().unwrap_or("unattributed")) "), opened " (day(k.opened_at)) "."
            @if let Some(u) = &v.detail.url { " " a href=(u) rel="noreferrer" { "The post" } }
        }
        @if v.detail.current_version != k.version {
            p.hint { "The post was edited since: this is the version the findings are on." }
        }
        h2 { "The post" }
        blockquote.post {
            @for (run, codes) in marks(&v.detail.text, &k.findings) {
                @if codes.is_empty() { (run) } @else { mark title=(codes.join(", ")) { (run) } }
            }
        }
        h2 { "Why" }
        @for g in &v.guidance {
            section {
                h3 { (g.code) ": " (g.name) }
                p { (g.why) }
                p { strong { "Instead: " } (g.hint) }
                @for l in &g.links { p { "Guidance: " a href=(l) rel="noreferrer" { (l) } } }
            }
        }
        @if v.guidance.is_empty() {
            ul { @for f in &k.findings { li { (f.code) ": " (f.message) } } }
        }
        @if !v.group.is_empty() {
            h2 { "Same text elsewhere" }
            ul { @for (g, d) in &v.group { li {
                a href={ "/cases/" (g) } { "#" (g) } " " (d.as_deref().unwrap_or("unattributed"))
            } } }
        }
        h2 { "History" }
        @if v.detail.history.is_empty() { p { "Nothing yet." } }
        ol {
            @for e in &v.detail.history {
                li {
                    time datetime=(tactful_app::clock::rfc3339(e.at)) { (day(e.at)) } " — " (happened(e))
                    // Who on the compliance team did it is the team's own business.
                    @if may { " (" (e.actor) ")" }
                }
            }
        }
        @if let Some((subject, text)) = &v.preview {
            h2 { "The notice" }
            form method="post" action={ "/cases/" (id) "/notice" } {
                input type="hidden" name="csrf" value=(p.csrf);
                label for="subject" { "Subject" }
                input #subject name="subject" value=(subject) required;
                label for="body" { "The note (edit it before sending)" }
                textarea #body name="body" rows="18" required { (text) }
                button type="submit" { "Send this notice (with its lesson)" }
            }
            form method="post" action={ "/cases/" (id) "/note" } {
                input type="hidden" name="csrf" value=(p.csrf);
                button.secondary type="submit" { "Send the caring note as the template has it" }
            }
        }
        @if may_escalate {
            h2 { "Escalate" }
            form method="post" action={ "/cases/" (id) "/escalate" } {
                input type="hidden" name="csrf" value=(p.csrf);
                label for="escalate-reason" { "Why it goes to the compliance lead" }
                input #escalate-reason name="reason";
                button type="submit" { "Escalate" }
            }
        }
        @if may_dismiss {
            h2 { "Dismiss" }
            form method="post" action={ "/cases/" (id) "/dismiss" } {
                input type="hidden" name="csrf" value=(p.csrf);
                label for="reason" { "A false alarm? Say why" }
                input #reason name="reason" required;
                button type="submit" { "Dismiss" }
            }
        }
    };
    html_response(StatusCode::OK, &page(&format!("Case #{id}"), Some(&p), &body))
}

/// A compliance form's change to case `id`: once the form is checked (the
/// person, the case in their scope, the token) and the person is on the
/// compliance team, `f` runs as them; back to the case, or the error.
async fn change_case(
    c: &Shared,
    headers: &HeaderMap,
    id: i64,
    csrf: &str,
    f: impl FnOnce(&mut dyn tactful_store::people::Db, &Actor) -> Result<(), Error> + Send + 'static,
) -> Response {
    let (p, _, _) = checked!(case_form(c, headers, id, csrf).await);
    if !compliance(&p) {
        return refused(&p, "Only the compliance team changes a case.");
    }
    let r = as_person(c, &p, f).await;
    changed(&p, r, &format!("/cases/{id}"), &format!("Case #{id}"))
}

async fn dismiss_form(
    State(c): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> Response {
    let reason = f.reason;
    change_case(&c, &headers, id, &f.csrf, move |db, actor| {
        cases::change(db, actor, id, &Change::Status { to: Status::Dismissed, reason: Some(reason) })?;
        Ok(())
    })
    .await
}

async fn escalate_form(
    State(c): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> Response {
    let reason = f.reason;
    change_case(&c, &headers, id, &f.csrf, move |db, actor| {
        let judge = judge(db, actor.company)?;
        tactful_company::escalate::by_hand(db, actor, &judge.policy, id, Some(reason.as_str()))?;
        Ok(())
    })
    .await
}

#[derive(Deserialize)]
struct NoticeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    body: String,
}

/// The notice as the reviewer edited it, queued with its lesson.
async fn notice_form(
    State(c): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<NoticeForm>,
) -> Response {
    change_case(&c, &headers, id, &f.csrf, move |db, actor| {
        let judge = judge(db, actor.company)?;
        tactful_company::notice::queue_edited(
            db,
            actor,
            judge.checker.engine(),
            None,
            id,
            &f.subject,
            &f.body,
        )?;
        Ok(())
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(code: &str, start: usize, end: usize) -> CaseFinding {
        CaseFinding { code: code.into(), severity: "high".into(), start, end, message: String::new() }
    }

    #[test]
    fn overlapping_findings_make_one_mark_and_bad_spans_are_left_out() {
        let text = "This tea cured my diabetes — ask me!";
        let runs = marks(
            text,
            &[
                finding("HLT001", 9, 26),
                finding("HLT002", 15, 26),
                finding("X", 27, 28),
                finding("Y", 30, 99),
            ],
        );
        let marked: Vec<(&str, Vec<String>)> = runs.iter().filter(|(_, c)| !c.is_empty()).cloned().collect();
        assert_eq!(marked, vec![("cured my diabetes", vec!["HLT001".to_string(), "HLT002".to_string()])]);
        assert_eq!(runs.iter().map(|(r, _)| *r).collect::<String>(), text, "every byte once, in order");
    }

    #[test]
    fn a_case_history_entry_reads_as_words() {
        let entry = |action: &str, before: Option<&str>, after: &str| tactful_company::audit::AuditEntry {
            company: 1,
            seq: 1,
            at: 0,
            actor: "rev@example.com".into(),
            action: action.into(),
            subject: "case:1".into(),
            before: before.map(str::to_string),
            after: Some(after.into()),
            prev_hash: String::new(),
            hash: String::new(),
        };
        let dismissed = entry(
            "case.status",
            Some(r#"{"status":"new","reason":null}"#),
            r#"{"status":"dismissed","reason":"a news quote"}"#,
        );
        assert_eq!(happened(&dismissed), "new → dismissed: a news quote");
        let up = entry(
            "case.escalate",
            None,
            r#"{"status":"escalated","to":"the compliance lead","reason":"again"}"#,
        );
        assert_eq!(happened(&up), "escalated to the compliance lead: again");
        assert_eq!(happened(&entry("notice.queue", None, r#"{"subject":"Hi"}"#)), "notice queued: “Hi”");
    }

    #[test]
    fn a_bad_filter_is_named() {
        let q = ListQuery { to: Some("31/12/2026".into()), ..ListQuery::default() };
        assert!(q.ask().unwrap_err().starts_with("to: expected a date"));
        let q = ListQuery { status: Some("opened".into()), ..ListQuery::default() };
        assert!(q.ask().unwrap_err().ends_with("found `opened`"));
        let q = ListQuery { status: Some("open".into()), ..ListQuery::default() };
        assert_eq!(q.ask().unwrap().status, Some(Statuses::Open));
        let q = ListQuery {
            from: Some("2026-11-01".into()),
            to: Some("2026-11-01".into()),
            ..ListQuery::default()
        };
        let a = q.ask().unwrap();
        assert_eq!(a.to.unwrap() - a.from.unwrap(), 86_400, "to the end of that day");
    }
}

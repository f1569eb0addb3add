//! The HTML pages: server-rendered, readable without JavaScript (the draft
//! checker and the import add live updates with `assets/app.js`). Every text
//! from the store or the user goes through `html::escape`.

use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use std::fmt::Write as _;
use tactful_core::Severity;

use super::html::{cut, day, error_page, escape, page, waited};
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

/// The page for a failed store read: the user's mistake (400/404) or ours (500).
fn failed(app: &super::App, e: &anyhow::Error) -> Response {
    error_page(&app.token, super::status_of(e), &format!("{e:#}"))
}

/// A form's action URL carries the token: HTML forms cannot set headers.
fn action(app: &super::App, path: &str) -> String {
    format!("{path}?token={}", app.token)
}

fn table(head: &[&str], rows: &[String]) -> String {
    let mut s = String::from("<div class=\"scroll\"><table><thead><tr>");
    for h in head {
        // A leading `~` marks a column a phone can do without (see app.css).
        match h.strip_prefix('~') {
            Some(h) => write!(s, "<th scope=\"col\" class=\"opt\">{h}</th>"),
            None => write!(s, "<th scope=\"col\">{h}</th>"),
        }
        .expect("writing to a String");
    }
    s.push_str("</tr></thead><tbody>");
    for r in rows {
        s.push_str(r);
    }
    s.push_str("</tbody></table></div>");
    s
}

// ---------------------------------------------------------------------------
// Today
// ---------------------------------------------------------------------------

async fn today(State(app): State<Shared>) -> Response {
    let t =
        match blocking(&app, |_, store| Ok(tactful_app::today::gather(store, crate::store::now(), 5, 14)?))
            .await
        {
            Ok(t) => t,
            Err(e) => return failed(&app, &e),
        };
    let mut b = String::from(
        "<p class=\"lead\">Answer people first, then give, then hold back the pitches nobody asked for. Keep to your time box.</p>",
    );
    if let Some(f) = &t.focus {
        let _ = write!(b, "<p class=\"warn\" role=\"note\">Focus: {}</p>", escape(&f.warning()));
    }
    b.push_str("<section aria-labelledby=\"waiting\"><h2 id=\"waiting\">1. Waiting for your answer</h2>");
    if t.waiting.is_empty() {
        b.push_str("<p>Nobody: every question and complaint has an answer.</p>");
    } else {
        b.push_str("<ul class=\"cards\">");
        for w in &t.waiting {
            let _ = write!(
                b,
                "<li><strong>{}</strong> on {} has waited <strong>{}</strong> ({})<blockquote>{}</blockquote></li>",
                escape(&w.from),
                w.network,
                waited(w.waited_secs),
                escape(&w.cue),
                escape(&cut(&w.text, 200))
            );
        }
        b.push_str("</ul>");
        if t.waiting_total > t.waiting.len() {
            let _ = write!(b, "<p><a href=\"/inbox\">All {} in the inbox</a></p>", t.waiting_total);
        }
    }
    let _ =
        write!(b, "</section><section aria-labelledby=\"give\"><h2 id=\"give\">2. Give before you ask</h2>");
    if t.gives.is_empty() {
        let _ = write!(b, "<p>No engaged contact has gone quiet for {} days.</p>", t.quiet_days);
    } else {
        b.push_str("<ul class=\"cards\">");
        for g in &t.gives {
            let _ = write!(
                b,
                "<li><a href=\"/contacts/{}\"><strong>{}</strong></a> ({}, last exchange {}): {}</li>",
                g.contact,
                escape(&g.name),
                g.stage,
                day(g.last),
                escape(g.action)
            );
        }
        b.push_str("</ul>");
    }
    b.push_str("</section><section aria-labelledby=\"hold\"><h2 id=\"hold\">3. Pitches to hold back</h2>");
    if t.holds.is_empty() {
        b.push_str("<p>None: nobody you pitched is waiting on you to stop.</p>");
    } else {
        b.push_str("<ul class=\"cards\">");
        for h in &t.holds {
            let name = match h.contact {
                Some(id) => format!("<a href=\"/contacts/{id}\"><strong>{}</strong></a>", escape(&h.name)),
                None => format!("<strong>{}</strong>", escape(&h.name)),
            };
            let _ = write!(b, "<li>{name}: {}</li>", escape(&h.reason));
        }
        b.push_str("</ul>");
    }
    b.push_str("</section>");
    b.push_str(&time_box(&app, &t));
    page(&app.token, "/", "Today", &b)
}

/// Section 4 of today: minutes used and left, the streak, and the start or stop button.
fn time_box(app: &super::App, t: &tactful_app::today::Today) -> String {
    let (path, label, note) = if t.session_running {
        ("/session/stop", "Stop the session", " — a session is running")
    } else {
        ("/session/start", "Start today's session", "")
    };
    format!(
        "<section aria-labelledby=\"box\"><h2 id=\"box\">4. Time box and streak</h2><p>Today: <strong>{}</strong> of {} minutes; {} left{note}. \
         Streak: <strong>{}</strong> day(s) in a row (longest {}).</p>\
         <form method=\"post\" action=\"{}\"><button type=\"submit\">{label}</button></form></section>",
        t.minutes_used,
        t.minutes_planned,
        (i64::from(t.minutes_planned) - t.minutes_used).max(0),
        t.streak_current,
        t.streak_best,
        action(app, path),
    )
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
        Ok(())
    })
    .await;
    match r {
        Ok(()) => Redirect::to("/").into_response(),
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
}

fn check_body(app: &super::App, form: &CheckForm, results: &str) -> String {
    let channel = form.channel.as_deref().unwrap_or("post");
    let mut opts = String::new();
    for c in tactful_core::Channel::ALL {
        let sel = if c.as_str() == channel { " selected" } else { "" };
        let _ = write!(opts, "<option value=\"{0}\"{sel}>{0}</option>", c.as_str());
    }
    format!(
        "<p class=\"lead\">Type or paste a post, comment or message. Findings appear as you type; nothing leaves this computer.</p>\
<form id=\"check-form\" method=\"post\" action=\"/check\" class=\"check\">\
<label for=\"draft\">Your draft</label>\
<textarea id=\"draft\" name=\"text\" rows=\"8\" spellcheck=\"true\">{text}</textarea>\
<div class=\"row\"><div><label for=\"channel\">Where it goes</label><select id=\"channel\" name=\"channel\">{opts}</select></div>\
<div><label for=\"to\">To whom (for a message or comment; optional)</label><input id=\"to\" name=\"to\" value=\"{to}\" placeholder=\"a name, handle or #id\" autocomplete=\"off\"></div></div>\
<button type=\"submit\">Check</button></form>\
<section aria-labelledby=\"results-h\"><h2 id=\"results-h\">What tactful sees</h2>\
<div id=\"results\" aria-live=\"polite\">{results}</div></section>",
        text = escape(&form.text),
        to = escape(form.to.as_deref().unwrap_or("")),
    ) + &format!(
        "<p class=\"muted\">{} rules are active. <a href=\"/rules\">See them all</a>.</p>",
        app.checker.engine().rules().iter().filter(|r| r.enabled).count()
    )
}

async fn check_page(State(app): State<Shared>) -> Response {
    let body = check_body(&app, &CheckForm::default(), "<p class=\"muted\">Nothing checked yet.</p>");
    page(&app.token, "/check", "Check a draft", &body)
}

/// Without JavaScript the form posts here and the findings come back in the page.
async fn check_form(State(app): State<Shared>, Form(form): Form<CheckForm>) -> Response {
    let req = super::api::CheckRequest {
        text: form.text.clone(),
        channel: form.channel.clone(),
        to: form.to.clone(),
    };
    let r = blocking(&app, move |app, store| super::api::check_draft(app, Some(store), &req)).await;
    let results = match r {
        Ok((_, findings)) => render_findings(&app, &form.text, &findings),
        Err(e) => format!("<p class=\"error\" role=\"alert\">{}</p>", escape(&format!("{e:#}"))),
    };
    page(&app.token, "/check", "Check a draft", &check_body(&app, &form, &results))
}

/// The draft with each finding's span marked, then one card per finding.
fn render_findings(app: &super::App, text: &str, findings: &[tactful_core::Finding]) -> String {
    if findings.is_empty() {
        return "<p class=\"clean\">No findings: nothing in this draft breaks a rule tactful knows.</p>"
            .into();
    }
    // A finding about the whole draft (the pitch gate, what kind of post it
    // is) would hide the phrases inside it: it is listed, not marked.
    let whole = (text.len() - text.trim_start().len(), text.trim_end().len());
    let mut spans: Vec<(usize, usize, Severity)> =
        findings.iter().map(|f| (f.start, f.end, f.severity)).collect();
    if spans.iter().any(|s| (s.0, s.1) != whole) {
        spans.retain(|s| (s.0, s.1) != whole);
    }
    spans.sort_by_key(|s| (s.0, std::cmp::Reverse(s.1)));
    let mut out = String::from("<div class=\"preview\" id=\"preview\">");
    let mut at = 0;
    for (s, e, sev) in spans {
        // Overlapping spans: mark only what is not marked yet.
        let s = s.max(at);
        if e <= s || !text.is_char_boundary(s) || !text.is_char_boundary(e) {
            continue;
        }
        out.push_str(&escape(&text[at..s]));
        let _ = write!(out, "<mark class=\"{}\">{}</mark>", sev.as_str(), escape(&text[s..e]));
        at = e;
    }
    out.push_str(&escape(&text[at..]));
    out.push_str("</div><ol class=\"findings\">");
    for f in findings {
        let rule = app.checker.engine().rule(&f.code);
        let refs: String = rule
            .map(|r| {
                r.references
                    .iter()
                    .map(|l| format!("<li><a href=\"{0}\" rel=\"noreferrer\">{0}</a></li>", escape(l)))
                    .collect()
            })
            .unwrap_or_default();
        let _ = write!(
            out,
            "<li class=\"finding {sev}\"><p><span class=\"badge {sev}\">{sev}</span> <a href=\"/rules/{code}\"><code>{code}</code></a> {msg}</p>\
<p class=\"excerpt\">“{excerpt}”</p><details><summary>Why, and what to say instead</summary><p>{why}</p><p><strong>Try:</strong> {hint}</p><ul>{refs}</ul></details></li>",
            sev = f.severity.as_str(),
            code = escape(&f.code),
            msg = escape(&f.message),
            excerpt = escape(text.get(f.start..f.end).unwrap_or("")),
            why = escape(rule.map_or("", |r| r.explanation.as_str())),
            hint = escape(rule.map_or("", |r| r.hint.as_str())),
        );
    }
    out.push_str("</ol>");
    out
}

// ---------------------------------------------------------------------------
// Import
// ---------------------------------------------------------------------------

async fn import_page(State(app): State<Shared>) -> Response {
    let formats = tactful_import::detect::KNOWN;
    let body = format!(
        "<p class=\"lead\">Bring in an export from Facebook, Instagram, X, LinkedIn, or a CSV/JSONL file. \
Importing the same export again adds nothing; a bad file changes nothing.</p>\
<div class=\"row\"><form id=\"import-upload\" class=\"card\"><h2>Upload an export</h2>\
<label for=\"file\">Export file (.zip, .csv or .jsonl)</label><input id=\"file\" name=\"file\" type=\"file\" accept=\".zip,.csv,.jsonl,.json\" required>\
<label for=\"owner-u\">Your handle on that network (only if the export does not say)</label><input id=\"owner-u\" name=\"owner\" autocomplete=\"off\">\
<button type=\"submit\">Upload and import</button></form>\
<form id=\"import-path\" class=\"card\"><h2>Or import from a path</h2>\
<label for=\"path\">A file or folder on this computer</label><input id=\"path\" name=\"path\" required placeholder=\"/home/you/Downloads/facebook-export.zip\" autocomplete=\"off\">\
<label for=\"owner-p\">Your handle on that network (only if the export does not say)</label><input id=\"owner-p\" name=\"owner\" autocomplete=\"off\">\
<button type=\"submit\">Import</button></form></div>\
<section aria-labelledby=\"progress-h\"><h2 id=\"progress-h\">Progress</h2><p id=\"import-status\" role=\"status\">Nothing imported in this visit yet.</p>\
<progress id=\"import-progress\" max=\"100\" value=\"0\" hidden>0%</progress><div id=\"import-summary\"></div></section>\
<p class=\"muted\">Known formats: {}. This page needs JavaScript; without it, use <code>tactful import FILE</code>.</p>",
        escape(formats)
    );
    page(&app.token, "/import", "Import", &body)
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
    let mut b = String::from(
        "<p class=\"lead\">Everyone you have exchanged with, on the relationship curve: connected, engaged, conversation, customer, team, lapsed.</p>",
    );
    let mut opts = String::from("<option value=\"\">every stage</option>");
    for (s, n) in &list.stages {
        let sel = if q.stage.as_deref() == Some(s.as_str()) { " selected" } else { "" };
        let _ = write!(opts, "<option value=\"{s}\"{sel}>{s} ({n})</option>");
    }
    let _ = write!(
        b,
        "<form method=\"get\" action=\"/contacts\" class=\"row search\" role=\"search\"><div><label for=\"q\">Search by name or handle</label>\
<input id=\"q\" name=\"q\" value=\"{}\" type=\"search\"></div><div><label for=\"stage\">Stage</label><select id=\"stage\" name=\"stage\">{opts}</select></div>\
<button type=\"submit\">Show</button></form>",
        escape(q.q.as_deref().unwrap_or(""))
    );
    let funnel: Vec<String> = list
        .stages
        .iter()
        .map(|(s, n)| format!("<li><a href=\"/contacts?stage={s}\">{s}</a> <strong>{n}</strong></li>"))
        .collect();
    let _ = write!(b, "<ul class=\"funnel\" aria-label=\"Contacts per stage\">{}</ul>", funnel.join(""));
    if list.contacts.is_empty() {
        b.push_str("<p>No contact matches. Import an export first, or change the search.</p>");
    } else {
        let rows: Vec<String> = list
            .contacts
            .iter()
            .take(500)
            .map(|c| {
                format!(
                    "<tr><td><a href=\"/contacts/{}\">{}</a></td><td><span class=\"stage {}\">{}</span></td><td class=\"opt\">{}</td><td>{}</td><td class=\"opt\">{} / {} / {}</td></tr>",
                    c.id,
                    escape(&c.name),
                    c.stage,
                    c.stage,
                    escape(&c.why),
                    day(c.last_from_them.unwrap_or(0)),
                    c.given,
                    c.asked,
                    c.received
                )
            })
            .collect();
        b.push_str(&table(&["Name", "Stage", "~Why", "Last from them", "~Gave / asked / got"], &rows));
        if list.contacts.len() > 500 {
            let _ = write!(b, "<p>Showing 500 of {}; search to narrow.</p>", list.contacts.len());
        }
    }
    page(&app.token, "/contacts", "Contacts", &b)
}

async fn contact(State(app): State<Shared>, Path(id): Path<i64>) -> Response {
    let c = match blocking(&app, move |_, store| data::contact(store, id)).await {
        Ok(c) => c,
        Err(e) => return failed(&app, &e),
    };
    let mut b = format!(
        "<p class=\"lead\">{} — <span class=\"stage {}\">{}</span></p>",
        escape(&c.handles.join(", ")),
        c.stage,
        c.stage
    );
    b.push_str("<section aria-labelledby=\"why\"><h2 id=\"why\">Why this stage</h2><ul>");
    for r in &c.reasons {
        let _ = write!(b, "<li>{}</li>", escape(r));
    }
    let _ = write!(b, "</ul><p><strong>Next:</strong> {}</p></section>", escape(c.next_step));
    let _ = write!(
        b,
        "<section aria-labelledby=\"equity\"><h2 id=\"equity\">Give and ask</h2><ul><li>{}</li><li>{}</li><li>{}</li></ul></section>",
        escape(&c.equity_why[0]),
        escape(&c.equity_why[1]),
        escape(&c.equity_why[2])
    );
    b.push_str("<section aria-labelledby=\"consent\"><h2 id=\"consent\">Consent</h2>");
    if c.consent.is_empty() {
        b.push_str("<p>None recorded: do not add them to any list. Being connected is not an opt-in.</p>");
    } else {
        let rows: Vec<String> = c
            .consent
            .iter()
            .map(|r| {
                let status = match &r.code {
                    Some(code) => format!("{} — send them the code <code>{}</code>", r.status, escape(code)),
                    None => r.status.to_string(),
                };
                format!(
                    "<tr><td>{}</td><td>{status}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    escape(&r.purpose),
                    escape(&r.source),
                    day(r.recorded_at),
                    escape(&r.evidence)
                )
            })
            .collect();
        b.push_str(&table(&["About", "Status", "How", "Recorded", "Evidence"], &rows));
    }
    let (mut purposes, mut sources) = (String::new(), String::new());
    for p in tactful_core::consent::Purpose::ALL {
        let _ = write!(purposes, "<option value=\"{0}\">{0}</option>", p.as_str());
    }
    for src in tactful_core::consent::Source::ALL {
        let _ = write!(sources, "<option value=\"{0}\">{0}</option>", src.as_str());
    }
    let _ = write!(
        b,
        "<details class=\"card\"><summary>Record an opt-in they gave you</summary><form method=\"post\" action=\"{add}\">\
<div class=\"row\"><div><label for=\"purpose\">They agreed to hear about</label><select id=\"purpose\" name=\"purpose\">{purposes}</select></div>\
<div><label for=\"source\">How they said so</label><select id=\"source\" name=\"source\">{sources}</select></div></div>\
<label for=\"evidence\">Their words, and when (\"Ann wrote on 3 May: yes, add me!\")</label><input id=\"evidence\" name=\"evidence\" required>\
<button type=\"submit\">Record as pending</button></form></details>\
<form method=\"post\" action=\"{confirm}\" class=\"row\"><div><label for=\"code\">They sent back their code</label><input id=\"code\" name=\"code\" autocomplete=\"off\"></div><button type=\"submit\">Confirm</button></form>",
        add = action(&app, &format!("/contacts/{}/consent", c.id)),
        confirm = action(&app, &format!("/contacts/{}/consent/confirm", c.id)),
    );
    if !c.consent.is_empty() {
        let _ = write!(
            b,
            "<form method=\"post\" action=\"{}\" class=\"row\"><div><label for=\"withdraw\">They asked to stop hearing about</label><select id=\"withdraw\" name=\"purpose\"><option value=\"all\">everything</option>{purposes}</select></div><button type=\"submit\">Withdraw</button></form>",
            action(&app, &format!("/contacts/{}/consent/withdraw", c.id))
        );
    }
    b.push_str("</section>");
    let mut opts = String::new();
    for (v, label) in [("none", "no mark"), ("customer", "customer"), ("team", "team member")] {
        let sel = if c.mark.as_deref().unwrap_or("none") == v { " selected" } else { "" };
        let _ = write!(opts, "<option value=\"{v}\"{sel}>{label}</option>");
    }
    let _ = write!(
        b,
        "<section aria-labelledby=\"actions\"><h2 id=\"actions\">Actions</h2><form method=\"post\" action=\"{}\" class=\"row\">\
<div><label for=\"mark\">They bought from you or joined your team</label><select id=\"mark\" name=\"mark\">{opts}</select></div>\
<div><label for=\"since\">Since (default today)</label><input id=\"since\" name=\"since\" type=\"date\"></div><button type=\"submit\">Save</button></form>\
<p class=\"muted\">Draft a message to them: <a href=\"/check?to=%23{}\">check it against the pitch gate</a>.</p></section>",
        action(&app, &format!("/contacts/{}/mark", c.id)),
        c.id
    );
    b.push_str("<section aria-labelledby=\"timeline\"><h2 id=\"timeline\">Timeline</h2>");
    if c.timeline.is_empty() {
        b.push_str("<p>Nothing dated between you yet.</p>");
    } else {
        let rows: Vec<String> = c
            .timeline
            .iter()
            .map(|m| {
                format!(
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    day(m.at),
                    m.network,
                    m.who,
                    escape(&m.act),
                    escape(&cut(&m.text, 160))
                )
            })
            .collect();
        b.push_str(&table(&["When", "Network", "Who", "What", "Text"], &rows));
    }
    b.push_str("</section>");
    page(&app.token, "/contacts", &c.name, &b)
}

#[derive(Deserialize)]
struct MarkForm {
    mark: String,
    #[serde(default)]
    since: Option<String>,
}

async fn mark_form(State(app): State<Shared>, Path(id): Path<i64>, Form(f): Form<MarkForm>) -> Response {
    match blocking(&app, move |_, store| super::api::set_mark(store, id, Some(&f.mark), f.since.as_deref()))
        .await
    {
        Ok(_) => Redirect::to(&format!("/contacts/{id}")).into_response(),
        Err(e) => failed(&app, &e),
    }
}

async fn consent_form(
    State(app): State<Shared>,
    Path(id): Path<i64>,
    Form(f): Form<super::api::ConsentRequest>,
) -> Response {
    match blocking(&app, move |_, store| super::api::add_consent(store, id, &f)).await {
        Ok(_) => Redirect::to(&format!("/contacts/{id}#consent")).into_response(),
        Err(e) => failed(&app, &e),
    }
}

async fn withdraw_form(
    State(app): State<Shared>,
    Path(id): Path<i64>,
    Form(f): Form<super::api::WithdrawRequest>,
) -> Response {
    match blocking(&app, move |_, store| super::api::withdraw_consent(store, id, &f)).await {
        Ok(_) => Redirect::to(&format!("/contacts/{id}#consent")).into_response(),
        Err(e) => failed(&app, &e),
    }
}

#[derive(Deserialize)]
struct CodeForm {
    code: String,
}

async fn confirm_form(State(app): State<Shared>, Path(id): Path<i64>, Form(f): Form<CodeForm>) -> Response {
    match blocking(&app, move |_, store| super::api::confirm_consent(store, &f.code)).await {
        Ok(_) => Redirect::to(&format!("/contacts/{id}#consent")).into_response(),
        Err(e) => failed(&app, &e),
    }
}

// ---------------------------------------------------------------------------
// Inbox, scan, history
// ---------------------------------------------------------------------------

fn waiting_rows(list: &[data::Waiting]) -> String {
    let rows: Vec<String> = list
        .iter()
        .map(|w| {
            format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&w.from),
                w.network,
                waited(w.waited_secs),
                escape(&w.what),
                escape(&cut(&w.text, 200))
            )
        })
        .collect();
    table(&["From", "Network", "Waited", "What", "Their words"], &rows)
}

async fn inbox(State(app): State<Shared>) -> Response {
    let inbox = match blocking(&app, |_, store| data::inbox(store, crate::store::now())).await {
        Ok(i) => i,
        Err(e) => return failed(&app, &e),
    };
    let mut b = String::from(
        "<p class=\"lead\">Customers waiting for you, oldest first. Never leave a question or a complaint unanswered.</p>",
    );
    let _ = write!(
        b,
        "<section aria-labelledby=\"req\"><h2 id=\"req\">Customer requests without an answer ({})</h2>",
        inbox.total
    );
    if inbox.requests.is_empty() {
        b.push_str("<p class=\"clean\">None: every question and complaint has an answer.</p>");
    } else {
        b.push_str(&waiting_rows(&inbox.requests));
        if inbox.total > inbox.requests.len() {
            let _ = write!(b, "<p>Showing the oldest {} of {}.</p>", inbox.requests.len(), inbox.total);
        }
    }
    b.push_str("</section><p class=\"muted\">A request is a question about what you offer or a problem with an order, with no answer from you after it; \
whose turn it is in every conversation, and your response times, are in the report and in <code>tactful responses</code>. See docs/metrics.md.</p>");
    page(&app.token, "/inbox", "Inbox", &b)
}

async fn scan(State(app): State<Shared>) -> Response {
    let s = match blocking(&app, |app, store| data::scan(store, &app.checker, 100)).await {
        Ok(s) => s,
        Err(e) => return failed(&app, &e),
    };
    let mut b = format!(
        "<p class=\"lead\">Your own past posts, comments and messages, checked against today's rules: {} checked, {} to review, worst first.</p>",
        s.scanned, s.flagged
    );
    if s.shown.is_empty() {
        b.push_str("<p class=\"clean\">Nothing to review.</p>");
    }
    b.push_str("<ol class=\"cards\">");
    for f in &s.shown {
        let _ = write!(
            b,
            "<li><p><strong>{}</strong> — {} {} {}</p><blockquote>{}</blockquote><ul>",
            f.action,
            day(f.at),
            f.network,
            f.kind,
            escape(&cut(&f.text, 400))
        );
        // One line per rule, with every place it fired (as `tactful scan` prints it).
        for g in &f.groups {
            let places: Vec<String> = g
                .places
                .iter()
                .map(|&(s, e)| format!("\u{201c}{}\u{201d}", escape(&cut(&f.text[s..e], 60))))
                .collect();
            let _ = write!(
                b,
                "<li><span class=\"badge {sev}\">{sev}</span> <a href=\"/rules/{code}\"><code>{code}</code></a> {places} — {msg}</li>",
                sev = g.severity,
                code = escape(&g.code),
                places = places.join(", "),
                msg = escape(&g.message)
            );
        }
        let _ = write!(b, "</ul><p class=\"muted\">from {}</p></li>", escape(&f.source));
    }
    b.push_str("</ol>");
    let _ = write!(
        b,
        "<section aria-labelledby=\"pitches\"><h2 id=\"pitches\">Pitches nobody invited</h2><p>{} past pitch(es) to people who had not invited them, judged on the history before each one.</p><ul>",
        s.unsolicited_total
    );
    for u in &s.unsolicited {
        let _ = write!(
            b,
            "<li>{} to <a href=\"/contacts/{}\">{}</a> (was {})</li>",
            day(u.at),
            u.contact,
            escape(&u.name),
            u.stage
        );
    }
    let _ = write!(
        b,
        "</ul></section><section aria-labelledby=\"spray\"><h2 id=\"spray\">The same message to many people</h2><p>{} time(s) the same message went to {}+ people within a day.</p><ul>",
        s.broadcasts_total,
        tactful_core::relationships::DEFAULT_MIN_RECIPIENTS
    );
    for x in &s.broadcasts {
        let _ = write!(
            b,
            "<li>{} to {} people: {}</li>",
            day(x.first_at),
            x.recipients,
            escape(&cut(&x.text, 120))
        );
    }
    b.push_str("</ul></section>");
    page(&app.token, "/scan", "Past posts to review", &b)
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
    let mut b = format!(
        "<form method=\"get\" action=\"/history\" class=\"row search\" role=\"search\"><div><label for=\"q\">Search the text</label><input id=\"q\" name=\"q\" type=\"search\" value=\"{}\"></div><button type=\"submit\">Search</button></form>\
<p>{total} items stored; showing {} newest{}.</p>",
        escape(s.q.as_deref().unwrap_or("")),
        items.len(),
        if s.q.as_deref().is_some_and(|q| !q.is_empty()) { " that match" } else { "" }
    );
    let rows: Vec<String> = items
        .iter()
        .map(|i| {
            format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"text\">{}</td></tr>",
                day(i.at),
                i.network,
                i.kind,
                if i.yours { "you".to_string() } else { escape(&i.author) },
                escape(&cut(&i.text, 300))
            )
        })
        .collect();
    b.push_str(&table(&["When", "Network", "Kind", "Who", "Text"], &rows));
    page(&app.token, "/history", "History", &b)
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
    /// The month asked for, or the current one.
    pub fn period(&self) -> anyhow::Result<crate::report::Period> {
        let nonempty = |s: &Option<String>| s.as_deref().filter(|x| !x.is_empty()).map(str::to_string);
        let (month, from, to) = (nonempty(&self.month), nonempty(&self.from), nonempty(&self.to));
        if month.is_none() && from.is_none() && to.is_none() {
            let m = tactful_core::coaching::month(crate::store::now());
            return Ok(crate::report::period(Some(&m), None, None)?);
        }
        Ok(crate::report::period(month.as_deref(), from.as_deref(), to.as_deref())?)
    }
}

async fn report_page(State(app): State<Shared>, Query(q): Query<PeriodQuery>) -> Response {
    let p = match q.period() {
        Ok(p) => p,
        Err(e) => return error_page(&app.token, StatusCode::BAD_REQUEST, &format!("{e:#}")),
    };
    let month = q.month.clone().filter(|m| !m.is_empty()).unwrap_or_else(|| p.label.clone());
    let src = match (&q.from, &q.to) {
        (Some(f), Some(t)) if !f.is_empty() => {
            format!("/report/view?from={}&amp;to={}", escape(f), escape(t))
        }
        _ => format!("/report/view?month={}", escape(&month)),
    };
    // A from/to period is labelled `2026-09-01_to_2026-09-30`: the month box stays empty then.
    let picked = if month.len() == 7 { escape(&month) } else { String::new() };
    let shown = p.label.replace('_', " ");
    let body = format!(
        "<form method=\"get\" action=\"/report\" class=\"row\"><div><label for=\"month\">Month</label><input id=\"month\" name=\"month\" type=\"month\" value=\"{picked}\"></div><button type=\"submit\">Show</button></form>\
<p><a href=\"{src}\" download=\"tactful-report-{file}.html\">Download this report</a> (one file, opens offline).</p>\
<iframe class=\"report\" title=\"Report for {title}\" src=\"{src}\"></iframe>",
        file = escape(&p.label),
        title = escape(&shown),
    );
    page(&app.token, "/report", &format!("Report: {shown}"), &body)
}

async fn report_view(State(app): State<Shared>, Query(q): Query<PeriodQuery>) -> Response {
    let p = match q.period() {
        Ok(p) => p,
        Err(e) => return error_page(&app.token, StatusCode::BAD_REQUEST, &format!("{e:#}")),
    };
    match blocking(&app, move |app, store| crate::report::build(store, &app.checker, &p, crate::store::now()))
        .await
    {
        Ok(r) => ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], r.html).into_response(),
        Err(e) => failed(&app, &e),
    }
}

// ---------------------------------------------------------------------------
// Plan
// ---------------------------------------------------------------------------

async fn plan_page(State(app): State<Shared>) -> Response {
    let p = match blocking(&app, |_, store| crate::coach::load_plan(store.people())).await {
        Ok(p) => p,
        Err(e) => return failed(&app, &e),
    };
    let mut nets = String::new();
    for n in tactful_core::history::Network::ALL {
        let checked = if p.networks.contains(&n) { " checked" } else { "" };
        let _ = write!(
            nets,
            "<label class=\"inline\"><input type=\"checkbox\" name=\"networks\" value=\"{0}\"{checked}> {0}</label>",
            n.as_str()
        );
    }
    let body = format!(
        "<p class=\"lead\">Know your goals, choose a few networks, keep a daily time box, and mostly give. Every report shows this plan.</p>\
<form method=\"post\" action=\"{act}\" class=\"card\">\
<label for=\"goals\">Goals, one per line</label><textarea id=\"goals\" name=\"goals\" rows=\"4\">{goals}</textarea>\
<label for=\"market\">Who you serve</label><input id=\"market\" name=\"market\" value=\"{market}\">\
<fieldset><legend>Networks you focus on</legend>{nets}</fieldset>\
<div class=\"row\"><div><label for=\"session_minutes\">Daily session, minutes</label><input id=\"session_minutes\" name=\"session_minutes\" type=\"number\" min=\"1\" max=\"1440\" value=\"{mins}\" required></div>\
<div><label for=\"max_promo\">Promotional posts at most, %</label><input id=\"max_promo\" name=\"max_promotional_percent\" type=\"number\" min=\"0\" max=\"100\" value=\"{promo}\" required></div></div>\
<button type=\"submit\">Save the plan</button></form>",
        act = action(&app, "/plan"),
        goals = escape(&p.goals.join("\n")),
        market = escape(&p.market),
        mins = p.session_minutes,
        promo = p.max_promotional_percent,
    );
    page(&app.token, "/plan", "Your plan", &body)
}

async fn plan_form(State(app): State<Shared>, body: axum::body::Bytes) -> Response {
    // Repeated `networks` fields: parse the form by hand.
    let mut p = tactful_core::plan::Plan { networks: Vec::new(), ..tactful_core::plan::Plan::default() };
    let mut problems = Vec::new();
    for (k, v) in form_pairs(&body) {
        match k.as_str() {
            "goals" => {
                p.goals = v.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect();
            }
            "market" => p.market = v.trim().to_string(),
            "networks" => match v.parse() {
                Ok(n) => p.networks.push(n),
                Err(e) => problems.push(format!("networks: {e}")),
            },
            "session_minutes" => match v.trim().parse() {
                Ok(n) => p.session_minutes = n,
                Err(_) => problems.push(format!("daily session: `{v}` is not a whole number of minutes")),
            },
            "max_promotional_percent" => match v.trim().parse() {
                Ok(n) => p.max_promotional_percent = n,
                Err(_) => problems.push(format!("promotional share: `{v}` is not a whole percentage")),
            },
            _ => {}
        }
    }
    if !problems.is_empty() {
        return error_page(&app.token, StatusCode::BAD_REQUEST, &problems.join("; "));
    }
    match blocking(&app, move |_, store| super::api::save_plan(store, &p)).await {
        Ok(()) => Redirect::to("/plan").into_response(),
        Err(e) => failed(&app, &e),
    }
}

/// `application/x-www-form-urlencoded` pairs, decoded.
fn form_pairs(body: &[u8]) -> Vec<(String, String)> {
    fn decode(s: &str) -> String {
        let b = s.as_bytes();
        let mut out = Vec::with_capacity(b.len());
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'+' => out.push(b' '),
                b'%' if i + 2 < b.len() => {
                    match u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("zz"), 16) {
                        Ok(v) => {
                            out.push(v);
                            i += 2;
                        }
                        Err(_) => out.push(b'%'),
                    }
                }
                c => out.push(c),
            }
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }
    String::from_utf8_lossy(body)
        .split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (decode(k), decode(v))
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Rules
// ---------------------------------------------------------------------------

async fn rules(State(app): State<Shared>) -> Response {
    let rows: Vec<String> = app
        .checker
        .engine()
        .rules()
        .iter()
        .map(|r| {
            format!(
                "<tr><td><a href=\"/rules/{code}\"><code>{code}</code></a></td><td>{}</td><td><span class=\"badge {sev}\">{sev}</span></td><td>{}</td><td>{}{}</td></tr>",
                escape(&r.name),
                r.category,
                escape(&r.message),
                if r.enabled { "" } else { " (off)" },
                code = escape(&r.code),
                sev = r.severity.as_str(),
            )
        })
        .collect();
    let body = format!(
        "<p class=\"lead\">{} rules in {} packs. Each says why it matters and links to the guidance behind it.</p>{}\
<section aria-labelledby=\"pack-h\"><h2 id=\"pack-h\">Test a company pack</h2><form id=\"pack-test\" class=\"card\">\
<label for=\"pack-file\">A pack file (.toml)</label><input id=\"pack-file\" type=\"file\" accept=\".toml\">\
<label for=\"pack-source\">or paste it</label><textarea id=\"pack-source\" rows=\"8\" spellcheck=\"false\"></textarea>\
<button type=\"submit\">Run its examples</button></form><div id=\"pack-result\" aria-live=\"polite\"></div>\
<p class=\"muted\">Nothing is installed: start <code>tactful serve --pack FILE</code> to check with it. See docs/packs.md.</p></section>",
        app.checker.engine().rules().len(),
        {
            let mut p: Vec<&str> = app.checker.engine().rules().iter().map(|r| r.pack.as_str()).collect();
            p.sort_unstable();
            p.dedup();
            p.len()
        },
        table(&["Code", "Name", "Severity", "Category", "Message"], &rows)
    );
    page(&app.token, "/rules", "Rules", &body)
}

async fn rule(State(app): State<Shared>, Path(code): Path<String>) -> Response {
    let Some(r) = app.checker.engine().rule(&code) else {
        return error_page(&app.token, StatusCode::NOT_FOUND, &format!("There is no rule {code}."));
    };
    let list = |xs: &[String], mark: &str| -> String {
        xs.iter().map(|t| format!("<li>{mark} {}</li>", escape(t))).collect()
    };
    let refs: String = r
        .references
        .iter()
        .map(|l| format!("<li><a href=\"{0}\" rel=\"noreferrer\">{0}</a></li>", escape(l)))
        .collect();
    let channels: Vec<&str> = r.channels().iter().map(|c| c.as_str()).collect();
    let body = format!(
        "<p class=\"lead\"><span class=\"badge {sev}\">{sev}</span> {cat} — {msg}</p><h2>Why it matters</h2><p>{why}</p><h2>Say it better</h2><p>{hint}</p>\
<h2>Guidance</h2><ul>{refs}</ul><h2>Flagged, for example</h2><ul class=\"examples\">{flag}</ul><h2>Fine, for example</h2><ul class=\"examples\">{pass}</ul>\
<p class=\"muted\">Applies to: {ch}. Defined in {at} (pack {pack}){off}.</p>",
        sev = r.severity.as_str(),
        cat = r.category,
        msg = escape(&r.message),
        why = escape(&r.explanation),
        hint = escape(&r.hint),
        flag = list(&r.flag, "✗"),
        pass = list(&r.pass, "✓"),
        ch = channels.join(", "),
        at = escape(&r.defined_at),
        pack = escape(&r.pack),
        off = if r.enabled { "" } else { "; switched off" },
    );
    page(&app.token, "/rules", &format!("{} {}", r.code, r.name), &body)
}

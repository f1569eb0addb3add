//! The compliance admin's pages: accounts and invitations, the roster with
//! a preview of its changes, the audit log with search and its chain checked,
//! API keys (people's personal keys and the integrations' keys), the notice
//! template and the company pack (each checked before it is kept, with
//! history), and the report with its charts.

use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use maud::{Markup, html};
use serde::Deserialize;

use super::{
    Principal, Role, Shared, accounts, as_person, fresh, html_response, page, refused, signed_in, with_store,
};

pub(super) fn routes() -> Router<Shared> {
    Router::new()
        .route("/admin/accounts", get(accounts_page).post(invite_form))
        .route("/admin/roster", get(roster_page).post(roster_form))
        .route("/admin/audit", get(audit_page))
        .route("/admin/keys", get(keys_page).post(keys_form))
        .route("/admin/templates", get(templates_page).post(templates_form))
        .route("/admin/pack", get(pack_page).post(pack_form))
        .route("/admin/report", get(report_page))
}

/// The admin's pages, each with a way to the others.
const PAGES: [(&str, &str); 7] = [
    ("/admin/accounts", "Accounts"),
    ("/admin/roster", "Roster"),
    ("/admin/keys", "API keys"),
    ("/admin/templates", "Notice template"),
    ("/admin/pack", "Company pack"),
    ("/admin/report", "Report"),
    ("/admin/audit", "Audit log"),
];

/// An admin page: the frame, the admin's pages to go to, and the body.
fn admin_page(title: &str, who: Option<&Principal>, body: &Markup) -> Markup {
    let nav = html! {
        nav aria-label="Admin pages" {
            ul {
                @for (href, name) in PAGES {
                    li { @if name == title { a href=(href) aria-current="page" { (name) } } @else { a href=(href) { (name) } } }
                }
            }
        }
        (body)
    };
    page(title, who, &nav)
}

/// The admin's pages are the admin's: anyone else is refused before anything is read.
#[allow(clippy::result_large_err)]
async fn admin(c: &Shared, headers: &HeaderMap) -> Result<Principal, Response> {
    let (p, _) = signed_in(c, headers).await?;
    if p.account.role == Role::Admin {
        Ok(p)
    } else {
        Err(refused(&p, "This page is the compliance admin's."))
    }
}

/// The admin's form, with its CSRF token checked.
#[allow(clippy::result_large_err)]
async fn admin_form(c: &Shared, headers: &HeaderMap, csrf: &str) -> Result<Principal, Response> {
    let p = admin(c, headers).await?;
    fresh(&p, csrf)?;
    Ok(p)
}

fn accounts_body(p: &Principal, list: &[accounts::Account], said: Option<Markup>) -> Markup {
    html! {
        @if let Some(s) = said { (s) }
        div.table-box { table.cards {
            thead { tr { th scope="col" { "Email" } th scope="col" { "Name" } th scope="col" { "Role" } th scope="col" { "Distributor" } th scope="col" { "State" } } }
            tbody {
                @for a in list {
                    tr {
                        td data-label="Email" { (a.email) } td data-label="Name" { (a.name) } td data-label="Role" { (a.role.as_str()) }
                        td data-label="Distributor" { (a.distributor.as_deref().unwrap_or("")) }
                        td data-label="State" { @if a.disabled { "disabled" } @else if a.active { "active" } @else { "invited" } }
                    }
                }
            }
        } }
        h2 { "Invite someone" }
        form method="post" {
            input type="hidden" name="csrf" value=(p.csrf);
            label for="email" { "Email" } input #email name="email" type="email" required;
            label for="name" { "Name" } input #name name="name" required;
            label for="role" { "Role" }
            select #role name="role" { @for r in Role::ALL { option value=(r.as_str()) { (r.as_str()) } } }
            label for="distributor" { "Their distributor id (a leader's or a distributor's)" }
            input #distributor name="distributor";
            button type="submit" { "Invite" }
        }
    }
}

async fn accounts_page(State(c): State<Shared>, headers: HeaderMap) -> Response {
    let p = checked!(admin(&c, &headers).await);
    let company = c.company;
    let list = with_store(&c, move |_, db| accounts::list(db, company)).await.unwrap_or_default();
    html_response(StatusCode::OK, &admin_page("Accounts", Some(&p), &accounts_body(&p, &list, None)))
}

#[derive(Deserialize)]
struct InviteForm {
    #[serde(default)]
    csrf: String,
    // Missing fields are the handler's to name (after the role and CSRF checks), not a bare 422.
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    distributor: String,
}

async fn invite_form(State(c): State<Shared>, headers: HeaderMap, Form(f): Form<InviteForm>) -> Response {
    let p = checked!(admin_form(&c, &headers, &f.csrf).await);
    let r = as_person(&c, &p, move |db, actor| {
        let role: Role = f.role.parse()?;
        let d = Some(f.distributor.as_str()).filter(|d| !d.trim().is_empty());
        let inv = accounts::invite(db, actor, &f.email, &f.name, role, d)?;
        Ok((inv, accounts::list(db, actor.company)?))
    })
    .await;
    match r {
        Ok((inv, list)) => {
            // The link is shown once, here: the store keeps only its hash.
            let said = html! {
                p role="status" {
                    "Invited " (inv.account.email) ". Send them this link (it works once, for 7 days): "
                    code { "/invitation/" (inv.token) }
                }
            };
            html_response(
                StatusCode::OK,
                &admin_page("Accounts", Some(&p), &accounts_body(&p, &list, Some(said))),
            )
        }
        Err(e) => {
            let company = c.company;
            let list = with_store(&c, move |_, db| accounts::list(db, company)).await.unwrap_or_default();
            let said = html! { p role="alert" { (e.to_string()) } };
            html_response(
                StatusCode::BAD_REQUEST,
                &admin_page("Accounts", Some(&p), &accounts_body(&p, &list, Some(said))),
            )
        }
    }
}

fn roster_body(p: &Principal, csv: &str, preview: Option<Markup>) -> Markup {
    html! {
        (preview.unwrap_or_default())
        form method="post" {
            input type="hidden" name="csrf" value=(p.csrf);
            label for="csv" { "The roster as CSV (id, name, email, upline_id, rank, country, joined, left, handles)" }
            textarea #csv name="csv" rows="10" { (csv) }
            button type="submit" name="step" value="preview" { "Preview the changes" }
            button type="submit" name="step" value="apply" { "Apply them" }
        }
    }
}

async fn roster_page(State(c): State<Shared>, headers: HeaderMap) -> Response {
    let p = checked!(admin(&c, &headers).await);
    html_response(StatusCode::OK, &admin_page("Roster", Some(&p), &roster_body(&p, "", None)))
}

#[derive(Deserialize)]
struct RosterForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    csv: String,
    #[serde(default)]
    step: String,
}

/// Preview what a roster file would change (nothing is written), or apply it.
async fn roster_form(State(c): State<Shared>, headers: HeaderMap, Form(f): Form<RosterForm>) -> Response {
    let p = checked!(admin_form(&c, &headers, &f.csrf).await);
    let csv = f.csv.clone();
    let apply = f.step == "apply";
    let r = as_person(&c, &p, move |db, actor| {
        use tactful_company::roster;
        if apply {
            let s = roster::import(db, actor, "roster.csv", csv.as_bytes())?;
            let problems: Vec<String> = s.skipped.iter().map(ToString::to_string).collect();
            return Ok(html! {
                p role="status" { "Applied: " (s.added) " added, " (s.updated) " updated, " (s.unchanged) " unchanged." }
                @if !problems.is_empty() { ul { @for x in &problems { li { (x) } } } }
            });
        }
        let file = roster::parse("roster.csv", csv.as_bytes())?;
        let plan = roster::plan(&file, &roster::distributors(db, actor.company)?);
        Ok(html! {
            p role="status" { "Nothing is written yet. " (plan.changes.len()) " change(s), " (plan.unchanged) " unchanged, " (plan.problems.len()) " row(s) that would be skipped." }
            ul {
                @for ch in &plan.changes {
                    li {
                        "line " (ch.line) ": " (ch.after.id) " " (ch.after.name)
                        @match &ch.before { None => " — new", Some(_) => " — changed" }
                    }
                }
                @for x in &plan.problems { li { (x.to_string()) } }
            }
        })
    })
    .await;
    let said = r.unwrap_or_else(|e| html! { p role="alert" { (e.to_string()) } });
    html_response(StatusCode::OK, &admin_page("Roster", Some(&p), &roster_body(&p, &f.csv, Some(said))))
}

#[derive(Deserialize, Default)]
struct AuditQuery {
    #[serde(default)]
    q: String,
}

/// The audit log, newest first, searchable by action, subject or who; and whether its chain holds.
async fn audit_page(State(c): State<Shared>, headers: HeaderMap, Query(q): Query<AuditQuery>) -> Response {
    let p = checked!(admin(&c, &headers).await);
    let company = c.company;
    let needle = q.q.trim().to_lowercase();
    let r = with_store(&c, move |_, db| {
        let verdict = tactful_company::audit::verify(db, company)?;
        let mut found = Vec::new();
        tactful_company::audit::entries(db, company, &mut |e| {
            let hay = format!("{} {} {}", e.action, e.subject, e.actor).to_lowercase();
            if needle.is_empty() || hay.contains(&needle) {
                found.push(e);
            }
        })?;
        found.reverse();
        found.truncate(500);
        Ok((verdict, found))
    })
    .await;
    let Ok((verdict, found)) = r else { return refused(&p, "The audit log cannot be read just now.") };
    let body = html! {
        @match &verdict.broken {
            None => p role="status" { "The chain holds: " (verdict.entries) " entries, each sealing the one before." },
            Some(b) => p role="alert" { "The chain is broken: " (format!("{b:?}")) },
        }
        form method="get" role="search" {
            label for="q" { "Search by action, subject or who" }
            input #q name="q" value=(q.q);
            button type="submit" { "Search" }
        }
        div.table-box { table.cards {
            thead { tr { th scope="col" { "#" } th scope="col" { "When" } th scope="col" { "Who" } th scope="col" { "What" } th scope="col" { "To what" } } }
            tbody {
                @for e in &found {
                    tr {
                        td data-label="#" { (e.seq) } td data-label="When" { (tactful_app::clock::rfc3339(e.at)) }
                        td data-label="Who" { (e.actor) } td data-label="What" { (e.action) } td data-label="To what" { (e.subject) }
                    }
                }
            }
        } }
    };
    html_response(StatusCode::OK, &admin_page("Audit log", Some(&p), &body))
}

/// When, for a table cell.
fn when(t: Option<i64>) -> String {
    t.map_or_else(|| "—".to_string(), tactful_app::clock::rfc3339)
}

/// Everything the keys page shows.
struct KeysView {
    accounts: Vec<accounts::Account>,
    personal: Vec<crate::keys::PersonalKey>,
    integrations: Vec<tactful_company::apikey::ApiKey>,
}

fn keys_view(db: &mut dyn tactful_store::people::Db, company: i64) -> Result<KeysView, crate::Error> {
    Ok(KeysView {
        accounts: accounts::list(db, company)?,
        personal: crate::keys::list(db, company)?,
        integrations: tactful_company::apikey::list(db, company)?,
    })
}

/// A form with one button that posts `action` about `target` to this page.
fn revoke_button(p: &Principal, action: &str, target: &str, label: &str) -> Markup {
    html! {
        form method="post" {
            input type="hidden" name="csrf" value=(p.csrf);
            input type="hidden" name="action" value=(action);
            input type="hidden" name="target" value=(target);
            button type="submit" aria-label=(label) { "Revoke" }
        }
    }
}

/// People's personal keys as a table, each live one with its Revoke button
/// (posting `action`); the account column only where keys of many are shown.
pub(super) fn personal_keys(
    p: &Principal,
    keys: &[crate::keys::PersonalKey],
    with_account: bool,
    action: &str,
) -> Markup {
    html! {
        div.table-box { table.cards {
            thead { tr {
                @if with_account { th scope="col" { "Account" } }
                th scope="col" { "Name" } th scope="col" { "Starts" } th scope="col" { "Made" } th scope="col" { "Last used" } th scope="col" { "State" }
            } }
            tbody {
                @for k in keys {
                    tr {
                        @if with_account { td data-label="Account" { (k.email) } }
                        td data-label="Name" { (k.name) } td data-label="Starts" { code { (k.prefix) "…" } }
                        td data-label="Made" { (when(Some(k.created_at))) } td data-label="Last used" { (when(k.last_used_at)) }
                        td data-label="State" {
                            @if let Some(t) = k.revoked_at { "revoked " (when(Some(t))) }
                            @else { (revoke_button(p, action, &k.id.to_string(), &format!("Revoke {} ({})", k.name, k.email))) }
                        }
                    }
                }
            }
        } }
    }
}

fn keys_body(p: &Principal, v: &KeysView, said: Option<Markup>) -> Markup {
    html! {
        @if let Some(s) = said { (s) }
        h2 { "People's keys" }
        p { "A personal key acts as its account on the JSON API (" code { "Authorization: Bearer KEY" } "), with the same role and the same cases in scope as the account's pages." }
        (personal_keys(p, &v.personal, true, "revoke_personal"))
        h3 { "Make a personal key" }
        form method="post" {
            input type="hidden" name="csrf" value=(p.csrf);
            input type="hidden" name="action" value="create_personal";
            label for="account" { "For the account" }
            select #account name="target" {
                @for a in v.accounts.iter().filter(|a| !a.disabled) {
                    option value=(a.id) selected[a.id == p.account.id] { (a.email) " (" (a.role.as_str()) ")" }
                }
            }
            label for="key-name" { "What it is for" }
            input #key-name name="name" required maxlength="100";
            button type="submit" { "Make the key" }
        }
        h2 { "Integrations' keys" }
        p { "An integration's key sends posts, drafts and peer reports (" code { "POST /api/v1/company/ingest" } ", " code { "/drafts" } ", " code { "/reports" } "); the audit log names it " code { "api:NAME" } "." }
        div.table-box { table.cards {
            thead { tr { th scope="col" { "Integration" } th scope="col" { "Starts" } th scope="col" { "Made" } th scope="col" { "State" } } }
            tbody {
                @for k in &v.integrations {
                    tr {
                        td data-label="Integration" { (k.name) } td data-label="Starts" { code { (k.prefix) "…" } } td data-label="Made" { (when(Some(k.created_at))) }
                        td data-label="State" {
                            @if let Some(t) = k.revoked_at { "revoked " (when(Some(t))) }
                            @else { (revoke_button(p, "revoke_integration", &k.name, &format!("Revoke the key of {}", k.name))) }
                        }
                    }
                }
            }
        } }
        h3 { "Make an integration's key" }
        form method="post" {
            input type="hidden" name="csrf" value=(p.csrf);
            input type="hidden" name="action" value="create_integration";
            label for="integration" { "The integration's name" }
            input #integration name="name" required maxlength="100";
            button type="submit" { "Make the key" }
        }
    }
}

async fn keys_page(State(c): State<Shared>, headers: HeaderMap) -> Response {
    let p = checked!(admin(&c, &headers).await);
    let company = c.company;
    match with_store(&c, move |_, db| keys_view(db, company)).await {
        Ok(v) => html_response(StatusCode::OK, &admin_page("API keys", Some(&p), &keys_body(&p, &v, None))),
        Err(_) => refused(&p, "The keys cannot be read just now."),
    }
}

/// A keys page's form: here and on a person's own keys page (`web/own.rs`).
#[derive(Deserialize)]
pub(super) struct KeysForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub action: String,
    /// The account (create), the key's id or the integration's name (revoke).
    #[serde(default)]
    pub target: String,
    #[serde(default)]
    pub name: String,
}

/// Make or revoke a key of either kind; a new secret is shown once, here.
async fn keys_form(State(c): State<Shared>, headers: HeaderMap, Form(f): Form<KeysForm>) -> Response {
    let p = checked!(admin_form(&c, &headers, &f.csrf).await);
    let r = as_person(&c, &p, move |db, actor| {
        use tactful_company::apikey;
        let id = |field: &str| {
            f.target.trim().parse::<i64>().map_err(|_| {
                crate::Error::Input(format!("{field}: expected a number, found `{}`", f.target.trim()))
            })
        };
        let said = match f.action.as_str() {
            "create_personal" => {
                let k = crate::keys::create(db, actor, id("account")?, &f.name)?;
                shown_once(&format!("A key for {} ({})", k.key.email, k.key.name), &k.secret)
            }
            "revoke_personal" => {
                let k = crate::keys::revoke(db, actor, id("key")?)?;
                html! { p role="status" { "Revoked " (k.name) " (" (k.email) "): it is refused from now on." } }
            }
            "create_integration" => {
                let secret = format!("tk_{}", crate::random_token());
                let k = apikey::create(db, actor, &f.name, &secret)?;
                shown_once(&format!("A key for the integration {}", k.name), &secret)
            }
            "revoke_integration" => {
                let k = apikey::revoke(db, actor, &f.target)?;
                html! { p role="status" { "Revoked the key of " (k.name) ": it is refused from now on." } }
            }
            other => {
                return Err(crate::Error::Input(format!(
                    "action: expected create_personal, revoke_personal, create_integration or revoke_integration, found `{other}`"
                )));
            }
        };
        Ok((said, keys_view(db, actor.company)?))
    })
    .await;
    match r {
        Ok((said, v)) => {
            html_response(StatusCode::OK, &admin_page("API keys", Some(&p), &keys_body(&p, &v, Some(said))))
        }
        Err(e) => {
            let company = c.company;
            let Ok(v) = with_store(&c, move |_, db| keys_view(db, company)).await else {
                return refused(&p, "The keys cannot be read just now.");
            };
            let said = html! { p role="alert" { (e.to_string()) } };
            html_response(
                StatusCode::BAD_REQUEST,
                &admin_page("API keys", Some(&p), &keys_body(&p, &v, Some(said))),
            )
        }
    }
}

/// A new secret, shown this once: the store keeps only its hash.
pub(super) fn shown_once(what: &str, secret: &str) -> Markup {
    html! {
        p role="status" {
            (what) ". Copy it now: it is shown this once, and only its hash is kept. "
            code { (secret) }
        }
    }
}

fn templates_body(
    p: &Principal,
    text: &str,
    said: Option<Markup>,
    history: &[crate::templates::SavedTemplate],
) -> Markup {
    html! {
        @if let Some(s) = said { (s) }
        p { "The note a distributor is sent about a case. The first line may be " code { "Subject: …" } ". Placeholders:" }
        ul { @for (name, what) in tactful_company::notice::PLACEHOLDERS { li { code { "{" (name) "}" } ": " (what) } } }
        form method="post" {
            input type="hidden" name="csrf" value=(p.csrf);
            label for="template" { "The template" }
            textarea #template name="text" rows="20" { (text) }
            button type="submit" name="step" value="preview" { "Preview on an example case" }
            button type="submit" name="step" value="save" { "Save it" }
        }
        h2 { "Saved versions" }
        @if history.is_empty() { p { "None: notices use the built-in template." } }
        ol reversed {
            @for t in history { li { (tactful_app::clock::rfc3339(t.saved_at)) " by " (t.saved_by) } }
        }
    }
}

async fn templates_page(State(c): State<Shared>, headers: HeaderMap) -> Response {
    let p = checked!(admin(&c, &headers).await);
    let company = c.company;
    let Ok(history) = with_store(&c, move |_, db| crate::templates::history(db, company)).await else {
        return refused(&p, "The templates cannot be read just now.");
    };
    let text = history.first().map_or(tactful_company::notice::DEFAULT_TEMPLATE, |t| t.text.as_str());
    html_response(
        StatusCode::OK,
        &admin_page("Notice template", Some(&p), &templates_body(&p, text, None, &history)),
    )
}

#[derive(Deserialize)]
struct TemplateForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    step: String,
}

/// What a notice looks like with this template, as the page shows it.
fn rendered(subject: &str, body: &str) -> Markup {
    html! {
        section aria-label="Preview" {
            h2 { "Preview on an example case" }
            p { strong { "Subject: " } (subject) }
            pre { (body) }
        }
    }
}

/// Preview the template on the example case, or check it and save it.
async fn templates_form(
    State(c): State<Shared>,
    headers: HeaderMap,
    Form(f): Form<TemplateForm>,
) -> Response {
    let p = checked!(admin_form(&c, &headers, &f.csrf).await);
    let text = f.text.clone();
    let save = f.step == "save";
    let r = as_person(&c, &p, move |db, actor| {
        let (subject, body) = crate::templates::preview(&text, "Your company")?;
        let said = if save {
            crate::templates::save(db, actor, &text)?;
            html! { p role="status" { "Saved: notices from now on use this template." } (rendered(&subject, &body)) }
        } else {
            html! { p role="status" { "Not saved yet." } (rendered(&subject, &body)) }
        };
        Ok((said, crate::templates::history(db, actor.company)?))
    })
    .await;
    match r {
        Ok((said, history)) => html_response(
            StatusCode::OK,
            &admin_page("Notice template", Some(&p), &templates_body(&p, &f.text, Some(said), &history)),
        ),
        Err(e) => {
            let company = c.company;
            let history =
                with_store(&c, move |_, db| crate::templates::history(db, company)).await.unwrap_or_default();
            let said = html! { p role="alert" { "Not saved: " (e.to_string()) } };
            html_response(
                StatusCode::BAD_REQUEST,
                &admin_page("Notice template", Some(&p), &templates_body(&p, &f.text, Some(said), &history)),
            )
        }
    }
}

fn pack_body(
    p: &Principal,
    pack: &str,
    policy: &str,
    said: Option<Markup>,
    history: &[crate::packs::SavedPack],
) -> Markup {
    html! {
        @if let Some(s) = said { (s) }
        p { "The company's own rules (a pack, TOML, with examples that must flag and must pass) and its policy (approved claims, brands, products, required disclosures). Saving runs the pack's examples first, as " code { "tactful rules test" } " does, and keeps nothing if one fails." }
        form method="post" {
            input type="hidden" name="csrf" value=(p.csrf);
            label for="pack" { "The pack (" (crate::packs::PACK_FILE) ")" }
            textarea #pack name="pack" rows="20" { (pack) }
            label for="policy" { "The policy (" (crate::packs::POLICY_FILE) ")" }
            textarea #policy name="policy" rows="12" { (policy) }
            button type="submit" name="step" value="test" { "Run the examples" }
            button type="submit" name="step" value="save" { "Test and save" }
        }
        h2 { "Saved versions" }
        @if history.is_empty() { p { "None yet." } }
        ol reversed {
            @for v in history { li { (tactful_app::clock::rfc3339(v.saved_at)) " by " (v.saved_by) } }
        }
    }
}

fn verdict_markup(v: &crate::packs::Verdict, saved: bool) -> Markup {
    html! {
        @if v.passed() {
            p role="status" {
                @if saved { "Saved. " } @else { "Not saved yet. " }
                "The pack and the policy parse; " (v.examples) " example(s) ran and all passed."
            }
        } @else {
            div role="alert" {
                p { "Not saved: " (v.malformed.len()) " error(s) and " (v.failures.len()) " failing example(s)." }
                ul {
                    @for m in &v.malformed { li { (m) } }
                    @for f in &v.failures {
                        li {
                            (f.code) " (" (f.defined_at) "): "
                            @if f.expected == "flag" { "should flag " } @else { "should not flag " }
                            q { (f.text) }
                        }
                    }
                }
            }
        }
    }
}

async fn pack_page(State(c): State<Shared>, headers: HeaderMap) -> Response {
    let p = checked!(admin(&c, &headers).await);
    let company = c.company;
    let Ok(history) = with_store(&c, move |_, db| crate::packs::history(db, company)).await else {
        return refused(&p, "The pack cannot be read just now.");
    };
    let (pack, policy) = history.first().map_or(("", ""), |v| (v.pack.as_str(), v.policy.as_str()));
    html_response(
        StatusCode::OK,
        &admin_page("Company pack", Some(&p), &pack_body(&p, pack, policy, None, &history)),
    )
}

#[derive(Deserialize)]
struct PackForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    pack: String,
    #[serde(default)]
    policy: String,
    #[serde(default)]
    step: String,
}

/// Run the pack's examples, and save the pack and policy when asked and all pass.
async fn pack_form(State(c): State<Shared>, headers: HeaderMap, Form(f): Form<PackForm>) -> Response {
    let p = checked!(admin_form(&c, &headers, &f.csrf).await);
    let (pack, policy) = (f.pack.clone(), f.policy.clone());
    let save = f.step == "save";
    let r = as_person(&c, &p, move |db, actor| {
        let verdict = if save {
            match crate::packs::save(db, actor, &pack, &policy)? {
                Ok((_, v)) => (v, true),
                Err(v) => (v, false),
            }
        } else {
            (crate::packs::test(&pack, &policy), false)
        };
        Ok((verdict, crate::packs::history(db, actor.company)?))
    })
    .await;
    let Ok(((verdict, saved), history)) = r else { return refused(&p, "The pack cannot be saved just now.") };
    let status = if verdict.passed() { StatusCode::OK } else { StatusCode::BAD_REQUEST };
    let said = verdict_markup(&verdict, saved);
    html_response(
        status,
        &admin_page("Company pack", Some(&p), &pack_body(&p, &f.pack, &f.policy, Some(said), &history)),
    )
}

/// One bar chart: each row's name, a bar (a `<meter>`, which needs no style
/// to draw) and its number as text, so it reads the same without the bars.
/// A bar chart as a table: `what` names the rows' column, `unit` the figures'.
fn bars(caption: &str, what: &str, unit: &str, rows: &[(String, f64, String)]) -> Markup {
    let top = rows.iter().map(|r| r.1).fold(0.0_f64, f64::max).max(1.0);
    html! {
        table class="chart" {
            caption { (caption) }
            thead { tr { th scope="col" { (what) } th scope="col" { "Bar" } th scope="col" { (unit) } } }
            tbody {
                @for (name, value, shown) in rows {
                    tr {
                        th scope="row" { (name) }
                        td { meter min="0" max=(top) value=(value) aria-hidden="true" { (shown) } }
                        td { (shown) }
                    }
                }
            }
        }
    }
}

fn counted(v: &[tactful_company::report::Count]) -> Vec<(String, f64, String)> {
    v.iter().map(|c| (c.key.clone(), c.cases as f64, c.cases.to_string())).collect()
}

fn hours(h: Option<f64>) -> String {
    h.map_or_else(|| "—".to_string(), |h| format!("{h:.1} h"))
}

fn report_body(r: &tactful_company::report::Report) -> Markup {
    let teams: Vec<(String, f64, String)> = r
        .by_team
        .iter()
        .map(|t| {
            (format!("{} ({}, {} people)", t.name, t.leader, t.size), t.cases as f64, t.cases.to_string())
        })
        .collect();
    let offenders: Vec<(String, f64, String)> = r
        .repeat_offenders
        .iter()
        .map(|o| {
            (
                format!("{} ({})", o.name, o.distributor),
                o.posts as f64,
                format!("{} posts, {} lessons passed", o.posts, o.lessons_completed),
            )
        })
        .collect();
    let precision: Vec<(String, f64, String)> = r
        .precision
        .iter()
        .map(|p| {
            let shown = p.precision.map_or_else(
                || format!("nothing decided yet ({} cases)", p.cases),
                |x| {
                    format!(
                        "{:.0}% ({} of {} decided were right)",
                        x * 100.0,
                        p.decided - p.dismissed,
                        p.decided
                    )
                },
            );
            (p.rule.clone(), p.precision.unwrap_or(0.0) * 100.0, shown)
        })
        .collect();
    let timing = |name: &str, t: &tactful_company::report::Timing| {
        html! { tr { th scope="row" { (name) } td { (t.cases) } td { (hours(t.median_hours)) } td { (hours(t.mean_hours)) } } }
    };
    html! {
        p { (r.cases) " cases over " (r.distributors) " distributors, as of " (tactful_app::clock::rfc3339(r.generated_at)) ". Lessons: " (r.lessons_completed) " of " (r.lessons_assigned) " passed." }
        (bars("Cases by category", "Category", "Cases", &counted(&r.by_category)))
        (bars("Cases by rule", "Rule", "Cases", &counted(&r.by_rule)))
        (bars("Cases by month opened", "Month", "Cases", &counted(&r.by_month)))
        (bars("Cases by team", "Team", "Cases", &teams))
        table {
            caption { "How long it took" }
            thead { tr { th scope="col" { "Between" } th scope="col" { "Cases" } th scope="col" { "Median" } th scope="col" { "Mean" } } }
            tbody { (timing("From opening to the notice", &r.time_to_notice)) (timing("From opening to the fix", &r.time_to_fix)) }
        }
        (bars("Repeat offenders: posts with a case", "Distributor", "Posts", &offenders))
        (bars("Precision per rule: decided cases that were not false alarms", "Rule", "Precision", &precision))
    }
}

async fn report_page(State(c): State<Shared>, headers: HeaderMap) -> Response {
    let p = checked!(admin(&c, &headers).await);
    match with_store(&c, move |c, db| Ok(tactful_company::report::build(db, c.company, (c.now)())?)).await {
        Ok(r) => html_response(StatusCode::OK, &admin_page("Report", Some(&p), &report_body(&r))),
        Err(_) => refused(&p, "The report cannot be built just now."),
    }
}

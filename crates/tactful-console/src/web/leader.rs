//! The team leader's view: the open cases of their downline, member by
//! member, the cases opened per month (a bar chart with its numbers as
//! text), and a nudge (the caring note) for a case nobody has written about
//! yet. [`team`] returns the data; the handler only renders.

use std::collections::BTreeMap;

use axum::Router;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use maud::html;

use super::{
    CsrfForm, Error, Filter, Role, Scope, Shared, Status, as_person, case_form, cases, changed,
    html_response, page, refused, signed_in, with_store,
};

pub(super) fn routes() -> Router<Shared> {
    Router::new()
        .route("/team", get(team_page))
        .route("/cases/{id}/nudge", post(nudge_form))
        .route("/cases/{id}/note", post(nudge_form))
}

/// The most of a team's cases the trend counts (the newest).
const TREND_CASES: usize = 20_000;

/// A leader's team at a glance.
pub(crate) struct Team {
    /// Every member (id, name as on the roster) with their open cases
    /// (newest first); the most open cases first.
    pub open: Vec<(String, String, Vec<cases::Case>)>,
    /// Cases opened per month (`YYYY-MM`), oldest first, months with none included.
    pub per_month: Vec<(String, usize)>,
}

/// The open cases of each member of `scope` and the team's cases per month.
pub(crate) fn team(
    db: &mut dyn tactful_store::people::Db,
    company: i64,
    scope: &Scope,
) -> Result<Team, Error> {
    let mut by_member: BTreeMap<String, Vec<cases::Case>> =
        scope.distributors().unwrap_or_default().into_iter().map(|d| (d, Vec::new())).collect();
    let mut months: BTreeMap<(i64, i64), usize> = BTreeMap::new();
    let mut after = None;
    let mut seen = 0;
    loop {
        let filter = Filter { team: scope.distributors(), after, limit: Some(1_000), ..Filter::default() };
        let page = cases::list(db, company, &filter)?;
        for k in page.cases {
            seen += 1;
            let (y, m, _) = tactful_app::clock::civil(k.opened_at.div_euclid(86_400));
            *months.entry((y, m)).or_default() += 1;
            if !k.status.is_final() {
                by_member.entry(k.distributor.clone().unwrap_or_default()).or_default().push(k);
            }
        }
        after = page.next;
        if after.is_none() || seen >= TREND_CASES {
            break;
        }
    }
    let mut per_month = Vec::new();
    if let (Some(&(y0, m0)), Some(&(y1, m1))) = (months.keys().next(), months.keys().next_back()) {
        let (mut y, mut m) = (y0, m0);
        while (y, m) <= (y1, m1) {
            per_month.push((format!("{y:04}-{m:02}"), months.get(&(y, m)).copied().unwrap_or(0)));
            (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        }
    }
    let names = tactful_company::roster::distributors(db, company)?;
    let mut open: Vec<(String, String, Vec<cases::Case>)> = by_member
        .into_iter()
        .map(|(id, list)| {
            let name = names.get(&id).map(|d| d.name.clone()).unwrap_or_default();
            (id, name, list)
        })
        .collect();
    open.sort_by(|a, b| b.2.len().cmp(&a.2.len()).then_with(|| a.0.cmp(&b.0)));
    Ok(Team { open, per_month })
}

/// A bar's width class, in tenths of the longest bar (at least one tenth for any case).
fn tenths(n: usize, max: usize) -> usize {
    if n == 0 || max == 0 { 0 } else { (n * 10).div_ceil(max).clamp(1, 10) }
}

/// A leader's team: the open cases of each member, the cases opened per
/// month, and a nudge (the caring note) for a case nobody has written about.
async fn team_page(State(c): State<Shared>, headers: HeaderMap) -> Response {
    let (p, scope) = checked!(signed_in(&c, &headers).await);
    let Scope::Team { leader, members } = scope.clone() else {
        return refused(&p, "This page is a team leader's.");
    };
    let company = c.company;
    let got = with_store(&c, move |_, db| team(db, company, &scope)).await;
    let Ok(t) = got else { return refused(&p, "Your team's cases cannot be read just now.") };
    let open: usize = t.open.iter().map(|(_, _, l)| l.len()).sum();
    let max = t.per_month.iter().map(|(_, n)| *n).max().unwrap_or(0);
    let body = html! {
        p { "Your team: " (leader) " and " (members.len() - 1) " below you." }
        h2 { "Open cases (" (open) ")" }
        @if open == 0 { p { "None: nothing in your team needs a hand." } }
        @for (member, name, list) in &t.open {
            h3 { (name) " (" (member) "): " (list.len()) " open" }
            @if !list.is_empty() { div.table-box { table.cards {
                thead { tr { th scope="col" { "Case" } th scope="col" { "Category" } th scope="col" { "Status" } th scope="col" { "Nudge" } } }
                tbody {
                    @for k in list {
                        tr {
                            td data-label="Case" { a href={ "/cases/" (k.id) } { "#" (k.id) } }
                            td data-label="Category" { (k.category) }
                            td data-label="Status" { span.status { (k.status.as_str()) } }
                            td data-label="Nudge" {
                                @if matches!(k.status, Status::New | Status::InReview) {
                                    form method="post" action={ "/cases/" (k.id) "/nudge" } {
                                        input type="hidden" name="csrf" value=(p.csrf);
                                        button type="submit" { "Send the caring note" }
                                    }
                                } @else { "written to" }
                            }
                        }
                    }
                }
            } } }
        }
        h2 #trend { "Cases opened per month" }
        @if t.per_month.is_empty() { p { "No cases yet." } }
        ul.bars aria-labelledby="trend" {
            @for (m, n) in &t.per_month {
                li {
                    span { (m) }
                    span class={ "bar w" (tenths(*n, max)) } aria-hidden="true" {}
                    span { (n) }
                }
            }
        }
    };
    html_response(StatusCode::OK, &page("Your team", Some(&p), &body))
}

/// A leader's nudge: the company's caring note for a case of their team
/// (the same notice a reviewer sends, with its lesson), in their name.
async fn nudge_form(
    State(c): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> Response {
    let (p, scope, _) = checked!(case_form(&c, &headers, id, &f.csrf).await);
    // The caring note goes from a team leader (the nudge) or the compliance team.
    let back = match (&scope, p.account.role) {
        (Scope::Team { .. }, _) => "/team".to_string(),
        (_, Role::Admin | Role::Reviewer) => format!("/cases/{id}"),
        _ => return refused(&p, "The note is sent by a team leader or the compliance team."),
    };
    let r = as_person(&c, &p, move |db, actor| {
        // The company's own template, as the admin saved it (else the built-in one).
        let template = crate::templates::notice_template(db, actor.company).unwrap_or_default();
        let judge = super::judge(db, actor.company)?;
        Ok(tactful_company::notice::queue(db, actor, judge.checker.engine(), &template, None, id)?)
    })
    .await;
    changed(&p, r, &back, "Your team")
}

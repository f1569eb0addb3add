//! The distributor's own pages: the notes the compliance team sent them
//! (what was found, what to write instead, the guidance and the lesson),
//! their cases, their lessons with the quiz, and their drafts sent for
//! pre-approval; and the compliance team's page that decides drafts and
//! keeps the approved-claims library. [`mine`] and [`drafts_view`] return
//! the data; the handlers only render.

use axum::Router;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use maud::{Markup, html};
use serde::Deserialize;
use tactful_company::cases::Guidance;
use tactful_company::draft::{self, Decision, Draft, DraftStatus};
use tactful_company::lesson::Assignment;
use tactful_company::notice::Sent;

use super::{
    Error, Principal, Role, Scope, Shared, as_person, bad_request, cases, changed, day, html_response, page,
    refused, signed_in, signed_in_form, with_store,
};

pub(super) fn routes() -> Router<Shared> {
    Router::new()
        .route("/me", get(me_page))
        .route("/me/drafts", post(submit_form))
        .route("/drafts", get(drafts_page))
        .route("/drafts/{id}", get(draft_page))
        .route("/drafts/{id}/decide", post(decide_form))
        .route("/lessons/{name}", get(lesson_page).post(lesson_form))
}

/// One notice as its distributor reads it.
pub(crate) struct MyNotice {
    pub entry: Sent,
    /// The case's status now.
    pub status: Option<tactful_company::case::Status>,
    /// What was found and what to write instead, rule by rule.
    pub guidance: Vec<Guidance>,
    /// The lesson it gave, and whether it is passed.
    pub lesson: Option<(String, bool)>,
}

/// What a distributor's own page shows.
pub(crate) struct Mine {
    pub notices: Vec<MyNotice>,
    pub cases: Vec<cases::Case>,
    pub lessons: Vec<Assignment>,
    pub drafts: Vec<Draft>,
}

/// A distributor's notices (newest first), cases, lessons and drafts.
pub(crate) fn mine(db: &mut dyn tactful_store::people::Db, company: i64, me: &str) -> Result<Mine, Error> {
    let lessons = tactful_company::lesson::assignments(db, company, Some(me))?;
    let judge = super::judge(db, company)?;
    let engine = judge.checker.engine();
    let mut notices = Vec::new();
    for entry in tactful_company::notice::sent_to(db, company, me)? {
        let case = cases::get(db, company, entry.case).ok();
        let mut guidance: Vec<Guidance> = Vec::new();
        for f in case.iter().flat_map(|k| &k.findings) {
            if !guidance.iter().any(|g| g.code == f.code) {
                guidance.extend(cases::guidance(engine, &f.code));
            }
        }
        let lesson = lessons
            .iter()
            .find(|l| l.case == Some(entry.case))
            .map(|l| (l.lesson.clone(), l.completed_at.is_some()));
        notices.push(MyNotice { status: case.map(|k| k.status), entry, guidance, lesson });
    }
    let scope = Scope::Own(me.to_string());
    let cases = super::reviewer::queue(db, company, &scope, &super::reviewer::Ask::default())?.cases;
    let drafts = draft::of(db, company, me)?;
    Ok(Mine { notices, cases, lessons, drafts })
}

fn draft_row(d: &Draft) -> Markup {
    html! {
        tr {
            td data-label="Draft" { a href={ "/drafts/" (d.id) } { "#" (d.id) } }
            td data-label="Sent" { (day(d.submitted_at)) }
            td data-label="Status" { span.status { (d.status.as_str()) } }
            td data-label="Found" {
                @if d.findings.is_empty() { "nothing" }
                @else { (d.findings.iter().map(|f| f.code.as_str()).collect::<Vec<_>>().join(", ")) }
            }
            td data-label="Notes" { (d.notes.as_deref().unwrap_or("")) }
        }
    }
}

fn drafts_table(list: &[Draft]) -> Markup {
    html! {
        div.table-box { table.cards {
            thead { tr { th scope="col" { "Draft" } th scope="col" { "Sent" } th scope="col" { "Status" }
                th scope="col" { "Found" } th scope="col" { "Reviewer's notes" } } }
            tbody { @for d in list { (draft_row(d)) } }
        } }
    }
}

/// A distributor's (or a leader's own) notices, cases, lessons and drafts.
async fn me_page(State(c): State<Shared>, headers: HeaderMap) -> Response {
    let (p, _) = checked!(signed_in(&c, &headers).await);
    let Some(me) = p.account.distributor.clone() else {
        return refused(&p, "This page is a distributor's own: your account is not tied to one.");
    };
    let company = c.company;
    let got = with_store(&c, move |_, db| mine(db, company, &me)).await;
    let Ok(m) = got else { return refused(&p, "Your notices cannot be read just now.") };
    html_response(StatusCode::OK, &page("Your notices and lessons", Some(&p), &me_body(&p, &m, None)))
}

fn me_body(p: &Principal, m: &Mine, said: Option<Markup>) -> Markup {
    html! {
        @if let Some(s) = said { (s) }
        h2 { "Notes from the compliance team" }
        @if m.notices.is_empty() { p { "None: nothing of yours needs changing." } }
        @for n in &m.notices {
            article {
                h3 { (n.entry.subject) }
                p {
                    "About " a href={ "/cases/" (n.entry.case) } { "case #" (n.entry.case) }
                    @if let Some(s) = n.status { " — now " span.status { (s.as_str()) } }
                }
                @for g in &n.guidance {
                    section {
                        h4 { "What was found: " (g.name) " (" (g.code) ")" }
                        p { (g.why) }
                        p { strong { "What to write instead: " } (g.hint) }
                        @for l in &g.links { p { "Guidance: " a href=(l) rel="noreferrer" { (l) } } }
                    }
                }
                @if let Some((lesson, passed)) = &n.lesson {
                    p {
                        "Lesson: " a href={ "/lessons/" (lesson) } { (lesson) }
                        @if *passed { " — passed" } @else { " — to take" }
                    }
                }
                details open { summary { "The note as it was sent" } pre { (n.entry.body) } }
            }
        }
        h2 { "Your cases" }
        @if m.cases.is_empty() { p { "None." } }
        ul { @for k in &m.cases { li {
            a href={ "/cases/" (k.id) } { "#" (k.id) } " " (k.category) " — " span.status { (k.status.as_str()) }
        } } }
        h2 { "Your lessons" }
        @if m.lessons.is_empty() { p { "None given." } }
        ul {
            @for l in &m.lessons {
                li {
                    a href={ "/lessons/" (l.lesson) } { (l.lesson) }
                    @if l.completed_at.is_some() { " — passed" } @else { " — to take" }
                }
            }
        }
        h2 #drafts { "Ask before you post" }
        p { "Send a post before you publish it: it is checked at once, and the compliance team approves it or returns it with notes." }
        form method="post" action="/me/drafts" {
            input type="hidden" name="csrf" value=(p.csrf);
            label for="draft-text" { "Your draft" }
            textarea #draft-text name="text" rows="6" required {}
            button type="submit" { "Send for approval" }
        }
        @if !m.drafts.is_empty() { (drafts_table(&m.drafts)) }
    }
}

#[derive(Deserialize)]
struct DraftForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    text: String,
}

/// A draft sent for pre-approval, checked at once.
async fn submit_form(State(c): State<Shared>, headers: HeaderMap, Form(f): Form<DraftForm>) -> Response {
    let (p, _) = checked!(signed_in_form(&c, &headers, &f.csrf).await);
    let Some(me) = p.account.distributor.clone() else {
        return refused(&p, "A draft is sent by a distributor: your account is not tied to one.");
    };
    let company = c.company;
    let r = as_person(&c, &p, move |db, actor| {
        let judge = super::judge(db, actor.company)?;
        match draft::submit(db, actor, &judge.checker, &judge.policy, &me, &f.text) {
            Ok(d) => Ok(Ok((d, mine(db, company, &me)?))),
            Err(tactful_company::Error::Input(why)) => Ok(Err((why, mine(db, company, &me)?))),
            Err(e) => Err(e.into()),
        }
    })
    .await;
    match r {
        Ok(Ok((d, m))) => {
            let said =
                html! { p role="status" { "Draft #" (d.id) " is sent: " (d.findings.len()) " finding(s)." } };
            html_response(
                StatusCode::OK,
                &page("Your notices and lessons", Some(&p), &me_body(&p, &m, Some(said))),
            )
        }
        Ok(Err((why, m))) => html_response(
            StatusCode::BAD_REQUEST,
            &page(
                "Your notices and lessons",
                Some(&p),
                &me_body(&p, &m, Some(html! { p role="alert" { (why) } })),
            ),
        ),
        Err(e) => bad_request(&p, "Your notices and lessons", &e.to_string()),
    }
}

fn compliance(p: &Principal) -> bool {
    matches!(p.account.role, Role::Admin | Role::Reviewer)
}

/// The compliance team's drafts page: the pending drafts and the library.
pub(crate) struct DraftsView {
    pub pending: Vec<Draft>,
    pub decided: Vec<Draft>,
    pub library: Vec<String>,
}

pub(crate) fn drafts_view(db: &mut dyn tactful_store::people::Db, company: i64) -> Result<DraftsView, Error> {
    let all = draft::list(db, company, None)?;
    let (pending, decided): (Vec<Draft>, Vec<Draft>) =
        all.into_iter().partition(|d| d.status == DraftStatus::Pending);
    let library = draft::approved_claims(db, company)?.into_iter().map(|a| a.text).collect();
    Ok(DraftsView { pending, decided, library })
}

fn no_draft(p: &Principal) -> Response {
    html_response(
        StatusCode::NOT_FOUND,
        &page("No such draft", Some(p), &html! { p { "There is no such draft." } }),
    )
}

async fn drafts_page(State(c): State<Shared>, headers: HeaderMap) -> Response {
    let (p, _) = checked!(signed_in(&c, &headers).await);
    if !compliance(&p) {
        return refused(&p, "This page is the compliance team's.");
    }
    let company = c.company;
    let Ok(v) = with_store(&c, move |_, db| drafts_view(db, company)).await else {
        return refused(&p, "The drafts cannot be read just now.");
    };
    let body = html! {
        h2 { "Waiting for a decision (" (v.pending.len()) ")" }
        @if v.pending.is_empty() { p { "None." } }
        @for d in &v.pending {
            article {
                h3 { a href={ "/drafts/" (d.id) } { "Draft #" (d.id) } " from " (d.distributor) }
                (decide(&p, d))
            }
        }
        h2 { "Approved-claims library (" (v.library.len()) ")" }
        p.hint { "Approved text never opens a case again, and anyone in the company may reuse it." }
        @if v.library.is_empty() { p { "Nothing approved yet." } }
        ul.library { @for t in &v.library { li { blockquote.post { (t) } } } }
        h2 { "Decided" }
        (drafts_table(&v.decided))
    };
    html_response(StatusCode::OK, &page("Drafts", Some(&p), &body))
}

/// A draft's text, its findings, and (for the compliance team, while pending) the decision form.
fn decide(p: &Principal, d: &Draft) -> Markup {
    html! {
        blockquote.post { (d.text) }
        @if d.findings.is_empty() { p { "The check found nothing." } }
        ul { @for f in &d.findings { li { (f.code) ": " (f.message) } } }
        @if compliance(p) && d.status == DraftStatus::Pending {
            form method="post" action={ "/drafts/" (d.id) "/decide" } {
                input type="hidden" name="csrf" value=(p.csrf);
                label for={ "notes-" (d.id) } { "Notes for the distributor (needed to return it)" }
                textarea id={ "notes-" (d.id) } name="notes" rows="3" {}
                div.actions {
                    button type="submit" name="decision" value="approve" { "Approve" }
                    button.secondary type="submit" name="decision" value="return" { "Return with notes" }
                }
            }
        }
    }
}

/// One draft: its distributor's own, their leader's, or the compliance team's; else "no such draft".
async fn draft_page(State(c): State<Shared>, headers: HeaderMap, Path(id): Path<i64>) -> Response {
    let (p, scope) = checked!(signed_in(&c, &headers).await);
    let company = c.company;
    let got = with_store(&c, move |_, db| Ok(draft::get(db, company, id).ok())).await;
    let Ok(Some(d)) = got else { return no_draft(&p) };
    if !scope.allows(Some(d.distributor.as_str())) {
        return no_draft(&p);
    }
    let body = html! {
        p { "From " (d.distributor) ", sent " (day(d.submitted_at)) ". Status: " span.status { (d.status.as_str()) } }
        @if let Some(n) = &d.notes { p { strong { "Reviewer's notes: " } (n) } }
        (decide(&p, &d))
    };
    html_response(StatusCode::OK, &page(&format!("Draft #{id}"), Some(&p), &body))
}

#[derive(Deserialize)]
struct DecideForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    notes: String,
}

async fn decide_form(
    State(c): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<DecideForm>,
) -> Response {
    let (p, _) = checked!(signed_in_form(&c, &headers, &f.csrf).await);
    if !compliance(&p) {
        return refused(&p, "Only the compliance team decides a draft.");
    }
    let notes = Some(f.notes.trim().to_string()).filter(|n| !n.is_empty());
    let decision = match f.decision.as_str() {
        "approve" => Decision::Approve { notes },
        "return" => Decision::Return { notes: notes.unwrap_or_default() },
        other => {
            return bad_request(
                &p,
                "Drafts",
                &format!("decision: expected approve or return, found `{other}`"),
            );
        }
    };
    let r = as_person(&c, &p, move |db, actor| Ok(draft::decide(db, actor, id, &decision)?)).await;
    changed(&p, r, "/drafts", "Drafts")
}

/// The lesson called `name`, from the company's rules (its own pack's too).
async fn lesson_of(c: &Shared, name: &str) -> Option<tactful_company::lesson::Lesson> {
    let name = name.to_string();
    with_store(c, move |c, db| super::judge(db, c.company))
        .await
        .ok()
        .and_then(|j| tactful_company::lesson::find(j.checker.engine(), &name).ok())
}

fn lesson_body(l: &tactful_company::lesson::Lesson, csrf: &str, taking: bool) -> Markup {
    html! {
        p { (l.protects) }
        p { strong { "Not like this: " } (l.bad) }
        p { strong { "Like this: " } (l.better) }
        @if let Some(g) = &l.guidance { p { "The guidance behind it: " a href=(g) rel="noreferrer" { (g) } } }
        @if taking {
            form method="post" {
                input type="hidden" name="csrf" value=(csrf);
                @for (i, q) in l.quiz.iter().enumerate() {
                    fieldset {
                        legend { (q.prompt) }
                        @for (j, choice) in q.choices.iter().enumerate() {
                            label {
                                input type="radio" name={ "q" (i) } value=(j) required;
                                " " (choice)
                            }
                        }
                    }
                }
                button type="submit" { "Check my answers" }
            }
        }
    }
}

async fn lesson_page(State(c): State<Shared>, headers: HeaderMap, Path(name): Path<String>) -> Response {
    let (p, _) = checked!(signed_in(&c, &headers).await);
    let Some(l) = lesson_of(&c, &name).await else {
        return html_response(
            StatusCode::NOT_FOUND,
            &page("No such lesson", Some(&p), &html! { p { "There is no such lesson." } }),
        );
    };
    let body = lesson_body(&l, &p.csrf, p.account.distributor.is_some());
    html_response(StatusCode::OK, &page(l.title, Some(&p), &body))
}

/// The quiz's answers: `q0`, `q1`, … each the index of a choice.
async fn lesson_form(
    State(c): State<Shared>,
    headers: HeaderMap,
    Path(name): Path<String>,
    Form(f): Form<std::collections::HashMap<String, String>>,
) -> Response {
    let (p, _) = checked!(signed_in_form(&c, &headers, f.get("csrf").map_or("", String::as_str)).await);
    let Some(me) = p.account.distributor.clone() else {
        return refused(&p, "A lesson's quiz is taken by a distributor: your account is not tied to one.");
    };
    let Some(l) = lesson_of(&c, &name).await else {
        return html_response(
            StatusCode::NOT_FOUND,
            &page("No such lesson", Some(&p), &html! { p { "There is no such lesson." } }),
        );
    };
    let answers: Vec<usize> = (0..l.quiz.len())
        .map(|i| f.get(&format!("q{i}")).and_then(|a| a.parse().ok()).unwrap_or(usize::MAX))
        .collect();
    let lesson = l.clone();
    let r = as_person(&c, &p, move |db, actor| {
        Ok(tactful_company::lesson::complete(db, actor, &me, &lesson, &answers)?)
    })
    .await;
    let body = match r {
        Ok(a) if a.passed => html! {
            p role="status" { "Passed: " (a.right) " of " (a.questions) " right. " a href="/me" { "Back to your notices" } }
        },
        Ok(a) => html! {
            p role="status" { (a.right) " of " (a.questions) " right: not yet. Read it again and have another go." }
            (lesson_body(&l, &p.csrf, true))
        },
        Err(e) => html! { p role="alert" { (e.to_string()) } },
    };
    html_response(StatusCode::OK, &page(l.title, Some(&p), &body))
}

//! The distributor's own pages: the notes the compliance team sent them,
//! what to fix, and their lessons with the quiz.

use axum::Router;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use maud::{Markup, html};
use tactful_company::Actor;

use super::{Shared, fresh, html_response, page, refused, signed_in, with_store};

pub(super) fn routes() -> Router<Shared> {
    Router::new().route("/me", get(me_page)).route("/lessons/{name}", get(lesson_page).post(lesson_form))
}

/// A distributor's (or a leader's own) notices, with what to fix, and their lessons.
async fn me_page(State(c): State<Shared>, headers: HeaderMap) -> Response {
    let Some((p, _)) = signed_in(&c, &headers).await else { return Redirect::to("/login").into_response() };
    let Some(me) = p.account.distributor.clone() else {
        return refused(&p, "This page is a distributor's own: your account is not tied to one.");
    };
    let company = c.company;
    let got = with_store(&c, move |_, db| {
        let mut notices = Vec::new();
        for n in tactful_company::outbox::list(db, company)?.into_iter().filter(|n| n.distributor == me) {
            let body = tactful_company::outbox::body(db, company, n.id)?.unwrap_or_default();
            notices.push((n, body));
        }
        let lessons = tactful_company::lesson::assignments(db, company, Some(&me))?;
        Ok((notices, lessons))
    })
    .await;
    let Ok((notices, lessons)) = got else { return refused(&p, "Your notices cannot be read just now.") };
    let body = html! {
        h2 { "Notes from the compliance team" }
        @if notices.is_empty() { p { "None: nothing of yours needs changing." } }
        @for (n, text) in notices.iter().rev() {
            article {
                h3 { (n.subject) }
                pre { (text) }
            }
        }
        h2 { "Your lessons" }
        @if lessons.is_empty() { p { "None given." } }
        ul {
            @for l in &lessons {
                li {
                    a href={ "/lessons/" (l.lesson) } { (l.lesson) }
                    @if l.completed_at.is_some() { " — passed" } @else { " — to take" }
                }
            }
        }
    };
    html_response(StatusCode::OK, &page("Your notices and lessons", Some(&p), &body))
}

fn lesson_of(name: &str) -> Option<tactful_company::lesson::Lesson> {
    tactful_company::lesson::find(tactful_app::Checker::builtin().engine(), name).ok()
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
    let Some((p, _)) = signed_in(&c, &headers).await else { return Redirect::to("/login").into_response() };
    let Some(l) = lesson_of(&name) else {
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
    let Some((p, _)) = signed_in(&c, &headers).await else { return Redirect::to("/login").into_response() };
    if let Err(r) = fresh(&p, f.get("csrf").map_or("", String::as_str)) {
        return r;
    }
    let Some(me) = p.account.distributor.clone() else {
        return refused(&p, "A lesson's quiz is taken by a distributor: your account is not tied to one.");
    };
    let Some(l) = lesson_of(&name) else {
        return html_response(
            StatusCode::NOT_FOUND,
            &page("No such lesson", Some(&p), &html! { p { "There is no such lesson." } }),
        );
    };
    let answers: Vec<usize> = (0..l.quiz.len())
        .map(|i| f.get(&format!("q{i}")).and_then(|a| a.parse().ok()).unwrap_or(usize::MAX))
        .collect();
    let who = p.account.email.clone();
    let lesson = l.clone();
    let r = with_store(&c, move |c, db| {
        let actor = Actor { company: c.company, who, at: (c.now)() };
        Ok(tactful_company::lesson::complete(db, &actor, &me, &lesson, &answers)?)
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

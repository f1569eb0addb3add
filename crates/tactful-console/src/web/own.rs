//! What every signed-in person keeps of their own: their personal API keys
//! (`/me/keys`). Each person makes and revokes their own; a key acts as
//! them on the JSON API, with their role and scope, and nothing more (the
//! admin's `/admin/keys` shows everyone's).

use axum::Router;
use axum::extract::{Form, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use maud::{Markup, html};

use super::admin::KeysForm;
use super::{
    Principal, Shared, as_person, html_response, page, refused, signed_in, signed_in_form, with_store,
};
use crate::keys::{self, PersonalKey};

pub(super) fn routes() -> Router<Shared> {
    Router::new().route("/me/keys", get(keys_page).post(keys_form))
}

const TITLE: &str = "Your API keys";

fn body(p: &Principal, mine: &[PersonalKey], said: Option<Markup>) -> Markup {
    html! {
        @if let Some(s) = said { (s) }
        p {
            "A personal key lets a script or another tool use the console's JSON API as you ("
            code { "Authorization: Bearer KEY" } "): it sees the cases you see and may do what you may. "
            "It is shown once, when it is made; revoke it when the tool no longer needs it."
        }
        @if mine.is_empty() { p { "You have no keys." } }
        @else { (super::admin::personal_keys(p, mine, false, "revoke")) }
        h2 { "Make a key" }
        form method="post" {
            input type="hidden" name="csrf" value=(p.csrf);
            input type="hidden" name="action" value="create";
            label for="key-name" { "What it is for" }
            input #key-name name="name" required maxlength="100";
            button type="submit" { "Make the key" }
        }
    }
}

async fn keys_page(State(c): State<Shared>, headers: HeaderMap) -> Response {
    let (p, _) = checked!(signed_in(&c, &headers).await);
    let (company, me) = (c.company, p.account.id);
    match with_store(&c, move |_, db| keys::of(db, company, me)).await {
        Ok(mine) => html_response(StatusCode::OK, &page(TITLE, Some(&p), &body(&p, &mine, None))),
        Err(_) => refused(&p, "Your keys cannot be read just now."),
    }
}

/// Make or revoke one of the person's own keys; a new secret is shown once, here.
async fn keys_form(State(c): State<Shared>, headers: HeaderMap, Form(f): Form<KeysForm>) -> Response {
    let (p, _) = checked!(signed_in_form(&c, &headers, &f.csrf).await);
    let me = p.account.id;
    let r = as_person(&c, &p, move |db, actor| {
        let said = match f.action.as_str() {
            "create" => {
                let k = keys::create(db, actor, me, &f.name)?;
                super::admin::shown_once(&format!("Your key for {}", k.key.name), &k.secret)
            }
            "revoke" => {
                let id = f.target.trim().parse::<i64>().map_err(|_| {
                    crate::Error::Input(format!("key: expected a number, found `{}`", f.target.trim()))
                })?;
                let k = keys::revoke_own(db, actor, me, id)?;
                html! { p role="status" { "Revoked " (k.name) ": it is refused from now on." } }
            }
            other => {
                return Err(crate::Error::Input(format!(
                    "action: expected create or revoke, found `{other}`"
                )));
            }
        };
        Ok((said, keys::of(db, actor.company, me)?))
    })
    .await;
    match r {
        Ok((said, mine)) => {
            html_response(StatusCode::OK, &page(TITLE, Some(&p), &body(&p, &mine, Some(said))))
        }
        Err(e) => {
            let company = c.company;
            let Ok(mine) = with_store(&c, move |_, db| keys::of(db, company, me)).await else {
                return refused(&p, "Your keys cannot be read just now.");
            };
            let said = html! { p role="alert" { (e.to_string()) } };
            html_response(StatusCode::BAD_REQUEST, &page(TITLE, Some(&p), &body(&p, &mine, Some(said))))
        }
    }
}

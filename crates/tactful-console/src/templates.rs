//! The company's notice template as the admin edits it in the console: every
//! saved version is kept, the newest is the one in force, and a template is
//! checked ([`Template::parse`]) before it is kept. [`notice_template`] is
//! what the pages that send notices use.

use serde::Serialize;
use tactful_company::Actor;
use tactful_company::notice::{Template, Values};
use tactful_store::people::{Cell, Db};

use crate::Error;
use crate::versions::Versions;

/// One saved version of the template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SavedTemplate {
    pub id: i64,
    pub text: String,
    pub saved_at: i64,
    pub saved_by: String,
}

/// How the template is named in its errors.
const FILE: &str = "the notice template";

const VERSIONS: Versions = Versions { table: "console_templates", texts: &["text"] };

fn saved(r: &mut [Cell]) -> SavedTemplate {
    SavedTemplate { id: r[0].int(), text: r[1].take_text(), saved_at: r[2].int(), saved_by: r[3].take_text() }
}

/// Every saved version, the newest first.
pub fn history(db: &mut dyn Db, company: i64) -> Result<Vec<SavedTemplate>, Error> {
    VERSIONS.history(db, company, saved)
}

/// The version in force, if one was saved.
pub fn current(db: &mut dyn Db, company: i64) -> Result<Option<SavedTemplate>, Error> {
    VERSIONS.current(db, company, saved)
}

/// The company's notice template: the one saved last, or the built-in one.
pub fn notice_template(db: &mut dyn Db, company: i64) -> Result<Template, Error> {
    match current(db, company)? {
        Some(t) => Ok(Template::parse(FILE, &t.text)?),
        None => Ok(Template::default()),
    }
}

/// Check a template and keep it as the new version; audited as
/// `console.template.save` with the text before and after. A template that
/// does not parse is refused with its line, and nothing is kept.
pub fn save(db: &mut dyn Db, actor: &Actor, text: &str) -> Result<SavedTemplate, Error> {
    let text = text.replace("\r\n", "\n");
    Template::parse(FILE, &text)?;
    let before = current(db, actor.company)?;
    let id = VERSIONS.keep(db, actor, &[&text])?;
    tactful_company::audit::record(
        db,
        actor,
        "console.template.save",
        "template:notice",
        before.map(|b| serde_json::json!({ "text": b.text })).as_ref(),
        Some(&serde_json::json!({ "text": text })),
    )?;
    Ok(SavedTemplate { id, text, saved_at: actor.at, saved_by: actor.who.clone() })
}

/// The made-up case a template is previewed on.
pub fn example_values(company: &str) -> Values {
    Values {
        name: "Alex Example".into(),
        quote: "This shake cured my back pain in a week!".into(),
        why: "A post may not say a product treats or cures a condition: only approved medicines may.".into(),
        instead: "Say how you use it and how it fits your day, not what it heals.".into(),
        guidance: "https://example.com/policy/health-claims".into(),
        lesson: "https://example.com/lessons/health".into(),
        case: "1234".into(),
        company: company.to_string(),
    }
}

/// The subject and body a template gives on the example case, or why it cannot be used.
pub fn preview(text: &str, company: &str) -> Result<(String, String), Error> {
    let t = Template::parse(FILE, &text.replace("\r\n", "\n"))?;
    Ok(t.render(&example_values(company)))
}

//! Notices: a short private note to the distributor about one case, in the
//! spirit of "a caring private note with a link does more than a reprimand":
//! what was found (their words, quoted briefly), why it matters, what to
//! write instead, the guidance link and a lesson link.
//!
//! The words come from a company-editable [`Template`] with named
//! placeholders; an unknown placeholder is refused by name when the template
//! is loaded, so a typo never reaches a distributor. [`queue`] renders the
//! note into the outbox ([`crate::outbox`] delivers it) and moves the case to
//! `notice_sent`, in one audited transaction.

use serde::Serialize;
use tactful_core::Engine;
use tactful_store::Arg;
use tactful_store::people::Db;

use crate::audit::Chain;
use crate::case::Status;
use crate::cases::{self, CaseDetail};
use crate::{Actor, Error};

/// The placeholders a template may use, each with what it becomes.
pub const PLACEHOLDERS: &[(&str, &str)] = &[
    ("name", "the distributor's name, as on the roster"),
    ("quote", "the post's words that were found, quoted briefly"),
    ("why", "why it matters: the rule's explanation in plain words"),
    ("instead", "what to write instead: the rule's hint"),
    ("guidance", "the rule's guidance link"),
    ("lesson", "the link to the lesson on the case's category"),
    ("case", "the case number"),
    ("company", "the company's name"),
];

/// The built-in template: friendly, private, short.
pub const DEFAULT_TEMPLATE: &str = "\
Subject: A quick, friendly note about one of your posts
Hi {name},

We came across one of your recent posts and wanted to reach out privately,
before anyone else does. We care about you and your business, and we want
your posts to work as well as they possibly can.

This is the part that caught our eye:

    \"{quote}\"

Why it matters: {why}

What you could write instead: {instead}

Our guidance on this: {guidance}
A short lesson: {lesson}

Could you edit the post (or take it down) when you have a moment? Once it
is changed we will see it and close this on our side. If you have any
questions, just reply to this note: we are glad to help.

Thank you for representing us so well,
{company}
(reference: case {case})
";

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Slot(&'static str),
}

/// A notice template: an optional first line `Subject: …`, then the body.
/// `{name}` and the other [`PLACEHOLDERS`] are filled in; `{{` and `}}` are
/// literal braces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    subject: Vec<Piece>,
    body: Vec<Piece>,
}

impl Default for Template {
    fn default() -> Template {
        Template::parse("the built-in template", DEFAULT_TEMPLATE).expect("the built-in template is valid")
    }
}

impl Template {
    /// Read a template; `file` names it in errors. An unknown placeholder,
    /// an unclosed `{` or a stray `}` is refused with its line.
    pub fn parse(file: &str, text: &str) -> Result<Template, Error> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let (subject, body, body_line) = match text.split_once('\n') {
            Some((first, rest)) if first.trim_start().starts_with("Subject:") => {
                (first.trim_start()["Subject:".len()..].trim(), rest, 2)
            }
            _ => ("A quick, friendly note about one of your posts", text, 1),
        };
        let bad = |line: usize, message: String| Error::Template { file: file.to_string(), line, message };
        let subject = pieces(subject).map_err(|(_, m)| bad(1, m))?;
        let body = pieces(body).map_err(|(l, m)| bad(body_line + l, m))?;
        if body.is_empty() {
            return Err(bad(body_line, "the template has no body".into()));
        }
        Ok(Template { subject, body })
    }

    /// The subject and body for these values.
    pub fn render(&self, v: &Values) -> (String, String) {
        (fill(&self.subject, v).replace(['\r', '\n'], " "), fill(&self.body, v))
    }
}

/// Split a template into text and placeholders; an error is (0-based line, message).
fn pieces(s: &str) -> Result<Vec<Piece>, (usize, String)> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut line = 0;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => {
                line += 1;
                text.push(c);
            }
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                text.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                text.push('}');
            }
            '}' => return Err((line, "a `}` with no `{` before it (write `}}` for a brace)".into())),
            '{' => {
                let mut name = String::new();
                loop {
                    match chars.next() {
                        Some('}') => break,
                        Some('\n') | None => {
                            return Err((
                                line,
                                format!("`{{{name}` is not closed (write `{{{{` for a brace)"),
                            ));
                        }
                        Some(c) => name.push(c),
                    }
                }
                let Some((known, _)) = PLACEHOLDERS.iter().find(|(p, _)| *p == name.trim()) else {
                    let names: Vec<String> = PLACEHOLDERS.iter().map(|(p, _)| format!("{{{p}}}")).collect();
                    return Err((
                        line,
                        format!(
                            "unknown placeholder `{{{name}}}`; the placeholders are {}",
                            names.join(", ")
                        ),
                    ));
                };
                if !text.is_empty() {
                    out.push(Piece::Text(std::mem::take(&mut text)));
                }
                out.push(Piece::Slot(known));
            }
            c => text.push(c),
        }
    }
    if !text.is_empty() {
        out.push(Piece::Text(text));
    }
    Ok(out)
}

fn fill(pieces: &[Piece], v: &Values) -> String {
    let mut out = String::new();
    for p in pieces {
        match p {
            Piece::Text(t) => out.push_str(t),
            Piece::Slot(name) => out.push_str(v.get(name)),
        }
    }
    out
}

/// What fills a template's placeholders.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Values {
    pub name: String,
    pub quote: String,
    pub why: String,
    pub instead: String,
    pub guidance: String,
    pub lesson: String,
    pub case: String,
    pub company: String,
}

impl Values {
    fn get(&self, name: &str) -> &str {
        match name {
            "name" => &self.name,
            "quote" => &self.quote,
            "why" => &self.why,
            "instead" => &self.instead,
            "guidance" => &self.guidance,
            "lesson" => &self.lesson,
            "case" => &self.case,
            _ => &self.company,
        }
    }

    /// The values for a case: its first finding's words, that rule's why,
    /// hint and first guidance link, and the link to `lesson`.
    pub fn for_case(engine: &Engine, d: &CaseDetail, name: &str, company: &str, lesson: &str) -> Values {
        let first = d.case.findings.first();
        let g = first.and_then(|f| cases::guidance(engine, &f.code));
        let one_line = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        Values {
            name: name.to_string(),
            quote: first.map_or_else(|| one_line(&d.text), |f| quote(&d.text, f.start, f.end)),
            why: g.as_ref().map_or_else(String::new, |g| one_line(&g.why)),
            instead: g.as_ref().map_or_else(String::new, |g| one_line(&g.hint)),
            guidance: g
                .as_ref()
                .and_then(|g| g.links.first().cloned())
                .unwrap_or_else(|| "our social media policy (ask us for the link)".into()),
            lesson: lesson.to_string(),
            case: d.case.id.to_string(),
            company: company.to_string(),
        }
    }
}

/// The sentence around `start..end` (byte offsets), on one line; at most
/// about 160 characters, cut around the found words when longer.
pub fn quote(text: &str, start: usize, end: usize) -> String {
    let (start, end) = (start.min(text.len()), end.min(text.len()).max(start.min(text.len())));
    if !text.is_char_boundary(start) || !text.is_char_boundary(end) {
        return String::new();
    }
    let stops = ['.', '!', '?', '\n'];
    let from = text[..start].rfind(stops).map_or(0, |i| i + 1);
    let to = text[end..].find(stops).map_or(text.len(), |i| end + i + 1);
    let sentence = text[from..to].split_whitespace().collect::<Vec<_>>().join(" ");
    if sentence.chars().count() <= 160 {
        return sentence;
    }
    let words = text[start..end].split_whitespace().collect::<Vec<_>>().join(" ");
    format!("…{words}…")
}

/// A notice in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notice {
    pub id: i64,
    pub case: i64,
    pub distributor: String,
    pub to: String,
    pub subject: String,
    pub body: String,
    /// The lesson given with it (its category).
    pub lesson: String,
}

/// The company's name for `{company}`: the name it was given, or "The compliance team".
pub(crate) fn company_name(db: &mut dyn Db, company: i64) -> Result<String, Error> {
    let rows = db.rows("SELECT name FROM companies WHERE id = ?1", &[Arg::Int(company)])?;
    let name = rows.first().map(|r| r[0].text()).unwrap_or_default();
    Ok(if name.is_empty() || name == "default" { "The compliance team".into() } else { name })
}

/// Queue a notice for a case, give the distributor the lesson of the case's
/// category, and move the case to `notice_sent` (through `in_review` when it
/// is new), audited, in one transaction. `lesson_url` is the company's lesson
/// page (the policy's `lesson_url`). A case with no distributor, or a
/// distributor with no email on the roster, is a named error and nothing
/// changes.
pub fn queue(
    db: &mut dyn Db,
    actor: &Actor,
    engine: &Engine,
    template: &Template,
    lesson_url: Option<&str>,
    case_id: i64,
) -> Result<Notice, Error> {
    queue_with(db, actor, engine, lesson_url, case_id, &|v: &Values| Ok(template.render(v)))
}

/// [`queue`], with the subject and body made by `render` from the case's values.
fn queue_with(
    db: &mut dyn Db,
    actor: &Actor,
    engine: &Engine,
    lesson_url: Option<&str>,
    case_id: i64,
    render: Render<'_>,
) -> Result<Notice, Error> {
    let company = actor.company;
    crate::transaction(db, company, |db| {
        let d = cases::detail(db, company, case_id)?;
        if d.case.category == crate::peer::CATEGORY {
            // A report names no rule, so there is no lesson to give yet.
            return Err(Error::Input(format!(
                "case {case_id} is a peer report, which names no rule: look at the post; when its text breaks a rule, ingest it and notice the case the scan opens; close or dismiss this one"
            )));
        }
        let Some(distributor) = d.case.distributor.clone() else {
            return Err(Error::Input(format!(
                "case {case_id} is on an unattributed post: add the author's handle to the roster first"
            )));
        };
        let rows = db.rows(
            "SELECT name, email FROM company_distributors WHERE company_id = ?1 AND id = ?2",
            &[Arg::Int(company), Arg::Text(distributor.clone())],
        )?;
        let Some(r) = rows.first() else { return Err(Error::UnknownDistributor(distributor)) };
        let name = r[0].text();
        let Some(to) = r[1].opt_text().map(|e| e.trim().to_string()).filter(|e| !e.is_empty()) else {
            return Err(Error::NoEmail { distributor, name });
        };
        if to.parse::<lettre::Address>().is_err() {
            return Err(Error::Input(format!(
                "distributor `{distributor}` ({name}) has the email `{to}` on the roster, which is not an address"
            )));
        }
        // The status machine: new → in_review → notice_sent.
        let mut moves = Vec::new();
        let mut status = d.case.status;
        if status == Status::New {
            moves.push((status, Status::InReview));
            status = Status::InReview;
        }
        let to_status = status.change(Status::NoticeSent, None)?;
        moves.push((status, to_status));

        let lesson =
            d.case.category.parse().map(|c| crate::lesson::for_category(engine, c)).map_err(|_| {
                Error::Damaged(format!("case {case_id} has the category `{}`", d.case.category))
            })?;
        let link = crate::lesson::link(lesson_url, &lesson);
        let values = Values::for_case(engine, &d, &name, &company_name(db, company)?, &link);
        let (subject, body) = render(&values)?;
        let id = crate::outbox::enqueue(db, actor, case_id, &distributor, &to, &subject, &body)?;
        let assignment = crate::lesson::assign(db, actor, &distributor, lesson.id, case_id)?;
        db.exec(
            "UPDATE company_cases SET status = ?1, reason = NULL, updated_at = ?2 WHERE company_id = ?3 AND id = ?4",
            &[Arg::Static(to_status.as_str()), Arg::Int(actor.at), Arg::Int(company), Arg::Int(case_id)],
        )?;
        let mut chain = Chain::open(db, company)?;
        let subject_key = format!("case:{case_id}");
        for (from, to) in &moves {
            chain.append(
                actor,
                "case.status",
                &subject_key,
                Some(&serde_json::json!({ "status": from.as_str(), "reason": d.case.reason })),
                Some(&serde_json::json!({ "status": to.as_str(), "reason": null })),
            );
        }
        chain.append(
            actor,
            "notice.queue",
            &subject_key,
            None,
            Some(&serde_json::json!({ "notice": id, "to": to, "subject": subject })),
        );
        chain.append(
            actor,
            "lesson.assign",
            &format!("distributor:{distributor}"),
            None,
            Some(&serde_json::json!({ "lesson": lesson.id, "case": case_id, "assignment": assignment })),
        );
        chain.write(db)?;
        Ok(Notice {
            id,
            case: case_id,
            distributor: distributor.clone(),
            to: to.clone(),
            subject,
            body,
            lesson: lesson.id.to_string(),
        })
    })
}

/// How [`queue_with`] makes a notice's subject and body from the case's values.
type Render<'a> = &'a dyn Fn(&Values) -> Result<(String, String), Error>;

/// The longest edited subject and body accepted, in characters.
pub const MAX_SUBJECT: usize = 200;
pub const MAX_BODY: usize = 20_000;

/// Queue a notice whose subject and body a reviewer edited (from the
/// template's preview) instead of the template's own words: everything else
/// is as [`queue`] does it, in one transaction with its audit entries and
/// the lesson assignment. An empty or overlong subject or body is refused by
/// name; a subject is one line.
pub fn queue_edited(
    db: &mut dyn Db,
    actor: &Actor,
    engine: &Engine,
    lesson_url: Option<&str>,
    case_id: i64,
    subject: &str,
    body: &str,
) -> Result<Notice, Error> {
    let subject = subject.split_whitespace().collect::<Vec<_>>().join(" ");
    let body = body.replace("\r\n", "\n").trim().to_string() + "\n";
    if subject.is_empty() {
        return Err(Error::Input("subject: a notice needs a subject".into()));
    }
    if subject.chars().count() > MAX_SUBJECT {
        return Err(Error::Input(format!("subject: at most {MAX_SUBJECT} characters")));
    }
    if body.trim().is_empty() {
        return Err(Error::Input("body: a notice needs its text".into()));
    }
    if body.chars().count() > MAX_BODY {
        return Err(Error::Input(format!("body: at most {MAX_BODY} characters")));
    }
    queue_with(db, actor, engine, lesson_url, case_id, &|_: &Values| Ok((subject.clone(), body.clone())))
}

/// The notice a case would get, not queued: the values [`queue`] would fill
/// `template` with, rendered, for a reviewer to read and edit first. The
/// lesson link is the one [`queue`] would give.
pub fn preview(
    db: &mut dyn Db,
    company: i64,
    engine: &Engine,
    template: &Template,
    lesson_url: Option<&str>,
    case_id: i64,
) -> Result<(String, String), Error> {
    let d = cases::detail(db, company, case_id)?;
    let name = match d.case.distributor.as_deref() {
        Some(id) => db
            .rows(
                "SELECT name FROM company_distributors WHERE company_id = ?1 AND id = ?2",
                &[Arg::Int(company), Arg::Text(id.to_string())],
            )?
            .first()
            .map_or_else(|| id.to_string(), |r| r[0].text()),
        None => String::new(),
    };
    let link = d.case.category.parse().map_or_else(
        |_| String::new(),
        |c| crate::lesson::link(lesson_url, &crate::lesson::for_category(engine, c)),
    );
    let values = Values::for_case(engine, &d, &name, &company_name(db, company)?, &link);
    Ok(template.render(&values))
}

/// A notice as its distributor reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sent {
    pub id: i64,
    pub case: i64,
    pub subject: String,
    pub body: String,
    /// queued, sending, sent or failed.
    pub status: String,
    pub queued_at: i64,
}

/// The notices to one distributor, the newest first (one query, however
/// many notices the company has sent to others).
pub fn sent_to(db: &mut dyn Db, company: i64, distributor: &str) -> Result<Vec<Sent>, Error> {
    Ok(tactful_store::people::collect(
        db,
        "SELECT id, case_id, subject, body, status, queued_at FROM company_outbox
         WHERE company_id = ?1 AND distributor_id = ?2 ORDER BY id DESC",
        &[Arg::Int(company), Arg::Text(distributor.to_string())],
        |r| Sent {
            id: r[0].int(),
            case: r[1].int(),
            subject: r[2].take_text(),
            body: r[3].take_text(),
            status: r[4].take_text(),
            queued_at: r[5].int(),
        },
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_template_fills_every_placeholder() {
        let v = Values {
            name: "Ann".into(),
            quote: "cured my anxiety".into(),
            why: "Health claims need proof.".into(),
            instead: "Say how it fits your routine.".into(),
            guidance: "https://example.org/g".into(),
            lesson: "https://learn.example/health".into(),
            case: "7".into(),
            company: "Glowa".into(),
        };
        let (subject, body) = Template::default().render(&v);
        assert_eq!(subject, "A quick, friendly note about one of your posts");
        for want in [
            "Hi Ann,",
            "\"cured my anxiety\"",
            "Health claims need proof.",
            "https://example.org/g",
            "case 7",
        ] {
            assert!(body.contains(want), "{want} in {body}");
        }
        assert!(!body.contains('{'), "{body}");
    }

    #[test]
    fn an_unknown_placeholder_is_refused_by_name_and_line() {
        let e =
            Template::parse("note.txt", "Subject: Hi {name}\nHello {name},\nsee {guidnace}\n").unwrap_err();
        let m = e.to_string();
        assert!(m.starts_with("note.txt:3: unknown placeholder `{guidnace}`"), "{m}");
        let e = Template::parse("note.txt", "Hello {name\n").unwrap_err();
        assert!(e.to_string().contains("not closed"), "{e}");
        let t = Template::parse("note.txt", "Braces {{like this}} for {name}").unwrap();
        let (_, body) = t.render(&Values { name: "Bo".into(), ..Values::default() });
        assert_eq!(body, "Braces {like this} for Bo");
    }

    #[test]
    fn a_quote_is_the_sentence_around_the_words() {
        let t = "Morning! These drops cured my anxiety in two weeks. Ask me.";
        let s = t.find("cured").unwrap();
        assert_eq!(quote(t, s, s + 5), "These drops cured my anxiety in two weeks.");
    }
}

//! Check a draft: the form, and what tactful sees in it. With JavaScript the
//! findings come live from the API (`assets/app.js` draws the same markup);
//! without it the form posts and the findings come back in this page.

use maud::{Markup, html};
use tactful_app::Checker;
use tactful_app::contacts::{Ambiguous, Recipient};
use tactful_core::{Channel, Finding, Severity};

/// What the form holds: the draft, where it goes, and to whom.
pub struct Draft<'a> {
    pub text: &'a str,
    pub channel: &'a str,
    pub to: &'a str,
    /// The seller says the person is not in their history yet.
    pub stranger: bool,
}

/// What the results box shows.
pub enum Results<'a> {
    /// The page was opened, not posted.
    Nothing,
    Findings {
        findings: &'a [Finding],
        to: Option<&'a Recipient>,
    },
    /// The draft's own findings, and a question: which of these people is it for?
    Ask {
        findings: &'a [Finding],
        who: &'a Ambiguous,
    },
    /// The check could not run (the message says why).
    Failed(&'a str),
}

pub fn body(checker: &Checker, draft: &Draft, results: &Results) -> Markup {
    let active = checker.engine().rules().iter().filter(|r| r.enabled).count();
    html! {
        p.lead { "Type or paste a post, comment or message. Findings appear as you type; nothing leaves this computer." }
        form #check-form method="post" action="/check" class="check" {
            label for="draft" { "Your draft" }
            // The underlines are drawn in a layer behind the text box (assets/app.js).
            div.editor {
                div #backdrop .backdrop aria-hidden="true" {}
                textarea #draft name="text" rows="8" spellcheck="true" { (draft.text) }
            }
            // What the check found, in one line that stays in view while typing (assets/app.js keeps it current).
            p #finding-count .count aria-live="polite" {
                @match results {
                    Results::Findings { findings, .. } | Results::Ask { findings, .. } => (count(findings)),
                    _ => "",
                }
            }
            div.row {
                div {
                    label for="channel" { "Where it goes" }
                    select #channel name="channel" {
                        @for c in Channel::ALL {
                            option value=(c.as_str()) selected[c.as_str() == draft.channel] { (c.as_str()) }
                        }
                    }
                }
                div {
                    label for="to" { "To whom (for a message or comment; optional)" }
                    input #to name="to" value=(draft.to) placeholder="a name, @handle or profile link"
                        autocomplete="off" list="people";
                    // Filled as you type from your contacts (assets/app.js).
                    datalist #people {}
                    label.inline {
                        input #stranger type="checkbox" name="stranger" value="1" checked[draft.stranger];
                        "They are not in my history yet"
                    }
                }
            }
            button type="submit" { "Check" }
        }
        section aria-labelledby="results-h" {
            h2 #results-h { "What tactful sees" }
            div #results aria-live="polite" {
                @match results {
                    Results::Nothing => p.muted { "Nothing checked yet." },
                    Results::Findings { findings: found, to } => {
                        @if let Some(to) = to { (for_whom(to)) }
                        (findings(checker, draft.text, found))
                    }
                    Results::Ask { findings: found, who } => {
                        (ask(draft, who))
                        (findings(checker, draft.text, found))
                    }
                    Results::Failed(message) => p.error role="alert" { (message) },
                }
            }
        }
        p.muted { (active) " rules are active. " a href="/rules" { "See them all" } "." }
    }
}

/// "2 things to look at: 1 error, 1 warning", linking to the findings.
fn count(findings: &[Finding]) -> Markup {
    if findings.is_empty() {
        return html! { span.clean { "Nothing to change." } };
    }
    let n = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    let parts: Vec<String> =
        [(Severity::Error, "error"), (Severity::Warning, "warning"), (Severity::Info, "tip")]
            .iter()
            .filter(|(s, _)| n(*s) > 0)
            .map(|(s, word)| format!("{} {word}{}", n(*s), if n(*s) == 1 { "" } else { "s" }))
            .collect();
    let things = if findings.len() == 1 { "thing" } else { "things" };
    html! { a href="#results" { (findings.len()) " " (things) " to look at: " (parts.join(", ")) } }
}

/// Whom the draft was checked for.
fn for_whom(to: &Recipient) -> Markup {
    html! {
        p.for-whom {
            @match to {
                Recipient::Known(c) => {
                    "For " a href={ "/contacts/" (c.id) } { (c.display_name) } ", from your history."
                }
                Recipient::Stranger(name) => {
                    "For " strong { (name) } ": not in your history, so checked as a first message from a stranger."
                }
            }
        }
    }
}

/// Which person the seller means: one button per candidate, and "someone
/// new". Each is a small form of its own, so it works without JavaScript.
fn ask(draft: &Draft, who: &Ambiguous) -> Markup {
    let hidden = |to: &str, stranger: bool| {
        html! {
            input type="hidden" name="text" value=(draft.text);
            input type="hidden" name="channel" value=(draft.channel);
            input type="hidden" name="to" value=(to);
            @if stranger { input type="hidden" name="stranger" value="1"; }
        }
    };
    html! {
        div.ask role="group" aria-labelledby="ask-h" {
            p #ask-h {
                strong { "Who do you mean by “" (who.query) "”?" }
                @if who.partial { " Nobody in your history has exactly that name." }
                @else { " " (who.total) " people in your history have that name." }
            }
            ul.picker {
                @for c in &who.candidates {
                    li {
                        form method="post" action="/check" {
                            (hidden(&format!("#{}", c.id), false))
                            button.choice type="submit" { (c.name) span.muted { " " (c.handles.join(", ")) } }
                        }
                    }
                }
                li {
                    form method="post" action="/check" {
                        (hidden(&who.query, true))
                        button.choice.secondary type="submit" { "Someone new called “" (who.query) "”" }
                    }
                }
            }
            @if who.total > who.candidates.len() {
                p.muted { "And " (who.total - who.candidates.len()) " more: type more of the name to narrow it down." }
            }
        }
    }
}

/// The draft with each finding's span marked, then one card per finding.
fn findings(checker: &Checker, text: &str, findings: &[Finding]) -> Markup {
    if findings.is_empty() {
        return html! { p.clean { "No findings: nothing in this draft breaks a rule tactful knows." } };
    }
    html! {
        div.preview #preview { (marked(text, findings)) }
        ol.findings {
            @for f in findings {
                @let rule = checker.engine().rule(&f.code);
                li class={ "finding " (f.severity.as_str()) } {
                    p {
                        span class={ "badge " (f.severity.as_str()) } { (f.severity.as_str()) } " "
                        a href={ "/rules/" (f.code) } { code { (f.code) } } " " (f.message)
                    }
                    p.excerpt { "“" (text.get(f.start..f.end).unwrap_or("")) "”" }
                    details {
                        summary { "Why, and what to say instead" }
                        p { (rule.map_or("", |r| r.explanation.as_str())) }
                        p { strong { "Try:" } " " (rule.map_or("", |r| r.hint.as_str())) }
                        ul {
                            @for l in rule.map(|r| r.references.as_slice()).unwrap_or_default() {
                                li { a href=(l) rel="noreferrer" { (l) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The draft's text with the findings' spans in `<mark>`. A finding about the
/// whole draft (the pitch gate, what kind of post it is) would hide the
/// phrases inside it: it is listed, not marked.
fn marked(text: &str, findings: &[Finding]) -> Markup {
    let whole = (text.len() - text.trim_start().len(), text.trim_end().len());
    let mut spans: Vec<(usize, usize, Severity)> =
        findings.iter().map(|f| (f.start, f.end, f.severity)).collect();
    if spans.iter().any(|s| (s.0, s.1) != whole) {
        spans.retain(|s| (s.0, s.1) != whole);
    }
    spans.sort_by_key(|s| (s.0, std::cmp::Reverse(s.1)));
    // Overlapping spans: mark only what is not marked yet.
    let mut pieces: Vec<(&str, Option<Severity>)> = Vec::new();
    let mut at = 0;
    for (s, e, sev) in spans {
        let s = s.max(at);
        if e <= s || !text.is_char_boundary(s) || !text.is_char_boundary(e) {
            continue;
        }
        pieces.push((&text[at..s], None));
        pieces.push((&text[s..e], Some(sev)));
        at = e;
    }
    pieces.push((&text[at..], None));
    html! {
        @for (piece, sev) in pieces {
            @match sev {
                Some(sev) => mark class=(sev.as_str()) { (piece) },
                None => (piece),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tactful_core::Category;

    #[test]
    fn a_typed_draft_with_markup_comes_back_as_text() {
        let checker = crate::input::checker(&[]).unwrap();
        let text = "Hi <b>you</b> & \"friends\": I make $5,000 <i>a month</i>";
        let start = text.find("$5,000").unwrap();
        let found = [Finding {
            code: "INC001".into(),
            category: Category::ALL[0],
            severity: Severity::Error,
            start,
            end: text.len(),
            message: "A <figure> & \"claim\"".into(),
        }];
        let draft = Draft { text, channel: "post", to: "<x> & \"y\"", stranger: false };
        let page = body(&checker, &draft, &Results::Findings { findings: &found, to: None }).into_string();
        for raw in ["<b>", "<i>", "<figure>", "\"friends\"", "\"y\""] {
            assert!(!page.contains(raw), "{raw} is not escaped: {page}");
        }
        assert!(
            page.contains("Hi &lt;b&gt;you&lt;/b&gt; &amp; &quot;friends&quot;: I make $5,000"),
            "{page}"
        );
        assert!(page.contains("<mark class=\"error\">$5,000 &lt;i&gt;a month&lt;/i&gt;</mark>"), "{page}");
        assert!(page.contains("value=\"&lt;x&gt; &amp; &quot;y&quot;\""), "{page}");
        assert!(page.contains("A &lt;figure&gt; &amp; &quot;claim&quot;"), "{page}");
        let failed = body(&checker, &draft, &Results::Failed("no <person> named \"y\"")).into_string();
        assert!(failed.contains("no &lt;person&gt; named &quot;y&quot;"), "{failed}");
    }
}

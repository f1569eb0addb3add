//! What the pages and the JSON API show: each function asks the application
//! layer (`tactful_app`) and shapes its data for JSON, which the API sends
//! and the pages render as HTML. Nothing here decides anything new.

use anyhow::Result;
use serde::Serialize;
use serde_json::{Value, json};
use tactful_app::Checker;
use tactful_app::contacts::{Broadcast, ContactList, ContactPage, Query, UnsolicitedPitch};
use tactful_app::scan::FindingGroup;
use tactful_core::Severity;
use tactful_core::relationships::Stage;
use tactful_store::{Filter, Store};

/// Everyone on the curve, as `tactful contacts` lists them (one filter, one order).
pub fn contacts(store: &mut dyn Store, q: Option<&str>, stage: Option<Stage>) -> Result<ContactList> {
    let query = Query { stage, search: q.map(str::to_string), ..Query::default() };
    Ok(tactful_app::contacts::list(store, &query, crate::store::now())?)
}

/// One contact's page, as `tactful contact` shows it.
pub fn contact(store: &mut dyn Store, id: i64) -> Result<ContactPage> {
    Ok(tactful_app::contacts::page_of(store, id, crate::store::now(), 50)?)
}

#[derive(Serialize)]
pub struct Waiting {
    pub item: i64,
    pub network: &'static str,
    pub from: String,
    pub at: i64,
    pub waited_secs: i64,
    /// A request (question, complaint, order problem) or just a new conversation.
    pub what: String,
    pub text: String,
}

#[derive(Serialize)]
pub struct Inbox {
    /// Customer requests with no answer yet, oldest first (at most 1,000).
    pub requests: Vec<Waiting>,
    pub total: usize,
}

/// The unanswered customer requests, from the same stored derivation `tactful today` reads.
pub fn inbox(store: &mut dyn Store, now: i64) -> Result<Inbox> {
    let t = tactful_app::today::gather(store, now, 1000, 14)?;
    let requests = t
        .waiting
        .into_iter()
        .map(|w| Waiting {
            item: w.item,
            network: w.network.as_str(),
            from: w.from,
            at: now - w.waited_secs,
            waited_secs: w.waited_secs,
            what: w.cue,
            text: w.text,
        })
        .collect();
    Ok(Inbox { requests, total: t.waiting_total })
}

#[derive(Serialize)]
pub struct Flagged {
    pub id: i64,
    pub at: i64,
    pub network: &'static str,
    pub kind: &'static str,
    pub text: String,
    /// `delete or edit` (an error) or `consider editing`.
    pub action: &'static str,
    /// Every finding, in the checker's order.
    pub findings: Vec<Value>,
    /// The same findings, one per rule with every place it fired: what a page shows.
    pub groups: Vec<FindingGroup>,
    pub source: String,
}

#[derive(Serialize)]
pub struct Scan {
    pub scanned: u64,
    pub flagged: usize,
    pub shown: Vec<Flagged>,
    /// Pitches to people who had not invited them, newest first (at most `limit`).
    pub unsolicited: Vec<UnsolicitedPitch>,
    pub unsolicited_total: usize,
    /// The same message to many people within a day (at most `limit`).
    pub broadcasts: Vec<Broadcast>,
    pub broadcasts_total: usize,
    /// What the seller did about flagged items, by item id: `fixed`, or
    /// `dismissed: <reason>` (the page shows these apart, with an undo).
    pub settled: std::collections::HashMap<i64, String>,
}

/// Your own posts, comments and messages with findings, worst first, and the
/// pitches and broadcasts of the whole history — what `tactful scan` lists.
pub fn scan(store: &mut dyn Store, checker: &Checker, limit: usize) -> Result<Scan> {
    let found =
        tactful_app::scan::scan(store, checker, &Filter::default(), Severity::Warning, crate::store::now())?;
    let shown = found
        .flagged
        .iter()
        .take(limit)
        .map(|f| Flagged {
            id: f.item.id,
            at: f.item.at,
            network: f.item.network.as_str(),
            kind: f.item.kind.as_str(),
            action: f.action(),
            findings: f
                .findings
                .iter()
                .map(|x| crate::render::finding_json(checker.engine(), &f.item.text, None, x))
                .collect(),
            groups: f.groups(),
            source: format!("{}:{}", f.item.source_file, f.item.source_position),
            text: f.item.text.clone(),
        })
        .collect();
    let settled = tactful_store::actions::all(store.people())?
        .into_iter()
        .filter_map(|(id, a)| match a {
            tactful_store::actions::Action::Fixed => Some((id, "fixed".to_string())),
            tactful_store::actions::Action::Dismissed { reason } => {
                Some((id, format!("dismissed: {reason}")))
            }
            _ => None,
        })
        .collect();
    Ok(Scan {
        settled,
        scanned: found.scanned,
        flagged: found.flagged.len(),
        shown,
        unsolicited_total: found.unsolicited.len(),
        unsolicited: found.unsolicited.into_iter().take(limit).collect(),
        broadcasts_total: found.broadcasts.len(),
        broadcasts: found.broadcasts.into_iter().take(limit).collect(),
    })
}

#[derive(Serialize)]
pub struct ItemRow {
    pub id: i64,
    pub at: i64,
    pub network: &'static str,
    pub kind: &'static str,
    pub author: String,
    pub yours: bool,
    pub text: String,
}

pub fn history(store: &mut dyn Store, q: Option<&str>, limit: usize) -> Result<(Vec<ItemRow>, u64)> {
    let filter = Filter {
        text: q.filter(|q| !q.trim().is_empty()).map(str::to_string),
        limit: Some(limit),
        ..Filter::default()
    };
    let mut rows = Vec::new();
    store.items(&filter, &mut |i| {
        rows.push(ItemRow {
            id: i.id,
            at: i.at,
            network: i.network.as_str(),
            kind: i.kind.as_str(),
            author: i.author,
            yours: i.by_owner,
            text: i.text,
        });
        true
    })?;
    let total = store.counts()?.iter().map(|(_, _, n)| n).sum();
    Ok((rows, total))
}

/// A rule as the rules page and `GET /api/v1/rules/{code}` show it.
pub fn rule_json(r: &tactful_core::engine::Rule, full: bool) -> Value {
    let mut v = json!({"code": r.code, "name": r.name, "category": r.category, "severity": r.severity,
        "channels": r.channels(), "enabled": r.enabled, "pack": r.pack, "message": r.message});
    if full {
        let m = v.as_object_mut().expect("object");
        m.insert("explanation".into(), json!(r.explanation));
        m.insert("hint".into(), json!(r.hint));
        m.insert("references".into(), json!(r.references));
        m.insert("flag".into(), json!(r.flag));
        m.insert("pass".into(), json!(r.pass));
        m.insert("defined_at".into(), json!(r.defined_at));
    }
    v
}

/// Run a company pack's examples, as `tactful rules test FILE` does.
pub fn test_pack(name: &str, source: &str) -> Result<Value, String> {
    let pack = tactful_core::Pack::parse(name, source).map_err(|e| format!("malformed pack: {e}"))?;
    let engine = tactful_packs::engine_with(&[(name.to_string(), source.to_string())])
        .map_err(|e| format!("malformed pack: {e}"))?;
    let (run, failures) = engine.test_examples(Some(&pack.pack.name));
    let rules: Vec<Value> =
        engine.rules().iter().filter(|r| r.pack == pack.pack.name).map(|r| rule_json(r, false)).collect();
    Ok(json!({
        "pack": pack.pack.name,
        "rules": rules,
        "examples": run,
        "passed": run - failures.len(),
        "failures": failures.iter().map(|f| json!({"code": f.code, "defined_at": f.defined_at, "expected": f.expected, "text": f.text, "channel": f.channel})).collect::<Vec<_>>(),
    }))
}

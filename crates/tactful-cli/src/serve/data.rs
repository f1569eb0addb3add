//! What the pages and the JSON API show, gathered once: each function reads
//! the store and returns plain data, which the API sends as JSON and the
//! pages render as HTML. The logic is the commands' own (relate, coaching,
//! the engine); nothing here decides anything new.

use anyhow::Result;
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::HashMap;
use tactful_core::relationships::{Direction, Stage};
use tactful_core::{Engine, Finding, Severity};
use tactful_store::people;
use tactful_store::{Filter, Store, StoredItem};

use super::NotFound;

#[derive(Serialize)]
pub struct ContactRow {
    pub id: i64,
    pub name: String,
    pub stage: &'static str,
    pub why: String,
    pub handles: Vec<String>,
    pub given: u32,
    pub asked: u32,
    pub received: u32,
    pub last_from_them: Option<i64>,
}

#[derive(Serialize)]
pub struct ContactList {
    pub contacts: Vec<ContactRow>,
    /// Every stage with its count among the contacts that match the search.
    pub stages: Vec<(&'static str, usize)>,
}

fn handles(c: &people::Contact) -> Vec<String> {
    c.handles.iter().map(|(n, h)| format!("{n}:{h}")).collect()
}

/// Everyone on the curve, as `tactful contacts` lists them (from the stored tallies).
pub fn contacts(store: &mut dyn Store, q: Option<&str>, stage: Option<Stage>) -> Result<ContactList> {
    let (everyone, _) =
        crate::relate::assess_all(store, &tactful_core::relationships::Thresholds::default())?;
    let q = q.map(str::to_lowercase).filter(|q| !q.trim().is_empty());
    let mut rows = Vec::new();
    let mut counts: HashMap<Stage, usize> = HashMap::new();
    for (c, a) in &everyone {
        if let Some(q) = &q {
            if !c.display_name.to_lowercase().contains(q)
                && !c.handles.iter().any(|(_, h)| h.to_lowercase().contains(q))
            {
                continue;
            }
        }
        *counts.entry(a.stage).or_default() += 1;
        if stage.is_some_and(|s| s != a.stage) {
            continue;
        }
        rows.push(ContactRow {
            id: c.id,
            name: c.display_name.clone(),
            stage: a.stage.as_str(),
            why: a.reasons.first().cloned().unwrap_or_default(),
            handles: handles(c),
            given: a.equity.given,
            asked: a.equity.asked,
            received: a.equity.received,
            last_from_them: a.last_from_them,
        });
    }
    // Furthest along the curve first, then the most recent exchange.
    rows.sort_by(|a, b| b.last_from_them.cmp(&a.last_from_them).then(a.name.cmp(&b.name)));
    let stages = Stage::ALL.iter().map(|s| (s.as_str(), counts.get(s).copied().unwrap_or(0))).collect();
    Ok(ContactList { contacts: rows, stages })
}

#[derive(Serialize)]
pub struct ConsentRow {
    pub purpose: String,
    pub status: &'static str,
    pub source: String,
    pub evidence: String,
    pub recorded_at: i64,
    /// The double opt-in code to send them, while the record is pending.
    pub code: Option<String>,
}

#[derive(Serialize)]
pub struct Moment {
    pub at: i64,
    pub network: &'static str,
    /// `you` or `they`.
    pub who: &'static str,
    pub act: String,
    pub item: i64,
    pub text: String,
}

#[derive(Serialize)]
pub struct ContactPage {
    pub id: i64,
    pub name: String,
    pub mark: Option<String>,
    pub handles: Vec<String>,
    pub stage: &'static str,
    pub reasons: Vec<String>,
    pub given: u32,
    pub asked: u32,
    pub received: u32,
    pub equity_why: [String; 3],
    pub consent: Vec<ConsentRow>,
    pub next_step: &'static str,
    /// Latest first.
    pub timeline: Vec<Moment>,
}

pub fn contact(store: &mut dyn Store, id: i64) -> Result<ContactPage> {
    let Some(c) = people::by_id(store.people(), id)? else {
        return Err(NotFound(format!("no contact #{id}")).into());
    };
    let (mut history, items) = crate::relate::history_of(store, &c)?;
    let a = tactful_core::relationships::stage(
        &history,
        crate::relate::marks(&c),
        crate::store::now(),
        &tactful_core::relationships::Thresholds::default(),
    );
    history.reverse();
    history.dedup_by_key(|x| (x.item, x.act));
    let timeline = history
        .iter()
        .take(50)
        .map(|x| Moment {
            at: x.at,
            network: x.network.as_str(),
            who: if x.direction == Direction::Given { "you" } else { "they" },
            act: x.act.to_string(),
            item: x.item,
            text: items.get(&x.item).map(|i| i.text.clone()).unwrap_or_default(),
        })
        .collect();
    let consent = people::consents(store.people(), Some(c.id))?
        .into_iter()
        .map(|r| ConsentRow {
            purpose: r.purpose.to_string(),
            status: r.status.as_str(),
            source: r.source.to_string(),
            code: (r.status == tactful_core::consent::Status::Pending).then(|| r.token.clone()),
            evidence: r.evidence,
            recorded_at: r.recorded_at,
        })
        .collect();
    Ok(ContactPage {
        id: c.id,
        name: c.display_name.clone(),
        mark: c.mark.clone(),
        handles: handles(&c),
        stage: a.stage.as_str(),
        reasons: a.reasons.clone(),
        given: a.equity.given,
        asked: a.equity.asked,
        received: a.equity.received,
        equity_why: [a.equity.given_why.clone(), a.equity.asked_why.clone(), a.equity.received_why.clone()],
        consent,
        next_step: crate::relate::next_step(a.stage),
        timeline,
    })
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
    let t = crate::today::gather(store, now, 1000, 14)?;
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
    pub findings: Vec<Value>,
    pub source: String,
}

#[derive(Serialize)]
pub struct Scan {
    pub scanned: u64,
    pub flagged: usize,
    pub shown: Vec<Flagged>,
}

/// Your own posts, comments and messages with findings, worst first — what
/// `tactful scan` lists.
pub fn scan(store: &mut dyn Store, engine: &Engine, limit: usize) -> Result<Scan> {
    let filter = Filter { by_owner: Some(true), ..Filter::default() };
    let mut flagged: Vec<(StoredItem, Vec<Finding>)> = Vec::new();
    let mut scanned = 0;
    store.items(&filter, &mut |i| {
        if !crate::history::scannable(&i) {
            return true;
        }
        scanned += 1;
        let f = crate::history::findings_of(engine, &i, Severity::Warning);
        if !f.is_empty() {
            flagged.push((i, f));
        }
        true
    })?;
    crate::history::worst_first(&mut flagged);
    let total = flagged.len();
    let shown = flagged
        .into_iter()
        .take(limit)
        .map(|(i, fs)| Flagged {
            id: i.id,
            at: i.at,
            network: i.network.as_str(),
            kind: i.kind.as_str(),
            action: crate::history::action(&fs),
            findings: fs.iter().map(|f| crate::render::finding_json(engine, &i.text, None, f)).collect(),
            source: format!("{}:{}", i.source_file, i.source_position),
            text: i.text,
        })
        .collect();
    Ok(Scan { scanned, flagged: total, shown })
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

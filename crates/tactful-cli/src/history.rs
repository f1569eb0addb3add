//! `tactful history` (list and search what is stored) and `tactful scan`
//! (run the draft check over your own past posts, comments and messages and
//! list what should be deleted or edited, worst first).

use anyhow::Result;
use serde_json::json;
use std::io::Write;
use tactful_core::history::{ItemKind, Network};
use tactful_core::{Finding, Severity};
use tactful_store::{Filter, StoredItem};

use crate::store::{parse_date, show_time};

#[derive(clap::Args)]
pub struct Query {
    #[arg(long, value_parser = |s: &str| s.parse::<Network>())]
    pub network: Option<Network>,
    /// post, comment, message, reaction, share, connection.
    #[arg(long, value_parser = |s: &str| s.parse::<ItemKind>())]
    pub kind: Option<ItemKind>,
    /// Someone's handle or name (part of it).
    #[arg(long)]
    pub person: Option<String>,
    /// Words in the text.
    #[arg(long)]
    pub text: Option<String>,
    /// From this date (YYYY-MM-DD, UTC).
    #[arg(long, value_parser = parse_date)]
    pub from: Option<i64>,
    /// Up to (not including) this date.
    #[arg(long, value_parser = parse_date)]
    pub to: Option<i64>,
    /// The store (default: TACTFUL_DATABASE_URL, else the XDG data dir).
    #[arg(long)]
    pub db: Option<String>,
}

#[derive(clap::Args)]
pub struct HistoryArgs {
    #[command(flatten)]
    pub query: Query,
    /// At most this many items.
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
    /// Print JSON lines instead of a table.
    #[arg(long)]
    pub jsonl: bool,
}

#[derive(clap::Args)]
pub struct ScanArgs {
    #[command(flatten)]
    pub query: Query,
    /// List at most this many items.
    #[arg(long, default_value_t = 30)]
    pub limit: usize,
    /// Only findings at or above: error, warning, info.
    #[arg(long, default_value = "warning", value_parser = |s: &str| s.parse::<Severity>())]
    pub min_severity: Severity,
    /// A company pack; repeatable.
    #[arg(long = "pack", value_name = "FILE")]
    pub packs: Vec<String>,
    /// Print JSON lines instead of a report.
    #[arg(long)]
    pub jsonl: bool,
}

fn filter(q: &Query) -> Filter {
    Filter {
        network: q.network,
        kind: q.kind,
        person: q.person.clone(),
        text: q.text.clone(),
        from: q.from,
        to: q.to,
        by_owner: None,
        limit: None,
    }
}

fn excerpt(text: &str, n: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(n) {
        Some((i, _)) => format!("{}…", &flat[..i]),
        None => flat,
    }
}

pub fn history(args: &HistoryArgs) -> Result<u8> {
    let mut store = crate::store::open(args.query.db.as_deref())?;
    let mut f = filter(&args.query);
    f.limit = Some(args.limit);
    let mut out = std::io::stdout().lock();
    let mut n = 0;
    let mut failed: Option<std::io::Error> = None;
    store.items(&f, &mut |i| {
        n += 1;
        let r = if args.jsonl {
            writeln!(
                out,
                "{}",
                json!({"id": i.id, "network": i.network, "kind": i.kind, "author": i.author, "by_owner": i.by_owner,
                       "counterparts": i.counterparts, "thread": i.thread, "at": i.at, "text": i.text,
                       "source": {"file": i.source_file, "position": i.source_position}})
            )
        } else {
            let who = if i.by_owner { format!("you → {}", i.counterparts.join(", ")) } else { i.author.clone() };
            writeln!(out, "{}  {:<9} {:<10} {:<24} {}", show_time(i.at), i.network.as_str(), i.kind.as_str(), excerpt(&who, 24), excerpt(&i.text, 70))
        };
        if let Err(e) = r {
            failed = Some(e);
            return false;
        }
        true
    })?;
    if let Some(e) = failed {
        // A closed pipe (`| head`) is not an error worth reporting.
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            return Err(e.into());
        }
    }
    if n == 0 && !args.jsonl {
        writeln!(out, "Nothing stored matches. Import an export first: tactful import PATH")?;
    }
    Ok(0)
}

/// Whether the scan reads an item: it has words of yours (not a reaction or a connection).
pub fn scannable(i: &StoredItem) -> bool {
    !matches!(i.kind, ItemKind::Reaction | ItemKind::Connection) && !i.text.trim().is_empty()
}

/// The findings on one of your items at `min` severity or above, the classifier rules included.
pub fn findings_of(engine: &tactful_core::Engine, i: &StoredItem, min: Severity) -> Vec<Finding> {
    let mut findings = engine.check(&i.text, i.kind.channel());
    crate::kinds::add_head_findings(engine, &i.text, i.kind.channel(), &[], &mut findings);
    findings.retain(|x| x.severity >= min);
    findings
}

/// Worst first: highest severity, then most findings, then newest.
pub fn worst_first(flagged: &mut [(StoredItem, Vec<Finding>)]) {
    flagged.sort_by(|a, b| {
        let worst = |f: &[Finding]| f.iter().map(|x| x.severity).max();
        (worst(&b.1), b.1.len(), b.0.at).cmp(&(worst(&a.1), a.1.len(), a.0.at))
    });
}

/// What to do with a flagged item: an error means delete or edit it.
pub fn action(findings: &[Finding]) -> &'static str {
    if findings.iter().any(|x| x.severity == Severity::Error) { "delete or edit" } else { "consider editing" }
}

pub fn scan(args: &ScanArgs) -> Result<u8> {
    let engine = crate::input::engine(&args.packs)?;
    let mut store = crate::store::open(args.query.db.as_deref())?;
    let mut f = filter(&args.query);
    // Only what you wrote is yours to delete or edit.
    f.by_owner = Some(true);
    let mut flagged: Vec<(StoredItem, Vec<Finding>)> = Vec::new();
    let mut scanned = 0u64;
    // Every post is labelled with the content-kind classifier (the content mix).
    let kind_model = tactful_classify::builtin::model(tactful_classify::Head::ContentKind)?;
    let mut scratch = tactful_classify::Scratch::new();
    let mut mix: std::collections::BTreeMap<String, u64> = std::collections::BTreeMap::new();
    let mut labels: std::collections::HashMap<i64, (String, f32)> = std::collections::HashMap::new();
    // Every message (sent or received) is labelled with the customer-request
    // and spam heads: requests you were sent, and messages that read as spam.
    let heads = MessageHeads::load()?;
    let mut message_labels: std::collections::HashMap<i64, [(String, f32); 2]> =
        std::collections::HashMap::new();
    let mut sent = MessageTally::default();
    store.items(&f, &mut |i| {
        if !scannable(&i) {
            return true;
        }
        scanned += 1;
        if i.kind == ItemKind::Post {
            let p = kind_model.classify(&i.text, &mut scratch);
            *mix.entry(p.label.to_string()).or_default() += 1;
            labels.insert(i.id, (p.label.to_string(), p.score));
        }
        if i.kind == ItemKind::Message {
            let l = heads.label(&i.text, &mut scratch);
            sent.add(&l, false);
            message_labels.insert(i.id, l);
        }
        let findings = findings_of(&engine, &i, args.min_severity);
        if !findings.is_empty() {
            flagged.push((i, findings));
        }
        true
    })?;
    // Messages others sent you: how many are customer requests or spam.
    let mut received = MessageTally::default();
    let mut rf = filter(&args.query);
    rf.by_owner = Some(false);
    if rf.kind.is_none_or(|k| k == ItemKind::Message) {
        rf.kind = Some(ItemKind::Message);
        store.items(&rf, &mut |i| {
            if !i.text.trim().is_empty() {
                // The classifier learned complaints; plain questions about the
                // offer ("how much is the candle?") come from the cues the
                // Inbox uses, so both count the same requests.
                let cue = tactful_core::coaching::request_cue(&i.text).is_some();
                received.add(&heads.label(&i.text, &mut scratch), cue);
            }
            true
        })?;
    }
    worst_first(&mut flagged);
    let mut out = std::io::stdout().lock();
    if args.jsonl {
        for (i, fs) in flagged.iter().take(args.limit) {
            let findings: Vec<_> = fs
                .iter()
                .map(|x| json!({"code": x.code, "category": x.category, "severity": x.severity, "start": x.start, "end": x.end, "message": x.message}))
                .collect();
            let label = labels.get(&i.id).map(|(l, s)| json!({"label": l, "score": s}));
            let msg = message_labels.get(&i.id);
            let head = |k: usize| msg.map(|m| json!({"label": m[k].0, "score": m[k].1}));
            writeln!(
                out,
                "{}",
                json!({"id": i.id, "network": i.network, "kind": i.kind, "at": i.at, "text": i.text,
                       "source": {"file": i.source_file, "position": i.source_position}, "findings": findings,
                       "content_kind": label, "customer_request": head(0), "spam": head(1)})
            )?;
        }
        return Ok(0);
    }
    let errors = flagged.iter().filter(|(_, f)| f.iter().any(|x| x.severity == Severity::Error)).count();
    writeln!(
        out,
        "Scanned {scanned} of your posts, comments and messages: {} to review ({errors} with errors).\n",
        flagged.len()
    )?;
    for (i, fs) in flagged.iter().take(args.limit) {
        let action = action(fs);
        let tags = message_labels.get(&i.id).map_or(String::new(), |m| {
            let yes: Vec<&str> = m
                .iter()
                .filter(|(l, _)| l == "request" || l == "spam")
                .map(|(l, _)| if l == "request" { "customer request" } else { "reads as spam" })
                .collect();
            if yes.is_empty() { String::new() } else { format!(" [{}]", yes.join(", ")) }
        });
        writeln!(out, "{} {} {}{tags} — {action}", show_time(i.at), i.network, i.kind)?;
        writeln!(out, "  \"{}\"", excerpt(&i.text, 140))?;
        // One line per rule, with every place it fired.
        let mut seen: Vec<&str> = Vec::new();
        for x in fs {
            if seen.contains(&x.code.as_str()) {
                continue;
            }
            seen.push(&x.code);
            let places: Vec<String> = fs
                .iter()
                .filter(|y| y.code == x.code)
                .map(|y| format!("\"{}\"", excerpt(&i.text[y.start..y.end], 60)))
                .collect();
            writeln!(out, "  {}[{}] {} — {}", x.severity, x.code, places.join(", "), x.message)?;
        }
        writeln!(out, "  from {}:{}\n", i.source_file, i.source_position)?;
    }
    if flagged.len() > args.limit {
        writeln!(out, "… and {} more (use --limit or --jsonl).", flagged.len() - args.limit)?;
    }
    let posts: u64 = mix.values().sum();
    if posts > 0 {
        let parts: Vec<String> =
            mix.iter().map(|(k, n)| format!("{k} {n} ({:.0}%)", *n as f64 * 100.0 / posts as f64)).collect();
        writeln!(out, "Your {posts} posts by kind (content-kind classifier): {}", parts.join(", "))?;
    }
    if sent.total + received.total > 0 {
        writeln!(
            out,
            "Messages (customer-request and spam classifiers): you sent {}, {} of them read as spam; you received {}, {} customer requests (the classifier's, or questions and problems the Inbox would list) and {} spam.",
            sent.total, sent.spam, received.total, received.requests, received.spam
        )?;
    }
    writeln!(out)?;
    crate::relate::scan_relationships(store.as_mut(), &mut out, args.limit)?;
    Ok(0)
}

/// The two message heads, loaded once per scan.
struct MessageHeads {
    request: tactful_classify::Model,
    spam: tactful_classify::Model,
}

impl MessageHeads {
    fn load() -> Result<Self> {
        use tactful_classify::{Head, builtin};
        Ok(MessageHeads {
            request: builtin::model(Head::CustomerRequest)?,
            spam: builtin::model(Head::Spam)?,
        })
    }

    /// [customer-request, spam] labels and scores, at each head's own threshold.
    /// Messages are read as messages: the spam head weighs words by where they were written.
    fn label(&self, text: &str, scratch: &mut tactful_classify::Scratch) -> [(String, f32); 2] {
        use tactful_classify::{Channel, Input};
        [&self.request, &self.spam].map(|m| {
            let p = m.classify(Input::new(text, Some(Channel::Message)), scratch);
            (p.label.to_string(), p.score)
        })
    }
}

#[derive(Default)]
struct MessageTally {
    total: u64,
    requests: u64,
    spam: u64,
}

impl MessageTally {
    /// Count one message: a request when the head says so or `request_cue` (the Inbox's cues) fired.
    fn add(&mut self, l: &[(String, f32); 2], request_cue: bool) {
        self.total += 1;
        self.requests += u64::from(l[0].0 == "request" || request_cue);
        self.spam += u64::from(l[1].0 == "spam");
    }
}

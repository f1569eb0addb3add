//! `tactful history` (list and search what is stored) and `tactful scan`
//! (run the draft check over your own past posts, comments and messages and
//! list what should be deleted or edited, worst first).

use anyhow::Result;
use serde_json::json;
use std::io::Write;
use tactful_core::Severity;
use tactful_core::history::{ItemKind, Network};
use tactful_store::Filter;

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
    #[command(flatten)]
    pub db: crate::store::StoreArg,
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
    let mut store = args.query.db.open()?;
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

pub fn scan(args: &ScanArgs) -> Result<u8> {
    let checker = crate::input::checker(&args.packs)?;
    let mut store = args.query.db.open()?;
    let found = tactful_app::scan::scan(
        store.as_mut(),
        &checker,
        &filter(&args.query),
        args.min_severity,
        crate::store::now(),
    )?;
    let mut out = std::io::stdout().lock();
    if args.jsonl {
        for f in found.flagged.iter().take(args.limit) {
            let i = &f.item;
            let findings: Vec<_> = f
                .findings
                .iter()
                .map(|x| json!({"code": x.code, "category": x.category, "severity": x.severity, "start": x.start, "end": x.end, "message": x.message}))
                .collect();
            let label = f.content_kind.as_ref().map(|(l, s)| json!({"label": l, "score": s}));
            let head = |k: usize| f.message_heads.as_ref().map(|m| json!({"label": m[k].0, "score": m[k].1}));
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
    writeln!(
        out,
        "Scanned {} of your posts, comments and messages: {} to review ({} with errors).\n",
        found.scanned,
        found.flagged.len(),
        found.errors()
    )?;
    for f in found.flagged.iter().take(args.limit) {
        let i = &f.item;
        let tags = f.message_heads.as_ref().map_or(String::new(), |m| {
            let yes: Vec<&str> = m
                .iter()
                .filter(|(l, _)| l == "request" || l == "spam")
                .map(|(l, _)| if l == "request" { "customer request" } else { "reads as spam" })
                .collect();
            if yes.is_empty() { String::new() } else { format!(" [{}]", yes.join(", ")) }
        });
        writeln!(out, "{} {} {}{tags} — {}", show_time(i.at), i.network, i.kind, f.action())?;
        writeln!(out, "  \"{}\"", excerpt(&i.text, 140))?;
        // One line per rule, with every place it fired.
        for g in f.groups() {
            let places: Vec<String> =
                g.places.iter().map(|&(s, e)| format!("\"{}\"", excerpt(&i.text[s..e], 60))).collect();
            writeln!(out, "  {}[{}] {} — {}", g.severity, g.code, places.join(", "), g.message)?;
        }
        writeln!(out, "  from {}:{}\n", i.source_file, i.source_position)?;
    }
    if found.flagged.len() > args.limit {
        writeln!(out, "… and {} more (use --limit or --jsonl).", found.flagged.len() - args.limit)?;
    }
    let posts: u64 = found.mix.values().sum();
    if posts > 0 {
        let parts: Vec<String> = found
            .mix
            .iter()
            .map(|(k, n)| format!("{k} {n} ({:.0}%)", *n as f64 * 100.0 / posts as f64))
            .collect();
        writeln!(out, "Your {posts} posts by kind (content-kind classifier): {}", parts.join(", "))?;
    }
    let (sent, received) = (found.sent, found.received);
    if sent.total + received.total > 0 {
        writeln!(
            out,
            "Messages (customer-request and spam classifiers): you sent {}, {} of them read as spam; you received {}, {} customer requests (the classifier's, or questions and problems the Inbox would list) and {} spam.",
            sent.total, sent.spam, received.total, received.requests, received.spam
        )?;
    }
    writeln!(out)?;
    crate::relate::print_relationships(&found, &mut out, args.limit)?;
    Ok(0)
}

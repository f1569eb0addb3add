//! The roster: the company's distributors, each with their upline, rank,
//! country, the dates they joined and left, and every handle they post
//! under. Imported from CSV (format in docs/company.md) in one transaction:
//! a row is the truth about its distributor for the columns the file has
//! (a column the file lacks leaves that field alone; an empty cell clears
//! it), leavers are kept with their end date, a bad row is named and
//! skipped, and importing the same file twice changes nothing. Reading and
//! planning are pure ([`parse`], [`plan`]); [`import`] writes the plan and
//! audits each change.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Read;

use serde::Serialize;
use tactful_store::people::Db;
use tactful_store::{Arg, StoreError};

use crate::audit::Chain;
use crate::handle::{self, NETWORKS};
use crate::upline::Tree;
use crate::{Actor, Error, Problem};

/// A handle on one network, normalised.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Handle {
    pub network: &'static str,
    pub handle: String,
}

/// A distributor, as the roster knows them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Distributor {
    pub id: String,
    pub name: String,
    pub email: Option<String>,
    /// The id of the distributor who sponsored them.
    pub upline: Option<String>,
    pub rank: Option<String>,
    pub country: Option<String>,
    /// `YYYY-MM-DD`.
    pub joined: Option<String>,
    /// `YYYY-MM-DD`: a leaver stays on the roster (and keeps their posts).
    pub left: Option<String>,
    /// Sorted, no duplicates.
    pub handles: Vec<Handle>,
}

/// A field of a row: `None` when the file has no such column.
type Column<T> = Option<T>;

/// One roster row as the file gives it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RosterRow {
    pub line: u64,
    pub id: String,
    pub name: Column<String>,
    pub email: Column<Option<String>>,
    pub upline: Column<Option<String>>,
    pub rank: Column<Option<String>>,
    pub country: Column<Option<String>>,
    pub joined: Column<Option<String>>,
    pub left: Column<Option<String>>,
    /// Each handle with the column it came from (for messages).
    pub handles: Vec<(Handle, String)>,
}

/// A roster file, read: its rows (good or named bad) and what its columns cover.
#[derive(Debug, Clone)]
pub struct RosterFile {
    pub file: String,
    pub rows: Vec<Result<RosterRow, Problem>>,
    /// The networks whose handles the file gives (all of them with a `handles` column):
    /// a distributor's handles on these networks are replaced by the row's.
    pub networks: Vec<&'static str>,
    /// Columns tactful does not read (a typo shows up here).
    pub ignored_columns: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Id,
    Name,
    Email,
    Upline,
    Rank,
    Country,
    Joined,
    Left,
    Handles,
    Network(&'static str),
}

fn field(header: &str) -> Option<Field> {
    let h = header.trim().trim_start_matches('\u{feff}').to_ascii_lowercase().replace([' ', '-'], "_");
    Some(match h.as_str() {
        "id" | "distributor_id" => Field::Id,
        "name" => Field::Name,
        "email" => Field::Email,
        "upline_id" | "upline" | "sponsor_id" => Field::Upline,
        "rank" => Field::Rank,
        "country" => Field::Country,
        "joined" | "joined_on" => Field::Joined,
        "left" | "left_on" => Field::Left,
        "handles" => Field::Handles,
        other => Field::Network(handle::network(other)?),
    })
}

/// `YYYY-MM-DD` with a real month and day.
pub(crate) fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let (Ok(y), Ok(m), Ok(d)) = (s[..4].parse::<u32>(), s[5..7].parse::<u32>(), s[8..].parse::<u32>()) else {
        return false;
    };
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

fn is_email(s: &str) -> bool {
    s.split_once('@').is_some_and(|(user, host)| {
        !user.is_empty()
            && host.contains('.')
            && !host.starts_with('.')
            && !host.ends_with('.')
            && !host.contains('@')
    }) && !s.chars().any(char::is_whitespace)
}

/// Several handles in one cell: separated by `;`, `,` or spaces.
fn parts(cell: &str) -> impl Iterator<Item = &str> {
    cell.split([';', ',', ' ', '\t']).filter(|p| !p.is_empty())
}

const HANDLES_EXPECTED: &str =
    "network:handle pairs or profile URLs, e.g. `instagram:@ann_b; https://facebook.com/ann.b`";

/// Read one row (the cells by field). Pure.
fn row(file: &str, line: u64, cells: &[(Field, String, &str)]) -> Result<RosterRow, Problem> {
    let bad = |column: &str, expected: &str, found: &str| Problem::new(file, line, column, expected, found);
    let mut r = RosterRow { line, ..RosterRow::default() };
    let opt = |v: &str| Some(v.to_string()).filter(|v| !v.is_empty());
    for (f, column, raw) in cells {
        let v = raw.trim();
        match f {
            Field::Id if v.is_empty() || v.chars().count() > 100 => {
                return Err(bad(column, "a distributor id (1 to 100 characters)", v));
            }
            Field::Id => r.id = v.to_string(),
            Field::Name if v.is_empty() => return Err(bad(column, "the distributor's name", v)),
            Field::Name => r.name = Some(v.to_string()),
            Field::Email if !v.is_empty() && !is_email(v) => {
                return Err(bad(column, "an email address like ann@example.com, or nothing", v));
            }
            Field::Email => r.email = Some(opt(v)),
            Field::Upline => r.upline = Some(opt(v)),
            Field::Rank => r.rank = Some(opt(v)),
            Field::Country => r.country = Some(opt(v)),
            Field::Joined | Field::Left if !v.is_empty() && !is_date(v) => {
                return Err(bad(column, "a date like 2024-05-31, or nothing", v));
            }
            Field::Joined => r.joined = Some(opt(v)),
            Field::Left => r.left = Some(opt(v)),
            Field::Network(net) => {
                for p in parts(v) {
                    let h = handle::normalise(net, p).map_err(|e| bad(column, &e, p))?;
                    r.handles.push((Handle { network: net, handle: h }, column.clone()));
                }
            }
            Field::Handles => {
                for p in parts(v) {
                    let pair = p.split_once(':').and_then(|(n, h)| Some((handle::network(n)?, h)));
                    let h = match pair {
                        Some((net, h)) => {
                            handle::normalise(net, h).map(|h| (net, h)).map_err(|e| bad(column, &e, p))?
                        }
                        None => {
                            handle::from_profile_url(p).ok_or_else(|| bad(column, HANDLES_EXPECTED, p))?
                        }
                    };
                    r.handles.push((Handle { network: h.0, handle: h.1 }, column.clone()));
                }
            }
        }
    }
    if let (Some(Some(j)), Some(Some(l))) = (&r.joined, &r.left) {
        if l < j {
            return Err(bad("left", &format!("a date on or after joined ({j})"), l));
        }
    }
    Ok(r)
}

/// Read a roster CSV. A file without an `id` column is refused as a whole;
/// a bad row is a [`Problem`] among the rows.
pub fn parse(file: &str, reader: impl Read) -> Result<RosterFile, Error> {
    let mut csv = csv::ReaderBuilder::new().flexible(true).from_reader(reader);
    let headers = csv
        .byte_headers()
        .map_err(|e| Error::Read { file: file.to_string(), message: e.to_string() })?
        .clone();
    let mut fields = Vec::new();
    let mut ignored_columns = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        let name = String::from_utf8_lossy(h).trim().trim_start_matches('\u{feff}').to_string();
        match field(&name) {
            Some(f) => fields.push((i, f, name)),
            None if name.is_empty() => {}
            None => ignored_columns.push(name),
        }
    }
    if !fields.iter().any(|(_, f, _)| *f == Field::Id) {
        return Err(Error::Format {
            file: file.to_string(),
            message: "no `id` column: a roster needs at least id (and name for new distributors)".into(),
        });
    }
    let networks: Vec<&'static str> = if fields.iter().any(|(_, f, _)| *f == Field::Handles) {
        NETWORKS.to_vec()
    } else {
        let mut n: Vec<&'static str> = fields
            .iter()
            .filter_map(|(_, f, _)| if let Field::Network(n) = f { Some(*n) } else { None })
            .collect();
        n.sort_unstable();
        n.dedup();
        n
    };
    let mut rows = Vec::new();
    let mut record = csv::ByteRecord::new();
    loop {
        match csv.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map_or(0, csv::Position::line);
                if record.iter().all(|c| c.iter().all(u8::is_ascii_whitespace)) {
                    continue;
                }
                let mut cells = Vec::with_capacity(fields.len());
                let mut bad = None;
                for (i, f, name) in &fields {
                    let raw = record.get(*i).unwrap_or(b"");
                    match std::str::from_utf8(raw) {
                        Ok(s) => cells.push((*f, name.clone(), s)),
                        Err(_) => {
                            bad = Some(Problem::new(
                                file,
                                line,
                                name,
                                "UTF-8 text",
                                &String::from_utf8_lossy(raw),
                            ));
                            break;
                        }
                    }
                }
                rows.push(match bad {
                    Some(p) => Err(p),
                    None => row(file, line, &cells),
                });
            }
            Err(e) => {
                let line = e.position().map_or(0, csv::Position::line);
                match e.kind() {
                    csv::ErrorKind::Io(_) => {
                        return Err(Error::Read { file: file.to_string(), message: e.to_string() });
                    }
                    _ => rows.push(Err(Problem::new(file, line, "(row)", "a CSV row", &e.to_string()))),
                }
            }
        }
    }
    Ok(RosterFile { file: file.to_string(), rows, networks, ignored_columns })
}

/// One distributor added or changed by an import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub line: u64,
    pub before: Option<Distributor>,
    pub after: Distributor,
}

/// What an import would do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub changes: Vec<Change>,
    pub unchanged: u64,
    pub problems: Vec<Problem>,
}

/// The distributor a row makes of what the roster had (columns the file
/// lacks, and handles on networks it does not cover, are kept).
fn merge(
    file: &str,
    r: &RosterRow,
    before: Option<&Distributor>,
    networks: &[&'static str],
) -> Result<Distributor, Problem> {
    let mut d = match (before, &r.name) {
        (Some(b), _) => b.clone(),
        (None, Some(name)) => Distributor { id: r.id.clone(), name: name.clone(), ..Distributor::default() },
        (None, None) => {
            return Err(Problem::new(
                file,
                r.line,
                "name",
                "a name for a new distributor (the file has no name column)",
                "",
            ));
        }
    };
    if let Some(n) = &r.name {
        d.name.clone_from(n);
    }
    let set = |to: &mut Option<String>, from: &Column<Option<String>>| {
        if let Some(v) = from {
            to.clone_from(v);
        }
    };
    set(&mut d.email, &r.email);
    set(&mut d.upline, &r.upline);
    set(&mut d.rank, &r.rank);
    set(&mut d.country, &r.country);
    set(&mut d.joined, &r.joined);
    set(&mut d.left, &r.left);
    if let (Some(j), Some(l)) = (&d.joined, &d.left) {
        if l < j {
            return Err(Problem::new(file, r.line, "left", format!("a date on or after joined ({j})"), l));
        }
    }
    d.handles.retain(|h| !networks.contains(&h.network));
    d.handles.extend(r.handles.iter().map(|(h, _)| h.clone()));
    d.handles.sort_unstable();
    d.handles.dedup();
    Ok(d)
}

/// Work out what importing `file` into a roster holding `existing` does.
/// Pure. Rows are checked as a whole file, so a row may name an upline that
/// comes later in it; a row is skipped when it reuses an id, claims another
/// distributor's handle, names an upline that is nowhere, or would close an
/// upline cycle (the last row of the cycle in the file is the one skipped).
pub fn plan(file: &RosterFile, existing: &BTreeMap<String, Distributor>) -> Plan {
    let mut out = Plan::default();
    let name = file.file.as_str();
    // (row, the distributor it makes), in file order.
    let mut cands: Vec<(&RosterRow, Distributor)> = Vec::new();
    let mut lines: HashMap<&str, u64> = HashMap::new();
    for r in &file.rows {
        let r = match r {
            Ok(r) => r,
            Err(p) => {
                out.problems.push(p.clone());
                continue;
            }
        };
        if let Some(first) = lines.get(r.id.as_str()) {
            out.problems.push(Problem::new(
                name,
                r.line,
                "id",
                format!("an id not already used on line {first}"),
                &r.id,
            ));
            continue;
        }
        lines.insert(&r.id, r.line);
        match merge(name, r, existing.get(&r.id), &file.networks) {
            Ok(d) => cands.push((r, d)),
            Err(p) => out.problems.push(p),
        }
    }
    // Skipping one row can make another wrong (its upline was that row):
    // check again until nothing more is skipped.
    loop {
        let skip = first_pass_problems(name, &cands, existing);
        if skip.is_empty() {
            break;
        }
        let lines: HashSet<u64> = skip.iter().map(|p| p.line).collect();
        cands.retain(|(r, _)| !lines.contains(&r.line));
        out.problems.extend(skip);
    }
    for (r, d) in cands {
        let before = existing.get(&d.id);
        if before == Some(&d) {
            out.unchanged += 1;
        } else {
            out.changes.push(Change { line: r.line, before: before.cloned(), after: d });
        }
    }
    out.problems.sort_by_key(|p| p.line);
    out
}

/// The rows among `cands` that cannot go in as the file stands.
fn first_pass_problems(
    file: &str,
    cands: &[(&RosterRow, Distributor)],
    existing: &BTreeMap<String, Distributor>,
) -> Vec<Problem> {
    let mut problems = Vec::new();
    let in_file: HashSet<&str> = cands.iter().map(|(_, d)| d.id.as_str()).collect();
    // Handles: those of distributors the file does not touch are taken.
    let mut owner: HashMap<&Handle, &str> = HashMap::new();
    for d in existing.values().filter(|d| !in_file.contains(d.id.as_str())) {
        for h in &d.handles {
            owner.insert(h, &d.id);
        }
    }
    for (r, d) in cands {
        let clash = d.handles.iter().find_map(|h| owner.get(h).filter(|o| **o != d.id).map(|o| (h, *o)));
        if let Some((h, o)) = clash {
            let column = r.handles.iter().find(|(rh, _)| rh == h).map_or(h.network, |(_, c)| c.as_str());
            problems.push(Problem::new(
                file,
                r.line,
                column,
                format!("a handle no other distributor has (it is {o}'s)"),
                &h.handle,
            ));
            continue;
        }
        for h in &d.handles {
            owner.insert(h, &d.id);
        }
    }
    let skipped: HashSet<u64> = problems.iter().map(|p| p.line).collect();
    // Uplines: on the roster already, or in this file.
    for (r, d) in cands.iter().filter(|(r, _)| !skipped.contains(&r.line)) {
        if let Some(u) = &d.upline {
            if !existing.contains_key(u) && !in_file.contains(u.as_str()) {
                problems.push(Problem::new(
                    file,
                    r.line,
                    "upline_id",
                    "the id of a distributor on the roster or in this file",
                    u,
                ));
            }
        }
    }
    if !problems.is_empty() {
        return problems;
    }
    // Cycles, in the tree as it would be after the import.
    let mut uplines: HashMap<&str, Option<&str>> =
        existing.values().map(|d| (d.id.as_str(), d.upline.as_deref())).collect();
    for (_, d) in cands {
        uplines.insert(&d.id, d.upline.as_deref());
    }
    let tree = Tree::from_uplines(uplines.into_iter());
    let line: HashMap<&str, u64> = cands.iter().map(|(r, d)| (d.id.as_str(), r.line)).collect();
    let mut reported = HashSet::new();
    for (_, d) in cands {
        if let Some(cycle) = tree.would_cycle(&d.id, d.upline.as_deref()) {
            // The row of the cycle that comes last in the file is the one refused.
            let last = cycle.0.iter().filter_map(|id| line.get(id.as_str()).map(|l| (*l, id))).max();
            if let Some((l, id)) = last {
                if reported.insert(l) {
                    let up = tree.upline(id).unwrap_or("");
                    problems.push(Problem::new(
                        file,
                        l,
                        "upline_id",
                        format!("an upline outside {id}'s own downline ({cycle})"),
                        up,
                    ));
                }
            }
        }
    }
    problems
}

/// What a roster import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RosterSummary {
    pub file: String,
    pub added: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// The rows skipped, each named.
    pub skipped: Vec<Problem>,
    pub ignored_columns: Vec<String>,
    /// Posts that had no distributor and now have one (a handle was added).
    pub attributed_posts: u64,
}

/// Every distributor of the company, by id.
pub fn distributors(db: &mut dyn Db, company: i64) -> Result<BTreeMap<String, Distributor>, StoreError> {
    let mut out = BTreeMap::new();
    db.each(
        "SELECT id, name, email, upline_id, rank, country, joined, left_on FROM company_distributors WHERE company_id = ?1",
        &[Arg::Int(company)],
        &mut |r| {
            let d = Distributor {
                id: r[0].take_text(),
                name: r[1].take_text(),
                email: r[2].opt_text(),
                upline: r[3].opt_text(),
                rank: r[4].opt_text(),
                country: r[5].opt_text(),
                joined: r[6].opt_text(),
                left: r[7].opt_text(),
                handles: Vec::new(),
            };
            out.insert(d.id.clone(), d);
        },
    )?;
    db.each(
        "SELECT distributor_id, network, handle FROM company_handles WHERE company_id = ?1",
        &[Arg::Int(company)],
        &mut |r| {
            if let (Some(d), Some(network)) = (out.get_mut(&r[0].text()), handle::network(&r[1].text())) {
                d.handles.push(Handle { network, handle: r[2].take_text() });
            }
        },
    )?;
    for d in out.values_mut() {
        d.handles.sort_unstable();
    }
    Ok(out)
}

/// Import a roster CSV: add and update distributors, audit each change,
/// attribute posts that waited for a handle now on the roster. One transaction.
pub fn import(db: &mut dyn Db, actor: &Actor, file: &str, reader: impl Read) -> Result<RosterSummary, Error> {
    let parsed = parse(file, reader)?;
    crate::transaction(db, actor.company, |db| {
        let existing = distributors(db, actor.company)?;
        let plan = plan(&parsed, &existing);
        write(db, actor, &plan)?;
        let handles_changed =
            plan.changes.iter().any(|c| c.before.as_ref().is_none_or(|b| b.handles != c.after.handles));
        let attributed_posts = if handles_changed { attribute_waiting_posts(db, actor.company)? } else { 0 };
        let added = plan.changes.iter().filter(|c| c.before.is_none()).count() as u64;
        let summary = RosterSummary {
            file: file.to_string(),
            added,
            updated: plan.changes.len() as u64 - added,
            unchanged: plan.unchanged,
            skipped: plan.problems.clone(),
            ignored_columns: parsed.ignored_columns.clone(),
            attributed_posts,
        };
        let mut chain = Chain::open(db, actor.company)?;
        for c in &plan.changes {
            let action = match &c.before {
                None => "distributor.add",
                Some(b) if b.left.is_none() && c.after.left.is_some() => "distributor.leave",
                Some(_) => "distributor.update",
            };
            let before = c.before.as_ref().map(|b| serde_json::to_value(b).expect("serialisable"));
            let after = serde_json::to_value(&c.after).expect("serialisable");
            chain.append(
                actor,
                action,
                &format!("distributor:{}", c.after.id),
                before.as_ref(),
                Some(&after),
            );
        }
        if !plan.changes.is_empty() || attributed_posts > 0 {
            let after = serde_json::json!({
                "added": summary.added, "updated": summary.updated, "unchanged": summary.unchanged,
                "skipped": summary.skipped.len(), "attributed_posts": attributed_posts,
            });
            chain.append(actor, "roster.import", &format!("roster:{file}"), None, Some(&after));
        }
        chain.write(db)?;
        Ok(summary)
    })
}

fn write(db: &mut dyn Db, actor: &Actor, plan: &Plan) -> Result<(), StoreError> {
    if plan.changes.is_empty() {
        return Ok(());
    }
    let c = actor.company;
    let mut args = Vec::with_capacity(plan.changes.len() * 10);
    for ch in &plan.changes {
        let d = &ch.after;
        args.extend([
            Arg::Int(c),
            Arg::Text(d.id.clone()),
            Arg::Text(d.name.clone()),
            Arg::OptText(d.email.clone()),
            Arg::OptText(d.upline.clone()),
            Arg::OptText(d.rank.clone()),
            Arg::OptText(d.country.clone()),
            Arg::OptText(d.joined.clone()),
            Arg::OptText(d.left.clone()),
            Arg::Int(actor.at),
        ]);
    }
    crate::batch::insert(
        db,
        "INSERT INTO company_distributors (company_id, id, name, email, upline_id, rank, country, joined, left_on, updated_at)",
        10,
        &args,
        "ON CONFLICT (company_id, id) DO UPDATE SET name = excluded.name, email = excluded.email,
         upline_id = excluded.upline_id, rank = excluded.rank, country = excluded.country,
         joined = excluded.joined, left_on = excluded.left_on, updated_at = excluded.updated_at",
        500,
    )?;
    // Handles: every changed set is cleared before any is written, so a
    // handle may move from one distributor to another within one file.
    let moved: Vec<&Change> = plan
        .changes
        .iter()
        .filter(|ch| ch.before.as_ref().is_none_or(|b| b.handles != ch.after.handles))
        .collect();
    for ch in moved.iter().filter(|ch| ch.before.is_some()) {
        db.exec(
            "DELETE FROM company_handles WHERE company_id = ?1 AND distributor_id = ?2",
            &[Arg::Int(c), Arg::Text(ch.after.id.clone())],
        )?;
    }
    let mut args = Vec::new();
    for ch in moved {
        for h in &ch.after.handles {
            args.extend([
                Arg::Int(c),
                Arg::Static(h.network),
                Arg::Text(h.handle.clone()),
                Arg::Text(ch.after.id.clone()),
            ]);
        }
    }
    crate::batch::insert(
        db,
        "INSERT INTO company_handles (company_id, network, handle, distributor_id)",
        4,
        &args,
        "",
        1000,
    )?;
    Ok(())
}

/// Give posts that have no distributor the one whose handle wrote them, now
/// that the roster knows it. Posts already attributed keep their distributor
/// (a handle that moves later does not rewrite history). Returns how many.
fn attribute_waiting_posts(db: &mut dyn Db, company: i64) -> Result<u64, StoreError> {
    const OWNER: &str = "SELECT h.distributor_id FROM company_handles h
        WHERE h.company_id = p.company_id AND h.network = p.network AND h.handle = p.author_handle";
    db.exec(
        &format!(
            "UPDATE company_post_versions SET distributor_id = (SELECT ({OWNER}) FROM company_posts p
               WHERE p.company_id = company_post_versions.company_id AND p.id = company_post_versions.post_id)
             WHERE company_id = ?1 AND distributor_id IS NULL AND post_id IN
               (SELECT p.id FROM company_posts p WHERE p.company_id = ?1 AND p.distributor_id IS NULL AND EXISTS ({OWNER}))"
        ),
        &[Arg::Int(company)],
    )?;
    let owner = OWNER.replace("p.", "company_posts.");
    db.exec(
        &format!(
            "UPDATE company_posts SET distributor_id = ({owner})
             WHERE company_id = ?1 AND distributor_id IS NULL AND EXISTS ({owner})"
        ),
        &[Arg::Int(company)],
    )
}

/// A distributor in the roster's tree order, with their depth under the top
/// of the listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RosterEntry {
    pub depth: usize,
    pub distributor: Distributor,
}

/// The roster as a tree (each distributor under their upline, siblings by
/// id), or the team of one leader: the leader and their whole downline.
pub fn list(db: &mut dyn Db, company: i64, team: Option<&str>) -> Result<Vec<RosterEntry>, Error> {
    let mut all = distributors(db, company)?;
    let tree = Tree::from_uplines(all.values().map(|d| (d.id.as_str(), d.upline.as_deref())));
    let order = match team {
        Some(leader) if !tree.contains(leader) => return Err(Error::UnknownDistributor(leader.to_string())),
        Some(leader) => tree.team(leader),
        None => tree.everyone(),
    };
    Ok(order
        .into_iter()
        .filter_map(|(id, depth)| all.remove(&id).map(|distributor| RosterEntry { depth, distributor }))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(csv: &str) -> RosterFile {
        parse("roster.csv", csv.as_bytes()).unwrap()
    }

    /// The roster after importing `ROSTER` into an empty one.
    fn loaded() -> BTreeMap<String, Distributor> {
        plan(&read(ROSTER), &BTreeMap::new())
            .changes
            .into_iter()
            .map(|c| (c.after.id.clone(), c.after))
            .collect()
    }

    const ROSTER: &str = "id,name,email,upline_id,rank,country,joined,left,instagram,facebook
D1,Ann Baker,ann@example.com,,Diamond,US,2020-01-15,,@Ann_B,https://facebook.com/ann.baker
D2,Bob Cole,,D1,Silver,CA,2021-03-01,,https://instagram.com/bobcole/,
D3,Cat Dee,,D2,,GB,2022-07-09,2024-02-01,,facebook.com/profile.php?id=1000123
";

    #[test]
    fn a_roster_reads_into_distributors_with_normalised_handles() {
        let f = read(ROSTER);
        assert_eq!(f.networks, ["facebook", "instagram"]);
        let p = plan(&f, &BTreeMap::new());
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        assert_eq!(p.changes.len(), 3);
        let ann = &p.changes[0].after;
        assert_eq!(
            ann.handles,
            vec![
                Handle { network: "facebook", handle: "ann.baker".into() },
                Handle { network: "instagram", handle: "ann_b".into() }
            ]
        );
        assert_eq!(p.changes[2].after.left.as_deref(), Some("2024-02-01"));
        assert_eq!(p.changes[2].after.handles[0].handle, "1000123");
    }

    #[test]
    fn the_same_file_twice_changes_nothing() {
        let roster = loaded();
        let again = plan(&read(ROSTER), &roster);
        assert_eq!((again.changes.len(), again.unchanged), (0, 3));
    }

    #[test]
    fn a_file_with_fewer_columns_leaves_the_rest_alone() {
        let roster = loaded();
        let p = plan(&read("id,rank,x\nD2,Gold,@bobby\n"), &roster);
        assert_eq!(p.changes.len(), 1);
        let bob = &p.changes[0].after;
        assert_eq!(
            (bob.name.as_str(), bob.rank.as_deref(), bob.country.as_deref()),
            ("Bob Cole", Some("Gold"), Some("CA"))
        );
        assert_eq!(bob.handles.len(), 2, "the instagram handle stays, the x handle is added");
    }

    #[test]
    fn bad_rows_are_named_and_the_rest_goes_in() {
        let f = read(
            "id,name,email,upline_id,joined,left,instagram,handles\n\
             D1,Ann,ann@example,,,,,\n\
             D2,Bob,,D9,,,,\n\
             D3,Cat,,,2024-02-30,,,\n\
             D4,Dan,,,2024-01-01,2023-01-01,,\n\
             D5,Eve,,,,,https://facebook.com/eve,\n\
             D6,Fay,,,,,,myspace:fay\n\
             D7,Gus,,,,,@gus,\n\
             D7,Gus again,,,,,,\n\
             ,Nobody,,,,,,\n",
        );
        let p = plan(&f, &BTreeMap::new());
        let named: Vec<(u64, &str)> = p.problems.iter().map(|p| (p.line, p.field.as_str())).collect();
        assert_eq!(
            named,
            [
                (2, "email"),
                (3, "upline_id"),
                (4, "joined"),
                (5, "left"),
                (6, "instagram"),
                (7, "handles"),
                (9, "id"),
                (10, "id")
            ]
        );
        assert_eq!(p.changes.len(), 1);
        assert_eq!(p.changes[0].after.id, "D7");
        assert_eq!(
            p.problems[1].to_string(),
            "roster.csv:3: upline_id: expected the id of a distributor on the roster or in this file, found `D9`"
        );
    }

    #[test]
    fn an_upline_cycle_is_refused_by_name() {
        let roster = loaded();
        let p = plan(&read("id,upline_id\nD1,D3\n"), &roster);
        assert_eq!(p.changes.len(), 0);
        assert_eq!(p.problems.len(), 1);
        assert!(p.problems[0].expected.contains("upline cycle: D1 → D3 → D2 → D1"), "{}", p.problems[0]);
        // The file is read as a whole: D3 moving to the top lets D1 go under D3.
        let p = plan(&read("id,upline_id\nD1,D3\nD3,\n"), &roster);
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        // Within one file, the later row of a cycle is refused; rows under it then have no upline.
        let p = plan(&read("id,name,upline_id\nA,Ann,B\nB,Bob,A\nC,Cat,B\n"), &BTreeMap::new());
        let named: Vec<(u64, bool)> =
            p.problems.iter().map(|p| (p.line, p.expected.contains("cycle"))).collect();
        assert_eq!(named, [(2, false), (3, true), (4, false)]);
    }

    #[test]
    fn a_handle_belongs_to_one_distributor() {
        let roster = loaded();
        let p = plan(&read("id,name,instagram\nD9,Zed,ann_b\n"), &roster);
        assert_eq!(p.problems[0].field, "instagram");
        assert!(p.problems[0].expected.contains("D1's"));
        // Moving a handle from one distributor to another in one file is fine.
        let p = plan(&read("id,instagram\nD2,ann_b\nD1,annie\n"), &roster);
        assert!(p.problems.is_empty(), "{:?}", p.problems);
    }

    #[test]
    fn a_file_without_ids_is_refused_whole() {
        let e = parse("r.csv", "name,email\nAnn,a@b.c\n".as_bytes()).unwrap_err();
        assert!(e.to_string().starts_with("r.csv: no `id` column"));
        assert_eq!(read("id,name,phone\n").ignored_columns, ["phone"]);
    }
}

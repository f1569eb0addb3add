//! Scan workers: take a batch of post versions from the scan queue, check
//! each text with the one [`Checker`] (built-in and company packs) and the
//! company's [`Policy`], write the findings as cases, and take the batch off
//! the queue, all in one transaction. A worker that dies mid-batch loses and
//! doubles nothing: its transaction rolls back and the batch stays queued.
//!
//! On PostgreSQL a batch is claimed with `FOR UPDATE SKIP LOCKED`, so
//! several workers on several machines share one queue, each batch going to
//! one of them; the texts are checked without the company's lock, which is
//! taken only when the batch has cases to write (groups and the audit chain
//! need one writer at a time). On SQLite one writer at a time holds anyway.
//!
//! What a scan decides, per post version:
//! - the findings of one category are one case (their codes and spans kept);
//! - a version older than the post's current one opens no case (the post
//!   has moved on; its newer version is scanned too);
//! - an open case of an earlier version whose category the current version
//!   no longer has becomes `fixed`; one whose category is still there stays
//!   open, and no second case is opened beside it;
//! - each case joins the case group of the same or nearly the same text
//!   ([`crate::case::same_text`]), or starts one.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;

use serde::Serialize;
use tactful_app::Checker;
use tactful_core::{Category, Channel, Finding, Severity};
use tactful_store::Arg;
use tactful_store::people::{Cell, Db};

use crate::audit::Chain;
use crate::case::{Status, group_keys, priority, same_text};
use crate::cases::CaseFinding;
use crate::policy::Policy;
use crate::{Actor, Error};

/// Post versions a worker takes per batch: measured (benches/scan.rs, 20,000
/// posts), 1,000 scans 2.4x faster than 200 on PostgreSQL and 1.3x on SQLite;
/// 2,000 gains little more and holds its rows longer.
pub const DEFAULT_BATCH: usize = 1000;

/// One scan worker: the checker, the policy, its name in the audit log.
pub struct Worker {
    checker: Checker,
    policy: Policy,
    name: String,
    batch: usize,
}

/// What one batch did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BatchReport {
    /// The post versions scanned, as (post id, version); empty when the queue was.
    pub scanned: Vec<(i64, i64)>,
    /// Cases opened, by id.
    pub opened: Vec<i64>,
    /// Cases closed as fixed, by id.
    pub fixed: Vec<i64>,
    /// Versions older than their post's current one (scanned, no case).
    pub stale: u64,
}

/// What a run of batches did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ScanSummary {
    pub batches: u64,
    pub posts: u64,
    pub opened: u64,
    pub fixed: u64,
    pub stale: u64,
}

impl ScanSummary {
    pub fn add(&mut self, b: &BatchReport) {
        self.batches += 1;
        self.posts += b.scanned.len() as u64;
        self.opened += b.opened.len() as u64;
        self.fixed += b.fixed.len() as u64;
        self.stale += b.stale;
    }
}

/// A queued version with its text (read from the columns of [`claim`], in order).
#[derive(serde::Deserialize)]
struct Claimed {
    post: i64,
    version: i64,
    current: i64,
    distributor: Option<String>,
    text: String,
}

/// A case about to be opened: the findings of one category on one version.
struct Draft {
    post: i64,
    version: i64,
    distributor: Option<String>,
    category: Category,
    severity: Severity,
    findings: Vec<Finding>,
}

/// An open case of a post being scanned.
struct OpenCase {
    id: i64,
    post: i64,
    version: i64,
    category: String,
    status: Status,
}

/// The posts whose current version this batch scanned: the version and the
/// categories it was found to have.
type Found = HashMap<i64, (i64, HashSet<Category>)>;

/// Post versions waiting in the queue.
pub fn queued(db: &mut dyn Db, company: i64) -> Result<i64, Error> {
    Ok(db.rows("SELECT COUNT(*) FROM company_scan_queue WHERE company_id = ?1", &[Arg::Int(company)])?[0][0]
        .int())
}

/// `(CAST(?a AS BIGINT), CAST(?b AS BIGINT)), …` for pairs numbered from `first`.
fn pairs(n: usize, first: usize) -> String {
    let mut s = String::with_capacity(n * 40);
    for i in 0..n {
        let a = first + 2 * i;
        let _ =
            write!(s, "{}(CAST(?{a} AS BIGINT), CAST(?{} AS BIGINT))", if i == 0 { "" } else { ", " }, a + 1);
    }
    s
}

const OPEN: &str = "('new', 'in_review', 'notice_sent', 'escalated')";

impl Worker {
    /// A worker checking with `checker` and `policy`; `name` goes in the audit log.
    pub fn new(checker: Checker, policy: Policy, name: &str) -> Worker {
        Worker { checker, policy, name: name.to_string(), batch: DEFAULT_BATCH }
    }

    /// Post versions per batch (per transaction); default [`DEFAULT_BATCH`].
    #[must_use]
    pub fn batch_size(mut self, n: usize) -> Worker {
        self.batch = n.max(1);
        self
    }

    /// The checker this worker judges with.
    pub fn checker(&self) -> &Checker {
        &self.checker
    }

    /// Scan batches until the queue is empty; `clock` stamps each batch,
    /// `progress` sees each one.
    pub fn run(
        &self,
        db: &mut dyn Db,
        company: i64,
        clock: &dyn Fn() -> i64,
        progress: &mut dyn FnMut(&BatchReport),
    ) -> Result<ScanSummary, Error> {
        let mut s = ScanSummary::default();
        loop {
            let b = self.run_batch(db, company, clock())?;
            if b.scanned.is_empty() {
                return Ok(s);
            }
            s.add(&b);
            progress(&b);
        }
    }

    /// Take one batch off the queue and scan it, in one transaction.
    pub fn run_batch(&self, db: &mut dyn Db, company: i64, at: i64) -> Result<BatchReport, Error> {
        let actor = Actor { company, who: self.name.clone(), at };
        crate::atomic(db, |db| {
            let claimed = claim(db, company, self.batch)?;
            let mut report = BatchReport {
                scanned: claimed.iter().map(|c| (c.post, c.version)).collect(),
                ..BatchReport::default()
            };
            if claimed.is_empty() {
                return Ok(report);
            }
            // Sentences officers approved since the worker started count at once.
            let approved = crate::draft::approved_claims(db, company)?;
            let mut drafts = Vec::new();
            let mut found: Found = HashMap::new();
            let mut texts: HashMap<i64, &str> = HashMap::new();
            for c in &claimed {
                if c.version < c.current {
                    report.stale += 1;
                    continue;
                }
                let findings =
                    self.policy.judge_with(&c.text, self.checker.check(&c.text, Channel::Post), &approved);
                let mut by: BTreeMap<&str, Vec<Finding>> = BTreeMap::new();
                for f in findings {
                    by.entry(f.category.as_str()).or_default().push(f);
                }
                let cats = found.entry(c.post).or_insert_with(|| (c.version, HashSet::new()));
                for (_, findings) in by {
                    let category = findings[0].category;
                    cats.1.insert(category);
                    drafts.push(Draft {
                        post: c.post,
                        version: c.version,
                        distributor: c.distributor.clone(),
                        category,
                        severity: findings.iter().map(|f| f.severity).max().unwrap_or(Severity::Info),
                        findings,
                    });
                }
                texts.insert(c.post, &c.text);
            }
            let posts: Vec<i64> = found.keys().copied().collect();
            // With cases to open the lock is needed anyway; else only if an
            // open case may be fixed (read once without it to know).
            if !drafts.is_empty() || !open_cases(db, company, &posts)?.is_empty() {
                if !crate::lock(db, company)? {
                    return Err(Error::UnknownCompany(company));
                }
                // Read under the lock: a reviewer may have moved one meanwhile.
                let open = open_cases(db, company, &posts)?;
                write(db, &actor, &found, &texts, drafts, &open, &mut report)?;
            }
            Ok(report)
        })
    }
}

/// Claim up to `n` queued versions (on PostgreSQL, skipping those another
/// worker holds), take them off the queue and read their texts. The
/// transaction the batch runs in puts them back if the batch fails.
fn claim(db: &mut dyn Db, company: i64, n: usize) -> Result<Vec<Claimed>, Error> {
    let limit = Arg::Int(i64::try_from(n).unwrap_or(i64::MAX));
    let mut out = Vec::with_capacity(n);
    let mut read = |r: &mut [Cell]| {
        out.push(Claimed {
            post: r[0].int(),
            version: r[1].int(),
            current: r[2].int(),
            distributor: r[3].opt_text(),
            text: r[4].take_text(),
        });
    };
    if db.postgres() {
        // One round trip and a statement of fixed text: the lock, the
        // unqueue and the read together, instead of two lists of a thousand
        // keys sent back (parsing those cost more than the scan of a batch).
        // The rows are found again by their physical address (a TID scan),
        // not by a join over the whole queue.
        db.each(
            "WITH taken AS (
               DELETE FROM company_scan_queue q WHERE q.ctid = ANY(ARRAY(
                 SELECT ctid FROM company_scan_queue WHERE company_id = ?1
                 ORDER BY post_id, version LIMIT ?2 FOR UPDATE SKIP LOCKED))
               RETURNING q.post_id, q.version)
             SELECT t.post_id, t.version, p.version, p.distributor_id, v.text FROM taken t
             JOIN company_posts p ON p.company_id = ?1 AND p.id = t.post_id
             JOIN company_post_versions v ON v.company_id = ?1 AND v.post_id = t.post_id AND v.version = t.version",
            &[Arg::Int(company), limit],
            &mut read,
        )?;
    } else {
        let mut keys = Vec::new();
        db.each(
            "SELECT post_id, version FROM company_scan_queue WHERE company_id = ?1
             ORDER BY post_id, version LIMIT ?2",
            &[Arg::Int(company), limit],
            &mut |r| keys.push((r[0].int(), r[1].int())),
        )?;
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let mut args = vec![Arg::Int(company)];
        for &(p, v) in &keys {
            args.extend([Arg::Int(p), Arg::Int(v)]);
        }
        // CROSS JOIN keeps the keys the outer loop in SQLite (its documented
        // hint): it otherwise chose to walk every post and scan the keys for
        // each, a batch of 2,000 costing seconds.
        let sql = format!(
            "SELECT k.column1, k.column2, p.version, p.distributor_id, v.text FROM (VALUES {}) AS k
             CROSS JOIN company_posts p ON p.company_id = ?1 AND p.id = k.column1
             CROSS JOIN company_post_versions v ON v.company_id = ?1 AND v.post_id = k.column1 AND v.version = k.column2",
            pairs(keys.len(), 2)
        );
        db.each(&sql, &args, &mut read)?;
        unqueue(db, company, &keys)?;
    }
    out.sort_by_key(|c| (c.post, c.version));
    Ok(out)
}

/// Take the scanned versions off the queue (SQLite: one writer at a time, so no lock is needed to claim).
fn unqueue(db: &mut dyn Db, company: i64, scanned: &[(i64, i64)]) -> Result<(), Error> {
    for chunk in scanned.chunks(5_000) {
        let mut args = vec![Arg::Int(company)];
        for &(p, v) in chunk {
            args.extend([Arg::Int(p), Arg::Int(v)]);
        }
        db.exec(
            &format!(
                "DELETE FROM company_scan_queue WHERE company_id = ?1 AND (post_id, version) IN (VALUES {})",
                pairs(chunk.len(), 2)
            ),
            &args,
        )?;
    }
    Ok(())
}

/// `IN (…)` over `ids` as one parameter numbered `n`: a fixed statement text
/// whatever the count, so nothing is parsed per id.
fn in_ids(db: &dyn Db, n: usize, ids: &[i64]) -> (String, Arg<'static>) {
    let joined = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    if db.postgres() {
        (format!("= ANY(CAST(string_to_array(?{n}, ',') AS BIGINT[]))"), Arg::Text(joined))
    } else {
        (format!("IN (SELECT value FROM json_each(?{n}))"), Arg::Text(format!("[{joined}]")))
    }
}

/// `IN (…)` over `items` as one JSON parameter numbered `n` (any text, commas too).
fn in_texts(db: &dyn Db, n: usize, items: &[&str]) -> (String, Arg<'static>) {
    let json = serde_json::to_string(items).expect("texts serialise");
    if db.postgres() {
        // An array made once (an init plan), which an index can be probed
        // with; `IN (SELECT …)` was read as a join over the whole table.
        (
            format!("= ANY(ARRAY(SELECT jsonb_array_elements_text(CAST(CAST(?{n} AS TEXT) AS JSONB))))"),
            Arg::Text(json),
        )
    } else {
        (format!("IN (SELECT value FROM json_each(?{n}))"), Arg::Text(json))
    }
}

fn open_cases(db: &mut dyn Db, company: i64, posts: &[i64]) -> Result<Vec<OpenCase>, Error> {
    let mut out = Vec::new();
    if posts.is_empty() {
        return Ok(out);
    }
    let (within, ids) = in_ids(db, 2, posts);
    let sql = format!(
        "SELECT id, post_id, version, category, status FROM company_cases
         WHERE company_id = ?1 AND post_id {within} AND status IN {OPEN}"
    );
    crate::read_rows(db, &sql, &[Arg::Int(company), ids], &mut out, |r| {
        Ok(OpenCase {
            status: r[4].text().parse::<Status>()?,
            id: r[0].int(),
            post: r[1].int(),
            version: r[2].int(),
            category: r[3].take_text(),
        })
    })?;
    Ok(out)
}

/// Close what was fixed, open what was found, under the company's lock.
fn write(
    db: &mut dyn Db,
    actor: &Actor,
    found: &Found,
    texts: &HashMap<i64, &str>,
    mut drafts: Vec<Draft>,
    open: &[OpenCase],
    report: &mut BatchReport,
) -> Result<(), Error> {
    let company = actor.company;
    let mut chain = Chain::open(db, company)?;
    let mut still_open: HashSet<(i64, &str)> = HashSet::new();
    for oc in open {
        let Some((version, cats)) = found.get(&oc.post) else { continue };
        let gone = !cats.iter().any(|c| c.as_str() == oc.category);
        if oc.version < *version && gone {
            let to = oc.status.change(Status::Fixed, None)?;
            let reason = format!("version {version} of the post checks clean of {}", oc.category);
            db.exec(
                "UPDATE company_cases SET status = ?1, reason = ?2, updated_at = ?3 WHERE company_id = ?4 AND id = ?5",
                &[Arg::Static(to.as_str()), Arg::Text(reason.clone()), Arg::Int(actor.at), Arg::Int(company), Arg::Int(oc.id)],
            )?;
            chain.append(
                actor,
                "case.status",
                &format!("case:{}", oc.id),
                Some(&serde_json::json!({ "status": oc.status.as_str() })),
                Some(&serde_json::json!({ "status": to.as_str(), "reason": reason })),
            );
            report.fixed.push(oc.id);
        } else {
            still_open.insert((oc.post, oc.category.as_str()));
        }
    }
    drafts.retain(|d| !still_open.contains(&(d.post, d.category.as_str())));
    if !drafts.is_empty() {
        let earlier = earlier_posts(db, company, &drafts)?;
        let groups = assign_groups(db, actor, &drafts, texts)?;
        let growth = group_growth(db, company, &drafts, &groups)?;
        // Earlier posts with cases, counting those earlier in this batch.
        let mut seen: HashMap<&str, HashSet<i64>> = HashMap::new();
        let mut args = Vec::with_capacity(drafts.len() * 15);
        let mut earlier_of = Vec::with_capacity(drafts.len());
        for d in &drafts {
            let n = d.distributor.as_deref().map_or(0, |who| {
                let before = earlier.get(who).copied().unwrap_or(0);
                let batch = seen.entry(who).or_default();
                let n = before + batch.iter().filter(|&&p| p != d.post).count() as i64;
                batch.insert(d.post);
                n
            });
            earlier_of.push(n);
            let findings: Vec<CaseFinding> = d.findings.iter().map(CaseFinding::from).collect();
            let mut codes: Vec<&str> = d.findings.iter().map(|f| f.code.as_str()).collect();
            codes.dedup();
            args.extend([
                Arg::Int(company),
                Arg::Int(d.post),
                Arg::Int(d.version),
                Arg::OptText(d.distributor.clone()),
                Arg::Static(d.category.as_str()),
                Arg::Static(d.severity.as_str()),
                Arg::Text(format!(",{},", codes.join(","))),
                Arg::Text(serde_json::to_string(&findings).expect("findings serialise")),
                Arg::Int(groups[&d.post]),
                Arg::Int(n),
                Arg::Int(priority(d.severity, growth[&groups[&d.post]].size(), n).score),
                Arg::Static(Status::New.as_str()),
                Arg::Int(actor.at),
                Arg::Int(actor.at),
            ]);
        }
        let mut ids: HashMap<(i64, String), i64> = HashMap::new();
        crate::batch::insert_returning(
            db,
            "INSERT INTO company_cases (company_id, post_id, version, distributor_id, category, severity, codes, findings, group_id, earlier_cases, priority, status, opened_at, updated_at)",
            14,
            &args,
            "ON CONFLICT DO NOTHING RETURNING post_id, category, id",
            500,
            &mut |r| {
                ids.insert((r[0].int(), r[1].take_text()), r[2].int());
            },
        )?;
        for (d, earlier) in drafts.iter().zip(earlier_of) {
            let Some(&id) = ids.get(&(d.post, d.category.as_str().to_string())) else { continue };
            let codes: Vec<&str> = d.findings.iter().map(|f| f.code.as_str()).collect();
            chain.append(
                actor,
                "case.open",
                &format!("case:{id}"),
                None,
                Some(&serde_json::json!({
                    "status": "new", "post": d.post, "version": d.version, "distributor": d.distributor,
                    "category": d.category.as_str(), "codes": codes, "group": groups[&d.post],
                    "earlier_cases": earlier,
                })),
            );
            report.opened.push(id);
        }
        refresh_groups(db, company, &growth)?;
    }
    report.opened.sort_unstable();
    chain.write(db)?;
    Ok(())
}

/// Per distributor: their earlier posts with a case that was not dismissed.
fn earlier_posts(db: &mut dyn Db, company: i64, drafts: &[Draft]) -> Result<HashMap<String, i64>, Error> {
    let mut who: Vec<&str> = drafts.iter().filter_map(|d| d.distributor.as_deref()).collect();
    who.sort_unstable();
    who.dedup();
    let mut out = HashMap::new();
    let (within, names) = in_texts(db, 2, &who);
    db.each(
        &format!(
            "SELECT distributor_id, COUNT(DISTINCT post_id) FROM company_cases
             WHERE company_id = ?1 AND distributor_id {within} AND status <> 'dismissed'
             GROUP BY distributor_id"
        ),
        &[Arg::Int(company), names],
        &mut |r| {
            out.insert(r[0].take_text(), r[1].int());
        },
    )?;
    Ok(out)
}

/// The case group of each drafted post: the oldest group whose sample is
/// the same text, else a new group with this text as its sample.
fn assign_groups(
    db: &mut dyn Db,
    actor: &Actor,
    drafts: &[Draft],
    texts: &HashMap<i64, &str>,
) -> Result<HashMap<i64, i64>, Error> {
    let company = actor.company;
    let mut posts: Vec<(i64, Option<&str>)> =
        drafts.iter().map(|d| (d.post, d.distributor.as_deref())).collect();
    posts.dedup_by_key(|p| p.0);
    let keys: HashMap<i64, Vec<i64>> = posts.iter().map(|&(p, _)| (p, group_keys(texts[&p]))).collect();
    let mut all: Vec<i64> = keys.values().flatten().copied().collect();
    all.sort_unstable();
    all.dedup();
    // Statements of fixed text (the keys as one parameter): prepared once
    // per connection, however many keys a batch has.
    let mut by_key: HashMap<i64, Vec<i64>> = HashMap::new();
    let (within, keys_arg) = in_ids(db, 2, &all);
    db.each(
        &format!("SELECT key, group_id FROM company_case_group_keys WHERE company_id = ?1 AND key {within}"),
        &[Arg::Int(company), keys_arg],
        &mut |r| by_key.entry(r[0].int()).or_default().push(r[1].int()),
    )?;
    let mut wanted: Vec<i64> = by_key.values().flatten().copied().collect();
    wanted.sort_unstable();
    wanted.dedup();
    let mut samples = of_groups(db, company, &wanted, "sample_text", Cell::take_text)?;
    // A text no group has starts a group of its own; the batch's new groups
    // are written together afterwards (a round trip for them all, not two a
    // group), named until then by numbers above every real id, in the
    // order they were started, so that "the oldest group" stays right.
    let mut fresh: Vec<(i64, i64, &str)> = Vec::new();
    let mut out = HashMap::new();
    for (post, _) in posts {
        let text = texts[&post];
        let mut candidates: Vec<i64> =
            keys[&post].iter().filter_map(|k| by_key.get(k)).flatten().copied().collect();
        candidates.sort_unstable();
        candidates.dedup();
        let hit = candidates.into_iter().find(|g| samples.get(g).is_some_and(|s| same_text(s, text)));
        let group = hit.unwrap_or_else(|| {
            let g = FRESH + fresh.len() as i64;
            fresh.push((g, post, text));
            for &k in &keys[&post] {
                by_key.entry(k).or_default().push(g);
            }
            samples.insert(g, text.to_string());
            g
        });
        out.insert(post, group);
    }
    if fresh.is_empty() {
        return Ok(out);
    }
    let mut args = Vec::with_capacity(fresh.len() * 6);
    for &(_, post, text) in &fresh {
        args.extend([
            Arg::Int(company),
            Arg::Text(text.to_string()),
            Arg::Int(post),
            Arg::Int(0),
            Arg::Int(0),
            Arg::Int(actor.at),
        ]);
    }
    // Each new group is known by its first post (a post starts one group at most).
    let mut made: HashMap<i64, i64> = HashMap::new();
    crate::batch::insert_returning(
        db,
        "INSERT INTO company_case_groups (company_id, sample_text, first_post_id, posts, distributors, created_at)",
        6,
        &args,
        "RETURNING first_post_id, id",
        500,
        &mut |r| {
            made.insert(r[0].int(), r[1].int());
        },
    )?;
    let real: HashMap<i64, i64> = fresh
        .iter()
        .map(|&(g, post, _)| {
            let id =
                made.get(&post).ok_or_else(|| Error::Damaged(format!("post {post}'s new case group")))?;
            Ok((g, *id))
        })
        .collect::<Result<_, Error>>()?;
    let mut args = Vec::new();
    for &(g, post, _) in &fresh {
        for &k in &keys[&post] {
            args.extend([Arg::Int(company), Arg::Int(k), Arg::Int(real[&g])]);
        }
    }
    crate::batch::insert(
        db,
        "INSERT INTO company_case_group_keys (company_id, key, group_id)",
        3,
        &args,
        "ON CONFLICT DO NOTHING",
        1000,
    )?;
    for g in out.values_mut() {
        if let Some(&r) = real.get(g) {
            *g = r;
        }
    }
    Ok(out)
}

/// Where the names of a batch's groups not yet written start (above every real id).
const FRESH: i64 = i64::MAX / 2;

/// One column of each of the case groups `ids`, by group.
fn of_groups<T>(
    db: &mut dyn Db,
    company: i64,
    ids: &[i64],
    column: &str,
    read: impl Fn(&mut Cell) -> T,
) -> Result<HashMap<i64, T>, Error> {
    let mut out = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let (within, ids) = in_ids(db, 2, ids);
    db.each(
        &format!("SELECT id, {column} FROM company_case_groups WHERE company_id = ?1 AND id {within}"),
        &[Arg::Int(company), ids],
        &mut |r| {
            out.insert(r[0].int(), read(&mut r[1]));
        },
    )?;
    Ok(out)
}

/// How a group grows in one batch.
#[derive(Debug, Clone, Copy)]
struct Growth {
    /// Its posts before the batch.
    before: i64,
    /// Posts and distributors the batch adds.
    posts: i64,
    distributors: i64,
}

impl Growth {
    /// Its posts after the batch.
    fn size(self) -> i64 {
        (self.before + self.posts).max(1)
    }
}

/// Per touched group: the posts and distributors this batch adds to it
/// (those not in it already), counted before the batch's cases are written,
/// so a group's size is kept up to date without counting it again.
fn group_growth(
    db: &mut dyn Db,
    company: i64,
    drafts: &[Draft],
    groups: &HashMap<i64, i64>,
) -> Result<BTreeMap<i64, Growth>, Error> {
    let mut adds: BTreeMap<i64, (HashSet<i64>, HashSet<&str>)> = BTreeMap::new();
    for d in drafts {
        let e = adds.entry(groups[&d.post]).or_default();
        e.0.insert(d.post);
        if let Some(who) = d.distributor.as_deref() {
            e.1.insert(who);
        }
    }
    // Three statements for every group the batch touches (not three a
    // group): the posts and the distributors each group has already, and
    // its size before the batch.
    let touched: Vec<i64> = adds.keys().copied().collect();
    let posts: Vec<i64> = drafts.iter().map(|d| d.post).collect();
    let names: Vec<&str> = adds.values().flat_map(|(_, who)| who.iter().copied()).collect();
    let (in_groups, groups_arg) = in_ids(db, 3, &touched);
    // The (group, value) pairs of `column` that the touched groups' cases have.
    let already = |db: &mut dyn Db,
                   column: &str,
                   (within, arg): (String, Arg<'static>),
                   visit: &mut dyn FnMut(i64, &mut Cell)| {
        db.each(
            &format!(
                "SELECT DISTINCT group_id, {column} FROM company_cases
                 WHERE company_id = ?1 AND {column} {within} AND group_id {in_groups}"
            ),
            &[Arg::Int(company), arg, groups_arg.clone()],
            &mut |r| visit(r[0].int(), &mut r[1]),
        )
    };
    let in_posts = in_ids(db, 2, &posts);
    already(db, "post_id", in_posts, &mut |g, post| {
        if let Some(e) = adds.get_mut(&g) {
            e.0.remove(&post.int());
        }
    })?;
    let mut seen: Vec<(i64, String)> = Vec::new();
    if !names.is_empty() {
        let in_names = in_texts(db, 2, &names);
        already(db, "distributor_id", in_names, &mut |g, who| seen.push((g, who.take_text())))?;
    }
    for (g, w) in &seen {
        if let Some(e) = adds.get_mut(g) {
            e.1.remove(w.as_str());
        }
    }
    let before = of_groups(db, company, &touched, "posts", |c| c.int())?;
    let out = adds
        .into_iter()
        .map(|(g, (posts, who))| {
            let before = before.get(&g).copied().unwrap_or(0);
            (g, Growth { before, posts: posts.len() as i64, distributors: who.len() as i64 })
        })
        .collect();
    Ok(out)
}

/// Add each touched group's growth to its counts, and bring the priority of
/// its open cases up to its reach when the reach points changed.
fn refresh_groups(db: &mut dyn Db, company: i64, growth: &BTreeMap<i64, Growth>) -> Result<(), Error> {
    let grown: Vec<Vec<i64>> = growth.iter().map(|(&g, gr)| vec![g, gr.posts, gr.distributors]).collect();
    let v = numbers(db, 2, &["id", "posts", "people"]);
    db.exec(
        &format!(
            "UPDATE company_case_groups SET posts = company_case_groups.posts + v.posts,
               distributors = company_case_groups.distributors + v.people
             FROM ({v}) AS v WHERE company_case_groups.company_id = ?1 AND company_case_groups.id = v.id"
        ),
        &[Arg::Int(company), numbers_arg(&grown)],
    )?;
    // The batch's own cases were written with the new reach; the older ones
    // change only when the reach points do (they stop at 6 posts).
    let reach = |n: i64| priority(Severity::Info, n, 0).score;
    let moved: Vec<i64> = growth
        .iter()
        .filter(|(_, gr)| gr.before > 0 && reach(gr.before) != reach(gr.size()))
        .map(|(&g, _)| g)
        .collect();
    if moved.is_empty() {
        return Ok(());
    }
    let (within, groups) = in_ids(db, 2, &moved);
    let mut updates: Vec<Vec<i64>> = Vec::new();
    let mut bad = None;
    db.each(
        &format!(
            "SELECT id, severity, earlier_cases, priority, group_id FROM company_cases
             WHERE company_id = ?1 AND group_id {within} AND status IN {OPEN}"
        ),
        &[Arg::Int(company), groups],
        &mut |r| match r[1].text().parse::<Severity>() {
            Ok(sev) => {
                let p = priority(sev, growth[&r[4].int()].size(), r[2].int()).score;
                if p != r[3].int() {
                    updates.push(vec![r[0].int(), p]);
                }
            }
            Err(e) => bad = Some(e),
        },
    )?;
    if let Some(e) = bad {
        return Err(Error::Damaged(e));
    }
    if !updates.is_empty() {
        let v = numbers(db, 2, &["id", "priority"]);
        db.exec(
            &format!(
                "UPDATE company_cases SET priority = v.priority FROM ({v}) AS v
                 WHERE company_cases.company_id = ?1 AND company_cases.id = v.id"
            ),
            &[Arg::Int(company), numbers_arg(&updates)],
        )?;
    }
    Ok(())
}

/// Rows of whole numbers sent as one JSON parameter numbered `n`
/// (`[[1, 2], [3, 4]]`), read back as a table with these columns: one
/// statement of fixed text for any number of rows.
fn numbers(db: &dyn Db, n: usize, columns: &[&str]) -> String {
    let cols: Vec<String> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if db.postgres() {
                format!("CAST(v->>{i} AS BIGINT) AS {c}")
            } else {
                format!("value->>{i} AS {c}")
            }
        })
        .collect();
    if db.postgres() {
        format!(
            "SELECT {} FROM jsonb_array_elements(CAST(CAST(?{n} AS TEXT) AS JSONB)) AS v",
            cols.join(", ")
        )
    } else {
        format!("SELECT {} FROM json_each(?{n})", cols.join(", "))
    }
}

fn numbers_arg(rows: &[Vec<i64>]) -> Arg<'static> {
    Arg::Text(serde_json::to_string(rows).expect("numbers serialise"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_for_key_pairs() {
        assert_eq!(
            pairs(2, 2),
            "(CAST(?2 AS BIGINT), CAST(?3 AS BIGINT)), (CAST(?4 AS BIGINT), CAST(?5 AS BIGINT))"
        );
    }
}

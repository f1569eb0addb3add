//! Ingest: a feed's posts into the store, attributed by handle to the
//! distributor on the roster (or kept as unattributed). Idempotent by
//! network and post key: a post seen again with the same text adds nothing,
//! with an edited text it gets a new version (numbered from 1; the post's
//! `version` is the current one). One transaction per file; rows are
//! written in batches (one lookup, one multi-row insert of posts, one of
//! versions per batch), which is what makes a million-post feed quick.
//! Every new version is queued for the scan workers in the same transaction.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::io::Read;

use serde::{Deserialize, Serialize};
use tactful_store::people::Db;
use tactful_store::{Arg, StoreError};

use crate::feed::{Feed, FeedPost, Format};
use crate::{Actor, Error, Problem};

/// How ingest writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Posts looked up and written per statement. 1 is the per-row path
    /// (kept as the bench's baseline).
    pub batch: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options { batch: 1000 }
    }
}

/// Problems kept in a summary; the count goes on past it.
const PROBLEMS_KEPT: usize = 1000;

/// What an ingest did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct IngestSummary {
    pub file: String,
    /// Rows read (posts and skipped rows).
    pub read: u64,
    /// Posts seen for the first time.
    pub added: u64,
    /// Posts seen before, with a text they did not have: a new version.
    pub new_versions: u64,
    /// Posts seen before with the same text.
    pub unchanged: u64,
    /// Rows whose author is on no distributor's roster entry.
    pub unattributed: u64,
    pub skipped: u64,
    /// The first skipped rows, each named.
    pub problems: Vec<Problem>,
}

/// A post of the feed, ready to write.
struct Pending {
    post: FeedPost,
    hash: String,
    distributor: Option<String>,
}

/// What the store holds for a post key.
struct Known {
    id: i64,
    version: i64,
    hash: String,
    distributor: Option<String>,
}

/// The hash that tells two texts of a post apart: 128 bits of SHA-256.
pub fn text_hash(text: &str) -> String {
    crate::sha256_hex(&[text.as_bytes()], 16)
}

/// Ingest one feed file. A file that cannot be read at all changes nothing;
/// a bad row is skipped and named in the summary.
pub fn ingest(
    db: &mut dyn Db,
    actor: &Actor,
    file: &str,
    reader: impl Read,
    format: Format,
    options: Options,
) -> Result<IngestSummary, Error> {
    let mut feed = Feed::open(file, reader, format)?;
    ingest_rows(db, actor, file, &mut || feed.next_post(), options, None)
}

/// The next row of a source of posts: none at its end, a skipped row as a
/// [`Problem`], a source that cannot be read further as an error.
pub type NextRow<'a> = dyn FnMut() -> Result<Option<Result<FeedPost, Problem>>, Error> + 'a;

/// Ingest the rows `next` gives, named `file`, in one transaction: a feed,
/// or a distributor's own export (`owner`: every post is theirs, whatever
/// handle it carries).
pub fn ingest_rows(
    db: &mut dyn Db,
    actor: &Actor,
    file: &str,
    next: &mut NextRow<'_>,
    options: Options,
    owner: Option<&str>,
) -> Result<IngestSummary, Error> {
    // The last line read, to say where a failing store stopped us.
    let mut at_line = 0;
    let done = crate::transaction(db, actor.company, |db| {
        let owners = handle_owners(db, actor.company)?;
        if let Some(d) = owner {
            let known = db.rows(
                "SELECT 1 FROM company_distributors WHERE company_id = ?1 AND id = ?2",
                &[Arg::Int(actor.company), Arg::Text(d.to_string())],
            )?;
            if known.is_empty() {
                return Err(Error::UnknownDistributor(d.to_string()));
            }
        }
        let mut s = IngestSummary { file: file.to_string(), ..IngestSummary::default() };
        let mut batch: Vec<Pending> = Vec::with_capacity(options.batch);
        let mut keys: HashSet<(&'static str, String)> = HashSet::new();
        while let Some(row) = next()? {
            s.read += 1;
            at_line = match &row {
                Ok(p) => p.line,
                Err(p) => p.line,
            };
            let post = match row {
                Ok(p) => p,
                Err(p) => {
                    s.skipped += 1;
                    if s.problems.len() < PROBLEMS_KEPT {
                        s.problems.push(p);
                    }
                    continue;
                }
            };
            // The same post twice in one batch: write the first before looking the second up.
            if !keys.insert((post.network, post.key.clone())) {
                flush(db, actor, file, &mut batch, &mut s)?;
                keys.clear();
                keys.insert((post.network, post.key.clone()));
            }
            let distributor = match owner {
                Some(d) => Some(d.to_string()),
                None => owners.get(&(post.network, post.author.clone())).cloned(),
            };
            batch.push(Pending { hash: text_hash(&post.text), post, distributor });
            if batch.len() >= options.batch.max(1) {
                flush(db, actor, file, &mut batch, &mut s)?;
                keys.clear();
            }
        }
        flush(db, actor, file, &mut batch, &mut s)?;
        if s.added + s.new_versions > 0 {
            let mut after = serde_json::json!({
                "read": s.read, "added": s.added, "new_versions": s.new_versions, "unchanged": s.unchanged,
                "unattributed": s.unattributed, "skipped": s.skipped,
            });
            if let Some(d) = owner {
                after["distributor"] = serde_json::json!(d);
            }
            crate::audit::append(db, actor, "feed.ingest", &format!("feed:{file}"), None, Some(&after))?;
        }
        Ok(s)
    });
    done.map_err(|e| match e {
        Error::Store(e) => {
            Error::Interrupted { file: file.to_string(), line: at_line, message: e.to_string() }
        }
        e => e,
    })
}

/// (network, handle) → distributor id, for the whole roster: one query per file.
fn handle_owners(
    db: &mut dyn Db,
    company: i64,
) -> Result<HashMap<(&'static str, String), String>, StoreError> {
    let mut out = HashMap::new();
    db.each(
        "SELECT network, handle, distributor_id FROM company_handles WHERE company_id = ?1",
        &[Arg::Int(company)],
        &mut |r| {
            if let Some(n) = crate::handle::network(&r[0].text()) {
                out.insert((n, r[1].take_text()), r[2].take_text());
            }
        },
    )?;
    Ok(out)
}

fn flush(
    db: &mut dyn Db,
    actor: &Actor,
    file: &str,
    batch: &mut Vec<Pending>,
    s: &mut IngestSummary,
) -> Result<(), StoreError> {
    if batch.is_empty() {
        return Ok(());
    }
    let c = actor.company;
    let rows = batch.len();
    // 1. What the store already has for these keys: the keys as a VALUES
    // list, each matched on every column of the unique index. On PostgreSQL
    // through LATERAL, which makes it probe the index once per key: a table
    // filled in this very transaction has no statistics, and both
    // `post_key IN (…)` and a plain join were planned as scans of the whole
    // company (10k posts/s by a million posts, 28k by 200k).
    let mut args = Vec::with_capacity(1 + 2 * rows);
    args.push(Arg::Int(c));
    let mut keys = String::with_capacity(rows * 12);
    for (i, p) in batch.iter().enumerate() {
        let _ = write!(keys, "{}(?{}, ?{})", if i == 0 { "" } else { ", " }, 2 * i + 2, 2 * i + 3);
        args.push(Arg::Static(p.post.network));
        args.push(Arg::Text(p.post.key.clone()));
    }
    let mut known: HashMap<(String, String), Known> = HashMap::new();
    let sql = if db.postgres() {
        format!(
            "SELECT p.network, p.post_key, p.id, p.version, p.text_hash, p.distributor_id
             FROM (VALUES {keys}) AS k CROSS JOIN LATERAL (SELECT * FROM company_posts p
               WHERE p.company_id = ?1 AND p.post_key = k.column2 AND p.network = k.column1 LIMIT 1) AS p"
        )
    } else {
        format!(
            "SELECT p.network, p.post_key, p.id, p.version, p.text_hash, p.distributor_id
             FROM (VALUES {keys}) AS k
             JOIN company_posts p ON p.company_id = ?1 AND p.post_key = k.column2 AND p.network = k.column1"
        )
    };
    db.each(&sql, &args, &mut |r| {
        let k = (r[0].take_text(), r[1].take_text());
        known.insert(
            k,
            Known {
                id: r[2].int(),
                version: r[3].int(),
                hash: r[4].take_text(),
                distributor: r[5].opt_text(),
            },
        );
    })?;
    // 2. New posts, new versions, the same again.
    let mut fresh = Vec::new();
    let mut versions: Vec<(i64, i64, Pending)> = Vec::new();
    for p in batch.drain(..) {
        match known.get(&(p.post.network.to_string(), p.post.key.clone())) {
            None => {
                s.added += 1;
                s.unattributed += u64::from(p.distributor.is_none());
                fresh.push(p);
            }
            Some(k) => {
                s.unattributed += u64::from(k.distributor.is_none());
                if k.hash == p.hash {
                    s.unchanged += 1;
                } else {
                    s.new_versions += 1;
                    // The version belongs to the post's distributor, as attributed when it was first seen.
                    let p = Pending { distributor: k.distributor.clone(), ..p };
                    versions.push((k.id, k.version + 1, p));
                }
            }
        }
    }
    // 3. Insert the new posts, learning their ids.
    let mut ids: HashMap<(String, String), i64> = HashMap::with_capacity(fresh.len());
    if !fresh.is_empty() {
        let mut args = Vec::with_capacity(fresh.len() * 12);
        for p in &fresh {
            args.extend([
                Arg::Int(c),
                Arg::Static(p.post.network),
                Arg::Text(p.post.key.clone()),
                Arg::OptText(p.post.post_id.clone()),
                Arg::OptText(p.post.url.clone()),
                Arg::Text(p.post.author.clone()),
                Arg::OptText(p.distributor.clone()),
                Arg::OptInt(p.post.posted_at),
                Arg::Int(1),
                Arg::Text(p.hash.clone()),
                Arg::Int(actor.at),
                Arg::Int(actor.at),
            ]);
        }
        crate::batch::insert_returning(
            db,
            "INSERT INTO company_posts (company_id, network, post_key, external_id, url, author_handle, distributor_id, posted_at, version, text_hash, first_seen, last_changed)",
            12,
            &args,
            "RETURNING network, post_key, id",
            rows,
            &mut |r| {
                ids.insert((r[0].take_text(), r[1].take_text()), r[2].int());
            },
        )?;
    }
    // 4. The versions: version 1 of each new post, the next version of each edited one.
    let mut edited = Vec::with_capacity(versions.len());
    let mut args = Vec::with_capacity((fresh.len() + versions.len()) * 9);
    let all = fresh
        .into_iter()
        .map(|p| (ids.get(&(p.post.network.to_string(), p.post.key.clone())).copied().unwrap_or(0), 1, p))
        .chain(versions.into_iter().inspect(|(id, v, p)| edited.push((*id, *v, p.hash.clone()))));
    let mut queue = Vec::with_capacity(rows * 4);
    for (id, version, p) in all {
        queue.extend([Arg::Int(c), Arg::Int(id), Arg::Int(version), Arg::Int(actor.at)]);
        args.extend([
            Arg::Int(c),
            Arg::Int(id),
            Arg::Int(version),
            Arg::OptText(p.distributor),
            Arg::Text(p.post.text),
            Arg::Text(p.hash),
            Arg::Int(actor.at),
            Arg::Text(file.to_string()),
            Arg::Int(p.post.line as i64),
        ]);
    }
    crate::batch::insert(
        db,
        "INSERT INTO company_post_versions (company_id, post_id, version, distributor_id, text, text_hash, seen_at, source_file, source_line)",
        9,
        &args,
        "",
        rows,
    )?;
    // 5. Every new version waits for a scan worker, queued in this same transaction.
    crate::batch::insert(
        db,
        "INSERT INTO company_scan_queue (company_id, post_id, version, queued_at)",
        4,
        &queue,
        "",
        rows,
    )?;
    // 6. Edited posts point at their new version (edits are few: one statement each).
    for (id, version, hash) in edited {
        db.exec(
            "UPDATE company_posts SET version = ?1, text_hash = ?2, last_changed = ?3 WHERE company_id = ?4 AND id = ?5",
            &[Arg::Int(version), Arg::Text(hash), Arg::Int(actor.at), Arg::Int(c), Arg::Int(id)],
        )?;
    }
    Ok(())
}

/// A post as stored, with its current text (read from the columns of [`posts`], in order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Post {
    pub id: i64,
    pub network: String,
    pub key: String,
    pub post_id: Option<String>,
    pub url: Option<String>,
    pub author: String,
    pub distributor: Option<String>,
    pub posted_at: Option<i64>,
    /// The current version's number (1 for a post never edited).
    pub version: i64,
    pub text: String,
}

/// One text a post has had (read from the columns of [`versions`], in order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostVersion {
    pub version: i64,
    pub text: String,
    /// When tactful first saw this text (Unix seconds).
    pub seen_at: i64,
    pub source_file: String,
    pub source_line: i64,
}

/// The company's posts with their current text, by id; those of one
/// distributor when `distributor` is given.
pub fn posts(db: &mut dyn Db, company: i64, distributor: Option<&str>) -> Result<Vec<Post>, Error> {
    let mut sql = String::from(
        "SELECT p.id, p.network, p.post_key, p.external_id, p.url, p.author_handle, p.distributor_id, p.posted_at, p.version, v.text
         FROM company_posts p JOIN company_post_versions v
           ON v.company_id = p.company_id AND v.post_id = p.id AND v.version = p.version
         WHERE p.company_id = ?1",
    );
    let mut args = vec![Arg::Int(company)];
    if let Some(d) = distributor {
        sql.push_str(" AND p.distributor_id = ?2");
        args.push(Arg::Text(d.to_string()));
    }
    sql.push_str(" ORDER BY p.id");
    crate::records(db, &sql, &args)
}

/// Every text a post has had, oldest first.
pub fn versions(db: &mut dyn Db, company: i64, post: i64) -> Result<Vec<PostVersion>, Error> {
    crate::records(
        db,
        "SELECT version, text, seen_at, source_file, source_line FROM company_post_versions
         WHERE company_id = ?1 AND post_id = ?2 ORDER BY version",
        &[Arg::Int(company), Arg::Int(post)],
    )
}

/// A handle that posted but is on no distributor's roster entry (read from
/// the columns of [`unattributed`], in order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unattributed {
    pub network: String,
    pub handle: String,
    pub posts: i64,
    /// When tactful first and last saw a post of theirs (Unix seconds).
    pub first_seen: i64,
    pub last_seen: i64,
    /// One of their posts' URLs, to look them up.
    pub example_url: Option<String>,
}

/// The unattributed handles, most posts first.
pub fn unattributed(db: &mut dyn Db, company: i64) -> Result<Vec<Unattributed>, Error> {
    crate::records(
        db,
        "SELECT network, author_handle, COUNT(*), MIN(first_seen), MAX(last_changed), MAX(url)
         FROM company_posts WHERE company_id = ?1 AND distributor_id IS NULL
         GROUP BY network, author_handle ORDER BY COUNT(*) DESC, network, author_handle",
        &[Arg::Int(company)],
    )
}

//! A distributor's own platform export (the download Facebook, Instagram, X
//! or LinkedIn gives them, or a generic CSV/JSONL), read by the seller-side
//! importers: the posts they wrote become feed posts attributed to them,
//! whatever handle the export names. Comments, messages, reactions and
//! connections are not the company's business and are left out (counted).
//! Ingested as a feed is: one transaction, idempotent, edits as versions.

use std::path::Path;

use serde::Serialize;
use tactful_core::history::{ItemKind, Record};
use tactful_import::{ImportError, source};
use tactful_store::people::Db;

use crate::feed::FeedPost;
use crate::ingest::{IngestSummary, Options};
use crate::{Actor, Error, Problem, handle};

/// What an export ingest did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportSummary {
    /// The format the importers found (`instagram`, `facebook`, …).
    pub format: String,
    /// The distributor's own posts, as ingested.
    pub posts: IngestSummary,
    /// Other records of the export, left out (comments, messages, …).
    pub left_out: u64,
    /// Files or records of the export the importer could not read, named.
    pub unreadable: Vec<String>,
}

fn import_error(file: &str, e: &ImportError) -> Error {
    match e {
        ImportError::Io { .. } => Error::Read { file: file.to_string(), message: e.to_string() },
        _ => Error::Format { file: file.to_string(), message: e.to_string() },
    }
}

/// A post of the export as a feed row: keyed by the platform's id, else by
/// the item's fingerprint (the same post in a later export is the same key).
fn feed_post(file: &str, line: u64, item: tactful_core::history::Item) -> Result<FeedPost, Problem> {
    let network = handle::network(item.network.as_str()).ok_or_else(|| {
        Problem::new(
            file,
            line,
            "network",
            "facebook, instagram, x, linkedin or tiktok",
            item.network.as_str(),
        )
    })?;
    let key = match handle::post_key(item.external_id.as_deref(), None) {
        Some(k) => k,
        None => {
            use std::fmt::Write as _;
            item.fingerprint().iter().fold(String::from("export:"), |mut k, b| {
                let _ = write!(k, "{b:02x}");
                k
            })
        }
    };
    let author = handle::normalise(network, &item.author.handle)
        .unwrap_or_else(|_| item.author.handle.trim().to_lowercase());
    Ok(FeedPost {
        line,
        network,
        key,
        post_id: item.external_id,
        url: None,
        author,
        posted_at: Some(item.at),
        text: item.text,
    })
}

/// Ingest `distributor`'s own export at `path` (a folder or a zip), of
/// `format` (none: told from the names of its files, as `tactful import` does).
pub fn ingest_export(
    db: &mut dyn Db,
    actor: &Actor,
    distributor: &str,
    path: &Path,
    format: Option<tactful_import::Format>,
    options: Options,
) -> Result<ExportSummary, Error> {
    let file = path.display().to_string();
    let mut src = source::open(path, source::Limits::default()).map_err(|e| import_error(&file, &e))?;
    let format = format.or_else(|| tactful_import::detect(src.entries())).ok_or_else(|| Error::Format {
        file: file.clone(),
        message: format!(
            "no known export format found: expected {}; give --format to say which",
            tactful_import::detect::KNOWN
        ),
    })?;
    // Own posts are few beside messages and comments: read them all first,
    // so a broken export changes nothing and the store's transaction is short.
    let mut posts = Vec::new();
    let mut left_out = 0u64;
    let mut emit = |r: Record| -> Result<(), ImportError> {
        match r {
            Record::Item(i) if i.kind == ItemKind::Post && i.by_owner => posts.push(i),
            Record::Item(_) => left_out += 1,
            Record::Owner { .. } => {}
        }
        Ok(())
    };
    let opts = tactful_import::Options::default();
    let skipped =
        tactful_import::run(format, src.as_mut(), &opts, &mut emit).map_err(|e| import_error(&file, &e))?;
    let mut rows = posts.into_iter().enumerate().map(|(i, item)| feed_post(&file, i as u64 + 1, item));
    let posts =
        crate::ingest::ingest_rows(db, actor, &file, &mut || Ok(rows.next()), options, Some(distributor))?;
    Ok(ExportSummary {
        format: format.as_str().to_string(),
        posts,
        left_out,
        unreadable: skipped.iter().map(|s| format!("{}:{}: {}", s.file, s.position, s.reason)).collect(),
    })
}

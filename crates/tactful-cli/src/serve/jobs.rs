//! Imports started from the web: they run on their own thread, one at a time
//! (one writer to the store), and the import page follows their progress.
//! A job keeps a short account of itself: a failure quotes at most
//! `EXCERPT` characters of the file, and only the last `KEPT` finished jobs
//! are remembered.

use serde_json::{Value, json};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

#[derive(Clone)]
pub struct Job {
    pub id: u64,
    /// `waiting`, `running`, `done` or `failed`.
    pub state: &'static str,
    pub file: String,
    pub records: u64,
    pub done: f64,
    pub started: Instant,
    pub summary: Option<Value>,
    pub error: Option<String>,
}

impl Job {
    pub fn to_json(&self) -> Value {
        let secs = self.started.elapsed().as_secs_f64();
        // Time left from the share of the export read so far, as the terminal shows it.
        let left = (self.state == "running" && self.done > 0.01)
            .then(|| (secs * (1.0 - self.done) / self.done).round() as u64);
        json!({
            "id": self.id, "state": self.state, "file": self.file, "records": self.records,
            "percent": (self.done * 100.0).round() as u64, "seconds_left": left,
            "summary": self.summary, "error": self.error,
        })
    }
}

/// The most of an export's own text an error quotes.
pub const EXCERPT: usize = 200;
/// Finished jobs remembered (the oldest are forgotten first).
const KEPT: usize = 100;

#[derive(Default)]
pub struct Jobs {
    next: AtomicU64,
    /// Names uploads apart in the uploads folder.
    uploads: AtomicU64,
    all: Mutex<HashMap<u64, Job>>,
    /// Held while an import writes: a second import waits its turn.
    writing: Mutex<()>,
}

/// What to import: a path on this machine, or an uploaded file to delete afterwards.
pub struct Order {
    pub path: PathBuf,
    pub display: String,
    pub uploaded: bool,
    pub format: Option<tactful_import::Format>,
    pub owner: Option<String>,
    pub network: Option<tactful_core::history::Network>,
}

impl Jobs {
    /// A number for the next uploaded file, unique in this run.
    pub fn next_upload(&self) -> u64 {
        self.uploads.fetch_add(1, Ordering::Relaxed) + 1
    }

    pub fn get(&self, id: u64) -> Option<Job> {
        self.all.lock().expect("jobs lock").get(&id).cloned()
    }

    /// Imports waiting or running.
    pub fn unfinished(&self) -> usize {
        self.all
            .lock()
            .expect("jobs lock")
            .values()
            .filter(|j| matches!(j.state, "waiting" | "running"))
            .count()
    }

    fn update(&self, id: u64, f: impl FnOnce(&mut Job)) {
        if let Some(j) = self.all.lock().expect("jobs lock").get_mut(&id) {
            f(j);
        }
    }

    /// Start an import on its own thread; returns the job id at once.
    pub fn start(app: super::Shared, order: Order) -> u64 {
        let id = app.jobs.next.fetch_add(1, Ordering::Relaxed) + 1;
        let job = Job {
            id,
            state: "waiting",
            file: order.display.clone(),
            records: 0,
            done: 0.0,
            started: Instant::now(),
            summary: None,
            error: None,
        };
        {
            let mut all = app.jobs.all.lock().expect("jobs lock");
            let mut done: Vec<u64> =
                all.values().filter(|j| matches!(j.state, "done" | "failed")).map(|j| j.id).collect();
            if done.len() >= KEPT {
                done.sort_unstable();
                for old in &done[..=done.len() - KEPT] {
                    all.remove(old);
                }
            }
            all.insert(id, job);
        }
        std::thread::spawn(move || {
            let result = {
                let _turn = app.jobs.writing.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                app.jobs.update(id, |j| {
                    j.state = "running";
                    j.started = Instant::now();
                });
                run(&app, id, &order)
            };
            if order.uploaded {
                let _ = std::fs::remove_file(&order.path);
            }
            app.jobs.update(id, |j| match result {
                Ok(summary) => {
                    j.state = "done";
                    j.done = 1.0;
                    j.summary = Some(summary);
                }
                Err(e) => {
                    j.state = "failed";
                    // The uploaded file's temp name means nothing to the user.
                    j.error = Some(seller_words(&brief(
                        &format!("{e:#}").replace(&order.path.display().to_string(), &order.display),
                    )));
                }
            });
        });
        id
    }
}

/// The words of the command line, put as a seller reads them on the page:
/// no flag names and no zip jargon (the CLI keeps its technical detail).
pub fn seller_words(message: &str) -> String {
    const SAID: [(&str, &str); 5] = [
        ("; use --format to say which", ": is this the export file just as the network gave it?"),
        (" (--strict refuses an export with one)", ""),
        ("\n(without --strict, a file that cannot be read is skipped and the rest imported)", ""),
        ("run again with --owner ", "import again with your handle set to "),
        ("set with --owner", "the handle you typed"),
    ];
    let mut out = message.to_string();
    for (cli, page) in SAID {
        out = out.replace(cli, page);
    }
    // A zip cut short (still downloading, or damaged) is named by its missing end record.
    if let Some(i) = out.find("expected a zip archive, found something else (invalid Zip archive") {
        let end = out[i..].find(')').map_or(out.len(), |j| i + j + 1);
        out.replace_range(
            i..end,
            "this is not a whole .zip file (it may still be downloading, or it was damaged): download the export again",
        );
    }
    out
}

/// An import's error as the job keeps it: what the file held (after
/// `found `) cut to `EXCERPT` characters, each line to 1,000, at most 10 lines.
pub fn brief(error: &str) -> String {
    const MARK: &str = ", found ";
    let mut lines: Vec<String> = Vec::new();
    for line in error.lines().take(10) {
        let line = match line.find(MARK) {
            Some(i) => {
                let (head, quoted) = line.split_at(i + MARK.len());
                format!("{head}{}", super::html::cut(quoted, EXCERPT))
            }
            None => line.to_string(),
        };
        lines.push(super::html::cut(&line, 1000));
    }
    if error.lines().nth(10).is_some() {
        lines.push("…".into());
    }
    lines.join("\n")
}

fn run(app: &super::App, id: u64, order: &Order) -> anyhow::Result<Value> {
    let mut store = crate::store::open(app.db.as_deref())?;
    let paths = [order.path.clone()];
    let req = crate::import::Request {
        paths: &paths,
        format: order.format,
        owner: order.owner.as_deref(),
        network: order.network,
    };
    let started = Instant::now();
    let tally = crate::import::import_into(store.as_mut(), &req, &mut |p| {
        app.jobs.update(id, |j| {
            j.records = p.records;
            j.done = p.done;
        });
    })?;
    let keys: std::collections::BTreeSet<_> = tally.new.keys().chain(tally.old.keys()).collect();
    let rows: Vec<Value> = keys
        .into_iter()
        .map(|k| json!({"network": k.0, "kind": k.1, "new": tally.new.get(k).copied().unwrap_or(0), "already_there": tally.old.get(k).copied().unwrap_or(0)}))
        .collect();
    let mut skipped: std::collections::BTreeMap<&str, (u64, String)> = std::collections::BTreeMap::new();
    for s in &tally.skipped {
        let e = skipped.entry(s.reason.as_str()).or_insert((0, format!("{}:{}", s.file, s.position)));
        e.0 += 1;
    }
    let mut owners = tally.owners.clone();
    owners.sort();
    owners.dedup();
    Ok(json!({
        "store": store.location(),
        "seconds": (started.elapsed().as_secs_f64() * 10.0).round() / 10.0,
        "records": tally.records,
        "new": tally.new.values().sum::<u64>(),
        "already_there": tally.old.values().sum::<u64>(),
        "rows": rows,
        "you": owners.iter().map(|(n, h)| json!({"network": n, "handle": h})).collect::<Vec<_>>(),
        "skipped": skipped.iter().map(|(r, (n, eg))| json!({"reason": seller_words(r), "count": n, "example": eg})).collect::<Vec<_>>(),
        "notes": tally.notes.iter().map(|n| seller_words(n)).collect::<Vec<_>>(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_says_what_the_command_line_says_in_a_sellers_words() {
        let zip = "bad.zip:start: expected a zip archive, found something else (invalid Zip archive: Could not find EOCD)\nnothing was imported; the store is unchanged";
        let said = seller_words(zip);
        assert!(!said.contains("EOCD") && said.contains("download the export again"), "{said}");
        assert!(said.starts_with("bad.zip:start: ") && said.ends_with("the store is unchanged"), "{said}");
        let owner = "this export names ann as you on instagram, but the store already has bo; kept bo (run again with --owner \"ann\" if that is you)";
        assert!(!seller_words(owner).contains("--"), "{}", seller_words(owner));
        let format = "x: no known export format found: expected a Facebook export; use --format to say which";
        assert!(!seller_words(format).contains("--format"), "{}", seller_words(format));
    }

    #[test]
    fn an_error_quotes_at_most_a_short_excerpt_of_the_file() {
        let header = "x".repeat(50_000_000);
        let e = format!(
            "passwd:line 1 (header): expected a `kind` column, found the columns {header}\nnothing was imported; the store is unchanged"
        );
        let b = brief(&e);
        assert!(b.len() < 600, "{} bytes", b.len());
        assert!(
            b.starts_with("passwd:line 1 (header): expected a `kind` column, found the columns xxx"),
            "{b}"
        );
        assert!(b.ends_with("…\nnothing was imported; the store is unchanged"), "{b}");
        let short =
            "a.jsonl:line 2: expected a JSON object, found `{`\nnothing was imported; the store is unchanged";
        assert_eq!(brief(short), short);
    }
}

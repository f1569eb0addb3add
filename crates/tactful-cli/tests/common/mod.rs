//! Shared by the CLI's integration tests: run the real binary, read its
//! output, make a fresh scratch folder.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The moment every test runs at (the day the demo history was written for):
/// tests never read the wall clock, so they pass on any day.
pub const NOW: &str = "2026-11-21T09:00:00Z";

/// `tactful` with colour off, the clock at `NOW`, no store URL from the
/// environment, and no context model (a model installed on this machine
/// must not change what the tests see; `tests/context.rs` sets its own).
pub fn command() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tactful"));
    c.env("NO_COLOR", "1")
        .env("TACTFUL_NOW", NOW)
        .env("TACTFUL_CONTEXT_MODEL", "off")
        .env_remove("TACTFUL_DATABASE_URL");
    c
}

/// Run `tactful` with `args` (see `command`).
pub fn tactful(args: &[&str]) -> Output {
    command().args(args).output().unwrap()
}

/// Standard output and standard error, together.
pub fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// An empty folder of our own under the system's temp folder.
pub fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("tactful-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A scratch folder `name` and the path of the store `file` in it, as `--db` takes it.
pub fn store(name: &str, file: &str) -> (PathBuf, String) {
    let dir = scratch(name);
    let db = dir.join(file).to_str().unwrap().to_string();
    (dir, db)
}

/// A scratch folder `name` holding `history.jsonl` with `lines`, and the
/// path of a store `store.db` beside it: the folder, the store and the file.
pub fn history(name: &str, lines: &str) -> (PathBuf, String, String) {
    let (dir, db) = store(name, "store.db");
    let file = dir.join("history.jsonl");
    std::fs::write(&file, lines).unwrap();
    let file = file.to_str().unwrap().to_string();
    (dir, db, file)
}

/// A scratch folder `name` whose `demo.db` holds the demo history: the folder and the store.
pub fn demo(name: &str) -> (PathBuf, String) {
    let (dir, db) = store(name, "demo.db");
    let o = tactful(&["demo", "--db", &db]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    (dir, db)
}

/// A scratch folder `name` whose `store.db` holds the export at `path`,
/// imported with exit 0: the folder and the store.
pub fn imported(name: &str, path: &Path) -> (PathBuf, String) {
    assert!(path.exists(), "sample {} is listed in MANIFEST.md but missing", path.display());
    let (dir, db) = store(name, "store.db");
    let o = tactful(&["import", "--db", &db, path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}: {}", path.display(), text(&o));
    (dir, db)
}

/// Run `tactful` with `args`, feeding `stdin` (or nothing) on standard input.
pub fn tactful_in(args: &[&str], stdin: Option<&[u8]>) -> Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = command()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run tactful");
    {
        let mut sin = child.stdin.take().unwrap();
        if let Some(data) = stdin {
            sin.write_all(data).unwrap();
        }
    }
    child.wait_with_output().unwrap()
}

/// Standard output alone, and standard error alone.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The rule codes of a list of findings as JSON (a draft's `findings`), in order.
pub fn codes(findings: &serde_json::Value) -> Vec<String> {
    findings.as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap().to_string()).collect()
}

/// Write `bytes` to a file named `name` in a scratch folder of `group`; returns its path.
pub fn file(group: &str, name: &str, bytes: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("tactful-cli-{}-{group}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p.to_string_lossy().into_owned()
}

/// The real export samples in `../shared/data/exports`, or `None` (said on
/// stderr) when they are not there; under CI their absence fails the test.
pub fn shared_exports() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/exports");
    if root.is_dir() {
        return Some(root);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "../shared/data is missing: under CI it must sit beside the repository (this test does not skip there)"
    );
    eprintln!("SKIPPED: ../shared/data not found ({})", root.display());
    None
}

/// The port in the first line `tactful serve` prints ("… running at http://127.0.0.1:PORT/ …").
pub fn port_in(first_line: &str) -> u16 {
    first_line
        .split("http://127.0.0.1:")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no URL in {first_line:?}"))
}

/// `tactful report` over the days `from` to `to`, written to `out`.
pub fn report_between(db: &str, from: &str, to: &str, out: &Path) -> Output {
    tactful(&["report", "--db", db, "--from", from, "--to", to, "--out", out.to_str().unwrap()])
}

/// `tactful consent add`: `person` opted in to `purpose` by `source`, as
/// `evidence` says, in the item `item` when given.
pub fn consent_add(
    db: &str,
    person: &str,
    purpose: &str,
    source: &str,
    evidence: &str,
    item: Option<&str>,
) -> Output {
    let mut args = vec![
        "consent",
        "add",
        person,
        "--db",
        db,
        "--purpose",
        purpose,
        "--source",
        source,
        "--evidence",
        evidence,
    ];
    args.extend(item.into_iter().flat_map(|id| ["--item", id]));
    tactful(&args)
}

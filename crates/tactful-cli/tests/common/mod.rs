//! Shared by the CLI's integration tests: run the real binary, read its
//! output, make a fresh scratch folder.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};

/// The moment every test runs at (the day the demo history was written for):
/// tests never read the wall clock, so they pass on any day.
pub const NOW: &str = "2026-11-21T09:00:00Z";

/// `tactful` with colour off, the clock at `NOW`, and no store URL from the environment.
pub fn command() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tactful"));
    c.env("NO_COLOR", "1").env("TACTFUL_NOW", NOW).env_remove("TACTFUL_DATABASE_URL");
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

/// Write `bytes` to a file named `name` in a scratch folder of `group`; returns its path.
pub fn file(group: &str, name: &str, bytes: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("tactful-cli-{}-{group}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p.to_string_lossy().into_owned()
}

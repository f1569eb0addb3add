//! Shared by the CLI's integration tests: run the real binary, read its
//! output, make a fresh scratch folder.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};

/// Run `tactful` with `args`, colour off, never reading a store URL from the environment.
pub fn tactful(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tactful")).args(args).env("NO_COLOR", "1").env_remove("TACTFUL_DATABASE_URL").output().unwrap()
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

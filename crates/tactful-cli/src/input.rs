//! Reading drafts and packs from files and stdin, with errors that name the
//! file and the position. A UTF-8 byte-order mark at the start is dropped.

use anyhow::{Context, Result, bail};
use std::io::Read;
use std::path::Path;

/// Read a whole file ("-" is stdin) as UTF-8 text.
pub fn read_text(path: &str) -> Result<String> {
    let bytes = read_bytes(path)?;
    utf8(path, bytes)
}

pub fn read_bytes(path: &str) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    if path == "-" {
        std::io::stdin().read_to_end(&mut bytes).context("cannot read standard input")?;
    } else {
        if Path::new(path).is_dir() {
            bail!("{path}: is a folder, expected a text file");
        }
        bytes = std::fs::read(path).with_context(|| format!("{path}: cannot read the file"))?;
    }
    Ok(bytes)
}

/// Decode UTF-8, naming the byte and line of the first invalid sequence. A
/// byte-order mark (Windows editors write one) is dropped: left in, it made
/// the first line of a JSONL file invalid JSON.
pub fn utf8(name: &str, bytes: Vec<u8>) -> Result<String> {
    let mut text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        anyhow::anyhow!("{name}: invalid UTF-8 at byte {at} (line {line}): expected UTF-8 text")
    })?;
    if text.starts_with('\u{feff}') {
        text.replace_range(..'\u{feff}'.len_utf8(), "");
    }
    Ok(text)
}

/// A display name for a path: "stdin" for "-".
pub fn display(path: &str) -> &str {
    if path == "-" { "stdin" } else { path }
}

/// Read company packs named on the command line as (name, source) pairs.
pub fn read_packs(paths: &[String]) -> Result<Vec<(String, String)>> {
    paths.iter().map(|p| Ok((p.clone(), read_text(p)?))).collect()
}

/// Build the engine: built-in packs, then the given company packs.
pub fn engine(packs: &[String]) -> Result<tactful_core::Engine> {
    let extra = read_packs(packs)?;
    tactful_packs::engine_with(&extra).map_err(|e| crate::UsageError(format!("malformed pack: {e}")).into())
}

/// The one checker, with the built-in packs and the given company packs.
pub fn checker(packs: &[String]) -> Result<tactful_app::Checker> {
    Ok(tactful_app::Checker::with_packs(&read_packs(packs)?)?)
}

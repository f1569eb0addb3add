//! Reading drafts and packs from files and stdin, with errors that name the
//! file and the position. A UTF-8 byte-order mark at the start is dropped.

use anyhow::{Context, Result, bail};
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
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

/// One JSONL line's object: its fields in the order written, kept as
/// serde_json's `Map` keeps them (a field given twice keeps its first place
/// and its last value), so it is written back the same. Without the map's
/// hash table: built and dropped for every line of a bulk check, it cost
/// more than it saved on a handful of fields.
pub struct Fields(Vec<(String, Value)>);

impl Fields {
    /// The line's object, or what is wrong with the line.
    pub fn parse(line: &str) -> Result<Fields, String> {
        serde_json::from_str(line).map_err(|_| match serde_json::from_str::<Value>(line) {
            Ok(_) => "expected a JSON object with a `text` field".into(),
            Err(e) => format!("not valid JSON ({e}): expected a JSON object with a `text` field"),
        })
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Set a field: in its place if the line has it, else at the end.
    pub fn insert(&mut self, key: &str, value: Value) {
        match self.0.iter_mut().find(|(k, _)| k == key) {
            Some((_, v)) => *v = value,
            None => self.0.push((key.to_string(), value)),
        }
    }
}

impl Serialize for Fields {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Fields {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Object;
        impl<'de> Visitor<'de> for Object {
            type Value = Fields;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields, A::Error> {
                let mut fields = Fields(Vec::with_capacity(map.size_hint().unwrap_or(8)));
                // A line of thousands of keys finds its repeats through an
                // index, not by walking the fields for each key.
                let mut index: Option<std::collections::HashMap<String, usize>> = None;
                while let Some((k, v)) = map.next_entry::<String, Value>()? {
                    if index.is_none() && fields.0.len() >= 32 {
                        index = Some(fields.0.iter().enumerate().map(|(i, (k, _))| (k.clone(), i)).collect());
                    }
                    match &mut index {
                        None => fields.insert(&k, v),
                        Some(index) => match index.get(&k) {
                            Some(&i) => fields.0[i].1 = v,
                            None => {
                                index.insert(k.clone(), fields.0.len());
                                fields.0.push((k, v));
                            }
                        },
                    }
                }
                Ok(fields)
            }
        }
        deserializer.deserialize_map(Object)
    }
}

/// Bulk mode, one JSON object a line: every non-empty line of the files
/// ("-" is stdin; none at all, stdin) goes to `each`, which gives the object to
/// write to stdout or a message saying what is wrong with the line. A bad line
/// is reported on stderr with its file and line and skipped, and so is a line
/// that is not UTF-8; a byte-order mark before the first line is dropped.
/// Returns how many lines were skipped (said on stderr when there were any);
/// an input without a single line is a usage error.
pub fn each_jsonl_line(
    files: &[String],
    mut each: impl FnMut(&str) -> Result<Fields, String>,
) -> Result<usize> {
    let paths: Vec<String> = if files.is_empty() { vec!["-".into()] } else { files.to_vec() };
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let (mut bad, mut seen) = (0usize, 0usize);
    for path in &paths {
        let name = display(path);
        let reader: Box<dyn Read> = if path == "-" {
            Box::new(std::io::stdin())
        } else {
            if Path::new(path).is_dir() {
                bail!(crate::UsageError(format!("{path}: is a folder, expected a JSONL file")));
            }
            Box::new(
                std::fs::File::open(path)
                    .map_err(|e| anyhow::anyhow!("{name}: cannot read the file: {e}"))?,
            )
        };
        let mut reader = BufReader::with_capacity(1 << 16, reader);
        let mut buf = Vec::new();
        let mut line_no = 0usize;
        loop {
            buf.clear();
            let n = reader
                .read_until(b'\n', &mut buf)
                .map_err(|e| anyhow::anyhow!("{name}: cannot read: {e}"))?;
            if n == 0 {
                break;
            }
            line_no += 1;
            let Ok(line) = std::str::from_utf8(&buf) else {
                eprintln!(
                    "tactful: {name}:{line_no}: invalid UTF-8: expected a JSON object with a `text` field"
                );
                bad += 1;
                continue;
            };
            // A byte-order mark that an editor put before the first line is not part of it.
            let line = if line_no == 1 { line.trim_start_matches('\u{feff}') } else { line }.trim();
            if line.is_empty() {
                continue;
            }
            seen += 1;
            match each(line) {
                Ok(obj) => {
                    serde_json::to_writer(&mut out, &obj)?;
                    out.write_all(b"\n")?;
                }
                Err(msg) => {
                    eprintln!("tactful: {name}:{line_no}: {msg}");
                    bad += 1;
                }
            }
        }
    }
    out.flush()?;
    if seen == 0 && bad == 0 {
        bail!(crate::UsageError("the input is empty: expected JSON lines with a `text` field".into()));
    }
    if bad > 0 {
        eprintln!("tactful: {bad} line(s) skipped");
    }
    Ok(bad)
}

#[cfg(test)]
mod tests {
    use super::Fields;

    /// A line comes back with its fields in the order written; a repeated
    /// field keeps its first place and its last value, as serde_json's map
    /// did, with a few fields and with many (where an index finds repeats).
    #[test]
    fn a_line_keeps_its_fields_in_order() {
        let mut f = Fields::parse(r#"{"b":1,"text":"hi","a":2,"b":3}"#).unwrap();
        f.insert("findings", serde_json::json!([]));
        assert_eq!(serde_json::to_string(&f).unwrap(), r#"{"b":3,"text":"hi","a":2,"findings":[]}"#);

        let many: Vec<String> = (0..40).map(|i| format!("\"k{i}\":{i}")).collect();
        let line = format!("{{{},\"k5\":\"again\",\"k39\":null}}", many.join(","));
        let f = Fields::parse(&line).unwrap();
        let back: serde_json::Value = serde_json::from_str(&serde_json::to_string(&f).unwrap()).unwrap();
        let want: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(back, want);
        assert_eq!(serde_json::to_string(&back).unwrap(), serde_json::to_string(&want).unwrap());
        assert_eq!(f.get("k5"), Some(&serde_json::json!("again")));
    }

    #[test]
    fn a_line_that_is_not_an_object_says_so() {
        assert_eq!(Fields::parse("[1]").err().unwrap(), "expected a JSON object with a `text` field");
        assert!(Fields::parse("{").err().unwrap().starts_with("not valid JSON"));
    }
}

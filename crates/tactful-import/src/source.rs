//! An export as a set of named files: a folder on disk or a zip archive.
//!
//! Safety first, because exports come from the internet: zip entries with
//! absolute paths or `..` are refused (`./` is fine), the total decompressed
//! size and the compression ratio, of each entry and of the archive as a
//! whole, are capped (zip bombs), and symbolic links are never followed, in
//! folders or in archives: they are left out and listed ([`ExportSource::left_out`]),
//! for the importer to name in its summary (or refuse, strict).

use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Component, Path, PathBuf};

use crate::{ImportError, Skip};

/// Caps on what a zip may expand to.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Total decompressed bytes across all entries.
    pub max_total: u64,
    /// Largest allowed ratio of decompressed to compressed size, for one
    /// entry (to its compressed size) and for the whole archive (to the
    /// archive file's size: 8,000 entries of 1 MiB each once made 7.8 GiB
    /// out of 9.5 MB, each entry within the cap on its own).
    pub max_ratio: u64,
}

/// Below this many decompressed bytes, a ratio says nothing (a tiny file of
/// one repeated byte compresses very well and harms no one).
const RATIO_FLOOR: u64 = 1 << 20;

impl Default for Limits {
    fn default() -> Self {
        Limits { max_total: 8 << 30, max_ratio: 200 }
    }
}

/// A readable export.
pub trait ExportSource {
    /// A name for messages (the path given by the user).
    fn name(&self) -> &str;
    /// Relative paths of every file, with `/` separators, sorted.
    fn entries(&self) -> &[String];
    /// Open one entry for reading.
    fn open(&mut self, entry: &str) -> Result<Box<dyn Read + '_>, ImportError>;
    /// Bytes in all entries (decompressed), for progress and time left.
    fn total_size(&self) -> u64;
    /// What the source left out of [`entries`](ExportSource::entries) and why
    /// (a symbolic link), each a whole-file [`Skip`].
    fn left_out(&self) -> &[Skip] {
        &[]
    }
}

/// A link left out: never followed, it could point anywhere on the machine.
fn link(file: String) -> Skip {
    Skip {
        file,
        position: String::new(),
        reason: "a symbolic link: links are never followed (copy the file it points to into the export)"
            .into(),
        whole_file: true,
    }
}

/// Open a path: a folder, a zip, or a single file (a one-entry source).
pub fn open(path: &Path, limits: Limits) -> Result<Box<dyn ExportSource>, ImportError> {
    let name = path.display().to_string();
    let meta = std::fs::symlink_metadata(path)
        .map_err(|e| ImportError::Io { path: name.clone(), message: format!("cannot read: {e}") })?;
    if meta.file_type().is_symlink() {
        return Err(ImportError::Unsafe {
            path: name,
            message: "is a symbolic link: give the real path".into(),
        });
    }
    if meta.is_dir() {
        return Ok(Box::new(Folder::new(path)?));
    }
    let mut magic = [0u8; 4];
    let n = File::open(path)
        .and_then(|mut f| f.read(&mut magic))
        .map_err(|e| ImportError::Io { path: name.clone(), message: format!("cannot read: {e}") })?;
    if n == 4 && &magic == b"PK\x03\x04" || path.extension().is_some_and(|e| e.eq_ignore_ascii_case("zip")) {
        return Ok(Box::new(Zip::new(path, limits)?));
    }
    Ok(Box::new(Listed {
        name,
        entries: vec![file_name(path)],
        size: meta.len(),
        links: Vec::new(),
        files: SingleFile { path: path.to_path_buf() },
    }))
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

/// A lone .csv or .jsonl file: its one entry is the file, whatever the name asked.
struct SingleFile {
    path: PathBuf,
}

impl OpenEntry for SingleFile {
    fn open_entry(&mut self, name: &str, _entry: &str) -> Result<Box<dyn Read + '_>, ImportError> {
        buffered(&self.path, name)
    }
}

/// A file opened for reading, buffered; `shown` names it in the error.
fn buffered(path: &Path, shown: &str) -> Result<Box<dyn Read + 'static>, ImportError> {
    let f = File::open(path)
        .map_err(|e| ImportError::Io { path: shown.to_string(), message: format!("cannot read: {e}") })?;
    Ok(Box::new(BufReader::with_capacity(1 << 16, f)))
}

/// A file, a folder or a zip, listed when it was opened; `files` opens its entries.
struct Listed<O> {
    name: String,
    entries: Vec<String>,
    size: u64,
    links: Vec<Skip>,
    files: O,
}

/// How a [`Listed`] source opens one of its entries (`name` is the
/// source's, for messages).
trait OpenEntry {
    fn open_entry(&mut self, name: &str, entry: &str) -> Result<Box<dyn Read + '_>, ImportError>;
}

impl<O: OpenEntry> ExportSource for Listed<O> {
    fn name(&self) -> &str {
        &self.name
    }
    fn total_size(&self) -> u64 {
        self.size
    }
    fn entries(&self) -> &[String] {
        &self.entries
    }
    fn left_out(&self) -> &[Skip] {
        &self.links
    }
    fn open(&mut self, entry: &str) -> Result<Box<dyn Read + '_>, ImportError> {
        self.files.open_entry(&self.name, entry)
    }
}

struct Folder {
    root: PathBuf,
}

impl Folder {
    fn new(root: &Path) -> Result<Listed<Folder>, ImportError> {
        let name = root.display().to_string();
        let mut entries = Vec::new();
        let mut links = Vec::new();
        let mut size = 0u64;
        let mut stack = vec![root.to_path_buf()];
        let relative = |p: &Path| {
            p.strip_prefix(root).map(|p| p.to_string_lossy().replace('\\', "/")).unwrap_or_default()
        };
        while let Some(dir) = stack.pop() {
            let rd = std::fs::read_dir(&dir).map_err(|e| ImportError::Io {
                path: dir.display().to_string(),
                message: format!("cannot list: {e}"),
            })?;
            for entry in rd {
                let entry = entry.map_err(|e| ImportError::Io {
                    path: dir.display().to_string(),
                    message: format!("cannot list: {e}"),
                })?;
                let ft = entry.file_type().map_err(|e| ImportError::Io {
                    path: entry.path().display().to_string(),
                    message: e.to_string(),
                })?;
                // Links are never followed: they could point anywhere on the machine.
                if ft.is_symlink() {
                    links.push(link(relative(&entry.path())));
                } else if ft.is_dir() {
                    stack.push(entry.path());
                } else if ft.is_file() {
                    size += entry.metadata().map_or(0, |m| m.len());
                    entries.push(relative(&entry.path()));
                }
            }
        }
        if entries.is_empty() {
            return Err(ImportError::Unknown { path: name, expected: empty("a folder", &links) });
        }
        entries.sort();
        links.sort_by(|a, b| a.file.cmp(&b.file));
        Ok(Listed { name, entries, size, links, files: Folder { root: root.to_path_buf() } })
    }
}

/// What an empty folder or zip was expected to hold, and the links it held instead.
fn empty(what: &str, links: &[Skip]) -> String {
    let mut s = format!("{what} holding an export's files, but it is empty");
    if !links.is_empty() {
        let _ = write!(s, " but for {} symbolic link(s), which are never followed", links.len());
    }
    s
}

impl OpenEntry for Folder {
    fn open_entry(&mut self, _name: &str, entry: &str) -> Result<Box<dyn Read + '_>, ImportError> {
        let p = self.root.join(entry);
        buffered(&p, &p.display().to_string())
    }
}

struct Zip {
    archive: zip::ZipArchive<BufReader<File>>,
    index: std::collections::HashMap<String, usize>,
}

impl Zip {
    fn new(path: &Path, limits: Limits) -> Result<Listed<Zip>, ImportError> {
        let name = path.display().to_string();
        let f = File::open(path)
            .map_err(|e| ImportError::Io { path: name.clone(), message: format!("cannot read: {e}") })?;
        let packed_total = f.metadata().map_or(0, |m| m.len()).max(1);
        let mut archive = zip::ZipArchive::new(BufReader::new(f)).map_err(|e| {
            ImportError::format(&name, "start", "a zip archive", format!("something else ({e})"))
        })?;
        let mut entries = Vec::new();
        let mut links = Vec::new();
        let mut index = std::collections::HashMap::new();
        let mut total: u64 = 0;
        for i in 0..archive.len() {
            let file = archive.by_index_raw(i).map_err(|e| {
                ImportError::format(&name, format!("entry {i}"), "a readable zip entry", e.to_string())
            })?;
            let raw = file
                .name()
                .map_err(|e| {
                    ImportError::format(
                        &name,
                        format!("entry {i}"),
                        "a zip entry with a UTF-8 name",
                        e.to_string(),
                    )
                })?
                .to_string();
            if file.is_dir() {
                continue;
            }
            // `./data/tweets.js` is `data/tweets.js`; `..`, a root or a drive go outside.
            let safe =
                Path::new(&raw).components().all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
                    && !raw.contains('\\');
            if !safe {
                return Err(ImportError::Unsafe {
                    path: format!("{name}!{raw}"),
                    message: "has an absolute path or `..`: refused (path traversal)".into(),
                });
            }
            let clean: String =
                raw.split('/').filter(|c| !c.is_empty() && *c != ".").collect::<Vec<_>>().join("/");
            if file.is_symlink() {
                links.push(link(clean));
                continue;
            }
            let size = file.size();
            let packed = file.compressed_size().max(1);
            if size / packed > limits.max_ratio && size > 1 << 20 {
                return Err(ImportError::Unsafe {
                    path: format!("{name}!{raw}"),
                    message: format!(
                        "expands {}x (more than {}x): refused as a likely zip bomb",
                        size / packed,
                        limits.max_ratio
                    ),
                });
            }
            total = total.saturating_add(size);
            if total > limits.max_total {
                return Err(ImportError::Unsafe {
                    path: name.clone(),
                    message: format!("expands to more than {} bytes: refused", limits.max_total),
                });
            }
            // Many entries each small enough can still make a bomb together.
            if total / packed_total > limits.max_ratio && total > RATIO_FLOOR {
                return Err(ImportError::Unsafe {
                    path: name.clone(),
                    message: format!(
                        "expands to at least {total} bytes from {packed_total} ({}x, more than {}x for the \
                         archive as a whole): refused as a likely zip bomb",
                        total / packed_total,
                        limits.max_ratio
                    ),
                });
            }
            if index.contains_key(&clean) {
                // `a.json` and `./a.json`: the same file twice.
                links.push(Skip {
                    file: raw,
                    position: String::new(),
                    reason: format!("the same file as `{clean}`, which is read instead"),
                    whole_file: true,
                });
                continue;
            }
            index.insert(clean.clone(), i);
            entries.push(clean);
        }
        if entries.is_empty() {
            return Err(ImportError::Unknown { path: name, expected: empty("a zip", &links) });
        }
        entries.sort();
        links.sort_by(|a, b| a.file.cmp(&b.file));
        Ok(Listed { name, entries, size: total, links, files: Zip { archive, index } })
    }
}

impl OpenEntry for Zip {
    fn open_entry(&mut self, name: &str, entry: &str) -> Result<Box<dyn Read + '_>, ImportError> {
        let i = *self.index.get(entry).ok_or_else(|| ImportError::Io {
            path: format!("{name}!{entry}"),
            message: "no such entry".into(),
        })?;
        let declared = self.archive.by_index_raw(i).map_or(0, |f| f.size());
        let file = self
            .archive
            .by_index(i)
            .map_err(|e| ImportError::format(name, entry, "a readable zip entry", e.to_string()))?;
        // Never read past the declared size, whatever the stream claims.
        Ok(Box::new(BufReader::with_capacity(1 << 16, file.take(declared))))
    }
}

/// Wraps a source and counts the bytes read through it, for progress.
pub struct Metered<'s> {
    inner: &'s mut dyn ExportSource,
    read: std::rc::Rc<std::cell::Cell<u64>>,
}

impl<'s> Metered<'s> {
    pub fn new(inner: &'s mut dyn ExportSource) -> (Metered<'s>, std::rc::Rc<std::cell::Cell<u64>>) {
        let read = std::rc::Rc::new(std::cell::Cell::new(0));
        (Metered { inner, read: read.clone() }, read)
    }
}

struct Counting<R> {
    inner: R,
    read: std::rc::Rc<std::cell::Cell<u64>>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.set(self.read.get() + n as u64);
        Ok(n)
    }
}

impl ExportSource for Metered<'_> {
    fn name(&self) -> &str {
        self.inner.name()
    }
    fn entries(&self) -> &[String] {
        self.inner.entries()
    }
    fn open(&mut self, entry: &str) -> Result<Box<dyn Read + '_>, ImportError> {
        let read = self.read.clone();
        let inner = self.inner.open(entry)?;
        Ok(Box::new(Counting { inner, read }))
    }
    fn total_size(&self) -> u64 {
        self.inner.total_size()
    }
    fn left_out(&self) -> &[Skip] {
        self.inner.left_out()
    }
}

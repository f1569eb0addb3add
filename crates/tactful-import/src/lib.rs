//! tactful-import: reads the data exports people can download from Facebook,
//! Instagram, X and LinkedIn (and plain CSV/JSONL) and turns them into
//! [`Record`]s, one at a time, without holding the export in memory.
//!
//! Boundary: this crate reads files (a folder or a zip, via [`source`]) and
//! knows the formats; it never touches the store. The caller passes a sink
//! (`emit`) that receives each record; returning an error from the sink stops
//! the import. Bad input is expected, not exceptional: a file that cannot be
//! read as its format says is an [`ImportError`] naming the file, the position
//! and what was expected; a record that can be skipped safely is reported in
//! the [`Skipped`] list instead. One bad file does not sink an export: unless
//! [`Options::strict`] is set, it is skipped whole and listed (see [`files`]);
//! only an export none of whose files can be read is an error.
//!
//! Every record passes the caps of [`caps`] (a name of 1 MiB copied into
//! every record of a thread is refused with its file, not stored).

pub mod caps;
pub mod detect;
pub mod files;
pub mod source;
pub mod testing;
pub mod util;

pub mod facebook;
pub mod generic;
pub mod instagram;
pub mod linkedin;
pub mod twitter;

use tactful_core::history::{Network, Person, Record};

pub use detect::{Format, detect};
pub use source::ExportSource;

/// Why an export could not be imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{path}: {message}")]
    Io { path: String, message: String },
    #[error("{file}:{position}: expected {expected}, found {found}")]
    Format { file: String, position: String, expected: String, found: String },
    #[error("{path}: {message}")]
    Unsafe { path: String, message: String },
    #[error("{path}: no known export format found: expected {expected}")]
    Unknown { path: String, expected: String },
    /// The sink refused a record (for example the store failed).
    #[error("{0}")]
    Sink(String),
    /// Not one file of the export could be read (the first error, and how many more).
    #[error("{first}\n(and {more} more files of the export could not be read either)")]
    Unreadable { first: Box<ImportError>, more: usize },
}

impl ImportError {
    pub fn format(
        file: &str,
        position: impl Into<String>,
        expected: impl Into<String>,
        found: impl Into<String>,
    ) -> Self {
        ImportError::Format {
            file: file.to_string(),
            position: position.into(),
            expected: expected.into(),
            found: found.into(),
        }
    }

    /// Where in its file the error is (empty when it is about the whole file)
    /// and what went wrong, without the file's name: for the summary's list of
    /// skipped files.
    pub fn position_and_reason(&self) -> (String, String) {
        match self {
            ImportError::Format { position, expected, found, .. } => {
                (position.clone(), format!("expected {expected}, found {found}"))
            }
            ImportError::Io { message, .. } | ImportError::Unsafe { message, .. } => {
                (String::new(), message.clone())
            }
            ImportError::Unknown { expected, .. } => (String::new(), format!("expected {expected}")),
            ImportError::Sink(m) => (String::new(), m.clone()),
            ImportError::Unreadable { first, .. } => first.position_and_reason(),
        }
    }
}

/// A record left out, and why (for the summary).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skip {
    pub file: String,
    pub position: String,
    pub reason: String,
    /// The whole file was left out (it could not be read, or is a link), not
    /// one record of it: the summary lists these files one by one.
    pub whole_file: bool,
}

impl Skip {
    /// A whole file left out because of `error`.
    pub fn file(file: &str, error: &ImportError) -> Skip {
        let (position, reason) = error.position_and_reason();
        Skip { file: file.to_string(), position, reason, whole_file: true }
    }

    /// One record of `file`, at `position`, left out because of `reason`.
    pub fn record(file: &str, position: impl Into<String>, reason: impl Into<String>) -> Skip {
        Skip { file: file.to_string(), position: position.into(), reason: reason.into(), whole_file: false }
    }
}

/// What an importer left out.
pub type Skipped = Vec<Skip>;

/// Options the user can set.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Who owns the account, when the export does not say (or says it wrongly).
    pub owner: Option<Person>,
    /// The network for generic CSV/JSONL files without a `network` column.
    pub network: Option<Network>,
    /// All or nothing: the first file that cannot be read (or a link in the
    /// export) stops the import, instead of being skipped and listed.
    pub strict: bool,
}

/// The sink that receives records.
pub type Emit<'a> = dyn FnMut(Record) -> Result<(), ImportError> + 'a;

/// Import everything `format` knows from `src`, sending each record to `emit`
/// once it has passed the [`caps`]. The links the source left out are skipped
/// files (or, strict, an error).
pub fn run(
    format: Format,
    src: &mut dyn ExportSource,
    opts: &Options,
    emit: &mut Emit<'_>,
) -> Result<Skipped, ImportError> {
    let left_out = src.left_out().to_vec();
    if opts.strict {
        if let Some(s) = left_out.first() {
            return Err(ImportError::Unsafe {
                path: format!("{}: {}", src.name(), s.file),
                message: format!("{} (--strict refuses an export with one)", s.reason),
            });
        }
    }
    let mut checked = |r: Record| {
        caps::check(&r)?;
        emit(r)
    };
    let mut skipped = match format {
        Format::Facebook => facebook::import(src, opts, &mut checked),
        Format::Instagram => instagram::import(src, opts, &mut checked),
        Format::X => twitter::import(src, opts, &mut checked),
        Format::LinkedIn => linkedin::import(src, opts, &mut checked),
        Format::Csv | Format::Jsonl => generic::import(format, src, opts, &mut checked),
    }?;
    skipped.splice(0..0, left_out);
    Ok(skipped)
}

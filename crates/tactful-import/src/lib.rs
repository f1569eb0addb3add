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
//! the [`Skipped`] list instead.

pub mod detect;
pub mod source;
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
}

/// A record left out, and why (for the summary).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skip {
    pub file: String,
    pub position: String,
    pub reason: String,
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
}

/// The sink that receives records.
pub type Emit<'a> = dyn FnMut(Record) -> Result<(), ImportError> + 'a;

/// Import everything `format` knows from `src`, sending each record to `emit`.
pub fn run(
    format: Format,
    src: &mut dyn ExportSource,
    opts: &Options,
    emit: &mut Emit<'_>,
) -> Result<Skipped, ImportError> {
    match format {
        Format::Facebook => facebook::import(src, opts, emit),
        Format::Instagram => instagram::import(src, opts, emit),
        Format::X => twitter::import(src, opts, emit),
        Format::LinkedIn => linkedin::import(src, opts, emit),
        Format::Csv | Format::Jsonl => generic::import(format, src, opts, emit),
    }
}

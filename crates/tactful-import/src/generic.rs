//! Importer for generic exports. Not built yet: being written.

use crate::{Emit, ExportSource, ImportError, Options, Skipped};

pub fn import(_format: crate::Format, src: &mut dyn ExportSource, _opts: &Options, _emit: &mut Emit<'_>) -> Result<Skipped, ImportError> {
    Err(ImportError::Unknown { path: src.name().to_string(), expected: "an importer for this format, which is not built yet".into() })
}

//! What the importer tests share: where the fixtures and the real samples are,
//! scratch exports, running an importer to a list of records, and picking the
//! records apart. Each test file uses a part of it.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tactful_core::history::{Item, ItemKind, Network, Person, Record};
use tactful_import::{Emit, ExportSource, Format, ImportError, Options, Skipped, source};

/// What an import gave: the records, in order, and what it skipped.
pub type Imported = (Vec<Record>, Skipped);

/// A file or folder under `tests/fixtures/<network>`.
pub fn fixture(network: &str, name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(network).join(name)
}

/// A fresh folder holding `files` (paths may name sub-folders), unique to this
/// test binary and `name`.
pub fn scratch(name: &str, files: &[(&str, &[u8])]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tactful-import-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for (path, bytes) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    dir
}

/// The real samples at `../shared/data/<under>`, or `None` (said on stderr)
/// when they are not there; under CI their absence fails the test.
pub fn shared(under: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data").join(under);
    if p.is_dir() {
        Some(p)
    } else {
        assert!(
            std::env::var_os("CI").is_none(),
            "../shared/data is missing: under CI it must sit beside the repository (this test does not skip there)"
        );
        eprintln!("SKIPPED: ../shared/data not found (looked for {})", p.display());
        None
    }
}

/// Import every sample folder under `../shared/data/<under>` (there must be
/// at least `at_least`, each recognised as `format`) with the default
/// options, and `check` each: its folder, what it gave, and the number of
/// items of a kind. The samples' folder, for spot checks, or `None` when the
/// data is missing (see [`shared`]).
pub fn each_shared_sample(
    under: &str,
    at_least: usize,
    format: Format,
    mut check: impl FnMut(&Path, &Imported, &dyn Fn(&str) -> usize),
) -> Option<PathBuf> {
    let root = shared(under)?;
    let mut seen = 0;
    for entry in std::fs::read_dir(&root).unwrap() {
        let dir = entry.unwrap().path();
        let imported = import_recognised_as(&dir, format, &Options::default())
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        seen += 1;
        let c = counts(&imported.0);
        check(&dir, &imported, &|k| c.get(k).copied().unwrap_or(0));
        eprintln!("{}: {c:?}, skipped {}", dir.file_name().unwrap().to_string_lossy(), imported.1.len());
    }
    assert!(seen >= at_least, "expected {at_least} samples under {under}, found {seen}");
    Some(root)
}

/// Opens `path` and runs `importer` over it, keeping every record.
pub fn import_with(
    path: &Path,
    opts: &Options,
    importer: impl FnOnce(&mut dyn ExportSource, &Options, &mut Emit<'_>) -> Result<Skipped, ImportError>,
) -> Result<Imported, ImportError> {
    let mut src = source::open(path, source::Limits::default())?;
    let mut records = Vec::new();
    let skipped = importer(src.as_mut(), opts, &mut |r| {
        records.push(r);
        Ok(())
    })?;
    Ok((records, skipped))
}

/// Imports `path` as `format`, through [`tactful_import::run`] as the binary does.
pub fn import_as(path: &Path, format: Format, opts: &Options) -> Result<Imported, ImportError> {
    import_with(path, opts, |src, opts, emit| tactful_import::run(format, src, opts, emit))
}

/// Imports `path` as the format it is recognised as.
pub fn import_detected(path: &Path, opts: &Options) -> Result<Imported, ImportError> {
    let src = source::open(path, source::Limits::default())?;
    let format = tactful_import::detect(src.entries())
        .unwrap_or_else(|| panic!("{}: not recognised as an export", path.display()));
    import_as(path, format, opts)
}

/// Imports `path`, which must be recognised as `format`.
pub fn import_recognised_as(path: &Path, format: Format, opts: &Options) -> Result<Imported, ImportError> {
    let src = source::open(path, source::Limits::default())?;
    assert_eq!(tactful_import::detect(src.entries()), Some(format), "{}", path.display());
    import_as(path, format, opts)
}

/// The error importing a scratch export of `files` as `format` gives, as text.
pub fn import_error(format: Format, name: &str, files: &[(&str, &[u8])]) -> String {
    let dir = scratch(name, files);
    let err = import_recognised_as(&dir, format, &Options::default()).unwrap_err().to_string();
    std::fs::remove_dir_all(dir).ok();
    err
}

/// A bad file, alone in an export: the scratch folder's name, the file's
/// path and bytes, how the import's error starts, and a part of it that says
/// what was wrong ("" when the start says it all).
pub type BadFile<'a> = (&'a str, &'a str, &'a [u8], &'a str, &'a str);

/// Each of `cases` stops an import as `format` with the error it says.
pub fn assert_errors(format: Format, cases: &[BadFile<'_>]) {
    for &(name, file, body, starts, says) in cases {
        let err = import_error(format, name, &[(file, body)]);
        assert!(err.starts_with(starts) && err.contains(says), "{name}: {err}");
    }
}

/// The items among the records, in order.
pub fn items(records: &[Record]) -> Vec<&Item> {
    records.iter().filter_map(|r| if let Record::Item(i) = r { Some(i) } else { None }).collect()
}

/// The items of one kind, in order.
pub fn items_of(records: &[Record], kind: ItemKind) -> Vec<&Item> {
    items(records).into_iter().filter(|i| i.kind == kind).collect()
}

/// Every owner the records name, with its network.
pub fn owners(records: &[Record]) -> Vec<(Network, &Person)> {
    records
        .iter()
        .filter_map(|r| {
            if let Record::Owner { person, network, .. } = r { Some((*network, person)) } else { None }
        })
        .collect()
}

/// The owners named for `network`; an owner of another network fails the test.
pub fn owners_on(records: &[Record], network: Network) -> Vec<&Person> {
    owners(records)
        .into_iter()
        .map(|(n, person)| {
            assert_eq!(n, network);
            person
        })
        .collect()
}

/// How many items of each kind.
pub fn counts(records: &[Record]) -> BTreeMap<&'static str, usize> {
    let mut m = BTreeMap::new();
    for i in items(records) {
        *m.entry(i.kind.as_str()).or_default() += 1;
    }
    m
}

pub fn handles(people: &[Person]) -> Vec<&str> {
    people.iter().map(|p| p.handle.as_str()).collect()
}

/// Importing twice gives the same fingerprints, and no two items share one.
pub fn assert_fingerprints_stable_and_distinct(exports: &[&str], import: impl Fn(&str) -> Vec<Record>) {
    let fp = |records: &[Record]| items(records).iter().map(|i| i.fingerprint()).collect::<Vec<_>>();
    for label in exports {
        let a = fp(&import(label));
        assert_eq!(a, fp(&import(label)), "{label}");
        let mut unique = a.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), a.len(), "{label}: two different items share a fingerprint");
    }
}

/// Connections as the tests compare them: the other person's handle,
/// whether the owner made it, and how the export said so.
pub fn described<'a>(connections: &[&'a Item]) -> Vec<(&'a str, bool, &'a str)> {
    connections.iter().map(|c| (c.author.handle.as_str(), c.by_owner, c.text.as_str())).collect()
}

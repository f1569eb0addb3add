//! An export read one file at a time, so that one bad file does not sink it.
//!
//! A real Instagram export once held one object where a list was expected, and
//! the whole import stopped. Now each importer reads its files through
//! [`Files::read`]: a file that cannot be read (a syntax error, an unexpected
//! shape, a record over the [`caps`](crate::caps)) is skipped whole, and named
//! with the reason in the [`Skipped`] list, while the other files go in. Whole
//! means nothing of it is kept: its records are held back until its end, and
//! dropped if it fails. Strict (all or nothing, [`crate::Options::strict`]),
//! or when there is only one file to read, the first error stops the import
//! as it always did. An export none of whose files could be read is an error.

use std::collections::HashSet;

use tactful_core::history::{Network, Person, Record, SourceRef};

use crate::{Emit, ExportSource, ImportError, Options, Skip, Skipped, caps};

/// The records held back for one file, in bytes (roughly): past this, they go
/// on, and an error later in the same file stops the import (as strict would)
/// rather than leave half the file in.
const MAX_HELD: usize = 64 << 20;

/// Where an importer's reading goes: the records it makes, to the sink, and
/// the ones it leaves out, to the summary's list. Every importer's functions
/// take this one value rather than the two apart.
pub struct Out<'o, 'e> {
    emit: &'o mut Emit<'e>,
    skipped: &'o mut Skipped,
}

impl<'o, 'e> Out<'o, 'e> {
    pub fn new(emit: &'o mut Emit<'e>, skipped: &'o mut Skipped) -> Self {
        Out { emit, skipped }
    }

    /// Send one record on; an error from the sink stops the import.
    pub fn emit(&mut self, record: Record) -> Result<(), ImportError> {
        (self.emit)(record)
    }

    /// Send on who owns the account, and where the export says so.
    pub fn owner(
        &mut self,
        network: Network,
        person: &Person,
        source: &SourceRef,
    ) -> Result<(), ImportError> {
        self.emit(Record::Owner { network, person: person.clone(), source: source.clone() })
    }

    /// Leave one record (or file) out, with its reason.
    pub fn skip(&mut self, skip: Skip) {
        self.skipped.push(skip);
    }
}

/// An export being read: its files, what the user said, and which files have
/// been read or skipped so far. The importers' functions take this one value
/// rather than the three apart.
pub struct Export<'a> {
    pub src: &'a mut dyn ExportSource,
    pub opts: &'a Options,
    pub guard: Files,
}

impl<'a> Export<'a> {
    /// `count`: how many files the importer means to read (see [`Files::new`]).
    pub fn new(src: &'a mut dyn ExportSource, opts: &'a Options, count: usize) -> Self {
        Export { src, opts, guard: Files::new(opts.strict, count) }
    }

    /// Read the export with `read`, its records going to `emit`: what was
    /// skipped, or the error of an export none of whose files could be read.
    pub fn run(
        mut self,
        emit: &mut Emit<'_>,
        read: impl FnOnce(&mut Export<'a>, &mut Out) -> Result<(), ImportError>,
    ) -> Result<Skipped, ImportError> {
        let mut skipped = Skipped::new();
        read(&mut self, &mut Out::new(emit, &mut skipped))?;
        self.guard.finish()?;
        Ok(skipped)
    }
}

/// What an importer has read so far, file by file.
pub struct Files {
    strict: bool,
    /// Files read to their end (a file read twice, for the owner and then for
    /// its records, counts once: its last read decides).
    read: HashSet<String>,
    failed: HashSet<String>,
    errors: Vec<ImportError>,
}

impl Files {
    /// `count`: how many files the importer means to read. With one, skipping
    /// it would leave nothing, so its error is the import's error.
    pub fn new(strict: bool, count: usize) -> Files {
        Files {
            strict: strict || count <= 1,
            read: HashSet::new(),
            failed: HashSet::new(),
            errors: Vec::new(),
        }
    }

    /// Read one file with `read`, which sends its records and the records it
    /// skips to the [`Out`] it is given. Returns what `read` returned, or
    /// `None` when the file was skipped (now or before).
    pub fn read<T>(
        &mut self,
        file: &str,
        out: &mut Out,
        read: impl FnOnce(&mut Out) -> Result<T, ImportError>,
    ) -> Result<Option<T>, ImportError> {
        if self.failed.contains(file) {
            return Ok(None);
        }
        if self.strict {
            // The fields apart: the closure borrows the sink, the reader the list.
            let mut checked = |r: Record| {
                caps::check(&r)?;
                (out.emit)(r)
            };
            let value = read(&mut Out::new(&mut checked, out.skipped))?;
            self.read.insert(file.to_string());
            return Ok(Some(value));
        }
        let mut held: Vec<Record> = Vec::new();
        let mut weight = 0usize;
        let mut passed_on = false;
        let mut mine = Skipped::new();
        let result = read(&mut Out::new(
            &mut |r: Record| {
                caps::check(&r)?;
                if passed_on {
                    return (out.emit)(r);
                }
                weight += weight_of(&r);
                held.push(r);
                if weight > MAX_HELD {
                    passed_on = true;
                    for r in held.drain(..) {
                        (out.emit)(r)?;
                    }
                }
                Ok(())
            },
            &mut mine,
        ));
        match result {
            Ok(value) => {
                for r in held {
                    out.emit(r)?;
                }
                out.skipped.append(&mut mine);
                self.read.insert(file.to_string());
                Ok(Some(value))
            }
            Err(e @ ImportError::Sink(_)) => Err(e),
            // Part of the file is in already: it cannot be left out whole.
            Err(e) if passed_on => Err(e),
            Err(e) => {
                out.skip(Skip::file(file, &e));
                self.read.remove(file);
                self.failed.insert(file.to_string());
                self.errors.push(e);
                Ok(None)
            }
        }
    }

    /// Read one file for what it says (who the owner is) rather than for
    /// records; skipped like any other when it cannot be read.
    pub fn scan<T>(
        &mut self,
        file: &str,
        out: &mut Out,
        read: impl FnOnce() -> Result<T, ImportError>,
    ) -> Result<Option<T>, ImportError> {
        self.read(file, out, |_| read())
    }

    /// The end of the import: an error when files were skipped and none was read.
    pub fn finish(mut self) -> Result<(), ImportError> {
        if !self.read.is_empty() || self.errors.is_empty() {
            return Ok(());
        }
        let more = self.errors.len() - 1;
        let first = self.errors.swap_remove(0);
        Err(if more == 0 { first } else { ImportError::Unreadable { first: Box::new(first), more } })
    }
}

/// About how many bytes a record holds.
fn weight_of(r: &Record) -> usize {
    let person = |p: &Person| {
        p.handle.len()
            + p.name.as_ref().map_or(0, String::len)
            + p.profile_url.as_ref().map_or(0, String::len)
            + p.email.as_ref().map_or(0, String::len)
            + 96
    };
    match r {
        Record::Owner { person: p, .. } => person(p) + 64,
        Record::Item(i) => {
            i.text.len() + person(&i.author) + i.counterparts.iter().map(person).sum::<usize>() + 256
        }
    }
}

//! The writer of an import, written once over the SQL both backends speak
//! ([`Db`]): items (a fingerprint already stored adds nothing), owners, the
//! contact each new handle belongs to, and at commit the derived tables and
//! the counts per network and kind, all in the backend's one transaction.
//! Owns [`Import`] (the [`Writer`] of both backends) and [`Transaction`]
//! (what a backend gives it: its SQL inside one transaction, and the commit).

use std::collections::HashMap;

use tactful_core::history::{Network, Person, Record, SourceRef};

use crate::derived;
use crate::people::{Cell, Db, person_id};
use crate::query::{Arg, NewItems};
use crate::{Added, StoreError, Writer};

/// A backend's open transaction: the SQL of [`Db`] runs inside it, and
/// nothing is visible to others before `commit`. Dropped without `commit`,
/// it rolls back.
pub(crate) trait Transaction: Db {
    fn commit(self) -> Result<(), StoreError>;
}

const INSERT_ITEM: &str = "INSERT INTO stored_items (fingerprint, network, kind, external_id, author_id, by_owner, thread, parent, at, text, source_file, source_position)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) ON CONFLICT (fingerprint) DO NOTHING RETURNING id";
const INSERT_ITEM_PERSON: &str = "INSERT INTO item_people (item_id, seq, person_id) VALUES (?1, ?2, ?3)";
const INSERT_OWNER: &str =
    "INSERT INTO owners (network, handle, name, source_file, source_position) VALUES (?1, ?2, ?3, ?4, ?5)
     ON CONFLICT (network) DO NOTHING";
const REPLACE_OWNER: &str =
    "INSERT INTO owners (network, handle, name, source_file, source_position) VALUES (?1, ?2, ?3, ?4, ?5)
     ON CONFLICT (network) DO UPDATE SET handle = excluded.handle, name = excluded.name,
       source_file = excluded.source_file, source_position = excluded.source_position";
const FIND_HANDLE: &str = "SELECT contact_id FROM handles WHERE network = ?1 AND handle = ?2";
const SAME_PERSON: &str = "SELECT contact_id FROM handles WHERE (email IS NOT NULL AND email = ?1) OR (profile_url IS NOT NULL AND profile_url = ?2) LIMIT 1";
const INSERT_CONTACT: &str = "INSERT INTO contacts (display_name) VALUES (?1) RETURNING id";
const INSERT_HANDLE: &str = "INSERT INTO handles (network, handle, contact_id, name, profile_url, email) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

/// One import: the [`Writer`] of both backends, over the backend's
/// [`Transaction`].
pub(crate) struct Import<T> {
    tx: T,
    /// Handle → contact id, per network (indexed by `Network as usize`), so
    /// a known person costs one hash lookup, not a query.
    contacts: [HashMap<String, i64>; 5],
    /// The owner's handle per network: the owner is never a contact.
    owners: [Option<String>; 5],
    /// Handle → its row in `people`, per network: a person named in every
    /// message of a thread is stored once and referred to by id.
    people: [HashMap<String, i64>; 5],
    /// For the derived tables: what this import added (see `derived::Added`).
    added: derived::Added,
    new_items: NewItems,
}

/// The first cell of the first row, as an id.
fn first_id(rows: &[Vec<Cell>]) -> Option<i64> {
    rows.first().and_then(|r| r.first()).and_then(Cell::opt_int)
}

impl<T: Transaction> Import<T> {
    /// Start an import in `tx`; `owners` are the owners' handles stored so far.
    pub(crate) fn begin(mut tx: T, owners: Vec<(Network, String)>) -> Result<Import<T>, StoreError> {
        let mut by_network: [Option<String>; 5] = Default::default();
        for (n, h) in owners {
            by_network[n as usize] = Some(h);
        }
        let base = first_id(&tx.rows("SELECT COALESCE(MAX(id), 0) FROM stored_items", &[])?).unwrap_or(0);
        Ok(Import {
            tx,
            contacts: Default::default(),
            owners: by_network,
            people: Default::default(),
            added: derived::Added::after(base),
            new_items: NewItems::default(),
        })
    }

    /// Make sure a person named in a new item has a contact: their handle's,
    /// or (same email or profile URL) the contact of the same person on
    /// another network, or a new one.
    fn person(&mut self, network: Network, p: &Person) -> Result<(), StoreError> {
        if p.handle.is_empty()
            || self.contacts[network as usize].contains_key(p.handle.as_str())
            || self.owners[network as usize].as_deref() == Some(p.handle.as_str())
        {
            return Ok(());
        }
        let handle = || Arg::Str(&p.handle);
        let existing = first_id(&self.tx.rows(FIND_HANDLE, &[Arg::Static(network.as_str()), handle()])?);
        // The same person elsewhere: a handle on any network with the same
        // email or profile URL belongs to the same contact.
        let same_person = if existing.is_none() && (p.email.is_some() || p.profile_url.is_some()) {
            first_id(&self.tx.rows(
                SAME_PERSON,
                &[Arg::OptStr(p.email.as_deref()), Arg::OptStr(p.profile_url.as_deref())],
            )?)
        } else {
            None
        };
        let id = match existing {
            Some(id) => id,
            None => {
                let id = match same_person {
                    Some(id) => id,
                    None => {
                        let display = p.name.clone().unwrap_or_else(|| p.handle.clone());
                        first_id(&self.tx.rows(INSERT_CONTACT, &[Arg::Text(display)])?)
                            .expect("INSERT … RETURNING id gives the new id")
                    }
                };
                self.tx.exec(
                    INSERT_HANDLE,
                    &[
                        Arg::Static(network.as_str()),
                        handle(),
                        Arg::Int(id),
                        Arg::OptStr(p.name.as_deref()),
                        Arg::OptStr(p.profile_url.as_deref()),
                        Arg::OptStr(p.email.as_deref()),
                    ],
                )?;
                id
            }
        };
        self.contacts[network as usize].insert(p.handle.clone(), id);
        Ok(())
    }

    fn owner_args<'a>(network: Network, person: &'a Person, source: &'a SourceRef) -> [Arg<'a>; 5] {
        [
            Arg::Static(network.as_str()),
            Arg::Str(&person.handle),
            Arg::OptStr(person.name.as_deref()),
            Arg::Str(&source.file),
            Arg::Str(&source.position),
        ]
    }
}

impl<T: Transaction> Writer for Import<T> {
    fn add(&mut self, record: &Record) -> Result<Added, StoreError> {
        match record {
            Record::Owner { network, person, source } => {
                let n = self.tx.exec(INSERT_OWNER, &Self::owner_args(*network, person, source))?;
                if self.owners[*network as usize].is_none() {
                    self.owners[*network as usize] = Some(person.handle.clone());
                }
                Ok(if n > 0 { Added::New } else { Added::AlreadyThere })
            }
            Record::Item(item) => {
                let author = person_id(&mut self.tx, &mut self.people, item.network, &item.author.handle)?;
                let added = self.tx.rows(
                    INSERT_ITEM,
                    &[
                        Arg::Fingerprint(item.fingerprint()),
                        Arg::Static(item.network.as_str()),
                        Arg::Static(item.kind.as_str()),
                        Arg::OptStr(item.external_id.as_deref()),
                        Arg::Int(author),
                        Arg::Bool(item.by_owner),
                        Arg::OptStr(item.thread.as_deref()),
                        Arg::OptStr(item.parent.as_deref()),
                        Arg::Int(item.at),
                        Arg::Str(&item.text),
                        Arg::Str(&item.source.file),
                        Arg::Str(&item.source.position),
                    ],
                )?;
                let Some(id) = first_id(&added) else { return Ok(Added::AlreadyThere) };
                for (seq, c) in item.counterparts.iter().enumerate() {
                    let person = person_id(&mut self.tx, &mut self.people, item.network, &c.handle)?;
                    self.tx
                        .exec(INSERT_ITEM_PERSON, &[Arg::Int(id), Arg::Int(seq as i64), Arg::Int(person)])?;
                }
                self.added.owner_item(item);
                self.new_items.add(item);
                if !item.by_owner {
                    self.person(item.network, &item.author)?;
                }
                for c in &item.counterparts {
                    self.person(item.network, c)?;
                }
                Ok(Added::New)
            }
        }
    }

    fn set_owner(&mut self, network: Network, person: &Person, source: &SourceRef) -> Result<(), StoreError> {
        self.tx.exec(REPLACE_OWNER, &Self::owner_args(network, person, source))?;
        self.owners[network as usize] = Some(person.handle.clone());
        Ok(())
    }

    fn commit(self: Box<Self>) -> Result<(), StoreError> {
        let Import { mut tx, added, new_items, .. } = *self;
        derived::refresh_in(&mut tx, Some(added))?;
        new_items.save(&mut tx)?;
        tx.commit()
    }
}

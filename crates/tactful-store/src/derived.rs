//! The tables derived from the stored items, so `today` and `report` read
//! what they need instead of re-deriving the whole history on every run.
//! This module owns them; what goes in them is computed by the pure core
//! (`relationships::interactions`, `Tally`, `coaching::request_cue`,
//! `OwnerHandles`), so the stored path and the from-items path agree.
//!
//! - `interactions`: every interaction of every item (the contact's handle,
//!   lower case, as its row in `people`; time; direction; act; private;
//!   whether the item is a pitch).
//! - `handle_contacts`: which contact each (network, handle) counts for, as
//!   the curve maps them (the same lower-case rule as `contacts`).
//! - `contact_tallies`: each contact's [`Tally`] of all interactions up to
//!   the end of each month they had one (cumulative), so the stage at any
//!   time is one row per contact plus the interactions of that month.
//! - `owner_authors`: the handles the owner wrote under (with the owners,
//!   they decide conversation keys).
//! - `requests`: customer requests from them, by conversation; each keeps
//!   the time of the first reply of yours that answers it (`answer_at`), so
//!   "unanswered at now" is `answer_at IS NULL OR answer_at > now`.
//! - `replies`: your messages and comments in conversations without a
//!   thread (a later request there needs them); replies in a thread are
//!   found again from the items by their (indexed) thread.
//! - `conversations`, `starts`: response tracking (`tactful responses`):
//!   what `coaching::conversation` gives for each direct-message
//!   conversation over all its dated messages — the last message, whether
//!   it is theirs, the people; each start with your first answer. A start
//!   at or before `now` depends only on what came before it, so the rows
//!   hold at any `now` (an answer after `now` does not count yet); a
//!   conversation whose last message is after `now` is worked out again
//!   from its messages.
//! - `unthreaded_messages`: the direct messages of conversations without a
//!   thread, for that (messages in a thread are found again by thread).
//!
//! Tables are keyed for the order they are written in and read by (SQLite
//! `WITHOUT ROWID`, no secondary indexes): every index is paid for at every
//! import, and deriving must not make an import much slower. For the same
//! reason the derivation of a chunk of items runs on a second thread while
//! this one stores the previous chunk (the pure core does the deriving; the
//! store stays single-threaded).
//!
//! [`refresh`] brings them up to date: items added since the last refresh
//! (ids above the stored watermark) are derived and added; contacts whose
//! handles changed (import, merge, split) get their tallies recomputed; when
//! the owners or the owner's handles change, or this code's [`VERSION`], all
//! is derived again. It runs inside every import's transaction and before
//! every read of these tables, so a store from before migration 4 is filled
//! on first use, and a read never sees stale rows. Idempotent: with nothing
//! new it changes nothing.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;

use tactful_core::coaching::{self, OwnerHandles, Owners, RequestKind};
use tactful_core::history::{ItemKind, Network};
use tactful_core::relationships::{self, Act, Direction, Interaction, Tally};

use crate::people::{self, Cell, Db};
use crate::query::Arg;
use crate::schema::SEP;
use crate::{StoreError, StoredItem};

/// Bump when what is derived changes: stores derive everything again.
/// 3: response tracking (migration 6). 4: interactions refer to `people` (migration 7).
pub const VERSION: i64 = 4;
const STATE_KEY: &str = "derived";
/// Items read per query while deriving (bounded memory).
const CHUNK: i64 = 20_000;
/// Rows per INSERT statement.
const BATCH: usize = 100;

/// What the last refresh covered.
#[derive(Debug, Clone, PartialEq, Eq)]
struct State {
    version: i64,
    /// The highest item id derived.
    watermark: i64,
    /// The owners it was derived with.
    owners: String,
}

fn read_state(db: &mut dyn Db) -> Result<Option<State>, StoreError> {
    let Some(v) = crate::coach::get(db, STATE_KEY)? else { return Ok(None) };
    let mut parts = v.splitn(3, '\n');
    let (Some(version), Some(watermark), owners) =
        (parts.next().and_then(|x| x.parse().ok()), parts.next().and_then(|x| x.parse().ok()), parts.next())
    else {
        return Ok(None);
    };
    Ok(Some(State { version, watermark, owners: owners.unwrap_or("").to_string() }))
}

fn write_state(db: &mut dyn Db, s: &State) -> Result<(), StoreError> {
    crate::coach::set(db, STATE_KEY, &format!("{}\n{}\n{}", s.version, s.watermark, s.owners))
}

fn owners(db: &mut dyn Db) -> Result<Owners, StoreError> {
    Ok(db
        .rows("SELECT network, handle FROM owners ORDER BY network", &[])?
        .iter()
        .filter_map(|r| Some((r[0].text().parse().ok()?, r[1].text())))
        .collect())
}

fn fingerprint(owners: &Owners) -> String {
    owners.iter().map(|(n, h)| format!("{n}{SEP}{h}")).collect::<Vec<_>>().join("\n")
}

fn max_item(db: &mut dyn Db) -> Result<i64, StoreError> {
    Ok(db.rows("SELECT COALESCE(MAX(id), 0) FROM stored_items", &[])?[0][0].int())
}

/// Which contact each (network, lower-case handle) counts for: as the curve
/// maps them, the last contact (by id) holding a handle that lower-cases to it.
fn current_mapping(db: &mut dyn Db) -> Result<HashMap<(Network, String), i64>, StoreError> {
    let mut map = HashMap::new();
    for c in people::all(db)? {
        for (n, h) in &c.handles {
            map.insert((*n, h.to_lowercase()), c.id);
        }
    }
    Ok(map)
}

fn stored_mapping(db: &mut dyn Db) -> Result<HashMap<(Network, String), i64>, StoreError> {
    let mut map = HashMap::new();
    db.each("SELECT network, handle, contact_id FROM handle_contacts", &[], &mut |r| {
        if let Ok(n) = r[0].text().parse() {
            map.insert((n, r[1].text()), r[2].int());
        }
    })?;
    Ok(map)
}

/// Is anything derived out of date? Cheap: a few small queries.
fn stale(db: &mut dyn Db) -> Result<bool, StoreError> {
    let Some(state) = read_state(db)? else { return Ok(true) };
    if state.version != VERSION
        || state.watermark != max_item(db)?
        || state.owners != fingerprint(&owners(db)?)
    {
        return Ok(true);
    }
    Ok(current_mapping(db)? != stored_mapping(db)?)
}

/// Bring the derived tables up to date, in a transaction of their own (for
/// readers; an import does it in its own transaction). Returns whether
/// anything had to be done.
pub fn refresh(db: &mut dyn Db) -> Result<bool, StoreError> {
    if !stale(db)? {
        return Ok(false);
    }
    db.atomically(&mut |db| refresh_in(db, None))?;
    Ok(true)
}

/// One stored item as read for deriving: the columns the derivation needs
/// (its source file and position stay empty).
fn item_of(r: &mut [Cell]) -> StoredItem {
    let counterparts = r[5].take_text();
    StoredItem {
        id: r[0].int(),
        network: r[1].text().parse().unwrap_or(Network::Other),
        kind: r[2].text().parse().unwrap_or(ItemKind::Post),
        author: r[3].take_text(),
        by_owner: r[4].int() != 0,
        counterparts: crate::schema::handles(&counterparts),
        thread: r[6].opt_text(),
        at: r[7].int(),
        text: r[8].take_text(),
        source_file: String::new(),
        source_position: String::new(),
    }
}

/// The items after `from` up to `to`, at most [`CHUNK`], in id order, as
/// deriving reads them: with their author's handle, and their other people
/// read in one pass over `item_people` (the view `items` would gather them
/// item by item).
fn read_chunk(db: &mut dyn Db, from: i64, to: i64) -> Result<Vec<StoredItem>, StoreError> {
    let mut rows = people::collect(
        db,
        "SELECT i.id, i.network, i.kind, a.handle, i.by_owner, '', i.thread, i.at, i.text
         FROM stored_items i JOIN people a ON a.id = i.author_id WHERE i.id > ?1 AND i.id <= ?2 ORDER BY i.id LIMIT ?3",
        &[Arg::Int(from), Arg::Int(to), Arg::Int(CHUNK)],
        item_of,
    )?;
    let Some(last) = rows.last().map(|r| r.id) else { return Ok(rows) };
    let mut at = 0;
    db.each(
        "SELECT ip.item_id, p.handle FROM item_people ip JOIN people p ON p.id = ip.person_id
         WHERE ip.item_id > ?1 AND ip.item_id <= ?2 ORDER BY ip.item_id, ip.seq",
        &[Arg::Int(from), Arg::Int(last)],
        &mut |r: &mut [Cell]| {
            let id = r[0].int();
            while rows[at].id < id {
                at += 1;
            }
            if rows[at].id == id {
                rows[at].counterparts.push(r[1].take_text());
            }
        },
    )?;
    Ok(rows)
}

/// INSERT rows of `cols` values each, given one after the other in `args`,
/// with `head` ("INSERT INTO t (a, b) VALUES"), [`BATCH`] rows per statement.
fn insert(db: &mut dyn Db, head: &str, cols: usize, args: &[Arg]) -> Result<(), StoreError> {
    let sql_for = |rows: usize| {
        let mut sql = String::with_capacity(head.len() + rows * cols * 7);
        sql.push_str(head);
        for r in 0..rows {
            sql.push_str(if r == 0 { " (" } else { ", (" });
            for c in 0..cols {
                let _ = write!(sql, "{}?{}", if c == 0 { "" } else { ", " }, r * cols + c + 1);
            }
            sql.push(')');
        }
        sql
    };
    // Every full batch runs the same statement: spell it once.
    let full = sql_for(BATCH);
    for chunk in args.chunks(BATCH * cols) {
        let rows = chunk.len() / cols;
        if rows == BATCH {
            db.exec(&full, chunk)?;
        } else {
            db.exec(&sql_for(rows), chunk)?;
        }
    }
    Ok(())
}

/// What a writer knows of the items it added: the highest item id before
/// it started, and the (network, author) of the owner's items among them
/// (not connections), so the derivation need not scan the items for them.
#[derive(Debug, Default)]
pub(crate) struct Added {
    base: i64,
    owner_authors: Vec<(Network, String)>,
    seen: std::collections::HashSet<(Network, String)>,
}

impl Added {
    /// A writer that starts when the highest item id is `base`.
    pub(crate) fn after(base: i64) -> Added {
        Added { base, ..Added::default() }
    }

    /// An item the writer stored.
    pub(crate) fn owner_item(&mut self, item: &tactful_core::history::Item) {
        if item.by_owner
            && item.kind != ItemKind::Connection
            && !self.seen.contains(&(item.network, item.author.handle.clone()))
        {
            self.seen.insert((item.network, item.author.handle.clone()));
            self.owner_authors.push((item.network, item.author.handle.clone()));
        }
    }
}

/// The derivation itself, inside the caller's transaction.
pub(crate) fn refresh_in(db: &mut dyn Db, added: Option<Added>) -> Result<(), StoreError> {
    if db.postgres() {
        // Two processes refreshing at once would add the same rows twice.
        db.exec("LOCK TABLE handle_contacts IN EXCLUSIVE MODE", &[])?;
    }
    let state = read_state(db)?;
    let owners = owners(db)?;
    let owners_fp = fingerprint(&owners);
    let max_id = max_item(db)?;
    let mut rebuild = state.as_ref().is_none_or(|s| s.version != VERSION || s.owners != owners_fp);
    let mut watermark = if rebuild { 0 } else { state.as_ref().map_or(0, |s| s.watermark) };

    // The owner's handles: the owners, the authors stored so far, and those of the new items.
    let mut me = OwnerHandles::from_owners(&owners);
    if !rebuild {
        for r in db.rows("SELECT network, handle FROM owner_authors ORDER BY network, handle", &[])? {
            if let Ok(n) = r[0].text().parse() {
                me.add_author(n, &r[1].text());
            }
        }
    }
    let new_authors = |db: &mut dyn Db, after: i64| -> Result<Vec<(Network, String)>, StoreError> {
        Ok(db
            .rows(
                "SELECT DISTINCT network, author FROM items WHERE id > ?1 AND by_owner = ?2 AND kind <> 'connection' ORDER BY network, author",
                &[Arg::Int(after), Arg::Bool(true)],
            )?
            .iter()
            .filter_map(|r| Some((r[0].text().parse().ok()?, r[1].text())))
            .collect())
    };
    let mut authors = match added {
        Some(a) if a.base == watermark => a.owner_authors,
        _ => new_authors(db, watermark)?,
    };
    let grew = authors.iter().fold(false, |grew, (n, a)| me.add_author(*n, a) | grew);
    if grew && watermark > 0 {
        // Earlier items were keyed without this handle: derive them again.
        rebuild = true;
        watermark = 0;
        me = OwnerHandles::from_owners(&owners);
        authors = new_authors(db, 0)?;
        for (n, a) in &authors {
            me.add_author(*n, a);
        }
    }
    if rebuild {
        for t in [
            "interactions",
            "requests",
            "replies",
            "contact_tallies",
            "handle_contacts",
            "owner_authors",
            "conversations",
            "starts",
            "unthreaded_messages",
        ] {
            db.exec(&format!("DELETE FROM {t}"), &[])?;
        }
    }
    for (n, h) in me.all() {
        db.exec("INSERT INTO owner_authors (network, handle) VALUES (?1, ?2) ON CONFLICT (network, handle) DO NOTHING", &[Arg::Static(n.as_str()), Arg::Text(h)])?;
    }

    // New items: interactions, requests, replies.
    // The (network, handle) of every new interaction: their contacts' tallies change.
    let mut dirty_handles: [std::collections::HashSet<String>; 5] = Default::default();
    // Conversations with new requests or replies; the new requests wait here
    // until their answer is known, and (on a first derivation, when the
    // tables hold nothing older) so do the new replies.
    let fresh = watermark == 0;
    let mut convs: HashMap<ConvKey, Conv> = HashMap::new();
    // Direct-message conversations with new messages; on a first derivation
    // with all their messages (else they are read back at the end).
    let mut dms: HashMap<DmKey, Vec<Message>> = HashMap::new();
    // Handles are all stored by now (the writer adds them with the items):
    // which contact each counts for is known before deriving. On a first
    // derivation every contact's interactions are collected here, to tally
    // without reading them back.
    let mapping = current_mapping(db)?;
    let by_net = handle_index(&mapping, None);
    let mut per: HashMap<i64, Vec<Stored>> = HashMap::new();
    let deriver = Deriver { owners: &owners, me: &me, by_net: &by_net, fresh };
    // A pipeline of two: this thread reads a chunk of items and stores what
    // the previous chunk derived, while a second thread derives (the phrase
    // tests are the costly part). Chunks are stored in order, so the result
    // is the same as deriving them one after the other.
    std::thread::scope(|scope| -> Result<(), StoreError> {
        let (to_worker, jobs) = std::sync::mpsc::sync_channel::<Vec<StoredItem>>(1);
        let (to_main, results) = std::sync::mpsc::sync_channel::<Derived>(1);
        scope.spawn(move || {
            for rows in jobs {
                if to_main.send(deriver.chunk(&rows)).is_err() {
                    break;
                }
            }
        });
        let mut from = watermark;
        let mut pending = false;
        let mut persons: [HashMap<String, i64>; 5] = Default::default();
        loop {
            let rows = if from < max_id { read_chunk(db, from, max_id)? } else { Vec::new() };
            let more = !rows.is_empty();
            if let Some(last) = rows.last() {
                from = last.id;
                to_worker.send(rows).map_err(|_| StoreError::Sqlite {
                    path: "derived tables".into(),
                    message: "the deriving thread stopped".into(),
                })?;
            }
            if pending {
                let d = results.recv().map_err(|_| StoreError::Sqlite {
                    path: "derived tables".into(),
                    message: "the deriving thread stopped".into(),
                })?;
                let mut acts = d.acts;
                // The person of each interaction by its row in `people` (see `Derived::acts`).
                for row in acts.chunks_mut(9) {
                    if let (Arg::Static(n), Arg::Text(handle)) = (&row[3], &row[4]) {
                        let network = n.parse().unwrap_or(Network::Other);
                        row[4] = Arg::Int(people::person_id(db, &mut persons, network, handle)?);
                    }
                }
                insert(
                    db,
                    "INSERT INTO interactions (at, item_id, seq, network, person, direction, act, private, pitch) VALUES",
                    9,
                    &acts,
                )?;
                insert(
                    db,
                    "INSERT INTO replies (network, kind, conv, at, item_id, addressed) VALUES",
                    6,
                    &d.replies,
                )?;
                insert(
                    db,
                    "INSERT INTO unthreaded_messages (network, conv, at, item_id, by_owner, sender, people) VALUES",
                    7,
                    &d.unthreaded,
                )?;
                for (k, m) in d.messages {
                    dms.entry(k).or_default().extend(m);
                }
                for (k, reply) in d.conv_replies {
                    let c = convs.entry(k).or_default();
                    c.replies.extend(reply);
                }
                for (k, r) in d.conv_requests {
                    convs.entry(k).or_default().requests.push(r);
                }
                for (id, x) in d.stored {
                    per.entry(id).or_default().push(x);
                }
                for (n, h) in d.handles {
                    dirty_handles[n as usize].insert(h);
                }
            }
            pending = more;
            if !more {
                return Ok(());
            }
        }
    })?;

    // Which reply answers each request, in the conversations that changed.
    let mut new_requests = Vec::new();
    for ((network, kind, key), mut conv) in convs {
        if !fresh {
            // Older requests and every reply (the new ones are stored already).
            answer_stored(db, &me, network, kind, &key, &mut conv)?;
        }
        conv.replies.sort_unstable_by_key(|r| (r.0, r.1));
        for r in conv.requests {
            let answer_at = first_answer(kind, &r, &conv.replies);
            new_requests.push((
                (network, kind, key.clone(), r.at, r.item),
                [Arg::Text(r.from), Arg::Static(r.what.as_str()), Arg::Text(r.cue), Arg::OptInt(answer_at)],
            ));
        }
    }
    // In key order: appending to the table's one b-tree is cheap.
    new_requests.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut rows = new_requests.into_iter().peekable();
    while rows.peek().is_some() {
        // A batch at a time: the whole list again as arguments would double the memory.
        let batch: Vec<Arg<'static>> = rows
            .by_ref()
            .take(BATCH)
            .flat_map(|((network, kind, key, at, item), rest)| {
                [
                    Arg::Static(network.as_str()),
                    Arg::Static(kind.as_str()),
                    Arg::Text(key),
                    Arg::Int(at),
                    Arg::Int(item),
                ]
                .into_iter()
                .chain(rest)
            })
            .collect();
        insert(
            db,
            "INSERT INTO requests (network, kind, conv, at, item_id, sender, request, cue, answer_at) VALUES",
            9,
            &batch,
        )?;
    }
    derive_conversations(db, &me, dms, fresh)?;
    // Contacts whose tallies changed: new interactions, or handles that now count for someone else.
    let old = stored_mapping(db)?;
    let mut dirty: BTreeSet<i64> = BTreeSet::new();
    for (k, id) in &old {
        if mapping.get(k) != Some(id) {
            dirty.insert(*id);
            db.exec(
                "DELETE FROM handle_contacts WHERE network = ?1 AND handle = ?2",
                &[Arg::Text(k.0.as_str().into()), Arg::Text(k.1.clone())],
            )?;
        }
    }
    let mut added = Vec::new();
    for (k, id) in &mapping {
        if old.get(k) != Some(id) {
            dirty.insert(*id);
            added.extend([Arg::Static(k.0.as_str()), Arg::Text(k.1.clone()), Arg::Int(*id)]);
        }
    }
    insert(db, "INSERT INTO handle_contacts (network, handle, contact_id) VALUES", 3, &added)?;
    for n in Network::ALL {
        for h in &dirty_handles[n as usize] {
            if let Some(id) = mapping.get(&(n, h.clone())) {
                dirty.insert(*id);
            }
        }
    }
    retally(db, &dirty, &mapping, rebuild, fresh.then_some(per))?;

    write_state(db, &State { version: VERSION, watermark: max_id, owners: owners_fp })
}

/// A conversation: network, kind (message or comment) and key.
type ConvKey = (Network, ItemKind, String);
/// A direct-message conversation: network and key.
type DmKey = (Network, String);
/// A reply of yours: time, item id, the people addressed joined by `SEP`.
type Reply = (i64, i64, String);

/// What a chunk of items derives to, computed apart from the store (so a
/// second thread can do it while the store reads and writes).
#[derive(Default)]
struct Derived {
    /// `interactions` rows, 9 values each; the person as their lower-case
    /// handle, made an id in `people` when stored.
    acts: Vec<Arg<'static>>,
    /// `replies` rows, 6 values each.
    replies: Vec<Arg<'static>>,
    /// Conversations with a reply of yours; the reply itself on a first derivation.
    conv_replies: Vec<(ConvKey, Option<Reply>)>,
    /// Direct-message conversations with a new message; the message itself on a first derivation.
    messages: Vec<(DmKey, Option<Message>)>,
    /// `unthreaded_messages` rows, 7 values each.
    unthreaded: Vec<Arg<'static>>,
    conv_requests: Vec<(ConvKey, Request)>,
    /// Interactions by contact, on a first derivation.
    stored: Vec<(i64, Stored)>,
    /// The (network, lower-case handle) of the interactions, once each.
    handles: Vec<(Network, String)>,
}

/// Derives chunks of items: pure computation over what the refresh knows.
struct Deriver<'a> {
    owners: &'a Owners,
    me: &'a OwnerHandles,
    by_net: &'a [HashMap<String, i64>; 5],
    fresh: bool,
}

impl Deriver<'_> {
    fn chunk(&self, rows: &[StoredItem]) -> Derived {
        let me = self.me;
        let mut d = Derived::default();
        let mut seen: [std::collections::HashSet<String>; 5] = Default::default();
        for it in rows {
            let v = it.view();
            let owner = self.owners.get(&it.network).map_or("", String::as_str);
            let xs = relationships::interactions(&v, owner);
            let pitch = xs.iter().any(|x| x.act == Act::Pitch);
            let inquiry = xs.iter().any(|x| x.act == Act::Inquiry);
            for (seq, x) in xs.into_iter().enumerate() {
                let handle = x.contact.to_lowercase();
                if !seen[it.network as usize].contains(handle.as_str()) {
                    seen[it.network as usize].insert(handle.clone());
                    d.handles.push((it.network, handle.clone()));
                }
                if self.fresh {
                    if let Some(id) = self.by_net[it.network as usize].get(handle.as_str()) {
                        let stored = Stored {
                            at: x.at,
                            item: it.id,
                            seq: seq as u32,
                            network: it.network,
                            direction: x.direction,
                            act: x.act,
                            private: x.private,
                            pitch,
                        };
                        d.stored.push((*id, stored));
                    }
                }
                d.acts.extend([
                    Arg::Int(x.at),
                    Arg::Int(it.id),
                    Arg::Int(seq as i64),
                    Arg::Static(it.network.as_str()),
                    Arg::Text(handle),
                    Arg::Int(i64::from(x.direction == Direction::Received)),
                    Arg::Int(Act::ALL.iter().position(|a| *a == x.act).unwrap_or(0) as i64),
                    Arg::Bool(x.private),
                    Arg::Bool(pitch),
                ]);
            }
            // Customer requests and conversations count only with a known
            // time (see coaching::customer_requests, coaching::conversations).
            if !matches!(it.kind, ItemKind::Message | ItemKind::Comment) || it.at <= 0 {
                continue;
            }
            // Its conversation and the people in it other than you, when
            // what follows needs them (a comment of theirs only if it is a request).
            let conv = (it.kind == ItemKind::Message || it.by_owner)
                .then(|| (me.conversation_key(&v), me.others(&v).join(&SEP.to_string())));
            if let (ItemKind::Message, Some((key, people))) = (it.kind, &conv) {
                let sender = it.author.trim().to_string();
                if !key.starts_with(THREAD) {
                    d.unthreaded.extend([
                        Arg::Static(it.network.as_str()),
                        Arg::Text(key.clone()),
                        Arg::Int(it.at),
                        Arg::Int(it.id),
                        Arg::Bool(it.by_owner),
                        Arg::Text(sender.clone()),
                        Arg::Text(people.clone()),
                    ]);
                }
                let kept = self.fresh.then(|| Message {
                    at: it.at,
                    item: it.id,
                    by_owner: it.by_owner,
                    sender,
                    people: people.clone(),
                });
                d.messages.push(((it.network, key.clone()), kept));
            }
            if it.by_owner {
                let (key, addressed) = conv.expect("worked out for your items");
                let kept = self.fresh.then(|| (it.at, it.id, addressed.clone()));
                d.conv_replies.push(((it.network, it.kind, key.clone()), kept));
                // A reply in a thread is found again from the items (by thread,
                // indexed); only those without one need a row of their own.
                if !key.starts_with(THREAD) {
                    d.replies.extend([
                        Arg::Static(it.network.as_str()),
                        Arg::Static(it.kind.as_str()),
                        Arg::Text(key),
                        Arg::Int(it.at),
                        Arg::Int(it.id),
                        Arg::Text(addressed),
                    ]);
                }
            } else if !it.author.trim().is_empty() && !me.is(it.network, &it.author) {
                // The same test as coaching::request_cue; the inquiry test
                // already ran in `interactions` (it gave an Inquiry or not).
                let cue =
                    coaching::complaint_cue(&it.text).map(|c| (RequestKind::Problem, c)).or_else(|| {
                        if inquiry {
                            relationships::inquiry_cue(&it.text).map(|c| (RequestKind::Question, c))
                        } else {
                            None
                        }
                    });
                if let Some((what, cue)) = cue {
                    let r = Request {
                        item: it.id,
                        from: it.author.trim().to_string(),
                        at: it.at,
                        what,
                        cue,
                        answer_at: None,
                    };
                    let key = conv.map_or_else(|| me.conversation_key(&v), |c| c.0);
                    d.conv_requests.push(((it.network, it.kind, key), r));
                }
            }
        }
        d
    }
}

fn request_kind(s: &str) -> RequestKind {
    if s == RequestKind::Problem.as_str() { RequestKind::Problem } else { RequestKind::Question }
}

/// A customer request being derived.
struct Request {
    item: i64,
    from: String,
    at: i64,
    what: RequestKind,
    cue: String,
    answer_at: Option<i64>,
}

/// One conversation's new requests and its replies.
#[derive(Default)]
struct Conv {
    requests: Vec<Request>,
    replies: Vec<Reply>,
}

/// The time of your first reply after the request (ties in time by item id)
/// that answers it (`coaching::answers`). `replies` sorted by (time, id).
fn first_answer(kind: ItemKind, r: &Request, replies: &[Reply]) -> Option<i64> {
    let after = replies.partition_point(|p| (p.0, p.1) <= (r.at, r.item));
    replies[after..]
        .iter()
        .find(|p| {
            kind == ItemKind::Message || {
                let to: Vec<&str> = if p.2.is_empty() { Vec::new() } else { p.2.split(SEP).collect() };
                coaching::answers(kind, &r.from, &to)
            }
        })
        .map(|p| p.0)
}

/// The conversation key of a thread (see `OwnerHandles::conversation_key`).
const THREAD: &str = "thread:";

/// For a conversation that had rows before this refresh: read its replies
/// (all of them: from the items of its thread, or the `replies` rows of a
/// conversation without thread), and bring the answers of its older
/// requests up to date.
fn answer_stored(
    db: &mut dyn Db,
    me: &OwnerHandles,
    network: Network,
    kind: ItemKind,
    conv_key: &str,
    conv: &mut Conv,
) -> Result<(), StoreError> {
    let key = [Arg::Static(network.as_str()), Arg::Static(kind.as_str()), Arg::Text(conv_key.into())];
    conv.replies = if let Some(thread) = conv_key.strip_prefix(THREAD) {
        people::collect(
            db,
            "SELECT id, network, kind, author, by_owner, counterparts, thread, at, '' FROM items
             WHERE thread = ?1 AND network = ?2 AND kind = ?3 AND by_owner = ?4 AND at > 0 ORDER BY at, id",
            &[Arg::Text(thread.into()), key[0].clone(), key[1].clone(), Arg::Bool(true)],
            |r| {
                let it = item_of(r);
                (it.at, it.id, me.others(&it.view()).join(&SEP.to_string()))
            },
        )?
    } else {
        db.rows("SELECT at, item_id, addressed FROM replies WHERE network = ?1 AND kind = ?2 AND conv = ?3 ORDER BY at, item_id", &key)?
            .iter()
            .map(|r| (r[0].int(), r[1].int(), r[2].text()))
            .collect()
    };
    for r in db.rows("SELECT item_id, sender, at, answer_at, request FROM requests WHERE network = ?1 AND kind = ?2 AND conv = ?3", &key)? {
        let old = Request { item: r[0].int(), from: r[1].text(), at: r[2].int(), what: request_kind(&r[4].text()), cue: String::new(), answer_at: r[3].opt_int() };
        let now = first_answer(kind, &old, &conv.replies);
        if now != old.answer_at {
            db.exec(
                "UPDATE requests SET answer_at = ?1 WHERE network = ?2 AND kind = ?3 AND conv = ?4 AND at = ?5 AND item_id = ?6",
                &[Arg::OptInt(now), key[0].clone(), key[1].clone(), key[2].clone(), Arg::Int(old.at), Arg::Int(old.item)],
            )?;
        }
    }
    Ok(())
}

/// A direct message as response tracking reads it: the people in it other
/// than you are kept (joined by `SEP`), so its view is rebuilt without the item.
struct Message {
    at: i64,
    item: i64,
    by_owner: bool,
    /// The author, trimmed.
    sender: String,
    people: String,
}

/// Every dated direct message of a conversation: from the items of its
/// thread (indexed), or the `unthreaded_messages` rows.
fn stored_messages(
    db: &mut dyn Db,
    me: &OwnerHandles,
    network: Network,
    key: &str,
) -> Result<Vec<Message>, StoreError> {
    let mut out = Vec::new();
    if let Some(thread) = key.strip_prefix(THREAD) {
        db.each(
            "SELECT id, network, kind, author, by_owner, counterparts, thread, at, '' FROM items
             WHERE thread = ?1 AND network = ?2 AND kind = ?3 AND at > 0",
            &[
                Arg::Text(thread.into()),
                Arg::Static(network.as_str()),
                Arg::Static(ItemKind::Message.as_str()),
            ],
            &mut |r: &mut [Cell]| {
                let it = item_of(r);
                let people = me.others(&it.view()).join(&SEP.to_string());
                out.push(Message {
                    at: it.at,
                    item: it.id,
                    by_owner: it.by_owner,
                    sender: it.author.trim().to_string(),
                    people,
                });
            },
        )?;
    } else {
        db.each(
            "SELECT at, item_id, by_owner, sender, people FROM unthreaded_messages WHERE network = ?1 AND conv = ?2",
            &[Arg::Static(network.as_str()), Arg::Text(key.into())],
            &mut |r: &mut [Cell]| out.push(Message { at: r[0].int(), item: r[1].int(), by_owner: r[2].int() != 0, sender: r[3].take_text(), people: r[4].take_text() }),
        )?;
    }
    Ok(out)
}

/// What `coaching::conversation` gives for these messages (at least one).
fn conversation_of(
    network: Network,
    key: String,
    messages: &[Message],
    me: &OwnerHandles,
) -> coaching::Conversation {
    let people: Vec<Vec<String>> = messages.iter().map(|m| crate::schema::handles(&m.people)).collect();
    // The author and the other people are all `others` reads; the key is given.
    let views: Vec<relationships::ItemView<'_>> = messages
        .iter()
        .zip(&people)
        .map(|(m, p)| relationships::ItemView {
            id: m.item,
            network,
            kind: ItemKind::Message,
            author: &m.sender,
            by_owner: m.by_owner,
            counterparts: p,
            thread: None,
            at: m.at,
            text: "",
        })
        .collect();
    let mut refs: Vec<&relationships::ItemView<'_>> = views.iter().collect();
    coaching::conversation(network, key, &mut refs, me)
}

/// Work out again the conversations with new messages (`dms`; with all
/// their messages on a first derivation, else read back) and replace their
/// `conversations` and `starts` rows.
fn derive_conversations(
    db: &mut dyn Db,
    me: &OwnerHandles,
    dms: HashMap<DmKey, Vec<Message>>,
    fresh: bool,
) -> Result<(), StoreError> {
    const CONVERSATIONS: &str =
        "INSERT INTO conversations (network, conv, last_at, last_item, waiting, people) VALUES";
    const STARTS: &str =
        "INSERT INTO starts (network, conv, at, item_id, sender, answer_item, answer_at) VALUES";
    // In key order: appending to the tables' b-trees is cheap.
    let mut dms: Vec<_> = dms.into_iter().collect();
    dms.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let (mut conversations, mut starts) = (Vec::new(), Vec::new());
    for ((network, key), kept) in dms {
        let messages = if fresh {
            kept
        } else {
            let k = [Arg::Static(network.as_str()), Arg::Text(key.clone())];
            db.exec("DELETE FROM conversations WHERE network = ?1 AND conv = ?2", &k)?;
            db.exec("DELETE FROM starts WHERE network = ?1 AND conv = ?2", &k)?;
            stored_messages(db, me, network, &key)?
        };
        if messages.is_empty() {
            continue;
        }
        let c = conversation_of(network, key, &messages, me);
        for s in c.starts {
            starts.extend([
                Arg::Static(network.as_str()),
                Arg::Text(s.conversation),
                Arg::Int(s.at),
                Arg::Int(s.item),
                Arg::Text(s.from),
                Arg::OptInt(s.response.map(|r| r.0)),
                Arg::OptInt(s.response.map(|r| s.at + r.1)),
            ]);
        }
        conversations.extend([
            Arg::Static(network.as_str()),
            Arg::Text(c.key),
            Arg::Int(c.last_at),
            Arg::Int(c.last_item),
            Arg::Bool(c.turn == coaching::Turn::WaitingForYou),
            Arg::Text(c.people.join(&SEP.to_string())),
        ]);
        // A batch at a time: all of them as arguments would hold the whole history twice.
        if starts.len() >= BATCH * 7 {
            insert(db, STARTS, 7, &starts)?;
            starts.clear();
        }
        if conversations.len() >= BATCH * 6 {
            insert(db, CONVERSATIONS, 6, &conversations)?;
            conversations.clear();
        }
    }
    insert(db, STARTS, 7, &starts)?;
    insert(db, CONVERSATIONS, 6, &conversations)
}

/// One stored interaction, as the tallies read it.
#[derive(Debug, Clone, Copy)]
struct Stored {
    at: i64,
    item: i64,
    seq: u32,
    network: Network,
    direction: Direction,
    act: Act,
    private: bool,
    pitch: bool,
}

impl Stored {
    /// From `network, at, direction, act, private, pitch, item_id, seq`.
    fn of(r: &[Cell]) -> Stored {
        Stored {
            network: r[0].text().parse().unwrap_or(Network::Other),
            at: r[1].int(),
            direction: if r[2].int() == 0 { Direction::Given } else { Direction::Received },
            act: Act::ALL.get(r[3].int() as usize).copied().unwrap_or(Act::Mention),
            private: r[4].int() != 0,
            pitch: r[5].int() != 0,
            item: r[6].int(),
            seq: r[7].int() as u32,
        }
    }

    fn interaction(&self, handle: String) -> Interaction {
        Interaction {
            contact: handle,
            network: self.network,
            at: self.at,
            direction: self.direction,
            act: self.act,
            private: self.private,
            item: self.item,
        }
    }
}

const STORED_COLUMNS: &str = "i.network, i.at, i.direction, i.act, i.private, i.pitch, i.item_id, i.seq";

/// The month number (year × 12 + month − 1, UTC) of a time.
fn month_index(at: i64) -> i64 {
    let m = coaching::month(at);
    let (y, mo) =
        m.rsplit_once('-').map_or((1970, 1), |(y, mo)| (y.parse().unwrap_or(1970), mo.parse().unwrap_or(1)));
    y * 12 + mo - 1
}

/// The first second of month number `m`.
fn month_start(m: i64) -> i64 {
    coaching::day_number(&format!("{:04}-{:02}-01", m.div_euclid(12), m.rem_euclid(12) + 1)).unwrap_or(0)
        * 86_400
}

/// (Network, lower-case handle) → contact, one map per network so a handle
/// is looked up without building a key; only `contacts` when given.
fn handle_index(
    mapping: &HashMap<(Network, String), i64>,
    contacts: Option<&BTreeSet<i64>>,
) -> [HashMap<String, i64>; 5] {
    let mut by_net: [HashMap<String, i64>; 5] = Default::default();
    for ((n, h), id) in mapping {
        if contacts.is_none_or(|c| c.contains(id)) {
            by_net[*n as usize].insert(h.clone(), *id);
        }
    }
    by_net
}

/// Recompute the monthly tallies of `contacts` (all of them when `all`),
/// from their interactions: `collected` when the caller has them all at
/// hand, else read back.
fn retally(
    db: &mut dyn Db,
    contacts: &BTreeSet<i64>,
    mapping: &HashMap<(Network, String), i64>,
    all: bool,
    collected: Option<HashMap<i64, Vec<Stored>>>,
) -> Result<(), StoreError> {
    if contacts.is_empty() && !all {
        return Ok(());
    }
    if all {
        db.exec("DELETE FROM contact_tallies", &[])?;
    } else {
        for c in contacts {
            db.exec("DELETE FROM contact_tallies WHERE contact_id = ?1", &[Arg::Int(*c)])?;
        }
    }
    let per = match collected {
        Some(per) => per,
        None => {
            // One pass over every interaction, each looked up by its handle (no
            // index by handle: it would cost more at every import than it saves
            // when a few contacts change).
            let by_net = handle_index(mapping, (!all).then_some(contacts));
            let mut per: HashMap<i64, Vec<Stored>> = HashMap::new();
            let sql = format!(
                "SELECT p.handle, {STORED_COLUMNS} FROM interactions i JOIN people p ON p.id = i.person"
            );
            db.each(&sql, &[], &mut |r| {
                let s = Stored::of(&r[1..]);
                if let Cell::Text(h) = &r[0] {
                    if let Some(id) = by_net[s.network as usize].get(h.as_str()) {
                        per.entry(*id).or_default().push(s);
                    }
                }
            })?;
            per
        }
    };
    let mut rows = Vec::new();
    for (contact, mut list) in per {
        list.sort_by_key(|s| (s.at, s.item, s.seq));
        let mut tally = Tally::default();
        let mut month: Option<i64> = None;
        for s in &list {
            let m = month_index(s.at);
            if let Some(prev) = month.filter(|p| *p != m) {
                rows.extend([Arg::Int(contact), Arg::Int(prev), Arg::Text(tally.encode())]);
            }
            month = Some(m);
            tally.add(&s.interaction(String::new()), s.pitch);
        }
        if let Some(m) = month {
            rows.extend([Arg::Int(contact), Arg::Int(m), Arg::Text(tally.encode())]);
        }
    }
    insert(db, "INSERT INTO contact_tallies (contact_id, month, tally) VALUES", 3, &rows)
}

// ===========================================================================
// Reads (call `refresh` first)
// ===========================================================================

/// Every contact's [`Tally`] of their interactions at or before `at`, by
/// contact id; contacts with none are left out.
pub fn tallies_at(db: &mut dyn Db, at: i64) -> Result<HashMap<i64, Tally>, StoreError> {
    let m = month_index(at);
    // At the last second of a month the month's own row is exact: no tail to fold.
    let whole_month = at == month_start(m + 1) - 1;
    let before = if whole_month { m + 1 } else { m };
    let mut out: HashMap<i64, Tally> = HashMap::new();
    db.each(
        "SELECT c.id, (SELECT t.tally FROM contact_tallies t WHERE t.contact_id = c.id AND t.month < ?1 ORDER BY t.month DESC LIMIT 1) FROM contacts c",
        &[Arg::Int(before)],
        &mut |r| {
            if let Some(t) = r[1].opt_text().and_then(|t| Tally::decode(&t)) {
                out.insert(r[0].int(), t);
            }
        },
    )?;
    if !whole_month {
        for x in interactions_between(db, month_start(m), at)? {
            out.entry(x.contact).or_default().add(&x.interaction, x.pitch_item);
        }
    }
    Ok(out)
}

/// An interaction with the contact it counts for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactInteraction {
    pub contact: i64,
    pub interaction: Interaction,
    /// The item it comes from is a pitch.
    pub pitch_item: bool,
}

/// Interactions with a contact from `from` to `to` (unix seconds, both
/// included), in time order (ties by item id).
pub fn interactions_between(
    db: &mut dyn Db,
    from: i64,
    to: i64,
) -> Result<Vec<ContactInteraction>, StoreError> {
    people::collect(
        db,
        &format!(
            "SELECT hc.contact_id, p.handle, {STORED_COLUMNS} FROM interactions i JOIN people p ON p.id = i.person
             JOIN handle_contacts hc ON hc.network = i.network AND hc.handle = p.handle
             WHERE i.at >= ?1 AND i.at <= ?2 ORDER BY i.at, i.item_id, i.seq"
        ),
        &[Arg::Int(from), Arg::Int(to)],
        |r| {
            let s = Stored::of(&r[2..]);
            ContactInteraction { contact: r[0].int(), interaction: s.interaction(r[1].text()), pitch_item: s.pitch }
        },
    )
}

/// Customer requests unanswered at `now`, oldest first (ties by item id):
/// what `coaching::customer_requests` lists, from the derived tables.
pub fn open_requests(db: &mut dyn Db, now: i64) -> Result<Vec<coaching::Request>, StoreError> {
    people::collect(
        db,
        "SELECT r.item_id, r.network, r.kind, r.sender, r.conv, r.at, r.request, r.cue, COALESCE(s.text, '') FROM requests r LEFT JOIN stored_items s ON s.id = r.item_id WHERE r.at <= ?1 AND (r.answer_at IS NULL OR r.answer_at > ?1) ORDER BY r.at, r.item_id",
        &[Arg::Int(now)],
        |r| coaching::Request {
            item: r[0].int(),
            network: r[1].text().parse().unwrap_or(Network::Other),
            kind: r[2].text().parse().unwrap_or(ItemKind::Message),
            from: r[3].text(),
            conversation: r[4].text(),
            at: r[5].int(),
            waited_secs: now - r[5].int(),
            request: request_kind(&r[6].text()),
            cue: r[7].text(),
            text: r[8].text(),
        },
    )
}

/// The owner's handles: the owners and every handle the owner's items were written under.
pub fn owner_handles(db: &mut dyn Db) -> Result<OwnerHandles, StoreError> {
    let mut me = OwnerHandles::from_owners(&owners(db)?);
    for r in db.rows("SELECT network, handle FROM owner_authors ORDER BY network, handle", &[])? {
        if let Ok(n) = r[0].text().parse() {
            me.add_author(n, &r[1].text());
        }
    }
    Ok(me)
}

/// The conversation starts at or before `now`, each with your first
/// answer if it came by `now`: the starts `coaching::conversations` gives
/// at `now` (any order).
pub fn conversation_starts(db: &mut dyn Db, now: i64) -> Result<Vec<coaching::Start>, StoreError> {
    people::collect(
        db,
        "SELECT network, conv, at, item_id, sender, answer_item, answer_at FROM starts WHERE at <= ?1",
        &[Arg::Int(now)],
        |r| {
            let at = r[2].int();
            let response = match (r[5].opt_int(), r[6].opt_int()) {
                (Some(item), Some(t)) if t <= now => Some((item, t - at)),
                _ => None,
            };
            coaching::Start {
                item: r[3].int(),
                network: r[0].text().parse().unwrap_or(Network::Other),
                conversation: r[1].take_text(),
                from: r[4].take_text(),
                at,
                month: coaching::month(at),
                response,
            }
        },
    )
}

/// A conversation whose last message (at `now`) is theirs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitingConversation {
    pub network: Network,
    /// See `coaching::Conversation::key`.
    pub key: String,
    /// Everyone in it other than you, sorted.
    pub people: Vec<String>,
    pub last_item: i64,
    pub last_at: i64,
}

/// The conversations waiting for you at `now`, sorted by network and key:
/// those `coaching::conversations` gives at `now` with their turn
/// `WaitingForYou`.
pub fn waiting_for_you(db: &mut dyn Db, now: i64) -> Result<Vec<WaitingConversation>, StoreError> {
    let mut out = Vec::new();
    // A conversation with messages after `now` (rare: an export with dates
    // ahead of the clock) is worked out again from its messages up to `now`.
    let mut later = Vec::new();
    db.each(
        "SELECT network, conv, last_at, last_item, people FROM conversations WHERE waiting = ?1 OR last_at > ?2",
        &[Arg::Bool(true), Arg::Int(now)],
        &mut |r| {
            let network = r[0].text().parse().unwrap_or(Network::Other);
            let (key, last_at) = (r[1].take_text(), r[2].int());
            if last_at > now {
                later.push((network, key));
            } else {
                out.push(WaitingConversation { network, key, people: crate::schema::handles(&r[4].text()), last_item: r[3].int(), last_at });
            }
        },
    )?;
    if !later.is_empty() {
        let me = owner_handles(db)?;
        for (network, key) in later {
            let mut messages = stored_messages(db, &me, network, &key)?;
            messages.retain(|m| m.at <= now);
            if messages.is_empty() {
                continue;
            }
            let c = conversation_of(network, key, &messages, &me);
            if c.turn == coaching::Turn::WaitingForYou {
                out.push(WaitingConversation {
                    network,
                    key: c.key,
                    people: c.people,
                    last_item: c.last_item,
                    last_at: c.last_at,
                });
            }
        }
    }
    out.sort_by(|a, b| (a.network, &a.key).cmp(&(b.network, &b.key)));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_number_and_start_where_the_calendar_says() {
        let sep = coaching::day_number("2026-09-01").unwrap() * 86_400;
        assert_eq!(month_index(sep), 2026 * 12 + 8);
        assert_eq!(month_index(sep - 1), 2026 * 12 + 7);
        assert_eq!(month_start(2026 * 12 + 8), sep);
        assert_eq!(month_start(2026 * 12 + 12), coaching::day_number("2027-01-01").unwrap() * 86_400);
    }
}

//! Facebook "Download Your Information" JSON, every layout seen so far:
//!
//! * 2018–19: `posts/your_posts.json` (`status_updates`), `comments/comments.json`
//!   (`comments`), `likes_and_reactions/posts_and_comments.json` (`reactions`),
//!   `friends/*.json` (`friends`, `sent_requests`, `received_requests`),
//!   `following_and_followers/following.json`, `messages/<folder>/<thread>/message.json`,
//!   `profile_information/profile_information.json` (`profile`).
//! * 2020–23: `posts/your_posts_N.json` (a bare array), `comments_and_reactions/`
//!   (`comments_v2`, `group_comments_v2`, `reactions_v2`), `friends_and_followers/`
//!   (`friends_v2`, `sent_requests_v2`, `received_requests_v2`, `following_v2`, `followers_v2`),
//!   `messages/{inbox,archived_threads,filtered_threads,message_requests}/<thread>/message_N.json`,
//!   `profile_information/profile_information.json` (`profile_v2`).
//! * 2024+: the same files under `your_facebook_activity/` (posts in
//!   `your_posts__check_ins__photos_and_videos_N.json`, reactions in
//!   `likes_and_reactions_N.json`, messages also in `e2ee_cutover/`), and
//!   `connections/friends/your_friends.json`, `connections/followers/who_you've_followed.json`.
//!
//! Every string is run through [`util::fix_mojibake`] (Facebook writes each UTF-8
//! byte as its own `\u00XX`); timestamps may be seconds or milliseconds.
//!
//! Files that belong to Instagram (an Accounts Center export holding both, an
//! Instagram export with `messages/inbox/`, or a folder that mixes both kinds of
//! file) are handed to [`crate::instagram`], so one import picks up both networks.
//!
//! Message files are deserialised into typed structs; the other files are small
//! enough to parse whole into a `serde_json::Value`, one file at a time. Where
//! a list is expected, a single object is read as a list of one. A file that
//! cannot be read is skipped whole (see [`crate::files`]).

use std::collections::HashMap;

use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::Value;
use tactful_core::history::{Item, ItemKind, Network, Person, Record, SourceRef};

use crate::files::{Export, Out};
use crate::{Emit, ExportSource, ImportError, Options, Skip, Skipped, caps, instagram, util};

/// What a Facebook file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Profile,
    Posts,
    Comments,
    Reactions,
    Messages,
    Connections,
    /// A lone JSON file with an unknown name: read it if it is a Messenger thread.
    Lone,
}

pub fn import(
    src: &mut dyn ExportSource,
    opts: &Options,
    emit: &mut Emit<'_>,
) -> Result<Skipped, ImportError> {
    let entries = src.entries().to_vec();
    let instagram_only = instagram::looks_instagram_only(&entries);
    let lone = entries.len() == 1;
    let mut fb = Vec::new();
    let mut ig = Vec::new();
    for entry in entries {
        if let Some(k) = instagram::kind(&entry, instagram_only) {
            ig.push((entry, k));
        } else if let Some(k) = kind(&entry, lone) {
            fb.push((entry, k));
        }
    }
    if fb.is_empty() && ig.is_empty() {
        return Err(ImportError::Unknown {
            path: src.name().to_string(),
            expected:
                "Facebook files such as posts/your_posts_1.json, messages/inbox/<thread>/message_1.json, \
                       comments_and_reactions/comments.json or your_facebook_activity/…"
                    .into(),
        });
    }
    Export::new(src, opts, fb.len() + ig.len()).run(emit, |ex, out| {
        if !fb.is_empty() {
            import_files(ex, &fb, out)?;
        }
        if !ig.is_empty() {
            instagram::import_files(ex, &ig, out)?;
        }
        Ok(())
    })
}

pub(crate) fn is_json(name: &str) -> bool {
    std::path::Path::new(name).extension().is_some_and(|x| x.eq_ignore_ascii_case("json"))
}

/// `message.json` or `message_N.json`: one Messenger thread (or part of one).
pub(crate) fn is_thread_file(base: &str) -> bool {
    base == "message.json"
        || base
            .strip_prefix("message_")
            .and_then(|r| r.strip_suffix(".json"))
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

fn kind(entry: &str, lone: bool) -> Option<Kind> {
    let e = entry.to_ascii_lowercase();
    if !is_json(&e) {
        return None;
    }
    let base = e.rsplit('/').next().unwrap_or(&e);
    let dir = &e[..e.len() - base.len()];
    if is_thread_file(base) {
        return Some(Kind::Messages);
    }
    if base == "group_posts_and_comments.json"
        || base == "your_posts_and_comments_in_groups.json"
        || base.starts_with("your_posts")
    {
        return Some(Kind::Posts);
    }
    if base == "comments.json"
        || base == "comments_and_reactions.json"
        || base == "facebook_comments.json"
        || base == "your_comments_in_groups.json"
    {
        return Some(Kind::Comments);
    }
    if base == "posts_and_comments.json" || base.starts_with("likes_and_reactions") {
        return Some(Kind::Reactions);
    }
    if dir.contains("friends") || dir.contains("follow") {
        return Some(Kind::Connections);
    }
    if base.ends_with("profile_information.json") && !base.starts_with("instagram") {
        return Some(Kind::Profile);
    }
    lone.then_some(Kind::Lone)
}

fn import_files(ex: &mut Export, files: &[(String, Kind)], out: &mut Out) -> Result<(), ImportError> {
    let me = Me::announce(Network::Facebook, find_owner(ex, files, out)?, out)?;
    for (entry, kind) in files {
        let kind = *kind;
        match kind {
            Kind::Profile => None,
            Kind::Messages | Kind::Lone => ex.guard.read(entry, out, |out| {
                let thread = read_thread(ex.src, entry, kind == Kind::Lone)?;
                emit_thread(Network::Facebook, entry, thread, &me, out)
            })?,
            Kind::Posts | Kind::Comments | Kind::Reactions => ex
                .guard
                .read(entry, out, |out| activity_file(entry, &read_json(ex.src, entry)?, kind, &me, out))?,
            Kind::Connections => {
                ex.guard.read(entry, out, |out| connections_file(entry, &read_json(ex.src, entry)?, out))?
            }
        };
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Who the owner is

/// The account owner as far as an import knows it.
pub(crate) struct Me {
    person: Option<Person>,
}

/// The author given to the owner's own items when the export never says who the owner is.
pub(crate) const UNKNOWN_OWNER: &str = "(owner)";

impl Me {
    pub(crate) fn new(person: Option<Person>) -> Me {
        Me { person }
    }
    /// The owner found (with where the export says so), sent on as the
    /// owner of `network`'s account.
    pub(crate) fn announce(
        network: Network,
        owner: Option<(Person, SourceRef)>,
        out: &mut Out,
    ) -> Result<Me, ImportError> {
        if let Some((person, source)) = &owner {
            out.owner(network, person, source)?;
        }
        Ok(Me::new(owner.map(|o| o.0)))
    }
    /// Is this name (a sender, an actor, an author) the owner?
    pub(crate) fn is(&self, name: &str) -> bool {
        self.person.as_ref().is_some_and(|p| p.handle == name || p.name.as_deref() == Some(name))
    }
    /// The person to record as author of something the owner did; `named`
    /// is what the record itself says, used when the owner is unknown.
    pub(crate) fn author(&self, named: Option<&str>) -> Person {
        match (&self.person, named) {
            (Some(p), _) => p.clone(),
            (None, Some(n)) if !n.is_empty() => Person::named(n),
            _ => Person::named(UNKNOWN_OWNER),
        }
    }
    /// Someone other than the owner, or `None` when it is the owner.
    pub(crate) fn other(&self, name: &str) -> Option<Person> {
        (!name.is_empty() && !self.is(name)).then(|| Person::named(name))
    }
}

/// The owner set with `--owner`, said to come from the export as a whole.
pub(crate) fn given_owner(ex: &Export) -> Option<(Person, SourceRef)> {
    let source = || SourceRef { file: ex.src.name().to_string(), position: "set with --owner".into() };
    ex.opts.owner.clone().map(|p| (p, source()))
}

/// The owner: `--owner`, else the profile file, else the person found in
/// every conversation (see [`Votes`]), else the most frequent comment author.
fn find_owner(
    ex: &mut Export,
    files: &[(String, Kind)],
    out: &mut Out,
) -> Result<Option<(Person, SourceRef)>, ImportError> {
    if let Some(given) = given_owner(ex) {
        return Ok(Some(given));
    }
    // The real export's name first; Waultar's fixtures also carry `v2_profile_information.json`.
    let mut profiles: Vec<&String> =
        files.iter().filter(|(_, k)| *k == Kind::Profile).map(|(e, _)| e).collect();
    profiles.sort_by_key(|e| {
        let e = e.to_ascii_lowercase();
        !(e == "profile_information.json" || e.ends_with("/profile_information.json"))
    });
    for entry in profiles {
        if let Some(Some(found)) =
            ex.guard.scan(entry, out, || profile_owner(&read_json(ex.src, entry)?, entry))?
        {
            return Ok(Some(found));
        }
    }
    let mut votes = Votes::default();
    let mut first = None;
    for (entry, kind) in files {
        if matches!(kind, Kind::Messages | Kind::Lone)
            && ex.guard.scan(entry, out, || votes.count(ex.src, entry))?.is_some()
        {
            first.get_or_insert(entry);
        }
    }
    if let (Some(name), Some(entry)) = (votes.winner(), first) {
        let position = format!("the person in most conversations ({} read)", votes.threads);
        return Ok(Some((Person::named(name), SourceRef { file: entry.clone(), position })));
    }
    // The comments and reactions files hold only the owner's own: their author is the owner.
    let mut authors: HashMap<String, usize> = HashMap::new();
    let mut first = None;
    for (entry, kind) in files {
        if matches!(kind, Kind::Comments | Kind::Reactions) {
            let Some(v) = ex.guard.scan(entry, out, || read_json(ex.src, entry))? else { continue };
            for list in lists(&v, ACTIVITY_KEYS, ACTIVITY_FIELDS) {
                for el in list.items {
                    for d in el.get("data").and_then(Value::as_array).into_iter().flatten() {
                        let name = d
                            .pointer("/comment/author")
                            .or_else(|| d.pointer("/reaction/actor"))
                            .and_then(Value::as_str);
                        if let Some(n) = name.filter(|n| !n.is_empty() && caps::fits(n)) {
                            *authors.entry(util::fix_mojibake(n)).or_default() += 1;
                            first.get_or_insert(entry);
                        }
                    }
                }
            }
        }
    }
    let best = authors.into_iter().max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)));
    Ok(best.zip(first).map(|((name, _), entry)| {
        (
            Person::named(name),
            SourceRef { file: entry.clone(), position: "the author of the comments and reactions".into() },
        )
    }))
}

/// The owner named in `profile_information.json`, if it names one.
fn profile_owner(v: &Value, entry: &str) -> Result<Option<(Person, SourceRef)>, ImportError> {
    for key in ["profile_v2", "profile"] {
        let Some(p) = v.get(key) else { continue };
        let Some(name) = p
            .pointer("/name/full_name")
            .and_then(Value::as_str)
            .map(util::fix_mojibake)
            .filter(|n| !n.trim().is_empty())
        else {
            continue;
        };
        let person = Person {
            handle: name.clone(),
            name: Some(name),
            profile_url: p.get("profile_uri").and_then(Value::as_str).map(str::to_string),
            email: p.pointer("/emails/emails/0").and_then(Value::as_str).map(str::to_string),
        };
        let position = format!("{key}.name.full_name");
        caps::check_person(&person, entry, &position, "owner")?;
        return Ok(Some((person, SourceRef { file: entry.to_string(), position })));
    }
    Ok(None)
}

/// Who owns a set of conversations. The owner is in every thread, and a
/// one-to-one thread is named (`title`) after the other person, so each thread
/// gives a vote to its participants other than the one it is named after; the
/// most messages sent breaks ties. (Plain "most messages sent" picks the
/// chattier friend in a single thread: the Waultar sample shows it.)
#[derive(Default)]
pub(crate) struct Votes {
    people: HashMap<String, (usize, usize)>,
    threads: usize,
}

#[derive(Deserialize)]
struct ThreadPeople {
    #[serde(default, deserialize_with = "util::one_or_many")]
    participants: Vec<Participant>,
    #[serde(default, deserialize_with = "util::one_or_many")]
    messages: Vec<SenderOnly>,
    #[serde(default)]
    title: Option<String>,
}

#[derive(Deserialize)]
struct SenderOnly {
    #[serde(default)]
    sender_name: Option<String>,
}

impl Votes {
    pub(crate) fn count(&mut self, src: &mut dyn ExportSource, entry: &str) -> Result<(), ImportError> {
        let text = util::read_text(src.open(entry)?, entry)?;
        let Ok(t) = serde_json::from_str::<ThreadPeople>(&text) else {
            // The import pass reports the error with its position.
            return Ok(());
        };
        // A name over the cap is no one's: its thread is refused when read for its records.
        let mut names: Vec<String> =
            t.participants.iter().filter_map(Participant::name).filter(|n| caps::fits(n)).collect();
        for m in &t.messages {
            if let Some(s) =
                m.sender_name.as_deref().map(util::fix_mojibake).filter(|s| !s.is_empty() && caps::fits(s))
            {
                self.people.entry(s.clone()).or_default().1 += 1;
                if !names.contains(&s) {
                    names.push(s);
                }
            }
        }
        let title = t.title.as_deref().map(util::fix_mojibake);
        let named_after = if names.len() == 2 { title.filter(|t| names.contains(t)) } else { None };
        for n in names {
            if Some(&n) != named_after.as_ref() {
                self.people.entry(n).or_default().0 += 1;
            }
        }
        self.threads += 1;
        Ok(())
    }

    pub(crate) fn winner(&self) -> Option<String> {
        self.people.iter().max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0))).map(|(n, _)| n.clone())
    }
}

// ---------------------------------------------------------------------------
// Messenger threads (shared with Instagram, whose messages have the same shape)

#[derive(Deserialize)]
pub(crate) struct Thread {
    #[serde(default, deserialize_with = "util::one_or_many")]
    participants: Vec<Participant>,
    #[serde(default, deserialize_with = "util::one_or_many")]
    messages: Vec<Message>,
    #[serde(default, rename = "thread_path")]
    path: Option<String>,
}

/// `{"name": "Ann"}`, or a bare string in some older Instagram threads.
#[derive(Deserialize)]
#[serde(untagged)]
enum Participant {
    Named {
        #[serde(default)]
        name: Option<String>,
    },
    Bare(String),
    #[allow(dead_code)]
    Other(IgnoredAny),
}

impl Participant {
    fn name(&self) -> Option<String> {
        match self {
            Participant::Named { name: Some(n) } | Participant::Bare(n) if !n.is_empty() => {
                Some(util::fix_mojibake(n))
            }
            _ => None,
        }
    }
}

#[derive(Deserialize)]
struct Message {
    #[serde(default)]
    sender_name: Option<String>,
    #[serde(default)]
    timestamp_ms: Option<i64>,
    #[serde(default)]
    content: Option<String>,
    #[serde(default, deserialize_with = "util::one_or_many")]
    reactions: Vec<MessageReaction>,
    #[serde(default)]
    is_unsent: bool,
    #[serde(default)]
    photos: Option<IgnoredAny>,
    #[serde(default)]
    videos: Option<IgnoredAny>,
    #[serde(default)]
    gifs: Option<IgnoredAny>,
    #[serde(default)]
    audio_files: Option<IgnoredAny>,
    #[serde(default)]
    files: Option<IgnoredAny>,
    #[serde(default)]
    sticker: Option<IgnoredAny>,
    #[serde(default)]
    share: Option<IgnoredAny>,
}

impl Message {
    fn has_attachment(&self) -> bool {
        [&self.photos, &self.videos, &self.gifs, &self.audio_files, &self.files, &self.sticker, &self.share]
            .iter()
            .any(|a| a.is_some())
    }
}

#[derive(Deserialize)]
struct MessageReaction {
    #[serde(default)]
    reaction: Option<String>,
    #[serde(default)]
    actor: Option<String>,
    #[serde(default)]
    timestamp: Option<i64>,
}

/// Read one thread file. `lone`: the file was given on its own under another
/// name, so it must show it is a thread.
pub(crate) fn read_thread(
    src: &mut dyn ExportSource,
    entry: &str,
    lone: bool,
) -> Result<Thread, ImportError> {
    let text = util::read_text(src.open(entry)?, entry)?;
    let t: Thread =
        util::parse_json(&text, entry, "a Messenger thread (an object with `participants` and `messages`)")?;
    if lone && t.messages.is_empty() && t.participants.is_empty() {
        return Err(ImportError::format(
            entry,
            "start",
            "a Messenger thread (an object with `participants` and `messages`)",
            "a JSON file without them",
        ));
    }
    Ok(t)
}

/// The thread's id: the folder Facebook keeps it in (`annsmith_a1b2c3`), which
/// stays the same when a thread moves between inbox, archive and requests.
fn thread_id(entry: &str, thread_path: Option<&str>) -> String {
    if let Some(last) =
        thread_path.and_then(|p| p.trim_end_matches('/').rsplit('/').next()).filter(|s| !s.is_empty())
    {
        return last.to_string();
    }
    let mut parts = entry.rsplit('/');
    let file = parts.next().unwrap_or(entry);
    parts.next().map_or_else(|| file.trim_end_matches(".json").to_string(), str::to_string)
}

pub(crate) fn emit_thread(
    network: Network,
    entry: &str,
    t: Thread,
    me: &Me,
    out: &mut Out,
) -> Result<(), ImportError> {
    let thread = thread_id(entry, t.path.as_deref());
    let mut people: Vec<String> = t.participants.iter().filter_map(Participant::name).collect();
    if people.is_empty() {
        for m in &t.messages {
            if let Some(s) = m
                .sender_name
                .as_deref()
                .map(util::fix_mojibake)
                .filter(|s| !s.is_empty() && !people.contains(s))
            {
                people.push(s);
            }
        }
    }
    let skip = |out: &mut Out, position: String, reason: &str| {
        out.skip(Skip::record(entry, position, reason));
    };
    for (i, m) in t.messages.into_iter().enumerate() {
        let position = format!("messages[{i}]");
        let Some(sender) = m.sender_name.as_deref().map(util::fix_mojibake).filter(|s| !s.is_empty()) else {
            skip(out, position, "message without a sender");
            continue;
        };
        let Some(at) = m.timestamp_ms.filter(|&t| t > 0).map(util::epoch_seconds) else {
            skip(out, position, "message without a time");
            continue;
        };
        let by_owner = me.is(&sender);
        let text = m.content.as_deref().map(util::fix_mojibake).unwrap_or_default();
        let keep = if !text.is_empty() || m.has_attachment() {
            true
        } else {
            skip(
                out,
                position.clone(),
                if m.is_unsent {
                    "message was unsent: nothing left of it"
                } else {
                    "message with no text and no attachment"
                },
            );
            false
        };
        if keep {
            let counterparts = people
                .iter()
                .filter(|p| **p != sender && !me.is(p))
                .map(|p| Person::named(p.as_str()))
                .collect();
            out.emit(Record::Item(Item {
                network,
                kind: ItemKind::Message,
                external_id: None,
                author: if by_owner { me.author(Some(&sender)) } else { Person::named(sender.as_str()) },
                by_owner,
                counterparts,
                thread: Some(thread.clone()),
                parent: None,
                at,
                text,
                source: SourceRef { file: entry.to_string(), position: position.clone() },
            }))?;
        }
        for (j, r) in m.reactions.iter().enumerate() {
            let position = format!("{position}.reactions[{j}]");
            let (Some(actor), Some(reaction)) =
                (r.actor.as_deref().map(util::fix_mojibake).filter(|a| !a.is_empty()), r.reaction.as_deref())
            else {
                skip(out, position, "reaction without its actor or its reaction");
                continue;
            };
            let mine = me.is(&actor);
            out.emit(Record::Item(Item {
                network,
                kind: ItemKind::Reaction,
                external_id: None,
                author: if mine { me.author(Some(&actor)) } else { Person::named(actor.as_str()) },
                by_owner: mine,
                counterparts: if sender != actor {
                    me.other(&sender).into_iter().collect()
                } else {
                    Vec::new()
                },
                thread: Some(thread.clone()),
                parent: None,
                at: r.timestamp.filter(|&t| t > 0).map_or(at, util::epoch_seconds),
                text: util::fix_mojibake(reaction),
                source: SourceRef { file: entry.to_string(), position },
            }))?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Posts, comments and reactions

/// The wrapper keys of the activity files, across the years.
const ACTIVITY_KEYS: &[&str] = &[
    "status_updates",
    "group_posts_v2",
    "group_posts",
    "comments_v2",
    "group_comments_v2",
    "comments",
    "reactions_v2",
    "reactions",
];

/// One list of records inside a file, with the JSON path to it.
pub(crate) struct List<'v> {
    pub(crate) path: String,
    pub(crate) key: &'static str,
    pub(crate) items: &'v [Value],
}

/// The fields of a post, comment or reaction: an object with one of these,
/// where a list of them is expected, is a list of one.
const ACTIVITY_FIELDS: &[&str] = &["timestamp", "data", "title", "attachments"];

/// The record lists in a file: a bare array, an object holding some of
/// `keys`, or (Waultar's merged files) an array of such objects. A single
/// object stands for a list of one: under one of `keys`, or as the whole file
/// when it has one of `fields` (the keys a record has).
pub(crate) fn lists<'v>(v: &'v Value, keys: &[&'static str], fields: &[&str]) -> Vec<List<'v>> {
    let in_object = |o: &'v serde_json::Map<String, Value>, prefix: &str| -> Vec<List<'v>> {
        keys.iter()
            .filter_map(|&k| {
                let items = match o.get(k)? {
                    Value::Array(a) => a.as_slice(),
                    one @ Value::Object(_) => std::slice::from_ref(one),
                    _ => return None,
                };
                Some(List { path: format!("{prefix}{k}"), key: k, items })
            })
            .collect()
    };
    match v {
        Value::Object(o) => {
            let found = in_object(o, "");
            if found.is_empty() && fields.iter().any(|f| o.contains_key(*f)) {
                return vec![List { path: String::new(), key: "", items: std::slice::from_ref(v) }];
            }
            found
        }
        Value::Array(a) => {
            let blocks = !a.is_empty()
                && a.iter().all(|el| {
                    el.as_object()
                        .is_some_and(|o| keys.iter().any(|k| o.get(*k).is_some_and(Value::is_array)))
                });
            if blocks {
                a.iter()
                    .enumerate()
                    .flat_map(|(i, el)| {
                        el.as_object().map(|o| in_object(o, &format!("[{i}]."))).unwrap_or_default()
                    })
                    .collect()
            } else {
                vec![List { path: String::new(), key: "", items: a.as_slice() }]
            }
        }
        _ => Vec::new(),
    }
}

/// Every record of the lists in `v` (see [`lists`]), with its position
/// (`path[i]`). A file holding none of them is not of this kind: an error
/// saying what was `expected`.
pub(crate) fn records<'v>(
    entry: &str,
    v: &'v Value,
    keys: &[&'static str],
    fields: &[&str],
    expected: &str,
) -> Result<Vec<(String, &'v Value)>, ImportError> {
    let found = lists(v, keys, fields);
    if found.is_empty() {
        return Err(ImportError::format(entry, "start", expected, describe(v)));
    }
    Ok(found
        .into_iter()
        .flat_map(|l| l.items.iter().enumerate().map(move |(i, el)| (format!("{}[{i}]", l.path), el)))
        .collect())
}

/// A list of friends or follows: where it is, whether the owner made those
/// connections, and how to say so.
pub(crate) type ConnectionList<'v> = (String, bool, &'static str, &'v [Value]);

/// Every entry of the `found` lists as a connection. `read` gives the other
/// person (or what the entry lacks to name one) and the time; an entry
/// without either is skipped, named after its list.
pub(crate) fn emit_connections(
    network: Network,
    entry: &str,
    found: Vec<ConnectionList<'_>>,
    read: impl Fn(&Value) -> (Result<Person, &'static str>, Option<i64>),
    out: &mut Out,
) -> Result<(), ImportError> {
    for (path, by_owner, label, items) in found {
        for (i, el) in items.iter().enumerate() {
            let position = format!("{path}[{i}]");
            let (other, at) = match read(el) {
                (Ok(other), Some(at)) => (other, at),
                (Err(lacks), _) => {
                    out.skip(Skip::record(entry, position, format!("{label}: entry without {lacks}")));
                    continue;
                }
                (Ok(_), None) => {
                    out.skip(Skip::record(entry, position, format!("{label}: entry without a time")));
                    continue;
                }
            };
            let source = SourceRef { file: entry.to_string(), position };
            let item = util::connection(network, other, by_owner, None, at, label.to_string(), source);
            out.emit(Record::Item(item))?;
        }
    }
    Ok(())
}

pub(crate) fn read_json(src: &mut dyn ExportSource, entry: &str) -> Result<Value, ImportError> {
    let text = util::read_text(src.open(entry)?, entry)?;
    util::parse_json(&text, entry, "JSON")
}

/// Seconds from a JSON number (seconds or milliseconds); `None` when absent or not positive.
pub(crate) fn time(v: Option<&Value>) -> Option<i64> {
    let n = v.and_then(|v| {
        v.as_i64()
            .or_else(|| v.as_f64().map(|f| f as i64))
            .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
    })?;
    (n > 0).then(|| util::epoch_seconds(n))
}

pub(crate) fn string(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str).map(util::fix_mojibake).filter(|s| !s.trim().is_empty())
}

fn activity_file(entry: &str, v: &Value, kind: Kind, me: &Me, out: &mut Out) -> Result<(), ImportError> {
    let expected = match kind {
        Kind::Posts => {
            "a list of posts (a JSON array, or an object with `status_updates` or `group_posts_v2`)"
        }
        Kind::Comments => {
            "a list of comments (a JSON array, or an object with `comments_v2`, `group_comments_v2` or `comments`)"
        }
        _ => "a list of reactions (a JSON array, or an object with `reactions_v2` or `reactions`)",
    };
    for (position, el) in records(entry, v, ACTIVITY_KEYS, ACTIVITY_FIELDS, expected)? {
        if let Some(item) = activity(entry, &position, el, kind, me, out) {
            out.emit(Record::Item(item))?;
        }
    }
    Ok(())
}

/// One element of an activity file: a post, a comment or a reaction, by what
/// its `data` holds (group files mix posts and comments), else by the file.
fn activity(entry: &str, position: &str, el: &Value, kind: Kind, me: &Me, out: &mut Out) -> Option<Item> {
    let mut skip = |reason: String| {
        out.skip(Skip::record(entry, position, reason));
        None
    };
    if !el.is_object() {
        return skip(format!("expected an object, found {}", describe(el)));
    }
    let data: &[Value] = el.get("data").and_then(Value::as_array).map_or(&[], Vec::as_slice);
    let title = string(el.get("title"));
    let has_attachment = el.get("attachments").and_then(Value::as_array).is_some_and(|a| !a.is_empty());
    let source = SourceRef { file: entry.to_string(), position: position.to_string() };
    let counterparts: Vec<Person> =
        title.as_deref().and_then(target_of).and_then(|n| me.other(&n)).into_iter().collect();
    if let Some(c) = data.iter().find_map(|d| d.get("comment")) {
        let text = string(c.get("comment")).unwrap_or_default();
        if text.is_empty() && !has_attachment {
            return skip("comment with no text and no attachment".into());
        }
        let Some(at) = time(c.get("timestamp")).or_else(|| time(el.get("timestamp"))) else {
            return skip("comment without a time".into());
        };
        let author = me.author(string(c.get("author")).as_deref());
        return Some(Item {
            thread: string(c.get("group")),
            ..util::by_owner_item(
                Network::Facebook,
                ItemKind::Comment,
                author,
                counterparts,
                at,
                text,
                source,
            )
        });
    }
    if let Some(r) = data.iter().find_map(|d| d.get("reaction")) {
        let Some(at) = time(el.get("timestamp")) else {
            return skip("reaction without a time".into());
        };
        let author = me.author(string(r.get("actor")).as_deref());
        let text = string(r.get("reaction")).unwrap_or_default();
        return Some(util::by_owner_item(
            Network::Facebook,
            ItemKind::Reaction,
            author,
            counterparts,
            at,
            text,
            source,
        ));
    }
    match kind {
        Kind::Comments => skip(format!(
            "comment without its text: the export kept only the title ({})",
            title.as_deref().unwrap_or("none")
        )),
        Kind::Reactions => skip("reaction in a layout tactful does not read (no `data[].reaction`)".into()),
        _ => {
            let mut text = data.iter().filter_map(|d| string(d.get("post"))).collect::<Vec<_>>().join("\n\n");
            if text.is_empty() {
                // A photo posted with a caption but no status text: the caption is what the owner wrote.
                text = media_descriptions(el).unwrap_or_default();
            }
            if text.is_empty() && !has_attachment {
                return skip(format!(
                    "post with no text and no attachment (title: {})",
                    title.as_deref().unwrap_or("none")
                ));
            }
            let Some(at) = time(el.get("timestamp")) else {
                return skip("post without a time".into());
            };
            Some(util::by_owner_item(
                Network::Facebook,
                ItemKind::Post,
                me.author(None),
                counterparts,
                at,
                text,
                source,
            ))
        }
    }
}

fn media_descriptions(el: &Value) -> Option<String> {
    let attachments = el.get("attachments")?.as_array()?;
    attachments
        .iter()
        .filter_map(|a| a.get("data").and_then(Value::as_array))
        .flatten()
        .find_map(|d| string(d.pointer("/media/description")))
}

/// The other person in an English activity title: "Ann commented on Bob
/// Lee's post." gives "Bob Lee". Titles in other languages give nothing.
fn target_of(title: &str) -> Option<String> {
    const VERBS: [&str; 9] = [
        " commented on ",
        " replied to ",
        " likes ",
        " liked ",
        " loved ",
        " reacted to ",
        " wrote on ",
        " shared ",
        " posted on ",
    ];
    let (verb_at, verb) =
        VERBS.iter().filter_map(|v| title.find(v).map(|i| (i, *v))).min_by_key(|(i, _)| *i)?;
    let rest = &title[verb_at + verb.len()..];
    let end = rest.find("'s ").or_else(|| rest.find("\u{2019}s "))?;
    let name = rest[..end].trim();
    let own = ["his own", "her own", "their own", "your own", "a", "an", "the"];
    (!name.is_empty() && name.len() <= 100 && !own.contains(&name.to_ascii_lowercase().as_str()))
        .then(|| name.to_string())
}

pub(crate) fn describe(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(_) => "a boolean".into(),
        Value::Number(_) => "a number".into(),
        Value::String(_) => "a string".into(),
        Value::Array(_) => "an array".into(),
        Value::Object(o) => {
            let keys: Vec<&str> = o.keys().take(4).map(String::as_str).collect();
            format!("an object with keys {}", keys.join(", "))
        }
    }
}

// ---------------------------------------------------------------------------
// Friends and follows

/// Which lists are connections, whether the owner made them, and how to say so.
const CONNECTION_KEYS: &[(&str, bool, &str)] = &[
    ("friends_v2", false, "friends"),
    ("friends", false, "friends"),
    ("sent_requests_v2", true, "friend request sent"),
    ("sent_requests", true, "friend request sent"),
    ("received_requests_v2", false, "friend request received"),
    ("received_requests", false, "friend request received"),
    ("following_v3", true, "you follow"),
    ("following_v2", true, "you follow"),
    ("following", true, "you follow"),
    ("followers_v3", false, "follows you"),
    ("followers_v2", false, "follows you"),
    ("followers", false, "follows you"),
];

fn connections_file(entry: &str, v: &Value, out: &mut Out) -> Result<(), ImportError> {
    let keys: Vec<&'static str> = CONNECTION_KEYS.iter().map(|c| c.0).collect();
    // Other files in these folders (removed friends, people you may know, …) are not connections.
    if !v.is_object() {
        return Ok(());
    }
    let found = lists(v, &keys, &[])
        .into_iter()
        .filter_map(|l| {
            let &(_, by_owner, label) = CONNECTION_KEYS.iter().find(|c| c.0 == l.key)?;
            Some((l.path, by_owner, label, l.items))
        })
        .collect();
    let read =
        |el: &Value| (string(el.get("name")).map(Person::named).ok_or("a name"), time(el.get("timestamp")));
    emit_connections(Network::Facebook, entry, found, read, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_other_person_from_english_titles_only() {
        assert_eq!(target_of("Ann Lee commented on Bob Stone's post.").as_deref(), Some("Bob Stone"));
        assert_eq!(target_of("Ann Lee replied to Bob Stone\u{2019}s comment.").as_deref(), Some("Bob Stone"));
        assert_eq!(target_of("Ann Lee commented on his own post."), None);
        assert_eq!(target_of("Ann Lee har kommenteret Bob Stones opslag."), None);
    }

    #[test]
    fn knows_the_thread_files() {
        assert!(is_thread_file("message_1.json"));
        assert!(is_thread_file("message.json"));
        assert!(!is_thread_file("message_requests.json"));
        assert_eq!(kind("messages/archived_threads/ann_1/message_2.json", false), Some(Kind::Messages));
        assert_eq!(
            kind("your_facebook_activity/posts/your_posts__check_ins__photos_and_videos_1.json", false),
            Some(Kind::Posts)
        );
        assert_eq!(kind("connections/followers/who_you've_followed.json", false), Some(Kind::Connections));
        assert_eq!(kind("2A_7M.json", true), Some(Kind::Lone));
        assert_eq!(kind("2A_7M.json", false), None);
    }

    #[test]
    fn names_a_thread_after_its_folder() {
        assert_eq!(thread_id("messages/inbox/ann_1/message_1.json", Some("inbox/ann_1")), "ann_1");
        assert_eq!(thread_id("messages/archived_threads/ann_1/message_1.json", None), "ann_1");
        assert_eq!(thread_id("2A_7M.json", None), "2A_7M");
    }
}

//! X / Twitter archives: the "Your Twitter Data" archive (2019+, `data/*.js`
//! files of the form `window.YTD.<type>.partN = [ … ]`) and the 2012–2018
//! "Grailbird" archive (`data/js/tweets/YYYY_MM.js`, each
//! `Grailbird.data.tweets_YYYY_MM = [ … ]`).
//!
//! The `.js` files are never executed: the assignment prefix is blanked out
//! (replaced by spaces, so line and column numbers in errors still match the
//! file) and the rest is parsed as JSON.
//!
//! What is read:
//! - `account.js` (else `manifest.js`'s `userInfo`, else Grailbird's
//!   `user_details.js` or the `user` of the first tweet, else the most
//!   frequent DM sender): who the owner is. `Options::owner` overrides.
//! - `tweets.js`, `tweet.js`, `tweets-partN.js`: the owner's posts. A
//!   retweet ("RT @…", or a `retweeted_status`) is a share; a tweet with
//!   `in_reply_to_status_id_str` is a comment on that tweet; the rest are
//!   posts. HTML entities (`&amp;`, `&lt;`, `&gt;`) are decoded.
//! - `note-tweet.js`: the full text of long posts; it replaces the
//!   truncated `full_text` of the tweet posted in the same second whose text
//!   it starts with (the archive does not link the two by id).
//! - `direct-messages.js`, `direct-messages-group.js` (and their `-partN`):
//!   messages. Events that are not messages (`joinConversation`,
//!   `participantsLeave`, …) are skipped with a reason; reactions are ignored.
//! - `follower.js`, `following.js`: connections. The archive gives no date, so
//!   `at` is 0 (unknown); the ids are stable, so re-imports add nothing.
//! - `like.js`: the owner's likes, as reactions. `at` is `likedAt` when the
//!   archive has it, else the liked post's own time (decoded from its id), the
//!   earliest the like can have happened (0, unknown, for posts from before
//!   November 2010). The liked text is not copied (it is someone else's words).
//!
//! Everything else in the archive (ads, devices, deleted posts, …) is ignored.
//! Where a list is expected, a single object is read as a list of one; a file
//! that cannot be read is skipped whole (see [`crate::files`]).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde::{Deserialize, Deserializer};
use serde_json::Value;
use tactful_core::history::{Item, ItemKind, Network, Person, Record, SourceRef};

use crate::files::{Export, Out};
use crate::linkedin::decode_html_entities;
use crate::util::OneOrMany;
use crate::{Emit, ExportSource, ImportError, Options, Skip, Skipped, caps, util};

const NET: Network = Network::X;

/// Import an X / Twitter archive.
pub fn import(
    src: &mut dyn ExportSource,
    opts: &Options,
    emit: &mut Emit<'_>,
) -> Result<Skipped, ImportError> {
    let entries: Vec<String> = src.entries().to_vec();
    let read = entries
        .iter()
        .filter(|e| {
            file_type(e).is_some()
                || matches!(
                    data_type(e),
                    Some("account" | "manifest" | "user_details" | "note-tweet" | "note-tweets")
                )
        })
        .count();
    Export::new(src, opts, read).run(emit, |ex, out| {
        // 1. Who the owner is, and the long-post texts, before any content.
        let mut owner = find_owner(ex, &entries, out)?;
        let notes = load_notes(ex, &entries, out)?;
        if owner.person.is_none() {
            owner_from_messages(ex, &entries, &mut owner, out)?;
        }
        if let (Some(person), Some(source)) = (&owner.person, &owner.source) {
            out.owner(NET, person, source)?;
            owner.emitted = true;
        }

        // 2. Content.
        for entry in &entries {
            let Some(ty) = file_type(entry) else { continue };
            // A Grailbird file teaches who the owner is: forgotten again if the file is skipped.
            let before = owner.clone();
            let read = ex.guard.read(entry, out, |out| {
                let text = read_js(ex.src, entry)?;
                match ty {
                    FileType::Tweets => tweets(&text, entry, false, &mut owner, &notes, out),
                    FileType::Grailbird => tweets(&text, entry, true, &mut owner, &notes, out),
                    FileType::Messages => messages(&text, entry, &owner, out),
                    FileType::Follower => follows(&text, entry, false, out),
                    FileType::Following => follows(&text, entry, true, out),
                    FileType::Like => likes(&text, entry, &owner, out),
                }
            })?;
            if read.is_none() {
                owner = before;
            }
        }
        Ok(())
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileType {
    Tweets,
    Grailbird,
    Messages,
    Follower,
    Following,
    Like,
}

/// The file's name without folder, `.js` and `-partN`: `tweets-part1.js` → `tweets`.
fn data_type(entry: &str) -> Option<&str> {
    let base = entry.rsplit('/').next().unwrap_or(entry);
    let stem = base.strip_suffix(".js")?;
    Some(match stem.rfind("-part") {
        Some(i) if stem[i + 5..].chars().all(|c| c.is_ascii_digit()) && stem.len() > i + 5 => &stem[..i],
        _ => stem,
    })
}

fn file_type(entry: &str) -> Option<FileType> {
    let base = entry.rsplit('/').next().unwrap_or(entry);
    let parent = entry.rsplit('/').nth(1).unwrap_or("");
    let b = base.as_bytes();
    if parent == "tweets"
        && b.len() == 10
        && &b[7..] == b".js"
        && b[4] == b'_'
        && b[..4].iter().chain(&b[5..7]).all(u8::is_ascii_digit)
    {
        return Some(FileType::Grailbird);
    }
    match data_type(entry)? {
        "tweets" | "tweet" => Some(FileType::Tweets),
        "direct-messages" | "direct-message" | "direct-messages-group" | "direct-message-group" => {
            Some(FileType::Messages)
        }
        "follower" => Some(FileType::Follower),
        "following" => Some(FileType::Following),
        "like" => Some(FileType::Like),
        _ => None,
    }
}

fn entries_of<'a>(entries: &'a [String], ty: &'a str) -> impl Iterator<Item = &'a String> + 'a {
    entries.iter().filter(move |e| data_type(e) == Some(ty))
}

/// Read a `.js` file and blank out its JavaScript assignment prefix
/// (`window.YTD.tweets.part0 = `, `Grailbird.data.tweets_2013_02 = `,
/// `var user_details = `) and any trailing `;`, so what is left is JSON with
/// every line and column where it was.
fn read_js(src: &mut dyn ExportSource, entry: &str) -> Result<String, ImportError> {
    let mut text = util::read_text(src.open(entry)?, entry)?;
    let start = text.find(|c: char| !c.is_whitespace()).unwrap_or(text.len());
    let head = &text[start..];
    if head.starts_with("window.") || head.starts_with("Grailbird.") || head.starts_with("var ") {
        // The prefix ends at the first `=`; it holds no newline in any archive seen.
        let Some(eq) = head.find('=') else {
            return Err(ImportError::format(
                entry,
                "line 1",
                "a JavaScript assignment `… = [` followed by JSON",
                "no `=`",
            ));
        };
        let end = start + eq + 1;
        let blank: String = text[..end].chars().map(|c| if c == '\n' { '\n' } else { ' ' }).collect();
        text.replace_range(..end, &blank);
    }
    let trimmed = text.trim_end().len();
    if text[..trimmed].ends_with(';') {
        text.replace_range(trimmed - 1..trimmed, " ");
    }
    Ok(text)
}

/// Who owns the archive, and the identifiers that mean "the owner".
#[derive(Default, Clone)]
struct Owner {
    person: Option<Person>,
    source: Option<SourceRef>,
    /// Lower-cased account ids and usernames (without `@`).
    ids: HashSet<String>,
    emitted: bool,
}

impl Owner {
    fn is(&self, id: &str) -> bool {
        let id = id.trim_start_matches('@');
        self.ids.contains(id) || self.ids.contains(&id.to_ascii_lowercase())
    }
    fn add_ids(&mut self, ids: &[&str]) {
        for id in ids {
            let id = id.trim().trim_start_matches('@').to_ascii_lowercase();
            if !id.is_empty() {
                self.ids.insert(id);
            }
        }
    }
    /// The owner as an author, or a placeholder when the archive never says.
    fn author(&self) -> Person {
        self.person.clone().unwrap_or_else(util::unnamed_owner)
    }
    /// The owner as a counterpart; `None` when unknown.
    fn counterpart(&self) -> Option<Person> {
        self.person.clone()
    }
    /// Learn the owner from the archive itself, unless the user said who it is
    /// (in which case the archive's ids count as the owner's only if they match).
    fn learn(&mut self, opts: &Options, person: Person, username: &str, source: SourceRef) {
        let export_ids = [person.handle.as_str(), username];
        if let Some(given) = &opts.owner {
            if self.person.is_none() {
                self.person = Some(given.clone());
                self.source = Some(SourceRef { file: "(options)".into(), position: "owner".into() });
                self.add_ids(&[given.handle.as_str()]);
            }
            let wanted = given.handle.trim_start_matches('@').to_ascii_lowercase();
            if export_ids.iter().any(|i| i.to_ascii_lowercase() == wanted) {
                self.add_ids(&export_ids);
            }
            return;
        }
        if self.person.is_none() {
            self.add_ids(&export_ids);
            self.person = Some(person);
            self.source = Some(source);
        }
    }
}

fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty())
}

fn profile(username: &str) -> Option<String> {
    (!username.is_empty()).then(|| format!("https://twitter.com/{username}"))
}

/// The owner an owner file names: the person, their username, where it says so.
type Named = (Person, String, SourceRef);

fn find_owner(ex: &mut Export, entries: &[String], out: &mut Out) -> Result<Owner, ImportError> {
    let mut owner = Owner::default();
    if let Some((given, source)) = util::given_owner(ex.opts) {
        owner.add_ids(&[given.handle.as_str()]);
        (owner.person, owner.source) = (Some(given), Some(source));
    }
    // account.js: [ { "account": { accountId, username, accountDisplayName } } ]
    for entry in entries_of(entries, "account").cloned().collect::<Vec<_>>() {
        let read = |src: &mut dyn ExportSource| -> Result<Option<Named>, ImportError> {
            let text = read_js(src, &entry)?;
            let v: Value = util::parse_json(&text, &entry, "a JSON array of {\"account\": {…}}")?;
            // The list of one account, or the one account alone.
            let first = if let Value::Array(a) = &v { a.first() } else { Some(&v) };
            let Some(a) = first.and_then(|x| x.get("account")) else { return Ok(None) };
            let Some(id) = str_of(a, "accountId") else { return Ok(None) };
            let username = str_of(a, "username").unwrap_or("");
            let person = Person {
                handle: id.to_string(),
                name: str_of(a, "accountDisplayName")
                    .map(str::to_string)
                    .or_else(|| (!username.is_empty()).then(|| format!("@{username}"))),
                profile_url: profile(username),
                email: None,
            };
            named(person, username, &entry, "[0].account")
        };
        if let Some(Some((person, username, source))) = ex.guard.scan(&entry, out, || read(ex.src))? {
            owner.learn(ex.opts, person, &username, source);
        }
    }
    // manifest.js: window.__THAR_CONFIG = { "userInfo": { accountId, userName, displayName } }
    for entry in entries.iter().filter(|e| data_type(e) == Some("manifest")).cloned().collect::<Vec<_>>() {
        let read = |src: &mut dyn ExportSource| -> Result<Option<Named>, ImportError> {
            let text = read_js(src, &entry)?;
            let v: Value = util::parse_json(&text, &entry, "a JSON object with \"userInfo\"")?;
            let Some(u) = v.get("userInfo") else { return Ok(None) };
            let Some(id) = str_of(u, "accountId") else { return Ok(None) };
            let username = str_of(u, "userName").unwrap_or("");
            let person = Person {
                handle: id.to_string(),
                name: str_of(u, "displayName").map(str::to_string),
                profile_url: profile(username),
                email: None,
            };
            named(person, username, &entry, "userInfo")
        };
        if let Some(Some((person, username, source))) = ex.guard.scan(&entry, out, || read(ex.src))? {
            owner.learn(ex.opts, person, &username, source);
        }
    }
    // Grailbird: data/js/user_details.js: var user_details = { screen_name, full_name, id }
    for entry in entries_of(entries, "user_details").cloned().collect::<Vec<_>>() {
        let read = |src: &mut dyn ExportSource| -> Result<Option<Named>, ImportError> {
            let text = read_js(src, &entry)?;
            let v: Value = util::parse_json(&text, &entry, "a JSON object with the user's details")?;
            let id = id_of(&v, "id_str").or_else(|| id_of(&v, "id"));
            let username = str_of(&v, "screen_name").unwrap_or("");
            let Some(handle) = id.or_else(|| (!username.is_empty()).then(|| username.to_string())) else {
                return Ok(None);
            };
            let person = Person {
                handle,
                name: str_of(&v, "full_name").or_else(|| str_of(&v, "name")).map(str::to_string),
                profile_url: profile(username),
                email: None,
            };
            named(person, username, &entry, "user_details")
        };
        if let Some(Some((person, username, source))) = ex.guard.scan(&entry, out, || read(ex.src))? {
            owner.learn(ex.opts, person, &username, source);
        }
    }
    Ok(owner)
}

/// An owner file's person, once it passes the caps.
fn named(person: Person, username: &str, file: &str, position: &str) -> Result<Option<Named>, ImportError> {
    caps::check_person(&person, file, position, "owner")?;
    if !caps::fits(username) {
        return Err(ImportError::format(
            file,
            position,
            format!("a username of at most {} characters", caps::MAX_NAME),
            format!("{} characters", username.chars().count()),
        ));
    }
    Ok(Some((person, username.to_string(), SourceRef { file: file.to_string(), position: position.into() })))
}

/// An id that may be a JSON string or (in old files) a number.
fn id_of(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// When nothing names the owner: the most frequent sender of direct messages
/// (the owner is in every conversation of the archive).
fn owner_from_messages(
    ex: &mut Export,
    entries: &[String],
    owner: &mut Owner,
    out: &mut Out,
) -> Result<(), ImportError> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut first: HashMap<String, SourceRef> = HashMap::new();
    for entry in
        entries.iter().filter(|e| file_type(e) == Some(FileType::Messages)).cloned().collect::<Vec<_>>()
    {
        let Some(convs) = ex.guard.scan(&entry, out, || {
            let text = read_js(ex.src, &entry)?;
            util::parse_json::<OneOrMany<DmEntry>>(&text, &entry, DM_EXPECTED)
        })?
        else {
            continue;
        };
        for (c, conv) in convs.0.iter().enumerate() {
            let Some(conv) = &conv.conversation else { continue };
            for (m, ev) in conv.messages.iter().enumerate() {
                // An id over the cap is no one's: its file is refused when read for its records.
                if let Some(mc) = ev.message.as_ref().filter(|mc| caps::fits(&mc.sender)) {
                    *counts.entry(mc.sender.clone()).or_default() += 1;
                    first.entry(mc.sender.clone()).or_insert_with(|| SourceRef {
                        file: entry.clone(),
                        position: format!("[{c}].dmConversation.messages[{m}] (most frequent sender)"),
                    });
                }
            }
        }
    }
    if let Some((id, _)) = counts.iter().max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0))) {
        owner.add_ids(&[id.as_str()]);
        owner.source = first.remove(id);
        owner.person = Some(other(id));
    }
    Ok(())
}

/// Someone who is not the owner, known by id.
fn other(id: &str) -> Person {
    Person {
        handle: id.to_string(),
        profile_url: Some(format!("https://twitter.com/intent/user?user_id={id}")),
        ..Person::default()
    }
}

/// `Sat Nov 09 12:14:18 +0000 2024` → Unix seconds.
fn parse_twitter_date(s: &str) -> Option<i64> {
    let p: Vec<&str> = s.split_whitespace().collect();
    if p.len() != 6 {
        return None;
    }
    let mo = util::month(p[1])?;
    let d: u32 = p[2].parse().ok()?;
    let y: i64 = p[5].parse().ok()?;
    let t: Vec<u32> = p[3].split(':').map(|x| x.parse().ok()).collect::<Option<_>>()?;
    if t.len() != 3 || !(1..=31).contains(&d) || t[0] > 23 || t[1] > 59 || t[2] > 60 {
        return None;
    }
    let mut at = util::unix(y, mo, d, t[0], t[1], t[2]);
    let off = p[4];
    if off.len() == 5 {
        let sign = if off.starts_with('-') { -1 } else { 1 };
        let hh: i64 = off.get(1..3)?.parse().ok()?;
        let mm: i64 = off.get(3..5)?.parse().ok()?;
        at -= sign * (hh * 3600 + mm * 60);
    }
    Some(at)
}

fn parse_time(s: &str) -> Option<i64> {
    parse_twitter_date(s).or_else(|| util::parse_iso(s))
}

/// The time encoded in a post id (ids since November 2010 are "snowflakes").
fn snowflake_time(id: &str) -> Option<i64> {
    let n: u64 = id.parse().ok()?;
    if n < 30_000_000_000 {
        return None;
    }
    Some((i64::try_from(n >> 22).ok()? + 1_288_834_974_657) / 1000)
}

/// A long post's full text, from `note-tweet.js`.
struct Note {
    at: i64,
    tweet_id: Option<String>,
    text: String,
}

fn load_notes(ex: &mut Export, entries: &[String], out: &mut Out) -> Result<Vec<Note>, ImportError> {
    let mut notes = Vec::new();
    for entry in entries
        .iter()
        .filter(|e| matches!(data_type(e), Some("note-tweet" | "note-tweets")))
        .cloned()
        .collect::<Vec<_>>()
    {
        let Some(OneOrMany(arr)) = ex.guard.scan(&entry, out, || {
            let text = read_js(ex.src, &entry)?;
            util::parse_json::<OneOrMany<Value>>(&text, &entry, "a JSON array of {\"noteTweet\": {…}}")
        })?
        else {
            continue;
        };
        for v in &arr {
            let n = v.get("noteTweet").unwrap_or(v);
            let body = n
                .get("core")
                .and_then(|c| str_of(c, "text"))
                .or_else(|| n.get("noteTweetResults").and_then(|c| str_of(c, "text")));
            let Some(body) = body else { continue };
            let at = str_of(n, "createdAt").and_then(parse_time).unwrap_or(i64::MIN);
            notes.push(Note { at, tweet_id: id_of(n, "tweetId"), text: body.to_string() });
        }
    }
    Ok(notes)
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The full text of a truncated long post, when `note-tweet.js` has it.
fn note_for<'a>(notes: &'a [Note], id: &str, at: i64, text: &str) -> Option<&'a str> {
    if notes.is_empty() {
        return None;
    }
    if let Some(n) = notes.iter().find(|n| n.tweet_id.as_deref() == Some(id)) {
        return Some(&n.text);
    }
    // The tweet's own text up to its first link or ellipsis, at most 60 characters.
    let cut = [text.find("https://t.co/"), text.find('…')].into_iter().flatten().min().unwrap_or(text.len());
    let prefix: String = collapse(&text[..cut]).chars().take(60).collect();
    let candidates: Vec<&Note> = notes.iter().filter(|n| (n.at - at).abs() <= 1).collect();
    if prefix.len() < 10 {
        return match candidates.as_slice() {
            [only] => Some(&only.text),
            _ => None,
        };
    }
    candidates
        .into_iter()
        .find(|n| collapse(&decode_html_entities(&n.text)).starts_with(&prefix))
        .map(|n| n.text.as_str())
}

fn mention_person(m: &Value) -> Option<Person> {
    let screen = str_of(m, "screen_name").unwrap_or("");
    let handle = id_of(m, "id_str")
        .filter(|i| i != "-1")
        .or_else(|| (!screen.is_empty()).then(|| screen.to_string()))?;
    Some(Person {
        handle,
        name: str_of(m, "name")
            .map(str::to_string)
            .or_else(|| (!screen.is_empty()).then(|| format!("@{screen}"))),
        profile_url: profile(screen),
        email: None,
    })
}

fn user_person(u: &Value) -> Option<Person> {
    let screen = str_of(u, "screen_name").unwrap_or("");
    let handle = id_of(u, "id_str")
        .or_else(|| id_of(u, "id"))
        .or_else(|| (!screen.is_empty()).then(|| screen.to_string()))?;
    Some(Person {
        handle,
        name: str_of(u, "name").map(str::to_string),
        profile_url: profile(screen),
        email: None,
    })
}

#[allow(clippy::too_many_arguments)]
fn tweets(
    text: &str,
    file: &str,
    grailbird: bool,
    owner: &mut Owner,
    notes: &[Note],
    out: &mut Out,
) -> Result<(), ImportError> {
    let OneOrMany(arr) = util::parse_json::<OneOrMany<Value>>(text, file, "a JSON array of tweets")?;
    let label = if grailbird { "tweets" } else { data_type(file).unwrap_or("tweets") };
    for (i, v) in arr.iter().enumerate() {
        let t = v.get("tweet").unwrap_or(v);
        let position = format!("{label}[{i}]");
        let skip = |reason: &str| Skip::record(file, position.clone(), reason);
        if !t.is_object() {
            out.skip(skip("not a tweet object"));
            continue;
        }
        // Grailbird: the owner is the author of every tweet in the archive.
        if owner.person.is_none() {
            if let Some(p) = t.get("user").and_then(user_person) {
                let username = t.get("user").and_then(|u| str_of(u, "screen_name")).unwrap_or("").to_string();
                owner.add_ids(&[p.handle.as_str(), username.as_str()]);
                owner.person = Some(p);
                owner.source =
                    Some(SourceRef { file: file.to_string(), position: format!("{position}.user") });
            }
        }
        if !owner.emitted {
            if let (Some(person), Some(source)) = (&owner.person, &owner.source) {
                out.owner(NET, person, source)?;
                owner.emitted = true;
            }
        }
        // `id` is a number in Grailbird files and loses precision there: `id_str` first.
        let Some(id) = id_of(t, "id_str").or_else(|| t.get("id").and_then(Value::as_str).map(str::to_string))
        else {
            out.skip(skip("a tweet without an id_str"));
            continue;
        };
        let raw = t.get("full_text").or_else(|| t.get("text")).and_then(Value::as_str).unwrap_or("");
        let Some(at) =
            t.get("created_at").and_then(Value::as_str).and_then(parse_time).or_else(|| snowflake_time(&id))
        else {
            out.skip(skip("a tweet without a readable created_at"));
            continue;
        };
        let body = match note_for(notes, &id, at, &decode_html_entities(raw)) {
            Some(full) => full.to_string(),
            None => decode_html_entities(raw).into_owned(),
        };
        if body.trim().is_empty() {
            out.skip(skip("a tweet without text"));
            continue;
        }
        let mentions: Vec<&Value> = t
            .get("entities")
            .and_then(|e| e.get("user_mentions"))
            .and_then(Value::as_array)
            .map(|a| a.iter().collect())
            .unwrap_or_default();
        let reply_to = id_of(t, "in_reply_to_status_id_str")
            .or_else(|| if grailbird { None } else { id_of(t, "in_reply_to_status_id") });
        let retweeted = t.get("retweeted_status").filter(|r| r.is_object());
        let (kind, parent, counterparts) = if retweeted.is_some() || body.starts_with("RT @") {
            let who = retweeted.and_then(|r| r.get("user")).and_then(user_person).or_else(|| {
                let screen =
                    body.strip_prefix("RT @")?.split(|c: char| !(c.is_alphanumeric() || c == '_')).next()?;
                mentions
                    .iter()
                    .find(|m| str_of(m, "screen_name").is_some_and(|s| s.eq_ignore_ascii_case(screen)))
                    .and_then(|m| mention_person(m))
                    .or_else(|| {
                        (!screen.is_empty()).then(|| Person {
                            handle: screen.to_string(),
                            name: Some(format!("@{screen}")),
                            profile_url: profile(screen),
                            email: None,
                        })
                    })
            });
            let parent = retweeted.and_then(|r| id_of(r, "id_str"));
            (ItemKind::Share, parent, who.into_iter().collect::<Vec<_>>())
        } else if let Some(parent) = reply_to {
            let uid = id_of(t, "in_reply_to_user_id_str")
                .or_else(|| if grailbird { None } else { id_of(t, "in_reply_to_user_id") });
            let screen = str_of(t, "in_reply_to_screen_name").unwrap_or("");
            let mention = mentions
                .iter()
                .find(|m| uid.is_some() && id_of(m, "id_str") == uid)
                .and_then(|m| mention_person(m));
            let who = mention.or_else(|| {
                let handle = uid.clone().or_else(|| (!screen.is_empty()).then(|| screen.to_string()))?;
                Some(Person {
                    handle,
                    name: (!screen.is_empty()).then(|| format!("@{screen}")),
                    profile_url: profile(screen),
                    email: None,
                })
            });
            let who = who.filter(|p| !owner.is(&p.handle) && !owner.is(screen));
            (ItemKind::Comment, Some(parent), who.into_iter().collect())
        } else {
            let mut seen = BTreeSet::new();
            let people = mentions
                .iter()
                .filter_map(|m| mention_person(m))
                .filter(|p| !owner.is(&p.handle) && seen.insert(p.handle.clone()))
                .collect();
            (ItemKind::Post, None, people)
        };
        let thread = parent.clone();
        let source = SourceRef { file: file.to_string(), position };
        out.emit(Record::Item(Item {
            external_id: Some(id),
            thread,
            parent,
            ..util::by_owner_item(NET, kind, owner.author(), counterparts, at, body, source)
        }))?;
    }
    Ok(())
}

const DM_EXPECTED: &str = "a JSON array of {\"dmConversation\": {\"conversationId\", \"messages\": […]}}";

/// Ids are strings in every archive seen; accept numbers too.
fn string_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Id {
        S(String),
        N(serde_json::Number),
    }
    Ok(match Id::deserialize(d)? {
        Id::S(s) => s,
        Id::N(n) => n.to_string(),
    })
}

fn opt_string_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Id {
        S(String),
        N(serde_json::Number),
        Null,
    }
    Ok(match Option::<Id>::deserialize(d)? {
        Some(Id::S(s)) => Some(s),
        Some(Id::N(n)) => Some(n.to_string()),
        Some(Id::Null) | None => None,
    })
}

#[derive(Deserialize)]
struct DmEntry {
    #[serde(rename = "dmConversation")]
    conversation: Option<DmConversation>,
}

#[derive(Deserialize)]
struct DmConversation {
    #[serde(rename = "conversationId", deserialize_with = "string_or_number")]
    id: String,
    #[serde(default, deserialize_with = "util::one_or_many")]
    messages: Vec<DmEvent>,
}

#[derive(Deserialize)]
struct DmEvent {
    #[serde(rename = "messageCreate")]
    message: Option<MessageCreate>,
    #[serde(rename = "joinConversation")]
    join: Option<Participants>,
    #[serde(rename = "participantsJoin")]
    joined: Option<Participants>,
    /// Whatever else the event is (`participantsLeave`, `conversationNameUpdate`, …).
    #[serde(flatten)]
    #[allow(clippy::zero_sized_map_values)]
    other: BTreeMap<String, serde::de::IgnoredAny>,
}

#[derive(Deserialize)]
struct Participants {
    #[serde(rename = "participantsSnapshot", default)]
    snapshot: Vec<String>,
    #[serde(rename = "userIds", default)]
    user_ids: Vec<String>,
}

#[derive(Deserialize)]
struct MessageCreate {
    #[serde(default, deserialize_with = "opt_string_or_number")]
    id: Option<String>,
    #[serde(rename = "senderId", deserialize_with = "string_or_number")]
    sender: String,
    #[serde(rename = "recipientId", default, deserialize_with = "opt_string_or_number")]
    recipient: Option<String>,
    #[serde(default)]
    text: Option<String>,
    #[serde(rename = "createdAt", default)]
    created_at: Option<String>,
}

fn messages(text: &str, file: &str, owner: &Owner, out: &mut Out) -> Result<(), ImportError> {
    let OneOrMany(convs) = util::parse_json::<OneOrMany<DmEntry>>(text, file, DM_EXPECTED)?;
    let person =
        |id: &str| if owner.is(id) { owner.counterpart().unwrap_or_else(|| other(id)) } else { other(id) };
    for (c, entry) in convs.into_iter().enumerate() {
        let Some(conv) = entry.conversation else {
            out.skip(Skip::record(file, format!("[{c}]"), "not a dmConversation"));
            continue;
        };
        // Everyone known to be in the conversation: senders, recipients and join snapshots.
        let mut members: BTreeSet<String> = BTreeSet::new();
        for ev in &conv.messages {
            if let Some(m) = &ev.message {
                members.insert(m.sender.clone());
                members.extend(m.recipient.clone());
            }
            for p in [&ev.join, &ev.joined].into_iter().flatten() {
                members.extend(p.snapshot.iter().chain(&p.user_ids).cloned());
            }
        }
        if let Some(o) =
            owner.person.as_ref().filter(|o| !members.iter().any(|m| owner.is(m)) && !o.handle.is_empty())
        {
            // The owner is in every conversation of their own archive.
            members.insert(o.handle.clone());
        }
        for (m, ev) in conv.messages.into_iter().enumerate() {
            let position = format!("[{c}].dmConversation.messages[{m}]");
            let Some(msg) = ev.message else {
                let what = if ev.join.is_some() {
                    "joinConversation".to_string()
                } else if ev.joined.is_some() {
                    "participantsJoin".to_string()
                } else {
                    ev.other.keys().next().cloned().unwrap_or_else(|| "empty".into())
                };
                out.skip(Skip::record(file, position, format!("a {what} event, not a message")));
                continue;
            };
            let Some(at) = msg
                .created_at
                .as_deref()
                .and_then(util::parse_iso)
                .or_else(|| msg.id.as_deref().and_then(snowflake_time))
            else {
                out.skip(Skip::record(file, position, "a message without a readable createdAt"));
                continue;
            };
            let body = msg.text.unwrap_or_default();
            if body.trim().is_empty() {
                out.skip(Skip::record(file, position, "a message without text"));
                continue;
            }
            let by_owner = owner.is(&msg.sender);
            let counterparts: Vec<Person> = match &msg.recipient {
                Some(r) => vec![person(r)],
                None => members
                    .iter()
                    .filter(|id| **id != msg.sender && !(by_owner && owner.is(id)))
                    .map(|id| person(id))
                    .collect(),
            };
            let author = if by_owner { owner.author() } else { other(&msg.sender) };
            out.emit(Record::Item(Item {
                network: NET,
                kind: ItemKind::Message,
                external_id: msg.id,
                author,
                by_owner,
                counterparts,
                thread: Some(conv.id.clone()),
                parent: None,
                at,
                text: body,
                source: SourceRef { file: file.into(), position },
            }))?;
        }
    }
    Ok(())
}

fn follows(text: &str, file: &str, following: bool, out: &mut Out) -> Result<(), ImportError> {
    let key = if following { "following" } else { "follower" };
    let OneOrMany(arr) = util::parse_json::<OneOrMany<Value>>(
        text,
        file,
        &format!("a JSON array of {{\"{key}\": {{\"accountId\"}}}}"),
    )?;
    for (i, v) in arr.iter().enumerate() {
        let position = format!("{key}[{i}]");
        let f = v.get(key).unwrap_or(v);
        let Some(id) = id_of(f, "accountId") else {
            out.skip(Skip::record(file, position, format!("a {key} without an accountId")));
            continue;
        };
        let mut them = other(&id);
        if let Some(link) = str_of(f, "userLink") {
            them.profile_url = Some(link.to_string());
        }
        let source = SourceRef { file: file.into(), position };
        out.emit(Record::Item(util::connection(
            NET,
            them,
            following,
            Some(format!("{key}:{id}")),
            0,
            String::new(),
            source,
        )))?;
    }
    Ok(())
}

fn likes(text: &str, file: &str, owner: &Owner, out: &mut Out) -> Result<(), ImportError> {
    let OneOrMany(arr) =
        util::parse_json::<OneOrMany<Value>>(text, file, "a JSON array of {\"like\": {\"tweetId\"}}")?;
    for (i, v) in arr.iter().enumerate() {
        let position = format!("like[{i}]");
        let l = v.get("like").unwrap_or(v);
        let Some(id) = id_of(l, "tweetId") else {
            out.skip(Skip::record(file, position, "a like without a tweetId"));
            continue;
        };
        // A post from before November 2010 has no time in its id: 0, unknown.
        let at = str_of(l, "likedAt").and_then(util::parse_iso).or_else(|| snowflake_time(&id)).unwrap_or(0);
        let source = SourceRef { file: file.into(), position };
        out.emit(Record::Item(Item {
            external_id: Some(format!("like:{id}")),
            thread: Some(id.clone()),
            parent: Some(id),
            ..util::by_owner_item(
                NET,
                ItemKind::Reaction,
                owner.author(),
                Vec::new(),
                at,
                "like".into(),
                source,
            )
        }))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_twitter_dates_and_snowflakes() {
        assert_eq!(
            parse_twitter_date("Sat Nov 09 12:14:18 +0000 2024"),
            Some(util::unix(2024, 11, 9, 12, 14, 18))
        );
        assert_eq!(
            parse_twitter_date("Sat Nov 09 12:14:18 +0100 2024"),
            Some(util::unix(2024, 11, 9, 11, 14, 18))
        );
        assert_eq!(parse_time("2013-02-01 04:12:21 +0000"), Some(util::unix(2013, 2, 1, 4, 12, 21)));
        // 1221130902635458567 was posted Sat Jan 25 18:01:09 +0000 2020.
        assert_eq!(snowflake_time("1221130902635458567"), Some(util::unix(2020, 1, 25, 18, 1, 9)));
        assert_eq!(snowflake_time("20"), None);
    }

    #[test]
    fn knows_the_archive_files_by_name() {
        assert_eq!(file_type("data/tweets-part2.js"), Some(FileType::Tweets));
        assert_eq!(file_type("data/tweet.js"), Some(FileType::Tweets));
        assert_eq!(file_type("data/js/tweets/2013_02.js"), Some(FileType::Grailbird));
        assert_eq!(file_type("data/direct-messages-group.js"), Some(FileType::Messages));
        assert_eq!(file_type("data/deleted-tweets.js"), None);
        assert_eq!(file_type("data/tweets_media/x.jpg"), None);
        assert_eq!(data_type("a/b/note-tweet.js"), Some("note-tweet"));
    }
}

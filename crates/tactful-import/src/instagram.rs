//! Instagram "Download Your Information" JSON:
//!
//! * posts: `content/posts_1.json` (2021–23), `your_instagram_activity/content|media/posts_N.json`
//!   (2024+), and the older `media.json` / `instagram_media.json` arrays (each post a `media`
//!   list with a `title` caption; IGTV videos nested in `ig_igtv_media`);
//! * comments: `comments/post_comments.json` (`comments_media_comments`), `post_comments_N.json`
//!   (a bare array), `reels_comments.json` (`comments_reels_comments`); the fields live in
//!   `string_map_data` under the display keys `Comment`, `Media Owner`, `Time`, or (2022) in
//!   `string_list_data` with the media owner in `title`;
//! * likes: `likes/liked_posts.json` (`likes_media_likes`) and `liked_comments.json`, as reactions
//!   whose counterpart is the owner of the post (`title`) and whose parent is its link;
//! * messages: `messages/inbox/<thread>/message_N.json`, the Messenger shape (read by the
//!   Facebook importer's thread reader);
//! * followers (`followers_1.json`, a bare array), following (`following.json`,
//!   `relationships_following`), and follow requests sent and received, each entry a
//!   `string_list_data[{href, value, timestamp}]`;
//! * the owner: `personal_information.json` (`profile_user[0].string_map_data.Username`).
//!
//! Every string is run through [`util::fix_mojibake`]. Where a list is
//! expected, a single object is read as a list of one (a real export's
//! `posts_1.json` held one post, not a list); a file that cannot be read is
//! skipped whole (see [`crate::files`]).

use std::borrow::Cow;

use serde_json::Value;
use tactful_core::history::{Item, ItemKind, Network, Person, Record, SourceRef};

use crate::facebook::{self, Me, Votes, describe, lists, read_json, records, string, time};
use crate::files::{Export, Out};
use crate::{Emit, ExportSource, ImportError, Options, Skip, Skipped, caps, util};

/// What an Instagram file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Profile,
    Posts,
    Comments,
    Likes,
    Messages,
    Connections,
}

pub fn import(
    src: &mut dyn ExportSource,
    opts: &Options,
    emit: &mut Emit<'_>,
) -> Result<Skipped, ImportError> {
    // Asked for Instagram: message folders are Instagram's unless the export plainly holds Facebook too.
    let instagram_only = !has_facebook_files(src.entries());
    let files: Vec<(String, Kind)> =
        src.entries().iter().filter_map(|e| kind(e, instagram_only).map(|k| (e.clone(), k))).collect();
    if files.is_empty() {
        return Err(ImportError::Unknown {
            path: src.name().to_string(),
            expected: "Instagram files such as content/posts_1.json, comments/post_comments.json, \
                       followers_and_following/followers_1.json or messages/inbox/<thread>/message_1.json"
                .into(),
        });
    }
    Export::new(src, opts, files.len()).run(emit, |ex, out| import_files(ex, &files, out))
}

/// What marks a file as one network's: a part of its path, the start of its
/// name, or its whole name (all lower case).
struct Marks {
    parts: &'static [&'static str],
    starts: &'static [&'static str],
    names: &'static [&'static str],
}

impl Marks {
    fn any(&self, entries: &[String]) -> bool {
        entries.iter().any(|e| {
            let e = e.to_ascii_lowercase();
            let base = e.rsplit('/').next().unwrap_or(&e);
            self.parts.iter().any(|p| e.contains(p))
                || self.starts.iter().any(|s| base.starts_with(s))
                || self.names.contains(&base)
        })
    }
}

const FACEBOOK_MARKS: Marks = Marks {
    parts: &[
        "your_facebook_activity/",
        "comments_and_reactions/",
        "friends_and_followers/",
        "friends/",
        "profile_information/profile_information.json",
    ],
    starts: &["your_posts"],
    names: &["facebook_comments.json"],
};

const INSTAGRAM_MARKS: Marks = Marks {
    parts: &[
        "your_instagram_activity/",
        "followers_and_following/",
        "content/posts_",
        "personal_information/personal_information.json",
    ],
    starts: &["post_comments"],
    names: &["instagram_media.json"],
};

fn has_facebook_files(entries: &[String]) -> bool {
    FACEBOOK_MARKS.any(entries)
}

/// An Instagram export on its own: then its `messages/inbox/` threads are
/// Instagram's, not Facebook's (detect.rs sends such exports to the Facebook
/// importer, which hands them over).
pub(crate) fn looks_instagram_only(entries: &[String]) -> bool {
    INSTAGRAM_MARKS.any(entries) && !has_facebook_files(entries)
}

/// Which Instagram file this is, if any. `instagram_only`: the whole export is
/// Instagram's, so shared names (`messages/inbox/…`) are Instagram's too.
pub(crate) fn kind(entry: &str, instagram_only: bool) -> Option<Kind> {
    let e = entry.to_ascii_lowercase();
    if !facebook::is_json(&e) {
        return None;
    }
    let base = e.rsplit('/').next().unwrap_or(&e);
    let dir = &e[..e.len() - base.len()];
    let ours = instagram_only || e.contains("your_instagram_activity/");
    let numbered = |stem: &str| {
        base.strip_prefix(stem)
            .and_then(|r| r.strip_suffix(".json"))
            .is_some_and(|n| n.is_empty() || n.trim_start_matches('_').bytes().all(|b| b.is_ascii_digit()))
    };
    if facebook::is_thread_file(base) {
        return ours.then_some(Kind::Messages);
    }
    if base == "personal_information.json" {
        return Some(Kind::Profile);
    }
    if base == "instagram_media.json" || base == "instagram_post.json" || (ours && base == "media.json") {
        return Some(Kind::Posts);
    }
    if numbered("posts") && (dir.ends_with("content/") || dir.ends_with("media/")) {
        return Some(Kind::Posts);
    }
    if numbered("post_comments") || base == "reels_comments.json" {
        return Some(Kind::Comments);
    }
    if base == "liked_posts.json" || base == "liked_comments.json" {
        return Some(Kind::Likes);
    }
    if dir.contains("followers_and_following/")
        || (ours && (numbered("followers") || base == "following.json"))
    {
        return Some(Kind::Connections);
    }
    None
}

pub(crate) fn import_files(
    ex: &mut Export,
    files: &[(String, Kind)],
    out: &mut Out,
) -> Result<(), ImportError> {
    let me = Me::announce(Network::Instagram, find_owner(ex, files, out)?, out)?;
    for (entry, kind) in files {
        if *kind == Kind::Profile {
            continue;
        }
        ex.guard.read(entry, out, |out| match kind {
            Kind::Messages => {
                let thread = facebook::read_thread(ex.src, entry, false)?;
                facebook::emit_thread(Network::Instagram, entry, thread, &me, out)
            }
            Kind::Posts => posts_file(entry, &read_json(ex.src, entry)?, &me, out),
            Kind::Comments => comments_file(entry, &read_json(ex.src, entry)?, &me, out),
            Kind::Likes => likes_file(entry, &read_json(ex.src, entry)?, &me, out),
            Kind::Connections => connections_file(entry, &read_json(ex.src, entry)?, out),
            Kind::Profile => Ok(()),
        })?;
    }
    Ok(())
}

/// `--owner`, else `personal_information.json`, else the person in most conversations.
fn find_owner(
    ex: &mut Export,
    files: &[(String, Kind)],
    out: &mut Out,
) -> Result<Option<(Person, SourceRef)>, ImportError> {
    if let Some(given) = facebook::given_owner(ex) {
        return Ok(Some(given));
    }
    for (entry, _) in files.iter().filter(|(_, k)| *k == Kind::Profile) {
        if let Some(Some(found)) =
            ex.guard.scan(entry, out, || profile_owner(&read_json(ex.src, entry)?, entry))?
        {
            return Ok(Some(found));
        }
    }
    let mut votes = Votes::default();
    let mut first = None;
    for (entry, _) in files.iter().filter(|(_, k)| *k == Kind::Messages) {
        if ex.guard.scan(entry, out, || votes.count(ex.src, entry))?.is_some() {
            first.get_or_insert(entry);
        }
    }
    Ok(votes.winner().zip(first).map(|(name, entry)| {
        (
            Person::named(name),
            SourceRef { file: entry.clone(), position: "the person in most conversations".into() },
        )
    }))
}

/// The owner named in `personal_information.json` (`profile_user` a list, or one object).
fn profile_owner(v: &Value, entry: &str) -> Result<Option<(Person, SourceRef)>, ImportError> {
    let user = match v.get("profile_user") {
        Some(Value::Array(a)) => a.first(),
        other => other,
    };
    let Some(map) = user.and_then(|u| u.get("string_map_data")) else { return Ok(None) };
    let field = |k: &str| string(map.get(k).and_then(|f| f.get("value")));
    let (username, name) = (field("Username"), field("Name"));
    let Some(handle) = username.clone().or_else(|| name.clone()) else { return Ok(None) };
    let person = Person {
        profile_url: username.as_ref().map(|u| format!("https://www.instagram.com/{u}")),
        handle,
        name,
        email: field("Email"),
    };
    let position = if username.is_some() {
        "profile_user[0].string_map_data.Username"
    } else {
        "profile_user[0].string_map_data.Name"
    };
    caps::check_person(&person, entry, position, "owner")?;
    Ok(Some((person, SourceRef { file: entry.to_string(), position: position.into() })))
}

// ---------------------------------------------------------------------------
// Posts

/// The fields of a post: an object with one of these is a post, even where a list of them is expected.
const POST_FIELDS: &[&str] =
    &["media", "ig_igtv_media", "ig_reels_media", "taken_at", "creation_timestamp", "title", "caption"];

fn posts_file(entry: &str, v: &Value, me: &Me, out: &mut Out) -> Result<(), ImportError> {
    // 2019–20 `media.json`: {"photos": [...], "videos": [...], "stories": [...]}.
    let expected = "a list of Instagram posts (a JSON array, one post, or an object with `photos`/`videos`)";
    for (position, el) in records(entry, v, &["photos", "videos"], POST_FIELDS, expected)? {
        post(entry, &position, el, me, out)?;
    }
    Ok(())
}

fn post(entry: &str, position: &str, el: &Value, me: &Me, out: &mut Out) -> Result<(), ImportError> {
    let skip = |out: &mut Out, reason: String| {
        out.skip(Skip::record(entry, position, reason));
    };
    let Some(o) = el.as_object() else {
        skip(out, format!("expected a post, found {}", describe(el)));
        return Ok(());
    };
    // IGTV and reels arrive wrapped: {"ig_igtv_media": [{"media": [...]}]}.
    for key in ["ig_igtv_media", "ig_reels_media"] {
        if let Some(inner) = o.get(key).and_then(Value::as_array) {
            for (j, el) in inner.iter().enumerate() {
                post(entry, &format!("{position}.{key}[{j}]"), el, me, out)?;
            }
            return Ok(());
        }
    }
    let media = o.get("media").and_then(Value::as_array);
    let first = media.and_then(|m| m.first());
    // The old media.json: {"caption", "taken_at": ISO time, "path"}.
    let old_time = o.get("taken_at").and_then(Value::as_str).and_then(util::parse_iso);
    if media.is_none() && old_time.is_none() {
        let what = o.keys().next().map_or(Cow::Borrowed("an empty object"), |k| Cow::Owned(format!("`{k}`")));
        skip(
            out,
            if o.contains_key("ig_profile_picture") {
                "a profile picture, not a post".into()
            } else {
                format!("not a post: {what}")
            },
        );
        return Ok(());
    }
    let text = string(o.get("title"))
        .or_else(|| string(o.get("caption")))
        .or_else(|| first.and_then(|m| string(m.get("title"))))
        .unwrap_or_default();
    let Some(at) = time(o.get("creation_timestamp"))
        .or(old_time)
        .or_else(|| first.and_then(|m| time(m.get("creation_timestamp"))))
    else {
        skip(out, "post without a time".into());
        return Ok(());
    };
    // A photo without a caption is still a post (it counts in the content mix): kept with empty text.
    let source = SourceRef { file: entry.to_string(), position: position.to_string() };
    out.emit(Record::Item(util::by_owner_item(
        Network::Instagram,
        ItemKind::Post,
        me.author(None),
        Vec::new(),
        at,
        text,
        source,
    )))
}

// ---------------------------------------------------------------------------
// Comments

const COMMENT_KEYS: &[&str] =
    &["comments_media_comments", "comments_reels_comments", "comments_story_comments", "media_comments"];

fn comments_file(entry: &str, v: &Value, me: &Me, out: &mut Out) -> Result<(), ImportError> {
    let expected = "a list of comments (a JSON array, or an object with `comments_media_comments`)";
    for (position, el) in records(entry, v, COMMENT_KEYS, &["string_map_data", "string_list_data"], expected)?
    {
        let skip = |out: &mut Out, reason: &str| {
            out.skip(Skip::record(entry, position.clone(), reason));
        };
        let (text, owner, at) = if let Some(map) = el.get("string_map_data") {
            let field = |k: &str| map.get(k);
            (
                string(field("Comment").and_then(|f| f.get("value"))),
                string(field("Media Owner").and_then(|f| f.get("value"))),
                time(field("Time").and_then(|f| f.get("timestamp"))),
            )
        } else if let Some(first) = el.pointer("/string_list_data/0") {
            (string(first.get("value")), string(el.get("title")), time(first.get("timestamp")))
        } else if let Some(a) = el.as_array().filter(|a| a.len() >= 2) {
            // 2019: [time, text, media owner].
            let at = a[0].as_str().and_then(util::parse_iso).or_else(|| time(a.first()));
            (string(a.get(1)), string(a.get(2)), at)
        } else {
            skip(out, "comment in a layout tactful does not read");
            continue;
        };
        let Some(text) = text else {
            skip(out, "comment with no text");
            continue;
        };
        let Some(at) = at else {
            skip(out, "comment without a time");
            continue;
        };
        let counterparts = owner.and_then(|o| me.other(&o)).into_iter().collect();
        let source = SourceRef { file: entry.to_string(), position: position.clone() };
        let item = util::by_owner_item(
            Network::Instagram,
            ItemKind::Comment,
            me.author(None),
            counterparts,
            at,
            text,
            source,
        );
        out.emit(Record::Item(item))?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Likes

/// `liked_posts.json` / `liked_comments.json`: `{"likes_media_likes": [{"title": <whose post>,
/// "string_list_data": [{"href", "value": "👍", "timestamp"}]}]}`.
fn likes_file(entry: &str, v: &Value, me: &Me, out: &mut Out) -> Result<(), ImportError> {
    let expected = "a list of likes (an object with `likes_media_likes`)";
    for (position, el) in
        records(entry, v, &["likes_media_likes", "likes_comment_likes"], &["string_list_data"], expected)?
    {
        let first = el.pointer("/string_list_data/0");
        let Some(at) = time(first.and_then(|f| f.get("timestamp"))) else {
            out.skip(Skip::record(entry, position, "like without a time"));
            continue;
        };
        let counterparts = string(el.get("title")).and_then(|o| me.other(&o)).into_iter().collect();
        let text = first.and_then(|f| string(f.get("value"))).unwrap_or_else(|| "like".into());
        let source = SourceRef { file: entry.to_string(), position };
        out.emit(Record::Item(Item {
            parent: first.and_then(|f| string(f.get("href"))),
            ..util::by_owner_item(
                Network::Instagram,
                ItemKind::Reaction,
                me.author(None),
                counterparts,
                at,
                text,
                source,
            )
        }))?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Followers and following

/// Connection lists: key, whether the owner made the connection, and how to say so.
const CONNECTION_KEYS: &[(&str, bool, &str)] = &[
    ("relationships_followers", false, "follows you"),
    ("relationships_following", true, "you follow"),
    ("relationships_follow_requests_sent", true, "follow request sent"),
    ("relationships_follow_requests_received", false, "follow request received"),
];

fn connections_file(entry: &str, v: &Value, out: &mut Out) -> Result<(), ImportError> {
    let base = entry.rsplit('/').next().unwrap_or(entry).to_ascii_lowercase();
    // `followers_1.json` is a bare array (or, with one follower, an object).
    let by_name = if base.starts_with("followers") {
        Some((false, "follows you"))
    } else if base.starts_with("following") {
        Some((true, "you follow"))
    } else {
        None
    };
    let keys: Vec<&'static str> = CONNECTION_KEYS.iter().map(|c| c.0).collect();
    let fields: &[&str] = if by_name.is_some() { &["string_list_data"] } else { &[] };
    // Blocked, restricted, close friends, hashtags…: not connections, nothing found.
    let found = lists(v, &keys, fields)
        .into_iter()
        .filter_map(|l| {
            let (by_owner, label) = if l.key.is_empty() {
                by_name?
            } else {
                CONNECTION_KEYS
                    .iter()
                    .find(|c| c.0 == l.key)
                    .map(|&(_, by_owner, label)| (by_owner, label))?
            };
            Some((l.path, by_owner, label, l.items))
        })
        .collect();
    let read = |el: &Value| {
        let first = el.pointer("/string_list_data/0");
        let href = first.and_then(|f| string(f.get("href")));
        // 2025 exports moved the username from `value` to `title`.
        let handle =
            first.and_then(|f| string(f.get("value"))).or_else(|| string(el.get("title"))).or_else(|| {
                href.as_deref()
                    .and_then(|h| h.trim_end_matches('/').rsplit('/').next())
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
            });
        let other = handle.map(|handle| Person { handle, profile_url: href, ..Person::default() });
        (other.ok_or("a username"), time(first.and_then(|f| f.get("timestamp"))))
    };
    facebook::emit_connections(Network::Instagram, entry, found, read, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_string()).collect()
    }

    #[test]
    fn tells_an_instagram_export_from_a_facebook_one() {
        assert!(looks_instagram_only(&names(&[
            "messages/inbox/bob_1/message_1.json",
            "followers_and_following/followers_1.json"
        ])));
        assert!(!looks_instagram_only(&names(&[
            "messages/inbox/bob_1/message_1.json",
            "posts/your_posts_1.json"
        ])));
        assert!(!looks_instagram_only(&names(&["messages/inbox/bob_1/message_1.json"])));
        assert_eq!(
            kind("your_instagram_activity/messages/inbox/bob_1/message_1.json", false),
            Some(Kind::Messages)
        );
        assert_eq!(kind("messages/inbox/bob_1/message_1.json", false), None);
        assert_eq!(kind("your_instagram_activity/content/posts_1.json", false), Some(Kind::Posts));
        assert_eq!(
            kind("connections/followers_and_following/following.json", false),
            Some(Kind::Connections)
        );
        assert_eq!(
            kind("your_instagram_activity/comments/post_comments_1.json", false),
            Some(Kind::Comments)
        );
        assert_eq!(kind("posts/your_posts_1.json", false), None);
    }
}

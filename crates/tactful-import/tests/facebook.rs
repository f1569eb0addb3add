//! Facebook importer: fixtures written for these tests (tests/fixtures/facebook)
//! in each layout, bad input, and the real samples in ../shared/data when present.

use std::path::{Path, PathBuf};

use serde_json::Value;
use tactful_core::history::{Item, ItemKind, Network, Person, Record};
use tactful_import::{ImportError, Options, facebook};

mod common;
use common::{Imported, handles, owners, shared};

fn fixture(p: &str) -> PathBuf {
    common::fixture("facebook", p)
}

fn import_with(path: &Path, opts: &Options) -> Result<Imported, ImportError> {
    common::import_with(path, opts, facebook::import)
}

fn import(path: &Path) -> Imported {
    import_with(path, &Options::default()).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn items(records: &[Record], network: Network, kind: ItemKind) -> Vec<&Item> {
    common::items(records).into_iter().filter(|i| i.network == network && i.kind == kind).collect()
}

#[test]
fn reads_every_kind_of_the_2021_layout() {
    let (records, skipped) = import(&fixture("fb_2021"));
    let fb = Network::Facebook;

    let owner = owners(&records);
    assert_eq!(owner.len(), 1);
    assert_eq!(owner[0].1.handle, "Zoë Owner", "mojibake in the profile name is repaired");
    assert_eq!(owner[0].1.profile_url.as_deref(), Some("https://www.facebook.com/zoe.owner"));

    let posts = items(&records, fb, ItemKind::Post);
    assert_eq!(posts.len(), 4, "the title-only post is skipped");
    assert_eq!(posts[0].text, "Café opening today 👏");
    assert_eq!(posts[0].at, 1_600_000_000);
    assert!(posts.iter().all(|p| p.by_owner && p.author.handle == "Zoë Owner"));
    assert_eq!(posts[1].text, "Our new shop", "a photo's caption stands in for missing status text");
    assert_eq!(posts[2].text, "", "a shared link without text is kept with empty text");
    assert_eq!(handles(&posts[3].counterparts), ["Bob Stone"], "wrote on Bob Stone's timeline");

    let comments = items(&records, fb, ItemKind::Comment);
    assert_eq!(comments.len(), 2);
    assert_eq!(comments[0].text, "Love it — så fint");
    assert_eq!(handles(&comments[0].counterparts), ["Bob Stone"]);
    assert_eq!(comments[1].thread.as_deref(), Some("Sellers Circle"));
    assert_eq!(handles(&comments[1].counterparts), ["Ann Lee"]);

    let reactions = items(&records, fb, ItemKind::Reaction);
    assert_eq!(reactions.len(), 3, "two from posts_and_comments.json, one on a message");
    assert_eq!(reactions[0].text, "LIKE");
    assert_eq!(handles(&reactions[0].counterparts), ["Ann Lee"]);

    let connections = items(&records, fb, ItemKind::Connection);
    assert_eq!(
        common::described(&connections),
        [
            ("Shop Page", true, "you follow"),
            ("Ann Lee", false, "friends"),
            ("Bob Stone", false, "friends"),
            ("Dan Eve", false, "friend request received"),
            ("Cara Díaz", true, "friend request sent"),
        ],
        "removed friends are not connections"
    );
    assert!(connections.iter().all(|c| c.counterparts == vec![c.author.clone()]));

    let messages = items(&records, fb, ItemKind::Message);
    assert_eq!(messages.len(), 7, "inbox 4, archived 1, filtered 1, requests 1 (one unsent skipped)");
    let threads: Vec<&str> = messages.iter().filter_map(|m| m.thread.as_deref()).collect();
    assert_eq!(
        threads,
        [
            "bobstone_def456",
            "stranger_ghi789",
            "annlee_abc123",
            "annlee_abc123",
            "annlee_abc123",
            "annlee_abc123",
            "caradiaz_jkl012"
        ]
    );
    let from_ann = messages.iter().find(|m| m.text.starts_with("Hi Zoë")).unwrap();
    assert_eq!(from_ann.text, "Hi Zoë! Can I order 2 jars? 😊");
    assert_eq!(from_ann.at, 1_610_000_200, "timestamp_ms is converted to seconds");
    assert!(!from_ann.by_owner);
    assert_eq!(from_ann.author.handle, "Ann Lee");
    assert!(from_ann.counterparts.is_empty(), "the owner is not listed as a counterpart");
    let to_ann = messages.iter().find(|m| m.text == "Sure, here is the link").unwrap();
    assert!(to_ann.by_owner);
    assert_eq!(handles(&to_ann.counterparts), ["Ann Lee"]);
    assert_eq!(to_ann.source.position, "messages[0]");
    assert_eq!(to_ann.source.file, "messages/inbox/annlee_abc123/message_1.json");
    let photo = messages.iter().find(|m| m.at == 1_610_000_100).unwrap();
    assert_eq!(photo.text, "", "a photo without text is kept");
    let thumbs = reactions.iter().find(|r| r.text == "👍").unwrap();
    assert!(thumbs.by_owner);
    assert_eq!(handles(&thumbs.counterparts), ["Ann Lee"]);

    let reasons: Vec<(&str, &str)> = skipped.iter().map(|s| (s.file.as_str(), s.position.as_str())).collect();
    assert_eq!(
        reasons,
        [
            ("comments_and_reactions/comments.json", "comments_v2[1]"),
            ("messages/message_requests/caradiaz_jkl012/message_1.json", "messages[1]"),
            ("posts/your_posts_1.json", "[3]"),
        ]
    );
    assert!(skipped[1].reason.contains("unsent"), "{:?}", skipped[1]);
}

#[test]
fn reads_the_2024_layout_and_finds_the_owner_in_the_conversations() {
    let (records, skipped) = import(&fixture("fb_2024"));
    assert!(skipped.is_empty(), "{skipped:?}");
    let owner = owners(&records);
    assert_eq!(owner[0].1.handle, "Sam Seller", "in every thread, though Ann sends more messages");
    let fb = Network::Facebook;
    let posts = items(&records, fb, ItemKind::Post);
    assert_eq!(
        posts.iter().map(|p| p.at).collect::<Vec<_>>(),
        [1_710_000_000, 1_710_000_100],
        "seconds and milliseconds"
    );
    assert_eq!(items(&records, fb, ItemKind::Comment).len(), 1);
    let reaction = &items(&records, fb, ItemKind::Reaction)[0];
    assert_eq!((reaction.text.as_str(), handles(&reaction.counterparts)), ("LOVE", vec!["Ann Lee"]));
    let messages = items(&records, fb, ItemKind::Message);
    assert_eq!(messages.len(), 5);
    assert_eq!(messages.iter().filter(|m| m.by_owner).count(), 1);
    assert!(
        messages.iter().any(|m| m.thread.as_deref() == Some("bobstone_2")),
        "e2ee_cutover threads are read"
    );
    let connections = items(&records, fb, ItemKind::Connection);
    assert_eq!(
        connections.iter().map(|c| (c.author.handle.as_str(), c.by_owner)).collect::<Vec<_>>(),
        [("Garden Shop", true), ("Ann Lee", false)]
    );
}

#[test]
fn reads_the_2018_layout() {
    let (records, skipped) = import(&fixture("fb_2018"));
    assert!(skipped.is_empty(), "{skipped:?}");
    assert_eq!(owners(&records)[0].1.handle, "Old Timer");
    let fb = Network::Facebook;
    assert_eq!(items(&records, fb, ItemKind::Post)[0].text, "First post");
    assert_eq!(handles(&items(&records, fb, ItemKind::Comment)[0].counterparts), ["Ann Lee"]);
    assert_eq!(items(&records, fb, ItemKind::Connection).len(), 1);
    let m = &items(&records, fb, ItemKind::Message)[0];
    assert!(m.by_owner);
    assert_eq!(m.thread.as_deref(), Some("annlee_x1"));
}

#[test]
fn reads_a_lone_thread_file_with_a_bom() {
    let (records, skipped) = import(&fixture("lone/chat_export.json"));
    assert!(skipped.is_empty(), "{skipped:?}");
    assert_eq!(owners(&records)[0].1.handle, "Sam Seller", "the thread is named after the other person");
    let messages = items(&records, Network::Facebook, ItemKind::Message);
    assert_eq!(messages.len(), 3);
    assert_eq!(messages[0].text, "Hello");
    assert_eq!(messages[0].at, 1_415_147_732);
    assert_eq!(messages[2].text, "", "a sticker is kept with empty text");
    assert!(messages[2].by_owner);
    assert!(messages.iter().all(|m| m.thread.as_deref() == Some("annlee_zz")));

    let e = import_with(&fixture("lone/notes.json"), &Options::default()).unwrap_err().to_string();
    assert!(e.contains("notes.json:start: expected a Messenger thread"), "{e}");
}

#[test]
fn the_owner_option_overrides_the_profile() {
    let opts = Options { owner: Some(Person::named("Ann Lee")), ..Options::default() };
    let (records, _) = import_with(&fixture("fb_2021"), &opts).unwrap();
    assert_eq!(owners(&records)[0].1.handle, "Ann Lee");
    let messages = items(&records, Network::Facebook, ItemKind::Message);
    assert!(messages.iter().filter(|m| m.author.handle == "Ann Lee").all(|m| m.by_owner));
}

#[test]
fn importing_twice_gives_the_same_fingerprints() {
    common::assert_fingerprints_stable_and_distinct(&["fb_2021", "fb_2024", "fb_2018"], |dir| {
        import(&fixture(dir)).0
    });
}

#[test]
fn a_folder_mixing_facebook_and_instagram_files_gives_both() {
    let (records, _) = import(&fixture("mixed"));
    assert_eq!(items(&records, Network::Facebook, ItemKind::Post)[0].text, "On Facebook");
    assert_eq!(items(&records, Network::Instagram, ItemKind::Post)[0].text, "On Instagram");
}

#[test]
fn bad_files_are_named_with_their_position() {
    let e = import_with(&fixture("bad/truncated"), &Options::default()).unwrap_err().to_string();
    assert!(e.starts_with("messages/inbox/a_1/message_1.json:line "), "{e}");
    assert!(e.contains("is it truncated?"), "{e}");

    let e = import_with(&fixture("bad/latin1"), &Options::default()).unwrap_err().to_string();
    assert!(e.starts_with("posts/your_posts_1.json:line 2 (byte "), "{e}");
    assert!(e.contains("expected UTF-8 text"), "{e}");

    let e = import_with(&fixture("bad/shape"), &Options::default()).unwrap_err().to_string();
    assert!(e.starts_with("posts/your_posts_1.json:start: expected a list of posts"), "{e}");
    assert!(e.contains("found an object with keys unexpected"), "{e}");
}

// ---------------------------------------------------------------------------
// The real samples in ../shared/data

fn json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    serde_json::from_str(text.trim_start_matches('\u{feff}')).unwrap()
}

fn arr<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    let v = if key.is_empty() { v } else { &v[key] };
    v.as_array().map_or(&[], Vec::as_slice)
}

fn data_has(el: &Value, key: &str) -> bool {
    arr(el, "data").iter().any(|d| d.get(key).is_some())
}

/// Posts kept: some text (status or photo caption) or some attachment.
fn count_posts(list: &[Value]) -> usize {
    list.iter()
        .filter(|p| {
            let text =
                arr(p, "data").iter().any(|d| d["post"].as_str().is_some_and(|s| !s.trim().is_empty()));
            text || !arr(p, "attachments").is_empty()
        })
        .count()
}

/// Messages kept: text or an attachment.
fn count_messages(thread: &Value) -> (usize, usize) {
    let list = arr(thread, "messages");
    let kept = list
        .iter()
        .filter(|m| {
            m["content"].as_str().is_some_and(|s| !s.is_empty())
                || ["photos", "videos", "gifs", "audio_files", "files", "sticker", "share"]
                    .iter()
                    .any(|k| m.get(*k).is_some())
        })
        .count();
    let reactions = list.iter().map(|m| arr(m, "reactions").len()).sum();
    (kept, reactions)
}

#[test]
fn imports_the_shared_facebook_samples_with_counts_matching_the_files() {
    let Some(root) = shared("exports") else { return };
    let fb = Network::Facebook;

    // Waultar's trimmed real export (2021–22 layout).
    let dir = root.join("facebook_instagram_waultar/objectbox/data/Facebook");
    let (records, skipped) = import(&dir);
    assert_eq!(
        owners(&records).iter().map(|(n, p)| (*n, p.handle.as_str())).collect::<Vec<_>>(),
        [(fb, "Gustav Johansen")]
    );
    let posts = json(&dir.join("posts/your_posts_1.json"));
    assert_eq!(items(&records, fb, ItemKind::Post).len(), count_posts(arr(&posts, "")));
    let comments = json(&dir.join("comments_and_reactions/comments_and_reactions.json"));
    let with_text = arr(&comments, "comments_v2").iter().filter(|c| data_has(c, "comment")).count();
    assert_eq!(items(&records, fb, ItemKind::Comment).len(), with_text);
    assert_eq!(with_text, 3, "6 comments, 3 of them title-only");
    let thread = json(&dir.join("messages/inbox/lukasvintheroffenberglarsen_2qr6kux07q/message_1.json"));
    let (messages, message_reactions) = count_messages(&thread);
    assert_eq!(items(&records, fb, ItemKind::Message).len(), messages);
    assert_eq!(messages, 7);
    let reactions = json(&dir.join("comments_and_reactions/posts_and_comments.json"));
    assert_eq!(
        items(&records, fb, ItemKind::Reaction).len(),
        arr(&reactions, "reactions_v2").len() + message_reactions
    );
    let mine = items(&records, fb, ItemKind::Message).into_iter().filter(|m| m.by_owner).count();
    assert_eq!(
        mine,
        arr(&thread, "messages").iter().filter(|m| m["sender_name"] == "Gustav Johansen").count()
    );
    assert!(
        items(&records, fb, ItemKind::Message).iter().any(|m| m.text.contains("tænkt")),
        "mojibake repaired"
    );
    assert_eq!(
        skipped.len(),
        arr(&posts, "").len() - count_posts(arr(&posts, "")) + (6 - with_text),
        "{skipped:#?}"
    );
    // Without the profile, the owner still comes out right from the thread.
    let (records, _) =
        import(&dir.join("messages/inbox/lukasvintheroffenberglarsen_2qr6kux07q/message_1.json"));
    assert_eq!(owners(&records)[0].1.handle, "Gustav Johansen");

    // chat-analytics' synthetic Messenger thread: a BOM and a name that is not message_N.json.
    let file = root.join("facebook/chat-analytics_messenger_sample/2A_7M.json");
    let (records, skipped) = import(&file);
    assert!(skipped.is_empty(), "{skipped:?}");
    assert_eq!(items(&records, fb, ItemKind::Message).len(), count_messages(&json(&file)).0);
    assert_eq!(items(&records, fb, ItemKind::Message).len(), 7);
    assert_eq!(owners(&records)[0].1.handle, "Bob");

    // Waultar's parser fixtures: Facebook and Instagram files in one folder.
    let dir = root.join("facebook_instagram_waultar/parser/data");
    let (records, _) = import(&dir);
    let o = owners(&records);
    assert_eq!(
        o.iter().map(|(n, p)| (*n, p.handle.as_str())).collect::<Vec<_>>(),
        [(fb, "REDACTED FULLNAME"), (Network::Instagram, "REDACTED USERNAME")]
    );
    let groups = json(&dir.join("your_posts_in_groups.json"));
    let expected_posts = count_posts(arr(&json(&dir.join("your_posts_1.json")), ""))
        + count_posts(arr(&groups, "group_posts_v2"));
    assert_eq!(items(&records, fb, ItemKind::Post).len(), expected_posts);
    let blocks = json(&dir.join("facebook_comments.json"));
    let comments: usize = arr(&blocks, "")
        .iter()
        .flat_map(|b| b.as_object().unwrap().values())
        .map(|l| l.as_array().unwrap().iter().filter(|c| data_has(c, "comment")).count())
        .sum();
    assert_eq!(items(&records, fb, ItemKind::Comment).len(), comments);
    assert_eq!(comments, 8);
    let ig_posts = items(&records, Network::Instagram, ItemKind::Post).len();
    let count_ig = |f: &str| -> usize {
        arr(&json(&dir.join(f)), "")
            .iter()
            .map(|p| if p.get("media").is_some() { 1 } else { arr(p, "ig_igtv_media").len() })
            .sum()
    };
    assert_eq!(ig_posts, count_ig("instagram_media.json") + count_ig("instagram_post.json"));
    assert_eq!(
        items(&records, Network::Instagram, ItemKind::Comment).len(),
        arr(&json(&dir.join("post_comments.json")), "comments_media_comments").len()
    );
}

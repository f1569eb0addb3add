//! Instagram importer: fixtures written for these tests (tests/fixtures/instagram)
//! in each layout, bad input, and the real samples in ../shared/data when present.

use std::path::{Path, PathBuf};

use serde_json::Value;
use tactful_core::history::{ItemKind, Network, Person, Record};
use tactful_import::{
    ExportSource, Format, ImportError, Options, Skipped, detect, facebook, instagram, source,
};

type Importer =
    fn(&mut dyn ExportSource, &Options, &mut tactful_import::Emit<'_>) -> Result<Skipped, ImportError>;

mod common;
use common::{Imported, handles, items_of as items, shared};

fn fixture(p: &str) -> PathBuf {
    common::fixture("instagram", p)
}

fn import_with(path: &Path, importer: Importer) -> Result<Imported, ImportError> {
    common::import_with(path, &Options::default(), importer)
}

fn import(path: &Path) -> Imported {
    import_with(path, instagram::import).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn owner(records: &[Record]) -> Option<&Person> {
    records.iter().find_map(|r| match r {
        Record::Owner { network: Network::Instagram, person, .. } => Some(person),
        _ => None,
    })
}

#[test]
fn reads_every_kind_of_the_2022_layout() {
    let (records, skipped) = import(&fixture("ig_2022"));
    assert!(records.iter().all(|r| match r {
        Record::Item(i) => i.network == Network::Instagram,
        Record::Owner { network, .. } => *network == Network::Instagram,
    }));
    let me = owner(&records).unwrap();
    assert_eq!((me.handle.as_str(), me.name.as_deref()), ("zoe.sells", Some("Zoë Owner")));

    let posts = items(&records, ItemKind::Post);
    assert_eq!(posts.len(), 3);
    assert_eq!((posts[0].text.as_str(), posts[0].at), ("Two photos of the new range ✨", 1_641_000_002));
    assert_eq!(
        (posts[1].text.as_str(), posts[1].at),
        ("Lost 10 kg in a month with this shake 😱", 1_643_000_000)
    );
    assert_eq!(posts[2].text, "", "a photo without a caption is kept");
    assert!(posts.iter().all(|p| p.by_owner && p.author.handle == "zoe.sells"));

    let comments = items(&records, ItemKind::Comment);
    assert_eq!(comments.len(), 2);
    assert_eq!((comments[0].text.as_str(), comments[0].at), ("So pretty 😍", 1_642_000_000));
    assert_eq!(handles(&comments[0].counterparts), ["ann.lee"]);
    assert!(comments[1].counterparts.is_empty(), "a comment on the owner's own post has no counterpart");
    assert_eq!(skipped.len(), 1);
    assert_eq!(
        (skipped[0].file.as_str(), skipped[0].position.as_str()),
        ("comments/post_comments.json", "comments_media_comments[2]")
    );

    let connections = items(&records, ItemKind::Connection);
    assert_eq!(
        common::described(&connections),
        [
            ("ann.lee", false, "follows you"),
            ("bob.stone", false, "follows you"),
            ("ann.lee", true, "you follow"),
            ("cara.diaz", true, "follow request sent"),
        ],
        "blocked accounts are not connections"
    );
    assert_eq!(connections[0].author.profile_url.as_deref(), Some("https://www.instagram.com/ann.lee"));
    assert_eq!(connections[0].at, 1_630_000_000);

    let messages = items(&records, ItemKind::Message);
    assert_eq!(messages.len(), 2);
    assert!(messages[0].by_owner, "the display name in messages is matched to the owner's profile name");
    assert_eq!(messages[0].author.handle, "zoe.sells");
    assert_eq!(messages[1].text, "Do you ship to Zürich?");
    assert_eq!(messages[1].thread.as_deref(), Some("annlee_123"));
    let reactions = items(&records, ItemKind::Reaction);
    assert_eq!(reactions.len(), 2, "a liked post and a reaction on a message");
    let like = reactions[0];
    assert_eq!((like.text.as_str(), like.at, like.by_owner), ("👍", 1_645_000_000, true));
    assert_eq!(
        (handles(&like.counterparts), like.parent.as_deref()),
        (vec!["ann.lee"], Some("https://www.instagram.com/p/AbC123/"))
    );
    let reaction = reactions[1];
    assert_eq!((reaction.text.as_str(), reaction.at, reaction.by_owner), ("❤", 1_644_000_050, true));
}

#[test]
fn an_instagram_export_sent_to_the_facebook_importer_stays_instagram() {
    // detect.rs sees messages/inbox/ and says Facebook; the Facebook importer hands everything over.
    let path = fixture("ig_2022");
    let src = source::open(&path, source::Limits::default()).unwrap();
    assert_eq!(detect(src.entries()), Some(Format::Facebook));
    let (direct, _) = import(&path);
    let (via_facebook, _) = import_with(&path, facebook::import).unwrap();
    assert_eq!(direct, via_facebook);
}

#[test]
fn reads_the_2024_layout() {
    let (records, skipped) = import(&fixture("ig_2024"));
    assert!(skipped.is_empty(), "{skipped:?}");
    assert_eq!(owner(&records).unwrap().handle, "Sam Seller", "from the conversations");
    assert_eq!(items(&records, ItemKind::Post)[0].text, "Morning routine");
    assert_eq!(handles(&items(&records, ItemKind::Comment)[0].counterparts), ["ann.lee"]);
    let follow = &items(&records, ItemKind::Connection)[0];
    assert_eq!(
        (follow.author.handle.as_str(), follow.by_owner),
        ("garden.shop", true),
        "2025 exports keep the username in `title`"
    );
    let messages = items(&records, ItemKind::Message);
    assert_eq!(messages.len(), 2);
    assert!(messages.iter().all(|m| !m.by_owner));
}

#[test]
fn reads_the_2019_media_file_and_2022_comments() {
    let (records, _) = import(&fixture("ig_old"));
    let posts = items(&records, ItemKind::Post);
    assert_eq!(posts.len(), 1, "stories are not posts");
    assert_eq!((posts[0].text.as_str(), posts[0].at), ("Throwback", 1_556_704_800));
    let c = &items(&records, ItemKind::Comment)[0];
    assert_eq!(
        (c.text.as_str(), c.at, handles(&c.counterparts)),
        ("The comment", 1_550_618_520, vec!["ann.lee"])
    );
}

#[test]
fn importing_twice_gives_the_same_fingerprints() {
    common::assert_fingerprints_stable_and_distinct(&["ig_2022", "ig_2024", "ig_old"], |dir| {
        import(&fixture(dir)).0
    });
}

#[test]
fn a_truncated_file_is_named_with_its_line() {
    let e = import_with(&fixture("bad"), instagram::import).unwrap_err().to_string();
    assert!(e.starts_with("content/posts_1.json:line 2 column "), "{e}");
    assert!(e.contains("is it truncated?"), "{e}");
}

#[test]
fn imports_the_shared_instagram_samples_with_counts_matching_the_files() {
    let Some(root) = shared("exports") else { return };
    let dir = root.join("facebook_instagram_waultar/parser/data");
    let json =
        |f: &str| -> Value { serde_json::from_str(&std::fs::read_to_string(dir.join(f)).unwrap()).unwrap() };
    let count_posts = |f: &str| -> (usize, usize) {
        let v = json(f);
        let list = v.as_array().unwrap();
        let posts = list
            .iter()
            .map(|p| {
                if p.get("media").is_some() {
                    1
                } else {
                    p.get("ig_igtv_media").and_then(Value::as_array).map_or(0, Vec::len)
                }
            })
            .sum();
        let pictures = list.iter().filter(|p| p.get("ig_profile_picture").is_some()).count();
        (posts, pictures)
    };
    let (records, skipped) = import(&dir);
    assert_eq!(owner(&records).unwrap().handle, "REDACTED USERNAME");
    assert!(
        records.iter().all(|r| !matches!(r, Record::Item(i) if i.network != Network::Instagram)),
        "Instagram only"
    );
    let (a, a_pictures) = count_posts("instagram_media.json");
    let (b, b_pictures) = count_posts("instagram_post.json");
    let posts = items(&records, ItemKind::Post);
    assert_eq!(posts.len(), a + b);
    assert!(posts.iter().any(|p| p.text.contains("(f… my foot)")), "mojibake repaired");
    assert_eq!(skipped.len(), a_pictures + b_pictures, "{skipped:?}");
    let comments = json("post_comments.json");
    assert_eq!(
        items(&records, ItemKind::Comment).len(),
        comments["comments_media_comments"].as_array().unwrap().len()
    );
    assert_eq!(handles(&items(&records, ItemKind::Comment)[0].counterparts), ["username"]);
}

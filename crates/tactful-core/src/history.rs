//! The seller's history as tactful stores it: accounts, the people in it, and
//! content items (posts, comments, messages, reactions, shares, connections),
//! each traced back to the export file and position it came from.
//!
//! Importers turn platform exports into [`Record`]s; the store keeps them;
//! analysis reads them back. Pure data: no I/O here.

use serde::{Deserialize, Serialize};

/// A social network, or `other` for generic CSV/JSONL sources.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Network {
    Facebook,
    Instagram,
    X,
    LinkedIn,
    Other,
}

crate::words!(Network as "network" {
    Facebook => "facebook" | "fb" | "messenger",
    Instagram => "instagram" | "ig",
    X => "x" | "twitter",
    LinkedIn => "linkedin",
    Other => "other",
});

/// What a content item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemKind {
    /// Something published on a profile, page or group.
    Post,
    /// A comment or reply under a post.
    Comment,
    /// A private or direct message.
    Message,
    /// A like or other reaction.
    Reaction,
    /// A share or repost of someone's content.
    Share,
    /// A connection, friendship or follow (either direction).
    Connection,
}

crate::words!(ItemKind as "kind" {
    Post => "post" | "tweet" | "share_post",
    Comment => "comment" | "reply",
    Message => "message" | "dm",
    Reaction => "reaction" | "like",
    Share => "share" | "repost" | "retweet",
    Connection => "connection" | "follow" | "friend" | "follower" | "following",
});

impl ItemKind {
    /// The draft-check channel this kind of item was published on.
    pub fn channel(self) -> crate::Channel {
        match self {
            ItemKind::Comment => crate::Channel::Comment,
            ItemKind::Message => crate::Channel::Dm,
            _ => crate::Channel::Post,
        }
    }
}

/// Where a record came from: the file inside the export and the position in
/// it (a line, a record number or a JSON path), so anyone can check it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SourceRef {
    pub file: String,
    pub position: String,
}

/// A person as one export names them: a handle, a display name, a profile
/// URL or an email. Identity resolution later merges people across networks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Person {
    /// The most stable identifier the export gives (user id, handle, profile URL, or name).
    pub handle: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

impl Person {
    pub fn named(handle: impl Into<String>) -> Person {
        Person { handle: handle.into(), ..Person::default() }
    }
}

/// One thing that happened: a post, a comment, a message, a reaction, a share
/// or a connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub network: Network,
    pub kind: ItemKind,
    /// The platform's own id, when the export gives one.
    pub external_id: Option<String>,
    /// Who did it. For a connection: the other person.
    pub author: Person,
    /// True when the account owner did it (wrote the post, sent the message,
    /// followed the person).
    pub by_owner: bool,
    /// The other people involved: recipients of a message, the owner of the
    /// post commented on, the person connected with.
    pub counterparts: Vec<Person>,
    /// The conversation or post this belongs to.
    pub thread: Option<String>,
    /// The item this replies to or reacts to, when known.
    pub parent: Option<String>,
    /// Unix time in seconds (UTC).
    pub at: i64,
    pub text: String,
    pub source: SourceRef,
}

impl Item {
    /// A stable fingerprint: the same item in two exports (even of different
    /// dates) gives the same value, so importing twice adds nothing. 16 bytes:
    /// the time, then a 64-bit hash of what identifies the item.
    pub fn fingerprint(&self) -> [u8; 16] {
        let mut h = Fnv::new();
        h.write(self.network.as_str());
        h.write(self.kind.as_str());
        match &self.external_id {
            Some(id) => {
                h.write("id");
                h.write(id);
            }
            None => {
                h.write(&self.author.handle);
                h.write(if self.by_owner { "1" } else { "0" });
                h.write(self.thread.as_deref().unwrap_or(""));
                h.write(&self.at.to_string());
                h.write(&self.text);
                for c in &self.counterparts {
                    h.write(&c.handle);
                }
            }
        }
        // Time first: exports are mostly in time order, so new fingerprints
        // land next to each other in the store's unique index instead of at
        // random places (measured: 2x faster imports at a million messages).
        // The 64-bit hash only has to tell apart items of the same second.
        let mut out = [0u8; 16];
        out[..8].copy_from_slice(&((self.at as u64) ^ (1 << 63)).to_be_bytes());
        out[8..].copy_from_slice(&(h.a ^ h.b.rotate_left(32)).to_be_bytes());
        out
    }
}

/// Everything an importer can tell the store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Record {
    /// Who owns the exported account on this network.
    Owner {
        network: Network,
        person: Person,
        source: SourceRef,
    },
    Item(Item),
}

/// Two independent 64-bit FNV-1a lanes: a 128-bit fingerprint with no dependency.
struct Fnv {
    a: u64,
    b: u64,
}

impl Fnv {
    fn new() -> Fnv {
        Fnv { a: 0xcbf2_9ce4_8422_2325, b: 0x6c62_272e_07bb_0142 }
    }
    fn write(&mut self, s: &str) {
        for &byte in s.as_bytes().iter().chain(std::iter::once(&0xff)) {
            self.a = (self.a ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3);
            self.b = (self.b ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3).rotate_left(5);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(text: &str) -> Item {
        Item {
            network: Network::Facebook,
            kind: ItemKind::Message,
            external_id: None,
            author: Person::named("ann"),
            by_owner: false,
            counterparts: vec![Person::named("me")],
            thread: Some("t1".into()),
            parent: None,
            at: 1_600_000_000,
            text: text.into(),
            source: SourceRef { file: "a.json".into(), position: "messages[0]".into() },
        }
    }

    #[test]
    fn fingerprint_ignores_where_the_item_was_read_but_not_what_it_says() {
        let a = item("hello");
        let mut b = item("hello");
        b.source = SourceRef { file: "other-export/a.json".into(), position: "messages[7]".into() };
        assert_eq!(a.fingerprint(), b.fingerprint());
        assert_ne!(a.fingerprint(), item("hello!").fingerprint());
        assert_ne!(a.fingerprint(), [0u8; 16]);
    }
}

//! Interactions: what one stored item means between the owner and each
//! contact in it. Owns [`ItemView`] (the item as the core sees it),
//! [`Direction`], [`Act`], [`Interaction`] and [`interactions`].
//!
//! [`interactions`] turns one stored item into what it means from the owner's
//! side: who (the contact's handle on that network), when, which way
//! ([`Direction::Given`] by you, [`Direction::Received`] from them) and what
//! ([`Act`]). One item can give several interactions: a message to three
//! people is three `MessageSent`; a pitching message is also a `Pitch`; a
//! message from them that asks about your product is also an `Inquiry`.
//! An interaction is *private* when it is a direct message between you and
//! exactly one other person (group messages and comments are not private).

#[cfg(doc)]
use super::cues::pitch_cue;
use super::cues::{inquiry_cue, is_pitch};
use crate::history::{ItemKind, Network};

/// A stored item as the relationship code needs it: a borrowed mirror of the
/// store's `StoredItem`, so the core does not depend on the store.
#[derive(Debug, Clone, Copy)]
pub struct ItemView<'a> {
    /// The store's id of the item; interactions point back to it.
    pub id: i64,
    pub network: Network,
    pub kind: ItemKind,
    /// Who did it (for a connection: the other person).
    pub author: &'a str,
    /// True when the owner did it.
    pub by_owner: bool,
    /// The other people involved (recipients, the owner of the post commented
    /// on, the person connected with, people mentioned).
    pub counterparts: &'a [String],
    pub thread: Option<&'a str>,
    /// Unix seconds, UTC; 0 or less means the export gave no time.
    pub at: i64,
    pub text: &'a str,
}

/// Which way an interaction went, seen from the owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Direction {
    /// The owner did it to or for the contact.
    Given,
    /// The contact did it to or for the owner.
    Received,
}

/// What an interaction was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Act {
    /// You sent them a direct message (one-to-one or in a group).
    MessageSent,
    /// They sent you a direct message.
    MessageReceived,
    /// You commented on their content.
    CommentOnTheirs,
    /// They commented on your content.
    CommentOnYours,
    /// You reacted to their content or message.
    ReactionGiven,
    /// They reacted to your content or message.
    ReactionReceived,
    /// You shared their content.
    ShareOfTheirs,
    /// They shared your content.
    ShareOfYours,
    /// A post naming the other: `Given` when you mentioned them, `Received`
    /// when they mentioned you.
    Mention,
    /// A connection, friendship or follow: `Given` when you made it,
    /// `Received` when they did.
    Connection,
    /// A message or comment of yours that pitches a product or the
    /// opportunity (always `Given`; the same item also gives its
    /// `MessageSent` or `CommentOnTheirs`).
    Pitch,
    /// A message or comment of theirs that asks about your product or
    /// business (always `Received`; the same item also gives its
    /// `MessageReceived` or `CommentOnYours`).
    Inquiry,
}

crate::words!(Act {
    MessageSent => "message-sent",
    MessageReceived => "message-received",
    CommentOnTheirs => "comment-on-theirs",
    CommentOnYours => "comment-on-yours",
    ReactionGiven => "reaction-given",
    ReactionReceived => "reaction-received",
    ShareOfTheirs => "share-of-theirs",
    ShareOfYours => "share-of-yours",
    Mention => "mention",
    Connection => "connection",
    Pitch => "pitch",
    Inquiry => "inquiry",
});

/// One thing that happened between the owner and one contact.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Interaction {
    /// The contact's handle on `network` (identity merging happens outside).
    pub contact: String,
    pub network: Network,
    /// Unix seconds, UTC; 0 or less: unknown.
    pub at: i64,
    pub direction: Direction,
    pub act: Act,
    /// A direct message between the owner and this one contact only.
    pub private: bool,
    /// The stored item it comes from.
    pub item: i64,
}

fn is_owner(handle: &str, owner: &str) -> bool {
    let h = handle.trim();
    !owner.trim().is_empty() && h.eq_ignore_ascii_case(owner.trim())
}

/// What one stored item means between the owner and each contact in it.
///
/// - By the owner: one interaction per counterpart who is not the owner
///   (a message → `MessageSent`, a comment → `CommentOnTheirs`, a reaction →
///   `ReactionGiven`, a share → `ShareOfTheirs`, a post → `Mention` of each
///   person it names, a connection → `Connection`), plus a `Pitch` when a
///   message or comment pitches ([`pitch_cue`]).
/// - By someone else: one interaction with the author (`MessageReceived`,
///   `CommentOnYours`, `ReactionReceived`, `ShareOfYours`, `Mention` for a
///   post of theirs in your export, `Connection`), plus an `Inquiry` when a
///   message or comment asks about your product or business
///   ([`inquiry_cue`]).
/// - A connection's contact is the other person whichever way it went.
///
/// `owner` is the owner's handle on the item's network (compared without
/// regard to ASCII case).
pub fn interactions(item: &ItemView<'_>, owner: &str) -> Vec<Interaction> {
    let mut out = Vec::new();
    let push = |out: &mut Vec<Interaction>, contact: &str, direction: Direction, act: Act, private: bool| {
        out.push(Interaction {
            contact: contact.to_string(),
            network: item.network,
            at: item.at,
            direction,
            act,
            private,
            item: item.id,
        });
    };
    if item.kind == ItemKind::Connection {
        let them = item
            .counterparts
            .iter()
            .map(String::as_str)
            .find(|c| !c.trim().is_empty() && !is_owner(c, owner))
            .or_else(|| Some(item.author).filter(|a| !a.trim().is_empty() && !is_owner(a, owner)));
        if let Some(them) = them {
            let direction = if item.by_owner { Direction::Given } else { Direction::Received };
            push(&mut out, them, direction, Act::Connection, false);
        }
        return out;
    }
    if item.by_owner {
        let mut contacts: Vec<&str> = item
            .counterparts
            .iter()
            .map(String::as_str)
            .filter(|c| !c.trim().is_empty() && !is_owner(c, owner))
            .collect();
        contacts.sort_unstable();
        contacts.dedup();
        let private = item.kind == ItemKind::Message && contacts.len() == 1;
        let act = match item.kind {
            ItemKind::Message => Act::MessageSent,
            ItemKind::Comment => Act::CommentOnTheirs,
            ItemKind::Reaction => Act::ReactionGiven,
            ItemKind::Share => Act::ShareOfTheirs,
            ItemKind::Post => Act::Mention,
            ItemKind::Connection => unreachable!("handled above"),
        };
        let pitch = matches!(item.kind, ItemKind::Message | ItemKind::Comment)
            && !contacts.is_empty()
            && is_pitch(item.text);
        for c in contacts {
            push(&mut out, c, Direction::Given, act, private);
            if pitch {
                push(&mut out, c, Direction::Given, Act::Pitch, private);
            }
        }
    } else {
        let them = item.author;
        if them.trim().is_empty() || is_owner(them, owner) {
            return out;
        }
        let others = item.counterparts.iter().filter(|c| !c.trim().is_empty() && c.as_str() != them).count();
        let private = item.kind == ItemKind::Message && others <= 1;
        let act = match item.kind {
            ItemKind::Message => Act::MessageReceived,
            ItemKind::Comment => Act::CommentOnYours,
            ItemKind::Reaction => Act::ReactionReceived,
            ItemKind::Share => Act::ShareOfYours,
            ItemKind::Post => Act::Mention,
            ItemKind::Connection => unreachable!("handled above"),
        };
        push(&mut out, them, Direction::Received, act, private);
        if matches!(item.kind, ItemKind::Message | ItemKind::Comment) && inquiry_cue(item.text).is_some() {
            push(&mut out, them, Direction::Received, Act::Inquiry, private);
        }
    }
    out
}

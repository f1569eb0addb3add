//! The consent ledger's rules: who may be mailed or pitched, for what, and on
//! what evidence. Pure: the store keeps the records, the CLI asks.
//!
//! The principle (CAN-SPAM, GDPR, and the seeds' "invitation, not
//! solicitation"): being connected is not an opt-in. An opt-in counts only
//! when the person did something themselves (replied, filled in a form,
//! asked to be added), it is recorded with that evidence, it is confirmed by
//! the person (double opt-in: they use a token), and it ends the moment they
//! withdraw.

use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// What someone agreed to hear about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Purpose {
    /// Your newsletter.
    Newsletter,
    /// News about products you sell.
    ProductUpdates,
    /// The business opportunity (joining your team).
    Opportunity,
}

crate::words!(Purpose as "purpose", echo typed {
    Newsletter => "newsletter",
    ProductUpdates => "product-updates",
    Opportunity => "opportunity",
});

/// How the person opted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// They asked in a message or comment ("yes, add me!").
    Message,
    /// They filled in a sign-up form.
    Form,
    /// They replied to an email asking to be added.
    EmailReply,
    /// They asked in person; the evidence says when and where.
    InPerson,
    /// You connected with them or they followed you: NOT an opt-in.
    Connection,
    /// A list you bought, were given or imported: NOT an opt-in.
    List,
    /// You added them yourself: NOT an opt-in.
    AddedByMe,
}

crate::words!(Source as "source",
    expected "message, form, email-reply, in-person (connection, list and added-by-me are not opt-ins)",
    echo typed {
    Message => "message",
    Form => "form",
    EmailReply => "email-reply",
    InPerson => "in-person",
    Connection => "connection",
    List => "list",
    AddedByMe => "added-by-me",
});

/// Where an opt-in stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Recorded, waiting for the person to confirm with their token.
    Pending,
    /// Confirmed by the person: they may be mailed for this purpose.
    Confirmed,
    /// Withdrawn: never mail or pitch them for this purpose again.
    Withdrawn,
}

crate::words!(Status {
    Pending => "pending",
    Confirmed => "confirmed",
    Withdrawn => "withdrawn",
});

/// Exact names only: these are read back from the store, not typed.
impl FromStr for Status {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Status::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| format!("unknown consent status `{s}`"))
    }
}

/// Why an opt-in cannot be recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error(
        "{0} is not an opt-in: being connected, being on a list or being added by you is not the person's own choice. \
         Ask them first (\"Would you like me to add you to my newsletter?\") and record their answer with --source message and --evidence"
    )]
    NotTheirAction(Source),
    #[error(
        "an opt-in needs evidence of the person's own action (what they wrote, the form entry, when and where they asked): \
         give --evidence with at least 10 characters"
    )]
    NoEvidence,
    #[error(
        "the message given as evidence was written by {0}, not by the person opting in: only their own words count"
    )]
    SomeoneElsesWords(String),
}

/// May this opt-in be recorded? `evidence_author` is who wrote the stored
/// message given as evidence, when one was given; `contact_handles` are the
/// person's handles.
pub fn check_opt_in(
    source: Source,
    evidence: &str,
    evidence_author: Option<(&str, bool)>,
    contact_handles: &[String],
) -> Result<(), Refusal> {
    if matches!(source, Source::Connection | Source::List | Source::AddedByMe) {
        return Err(Refusal::NotTheirAction(source));
    }
    if evidence.trim().chars().count() < 10 {
        return Err(Refusal::NoEvidence);
    }
    if let Some((author, by_owner)) = evidence_author {
        if by_owner || !contact_handles.iter().any(|h| h == author) {
            return Err(Refusal::SomeoneElsesWords(if by_owner {
                "you".to_string()
            } else {
                author.to_string()
            }));
        }
    }
    Ok(())
}

/// A confirmation token: short, unambiguous, derived from the record so it
/// is deterministic here (the store adds its own salt: the record id and time).
pub fn token(seed: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in seed.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    (0..8).map(|i| ALPHABET[((h >> (i * 5)) % ALPHABET.len() as u64) as usize] as char).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn being_connected_is_not_an_opt_in() {
        for s in [Source::Connection, Source::List, Source::AddedByMe] {
            assert_eq!(
                check_opt_in(s, "they are my friend on facebook", None, &[]),
                Err(Refusal::NotTheirAction(s))
            );
        }
    }

    #[test]
    fn an_opt_in_needs_evidence_in_their_own_words() {
        let handles = vec!["ann".to_string()];
        assert_eq!(check_opt_in(Source::Message, "yes", None, &handles), Err(Refusal::NoEvidence));
        assert!(
            check_opt_in(
                Source::Message,
                "Yes please add me to your newsletter!",
                Some(("ann", false)),
                &handles
            )
            .is_ok()
        );
        assert_eq!(
            check_opt_in(Source::Message, "I'll add you to my newsletter", Some(("me", true)), &handles),
            Err(Refusal::SomeoneElsesWords("you".into()))
        );
    }

    #[test]
    fn tokens_are_short_and_stable() {
        assert_eq!(token("a"), token("a"));
        assert_ne!(token("a"), token("b"));
        assert_eq!(token("a").len(), 8);
    }
}

//! tactful-console: who may see what on the company side. A company's people
//! have accounts with one role each ([`Role`]): the compliance admin, a
//! reviewer, a team leader (their downline's cases only) and a distributor
//! (their own). An account starts as an invitation (a link with a one-time
//! token); the person sets a password, kept only as an argon2id hash.
//! Logging in gives a session: a random token the browser keeps in an
//! HttpOnly cookie, stored here only as a hash, with its own CSRF token for
//! every form. Repeated failed logins for one address are refused for a
//! while ([`accounts::MAX_FAILURES`]). Every query the console makes goes
//! through one [`Scope`], built from the signed-in account and the roster.
//!
//! Its pages ([`web`], one module per person) are mounted by `tactful
//! company serve` beside the ingest API.
//!
//! The tables live in the company's store with their own migrations
//! ([`schema`]); everything is written against [`tactful_store::people::Db`].

pub mod accounts;
pub mod keys;
pub mod openapi;
pub mod packs;
pub mod schema;
pub mod scope;
pub mod templates;
mod versions;
pub mod web;

pub use accounts::{Account, Principal, Role, Session};
pub use scope::Scope;

/// Why a console operation failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The person's input: an address, a password, a role. The message says what was expected.
    #[error("{0}")]
    Input(String),
    /// Wrong address or password, an expired or unknown token: said the same
    /// way whichever it was, so that nobody learns which addresses exist.
    #[error("the address or the password is not right, or the link has expired")]
    Denied,
    /// Too many failed logins for this address: try again after `retry_after` seconds.
    #[error("too many failed logins for this address: try again in {retry_after} seconds")]
    Throttled { retry_after: i64 },
    #[error(
        "the console tables in this store have schema version {found}, newer than this tactful understands ({known}); upgrade tactful"
    )]
    TooNew { found: i64, known: i64 },
    #[error(transparent)]
    Company(#[from] tactful_company::Error),
    #[error(transparent)]
    Store(#[from] tactful_store::StoreError),
}

/// A random token of 32 bytes from the operating system, as 64 hex digits.
pub(crate) fn random_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system's random generator");
    hex(&bytes)
}

fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
        s.push(char::from(b"0123456789abcdef"[usize::from(b & 15)]));
    }
    s
}

/// What the store keeps of a session or invitation token: its SHA-256 (a
/// token is 32 random bytes, so there is nothing to guess from the hash).
pub(crate) fn token_hash(kind: &str, token: &str) -> String {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    h.update(kind.as_bytes());
    h.update(b":");
    h.update(token.as_bytes());
    hex(&h.finalize())
}

/// Equal, in a time that does not depend on where two strings differ.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

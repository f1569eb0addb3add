//! API keys for integrations that send posts over HTTP (a social-listening
//! tool, a company's own platform): one key per integration, named, shown
//! once when it is made, kept only as a SHA-256 hash, and revoked by name.
//! A key is a long random secret (the caller makes it), so a plain hash is
//! enough: there is nothing to guess from it.

use serde::{Deserialize, Serialize};
use tactful_store::Arg;
use tactful_store::people::Db;

use crate::audit::Chain;
use crate::{Actor, Error};

/// A key as the store keeps it: never the secret.
/// Read from the columns of [`COLUMNS`], in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKey {
    pub id: i64,
    /// The integration's name: who the audit log says acted.
    pub name: String,
    /// The first characters of the secret, to tell keys apart.
    pub prefix: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

/// The shortest secret accepted.
pub const MIN_SECRET: usize = 32;

fn hash(secret: &str) -> String {
    crate::sha256_hex(&[b"tactful-company-api-key:", secret.trim().as_bytes()], 32)
}

const COLUMNS: &str = "id, name, prefix, created_at, revoked_at";

/// Every key of the company, the newest first.
pub fn list(db: &mut dyn Db, company: i64) -> Result<Vec<ApiKey>, Error> {
    crate::records(
        db,
        &format!("SELECT {COLUMNS} FROM company_api_keys WHERE company_id = ?1 ORDER BY id DESC"),
        &[Arg::Int(company)],
    )
}

/// Keep a new key for the integration `name` (one live key per name),
/// audited as `apikey.create` with its name and prefix.
pub fn create(db: &mut dyn Db, actor: &Actor, name: &str, secret: &str) -> Result<ApiKey, Error> {
    let name = name.trim();
    if name.is_empty() || name.len() > 100 {
        return Err(Error::Input(format!("an API key's name: expected 1 to 100 characters, found `{name}`")));
    }
    if secret.trim().len() < MIN_SECRET {
        return Err(Error::Input(format!("an API key needs a secret of {MIN_SECRET} characters or more")));
    }
    let prefix: String = secret.trim().chars().take(10).collect();
    crate::transaction(db, actor.company, |db| {
        let live = db.rows(
            "SELECT id FROM company_api_keys WHERE company_id = ?1 AND name = ?2 AND revoked_at IS NULL",
            &[Arg::Int(actor.company), Arg::Text(name.to_string())],
        )?;
        if !live.is_empty() {
            return Err(Error::Input(format!(
                "the integration `{name}` has a key already: revoke it first (tactful company apikey revoke {name})"
            )));
        }
        let id = db.rows(
            "INSERT INTO company_api_keys (company_id, name, prefix, hash, created_at, revoked_at)
             VALUES (?1, ?2, ?3, ?4, ?5, NULL) RETURNING id",
            &[
                Arg::Int(actor.company),
                Arg::Text(name.to_string()),
                Arg::Text(prefix.clone()),
                Arg::Text(hash(secret)),
                Arg::Int(actor.at),
            ],
        )?[0][0]
            .int();
        let mut chain = Chain::open(db, actor.company)?;
        chain.append(
            actor,
            "apikey.create",
            &format!("apikey:{name}"),
            None,
            Some(&serde_json::json!({ "name": name, "prefix": prefix })),
        );
        chain.write(db)?;
        Ok(ApiKey {
            id,
            name: name.to_string(),
            prefix: prefix.clone(),
            created_at: actor.at,
            revoked_at: None,
        })
    })
}

/// Revoke the live key of `name`, audited as `apikey.revoke`.
pub fn revoke(db: &mut dyn Db, actor: &Actor, name: &str) -> Result<ApiKey, Error> {
    let name = name.trim();
    crate::transaction(db, actor.company, |db| {
        let mut rows: Vec<ApiKey> = crate::records(
            db,
            &format!(
                "SELECT {COLUMNS} FROM company_api_keys WHERE company_id = ?1 AND name = ?2 AND revoked_at IS NULL"
            ),
            &[Arg::Int(actor.company), Arg::Text(name.to_string())],
        )?;
        let Some(mut k) = rows.pop() else {
            return Err(Error::Input(format!("no live API key named `{name}`")));
        };
        db.exec(
            "UPDATE company_api_keys SET revoked_at = ?1 WHERE company_id = ?2 AND id = ?3",
            &[Arg::Int(actor.at), Arg::Int(actor.company), Arg::Int(k.id)],
        )?;
        let mut chain = Chain::open(db, actor.company)?;
        chain.append(
            actor,
            "apikey.revoke",
            &format!("apikey:{name}"),
            Some(&serde_json::json!({ "name": name, "prefix": k.prefix })),
            None,
        );
        chain.write(db)?;
        k.revoked_at = Some(actor.at);
        Ok(k)
    })
}

/// The live key whose secret this is (none: unknown or revoked).
pub fn check(db: &mut dyn Db, company: i64, secret: &str) -> Result<Option<ApiKey>, Error> {
    let keys: Vec<ApiKey> = crate::records(
        db,
        &format!(
            "SELECT {COLUMNS} FROM company_api_keys WHERE hash = ?1 AND company_id = ?2 AND revoked_at IS NULL"
        ),
        &[Arg::Text(hash(secret)), Arg::Int(company)],
    )?;
    // The last row, as before: at most one live key has this hash.
    Ok(keys.into_iter().last())
}

//! Personal API keys: a console account's key for the JSON API. A key acts
//! as its account, with exactly the account's role and scope. The secret is
//! shown once when it is made; the store keeps only its hash (like a session
//! token), its first characters to tell keys apart, and when it was last
//! used. A revoked key, or a key of a disabled account, is refused. Every
//! create and revoke is in the audit log.

use serde::Serialize;
use tactful_company::Actor;
use tactful_store::Arg;
use tactful_store::people::{Cell, Db};

use crate::accounts::{self, Account, Principal};
use crate::{Error, random_token, token_hash};

/// A personal key as the store keeps it: never the secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PersonalKey {
    pub id: i64,
    pub account: i64,
    /// The account's address: whose key it is.
    pub email: String,
    /// What the key is for ("nightly export", "my laptop").
    pub name: String,
    /// The first characters of the secret.
    pub prefix: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// A key just made: the secret is here once and nowhere else.
#[derive(Debug, Clone)]
pub struct NewKey {
    pub key: PersonalKey,
    pub secret: String,
}

/// What every personal key starts with (an integration key starts `tk_`).
pub const PREFIX: &str = "tpk_";

/// Last-used times are written at most this often (seconds), so that a busy
/// key does not write on every request.
const TOUCH_SECS: i64 = 60;

const COLUMNS: &str =
    "k.id, k.account_id, a.email, k.name, k.prefix, k.created_at, k.last_used_at, k.revoked_at";
const FROM: &str = "console_api_keys k JOIN console_accounts a ON a.id = k.account_id";

fn key(r: &mut [Cell]) -> PersonalKey {
    PersonalKey {
        id: r[0].int(),
        account: r[1].int(),
        email: r[2].take_text(),
        name: r[3].take_text(),
        prefix: r[4].take_text(),
        created_at: r[5].int(),
        last_used_at: r[6].opt_int(),
        revoked_at: r[7].opt_int(),
    }
}

fn hash(secret: &str) -> String {
    token_hash("apikey", secret.trim())
}

/// Every personal key of the company, the newest first.
pub fn list(db: &mut dyn Db, company: i64) -> Result<Vec<PersonalKey>, Error> {
    let mut rows = db.rows(
        &format!("SELECT {COLUMNS} FROM {FROM} WHERE k.company_id = ?1 ORDER BY k.id DESC"),
        &[Arg::Int(company)],
    )?;
    Ok(rows.iter_mut().map(|r| key(r)).collect())
}

/// One account's personal keys, the newest first.
pub fn of(db: &mut dyn Db, company: i64, account: i64) -> Result<Vec<PersonalKey>, Error> {
    let mut rows = db.rows(
        &format!(
            "SELECT {COLUMNS} FROM {FROM} WHERE k.company_id = ?1 AND k.account_id = ?2 ORDER BY k.id DESC"
        ),
        &[Arg::Int(company), Arg::Int(account)],
    )?;
    Ok(rows.iter_mut().map(|r| key(r)).collect())
}

/// Revoke the key `id` if it is `account`'s own; another account's key
/// reads as no such key. Audited as `console.key.revoke`.
pub fn revoke_own(db: &mut dyn Db, actor: &Actor, account: i64, id: i64) -> Result<PersonalKey, Error> {
    let mine = db.rows(
        "SELECT 1 FROM console_api_keys WHERE company_id = ?1 AND id = ?2 AND account_id = ?3",
        &[Arg::Int(actor.company), Arg::Int(id), Arg::Int(account)],
    )?;
    if mine.is_empty() {
        return Err(Error::Input(format!("key: no live key #{id}")));
    }
    revoke(db, actor, id)
}

/// Make a key for the account `account` (of the actor's company, not
/// disabled), named `name`; audited as `console.key.create`.
pub fn create(db: &mut dyn Db, actor: &Actor, account: i64, name: &str) -> Result<NewKey, Error> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(Error::Input("a key's name: expected 1 to 100 characters".into()));
    }
    let owner = accounts::list(db, actor.company)?
        .into_iter()
        .find(|a| a.id == account && !a.disabled)
        .ok_or_else(|| Error::Input(format!("account: no account #{account} that is not disabled")))?;
    let secret = format!("{PREFIX}{}", random_token());
    let prefix: String = secret.chars().take(PREFIX.len() + 6).collect();
    let id = db.rows(
        "INSERT INTO console_api_keys (company_id, account_id, name, prefix, token_hash, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
        &[
            Arg::Int(actor.company),
            Arg::Int(account),
            Arg::Text(name.to_string()),
            Arg::Text(prefix.clone()),
            Arg::Text(hash(&secret)),
            Arg::Int(actor.at),
        ],
    )?[0][0]
        .int();
    tactful_company::audit::record(
        db,
        actor,
        "console.key.create",
        &format!("account:{}", owner.email),
        None,
        Some(&serde_json::json!({ "key": id, "name": name, "prefix": prefix })),
    )?;
    let key = PersonalKey {
        id,
        account,
        email: owner.email,
        name: name.to_string(),
        prefix,
        created_at: actor.at,
        last_used_at: None,
        revoked_at: None,
    };
    Ok(NewKey { key, secret })
}

/// Revoke the key `id`: refused from now on. Audited as `console.key.revoke`.
pub fn revoke(db: &mut dyn Db, actor: &Actor, id: i64) -> Result<PersonalKey, Error> {
    let mut rows = db.rows(
        &format!(
            "SELECT {COLUMNS} FROM {FROM} WHERE k.company_id = ?1 AND k.id = ?2 AND k.revoked_at IS NULL"
        ),
        &[Arg::Int(actor.company), Arg::Int(id)],
    )?;
    let mut k =
        rows.first_mut().map(|r| key(r)).ok_or_else(|| Error::Input(format!("key: no live key #{id}")))?;
    db.exec(
        "UPDATE console_api_keys SET revoked_at = ?1 WHERE company_id = ?2 AND id = ?3",
        &[Arg::Int(actor.at), Arg::Int(actor.company), Arg::Int(id)],
    )?;
    tactful_company::audit::record(
        db,
        actor,
        "console.key.revoke",
        &format!("account:{}", k.email),
        Some(&serde_json::json!({ "key": id, "name": k.name, "prefix": k.prefix })),
        None,
    )?;
    k.revoked_at = Some(actor.at);
    Ok(k)
}

/// Who a key acts as: its account, while the key is live and the account
/// not disabled; else [`Error::Denied`]. Notes when it was used.
pub fn principal(db: &mut dyn Db, company: i64, secret: &str, now: i64) -> Result<Principal, Error> {
    let mut rows = db.rows(
        "SELECT k.id, a.id, a.email, a.name, a.role, a.distributor_id, a.password_hash IS NOT NULL
         FROM console_api_keys k JOIN console_accounts a ON a.id = k.account_id
         WHERE k.token_hash = ?1 AND k.company_id = ?2 AND k.revoked_at IS NULL AND a.disabled_at IS NULL",
        &[Arg::Text(hash(secret)), Arg::Int(company)],
    )?;
    let r = rows.first_mut().ok_or(Error::Denied)?;
    let id = r[0].int();
    // Either backend's boolean: SQLite 0/1, PostgreSQL true/false.
    let active = r[6].int() != 0 || matches!(r[6].text().as_str(), "true" | "t");
    let account = Account {
        id: r[1].int(),
        company,
        email: r[2].take_text(),
        name: r[3].take_text(),
        role: r[4].text().parse()?,
        distributor: r[5].opt_text(),
        active,
        disabled: false,
    };
    db.exec(
        "UPDATE console_api_keys SET last_used_at = ?1
         WHERE id = ?2 AND (last_used_at IS NULL OR last_used_at < ?3)",
        &[Arg::Int(now), Arg::Int(id), Arg::Int(now - TOUCH_SECS)],
    )?;
    // A key has no forms: its CSRF token is one nobody knows, so no form could pass with it.
    Ok(Principal { account, csrf: random_token() })
}

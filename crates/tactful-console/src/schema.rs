//! The console's tables and their migrations, in their own version table
//! (`console_schema_version`), beside the company's: accounts, invitations,
//! sessions, failed logins, personal API keys, and the notice template and
//! company pack as edited in the console. `{id}` stands for each backend's
//! own auto-numbered key. Never edit a released step: add a new one.

use tactful_store::people::Db;

use crate::Error;

/// Each step's statements, in order.
const STEPS: &[&[&str]] = &[
    &[
        // One account a person, in one company, with one role. `distributor_id`
        // ties a distributor's or a team leader's account to the roster; the
        // password hash is NULL until the invitation is accepted.
        "CREATE TABLE console_accounts (
        id {id},
        company_id BIGINT NOT NULL,
        email TEXT NOT NULL,
        name TEXT NOT NULL,
        role TEXT NOT NULL,
        distributor_id TEXT,
        password_hash TEXT,
        created_at BIGINT NOT NULL,
        disabled_at BIGINT,
        UNIQUE (company_id, email)
    )",
        "CREATE TABLE console_invitations (
        token_hash TEXT PRIMARY KEY,
        account_id BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        used_at BIGINT
    )",
        "CREATE TABLE console_sessions (
        token_hash TEXT PRIMARY KEY,
        account_id BIGINT NOT NULL,
        csrf TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL
    )",
        "CREATE TABLE console_login_failures (
        company_id BIGINT NOT NULL,
        email TEXT NOT NULL,
        at BIGINT NOT NULL
    )",
        "CREATE INDEX console_login_failures_by_email ON console_login_failures (company_id, email, at)",
    ],
    &[
        // Personal API keys: each acts as its account, with the account's scope.
        // Only the secret's hash is kept; revoked keys stay, for the record.
        "CREATE TABLE console_api_keys (
        id {id},
        company_id BIGINT NOT NULL,
        account_id BIGINT NOT NULL,
        name TEXT NOT NULL,
        prefix TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        created_at BIGINT NOT NULL,
        last_used_at BIGINT,
        revoked_at BIGINT
    )",
    ],
    &[
        // The company's notice template and its pack and policy, as edited in the
        // console: every saved version is kept; the newest is the one in force.
        "CREATE TABLE console_templates (
        id {id},
        company_id BIGINT NOT NULL,
        text TEXT NOT NULL,
        saved_at BIGINT NOT NULL,
        saved_by TEXT NOT NULL
    )",
        "CREATE TABLE console_packs (
        id {id},
        company_id BIGINT NOT NULL,
        pack TEXT NOT NULL,
        policy TEXT NOT NULL,
        saved_at BIGINT NOT NULL,
        saved_by TEXT NOT NULL
    )",
    ],
];

/// The newest console schema this tactful knows.
pub const VERSION: i64 = STEPS.len() as i64;

/// Bring the console tables (and the company's, which they refer to) up to
/// date; refuse a store whose console tables are newer than this tactful.
pub fn migrate(db: &mut dyn Db) -> Result<(), Error> {
    tactful_company::schema::migrate(db)?;
    let found =
        tactful_company::schema::run_migrations(db, "console_schema_version", STEPS.len(), &|i, pg| {
            let id = if pg { "BIGSERIAL PRIMARY KEY" } else { "INTEGER PRIMARY KEY" };
            STEPS[i].iter().map(|sql| sql.replace("{id}", id)).collect()
        })?;
    if found > VERSION {
        return Err(Error::TooNew { found, known: VERSION });
    }
    Ok(())
}

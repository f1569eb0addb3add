//! Accounts, invitations, sessions and failed logins. A person is invited
//! (a one-time link), sets their own password (kept as an argon2id hash, never
//! the password), and logs in for a session: a fresh random token on every
//! login (so a token planted before the login is worth nothing) and its own
//! CSRF token. Tokens are stored only as hashes. A wrong address and a wrong
//! password are refused in the same words and in about the same time.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use serde::Serialize;
use tactful_company::Actor;
use tactful_store::Arg;
use tactful_store::people::{Cell, Db};

use crate::{Error, random_token, token_hash};

/// What an account may do, from the most to the least.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Everything: accounts, the roster, packs, templates, keys, the audit log.
    Admin,
    /// Every case: review, notices, escalation, dismissal.
    Reviewer,
    /// The cases of their own downline only.
    Leader,
    /// Their own cases, notices, lessons and drafts only.
    Distributor,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Admin, Role::Reviewer, Role::Leader, Role::Distributor];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Reviewer => "reviewer",
            Role::Leader => "leader",
            Role::Distributor => "distributor",
        }
    }

    /// A team leader and a distributor are someone on the roster.
    pub fn on_roster(self) -> bool {
        matches!(self, Role::Leader | Role::Distributor)
    }
}

impl std::str::FromStr for Role {
    type Err = Error;

    fn from_str(s: &str) -> Result<Role, Error> {
        Role::ALL.into_iter().find(|r| r.as_str() == s.trim().to_ascii_lowercase()).ok_or_else(|| {
            Error::Input(format!("role `{s}`: expected one of admin, reviewer, leader, distributor"))
        })
    }
}

/// One person's account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Account {
    pub id: i64,
    pub company: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    /// Their id on the roster (a leader's or a distributor's).
    pub distributor: Option<String>,
    /// False until the invitation is accepted and a password set.
    pub active: bool,
    pub disabled: bool,
}

/// An invitation: the account, and the one-time token for the link (shown
/// once; the store keeps its hash).
#[derive(Debug, Clone)]
pub struct Invitation {
    pub account: Account,
    pub token: String,
    pub expires_at: i64,
}

/// A session: the token for the cookie and the CSRF token for forms (shown
/// once; the store keeps the session token's hash).
#[derive(Debug, Clone)]
pub struct Session {
    pub token: String,
    pub csrf: String,
    pub expires_at: i64,
}

/// Who is signed in, and the CSRF token their forms must carry.
#[derive(Debug, Clone)]
pub struct Principal {
    pub account: Account,
    pub csrf: String,
}

/// How long an invitation link holds.
pub const INVITATION_SECS: i64 = 7 * 86_400;
/// How long a session holds.
pub const SESSION_SECS: i64 = 12 * 3600;
/// Failed logins for one address within [`FAILURE_WINDOW_SECS`] after which
/// it is refused until the oldest of them is out of the window.
pub const MAX_FAILURES: i64 = 5;
pub const FAILURE_WINDOW_SECS: i64 = 15 * 60;
/// The shortest password accepted.
pub const MIN_PASSWORD: usize = 12;

const COLUMNS: &str =
    "id, company_id, email, name, role, distributor_id, password_hash IS NOT NULL, disabled_at IS NOT NULL";

fn account(r: &mut [Cell]) -> Result<Account, Error> {
    Ok(Account {
        id: r[0].int(),
        company: r[1].int(),
        email: r[2].take_text(),
        name: r[3].take_text(),
        role: r[4].text().parse()?,
        distributor: r[5].opt_text(),
        active: truth(&r[6]),
        disabled: truth(&r[7]),
    })
}

/// A boolean as either backend returns it (SQLite 0/1, PostgreSQL true/false).
fn truth(c: &Cell) -> bool {
    c.int() != 0 || c.text() == "true" || c.text() == "t"
}

fn one(db: &mut dyn Db, clause: &str, args: &[Arg]) -> Result<Option<Account>, Error> {
    let mut rows = db.rows(&format!("SELECT {COLUMNS} FROM console_accounts WHERE {clause}"), args)?;
    rows.first_mut().map(|r| account(r)).transpose()
}

/// The company's accounts, by address.
pub fn list(db: &mut dyn Db, company: i64) -> Result<Vec<Account>, Error> {
    let mut rows = db.rows(
        &format!("SELECT {COLUMNS} FROM console_accounts WHERE company_id = ?1 ORDER BY email"),
        &[Arg::Int(company)],
    )?;
    rows.iter_mut().map(|r| account(r)).collect()
}

fn normal_email(email: &str) -> Result<String, Error> {
    let e = email.trim().to_lowercase();
    let ok = e.len() <= 254
        && e.split_once('@').is_some_and(|(user, host)| !user.is_empty() && host.contains('.'))
        && !e.contains(char::is_whitespace);
    if ok {
        Ok(e)
    } else {
        Err(Error::Input(format!("email `{email}`: expected an address like ann@example.com")))
    }
}

/// Invite a person: an account without a password, and a link token that
/// holds for [`INVITATION_SECS`]. A leader or a distributor must be on the
/// roster (and not left); an admin or a reviewer must not name a distributor.
/// Audited as `console.invite`.
pub fn invite(
    db: &mut dyn Db,
    actor: &Actor,
    email: &str,
    name: &str,
    role: Role,
    distributor: Option<&str>,
) -> Result<Invitation, Error> {
    let email = normal_email(email)?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(Error::Input("name: expected 1 to 100 characters".into()));
    }
    let distributor = distributor.map(str::trim).filter(|d| !d.is_empty());
    match (role.on_roster(), distributor) {
        (true, None) => {
            return Err(Error::Input(format!("a {} account needs their distributor id", role.as_str())));
        }
        (false, Some(d)) => {
            return Err(Error::Input(format!(
                "a {} account sees every case: it is not tied to a distributor (found `{d}`)",
                role.as_str()
            )));
        }
        (true, Some(d)) => {
            let on = db.rows(
                "SELECT left_on FROM company_distributors WHERE company_id = ?1 AND id = ?2",
                &[Arg::Int(actor.company), Arg::Text(d.to_string())],
            )?;
            match on.first() {
                None => return Err(Error::Input(format!("distributor `{d}`: not on the roster"))),
                Some(r) if r[0].opt_text().is_some() => {
                    return Err(Error::Input(format!("distributor `{d}` has left the company")));
                }
                Some(_) => {}
            }
        }
        (false, None) => {}
    }
    if one(db, "company_id = ?1 AND email = ?2", &[Arg::Int(actor.company), Arg::Text(email.clone())])?
        .is_some()
    {
        return Err(Error::Input(format!("{email} has an account already")));
    }
    let token = random_token();
    let expires_at = actor.at + INVITATION_SECS;
    let mut id = 0;
    db.atomically(&mut |db| {
        id = db.rows(
            "INSERT INTO console_accounts (company_id, email, name, role, distributor_id, password_hash, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, NULL, ?6) RETURNING id",
            &[
                Arg::Int(actor.company),
                Arg::Text(email.clone()),
                Arg::Text(name.to_string()),
                Arg::Text(role.as_str().into()),
                Arg::OptText(distributor.map(str::to_string)),
                Arg::Int(actor.at),
            ],
        )?[0][0]
            .int();
        db.exec(
            "INSERT INTO console_invitations (token_hash, account_id, expires_at) VALUES (?1, ?2, ?3)",
            &[Arg::Text(token_hash("invitation", &token)), Arg::Int(id), Arg::Int(expires_at)],
        )?;
        Ok(())
    })?;
    // The account is written; the audit entry follows in the chain's own transaction.
    tactful_company::audit::record(
        db,
        actor,
        "console.invite",
        &format!("account:{email}"),
        None,
        Some(&serde_json::json!({"role": role.as_str(), "distributor": distributor})),
    )?;
    let account = Account {
        id,
        company: actor.company,
        email,
        name: name.to_string(),
        role,
        distributor: distributor.map(str::to_string),
        active: false,
        disabled: false,
    };
    Ok(Invitation { account, token, expires_at })
}

fn hash_password(password: &str) -> Result<String, Error> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).expect("the operating system's random generator");
    let salt = SaltString::encode_b64(&salt).map_err(|e| Error::Input(format!("a salt: {e}")))?;
    // Argon2id, version 19, with the crate's recommended costs (19 MiB, 2 passes).
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| Error::Input(format!("the password cannot be hashed: {e}")))?
        .to_string())
}

fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// Accept an invitation: set the password (at least [`MIN_PASSWORD`]
/// characters) and use up the link. An unknown, used or expired link is
/// [`Error::Denied`].
pub fn accept(db: &mut dyn Db, token: &str, password: &str, now: i64) -> Result<Account, Error> {
    if password.chars().count() < MIN_PASSWORD {
        return Err(Error::Input(format!("a password of {MIN_PASSWORD} characters or more, please")));
    }
    let hash = hash_password(password)?;
    let key = token_hash("invitation", token.trim());
    let mut found: Option<i64> = None;
    db.atomically(&mut |db| {
        let rows = db.rows(
            "SELECT account_id FROM console_invitations WHERE token_hash = ?1 AND used_at IS NULL AND expires_at > ?2",
            &[Arg::Text(key.clone()), Arg::Int(now)],
        )?;
        found = rows.first().map(|r| r[0].int());
        if let Some(id) = found {
            db.exec("UPDATE console_invitations SET used_at = ?1 WHERE token_hash = ?2", &[Arg::Int(now), Arg::Text(key.clone())])?;
            db.exec("UPDATE console_accounts SET password_hash = ?1 WHERE id = ?2", &[Arg::Text(hash.clone()), Arg::Int(id)])?;
        }
        Ok(())
    })?;
    let id = found.ok_or(Error::Denied)?;
    let account = one(db, "id = ?1", &[Arg::Int(id)])?.ok_or(Error::Denied)?;
    let actor = Actor { company: account.company, who: account.email.clone(), at: now };
    tactful_company::audit::record(
        db,
        &actor,
        "console.accept",
        &format!("account:{}", account.email),
        None,
        None,
    )?;
    Ok(account)
}

/// A hash of a password nobody has, verified when the address is unknown, so
/// that a wrong address takes as long as a wrong password.
const NOBODY: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$bm9ib2R5LWF0LWFsbA$h1N6Cg1cEQ7sJ6Q0v7d8m0X3m5aK0kqP2sQvVb6mH8E";

/// Log in: a new session for the address and password, or [`Error::Denied`]
/// (unknown address, wrong password, no password yet, disabled: all the same),
/// or [`Error::Throttled`] after [`MAX_FAILURES`] failures within
/// [`FAILURE_WINDOW_SECS`] (checked before the password, so guessing on is no use).
pub fn login(db: &mut dyn Db, company: i64, email: &str, password: &str, now: i64) -> Result<Session, Error> {
    let email = email.trim().to_lowercase();
    let since = now - FAILURE_WINDOW_SECS;
    let fails = db.rows(
        "SELECT COUNT(*), MIN(at) FROM console_login_failures WHERE company_id = ?1 AND email = ?2 AND at > ?3",
        &[Arg::Int(company), Arg::Text(email.clone()), Arg::Int(since)],
    )?;
    let (count, oldest) = fails.first().map_or((0, now), |r| (r[0].int(), r[1].opt_int().unwrap_or(now)));
    if count >= MAX_FAILURES {
        return Err(Error::Throttled { retry_after: (oldest + FAILURE_WINDOW_SECS - now).max(1) });
    }
    let found = db.rows(
        "SELECT id, password_hash FROM console_accounts WHERE company_id = ?1 AND email = ?2 AND disabled_at IS NULL",
        &[Arg::Int(company), Arg::Text(email.clone())],
    )?;
    let (id, stored) = found.first().map_or((None, None), |r| (Some(r[0].int()), r[1].opt_text()));
    let good = verify_password(password, stored.as_deref().unwrap_or(NOBODY)) && stored.is_some();
    let Some(id) = id.filter(|_| good) else {
        db.exec(
            "INSERT INTO console_login_failures (company_id, email, at) VALUES (?1, ?2, ?3)",
            &[Arg::Int(company), Arg::Text(email), Arg::Int(now)],
        )?;
        return Err(Error::Denied);
    };
    let session = Session { token: random_token(), csrf: random_token(), expires_at: now + SESSION_SECS };
    db.atomically(&mut |db| {
        db.exec(
            "DELETE FROM console_login_failures WHERE company_id = ?1 AND email = ?2",
            &[Arg::Int(company), Arg::Text(email.clone())],
        )?;
        // Old sessions of this account that have expired go with each login.
        db.exec("DELETE FROM console_sessions WHERE account_id = ?1 AND expires_at <= ?2", &[Arg::Int(id), Arg::Int(now)])?;
        db.exec(
            "INSERT INTO console_sessions (token_hash, account_id, csrf, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            &[
                Arg::Text(token_hash("session", &session.token)),
                Arg::Int(id),
                Arg::Text(session.csrf.clone()),
                Arg::Int(now),
                Arg::Int(session.expires_at),
            ],
        )?;
        Ok(())
    })?;
    Ok(session)
}

/// Who a session token belongs to, while it holds and the account is not
/// disabled; else [`Error::Denied`].
pub fn session(db: &mut dyn Db, token: &str, now: i64) -> Result<Principal, Error> {
    // One statement: every page of the console asks it first.
    let mut rows = db.rows(
        &format!(
            "SELECT {COLUMNS}, s.csrf FROM console_sessions s JOIN console_accounts a ON a.id = s.account_id
             WHERE s.token_hash = ?1 AND s.expires_at > ?2 AND a.disabled_at IS NULL"
        ),
        &[Arg::Text(token_hash("session", token.trim())), Arg::Int(now)],
    )?;
    let row = rows.first_mut().ok_or(Error::Denied)?;
    let csrf = row[8].take_text();
    Ok(Principal { account: account(row)?, csrf })
}

/// The form's CSRF token is the session's own.
pub fn check_csrf(p: &Principal, form_token: &str) -> Result<(), Error> {
    if crate::same(&p.csrf, form_token.trim()) { Ok(()) } else { Err(Error::Denied) }
}

/// End a session; false when there was none.
pub fn logout(db: &mut dyn Db, token: &str) -> Result<bool, Error> {
    Ok(db.exec(
        "DELETE FROM console_sessions WHERE token_hash = ?1",
        &[Arg::Text(token_hash("session", token.trim()))],
    )? > 0)
}

/// Disable an account and end its sessions; audited as `console.disable`.
pub fn disable(db: &mut dyn Db, actor: &Actor, id: i64) -> Result<Account, Error> {
    let account = one(db, "company_id = ?1 AND id = ?2", &[Arg::Int(actor.company), Arg::Int(id)])?
        .ok_or_else(|| Error::Input(format!("no account #{id}")))?;
    db.atomically(&mut |db| {
        db.exec(
            "UPDATE console_accounts SET disabled_at = ?1 WHERE id = ?2",
            &[Arg::Int(actor.at), Arg::Int(id)],
        )?;
        db.exec("DELETE FROM console_sessions WHERE account_id = ?1", &[Arg::Int(id)])?;
        Ok(())
    })?;
    tactful_company::audit::record(
        db,
        actor,
        "console.disable",
        &format!("account:{}", account.email),
        None,
        None,
    )?;
    Ok(Account { disabled: true, ..account })
}

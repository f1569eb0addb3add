//! What one signed-in person may see: the one place the console decides it.
//! An admin and a reviewer see every case; a team leader the cases of their
//! downline (themselves and everyone below them on the roster, as it is
//! now); a distributor their own. A case without a distributor (a post no
//! roster handle claims) is for the compliance team only.

use std::collections::BTreeSet;

use tactful_company::upline::Tree;
use tactful_store::Arg;
use tactful_store::people::Db;

use crate::Error;
use crate::accounts::{Principal, Role};

/// The distributors whose cases, notices and lessons one person may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// The whole company (admin, reviewer).
    All,
    /// A leader and their downline.
    Team { leader: String, members: BTreeSet<String> },
    /// One distributor: themselves.
    Own(String),
}

/// A leader and everyone below them on the roster, as it is now.
pub fn team(db: &mut dyn Db, company: i64, leader: &str) -> Result<BTreeSet<String>, Error> {
    let rows = db
        .rows("SELECT id, upline_id FROM company_distributors WHERE company_id = ?1", &[Arg::Int(company)])?;
    let pairs: Vec<(String, Option<String>)> = rows.iter().map(|r| (r[0].text(), r[1].opt_text())).collect();
    let tree = Tree::from_uplines(pairs.iter().map(|(id, up)| (id.as_str(), up.as_deref())));
    let mut members: BTreeSet<String> = tree.team(leader).into_iter().map(|(id, _)| id).collect();
    members.insert(leader.to_string());
    Ok(members)
}

impl Scope {
    /// The scope of the signed-in person, from their role and the roster.
    pub fn of(db: &mut dyn Db, p: &Principal) -> Result<Scope, Error> {
        let a = &p.account;
        let me = || {
            a.distributor.clone().ok_or_else(|| Error::Input(format!("{} has no distributor id", a.email)))
        };
        Ok(match a.role {
            Role::Admin | Role::Reviewer => Scope::All,
            Role::Distributor => Scope::Own(me()?),
            Role::Leader => {
                let leader = me()?;
                let members = team(db, a.company, &leader)?;
                Scope::Team { leader, members }
            }
        })
    }

    /// May this person see something of `distributor` (`None`: a post no
    /// roster handle claims)?
    pub fn allows(&self, distributor: Option<&str>) -> bool {
        match (self, distributor) {
            (Scope::All, _) => true,
            (Scope::Team { members, .. }, Some(d)) => members.contains(d),
            (Scope::Own(me), Some(d)) => me == d,
            (_, None) => false,
        }
    }

    /// The distributors in scope, for a query's `IN (…)`; `None` for everyone.
    pub fn distributors(&self) -> Option<Vec<String>> {
        match self {
            Scope::All => None,
            Scope::Team { members, .. } => Some(members.iter().cloned().collect()),
            Scope::Own(me) => Some(vec![me.clone()]),
        }
    }
}

//! The company's pack (its own rules, TOML) and policy (approved claims,
//! brands, disclosures) as the admin edits them in the console. Saving runs
//! the pack's own examples first, as `tactful rules test` does, and keeps
//! nothing when the pack or the policy does not parse or an example fails.
//! Every saved version is kept; the newest is the one in force.

use serde::Serialize;
use tactful_company::Actor;
use tactful_company::policy::Policy;
use tactful_store::people::{Cell, Db};

use crate::Error;
use crate::versions::Versions;

/// How the pack and the policy are named in their errors and failures.
pub const PACK_FILE: &str = "company-pack.toml";
pub const POLICY_FILE: &str = "company-policy.toml";

const VERSIONS: Versions = Versions { table: "console_packs", texts: &["pack", "policy"] };

/// One saved version of the pack and the policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SavedPack {
    pub id: i64,
    pub pack: String,
    pub policy: String,
    pub saved_at: i64,
    pub saved_by: String,
}

/// One example of the pack that did not do what it says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failure {
    pub code: String,
    /// `company-pack.toml:LINE`, where the rule is.
    pub defined_at: String,
    /// `flag` (it should have been flagged) or `pass` (it should have been left alone).
    pub expected: String,
    pub text: String,
}

/// What checking a pack and a policy found: nothing wrong, or what is.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Verdict {
    /// The pack or the policy does not parse: the message names the file and line.
    pub malformed: Vec<String>,
    /// Examples run.
    pub examples: usize,
    pub failures: Vec<Failure>,
}

impl Verdict {
    pub fn passed(&self) -> bool {
        self.malformed.is_empty() && self.failures.is_empty()
    }
}

/// Parse both and run the pack's examples on the built-in packs and this one.
pub fn test(pack: &str, policy: &str) -> Verdict {
    let mut v = Verdict::default();
    if let Err(e) = Policy::parse(POLICY_FILE, policy) {
        v.malformed.push(e.to_string());
    }
    if pack.trim().is_empty() {
        return v;
    }
    match tactful_app::Checker::with_packs(&[(PACK_FILE.to_string(), pack.to_string())]) {
        Err(e) => v.malformed.push(e.to_string()),
        Ok(checker) => {
            let engine = checker.engine();
            let ours = |at: &str| at.starts_with(&format!("{PACK_FILE}:"));
            // Only this pack's examples: its rules carry its name.
            let Some(name) = engine.rules().iter().find(|r| ours(&r.defined_at)).map(|r| r.pack.clone())
            else {
                return v;
            };
            let (run, failures) = engine.test_examples(Some(&name));
            v.examples = run;
            v.failures = failures
                .into_iter()
                .filter(|f| ours(&f.defined_at))
                .map(|f| Failure {
                    code: f.code,
                    defined_at: f.defined_at,
                    expected: f.expected.to_string(),
                    text: f.text,
                })
                .collect();
        }
    }
    v
}

fn saved(r: &mut [Cell]) -> SavedPack {
    SavedPack {
        id: r[0].int(),
        pack: r[1].take_text(),
        policy: r[2].take_text(),
        saved_at: r[3].int(),
        saved_by: r[4].take_text(),
    }
}

/// Every saved version, the newest first.
pub fn history(db: &mut dyn Db, company: i64) -> Result<Vec<SavedPack>, Error> {
    VERSIONS.history(db, company, saved)
}

/// The version in force, if one was saved.
pub fn current(db: &mut dyn Db, company: i64) -> Result<Option<SavedPack>, Error> {
    VERSIONS.current(db, company, saved)
}

/// What the company judges posts and drafts with: the built-in packs with
/// the saved company pack, and the saved policy (the built-in packs and
/// the default policy when nothing is saved).
pub struct Judge {
    pub checker: tactful_app::Checker,
    pub policy: Policy,
    /// The version in force, if the admin saved one.
    pub saved: Option<SavedPack>,
}

impl Judge {
    /// The judge of `saved`: a saved version passed its examples when it was
    /// kept, so an error here means this tactful reads it differently.
    pub fn of(saved: Option<SavedPack>) -> Result<Judge, Error> {
        let Some(saved) = saved else {
            return Ok(Judge {
                checker: tactful_app::Checker::builtin(),
                policy: Policy::default(),
                saved: None,
            });
        };
        let pack = (PACK_FILE.to_string(), saved.pack.clone());
        let checker = tactful_app::Checker::with_packs(&[pack])
            .map_err(|e| Error::Input(format!("the saved company pack (version {}): {e}", saved.id)))?;
        let policy = Policy::parse(POLICY_FILE, &saved.policy)
            .map_err(|e| Error::Input(format!("the saved company policy (version {}): {e}", saved.id)))?;
        Ok(Judge { checker, policy, saved: Some(saved) })
    }

    /// The judge of the version in force.
    pub fn current(db: &mut dyn Db, company: i64) -> Result<Judge, Error> {
        Judge::of(current(db, company)?)
    }
}

/// Test the pack and policy ([`test`]) and keep them as the new version when
/// everything passes (audited as `console.pack.save`), with the verdict;
/// otherwise keep nothing and give back the verdict.
pub fn save(
    db: &mut dyn Db,
    actor: &Actor,
    pack: &str,
    policy: &str,
) -> Result<Result<(SavedPack, Verdict), Verdict>, Error> {
    let (pack, policy) = (pack.replace("\r\n", "\n"), policy.replace("\r\n", "\n"));
    let verdict = test(&pack, &policy);
    if !verdict.passed() {
        return Ok(Err(verdict));
    }
    let before = current(db, actor.company)?;
    let id = VERSIONS.keep(db, actor, &[&pack, &policy])?;
    tactful_company::audit::record(
        db,
        actor,
        "console.pack.save",
        "pack:company",
        before.map(|b| serde_json::json!({ "version": b.id })).as_ref(),
        Some(&serde_json::json!({ "version": id, "examples": verdict.examples })),
    )?;
    Ok(Ok((SavedPack { id, pack, policy, saved_at: actor.at, saved_by: actor.who.clone() }, verdict)))
}

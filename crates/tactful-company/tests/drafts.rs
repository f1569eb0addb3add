//! Drafts sent for pre-approval, on both backends: checked at once, approved
//! (the text then never opens a case) or returned with notes, audited.

mod common;

use common::{T0, chain_holds, officer};

use tactful_app::Checker;
use tactful_company::draft::{self, Decision, DraftStatus};
use tactful_company::policy::Policy;
use tactful_company::{DEFAULT_COMPANY, Error, audit, cases};
use tactful_store::Store;
use tactful_store::people::Db;

const CLAIM: &str = "Calm Drops helped me relax and cured my insomnia in a week.";
const OTHER: &str = "I made $5,000 last month from my phone. Quit your job and join my team!";

fn submit(db: &mut dyn Db, who: &str, text: &str, at: i64) -> Result<draft::Draft, Error> {
    draft::submit(db, &officer(at), &Checker::builtin(), &Policy::default(), who, text)
}

fn actions(db: &mut dyn Db) -> Vec<String> {
    let mut out = Vec::new();
    audit::entries(db, DEFAULT_COMPANY, &mut |e| out.push(format!("{} {}", e.action, e.subject))).unwrap();
    out
}

fn an_approved_draft_never_opens_a_case(store: &mut dyn Store) {
    let db = common::ann_and_bob(store);
    let d = submit(db, "D1", CLAIM, T0 + 60).unwrap();
    assert_eq!(d.status, DraftStatus::Pending);
    assert!(!d.findings.is_empty(), "the check ran at once and found the cure claim");
    let listed = draft::list(db, DEFAULT_COMPANY, Some(DraftStatus::Pending)).unwrap();
    assert_eq!(listed.iter().map(|d| d.id).collect::<Vec<_>>(), vec![d.id]);

    let approved = draft::decide(db, &officer(T0 + 120), d.id, &Decision::Approve { notes: None }).unwrap();
    assert_eq!(
        (approved.status, approved.decided_by.as_deref()),
        (DraftStatus::Approved, Some("officer@company"))
    );
    assert!(draft::list(db, DEFAULT_COMPANY, Some(DraftStatus::Pending)).unwrap().is_empty());
    // Deciding twice is refused by name.
    let again = draft::decide(db, &officer(T0 + 130), d.id, &Decision::Approve { notes: None }).unwrap_err();
    assert!(again.to_string().contains("was approved already by officer@company"), "{again}");

    // The same text sent again, by anyone, has nothing to fix now.
    assert!(submit(db, "D2", CLAIM, T0 + 180).unwrap().findings.is_empty());
    // And posted, it opens no case; another claim in the same feed still does.
    let feed = format!(
        "network,post_id,author_handle,text\ninstagram,1,@bobcole,{CLAIM}\ninstagram,2,@ann_b,{OTHER}\n"
    );
    common::ingest_csv(db, &feed, T0 + 240);
    common::scan(db, T0 + 300);
    let page = cases::list(db, DEFAULT_COMPANY, &cases::Filter::default()).unwrap();
    assert_eq!(page.cases.iter().map(|c| c.distributor.as_deref()).collect::<Vec<_>>(), vec![Some("D1")]);
    let trail = actions(db);
    assert!(trail.contains(&format!("draft.submit draft:{}", d.id)), "{trail:?}");
    assert!(trail.contains(&format!("draft.approve draft:{}", d.id)), "{trail:?}");
    chain_holds(db);
}

fn a_returned_draft_carries_notes_and_approves_nothing(store: &mut dyn Store) {
    let db = common::ann_and_bob(store);
    let d = submit(db, "D2", CLAIM, T0 + 60).unwrap();
    let e = draft::decide(db, &officer(T0 + 90), d.id, &Decision::Return { notes: "  ".into() }).unwrap_err();
    assert!(e.to_string().contains("say what to change"), "{e}");
    let r = draft::decide(
        db,
        &officer(T0 + 120),
        d.id,
        &Decision::Return { notes: "Say how it made you feel, not what it cures.".into() },
    )
    .unwrap();
    assert_eq!(r.status, DraftStatus::Returned);
    assert_eq!(r.notes.as_deref(), Some("Say how it made you feel, not what it cures."));
    assert!(
        !submit(db, "D1", CLAIM, T0 + 180).unwrap().findings.is_empty(),
        "a returned text is not approved"
    );
    assert!(actions(db).contains(&format!("draft.return draft:{}", d.id)));
    chain_holds(db);
}

fn a_draft_is_refused_by_name(store: &mut dyn Store) {
    let db = common::ann_and_bob(store);
    let e = submit(db, "D9", CLAIM, T0).unwrap_err();
    assert!(e.to_string().contains("no distributor `D9`"), "{e}");
    let e = submit(db, "D1", " ", T0).unwrap_err();
    assert!(e.to_string().contains("a draft needs its text"), "{e}");
    let e = submit(db, "D1", &"a".repeat(draft::MAX_CHARS + 1), T0).unwrap_err();
    assert!(e.to_string().contains("at most 10000 characters"), "{e}");
    assert!(draft::list(db, DEFAULT_COMPANY, None).unwrap().is_empty());
}

on_both_backends!("drafts": an_approved_draft_never_opens_a_case, a_returned_draft_carries_notes_and_approves_nothing, a_draft_is_refused_by_name);

//! What happens after a notice, on both backends: the lesson that comes
//! with it and its quiz, escalation to the upline and then the compliance
//! lead when no fix comes, and the report over all of it.

mod common;

use std::fmt::Write as _;

use common::{T0, chain_holds, ingest_named, officer, scan, scanned};
use tactful_app::Checker;
use tactful_company::case::Status;
use tactful_company::cases::{self, Change, Filter, Order, Statuses};
use tactful_company::ingest;
use tactful_company::notice::{self, Template};
use tactful_company::policy::Policy;
use tactful_company::{DEFAULT_COMPANY as C, audit, escalate, lesson, outbox, report};
use tactful_store::Store;
use tactful_store::people::Db;

const DAY: i64 = 86_400;

const ROSTER: &str = "\
id,name,email,upline_id,rank,instagram
D1,Ann Baker,ann@example.com,,Diamond,@ann_b
D2,Bob Cole,bob@example.com,D1,Silver,@bobcole
D3,Cat Dee,cat@example.com,D2,Bronze,@catdee
";

const HEALTH: &str = "These drops cured my anxiety in two weeks, no more pills for me!";
const HEALTH_AGAIN: &str = "My sister's eczema was cured in ten days by our balm. Throw away the creams!";
const INCOME: &str = "I made $5,000 last month from my phone. Quit your job and join my team!";
const CLEAN: &str = "Morning walk with the dog, what a sunrise today.";

fn feed(rows: &[(&str, &str, &str)]) -> String {
    let mut s = String::from("network,post_id,author_handle,text\n");
    for (id, who, text) in rows {
        let _ = writeln!(s, "instagram,{id},{who},\"{text}\"");
    }
    s
}

fn story(store: &mut dyn Store) -> &mut dyn Db {
    scanned(
        store,
        ROSTER,
        &feed(&[
            ("C1", "@catdee", HEALTH),
            ("C2", "@catdee", INCOME),
            ("A1", "@ann_b", HEALTH_AGAIN),
            ("B1", "@bobcole", CLEAN),
        ]),
    )
}

/// The case of a post in a category.
fn case_on(db: &mut dyn Db, post: &str, category: &str) -> cases::Case {
    let id = ingest::posts(db, C, None)
        .unwrap()
        .into_iter()
        .find(|p| p.post_id.as_deref() == Some(post))
        .unwrap()
        .id;
    let all = cases::list(db, C, &Filter { limit: Some(1000), ..Filter::default() }).unwrap().cases;
    all.into_iter()
        .find(|c| c.post_id == id && c.category == category)
        .unwrap_or_else(|| panic!("a {category} case on {post}"))
}

fn notify(db: &mut dyn Db, case: i64, at: i64, lesson_url: Option<&str>) -> notice::Notice {
    let checker = Checker::builtin();
    notice::queue(db, &officer(at), checker.engine(), &Template::default(), lesson_url, case).unwrap()
}

fn actions(db: &mut dyn Db, subject: &str) -> Vec<String> {
    audit::about(db, C, subject).unwrap().into_iter().map(|e| e.action).collect()
}

fn a_notice_gives_the_lesson_and_a_passed_quiz_completes_it(store: &mut dyn Store) {
    let db = story(store);
    let checker = Checker::builtin();
    let case = case_on(db, "C1", "health");
    let n = notify(db, case.id, T0 + 200, Some("https://learn.glowa.example/lessons/{lesson}"));
    assert_eq!(n.lesson, "health");
    assert!(n.body.contains("https://learn.glowa.example/lessons/health"), "{}", n.body);
    let given = lesson::assignments(db, C, Some("D3")).unwrap();
    assert_eq!(given.len(), 1);
    assert_eq!(
        (given[0].lesson.as_str(), given[0].case, given[0].completed_at),
        ("health", Some(case.id), None)
    );

    let health = lesson::find(checker.engine(), "health").unwrap();
    let wrong: Vec<usize> = health.quiz.iter().map(|q| (q.answer + 1) % q.choices.len()).collect();
    let a = lesson::complete(db, &officer(T0 + DAY), "D3", &health, &wrong).unwrap();
    assert_eq!((a.right, a.questions, a.passed), (0, 3, false));
    let given = lesson::assignments(db, C, Some("D3")).unwrap();
    assert_eq!((given[0].attempts, given[0].completed_at), (1, None), "a failed quiz leaves it open");

    let right: Vec<usize> = health.quiz.iter().map(|q| q.answer).collect();
    let a = lesson::complete(db, &officer(T0 + 2 * DAY), "D3", &health, &right).unwrap();
    assert_eq!((a.right, a.passed, a.assignments.clone()), (3, true, vec![given[0].id]));
    let given = lesson::assignments(db, C, Some("D3")).unwrap();
    assert_eq!((given[0].attempts, given[0].score, given[0].completed_at), (2, Some(3), Some(T0 + 2 * DAY)));
    assert_eq!(
        actions(db, "distributor:D3"),
        ["distributor.add", "lesson.assign", "lesson.attempt", "lesson.complete"]
    );

    // A repeat offence: the lesson is given again, open until passed again.
    let more = feed(&[("C3", "@catdee", HEALTH_AGAIN)]);
    ingest_named(db, "feed2.csv", &more, T0 + 3 * DAY);
    scan(db, T0 + 3 * DAY + 60);
    let again = case_on(db, "C3", "health");
    notify(db, again.id, T0 + 3 * DAY + 120, None);
    let given = lesson::assignments(db, C, Some("D3")).unwrap();
    assert_eq!(given.len(), 2);
    assert_eq!((given[0].case, given[0].completed_at), (Some(again.id), None));
    assert!(given[1].completed_at.is_some());

    let e = lesson::complete(db, &officer(T0 + 4 * DAY), "D9", &health, &right).unwrap_err();
    assert_eq!(e.to_string(), "no distributor `D9` on the roster");
    chain_holds(db);
}

fn a_case_without_a_fix_goes_to_the_upline_then_the_lead(store: &mut dyn Store) {
    let db = story(store);
    let policy =
        Policy::parse("policy.toml", "escalate_after_days = 3\ncompliance_lead = \"jane@compliance\"")
            .unwrap();
    let cat = case_on(db, "C1", "health");
    let ann = case_on(db, "A1", "health");
    let noticed = T0 + 200;
    notify(db, cat.id, noticed, None);
    notify(db, ann.id, noticed, None);
    let untouched = case_on(db, "C2", "income");

    let escalate_at = |db: &mut dyn Db, at: i64| escalate::run(db, &officer(at), &policy).unwrap();
    assert!(escalate_at(db, noticed + 3 * DAY - 1).is_empty(), "not before three days");
    let up = escalate_at(db, noticed + 3 * DAY);
    let by_case = |up: &[escalate::Escalation], id: i64| up.iter().find(|e| e.case == id).cloned();
    let first = by_case(&up, cat.id).expect("Cat's case goes up");
    assert_eq!((first.level, first.to.as_str()), (1, "D2"), "to her upline, Bob");
    let to_lead = by_case(&up, ann.id).expect("Ann's case goes up");
    assert_eq!((to_lead.level, to_lead.to.as_str()), (2, "jane@compliance"), "Ann has no upline");
    assert_eq!(up.len(), 2, "a case without a notice waits: {up:?}");
    assert_eq!(cases::get(db, C, untouched.id).unwrap().status, Status::New);

    let c = cases::get(db, C, cat.id).unwrap();
    assert_eq!((c.status, c.escalation, c.escalated_to.as_deref()), (Status::Escalated, 1, Some("D2")));
    let note =
        outbox::list(db, C).unwrap().into_iter().find(|o| o.to == "bob@example.com").expect("a note to Bob");
    assert_eq!(Some(note.id), first.notice);
    let body = outbox::body(db, C, note.id).unwrap().unwrap();
    assert!(body.contains("Hi Bob Cole,") && body.contains("Cat Dee, in your team"), "{body}");

    assert!(escalate_at(db, noticed + 3 * DAY + 60).is_empty(), "once a step");
    let up = escalate_at(db, noticed + 6 * DAY);
    assert_eq!(up.len(), 1, "{up:?}");
    assert_eq!((up[0].case, up[0].level, up[0].to.as_str()), (cat.id, 2, "jane@compliance"));
    assert!(escalate_at(db, noticed + 30 * DAY).is_empty(), "the lead is the top");
    assert_eq!(
        actions(db, &format!("case:{}", cat.id)),
        ["case.open", "case.status", "case.status", "notice.queue", "case.escalate", "case.escalate"]
    );

    // Fixed in time: a case the re-ingest finds clean is not escalated.
    let fixed = case_on(db, "C2", "income");
    cases::change(db, &officer(noticed), fixed.id, &Change::Status { to: Status::InReview, reason: None })
        .unwrap();
    notify(db, fixed.id, noticed + 60, None);
    let edit = feed(&[("C2", "@catdee", CLEAN)]);
    ingest_named(db, "edit.csv", &edit, noticed + DAY);
    scan(db, noticed + DAY + 60);
    assert_eq!(cases::get(db, C, fixed.id).unwrap().status, Status::Fixed);
    assert!(escalate_at(db, noticed + 40 * DAY).is_empty());
    chain_holds(db);
}

fn the_report_counts_cases_teams_and_false_alarms(store: &mut dyn Store) {
    let db = story(store);
    let all = cases::list(db, C, &Filter { limit: Some(1000), ..Filter::default() }).unwrap().cases;
    let income = case_on(db, "C2", "income");
    let health = case_on(db, "C1", "health");
    let ann = case_on(db, "A1", "health");
    // A reviewer calls one a false alarm, sends a note on another; Cat fixes her health post.
    cases::change(
        db,
        &officer(T0 + 300),
        income.id,
        &Change::Status { to: Status::Dismissed, reason: Some("a quote from a news story".into()) },
    )
    .unwrap();
    notify(db, ann.id, T0 + 120 + 2 * 3600, None);
    let edit = feed(&[("C1", "@catdee", CLEAN)]);
    ingest_named(db, "edit.csv", &edit, T0 + 120 + 5 * 3600);
    scan(db, T0 + 120 + 6 * 3600);
    assert_eq!(cases::get(db, C, health.id).unwrap().status, Status::Fixed);

    let r = report::build(db, C, T0 + 7 * DAY).unwrap();
    assert_eq!(r.cases, all.len() as i64);
    let count = |v: &[report::Count], k: &str| v.iter().find(|c| c.key == k).map_or(0, |c| c.cases);
    let in_category = |cat: &str| all.iter().filter(|c| c.category == cat).count() as i64;
    assert_eq!(count(&r.by_category, "health"), in_category("health"));
    assert_eq!(count(&r.by_month, "2025-11"), r.cases);
    assert_eq!(
        count(&r.by_rank, "Bronze"),
        all.iter().filter(|c| c.distributor.as_deref() == Some("D3")).count() as i64
    );
    let team = |leader: &str| r.by_team.iter().find(|t| t.leader == leader).map(|t| (t.size, t.cases));
    assert_eq!(team("D1"), Some((3, r.cases)), "everyone is in Ann's team");
    let cat_cases = all.iter().filter(|c| c.distributor.as_deref() == Some("D3")).count() as i64;
    assert_eq!(team("D2"), Some((2, cat_cases)), "Bob's team is Bob and Cat");
    assert_eq!(team("D3"), None, "Cat leads nobody");

    assert_eq!((r.time_to_notice.cases, r.time_to_notice.median_hours), (1, Some(2.0)));
    assert_eq!(r.time_to_fix.cases, all.iter().filter(|c| c.post_id == health.post_id).count() as i64);
    assert_eq!(r.time_to_fix.median_hours, Some(6.0));
    let code = &income.codes[0];
    let p = r.precision.iter().find(|p| &p.rule == code).unwrap();
    assert_eq!(
        (p.dismissed, p.false_alarm_rate, p.precision),
        (1, Some(1.0 / p.decided as f64), Some(1.0 - 1.0 / p.decided as f64))
    );
    let hlt = r.precision.iter().find(|p| p.rule == health.codes[0]).unwrap();
    assert_eq!((hlt.dismissed, hlt.precision), (0, Some(1.0)), "{hlt:?}");
    assert_eq!(r.lessons_assigned, 1);
    // A repeat offender has cases that were not dismissed on more than one post.
    let now = cases::list(db, C, &Filter { limit: Some(1000), ..Filter::default() }).unwrap().cases;
    for d in ["D1", "D2", "D3"] {
        let posts: std::collections::HashSet<i64> = now
            .iter()
            .filter(|c| c.distributor.as_deref() == Some(d) && c.status != Status::Dismissed)
            .map(|c| c.post_id)
            .collect();
        let listed = r.repeat_offenders.iter().find(|o| o.distributor == d).map(|o| o.posts);
        assert_eq!(listed, (posts.len() > 1).then_some(posts.len() as i64), "{d}: {:?}", r.repeat_offenders);
    }
}

fn the_open_filter_lists_the_cases_still_to_act_on(store: &mut dyn Store) {
    let db = story(store);
    // One false alarm, one note sent, one post fixed; the rest are new.
    let income = case_on(db, "C2", "income");
    let health = case_on(db, "C1", "health");
    let ann = case_on(db, "A1", "health");
    let dismiss = Change::Status { to: Status::Dismissed, reason: Some("a quote from a news story".into()) };
    cases::change(db, &officer(T0 + 300), income.id, &dismiss).unwrap();
    notify(db, ann.id, T0 + 120 + 2 * 3600, None);
    ingest_named(db, "edit.csv", &feed(&[("C1", "@catdee", CLEAN)]), T0 + 120 + 5 * 3600);
    scan(db, T0 + 120 + 6 * 3600);
    let all = cases::list(db, C, &Filter { limit: Some(1000), ..Filter::default() }).unwrap().cases;
    let status = |id: i64| all.iter().find(|c| c.id == id).unwrap().status;
    assert_eq!((status(income.id), status(health.id)), (Status::Dismissed, Status::Fixed));
    assert_eq!(status(ann.id), Status::NoticeSent);
    // Computed two ways: the store's filter, page after page (one a page),
    // and every case read back and sorted here.
    for order in [Order::Newest, Order::Priority] {
        let (mut paged, mut after) = (Vec::new(), None);
        loop {
            let f =
                Filter { status: Some(Statuses::Open), order, after, limit: Some(2), ..Filter::default() };
            let page = cases::list(db, C, &f).unwrap();
            paged.extend(page.cases.iter().map(|c| (c.priority.score, c.id)));
            after = page.next;
            if after.is_none() {
                break;
            }
        }
        let mut want: Vec<(i64, i64)> =
            all.iter().filter(|c| !c.status.is_final()).map(|c| (c.priority.score, c.id)).collect();
        match order {
            Order::Newest => want.sort_by_key(|&(_, id)| std::cmp::Reverse(id)),
            Order::Priority => want.sort_by(|a, b| b.cmp(a)),
        }
        assert!(!want.is_empty() && want.len() < all.len(), "{want:?} of {}", all.len());
        assert_eq!(paged, want, "{order:?}");
        assert!(paged.iter().any(|&(_, id)| id == ann.id), "a case with a note sent is still open");
    }
    // `open` is what the command line, the console and the API accept.
    assert_eq!("open".parse::<Statuses>(), Ok(Statuses::Open));
    assert_eq!("notice_sent".parse::<Statuses>(), Ok(Statuses::Is(Status::NoticeSent)));
    let e = "opened".parse::<Statuses>().unwrap_err();
    assert!(e.contains("found `opened`") && e.contains("`open`"), "{e}");
}

on_both_backends!(
    "followup":
    a_notice_gives_the_lesson_and_a_passed_quiz_completes_it,
    a_case_without_a_fix_goes_to_the_upline_then_the_lead,
    the_report_counts_cases_teams_and_false_alarms,
    the_open_filter_lists_the_cases_still_to_act_on,
);

//! Peer reports, on both backends: a report becomes a case or joins the
//! post's case, duplicates are counted not multiplied, the reporter's contact
//! stays private, and an integration's reports are limited.

mod common;

use common::{T0, chain_holds, officer};

use tactful_company::peer::{self, Limits, Received, Refused, Report};
use tactful_company::{Actor, DEFAULT_COMPANY, audit, cases};
use tactful_store::Store;
use tactful_store::people::Db;

fn api(at: i64) -> Actor {
    Actor { company: DEFAULT_COMPANY, who: "api:report-form".into(), at }
}

fn report(url: &str) -> Report {
    Report {
        url: url.into(),
        reason: "Says the drops cure anxiety.".into(),
        text: Some("These drops cured my anxiety!".into()),
        author_handle: Some("@ann_b".into()),
        contact: Some("worried.customer@example.com".into()),
        ..Report::default()
    }
}

fn send(db: &mut dyn Db, at: i64, r: &Report) -> Result<Received, Refused> {
    peer::receive(db, &api(at), Limits::default(), r).unwrap()
}

fn everything_said_about_cases(db: &mut dyn Db) -> String {
    let page = cases::list(db, DEFAULT_COMPANY, &cases::Filter::default()).unwrap();
    let mut out = serde_json::to_string(&page).unwrap();
    audit::entries(db, DEFAULT_COMPANY, &mut |e| out.push_str(&e.to_json_line())).unwrap();
    out
}

fn reports_of_one_url_are_one_case_counting_them(store: &mut dyn Store) {
    let db = common::ann_and_bob(store);
    let first = send(db, T0 + 60, &report("https://www.instagram.com/p/ABC/?utm_source=share")).unwrap();
    assert!(first.new_case);
    assert_eq!(first.reports, 1);
    // The same post, written another way, by another reporter without a contact.
    let again =
        send(db, T0 + 120, &Report { contact: None, ..report("https://instagram.com/p/ABC") }).unwrap();
    assert_eq!((again.case, again.new_case, again.reports), (first.case, false, 2));
    let c = cases::get(db, DEFAULT_COMPANY, first.case).unwrap();
    assert_eq!(c.distributor.as_deref(), Some("D1"), "attributed by the author's handle");
    assert_eq!(
        (c.category.as_str(), c.codes.clone(), c.peer_reports),
        ("peer_report", vec!["PEER-REPORT".to_string()], 2)
    );
    assert_eq!(cases::list(db, DEFAULT_COMPANY, &cases::Filter::default()).unwrap().cases.len(), 1);
    // A report names no rule: its case gets no notice (and so no lesson) of its own.
    let checker = tactful_app::Checker::builtin();
    let template = tactful_company::notice::Template::default();
    let e =
        tactful_company::notice::queue(db, &officer(T0 + 180), checker.engine(), &template, None, first.case)
            .unwrap_err();
    assert!(e.to_string().contains("is a peer report, which names no rule"), "{e}");
    let said = everything_said_about_cases(db);
    assert!(!said.contains("worried.customer"), "the reporter's contact is never shown: {said}");
    chain_holds(db);
}

fn a_report_joins_the_case_the_scan_opened(store: &mut dyn Store) {
    let db = common::ann_and_bob(store);
    let feed = "network,post_id,url,author_handle,text\n\
                instagram,P1,https://instagram.com/p/P1,@bobcole,I made $5000 last month from my phone. Quit your job and join my team!\n";
    common::ingest_csv(db, feed, T0);
    common::scan(db, T0 + 30);
    let opened = cases::list(db, DEFAULT_COMPANY, &cases::Filter::default()).unwrap().cases;
    assert_eq!(opened.len(), 1);
    let r =
        send(db, T0 + 60, &Report { author_handle: None, ..report("https://instagram.com/p/P1?igshid=x") })
            .unwrap();
    assert_eq!((r.case, r.new_case, r.reports), (opened[0].id, false, 1));
    assert_eq!(cases::list(db, DEFAULT_COMPANY, &cases::Filter::default()).unwrap().cases.len(), 1);
}

fn reports_are_limited_per_key_and_by_size(store: &mut dyn Store) {
    let db = common::ann_and_bob(store);
    let limits = Limits { per_hour: 3 };
    for i in 0..3 {
        let r = report(&format!("https://instagram.com/p/{i}"));
        assert!(peer::receive(db, &api(T0 + i), limits, &r).unwrap().is_ok());
    }
    let over = peer::receive(db, &api(T0 + 10), limits, &report("https://instagram.com/p/9")).unwrap();
    assert_eq!(over, Err(Refused::RateLimited { limit: 3 }));
    // Another integration has its own allowance; an hour later this one does again.
    let other = Actor { who: "api:other".into(), ..api(T0 + 10) };
    assert!(peer::receive(db, &other, limits, &report("https://instagram.com/p/9")).unwrap().is_ok());
    assert!(
        peer::receive(db, &api(T0 + 3_601), limits, &report("https://instagram.com/p/10")).unwrap().is_ok()
    );

    let long = Report { reason: "x".repeat(peer::MAX_REASON + 1), ..report("https://instagram.com/p/11") };
    assert_eq!(
        send(db, T0 + 4_000, &long).unwrap_err().to_string(),
        "reason: at most 2000 characters, found 2001"
    );
    let e = send(db, T0 + 4_000, &report("not a url")).unwrap_err();
    assert!(e.to_string().starts_with("url: expected an http(s) address"), "{e}");
    let e = send(db, T0 + 4_000, &Report { reason: " ".into(), ..report("https://instagram.com/p/12") })
        .unwrap_err();
    assert_eq!(e.to_string(), "reason: required");
    let e = send(db, T0 + 4_000, &report("https://example.com/p/1")).unwrap_err();
    assert!(e.to_string().starts_with("network:"), "{e}");
    assert_eq!(cases::list(db, DEFAULT_COMPANY, &cases::Filter::default()).unwrap().cases.len(), 5);
}

on_both_backends!("peer": reports_of_one_url_are_one_case_counting_them, a_report_joins_the_case_the_scan_opened, reports_are_limited_per_key_and_by_size);

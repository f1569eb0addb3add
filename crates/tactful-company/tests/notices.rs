//! Notices, on both backends: a case becomes a friendly private note in the
//! outbox, delivered by SMTP to a real sink on loopback (the small SMTP server
//! of `tactful_company::testing`, recording every message it accepts), with retries.

mod common;

use common::{T0, chain_holds, officer};

use tactful_app::Checker;
use tactful_company::case::Status;
use tactful_company::cases::{self, Filter};
use tactful_company::notice::{self, Template};
use tactful_company::outbox::{self, Retry, Smtp};
use tactful_company::testing::SmtpSink as Sink;
use tactful_company::{DEFAULT_COMPANY, Error, audit};
use tactful_store::Store;
use tactful_store::people::Db;

const C: i64 = DEFAULT_COMPANY;

const ROSTER: &str = "\
id,name,email,upline_id,instagram
D1,Ann Baker,ann@example.com,,@ann_b
D2,Bob Cole,,D1,@bobcole
";

const HEALTH: &str = "Morning all! These drops cured my anxiety in two weeks, no more pills for me!";
const INCOME: &str = "I made $5,000 last month from my phone. Quit your job and join my team!";

/// The roster, a feed with a health claim by Ann and an income claim by Bob, scanned.
fn scanned(store: &mut dyn Store) -> &mut dyn Db {
    let feed = format!(
        "network,post_id,author_handle,text\ninstagram,A1,@ann_b,\"{HEALTH}\"\ninstagram,B1,@bobcole,\"{INCOME}\"\n"
    );
    common::scanned(store, ROSTER, &feed)
}

/// The first case of a distributor.
fn case_of(db: &mut dyn Db, distributor: &str) -> cases::Case {
    let f = Filter { distributor: Some(distributor.into()), limit: Some(100), ..Filter::default() };
    cases::list(db, C, &f).unwrap().cases.pop().expect("a case")
}

/// The message as written: a quoted-printable body (chosen when a line,
/// such as a long guidance link, does not fit) decoded.
fn decoded(data: &str) -> String {
    if !data.contains("Content-Transfer-Encoding: quoted-printable") {
        return data.to_string();
    }
    let s = data.replace("=\r\n", "");
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = b.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok());
        match (b[i], hex) {
            (b'=', Some(v)) => {
                out.push(v);
                i += 3;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap()
}

fn flat_contains(data: &str, want: &str) -> bool {
    data.split_whitespace().collect::<Vec<_>>().join(" ").contains(want)
}

fn a_notice_is_queued_sent_and_received_once(store: &mut dyn Store) {
    let db = scanned(store);
    let checker = Checker::builtin();
    let case = case_of(db, "D1");
    let n =
        notice::queue(db, &officer(T0 + 200), checker.engine(), &Template::default(), None, case.id).unwrap();
    assert_eq!(n.to, "ann@example.com");
    assert_eq!(cases::get(db, C, case.id).unwrap().status, Status::NoticeSent);
    let listed = outbox::list(db, C).unwrap();
    assert_eq!((listed.len(), listed[0].status.as_str(), listed[0].attempts), (1, "queued", 0));

    let sink = Sink::start(false);
    let smtp = Smtp::new(&sink.addr, "compliance@glowa.example").unwrap();
    let s = outbox::send(db, &officer(T0 + 300), &smtp, Retry::default()).unwrap();
    assert_eq!((s.sent, s.retrying, s.failed), (1, 0, 0));
    let got = sink.received();
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].to, vec!["ann@example.com".to_string()]);
    let data = &decoded(&got[0].data);
    let rule = checker.engine().rule(&case.codes[0]).unwrap();
    let why: String = rule.explanation.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(data.contains("Hi Ann Baker,"), "{data}");
    assert!(flat_contains(data, "These drops cured my anxiety in two weeks,"), "the quote: {data}");
    let flat = data.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains(&why), "the why `{why}`: {data}");
    if let Some(link) = rule.references.first() {
        assert!(data.contains(link.as_str()), "the guidance link {link}: {data}");
    }
    assert!(data.contains("From: compliance@glowa.example"), "{data}");

    let e = &outbox::list(db, C).unwrap()[0];
    assert_eq!((e.status.as_str(), e.attempts, e.sent_at), ("sent", 1, Some(T0 + 300)));
    let again = outbox::send(db, &officer(T0 + 100_000), &smtp, Retry::default()).unwrap();
    assert_eq!(again.sent, 0, "a second send sends nothing new");
    assert_eq!(sink.received().len(), 1);

    let actions: Vec<String> =
        audit::about(db, C, &format!("case:{}", case.id)).unwrap().into_iter().map(|e| e.action).collect();
    assert!(
        actions.ends_with(&[
            "case.status".into(),
            "case.status".into(),
            "notice.queue".into(),
            "notice.sent".into()
        ]),
        "{actions:?}"
    );
    chain_holds(db);
}

fn a_refusing_sink_leaves_the_notice_queued_with_its_error(store: &mut dyn Store) {
    let db = scanned(store);
    let checker = Checker::builtin();
    let case = case_of(db, "D1");
    notice::queue(db, &officer(T0 + 200), checker.engine(), &Template::default(), None, case.id).unwrap();
    let refusing = Sink::start(true);
    let smtp = Smtp::new(&refusing.addr, "compliance@glowa.example").unwrap();
    let retry = Retry { max_attempts: 2, first_delay: 60 };
    let s = outbox::send(db, &officer(T0 + 300), &smtp, retry).unwrap();
    assert_eq!((s.sent, s.retrying, s.failed), (0, 1, 0));
    let e = &outbox::list(db, C).unwrap()[0];
    assert_eq!((e.status.as_str(), e.attempts, e.next_attempt_at), ("queued", 1, T0 + 360));
    assert!(e.last_error.as_deref().unwrap_or("").contains("550"), "{e:?}");
    assert!(refusing.received().is_empty());

    // Not due yet: nothing is tried.
    let s = outbox::send(db, &officer(T0 + 310), &smtp, retry).unwrap();
    assert_eq!((s.sent, s.retrying, s.waiting), (0, 0, 1));
    // The second refusal is the last attempt: failed, and never tried again.
    let s = outbox::send(db, &officer(T0 + 400), &smtp, retry).unwrap();
    assert_eq!(s.failed, 1);
    let e = &outbox::list(db, C).unwrap()[0];
    assert_eq!((e.status.as_str(), e.attempts), ("failed", 2));
    let good = Sink::start(false);
    let smtp = Smtp::new(&good.addr, "compliance@glowa.example").unwrap();
    let s = outbox::send(db, &officer(T0 + 100_000), &smtp, retry).unwrap();
    assert_eq!(s.sent, 0);
    assert!(good.received().is_empty());
    chain_holds(db);
}

fn a_distributor_without_email_is_named_and_nothing_changes(store: &mut dyn Store) {
    let db = scanned(store);
    let checker = Checker::builtin();
    let case = case_of(db, "D2");
    let before = audit::verify(db, C).unwrap();
    let e = notice::queue(db, &officer(T0 + 200), checker.engine(), &Template::default(), None, case.id)
        .unwrap_err();
    assert!(matches!(&e, Error::NoEmail { distributor, .. } if distributor == "D2"), "{e}");
    assert!(e.to_string().contains("`D2` (Bob Cole) has no email"), "{e}");
    assert_eq!(cases::get(db, C, case.id).unwrap().status, Status::New);
    assert!(outbox::list(db, C).unwrap().is_empty());
    assert_eq!(audit::verify(db, C).unwrap(), before, "no audit entry");
}

fn a_company_template_is_used_and_a_second_notice_is_refused(store: &mut dyn Store) {
    let db = scanned(store);
    let checker = Checker::builtin();
    let case = case_of(db, "D1");
    let t =
        Template::parse("ours.txt", "Subject: About case {case}\nDear {name}: \"{quote}\" ({guidance})\n")
            .unwrap();
    let n = notice::queue(db, &officer(T0 + 200), checker.engine(), &t, None, case.id).unwrap();
    assert_eq!(n.subject, format!("About case {}", case.id));
    assert!(n.body.starts_with("Dear Ann Baker: \""), "{}", n.body);
    let e = notice::queue(db, &officer(T0 + 201), checker.engine(), &t, None, case.id).unwrap_err();
    assert!(e.to_string().contains("already notice_sent"), "{e}");
    assert_eq!(outbox::list(db, C).unwrap().len(), 1);
}

#[test]
fn a_template_with_an_unknown_placeholder_is_refused_by_name() {
    let e = Template::parse("ours.txt", "Subject: Hi\nDear {nme},\n").unwrap_err();
    assert!(e.to_string().starts_with("ours.txt:2: unknown placeholder `{nme}`"), "{e}");
}

on_both_backends!(
    "notices":
    a_notice_is_queued_sent_and_received_once,
    a_refusing_sink_leaves_the_notice_queued_with_its_error,
    a_distributor_without_email_is_named_and_nothing_changes,
    a_company_template_is_used_and_a_second_notice_is_refused,
);

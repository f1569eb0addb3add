//! Who may see what, over HTTP on 127.0.0.1: the console on a real server
//! and a real store (SQLite; PostgreSQL where the test server runs), the
//! example company scanned into cases, and each person — nobody, the admin,
//! a reviewer, a team leader, a distributor — trying every case page and the
//! dismiss form. Out of scope reads as "no such case"; forms without the
//! session's own CSRF token are refused; guessing passwords is throttled.

mod common;

use std::fmt::Write as _;

use common::{NOW, Reply, Request, between, company, csrf, form_encode, login, post, serve};
use tactful_company::Actor;
use tactful_console::accounts;
use tactful_store::Store;

/// A request from a browser: with the session cookie, and a form.
fn send(port: u16, method: &str, path: &str, cookie: Option<&str>, form: Option<&str>) -> Reply {
    common::send(port, method, path, Request { cookie, form, ..Request::default() })
}

fn matrix(location: String, store: &mut dyn Store) {
    company(store);
    let all = tactful_company::cases::list(store.people(), 1, &tactful_company::cases::Filter::default())
        .unwrap()
        .cases;
    let owner: Vec<(i64, Option<String>)> = all.iter().map(|c| (c.id, c.distributor.clone())).collect();
    assert!(
        owner.iter().any(|(_, d)| d.as_deref() == Some("D2"))
            && owner.iter().any(|(_, d)| d.as_deref() == Some("D3")),
        "{owner:?}"
    );
    let port = serve(location);

    // Nobody signed in: every page sends to the login, nothing is shown.
    for (id, _) in &owner {
        let r = send(port, "GET", &format!("/cases/{id}"), None, None);
        assert_eq!(r.status, 303, "{}", r.head);
        assert!(r.head.contains("location: /login") || r.head.contains("Location: /login"), "{}", r.head);
    }
    let r = send(port, "POST", &format!("/cases/{}/dismiss", owner[0].0), None, Some("reason=x"));
    assert_eq!(r.status, 303);

    // Each person: the cases in their scope open, the others are "no such case".
    let sees = |d: &Option<String>, who: &str| match who {
        "admin@example.com" | "rev@example.com" => true,
        "sam@example.com" => matches!(d.as_deref(), Some("D2" | "D3" | "D4")),
        "priya@example.com" => d.as_deref() == Some("D3"),
        _ => d.as_deref() == Some("D1"),
    };
    for who in
        ["admin@example.com", "rev@example.com", "sam@example.com", "priya@example.com", "maya@example.com"]
    {
        let token = login(port, who);
        let list = send(port, "GET", "/cases", Some(&token), None);
        assert_eq!(list.status, 200);
        for (id, d) in &owner {
            let r = send(port, "GET", &format!("/cases/{id}"), Some(&token), None);
            let listed = list.body.contains(&format!("href=\"/cases/{id}\""));
            if sees(d, who) {
                assert_eq!(r.status, 200, "{who} may see case {id} ({d:?})");
                assert!(listed, "{who}'s queue lists case {id}");
            } else {
                assert_eq!(r.status, 404, "{who} may not see case {id} ({d:?})");
                assert!(
                    r.body.contains("There is no such case") && !r.body.contains("blockquote"),
                    "{who}: nothing leaks: {}",
                    r.body
                );
                assert!(!listed, "{who}'s queue does not list case {id}");
            }
        }
        // A case that does not exist reads the same as one out of scope.
        assert_eq!(send(port, "GET", "/cases/999999", Some(&token), None).status, 404);
    }

    // Dismissing: only the compliance team, only with the session's own CSRF token.
    let d3 = owner.iter().find(|(_, d)| d.as_deref() == Some("D3")).unwrap().0;
    let priya = login(port, "priya@example.com");
    let own = send(port, "GET", &format!("/cases/{d3}"), Some(&priya), None);
    assert!(!own.body.contains("/dismiss"), "a distributor is not offered the dismiss form");
    let r =
        post(port, &format!("/cases/{d3}/dismiss"), &priya, &format!("csrf={}&reason=mine", csrf(&own.body)));
    assert_eq!(r.status, 403, "{}", r.body);
    let rev = login(port, "rev@example.com");
    let page = send(port, "GET", &format!("/cases/{d3}"), Some(&rev), None);
    assert_eq!(post(port, &format!("/cases/{d3}/dismiss"), &rev, "reason=no+token").status, 403);
    let other = csrf(&send(port, "GET", "/cases", Some(&login(port, "admin@example.com")), None).body);
    assert_eq!(
        post(port, &format!("/cases/{d3}/dismiss"), &rev, &format!("csrf={other}&reason=another+session"))
            .status,
        403,
        "another session's token is no good"
    );
    let r = post(
        port,
        &format!("/cases/{d3}/dismiss"),
        &rev,
        &format!("csrf={}&reason=quoting+a+news+story", csrf(&page.body)),
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(send(port, "GET", &format!("/cases/{d3}"), Some(&rev), None).body.contains("dismissed"));

    // The queue's filters narrow the scope, never widen it.
    let only = |token: &str, q: &str| {
        let body = send(port, "GET", &format!("/cases?{q}"), Some(token), None).body;
        owner
            .iter()
            .filter(|(id, _)| body.contains(&format!("href=\"/cases/{id}\"")))
            .map(|(id, _)| *id)
            .collect::<Vec<_>>()
    };
    let d2 = owner.iter().find(|(_, d)| d.as_deref() == Some("D2")).unwrap().0;
    let of_d3: Vec<i64> =
        owner.iter().filter(|(_, d)| d.as_deref() == Some("D3")).map(|(id, _)| *id).collect();
    assert_eq!(only(&rev, "distributor=D3"), of_d3);
    assert!(only(&rev, "rule=NOPE999").is_empty());
    assert!(only(&rev, "status=dismissed").contains(&d3) && !only(&rev, "status=new").contains(&d3));
    assert!(!only(&rev, "status=open").contains(&d3) && only(&rev, "status=open").contains(&d2));
    assert!(
        only(&login(port, "sam@example.com"), "distributor=D1").is_empty(),
        "a leader cannot filter their way out of their team"
    );
    // A reviewer is offered the caring note on an open case with a distributor.
    let page = send(port, "GET", &format!("/cases/{d2}"), Some(&rev), None);
    assert!(page.body.contains(&format!("action=\"/cases/{d2}/note\"")), "{}", page.body);

    // The leader's team page: D4's open case, nudged with the caring note.
    let d4 = owner.iter().find(|(_, d)| d.as_deref() == Some("D4")).unwrap().0;
    let sam = login(port, "sam@example.com");
    let team = send(port, "GET", "/team", Some(&sam), None);
    assert_eq!(team.status, 200);
    assert!(team.body.contains(&format!("action=\"/cases/{d4}/nudge\"")), "{}", team.body);
    assert!(
        !team.body.contains(&format!("href=\"/cases/{d3}\"")),
        "a dismissed case is not open: {}",
        team.body
    );
    assert_eq!(send(port, "GET", "/team", Some(&priya), None).status, 403, "a distributor has no team page");
    let form = format!("csrf={}", csrf(&team.body));
    assert_eq!(post(port, &format!("/cases/{d4}/nudge"), &priya, "csrf=x").status, 403);
    assert_eq!(post(port, &format!("/cases/{d4}/nudge"), &sam, &form).status, 303);
    let team = send(port, "GET", "/team", Some(&sam), None);
    assert!(!team.body.contains(&format!("action=\"/cases/{d4}/nudge\"")), "written to once: {}", team.body);
    let sent = tactful_company::outbox::list(store.people(), 1).unwrap();
    assert!(sent.iter().any(|n| n.case == d4 && n.distributor == "D4"), "{sent:?}");

    // A notice to the team leader's own case: they read it on their page,
    // take the lesson it gave and pass; a reviewer has no quiz to take.
    let officer = Actor { company: 1, who: "officer@example.com".into(), at: NOW - 50 };
    let checker = tactful_app::Checker::builtin();
    let template = tactful_company::notice::Template::default();
    let n = tactful_company::notice::queue(store.people(), &officer, checker.engine(), &template, None, d2)
        .unwrap();
    let me = send(port, "GET", "/me", Some(&sam), None);
    assert_eq!(me.status, 200);
    assert!(me.body.contains("to take"), "{}", me.body);
    let lesson = me.body.split("href=\"/lessons/").nth(1).unwrap().split('"').next().unwrap().to_string();
    let l = tactful_company::lesson::find(checker.engine(), &lesson).unwrap();
    let page = send(port, "GET", &format!("/lessons/{lesson}"), Some(&sam), None);
    let answers: Vec<String> = l.quiz.iter().enumerate().map(|(i, q)| format!("q{i}={}", q.answer)).collect();
    let form = format!("csrf={}&{}", csrf(&page.body), answers.join("&"));
    let r = post(port, &format!("/lessons/{lesson}"), &sam, &form);
    assert!(r.body.contains("Passed"), "{}", r.body);
    assert!(send(port, "GET", "/me", Some(&sam), None).body.contains("passed"));
    assert!(me.body.contains(&n.subject), "{}", me.body);
    let r = post(
        port,
        &format!("/lessons/{lesson}"),
        &rev,
        &format!("csrf={}&q0=0", csrf(&send(port, "GET", "/cases", Some(&rev), None).body)),
    );
    assert_eq!(r.status, 403, "{}", r.body);
    assert_eq!(send(port, "GET", "/me", Some(&rev), None).status, 403);
    // Nobody else's notice is on the leader's page, and none of the leader's on priya's.
    assert!(
        send(port, "GET", "/me", Some(&priya), None).body.contains("None: nothing of yours needs changing")
    );

    // The admin's pages: nobody else gets in, before anything is read.
    for who in [&rev, &sam, &priya] {
        for path in ["/admin/accounts", "/admin/roster", "/admin/audit"] {
            let r = send(port, "GET", path, Some(who), None);
            assert_eq!(r.status, 403, "{path}: {}", r.body);
            assert!(!r.body.contains("<table"), "nothing leaks on {path}");
        }
    }
    let admin = login(port, "admin@example.com");
    let acc = send(port, "GET", "/admin/accounts", Some(&admin), None);
    assert!(acc.body.contains("priya@example.com"), "{}", acc.body);
    // An invitation from the form; the link sets a password; the person logs in.
    let form = format!(
        "csrf={}&email=new%40example.com&name=New+Reviewer&role=reviewer&distributor=",
        csrf(&acc.body)
    );
    let r = post(port, "/admin/accounts", &admin, &form);
    assert_eq!(r.status, 200, "{}", r.body);
    let link = r.body.split("<code>").nth(1).unwrap().split("</code>").next().unwrap().to_string();
    assert!(link.starts_with("/invitation/"), "{link}");
    assert_eq!(send(port, "POST", &link, None, Some("password=short")).status, 400);
    assert_eq!(send(port, "POST", &link, None, Some("password=correct+horse+battery")).status, 303);
    assert_eq!(
        send(port, "POST", &link, None, Some("password=correct+horse+battery")).status,
        404,
        "a link works once"
    );
    login(port, "new@example.com");
    // A roster preview writes nothing; applying it does.
    let roster = send(port, "GET", "/admin/roster", Some(&admin), None);
    let csv = "id,name,email,upline_id\nD5,Lee Park,lee%40example.com,D2\n";
    let preview = post(
        port,
        "/admin/roster",
        &admin,
        &format!(
            "csrf={}&step=preview&csv={}",
            csrf(&roster.body),
            csv.replace('\n', "%0A").replace(',', "%2C")
        ),
    );
    assert!(
        preview.body.contains("Nothing is written yet") && preview.body.contains("D5 Lee Park"),
        "{}",
        preview.body
    );
    let before = tactful_company::roster::distributors(store.people(), 1).unwrap();
    assert!(!before.contains_key("D5"));
    let applied = post(
        port,
        "/admin/roster",
        &admin,
        &format!(
            "csrf={}&step=apply&csv={}",
            csrf(&roster.body),
            csv.replace('\n', "%0A").replace(',', "%2C")
        ),
    );
    assert!(applied.body.contains("Applied: 1 added"), "{}", applied.body);
    assert!(tactful_company::roster::distributors(store.people(), 1).unwrap().contains_key("D5"));
    // The audit log holds, and finds the dismissal by its action.
    let audit = send(port, "GET", "/admin/audit?q=case.status", Some(&admin), None);
    assert!(
        audit.body.contains("The chain holds") && audit.body.contains("rev@example.com"),
        "{}",
        audit.body
    );

    // The public report form: no login; the reply says nothing of a case;
    // a robot filling the hidden field is thanked and nothing is stored; the
    // form as a whole takes so many reports an hour.
    let reports = |store: &mut dyn Store| {
        store.people().rows("SELECT COUNT(*) FROM company_peer_reports", &[]).unwrap()[0][0].int()
    };
    assert_eq!(send(port, "GET", "/report", None, None).status, 200);
    let before = reports(store);
    let url = "url=https%3A%2F%2Finstagram.com%2Fp%2FQ1&reason=says+the+tea+cures+diabetes";
    let r = send(port, "POST", "/report", None, Some(url));
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Thank you") && !r.body.contains("case"), "{}", r.body);
    assert_eq!(reports(store), before + 1);
    let r = send(port, "POST", "/report", None, Some(&format!("{url}&website=http%3A%2F%2Fspam.example")));
    assert!(r.body.contains("Thank you"));
    assert_eq!(reports(store), before + 1, "the honeypot stores nothing");
    let r = send(port, "POST", "/report", None, Some("url=https%3A%2F%2Finstagram.com%2Fp%2FQ2&reason="));
    assert_eq!(r.status, 400);
    assert!(r.body.contains("reason"), "{}", r.body);
    let mut last = 0;
    for _ in 0..tactful_console::web::PUBLIC_REPORTS_PER_HOUR {
        last = send(port, "POST", "/report", None, Some(url)).status;
    }
    assert_eq!(last, 429, "the form's hourly limit");

    // A cookie made up before logging in is no session; guessing is throttled.
    assert_eq!(send(port, "GET", "/cases", Some(&"0".repeat(64)), None).status, 303);
    let mut last = 0;
    for _ in 0..=accounts::MAX_FAILURES {
        last = send(port, "POST", "/login", None, Some("email=maya%40example.com&password=guess")).status;
    }
    assert_eq!(last, 429, "too many guesses");
}

/// Seventy posts by Maya (D1, above Sam's team) with a health claim: her
/// cases are out of Sam's and Priya's scope, and there are enough cases for
/// the queue to have more than one page. "Zanzibar" is in every one, so a
/// body that shows it has leaked her post.
fn more_cases(store: &mut dyn Store) {
    let db = store.people();
    let actor = Actor { company: 1, who: "officer@example.com".into(), at: NOW - 280 };
    let mut feed = String::new();
    for i in 0..70 {
        let _ = writeln!(
            feed,
            "{{\"network\":\"instagram\",\"post_id\":\"z{i}\",\"author_handle\":\"@maya.glow\",\"posted_at\":\"2026-10-{:02}T09:00:00Z\",\"text\":\"Zanzibar tea cured my diabetes, I stopped my insulin! Batch {i}.\"}}",
            i % 28 + 1
        );
    }
    common::scan(db, &actor, "more.jsonl", feed.as_bytes(), "worker-2", NOW - 250);
}

/// The queue's "Older cases" link.
fn older_link(page: &str) -> String {
    common::between(page, "rel=\"next\" href=\"", "\"").expect("an Older cases link").replace("&amp;", "&")
}

/// The case links on a page, in order.
fn case_links(body: &str) -> Vec<i64> {
    body.split("href=\"/cases/").skip(1).filter_map(|s| s.split('"').next()?.parse().ok()).collect()
}

fn pages(location: String, store: &mut dyn Store) {
    company(store);
    more_cases(store);
    let all = tactful_company::cases::list(
        store.people(),
        1,
        &tactful_company::cases::Filter { limit: Some(10_000), ..Default::default() },
    )
    .unwrap()
    .cases;
    let of = |d: &str| {
        all.iter().filter(|c| c.distributor.as_deref() == Some(d)).map(|c| c.id).collect::<Vec<_>>()
    };
    let (maya_cases, d3) = (of("D1"), of("D3")[0]);
    assert!(maya_cases.len() >= 60, "{}", maya_cases.len());
    let d2 = of("D2")[0];
    let port = serve(location);

    // The stylesheet and the script come from the console itself, under a strict CSP.
    let css = send(port, "GET", "/console.css", None, None);
    assert_eq!(css.status, 200);
    assert!(css.head.to_ascii_lowercase().contains("content-type: text/css"), "{}", css.head);
    let js = send(port, "GET", "/console.js", None, None);
    assert!(
        js.head.to_ascii_lowercase().contains("content-type: text/javascript") && js.body.contains("keydown")
    );

    // Nobody signed in: every new page sends to the login.
    for (method, path) in [
        ("GET", "/drafts".to_string()),
        ("GET", "/drafts/1".to_string()),
        ("GET", "/me".to_string()),
        ("GET", "/team".to_string()),
        ("POST", "/cases/bulk".to_string()),
        ("POST", format!("/cases/{d3}/escalate")),
        ("POST", format!("/cases/{d3}/notice")),
        ("POST", "/me/drafts".to_string()),
        ("POST", "/drafts/1/decide".to_string()),
        ("GET", "/me/keys".to_string()),
        ("POST", "/me/keys".to_string()),
    ] {
        let r = send(port, method, &path, None, (method == "POST").then_some("csrf=x"));
        assert_eq!(r.status, 303, "{method} {path}");
        assert!(r.head.to_ascii_lowercase().contains("location: /login"), "{}", r.head);
    }

    let rev = login(port, "rev@example.com");
    let sam = login(port, "sam@example.com");
    let priya = login(port, "priya@example.com");
    let maya = login(port, "maya@example.com");

    // The queue: a page of 50, then "Older cases" from where it ended; no case twice.
    let first = send(port, "GET", "/cases", Some(&rev), None);
    assert_eq!(first.status, 200);
    assert!(
        first.head.contains("script-src 'self'") && first.body.contains("/console.css"),
        "{}",
        first.head
    );
    assert!(first.body.contains("Keyboard: "), "the shortcuts are written on the page");
    let one: Vec<i64> = case_links(&first.body);
    assert_eq!(one.len(), 50, "{one:?}");
    let older = older_link(&first.body);
    let second = send(port, "GET", &older, Some(&rev), None);
    let two: Vec<i64> = case_links(&second.body);
    assert!(!two.is_empty() && two.iter().all(|id| !one.contains(id)), "disjoint pages: {one:?} {two:?}");
    assert_eq!(one.len() + two.len(), all.len(), "the two pages hold every case");
    assert!(one.iter().chain(&two).zip(one.iter().chain(&two).skip(1)).all(|(a, b)| a > b), "newest first");
    assert_eq!(send(port, "GET", "/cases?after=nope", Some(&rev), None).status, 400);
    // By priority: the same cases, the highest first, on disjoint pages too.
    let first = send(port, "GET", "/cases?order=priority", Some(&rev), None);
    let p1 = case_links(&first.body);
    let older = older_link(&first.body);
    assert!(older.contains("order=priority") && older.contains("after="), "{older}");
    let p2 = case_links(&send(port, "GET", &older, Some(&rev), None).body);
    assert_eq!(p1.len(), 50);
    assert!(p2.iter().all(|id| !p1.contains(id)), "disjoint pages: {p1:?} {p2:?}");
    let mut both: Vec<i64> = p1.iter().chain(&p2).copied().collect();
    both.sort_unstable();
    let mut every: Vec<i64> = all.iter().map(|c| c.id).collect();
    every.sort_unstable();
    assert_eq!(both, every);
    let priority_of = |id: &i64| all.iter().find(|c| c.id == *id).unwrap().priority.score;
    assert!(
        p1.iter().chain(&p2).zip(p1.iter().chain(&p2).skip(1)).all(|(a, b)| priority_of(a) >= priority_of(b)),
        "highest first"
    );
    assert_eq!(send(port, "GET", "/cases?order=priority&after=12", Some(&rev), None).status, 400);
    // Filters by date and category narrow the queue.
    let by_day = case_links(&send(port, "GET", "/cases?from=2099-01-01", Some(&rev), None).body);
    assert!(by_day.is_empty(), "{by_day:?}");
    assert_eq!(send(port, "GET", "/cases?from=yesterday", Some(&rev), None).status, 400);
    let health = case_links(&send(port, "GET", "/cases?category=health", Some(&rev), None).body);
    assert!(health.contains(&maya_cases[0]), "{health:?}");
    // The group link shows that group's cases.
    let group = all.iter().find(|c| c.id == maya_cases[0]).unwrap().group;
    let grouped = case_links(&send(port, "GET", &format!("/cases?group={group}"), Some(&rev), None).body);
    assert!(
        !grouped.is_empty() && grouped.iter().all(|id| all.iter().any(|c| c.id == *id && c.group == group))
    );

    // Each person tries the others' pages: refused or "no such", and none of
    // Maya's posts or her id shows on Sam's or Priya's pages.
    let leaks = |who: &str, r: &Reply| {
        assert!(
            !r.body.contains("Zanzibar") && !r.body.contains(">D1<") && !r.body.contains(" D1 "),
            "{who} sees Maya's: {}",
            r.body
        );
    };
    for (who, token) in [("sam", &sam), ("priya", &priya)] {
        let cases_page = send(port, "GET", "/cases", Some(token), None);
        leaks(who, &cases_page);
        let form = csrf(&cases_page.body);
        for path in [
            "/drafts",
            "/cases?distributor=D1",
            &format!("/cases/{}", maya_cases[0]),
            &format!("/cases?group={group}"),
            "/me",
        ] {
            let r = send(port, "GET", path, Some(token), None);
            leaks(who, &r);
            if path == "/drafts" {
                assert_eq!(r.status, 403, "{who} {path}");
            }
            if path.starts_with("/cases/") {
                assert_eq!(r.status, 404, "{who} {path}");
            }
        }
        let r = post(
            port,
            "/cases/bulk",
            token,
            &format!("csrf={form}&action=dismiss&reason=x&id={}", maya_cases[0]),
        );
        assert_eq!(r.status, 403, "{who}: {}", r.body);
        leaks(who, &r);
        let r = post(
            port,
            &format!("/cases/{}/escalate", maya_cases[0]),
            token,
            &format!("csrf={form}&reason=x"),
        );
        assert_eq!(r.status, 404, "{who}");
        leaks(who, &r);
        let r = post(port, &format!("/cases/{d3}/notice"), token, &format!("csrf={form}&subject=s&body=b"));
        assert_eq!(r.status, 403, "{who}: only the compliance team writes a notice");
        let r = post(port, &format!("/cases/{d3}/escalate"), token, &format!("csrf={form}&reason=x"));
        assert_eq!(r.status, 403, "{who}: only the compliance team escalates");
    }
    assert_eq!(send(port, "GET", "/team", Some(&rev), None).status, 403, "a reviewer has no team page");
    assert_eq!(send(port, "GET", "/team", Some(&maya), None).status, 403, "a distributor has no team page");
    assert_eq!(send(port, "GET", "/me", Some(&rev), None).status, 403);
    let admin = login(port, "admin@example.com");
    assert_eq!(send(port, "GET", "/team", Some(&admin), None).status, 403, "the admin has no team page");
    // Maya, above Sam's team, sees nothing of it: not Priya's post, not her handle or id.
    for path in
        ["/cases".to_string(), "/me".to_string(), format!("/cases/{d3}"), "/cases?distributor=D3".to_string()]
    {
        let r = send(port, "GET", &path, Some(&maya), None);
        assert!(
            !r.body.contains("priya.naturals")
                && !r.body.contains("insulin anymore")
                && !r.body.contains(">D3<"),
            "Maya sees Priya's on {path}: {}",
            r.body
        );
    }
    let still: Vec<_> =
        tactful_company::cases::list(store.people(), 1, &tactful_company::cases::Filter::default())
            .unwrap()
            .cases;
    assert!(still.iter().all(|c| c.status == tactful_company::case::Status::New), "nothing changed yet");

    // The reviewer edits the notice before sending it; Priya reads the edited words.
    let case = send(port, "GET", &format!("/cases/{d3}"), Some(&rev), None);
    assert!(case.body.contains("<mark"), "the findings are marked in the post: {}", case.body);
    assert!(
        case.body.contains("<textarea") && case.body.contains("Priya"),
        "the notice's preview: {}",
        case.body
    );
    let form = format!(
        "csrf={}&subject={}&body={}",
        csrf(&case.body),
        form_encode("About your tea post"),
        form_encode("Hi Priya,\n\nPlease take out the line about insulin: XYZZY edited by hand.\n")
    );
    assert_eq!(post(port, &format!("/cases/{d3}/notice"), &rev, &form).status, 303);
    let me = send(port, "GET", "/me", Some(&priya), None);
    assert!(
        me.body.contains("About your tea post") && me.body.contains("XYZZY edited by hand"),
        "{}",
        me.body
    );
    assert!(me.body.contains("to take") && me.body.contains("notice_sent"), "{}", me.body);
    assert!(
        !send(port, "GET", "/me", Some(&sam), None).body.contains("XYZZY"),
        "Sam reads only his own notices"
    );
    let case = send(port, "GET", &format!("/cases/{d3}"), Some(&rev), None);
    assert!(
        case.body.contains("notice queued: “About your tea post”") && !case.body.contains("<textarea"),
        "{}",
        case.body
    );
    let hers = send(port, "GET", &format!("/cases/{d3}"), Some(&priya), None);
    assert!(
        hers.body.contains("notice queued") && !hers.body.contains("rev@example.com"),
        "Priya reads her case's history without the reviewer's address: {}",
        hers.body
    );

    // Bulk: escalate Priya's case (its notice went out) and one that does not exist;
    // dismiss two of Maya's, one already dismissed case, and the same missing one.
    let page = send(port, "GET", "/cases", Some(&rev), None);
    let token = csrf(&page.body);
    let r = post(
        port,
        "/cases/bulk",
        &rev,
        &format!("csrf={token}&action=escalate&reason=repeat&id={d3}&id=999999"),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body.contains("1 changed, 1 refused") && r.body.contains("#999999: no such case"),
        "{}",
        r.body
    );
    let k = tactful_company::cases::get(store.people(), 1, d3).unwrap();
    assert_eq!(k.status, tactful_company::case::Status::Escalated);
    assert_eq!(k.escalated_to.as_deref(), Some(tactful_company::escalate::DEFAULT_LEAD));
    let (a, b) = (maya_cases[0], maya_cases[1]);
    let r = post(port, "/cases/bulk", &rev, &format!("csrf={token}&action=dismiss&id={a}&id={b}"));
    assert_eq!(r.status, 400, "a dismissal needs a reason: {}", r.body);
    let r = post(
        port,
        "/cases/bulk",
        &rev,
        &format!("csrf={token}&action=dismiss&reason=a+quote&id={a}&id={b}&id=999999"),
    );
    assert!(r.body.contains("2 changed, 1 refused"), "{}", r.body);
    let r = post(port, "/cases/bulk", &rev, &format!("csrf={token}&action=dismiss&reason=again&id={a}"));
    assert!(r.body.contains("0 changed, 1 refused"), "a dismissed case changes no more: {}", r.body);
    for id in [a, b] {
        assert_eq!(
            tactful_company::cases::get(store.people(), 1, id).unwrap().status,
            tactful_company::case::Status::Dismissed
        );
    }
    assert_eq!(
        post(port, "/cases/bulk", &rev, &format!("csrf=nope&action=dismiss&reason=x&id={d2}")).status,
        403,
        "bulk needs the session's token"
    );

    // A draft: Priya sends it, Maya cannot read it, the reviewer approves it,
    // and its text joins the approved-claims library.
    let me = send(port, "GET", "/me", Some(&priya), None);
    let text = "My morning walk feels better with a cup of this tea PLUGH";
    let r = post(port, "/me/drafts", &priya, &format!("csrf={}&text={}", csrf(&me.body), form_encode(text)));
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("is sent") && r.body.contains("pending"), "{}", r.body);
    let id: i64 = r.body.split("href=\"/drafts/").nth(1).unwrap().split('"').next().unwrap().parse().unwrap();
    assert_eq!(
        send(port, "GET", &format!("/drafts/{id}"), Some(&maya), None).status,
        404,
        "another distributor's draft"
    );
    assert_eq!(send(port, "GET", &format!("/drafts/{id}"), Some(&priya), None).status, 200);
    assert_eq!(send(port, "GET", &format!("/drafts/{id}"), Some(&sam), None).status, 200, "her leader's");
    let maya_me = send(port, "GET", "/me", Some(&maya), None);
    assert!(!maya_me.body.contains("PLUGH"));
    let r = post(
        port,
        &format!("/drafts/{id}/decide"),
        &priya,
        &format!("csrf={}&decision=approve", csrf(&me.body)),
    );
    assert_eq!(r.status, 403, "a distributor does not approve her own draft");
    let sam_page = send(port, "GET", "/team", Some(&sam), None);
    let r = post(
        port,
        &format!("/drafts/{id}/decide"),
        &sam,
        &format!("csrf={}&decision=approve", csrf(&sam_page.body)),
    );
    assert_eq!(r.status, 403, "a leader does not approve his team's drafts");
    assert_eq!(
        post(port, "/me/drafts", &priya, "csrf=nope&text=hello").status,
        403,
        "a draft needs the session's token"
    );
    let drafts = send(port, "GET", "/drafts", Some(&rev), None);
    assert!(drafts.body.contains("PLUGH") && drafts.body.contains("Nothing approved yet"), "{}", drafts.body);
    let r = post(
        port,
        &format!("/drafts/{id}/decide"),
        &rev,
        &format!("csrf={}&decision=return", csrf(&drafts.body)),
    );
    assert_eq!(r.status, 400, "returning needs notes: {}", r.body);
    let r = post(
        port,
        &format!("/drafts/{id}/decide"),
        &rev,
        &format!("csrf={}&decision=approve&notes=fine", csrf(&drafts.body)),
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let drafts = send(port, "GET", "/drafts", Some(&rev), None);
    let library =
        drafts.body.split("Approved-claims library").nth(1).unwrap().split("Decided").next().unwrap();
    assert!(library.contains(text), "{library}");
    assert!(
        tactful_company::draft::approved_claims(store.people(), 1).unwrap().iter().any(|c| c.text == text)
    );
    let me = send(port, "GET", "/me", Some(&priya), None);
    assert!(me.body.contains("approved") && me.body.contains("fine"), "{}", me.body);

    // The leader's team: open cases member by member, the trend with its numbers.
    let team = send(port, "GET", "/team", Some(&sam), None);
    assert_eq!(team.status, 200);
    assert!(
        team.body.contains("Sam Lee (D2): 2 open") && team.body.contains("class=\"bar w10\""),
        "{}",
        team.body
    );
    assert!(team.body.contains("Priya Nair (D3): 2 open"), "her escalated case is still open: {}", team.body);
    assert!(team.body.contains("2026-11") && !team.body.contains("Zanzibar"), "{}", team.body);
}

/// The team and network filters narrow the queue, and a team filter never
/// widens a leader's scope.
fn filters(location: String, store: &mut dyn Store) {
    company(store);
    let port = serve(location);
    let rev = login(port, "rev@example.com");
    let cases_of = |cookie: &str, query: &str| {
        let r = send(port, "GET", &format!("/cases?{query}"), Some(cookie), None);
        assert_eq!(r.status, 200, "{query}: {}", r.body);
        case_links(&r.body)
    };
    let all = cases_of(&rev, "");
    assert!(!all.is_empty());
    let mut distributor_of =
        |id: i64| tactful_company::cases::get(store.people(), 1, id).unwrap().distributor;
    // Sam (D2) leads Priya (D3) and Jo (D4); Maya (D1) is above him; Priya leads nobody.
    for (leader, members) in [("D2", &["D2", "D3", "D4"][..]), ("D3", &["D3"][..])] {
        let team = cases_of(&rev, &format!("team={leader}"));
        assert!(!team.is_empty(), "{leader}");
        for id in &team {
            let d = distributor_of(*id);
            assert!(
                d.as_deref().is_some_and(|d| members.contains(&d)),
                "case {id} of {d:?} in {leader}'s team"
            );
        }
    }
    assert!(cases_of(&rev, "team=D3").len() < all.len());
    // Every post of the example feed is on Instagram.
    assert_eq!(cases_of(&rev, "network=instagram"), all);
    assert!(cases_of(&rev, "network=facebook").is_empty());
    // Sam asking for Maya's team sees no more than his own.
    let sam = login(port, "sam@example.com");
    let his = cases_of(&sam, "");
    let asked = cases_of(&sam, "team=D1");
    assert!(asked.iter().all(|id| his.contains(id)), "{asked:?} within {his:?}");
}

on_both_backends!(
    filters,
    "filters",
    the_team_and_network_filters_narrow_the_queue_on_sqlite,
    the_team_and_network_filters_narrow_the_queue_on_postgres
);
on_both_backends!(
    pages,
    "pages",
    each_person_works_on_their_pages_on_sqlite,
    each_person_works_on_their_pages_on_postgres
);
on_both_backends!(
    matrix,
    "web",
    each_person_sees_only_their_part_on_sqlite,
    each_person_sees_only_their_part_on_postgres
);

/// A store the console cannot open (a folder that is not there): a request
/// with a session cookie gets a 503 that says so, not the login page, which
/// would tell a signed-in reviewer their session had ended.
#[test]
fn a_store_that_cannot_be_read_is_a_503_not_a_logout() {
    let missing = std::env::temp_dir().join(format!("tactful-no-such-folder-{}", std::process::id()));
    let port = serve(missing.join("store.db").display().to_string());
    for path in ["/cases", "/me", "/team", "/cases/1", "/admin/accounts"] {
        let r = send(port, "GET", path, Some("0123456789abcdef"), None);
        assert_eq!(r.status, 503, "{path}: {}", r.head);
        assert!(r.head.to_ascii_lowercase().contains("retry-after: 30"), "{}", r.head);
        assert!(r.body.contains("cannot read its store"), "{}", r.body);
    }
    // Without a cookie there is nothing to read: the login, as ever.
    assert_eq!(send(port, "GET", "/cases", None, None).status, 303);
}

/// A person's own API key: made on `/me/keys` (shown once), acting as them
/// on the API with their scope, revoked by them and by nobody else.
fn own_keys(location: String, store: &mut dyn Store) {
    company(store);
    let port = serve(location);
    let sam = login(port, "sam@example.com");
    let page = send(port, "GET", "/me/keys", Some(&sam), None);
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("You have no keys"), "{}", page.body);
    let token = csrf(&page.body);
    assert_eq!(
        post(port, "/me/keys", &sam, "csrf=nope&action=create&name=x").status,
        403,
        "the session's token"
    );
    let made = post(port, "/me/keys", &sam, &format!("csrf={token}&action=create&name=nightly+export"));
    assert_eq!(made.status, 200, "{}", made.body);
    let at = made.body.find("tpk_").expect("the secret, shown once");
    let secret = format!(
        "tpk_{}",
        &made.body[at + 4..].chars().take_while(char::is_ascii_hexdigit).collect::<String>()
    );
    assert_eq!(secret.len(), 4 + 64, "{secret}");
    let again = send(port, "GET", "/me/keys", Some(&sam), None);
    assert!(again.body.contains("nightly export") && !again.body.contains(&secret), "shown once only");
    // The key acts as Sam: his team's cases, nothing else.
    let api = |key: &str| {
        common::send(
            port,
            "GET",
            "/api/v1/company/cases?limit=200",
            Request { key: Some(key), ..Request::default() },
        )
    };
    let r = api(&secret);
    assert_eq!(r.status, 200, "{}", r.body);
    let cases = r.json()["cases"].as_array().unwrap().clone();
    assert!(!cases.is_empty());
    assert!(cases.iter().all(|c| matches!(c["distributor"].as_str(), Some("D2" | "D3" | "D4"))), "{cases:?}");
    // Priya cannot revoke it (it reads as no such key); Sam can.
    let id = between(&again.body, "name=\"target\" value=\"", "\"").unwrap().to_string();
    let priya = login(port, "priya@example.com");
    let hers = csrf(&send(port, "GET", "/me/keys", Some(&priya), None).body);
    let r = post(port, "/me/keys", &priya, &format!("csrf={hers}&action=revoke&target={id}"));
    assert_eq!(r.status, 400);
    assert!(r.body.contains("no live key"), "{}", r.body);
    assert_eq!(api(&secret).status, 200, "still live");
    let r = post(port, "/me/keys", &sam, &format!("csrf={token}&action=revoke&target={id}"));
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Revoked nightly export"), "{}", r.body);
    assert_eq!(api(&secret).status, 401, "refused once revoked");
}

#[test]
fn a_person_makes_uses_and_revokes_their_own_key_on_sqlite() {
    common::on_sqlite("console-own-keys", own_keys);
}

//! The console's JSON API over HTTP on 127.0.0.1, on SQLite and PostgreSQL:
//! the example company scanned into cases, a personal key for each person,
//! and each key trying every route. A key sees exactly what its account's
//! pages show: no key is 401, another role's route 403, a case out of scope
//! 404 with the same body as a missing one, and nothing of another team
//! (their distributor ids, their posts' text) is in any answer.

mod common;

use std::collections::BTreeSet;

use common::{NOW, PEOPLE, Reply, Request, officer, serve};
use tactful_company::Actor;
use tactful_store::Store;
use tactful_store::testing::sqlite_path;

/// The example company with a notice to D2 and one to D3; each person's
/// personal key, in `PEOPLE`'s order.
fn company(store: &mut dyn Store) -> Vec<String> {
    let accounts = common::company(store);
    let db = store.people();
    let actor = officer();
    let checker = tactful_app::Checker::builtin();
    let all = tactful_company::cases::list(db, 1, &tactful_company::cases::Filter::default()).unwrap().cases;
    for d in ["D2", "D3"] {
        let case = all
            .iter()
            .find(|c| c.distributor.as_deref() == Some(d) && c.category != tactful_company::peer::CATEGORY)
            .unwrap();
        let template = tactful_company::notice::Template::default();
        tactful_company::notice::queue(db, &actor, checker.engine(), &template, None, case.id).unwrap();
    }
    accounts
        .into_iter()
        .map(|id| tactful_console::keys::create(db, &actor, id, "test").unwrap().secret)
        .collect()
}

/// A request from a program: with a personal key, and JSON.
fn send(port: u16, method: &str, path: &str, key: Option<&str>, json: Option<&str>) -> Reply {
    common::send(port, method, path, Request { key, json, ..Request::default() })
}

/// Whether `who` (an index into `PEOPLE`) may see a case of distributor `d`.
fn sees(who: usize, d: Option<&str>) -> bool {
    match who {
        0 | 1 => true,
        2 => matches!(d, Some("D2" | "D3" | "D4")),
        3 => d == Some("D3"),
        _ => d == Some("D1"),
    }
}

fn error_code(r: &Reply) -> String {
    r.json()["error"]["code"].as_str().unwrap_or_default().to_string()
}

fn matrix(location: String, store: &mut dyn Store) {
    let keys = company(store);
    let db = store.people();
    let all = tactful_company::cases::list(
        db,
        1,
        &tactful_company::cases::Filter { limit: Some(1000), ..Default::default() },
    )
    .unwrap()
    .cases;
    let texts: Vec<(i64, Option<String>, String)> = all
        .iter()
        .map(|c| (c.id, c.distributor.clone(), tactful_company::cases::detail(db, 1, c.id).unwrap().text))
        .collect();
    let port = serve(location);
    let routes = [
        ("GET", "/api/v1/company/cases".to_string()),
        ("GET", format!("/api/v1/company/cases/{}", all[0].id)),
        ("POST", format!("/api/v1/company/cases/{}/status", all[0].id)),
        ("GET", "/api/v1/company/notices".to_string()),
        ("GET", "/api/v1/company/audit/verify".to_string()),
    ];
    let body = r#"{"status":"in_review"}"#;
    // No key, a made-up key: 401 everywhere, and nothing else said.
    for (m, path) in &routes {
        for key in [None, Some("tpk_0000000000000000000000000000000000000000000000000000000000000000")] {
            let r = send(port, m, path, key, (*m == "POST").then_some(body));
            assert_eq!(r.status, 401, "{m} {path} with {key:?}: {}", r.body);
            assert_eq!(error_code(&r), "unauthorized");
        }
    }
    let missing = send(port, "GET", "/api/v1/company/cases/99999999", Some(&keys[0]), None);
    assert_eq!(missing.status, 404);

    for (who, key) in keys.iter().enumerate() {
        let email = PEOPLE[who].0;
        let visible: BTreeSet<i64> =
            all.iter().filter(|c| sees(who, c.distributor.as_deref())).map(|c| c.id).collect();
        // Texts of cases this person may not see, which no case they may see shares.
        let shown: BTreeSet<&str> =
            texts.iter().filter(|(_, d, _)| sees(who, d.as_deref())).map(|(_, _, t)| t.as_str()).collect();
        let hidden: Vec<String> = texts
            .iter()
            .filter(|(_, d, t)| !sees(who, d.as_deref()) && !shown.contains(t.as_str()))
            .map(|(_, _, t)| serde_json::to_string(t).unwrap().trim_matches('"').to_string())
            .collect();
        let hidden_ids: Vec<String> = ["D1", "D2", "D3", "D4"]
            .iter()
            .filter(|d| !sees(who, Some(d)))
            .map(|d| format!("\"{d}\""))
            .collect();
        let leaks = |r: &Reply, what: &str| {
            for t in &hidden {
                assert!(!r.body.contains(t.as_str()), "{email}: {what} shows another team's post: {t}");
            }
            for d in &hidden_ids {
                assert!(!r.body.contains(d.as_str()), "{email}: {what} names {d}");
            }
        };

        // The pages of the list: disjoint, together exactly the cases in scope.
        let mut seen = BTreeSet::new();
        let mut after = String::new();
        let mut pages = 0;
        loop {
            let r = send(port, "GET", &format!("/api/v1/company/cases?limit=2{after}"), Some(key), None);
            assert_eq!(r.status, 200, "{email}: {}", r.body);
            leaks(&r, "a page of cases");
            let page = r.json();
            for c in page["cases"].as_array().unwrap() {
                assert!(seen.insert(c["id"].as_i64().unwrap()), "{email}: case {} on two pages", c["id"]);
            }
            pages += 1;
            match page["next"].as_str() {
                Some(n) => after = format!("&after={n}"),
                None => break,
            }
        }
        assert_eq!(seen, visible, "{email}: the pages hold exactly the cases in scope");
        assert!(pages >= visible.len() / 2, "{email}: paged two at a time");

        // Each case: in scope, it is there; out of scope, it reads like a missing case.
        for c in &all {
            let r = send(port, "GET", &format!("/api/v1/company/cases/{}", c.id), Some(key), None);
            if visible.contains(&c.id) {
                assert_eq!(r.status, 200, "{email} may see case {}", c.id);
                leaks(&r, "a case");
            } else {
                assert_eq!(r.status, 404, "{email} may not see case {}", c.id);
                assert_eq!(r.body, missing.body, "{email}: out of scope reads as missing");
            }
        }

        // Notices: a distributor's own, a leader's team's, the compliance team's all.
        let r = send(port, "GET", "/api/v1/company/notices", Some(key), None);
        assert_eq!(r.status, 200);
        leaks(&r, "the notices");
        let notices: Vec<String> = r.json()["notices"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["distributor"].as_str().unwrap().to_string())
            .collect();
        let expected: Vec<&str> = ["D3", "D2"].into_iter().filter(|d| sees(who, Some(d))).collect();
        assert_eq!(notices, expected, "{email}'s notices");

        // Moving a case is the compliance team's: others get 403 whatever the case.
        let compliance = who < 2;
        for c in std::iter::once(&all[0]).chain(all.iter().find(|c| visible.contains(&c.id))) {
            let path = format!("/api/v1/company/cases/{}/status", c.id);
            let r = send(port, "POST", &path, Some(key), Some(r#"{"status":"closed","reason":"x"}"#));
            if compliance {
                assert_ne!(r.status, 403, "{email}: {}", r.body);
            } else {
                assert_eq!(r.status, 403, "{email} may not move case {}: {}", c.id, r.body);
                assert_eq!(error_code(&r), "forbidden");
            }
        }
        let r = send(port, "GET", "/api/v1/company/audit/verify", Some(key), None);
        if who == 0 {
            assert_eq!(r.status, 200);
            assert_eq!(r.json()["holds"], true, "{}", r.body);
        } else {
            assert_eq!(r.status, 403, "{email}: the audit log is the admin's");
        }
    }
}

on_both_backends!(
    matrix,
    "api",
    each_key_sees_only_its_accounts_part_on_sqlite,
    each_key_sees_only_its_accounts_part_on_postgres
);

/// A reviewer's status change through the API: the state machine's rules,
/// and the audit log names the key's account.
#[test]
fn a_status_change_is_audited_as_the_keys_account() {
    let path = sqlite_path("console-api-status");
    let mut store = tactful_store::SqliteStore::open(&path).unwrap();
    let keys = company(&mut store);
    let db = store.people();
    let filter = tactful_company::cases::Filter {
        status: Some(tactful_company::case::Status::New.into()),
        ..Default::default()
    };
    let case = tactful_company::cases::list(db, 1, &filter).unwrap().cases[0].clone();
    let port = serve(path.display().to_string());
    let url = format!("/api/v1/company/cases/{}/status", case.id);
    let rev = &keys[1];

    let r = send(port, "POST", &url, Some(rev), Some(r#"{"status":"dismissed"}"#));
    assert_eq!((r.status, error_code(&r).as_str()), (400, "reason_required"), "{}", r.body);
    let r = send(port, "POST", &url, Some(rev), Some(r#"{"status":"escalated"}"#));
    assert_eq!((r.status, error_code(&r).as_str()), (409, "bad_transition"), "a new case is not escalated");
    let r = send(port, "POST", &url, Some(rev), Some(r#"{"status":"fixed"}"#));
    assert_eq!(r.status, 400, "fixed comes from the scan: {}", r.body);
    assert!(r.json()["error"]["message"].as_str().unwrap().contains("status"));
    let r = send(port, "POST", &url, Some(rev), Some(r#"{"status":"in_review","colour":"red"}"#));
    assert_eq!(r.status, 400, "an unknown field is named: {}", r.body);
    assert!(r.body.contains("colour"));

    let r = send(port, "POST", &url, Some(rev), Some(r#"{"status":"in_review"}"#));
    assert_eq!(r.status, 200, "{}", r.body);
    let r = send(
        port,
        "POST",
        &url,
        Some(rev),
        Some(r#"{"status":"dismissed","reason":"a quote from the label"}"#),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["status"], "dismissed");
    assert_eq!(r.json()["reason"], "a quote from the label");

    let history = tactful_company::audit::about(store.people(), 1, &format!("case:{}", case.id)).unwrap();
    let moves: Vec<(&str, &str)> = history
        .iter()
        .filter(|e| e.action == "case.status")
        .map(|e| (e.actor.as_str(), e.after.as_deref().unwrap_or("")))
        .collect();
    assert_eq!(moves.len(), 2, "{moves:?}");
    assert!(moves.iter().all(|(who, _)| *who == "rev@example.com"), "{moves:?}");
    assert!(moves[1].1.contains("dismissed"));

    // Revoked, the key is refused at once.
    let actor = Actor { company: 1, who: "admin@example.com".into(), at: NOW };
    let id = tactful_console::keys::list(store.people(), 1)
        .unwrap()
        .into_iter()
        .find(|k| k.email == "rev@example.com")
        .unwrap()
        .id;
    tactful_console::keys::revoke(store.people(), &actor, id).unwrap();
    let r = send(port, "GET", "/api/v1/company/cases", Some(rev), None);
    assert_eq!(r.status, 401);
}

/// The list's filters, each checked; a bad value is a 400 naming the parameter.
#[test]
fn the_case_list_filters_and_names_a_bad_parameter() {
    let path = sqlite_path("console-api-filters");
    let mut store = tactful_store::SqliteStore::open(&path).unwrap();
    let keys = company(&mut store);
    let all = tactful_company::cases::list(
        store.people(),
        1,
        &tactful_company::cases::Filter { limit: Some(1000), ..Default::default() },
    )
    .unwrap()
    .cases;
    let port = serve(path.display().to_string());
    let category = all[0].category.clone();
    let want: BTreeSet<i64> = all.iter().filter(|c| c.category == category).map(|c| c.id).collect();
    let mut got = BTreeSet::new();
    let mut after = String::new();
    loop {
        let r = send(
            port,
            "GET",
            &format!("/api/v1/company/cases?category={category}&limit=1{after}"),
            Some(&keys[1]),
            None,
        );
        assert_eq!(r.status, 200, "{}", r.body);
        let page = r.json();
        for c in page["cases"].as_array().unwrap() {
            assert_eq!(c["category"], category.as_str());
            assert!(got.insert(c["id"].as_i64().unwrap()));
        }
        match page["next"].as_str() {
            Some(n) => after = format!("&after={n}"),
            None => break,
        }
    }
    assert_eq!(got, want, "one category's cases, a page at a time");
    let r = send(port, "GET", "/api/v1/company/cases?distributor=D3&status=new", Some(&keys[1]), None);
    assert!(
        r.json()["cases"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["distributor"] == "D3" && c["status"] == "new")
    );
    // Within days and one case group, a page at a time: the cursor within
    // days is `OPENED:ID`, and the pages hold each case once.
    let day = |t: i64| tactful_app::clock::rfc3339(t)[..10].to_string();
    let first = all.iter().map(|c| c.opened_at).min().unwrap();
    let on = day(first);
    let want: BTreeSet<i64> = all.iter().filter(|c| day(c.opened_at) == on).map(|c| c.id).collect();
    let (mut got, mut after, mut cursors) = (BTreeSet::new(), String::new(), Vec::new());
    loop {
        let q = format!("/api/v1/company/cases?from={on}&to={on}&limit=1{after}");
        let r = send(port, "GET", &q, Some(&keys[1]), None);
        assert_eq!(r.status, 200, "{}", r.body);
        let page = r.json();
        for c in page["cases"].as_array().unwrap() {
            assert!(got.insert(c["id"].as_i64().unwrap()));
        }
        match page["next"].as_str() {
            Some(n) => {
                cursors.push(n.to_string());
                after = format!("&after={n}");
            }
            None => break,
        }
    }
    assert_eq!(got, want, "the cases opened on {on}");
    assert!(!cursors.is_empty() && cursors.iter().all(|c| c.contains(':')), "{cursors:?}");
    let before = day(first - 86_400);
    let r = send(port, "GET", &format!("/api/v1/company/cases?to={before}"), Some(&keys[1]), None);
    assert!(r.json()["cases"].as_array().unwrap().is_empty(), "nothing opened before {before}");
    let group = all[0].group;
    let r =
        send(port, "GET", &format!("/api/v1/company/cases?group={group}&limit=200"), Some(&keys[1]), None);
    let listed: BTreeSet<i64> =
        r.json()["cases"].as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect();
    let want: BTreeSet<i64> = all.iter().filter(|c| c.group == group).map(|c| c.id).collect();
    assert_eq!(listed, want, "group {group}");
    // `open`: every case still to act on.
    let r = send(port, "GET", "/api/v1/company/cases?status=open&limit=200", Some(&keys[1]), None);
    let listed: BTreeSet<i64> =
        r.json()["cases"].as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect();
    let want: BTreeSet<i64> = all.iter().filter(|c| !c.status.is_final()).map(|c| c.id).collect();
    assert!(!want.is_empty());
    assert_eq!(listed, want, "status=open");
    for (query, named) in [
        ("limit=0", "limit"),
        ("after=x", "after"),
        ("status=opened", "status"),
        ("sort=id", "sort"),
        ("from=21-11-2026", "from"),
        ("group=g", "group"),
    ] {
        let r = send(port, "GET", &format!("/api/v1/company/cases?{query}"), Some(&keys[1]), None);
        assert_eq!(r.status, 400, "{query}");
        assert!(r.json()["error"]["message"].as_str().unwrap().contains(named), "{query}: {}", r.body);
    }
}

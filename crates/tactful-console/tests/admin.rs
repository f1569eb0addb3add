//! The compliance admin's pages over HTTP on 127.0.0.1 (SQLite): nobody else
//! gets in; keys are shown once and work until revoked; a pack whose
//! examples fail is refused and nothing is kept; the template saved is the
//! one notices use; the report draws its charts without style or script.

mod common;

use common::{NOW, Reply, Request, between, company, csrf, form_encode, login, post, serve};
use tactful_company::Actor;
use tactful_console::Role;
use tactful_console::accounts;
use tactful_store::Store;
use tactful_store::testing::sqlite_path;

/// The example company, scanned, with an account per person; the server's port.
fn start(name: &str) -> (u16, tactful_store::SqliteStore) {
    let path = sqlite_path(name);
    let mut store = tactful_store::SqliteStore::open(&path).unwrap();
    company(&mut store);
    (serve(path.display().to_string()), store)
}

/// As `start`, with the admin signed in and their page `path` opened: the
/// port, the store, the admin's session cookie and the page.
fn admin_opens(name: &str, path: &str) -> (u16, tactful_store::SqliteStore, String, Reply) {
    let (port, store) = start(name);
    let cookie = login(port, "admin@example.com");
    let page = send(port, "GET", path, Some(&cookie), None, None);
    (port, store, cookie, page)
}

/// A request: with the session cookie, a form, or an API key.
fn send(
    port: u16,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    form: Option<&str>,
    key: Option<&str>,
) -> Reply {
    common::send(port, method, path, Request { cookie, form, key, json: None })
}

const ADMIN_PAGES: [&str; 7] = [
    "/admin/accounts",
    "/admin/roster",
    "/admin/audit",
    "/admin/keys",
    "/admin/templates",
    "/admin/pack",
    "/admin/report",
];

#[test]
fn nobody_but_the_admin_gets_into_an_admin_page() {
    let (port, _store) = start("console-admin-refused");
    for path in ADMIN_PAGES {
        let r = send(port, "GET", path, None, None, None);
        assert_eq!(r.status, 303, "{path} without a login goes to the login");
    }
    for who in ["rev@example.com", "sam@example.com", "priya@example.com"] {
        let cookie = login(port, who);
        // Their own CSRF token, from a page they may open: still refused.
        let token = csrf(&send(port, "GET", "/cases", Some(&cookie), None, None).body);
        for path in ADMIN_PAGES {
            let r = send(port, "GET", path, Some(&cookie), None, None);
            assert_eq!(r.status, 403, "{who} GET {path}");
            if path != "/admin/report" && path != "/admin/audit" {
                let form = format!(
                    "csrf={token}&action=create_integration&name=x&text=x&pack=&policy=&step=save&csv="
                );
                let r = post(port, path, &cookie, &form);
                assert_eq!(r.status, 403, "{who} POST {path}");
            }
        }
    }
    // The admin opens each, and each leads to the others.
    let admin = login(port, "admin@example.com");
    for path in ADMIN_PAGES {
        let r = send(port, "GET", path, Some(&admin), None, None);
        assert_eq!(r.status, 200, "{path}: {}", r.body);
        for other in ADMIN_PAGES {
            assert!(r.body.contains(&format!("href=\"{other}\"")), "{path} leads to {other}");
        }
    }
    // Nothing was made by the refused forms.
    let keys = send(port, "GET", "/admin/keys", Some(&admin), None, None);
    assert!(!keys.body.contains("<td>x</td>"), "no key was made");
    // And the admin's own forms need the session's CSRF token.
    let r = post(port, "/admin/keys", &admin, "csrf=nope&action=create_integration&name=y");
    assert_eq!(r.status, 403);
}

#[test]
fn a_key_is_shown_once_and_works_until_it_is_revoked() {
    let (port, mut store, cookie, page) = admin_opens("console-admin-keys", "/admin/keys");
    assert_eq!(page.status, 200);
    let token = csrf(&page.body);
    let rev = accounts::list(store.people(), 1)
        .unwrap()
        .into_iter()
        .find(|a| a.email == "rev@example.com")
        .unwrap();

    let form = format!("csrf={token}&action=create_personal&target={}&name=nightly+export", rev.id);
    let made = post(port, "/admin/keys", &cookie, &form);
    assert_eq!(made.status, 200, "{}", made.body);
    let secret =
        between(&made.body, "<code>tpk_", "</code>").map(|s| format!("tpk_{s}")).expect("the key, shown");
    let again = send(port, "GET", "/admin/keys", Some(&cookie), None, None);
    assert!(!again.body.contains(&secret), "shown once");
    assert!(again.body.contains("nightly export") && again.body.contains("rev@example.com"));

    let r = send(port, "GET", "/api/v1/company/cases", None, None, Some(&secret));
    assert_eq!(r.status, 200, "the key works: {}", r.body);
    let listed = tactful_console::keys::list(store.people(), 1).unwrap();
    assert_eq!(listed[0].last_used_at, Some(NOW), "its last use is noted");
    assert!(!listed[0].prefix.is_empty() && secret.starts_with(&listed[0].prefix));

    // An integration's key, made on the same page, shown once, works on the ingest route's key check.
    let form = format!("csrf={token}&action=create_integration&name=listener");
    let made = post(port, "/admin/keys", &cookie, &form);
    let integration = between(&made.body, "<code>tk_", "</code>").map(|s| format!("tk_{s}")).expect("shown");
    assert!(tactful_company::apikey::check(store.people(), 1, &integration).unwrap().is_some());
    assert!(!send(port, "GET", "/admin/keys", Some(&cookie), None, None).body.contains(&integration));

    // Revoked: refused from then on; both are in the audit log with who did it.
    let form = format!("csrf={token}&action=revoke_personal&target={}", listed[0].id);
    assert_eq!(post(port, "/admin/keys", &cookie, &form).status, 200);
    let r = send(port, "GET", "/api/v1/company/cases", None, None, Some(&secret));
    assert_eq!(r.status, 401);
    let form = format!("csrf={token}&action=revoke_integration&target=listener");
    assert_eq!(post(port, "/admin/keys", &cookie, &form).status, 200);
    assert!(tactful_company::apikey::check(store.people(), 1, &integration).unwrap().is_none());
    let mut actions = Vec::new();
    tactful_company::audit::entries(store.people(), 1, &mut |e| actions.push((e.action, e.actor))).unwrap();
    for a in ["console.key.create", "console.key.revoke", "apikey.create", "apikey.revoke"] {
        assert!(actions.contains(&(a.to_string(), "admin@example.com".to_string())), "{a}: {actions:?}");
    }
    assert!(tactful_company::audit::verify(store.people(), 1).unwrap().broken.is_none());

    // A bad form names the field.
    let r =
        post(port, "/admin/keys", &cookie, &format!("csrf={token}&action=create_personal&target=abc&name=x"));
    assert_eq!(r.status, 400);
    assert!(r.body.contains("account: expected a number"), "{}", r.body);
}

/// The example company's pack (one rule, its examples).
const PACK: &str = include_str!("../../../examples/company/pack.toml");

#[test]
fn a_pack_with_a_failing_example_is_refused_and_nothing_is_kept() {
    let (port, mut store, cookie, page) = admin_opens("console-admin-pack", "/admin/pack");
    let token = csrf(&page.body);
    let policy =
        std::fs::read_to_string(format!("{}/../../examples/company/policy.toml", env!("CARGO_MANIFEST_DIR")))
            .unwrap();
    let submit = |pack: &str, policy: &str, step: &str| {
        let form =
            format!("csrf={token}&pack={}&policy={}&step={step}", form_encode(pack), form_encode(policy));
        post(port, "/admin/pack", &cookie, &form)
    };

    // An example that does not flag: refused, the example shown with where its rule is.
    let failing =
        PACK.replace("flag = [\"Night Serum healed my eczema\"]", "flag = [\"Night Serum smells of roses\"]");
    let r = submit(&failing, &policy, "save");
    assert_eq!(r.status, 400);
    assert!(r.body.contains("GLW001 (company-pack.toml:5)") && r.body.contains("should flag"), "{}", r.body);
    assert!(r.body.contains("Night Serum smells of roses"));
    // A pack that does not parse: its line is named.
    let r = submit("[pack]\nname = \"glowa\"\n[[rule]]\ncode = 12\n", &policy, "save");
    assert_eq!(r.status, 400);
    assert!(r.body.contains("company-pack.toml:"), "{}", r.body);
    // A policy that does not parse.
    let r = submit(PACK, "brands = [", "save");
    assert_eq!(r.status, 400);
    assert!(r.body.contains("company-policy.toml"), "{}", r.body);
    assert!(tactful_console::packs::history(store.people(), 1).unwrap().is_empty(), "nothing kept");

    // Running the examples alone keeps nothing either; saving a good pack keeps it, audited.
    let r = submit(PACK, &policy, "test");
    assert_eq!(r.status, 200);
    assert!(r.body.contains("2 example(s) ran and all passed"), "{}", r.body);
    assert!(tactful_console::packs::history(store.people(), 1).unwrap().is_empty());
    let r = submit(PACK, &policy, "save");
    assert_eq!(r.status, 200, "{}", r.body);
    let saved = tactful_console::packs::current(store.people(), 1).unwrap().unwrap();
    assert_eq!((saved.pack.as_str(), saved.saved_by.as_str()), (PACK, "admin@example.com"));
    assert_eq!(saved.policy, policy.replace("\r\n", "\n"));
    let page = send(port, "GET", "/admin/pack", Some(&cookie), None, None);
    assert!(page.body.contains("GLW001"), "the page opens on the version in force");
    // A distributor's draft is checked with the saved pack at once.
    let priya = login(port, "priya@example.com");
    let me = send(port, "GET", "/me", Some(&priya), None, None);
    let draft = format!("csrf={}&text={}", csrf(&me.body), form_encode("Night Serum healed my eczema"));
    let r = post(port, "/me/drafts", &priya, &draft);
    assert_eq!(r.status, 200, "{}", r.body);
    let id = r.body.split("href=\"/drafts/").nth(1).unwrap().split('"').next().unwrap().to_string();
    let shown = send(port, "GET", &format!("/drafts/{id}"), Some(&priya), None, None);
    assert!(shown.body.contains("GLW001"), "{}", shown.body);
    // A failing save after it leaves the saved version in force.
    assert_eq!(submit(&failing, &policy, "save").status, 400);
    assert_eq!(tactful_console::packs::history(store.people(), 1).unwrap().len(), 1);
    let mut audited = 0;
    tactful_company::audit::entries(store.people(), 1, &mut |e| {
        audited += usize::from(e.action == "console.pack.save");
    })
    .unwrap();
    assert_eq!(audited, 1);
}

#[test]
fn the_template_saved_is_the_one_notices_use() {
    let (port, mut store, cookie, page) = admin_opens("console-admin-template", "/admin/templates");
    assert!(page.body.contains("{quote}"), "the page opens on the built-in template");
    let token = csrf(&page.body);
    let submit = |text: &str, step: &str| {
        let form = format!("csrf={token}&text={}&step={step}", form_encode(text));
        post(port, "/admin/templates", &cookie, &form)
    };
    let text =
        "Subject: About your post, {name}\nHello {name},\n\nThis part: \"{quote}\"\n\n{why}\n\n{company}\n";

    // A preview renders on the example case and keeps nothing.
    let r = submit(text, "preview");
    assert_eq!(r.status, 200);
    assert!(
        r.body.contains("About your post, Alex Example") && r.body.contains("This shake cured my back pain"),
        "{}",
        r.body
    );
    assert_eq!(
        tactful_console::templates::notice_template(store.people(), 1).unwrap(),
        tactful_company::notice::Template::default()
    );

    // A bad template: refused with its line, nothing kept.
    let r = submit("Subject: hi\nHello {nmae}\n", "save");
    assert_eq!(r.status, 400);
    assert!(r.body.contains(":2:"), "the line: {}", r.body);
    assert!(tactful_console::templates::history(store.people(), 1).unwrap().is_empty());

    let r = submit(text, "save");
    assert_eq!(r.status, 200, "{}", r.body);
    let used = tactful_console::templates::notice_template(store.people(), 1).unwrap();
    assert_eq!(used, tactful_company::notice::Template::parse("x", text).unwrap());
    let (subject, _) = used.render(&tactful_console::templates::example_values("Glowa"));
    assert_eq!(subject, "About your post, Alex Example");
    let mut saves = Vec::new();
    tactful_company::audit::entries(store.people(), 1, &mut |e| {
        if e.action == "console.template.save" {
            saves.push(e.actor);
        }
    })
    .unwrap();
    assert_eq!(saves, ["admin@example.com"]);
    let page = send(port, "GET", "/admin/templates", Some(&cookie), None, None);
    assert!(page.body.contains("About your post, {name}"), "the page opens on the saved version");
    // The notice a reviewer is about to send starts from the saved template.
    let case = tactful_company::cases::list(store.people(), 1, &tactful_company::cases::Filter::default())
        .unwrap()
        .cases
        .into_iter()
        .find(|k| k.distributor.as_deref() == Some("D3") && k.status == tactful_company::case::Status::New)
        .expect("a new case of Priya's");
    let page = send(port, "GET", &format!("/cases/{}", case.id), Some(&cookie), None, None);
    assert!(
        page.body.contains("About your post, Priya Nair"),
        "the preview uses the saved template: {}",
        page.body
    );
}

#[test]
fn the_report_draws_its_charts_with_the_numbers_as_text() {
    let (_, mut store, _, r) = admin_opens("console-admin-report", "/admin/report");
    assert_eq!(r.status, 200);
    let report = tactful_company::report::build(store.people(), 1, NOW).unwrap();
    assert!(r.body.contains(&format!("{} cases over {} distributors", report.cases, report.distributors)));
    for c in &report.by_category {
        let row = format!("<th scope=\"row\">{}</th>", c.key);
        let after = r.body.split(&row).nth(1).unwrap_or_else(|| panic!("a row for {}: {}", c.key, r.body));
        assert!(after.contains(&format!("<td>{}</td>", c.cases)), "its number as text");
    }
    assert!(r.body.contains("<meter"), "bars");
    // Nothing inline and nothing from elsewhere: the one script is the console's own file.
    for banned in ["<script>", "style=", "<style", "http://", "https://"] {
        assert!(!r.body.contains(banned), "no {banned} on the page");
    }
    assert!(r.body.split("<script").skip(1).all(|s| s.starts_with(" src=\"/console.js\"")), "{}", r.body);
}

/// The template, the pack and the keys as kept on PostgreSQL: the same as on SQLite.
#[test]
fn templates_packs_and_keys_are_kept_on_postgres() {
    let Some((mut store, _)) = tactful_store::testing::fresh_pg("console_admin") else { return };
    let db = store.people();
    tactful_console::schema::migrate(db).unwrap();
    let actor = Actor { company: 1, who: "admin@example.com".into(), at: NOW };
    let text = "Subject: About {name}'s post\nHello {name}: {quote}\n";
    tactful_console::templates::save(db, &actor, text).unwrap();
    assert!(tactful_console::templates::save(db, &actor, "Hello {nobody}").is_err());
    assert_eq!(
        tactful_console::templates::notice_template(db, 1).unwrap(),
        tactful_company::notice::Template::parse("x", text).unwrap()
    );
    assert!(tactful_console::packs::save(db, &actor, PACK, "brands = [\"Glowa\"]").unwrap().is_ok());
    let failing = PACK.replace("pass = [\"I love my night serum\"]", "pass = [\"night serum heals\"]");
    let refused = tactful_console::packs::save(db, &actor, &failing, "").unwrap().unwrap_err();
    assert_eq!(refused.failures.len(), 1, "{refused:?}");
    assert_eq!(tactful_console::packs::history(db, 1).unwrap().len(), 1);
    let inv = accounts::invite(db, &actor, "rev@example.com", "Rev", Role::Reviewer, None).unwrap();
    let key = tactful_console::keys::create(db, &actor, inv.account.id, "laptop").unwrap();
    let who = tactful_console::keys::principal(db, 1, &key.secret, NOW + 5).unwrap();
    assert_eq!(who.account.email, "rev@example.com");
    tactful_console::keys::revoke(db, &actor, key.key.id).unwrap();
    assert!(tactful_console::keys::principal(db, 1, &key.secret, NOW + 6).is_err());
    assert!(tactful_company::audit::verify(db, 1).unwrap().broken.is_none());
}

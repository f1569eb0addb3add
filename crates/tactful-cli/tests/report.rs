//! `tactful report`: the monthly HTML report and its terminal summary.

mod common;
use common::{tactful, text};

#[test]
fn the_monthly_report_is_a_self_contained_html_file_with_charts() {
    let (dir, db) = common::demo("report");
    let db_s = db.as_str();

    // A post of the owner's with markup in it: it must come out escaped.
    let jsonl = dir.join("extra.jsonl");
    std::fs::write(
        &jsonl,
        r#"{"kind":"post","id":"xss-1","at":"2026-09-15T10:00:00Z","author":"sam.makes","by_owner":true,"network":"instagram","text":"Look <script>alert(1)</script> & more"}"#.to_string() + "\n",
    )
    .unwrap();
    let o = tactful(&["import", jsonl.to_str().unwrap(), "--db", db_s]);
    assert!(o.status.success(), "{}", text(&o));

    let out = dir.join("report.html");
    let o = tactful(&["report", "--db", db_s, "--month", "2026-09", "--out", out.to_str().unwrap()]);
    let t = text(&o);
    assert!(o.status.success(), "{t}");
    assert!(t.contains("2026-09"), "the summary names the month: {t}");
    assert!(t.contains("report.html"), "the summary names the file: {t}");
    let html = std::fs::read_to_string(&out).expect("the report file exists");
    assert!(html.contains("<svg"), "charts are inline SVG");
    assert!(
        html.contains("Look &lt;script&gt;alert(1)&lt;/script&gt; &amp; more"),
        "the post is listed, escaped"
    );
    assert!(!html.to_lowercase().contains("<script"), "no scripts, and user text is escaped");
    assert!(!html.contains("src=\"http") && !html.contains("href=\"http"), "no external resources");
    assert!(html.contains("<details>"), "each figure lists its records");
    assert!(html.contains("No sessions recorded"), "missing data is said in words");
}

#[test]
fn the_user_text_in_a_report_is_escaped() {
    let (dir, db) = common::store("report-escape", "s.db");
    let db_s = db.as_str();
    let jsonl = dir.join("x.jsonl");
    std::fs::write(
        &jsonl,
        concat!(
            r#"{"kind":"post","id":"p1","at":"2026-09-02T10:00:00Z","author":"me","by_owner":true,"network":"x","text":"Buy now <script>alert(1)</script> & \"soon\""}"#,
            "\n",
            r#"{"kind":"message","id":"m1","at":"2026-09-03T10:00:00Z","author":"<b>eve</b> & \"co\"","by_owner":false,"to":"me","network":"x","text":"hi, what does it cost?"}"#,
            "\n"
        ),
    )
    .unwrap();
    let o = tactful(&["import", jsonl.to_str().unwrap(), "--db", db_s]);
    assert!(o.status.success(), "{}", text(&o));
    let out = dir.join("r.html");
    let o = tactful(&["report", "--db", db_s, "--month", "2026-09", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(!html.to_lowercase().contains("<script"));
    assert!(!html.contains("<b>eve</b>"), "a handle with markup is escaped");
    assert!(
        html.contains("&lt;b&gt;eve&lt;/b&gt; &amp; &quot;co&quot;"),
        "the message is listed with its author, escaped"
    );
    assert!(
        html.contains("Buy now &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;soon&quot;"),
        "the post is listed, escaped"
    );
    assert!(!html.contains("\"co\"") && !html.contains("\"soon\""), "quotes in stored text are escaped");
}

#[test]
fn a_period_without_data_says_so() {
    let (dir, db) = common::store("report-empty", "e.db");
    let out = dir.join("e.html");
    let o = tactful(&[
        "report",
        "--db",
        &db,
        "--from",
        "2026-01-01",
        "--to",
        "2026-01-31",
        "--out",
        out.to_str().unwrap(),
    ]);
    let t = text(&o);
    assert!(o.status.success(), "{t}");
    assert!(t.contains("no posts"), "{t}");
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.contains("No posts of yours in this period"));
}

#[test]
fn with_no_period_the_report_is_on_the_latest_month_with_anything_stored() {
    // An empty store: the month of the program's clock (the tests set it).
    let (dir, db) = common::store("report-default", "d.db");
    let out = dir.join("now.html");
    let o = tactful(&["report", "--db", &db, "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).starts_with(&format!("Report for {}\n", &common::NOW[..7])), "{}", text(&o));
    assert!(out.exists());
    // With a post from September only: September, as the web's report page opens on.
    let jsonl = dir.join("one.jsonl");
    let post = r#"{"kind":"post","id":"p1","at":"2026-09-15T10:00:00Z","author":"sam.makes","by_owner":true,"network":"instagram","text":"Autumn candles are in"}"#;
    std::fs::write(&jsonl, format!("{post}\n")).unwrap();
    let o = tactful(&["import", jsonl.to_str().unwrap(), "--db", &db]);
    assert!(o.status.success(), "{}", text(&o));
    let o = tactful(&["report", "--db", &db, "--out", out.to_str().unwrap()]);
    assert!(text(&o).starts_with("Report for 2026-09\n"), "{}", text(&o));
    // --from alone is still refused: a period needs both ends.
    let o = tactful(&["report", "--db", &db, "--from", "2026-09-01"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

#[test]
fn a_bad_month_is_a_usage_error() {
    let (_dir, db) = common::store("report-bad", "b.db");
    let o = tactful(&["report", "--db", &db, "--month", "2026-13"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("YYYY-MM"));
    let o = tactful(&["report", "--db", &db, "--from", "2026-02-30", "--to", "2026-03-01"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

/// The report renders for every export sample in ../shared/data/exports,
/// each in a store of its own, over all the years the samples cover.
#[test]
fn the_report_renders_for_every_export_sample() {
    let Some(root) = common::shared_exports() else { return };
    let samples = [
        "facebook/chat-analytics_messenger_sample/2A_7M.json",
        "facebook_instagram_waultar/objectbox/data/Facebook",
        "facebook_instagram_waultar/parser/data",
        "twitter/2013_grailbird_anildash",
        "twitter/2020_ytd_lumeninferius",
        "twitter/2023_ytd_larsbrinkhoff",
        "twitter/dogsheep_twitter-to-sqlite",
        "linkedin/2018_abhishek",
        "linkedin/2021_femi",
    ];
    for (i, sample) in samples.iter().enumerate() {
        let (d, db) = common::imported(&format!("report-sample-{i}"), &root.join(sample));
        let out = d.join("report.html");
        let o = common::report_between(&db, "2005-01-01", "2026-12-31", &out);
        assert_eq!(o.status.code(), Some(0), "{sample}: {}", text(&o));
        let html = std::fs::read_to_string(&out).unwrap();
        assert!(html.contains("</html>") && !html.contains("<script"), "{sample}");
    }
}

/// Replies are shown per network and month, as the issue asks, not only per month.
#[test]
fn replies_are_shown_per_network_and_month() {
    let (dir, db) = common::demo("report-networks");
    let db_s = db.as_str();
    let out = dir.join("report.html");
    let o = tactful(&["report", "--db", db_s, "--month", "2026-09", "--out", out.to_str().unwrap()]);
    let t = text(&o);
    assert!(t.contains("replies on instagram in 2026-09: 1 starts, 100% answered, median 40 min"), "{t}");
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(
        html.contains("<tr><td>instagram</td><td>2026-09</td><td>1</td><td>100%</td><td>40 min</td>"),
        "a row per network and month"
    );
    assert!(html.contains("<tr><td>all networks</td><td>2026-09</td>"), "and the month over all networks");
}

/// A customer mark counts from its date: the funnel of a month before it
/// does not show them as a customer yet.
#[test]
fn a_dated_mark_counts_from_its_day() {
    let (dir, db) = common::demo("report-marks");
    let db_s = db.as_str();
    let o = tactful(&[
        "contacts-edit",
        "mark",
        "rita.gardens",
        "customer",
        "--since",
        "2026-10-15",
        "--db",
        db_s,
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let customers = |month: &str| {
        let out = dir.join(format!("report-{month}.html"));
        let o = tactful(&["report", "--db", db_s, "--month", month, "--out", out.to_str().unwrap()]);
        assert!(o.status.success(), "{}", text(&o));
        let html = std::fs::read_to_string(&out).unwrap();
        let at = html.find("<title>customer: ").expect("the funnel has a customer bar");
        html[at + 17..].split('<').next().unwrap().to_string()
    };
    assert_eq!(customers("2026-09"), "0", "marked in October: not a customer in September");
    assert_eq!(customers("2026-10"), "1");
}

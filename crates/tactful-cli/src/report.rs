//! `tactful report [--month YYYY-MM]` (or `--from/--to`; by default the latest month with anything stored): one self-contained
//! HTML file (inline CSS, inline SVG charts, no scripts, no external
//! resources) and a short summary on the terminal. Every figure says how it
//! is computed and lists the records behind it; where the data does not
//! exist the report says so in words instead of drawing zero.

mod chart;

use anyhow::Result;
use chart::{grouped_bars, hbars};
use maud::{DOCTYPE, Markup, PreEscaped, html};
use std::io::Write;
use std::path::PathBuf;
use tactful_app::report::{self, Report};
use tactful_core::Category;
use tactful_core::coaching::{self, ContentKind, Metric};
use tactful_core::history::Network;
use tactful_core::relationships::Stage;

#[derive(clap::Args)]
pub struct Args {
    /// The month to report on, YYYY-MM [default, without --from/--to: the latest month with anything stored, else the current one].
    #[arg(long, conflicts_with_all = ["from", "to"])]
    pub month: Option<String>,
    /// First day of the period, YYYY-MM-DD (with --to).
    #[arg(long, requires = "to")]
    pub from: Option<String>,
    /// Last day of the period, YYYY-MM-DD, included (with --from).
    #[arg(long, requires = "from")]
    pub to: Option<String>,
    /// Where to write the HTML file (default: tactful-report-PERIOD.html here).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// A company pack whose rules count in the compliance figure; repeatable.
    #[arg(long = "pack", value_name = "FILE")]
    pub packs: Vec<String>,
    #[command(flatten)]
    pub db: crate::store::StoreArg,
}

pub use tactful_app::report::{Period, period};

fn count(v: f64) -> String {
    format!("{v:.0}")
}

fn pct(v: f64) -> String {
    format!("{v:.0}%")
}

fn hours(v: f64) -> String {
    if v < 10.0 { format!("{v:.1} h") } else { format!("{v:.0} h") }
}

/// A time span in minutes, hours or days, whichever reads best.
pub(crate) fn duration(secs: f64) -> String {
    let s = secs as i64;
    if s < 3600 {
        format!("{} min", s / 60)
    } else if s < 172_800 {
        format!("{:.1} h", secs / 3600.0)
    } else {
        format!("{:.1} days", secs / 86_400.0)
    }
}

/// A figure's value in the form `f` gives it, or a dash when there is none.
pub(crate) fn show(m: &Metric, f: impl Fn(f64) -> String) -> String {
    m.value.map_or_else(|| "—".to_string(), f)
}

// ---------------------------------------------------------------------------
// The HTML page, one section per figure.
// ---------------------------------------------------------------------------

/// Who reads the report: the self-contained file (and the terminal), or the
/// web page, which links to its own pages instead of quoting commands.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    File,
    Web,
}

struct Page<'a> {
    reader: Reader,
    sections: Vec<Markup>,
    /// A short description of each stored item and contact, by id, for the record lists.
    items: &'a std::collections::HashMap<i64, String>,
    contacts: &'a std::collections::HashMap<i64, String>,
}

impl Page<'_> {
    fn section(&mut self, title: &str, how: &[&str], content: &Markup, records: &[(String, Vec<i64>)]) {
        self.section_of(title, how, content, records, false);
    }

    /// One figure: its title, how it is computed, the figure, and the
    /// records behind it (stored items, or contacts when `contacts`).
    fn section_of(
        &mut self,
        title: &str,
        how: &[&str],
        content: &Markup,
        records: &[(String, Vec<i64>)],
        contacts: bool,
    ) {
        let total: usize = records.iter().map(|r| r.1.len()).sum();
        let names = if contacts { self.contacts } else { self.items };
        self.sections.push(html! {
            section.figure {
                h2 { (title) }
                (content)
                @if !how.is_empty() {
                    details.how {
                        summary { "How it is computed" }
                        @for h in how { p { (h) } }
                    }
                }
                details {
                    summary { "Records behind this figure (" (total) ")" }
                    @if total == 0 { p { "none" } }
                    @for (name, ids) in records.iter().filter(|r| !r.1.is_empty()) {
                        p { b { (name) } }
                        ul {
                            @for id in ids {
                                li {
                                    // The file gives the id to look up with `tactful history`; the page has no use for it.
                                    @if self.reader == Reader::File { "#" (id) " " }
                                    (names.get(id).map_or("", String::as_str))
                                }
                            }
                        }
                    }
                }
            }
            "\n"
        });
    }
}

fn missing(text: &str) -> Markup {
    html! { p.missing { (text) } }
}

fn join_items(ms: &[&Metric]) -> Vec<i64> {
    let mut v: Vec<i64> = ms.iter().flat_map(|m| m.items.iter().copied()).collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// The report as data: the self-contained HTML page, and the short summary
/// lines the terminal shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub html: String,
    pub summary: Vec<String>,
}

pub fn run(args: &Args) -> Result<u8> {
    let mut store = args.db.open()?;
    // With no period given, the month the web's report page opens on.
    let month = match (&args.month, &args.from) {
        (None, None) => Some(report::opening_month(store.as_mut(), crate::store::now())?),
        (m, _) => m.clone(),
    };
    let p = period(month.as_deref(), args.from.as_deref(), args.to.as_deref())?;
    let checker = crate::input::checker(&args.packs)?;
    let rendered = build(store.as_mut(), &checker, &p, crate::store::now())?;
    let out_path =
        args.out.clone().unwrap_or_else(|| PathBuf::from(format!("tactful-report-{}.html", p.label)));
    std::fs::write(&out_path, rendered.html)
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", out_path.display()))?;

    let mut out = std::io::stdout().lock();
    writeln!(out, "Report for {}", p.label.replace('_', " "))?;
    for line in &rendered.summary {
        writeln!(out, "  {line}")?;
    }
    writeln!(out, "Written to {}", out_path.display())?;
    Ok(0)
}

/// Build the report for period `p` with the one checker and render it.
pub fn build(
    store: &mut dyn tactful_store::Store,
    checker: &tactful_app::Checker,
    p: &Period,
    now: i64,
) -> Result<Rendered> {
    Ok(render(&report::build(store, checker, p, now)?))
}

/// The report's page and summary lines, from the data `tactful_app::report::build` returns.
pub fn render(r: &Report) -> Rendered {
    let (sections, summary) = sections(r, Reader::File);
    let title = format!("tactful report {}", r.period.label.replace('_', " "));
    let html = html! {
        (DOCTYPE)
        "\n"
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                // The style sheet is this file's own constant: no stored or typed text is in it.
                // It goes in unescaped because a style element's text is CSS, not HTML.
                style { (PreEscaped(CSS)) }
            }
            body {
                main {
                    h1 { (title) }
                    (headline(r))
                    p {
                        "Every figure says how it is computed; open “Records behind this figure” to see the stored "
                        "item ids (look one up with " code { "tactful history --jsonl" } "). A figure with nothing "
                        "to divide by is shown as “—”, and missing data is said in words, never drawn as zero."
                    }
                    "\n"
                    @for section in &sections { (section) }
                }
            }
        }
        "\n"
    };
    Rendered { html: html.into_string(), summary }
}

/// The report inside the web app's own page: the headline and the figures,
/// in the app's font and style, with links to its pages instead of commands.
pub fn web(r: &Report) -> Markup {
    let (sections, _) = sections(r, Reader::Web);
    html! {
        (headline(r))
        @for section in &sections { (section) }
    }
}

/// The period in a few plain sentences, above the figures.
fn headline(r: &Report) -> Markup {
    let lines = r.headline();
    html! {
        @if lines.is_empty() {
            p.headline { "Nothing of yours is stored in this period yet." }
        } @else {
            ul.headline { @for l in &lines { li { (l) } } }
        }
    }
}

/// Each figure's section, and the summary lines for the terminal.
#[allow(clippy::too_many_lines)]
fn sections(r: &Report, reader: Reader) -> (Vec<Markup>, Vec<String>) {
    let p = &r.period;
    let months = p.months();
    let plan = &r.plan;
    let mut page = Page { reader, sections: Vec::new(), items: &r.items, contacts: &r.names };
    let mut summary: Vec<String> = Vec::new();

    // Plan.
    {
        let nets: Vec<&str> = plan.networks.iter().map(|n| n.as_str()).collect();
        let c = html! {
            ul {
                @for g in &plan.goals { li { "goal: " (g) } }
                @if plan.goals.is_empty() { li { "no goals written yet" } }
                li { "market: " (if plan.market.is_empty() { "not set" } else { &plan.market }) }
                li { "networks: " (if nets.is_empty() { "not chosen".to_string() } else { nets.join(", ") }) }
                li { "daily session: " (plan.session_minutes) " minutes" }
                li { "promotional posts: at most " (plan.max_promotional_percent) "%" }
            }
        };
        let how = if page.reader == Reader::Web {
            "as set on the Plan page."
        } else {
            "as stored with `tactful plan set`."
        };
        page.section("Your plan", &[how], &c, &[]);
    }

    // 1. Content mix.
    let mix = &r.mix;
    {
        let (posts, promo) = r.posts_and_promotional();
        let content = if posts == 0.0 {
            missing("No posts of yours in this period: there is no content mix to show.")
        } else {
            let labels: Vec<String> = mix.iter().map(|m| m.month.clone()).collect();
            let series: Vec<(String, Vec<Option<f64>>)> = ContentKind::ALL
                .iter()
                .map(|k| {
                    let vals = mix
                        .iter()
                        .map(|m| {
                            let n = m.kinds.iter().find(|(kk, _)| kk == k).and_then(|(_, x)| x.value)?;
                            m.posts.value.filter(|&t| t > 0.0).map(|t| n / t * 100.0)
                        })
                        .collect();
                    (k.as_str().to_string(), vals)
                })
                .collect();
            let line = format!("plan: promotional at most {}%", plan.max_promotional_percent);
            let c = html! {
                (grouped_bars(&labels, &series, Some((f64::from(plan.max_promotional_percent), &line)), &pct))
                p {
                    (count(posts)) " post(s), " (count(promo)) " promotional (" (pct(promo / posts * 100.0))
                    "; plan: at most " (plan.max_promotional_percent) "%)."
                }
            };
            summary.push(format!(
                "content mix: {posts:.0} posts, {:.0}% promotional (plan: at most {}%)",
                promo / posts * 100.0,
                plan.max_promotional_percent
            ));
            c
        };
        if posts == 0.0 {
            summary.push("content mix: no posts in the period".into());
        }
        let mut recs = Vec::new();
        for m in mix {
            for (k, x) in &m.kinds {
                recs.push((format!("{} {k}", m.month), x.items.clone()));
            }
        }
        page.section(
            "Content mix per month",
            &[coaching::DEF_POSTS, report::DEF_KIND, coaching::DEF_PROMO_SHARE],
            &content,
            &recs,
        );
    }

    // 2. Giving vs asking.
    {
        let giving = &r.giving;
        let given: f64 = giving.iter().filter_map(|m| m.given.value).sum();
        let asked: f64 = giving.iter().filter_map(|m| m.asked.value).sum();
        let content = if given + asked == 0.0 {
            summary.push("giving vs asking: nothing given or asked in the period".into());
            missing(
                "Nothing given or asked in this period (no comments, shares, reactions, mentions, messages or pitches of yours).",
            )
        } else {
            let labels: Vec<String> = giving.iter().map(|m| m.month.clone()).collect();
            let series = vec![
                ("given".to_string(), giving.iter().map(|m| m.given.value).collect()),
                ("asked".to_string(), giving.iter().map(|m| m.asked.value).collect()),
            ];
            let share = given / (given + asked) * 100.0;
            summary
                .push(format!("giving vs asking: {given:.0} given, {asked:.0} asked ({share:.0}% giving)"));
            html! {
                (grouped_bars(&labels, &series, None, &count))
                p { (count(given)) " given, " (count(asked)) " asked: giving share " (pct(share)) "." }
            }
        };
        let mut recs = Vec::new();
        for m in giving {
            recs.push((format!("{} given", m.month), m.given.items.clone()));
            recs.push((format!("{} asked", m.month), m.asked.items.clone()));
        }
        page.section(
            "Giving vs asking per month",
            &[coaching::DEF_GIVEN, coaching::DEF_ASKED, coaching::DEF_GIVING_SHARE],
            &content,
            &recs,
        );
    }

    // 3. Replies and response times.
    {
        let (per_month, per_network) = (&r.replies.per_month, &r.replies.per_network);
        let (n_starts, answered) = (r.replies.starts, r.replies.answered);
        let content = if n_starts == 0 {
            summary.push("replies: no conversation starts in the period".into());
            missing(
                "No conversation starts in this period (no direct messages from others after 24 hours of silence): no response rate or response time to show.",
            )
        } else {
            let labels: Vec<String> = per_month.iter().filter_map(|s| s.month.clone()).collect();
            let rate: Vec<Option<f64>> =
                per_month.iter().map(|s| s.response_rate.value.map(|v| v * 100.0)).collect();
            let times = vec![
                (
                    "median".to_string(),
                    per_month.iter().map(|s| s.median_secs.value.map(|v| v / 3600.0)).collect(),
                ),
                (
                    "90th percentile".to_string(),
                    per_month.iter().map(|s| s.p90_secs.value.map(|v| v / 3600.0)).collect(),
                ),
            ];
            let c = html! {
                h3 { "Response rate" }
                (grouped_bars(&labels, &[("response rate".to_string(), rate)], None, &pct))
                @if answered == 0 {
                    (missing("No start was answered in this period: there is no response time to show."))
                } @else {
                    h3 { "Time to first response (hours)" }
                    (grouped_bars(&labels, &times, None, &hours))
                }
                table {
                    tr { th { "network" } th { "month" } th { "starts" } th { "rate" } th { "median" } th { "p90" } }
                    // Per network and month first, then each month over all networks.
                    @for s in per_network.iter().chain(per_month.iter()) {
                        tr {
                            td { (s.network.map_or("all networks", Network::as_str)) }
                            td { (s.month.as_deref().unwrap_or("")) }
                            td { (show(&s.starts, count)) }
                            td { (show(&s.response_rate, |v| pct(v * 100.0))) }
                            td { (show(&s.median_secs, duration)) }
                            td { (show(&s.p90_secs, duration)) }
                        }
                    }
                }
            };
            summary.push(format!(
                "replies: {answered} of {n_starts} conversation starts answered ({:.0}%)",
                answered as f64 / n_starts as f64 * 100.0
            ));
            for s in per_network {
                if let (Some(n), Some(m)) = (s.network, &s.month) {
                    summary.push(format!(
                        "replies on {n} in {m}: {} starts, {} answered, median {}",
                        show(&s.starts, count),
                        show(&s.response_rate, |v| pct(v * 100.0)),
                        show(&s.median_secs, duration)
                    ));
                }
            }
            c
        };
        let recs: Vec<_> = per_month
            .iter()
            .map(|s| {
                (
                    format!("{} starts", s.month.as_deref().unwrap_or("")),
                    join_items(&[&s.starts, &s.response_rate]),
                )
            })
            .collect();
        page.section(
            "Replies and response times per network and month",
            &[coaching::DEF_STARTS, coaching::DEF_RESPONSE_RATE, coaching::DEF_MEDIAN, coaching::DEF_P90],
            &content,
            &recs,
        );
    }

    // 4. The funnel and the engaged share.
    {
        let (per, moved) = (&r.funnel, &r.moved);
        let total: usize = per.values().map(Vec::len).sum();
        let content = if total == 0 {
            summary.push("contacts: none with an interaction up to the end of the period".into());
            missing(
                "No contacts with an interaction up to the end of this period: there is no funnel to show.",
            )
        } else {
            let rows: Vec<(String, f64)> = Stage::ALL
                .iter()
                .map(|s| (s.as_str().to_string(), per.get(s).map_or(0, Vec::len) as f64))
                .collect();
            let c = html! {
                (hbars(&rows, &count))
                p { (moved.len()) " contact(s) moved during the period." }
                @if !moved.is_empty() {
                    table {
                        tr { th { "contact" } th { "at the start" } th { "at the end" } }
                        @for m in moved {
                            tr {
                                td { (m.name) }
                                td { (m.before.map_or("not yet in touch", Stage::as_str)) }
                                td { (m.after.as_str()) }
                            }
                        }
                    }
                }
            };
            let engaged = r.engaged();
            summary.push(format!(
                "contacts: {total} in the network, {engaged} engaged or further, {} moved",
                moved.len()
            ));
            c
        };
        let mut recs: Vec<(String, Vec<i64>)> =
            per.iter().map(|(s, v)| (format!("contact ids, {s}"), v.clone())).collect();
        recs.push(("contact ids, moved".into(), moved.iter().map(|m| m.contact).collect()));
        page.section_of("Contacts along the curve (funnel)", &[report::DEF_FUNNEL], &content, &recs, true);

        // Engaged share per network.
        let by_net = &r.reach;
        let content = if by_net.is_empty() {
            missing("No contacts: there is no network size or engaged share to show.")
        } else {
            let rows: Vec<(String, f64)> = by_net
                .iter()
                .map(|(n, x)| {
                    (format!("{n} ({} contacts)", x.contacts), x.engaged as f64 / x.contacts as f64 * 100.0)
                })
                .collect();
            html! {
                (hbars(&rows, &pct))
                table {
                    tr { th { "network" } th { "raw size" } th { "engaged or further" } th { "engaged share" } }
                    @for (n, x) in by_net {
                        tr {
                            td { (n) }
                            td { (x.contacts) }
                            td { (x.engaged) }
                            td { (pct(x.engaged as f64 / x.contacts as f64 * 100.0)) }
                        }
                    }
                }
            }
        };
        let recs: Vec<_> = by_net.iter().map(|(n, x)| (format!("contact ids, {n}"), x.ids.clone())).collect();
        page.section_of(
            "Engaged share of the network beside its raw size",
            &[report::DEF_ENGAGED_SHARE],
            &content,
            &recs,
            true,
        );
    }

    // 5. Compliance findings.
    {
        let (per, checked, total) = (&r.compliance.per, r.compliance.checked, r.compliance.total());
        let content = if checked == 0 {
            summary.push("compliance: no posts, comments or messages of yours in the period".into());
            missing("No posts, comments or messages of yours in this period: nothing to check.")
        } else if total == 0 {
            summary.push(format!("compliance: {checked} item(s) checked, no findings"));
            html! { p { (checked) " item(s) checked: no findings." } }
        } else {
            let cats: Vec<Category> =
                Category::ALL.iter().copied().filter(|ca| per.keys().any(|(_, c)| c == ca)).collect();
            let series: Vec<(String, Vec<Option<f64>>)> = cats
                .iter()
                .map(|&ci| {
                    (
                        ci.as_str().to_string(),
                        months
                            .iter()
                            .map(|m| Some(per.get(&(m.clone(), ci)).map_or(0, Vec::len) as f64))
                            .collect(),
                    )
                })
                .collect();
            summary.push(format!("compliance: {total} finding(s) in {checked} item(s) checked"));
            html! {
                (grouped_bars(&months, &series, None, &count))
                p {
                    (total) " finding(s) in " (checked) " item(s) checked. "
                    @if page.reader == Reader::Web { a href="/scan" { "See them on Past posts" } "." }
                    @else { "See them with " code { "tactful scan" } "." }
                }
            }
        };
        let recs: Vec<_> = per.iter().map(|((m, ci), ids)| (format!("{m} {ci}"), ids.clone())).collect();
        page.section("Compliance findings by category per month", &[report::DEF_FINDINGS], &content, &recs);
    }

    // 6. Networks used vs planned.
    {
        let used = &r.networks_used;
        let in_use: Vec<Network> = used.keys().copied().collect();
        let unplanned = r.unplanned();
        let planned: Vec<&str> = plan.networks.iter().map(|n| n.as_str()).collect();
        let rows: Vec<(String, f64)> = used
            .iter()
            .map(|(n, ids)| {
                let tag = if plan.networks.is_empty() {
                    ""
                } else if plan.networks.contains(n) {
                    " (planned)"
                } else {
                    " (not planned)"
                };
                (format!("{n}{tag}"), ids.len() as f64)
            })
            .collect();
        let idle: Vec<&str> =
            plan.networks.iter().filter(|n| !used.contains_key(n)).map(|n| n.as_str()).collect();
        let outside: Vec<&str> = unplanned.iter().map(|n| n.as_str()).collect();
        let c = html! {
            @if used.is_empty() {
                (missing("No activity of yours in this period on any network."))
            } @else {
                (hbars(&rows, &count))
            }
            @if planned.is_empty() {
                @if page.reader == Reader::Web {
                    p { "Your plan names no networks yet: " a href="/plan" { "choose them" } "." }
                } @else {
                    p { "Your plan names no networks yet: " code { "tactful plan set --networks …" } }
                }
            } @else {
                p { "Planned: " (planned.join(", ")) "." }
                @if !idle.is_empty() {
                    p { "Planned but not used in the period: " (idle.join(", ")) "." }
                }
            }
            @if !outside.is_empty() {
                p.warn { "Activity spreads over networks outside your plan: " (outside.join(", ")) "." }
            }
        };
        let used_s: Vec<&str> = in_use.iter().map(|n| n.as_str()).collect();
        summary.push(format!(
            "networks: used {} (planned: {})",
            if used_s.is_empty() { "none".to_string() } else { used_s.join(", ") },
            if planned.is_empty() { "none chosen".to_string() } else { planned.join(", ") }
        ));
        let recs: Vec<_> = used.iter().map(|(n, ids)| (n.to_string(), ids.clone())).collect();
        page.section("Networks used vs planned", &[report::DEF_NETWORKS], &c, &recs);
    }

    // 7. Streak and session time.
    {
        let (per, st) = (&r.sessions.per_month, &r.sessions.streak);
        let content = if per.is_empty() {
            summary.push("sessions: none in the period".into());
            missing(if page.reader == Reader::Web {
                "No sessions recorded in this period (start one from Today): no session time or streak to show."
            } else {
                "No sessions recorded in this period (start one with `tactful session start`): no session time or streak to show."
            })
        } else {
            let vals: Vec<Option<f64>> =
                months.iter().map(|m| per.get(m).map(|e| e.0 as f64 / 60.0)).collect();
            let mins: i64 = per.values().map(|e| e.0).sum::<i64>() / 60;
            let n: usize = per.values().map(|e| e.1.len()).sum();
            summary.push(format!(
                "sessions: {n}, {mins} minutes; streak {} day(s), longest {}",
                st.current, st.longest
            ));
            html! {
                (grouped_bars(&months, &[("minutes".to_string(), vals)], None, &count))
                p {
                    (n) " session(s), " (mins) " minutes in all. Streak at the end of the period: "
                    (st.current) " day(s); longest " (st.longest) "."
                }
            }
        };
        let recs: Vec<_> = per.iter().map(|(m, e)| (format!("{m} session ids"), e.1.clone())).collect();
        page.section(
            "Streak and session time",
            &[report::DEF_SESSIONS, coaching::DEF_STREAK],
            &content,
            &recs,
        );
    }

    (page.sections, summary)
}

const CSS: &str = "body{font:16px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif;max-width:60em;margin:1em auto;padding:0 1em;color:#1d2430}h2{border-bottom:1px solid #ccc;margin-top:2em}.how{color:#4f5b6b;font-size:.9em}.headline{font-size:1.1em}svg{max-width:100%;height:auto}.missing{font-style:italic;color:#4f5b6b}.warn{color:#a4161a}table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:2px 8px;text-align:left}details{font-size:.85em;color:#444}svg{display:block;margin:.5em 0}";

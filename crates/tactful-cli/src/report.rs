//! `tactful report --month YYYY-MM` (or `--from/--to`): one self-contained
//! HTML file (inline CSS, inline SVG charts, no scripts, no external
//! resources) and a short summary on the terminal. Every figure says how it
//! is computed and lists the records behind it; where the data does not
//! exist the report says so in words instead of drawing zero.

use anyhow::Result;
use std::fmt::Write as _;
use std::io::Write;
use std::path::PathBuf;
use tactful_app::report::{self, Report};
use tactful_core::Category;
use tactful_core::coaching::{self, ContentKind, Metric};
use tactful_core::history::Network;
use tactful_core::relationships::Stage;

#[derive(clap::Args)]
pub struct Args {
    /// The month to report on, YYYY-MM.
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

/// Escape text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Charts: plain inline SVG.
// ---------------------------------------------------------------------------

const COLORS: [&str; 9] =
    ["#d9534f", "#337ab7", "#5cb85c", "#999999", "#f0ad4e", "#8e44ad", "#16a085", "#7f8c8d", "#c0392b"];

/// Grouped vertical bars: one group per label, one bar per series. `None`
/// values are left out (no bar). `line`: a horizontal reference line.
fn grouped_bars(
    labels: &[String],
    series: &[(String, Vec<Option<f64>>)],
    line: Option<(f64, String)>,
    fmt: &dyn Fn(f64) -> String,
) -> String {
    let h = 180.0;
    let top = 20.0;
    let left = 40.0;
    let bar_w = 18.0;
    let group_w = bar_w * series.len().max(1) as f64 + 24.0;
    let width = left + group_w * labels.len().max(1) as f64 + 10.0;
    let legend_h = 18.0 * series.len() as f64;
    let total_h = top + h + 30.0 + legend_h + 6.0;
    let mut max = series.iter().flat_map(|(_, v)| v.iter().flatten().copied()).fold(0.0_f64, f64::max);
    if let Some((l, _)) = &line {
        max = max.max(*l);
    }
    if max <= 0.0 {
        max = 1.0;
    }
    let y = |v: f64| top + h - v / max * h;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{total_h:.0}" role="img" font-size="11" font-family="sans-serif">"#
    );
    let _ = write!(
        s,
        r##"<line x1="{left}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#444"/>"##,
        top + h,
        width - 5.0,
        top + h
    );
    for (gi, label) in labels.iter().enumerate() {
        let gx = left + gi as f64 * group_w + 12.0;
        for (si, (name, vals)) in series.iter().enumerate() {
            if let Some(Some(v)) = vals.get(gi) {
                let x = gx + si as f64 * bar_w;
                let _ = write!(
                    s,
                    r#"<rect x="{x:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{}"><title>{} {}: {}</title></rect>"#,
                    y(*v),
                    bar_w - 2.0,
                    (top + h - y(*v)).max(0.0),
                    COLORS[si % COLORS.len()],
                    escape(label),
                    escape(name),
                    escape(&fmt(*v))
                );
                let _ = write!(
                    s,
                    r#"<text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="9">{}</text>"#,
                    x + bar_w / 2.0 - 1.0,
                    y(*v) - 2.0,
                    escape(&fmt(*v))
                );
            }
        }
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            gx + bar_w * series.len() as f64 / 2.0,
            top + h + 14.0,
            escape(label)
        );
    }
    if let Some((l, name)) = line {
        let _ = write!(
            s,
            r##"<line x1="{left}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#000" stroke-dasharray="4 3"/>"##,
            y(l),
            width - 5.0,
            y(l)
        );
        let _ =
            write!(s, r#"<text x="{left}" y="{:.1}" font-size="10">{}</text>"#, y(l) - 3.0, escape(&name));
    }
    for (si, (name, _)) in series.iter().enumerate() {
        let ly = top + h + 26.0 + si as f64 * 18.0;
        let _ = write!(
            s,
            r#"<rect x="{left}" y="{ly:.1}" width="12" height="12" fill="{}"/>"#,
            COLORS[si % COLORS.len()]
        );
        let _ = write!(s, r#"<text x="{:.1}" y="{:.1}">{}</text>"#, left + 16.0, ly + 10.0, escape(name));
    }
    s.push_str("</svg>");
    s
}

/// Horizontal bars, one per row (a funnel when the rows are stages).
fn hbars(rows: &[(String, f64)], fmt: &dyn Fn(f64) -> String) -> String {
    let label_w = 150.0;
    let bar_max = 300.0;
    let row_h = 22.0;
    let max = rows.iter().map(|r| r.1).fold(0.0_f64, f64::max).max(1.0);
    let height = row_h * rows.len() as f64 + 8.0;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{:.0}" height="{height:.0}" role="img" font-size="11" font-family="sans-serif">"#,
        label_w + bar_max + 60.0
    );
    for (i, (label, v)) in rows.iter().enumerate() {
        let y = 4.0 + i as f64 * row_h;
        let w = v / max * bar_max;
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            label_w - 6.0,
            y + 14.0,
            escape(label)
        );
        let _ = write!(
            s,
            r#"<rect x="{label_w}" y="{y:.1}" width="{w:.1}" height="{:.1}" fill="{}"><title>{}: {}</title></rect>"#,
            row_h - 6.0,
            COLORS[1],
            escape(label),
            escape(&fmt(*v))
        );
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}">{}</text>"#,
            label_w + w + 4.0,
            y + 14.0,
            escape(&fmt(*v))
        );
    }
    s.push_str("</svg>");
    s
}

fn count(v: f64) -> String {
    format!("{v:.0}")
}

fn pct(v: f64) -> String {
    format!("{v:.0}%")
}

fn hours(v: f64) -> String {
    if v < 10.0 { format!("{v:.1} h") } else { format!("{v:.0} h") }
}

fn duration(secs: f64) -> String {
    let s = secs as i64;
    if s < 3600 {
        format!("{} min", s / 60)
    } else if s < 172_800 {
        format!("{:.1} h", secs / 3600.0)
    } else {
        format!("{:.1} days", secs / 86_400.0)
    }
}

fn show(m: &Metric, f: impl Fn(f64) -> String) -> String {
    m.value.map_or_else(|| "—".to_string(), f)
}

// ---------------------------------------------------------------------------
// The HTML page, one section per figure.
// ---------------------------------------------------------------------------

struct Page<'a> {
    body: String,
    /// A short description of each stored item and contact, by id, for the record lists.
    items: &'a std::collections::HashMap<i64, String>,
    contacts: &'a std::collections::HashMap<i64, String>,
}

impl Page<'_> {
    fn section(&mut self, title: &str, how: &[&str], content: &str, records: &[(String, Vec<i64>)]) {
        self.section_of(title, how, content, records, false);
    }

    fn section_of(
        &mut self,
        title: &str,
        how: &[&str],
        content: &str,
        records: &[(String, Vec<i64>)],
        contacts: bool,
    ) {
        let _ = write!(self.body, "<section><h2>{}</h2>", escape(title));
        for h in how {
            let _ = write!(self.body, r#"<p class="how">How it is computed: {}</p>"#, escape(h));
        }
        self.body.push_str(content);
        let total: usize = records.iter().map(|r| r.1.len()).sum();
        let _ = write!(self.body, "<details><summary>Records behind this figure ({total})</summary>");
        if total == 0 {
            self.body.push_str("<p>none</p>");
        }
        for (name, ids) in records {
            if ids.is_empty() {
                continue;
            }
            let _ = write!(self.body, "<p><b>{}</b></p><ul>", escape(name));
            let names = if contacts { self.contacts } else { self.items };
            for id in ids {
                let _ =
                    write!(self.body, "<li>#{id} {}</li>", escape(names.get(id).map_or("", String::as_str)));
            }
            self.body.push_str("</ul>");
        }
        self.body.push_str("</details></section>\n");
    }
}

fn missing(text: &str) -> String {
    format!(r#"<p class="missing">{}</p>"#, escape(text))
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
    let p = period(args.month.as_deref(), args.from.as_deref(), args.to.as_deref())?;
    let mut store = args.db.open()?;
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
#[allow(clippy::too_many_lines)]
pub fn render(r: &Report) -> Rendered {
    let p = &r.period;
    let months = p.months();
    let plan = &r.plan;
    let mut page = Page { body: String::new(), items: &r.items, contacts: &r.names };
    let mut summary: Vec<String> = Vec::new();

    // Plan.
    {
        let nets: Vec<&str> = plan.networks.iter().map(|n| n.as_str()).collect();
        let mut c = String::from("<ul>");
        for g in &plan.goals {
            let _ = write!(c, "<li>goal: {}</li>", escape(g));
        }
        if plan.goals.is_empty() {
            c.push_str("<li>no goals written yet</li>");
        }
        let _ = write!(
            c,
            "<li>market: {}</li><li>networks: {}</li><li>daily session: {} minutes</li><li>promotional posts: at most {}%</li></ul>",
            escape(if plan.market.is_empty() { "not set" } else { &plan.market }),
            escape(&if nets.is_empty() { "not chosen".to_string() } else { nets.join(", ") }),
            plan.session_minutes,
            plan.max_promotional_percent
        );
        page.section("Your plan", &["as stored with `tactful plan set`."], &c, &[]);
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
            let mut c = grouped_bars(
                &labels,
                &series,
                Some((
                    f64::from(plan.max_promotional_percent),
                    format!("plan: promotional at most {}%", plan.max_promotional_percent),
                )),
                &pct,
            );
            let _ = write!(
                c,
                "<p>{posts:.0} post(s), {promo:.0} promotional ({:.0}%; plan: at most {}%).</p>",
                promo / posts * 100.0,
                plan.max_promotional_percent
            );
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
            let mut c = grouped_bars(&labels, &series, None, &count);
            let _ = write!(c, "<p>{given:.0} given, {asked:.0} asked: giving share {share:.0}%.</p>");
            c
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
            let mut c = String::from("<h3>Response rate</h3>");
            c.push_str(&grouped_bars(
                &labels,
                &[(
                    "response rate".to_string(),
                    per_month.iter().map(|s| s.response_rate.value.map(|v| v * 100.0)).collect(),
                )],
                None,
                &pct,
            ));
            if answered == 0 {
                c.push_str(&missing(
                    "No start was answered in this period: there is no response time to show.",
                ));
            } else {
                c.push_str("<h3>Time to first response (hours)</h3>");
                let series = vec![
                    (
                        "median".to_string(),
                        per_month.iter().map(|s| s.median_secs.value.map(|v| v / 3600.0)).collect(),
                    ),
                    (
                        "90th percentile".to_string(),
                        per_month.iter().map(|s| s.p90_secs.value.map(|v| v / 3600.0)).collect(),
                    ),
                ];
                c.push_str(&grouped_bars(&labels, &series, None, &hours));
            }
            c.push_str("<table><tr><th>network</th><th>month</th><th>starts</th><th>rate</th><th>median</th><th>p90</th></tr>");
            // Per network and month first, then each month over all networks.
            for s in per_network.iter().chain(per_month.iter()) {
                let _ = write!(
                    c,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    s.network.map_or("all networks", Network::as_str),
                    escape(s.month.as_deref().unwrap_or("")),
                    show(&s.starts, count),
                    show(&s.response_rate, |v| pct(v * 100.0)),
                    show(&s.median_secs, duration),
                    show(&s.p90_secs, duration)
                );
            }
            c.push_str("</table>");
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
            let mut c = hbars(&rows, &count);
            let _ = write!(c, "<p>{} contact(s) moved during the period.</p>", moved.len());
            if !moved.is_empty() {
                c.push_str("<table><tr><th>contact</th><th>at the start</th><th>at the end</th></tr>");
                for m in moved {
                    let _ = write!(
                        c,
                        "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                        escape(&m.name),
                        m.before.map_or("not yet in touch", Stage::as_str),
                        m.after.as_str()
                    );
                }
                c.push_str("</table>");
            }
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
            let mut c = hbars(&rows, &pct);
            c.push_str("<table><tr><th>network</th><th>raw size</th><th>engaged or further</th><th>engaged share</th></tr>");
            for (n, x) in by_net {
                let _ = write!(
                    c,
                    "<tr><td>{n}</td><td>{}</td><td>{}</td><td>{:.0}%</td></tr>",
                    x.contacts,
                    x.engaged,
                    x.engaged as f64 / x.contacts as f64 * 100.0
                );
            }
            c.push_str("</table>");
            c
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
            format!("<p>{checked} item(s) checked: no findings.</p>")
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
            let mut c = grouped_bars(&months, &series, None, &count);
            let _ = write!(
                c,
                "<p>{total} finding(s) in {checked} item(s) checked. See them with <code>tactful scan</code>.</p>"
            );
            c
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
        let mut c = String::new();
        if used.is_empty() {
            c.push_str(&missing("No activity of yours in this period on any network."));
        } else {
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
            c.push_str(&hbars(&rows, &count));
        }
        if planned.is_empty() {
            c.push_str("<p>Your plan names no networks yet: <code>tactful plan set --networks …</code></p>");
        } else {
            let _ = write!(c, "<p>Planned: {}.</p>", escape(&planned.join(", ")));
            let idle: Vec<&str> =
                plan.networks.iter().filter(|n| !used.contains_key(n)).map(|n| n.as_str()).collect();
            if !idle.is_empty() {
                let _ = write!(c, "<p>Planned but not used in the period: {}.</p>", escape(&idle.join(", ")));
            }
        }
        if !unplanned.is_empty() {
            let names: Vec<&str> = unplanned.iter().map(|n| n.as_str()).collect();
            let _ = write!(
                c,
                r#"<p class="warn">Activity spreads over networks outside your plan: {}.</p>"#,
                escape(&names.join(", "))
            );
        }
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
            missing(
                "No sessions recorded in this period (start one with `tactful session start`): no session time or streak to show.",
            )
        } else {
            let vals: Vec<Option<f64>> =
                months.iter().map(|m| per.get(m).map(|e| e.0 as f64 / 60.0)).collect();
            let mut c = grouped_bars(&months, &[("minutes".to_string(), vals)], None, &count);
            let mins: i64 = per.values().map(|e| e.0).sum::<i64>() / 60;
            let n: usize = per.values().map(|e| e.1.len()).sum();
            let _ = write!(
                c,
                "<p>{n} session(s), {mins} minutes in all. Streak at the end of the period: {} day(s); longest {}.</p>",
                st.current, st.longest
            );
            summary.push(format!(
                "sessions: {n}, {mins} minutes; streak {} day(s), longest {}",
                st.current, st.longest
            ));
            c
        };
        let recs: Vec<_> = per.iter().map(|(m, e)| (format!("{m} session ids"), e.1.clone())).collect();
        page.section(
            "Streak and session time",
            &[report::DEF_SESSIONS, coaching::DEF_STREAK],
            &content,
            &recs,
        );
    }

    let title = format!("tactful report {}", p.label.replace('_', " "));
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t}</title><style>{CSS}</style></head><body><h1>{t}</h1><p>Every figure says how it is computed; open “Records behind this figure” to see the stored item ids (look one up with <code>tactful history --jsonl</code>). A figure with nothing to divide by is shown as “—”, and missing data is said in words, never drawn as zero.</p>\n{}</body></html>\n",
        page.body,
        t = escape(&title)
    );
    Rendered { html, summary }
}

const CSS: &str = "body{font-family:sans-serif;max-width:60em;margin:1em auto;padding:0 1em;color:#222}h2{border-bottom:1px solid #ccc;margin-top:2em}.how{color:#555;font-size:.9em}.missing{font-style:italic;color:#7a5}.warn{color:#b33}table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:2px 8px;text-align:left}details{font-size:.85em;color:#444}svg{display:block;margin:.5em 0}";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_neutralises_markup() {
        assert_eq!(escape("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;");
        assert_eq!(escape(r#"a & "b" 'c'"#), "a &amp; &quot;b&quot; &#39;c&#39;");
    }
}

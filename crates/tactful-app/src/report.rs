//! The monthly report as data: [`build`] reads the period's items and the
//! derived tallies and returns every figure of the report with the records
//! behind it. The posts' content kinds come from the content-kind head and the
//! compliance counts from the one [`Checker`], exactly as `scan` reads them,
//! so the report and the scan cannot disagree. The command line's HTML file,
//! its terminal summary and the web's Report page only render a [`Report`].

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use tactful_classify::Scratch;
use tactful_core::coaching::{self, ContentKind, MonthGiving, MonthMix, ResponseStats, Streak};
use tactful_core::history::{ItemKind, Network};
use tactful_core::plan::Plan;
use tactful_core::relationships::{self, Stage, Thresholds};
use tactful_core::{Category, Severity};
use tactful_store::{Filter, Store, StoredItem, derived, people};

use crate::scan::{Heads, scannable};
use crate::{Checker, Error, Result, contacts, plan};

/// How a post's kind is read in the report: the same head as `scan`.
pub const DEF_KIND: &str = "Kind: the content-kind classifier's label for the post (promotional, informational, personal or off-topic), the same label `scan` and the Past posts page show. A post without words (a photo alone) has no kind and is not counted in the mix.";
/// How the compliance figure is counted.
pub const DEF_FINDINGS: &str = "Compliance findings: every check a draft gets (the rules of the built-in and company packs, the classifier findings) runs over each of your posts, comments and messages in the period, as published on its channel; one count per finding at warning or error, grouped by category and by the month of the item — the findings `scan` lists.";
pub const DEF_NETWORKS: &str = "Networks used: networks where you posted, commented, messaged, shared or reacted in the period, with the number of such items; compared with the networks chosen in your plan.";
pub const DEF_FUNNEL: &str = "Contacts per stage at the end of the period: each contact's stage on the relationship curve from their interactions dated up to the last day of the period (your customer/team marks apply throughout). Moved: contacts whose stage at the end differs from their stage at the start of the period.";
pub const DEF_ENGAGED_SHARE: &str = "Engaged share = contacts at engaged, conversation, customer or team ÷ all contacts on the network with an interaction up to the end of the period (lapsed and merely connected contacts count in the divisor). Raw size = that divisor.";
pub const DEF_SESSIONS: &str = "Session minutes: the sum of stopped - started over sessions started in the month (a session still running is not counted). Streak: as of the last day of the period.";

/// The report's own figures: (metric, constant, definition), in the order
/// docs/metrics.md lists them under "Report figures" (a test compares).
pub const DEFINITIONS: [(&str, &str, &str); 6] = [
    ("Kind of a post in the report", "DEF_KIND", DEF_KIND),
    ("Compliance findings", "DEF_FINDINGS", DEF_FINDINGS),
    ("Networks used", "DEF_NETWORKS", DEF_NETWORKS),
    ("Contacts per stage", "DEF_FUNNEL", DEF_FUNNEL),
    ("Engaged share", "DEF_ENGAGED_SHARE", DEF_ENGAGED_SHARE),
    ("Session minutes", "DEF_SESSIONS", DEF_SESSIONS),
];

/// The reporting period: days `[first, last]` (day numbers), as text too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    pub label: String,
    pub first: i64,
    pub last: i64,
}

impl Period {
    pub fn start(&self) -> i64 {
        self.first * 86_400
    }
    /// The first second after the period.
    pub fn end(&self) -> i64 {
        (self.last + 1) * 86_400
    }
    pub fn contains(&self, at: i64) -> bool {
        at > 0 && at >= self.start() && at < self.end()
    }
    /// The months (`YYYY-MM`) the period touches, in order.
    pub fn months(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut d = self.first;
        while d <= self.last {
            let m = coaching::month(d * 86_400);
            if out.last() != Some(&m) {
                out.push(m);
            }
            d += 1;
        }
        out
    }
}

/// A period from `--month YYYY-MM`, or from `--from/--to` (both days included).
pub fn period(month: Option<&str>, from: Option<&str>, to: Option<&str>) -> Result<Period> {
    let usage = Error::Input;
    match (month, from, to) {
        (Some(m), None, None) => {
            let m = m.trim();
            let bad = || usage(format!("--month {m}: expected a month as YYYY-MM, for example 2026-09"));
            let ok = m.len() == 7 && m.as_bytes()[4] == b'-';
            let first = if ok { coaching::day_number(&format!("{m}-01")) } else { None };
            let Some(first) = first else { return Err(bad()) };
            let (y, mo): (i64, i64) =
                (m[..4].parse().map_err(|_| bad())?, m[5..].parse().map_err(|_| bad())?);
            let next = if mo == 12 { format!("{}-01-01", y + 1) } else { format!("{y}-{:02}-01", mo + 1) };
            let last =
                coaching::day_number(&next).ok_or_else(|| usage(format!("--month {m}: out of range")))? - 1;
            Ok(Period { label: m.to_string(), first, last })
        }
        (None, Some(f), Some(t)) => {
            let first = coaching::day_number(f)
                .ok_or_else(|| usage(format!("--from {f}: expected a date as YYYY-MM-DD")))?;
            let last = coaching::day_number(t)
                .ok_or_else(|| usage(format!("--to {t}: expected a date as YYYY-MM-DD")))?;
            if last < first {
                return Err(usage(format!("--to {t} is before --from {f}")));
            }
            Ok(Period { label: format!("{}_to_{}", f.trim(), t.trim()), first, last })
        }
        _ => Err(usage("give --month YYYY-MM, or --from YYYY-MM-DD --to YYYY-MM-DD".into())),
    }
}

/// Replies and response times in the period.
#[derive(Debug, Clone)]
pub struct Replies {
    /// One row per month over all networks.
    pub per_month: Vec<ResponseStats>,
    /// One row per network and month.
    pub per_network: Vec<ResponseStats>,
    pub starts: usize,
    pub answered: usize,
}

/// A contact whose stage changed during the period.
#[derive(Debug, Clone)]
pub struct Moved {
    pub contact: i64,
    pub name: String,
    /// `None`: not yet in touch at the start.
    pub before: Option<Stage>,
    pub after: Stage,
}

/// The network's contacts and how many are engaged or further.
#[derive(Debug, Clone, Default)]
pub struct NetworkReach {
    pub contacts: usize,
    pub engaged: usize,
    pub ids: Vec<i64>,
}

/// Compliance findings in the period.
#[derive(Debug, Clone, Default)]
pub struct Compliance {
    /// Posts, comments and messages of yours checked.
    pub checked: usize,
    /// Item ids per (month, category), one entry per finding.
    pub per: BTreeMap<(String, Category), Vec<i64>>,
}

impl Compliance {
    pub fn total(&self) -> usize {
        self.per.values().map(Vec::len).sum()
    }
}

/// Session time per month and the streak at the end of the period.
#[derive(Debug, Clone)]
pub struct Sessions {
    /// Per month: seconds in stopped sessions, and the session ids.
    pub per_month: BTreeMap<String, (i64, Vec<i64>)>,
    pub streak: Streak,
}

/// Every figure of the report, with the records behind it.
#[derive(Debug, Clone)]
pub struct Report {
    pub period: Period,
    /// The clock when the report was built; figures count up to the end of
    /// the period or this, whichever is earlier.
    pub built_at: i64,
    pub plan: Plan,
    /// A short description of every item read, by id, for the record lists.
    pub items: HashMap<i64, String>,
    /// Every contact's name, by id.
    pub names: HashMap<i64, String>,
    pub mix: Vec<MonthMix>,
    pub giving: Vec<MonthGiving>,
    pub replies: Replies,
    /// Contact ids per stage at the end of the period.
    pub funnel: BTreeMap<Stage, Vec<i64>>,
    pub moved: Vec<Moved>,
    pub reach: BTreeMap<Network, NetworkReach>,
    pub compliance: Compliance,
    /// Your items per network in the period.
    pub networks_used: BTreeMap<Network, Vec<i64>>,
    pub sessions: Sessions,
}

impl Report {
    pub fn months(&self) -> Vec<String> {
        self.period.months()
    }

    /// All posts and promotional posts in the period, by the content-kind head.
    pub fn posts_and_promotional(&self) -> (f64, f64) {
        let posts = self.mix.iter().filter_map(|m| m.posts.value).sum();
        let promo = self
            .mix
            .iter()
            .flat_map(|m| m.kinds.iter())
            .filter(|(k, _)| *k == ContentKind::Promotional)
            .filter_map(|(_, m)| m.value)
            .sum();
        (posts, promo)
    }

    /// Contacts engaged or further at the end of the period.
    pub fn engaged(&self) -> usize {
        self.funnel.iter().filter(|(s, _)| is_engaged(**s)).map(|(_, v)| v.len()).sum()
    }

    /// The networks you used that the plan did not choose.
    pub fn unplanned(&self) -> Vec<Network> {
        let used: Vec<Network> = self.networks_used.keys().copied().collect();
        self.plan.unplanned(&used)
    }

    /// The period in a few plain sentences, the figures a seller looks at
    /// first; a figure with nothing to count is left out, not said as zero.
    pub fn headline(&self) -> Vec<String> {
        let mut out = Vec::new();
        let r = &self.replies;
        if r.starts == 1 {
            out.push(if r.answered == 1 {
                "You answered the one person who wrote to you first.".to_string()
            } else {
                "The one person who wrote to you first has no answer from you yet.".to_string()
            });
        } else if r.starts > 1 {
            let mut line =
                format!("You answered {} of the {} people who wrote to you first", r.answered, r.starts);
            // Half of them within…: only for one month, where the median is one figure.
            if let ([m], true) = (r.per_month.as_slice(), r.answered > 1) {
                if let Some(median) = m.median_secs.value {
                    line.push_str(", half of them within ");
                    line.push_str(&span_words(median));
                }
            }
            line.push('.');
            out.push(line);
        }
        let (posts, promo) = self.posts_and_promotional();
        if posts > 0.0 {
            let share = promo / posts * 100.0;
            let max = f64::from(self.plan.max_promotional_percent);
            let verdict = if share <= max { "within your plan" } else { "more than your plan" };
            out.push(format!(
                "{share:.0}% of your {posts:.0} post{} sold something: {verdict} (at most {max:.0}%).",
                plural(posts)
            ));
        }
        let given: f64 = self.giving.iter().filter_map(|m| m.given.value).sum();
        let asked: f64 = self.giving.iter().filter_map(|m| m.asked.value).sum();
        if given + asked > 0.0 {
            out.push(format!(
                "You gave {given:.0} time{} (comments, shares, answers) and asked {asked:.0} time{}.",
                plural(given),
                plural(asked)
            ));
        }
        let c = &self.compliance;
        if c.checked > 0 {
            let flagged: std::collections::BTreeSet<i64> = c.per.values().flatten().copied().collect();
            out.push(if flagged.is_empty() {
                format!("Nothing to fix in the {} posts and messages of yours checked.", c.checked)
            } else {
                format!("{} of your {} posts and messages have something to fix.", flagged.len(), c.checked)
            });
        }
        out
    }
}

/// The plural ending for a count held as a float (figures are `f64`).
fn plural(n: f64) -> &'static str {
    if (n - 1.0).abs() < 0.5 { "" } else { "s" }
}

/// A time span in words: minutes, hours or days, whichever reads best.
pub fn span_words(secs: f64) -> String {
    if secs < 3600.0 {
        let m = (secs / 60.0).round().max(1.0);
        format!("{m:.0} minute{}", plural(m))
    } else if secs < 172_800.0 {
        format!("{:.0} hours", (secs / 3600.0).round().max(1.0))
    } else {
        format!("{:.0} days", (secs / 86_400.0).round())
    }
}

/// The month a report opens on when none is asked for (`YYYY-MM`): the
/// latest, up to `now`, with anything stored in it, rather than a month with
/// nothing to show; the current one on an empty store.
pub fn opening_month(store: &mut dyn Store, now: i64) -> Result<String> {
    let rows =
        store.people().rows("SELECT MAX(at) FROM items WHERE at <= ?1", &[tactful_store::Arg::Int(now)])?;
    let latest = rows.first().and_then(|r| r.first()).and_then(tactful_store::people::Cell::opt_int);
    Ok(coaching::month(latest.unwrap_or(now)))
}

/// Where a contact stands at a moment: their stage and the networks of
/// their interactions, or `None` before their first interaction.
type Standing = Option<(Stage, Vec<Network>)>;

fn is_engaged(s: Stage) -> bool {
    matches!(s, Stage::Engaged | Stage::Conversation | Stage::Customer | Stage::Team)
}

fn kind_of(label: &str) -> ContentKind {
    ContentKind::ALL.into_iter().find(|k| k.as_str() == label).unwrap_or(ContentKind::Personal)
}

fn describe(it: &StoredItem) -> String {
    let excerpt: String = it.text.chars().take(80).collect();
    let at = crate::clock::rfc3339(it.at);
    format!("{} {} by {} on {} {}: {excerpt}", it.network, it.kind, it.author, &at[..10], &at[11..16])
}

/// The report for `period`, with the clock at `real_now`.
pub fn build(store: &mut dyn Store, checker: &Checker, p: &Period, real_now: i64) -> Result<Report> {
    let months = p.months();
    let now = real_now.min(p.end() - 1);
    derived::refresh(store.people())?;
    // Only the period is read, and the day before it: a conversation start
    // is judged on the 24 hours before it. The stages come from the derived
    // tallies, not from the whole history.
    let mut items = Vec::new();
    store.items(
        &Filter {
            from: Some(p.start() - coaching::START_SILENCE_SECS),
            to: Some(p.end()),
            ..Filter::default()
        },
        &mut |it| {
            items.push(it);
            true
        },
    )?;
    let owners: coaching::Owners = store.owners()?.into_iter().collect();
    let me = derived::owner_handles(store.people())?;
    let views: Vec<_> = items.iter().map(StoredItem::view).collect();
    let in_period: Vec<_> = views.iter().filter(|v| p.contains(v.at)).copied().collect();
    let plan = plan::load(store.people())?;

    // Content mix, by the head the scan uses.
    let heads = Heads::load()?;
    let scratch = RefCell::new(Scratch::new());
    let classify = |t: &str| kind_of(&heads.content_kind(t, &mut scratch.borrow_mut()).0);
    // A post without words (a photo alone) has no kind to read: it is left
    // out of the mix, as `scan` leaves it out.
    let worded: Vec<_> = in_period.iter().filter(|v| !v.text.trim().is_empty()).copied().collect();
    let mix: Vec<_> = coaching::content_mix(&worded, &classify, now)
        .into_iter()
        .filter(|m| months.contains(&m.month))
        .collect();
    let giving: Vec<_> = coaching::giving_asking(&in_period, &owners, now)
        .into_iter()
        .filter(|m| months.contains(&m.month))
        .collect();

    let mut convs = coaching::conversations_with(&views, &me, now);
    for c in &mut convs {
        c.starts.retain(|s| p.contains(s.at));
    }
    let stats: Vec<_> = coaching::response_summary(&convs)
        .into_iter()
        .filter(|s| s.month.as_ref().is_some_and(|m| months.contains(m)))
        .collect();
    let (per_month, per_network): (Vec<_>, Vec<_>) = stats.into_iter().partition(|s| s.network.is_none());
    let replies = Replies {
        per_month,
        per_network,
        starts: convs.iter().map(|c| c.starts.len()).sum(),
        answered: convs.iter().flat_map(|c| c.starts.iter()).filter(|s| s.response.is_some()).count(),
    };

    // The funnel and the reach per network, from the tallies at both ends.
    let all = people::all(store.people())?;
    let mut stage_at = |at: i64| -> Result<Vec<Standing>> {
        let tallies = derived::tallies_at(store.people(), at)?;
        Ok(all
            .iter()
            .map(|c| {
                let t = tallies.get(&c.id).filter(|t| t.interactions > 0)?;
                Some((
                    relationships::assess(t, contacts::marks(c), at, &Thresholds::default()).stage,
                    t.networks(),
                ))
            })
            .collect())
    };
    let before = stage_at(p.start() - 1)?;
    let after = stage_at(p.end() - 1)?;
    let mut funnel: BTreeMap<Stage, Vec<i64>> = BTreeMap::new();
    let mut moved = Vec::new();
    let mut reach: BTreeMap<Network, NetworkReach> = BTreeMap::new();
    for (i, s) in after.iter().enumerate() {
        let Some((s, nets)) = s else { continue };
        funnel.entry(*s).or_default().push(all[i].id);
        let was = before[i].as_ref().map(|x| x.0);
        if was != Some(*s) {
            moved.push(Moved {
                contact: all[i].id,
                name: all[i].display_name.clone(),
                before: was,
                after: *s,
            });
        }
        for n in nets {
            let e = reach.entry(*n).or_default();
            e.contacts += 1;
            e.engaged += usize::from(is_engaged(*s));
            e.ids.push(all[i].id);
        }
    }

    // Compliance: the one checker over your items, as `scan` reads them.
    let mut compliance = Compliance::default();
    for it in items.iter().filter(|it| {
        p.contains(it.at)
            && it.by_owner
            && matches!(it.kind, ItemKind::Post | ItemKind::Comment | ItemKind::Message)
            && scannable(it)
    }) {
        compliance.checked += 1;
        for f in checker.check(&it.text, it.kind.channel()) {
            if f.severity >= Severity::Warning {
                compliance.per.entry((coaching::month(it.at), f.category)).or_default().push(it.id);
            }
        }
    }

    let mut networks_used: BTreeMap<Network, Vec<i64>> = BTreeMap::new();
    for v in in_period.iter().filter(|v| {
        v.by_owner
            && matches!(
                v.kind,
                ItemKind::Post | ItemKind::Comment | ItemKind::Message | ItemKind::Share | ItemKind::Reaction
            )
    }) {
        networks_used.entry(v.network).or_default().push(v.id);
    }

    let all_sessions = tactful_store::coach::sessions(store.people())?;
    let days: Vec<i64> = all_sessions
        .iter()
        .filter(|s| s.started_at < p.end())
        .map(|s| s.started_at.div_euclid(86_400))
        .collect();
    let streak = coaching::streak_days(&days, p.last.min(real_now.div_euclid(86_400)));
    let mut per_month: BTreeMap<String, (i64, Vec<i64>)> = BTreeMap::new();
    for s in all_sessions.iter().filter(|s| p.contains(s.started_at)) {
        let e = per_month.entry(coaching::month(s.started_at)).or_default();
        if let Some(stop) = s.stopped_at {
            e.0 += (stop - s.started_at).max(0);
        }
        e.1.push(s.id);
    }

    Ok(Report {
        period: p.clone(),
        built_at: real_now,
        plan,
        items: items.iter().map(|it| (it.id, describe(it))).collect(),
        names: all.iter().map(|c| (c.id, c.display_name.clone())).collect(),
        mix,
        giving,
        replies,
        funnel,
        moved,
        reach,
        compliance,
        networks_used,
        sessions: Sessions { per_month, streak },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_parse_and_reject() {
        let p = period(Some("2026-09"), None, None).unwrap();
        assert_eq!(p.last - p.first, 29);
        assert_eq!(p.months(), vec!["2026-09".to_string()]);
        let dec = period(Some("2026-12"), None, None).unwrap();
        assert_eq!(dec.last - dec.first, 30);
        assert!(period(Some("2026-13"), None, None).is_err());
        assert!(period(Some("2026-9"), None, None).is_err());
        let q = period(None, Some("2026-08-20"), Some("2026-10-02")).unwrap();
        assert_eq!(q.months(), vec!["2026-08", "2026-09", "2026-10"]);
        let e = period(None, Some("2026-10-02"), Some("2026-08-20")).unwrap_err();
        assert!(e.is_input() && e.to_string().contains("before"), "{e}");
    }
}

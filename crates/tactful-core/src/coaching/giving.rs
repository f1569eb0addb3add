//! Giving vs asking: per month, what you gave (comments, shares, reactions,
//! mentions, messages that were not pitches) against what you asked (your
//! pitches), from the relationship interactions. Owns [`MonthGiving`] and
//! [`giving_asking`].

use std::collections::BTreeMap;

use super::{
    DEF_ASKED, DEF_GIVEN, DEF_GIVING_SHARE, Metric, OwnerHandles, Owners, counted, metric, month,
    share_metric,
};
use crate::relationships::{Act, Direction, ItemView, interactions};

/// Giving vs asking in one month.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthGiving {
    /// `YYYY-MM`.
    pub month: String,
    pub given: Metric,
    pub asked: Metric,
    /// Given ÷ (given + asked).
    pub giving_share: Metric,
}

/// Giving vs asking per month (sorted by month), from
/// [`interactions`].
pub fn giving_asking(items: &[ItemView<'_>], owners: &Owners, now: i64) -> Vec<MonthGiving> {
    // (given, asked): (count, item ids)
    let me = OwnerHandles::new(items, owners);
    // Per month: (given, asked), one item id per person reached.
    let mut by_month: BTreeMap<String, (Vec<i64>, Vec<i64>)> = BTreeMap::new();
    for item in items.iter().filter(|i| i.by_owner && counted(i, now)) {
        let acts = interactions(item, me.handle(item.network));
        let pitch = acts.iter().any(|a| a.act == Act::Pitch);
        let entry = by_month.entry(month(item.at)).or_default();
        for a in acts.iter().filter(|a| a.direction == Direction::Given) {
            match a.act {
                Act::Pitch => entry.1.push(item.id),
                Act::MessageSent
                | Act::CommentOnTheirs
                | Act::ReactionGiven
                | Act::ShareOfTheirs
                | Act::Mention
                    if !pitch =>
                {
                    entry.0.push(item.id);
                }
                _ => {}
            }
        }
    }
    by_month
        .into_iter()
        .filter(|(_, (g, a))| !g.is_empty() || !a.is_empty())
        .map(|(m, (gi, ai))| {
            let (g, a) = (gi.len(), ai.len());
            let both: Vec<i64> = gi.iter().chain(ai.iter()).copied().collect();
            MonthGiving {
                month: m,
                given: metric("given", Some(g as f64), format!("{g} given"), DEF_GIVEN, gi),
                asked: metric("asked", Some(a as f64), format!("{a} asked"), DEF_ASKED, ai),
                giving_share: share_metric(
                    "giving share",
                    g,
                    g + a,
                    "gives and asks were gives",
                    DEF_GIVING_SHARE,
                    both,
                ),
            }
        })
        .collect()
}

//! Response tracking: the direct-message conversations, their starts and
//! first responses, whose turn it is, the response rate and times (median
//! and 90th percentile, nearest rank) and the starts still unanswered.
//! Owns [`Conversation`], [`Start`], [`Turn`], [`ResponseStats`],
//! [`Waiting`] and [`nearest_rank`].

use std::collections::{BTreeMap, BTreeSet};

use super::{
    DEF_MEDIAN, DEF_P90, DEF_RESPONSE_RATE, DEF_STARTS, Metric, OwnerHandles, Owners, count_metric, counted,
    metric, month, share_metric,
};
use crate::history::{ItemKind, Network};
use crate::relationships::ItemView;

/// Silence (seconds) after which a message from them starts a conversation.
pub const START_SILENCE_SECS: i64 = 86_400;
/// Whose move it is in a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Turn {
    /// Their message is the last one: you owe a reply.
    WaitingForYou,
    /// Your message is the last one.
    WaitingForThem,
}

crate::words!(Turn {
    WaitingForYou => "waiting for you",
    WaitingForThem => "waiting for them",
});

/// A conversation start (see the module documentation) and its first
/// response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Start {
    /// The incoming message that starts it.
    pub item: i64,
    pub network: Network,
    /// The conversation key (see [`Conversation::key`]).
    pub conversation: String,
    /// Who wrote it.
    pub from: String,
    pub at: i64,
    /// `YYYY-MM` (UTC) of `at`.
    pub month: String,
    /// Your first message after it: (item id, seconds after the start).
    pub response: Option<(i64, i64)>,
}

/// The direct messages of one conversation, as response tracking sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversation {
    pub network: Network,
    /// `thread:<id>` for a thread, `with:<handle>` for a one-to-one
    /// conversation without thread, `group:<a>,<b>,…` for a group message
    /// without thread.
    pub key: String,
    /// Everyone other than the owner who wrote or received a message in it,
    /// sorted.
    pub people: Vec<String>,
    /// Whose move it is, from the last message.
    pub turn: Turn,
    /// The last message (id, time).
    pub last_item: i64,
    pub last_at: i64,
    /// Its starts, oldest first.
    pub starts: Vec<Start>,
    /// All its message ids, in time order.
    pub items: Vec<i64>,
}

/// Response figures for a group of starts: one network and month, a whole
/// network (`month: None`), a whole month (`network: None`), or everything
/// (both `None`).
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseStats {
    pub network: Option<Network>,
    pub month: Option<String>,
    /// Number of starts.
    pub starts: Metric,
    /// Starts answered ÷ starts.
    pub response_rate: Metric,
    /// Median time to first response, seconds (nearest rank).
    pub median_secs: Metric,
    /// 90th percentile of time to first response, seconds (nearest rank).
    pub p90_secs: Metric,
}

/// An unanswered start, with how long it has waited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    pub start: Start,
    /// `now - start.at`, seconds.
    pub waited_secs: i64,
}

/// The nearest-rank p-th percentile of ascending `sorted` values: the value
/// at rank ⌈p/100 × n⌉ (1-based, at least 1). `None` when empty.
pub fn nearest_rank(sorted: &[i64], p: u32) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let n = sorted.len();
    let rank = (p.min(100) as usize * n).div_ceil(100).max(1);
    Some(sorted[rank - 1])
}
/// Seconds as a short duration: `2d 3h`, `4h 5m`, `12m`, `30s`.
fn duration(secs: i64) -> String {
    let (d, h, m) = (secs / 86_400, secs % 86_400 / 3_600, secs % 3_600 / 60);
    if d > 0 {
        format!("{d}d {h}h")
    } else if h > 0 {
        format!("{h}h {m}m")
    } else if m > 0 {
        format!("{m}m")
    } else {
        format!("{secs}s")
    }
}
/// The direct-message conversations in `items` (any order) as of `now`,
/// sorted by network and key, each with its turn and its starts (see the
/// module documentation).
pub fn conversations(items: &[ItemView<'_>], owners: &Owners, now: i64) -> Vec<Conversation> {
    let me = OwnerHandles::new(items, owners);
    conversations_with(items, &me, now)
}

/// [`conversations`] with the owner's handles given (for a caller that reads
/// only part of the history but knows every handle of the owner's).
pub fn conversations_with(items: &[ItemView<'_>], me: &OwnerHandles, now: i64) -> Vec<Conversation> {
    let mut groups: BTreeMap<(Network, String), Vec<&ItemView<'_>>> = BTreeMap::new();
    for item in items.iter().filter(|i| i.kind == ItemKind::Message && counted(i, now)) {
        groups.entry((item.network, me.conversation_key(item))).or_default().push(item);
    }
    groups.into_iter().map(|((network, key), mut msgs)| conversation(network, key, &mut msgs, me)).collect()
}

/// One conversation from its messages (all of this network and key, each
/// counted, any order; at least one): its people, turn and starts. The
/// derived tables keep what this gives, per conversation.
pub fn conversation(
    network: Network,
    key: String,
    msgs: &mut [&ItemView<'_>],
    me: &OwnerHandles,
) -> Conversation {
    msgs.sort_by_key(|m| (m.at, m.id));
    let mut people: BTreeSet<String> = BTreeSet::new();
    let mut starts: Vec<Start> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    let mut last_at: Option<i64> = None;
    for m in msgs.iter() {
        people.extend(me.others(m).into_iter().map(str::to_string));
        if m.by_owner {
            for s in open.drain(..) {
                starts[s].response = Some((m.id, m.at - starts[s].at));
            }
        } else if last_at.is_none_or(|l| m.at - l >= START_SILENCE_SECS) {
            open.push(starts.len());
            starts.push(Start {
                item: m.id,
                network,
                conversation: key.clone(),
                from: m.author.trim().to_string(),
                at: m.at,
                month: month(m.at),
                response: None,
            });
        }
        last_at = Some(m.at);
    }
    let last = msgs.last().expect("a conversation has messages");
    Conversation {
        network,
        key,
        people: people.into_iter().collect(),
        turn: if last.by_owner { Turn::WaitingForThem } else { Turn::WaitingForYou },
        last_item: last.id,
        last_at: last.at,
        starts,
        items: msgs.iter().map(|m| m.id).collect(),
    }
}

fn stats_of(network: Option<Network>, month: Option<String>, starts: &[&Start]) -> ResponseStats {
    let ids: Vec<i64> = starts.iter().map(|s| s.item).collect();
    let answered: Vec<&Start> = starts.iter().copied().filter(|s| s.response.is_some()).collect();
    let answered_ids: Vec<i64> = answered.iter().map(|s| s.item).collect();
    let mut times: Vec<i64> = answered.iter().filter_map(|s| s.response.map(|r| r.1)).collect();
    times.sort_unstable();
    let median = nearest_rank(&times, 50);
    let p90 = nearest_rank(&times, 90);
    let n = times.len();
    let time_metric = |name, v: Option<i64>, p: u32, def| {
        let detail = match v {
            Some(v) => format!(
                "{} (rank {} of {n} answered starts)",
                duration(v),
                (p as usize * n).div_ceil(100).max(1)
            ),
            None => "no answered starts".to_string(),
        };
        metric(name, v.map(|v| v as f64), detail, def, answered_ids.clone())
    };
    ResponseStats {
        starts: count_metric("conversation starts", "starts", DEF_STARTS, ids.clone()),
        response_rate: share_metric(
            "response rate",
            answered.len(),
            starts.len(),
            "starts answered",
            DEF_RESPONSE_RATE,
            ids,
        ),
        median_secs: time_metric("median time to first response (s)", median, 50, DEF_MEDIAN),
        p90_secs: time_metric("90th percentile time to first response (s)", p90, 90, DEF_P90),
        network,
        month,
    }
}

/// Response figures per network and month, per network (`month: None`), per
/// month (`network: None`) and overall (both `None`), in that order, each
/// group sorted. Groups with no starts are left out, except the overall one.
pub fn response_summary(conversations: &[Conversation]) -> Vec<ResponseStats> {
    let all: Vec<&Start> = conversations.iter().flat_map(|c| c.starts.iter()).collect();
    starts_summary(&all)
}

/// [`response_summary`] from the starts alone (any order), for a caller
/// that keeps the starts rather than the conversations.
pub fn starts_summary(all: &[&Start]) -> Vec<ResponseStats> {
    let mut per_pair: BTreeMap<(Network, String), Vec<&Start>> = BTreeMap::new();
    let mut per_network: BTreeMap<Network, Vec<&Start>> = BTreeMap::new();
    let mut per_month: BTreeMap<String, Vec<&Start>> = BTreeMap::new();
    for s in all {
        per_pair.entry((s.network, s.month.clone())).or_default().push(s);
        per_network.entry(s.network).or_default().push(s);
        per_month.entry(s.month.clone()).or_default().push(s);
    }
    let mut out = Vec::new();
    for ((n, m), v) in per_pair {
        out.push(stats_of(Some(n), Some(m), &v));
    }
    for (n, v) in per_network {
        out.push(stats_of(Some(n), None, &v));
    }
    for (m, v) in per_month {
        out.push(stats_of(None, Some(m), &v));
    }
    out.push(stats_of(None, None, all));
    out
}

/// Starts with no message of yours after them, oldest first (ties by item
/// id), with how long they have waited at `now`.
pub fn unanswered_starts(conversations: &[Conversation], now: i64) -> Vec<Waiting> {
    let mut out: Vec<Waiting> = conversations
        .iter()
        .flat_map(|c| c.starts.iter())
        .filter(|s| s.response.is_none())
        .map(|s| Waiting { start: s.clone(), waited_secs: (now - s.at).max(0) })
        .collect();
    out.sort_by_key(|w| (w.start.at, w.start.item));
    out
}

//! Broadcasts ("spray and pray"): the same or nearly the same message (word-shingle
//! Jaccard similarity at least [`SIMILARITY`], after dropping links, the
//! greeting and the name at the start, emoji and punctuation) sent to at
//! least `min_recipients` different people within `window_secs`. Owns
//! [`Outgoing`], [`Broadcast`], [`broadcasts`] and [`similarity`].

use std::collections::{HashMap, VecDeque};

use crate::seeded::mix;
use crate::text::Normalized;

/// One message the detector should compare: sent to `contact` at `at`. A
/// message to a group appears once per recipient, with the same `id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outgoing<'a> {
    pub id: i64,
    pub contact: &'a str,
    pub at: i64,
    pub text: &'a str,
}

/// A "spray and pray" broadcast: nearly the same message to many people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broadcast {
    /// The items of the cluster, sorted, without repeats.
    pub items: Vec<i64>,
    /// Everyone who received one of them, sorted.
    pub recipients: Vec<String>,
    /// The most different recipients inside one window.
    pub peak_recipients: usize,
    pub first_at: i64,
    pub last_at: i64,
    /// The earliest message's text, as a sample.
    pub text: String,
}

/// Word-shingle Jaccard similarity at or above which two messages are "the
/// same message".
pub const SIMILARITY: f64 = 0.8;
/// Messages with fewer words than this (after the greeting and name are
/// dropped) are never part of a broadcast: "Thank you!" to five people is
/// politeness, not spray and pray.
pub const MIN_WORDS: usize = 6;
/// A sensible default window for [`broadcasts`]: one day.
pub const DEFAULT_WINDOW_SECS: i64 = 86_400;
/// A sensible default for [`broadcasts`]: five different people.
pub const DEFAULT_MIN_RECIPIENTS: usize = 5;

const GREETINGS: &[&str] = &[
    "hi",
    "hey",
    "hello",
    "hiya",
    "heya",
    "hey there",
    "yo",
    "dear",
    "greetings",
    "howdy",
    "hallo",
    "hej",
    "hola",
    "ciao",
    "bonjour",
    "morning",
    "good",
    "evening",
    "afternoon",
];

/// A message's words for comparison: normalised, links and @handles
/// dropped, split on anything that is not a letter or digit (so emoji and
/// punctuation vanish), with the greeting and the name at the start removed.
/// Each word carries whether a clause ended right after it.
fn comparable_words(text: &str) -> Vec<String> {
    let n = Normalized::new(text);
    let mut words: Vec<(String, bool)> = Vec::new();
    for chunk in n.as_str().split_whitespace() {
        if chunk.starts_with("http")
            || chunk.starts_with("www.")
            || chunk.starts_with('@')
            || chunk.contains(".com/")
            || chunk.contains(".co/")
        {
            if let Some(last) = words.last_mut() {
                last.1 = true;
            }
            continue;
        }
        let mut current = String::new();
        for c in chunk.chars() {
            if c.is_alphanumeric() {
                current.push(c);
            } else if c != '\'' {
                if !current.is_empty() {
                    words.push((std::mem::take(&mut current), false));
                }
                // Anything else (punctuation, emoji) ends a clause.
                if let Some(last) = words.last_mut() {
                    last.1 = true;
                }
            }
        }
        if !current.is_empty() {
            words.push((current, false));
        }
    }
    // Drop the greeting ("Hi", "Good morning") and the name after it.
    let mut start = 0;
    while start < words.len() && start < 2 && GREETINGS.contains(&words[start].0.as_str()) {
        start += 1;
    }
    if start > 0 {
        if words[start - 1].1 {
            // "Hi, Anna! …": a short clause right after the greeting is the name.
            if let Some(end) = (start..words.len().min(start + 3)).find(|&k| words[k].1) {
                start = end + 1;
            }
        } else if let Some(end) = (start..words.len().min(start + 3)).find(|&k| words[k].1) {
            // "Hi there Anna! …"
            start = end + 1;
        } else {
            // "Hi Anna I …": the next word is the name.
            start += 1;
        }
    } else if let Some(end) = (0..words.len().min(2)).find(|&k| words[k].1) {
        // "Anna, …": a one- or two-word clause at the start is the name.
        start = end + 1;
    }
    words.into_iter().skip(start).map(|w| w.0).collect()
}

fn hash_str(s: &str, seed: u64) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325 ^ seed;
    for &b in s.as_bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h ^= h >> 29;
    h
}

/// Sorted, distinct hashes of the word 3-shingles (or of the words, for
/// texts shorter than three words); empty when the text has fewer than
/// [`MIN_WORDS`] words.
fn shingles(text: &str) -> Vec<u64> {
    let words = comparable_words(text);
    if words.len() < MIN_WORDS {
        return Vec::new();
    }
    let hashes: Vec<u64> = words.iter().map(|w| hash_str(w, 0)).collect();
    let mut out: Vec<u64> =
        hashes.windows(3).map(|w| mix(w[0] ^ w[1].rotate_left(21) ^ w[2].rotate_left(42))).collect();
    out.sort_unstable();
    out.dedup();
    out
}

fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let (mut i, mut j, mut inter) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                inter += 1;
                i += 1;
                j += 1;
            }
        }
    }
    inter as f64 / (a.len() + b.len() - inter) as f64
}

/// How alike two messages are for the broadcast detector: the Jaccard
/// similarity of their word 3-shingles after dropping links, greeting, name,
/// emoji and punctuation (0 when either has fewer than [`MIN_WORDS`] words).
pub fn similarity(a: &str, b: &str) -> f64 {
    jaccard(&shingles(a), &shingles(b))
}

const BANDS: usize = 10;
const ROWS: usize = 3;

/// MinHash band keys: two messages that share any key are compared exactly.
/// With 10 bands of 3 rows, a pair at Jaccard 0.8 shares a key with
/// probability 1 - (1 - 0.8³)¹⁰ ≈ 0.9992 (at 0.9: 0.999 999 9), while
/// a pair at 0.3 is compared only with probability 0.24.
fn band_keys(sh: &[u64]) -> [u64; BANDS] {
    let mut mins = [u64::MAX; BANDS * ROWS];
    for &s in sh {
        for (k, m) in mins.iter_mut().enumerate() {
            let v = mix(s ^ (0x9e37_79b9_7f4a_7c15u64.wrapping_mul(k as u64 + 1)));
            if v < *m {
                *m = v;
            }
        }
    }
    let mut keys = [0u64; BANDS];
    for (b, key) in keys.iter_mut().enumerate() {
        let mut h = mix(b as u64 + 1);
        for r in 0..ROWS {
            h = mix(h ^ mins[b * ROWS + r]);
        }
        *key = h;
    }
    keys
}

fn find(parent: &mut [usize], mut x: usize) -> usize {
    while parent[x] != x {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    x
}

/// "Spray and pray": groups of the same or nearly the same message sent to
/// at least `min_recipients` different people within `window_secs`.
///
/// Two messages are "the same" when their [`similarity`] is at least
/// [`SIMILARITY`] and they were sent at most `window_secs` apart; groups are
/// the connected sets of that relation. A group is reported when some
/// stretch of `window_secs` inside it reaches `min_recipients` different
/// recipients. Messages shorter than [`MIN_WORDS`] words are ignored.
///
/// Fast: each message is hashed once (MinHash, 10 bands of 3), messages are
/// visited in time order, and a message is compared only with earlier ones
/// in the window that share a band key. The output is sorted by first time,
/// then first item, and does not depend on the input order.
pub fn broadcasts(messages: &[Outgoing<'_>], window_secs: i64, min_recipients: usize) -> Vec<Broadcast> {
    let min_recipients = min_recipients.max(1);
    let mut order: Vec<usize> = (0..messages.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&messages[a], &messages[b]);
        (x.at, x.id, x.contact).cmp(&(y.at, y.id, y.contact))
    });
    // A message to a group appears once per recipient: shingle each text once.
    let mut by_text: HashMap<(i64, &str), usize> = HashMap::new();
    let mut sigs: Vec<(Vec<u64>, [u64; BANDS])> = Vec::new();
    let mut sig_of = vec![usize::MAX; messages.len()];
    for &m in &order {
        let key = (messages[m].id, messages[m].text);
        let next = sigs.len();
        let s = *by_text.entry(key).or_insert(next);
        if s == next {
            let sh = shingles(messages[m].text);
            let keys = band_keys(&sh);
            sigs.push((sh, keys));
        }
        sig_of[m] = s;
    }

    let mut parent: Vec<usize> = (0..messages.len()).collect();
    let mut buckets: HashMap<(usize, u64), VecDeque<usize>> = HashMap::new();
    for &m in &order {
        let s = sig_of[m];
        if sigs[s].0.is_empty() {
            continue;
        }
        let at = messages[m].at;
        for (b, &key) in sigs[s].1.iter().enumerate() {
            let bucket = buckets.entry((b, key)).or_default();
            while bucket.front().is_some_and(|&o| at - messages[o].at > window_secs) {
                bucket.pop_front();
            }
            let mut superseded = None;
            for (k, &o) in bucket.iter().enumerate() {
                let so = sig_of[o];
                let same = so == s || sigs[so].0 == sigs[s].0;
                let (ro, rm) = (find(&mut parent, o), find(&mut parent, m));
                if ro != rm && (same || jaccard(&sigs[so].0, &sigs[s].0) >= SIMILARITY) {
                    // Union towards the earlier root, so roots are stable.
                    let (lo, hi) = if ro < rm { (ro, rm) } else { (rm, ro) };
                    parent[hi] = lo;
                }
                if same {
                    superseded = Some(k);
                }
            }
            // A later message with the very same words stands in for the
            // earlier one (it stays in the window longer): buckets hold one
            // entry per distinct wording, so a burst of 1,000 copies costs
            // 1,000 steps, not half a million.
            if let Some(k) = superseded {
                bucket.remove(k);
            }
            bucket.push_back(m);
        }
    }

    // Gather the groups, members in time order.
    let mut groups: HashMap<usize, Vec<usize>> = HashMap::new();
    for &m in &order {
        if sigs[sig_of[m]].0.is_empty() {
            continue;
        }
        let r = find(&mut parent, m);
        groups.entry(r).or_default().push(m);
    }
    let mut out = Vec::new();
    for members in groups.values() {
        let peak = peak_recipients(messages, members, window_secs);
        if peak < min_recipients {
            continue;
        }
        let mut items: Vec<i64> = members.iter().map(|&m| messages[m].id).collect();
        items.sort_unstable();
        items.dedup();
        let mut recipients: Vec<String> = members.iter().map(|&m| messages[m].contact.to_string()).collect();
        recipients.sort_unstable();
        recipients.dedup();
        let first = members[0];
        out.push(Broadcast {
            items,
            recipients,
            peak_recipients: peak,
            first_at: messages[first].at,
            last_at: messages[*members.last().expect("a group has members")].at,
            text: messages[first].text.to_string(),
        });
    }
    out.sort_by(|a, b| (a.first_at, &a.items).cmp(&(b.first_at, &b.items)));
    out
}

/// The most different recipients inside any stretch of `window_secs`
/// (members are in time order).
fn peak_recipients(messages: &[Outgoing<'_>], members: &[usize], window_secs: i64) -> usize {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    let mut lo = 0;
    let mut best = 0;
    for hi in 0..members.len() {
        *counts.entry(messages[members[hi]].contact).or_default() += 1;
        while messages[members[hi]].at - messages[members[lo]].at > window_secs {
            let c = messages[members[lo]].contact;
            let n = counts.get_mut(c).expect("counted");
            *n -= 1;
            if *n == 0 {
                counts.remove(c);
            }
            lo += 1;
        }
        best = best.max(counts.len());
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greeting_and_name_are_dropped() {
        let a = comparable_words("Hi Anna! 😊 I have something amazing for you");
        let b = comparable_words("Hey Bob, I have something amazing for you!!");
        let c = comparable_words("Anna, I have something amazing for you");
        assert_eq!(a, b);
        assert_eq!(a, c);
        assert_eq!(a[0], "i");
    }
}

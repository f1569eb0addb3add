//! Customer requests: messages from them, or their comments on your
//! content, that report a problem ([`complaint_cue`]) or ask about your
//! offer ([`inquiry_cue`]), and are still unanswered. Owns [`Request`],
//! [`RequestKind`], the complaint test ([`Cues::complaint_cue`], over the
//! `[cues.complaint]` lists of the packs) and [`answers`] (what counts as an
//! answer).

use std::collections::BTreeMap;

#[cfg(test)]
use super::first_phrase;
use super::{DEF_REQUESTS, Metric, OwnerHandles, Owners, canon, count_metric, counted, is_handle};
use crate::history::{ItemKind, Network};
#[cfg(doc)]
use crate::relationships::inquiry_cue;
use crate::relationships::{Cues, ItemView};

/// What a customer request is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RequestKind {
    /// A question about the product or the business ([`inquiry_cue`]).
    Question,
    /// A complaint or an order problem ([`complaint_cue`]).
    Problem,
}

crate::words!(RequestKind {
    Question => "question",
    Problem => "problem",
});

/// A customer request still unanswered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub item: i64,
    pub network: Network,
    /// `ItemKind::Message` or `ItemKind::Comment`.
    pub kind: ItemKind,
    pub from: String,
    /// The conversation key (messages) or `thread:<id>` / `with:<handle>`
    /// (comments).
    pub conversation: String,
    pub at: i64,
    pub waited_secs: i64,
    pub request: RequestKind,
    /// Why it is a request, e.g. `"refund"` or `they asked about "price"`.
    pub cue: String,
    pub text: String,
}

/// Does a message or comment of yours, addressed to `to` (the people in it
/// other than you), answer a request of kind `kind` from `from` in the same
/// conversation? A message always does; a comment does when it is addressed
/// to them or to nobody in particular.
pub fn answers(kind: ItemKind, from: &str, to: &[&str]) -> bool {
    kind == ItemKind::Message || to.is_empty() || to.iter().any(|h| is_handle(h, from))
}
/// Why a text reports a problem with an order or a product, or `None`, with
/// the built-in lists (`[cues.complaint]` in `packs/cues.toml`). The test,
/// on the normalised words: one of the complaint phrases ("hasn't arrived",
/// "never received", "where is my order", "still waiting", "refund", "money
/// back", "broken", "not working", "doesn't work", "damaged", "wrong item",
/// "charged twice", "cancel my order", "allergic reaction", …), or a
/// question mark together with an order word (order, delivery, package,
/// parcel, shipping, tracking, arrive, payment, charged, invoice).
pub fn complaint_cue(text: &str) -> Option<String> {
    Cues::builtin().complaint_cue(text)
}

/// Is the text a customer request, and why? A problem ([`complaint_cue`])
/// wins over a question ([`inquiry_cue`]). With the built-in lists.
pub fn request_cue(text: &str) -> Option<(RequestKind, String)> {
    Cues::builtin().request_cue(text)
}

impl Cues {
    /// Why a text reports a problem, or `None`: see [`complaint_cue`]. One
    /// pass per list: this runs over every message from them at import.
    pub fn complaint_cue(&self, text: &str) -> Option<String> {
        let c = canon(text);
        if let Some(p) = self.complaints.iter(self.complaints.found(&c)).next() {
            return Some(format!("\"{p}\""));
        }
        if text.contains('?') {
            if let Some(w) = self.order_words.iter(self.order_words.found(&c)).next() {
                return Some(format!("a question about \"{w}\""));
            }
        }
        None
    }

    /// Is the text a customer request, and why? See [`request_cue`].
    pub fn request_cue(&self, text: &str) -> Option<(RequestKind, String)> {
        self.complaint_cue(text)
            .map(|c| (RequestKind::Problem, c))
            .or_else(|| self.inquiry_cue(text).map(|c| (RequestKind::Question, c)))
    }
}

/// Customer requests still unanswered at `now`, oldest first (ties by item
/// id). See the module documentation for what counts.
pub fn customer_requests(items: &[ItemView<'_>], owners: &Owners, now: i64) -> Vec<Request> {
    let me = OwnerHandles::new(items, owners);
    let mut by_conv: BTreeMap<(Network, ItemKind, String), Vec<&ItemView<'_>>> = BTreeMap::new();
    for item in
        items.iter().filter(|i| matches!(i.kind, ItemKind::Message | ItemKind::Comment) && counted(i, now))
    {
        by_conv.entry((item.network, item.kind, me.conversation_key(item))).or_default().push(item);
    }
    let mut out = Vec::new();
    for ((network, kind, key), mut list) in by_conv {
        list.sort_by_key(|m| (m.at, m.id));
        for (k, m) in list.iter().enumerate() {
            if m.by_owner || m.author.trim().is_empty() || me.is(network, m.author) {
                continue;
            }
            let Some((request, cue)) = request_cue(m.text) else { continue };
            let from = m.author.trim();
            let answered = list[k + 1..].iter().any(|r| r.by_owner && answers(kind, from, &me.others(r)));
            if !answered {
                out.push(Request {
                    item: m.id,
                    network,
                    kind,
                    from: from.to_string(),
                    conversation: key.clone(),
                    at: m.at,
                    waited_secs: now - m.at,
                    request,
                    cue,
                    text: m.text.to_string(),
                });
            }
        }
    }
    out.sort_by_key(|r| (r.at, r.item));
    out
}

/// The unanswered customer requests as a metric (count, with their items).
pub fn requests_metric(requests: &[Request]) -> Metric {
    count_metric(
        "unanswered customer requests",
        "requests waiting",
        DEF_REQUESTS,
        requests.iter().map(|r| r.item).collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The one-pass complaint lists find what a search per phrase finds.
    #[test]
    fn complaint_lists_agree_with_a_search_per_phrase() {
        let cues = Cues::builtin();
        let (complaints, order_words) = (&cues.complaints, &cues.order_words);
        let phrases: Vec<&str> = complaints.phrases.iter().map(String::as_str).collect();
        let words: Vec<&str> = order_words.phrases.iter().map(String::as_str).collect();
        for t in [
            "My order hasn't arrived, where is my order? I want a refund or my money back",
            "it is broken and not working, wrong item, wrong size, charged twice",
            "in order to track the parcel, is the delivery shipped?",
            "hasnt arrived hasn't arrived",
            "",
        ] {
            let c = canon(t);
            assert_eq!(complaints.iter(complaints.found(&c)).next(), first_phrase(&c, &phrases), "{t}");
            assert_eq!(order_words.iter(order_words.found(&c)).next(), first_phrase(&c, &words), "{t}");
        }
    }
}

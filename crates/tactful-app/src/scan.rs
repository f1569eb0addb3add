//! `scan`: the one [`Checker`] over what you already published (your posts,
//! comments and messages), worst first; the content mix of your posts by the
//! content-kind head; the messages you sent and received read by the
//! customer-request and spam heads; and, over the whole history, the pitches
//! nobody invited and the broadcasts. `tactful scan`, the web's Past posts
//! page and the report's compliance counts all come from here.

use serde::Serialize;
use std::collections::BTreeMap;
use tactful_classify::{Head, Model, Scratch, builtin};
use tactful_core::history::ItemKind;
use tactful_core::{Finding, Severity};
use tactful_store::{Filter, Store, StoredItem};

use crate::contacts::{self, Broadcast, UnsolicitedPitch};
use crate::{Checker, Error, Result};

/// Whether the scan reads an item: it has words of yours (not a reaction or a connection).
pub fn scannable(i: &StoredItem) -> bool {
    !matches!(i.kind, ItemKind::Reaction | ItemKind::Connection) && !i.text.trim().is_empty()
}

/// One of your items with findings.
#[derive(Debug, Clone)]
pub struct Flagged {
    pub item: StoredItem,
    /// In the checker's order.
    pub findings: Vec<Finding>,
    /// A post's label by the content-kind head, and its score.
    pub content_kind: Option<(String, f32)>,
    /// A message's customer-request and spam labels, with scores.
    pub message_heads: Option<[(String, f32); 2]>,
}

/// One rule's findings on one item: a rule that fired in three places is one
/// line with three places, not three warnings.
#[derive(Debug, Clone, Serialize)]
pub struct FindingGroup {
    pub code: String,
    pub severity: Severity,
    pub message: String,
    /// Byte ranges into the item's text.
    pub places: Vec<(usize, usize)>,
}

impl Flagged {
    /// The worst severity among the findings.
    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }

    /// What to do with it: an error means delete or edit it.
    pub fn action(&self) -> &'static str {
        action(&self.findings)
    }

    /// The findings grouped by rule, in the order each rule first fired.
    pub fn groups(&self) -> Vec<FindingGroup> {
        let mut out: Vec<FindingGroup> = Vec::new();
        for f in &self.findings {
            match out.iter_mut().find(|g| g.code == f.code) {
                Some(g) => g.places.push((f.start, f.end)),
                None => out.push(FindingGroup {
                    code: f.code.clone(),
                    severity: f.severity,
                    message: f.message.clone(),
                    places: vec![(f.start, f.end)],
                }),
            }
        }
        out
    }
}

/// What to do with an item with these findings.
pub fn action(findings: &[Finding]) -> &'static str {
    if findings.iter().any(|x| x.severity == Severity::Error) { "delete or edit" } else { "consider editing" }
}

/// Messages read by the two message heads.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct MessageTally {
    pub total: u64,
    pub requests: u64,
    pub spam: u64,
}

impl MessageTally {
    /// Count one message: a request when the head says so or `request_cue` (the Inbox's cues) fired.
    fn add(&mut self, l: &[(String, f32); 2], request_cue: bool) {
        self.total += 1;
        self.requests += u64::from(l[0].0 == "request" || request_cue);
        self.spam += u64::from(l[1].0 == "spam");
    }
}

/// A scan's result.
#[derive(Debug, Clone)]
pub struct Scan {
    /// Items of yours read.
    pub scanned: u64,
    /// Every item with findings at or above the minimum severity, worst first
    /// (highest severity, then most findings, then newest).
    pub flagged: Vec<Flagged>,
    /// Your posts by content kind.
    pub mix: BTreeMap<String, u64>,
    pub sent: MessageTally,
    pub received: MessageTally,
    /// Over the whole history (not only the filter): pitches nobody invited, newest first.
    pub unsolicited: Vec<UnsolicitedPitch>,
    pub broadcasts: Vec<Broadcast>,
}

impl Scan {
    /// Flagged items with at least one error.
    pub fn errors(&self) -> usize {
        self.flagged.iter().filter(|f| f.worst() == Some(Severity::Error)).count()
    }
}

/// The content-kind head and the two message heads, loaded once.
pub struct Heads {
    content_kind: Model,
    request: Model,
    spam: Model,
}

impl Heads {
    pub fn load() -> Result<Heads> {
        let load = |h: Head| builtin::model(h).map_err(|e| Error::Model(format!("{h}: {e}")));
        Ok(Heads {
            content_kind: load(Head::ContentKind)?,
            request: load(Head::CustomerRequest)?,
            spam: load(Head::Spam)?,
        })
    }

    /// A post's content kind (`personal`, `promotional`, …) and the head's score.
    pub fn content_kind(&self, text: &str, scratch: &mut Scratch) -> (String, f32) {
        let p = self.content_kind.classify(text, scratch);
        (p.label.to_string(), p.score)
    }

    /// [customer-request, spam] labels and scores, at each head's own threshold.
    /// Messages are read as messages: the spam head weighs words by where they were written.
    pub fn message(&self, text: &str, scratch: &mut Scratch) -> [(String, f32); 2] {
        use tactful_classify::{Channel, Input};
        [&self.request, &self.spam].map(|m| {
            let p = m.classify(Input::new(text, Some(Channel::Message)), scratch);
            (p.label.to_string(), p.score)
        })
    }
}

/// Scan your items that `filter` selects (`by_owner` is forced: only what
/// you wrote is yours to delete or edit), keeping findings at `min` or above.
pub fn scan(
    store: &mut dyn Store,
    checker: &Checker,
    filter: &Filter,
    min: Severity,
    now: i64,
) -> Result<Scan> {
    let heads = Heads::load()?;
    let mut scratch = Scratch::new();
    let mut mine = filter.clone();
    mine.by_owner = Some(true);
    mine.limit = None;
    let mut flagged = Vec::new();
    let mut scanned = 0u64;
    let mut mix: BTreeMap<String, u64> = BTreeMap::new();
    let mut sent = MessageTally::default();
    store.items(&mine, &mut |i| {
        if !scannable(&i) {
            return true;
        }
        scanned += 1;
        let content_kind = (i.kind == ItemKind::Post).then(|| heads.content_kind(&i.text, &mut scratch));
        if let Some((label, _)) = &content_kind {
            *mix.entry(label.clone()).or_default() += 1;
        }
        let message_heads = (i.kind == ItemKind::Message).then(|| heads.message(&i.text, &mut scratch));
        if let Some(l) = &message_heads {
            sent.add(l, false);
        }
        let mut findings = checker.check(&i.text, i.kind.channel());
        findings.retain(|x| x.severity >= min);
        if !findings.is_empty() {
            flagged.push(Flagged { item: i, findings, content_kind, message_heads });
        }
        true
    })?;
    // Messages others sent you: how many are customer requests or spam.
    let mut received = MessageTally::default();
    let mut theirs = filter.clone();
    theirs.by_owner = Some(false);
    theirs.limit = None;
    if theirs.kind.is_none_or(|k| k == ItemKind::Message) {
        theirs.kind = Some(ItemKind::Message);
        store.items(&theirs, &mut |i| {
            if !i.text.trim().is_empty() {
                // The classifier learned complaints; plain questions about the
                // offer ("how much is the candle?") come from the cues the
                // Inbox uses, so both count the same requests.
                let cue = tactful_core::coaching::request_cue(&i.text).is_some();
                received.add(&heads.message(&i.text, &mut scratch), cue);
            }
            true
        })?;
    }
    flagged.sort_by(|a, b| {
        (b.worst(), b.findings.len(), b.item.at, b.item.id).cmp(&(
            a.worst(),
            a.findings.len(),
            a.item.at,
            a.item.id,
        ))
    });
    let everyone = contacts::load(store, now)?;
    let unsolicited = contacts::unsolicited_pitches(&everyone);
    let broadcasts = contacts::broadcasts(store)?;
    Ok(Scan { scanned, flagged, mix, sent, received, unsolicited, broadcasts })
}

//! The rule engine: compiles packs once, then checks texts.
//!
//! Shape of the work: the text is normalised once; one Aho-Corasick pass over
//! it finds every phrase of every rule; the money scanner runs only when the
//! text holds a digit; the costly checks (proximity, regexes, exceptions,
//! detectors) run only for rules whose anchors hit. Results are sorted so
//! the same input always gives the same findings in the same order.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use regex::Regex;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::detectors::{self, Detector};
use crate::domain::{Category, Channel, Finding, Severity};
use crate::money;
use crate::pack::{Pack, PackError, RuleSpec};
use crate::text::{self, Normalized};

/// Why packs could not be compiled into an engine.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EngineError {
    #[error(transparent)]
    Pack(#[from] PackError),
    #[error("{origin}: {message}")]
    Pack2 { origin: String, message: String },
}

/// A compiled rule: its documentation plus its matcher.
#[derive(Debug)]
pub struct Rule {
    pub code: String,
    pub name: String,
    pub category: Category,
    pub severity: Severity,
    channels: u8,
    pub message: String,
    pub explanation: String,
    pub hint: String,
    pub references: Vec<String>,
    /// Texts the rule must flag / must leave alone (its tests).
    pub flag: Vec<String>,
    pub pass: Vec<String>,
    /// Name of the pack that defined the rule.
    pub pack: String,
    /// Where the rule is defined, as `file:line`.
    pub defined_at: String,
    pub enabled: bool,
    matcher: Matcher,
}

impl Rule {
    pub fn channels(&self) -> Vec<Channel> {
        Channel::ALL.into_iter().filter(|c| self.applies_to(*c)).collect()
    }

    pub fn applies_to(&self, channel: Channel) -> bool {
        self.channels & channel.bit() != 0
    }

    /// The channel its examples are checked in: `post` when the rule applies there.
    /// Does this rule fire only from context given by the caller (not from the text)?
    pub fn is_external(&self) -> bool {
        matches!(self.matcher.detector, Some(Detector::External))
    }

    pub fn example_channel(&self) -> Channel {
        if self.applies_to(Channel::Post) { Channel::Post } else { self.channels()[0] }
    }
}

#[derive(Debug)]
struct Matcher {
    anchors: Option<SetId>,
    near: Option<(SetId, usize)>,
    pattern: Option<Regex>,
    unless: Option<(SetId, Option<usize>)>,
    requires: Option<SetId>,
    negatable: bool,
    min_distinct: usize,
    detector: Option<Detector>,
}

type SetId = u32;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Mode {
    /// Whole words (or the start or end of a hashtag).
    Word,
    /// Word beginnings: `heal*` matches heals, healing, healed.
    Prefix,
    /// A multi-word phrase written without spaces: only inside hashtags or as a word.
    Joined,
}

#[derive(Debug)]
struct Pattern {
    /// Sets this literal belongs to, and how it must sit in the text for each.
    uses: Vec<(SetId, Mode)>,
}

#[derive(Debug, Clone, Copy)]
struct Hit {
    set: SetId,
    pattern: u32,
    start: u32,
    end: u32,
}

/// What the caller knows about the draft beyond its words.
#[derive(Debug, Clone, Copy)]
pub struct CheckOptions<'a> {
    pub channel: Channel,
    /// Rule codes the user silenced for this text.
    pub ignore: &'a [String],
}

impl Default for CheckOptions<'_> {
    fn default() -> Self {
        CheckOptions { channel: Channel::Post, ignore: &[] }
    }
}

/// A compiled set of packs, ready to check texts. Build once, share freely:
/// checking takes `&self`.
#[derive(Debug)]
pub struct Engine {
    rules: Vec<Rule>,
    automaton: Option<AhoCorasick>,
    patterns: Vec<Pattern>,
    /// Sets that include `@money`.
    money_sets: Vec<SetId>,
    negators: Vec<&'static str>,
    /// For each phrase set, the rules it anchors.
    anchor_owner: Vec<Vec<u32>>,
    /// Rules with a detector and no anchors: they look at every text.
    always: Vec<u32>,
    /// The literal phrases, by automaton pattern id.
    literals: Vec<String>,
    /// Rule index by upper-case code.
    by_code: HashMap<String, usize>,
}

/// Words that, just before an anchor, turn a claim into its denial.
const NEGATORS: [&str; 20] = [
    "not", "no", "never", "don't", "dont", "doesn't", "doesnt", "didn't", "won't", "cannot", "can't",
    "isn't", "aren't", "nor", "without", "zero", "haven't", "hasn't", "wasn't", "weren't",
];

struct Builder {
    literals: HashMap<String, u32>,
    literal_list: Vec<String>,
    patterns: Vec<Pattern>,
    money_sets: Vec<SetId>,
    next_set: SetId,
    seen_sets: HashMap<String, SetId>,
    lists: BTreeMap<String, Vec<String>>,
}

impl Builder {
    /// Register a set of phrases; returns its id. `field` names it in errors.
    fn set(
        &mut self,
        pack: &Pack,
        rule: &RuleSpec,
        field: &str,
        phrases: &[String],
    ) -> Result<SetId, PackError> {
        let mut expanded = Vec::new();
        for p in phrases {
            self.expand(pack, rule, field, p, &mut expanded, 0)?;
        }
        expanded.sort_unstable();
        expanded.dedup();
        // Rules often share a list ("@health_disclaimer"): one set serves them
        // all, so a phrase in it is recorded once per text, not once per rule.
        let key = expanded.join("\u{0}");
        if let Some(&id) = self.seen_sets.get(&key) {
            return Ok(id);
        }
        let id = self.next_set;
        self.next_set += 1;
        self.seen_sets.insert(key, id);
        for p in expanded {
            if p == "@money" {
                self.money_sets.push(id);
                continue;
            }
            let (body, prefix) = match p.strip_suffix('*') {
                Some(b) => (b, true),
                None => (p.as_str(), false),
            };
            let norm = Normalized::new(body).as_str().trim().to_string();
            if norm.is_empty() {
                return Err(pack.field_error(
                    rule,
                    rule.code.span().start,
                    field,
                    format!("phrase `{p}` is empty after normalising"),
                ));
            }
            let mode = if prefix { Mode::Prefix } else { Mode::Word };
            self.add_literal(&norm, id, mode);
            // "financial freedom" also lives in hashtags as "financialfreedom".
            if norm.contains(' ') {
                let joined: String = norm.split(' ').collect();
                self.add_literal(&joined, id, Mode::Joined);
            }
        }
        Ok(id)
    }

    fn add_literal(&mut self, lit: &str, set: SetId, mode: Mode) {
        let next = self.literal_list.len() as u32;
        let idx = *self.literals.entry(lit.to_string()).or_insert(next);
        if idx == next {
            self.literal_list.push(lit.to_string());
            self.patterns.push(Pattern { uses: Vec::new() });
        }
        let uses = &mut self.patterns[idx as usize].uses;
        if !uses.contains(&(set, mode)) {
            uses.push((set, mode));
        }
    }

    fn expand(
        &self,
        pack: &Pack,
        rule: &RuleSpec,
        field: &str,
        p: &str,
        out: &mut Vec<String>,
        depth: usize,
    ) -> Result<(), PackError> {
        // `\@handle` is a literal `@handle`; a lone `@` is a literal too.
        if let Some(lit) = p.strip_prefix("\\@") {
            out.push(format!("@{lit}"));
            return Ok(());
        }
        let Some(name) = p.strip_prefix('@').filter(|n| !n.is_empty()) else {
            out.push(p.to_string());
            return Ok(());
        };
        if name == "money" {
            out.push(p.to_string());
            return Ok(());
        }
        if depth > 4 {
            return Err(pack.field_error(
                rule,
                rule.code.span().start,
                field,
                format!("list `@{name}` nests too deeply (a cycle?)"),
            ));
        }
        let Some(items) = self.lists.get(name) else {
            let known: Vec<_> = self.lists.keys().map(|k| format!("@{k}")).collect();
            return Err(pack.field_error(
                rule,
                rule.code.span().start,
                field,
                format!("unknown list `@{name}`: expected `@money` or one of: {}", known.join(", ")),
            ));
        };
        for item in items.clone() {
            self.expand(pack, rule, field, &item, out, depth + 1)?;
        }
        Ok(())
    }
}

impl Engine {
    /// Compile packs, in order. Later packs may add rules, switch rules off
    /// (`disable`) or change severities (`severity`); lists with the same name
    /// are merged, so a company can add its product names to a built-in list.
    pub fn new(packs: &[Pack]) -> Result<Engine, EngineError> {
        let mut lists: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for p in packs {
            for (k, v) in &p.lists {
                lists.entry(k.clone()).or_default().extend(v.iter().cloned());
            }
        }
        let mut b = Builder {
            literals: HashMap::new(),
            literal_list: Vec::new(),
            patterns: Vec::new(),
            money_sets: Vec::new(),
            next_set: 0,
            seen_sets: HashMap::new(),
            lists,
        };
        let mut rules: Vec<Rule> = Vec::new();
        let mut by_code: HashMap<String, usize> = HashMap::new();
        for pack in packs {
            for spec in &pack.rules {
                let code = spec.code.get_ref().clone();
                if let Some(&i) = by_code.get(&code) {
                    return Err(pack
                        .field_error(
                            spec,
                            spec.code.span().start,
                            "code",
                            format!(
                                "code already defined by pack `{}` ({}); change its severity with [severity] or switch it off with `disable` instead",
                                rules[i].pack, rules[i].defined_at
                            ),
                        )
                        .into());
                }
                let rule = compile_rule(&mut b, pack, spec)?;
                by_code.insert(code, rules.len());
                rules.push(rule);
            }
            for d in &pack.pack.disable {
                let Some(&i) = by_code.get(d.get_ref()) else {
                    return Err(PackError::Syntax {
                        origin: pack.origin.clone(),
                        line: pack.line(d.span().start),
                        message: format!("`disable`: no rule `{}` is defined before this pack", d.get_ref()),
                    }
                    .into());
                };
                rules[i].enabled = false;
            }
            for (code, sev) in &pack.severity {
                let Some(&i) = by_code.get(code) else {
                    return Err(PackError::Syntax {
                        origin: pack.origin.clone(),
                        line: pack.line(sev.span().start),
                        message: format!("`severity.{code}`: no rule `{code}` is defined before this pack"),
                    }
                    .into());
                };
                rules[i].severity = sev.get_ref().parse().expect("validated when parsed");
            }
        }
        let automaton = if b.literal_list.is_empty() {
            None
        } else {
            // Not a DFA: with the MeSH names (13,000 phrases) a DFA is 42 MB,
            // takes 0.09 s to build, and out of cache searched no faster in a
            // bulk check than this automaton of under 2 MB.
            Some(
                AhoCorasick::builder()
                    .match_kind(MatchKind::Standard)
                    .kind(Some(AhoCorasickKind::ContiguousNFA))
                    .build(&b.literal_list)
                    .map_err(|e| EngineError::Pack2 { origin: "packs".into(), message: e.to_string() })?,
            )
        };
        let mut anchor_owner = vec![Vec::new(); b.next_set as usize];
        let mut always = Vec::new();
        for (i, r) in rules.iter().enumerate() {
            match r.matcher.anchors {
                Some(set) => anchor_owner[set as usize].push(i as u32),
                None => always.push(i as u32),
            }
        }
        Ok(Engine {
            rules,
            automaton,
            patterns: b.patterns,
            money_sets: b.money_sets,
            negators: NEGATORS.to_vec(),
            anchor_owner,
            always,
            literals: b.literal_list,
            by_code,
        })
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    pub fn rule(&self, code: &str) -> Option<&Rule> {
        let code = code.trim();
        // The heads look their rules up on every post of a bulk check, by
        // codes already in upper case: no new string for those.
        let i = if code.bytes().any(|b| b.is_ascii_lowercase()) {
            self.by_code.get(&code.to_ascii_uppercase())
        } else {
            self.by_code.get(code)
        };
        i.map(|&i| &self.rules[i])
    }

    /// Number of literal phrases in the automaton (for benchmarks).
    pub fn phrase_count(&self) -> usize {
        self.patterns.len()
    }

    /// The literal phrase behind an automaton pattern id (for diagnostics).
    pub fn literal(&self, pattern: usize) -> &str {
        &self.literals[pattern]
    }

    /// The automaton alone, for benchmarks that compare against a bare pass.
    pub fn automaton(&self) -> Option<&AhoCorasick> {
        self.automaton.as_ref()
    }

    /// Check a draft published on `channel`.
    pub fn check(&self, text: &str, channel: Channel) -> Vec<Finding> {
        self.check_with(text, &CheckOptions { channel, ignore: &[] })
    }

    /// Check a draft with every option.
    pub fn check_with(&self, original: &str, opts: &CheckOptions<'_>) -> Vec<Finding> {
        let norm = Normalized::new(original);
        let s = norm.as_str();
        let hits = self.collect_hits(s);
        let mut words: Option<Vec<u32>> = None;
        let mut stats: Option<detectors::ByteStats> = None;
        // Scratch reused by every rule, so a check allocates a few times, not per rule.
        let mut spans: Vec<(usize, usize)> = Vec::new();
        let mut merged: Vec<(usize, usize)> = Vec::new();
        let mut findings = Vec::new();
        // Only rules whose anchors hit, plus the detectors that look at every text.
        let mut todo: Vec<u32> = Vec::with_capacity(self.always.len() + 16);
        todo.extend_from_slice(&self.always);
        let mut last_set = u32::MAX;
        for h in &hits {
            if h.set != last_set {
                last_set = h.set;
                todo.extend_from_slice(&self.anchor_owner[h.set as usize]);
            }
        }
        todo.sort_unstable();
        for &ri in &todo {
            let rule = &self.rules[ri as usize];
            if !rule.enabled
                || !rule.applies_to(opts.channel)
                || opts.ignore.iter().any(|c| c.eq_ignore_ascii_case(&rule.code))
            {
                continue;
            }
            let m = &rule.matcher;
            let anchors = m.anchors.map_or(&[][..], |set| slice(&hits, set));
            if let Some(set) = m.requires {
                if slice(&hits, set).is_empty() {
                    continue;
                }
            }
            if let Some((set, None)) = m.unless {
                if !slice(&hits, set).is_empty() {
                    continue;
                }
            }
            if let Some(det) = &m.detector {
                if m.anchors.is_some() && anchors.is_empty() {
                    continue;
                }
                if !det.may_fire(original, stats.get_or_insert_with(|| detectors::ByteStats::of(original))) {
                    continue;
                }
                let mapped: Vec<(usize, usize)> = anchors
                    .iter()
                    .map(|h| norm.to_original(original, h.start as usize, h.end as usize))
                    .collect();
                for (start, end) in det.run(original, &mapped) {
                    findings.push(finding(rule, start, end));
                }
                continue;
            }
            if anchors.is_empty() {
                continue;
            }
            if m.min_distinct > 1 {
                let distinct: BTreeSet<u32> = anchors.iter().map(|h| h.pattern).collect();
                if distinct.len() < m.min_distinct {
                    continue;
                }
            }
            let needs_words = m.near.is_some() || matches!(m.unless, Some((_, Some(_))));
            if needs_words && words.is_none() {
                words = Some(text::word_starts(s));
            }
            spans.clear();
            for a in anchors {
                let (mut start, mut end) = (a.start as usize, a.end as usize);
                if m.negatable && self.negated(s, start) {
                    continue;
                }
                if let Some((set, within)) = m.near {
                    let w = words.as_deref().unwrap_or(&[]);
                    match nearest(slice(&hits, set), w, start, end, within) {
                        Some(other) => {
                            start = start.min(other.start as usize);
                            end = end.max(other.end as usize);
                        }
                        None => continue,
                    }
                }
                if let Some((set, Some(within))) = m.unless {
                    let w = words.as_deref().unwrap_or(&[]);
                    if nearest(slice(&hits, set), w, start, end, within).is_some() {
                        continue;
                    }
                }
                if let Some(re) = &m.pattern {
                    let (ws, we) = window(s, start, end, 120);
                    match re.find(&s[ws..we]) {
                        Some(found) => {
                            start = ws + found.start();
                            end = ws + found.end();
                        }
                        None => continue,
                    }
                }
                spans.push((start, end));
            }
            if spans.is_empty() {
                continue;
            }
            if m.min_distinct > 1 {
                let start = spans.iter().map(|s| s.0).min().unwrap_or(0);
                let end = spans.iter().map(|s| s.1).max().unwrap_or(0);
                spans.clear();
                spans.push((start, end));
            }
            spans.sort_unstable();
            merged.clear();
            for &(st, en) in &spans {
                match merged.last_mut() {
                    Some(last) if st <= last.1 => last.1 = last.1.max(en),
                    _ => merged.push((st, en)),
                }
            }
            for &(st, en) in &merged {
                let (os, oe) = norm.to_original(original, st, en);
                findings.push(finding(rule, os, oe));
            }
        }
        order(&mut findings);
        findings
    }

    /// May the external rule `code` fire on `text` published on `channel`?
    /// For callers that decide from context the engine cannot see (the pitch
    /// gate, the classifier heads): true when the rule exists, is switched on,
    /// applies to the channel, and its own `requires` and `unless` phrases
    /// allow it (an external rule's `unless` counts anywhere in the text). So
    /// the exceptions stay data in the rule's pack, where a company can add to
    /// them, instead of code in the caller.
    pub fn external_allows(&self, code: &str, text: &str, channel: Channel) -> bool {
        let Some(rule) = self.rule(code) else { return false };
        if !rule.enabled || !rule.applies_to(channel) {
            return false;
        }
        let m = &rule.matcher;
        if m.requires.is_none() && m.unless.is_none() {
            return true;
        }
        let norm = Normalized::new(text);
        let hits = self.collect_hits(norm.as_str());
        if m.requires.is_some_and(|set| slice(&hits, set).is_empty()) {
            return false;
        }
        m.unless.is_none_or(|(set, _)| slice(&hits, set).is_empty())
    }

    fn collect_hits(&self, s: &str) -> Vec<Hit> {
        let mut hits = Vec::new();
        if let Some(ac) = &self.automaton {
            for m in ac.find_overlapping_iter(s) {
                let pid = m.pattern().as_u32();
                let (start, end) = (m.start(), m.end());
                let pat = &self.patterns[pid as usize];
                let mut fits: [Option<bool>; 3] = [None; 3];
                for &(set, mode) in &pat.uses {
                    let slot = mode as usize;
                    let ok = *fits[slot].get_or_insert_with(|| sits(s, start, end, mode));
                    if ok {
                        hits.push(Hit { set, pattern: pid, start: start as u32, end: end as u32 });
                    }
                }
            }
        }
        if !self.money_sets.is_empty() && s.bytes().any(|b| b.is_ascii_digit()) {
            for a in money::scan(s) {
                for &set in &self.money_sets {
                    hits.push(Hit { set, pattern: u32::MAX, start: a.start as u32, end: a.end as u32 });
                }
            }
        }
        // Group by set with a counting sort (sets are few and dense), then
        // order each group by position; groups are small and nearly sorted.
        if hits.len() <= 64 {
            // Few hits (the usual case): one sort on a packed key beats grouping.
            hits.sort_unstable_by_key(|h| (u64::from(h.set) << 32) | u64::from(h.start));
            return hits;
        }
        let mut offsets = vec![0u32; self.anchor_owner.len() + 1];
        for h in &hits {
            offsets[h.set as usize + 1] += 1;
        }
        for i in 1..offsets.len() {
            offsets[i] += offsets[i - 1];
        }
        let mut grouped = hits.clone();
        for h in &hits {
            // `offsets[set]` walks from the group's start to its end...
            let slot = &mut offsets[h.set as usize];
            grouped[*slot as usize] = *h;
            *slot += 1;
        }
        // ...so afterwards `offsets[set]` is the group's end (= next group's start).
        let mut start = 0;
        for &end in &offsets[..offsets.len() - 1] {
            let group = &mut grouped[start as usize..end as usize];
            if group.len() > 1 {
                group.sort_by_key(|h| (h.start, h.end));
            }
            start = end;
        }
        grouped
    }

    /// Is there a negating word among the three words before `at`?
    fn negated(&self, s: &str, at: usize) -> bool {
        // A hashtag is its own statement: "#passiveincome" is never negated.
        if s[..at].ends_with('#') {
            return false;
        }
        // Look back within the sentence only.
        let sentence_start = s[..at].rfind(['.', '!', '?', ';', '\n']).map_or(0, |i| i + 1);
        s[sentence_start..at]
            .split(|c: char| c.is_whitespace() || (c.is_ascii_punctuation() && c != '\''))
            .filter(|w| !w.is_empty())
            .rev()
            .take(3)
            .any(|w| self.negators.contains(&w))
    }
}

/// A finding of `rule` over `start..end`: for callers that add findings
/// from context (the pitch gate), so they read like every other finding.
pub fn finding_of(rule: &Rule, start: usize, end: usize, message: String) -> Finding {
    Finding { code: rule.code.clone(), category: rule.category, severity: rule.severity, start, end, message }
}

fn finding(rule: &Rule, start: usize, end: usize) -> Finding {
    Finding {
        code: rule.code.clone(),
        category: rule.category,
        severity: rule.severity,
        start,
        end,
        message: rule.message.clone(),
    }
}

/// The hits of one set (hits are sorted by set first).
fn slice(hits: &[Hit], set: SetId) -> &[Hit] {
    let lo = hits.partition_point(|h| h.set < set);
    let hi = hits.partition_point(|h| h.set <= set);
    &hits[lo..hi]
}

/// Does a literal found at `start..end` sit in the text the way `mode` asks?
fn sits(s: &str, start: usize, end: usize, mode: Mode) -> bool {
    let first_word = s[start..].chars().next().is_some_and(text::is_word_char);
    let last_word = s[..end].chars().next_back().is_some_and(text::is_word_char);
    let before = !first_word || text::boundary(s, start, true);
    let after = !last_word || text::boundary(s, end, false);
    match mode {
        Mode::Word => {
            if before && after {
                return true;
            }
            // Inside a hashtag: "#cancerfree" starts with a term, "#beatcancer" ends with one.
            if end - start >= 4 {
                if let Some(tag) = text::hashtag_start(s, start) {
                    return (tag == start && !after && before)
                        || (after && text::token_end(s, start) == end && tag < start);
                }
            }
            false
        }
        Mode::Prefix => {
            before || (end - start >= 4 && text::hashtag_start(s, start).is_some_and(|t| t == start))
        }
        Mode::Joined => (before && after) || text::hashtag_start(s, start).is_some(),
    }
}

/// The hit of `candidates` nearest to `start..end`, if it lies within `within` words.
fn nearest(candidates: &[Hit], words: &[u32], start: usize, end: usize, within: usize) -> Option<Hit> {
    if candidates.is_empty() {
        return None;
    }
    let wi = |pos: usize| words.partition_point(|&w| (w as usize) < pos);
    let close = |h: &Hit| {
        let (hs, he) = (h.start as usize, h.end as usize);
        if hs >= end {
            wi(hs).saturating_sub(wi(end)) <= within
        } else if he <= start {
            wi(start).saturating_sub(wi(he)) <= within
        } else {
            true
        }
    };
    let split = candidates.partition_point(|h| (h.start as usize) < end);
    if let Some(h) = candidates.get(split) {
        if close(h) {
            return Some(*h);
        }
    }
    candidates[..split].iter().rev().take(6).find(|h| close(h)).copied()
}

/// A window of about `radius` bytes on each side of `start..end`, on char boundaries.
fn window(s: &str, start: usize, end: usize, radius: usize) -> (usize, usize) {
    let mut ws = start.saturating_sub(radius);
    while !s.is_char_boundary(ws) {
        ws -= 1;
    }
    let mut we = (end + radius).min(s.len());
    while !s.is_char_boundary(we) {
        we += 1;
    }
    (ws, we)
}

/// Rewrite `\b` and `\B` as their ASCII forms: a Unicode word boundary makes
/// the regex crate's fast engines give up on the first non-ASCII byte.
fn ascii_word_boundaries(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some(b @ ('b' | 'B')) => {
                    out.push_str("(?-u:\\");
                    out.push(b);
                    out.push(')');
                }
                Some(other) => {
                    out.push('\\');
                    out.push(other);
                }
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn compile_rule(b: &mut Builder, pack: &Pack, spec: &RuleSpec) -> Result<Rule, PackError> {
    let anchors =
        if spec.phrases.is_empty() { None } else { Some(b.set(pack, spec, "phrases", &spec.phrases)?) };
    let near = match &spec.near {
        Some(n) => Some((b.set(pack, spec, "near.phrases", &n.phrases)?, n.within)),
        None => None,
    };
    let unless = if spec.unless.is_empty() {
        None
    } else {
        Some((b.set(pack, spec, "unless", &spec.unless)?, spec.unless_within))
    };
    let requires =
        if spec.requires.is_empty() { None } else { Some(b.set(pack, spec, "requires", &spec.requires)?) };
    let pattern = match &spec.pattern {
        Some(p) => Some(
            regex::RegexBuilder::new(&ascii_word_boundaries(p.get_ref()))
                .size_limit(1 << 20)
                .build()
                .map_err(|e| {
                    pack.field_error(spec, p.span().start, "pattern", format!("not a valid regex: {e}"))
                })?,
        ),
        None => None,
    };
    if pattern.is_some() && anchors.is_none() {
        return Err(pack.field_error(
            spec,
            spec.code.span().start,
            "pattern",
            "a `pattern` needs `phrases` to anchor it: regexes run only where a phrase hit",
        ));
    }
    let detector = match &spec.detector {
        Some(d) => Some(
            detectors::Detector::new(d.get_ref(), &spec.params)
                .map_err(|m| pack.field_error(spec, d.span().start, "detector", m))?,
        ),
        None => None,
    };
    let channels = match &spec.channels {
        Some(ch) => {
            ch.get_ref().iter().map(|c| c.parse::<Channel>().expect("validated").bit()).fold(0, |a, b| a | b)
        }
        None => Channel::ALL.iter().fold(0, |a, c| a | c.bit()),
    };
    Ok(Rule {
        code: spec.code.get_ref().clone(),
        name: spec.name.clone(),
        category: spec.category.get_ref().parse().expect("validated"),
        severity: spec.severity.get_ref().parse().expect("validated"),
        channels,
        message: spec.message.trim().to_string(),
        explanation: spec.explanation.trim().to_string(),
        hint: spec.hint.trim().to_string(),
        references: spec.references.clone(),
        flag: spec.flag.clone(),
        pass: spec.pass.clone(),
        pack: pack.pack.name.clone(),
        defined_at: format!("{}:{}", pack.origin, pack.line(spec.code.span().start)),
        enabled: true,
        matcher: Matcher {
            anchors,
            near,
            pattern,
            unless,
            requires,
            negatable: spec.negatable,
            min_distinct: spec.min_distinct.unwrap_or(1),
            detector,
        },
    })
}

/// One example of a rule that did not behave as its pack says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleFailure {
    pub code: String,
    pub defined_at: String,
    /// `flag` (should have been flagged) or `pass` (should have been left alone).
    pub expected: &'static str,
    pub text: String,
    pub channel: Channel,
}

impl Engine {
    /// Run the examples of every rule whose pack is named `pack` (all packs
    /// when `None`). A `flag` example must give a finding of that rule; a
    /// `pass` example must give none of that rule (other rules may fire).
    pub fn test_examples(&self, pack: Option<&str>) -> (usize, Vec<ExampleFailure>) {
        let mut run = 0;
        let mut failures = Vec::new();
        for rule in &self.rules {
            // External rules' examples need context (a relationship): their
            // callers test them.
            if pack.is_some_and(|p| p != rule.pack) || rule.is_external() {
                continue;
            }
            run += rule.run_examples(&|t, c| self.check(t, c), &mut failures);
        }
        (run, failures)
    }
}

impl Rule {
    /// Run this rule's examples through `check` (the engine, or whatever
    /// fires an external rule) in the rule's example channel: a `flag`
    /// example must give a finding of this rule, a `pass` example none.
    /// Failures are added to `failures`; returns how many examples ran.
    pub fn run_examples(
        &self,
        check: &dyn Fn(&str, Channel) -> Vec<Finding>,
        failures: &mut Vec<ExampleFailure>,
    ) -> usize {
        let channel = self.example_channel();
        let mut run = 0;
        for (expected, texts, want) in [("flag", &self.flag, true), ("pass", &self.pass, false)] {
            for t in texts {
                run += 1;
                let got = check(t, channel).iter().any(|f| f.code == self.code);
                if got != want {
                    failures.push(ExampleFailure {
                        code: self.code.clone(),
                        defined_at: self.defined_at.clone(),
                        expected,
                        text: t.clone(),
                        channel,
                    });
                }
            }
        }
        run
    }
}

/// The one order of findings: where they start, then where they end, the
/// worst first, then by code (so two runs print the same list).
pub fn order(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (a.start, a.end, std::cmp::Reverse(a.severity), &a.code).cmp(&(
            b.start,
            b.end,
            std::cmp::Reverse(b.severity),
            &b.code,
        ))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine(rules: &str) -> Engine {
        let src = format!(
            "[pack]\nname = \"t\"\n[lists]\nperiod = [\"a month\", \"per month\", \"/month\", \"a week\"]\n{rules}"
        );
        Engine::new(&[Pack::parse("t.toml", &src).unwrap()]).unwrap()
    }

    const DOC: &str =
        "message = \"m\"\nexplanation = \"e\"\nhint = \"h\"\nreferences = [\"https://example.org\"]\n";

    fn rule(code: &str, extra: &str) -> String {
        format!(
            "[[rule]]\ncode = \"{code}\"\nname = \"n\"\ncategory = \"income\"\nseverity = \"error\"\n{DOC}{extra}\n"
        )
    }

    fn spans(e: &Engine, text: &str) -> Vec<String> {
        e.check(text, Channel::Post).iter().map(|f| format!("{}:{}", f.code, &text[f.start..f.end])).collect()
    }

    #[test]
    fn matches_whole_words_ignoring_case_accents_and_quotes() {
        let e = engine(&rule("TST001", "phrases = [\"quit your job\", \"don't need a boss\"]"));
        assert_eq!(spans(&e, "You can QUIT YOUR JOB!"), vec!["TST001:QUIT YOUR JOB"]);
        assert_eq!(spans(&e, "I don’t need a boss"), vec!["TST001:don’t need a boss"]);
        assert!(spans(&e, "quit your jobless friends").is_empty());
    }

    #[test]
    fn finds_phrases_joined_inside_hashtags() {
        let e = engine(&rule("TST001", "phrases = [\"quit your job\", \"cancer\"]"));
        assert_eq!(spans(&e, "new life #QuitYourJob #winning"), vec!["TST001:QuitYourJob"]);
        assert_eq!(spans(&e, "#cancerfree and #beatcancer"), vec!["TST001:cancer", "TST001:cancer"]);
        assert!(spans(&e, "quityourjobs").is_empty());
    }

    #[test]
    fn proximity_joins_an_amount_and_a_period() {
        let e =
            engine(&rule("TST002", "phrases = [\"@money\"]\nnear = { phrases = [\"@period\"], within = 3 }"));
        assert_eq!(spans(&e, "I make an extra $800 a month!"), vec!["TST002:$800 a month"]);
        assert_eq!(
            spans(&e, "earn 1k/week"),
            Vec::<String>::new(),
            "`/week` is not in this test's period list"
        );
        assert!(spans(&e, "I paid $800 for a bike and rode it for a long time every month").is_empty());
    }

    #[test]
    fn exceptions_silence_a_rule() {
        let e = engine(&rule(
            "TST003",
            "phrases = [\"@money\"]\nunless = [\"typical\", \"average\"]\nunless_within = 8",
        ));
        assert_eq!(spans(&e, "I earned $500").len(), 1);
        assert!(spans(&e, "The typical distributor earned $500").is_empty());
    }

    #[test]
    fn negation_silences_a_negatable_rule() {
        let e = engine(&rule("TST004", "phrases = [\"cure*\"]\nnegatable = true"));
        assert_eq!(spans(&e, "it cures everything").len(), 1);
        assert!(spans(&e, "this does not cure anything").is_empty());
        // Regression: negation leaked across sentences and into hashtags.
        assert_eq!(spans(&e, "No more waiting. It cures colds").len(), 1);
        assert_eq!(spans(&e, "not sure about this #cure").len(), 1);
    }

    #[test]
    fn channels_limit_where_a_rule_applies() {
        let e = engine(&rule("TST005", "phrases = [\"dm me\"]\nchannels = [\"comment\"]"));
        assert!(e.check("dm me", Channel::Post).is_empty());
        assert_eq!(e.check("dm me", Channel::Comment).len(), 1);
    }

    #[test]
    fn regex_confirms_only_where_an_anchor_hit() {
        let e = engine(&rule("TST006", "phrases = [\"spots\"]\npattern = '''only \\d+ spots? left'''"));
        assert_eq!(spans(&e, "Hurry, only 3 spots left!"), vec!["TST006:only 3 spots left"]);
        assert!(spans(&e, "I saw 3 spots on the dog").is_empty());
    }

    #[test]
    fn word_boundaries_in_patterns_become_ascii() {
        assert_eq!(ascii_word_boundaries(r"\bspots?\b \\b \d"), r"(?-u:\b)spots?(?-u:\b) \\b \d");
    }

    #[test]
    fn company_pack_can_disable_and_change_severity() {
        let base = Pack::parse(
            "b.toml",
            &format!(
                "[pack]\nname = \"b\"\n{}{}",
                rule("TST001", "phrases = [\"a\"]"),
                rule("TST002", "phrases = [\"b\"]")
            ),
        )
        .unwrap();
        let company = Pack::parse(
            "acme.toml",
            "[pack]\nname = \"acme\"\ndisable = [\"TST001\"]\n[severity]\nTST002 = \"info\"\n",
        )
        .unwrap();
        let e = Engine::new(&[base, company]).unwrap();
        let f = e.check("a b", Channel::Post);
        assert_eq!(f.len(), 1);
        assert_eq!((f[0].code.as_str(), f[0].severity), ("TST002", Severity::Info));
    }

    #[test]
    fn unknown_list_names_file_line_and_field() {
        let src = format!("[pack]\nname = \"t\"\n{}", rule("TST001", "phrases = [\"@nope\"]"));
        let e = Engine::new(&[Pack::parse("acme.toml", &src).unwrap()]).unwrap_err().to_string();
        assert!(e.starts_with("acme.toml:4: rule TST001: field `phrases`: unknown list `@nope`"), "{e}");
    }

    #[test]
    fn spans_stay_inside_the_text_for_awkward_input() {
        let e = engine(&rule("TST001", "phrases = [\"free\", \"@money\"]"));
        for t in ["", " ", "é", "ﬀree", "𝐟𝐫𝐞𝐞", "€", "$", "$5", "free\u{200B}", "\u{200B}free"]
        {
            for f in e.check(t, Channel::Post) {
                assert!(
                    f.start <= f.end
                        && f.end <= t.len()
                        && t.is_char_boundary(f.start)
                        && t.is_char_boundary(f.end),
                    "{t:?}"
                );
            }
        }
    }
}

//! Pitch and inquiry detection: the phrase tests that tell whether a message
//! of yours pitches a product or the opportunity ([`pitch_cue`]) and
//! whether a message of theirs asks about your offer ([`inquiry_cue`]).
//! Small phrase tests over the normalised text, written to miss rather than
//! to accuse. Owns [`Cues`], the phrase lists read from the packs'
//! `[cues.*]` tables (the complaint test over the same lists is in
//! `coaching/requests.rs`), and [`PhraseList`], their one-pass matcher.
//!
//! The lists are data: the built-in ones are `packs/cues.toml` of
//! tactful-packs, embedded here at compile time ([`BUILTIN_CUES`]), so the
//! core reads no files. The free functions ([`pitch_cue`], [`inquiry_cue`],
//! [`is_pitch`]) use the built-in lists; a caller with other packs builds
//! its own [`Cues`] with [`Cues::from_packs`].

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};

use crate::pack::{MAX_CUE_PHRASES, Pack, PackError};
use crate::text::Normalized;

/// The built-in cue pack: (file name, TOML source). The same file is in
/// tactful-packs' `BUILTIN`, which runs its examples.
pub const BUILTIN_CUES: (&str, &str) =
    ("packs/cues.toml", include_str!("../../../tactful-packs/packs/cues.toml"));

/// The text as single-spaced lower-case words, with a space at both ends, so
/// a phrase test is `contains(" join my team ")`.
fn canonical_words(normalized: &str) -> String {
    let mut out = String::with_capacity(normalized.len() + 2);
    out.push(' ');
    for c in normalized.chars() {
        if c.is_alphanumeric() || c == '\'' {
            out.push(c);
        } else if !out.ends_with(' ') {
            out.push(' ');
        }
    }
    if !out.ends_with(' ') {
        out.push(' ');
    }
    out
}

/// A cue phrase as the words it matches: normalised, lower case, single
/// spaces, punctuation other than apostrophes dropped. A pack's cue phrases
/// must be written this way (the pack parser checks).
pub(crate) fn cue_words(phrase: &str) -> String {
    canonical_words(Normalized::new(phrase).as_str()).trim().to_string()
}

#[cfg(test)]
fn has_phrase(canon: &str, phrase: &str) -> bool {
    let mut from = 0;
    while let Some(pos) = canon[from..].find(phrase) {
        let start = from + pos;
        let end = start + phrase.len();
        if canon.as_bytes()[start - 1] == b' ' && canon.as_bytes().get(end) == Some(&b' ') {
            return true;
        }
        from = start + 1;
    }
    false
}

/// One automaton per phrase list, built once: every message is tested
/// against every list at import, and one pass beats a search per phrase.
pub(crate) struct PhraseList {
    pub(crate) phrases: Vec<String>,
    ac: AhoCorasick,
    /// `order` counts only in its selling sense (see [`has_offer_word`]).
    offer: bool,
}

impl PhraseList {
    /// At most [`MAX_CUE_PHRASES`] phrases (one bit each in [`PhraseList::found`]).
    fn new(phrases: Vec<String>, offer: bool) -> PhraseList {
        assert!(phrases.len() <= MAX_CUE_PHRASES, "a phrase list has at most 64 phrases (one bit each)");
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(&phrases)
            .expect("a list of short phrases compiles");
        PhraseList { phrases, ac, offer }
    }

    /// Which phrases stand as whole words in `canon`: bit `i` for `phrases[i]`.
    /// The same answers as `has_phrase` (or `has_offer_word`) per phrase.
    pub(crate) fn found(&self, canon: &str) -> u64 {
        let b = canon.as_bytes();
        let mut hits = 0u64;
        for m in self.ac.find_overlapping_iter(canon) {
            let (s, e, i) = (m.start(), m.end(), m.pattern().as_usize());
            if s == 0 || b[s - 1] != b' ' || b.get(e) != Some(&b' ') {
                continue;
            }
            if self.offer && self.phrases[i] == "order" {
                let before = canon[..s - 1].rsplit(' ').next().unwrap_or("");
                if before == "in" || before == "of" {
                    continue;
                }
            }
            hits |= 1 << i;
        }
        hits
    }

    /// The found phrases, in list order.
    pub(crate) fn iter(&self, hits: u64) -> impl Iterator<Item = &str> + '_ {
        self.phrases.iter().enumerate().filter(move |(i, _)| hits & (1 << i) != 0).map(|(_, p)| p.as_str())
    }
}

/// The phrase lists of the pitch, inquiry and complaint cues, compiled once.
/// Build it from packs with [`Cues::from_packs`], or take the built-in lists
/// with [`Cues::builtin`].
pub struct Cues {
    /// `cues.pitch.phrases`: a pitch on their own.
    pub(crate) pitch: PhraseList,
    /// `cues.pitch.offer_words`: two, or one with a price, make a pitch.
    pub(crate) offer_words: PhraseList,
    /// `cues.inquiry.question_openers`: a sentence starting with one asks.
    pub(crate) question_openers: Vec<String>,
    /// `cues.inquiry.asking`: phrases that ask without a question mark.
    pub(crate) asking: PhraseList,
    /// `cues.inquiry.topics`: what an inquiry is about.
    pub(crate) topics: PhraseList,
    /// `cues.complaint.phrases`: a problem on their own.
    pub(crate) complaints: PhraseList,
    /// `cues.complaint.order_words`: with a question mark, an order problem.
    pub(crate) order_words: PhraseList,
}

impl std::fmt::Debug for Cues {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cues")
            .field("pitch", &self.pitch.phrases)
            .field("offer_words", &self.offer_words.phrases)
            .field("question_openers", &self.question_openers)
            .field("asking", &self.asking.phrases)
            .field("topics", &self.topics.phrases)
            .field("complaints", &self.complaints.phrases)
            .field("order_words", &self.order_words.phrases)
            .finish()
    }
}

static BUILTIN: LazyLock<Cues> = LazyLock::new(|| {
    let (origin, source) = BUILTIN_CUES;
    let pack =
        Pack::parse(origin, source).unwrap_or_else(|e| panic!("the built-in cue pack is malformed: {e}"));
    Cues::from_packs(&[pack]).unwrap_or_else(|e| panic!("the built-in cue pack is malformed: {e}"))
});

/// One cue example that did not behave: a `flag` text the cue missed or a
/// `pass` text it fired on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CueExampleFailure {
    /// `pitch`, `inquiry` or `complaint`.
    pub cue: &'static str,
    /// The pack file the example is in.
    pub origin: String,
    /// `flag` or `pass`.
    pub expected: &'static str,
    pub text: String,
    /// What the cue found, if anything.
    pub got: Option<String>,
}

impl Cues {
    /// The built-in lists ([`BUILTIN_CUES`]), parsed and compiled once.
    pub fn builtin() -> &'static Cues {
        &BUILTIN
    }

    /// The cue lists of `packs`, each list joined in pack order (a repeat
    /// is kept once). A cue no pack defines never fires.
    pub fn from_packs(packs: &[Pack]) -> Result<Cues, PackError> {
        let mut lists: Vec<(&'static str, Vec<String>)> = Vec::new();
        for pack in packs {
            for (field, at, phrases) in pack.cues.lists() {
                let k = lists.iter().position(|l| l.0 == field).unwrap_or_else(|| {
                    lists.push((field, Vec::new()));
                    lists.len() - 1
                });
                for p in phrases {
                    if !lists[k].1.contains(p) {
                        lists[k].1.push(p.clone());
                    }
                }
                if lists[k].1.len() > MAX_CUE_PHRASES {
                    return Err(PackError::Syntax {
                        origin: pack.origin.clone(),
                        line: pack.line(at),
                        message: format!(
                            "`{field}`: {} phrases with the packs before this one; a cue list holds at most \
                             {MAX_CUE_PHRASES}",
                            lists[k].1.len()
                        ),
                    });
                }
            }
        }
        let mut take = |field: &str| -> Vec<String> {
            lists.iter_mut().find(|l| l.0 == field).map(|l| std::mem::take(&mut l.1)).unwrap_or_default()
        };
        Ok(Cues {
            pitch: PhraseList::new(take("cues.pitch.phrases"), false),
            offer_words: PhraseList::new(take("cues.pitch.offer_words"), true),
            question_openers: take("cues.inquiry.question_openers"),
            asking: PhraseList::new(take("cues.inquiry.asking"), false),
            topics: PhraseList::new(take("cues.inquiry.topics"), true),
            complaints: PhraseList::new(take("cues.complaint.phrases"), false),
            order_words: PhraseList::new(take("cues.complaint.order_words"), false),
        })
    }

    /// Why a text pitches, or `None`: see [`pitch_cue`].
    pub fn pitch_cue(&self, text: &str) -> Option<String> {
        Prepared::new(text).pitch_cue(self)
    }

    /// Does the text pitch? See [`pitch_cue`].
    pub fn is_pitch(&self, text: &str) -> bool {
        self.pitch_cue(text).is_some()
    }

    /// Why a text asks about the offer, or `None`: see [`inquiry_cue`].
    pub fn inquiry_cue(&self, text: &str) -> Option<String> {
        Prepared::new(text).inquiry_cue(self)
    }

    /// Run the `flag` and `pass` examples of the cue tables in `packs`
    /// through these lists: a `flag` text must set its cue off, a `pass`
    /// text must not. Returns how many examples ran and the failures.
    pub fn test_examples(&self, packs: &[Pack]) -> (usize, Vec<CueExampleFailure>) {
        let mut run = 0;
        let mut failures = Vec::new();
        for pack in packs {
            for (cue, flag, pass) in pack.cues.examples() {
                for (expected, texts, want) in [("flag", flag, true), ("pass", pass, false)] {
                    for t in texts {
                        run += 1;
                        let got = match cue {
                            "pitch" => self.pitch_cue(t),
                            "inquiry" => self.inquiry_cue(t),
                            _ => self.complaint_cue(t),
                        };
                        if got.is_some() != want {
                            failures.push(CueExampleFailure {
                                cue,
                                origin: pack.origin.clone(),
                                expected,
                                text: t.clone(),
                                got,
                            });
                        }
                    }
                }
            }
        }
        (run, failures)
    }
}

/// Is the word `order` (or `word`) present in its selling sense?
#[cfg(test)]
fn has_offer_word(canon: &str, word: &str) -> bool {
    if word == "order" {
        let mut from = 0;
        while let Some(pos) = canon[from..].find(" order ") {
            let start = from + pos;
            let before = canon[..start].rsplit(' ').next().unwrap_or("");
            if before != "in" && before != "of" {
                return true;
            }
            from = start + 1;
        }
        return false;
    }
    has_phrase(canon, word)
}

/// A price in the text: a currency sign next to a digit (`$25`, `€ 30`,
/// `25€`), or a number followed by a currency word (`25 dollars`, `30 eur`).
fn price(s: &str) -> Option<String> {
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        if matches!(c, '$' | '€' | '£') {
            let next = chars.get(k + 1).map(|p| p.1);
            let next2 = chars.get(k + 2).map(|p| p.1);
            let prev = k.checked_sub(1).map(|p| chars[p].1);
            if next.is_some_and(|d| d.is_ascii_digit())
                || (next == Some(' ') && next2.is_some_and(|d| d.is_ascii_digit()))
                || prev.is_some_and(|d| d.is_ascii_digit())
            {
                let end = s[i..].find(|ch: char| ch.is_whitespace()).map_or(s.len(), |e| i + e);
                let start = s[..i].rfind(' ').map_or(0, |b| b + 1);
                return Some(s[start..end].to_string());
            }
        }
    }
    let words: Vec<&str> =
        s.split(|c: char| !(c.is_alphanumeric() || c == '.')).filter(|w| !w.is_empty()).collect();
    for pair in words.windows(2) {
        if pair[0].chars().next().is_some_and(|c| c.is_ascii_digit())
            && matches!(pair[1], "usd" | "eur" | "gbp" | "dollars" | "euros" | "pounds" | "bucks")
        {
            return Some(format!("{} {}", pair[0], pair[1]));
        }
    }
    None
}

/// Why a text pitches a product or the opportunity, or `None` when it does
/// not. The test, on the normalised text, with the built-in lists
/// (`[cues.pitch]` in `packs/cues.toml`):
///
/// 1. one of the pitch phrases ("join my team", "business opportunity",
///    "order now", "link in bio", "check out my", "promo code", …), or
///    "% off" after a number, is a pitch on its own;
/// 2. otherwise a price (`$25`, `30 eur`) together with an offer word
///    (order, buy, purchase, discount, sale, deal, offer, price, shipping,
///    products, opportunity, catalog, samples) is a pitch;
/// 3. otherwise two different offer words are a pitch.
///
/// A price alone ("I paid $5 for lunch") or one offer word alone ("thanks
/// for the offer", "in order to") is not. It is meant to miss rather than
/// to accuse: the draft check's rules catch the subtler cases.
pub fn pitch_cue(text: &str) -> Option<String> {
    Cues::builtin().pitch_cue(text)
}

/// A text normalised once for both phrase tests.
struct Prepared {
    normalized: String,
    canon: String,
    question_mark: bool,
}

impl Prepared {
    fn new(text: &str) -> Prepared {
        let normalized = Normalized::new(text).as_str().to_string();
        let canon = canonical_words(&normalized);
        Prepared { normalized, canon, question_mark: text.contains('?') }
    }

    fn pitch_cue(&self, cues: &Cues) -> Option<String> {
        let canon = &self.canon;
        if let Some(p) = cues.pitch.iter(cues.pitch.found(canon)).next() {
            return Some(format!("\"{p}\""));
        }
        if percent_off(&self.normalized) {
            return Some("\"% off\"".to_string());
        }
        let words: Vec<&str> = cues.offer_words.iter(cues.offer_words.found(canon)).collect();
        if let (Some(w), Some(p)) = (words.first(), price(&self.normalized)) {
            return Some(format!("a price ({p}) with \"{w}\""));
        }
        if words.len() >= 2 {
            return Some(format!("\"{}\" with \"{}\"", words[0], words[1]));
        }
        None
    }

    fn inquiry_cue(&self, cues: &Cues) -> Option<String> {
        let canon = &self.canon;
        let asking = self.question_mark
            || cues.asking.found(canon) != 0
            || self.normalized.split(['.', '!', '\n']).any(|sentence| {
                sentence.split_whitespace().next().is_some_and(|w| {
                    let w = w.trim_matches(|c: char| !c.is_alphanumeric());
                    cues.question_openers.iter().any(|o| o == w)
                })
            });
        if !asking {
            return None;
        }
        cues.topics.iter(cues.topics.found(canon)).next().map(|t| format!("they asked about \"{t}\""))
    }
}

/// `20% off`, `20 % off`.
fn percent_off(s: &str) -> bool {
    let mut from = 0;
    while let Some(pos) = s[from..].find('%') {
        let at = from + pos;
        let before = s[..at].trim_end();
        let after = s[at + 1..].trim_start();
        if before.ends_with(|c: char| c.is_ascii_digit())
            && after.strip_prefix("off").is_some_and(|r| !r.starts_with(|c: char| c.is_alphanumeric()))
        {
            return true;
        }
        from = at + 1;
    }
    false
}

/// Does the text pitch? See [`pitch_cue`].
pub fn is_pitch(text: &str) -> bool {
    pitch_cue(text).is_some()
}

/// Why a text (from a contact) asks about the product or the business, or
/// `None`, with the built-in lists (`[cues.inquiry]` in `packs/cues.toml`).
/// It must be *asking* — it has a question mark, starts a sentence with a
/// question word (how, what, where, when, which, who, can, could, do, does,
/// is, are, would, may, any), or says "tell me more", "I'm interested",
/// "more info", "send me the/your" — and it must be *about the offer*:
/// price, cost, order, buy, product, sample, catalog, shipping, in stock,
/// discount, "where can I get", business, opportunity, "your team", sign
/// up, distributor, consultant, commission, starter kit, income. "Can I
/// join you for lunch?" is not an inquiry; "How much does the starter kit
/// cost?" is.
pub fn inquiry_cue(text: &str) -> Option<String> {
    Cues::builtin().inquiry_cue(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// "How much is it?" asks the price without saying "price"; an
    /// exclamation with "how much" asks nothing.
    #[test]
    fn how_much_questions_are_inquiries() {
        assert!(inquiry_cue("Hi Sam, how much is the glow kit?").is_some());
        assert!(inquiry_cue("How much does shipping to Leeds come to?").is_some());
        assert_eq!(inquiry_cue("How much I loved your story today!"), None);
    }

    /// The one-pass phrase lists find what a search per phrase finds.
    #[test]
    fn phrase_lists_agree_with_a_search_per_phrase() {
        let texts = [
            "Join my team! Business opportunity, order now",
            "in order to order, order of the day; the order is here",
            "free samples and a free sample: shop my online shop now",
            "how much is the starter kit? tell me more, i'm interested",
            "we sign up signup for the business opportunity opportunity",
            "order",
            "",
            "% off 20% off on sale salesman",
        ];
        let cues = Cues::builtin();
        for t in texts {
            let canon = canonical_words(Normalized::new(t).as_str());
            for (list, offer) in
                [(&cues.pitch, false), (&cues.offer_words, true), (&cues.asking, false), (&cues.topics, true)]
            {
                let want: Vec<&str> = list
                    .phrases
                    .iter()
                    .map(String::as_str)
                    .filter(|p| if offer { has_offer_word(&canon, p) } else { has_phrase(&canon, p) })
                    .collect();
                assert_eq!(list.iter(list.found(&canon)).collect::<Vec<_>>(), want, "{t:?}");
            }
        }
    }

    /// Lists from several packs are joined in pack order, a repeat kept once.
    #[test]
    fn a_second_pack_adds_to_the_lists() {
        let acme = Pack::parse(
            "acme.toml",
            "[pack]\nname = \"acme\"\n[cues.pitch]\nphrases = [\"glow party\", \"join my team\"]\n",
        )
        .unwrap();
        let builtin = Pack::parse(BUILTIN_CUES.0, BUILTIN_CUES.1).unwrap();
        let cues = Cues::from_packs(&[builtin, acme]).unwrap();
        assert_eq!(cues.pitch_cue("Come to my glow party!").as_deref(), Some("\"glow party\""));
        assert_eq!(pitch_cue("Come to my glow party!"), None, "the built-in lists are unchanged");
        assert_eq!(cues.pitch.phrases.iter().filter(|p| *p == "join my team").count(), 1);
        let none = Cues::from_packs(&[]).unwrap();
        assert_eq!(none.pitch_cue("Join my team!"), None, "a cue no pack defines never fires");
    }

    #[test]
    fn a_cue_phrase_must_be_written_as_the_words_it_matches() {
        let pack = |list: &str| {
            Pack::parse("acme.toml", &format!("[pack]\nname = \"acme\"\n\n[cues.complaint]\n{list}\n"))
        };
        let e = pack("phrases = [\"Where is my order?\"]").unwrap_err().to_string();
        assert!(e.starts_with("acme.toml:4: `cues.complaint.phrases`"), "{e}");
        assert!(e.contains("expected `where is my order`"), "{e}");
        let e = pack("phrases = [\" \"]").unwrap_err().to_string();
        assert!(e.contains("expected ``"), "{e}");
        let many: Vec<String> = (0..65).map(|i| format!("\"word{i}\"")).collect();
        let e = pack(&format!("order_words = [{}]", many.join(", "))).unwrap_err().to_string();
        assert!(e.contains("at most 64"), "{e}");
        let e = Pack::parse(
            "acme.toml",
            "[pack]\nname = \"acme\"\n[cues.inquiry]\nquestion_openers = [\"how come\"]\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("one word"), "{e}");
        assert!(pack("phrases = [\"hasn't arrived\"]").is_ok());
    }
}

//! Pitch and inquiry detection: the phrase tests that tell whether a message
//! of yours pitches a product or the opportunity ([`pitch_cue`]) and
//! whether a message of theirs asks about your offer ([`inquiry_cue`]).
//! Small phrase tests over the normalised text, written to miss rather than
//! to accuse. Owns the phrase lists and [`PhraseList`], the one-pass matcher
//! the coaching cues use too.

use crate::text::Normalized;

/// Phrases that pitch on their own: a product offer or the opportunity.
const PITCH_PHRASES: &[&str] = &[
    // the opportunity
    "join my team",
    "join our team",
    "business opportunity",
    "income opportunity",
    "ground floor opportunity",
    "be your own boss",
    "work from home opportunity",
    "part time job",
    "online job",
    "extra income",
    "passive income",
    "financial freedom",
    "sign up under me",
    "add my telegram",
    "add my whatsapp",
    // the product
    "order now",
    "buy now",
    "shop now",
    "place your order",
    "place an order",
    "order yours",
    "get yours",
    "grab yours",
    "link in bio",
    "check out my",
    "check out our",
    "use my code",
    "use my link",
    "promo code",
    "discount code",
    "coupon code",
    "my online store",
    "my online shop",
    "shop my",
    "dm me to order",
    "message me to order",
    "free sample",
    "free samples",
    "limited time offer",
    "special offer",
    "on sale",
];

/// Words that hint at an offer; two different ones, or one with a price, make
/// a pitch. `order` after `in` or `of` ("in order to", "out of order") does
/// not count.
const OFFER_WORDS: &[&str] = &[
    "order",
    "buy",
    "purchase",
    "discount",
    "sale",
    "deal",
    "offer",
    "price",
    "shipping",
    "products",
    "opportunity",
    "catalog",
    "samples",
];

/// Openers of a question (when the message has no question mark).
const QUESTION_OPENERS: &[&str] = &[
    "how", "what", "where", "when", "which", "who", "can", "could", "do", "does", "is", "are", "would",
    "may", "any",
];
/// Phrases that ask without a question: "tell me more", "I'm interested".
const ASKING_PHRASES: &[&str] =
    &["tell me more", "i'm interested", "i am interested", "more info", "send me the", "send me your"];
/// What a question must be about to be an inquiry: the product or the business.
const OFFER_TOPICS: &[&str] = &[
    // "How much is the glow kit?" asks the price without the word.
    "how much is",
    "how much are",
    "how much does",
    "how much do",
    "price",
    "prices",
    "pricing",
    "cost",
    "costs",
    "order",
    "buy",
    "purchase",
    "product",
    "products",
    "sample",
    "samples",
    "catalog",
    "catalogue",
    "shipping",
    "in stock",
    "discount",
    "where can i get",
    "where do i get",
    "business",
    "opportunity",
    "your team",
    "sign up",
    "signup",
    "distributor",
    "consultant",
    "commission",
    "starter kit",
    "income",
];

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
    pub(crate) phrases: &'static [&'static str],
    pub(crate) ac: std::sync::LazyLock<aho_corasick::AhoCorasick>,
    /// `order` counts only in its selling sense (see [`has_offer_word`]).
    pub(crate) offer: bool,
}

impl PhraseList {
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
    pub(crate) fn iter(&self, hits: u64) -> impl Iterator<Item = &'static str> + '_ {
        self.phrases.iter().enumerate().filter(move |(i, _)| hits & (1 << i) != 0).map(|(_, p)| *p)
    }
}

macro_rules! phrase_list {
    ($name:ident, $phrases:expr, $offer:expr) => {
        static $name: $crate::relationships::PhraseList = $crate::relationships::PhraseList {
            phrases: $phrases,
            ac: std::sync::LazyLock::new(|| {
                assert!($phrases.len() <= 64, "a phrase list has at most 64 phrases (one bit each)");
                aho_corasick::AhoCorasick::builder()
                    .match_kind(aho_corasick::MatchKind::Standard)
                    .build($phrases)
                    .expect("the built-in phrase lists compile")
            }),
            offer: $offer,
        };
    };
}

pub(crate) use phrase_list;

phrase_list!(PITCH_LIST, PITCH_PHRASES, false);
phrase_list!(OFFER_LIST, OFFER_WORDS, true);
phrase_list!(ASKING_LIST, ASKING_PHRASES, false);
phrase_list!(TOPIC_LIST, OFFER_TOPICS, true);

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
/// not. The test, on the normalised text:
///
/// 1. one of the pitch phrases ("join my team", "business opportunity",
///    "order now", "link in bio", "check out my", "promo code", "% off", …)
///    is a pitch on its own;
/// 2. otherwise a price (`$25`, `30 eur`) together with an offer word
///    (order, buy, purchase, discount, sale, deal, offer, price, shipping,
///    products, opportunity, catalog, samples) is a pitch;
/// 3. otherwise two different offer words are a pitch.
///
/// A price alone ("I paid $5 for lunch") or one offer word alone ("thanks
/// for the offer", "in order to") is not. It is meant to miss rather than
/// to accuse: the draft check's rules catch the subtler cases.
pub fn pitch_cue(text: &str) -> Option<String> {
    Prepared::new(text).pitch_cue()
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

    fn pitch_cue(&self) -> Option<String> {
        let canon = &self.canon;
        if let Some(p) = PITCH_LIST.iter(PITCH_LIST.found(canon)).next() {
            return Some(format!("\"{p}\""));
        }
        if percent_off(&self.normalized) {
            return Some("\"% off\"".to_string());
        }
        let words: Vec<&str> = OFFER_LIST.iter(OFFER_LIST.found(canon)).collect();
        if let (Some(w), Some(p)) = (words.first(), price(&self.normalized)) {
            return Some(format!("a price ({p}) with \"{w}\""));
        }
        if words.len() >= 2 {
            return Some(format!("\"{}\" with \"{}\"", words[0], words[1]));
        }
        None
    }

    fn inquiry_cue(&self) -> Option<String> {
        let canon = &self.canon;
        let asking = self.question_mark
            || ASKING_LIST.found(canon) != 0
            || self.normalized.split(['.', '!', '\n']).any(|sentence| {
                sentence.split_whitespace().next().is_some_and(|w| {
                    QUESTION_OPENERS.contains(&w.trim_matches(|c: char| !c.is_alphanumeric()))
                })
            });
        if !asking {
            return None;
        }
        TOPIC_LIST.iter(TOPIC_LIST.found(canon)).next().map(|t| format!("they asked about \"{t}\""))
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
/// `None`. It must be *asking* — it has a question mark, starts a sentence
/// with a question word (how, what, where, when, which, who, can, could, do,
/// does, is, are, would, may, any), or says "tell me more", "I'm
/// interested", "more info", "send me the/your" — and it must be *about the
/// offer*: price, cost, order, buy, product, sample, catalog, shipping, in
/// stock, discount, "where can I get", business, opportunity, "your team",
/// sign up, distributor, consultant, commission, starter kit, income.
/// "Can I join you for lunch?" is not an inquiry; "How much does the starter
/// kit cost?" is.
pub fn inquiry_cue(text: &str) -> Option<String> {
    Prepared::new(text).inquiry_cue()
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
        for t in texts {
            let canon = canonical_words(Normalized::new(t).as_str());
            for (list, offer) in
                [(&PITCH_LIST, false), (&OFFER_LIST, true), (&ASKING_LIST, false), (&TOPIC_LIST, true)]
            {
                let want: Vec<&str> = list
                    .phrases
                    .iter()
                    .copied()
                    .filter(|p| if offer { has_offer_word(&canon, p) } else { has_phrase(&canon, p) })
                    .collect();
                assert_eq!(list.iter(list.found(&canon)).collect::<Vec<_>>(), want, "{t:?}");
            }
        }
    }
}

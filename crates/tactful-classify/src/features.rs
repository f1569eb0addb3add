//! Text features: hashed word unigrams and bigrams and character 3- and
//! 4-grams of a folded copy of the text.
//!
//! Folding: lower case; accents, styled letters and curly quotes folded by
//! [`tactful_core::text::Normalized`] (only when the text is not plain ASCII);
//! every ASCII digit becomes `0` (so phone numbers and prices look alike);
//! runs of whitespace become one space; one space is added at each end so
//! character n-grams see word boundaries.
//!
//! Every feature is hashed into one of `2^bits` buckets. A text's feature
//! vector is the count of each bucket divided by the square root of the number
//! of features emitted, so long and short texts score on the same scale. The
//! trainer and the models call the same function, so training and inference
//! see identical features.

use tactful_core::text::Normalized;

/// The number of hash buckets the shipped models use, as a power of two.
pub const DEFAULT_BITS: u8 = 18;

const K: u64 = 0x9E37_79B9_7F4A_7C15;
const SEED_CHAR: u64 = 0x51_7CC1_B727_220A;
const SEED_WORD: u64 = 0x2545_F491_4F6C_DD1D;
const SEED_BIGRAM: u64 = 0x3C6E_F372_FE94_F82B;
const SEED_CUE: u64 = 0x1B87_3593_CC9E_2D51;
const SEED_CHANNEL: u64 = 0x6A09_E667_F3BC_C908;

/// Where a text was written. Spam in comments under a video reads unlike spam
/// in text messages ("check out my channel" is spam under a video, not in a
/// message to a friend), so a head trained with [`Spec::channels`] learns a
/// second, per-channel copy of every feature on top of the shared one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    /// A post on the seller's own page or feed.
    Post,
    /// A comment under someone's post or video.
    Comment,
    /// A private or text message.
    Message,
}

tactful_core::words!(Channel {
    Post => "post",
    Comment => "comment",
    Message => "message",
});

impl std::str::FromStr for Channel {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        // `dm` as in `tactful check --channel dm`: a direct message is a message.
        if s == "dm" {
            return Ok(Channel::Message);
        }
        Channel::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| format!("unknown channel `{s}`: expected post, comment or message (or dm)"))
    }
}

/// A text to classify, and where it was written if known. A `&str` converts
/// into an input of unknown channel.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    pub text: &'a str,
    pub channel: Option<Channel>,
}

impl<'a> Input<'a> {
    pub fn new(text: &'a str, channel: Option<Channel>) -> Self {
        Input { text, channel }
    }
}

impl<'a> From<&'a str> for Input<'a> {
    fn from(text: &'a str) -> Self {
        Input { text, channel: None }
    }
}

impl<'a> From<&Input<'a>> for Input<'a> {
    fn from(input: &Input<'a>) -> Self {
        *input
    }
}

impl<'a> From<&'a String> for Input<'a> {
    fn from(text: &'a String) -> Self {
        Input { text, channel: None }
    }
}

/// The folded text that features are read from, in a reusable buffer, and
/// the text it was folded from: heads that read the same text one after
/// another (every post of a bulk check) fold it once.
#[derive(Default)]
pub struct Scratch {
    buf: Vec<u8>,
    folded: String,
}

impl Scratch {
    pub fn new() -> Self {
        Scratch { buf: Vec::with_capacity(512), folded: String::with_capacity(512) }
    }

    /// The folded copy of `text`.
    fn fold(&mut self, text: &str) -> &[u8] {
        if self.folded != text || self.buf.is_empty() {
            fold_into(text, &mut self.buf);
            self.folded.clear();
            self.folded.push_str(text);
        }
        &self.buf
    }
}

#[inline]
fn bucket(key: u64, bits: u8) -> u32 {
    // Multiply-shift hashing: the high bits of the product are well mixed.
    let h = (key ^ (key >> 29)).wrapping_mul(K);
    (h >> (64 - u32::from(bits))) as u32
}

#[inline]
fn fold_byte(b: u8) -> u8 {
    if b.is_ascii_digit() { b'0' } else { b.to_ascii_lowercase() }
}

/// HTML escapes and line breaks (as written, lower case) and the byte each stands for.
const ENTITIES: &[(&[u8], u8)] = &[
    (b"&#39;", b'\''),
    (b"&quot;", b'"'),
    (b"&amp;", b'&'),
    (b"&lt;", b'<'),
    (b"&gt;", b'>'),
    (b"&nbsp;", b' '),
    (b"<br />", b' '),
    (b"<br/>", b' '),
    (b"<br>", b' '),
];

fn fold_into(text: &str, buf: &mut Vec<u8>) {
    buf.clear();
    buf.push(b' ');
    let push = |bytes: &[u8], buf: &mut Vec<u8>| {
        let mut i = 0;
        while i < bytes.len() {
            let mut b = bytes[i];
            i += 1;
            if b == b'&' || b == b'<' {
                // HTML escapes and line breaks left in exported text read as
                // the characters they stand for.
                if let Some(&(from, to)) = ENTITIES.iter().find(|(from, _)| bytes[i - 1..].starts_with(from))
                {
                    i += from.len() - 1;
                    b = to;
                }
            }
            if b.is_ascii_whitespace() {
                if buf.last() != Some(&b' ') {
                    buf.push(b' ');
                }
            } else {
                buf.push(fold_byte(b));
            }
        }
    };
    if text.is_ascii() {
        push(text.as_bytes(), buf);
    } else {
        let n = Normalized::new(text);
        push(n.as_str().as_bytes(), buf);
    }
    if buf.last() != Some(&b' ') {
        buf.push(b' ');
    }
}

#[inline]
fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80
}

/// Which features a head reads. Stored in the model file, so a model always
/// reads the features it was trained on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(clippy::struct_excessive_bools)] // one bit each of the model file's flags byte
pub struct Spec {
    /// log2 of the number of hash buckets.
    pub bits: u8,
    /// Character n-grams of the folded text, `char_min..=char_max` bytes long
    /// (1 to 7; `char_max` 0 for none).
    pub char_min: u8,
    pub char_max: u8,
    /// Word bigrams (word unigrams are always read).
    pub word_bigrams: bool,
    /// Cue tokens read before folding: how many words are in capitals, `!`
    /// count, length band, a link, a long number, a currency sign, a question
    /// mark and a closing one, a leading @mention and the first word after the
    /// leading mentions.
    pub cues: bool,
    /// Sentiment cue tokens from the VADER lexicon (`lexicon/vader.tsv`): how
    /// negative and how positive the words are, a negation flipping the next
    /// three words.
    pub lexicon: bool,
    /// A per-channel copy of every feature besides the shared one ("frustratingly
    /// easy" domain adaptation, Daume III 2007). A text of unknown channel reads
    /// only the shared copies, on the same scale.
    pub channels: bool,
    /// Claim vocabulary cues ([`claims`]): kinds of words (conditions, cure
    /// verbs, money, jobs ...) and the pairs that make a claim together.
    pub claims: bool,
    /// With `claims`: the second claim vocabulary: MeSH condition names,
    /// more inflections, condition names with one letter wrong, more words
    /// for earnings told as a story, and the pairs that sit near each other.
    /// Models trained on the first keep reading the first.
    pub claims_v2: bool,
}

mod claims;

impl Spec {
    /// The first models' features: word unigrams and bigrams, character 3-
    /// and 4-grams, no cues.
    pub const V1: Spec = Spec {
        bits: DEFAULT_BITS,
        char_min: 3,
        char_max: 4,
        word_bigrams: true,
        cues: false,
        lexicon: false,
        channels: false,
        claims: false,
        claims_v2: false,
    };

    /// The flags byte of the model file.
    pub fn flags(&self) -> u8 {
        u8::from(self.word_bigrams)
            | (u8::from(self.cues) << 1)
            | (u8::from(self.lexicon) << 2)
            | (u8::from(self.channels) << 3)
            | (u8::from(self.claims) << 4)
            | (u8::from(self.claims_v2) << 5)
    }

    /// A spec from the model file's fields, if they are in range.
    pub fn from_parts(bits: u8, char_min: u8, char_max: u8, flags: u8) -> Option<Spec> {
        let ok = (8..=24).contains(&bits)
            && flags < 64
            && (char_max == 0 || (1..=char_max).contains(&char_min) && char_max <= 7);
        ok.then_some(Spec {
            bits,
            char_min,
            char_max,
            word_bigrams: flags & 1 != 0,
            cues: flags & 2 != 0,
            lexicon: flags & 4 != 0,
            channels: flags & 8 != 0,
            claims: flags & 16 != 0,
            claims_v2: flags & 32 != 0,
        })
    }
}

/// Call `emit` with the bucket of every feature of `text` under the first
/// models' features ([`Spec::V1`]) with `2^bits` buckets; returns how many
/// features were emitted (0 for an empty or blank text).
pub fn for_each_feature(text: &str, bits: u8, scratch: &mut Scratch, emit: impl FnMut(u32)) -> u32 {
    for_each_feature_of(text, &Spec { bits, ..Spec::V1 }, scratch, emit)
}

#[inline]
fn char_key(acc: u64, n: u32) -> u64 {
    let data = if n == 8 { acc } else { acc & ((1u64 << (8 * n)) - 1) };
    // n <= 4 keeps the first models' keys; longer grams tag above their data.
    let tag = if n <= 4 { u64::from(n) << 40 } else { u64::from(n) << 56 };
    data ^ tag ^ SEED_CHAR
}

/// Words of complaint and negative feeling (a short hand-written list in the
/// style of the opinion lexicons), counted as one cue so that words too rare
/// in the training texts still count.
const NEGATIVE: &[&str] = &[
    "worst",
    "terrible",
    "horrible",
    "awful",
    "bad",
    "poor",
    "poorly",
    "useless",
    "rubbish",
    "ridiculous",
    "disgusting",
    "disgraceful",
    "disgrace",
    "pathetic",
    "shocking",
    "appalling",
    "unacceptable",
    "disappointed",
    "disappointing",
    "disappointment",
    "frustrated",
    "frustrating",
    "annoyed",
    "annoying",
    "angry",
    "furious",
    "upset",
    "sick",
    "tired",
    "fed",
    "hate",
    "hated",
    "hates",
    "sucks",
    "suck",
    "sucked",
    "crap",
    "fail",
    "failed",
    "fails",
    "failing",
    "failure",
    "broken",
    "broke",
    "break",
    "breaks",
    "crash",
    "crashed",
    "crashes",
    "crashing",
    "bug",
    "bugs",
    "buggy",
    "error",
    "errors",
    "issue",
    "issues",
    "problem",
    "problems",
    "wrong",
    "faulty",
    "damaged",
    "missing",
    "lost",
    "late",
    "delay",
    "delayed",
    "delays",
    "cancel",
    "cancelled",
    "canceled",
    "cancellation",
    "refund",
    "refunds",
    "charged",
    "overcharged",
    "complaint",
    "complain",
    "complaints",
    "waiting",
    "waited",
    "wait",
    "still",
    "again",
    "ignored",
    "ignoring",
    "rude",
    "unhelpful",
    "incompetent",
    "slow",
    "stuck",
    "down",
    "outage",
    "worse",
    "nightmare",
    "joke",
    "scam",
    "ripped",
    "rip",
    "stolen",
    "unable",
    "cant",
    "cannot",
    "wont",
    "doesnt",
    "didnt",
    "isnt",
    "wasnt",
    "havent",
    "hasnt",
    "dont",
    "never",
    "nobody",
    "nothing",
    "nowhere",
    "why",
    "seriously",
    "wtf",
    "ugh",
    "smh",
    "fix",
    "fixed",
    "sort",
    "help",
    "hours",
    "days",
    "weeks",
    "months",
    "yet",
    "anymore",
    "dead",
    "unusable",
    "stop",
    "stopped",
    "apparently",
];
/// Negations.
const NEGATION: &[&str] = &["not", "no", "never", "t", "nt", "nor", "none", "without"];
/// First person.
const FIRST_PERSON: &[&str] = &["i", "my", "me", "mine", "im", "ive", "we", "our", "us"];
/// Second person.
const SECOND_PERSON: &[&str] = &["you", "your", "yours", "youre", "u", "ur"];

/// The FNV-1a hash of no bytes, where every word's hash starts.
const FNV_START: u64 = 0xCBF2_9CE4_8422_2325;

/// One byte more of FNV-1a: the hash of the bytes before it, then `b`.
/// The word loops call this byte by byte, so it must stay a plain step.
#[inline]
const fn fnv_byte(h: u64, b: u8) -> u64 {
    (h ^ b as u64).wrapping_mul(0x100_0000_01B3)
}

/// FNV-1a over `w`, continuing from the hash `h` of the bytes before it.
#[inline]
const fn fnv_from(mut h: u64, w: &[u8]) -> u64 {
    let mut i = 0;
    while i < w.len() {
        h = fnv_byte(h, w[i]);
        i += 1;
    }
    h
}

/// FNV-1a of `w`: the hash words are looked up by.
const fn fnv(w: &[u8]) -> u64 {
    fnv_from(FNV_START, w)
}

const LISTS: [&[&str]; 4] = [NEGATIVE, NEGATION, FIRST_PERSON, SECOND_PERSON];
const LISTS_LEN: usize = NEGATIVE.len() + NEGATION.len() + FIRST_PERSON.len() + SECOND_PERSON.len();

/// Every listed word's hash with the lists it is in (bit `l` for `LISTS[l]`),
/// one entry per word; computed at compile time.
const fn list_hashes() -> ([(u64, u8); LISTS_LEN], usize) {
    let mut out = [(u64::MAX, 0u8); LISTS_LEN];
    let mut n = 0;
    let mut l = 0;
    while l < LISTS.len() {
        let list = LISTS[l];
        let mut i = 0;
        while i < list.len() {
            let h = fnv(list[i].as_bytes());
            let mut j = 0;
            while j < n && out[j].0 != h {
                j += 1;
            }
            if j == n {
                out[n] = (h, 0);
                n += 1;
            }
            out[j].1 |= 1 << l;
            i += 1;
        }
        l += 1;
    }
    (out, n)
}

const LISTS_ALL: ([(u64, u8); LISTS_LEN], usize) = list_hashes();
/// The listed words' hashes and lists.
static LISTS_H: &[(u64, u8)] = LISTS_ALL.0.split_at(LISTS_ALL.1).0;

/// A word-hash lookup table with open addressing: one probe, usually one
/// cache line, per word, where a binary search over thousands of entries
/// costs a dozen scattered reads (the lexicon lookup was a fifth of
/// `customer-request`'s time).
struct WordTable<V: Copy> {
    keys: Box<[u64]>,
    values: Box<[V]>,
    shift: u32,
}

impl<V: Copy + Default> WordTable<V> {
    /// A table of `entries` (hash, value); where a hash comes twice, the later value wins.
    fn new(entries: &[(u64, V)]) -> Self {
        // At most half full, so probe runs stay short.
        let size = (entries.len() * 2).next_power_of_two().max(16);
        let mut keys = vec![0u64; size].into_boxed_slice();
        let mut values = vec![V::default(); size].into_boxed_slice();
        let shift = 64 - size.trailing_zeros();
        let mask = size - 1;
        for &(h, v) in entries {
            // 0 marks an empty slot; no word hashes to 0 in practice, and
            // such a word would only go unlisted.
            if h == 0 {
                continue;
            }
            let mut i = Self::slot(h, shift);
            while keys[i] != 0 && keys[i] != h {
                i = (i + 1) & mask;
            }
            keys[i] = h;
            values[i] = v;
        }
        WordTable { keys, values, shift }
    }

    #[inline]
    fn slot(h: u64, shift: u32) -> usize {
        (h.wrapping_mul(K) >> shift) as usize
    }

    #[inline]
    fn get(&self, h: u64) -> Option<V> {
        let mask = self.keys.len() - 1;
        let mut i = Self::slot(h, self.shift);
        loop {
            let k = self.keys[i];
            if k == h {
                return Some(self.values[i]);
            }
            if k == 0 {
                return None;
            }
            i = (i + 1) & mask;
        }
    }
}

/// [`LISTS_H`] as a [`WordTable`], built on first use.
fn lists() -> &'static WordTable<u8> {
    static TABLE: std::sync::OnceLock<WordTable<u8>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| WordTable::new(LISTS_H))
}

/// Cue tokens of the raw text (case and punctuation still there) and of the folded buffer.
fn cues(text: &str, buf: &[u8], bits: u8, emit: &mut impl FnMut(u32)) -> u32 {
    let raw = text.as_bytes();
    let bangs = raw.iter().filter(|&&b| b == b'!').count() as u64;
    // A word in capitals has two capitals side by side; most texts have
    // none, and skip the walk through their words (its branches on every
    // letter were a fifth of the claim heads' time).
    let mut caps_words = 0u64;
    if raw.windows(2).any(|p| p[0].is_ascii_uppercase() && p[1].is_ascii_uppercase()) {
        let (mut upper, mut lower) = (0u32, 0u32);
        for &b in raw {
            if b.is_ascii_uppercase() {
                upper += 1;
            } else if b.is_ascii_lowercase() {
                lower += 1;
            } else {
                caps_words += u64::from(upper >= 2 && lower == 0);
                upper = 0;
                lower = 0;
            }
        }
        caps_words += u64::from(upper >= 2 && lower == 0);
    }
    let has = |part: &[u8]| buf.windows(part.len()).any(|w| w == part);
    let link = has(b"http") || has(b"www.") || has(b".com");
    let long_number = has(b"00000");
    let currency = buf.contains(&b'$') || has(b"0p ") || has("£".as_bytes()) || has("€".as_bytes());
    let question = buf.contains(&b'?');
    let mut end = buf.len();
    while end > 0 && buf[end - 1] == b' ' {
        end -= 1;
    }
    let closing_question = end > 0 && buf[end - 1] == b'?';
    // The leading @mentions and the first word after them.
    let mut mentions = 0u64;
    let mut first = 0u64;
    for w in buf.split(|&b| b == b' ').filter(|w| !w.is_empty()) {
        if w[0] == b'@' {
            mentions += 1;
            continue;
        }
        let mut h = FNV_START;
        for &b in w.iter().filter(|b| is_word_byte(**b)) {
            h = fnv_byte(h, b);
        }
        first = h;
        break;
    }
    // Words as letters only ("don't" -> "don", "t"; "can't" -> "can", "t").
    let mut counts = [0u64; 4];
    let table = lists();
    for w in buf.split(|b| !b.is_ascii_alphabetic()) {
        if w.is_empty() || w.len() > 14 {
            continue;
        }
        if let Some(mask) = table.get(fnv(w)) {
            for (l, c) in counts.iter_mut().enumerate() {
                *c += u64::from(mask >> l & 1);
            }
        }
    }
    let [negative, negation, me, you] = counts;
    let lead_mention = buf.get(1) == Some(&b'@');
    let len_band = 64 - (buf.len() as u64).leading_zeros();
    let tokens: [(u64, u64); 14] = [
        (1, caps_words.min(5)),
        (2, bangs.min(3)),
        (3, u64::from(len_band)),
        (4, u64::from(link)),
        (5, u64::from(long_number)),
        (6, u64::from(currency)),
        (7, u64::from(question)),
        (8, u64::from(closing_question)),
        (9, u64::from(lead_mention) * 4 + mentions.min(3)),
        (10, first),
        (11, negative.min(4)),
        (12, negation.min(3)),
        (13, me.min(3)),
        (14, you.min(2)),
    ];
    emit_cues(&tokens, bits, emit)
}

/// Emit the bucket of each cue token (id, value); returns how many there are.
fn emit_cues(tokens: &[(u64, u64)], bits: u8, emit: &mut impl FnMut(u32)) -> u32 {
    for &(id, v) in tokens {
        emit(bucket((id << 56) ^ v.wrapping_mul(0x2545_F491) ^ SEED_CUE, bits));
    }
    tokens.len() as u32
}

/// The VADER lexicon: single words and their mean valence (-4 to +4).
const VADER: &str = include_str!("../lexicon/vader.tsv");

/// The lexicon as word hash -> valence in tenths; built on first use (a few
/// hundred microseconds), then shared.
fn valences() -> &'static WordTable<i8> {
    static TABLE: std::sync::OnceLock<WordTable<i8>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let v: Vec<(u64, i8)> = VADER
            .lines()
            .filter_map(|l| {
                let (w, x) = l.split_once('\t')?;
                let x: f32 = x.trim().parse().ok()?;
                Some((fnv(w.as_bytes()), (x * 10.0).round().clamp(-127.0, 127.0) as i8))
            })
            .collect();
        // Eight words are listed twice upstream; VADER's own loader keeps the
        // later entry, and so does the table.
        WordTable::new(&v)
    })
}

/// Sentiment cue tokens: the sum of negative and of positive valence (in
/// bands), the number of strongly negative words, and the overall sign. A
/// negation ("not", "never", "n't") flips the valence of the next three words.
fn lexicon_cues(buf: &[u8], bits: u8, emit: &mut impl FnMut(u32)) -> u32 {
    let table = valences();
    let (mut neg, mut pos, mut strong) = (0i32, 0i32, 0u64);
    let mut flip_left = 0u8;
    for w in buf.split(|b| !b.is_ascii_alphabetic()) {
        if w.is_empty() || w.len() > 20 {
            continue;
        }
        let h = fnv(w);
        if matches!(w, b"not" | b"no" | b"never" | b"t" | b"nt" | b"nor" | b"without" | b"cannot") {
            flip_left = 3;
            continue;
        }
        if let Some(v) = table.get(h) {
            let mut x = i32::from(v);
            if flip_left > 0 {
                // "not good" is mildly negative, "not bad" mildly positive.
                x = -x / 2;
            }
            if x < 0 {
                neg -= x;
            } else {
                pos += x;
            }
            if x <= -15 {
                strong += 1;
            }
        }
        flip_left = flip_left.saturating_sub(1);
    }
    let band = |x: i32| -> u64 {
        match x {
            0 => 0,
            1..=9 => 1,
            10..=19 => 2,
            20..=39 => 3,
            40..=69 => 4,
            _ => 5,
        }
    };
    let sign = match pos - neg {
        d if d <= -20 => 0u64,
        d if d < 0 => 1,
        0 => 2,
        d if d < 20 => 3,
        _ => 4,
    };
    let tokens: [(u64, u64); 4] = [(15, band(neg)), (16, band(pos)), (17, strong.min(3)), (18, sign)];
    emit_cues(&tokens, bits, emit)
}

/// Call `emit` with the bucket of every feature of `text` under `spec`;
/// returns how many features were emitted (0 for an empty or blank text).
pub fn for_each_feature_of(text: &str, spec: &Spec, scratch: &mut Scratch, emit: impl FnMut(u32)) -> u32 {
    for_each_feature_in(Input::from(text), spec, scratch, emit)
}

/// [`for_each_feature_of`] for a text whose channel may be known: under
/// [`Spec::channels`] every feature is emitted twice when it is, once shared
/// and once for the channel. The count returned is the same either way (twice
/// the shared features), so a text of unknown channel scores on the scale the
/// shared weights were trained on.
pub fn for_each_feature_in(
    input: Input<'_>,
    spec: &Spec,
    scratch: &mut Scratch,
    mut emit: impl FnMut(u32),
) -> u32 {
    if !spec.channels {
        return shared_features(input.text, spec, scratch, emit);
    }
    let bits = spec.bits;
    let n = match input.channel {
        Some(c) => {
            let salt = SEED_CHANNEL ^ ((c as u64 + 1) << 40);
            shared_features(input.text, spec, scratch, |b| {
                emit(b);
                emit(bucket(u64::from(b) ^ salt, bits));
            })
        }
        None => shared_features(input.text, spec, scratch, emit),
    };
    2 * n
}

#[allow(clippy::trivially_copy_pass_by_ref)] // like its public callers
fn shared_features(text: &str, spec: &Spec, scratch: &mut Scratch, mut emit: impl FnMut(u32)) -> u32 {
    let buf = scratch.fold(text);
    let bits = spec.bits;
    let mut n = 0u32;
    if buf.len() <= 1 {
        return 0;
    }
    // Character n-grams from a rolling window of the last bytes.
    if spec.char_max > 0 {
        let (lo, hi) = (u32::from(spec.char_min), u32::from(spec.char_max));
        let mut acc: u64 = 0;
        for (i, &b) in buf.iter().enumerate() {
            acc = (acc << 8) | u64::from(b);
            let have = (i as u32 + 1).min(hi);
            for len in lo..=have {
                emit(bucket(char_key(acc, len), bits));
                n += 1;
            }
        }
    }
    // Words (runs of letters, digits and non-ASCII bytes) and word bigrams.
    let mut prev: Option<u64> = None;
    let mut h: u64 = 0;
    let mut in_word = false;
    for &b in buf {
        if is_word_byte(b) {
            if !in_word {
                h = FNV_START;
                in_word = true;
            }
            h = fnv_byte(h, b);
        } else if in_word {
            in_word = false;
            emit(bucket(h ^ SEED_WORD, bits));
            n += 1;
            if spec.word_bigrams {
                if let Some(p) = prev {
                    emit(bucket(p.rotate_left(23) ^ h ^ SEED_BIGRAM, bits));
                    n += 1;
                }
            }
            prev = Some(h);
        }
    }
    if spec.cues {
        n += cues(text, buf, bits, &mut emit);
    }
    if spec.lexicon {
        n += lexicon_cues(buf, bits, &mut emit);
    }
    if spec.claims {
        n += claims::claim_cues(buf, money_amount(buf), spec.claims_v2, bits, &mut emit);
    }
    n
}

/// A currency sign next to a digit (`$5`, `5$`, `£1,200`, `€3`) in the folded buffer.
fn money_amount(buf: &[u8]) -> bool {
    let signs: [&[u8]; 3] = [b"$", "£".as_bytes(), "€".as_bytes()];
    // Only where a sign's first byte is: most texts have none.
    (0..buf.len()).filter(|&i| matches!(buf[i], b'$' | 0xC2 | 0xE2)).any(|i| {
        signs.iter().any(|s| {
            buf[i..].starts_with(s)
                && (buf.get(i + s.len()).is_some_and(u8::is_ascii_digit)
                    || i > 0 && buf[i - 1].is_ascii_digit())
        })
    })
}

pub use claims::Subjects;

/// What `text` is about, as the claim vocabulary reads it: whether it names
/// anything a health claim is about (a condition, a drug, an organ, weight,
/// suffering) and anything an earnings claim is about (money, earning, a job,
/// riches, freedom from work, an amount). A claim head's verdict on a text
/// that names neither subject of its kind rests on other words (an
/// invitation to join, a product's name), which are not a claim.
pub fn subjects(text: &str) -> Subjects {
    let mut buf = Vec::with_capacity(text.len() + 2);
    fold_into(text, &mut buf);
    claims::subjects_of(&buf, money_amount(&buf))
}

/// The sparse feature vector of `text`: (bucket, value) pairs sorted by
/// bucket, values scaled by `1/sqrt(count)`. The trainer uses this; the
/// models sum weights directly, which gives the same score.
pub fn sparse(text: &str, bits: u8, scratch: &mut Scratch) -> Vec<(u32, f32)> {
    sparse_of(text, &Spec { bits, ..Spec::V1 }, scratch)
}

/// [`sparse`] under a feature spec.
pub fn sparse_of<'a>(input: impl Into<Input<'a>>, spec: &Spec, scratch: &mut Scratch) -> Vec<(u32, f32)> {
    let input = input.into();
    let mut hits = Vec::with_capacity(input.text.len() * 8 + 16);
    let n = for_each_feature_in(input, spec, scratch, |b| hits.push(b));
    hits.sort_unstable();
    let norm = 1.0 / (n.max(1) as f32).sqrt();
    let mut out: Vec<(u32, f32)> = Vec::with_capacity(hits.len());
    for b in hits {
        match out.last_mut() {
            Some((last, v)) if *last == b => *v += norm,
            _ => out.push((b, norm)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_digits_and_spacing_do_not_change_features() {
        let mut s = Scratch::new();
        let a = sparse("Call 555-1234 NOW", 18, &mut s);
        let b = sparse("call   999-0000 now", 18, &mut s);
        assert_eq!(a, b);
    }

    #[test]
    fn accents_fold_like_the_rule_engine() {
        let mut s = Scratch::new();
        assert_eq!(sparse("café", 18, &mut s), sparse("cafe", 18, &mut s));
    }

    #[test]
    fn html_escapes_read_as_their_characters() {
        let mut s = Scratch::new();
        assert_eq!(
            sparse("don&#39;t &amp; &quot;so&quot;<br />ok", 18, &mut s),
            sparse("don't & \"so\" ok", 18, &mut s)
        );
    }

    #[test]
    fn a_known_channel_adds_one_copy_of_each_feature_on_the_same_scale() {
        let spec = Spec { channels: true, ..Spec::V1 };
        let mut s = Scratch::new();
        let text = "check out my channel";
        let (mut shared, mut both) = (Vec::new(), Vec::new());
        let n0 = for_each_feature_in(Input::from(text), &spec, &mut s, |b| shared.push(b));
        let n1 =
            for_each_feature_in(Input::new(text, Some(Channel::Comment)), &spec, &mut s, |b| both.push(b));
        assert_eq!(n0, n1, "same count, so the shared weights score on one scale");
        assert_eq!(both.len(), 2 * shared.len());
        let firsts: Vec<u32> = both.iter().step_by(2).copied().collect();
        assert_eq!(firsts, shared);
        let mut other = Vec::new();
        for_each_feature_in(Input::new(text, Some(Channel::Message)), &spec, &mut s, |b| other.push(b));
        assert_ne!(other, both, "each channel has its own copies");
        // Without the flag the channel is ignored: old models read what they were trained on.
        let mut plain = Vec::new();
        for_each_feature_in(Input::new(text, Some(Channel::Comment)), &Spec::V1, &mut s, |b| plain.push(b));
        assert_eq!(plain, shared);
    }

    #[test]
    fn word_tables_find_every_listed_word_and_nothing_else() {
        for &(h, mask) in LISTS_H {
            assert_eq!(lists().get(h), Some(mask));
        }
        for w in ["terrible", "refund", "never", "my", "you"] {
            assert!(lists().get(fnv(w.as_bytes())).is_some(), "{w}");
        }
        for w in ["candle", "saturday", "croissant", ""] {
            assert_eq!(lists().get(fnv(w.as_bytes())), None, "{w}");
        }
        let table = valences();
        let words = VADER.lines().filter_map(|l| l.split_once('\t')).count();
        assert_eq!(table.keys.iter().filter(|&&k| k != 0).count(), words - 8, "one entry per distinct word");
        assert_eq!(table.get(fnv(b"horrible")), Some(-25));
        assert_eq!(table.get(fnv(b"candle")), None);
    }

    #[test]
    fn a_word_listed_twice_in_the_lexicon_keeps_its_later_valence() {
        // Upstream lists "lol" at 2.9 and later at 1.8; VADER keeps the later.
        assert_eq!(valences().get(fnv(b"lol")), Some(18));
        assert_eq!(valences().get(fnv(b"lmao")), Some(29));
    }

    #[test]
    fn blank_text_has_no_features() {
        let mut s = Scratch::new();
        assert_eq!(for_each_feature(" \n\t ", 18, &mut s, |_| {}), 0);
    }

    #[test]
    fn buckets_stay_in_range() {
        let mut s = Scratch::new();
        for_each_feature("Hello wörld 🎉 #sale http://x.y", 10, &mut s, |b| {
            assert!(b < 1024);
        });
    }
}

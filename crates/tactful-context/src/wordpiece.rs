//! The BERT *uncased* WordPiece tokenizer of all-MiniLM-L6-v2, by hand.
//!
//! Owns the vocabulary (`vocab.txt`: one token a line, line index = id) and
//! the text → ids step: BertNormalizer (clean text, space CJK ideographs,
//! strip accents, lowercase), BertPreTokenizer (whitespace and punctuation)
//! and greedy longest-match-first WordPiece with the `##` prefix, framed by
//! `[CLS]` … `[SEP]` and truncated to the model's length. It follows the
//! Hugging Face `tokenizers` pipeline step for step so the ids match what the
//! model was trained on; it runs on every draft, so it allocates once per
//! call, not per word.
//!
//! One known difference: general categories (punctuation, Mn, Cf) come from
//! Unicode 18 here, while the reference's tables are about Unicode 8. Of all
//! 1,112,064 code points, 693 encode differently, in "x·y ·" probes: chars
//! assigned since then in rare scripts (new marks and punctuation, which the
//! reference keeps inside words and so makes `[UNK]`), and four that changed
//! category (U+166D, U+111C9, U+1734, U+1171E). Real drafts do not have them.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, GeneralCategoryGroup, UnicodeGeneralCategory};

/// BERT's `max_input_chars_per_word`: a longer word is one `[UNK]`.
const MAX_WORD_CHARS: usize = 100;

/// A vocabulary that cannot be used. Lines are numbered from 1.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VocabError {
    #[error("vocabulary line {line} is empty (every line is a token; its line index is its id)")]
    EmptyLine { line: usize },
    #[error("vocabulary line {line} repeats the token {token:?} of line {first}")]
    Duplicate { line: usize, first: usize, token: String },
    #[error("vocabulary has no {token} line (BERT needs [CLS], [SEP], [UNK] and [PAD])")]
    MissingSpecial { token: &'static str },
}

/// The BERT uncased tokenizer: a vocabulary and its special ids.
#[derive(Debug, Clone)]
pub struct WordPiece {
    /// Tokens that may start a word.
    starts: Vocab,
    /// `##` tokens, keyed without the prefix: a continuation is looked up
    /// as a slice of the word, with no `##` string built per attempt.
    continuations: Vocab,
    /// Longest key in bytes of each map: the greedy search starts there,
    /// not at the end of a long word.
    longest_start: usize,
    longest_continuation: usize,
    cls: u32,
    sep: u32,
    unk: u32,
    pad: u32,
    /// The special tokens the reference matches in raw text, with their ids.
    specials: Vec<(&'static str, u32)>,
    len: usize,
}

type Vocab = HashMap<Box<str>, u32, BuildHasherDefault<FxHasher>>;

impl WordPiece {
    /// Reads a `vocab.txt`: one token a line, the line index (from 0) is the id.
    pub fn from_vocab(text: &str) -> Result<WordPiece, VocabError> {
        let mut starts = Vocab::default();
        let mut continuations = Vocab::default();
        // Line of each token, to name both lines of a duplicate.
        let mut seen: HashMap<&str, usize, BuildHasherDefault<FxHasher>> = HashMap::default();
        let mut len = 0;
        for (index, token) in text.lines().enumerate() {
            let line = index + 1;
            if token.is_empty() {
                return Err(VocabError::EmptyLine { line });
            }
            if let Some(&first) = seen.get(token) {
                return Err(VocabError::Duplicate { line, first, token: token.to_owned() });
            }
            seen.insert(token, line);
            let id = index as u32;
            match token.strip_prefix("##") {
                Some(rest) if !rest.is_empty() => continuations.insert(rest.into(), id),
                _ => starts.insert(token.into(), id),
            };
            len = line;
        }
        let special =
            |token: &'static str| starts.get(token).copied().ok_or(VocabError::MissingSpecial { token });
        let (cls, sep, unk, pad) =
            (special("[CLS]")?, special("[SEP]")?, special("[UNK]")?, special("[PAD]")?);
        let specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
            .into_iter()
            .filter_map(|token| Some((token, *starts.get(token)?)))
            .collect();
        let longest = |map: &Vocab| map.keys().map(|k| k.len()).max().unwrap_or(0);
        Ok(WordPiece {
            longest_start: longest(&starts),
            longest_continuation: longest(&continuations),
            starts,
            continuations,
            cls,
            sep,
            unk,
            pad,
            specials,
            len,
        })
    }

    /// Number of tokens in the vocabulary.
    pub fn vocab_len(&self) -> usize {
        self.len
    }

    /// Id of `[PAD]`, for the caller that batches encodings.
    pub fn pad_id(&self) -> u32 {
        self.pad
    }

    /// Encodes `text` into `out` (cleared first): `[CLS]`, the word pieces,
    /// `[SEP]`, with the word pieces cut so the whole is at most `max_len`
    /// ids (all-MiniLM-L6-v2 uses 256). A `max_len` below 2 is taken as 2:
    /// `[CLS]` and `[SEP]` are always there.
    pub fn encode(&self, text: &str, max_len: usize, out: &mut Vec<u32>) {
        out.clear();
        out.push(self.cls);
        // Room for [SEP]; truncating after the fact keeps the first pieces,
        // as the reference does.
        let limit = max_len.max(2) - 1;
        let mut words = Words { wp: self, out, word: String::with_capacity(64), chars: 0, limit };
        // The reference finds its special tokens in the raw text first (a
        // typed "[MASK]" is the mask token) and normalizes the text between
        // them on its own.
        let mut rest = text;
        while let Some((at, len, id)) = self.find_special(rest) {
            words.text(&rest[..at]);
            if words.full() {
                break;
            }
            words.out.push(id);
            rest = &rest[at + len..];
        }
        words.text(rest);
        out.truncate(limit);
        out.push(self.sep);
    }

    /// The first special token in `text`: its byte offset, length and id.
    fn find_special(&self, text: &str) -> Option<(usize, usize, u32)> {
        let mut from = 0;
        while let Some(i) = text[from..].find('[') {
            let at = from + i;
            for &(token, id) in &self.specials {
                if text[at..].starts_with(token) {
                    return Some((at, token.len(), id));
                }
            }
            from = at + 1;
        }
        None
    }

    /// Appends the pieces of one pre-tokenized word, or one `[UNK]` if it is
    /// too long or some part of it is in no token.
    fn push_word(&self, word: &str, chars: usize, out: &mut Vec<u32>) {
        if chars > MAX_WORD_CHARS {
            out.push(self.unk);
            return;
        }
        let mark = out.len();
        let mut start = 0;
        while start < word.len() {
            let (map, longest) = if start == 0 {
                (&self.starts, self.longest_start)
            } else {
                (&self.continuations, self.longest_continuation)
            };
            let mut end = floor_boundary(word, (start + longest).min(word.len()));
            loop {
                if end <= start {
                    out.truncate(mark);
                    out.push(self.unk);
                    return;
                }
                if let Some(&id) = map.get(&word[start..end]) {
                    out.push(id);
                    start = end;
                    break;
                }
                end = floor_boundary(word, end - 1);
            }
        }
    }
}

/// The word being gathered and where its pieces go.
struct Words<'a> {
    wp: &'a WordPiece,
    out: &'a mut Vec<u32>,
    word: String,
    chars: usize,
    limit: usize,
}

impl Words<'_> {
    /// Normalizes and pre-tokenizes `text`, appending the pieces of its
    /// words, and stops once enough pieces are in.
    fn text(&mut self, text: &str) {
        if text.is_ascii() {
            // Most drafts: no accents, CJK or Unicode punctuation, so each
            // byte is classified directly and NFD is skipped.
            for b in text.bytes() {
                if self.full() {
                    break;
                }
                match b {
                    b' ' | b'\t' | b'\n' | b'\r' => self.flush(),
                    // Other ASCII controls are dropped by clean_text, before
                    // whitespace is mapped (so \x0c joins its neighbours).
                    0..=0x1f | 0x7f => {}
                    _ if b.is_ascii_punctuation() => self.alone(char::from(b)),
                    _ => self.push(char::from(b.to_ascii_lowercase())),
                }
            }
        } else {
            // The reference order: clean, space CJK, NFD, drop Mn, lowercase.
            let normalized = text
                .chars()
                .filter(|&c| !(c == '\0' || c == '\u{fffd}' || is_control(c)))
                .flat_map(|c| {
                    let (chars, n) = if is_whitespace(c) {
                        ([' '; 3], 1)
                    } else if is_cjk(c) {
                        ([' ', c, ' '], 3)
                    } else {
                        ([c; 3], 1)
                    };
                    chars.into_iter().take(n)
                })
                .nfd()
                .filter(|&c| c.general_category() != GeneralCategory::NonspacingMark)
                .flat_map(char::to_lowercase);
            for c in normalized {
                if self.full() {
                    break;
                }
                if c.is_whitespace() {
                    self.flush();
                } else if is_punctuation(c) {
                    self.alone(c);
                } else {
                    self.push(c);
                }
            }
        }
        self.flush();
    }

    /// Enough pieces already: later words would be truncated away.
    fn full(&self) -> bool {
        self.out.len() >= self.limit
    }

    fn push(&mut self, c: char) {
        self.word.push(c);
        self.chars += 1;
    }

    /// A punctuation char is a word of its own.
    fn alone(&mut self, c: char) {
        self.flush();
        self.push(c);
        self.flush();
    }

    fn flush(&mut self) {
        if !self.word.is_empty() {
            self.wp.push_word(&self.word, self.chars, self.out);
            self.word.clear();
            self.chars = 0;
        }
    }
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// BERT's whitespace: \t \n \r and Unicode White_Space.
fn is_whitespace(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || c.is_whitespace()
}

/// What clean_text drops: Cc, Cf and Co (private use), but not \t \n \r.
/// Unassigned code points (Cn) are kept, as the reference keeps them.
fn is_control(c: char) -> bool {
    !matches!(c, '\t' | '\n' | '\r')
        && matches!(
            c.general_category(),
            GeneralCategory::Control | GeneralCategory::Format | GeneralCategory::PrivateUse
        )
}

/// BERT's punctuation: all ASCII non-alphanumeric symbols (so `$`, `+`, `^`
/// too) and every Unicode P* char.
fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation() || c.general_category_group() == GeneralCategoryGroup::Punctuation
}

/// The CJK ideograph blocks BERT spaces out, so each is its own word. The
/// reference starts the fifth range at U+2B920 (not BERT's U+2B820); we
/// follow the reference, since its ids are what the model saw.
fn is_cjk(c: char) -> bool {
    matches!(
        u32::from(c),
        0x4E00..=0x9FFF
            | 0x3400..=0x4DBF
            | 0x2_0000..=0x2_A6DF
            | 0x2_A700..=0x2_B73F
            | 0x2_B740..=0x2_B81F
            | 0x2_B920..=0x2_CEAF
            | 0xF900..=0xFAFF
            | 0x2_F800..=0x2_FA1F
    )
}

/// FxHash (the rustc hasher): vocabulary lookups hash short strings many
/// times per word, where SipHash's DoS resistance buys nothing (the keys are
/// the fixed vocabulary).
#[derive(Default, Clone, Copy)]
struct FxHasher {
    hash: u64,
}

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.add(u64::from_le_bytes(chunk.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(last));
        }
    }

    #[inline]
    fn write_u8(&mut self, byte: u8) {
        self.add(u64::from(byte));
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

//! Text normalisation for matching, with a map back to the original bytes.
//!
//! Rules are written in plain lower-case ASCII; posts are not. The normaliser
//! lower-cases, folds accents (`ō` → `o`), styled "bold" letters and full-width
//! forms to ASCII, straightens curly quotes, folds dashes, drops zero-width
//! characters, turns a hyphen between two letters into a space (so
//! `full-time` and `full time` are one phrase) and collapses runs of
//! whitespace. Every normalised byte remembers which original byte it came
//! from, so findings always point into the text the user wrote.

/// A normalised copy of a text and the way back to the original offsets.
#[derive(Debug, Clone)]
pub struct Normalized {
    text: String,
    /// `origin[i]` is the original byte offset of the character that produced
    /// normalised byte `i`.
    origin: Vec<u32>,
    original_len: usize,
}

impl Normalized {
    pub fn new(original: &str) -> Self {
        let bytes = original.as_bytes();
        // Fast path: plain ASCII with single spaces and no joined words only
        // needs lower-casing, and its offsets map to themselves.
        if !needs_full_pass(original) {
            return Normalized {
                text: original.to_ascii_lowercase(),
                origin: Vec::new(),
                original_len: original.len(),
            };
        }
        let mut out: Vec<u8> = Vec::with_capacity(original.len() + 8);
        let mut origin: Vec<u32> = Vec::with_capacity(original.len() + 8);
        let mut last_space = true; // drop leading whitespace
        let mut prev_alpha = false;
        let next_alpha = |at: usize| -> bool {
            match bytes.get(at) {
                Some(&b) if b < 0x80 => b.is_ascii_alphabetic(),
                Some(_) => original[at..].chars().next().is_some_and(char::is_alphabetic),
                None => false,
            }
        };
        let mut i = 0;
        // Bytes are walked directly: most text is ASCII, and only the rest
        // needs decoding into characters.
        while i < bytes.len() {
            let b = bytes[i];
            let at32 = i as u32;
            if b < 0x80 {
                i += 1;
                if b.is_ascii_whitespace() {
                    if !last_space {
                        out.push(b' ');
                        origin.push(at32);
                        last_space = true;
                    }
                    prev_alpha = false;
                    continue;
                }
                if b == b'-' && prev_alpha && next_alpha(i) {
                    out.push(b' ');
                    origin.push(at32);
                    last_space = true;
                    prev_alpha = false;
                    continue;
                }
                out.push(b.to_ascii_lowercase());
                origin.push(at32);
                last_space = false;
                prev_alpha = b.is_ascii_alphabetic();
                continue;
            }
            let c = original[i..].chars().next().expect("inside the text");
            i += c.len_utf8();
            match fold(c) {
                Folded::Drop => {}
                Folded::Space => {
                    if !last_space {
                        out.push(b' ');
                        origin.push(at32);
                        last_space = true;
                    }
                    prev_alpha = false;
                }
                Folded::Char(f) => {
                    if f == '-' && prev_alpha && next_alpha(i) {
                        out.push(b' ');
                        origin.push(at32);
                        last_space = true;
                        prev_alpha = false;
                        continue;
                    }
                    let before = out.len();
                    let mut buf = [0u8; 4];
                    if f.is_ascii() {
                        out.push((f as u8).to_ascii_lowercase());
                    } else {
                        for l in f.to_lowercase() {
                            out.extend_from_slice(l.encode_utf8(&mut buf).as_bytes());
                        }
                    }
                    for _ in before..out.len() {
                        origin.push(at32);
                    }
                    last_space = false;
                    prev_alpha = f.is_alphabetic();
                }
            }
        }
        let text = String::from_utf8(out).expect("normalised text is built from whole characters");
        Normalized { text, origin, original_len: original.len() }
    }

    /// The normalised text: what rules match against.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Map a normalised span back to a span of the original text.
    pub fn to_original(&self, original: &str, start: usize, end: usize) -> (usize, usize) {
        if self.origin.is_empty() {
            // The fast path: offsets are the same in both texts.
            let start = start.min(self.original_len);
            return (start, end.clamp(start, self.original_len));
        }
        let o_start =
            if start >= self.origin.len() { self.original_len } else { self.origin[start] as usize };
        let o_end = if end == 0 {
            o_start
        } else if end > self.origin.len() {
            self.original_len
        } else {
            let last = self.origin[end - 1] as usize;
            last + original[last..].chars().next().map_or(0, char::len_utf8)
        };
        (o_start, o_end.max(o_start))
    }
}

/// Does the text need more than ASCII lower-casing? It does when it holds
/// whitespace other than single spaces, leading whitespace, a hyphen between
/// two letters, or a non-ASCII character that normalising would change
/// (accents, capitals, curly quotes). Emoji and other characters that stay as
/// they are keep the fast path: offsets then map to themselves.
fn needs_full_pass(s: &str) -> bool {
    let bytes = s.as_bytes();
    if bytes.first().is_some_and(u8::is_ascii_whitespace) {
        return true;
    }
    let mut prev = 0u8;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b >= 0x80 {
            let c = s[i..].chars().next().expect("inside the text");
            let unchanged =
                matches!(fold(c), Folded::Char(f) if f == c) && !c.is_uppercase() && !c.is_whitespace();
            if !unchanged {
                return true;
            }
            i += c.len_utf8();
            prev = 0x80;
            continue;
        }
        match b {
            b' ' if prev == b' ' => return true,
            b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c' => return true,
            b'-' if prev.is_ascii_alphabetic() && bytes.get(i + 1).is_some_and(u8::is_ascii_alphabetic) => {
                return true;
            }
            _ => {}
        }
        prev = b;
        i += 1;
    }
    false
}

enum Folded {
    Drop,
    Space,
    Char(char),
}

/// Latin-1 Supplement letters U+00C0..=U+00FF, lower-cased and stripped of accents.
const LATIN1: &[u8; 64] = b"aaaaaaaceeeeiiiidnooooo*ouuuuyts\
aaaaaaaceeeeiiiidnooooo/ouuuuyty";
/// Latin Extended-A U+0100..=U+017F, lower-cased and stripped of accents.
const LATIN_EXT_A: &[u8; 128] = b"aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiiijjkkkllllllllllnnnnnnnnnoooooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";

fn fold(c: char) -> Folded {
    let cp = c as u32;
    match cp {
        0x00A0 | 0x1680 | 0x2000..=0x200A | 0x2028 | 0x2029 | 0x202F | 0x205F | 0x3000 => Folded::Space,
        0x00AD | 0x200B..=0x200D | 0x2060 | 0xFEFF | 0xFE0E | 0xFE0F => Folded::Drop,
        0x00D7 => Folded::Char('x'),
        0x00C0..=0x00FF => Folded::Char(LATIN1[(cp - 0xC0) as usize] as char),
        0x0100..=0x017F => Folded::Char(LATIN_EXT_A[(cp - 0x100) as usize] as char),
        0x2018 | 0x2019 | 0x201A | 0x201B | 0x2032 | 0x02BC | 0x0060 | 0x00B4 => Folded::Char('\''),
        0x201C | 0x201D | 0x201E | 0x201F | 0x2033 | 0x00AB | 0x00BB => Folded::Char('"'),
        0x2010..=0x2015 | 0x2212 => Folded::Char('-'),
        0x2026 => Folded::Char('.'),
        0xFF01..=0xFF5E => Folded::Char(char::from_u32(cp - 0xFF01 + 0x21).unwrap_or(c)),
        // Mathematical alphanumerics ("𝐟𝐫𝐞𝐞 𝐦𝐨𝐧𝐞𝐲"): spammers use them to dodge filters.
        0x1D400..=0x1D6A3 => {
            let i = (cp - 0x1D400) % 52;
            let base = if i < 26 { b'a' + i as u8 } else { b'a' + (i - 26) as u8 };
            Folded::Char(base as char)
        }
        0x1D7CE..=0x1D7FF => Folded::Char((b'0' + ((cp - 0x1D7CE) % 10) as u8) as char),
        // Combining accents left over from decomposed text.
        0x0300..=0x036F => Folded::Drop,
        _ => Folded::Char(c),
    }
}

/// Is `c` part of a word? Letters and digits in any script; `_` joins words
/// in handles.
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Is there a word boundary at byte `at` of `s` on the side given?
/// `before == true` asks about the character just before `at`.
pub fn boundary(s: &str, at: usize, before: bool) -> bool {
    if before {
        s[..at].chars().next_back().is_none_or(|c| !is_word_char(c))
    } else {
        s[at..].chars().next().is_none_or(|c| !is_word_char(c))
    }
}

/// If byte `at` lies inside a hashtag token (`#word` with no space between
/// `#` and `at`), return the byte offset just after the `#`.
pub fn hashtag_start(s: &str, at: usize) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut i = at;
    while i > 0 {
        let b = bytes[i - 1];
        if b == b'#' {
            return Some(i);
        }
        if b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80 {
            i -= 1;
            continue;
        }
        return None;
    }
    None
}

/// The end of the word-ish token starting at or containing `at` (letters,
/// digits, `_`).
pub fn token_end(s: &str, at: usize) -> usize {
    let mut end = at;
    for (i, c) in s[at..].char_indices() {
        if !is_word_char(c) {
            return at + i;
        }
        end = at + i + c.len_utf8();
    }
    end
}

/// Byte offsets where words start in `s` (a word is a run of word characters).
pub fn word_starts(s: &str) -> Vec<u32> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(s.len() / 5 + 1);
    let mut in_word = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        // ASCII is decided from the byte; anything else by its character.
        let (w, len) = if b < 0x80 {
            (b.is_ascii_alphanumeric() || b == b'_', 1)
        } else {
            let c = s[i..].chars().next().unwrap_or(' ');
            (is_word_char(c), c.len_utf8())
        };
        if w && !in_word {
            out.push(i as u32);
        }
        in_word = w;
        i += len;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> String {
        Normalized::new(s).as_str().to_string()
    }

    #[test]
    fn folds_case_accents_quotes_and_dashes() {
        assert_eq!(norm("Top 3 dōTERRA Oils"), "top 3 doterra oils");
        assert_eq!(norm("It’s “FREE” — café"), "it's \"free\" - cafe");
        assert_eq!(norm("full-time\n\n income"), "full time income");
        assert_eq!(norm("9-5 job"), "9-5 job");
        assert_eq!(norm("𝐟𝐫𝐞𝐞 money"), "free money");
        assert_eq!(norm("ｆｒｅｅ"), "free");
        assert_eq!(norm("zero\u{200B}width"), "zerowidth");
    }

    #[test]
    fn maps_spans_back_to_the_original_text() {
        let original = "Café  “Quit your job” now";
        let n = Normalized::new(original);
        let start = n.as_str().find("quit").unwrap();
        let end = start + "quit your job".len();
        let (s, e) = n.to_original(original, start, end);
        assert_eq!(&original[s..e], "Quit your job");
    }

    #[test]
    fn fast_and_full_paths_agree() {
        for s in [
            "plain ascii text",
            "Two  spaces",
            "full-time",
            "trailing ",
            " leading",
            "tab\there",
            "UPPER case",
            "emoji 🎉 stays",
        ] {
            let n = Normalized::new(s);
            let mut slow = String::new();
            let mut last_space = true;
            for c in s.chars() {
                let c = if c == '-' { ' ' } else { c };
                if c.is_whitespace() {
                    if !last_space {
                        slow.push(' ');
                    }
                    last_space = true;
                } else {
                    slow.push(c.to_ascii_lowercase());
                    last_space = false;
                }
            }
            assert_eq!(n.as_str(), slow, "{s:?}");
            let (a, b) = n.to_original(s, 0, n.as_str().len());
            assert!(a <= b && b <= s.len());
        }
        assert_eq!(Normalized::new("Ünïcode “quotes”").as_str(), "unicode \"quotes\"");
    }

    #[test]
    fn finds_hashtag_tokens() {
        let s = "so #financialfreedom now";
        let at = s.find("freedom").unwrap();
        assert_eq!(hashtag_start(s, at), Some(4));
        assert_eq!(hashtag_start(s, s.find("now").unwrap()), None);
    }
}

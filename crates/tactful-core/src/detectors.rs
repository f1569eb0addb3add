//! Built-in checks over the whole text that phrases cannot express: shouting,
//! stuffing with emoji, hashtags, links or mentions, link-only posts, and a
//! disclosure that is present but buried. A pack picks a detector by name and
//! tunes it with `params`; the rule's documentation stays in the pack.

use std::collections::BTreeMap;

/// A configured detector.
#[derive(Debug, Clone)]
pub enum Detector {
    /// Most letters are capitals.
    Shouting { min_letters: usize, ratio: f64 },
    /// Too many emoji.
    EmojiStuffing { min_count: usize },
    /// Too many hashtags.
    HashtagStuffing { min_count: usize },
    /// Too many links.
    LinkStuffing { min_count: usize },
    /// Too many @mentions (tagging people to broadcast at them).
    MentionStuffing { min_count: usize },
    /// A link with (almost) nothing said around it.
    LinkOnly { max_words: usize },
    /// The rule's phrases (disclosures) appear only late in a long text or
    /// inside a wall of hashtags.
    Buried { after: usize, wall: usize },
    /// Never fires from the text alone: the rule documents a finding that
    /// the caller adds from context the text does not hold (the pitch gate).
    External,
}

const NAMES: &str = "shouting, emoji-stuffing, hashtag-stuffing, link-stuffing, mention-stuffing, link-only, buried, external";

impl Detector {
    pub fn new(name: &str, params: &BTreeMap<String, f64>) -> Result<Detector, String> {
        let allowed: &[(&str, f64)] = match name {
            "shouting" => &[("min_letters", 20.0), ("ratio", 0.7)],
            "emoji-stuffing" | "hashtag-stuffing" | "link-stuffing" | "mention-stuffing" => {
                &[("min_count", 0.0)]
            }
            "link-only" => &[("max_words", 3.0)],
            "buried" => &[("after", 125.0), ("wall", 4.0)],
            "external" => &[],
            other => return Err(format!("unknown detector `{other}`: expected one of {NAMES}")),
        };
        for k in params.keys() {
            if !allowed.iter().any(|(a, _)| a == k) {
                let names: Vec<_> = allowed.iter().map(|(a, _)| *a).collect();
                return Err(format!(
                    "detector `{name}` has no parameter `{k}`: expected {}",
                    names.join(", ")
                ));
            }
        }
        let get = |k: &str| {
            params
                .get(k)
                .copied()
                .unwrap_or_else(|| allowed.iter().find(|(a, _)| *a == k).map_or(0.0, |(_, d)| *d))
        };
        let count = |k: &str| -> Result<usize, String> {
            let v = get(k);
            if v < 1.0 {
                return Err(format!("detector `{name}` needs `params.{k}` of at least 1"));
            }
            Ok(v as usize)
        };
        Ok(match name {
            "shouting" => {
                let ratio = get("ratio");
                if !(0.0..=1.0).contains(&ratio) {
                    return Err("`params.ratio` must lie between 0 and 1".into());
                }
                Detector::Shouting { min_letters: count("min_letters")?, ratio }
            }
            "emoji-stuffing" => Detector::EmojiStuffing { min_count: count("min_count")? },
            "hashtag-stuffing" => Detector::HashtagStuffing { min_count: count("min_count")? },
            "link-stuffing" => Detector::LinkStuffing { min_count: count("min_count")? },
            "mention-stuffing" => Detector::MentionStuffing { min_count: count("min_count")? },
            "link-only" => Detector::LinkOnly { max_words: get("max_words") as usize },
            "external" => Detector::External,
            _ => Detector::Buried { after: count("after")?, wall: count("wall")? },
        })
    }

    /// Run over the original text; `anchors` are the rule's phrase hits (original
    /// offsets). Returns spans to flag, in original offsets.
    pub fn run(&self, text: &str, anchors: &[(usize, usize)]) -> Vec<(usize, usize)> {
        match *self {
            Detector::Shouting { min_letters, ratio } => {
                let (mut letters, mut upper) = (0usize, 0usize);
                for tok in text.split_ascii_whitespace() {
                    let first = tok.as_bytes()[0];
                    if first == b'#'
                        || first == b'@'
                        || (matches!(first, b'h' | b'H' | b'w' | b'W' | b'(' | b'[' | b'<' | b'"')
                            && is_link(tok))
                    {
                        continue;
                    }
                    for &b in tok.as_bytes() {
                        if b.is_ascii_alphabetic() {
                            letters += 1;
                            upper += usize::from(b.is_ascii_uppercase());
                        }
                    }
                    if !tok.is_ascii() {
                        for c in tok.chars().filter(|c| !c.is_ascii() && c.is_alphabetic()) {
                            letters += 1;
                            upper += usize::from(c.is_uppercase());
                        }
                    }
                }
                if letters >= min_letters && upper as f64 >= ratio * letters as f64 {
                    whole(text)
                } else {
                    vec![]
                }
            }
            Detector::EmojiStuffing { min_count } => {
                let at: Vec<(usize, usize)> = text
                    .char_indices()
                    .filter(|(_, c)| is_emoji(*c))
                    .map(|(i, c)| (i, i + c.len_utf8()))
                    .collect();
                span_if(&at, min_count)
            }
            Detector::HashtagStuffing { min_count } => {
                let at = token_spans(text, |t| {
                    t.len() > 1
                        && t.starts_with('#')
                        && t[1..].chars().next().is_some_and(char::is_alphanumeric)
                });
                span_if(&at, min_count)
            }
            Detector::LinkStuffing { min_count } => span_if(&token_spans(text, is_link), min_count),
            Detector::MentionStuffing { min_count } => span_if(
                &token_spans(text, |t| t.len() > 1 && t.starts_with('@') && !t.contains('.')),
                min_count,
            ),
            Detector::LinkOnly { max_words } => {
                let links = token_spans(text, is_link);
                if links.is_empty() {
                    return vec![];
                }
                let words = tokens(text)
                    .filter(|(_, t)| {
                        !is_link(t)
                            && !t.starts_with('#')
                            && !t.starts_with('@')
                            && t.chars().any(char::is_alphanumeric)
                    })
                    .count();
                if words <= max_words { whole(text) } else { vec![] }
            }
            Detector::External => vec![],
            Detector::Buried { after, wall } => {
                if anchors.is_empty() {
                    return vec![];
                }
                let tags = token_spans(text, |t| t.starts_with('#'));
                let in_wall = |(s, e): (usize, usize)| {
                    // Count hashtags in the unbroken run of tokens around the disclosure.
                    let mut run = 0;
                    let idx = tags.iter().position(|&(ts, te)| ts <= s && e <= te);
                    if let Some(i) = idx {
                        run = 1;
                        let mut j = i;
                        while j > 0 && only_space(&text[tags[j - 1].1..tags[j].0]) {
                            run += 1;
                            j -= 1;
                        }
                        let mut k = i;
                        while k + 1 < tags.len() && only_space(&text[tags[k].1..tags[k + 1].0]) {
                            run += 1;
                            k += 1;
                        }
                    }
                    run >= wall
                };
                let early = |(s, _): (usize, usize)| s < after || text[..s].chars().count() < after;
                // A disclosure that opens the text is seen first, whatever follows it.
                let opens = |(s, _): (usize, usize)| text[..s].trim().is_empty();
                let visible = anchors.iter().any(|&a| opens(a) || (early(a) && !in_wall(a)));
                if visible { vec![] } else { anchors.to_vec() }
            }
        }
    }
}

/// Byte counts of a text, taken in one pass and shared by every detector:
/// most texts are ruled out by them without tokenising.
#[derive(Debug, Clone, Copy, Default)]
pub struct ByteStats {
    upper: usize,
    high: usize,
    lead: usize,
    hash: usize,
    at: usize,
    slash: usize,
    dot: usize,
    breaks: usize,
}

impl ByteStats {
    pub fn of(text: &str) -> ByteStats {
        let mut s = ByteStats::default();
        for &b in text.as_bytes() {
            s.upper += usize::from(b.is_ascii_uppercase());
            s.high += usize::from(b >= 0x80);
            s.lead += usize::from(b >= 0xE2);
            s.hash += usize::from(b == b'#');
            s.at += usize::from(b == b'@');
            s.slash += usize::from(b == b'/');
            s.dot += usize::from(b == b'.');
            s.breaks += usize::from(b == b' ' || b == b'\n');
        }
        s
    }
}

impl Detector {
    /// Can this detector fire on a text with these byte counts?
    pub fn may_fire(&self, text: &str, s: &ByteStats) -> bool {
        match *self {
            // Non-ASCII bytes might be capitals too (É, Ä); count them as possible.
            Detector::Shouting { min_letters, ratio } => {
                (s.upper + s.high) as f64 >= (min_letters as f64 * ratio).floor()
            }
            Detector::EmojiStuffing { min_count } => s.lead >= min_count,
            Detector::HashtagStuffing { min_count } => s.hash >= min_count,
            Detector::MentionStuffing { min_count } => s.at >= min_count,
            // Every link has a dot and (almost always) a slash.
            Detector::LinkStuffing { min_count } => {
                s.slash >= min_count
                    && s.dot >= min_count
                    && text.matches("://").count() + text.matches("www.").count() >= min_count
            }
            // A link-only post is short: a few tokens at most.
            Detector::LinkOnly { max_words } => s.dot > 0 && s.breaks <= max_words * 3 + 8,
            Detector::Buried { .. } => true,
            Detector::External => false,
        }
    }
}

fn only_space(s: &str) -> bool {
    s.chars().all(char::is_whitespace)
}

fn whole(text: &str) -> Vec<(usize, usize)> {
    let start = text.len() - text.trim_start().len();
    let end = text.trim_end().len();
    if end > start { vec![(start, end)] } else { vec![] }
}

fn span_if(at: &[(usize, usize)], min_count: usize) -> Vec<(usize, usize)> {
    if at.len() >= min_count && !at.is_empty() { vec![(at[0].0, at[at.len() - 1].1)] } else { vec![] }
}

fn tokens(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split_whitespace().map(move |t| (t.as_ptr() as usize - text.as_ptr() as usize, t))
}

fn token_spans(text: &str, pred: impl Fn(&str) -> bool) -> Vec<(usize, usize)> {
    tokens(text).filter(|(_, t)| pred(t)).map(|(i, t)| (i, i + t.len())).collect()
}

fn is_link(t: &str) -> bool {
    let t = t.trim_start_matches(['(', '[', '<', '"']);
    let starts = |p: &str| t.len() >= p.len() && t.as_bytes()[..p.len()].eq_ignore_ascii_case(p.as_bytes());
    starts("http://") || starts("https://") || starts("www.") || {
        // bit.ly/x, linktr.ee/x: a dotted host followed by a path.
        let host = t.split('/').next().unwrap_or("");
        t.contains('/')
            && host.contains('.')
            && host.rsplit('.').next().is_some_and(|tld| {
                (2..=6).contains(&tld.len()) && tld.chars().all(|c| c.is_ascii_alphabetic())
            })
    }
}

/// Pictographic emoji (not digits, `#` or `*`, which are emoji bases too).
pub fn is_emoji(c: char) -> bool {
    matches!(c as u32, 0x1F300..=0x1FAFF | 0x2600..=0x27BF | 0x1F000..=0x1F2FF | 0x2B50 | 0x2B55 | 0x2B06 | 0x2934 | 0x2935 | 0x3030 | 0x303D)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn det(name: &str, params: &[(&str, f64)]) -> Detector {
        Detector::new(name, &params.iter().map(|(k, v)| ((*k).to_string(), *v)).collect()).unwrap()
    }

    #[test]
    fn shouting_needs_enough_capital_letters() {
        let d = det("shouting", &[]);
        assert_eq!(d.run("BUY NOW BEFORE IT IS GONE FOREVER", &[]).len(), 1);
        assert!(d.run("Love my NEW oils, they smell great", &[]).is_empty());
        assert!(d.run("OMG YES", &[]).is_empty(), "too short to be shouting");
    }

    #[test]
    fn link_only_posts_are_caught() {
        let d = det("link-only", &[]);
        assert_eq!(d.run("https://shop.example.com/x 🔥", &[]).len(), 1);
        assert!(d.run("Here is the recipe I promised you yesterday: https://example.com/r", &[]).is_empty());
    }

    #[test]
    fn buried_disclosure_is_flagged_only_when_late_or_in_a_wall() {
        let d = det("buried", &[]);
        let early = "#ad Loving this serum";
        assert!(d.run(early, &[(0, 3)]).is_empty());
        let wall = "Loving this serum #skin #glow #beauty #ad #love";
        let at = wall.find("#ad").unwrap();
        assert_eq!(d.run(wall, &[(at, at + 3)]).len(), 1);
        // Regression: the wall was measured around the first hashtag, not the disclosure's.
        let alone = "#skin #glow #beauty #love Loving this serum, #ad from @glowlab";
        let at = alone.find("#ad").unwrap();
        assert!(d.run(alone, &[(at, at + 3)]).is_empty());
    }

    #[test]
    fn unknown_detector_and_parameter_are_explained() {
        assert!(Detector::new("nope", &BTreeMap::new()).unwrap_err().contains("expected one of shouting"));
        let p = [("max".to_string(), 1.0)].into_iter().collect();
        assert!(Detector::new("shouting", &p).unwrap_err().contains("no parameter `max`"));
    }
}

//! The money scanner: finds amounts of money in normalised text.
//!
//! Earnings claims hide in many spellings: `$5k`, `$1,730`, `5,000 dollars`,
//! `€3.000`, `3.000€`, `$9,840US`, `1k/week`, `30k a month`. Spelled-out
//! amounts ("six figures", "ten thousand a month") are phrase lists in the
//! packs; this scanner handles amounts written with digits. It is a hand-written
//! linear pass, run only when the text holds a digit.

/// An amount of money found in normalised text, as a byte span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Amount {
    pub start: usize,
    pub end: usize,
}

const CURRENCY_SYMBOLS: [char; 6] = ['$', '€', '£', '¥', '₹', '₱'];
const CURRENCY_WORDS: [&str; 14] = [
    "dollars", "dollar", "usd", "us", "eur", "euros", "euro", "bucks", "grand", "pesos", "cad", "aud", "gbp",
    "k",
];
/// Words that may follow a bare `5k` and still make it money-like: a rate.
const RATE_WORDS: [&str; 9] = ["a", "per", "/", "every", "each", "in", "monthly", "weekly", "daily"];

/// Find every amount of money written with digits in `s` (normalised text).
pub fn scan(s: &str) -> Vec<Amount> {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        // A number starts here; skip if it is glued to letters before it (e.g. "mp3").
        let num_start = i;
        let glued_before = s[..i].chars().next_back().is_some_and(|c| c.is_alphabetic() || c == '_');
        let mut j = i;
        while j < bytes.len()
            && (bytes[j].is_ascii_digit()
                || ((bytes[j] == b',' || bytes[j] == b'.')
                    && j + 1 < bytes.len()
                    && bytes[j + 1].is_ascii_digit()))
        {
            j += 1;
        }
        let num_end = j;
        i = num_end;
        if glued_before {
            continue;
        }
        // Currency before the number: "$5", "$ 5", "us$5", "€3.000".
        let before = s[..num_start].trim_end_matches(' ');
        let symbol_before = before.chars().next_back().is_some_and(|c| CURRENCY_SYMBOLS.contains(&c));
        let start = if symbol_before {
            before.len() - before.chars().next_back().map_or(0, char::len_utf8)
        } else {
            num_start
        };
        // What follows: a multiplier ("k", "m", "million", "thousand") and/or a currency.
        let mut end = num_end;
        let mut rest = &s[num_end..];
        let mut has_multiplier = false;
        for m in ["k", "m", "million", "thousand", "mil", "grand"] {
            if let Some(r) =
                rest.strip_prefix(m).or_else(|| rest.strip_prefix(' ').and_then(|t| t.strip_prefix(m)))
            {
                if r.chars().next().is_none_or(|c| !c.is_alphanumeric()) {
                    end = s.len() - r.len();
                    rest = r;
                    has_multiplier = true;
                    break;
                }
            }
        }
        let mut currency_after = false;
        let trimmed = rest.trim_start_matches(' ');
        if let Some(c) = trimmed.chars().next() {
            if CURRENCY_SYMBOLS.contains(&c) {
                currency_after = true;
                end = s.len() - trimmed.len() + c.len_utf8();
            } else {
                for w in CURRENCY_WORDS {
                    if w == "k" {
                        continue;
                    }
                    if let Some(r) = trimmed.strip_prefix(w) {
                        if r.chars().next().is_none_or(|c| !c.is_alphanumeric()) {
                            // "us" alone is money only right after the digits ("$9,840us").
                            if w == "us" && !(symbol_before && trimmed.len() == rest.len()) {
                                continue;
                            }
                            currency_after = true;
                            end = s.len() - r.len();
                            break;
                        }
                    }
                }
            }
        }
        let is_money = if symbol_before || currency_after {
            true
        } else if has_multiplier {
            // A bare "30k" counts only as a rate: "30k a month", "1k/week".
            let next = s[end..].trim_start_matches(' ');
            RATE_WORDS.iter().any(|w| {
                next.strip_prefix(w)
                    .is_some_and(|r| *w == "/" || r.chars().next().is_none_or(|c| !c.is_alphanumeric()))
            })
        } else {
            false
        };
        if is_money {
            out.push(Amount { start, end });
            i = end;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn amounts(s: &str) -> Vec<&str> {
        scan(s).into_iter().map(|a| &s[a.start..a.end]).collect()
    }

    #[test]
    fn finds_amounts_in_their_many_spellings() {
        assert_eq!(amounts("made $5k last month"), vec!["$5k"]);
        assert_eq!(amounts("5,000 dollars"), vec!["5,000 dollars"]);
        assert_eq!(amounts("€3.000 and 3.000€"), vec!["€3.000", "3.000€"]);
        assert_eq!(amounts("an extra $800 a month"), vec!["$800"]);
        assert_eq!(amounts("1k/week"), vec!["1k"]);
        assert_eq!(amounts("$9,840us per month!"), vec!["$9,840us"]);
        assert_eq!(amounts("almost 30k a month"), vec!["30k"]);
        assert_eq!(amounts("$ 2,047.00 without"), vec!["$ 2,047.00"]);
        assert_eq!(amounts("$1.5 million"), vec!["$1.5 million"]);
    }

    #[test]
    fn leaves_plain_numbers_alone() {
        assert!(amounts("I ran 5k today").is_empty());
        assert!(amounts("top 3 oils for 10 days").is_empty());
        assert!(amounts("call me at 555-1234").is_empty());
        assert!(amounts("mp3 player").is_empty());
    }
}

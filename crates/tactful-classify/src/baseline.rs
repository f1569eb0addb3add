//! Keyword baselines: what a person would write in ten minutes without any
//! training data. `tactful eval-heads` and the trainer report them beside the
//! models, measured in the same run, so a model's figures have a floor to be
//! compared with.

use crate::Head;

const SPAM: &[&str] = &[
    "free",
    "win",
    "winner",
    "won",
    "prize",
    "claim",
    "cash",
    "urgent",
    "call now",
    "txt",
    "text ",
    "subscribe",
    "check out my",
    "check my",
    "my channel",
    "click",
    "http",
    "www.",
    ".com",
    "offer",
    "guaranteed",
    "giveaway",
    "airdrop",
    "dm me",
    "limited time",
    "act now",
    "reply stop",
];

const REQUEST: &[&str] = &[
    "?",
    "help",
    "not working",
    "doesn't work",
    "does not work",
    "broken",
    "refund",
    "never",
    "still",
    "worst",
    "cancel",
    "delayed",
    "waiting",
    "issue",
    "problem",
    "complain",
    "why",
    "how do",
    "can you",
    "where is",
    "order",
    "fix",
    "can't",
    "cannot",
    "unable",
    "disappointed",
    "terrible",
];

const PROMO: &[&str] = &[
    "buy",
    "shop",
    "sale",
    "% off",
    "discount",
    "order now",
    "free shipping",
    "link in bio",
    "deal",
    "offer",
    "price",
    "win",
    "prize",
    "subscribe",
    "check out",
    "http",
    "limited",
    "new collection",
    "book now",
    "sign up",
];
const INFO: &[&str] = &[
    "news",
    "how to",
    "tips",
    "learn",
    "report",
    "study",
    "research",
    "announce",
    "update",
    "guide",
    "support",
    "donate",
    "help",
    "health",
    "covid",
    "information",
    "read more",
];
const PERSONAL: &[&str] = &[
    " i ", "i'm", "im ", " me ", " my ", " u ", " ur ", "love you", "tonight", "tomorrow", "home", "lol",
    "haha", "mom", "dad", "sorry", "ok ", "later",
];

/// The words a reader scanning for disease claims would look for first.
const HEALTH: &[&str] = &[
    "cure",
    "cures",
    "cured",
    "heal",
    "treat",
    "prevent",
    "cancer",
    "diabetes",
    "covid",
    "coronavirus",
    "virus",
    "disease",
    "arthritis",
    "anxiety",
    "depression",
    "blood pressure",
    "immune",
];
/// The words of an earnings claim: money made, jobs quit, riches.
const EARNINGS: &[&str] = &[
    "$",
    "income",
    "earn",
    "quit my job",
    "financial freedom",
    "millionaire",
    "commission",
    "paycheck",
    "six figure",
    "retire",
    "bonus",
    "make money",
];

fn any(text: &str, words: &[&str]) -> bool {
    words.iter().any(|w| text.contains(w))
}

/// The baseline's class index for `text` (in the order of [`Head::classes`]).
pub fn keyword_class(head: Head, text: &str) -> usize {
    let t = format!(" {} ", text.to_lowercase());
    match head {
        Head::Spam => usize::from(any(&t, SPAM)),
        Head::CustomerRequest => usize::from(any(&t, REQUEST)),
        Head::HealthClaim => usize::from(any(&t, HEALTH)),
        Head::EarningsClaim => usize::from(any(&t, EARNINGS)),
        Head::ContentKind => {
            if any(&t, PROMO) {
                0
            } else if any(&t, INFO) {
                1
            } else if any(&t, PERSONAL) {
                2
            } else {
                3
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn obvious_cases() {
        assert_eq!(keyword_class(Head::Spam, "WINNER! Claim your FREE prize, txt WIN to 80086"), 1);
        assert_eq!(keyword_class(Head::Spam, "see you at dinner"), 0);
        assert_eq!(keyword_class(Head::CustomerRequest, "Where is my order? It's been 3 weeks"), 1);
        assert_eq!(keyword_class(Head::ContentKind, "Big sale this weekend, 20% off everything"), 0);
        assert_eq!(keyword_class(Head::ContentKind, "i'm on my way home"), 2);
    }
}

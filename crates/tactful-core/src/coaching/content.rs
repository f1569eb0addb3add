//! Content mix: each of your posts gets a kind (promotional,
//! informational, personal, off-topic) from a classifier, counted per month
//! with the promotional share. Owns [`ContentKind`], [`MonthMix`], the
//! default keyword classifier ([`classify_post`], [`content_cue`]) and its
//! word lists.

use std::collections::BTreeMap;

use super::{
    DEF_KIND, DEF_POSTS, DEF_PROMO_SHARE, Metric, canon, count_metric, counted, first_phrase, month,
    share_metric,
};
use crate::history::ItemKind;
use crate::relationships::{ItemView, is_pitch};

/// The kind of a post, for the content mix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ContentKind {
    Promotional,
    Informational,
    Personal,
    OffTopic,
}

crate::words!(ContentKind {
    Promotional => "promotional",
    Informational => "informational",
    Personal => "personal",
    OffTopic => "off-topic",
});

/// The content mix of one month.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthMix {
    /// `YYYY-MM`.
    pub month: String,
    /// All your posts of the month.
    pub posts: Metric,
    /// Posts of each kind, in [`ContentKind::ALL`] order.
    pub kinds: Vec<(ContentKind, Metric)>,
    /// Promotional ÷ all posts.
    pub promotional_share: Metric,
}

/// Selling words that make a post promotional even when it is not a full
/// pitch ([`pitch_cue`](crate::relationships::pitch_cue)).
const PROMO_WORDS: &[&str] = &[
    "buy",
    "shop",
    "sale",
    "discount",
    "promo",
    "giveaway",
    "in stock",
    "restocked",
    "back in stock",
    "dm me",
    "message me",
    "available now",
    "new product",
    "launch",
    "launching",
    "pre order",
    "preorder",
    "% off",
    "free shipping",
    "join my team",
];
/// Off-topic for a business channel: politics, religion, gossip, memes,
/// chain posts.
const OFF_TOPIC_WORDS: &[&str] = &[
    "election",
    "vote",
    "voting",
    "president",
    "politics",
    "political",
    "democrats",
    "republicans",
    "liberals",
    "conservatives",
    "government",
    "church",
    "prayer",
    "pray",
    "religion",
    "meme",
    "gossip",
    "drama",
    "share if",
    "copy and paste",
    "amen",
    "conspiracy",
];
/// Teaching and useful information.
const INFO_WORDS: &[&str] = &[
    "how to",
    "tip",
    "tips",
    "learn",
    "guide",
    "did you know",
    "step",
    "steps",
    "recipe",
    "tutorial",
    "ways to",
    "here's how",
    "mistakes",
    "research",
    "study",
    "faq",
    "explained",
    "myth",
    "facts",
    "lesson",
    "webinar",
    "checklist",
    "benefits of",
    "why",
];
/// Life and the person behind the business.
const PERSONAL_WORDS: &[&str] = &[
    "my family",
    "my kids",
    "my husband",
    "my wife",
    "my son",
    "my daughter",
    "my mom",
    "my dad",
    "my dog",
    "my cat",
    "birthday",
    "anniversary",
    "vacation",
    "holiday",
    "grateful",
    "thankful",
    "weekend",
    "morning walk",
    "our family",
    "throwback",
    "memories",
    "date night",
];

/// The kind of a post and why, by the default keyword rule, tested in this
/// order on the normalised words:
///
/// 1. **promotional**: it pitches ([`is_pitch`]) or uses a selling word
///    (buy, shop, sale, discount, promo, giveaway, in stock, dm me, message
///    me, available now, new product, launch, pre-order, % off, free
///    shipping, join my team);
/// 2. **off-topic**: politics, religion, memes, gossip or chain posts
///    (election, vote, president, politics, government, church, pray,
///    religion, meme, gossip, drama, share if, copy and paste, …);
/// 3. **informational**: teaching (how to, tip(s), learn, guide, did you
///    know, step(s), recipe, tutorial, ways to, mistakes, research, study,
///    faq, myth, facts, lesson, webinar, checklist, benefits of, why);
/// 4. **personal**: family, pets, birthdays, holidays, gratitude, weekend,
///    throwback, …;
/// 5. no cue at all: **personal** (a post that neither sells, teaches nor
///    strays off-topic is taken as about you and your life).
pub fn content_cue(text: &str) -> (ContentKind, String) {
    if is_pitch(text) {
        return (ContentKind::Promotional, "it pitches a product or the opportunity".to_string());
    }
    let c = canon(text);
    let lists: [(ContentKind, &[&str]); 4] = [
        (ContentKind::Promotional, PROMO_WORDS),
        (ContentKind::OffTopic, OFF_TOPIC_WORDS),
        (ContentKind::Informational, INFO_WORDS),
        (ContentKind::Personal, PERSONAL_WORDS),
    ];
    for (kind, words) in lists {
        if let Some(w) = first_phrase(&c, words) {
            return (kind, format!("\"{w}\""));
        }
    }
    (ContentKind::Personal, "no selling, teaching or off-topic words".to_string())
}

/// The default classifier: [`content_cue`] without the reason.
pub fn classify_post(text: &str) -> ContentKind {
    content_cue(text).0
}

/// Content mix per month (sorted by month) of the owner's posts, classified
/// by `classify` (pass `&classify_post` for the default).
pub fn content_mix(
    items: &[ItemView<'_>],
    classify: &dyn Fn(&str) -> ContentKind,
    now: i64,
) -> Vec<MonthMix> {
    let mut by_month: BTreeMap<String, Vec<(ContentKind, i64)>> = BTreeMap::new();
    for item in items.iter().filter(|i| i.kind == ItemKind::Post && i.by_owner && counted(i, now)) {
        by_month.entry(month(item.at)).or_default().push((classify(item.text), item.id));
    }
    by_month
        .into_iter()
        .map(|(m, posts)| {
            let all: Vec<i64> = posts.iter().map(|p| p.1).collect();
            let of =
                |k: ContentKind| -> Vec<i64> { posts.iter().filter(|p| p.0 == k).map(|p| p.1).collect() };
            let kinds = ContentKind::ALL
                .into_iter()
                .map(|k| {
                    let name = match k {
                        ContentKind::Promotional => "promotional posts",
                        ContentKind::Informational => "informational posts",
                        ContentKind::Personal => "personal posts",
                        ContentKind::OffTopic => "off-topic posts",
                    };
                    (k, count_metric(name, "posts", DEF_KIND, of(k)))
                })
                .collect();
            let promo = of(ContentKind::Promotional).len();
            MonthMix {
                posts: count_metric("posts", "posts", DEF_POSTS, all.clone()),
                promotional_share: share_metric(
                    "promotional share",
                    promo,
                    all.len(),
                    "posts promotional",
                    DEF_PROMO_SHARE,
                    all,
                ),
                kinds,
                month: m,
            }
        })
        .collect()
}

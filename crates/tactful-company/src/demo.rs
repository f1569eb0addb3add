//! A made-up company for `tactful company demo`: a roster of a few hundred
//! distributors under one founder, a month of their posts (most clean, some
//! with claims, one claim pasted by many) and a later feed in which some of
//! them edited their posts clean. Generated from a seed, so the same seed
//! always gives the same company; every name and text here is invented.

use std::fmt::Write as _;

use tactful_core::seeded::Rng;

/// The company's policy for the demo.
pub const POLICY: &str = r##"brands = ["Glowa"]
products = ["Calm Drops", "Night Serum", "Glow Shake"]
disclosures = ["#ad", "#glowapartner", "independent Glowa distributor"]
approved = ["Night Serum contains vitamin E, which helps skin feel soft."]
escalate_after_days = 7
compliance_lead = "compliance@glowa.example"
lesson_url = "https://learn.glowa.example/lessons/{lesson}"
"##;

/// The core's seeded sequence (SplitMix64), with what the demo asks of it:
/// the demo must not change between runs or machines.
struct Dice(Rng);

impl Dice {
    /// 0..n.
    fn below(&mut self, n: usize) -> usize {
        self.0.index(n.max(1))
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len())]
    }

    /// True `per` times in 100.
    fn chance(&mut self, per: usize) -> bool {
        self.below(100) < per
    }
}

const FIRST: &[&str] = &[
    "Ada", "Bea", "Cal", "Dina", "Eli", "Faye", "Gus", "Hana", "Ivo", "Jola", "Kit", "Lale", "Milo", "Nell",
    "Odo", "Pia", "Quin", "Rosa", "Saul", "Tova", "Uma", "Vik", "Wren", "Xena", "Yara", "Zane", "Amaro",
    "Brisa", "Corin", "Delphi", "Emrys", "Fenna", "Galen", "Hester", "Isolde", "Jarek",
];
const LAST: &[&str] = &[
    "Ashgrove",
    "Brambell",
    "Corrow",
    "Dunmore",
    "Elsby",
    "Fairhame",
    "Gossett",
    "Hollin",
    "Ivesdale",
    "Jessop",
    "Kettering",
    "Lowther",
    "Marwood",
    "Nettleby",
    "Oakhurst",
    "Pellow",
    "Quarrie",
    "Rushby",
    "Stenning",
    "Tamworth",
    "Underhay",
    "Venning",
    "Whitlow",
    "Yarrow",
];
const COUNTRIES: &[&str] = &["US", "US", "US", "CA", "GB", "AU", "IE", "NZ"];

/// Everyday posts that need no note.
const CLEAN: &[&str] = &[
    "Sunday pancakes with the kids, the little one insisted on sprinkles.",
    "Rainy walk with the dog this morning. Worth it for the puddles.",
    "Tried the Night Serum for the first time tonight, loving the smell. #glowapartner",
    "Our team met up for coffee and a chat about the autumn range, such lovely people.",
    "New recipe night: lentil soup with far too much garlic. No regrets.",
    "Happy birthday to my best friend of twenty years! Cake photos to follow.",
    "The garden finally has tomatoes. Three of them. I am very proud.",
    "#ad The Glow Shake in vanilla is back in stock. I have it with oat milk after the gym.",
    "Packing boxes for tomorrow's orders with a podcast on, a quiet and happy evening.",
    "Anyone have a good book for a long train ride? Taking suggestions.",
    "Frosty start today, first scarf of the season is out.",
    "Independent Glowa distributor here: the Calm Drops gift set comes in a tin this year, so pretty.",
    "Thank you to everyone who came to the little market stall on Saturday!",
    "School run done, second coffee on, let's go.",
    "Watching the sunset from the pier, no filter needed.",
    "Moved the furniture around and now the cat is offended.",
    "Learning to knit. It is going slowly. Very slowly.",
    "#glowapartner Night Serum contains vitamin E, which helps skin feel soft. It is my winter favourite.",
    "Our local library has a seed swap this week, brought home some sunflowers.",
    "Family quiz night, and I lost to my nine-year-old again.",
];

/// Posts a company would want changed, each with the edit that fixes it.
const CLAIMS: &[(&str, &str)] = &[
    (
        "These Calm Drops cured my anxiety in two weeks, I stopped my tablets! #glowapartner",
        "I put a few Calm Drops in my evening tea, it is a nice wind-down ritual. #glowapartner",
    ),
    (
        "My psoriasis is gone since I started the Night Serum, better than any cream the doctor gave me #ad",
        "#ad The Night Serum feels lovely on my skin after a long day outside.",
    ),
    (
        "Made $6,000 last month from my phone. Quit your job and join my team!",
        "I enjoy this little business alongside my job. Ask me what it involves, results vary.",
    ),
    (
        "I fired my boss and now earn a full-time income working two hours a day. DM me to find out how!",
        "Happy to chat about what selling with Glowa is really like, the good and the hard parts. #glowapartner",
    ),
    (
        "Guaranteed results in 7 days or your money back, the number one shake in the world! #ad",
        "#ad I like the Glow Shake after a run. Everyone is different, give it a fair try.",
    ),
    ("Loving my new Glowa Night Serum, link in bio!", "#ad Loving my new Glowa Night Serum, link in bio!"),
    (
        "ONLY 3 SPOTS LEFT!!! Message me in the next hour or miss out forever!",
        "My skincare class next week still has room, message me if you would like to come.",
    ),
    (
        "The Glow Shake melted 20 pounds off me in a month, no diet needed! #ad",
        "#ad The Glow Shake is my quick breakfast on busy mornings.",
    ),
];

/// The claim pasted by many: a message from "upline", copied word for word
/// with a greeting or an emoji added.
const PASTED: &str = "Calm Drops cured my insomnia and my doctor took me off my sleeping pills! Message me to try them. #glowapartner";
const PASTED_FIX: &str =
    "Calm Drops are part of my bedtime routine now. Message me if you would like to try them. #glowapartner";
const GREETINGS: &[&str] = &["", "Hi friends! ", "Morning all! ", "So excited to share: ", "Ladies! "];
const TAILS: &[&str] = &["", " 💜", " 🙌", " ✨✨"];

/// One post of the demo feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Post {
    pub post_id: String,
    pub handle: String,
    /// Unix seconds.
    pub posted_at: i64,
    pub text: String,
    /// What the author edits it to later (claims only, and only some).
    pub fix: Option<String>,
    /// The fix comes only after the upline's nudge.
    pub late: bool,
}

/// The demo company: its roster (CSV), its posts, and the edits.
#[derive(Debug, Clone)]
pub struct Company {
    pub roster_csv: String,
    pub posts: Vec<Post>,
}

impl Company {
    /// `distributors` people (at least 2) and their posts over the 30 days
    /// before `now`.
    pub fn generate(seed: u64, distributors: usize, now: i64) -> Company {
        let n = distributors.max(2);
        let mut dice = Dice(Rng(seed));
        let mut roster = String::from("id,name,email,upline_id,rank,country,joined,instagram,facebook\n");
        let mut handles = Vec::with_capacity(n);
        for i in 0..n {
            let (first, last) = (dice.pick(FIRST), dice.pick(LAST));
            let id = format!("G{:04}", i + 1);
            // Sponsors are mostly recent joiners, as in a growing company.
            let upline = if i == 0 { String::new() } else { format!("G{:04}", i - dice.below(i.min(40))) };
            let rank = match i {
                0 => "Diamond",
                1..=5 => "Gold",
                _ if dice.chance(15) => "Silver",
                _ if dice.chance(40) => "Bronze",
                _ => "Member",
            };
            let handle = format!("{}_{}{}", first.to_lowercase(), last.to_lowercase(), i + 1);
            // One in twenty gave no email: their notices are refused by name.
            let email = if i > 0 && dice.chance(5) {
                String::new()
            } else {
                format!("{handle}@example.com").replace('_', ".")
            };
            let facebook = if dice.chance(30) {
                format!("https://facebook.com/{}.{}.{}", first, last, i + 1).to_lowercase()
            } else {
                String::new()
            };
            let joined = tactful_app::clock::rfc3339(now - (800 - (i as i64 * 700 / n as i64)) * 86_400);
            let _ = writeln!(
                roster,
                "{id},{first} {last},{email},{upline},{rank},{},{},@{handle},{facebook}",
                dice.pick(COUNTRIES),
                &joined[..10]
            );
            handles.push(handle);
        }
        let mut posts = Vec::new();
        let start = now - 30 * 86_400;
        let mut post = |dice: &mut Dice, handle: &str, text: String, fix: Option<String>| {
            let id = format!("{}", 9_000_000 + posts.len());
            let late = fix.is_some() && dice.chance(30);
            posts.push(Post {
                post_id: id,
                handle: handle.to_string(),
                posted_at: start + dice.below(30 * 86_400 - 3600) as i64,
                text,
                fix,
                late,
            });
        };
        for h in &handles {
            for _ in 0..dice.below(5) {
                if dice.chance(10) {
                    let (claim, fix) = CLAIMS[dice.below(CLAIMS.len())];
                    let fixed = dice.chance(50).then(|| fix.to_string());
                    post(&mut dice, h, claim.to_string(), fixed);
                } else {
                    let text = dice.pick(CLEAN).to_string();
                    post(&mut dice, h, text, None);
                }
            }
            // One in twelve pasted the upline's message.
            if dice.chance(8) {
                let text = format!("{}{PASTED}{}", dice.pick(GREETINGS), dice.pick(TAILS));
                let fixed = dice.chance(40).then(|| PASTED_FIX.to_string());
                post(&mut dice, h, text, fixed);
            }
        }
        // A few authors on nobody's roster entry: the unattributed list.
        for (i, stranger) in ["glow_fan_77", "skincare.daily", "bargain_hunter_uk"].iter().enumerate() {
            let (claim, _) = CLAIMS[i];
            post(&mut dice, stranger, claim.to_string(), None);
            let text = dice.pick(CLEAN).to_string();
            post(&mut dice, stranger, text, None);
        }
        posts.sort_by(|a, b| a.posted_at.cmp(&b.posted_at).then_with(|| a.post_id.cmp(&b.post_id)));
        Company { roster_csv: roster, posts }
    }

    /// The month's feed, as a social-listening export (JSONL).
    pub fn feed(&self) -> String {
        Company::jsonl(self.posts.iter().map(|p| (p, p.text.as_str())))
    }

    /// A later feed: the posts their authors edited clean, with the new
    /// text; `late`: those edited only after their upline's nudge.
    pub fn edits(&self, late: bool) -> String {
        Company::jsonl(
            self.posts.iter().filter(|p| p.late == late).filter_map(|p| Some((p, p.fix.as_deref()?))),
        )
    }

    fn jsonl<'a>(rows: impl Iterator<Item = (&'a Post, &'a str)>) -> String {
        let mut out = String::new();
        for (p, text) in rows {
            let line = serde_json::json!({
                "network": "instagram",
                "post_id": p.post_id,
                "url": format!("https://instagram.com/p/{}/", p.post_id),
                "author_handle": format!("@{}", p.handle),
                "posted_at": tactful_app::clock::rfc3339(p.posted_at),
                "text": text,
            });
            let _ = writeln!(out, "{line}");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_company_and_another_seed_another() {
        let now = 1_795_338_000;
        let a = Company::generate(7, 300, now);
        let b = Company::generate(7, 300, now);
        assert_eq!((a.roster_csv.as_str(), a.feed()), (b.roster_csv.as_str(), b.feed()));
        assert_ne!(Company::generate(8, 300, now).feed(), a.feed());
        assert_eq!(a.roster_csv.lines().count(), 301);
        let claims = a
            .posts
            .iter()
            .filter(|p| CLAIMS.iter().any(|(c, _)| p.text == *c) || p.text.contains(PASTED))
            .count();
        assert!(a.posts.len() > 500, "{}", a.posts.len());
        assert!(
            claims * 5 < a.posts.len() && claims > 20,
            "mostly clean, some claims: {claims} of {}",
            a.posts.len()
        );
        assert!(a.posts.iter().all(|p| p.posted_at < now && p.posted_at >= now - 30 * 86_400));
        assert!(!a.edits(false).is_empty() && !a.edits(true).is_empty());
    }

    #[test]
    fn the_roster_imports_cleanly() {
        let c = Company::generate(1, 250, 1_795_338_000);
        let parsed = crate::roster::parse("roster.csv", c.roster_csv.as_bytes()).unwrap();
        let plan = crate::roster::plan(&parsed, &std::collections::BTreeMap::new());
        assert!(plan.problems.is_empty(), "{:?}", plan.problems);
        assert!(parsed.rows.iter().all(Result::is_ok) && parsed.ignored_columns.is_empty());
    }

    #[test]
    fn every_fix_checks_clean_and_every_claim_is_found() {
        let checker = tactful_app::Checker::builtin();
        let policy = crate::policy::Policy::parse("policy.toml", POLICY).unwrap();
        let judge = |t: &str| policy.judge(t, checker.check(t, tactful_core::Channel::Post));
        let mut wrong = Vec::new();
        for (claim, fix) in CLAIMS.iter().chain([&(PASTED, PASTED_FIX)]) {
            if judge(claim).is_empty() {
                wrong.push(format!("not found: {claim}"));
            }
            if !judge(fix).is_empty() {
                wrong.push(format!("{fix}: {:?}", judge(fix)));
            }
        }
        for t in CLEAN {
            if !judge(t).is_empty() {
                wrong.push(format!("{t}: {:?}", judge(t)));
            }
        }
        assert!(wrong.is_empty(), "{wrong:#?}");
    }
}

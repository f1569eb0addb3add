//! Lessons: one short lesson per rule category, given to a distributor with
//! each notice (a repeat offender gets it again) and completed by passing its
//! quiz. A lesson says what the rules of its category protect, shows a bad
//! and a better post, and points at the guidance behind it.
//!
//! The words of each lesson are written here, in plain language; what the
//! rule registry already says is read from it (the first rule of the
//! category with an explanation gives "why" and "instead", the first with a
//! reference gives the guidance link, and one rule's own flag and pass
//! examples become a quiz question), so a company pack's rules teach too.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use tactful_core::{Category, Engine};
use tactful_store::Arg;
use tactful_store::people::Db;

use crate::audit::Chain;
use crate::{Actor, Error};

/// A quiz question: the choices, and which one is right.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Question {
    pub prompt: String,
    pub choices: Vec<String>,
    /// Index into `choices`.
    pub answer: usize,
}

/// One lesson, for one rule category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Lesson {
    /// The category's name (`health`): how notices and commands name it.
    pub id: &'static str,
    pub title: &'static str,
    /// What the rules of this category protect, and whom.
    pub protects: &'static str,
    pub bad: &'static str,
    pub better: &'static str,
    /// From the rule registry: why it matters and what to write instead.
    pub why: Option<String>,
    pub instead: Option<String>,
    /// From the rule registry: where the guidance behind it is.
    pub guidance: Option<String>,
    /// The rule codes of the category, for the record.
    pub rules: Vec<String>,
    pub quiz: Vec<Question>,
}

/// The hand-written part of a lesson.
struct Text {
    category: Category,
    title: &'static str,
    protects: &'static str,
    bad: &'static str,
    better: &'static str,
    /// Two questions: prompt, the right answer, then two wrong ones.
    questions: [(&'static str, &'static str, &'static str, &'static str); 2],
}

const TEXTS: &[Text] = &[
    Text {
        category: Category::Income,
        title: "Talking about money",
        protects: "People who read your post and decide to join. Most people who join earn little or nothing, so a big number or \"quit your job\" sets them up to lose money and trust, and the company answers for it.",
        bad: "Made $4,200 this month working from my phone. You could fire your boss by spring!",
        better: "This business adds a little to my month. Results vary a lot, so ask me for the company's income disclosure before you decide.",
        questions: [
            (
                "Why is a post about your best month a problem?",
                "It makes a rare result look normal, so people join expecting it",
                "Numbers are never allowed on social media",
                "It annoys your upline",
            ),
            (
                "What can you say about earnings?",
                "That results vary, with a link to the company's income disclosure",
                "That anyone can replace a salary within a year",
                "How much your best recruit made last week",
            ),
        ],
    },
    Text {
        category: Category::Lifestyle,
        title: "Cars, trips and the good life",
        protects: "Readers who take a photo of a car, a beach or a big house as a promise of what the business pays. It is an earnings claim without the numbers.",
        bad: "Picked up my new car today, all thanks to this business! Who wants a life like mine?",
        better: "Grateful for the friends I have made on the team this year. Happy to tell you honestly what the work looks like.",
        questions: [
            (
                "Why does a photo of a bonus car count like an income claim?",
                "Readers take it as proof of what they would earn",
                "Cars are another company's brand",
                "Photos are never checked",
            ),
            (
                "Which is the safer way to share a holiday?",
                "Holiday photos with no link to the business",
                "\"This is what freedom looks like, join me\"",
                "\"The business paid for all of this\"",
            ),
        ],
    },
    Text {
        category: Category::Health,
        title: "Health claims",
        protects: "Someone with a real illness who might skip a treatment because a post said a product cures it. Only a tested and approved medicine may say it treats a disease.",
        bad: "These drops cured my migraines, so I threw my prescription away!",
        better: "I like a few of these drops in my evening tea. Please talk to your doctor about anything to do with your health.",
        questions: [
            (
                "Which words turn a post into a disease claim?",
                "cures, treats, heals, replaces my medicine",
                "tasty, calm, part of my routine",
                "new, limited, my favourite",
            ),
            (
                "A friend asks whether the product will help her diabetes. What do you answer?",
                "Please ask your doctor; I can only say how I use it myself",
                "Yes, it worked for my aunt",
                "Stop your tablets for a month and see",
            ),
        ],
    },
    Text {
        category: Category::Disclosure,
        title: "Saying that you earn from it",
        protects: "A reader's right to know that you earn when they buy. A glowing review reads differently once you know the writer is paid.",
        bad: "Honestly the best serum I have ever used, link in bio!",
        better: "#ad I sell this serum as an independent distributor, and it is the one I use every night. Link in bio.",
        questions: [
            (
                "Where should the disclosure go?",
                "At the start, where it is seen without tapping \"more\"",
                "In a comment under the post",
                "Only in your profile",
            ),
            (
                "Which counts as a clear disclosure?",
                "\"I'm an independent distributor and earn from sales\"",
                "#sp hidden among twenty hashtags",
                "A heart emoji",
            ),
        ],
    },
    Text {
        category: Category::Solicitation,
        title: "Pushy selling",
        protects: "Trust in you and in everyone who sells for the company. Countdowns that never end and \"last chance\" pressure push people to buy before they think.",
        bad: "ONLY 3 SPOTS LEFT!!! Message me in the next hour or miss out forever!",
        better: "The autumn set is in stock this month. Send me a message if you would like to hear more, no rush.",
        questions: [
            (
                "What is wrong with a deadline you made up?",
                "It pressures people with something that is not true",
                "Deadlines must be given in UTC",
                "Nothing: urgency sells",
            ),
            (
                "Which invitation respects the reader?",
                "\"Happy to answer questions whenever it suits you\"",
                "\"DM me NOW\"",
                "\"Tag ten friends who need this\"",
            ),
        ],
    },
    Text {
        category: Category::Spam,
        title: "Posts that read like spam",
        protects: "Your reach and your friends' feeds. Walls of hashtags, capital letters and link-only posts are hidden by the networks and muted by people.",
        bad: "BUY NOW!!! #health #wealth #money #boss #free #win #love https://shop.example",
        better: "Tried the new hand cream after a day in the garden and my skin feels so much better. The shop link is in my profile if you are curious.",
        questions: [
            (
                "Why do networks hide posts stuffed with hashtags and links?",
                "They look like spam, so fewer people are shown them",
                "Hashtags cost money",
                "They are only hidden at weekends",
            ),
            (
                "Which post is likely to be read?",
                "A short post in your own words with one link",
                "A post in capitals with ten links",
                "The same text pasted into twenty groups",
            ),
        ],
    },
    Text {
        category: Category::Exaggeration,
        title: "Promises nobody can keep",
        protects: "Readers who take \"guaranteed\" and \"number one\" at face value. A promise you cannot prove is one the company is held to.",
        bad: "Guaranteed results in 7 days, the number one product in the world!",
        better: "I noticed a difference after a few weeks. Everyone is different, so give it a fair try and see.",
        questions: [
            (
                "What makes \"guaranteed results\" a problem?",
                "No product works the same for everyone, so the promise cannot be kept",
                "It is too long for a post",
                "The word is someone's trademark",
            ),
            (
                "Which sentence keeps to what you can back up?",
                "\"It works for me; results differ from person to person\"",
                "\"Proven to work for everyone\"",
                "\"The best on the market, no contest\"",
            ),
        ],
    },
    Text {
        category: Category::Overshare,
        title: "Private details on a business page",
        protects: "Your privacy and your family's. Medical, bodily or family details in a sales post make readers uneasy and cannot be taken back.",
        bad: "After my operation the wound wept for weeks (photos below), but this balm fixed it!",
        better: "I am taking some time to rest this month. Back with new products soon.",
        questions: [
            (
                "Why keep medical details out of a sales post?",
                "They are private, and they make readers uneasy",
                "They sell more",
                "Networks charge extra for them",
            ),
            (
                "Your child's rash cleared up. What can you share?",
                "Nothing about the rash; speak about the product in general terms",
                "A close-up of the rash with the product's name",
                "Their name and school, with the story",
            ),
        ],
    },
    Text {
        category: Category::Pitch,
        title: "Pitching people who did not ask",
        protects: "Your relationships. A business offer to someone who never asked feels like a cold call and can end a friendship.",
        bad: "Hey! Long time no see. Want to hear about an amazing business opportunity?",
        better: "Hey! Long time no see, how is the new job going?",
        questions: [
            (
                "When is it fine to tell someone about the business?",
                "When they have asked, or shown interest",
                "Always, as early as you can",
                "Only in your first message",
            ),
            (
                "An old school friend likes your photo. What is a good next step?",
                "Say hello and talk about them, not the business",
                "Send them the joining link",
                "Add them to your team chat",
            ),
        ],
    },
    Text {
        category: Category::Focus,
        title: "Staying on topic",
        protects: "What a business page is for. Politics, sports feuds and fan arguments on a page that sells for the company drag its name into fights it never chose.",
        bad: "Anyone who votes for that lot is an idiot. Anyway, 20% off the skincare set today!",
        better: "20% off the skincare set this week. Happy to help you choose what suits your skin.",
        questions: [
            (
                "Why keep politics off your business page?",
                "It ties the company's name to a fight and pushes readers away",
                "Politics is against the law",
                "It makes posts too long",
            ),
            (
                "Where do your personal opinions belong?",
                "On a personal account, apart from your selling",
                "In your business posts, next to offers",
                "In the comments under the company's posts",
            ),
        ],
    },
    Text {
        category: Category::Consent,
        title: "Asking before adding people",
        protects: "People's right to choose. Adding someone to a group, a mailing list or a tagged sales post without asking takes that choice away, and often breaks the network's rules.",
        bad: "Added 50 of my friends to my new VIP shopping group, welcome everyone!",
        better: "I have started a small group for product tips. Reply if you would like an invite and I will add you.",
        questions: [
            (
                "Before you add a friend to your sales group you should…",
                "Ask them first",
                "Add them and let them leave if they mind",
                "Tag them in a post instead",
            ),
            (
                "Which is a fair way to grow a mailing list?",
                "A sign-up link people choose to use",
                "Import your phone's contacts",
                "Add everyone who liked a post",
            ),
        ],
    },
];

/// Put the right answer at a place that depends on the lesson and the
/// question (stable, so a quiz reads the same every time).
fn placed(id: &str, n: usize, prompt: &str, right: &str, wrong: &[&str]) -> Question {
    let spin =
        id.bytes().chain(prompt.bytes()).fold(n, |h, b| h.wrapping_mul(31).wrapping_add(usize::from(b)));
    let mut choices: Vec<String> = wrong.iter().map(|w| (*w).to_string()).collect();
    let answer = spin % (choices.len() + 1);
    choices.insert(answer, right.to_string());
    Question { prompt: prompt.to_string(), choices, answer }
}

/// The lesson for a category, with what the engine's rules say about it.
pub fn for_category(engine: &Engine, category: Category) -> Lesson {
    let t = TEXTS.iter().find(|t| t.category == category).expect("every category has a lesson");
    let id = category.as_str();
    let mut rules: Vec<&tactful_core::Rule> =
        engine.rules().iter().filter(|r| r.category == category && r.enabled).collect();
    // Rules judged from the words first: their examples are what the words show.
    rules.sort_by(|a, b| (a.is_external(), &a.code).cmp(&(b.is_external(), &b.code)));
    let explained = rules.iter().find(|r| !r.explanation.trim().is_empty());
    let one_line = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut quiz: Vec<Question> = t
        .questions
        .iter()
        .enumerate()
        .map(|(i, (p, right, w1, w2))| placed(id, i, p, right, &[w1, w2]))
        .collect();
    // The third question: a post the rules flag beside one they leave alone,
    // from a rule's own examples (else the lesson's bad and better posts).
    let example = rules
        .iter()
        .filter(|r| !r.is_external() && r.applies_to(tactful_core::Channel::Post))
        .find_map(|r| Some((r.flag.first()?, r.pass.first()?)));
    let (flagged, passed) =
        example.map_or((t.bad.to_string(), t.better.to_string()), |(f, p)| (one_line(f), one_line(p)));
    quiz.push(placed(id, 2, "Which of these posts would get a note from us?", &flagged, &[passed.as_str()]));
    Lesson {
        id,
        title: t.title,
        protects: t.protects,
        bad: t.bad,
        better: t.better,
        why: explained.map(|r| one_line(&r.explanation)),
        instead: explained.map(|r| one_line(&r.hint)).filter(|h| !h.is_empty()),
        guidance: rules.iter().find_map(|r| r.references.first().cloned()),
        rules: rules.iter().map(|r| r.code.clone()).collect(),
        quiz,
    }
}

/// Every lesson, in the order of the categories.
pub fn all(engine: &Engine) -> Vec<Lesson> {
    Category::ALL.into_iter().map(|c| for_category(engine, c)).collect()
}

/// The lesson named `name` (a category), or a named error listing them.
pub fn find(engine: &Engine, name: &str) -> Result<Lesson, Error> {
    let category: Category = name.parse().map_err(|_| {
        let names: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).collect();
        Error::Input(format!("no lesson `{name}`; the lessons are {}", names.join(", ")))
    })?;
    Ok(for_category(engine, category))
}

/// The lesson's link for a notice: the company's lesson page when the policy
/// names one (`{lesson}` in it becomes the lesson's id, else the id is
/// appended), or the lesson's title and id to ask for.
pub fn link(url: Option<&str>, lesson: &Lesson) -> String {
    match url.map(str::trim).filter(|u| !u.is_empty()) {
        Some(u) if u.contains("{lesson}") => u.replace("{lesson}", lesson.id),
        Some(u) => format!("{}/{}", u.trim_end_matches('/'), lesson.id),
        None => format!("\"{}\" (lesson `{}`: reply and we will send it to you)", lesson.title, lesson.id),
    }
}

/// The lesson as plain text, questions lettered.
pub fn render(l: &Lesson) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "Lesson `{}`: {}\n", l.id, l.title);
    let _ = writeln!(s, "What it protects: {}\n", l.protects);
    if let Some(w) = &l.why {
        let _ = writeln!(s, "Why it matters: {w}\n");
    }
    let _ = writeln!(s, "Not like this:  {}", l.bad);
    let _ = writeln!(s, "Better:         {}\n", l.better);
    if let Some(i) = &l.instead {
        let _ = writeln!(s, "What to write instead: {i}\n");
    }
    if let Some(g) = &l.guidance {
        let _ = writeln!(s, "The guidance behind it: {g}\n");
    }
    let _ = writeln!(s, "Quiz ({} questions):", l.quiz.len());
    for (i, q) in l.quiz.iter().enumerate() {
        let _ = writeln!(s, "  {}. {}", i + 1, q.prompt);
        for (j, c) in q.choices.iter().enumerate() {
            let _ = writeln!(s, "     {}) {c}", letter(j));
        }
    }
    s
}

fn letter(i: usize) -> char {
    char::from(b'a' + u8::try_from(i).unwrap_or(25).min(25))
}

/// Read answers like `b,a,c` (or `bac`), one letter a question.
pub fn parse_answers(l: &Lesson, s: &str) -> Result<Vec<usize>, Error> {
    let picks: Vec<char> =
        s.chars().filter(char::is_ascii_alphabetic).map(|c| c.to_ascii_lowercase()).collect();
    if picks.len() != l.quiz.len() {
        return Err(Error::Input(format!(
            "--answers: expected {} letters, one a question (like {}), found `{s}`",
            l.quiz.len(),
            l.quiz.iter().map(|_| "a").collect::<Vec<_>>().join(",")
        )));
    }
    picks
        .iter()
        .zip(&l.quiz)
        .enumerate()
        .map(|(i, (c, q))| {
            let n = usize::from(*c as u8 - b'a');
            if n < q.choices.len() {
                Ok(n)
            } else {
                Err(Error::Input(format!(
                    "--answers: question {} has choices a to {}, found `{c}`",
                    i + 1,
                    letter(q.choices.len() - 1)
                )))
            }
        })
        .collect()
}

/// Right answers out of questions; a lesson is passed with at least two in three right.
pub fn grade(l: &Lesson, answers: &[usize]) -> (i64, i64) {
    let right = l.quiz.iter().zip(answers).filter(|(q, a)| q.answer == **a).count();
    (right as i64, l.quiz.len() as i64)
}

fn passes(right: i64, of: i64) -> bool {
    right * 3 >= of * 2
}

/// A lesson given to a distributor; read from the columns of [`COLUMNS`], in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    pub id: i64,
    pub distributor: String,
    pub lesson: String,
    /// The case whose notice gave it (none: taken on their own).
    pub case: Option<i64>,
    pub assigned_at: i64,
    pub attempts: i64,
    /// Right answers and questions of the last attempt.
    pub score: Option<i64>,
    pub questions: Option<i64>,
    pub completed_at: Option<i64>,
}

const COLUMNS: &str =
    "id, distributor_id, lesson, case_id, assigned_at, attempts, score, questions, completed_at";

/// Give a lesson with a case's notice (inside the notice's transaction; the
/// caller audits it with the notice).
pub(crate) fn assign(
    db: &mut dyn Db,
    actor: &Actor,
    distributor: &str,
    lesson: &str,
    case: i64,
) -> Result<i64, Error> {
    Ok(db.rows(
        "INSERT INTO company_lessons (company_id, distributor_id, lesson, case_id, assigned_at, attempts)
         VALUES (?1, ?2, ?3, ?4, ?5, 0) RETURNING id",
        &[
            Arg::Int(actor.company),
            Arg::Text(distributor.to_string()),
            Arg::Text(lesson.to_string()),
            Arg::Int(case),
            Arg::Int(actor.at),
        ],
    )?[0][0]
        .int())
}

/// The lessons given, newest first (one distributor's, or everyone's).
pub fn assignments(
    db: &mut dyn Db,
    company: i64,
    distributor: Option<&str>,
) -> Result<Vec<Assignment>, Error> {
    let mut args = vec![Arg::Int(company)];
    let mut sql = format!("SELECT {COLUMNS} FROM company_lessons WHERE company_id = ?1");
    if let Some(d) = distributor {
        sql.push_str(" AND distributor_id = ?2");
        args.push(Arg::Text(d.to_string()));
    }
    sql.push_str(" ORDER BY id DESC");
    crate::records(db, &sql, &args)
}

/// What a quiz attempt came to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attempt {
    pub distributor: String,
    pub lesson: String,
    pub right: i64,
    pub questions: i64,
    pub passed: bool,
    /// The assignments this attempt completed (when passed) or counted on.
    pub assignments: Vec<i64>,
}

/// Record a distributor's answers to a lesson's quiz: every open assignment
/// of that lesson counts the attempt, and is completed when it passes (a
/// lesson taken without a notice gets a row of its own). Audited as
/// `lesson.complete` or `lesson.attempt`, in one transaction.
pub fn complete(
    db: &mut dyn Db,
    actor: &Actor,
    distributor: &str,
    lesson: &Lesson,
    answers: &[usize],
) -> Result<Attempt, Error> {
    let (right, questions) = grade(lesson, answers);
    let passed = passes(right, questions);
    let company = actor.company;
    crate::transaction(db, company, |db| {
        let known = db.rows(
            "SELECT id FROM company_distributors WHERE company_id = ?1 AND id = ?2",
            &[Arg::Int(company), Arg::Text(distributor.to_string())],
        )?;
        if known.is_empty() {
            return Err(Error::UnknownDistributor(distributor.to_string()));
        }
        let mut open = tactful_store::people::collect(
            db,
            "SELECT id FROM company_lessons WHERE company_id = ?1 AND distributor_id = ?2 AND lesson = ?3
             AND completed_at IS NULL ORDER BY id",
            &[Arg::Int(company), Arg::Text(distributor.to_string()), Arg::Static(lesson.id)],
            |r| r[0].int(),
        )?;
        if open.is_empty() {
            open.push(
                db.rows(
                    "INSERT INTO company_lessons (company_id, distributor_id, lesson, case_id, assigned_at, attempts)
                     VALUES (?1, ?2, ?3, NULL, ?4, 0) RETURNING id",
                    &[
                        Arg::Int(company),
                        Arg::Text(distributor.to_string()),
                        Arg::Static(lesson.id),
                        Arg::Int(actor.at),
                    ],
                )?[0][0]
                    .int(),
            );
        }
        for id in &open {
            db.exec(
                "UPDATE company_lessons SET attempts = attempts + 1, score = ?1, questions = ?2, completed_at = ?3
                 WHERE company_id = ?4 AND id = ?5",
                &[
                    Arg::Int(right),
                    Arg::Int(questions),
                    Arg::OptInt(passed.then_some(actor.at)),
                    Arg::Int(company),
                    Arg::Int(*id),
                ],
            )?;
        }
        let mut chain = Chain::open(db, company)?;
        chain.append(
            actor,
            if passed { "lesson.complete" } else { "lesson.attempt" },
            &format!("distributor:{distributor}"),
            None,
            Some(&serde_json::json!({
                "lesson": lesson.id, "score": right, "questions": questions, "passed": passed, "assignments": open,
            })),
        );
        chain.write(db)?;
        Ok(Attempt {
            distributor: distributor.to_string(),
            lesson: lesson.id.to_string(),
            right,
            questions,
            passed,
            assignments: open.clone(),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_category_has_a_lesson_with_a_three_question_quiz() {
        let engine = tactful_app::Checker::builtin();
        let lessons = all(engine.engine());
        assert_eq!(lessons.len(), Category::ALL.len());
        for l in &lessons {
            assert_eq!(l.quiz.len(), 3, "{}", l.id);
            for q in &l.quiz {
                assert!(q.answer < q.choices.len());
                let distinct: std::collections::HashSet<&String> = q.choices.iter().collect();
                assert_eq!(distinct.len(), q.choices.len(), "{}: {}", l.id, q.prompt);
            }
        }
        let health = find(engine.engine(), "Health").unwrap();
        assert!(health.rules.iter().any(|c| c.starts_with("HLT")), "{:?}", health.rules);
        assert!(health.guidance.as_deref().is_some_and(|g| g.starts_with("http")), "{:?}", health.guidance);
        assert!(health.why.is_some());
    }

    #[test]
    fn the_flagged_example_really_is_flagged() {
        // The third question's right answer is what the checker flags; the other choice passes.
        let checker = tactful_app::Checker::builtin();
        let l = find(checker.engine(), "income").unwrap();
        let q = &l.quiz[2];
        let flags = |t: &str| {
            checker.check(t, tactful_core::Channel::Post).iter().any(|f| f.category == Category::Income)
        };
        assert!(flags(&q.choices[q.answer]), "{}", q.choices[q.answer]);
        assert!(!flags(&q.choices[1 - q.answer]), "{}", q.choices[1 - q.answer]);
    }

    #[test]
    fn answers_are_letters_and_a_pass_is_two_in_three() {
        let checker = tactful_app::Checker::builtin();
        let l = find(checker.engine(), "health").unwrap();
        let right: String = l.quiz.iter().map(|q| letter(q.answer)).collect();
        let answers =
            parse_answers(&l, &right.chars().map(String::from).collect::<Vec<_>>().join(",")).unwrap();
        assert_eq!(grade(&l, &answers), (3, 3));
        let mut one_wrong = answers.clone();
        one_wrong[0] = (one_wrong[0] + 1) % l.quiz[0].choices.len();
        assert_eq!(grade(&l, &one_wrong), (2, 3));
        assert!(passes(2, 3) && !passes(1, 3));
        assert!(parse_answers(&l, "a").unwrap_err().to_string().contains("expected 3 letters"));
        assert!(parse_answers(&l, "a,b,z").unwrap_err().to_string().contains("question 3 has choices a to"));
        assert!(find(checker.engine(), "money").unwrap_err().to_string().contains("the lessons are income"));
    }

    #[test]
    fn a_lesson_link_follows_the_company_page() {
        let checker = tactful_app::Checker::builtin();
        let l = find(checker.engine(), "spam").unwrap();
        assert_eq!(
            link(Some("https://learn.example/l/{lesson}?src=note"), &l),
            "https://learn.example/l/spam?src=note"
        );
        assert_eq!(link(Some("https://learn.example/lessons/"), &l), "https://learn.example/lessons/spam");
        assert!(link(None, &l).contains("lesson `spam`"));
    }
}

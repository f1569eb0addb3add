//! The labeled sets under `../shared/data/labeled`, how each head reads its
//! labels from them, and the fixed per-source split.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use tactful_classify::{Channel, Head, Input};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum DataError {
    #[error("{path}: cannot read: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path}:{line}: {msg}")]
    Bad { path: PathBuf, line: u64, msg: String },
}

/// What a source's licence lets us do with weights trained on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Licence {
    /// CC BY 4.0 or MIT: derived weights may ship, with attribution.
    Open,
    /// CC BY-NC-SA: non-commercial, share-alike; used only to measure.
    NonCommercial,
    /// No licence stated upstream: rights unclear.
    Unstated,
}

impl Licence {
    pub fn as_str(self) -> &'static str {
        match self {
            Licence::Open => "open",
            Licence::NonCommercial => "non-commercial",
            Licence::Unstated => "unstated",
        }
    }
}

/// A labeled set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Source {
    pub id: &'static str,
    pub path: &'static str,
    pub licence_name: &'static str,
    pub licence: Licence,
    /// Where its texts were written, for heads with per-channel features.
    pub channel: Channel,
}

pub const SMS: Source = Source {
    id: "sms_spam",
    path: "labeled/sms_spam_collection/SMSSpamCollection",
    licence_name: "CC BY 4.0 (UCI #228)",
    licence: Licence::Open,
    channel: Channel::Message,
};
pub const YOUTUBE: Source = Source {
    id: "youtube_spam",
    path: "labeled/youtube_spam_collection",
    licence_name: "CC BY 4.0 (UCI #380)",
    licence: Licence::Open,
    channel: Channel::Comment,
};
pub const JANITR: Source = Source {
    id: "janitr",
    path: "labeled/janitr_x_posts/sample-dev.jsonl",
    licence_name: "MIT",
    licence: Licence::Open,
    channel: Channel::Post,
};
pub const COMPLAINTS: Source = Source {
    id: "complaints",
    path: "labeled/complaints_preotiuc2019/complaints-dev.csv",
    licence_name: "none stated (ACL 2019 paper data)",
    licence: Licence::Unstated,
    channel: Channel::Post,
};
pub const FB_ADS: Source = Source {
    id: "facebook_ads",
    path: "labeled/facebook_ads_commercial_vs_informational_adanalyst/ads_dataset.csv",
    licence_name: "none stated",
    licence: Licence::Unstated,
    channel: Channel::Post,
};
pub const TWCS: Source = Source {
    id: "twcs",
    path: "labeled/customer_support_on_twitter/twcs_first5000.csv",
    licence_name: "CC BY-NC-SA 4.0",
    licence: Licence::NonCommercial,
    channel: Channel::Post,
};

/// Real claims quoted by the FTC, FDA, DSSRC and others (and a few compliant
/// posts). Grouped by the document that quoted them, so a claim's whole
/// document lands in one split and one leave-documents-out fold.
pub const CLAIMS: Source = Source {
    id: "claims",
    path: "claims/claims-dev.jsonl",
    licence_name: "quotes from public documents (US government: public domain)",
    licence: Licence::Unstated,
    channel: Channel::Post,
};
pub const CLAIMS_2: Source = Source {
    id: "claims_2",
    path: "claims/claims-dev-2.jsonl",
    licence_name: "quotes from public documents (US government: public domain)",
    licence: Licence::Unstated,
    channel: Channel::Post,
};
/// Reddit posts with health misinformation (COVID, flu, HIV): positives only.
pub const HEALTH_MISINFO: Source = Source {
    id: "health_misinfo",
    path: "labeled/health_misinformation_reddit/Health_Misinformation_reddit_Dataset.csv",
    licence_name: "CC BY 4.0",
    licence: Licence::Open,
    channel: Channel::Post,
};
/// The flag and pass examples of the built-in rule packs (written by the
/// project): the guidance in the seller's register.
pub const PACK_EXAMPLES: Source = Source {
    id: "pack_examples",
    path: "",
    licence_name: "Apache-2.0 (this project)",
    licence: Licence::Open,
    channel: Channel::Post,
};

pub const ALL_SOURCES: [Source; 10] =
    [SMS, YOUTUBE, JANITR, COMPLAINTS, FB_ADS, TWCS, CLAIMS, CLAIMS_2, HEALTH_MISINFO, PACK_EXAMPLES];

/// Whether the claim heads also learn from the Reddit misinformation set
/// (TACTFUL_TRAIN_MISINFO=1): measured, see the model card.
fn with_misinfo() -> bool {
    std::env::var("TACTFUL_TRAIN_MISINFO").is_ok_and(|v| v == "1")
}

/// Which part of its source a text belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Split {
    /// 70%: fits the weights.
    Train,
    /// 10%: fits the calibration and picks the threshold.
    Calibrate,
    /// 20%: held out; every figure is measured here.
    Test,
}

impl Split {
    pub fn as_str(self) -> &'static str {
        match self {
            Split::Train => "train",
            Split::Calibrate => "calibrate",
            Split::Test => "test",
        }
    }
}

/// The seed of the split: change it and every figure changes.
pub const SPLIT_SEED: &str = "tactful-split-v1";

/// A text's split: a hash of the seed, the source id and the folded text, so
/// exact duplicates (after case and spacing) always land together.
pub fn split_of(source: &str, folded: &str) -> Split {
    let mut h: u64 = 0xCBF2_9CE4_8422_2325;
    for b in SPLIT_SEED.bytes().chain([0]).chain(source.bytes()).chain([0]).chain(folded.bytes()) {
        h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01B3);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    h ^= h >> 33;
    match h % 100 {
        0..70 => Split::Train,
        70..80 => Split::Calibrate,
        _ => Split::Test,
    }
}

/// Lower case with runs of whitespace collapsed: the key for duplicates.
pub fn fold(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// One labeled text for one head.
#[derive(Debug, Clone)]
pub struct Example {
    pub source: &'static str,
    pub text: String,
    /// Index into the head's classes.
    pub class: usize,
    pub split: Split,
    /// Where it was written (its source's channel).
    pub channel: Channel,
    /// The document that quoted it (claims only; empty elsewhere): the unit
    /// of the split and of leave-documents-out evaluation.
    pub doc: String,
    /// A short phrase an authority quoted, not a whole post (claims only).
    pub fragment: bool,
}

impl Example {
    pub fn input(&self) -> Input<'_> {
        Input::new(&self.text, Some(self.channel))
    }
}

/// Which licences a run trains on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// Only open licences (CC BY 4.0, MIT).
    OpenOnly,
    /// Open and unstated licences; non-commercial sets are only measured. The shipped models.
    Default,
    /// Everything, non-commercial sets included: for comparison only, never to ship.
    All,
}

/// How a head uses a source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Use {
    /// Its train and calibration parts fit the model; its test part measures it.
    Train,
    /// Only its test part is used, to measure the model on text it was not built for.
    Measure,
}

/// The sources of a head and how each is used under a licence policy.
pub fn plan(head: Head, policy: Policy) -> Vec<(Source, Use)> {
    let train_unless_closed = |s: Source| {
        let u = match (s.licence, policy) {
            (Licence::Open, _) | (Licence::Unstated, Policy::Default | Policy::All) | (_, Policy::All) => {
                Use::Train
            }
            _ => Use::Measure,
        };
        (s, u)
    };
    match head {
        Head::Spam => {
            vec![train_unless_closed(SMS), train_unless_closed(YOUTUBE), train_unless_closed(JANITR)]
        }
        Head::CustomerRequest => vec![train_unless_closed(COMPLAINTS), train_unless_closed(TWCS)],
        Head::ContentKind => vec![
            train_unless_closed(FB_ADS),
            train_unless_closed(JANITR),
            train_unless_closed(SMS),
            train_unless_closed(YOUTUBE),
        ],
        Head::HealthClaim | Head::EarningsClaim => {
            let mut v = vec![
                train_unless_closed(CLAIMS),
                train_unless_closed(CLAIMS_2),
                train_unless_closed(PACK_EXAMPLES),
                train_unless_closed(SMS),
                train_unless_closed(YOUTUBE),
                train_unless_closed(JANITR),
                train_unless_closed(FB_ADS),
                // Brand replies: never trained on (NC), a false-alarm measure.
                (TWCS, if policy == Policy::All { Use::Train } else { Use::Measure }),
            ];
            if head == Head::HealthClaim && with_misinfo() {
                v.push(train_unless_closed(HEALTH_MISINFO));
            }
            v
        }
    }
}

/// janitr behaviour labels that make a post broadcast spam.
const JANITR_SPAM: &[&str] = &[
    "spam",
    "reply_spam",
    "dm_spam",
    "scam",
    "phishing",
    "malware",
    "impersonation",
    "fake_support",
    "recovery_scam",
    "job_scam",
    "romance_scam",
    "account_compromise",
    "lead_gen",
    "bot",
    "follow_train",
];
/// janitr labels of plain promotion (not spam by themselves).
const JANITR_PROMO: &[&str] = &["promo", "affiliate", "giveaway", "engagement_bait"];
/// janitr topics that are off-topic on a seller's business channel.
const JANITR_OFF_TOPIC: &[&str] = &[
    "topic_politics",
    "topic_elections",
    "topic_sports",
    "topic_esports",
    "topic_entertainment",
    "topic_gaming",
    "topic_music",
    "topic_celebrity",
    "topic_celebrity_gossip",
    "topic_tv_movies",
    "topic_religion",
    "topic_war_conflict",
    "topic_comedy_memes",
    "topic_anime_manga",
    "topic_gambling",
    "topic_crime_truecrime",
];
/// janitr topics that carry information (news, technology, health, money).
const JANITR_INFO: &[&str] = &[
    "topic_news",
    "topic_world_news",
    "topic_local_news",
    "topic_ai",
    "topic_programming_dev",
    "topic_technology",
    "topic_cybersecurity",
    "topic_health",
    "topic_finance",
    "topic_investing",
    "topic_personal_finance",
    "topic_science",
    "topic_startups_vc",
    "topic_environment_climate",
    "topic_nutrition_diet",
    "topic_fitness",
];

/// A source's texts with its own raw labels.
enum Raw {
    /// SMS, YouTube: spam or not.
    Spam(Vec<(String, bool)>),
    /// janitr: the label list.
    Labels(Vec<(String, Vec<String>)>),
    /// complaints: complaint or not, with the domain.
    Complaint(Vec<(String, bool, String)>),
    /// Facebook ads: 0 commercial, 1 informational, 2 unclear.
    Ad(Vec<(String, u8)>),
    /// twcs: inbound (customer) or brand reply.
    Inbound(Vec<(String, bool)>),
    /// Claims: text, label, document, fragment.
    Claims(Vec<(String, String, String, bool)>),
    /// Every text is a positive (the misinformation set).
    Positive(Vec<String>),
    /// Pack examples: text, category, flagged (else a pass example).
    PackExample(Vec<(String, String, bool)>),
}

fn read(path: &Path) -> Result<String, DataError> {
    std::fs::read_to_string(path).map_err(|e| DataError::Io { path: path.to_path_buf(), source: e })
}

fn csv_reader(path: &Path, headers: bool) -> Result<csv::Reader<std::fs::File>, DataError> {
    let f = std::fs::File::open(path).map_err(|e| DataError::Io { path: path.to_path_buf(), source: e })?;
    Ok(csv::ReaderBuilder::new().has_headers(headers).flexible(false).from_reader(f))
}

fn bad(path: &Path, line: u64, msg: impl Into<String>) -> DataError {
    DataError::Bad { path: path.to_path_buf(), line, msg: msg.into() }
}

fn csv_rows(path: &Path, headers: bool) -> Result<Vec<(u64, csv::StringRecord)>, DataError> {
    let mut r = csv_reader(path, headers)?;
    let mut out = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| bad(path, e.position().map_or(0, csv::Position::line), e.to_string()))?;
        out.push((rec.position().map_or(0, csv::Position::line), rec));
    }
    Ok(out)
}

/// Every record of a CSV file through `read`; what `read` refuses names the
/// file and the record's line.
fn csv_map<T>(
    path: &Path,
    headers: bool,
    read: impl Fn(&csv::StringRecord) -> Result<T, String>,
) -> Result<Vec<T>, DataError> {
    csv_rows(path, headers)?
        .iter()
        .map(|(line, rec)| read(rec).map_err(|msg| bad(path, *line, msg)))
        .collect()
}

/// The JSON objects of a JSONL file with their line index (0-based), blank lines skipped.
fn jsonl(path: &Path) -> Result<Vec<(usize, serde_json::Value)>, DataError> {
    let text = read(path)?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v = serde_json::from_str(line)
            .map_err(|e| bad(path, i as u64 + 1, format!("not valid JSON: {e}")))?;
        out.push((i, v));
    }
    Ok(out)
}

fn load(data: &Path, source: Source) -> Result<Raw, DataError> {
    let path = data.join(source.path);
    match source.id {
        "sms_spam" => {
            let text = read(&path)?;
            let mut out = Vec::new();
            for (i, line) in text.lines().enumerate() {
                if line.is_empty() {
                    continue;
                }
                // Split on the first tab only; the texts contain quotes.
                let (label, t) = line
                    .split_once('\t')
                    .ok_or_else(|| bad(&path, i as u64 + 1, "expected label<TAB>text"))?;
                let spam = match label {
                    "spam" => true,
                    "ham" => false,
                    l => {
                        return Err(bad(&path, i as u64 + 1, format!("label `{l}`: expected spam or ham")));
                    }
                };
                out.push((t.to_string(), spam));
            }
            Ok(Raw::Spam(out))
        }
        "youtube_spam" => {
            let mut files: Vec<PathBuf> = std::fs::read_dir(&path)
                .map_err(|e| DataError::Io { path: path.clone(), source: e })?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "csv"))
                .collect();
            files.sort();
            let mut out = Vec::new();
            for f in files {
                out.extend(csv_map(&f, true, |rec| match (rec.get(3), rec.get(4)) {
                    (Some(t), Some(c)) => Ok((t.to_string(), c.trim() == "1")),
                    _ => Err("expected COMMENT_ID,AUTHOR,DATE,CONTENT,CLASS".into()),
                })?);
            }
            Ok(Raw::Spam(out))
        }
        "janitr" => {
            let mut out = Vec::new();
            for (i, v) in jsonl(&path)? {
                let t = v
                    .get("text")
                    .and_then(|t| t.as_str())
                    .ok_or_else(|| bad(&path, i as u64 + 1, "no `text`"))?;
                let labels = v
                    .get("labels")
                    .and_then(|l| l.as_array())
                    .map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
                    .unwrap_or_default();
                out.push((t.to_string(), labels));
            }
            Ok(Raw::Labels(out))
        }
        "complaints" => {
            Ok(Raw::Complaint(csv_map(&path, false, |rec| match (rec.get(1), rec.get(2), rec.get(3)) {
                (Some(t), Some(l), Some(d)) => Ok((t.to_string(), l.trim() == "1", d.to_string())),
                _ => Err("expected tweet_id,text,label,domain".into()),
            })?))
        }
        "facebook_ads" => Ok(Raw::Ad(csv_map(&path, true, |rec| {
            let (Some(l), Some(t)) = (rec.get(0), rec.get(1)) else {
                return Err("expected label,text".into());
            };
            let l: u8 = l.trim().parse().map_err(|_| format!("label `{l}`: expected 0, 1 or 2"))?;
            Ok((t.to_string(), l))
        })?)),
        "twcs" => Ok(Raw::Inbound(csv_map(&path, true, |rec| match (rec.get(2), rec.get(4)) {
            (Some(inb), Some(t)) => Ok((t.to_string(), inb == "True")),
            _ => Err("expected the twcs columns".into()),
        })?)),
        "claims" | "claims_2" => {
            let mut out = Vec::new();
            for (i, v) in jsonl(&path)? {
                let field = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string();
                let (t, label) = (field("text"), field("label"));
                if t.is_empty() || label.is_empty() {
                    return Err(bad(&path, i as u64 + 1, "expected `text` and `label`"));
                }
                let doc = Some(field("doc")).filter(|d| !d.is_empty()).unwrap_or_else(|| field("source"));
                let fragment = field("note").to_lowercase().contains("fragment");
                out.push((t, label, doc, fragment));
            }
            Ok(Raw::Claims(out))
        }
        "health_misinfo" => Ok(Raw::Positive(csv_map(&path, true, |rec| {
            rec.get(1).map(str::to_string).ok_or_else(|| "expected idx,text".to_string())
        })?)),
        "pack_examples" => {
            let mut out = Vec::new();
            for pack in tactful_packs::builtin_packs() {
                for rule in &pack.rules {
                    let cat = rule.category.get_ref().clone();
                    // Pitch examples describe a relationship in brackets, not a text.
                    if cat == "pitch" {
                        continue;
                    }
                    out.extend(rule.flag.iter().map(|t| (t.clone(), cat.clone(), true)));
                    out.extend(rule.pass.iter().map(|t| (t.clone(), cat.clone(), false)));
                }
            }
            Ok(Raw::PackExample(out))
        }
        other => unreachable!("unknown source {other}"),
    }
}

/// The class of a claim for a claim head.
fn claim_class(head: Head, label: &str) -> usize {
    match head {
        Head::HealthClaim => usize::from(label == "health_claim"),
        Head::EarningsClaim => usize::from(label == "income_claim" || label == "lifestyle_claim"),
        _ => 0,
    }
}

/// The class of a pack example for a claim head: a flag example of the
/// head's own categories is a claim; every other example is not.
fn pack_class(head: Head, category: &str, flagged: bool) -> usize {
    let own = match head {
        Head::HealthClaim => category == "health",
        Head::EarningsClaim => category == "income" || category == "lifestyle",
        _ => false,
    };
    usize::from(own && flagged)
}

fn has(labels: &[String], set: &[&str]) -> bool {
    labels.iter().any(|l| set.contains(&l.as_str()))
}

/// The class of a janitr post for a head, or None to leave it out.
fn janitr_class(head: Head, labels: &[String]) -> Option<usize> {
    let spam = has(labels, JANITR_SPAM);
    let promo = has(labels, JANITR_PROMO);
    // Any other behaviour label (misinformation, ragebait, ...) makes a post
    // neither clean nor spam: leave it out of both heads.
    let other_behaviour = labels.iter().any(|l| {
        l != "clean"
            && !l.starts_with("topic_")
            && !JANITR_SPAM.contains(&l.as_str())
            && !JANITR_PROMO.contains(&l.as_str())
    });
    match head {
        Head::Spam => {
            if spam {
                Some(1)
            } else if promo || other_behaviour {
                None
            } else {
                Some(0)
            }
        }
        Head::ContentKind => {
            if spam || other_behaviour {
                None
            } else if promo {
                Some(0)
            } else {
                let topics: Vec<&String> = labels.iter().filter(|l| l.starts_with("topic_")).collect();
                let off = has(labels, JANITR_OFF_TOPIC);
                let info = has(labels, JANITR_INFO);
                if topics.is_empty() {
                    // Plain posts with no topic and no behaviour label: mostly
                    // people talking about their day.
                    labels.iter().any(|l| l == "clean").then_some(2)
                } else if off && !info {
                    Some(3)
                } else if info && !off {
                    Some(1)
                } else {
                    None
                }
            }
        }
        Head::CustomerRequest | Head::HealthClaim | Head::EarningsClaim => None,
    }
}

/// Every example of a head from one source, deduplicated (first wins) and
/// assigned to its split.
pub fn examples(data: &Path, head: Head, source: Source) -> Result<Vec<Example>, DataError> {
    let raw = load(data, source)?;
    if matches!(head, Head::HealthClaim | Head::EarningsClaim) {
        return Ok(claim_examples(head, source, raw));
    }
    let labeled: Vec<(String, usize)> = match (head, raw) {
        (Head::Spam, Raw::Spam(v)) => v.into_iter().map(|(t, s)| (t, usize::from(s))).collect(),
        (Head::ContentKind, Raw::Spam(v)) => v
            .into_iter()
            .map(|(t, s)| {
                // Spam is promotion; SMS ham is personal; YouTube ham is fans
                // talking about the video: off-topic for a business channel.
                let c = if s {
                    0
                } else if source.id == "sms_spam" {
                    2
                } else {
                    3
                };
                (t, c)
            })
            .collect(),
        (h, Raw::Labels(v)) => {
            v.into_iter().filter_map(|(t, l)| janitr_class(h, &l).map(|c| (t, c))).collect()
        }
        (Head::CustomerRequest, Raw::Complaint(v)) => {
            v.into_iter().map(|(t, c, _)| (t, usize::from(c))).collect()
        }
        (Head::ContentKind, Raw::Ad(v)) => {
            v.into_iter().filter(|(_, l)| *l < 2).map(|(t, l)| (t, usize::from(l))).collect()
        }
        (Head::CustomerRequest, Raw::Inbound(v)) => v.into_iter().map(|(t, i)| (t, usize::from(i))).collect(),
        (h, _) => panic!("source {} has no labels for head {h}", source.id),
    };
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (text, class) in labeled {
        let folded = fold(&text);
        if folded.is_empty() || !seen.insert(folded.clone()) {
            continue;
        }
        let split = split_of(source.id, &folded);
        out.push(Example {
            source: source.id,
            text,
            class,
            split,
            channel: source.channel,
            doc: String::new(),
            fragment: false,
        });
    }
    Ok(out)
}

/// The examples of a claim head from one source: claims with their
/// document (split by document), everything else as a negative unless it
/// is spam or promotion of unknown content.
fn claim_examples(head: Head, source: Source, raw: Raw) -> Vec<Example> {
    // (text, class, doc, fragment)
    let labeled: Vec<(String, usize, String, bool)> = match raw {
        Raw::Claims(v) => v.into_iter().map(|(t, l, d, f)| (t, claim_class(head, &l), d, f)).collect(),
        Raw::Positive(v) => v.into_iter().map(|t| (t, 1, String::new(), false)).collect(),
        Raw::PackExample(v) => {
            v.into_iter().map(|(t, c, f)| (t, pack_class(head, &c, f), String::new(), false)).collect()
        }
        // Ham only: spam ("you won £1000") is neither a claim nor ordinary text.
        Raw::Spam(v) => {
            v.into_iter().filter(|(_, s)| !s).map(|(t, _)| (t, 0, String::new(), false)).collect()
        }
        Raw::Labels(v) => v
            .into_iter()
            .filter(|(_, l)| l.iter().any(|x| x == "clean"))
            .map(|(t, _)| (t, 0, String::new(), false))
            .collect(),
        Raw::Ad(v) => {
            v.into_iter().filter(|(_, l)| *l < 2).map(|(t, _)| (t, 0, String::new(), false)).collect()
        }
        Raw::Inbound(v) => {
            v.into_iter().filter(|(_, inbound)| !inbound).map(|(t, _)| (t, 0, String::new(), false)).collect()
        }
        Raw::Complaint(v) => v.into_iter().map(|(t, _, _)| (t, 0, String::new(), false)).collect(),
    };
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (text, class, doc, fragment) in labeled {
        let folded = fold(&text);
        if folded.is_empty() || !seen.insert(folded.clone()) {
            continue;
        }
        let split = split_of(source.id, if doc.is_empty() { &folded } else { &doc });
        out.push(Example { source: source.id, text, class, split, channel: source.channel, doc, fragment });
    }
    out
}

/// The shared data folder next to the workspace: `<workspace>/../shared/data`.
pub fn default_data_dir() -> PathBuf {
    workspace_root().join("..").join("shared").join("data")
}

/// The workspace root, from this crate's manifest folder.
pub fn workspace_root() -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("..");
    std::fs::canonicalize(&p).unwrap_or(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_split_is_fixed_and_roughly_70_10_20() {
        let mut n = [0usize; 3];
        for i in 0..10_000 {
            n[split_of("s", &format!("text {i}")) as usize] += 1;
        }
        assert!(
            (6700..7300).contains(&n[0]) && (800..1200).contains(&n[1]) && (1800..2200).contains(&n[2]),
            "{n:?}"
        );
        assert_eq!(split_of("sms_spam", "hello"), split_of("sms_spam", "hello"));
    }

    #[test]
    fn janitr_promotion_is_not_spam_and_scams_are() {
        let l = |v: &[&str]| v.iter().map(|s| (*s).to_string()).collect::<Vec<_>>();
        assert_eq!(janitr_class(Head::Spam, &l(&["scam", "spam", "topic_crypto"])), Some(1));
        assert_eq!(janitr_class(Head::Spam, &l(&["promo", "topic_ai"])), None);
        assert_eq!(janitr_class(Head::Spam, &l(&["topic_crypto"])), Some(0));
        assert_eq!(janitr_class(Head::ContentKind, &l(&["promo", "topic_ai"])), Some(0));
        assert_eq!(janitr_class(Head::ContentKind, &l(&["clean", "topic_sports"])), Some(3));
        assert_eq!(janitr_class(Head::ContentKind, &l(&["clean", "topic_news"])), Some(1));
        assert_eq!(janitr_class(Head::ContentKind, &l(&["clean"])), Some(2));
        assert_eq!(janitr_class(Head::ContentKind, &l(&["topic_crypto"])), None);
    }
}

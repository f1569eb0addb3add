//! The evaluation sets of `tactful eval`, built from the shared labeled data.
//!
//! Two sets, both as JSONL lines `{"text", "label", "source", "note"}`:
//!
//! - the **benign set**: texts that should raise no finding (label `ok`),
//!   gathered from real public data written by people who were not selling:
//!   brand replies to customers on Twitter, ham SMS, non-spam `YouTube`
//!   comments and clean X posts;
//! - the **claims set**: earnings, lifestyle, health and disclosure claims
//!   quoted by regulators, read as is.
//!
//! And one set for `tactful eval-heads` (`{"head", "label", "text", "source",
//! "channel"}`): the **airline set**, complaints and thanks sent to US
//! airlines on Twitter, a source no head was trained or tuned on.
//!
//! The data lives outside the repository (`../shared/data`), because some of
//! it may not be copied into the project. Everything here is deterministic:
//! files are read in a fixed order and rows keep their file order.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub mod shared_data;

/// Fewer benign texts than this means the data is truncated or misread.
pub const MIN_BENIGN: usize = 5_000;

/// The label of a text that should raise no finding.
pub const OK: &str = "ok";

/// Where each source lives, relative to `<data_dir>/labeled/`.
pub const TWCS: &str = "customer_support_on_twitter/twcs_first5000.csv";
pub const SMS: &str = "sms_spam_collection/SMSSpamCollection";
pub const YOUTUBE_DIR: &str = "youtube_spam_collection";
pub const JANITR: &str = "janitr_x_posts/sample-dev.jsonl";
pub const AIRLINE: &str = "twitter_us_airline_sentiment/Tweets.csv";
/// Relative to `<data_dir>/`.
pub const CLAIMS: &str = "claims/claims-dev.jsonl";

/// One labeled text, as `tactful eval` reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Labeled {
    pub text: String,
    pub label: String,
    /// The file (relative to the data folder's set) and the 1-based line
    /// where the record starts, e.g. `sms_spam_collection/SMSSpamCollection:123`.
    pub source: String,
    #[serde(default)]
    pub note: String,
}

/// Why a set could not be built. Every variant names the file; the
/// line-level ones name the line and what was expected there.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read {}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{file}:{line}: expected {expected}, found {found}")]
    Format { file: String, line: u64, expected: String, found: String },
    #[error("{file}: no column `{column}` in the header (expected a header with {expected})")]
    MissingColumn { file: String, column: String, expected: String },
    #[error("{file}:{line}: malformed CSV: {message}")]
    Csv { file: String, line: u64, message: String },
    #[error("{file}:{line}: expected {expected}: {source}")]
    Json { file: String, line: u64, expected: String, source: serde_json::Error },
    #[error("{}: no files named Youtube0*.csv", dir.display())]
    NoYoutubeFiles { dir: PathBuf },
    #[error("the benign set has only {found} texts; expected at least {MIN_BENIGN} (is the data under {} complete?)", dir.display())]
    TooFew { dir: PathBuf, found: usize },
}

/// The shared data folder as seen from this crate's sources:
/// `<workspace>/../shared/data`.
pub fn default_data_dir() -> PathBuf {
    tidy(workspace_root().join("..").join("shared").join("data"))
}

/// The workspace root, from this crate's manifest folder.
pub fn workspace_root() -> PathBuf {
    tidy(Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(".."))
}

/// The canonical form of a path when it exists (for readable messages).
fn tidy(p: PathBuf) -> PathBuf {
    std::fs::canonicalize(&p).unwrap_or(p)
}

/// The benign set: every text labeled `ok`, in a fixed order (brand replies,
/// ham SMS, non-spam `YouTube` comments, clean X posts). Empty texts are skipped.
pub fn benign_set(data_dir: &Path) -> Result<Vec<Labeled>, Error> {
    let labeled = data_dir.join("labeled");
    let mut out = Vec::new();
    out.extend(read_twcs_brand_replies(open(&labeled.join(TWCS))?, TWCS)?);
    out.extend(read_sms_ham(BufReader::new(open(&labeled.join(SMS))?), SMS)?);
    for name in youtube_files(&labeled.join(YOUTUBE_DIR))? {
        let rel = format!("{YOUTUBE_DIR}/{name}");
        out.extend(read_youtube_ok(open(&labeled.join(&rel))?, &rel)?);
    }
    out.extend(read_janitr_clean(BufReader::new(open(&labeled.join(JANITR))?), JANITR)?);
    if out.len() < MIN_BENIGN {
        return Err(Error::TooFew { dir: labeled, found: out.len() });
    }
    Ok(out)
}

/// The claims set (`claims/claims-dev.jsonl`), read as is. Every label must be
/// one `tactful eval` understands.
pub fn claims_set(data_dir: &Path) -> Result<Vec<Labeled>, Error> {
    let path = data_dir.join(CLAIMS);
    read_claims(BufReader::new(open(&path)?), CLAIMS)
}

/// How many texts came from each file, in order of first appearance.
pub fn count_by_file(set: &[Labeled]) -> Vec<(String, usize)> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for l in set {
        let file = l.source.rsplit_once(':').map_or(l.source.as_str(), |(f, _)| f);
        match counts.last_mut() {
            Some((f, n)) if f == file => *n += 1,
            _ => match counts.iter_mut().find(|(f, _)| f == file) {
                Some((_, n)) => *n += 1,
                None => counts.push((file.to_string(), 1)),
            },
        }
    }
    counts
}

/// Write a set as JSONL (one object a line).
pub fn write_jsonl<T: Serialize>(w: &mut impl std::io::Write, set: &[T]) -> std::io::Result<()> {
    for l in set {
        serde_json::to_writer(&mut *w, l)?;
        w.write_all(b"\n")?;
    }
    Ok(())
}

fn open(path: &Path) -> Result<File, Error> {
    File::open(path).map_err(|source| Error::Io { path: path.to_path_buf(), source })
}

/// The `Youtube0*.csv` files of a folder, sorted by name.
fn youtube_files(dir: &Path) -> Result<Vec<String>, Error> {
    let io = |source| Error::Io { path: dir.to_path_buf(), source };
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let name = entry.map_err(io)?.file_name().to_string_lossy().into_owned();
        if name.starts_with("Youtube0")
            && Path::new(&name).extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"))
        {
            names.push(name);
        }
    }
    if names.is_empty() {
        return Err(Error::NoYoutubeFiles { dir: dir.to_path_buf() });
    }
    names.sort();
    Ok(names)
}

fn is_blank(text: &str) -> bool {
    text.trim().is_empty()
}

/// Ham lines of the SMS Spam Collection: `label<TAB>text`, no header, no
/// quoting (split on the first TAB). Labels must be `ham` or `spam`.
pub fn read_sms_ham(r: impl BufRead, file: &str) -> Result<Vec<Labeled>, Error> {
    let mut out = Vec::new();
    for line in numbered_lines(r, file) {
        let (n, line) = line?;
        let line = line.strip_suffix('\r').unwrap_or(&line);
        if line.is_empty() {
            continue;
        }
        let Some((label, text)) = line.split_once('\t') else {
            return Err(Error::Format {
                file: file.into(),
                line: n,
                expected: "`ham` or `spam`, a TAB, then the text".into(),
                found: format!("no TAB in `{}`", clip(line)),
            });
        };
        match label {
            "ham" if !is_blank(text) => out.push(Labeled {
                text: text.to_string(),
                label: OK.into(),
                source: format!("{file}:{n}"),
                note: "ham SMS".into(),
            }),
            "ham" | "spam" => {}
            other => {
                return Err(Error::Format {
                    file: file.into(),
                    line: n,
                    expected: "label `ham` or `spam` before the TAB".into(),
                    found: format!("`{}`", clip(other)),
                });
            }
        }
    }
    Ok(out)
}

/// A CSV reader over `r` and the index of each named column.
fn csv_with_columns<R: Read, const N: usize>(
    r: R,
    file: &str,
    columns: [&str; N],
) -> Result<(csv::Reader<R>, [usize; N]), Error> {
    let mut rdr = csv::ReaderBuilder::new().has_headers(true).flexible(false).from_reader(r);
    let headers = rdr.headers().map_err(|e| csv_error(file, &e))?.clone();
    let mut idx = [0; N];
    for (slot, name) in idx.iter_mut().zip(columns) {
        *slot = headers.iter().position(|h| h.trim() == name).ok_or_else(|| Error::MissingColumn {
            file: file.into(),
            column: name.into(),
            expected: columns.join(", "),
        })?;
    }
    Ok((rdr, idx))
}

fn csv_error(file: &str, e: &csv::Error) -> Error {
    let line = e.position().map_or(0, csv::Position::line);
    Error::Csv { file: file.into(), line, message: e.to_string() }
}

/// The texts of a CSV file whose columns `columns` are found by name, in
/// file order. `sort` reads one record: `Ok(Some((text, what)))` for a text
/// to keep (skipped when blank), `Ok(None)` for a record to leave out,
/// `Err((expected, found))` for a field that is neither; `keep` makes the
/// kept text (`text`, its line, `what`) an entry of the set.
fn csv_texts<R: Read, const N: usize, W, T>(
    r: R,
    file: &str,
    columns: [&str; N],
    sort: impl for<'r> Fn(
        &'r csv::StringRecord,
        [usize; N],
    ) -> Result<Option<(&'r str, W)>, (&'static str, &'r str)>,
    keep: impl Fn(String, u64, W) -> T,
) -> Result<Vec<T>, Error> {
    let (mut rdr, idx) = csv_with_columns(r, file, columns)?;
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| csv_error(file, &e))?;
        let line = rec.position().map_or(0, csv::Position::line);
        let (text, what) = match sort(&rec, idx) {
            Ok(Some(kept)) => kept,
            Ok(None) => continue,
            Err((expected, found)) => {
                return Err(Error::Format {
                    file: file.into(),
                    line,
                    expected: expected.into(),
                    found: format!("`{}`", clip(found)),
                });
            }
        };
        if is_blank(text) {
            continue;
        }
        out.push(keep(text.to_string(), line, what));
    }
    Ok(out)
}

/// For [`csv_texts`]: a benign text of `file`, with its line and note, labeled `ok`.
fn benign(file: &str) -> impl Fn(String, u64, String) -> Labeled + '_ {
    move |text, line, note| Labeled { text, label: OK.into(), source: format!("{file}:{line}"), note }
}

/// Brand replies (`inbound` False) of the Customer Support on Twitter set.
/// Columns are found by name: `author_id`, `inbound`, `text`.
pub fn read_twcs_brand_replies(r: impl Read, file: &str) -> Result<Vec<Labeled>, Error> {
    csv_texts(
        r,
        file,
        ["author_id", "inbound", "text"],
        |rec, [author, inbound, text]| {
            let field = |i: usize| rec.get(i).unwrap_or_default();
            match field(inbound) {
                "True" | "true" => Ok(None),
                "False" | "false" => Ok(Some((field(text), format!("brand reply by {}", field(author))))),
                other => Err(("`inbound` True or False", other)),
            }
        },
        benign(file),
    )
}

/// Non-spam comments (`CLASS` 0) of one `YouTube` Spam Collection file.
pub fn read_youtube_ok(r: impl Read, file: &str) -> Result<Vec<Labeled>, Error> {
    csv_texts(
        r,
        file,
        ["CONTENT", "CLASS"],
        |rec, [content, class]| match rec.get(class).unwrap_or_default().trim() {
            "1" => Ok(None),
            "0" => Ok(Some((rec.get(content).unwrap_or_default(), "YouTube comment, not spam".into()))),
            other => Err(("`CLASS` 0 or 1", other)),
        },
        benign(file),
    )
}

/// One text labeled for a classifier head, as `tactful eval-heads` reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeadText {
    pub head: &'static str,
    pub label: &'static str,
    pub text: String,
    /// The set's name: `eval-heads` gives its figures per source.
    pub source: &'static str,
    pub channel: &'static str,
}

/// The airline set (`labeled/` + [`AIRLINE`]), for the customer-request head.
pub fn airline_set(data_dir: &Path) -> Result<Vec<HeadText>, Error> {
    read_airline_requests(open(&data_dir.join("labeled").join(AIRLINE))?, AIRLINE)
}

/// Tweets at US airlines, labeled for the customer-request head. A negative
/// tweet whose annotators named its reason (a late or cancelled flight,
/// lost luggage, customer service, …) is a complaint: `request`. A positive
/// one is `other`. Neutral tweets, and negative ones whose reason is "Can't
/// Tell", are left out: they mix questions, news and jokes, and the set does
/// not say which is which. Columns are found by name: `airline_sentiment`,
/// `negativereason`, `text`. Public replies to a brand: channel `comment`.
pub fn read_airline_requests(r: impl Read, file: &str) -> Result<Vec<HeadText>, Error> {
    csv_texts(
        r,
        file,
        ["airline_sentiment", "negativereason", "text"],
        |rec, [sentiment, reason, text]| {
            let field = |i: usize| rec.get(i).unwrap_or_default();
            match (field(sentiment).trim(), field(reason).trim()) {
                ("negative", "" | "Can't Tell") | ("neutral", _) => Ok(None),
                ("negative", _) => Ok(Some((field(text), "request"))),
                ("positive", _) => Ok(Some((field(text), "other"))),
                (other, _) => Err(("`airline_sentiment` negative, neutral or positive", other)),
            }
        },
        |text, _, label| HeadText {
            head: "customer-request",
            label,
            text,
            source: "us_airline_tweets",
            channel: "comment",
        },
    )
}

#[derive(Deserialize)]
struct JanitrPost {
    text: String,
    labels: Vec<String>,
}

/// Whether a janitr label set means the post is benign. The labels are
/// multi-label: `clean` marks a benign post and may come with `topic_*`
/// labels, which say what a post is about, not that anything is wrong with
/// it. So a post is clean when every label is `clean` or a topic, and at
/// least one label is there (an empty list is an unlabeled post).
pub fn janitr_is_clean(labels: &[String]) -> bool {
    // Only posts a person marked `clean`; topic labels say what a post is
    // about, not that anything is wrong with it, so they may sit beside it.
    labels.iter().any(|l| l == "clean") && labels.iter().all(|l| l == "clean" || l.starts_with("topic_"))
}

/// Clean posts of the janitr X sample (JSONL with `text` and `labels`).
pub fn read_janitr_clean(r: impl BufRead, file: &str) -> Result<Vec<Labeled>, Error> {
    let expected = "a JSON object with `text` (string) and `labels` (array of strings)";
    let mut out = Vec::new();
    for line in json_lines::<JanitrPost>(r, file, expected) {
        let (n, post) = line?;
        if !janitr_is_clean(&post.labels) || is_blank(&post.text) {
            continue;
        }
        out.push(Labeled {
            text: post.text,
            label: OK.into(),
            source: format!("{file}:{n}"),
            note: format!("X post (possibly synthetic), labels: {}", post.labels.join(", ")),
        });
    }
    Ok(out)
}

/// Each line of a JSONL file that is not blank, read as a `T` (`expected`
/// says what it should be), with its line number; the first bad line ends it.
fn json_lines<'a, T: serde::de::DeserializeOwned>(
    r: impl BufRead + 'a,
    file: &'a str,
    expected: &'a str,
) -> impl Iterator<Item = Result<(u64, T), Error>> + 'a {
    numbered_lines(r, file).filter_map(move |line| {
        let (n, line) = match line {
            Ok((_, line)) if line.trim().is_empty() => return None,
            Ok(numbered) => numbered,
            Err(e) => return Some(Err(e)),
        };
        Some(serde_json::from_str(&line).map(|v| (n, v)).map_err(|source| Error::Json {
            file: file.into(),
            line: n,
            expected: expected.into(),
            source,
        }))
    })
}

/// The lines of a text file, each with its number (from 1); a line that is
/// not UTF-8 is an error naming it.
fn numbered_lines<'a>(
    r: impl BufRead + 'a,
    file: &'a str,
) -> impl Iterator<Item = Result<(u64, String), Error>> + 'a {
    r.lines().enumerate().map(move |(i, line)| {
        let n = i as u64 + 1;
        line.map(|line| (n, line)).map_err(|e| Error::Format {
            file: file.into(),
            line: n,
            expected: "a UTF-8 line".into(),
            found: e.to_string(),
        })
    })
}

/// A labeled JSONL file as is (`text`, `label`, `source`, optional `note`);
/// every label must be one `tactful eval` understands.
pub fn read_claims(r: impl BufRead, file: &str) -> Result<Vec<Labeled>, Error> {
    let expected = "a JSON object with `text`, `label`, `source` (strings) and optional `note`";
    let mut out = Vec::new();
    for line in json_lines::<Labeled>(r, file, expected) {
        let (n, l) = line?;
        if let Err(e) = tactful_core::eval::category_of_label(&l.label) {
            return Err(Error::Format {
                file: file.into(),
                line: n,
                expected: "a label tactful eval knows (a category, `disclosure_missing` or `ok`)".into(),
                found: e,
            });
        }
        out.push(l);
    }
    Ok(out)
}

/// At most 60 characters of a field, for error messages.
fn clip(s: &str) -> String {
    match s.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each record's text and source, to compare in one go.
    fn read(got: &[Labeled]) -> Vec<(&str, &str)> {
        got.iter().map(|l| (l.text.as_str(), l.source.as_str())).collect()
    }

    #[test]
    fn sms_keeps_ham_splits_on_the_first_tab_and_numbers_lines() {
        let tsv = "ham\tOk lar... \"Joking\" wif u oni\tstill text\r\nspam\tFree entry! Text WIN now\n\nham\t   \nham\tSee you at 5\n";
        let got = read_sms_ham(tsv.as_bytes(), "sms/SMS").unwrap();
        assert_eq!(
            read(&got),
            [("Ok lar... \"Joking\" wif u oni\tstill text", "sms/SMS:1"), ("See you at 5", "sms/SMS:5")]
        );
        assert_eq!(got[0].label, "ok");
    }

    #[test]
    fn sms_errors_name_file_line_and_expectation() {
        let e = read_sms_ham("ham\tfine\nno tab here\n".as_bytes(), "sms/SMS").unwrap_err().to_string();
        assert!(e.starts_with("sms/SMS:2: expected"), "{e}");
        assert!(e.contains("TAB"), "{e}");
        let e = read_sms_ham("maybe\ttext\n".as_bytes(), "sms/SMS").unwrap_err().to_string();
        assert!(e.contains("sms/SMS:1") && e.contains("`maybe`"), "{e}");
    }

    #[test]
    fn twcs_keeps_brand_replies_with_quoted_multiline_text() {
        let csv = "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n\
1,AcmeCare,False,Tue Oct 31 22:10:47 +0000 2017,\"@1 Sorry to hear that.\nPlease DM us, \"\"thanks\"\"\",\"2,3\",4\n\
2,115712,True,Tue Oct 31 22:11:45 +0000 2017,@AcmeCare how?,,1\n\
3,AcmeCare,False,Tue Oct 31 22:12:00 +0000 2017,,,2\n\
4,AcmeCare,False,Tue Oct 31 22:13:00 +0000 2017,@1 Glad we could help!,,2\n";
        let got = read_twcs_brand_replies(csv.as_bytes(), "twcs.csv").unwrap();
        // The record after a two-line record starts on line 4.
        assert_eq!(
            read(&got),
            [
                ("@1 Sorry to hear that.\nPlease DM us, \"thanks\"", "twcs.csv:2"),
                ("@1 Glad we could help!", "twcs.csv:6")
            ]
        );
        assert_eq!(got[0].note, "brand reply by AcmeCare");
    }

    #[test]
    fn twcs_rejects_a_bad_inbound_and_a_missing_column() {
        let csv = "tweet_id,author_id,inbound,text\n1,a,Maybe,hello\n";
        let e = read_twcs_brand_replies(csv.as_bytes(), "twcs.csv").unwrap_err().to_string();
        assert!(e.starts_with("twcs.csv:2: expected `inbound` True or False"), "{e}");
        let e = read_twcs_brand_replies("a,b\n1,2\n".as_bytes(), "twcs.csv").unwrap_err().to_string();
        assert!(e.contains("no column `author_id`"), "{e}");
    }

    #[test]
    fn youtube_keeps_class_zero() {
        let csv = "COMMENT_ID,AUTHOR,DATE,CONTENT,CLASS\n\
a,X,2013-11-07T06:20:48,\"check out my channel, subscribe\",1\n\
b,Y,,\"love this song,\nplayed it all day\",0\n";
        let got = read_youtube_ok(csv.as_bytes(), "yt/Youtube01.csv").unwrap();
        assert_eq!(read(&got), [("love this song,\nplayed it all day", "yt/Youtube01.csv:3")]);
        let bad = "COMMENT_ID,AUTHOR,DATE,CONTENT,CLASS\nz,Y,,hi,spam\n";
        let e = read_youtube_ok(bad.as_bytes(), "yt/Y.csv").unwrap_err().to_string();
        assert!(e.starts_with("yt/Y.csv:2: expected `CLASS` 0 or 1"), "{e}");
    }

    #[test]
    fn airline_complaints_are_requests_and_thanks_are_not() {
        let csv = "tweet_id,airline_sentiment,negativereason,airline,text,tweet_created\n\
1,negative,Lost Luggage,United,@united where is my bag??,2/24/2015 11:35\n\
2,positive,,Delta,@JetBlue thank you so much!,2/24/2015 11:36\n\
3,neutral,,Delta,@JetBlue what time is it in Boston,2/24/2015 11:37\n\
4,negative,Can't Tell,United,@united ugh,2/24/2015 11:38\n\
5,negative,Late Flight,United,   ,2/24/2015 11:39\n";
        let got = read_airline_requests(csv.as_bytes(), "air.csv").unwrap();
        let labels: Vec<(&str, &str)> = got.iter().map(|h| (h.label, h.text.as_str())).collect();
        assert_eq!(
            labels,
            [("request", "@united where is my bag??"), ("other", "@JetBlue thank you so much!")]
        );
        assert!(got.iter().all(|h| h.head == "customer-request" && h.channel == "comment"));
        let bad = "airline_sentiment,negativereason,text\nangry,,hi\n";
        let e = read_airline_requests(bad.as_bytes(), "air.csv").unwrap_err().to_string();
        assert!(
            e.starts_with("air.csv:2: expected `airline_sentiment` negative, neutral or positive"),
            "{e}"
        );
        let e = read_airline_requests("sentiment,text\n".as_bytes(), "air.csv").unwrap_err().to_string();
        assert!(e.contains("no column `airline_sentiment`"), "{e}");
    }

    #[test]
    fn janitr_keeps_only_posts_marked_clean() {
        let jsonl = r#"{"id":"1","text":"gm, coffee first","labels":["clean"]}
{"id":"2","text":"XRP looks strong","labels":["topic_crypto"]}
{"id":"3","text":"send 0.1 BTC get 0.2 back","labels":["scam","topic_crypto"]}
{"id":"4","text":"no labels","labels":[]}

{"id":"6","text":"new album out","labels":["clean","topic_music"],"extra":1}
"#;
        let got = read_janitr_clean(jsonl.as_bytes(), "j.jsonl").unwrap();
        let sources: Vec<&str> = got.iter().map(|l| l.source.as_str()).collect();
        assert_eq!(sources, ["j.jsonl:1", "j.jsonl:6"]);
        let e = read_janitr_clean("{\"text\": 3}\n".as_bytes(), "j.jsonl").unwrap_err().to_string();
        assert!(e.starts_with("j.jsonl:1: expected a JSON object"), "{e}");
    }

    #[test]
    fn claims_are_read_as_is_and_labels_checked() {
        let jsonl = r#"{"text": "I made $5,000 last month", "label": "income_claim", "source": "https://x", "note": "fragment"}
{"text": "Nice day", "label": "ok", "source": "s"}
"#;
        let got = read_claims(jsonl.as_bytes(), "c.jsonl").unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].label, "income_claim");
        assert_eq!(got[0].note, "fragment");
        assert_eq!(got[1].note, "");
        let bad = r#"{"text": "t", "label": "weird", "source": "s"}"#;
        let e = read_claims(bad.as_bytes(), "c.jsonl").unwrap_err().to_string();
        assert!(e.starts_with("c.jsonl:1: expected a label"), "{e}");
    }

    #[test]
    fn counts_by_file_in_order() {
        let l =
            |s: &str| Labeled { text: "t".into(), label: "ok".into(), source: s.into(), note: String::new() };
        let set = [l("a/x:1"), l("a/x:2"), l("b/y:1"), l("a/x:9")];
        assert_eq!(count_by_file(&set), vec![("a/x".to_string(), 3), ("b/y".to_string(), 1)]);
    }

    #[test]
    fn writes_one_object_a_line() {
        let set =
            [Labeled { text: "a\nb".into(), label: "ok".into(), source: "f:1".into(), note: "n".into() }];
        let mut buf = Vec::new();
        write_jsonl(&mut buf, &set).unwrap();
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "{\"text\":\"a\\nb\",\"label\":\"ok\",\"source\":\"f:1\",\"note\":\"n\"}\n"
        );
    }
}

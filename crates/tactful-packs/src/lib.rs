//! The built-in rule packs, embedded in the binary as TOML text.
//!
//! One file per category under `packs/`. Each rule carries its code,
//! documentation, references and examples; `rules explain`, the docs and the
//! web page all read from here. `packs/cues.toml` holds no rules: it holds
//! the phrase lists of the pitch, inquiry and complaint cues (see
//! [`Cues`]), with their examples. This crate does no I/O: company packs are
//! read by the caller and passed in as text.

use tactful_core::relationships::Cues;
use tactful_core::{Engine, Pack, PackError, engine::EngineError};

/// The built-in packs: (file name, TOML source).
pub const BUILTIN: &[(&str, &str)] = &[
    ("packs/shared.toml", include_str!("../packs/shared.toml")),
    ("packs/income.toml", include_str!("../packs/income.toml")),
    ("packs/lifestyle.toml", include_str!("../packs/lifestyle.toml")),
    ("packs/health.toml", include_str!("../packs/health.toml")),
    // No rules: MeSH condition names joining the health rules' disease list.
    ("packs/conditions.toml", include_str!("../packs/conditions.toml")),
    ("packs/disclosure.toml", include_str!("../packs/disclosure.toml")),
    ("packs/solicitation.toml", include_str!("../packs/solicitation.toml")),
    ("packs/spam.toml", include_str!("../packs/spam.toml")),
    ("packs/exaggeration.toml", include_str!("../packs/exaggeration.toml")),
    ("packs/overshare.toml", include_str!("../packs/overshare.toml")),
    ("packs/pitch.toml", include_str!("../packs/pitch.toml")),
    ("packs/kinds.toml", include_str!("../packs/kinds.toml")),
    ("packs/consent.toml", include_str!("../packs/consent.toml")),
    // No rules: the cue lists. The core embeds the same file (`BUILTIN_CUES`).
    ("packs/cues.toml", include_str!("../packs/cues.toml")),
];

/// Parse the built-in packs.
pub fn builtin_packs() -> Vec<Pack> {
    BUILTIN
        .iter()
        .map(|(name, src)| {
            Pack::parse(name, src).unwrap_or_else(|e| panic!("built-in pack is malformed: {e}"))
        })
        .collect()
}

/// An engine with the built-in packs and then each extra pack, in order.
/// `extra` holds (file name, TOML source) pairs, typically company packs.
pub fn engine_with(extra: &[(String, String)]) -> Result<Engine, EngineError> {
    let mut packs = builtin_packs();
    for (name, src) in extra {
        packs.push(Pack::parse(name, src)?);
    }
    Engine::new(&packs)
}

/// An engine with only the built-in packs.
pub fn builtin_engine() -> Engine {
    engine_with(&[]).unwrap_or_else(|e| panic!("built-in packs do not compile: {e}"))
}

/// The cue lists of the built-in packs and then of each extra pack, joined
/// in order. `extra` holds (file name, TOML source) pairs. With no extra
/// packs this is the same as [`Cues::builtin`].
pub fn cues_with(extra: &[(String, String)]) -> Result<Cues, PackError> {
    let mut packs = builtin_packs();
    for (name, src) in extra {
        packs.push(Pack::parse(name, src)?);
    }
    Cues::from_packs(&packs)
}

//! The shared labeled data folder (`../shared/data`) as the tools and quality
//! gates that read it see it: this crate's `build-eval-sets` and its gate, and
//! tactful-train's `tactful-train` and its gate. What they do when the folder
//! is missing is said here once.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// A tool's `main` over the data folder `data`: when the folder is missing,
/// a banner on stderr says so (`made` says what is made from the data,
/// `not_done` what did not happen) and the exit code is 2, with nothing
/// done; otherwise `run` runs, and its error is printed with exit code 1.
pub fn run_over(
    data: &Path,
    made: &str,
    not_done: &str,
    run: impl FnOnce() -> anyhow::Result<()>,
) -> ExitCode {
    if !data.is_dir() {
        eprintln!("**************************************************************");
        eprintln!("*** DATA NOT FOUND: {}", data.display());
        eprintln!("*** {made} from the shared labeled data");
        eprintln!("*** (normally ../shared/data next to the repository). Nothing");
        eprintln!("*** {not_done}. Pass --data DIR to point at it.");
        eprintln!("**************************************************************");
        return ExitCode::from(2);
    }
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The data folder of a quality-gate test: `TACTFUL_EVAL_DATA`, else
/// `default()`. When it is missing the gate may not skip under CI (this
/// panics); elsewhere it says loudly, past the test harness's capture, that
/// the quality gate of `gate` did not run, and gives `None`.
pub fn gate_data(default: impl FnOnce() -> PathBuf, gate: &str) -> Option<PathBuf> {
    let data = std::env::var_os("TACTFUL_EVAL_DATA").map_or_else(default, PathBuf::from);
    if data.is_dir() {
        return Some(data);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "../shared/data is missing: under CI it must sit beside the repository (this test does not skip there)"
    );
    let _ = writeln!(
        std::io::stderr(),
        "\n**********************************************************************\n\
         *** SKIPPED: ../shared/data not found ({}).\n\
         *** The quality gate of {gate} did NOT run.\n\
         **********************************************************************\n",
        data.display()
    );
    None
}

/// For the tools' tests: `cmd` is a well-formed command line whose every
/// flag has a help text of at least ten characters.
pub fn assert_every_flag_explains_itself(cmd: &clap::Command) {
    cmd.clone().debug_assert();
    for a in cmd.get_arguments() {
        assert!(a.get_help().is_some_and(|h| h.to_string().len() >= 10), "--{} has no help", a.get_id());
    }
}

/// For the tools' tests: the command line `C` read from `flags`, the words
/// after the program's name.
pub fn parse_flags<C: clap::Parser>(flags: &[&str]) -> Result<C, clap::Error> {
    let cmd = C::command();
    C::try_parse_from(std::iter::once(cmd.get_name()).chain(flags.iter().copied()))
}

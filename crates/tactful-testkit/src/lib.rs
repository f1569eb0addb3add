//! tactful-testkit: real parts the tests talk to, kept out of the product.
//!
//! [`smtp`] is a small SMTP server that keeps every message it accepts as a
//! file. `scripts/test.sh` starts one (`smtp-sink`) on loopback for the whole
//! run and tells the tests where it is; a test sends notices to it with the
//! product's own SMTP client and reads back what arrived.
//! [`path_from_script`] reads the other things the script hands the tests.

pub mod smtp;

/// A path the test script hands the tests in the environment variable
/// `var` (a fetched model, an installed folder). Under CI a missing one
/// fails the test that needs it; elsewhere the test is skipped, saying so.
pub fn path_from_script(var: &str) -> Option<std::path::PathBuf> {
    if let Some(p) = std::env::var_os(var) {
        return Some(p.into());
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{var} is not set: under CI this test must run (scripts/test.sh sets it)"
    );
    eprintln!("SKIPPED: {var} not set (scripts/test.sh sets it)");
    None
}

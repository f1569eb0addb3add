//! tactful-testkit: real parts the tests talk to, kept out of the product.
//!
//! [`smtp`] is a small SMTP server that keeps every message it accepts as a
//! file. `scripts/test.sh` starts one (`smtp-sink`) on loopback for the whole
//! run and tells the tests where it is; a test sends notices to it with the
//! product's own SMTP client and reads back what arrived.

pub mod smtp;

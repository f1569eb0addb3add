//! Snapshots of what the built-in packs find in a set of realistic drafts.
//! A change to any rule shows up here as a reviewed diff (`cargo insta review`).

use std::fmt::Write as _;
use tactful_core::Channel;
use tactful_packs::builtin_engine;

#[test]
fn findings_on_realistic_drafts() {
    let engine = builtin_engine();
    let src = include_str!("fixtures/drafts.txt");
    let mut report = String::new();
    for block in src.split("=== ").skip(1) {
        let (channel, text) = block.split_once('\n').expect("channel line");
        let channel: Channel = channel.trim().parse().expect("channel");
        let text = text.trim_end();
        writeln!(report, "[{channel}] {text}").expect("writing to a String");
        for f in engine.check(text, channel) {
            writeln!(report, "  {} {} {:?}", f.severity, f.code, &text[f.start..f.end])
                .expect("writing to a String");
        }
        report.push('\n');
    }
    insta::assert_snapshot!(report);
}

//! Exports come from the internet: a zip must not write or read outside
//! itself, must not expand without bound, and links are never followed: they
//! are left out and named, in folders and in archives alike (strict: refused).

use std::io::Write;
use std::path::PathBuf;

use tactful_import::source::{self, Limits};
use tactful_import::{Format, Options};
use zip::write::SimpleFileOptions;

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("tactful-zip-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn make_zip(path: &PathBuf, entries: &[(&str, &[u8])]) {
    let mut w = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let opts = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap();
}

/// A zip `<name>.zip` holding `entries`, in a scratch folder of its own.
fn zip_of(name: &str, entries: &[(&str, &[u8])]) -> PathBuf {
    let z = scratch(name).join(format!("{name}.zip"));
    make_zip(&z, entries);
    z
}

fn refusal(path: &std::path::Path, limits: Limits) -> String {
    match source::open(path, limits) {
        Ok(_) => panic!("{} was accepted", path.display()),
        Err(e) => e.to_string(),
    }
}

#[test]
fn path_traversal_is_refused() {
    let z = zip_of(
        "traversal",
        &[("data/tweets.js", b"window.YTD.tweets.part0 = []"), ("../../etc/evil.txt", b"x")],
    );
    let e = refusal(&z, Limits::default());
    assert!(e.contains("../../etc/evil.txt") && e.contains("path traversal"), "{e}");
}

#[test]
fn absolute_paths_are_refused() {
    let z = zip_of("absolute", &[("/etc/passwd", b"x")]);
    let e = refusal(&z, Limits::default());
    assert!(e.contains("absolute path"), "{e}");
}

#[test]
fn a_zip_bomb_is_refused_by_ratio_and_by_total_size() {
    let zeros = vec![0u8; 8 << 20];
    let z = zip_of("bomb", &[("posts/your_posts_1.json", &zeros)]);
    let e = refusal(&z, Limits::default());
    assert!(e.contains("zip bomb"), "{e}");
    let e = refusal(&z, Limits { max_total: 1 << 20, max_ratio: u64::MAX });
    assert!(e.contains("expands to more than"), "{e}");
}

#[test]
fn many_small_entries_that_make_a_bomb_together_are_refused() {
    // Each entry is 1 MiB of zeros, within the per-entry cap on its own; 40 of
    // them are 40 MiB from some 40 KB: a bomb as a whole (the real one was
    // 8,000 entries, 7.8 GiB from 9.5 MB).
    let zeros = vec![0u8; 1 << 20];
    let names: Vec<String> = (0..40).map(|i| format!("data/part{i}.js")).collect();
    let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), zeros.as_slice())).collect();
    let z = zip_of("many-small", &entries);
    let e = refusal(&z, Limits::default());
    assert!(e.contains("for the archive as a whole") && e.contains("zip bomb"), "{e}");
    // One such entry alone is fine.
    make_zip(&z, &entries[..1]);
    assert!(source::open(&z, Limits::default()).is_ok());
}

#[test]
fn entries_under_dot_slash_are_read_and_dot_dot_anywhere_is_refused() {
    let z =
        zip_of("dot", &[("./data/tweets.js", b"window.YTD.tweets.part0 = []"), ("./data/./like.js", b"[]")]);
    let mut src = source::open(&z, Limits::default()).unwrap();
    assert_eq!(src.entries(), ["data/like.js".to_string(), "data/tweets.js".to_string()]);
    let mut s = String::new();
    std::io::Read::read_to_string(&mut src.open("data/tweets.js").unwrap(), &mut s).unwrap();
    assert_eq!(s, "window.YTD.tweets.part0 = []");
    for evil in ["./../x.js", "data/../../x.js", "a/./../../x.js"] {
        make_zip(&z, &[(evil, b"x")]);
        let e = refusal(&z, Limits::default());
        assert!(e.contains("path traversal"), "{evil}: {e}");
    }
}

#[test]
fn a_link_inside_a_zip_is_left_out_and_named_and_strict_refuses_it() {
    let d = scratch("zip-link");
    let z = d.join("link.zip");
    {
        let mut w = zip::ZipWriter::new(std::fs::File::create(&z).unwrap());
        let opts = SimpleFileOptions::default();
        w.start_file("data/tweets.js", opts).unwrap();
        w.write_all(TWEETS).unwrap();
        w.add_symlink("data/like.js", "/etc/passwd", opts).unwrap();
        w.finish().unwrap();
    }
    let src = source::open(&z, Limits::default()).unwrap();
    assert_eq!(src.entries(), ["data/tweets.js".to_string()], "the link is not listed");
    assert_left_out_and_named(&z, "data/like.js");
}

const TWEETS: &[u8] = br#"window.YTD.tweets.part0 = [{"tweet": {"id_str": "1855600000000000010", "full_text": "Hello", "created_at": "Sat Nov 09 12:14:18 +0000 2024"}}]"#;

/// Importing `path` skips the link `link` and names it; strict refuses the export.
fn assert_left_out_and_named(path: &std::path::Path, link: &str) {
    let mut src = source::open(path, Limits::default()).unwrap();
    let mut n = 0;
    let skipped = tactful_import::run(Format::X, src.as_mut(), &Options::default(), &mut |_| {
        n += 1;
        Ok(())
    })
    .unwrap();
    assert!(n > 0, "the rest is imported");
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert!(skipped[0].whole_file && skipped[0].file == link, "{skipped:?}");
    assert!(skipped[0].reason.contains("symbolic link"), "{skipped:?}");
    let strict = Options { strict: true, ..Options::default() };
    let e = tactful_import::run(Format::X, src.as_mut(), &strict, &mut |_| Ok(())).unwrap_err().to_string();
    assert!(e.contains(link) && e.contains("symbolic link") && e.contains("--strict"), "{e}");
}

#[test]
fn a_clean_zip_lists_its_entries_and_reads_them() {
    let z = zip_of("clean", &[("data/tweets.js", b"window.YTD.tweets.part0 = []")]);
    let mut src = source::open(&z, Limits::default()).unwrap();
    assert_eq!(src.entries(), ["data/tweets.js".to_string()]);
    let mut s = String::new();
    std::io::Read::read_to_string(&mut src.open("data/tweets.js").unwrap(), &mut s).unwrap();
    assert_eq!(s, "window.YTD.tweets.part0 = []");
}

/// An export folder in a scratch folder `name`: `data/tweets.js` holding
/// `tweets`, and at `link` a symbolic link to `target`.
#[cfg(unix)]
fn folder_with_a_link(name: &str, tweets: &[u8], link: &str, target: &str) -> PathBuf {
    let export = scratch(name).join("export");
    std::fs::create_dir_all(export.join("data")).unwrap();
    std::fs::write(export.join("data/tweets.js"), tweets).unwrap();
    std::os::unix::fs::symlink(target, export.join(link)).unwrap();
    export
}

#[cfg(unix)]
#[test]
fn links_in_folders_are_not_followed() {
    let export =
        folder_with_a_link("links", b"window.YTD.tweets.part0 = []", "data/leak.js", "../../secret.txt");
    let secret = export.parent().unwrap().join("secret.txt");
    std::fs::write(&secret, "private").unwrap();
    let src = source::open(&export, Limits::default()).unwrap();
    assert_eq!(src.entries(), ["data/tweets.js".to_string()], "the link is not listed");
    let e = refusal(&export.join("data/leak.js"), Limits::default());
    assert!(e.contains("symbolic link"), "{e}");
}

#[cfg(unix)]
#[test]
fn a_link_inside_a_folder_is_left_out_and_named_like_one_in_a_zip() {
    let export = folder_with_a_link("folder-link", TWEETS, "data/like.js", "/etc/passwd");
    assert_left_out_and_named(&export, "data/like.js");
}

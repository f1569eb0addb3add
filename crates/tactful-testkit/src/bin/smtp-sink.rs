//! `smtp-sink --dir DIR [--listen 127.0.0.1:0]`: the SMTP sink the test
//! script starts for a run. Prints `listening on ADDR` once it accepts, then
//! serves until it is stopped.

use std::io::Write;

fn main() {
    let mut args = std::env::args().skip(1);
    let (mut listen, mut dir) = ("127.0.0.1:0".to_string(), None);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--listen" => listen = args.next().expect("--listen needs an address, e.g. 127.0.0.1:2525"),
            "--dir" => dir = args.next(),
            _ => {
                eprintln!(
                    "smtp-sink: unknown argument `{a}`; usage: smtp-sink --dir DIR [--listen 127.0.0.1:0]"
                );
                std::process::exit(2);
            }
        }
    }
    let Some(dir) = dir else {
        eprintln!("smtp-sink: --dir DIR is required (where the messages it accepts are kept)");
        std::process::exit(2);
    };
    let listener = std::net::TcpListener::bind(&listen)
        .unwrap_or_else(|e| panic!("smtp-sink: cannot listen on {listen}: {e}"));
    let addr = listener.local_addr().expect("the bound address");
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("smtp-sink: cannot create {dir}: {e}"));
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "listening on {addr}");
    let _ = out.flush();
    drop(out);
    tactful_testkit::smtp::serve(&listener, std::path::Path::new(&dir));
}

//! The `alsobought-demo` binary as scripts use it: what `generate` prints and refuses,
//! the single `serving` line of `serve`, and a clean stop on SIGTERM.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn demo() -> Command {
    Command::new(env!("CARGO_BIN_EXE_alsobought-demo"))
}

#[test]
fn generate_writes_the_shop_and_reports_what_it_wrote() {
    let out = tempfile::tempdir().unwrap();
    let output = demo()
        .args(["generate", "--out"])
        .arg(out.path())
        .args(["--seed", "5", "--products", "30", "--orders", "200"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report = String::from_utf8(output.stdout).unwrap();
    assert!(report.starts_with("generated 30 products ("), "{report}");
    assert!(report.contains("200 orders"), "{report}");
    assert!(report.contains("(seed 5)"), "{report}");
    for file in [
        "catalog.csv",
        "orders.csv",
        "catalog.json",
        "products/COF-1001.html",
        "images/COF-1001.svg",
    ] {
        assert!(out.path().join(file).is_file(), "{file} missing");
    }
}

#[test]
fn generate_refuses_an_impossible_product_count_with_the_limit() {
    let out = tempfile::tempdir().unwrap();
    let output = demo()
        .args(["generate", "--products", "0", "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let error = String::from_utf8(output.stderr).unwrap();
    assert!(
        error.starts_with("alsobought-demo: error: --products 0 is out of range"),
        "{error}"
    );
}

#[test]
fn serve_refuses_a_root_that_is_not_a_directory() {
    let output = demo()
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--root",
            "/nonexistent/alsobought",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("is not a directory"));
}

#[cfg(unix)]
#[test]
fn serve_prints_one_url_line_serves_and_stops_cleanly_on_sigterm() {
    let root = tempfile::tempdir().unwrap();
    std::fs::write(
        root.path().join("index.html"),
        "<!doctype html><title>t</title>",
    )
    .unwrap();
    let mut child = demo()
        .args(["serve", "--addr", "127.0.0.1:0", "--root"])
        .arg(root.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let address = line
        .strip_prefix("serving http://")
        .and_then(|rest| rest.strip_suffix("/\n"))
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    assert!(
        !address.ends_with(":0"),
        "the real port is printed: {address}"
    );

    let mut stream = TcpStream::connect(&address).unwrap();
    write!(
        stream,
        "GET / HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    assert!(reply.starts_with("HTTP/1.1 200 OK"), "{reply}");

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(5);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "still running 5 s after SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "exit status {status}");
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    assert_eq!(rest, "", "nothing but the URL line on stdout");
}

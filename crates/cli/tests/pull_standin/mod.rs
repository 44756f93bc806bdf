//! The platform stand-ins of the pull tests: Shopify's (`shopify`), and what it
//! shares with `pull_woocommerce.rs`'s:
//! serving a router on a local port, a calendar of whole seconds, holding a request
//! unanswered and killing the pull that waits for it.

#![allow(dead_code)] // each test binary uses a different part of it

use std::process::Child;
use std::thread;
use std::time::{Duration, Instant};

use axum::Router;

pub mod shopify;

/// Serves the router `make` builds (it is given the stand-in's base URL) on a local
/// port, on its own thread until the test process ends; returns the base URL.
pub fn serve(make: impl FnOnce(&str) -> Router) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = make(&base);
    thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    base
}

/// Seconds since the stand-ins' epoch, 2026-01-01, as `YYYY-MM-DDTHH:MM:SS`.
pub fn date(seconds: u64) -> String {
    let (day, rest) = (seconds / 86_400, seconds % 86_400);
    assert!(day < 28, "the stand-ins' calendar is one month");
    format!(
        "2026-01-{:02}T{:02}:{:02}:{:02}",
        day + 1,
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    )
}

/// What a stand-in does with a request it is told to hold: nothing, for an hour.
pub async fn hold() {
    tokio::time::sleep(Duration::from_secs(3600)).await;
}

/// Waits until `reached` says the stand-in holds the request the pull `child` waits
/// for, then kills the pull there (as a reboot or a CI timeout would).
pub fn kill_when(mut child: Child, reached: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while !reached() {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the pull ended before it was killed"
        );
        assert!(Instant::now() < deadline, "the pull never got there");
        thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
}

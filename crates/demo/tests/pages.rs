//! The hand-written store pages (index.html, www/checkout.html) and the
//! generated product pages follow the same rules: the shared header and footer, the
//! favicon link that keeps the console clean, and no inline script or style anywhere
//! but the README's early start of the wasm (`generator::html::EARLY_WASM_SCRIPT`,
//! which the strict CSP allows by its hash), which the strict-CSP test pages depend on.

use std::fs;
use std::path::{Path, PathBuf};

use alsobought_demo::generator::html::{site_footer, site_header, EARLY_WASM_SCRIPT};
use alsobought_demo::generator::{self, GeneratorOptions};

fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// What breaks under `script-src 'self'; style-src 'self'`, found in `page`, but the
/// early start of the wasm as written (server::STRICT_CSP allows it by its hash).
fn inline_code(page: &str) -> Vec<String> {
    let lower = page.to_ascii_lowercase();
    let early_start = format!("<script>{EARLY_WASM_SCRIPT}</script>");
    let mut problems = Vec::new();
    for (position, _) in lower.match_indices("<script") {
        let tag_end = lower[position..]
            .find('>')
            .map_or(lower.len(), |end| position + end);
        if !lower[position..tag_end].contains(" src=")
            && !page[position..].starts_with(&early_start)
        {
            problems.push(format!("inline <script> at byte {position}"));
        }
    }
    for needle in [
        "<style",
        " style=",
        " onclick=",
        " onload=",
        " onerror=",
        "javascript:",
    ] {
        if let Some(position) = lower.find(needle) {
            problems.push(format!("{needle:?} at byte {position}"));
        }
    }
    problems
}

fn check_page(name: &str, page: &str) {
    assert!(
        page.starts_with("<!doctype html>\n"),
        "{name}: must start with the doctype"
    );
    assert!(
        page.contains(r#"<link rel="icon" href="data:,">"#),
        "{name}: favicon link missing"
    );
    assert!(
        page.contains(&site_header()),
        "{name}: header differs from generator::html::site_header()"
    );
    assert!(
        page.contains(site_footer()),
        "{name}: footer differs from generator::html::site_footer()"
    );
    assert_eq!(inline_code(page), Vec::<String>::new(), "{name}");
}

#[test]
fn hand_written_pages_share_the_layout_and_need_no_inline_code() {
    let root = repository_root();
    for name in ["index.html", "www/checkout.html"] {
        let page = fs::read_to_string(root.join(name)).unwrap();
        check_page(name, &page);
    }
}

#[test]
fn the_checkout_loads_the_store_script_first_and_before_first_paint() {
    let page = fs::read_to_string(repository_root().join("www/checkout.html")).unwrap();
    let store = page
        .find(r#"<script type="module" src="/www/store.js" blocking="render">"#)
        .unwrap();
    let widget = page
        .find(r#"<script type="module" src="/alsobought/alsobought.js">"#)
        .unwrap();
    assert!(store < widget, "store.js must run first to set data-cart");
}

#[test]
fn generated_product_pages_share_the_layout_and_need_no_inline_code() {
    let out = tempfile::tempdir().unwrap();
    generator::generate(
        out.path(),
        &GeneratorOptions {
            seed: 3,
            products: 40,
            orders: 100,
        },
    )
    .unwrap();
    for entry in fs::read_dir(out.path().join("products")).unwrap() {
        let path = entry.unwrap().path();
        check_page(
            &path.display().to_string(),
            &fs::read_to_string(&path).unwrap(),
        );
    }
}

#[test]
fn the_inline_code_check_finds_what_csp_would_block() {
    assert_eq!(
        inline_code(r#"<script type="module" src="/a.js"></script>"#).len(),
        0
    );
    assert_eq!(inline_code("<script>alert(1)</script>").len(), 1);
    assert_eq!(
        inline_code(&format!("<script>{EARLY_WASM_SCRIPT}</script>")).len(),
        0
    );
    assert_eq!(
        inline_code(&format!("<script>{EARLY_WASM_SCRIPT};alert(1)</script>")).len(),
        1
    );
    assert_eq!(inline_code(r#"<p style="color: red">"#).len(), 1);
    assert_eq!(inline_code("<style>p{}</style>").len(), 1);
}

/// The README's snippet is what stores paste, and its hash what strict-CSP stores add to
/// `script-src`: both must be the script and the hash the demo serves and tests, or a
/// store copies a script whose hash its policy refuses.
#[test]
fn the_readme_gives_the_early_start_script_and_the_hash_the_demo_uses() {
    let readme = fs::read_to_string(repository_root().join("README.md")).unwrap();
    assert!(
        readme.contains(&format!("<script>{EARLY_WASM_SCRIPT}</script>")),
        "README.md's snippet differs from generator::html::EARLY_WASM_SCRIPT"
    );
    let hash = alsobought_demo::server::STRICT_CSP
        .split('\'')
        .find(|part| part.starts_with("sha256-"))
        .expect("the strict CSP allows the script by its hash");
    assert!(
        readme.contains(&format!("'{hash}'")),
        "README.md does not give the hash {hash}"
    );
}

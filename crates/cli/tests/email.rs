//! `alsobought email`: the fragment is email-safe (absolute URLs with tracking
//! parameters, inline styles only, escaped text, images with alt text), the JSON feed
//! holds the same suggestions as `recommend`, and batch mode covers a whole orders
//! file.

mod common;

use alsobought_core::{write_table, ProductRecord, TableInput};
use common::{small_store_with, Scratch, SMALL_ORDERS};

/// The small catalog with hostile titles, URLs with queries and fragments, and one
/// product (E) without an image.
const CATALOG: &str = "\
id,title,price,currency,url,image,category,available,rating
A,\"Mug, blue\",12.50,EUR,/p/a,/img/a.jpg,kitchen,true,4.5
B,Tea <strong>&amp; \"more\",4.00,EUR,/p/b?color=red,/img/b.jpg,food,true,
C,Teapot,30,EUR,/p/c#reviews,https://cdn.example/c.jpg,kitchen,true,4
D,Cosy,9.99,EUR,/p/d,/img/d.jpg,kitchen,false,
E,Spoon,1.50,EUR,/p/e,,kitchen,true,
";

fn store(catalog: &str) -> Scratch {
    small_store_with(catalog, &[])
}

/// Every value of `attribute="..."` in `html`.
fn attribute_values<'h>(html: &'h str, attribute: &str) -> Vec<&'h str> {
    let needle = format!(" {attribute}=\"");
    html.match_indices(&needle)
        .map(|(at, _)| {
            let rest = &html[at + needle.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect()
}

#[test]
fn relative_urls_need_a_base_url() {
    let scratch = store(CATALOG);
    scratch
        .run(&["email", "--table", "store.table", "--order", "A"])
        .expect_code(1)
        .stderr_has("holds relative URLs")
        .stderr_has("pass --base-url");
    scratch
        .run(&[
            "email",
            "--table",
            "store.table",
            "--order",
            "A",
            "--base-url",
            "shop.example",
        ])
        .expect_code(2)
        .stderr_has("is not an absolute http(s) URL");
}

#[test]
fn fragment_is_email_safe() {
    let scratch = store(CATALOG);
    let run = scratch
        .run(&[
            "email",
            "--table",
            "store.table",
            "--order",
            "A",
            "--base-url",
            "https://shop.example/store/",
            "--heading",
            "Goes with <your> order",
        ])
        .success();
    let html = run.stdout;
    assert!(html.starts_with("<table role=\"presentation\""), "{html}");
    // Inline styles only: no stylesheet, no classes, no scripts.
    for forbidden in ["<style", "class=", "<script", "<link", "javascript:"] {
        assert!(!html.contains(forbidden), "{forbidden} in {html}");
    }
    // Text is escaped: the hostile title and the heading come out as text.
    assert!(html.contains("Goes with &lt;your&gt; order"), "{html}");
    assert!(
        html.contains("Tea &lt;strong&gt;&amp;amp; &quot;more&quot;"),
        "{html}"
    );
    assert!(!html.contains("<strong>"), "{html}");

    // Every link is absolute and tracked, with the query and fragment kept in place.
    let links = attribute_values(&html, "href");
    // B and C link from their image and their title; E has no image.
    assert_eq!(links.len(), 2 + 2 + 1, "{links:?}");
    let tracking = "utm_source=alsobought&amp;utm_medium=email&amp;utm_campaign=post_purchase";
    for link in &links {
        assert!(link.starts_with("https://shop.example/"), "{link}");
        assert!(link.contains(tracking), "{link}");
    }
    assert!(links.contains(&format!("https://shop.example/p/b?color=red&amp;{tracking}").as_str()));
    assert!(links.contains(&format!("https://shop.example/p/c?{tracking}#reviews").as_str()));

    // Every image is absolute and has alt text; E has no image, so no <img> for it.
    let images = attribute_values(&html, "src");
    assert_eq!(
        images,
        [
            "https://shop.example/img/b.jpg",
            "https://cdn.example/c.jpg"
        ]
    );
    assert_eq!(
        html.matches("<img ").count(),
        attribute_values(&html, "alt").len()
    );
    assert!(html.contains("alt=\"Teapot\""));
    assert!(html.contains("12.50 EUR") || html.contains("4.00 EUR"));
}

#[test]
fn feed_holds_the_same_suggestions_as_recommend() {
    let scratch = store(CATALOG);
    let feed = scratch
        .run(&[
            "email",
            "--table",
            "store.table",
            "--order",
            "A,B",
            "--max",
            "3",
            "--base-url",
            "https://shop.example",
            "--format",
            "json",
        ])
        .success();
    let feed: serde_json::Value = serde_json::from_str(&feed.stdout).unwrap();
    let recommended = scratch
        .run_with_stdin(
            &[
                "recommend",
                "--table",
                "store.table",
                "--queries",
                "-",
                "--max",
                "3",
            ],
            "{\"query\": [\"A\", \"B\"]}\n",
        )
        .success();
    let recommended: serde_json::Value = serde_json::from_str(&recommended.stdout).unwrap();
    let feed_ids: Vec<&serde_json::Value> = feed["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|suggestion| &suggestion["id"])
        .collect();
    let recommended_ids: Vec<&serde_json::Value> =
        recommended["recs"].as_array().unwrap().iter().collect();
    assert_eq!(feed_ids, recommended_ids);
    let first = &feed["suggestions"][0];
    assert_eq!(first["rank"], 1);
    assert_eq!(first["id"], "C");
    assert_eq!(first["price"], 30.0);
    assert_eq!(first["image"], "https://cdn.example/c.jpg");
    assert_eq!(
        first["url"],
        "https://shop.example/p/c?utm_source=alsobought&utm_medium=email&utm_campaign=post_purchase#reviews"
    );
}

#[test]
fn absolute_catalog_urls_need_no_base_url() {
    let absolute = CATALOG
        .replace(",/p/", ",https://shop.example/p/")
        .replace(",/img/", ",https://shop.example/img/");
    let scratch = store(&absolute);
    let run = scratch
        .run(&[
            "email",
            "--table",
            "store.table",
            "--order",
            "E",
            "--max",
            "1",
        ])
        .success();
    assert!(
        run.stdout
            .contains("href=\"https://shop.example/p/a?utm_source=alsobought"),
        "{}",
        run.stdout
    );
}

#[test]
fn batch_writes_a_line_or_a_file_per_order() {
    let scratch = store(CATALOG);
    scratch.write(
        "campaign.csv",
        "order_id,product_id\n#1001,A\n#1001,B\n1002,C\n1003,nope\n",
    );
    let run = scratch
        .run(&[
            "email",
            "--table",
            "store.table",
            "--orders",
            "campaign.csv",
            "--base-url",
            "https://shop.example/",
            "--format",
            "json",
            "--fallback",
            "none",
        ])
        .success();
    let lines: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["order_id"], "#1001");
    assert_eq!(lines[0]["order"], serde_json::json!(["A", "B"]));
    assert_eq!(lines[0]["suggestions"][0]["id"], "C");
    assert_eq!(lines[2]["suggestions"], serde_json::json!([]));
    let warnings = run.warnings();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("1 order of 3 orders got no suggestion")),
        "{warnings:?}"
    );

    scratch
        .run(&[
            "email",
            "--table",
            "store.table",
            "--orders",
            "campaign.csv",
            "--base-url",
            "https://shop.example/",
            "--out-dir",
            "emails",
            "--fallback",
            "none",
        ])
        .success();
    let fragment = std::fs::read_to_string(scratch.path("emails/%231001.html")).unwrap();
    assert!(fragment.starts_with("<table role=\"presentation\""));
    assert!(scratch.path("emails/1002.html").exists());
    // No suggestion: an empty file, which a template can test for.
    assert_eq!(
        std::fs::read_to_string(scratch.path("emails/1003.html")).unwrap(),
        ""
    );
}

#[test]
fn one_order_or_an_orders_file() {
    let scratch = store(CATALOG);
    scratch
        .run(&["email", "--table", "store.table"])
        .expect_code(2)
        .stderr_has("--order <ID>|--orders <FILE>");
    scratch
        .run(&[
            "email",
            "--table",
            "store.table",
            "--order",
            "A",
            "--orders",
            "orders.csv",
        ])
        .expect_code(2)
        .stderr_has("cannot be used with");
    scratch
        .run(&[
            "email",
            "--table",
            "store.table",
            "--order",
            "A",
            "--out-dir",
            "x",
        ])
        .expect_code(2)
        .stderr_has("--out-dir writes one file per order of --orders FILE");
}

#[test]
fn cards_without_links_are_left_out_with_one_warning_each() {
    // Without a catalog the cards have no URL: nothing can be linked from an email.
    let scratch = Scratch::new();
    scratch.write("orders.csv", SMALL_ORDERS);
    scratch
        .run(&[
            "build",
            "--orders",
            "orders.csv",
            "--out",
            "store.table",
            "--quiet",
        ])
        .success();
    let run = scratch
        .run(&[
            "email",
            "--table",
            "store.table",
            "--orders",
            "orders.csv",
            "--format",
            "json",
        ])
        .success();
    let left_out: Vec<&str> = run
        .warnings()
        .into_iter()
        .filter(|warning| warning.contains("is left out: its url \"\" is empty"))
        .collect();
    let mut products: Vec<&str> = left_out
        .iter()
        .map(|warning| warning.split('"').nth(1).unwrap())
        .collect();
    products.sort();
    products.dedup();
    assert_eq!(products.len(), left_out.len(), "repeated: {left_out:?}");
    assert!(!left_out.is_empty());
    assert!(run
        .stdout
        .lines()
        .all(|line| line.contains("\"suggestions\":[]")));
}

#[test]
fn urls_a_browser_would_read_as_scripts_are_refused() {
    // `build --strict` refuses such a catalog (the same policy; without --strict the
    // row is skipped), so the table is written directly, as another tool or an older
    // build could have written it.
    let hostile = "id,title,url\nA,Mug,/p/a\nX,Tab,java\tscript:alert(1)\n";
    let scratch = Scratch::new();
    scratch.write("orders.csv", SMALL_ORDERS);
    scratch.write("hostile.csv", hostile);
    scratch
        .run(&[
            "build",
            "--orders",
            "orders.csv",
            "--catalog",
            "hostile.csv",
            "--out",
            "refused.table",
            "--strict",
        ])
        .expect_code(1)
        .stderr_has("holds a control character");

    let product = |id: &str, url: &str, image: &str| ProductRecord {
        url: url.to_owned(),
        image: image.to_owned(),
        ..ProductRecord::with_id(id)
    };
    let products = vec![
        product("ORDERED", "/p/ordered", ""),
        product("TAB", "java\tscript:alert(1)", "/img/tab.jpg"),
        product("NEWLINE", "java\nscript:alert(1)", ""),
        product("CONTROL", "/p/\u{1}control", ""),
        product("LEADING", "\u{1}javascript:alert(1)", ""),
        product("GOOD", "/p/good", "/img/good\t.jpg"),
    ];
    let neighbours_of_ordered = (1..products.len() as u32)
        .map(|number| (number, 10.0 - number as f32))
        .collect();
    let mut neighbours = vec![Vec::new(); products.len()];
    neighbours[0] = neighbours_of_ordered;
    let table = write_table(&TableInput {
        products,
        neighbours,
        best_sellers: Vec::new(),
        order_count: 1,
        max_neighbours: 8,
        ..Default::default()
    })
    .unwrap();
    scratch.write("hostile.table", table);

    let run = scratch
        .run(&[
            "email",
            "--table",
            "hostile.table",
            "--order",
            "ORDERED",
            "--max",
            "5",
            "--base-url",
            "https://shop.example/",
        ])
        .success();
    let html = &run.stdout;
    let links = attribute_values(html, "href");
    assert!(!links.is_empty(), "{html}");
    assert!(
        links
            .iter()
            .all(|link| link.starts_with("https://shop.example/p/good?")),
        "{links:?}"
    );
    // GOOD keeps its link but loses its image, whose URL holds a tab.
    assert!(attribute_values(html, "src").is_empty(), "{html}");
    assert!(
        !html.contains("script") && !html.contains("control"),
        "{html}"
    );
    let warnings = run.warnings();
    for id in ["TAB", "NEWLINE", "CONTROL"] {
        assert!(
            warnings.iter().any(|warning| warning
                .contains(&format!("product \"{id}\" is left out"))
                && warning.contains("holds a control character")),
            "{id}: {warnings:?}"
        );
    }
    assert!(
        warnings.iter().any(
            |warning| warning.contains("product \"LEADING\" is left out")
                && warning.contains("is not an http(s) or relative URL")
        ),
        "{warnings:?}"
    );
}

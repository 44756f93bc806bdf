//! The widget in headless Chromium: real tables written with alsobought-core's
//! `write_table`, served through Blob URLs (which answer Range requests like a static
//! server), fetched, decoded, scored and rendered by the same code path as on a store
//! page. Run with `cargo test -p alsobought-widget --target wasm32-unknown-unknown`.
#![cfg(target_arch = "wasm32")]

use alsobought::mount::{mount_from_attributes, unmount};
use alsobought_core::{write_table, CartCombination, ProductRecord, TableInput};
use gloo_timers::future::TimeoutFuture;
use js_sys::{Array, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement, ShadowRoot};

#[path = "support.rs"]
mod support;

use support::{blob_url, document, host_element, record_events, settled};

wasm_bindgen_test_configure!(run_in_browser);

const HOSTILE_TITLE: &str = "<img src=x onerror=\"window.__pwned=1\">";

/// A shop of ten products: P0 was bought with P1..P8 (P1 strongest), P9 is the
/// best-seller; P5 has a hostile title and a `javascript:` URL; P8 is unavailable.
fn shop_table() -> Vec<u8> {
    shop_table_with(|_| {})
}

/// [`shop_table`] with each product record changed by `adjust` before writing.
fn shop_table_with(adjust: impl Fn(&mut ProductRecord)) -> Vec<u8> {
    let products = (0..10)
        .map(|index| {
            let mut product = ProductRecord::with_id(format!("P{index}"));
            product.title = format!("Product {index}");
            product.url = format!("/p/{index}");
            product.image = format!("/img/{index}.jpg");
            product.price_hundredths = Some(1000 + index * 100);
            product.currency = Some("EUR".into());
            product.category = format!("c{}", index % 3);
            if index == 5 {
                product.title = HOSTILE_TITLE.into();
                product.url = "javascript:window.__pwned=1".into();
                product.image = "data:image/svg+xml,<svg onload=alert(1)>".into();
            }
            product.available = index != 8;
            adjust(&mut product);
            product
        })
        .collect();
    let mut neighbours = vec![Vec::new(); 10];
    neighbours[0] = (1..=8).map(|index| (index, 10.0 - index as f32)).collect();
    neighbours[1] = vec![(0, 5.0), (2, 4.0)];
    let input = TableInput {
        products,
        neighbours,
        best_sellers: vec![(9, 50.0), (0, 40.0)],
        order_count: 100,
        max_neighbours: 8,
        cart_combination: CartCombination::DEFAULT,
    };
    write_table(&input).expect("the test shop is a valid table")
}

/// A `<div data-alsobought>` with `attributes`, in the body, mounted.
fn mount_host(attributes: &[(&str, &str)]) -> HtmlElement {
    let host = host_element(attributes);
    document().body().unwrap().append_child(&host).unwrap();
    mount_from_attributes(host.clone(), host.clone().into(), false);
    host
}

fn shadow(host: &HtmlElement) -> ShadowRoot {
    host.shadow_root()
        .expect("the widget attaches an open shadow root")
}

fn all(root: &ShadowRoot, selector: &str) -> Vec<Element> {
    let nodes = root.query_selector_all(selector).unwrap();
    (0..nodes.length())
        .map(|index| nodes.item(index).unwrap().unchecked_into())
        .collect()
}

fn one(root: &ShadowRoot, selector: &str) -> Element {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no {selector} in the widget"))
}

/// The bundle layout of P0 and its two best suggestions from `table`, in US English,
/// rendered: its host and shadow root.
async fn mount_bundle_of_p0(table: &[u8]) -> (HtmlElement, ShadowRoot) {
    let url = blob_url(table);
    let host = mount_host(&[
        ("data-table", &url),
        ("data-product", "P0"),
        ("data-max-suggestions", "2"),
        ("data-layout", "bundle"),
        ("data-locale", "en-US"),
    ]);
    assert_eq!(settled(&host).await, "ready");
    let root = shadow(&host);
    (host, root)
}

/// Unchecks a bundle item's checkbox as a shopper's click does, and lets the total
/// follow.
async fn uncheck(item: &Element) {
    let checkbox: HtmlInputElement = item
        .query_selector("input")
        .unwrap()
        .unwrap()
        .unchecked_into();
    checkbox.set_checked(false);
    checkbox
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    leptos::task::tick().await;
}

fn product_ids(detail: &JsValue) -> Vec<String> {
    let products: Array = Reflect::get(detail, &"products".into())
        .unwrap()
        .unchecked_into();
    products
        .iter()
        .map(|product| {
            Reflect::get(&product, &"id".into())
                .unwrap()
                .as_string()
                .unwrap()
        })
        .collect()
}

#[wasm_bindgen_test]
async fn cards_are_capped_and_never_show_the_context_or_unavailable_products() {
    let url = blob_url(&shop_table());
    let host = mount_host(&[
        ("data-table", &url),
        ("data-product", "P0"),
        ("data-max-suggestions", "3"),
    ]);
    let ready = record_events(&host, "alsobought:ready");
    assert_eq!(settled(&host).await, "ready");
    let root = shadow(&host);
    let cards = all(&root, ".ab-card");
    assert_eq!(cards.len(), 3);
    assert_eq!(
        cards[0].get_attribute("aria-label").as_deref(),
        Some("1 of 3")
    );
    assert_eq!(cards[0].get_attribute("role").as_deref(), Some("group"));
    let names: Vec<String> = all(&root, ".ab-name")
        .iter()
        .map(|name| name.text_content().unwrap())
        .collect();
    assert_eq!(names, ["Product 1", "Product 2", "Product 3"]);
    let region = one(&root, "section.ab-root");
    assert_eq!(
        region.get_attribute("aria-roledescription").as_deref(),
        Some("carousel")
    );
    assert_eq!(
        one(&root, "h2.ab-title").text_content().as_deref(),
        Some("Frequently bought together")
    );
    assert!(
        one(&root, ".ab-price")
            .text_content()
            .unwrap()
            .contains("11"),
        "a formatted price"
    );
    assert_eq!(product_ids(&ready.borrow()[0]), ["P1", "P2", "P3"]);
    // A cart update loads and renders anew, with the cart as context too.
    alsobought::mount::update_cart(&host, vec!["P1".into()]);
    assert_eq!(settled(&host).await, "ready");
    assert_eq!(ready.borrow().len(), 2);
    let after_cart = product_ids(&ready.borrow()[1]);
    assert!(
        !after_cart
            .iter()
            .any(|id| id == "P0" || id == "P1" || id == "P8"),
        "{after_cart:?}"
    );
    unmount(&host);
    assert!(host.get_attribute("data-alsobought-state").is_none());
    assert_eq!(
        host.get_bounding_client_rect().height(),
        0.0,
        "no reserved height is left behind"
    );
    assert!(
        all(&root, "section").is_empty(),
        "unmount removes the render"
    );
}

#[wasm_bindgen_test]
async fn next_and_previous_move_the_visible_cards_and_disable_at_the_ends() {
    let url = blob_url(&shop_table());
    let host = mount_host(&[
        ("data-table", &url),
        ("data-product", "P0"),
        ("data-max-suggestions", "8"),
    ]);
    assert_eq!(settled(&host).await, "ready");
    let root = shadow(&host);
    assert_eq!(
        all(&root, ".ab-card").len(),
        8,
        "7 available neighbours and the best-seller"
    );
    let track: HtmlElement = one(&root, "ul.ab-track").unchecked_into();
    let previous: HtmlElement = one(&root, "button.ab-prev").unchecked_into();
    let next: HtmlElement = one(&root, "button.ab-next").unchecked_into();
    TimeoutFuture::new(50).await;
    assert!(
        previous.has_attribute("disabled"),
        "previous is disabled at the start"
    );
    assert!(
        !next.has_attribute("disabled"),
        "next is enabled with more cards than fit"
    );
    next.click();
    for _ in 0..100 {
        if track.scroll_left() > 0 && !previous.has_attribute("disabled") {
            break;
        }
        TimeoutFuture::new(20).await;
    }
    assert!(track.scroll_left() > 0, "next scrolls the track");
    assert!(
        !previous.has_attribute("disabled"),
        "previous is enabled after moving"
    );
    unmount(&host);
}

#[wasm_bindgen_test]
async fn the_bundle_total_follows_the_checkboxes_and_add_all_sends_the_chosen_products() {
    let (host, root) = mount_bundle_of_p0(&shop_table()).await;
    let items = all(&root, "label.ab-item");
    assert_eq!(items.len(), 3, "the product on screen and two suggestions");
    assert!(items[0].text_content().unwrap().contains("Product 0"));
    let total = one(&root, ".ab-total");
    assert_eq!(total.text_content().as_deref(), Some("Total: €33.00"));
    let add_all = one(&root, "button.ab-add-all");
    assert_eq!(add_all.text_content().as_deref(), Some("Add all 3 to cart"));

    uncheck(&items[1]).await;
    assert_eq!(total.text_content().as_deref(), Some("Total: €22.00"));
    assert_eq!(add_all.text_content().as_deref(), Some("Add all 2 to cart"));

    let added = record_events(&host, "alsobought:add-to-cart");
    let prevent =
        Closure::<dyn FnMut(web_sys::Event)>::new(|event: web_sys::Event| event.prevent_default());
    host.add_event_listener_with_callback(
        "alsobought:add-to-cart",
        prevent.as_ref().unchecked_ref(),
    )
    .unwrap();
    add_all.unchecked_ref::<HtmlElement>().click();
    assert_eq!(added.borrow().len(), 1, "one event for the whole bundle");
    assert_eq!(product_ids(&added.borrow()[0]), ["P0", "P2"]);
    host.remove_event_listener_with_callback(
        "alsobought:add-to-cart",
        prevent.as_ref().unchecked_ref(),
    )
    .unwrap();
    unmount(&host);
}

#[wasm_bindgen_test]
async fn hostile_titles_stay_text_and_script_urls_are_dropped() {
    let url = blob_url(&shop_table());
    let host = mount_host(&[
        ("data-table", &url),
        ("data-product", "P0"),
        ("data-max-suggestions", "8"),
    ]);
    assert_eq!(settled(&host).await, "ready");
    let root = shadow(&host);
    let hostile_card = all(&root, ".ab-card")
        .into_iter()
        .find(|card| card.text_content().unwrap().contains(HOSTILE_TITLE))
        .expect("the product with the hostile title is shown, as text");
    assert!(
        all(&root, "img[src=x]").is_empty(),
        "the title did not become markup"
    );
    let link = hostile_card.query_selector("a.ab-link").unwrap().unwrap();
    assert!(
        link.get_attribute("href").is_none(),
        "javascript: URL dropped"
    );
    let image = hostile_card
        .query_selector("img.ab-image")
        .unwrap()
        .unwrap();
    assert!(image.get_attribute("src").is_none(), "data: URL dropped");
    assert_eq!(image.get_attribute("loading").as_deref(), Some("lazy"));
    assert!(
        image.has_attribute("width") && image.has_attribute("height") && image.has_attribute("alt")
    );
    unmount(&host);
}

#[wasm_bindgen_test]
async fn a_corrupt_table_renders_nothing_and_reports_one_error() {
    let mut bytes = shop_table();
    let last = bytes.len() - 10;
    bytes[last] ^= 0xff;
    let url = blob_url(&bytes);
    let host = mount_host(&[("data-table", &url), ("data-product", "P0")]);
    let errors = record_events(&host, "alsobought:error");
    assert_eq!(settled(&host).await, "error");
    assert!(
        all(&shadow(&host), "section").is_empty(),
        "nothing rendered"
    );
    assert_eq!(errors.borrow().len(), 1);
    let message = Reflect::get(&errors.borrow()[0], &"message".into())
        .unwrap()
        .as_string()
        .unwrap();
    assert!(
        message.starts_with("alsobought: cannot use the recommendation table ("),
        "{message}"
    );
    unmount(&host);
}

#[wasm_bindgen_test]
async fn a_newer_format_version_and_a_missing_file_are_errors_too() {
    let mut bytes = shop_table();
    bytes[8] = 9;
    let newer = mount_host(&[("data-table", &blob_url(&bytes)), ("data-product", "P0")]);
    let missing = mount_host(&[
        ("data-table", "/no-such-file.table"),
        ("data-product", "P0"),
    ]);
    let unknown = mount_host(&[
        ("data-table", &blob_url(&shop_table())),
        ("data-product", "NOPE"),
    ]);
    assert_eq!(settled(&newer).await, "error");
    assert_eq!(settled(&missing).await, "error");
    assert_eq!(settled(&unknown).await, "error");
    for host in [newer, missing, unknown] {
        assert!(all(&shadow(&host), "section").is_empty());
        unmount(&host);
    }
}

#[wasm_bindgen_test]
async fn without_neighbours_and_without_fallback_the_host_is_empty() {
    let url = blob_url(&shop_table());
    let host = mount_host(&[
        ("data-table", &url),
        ("data-product", "P9"),
        ("data-fallback", "none"),
    ]);
    assert_eq!(settled(&host).await, "empty");
    assert!(all(&shadow(&host), "section").is_empty());
    unmount(&host);
}

#[wasm_bindgen_test]
async fn blob_urls_answer_range_requests_and_data_urls_send_the_whole_file() {
    use alsobought::loader::fetch_source::FetchSource;
    use alsobought::loader::table_cache::RangeSource;
    let bytes = shop_table();
    let ranged = FetchSource
        .fetch(&blob_url(&bytes), 10..20, 8000, false)
        .await
        .unwrap();
    assert_eq!(
        ranged.status, 206,
        "the tests above really exercise Range requests"
    );
    assert_eq!(ranged.body, bytes[10..20]);
    let data_url = ["data:application/octet-stream;base64,", &base64(&bytes)].concat();
    let whole = FetchSource
        .fetch(&data_url, 10..20, 8000, false)
        .await
        .unwrap();
    assert_eq!(whole.status, 200);
    assert_eq!(whole.body, bytes);
    // The widget keeps that whole file and slices it.
    let host = mount_host(&[("data-table", &data_url), ("data-product", "P0")]);
    assert_eq!(settled(&host).await, "ready");
    unmount(&host);
}

fn base64(bytes: &[u8]) -> String {
    let binary: String = bytes.iter().map(|&byte| char::from(byte)).collect();
    web_sys::window().unwrap().btoa(&binary).unwrap()
}

#[wasm_bindgen_test]
async fn a_script_tag_carrying_the_attributes_renders_right_after_itself() {
    let url = blob_url(&shop_table());
    let script = document().create_element("script").unwrap();
    // Not a runnable type: the test only needs the element the module looks for.
    script
        .set_attribute("type", "text/x-alsobought-test")
        .unwrap();
    script
        .set_attribute("src", "/assets/alsobought.js?v=1")
        .unwrap();
    script.set_attribute("data-table", &url).unwrap();
    script.set_attribute("data-product", "P0").unwrap();
    document().body().unwrap().append_child(&script).unwrap();
    alsobought::mount::mount_page();
    let host: HtmlElement = script
        .next_element_sibling()
        .expect("a host after the script")
        .unchecked_into();
    assert_eq!(settled(&host).await, "ready");
    assert_eq!(all(&shadow(&host), ".ab-card").len(), 4, "the default cap");
    alsobought::mount::mount_page();
    assert!(
        host.next_element_sibling()
            .is_none_or(|next| next.tag_name() != "DIV"),
        "mounting the page again does not add a second widget"
    );
    unmount(&host);
    assert!(
        !host.is_connected(),
        "the host the widget created goes with it"
    );
    script.remove();
}

#[wasm_bindgen_test]
async fn clicks_impressions_and_single_add_to_cart_are_reported_on_the_host() {
    let url = blob_url(&shop_table());
    let host = mount_host(&[
        ("data-table", &url),
        ("data-product", "P0"),
        ("data-max-suggestions", "2"),
    ]);
    let impressions = record_events(&host, "alsobought:impression");
    let clicks = record_events(&host, "alsobought:click");
    let added = record_events(&host, "alsobought:add-to-cart");
    // The test page must not navigate away: the store's listeners prevent defaults.
    let prevent =
        Closure::<dyn FnMut(web_sys::Event)>::new(|event: web_sys::Event| event.prevent_default());
    for name in ["click", "alsobought:add-to-cart"] {
        host.add_event_listener_with_callback(name, prevent.as_ref().unchecked_ref())
            .unwrap();
    }
    assert_eq!(settled(&host).await, "ready");
    // The runner's log sits above the test's elements: bring the widget into view.
    host.scroll_into_view();
    for _ in 0..100 {
        if !impressions.borrow().is_empty() {
            break;
        }
        TimeoutFuture::new(10).await;
    }
    assert_eq!(impressions.borrow().len(), 1, "one impression once visible");
    assert_eq!(product_ids(&impressions.borrow()[0]), ["P1", "P2"]);
    let root = shadow(&host);
    all(&root, "a.ab-link")[1]
        .unchecked_ref::<HtmlElement>()
        .click();
    assert_eq!(clicks.borrow().len(), 1);
    assert_eq!(product_ids(&clicks.borrow()[0]), ["P2"]);
    let detail = &clicks.borrow()[0];
    let product = Array::from(&Reflect::get(detail, &"products".into()).unwrap()).get(0);
    assert_eq!(
        Reflect::get(&product, &"index".into()).unwrap().as_f64(),
        Some(1.0)
    );
    assert_eq!(
        Reflect::get(&product, &"url".into())
            .unwrap()
            .as_string()
            .as_deref(),
        Some("/p/2")
    );
    assert_eq!(
        Reflect::get(&product, &"price".into()).unwrap().as_f64(),
        Some(12.0)
    );
    all(&root, "button.ab-add")[0]
        .unchecked_ref::<HtmlElement>()
        .click();
    assert_eq!(product_ids(&added.borrow()[0]), ["P1"]);
    unmount(&host);
    prevent.forget();
}

#[wasm_bindgen_test]
async fn right_to_left_pages_scroll_the_other_way_and_keys_follow_reading_order() {
    let url = blob_url(&shop_table());
    let host = mount_host(&[
        ("data-table", &url),
        ("data-product", "P0"),
        ("data-max-suggestions", "8"),
        ("dir", "rtl"),
    ]);
    assert_eq!(settled(&host).await, "ready");
    let root = shadow(&host);
    let track: HtmlElement = one(&root, "ul.ab-track").unchecked_into();
    let previous: HtmlElement = one(&root, "button.ab-prev").unchecked_into();
    TimeoutFuture::new(50).await;
    one(&root, "button.ab-next")
        .unchecked_ref::<HtmlElement>()
        .click();
    for _ in 0..100 {
        if track.scroll_left() < 0 && !previous.has_attribute("disabled") {
            break;
        }
        TimeoutFuture::new(20).await;
    }
    assert!(
        track.scroll_left() < 0,
        "next scrolls towards the left in RTL: {}",
        track.scroll_left()
    );
    assert!(!previous.has_attribute("disabled"));
    // ArrowLeft is "next" in RTL: focus moves from the first card's link to the second's.
    let links = all(&root, "a.ab-link");
    links[0].unchecked_ref::<HtmlElement>().focus().unwrap();
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("ArrowLeft");
    init.set_bubbles(true);
    let key = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    links[0].dispatch_event(&key).unwrap();
    assert_eq!(root.active_element().as_ref(), Some(&links[1]));
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("End");
    init.set_bubbles(true);
    let key = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    links[1].dispatch_event(&key).unwrap();
    assert_eq!(root.active_element().as_ref(), links.last());
    unmount(&host);
}

#[wasm_bindgen_test]
async fn the_height_reserved_while_loading_is_the_rendered_height() {
    let url = blob_url(&shop_table());
    for layout in ["carousel", "bundle"] {
        let host = mount_host(&[
            ("data-table", &url),
            ("data-product", "P0"),
            ("data-layout", layout),
        ]);
        let reserved = host.get_bounding_client_rect().height();
        assert_eq!(settled(&host).await, "ready");
        TimeoutFuture::new(50).await;
        let rendered = host.get_bounding_client_rect().height();
        assert!(
            reserved > 100.0,
            "{layout}: a reserve is kept while loading: {reserved}"
        );
        assert!(
            (rendered - reserved).abs() < 1.0,
            "{layout}: no layout shift: reserved {reserved}, rendered {rendered}"
        );
        unmount(&host);
    }
}

#[wasm_bindgen_test]
async fn the_js_api_mounts_from_options_updates_the_cart_and_refresh_rereads_attributes() {
    let url = blob_url(&shop_table());
    let host: HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&host).unwrap();
    let options = js_sys::Object::new();
    Reflect::set(&options, &"table".into(), &url.as_str().into()).unwrap();
    Reflect::set(&options, &"cart".into(), &Array::of1(&"P1".into())).unwrap();
    Reflect::set(&options, &"maxSuggestions".into(), &2.into()).unwrap();
    Reflect::set(&options, &"layout".into(), &"bundle".into()).unwrap();
    alsobought::api::mount(host.clone(), options.into());
    let ready = record_events(&host, "alsobought:ready");
    assert_eq!(settled(&host).await, "ready");
    assert_eq!(
        all(&shadow(&host), "label.ab-item").len(),
        2,
        "a cart bundle lists the suggestions only"
    );
    alsobought::api::update_cart(host.clone(), "P0, P1".into());
    assert_eq!(settled(&host).await, "ready");
    let ids = product_ids(ready.borrow().last().unwrap());
    assert!(!ids.iter().any(|id| id == "P0" || id == "P1"), "{ids:?}");
    alsobought::api::unmount(host.clone());
    assert!(all(&shadow(&host), "section").is_empty());

    // refresh(): attribute changes take effect and new hosts are mounted.
    let attributed = mount_host(&[
        ("data-table", &url),
        ("data-product", "P0"),
        ("data-max-suggestions", "2"),
    ]);
    assert_eq!(settled(&attributed).await, "ready");
    attributed
        .set_attribute("data-max-suggestions", "5")
        .unwrap();
    let late: HtmlElement = document().create_element("div").unwrap().unchecked_into();
    for (name, value) in [
        ("data-alsobought", ""),
        ("data-table", url.as_str()),
        ("data-product", "P1"),
    ] {
        late.set_attribute(name, value).unwrap();
    }
    document().body().unwrap().append_child(&late).unwrap();
    alsobought::api::refresh();
    assert_eq!(settled(&attributed).await, "ready");
    assert_eq!(settled(&late).await, "ready");
    assert_eq!(all(&shadow(&attributed), ".ab-card").len(), 5);
    unmount(&attributed);
    unmount(&late);
}

/// P2 comes in variants from €12: its card and every total holding it say "from".
fn shop_with_variants_from_12() -> Vec<u8> {
    shop_table_with(|product| product.price_from = product.id == "P2")
}

#[wasm_bindgen_test]
async fn a_product_with_variants_shows_its_lowest_price_as_from() {
    let url = blob_url(&shop_with_variants_from_12());
    let host = mount_host(&[
        ("data-table", &url),
        ("data-product", "P0"),
        ("data-max-suggestions", "3"),
        ("data-locale", "en-US"),
    ]);
    assert_eq!(settled(&host).await, "ready");
    let prices: Vec<String> = all(&shadow(&host), ".ab-price")
        .iter()
        .map(|price| price.text_content().unwrap())
        .collect();
    assert_eq!(prices, ["€11.00", "from €12.00", "€13.00"]);
    unmount(&host);
}

#[wasm_bindgen_test]
async fn a_bundle_holding_a_from_price_totals_from_its_lowest() {
    let (host, root) = mount_bundle_of_p0(&shop_with_variants_from_12()).await;
    let items = all(&root, "label.ab-item");
    assert!(items[2].text_content().unwrap().contains("from €12.00"));
    let total = one(&root, ".ab-total");
    assert_eq!(total.text_content().as_deref(), Some("Total: from €33.00"));
    uncheck(&items[2]).await;
    assert_eq!(total.text_content().as_deref(), Some("Total: €21.00"));
    unmount(&host);
}

//! The generated product pages of the demo store (every piece of catalog text goes
//! through alsobought-core's HTML escaping).
//!
//! The pages use no inline script or style (only `/www/store.css`, `/www/store.js` and
//! the widget), so the same markup works under the strict Content-Security-Policy the
//! widget promises to support. The header and footer match the hand-written pages
//! (`index.html`, `www/checkout.html`).

use alsobought_core::html::escape;

use super::catalog::Product;
use super::image::IMAGE_SIZE;
use super::variants::SizedProduct;
use super::vocabulary::CATEGORIES;

/// The demo table as the pages read it: the directory layout (`build --out-dir`, served
/// by the demo server from `www/generated/store/`), which reaches a product page's
/// suggestions in two round trips with every file kept by the HTTP cache.
pub const DEMO_TABLE_URL: &str = "/alsobought/store/";

/// The README's early start of the widget's wasm, chosen among hint sets by
/// `scripts/bench-network.mjs --variants` under Slow 4G emulation and Lighthouse: on a
/// slow load (`DOMContentLoaded` not fired 300 ms after the navigation started, and the
/// widget's module not yet run: it sets `__alsoboughtFirstReads` in the task that starts
/// its own download of the wasm, so the two never both fetch it) it adds
/// the wasm's `<link rel="preload">`, so the longest download starts with the page's own
/// files instead of after the widget's module has run; on a fast load it adds nothing, the
/// module fetches the wasm soon enough. A static preload brought the card as soon but
/// always ended before the first paint of Lighthouse's unthrottled load, whose simulation
/// then counted it in the LCP (99 instead of 100). Before the stylesheets: an inline script
/// after one waits for it. `crossOrigin` because the widget's `fetch` is CORS-mode. The
/// demo server's strict CSP allows it by its hash (`server::STRICT_CSP`).
pub const EARLY_WASM_SCRIPT: &str = "{let d=0;addEventListener('DOMContentLoaded',()=>d=1);setTimeout(()=>d||self.__alsoboughtFirstReads||document.head.append(Object.assign(document.createElement('link'),{rel:'preload',href:'/alsobought/alsobought_bg.wasm',as:'fetch',type:'application/wasm',crossOrigin:''})),300-performance.now())}";

/// The store's header: logo, cart link with its live count, category navigation.
pub fn site_header() -> String {
    let categories: String = CATEGORIES
        .iter()
        .map(|category| {
            format!(
                "      <li><a href=\"/#{}\">{}</a></li>\n",
                category.slug,
                escape(category.name)
            )
        })
        .collect();
    format!(
        r##"<a class="skip-link" href="#main">Skip to content</a>
<header class="site-header">
  <div class="site-header__bar">
    <a class="logo" href="/"><span class="logo__mark" aria-hidden="true"></span>Northwind Goods</a>
    <a class="cart-link" href="/www/checkout.html">Cart <span class="cart-count" data-cart-count>0</span><span class="visually-hidden"> items</span></a>
  </div>
  <nav class="category-nav" aria-label="Categories">
    <ul>
{categories}    </ul>
  </nav>
</header>
"##
    )
}

/// The store's footer.
pub fn site_footer() -> &'static str {
    r#"<footer class="site-footer">
  <p>Northwind Goods is the demo shop of <strong>alsobought</strong>: every product, price and order here is generated.</p>
  <p><a href="/">Shop</a> · <a href="/www/checkout.html">Checkout</a> · <a href="/__csp/www/generated/products/COF-1001.html">Strict-CSP product page</a> · <a href="/__csp/www/checkout.html">Strict-CSP checkout</a></p>
</footer>
"#
}

/// The product page for `product`, with the widget container for its suggestions;
/// a product sold in `sizes` lists them and, when they cost more, is priced "from".
pub fn product_page(product: &Product, sizes: Option<&SizedProduct>) -> String {
    let category = product.category();
    let title = escape(&product.title);
    let id = escape(&product.id);
    let rating = match product.rating_tenths {
        Some(tenths) => {
            let full_stars = usize::from((tenths + 5) / 10);
            format!(
                "      <p class=\"product__rating\"><span class=\"stars\" aria-hidden=\"true\">{}{}</span> {} <span class=\"visually-hidden\">out of 5 stars</span></p>\n",
                "★".repeat(full_stars),
                "☆".repeat(5 - full_stars),
                product.rating_text()
            )
        }
        None => "      <p class=\"product__rating product__rating--none\">Not yet rated</p>\n"
            .to_owned(),
    };
    let (stock, button) = if product.available {
        (
            r#"<p class="product__stock product__stock--in">In stock, ships in 1–2 days</p>"#
                .to_owned(),
            format!(
                r#"<button class="button button--primary" type="button" data-add-to-cart="{id}" data-title="{title}" data-price-cents="{price_cents}">Add to cart</button>"#,
                price_cents = product.price_cents
            ),
        )
    } else {
        (
            r#"<p class="product__stock product__stock--out">Sold out</p>"#.to_owned(),
            r#"<button class="button button--primary" type="button" disabled>Sold out</button>"#
                .to_owned(),
        )
    };
    let price = match sizes {
        Some(sized) if sized.priced_from() => format!("from {}", product.price_display()),
        _ => product.price_display(),
    };
    let size_list = sizes.map_or(String::new(), |sized| {
        let names: Vec<&str> = sized.sizes.iter().map(|size| size.suffix).collect();
        format!(
            "      <p class=\"product__sizes\">Sizes: {}</p>\n",
            names.join(", ")
        )
    });
    let reorder = if product.kind().consumable {
        " Most customers reorder it every few weeks."
    } else {
        ""
    };
    format!(
        r#"<!doctype html>
<!-- Generated by `alsobought-demo generate`: edit crates/demo/src/generator/html.rs instead. -->
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · Northwind Goods</title>
<meta name="description" content="{title} from the {category_name} range at Northwind Goods, {price}.">
<link rel="icon" href="data:,">
<script>{early_wasm}</script>
<link rel="stylesheet" href="/www/store.css">
<link rel="stylesheet" href="/alsobought/alsobought.css">
<script type="module" src="/www/store.js" blocking="render"></script>
<script type="module" src="/alsobought/alsobought.js"></script>
</head>
<body>
{header}<main id="main" class="page">
  <nav class="breadcrumb" aria-label="Breadcrumb">
    <ol>
      <li><a href="/">Home</a></li>
      <li><a href="/#{category_slug}">{category_name}</a></li>
      <li><span aria-current="page">{title}</span></li>
    </ol>
  </nav>
  <article class="product" data-product-id="{id}">
    <div class="product__media">
      <img class="product__image" src="{image}" width="{size}" height="{size}" alt="{title}">
    </div>
    <div class="product__details">
      <p class="product__category">{category_name}</p>
      <h1 class="product__title">{title}</h1>
{rating}      <p class="product__price">{price}</p>
{size_list}      {stock}
      <p class="product__description">{blurb}{reorder}</p>
      {button}
      <ul class="product__perks">
        <li>Free delivery on orders over €50</li>
        <li>30-day returns</li>
        <li>Product code {id}</li>
      </ul>
    </div>
  </article>
  <div class="suggestions" data-alsobought data-table="{table}" data-product="{id}" data-max-suggestions="4" data-currency="EUR" data-locale="en-IE"></div>
</main>
{footer}</body>
</html>
"#,
        title = title,
        id = id,
        category_name = escape(category.name),
        category_slug = category.slug,
        price = price,
        size_list = size_list,
        header = site_header(),
        image = escape(&product.image()),
        size = IMAGE_SIZE,
        rating = rating,
        stock = stock,
        blurb = escape(category.blurb),
        reorder = reorder,
        button = button,
        footer = site_footer(),
        early_wasm = EARLY_WASM_SCRIPT,
        table = DEMO_TABLE_URL,
    )
}

// The Shopify-style demo page's own script (www/shopify.html): what a theme does anyway,
// nothing the widget needs to add to the cart. It runs before the widget's module
// (document order) to put the product on screen into data-product, lists the cart the
// demo server's Shopify stand-in keeps (/cart.js), and lists it again when the widget
// says it added something (`alsobought:added`), as a theme refreshes its cart drawer.

const DEFAULT_PRODUCT = "COF-1001";
const euros = new Intl.NumberFormat("en-IE", { style: "currency", currency: "EUR" });

const host = document.querySelector("[data-shopify-product]");
const product = new URLSearchParams(location.search).get("product")?.trim() || DEFAULT_PRODUCT;
host.setAttribute("data-product", product);
document.querySelector("[data-shopify-product-title]").textContent = `Bought with ${product}`;

async function showCart() {
  let cart;
  try {
    const response = await fetch("/cart.js", { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(`/cart.js answered ${response.status}`);
    cart = await response.json();
  } catch (error) {
    console.warn(`Northwind Goods: cannot read the Shopify-style cart (is this page served by \`make demo\`?): ${error}`);
    return;
  }
  const lines = cart.items.map((line) => {
    const item = document.createElement("li");
    item.className = "cart-line";
    item.textContent = `${line.quantity} × ${line.title} (${line.sku}) ${euros.format(line.line_price / 100)}`;
    return item;
  });
  document.querySelector("[data-shopify-lines]").replaceChildren(...lines);
  document.querySelector("[data-shopify-empty]").hidden = lines.length > 0;
  document.querySelector("[data-shopify-count]").textContent = String(cart.item_count);
}

document.addEventListener("alsobought:added", showCart);
showCart();

// Sets up experiment.html, then loads the widget.
// Why: the page must look like a store running GTM (window.dataLayer exists before the
// widget) and the tests need a few per-test attributes (the collector's URL in
// data-beacon, another data-variants) without a page each. Query parameters:
//   any name  -> data-<name> on the widget host (beacon, variants, tracking, ...)
//   nodatalayer -> no window.dataLayer (a store without GTM)
//   slowload=<ms> -> an image served after <ms> ms holds back the page's load event
//   nospacer -> the widget starts in view
const params = new URLSearchParams(location.search);
const CONTROL_PARAMETERS = new Set(['nodatalayer', 'slowload', 'nospacer', 'alsobought_variant']);

if (!params.has('nodatalayer')) window.dataLayer = window.dataLayer || [];
if (!params.has('nospacer')) document.getElementById('spacer').style.height = '2400px';
if (params.has('slowload')) {
  const image = new Image();
  image.alt = '';
  image.src = `/__slow/${Number(params.get('slowload'))}/tests/e2e/pages/product.svg`;
  document.getElementById('after-widget').append(image);
}

const host = document.getElementById('widget');
for (const [name, value] of params) {
  if (!CONTROL_PARAMETERS.has(name)) host.setAttribute(`data-${name}`, value);
}

await import('/alsobought/alsobought.js');

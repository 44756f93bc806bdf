// Builds lazy.html's hosts from the query string, then loads the widget as a page would.
//   table, product      the host below the fold (data-loading from `loading`, default lazy)
//   above-table, above  an eager host at the top of the page, when given
//   api=1               the host below is mounted with the JS API (`mount(element,
//                       { loading })`) instead of declared with data attributes
// window.alsoboughtImported says when the module's import resolved (null until then).

const params = new URLSearchParams(location.search);
window.alsoboughtImported = null;

function host(id, attributes) {
  const element = document.createElement('div');
  element.id = id;
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  document.getElementById(`${id}-slot`).replaceWith(element);
  return element;
}

if (params.has('above')) {
  host('above', { 'data-alsobought': '', 'data-table': params.get('above-table'), 'data-product': params.get('above') });
}
const loading = params.get('loading') ?? 'lazy';
const viaApi = params.get('api') === '1';
const below = viaApi
  ? host('below', {})
  : host('below', { 'data-alsobought': '', 'data-table': params.get('table'), 'data-product': params.get('product'), 'data-loading': loading });

const widget = await import('/alsobought/alsobought.js');
window.alsoboughtImported = performance.now();
if (viaApi) widget.mount(below, { table: params.get('table'), product: params.get('product'), loading });

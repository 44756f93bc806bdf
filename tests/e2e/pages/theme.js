// Completes the theme pages' widget host from the query string (?product=<id> becomes
// data-product, any other key data-<key>), then loads the widget, as a theme's snippet
// would render it. Why: the theme pages are static files, and the product the suite
// shows on them is picked from the generated demo table.

const host = document.getElementById('widget');
for (const [name, value] of new URLSearchParams(location.search)) host.setAttribute(`data-${name}`, value);
await import('/alsobought/alsobought.js');

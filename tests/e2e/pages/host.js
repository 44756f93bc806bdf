// Builds the widget host of host.html from the query string, then loads the widget.
// Why: one page serves every configuration the suite needs; each query parameter `name`
// becomes `data-name` on the host (except `dir`, which sets the page direction), and the
// widget module is imported only after the host exists, as on a real page.

const params = new URLSearchParams(location.search);
if (params.has('dir')) document.documentElement.dir = params.get('dir');

const host = document.createElement('div');
host.id = 'widget';
host.setAttribute('data-alsobought', '');
for (const [name, value] of params) {
  if (name !== 'dir') host.setAttribute(`data-${name}`, value);
}
document.getElementById('widget-slot').replaceWith(host);

const clicks = document.getElementById('host-clicks');
document.getElementById('host-button').addEventListener('click', () => {
  clicks.value = String(Number(clicks.value) + 1);
});

await import('/alsobought/alsobought.js');

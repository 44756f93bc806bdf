// Compressed serving, as a CDN does it: Chromium asks for brotli, so the demo product
// page must receive the widget's module, wasm and stylesheet as the `.br` copies `make
// widget` wrote (`content-encoding: br`, exactly those bytes on the wire), its table
// reads never encoded (their Range offsets count the file's own bytes), and the widget
// must still decode and render its cards from them.

import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import { pickDemoProductPage } from '../lib/demo-data.mjs';
import { repoPath } from '../lib/environment.mjs';
import { useEnvironment, withPage } from '../lib/suite.mjs';
import { readWidget } from '../lib/widget-page.mjs';

/** The widget's files a product page downloads, by URL path, with their built file. */
const WIDGET_FILES = [
  ['/alsobought/alsobought.js', 'pkg/alsobought.js'],
  ['/alsobought/alsobought_bg.wasm', 'pkg/alsobought_bg.wasm'],
  ['/alsobought/alsobought.css', 'pkg/alsobought.css'],
];

/** Table files: a single `.table` or a table directory's `.bin` files. */
const isTablePath = (pathname) => pathname.startsWith('/alsobought/') && /\.(table|bin)$/.test(pathname);

describe('compressed serving', () => {
  const environment = useEnvironment();
  let demo;
  before(() => {
    demo = pickDemoProductPage();
  });

  test('the product page gets the widget as its brotli copies and still renders cards', async () => {
    await withPage(environment, 'serving-brotli', {}, async (session) => {
      const responses = [];
      session.page.on('response', (response) => responses.push(response));
      await session.goto(demo.urlPath);
      await session.waitForWidgets();
      const widget = await readWidget(session.page, '[data-alsobought]');
      assert.equal(widget.state, 'ready', `widget state; console: ${session.describeConsole()}`);
      assert.ok(widget.cards.length >= 1, 'cards rendered from the decoded module and wasm');
      assert.deepEqual(session.pageErrors, []);

      const byPath = (pathname) => responses.find((response) => new URL(response.url()).pathname === pathname);
      for (const [urlPath, file] of WIDGET_FILES) {
        const response = byPath(urlPath);
        assert.ok(response, `${urlPath} was requested`);
        const headers = await response.allHeaders();
        const sent = await response.request().sizes();
        const evidence = JSON.stringify({ status: response.status(), headers, responseBodySize: sent.responseBodySize });
        const requested = await response.request().allHeaders();
        assert.match(requested['accept-encoding'] ?? '', /\bbr\b/, `Chromium offers brotli for ${urlPath}`);
        assert.equal(headers['content-encoding'], 'br', `${urlPath} arrives brotli-encoded: ${evidence}`);
        assert.match(headers.vary ?? '', /accept-encoding/i, `${urlPath} varies on Accept-Encoding: ${evidence}`);
        assert.equal(
          sent.responseBodySize,
          statSync(repoPath(`${file}.br`)).size,
          `the body on the wire is ${file}.br, not ${file} (${statSync(repoPath(file)).size} B): ${evidence}`,
        );
      }

      const tableResponses = responses.filter((response) => isTablePath(new URL(response.url()).pathname));
      assert.ok(tableResponses.length >= 1, 'the table was read');
      for (const response of tableResponses) {
        const headers = await response.allHeaders();
        assert.equal(headers['content-encoding'], undefined, `table bytes are never encoded: ${response.url()} ${JSON.stringify(headers)}`);
      }
    });
  });
});

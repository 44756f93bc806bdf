// Every way the widget can fail must fail the same polite way: render nothing (no empty
// box, no reserved height left behind), log exactly one clear console error that names
// the table and the cause, fire `alsobought:error`, and leave the host page working (its
// own button still clickable, no uncaught exception, no dialog).

import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { repoPath, RESULTS_DIR } from '../lib/environment.mjs';
import { FIXTURE_TABLES, HUB_ID } from '../lib/fixtures.mjs';
import { hostPage, useEnvironment, withPage } from '../lib/suite.mjs';
import { readWidget } from '../lib/widget-page.mjs';

/** Each failure: the host attributes and what its one console line must say. */
const FAILURES = [
  {
    name: 'a missing table (404)',
    attributes: { table: FIXTURE_TABLES.missing, product: HUB_ID },
    says: /404/,
  },
  {
    name: 'a table slower than data-timeout',
    attributes: { table: `/__slow/20000${FIXTURE_TABLES.shop}`, product: HUB_ID, timeout: '1000' },
    says: /1000 ?ms|time(d)? ?out/i,
    settlesWithinMs: 6_000,
  },
  {
    name: 'a truncated table',
    attributes: { table: FIXTURE_TABLES.truncated, product: HUB_ID },
    says: /truncat|shorter|416|but got|header says/i,
  },
  {
    name: 'a corrupted table (bytes flipped in the product bundle)',
    attributes: { table: FIXTURE_TABLES.corrupted, product: HUB_ID },
    says: /checksum|crc|corrupt|malformed/i,
  },
  {
    name: 'a table of a newer format version',
    attributes: { table: FIXTURE_TABLES.newerVersion, product: HUB_ID },
    says: /version/i,
  },
  {
    name: 'an HTML page served as the table',
    attributes: { table: '/tests/e2e/pages/landing.html', product: HUB_ID },
    says: /magic|not an? (alsobought )?table|html/i,
  },
  {
    name: 'a product id the table does not know',
    attributes: { table: FIXTURE_TABLES.shop, product: 'E2E-NO-SUCH-PRODUCT' },
    says: /E2E-NO-SUCH-PRODUCT/,
  },
];

describe('failures render nothing and leave the page working', () => {
  const environment = useEnvironment();

  for (const failure of FAILURES) {
    test(failure.name, async () => {
      await withPage(environment, `failure-${failure.name.replace(/\W+/g, '-')}`, {}, async (session) => {
        const started = Date.now();
        await session.goto(hostPage(failure.attributes));
        const states = await session.waitForWidgets({ timeoutMs: failure.settlesWithinMs ?? 10_000 });
        const elapsed = Date.now() - started;
        assert.deepEqual(states, ['error'], `data-alsobought-state; console: ${session.describeConsole()}`);
        if (failure.settlesWithinMs) assert.ok(elapsed < failure.settlesWithinMs, `gave up after ${elapsed} ms`);

        const widget = await readWidget(session.page, '#widget');
        assert.equal(widget.section, null, 'no carousel region is rendered');
        assert.deepEqual([widget.cards.length, widget.items.length], [0, 0], 'no card or bundle item is rendered');
        assert.equal(widget.hostRect.height, 0, 'the host takes no space (no empty box, no reserved height)');

        // Let late messages (a second log line, an unhandled rejection) arrive before counting.
        await session.page.waitForTimeout(300);
        const errors = session.scriptConsoleErrors();
        assert.equal(errors.length, 1, `exactly one console error: ${JSON.stringify(errors)}`);
        assert.match(errors[0].text, /alsobought/i, 'the console error says it comes from alsobought');
        assert.match(errors[0].text, failure.says, 'the console error names the cause');
        assert.ok(errors[0].text.includes(failure.attributes.table), 'the console error names the table URL');

        const errorEvents = await session.events('alsobought:error');
        assert.equal(errorEvents.length, 1, 'alsobought:error fires once');
        assert.ok(errorEvents[0].bubbles && errorEvents[0].composed, 'alsobought:error bubbles and is composed');
        assert.equal(typeof errorEvents[0].detail?.message, 'string', 'detail.message is a string');
        assert.match(errorEvents[0].detail.message, failure.says, 'detail.message names the cause');
        assert.deepEqual(await session.events('alsobought:ready'), [], 'alsobought:ready does not fire');

        await session.page.locator('#host-button').click({ timeout: 2_000 });
        await session.page.locator('#host-button').click({ timeout: 2_000 });
        assert.equal(await session.page.locator('#host-clicks').textContent(), '2', 'the host page button still works');
        assert.deepEqual(session.pageErrors, [], 'no uncaught exception');
        assert.deepEqual(session.dialogs, [], 'no dialog');
      });
    });
  }
});

describe('a widget module that cannot start', () => {
  const environment = useEnvironment();

  test('gives back the height alsobought.css reserved and logs one error', async () => {
    // The glue without its wasm next to it: instantiation fails after the first paint,
    // when alsobought.css has already reserved the host's height.
    const directory = path.join(RESULTS_DIR, 'e2e', 'no-wasm');
    mkdirSync(directory, { recursive: true });
    copyFileSync(repoPath('pkg', 'alsobought.js'), path.join(directory, 'alsobought.js'));
    writeFileSync(
      path.join(directory, 'page.html'),
      `<!doctype html>
<!-- Written by tests/e2e/specs/failures.test.mjs: alsobought.js whose alsobought_bg.wasm is missing. -->
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Widget without its wasm</title>
<link rel="stylesheet" href="/alsobought/alsobought.css">
<script type="module" src="alsobought.js"></script></head>
<body><main><h1>Widget without its wasm</h1>
<div id="widget" data-alsobought data-table="${FIXTURE_TABLES.shop}" data-product="${HUB_ID}"></div>
<p>Content below the widget.</p></main></body></html>
`,
    );
    await withPage(environment, 'failure-no-wasm', {}, async (session) => {
      await session.goto('/test-results/e2e/no-wasm/page.html');
      assert.deepEqual(await session.waitForWidgets(), ['error'], `console: ${session.describeConsole()}`);
      await session.page.waitForTimeout(300);
      const errors = session.scriptConsoleErrors();
      assert.equal(errors.length, 1, `exactly one console error: ${JSON.stringify(errors)}`);
      assert.match(errors[0].text, /alsobought: the widget could not start.*alsobought_bg\.wasm/);
      const heights = await session.page.evaluate(() => {
        const host = document.getElementById('widget');
        const failed = host.getBoundingClientRect().height;
        host.removeAttribute('data-alsobought-state');
        return { failed, reserved: host.getBoundingClientRect().height };
      });
      assert.equal(heights.failed, 0, 'the failed host takes no space (no empty box)');
      assert.ok(heights.reserved > 100, `alsobought.css reserved the height before the failure: ${JSON.stringify(heights)}`);
      assert.deepEqual(session.pageErrors, [], 'no uncaught exception');
    });
  });
});

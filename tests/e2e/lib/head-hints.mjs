// Whether a page's head hints for the widget (`modulepreload`, `preload`, and the
// preload the README's inline script adds on a slow load) are used as written. Why it
// exists: a preload whose request does not match the widget's own (a missing
// `crossorigin`, another URL than `data-table` points to) costs the shopper the file
// twice and only shows as a console warning; the demo pages carry the script the README
// advises (measured by scripts/bench-network.mjs), so the suite holds them to it.

import assert from 'node:assert/strict';
import { emulateNetwork } from './network-conditions.mjs';

/**
 * The hints the demo pages end up with on a slow load, as `describeHints` writes them:
 * the wasm's preload, added by the inline script when DOMContentLoaded has not fired
 * 300 ms after the navigation started (scripts/bench-network.mjs --variants measured a
 * static preload to bring the card as soon at Slow 4G but to cost Lighthouse's LCP, and
 * a modulepreload and the entry file's preload to gain nothing). A fast load gets none.
 */
export const DEMO_PAGE_HINTS = ['preload /alsobought/alsobought_bg.wasm as fetch'];

/**
 * A slow network for `session`'s page (CDP emulation): 400 ms a request, more than the
 * inline script's 300 ms, so the page's HTML arrives after that mark and the script adds
 * the preload at once, a whole round trip before the widget's module can have run.
 */
export async function emulateSlowNetwork(session) {
  await emulateNetwork(await session.page.context().newCDPSession(session.page), { latency: 400, download: (5 * 1024 * 1024) / 8, upload: (1024 * 1024) / 8 });
}

/** `assertHintsUsed`'s hints as `rel path [as type]` strings, to compare with DEMO_PAGE_HINTS. */
export const describeHints = (hints) => hints.map((hint) => `${hint.rel} ${new URL(hint.href).pathname}${hint.as ? ` as ${hint.as}` : ''}`);

/** What Chromium logs for a preload it fetched and then could not hand to the page. */
const PRELOAD_NOT_USED = /preload.*not used/i;
/** Chromium warns of an unused preload a few seconds (3 s) after the load event. */
const UNUSED_PRELOAD_DELAY_MS = 3_500;

/** Counts the page's requests by URL from now on (call before `goto`). */
export function countRequests(session) {
  const counts = new Map();
  session.page.on('request', (request) => counts.set(request.url(), (counts.get(request.url()) ?? 0) + 1));
  return counts;
}

/**
 * Asserts, once the page loaded and its widgets settled, that every widget hint of the
 * page was requested exactly once (the hint's request served the widget's, no second
 * one) and that Chromium logged no unused or mismatched preload. `counts` is
 * `countRequests`'s map. Returns the hints as `{ rel, href, as }` (href absolute).
 */
export async function assertHintsUsed(session, counts) {
  const hints = await session.page.evaluate(() =>
    [...document.querySelectorAll('link[rel="preload"], link[rel="modulepreload"]')]
      .filter((link) => new URL(link.href).pathname.startsWith('/alsobought/'))
      .map((link) => ({ rel: link.rel, href: link.href, as: link.getAttribute('as') })),
  );
  await session.page.waitForTimeout(UNUSED_PRELOAD_DELAY_MS);
  for (const hint of hints) {
    assert.equal(counts.get(hint.href) ?? 0, 1, `${hint.rel} ${hint.href}: one request, used by the widget: ${JSON.stringify(Object.fromEntries(counts))}`);
  }
  const warnings = session.console.filter((message) => PRELOAD_NOT_USED.test(message.text));
  assert.deepEqual(warnings, [], 'Chromium used every preload');
  return hints;
}

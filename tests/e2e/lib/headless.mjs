// The headless storefront page (tests/e2e/pages/headless.html) and the documentation it
// comes from: the plain-JS router of docs/install/headless.md is extracted from that file
// and served as the page's app, so the example the docs give is the one the suite runs.
// Why it exists: a documented example nobody runs rots; the soak and the route check
// both drive it through `window.headless` ({ navigate, setCart }).

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoPath, RESULTS_DIR } from './environment.mjs';

const DOC = 'docs/install/headless.md';
/** The comment that marks the documented block the page runs. */
const MARKER = '<!-- e2e: the next block is tests/e2e/specs/soak.test.mjs\'s headless page -->';
const APP_FILE = path.join(RESULTS_DIR, 'e2e', 'headless', 'app.js');

/** The page's URL for `table` (a URL path on the demo server). */
export function headlessPage(table) {
  return `/tests/e2e/pages/headless.html?${new URLSearchParams({ table })}`;
}

/** Writes the documented router to where headless.html imports it; throws when the doc lost it. */
export function writeHeadlessApp() {
  const doc = readFileSync(repoPath(DOC), 'utf8');
  const at = doc.indexOf(MARKER);
  if (at === -1) throw new Error(`${DOC} has no ${MARKER} line: the headless page has no app to run`);
  const block = doc.slice(at + MARKER.length).match(/^\s*```js\n([\s\S]*?)\n```/);
  if (!block) throw new Error(`${DOC}: the line after ${MARKER} does not open a \`\`\`js block`);
  mkdirSync(path.dirname(APP_FILE), { recursive: true });
  writeFileSync(APP_FILE, `// Extracted from ${DOC} by tests/e2e/lib/headless.mjs: do not edit.\n${block[1]}\n`);
}

/** Opens the headless page on `table` and waits until its router started. */
export async function openHeadless(session, table) {
  writeHeadlessApp();
  await session.goto(headlessPage(table));
  await session.page
    .waitForFunction(() => document.documentElement.dataset.headlessReady === 'true', null, { timeout: 10_000 })
    .catch((error) => {
      throw new Error(`the headless app did not start: ${session.describeConsole()} ${session.pageErrors}`, { cause: error });
    });
}

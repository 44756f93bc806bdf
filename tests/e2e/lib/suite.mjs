// Shared set-up for spec files: one environment (server + browser) per `describe` block,
// and a helper that always closes a page, so a failing assertion never leaks a context.

import { after, before } from 'node:test';
import { openEnvironment } from './environment.mjs';
import { ensureFixtures } from './fixtures.mjs';
import { openWidgetPage } from './widget-page.mjs';

/**
 * Registers before/after hooks that open and close the environment; call inside a
 * `describe`. The returned object gains `baseUrl` and `browser` once the hooks ran.
 */
export function useEnvironment() {
  const environment = {};
  before(async () => {
    ensureFixtures();
    Object.assign(environment, await openEnvironment());
  });
  after(async () => {
    await environment.close?.();
  });
  return environment;
}

/** Opens a recorded page, runs `body(session)` and closes the page whatever happens. */
export async function withPage(environment, label, contextOptions, body) {
  const session = await openWidgetPage(environment, label, contextOptions);
  try {
    return await body(session);
  } finally {
    await session.close();
  }
}

/** Query string for tests/e2e/pages/host.html: each key becomes a data-* attribute. */
export function hostPage(attributes) {
  return `/tests/e2e/pages/host.html?${new URLSearchParams(attributes)}`;
}

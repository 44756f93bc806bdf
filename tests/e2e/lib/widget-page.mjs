// One browser page under test, with everything the specs assert on recorded from the
// first byte: console messages, uncaught exceptions, dialogs, the widget's DOM events,
// Content-Security-Policy violations and layout shifts.
// Why it exists: every spec needs the same evidence (a failure test must see exactly one
// console error, a security test must see no dialog), and listeners added after load
// would miss what happened during load, so the recorder is an init script.

import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { RESULTS_DIR } from './environment.mjs';

/** The widget's DOM events (docs/architecture.md §3). */
export const WIDGET_EVENTS = [
  'alsobought:ready',
  'alsobought:impression',
  'alsobought:click',
  'alsobought:add-to-cart',
  'alsobought:error',
  // docs/events.md: measurement events (exposure on the host, purchase on document).
  'alsobought:exposure',
  'alsobought:purchase',
  // docs/install/README.md: a cart adapter or `respondWith` put the products in the cart.
  'alsobought:added',
];

/** States the widget settles in on its host element (`data-alsobought-state`). */
export const SETTLED_STATES = ['ready', 'empty', 'error', 'holdout'];

const CONSOLE_LOG_DIR = path.join(RESULTS_DIR, 'e2e', 'console');

// Runs in the page before any of its scripts.
function installRecorder(eventTypes) {
  const record = { events: [], violations: [], layoutShifts: [], stateChanges: [] };
  Object.defineProperty(window, '__alsoboughtTest', { value: record });
  // The host's height at each state change, measured before the next paint: what the
  // widget reserved while loading versus what it rendered.
  new MutationObserver((mutations) => {
    for (const mutation of mutations) {
      const host = mutation.target;
      record.stateChanges.push({
        hostId: host.id || null,
        state: host.getAttribute('data-alsobought-state'),
        height: host.getBoundingClientRect().height,
        time: performance.now(),
      });
    }
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-alsobought-state'] });
  for (const type of eventTypes) {
    document.addEventListener(
      type,
      (event) => {
        let detail = null;
        try {
          detail = JSON.parse(JSON.stringify(event.detail ?? null));
        } catch (error) {
          detail = { unserializable: String(error) };
        }
        const target = event.target;
        record.events.push({
          type,
          detail,
          hostId: target && target.id ? target.id : null,
          cancelable: event.cancelable,
          bubbles: event.bubbles,
          composed: event.composed,
          time: performance.now(),
        });
      },
      true,
    );
  }
  document.addEventListener('securitypolicyviolation', (event) => {
    record.violations.push({
      directive: event.violatedDirective,
      blockedUri: event.blockedURI,
      sample: event.sample,
      source: event.sourceFile,
    });
  });
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        record.layoutShifts.push({
          value: entry.value,
          hadRecentInput: entry.hadRecentInput,
          time: entry.startTime,
          sources: (entry.sources || []).map((source) => {
            const node = source.node;
            if (!node) return 'unknown node';
            const element = node.nodeType === 1 ? node : node.parentElement;
            if (!element) return node.nodeName;
            const id = element.id ? `#${element.id}` : '';
            const classes = element.classList && element.classList.length ? `.${[...element.classList].join('.')}` : '';
            return `${element.localName}${id}${classes}`;
          }),
        });
      }
    }).observe({ type: 'layout-shift', buffered: true });
  } catch (error) {
    record.layoutShifts.push({ unsupported: String(error) });
  }
}

/**
 * Opens a fresh browser context and page on `baseUrl` with the recorder installed.
 * `label` names the page in test-results/e2e/console/<label>.log.
 * `contextOptions` go to `browser.newContext` (viewport, reducedMotion, hasTouch, ...).
 */
export async function openWidgetPage(environment, label, contextOptions = {}) {
  const context = await environment.browser.newContext({
    baseURL: environment.baseUrl,
    locale: 'en-US',
    viewport: { width: 1280, height: 800 },
    ...contextOptions,
  });
  const page = await context.newPage();
  await page.addInitScript(installRecorder, WIDGET_EVENTS);
  const session = new WidgetPage(context, page, label);
  page.on('console', (message) => {
    const location = message.location();
    session.console.push({ type: message.type(), text: message.text(), url: location?.url ?? '' });
  });
  page.on('pageerror', (error) => session.pageErrors.push(`${error.name}: ${error.message}`));
  page.on('dialog', async (dialog) => {
    session.dialogs.push({ type: dialog.type(), message: dialog.message() });
    await dialog.dismiss().catch(() => {});
  });
  return session;
}

/** A page under test and what it recorded. */
export class WidgetPage {
  constructor(context, page, label) {
    this.context = context;
    this.page = page;
    this.label = label;
    /** `{ type, text, url }` for every console message, browser messages included. */
    this.console = [];
    /** Uncaught exceptions and unhandled rejections. */
    this.pageErrors = [];
    /** Every `alert`/`confirm`/`prompt` the page opened (each is dismissed). */
    this.dialogs = [];
  }

  /** Navigates to a path on the demo server and waits for the load event. */
  async goto(pathAndQuery) {
    const response = await this.page.goto(pathAndQuery, { waitUntil: 'load' });
    if (!response || !response.ok()) {
      throw new Error(`GET ${pathAndQuery} answered ${response?.status()} (is the page built/served?)`);
    }
    return response;
  }

  /**
   * Waits until every widget host on the page has settled (ready, empty or error) and
   * returns their states in document order.
   */
  async waitForWidgets({ count = 1, timeoutMs = 15_000 } = {}) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const states = await this.hostStates();
      if (states.length >= count && states.every((state) => SETTLED_STATES.includes(state))) return states;
      const failure = this.widgetLoadFailure();
      if (failure || Date.now() > deadline) {
        throw new Error(
          `${failure ?? `widgets did not settle within ${timeoutMs} ms`} (want ${count} hosts); ` +
            `states: ${JSON.stringify(states)}; console: ${JSON.stringify(this.console.slice(-5))}; ` +
            `page errors: ${JSON.stringify(this.pageErrors)}`,
        );
      }
      await this.page.waitForTimeout(25);
    }
  }

  /** Why the widget's own files could not load (then no host will ever settle), or null. */
  widgetLoadFailure() {
    const widgetFile = /\/alsobought\/alsobought(\.js|_bg\.wasm)/;
    const missing = this.console.find((message) => /^Failed to load resource/.test(message.text) && widgetFile.test(message.url));
    if (missing) return `the widget did not load: ${missing.url}: ${missing.text} (is pkg/ built? make widget)`;
    const thrown = this.pageErrors.find((error) => widgetFile.test(error) || /Failed to fetch dynamically imported module/.test(error));
    return thrown ? `the widget did not load: ${thrown}` : null;
  }

  /** `data-alsobought-state` of every host that has one, in document order. */
  hostStates() {
    return this.page.evaluate(() =>
      [...document.querySelectorAll('[data-alsobought-state]')].map((host) => host.dataset.alsoboughtState),
    );
  }

  /** Events, CSP violations and layout shifts the page recorded so far. */
  recorded() {
    return this.page.evaluate(() => window.__alsoboughtTest);
  }

  /** Recorded widget events of one type. */
  async events(type) {
    return (await this.recorded()).events.filter((event) => event.type === type);
  }

  /**
   * Console errors the page logged, without the browser's own "Failed to load resource"
   * lines (a 404 table produces one that no script can suppress).
   */
  scriptConsoleErrors() {
    return this.console.filter((message) => message.type === 'error' && !/^Failed to load resource/.test(message.text));
  }

  /** Every console error and warning, for assertion messages. */
  describeConsole() {
    return JSON.stringify(this.console.filter((message) => message.type === 'error' || message.type === 'warning'));
  }

  /** Appends this page's console to test-results/e2e/console/<label>.log and closes it. */
  async close() {
    mkdirSync(CONSOLE_LOG_DIR, { recursive: true });
    const lines = [
      ...this.console.map((message) => `[${message.type}] ${message.text}${message.url ? ` (${message.url})` : ''}`),
      ...this.pageErrors.map((error) => `[pageerror] ${error}`),
      ...this.dialogs.map((dialog) => `[dialog] ${dialog.type}: ${dialog.message}`),
    ];
    appendFileSync(path.join(CONSOLE_LOG_DIR, `${this.label}.log`), `--- ${this.page.url()}\n${lines.join('\n')}\n`);
    await this.context.close();
  }
}

/**
 * What one widget host shows, read from its shadow root: `hostSelector` picks the host.
 * Returns null when there is no such host.
 */
export function readWidget(page, hostSelector = '[data-alsobought-state]') {
  return page.evaluate((hostSelector) => {
    const host = document.querySelector(hostSelector);
    if (!host) return null;
    const root = host.shadowRoot;
    const rectOf = (element) => {
      const rect = element.getBoundingClientRect();
      return { x: rect.x, y: rect.y, width: rect.width, height: rect.height };
    };
    const textOf = (parent, selector) => parent.querySelector(selector)?.textContent.trim() ?? null;
    const cards = root
      ? [...root.querySelectorAll('.ab-card')].map((card) => {
          const link = card.querySelector('a.ab-link');
          const image = card.querySelector('img.ab-image');
          return {
            role: card.getAttribute('role'),
            roleDescription: card.getAttribute('aria-roledescription'),
            label: card.getAttribute('aria-label'),
            href: link?.getAttribute('href') ?? null,
            resolvedHref: link?.href ?? null,
            name: textOf(card, '.ab-name'),
            price: textOf(card, '.ab-price'),
            rating: card.querySelector('.ab-rating')?.getAttribute('aria-label') ?? null,
            hasAddButton: Boolean(card.querySelector('button.ab-add')),
            image: image
              ? {
                  loading: image.getAttribute('loading'),
                  width: image.getAttribute('width'),
                  height: image.getAttribute('height'),
                  alt: image.getAttribute('alt'),
                  src: image.getAttribute('src'),
                }
              : null,
            rect: rectOf(card),
          };
        })
      : [];
    const items = root
      ? [...root.querySelectorAll('.ab-bundle label.ab-item')].map((item) => ({
          text: item.textContent.replace(/\s+/g, ' ').trim(),
          checked: item.querySelector('input[type=checkbox]')?.checked ?? null,
          price: textOf(item, '.ab-price'),
          name: textOf(item, '.ab-name'),
          href: item.querySelector('a')?.getAttribute('href') ?? null,
        }))
      : [];
    const section = root?.querySelector('section.ab-root');
    const headingId = section?.getAttribute('aria-labelledby');
    return {
      state: host.dataset.alsoboughtState ?? null,
      hasShadowRoot: Boolean(root),
      hostRect: rectOf(host),
      section: section
        ? {
            role: section.getAttribute('role'),
            roleDescription: section.getAttribute('aria-roledescription'),
            headingText: headingId ? root.getElementById(headingId)?.textContent.trim() ?? null : null,
          }
        : null,
      renderedElementCount: root ? root.querySelectorAll(':not(style):not(link)').length : 0,
      cards,
      items,
      total: root ? textOf(root, '.ab-total') : null,
      hasAddAll: Boolean(root?.querySelector('button.ab-add-all')),
    };
  }, hostSelector);
}

/** Parses a formatted price ("€1,234.50", "1.234,50 €", "$7") into a number. */
export function parsePrice(text) {
  if (text == null) return NaN;
  const digits = text.replace(/[^\d.,]/g, '');
  const decimal = digits.match(/[.,](\d{1,2})$/);
  const whole = (decimal ? digits.slice(0, -decimal[0].length) : digits).replace(/[.,]/g, '');
  return Number(decimal ? `${whole}.${decimal[1]}` : whole);
}

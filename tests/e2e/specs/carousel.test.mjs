// The carousel as a shopper drives it on a phone-sized screen (the fixture shop's HUB
// product has ten suggestions, more than fit): previous/next buttons, their disabled
// state at the ends, keyboard, touch swipe, right-to-left pages and reduced motion.
// "Visible" is measured from the layout (cards inside the track's box), not from any
// state the widget claims.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FIXTURE_TABLES, HUB_ID, NEIGHBOUR_IDS, SOLD_OUT_ID } from '../lib/fixtures.mjs';
import { hostPage, useEnvironment, withPage } from '../lib/suite.mjs';

const PHONE = { viewport: { width: 375, height: 740 } };
const HOST = '#widget';

function carouselPage(extra = {}) {
  return hostPage({ table: FIXTURE_TABLES.shop, product: HUB_ID, 'max-suggestions': '10', ...extra });
}

// Runs in the page: which cards are inside the track, button states, geometry.
function readCarousel(hostSelector) {
  const root = document.querySelector(hostSelector).shadowRoot;
  const track = root.querySelector('ul.ab-track');
  const trackRect = track.getBoundingClientRect();
  const cards = [...root.querySelectorAll('.ab-card')];
  const visible = cards
    .map((card, index) => {
      const rect = card.getBoundingClientRect();
      const overlap = Math.min(rect.right, trackRect.right) - Math.max(rect.left, trackRect.left);
      return overlap >= rect.width * 0.6 ? index : -1;
    })
    .filter((index) => index >= 0);
  const button = (selector) => {
    const element = root.querySelector(selector);
    if (!element) return null;
    const rect = element.getBoundingClientRect();
    return {
      disabled: element.disabled || element.getAttribute('aria-disabled') === 'true',
      label: element.getAttribute('aria-label'),
      centreX: rect.x + rect.width / 2,
    };
  };
  return {
    scrollLeft: track.scrollLeft,
    scrollBehavior: getComputedStyle(track).scrollBehavior,
    visible,
    cardCount: cards.length,
    cardXs: cards.map((card) => card.getBoundingClientRect().x),
    prev: button('button.ab-prev'),
    next: button('button.ab-next'),
  };
}

/** Reads the carousel once its scroll position has been still for 200 ms. */
async function settledCarousel(page, timeoutMs = 4_000) {
  const deadline = Date.now() + timeoutMs;
  let last = await page.evaluate(readCarousel, HOST);
  let stillSince = Date.now();
  while (Date.now() < deadline) {
    await page.waitForTimeout(50);
    const now = await page.evaluate(readCarousel, HOST);
    if (Math.abs(now.scrollLeft - last.scrollLeft) > 0.5 || now.visible.join() !== last.visible.join()) {
      stillSince = Date.now();
    } else if (Date.now() - stillSince >= 200) {
      return now;
    }
    last = now;
  }
  return last;
}

async function openCarousel(session, extra) {
  await session.goto(carouselPage(extra));
  await session.waitForWidgets();
  const state = await settledCarousel(session.page);
  const [ready] = await session.events('alsobought:ready');
  const shown = (ready?.detail?.products ?? []).map((product) => product.id);
  // HUB's neighbours: the ten available ones and one sold out since the table was built.
  assert.deepEqual([...shown].sort(), [...NEIGHBOUR_IDS].sort(), `the ten available neighbours, not ${SOLD_OUT_ID}`);
  assert.ok(state.prev && state.next, 'the carousel has previous and next buttons');
  assert.equal(state.prev.label, 'Previous products');
  assert.equal(state.next.label, 'Next products');
  assert.ok(state.cardCount > state.visible.length, `${state.cardCount} cards must overflow a 375 px screen`);
  return state;
}

function first(state) {
  return Math.min(...state.visible);
}

describe('carousel', () => {
  const environment = useEnvironment();

  test('next/prev move the visible cards and are disabled at the ends', async () => {
    await withPage(environment, 'carousel-buttons', PHONE, async (session) => {
      const start = await openCarousel(session);
      assert.equal(first(start), 0, 'the first card is visible at the start');
      assert.equal(start.prev.disabled, true, 'previous is disabled at the start');
      assert.equal(start.next.disabled, false, 'next is enabled when more cards follow');

      await session.page.locator(`${HOST} button.ab-next`).click();
      const moved = await settledCarousel(session.page);
      assert.ok(first(moved) > first(start), `next moved the visible cards: ${start.visible} -> ${moved.visible}`);
      assert.equal(moved.prev.disabled, false, 'previous is enabled after moving');

      let state = moved;
      for (let clicks = 0; !state.next.disabled && clicks < state.cardCount; clicks++) {
        await session.page.locator(`${HOST} button.ab-next`).click();
        state = await settledCarousel(session.page);
      }
      assert.equal(state.next.disabled, true, 'next becomes disabled at the end');
      assert.ok(state.visible.includes(state.cardCount - 1), `the last card is visible at the end: ${state.visible}`);

      await session.page.locator(`${HOST} button.ab-prev`).click();
      const back = await settledCarousel(session.page);
      assert.ok(first(back) < first(state), `previous moved back: ${state.visible} -> ${back.visible}`);
      assert.equal(back.next.disabled, false, 'next is enabled again after moving back');
    });
  });

  test('keyboard: Tab reaches the buttons, Enter and Space press them, arrows scroll the track', async () => {
    await withPage(environment, 'carousel-keyboard', PHONE, async (session) => {
      const start = await openCarousel(session);
      const { page } = session;
      await page.focus('#before-widget');
      let focused = null;
      for (let presses = 0; presses < 40 && focused !== 'ab-next'; presses++) {
        await page.keyboard.press('Tab');
        focused = await page.evaluate(
          (host) => document.querySelector(host).shadowRoot?.activeElement?.className ?? null,
          HOST,
        );
        focused = /\bab-next\b/.test(focused ?? '') ? 'ab-next' : focused;
      }
      assert.equal(focused, 'ab-next', 'Tab reaches the next button');

      // Tabbing through the card links scrolled the track; start again from the first card.
      await page.evaluate((host) => {
        const track = document.querySelector(host).shadowRoot.querySelector('ul.ab-track');
        track.scrollTo({ left: 0, behavior: 'instant' });
      }, HOST);
      const beforeEnter = await settledCarousel(page);
      assert.equal(first(beforeEnter), first(start), 'back at the first card');
      await page.keyboard.press('Enter');
      const afterEnter = await settledCarousel(page);
      assert.ok(first(afterEnter) > first(beforeEnter), `Enter on next moved: ${beforeEnter.visible} -> ${afterEnter.visible}`);
      await page.keyboard.press('Space');
      const afterSpace = await settledCarousel(page);
      assert.ok(first(afterSpace) > first(afterEnter), `Space on next moved: ${afterEnter.visible} -> ${afterSpace.visible}`);

      // Back to the start, then drive the track itself with the arrow keys.
      await page.evaluate((host) => {
        const track = document.querySelector(host).shadowRoot.querySelector('ul.ab-track');
        track.scrollTo({ left: 0, behavior: 'instant' });
      }, HOST);
      await settledCarousel(page);
      const focusedTrack = await page.evaluate((host) => {
        const root = document.querySelector(host).shadowRoot;
        const track = root.querySelector('ul.ab-track');
        track.focus({ preventScroll: true });
        if (root.activeElement !== track) root.querySelector('.ab-card a.ab-link')?.focus({ preventScroll: true });
        return root.activeElement?.closest('ul.ab-track') !== null;
      }, HOST);
      assert.ok(focusedTrack, 'the track (or a card in it) takes keyboard focus');
      const beforeArrows = await settledCarousel(page);
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      const afterArrows = await settledCarousel(page);
      assert.ok(afterArrows.scrollLeft > beforeArrows.scrollLeft + 1, `ArrowRight scrolls the track: ${beforeArrows.scrollLeft} -> ${afterArrows.scrollLeft}`);
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.press('ArrowLeft');
      const back = await settledCarousel(page);
      assert.ok(back.scrollLeft < afterArrows.scrollLeft - 1, `ArrowLeft scrolls back: ${afterArrows.scrollLeft} -> ${back.scrollLeft}`);
    });
  });

  test('a touch swipe moves the cards and updates the buttons', async () => {
    await withPage(environment, 'carousel-swipe', { ...PHONE, hasTouch: true }, async (session) => {
      const start = await openCarousel(session);
      const box = await session.page.locator(`${HOST} ul.ab-track`).boundingBox();
      const cdp = await session.context.newCDPSession(session.page);
      const y = box.y + Math.min(box.height / 2, 60);
      const fromX = box.x + box.width * 0.85;
      const toX = box.x + box.width * 0.1;
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x: fromX, y }] });
      for (let step = 1; step <= 10; step++) {
        await cdp.send('Input.dispatchTouchEvent', {
          type: 'touchMove',
          touchPoints: [{ x: fromX + ((toX - fromX) * step) / 10, y }],
        });
      }
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
      const swiped = await settledCarousel(session.page);
      assert.ok(first(swiped) > first(start), `the swipe moved the visible cards: ${start.visible} -> ${swiped.visible}`);
      assert.equal(swiped.prev.disabled, false, 'previous is enabled after swiping forward');
      await cdp.detach();
    });
  });

  test('a right-to-left page mirrors the carousel', async () => {
    await withPage(environment, 'carousel-rtl', PHONE, async (session) => {
      const start = await openCarousel(session, { dir: 'rtl' });
      assert.ok(start.cardXs[1] < start.cardXs[0], `the second card sits left of the first: ${start.cardXs.slice(0, 2)}`);
      assert.ok(start.prev.centreX > start.next.centreX, 'previous is on the right, next on the left');
      assert.equal(first(start), 0, 'the first card is visible at the start');
      assert.equal(start.prev.disabled, true, 'previous is disabled at the start');
      await session.page.locator(`${HOST} button.ab-next`).click();
      const moved = await settledCarousel(session.page);
      assert.ok(first(moved) > first(start), `next moved the visible cards: ${start.visible} -> ${moved.visible}`);
      assert.equal(moved.prev.disabled, false, 'previous is enabled after moving');
    });
  });

  test('with prefers-reduced-motion the carousel jumps instead of animating', async () => {
    await withPage(environment, 'carousel-reduced-motion', { ...PHONE, reducedMotion: 'reduce' }, async (session) => {
      const start = await openCarousel(session);
      assert.notEqual(start.scrollBehavior, 'smooth', 'the track does not scroll smoothly');
      const animated = await session.page.evaluate((host) => {
        const seconds = (value) => Math.max(...value.split(',').map((part) => parseFloat(part) || 0));
        return [...document.querySelector(host).shadowRoot.querySelectorAll('*')]
          .map((element) => {
            const style = getComputedStyle(element);
            const longest = Math.max(seconds(style.transitionDuration), seconds(style.animationDuration));
            return longest > 0.01 ? `${element.localName}.${element.className} ${longest}s` : null;
          })
          .filter(Boolean);
      }, HOST);
      assert.deepEqual(animated, [], 'no element transitions or animates');

      // A smooth scroll takes several frames; a jump is complete two frames after the click.
      await session.page.locator(`${HOST} button.ab-next`).click();
      const soon = await session.page.evaluate(
        (host) =>
          new Promise((resolve) =>
            requestAnimationFrame(() =>
              requestAnimationFrame(() =>
                resolve(document.querySelector(host).shadowRoot.querySelector('ul.ab-track').scrollLeft),
              ),
            ),
          ),
        HOST,
      );
      const settled = await settledCarousel(session.page);
      assert.ok(settled.scrollLeft > start.scrollLeft, 'next moved the track');
      assert.ok(Math.abs(soon - settled.scrollLeft) <= 1, `scrolled instantly: ${soon} two frames after the click, ${settled.scrollLeft} at rest`);
    });
  });
});

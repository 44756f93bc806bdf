// The A/B of the demo pages' head hints (`modulepreload` of the widget, `preload` of its
// wasm and of the directory layout's entry file) for scripts/bench-network.mjs: the same
// product page and checkout with and without them, per table layout, runs interleaved.
// Why it exists: the hints are what issue 11 item 3 proposed to overlap the wasm's
// ~430 ms of transfer at Slow 4G with the page's own loading, and a hint can also lose
// (the wasm then competes with the page's stylesheet and image for the same 1.6 Mbps):
// only the emulated network tells, and Lighthouse's LCP and TBT say what it costs the page.

import { DEMO_DIRECTORY_URL } from '../../tests/e2e/lib/demo-data.mjs';
import { kb, ms } from './benchmarks.mjs';
import { PROFILES } from './network-emulation.mjs';
import { LIGHTHOUSE_VERSION } from './network-lighthouse.mjs';
import { widgetHints, withoutHints } from './network-pages.mjs';

/** The scenarios the A/B measures: the cold loads the hints are for. */
export const HINT_SCENARIOS = [
  ['product', 'product page, cold'],
  ['checkout', 'checkout, 5-item cart, cold'],
];
const COMPARED_LAYOUTS = ['single', 'directory'];

/**
 * For each layout the A/B covers, the same layout measured without the hints, to run
 * right after it; none when the demo pages carry no hints (nothing to compare).
 */
export function hintVariants(layouts, hints) {
  if (hints.length === 0) return [];
  return layouts
    .filter((layout) => COMPARED_LAYOUTS.includes(layout.name))
    .map((layout) => ({
      ...layout,
      name: `${layout.name}-nohints`,
      label: `${layout.label}, without the hints`,
      withoutHints: true,
      comparedWith: layout.name,
      scenarios: HINT_SCENARIOS.map(([scenario]) => scenario),
    }));
}

const signed = (value) => `${value > 0 ? '+' : value < 0 ? '−' : '±'}${ms(Math.abs(value))}`;

/** The A/B section of the report: medians with and without the hints, and the difference. */
export function renderHintsReport({ summaries, layouts, variants, hints, runs }) {
  if (hints.length === 0) return ['', '### Head hints', '', 'Not measured: the demo pages carry no hints for the widget.'];
  const lines = [
    '',
    '### Head hints: with vs without (A/B)',
    '',
    `The same pages with and without the demo pages' ${hints.length === 1 ? 'hint' : 'hints'} ${hints.map((hint) => `\`${hint}\``).join(' ')} ` +
      `(a preload of the directory's entry file, if the pages carry one, only for the directory layout, pointed at the measured table), ${runs} runs of each, ` +
      'the two variants one right after the other in every run. Medians, and the difference the hints make (the variants of the hint set itself: "Head hint variants" below); "LCP" is the page\'s own largest-contentful-paint under the emulation (the product image or a card), read once the page went quiet.',
    '',
    '| scenario | network | table layout | nav → first card, with / without | DOMContentLoaded → first card, with / without | DOMContentLoaded, with / without | LCP, with / without |',
    '|---|---|---|---:|---:|---:|---:|',
  ];
  const pair = (withHints, without, key) => {
    const [a, b] = [withHints[key].median, without[key].median];
    return `${ms(a)} / ${ms(b)}${a === null || b === null ? '' : ` (${signed(a - b)})`}`;
  };
  for (const [scenario, scenarioLabel] of HINT_SCENARIOS) {
    for (const profile of PROFILES) {
      for (const variant of variants) {
        const layout = layouts.find((candidate) => candidate.name === variant.comparedWith);
        const withHints = summaries[profile.name][layout.name]?.[scenario];
        const without = summaries[profile.name][variant.name]?.[scenario];
        if (!withHints || !without) continue;
        lines.push(
          `| ${scenarioLabel} | ${profile.name} | ${layout.label} | ${pair(withHints, without, 'total')} | ${pair(withHints, without, 'afterDcl')} | ` +
            `${pair(withHints, without, 'domContentLoaded')} | ${pair(withHints, without, 'lcp')} |`,
        );
      }
    }
  }
  return lines;
}

/**
 * The hint sets `--variants` compares, each a change to the demo product page's HTML.
 * Why: the hints that bring the card sooner under Slow 4G can cost the page's own LCP
 * (Lighthouse's simulation counts every download that ended before the observed LCP as
 * one the paint waited for), and which set wins both is a measurement, not a guess.
 * A variant is one step or several joined by `+` (`no-modulepreload+lcp-high`).
 */
export const VARIANT_STEPS = {
  head: { label: "the demo page's hints as they are", change: (html) => html },
  none: { label: 'no hints', change: (html) => withoutHints(html) },
  entry: {
    label: "only the entry file's preload",
    change: (html) => withoutHints(html, (tag) => !tag.includes(`"${DEMO_DIRECTORY_URL}`)),
  },
  'no-modulepreload': {
    label: 'without the modulepreload (the module script is in <head> already)',
    change: (html) => withoutHints(html, (tag) => tag.includes('rel="modulepreload"')),
  },
  'no-wasm': {
    label: "without the wasm's preload",
    change: (html) => withoutHints(html, (tag) => tag.includes(WASM_URL)),
  },
  'no-entry': {
    label: "without the entry file's preload",
    change: (html) => withoutHints(html, (tag) => tag.includes(`"${DEMO_DIRECTORY_URL}`)),
  },
  'lcp-high': {
    label: 'fetchpriority="high" on the product image (the LCP element)',
    change: (html) => {
      const changed = html.replace(/<img class="product__image"(?![^>]*fetchpriority)/, '<img class="product__image" fetchpriority="high"');
      if (changed === html && !/<img class="product__image"[^>]*fetchpriority="high"/.test(html)) throw new Error('lcp-high: the page has no product image');
      return changed;
    },
  },
  'static-preload': {
    label: "the wasm's static preload after the module script, the demo pages' hint until the `slow-300` script replaced it",
    change: (html) => {
      const page = withoutHints(html, (tag) => tag.includes(WASM_URL));
      return page.replace('</head>', `<link rel="preload" href="${WASM_URL}" as="fetch" type="application/wasm" crossorigin>\n</head>`);
    },
  },
  'async-module': {
    label: '`async` on the widget\'s module script (it runs once fetched, not after parsing)',
    change: (html) => {
      const changed = html.replace(/<script type="module" src="(\/alsobought\/alsobought\.js)"/, '<script type="module" async src="$1"');
      if (changed === html) throw new Error("async-module: the page has no widget module script");
      return changed;
    },
  },
  // The wasm's download started from an inline script in <head> instead of by the
  // static preload, at a moment that comes before DOMContentLoaded on a slow load and
  // after the first paint on a fast one (Lighthouse's unthrottled trace, whose LCP graph
  // takes in every download that ended before the observed LCP).
  'idle-fetch': {
    label: "the wasm's preload replaced by `fetch()` of the wasm (its body read) in `requestIdleCallback` from an inline script in <head>",
    change: (html) => withWasmScript(html, `requestIdleCallback(()=>fetch('${WASM_URL}').then((r)=>r.arrayBuffer()))`),
  },
  'idle-preload': {
    label: "the wasm's preload inserted by an inline script in <head> in `requestIdleCallback`",
    change: (html) => withWasmScript(html, `requestIdleCallback(()=>document.head.append(${WASM_PRELOAD_ELEMENT}))`),
  },
  'paint-preload': {
    label: "the wasm's preload inserted by an inline script in <head> in a task after the first animation frame (`requestAnimationFrame` + `setTimeout 0`)",
    change: (html) => withWasmScript(html, `requestAnimationFrame(()=>setTimeout(()=>document.head.append(${WASM_PRELOAD_ELEMENT})))`),
  },
  ...Object.fromEntries(
    [200, 300].map((after) => [
      `slow-${after}`,
      {
        label:
          `the wasm's preload inserted by an inline script in <head> (before the stylesheets) ${after} ms after the navigation started (at once if later), ` +
          'only if DOMContentLoaded has not fired by then (a slow load; on a fast one the widget\'s module fetched the wasm already)',
        change: (html) =>
          withWasmScript(
            html,
            `{let d=0;addEventListener('DOMContentLoaded',()=>d=1);setTimeout(()=>d||self.__alsoboughtFirstReads||document.head.append(${WASM_PRELOAD_ELEMENT}),${after}-performance.now())}`,
          ),
      },
    ]),
  ),
  body: {
    label: 'the hints at the end of <body>, after the product',
    change: (html) => {
      const hints = widgetHints(html);
      return withoutHints(html).replace('</body>', `${hints.join('\n')}\n</body>`);
    },
  },
};

const WASM_URL = '/alsobought/alsobought_bg.wasm';
/** JS that makes the wasm's `<link rel="preload">` as the static hint writes it. */
const WASM_PRELOAD_ELEMENT = `Object.assign(document.createElement('link'),{rel:'preload',href:'${WASM_URL}',as:'fetch',type:'application/wasm',crossOrigin:''})`;

/**
 * `html` with the wasm's static preload replaced by an inline classic script running
 * `code`, placed before the page's first stylesheet: an inline script after one waits
 * until the stylesheet has loaded (at Slow 4G, ~300 ms after the HTML arrived).
 */
function withWasmScript(html, code) {
  const page = withoutHints(html, (tag) => tag.includes(WASM_URL));
  const stylesheet = page.search(/<link\b[^>]*\brel="stylesheet"/);
  if (stylesheet < 0) throw new Error('the page has no stylesheet to put the script before');
  return `${page.slice(0, stylesheet)}<script>${code}</script>\n${page.slice(stylesheet)}`;
}


/** Parses `--variants head,entry,body+lcp-high`: each `{ name, label, change }`. */
export function parseVariants(list) {
  return list.split(',').map((name) => {
    const steps = name.split('+').map((step) => {
      if (!(step in VARIANT_STEPS)) throw new Error(`unknown hint variant step ${JSON.stringify(step)} (known: ${Object.keys(VARIANT_STEPS).join(', ')})`);
      return VARIANT_STEPS[step];
    });
    return {
      name,
      label: steps.map((step) => step.label).join('; '),
      change: (html) => steps.reduce((page, step) => step.change(page), html),
    };
  });
}

/**
 * The directory layout once per variant, to run one after the other in every run: cold
 * product pages only (the scenario the hints are for and the page Lighthouse scores).
 */
export function variantLayouts(layouts, variants) {
  const directory = layouts.find((layout) => layout.name === 'directory');
  if (!directory) throw new Error('--variants needs the directory layout (a CLI with `build --out-dir`)');
  return variants.map((variant) => ({
    ...directory,
    name: `variant-${variant.name.replace(/\W+/g, '-')}`,
    label: variant.name,
    variant,
    transform: variant.change,
    scenarios: ['product'],
  }));
}

const spread = (values, format) => values.map(format).join(', ');

/**
 * The most wasm requests that went to the network in any load of `layout` (both
 * networks), and the most wasm bytes on the wire: a hint whose download the widget
 * cannot use shows as 2 and twice the bytes.
 */
function wasmDownloads(loads, layout) {
  const all = PROFILES.flatMap((profile) => loads[profile.name][layout.name]?.product ?? []);
  return `${Math.max(...all.map((load) => load.wasmRequests))}, ${kb(Math.max(...all.map((load) => load.wasmBytes)))}`;
}

/**
 * The report of a `--variants` run: per variant, the emulated loads (medians) and
 * Lighthouse with its every run, so a score that flips between runs shows as such.
 */
export function renderVariantsReport({ loads, summaries, layouts, lighthouse, runs, lighthouseRuns, command, date, host, widgetChanged }) {
  const withoutWidget = lighthouse?.find((page) => page.withoutWidget);
  const lines = [
    '## Head hint variants (emulated, directory layout)',
    '',
    ...(widgetChanged ? ['**pkg/ was rebuilt while this ran: the figures mix two builds of the widget; run it again.**', ''] : []),
    `Measured ${date} by \`${command}\`; ${host.nproc} CPUs, load average ${host.loadAverage} at the start, headless Chromium ${host.chromium}. ` +
      `Cold product page (directory layout, Online Retail II table), ${runs} runs, the variants one after the other in every run; medians. ` +
      `Lighthouse ${LIGHTHOUSE_VERSION} (mobile, simulated throttling) on the demo product page with each variant, ${lighthouseRuns} runs each, interleaved; every run's figure is listed.`,
    '',
    '| variant | Slow 4G: DCL → card | Slow 4G: nav → card | Slow 4G: DCL | Slow 4G: page LCP | Slow 4G: wasm sent (after nav) | wasm downloads, bytes (most of any run) | fast: DCL → card | fast: nav → card | fast: page LCP | Lighthouse score (runs) | Lighthouse LCP (runs) | TBT (median) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const [slow, fast] = PROFILES;
  const lighthouseCells = (page) =>
    page ? `${spread(page.runs, (run) => run.score)} | ${spread(page.runs, (run) => run.lcp.toFixed(0))} ms | ${ms(page.tbt)}` : 'n/a | n/a | n/a';
  for (const layout of layouts) {
    const s = summaries[slow.name][layout.name]?.product;
    const f = summaries[fast.name][layout.name]?.product;
    if (!s || !f) continue;
    const page = lighthouse?.find((candidate) => candidate.variant === layout.variant.name);
    lines.push(
      `| \`${layout.variant.name}\` | ${ms(s.afterDcl.median)} | ${ms(s.total.median)} | ${ms(s.domContentLoaded.median)} | ${ms(s.lcp.median)} | ` +
        `${ms(s.wasmStart.median)} | ${wasmDownloads(loads, layout)} | ` +
        `${ms(f.afterDcl.median)} | ${ms(f.total.median)} | ${ms(f.lcp.median)} | ${lighthouseCells(page)} |`,
    );
  }
  if (withoutWidget) lines.push(`| without the widget | | | | | | | | | | ${lighthouseCells(withoutWidget)} |`);
  lines.push('', 'Variants:', ...layouts.map((layout) => `- \`${layout.variant.name}\`: ${layout.variant.label}.`));
  return lines.join('\n');
}

// The A/B of the demo pages' head hints (`modulepreload` of the widget, `preload` of its
// wasm and of the directory layout's entry file) for scripts/bench-network.mjs: the same
// product page and checkout with and without them, per table layout, runs interleaved.
// Why it exists: the hints are what issue 11 item 3 proposed to overlap the wasm's
// ~430 ms of transfer at Slow 4G with the page's own loading, and a hint can also lose
// (the wasm then competes with the page's stylesheet and image for the same 1.6 Mbps):
// only the emulated network tells, and Lighthouse's LCP and TBT say what it costs the page.

import { ms } from './benchmarks.mjs';
import { PROFILES } from './network-emulation.mjs';

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
    `The same pages with and without the demo pages' hints ${hints.map((hint) => `\`${hint}\``).join(' ')} ` +
      `(the entry file's only for the directory layout, pointed at the measured table; a single file gets only the first two), ${runs} runs of each, ` +
      'the two variants one right after the other in every run. Medians, and the difference the hints make; "LCP" is the page\'s own largest-contentful-paint under the emulation (the product image or a card), read once the page went quiet.',
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

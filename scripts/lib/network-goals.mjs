// Issue 11's "Figures to reach", held against what scripts/bench-network.mjs measured,
// so its report (and `--check`) says which are met instead of leaving the comparison to
// the reader.

import { kb, ms } from './benchmarks.mjs';
import { PROFILES } from './network-emulation.mjs';

/**
 * The goals with this run's figures: `summaries[profile][layout][scenario]` as
 * bench-network summarizes them, the `layouts` measured, Lighthouse's medians or null.
 * A goal about timing is met when the best layout meets it (each layout is listed).
 */
export function goalsOf(summaries, layouts, lighthouse) {
  const slow = PROFILES[0].name;
  const fast = PROFILES[1].name;
  const perLayout = (profile, scenario, budget) => {
    const values = layouts.map((layout) => [layout, summaries[profile][layout.name][scenario].afterDcl.median]);
    return {
      measured: values.map(([layout, value]) => `${layout.label}: ${ms(value)}`).join('; '),
      met: values.some(([, value]) => value <= budget),
    };
  };
  const norange = layouts.find((layout) => layout.name === 'directory-norange');
  const norangeCold = norange ? summaries[slow][norange.name].product : null;
  const norangeBytes = norangeCold?.tableBytes.median ?? null;
  const goals = [
    { label: 'product page, cold: first card after DOMContentLoaded', goal: '≤ 450 ms', ...perLayout(slow, 'product', 450) },
    { label: 'next product page of the visit (after DOMContentLoaded)', goal: '≤ 200 ms', ...perLayout(slow, 'next', 200) },
    { label: 'checkout, 5-item cart, cold (after DOMContentLoaded)', goal: '≤ 600 ms', ...perLayout(slow, 'checkout', 600) },
    { label: `product page cold at ${PROFILES[1].label} (after DOMContentLoaded)`, goal: '≤ 200 ms', ...perLayout(fast, 'product', 200) },
    {
      label: 'table bytes, cold product page, host without Range',
      goal: '≤ 16 KB',
      measured: norange
        ? `${kb(norangeBytes)} to the card; ${kb(norangeCold.tableBytesInAll.median)} in all, with the reads for the next page (judged on the first)`
        : 'directory layout not measured (above)',
      met: norange ? norangeBytes <= 16 * 1024 : null,
    },
  ];
  if (lighthouse) {
    const [withWidget, withoutWidget] = lighthouse;
    goals.push({
      label: 'Lighthouse mobile performance, with vs without the widget',
      goal: 'no drop',
      measured: `${withWidget.score} vs ${withoutWidget.score} (TBT ${ms(withWidget.tbt)} vs ${ms(withoutWidget.tbt)})`,
      met: withWidget.score >= withoutWidget.score,
    });
  }
  return goals;
}

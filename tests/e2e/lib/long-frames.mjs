// What the page's long frames say of the widget: shared by the hostile-table spec (which
// checks that hostile bytes never freeze the page) and scripts/bench-hostile.mjs (which
// measures the widget's busiest frame on each hostile table against the 50 ms budget).

/**
 * Runs in the page before its scripts (`page.addInitScript`): records every long task,
 * and every long animation frame with the scripts that ran in it (Chrome's attribution:
 * which file's callback ran how long).
 */
export function recordLongTasks() {
  const record = { tasks: [], frames: [] };
  Object.defineProperty(window, '__longTasks', { value: record });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) record.tasks.push({ start: entry.startTime, duration: entry.duration });
  }).observe({ type: 'longtask', buffered: true });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      record.frames.push({
        start: entry.startTime,
        duration: entry.duration,
        // The style, layout and paint that ended the frame (what a DOM change costs).
        render: entry.renderStart > 0 ? entry.startTime + entry.duration - entry.renderStart : 0,
        scripts: entry.scripts.map((script) => ({ source: script.sourceURL, invoker: script.invoker, duration: script.duration })),
      });
    }
  }).observe({ type: 'long-animation-frame', buffered: true });
}

/**
 * The widget's share of the page's long frames once it started (the `alsobought:started`
 * mark; its start-up before that, instantiation and the Intl warm-up of src/startup.js,
 * is the same whatever the table, and `make bench` measures it): for each frame in which
 * one of its scripts ran (alsobought.js and the wasm it calls), its scripts' time plus the
 * frame's rendering, which its DOM changes caused. The host page's own work is not the
 * widget's; the raw long tasks are returned for the record.
 */
export function widgetWork(page) {
  return page.evaluate(() => {
    const { tasks, frames } = window.__longTasks;
    const started = performance.getEntriesByName('alsobought:started')[0]?.startTime ?? 0;
    const widgetFrames = frames
      .filter((frame) => frame.start >= started)
      .map((frame) => {
        const scripts = frame.scripts.filter((script) => /\/alsobought\//.test(script.source));
        const scriptMs = scripts.reduce((sum, script) => sum + script.duration, 0);
        return { start: frame.start, scripts, busyMs: scriptMs + frame.render };
      })
      .filter((frame) => frame.scripts.length > 0);
    return { tasks, widgetFrames, busiestMs: Math.max(0, ...widgetFrames.map((frame) => frame.busyMs)) };
  });
}

/** Resolves once what the page rendered last reached the screen (a frame, then a task). */
export function afterNextPaint(page) {
  return page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 50))));
}

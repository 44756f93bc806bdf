// What a page holds on to, measured the same way before and after a long session: live
// event listeners and observers, the JS heap after a forced GC, the widget's wasm memory,
// and requests still pending.
// Why it exists: a single-page storefront keeps one document for hours, so whatever a
// widget's mount adds and its unmount forgets accumulates; the soak compares these
// figures across 1,000 mount/update/unmount cycles (issue 15, issue 14's headless page).
// Listeners come from Chrome's own counters (the DevTools protocol), observers and the
// wasm memory from an init script that wraps their constructors before any page script.

/** Runs in the page before its scripts: counts connected observers, keeps wasm memories. */
function installProbe() {
  const connected = {};
  const observing = Symbol('observing');
  for (const name of ['IntersectionObserver', 'ResizeObserver', 'MutationObserver']) {
    const Original = window[name];
    if (typeof Original !== 'function') continue;
    connected[name] = 0;
    // An observer counts from its first observe() to its disconnect(): what keeps its
    // callback (and everything the callback holds) alive.
    const Counted = class extends Original {
      observe(...args) {
        if (!this[observing]) {
          this[observing] = true;
          connected[name]++;
        }
        return super.observe(...args);
      }
      disconnect() {
        if (this[observing]) {
          this[observing] = false;
          connected[name]--;
        }
        return super.disconnect();
      }
    };
    Object.defineProperty(Counted, 'name', { value: name });
    window[name] = Counted;
  }
  const memories = [];
  const keepMemory = (result) => {
    const exports = (result.instance ?? result).exports ?? {};
    for (const value of Object.values(exports)) if (value instanceof WebAssembly.Memory) memories.push(value);
    return result;
  };
  for (const name of ['instantiate', 'instantiateStreaming']) {
    const original = WebAssembly[name];
    if (typeof original !== 'function') continue;
    WebAssembly[name] = function (...args) {
      return original.apply(this, args).then(keepMemory);
    };
  }
  Object.defineProperty(window, '__lifecycleProbe', {
    value: {
      observers: () => ({ ...connected }),
      wasmMemoryBytes: () => memories.reduce((sum, memory) => sum + memory.buffer.byteLength, 0),
      wasmInstances: () => memories.length,
    },
  });
}

/**
 * Installs the probe on `page` (call before its first navigation) and returns
 * `{ measure(), pendingRequests() }`.
 */
export async function attachLifecycleProbe(page) {
  await page.addInitScript(installProbe);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  await cdp.send('Network.enable');
  const pending = new Map();
  cdp.on('Network.requestWillBeSent', (event) => pending.set(event.requestId, event.request.url));
  cdp.on('Network.loadingFinished', (event) => pending.delete(event.requestId));
  cdp.on('Network.loadingFailed', (event) => pending.delete(event.requestId));

  const listenersOn = async (expression) => {
    const { result } = await cdp.send('Runtime.evaluate', { expression });
    const { listeners } = await cdp.send('DOMDebugger.getEventListeners', { objectId: result.objectId });
    await cdp.send('Runtime.releaseObject', { objectId: result.objectId });
    return listeners.length;
  };

  return {
    /** Requests sent and not yet finished or failed, by URL. */
    pendingRequests: () => [...pending.values()],
    /**
     * Everything the page holds, after two forced garbage collections (the second
     * collects what the first one's finalizers released).
     */
    async measure() {
      await cdp.send('HeapProfiler.collectGarbage');
      await cdp.send('HeapProfiler.collectGarbage');
      const { usedSize } = await cdp.send('Runtime.getHeapUsage');
      const { metrics } = await cdp.send('Performance.getMetrics');
      const metric = (name) => metrics.find((entry) => entry.name === name)?.value ?? null;
      const inPage = await page.evaluate(() => ({
        observers: window.__lifecycleProbe.observers(),
        wasmMemoryBytes: window.__lifecycleProbe.wasmMemoryBytes(),
        wasmInstances: window.__lifecycleProbe.wasmInstances(),
      }));
      return {
        jsHeapBytes: usedSize,
        jsEventListeners: metric('JSEventListeners'),
        domNodes: metric('Nodes'),
        windowListeners: await listenersOn('window'),
        documentListeners: await listenersOn('document'),
        ...inPage,
        pendingRequests: pending.size,
      };
    },
  };
}

// What a page load costs on an emulated network, for scripts/bench-network.mjs: the
// profiles it emulates (Chrome DevTools Protocol `Network.emulateNetworkConditions`) and
// a recorder of the page's requests from CDP Network events.
// Why CDP events rather than the page's resource timing: they also see requests served
// from the HTTP cache, cancelled ones (an unused first read) and the bytes on the wire
// including headers (`encodedDataLength`), which resource timing hides for some of them.

const KBPS = 1024 / 8; // bytes per second in one kbit/s, as Lighthouse and DevTools count it

/**
 * The emulated networks. Slow 4G is Lighthouse's mobile profile (150 ms RTT, 1638.4 kbps
 * down, 750 kbps up) with the RTT applied as DevTools applies latency: once per request,
 * on top of the transfer; connection set-up and TCP slow start are not modelled.
 */
export const PROFILES = [
  { name: 'Slow 4G', label: '150 ms, 1.6 Mbps ↓ / 750 kbps ↑', latency: 150, download: 1638.4 * KBPS, upload: 750 * KBPS },
  { name: 'fast', label: '40 ms, 20 Mbps ↓ / 5 Mbps ↑', latency: 40, download: 20 * 1024 * KBPS, upload: 5 * 1024 * KBPS },
];

export { emulateNetwork } from '../../tests/e2e/lib/network-conditions.mjs';

/**
 * Records every request of the page behind `session` (Network must be enabled:
 * `emulateNetwork` does). `inFlight()` counts those not finished yet; `take()` returns the
 * requests since the last `take()`, each as
 * `{ url, wallTime, start, end, bytes, fromCache, status, cacheControl, encoding, failed }`
 * (wallTime in seconds since the epoch, start and end in CDP's monotonic seconds, `bytes`
 * on the wire with headers).
 */
export function recordRequests(session) {
  let requests = new Map();
  const of = (id) => requests.get(id);
  session.on('Network.requestWillBeSent', (event) => {
    requests.set(event.requestId, {
      url: event.request.url,
      wallTime: event.wallTime,
      start: event.timestamp,
      end: null,
      bytes: 0,
      received: 0,
      fromCache: false,
      status: null,
      cacheControl: null,
      encoding: null,
      failed: null,
    });
  });
  session.on('Network.requestServedFromCache', (event) => {
    if (of(event.requestId)) of(event.requestId).fromCache = true;
  });
  session.on('Network.responseReceived', (event) => {
    const request = of(event.requestId);
    if (!request) return;
    const header = (name) => Object.entries(event.response.headers).find(([key]) => key.toLowerCase() === name)?.[1] ?? null;
    request.status = event.response.status;
    request.fromCache ||= Boolean(event.response.fromDiskCache || event.response.fromPrefetchCache);
    request.cacheControl = header('cache-control');
    request.encoding = header('content-encoding');
  });
  session.on('Network.dataReceived', (event) => {
    if (of(event.requestId)) of(event.requestId).received += event.encodedDataLength;
  });
  session.on('Network.loadingFinished', (event) => {
    const request = of(event.requestId);
    if (!request) return;
    request.end = event.timestamp;
    request.bytes = event.encodedDataLength;
  });
  session.on('Network.loadingFailed', (event) => {
    const request = of(event.requestId);
    if (!request) return;
    request.end = event.timestamp;
    request.failed = event.canceled ? 'cancelled' : event.errorText;
    // A cancelled request has no final count: what arrived before is what it cost.
    request.bytes = request.received;
  });
  return {
    inFlight() {
      return [...requests.values()].filter((request) => request.end === null).length;
    },
    take() {
      const taken = [...requests.values()];
      requests = new Map();
      return taken;
    },
  };
}

/**
 * The longest chain of `requests` in which each starts after the previous one finished:
 * the round trips a reader waited for one after another (1 when all went out together).
 */
export function serialDepth(requests) {
  const sorted = requests.filter((request) => request.end !== null).sort((a, b) => a.start - b.start);
  const depth = sorted.map(() => 1);
  for (let index = 0; index < sorted.length; index++) {
    for (let earlier = 0; earlier < index; earlier++) {
      if (sorted[earlier].end <= sorted[index].start) depth[index] = Math.max(depth[index], depth[earlier] + 1);
    }
  }
  return Math.max(0, ...depth);
}

// Chrome DevTools Protocol network emulation, shared by the e2e specs that need a slow
// load (tests/e2e/lib/head-hints.mjs) and the real-network benchmark
// (scripts/lib/network-emulation.mjs, which holds the measured profiles).

/**
 * Applies `profile` (`{ latency` ms per request, `download` and `upload` bytes/s `}`) to
 * the page behind `session` (a CDP session); the CPU is left as it is.
 */
export async function emulateNetwork(session, profile) {
  await session.send('Network.enable');
  await session.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: profile.latency,
    downloadThroughput: profile.download,
    uploadThroughput: profile.upload,
  });
}

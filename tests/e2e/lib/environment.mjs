// The browser suite's environment: where the repo is, the demo server and Chromium.
// Why it exists: run.mjs starts one server and one browser for all spec files (each spec
// file runs in its own node:test subprocess and finds them through environment
// variables), while a spec file run alone (`node --test tests/e2e/specs/x.test.mjs`)
// starts its own, so both paths share this one module.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

/** Absolute path of the repository root (the demo server's root). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** Where artifacts go (git-ignored): screenshots, console logs, generated fixture tables. */
export const RESULTS_DIR = path.join(REPO_ROOT, 'test-results');
/** Debian's Chromium: the suite never downloads a browser. */
export const CHROMIUM_PATH = process.env.ALSOBOUGHT_CHROMIUM ?? '/usr/bin/chromium';
/** Flags tested on this machine (docs: /work/shared/TOOLCHAIN.md). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

const ENV_BASE_URL = 'ALSOBOUGHT_E2E_BASE_URL';
const ENV_BROWSER_WS = 'ALSOBOUGHT_E2E_BROWSER_WS';

/** Path of a file under the repo root. */
export function repoPath(...parts) {
  return path.join(REPO_ROOT, ...parts);
}

/** The demo server binary: `$ALSOBOUGHT_DEMO_BIN`, else the release build, else the debug one. */
export function demoServerBinary() {
  const candidates = [
    process.env.ALSOBOUGHT_DEMO_BIN,
    repoPath('target/release/alsobought-demo'),
    repoPath('target/debug/alsobought-demo'),
  ].filter(Boolean);
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) {
    throw new Error(
      `no demo server binary (looked at ${candidates.join(', ')}); ` +
        'build it with `cargo build --release -p alsobought-demo` or set ALSOBOUGHT_DEMO_BIN',
    );
  }
  return found;
}

/**
 * Starts `alsobought-demo serve` on an ephemeral port and resolves once it printed its URL;
 * `args` are more `serve` options (e.g. `['--cache', 'cdn']`).
 * Returns `{ baseUrl, stop }`; `baseUrl` has no trailing slash.
 */
export async function startDemoServer({ timeoutMs = 20_000, args = [] } = {}) {
  const binary = demoServerBinary();
  const child = spawn(binary, ['serve', '--root', REPO_ROOT, '--addr', '127.0.0.1:0', ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const baseUrl = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`${binary} printed no "serving http://..." line within ${timeoutMs} ms; output:\n${output}`));
    }, timeoutMs);
    const onData = (chunk) => {
      output += chunk;
      const match = output.match(/serving (http:\/\/\S+?)\/?(\s|$)/);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${binary} exited with ${code} before serving; output:\n${output}`));
    });
  });
  // The server keeps logging (requests, warnings); drain it so its pipes never fill up.
  child.stdout.resume();
  child.stderr.resume();
  return {
    baseUrl,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
  };
}

/** Launches Chromium as a Playwright browser server that spec subprocesses connect to. */
export function launchBrowserServer() {
  return chromium.launchServer({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/** Launches a plain Chromium (benchmark, stand-alone spec runs). */
export function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/** Hands the server URL and browser endpoint to the spec subprocesses. */
export function exportEnvironment({ baseUrl, browserEndpoint }) {
  process.env[ENV_BASE_URL] = baseUrl;
  process.env[ENV_BROWSER_WS] = browserEndpoint;
}

/**
 * The environment a spec file runs in: the shared one from run.mjs when present, else its
 * own server and browser. Returns `{ baseUrl, browser, close }`.
 */
export async function openEnvironment() {
  const sharedUrl = process.env[ENV_BASE_URL];
  const sharedBrowser = process.env[ENV_BROWSER_WS];
  if (sharedUrl && sharedBrowser) {
    const browser = await chromium.connect(sharedBrowser);
    return { baseUrl: sharedUrl, browser, close: () => browser.close() };
  }
  const server = await startDemoServer();
  const browser = await launchBrowser();
  return {
    baseUrl: server.baseUrl,
    browser,
    close: async () => {
      await browser.close();
      await server.stop();
    },
  };
}

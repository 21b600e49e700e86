// Drives the page in Debian's Chromium with Playwright: shared by the end-to-end test
// (page.test.mjs) and the page benchmark (bench/page.mjs).
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
// SwiftShader runs WebGPU on the CPU: a translation can take seconds.
export const SLOW = 180_000;
// Flags that keep Chromium off the network (this machine has none) and let it run as root.
export const QUIET = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

/** A fresh browser and page, with every console error and outside request recorded. */
export async function openPage(origin, { webgpu, query, onClose }) {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...QUIET, ...(webgpu ? ['--enable-unsafe-webgpu'] : [])],
  });
  onClose(() => browser.close());
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const problems = { consoleErrors: [], outside: [] };
  context.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(origin) && !url.startsWith('data:') && !url.startsWith('blob:')) problems.outside.push(url);
  });
  const page = await context.newPage();
  const onConsole = (message) => {
    if (message.type() === 'error') problems.consoleErrors.push(message.text());
  };
  page.on('console', onConsole);
  page.on('worker', (worker) => worker.on('console', onConsole));
  page.on('pageerror', (error) => problems.consoleErrors.push(String(error)));
  await page.goto(`${origin}index.html${query}`);
  return { page, problems };
}

/** Waits until the default model has produced its first output. */
export async function waitReady(page) {
  await page.waitForFunction(() => window.gansketch?.translations >= 1 && window.gansketch.idle(), null, { timeout: SLOW, polling: 250 });
}

/** A hash of the output canvas's pixels. */
export function outputHash(page) {
  return page.evaluate(() => {
    const canvas = document.getElementById('output');
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let hash = 2166136261;
    for (let i = 0; i < data.length; i++) hash = Math.imul(hash ^ data[i], 16777619) >>> 0;
    return hash.toString(16);
  });
}

/** Draws a stroke across the input canvas with the mouse, then waits for the page to settle. */
export async function stroke(page, from, to) {
  const before = await page.evaluate(() => window.gansketch.translations);
  const box = await page.locator('#input').boundingBox();
  const at = ([x, y]) => [box.x + x * box.width, box.y + y * box.height];
  await page.mouse.move(...at(from));
  await page.mouse.down();
  for (let i = 1; i <= 12; i++) {
    const t = i / 12;
    await page.mouse.move(...at([from[0] + (to[0] - from[0]) * t, from[1] + (to[1] - from[1]) * t]));
  }
  await page.mouse.up();
  await page.waitForFunction((n) => window.gansketch.translations > n && window.gansketch.idle(), before, { timeout: SLOW, polling: 250 });
}


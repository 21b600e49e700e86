// The page end to end in Debian's Chromium, driven by Playwright (playwright-core):
// it loads, draws with the mouse, translates live on WebGPU (SwiftShader here) and on the
// CPU, undoes, survives a corrupt model file, logs no console error, and never leaves its
// origin. Screenshots and the measured timings go to tests/e2e/artifacts/.
//
// Run: node --test tests/e2e/   (after scripts/build-wasm; scripts/test does both)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../../scripts/serve.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
// SwiftShader runs WebGPU on the CPU: a translation can take seconds.
const SLOW = 180_000;
// Flags that keep Chromium off the network (this machine has none) and let it run as root.
const QUIET = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

let server;
let origin;
const timings = {};

before(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  ({ server, url: origin } = await startServer({ root: ROOT, port: 0 }));
});

after(async () => {
  server?.close();
  await writeFile(new URL('timings.json', `file://${ARTIFACTS}`), `${JSON.stringify(timings, null, 2)}\n`);
});

/** A fresh browser and page, with every console error and outside request recorded. */
async function openPage(t, { webgpu, query }) {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...QUIET, ...(webgpu ? ['--enable-unsafe-webgpu'] : [])],
  });
  t.after(() => browser.close());
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
async function waitReady(page) {
  await page.waitForFunction(() => window.gansketch?.translations >= 1 && window.gansketch.idle(), null, { timeout: SLOW, polling: 250 });
}

/** A hash of the output canvas's pixels. */
function outputHash(page) {
  return page.evaluate(() => {
    const canvas = document.getElementById('output');
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let hash = 2166136261;
    for (let i = 0; i < data.length; i++) hash = Math.imul(hash ^ data[i], 16777619) >>> 0;
    return hash.toString(16);
  });
}

/** Draws a stroke across the input canvas with the mouse, then waits for the page to settle. */
async function stroke(page, from, to) {
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

function assertClean(problems) {
  assert.deepEqual(problems.consoleErrors, [], 'console errors');
  assert.deepEqual(problems.outside, [], 'requests outside the page origin');
}

describe('the page', () => {
  test('on WebGPU: draw, undo, and a corrupt model that changes nothing', { timeout: 4 * SLOW }, async (t) => {
    const { page, problems } = await openPage(t, { webgpu: true, query: '?backend=webgpu' });
    await waitReady(page);
    assert.equal(await page.textContent('#backend'), 'webgpu');
    timings.webgpu = await page.evaluate(() => ({ coldStartMs: window.gansketch.coldStartMs, firstMs: window.gansketch.lastMs }));

    const blank = await outputHash(page);
    await stroke(page, [0.1, 0.5], [0.9, 0.45]);
    const drawn = await outputHash(page);
    assert.notEqual(drawn, blank, 'a stroke changes the output');
    timings.webgpu.translationMs = await page.evaluate(() => window.gansketch.lastMs);
    await page.screenshot({ path: `${ARTIFACTS}webgpu-stroke.png` });

    await page.keyboard.press('Control+z');
    assert.equal(await outputHash(page), blank, 'undo restores the previous output');
    await page.keyboard.press('Control+Shift+z');
    assert.equal(await outputHash(page), drawn, 'redo brings the stroke back');

    // A model file with one flipped byte: refused, said in #status, the old model stays.
    const [entry] = JSON.parse(await readFile(new URL('models/index.json', `file://${ROOT}`), 'utf8'));
    const bytes = await readFile(new URL(`models/${entry.file}`, `file://${ROOT}`));
    bytes[bytes.length - 10] ^= 0xff;
    await page.setInputFiles('#model-file', { name: 'broken.gsk', mimeType: 'application/octet-stream', buffer: bytes });
    await page.waitForFunction(() => document.getElementById('status').dataset.kind === 'error', null, { timeout: SLOW });
    const status = await page.textContent('#status');
    assert.match(status, /broken\.gsk/);
    assert.match(status, /corrupted|SHA-256/);
    assert.match(status, /still loaded/);
    await page.screenshot({ path: `${ARTIFACTS}webgpu-corrupt-model.png` });
    await stroke(page, [0.5, 0.1], [0.55, 0.9]);
    assert.notEqual(await outputHash(page), drawn, 'the previous model still translates');
    assertClean(problems);
  });

  test('without WebGPU: the CPU backend, and it still translates', { timeout: 2 * SLOW }, async (t) => {
    const { page, problems } = await openPage(t, { webgpu: false, query: '' });
    await waitReady(page);
    assert.equal(await page.textContent('#backend'), 'cpu');
    assert.match(await page.getAttribute('#backend', 'title'), /no WebGPU/);
    timings.cpu = await page.evaluate(() => ({ coldStartMs: window.gansketch.coldStartMs, firstMs: window.gansketch.lastMs }));
    const blank = await outputHash(page);
    await stroke(page, [0.2, 0.2], [0.8, 0.8]);
    assert.notEqual(await outputHash(page), blank);
    timings.cpu.translationMs = await page.evaluate(() => window.gansketch.lastMs);
    await page.screenshot({ path: `${ARTIFACTS}cpu-stroke.png` });
    assertClean(problems);
  });

  test('auto on a software adapter picks the CPU and says why', { timeout: SLOW }, async (t) => {
    const { page, problems } = await openPage(t, { webgpu: true, query: '' });
    await waitReady(page);
    assert.equal(await page.textContent('#backend'), 'cpu');
    assert.match(await page.getAttribute('#backend', 'title'), /software fallback/);
    assertClean(problems);
  });
});

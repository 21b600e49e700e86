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
import { openPage as open, outputHash, SLOW, stroke, waitReady } from './driver.mjs';
import { startServer } from '../../scripts/serve.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));
const openPage = (t, options) => open(origin, { ...options, onClose: (close) => t.after(close) });

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
    assert.match(await page.getAttribute('#backend', 'title'), /no WebGPU|WebGPU could not start/);
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

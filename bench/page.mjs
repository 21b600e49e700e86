// Measures the page in Debian's Chromium: download weight, cold start (page load → first
// generated output) and ms per translation while drawing, on the CPU backend and on
// WebGPU (SwiftShader where there is no GPU). Writes bench/results/page.json.
//
// Run: scripts/build-wasm && node bench/page.mjs [strokes]
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { openPage, stroke, waitReady } from '../tests/e2e/driver.mjs';
import { startServer } from '../scripts/serve.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const strokes = Number(process.argv[2] ?? 6);

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)] : null;
};

const wasm = await readFile(`${ROOT}pkg/gansketch_bg.wasm`);
const [model] = JSON.parse(await readFile(`${ROOT}models/index.json`, 'utf8'));
const modelBytes = await readFile(`${ROOT}models/${model.file}`);
const results = {
  date: new Date().toISOString(),
  wasm: { bytes: wasm.length, gzipBytes: gzipSync(wasm, { level: 9 }).length },
  model: { name: model.name, bytes: (await stat(`${ROOT}models/${model.file}`)).size, gzipBytes: gzipSync(modelBytes, { level: 9 }).length },
  backends: {},
};

const { server, url } = await startServer({ root: ROOT, port: 0 });
const closers = [];
try {
  for (const [name, options] of [['cpu', { webgpu: false, query: '?backend=cpu' }], ['webgpu', { webgpu: true, query: '?backend=webgpu' }]]) {
    const { page } = await openPage(url, { ...options, onClose: (close) => closers.push(close) });
    await waitReady(page);
    for (let i = 0; i < strokes; i++) await stroke(page, [0.1 + 0.12 * i, 0.1], [0.2 + 0.1 * i, 0.9]);
    const measured = await page.evaluate(() => ({ backend: window.gansketch.backend, coldStartMs: window.gansketch.coldStartMs, times: window.gansketch.times }));
    const steady = measured.times.slice(1); // the first includes shader compilation / warm-up
    results.backends[name] = {
      backend: measured.backend,
      coldStartMs: Math.round(measured.coldStartMs),
      firstTranslationMs: Math.round(measured.times[0]),
      translations: steady.length,
      medianMs: Math.round(median(steady)),
      minMs: Math.round(Math.min(...steady)),
      maxMs: Math.round(Math.max(...steady)),
    };
    console.log(name, results.backends[name]);
    await closers.pop()();
  }
} finally {
  for (const close of closers) await close();
  server.close();
}
await mkdir(`${ROOT}bench/results`, { recursive: true });
await writeFile(`${ROOT}bench/results/page.json`, `${JSON.stringify(results, null, 2)}\n`);
console.log(`wasm ${results.wasm.bytes} B (${results.wasm.gzipBytes} B gzip), model ${results.model.bytes} B; written to bench/results/page.json`);

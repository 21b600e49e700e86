// Drives bench/compare.html in Debian's Chromium (WebGPU on, SwiftShader where there is
// no GPU), one page session per model, and writes bench/.work/browser.json.
//
//   node bench/browser.mjs [--runs 20] [--webgpu-runs 20] [--engines LIST] NAME ...
// LIST: burn-cpu, ort-wasm, burn-webgpu, ort-webgpu (the default, in this order), and
// burn-cpu-wasm-sha256 (burn on the CPU without WebCrypto: what WebCrypto saves at load).
// Needs pkg/ (scripts/build-wasm), bench/node_modules (onnxruntime-web) and, for each NAME,
// bench/.work/NAME.gsk and NAME.onnx (bench/run makes them).
import { chromium } from 'playwright-core';
import { readFile, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CHROMIUM, QUIET } from '../tests/e2e/driver.mjs';
import { startServer } from '../scripts/serve.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const { values, positionals: models } = parseArgs({
  options: { runs: { type: 'string', default: '20' }, 'webgpu-runs': { type: 'string', default: '20' }, engines: { type: 'string' } },
  allowPositionals: true,
});
// A software adapter runs a full-size network for tens of seconds per translation.
const HOUR = 3_600_000;

const { server, url } = await startServer({ root: ROOT, port: 0 });
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...QUIET, '--enable-unsafe-webgpu'] });
const results = { date: new Date().toISOString(), chromium: browser.version(), models: {} };
try {
  for (const model of models) {
    const page = await browser.newPage();
    const outside = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(url)) outside.push(request.url());
    });
    page.on('console', (message) => console.log(`  [${model}] ${message.text()}`));
    const query = new URLSearchParams({ model, runs: values.runs, 'webgpu-runs': values['webgpu-runs'] });
    if (values.engines) query.set('engines', values.engines);
    await page.goto(`${url}bench/compare.html?${query}`);
    await page.waitForFunction(() => window.benchResult || window.benchError, null, { timeout: HOUR, polling: 1000 });
    const error = await page.evaluate(() => window.benchError);
    if (error) throw new Error(`${model}: ${error}`);
    if (outside.length) throw new Error(`${model}: requests left the page's origin: ${outside.join(', ')}`);
    results.models[model] = await page.evaluate(() => window.benchResult);
    await page.close();
  }
} finally {
  await browser.close();
  server.close();
}
// What each engine makes a user download: its JS and wasm, raw and gzip -9, and the models.
const ORT = 'bench/node_modules/onnxruntime-web/dist/';
const builds = {
  burn: ['pkg/gansketch.js', 'pkg/gansketch_bg.wasm'],
  'onnxruntime-web wasm': [`${ORT}ort.wasm.min.mjs`, `${ORT}ort-wasm-simd-threaded.mjs`, `${ORT}ort-wasm-simd-threaded.wasm`],
  'onnxruntime-web webgpu': [`${ORT}ort.webgpu.min.mjs`, `${ORT}ort-wasm-simd-threaded.jsep.mjs`, `${ORT}ort-wasm-simd-threaded.jsep.wasm`],
  ...Object.fromEntries(models.flatMap((m) => [[`${m}.gsk`, [`bench/.work/${m}.gsk`]], [`${m}.onnx`, [`bench/.work/${m}.onnx`]]])),
};
results.downloads = {};
for (const [build, files] of Object.entries(builds)) {
  const contents = await Promise.all(files.map((file) => readFile(`${ROOT}${file}`)));
  results.downloads[build] = {
    files,
    bytes: contents.reduce((sum, c) => sum + c.length, 0),
    gzipBytes: contents.reduce((sum, c) => sum + gzipSync(c, { level: 9 }).length, 0),
  };
}
await writeFile(`${ROOT}bench/.work/browser.json`, `${JSON.stringify(results, null, 2)}\n`);
console.log('wrote bench/.work/browser.json');

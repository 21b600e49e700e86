// burn against onnxruntime-web in one page session (bench/compare.html, driven by
// bench/browser.mjs): the same network (NAME.gsk for burn, NAME.onnx exported from it for
// onnxruntime-web) on the same real street tile. For each engine: cold start (engine
// start + model load + first output), then ms per 256² translation after warm-up, output
// read back to the CPU as the page needs it. Single-threaded wasm on both sides: a static
// server without cross-origin isolation gives wasm one thread.
import * as ort from './node_modules/onnxruntime-web/dist/ort.all.min.mjs';
import init, { Translator } from '../pkg/gansketch.js';

const params = new URLSearchParams(location.search);
const name = params.get('model');
const runs = Number(params.get('runs') ?? 20);
const webgpuRuns = Number(params.get('webgpu-runs') ?? runs);
const engines = (params.get('engines') ?? 'burn-cpu,ort-wasm,burn-webgpu,ort-webgpu').split(',');
const WARMUP = 2;
const SIDE = 256;

ort.env.wasm.wasmPaths = new URL('./node_modules/onnxruntime-web/dist/', import.meta.url).href;
ort.env.wasm.numThreads = 1;

const log = (text) => {
  document.getElementById('log').textContent += `${text}\n`;
  console.log(text);
};

async function bytesOf(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

function summary(times) {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { runs: times.length, medianMs: at(0.5), p10Ms: at(0.1), p90Ms: at(0.9), minMs: sorted[0], maxMs: sorted[sorted.length - 1] };
}

/** The streets of a real tile (the left half of the first sample pair): RGBA and NCHW planes. */
async function streetTile() {
  const index = await (await fetch('../samples/index.json')).json();
  const bitmap = await createImageBitmap(await (await fetch(`../samples/${index.tiles[0].file}`)).blob());
  const context = new OffscreenCanvas(SIDE, SIDE).getContext('2d');
  context.drawImage(bitmap, 0, 0, SIDE, SIDE, 0, 0, SIDE, SIDE);
  const rgba = new Uint8Array(context.getImageData(0, 0, SIDE, SIDE).data);
  const plane = SIDE * SIDE;
  const planes = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) for (let c = 0; c < 3; c++) planes[c * plane + i] = rgba[4 * i + c] / 127.5 - 1;
  return { rgba, planes, tile: index.tiles[0].tile };
}

/** RGBA bytes as the page shows them, from NCHW output in [-1, 1] (as src/pixels.rs). */
function toRgba(planes) {
  const plane = SIDE * SIDE;
  const rgba = new Uint8Array(4 * plane);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) rgba[4 * i + c] = Math.min(255, Math.max(0, ((planes[c * plane + i] + 1) / 2) * 255));
    rgba[4 * i + 3] = 255;
  }
  return rgba;
}

async function measure(translate, count) {
  for (let i = 0; i < WARMUP; i++) await translate();
  const times = [];
  let output;
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    output = await translate();
    times.push(performance.now() - started);
  }
  return { ...summary(times), output };
}

async function burn(backend, model, input, count) {
  const started = performance.now();
  const translator = await Translator.create(backend);
  if (translator.backend !== backend) throw new Error(`burn: asked for ${backend}, got ${translator.backend} (${translator.reason})`);
  await translator.load(model);
  await translator.translate(input.rgba, SIDE, SIDE);
  const coldStartMs = performance.now() - started;
  const result = await measure(() => translator.translate(input.rgba, SIDE, SIDE), count);
  const adapter = translator.adapter;
  translator.free();
  return { coldStartMs, adapter, ...result };
}

/** Runs `measure` as a page outside a secure context would: without WebCrypto, so burn
 *  checks the model's SHA-256 in wasm. What WebCrypto saves is the difference to burn-cpu. */
async function withoutWebCrypto(measure) {
  const original = Object.getOwnPropertyDescriptor(globalThis, 'crypto');
  // Keep getRandomValues: burn seeds its random numbers from it.
  const random = crypto.getRandomValues.bind(crypto);
  Object.defineProperty(globalThis, 'crypto', { value: { getRandomValues: random }, configurable: true });
  if (globalThis.crypto.subtle) throw new Error('could not hide WebCrypto');
  try {
    return await measure();
  } finally {
    Object.defineProperty(globalThis, 'crypto', original);
  }
}

async function onnxruntime(provider, model, input, count) {
  const started = performance.now();
  const session = await ort.InferenceSession.create(model, { executionProviders: [provider], graphOptimizationLevel: 'all' });
  const feeds = { input: new ort.Tensor('float32', input.planes, [1, 3, SIDE, SIDE]) };
  await session.run(feeds);
  const coldStartMs = performance.now() - started;
  const result = await measure(async () => toRgba((await session.run(feeds)).output.data), count);
  await session.release();
  return { coldStartMs, ...result };
}

function largestDifference(a, b) {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

async function main() {
  await init();
  const adapter = navigator.gpu ? await navigator.gpu.requestAdapter() : null;
  const input = await streetTile();
  const gsk = await bytesOf(`.work/${name}.gsk`);
  const onnx = await bytesOf(`.work/${name}.onnx`);
  const results = { model: name, tile: input.tile, userAgent: navigator.userAgent, adapter: adapter && { vendor: adapter.info.vendor, architecture: adapter.info.architecture, description: adapter.info.description, isFallbackAdapter: adapter.info.isFallbackAdapter ?? adapter.isFallbackAdapter }, engines: {} };
  const run = {
    'burn-cpu': () => burn('cpu', gsk, input, runs),
    'ort-wasm': () => onnxruntime('wasm', onnx, input, runs),
    'burn-cpu-wasm-sha256': () => withoutWebCrypto(() => burn('cpu', gsk, input, runs)),
    'burn-webgpu': () => burn('webgpu', gsk, input, webgpuRuns),
    'ort-webgpu': () => onnxruntime('webgpu', onnx, input, webgpuRuns),
  };
  const outputs = {};
  for (const engine of engines) {
    log(`${engine}…`);
    const { output, ...measured } = await run[engine]();
    outputs[engine] = output;
    results.engines[engine] = measured;
    log(`${engine}: ${JSON.stringify(measured)}`);
  }
  // The engines must compute the same network: compare every output with the first.
  const [first, ...rest] = Object.keys(outputs);
  results.largestPixelDifference = Object.fromEntries(rest.map((engine) => [`${engine} vs ${first}`, largestDifference(outputs[engine], outputs[first])]));
  return results;
}

main().then(
  (results) => {
    window.benchResult = results;
  },
  (error) => {
    window.benchError = String(error?.stack ?? error);
    log(window.benchError);
  },
);

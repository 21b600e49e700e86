// The page: wires the sketchpad, the model engine (a Web Worker) and the controls.
// It holds no model logic: pixels go to the worker, generated pixels come back.

import { Engine } from './engine.js';
import { Sketchpad } from './sketch.js';
import { STREET_LEGEND, download, fetchModelIndex } from './models.js';

const $ = (id) => document.getElementById(id);
const ui = {
  input: $('input'),
  output: $('output'),
  backend: $('backend'),
  status: $('status'),
  timing: $('timing'),
  progress: $('progress'),
  brushes: $('brushes'),
  width: $('width'),
  undo: $('undo'),
  redo: $('redo'),
  clear: $('clear'),
  sample: $('sample'),
  upload: $('upload'),
  models: $('model'),
  modelFile: $('model-file'),
  modelNote: $('model-note'),
  downloadOutput: $('download-output'),
  downloadPair: $('download-pair'),
  attribution: $('attribution'),
};

// What the page measured, for people (the footer) and for the tests and benchmarks.
const stats = (window.gansketch = {
  backend: null,
  model: null,
  coldStartMs: null, // page start → first generated output
  lastMs: null, // the last translation, in the worker
  times: [], // every translation's ms, in order
  translations: 0,
  errors: [],
  idle: () => engine.idle && !frameRequested,
});

const requestedBackend = new URLSearchParams(location.search).get('backend') ?? 'auto';
const engine = new Engine(requestedBackend);
const outputContext = ui.output.getContext('2d');
const sketch = new Sketchpad(ui.input, onSketchChange);
let backendReason = '';
let model = null; // { name, info }
let sketchVersion = 0;
let frameRequested = false;
let samples = null;
let modelAttribution = ''; // the loaded model's (OSM-derived models carry OSM's)
let inputAttribution = ''; // a sample tile's, once one was drawn

function showAttribution() {
  ui.attribution.textContent = [modelAttribution && `Model: ${modelAttribution}`, inputAttribution && `Samples: ${inputAttribution}`]
    .filter(Boolean)
    .join(' · ');
}

function say(text, kind = 'info') {
  ui.status.textContent = text;
  ui.status.dataset.kind = kind;
  if (kind === 'error') stats.errors.push(text);
}

function showProgress(fraction) {
  ui.progress.hidden = fraction === undefined;
  if (fraction === null) ui.progress.removeAttribute('value'); // indeterminate
  else if (fraction !== undefined) ui.progress.value = fraction;
}

function showOutput(imageData) {
  outputContext.putImageData(imageData, 0, 0);
}

function updateHistoryButtons() {
  ui.undo.disabled = !sketch.canUndo;
  ui.redo.disabled = !sketch.canRedo;
}

// ---- Translation: live while drawing, coalesced to the newest sketch -----------------

function onSketchChange(_reason, restoredOutput) {
  sketchVersion += 1;
  updateHistoryButtons();
  if (restoredOutput) showOutput(restoredOutput); // undo/redo: the output made for it
  else requestTranslation();
}

function requestTranslation() {
  if (!model || frameRequested) return;
  frameRequested = true;
  requestAnimationFrame(() => {
    frameRequested = false;
    translateSketch();
  });
}

async function translateSketch() {
  const version = sketchVersion;
  try {
    const result = await engine.translate(sketch.pixels());
    if (!result) return; // a newer sketch took its place
    showOutput(result.imageData);
    if (version === sketchVersion) sketch.rememberOutput(result.imageData);
    stats.translations += 1;
    stats.lastMs = result.ms;
    stats.times.push(result.ms);
    ui.timing.textContent = `${Math.round(result.ms)} ms`;
    return result;
  } catch (error) {
    say(`Translation failed: ${error.message}${error.fatal ? ' — reload the page to restart the model' : ''}`, 'error');
  }
}

// ---- Models -----------------------------------------------------------------------

function applyModel(loaded, name) {
  model = { name, info: loaded.info };
  stats.model = name;
  sketch.forgetOutputs();
  const info = loaded.info;
  buildBrushes(info.legend?.length ? info.legend : STREET_LEGEND);
  const untrained = info.provenance?.untrained === true;
  const { architecture, ngf, norm } = info.generator;
  ui.modelNote.textContent = untrained
    ? `⚠ This model is untrained (random weights): its output is noise, not buildings.`
    : `${architecture}, ngf ${ngf}, ${norm} norm.`;
  ui.modelNote.dataset.kind = untrained ? 'warning' : 'info';
  modelAttribution = info.attribution ?? '';
  showAttribution();
}

async function loadModel(bytes, name) {
  const previous = model?.name;
  try {
    showProgress(null);
    say(`Loading ${name}…`);
    const loaded = await engine.load(bytes, name);
    applyModel(loaded, name);
    say(`Warming up ${name} on ${stats.backend}…`);
    const result = await translateSketch();
    if (!result) return;
    if (stats.coldStartMs === null) stats.coldStartMs = performance.now();
    const untrained = loaded.info.provenance?.untrained ? ' This model is untrained: expect noise.' : '';
    say(`${name} is ready on ${stats.backend} (${backendReason}). Draw streets on the left.${untrained}`, untrained ? 'warning' : 'info');
  } catch (error) {
    const kept = previous ? ` ${previous} is still loaded.` : '';
    say(`Could not load ${name}: ${error.message}.${kept}`, 'error');
    if (previous) ui.models.value = previous;
  } finally {
    showProgress(undefined);
  }
}

async function loadModelFromIndex(entry) {
  try {
    showProgress(0);
    say(`Downloading ${entry.name}…`);
    const bytes = await download(entry.url, (fraction) => showProgress(fraction));
    await loadModel(bytes, entry.name);
  } catch (error) {
    showProgress(undefined);
    say(`Could not download ${entry.name}: ${error.message}`, 'error');
  }
}

// ---- Controls -----------------------------------------------------------------------

function buildBrushes(legend) {
  const brushes = [...legend, { label: 'Eraser', color: '#ffffff', width: 10, eraser: true }];
  ui.brushes.replaceChildren(
    ...brushes.map((brush, index) => {
      const label = document.createElement('label');
      label.className = 'brush';
      label.title = `${brush.label} (key ${index + 1})`;
      const radio = Object.assign(document.createElement('input'), { type: 'radio', name: 'brush', value: String(index) });
      radio.addEventListener('change', () => sketch.setBrush(brush));
      const swatch = document.createElement('span');
      swatch.className = brush.eraser ? 'swatch eraser' : 'swatch';
      swatch.style.setProperty('--color', brush.color);
      swatch.style.setProperty('--width', `${Math.max(2, brush.width ?? 2)}px`);
      label.append(radio, swatch, document.createTextNode(brush.label));
      return label;
    }),
  );
  const first = legend.findIndex((b) => /residential/i.test(b.label));
  const chosen = ui.brushes.querySelectorAll('input')[first >= 0 ? first : 0];
  chosen.checked = true;
  chosen.dispatchEvent(new Event('change'));
}

function pickBrush(index) {
  const radio = ui.brushes.querySelectorAll('input')[index];
  if (!radio) return;
  radio.checked = true;
  radio.dispatchEvent(new Event('change'));
}

function saveCanvas(canvas, filename) {
  canvas.toBlob((blob) => {
    const link = Object.assign(document.createElement('a'), { href: URL.createObjectURL(blob), download: filename });
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  }, 'image/png');
}

function pairCanvas() {
  const pair = document.createElement('canvas');
  pair.width = ui.input.width * 2;
  pair.height = ui.input.height;
  const context = pair.getContext('2d');
  context.drawImage(ui.input, 0, 0);
  context.drawImage(ui.output, ui.input.width, 0);
  return pair;
}

async function loadSample() {
  try {
    if (!samples) {
      const response = await fetch('samples/index.json');
      if (!response.ok) throw new Error(`samples/index.json: ${response.status}`);
      samples = await response.json();
    }
    const tile = samples.tiles[Math.floor(Math.random() * samples.tiles.length)];
    const response = await fetch(new URL(tile.file, new URL('samples/', location.href)));
    if (!response.ok) throw new Error(`${tile.file}: ${response.status}`);
    // Samples are A|B training pairs: the streets are the left half.
    const image = await createImageBitmap(await response.blob());
    sketch.drawImage(image, { x: 0, y: 0, width: image.width / 2, height: image.height });
    inputAttribution = samples.attribution;
    showAttribution();
    say(`Sample: streets of ${tile.place}, tile ${tile.tile}. ${samples.attribution}`);
  } catch (error) {
    say(`Could not load a sample: ${error.message}`, 'error');
  }
}

function wireControls() {
  ui.width.addEventListener('input', () => sketch.setWidthScale(Number(ui.width.value)));
  ui.undo.addEventListener('click', () => sketch.undo());
  ui.redo.addEventListener('click', () => sketch.redo());
  ui.clear.addEventListener('click', () => sketch.clear());
  ui.sample.addEventListener('click', loadSample);
  ui.upload.addEventListener('change', async () => {
    const file = ui.upload.files[0];
    ui.upload.value = '';
    if (!file) return;
    try {
      sketch.drawImage(await createImageBitmap(file));
      say(`Input: ${file.name}`);
    } catch (error) {
      say(`Could not read ${file.name} as an image: ${error.message}`, 'error');
    }
  });
  ui.models.addEventListener('change', () => {
    const entry = ui.models.selectedOptions[0]?.entry;
    if (entry) loadModelFromIndex(entry);
  });
  ui.modelFile.addEventListener('change', async () => {
    const file = ui.modelFile.files[0];
    ui.modelFile.value = '';
    if (file) await loadModel(await file.arrayBuffer(), file.name);
  });
  ui.downloadOutput.addEventListener('click', () => saveCanvas(ui.output, 'gansketch-output.png'));
  ui.downloadPair.addEventListener('click', () => saveCanvas(pairCanvas(), 'gansketch-input-output.png'));
  document.addEventListener('keydown', (event) => {
    if (event.target instanceof HTMLInputElement && event.target.type !== 'radio' && event.target.type !== 'range') return;
    const key = event.key.toLowerCase();
    if ((event.ctrlKey || event.metaKey) && key === 'z') {
      event.preventDefault();
      if (event.shiftKey) sketch.redo();
      else sketch.undo();
    } else if ((event.ctrlKey || event.metaKey) && key === 'y') {
      event.preventDefault();
      sketch.redo();
    } else if (!event.ctrlKey && !event.metaKey && /^[1-9]$/.test(key)) {
      pickBrush(Number(key) - 1);
    }
  });
  updateHistoryButtons();
}

// ---- Start -----------------------------------------------------------------------

async function main() {
  wireControls();
  buildBrushes(STREET_LEGEND);
  showOutput(new ImageData(new Uint8ClampedArray(ui.output.width * ui.output.height * 4).fill(255), ui.output.width));
  say('Starting the model engine…');
  try {
    const started = await engine.start();
    stats.backend = started.backend;
    backendReason = started.reason;
    ui.backend.textContent = started.backend;
    ui.backend.title = started.reason;
    say(`Using ${started.backend}: ${started.reason}.`);
  } catch (error) {
    ui.backend.textContent = 'none';
    say(`The model engine could not start: ${error.message}`, 'error');
    return;
  }
  let index;
  try {
    index = await fetchModelIndex();
  } catch (error) {
    say(`Could not read the list of models: ${error.message}. Open a model file instead.`, 'error');
    return;
  }
  ui.models.replaceChildren(
    ...index.map((entry) => {
      const option = Object.assign(document.createElement('option'), { value: entry.name, textContent: entry.name });
      option.entry = entry;
      return option;
    }),
  );
  if (index.length) await loadModelFromIndex(index[0]);
}

main();

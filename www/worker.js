// The Web Worker that runs the model, so that drawing never waits for it.
// It holds the wasm `Translator` and answers the page's messages, one at a time:
//   { type: 'start', backend }            → { type: 'started', backend, reason, adapter }
//   { type: 'load', bytes, name }         → { type: 'loaded', info, name } (info: the model header)
//   { type: 'translate', id, rgba, width, height }
//                                         → { type: 'translated', id, rgba, ms }
// Any failure answers { type: 'failed', request, id, message }.
import init, { Translator } from '../pkg/gansketch.js';

let translator = null;

async function handle(message) {
  switch (message.type) {
    case 'start': {
      await init();
      translator = await Translator.create(message.backend);
      return { type: 'started', backend: translator.backend, reason: translator.reason, adapter: translator.adapter };
    }
    case 'load': {
      const info = JSON.parse(await translator.load(new Uint8Array(message.bytes)));
      return { type: 'loaded', info, name: message.name };
    }
    case 'translate': {
      const started = performance.now();
      const rgba = await translator.translate(new Uint8Array(message.rgba), message.width, message.height);
      const ms = performance.now() - started;
      return { type: 'translated', id: message.id, rgba, width: message.width, height: message.height, ms };
    }
    default:
      throw new Error(`unknown request ${message.type}`);
  }
}

// Requests run strictly in order: a model load never interleaves with a translation.
let queue = Promise.resolve();
self.onmessage = ({ data }) => {
  queue = queue.then(async () => {
    try {
      const reply = await handle(data);
      const transfer = reply.rgba ? [reply.rgba.buffer] : [];
      self.postMessage(reply, transfer);
    } catch (error) {
      // wasm-bindgen errors are JS Errors; a Rust panic surfaces as a RuntimeError.
      const message = error instanceof Error ? error.message : String(error);
      self.postMessage({ type: 'failed', request: data.type, id: data.id, message, fatal: error instanceof WebAssembly.RuntimeError });
    }
  });
};

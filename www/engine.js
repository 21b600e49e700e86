// The page's side of the worker: start it, load models, and translate sketches with
// coalescing — at most one translation runs and at most one waits (always the newest
// sketch), so fast drawing never builds a queue.

export class Engine {
  constructor(backend) {
    this.worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    this.worker.onmessage = ({ data }) => this.#receive(data);
    this.worker.onerror = (event) => this.#failAll(new Error(`the model worker failed: ${event.message ?? 'unknown error'}`));
    this.waiting = new Map(); // request key → { resolve, reject }
    this.running = null;      // the translation in flight: { id, resolve, reject }
    this.next = null;         // the newest sketch waiting behind it
    this.lastId = 0;
    this.backend = backend;
  }

  /** No translation running or waiting. */
  get idle() {
    return !this.running && !this.next;
  }

  /** Starts the backend; resolves to { backend, reason, adapter }. */
  start() {
    return this.#ask('start', { type: 'start', backend: this.backend });
  }

  /** Loads model bytes; resolves to the model's description. The previous model stays on failure. */
  load(bytes, name) {
    return this.#ask('load', { type: 'load', bytes, name }, [bytes]);
  }

  /**
   * Translates ImageData. Resolves to { imageData, ms } — or to null when a newer sketch
   * replaced this one before it ran.
   */
  translate(imageData) {
    return new Promise((resolve, reject) => {
      if (this.next) this.next.resolve(null); // superseded
      this.next = { imageData, resolve, reject };
      this.#pump();
    });
  }

  #pump() {
    if (this.running || !this.next) return;
    const { imageData, resolve, reject } = this.next;
    this.next = null;
    const id = ++this.lastId;
    this.running = { id, resolve, reject };
    const rgba = new Uint8Array(imageData.data); // a copy: the canvas keeps its pixels
    this.worker.postMessage({ type: 'translate', id, rgba, width: imageData.width, height: imageData.height }, [rgba.buffer]);
  }

  #ask(key, message, transfer = []) {
    return new Promise((resolve, reject) => {
      this.waiting.set(key, { resolve, reject });
      this.worker.postMessage(message, transfer);
    });
  }

  #receive(data) {
    if (data.type === 'translated' || (data.type === 'failed' && data.request === 'translate')) {
      const running = this.running;
      this.running = null;
      if (data.type === 'translated') {
        const pixels = new Uint8ClampedArray(data.rgba.buffer, data.rgba.byteOffset, data.rgba.byteLength);
        running?.resolve({ imageData: new ImageData(pixels, data.width, data.height), ms: data.ms });
      } else {
        running?.reject(Object.assign(new Error(data.message), { fatal: data.fatal }));
      }
      this.#pump();
      return;
    }
    const key = data.type === 'failed' ? data.request : { started: 'start', loaded: 'load' }[data.type];
    const waiter = this.waiting.get(key);
    this.waiting.delete(key);
    if (!waiter) return;
    if (data.type === 'failed') waiter.reject(Object.assign(new Error(data.message), { fatal: data.fatal }));
    else waiter.resolve(data);
  }

  #failAll(error) {
    for (const { reject } of this.waiting.values()) reject(error);
    this.waiting.clear();
    this.running?.reject(error);
    this.running = null;
    this.next?.reject(error);
    this.next = null;
  }
}

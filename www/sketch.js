// The drawing canvas: strokes with pointer events (mouse, touch, pen), brushes, eraser,
// and an undo/redo history. Each history state remembers the output generated for it,
// so undo shows the earlier result at once.

const HISTORY_LIMIT = 100;

export class Sketchpad {
  /**
   * @param canvas   the tile-sized input canvas (its CSS size may be larger)
   * @param onChange called with (reason, restoredOutput) after every change of the pixels
   */
  constructor(canvas, onChange) {
    this.canvas = canvas;
    this.context = canvas.getContext('2d', { willReadFrequently: true });
    this.onChange = onChange;
    this.brush = { color: '#000000', width: 4 };
    this.widthScale = 1;
    this.undoStack = [];
    this.redoStack = [];
    this.currentOutput = null; // the output generated for the pixels now shown
    this.stroke = null;
    this.#fillWhite();
    this.#listen();
  }

  setBrush(brush) {
    this.brush = brush;
  }

  setWidthScale(scale) {
    this.widthScale = scale;
  }

  /** Records the output generated for the current pixels (kept with them in the history). */
  rememberOutput(imageData) {
    this.currentOutput = imageData;
  }

  /** Outputs in the history were made by another model: forget them. */
  forgetOutputs() {
    for (const state of [...this.undoStack, ...this.redoStack]) state.output = null;
    this.currentOutput = null;
  }

  pixels() {
    return this.context.getImageData(0, 0, this.canvas.width, this.canvas.height);
  }

  get canUndo() {
    return this.undoStack.length > 0;
  }

  get canRedo() {
    return this.redoStack.length > 0;
  }

  undo() {
    this.#travel(this.undoStack, this.redoStack, 'undo');
  }

  redo() {
    this.#travel(this.redoStack, this.undoStack, 'redo');
  }

  clear() {
    this.#checkpoint();
    this.#fillWhite();
    this.onChange('clear', null);
  }

  /**
   * Replaces the sketch with an image (a sample tile, an upload), or the part `source`
   * of it ({ x, y, width, height }), scaled to cover the tile.
   */
  drawImage(image, source = { x: 0, y: 0, width: image.width, height: image.height }) {
    this.#checkpoint();
    this.#fillWhite();
    const { width, height } = this.canvas;
    const scale = Math.max(width / source.width, height / source.height);
    const [w, h] = [source.width * scale, source.height * scale];
    this.context.drawImage(image, source.x, source.y, source.width, source.height, (width - w) / 2, (height - h) / 2, w, h);
    this.onChange('image', null);
  }

  #fillWhite() {
    this.context.fillStyle = '#ffffff';
    this.context.fillRect(0, 0, this.canvas.width, this.canvas.height);
  }

  #state() {
    return { pixels: this.pixels(), output: this.currentOutput };
  }

  #checkpoint() {
    this.undoStack.push(this.#state());
    if (this.undoStack.length > HISTORY_LIMIT) this.undoStack.shift();
    this.redoStack = [];
    this.currentOutput = null;
  }

  #travel(from, to, reason) {
    const state = from.pop();
    if (!state) return;
    to.push(this.#state());
    this.context.putImageData(state.pixels, 0, 0);
    this.currentOutput = state.output;
    this.onChange(reason, state.output);
  }

  #point(event) {
    const rect = this.canvas.getBoundingClientRect();
    return [
      ((event.clientX - rect.left) * this.canvas.width) / rect.width,
      ((event.clientY - rect.top) * this.canvas.height) / rect.height,
    ];
  }

  #segment(from, to) {
    const c = this.context;
    c.strokeStyle = this.brush.color;
    c.fillStyle = this.brush.color;
    c.lineWidth = this.brush.width * this.widthScale;
    c.lineCap = 'round';
    c.lineJoin = 'round';
    c.beginPath();
    c.moveTo(...from);
    c.lineTo(...to);
    c.stroke();
  }

  #listen() {
    const canvas = this.canvas;
    canvas.addEventListener('pointerdown', (event) => {
      if (event.button !== 0) return;
      event.preventDefault();
      canvas.setPointerCapture(event.pointerId);
      this.#checkpoint();
      const point = this.#point(event);
      this.stroke = { pointerId: event.pointerId, last: point };
      this.#segment(point, point);
      this.onChange('stroke', null);
    });
    canvas.addEventListener('pointermove', (event) => {
      if (!this.stroke || event.pointerId !== this.stroke.pointerId) return;
      // Coalesced events keep fast strokes smooth at the pointer's full rate.
      const events = event.getCoalescedEvents?.() ?? [event];
      for (const e of events.length ? events : [event]) {
        const point = this.#point(e);
        this.#segment(this.stroke.last, point);
        this.stroke.last = point;
      }
      this.onChange('stroke', null);
    });
    const end = (event) => {
      if (!this.stroke || event.pointerId !== this.stroke.pointerId) return;
      this.stroke = null;
      this.onChange('stroke-end', null);
    };
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
  }
}

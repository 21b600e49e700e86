// Where models come from: `models/index.json` (the first entry is the default), with
// download progress; and the street palette brushes for models that carry no legend.

/** DESIGN.md's street palette at the tile scale the tiles are drawn with (px per class). */
export const STREET_LEGEND = [
  { label: 'Motorway', color: '#8b0000', width: 5 },
  { label: 'Primary / trunk', color: '#000000', width: 8 },
  { label: 'Secondary', color: '#00008b', width: 6 },
  { label: 'Tertiary', color: '#6495ed', width: 4 },
  { label: 'Residential / service', color: '#87ceeb', width: 2 },
  { label: 'Path / any way', color: '#90ee90', width: 1 },
];

export async function fetchModelIndex(url = 'models/index.json') {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status} ${response.statusText}`);
  const index = await response.json();
  if (!Array.isArray(index) || index.some((entry) => !entry?.name || !entry?.file)) {
    throw new Error(`${url}: expected a JSON array of objects with "name" and "file"`);
  }
  return index.map((entry) => ({ ...entry, url: new URL(entry.file, new URL(url, location.href)).href }));
}

/** Downloads `url`, calling onProgress(fraction or null when the size is unknown). */
export async function download(url, onProgress) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status} ${response.statusText}`);
  const total = Number(response.headers.get('Content-Length')) || 0;
  if (!response.body) return response.arrayBuffer();
  const reader = response.body.getReader();
  const chunks = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.length;
    onProgress(total ? received / total : null);
  }
  const bytes = new Uint8Array(received);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes.buffer;
}

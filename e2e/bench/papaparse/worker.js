// The worker half of the PapaParse harness. Papa.parse runs here on the File with
// `worker: false` (we are already in a dedicated worker, which is what PapaParse's
// own `worker: true` would set up through a blob URL), so the timing covers reading
// the File in PapaParse's chunks (FileReader, Papa.LocalChunkSize = 10 MB) and
// parsing with the given config into one row object per line.

importScripts('./papaparse.min.js');

// `{ readOnly: <bytes> }` instead of a config only reads the File in slices of that
// many bytes (as Studio's worker does, 8 MiB), copying each into one reused buffer:
// the floor that reading from the File sets for any parser.
async function readOnly(file, chunk) {
  const started = performance.now();
  const buffer = new Uint8Array(chunk);
  let sum = 0;
  for (let offset = 0; offset < file.size; offset += chunk) {
    const bytes = new Uint8Array(await file.slice(offset, Math.min(offset + chunk, file.size)).arrayBuffer());
    buffer.set(bytes);
    sum = (sum + buffer[bytes.length - 1]) | 0;
  }
  return { ms: performance.now() - started, rows: 0, columns: 0, errors: 0, types: {}, checksum: sum };
}

self.onmessage = async (event) => {
  const { file, config } = event.data;
  if (config.readOnly) {
    self.postMessage(await readOnly(file, config.readOnly));
    return;
  }
  const started = performance.now();
  Papa.parse(file, {
    ...config,
    worker: false,
    complete(results) {
      const ms = performance.now() - started;
      const first = results.data[0] ?? {};
      const fields = results.meta.fields ?? Object.keys(first);
      // Proof that dynamicTyping took effect: the first row's values by type.
      const types = {};
      for (const field of fields) {
        const t = typeof first[field];
        types[t] = (types[t] ?? 0) + 1;
      }
      self.postMessage({
        ms,
        rows: results.data.length,
        columns: fields.length,
        errors: results.errors.length,
        firstError: results.errors[0] ? JSON.stringify(results.errors[0]) : null,
        types,
      });
    },
    error(error) {
      self.postMessage({ error: String(error?.message ?? error) });
    },
  });
};

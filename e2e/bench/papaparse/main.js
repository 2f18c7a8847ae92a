// The page half of the PapaParse harness: one dedicated worker per page, to which
// the chosen File is posted (a File is structured-cloned, not copied), so parsing
// runs off the main thread exactly as Studio's does. `window.papaParse(config)`
// resolves with the worker's own timing.

const worker = new Worker('./worker.js');
const input = document.querySelector('input[type=file]');
let pending = null;

worker.onmessage = (event) => {
  const done = pending;
  pending = null;
  done?.(event.data);
};
worker.onerror = (event) => {
  const done = pending;
  pending = null;
  done?.({ error: `worker error: ${event.message}` });
};

window.papaParse = (config) =>
  new Promise((resolve) => {
    const file = input.files?.[0];
    if (!file) return resolve({ error: 'no file chosen' });
    if (pending) return resolve({ error: 'a parse is already running' });
    pending = resolve;
    worker.postMessage({ file, config });
  });

document.querySelector('[aria-label=Harness]').textContent = 'ready';

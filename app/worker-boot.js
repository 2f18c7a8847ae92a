// Starts the compute worker's WebAssembly. A classic worker script, so that
// importScripts loads wasm-bindgen's glue synchronously before anything else.
importScripts('./studio-worker.js');
wasm_bindgen({ module_or_path: './studio-worker_bg.wasm' }).catch((error) => {
  // A failed start raises no error event on the Worker; say so in the protocol's terms.
  postMessage({ type: 'crashed', message: 'the compute worker could not start: ' + error });
});

// Starts the compute worker's WebAssembly. A classic worker script, so that
// importScripts loads wasm-bindgen's glue synchronously before anything else.
// The page starts it as `worker-boot.js?build=…`; the same query goes on the glue
// and the wasm, so a cache never hands this worker another build's code.
const query = self.location.search;
importScripts('./studio-worker.js' + query);
wasm_bindgen({ module_or_path: './studio-worker_bg.wasm' + query }).catch((error) => {
  // A failed start raises no error event on the Worker; say so in the protocol's terms.
  postMessage({ type: 'crashed', message: 'the compute worker could not start: ' + error });
});

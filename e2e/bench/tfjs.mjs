// TensorFlow.js's wasm backend loaded into a Studio page, for the benchmarks that
// time it beside Studio (gemm.mjs, mlp.mjs). The scripts are served from
// node_modules through a route, and the page's CSP must be bypassed by the context.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const modules = join(fileURLToPath(new URL('.', import.meta.url)), '..', 'node_modules', '@tensorflow');

const FILES = {
  'tf-core.min.js': join(modules, 'tfjs-core', 'dist', 'tf-core.min.js'),
  // The union bundle: tfjs-core's own registers no gradients.
  'tf.min.js': join(modules, 'tfjs', 'dist', 'tf.min.js'),
  'tf-backend-wasm.min.js': join(modules, 'tfjs-backend-wasm', 'dist', 'tf-backend-wasm.min.js'),
  'tfjs-backend-wasm.wasm': join(modules, 'tfjs-backend-wasm', 'dist', 'tfjs-backend-wasm.wasm'),
  'tfjs-backend-wasm-simd.wasm': join(modules, 'tfjs-backend-wasm', 'dist', 'tfjs-backend-wasm-simd.wasm'),
  'tfjs-backend-wasm-threaded-simd.wasm': join(modules, 'tfjs-backend-wasm', 'dist', 'tfjs-backend-wasm-threaded-simd.wasm'),
};

/** The wasm backend's version, for the records. */
export const TFJS_VERSION = JSON.parse(readFileSync(join(modules, 'tfjs-backend-wasm', 'package.json'), 'utf8')).version;

/** Serves the files under /bench-tfjs/ for every page of `context`. */
export async function serveTfjs(context) {
  await context.route('**/bench-tfjs/*', (route) => {
    const name = new URL(route.request().url()).pathname.split('/').pop();
    const type = name.endsWith('.wasm') ? 'application/wasm' : 'text/javascript';
    route.fulfill({ body: readFileSync(FILES[name]), contentType: type });
  });
}

/** Loads `bundle` (`tf-core.min.js` or `tf.min.js`) and the wasm backend into the
 * page and switches to it; says which backend runs and with what. */
export async function loadTfjs(page, bundle) {
  await page.addScriptTag({ url: `/bench-tfjs/${bundle}` });
  await page.addScriptTag({ url: '/bench-tfjs/tf-backend-wasm.min.js' });
  return page.evaluate(async () => {
    window.tf.wasm.setWasmPaths('/bench-tfjs/');
    await window.tf.setBackend('wasm');
    await window.tf.ready();
    return { backend: window.tf.getBackend(), simd: await window.tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'),
      threads: await window.tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT') };
  });
}

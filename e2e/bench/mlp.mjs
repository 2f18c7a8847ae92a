// MLP training throughput in headless Chromium: Studio's CPU path against
// TensorFlow.js's wasm backend, both in the same page, one thread each.
//
//   node e2e/bench/mlp.mjs [--rows 20000] [--features 20] [--epochs 30] [--runs 2]
//
// Needs a build in dist/ (`make build`). The same architecture and batches on both
// sides: inputs → 100 ReLU units → a softmax over 3 classes, Adam at 0.001 (L2 1e-4
// on Studio's side, as scikit-learn's default), batches of 200, the rows shuffled
// every epoch. Studio is driven as a person would: the CSV opened, Model "mlp",
// Maximum epochs and Tolerance 0 set, Train; its pace is read from the training
// status ("N ms per epoch", the mean since Train was pressed, so it also carries the
// split and the preprocessing). TensorFlow.js 4.22 (tfjs-core's Adam through
// `optimizer.minimize` on its own variables, XNNPACK with SIMD; the page is not
// cross-origin isolated, so one thread, as Studio's worker) trains on the same rows
// after one warm-up epoch (the union bundle `@tensorflow/tfjs`, for its gradients). Throughput is training rows × epochs per second. Runs
// alternate; the best of each counts. Results go to target/bench-data/mlp-browser.json.

import { chromium } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { startServer } from '../serve.mjs';
import { TFJS_VERSION, loadTfjs, serveTfjs } from './tfjs.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..', '..');
const arg = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : fallback;
};
const ROWS = Number(arg('--rows', '20000'));
const FEATURES = Number(arg('--features', '20'));
const EPOCHS = Number(arg('--epochs', '30'));
const RUNS = Number(arg('--runs', '2'));
const HIDDEN = 100;
const BATCH = 200;
const PORT = 8128;
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];


/** Seeded rows: uniform inputs, three classes cut from a linear score. */
function data(rows, features) {
  let state = 12345;
  const next = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  const x = [];
  const y = [];
  for (let r = 0; r < rows; r++) {
    const row = [...Array(features)].map(next);
    const score = row[0] + 0.5 * row[1] - row[2] + 0.3 * next();
    x.push(row);
    y.push(score > 0.3 ? 0 : score < -0.3 ? 1 : 2);
  }
  return { x, y };
}

function csv({ x, y }) {
  const head = [...Array(x[0].length).keys()].map((i) => `f${i}`).concat('label').join(',');
  const lines = x.map((row, r) => row.map((v) => v.toFixed(4)).concat('abc'[y[r]]).join(','));
  return Buffer.from([head, ...lines].join('\n') + '\n');
}

async function setField(page, name, value) {
  const field = page.getByRole('textbox', { name });
  await field.fill(value);
  await field.press('Tab');
}

async function studioSetUp(page, bytes) {
  await page.getByLabel('Open CSV').setInputFiles({ name: 'mlp.csv', mimeType: 'text/csv', buffer: bytes });
  await page.getByLabel('Dataset shape').filter({ hasText: `${ROWS} rows` }).waitFor({ timeout: 120_000 });
  await page.getByRole('combobox', { name: /^Model/ }).selectOption('mlp');
  await setField(page, /^Maximum epochs/, String(EPOCHS));
  await setField(page, /^Tolerance/, '0');
}

/** One fit; a new seed each run, so that the cell trains again rather than reuse its model. */
async function studioRun(page, run) {
  await setField(page, /^Random seed/, String(run + 1));
  const done = page.getByRole('region', { name: 'Metrics' });
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await done.waitFor({ state: 'hidden' });
  const status = page.getByRole('status').filter({ hasText: / per epoch/ });
  let pace = null;
  while (!(await done.isVisible())) {
    const text = await status.textContent({ timeout: 100 }).catch(() => null);
    const found = text && /· ([\d.]+) (ms|s) per epoch/.exec(text);
    if (found) pace = Number(found[1]) * (found[2] === 's' ? 1000 : 1);
    await page.waitForTimeout(20);
  }
  const trained = Number(/trained on (\d+) rows/.exec(await done.textContent())?.[1]);
  return { rowsPerSecond: (trained * 1000) / pace, msPerEpoch: pace, trained };
}

async function tfjsRun(page, set, trained) {
  return page.evaluate(
    async ({ x, y, trained, hidden, batch, epochs }) => {
      const tf = window.tf;
      const n = trained;
      const xs = tf.tensor2d(x.slice(0, n));
      const ys = tf.cast(tf.oneHot(tf.tensor1d(y.slice(0, n), 'int32'), 3), 'float32');
      const inputs = x[0].length;
      const glorot = (a, b) => tf.variable(tf.randomUniform([a, b], -Math.sqrt(6 / (a + b)), Math.sqrt(6 / (a + b))));
      const w1 = glorot(inputs, hidden);
      const b1 = tf.variable(tf.zeros([hidden]));
      const w2 = glorot(hidden, 3);
      const b2 = tf.variable(tf.zeros([3]));
      const optimizer = tf.train.adam(0.001);
      const epoch = () => {
        const order = tf.tensor1d(Int32Array.from(tf.util.createShuffledIndices(n)), 'int32');
        for (let start = 0; start < n; start += batch) {
          const size = Math.min(batch, n - start);
          tf.tidy(() => {
            const at = tf.slice(order, start, size);
            const xb = tf.gather(xs, at);
            const yb = tf.gather(ys, at);
            optimizer.minimize(() => {
              const h = tf.relu(tf.add(tf.matMul(xb, w1), b1));
              return tf.losses.softmaxCrossEntropy(yb, tf.add(tf.matMul(h, w2), b2));
            }, false, [w1, b1, w2, b2]);
          });
        }
        order.dispose();
        // The weights as they stand, as Studio reads its own back after an epoch.
        w1.dataSync();
      };
      epoch();
      const started = performance.now();
      for (let e = 0; e < epochs; e++) epoch();
      const ms = (performance.now() - started) / epochs;
      return { rowsPerSecond: (n * 1000) / ms, msPerEpoch: ms };
    },
    { ...set, trained, hidden: HIDDEN, batch: BATCH, epochs: EPOCHS },
  );
}

async function main() {
  const set = data(ROWS, FEATURES);
  const bytes = csv(set);
  const server = await startServer({ dir: join(root, 'dist'), port: PORT });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  const context = await browser.newContext({ bypassCSP: true });
  await serveTfjs(context);
  const page = await context.newPage();
  await page.goto(`http://127.0.0.1:${PORT}/`);
  await page.getByRole('status', { name: 'Compute device' }).filter({ hasText: /·/ }).waitFor();
  const backend = await loadTfjs(page, 'tf.min.js');
  const device = await page.getByRole('status', { name: 'Compute device' }).textContent();

  const studio = [];
  const tfjs = [];
  await studioSetUp(page, bytes);
  for (let run = 0; run < RUNS; run++) {
    const s = await studioRun(page, run);
    studio.push(s);
    tfjs.push(await tfjsRun(page, set, s.trained));
    console.log(`run ${run + 1}: Studio ${s.rowsPerSecond.toFixed(0)} rows/s (${s.msPerEpoch.toFixed(1)} ms per epoch), ` +
      `TF.js wasm ${tfjs.at(-1).rowsPerSecond.toFixed(0)} rows/s (${tfjs.at(-1).msPerEpoch.toFixed(1)} ms per epoch)`);
  }
  const best = (runs) => Math.max(...runs.map((r) => r.rowsPerSecond));
  const ratio = best(studio) / best(tfjs);
  console.log(`MLP ${FEATURES}→${HIDDEN}→3, batches of ${BATCH}, ${studio[0].trained} training rows: ` +
    `Studio ${best(studio).toFixed(0)} rows/s, TF.js wasm ${best(tfjs).toFixed(0)} rows/s, ratio ${ratio.toFixed(2)}x (device: ${device?.trim()})`);
  const record = {
    date: new Date().toISOString(), chromium: browser.version(), tfjs_backend_wasm: TFJS_VERSION, tfjs: backend, device,
    cpu: os.cpus()[0]?.model, threads: os.cpus().length, rows: ROWS, features: FEATURES, epochs: EPOCHS, studio, tfjs_runs: tfjs, ratio,
  };
  mkdirSync(join(root, 'target', 'bench-data'), { recursive: true });
  writeFileSync(join(root, 'target', 'bench-data', 'mlp-browser.json'), JSON.stringify(record, null, 2));
  await browser.close();
  server.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

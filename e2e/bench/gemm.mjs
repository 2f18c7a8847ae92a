// CPU GEMM in headless Chromium: Studio's CPU path against TensorFlow.js's wasm backend
// (`tf.matMul`), both in the same page, one thread each.
//
//   node e2e/bench/gemm.mjs [--sizes 256,512,1024] [--runs 3]
//
// Needs a build in dist/ (`make build`). Studio is driven as a person would: Compute
// details → Benchmark → Operation "gemm", the size, "Run on" CPU, "Run benchmark"; the
// worker times `C = A·B` (matrixmultiply's wasm SIMD kernel) for about a second and the
// row's GFLOP/s is read from the table. TensorFlow.js (tfjs-core + tfjs-backend-wasm,
// XNNPACK with SIMD; the page is not cross-origin isolated, so it runs one thread, as
// Studio's worker does) is loaded into the same page from node_modules and times
// `tf.matMul(a, b)` plus `dataSync()` on float32 matrices of the same size for about a
// second. Each size alternates Studio and TF.js `--runs` times; the best of each counts.
// The page's CSP is bypassed for this harness only, so the two scripts can be added.
// Results go to target/bench-data/gemm-browser.json.

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
const SIZES = arg('--sizes', '256,512,1024').split(',').map(Number);
const RUNS = Number(arg('--runs', '3'));
const PORT = 8127;
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];


async function studioGemm(page, size) {
  const bench = page.getByRole('region', { name: 'Benchmark' });
  await bench.getByLabel('Operation').selectOption('gemm');
  await bench.getByLabel('Size').fill(String(size));
  await bench.getByLabel('Run on').selectOption('cpu');
  const rows = bench.getByRole('table', { name: 'Benchmark runs' }).getByRole('row');
  const before = await rows.count();
  await bench.getByRole('button', { name: 'Run benchmark' }).click();
  await rows.nth(Math.max(before, 1)).waitFor({ timeout: 300_000 });
  const cells = await rows.nth(Math.max(before, 1)).getByRole('cell').allTextContents();
  return Number(cells[3]);
}

async function tfjsGemm(page, size) {
  return page.evaluate(async (n) => {
    const tf = window.tf;
    const a = tf.randomUniform([n, n], -1, 1, 'float32');
    const b = tf.randomUniform([n, n], -1, 1, 'float32');
    const once = () => {
      const c = tf.matMul(a, b);
      c.dataSync();
      c.dispose();
    };
    once();
    let best = Infinity;
    let spent = 0;
    while (spent < 1000) {
      const started = performance.now();
      once();
      const elapsed = performance.now() - started;
      spent += elapsed;
      best = Math.min(best, elapsed);
    }
    a.dispose();
    b.dispose();
    return (2 * n ** 3) / (best / 1000) / 1e9;
  }, size);
}

async function main() {
  const server = await startServer({ dir: join(root, 'dist'), port: PORT });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  const context = await browser.newContext({ bypassCSP: true });
  await serveTfjs(context);
  const page = await context.newPage();
  await page.goto(`http://127.0.0.1:${PORT}/`);
  await page.getByRole('status', { name: 'Compute device' }).filter({ hasText: /·/ }).waitFor();
  await page.getByRole('button', { name: 'Compute details' }).click();
  const backend = await loadTfjs(page, 'tf-core.min.js');

  const results = [];
  for (const size of SIZES) {
    const studio = [];
    const tfjs = [];
    for (let run = 0; run < RUNS; run++) {
      studio.push(await studioGemm(page, size));
      tfjs.push(await tfjsGemm(page, size));
    }
    const s = Math.max(...studio);
    const t = Math.max(...tfjs);
    results.push({ size, studio_gflops: s, tfjs_gflops: t, ratio: s / t, studio_runs: studio, tfjs_runs: tfjs });
    console.log(`gemm ${size}³: Studio ${s.toFixed(2)} GFLOP/s, TF.js wasm ${t.toFixed(2)} GFLOP/s, ratio ${(s / t).toFixed(2)}x`);
  }
  const record = {
    date: new Date().toISOString(), chromium: browser.version(), tfjs_backend_wasm: TFJS_VERSION, tfjs: backend,
    cpu: os.cpus()[0]?.model, threads: os.cpus().length, results,
  };
  mkdirSync(join(root, 'target', 'bench-data'), { recursive: true });
  writeFileSync(join(root, 'target', 'bench-data', 'gemm-browser.json'), JSON.stringify(record, null, 2));
  console.log(JSON.stringify({ tfjs: backend }));
  await browser.close();
  server.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

// Soak benchmark: opens a dataset, trains and exports 50 times in one page and
// reports how the compute worker's memory (its wasm linear memory, which only
// grows) moved. The target: no more than 20 % growth after the first round, with
// and without WebGPU.
//
//   node e2e/bench/soak.mjs [--rounds 50]

import { chromium } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import os from 'node:os';
import { startServer } from '../serve.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const roundsAt = process.argv.indexOf('--rounds');
const ROUNDS = roundsAt > 0 ? Number(process.argv[roundsAt + 1]) : 50;
const PORT = 8133;
const BASE = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const CONFIGS = {
  webgpu: [...BASE, '--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-vulkan=swiftshader', '--use-webgpu-adapter=swiftshader'],
  cpu: BASE,
};
const SAMPLES = [
  ['iris.csv', 'iris.csv · 150 rows × 5 columns'],
  ['wine.csv', null],
  ['diabetes.csv', 'diabetes.csv · 442 rows × 11 columns'],
];

const server = await startServer({ dir: join(here, '..', '..', 'dist'), port: PORT });
let chromiumVersion = '';
const results = {};
for (const [name, args] of Object.entries(CONFIGS)) {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args });
  chromiumVersion = browser.version();
  const page = await (await browser.newContext({ acceptDownloads: true })).newPage();
  const firstWorker = page.waitForEvent('worker');
  await page.goto(`http://127.0.0.1:${PORT}/`);
  const worker = await firstWorker;
  await page.getByRole('status', { name: 'Compute device' }).filter({ hasText: /^(WebGPU|CPU) · / }).waitFor();
  // @ts-expect-error declared by the worker's glue script
  const memory = () => worker.evaluate(() => wasm_bindgen.diagnostics_memory());
  const sizes = [];
  const started = Date.now();
  for (let round = 0; round < ROUNDS; round++) {
    const [file] = SAMPLES[round % SAMPLES.length];
    await page.getByLabel('Sample datasets').selectOption(file);
    await page.getByLabel('Dataset shape').filter({ hasText: file }).waitFor();
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await page.getByRole('region', { name: 'Metrics' }).waitFor({ timeout: 120_000 });
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download ONNX' }).click()]);
    await download.path();
    sizes.push(await memory());
  }
  const seconds = (Date.now() - started) / 1000;
  await browser.close();
  results[name] = { first: sizes[0], last: sizes.at(-1), peak: Math.max(...sizes), seconds };
}
server.close();

const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
console.log(`soak: ${ROUNDS} rounds of open → train → Download ONNX in one page · ${os.cpus().length} × ${os.cpus()[0].model} · Chromium ${chromiumVersion}`);
console.log('| configuration | worker memory after round 1 | after the last | growth | time |');
console.log('|---|---|---|---|---|');
let failed = false;
for (const [name, r] of Object.entries(results)) {
  const growth = (r.last / r.first - 1) * 100;
  failed ||= growth > 20;
  console.log(`| ${name} | ${mib(r.first)} | ${mib(r.last)} | ${growth.toFixed(1)} % | ${r.seconds.toFixed(0)} s |`);
}
process.exit(failed ? 1 : 0);

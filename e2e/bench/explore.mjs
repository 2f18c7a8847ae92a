// The column summary and data-quality check in headless Chromium, on the CPU path:
// how long the worker takes over a million rows.
//
//   node e2e/bench/explore.mjs [--rows 1000000] [--features 20] [--runs 3]
//
// Needs a build in dist/ (`make build`). The page is driven as a person would:
// Generate synthetic data (`--rows` × `--features` numbers and a class column),
// then "Summarise columns" and "Check data quality", each timed from the click to
// its table or list on screen. The check computes the statistics and a Pearson
// matrix again, and then the warnings. Target: the summary under 1 s. Results go to
// target/bench-data/explore-browser.json.

import { chromium } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { startServer } from '../serve.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..', '..');
const arg = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : fallback;
};
const ROWS = Number(arg('--rows', '1000000'));
const FEATURES = Number(arg('--features', '20'));
const RUNS = Number(arg('--runs', '3'));
const PORT = 8130;
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

async function timed(page, region, button, done) {
  const start = Date.now();
  await region.getByRole('button', { name: button }).click();
  await done.waitFor({ timeout: 120_000 });
  return (Date.now() - start) / 1000;
}

async function main() {
  const server = await startServer({ dir: join(root, 'dist'), port: PORT });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${PORT}/`);
  await page.getByRole('status', { name: 'Compute device' }).filter({ hasText: /·/ }).waitFor();
  const device = (await page.getByRole('status', { name: 'Compute device' }).textContent())?.trim();
  await page.getByText('Generate synthetic data').click();
  const form = page.getByRole('form', { name: 'Synthetic data' });
  await form.getByLabel('Rows').fill(String(ROWS));
  await form.getByLabel('Features').fill(String(FEATURES));
  await form.getByRole('button', { name: 'Generate' }).click();
  await page.getByLabel('Dataset shape').filter({ hasText: `${ROWS} rows` }).waitFor({ timeout: 120_000 });
  const summary = [];
  const quality = [];
  for (let run = 0; run < RUNS; run++) {
    // A fresh region each run: the page drops its results when the data are read again.
    await page.reload();
    await page.getByLabel('Dataset shape').filter({ hasText: `${ROWS} rows` }).waitFor({ timeout: 120_000 });
    const sRegion = page.getByRole('region', { name: 'Column summary' });
    summary.push(await timed(page, sRegion, 'Summarise columns', sRegion.getByRole('table')));
    const qRegion = page.getByRole('region', { name: 'Data quality' });
    quality.push(await timed(page, qRegion, 'Check data quality', qRegion.getByText(/to look at|Nothing to warn of/)));
    console.log(`run ${run + 1}: summary ${summary.at(-1).toFixed(2)} s, data quality ${quality.at(-1).toFixed(2)} s`);
  }
  const best = (t) => Math.min(...t);
  console.log(`${ROWS} rows × ${FEATURES} features: summary ${best(summary).toFixed(2)} s, data quality ${best(quality).toFixed(2)} s (best of ${RUNS}; device: ${device})`);
  mkdirSync(join(root, 'target', 'bench-data'), { recursive: true });
  writeFileSync(join(root, 'target', 'bench-data', 'explore-browser.json'), JSON.stringify({
    date: new Date().toISOString(), chromium: browser.version(), cpu: os.cpus()[0]?.model, threads: os.cpus().length,
    rows: ROWS, features: FEATURES, device, summary, quality,
  }, null, 2));
  await browser.close();
  server.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

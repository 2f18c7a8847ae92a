// "Try the model" in headless Chromium: how long the page takes from a keystroke
// in a field to the model's new answer on screen.
//
//   node e2e/bench/try-model.mjs [--updates 60] [--model logistic]
//
// Needs a build in dist/ (`make build`). The page is driven as a person would: the
// penguins sample opened, species as the target, Train; then the flipper length is
// changed `--updates` times (a value each time, so every answer differs). Each update
// is timed in the page, from the input event to the answer region's text changing
// (a MutationObserver), so it covers the page, the message to the worker, the
// prediction and the redraw. Target: under 50 ms an update. A model whose answer
// moves with every value is needed (a linear one: a tree's often stays put). Results go to
// target/bench-data/try-model.json.

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
const UPDATES = Number(arg('--updates', '60'));
const MODEL = arg('--model', 'logistic');
const PORT = 8129;
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** One update: the field set to `value`, and the milliseconds until the answer changes. */
function update(value) {
  const form = document.querySelector('section[aria-label="Try the model"]');
  const input = [...form.querySelectorAll('label')].find((l) => l.textContent.startsWith('flipper_length_mm')).querySelector('input');
  const live = form.querySelector('[aria-live]');
  const before = live.textContent;
  const start = performance.now();
  const changed = new Promise((resolve) => {
    const watch = new MutationObserver(() => {
      if (live.textContent !== before) {
        watch.disconnect();
        resolve(performance.now() - start);
      }
    });
    watch.observe(live, { subtree: true, childList: true, characterData: true });
  });
  input.value = String(value);
  input.dispatchEvent(new Event('input', { bubbles: true }));
  return changed;
}

async function main() {
  const server = await startServer({ dir: join(root, 'dist'), port: PORT });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${PORT}/`);
  await page.getByRole('status', { name: 'Compute device' }).filter({ hasText: /·/ }).waitFor();
  const device = (await page.getByRole('status', { name: 'Compute device' }).textContent())?.trim();
  await page.getByLabel('Sample datasets').selectOption('penguins.csv');
  await page.getByLabel('Target column').selectOption('species');
  await page.getByRole('combobox', { name: /^Model/ }).selectOption(MODEL);
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await page.getByRole('region', { name: 'Try the model' }).getByLabel('Prediction').waitFor();
  const times = [];
  for (let i = 0; i < UPDATES; i++) {
    // 172 to 231 mm and back: every value a new answer.
    times.push(await page.evaluate(update, 172 + ((i * 7) % 60) + (i % 2) / 2));
  }
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const summary = { median: at(0.5), p95: at(0.95), max: sorted.at(-1) };
  console.log(`Try the model (${MODEL} on penguins), ${UPDATES} updates: median ${summary.median.toFixed(1)} ms, ` +
    `95th percentile ${summary.p95.toFixed(1)} ms, worst ${summary.max.toFixed(1)} ms (device: ${device})`);
  mkdirSync(join(root, 'target', 'bench-data'), { recursive: true });
  writeFileSync(join(root, 'target', 'bench-data', 'try-model.json'), JSON.stringify({
    date: new Date().toISOString(), chromium: browser.version(), cpu: os.cpus()[0]?.model, threads: os.cpus().length,
    model: MODEL, updates: UPDATES, device, times, ...summary,
  }, null, 2));
  await browser.close();
  server.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

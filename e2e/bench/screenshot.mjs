// Takes the README's screenshot (docs/screenshot.png): the studio in headless
// Chromium with WebGPU offered by SwiftShader, after training a neural network on the
// penguins sample: its metrics and its decision boundary.
//
//   node e2e/bench/screenshot.mjs

import { chromium } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { startServer } from '../serve.mjs';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const server = await startServer({ dir: join(root, 'dist'), port: 8132 });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-background-networking', '--no-first-run', '--enable-unsafe-webgpu',
    '--enable-features=Vulkan', '--use-vulkan=swiftshader', '--use-webgpu-adapter=swiftshader'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto('http://127.0.0.1:8132/');
  // SwiftShader is a software adapter, which Studio passes over by itself: the
  // page says so and trains on the CPU.
  await page.getByRole('status', { name: 'Compute device' }).filter({ hasText: / · / }).waitFor();
  await page.getByLabel('Sample datasets').selectOption('penguins.csv');
  await page.getByLabel('Dataset shape').waitFor();
  await page.getByLabel('Target column').selectOption('species');
  await page.getByRole('combobox', { name: /^Model/ }).selectOption('mlp');
  await page.getByLabel('Vertical feature').selectOption('flipper_length_mm');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await page.getByRole('region', { name: 'Metrics' }).waitFor();
  await page.getByRole('img', { name: /^Decision boundary over/ }).waitFor();
  await page.getByRole('region', { name: 'Decision boundary' }).evaluate((e) => e.scrollIntoView({ block: 'end' }));
  await page.screenshot({ path: join(root, 'docs', 'screenshot.png') });
} finally {
  await browser.close();
  server.close();
}

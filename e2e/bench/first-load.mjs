// First-load benchmark: bytes transferred (compressed, as the static server sends
// them) and time to interactive, in headless Chromium on localhost, with and
// without WebGPU. Each run uses a fresh browser context, so nothing is cached.
//
//   node e2e/bench/first-load.mjs [--runs 7]
//
// "Interactive" is the `studio:interactive` User Timing mark, set once the app is
// mounted and responds to input; "device ready" is `studio:device-ready`, set when
// the worker has chosen and verified the compute device.

import { chromium } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import os from 'node:os';
import { startServer } from '../serve.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const runsAt = process.argv.indexOf('--runs');
const RUNS = runsAt > 0 ? Number(process.argv[runsAt + 1]) : 7;
const PORT = 8131;
const BASE = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const CONFIGS = {
  webgpu: [...BASE, '--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-vulkan=swiftshader', '--use-webgpu-adapter=swiftshader'],
  cpu: BASE,
};

let sent = [];
const server = await startServer({
  dir: join(here, '..', '..', 'dist'),
  port: PORT,
  onResponse: (entry) => sent.push(entry),
});

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const results = {};
let chromiumVersion = '';
for (const [name, args] of Object.entries(CONFIGS)) {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args });
  chromiumVersion = browser.version();
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    sent = [];
    await page.goto(`http://127.0.0.1:${PORT}/`);
    await page.waitForFunction(() => performance.getEntriesByName('studio:device-ready').length > 0, null, { timeout: 60_000 });
    const marks = await page.evaluate(() => ({
      interactive: performance.getEntriesByName('studio:interactive')[0].startTime,
      deviceReady: performance.getEntriesByName('studio:device-ready')[0].startTime,
    }));
    const device = await page.getByRole('status', { name: 'Compute device' }).textContent();
    runs.push({ ...marks, bytes: sent.reduce((n, e) => n + e.bytes, 0), files: sent.length, device });
    await context.close();
  }
  await browser.close();
  results[name] = {
    device: runs[0].device,
    files: runs[0].files,
    bytes: median(runs.map((r) => r.bytes)),
    interactive: median(runs.map((r) => r.interactive)),
    device_ready: median(runs.map((r) => r.deviceReady)),
    interactive_max: Math.max(...runs.map((r) => r.interactive)),
  };
}
server.close();

console.log(`first load, median of ${RUNS} cold runs · ${os.cpus().length} × ${os.cpus()[0].model} · ${os.platform()} · Chromium ${chromiumVersion}`);
console.log('| configuration | device | files | transferred (compressed) | interactive | interactive (worst) | device ready |');
console.log('|---|---|---|---|---|---|---|');
for (const [name, r] of Object.entries(results)) {
  console.log(`| ${name} | ${r.device} | ${r.files} | ${(r.bytes / 1024).toFixed(1)} KiB | ${r.interactive.toFixed(0)} ms | ${r.interactive_max.toFixed(0)} ms | ${r.device_ready.toFixed(0)} ms |`);
}

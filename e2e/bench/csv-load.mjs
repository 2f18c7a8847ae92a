// CSV load benchmark in headless Chromium: Studio against PapaParse on the same
// bytes in the same browser, and (with --huge) a 2 GB file loaded in Studio while
// the renderer's memory is sampled.
//
//   node e2e/bench/csv-load.mjs [--runs 5]     # ~100 MB numeric CSV, Studio vs PapaParse
//   node e2e/bench/csv-load.mjs --huge         # ~2 GB numeric CSV, Studio only, peak RSS
//
// Needs a build in dist/ (`make build`). The CSVs are generated once (deterministic)
// and cached under target/bench-data/; results go to target/bench-data/csv-load.json
// (and csv-load-huge.json).
//
// Studio: the file is set on "Open CSV"; the worker's own timing (read + parse from
// the File in 8 MiB chunks, without the save to browser storage that follows) is read
// from the "Memory used" line, and the wall time runs from the input's change event
// to the "Dataset shape" line naming the file. PapaParse 5 runs in a dedicated worker
// of a harness page (e2e/bench/papaparse/) with `dynamicTyping`, `header` and
// `skipEmptyLines`, timed inside the worker; once with its defaults and once with
// `fastMode: true` (valid: the generated files hold no quotes; PapaParse's default
// already takes the fast path for a chunk without quotes). The same harness also
// times only reading the File in 8 MiB slices, the floor for any parser. Every run
// gets a new browser context, so no storage (Studio's saved copy) carries over;
// contenders are interleaved run by run.
//
// --huge launches Chromium with a profile on disk (so Studio's saved copy is written
// to disk as it would be for a person), sums the RSS of the browser's renderer
// processes from /proc every 200 ms, and compares the peak with the typed columns'
// size that Studio reports; a refusal or error is captured from the page's alert.

import { chromium } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync,
  readdirSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { startServer } from '../serve.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..', '..');
const DATA = join(root, 'target', 'bench-data');
const HUGE = process.argv.includes('--huge');
const runsAt = process.argv.indexOf('--runs');
const RUNS = runsAt > 0 ? Number(process.argv[runsAt + 1]) : 5;
const STUDIO_PORT = 8125;
const PAPA_PORT = 8126;
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const STUDIO_URL = `http://127.0.0.1:${STUDIO_PORT}/`;
const PAPA_URL = `http://127.0.0.1:${PAPA_PORT}/index.html`;

// ---------------------------------------------------------------------------------
// Data: 12 float columns (6–9 significant digits, magnitudes 1e-3 … 1e4 by column)
// and 2 integer columns, from a fixed-seed PRNG; no quotes, no missing values.

const FLOATS = 12;
const SCALES = [-3, -2, -1, 0, 0, 1, 1, 2, 2, 3, 3, 4]; // decimal exponent of column j

function sfc32(a, b, c, d) {
  return () => {
    a |= 0; b |= 0; c |= 0; d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

function generate(path, targetBytes, seed) {
  if (existsSync(path) && statSync(path).size >= targetBytes) return statSync(path).size;
  mkdirSync(DATA, { recursive: true });
  const random = sfc32(0x9e3779b9, 0x243f6a88, 0xb7e15162, seed);
  const partial = `${path}.partial`;
  const fd = openSync(partial, 'w');
  const header = [...Array.from({ length: FLOATS }, (_, j) => `f${j}`), 'id', 'bucket'].join(',') + '\n';
  writeSync(fd, header);
  let written = Buffer.byteLength(header);
  let row = 0;
  const started = Date.now();
  let lastReport = started;
  while (written < targetBytes) {
    const lines = [];
    for (let n = 0; n < 20_000; n++, row++) {
      let line = '';
      for (let j = 0; j < FLOATS; j++) {
        const k = 6 + ((random() * 4) | 0); // significant digits
        const digits = String(POW10[k - 1] + Math.floor(random() * 9 * POW10[k - 1]));
        const whole = SCALES[j] + (random() < 0.5 ? 1 : 0); // digits before the point
        let text;
        if (whole <= 0) text = '0.' + '0'.repeat(-whole) + digits;
        else if (whole >= k) text = digits.slice(0, k - 1) + '.' + digits.slice(k - 1); // keep a point
        else text = digits.slice(0, whole) + '.' + digits.slice(whole);
        line += (random() < 0.5 ? '-' : '') + text + ',';
      }
      line += row + ',' + (((random() * 2001) | 0) - 1000);
      lines.push(line);
    }
    const chunk = lines.join('\n') + '\n';
    writeSync(fd, chunk);
    written += Buffer.byteLength(chunk);
    if (Date.now() - lastReport > 5000) {
      lastReport = Date.now();
      process.stderr.write(`  generating ${basename(path)}: ${(written / 1e6).toFixed(0)} MB\n`);
    }
  }
  closeSync(fd);
  renameSync(partial, path);
  process.stderr.write(`  generated ${basename(path)}: ${written} bytes, ${row} rows in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return written;
}

// ---------------------------------------------------------------------------------
// Helpers

const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const UNITS = { kB: 1e3, MB: 1e6, GB: 1e9 };
const bytesOf = (n, unit) => Number(n) * UNITS[unit];

function cpuInfo() {
  try {
    const out = execFileSync('lscpu', { encoding: 'utf8' });
    const field = (name) => out.match(new RegExp(`^${name}:\\s*(.+)$`, 'm'))?.[1]?.trim();
    return { model: field('Model name') ?? os.cpus()[0].model, cpus: Number(field('CPU\\(s\\)') ?? os.cpus().length) };
  } catch {
    return { model: os.cpus()[0].model, cpus: os.cpus().length };
  }
}

function chromiumVersion() {
  try {
    return execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split(' built')[0];
  } catch {
    return 'Chromium (version unknown)';
  }
}

/** "local file · 107.5 MB in memory · 100.2 MB read in 0.82 s (122 MB/s)" */
function parseFacts(text) {
  const memory = text.match(/([\d.]+) (kB|MB|GB) in memory/);
  const read = text.match(/([\d.]+) (kB|MB|GB) read in ([\d.]+) s/);
  return {
    memoryBytes: memory ? bytesOf(memory[1], memory[2]) : null,
    readSeconds: read ? Number(read[3]) : null,
  };
}

// Records, in the page, when the input's change event fired, every distinct text of
// the loading status, and every alert, each with performance.now().
function instrument() {
  const bench = { changed: null, log: [] };
  window.__bench = bench;
  const input = [...document.querySelectorAll('input[type=file]')][0];
  input.addEventListener('change', (e) => { bench.changed = e.timeStamp; }, { once: true });
  let last = '';
  const seen = new Set();
  new MutationObserver(() => {
    const status = document.querySelector('[aria-label="Loading"] p');
    const text = status?.textContent ?? '';
    if (text && text !== last) {
      last = text;
      bench.log.push({ t: performance.now(), text });
    }
    for (const alert of document.querySelectorAll('[role=alert]')) {
      const a = alert.textContent;
      if (a && !seen.has(a)) {
        seen.add(a);
        bench.log.push({ t: performance.now(), alert: a });
      }
    }
  }).observe(document.body, { subtree: true, childList: true, characterData: true });
}

// Resolves once the shape names the file, or the data cell shows an error.
function outcome(name) {
  const shape = document.querySelector('[aria-label="Dataset shape"]');
  if (shape && shape.textContent.includes(name)) {
    return { kind: 'done', t: performance.now(), shape: shape.textContent,
      facts: document.querySelector('[aria-label="Memory used"]')?.textContent ?? '' };
  }
  const error = document.querySelector('#cell-data .error[role=alert]');
  if (error) return { kind: 'failed', t: performance.now(), text: error.textContent };
  return false;
}

async function openStudio(context, page) {
  page ??= await context.newPage();
  await page.goto(STUDIO_URL);
  await page.waitForFunction(() => performance.getEntriesByName('studio:device-ready').length > 0, null, { timeout: 60_000 });
  await page.evaluate(instrument);
  return page;
}

/** Loads `file` in Studio on `page`; resolves with the timings and what it showed. */
async function loadInStudio(page, file, timeout) {
  const name = basename(file);
  const t0 = Date.now();
  await page.getByLabel('Open CSV').setInputFiles(file);
  let result;
  try {
    const handle = await page.waitForFunction(outcome, name, { polling: 20, timeout });
    result = await handle.jsonValue();
  } catch (error) {
    result = { kind: page.isClosed() ? 'crashed' : 'error', text: String(error.message ?? error).split('\n')[0] };
  }
  const nodeWall = (Date.now() - t0) / 1000;
  let bench = { changed: null, log: [] };
  try { bench = await page.evaluate(() => window.__bench); } catch { /* the page is gone */ }
  const saving = bench.log.find((e) => e.text?.toLowerCase().includes('saving the parsed columns'));
  const facts = result.kind === 'done' ? parseFacts(result.facts) : {};
  return {
    ...result,
    ...facts,
    wall: bench.changed != null && result.t ? (result.t - bench.changed) / 1000 : null,
    nodeWall,
    toSaving: saving && bench.changed != null ? (saving.t - bench.changed) / 1000 : null,
    log: bench.log.map((e) => ({ ...e, t: bench.changed != null ? +((e.t - bench.changed) / 1000).toFixed(3) : e.t })),
  };
}

// ---------------------------------------------------------------------------------
// The 100 MB comparison

async function compare() {
  const file = join(DATA, 'csv-load-numeric-100mb-v1.csv');
  const bytes = generate(file, 100e6, 1);
  const papaVersion = JSON.parse(readFileSync(join(here, '..', 'node_modules', 'papaparse', 'package.json'), 'utf8')).version;

  // The harness, with papaparse.min.js next to it, served from a temporary folder.
  const harness = mkdtempSync(join(os.tmpdir(), 'csv-load-papaparse-'));
  for (const f of ['index.html', 'main.js', 'worker.js']) copyFileSync(join(here, 'papaparse', f), join(harness, f));
  copyFileSync(join(here, '..', 'node_modules', 'papaparse', 'papaparse.min.js'), join(harness, 'papaparse.min.js'));

  const studioServer = await startServer({ dir: join(root, 'dist'), port: STUDIO_PORT });
  const papaServer = await startServer({ dir: harness, port: PAPA_PORT });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  const chromiumVersion = browser.version();

  const PAPA = {
    'PapaParse (worker, dynamicTyping)': { dynamicTyping: true, header: true, skipEmptyLines: true },
    'PapaParse (worker, dynamicTyping, fastMode)': { dynamicTyping: true, header: true, skipEmptyLines: true, fastMode: true },
  };
  const READ = 'File read only, 8 MiB slices (worker, no parsing)';
  const HARNESS = { ...PAPA, [READ]: { readOnly: 8 * 1024 * 1024 } };
  const runs = { Studio: [], ...Object.fromEntries(Object.keys(HARNESS).map((k) => [k, []])) };
  try {
    for (let i = 0; i < RUNS; i++) {
      {
        const context = await browser.newContext();
        const page = await openStudio(context);
        const r = await loadInStudio(page, file, 120_000);
        await context.close();
        if (r.kind !== 'done') throw new Error(`Studio run ${i + 1}: ${r.kind}: ${r.text}`);
        runs.Studio.push(r);
        process.stderr.write(`  run ${i + 1} Studio: worker ${r.readSeconds} s, wall ${r.wall?.toFixed(2)} s (to "saving" ${r.toSaving?.toFixed(2)} s) · ${r.shape}\n`);
      }
      for (const [name, config] of Object.entries(HARNESS)) {
        const context = await browser.newContext();
        const page = await context.newPage();
        await page.goto(PAPA_URL);
        await page.getByRole('status', { name: 'Harness' }).filter({ hasText: 'ready' }).waitFor();
        await page.locator('input[type=file]').setInputFiles(file);
        const r = await page.evaluate((c) => window.papaParse(c), config);
        await context.close();
        if (r.error) throw new Error(`${name} run ${i + 1}: ${r.error}`);
        runs[name].push(r);
        process.stderr.write(`  run ${i + 1} ${name}: ${(r.ms / 1000).toFixed(2)} s · ${r.rows} rows × ${r.columns} · types ${JSON.stringify(r.types)} · ${r.errors} errors\n`);
      }
    }
  } finally {
    await browser.close();
    studioServer.close();
    papaServer.close();
    rmSync(harness, { recursive: true, force: true });
  }

  const studio = median(runs.Studio.map((r) => r.readSeconds));
  const studioWall = median(runs.Studio.map((r) => r.wall));
  const rows = [
    { contender: 'Studio (worker: read + parse)', seconds: studio },
    { contender: 'Studio (wall: change → shape shown)', seconds: studioWall },
    ...Object.keys(HARNESS).map((name) => ({ contender: name, seconds: median(runs[name].map((r) => r.ms / 1000)) })),
  ].map((r) => ({ ...r, mbPerS: bytes / 1e6 / r.seconds, studioSpeedup: r.seconds / studio, studioWallSpeedup: r.seconds / studioWall }));

  const cpu = cpuInfo();
  console.log(`CSV load, ${(bytes / 1e6).toFixed(1)} MB numeric CSV (${FLOATS} float + 2 int columns), median of ${RUNS} runs · ${cpu.cpus} × ${cpu.model} · ${os.platform()} · Chromium ${chromiumVersion} · PapaParse ${papaVersion}`);
  console.log('| contender | median | throughput | Studio worker time: speed-up over it | Studio wall time: speed-up over it |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.contender} | ${r.seconds.toFixed(2)} s | ${r.mbPerS.toFixed(0)} MB/s | ${r.studioSpeedup.toFixed(2)}× | ${r.studioWallSpeedup.toFixed(2)}× |`);
  }
  const s = runs.Studio;
  console.log(`Studio breakdown (medians): worker read + parse ${studio.toFixed(2)} s; change → "saving" status ${median(s.map((r) => r.toSaving)).toFixed(2)} s; ` +
    `change → shape shown ${median(s.map((r) => r.wall)).toFixed(2)} s; setInputFiles → shape (node) ${median(s.map((r) => r.nodeWall)).toFixed(2)} s; ` +
    `typed columns ${(median(s.map((r) => r.memoryBytes)) / 1e6).toFixed(1)} MB`);

  const out = join(DATA, 'csv-load.json');
  writeFileSync(out, JSON.stringify({
    date: new Date().toISOString(), chromium: chromiumVersion, papaparse: papaVersion, cpu, platform: os.platform(),
    file: { path: file, bytes }, runs: RUNS, summary: rows, raw: runs,
  }, null, 2));
  console.log(`wrote ${out}`);
}

// ---------------------------------------------------------------------------------
// The 2 GB load, with the browser's memory sampled from /proc every 200 ms

function processes() {
  const list = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      list.push({ pid: Number(entry), ppid });
    } catch { /* gone */ }
  }
  return list;
}

function rssOf(pid) {
  try {
    const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function cmdline(pid) {
  try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' '); } catch { return ''; }
}

/** The browser process: the one started with this profile folder and no --type. */
function browserPid(profile) {
  return processes().find((p) => {
    const line = cmdline(p.pid);
    return line.includes(`--user-data-dir=${profile}`) && !line.includes('--type=');
  })?.pid;
}

/** The browser process and all its descendants. */
function chromiumTree(rootPid) {
  const all = processes();
  const tree = new Set([rootPid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of all) if (!tree.has(p.pid) && tree.has(p.ppid)) { tree.add(p.pid); grew = true; }
  }
  return [...tree].map((pid) => ({ pid, renderer: cmdline(pid).includes('--type=renderer') }));
}

/** RSS summed over the renderers and over all of Chromium; the largest renderer (the tab's). */
function sampleMemory(rootPid) {
  let renderer = 0;
  let renderers = 0;
  let largest = 0;
  let total = 0;
  for (const p of chromiumTree(rootPid)) {
    const rss = rssOf(p.pid);
    total += rss;
    if (p.renderer) {
      renderer += rss;
      renderers += 1;
      largest = Math.max(largest, rss);
    }
  }
  return { renderer, renderers, largest, total };
}

async function huge() {
  const file = join(DATA, 'csv-load-numeric-2gb-v1.csv');
  const bytes = generate(file, 2e9, 2);
  const server = await startServer({ dir: join(root, 'dist'), port: STUDIO_PORT });
  // A persistent profile on disk, so the saved copy goes to disk as it would for a
  // person (an incognito-like context may keep its storage in memory).
  const profile = mkdtempSync(join(os.tmpdir(), 'csv-load-profile-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: ARGS, headless: true });
  let crashed = false;
  const samples = [];
  let timer;
  let result;
  let baseline;
  try {
    // The persistent context opens with one blank tab: use it rather than add one.
    const page = await openStudio(context, context.pages()[0]);
    page.on('crash', () => { crashed = true; });
    const rootPid = browserPid(profile);
    if (!rootPid) throw new Error('could not find the browser process to sample');
    baseline = sampleMemory(rootPid);
    const t0 = Date.now();
    timer = setInterval(() => samples.push({ t: (Date.now() - t0) / 1000, ...sampleMemory(rootPid) }), 200);
    result = await loadInStudio(page, file, 600_000);
    clearInterval(timer);
    if (crashed) result.kind = 'crashed';
    if (!crashed && !page.isClosed()) {
      const alerts = await page.locator('[role=alert]').allTextContents();
      result.alerts = alerts;
    }
  } finally {
    clearInterval(timer);
    await context.close().catch(() => {});
    server.close();
    rmSync(profile, { recursive: true, force: true });
  }
  const peak = samples.reduce((m, s) => (s.renderer > m.renderer ? s : m), { renderer: 0, total: 0, t: 0 });
  const peakTotal = Math.max(0, ...samples.map((s) => s.total));
  const peakLargest = Math.max(0, ...samples.map((s) => s.largest));
  const settled = samples.at(-1) ?? baseline;
  const typed = result.memoryBytes ?? null;
  const mb = (n) => `${(n / 1e6).toFixed(0)} MB`;
  console.log(`CSV load, ${(bytes / 1e9).toFixed(2)} GB numeric CSV in Studio · ${cpuInfo().cpus} × ${cpuInfo().model} · ${chromiumVersion()}`);
  console.log(`outcome: ${result.kind}${result.text ? ` — ${result.text}` : ''}${result.shape ? ` — ${result.shape}` : ''}`);
  if (result.facts) console.log(`facts: ${result.facts}`);
  if (result.alerts?.length) console.log(`alerts: ${result.alerts.join(' | ')}`);
  console.log(`wall ${result.wall?.toFixed(1) ?? '?'} s (change → shape/error); worker read + parse ${result.readSeconds ?? '?'} s; to "saving" ${result.toSaving?.toFixed(1) ?? '?'} s`);
  console.log(`renderer RSS (sum of ${baseline.renderers} renderer processes): baseline ${mb(baseline.renderer)}, peak ${mb(peak.renderer)} at ${peak.t.toFixed(1)} s, at the end ${mb(settled.renderer)}; ` +
    `largest renderer: baseline ${mb(baseline.largest)}, peak ${mb(peakLargest)}; all Chromium processes: baseline ${mb(baseline.total)}, peak ${mb(peakTotal)}`);
  if (typed) {
    console.log(`typed columns ${mb(typed)}: the tab's renderer at its peak / typed = ${(peakLargest / typed).toFixed(2)}× ` +
      `((peak − baseline) / typed = ${((peakLargest - baseline.largest) / typed).toFixed(2)}×); all renderers summed: ` +
      `${(peak.renderer / typed).toFixed(2)}× (${((peak.renderer - baseline.renderer) / typed).toFixed(2)}× over baseline); target ≤ 1.5×`);
  }
  const out = join(DATA, 'csv-load-huge.json');
  writeFileSync(out, JSON.stringify({
    date: new Date().toISOString(), cpu: cpuInfo(), file: { path: file, bytes }, result, crashed,
    baseline, peak, peakTotal, peakLargest, typedBytes: typed, samples,
  }, null, 2));
  console.log(`wrote ${out}`);
}

if (HUGE) await huge();
else await compare();

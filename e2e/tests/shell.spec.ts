import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { computeWorker, expectDevice, openStudio, panicUi } from './support';

test('shows the notebook layout: header, rail of cells, main area', async ({ page }) => {
  await openStudio(page);
  const rail = page.getByRole('navigation', { name: 'Notebook cells' });
  await expect(rail.getByRole('button')).toHaveText(['Note · Welcome', 'Data', 'Split · 20 % test · seed 42', 'Train']);
  // Data and train cells show their state: nothing has run yet.
  await expect(rail.getByLabel('State of Data')).toHaveText('no data');
  await expect(rail.getByLabel('State of Train')).toHaveText('stale');
  await rail.getByRole('button', { name: 'Train' }).click();
  await expect(rail.getByRole('button', { name: 'Train' })).toHaveAttribute('aria-current', 'true');
  const note = page.getByRole('main').getByRole('article', { name: 'Note · Welcome' });
  await expect(note).toContainText('runs entirely in this browser tab');
  await expect(page.getByRole('main').getByRole('region', { name: 'Data', exact: true })).toBeVisible();
  await expect(page.getByRole('main').getByRole('region', { name: 'Train' })).toBeVisible();
});

test('reports the compute device, chosen and verified in the worker', async ({ page }, info) => {
  await openStudio(page);
  const status = page.getByRole('status', { name: 'Compute device' });
  await expectDevice(status, info.project.name);

  await page.getByRole('button', { name: 'Compute details' }).click();
  const details = page.getByRole('region', { name: 'Compute device details' });
  if (info.project.name === 'webgpu') {
    await expect(details).toContainText('Kernel verified: matvec 257×129 agreed with the CPU');
    await expect(details.getByText('WebGPU', { exact: true })).toBeVisible();
  } else {
    await expect(details).toContainText('Why the CPU');
    await expect(details).not.toContainText('Kernel verified');
  }
});

test('runs the compute check with progress, results and cancel', async ({ page }, info) => {
  await openStudio(page);
  await expectDevice(page.getByRole('status', { name: 'Compute device' }), info.project.name);
  await page.getByRole('button', { name: 'Compute details' }).click();
  const check = page.getByRole('region', { name: 'Compute check' });

  await check.getByLabel('Repetitions').fill('1');
  await check.getByRole('button', { name: 'Run compute check' }).click();
  const table = check.getByRole('table');
  await expect(table).toBeVisible();
  const rows = table.getByRole('row');
  await expect(rows).toHaveCount(1 + 8);
  if (info.project.name === 'webgpu') {
    await expect(table.getByRole('cell', { name: 'agrees' })).toHaveCount(8);
    await expect(check).toContainText('Every case agreed with the CPU.');
  } else {
    await expect(table.getByRole('cell', { name: 'reference' })).toHaveCount(8);
    await expect(check).toContainText('timings only');
  }

  // A long check shows progress and stops when cancelled.
  await check.getByLabel('Repetitions').fill('1000');
  await check.getByRole('button', { name: 'Run compute check' }).click();
  const progress = check.getByRole('progressbar', { name: 'Compute check progress' });
  await expect(progress).toBeVisible();
  await expect(progress).not.toHaveAttribute('value', '0');
  await check.getByRole('button', { name: 'Cancel' }).click();
  await expect(check.getByText('Compute check cancelled.')).toBeVisible();
  await expect(check.getByRole('button', { name: 'Run compute check' })).toBeEnabled();
});

/// A second origin on loopback that would answer anyone (CORS allows all), so that
/// only the Content-Security-Policy can keep the page and its worker from it.
async function otherOrigin() {
  let hits = 0;
  const server = createServer((req, res) => {
    hits += 1;
    res.writeHead(200, { 'Content-Type': 'text/javascript', 'Access-Control-Allow-Origin': '*' });
    res.end('globalThis.__remoteRan = true;');
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, hits: () => hits, close: () => server.close() };
}

test('no request leaves the page origin, and the CSP blocks inline and other-origin scripts in the page and the worker', async ({ page, context }, info) => {
  const origins = new Set<string>();
  context.on('request', (request) => origins.add(new URL(request.url()).origin));
  const other = await otherOrigin();
  const workerStarted = computeWorker(page);
  await openStudio(page);
  const worker = await workerStarted;
  await expectDevice(page.getByRole('status', { name: 'Compute device' }), info.project.name);
  await page.getByRole('button', { name: 'Compute details' }).click();
  await page.getByLabel('Repetitions').fill('1');
  await page.getByRole('button', { name: 'Run compute check' }).click();
  await expect(page.getByRole('table')).toBeVisible();

  const own = new URL(page.url()).origin;
  expect([...origins]).toEqual([own]);

  const blocked = await page.evaluate(async (remote) => {
    const inline = document.createElement('script');
    inline.textContent = 'window.__inlineRan = true;';
    document.head.append(inline);
    const script = document.createElement('script');
    script.src = `${remote}/probe.js`;
    const loaded = new Promise<string>((done) => {
      script.onload = () => done('loaded');
      script.onerror = () => done('blocked');
    });
    document.head.append(script);
    let fetched = 'allowed';
    try {
      await fetch(`${remote}/data`);
    } catch {
      fetched = 'blocked';
    }
    const flags = window as { __inlineRan?: boolean; __remoteRan?: boolean };
    return { inline: flags.__inlineRan === true, script: await loaded, ran: flags.__remoteRan === true, fetched };
  }, other.url);
  expect(blocked).toEqual({ inline: false, script: 'blocked', ran: false, fetched: 'blocked' });

  // The worker's policy comes from its script's response headers.
  const fromWorker = await worker.evaluate(async (remote) => {
    let fetched = 'allowed';
    try {
      await fetch(`${remote}/data`);
    } catch {
      fetched = 'blocked';
    }
    let imported = 'allowed';
    try {
      importScripts(`${remote}/probe.js`);
    } catch {
      imported = 'blocked';
    }
    return { fetched, imported };
  }, other.url);
  expect(fromWorker).toEqual({ fetched: 'blocked', imported: 'blocked' });
  expect(other.hits()).toBe(0);
  other.close();
});

test('responses carry the security headers, and nothing can pair a new page with an old worker', async ({ request }) => {
  for (const path of ['/', '/worker-boot.js', '/studio-worker.js', '/studio-worker_bg.wasm']) {
    const response = await request.get(path);
    expect(response.status(), path).toBe(200);
    const headers = response.headers();
    expect(headers['content-security-policy'], path).toContain("worker-src 'self'");
    expect(headers['content-security-policy'], path).toContain("connect-src 'self'");
    expect(headers['x-content-type-options'], path).toBe('nosniff');
    expect(headers['referrer-policy'], path).toBe('no-referrer');
    // The page is revalidated on every load. The worker's files keep their names, but
    // are asked for with the build in the query, so each build's URLs are its own and
    // are kept for good.
    expect(headers['cache-control'], path).toBe(path === '/' ? 'no-cache' : 'public, max-age=31536000, immutable');
  }
  const boot = await (await request.get('/worker-boot.js')).text();
  expect(boot).toContain("importScripts('./studio-worker.js' + query)");
  expect(boot).toContain("module_or_path: './studio-worker_bg.wasm' + query");
  const page = await (await request.get('/')).text();
  const hashed = /src="\/?(studio-app-[0-9a-f]+\.js)"|data-js="\/?(studio-app-[0-9a-f]+\.js)"/.exec(page);
  expect(hashed).not.toBeNull();
  const script = await request.get(`/${hashed![1] ?? hashed![2]}`);
  expect(script.headers()['cache-control']).toContain('immutable');
  expect((await request.get('/_headers')).status()).toBe(403);
});

test('a panic on the UI thread shows a readable crash panel', async ({ page }) => {
  await openStudio(page);
  await panicUi(page, 'simulated failure for the crash panel');
  const panel = page.getByRole('alertdialog', { name: 'Studio stopped working' });
  await expect(panel).toBeVisible();
  await expect(panel).toContainText('simulated failure for the crash panel');
  await expect(panel.getByRole('link', { name: 'Reload Studio' })).toBeVisible();
});

test('a crashed worker is detected, restarted, and the person is told', async ({ page }, info) => {
  const workerStarted = computeWorker(page);
  await openStudio(page);
  const worker = await workerStarted;
  const status = page.getByRole('status', { name: 'Compute device' });
  await expectDevice(status, info.project.name);

  // wasm-bindgen's no-modules glue declares `wasm_bindgen` with `let`: a global
  // binding, but not a property of globalThis.
  await worker.evaluate(() => {
    // @ts-expect-error declared by the worker's glue script
    setTimeout(() => wasm_bindgen.diagnostics_panic('simulated worker failure'), 0);
  });
  const notice = page.getByRole('alert');
  await expect(notice).toContainText('The compute worker stopped unexpectedly');
  await expect(notice).toContainText('simulated worker failure');
  await expectDevice(status, info.project.name);

  // The replacement worker does work.
  await page.getByRole('button', { name: 'Compute details' }).click();
  await page.getByLabel('Repetitions').fill('1');
  await page.getByRole('button', { name: 'Run compute check' }).click();
  await expect(page.getByRole('table')).toBeVisible();
  await notice.getByRole('button', { name: 'Dismiss' }).click();
  await expect(notice).toBeHidden();
});

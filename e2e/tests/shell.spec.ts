import { expect, test, type Page } from '@playwright/test';

// What the device status must say in each project of the suite.
function expectedDevice(project: string): RegExp {
  return project === 'webgpu' ? /^WebGPU · \S/ : /^CPU · \S/;
}

async function openStudio(page: Page) {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Studio', level: 1 })).toBeVisible();
}

test('shows the notebook layout: header, rail of cells, main area', async ({ page }) => {
  await openStudio(page);
  const rail = page.getByRole('navigation', { name: 'Notebook cells' });
  await expect(rail.getByRole('listitem')).toHaveText(['Note · Welcome', 'Data', 'Train']);
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
  await expect(status).toHaveText(expectedDevice(info.project.name));

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
  await expect(page.getByRole('status', { name: 'Compute device' })).toHaveText(expectedDevice(info.project.name));
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

test('no request leaves the page origin, and the CSP blocks inline and remote scripts', async ({ page, context }, info) => {
  const origins = new Set<string>();
  context.on('request', (request) => origins.add(new URL(request.url()).origin));
  await openStudio(page);
  await expect(page.getByRole('status', { name: 'Compute device' })).toHaveText(expectedDevice(info.project.name));
  await page.getByRole('button', { name: 'Compute details' }).click();
  await page.getByLabel('Repetitions').fill('1');
  await page.getByRole('button', { name: 'Run compute check' }).click();
  await expect(page.getByRole('table')).toBeVisible();

  const own = new URL(page.url()).origin;
  expect([...origins]).toEqual([own]);

  const blocked = await page.evaluate(async () => {
    const inline = document.createElement('script');
    inline.textContent = 'window.__inlineRan = true;';
    document.head.append(inline);
    let remote = 'allowed';
    try {
      await fetch('https://example.com/');
    } catch {
      remote = 'blocked';
    }
    return { inline: (window as { __inlineRan?: boolean }).__inlineRan === true, remote };
  });
  expect(blocked).toEqual({ inline: false, remote: 'blocked' });
  expect([...origins]).toEqual([own]);
});

test('a panic on the UI thread shows a readable crash panel', async ({ page }) => {
  await openStudio(page);
  const module = await page.locator('script[data-js]').getAttribute('data-js');
  await page.evaluate(async (url) => {
    const app = await import(url!);
    try {
      app.diagnostics_panic('simulated failure for the crash panel');
    } catch {
      // The panic ends in a wasm trap; the panel is what the person sees.
    }
  }, module);
  const panel = page.getByRole('alertdialog', { name: 'Studio stopped working' });
  await expect(panel).toBeVisible();
  await expect(panel).toContainText('simulated failure for the crash panel');
  await expect(panel.getByRole('link', { name: 'Reload Studio' })).toBeVisible();
});

test('a crashed worker is detected, restarted, and the person is told', async ({ page }, info) => {
  const workerStarted = page.waitForEvent('worker');
  await openStudio(page);
  const worker = await workerStarted;
  const status = page.getByRole('status', { name: 'Compute device' });
  await expect(status).toHaveText(expectedDevice(info.project.name));

  // wasm-bindgen's no-modules glue declares `wasm_bindgen` with `let`: a global
  // binding, but not a property of globalThis.
  await worker.evaluate(() => {
    // @ts-expect-error declared by the worker's glue script
    setTimeout(() => wasm_bindgen.diagnostics_panic('simulated worker failure'), 0);
  });
  const notice = page.getByRole('alert');
  await expect(notice).toContainText('The compute worker stopped unexpectedly');
  await expect(notice).toContainText('simulated worker failure');
  await expect(status).toHaveText(expectedDevice(info.project.name));

  // The replacement worker does work.
  await page.getByRole('button', { name: 'Compute details' }).click();
  await page.getByLabel('Repetitions').fill('1');
  await page.getByRole('button', { name: 'Run compute check' }).click();
  await expect(page.getByRole('table')).toBeVisible();
  await notice.getByRole('button', { name: 'Dismiss' }).click();
  await expect(notice).toBeHidden();
});

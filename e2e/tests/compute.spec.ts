import { expect, test, type Page } from '@playwright/test';

// The kernel layer as a person meets it: the conformance suite on this browser's GPU,
// and the benchmark that times an operation on the CPU or the GPU.

async function openDetails(page: Page, project: string) {
  await page.goto('/');
  const status = page.getByRole('status', { name: 'Compute device' });
  await expect(status).toHaveText(project === 'webgpu' ? /^WebGPU · \S/ : /^CPU · \S/);
  await page.getByRole('button', { name: 'Compute details' }).click();
}

test('runs every kernel on the GPU against the CPU, or says why it cannot', async ({ page }, info) => {
  await openDetails(page, info.project.name);
  const suite = page.getByRole('region', { name: 'Kernel conformance' });
  const run = suite.getByRole('button', { name: 'Run conformance suite' });
  if (info.project.name !== 'webgpu') {
    await expect(run).toBeDisabled();
    await expect(suite).toContainText('Needs a GPU');
    return;
  }
  await run.click();
  const table = suite.getByRole('table');
  await expect(table).toBeVisible({ timeout: 60_000 });
  // One row per operation, each compared with the CPU.
  await expect(table.getByRole('row')).toHaveCount(1 + 15);
  for (const op of ['gemm 130×70×90 Bᵀ', 'gemv 1000×33 Aᵀ', 'softmax_cross_entropy 500×4', 'histogram ×10000 16 bins weighted', 'binned_histogram 5000×4 rows 1000..3001 listed', 'adam ×1000']) {
    await expect(table.getByRole('rowheader', { name: op })).toBeVisible();
  }
  await expect(table.getByRole('cell', { name: 'agrees' })).toHaveCount(15);
  await expect(suite.getByText('Every kernel agreed with the CPU.')).toHaveAttribute('data-passed', 'true');
});

test('times an operation on each device and keeps the runs side by side', async ({ page }, info) => {
  await openDetails(page, info.project.name);
  const bench = page.getByRole('region', { name: 'Benchmark' });
  await bench.getByLabel('Operation').selectOption('gemm');
  await bench.getByLabel('Size').fill('128');
  await bench.getByLabel('Run on').selectOption('cpu');
  await bench.getByRole('button', { name: 'Run benchmark' }).click();
  const table = bench.getByRole('table', { name: 'Benchmark runs' });
  const cpuRow = table.getByRole('row').filter({ hasText: 'cpu' });
  await expect(cpuRow).toContainText('128 × 128 × 128');
  const rate = await cpuRow.getByRole('cell').nth(3).textContent();
  expect(Number(rate)).toBeGreaterThan(0);

  await bench.getByLabel('Operation').selectOption('logistic_step');
  await expect(bench.getByLabel('Size')).toHaveValue('200000');
  await bench.getByLabel('Size').fill('20000');
  await bench.getByLabel('Run on').selectOption('gpu');
  await bench.getByRole('button', { name: 'Run benchmark' }).click();
  if (info.project.name === 'webgpu') {
    const gpuRow = table.getByRole('row').filter({ hasText: 'logistic_step' });
    await expect(gpuRow).toContainText('gpu');
    await expect(gpuRow).toContainText('20000 × 32 × 1');
    await expect(table.getByRole('row')).toHaveCount(3);
  } else {
    await expect(bench.getByRole('alert')).toContainText('there is no GPU to time');
    await expect(table.getByRole('row')).toHaveCount(2);
  }

  // A size the page cannot hold is refused before anything is allocated.
  await bench.getByLabel('Operation').selectOption('gemm');
  await bench.getByLabel('Size').fill('100000');
  await bench.getByRole('button', { name: 'Run benchmark' }).click();
  await expect(bench.getByRole('alert')).toContainText('choose a smaller size');
});

test('times the training objective on each device as a fit evaluates it', async ({ page }, info) => {
  await openDetails(page, info.project.name);
  const bench = page.getByRole('region', { name: 'Benchmark' });
  await bench.getByLabel('Operation').selectOption('logistic_objective');
  await bench.getByLabel('Size').fill('20000');
  const table = bench.getByRole('table', { name: 'Benchmark runs' });
  const devices = info.project.name === 'webgpu' ? ['cpu', 'gpu'] : ['cpu'];
  for (const [i, device] of devices.entries()) {
    await bench.getByLabel('Run on').selectOption(device);
    await bench.getByRole('button', { name: 'Run benchmark' }).click();
    // Rows × inputs × classes, on the device asked for, at a positive rate.
    await expect(table.getByRole('row')).toHaveCount(2 + i);
    const row = table
      .getByRole('row')
      .filter({ has: page.getByRole('cell', { name: device, exact: true }) });
    await expect(row.getByRole('rowheader')).toHaveText('logistic_objective');
    await expect(row).toContainText('20000 × 32 × 2');
    expect(Number(await row.getByRole('cell').nth(3).textContent())).toBeGreaterThan(0);
  }
});

test('a fallback WebGPU adapter is passed over unless the GPU is asked for', async ({ page }, info) => {
  const status = page.getByRole('status', { name: 'Compute device' });
  if (info.project.name !== 'webgpu') {
    // Asked for, a GPU that is not there is explained, and the CPU runs the work.
    await page.goto('/?device=gpu');
    await expect(status).toHaveText(/^CPU · (this browser does not offer WebGPU|WebGPU offered no adapter)/);
    return;
  }
  // The address wins over the setting this project keeps (`studio.device` = gpu).
  await page.goto('/?device=auto');
  await expect(status).toHaveText(/^CPU · .*is a software renderer running on the CPU/);
  await expect(status).toContainText('?device=gpu');
  await page.goto('/?device=gpu');
  await expect(status).toHaveText(/^WebGPU · \S/);
});

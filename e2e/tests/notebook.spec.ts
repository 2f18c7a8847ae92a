import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { deflateRawSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { UNIT_METRIC, bigCsv, openSample, train } from './support';

// scikit-learn's test metrics on the same split (core/tests/reference/*.json).
const IRIS = { accuracy: '0.9333', f1: '0.9306' };
const DIABETES_R2 = '0.5169';
const ONNX_PYTHON = fileURLToPath(new URL('../../.tools/onnx-venv/bin/python', import.meta.url));
// Built by `make test-native`, which runs before the browser suite.
const TARGET = process.env.CARGO_TARGET_DIR ?? fileURLToPath(new URL('../../target', import.meta.url));
const STUDIO = `${TARGET}/debug/studio`;

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Studio', level: 1 })).toBeVisible();
});

test('trains a classifier on the Iris sample and shows test metrics and the device', async ({ page }, info) => {
  await openSample(page, 'iris.csv', 'iris.csv · 150 rows × 5 columns');
  await expect(page.getByRole('table', { name: 'Columns' })).toContainText('species');
  await expect(page.getByRole('status', { name: 'Rows shown' })).toHaveText('150 rows');
  await expect(page.getByRole('region', { name: 'Data table' })).toContainText('setosa');
  await expect(page.getByLabel('Target column')).toHaveValue('species');
  await expect(page.getByLabel('Task')).toHaveValue('classification');
  await expect(page.getByRole('combobox', { name: /^Model/ })).toHaveValue('logistic');

  const metrics = await train(page);
  await expect(metrics.getByLabel('Accuracy')).toHaveText(IRIS.accuracy);
  await expect(metrics.getByLabel('Macro F1')).toHaveText(IRIS.f1);
  await expect(metrics.getByRole('table', { name: 'Confusion matrix' }).getByRole('row')).toHaveCount(4);
  // Training runs where the status says: the verified GPU (SwiftShader), else the CPU.
  await expect(metrics).toContainText(info.project.name === 'webgpu' ? 'Device: WebGPU · ' : 'Device: CPU · ');
  await expect(page.getByRole('img', { name: /^Loss curve: objective from/ })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Notebook cells' })).toContainText('Train · logistic → species');
});

test('trains a ridge regression on the Diabetes sample', async ({ page }) => {
  await openSample(page, 'diabetes.csv', 'diabetes.csv · 442 rows × 11 columns');
  await expect(page.getByLabel('Target column')).toHaveValue('progression');
  await expect(page.getByLabel('Task')).toHaveValue('regression');
  await expect(page.getByRole('combobox', { name: /^Model/ })).toHaveValue('linear');
  const metrics = await train(page);
  await expect(metrics.getByLabel('R²')).toHaveText(DIABETES_R2);
  await expect(metrics.getByLabel('RMSE')).toHaveText(/^\d+\.\d{4}$/);
  await expect(metrics.getByLabel('MAE')).toHaveText(/^\d+\.\d{4}$/);
});

test('downloads the pipeline as ONNX that onnx checks, and as JSON', async ({ page }, info) => {
  await openSample(page, 'iris.csv', 'iris.csv · 150 rows × 5 columns');
  await expect((await train(page)).getByLabel('Accuracy')).toHaveText(IRIS.accuracy);

  const [onnx] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download ONNX' }).click()]);
  expect(onnx.suggestedFilename()).toBe('model.onnx');
  const onnxPath = info.outputPath('model.onnx');
  await onnx.saveAs(onnxPath);
  const names = execFileSync(ONNX_PYTHON, ['-c', [
    'import onnx, sys',
    'm = onnx.load(sys.argv[1])',
    'onnx.checker.check_model(m, full_check=True)',
    'print(",".join(i.name for i in m.graph.input) + "|" + ",".join(o.name for o in m.graph.output))',
  ].join('\n'), onnxPath]).toString().trim();
  expect(names).toBe('sepal_length,sepal_width,petal_length,petal_width|label,probabilities');

  const [json] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download JSON' }).click()]);
  expect(json.suggestedFilename()).toBe('model.json');
  const pipeline = JSON.parse(readFileSync(await json.path(), 'utf8'));
  expect(pipeline.target).toBe('species');
  expect(pipeline.model.classes).toEqual(['setosa', 'versicolor', 'virginica']);
});

test('a share link opened in a fresh browser reproduces the notebook and its metrics', async ({ page, browser }) => {
  await openSample(page, 'iris.csv', 'iris.csv · 150 rows × 5 columns');
  await page.getByLabel('C (inverse regularization)').fill('0.5');
  await page.getByLabel('C (inverse regularization)').press('Tab');
  await page.getByLabel('Seed', { exact: true }).fill('7');
  await page.getByLabel('Seed', { exact: true }).press('Tab');
  const metrics = await train(page);
  const accuracy = await metrics.getByLabel('Accuracy').textContent();
  const f1 = await metrics.getByLabel('Macro F1').textContent();
  // scikit-learn on seed 7, C = 0.5 (core/tests/reference/iris_logistic_seed7.json).
  expect([accuracy, f1]).toEqual(['0.9333', '0.9167']);

  await page.getByRole('button', { name: 'Copy share link' }).click();
  const link = await page.getByLabel(/^Share link/).inputValue();
  expect(link).toMatch(/#nb=[A-Za-z0-9_-]+$/);

  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  await other.goto(link);
  await expect(other.getByLabel('Dataset shape')).toHaveText('iris.csv · 150 rows × 5 columns');
  await expect(other.getByLabel('C (inverse regularization)')).toHaveValue('0.5');
  await expect(other.getByLabel('Seed', { exact: true })).toHaveValue('7');
  const reproduced = other.getByRole('region', { name: 'Metrics' });
  await expect(reproduced.getByLabel('Accuracy')).toHaveText(accuracy!);
  await expect(reproduced.getByLabel('Macro F1')).toHaveText(f1!);
  await fresh.close();
});

test('a downloaded notebook runs natively with `studio run` to the same metrics', async ({ page }, info) => {
  await openSample(page, 'diabetes.csv', 'diabetes.csv · 442 rows × 11 columns');
  await page.getByLabel('Alpha (regularization)').fill('10');
  await page.getByLabel('Alpha (regularization)').press('Tab');
  const metrics = await train(page);
  const shown = await Promise.all(['RMSE', 'MAE', 'R²'].map((m) => metrics.getByLabel(m).textContent()));

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download notebook' }).click()]);
  expect(download.suggestedFilename()).toBe('notebook.json');
  const path = info.outputPath('notebook.json');
  await download.saveAs(path);
  const native = JSON.parse(execFileSync(STUDIO, ['run', path, '--json']).toString());
  expect([native.metrics.rmse, native.metrics.mae, native.metrics.r2].map((x: number) => x.toFixed(4))).toEqual(shown);
});

test('reloading the page keeps the notebook', async ({ page }) => {
  await openSample(page, 'diabetes.csv', 'diabetes.csv · 442 rows × 11 columns');
  await page.getByLabel('Alpha (regularization)').fill('10');
  await page.getByLabel('Alpha (regularization)').press('Tab');
  await page.reload();
  await expect(page.getByLabel('Dataset shape')).toHaveText('diabetes.csv · 442 rows × 11 columns');
  await expect(page.getByLabel('Alpha (regularization)')).toHaveValue('10');
  await expect(page.getByLabel('Target column')).toHaveValue('progression');
});

test('a local file: opened, shared by name and hash, asked for again, and checked', async ({ page, browser }) => {
  const csv = readFileSync(fileURLToPath(new URL('../../core/tests/fixtures/mixed.csv', import.meta.url)));
  await page.getByLabel('Open CSV').setInputFiles({ name: 'mixed.csv', mimeType: 'text/csv', buffer: csv });
  await expect(page.getByLabel('Dataset shape')).toHaveText('mixed.csv · 120 rows × 6 columns');
  const columns = page.getByRole('table', { name: 'Columns' });
  await expect(columns.getByLabel('Type of colour')).toHaveValue('categorical');
  // Every note is different: an ID, which is not learnt from.
  await expect(columns.getByLabel('Type of note')).toHaveValue('id');
  await expect(columns.getByLabel('Role of note')).toHaveValue('id');
  await expect((await train(page)).getByLabel('Accuracy')).toHaveText(UNIT_METRIC);

  await page.getByRole('button', { name: 'Copy share link' }).click();
  const link = await page.getByLabel(/^Share link/).inputValue();
  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  await other.goto(link);
  await expect(other.getByRole('alert').filter({ hasText: 'This notebook was made with mixed.csv (120 rows × 6 columns)' })).toBeVisible();

  const changed = Buffer.from(csv.toString().replace('3.91,red', '3.92,red'));
  await other.getByLabel('Open CSV').setInputFiles({ name: 'mixed.csv', mimeType: 'text/csv', buffer: changed });
  await expect(other.getByRole('alert').filter({ hasText: 'is not the file this notebook was made with' })).toBeVisible();
  await other.getByLabel('Open CSV').setInputFiles({ name: 'mixed.csv', mimeType: 'text/csv', buffer: csv });
  await expect(other.getByLabel('Dataset shape')).toHaveText('mixed.csv · 120 rows × 6 columns');
  await expect(other.getByText('is not the file this notebook was made with')).toBeHidden();
  await fresh.close();
});

test('a CSV dropped on the page opens', async ({ page }) => {
  const drop = await page.evaluateHandle(() => {
    const data = new DataTransfer();
    data.items.add(new File(['a,b\n1,x\n2,y\n3,x\n4,y\n'], 'dropped.csv', { type: 'text/csv' }));
    return data;
  });
  await page.getByRole('main').dispatchEvent('drop', { dataTransfer: drop });
  await expect(page.getByLabel('Dataset shape')).toHaveText('dropped.csv · 4 rows × 2 columns');
});

test('Stop ends a long training run with the model so far, and the app stays usable', async ({ page }) => {
  // Sixty thousand rows and a forest: slow on a busy machine.
  test.slow();
  await page.getByLabel('Open CSV').setInputFiles({ name: 'big.csv', mimeType: 'text/csv', buffer: bigCsv(60_000, 24) });
  await expect(page.getByLabel('Dataset shape')).toHaveText('big.csv · 60000 rows × 25 columns', { timeout: 60_000 });
  // A hundred trees on 48,000 rows cannot finish before Stop (logistic
  // regression can converge first).
  await page.getByRole('combobox', { name: /^Model/ }).selectOption('random_forest');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: /Training · tree [1-9]/ })).toBeVisible({ timeout: 90_000 });
  // The out-of-bag score is drawn as the trees come.
  await expect(page.getByRole('img', { name: /^Out-of-bag accuracy: from \d\.\d{4} to \d\.\d{4} \(best \d\.\d{4}\) over \d+ trees$/ })).toBeVisible();
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByRole('status').filter({ hasText: /^Stopped at tree \d+ of 100: the metrics and downloads are of the model as it stood\.$/ })).toBeVisible({ timeout: 90_000 });
  await expect(page.getByRole('region', { name: 'Metrics' }).getByLabel('Accuracy')).toHaveText(/^0\.\d{4}$/);
  await expect(page.getByRole('button', { name: 'Train', exact: true })).toBeEnabled();
});

test('a GPU lost during training: the run goes on on the CPU from where it was, and says so', async ({ page }, info) => {
  await expect(page.getByRole('status', { name: 'Compute device' })).toHaveText(info.project.name === 'webgpu' ? /^WebGPU · \S/ : /^CPU · \S/);
  await page.getByLabel('Open CSV').setInputFiles({ name: 'big.csv', mimeType: 'text/csv', buffer: bigCsv(60_000, 24) });
  await expect(page.getByLabel('Dataset shape')).toHaveText('big.csv · 60000 rows × 25 columns', { timeout: 60_000 });
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  const metrics = page.getByRole('region', { name: 'Metrics' });
  const running = page.getByRole('status').filter({ hasText: /Training · iteration [2-9]/ });
  // On the CPU the fit can end before a step is seen; there is no GPU to lose then.
  await expect(info.project.name === 'webgpu' ? running : running.or(metrics)).toBeVisible({ timeout: 60_000 });
  // Asked of every worker: the compute worker answers; its fingerprint helper has
  // chosen no device. wasm-bindgen's no-modules glue declares `wasm_bindgen` with
  // `let`: a global binding, but not a property of globalThis.
  const answers = await Promise.all(
    // @ts-expect-error declared by the worker's glue script
    page.workers().map((worker) => worker.evaluate(() => wasm_bindgen.diagnostics_lose_gpu() as string).catch(() => null)),
  );
  const said = answers.find((answer) => answer !== null && answer !== 'no device has been chosen yet');
  if (info.project.name === 'webgpu') {
    expect(said).toBe('the GPU was destroyed');
    // The live view's alert says so while the CPU goes on; the CPU may finish the
    // rest before it is seen, and the metrics say so either way (below).
    const alert = page
      .getByRole('alert', { name: 'Training device' })
      .filter({ hasText: /^The GPU failed after iteration \d+ \(.*\); training went on from there on the CPU\.$/ });
    await expect(alert.or(metrics.filter({ hasText: /Device: CPU · the GPU failed/ })).first()).toBeVisible({ timeout: 60_000 });
    await expect(metrics).toContainText(/Device: CPU · the GPU failed after iteration \d+ \(.*\); training went on from there on the CPU/, { timeout: 120_000 });
    // The curve goes on from the GPU's iterations rather than starting again.
    const iteration = Number(/after iteration (\d+)/.exec((await metrics.textContent()) ?? '')![1]);
    expect(iteration).toBeGreaterThanOrEqual(2);
    await expect(metrics.getByLabel('Accuracy')).toHaveText(UNIT_METRIC);
    // The lost GPU was let go and a device chosen again: the next run trains on a new one.
    await expect(page.getByRole('status', { name: 'Compute device' })).toHaveText(/^WebGPU · \S/);
    await openSample(page, 'iris.csv', 'iris.csv · 150 rows × 5 columns');
    const again = await train(page);
    await expect(again.getByLabel('Accuracy')).toHaveText(IRIS.accuracy);
    await expect(again).toContainText('Device: WebGPU · ');
  } else {
    expect(said).toBe('the chosen device is the CPU: nothing to lose');
    await expect(metrics).toContainText('Device: CPU · ', { timeout: 120_000 });
    await expect(metrics).not.toContainText('the GPU failed');
  }
  await expect(metrics.getByLabel('Accuracy')).toHaveText(UNIT_METRIC);
});

const BAD_FILES: [string, Buffer, string][] = [
  ['empty.csv', Buffer.from(''), 'empty.csv is empty'],
  ['header.csv', Buffer.from('x,y\n'), 'has a header but no data rows'],
  ['blank.csv', Buffer.from('  \n\n'), 'blank.csv is empty'],
];

test('bad files get a clear message and the app stays usable', async ({ page }) => {
  for (const [name, buffer, message] of BAD_FILES) {
    await page.getByLabel('Open CSV').setInputFiles({ name, mimeType: 'text/csv', buffer });
    await expect(page.getByRole('alert').filter({ hasText: message })).toBeVisible();
  }
  await openSample(page, 'iris.csv', 'iris.csv · 150 rows × 5 columns');
});

test('a target with one class or no values gets a clear message', async ({ page }) => {
  await page.getByLabel('Open CSV').setInputFiles({ name: 'one.csv', mimeType: 'text/csv', buffer: Buffer.from('x,y,z\n1,a,NA\n2,a,NA\n3,a,NA\n4,a,NA\n5,a,\n6,a,NA\n') });
  await expect(page.getByLabel('Dataset shape')).toHaveText('one.csv · 6 rows × 3 columns');
  await page.getByLabel('Target column').selectOption('y');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'only one class ("a")' })).toBeVisible();
  await page.getByLabel('Target column').selectOption('z');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByRole('alert').filter({ hasText: '"z" is empty in every row' })).toBeVisible();
});

test('a version-1 share link opens and reproduces its metrics', async ({ page }) => {
  // A link as the first Studio wrote it: the schema-1 notebook, deflated, base64url.
  const fixture = fileURLToPath(new URL('../../core/tests/fixtures/notebooks/sample-logistic.json', import.meta.url));
  const v1 = readFileSync(fixture);
  const payload = deflateRawSync(v1, { level: 9 }).toString('base64url');
  await page.goto(`/#nb=${payload}`);
  await expect(page.getByLabel('Dataset shape')).toHaveText('iris.csv · 150 rows × 5 columns');
  // Its split now lives in a split cell of its own, with the values it had.
  await expect(page.getByLabel('Test size')).toHaveValue('0.25');
  await expect(page.getByLabel('Seed', { exact: true })).toHaveValue('7');
  await expect(page.getByLabel('C (inverse regularization)')).toHaveValue('0.5');
  const metrics = page.getByRole('region', { name: 'Metrics' });
  // `studio run` on the same document is the reference.
  const reference = JSON.parse(execFileSync(STUDIO, ['run', fixture, '--json', '--device', 'cpu']).toString());
  await expect(metrics.getByLabel('Accuracy')).toHaveText(reference.metrics.accuracy.toFixed(4));
  await expect(metrics.getByLabel('Macro F1')).toHaveText(reference.metrics.f1_macro.toFixed(4));
});

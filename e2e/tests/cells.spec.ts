// The notebook as a graph of cells in the page: several train cells on one split,
// the rail's states, and adding, moving and removing cells.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { openSample, openStudio } from './support';

const ONNX_PYTHON = fileURLToPath(new URL('../../.tools/onnx-venv/bin/python', import.meta.url));
const IRIS = fileURLToPath(new URL('../../data/samples/iris.csv', import.meta.url));
// Built by `make test-native`, which runs before the browser suite.
const TARGET = process.env.CARGO_TARGET_DIR ?? fileURLToPath(new URL('../../target', import.meta.url));
const STUDIO = `${TARGET}/debug/studio`;

test.beforeEach(async ({ page }) => {
  await openStudio(page);
});

async function addCell(page: Page, kind: string) {
  await page.getByRole('button', { name: 'Add cell' }).click();
  await page.getByRole('menu', { name: 'Cell kinds' }).getByRole('menuitem', { name: kind }).click();
}

test('two train cells on one dataset, logistic regression and a decision tree, each with its metrics; new reading options recompute both', async ({ page }, info) => {
  await openSample(page, 'iris.csv', 'iris.csv · 150 rows × 5 columns');
  await addCell(page, 'Train');
  const cells = page.getByRole('region', { name: 'Train' });
  await expect(cells).toHaveCount(2);
  const [logistic, tree] = [cells.nth(0), cells.nth(1)];
  await tree.getByLabel('Target column').selectOption('species');
  await tree.getByRole('combobox', { name: /^Model/ }).selectOption('tree');
  await expect(tree.getByRole('textbox', { name: /^Maximum depth/ })).toBeVisible();
  for (const cell of [logistic, tree]) {
    await cell.getByRole('button', { name: 'Train', exact: true }).click();
  }
  for (const cell of [logistic, tree]) {
    await expect(cell.getByRole('region', { name: 'Metrics' }).getByLabel('Accuracy')).toHaveText(/^(0\.\d{4}|1\.0000)$/);
  }
  const rail = page.getByRole('navigation', { name: 'Notebook cells' });
  await expect(rail.getByLabel('State of Train · logistic → species')).toHaveText('done');
  await expect(rail.getByLabel('State of Train · tree → species')).toHaveText('done');

  // Reading 5.1 as missing changes the data: both cells go stale and train again.
  await page.getByText(/^Read as comma separated/).click();
  const form = page.getByRole('form', { name: 'Reading options' });
  await form.getByLabel('Missing markers').fill('5.1');
  await form.getByRole('button', { name: 'Reload with these settings' }).click();
  await expect(rail.getByLabel('State of Train · tree → species')).toHaveText('done', { timeout: 60_000 });
  await expect(rail.getByLabel('State of Train · logistic → species')).toHaveText('done');
  const accuracy = async (cell: typeof tree) =>
    Number(await cell.getByRole('region', { name: 'Metrics' }).getByLabel('Accuracy').textContent());

  // `studio run` on the downloaded notebook reproduces both cells' numbers.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download notebook' }).click()]);
  const path = info.outputPath('two-models.json');
  await download.saveAs(path);
  const run = JSON.parse(execFileSync(STUDIO, ['run', path, '--json', '--device', 'cpu']).toString());
  expect(run.cells.map((c: { model: string }) => c.model)).toEqual(['logistic', 'tree']);
  expect(await accuracy(logistic)).toBeCloseTo(run.cells[0].metrics.accuracy, 3);
  expect(await accuracy(tree)).toBeCloseTo(run.cells[1].metrics.accuracy, 3);

  // The tree's ONNX in ONNX Runtime sends every row where Studio's tree does.
  const [onnx] = await Promise.all([page.waitForEvent('download'), tree.getByRole('button', { name: 'Download ONNX' }).click()]);
  const onnxPath = info.outputPath('tree.onnx');
  await onnx.saveAs(onnxPath);
  const [json] = await Promise.all([page.waitForEvent('download'), tree.getByRole('button', { name: 'Download JSON' }).click()]);
  const jsonPath = info.outputPath('tree.json');
  await json.saveAs(jsonPath);
  const same = execFileSync(ONNX_PYTHON, ['-c', [
    'import csv, json, sys, numpy as np, onnx, onnxruntime as ort',
    'm = onnx.load(sys.argv[1]); onnx.checker.check_model(m, full_check=True)',
    's = ort.InferenceSession(sys.argv[1], providers=["CPUExecutionProvider"])',
    'p = json.load(open(sys.argv[2])); rows = list(csv.DictReader(open(sys.argv[3])))',
    'cell = lambda v: np.nan if v.strip() in ("", "5.1") else float(v)',
    'feed = {i.name: np.array([[cell(r[i.name])] for r in rows], dtype=np.float32) for i in s.get_inputs()}',
    'labels = s.run(["label"], feed)[0]',
    // Studio's own tree on the inputs as its preprocessing computes them (f32, as ONNX).
    'steps, model = p["preprocessing"]["steps"], p["model"]',
    'def walk(x):',
    '    n = model["tree"]["nodes"][0]',
    '    while n["kind"] == "split":',
    '        n = model["tree"]["nodes"][n["left"] if float(np.float32(x[n["feature"]])) <= n["threshold"] else n["right"]]',
    '    return model["classes"][int(np.argmax(n["value"]))]',
    'columns = [i["column"] for i in p["preprocessing"]["inputs"]]',
    'def inputs(r):',
    '    v = {c: cell(r[c]) for c in columns}',
    '    for st in steps:',
    '        if st["step"] == "impute_mean":',
    '            for c, m in zip(st["columns"], st["means"]): v[c] = np.float32(m) if np.isnan(v[c]) else v[c]',
    '        elif st["step"] == "standardize":',
    '            for c, m, s in zip(st["columns"], st["means"], st["scales"]): v[c] = (np.float32(v[c]) - np.float32(m)) * np.float32(1 / s)',
    '        else:',
    '            raise ValueError(st["step"])',
    '    return [v[c] for c in columns]',
    'ours = [walk(inputs(r)) for r in rows]',
    'print(sum(a == b for a, b in zip(ours, labels)), len(rows))',
  ].join('\n'), onnxPath, jsonPath, IRIS]).toString().trim();
  expect(same).toBe('150 150');
});

test('other data propose a target to every train cell that reads them, and each trains', async ({ page }) => {
  await openSample(page, 'iris.csv', 'iris.csv · 150 rows × 5 columns');
  await addCell(page, 'Train');
  const cells = page.getByRole('region', { name: 'Train' });
  await cells.nth(1).getByRole('combobox', { name: /^Model/ }).selectOption('tree');
  await openSample(page, 'diabetes.csv', 'diabetes.csv · 442 rows × 11 columns');
  for (const cell of [cells.nth(0), cells.nth(1)]) {
    await expect(cell.getByLabel('Target column')).toHaveValue('progression');
    await expect(cell.getByLabel('Task')).toHaveValue('regression');
    await cell.getByRole('button', { name: 'Train', exact: true }).click();
    await expect(cell.getByRole('region', { name: 'Metrics' }).getByLabel('R²')).toHaveText(/^-?\d\.\d{4}$/);
  }
  await expect(cells.nth(1).getByRole('combobox', { name: /^Model/ })).toHaveValue('tree');
});

test('two data cells, each with its own dataset, split and model; studio run and a reload reproduce both', async ({ page }, info) => {
  await openSample(page, 'iris.csv', 'iris.csv · 150 rows × 5 columns');
  await addCell(page, 'Data');
  const data = page.getByRole('region', { name: 'Data', exact: true });
  await expect(data).toHaveCount(2);
  await data.nth(1).getByLabel('Sample datasets').selectOption('diabetes.csv');
  await expect(data.nth(1).getByLabel('Dataset shape')).toHaveText('diabetes.csv · 442 rows × 11 columns');
  await expect(data.nth(0).getByLabel('Dataset shape')).toHaveText('iris.csv · 150 rows × 5 columns');
  // Each new cell reads the nearest cell above of the kind it reads: the new data.
  await addCell(page, 'Split');
  await addCell(page, 'Train');
  const trains = page.getByRole('region', { name: 'Train' });
  await expect(trains).toHaveCount(2);
  const [iris, diabetes] = [trains.nth(0), trains.nth(1)];
  await expect(diabetes.getByLabel('Target column').getByRole('option')).toContainText(['None: find clusters', 'age']);
  await diabetes.getByLabel('Target column').selectOption('progression');
  await expect(diabetes.getByLabel('Task')).toHaveValue('regression');
  for (const cell of [iris, diabetes]) {
    await cell.getByRole('button', { name: 'Train', exact: true }).click();
  }
  await expect(iris.getByRole('region', { name: 'Metrics' }).getByLabel('Accuracy')).toHaveText(/^(0\.\d{4}|1\.0000)$/);
  await expect(diabetes.getByRole('region', { name: 'Metrics' }).getByLabel('R²')).toHaveText(/^0\.\d{4}$/);
  const r2 = Number(await diabetes.getByRole('region', { name: 'Metrics' }).getByLabel('R²').textContent());

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download notebook' }).click()]);
  const path = info.outputPath('two-data-cells.json');
  await download.saveAs(path);
  const run = JSON.parse(execFileSync(STUDIO, ['run', path, '--json', '--device', 'cpu']).toString());
  expect(run.cells.map((c: { task: string }) => c.task)).toEqual(['classification', 'regression']);
  expect(run.cells[1].metrics.r2).toBeCloseTo(r2, 3);

  // Both data cells open again after a reload, each with its own data.
  await page.reload();
  await expect(data.nth(0).getByLabel('Dataset shape')).toHaveText('iris.csv · 150 rows × 5 columns');
  await expect(data.nth(1).getByLabel('Dataset shape')).toHaveText('diabetes.csv · 442 rows × 11 columns');
  await expect(diabetes.getByLabel('Target column')).toHaveValue('progression');
});

test('Add cell, Move up and Remove cell arrange the notebook, by keyboard too', async ({ page }) => {
  const rail = page.getByRole('navigation', { name: 'Notebook cells' });
  await expect(rail.getByRole('button')).toHaveText(['Note · Welcome', 'Data', 'Split · 20 % test · seed 42', 'Train']);
  // A train cell reads the split above it: it cannot move above it.
  await expect(page.getByRole('group', { name: 'Arrange Train' }).getByRole('button', { name: 'Move up' })).toBeDisabled();

  const add = page.getByRole('button', { name: 'Add cell' });
  await add.focus();
  await page.keyboard.press('Enter');
  await expect(add).toHaveAttribute('aria-expanded', 'true');
  await page.getByRole('menuitem', { name: 'Note' }).focus();
  await page.keyboard.press('Enter');
  await expect(rail.getByRole('button')).toHaveText(['Note · Welcome', 'Data', 'Split · 20 % test · seed 42', 'Train', 'Note · Note']);

  const arrange = page.getByRole('group', { name: 'Arrange Note · Note' });
  await arrange.getByRole('button', { name: 'Move up' }).focus();
  await page.keyboard.press('Enter');
  await expect(rail.getByRole('button')).toHaveText(['Note · Welcome', 'Data', 'Split · 20 % test · seed 42', 'Note · Note', 'Train']);
  await arrange.getByRole('button', { name: 'Move up' }).click();
  await expect(rail.getByRole('button')).toHaveText(['Note · Welcome', 'Data', 'Note · Note', 'Split · 20 % test · seed 42', 'Train']);

  await arrange.getByRole('button', { name: 'Remove cell' }).focus();
  await page.keyboard.press('Enter');
  await expect(rail.getByRole('button')).toHaveText(['Note · Welcome', 'Data', 'Split · 20 % test · seed 42', 'Train']);
  // The one data cell stays, so that the notebook always has data to read.
  await expect(page.getByRole('group', { name: 'Arrange Data' }).getByRole('button', { name: 'Remove cell' })).toBeDisabled();
  // The arrangement is the notebook's: it is there after a reload.
  await addCell(page, 'Train');
  await page.reload();
  await expect(page.getByRole('region', { name: 'Train' })).toHaveCount(2);
});

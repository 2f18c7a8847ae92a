// Model families from the registry: the clustering family on a sample, and the
// hyperparameter form generated from each family's declaration.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { bigCsv, openSample, openStudio, train } from './support';

const ONNX_PYTHON = fileURLToPath(new URL('../../.tools/onnx-venv/bin/python', import.meta.url));
const IRIS = fileURLToPath(new URL('../../data/samples/iris.csv', import.meta.url));
const BREAST_CANCER = fileURLToPath(new URL('../../data/samples/breast_cancer.csv', import.meta.url));
const PENGUINS = fileURLToPath(new URL('../../data/samples/penguins.csv', import.meta.url));

/** What a Python script prints after it has checked the ONNX model at
 * `onnxPath`, opened it in ONNX Runtime as `s` and read the CSV at `csvPath`
 * as `rows`; `feed` holds every input from those rows: string inputs get the
 * cells as they are, float inputs NaN for an empty cell. */
function inOnnxRuntime(onnxPath: string, csvPath: string, script: string[], ...args: string[]): string {
  return execFileSync(ONNX_PYTHON, ['-c', [
    'import csv, sys, numpy as np, onnx, onnxruntime as ort',
    'm = onnx.load(sys.argv[1]); onnx.checker.check_model(m, full_check=True)',
    's = ort.InferenceSession(sys.argv[1], providers=["CPUExecutionProvider"])',
    'rows = list(csv.DictReader(open(sys.argv[2])))',
    'def column(i):',
    '    cells = [[r[i.name]] for r in rows]',
    '    if i.type == "tensor(string)": return np.array(cells, dtype=object)',
    '    return np.array([[float(c[0]) if c[0] else np.nan] for c in cells], dtype=np.float32)',
    'feed = {i.name: column(i) for i in s.get_inputs()}',
    ...script,
  ].join('\n'), onnxPath, csvPath, ...args], { encoding: 'utf8' }).trim();
}

/** How many rows of a CSV the ONNX classifier labels as `target` says, in ONNX
 * Runtime, after checking that each row's probabilities sum to 1. */
function rightInOnnxRuntime(onnxPath: string, csvPath: string, target: string): number {
  return Number(inOnnxRuntime(onnxPath, csvPath, [
    'label, probabilities = s.run(["label", "probabilities"], feed)',
    'assert np.allclose(probabilities.sum(axis=1), 1, atol=1e-5)',
    'print(sum(l == r[sys.argv[3]] for l, r in zip(label, rows)))',
  ], target));
}

test.beforeEach(async ({ page }) => {
  await openStudio(page);
});

test('k-means clusters the Iris sample and its ONNX download assigns the same clusters', async ({ page }, info) => {
  await openSample(page, 'iris.csv', 'iris.csv · 150 rows × 5 columns');
  await page.getByRole('table', { name: 'Columns' }).getByLabel('Role of species').selectOption('ignore');
  await page.getByLabel('Target column').selectOption('');
  await expect(page.getByLabel('Task')).toHaveValue('clustering');
  await expect(page.getByRole('combobox', { name: /^Model/ })).toHaveValue('kmeans');
  const clusters = page.getByRole('textbox', { name: /^Clusters/ });
  await clusters.fill('3');
  await clusters.press('Tab');
  const metrics = await train(page);
  await expect(metrics.getByLabel('Inertia')).toHaveText(/^\d+\.\d{4}$/);
  await expect(metrics.getByLabel('Silhouette')).toHaveText(/^0\.\d{4}$/);
  const sizes = metrics.getByRole('table', { name: 'Cluster sizes' });
  await expect(sizes.getByRole('row')).toHaveCount(4);
  const counts = (await sizes.locator('td').allTextContents()).map(Number);
  expect(counts.reduce((a, b) => a + b, 0)).toBe(150);
  await expect(page.getByRole('navigation', { name: 'Notebook cells' })).toContainText('Train · kmeans clusters');

  const [onnx] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download ONNX' }).click()]);
  const onnxPath = info.outputPath('kmeans.onnx');
  await onnx.saveAs(onnxPath);
  // ONNX Runtime on the raw rows: the same cluster sizes as the page.
  const out = inOnnxRuntime(onnxPath, IRIS, [
    'label, distances = s.run(["label", "distances"], feed)',
    'assert distances.shape == (len(rows), 3), distances.shape',
    'print(",".join(str(int(c)) for c in np.bincount(label, minlength=3)))',
  ]);
  expect(out.split(',').map(Number)).toEqual(counts);
});

test('an out-of-range hyperparameter is refused at its field, with the rule', async ({ page }) => {
  await openSample(page, 'iris.csv', 'iris.csv · 150 rows × 5 columns');
  const field = page.getByLabel('C (inverse regularization)');
  await field.fill('-1');
  await field.press('Tab');
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  const message = page.getByRole('alert').filter({ hasText: 'C should be a positive number' });
  await expect(message).toHaveText('C should be a positive number, but is -1.');
  // The field's description names the error, so a screen reader hears it there.
  await expect(field).toHaveAccessibleDescription(/C should be a positive number/);
  await field.fill('0.5');
  await field.press('Tab');
  await expect(message).toHaveCount(0);
  await expect(field).not.toHaveAttribute('aria-invalid', 'true');
  // Each field shows the name the CLI and notebooks spell.
  await expect(page.locator('code.param-name')).toHaveText(['C', 'penalty', 'l1_ratio', 'class_weight', 'max_iter', 'solver', 'batch_size', 'learning_rate_init']);
});

test('a hyperparameter the data do not allow is reported by the run at its field', async ({ page }) => {
  await openSample(page, 'iris.csv', 'iris.csv · 150 rows × 5 columns');
  await page.getByLabel('Target column').selectOption('');
  await expect(page.getByRole('combobox', { name: /^Model/ })).toHaveValue('kmeans');
  const clusters = page.getByRole('textbox', { name: /^Clusters/ });
  await clusters.fill('500');
  await clusters.press('Tab');
  // Within the parameter's own range, so only the run can tell that it is too many.
  await expect(clusters).not.toHaveAttribute('aria-invalid', 'true');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  const message = page.getByRole('alert').filter({ hasText: 'rows to cluster' });
  await expect(message).toHaveText(/^There are only \d+ rows to cluster, fewer than n_clusters \(500\): choose at most \d+\.$/);
  await expect(clusters).toHaveAttribute('aria-invalid', 'true');
  await expect(clusters).toHaveAccessibleDescription(/fewer than n_clusters/);
  await expect(page.getByRole('navigation', { name: 'Notebook cells' }).getByText('failed')).toBeVisible();
  // Changing the setting clears what the last run said of it.
  await clusters.fill('3');
  await clusters.press('Tab');
  await expect(message).toHaveCount(0);
  await expect(clusters).not.toHaveAttribute('aria-invalid', 'true');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByRole('region', { name: 'Metrics' }).getByLabel('Inertia')).toBeVisible();
});

test('Gaussian naive Bayes trains from the registry and its ONNX download classifies the Iris rows', async ({ page }, info) => {
  await openSample(page, 'iris.csv', 'iris.csv · 150 rows × 5 columns');
  await page.getByRole('combobox', { name: /^Model/ }).selectOption('gaussian_nb');
  await expect(page.getByRole('textbox', { name: /^Variance smoothing/ })).toHaveValue('0.000000001');
  const metrics = await train(page);
  await expect(metrics.getByLabel('Accuracy')).toHaveText(/^0\.9\d{3}$|^1\.0000$/);
  await expect(page.getByRole('navigation', { name: 'Notebook cells' })).toContainText('Train · gaussian_nb → species');

  const [onnx] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download ONNX' }).click()]);
  const onnxPath = info.outputPath('nb.onnx');
  await onnx.saveAs(onnxPath);
  // Naive Bayes on Iris labels about 95 % of the rows right.
  expect(rightInOnnxRuntime(onnxPath, IRIS, 'species')).toBeGreaterThanOrEqual(135);
});

test('categorical naive Bayes bins the penguin measurements, reads island and sex as categories, and its ONNX download agrees', async ({ page }, info) => {
  await openSample(page, 'penguins.csv', 'penguins.csv · 344 rows × 8 columns');
  await page.getByLabel('Target column').selectOption('species');
  await page.getByRole('combobox', { name: /^Model/ }).selectOption('categorical_nb');
  await expect(page.getByRole('textbox', { name: /^Bins per number column/ })).toHaveValue('5');
  await expect(page.getByLabel(/^Bin edges/)).toHaveValue('quantile');
  await expect(page.getByRole('textbox', { name: /^Alpha/ })).toHaveValue('1');
  const metrics = await train(page);
  await expect(metrics.getByLabel('Accuracy')).toHaveText(/^0\.9\d{3}$|^1\.0000$/);
  await expect(page.getByRole('navigation', { name: 'Notebook cells' })).toContainText('Train · categorical_nb → species');

  const [onnx] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download ONNX' }).click()]);
  const onnxPath = info.outputPath('categorical_nb.onnx');
  await onnx.saveAs(onnxPath);
  // The graph bins the numbers and one-hot encodes the strings itself; the rows
  // with missing measurements are classified from what they have.
  expect(rightInOnnxRuntime(onnxPath, PENGUINS, 'species')).toBeGreaterThanOrEqual(320);

  // Uniform bins are another fit of the same data.
  await page.getByLabel(/^Bin edges/).selectOption('uniform');
  const bins = page.getByRole('textbox', { name: /^Bins per number column/ });
  await bins.fill('1');
  await bins.press('Tab');
  await expect(bins).toHaveAttribute('aria-invalid', 'true');
  await bins.fill('8');
  await bins.press('Tab');
  await expect(bins).not.toHaveAttribute('aria-invalid', 'true');
  await expect(await train(page).then((m) => m.getByLabel('Accuracy'))).toHaveText(/^0\.\d{4}$|^1\.0000$/);
});

test('PCA explains the penguin measurements in components, its projection chart is coloured by a chosen column, and its ONNX download projects the same', async ({ page }, info) => {
  await openSample(page, 'penguins.csv', 'penguins.csv · 344 rows × 8 columns');
  await page.getByRole('table', { name: 'Columns' }).getByLabel('Role of species').selectOption('ignore');
  await page.getByLabel('Task').selectOption('decomposition');
  await expect(page.getByRole('combobox', { name: /^Model/ })).toHaveValue('pca');
  await expect(page.getByLabel('Target column')).toHaveValue('');
  await expect(page.getByRole('textbox', { name: /^Components/ })).toHaveValue('');
  const metrics = await train(page);
  // island (3) and sex (2) one-hot, five numbers: ten inputs, ten components.
  await expect(metrics.getByLabel('Components', { exact: true })).toHaveText('10');
  await expect(metrics.getByLabel('Variance explained')).toHaveText('100.0 %');
  await expect(metrics.getByRole('table', { name: 'Explained variance by component' }).getByRole('row')).toHaveCount(11);
  await expect(metrics.getByRole('img', { name: /^Explained variance of 10 components: component 1 \d+\.\d %/ })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Notebook cells' })).toContainText('Train · pca components');

  const projection = page.getByRole('region', { name: 'Projection' });
  await expect(projection.getByLabel('Colour by')).toHaveValue('species');
  const chart = projection.getByRole('img', { name: /^Projection of 344 rows onto Component 1 \(\d+\.\d %\) and Component 2 \(\d+\.\d %\), coloured by species \(3 groups\)$/ });
  await expect(chart).toBeVisible();
  await expect(chart.locator('circle')).toHaveCount(344);
  await expect(projection.getByRole('list', { name: 'Colours: species' })).toHaveText(/Adelie.*Chinstrap.*Gentoo/);
  await projection.getByLabel('Vertical component').selectOption({ label: 'Component 3' });
  await projection.getByLabel('Colour by').selectOption('body_mass_g');
  await expect(projection.getByRole('img', { name: /onto Component 1 \(.*\) and Component 3 \(.*\), shaded by body_mass_g$/ })).toBeVisible();
  await page.screenshot({ path: info.outputPath('pca.png'), fullPage: true });

  const [onnx] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download ONNX' }).click()]);
  const onnxPath = info.outputPath('pca.onnx');
  await onnx.saveAs(onnxPath);
  // ONNX Runtime on the raw rows it was fitted on: centred coordinates, each
  // component holding less variance than the one before.
  const out = inOnnxRuntime(onnxPath, PENGUINS, [
    '(p,) = s.run(["projection"], feed)',
    'assert p.shape == (344, 10), p.shape',
    'assert np.abs(p.mean(axis=0)).max() < 1e-4, p.mean(axis=0)',
    'v = p.var(axis=0, ddof=1); assert (np.diff(v) <= 1e-4).all(), v',
    'print(",".join(i.name for i in s.get_inputs()))',
  ]);
  expect(out.split(',')).not.toContain('species');

  // One component has no plane to draw.
  const components = page.getByRole('textbox', { name: /^Components/ });
  await components.fill('1');
  await components.press('Tab');
  await expect(await train(page).then((m) => m.getByLabel('Components', { exact: true }))).toHaveText('1');
  await expect(projection).toHaveCount(0);
});

test('the lasso sets weights to zero by coordinate descent, and the elastic net mixes in L2', async ({ page }) => {
  await openSample(page, 'diabetes.csv', 'diabetes.csv · 442 rows × 11 columns');
  await expect(page.getByLabel('Task')).toHaveValue('regression');
  await page.getByRole('combobox', { name: /^Model/ }).selectOption('lasso');
  const alpha = page.getByRole('textbox', { name: /^Alpha/ });
  await alpha.fill('5');
  await alpha.press('Tab');
  const metrics = await train(page);
  await expect(metrics.getByLabel('R²')).toHaveText(/^0\.\d{4}$/);
  await expect(page.getByRole('navigation', { name: 'Notebook cells' })).toContainText('Train · lasso → progression');
  await page.getByRole('combobox', { name: /^Model/ }).selectOption('elastic_net');
  const ratio = page.getByRole('textbox', { name: /^L1 ratio/ });
  await expect(ratio).toHaveValue('0.5');
  await ratio.fill('1.5');
  await ratio.press('Tab');
  await expect(page.getByRole('alert').filter({ hasText: 'l1_ratio' })).toBeVisible();
  await ratio.fill('0.3');
  await ratio.press('Tab');
  await expect(await train(page).then((m) => m.getByLabel('R²'))).toHaveText(/^0\.\d{4}$/);
});

test('a random forest trains tree by tree, reports its out-of-bag score, and its ONNX download agrees', async ({ page }, info) => {
  await openSample(page, 'breast_cancer.csv', 'breast_cancer.csv · 569 rows × 31 columns');
  await page.getByRole('combobox', { name: /^Model/ }).selectOption('random_forest');
  const trees = page.getByRole('textbox', { name: /^Trees/ });
  await expect(trees).toHaveValue('100');
  await trees.fill('40');
  await trees.press('Tab');
  // A text field with suggestions (sqrt, log2) is a combobox.
  const features = page.getByRole('combobox', { name: /^Features per split/ });
  await features.fill('2');
  await features.press('Tab');
  await expect(page.getByRole('alert').filter({ hasText: 'max_features' })).toHaveText(
    'max_features should be one of sqrt, log2, or a fraction greater than 0 and at most 1, or none, but is 2.',
  );
  await features.fill('0.3');
  await features.press('Tab');
  await expect(features).not.toHaveAttribute('aria-invalid', 'true');
  const metrics = await train(page);
  await expect(metrics.getByLabel('Accuracy')).toHaveText(/^0\.9\d{3}$|^1\.0000$/);
  await expect(metrics.getByLabel('Out-of-bag score')).toHaveText(/^0\.9\d{3}$/);
  // The out-of-bag score after every tree, ending at the forest's.
  const oob = await metrics.getByLabel('Out-of-bag score').textContent();
  await expect(page.getByRole('img', { name: new RegExp(`^Out-of-bag accuracy: from \\d\\.\\d{4} to ${oob} \\(best (0\\.\\d{4}|1\\.0000)\\) over 40 trees$`) })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Notebook cells' })).toContainText('Train · random_forest → diagnosis');

  const [onnx] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download ONNX' }).click()]);
  const onnxPath = info.outputPath('forest.onnx');
  await onnx.saveAs(onnxPath);
  // A forest labels nearly every training and test row right.
  expect(rightInOnnxRuntime(onnxPath, BREAST_CANCER, 'diagnosis')).toBeGreaterThanOrEqual(550);
});

test('gradient boosting trains iteration by iteration, with missing values left to its splits, and its ONNX download agrees', async ({ page }, info) => {
  // Penguins has missing measurements: boosting takes them as they are.
  await openSample(page, 'penguins.csv', 'penguins.csv · 344 rows × 8 columns');
  await page.getByLabel('Target column').selectOption('species');
  await page.getByRole('combobox', { name: /^Model/ }).selectOption('gbdt');
  const iterations = page.getByRole('textbox', { name: /^Iterations/ });
  await expect(iterations).toHaveValue('100');
  await iterations.fill('40');
  await iterations.press('Tab');
  await expect(page.getByLabel('Early stopping')).toHaveValue('auto');
  let metrics = await train(page);
  await expect(metrics.getByLabel('Accuracy')).toHaveText(/^0\.9\d{3}$|^1\.0000$/);
  await expect(page.getByRole('img', { name: /^Loss curve: objective from \d\.\d{4} to 0\.\d{4} over 40 iterations$/ })).toBeVisible();
  // A histogram on the GPU is a wait for its read-back: on penguins none pays for it.
  await expect(metrics).toContainText(
    info.project.name === 'webgpu'
      ? /Device: CPU · gradient boosting's largest histogram, \d+ rows × \d+ features, is too small to pay for a wait on the GPU/
      : 'Device: CPU',
  );
  await expect(page.getByRole('navigation', { name: 'Notebook cells' })).toContainText('Train · gbdt → species');

  await openSample(page, 'breast_cancer.csv', 'breast_cancer.csv · 569 rows × 31 columns');
  await page.getByRole('combobox', { name: /^Model/ }).selectOption('gbdt');
  const leaves = page.getByRole('textbox', { name: /^Leaves per tree/ });
  await leaves.fill('1');
  await leaves.press('Tab');
  await expect(page.getByRole('alert').filter({ hasText: 'max_leaf_nodes' })).toHaveText(
    'max_leaf_nodes should be a whole number from 2 to 100000, or none, but is 1.',
  );
  await leaves.fill('15');
  await leaves.press('Tab');
  metrics = await train(page);
  await expect(metrics.getByLabel('Accuracy')).toHaveText(/^0\.9\d{3}$|^1\.0000$/);
  const [onnx] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download ONNX' }).click()]);
  const onnxPath = info.outputPath('gbdt.onnx');
  await onnx.saveAs(onnxPath);
  // Boosting fits every training row, and nearly every test row.
  expect(rightInOnnxRuntime(onnxPath, BREAST_CANCER, 'diagnosis')).toBeGreaterThanOrEqual(555);

  // With early stopping the held-out rows' loss is drawn beside the objective.
  await page.getByLabel('Early stopping').selectOption('true');
  await iterations.fill('300');
  await iterations.press('Tab');
  metrics = await train(page);
  await expect(metrics.getByLabel('Accuracy')).toHaveText(/^0\.9\d{3}$|^1\.0000$/);
  await expect(
    page.getByRole('img', { name: /^Loss curve: objective from 0\.\d{4} to 0\.\d{4}, validation loss from 0\.\d{4} to 0\.\d{4}, over \d{1,3} iterations$/ }),
  ).toBeVisible();
  await expect(page.getByRole('list', { name: 'Curves' })).toHaveText(/training objective.*validation loss/);
});

test('k-nearest neighbours votes by distance and its ONNX download finds the same neighbours', async ({ page }, info) => {
  await openSample(page, 'iris.csv', 'iris.csv · 150 rows × 5 columns');
  await page.getByRole('combobox', { name: /^Model/ }).selectOption('knn');
  const neighbours = page.getByRole('textbox', { name: /^Neighbours/ });
  await expect(neighbours).toHaveValue('5');
  await neighbours.fill('7');
  await neighbours.press('Tab');
  await page.getByLabel(/^Neighbour weights/).selectOption('distance');
  const metrics = await train(page);
  await expect(metrics.getByLabel('Accuracy')).toHaveText(/^0\.9\d{3}$|^1\.0000$/);
  // Asked for the GPU, the test rows are searched there.
  await expect(metrics).toContainText(info.project.name === 'webgpu' ? 'Device: WebGPU' : 'Device: CPU');
  await expect(page.getByRole('navigation', { name: 'Notebook cells' })).toContainText('Train · knn → species');
  const [onnx] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download ONNX' }).click()]);
  const onnxPath = info.outputPath('knn.onnx');
  await onnx.saveAs(onnxPath);
  // Distance weights put each training row on itself: every training row is right.
  expect(rightInOnnxRuntime(onnxPath, IRIS, 'species')).toBeGreaterThanOrEqual(145);
});

test('a neural network takes its hidden layers as a list, trains epoch by epoch, and its ONNX download agrees', async ({ page }, info) => {
  // A software GPU takes most of a second per epoch on a busy machine: two runs
  // of tens of epochs each.
  test.slow();
  await openSample(page, 'breast_cancer.csv', 'breast_cancer.csv · 569 rows × 31 columns');
  await page.getByRole('combobox', { name: /^Model/ }).selectOption('mlp');
  const layers = page.getByRole('textbox', { name: /^Hidden layer sizes/ });
  await expect(layers).toHaveValue('100');
  await layers.fill('32,0');
  await layers.press('Tab');
  await expect(page.getByRole('alert').filter({ hasText: 'hidden_layer_sizes' })).toHaveText(
    'hidden_layer_sizes should be a list of whole numbers from 1 to 4096, such as 64,32, but is 32,0.',
  );
  await layers.fill('32,16');
  await layers.press('Tab');
  await expect(layers).not.toHaveAttribute('aria-invalid', 'true');
  await page.getByLabel(/^Activation/).selectOption('tanh');
  const epochs = page.getByRole('textbox', { name: /^Maximum epochs/ });
  await expect(epochs).toHaveValue('200');
  await epochs.fill('40');
  await epochs.press('Tab');
  let metrics = await train(page);
  await expect(metrics.getByLabel('Accuracy')).toHaveText(/^0\.9\d{3}$|^1\.0000$/, { timeout: 90_000 });
  // The curve starts before the first epoch; the loss keeps falling for all forty.
  await expect(page.getByRole('img', { name: /^Loss curve: objective from 0\.\d{4} to 0\.\d{4} over 40 iterations$/ })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Notebook cells' })).toContainText('Train · mlp → diagnosis');
  const [onnx] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download ONNX' }).click()]);
  const onnxPath = info.outputPath('mlp.onnx');
  await onnx.saveAs(onnxPath);
  expect(rightInOnnxRuntime(onnxPath, BREAST_CANCER, 'diagnosis')).toBeGreaterThanOrEqual(550);

  // Early stopping holds out rows and stops once their accuracy stops improving.
  await page.getByRole('checkbox', { name: /^Early stopping/ }).check();
  await epochs.fill('500');
  await epochs.press('Tab');
  metrics = await train(page);
  await expect(metrics.getByLabel('Accuracy')).toHaveText(/^0\.9\d{3}$|^1\.0000$/, { timeout: 90_000 });
  await expect(page.getByRole('img', { name: /^Loss curve: .*, validation loss from \d\.\d{4} to \d\.\d{4}, over \d{2,3} iterations$/ })).toBeVisible();
  await expect(page.getByRole('img', { name: /over 500 iterations$/ })).toHaveCount(0);
  // The held-out rows' accuracy after every epoch.
  await expect(page.getByRole('img', { name: /^Validation accuracy: from 0\.\d{4} to (0\.\d{4}|1\.0000) \(best (0\.\d{4}|1\.0000)\) over \d{2,3} epochs$/ })).toBeVisible();
});

test('a neural network fits every row at once with lbfgs, which refuses early stopping at the field', async ({ page }) => {
  await openSample(page, 'iris.csv', 'iris.csv · 150 rows × 5 columns');
  await page.getByRole('combobox', { name: /^Model/ }).selectOption('mlp');
  const layers = page.getByRole('textbox', { name: /^Hidden layer sizes/ });
  await layers.fill('16');
  await layers.press('Tab');
  await page.getByLabel(/^Solver/).selectOption('lbfgs');
  await page.getByRole('checkbox', { name: /^Early stopping/ }).check();
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'lbfgs fits every row at once' })).toBeVisible();
  await page.getByRole('checkbox', { name: /^Early stopping/ }).uncheck();
  const metrics = await train(page);
  await expect(metrics.getByLabel('Accuracy')).toHaveText(/^0\.9\d{3}$|^1\.0000$/, { timeout: 90_000 });
  // Iterations of L-BFGS, each over all 120 training rows.
  await expect(page.getByRole('img', { name: /^Loss curve: objective from \d\.\d{4} to 0\.\d{4} over \d{1,3} iterations$/ })).toBeVisible();
});

test('a neural network pauses, resumes and stops midway, and the model so far has metrics and an ONNX download', async ({ page }, info) => {
  // Epochs on a software GPU in the WebGPU run: on a busy machine one can take
  // seconds. Twenty thousand rows keep them short, and two thousand epochs keep
  // the CPU run from finishing before it is stopped.
  test.setTimeout(300_000);
  const csv = bigCsv(20_000, 24);
  await page.getByLabel('Open CSV').setInputFiles({ name: 'big.csv', mimeType: 'text/csv', buffer: csv });
  await expect(page.getByLabel('Dataset shape')).toHaveText('big.csv · 20000 rows × 25 columns', { timeout: 60_000 });
  await page.getByRole('combobox', { name: /^Model/ }).selectOption('mlp');
  // No stopping on a flat loss: the run lasts until it is stopped. Large batches
  // keep an epoch short on a software GPU (SwiftShader), which runs each of the
  // batch's operations slowly.
  for (const [name, value] of [[/^Tolerance/, '0'], [/^Batch size/, '2000'], [/^Initial learning rate/, '0.01'], [/^Maximum epochs/, '2000']] as const) {
    const field = page.getByRole('textbox', { name });
    await field.fill(value);
    await field.press('Tab');
  }
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  const status = page.getByRole('status').filter({ hasText: / epoch / });
  await expect(status).toHaveText(
    /^Training · epoch [1-9]\d* of 2000 · objective \d\.\d{4} · [\d.]+ m?s per epoch · at most [\w .]+ left$/,
    { timeout: 60_000 },
  );

  await page.getByRole('button', { name: 'Pause' }).click();
  // "Pausing after the epoch under way" until that epoch ends and the worker
  // stops; "Paused" after, and then no epoch is taken.
  await expect(status).toHaveText(/^Paused at epoch \d+ of 2000 · objective \d\.\d{4} · [\d.]+ m?s per epoch$/, {
    timeout: 60_000,
  });
  const paused = await status.textContent();
  await page.waitForTimeout(1_500);
  await expect(status).toHaveText(paused ?? '');
  const epoch = Number(/epoch (\d+)/.exec(paused ?? '')?.[1]);

  await page.getByRole('button', { name: 'Resume' }).click();
  await expect(status).toHaveText(/^Training · epoch \d+/);
  await expect(async () => {
    const now = Number(/epoch (\d+)/.exec((await status.textContent()) ?? '')?.[1]);
    expect(now).toBeGreaterThan(epoch);
  }).toPass({ timeout: 90_000 });

  // The decision boundary over the first two features is redrawn from the
  // model as it stands.
  const drawn = page.getByRole('img', { name: /^Decision boundary over f0 and f1 at epoch \d+: / });
  await expect(drawn).toBeVisible({ timeout: 90_000 });
  const epochOf = async () => Number(/at epoch (\d+)/.exec((await drawn.getAttribute('aria-label')) ?? '')?.[1]);
  const first = await epochOf();
  await expect(async () => expect(await epochOf()).toBeGreaterThan(first)).toPass({ timeout: 90_000 });

  await page.getByRole('button', { name: 'Stop' }).click();
  const stopped = page.getByRole('status').filter({ hasText: /^Stopped at epoch \d+ of 2000: the metrics and downloads are of the model as it stood\.$/ });
  // The epoch under way ends, then the rows are scored on a software GPU, slow
  // on a busy machine.
  await expect(stopped).toBeVisible({ timeout: 90_000 });
  const at = Number(/epoch (\d+)/.exec((await stopped.textContent()) ?? '')?.[1]);
  expect(at).toBeGreaterThan(epoch);
  expect(at).toBeLessThan(2000);
  const metrics = page.getByRole('region', { name: 'Metrics' });
  await expect(metrics.getByLabel('Accuracy')).toHaveText(/^0\.[89]\d{3}$/);
  await expect(metrics).toContainText('(stopped before converging)');

  const [onnx] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download ONNX' }).click()]);
  const onnxPath = info.outputPath('mlp-stopped.onnx');
  await onnx.saveAs(onnxPath);
  const csvPath = info.outputPath('big.csv');
  writeFileSync(csvPath, csv);
  // The partial model labels most rows right in ONNX Runtime too.
  expect(rightInOnnxRuntime(onnxPath, csvPath, 'label')).toBeGreaterThan(16_000);
});

test('the decision boundary over two penguin features is drawn for every classifier, with the test rows on top', async ({ page }) => {
  await openSample(page, 'penguins.csv', 'penguins.csv · 344 rows × 8 columns');
  await page.getByLabel('Target column').selectOption('species');
  const view = page.getByRole('region', { name: 'Decision boundary' });
  await expect(view.getByLabel('Horizontal feature')).toHaveValue('bill_length_mm');
  await expect(view.getByLabel('Vertical feature')).toHaveValue('bill_depth_mm');
  await view.getByLabel('Vertical feature').selectOption('flipper_length_mm');
  let metrics = await train(page);
  await expect(metrics.getByLabel('Accuracy')).toHaveText(/^0\.9\d{3}$|^1\.0000$/);
  const chart = view.getByRole('img', {
    name: /^Decision boundary over bill_length_mm and flipper_length_mm: [23] of 3 classes on the grid, 6\d test rows, \d of them misclassified$/,
  });
  await expect(chart).toBeVisible();
  // One circle per test row with both values, coloured by its class.
  const label = (await chart.getAttribute('aria-label')) ?? '';
  const rows = Number(/(\d+) test rows/.exec(label)?.[1]);
  await expect(chart.locator('circle')).toHaveCount(rows);
  const fills = await chart.locator('rect[fill-opacity]').evaluateAll((rects) => new Set(rects.map((r) => r.getAttribute('fill'))).size);
  expect(fills).toBeGreaterThanOrEqual(2);
  await expect(view.getByRole('list', { name: 'Classes' })).toHaveText(/Adelie.*Chinstrap.*Gentoo/);

  // Another family, the same view; changing a column redraws it.
  for (const family of ['tree', 'knn', 'gaussian_nb']) {
    await page.getByRole('combobox', { name: /^Model/ }).selectOption(family);
    metrics = await train(page);
    await expect(metrics.getByLabel('Accuracy')).toHaveText(/^0\.\d{4}$|^1\.0000$/);
    await expect(view.getByRole('img', { name: /^Decision boundary over bill_length_mm and flipper_length_mm: / })).toBeVisible();
  }
  await view.getByLabel('Horizontal feature').selectOption('body_mass_g');
  await expect(view.getByRole('img', { name: /^Decision boundary over body_mass_g and flipper_length_mm: / })).toBeVisible();

  // A regressor has no classes to draw.
  await page.getByLabel('Target column').selectOption('body_mass_g');
  await expect(view).toHaveCount(0);
});

test('balanced class weights make logistic regression, boosting, trees and forests count a small class as much as a large one', async ({ page }) => {
  await openSample(page, 'breast_cancer.csv', 'breast_cancer.csv · 569 rows × 31 columns');
  const weights = page.getByLabel(/^Class weights/);
  await expect(weights).toHaveValue('');
  await weights.selectOption('balanced');
  let metrics = await train(page);
  await expect(metrics.getByLabel('Accuracy')).toHaveText(/^0\.9\d{3}$/);
  // Weighted rows have no GPU kernel: the fit says where it ran.
  await expect(metrics).toContainText('Device: CPU');

  // Boosting takes them too: the small island counts as much as the large one.
  await openSample(page, 'penguins.csv', 'penguins.csv · 344 rows × 8 columns');
  await page.getByLabel('Target column').selectOption('island');
  await page.getByRole('combobox', { name: /^Model/ }).selectOption('gbdt');
  await page.getByLabel(/^Class weights/).selectOption('balanced');
  await expect(await train(page).then((m) => m.getByLabel('Macro F1'))).toHaveText(/^0\.\d{4}$/);
  await expect(page.getByRole('navigation', { name: 'Notebook cells' })).toContainText('Train · gbdt → island');

  // A forest weighs by class over all its rows or over each tree's own sample.
  await page.getByRole('combobox', { name: /^Model/ }).selectOption('random_forest');
  const forestWeights = page.getByLabel(/^Class weights/);
  await expect(forestWeights.locator('option')).toHaveText(['none', 'balanced', 'balanced_subsample']);
  await forestWeights.selectOption('balanced_subsample');
  metrics = await train(page);
  await expect(metrics.getByLabel('Macro F1')).toHaveText(/^0\.\d{4}$/);
  await expect(metrics.getByLabel('Out-of-bag score')).toHaveText(/^0\.\d{4}$/);

  // So does a single tree; a regression has no classes to weigh.
  await page.getByRole('combobox', { name: /^Model/ }).selectOption('tree');
  await page.getByLabel(/^Class weights/).selectOption('balanced');
  metrics = await train(page);
  await expect(metrics.getByLabel('Macro F1')).toHaveText(/^0\.\d{4}$/);
  await page.getByLabel('Target column').selectOption('body_mass_g');
  await page.getByRole('combobox', { name: /^Model/ }).selectOption('tree');
  await page.getByLabel(/^Class weights/).selectOption('balanced');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'class weights are for classes' })).toBeVisible();
});

test('logistic regression trains on minibatches with solver adam, an epoch per step, and refuses l1 at the field', async ({ page }) => {
  await openSample(page, 'breast_cancer.csv', 'breast_cancer.csv · 569 rows × 31 columns');
  await expect(page.getByRole('combobox', { name: /^Model/ })).toHaveValue('logistic');
  await page.getByLabel(/^Solver/).selectOption('adam');
  const epochs = page.getByRole('textbox', { name: /^Maximum iterations/ });
  await epochs.fill('25');
  await epochs.press('Tab');
  const batch = page.getByRole('textbox', { name: /^Batch size/ });
  await batch.fill('32');
  await batch.press('Tab');
  const metrics = await train(page);
  await expect(metrics.getByLabel('Accuracy')).toHaveText(/^0\.9\d{3}$|^1\.0000$/);
  // The curve starts at the untrained weights and falls epoch by epoch, at most 25 of them.
  await expect(page.getByRole('img', { name: /^Loss curve: objective from \d+\.\d{4} to \d+\.\d{4} over ([3-9]|1\d|2[0-5]) iterations$/ })).toBeVisible();
  // L1's exact zeros need every row at once.
  await page.getByLabel(/^Penalty/).selectOption('l1');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'l2 penalty or none' })).toBeVisible();
});

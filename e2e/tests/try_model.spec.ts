// "Try the model": the form made from a trained model's inputs answers as the
// person types, with a bar per class, and blanks read as missing.
import { expect, test } from '@playwright/test';
import { openSample, train } from './support';

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Studio', level: 1 })).toBeVisible();
});

test('a trained classifier answers a row typed into its form, class by class', async ({ page }) => {
  await openSample(page, 'penguins.csv', 'penguins.csv · 344 rows × 8 columns');
  await page.getByLabel('Target column').selectOption('species');
  const metrics = await train(page);
  await expect(metrics.getByLabel('Accuracy')).toHaveText(/^0\.9\d{3}$|^1\.0000$/);

  const form = page.getByRole('region', { name: 'Try the model' });
  const field = (name: string) => form.getByRole('textbox', { name: new RegExp(`^${name}`) });
  await expect(field('bill_length_mm')).toBeVisible();
  await expect(form.getByText(/trained on 3\d\.\d+ to 5\d\.\d+/).first()).toBeVisible();
  const prediction = form.getByLabel('Prediction');
  await expect(prediction).toHaveText(/Adelie|Chinstrap|Gentoo/);

  // An Adelie from the Torgersen rocks.
  await form.getByRole('combobox', { name: /^island/ }).selectOption('Torgersen');
  await field('bill_length_mm').fill('39.1');
  await field('bill_depth_mm').fill('18.7');
  await field('flipper_length_mm').fill('181');
  await field('body_mass_g').fill('3750');
  await expect(prediction).toHaveText('Adelie');
  await expect(form.getByRole('listitem', { name: /^Adelie: 9\d\.\d %$/ })).toBeVisible();
  await expect(form.getByRole('list', { name: 'Probabilities' }).getByRole('listitem')).toHaveCount(3);

  // A Gentoo from Biscoe: long flippers, heavy, a shallow bill.
  await form.getByRole('combobox', { name: /^island/ }).selectOption('Biscoe');
  await field('bill_length_mm').fill('47.5');
  await field('bill_depth_mm').fill('14.5');
  await field('flipper_length_mm').fill('217');
  await field('body_mass_g').fill('5400');
  await expect(prediction).toHaveText('Gentoo');
  await form.screenshot({ path: test.info().outputPath('try.png') });

  // Not a number: the field says so and the last answer stays until it is fixed.
  await field('body_mass_g').fill('heavy');
  await expect(form.getByRole('alert')).toContainText('“heavy” is not a number');
  await expect(field('body_mass_g')).toHaveAttribute('aria-invalid', 'true');
  // Blank: read as missing, and the model answers again.
  await field('body_mass_g').fill('');
  await expect(prediction).toHaveText('Gentoo');
  await expect(field('body_mass_g')).not.toHaveAttribute('aria-invalid', 'true');

  // Fill from row: the data table's first row, an Adelie.
  await form.getByRole('button', { name: 'Fill from row' }).click();
  await expect(field('bill_length_mm')).toHaveValue('39.1');
  await expect(form.getByRole('combobox', { name: /^island/ })).toHaveValue('Torgersen');
  await expect(prediction).toHaveText('Adelie');
  await form.getByRole('textbox', { name: 'Row' }).fill('400');
  await form.getByRole('button', { name: 'Fill from row' }).click();
  await expect(form.getByRole('alert')).toHaveText('There is no row 400: the data have 344 rows.');
});

test('a regressor answers with its value', async ({ page }) => {
  await openSample(page, 'diabetes.csv', 'diabetes.csv · 442 rows × 11 columns');
  await page.getByLabel('Target column').selectOption('progression');
  const metrics = await train(page);
  await expect(metrics.getByLabel('R²')).toBeVisible();
  const form = page.getByRole('region', { name: 'Try the model' });
  const prediction = form.getByLabel('Prediction');
  await expect(prediction).toHaveText(/^\d+(\.\d+)?$/);
  const before = await prediction.textContent();
  await form.getByRole('textbox', { name: /^bmi/ }).fill('0.15');
  await expect(prediction).not.toHaveText(before ?? '');
});

// Exploring the data: the column summary, computed in the worker and sorted by
// any header. Its figures are pandas' (core/tests/explore_reference.rs).
import { writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { openSample } from './support';

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Studio', level: 1 })).toBeVisible();
});

test('the column summary gives each column its figures and sorts by any header', async ({ page }) => {
  await openSample(page, 'penguins.csv', 'penguins.csv · 344 rows × 8 columns');
  const summary = page.getByRole('region', { name: 'Column summary' });
  await summary.getByRole('button', { name: 'Summarise columns' }).click();
  const table = summary.getByRole('table');
  await expect(table).toBeVisible();
  await expect(table.getByRole('row')).toHaveCount(1 + 8);

  // A measurement: two missing, pandas' mean, quartiles and distinct values.
  const bill = table.getByRole('row', { name: /^bill_length_mm/ });
  const cells = bill.getByRole('cell');
  await expect(cells.nth(0)).toHaveText('342');
  await expect(cells.nth(1)).toHaveText('2');
  await expect(cells.nth(2)).toHaveText('43.9219');
  await expect(cells.nth(3)).toHaveText('5.4596');
  await expect(cells.nth(5)).toHaveText('39.225');
  await expect(cells.nth(6)).toHaveText('44.45');
  await expect(cells.nth(9)).toHaveText('164');
  await expect(cells.nth(10)).toHaveText('0.0531');
  // A category: its distinct and most common values, no moments.
  const species = table.getByRole('row', { name: /^species/ }).getByRole('cell');
  await expect(species.nth(2)).toHaveText('–');
  await expect(species.nth(9)).toHaveText('3');
  await expect(species.nth(12)).toHaveText('Adelie (152), Gentoo (124), Chinstrap (68)');

  // Sorting: most missing first, then fewest; by mean, largest first.
  const first = () => table.getByRole('row').nth(1).getByRole('rowheader');
  const missing = table.getByRole('columnheader', { name: 'Missing' });
  await expect(missing).toHaveAttribute('aria-sort', 'none');
  await missing.getByRole('button').click();
  await expect(missing).toHaveAttribute('aria-sort', 'descending');
  await expect(first()).toHaveText('sex');
  await missing.getByRole('button').click();
  await expect(missing).toHaveAttribute('aria-sort', 'ascending');
  await expect(first()).toHaveText('species');
  const mean = table.getByRole('columnheader', { name: 'Mean' });
  await mean.getByRole('button').click();
  await expect(mean).toHaveAttribute('aria-sort', 'descending');
  await expect(missing).toHaveAttribute('aria-sort', 'none');
  await expect(first()).toHaveText('body_mass_g');
  // Columns without a mean come last, whichever way.
  await expect(table.getByRole('row').nth(8).getByRole('rowheader')).toHaveText(/species|island|sex/);
  await page.screenshot({ path: test.info().outputPath('summary.png'), fullPage: true });

  // Other data: the summary is asked for again, not left stale.
  await openSample(page, 'iris.csv', 'iris.csv · 150 rows × 5 columns');
  await expect(summary.getByRole('table')).toHaveCount(0);
  await summary.getByRole('button', { name: 'Summarise columns' }).click();
  await expect(summary.getByRole('row')).toHaveCount(1 + 5);
});

test('data quality lists what would mislead a model, each with its columns and evidence', async ({ page }, info) => {
  // A leaky column, a constant one, a spelling clash and a repeated row.
  const rows = ['id,score,leak,constant,city,label'];
  for (let i = 0; i < 60; i++) {
    const label = i % 3 === 0 ? 'yes' : 'no';
    rows.push(`${i},${(i * 37) % 11},${label === 'yes' ? 10 + (i % 4) : i % 4},1,${['Paris', 'paris ', 'Lyon'][i % 3]},${label}`);
  }
  rows.push(rows[5].replace(/^4,/, '4,'));
  const file = info.outputPath('leaky.csv');
  writeFileSync(file, rows.join('\n') + '\n');
  await page.getByLabel('Open CSV').setInputFiles(file);
  await expect(page.getByLabel('Dataset shape')).toHaveText('leaky.csv · 61 rows × 6 columns');
  await page.getByLabel('Target column').selectOption('label');

  const quality = page.getByRole('region', { name: 'Data quality' });
  await quality.getByRole('button', { name: 'Check data quality' }).click();
  const list = quality.getByRole('list');
  await expect(quality).toContainText('with label as the target');
  await expect(list.getByRole('listitem', { name: 'Constant column: constant' })).toContainText('every value present is “1”');
  await expect(list.getByRole('listitem', { name: 'Suspected target leakage: leak, label' })).toContainText(
    /on its own it puts 61 of 61 rows in their class label \(100\.0 %\)/,
  );
  await expect(list.getByRole('listitem', { name: 'One value, several spellings: city' })).toContainText(/“Paris” \(20\), “paris ?” \(21\)/);
  await expect(list.getByRole('listitem', { name: 'Duplicate rows' })).toContainText('1 row repeats an earlier row in every column');
  await expect(list.getByRole('listitem', { name: /^Suspected target leakage: score/ })).toHaveCount(0);
  await quality.screenshot({ path: info.outputPath('quality.png') });

  // A clean sample has nothing to warn of but its correlated measurements.
  await page.getByLabel('Sample datasets').selectOption('diabetes.csv');
  await expect(page.getByLabel('Dataset shape')).toHaveText('diabetes.csv · 442 rows × 11 columns');
  await quality.getByRole('button', { name: 'Check data quality' }).click();
  await expect(quality.getByText(/^Nothing to warn of/)).toBeVisible();
});

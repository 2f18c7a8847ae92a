// Exploring the data: the column summary, computed in the worker and sorted by
// any header. Its figures are pandas' (core/tests/explore_reference.rs).
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

import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';

const MESSY = fileURLToPath(new URL('../../core/tests/fixtures/messy-latin1.csv', import.meta.url));

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Studio', level: 1 })).toBeVisible();
});

async function openMessy(page: Page) {
  await page.getByLabel('Open CSV').setInputFiles(MESSY);
  await expect(page.getByLabel('Dataset shape')).toHaveText('messy-latin1.csv · 6 rows × 6 columns');
}

test('a messy file: load report, a type override, and the dataset still there after a reload', async ({ page }) => {
  await openMessy(page);
  // The dialect was guessed: semicolons, Windows-1252, decimal commas.
  await expect(page.getByText(/^Read as semicolon separated, with a header row, windows-1252, decimal comma/)).toBeVisible();
  const report = page.getByRole('region', { name: 'Load report' });
  await expect(report).toContainText('1 value in column "Preis" could not be read as float; set to missing');
  await expect(report).toContainText('row 4 (line 5), column Preis: “unbekannt”');
  await expect(report).toContainText('1 row had fewer fields than the header');
  await expect(report).toContainText('1 row had more fields than the header and was skipped');
  await expect(page.getByLabel('Memory used')).toContainText('in memory');

  const columns = page.getByRole('table', { name: 'Columns' });
  await expect(columns.getByLabel('Type of Preis')).toHaveValue('float');
  await expect(columns.getByLabel('Type of Datum')).toHaveValue('date');
  await expect(columns.getByLabel('Type of id')).toHaveValue('id');
  const table = page.getByRole('region', { name: 'Data table' });
  await expect(table).toContainText('München');
  await expect(table).toContainText('1234.5');
  await expect(table).toContainText('2023-12-31');

  // Keep the stray word: read Preis as text.
  await columns.getByLabel('Type of Preis').selectOption('text');
  await expect(page.getByRole('table', { name: 'Columns' }).getByLabel('Type of Preis')).toHaveValue('text');
  await expect(page.getByRole('region', { name: 'Data table' })).toContainText('unbekannt');
  await expect(page.getByRole('region', { name: 'Load report' })).not.toContainText('could not be read');

  const saved = page.getByRole('region', { name: 'Saved datasets' });
  await expect(saved).toContainText('messy-latin1.csv · 6 rows × 6 columns');
  await expect(saved.getByLabel('Storage used')).toContainText('Storage used:');
  // The columns as read with the override are saved again; a reload before that
  // save has finished would find the file half written.
  await expect(page.getByLabel('Storage', { exact: true })).toHaveText(/^Saved in this browser/);

  // After a reload the parsed columns come back from this browser's storage, with
  // the override, without asking for the file.
  await page.reload();
  await expect(page.getByLabel('Dataset shape')).toHaveText('messy-latin1.csv · 6 rows × 6 columns');
  await expect(page.getByRole('region', { name: 'Saved datasets' })).toContainText('messy-latin1.csv');
  await expect(page.getByRole('table', { name: 'Columns' }).getByLabel('Type of Preis')).toHaveValue('text');
  await expect(page.getByRole('region', { name: 'Data table' })).toContainText('unbekannt');

  await page.getByRole('button', { name: 'Delete messy-latin1.csv' }).click();
  await expect(page.getByRole('region', { name: 'Saved datasets' })).toContainText('None yet');
});

/** The saved copy of MESSY in this browser's storage: named by its SHA-256, as the worker names it. */
function messyFrame(): string {
  return createHash('sha256').update(readFileSync(MESSY)).digest('hex').slice(0, 16) + '.frame';
}

test('a damaged list of saved datasets is rebuilt from the files there, and the page says so', async ({ page }) => {
  await openMessy(page);
  await expect(page.getByRole('region', { name: 'Saved datasets' })).toContainText('messy-latin1.csv · 6 rows × 6 columns');

  // OPFS is shared by the page and the worker: damage the index from the page.
  await page.evaluate(async () => {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('datasets');
    const index = await (await dir.getFileHandle('index.json')).createWritable();
    await index.write('[{"id": "cut off');
    await index.close();
  });
  await page.reload();
  const saved = page.getByRole('region', { name: 'Saved datasets' });
  await expect(saved).toContainText('messy-latin1.csv · 6 rows × 6 columns');
  await expect(saved.getByRole('status')).toHaveText(
    'The list of saved datasets was damaged; it was rebuilt from the 1 dataset found.',
  );
  // The rebuilt entry carries the file's SHA-256, so the notebook's file reopens from it.
  await expect(page.getByLabel('Dataset shape')).toHaveText('messy-latin1.csv · 6 rows × 6 columns');
});

test('a saved dataset whose header claims more than its file holds is refused as damaged, not a crash', async ({ page }) => {
  await openMessy(page);
  await expect(page.getByRole('region', { name: 'Saved datasets' })).toContainText('messy-latin1.csv · 6 rows × 6 columns');

  // The first column claims 4 GB. The blocks move 1 KiB on, so that the longer
  // header still ends before them and it is the length that is wrong.
  const column = await page.evaluate(async (name) => {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('datasets');
    const handle = await dir.getFileHandle(name);
    const bytes = new Uint8Array(await (await handle.getFile()).arrayBuffer());
    const length = new DataView(bytes.buffer).getUint32(12, true);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + length)));
    const blocks = Math.ceil((16 + length) / 8) * 8;
    const shift = 1024;
    for (const c of header.columns) c.offset += shift;
    header.columns[0].length = 4_000_000_000;
    const json = new TextEncoder().encode(JSON.stringify(header));
    const out = new Uint8Array(bytes.length + shift);
    out.set(bytes.subarray(0, 12));
    new DataView(out.buffer).setUint32(12, json.length, true);
    out.set(json, 16);
    out.set(bytes.subarray(blocks), blocks + shift);
    const file = await handle.createWritable();
    await file.write(out);
    await file.close();
    return header.columns[0].name as string;
  }, messyFrame());

  await page.getByRole('button', { name: 'Open messy-latin1.csv' }).click();
  const refusal = page.getByRole('alert').filter({ hasText: 'the saved dataset messy-latin1.csv is damaged' });
  await expect(refusal).toContainText(`column "${column}" claims 4.00 GB from byte`);
  await expect(refusal).toContainText('delete it and open the CSV again');
  await expect(page.getByRole('alertdialog', { name: 'Studio stopped working' })).toHaveCount(0);
  await expect(page.getByText('The compute worker stopped unexpectedly')).toHaveCount(0);

  // Deleting it, as the message says, empties the list.
  await page.getByRole('button', { name: 'Delete messy-latin1.csv' }).click();
  await expect(page.getByRole('region', { name: 'Saved datasets' })).toContainText('None yet');
});

test('reading options can be overridden and the file read again', async ({ page }) => {
  await openMessy(page);
  await page.getByText(/^Read as semicolon separated/).click();
  const form = page.getByRole('form', { name: 'Reading options' });
  await form.getByLabel('Header row').selectOption('no');
  await form.getByRole('button', { name: 'Reload with these settings' }).click();
  await expect(page.getByLabel('Dataset shape')).toHaveText('messy-latin1.csv · 7 rows × 6 columns');
  await expect(page.getByRole('table', { name: 'Columns' })).toContainText('column_1');
});

test('roles: marking a column as the target sets the train cell', async ({ page }) => {
  await page.getByLabel('Sample datasets').selectOption('penguins.csv');
  await expect(page.getByLabel('Dataset shape')).toHaveText('penguins.csv · 344 rows × 8 columns');
  const columns = page.getByRole('table', { name: 'Columns' });
  await expect(columns.getByRole('row', { name: /bill_length_mm/ })).toContainText('2');
  await expect(columns.getByRole('img', { name: /^Distribution of body_mass_g: 342 values from 2700 to 6300$/ })).toBeVisible();
  await columns.getByLabel('Role of species').selectOption('target');
  await expect(page.getByLabel('Target column')).toHaveValue('species');
  await columns.getByLabel('Role of island').selectOption('ignore');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByRole('region', { name: 'Metrics' }).getByLabel('Accuracy')).toHaveText(/^\d\.\d{4}$/);
});

test('the virtual table scrolls, sorts and filters a million cells with few rows in the page', async ({ page }) => {
  await page.getByText('Generate synthetic data').click();
  const form = page.getByRole('form', { name: 'Synthetic data' });
  await form.getByLabel('Rows').fill('200000');
  await form.getByLabel('Features').fill('5');
  await form.getByRole('button', { name: 'Generate' }).click();
  await expect(page.getByLabel('Dataset shape')).toHaveText('synthetic-200000x5-classification-seed42 · 200000 rows × 6 columns');
  const table = page.getByRole('region', { name: 'Data table' });
  await expect(page.getByRole('status', { name: 'Rows shown' })).toHaveText('200000 rows');
  expect(await table.locator('tbody tr').count()).toBeLessThan(40);
  // Each header shows the column's type and a histogram of its values.
  await expect(table.getByRole('columnheader', { name: /^Sort by x1 / })).toContainText('float');
  await expect(table.getByRole('img', { name: /^Distribution of x1: 200000 values from -/ })).toBeVisible();
  await expect(table.getByRole('columnheader', { name: /^Sort by class / })).toContainText('categorical');

  await table.evaluate((el) => el.scrollTo(0, el.scrollHeight));
  await expect(table.getByRole('rowheader', { name: '200000', exact: true })).toBeVisible();
  expect(await table.locator('tbody tr').count()).toBeLessThan(40);

  await table.getByRole('button', { name: 'Sort by x1' }).click();
  await expect(table.getByRole('columnheader', { name: 'Sort by x1' })).toHaveAttribute('aria-sort', 'ascending');
  const first = async () => Number(await table.locator('tbody tr:not(.spacer)').nth(0).locator('td').nth(0).textContent());
  const second = async () => Number(await table.locator('tbody tr:not(.spacer)').nth(1).locator('td').nth(0).textContent());
  await expect.poll(async () => (await first()) <= (await second()) && (await first()) < -3).toBe(true);

  await page.getByLabel('Filter rows').fill('class_2');
  await expect(page.getByRole('status', { name: 'Rows shown' })).toHaveText(/^\d+ of 200000 rows match$/);
  await expect(table.locator('tbody tr:not(.spacer)').nth(0)).toContainText('class_2');
});

test('a large file streams with progress and can be cancelled', async ({ page }) => {
  const dir = mkdtempSync(join(tmpdir(), 'studio-e2e-'));
  const path = join(dir, 'large.csv');
  const line = '0.123456,1.234567,2.345678,3.456789,4.567890,5.678901,6.789012,7.890123\n';
  writeFileSync(path, 'a,b,c,d,e,f,g,h\n' + line.repeat(4_000_000));
  await page.getByLabel('Open CSV').setInputFiles(path);
  const bar = page.getByRole('progressbar', { name: 'Loading progress' });
  await expect(bar).toBeVisible();
  await expect(page.getByRole('status', { name: 'Loading' })).toContainText(/MB of \d+\.\d MB · \d+ rows/);
  await page.getByRole('button', { name: 'Cancel loading' }).click();
  await expect(bar).toBeHidden();
  await expect(page.getByText('No data yet.')).toBeVisible();
});

/** The local file's SHA-256 as the downloaded notebook records it. */
async function recordedSha256(page: Page): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download notebook' }).click()]);
  const notebook = readFileSync(await download.path(), 'utf8');
  const found = /"sha256":\s*"([0-9a-f]*)"/.exec(notebook);
  expect(found, 'the notebook names its file by SHA-256').not.toBeNull();
  return found![1];
}

test('a file of many slices is fingerprinted with the SHA-256 of its bytes, also after a cancel and a re-read', async ({ page }) => {
  // Nine million rows read, some of them twice: beside another heavy test on two
  // cores this has run past the default minute.
  test.slow();
  const dir = mkdtempSync(join(tmpdir(), 'studio-e2e-'));
  // Cancelled part way: the second worker hashing it is stopped with the load.
  const large = join(dir, 'large.csv');
  writeFileSync(large, 'a,b\n' + '0.5,1.5\n'.repeat(8_000_000));
  await page.getByLabel('Open CSV').setInputFiles(large);
  await expect(page.getByRole('status', { name: 'Loading' })).toContainText(/MB of \d+\.\d MB/);
  await page.getByRole('button', { name: 'Cancel loading' }).click();
  await expect(page.getByText('No data yet.')).toBeVisible();

  // About 20 MB: three slices, each different, so a slice lost or reordered shows.
  const lines = ['x,y,label'];
  for (let i = 0; i < 1_000_000; i++) lines.push(`${i},${(i * 0.37) % 101},${i % 3 === 0 ? 'yes' : 'no'}`);
  const bytes = Buffer.from(lines.join('\n') + '\n');
  const path = join(dir, 'slices.csv');
  writeFileSync(path, bytes);
  const expected = createHash('sha256').update(bytes).digest('hex');
  await page.getByLabel('Open CSV').setInputFiles(path);
  await expect(page.getByLabel('Dataset shape')).toHaveText('slices.csv · 1000000 rows × 3 columns', { timeout: 60_000 });
  expect(await recordedSha256(page)).toBe(expected);

  // Read again without a header: the same file, so the same fingerprint.
  await page.getByText(/^Read as comma separated/).click();
  const form = page.getByRole('form', { name: 'Reading options' });
  await form.getByLabel('Header row').selectOption('no');
  await form.getByRole('button', { name: 'Reload with these settings' }).click();
  await expect(page.getByLabel('Dataset shape')).toHaveText('slices.csv · 1000001 rows × 3 columns', { timeout: 60_000 });
  expect(await recordedSha256(page)).toBe(expected);
});

test('the frame exports back to CSV', async ({ page }) => {
  await page.getByLabel('Sample datasets').selectOption('iris.csv');
  await expect(page.getByLabel('Dataset shape')).toHaveText('iris.csv · 150 rows × 5 columns');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('iris-studio.csv');
  const text = readFileSync(await file.path(), 'utf8');
  const original = readFileSync(fileURLToPath(new URL('../../data/samples/iris.csv', import.meta.url)), 'utf8');
  // Same values; numbers are written shortest (3.0 as 3).
  const cells = (csv: string) =>
    csv.trim().split('\n').map((line) => line.split(',').map((v) => (v !== '' && !isNaN(Number(v)) ? Number(v) : v)));
  expect(cells(text)).toEqual(cells(original));
});

test('bad synthetic sizes are refused with the reason', async ({ page }) => {
  await page.getByText('Generate synthetic data').click();
  const form = page.getByRole('form', { name: 'Synthetic data' });
  await form.getByLabel('Rows').fill('lots');
  await form.getByRole('button', { name: 'Generate' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Rows must be a whole number, not “lots”' })).toBeVisible();
  await form.getByLabel('Rows').fill('100000000');
  await form.getByLabel('Features').fill('100');
  await form.getByRole('button', { name: 'Generate' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'choose fewer' })).toBeVisible();
  // One past u32: the page's usize would wrap it to 1 row.
  await form.getByLabel('Rows').fill('4294967297');
  await form.getByLabel('Features').fill('1');
  await form.getByRole('button', { name: 'Generate' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Rows: 4294967297 is more than this page can hold' })).toBeVisible();
  await expect(form.getByLabel('Rows')).toHaveAttribute('aria-invalid', 'true');
});

test('a file that is not text is refused with what it looks like, and nothing is saved', async ({ page }) => {
  // 2 KB of seeded random bytes, and the start of a PNG image.
  let state = 7;
  const random = Buffer.from([...Array(2048)].map(() => (state = (state * 1103515245 + 12345) % 2147483648) >> 16 & 255));
  await page.getByLabel('Open CSV').setInputFiles({ name: 'noise.csv', mimeType: 'text/csv', buffer: random });
  await expect(page.getByRole('alert').filter({ hasText: 'noise.csv holds binary data, not text, so it is not a CSV file' })).toBeVisible();
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), random]);
  await page.getByLabel('Open CSV').setInputFiles({ name: 'chart.png', mimeType: 'image/png', buffer: png });
  await expect(page.getByRole('alert').filter({ hasText: 'chart.png is a PNG image, not a CSV file' })).toBeVisible();
  await expect(page.getByLabel('Dataset shape')).toBeHidden();
  await expect(page.getByRole('region', { name: 'Saved datasets' })).toContainText('None yet');
  await page.reload();
  await expect(page.getByRole('region', { name: 'Saved datasets' })).toContainText('None yet');
});

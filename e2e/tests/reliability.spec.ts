// Nothing lost, nothing hangs: notebooks kept beside each other, damaged documents
// kept aside, jobs that always answer, crashes that never loop, stale workers replaced.
import { readFileSync } from 'node:fs';
import { expect, test, type Page, type Worker } from '@playwright/test';
import { UNIT_METRIC, bigCsv, computeWorker, expectDevice, openSample, openStudio, train, panicUi } from './support';

const NOTEBOOKS = 'studio.notebooks';

/// The notebooks this browser keeps, as the page stored them.
async function storedNotebooks(page: Page): Promise<{ current: string; list: { id: string; title: string }[] }> {
  return page.evaluate((key) => JSON.parse(localStorage.getItem(key) ?? '{"list": []}'), NOTEBOOKS);
}

async function notebooksMenu(page: Page) {
  await page.getByRole('button', { name: 'Notebooks' }).click();
  return page.getByRole('region', { name: 'Notebooks' });
}

async function shareLink(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Copy share link' }).click();
  return page.getByLabel(/^Share link/).inputValue();
}

async function panicWorker(worker: Worker, message: string) {
  await worker.evaluate((text) => {
    // @ts-expect-error declared by the worker's glue script
    setTimeout(() => wasm_bindgen.diagnostics_panic(text), 0);
  }, message);
}

test('a share link opens as a new notebook beside the saved one, once', async ({ page, browser }) => {
  await openStudio(page);
  await openSample(page, 'diabetes.csv', 'diabetes.csv · 442 rows × 11 columns');
  await page.getByLabel('Alpha (regularization)').fill('10');
  await page.getByLabel('Alpha (regularization)').press('Tab');

  // Someone else's link: Iris.
  const sender = await browser.newContext();
  const theirs = await sender.newPage();
  await openStudio(theirs);
  await openSample(theirs, 'iris.csv', 'iris.csv · 150 rows × 5 columns');
  const link = await shareLink(theirs);
  await sender.close();

  // Pasted into the address of the open page: only the fragment changes.
  await page.goto(link);
  await expect(page.getByLabel('Dataset shape')).toHaveText('iris.csv · 150 rows × 5 columns');
  // It reproduces its metrics: trained as it opened (edits wait for that).
  await expect(page.getByRole('region', { name: 'Metrics' }).getByLabel('Accuracy')).toHaveText(UNIT_METRIC);
  // The fragment was taken out, so a reload keeps what is edited from now on.
  expect(new URL(page.url()).hash).toBe('');
  await page.getByLabel('Seed', { exact: true }).fill('11');
  await page.getByLabel('Seed', { exact: true }).press('Tab');
  await page.reload();
  await expect(page.getByLabel('Dataset shape')).toHaveText('iris.csv · 150 rows × 5 columns');
  await expect(page.getByLabel('Seed', { exact: true })).toHaveValue('11');
  expect((await storedNotebooks(page)).list).toHaveLength(2);

  // The person's own notebook is still there, as it was.
  const menu = await notebooksMenu(page);
  await expect(menu.getByRole('listitem')).toHaveCount(2);
  await menu.getByRole('button', { name: 'Untitled notebook' }).first().click();
  await expect(page.getByLabel('Dataset shape')).toHaveText('diabetes.csv · 442 rows × 11 columns');
  await expect(page.getByLabel('Alpha (regularization)')).toHaveValue('10');
});

test('notebooks can be renamed, duplicated and deleted from "Notebooks"', async ({ page }) => {
  await openStudio(page);
  await openSample(page, 'iris.csv', 'iris.csv · 150 rows × 5 columns');
  let menu = await notebooksMenu(page);
  await menu.getByRole('button', { name: 'Rename Untitled notebook' }).click();
  await menu.getByLabel('Notebook title').fill('Flowers');
  await menu.getByRole('button', { name: 'Save title' }).click();
  await expect(page.getByRole('banner')).toContainText('Flowers');
  await menu.getByRole('button', { name: 'Duplicate Flowers' }).click();
  await expect(page.getByRole('banner')).toContainText('Flowers (copy)');
  await expect(page.getByLabel('Dataset shape')).toHaveText('iris.csv · 150 rows × 5 columns');
  await expect(menu.getByRole('listitem')).toHaveCount(2);

  page.once('dialog', (dialog) => dialog.accept());
  await menu.getByRole('button', { name: 'Delete Flowers (copy)' }).click();
  await expect(menu.getByRole('listitem')).toHaveCount(1);
  const title = page.getByRole('banner').locator('.notebook-title');
  await expect(title).toHaveText('Flowers');
  await page.reload();
  await expect(title).toHaveText('Flowers');
  menu = await notebooksMenu(page);
  await expect(menu.getByRole('listitem')).toHaveCount(1);
});

test('an unreadable stored notebook is kept aside with a download, never overwritten', async ({ page }) => {
  await openStudio(page);
  await openSample(page, 'iris.csv', 'iris.csv · 150 rows × 5 columns');
  const { current } = await storedNotebooks(page);
  const damaged = '{"schema_version": 1, "title": "Mine", "cells": [{"id": 1, "kind": "data", "source": 7}]}';
  await page.evaluate(([key, text]) => localStorage.setItem(key, text), [`studio.notebook.${current}`, damaged]);
  await page.reload();

  const panel = page.getByRole('alert', { name: 'Damaged notebook' });
  await expect(panel).toContainText('The notebook “Mine” saved in this browser could not be opened');
  const [download] = await Promise.all([page.waitForEvent('download'), panel.getByRole('button', { name: 'Download the damaged notebook' }).click()]);
  expect(readFileSync(await download.path(), 'utf8')).toBe(damaged);
  // Nothing was written over it, not even after a while.
  await page.waitForTimeout(500);
  expect(await page.evaluate((key) => localStorage.getItem(key), `studio.notebook.${current}`)).toBe(damaged);

  await panel.getByRole('button', { name: 'Start a new notebook' }).click();
  await expect(panel).toBeHidden();
  await openSample(page, 'diabetes.csv', 'diabetes.csv · 442 rows × 11 columns');
  expect(await page.evaluate((key) => localStorage.getItem(key), `studio.notebook.${current}`)).toBe(damaged);
  expect((await storedNotebooks(page)).list).toHaveLength(2);
});

test('a damaged link shows its error and changes nothing', async ({ page }) => {
  await openStudio(page);
  await openSample(page, 'iris.csv', 'iris.csv · 150 rows × 5 columns');
  const before = await storedNotebooks(page);
  // Opened in a new tab, and pasted into this one.
  const other = await page.context().newPage();
  await openStudio(other, '/#nb=AAAA');
  await expect(other.getByRole('alert').filter({ hasText: "The link's notebook could not be opened, so nothing was changed" })).toBeVisible();
  await expect(other.getByLabel('Dataset shape')).toHaveText('iris.csv · 150 rows × 5 columns');
  await page.goto('/#nb=AAAB');
  await expect(page.getByRole('alert').filter({ hasText: "The link's notebook could not be opened, so nothing was changed" })).toBeVisible();
  await expect(page.getByLabel('Dataset shape')).toHaveText('iris.csv · 150 rows × 5 columns');
  expect(await storedNotebooks(page)).toEqual(before);
});

test('a seed above 2^53 trains, and is kept exactly', async ({ page }) => {
  await openStudio(page);
  await openSample(page, 'iris.csv', 'iris.csv · 150 rows × 5 columns');
  await page.getByLabel('Seed', { exact: true }).fill('18446744073709551615');
  await page.getByLabel('Seed', { exact: true }).press('Tab');
  await expect((await train(page)).getByLabel('Accuracy')).toHaveText(UNIT_METRIC);
  await page.reload();
  await expect(page.getByLabel('Seed', { exact: true })).toHaveValue('18446744073709551615');
  // Retrained as it reopened, with the same seed.
  await expect(page.getByRole('region', { name: 'Metrics' }).getByLabel('Accuracy')).toHaveText(UNIT_METRIC);

  await page.getByLabel('Seed', { exact: true }).fill('-3');
  await page.getByLabel('Seed', { exact: true }).press('Tab');
  await expect(page.getByRole('alert').filter({ hasText: 'The seed must be a whole number from 0 to 18446744073709551615' })).toBeVisible();
});

test('the crash panel reloads the page even on an address with a fragment', async ({ page }) => {
  await openStudio(page, '/#section');
  await page.evaluate(() => ((window as { __before?: boolean }).__before = true));
  await panicUi(page, 'simulated failure');
  const panel = page.getByRole('alertdialog', { name: 'Studio stopped working' });
  await panel.getByRole('link', { name: 'Reload Studio' }).click();
  await expect(page.getByRole('heading', { name: 'Studio', level: 1 })).toBeVisible();
  await expect(panel).toBeHidden();
  expect(await page.evaluate(() => (window as { __before?: boolean }).__before)).toBeUndefined();
});

test('a training run that crashed the worker is offered again, not re-run, also after a reload', async ({ page }, info) => {
  const workerStarted = computeWorker(page);
  await openStudio(page);
  const worker = await workerStarted;
  await page.getByLabel('Open CSV').setInputFiles({ name: 'big.csv', mimeType: 'text/csv', buffer: bigCsv(60_000, 24) });
  await expect(page.getByLabel('Dataset shape')).toHaveText('big.csv · 60000 rows × 25 columns', { timeout: 60_000 });
  // Kept in this browser, so that Retry can reopen it without the file.
  await expect(page.getByRole('region', { name: 'Saved datasets' })).toContainText('big.csv');
  // Twenty trees on 48,000 rows train for seconds: logistic regression can
  // converge before the crash is sent.
  await page.getByRole('combobox', { name: /^Model/ }).selectOption('random_forest');
  const trees = page.getByRole('textbox', { name: /^Trees/ });
  await trees.fill('20');
  await trees.press('Tab');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: /Training · tree [1-9]/ })).toBeVisible({ timeout: 60_000 });
  await panicWorker(worker, 'simulated crash in training');

  const retry = page.getByRole('alert', { name: 'Interrupted work' });
  await expect(retry).toContainText('Studio stopped while training');
  await expectDevice(page.getByRole('status', { name: 'Compute device' }), info.project.name);
  // Nothing started again by itself.
  await page.waitForTimeout(1000);
  await expect(page.getByRole('status').filter({ hasText: /^Training · / })).toBeHidden();

  await page.reload();
  await expect(page.getByRole('alert', { name: 'Interrupted work' })).toContainText('Studio stopped while training');
  await page.waitForTimeout(1000);
  await expect(page.getByRole('status').filter({ hasText: /^Training · / })).toBeHidden();
  await expect(page.getByLabel('Dataset shape')).toBeHidden();

  await page.getByRole('alert', { name: 'Interrupted work' }).getByRole('button', { name: 'Retry' }).click();
  await expect(page.getByLabel('Dataset shape')).toHaveText('big.csv · 60000 rows × 25 columns', { timeout: 60_000 });
  await expect(page.getByRole('region', { name: 'Metrics' }).getByLabel('Accuracy')).toHaveText(UNIT_METRIC, { timeout: 120_000 });
});

test('after three crashes later jobs fail at once with the reason and a reload', async ({ page }, info) => {
  await openStudio(page);
  for (let crash = 1; crash <= 3; crash++) {
    // The (new) worker has started and answered.
    await expectDevice(page.getByRole('status', { name: 'Compute device' }), info.project.name);
    // Every worker of the page, the compute worker's fingerprint helper too.
    await Promise.all(page.workers().map((worker) => panicWorker(worker, `simulated crash ${crash}`).catch(() => {})));
    // The notice says so, and so may a job that was running when it crashed.
    await expect(page.getByRole('alert').filter({ hasText: `simulated crash ${crash}` }).first()).toBeVisible();
  }
  const notice = page.getByRole('alert').filter({ hasText: 'The compute worker keeps stopping' });
  await expect(notice).toBeVisible();
  await page.getByLabel('Sample datasets').selectOption('iris.csv');
  await expect(page.getByRole('alert').filter({ hasText: 'so it was not started again: reload the page' }).last()).toBeVisible();
  await notice.getByRole('button', { name: 'Reload Studio' }).click();
  await openSample(page, 'iris.csv', 'iris.csv · 150 rows × 5 columns');
});

test('opening other data while a model trains: the old run never shows or becomes the download', async ({ page }) => {
  await openStudio(page);
  await page.getByLabel('Open CSV').setInputFiles({ name: 'big.csv', mimeType: 'text/csv', buffer: bigCsv(60_000, 24) });
  await expect(page.getByLabel('Dataset shape')).toHaveText('big.csv · 60000 rows × 25 columns', { timeout: 60_000 });
  // A hundred trees on 48,000 rows are still training when the other data open.
  const model = page.getByRole('combobox', { name: /^Model/ });
  await model.selectOption('random_forest');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: /Training · tree [1-9]/ })).toBeVisible({ timeout: 60_000 });
  await openSample(page, 'iris.csv', 'iris.csv · 150 rows × 5 columns');
  await expect(page.getByRole('status').filter({ hasText: /^Training · / })).toBeHidden();
  await page.waitForTimeout(3000);
  await expect(page.getByRole('region', { name: 'Metrics' })).toBeHidden();
  await expect(page.getByRole('button', { name: 'Download ONNX' })).toBeHidden();

  // Training the new data gives its own model.
  await model.selectOption('logistic');
  const metrics = await train(page);
  await expect(metrics.getByLabel('Accuracy')).toHaveText('0.9333');
  const [json] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download JSON' }).click()]);
  expect(JSON.parse(readFileSync(await json.path(), 'utf8')).target).toBe('species');
});

test('a stale cached worker is replaced by a fresh one, and a lasting mismatch is said', async ({ browser }, info) => {
  const stale = "postMessage({ type: 'ready', build: '0.0.0-stale' }); onmessage = () => {};";
  const once = await browser.newContext();
  let served = 0;
  await once.route('**/worker-boot.js*', (route) => {
    served += 1;
    return served === 1 ? route.fulfill({ contentType: 'text/javascript', body: stale }) : route.continue();
  });
  const page = await once.newPage();
  await openStudio(page);
  await expectDevice(page.getByRole('status', { name: 'Compute device' }), info.project.name);
  await openSample(page, 'iris.csv', 'iris.csv · 150 rows × 5 columns');
  expect(served).toBeGreaterThanOrEqual(2);
  await once.close();

  const always = await browser.newContext();
  await always.route('**/worker-boot.js*', (route) => route.fulfill({ contentType: 'text/javascript', body: stale }));
  const other = await always.newPage();
  await openStudio(other);
  await expect(other.getByRole('alert').filter({ hasText: 'come from different versions of Studio' }).first()).toBeVisible();
  await expect(other.getByRole('button', { name: 'Reload Studio' })).toBeVisible();
  await always.close();
});

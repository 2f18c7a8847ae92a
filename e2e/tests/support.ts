// Helpers the specs share: opening Studio and samples, training, test data.
import { expect, type Locator, type Page, type Worker } from '@playwright/test';

/// The page's next compute worker (named so by the page), not its fingerprint
/// helper, a worker of the same script: call before the page starts it.
export function computeWorker(page: Page): Promise<Worker> {
  return new Promise((resolve) => {
    const listener = async (started: Worker) => {
      if ((await started.evaluate(() => self.name).catch(() => '')) !== 'compute') return;
      page.off('worker', listener);
      resolve(started);
    };
    page.on('worker', listener);
  });
}

// What the device status must say in each project of the suite.
function expectedDevice(project: string): RegExp {
  return project === 'webgpu' ? /^WebGPU · \S/ : /^CPU · \S/;
}

/// Waits for the header's device line to settle on the project's device. Choosing
/// a GPU verifies a kernel on it, which on a software GPU beside another test's
/// training on two cores can take longer than an ordinary expectation waits.
export async function expectDevice(status: Locator, project: string) {
  await expect(status).toHaveText(expectedDevice(project), { timeout: 90_000 });
}

export async function openStudio(page: Page, path = '/') {
  await page.goto(path);
  await expect(page.getByRole('heading', { name: 'Studio', level: 1 })).toBeVisible();
}

export async function openSample(page: Page, file: string, shape: string) {
  await page.getByLabel('Sample datasets').selectOption(file);
  await expect(page.getByLabel('Dataset shape')).toHaveText(shape);
}

export async function train(page: Page) {
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  return page.getByRole('region', { name: 'Metrics' });
}

/// A deterministic CSV big enough that training takes a few seconds.
export function bigCsv(rows: number, features: number): Buffer {
  let state = 12345;
  const next = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  const lines = [[...Array(features).keys()].map((i) => `f${i}`).concat('label').join(',')];
  for (let r = 0; r < rows; r++) {
    const x = [...Array(features)].map(next);
    const score = x[0] + 0.5 * x[1] - x[2] + 0.3 * next();
    lines.push(x.map((v) => v.toFixed(4)).concat(score > 0.3 ? 'a' : score < -0.3 ? 'b' : 'c').join(','));
  }
  return Buffer.from(lines.join('\n') + '\n');
}

// A test-metric value: four decimals between 0 and 1.
export const UNIT_METRIC = /^(0\.\d{4}|1\.0000)$/;

/// Panics the UI thread's wasm on purpose; the crash panel is what the person sees.
export async function panicUi(page: Page, message: string) {
  const module = await page.locator('script[data-js]').getAttribute('data-js');
  await page.evaluate(
    async ([url, text]) => {
      const app = await import(url!);
      try {
        app.diagnostics_panic(text);
      } catch {
        // The panic ends in a wasm trap.
      }
    },
    [module, message],
  );
}

import { defineConfig } from '@playwright/test';

// The suite runs twice: once with WebGPU on SwiftShader (a CPU-backed Vulkan, so it
// works without a GPU) and once without an adapter, the CPU-fallback configuration.
const PORT = 8123;
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const BASE_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
export const WEBGPU_ARGS = [
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-vulkan=swiftshader',
  '--use-webgpu-adapter=swiftshader',
];

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  expect: { timeout: 30_000 },
  fullyParallel: true,
  workers: 2,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}/`,
    browserName: 'chromium',
    headless: true,
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'webgpu',
      use: {
        launchOptions: { executablePath: CHROMIUM, args: [...BASE_ARGS, ...WEBGPU_ARGS] },
        // SwiftShader is a fallback adapter, which Studio passes over by itself; the
        // device setting asks for the GPU so that this project exercises the GPU path.
        storageState: {
          cookies: [],
          origins: [{ origin: `http://127.0.0.1:${PORT}`, localStorage: [{ name: 'studio.device', value: 'gpu' }] }],
        },
      },
    },
    {
      name: 'cpu',
      use: { launchOptions: { executablePath: CHROMIUM, args: BASE_ARGS } },
    },
  ],
  webServer: {
    command: `node serve.mjs --port ${PORT}`,
    url: `http://127.0.0.1:${PORT}/`,
    reuseExistingServer: false,
    stdout: 'ignore',
  },
});

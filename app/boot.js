// Starts the UI's WebAssembly. Kept out of index.html so that the page's
// Content-Security-Policy can forbid inline scripts.
const boot = document.querySelector('script[data-js][data-wasm]');
try {
  const { default: init } = await import(boot.dataset.js);
  await init({ module_or_path: boot.dataset.wasm });
} catch (error) {
  const status = document.getElementById('boot');
  if (status) {
    status.textContent =
      'Studio could not start in this browser: ' + error +
      '. It needs a recent Chromium, Firefox or Safari with WebAssembly enabled.';
    status.setAttribute('role', 'alert');
  }
  throw error;
}

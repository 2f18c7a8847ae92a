#!/usr/bin/env bash
# Installs what building and testing Studio needs, skipping whatever is already
# there, and says what it does. Safe to run again and again.
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
# Must equal the `wasm-bindgen` crate pinned in Cargo.toml.
WASM_BINDGEN_VERSION=$(sed -n 's/^wasm-bindgen = "=\(.*\)"$/\1/p' Cargo.toml)
# Chromium for the browser tests; Mesa's lavapipe so GPU tests run without a GPU.
APT_PACKAGES=(chromium mesa-vulkan-drivers libvulkan1)

say() { printf '\033[1msetup:\033[0m %s\n' "$*"; }

export PATH="$HOME/.cargo/bin:$PATH"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

# The machine image may bring its own Node.js; only install Debian's if there is none.
command -v node >/dev/null && command -v npm >/dev/null || APT_PACKAGES+=(nodejs npm)
missing=()
for package in "${APT_PACKAGES[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
else
  say "Debian packages present: ${APT_PACKAGES[*]}"
fi

if ! command -v cargo >/dev/null; then
  say "no Rust toolchain: install rustup (https://rustup.rs) and run this again" >&2
  exit 1
fi
if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "Rust target wasm32-unknown-unknown present"
else
  say "adding Rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi
for component in rustfmt clippy; do
  rustup component list --installed | grep -q "^$component" || {
    say "adding Rust component $component"
    rustup component add "$component"
  }
done

if [ "$(trunk --version 2>/dev/null)" = "trunk $TRUNK_VERSION" ]; then
  say "trunk $TRUNK_VERSION present"
else
  say "installing trunk $TRUNK_VERSION (several minutes, once)"
  cargo install trunk --version "$TRUNK_VERSION" --locked
fi

if [ "$(wasm-bindgen --version 2>/dev/null)" = "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  say "wasm-bindgen-cli $WASM_BINDGEN_VERSION present"
else
  # Not --locked: its lock file names a crate version the registry mirror lacks.
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes, once)"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

# Playwright (which uses the system Chromium; it downloads no browser) and
# binaryen's wasm-opt, from e2e/package-lock.json.
stamp=e2e/node_modules/.studio-lock
if cmp -s e2e/package-lock.json "$stamp" 2>/dev/null; then
  say "npm packages present"
else
  say "installing npm packages (npm ci)"
  (cd e2e && npm ci --no-audit --no-fund)
  cp e2e/package-lock.json "$stamp"
fi

# ONNX Runtime and onnx, for checking exported models (scripts/check-onnx.sh).
venv=.tools/onnx-venv
requirements=scripts/reference/requirements-onnx.txt
if cmp -s "$requirements" "$venv/.studio-requirements" 2>/dev/null; then
  say "ONNX Runtime environment present"
else
  say "installing ONNX Runtime and onnx into $venv (pip)"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
  cp "$requirements" "$venv/.studio-requirements"
fi

say "fetching crates"
cargo fetch --quiet
say "ready"

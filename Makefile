# The README's two commands: `make serve` and `make test`. Both install what is
# missing first (scripts/setup.sh) and skip what is already there.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
export PATH := $(CURDIR)/e2e/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
# Mesa's Vulkan driver wants a runtime directory; without one it prints errors.
export XDG_RUNTIME_DIR ?= /tmp/studio-xdg-runtime
# The native GPU tests run on Vulkan: a real GPU, or Mesa's lavapipe on CPU-only machines.
export WGPU_BACKEND ?= vulkan
PORT ?= 8080
WASM_CRATES := -p studio-core -p studio-app

.PHONY: setup build serve test lint test-native test-onnx test-e2e bench

setup:
	@scripts/setup.sh
	@mkdir -p -m 700 $(XDG_RUNTIME_DIR)

build: setup
	trunk build --release

serve: build
	node e2e/serve.mjs --dir dist --port $(PORT)

test: setup lint test-native test-onnx build test-e2e

lint:
	@echo "== cargo fmt --check"
	cargo fmt --all --check
	@echo "== cargo clippy (native and wasm32)"
	cargo clippy --workspace --all-targets --locked -- -D warnings
	cargo clippy $(WASM_CRATES) --target wasm32-unknown-unknown --locked -- -D warnings

test-native:
	@echo "== native tests (GPU tests on $(WGPU_BACKEND))"
	cargo test --workspace --locked

test-onnx:
	@echo "== exported ONNX in ONNX Runtime against Studio's predictions"
	scripts/check-onnx.sh

test-e2e:
	@echo "== Playwright in headless Chromium: WebGPU (SwiftShader) and CPU fallback"
	cd e2e && playwright test

bench: build
	node e2e/bench/first-load.mjs

.PHONY: bench-csv-browser
# Loading a ~100 MB numeric CSV: Studio against PapaParse in headless Chromium.
bench-csv-browser: build
	node e2e/bench/csv-load.mjs

.PHONY: bench-csv
# Loading a ~100 MB CSV natively: `studio inspect` against pandas.read_csv and a bare
# csv ByteRecord loop (needs the reference environment in .tools/venv).
bench-csv:
	cargo build --release --locked -p studio-cli --bin studio --example byterecord
	.tools/venv/bin/python scripts/bench/csv_native.py

.PHONY: bench-gemm bench-gemm-browser bench-gpu
# Native CPU GEMM against NumPy/OpenBLAS (needs the reference environment in .tools/venv).
bench-gemm:
	cargo build --release --locked -p studio-cli --bin studio
	.tools/venv/bin/python scripts/bench/gemm_native.py

# CPU GEMM in headless Chromium: Studio's worker against TensorFlow.js's wasm backend.
bench-gemm-browser: build
	node e2e/bench/gemm.mjs

# The column summary and data-quality check over a million generated rows in headless Chromium.
.PHONY: bench-explore-browser
bench-explore-browser: build
	node e2e/bench/explore.mjs

# "Try the model" in headless Chromium: milliseconds from a keystroke to the new answer.
.PHONY: bench-try-model
bench-try-model: build
	node e2e/bench/try-model.mjs

# MLP training throughput in headless Chromium: Studio's CPU path against TensorFlow.js's wasm backend.
.PHONY: bench-mlp-browser
bench-mlp-browser: build
	node e2e/bench/mlp.mjs

# Every compute operation on the GPU (Vulkan) and the CPU: run it on a machine with a GPU.
bench-gpu:
	bench/gpu.sh

.PHONY: bench-soak
# 50 rounds of open → train → export in one page; the worker's memory must not grow by more than 20 %.
bench-soak: build
	node e2e/bench/soak.mjs

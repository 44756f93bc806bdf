# alsobought's entry points. Each target installs what it needs (scripts/setup.sh checks
# before it installs, so repeated runs take seconds).
#
#   make demo       fresh machine -> demo store served on http://127.0.0.1:8080/
#   make test       every test: format, lints, unit + integration, widget in Chromium, e2e
#   make widget     release build of the widget into pkg/ (sizes + SRI hashes printed)
#   make demo-data  generate the demo shop into www/generated/ and mine its table
#   make bench      benchmarks; results are written into BENCHMARKS.md
#   make fuzz       fuzz every reader of untrusted input, FUZZ_SECONDS (180) each
#
# Why a Makefile: these names are the contract other tools and people rely on (see the
# README); the recipes stay thin and call cargo, scripts/ and the test runners.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

# Where `make demo` listens: `make demo ADDR=127.0.0.1:9000` for another port.
ADDR ?= 127.0.0.1:8080
# The demo shop: same seed and sizes -> byte-identical files.
SEED ?= 42
PRODUCTS ?= 300
ORDERS ?= 5000

TARGET_DIR := $(or $(CARGO_TARGET_DIR),target)
# cargo-installed tools (wasm-bindgen, wasm-bindgen-test-runner) even when the calling
# shell's PATH lacks them, as on a machine rustup set up a moment ago.
export PATH := $(or $(CARGO_HOME),$(HOME)/.cargo)/bin:$(PATH)
RELEASE_BIN := $(TARGET_DIR)/release
GENERATED := www/generated

# The e2e suite and the widget benchmark find the binaries through these, so they use
# the ones built here rather than an older build lying around.
export ALSOBOUGHT_BIN := $(abspath $(RELEASE_BIN)/alsobought)
export ALSOBOUGHT_DEMO_BIN := $(abspath $(RELEASE_BIN)/alsobought-demo)

.PHONY: help setup widget demo-data demo test bench fuzz

help:
	@sed -n '3,10p' Makefile | sed 's/^# \{0,1\}//'

setup:
	scripts/setup.sh

# `make test` sets WIDGET_FLAGS=--check-size: the widget's size limit fails the tests but
# never stops `make demo`.
widget: setup
	scripts/build-widget.sh $(WIDGET_FLAGS)

demo-data:
	cargo build --release -p alsobought-cli -p alsobought-demo
	$(RELEASE_BIN)/alsobought-demo generate --out $(GENERATED) --seed $(SEED) --products $(PRODUCTS) --orders $(ORDERS)
	$(RELEASE_BIN)/alsobought build --orders $(GENERATED)/orders.csv --catalog $(GENERATED)/catalog.csv --rules $(GENERATED)/rules.csv --out $(GENERATED)/store.table --out-dir $(GENERATED)/store
	@printf 'demo-data: %s is %s bytes; %s/ holds the same table for hosts without Range\n' $(GENERATED)/store.table "$$(stat -c %s $(GENERATED)/store.table)" $(GENERATED)/store

demo: widget demo-data
	@printf '\ndemo: Northwind Goods on http://%s/ (Ctrl-C stops it; make demo ADDR=127.0.0.1:9000 for another port)\n' '$(ADDR)'
	@printf 'demo: the same shop with its cart on the Shopify-style endpoints (docs/install/shopify.md): http://%s/www/shopify.html\n' '$(ADDR)'
	$(RELEASE_BIN)/alsobought-demo serve --root . --addr $(ADDR)

test: setup
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy -p alsobought-widget --target wasm32-unknown-unknown --no-default-features -- -D warnings
	cargo test --workspace
	cargo test -p alsobought-widget --target wasm32-unknown-unknown
	$(MAKE) --no-print-directory widget demo-data WIDGET_FLAGS=--check-size
	node tests/e2e/run.mjs

bench: widget demo-data
	node scripts/bench-native.mjs
	cargo bench -p alsobought-cli --bench report
	node scripts/bench-collect.mjs
	node scripts/bench-widget.mjs
	node scripts/bench-hostile.mjs
	node scripts/bench-network.mjs
	node scripts/bench-cart.mjs
	node scripts/bench-scale.mjs
	node scripts/bench-scale-build.mjs

# Coverage-guided fuzzing (cargo-fuzz, nightly): each target in turn, its finds merged
# into crates/fuzzing/corpus/, which `make test` replays. docs/fuzzing.md.
FUZZ_SECONDS ?= 180
fuzz:
	FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz.sh

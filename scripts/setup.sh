#!/usr/bin/env bash
# Installs what building and testing alsobought needs, and nothing that is already there.
#
# Why it exists: `make demo` and `make test` must work on a fresh Debian 12 machine and
# take seconds on a machine that is already set up. Each step checks first and prints
# what it does. The build machines reach crates.io, npm and Debian only, so nothing
# here downloads a prebuilt binary from anywhere else (see docs: wasm-opt comes from npm
# `binaryen`, never Debian's older `binaryen`, whose -Oz output breaks the widget).
#
#   Debian:  chromium, chromium-driver (browser tests), brotli (size report)
#   rustup:  the wasm32-unknown-unknown target
#   cargo:   wasm-bindgen-cli, exactly the wasm-bindgen version in Cargo.lock
#   npm:     package-lock.json -> node_modules (binaryen, playwright-core, axe-core, terser, typescript,
#            liquidjs and handlebars to render the install guides' snippets in the e2e suite)
#   PyPI:    spark/requirements.txt -> a virtualenv in ~/.cache/alsobought (needs Java)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf 'setup: %s\n' "$*"; }
fail() {
  printf 'setup: error: %s\n' "$*" >&2
  exit 1
}

# --- Debian packages ------------------------------------------------------------------
debian_packages=(chromium chromium-driver brotli)
missing_packages=()
for package in "${debian_packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
    missing_packages+=("$package")
  fi
done
if ((${#missing_packages[@]} > 0)); then
  command -v apt-get >/dev/null || fail "missing ${missing_packages[*]} and no apt-get: install them with your package manager"
  as_root=()
  if ((EUID != 0)); then
    command -v sudo >/dev/null || fail "installing ${missing_packages[*]} needs root: run as root or install sudo"
    as_root=(sudo)
  fi
  say "installing Debian packages: ${missing_packages[*]} (apt-get update first)"
  "${as_root[@]}" apt-get update -qq
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing_packages[@]}"
else
  say "Debian packages present: ${debian_packages[*]}"
fi

# --- Rust -----------------------------------------------------------------------------
command -v cargo >/dev/null || fail "cargo not found: install Rust with rustup (https://rustup.rs), then run this again"
if command -v rustup >/dev/null; then
  if rustup target list --installed | grep -qx 'wasm32-unknown-unknown'; then
    say "rust target present: wasm32-unknown-unknown"
  else
    say "adding rust target wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
  fi
else
  [[ -d "$(rustc --print sysroot)/lib/rustlib/wasm32-unknown-unknown" ]] ||
    fail "no rustup and no wasm32-unknown-unknown standard library: install Rust with rustup"
  say "rust target present (no rustup): wasm32-unknown-unknown"
fi

# The wasm-bindgen CLI must match the wasm-bindgen crate exactly, or the glue it writes
# does not fit the wasm. Read the version from Cargo.lock so the two never drift.
wanted_bindgen=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
[[ -n "$wanted_bindgen" ]] || fail "no wasm-bindgen entry in Cargo.lock: run \`cargo generate-lockfile\` and try again"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
installed_bindgen=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
if [[ "$installed_bindgen" == "$wanted_bindgen" ]]; then
  say "wasm-bindgen-cli present: $wanted_bindgen"
else
  say "installing wasm-bindgen-cli $wanted_bindgen (found: ${installed_bindgen:-none}); takes a few minutes once"
  # No --locked: a dependency locked by the CLI is newer than the registry here offers.
  cargo install wasm-bindgen-cli --version "$wanted_bindgen"
fi

# --- Node packages --------------------------------------------------------------------
command -v node >/dev/null && command -v npm >/dev/null ||
  fail "node and npm not found: install Node.js 20 or newer, then run this again"
node_major=$(node --version | sed -E 's/^v([0-9]+).*/\1/')
((node_major >= 20)) || fail "Node.js $(node --version) is too old: playwright-core needs 20 or newer"
# node_modules is current when it was installed from this exact package-lock.json.
lock_hash=$(sha256sum package-lock.json | awk '{ print $1 }')
stamp=node_modules/.alsobought-lock-sha256
if [[ -f "$stamp" && "$(cat "$stamp")" == "$lock_hash" && -x node_modules/.bin/wasm-opt ]]; then
  say "node_modules current with package-lock.json"
else
  say "installing node packages from package-lock.json (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  printf '%s\n' "$lock_hash" >"$stamp"
fi
say "wasm-opt: $(node_modules/.bin/wasm-opt --version)"

# --- Spark (the test of spark/pair_stats.py) ------------------------------------------
# crates/cli/tests/spark.rs runs the job in Spark local mode: it needs a Java runtime and
# the PySpark pinned in spark/requirements.txt, installed into a virtualenv outside the
# repository (about 500 MB and 40 s, once per machine). Without Java the test is skipped.
pyspark_version=$(sed -n 's/^pyspark==//p' spark/requirements.txt)
[[ -n "$pyspark_version" ]] || fail "spark/requirements.txt has no pyspark==VERSION line"
spark_venv="${XDG_CACHE_HOME:-$HOME/.cache}/alsobought/pyspark-$pyspark_version"
java_bin=java
[[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]] && java_bin="$JAVA_HOME/bin/java"
if ! java_banner=$("$java_bin" -version 2>&1 | head -n 1) || [[ -z "$java_banner" ]]; then
  printf '\nsetup: WARNING: no Java runtime (no java on PATH or in JAVA_HOME): the Spark job test\n' >&2
  printf 'setup: WARNING: (crates/cli/tests/spark.rs) will be SKIPPED. Install Java 17 to run it:\n' >&2
  printf 'setup: WARNING:   apt-get install openjdk-17-jre-headless\n\n' >&2
elif [[ -x "$spark_venv/bin/spark-submit" ]] &&
  "$spark_venv/bin/python" -c "import sys, pyspark; sys.exit(pyspark.__version__ != '$pyspark_version')" 2>/dev/null; then
  say "pyspark present: $pyspark_version in $spark_venv ($java_banner)"
else
  command -v python3 >/dev/null || fail "python3 not found: the Spark job test needs Python 3.10 or newer"
  python3 -c 'import sys; sys.exit(sys.version_info < (3, 10))' ||
    fail "$(python3 --version) is too old for PySpark $pyspark_version: install Python 3.10 or newer"
  say "installing pyspark $pyspark_version into $spark_venv (about 500 MB, once)"
  rm -rf "$spark_venv"
  python3 -m venv "$spark_venv" || fail "python3 -m venv failed: install the venv module (Debian: python3-venv)"
  "$spark_venv/bin/pip" install --disable-pip-version-check --quiet -r spark/requirements.txt
fi
say "done"

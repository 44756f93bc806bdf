#!/usr/bin/env bash
# Coverage-guided fuzzing of every reader of untrusted input (docs/fuzzing.md): runs
# each cargo-fuzz target of crates/fuzzing/fuzz for FUZZ_SECONDS, one after another,
# merges what it found into the minimized corpus kept in the repo
# (crates/fuzzing/corpus/<target>/, replayed by `cargo test`), and prints per target
# the executions, execs/s, coverage (libFuzzer's cov/ft), corpus size and crashes.
#
# Usage: [FUZZ_SECONDS=180] scripts/fuzz.sh [target...]   (default: all)
#   A crash stops the script with libFuzzer's report; the input is saved under
#   crates/fuzzing/fuzz/artifacts/<target>/ (docs/fuzzing.md: make it a regression).
#   Logs: crates/fuzzing/fuzz/logs/<target>.log.
#
# Why libFuzzer without AddressSanitizer (`-s none`): the readers are safe Rust
# (alsobought-core forbids unsafe), so what the fuzzer can find is a panic, an
# overflow (debug assertions are on) or a broken invariant, and ASan would halve
# the executions per second without finding more.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

seconds=${FUZZ_SECONDS:-180}
# Inputs up to 8 KiB: tables of a dozen products with their cards, long enough for
# every structure, short enough to keep the kept corpus small.
fuzz_dir=crates/fuzzing/fuzz
corpus_dir=crates/fuzzing/corpus

# cargo-fuzz from crates.io, once; the nightly toolchain it needs comes with rustup.
cargo fuzz --version >/dev/null 2>&1 || cargo install cargo-fuzz --version 0.13.2
rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal

all_targets=$(sed -n 's/^name = "\(.*\)"$/\1/p' "$fuzz_dir/Cargo.toml" | grep -v '^alsobought-fuzz$')
targets=${*:-$all_targets}

(cd "$fuzz_dir" && cargo +nightly fuzz build -s none)

mkdir -p "$fuzz_dir/logs"
printf '%-10s %12s %9s %7s %7s %7s %8s %7s\n' target executions execs/s cov ft corpus seconds crashes
for target in $targets; do
    work="$fuzz_dir/corpus/$target"
    merged="$fuzz_dir/merged/$target"
    log="$fuzz_dir/logs/$target.log"
    mkdir -p "$work" "$corpus_dir/$target"
    # New inputs go to the scratch directory; the repo's corpus seeds the run.
    (cd "$fuzz_dir" && cargo +nightly fuzz run -s none "$target" "corpus/$target" \
        "../corpus/$target" -- -max_total_time="$seconds" -max_len=8192 \
        -print_final_stats=1) \
        >"$log" 2>&1 || {
        tail -n 40 "$log"
        echo "fuzz: $target crashed or broke an invariant; see $log and $fuzz_dir/artifacts/$target/" >&2
        exit 1
    }
    # Keep a smallest set of inputs that covers every edge (hit counts aside), so the
    # kept corpus stays a few hundred small files and its replay in `cargo test` fast.
    rm -rf "$merged" && mkdir -p "$merged"
    (cd "$fuzz_dir" && cargo +nightly fuzz run -s none "$target" "merged/$target" \
        "../corpus/$target" "corpus/$target" -- -set_cover_merge=1 -use_counters=0) \
        >"$log.merge" 2>&1
    rm -rf "${corpus_dir:?}/$target" && mv "$merged" "$corpus_dir/$target"
    executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    coverage=$(grep -E '^#[0-9]+' "$log" | grep -o 'cov: [0-9]* ft: [0-9]*' | tail -n 1)
    printf '%-10s %12s %9s %7s %7s %7s %8s %7s\n' "$target" "$executions" "$rate" \
        "$(awk '{print $2}' <<<"$coverage")" "$(awk '{print $4}' <<<"$coverage")" \
        "$(ls "$corpus_dir/$target" | wc -l)" "$seconds" 0
done

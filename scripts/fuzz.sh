#!/usr/bin/env bash
# Runs one cargo-fuzz target under libFuzzer on this stable toolchain.
#
#   scripts/fuzz.sh TARGET [cargo-fuzz run options] [-- libFuzzer flags]
#   scripts/fuzz.sh mutate -s none -- -max_total_time=60
#   FUZZ_TRACE_COMPARES=1 scripts/fuzz.sh differential   # cargo-fuzz's default build
#
# - sets RUSTC_BOOTSTRAP=1 (cargo-fuzz passes nightly-only flags);
# - builds without -sanitizer-coverage-trace-compares (--no-trace-compares)
#   unless FUZZ_TRACE_COMPARES=1: its per-comparison callbacks run inside
#   every instrumented compiler, and AddressSanitizer runs with them ran
#   about two thirds of the inputs (scripts/lib/build-flags.sh);
# - fuzzes from a git-ignored working corpus, fuzz/corpus/TARGET, seeded
#   from the tracked corpus/ (differential: corpus/differential/*;
#   mutate and validate: corpus/mutate/*.wat compiled by
#   `crosscheck mutate-corpus`), so libFuzzer never writes into corpus/;
# - passes the [libfuzzer] flags of fuzz/options/TARGET.options first (later
#   flags override them) and its [asan] keys as ASAN_OPTIONS (the caller's
#   ASAN_OPTIONS after them, so they win); crash files land in
#   fuzz/artifacts/TARGET (git-ignored).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -lt 1 ]; then
  echo "usage: scripts/fuzz.sh TARGET [cargo-fuzz run options] [-- libFuzzer flags]" >&2
  exit 2
fi
target=$1
shift
case "$target" in
  differential | single_inst | mutate | validate | patterns) ;;
  *)
    echo "scripts/fuzz.sh: unknown target '$target' (differential, single_inst, mutate, validate, patterns)" >&2
    exit 2
    ;;
esac
cargo_args=()
fuzzer_args=()
while [ $# -gt 0 ]; do
  if [ "$1" = "--" ]; then
    shift
    fuzzer_args=("$@")
    break
  fi
  cargo_args+=("$1")
  shift
done

export RUSTC_BOOTSTRAP=1
# shellcheck source=lib/build-flags.sh
. "$root/scripts/lib/build-flags.sh"
cargo_args=("${trace_compares_args[@]}" "${cargo_args[@]}")
# FUZZ_CORPUS=DIR: another working corpus (scripts/fuzz-smoke.sh's fresh ones).
work="${FUZZ_CORPUS:-$root/fuzz/corpus/$target}"
# shellcheck source=lib/seeds.sh
. "$root/scripts/lib/seeds.sh"
write_seeds "$root" "$target" "$work"

# The .options file as OSS-Fuzz reads it: [libfuzzer] keys are flags,
# [asan] keys go to ASAN_OPTIONS (the signal handlers Wasmtime needs).
flags=()
asan=()
options="$root/fuzz/options/$target.options"
if [ -f "$options" ]; then
  # shellcheck source=lib/options.sh
  . "$root/scripts/lib/options.sh"
  read_options "$options" "$root/fuzz/options"
fi
if [ ${#asan[@]} -gt 0 ]; then
  ASAN_OPTIONS="$(IFS=:; echo "${asan[*]}")${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
  export ASAN_OPTIONS
fi

cd "$root/fuzz"
exec cargo fuzz run "${cargo_args[@]}" "$target" "$work" -- "${flags[@]}" "${fuzzer_args[@]}"

#!/usr/bin/env bash
# Throughput of every fuzz target under libFuzzer and in crosscheck's
# built-in loop, side by side, on one core each (taskset), from the seeds.
#
#   scripts/fuzz-bench.sh                    # 60 s per target and channel
#   TIME=600 BUILTIN_TIME=60 scripts/fuzz-bench.sh   # libFuzzer's coverage after 10 min
#   CPU=1 TARGETS=mutate scripts/fuzz-bench.sh        # two at once, on cores 0 and 1
#   BIN=/tmp/crosscheck-check-build/out TARGETS="differential mutate" scripts/fuzz-bench.sh
#
# BIN is the folder of built fuzz targets (default: scripts/fuzz.sh's
# release build, fuzz/target/HOST-TRIPLE/release or the same under
# $CARGO_TARGET_DIR; an OSS-Fuzz $OUT from
# scripts/oss-fuzz/check-build.sh for the AddressSanitizer build). Each
# libFuzzer run starts from the target's seeds in an empty working corpus,
# with the [libfuzzer] flags and [asan] options of fuzz/options/TARGET.options,
# and runs TIME seconds; the built-in loop is `crosscheck fuzz TARGET --jobs 1
# --time BUILTIN_TIME --no-triage` (release build; BUILTIN_TIME defaults to
# TIME). Both see the same engines
# (CROSSCHECK_NODE or the pinned Node.js decides whether V8 is one).
#
# SEED gives libFuzzer's -seed (default: libFuzzer draws one, printed in
# the log). Every libFuzzer run's log is kept as
# fuzz/artifacts/TARGET/fuzz-bench-YYYYMMDD-HHMMSS-cpuCPU.log, next to its crash files
# (git-ignored, as scripts/fuzz.sh's): a run that was slow can be read
# after the fact (`exec/s` and `corp:` on each status line).
#
# Prints, per target: execs/s under libFuzzer, the coverage after the seeds
# and at the end (libFuzzer's `cov:`), libFuzzer's slowest input and peak
# RSS, execs/s in the built-in loop, and the ratio of the two.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
time_s=${TIME:-60}
builtin_s=${BUILTIN_TIME:-$time_s}
# shellcheck source=lib/build-flags.sh
. "$root/scripts/lib/build-flags.sh"
given=${BIN:-$fuzz_bin_dir}
bin=$(cd "$given" 2>/dev/null && pwd) || {
  if [ -n "${BIN:-}" ]; then
    echo "fuzz-bench: BIN=$given is not a folder" >&2
  else
    echo "fuzz-bench: no fuzz targets in $given: build them first (scripts/fuzz-smoke.sh builds all five) or set BIN" >&2
  fi
  exit 2
}
targets=${TARGETS:-differential single_inst mutate validate patterns}
cpu=${CPU:-0}
seed_flag=()
if [ -n "${SEED:-}" ]; then seed_flag=(-seed="$SEED"); fi

# Where `cargo build --release` below puts it.
crosscheck="${CARGO_TARGET_DIR:-$root/target}/release/crosscheck"
(cd "$root" && cargo build --release --quiet)
. "$root/scripts/lib/options.sh"
. "$root/scripts/lib/seeds.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

row='%-13s %16s %12s %12s %9s %8s %16s %7s\n'
printf "$row" target "libFuzzer exec/s" "cov (seeds)" "cov (end)" "slowest" "peak RSS" "built-in exec/s" ratio
for t in $targets; do
  if [ ! -x "$bin/$t" ]; then
    echo "fuzz-bench: no fuzz target $bin/$t (build it: scripts/fuzz-smoke.sh, or scripts/oss-fuzz/check-build.sh for ASan)" >&2
    exit 2
  fi
  mkdir -p "$work/$t/corpus"
  write_seeds "$root" "$t" "$work/$t/seeds"
  read_options "$root/fuzz/options/$t.options" "$root/fuzz/options"
  log="$work/$t/libfuzzer.log"
  kept="$root/fuzz/artifacts/$t"
  mkdir -p "$kept"
  (cd "$work/$t" && ASAN_OPTIONS="$(IFS=:; echo "${asan[*]}")" taskset -c "$cpu" \
    "$bin/$t" "${flags[@]}" "${seed_flag[@]}" -max_total_time="$time_s" -print_final_stats=1 \
    -artifact_prefix="$kept/" "$work/$t/corpus" "$work/$t/seeds") >"$log" 2>&1 || true
  runs=$(grep -oE '^Done [0-9]+ runs in [0-9]+ second' "$log" | awk '{print $2, $5}' || true)
  lf_rate=$(echo "$runs" | awk '{ if ($2 > 0) printf "%.1f", $1 / $2; else print "?" }')
  kept_log="$kept/fuzz-bench-$(date +%Y%m%d-%H%M%S)-cpu$cpu.log"
  cp "$log" "$kept_log"
  if [ -z "$runs" ]; then lf_rate="failed"; fi
  inited=$(cov_after_seeds "$log")
  cov=$(cov_at_end "$log")
  slowest=$(grep -oE 'stat::slowest_unit_time_sec: *[0-9]+' "$log" | grep -oE '[0-9]+$' || true)
  rss=$(grep -oE 'stat::peak_rss_mb: *[0-9]+' "$log" | grep -oE '[0-9]+$' || true)
  summary="$work/$t/builtin.txt"
  (cd "$root" && taskset -c "$cpu" "$crosscheck" fuzz "$t" --jobs 1 --time "$builtin_s" --no-triage \
    --seed 1 --artifacts "$work/$t/artifacts") >"$summary" 2>&1 || true
  bi_rate=$(grep -oE 'execs +[0-9]+ \([0-9.]+ execs/s\)' "$summary" | grep -oE '\([0-9.]+' | tr -d '(' || true)
  ratio=$(awk -v a="$lf_rate" -v b="${bi_rate:-0}" 'BEGIN { if (b > 0 && a + 0 > 0) printf "%.2f", a / b; else print "?" }')
  printf "$row" "$t" "$lf_rate" "${inited:-?}" "${cov:-?}" "${slowest:-?} s" "${rss:-?} MB" "${bi_rate:-?}" "$ratio"
  if [ "$lf_rate" = failed ]; then
    tail -20 "$log" >&2
    echo "fuzz-bench: $t did not end cleanly: log $kept_log, crash file in $kept" >&2
  fi
done
echo "fuzz-bench: libFuzzer $time_s s, built-in loop $builtin_s s per target, on CPU $cpu; libFuzzer binaries from $bin"

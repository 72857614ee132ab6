# The cargo-fuzz build flags scripts/fuzz.sh, fuzz-smoke.sh and
# fuzz-bench.sh share (sourced, with `root` set to the project's folder).
#
# `fuzz_bin_dir`: where `cargo fuzz build -O` puts the targets —
# $CARGO_TARGET_DIR (else fuzz/target), the host's triple (cargo-fuzz's
# default --target), `release`.
host_triple=$(rustc -vV | sed -n 's/^host: //p')
fuzz_bin_dir="${CARGO_TARGET_DIR:-$root/fuzz/target}/$host_triple/release"

# `trace_compares_args` is `--no-trace-compares` unless
# FUZZ_TRACE_COMPARES=1. libFuzzer's comparison tracing calls back on every
# comparison the instrumented code makes, and here that code is three
# optimizing compilers per input: AddressSanitizer builds of `single_inst`
# and `patterns` ran about two thirds of the inputs with it that they ran
# without (one minute each, side by side; docs/benchmarks.md,
# "Trace-compares"). OSS-Fuzz's build (scripts/oss-fuzz/build.sh) keeps
# cargo-fuzz's default, with it.
if [ "${FUZZ_TRACE_COMPARES:-0}" = 1 ]; then
  trace_compares_args=()
else
  trace_compares_args=(--no-trace-compares)
fi

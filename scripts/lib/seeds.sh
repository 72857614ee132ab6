# Shared by scripts/fuzz.sh, fuzz-smoke.sh and fuzz-bench.sh (sourced).
#
# write_seeds ROOT TARGET DIR: the seeds of a fuzz target, from the tracked
# corpus/, into DIR (existing files kept): differential gets
# corpus/differential/*; mutate and validate get corpus/mutate/*.wat
# compiled by `crosscheck mutate-corpus`, run from the normal release build,
# so not with RUSTC_BOOTSTRAP: cargo counts it as another compiler and
# would rebuild every dependency. single_inst and patterns have none: every
# input is a valid recipe.
write_seeds() {
  local root=$1 target=$2 dir=$3
  mkdir -p "$dir"
  case "$target" in
    differential) cp -n "$root"/corpus/differential/* "$dir"/ ;;
    mutate | validate)
      (cd "$root" && env -u RUSTC_BOOTSTRAP cargo run --release --quiet -- mutate-corpus "$dir" >/dev/null)
      ;;
    single_inst | patterns) ;;
  esac
}

# libFuzzer's coverage (`cov:`) in a run's LOG: cov_after_seeds LOG, once
# it has run its seeds (the INITED line); cov_at_end LOG, the last one.
# Empty when the log has none.
cov_after_seeds() {
  grep INITED "$1" | grep -oE 'cov: [0-9]+' | awk '{print $2}' | tail -1 || true
}
cov_at_end() {
  grep -oE 'cov: [0-9]+' "$1" | awk '{print $2}' | tail -1 || true
}

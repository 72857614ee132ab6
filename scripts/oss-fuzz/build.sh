#!/bin/bash -eu
# OSS-Fuzz build: every cargo-fuzz target of crosscheck into $OUT, with its
# libFuzzer flags (fuzz/options/TARGET.options) and seed corpus. Runs inside
# the OSS-Fuzz Rust base-builder image.
cd "$SRC/crosscheck"
cargo fuzz build -O --debug-assertions
# The mutate and validate targets' seeds: corpus/mutate/*.wat as .wasm.
seeds=$(mktemp -d)
cargo run --release --quiet -- mutate-corpus "$seeds/mutate"
for target in $(cargo fuzz list); do
  cp "fuzz/target/x86_64-unknown-linux-gnu/release/$target" "$OUT/"
  if [ -f "fuzz/options/$target.options" ]; then
    cp "fuzz/options/$target.options" "$OUT/"
  fi
  cp fuzz/options/wasm.dict "$OUT/"
  case "$target" in
    mutate | validate) dir="$seeds/mutate" ;;
    *) dir="corpus/$target" ;;
  esac
  if [ -d "$dir" ]; then
    (cd "$dir" && zip -q "$OUT/${target}_seed_corpus.zip" ./*)
  fi
done

#!/bin/bash -eu
# OSS-Fuzz build: every cargo-fuzz target of crosscheck into $OUT, with the
# seed corpus. Runs inside the OSS-Fuzz Rust base-builder image.
cd "$SRC/crosscheck"
cargo fuzz build -O --debug-assertions
for target in $(cargo fuzz list); do
  cp "fuzz/target/x86_64-unknown-linux-gnu/release/$target" "$OUT/"
  if [ -d "corpus/$target" ]; then
    (cd "corpus/$target" && zip -q "$OUT/${target}_seed_corpus.zip" ./*)
  fi
done

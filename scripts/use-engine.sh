#!/usr/bin/env bash
# Puts another build of an engine crate under test (the work behind
# scripts/use-wasmtime.sh and scripts/use-wasmi.sh):
#
#   scripts/use-engine.sh CRATE VERSION   # a published version, e.g. 47.0.4
#   scripts/use-engine.sh CRATE PATH      # a local checkout ([patch.crates-io])
#   scripts/use-engine.sh CRATE --pinned  # back to the committed version
#
# VERSION: the workspace's requirement becomes "=VERSION" and both lock
# files (Cargo.lock, fuzz/Cargo.lock) are updated to it. PATH: a
# `[patch.crates-io]` entry pointing at the crate (PATH, or
# PATH/crates/CRATE for a Wasmtime checkout) goes into Cargo.toml and
# fuzz/Cargo.toml, with the requirement set to the checkout's version.
# Then `cargo build --release` checks that the adapter compiles against it
# and `crosscheck engines` prints the version (and commit) under test.
# --pinned restores Cargo.toml, Cargo.lock, fuzz/Cargo.toml and
# fuzz/Cargo.lock from git (other edits to those four files are lost).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -ne 2 ]; then
  echo "usage: scripts/use-engine.sh wasmtime|wasmi VERSION|PATH|--pinned" >&2
  exit 2
fi
crate=$1
arg=$2
case "$crate" in
  wasmtime | wasmi) ;;
  *) echo "use-engine.sh: crate must be wasmtime or wasmi (got '$crate')" >&2; exit 2 ;;
esac
cd "$root"
manifests=(Cargo.toml fuzz/Cargo.toml)
locks=(Cargo.lock fuzz/Cargo.lock)

if [ "$arg" = --pinned ]; then
  git checkout -- "${manifests[@]}" "${locks[@]}"
  echo "use-engine.sh: $crate back to the pinned version"
else
  # Cargo.toml lines `CRATE = { version = "...", ... }`: the workspace's
  # dependency, and fuzz/Cargo.toml's (wasmi's fuzz-only feature).
  set_requirement() {
    local req=$1 m
    for m in "${manifests[@]}"; do
      sed -i -E "s/^($crate = \\{ *version = )\"[^\"]*\"/\\1\"$req\"/" "$m"
    done
  }
  if [ -d "$arg" ]; then
    dir=$(cd "$arg" && pwd)
    [ -f "$dir/crates/$crate/Cargo.toml" ] && dir="$dir/crates/$crate"
    if [ ! -f "$dir/Cargo.toml" ]; then
      echo "use-engine.sh: $arg has no Cargo.toml (nor crates/$crate/Cargo.toml)" >&2
      exit 2
    fi
    version=$(cargo metadata --no-deps --format-version 1 --manifest-path "$dir/Cargo.toml" |
      python3 -c "import json,sys; print(next(p['version'] for p in json.load(sys.stdin)['packages'] if p['name'] == '$crate'))") || {
      echo "use-engine.sh: no package $crate in $dir" >&2
      exit 2
    }
    set_requirement "=$version"
    for m in "${manifests[@]}"; do
      # One entry per crate: replace an earlier one.
      python3 - "$m" "$crate" "$dir" <<'EOF'
import sys
path, crate, target = sys.argv[1:]
lines = open(path).read().split("\n")
entry = f'{crate} = {{ path = "{target}" }}'
out, in_patch, done = [], False, False
for line in lines:
    s = line.strip()
    if s.startswith("["):
        if in_patch and not done:
            out.append(entry)
            done = True
        in_patch = s == "[patch.crates-io]"
    elif in_patch and s.split("=")[0].strip() == crate:
        continue
    out.append(line)
if in_patch and not done:
    out.append(entry)
    done = True
if not done:
    while out and out[-1] == "":
        out.pop()
    out += ["", "[patch.crates-io]", entry, ""]
open(path, "w").write("\n".join(out))
EOF
    done
    echo "use-engine.sh: $crate from $dir ($version)"
  else
    case "$arg" in
      [0-9]*.[0-9]*.[0-9]*) ;;
      *) echo "use-engine.sh: '$arg' is neither a folder nor a version like 47.0.4" >&2; exit 2 ;;
    esac
    version=$arg
    set_requirement "=$version"
    echo "use-engine.sh: $crate $version from crates.io"
  fi
  for lock in "${locks[@]}"; do
    (cd "$(dirname "$lock")" && cargo update --quiet -p "$crate" --precise "$version" 2>/dev/null ||
      cargo update --quiet -p "$crate")
  done
fi

# The check: the adapter compiles against it, and reports say what it is.
cargo build --release --quiet
cargo run --release --quiet -- engines | grep -E "^(${crate}|winch|pulley) " || true

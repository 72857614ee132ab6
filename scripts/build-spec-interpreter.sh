#!/usr/bin/env bash
# Builds the official WebAssembly reference interpreter (the OCaml `wasm`
# executable of the WebAssembly/spec repository's `interpreter/`) for the
# `spec` engine, outside the project's tree. Installs Debian's OCaml, dune and
# menhir packages with apt-get when they are missing. Prints the binary's path
# on its last line; point crosscheck at it with
#   export WASM_SPEC_INTERPRETER=<that path>
#
#   scripts/build-spec-interpreter.sh SRC_DIR [OUT_DIR]
#
# SRC_DIR: a checkout of https://github.com/WebAssembly/spec (its root, or its
#          interpreter/ folder), e.g.
#            git clone --depth 1 https://github.com/WebAssembly/spec /opt/wasm-spec
# OUT_DIR: where the build and the binary go (default: SRC_DIR/interpreter/_crosscheck);
#          neither may lie inside this project.
set -euo pipefail

usage() { echo "usage: scripts/build-spec-interpreter.sh SRC_DIR [OUT_DIR]" >&2; exit 2; }
[ $# -ge 1 ] && [ $# -le 2 ] || usage

root="$(cd "$(dirname "$0")/.." && pwd -P)"
[ -d "$1" ] || { echo "build-spec-interpreter.sh: no such directory: $1" >&2; exit 2; }
src="$(cd "$1" && pwd -P)"
if [ -f "$src/interpreter/dune-project" ]; then
  src="$src/interpreter"
elif [ ! -f "$src/dune-project" ] || [ ! -f "$src/main/main.ml" ]; then
  echo "build-spec-interpreter.sh: $1 is not a checkout of WebAssembly/spec (no interpreter/dune-project)" >&2
  exit 2
fi
out="${2:-$src/_crosscheck}"
mkdir -p "$out"
out="$(cd "$out" && pwd -P)"

inside() { case "$1/" in "$root"/*) return 0 ;; *) return 1 ;; esac; }
for d in "$src" "$out"; do
  if inside "$d"; then
    echo "build-spec-interpreter.sh: $d is inside the project ($root); the interpreter's source and binaries stay outside it" >&2
    exit 2
  fi
done

# Debian's packages: ocaml-nox (the compiler), ocaml-dune (dune), menhir (the
# parser generator, with its library for dune's (using menhir)).
missing=()
command -v ocamlfind >/dev/null || command -v ocamlopt >/dev/null || missing+=(ocaml-nox)
command -v dune >/dev/null || missing+=(ocaml-dune)
command -v menhir >/dev/null || missing+=(menhir libmenhir-ocaml-dev)
if [ ${#missing[@]} -gt 0 ]; then
  command -v apt-get >/dev/null || {
    echo "build-spec-interpreter.sh: missing ${missing[*]} and no apt-get to install them; install OCaml (>= 4.12), dune and menhir" >&2
    exit 2
  }
  as_root=()
  [ "$(id -u)" -eq 0 ] || as_root=(sudo)
  echo "build-spec-interpreter.sh: installing ${missing[*]}" >&2
  "${as_root[@]}" apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq "${missing[@]}" >&2
fi
echo "build-spec-interpreter.sh: $(ocamlopt -version 2>/dev/null || ocaml -version), dune $(dune --version), $(menhir --version)" >&2

# Only the `wasm` executable: the `wast` JavaScript library would need js_of_ocaml.
(cd "$src" && dune build --root . --build-dir "$out/_build" --profile release ./wasm.exe >&2)
install -m 0755 "$out/_build/default/wasm.exe" "$out/wasm"
"$out/wasm" -v >&2 || true
echo "$out/wasm"

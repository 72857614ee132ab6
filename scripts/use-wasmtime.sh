#!/usr/bin/env bash
# Puts another wasmtime under test: a published version or a local checkout,
# checked by a release build; `crosscheck engines` then names it.
#
#   scripts/use-wasmtime.sh VERSION   # e.g. 47.0.4
#   scripts/use-wasmtime.sh PATH      # your checkout or branch ([patch.crates-io])
#   scripts/use-wasmtime.sh --pinned  # back to the committed version
#
# See scripts/use-engine.sh for what it edits.
exec "$(dirname "$0")/use-engine.sh" wasmtime "$@"

#!/usr/bin/env bash
# Puts another wasmi under test: a published version or a local checkout,
# checked by a release build; `crosscheck engines` then names it.
#
#   scripts/use-wasmi.sh VERSION   # e.g. 1.1.0
#   scripts/use-wasmi.sh PATH      # your checkout or branch ([patch.crates-io])
#   scripts/use-wasmi.sh --pinned  # back to the committed version
#
# See scripts/use-engine.sh for what it edits.
exec "$(dirname "$0")/use-engine.sh" wasmi "$@"

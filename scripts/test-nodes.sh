#!/usr/bin/env bash
# The test suite, less the install tier, on the other Node versions that package.json's engines
# names (the machine's own Node runs it in `npm test`). Each Node comes from the npm registry's
# `node` package, installed into a fresh private folder opened to all for reading only: some tests
# run flashcut as user nobody.
#   bash scripts/test-nodes.sh                  Node 22 and 24
#   bash scripts/test-nodes.sh 22.23.3          one version
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || set -- 22.23.3 24.21.0

for version in "$@"; do
  prefix=$(mktemp -d "${TMPDIR:-/tmp}/flashcut-node-XXXXXX")
  npm install --prefix "$prefix" --no-save --no-audit --no-fund --loglevel=error "node@$version"
  chmod -R go=rX "$prefix"
  node="$prefix/node_modules/.bin/node"
  echo "test-nodes: $("$node" --version)"
  "$node" node_modules/vitest/vitest.mjs run --exclude 'test/install/**'
  rm -rf "$prefix"
done

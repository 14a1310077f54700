#!/usr/bin/env node
// CommonJS (bin/package.json): loading the ES module machinery for a shim costs start-up time.
require('./compile-cache.cjs').load(require.resolve('../dist/flashcut.cjs'));

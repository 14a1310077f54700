#!/usr/bin/env node
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
require('./compile-cache.cjs')(require.resolve('../dist/cli/flashcut.cjs')).run();

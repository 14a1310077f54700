#!/usr/bin/env node
import module from 'node:module';

// Node 22.1+ keeps compiled code between runs (in the temporary folder), which shortens start-up;
// older Node versions lack the function. Enabled before the CLI bundle is loaded, hence the import().
module.enableCompileCache?.();
const { run } = await import('../dist/cli/flashcut.mjs');
run();

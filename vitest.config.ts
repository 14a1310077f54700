import { defineConfig } from 'vitest/config';

/**
 * The fast tier (`npm run test:unit`): the pure core, in-process, no subprocess, no oracle tool,
 * no fuzz loop. Every other test file is in the CLI tier (test/cli*.test.ts and the CLI's
 * in-process tests) or the oracle tier (external tools, packaging, fuzzing, scaling); `npm test`
 * runs all three. A new test file lands in the oracle tier until it is listed here.
 */
const UNIT = [
  'architecture',
  'bin-writer',
  'config-schema',
  'dfuse-layout',
  'dfuse-uf2-writers',
  'elf-model',
  'elf-reader',
  'error-model',
  'findings',
  'golden',
  'input-readers',
  'json-syntax',
  'overlap',
  'select',
  'srec-writer',
  'stored-chunks',
  'text',
  'vector-table',
  'windows',
].map((name) => `test/${name}.test.ts`);

const CLI = ['test/cli*.test.ts', 'test/parity.test.ts', 'test/nothing-lost.test.ts', 'test/output-targets.test.ts', 'test/memory-map.test.ts'];

export default defineConfig({
  test: {
    // Oracle tests start external tools (objcopy, srec_cat, QEMU); give them room on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    projects: [
      { extends: true, test: { name: 'unit', include: UNIT } },
      { extends: true, test: { name: 'cli', include: CLI } },
      { extends: true, test: { name: 'oracle', include: ['test/**/*.test.ts'], exclude: [...UNIT, ...CLI, '**/node_modules/**'] } },
    ],
  },
});

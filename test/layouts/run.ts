/**
 * `npm run test:layouts -- [--count N] [--seed S] [--parallel P]`: the differential layout
 * check outside vitest, for long runs and for replaying one seed. Exit code 1 on a difference.
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { describeFailure, runLayouts } from './differential.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '200' },
    seed: { type: 'string' },
    parallel: { type: 'string' },
  },
});
const count = Number(values.count);
const seed = values.seed === undefined ? Math.floor(Math.random() * 0x1_0000_0000) : Number(values.seed);
const parallel = values.parallel === undefined ? availableParallelism() * 2 : Number(values.parallel);
if (![count, seed, parallel].every(Number.isSafeInteger)) {
  console.error('usage: npm run test:layouts -- [--count N] [--seed S] [--parallel P]');
  process.exit(2);
}

console.log(`layouts: ${count} from seed ${seed}, ${parallel} at a time`);
const started = Date.now();
const failures = await runLayouts(seed, count, parallel);
for (const f of failures) console.log(describeFailure(f));
console.log(`layouts: ${count - failures.length} of ${count} equal to objcopy, seed ${seed}, ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exitCode = failures.length > 0 ? 1 : 0;

/**
 * `npm run fuzz -- [--iterations N] [--seed S] [--max-ms T]`: the long fuzz run, after a timing
 * stage over big well-formed inputs. Every input that breaks the contract, or whose four
 * conversions (two window sets, HEX and BIN) take longer than T ms, is saved under test/fuzz-regressions/
 * (commit it: npm test replays it) and the exit code is 1.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { fuzz, fuzzInput, type FuzzFailure } from './fuzz.js';
import { BIG_INPUTS } from './big-inputs.js';
import { convertEverything, REGRESSIONS_DIR } from './targets.js';
import { detectInputFormat } from '../../src/inputs/read.js';

const { values } = parseArgs({
  options: {
    iterations: { type: 'string', default: '100000' },
    seed: { type: 'string' },
    'max-ms': { type: 'string', default: '5000' },
  },
});
const iterations = Number(values.iterations);
const seed = values.seed === undefined ? Math.floor(Math.random() * 0x1_0000_0000) : Number(values.seed);
const maxMs = Number(values['max-ms']);

const failures: FuzzFailure[] = [];
// The extreme but well-formed inputs first: each must finish within the time limit too.
for (const big of BIG_INPUTS) {
  const bytes = big.make();
  const started = performance.now();
  let error = '';
  try {
    convertEverything(bytes);
  } catch (thrown) {
    error = String(thrown);
  }
  const ms = performance.now() - started;
  console.log(`fuzz: big input '${big.name}' (${bytes.length} bytes): ${ms.toFixed(0)} ms${error ? `, ${error}` : ''}`);
  if (error || ms > maxMs) failures.push({ seed: 0, input: big.name, steps: [], error: error || `took ${ms.toFixed(0)} ms (limit ${maxMs})`, bytes: new Uint8Array() });
}

console.log(`fuzz: ${iterations} iterations from seed ${seed}`);
const started = performance.now();
const batch = 10_000;
let slowest = { ms: 0, seed };
for (let done = 0; done < iterations; done += batch) {
  // Batches continue the same sequence: iteration i of the run always has seed layoutSeed(seed, i).
  const report = fuzz(seed, done, Math.min(iterations, done + batch));
  failures.push(...report.failures);
  if (report.slowest.ms > slowest.ms) slowest = report.slowest;
  console.log(`fuzz: ${Math.min(iterations, done + batch)} done, ${failures.length} failing, ${((performance.now() - started) / 1000).toFixed(0)} s`);
}
if (slowest.ms > maxMs) {
  failures.push({ seed: slowest.seed, ...fuzzInput(slowest.seed), error: `took ${slowest.ms.toFixed(0)} ms (limit ${maxMs})` });
}
for (const f of failures) {
  // A big input is rebuilt by its generator, not saved.
  const file = f.bytes.length > 0 ? join(REGRESSIONS_DIR, `fuzz-${f.seed}.${detectInputFormat(f.bytes) ?? 'bin'}`) : `big input '${f.input}'`;
  if (f.bytes.length > 0) writeFileSync(file, f.bytes);
  console.log(`${file}: ${f.error}\n  from ${f.input}: ${f.steps.join('; ')}`);
}
const seconds = (performance.now() - started) / 1000;
console.log(`fuzz: ${iterations} iterations, ${failures.length} failing, slowest input ${slowest.ms.toFixed(1)} ms (seed ${slowest.seed}), ${seconds.toFixed(0)} s, seed ${seed}`);
process.exitCode = failures.length > 0 ? 1 : 0;

/**
 * `npm run fuzz -- [--iterations N] [--seed S] [--max-ms T] [--target inputs|ld|dfuse|overlap|limits|all]`:
 * the long fuzz run. The input files target (ELF, Intel HEX, S-record) starts with a timing stage
 * over big well-formed inputs; every input that breaks the contract, or whose four conversions
 * (two window sets, HEX and BIN) take longer than T ms, is saved under test/fuzz-regressions/
 * (commit it: npm test replays it). The linker-script and DfuSe-layout targets run N mutants
 * each and save failing mutants there too; so do the generated targets (overlapping records
 * against a brute-force map, inputs at the size and depth limits), each case as JSON. The exit
 * code is 1 on any failure.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { fuzz, fuzzInput, type FuzzFailure } from './fuzz.js';
import { BIG_INPUTS } from './big-inputs.js';
import { convertEverything, REGRESSIONS_DIR } from './targets.js';
import { detectInputFormat } from '../../src/read/read-input.js';
import { fuzzText, TEXT_TARGETS } from './text-targets.js';
import { fuzzGenerated, GENERATED_TARGETS, removeGeneratedFiles } from './generated-targets.js';

const { values } = parseArgs({
  options: {
    iterations: { type: 'string', default: '100000' },
    seed: { type: 'string' },
    'max-ms': { type: 'string', default: '5000' },
    target: { type: 'string', default: 'all' },
  },
});
const targets = values.target === 'all' ? ['inputs', ...TEXT_TARGETS.map((t) => t.name), ...GENERATED_TARGETS.map((t) => t.name)] : [values.target];
const iterations = Number(values.iterations);
const seed = values.seed === undefined ? Math.floor(Math.random() * 0x1_0000_0000) : Number(values.seed);
const maxMs = Number(values['max-ms']);

let failing = 0;
const started = performance.now();
if (targets.includes('inputs')) failing += fuzzInputFiles();
for (const target of TEXT_TARGETS.filter((t) => targets.includes(t.name))) {
  const { parsed, failures } = fuzzText(target, seed, 0, iterations);
  for (const f of failures) {
    const file = join(REGRESSIONS_DIR, `fuzz-${seed}-${f.iteration}.${f.target}`);
    writeFileSync(file, f.text);
    console.log(`${file}: ${f.error}`);
  }
  console.log(`fuzz: ${target.name}: ${iterations} mutants, ${parsed} parsed, ${failures.length} failing, seed ${seed}`);
  failing += failures.length;
}
for (const target of GENERATED_TARGETS.filter((t) => targets.includes(t.name))) {
  const targetStarted = performance.now();
  const batch = 100_000;
  let slowest = { ms: 0, seed };
  let failures = 0;
  for (let done = 0; done < iterations; done += batch) {
    const report = fuzzGenerated(target, seed, done, Math.min(iterations, done + batch), maxMs);
    if (report.slowest.ms > slowest.ms) slowest = report.slowest;
    for (const f of report.failures) {
      const file = join(REGRESSIONS_DIR, `fuzz-${f.seed}.${target.name}`);
      writeFileSync(file, JSON.stringify(f.testCase) + '\n');
      console.log(`${file}: ${f.problem}`);
    }
    failures += report.failures.length;
    console.log(`fuzz: ${target.name}: ${Math.min(iterations, done + batch)} done, ${failures} failing, ${((performance.now() - targetStarted) / 1000).toFixed(0)} s`);
  }
  console.log(`fuzz: ${target.name}: ${iterations} cases, ${failures} failing, slowest ${slowest.ms.toFixed(1)} ms (seed ${slowest.seed}), ${((performance.now() - targetStarted) / 1000).toFixed(0)} s, seed ${seed}`);
  failing += failures;
}
removeGeneratedFiles();
console.log(`fuzz: done in ${((performance.now() - started) / 1000).toFixed(0)} s, ${failing} failing`);
process.exitCode = failing > 0 ? 1 : 0;

/** The input files target; returns the number of failures. */
function fuzzInputFiles(): number {
  const failures: FuzzFailure[] = [];
  // The extreme but well-formed inputs first: each must finish within the time limit too.
  for (const big of BIG_INPUTS) {
    const bytes = big.make();
    const bigStarted = performance.now();
    let error = '';
    try {
      convertEverything(bytes);
    } catch (thrown) {
      error = String(thrown);
    }
    const ms = performance.now() - bigStarted;
    console.log(`fuzz: big input '${big.name}' (${bytes.length} bytes): ${ms.toFixed(0)} ms${error ? `, ${error}` : ''}`);
    if (error || ms > maxMs) failures.push({ seed: 0, input: big.name, steps: [], error: error || `took ${ms.toFixed(0)} ms (limit ${maxMs})`, bytes: new Uint8Array() });
  }

  console.log(`fuzz: ${iterations} iterations from seed ${seed}`);
  const inputsStarted = performance.now();
  const batch = 10_000;
  let slowest = { ms: 0, seed };
  for (let done = 0; done < iterations; done += batch) {
    // Batches continue the same sequence: iteration i of the run always has seed layoutSeed(seed, i).
    const report = fuzz(seed, done, Math.min(iterations, done + batch));
    failures.push(...report.failures);
    if (report.slowest.ms > slowest.ms) slowest = report.slowest;
    console.log(`fuzz: ${Math.min(iterations, done + batch)} done, ${failures.length} failing, ${((performance.now() - inputsStarted) / 1000).toFixed(0)} s`);
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
  const seconds = (performance.now() - inputsStarted) / 1000;
  console.log(`fuzz: ${iterations} iterations, ${failures.length} failing, slowest input ${slowest.ms.toFixed(1)} ms (seed ${slowest.seed}), ${seconds.toFixed(0)} s, seed ${seed}`);
  return failures.length;
}

import { describe, expect, it } from 'vitest';
import { fuzz } from './fuzz/fuzz.js';
import { convertEverything, regressionInputs } from './fuzz/targets.js';

/** Fixed, so every CI run replays the same inputs; `npm run fuzz` draws fresh seeds. */
const SEED = 0x0f0f_2026;
const ITERATIONS = 3000;

describe('fuzzed input files (ELF, Intel HEX, S-record)', () => {
  it(`${ITERATIONS} mutated inputs either convert or throw a FlashcutError (seed ${SEED})`, () => {
    const { failures } = fuzz(SEED, 0, ITERATIONS);
    const text = failures.map((f) => `iteration seed ${f.seed}: ${f.error}\n  from ${f.input}: ${f.steps.join('; ')}`);
    expect(text.join('\n')).toBe('');
  });

  const regressions = regressionInputs();
  // An empty folder replays nothing: say so in the test list instead of passing silently.
  // (Declared only then: with files saved, a passing "none saved" line would say the opposite.)
  if (regressions.length === 0) it.skip('regression inputs: none saved in test/fuzz-regressions yet (npm run fuzz saves them)', () => {});
  else {
    it.each(regressions)('regression input %s keeps the contract', (_, bytes) => {
      expect(() => convertEverything(bytes)).not.toThrow();
    });
  }
});

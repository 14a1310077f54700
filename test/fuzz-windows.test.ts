import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FlashcutError } from '../src/errors.js';
import { REGRESSIONS_DIR } from './fuzz/targets.js';
import { DFUSE_TARGET, fuzzText, LD_TARGET, TEXT_TARGETS } from './fuzz/text-targets.js';

/**
 * Seeded mutation tests of the window parsers: every mutant of the corpus either parses or
 * throws flashcut's own typed error; a RangeError, TypeError or stack overflow fails the test.
 * The seed makes a failure reproducible: the failing mutant is printed. `npm run fuzz` runs
 * longer sequences and saves failing mutants in test/fuzz-regressions/, replayed here.
 */
describe('seeded mutations', () => {
  it.each([
    [LD_TARGET, 0x5eed],
    [DFUSE_TARGET, 0xdf05e],
  ] as const)('$name: a result or a typed error', (target, seed) => {
    const { parsed, failures } = fuzzText(target, seed, 0, 3000);
    expect(failures.map((f) => `${f.error} for the mutant ${JSON.stringify(f.text)}`).join('\n')).toBe('');
    // Mutants that get through and mutants that are refused: both paths were exercised.
    expect(parsed).toBeGreaterThan(100);
    expect(parsed).toBeLessThan(2900);
  });

  const regressions = readdirSync(REGRESSIONS_DIR).flatMap((file) => {
    const target = TEXT_TARGETS.find((t) => file.startsWith('fuzz-') && file.endsWith(`.${t.name}`));
    return target ? [[file, target] as const] : [];
  });
  // Declared only for an empty folder: with files saved, a passing "none saved" line would say the opposite.
  if (regressions.length === 0) it.skip('regression mutants: none saved in test/fuzz-regressions yet (npm run fuzz saves them)', () => {});
  it.runIf(regressions.length > 0).each(regressions)('regression %s keeps the contract', (file, target) => {
    try {
      target.attempt(readFileSync(join(REGRESSIONS_DIR, file), 'utf8'));
    } catch (error) {
      expect(error).toBeInstanceOf(FlashcutError);
    }
  });
});

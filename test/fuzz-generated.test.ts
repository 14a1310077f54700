import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fuzzGenerated, GENERATED_TARGETS, LIMITS_TARGET, OVERLAP_TARGET, removeGeneratedFiles, type GeneratedTarget } from './fuzz/generated-targets.js';
import { REGRESSIONS_DIR } from './fuzz/targets.js';
import { bruteForce, render } from './helpers/overlap-cases.js';
import { Random } from './helpers/random.js';

/**
 * The generated fuzz targets, a short fixed-seed run each: overlapping records, segments and
 * inputs against a brute-force address map; inputs at and past the size and depth limits.
 * `npm run fuzz -- --target overlap|limits` runs long sequences and saves failing cases in
 * test/fuzz-regressions/, replayed here.
 */
describe('generated fuzz targets', () => {
  afterAll(removeGeneratedFiles);

  it.each<[GeneratedTarget<unknown>, number, number]>([
    [OVERLAP_TARGET, 0x0e71a9, 3000],
    [LIMITS_TARGET, 0x11717, 1500],
  ])('$name: a fixed-seed run keeps the contract', (target, seed, count) => {
    const { failures } = fuzzGenerated(target, seed, 0, count);
    expect(failures.map((f) => `seed ${f.seed}: ${f.problem} for ${JSON.stringify(f.testCase).slice(0, 300)}`).join('\n')).toBe('');
  });

  it('the overlap cases hold both outcomes: overlaps that agree (merged) and ones that differ (refused)', () => {
    const outcomes = { merged: 0, refused: 0 };
    for (let i = 0; i < 300; i++) {
      const { container, pieces } = OVERLAP_TARGET.make(new Random(i));
      outcomes[bruteForce(pieces, render(pieces, container).origins).conflict ? 'refused' : 'merged']++;
    }
    expect(outcomes.merged).toBeGreaterThan(50);
    expect(outcomes.refused).toBeGreaterThan(50);
  });

  const regressions = readdirSync(REGRESSIONS_DIR).flatMap((file) => {
    const target = GENERATED_TARGETS.find((t) => file.startsWith('fuzz-') && file.endsWith(`.${t.name}`));
    return target ? [[file, target] as const] : [];
  });
  it.skipIf(regressions.length === 0)('regression cases: none saved in test/fuzz-regressions yet (npm run fuzz saves them)', () => {});
  it.runIf(regressions.length > 0).each(regressions)('regression %s keeps the contract', (file, target) => {
    expect(target.check(JSON.parse(readFileSync(join(REGRESSIONS_DIR, file), 'utf8')))).toBeUndefined();
  });
});

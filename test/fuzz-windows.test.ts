import { readdirSync, readFileSync } from 'node:fs';
import { seededRandom } from './helpers/random.js';
import { describe, expect, it } from 'vitest';
import { FlashcutError } from '../src/errors.js';
import { assertWritable, dfuseWindows, parseDfuseLayout, touchedSectors } from '../src/windows/dfuse-layout.js';
import { parseLinkerScript } from '../src/windows/ld-script.js';
import { flashWindowsOf } from '../src/windows/ld-windows.js';

/**
 * Seeded mutation tests of the window parsers: every mutant of the corpus either parses or
 * throws flashcut's own typed error; a RangeError, TypeError or stack overflow fails the test.
 * The seed makes a failure reproducible: the failing mutant is printed.
 */


function mutate(text: string, next: () => number, fragments: readonly string[]): string {
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  let out = text;
  const edits = 1 + Math.floor(next() * 4);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(next() * (out.length + 1));
    const span = Math.floor(next() * 40);
    switch (Math.floor(next() * 5)) {
      case 0: out = out.slice(0, at) + pick(fragments) + out.slice(at); break;
      case 1: out = out.slice(0, at) + out.slice(at + span); break;
      case 2: out = out.slice(0, at) + out.slice(at, at + span).repeat(2 + Math.floor(next() * 20)) + out.slice(at + span); break;
      case 3: out = out.slice(0, at); break;
      default: out = out.slice(0, at) + String.fromCharCode(Math.floor(next() * 128)) + out.slice(at + 1);
    }
  }
  return out;
}

function outcome(attempt: () => void, mutant: string): void {
  try {
    attempt();
  } catch (error) {
    if (!(error instanceof FlashcutError)) {
      throw new Error(`${String(error)} for the mutant ${JSON.stringify(mutant)}`);
    }
  }
}

const LD_FRAGMENTS = [
  '(', ')', '{', '}', '/*', '*/', '"', ':', ';', ',', '=', '!', '~', '?', '<<', '>>', '&&', '||', '-', '/ 0', '% 0',
  'ORIGIN', 'LENGTH', 'ORIGIN(FLASH)', 'LENGTH(RAM)', 'DEFINED(x)', 'ALIGN(', 'MIN(1,', 'MAX(', 'LOG2CEIL(', 'ADDR(.text)',
  'INCLUDE memory.ld\n', 'INCLUDE self.ld ', 'MEMORY {', 'SECTIONS {', 'REGION_ALIAS("A", FLASH);', 'PROVIDE(x = 1);',
  '0xFFFFFFFF', '0x80000000', '0x', '08', '4294967296', '512K', '1M', '-1', '(rx)', '(!w)', '(xrw)', ' x = ', '((((((((((',
  '\n', ' ', '\u0000', 'é',
];
const LD_SEEDS = [
  ...readdirSync('test/fixtures/ld').filter((f) => /\.(ld|cmd)$/.test(f)).map((f) => readFileSync(`test/fixtures/ld/${f}`, 'utf8')),
  readFileSync('test/fixtures/ld/common/nrf_common.ld', 'utf8'),
  readFileSync('samples/stm32-seed/memory.ld', 'utf8'),
  readFileSync('samples/stm32-seed/sane.ld', 'utf8'),
];

const DFUSE_FRAGMENTS = ['@', '/', '0x', '*', ',', 'K', 'M', 'B', ' ', 'g', 'a', 'z', '0', '9999999999', '/0xFFFFFFFF/', '04*016Kg', '\u0000'];
const DFUSE_SEEDS = [
  '@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg',
  '@Option Bytes  /0x1FFFC000/01*016 e/0x1FFEC000/01*016 e',
  '@Internal Flash  /0x08000000/128*0002Kg',
  '@OTP Memory /0x1FFF7800/01*512 e,01*016 e',
];

/** Runs `attempt` on 3,000 mutants of `seeds`; returns how many it completed without an error. */
function fuzz(seed: number, seeds: readonly string[], fragments: readonly string[], attempt: (mutant: string) => void): number {
  const next = seededRandom(seed);
  let completed = 0;
  for (let i = 0; i < 3000; i++) {
    const mutant = mutate(seeds[i % seeds.length]!, next, fragments);
    outcome(() => {
      attempt(mutant);
      completed++;
    }, mutant);
  }
  return completed;
}

describe('seeded mutations', () => {
  it('linker scripts: a result or a typed error', () => {
    const parsed = fuzz(0x5eed, LD_SEEDS, LD_FRAGMENTS, (mutant) => {
      const script = parseLinkerScript(mutant, { file: 'fuzz.ld', include: (name) => ({ file: name, text: name === 'self.ld' ? mutant : LD_SEEDS[0]! }) });
      flashWindowsOf(script, 'fuzz');
    });
    // Mutants that get through and mutants that are refused: both paths were exercised.
    expect(parsed).toBeGreaterThan(100);
    expect(parsed).toBeLessThan(2900);
  });

  it('DfuSe layouts: a result or a typed error', () => {
    const parsed = fuzz(0xdf05e, DFUSE_SEEDS, DFUSE_FRAGMENTS, (mutant) => {
      const layout = parseDfuseLayout(mutant);
      const windows = dfuseWindows(layout, 'fuzz');
      touchedSectors(layout, windows);
      assertWritable(layout, [{ origin: 'segment 0', segment: 0, start: 0, end: 0xffff_ffff, sections: [] }]);
    });
    expect(parsed).toBeGreaterThan(100);
    expect(parsed).toBeLessThan(2900);
  });
});

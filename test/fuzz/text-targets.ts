/**
 * Text targets of the fuzzer: the linker-script and DfuSe-layout parsers. Mutants are made by
 * inserting syntax fragments, deleting, repeating, truncating and replacing characters; the
 * contract is the one of every target: a result or a FlashcutError, nothing else.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FlashcutError } from '../../src/errors.js';
import { assertWritable, dfuseWindows, parseDfuseLayout, touchedSectors } from '../../src/windows/dfuse-layout.js';
import { parseLinkerScript } from '../../src/windows/ld-script.js';
import { flashWindowsOf } from '../../src/windows/ld-windows.js';
import { seededRandom } from '../helpers/random.js';

const ROOT = new URL('../../', import.meta.url).pathname;

export interface TextTarget {
  /** Also the extension of its regression files: `fuzz-<seed>.<name>`. */
  readonly name: 'ld' | 'dfuse';
  readonly seeds: readonly string[];
  readonly fragments: readonly string[];
  /** Parses the text and uses the result; throws what the parser throws. */
  attempt(text: string): void;
}

/** A failing mutant: its iteration, the text, and what was thrown. */
export interface TextFailure {
  readonly target: TextTarget['name'];
  readonly iteration: number;
  readonly text: string;
  readonly error: string;
}

/** One to four edits of `text`. */
export function mutate(text: string, next: () => number, fragments: readonly string[]): string {
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

const LD_FRAGMENTS = [
  '(', ')', '{', '}', '/*', '*/', '"', ':', ';', ',', '=', '!', '~', '?', '<<', '>>', '&&', '||', '-', '/ 0', '% 0',
  'ORIGIN', 'LENGTH', 'ORIGIN(FLASH)', 'LENGTH(RAM)', 'DEFINED(x)', 'ALIGN(', 'MIN(1,', 'MAX(', 'LOG2CEIL(', 'ADDR(.text)',
  'INCLUDE memory.ld\n', 'INCLUDE self.ld ', 'MEMORY {', 'SECTIONS {', 'REGION_ALIAS("A", FLASH);', 'PROVIDE(x = 1);',
  '0xFFFFFFFF', '0x80000000', '0x', '08', '4294967296', '512K', '1M', '-1', '(rx)', '(!w)', '(xrw)', ' x = ', '((((((((((',
  '\n', ' ', '\u0000', 'é',
];
const LD_SEEDS = [
  ...readdirSync(join(ROOT, 'test/fixtures/ld')).filter((f) => /\.(ld|cmd)$/.test(f)).map((f) => readFileSync(join(ROOT, 'test/fixtures/ld', f), 'utf8')),
  readFileSync(join(ROOT, 'test/fixtures/ld/common/nrf_common.ld'), 'utf8'),
  readFileSync(join(ROOT, 'samples/stm32-seed/memory.ld'), 'utf8'),
  readFileSync(join(ROOT, 'samples/stm32-seed/sane.ld'), 'utf8'),
];

const DFUSE_FRAGMENTS = ['@', '/', '0x', '*', ',', 'K', 'M', 'B', ' ', 'g', 'a', 'z', '0', '9999999999', '/0xFFFFFFFF/', '04*016Kg', '\u0000'];
const DFUSE_SEEDS = [
  '@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg',
  '@Option Bytes  /0x1FFFC000/01*016 e/0x1FFEC000/01*016 e',
  '@Internal Flash  /0x08000000/128*0002Kg',
  '@OTP Memory /0x1FFF7800/01*512 e,01*016 e',
];

export const LD_TARGET: TextTarget = {
  name: 'ld',
  seeds: LD_SEEDS,
  fragments: LD_FRAGMENTS,
  attempt(text) {
    const script = parseLinkerScript(text, { file: 'fuzz.ld', include: (name) => ({ file: name, text: name === 'self.ld' ? text : LD_SEEDS[0]! }) });
    flashWindowsOf(script, 'fuzz');
  },
};

export const DFUSE_TARGET: TextTarget = {
  name: 'dfuse',
  seeds: DFUSE_SEEDS,
  fragments: DFUSE_FRAGMENTS,
  attempt(text) {
    const layout = parseDfuseLayout(text);
    const windows = dfuseWindows(layout, 'fuzz');
    touchedSectors(layout, windows);
    assertWritable(layout, [{ origin: 'segment 0', segment: 0, start: 0, end: 0xffff_ffff, sections: [] }]);
  },
};

export const TEXT_TARGETS: readonly TextTarget[] = [LD_TARGET, DFUSE_TARGET];

/**
 * Runs mutants [from, to) of the sequence started with `seed`; returns how many parsed and the
 * mutants that broke the contract.
 */
export function fuzzText(target: TextTarget, seed: number, from: number, to: number): { parsed: number; failures: TextFailure[] } {
  const next = seededRandom(seed);
  const failures: TextFailure[] = [];
  let parsed = 0;
  for (let i = 0; i < to; i++) {
    const text = mutate(target.seeds[i % target.seeds.length]!, next, target.fragments);
    if (i < from) continue;
    try {
      target.attempt(text);
      parsed++;
    } catch (error) {
      if (!(error instanceof FlashcutError)) failures.push({ target: target.name, iteration: i, text, error: String(error) });
    }
  }
  return { parsed, failures };
}

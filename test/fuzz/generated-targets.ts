/**
 * Generated targets of the fuzzer: cases made from a seed rather than mutated from a corpus.
 * `overlap` lays out overlapping records (Intel HEX, S-record), ELF segments and whole inputs
 * and checks the conversion against a brute-force address map; `limits` makes inputs at and past
 * the size and depth limits (deep linker-script expressions, deep and wide configurations, many
 * windows, long names) whose only contract is a result or a one-line FlashcutError.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfig } from '../../src/cli/config-file.js';
import { FlashcutError } from '../../src/errors.js';
import { planConversion, writePlan } from '../../src/pipeline/convert.js';
import { analyse } from '../../src/pipeline/inspect.js';
import { readInput } from '../../src/read/read-input.js';
import { parseLinkerScript } from '../../src/windows/ld-script.js';
import { flashWindowsOf } from '../../src/windows/ld-windows.js';
import { parseRegion } from '../../src/config/option-syntax.js';
import { checkWindowNames, type FlashWindow } from '../../src/windows/window.js';
import { buildElf } from '../helpers/elf-builder.js';
import { checkOverlap, CONTAINERS, type Container, type Piece } from '../helpers/overlap-cases.js';
import { Random } from '../helpers/random.js';
import { layoutSeed } from '../layouts/differential.js';

/** A target whose cases are JSON, made from an iteration seed. */
export interface GeneratedTarget<Case> {
  /** Also the extension of its regression files: `fuzz-<iteration seed>.<name>` holding the case as JSON. */
  readonly name: 'overlap' | 'limits';
  make(random: Random): Case;
  /** What is wrong with how flashcut handles the case; undefined when it is right. */
  check(testCase: Case): string | undefined;
}

/** A case that broke the contract, with the seed that makes it again. */
export interface GeneratedFailure {
  readonly seed: number;
  readonly testCase: unknown;
  readonly problem: string;
  readonly ms: number;
}

/**
 * Runs iterations [from, to) of the run started with `seed` (iteration i is made from
 * layoutSeed(seed, i)); a case that takes longer than `maxMs` fails too.
 */
export function fuzzGenerated<Case>(target: GeneratedTarget<Case>, seed: number, from: number, to: number, maxMs = Infinity): { failures: GeneratedFailure[]; slowest: { ms: number; seed: number } } {
  const failures: GeneratedFailure[] = [];
  let slowest = { ms: 0, seed };
  for (let i = from; i < to; i++) {
    const iterationSeed = layoutSeed(seed, i);
    const testCase = target.make(new Random(iterationSeed));
    const started = performance.now();
    let problem: string | undefined;
    try {
      problem = target.check(testCase);
    } catch (error) {
      problem = `threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
    }
    const ms = performance.now() - started;
    if (ms > slowest.ms) slowest = { ms, seed: iterationSeed };
    if (problem === undefined && ms > maxMs) problem = `took ${ms.toFixed(0)} ms (limit ${maxMs})`;
    if (problem !== undefined) failures.push({ seed: iterationSeed, testCase, problem, ms });
  }
  return { failures, slowest };
}

interface OverlapCase {
  readonly container: Container;
  readonly pieces: readonly Piece[];
}

/**
 * One to six pieces of 1 to 40 bytes in 100 bytes, in one of the four containers. Bytes follow
 * a pattern that overlapping pieces share (so they agree) unless a piece is drawn noisy, from a
 * three-value alphabet (so they disagree at some addresses only).
 */
export const OVERLAP_TARGET: GeneratedTarget<OverlapCase> = {
  name: 'overlap',
  make(random) {
    const pieces = Array.from({ length: random.int(1, 6) }, () => {
      const offset = random.int(0, 60);
      const noisy = random.chance(0.3);
      return { offset, bytes: Array.from({ length: random.int(1, 40) }, (_, i) => (noisy && random.chance(0.2) ? random.int(0, 2) : (offset + i) % 3)) };
    });
    return { container: random.pick(CONTAINERS), pieces };
  },
  check: ({ container, pieces }) => checkOverlap(pieces, container),
};

/** Kinds of hostile input the limits target makes, each from a size. */
const LIMIT_KINDS = ['ld-terms', 'ld-nesting', 'ld-regions', 'ld-long-name', 'config-nesting', 'config-windows', 'config-long-key', 'many-windows', 'long-section-name'] as const;
type LimitKind = (typeof LIMIT_KINDS)[number];

interface LimitCase {
  readonly kind: LimitKind;
  readonly size: number;
  /** Seeds the details (operators, names, addresses) of the input. */
  readonly detail: number;
}

/**
 * Kinds with a limit (256 deep, 1,024 characters) are drawn mostly around it; counts with no
 * limit mostly small. Now and then either is far past: up to 150,000.
 */
function limitSize(random: Random, kind: LimitKind): number {
  const roll = random.unit();
  if (roll < 0.0002) return random.int(20_000, 150_000);
  if (roll < 0.003) return random.int(1000, 20_000);
  return random.int(0, NEAR_LIMIT.includes(kind) ? 1200 : 100);
}
const NEAR_LIMIT: readonly LimitKind[] = ['ld-nesting', 'ld-long-name', 'config-long-key', 'long-section-name'];

const memory = (regions: string) => `MEMORY {\n${regions}}\n`;
const OPERATORS = [' + ', ' - ', ' * ', ' / ', ' % ', ' & ', ' | ', ' ^ ', ' << ', ' >> ', ' == ', ' != ', ' < ', ' && ', ' || '];
const TERMS = ['1', '2', '0x10', '4K', '1M', 'ORIGIN(FLASH)', 'LENGTH(FLASH)', '0', '0xFFFFFFFF'];
const OPENERS = ['(', '-', '~', '!', '1 ? ', 'MIN(1, ', 'MAX(0, ', 'ALIGN(4, '];
const CLOSERS: Record<string, string> = { '(': ')', '-': '', '~': '', '!': '', '1 ? ': ' : 0', 'MIN(1, ': ')', 'MAX(0, ': ')', 'ALIGN(4, ': ')' };

let configFolder: string | undefined;

/**
 * A configuration file of `text`, read as --config reads it (one file per process, rewritten;
 * in memory where the system has /dev/shm: a million writes to a disk cost more than the reads).
 */
function configFromText(text: string): void {
  configFolder ??= mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'flashcut-fuzz-config-'));
  const path = join(configFolder, 'flashcut.config.json');
  writeFileSync(path, text);
  readConfig(path);
}

/** Removes the configuration file's folder; the runner and the test call it when done. */
export function removeGeneratedFiles(): void {
  if (configFolder !== undefined) rmSync(configFolder, { recursive: true, force: true });
  configFolder = undefined;
}

const SMALL_HEX = readInput(new TextEncoder().encode(':020000040800F2\n:04000000DEADBEEFC4\n:00000001FF\n'), { name: 'fuzz.hex' });

/** Converts the small HEX with `windows`, as a conversion and the report would. */
function convertWithin(windows: readonly FlashWindow[]): void {
  const plan = planConversion(SMALL_HEX, { windows, format: 'hex' });
  for (const { input, selection } of plan.inputs) analyse(input, selection);
  for (const chunk of writePlan(plan)) void chunk;
}

function makeLimitInput(kind: LimitKind, size: number, random: Random): () => void {
  const name = (length: number) => Array.from({ length }, () => random.pick(['A', 'b', '_', '.', '9', '$', '-'])).join('').replace(/^[^A-Za-z_.]/, 'X');
  switch (kind) {
    case 'ld-terms': {
      const expression = Array.from({ length: size + 1 }, (_, i) => (i === 0 ? '' : random.pick(OPERATORS)) + random.pick(TERMS)).join('');
      const text = memory(`  FLASH (rx) : ORIGIN = 0x08000000, LENGTH = 64K\n  RAM (rwx) : ORIGIN = 0x20000000, LENGTH = ${expression}\n`);
      return () => flashWindowsOf(parseLinkerScript(text, { file: 'fuzz.ld' }), 'fuzz');
    }
    case 'ld-nesting': {
      const openers = Array.from({ length: size }, () => random.pick(OPENERS));
      const expression = openers.join('') + '1' + [...openers].reverse().map((o) => CLOSERS[o]).join('');
      const text = memory(`  FLASH (rx) : ORIGIN = 0x08000000, LENGTH = ${expression}\n`);
      return () => flashWindowsOf(parseLinkerScript(text, { file: 'fuzz.ld' }), 'fuzz');
    }
    case 'ld-regions': {
      const regions = Array.from({ length: size }, (_, i) => `  R${i} (${random.pick(['rx', 'rwx', 'r', '!w'])}) : ORIGIN = ${0x0800_0000 + i * 0x100}, LENGTH = ${random.pick(['0x100', '0x80', '0x200'])}\n`);
      const text = memory(regions.join(''));
      return () => convertWithin(flashWindowsOf(parseLinkerScript(text, { file: 'fuzz.ld' }), 'fuzz').windows);
    }
    case 'ld-long-name': {
      const text = memory(`  ${name(size + 1)} (rx) : ORIGIN = 0x08000000, LENGTH = 64K\n`);
      return () => convertWithin(flashWindowsOf(parseLinkerScript(text, { file: 'fuzz.ld' }), 'fuzz').windows);
    }
    case 'config-nesting': {
      const key = random.pick(['windows', 'output', 'fill', 'nonsense', '__proto__']);
      const [open, close] = random.chance(0.5) ? ['[', ']'] : ['{"a":', '}'];
      const text = `{"${key}": ${open.repeat(size)}1${close.repeat(size)}}`;
      return () => configFromText(random.chance(0.1) ? text.slice(0, random.int(0, text.length)) : text);
    }
    case 'config-windows': {
      const windows = Array.from({ length: size }, (_, i) => `"W${i}=${0x0800_0000 + i * 0x100}:${random.pick(['0x100', '256', '1K', '0'])}"`);
      return () => configFromText(`{"windows": [${windows.join(',')}], "output": "fuzz.hex"}`);
    }
    case 'config-long-key':
      return () => configFromText(`{"${name(size + 1)}": 1}`);
    case 'many-windows': {
      const overlapping = random.chance(0.2);
      const texts = Array.from({ length: size + 1 }, (_, i) => `${name(random.int(1, 12))}${i}=${0x0800_0000 + (overlapping ? i * 0x10 : i * 0x100)}:0x100`);
      return () => {
        const windows = texts.map((t) => parseRegion(t));
        checkWindowNames(windows);
        convertWithin(windows);
      };
    }
    case 'long-section-name': {
      const elf = buildElf({ segments: [{ paddr: 0x0800_0000, data: 16 }], sections: [{ name: name(size + 1), segment: 0 }] });
      return () => {
        const plan = planConversion(elf, { format: 'hex' });
        for (const { input, selection } of plan.inputs) analyse(input, selection);
      };
    }
  }
}

/** Sizes and depths at and past every limit; a FlashcutError must be one line. */
export const LIMITS_TARGET: GeneratedTarget<LimitCase> = {
  name: 'limits',
  make(random) {
    const kind = random.pick(LIMIT_KINDS);
    return { kind, size: limitSize(random, kind), detail: random.u32() };
  },
  check({ kind, size, detail }) {
    const attempt = makeLimitInput(kind, size, new Random(detail));
    try {
      attempt();
    } catch (error) {
      if (!(error instanceof FlashcutError)) return `${kind} of size ${size}: threw ${error instanceof Error ? `${error.name}: ${error.message.slice(0, 200)}` : String(error)}`;
      if (/[\n\r]/.test(error.message)) return `${kind} of size ${size}: a message of more than one line: ${JSON.stringify(error.message.slice(0, 200))}`;
    }
    return undefined;
  },
};

export const GENERATED_TARGETS: readonly GeneratedTarget<unknown>[] = [OVERLAP_TARGET, LIMITS_TARGET];

/**
 * The differential check of one generated layout: GNU as/ld build it, GNU objcopy converts it
 * with a section selection taken from objdump's section table, and flashcut converts it; the
 * two decoded address -> byte maps must be equal.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { convert } from '../../src/index.js';
import { FlashcutError } from '../../src/errors.js';
import { decodeIntelHex } from '../helpers/ihex-decode.js';
import { assemblySource, generateLayout, linkerScript, type Layout } from './generate.js';

const run = promisify(execFile);

/** The tools the check runs. */
export const LAYOUT_TOOLS = ['arm-none-eabi-as', 'arm-none-eabi-ld', 'arm-none-eabi-objdump', 'arm-none-eabi-objcopy'] as const;

/** A section as `objdump -h -w` lists it. */
export interface ObjdumpSection {
  readonly name: string;
  readonly size: number;
  readonly vma: number;
  readonly lma: number;
  readonly flags: readonly string[];
}

/** A built layout: the ELF, objdump's section table and objcopy's Intel HEX of the flash sections. */
export interface BuiltLayout {
  readonly layout: Layout;
  readonly elf: Uint8Array;
  readonly sections: readonly ObjdumpSection[];
  /** The `-R` arguments given to objcopy. */
  readonly removed: readonly string[];
  readonly objcopyHex: string;
}

/** Links the layout and runs objdump and objcopy on it, in a temporary folder removed afterwards. */
export async function buildLayout(layout: Layout): Promise<BuiltLayout> {
  const dir = await mkdtemp(join(tmpdir(), 'flashcut-layout-'));
  try {
    const endian = layout.bigEndian ? '-EB' : '-EL';
    await writeFile(join(dir, 'l.s'), assemblySource(layout));
    await writeFile(join(dir, 'l.ld'), linkerScript(layout));
    await run('arm-none-eabi-as', [endian, '-o', 'l.o', 'l.s'], { cwd: dir });
    const page = layout.maxPageSize === undefined ? [] : ['-z', `max-page-size=${layout.maxPageSize}`];
    const link = (extra: string[]) => run('arm-none-eabi-ld', [endian, '--no-warn-rwx-segments', ...extra, '-T', 'l.ld', '-o', 'l.elf', 'l.o'], { cwd: dir });
    await link(page).catch((error: unknown) => {
      // ld cannot fit the program headers before a bank at a page boundary; it asks for -N (no paging).
      if (!/not enough room for program headers/.test(String(error))) throw error;
      return link(['-N']);
    });
    const sections = parseObjdump((await run('arm-none-eabi-objdump', ['-h', '-w', 'l.elf'], { cwd: dir })).stdout);
    const removed = sections.filter((s) => loadsBytes(s) && outsideWindows(s, layout)).flatMap((s) => ['-R', s.name]);
    await run('arm-none-eabi-objcopy', ['-O', 'ihex', ...removed, 'l.elf', 'l.hex'], { cwd: dir });
    return { layout, elf: await readFile(join(dir, 'l.elf')), sections, removed, objcopyHex: await readFile(join(dir, 'l.hex'), 'latin1') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Parses `objdump -h -w`: `Idx Name Size VMA LMA File-off Algn Flags`. */
export function parseObjdump(text: string): ObjdumpSection[] {
  const sections: ObjdumpSection[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*\d+\s+(\S+)\s+([0-9a-f]{8})\s+([0-9a-f]{8})\s+([0-9a-f]{8})\s+[0-9a-f]{8}\s+\S+\s+(.*)$/.exec(line);
    if (!m) continue;
    sections.push({
      name: m[1] as string,
      size: parseInt(m[2] as string, 16),
      vma: parseInt(m[3] as string, 16),
      lma: parseInt(m[4] as string, 16),
      flags: (m[5] as string).split(',').map((f) => f.trim()),
    });
  }
  return sections;
}

/** Whether objcopy would write the section's bytes to a HEX file: CONTENTS, ALLOC and LOAD. */
function loadsBytes(s: ObjdumpSection): boolean {
  return s.size > 0 && ['CONTENTS', 'ALLOC', 'LOAD'].every((f) => s.flags.includes(f));
}

/** No byte of the section's load range [lma, lma + size) lies in a window. */
function outsideWindows(s: ObjdumpSection, layout: Layout): boolean {
  return layout.windows.every((w) => s.lma + s.size <= w.start || s.lma >= w.end);
}

/**
 * objcopy's HEX decoded, clipped to the windows: sections that straddle a window edge are
 * kept whole by objcopy (-R works per section), so the bytes beyond the edge are cut here.
 */
export function oracleImage(built: BuiltLayout): Map<number, number> {
  const map = new Map<number, number>();
  for (const [address, byte] of decodeIntelHex(built.objcopyHex).bytes) {
    if (built.layout.windows.some((w) => address >= w.start && address < w.end)) map.set(address, byte);
  }
  return map;
}

/** A converter under test: ELF bytes and windows in, Intel HEX text out (or a FlashcutError thrown). */
export type HexConverter = (elf: Uint8Array, windows: Layout['windows']) => string;

/** flashcut's library API. */
export const flashcutHex: HexConverter = (elf, windows) => {
  const { output } = convert(elf, { format: 'hex', windows: windows.map((w) => ({ ...w, source: '--region' })) });
  return Buffer.from(output).toString('latin1');
};

/** Compares the converter with the oracle; returns undefined when equal, else a description of the first difference. */
export function compareWithOracle(built: BuiltLayout, converter: HexConverter = flashcutHex): string | undefined {
  const expected = oracleImage(built);
  let actual: Map<number, number>;
  try {
    actual = decodeIntelHex(converter(built.elf, built.layout.windows)).bytes;
  } catch (error) {
    // flashcut refuses an image with nothing in it; so must the oracle agree that nothing is there.
    if (error instanceof FlashcutError && error.code === 'layout' && expected.size === 0) return undefined;
    return `converter threw: ${String(error)} (objcopy kept ${expected.size} bytes)`;
  }
  return firstDifference(expected, actual);
}

/** The first address where two maps differ, described, or undefined. */
export function firstDifference(expected: Map<number, number>, actual: Map<number, number>): string | undefined {
  const addresses = [...new Set([...expected.keys(), ...actual.keys()])].sort((a, b) => a - b);
  for (const a of addresses) {
    const e = expected.get(a);
    const g = actual.get(a);
    if (e !== g) {
      const show = (v: number | undefined) => (v === undefined ? 'nothing' : `0x${v.toString(16).padStart(2, '0')}`);
      return `at 0x${a.toString(16).padStart(8, '0')}: objcopy has ${show(e)}, converter has ${show(g)} (objcopy ${expected.size} bytes, converter ${actual.size})`;
    }
  }
  return undefined;
}

/** The seed of layout `index` in a run started with `seed`: replayable alone with `--seed S --count 1`. */
export function layoutSeed(seed: number, index: number): number {
  return (seed + Math.imul(index, 0x9e3779b9)) >>> 0;
}

/** One failed layout, with all it takes to replay and read it. */
export interface LayoutFailure {
  readonly seed: number;
  readonly message: string;
  readonly layout: Layout;
}

/** Runs `count` layouts from `seed`, `parallel` at a time; returns the failures. */
export async function runLayouts(
  seed: number,
  count: number,
  parallel: number,
  converter: HexConverter = flashcutHex,
  onBuilt?: (built: BuiltLayout) => void,
): Promise<LayoutFailure[]> {
  const failures: LayoutFailure[] = [];
  let next = 0;
  async function worker(): Promise<void> {
    while (next < count) {
      const layout = generateLayout(layoutSeed(seed, next++));
      try {
        const built = await buildLayout(layout);
        onBuilt?.(built);
        const message = compareWithOracle(built, converter);
        if (message) failures.push({ seed: layout.seed, message, layout });
      } catch (error) {
        failures.push({ seed: layout.seed, message: `build failed: ${String(error)}`, layout });
      }
    }
  }
  await Promise.all(Array.from({ length: parallel }, worker));
  return failures.sort((a, b) => a.seed - b.seed);
}

/** A failure as text: the seed to replay, the difference, the windows, the linker script and the source. */
export function describeFailure(f: LayoutFailure): string {
  const windows = f.layout.windows.map((w) => `${w.name}=0x${w.start.toString(16)}:0x${(w.end - w.start).toString(16)}`).join(' ');
  return [
    `layout seed ${f.seed} (replay: npm run test:layouts -- --seed ${f.seed} --count 1): ${f.message}`,
    `  ${f.layout.bigEndian ? 'big' : 'little'}-endian, max-page-size ${f.layout.maxPageSize ?? 'default'}, windows ${windows}`,
    '--- l.ld',
    linkerScript(f.layout),
    '--- l.s',
    assemblySource(f.layout),
  ].join('\n');
}

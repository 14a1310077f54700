import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FlashcutError } from '../src/errors.js';
import { convert } from '../src/pipeline/convert.js';
import { inspectInput } from '../src/pipeline/inspect.js';
import { parseElf } from '../src/read/elf/parse.js';
import { readInput } from '../src/read/read-input.js';
import { mergeSpans, type Span } from '../src/image/spans.js';
import type { FlashWindow } from '../src/windows/window.js';
import { parseRegion } from '../src/config/option-syntax.js';
import { EXPECTED_FINDINGS, KNOWN_DISAGREEMENTS, REFUSED } from './shared-firmware-expectations.js';
import { describeWithTools, inCI } from './helpers/tools.js';
import { tempFolder } from './helpers/temp.js';

// Real firmware from public repositories (../shared/firmware, beside the checkout in CI; see its
// README.md): every file with each of its window sets is converted by flashcut and, independently,
// by objcopy with -j of the in-window sections (decoded and clipped to the windows), llvm-objcopy
// as a second opinion; and inspect's findings must be the ones in the expectations table.

const FIRMWARE = fileURLToPath(new URL('../../shared/firmware/', import.meta.url));
const EM_ARM = 40;
const SRAM = { start: 0x2000_0000, end: 0x4000_0000 };
/** BIN images are compared up to this span (the 'all' windows of an ESP32 span 13 MB of fill). */
const BIN_SPAN_LIMIT = 1 << 20;

interface Case {
  readonly file: string;
  /** `default`, `segments` (the load ranges of the segments outside SRAM), or a windows.tsv set. */
  readonly set: string;
  /** undefined: flashcut's default windows. */
  readonly windows: readonly FlashWindow[] | undefined;
  readonly arm: boolean;
}

/** The files of MANIFEST.tsv with their window sets: windows.tsv's, else (ARM) the default and the segments' flash ranges. */
function cases(): Case[] {
  const column = (line: string, i: number) => line.split('\t')[i] ?? '';
  const manifest = readFileSync(join(FIRMWARE, 'MANIFEST.tsv'), 'utf8').trim().split('\n').slice(1);
  const tsv = readFileSync(join(FIRMWARE, 'windows.tsv'), 'utf8').trim().split('\n').slice(1);
  return manifest.flatMap((line) => {
    const file = column(line, 7);
    const bytes = readFileSync(join(FIRMWARE, file));
    const arm = bytes.readUInt16LE(18) === EM_ARM || bytes.readUInt16BE(18) === EM_ARM;
    const listed = tsv.filter((l) => column(l, 0) === file).map((l) => ({ file, set: column(l, 1), windows: column(l, 2).split(' ').map((r) => parseRegion(r)), arm }));
    if (listed.length > 0) return listed;
    return [{ file, set: 'default', windows: undefined, arm }, ...segmentWindows(file, bytes, arm)];
  });
}

/** The load ranges of the segments with file bytes outside SRAM, as windows (none for a file flashcut cannot read). */
function segmentWindows(file: string, bytes: Uint8Array, arm: boolean): Case[] {
  let spans: Span[];
  try {
    const elf = parseElf(bytes);
    spans = mergeSpans(elf.loadSegments.filter((s) => s.fileSize > 0 && (s.lma + s.fileSize <= SRAM.start || s.lma >= SRAM.end)).map((s) => ({ start: s.lma, end: s.lma + s.fileSize })));
  } catch {
    return [];
  }
  if (spans.length === 0) return [];
  return [{ file, set: 'segments', windows: spans.map((s, i) => ({ name: `SEG${i}`, start: s.start, end: s.end, source: 'test' })), arm }];
}

const key = (c: Case) => `${c.file} [${c.set}]`;

/** The sections objdump flags CONTENTS, ALLOC, LOAD whose load range meets the windows. */
function oracleSections(objdump: string, path: string, windows: readonly Span[]): string[] {
  const out = execFileSync(objdump, ['-h', path], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const lines = out.split('\n');
  const names: string[] = [];
  lines.forEach((line, i) => {
    const m = /^\s*\d+ (.+?)\s+([0-9a-f]{8})\s+[0-9a-f]{8}\s+([0-9a-f]{8})\s+[0-9a-f]{8}\s+2\*\*\d+$/.exec(line);
    if (!m) return;
    const flags = lines[i + 1] ?? '';
    if (!/\bCONTENTS\b/.test(flags) || !/\bALLOC\b/.test(flags) || !/\bLOAD\b/.test(flags)) return;
    const size = parseInt(m[2] as string, 16);
    const lma = parseInt(m[3] as string, 16);
    if (size > 0 && windows.some((w) => lma < w.end && lma + size > w.start)) names.push(m[1] as string);
  });
  return [...new Set(names)];
}

/** An image as sorted, disjoint, merged runs of bytes: cheap to compare for megabytes of firmware. */
type Runs = { start: number; bytes: Buffer }[];

/** The tool's Intel HEX of exactly `sections`, decoded and clipped to the windows. */
function oracleImage(objcopy: string, path: string, sections: readonly string[], windows: readonly Span[], work: string): Runs {
  if (sections.length === 0) return [];
  const out = join(work, 'oracle.hex');
  // -j takes a pattern: escape its wildcard characters in names like `[.data.x]`.
  const args = sections.flatMap((s) => ['-j', s.replace(/[[\]*?\\]/g, '\\$&')]);
  execFileSync(objcopy, ['-O', 'ihex', ...args, path, out], { stdio: 'pipe' });
  return clip(decodeHex(readFileSync(out, 'latin1')), windows);
}

/**
 * Intel HEX (types 00, 02, 04; objcopy writes no others before the start address) as runs. A
 * load duplicated by armlink makes objcopy write some addresses twice, with the same bytes;
 * different bytes twice would be an image of no use, and fail here.
 */
function decodeHex(text: string): Runs {
  const records: { start: number; bytes: Buffer }[] = [];
  let base = 0;
  for (const line of text.split(/\r?\n/)) {
    if (!line.startsWith(':')) continue;
    const values = Buffer.from(line.slice(1), 'hex');
    const length = values[0] ?? 0;
    const type = values[3];
    const data = values.subarray(4, 4 + length);
    const word = data.length >= 2 ? (data[0] as number) * 256 + (data[1] as number) : 0;
    if (type === 0) records.push({ start: base + (values[1] ?? 0) * 256 + (values[2] ?? 0), bytes: data });
    else if (type === 2) base = word * 16;
    else if (type === 4) base = word * 0x10000;
  }
  records.sort((a, b) => a.start - b.start);
  const runs: { start: number; parts: Buffer[]; end: number }[] = [];
  for (const r of records) {
    const last = runs[runs.length - 1];
    const end = r.start + r.bytes.length;
    if (last && r.start < last.end) {
      const mine = Buffer.concat(last.parts).subarray(r.start - last.start, Math.min(end, last.end) - last.start);
      if (!mine.equals(r.bytes.subarray(0, mine.length))) throw new Error(`the HEX writes different bytes twice at 0x${r.start.toString(16)}`);
      if (end > last.end) {
        last.parts.push(r.bytes.subarray(last.end - r.start));
        last.end = end;
      }
    } else if (last && r.start === last.end) {
      last.parts.push(r.bytes);
      last.end = end;
    } else {
      runs.push({ start: r.start, parts: [r.bytes], end });
    }
  }
  return runs.map((r) => ({ start: r.start, bytes: Buffer.concat(r.parts) }));
}

function clip(runs: Runs, windows: readonly Span[]): Runs {
  const out: Runs = [];
  for (const r of runs) {
    for (const w of windows) {
      const start = Math.max(r.start, w.start);
      const end = Math.min(r.start + r.bytes.length, w.end);
      if (start < end) out.push({ start, bytes: r.bytes.subarray(start - r.start, end - r.start) });
    }
  }
  // Touching windows can split a run: merge again.
  return mergeRuns(out);
}

function mergeRuns(runs: Runs): Runs {
  const out: Runs = [];
  for (const r of [...runs].sort((a, b) => a.start - b.start)) {
    const last = out[out.length - 1];
    if (last && last.start + last.bytes.length === r.start) last.bytes = Buffer.concat([last.bytes, r.bytes]);
    else out.push({ start: r.start, bytes: r.bytes });
  }
  return out;
}

/** '' when the images are equal, else where they first differ. */
function difference(a: Runs, b: Runs): string {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (!x || !y || x.start !== y.start || !x.bytes.equals(y.bytes)) {
      const text = (r: Runs[number] | undefined) => (r ? `0x${r.start.toString(16)}+0x${r.bytes.length.toString(16)}` : 'nothing');
      return `run ${i}: ${text(x)} vs ${text(y)}`;
    }
  }
  return '';
}

/** What flashcut gives: the decoded HEX and the BIN, or the error it refuses with. */
function flashcutImage(bytes: Uint8Array, windows: readonly FlashWindow[] | undefined): { hex: Runs; bin: Uint8Array } | { error: FlashcutError } {
  try {
    const { output, plan } = convert(bytes, { windows, format: 'hex' });
    const span = (plan.image.end ?? 0) - (plan.image.start ?? 0);
    const bin = span <= BIN_SPAN_LIMIT ? convert(bytes, { windows, format: 'bin' }).output : new Uint8Array();
    return { hex: decodeHex(Buffer.from(output).toString('latin1')), bin };
  } catch (error) {
    if (error instanceof FlashcutError) return { error };
    throw error;
  }
}

const work = tempFolder('shared').path;

if (!existsSync(join(FIRMWARE, 'MANIFEST.tsv'))) {
  if (inCI) {
    describe('shared firmware', () => {
      it('needs ../shared/firmware beside the checkout', () => {
        throw new Error(`${FIRMWARE} is missing: CI clones the project with ../shared beside it`);
      });
    });
  } else {
    console.warn(`skipping the shared-firmware tests: ${FIRMWARE} is missing (CI requires it)`);
    describe.skip('shared firmware', () => it('needs ../shared/firmware', () => undefined));
  }
} else {
  const all = cases();

  describeWithTools('shared firmware: flashcut equals objcopy -j of the in-window sections', ['arm-none-eabi-objcopy', 'arm-none-eabi-objdump', 'objcopy', 'objdump', 'llvm-objcopy'], () => {
    it.each(all.map((c) => [key(c), c] as const))('%s', (_name, c) => {
      const path = join(FIRMWARE, c.file);
      const bytes = readFileSync(path);
      const ours = flashcutImage(bytes, c.windows);
      const refused = REFUSED[key(c)];
      const [objdump, objcopy] = c.arm ? ['arm-none-eabi-objdump', 'arm-none-eabi-objcopy'] : ['objdump', 'objcopy'];
      if ('error' in ours && /^nothing to write: no loadable byte lies inside/.test(ours.error.message) && c.windows) {
        // The windows take nothing: nor does objcopy's -j.
        expect(oracleSections(objdump, path, mergeSpans(c.windows))).toEqual([]);
        return;
      }
      if ('error' in ours) {
        expect(refused, `flashcut refused: ${ours.error.message}`).toBeDefined();
        expect(ours.error.message).toMatch(refused?.message as RegExp);
        expect(ours.error.message.length).toBeLessThan(400);
        return;
      }
      expect(refused, 'expected flashcut to refuse').toBeUndefined();
      // The windows flashcut used (its default when none are given) decide which sections count.
      let windows: readonly Span[] = c.windows ?? inspectInput(readInput(bytes)).windows;
      windows = mergeSpans(windows);
      const sections = oracleSections(objdump, path, windows);
      const gnu = oracleImage(objcopy, path, sections, windows, work);
      const known = KNOWN_DISAGREEMENTS[key(c)];
      if (known) {
        // Documented: GNU objcopy is wrong here, llvm-objcopy (which places sections by segment) is right.
        expect(difference(ours.hex, gnu), 'GNU objcopy now agrees: remove the entry').not.toBe('');
        expect(difference(ours.hex, oracleImage('llvm-objcopy', path, sections, windows, work))).toBe('');
      } else {
        expect(difference(ours.hex, gnu)).toBe('');
      }
      if (ours.bin.length > 0) {
        // The BIN: the HEX's bytes from its first to its last address, the gaps filled with 0xFF.
        const first = ours.hex[0]?.start ?? 0;
        const last = ours.hex[ours.hex.length - 1];
        const expected = Buffer.alloc(last ? last.start + last.bytes.length - first : 0, 0xff);
        for (const r of ours.hex) r.bytes.copy(expected, r.start - first);
        expect(Buffer.from(ours.bin).equals(expected)).toBe(true);
      }
    });

    it('llvm-objcopy agrees with GNU objcopy on the files without a documented disagreement (a sample)', () => {
      const sample = all.filter((c) => !KNOWN_DISAGREEMENTS[key(c)] && !REFUSED[key(c)]).filter((_, i) => i % 5 === 0);
      const differ: string[] = [];
      for (const c of sample) {
        const path = join(FIRMWARE, c.file);
        const windows = mergeSpans(c.windows ?? inspectInput(readInput(readFileSync(path))).windows);
        const [objdump, objcopy] = c.arm ? ['arm-none-eabi-objdump', 'arm-none-eabi-objcopy'] : ['objdump', 'objcopy'];
        const sections = oracleSections(objdump, path, windows);
        const gnu = oracleImage(objcopy, path, sections, windows, work);
        const why = difference(gnu, oracleImage('llvm-objcopy', path, sections, windows, work));
        if (why) differ.push(`${key(c)}: ${why}`);
      }
      expect(differ).toEqual([]);
    });
  });

  describe('shared firmware: the findings are the expected ones (a false alarm or a lost finding fails)', () => {
    it.each(all.map((c) => [key(c), c] as const))('%s', (_name, c) => {
      const bytes = readFileSync(join(FIRMWARE, c.file));
      let found: string[];
      try {
        found = inspectInput(readInput(bytes, { name: c.file }), { windows: c.windows }).findings.map((f) => `${f.severity} ${f.code}`);
      } catch (error) {
        if (!(error instanceof FlashcutError)) throw error;
        found = [`refused ${error.code}`];
      }
      expect(found).toEqual(EXPECTED_FINDINGS[key(c)] ?? []);
    });

    it('no clean file has an error-severity finding', () => {
      const errors = Object.entries(EXPECTED_FINDINGS).filter(([, f]) => f.some((x) => x.startsWith('error ')));
      expect(errors).toEqual([]);
    });
  });
}

/**
 * The DfuSe memory layout string a device reports as its interface name, as `dfu-util -l`
 * prints it: `@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg`. After the name
 * come one or more `/start/` groups of `COUNT*SIZE` sector runs; SIZE is decimal with a unit
 * (` `, `B` or none for bytes, `K`, `M`), then a type letter a..g whose value minus 'a' + 1 is a bit
 * mask: 1 readable, 2 erasable, 4 writable (dfu-util's dfuse_mem.c).
 * Sector runs stay runs: a layout of a million sectors costs no more than one of ten.
 */

import { LayoutError, UsageError } from '../errors.js';
import type { Span } from '../image/spans.js';
import type { FlashWindow } from './window.js';
import { ADDRESS_SPACE_END, count, hex32, rangeText } from '../numbers.js';

/** `count` equal sectors from `start`; sector numbers count from 0 across the whole layout. */
export interface SectorRun {
  readonly start: number;
  readonly sectorSize: number;
  readonly count: number;
  readonly firstSector: number;
  /** The type letter a..g as written. */
  readonly type: string;
  readonly readable: boolean;
  readonly erasable: boolean;
  readonly writable: boolean;
}

export interface DfuseLayout {
  /** `Internal Flash`: the text between `@` and the first `/`, trimmed. */
  readonly name: string;
  readonly runs: readonly SectorRun[];
}

/** Sectors `first..last` of one run, and the addresses [start, end) they cover. */
export interface SectorSpan {
  readonly first: number;
  readonly last: number;
  readonly start: number;
  readonly end: number;
}

const UNITS: Record<string, number> = { ' ': 1, B: 1, K: 1024, M: 1024 * 1024 };

/** The library option a layout is the value of: its errors name it, and a front end says where it was given. */
const OPTION = { option: 'dfuseLayout' } as const;
const WHAT = `options.${OPTION.option}`;

/**
 * Parses a DfuSe layout string (the value of `options.dfuseLayout`, which its messages name).
 * Throws UsageError with the character and what was expected when it is malformed, when a
 * sector run is empty or runs past the 32-bit address space, or when runs overlap.
 */
export function parseDfuseLayout(text: string): DfuseLayout {
  let pos = 0;
  const fail = (expected: string): never => {
    const found = pos < text.length ? JSON.stringify(text.slice(pos, pos + 12)) : 'the end';
    throw new UsageError(`${WHAT}, character ${pos + 1}: expected ${expected}, found ${found} (a layout looks like "@Internal Flash  /0x08000000/04*016Kg,01*064Kg")`, OPTION);
  };
  const take = (pattern: RegExp): RegExpExecArray | undefined => {
    pattern.lastIndex = pos;
    const match = pattern.exec(text);
    if (match) pos += match[0].length;
    return match ?? undefined;
  };

  if (!take(/@/y)) fail("'@' and the memory name");
  const name = (take(/[^/]*/y)?.[0] ?? '').trim();
  const runs: SectorRun[] = [];
  let sectors = 0;
  do {
    if (!take(/\//y)) fail("'/' before a start address");
    const address = take(/0[xX]([0-9a-fA-F]{1,8})\//y);
    if (!address) fail("a start address '0x...' and '/'");
    let start = Number.parseInt(address![1]!, 16);
    do {
      const at = pos;
      // dfu-util takes a type letter right after the size as a size in bytes, with a warning.
      const run = take(/(\d{1,10})\*(\d{1,10})([ BKM]?)([a-g])/y);
      if (!run) fail("a sector run COUNT*SIZE, a unit (' ', B, K or M) and a type letter a..g");
      const runCount = Number(run![1]);
      const sectorSize = Number(run![2]) * (UNITS[run![3] || 'B'] ?? 1);
      const mask = run![4]!.charCodeAt(0) - 'a'.charCodeAt(0) + 1;
      if (runCount === 0 || sectorSize === 0) {
        pos = at;
        fail('a sector run with at least one sector of at least one byte');
      }
      if (start + runCount * sectorSize > ADDRESS_SPACE_END) {
        pos = at;
        fail(`a sector run that ends within the 32-bit address space (this one starts at ${hex32(start)})`);
      }
      runs.push({ start, sectorSize, count: runCount, firstSector: sectors, type: run![4]!, readable: (mask & 1) !== 0, erasable: (mask & 2) !== 0, writable: (mask & 4) !== 0 });
      start += runCount * sectorSize;
      sectors += runCount;
    } while (take(/,/y));
  } while (pos < text.length && text[pos] === '/');
  // Some devices end the string with spaces or a NUL, as the descriptor is fixed-size.
  take(/[\s\0]*/y);
  if (pos < text.length) fail("',' and another sector run, or '/' and another start address");

  const sorted = [...runs].sort((a, b) => a.start - b.start);
  sorted.forEach((run, i) => {
    const next = sorted[i + 1];
    if (next && next.start < runEnd(run)) {
      throw new UsageError(`${WHAT}: sectors at ${hex32(run.start)} and ${hex32(next.start)} overlap`, OPTION);
    }
  });
  return { name, runs };
}

const runEnd = (run: SectorRun) => run.start + run.count * run.sectorSize;

/**
 * The writable sectors as flash windows, one per contiguous writable stretch, named after
 * the layout (`Internal_Flash`, then `Internal_Flash_2`, ...) so they can name split files.
 */
export function dfuseWindows(layout: DfuseLayout, label: string): FlashWindow[] {
  const base = layout.name.replace(/[^\w.-]+/g, '_').replace(/^_+|_+$/g, '') || 'DFUSE';
  const stretches: { start: number; end: number; first: number; last: number }[] = [];
  for (const run of [...layout.runs].sort((a, b) => a.start - b.start)) {
    if (!run.writable) continue;
    const last = stretches[stretches.length - 1];
    if (last && last.end === run.start) {
      last.end = runEnd(run);
      last.last = run.firstSector + run.count - 1;
    } else {
      stretches.push({ start: run.start, end: runEnd(run), first: run.firstSector, last: run.firstSector + run.count - 1 });
    }
  }
  if (stretches.length === 0) throw new UsageError(`${WHAT}: no sector is writable (type d, e, f or g)`, OPTION);
  return stretches.map((s, i) => ({
    name: i === 0 ? base : `${base}_${i + 1}`,
    start: s.start,
    end: s.end,
    source: `${label}: writable sectors ${sectorNumbers(s.first, s.last)} of ${layout.name || 'the layout'}`,
  }));
}

/** The sectors that hold at least one byte of `spans`, merged into runs of consecutive numbers: what a DfuSe download erases. */
export function touchedSectors(layout: DfuseLayout, spans: readonly Span[]): SectorSpan[] {
  const hits: SectorSpan[] = [];
  for (const run of layout.runs) {
    for (const span of spans) {
      const start = Math.max(span.start, run.start);
      const end = Math.min(span.end, runEnd(run));
      if (start >= end) continue;
      const first = Math.floor((start - run.start) / run.sectorSize);
      const last = Math.floor((end - 1 - run.start) / run.sectorSize);
      hits.push({ first: run.firstSector + first, last: run.firstSector + last, start: run.start + first * run.sectorSize, end: run.start + (last + 1) * run.sectorSize });
    }
  }
  const merged: SectorSpan[] = [];
  for (const hit of hits.sort((a, b) => a.first - b.first)) {
    const previous = merged[merged.length - 1];
    if (previous && hit.first <= previous.last + 1 && hit.start <= previous.end) {
      merged[merged.length - 1] = { ...previous, last: Math.max(previous.last, hit.last), end: Math.max(previous.end, hit.end) };
    } else {
      merged.push(hit);
    }
  }
  return merged;
}

/** A range of kept bytes [start, end) and the sections it holds (a selection's `kept`). */
export interface KeptRange extends Span {
  readonly sections: readonly string[];
}

/**
 * Refuses bytes that would land in a sector the layout does not mark writable: the device
 * would reject the download part-way. `ranges` are the ranges the selection left out.
 * Throws LayoutError naming the first such range, its sections and the sector.
 */
export function assertWritable<R extends KeptRange>(layout: DfuseLayout, ranges: readonly R[]): void {
  for (const run of layout.runs) {
    if (run.writable) continue;
    for (const range of ranges) {
      const start = Math.max(range.start, run.start);
      const end = Math.min(range.end, runEnd(run));
      if (start >= end) continue;
      const sector = run.firstSector + Math.floor((start - run.start) / run.sectorSize);
      const sections = range.sections.length > 0 ? ` (${range.sections.join(' ')})` : '';
      throw new LayoutError(
        `${count(end - start)} bytes at ${rangeText(start, end)}${sections} land in sector ${sector} of ${layout.name || 'the DfuSe layout'}, ` +
          `type ${run.type} (${typeText(run)}): not writable, so a DFU download would fail`,
      );
    }
  }
}

function typeText(run: SectorRun): string {
  return [run.readable && 'readable', run.erasable && 'erasable', run.writable && 'writable'].filter(Boolean).join(', ');
}

/** `0-3` or `5`. */
export function sectorNumbers(first: number, last: number): string {
  return first === last ? String(first) : `${first}-${last}`;
}

import { badOption, LayoutError, LimitError } from '../errors.js';
import type { MemoryImage } from '../image/memory-image.js';
import { count, hex32, rangeText } from '../numbers.js';
import { ChunkReads, fillByte, type OutputFormat } from './format.js';

/** The default `maxGap`: 16 MiB of fill between two kept ranges. */
export const DEFAULT_MAX_GAP = 16 * 1024 * 1024;

const FILL_CHUNK = 1 << 20;

/**
 * Raw binary writer: the bytes from `base` (default: the lowest kept address) to the end of
 * the image or `padTo`, whichever is higher, with every gap filled with `fill` (default 0xFF,
 * erased flash; objcopy's default is 0x00). Refuses, before producing anything, a file whose
 * fill between two ranges would exceed `maxGap`.
 */
export const rawBinary: OutputFormat = {
  name: 'bin',
  title: 'raw binary',
  extensions: ['.bin'],
  write(image, options) {
    const fill = fillByte(options);
    const maxGap = options.maxGap ?? DEFAULT_MAX_GAP;
    const plan = planBinary(image, options.base, options.padTo);
    for (const gap of plan.gaps) {
      if (gap.end - gap.start > maxGap) {
        throw new LimitError(
          `a BIN would need ${count(gap.end - gap.start)} bytes of fill between ${gap.before} and ${gap.after}, ` +
            `more than options.maxGap ${count(maxGap)}: write Intel HEX, or one BIN per window with options.split`,
        );
      }
    }
    return emitBinary(image, plan.start, plan.end, fill);
  },
};

interface Gap {
  readonly start: number;
  readonly end: number;
  readonly before: string;
  readonly after: string;
}

function planBinary(image: MemoryImage, base: number | undefined, padTo: number | undefined): { start: number; end: number; gaps: Gap[] } {
  const ranges = image.ranges();
  const first = ranges[0];
  const last = ranges[ranges.length - 1];
  if (!first || !last) throw new LayoutError('nothing to write: no bytes were kept');
  const start = base ?? first.start;
  if (start > first.start) {
    throw new LayoutError(`options.base ${hex32(start)} is above the lowest kept byte at ${hex32(first.start)}`, { option: 'base' });
  }
  // objcopy ignores a --pad-to below the end without a word; a file cannot be padded shorter.
  if (padTo !== undefined && padTo < last.end) {
    throw badOption('padTo', hex32(padTo), `the image runs to ${hex32(last.end - 1)}, and padding cannot shorten the file: give ${hex32(last.end)} or more, or leave it out`);
  }
  const end = Math.max(last.end, padTo ?? 0);
  const gaps: Gap[] = [];
  if (start < first.start) gaps.push({ start, end: first.start, before: `options.base ${hex32(start)}`, after: rangeText(first.start, first.end) });
  ranges.forEach((range, i) => {
    const next = ranges[i + 1];
    if (next) gaps.push({ start: range.end, end: next.start, before: rangeText(range.start, range.end), after: rangeText(next.start, next.end) });
  });
  if (end > last.end) gaps.push({ start: last.end, end, before: rangeText(last.start, last.end), after: `options.padTo ${hex32(end)}` });
  return { start, end, gaps };
}

function* emitBinary(image: MemoryImage, start: number, end: number, fill: number): Generator<Uint8Array, void, unknown> {
  const reads = new ChunkReads();
  let filler: Uint8Array | undefined;
  function* fillTo(from: number, to: number): Generator<Uint8Array, void, unknown> {
    filler ??= new Uint8Array(Math.min(FILL_CHUNK, end - start)).fill(fill);
    for (let at = from; at < to; at += filler.length) reads.giveBack(yield filler.subarray(0, Math.min(filler.length, to - at)));
  }
  let cursor = start;
  for (const chunk of image.chunks) {
    yield* fillTo(cursor, chunk.address);
    const bytes = reads.read(chunk);
    reads.giveBack(yield bytes);
    cursor = chunk.address + bytes.length;
  }
  yield* fillTo(cursor, end);
}

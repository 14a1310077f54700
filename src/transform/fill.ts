import { badOption } from '../errors.js';
import { ADDRESS_SPACE_END } from '../numbers.js';
import { MemoryImage, type ImageChunk } from '../image/memory-image.js';
import { clipSorted, firstCovers, intersectSpans, mergeSpans, subtractSpans, type Span } from '../image/spans.js';
import type { FlashWindow } from '../windows/window.js';

/** An image with fill bytes added, and where they went. */
export interface Filled {
  readonly image: MemoryImage;
  /** The ranges of fill bytes added, [start, end), in address order. */
  readonly added: readonly Span[];
}

/** Fill pieces are views of one buffer of at most this many bytes, so fill costs no memory per byte. */
const FILL_PIECE = 1024 * 1024;

/**
 * Covers `spans` with `fill` wherever the image has no byte yet; the image's own bytes win.
 * The one mechanism behind alignment, window padding and gap filling.
 */
export function coverWithFill(image: MemoryImage, spans: readonly Span[], fill: number, origin: string): Filled {
  const added = subtractSpans(spans, image.ranges());
  return { image: withFill(image, added, fill, origin), added };
}

/**
 * The image with `holes` (disjoint spans where it has no byte) filled. Every fill piece is a
 * view of one shared buffer of at most 1 MiB (chunks are never written in place), so filling a
 * 1 GiB window costs a thousand views, not 1 GiB of memory.
 */
function withFill(image: MemoryImage, holes: readonly Span[], fill: number, origin: string): MemoryImage {
  const largest = holes.reduce((max, s) => Math.max(max, s.end - s.start), 0);
  const filler = new Uint8Array(Math.min(FILL_PIECE, largest)).fill(fill);
  const pieces: ImageChunk[] = [];
  for (const s of holes) {
    for (let at = s.start; at < s.end; at += filler.length) pieces.push({ address: at, bytes: filler.subarray(0, Math.min(filler.length, s.end - at)), origin });
  }
  return MemoryImage.from([...image.chunks, ...pieces]);
}

/** Throws UsageError unless `unit` is a flash write unit: a power of two from 1 to 256 MiB. */
export function checkWriteUnit(unit: number): void {
  if (!Number.isInteger(unit) || unit < 1 || unit > 0x1000_0000 || (unit & (unit - 1)) !== 0) {
    throw badOption('align', unit, 'the write unit must be a power of two (1, 2, 4, ... bytes)');
  }
}

/**
 * Extends every contiguous run outward to `alignment`-byte boundaries (a power of two, such as
 * 8 for STM32L4 double words or 32 for STM32H7 flash words), so that no flash word is written
 * in part; never beyond `within` (the flash windows), when given. Throws UsageError for an
 * alignment that is not a power of two.
 */
export function alignToWriteUnit(image: MemoryImage, alignment: number, fill: number, within?: readonly Span[]): Filled {
  checkWriteUnit(alignment);
  const spans = image.ranges().map((r) => ({
    start: Math.floor(r.start / alignment) * alignment,
    end: Math.min(ADDRESS_SPACE_END, Math.ceil(r.end / alignment) * alignment),
  }));
  return coverWithFill(image, within ? intersectSpans(spans, within) : spans, fill, `fill (alignment to ${alignment} bytes)`);
}

/** Fills the named windows completely, so the image covers each exactly. */
export function padWindows(image: MemoryImage, windows: readonly FlashWindow[], fill: number): Filled {
  const padded = padEachWindow(image, windows, fill);
  return { image: padded.image, added: mergeSpans(padded.added.flat()) };
}

/**
 * Fills the windows completely, and says what each one added: a hole two windows share is
 * the first one's, as if they were padded one after the other. O((windows + runs) log windows).
 */
export function padEachWindow(image: MemoryImage, windows: readonly FlashWindow[], fill: number): { image: MemoryImage; added: Span[][] } {
  const ranges = image.ranges();
  const added = firstCovers(windows).map((owned) => owned.flatMap((span) => subtractSpans([span], clipSorted(ranges, span))));
  return { image: withFill(image, added.flat(), fill, 'fill (padded window)'), added };
}

/** Fills the holes inside each window between its first and its last kept byte. */
export function fillGapsInWindows(image: MemoryImage, windows: readonly FlashWindow[], fill: number): Filled {
  const ranges = image.ranges();
  const spans = windows.flatMap((w) => {
    // A binary search among the image's runs per window, not a pass over all of them.
    const inside = clipSorted(ranges, w);
    const first = inside[0];
    const last = inside[inside.length - 1];
    return first && last ? [{ start: first.start, end: last.end }] : [];
  });
  return coverWithFill(image, mergeSpans(spans), fill, 'fill (filled gap)');
}

import { badOption } from '../errors.js';
import { ADDRESS_SPACE_END } from '../numbers.js';
import { MemoryImage } from '../image/memory-image.js';
import { intersectSpans, mergeSpans, subtractSpans, type Span } from '../image/spans.js';
import type { FlashWindow } from '../windows/window.js';

/** An image with fill bytes added, and where they went. */
export interface Filled {
  readonly image: MemoryImage;
  /** The ranges of fill bytes added, [start, end), in address order. */
  readonly added: readonly Span[];
}

/**
 * Covers `spans` with `fill` wherever the image has no byte yet; the image's own bytes win.
 * The one mechanism behind alignment, window padding and gap filling.
 */
export function coverWithFill(image: MemoryImage, spans: readonly Span[], fill: number, origin: string): Filled {
  const added = subtractSpans(spans, image.ranges());
  const pieces = added.map((s) => ({ address: s.start, bytes: new Uint8Array(s.end - s.start).fill(fill), origin }));
  return { image: MemoryImage.from([...image.chunks, ...pieces]), added };
}

/**
 * Extends every contiguous run outward to `alignment`-byte boundaries (a power of two, such as
 * 8 for STM32L4 double words or 32 for STM32H7 flash words), so that no flash word is written
 * in part; never beyond `within` (the flash windows), when given. Throws UsageError for an
 * alignment that is not a power of two.
 */
export function alignToWriteUnit(image: MemoryImage, alignment: number, fill: number, within?: readonly Span[]): Filled {
  if (!Number.isInteger(alignment) || alignment < 1 || alignment > 0x1000_0000 || (alignment & (alignment - 1)) !== 0) {
    throw badOption('align', alignment, 'the write unit must be a power of two');
  }
  const spans = image.ranges().map((r) => ({
    start: Math.floor(r.start / alignment) * alignment,
    end: Math.min(ADDRESS_SPACE_END, Math.ceil(r.end / alignment) * alignment),
  }));
  return coverWithFill(image, within ? intersectSpans(spans, within) : spans, fill, `fill (alignment to ${alignment} bytes)`);
}

/** Fills the named windows completely, so the image covers each exactly. */
export function padWindows(image: MemoryImage, windows: readonly FlashWindow[], fill: number): Filled {
  return coverWithFill(image, windows, fill, 'fill (padded window)');
}

/** Fills the holes inside each window between its first and its last kept byte. */
export function fillGapsInWindows(image: MemoryImage, windows: readonly FlashWindow[], fill: number): Filled {
  const spans = windows.flatMap((w) => {
    const inside = intersectSpans(image.ranges(), [w]);
    const first = inside[0];
    const last = inside[inside.length - 1];
    return first && last ? [{ start: first.start, end: last.end }] : [];
  });
  return coverWithFill(image, mergeSpans(spans), fill, 'fill (filled gap)');
}

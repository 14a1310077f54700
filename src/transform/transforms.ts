import { badOption } from '../errors.js';
import { alignToWriteUnit, checkWriteUnit, fillGapsInWindows, padWindows, type Filled } from './fill.js';
import { insertChecksum, type ChecksumRequest, type InsertedChecksum } from './insert-checksum.js';
import type { MemoryImage } from '../image/memory-image.js';
import type { Span } from '../image/spans.js';
import type { FlashWindow } from '../windows/window.js';

/** The image transforms of a conversion, applied in this order: pad, fill gaps, align, checksums. */
export interface TransformOptions {
  /** The value of every byte a transform adds (default 0xFF, erased flash). */
  readonly fill?: number | undefined;
  /** Windows to fill completely, by name, or `all`. */
  readonly padWindows?: readonly string[] | undefined;
  /** Fill the holes inside each window between its first and last kept byte. */
  readonly fillGaps?: boolean | undefined;
  /** Flash write unit: extend every run outward to multiples of it (a power of two). */
  readonly align?: number | undefined;
  /** Checksums to compute and write, last, over the final bytes. */
  readonly checksums?: readonly ChecksumRequest[] | undefined;
}

/** What one transform did, for the report and `--json`. */
export type TransformRecord =
  | { readonly kind: 'pad-window'; readonly window: string; readonly added: readonly Span[]; readonly bytes: number }
  | { readonly kind: 'fill-gaps'; readonly added: readonly Span[]; readonly bytes: number }
  | { readonly kind: 'align'; readonly unit: number; readonly added: readonly Span[]; readonly bytes: number }
  | ({ readonly kind: 'checksum' } & InsertedChecksum);

/**
 * Applies the transforms to a kept image. Throws UsageError for an unknown window name or a bad
 * write unit, and LayoutError for a checksum that cannot be placed or has holes in its range.
 */
export function applyTransforms(
  image: MemoryImage,
  windows: readonly FlashWindow[],
  options: TransformOptions,
): { image: MemoryImage; transforms: TransformRecord[] } {
  if (options.align !== undefined) checkWriteUnit(options.align);
  const fill = options.fill ?? 0xff;
  const transforms: TransformRecord[] = [];
  let current = image;
  const record = <T extends TransformRecord>(filled: Filled, make: (added: readonly Span[], bytes: number) => T): void => {
    current = filled.image;
    const bytes = filled.added.reduce((sum, s) => sum + s.end - s.start, 0);
    if (bytes > 0) transforms.push(make(filled.added, bytes));
  };
  for (const window of windowsNamed(windows, options.padWindows ?? [])) {
    record(padWindows(current, [window], fill), (added, bytes) => ({ kind: 'pad-window', window: window.name, added, bytes }));
  }
  if (options.fillGaps) record(fillGapsInWindows(current, windows, fill), (added, bytes) => ({ kind: 'fill-gaps', added, bytes }));
  const unit = options.align;
  if (unit !== undefined && unit > 1) record(alignToWriteUnit(current, unit, fill, windows), (added, bytes) => ({ kind: 'align', unit, added, bytes }));
  for (const request of options.checksums ?? []) {
    const inserted = insertChecksum(current, windows, request);
    current = inserted.image;
    transforms.push({ kind: 'checksum', ...inserted.inserted });
  }
  return { image: current, transforms };
}

function windowsNamed(windows: readonly FlashWindow[], names: readonly string[]): FlashWindow[] {
  if (names.includes('all')) return [...windows];
  return names.map((name) => {
    const window = windows.find((w) => w.name === name);
    if (!window) throw badOption('padWindows', name, `no such window (there are ${windows.map((w) => w.name).join(', ')}, or all)`);
    return window;
  });
}

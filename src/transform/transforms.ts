import { badOption, LimitError } from '../errors.js';
import { count } from '../numbers.js';
import { alignToWriteUnit, checkWriteUnit, fillGapsInWindows, padEachWindow, type Filled } from './fill.js';
import { insertChecksum, type ChecksumRequest, type InsertedChecksum } from './insert-checksum.js';
import type { MemoryImage } from '../image/memory-image.js';
import type { Span } from '../image/spans.js';
import { WHOLE_ADDRESS_SPACE, type FlashWindow } from '../windows/window.js';

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
  const record = <T extends TransformRecord>(filled: Filled, what: string, make: (added: readonly Span[], bytes: number) => T): void => {
    limitFill(windows, what, filled.added);
    current = filled.image;
    const bytes = filled.added.reduce((sum, s) => sum + s.end - s.start, 0);
    if (bytes > 0) transforms.push(make(filled.added, bytes));
  };
  const padded = windowsNamed(windows, options.padWindows ?? []);
  if (padded.length > 0) {
    const each = padEachWindow(current, padded, fill);
    limitFill(windows, 'options.padWindows', each.added.flat());
    current = each.image;
    padded.forEach((window, i) => {
      const added = each.added[i] as Span[];
      const bytes = added.reduce((sum, s) => sum + s.end - s.start, 0);
      if (bytes > 0) transforms.push({ kind: 'pad-window', window: window.name, added, bytes });
    });
  }
  if (options.fillGaps) record(fillGapsInWindows(current, windows, fill), 'options.fillGaps', (added, bytes) => ({ kind: 'fill-gaps', added, bytes }));
  const unit = options.align;
  if (unit !== undefined && unit > 1) record(alignToWriteUnit(current, unit, fill, windows), 'options.align', (added, bytes) => ({ kind: 'align', unit, added, bytes }));
  for (const request of options.checksums ?? []) {
    const inserted = insertChecksum(current, windows, request);
    current = inserted.image;
    transforms.push({ kind: 'checksum', ...inserted.inserted });
  }
  return { image: current, transforms };
}

/** The most fill a transform adds when no windows were given (the whole 32-bit address space): 16 MiB. */
export const DEFAULT_WINDOW_FILL_LIMIT = 16 * 1024 * 1024;

/**
 * With no windows given, an image input's window is the whole 32-bit address space, and padding
 * it, or filling from 0x00000000 to 0xFFFFFFF0, would make a 4 GiB image no flash holds:
 * throws LimitError for more than DEFAULT_WINDOW_FILL_LIMIT bytes of fill there.
 */
function limitFill(windows: readonly FlashWindow[], what: string, added: readonly Span[]): void {
  if (windows.length !== 1 || windows[0] !== WHOLE_ADDRESS_SPACE) return;
  const bytes = added.reduce((sum, s) => sum + s.end - s.start, 0);
  if (bytes <= DEFAULT_WINDOW_FILL_LIMIT) return;
  throw new LimitError(
    `${what} would add ${count(bytes)} bytes of fill to the whole 32-bit address space (no flash windows were given), ` +
      `more than the ${count(DEFAULT_WINDOW_FILL_LIMIT)} allowed there: name the windows with options.windows`,
  );
}

function windowsNamed(windows: readonly FlashWindow[], names: readonly string[]): FlashWindow[] {
  if (names.includes('all')) return [...windows];
  const byName = new Map(windows.map((w) => [w.name, w] as const).reverse());
  return names.map((name) => {
    const window = byName.get(name);
    if (!window) throw badOption('padWindows', name, `no such window (there are ${windows.map((w) => w.name).join(', ')}, or all)`);
    return window;
  });
}

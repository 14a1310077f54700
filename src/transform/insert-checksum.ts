import type { ChecksumAlgorithm } from '../checksums/checksum.js';
import { LayoutError } from '../errors.js';
import { count, hex32, rangeText } from '../numbers.js';
import type { MemoryImage } from '../image/memory-image.js';
import { intersectSpans, subtractSpans, type Span } from '../image/spans.js';
import type { FlashWindow } from '../windows/window.js';

export interface ChecksumRequest {
  readonly algorithm: ChecksumAlgorithm;
  /** Where the 4-byte result goes: a placeholder the firmware reserves among the kept bytes. */
  readonly address: number;
  /** The bytes to check, [start, end); default: the kept bytes of the window that holds `address`. */
  readonly range?: Span | undefined;
  /** Store the result big-endian (default little-endian, as Cortex-M reads it). */
  readonly bigEndian?: boolean | undefined;
}

export interface InsertedChecksum {
  readonly algorithm: string;
  /** Stored big-endian (`ALG-be`); little-endian otherwise. */
  readonly bigEndian: boolean;
  readonly address: number;
  readonly range: Span;
  readonly value: number;
  /**
   * The 4 bytes the result replaced, in address order: a placeholder the firmware reserves is
   * erased (all 0xFF) or zero; anything else was probably code or data (the findings say so).
   */
  readonly replaced: readonly number[];
}

/**
 * Computes a checksum over the range, leaving out the result's own 4 bytes, and writes it at
 * `address`. Throws LayoutError when the place is not inside kept bytes, when the range has
 * unfilled holes (fill them with --fill-gaps or --pad-window first), or when no window holds it.
 */
export function insertChecksum(
  image: MemoryImage,
  windows: readonly FlashWindow[],
  request: ChecksumRequest,
): { image: MemoryImage; inserted: InsertedChecksum } {
  const place = { start: request.address, end: request.address + 4 };
  if (image.bytesIn(place.start, place.end) !== 4) {
    throw new LayoutError(
      `the checksum's place ${rangeText(place.start, place.end)} is not inside the kept bytes: reserve 4 bytes there in the firmware`,
      { option: 'checksums' },
    );
  }
  const range = request.range ?? defaultRange(image, windows, request.address);
  const checked = subtractSpans([range], [place]);
  const holes = subtractSpans(checked, image.ranges());
  const firstHole = holes[0];
  if (firstHole) {
    const size = holes.reduce((sum, h) => sum + h.end - h.start, 0);
    throw new LayoutError(
      `the ${request.algorithm.name} range ${rangeText(range.start, range.end)} has ${count(size)} unfilled bytes, the first at ${hex32(firstHole.start)}: ` +
        'fill them with options.fillGaps or options.padWindows',
      { option: 'checksums' },
    );
  }
  const parts = checked.map((s) => image.read(s.start, s.end));
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (bytes.set(p, at), at + p.length), 0);
  const value = request.algorithm.compute(bytes);
  const result = new Uint8Array(4);
  new DataView(result.buffer).setUint32(0, value, !request.bigEndian);
  return {
    image: image.overwrite(request.address, result, `${request.algorithm.name} checksum`),
    inserted: { algorithm: request.algorithm.name, bigEndian: request.bigEndian === true, address: request.address, range, value, replaced: [...image.read(place.start, place.end)] },
  };
}

function defaultRange(image: MemoryImage, windows: readonly FlashWindow[], address: number): Span {
  const window = windows.find((w) => w.start <= address && address < w.end);
  if (!window) throw new LayoutError(`no flash window holds the checksum's place ${hex32(address)}`, { option: 'checksums' });
  const inside = intersectSpans(image.ranges(), [window]);
  const first = inside[0] as Span;
  const last = inside[inside.length - 1] as Span;
  return { start: first.start, end: last.end };
}

/** A checksum to insert before its place is resolved: WHERE is an address or an ELF symbol's name. */
export interface ChecksumSpec {
  readonly algorithm: ChecksumAlgorithm;
  readonly where: number | string;
  readonly range: Span | undefined;
  readonly bigEndian: boolean;
}

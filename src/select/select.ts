import type { ElfFile, LoadSegment } from '../read/elf/types.js';
import { contentsSpans, fileOffsetAt, loadAddressAt, sectionLabel, sectionLoadRange, segmentFileRange, segmentLoadRange, structureSpans } from '../read/elf/model.js';
import { fewNames } from '../numbers.js';
import { chunkSize, MemoryImage, part, storedChunks, type ImageChunk } from '../image/memory-image.js';
import { clipSorted, firstEndingAfter, intersectSpans, mergeSpans, subtractSpans, type Span } from '../image/spans.js';
import type { FlashWindow } from '../windows/window.js';

/**
 * Why file bytes of a loadable segment are not programmed:
 * - `outside-windows`: they load outside every flash window (a RAM section with contents, ...);
 * - `elf-headers`: they are the ELF header or program header table that the linker swept into the segment;
 * - `padding`: no allocated section covers them (alignment fill between sections).
 */
export type DropReason = 'outside-windows' | 'elf-headers' | 'padding';

/** A range of load addresses [start, end) taken from one ELF segment or one piece of a HEX, S-record or BIN input. */
export interface SegmentRange {
  /** Where the range comes from, for reports: `segment 1`, `app.hex lines 3-40`, `app.bin`. */
  readonly origin: string;
  /** ELF inputs: the program header's index. */
  readonly segment?: number;
  readonly start: number;
  readonly end: number;
  /** Names of the allocated sections whose load addresses meet the range (ELF inputs). */
  readonly sections: readonly string[];
}

export interface DroppedRange extends SegmentRange {
  readonly reason: DropReason;
}

/** What a conversion keeps and drops, and the image it keeps. */
export interface Selection {
  readonly windows: readonly FlashWindow[];
  readonly image: MemoryImage;
  readonly kept: readonly SegmentRange[];
  readonly dropped: readonly DroppedRange[];
}

/**
 * Selects the bytes to program: each PT_LOAD's file bytes at their load address (p_paddr),
 * of those only the ones an allocated section with contents covers (all but the ELF and
 * program headers when the file has no section headers at all), and of those only the ones inside the
 * union of the windows. Everything else is listed in `dropped`.
 *
 * Throws LayoutError when two segments put different bytes at one address.
 */
export function selectFlashBytes(elf: ElfFile, windows: readonly FlashWindow[]): Selection {
  // Touching windows (FLASH + IDFLASH) merge into one span, so a section may cross their border.
  const spans = mergeSpans(windows);
  const firmware = contentsSpans(elf);
  const headers = structureSpans(elf);
  const pieces: ImageChunk[] = [];
  const kept: SegmentRange[] = [];
  const dropped: DroppedRange[] = [];

  for (const segment of elf.loadSegments) {
    if (segment.fileSize === 0) continue;
    const placed = new Placements(segment);
    const toLma = (offset: number) => loadAddressAt(segment, offset);
    const describe = (start: number, end: number) => ({ origin: `segment ${segment.index}`, segment: segment.index, start, end, sections: placed.meeting(start, end) });

    const whole = [segmentLoadRange(segment)];
    const inside = intersectSpans(whole, spans);
    const outside = subtractSpans(whole, spans);
    for (const range of outside) dropped.push({ ...describe(range.start, range.end), reason: 'outside-windows' });

    const segmentFile = segmentFileRange(segment);
    const programmed = clipSorted(firmware, segmentFile);
    for (const gap of subtractSpans([segmentFile], programmed)) {
      for (const part of intersectSpans([gap], headers)) {
        pushInside(dropped, inside, toLma(part.start), toLma(part.end), (s, e) => ({ ...describe(s, e), reason: 'elf-headers' as const }));
      }
      for (const part of subtractSpans([gap], headers)) {
        pushInside(dropped, inside, toLma(part.start), toLma(part.end), (s, e) => ({ ...describe(s, e), reason: 'padding' as const }));
      }
    }
    for (const part of programmed) {
      pushInside(kept, inside, toLma(part.start), toLma(part.end), (s, e) => describe(s, e));
    }
  }
  const segments = new Map(elf.loadSegments.map((s) => [s.index, s]));
  for (const range of kept) {
    const segment = range.segment === undefined ? undefined : segments.get(range.segment);
    if (!segment) continue;
    // Read when a writer or check uses them, not here: an image streamed out never sits in memory whole.
    const origin = `segment ${range.segment}` + (range.sections.length ? ` (${fewNames(range.sections)})` : '');
    pieces.push(...storedChunks(elf.source, fileOffsetAt(segment, range.start), range.start, range.end - range.start, origin));
  }
  dropped.sort((a, b) => (a.segment ?? 0) - (b.segment ?? 0) || a.start - b.start);
  return { windows, image: MemoryImage.from(pieces), kept, dropped };
}

/**
 * Selects the bytes of an input that already is a memory image (HEX, S-record, BIN): every
 * piece's bytes inside the union of the windows are kept, the rest is dropped as
 * `outside-windows`. Throws LayoutError when two pieces put different bytes at one address.
 */
export function selectPieces(pieces: readonly ImageChunk[], windows: readonly FlashWindow[]): Selection {
  const spans = mergeSpans(windows);
  const keptPieces: ImageChunk[] = [];
  const kept: SegmentRange[] = [];
  const dropped: DroppedRange[] = [];
  const drop = (piece: ImageChunk, start: number, end: number): void => {
    dropped.push({ origin: piece.origin, start, end, sections: [], reason: 'outside-windows' });
  };
  for (const piece of pieces) {
    const end = piece.address + chunkSize(piece);
    if (insideOne(spans, piece.address, end)) {
      // The common case of an image input: the whole piece is kept as it is.
      kept.push({ origin: piece.origin, start: piece.address, end, sections: [] });
      keptPieces.push(piece);
      continue;
    }
    let cursor = piece.address;
    // A binary search among the windows per piece, not a pass over all of them.
    for (const range of clipSorted(spans, { start: piece.address, end })) {
      if (range.start > cursor) drop(piece, cursor, range.start);
      kept.push({ origin: piece.origin, start: range.start, end: range.end, sections: [] });
      keptPieces.push(part(piece, range.start, range.end));
      cursor = range.end;
    }
    if (cursor < end) drop(piece, cursor, end);
  }
  return { windows, image: MemoryImage.from(keptPieces), kept, dropped };
}

/** Whether one of the sorted, disjoint spans holds all of [start, end): a binary search. */
function insideOne(sorted: readonly Span[], start: number, end: number): boolean {
  const span = sorted[firstEndingAfter(sorted, start)];
  return span !== undefined && span.start <= start && end <= span.end;
}

/**
 * The segment's allocated sections at their load addresses, as BFD computes them, sorted by
 * start under a tree of the highest end in each stretch, so that asking which sections meet a
 * range costs a binary search plus log n per section found, not a scan of all of them. (A
 * running maximum of ends was not enough: one NOBITS section over all the others made every
 * question scan them all, 16,000 sections cost 2 s.)
 */
class Placements {
  private readonly placed: { name: string; start: number; end: number }[];
  /** A segment tree over `placed`: node k covers its children 2k and 2k + 1; leaves from `leaves`. */
  private readonly maxEnd: number[];
  private readonly leaves: number;

  constructor(segment: LoadSegment) {
    this.placed = segment.sections
      .map((s) => ({ name: sectionLabel(s), ...sectionLoadRange(segment, s) }))
      .filter((p) => p.end > p.start)
      .sort((a, b) => a.start - b.start);
    let leaves = 1;
    while (leaves < this.placed.length) leaves *= 2;
    this.leaves = leaves;
    this.maxEnd = new Array<number>(2 * leaves).fill(-Infinity);
    this.placed.forEach((p, i) => (this.maxEnd[leaves + i] = p.end));
    for (let k = leaves - 1; k >= 1; k--) this.maxEnd[k] = Math.max(this.maxEnd[2 * k] as number, this.maxEnd[2 * k + 1] as number);
  }

  /** Names of the non-empty sections that meet [start, end), in address order. */
  meeting(start: number, end: number): string[] {
    let low = 0;
    let high = this.placed.length;
    while (low < high) {
      const mid = Math.floor((low + high) / 2);
      if ((this.placed[mid] as { start: number }).start < end) low = mid + 1;
      else high = mid;
    }
    // Among placed[0, low) (those starting before `end`), the ones ending after `start`:
    // a walk down the tree that leaves out every stretch ending at or before `start`.
    const names: string[] = [];
    const stack: [node: number, first: number, size: number][] = [[1, 0, this.leaves]];
    while (stack.length > 0) {
      const [node, first, size] = stack.pop() as [number, number, number];
      if (first >= low || (this.maxEnd[node] as number) <= start) continue;
      if (size === 1) {
        names.push((this.placed[first] as { name: string }).name);
        continue;
      }
      const half = size / 2;
      stack.push([2 * node + 1, first + half, half], [2 * node, first, half]);
    }
    return names;
  }
}

/** Adds the parts of [start, end) that lie inside `inside` to `list`. */
function pushInside<T>(list: T[], inside: readonly Span[], start: number, end: number, make: (start: number, end: number) => T): void {
  for (const part of intersectSpans([{ start, end }], inside)) list.push(make(part.start, part.end));
}

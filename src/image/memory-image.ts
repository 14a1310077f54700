import { LayoutError } from '../errors.js';
import { hex32, rangeText } from '../numbers.js';
import type { Span } from './spans.js';

/** Bytes to program at `address`, and where they came from (`segment 1`, an input file, ...). */
export interface ImageChunk {
  readonly address: number;
  readonly bytes: Uint8Array;
  readonly origin: string;
}

/**
 * A sparse flash image: chunks of bytes at addresses, sorted and never overlapping.
 * Chunks are zero-copy views of the input; nothing is laid out densely over the address span.
 */
export class MemoryImage {
  private constructor(readonly chunks: readonly ImageChunk[]) {}

  /**
   * Builds an image from pieces in any order. Where two pieces cover the same address with
   * the same bytes, the bytes appear once; with different bytes it throws LayoutError naming
   * both origins and the address.
   */
  static from(pieces: readonly ImageChunk[]): MemoryImage {
    const sorted = pieces.filter((p) => p.bytes.length > 0).sort((a, b) => a.address - b.address);
    const chunks: ImageChunk[] = [];
    for (const piece of sorted) {
      const last = chunks[chunks.length - 1];
      const lastEnd = last ? last.address + last.bytes.length : 0;
      if (!last || lastEnd <= piece.address) {
        chunks.push(piece);
        continue;
      }
      // Sorted by start and disjoint so far: only the last chunk can reach into this piece.
      const overlapEnd = Math.min(lastEnd, piece.address + piece.bytes.length);
      const ours = piece.bytes.subarray(0, overlapEnd - piece.address);
      const theirs = last.bytes.subarray(piece.address - last.address, overlapEnd - last.address);
      const differsAt = ours.findIndex((b, i) => b !== theirs[i]);
      if (differsAt >= 0) {
        throw new LayoutError(
          `${last.origin} and ${piece.origin} put different bytes at ${hex32(piece.address + differsAt)} ` +
            `(they overlap at ${rangeText(piece.address, overlapEnd)})`,
        );
      }
      if (piece.address + piece.bytes.length > lastEnd) {
        chunks.push({ address: lastEnd, bytes: piece.bytes.subarray(lastEnd - piece.address), origin: piece.origin });
      }
    }
    return new MemoryImage(chunks);
  }

  /** Total bytes to program. */
  get size(): number {
    return this.chunks.reduce((sum, c) => sum + c.bytes.length, 0);
  }

  get isEmpty(): boolean {
    return this.chunks.length === 0;
  }

  /** Lowest address with a byte; undefined for an empty image. */
  get start(): number | undefined {
    return this.chunks[0]?.address;
  }

  /** One past the highest address with a byte; undefined for an empty image. */
  get end(): number | undefined {
    const last = this.chunks[this.chunks.length - 1];
    return last ? last.address + last.bytes.length : undefined;
  }

  /** The contiguous runs of bytes, [start, end), in address order; touching chunks form one run. */
  ranges(): Span[] {
    return this.runs().map((run) => ({ start: run.start, end: run.end }));
  }

  /** The contiguous runs with the chunks that make each one up. */
  runs(): { start: number; end: number; chunks: ImageChunk[] }[] {
    const runs: { start: number; end: number; chunks: ImageChunk[] }[] = [];
    for (const chunk of this.chunks) {
      const last = runs[runs.length - 1];
      const end = chunk.address + chunk.bytes.length;
      if (last && last.end === chunk.address) {
        last.end = end;
        last.chunks.push(chunk);
      } else {
        runs.push({ start: chunk.address, end, chunks: [chunk] });
      }
    }
    return runs;
  }

  /** The part of the image inside [start, end), sharing the bytes. */
  slice(start: number, end: number): MemoryImage {
    const chunks: ImageChunk[] = [];
    for (const c of this.chunks) {
      const from = Math.max(start, c.address);
      const to = Math.min(end, c.address + c.bytes.length);
      if (from < to) chunks.push({ ...c, address: from, bytes: c.bytes.subarray(from - c.address, to - c.address) });
    }
    return new MemoryImage(chunks);
  }

  /** Number of bytes inside [start, end). */
  bytesIn(start: number, end: number): number {
    return this.slice(start, end).size;
  }

  /** A copy of the bytes in [start, end); throws LayoutError where the image has a hole there. */
  read(start: number, end: number): Uint8Array {
    const out = new Uint8Array(end - start);
    let filled = 0;
    for (const c of this.slice(start, end).chunks) {
      if (c.address !== start + filled) break;
      out.set(c.bytes, filled);
      filled += c.bytes.length;
    }
    if (filled !== out.length) throw new LayoutError(`the image has no byte at ${hex32(start + filled)}`);
    return out;
  }

  /** The image with [address, address + bytes.length) replaced by `bytes`. */
  overwrite(address: number, bytes: Uint8Array, origin: string): MemoryImage {
    const end = address + bytes.length;
    const kept = this.chunks.flatMap((c) => {
      const cEnd = c.address + c.bytes.length;
      if (cEnd <= address || c.address >= end) return [c];
      const parts: ImageChunk[] = [];
      if (c.address < address) parts.push({ ...c, bytes: c.bytes.subarray(0, address - c.address) });
      if (cEnd > end) parts.push({ ...c, address: end, bytes: c.bytes.subarray(end - c.address) });
      return parts;
    });
    return MemoryImage.from([...kept, { address, bytes, origin }]);
  }
}

import { LayoutError } from '../errors.js';
import { hex32, hex8 } from '../numbers.js';
import type { ByteSource } from '../byte-source.js';
import type { Span } from './spans.js';

/** Bytes to program at `address`, and where they came from (`segment 1`, an input file, ...). */
export interface ImageChunk {
  readonly address: number;
  /**
   * The bytes. A chunk of an ELF input stays in the input until used (storedChunks): each access
   * reads it again, so read it once and keep the array; its size is chunkSize(chunk).
   */
  readonly bytes: Uint8Array;
  readonly origin: string;
  /** Text inputs: the line of each record in the chunk, so that a conflict can name the one line. */
  readonly lines?: RecordLines | undefined;
}

/**
 * Where the records of a text input (Intel HEX, S-record) are, in runs: `addresses` ascending,
 * run i starts at `addresses[i]` on line `numbers[i]` of `file` and holds records of
 * `lengths[i]` bytes each, one a line, up to the next run (so a file of 16-byte records on
 * consecutive lines costs one entry per 64 KiB, not one per record). Keyed by address, not
 * offset, so that a chunk cut by `subarray` keeps a valid table.
 */
export interface RecordLines {
  readonly file: string;
  readonly addresses: readonly number[];
  readonly numbers: readonly number[];
  readonly lengths: readonly number[];
}

/** Bytes a chunk read from its input holds at most (storedChunks): what one access of its `bytes` reads. */
export const STORED_PIECE = 1 << 20;

/**
 * A chunk whose bytes stay in the input until a writer or a check uses them: each access of
 * `bytes` reads them from the source (a zero-copy view for an input in memory), so that an image
 * streamed out to a file never sits in memory whole. Its size is known without a read. A spread
 * copy (`{ ...chunk }`) reads the bytes and is a plain chunk: right, only no longer lazy.
 */
class StoredChunk implements ImageChunk {
  declare readonly bytes: Uint8Array;
  readonly #source: ByteSource;
  readonly #offset: number;
  readonly #size: number;

  constructor(
    readonly address: number,
    size: number,
    readonly origin: string,
    source: ByteSource,
    offset: number,
  ) {
    this.#source = source;
    this.#offset = offset;
    this.#size = size;
    Object.defineProperty(this, 'bytes', { enumerable: true, get: () => this.read() });
  }

  /** Reads the bytes (into `into` when given: see readChunk). */
  read(into?: Uint8Array): Uint8Array {
    return this.#source.read(this.#offset, this.#size, into);
  }

  get size(): number {
    return this.#size;
  }

  /** The part at [start, end), still unread, with `origin`. */
  part(start: number, end: number, origin = this.origin): StoredChunk {
    return new StoredChunk(start, end - start, origin, this.#source, this.#offset + (start - this.address));
  }
}

/**
 * The `size` bytes at `offset` of `source`, to load at `address`, as chunks read only when used,
 * cut at multiples of STORED_PIECE in the address space (so 16-byte records never straddle a cut).
 */
export function storedChunks(source: ByteSource, offset: number, address: number, size: number, origin: string): ImageChunk[] {
  const chunks: ImageChunk[] = [];
  for (let at = address, end = address + size; at < end; ) {
    const next = Math.min(end, (Math.floor(at / STORED_PIECE) + 1) * STORED_PIECE);
    chunks.push(new StoredChunk(at, next - at, origin, source, offset + (at - address)));
    at = next;
  }
  return chunks;
}

/** Bytes in the chunk, without reading a stored chunk's bytes. */
export function chunkSize(chunk: ImageChunk): number {
  return chunk instanceof StoredChunk ? chunk.size : chunk.bytes.length;
}

/** Where the byte at `address` of `chunk` came from: `app.hex line 4`, or the chunk's origin. */
export function originAt(chunk: ImageChunk, address: number): string {
  const place = recordAt(chunk, address);
  return place ? `${place.file}:${place.line}` : chunk.origin;
}

/** The file and line of the record that put the byte at `address`, for a chunk read from a record file. */
function recordAt(chunk: ImageChunk, address: number): { file: string; line: number } | undefined {
  const lines = chunk.lines;
  if (!lines) return undefined;
  const i = lastAtOrBelow(lines.addresses.length, (k) => lines.addresses[k] as number, address);
  if (i < 0) return undefined;
  const record = Math.floor((address - (lines.addresses[i] as number)) / (lines.lengths[i] as number));
  return { file: lines.file, line: (lines.numbers[i] as number) + record };
}

/**
 * A sparse flash image: chunks of bytes at addresses, sorted and never overlapping.
 * Chunks are zero-copy views of the input; nothing is laid out densely over the address span.
 */
export class MemoryImage {
  private constructor(readonly chunks: readonly ImageChunk[]) {}

  /**
   * Builds an image from pieces in any order. Where pieces cover the same address with the same
   * byte, it appears once (from the piece that starts first); where any two pieces put different
   * bytes at one address, it throws LayoutError naming both origins, the lowest such address and
   * the two bytes. Cost: a sort, plus one comparison per byte that more than one piece covers.
   */
  static from(pieces: readonly ImageChunk[]): MemoryImage {
    const sorted = pieces.filter((p) => chunkSize(p) > 0).sort((a, b) => a.address - b.address);
    const chunks: ImageChunk[] = [];
    let conflict: { at: number; first: ImageChunk; second: ImageChunk } | undefined;
    for (const piece of sorted) {
      const pieceEnd = endOf(piece);
      const last = chunks[chunks.length - 1];
      const coveredEnd = last ? endOf(last) : 0;
      // Every piece so far starts at or below this one, so what they cover from here on is the one
      // run [piece.address, coveredEnd): compare the piece with each chunk of that run it meets.
      const compareEnd = Math.min(pieceEnd, coveredEnd, conflict?.at ?? Infinity);
      const from = lastAtOrBelow(chunks.length, (k) => endOf(chunks[k] as ImageChunk) - 1, piece.address - 1) + 1;
      for (let k = from; k < chunks.length; k++) {
        const chunk = chunks[k] as ImageChunk;
        if (chunk.address >= compareEnd) break;
        const at = firstDifference(chunk, piece, Math.max(chunk.address, piece.address), Math.min(endOf(chunk), compareEnd));
        if (at !== undefined) {
          conflict = { at, first: chunk, second: piece };
          break;
        }
      }
      if (pieceEnd > coveredEnd) {
        const start = Math.max(coveredEnd, piece.address);
        chunks.push(start === piece.address ? piece : part(piece, start, pieceEnd));
      }
    }
    if (conflict) {
      const { at, first, second } = conflict;
      // A record file's line is the error's place (`fc.hex:9: error: ...`), and the message names the other.
      const [here, there] = recordAt(second, at) || !recordAt(first, at) ? [second, first] : [first, second];
      const place = recordAt(here, at);
      if (place) throw new LayoutError(`different bytes at ${hex32(at)}: ${hex8(byteAt(here, at))} here, ${hex8(byteAt(there, at))} at ${originAt(there, at)}`, { ...place, related: recordAt(there, at) });
      throw new LayoutError(`${originAt(first, at)} and ${originAt(second, at)} put different bytes at ${hex32(at)} (${hex8(byteAt(first, at))} and ${hex8(byteAt(second, at))})`);
    }
    return new MemoryImage(chunks);
  }

  /** Total bytes to program. */
  get size(): number {
    return this.chunks.reduce((sum, c) => sum + chunkSize(c), 0);
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
    return last ? endOf(last) : undefined;
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
      const end = endOf(chunk);
      if (last && last.end === chunk.address) {
        last.end = end;
        last.chunks.push(chunk);
      } else {
        runs.push({ start: chunk.address, end, chunks: [chunk] });
      }
    }
    return runs;
  }

  /** The part of the image inside [start, end), sharing the bytes. Binary search: O(log chunks) plus the chunks inside. */
  slice(start: number, end: number): MemoryImage {
    const chunks: ImageChunk[] = [];
    for (let k = this.firstEndingAfter(start); k < this.chunks.length; k++) {
      const c = this.chunks[k] as ImageChunk;
      if (c.address >= end) break;
      const from = Math.max(start, c.address);
      const to = Math.min(end, endOf(c));
      if (from < to) chunks.push(from === c.address && to === endOf(c) ? c : part(c, from, to));
    }
    return new MemoryImage(chunks);
  }

  /** Number of bytes inside [start, end); O(log chunks) plus the chunks inside. */
  bytesIn(start: number, end: number): number {
    let sum = 0;
    for (let k = this.firstEndingAfter(start); k < this.chunks.length; k++) {
      const c = this.chunks[k] as ImageChunk;
      if (c.address >= end) break;
      sum += Math.max(0, Math.min(end, endOf(c)) - Math.max(start, c.address));
    }
    return sum;
  }

  /** The index of the first chunk that ends above `address` (chunks.length if none does). */
  private firstEndingAfter(address: number): number {
    return lastAtOrBelow(this.chunks.length, (k) => endOf(this.chunks[k] as ImageChunk), address) + 1;
  }

  /** A copy of the bytes in [start, end); throws LayoutError where the image has a hole there. */
  read(start: number, end: number): Uint8Array {
    const out = new Uint8Array(end - start);
    let filled = 0;
    for (const c of this.slice(start, end).chunks) {
      if (c.address !== start + filled) break;
      const bytes = c.bytes;
      out.set(bytes, filled);
      filled += bytes.length;
    }
    if (filled !== out.length) throw new LayoutError(`the image has no byte at ${hex32(start + filled)}`);
    return out;
  }

  /** The image with [address, address + bytes.length) replaced by `bytes`. */
  overwrite(address: number, bytes: Uint8Array, origin: string): MemoryImage {
    return this.overlaidWith(MemoryImage.from([{ address, bytes, origin }]));
  }

  /**
   * This image with `top`'s bytes wherever `top` has any: `top`'s chunks, and the parts of this
   * image's chunks outside them. Linear in the two images' chunks.
   */
  overlaidWith(top: MemoryImage): MemoryImage {
    const over = top.chunks;
    const out: ImageChunk[] = [];
    let j = 0;
    for (const chunk of this.chunks) {
      const end = endOf(chunk);
      let cursor = chunk.address;
      while (j < over.length && endOf(over[j] as ImageChunk) <= cursor) j++;
      for (let k = j; k < over.length && (over[k] as ImageChunk).address < end; k++) {
        const cover = over[k] as ImageChunk;
        if (cover.address > cursor) out.push(part(chunk, cursor, cover.address));
        cursor = Math.max(cursor, endOf(cover));
      }
      if (cursor < end) out.push(part(chunk, cursor, end));
    }
    return MemoryImage.from([...out, ...over]);
  }
}

function endOf(chunk: ImageChunk): number {
  return chunk.address + chunkSize(chunk);
}

/** The part of `chunk` at [start, end), sharing its bytes (a stored chunk's part stays unread). */
export function part(chunk: ImageChunk, start: number, end: number): ImageChunk {
  if (chunk instanceof StoredChunk) return chunk.part(start, end);
  return { ...chunk, address: start, bytes: chunk.bytes.subarray(start - chunk.address, end - chunk.address) };
}

/**
 * The chunk's bytes. A stored chunk reads them: into `into` (STORED_PIECE bytes or more) when
 * given, and the array is then valid until the caller reads into `into` again. A chunk in memory
 * returns its own bytes.
 */
export function readChunk(chunk: ImageChunk, into?: Uint8Array): Uint8Array {
  return chunk instanceof StoredChunk ? chunk.read(into) : chunk.bytes;
}

/** `chunk` with another origin (a stored chunk stays unread). */
export function renamed(chunk: ImageChunk, origin: string): ImageChunk {
  return chunk instanceof StoredChunk ? chunk.part(chunk.address, chunk.address + chunk.size, origin) : { ...chunk, origin };
}

/** The bytes of `chunk` at [start, end): a view for a chunk in memory, one read of just them for a stored one. */
export function readPart(chunk: ImageChunk, start: number, end: number): Uint8Array {
  if (chunk instanceof StoredChunk) return chunk.part(start, end).bytes;
  return chunk.bytes.subarray(start - chunk.address, end - chunk.address);
}

function byteAt(chunk: ImageChunk, address: number): number {
  return readPart(chunk, address, address + 1)[0] as number;
}

/** The lowest address in [start, end) where the two chunks' bytes differ, if any. */
function firstDifference(a: ImageChunk, b: ImageChunk, start: number, end: number): number | undefined {
  const x = readPart(a, start, end);
  const y = readPart(b, start, end);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return start + i;
  return undefined;
}

/** Binary search over `length` ascending values: the last index whose value is <= `limit`, or -1. */
function lastAtOrBelow(length: number, value: (index: number) => number, limit: number): number {
  let low = 0;
  let high = length;
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    if (value(mid) <= limit) low = mid + 1;
    else high = mid;
  }
  return low - 1;
}

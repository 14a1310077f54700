import { ChunkPool, type LineEnding } from './format.js';
import type { ImageChunk, MemoryImage } from '../image/memory-image.js';
import { HIGH_DIGIT, LOW_DIGIT } from '../hex-digits.js';

const CHUNK_SIZE = 1 << 20;
/** Longer than any record line: Intel HEX `:` + 2 * (4 + 255 + 1) digits + CRLF is 523 bytes. */
const MAX_LINE = 530;
/** The most lines a writer adds between two calls of `takeIfFull`. */
const LINES_PER_STEP = 4;

/**
 * The four ASCII digits of every pair of bytes (index: first byte * 256 + second), as one
 * little-endian 32-bit store: two bytes per table look-up and store encode over three times
 * as fast as one digit at a time. 256 KiB, built on first use.
 */
let pairDigits: Uint32Array | undefined;
function digitsOfPairs(): Uint32Array {
  if (!pairDigits) {
    pairDigits = new Uint32Array(0x10000);
    // The second byte's digits, in the upper half: one add per entry keeps the build under a millisecond.
    const upper = Float64Array.from({ length: 256 }, (_, b) => (HIGH_DIGIT[b] as number) * 0x10000 + (LOW_DIGIT[b] as number) * 0x1000000);
    for (let first = 0; first < 256; first++) {
      const low = (HIGH_DIGIT[first] as number) + (LOW_DIGIT[first] as number) * 0x100;
      const row = first * 256;
      for (let second = 0; second < 256; second++) pairDigits[row + second] = low + (upper[second] as number);
    }
  }
  return pairDigits;
}

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

const EMPTY_VIEW = new DataView(new ArrayBuffer(0));

/**
 * The lines of a text record format (Intel HEX, S-record), built into 1 MiB chunks so that
 * a large file never sits in memory whole; a chunk the consumer gives back is filled again
 * (ChunkPool). Upper-case digits; CRLF line ends unless `lf`.
 */
export class RecordLines {
  private readonly pool = new ChunkPool(CHUNK_SIZE);
  private readonly pairs = digitsOfPairs();
  private readonly crlf: boolean;
  private out: Uint8Array;
  private view: DataView;
  private at = 0;

  constructor(eol: LineEnding | undefined) {
    this.crlf = eol !== 'lf';
    this.out = this.pool.take();
    this.view = viewOf(this.out);
  }

  /**
   * Appends one line: the ASCII `prefix`, then `fields` (byte values) and the data bytes
   * [from, from + length) of `data` as hex digits, then `checksum(sum of fields and data)`
   * as two digits, then the line end.
   */
  line(prefix: readonly number[], fields: readonly number[], data: DataView, from: number, length: number, checksum: (sum: number) => number): void {
    const out = this.out;
    const view = this.view;
    const pairs = this.pairs;
    let at = this.at;
    let sum = 0;
    for (let k = 0; k < prefix.length; k++) out[at++] = prefix[k] as number;
    for (let k = 0; k < fields.length; k++) {
      const b = fields[k] as number;
      out[at] = HIGH_DIGIT[b] as number;
      out[at + 1] = LOW_DIGIT[b] as number;
      at += 2;
      sum += b;
    }
    // Four data bytes at a time, read big-endian so that each half indexes the pair table in
    // byte order; the digits go out little-endian. The byte sum is kept in two 16-bit lanes
    // (bytes 0+2 and 1+3 of each quad), which cannot overflow within 255 bytes.
    const end = from + length;
    const quadsEnd = end - (length % 4);
    let lanes = 0;
    let i = from;
    for (; i < quadsEnd; i += 4) {
      const quad = data.getUint32(i, false);
      view.setUint32(at, pairs[quad >>> 16] as number, true);
      view.setUint32(at + 4, pairs[quad & 0xffff] as number, true);
      at += 8;
      lanes += (quad & 0x00ff00ff) + ((quad >>> 8) & 0x00ff00ff);
    }
    sum += (lanes & 0xffff) + (lanes >>> 16);
    for (; i < end; i++) {
      const b = data.getUint8(i);
      out[at] = HIGH_DIGIT[b] as number;
      out[at + 1] = LOW_DIGIT[b] as number;
      at += 2;
      sum += b;
    }
    const check = checksum(sum);
    out[at] = HIGH_DIGIT[check] as number;
    out[at + 1] = LOW_DIGIT[check] as number;
    at += 2;
    if (this.crlf) out[at++] = 0x0d;
    out[at++] = 0x0a;
    this.at = at;
  }

  /**
   * The lines so far, to hand out, once the buffer has no room for another step of up to
   * four lines; undefined while there is room. Call it before each step.
   */
  takeIfFull(): Uint8Array | undefined {
    return this.at > CHUNK_SIZE - LINES_PER_STEP * MAX_LINE ? this.take() : undefined;
  }

  /** The lines written since the last take. */
  take(): Uint8Array {
    const lines = this.out.subarray(0, this.at);
    this.out = this.pool.take();
    this.view = viewOf(this.out);
    this.at = 0;
    return lines;
  }

  /** Takes back a chunk the consumer has finished with (what it passed to `next()`), to fill again. */
  giveBack(chunk: unknown): void {
    this.pool.giveBack(chunk);
  }
}

/** A view of a small array of bytes, for the few records whose data a writer builds itself. */
export function recordData(bytes: readonly number[]): DataView {
  return viewOf(Uint8Array.from(bytes));
}

/**
 * Cuts every contiguous run of the image into records of `recordLength` bytes, shorter only
 * at the end of a run or before a multiple of `boundary` (Intel HEX: 64 KiB), which no
 * record crosses. A cursor rather than a generator: one object, no allocation per record.
 * The current record is bytes [from, from + length) of `data`, valid until the next `next()`.
 */
export class DataRecords {
  data: DataView<ArrayBufferLike> = EMPTY_VIEW;
  from = 0;
  length = 0;

  private readonly runs: { start: number; end: number; chunks: ImageChunk[] }[];
  private readonly scratch: Uint8Array;
  private readonly scratchView: DataView<ArrayBufferLike>;
  private run = -1;
  private runStart = 0;
  private runLength = 0;
  // Positions count from the run's start, so that they stay small integers to the engine
  // (addresses from 0x80000000 up are not).
  private pos = 0;
  private recordPos = 0;
  private chunks: readonly ImageChunk[] = [];
  private chunk = 0;
  private chunkStart = 0;
  private chunkEnd = 0;
  private chunkView: DataView<ArrayBufferLike> = EMPTY_VIEW;

  constructor(
    image: MemoryImage,
    private readonly recordLength: number,
    private readonly boundary = Number.POSITIVE_INFINITY,
  ) {
    this.runs = image.runs();
    this.scratch = new Uint8Array(recordLength);
    this.scratchView = viewOf(this.scratch);
  }

  /**
   * Address of the current record's first byte. Computed on demand, not stored: a field
   * holding addresses from 0x80000000 up would box a new number for every record.
   */
  get address(): number {
    return this.runStart + this.recordPos;
  }

  /** Moves to the next record; false after the last one. */
  next(): boolean {
    while (this.pos >= this.runLength) {
      const run = this.runs[++this.run];
      if (!run) return false;
      this.runStart = run.start;
      this.runLength = run.end - run.start;
      this.pos = 0;
      this.chunks = run.chunks;
      this.chunk = -1;
      this.chunkEnd = 0;
    }
    const address = this.runStart + this.pos;
    const toBoundary = Number.isFinite(this.boundary) ? this.boundary - (address % this.boundary) : Number.POSITIVE_INFINITY;
    // At most recordLength (255): `| 0` only tells the engine it is a small integer even when
    // the address arithmetic above was not, which keeps the encoder's data loop fast.
    const length = Math.min(this.recordLength, this.runLength - this.pos, toBoundary) | 0;
    while (this.pos >= this.chunkEnd) {
      const bytes = (this.chunks[++this.chunk] as ImageChunk).bytes;
      this.chunkStart = this.chunkEnd;
      this.chunkEnd += bytes.length;
      this.chunkView = viewOf(bytes);
    }
    if (this.pos + length <= this.chunkEnd) {
      this.data = this.chunkView;
      this.from = this.pos - this.chunkStart;
    } else {
      this.gather(length);
      this.data = this.scratchView;
      this.from = 0;
    }
    this.recordPos = this.pos;
    this.length = length;
    this.pos += length;
    return true;
  }

  /** Copies a record that spans chunks into the scratch buffer, from the current chunk on. */
  private gather(length: number): void {
    let filled = 0;
    for (let i = this.chunk, start = this.pos - this.chunkStart; filled < length; i++, start = 0) {
      const bytes = (this.chunks[i] as ImageChunk).bytes;
      const part = bytes.subarray(start, Math.min(bytes.length, start + length - filled));
      this.scratch.set(part, filled);
      filled += part.length;
    }
  }
}

import type { LineEnding } from '../formats/format.js';
import type { ImageChunk, MemoryImage } from '../image/memory-image.js';
import { HIGH_DIGIT, LOW_DIGIT } from './hex-digits.js';

const CHUNK_SIZE = 1 << 20;
/** Longer than any record line: Intel HEX `:` + 2 * (4 + 255 + 1) digits + CRLF is 523 bytes. */
const MAX_LINE = 530;
/** The most lines a writer adds between two calls of `takeIfFull`. */
const LINES_PER_STEP = 4;

/**
 * The lines of a text record format (Intel HEX, S-record), built into 1 MiB chunks so that
 * a large file never sits in memory whole. Upper-case digits; CRLF line ends unless `lf`.
 */
export class RecordLines {
  private out = new Uint8Array(CHUNK_SIZE);
  private at = 0;
  private readonly eol: readonly number[];

  constructor(eol: LineEnding | undefined) {
    this.eol = eol === 'lf' ? [0x0a] : [0x0d, 0x0a];
  }

  /**
   * Appends one line: the ASCII `prefix`, then `fields` (byte values) and `data` as hex
   * digits, then `checksum(sum of fields and data)` as two digits, then the line end.
   */
  line(prefix: readonly number[], fields: readonly number[], data: Uint8Array, checksum: (sum: number) => number): void {
    const out = this.out;
    let at = this.at;
    let sum = 0;
    for (const c of prefix) out[at++] = c;
    for (const b of fields) {
      out[at] = HIGH_DIGIT[b] as number;
      out[at + 1] = LOW_DIGIT[b] as number;
      at += 2;
      sum += b;
    }
    for (let i = 0; i < data.length; i++) {
      const b = data[i] as number;
      out[at] = HIGH_DIGIT[b] as number;
      out[at + 1] = LOW_DIGIT[b] as number;
      at += 2;
      sum += b;
    }
    const check = checksum(sum);
    out[at] = HIGH_DIGIT[check] as number;
    out[at + 1] = LOW_DIGIT[check] as number;
    at += 2;
    for (const c of this.eol) out[at++] = c;
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
    this.out = new Uint8Array(CHUNK_SIZE);
    this.at = 0;
    return lines;
  }
}

/** One data record's worth of an image: `data` is valid only until the next record is produced. */
export interface RecordData {
  readonly address: number;
  readonly data: Uint8Array;
}

/**
 * Cuts every contiguous run of the image into records of `recordLength` bytes, shorter only
 * at the end of a run or before a multiple of `boundary` (Intel HEX: 64 KiB), which no
 * record crosses.
 */
export function* dataRecords(image: MemoryImage, recordLength: number, boundary = Number.POSITIVE_INFINITY): Generator<RecordData> {
  const scratch = new Uint8Array(recordLength);
  for (const run of image.runs()) {
    const reader = new RunReader(run.chunks, scratch);
    for (let address = run.start; address < run.end; ) {
      const nextBoundary = Number.isFinite(boundary) ? (Math.floor(address / boundary) + 1) * boundary : Number.POSITIVE_INFINITY;
      const length = Math.min(recordLength, run.end - address, nextBoundary - address);
      yield { address, data: reader.take(address, length) };
      address += length;
    }
  }
}

/**
 * Hands out consecutive slices of a contiguous run made of several chunks: a view into one
 * chunk, or a copy into `scratch` when a record spans two chunks.
 */
class RunReader {
  private index = 0;

  constructor(
    private readonly chunks: readonly ImageChunk[],
    private readonly scratch: Uint8Array,
  ) {}

  take(address: number, length: number): Uint8Array {
    let chunk = this.chunks[this.index] as ImageChunk;
    while (address >= chunk.address + chunk.bytes.length) chunk = this.chunks[++this.index] as ImageChunk;
    const from = address - chunk.address;
    if (from + length <= chunk.bytes.length) return chunk.bytes.subarray(from, from + length);
    let filled = 0;
    for (let i = this.index; filled < length; i++) {
      const c = this.chunks[i] as ImageChunk;
      const start = address + filled - c.address;
      const part = c.bytes.subarray(start, Math.min(c.bytes.length, start + length - filled));
      this.scratch.set(part, filled);
      filled += part.length;
    }
    return this.scratch.subarray(0, length);
  }
}

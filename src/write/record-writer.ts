import { ChunkPool, type LineEnding } from './format.js';
import { chunkSize, readChunk, readPart, STORED_PIECE, type ImageChunk, type MemoryImage } from '../image/memory-image.js';
import { HIGH_DIGIT, LOW_DIGIT } from '../hex-digits.js';

const CHUNK_SIZE = 1 << 20;
/** Longer than any record line: Intel HEX `:` + 2 * (4 + 255 + 1) digits + CRLF is 523 bytes. */
const MAX_LINE = 530;

/**
 * The four ASCII digits of every pair of bytes (index: first byte * 256 + second), as one
 * little-endian 32-bit store: two bytes per table look-up and store encode over three times
 * as fast as one digit at a time. 256 KiB, built on first use, and only for images large
 * enough to repay building it (PAIR_TABLE_FROM).
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

/** Data bytes from which the pair table is built: below it, building the table costs more than it saves. */
const PAIR_TABLE_FROM = 256 * 1024;

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

const EMPTY_VIEW = new DataView(new ArrayBuffer(0));

/**
 * The shape every data record of one output file shares, so that a run of them can be encoded
 * in one loop: `prefix`, then the first field (the data length plus `lengthExtra`), the address
 * in `addressBytes` bytes, the `afterAddress` fields, the data, and `checksum(sum of all
 * fields and data bytes)`. Intel HEX: `:`, length, 16-bit offset, type 00; S-record: `S1`..`S3`,
 * count (address, data and checksum bytes), address.
 */
export interface DataRecordShape {
  readonly prefix: readonly number[];
  readonly lengthExtra: number;
  readonly addressBytes: 2 | 3 | 4;
  readonly afterAddress: readonly number[];
  readonly checksum: (sum: number) => number;
}

/**
 * The lines of a text record format (Intel HEX, S-record), built into 1 MiB chunks so that
 * a large file never sits in memory whole; a chunk the consumer gives back is filled again
 * (ChunkPool). Upper-case digits; CRLF line ends unless `lf`.
 */
export class RecordLines {
  private readonly pool = new ChunkPool(CHUNK_SIZE);
  private readonly pairs: Uint32Array | undefined;
  private readonly crlf: boolean;
  private out: Uint8Array;
  private view: DataView;
  private at = 0;

  /** `dataBytes`: how many data bytes the file will hold, which decides whether the pair table pays. */
  constructor(eol: LineEnding | undefined, dataBytes: number) {
    this.crlf = eol !== 'lf';
    this.pairs = dataBytes >= PAIR_TABLE_FROM ? digitsOfPairs() : undefined;
    this.out = this.pool.take();
    this.view = viewOf(this.out);
  }

  /**
   * Appends one line: the ASCII `prefix`, then `fields` (byte values) and the data bytes
   * [from, from + length) of `data` as hex digits, then `checksum(sum of fields and data)`
   * as two digits, then the line end. For the few records that are not data, and for data
   * records too short to share a run's shape.
   */
  line(prefix: readonly number[], fields: readonly number[], data: DataView, from: number, length: number, checksum: (sum: number) => number): void {
    const out = this.out;
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
    this.at = at;
    this.finishLine(sum + this.digits(data, from, length), checksum);
  }

  /**
   * Appends up to `count` data records of `recordLength` bytes each, the k-th holding bytes
   * [from + k * recordLength, ...) of `data` at `address + k * recordLength`, and returns how
   * many fitted in the current chunk (then call `take`, and go on with the rest). The
   * caller keeps every address of the run within the shape's address field (Intel HEX: the
   * 64 KiB segment's offsets). One loop for the run, no call or allocation per record.
   */
  dataLines(shape: DataRecordShape, address: number, data: DataView, from: number, recordLength: number, count: number): number {
    const { prefix, afterAddress, addressBytes, checksum } = shape;
    const lineLength = prefix.length + 2 * (2 + addressBytes + afterAddress.length + recordLength) + (this.crlf ? 2 : 1);
    const fits = Math.min(count, Math.floor((CHUNK_SIZE - this.at) / lineLength));
    const first = shape.lengthExtra + recordLength;
    let fixedSum = first;
    for (let k = 0; k < afterAddress.length; k++) fixedSum += afterAddress[k] as number;
    // The address as two 16-bit halves: `| 0` makes them small integers to the engine even
    // from 0x80000000 up, so the arithmetic below stays integer (a float `%` is a library call).
    let high = Math.floor(address / 0x10000) | 0;
    let low = address % 0x10000 | 0;
    let at = this.at;
    const out = this.out;
    for (let record = 0; record < fits; record++) {
      for (let k = 0; k < prefix.length; k++) out[at++] = prefix[k] as number;
      out[at] = HIGH_DIGIT[first] as number;
      out[at + 1] = LOW_DIGIT[first] as number;
      at += 2;
      // S3 writes both halves, S2 the low byte of the upper half, HEX and S1 the lower half only.
      if (addressBytes === 4) at = this.word(at, high);
      else if (addressBytes === 3) at = this.byte(at, high);
      at = this.word(at, low);
      for (let k = 0; k < afterAddress.length; k++) at = this.byte(at, afterAddress[k] as number);
      this.at = at;
      const sum = fixedSum + (high >>> 8) + (high & 0xff) + (low >>> 8) + (low & 0xff);
      this.finishLine(sum + this.digits(data, from + record * recordLength, recordLength), checksum);
      at = this.at;
      low += recordLength;
      if (low >= 0x10000) {
        low -= 0x10000;
        high++;
      }
    }
    return fits;
  }

  /**
   * dataLines for a whole batch: hands out each chunk that fills up (and takes back what the
   * consumer returns) until all `count` records are written.
   */
  *dataRun(shape: DataRecordShape, address: number, data: DataView, from: number, recordLength: number, count: number): Generator<Uint8Array, void, unknown> {
    for (let done = 0; ; ) {
      done += this.dataLines(shape, address + done * recordLength, data, from + done * recordLength, recordLength, count - done);
      if (done === count) return;
      this.giveBack(yield this.take());
    }
  }

  /** Hands out the current chunk unless it has room for one more line of any kind. */
  *room(): Generator<Uint8Array, void, unknown> {
    if (this.at > CHUNK_SIZE - MAX_LINE) this.giveBack(yield this.take());
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

  /** Writes bytes [from, from + length) of `data` as digits at the write position; returns their sum. */
  private digits(data: DataView, from: number, length: number): number {
    const out = this.out;
    const view = this.view;
    const pairs = this.pairs;
    let at = this.at;
    let sum = 0;
    const end = from + length;
    let i = from;
    if (pairs) {
      // Four data bytes at a time, read big-endian so that each half indexes the pair table in
      // byte order; the digits go out little-endian. The byte sum is kept in two 16-bit lanes
      // (bytes 0+2 and 1+3 of each quad), which cannot overflow within 255 bytes.
      const quadsEnd = end - (length % 4);
      let lanes = 0;
      for (; i < quadsEnd; i += 4) {
        const quad = data.getUint32(i, false);
        view.setUint32(at, pairs[quad >>> 16] as number, true);
        view.setUint32(at + 4, pairs[quad & 0xffff] as number, true);
        at += 8;
        lanes += (quad & 0x00ff00ff) + ((quad >>> 8) & 0x00ff00ff);
      }
      sum = (lanes & 0xffff) + (lanes >>> 16);
    }
    for (; i < end; i++) {
      const b = data.getUint8(i);
      out[at] = HIGH_DIGIT[b] as number;
      out[at + 1] = LOW_DIGIT[b] as number;
      at += 2;
      sum += b;
    }
    this.at = at;
    return sum;
  }

  /** The checksum's two digits and the line end. */
  private finishLine(sum: number, checksum: (sum: number) => number): void {
    const out = this.out;
    let at = this.at;
    const check = checksum(sum);
    out[at] = HIGH_DIGIT[check] as number;
    out[at + 1] = LOW_DIGIT[check] as number;
    at += 2;
    if (this.crlf) out[at++] = 0x0d;
    out[at++] = 0x0a;
    this.at = at;
  }

  /** Two digits of the byte `b` at `at`; returns the position after them. */
  private byte(at: number, b: number): number {
    this.out[at] = HIGH_DIGIT[b] as number;
    this.out[at + 1] = LOW_DIGIT[b] as number;
    return at + 2;
  }

  /** Four digits of the 16-bit `value` at `at`; returns the position after them. */
  private word(at: number, value: number): number {
    if (this.pairs) {
      this.view.setUint32(at, this.pairs[value] as number, true);
      return at + 4;
    }
    return this.byte(this.byte(at, value >>> 8), value & 0xff);
  }
}

/** A view of a small array of bytes, for the few records whose data a writer builds itself. */
export function recordData(bytes: readonly number[]): DataView {
  return viewOf(Uint8Array.from(bytes));
}

/**
 * Cuts every contiguous run of the image into records of `recordLength` bytes, shorter only
 * at the end of a run or before a multiple of `boundary` (Intel HEX: 64 KiB), which no
 * record crosses, and hands them out in batches: `count` records of `length` bytes each,
 * bytes [from, from + count * length) of `data` from `address` on. A batch is either full
 * records that lie in one chunk of the image and before the next boundary, or one record
 * (a short one, or one that spans chunks, copied together). A cursor rather than a
 * generator: one object, no allocation per batch; the batch is valid until the next `next()`.
 */
export class DataRecords {
  data: DataView<ArrayBufferLike> = EMPTY_VIEW;
  from = 0;
  length = 0;
  count = 0;

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
  private chunkBytes: Uint8Array = new Uint8Array(0);
  /** Where a chunk that stays in the input is read, one at a time (readChunk). */
  private reading: Uint8Array | undefined;

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
   * Address of the batch's first byte. Computed on demand, not stored: a field holding
   * addresses from 0x80000000 up would box a new number for every batch.
   */
  get address(): number {
    return this.runStart + this.recordPos;
  }

  /** Moves to the next batch; false after the last one. */
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
    const room = Math.min(this.runLength - this.pos, toBoundary);
    // At most recordLength (255): `| 0` only tells the engine it is a small integer even when
    // the address arithmetic above was not, which keeps the encoder's data loop fast.
    const length = Math.min(this.recordLength, room) | 0;
    while (this.pos >= this.chunkEnd) {
      // The batch of the chunk before is done with: its bytes may be read over.
      const bytes = readChunk(this.chunks[++this.chunk] as ImageChunk, (this.reading ??= new Uint8Array(STORED_PIECE)));
      this.chunkBytes = bytes;
      this.chunkStart = this.chunkEnd;
      this.chunkEnd += bytes.length;
      this.chunkView = viewOf(bytes);
    }
    if (this.pos + length <= this.chunkEnd) {
      this.data = this.chunkView;
      this.from = this.pos - this.chunkStart;
      this.count = length === this.recordLength ? Math.floor(Math.min(room, this.chunkEnd - this.pos) / length) : 1;
    } else {
      this.gather(length);
      this.data = this.scratchView;
      this.from = 0;
      this.count = 1;
    }
    this.recordPos = this.pos;
    this.length = length;
    this.pos += length * this.count;
    return true;
  }

  /**
   * Copies a record that spans chunks into the scratch buffer: the rest of the current chunk,
   * then the first bytes of the next ones (only those read, so the next chunk is read once whole).
   */
  private gather(length: number): void {
    const head = this.chunkBytes.subarray(this.pos - this.chunkStart);
    this.scratch.set(head, 0);
    for (let i = this.chunk + 1, filled = head.length; filled < length; i++) {
      const chunk = this.chunks[i] as ImageChunk;
      const take = Math.min(chunkSize(chunk), length - filled);
      this.scratch.set(readPart(chunk, chunk.address, chunk.address + take), filled);
      filled += take;
    }
  }

}

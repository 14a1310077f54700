import { UsageError } from '../errors.js';
import type { ImageChunk, MemoryImage } from '../image/memory-image.js';
import type { OutputFormat, WriteOptions } from './format.js';

/**
 * Intel HEX writer. Policy, each line tested:
 * - an 04 (extended linear address) record before the first data record and wherever the
 *   upper 16 address bits change; never 02 or 03 records, which several boot loaders reject;
 * - data records of `recordLength` bytes (default 16), shorter only at the end of a
 *   contiguous run or at a 64 KiB boundary: no record crosses one;
 * - a 05 (start linear address) record when a start address is given;
 * - an 01 end-of-file record; upper-case digits; CRLF line ends unless `eol: 'lf'`.
 */
export const intelHex: OutputFormat = {
  name: 'hex',
  title: 'Intel HEX',
  extensions: ['.hex', '.ihex', '.ihx'],
  write(image, options) {
    const recordLength = options.recordLength ?? 16;
    if (!Number.isInteger(recordLength) || recordLength < 1 || recordLength > 255) {
      throw new UsageError(`record length ${recordLength} is out of range: an Intel HEX record holds 1 to 255 bytes`);
    }
    return encodeHex(image, recordLength, options);
  },
};

const DIGITS = new TextEncoder().encode('0123456789ABCDEF');
/** ASCII of the high and low hex digit of every byte value. */
const HIGH = Uint8Array.from({ length: 256 }, (_, b) => DIGITS[Math.floor(b / 16)] ?? 0);
const LOW = Uint8Array.from({ length: 256 }, (_, b) => DIGITS[b % 16] ?? 0);
const COLON = 0x3a;
const CHUNK_SIZE = 1 << 20;

function* encodeHex(image: MemoryImage, recordLength: number, options: WriteOptions): Generator<Uint8Array> {
  const eol = options.eol === 'lf' ? [0x0a] : [0x0d, 0x0a];
  // The longest record: colon, 4 header bytes, data, checksum, all as two digits, and the line end.
  const maxRecord = 1 + 2 * (4 + 255 + 1) + eol.length;
  let out = new Uint8Array(CHUNK_SIZE);
  let at = 0;
  let upper = -1;
  const scratch = new Uint8Array(255);

  const record = (type: number, offset: number, data: Uint8Array): void => {
    out[at++] = COLON;
    let sum = data.length + Math.floor(offset / 256) + (offset % 256) + type;
    at = put(out, at, data.length);
    at = put(out, at, Math.floor(offset / 256));
    at = put(out, at, offset % 256);
    at = put(out, at, type);
    for (let i = 0; i < data.length; i++) {
      const b = data[i] as number;
      out[at] = HIGH[b] as number;
      out[at + 1] = LOW[b] as number;
      at += 2;
      sum += b;
    }
    at = put(out, at, (256 - (sum % 256)) % 256);
    for (const c of eol) out[at++] = c;
  };

  // Each step below writes at most two records; a full buffer is handed out first.
  const full = (): boolean => at > CHUNK_SIZE - 2 * maxRecord;

  for (const run of image.runs()) {
    const reader = new RunReader(run.chunks, scratch);
    for (let address = run.start; address < run.end; ) {
      if (full()) {
        yield out.subarray(0, at);
        out = new Uint8Array(CHUNK_SIZE);
        at = 0;
      }
      const high = Math.floor(address / 0x10000);
      if (high !== upper) {
        record(0x04, 0, Uint8Array.of(Math.floor(high / 256), high % 256));
        upper = high;
      }
      const length = Math.min(recordLength, run.end - address, (high + 1) * 0x10000 - address);
      record(0x00, address % 0x10000, reader.take(address, length));
      address += length;
    }
  }
  if (full()) {
    yield out.subarray(0, at);
    out = new Uint8Array(CHUNK_SIZE);
    at = 0;
  }
  if (options.startAddress !== undefined) {
    const s = options.startAddress;
    record(0x05, 0, Uint8Array.of(Math.floor(s / 0x1000000), Math.floor(s / 0x10000) % 256, Math.floor(s / 256) % 256, s % 256));
  }
  record(0x01, 0, new Uint8Array(0));
  yield out.subarray(0, at);
}

function put(out: Uint8Array, at: number, byte: number): number {
  out[at] = HIGH[byte] as number;
  out[at + 1] = LOW[byte] as number;
  return at + 2;
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

import type { MemoryImage } from '../../src/image/memory-image.js';

/**
 * Reference writers for the randomised equality test of the bulk record encoders: one record
 * at a time, as strings, straight from the written policy (src/write/hex.ts, srec.ts), with no
 * table, batch or buffer. Slow, and meant to be obviously right.
 */

const hex2 = (value: number): string => value.toString(16).toUpperCase().padStart(2, '0');

/** Every contiguous run of the image as one array of bytes at its start address. */
function runsOf(image: MemoryImage): { start: number; bytes: number[] }[] {
  const runs: { start: number; bytes: number[] }[] = [];
  for (const chunk of image.chunks) {
    const last = runs[runs.length - 1];
    const run = last && last.start + last.bytes.length === chunk.address ? last : { start: chunk.address, bytes: [] };
    if (run !== last) runs.push(run);
    for (const b of chunk.bytes) run.bytes.push(b);
  }
  return runs;
}

/** The line of `fields` (byte values) with its checksum, `checksum(sum of fields)`. */
function line(prefix: string, fields: readonly number[], checksum: (sum: number) => number, eol: string): string {
  const sum = fields.reduce((a, b) => a + b, 0);
  return prefix + fields.map(hex2).join('') + hex2(checksum(sum)) + eol;
}

const bytesOf = (value: number, size: number): number[] => Array.from({ length: size }, (_, i) => Math.floor(value / 256 ** (size - 1 - i)) % 256);

/** Intel HEX: 04 records when the upper 16 bits change, records cut at `recordLength` and at 64 KiB, 05, 01. */
export function simpleHex(image: MemoryImage, options: { recordLength: number; eol: 'lf' | 'crlf'; startAddress?: number | undefined }): string {
  const eol = options.eol === 'lf' ? '\n' : '\r\n';
  const twos = (sum: number) => (256 - (sum % 256)) % 256;
  let out = '';
  let upper = -1;
  for (const run of runsOf(image)) {
    for (let pos = 0; pos < run.bytes.length; ) {
      const address = run.start + pos;
      const length = Math.min(options.recordLength, run.bytes.length - pos, 0x10000 - (address % 0x10000));
      const high = Math.floor(address / 0x10000);
      if (high !== upper) {
        out += line(':', [2, 0, 0, 4, ...bytesOf(high, 2)], twos, eol);
        upper = high;
      }
      out += line(':', [length, ...bytesOf(address % 0x10000, 2), 0, ...run.bytes.slice(pos, pos + length)], twos, eol);
      pos += length;
    }
  }
  if (options.startAddress !== undefined) out += line(':', [4, 0, 0, 5, ...bytesOf(options.startAddress, 4)], twos, eol);
  return out + line(':', [0, 0, 0, 1], twos, eol);
}

/** S-record: S0 header, data records of `addressBytes` address bytes (S1, S2, S3), S5/S6 count, S9/S8/S7. */
export function simpleSrec(
  image: MemoryImage,
  options: { recordLength: number; eol: 'lf' | 'crlf'; addressBytes: 2 | 3 | 4; header: string; startAddress?: number | undefined },
): string {
  const eol = options.eol === 'lf' ? '\n' : '\r\n';
  const ones = (sum: number) => 255 - (sum % 256);
  const a = options.addressBytes;
  const record = (type: number, addressBytes: number, address: number, data: readonly number[]) =>
    line(`S${type}`, [addressBytes + data.length + 1, ...bytesOf(address, addressBytes), ...data], ones, eol);
  let out = record(0, 2, 0, [...new TextEncoder().encode(options.header)]);
  let count = 0;
  for (const run of runsOf(image)) {
    for (let pos = 0; pos < run.bytes.length; pos += options.recordLength) {
      out += record(a - 1, a, run.start + pos, run.bytes.slice(pos, pos + options.recordLength));
      count++;
    }
  }
  if (count < 0x10000) out += record(5, 2, count, []);
  else if (count < 0x1000000) out += record(6, 3, count, []);
  return out + record(11 - a, a, options.startAddress ?? 0, []);
}

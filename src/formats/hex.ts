import { UsageError } from '../errors.js';
import type { MemoryImage } from '../image/memory-image.js';
import { dataRecords, RecordLines } from '../records/record-writer.js';
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

const COLON = [0x3a];
const NO_DATA = new Uint8Array(0);

/** Intel HEX checksum: the two's complement of the low byte of the sum. */
const twosComplement = (sum: number): number => (256 - (sum % 256)) % 256;

function* encodeHex(image: MemoryImage, recordLength: number, options: WriteOptions): Generator<Uint8Array> {
  const lines = new RecordLines(options.eol);
  const record = (type: number, offset: number, data: Uint8Array): void =>
    lines.line(COLON, [data.length, Math.floor(offset / 256), offset % 256, type], data, twosComplement);
  let upper = -1;
  for (const { address, data } of dataRecords(image, recordLength, 0x10000)) {
    const full = lines.takeIfFull();
    if (full) yield full;
    const high = Math.floor(address / 0x10000);
    if (high !== upper) {
      record(0x04, 0, Uint8Array.of(Math.floor(high / 256), high % 256));
      upper = high;
    }
    record(0x00, address % 0x10000, data);
  }
  const full = lines.takeIfFull();
  if (full) yield full;
  if (options.startAddress !== undefined) {
    const s = options.startAddress;
    record(0x05, 0, Uint8Array.of(Math.floor(s / 0x1000000), Math.floor(s / 0x10000) % 256, Math.floor(s / 256) % 256, s % 256));
  }
  record(0x01, 0, NO_DATA);
  yield lines.take();
}

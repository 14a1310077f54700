import { UsageError } from '../errors.js';
import type { MemoryImage } from '../image/memory-image.js';
import { DataRecords, recordData, RecordLines } from './record-writer.js';
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

/** Intel HEX checksum: the two's complement of the low byte of the sum. */
const twosComplement = (sum: number): number => (256 - (sum % 256)) % 256;

function* encodeHex(image: MemoryImage, recordLength: number, options: WriteOptions): Generator<Uint8Array, void, unknown> {
  const lines = new RecordLines(options.eol);
  // One fields array for every record: the length, the 16-bit offset and the type.
  const fields = [0, 0, 0, 0];
  const record = (type: number, offset: number, data: DataView, from: number, length: number): void => {
    fields[0] = length;
    fields[1] = Math.floor(offset / 256);
    fields[2] = offset % 256;
    fields[3] = type;
    lines.line(COLON, fields, data, from, length, twosComplement);
  };
  const small = (bytes: number[]): void => record(bytes[0] as number, 0, recordData(bytes.slice(1)), 0, bytes.length - 1);
  let upper = -1;
  const records = new DataRecords(image, recordLength, 0x10000);
  while (records.next()) {
    const full = lines.takeIfFull();
    // What the consumer passes back to next() is a chunk it has finished with (ChunkPool).
    if (full) lines.giveBack(yield full);
    const address = records.address;
    const high = Math.floor(address / 0x10000);
    if (high !== upper) {
      small([0x04, Math.floor(high / 256), high % 256]);
      upper = high;
    }
    // The offset is below 0x10000, not an address: `| 0` keeps it a small integer to the engine.
    const offset = (address % 0x10000) | 0;
    fields[0] = records.length;
    fields[1] = offset >>> 8;
    fields[2] = offset & 0xff;
    fields[3] = 0x00;
    lines.line(COLON, fields, records.data, records.from, records.length, twosComplement);
  }
  const full = lines.takeIfFull();
  if (full) lines.giveBack(yield full);
  if (options.startAddress !== undefined) {
    const s = options.startAddress;
    small([0x05, Math.floor(s / 0x1000000), Math.floor(s / 0x10000) % 256, Math.floor(s / 256) % 256, s % 256]);
  }
  small([0x01]);
  yield lines.take();
}

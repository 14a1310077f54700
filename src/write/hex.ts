import { badOption } from '../errors.js';
import type { MemoryImage } from '../image/memory-image.js';
import { DataRecords, recordData, RecordLines, type DataRecordShape } from './record-writer.js';
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
      throw badOption('recordLength', recordLength, 'an Intel HEX record holds 1 to 255 bytes');
    }
    return encodeHex(image, recordLength, options);
  },
};

const COLON = [0x3a];

/** Intel HEX checksum: the two's complement of the low byte of the sum. */
const twosComplement = (sum: number): number => (256 - (sum % 256)) % 256;

/** A data (00) record: length, the 16-bit offset in the current 64 KiB segment, type 00. */
const DATA_RECORD: DataRecordShape = { prefix: COLON, lengthExtra: 0, addressBytes: 2, afterAddress: [0x00], checksum: twosComplement };

function* encodeHex(image: MemoryImage, recordLength: number, options: WriteOptions): Generator<Uint8Array, void, unknown> {
  const lines = new RecordLines(options.eol, image.size);
  /** A record without an offset (04, 05, 01): its type, then its data bytes. */
  const small = (bytes: number[]): void => lines.line(COLON, [bytes.length - 1, 0, 0, bytes[0] as number], recordData(bytes.slice(1)), 0, bytes.length - 1, twosComplement);
  let upper = -1;
  const records = new DataRecords(image, recordLength, 0x10000);
  // What the consumer passes back to next() is a chunk it has finished with (ChunkPool).
  while (records.next()) {
    const address = records.address;
    const high = Math.floor(address / 0x10000);
    if (high !== upper) {
      yield* lines.room();
      small([0x04, Math.floor(high / 256), high % 256]);
      upper = high;
    }
    // A batch never crosses a 64 KiB boundary, so every record's offset fits the 16-bit field.
    yield* lines.dataRun(DATA_RECORD, address % 0x10000, records.data, records.from, records.length, records.count);
  }
  if (options.startAddress !== undefined) {
    const s = options.startAddress;
    yield* lines.room();
    small([0x05, Math.floor(s / 0x1000000), Math.floor(s / 0x10000) % 256, Math.floor(s / 256) % 256, s % 256]);
  }
  yield* lines.room();
  small([0x01]);
  yield lines.take();
}

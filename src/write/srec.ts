import { badOption, UsageError } from '../errors.js';
import type { MemoryImage } from '../image/memory-image.js';
import { hex32 } from '../numbers.js';
import { DataRecords, recordData, RecordLines, type DataRecordShape } from './record-writer.js';
import type { OutputFormat, SrecType, WriteOptions } from './format.js';

/** The S0 header text when none is given: fixed, so the same input always gives the same file. */
export const DEFAULT_SREC_HEADER = 'flashcut';

/** Per data record type: its digit, the termination record's digit, and the address size in bytes. */
const TYPES: Readonly<Record<SrecType, { data: number; end: number; addressBytes: 2 | 3 | 4 }>> = {
  19: { data: 1, end: 9, addressBytes: 2 },
  28: { data: 2, end: 8, addressBytes: 3 },
  37: { data: 3, end: 7, addressBytes: 4 },
};

/**
 * Motorola S-record writer. Policy, each line tested:
 * - an S0 header at address 0000 holding `srecHeader` (default `flashcut`, never the file name);
 * - data records S1, S2 or S3: the smallest that holds every data address and the start
 *   address, or `srecType` (19, 28, 37) when given, which must hold them;
 * - `recordLength` data bytes a record (default 16; at most 252, 251 or 250 so that the
 *   count byte, which also counts address and checksum, stays below 256);
 * - an S5 record with the number of data records, or S6 when it needs 24 bits (none above);
 * - the termination record S9, S8 or S7 (matching S1, S2, S3) with the start address, or 0
 *   when there is none;
 * - upper-case digits; CRLF line ends unless `eol: 'lf'`.
 */
export const motorolaSrec: OutputFormat = {
  name: 'srec',
  title: 'Motorola S-record',
  extensions: ['.srec', '.s19', '.s28', '.s37', '.mot'],
  write(image, options) {
    const type = srecTypeFor(image, options);
    const { addressBytes } = TYPES[type];
    const recordLength = options.recordLength ?? 16;
    const most = 255 - addressBytes - 1;
    if (!Number.isInteger(recordLength) || recordLength < 1 || recordLength > most) {
      throw badOption('recordLength', recordLength, `an S${TYPES[type].data} record holds 1 to ${most} bytes`);
    }
    const header = new TextEncoder().encode(options.srecHeader ?? DEFAULT_SREC_HEADER);
    if (header.length > 252) throw new UsageError(`options.srecHeader is ${header.length} bytes long: an S0 record holds at most 252`, { option: 'srecHeader' });
    return encodeSrec(image, type, recordLength, header, options);
  },
};

/** The data record type: the forced one (checked), or the smallest that holds every address. */
function srecTypeFor(image: MemoryImage, options: WriteOptions): SrecType {
  const highest = Math.max((image.end ?? 1) - 1, options.startAddress ?? 0);
  const fits = (type: SrecType) => highest < 2 ** (8 * TYPES[type].addressBytes);
  const forced = options.srecType;
  if (forced === undefined) return fits(19) ? 19 : fits(28) ? 28 : 37;
  if (!(forced in TYPES)) throw badOption('srecType', forced, 'use 19, 28 or 37');
  if (!fits(forced)) {
    throw new UsageError(
      `options.srecType ${forced} holds ${8 * TYPES[forced].addressBytes}-bit addresses, but the output needs ${hex32(highest)}: ` +
        `use options.srecType ${fits(28) ? 28 : 37} or leave it out`,
      { option: 'srecType' },
    );
  }
  return forced;
}

const S = 0x53;
const DIGIT_0 = 0x30;

/** S-record checksum: the ones' complement of the low byte of the sum. */
const onesComplement = (sum: number): number => 255 - (sum % 256);

/** The `size` bytes of `value`, most significant first. */
function bigEndian(value: number, size: number): number[] {
  const bytes: number[] = [];
  for (let i = size - 1; i >= 0; i--) bytes.push(Math.floor(value / 2 ** (8 * i)) % 256);
  return bytes;
}

function* encodeSrec(image: MemoryImage, type: SrecType, recordLength: number, header: Uint8Array, options: WriteOptions): Generator<Uint8Array, void, unknown> {
  const lines = new RecordLines(options.eol, image.size);
  const { data: dataDigit, end: endDigit, addressBytes } = TYPES[type];
  const record = (digit: number, address: number[], data: DataView, from: number, length: number): void =>
    lines.line([S, DIGIT_0 + digit], [address.length + length + 1, ...address], data, from, length, onesComplement);
  const noData = recordData([]);
  const dataRecord: DataRecordShape = { prefix: [S, DIGIT_0 + dataDigit], lengthExtra: addressBytes + 1, addressBytes, afterAddress: [], checksum: onesComplement };

  record(0, [0, 0], recordData([...header]), 0, header.length);
  let count = 0;
  const records = new DataRecords(image, recordLength);
  while (records.next()) {
    yield* lines.dataRun(dataRecord, records.address, records.data, records.from, records.length, records.count);
    count += records.count;
  }
  // S5/S6 are optional; a count that needs more than 24 bits is left out.
  yield* lines.room();
  if (count < 0x10000) record(5, bigEndian(count, 2), noData, 0, 0);
  else if (count < 0x1000000) record(6, bigEndian(count, 3), noData, 0, 0);
  yield* lines.room();
  record(endDigit, bigEndian(options.startAddress ?? 0, addressBytes), noData, 0, 0);
  yield lines.take();
}

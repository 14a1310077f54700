import { FormatError } from '../errors.js';
import { hex, hex8 } from '../numbers.js';
import { checksumError, decodeHexPairs, describeCharacter, recordError, recordLines } from './record-lines.js';
import { asSource, type ByteSource } from '../byte-source.js';
import type { ImageInput } from './input.js';
import { PieceCollector } from './piece-collector.js';

const COLON = 0x3a;
/** Length byte, two offset bytes, type byte, checksum byte. */
const OVERHEAD = 5;
/** The data length each non-data record type must have. */
const FIXED_LENGTH: Readonly<Record<number, number>> = { 0x01: 0, 0x02: 2, 0x03: 4, 0x04: 2, 0x05: 4 };

/**
 * Reads an Intel HEX file: all six record types (00 data, 01 end of file, 02 extended
 * segment address, 03 start segment address, 04 extended linear address, 05 start linear
 * address), either case, LF or CRLF line ends, blank lines ignored.
 * - a data address is the 02 base (value * 16) or the 04 base (value * 65536) plus the offset;
 *   a data record whose bytes would run past its 64 KiB offset range is an error, since
 *   readers disagree on whether it wraps;
 * - the start address is 05's value, or 03's CS * 16 + IP as objcopy reads it;
 * - the file must end with an 01 record, with nothing but blank lines after it.
 * Throws FormatError with the line number for any bad record.
 */
export function readIntelHex(input: Uint8Array | ByteSource, name: string): ImageInput {
  const source = asSource(input);
  const collector = new PieceCollector(name, source.size);
  const record = new Uint8Array(255 + OVERHEAD);
  let base = 0;
  let startAddress: number | undefined;
  let endLine: number | undefined;

  // The missing last record is placed on the line after the last one read, where it belongs.
  let lastLine = 0;
  for (const line of recordLines(source)) {
    lastLine = line.number;
    const bytes = line.bytes;
    if (endLine !== undefined) throw recordError(line, `a record after the end-of-file (01) record of line ${endLine}`);
    if (bytes[line.start] !== COLON) throw recordError(line, `expected ':' at the start of an Intel HEX record, found ${describeCharacter(bytes[line.start] as number)}`);
    const size = decodeHexPairs(line, line.start + 1, record, 'Intel HEX record');
    if (size < OVERHEAD) throw recordError(line, `an Intel HEX record of ${size} bytes is too short: it needs length, offset, type and checksum`);
    const length = record[0] as number;
    if (size !== length + OVERHEAD) throw recordError(line, `the length byte says ${length} data bytes, but the record holds ${size - OVERHEAD}`);
    let sum = 0;
    for (let i = 0; i < size; i++) sum += record[i] as number;
    if (sum % 256 !== 0) {
      const expected = (256 - ((sum - (record[size - 1] as number)) % 256)) % 256;
      throw checksumError(line, record[size - 1] as number, expected);
    }
    const offset = (record[1] as number) * 256 + (record[2] as number);
    const type = record[3] as number;
    const data = record.subarray(4, 4 + length);
    const fixed = FIXED_LENGTH[type];
    if (fixed !== undefined && length !== fixed) throw recordError(line, `a type ${hex2(type)} record holds ${fixed} data bytes, not ${length}`);
    const word = (at: number) => (data[at] as number) * 256 + (data[at + 1] as number);
    switch (type) {
      case 0x00:
        if (offset + length > 0x10000) {
          throw recordError(line, `the data record at offset ${hex(offset)} runs ${offset + length - 0x10000} bytes past its 64 KiB range (readers disagree on wrapping)`);
        }
        collector.add(base + offset, data, line.number);
        break;
      case 0x01:
        endLine = line.number;
        break;
      case 0x02:
        base = word(0) * 16;
        break;
      case 0x03:
        startAddress = word(0) * 16 + word(2);
        break;
      case 0x04:
        base = word(0) * 0x10000;
        break;
      case 0x05:
        startAddress = word(0) * 0x10000 + word(2);
        break;
      default:
        throw recordError(line, `unknown record type ${hex2(type)} (Intel HEX has 00 to 05)`);
    }
  }
  if (endLine === undefined) throw new FormatError('no end-of-file (01) record: the file is empty or cut short', source.size, { line: lastLine + 1 });
  return { format: 'hex', name, pieces: collector.pieces(), startAddress };
}

/** `05`: a record type as the format writes it. */
function hex2(type: number): string {
  return hex8(type).slice(2);
}

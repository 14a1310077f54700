import { FormatError } from '../errors.js';
import { ADDRESS_SPACE_END, hex32 } from '../numbers.js';
import { checksumError, decodeHexPairs, describeCharacter, recordError, recordLines } from './record-lines.js';
import { asSource, type ByteSource } from '../byte-source.js';
import type { ImageInput } from './input.js';
import { PieceCollector } from './piece-collector.js';

const S = 0x53;
const DIGIT_0 = 0x30;
/** Address bytes of each record type S0..S9; S4 is reserved. */
const ADDRESS_BYTES: readonly (number | undefined)[] = [2, 2, 3, 4, undefined, 2, 3, 4, 3, 2];

/**
 * Reads a Motorola S-record file: S0 header (skipped), S1/S2/S3 data with 16/24/32-bit
 * addresses, S5/S6 record counts (checked against the data records before them), and an
 * S7/S8/S9 termination record with the start address (0 counts as none, as writers put 0
 * there when there is no entry point). Either case, LF or CRLF line ends, blank lines
 * ignored; the file must end with the termination record. Throws FormatError with the line
 * number for any bad record.
 */
export function readSrec(input: Uint8Array | ByteSource, name: string): ImageInput {
  const source = asSource(input);
  const collector = new PieceCollector(name, source.size);
  const record = new Uint8Array(256);
  let dataRecords = 0;
  let startAddress: number | undefined;
  let endLine: number | undefined;

  // The missing last record is placed on the line after the last one read, where it belongs.
  let lastLine = 0;
  for (const line of recordLines(source)) {
    lastLine = line.number;
    const bytes = line.bytes;
    if (endLine !== undefined) throw recordError(line, `a record after the termination record of line ${endLine}`);
    if (bytes[line.start] !== S) throw recordError(line, `expected 'S' at the start of an S-record, found ${describeCharacter(bytes[line.start] as number)}`);
    const typeChar = line.end - line.start > 1 ? (bytes[line.start + 1] as number) : -1;
    const type = typeChar - DIGIT_0;
    const addressBytes = ADDRESS_BYTES[type];
    if (addressBytes === undefined) {
      throw recordError(line, type === 4 ? 'S4 is a reserved record type' : `unknown record type ${typeChar < 0 ? '(none)' : describeCharacter(typeChar)} (S-records have S0 to S9)`);
    }
    const size = decodeHexPairs(line, line.start + 2, record, `S${type} record`);
    if (size < 1) throw recordError(line, `the S${type} record has no count byte`);
    const counted = record[0] as number;
    if (size !== counted + 1) throw recordError(line, `the count byte says ${counted} bytes follow, but ${size - 1} do`);
    if (counted < addressBytes + 1) throw recordError(line, `an S${type} record needs ${addressBytes} address bytes and a checksum, but the count is ${counted}`);
    let sum = 0;
    for (let i = 0; i < size - 1; i++) sum += record[i] as number;
    const expected = 255 - (sum % 256);
    if (record[size - 1] !== expected) throw checksumError(line, record[size - 1] as number, expected);

    let address = 0;
    for (let i = 1; i <= addressBytes; i++) address = address * 256 + (record[i] as number);
    const data = record.subarray(1 + addressBytes, size - 1);
    if (type === 1 || type === 2 || type === 3) {
      if (address + data.length > ADDRESS_SPACE_END) throw recordError(line, `the data at ${hex32(address)} runs past the 32-bit address space`);
      collector.add(address, data, line.number);
      dataRecords++;
    } else if (type === 5 || type === 6) {
      if (address !== dataRecords) throw recordError(line, `the S${type} record counts ${address} data records, but ${dataRecords} come before it`);
    } else if (type >= 7) {
      startAddress = address === 0 ? undefined : address;
      endLine = line.number;
    }
  }
  if (endLine === undefined) throw new FormatError('no termination (S7, S8 or S9) record: the file is empty or cut short', source.size, { line: lastLine + 1 });
  return { format: 'srec', name, pieces: collector.pieces(), startAddress };
}

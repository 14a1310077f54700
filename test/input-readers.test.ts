import { describeError, errorLine } from '../src/cli/error-report.js';
import { describe, expect, it } from 'vitest';
import { FormatError, LayoutError, UsageError } from '../src/errors.js';
import { MemoryImage } from '../src/image/memory-image.js';
import { readIntelHex } from '../src/read/hex.js';
import type { ImageInput } from '../src/read/input.js';
import { detectInputFormat, parseInputSpec, readInput } from '../src/read/read-input.js';
import { readSrec } from '../src/read/srec.js';
import { buildElf } from './helpers/elf-builder.js';
import { thrown } from './helpers/thrown.js';

const bytes = (lines: readonly string[], eol = '\r\n') => new TextEncoder().encode(lines.join(eol) + eol);

/** An Intel HEX record with its checksum computed here: `record(0x00, 0x0010, [1, 2])`. */
function hexRecord(type: number, offset: number, data: readonly number[]): string {
  const values = [data.length, Math.floor(offset / 256), offset % 256, type, ...data];
  const sum = values.reduce((a, b) => a + b, 0);
  return ':' + [...values, (256 - (sum % 256)) % 256].map((v) => v.toString(16).toUpperCase().padStart(2, '0')).join('');
}

/** An S-record with count and checksum computed here. */
function srecRecord(type: number, address: number, addressBytes: number, data: readonly number[]): string {
  const addr = Array.from({ length: addressBytes }, (_, i) => Math.floor(address / 256 ** (addressBytes - 1 - i)) % 256);
  const values = [addressBytes + data.length + 1, ...addr, ...data];
  const sum = values.reduce((a, b) => a + b, 0);
  return `S${type}` + [...values, 255 - (sum % 256)].map((v) => v.toString(16).toUpperCase().padStart(2, '0')).join('');
}

const EOF_RECORD = ':00000001FF';

/** Every byte of an input at its address, as the conversion would see it. */
function imageBytes(input: ImageInput): Map<number, number> {
  const map = new Map<number, number>();
  for (const chunk of MemoryImage.from(input.pieces).chunks) chunk.bytes.forEach((b, i) => map.set(chunk.address + i, b));
  return map;
}

function formatError(run: () => unknown): FormatError {
  return thrown(run, FormatError);
}

describe('Intel HEX reader', () => {
  it('reads data under 04 (extended linear) records and the 05 start address', () => {
    const input = readIntelHex(
      bytes([hexRecord(4, 0, [0x08, 0x00]), hexRecord(0, 0xfffe, [1, 2]), hexRecord(4, 0, [0x08, 0x01]), hexRecord(0, 0, [3]), hexRecord(5, 0, [0x08, 0, 0x01, 0x01]), EOF_RECORD]),
      'a.hex',
    );
    expect(imageBytes(input)).toEqual(new Map([[0x0800_fffe, 1], [0x0800_ffff, 2], [0x0801_0000, 3]]));
    expect(input.startAddress).toBe(0x0800_0101);
    expect(input.pieces).toHaveLength(1);
    expect(input.pieces[0]!.origin).toBe('a.hex lines 2-4');
  });

  it('reads data under 02 (extended segment) records and the 03 start address as CS * 16 + IP', () => {
    const input = readIntelHex(bytes([hexRecord(2, 0, [0x10, 0x00]), hexRecord(0, 0x0004, [9, 8]), hexRecord(3, 0, [0x12, 0x34, 0x00, 0x10]), EOF_RECORD]), 'a.hex');
    expect(imageBytes(input)).toEqual(new Map([[0x10004, 9], [0x10005, 8]]));
    expect(input.startAddress).toBe(0x12340 + 0x10);
  });

  it('reads data with no extended record at its 16-bit offset, lower-case digits and LF line ends', () => {
    const input = readIntelHex(bytes([hexRecord(0, 0x1234, [0xab]).toLowerCase(), EOF_RECORD], '\n'), 'a.hex');
    expect(imageBytes(input)).toEqual(new Map([[0x1234, 0xab]]));
    expect(input.startAddress).toBeUndefined();
  });

  it('keeps records that do not follow each other as separate pieces, in any order', () => {
    const input = readIntelHex(bytes([hexRecord(0, 0x20, [2]), hexRecord(0, 0x10, [1]), hexRecord(0, 0x11, [1]), EOF_RECORD]), 'x.hex');
    expect(input.pieces.map((p) => [p.address, p.bytes.length, p.origin])).toEqual([
      [0x20, 1, 'x.hex line 1'],
      [0x10, 2, 'x.hex lines 2-3'],
    ]);
  });

  it.each([
    { name: 'a bad checksum', lines: [':0100000001FF', EOF_RECORD], line: 1, message: /checksum 0xFF is wrong.*0xFE/ },
    { name: 'a non-hex digit', lines: [':01000000G1FE', EOF_RECORD], line: 1, message: /'G' in column 10 is not a hex digit/ },
    { name: 'an odd digit count', lines: [EOF_RECORD.slice(0, -1)], line: 1, message: /odd number/ },
    { name: 'a missing colon', lines: ['0100000001FE', EOF_RECORD], line: 1, message: /expected ':'/ },
    { name: 'a wrong length byte', lines: [':0200000001FD', EOF_RECORD], line: 1, message: /says 2 data bytes.*holds 1/ },
    { name: 'a short record', lines: [':0000', EOF_RECORD], line: 1, message: /too short/ },
    { name: 'an unknown type', lines: [hexRecord(6, 0, []), EOF_RECORD], line: 1, message: /unknown record type 06/ },
    { name: 'an 04 of the wrong size', lines: [hexRecord(4, 0, [1]), EOF_RECORD], line: 1, message: /type 04 record holds 2/ },
    { name: 'a record past its 64 KiB range', lines: [hexRecord(0, 0xffff, [1, 2]), EOF_RECORD], line: 1, message: /past its 64 KiB range/ },
    { name: 'a record after the end', lines: [EOF_RECORD, hexRecord(0, 0, [1])], line: 2, message: /after the end-of-file/ },
    { name: 'an error on a later line', lines: [hexRecord(0, 0, [1]), '', ':zz', EOF_RECORD], line: 3, message: /not a hex digit/ },
  ])('reports $name with its line', ({ lines, line, message }) => {
    const error = formatError(() => readIntelHex(bytes(lines), 'a.hex'));
    expect(error.line).toBe(line);
    expect(error.message).toMatch(message);
  });

  it('reports a missing end-of-file record', () => {
    expect(() => readIntelHex(bytes([hexRecord(0, 0, [1])]), 'a.hex')).toThrow(/no end-of-file/);
    expect(() => readIntelHex(new Uint8Array(0), 'a.hex')).toThrow(FormatError);
  });

  it('names both lines when two records put different bytes at one address: one as the place, GCC-shaped, the other in the message', () => {
    const input = readIntelHex(bytes([hexRecord(0, 0x10, [1, 2]), hexRecord(0, 0x11, [3]), EOF_RECORD]), 'a.hex');
    const error = thrown(() => MemoryImage.from(input.pieces));
    expect(error).toBeInstanceOf(LayoutError);
    expect(errorLine(describeError(error))).toBe('flashcut: a.hex:2: error: different bytes at 0x00000011: 0x03 here, 0x02 at a.hex:1');
  });
});

describe('S-record reader', () => {
  it.each([
    { type: 1, end: 9, size: 2, address: 0x1234 },
    { type: 2, end: 8, size: 3, address: 0x12_3456 },
    { type: 3, end: 7, size: 4, address: 0xffff_fffe },
  ])('reads S$type data and the S$end start address', ({ type, end, size, address }) => {
    const input = readSrec(
      bytes([srecRecord(0, 0, 2, [0x48]), srecRecord(type, address, size, [7, 9]), srecRecord(5, 1, 2, []), srecRecord(end, 0x100, size, [])]),
      'a.srec',
    );
    expect(imageBytes(input)).toEqual(new Map([[address, 7], [address + 1, 9]]));
    expect(input.startAddress).toBe(0x100);
  });

  it('treats a zero start address as none', () => {
    expect(readSrec(bytes([srecRecord(1, 0, 2, [1]), srecRecord(9, 0, 2, [])]), 'a.srec').startAddress).toBeUndefined();
  });

  it.each([
    { name: 'a bad checksum', lines: ['S1040000010A', srecRecord(9, 0, 2, [])], line: 1, message: /checksum 0x0A is wrong.*0xFA/ },
    { name: 'S4', lines: ['S4030000FC', srecRecord(9, 0, 2, [])], line: 1, message: /S4 is a reserved/ },
    { name: 'a wrong count', lines: ['S1050000010A', srecRecord(9, 0, 2, [])], line: 1, message: /count byte says 5/ },
    { name: 'a count too small for the address', lines: ['S30200FD', srecRecord(7, 0, 4, [])], line: 1, message: /needs 4 address bytes/ },
    { name: 'an S5 count that does not match', lines: [srecRecord(1, 0, 2, [1]), srecRecord(5, 2, 2, []), srecRecord(9, 0, 2, [])], line: 2, message: /counts 2 data records, but 1/ },
    { name: 'a record after the termination', lines: [srecRecord(9, 0, 2, []), srecRecord(1, 0, 2, [1])], line: 2, message: /after the termination/ },
    { name: 'a line that is not a record', lines: [srecRecord(1, 0, 2, [1]), ':00000001FF', srecRecord(9, 0, 2, [])], line: 2, message: /expected 'S'/ },
    { name: 'a type that is not a digit', lines: ['SX030000FC', srecRecord(9, 0, 2, [])], line: 1, message: /unknown record type 'X'/ },
    { name: 'data past the address space', lines: [srecRecord(3, 0xffff_ffff, 4, [1, 2]), srecRecord(7, 0, 4, [])], line: 1, message: /past the 32-bit/ },
  ])('reports $name with its line', ({ lines, line, message }) => {
    const error = formatError(() => readSrec(bytes(lines), 'a.srec'));
    expect(error.line).toBe(line);
    expect(error.message).toMatch(message);
  });

  it('reports a missing termination record', () => {
    expect(() => readSrec(bytes([srecRecord(1, 0, 2, [1])]), 'a.srec')).toThrow(/no termination/);
  });
});

describe('input detection and BIN inputs', () => {
  const elf = buildElf({ segments: [{ paddr: 0x0800_0000, data: 16 }] });

  it.each([
    { name: 'ELF', data: elf, format: 'elf' },
    { name: 'Intel HEX', data: bytes([EOF_RECORD]), format: 'hex' },
    { name: 'S-record', data: bytes([srecRecord(9, 0, 2, [])]), format: 'srec' },
    { name: 'anything else', data: Uint8Array.of(0, 1, 2), format: undefined },
    { name: "'S' without a digit", data: new TextEncoder().encode('SX'), format: undefined },
  ])('tells $name from its first bytes', ({ data, format }) => {
    expect(detectInputFormat(data)).toBe(format);
  });

  it('refuses content it cannot tell, suggesting FILE@ADDRESS', () => {
    expect(() => readInput(Uint8Array.of(0, 1, 2), { name: 'x' })).toThrow(/app.bin@0x08000000/);
  });

  it('reads a BIN at its base address, as one piece', () => {
    const input = readInput(Uint8Array.of(1, 2, 3), { name: 'app.bin', base: 0x0800_4000 });
    expect(input).toMatchObject({ format: 'bin', startAddress: undefined });
    expect(input.format === 'bin' && input.pieces.map((p) => [p.address, [...p.bytes], p.origin])).toEqual([[0x0800_4000, [1, 2, 3], 'app.bin']]);
  });

  it('lets the format override detection', () => {
    const hexLooking = bytes([EOF_RECORD]);
    expect(readInput(hexLooking, { format: 'bin', base: 0 }).format).toBe('bin');
    expect(() => readInput(hexLooking, { format: 'srec' })).toThrow(FormatError);
  });

  it.each([
    { name: 'a BIN without a base', options: { format: 'bin' as const } },
    { name: 'a base with another format', options: { format: 'hex' as const, base: 0 } },
    { name: 'a BIN past the address space', options: { base: 0xffff_fffe } },
  ])('refuses $name', ({ options }) => {
    expect(() => readInput(Uint8Array.of(1, 2, 3), options)).toThrow(UsageError);
  });

  it.each([
    ['app.bin@0x08004000', 'app.bin', 0x0800_4000],
    ['dir/app.bin@16K', 'dir/app.bin', 16384],
    ['a@b/app.bin@0', 'a@b/app.bin', 0],
    ['app.hex', 'app.hex', undefined],
    ['mail@example.hex', 'mail@example.hex', undefined],
  ])('splits %s into path and address', (spec, path, base) => {
    expect(parseInputSpec(spec)).toEqual({ path, base });
  });

  it('refuses a load address beyond 32 bits', () => {
    expect(() => parseInputSpec('app.bin@0x100000000')).toThrow(UsageError);
  });
});

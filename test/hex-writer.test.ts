import { describe, expect, it } from 'vitest';
import { image } from './helpers/images.js';
import { UsageError } from '../src/errors.js';
import { collectBytes } from '../src/write/format.js';
import { intelHex } from '../src/write/hex.js';
import { MemoryImage } from '../src/image/memory-image.js';
import { pattern } from './helpers/elf-builder.js';
import { decodeIntelHex } from './helpers/ihex-decode.js';


function writeHex(img: MemoryImage, options: Parameters<typeof intelHex.write>[1] = {}): string {
  return new TextDecoder().decode(collectBytes(intelHex.write(img, options)));
}

function expectSameBytes(img: MemoryImage, decoded: Map<number, number>): void {
  const expected = new Map<number, number>();
  for (const c of img.chunks) c.bytes.forEach((b, i) => expected.set(c.address + i, b));
  expect(decoded.size).toBe(expected.size);
  expect(decoded).toEqual(expected);
}

describe('Intel HEX writer policy', () => {
  it('writes an 04 record before the first data record, even below 64 KiB', () => {
    const { records } = decodeIntelHex(writeHex(image([0x100, pattern(4)])));
    expect(records[0]).toMatchObject({ type: 4, data: [0, 0] });
    expect(records[1]).toMatchObject({ type: 0, address: 0x100 });
  });

  it('writes an 04 record at every change of the upper 16 bits, and only then', () => {
    const img = image([0x0800_fff8, pattern(16)], [0x0801_0100, pattern(4)], [0x0803_0000, pattern(2)]);
    const { records } = decodeIntelHex(writeHex(img));
    const uppers = records.filter((r) => r.type === 4).map((r) => r.data[0]! * 256 + r.data[1]!);
    expect(uppers).toEqual([0x0800, 0x0801, 0x0803]);
  });

  it('never writes 02 or 03 records, also below 1 MiB', () => {
    const { records } = decodeIntelHex(writeHex(image([0x1000, pattern(64)]), { startAddress: 0x1001 }));
    expect(records.filter((r) => r.type === 2 || r.type === 3)).toEqual([]);
  });

  it('never lets a data record cross a 64 KiB boundary', () => {
    const img = image([0x0800_fff8, pattern(40)]);
    const { records, bytes } = decodeIntelHex(writeHex(img));
    for (const r of records.filter((x) => x.type === 0)) {
      expect(Math.floor(r.address / 0x10000)).toBe(Math.floor((r.address + r.data.length - 1) / 0x10000));
    }
    expect(records.filter((r) => r.type === 0).map((r) => r.data.length)).toEqual([8, 16, 16]);
    expectSameBytes(img, bytes);
  });

  it('writes 16-byte records by default and honours --record-length 1..255', () => {
    const img = image([0x2000, pattern(600)]);
    for (const [length, expected] of [
      [undefined, 16],
      [1, 1],
      [32, 32],
      [255, 255],
    ] as const) {
      const { records, bytes } = decodeIntelHex(writeHex(img, { recordLength: length }));
      expect(records.find((r) => r.type === 0)?.data.length).toBe(expected);
      expectSameBytes(img, bytes);
    }
  });

  it.each([0, 256, 1.5, -1])('rejects record length %s', (recordLength) => {
    expect(() => intelHex.write(image([0, pattern(1)]), { recordLength })).toThrow(UsageError);
  });

  it('ends a record at the end of a contiguous run, even across chunks of different origins', () => {
    const img = image([0x100, pattern(10, 1)], [0x10a, pattern(10, 2)], [0x200, pattern(3)]);
    const { records, bytes } = decodeIntelHex(writeHex(img));
    expect(records.filter((r) => r.type === 0).map((r) => [r.address, r.data.length])).toEqual([
      [0x100, 16],
      [0x110, 4],
      [0x200, 3],
    ]);
    expectSameBytes(img, bytes);
  });

  it('writes an 05 start linear address record when given a start address, at 0x80000000 and up too', () => {
    const hex = writeHex(image([0x8000_0000, pattern(4)]), { startAddress: 0x8000_0101 });
    const decoded = decodeIntelHex(hex);
    expect(decoded.startLinear).toBe(0x8000_0101);
    expect(decoded.bytes.get(0x8000_0003)).toBe(3);
    expect(hex).toContain(':0400000580000101');
  });

  it('omits the 05 record without a start address', () => {
    expect(decodeIntelHex(writeHex(image([0, pattern(4)]))).records.some((r) => r.type === 5)).toBe(false);
  });

  it('ends with exactly one 01 end-of-file record', () => {
    const hex = writeHex(image([0, pattern(4)]), { startAddress: 1 });
    expect(hex.endsWith(':00000001FF\r\n')).toBe(true);
    expect(hex.match(/:00000001FF/g)).toHaveLength(1);
  });

  it('uses upper-case digits and CRLF by default, LF on request', () => {
    const crlf = writeHex(image([0xabcd, Uint8Array.of(0xab, 0xcd, 0xef)]));
    expect(crlf).toBe(':020000040000FA\r\n:03ABCD00ABCDEF1E\r\n:00000001FF\r\n');
    const lf = writeHex(image([0xabcd, Uint8Array.of(0xab, 0xcd, 0xef)]), { eol: 'lf' });
    expect(lf).toBe(':020000040000FA\n:03ABCD00ABCDEF1E\n:00000001FF\n');
  });

  it('reaches the top of the address space', () => {
    const img = image([0xffff_fff0, pattern(16)]);
    expectSameBytes(img, decodeIntelHex(writeHex(img)).bytes);
  });

  it('streams outputs larger than one chunk correctly', () => {
    const img = image([0x0800_0000, pattern(1 << 20, 7)], [0x0900_0000, pattern(1000, 3)]);
    const chunks = [...intelHex.write(img, {})];
    expect(chunks.length).toBeGreaterThan(1);
    expectSameBytes(img, decodeIntelHex(new TextDecoder().decode(collectBytes(chunks))).bytes);
  });
});

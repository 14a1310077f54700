/**
 * An ELF is read through a ByteSource: its headers and tables, then only the ranges a
 * conversion keeps, and the result is the same as from the bytes in memory.
 */
import { describe, expect, it } from 'vitest';
import { memorySource, type ByteSource } from '../src/byte-source.js';
import { planConversion, writePlan } from '../src/pipeline/convert.js';
import { readInput } from '../src/read/read-input.js';
import { collectBytes } from '../src/write/format.js';
import { intelHex } from '../src/write/hex.js';
import { parseRegion } from '../src/config/option-syntax.js';
import { buildElf, pattern } from './helpers/elf-builder.js';

const MiB = 1024 * 1024;

/** A source over `bytes` that records every read, and returns copies (as a file would). */
function countingSource(bytes: Uint8Array): ByteSource & { readonly reads: [number, number][] } {
  const reads: [number, number][] = [];
  return { size: bytes.length, reads, read: (offset, length) => (reads.push([offset, length]), bytes.slice(offset, offset + length)) };
}

describe('an ELF read through a ByteSource', () => {
  const elf = buildElf({ entry: 0x08000101, segments: [{ paddr: 0x08000000, data: pattern(MiB, 7) }], sections: 'auto' });
  const windows = [parseRegion('FLASH=0x08000000:64K')];

  it('reads the headers, the tables and the kept range, not the rest of a 1 MiB segment', () => {
    const source = countingSource(elf);
    const plan = planConversion(readInput(source), { windows, format: intelHex });
    const read = source.reads.reduce((sum, [, length]) => sum + length, 0);
    expect(plan.image.size).toBe(64 * 1024);
    // The kept 64 KiB, and a page or so for each header and table.
    expect(read).toBeLessThan(64 * 1024 + 4 * 4096);
    expect(source.reads.every(([offset, length]) => offset + length <= elf.length)).toBe(true);
  });

  it('converts to the same bytes as from memory', () => {
    const fromSource = collectBytes(writePlan(planConversion(readInput(countingSource(elf)), { windows, format: intelHex })));
    const fromMemory = collectBytes(writePlan(planConversion(readInput(memorySource(elf)), { windows, format: intelHex })));
    expect(fromSource).toEqual(collectBytes(writePlan(planConversion(readInput(elf), { windows, format: intelHex }))));
    expect(fromSource).toEqual(fromMemory);
  });

  it.each([20, 60, 100])('gives the same error for the file cut to %i bytes', (size) => {
    const cut = elf.subarray(0, size);
    const message = (read: () => unknown): string => {
      try {
        read();
      } catch (error) {
        return (error as Error).message;
      }
      return 'no error';
    };
    expect(message(() => readInput(countingSource(cut)))).toMatch(new RegExp(`past the end of the ${size}-byte file`));
    expect(message(() => readInput(countingSource(cut)))).toBe(message(() => readInput(cut)));
  });
});

/** Intel HEX lines for `bytes` at `address` (16-byte records, an 04 record at each 64 KiB), `eol` line ends. */
function hexText(bytes: Uint8Array, address: number, eol: string): string {
  const pair = (n: number) => n.toString(16).toUpperCase().padStart(2, '0');
  const record = (type: number, offset: number, data: Uint8Array) => {
    const body = [data.length, Math.floor(offset / 256), offset % 256, type, ...data];
    const sum = body.reduce((a, b) => a + b, 0);
    return ':' + body.map(pair).join('') + pair((256 - (sum % 256)) % 256) + eol;
  };
  let text = '';
  for (let at = 0; at < bytes.length; at += 16) {
    const a = address + at;
    if (at === 0 || a % 0x10000 === 0) text += record(4, 0, Uint8Array.of(Math.floor(a / 0x1000000), Math.floor(a / 0x10000) % 256));
    text += record(0, a % 0x10000, bytes.subarray(at, Math.min(at + 16, bytes.length)));
  }
  return text + ':00000001FF' + eol;
}

describe('an Intel HEX read through a ByteSource, a block at a time', () => {
  const data = pattern(3 * MiB + 5, 3);
  const text = new TextEncoder().encode(hexText(data, 0x08000000, '\r\n'));

  it('never reads more than a block at once, and reads the same pieces as in memory', () => {
    const source = countingSource(text);
    const input = readInput(source);
    expect(Math.max(...source.reads.map(([, length]) => length))).toBeLessThanOrEqual(MiB);
    const whole = readInput(text);
    if (input.format !== 'hex' || whole.format !== 'hex') throw new Error('not read as Intel HEX');
    const shape = (pieces: typeof input.pieces) => pieces.map(({ bytes, ...rest }) => ({ ...rest, size: bytes.length }));
    expect(shape(input.pieces)).toEqual(shape(whole.pieces));
    expect(shape(input.pieces)).toMatchObject([{ address: 0x08000000, size: data.length }]);
    expect(Buffer.from(input.pieces[0]!.bytes).equals(Buffer.from(data))).toBe(true);
  });

  it('keeps the line of every record in runs: an overlap names the line of the byte', () => {
    // Line 3 is the second data record (bytes 16-31); a record of line 3 put again at the end with one byte changed.
    const extra = Uint8Array.from(data.subarray(16, 32));
    extra[5] = (extra[5]! + 1) % 256;
    const lines = hexText(data.subarray(0, 64 * 1024), 0x08000000, '\n').split('\n');
    const conflicting = hexText(extra, 0x08000010, '\n').split('\n').slice(0, 2);
    const file = [...lines.slice(0, -2), ...conflicting, ...lines.slice(-2)].join('\n');
    let error: unknown;
    try {
      planConversion(readInput(countingSource(new TextEncoder().encode(file)), { name: 'a.hex' }), { windows: [parseRegion('F=0x08000000:1M')] });
    } catch (thrown) {
      error = thrown;
    }
    // Lines 1-4097: an 04 record and 4,096 data records; then the 04 record of the repeated one, and it.
    expect(error).toMatchObject({ message: expect.stringMatching(/different bytes at 0x08000015: .* at a\.hex:3$/), file: 'a.hex', line: 4099 });
  });

  it.each([2 * MiB + 100, 100])('gives the error of a line of %i bytes as in memory', (length) => {
    const bad = new TextEncoder().encode(':' + '0'.repeat(length) + 'G\n:00000001FF\n');
    const message = (input: Uint8Array | ByteSource): string => {
      try {
        readInput(input, { name: 'x.hex' });
      } catch (error) {
        return (error as Error).message;
      }
      return 'no error';
    };
    expect(message(countingSource(bad))).toMatch(/not a hex digit/);
    expect(message(countingSource(bad))).toBe(message(bad));
  });
});

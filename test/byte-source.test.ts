/**
 * An ELF is read through a ByteSource: its headers and tables, then only the ranges a
 * conversion keeps, and the result is the same as from the bytes in memory.
 */
import { describe, expect, it } from 'vitest';
import { memorySource, type ByteSource } from '../src/read/byte-source.js';
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

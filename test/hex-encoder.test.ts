import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sameImage } from '../scripts/bench/verify.js';
import { convert } from '../src/pipeline/convert.js';
import { collectBytes } from '../src/write/format.js';
import { intelHex } from '../src/write/hex.js';
import { MemoryImage } from '../src/image/memory-image.js';
import { parseRegion } from '../src/config/option-syntax.js';
import { buildElf, pattern } from './helpers/elf-builder.js';
import { decodeIntelHex } from './helpers/ihex-decode.js';
import { describeWithTools } from './helpers/tools.js';
import { tempFolder } from './helpers/temp.js';

/** An image of consecutive pieces of the given sizes from `address` on: one run made of many chunks. */
function piecewise(address: number, sizes: readonly number[]): MemoryImage {
  let at = address;
  return MemoryImage.from(
    sizes.map((size, i) => {
      const chunk = { address: at, bytes: pattern(size, i * 31), origin: `piece ${i}` };
      at += size;
      return chunk;
    }),
  );
}

function expectDecodesTo(img: MemoryImage, hex: Uint8Array): void {
  const decoded = decodeIntelHex(new TextDecoder().decode(hex)).bytes;
  const expected = new Map<number, number>();
  for (const c of img.chunks) c.bytes.forEach((b, i) => expected.set(c.address + i, b));
  expect(decoded).toEqual(expected);
}

// The encoder writes two data bytes per store and gathers records that span chunks into a
// scratch copy: odd lengths, chunk seams and 64 KiB seams are where it could go wrong.
describe('Intel HEX encoder paths', () => {
  const seams = piecewise(0x8000_fff0 - 37, [1, 2, 3, 17, 255, 1, 4096, 7, 65536, 3]);

  it.each([1, 2, 3, 15, 16, 17, 32, 33, 254, 255])('record length %i: every byte where it belongs, across chunk and 64 KiB seams', (recordLength) => {
    expectDecodesTo(seams, collectBytes(intelHex.write(seams, { recordLength, startAddress: 0x8000_0001 })));
  });

  it('encodes every pair of byte values (the table holds one entry per pair)', () => {
    const pairs = new Uint8Array(2 * 0x10000);
    for (let v = 0; v < 0x10000; v++) pairs.set([Math.floor(v / 256), v % 256], 2 * v);
    const img = MemoryImage.from([{ address: 0x2000_0000, bytes: pairs, origin: 'all pairs' }]);
    expectDecodesTo(img, collectBytes(intelHex.write(img, {})));
  });

  it('gives the same bytes with LF line ends, only shorter by one byte a line', () => {
    const crlf = new TextDecoder().decode(collectBytes(intelHex.write(seams, {})));
    const lf = new TextDecoder().decode(collectBytes(intelHex.write(seams, { eol: 'lf' })));
    expect(lf).toBe(crlf.replaceAll('\r\n', '\n'));
  });

  it('refills the same one or two buffers for a consumer that gives each chunk back, with the same output as a plain for...of', () => {
    const img = piecewise(0x0800_0000, [600_000, 5, 600_000]);
    const kept = collectBytes(intelHex.write(img, {}));
    const buffers = new Set<ArrayBufferLike>();
    const copies: Uint8Array[] = [];
    const iterator = intelHex.write(img, {})[Symbol.iterator]();
    for (let step = iterator.next(); step.done !== true; step = iterator.next(step.value)) {
      buffers.add(step.value.buffer);
      copies.push(step.value.slice());
    }
    expect(copies.length).toBeGreaterThan(3);
    expect(buffers.size).toBeLessThanOrEqual(2);
    expect(Buffer.from(collectBytes(copies)).equals(Buffer.from(kept))).toBe(true);
  });

  it('ignores what is not one of its own lent-out chunks, given back once or twice', () => {
    const img = piecewise(0x0800_0000, [1_200_000]);
    const kept = collectBytes(intelHex.write(img, {}));
    const iterator = intelHex.write(img, {})[Symbol.iterator]();
    const copies: Uint8Array[] = [];
    const first = iterator.next();
    if (first.done === true) throw new Error('no chunk');
    copies.push(first.value.slice());
    // A foreign array, then the first chunk twice: it may be refilled once, never handed out twice at a time.
    for (const back of [new Uint8Array(64), first.value, first.value]) {
      const step = iterator.next(back);
      if (step.done === true) break;
      copies.push(step.value.slice());
    }
    for (let step = iterator.next(); step.done !== true; step = iterator.next()) copies.push(step.value.slice());
    expect(Buffer.from(collectBytes(copies)).equals(Buffer.from(kept))).toBe(true);
  });

  it('keeps every chunk intact for a consumer that does not return them', () => {
    const img = piecewise(0x0800_0000, [1_200_000]);
    const chunks = [...intelHex.write(img, {})];
    expect(chunks.length).toBeGreaterThan(3);
    expect(new Set(chunks.map((c) => c.buffer)).size).toBe(chunks.length);
    expectDecodesTo(img, collectBytes(chunks));
  });
});

const work = tempFolder('hex-encoder').path;

// Large images, decoded by objcopy itself (HEX in, S-records out) for both files, so record
// layout may differ but not one byte, address or the start address.
describeWithTools('Intel HEX of multi-MiB images against GNU objcopy', ['arm-none-eabi-objcopy'], () => {
  const MiB = 1024 * 1024;
  const cases = [
    { name: '16 MiB at 0x08000000', segments: [{ paddr: 0x0800_0000, data: 16 * MiB }], regions: ['FLASH=0x08000000:16M'] },
    {
      name: '2 x 2 MiB, 3 GiB apart (addresses above 0x80000000)',
      segments: [
        { paddr: 0x0800_0000, data: 2 * MiB },
        { paddr: 0xc800_0000, data: 2 * MiB - 3 },
      ],
      regions: ['A=0x08000000:2M', 'B=0xC8000000:2M'],
    },
  ];
  it.each(cases)('$name', ({ name, segments, regions }) => {
    const stem = join(work, name.replace(/\W+/g, '-'));
    const elf = buildElf({ entry: 0x0800_0101, segments });
    writeFileSync(`${stem}.elf`, elf);
    writeFileSync(`${stem}.flashcut.hex`, convert(elf, { windows: regions.map((r) => parseRegion(r)) }).output);
    execFileSync('arm-none-eabi-objcopy', ['-O', 'ihex', `${stem}.elf`, `${stem}.objcopy.hex`]);
    expect(sameImage('hex', `${stem}.flashcut.hex`, `${stem}.objcopy.hex`, 'arm-none-eabi-objcopy')).toBeUndefined();
  });
});

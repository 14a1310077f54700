import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checksumByName } from '../src/checksums/checksum.js';
import { planConversion } from '../src/pipeline/convert.js';
import { findSymbol } from '../src/read/elf/symbols.js';
import { parseElf } from '../src/read/elf/parse.js';
import { LayoutError, UsageError } from '../src/errors.js';
import { collectBytes } from '../src/write/format.js';
import { intelHex } from '../src/write/hex.js';
import { alignToWriteUnit, fillGapsInWindows, padEachWindow, padWindows } from '../src/transform/fill.js';
import { insertChecksum } from '../src/transform/insert-checksum.js';
import { MemoryImage } from '../src/image/memory-image.js';
import { mergeImages } from '../src/select/merge.js';
import { parseRegion } from '../src/config/option-syntax.js';
import { pattern } from './helpers/elf-builder.js';
import { decodeIntelHex } from './helpers/ihex-decode.js';
import { image, imageToMap } from './helpers/images.js';
import { Random } from './helpers/random.js';
import { describeWithTools, srecCat } from './helpers/tools.js';
import { tempFolder } from './helpers/temp.js';

const root = new URL('..', import.meta.url).pathname;
const work = tempFolder('transforms').path;

const FLASH = parseRegion('FLASH=0x08000000:0xFF00');
const IDFLASH = parseRegion('IDFLASH=0x0800FF00:256');
const hexText = (img: MemoryImage) => new TextDecoder().decode(collectBytes(intelHex.write(img, {})));
const mapOf = (img: MemoryImage) => decodeIntelHex(hexText(img)).bytes;
const sampleImage = (name: string) => planConversion(readFileSync(join(root, `samples/stm32-seed/${name}.elf`)), { windows: [FLASH, IDFLASH] }).image;

/** Runs srec_cat over `img` (as Intel HEX) with `filters`, and decodes its Intel HEX output. */
function viaSrecCat(img: MemoryImage, filters: (file: string) => string[]): Map<number, number> {
  const input = join(work, 'in.hex');
  const output = join(work, 'out.hex');
  writeFileSync(input, hexText(img));
  srecCat([...filters(input), '-o', output, '-intel']);
  return decodeIntelHex(readFileSync(output, 'latin1')).bytes;
}

describe('alignment to the flash write unit', () => {
  it('extends every range outward to whole units with the fill value and reports the bytes added', () => {
    const { image: aligned, added } = alignToWriteUnit(image([0x1003, Uint8Array.of(1, 2, 3)], [0x1021, Uint8Array.of(4)]), 8, 0xff);
    expect(aligned.ranges()).toEqual([
      { start: 0x1000, end: 0x1008 },
      { start: 0x1020, end: 0x1028 },
    ]);
    expect(added).toEqual([
      { start: 0x1000, end: 0x1003 },
      { start: 0x1006, end: 0x1008 },
      { start: 0x1020, end: 0x1021 },
      { start: 0x1022, end: 0x1028 },
    ]);
    expect([...aligned.read(0x1000, 0x1008)]).toEqual([0xff, 0xff, 0xff, 1, 2, 3, 0xff, 0xff]);
  });

  it('never fills past the windows', () => {
    const img = image([0x0800_0004, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8)]);
    const { image: aligned, added } = alignToWriteUnit(img, 32, 0xff, [{ start: 0x0800_0004, end: 0x0800_000c }]);
    expect(added).toEqual([]);
    expect(aligned.ranges()).toEqual([{ start: 0x0800_0004, end: 0x0800_000c }]);
    expect(alignToWriteUnit(img, 32, 0xff, [{ start: 0x0800_0000, end: 0x0800_0100 }]).image.ranges()).toEqual([{ start: 0x0800_0000, end: 0x0800_0020 }]);
  });

  it.each([0, 3, 12, -8])('refuses a write unit of %i', (n) => {
    expect(() => alignToWriteUnit(image([0, pattern(1)]), n, 0xff)).toThrow(UsageError);
  });
});

describe('window padding and gap filling', () => {
  it('--pad-window covers the window exactly, keeping the image bytes', () => {
    const { image: padded, added } = padWindows(image([0x0800_ff00, pattern(16)]), [IDFLASH], 0xff);
    expect(padded.ranges()).toEqual([{ start: 0x0800_ff00, end: 0x0801_0000 }]);
    expect(added).toEqual([{ start: 0x0800_ff10, end: 0x0801_0000 }]);
    expect([...padded.read(0x0800_ff00, 0x0800_ff12)]).toEqual([...pattern(16), 0xff, 0xff]);
  });

  it('--fill-gaps fills holes between the first and last byte of each window only', () => {
    const img = image([0x0800_0000, pattern(4)], [0x0800_0010, pattern(4)], [0x0800_ff00, pattern(2)]);
    const { image: filled, added } = fillGapsInWindows(img, [FLASH, IDFLASH], 0);
    expect(added).toEqual([{ start: 0x0800_0004, end: 0x0800_0010 }]);
    expect(filled.ranges()).toEqual([
      { start: 0x0800_0000, end: 0x0800_0014 },
      { start: 0x0800_ff00, end: 0x0800_ff02 },
    ]);
  });

  it('padding several overlapping windows at once credits each hole to the first window, as padding them one by one does', () => {
    const random = new Random(11);
    for (let round = 0; round < 300; round++) {
      const windows = Array.from({ length: random.int(1, 6) }, (_, i) => {
        const start = random.int(0, 200);
        return { name: `W${i}`, start, end: start + random.int(1, 60), source: 'test' };
      });
      // Disjoint pieces, one per 64-byte slot.
      const img = image(...Array.from({ length: random.int(0, 4) }, (_, k): [number, Uint8Array] => [64 * k + random.int(0, 40), pattern(random.int(1, 20))]));
      const once = padEachWindow(img, windows, 0xaa);
      let current = img;
      windows.forEach((w, i) => {
        const one = padWindows(current, [w], 0xaa);
        expect(once.added[i], `round ${round}, window ${i}`).toEqual(one.added);
        current = one.image;
      });
      expect(imageToMap(once.image)).toEqual(imageToMap(current));
    }
  });
});

describe('merging inputs', () => {
  const boot = image([0x0800_0000, pattern(32, 1), 'boot.elf segment 0 (.text)']);
  const app = image([0x0800_4000, pattern(64, 2), 'app.elf segment 0 (.isr_vector .text)']);

  it('gives the union of disjoint images', () => {
    const merged = mergeImages([boot, app]);
    expect(mapOf(merged)).toEqual(new Map([...mapOf(boot), ...mapOf(app)]));
  });

  it('refuses different bytes at one address, naming both inputs and the address', () => {
    const clash = image([0x0800_001f, Uint8Array.of(0xaa, 0xbb), 'app.elf segment 0 (.text)']);
    expect(() => mergeImages([boot, clash])).toThrow(LayoutError);
    expect(() => mergeImages([boot, clash])).toThrow(/boot\.elf segment 0 \(\.text\) and app\.elf segment 0 \(\.text\) put different bytes at 0x0800001F/);
  });

  it('accepts identical bytes, and resolves with --overlap replace or keep', () => {
    const same = image([0x0800_0010, pattern(32, 1).subarray(16), 'copy']);
    expect(mapOf(mergeImages([boot, same]))).toEqual(mapOf(boot));
    const clash = image([0x0800_001f, Uint8Array.of(0xaa, 0xbb), 'later']);
    expect([...mergeImages([boot, clash], 'replace').read(0x0800_001e, 0x0800_0021)]).toEqual([30 + 1, 0xaa, 0xbb]);
    expect([...mergeImages([boot, clash], 'keep').read(0x0800_001e, 0x0800_0021)]).toEqual([30 + 1, 31 + 1, 0xbb]);
  });
});

describe('checksum insertion', () => {
  const crc32 = checksumByName('crc32');
  it('refuses a place outside the kept bytes', () => {
    expect(() => insertChecksum(image([0x0800_0000, pattern(16)]), [FLASH], { algorithm: crc32, address: 0x0800_0020 })).toThrow(
      /checksum's place 0x08000020-0x08000023 is not inside the kept bytes/,
    );
  });
  it('refuses a range with unfilled holes, and accepts it once they are filled', () => {
    const img = image([0x0800_0000, pattern(16)], [0x0800_0020, pattern(8)]);
    const request = { algorithm: crc32, address: 0x0800_0024 };
    expect(() => insertChecksum(img, [FLASH], request)).toThrow(/16 unfilled bytes, the first at 0x08000010: fill them with options.fillGaps or options.padWindows/);
    const filled = fillGapsInWindows(img, [FLASH], 0xff).image;
    expect(insertChecksum(filled, [FLASH], request).inserted.range).toEqual({ start: 0x0800_0000, end: 0x0800_0028 });
  });
  it('does not modify the input bytes', () => {
    const bytes = pattern(16);
    insertChecksum(image([0x0800_0000, bytes]), [FLASH], { algorithm: crc32, address: 0x0800_000c });
    expect([...bytes]).toEqual([...pattern(16)]);
  });
});

describeWithTools('transforms against srec_cat and binutils', ['srec_cat', 'arm-none-eabi-nm', 'arm-none-eabi-objdump'], () => {
  it.each([
    ['sane', 8],
    ['broken', 32],
    ['sane', 256],
  ] as const)('%s sample aligned to %i equals srec_cat -range-pad', (name, unit) => {
    const img = sampleImage(name);
    const ours = alignToWriteUnit(img, unit, 0xff).image;
    for (const r of ours.ranges()) expect([r.start % unit, r.end % unit]).toEqual([0, 0]);
    const theirs = viaSrecCat(img, (f) => [f, '-intel', '-fill', '0xFF', '-within', f, '-intel', '-range-pad', String(unit)]);
    expect(mapOf(ours)).toEqual(theirs);
  });

  it('--pad-window equals srec_cat -fill over the windows', () => {
    const img = sampleImage('broken');
    const ours = padWindows(img, [FLASH, IDFLASH], 0xff).image;
    expect(mapOf(ours)).toEqual(viaSrecCat(img, (f) => [f, '-intel', '-fill', '0xFF', '0x08000000', '0x08010000']));
  });

  it.each(['crc32', 'crc32-stm32', 'sum32'] as const)('%s inserted over a padded window equals srec_cat', (algorithmName) => {
    const where = 0x0800_fffc;
    const padded = padWindows(sampleImage('broken'), [FLASH, IDFLASH], 0xff).image;
    const ours = insertChecksum(padded, [FLASH, IDFLASH], { algorithm: checksumByName(algorithmName), address: where, range: { start: 0x0800_0000, end: 0x0801_0000 } });
    const filter = { crc32: ['-crc32-l-e'], 'crc32-stm32': ['-STM32'], sum32: ['-checksum-positive-l-e'] }[algorithmName];
    const extra = algorithmName === 'sum32' ? ['4', '1'] : [];
    // srec_cat computes over all its data: the placeholder is cropped out first, then the result goes in.
    const theirs = viaSrecCat(padded, (f) => [f, '-intel', '-exclude', `0x${where.toString(16)}`, `0x${(where + 4).toString(16)}`, ...filter, `0x${where.toString(16)}`, ...extra]);
    expect(mapOf(ours.image)).toEqual(theirs);
  });

  it('finds symbols at their load addresses, as nm and objdump place them', () => {
    const path = join(root, 'samples/stm32-seed/sane.elf');
    const elf = parseElf(readFileSync(path));
    const nm = execFileSync('arm-none-eabi-nm', [path], { encoding: 'utf8' });
    const nmValue = (symbol: string) => parseInt(new RegExp(`^([0-9a-f]{8}) \\w ${symbol}$`, 'm').exec(nm)?.[1] ?? 'x', 16);
    expect(findSymbol(elf, 'g_device_id')).toMatchObject({ value: nmValue('g_device_id'), lma: nmValue('g_device_id') });
    // g_magic lives in .data: its load address is its run address moved by .data's LMA - VMA (objdump -h).
    const dataLine = /\.data\s+[0-9a-f]+\s+([0-9a-f]{8})\s+([0-9a-f]{8})/.exec(execFileSync('arm-none-eabi-objdump', ['-h', path], { encoding: 'utf8' }));
    const [vma, lma] = [parseInt(dataLine?.[1] ?? 'x', 16), parseInt(dataLine?.[2] ?? 'x', 16)];
    expect(findSymbol(elf, 'g_magic')).toMatchObject({ value: nmValue('g_magic'), lma: nmValue('g_magic') - vma + lma });
    expect(findSymbol(elf, 'no_such_symbol')).toBeUndefined();
  });
});

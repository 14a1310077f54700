import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32 } from '../src/checksums/crc32.js';
import { UsageError } from '../src/errors.js';
import { dfuse } from '../src/write/dfuse.js';
import { collectBytes, type WriteOptions } from '../src/write/format.js';
import { uf2 } from '../src/write/uf2.js';
import { UF2_FAMILIES, uf2FamilyId } from '../src/write/uf2-families.js';
import type { MemoryImage } from '../src/image/memory-image.js';
import { decodeDfuse } from './helpers/dfuse-decode.js';
import { imageOf, imageToMap, randomBytes } from './helpers/images.js';
import { decodeUf2 } from './helpers/uf2-decode.js';

describe('CRC-32', () => {
  it('gives the check value of "123456789"', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('matches zlib on random data, whole and continued in parts', () => {
    for (const length of [0, 1, 7, 1000, 65537]) {
      const data = randomBytes(length, length + 3);
      expect(crc32(data)).toBe(zlibCrc32(data));
      const cut = Math.floor(length / 3);
      expect(crc32(data.subarray(cut), crc32(data.subarray(0, cut)))).toBe(zlibCrc32(data));
    }
  });
});

const writeDfu = (image: MemoryImage, options: WriteOptions = {}) => decodeDfuse(collectBytes(dfuse.write(image, options)));

describe('DfuSe writer', () => {
  const image = imageOf([[0x0800_0000, 1000], [0x0800_4000, 16], [0x1fff_7800, 3]]);

  it('writes one target with one element per contiguous range, every byte at its address', () => {
    const file = writeDfu(image);
    expect(file.targets).toHaveLength(1);
    expect(file.targets[0]!.elements.map((e) => [e.address, e.data.length])).toEqual([
      [0x0800_0000, 1000],
      [0x0800_4000, 16],
      [0x1fff_7800, 3],
    ]);
    expect(file.bytes).toEqual(imageToMap(image));
  });

  it('writes the default suffix: device 0xFFFF, product 0xDF11, vendor 0x0483, DFU 1.1a', () => {
    expect(writeDfu(image).suffix).toMatchObject({ device: 0xffff, product: 0xdf11, vendor: 0x0483, bcdDfu: 0x011a });
  });

  it('takes alternate setting, target name and suffix IDs from the options', () => {
    const file = writeDfu(image, { dfuAlt: 1, dfuTargetName: 'Internal Flash', dfuVendor: 0x1209, dfuProduct: 0x0001, dfuDevice: 0x0200 });
    expect(file.targets[0]).toMatchObject({ alternate: 1, named: true, name: 'Internal Flash' });
    expect(file.suffix).toMatchObject({ device: 0x0200, product: 0x0001, vendor: 0x1209 });
  });

  it('leaves the target unnamed by default', () => {
    expect(writeDfu(image).targets[0]).toMatchObject({ alternate: 0, named: false, name: '' });
  });

  it.each([
    { option: { dfuAlt: 256 } },
    { option: { dfuAlt: -1 } },
    { option: { dfuVendor: 0x10000 } },
    { option: { dfuProduct: 1.5 } },
    { option: { dfuTargetName: 'x'.repeat(255) } },
  ])('refuses $option', ({ option }) => {
    expect(() => writeDfu(image, option)).toThrow(UsageError);
  });
});

const writeUf2 = (image: MemoryImage, options: WriteOptions = {}) => decodeUf2(collectBytes(uf2.write(image, options)));

describe('UF2 writer', () => {
  it('writes one block per 256-byte page with kept bytes, fill 0xFF elsewhere in the page', () => {
    const image = imageOf([[0x0800_0010, 0x100], [0x0800_0300, 1], [0x0800_0380, 2]]);
    const { blocks, bytes } = writeUf2(image);
    expect(blocks.map((b) => b.targetAddr)).toEqual([0x0800_0000, 0x0800_0100, 0x0800_0300]);
    expect(blocks.every((b) => b.payloadSize === 256 && b.tail.every((x) => x === 0))).toBe(true);
    const kept = imageToMap(image);
    for (const [address, value] of bytes) expect(value).toBe(kept.get(address) ?? 0xff);
    expect([...kept.keys()].every((a) => bytes.has(a))).toBe(true);
  });

  it('fills with the fill option', () => {
    const { bytes } = writeUf2(imageOf([[0x2000_0001, 1]]), { fill: 0 });
    expect(bytes.get(0x2000_0000)).toBe(0);
    expect(bytes.get(0x2000_00ff)).toBe(0);
  });

  it('sets the family flag and ID when a family is given, and neither without one', () => {
    const image = imageOf([[0x1000_0000, 600]]);
    const withFamily = writeUf2(image, { uf2Family: 0xe48bff56 }).blocks;
    expect(withFamily.every((b) => b.flags === 0x2000 && b.familyOrSize === 0xe48bff56)).toBe(true);
    expect(writeUf2(image).blocks.every((b) => b.flags === 0 && b.familyOrSize === 0)).toBe(true);
  });

  it('numbers more blocks than one output chunk holds without a gap', () => {
    const { blocks } = writeUf2(imageOf([[0, 2049 * 256 + 5]]));
    expect(blocks).toHaveLength(2050);
  });
});

describe('UF2 family names', () => {
  it.each([
    ['STM32F4', 0x57755a57],
    ['stm32l4', 0x00ff6919],
    ['STM32H7', 0x6db66082],
    ['RP2040', 0xe48bff56],
    ['NRF52840', 0xada52840],
    ['0xE48BFF56', 0xe48bff56],
  ])('%s is 0x%s', (name, id) => {
    expect(uf2FamilyId(name)).toBe(id);
  });

  it('has no name twice', () => {
    const names = [...UF2_FAMILIES.keys()].map((n) => n.toUpperCase());
    expect(new Set(names).size).toBe(names.length);
  });

  it('refuses an unknown name and a number beyond 32 bits', () => {
    expect(() => uf2FamilyId('STM32X9')).toThrow(UsageError);
    expect(() => uf2FamilyId('0x100000000')).toThrow(UsageError);
  });
});

import { thrown } from './helpers/thrown.js';
import { describe, expect, it } from 'vitest';
import { image } from './helpers/images.js';
import { LayoutError, LimitError, UsageError } from '../src/errors.js';
import { rawBinary } from '../src/write/bin.js';
import { collectBytes, type WriteOptions } from '../src/write/format.js';
import { MemoryImage } from '../src/image/memory-image.js';
import { pattern } from './helpers/elf-builder.js';

const bin = (img: MemoryImage, options: WriteOptions = {}) => collectBytes(rawBinary.write(img, options));

describe('BIN writer', () => {
  it('starts at the lowest kept address and fills gaps with 0xFF', () => {
    const out = bin(image([0x0800_0010, Uint8Array.of(1, 2)], [0x0800_0014, Uint8Array.of(3)]));
    expect([...out]).toEqual([1, 2, 0xff, 0xff, 3]);
  });

  it('fills a small hole between two windows (500 bytes)', () => {
    const out = bin(image([0x0800_0000, pattern(12)], [0x0800_0000 + 12 + 500, pattern(4)]));
    expect(out.length).toBe(516);
    expect(out.subarray(12, 512).every((b) => b === 0xff)).toBe(true);
    expect([...out.subarray(512)]).toEqual([0, 1, 2, 3]);
  });

  it('uses --fill', () => {
    expect([...bin(image([0, Uint8Array.of(1)], [3, Uint8Array.of(2)]), { fill: 0 })]).toEqual([1, 0, 0, 2]);
  });

  it('starts at --base with fill before the first byte', () => {
    expect([...bin(image([0x1002, Uint8Array.of(7)]), { base: 0x1000 })]).toEqual([0xff, 0xff, 7]);
  });

  it('refuses a --base above the lowest kept byte', () => {
    expect(() => bin(image([0x1000, Uint8Array.of(7)]), { base: 0x1001 })).toThrow(LayoutError);
  });

  it('extends to --pad-to', () => {
    expect([...bin(image([0x10, Uint8Array.of(7)]), { padTo: 0x14 })]).toEqual([7, 0xff, 0xff, 0xff]);
    expect([...bin(image([0x10, Uint8Array.of(7, 8)]), { padTo: 0x12 })]).toEqual([7, 8]);
  });

  // objcopy --pad-to below the end writes the file unpadded without a word; the user asked for a
  // size the file cannot have, so flashcut says so (and names the option for the front end).
  it('refuses a padTo below the end of the image', () => {
    const error = thrown(() => bin(image([0x10, Uint8Array.of(7, 8)]), { padTo: 0x11 }));
    expect(error).toMatchObject({ kind: 'usage', option: 'padTo' });
    expect(error.message).toBe('options.padTo 0x00000011: the image runs to 0x00000011, and padding cannot shorten the file: give 0x00000012 or more, or leave it out');
  });

  it('refuses fill beyond --max-gap, naming both ranges and the size, before producing anything', () => {
    // Content in FLASH at 0x08000000 and in an OTP window at 0x1FFF7800 would mean a 384 MiB file.
    const img = image([0x0800_0000, pattern(16)], [0x1fff_7800, pattern(16)]);
    expect(() => rawBinary.write(img, {})).toThrow(LimitError);
    expect(() => rawBinary.write(img, {})).toThrow(
      /402,618,352 bytes of fill between 0x08000000-0x0800000F and 0x1FFF7800-0x1FFF780F, more than options.maxGap 16,777,216: write Intel HEX, or one BIN per window with options.split/,
    );
    expect(() => rawBinary.write(image([0, pattern(1)]), { padTo: 0x1000, maxGap: 100 })).toThrow(/options.padTo 0x00001000/);
    expect(bin(image([0, pattern(1)], [101, pattern(1)]), { maxGap: 100 }).length).toBe(102);
  });

  it.each([256, -1, 0.5])('rejects fill %s', (fill) => {
    expect(() => rawBinary.write(image([0, pattern(1)]), { fill })).toThrow(UsageError);
  });

  it('refuses an empty image', () => {
    expect(() => rawBinary.write(image(), {})).toThrow(/nothing to write/);
  });

  it('hands out the kept bytes without copying them', () => {
    const bytes = pattern(64);
    const chunks = [...rawBinary.write(image([0x100, bytes]), {})];
    expect(chunks[0]?.buffer).toBe(bytes.buffer);
  });
});

import { describe, expect, it } from 'vitest';
import { UsageError } from '../src/errors.js';
import { intersectSpans, mergeSpans, subtractSpans } from '../src/image/spans.js';
import { parseRegion } from '../src/config/option-syntax.js';
import { count, hex32, parseNumber } from '../src/numbers.js';

describe('parseRegion', () => {
  it.each([
    ['FLASH=0x08000000:0xFF00', 'FLASH', 0x0800_0000, 0x0800_ff00],
    ['IDFLASH=0x0800FF00:256', 'IDFLASH', 0x0800_ff00, 0x0801_0000],
    ['0x08000000:512K', '0x08000000', 0x0800_0000, 0x0808_0000],
    ['QSPI=0x90000000:16M', 'QSPI', 0x9000_0000, 0x9100_0000],
    ['TOP=0xFFFFFF00:256', 'TOP', 0xffff_ff00, 0x1_0000_0000],
    ['bank_2.a=134348800:1k', 'bank_2.a', 0x0802_0000, 0x0802_0400],
  ])('%s', (text, name, start, end) => {
    expect(parseRegion(text)).toMatchObject({ name, start, end, source: '--region' });
  });

  it.each([
    ['FLASH', /expected \[NAME=\]ORIGIN:LENGTH/],
    ['FLASH=0x08000000', /expected/],
    ['FLASH=zz:12', /'zz' is not a number/],
    ['FLASH=0x08000000:0', /the length is zero/],
    ['X=0xFFFFFFFF:2', /runs past the 32-bit address space/],
    ['X=0x100000000:2', /beyond the 32-bit address space/],
    ['X=0x0800:1G', /'1G' is not a number/],
  ])('rejects %s', (text, message) => {
    expect(() => parseRegion(text)).toThrow(UsageError);
    expect(() => parseRegion(text)).toThrow(message);
  });
});

describe('numbers', () => {
  it.each([
    ['0x10', 16],
    ['0X1f', 31],
    ['65280', 65280],
    ['512K', 524288],
    ['16M', 16777216],
    ['0xFFk', 255 * 1024],
  ])('parseNumber(%s)', (text, value) => expect(parseNumber(text, 'n')).toBe(value));

  it('formats addresses without sign trouble at 0x80000000 and above', () => {
    expect(hex32(0x8000_0000)).toBe('0x80000000');
    expect(hex32(0xffff_ffff)).toBe('0xFFFFFFFF');
    expect(count(402663516)).toBe('402,663,516');
  });
});

describe('span algebra', () => {
  const s = (start: number, end: number) => ({ start, end });
  it('merges overlapping and touching spans', () => {
    expect(mergeSpans([s(5, 6), s(0, 2), s(2, 3), s(1, 2), s(7, 7)])).toEqual([s(0, 3), s(5, 6)]);
  });
  it('intersects', () => {
    expect(intersectSpans([s(0, 10), s(20, 30)], [s(5, 25)])).toEqual([s(5, 10), s(20, 25)]);
  });
  it('subtracts', () => {
    expect(subtractSpans([s(0, 10), s(20, 30)], [s(5, 25), s(28, 40)])).toEqual([s(0, 5), s(25, 28)]);
    expect(subtractSpans([s(0, 10)], [])).toEqual([s(0, 10)]);
  });
});

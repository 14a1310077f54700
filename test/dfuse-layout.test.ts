import { describe, expect, it } from 'vitest';
import { LayoutError, UsageError } from '../src/errors.js';
import { assertWritable, dfuseWindows, parseDfuseLayout, touchedSectors } from '../src/windows/dfuse-layout.js';

/** What dfu-util -l prints for the system boot loader of an STM32F401xE (RM0368: sectors 0-3 16 KiB, 4 64 KiB, 5-7 128 KiB). */
const F401 = '@Internal Flash  /0x08000000/04*016Kg,01*064Kg,03*128Kg';
/** Sector starts of the STM32F401xE from RM0368 table 5, and the end of flash. */
const F401_SECTOR_STARTS = [0x0800_0000, 0x0800_4000, 0x0800_8000, 0x0800_C000, 0x0801_0000, 0x0802_0000, 0x0804_0000, 0x0806_0000, 0x0808_0000];

describe('DfuSe layout strings', () => {
  it('reads name, runs, units and type letters', () => {
    const layout = parseDfuseLayout(F401);
    expect(layout.name).toBe('Internal Flash');
    expect(layout.runs.map((r) => [r.start, r.count, r.sectorSize, r.firstSector, r.type])).toEqual([
      [0x0800_0000, 4, 16 * 1024, 0, 'g'],
      [0x0801_0000, 1, 64 * 1024, 4, 'g'],
      [0x0802_0000, 3, 128 * 1024, 5, 'g'],
    ]);
  });

  it('puts every F401 sector where the reference manual does', () => {
    const layout = parseDfuseLayout(F401);
    for (let sector = 0; sector < 8; sector++) {
      const start = F401_SECTOR_STARTS[sector]!;
      expect(touchedSectors(layout, [{ start, end: start + 1 }])).toEqual([{ first: sector, last: sector, start, end: F401_SECTOR_STARTS[sector + 1] }]);
    }
  });

  it('reads several /address/ groups, byte units with a space, and the a..g bits', () => {
    const layout = parseDfuseLayout('@Option Bytes  /0x1FFFC000/01*016 e/0x1FFEC000/02*008Ba,01*4 b/0x90000000/01*1Mf,01*2Kc,01*1Kd,02*64d');
    expect(layout.runs.map((r) => [r.start, r.sectorSize, r.count, r.readable, r.erasable, r.writable])).toEqual([
      [0x1fff_c000, 16, 1, true, false, true],
      [0x1ffe_c000, 8, 2, true, false, false],
      [0x1ffe_c010, 4, 1, false, true, false],
      [0x9000_0000, 1024 * 1024, 1, false, true, true],
      [0x9010_0000, 2048, 1, true, true, false],
      [0x9010_0800, 1024, 1, false, false, true],
      [0x9010_0c00, 64, 2, false, false, true],
    ]);
  });

  it.each([
    ['Internal Flash /0x08000000/04*016Kg', 1, "'@' and the memory name"],
    ['@Flash /08000000/04*016Kg', 9, "a start address '0x...' and '/', found \"08000000/04*\""],
    ['@Flash /0x08000000/04*016Kx', 20, 'a sector run COUNT*SIZE'],
    ['@Flash /0x08000000/04*016Qg', 20, 'a sector run COUNT*SIZE'],
    ['@Flash /0x08000000/04*016Kg,', 29, "a sector run COUNT*SIZE, a unit (' ', B, K or M) and a type letter a..g, found the end"],
    ['@Flash /0x08000000/04*016Kg;', 28, "',' and another sector run, or '/' and another start address, found \";\""],
    ['@Flash /0x08000000/00*016Kg', 20, 'a sector run with at least one sector of at least one byte'],
    ['@Flash /0xFFFF0000/02*064Kg', 20, 'a sector run that ends within the 32-bit address space (this one starts at 0xFFFF0000)'],
  ])('%s fails at character %i', (text, column, expected) => {
    expect(() => parseDfuseLayout(text)).toThrow(UsageError);
    expect(() => parseDfuseLayout(text)).toThrow(`options.dfuseLayout, character ${column}: expected ${expected}`);
  });

  it('refuses overlapping groups', () => {
    expect(() => parseDfuseLayout('@X /0x08000000/02*016Kg/0x08004000/01*016Kg')).toThrow("options.dfuseLayout: sectors at 0x08000000 and 0x08004000 overlap");
  });

  it('accepts the trailing spaces and NUL of a fixed-size descriptor', () => {
    expect(parseDfuseLayout(F401 + '  \0').runs).toHaveLength(3);
  });
});

describe('DfuSe windows and sectors', () => {
  it('makes one window per contiguous writable stretch', () => {
    const layout = parseDfuseLayout('@Internal Flash  /0x08000000/01*016Ka,03*016Kg,01*064Kg/0x1FFF7800/01*528 e');
    expect(dfuseWindows(layout, '--dfuse-layout')).toEqual([
      { name: 'Internal_Flash', start: 0x0800_4000, end: 0x0802_0000, source: '--dfuse-layout: writable sectors 1-4 of Internal Flash' },
      { name: 'Internal_Flash_2', start: 0x1fff_7800, end: 0x1fff_7a10, source: '--dfuse-layout: writable sectors 5 of Internal Flash' },
    ]);
  });

  it('refuses a layout with nothing writable', () => {
    expect(() => dfuseWindows(parseDfuseLayout('@ROM /0x1FFF0000/01*030Ka'), 'x')).toThrow("options.dfuseLayout: no sector is writable (type d, e, f or g)");
  });

  it('names the sectors a download erases, merging neighbours', () => {
    const layout = parseDfuseLayout(F401);
    expect(
      touchedSectors(layout, [
        { start: 0x0800_0000, end: 0x0800_4001 },
        { start: 0x0800_FF00, end: 0x0801_0010 },
        { start: 0x0807_FFFF, end: 0x0808_0000 },
        { start: 0x2000_0000, end: 0x2000_1000 },
      ]),
    ).toEqual([
      { first: 0, last: 1, start: 0x0800_0000, end: 0x0800_8000 },
      { first: 3, last: 4, start: 0x0800_C000, end: 0x0802_0000 },
      { first: 7, last: 7, start: 0x0806_0000, end: 0x0808_0000 },
    ]);
  });

  it('refuses bytes in a sector that is not writable, naming sector and sections', () => {
    const layout = parseDfuseLayout('@Internal Flash  /0x08000000/01*016Ka,03*016Kg');
    const ranges = [{ origin: 'segment 0', segment: 0, start: 0x0800_3F00, end: 0x0800_4100, sections: ['.isr_vector', '.text'] }];
    expect(() => assertWritable(layout, ranges)).toThrow(LayoutError);
    expect(() => assertWritable(layout, ranges)).toThrow(
      '256 bytes at 0x08003F00-0x08003FFF (.isr_vector .text) land in sector 0 of Internal Flash, type a (readable): not writable, so a DFU download would fail',
    );
    expect(() => assertWritable(layout, [{ origin: 'segment 0', segment: 0, start: 0x2000_0000, end: 0x2000_0100, sections: [] }])).not.toThrow();
  });
});

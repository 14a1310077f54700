import { describe, expect, it } from 'vitest';
import { parseElf } from '../src/read/elf/parse.js';
import { LayoutError } from '../src/errors.js';
import { MemoryImage } from '../src/image/memory-image.js';
import { selectFlashBytes } from '../src/select/select.js';
import type { FlashWindow } from '../src/windows/window.js';
import { parseRegion } from '../src/config/option-syntax.js';
import { buildElf, pattern, SHF_ALLOC, SHF_WRITE, SHT_NOBITS, type ElfSpec } from './helpers/elf-builder.js';

const FLASH = parseRegion('FLASH=0x08000000:0xFF00');
const IDFLASH = parseRegion('IDFLASH=0x0800FF00:256');

function select(spec: ElfSpec, windows: FlashWindow[] = [FLASH, IDFLASH]) {
  return selectFlashBytes(parseElf(buildElf(spec)), windows);
}

/** The image as [address, bytes] pairs of its contiguous runs. */
function runsOf(image: MemoryImage): [number, number[]][] {
  return image.runs().map((r) => [r.start, r.chunks.flatMap((c) => [...c.bytes])]);
}

describe.each([true, false])('selection (littleEndian=%s)', (littleEndian) => {
  it('places .data at its load address, not its RAM address', () => {
    const sel = select({
      littleEndian,
      segments: [
        { paddr: 0x0800_0000, data: pattern(8, 1) },
        { paddr: 0x0800_0008, vaddr: 0x2000_0000, data: pattern(4, 9), memsz: 16 },
      ],
    });
    expect(runsOf(sel.image)).toEqual([[0x0800_0000, [...pattern(8, 1), ...pattern(4, 9)]]]);
    expect(sel.dropped).toEqual([]);
  });

  it('drops a segment outside every window with its index, range and sections', () => {
    const sel = select({
      littleEndian,
      segments: [
        { paddr: 0x0800_0000, data: 16 },
        { paddr: 0x2000_235c, data: 0x600 },
      ],
      sections: [
        { name: '.text', segment: 0 },
        { name: '._user_heap_stack', segment: 1, size: 0x600, flags: SHF_ALLOC | SHF_WRITE },
      ],
    });
    expect(sel.image.size).toBe(16);
    expect(sel.dropped).toEqual([
      { origin: 'segment 1', segment: 1, start: 0x2000_235c, end: 0x2000_295c, sections: ['._user_heap_stack'], reason: 'outside-windows' },
    ]);
  });

  it('clips a segment that crosses a window edge and reports the part dropped', () => {
    const sel = select({ littleEndian, segments: [{ paddr: 0x0800_fff0, data: 0x20 }] }, [IDFLASH]);
    expect(sel.image.ranges()).toEqual([{ start: 0x0800_fff0, end: 0x0801_0000 }]);
    expect(sel.dropped).toEqual([{ origin: 'segment 0', segment: 0, start: 0x0801_0000, end: 0x0801_0010, sections: ['.seg0'], reason: 'outside-windows' }]);
  });

  it('treats touching windows as one span', () => {
    const sel = select({ littleEndian, segments: [{ paddr: 0x0800_fe00, data: 0x200 }] });
    expect(sel.image.ranges()).toEqual([{ start: 0x0800_fe00, end: 0x0801_0000 }]);
    expect(sel.dropped).toEqual([]);
  });

  it('never programs ELF and program headers swept into the first segment', () => {
    // An application linked at 0x08008000 whose first segment starts a page lower, at 0x08007000.
    const sel = select(
      { littleEndian, segments: [{ paddr: 0x0800_8000, data: 32, headerBytes: 0x1000 }], sections: [{ name: '.isr_vector', segment: 0 }] },
      [parseRegion('APP=0x08004000:64K')],
    );
    expect(sel.image.ranges()).toEqual([{ start: 0x0800_8000, end: 0x0800_8020 }]);
    const headers = sel.dropped.filter((d) => d.reason === 'elf-headers');
    const padding = sel.dropped.filter((d) => d.reason === 'padding');
    expect(headers).toEqual([{ origin: 'segment 0', segment: 0, start: 0x0800_7000, end: 0x0800_7000 + 52 + 32, sections: [], reason: 'elf-headers' }]);
    expect(padding).toEqual([{ origin: 'segment 0', segment: 0, start: 0x0800_7000 + 84, end: 0x0800_8000, sections: [], reason: 'padding' }]);
  });

  it('converts a stripped file minus its header bytes', () => {
    const sel = select({ littleEndian, segments: [{ paddr: 0x0800_8000, data: pattern(32, 3), headerBytes: 0x100 }], sections: 'none' }, [
      parseRegion('0x08000000:64K'),
    ]);
    expect(runsOf(sel.image)).toEqual([[0x0800_7f00 + 84, [...new Uint8Array(0x100 - 84), ...pattern(32, 3)]]]);
    expect(sel.dropped.map((d) => d.reason)).toEqual(['elf-headers']);
  });

  it('programs only section-covered bytes: NOBITS and padding inside a segment are gaps', () => {
    const sel = select({
      littleEndian,
      segments: [{ paddr: 0x0800_0000, data: 64 }],
      sections: [
        { name: '.a', segment: 0, offset: 0, size: 10 },
        { name: '.b', segment: 0, offset: 16, size: 16 },
        { name: '.zero', segment: 0, offset: 32, size: 16, type: SHT_NOBITS },
        { name: '.c', segment: 0, offset: 48, size: 16, type: 14 /* SHT_INIT_ARRAY */ },
      ],
    });
    expect(sel.image.ranges()).toEqual([
      { start: 0x0800_0000, end: 0x0800_000a },
      { start: 0x0800_0010, end: 0x0800_0020 },
      { start: 0x0800_0030, end: 0x0800_0040 },
    ]);
    expect(sel.dropped.map((d) => [d.reason, d.start, d.end])).toEqual([
      ['padding', 0x0800_000a, 0x0800_0010],
      ['padding', 0x0800_0020, 0x0800_0030],
    ]);
  });

  it('accepts two segments that put identical bytes at one address', () => {
    const same = pattern(16, 5);
    const sel = select({ littleEndian, segments: [{ paddr: 0x0800_0000, data: same }, { paddr: 0x0800_0008, data: same.slice(8) }] });
    expect(runsOf(sel.image)).toEqual([[0x0800_0000, [...same]]]);
  });

  it('refuses two segments that put different bytes at one address, naming both', () => {
    const spec: ElfSpec = { littleEndian, segments: [{ paddr: 0x0800_0000, data: pattern(16, 0) }, { paddr: 0x0800_0008, data: pattern(16, 100) }] };
    expect(() => select(spec)).toThrow(LayoutError);
    expect(() => select(spec)).toThrow(/segment 0 \(\.seg0\) and segment 1 \(\.seg1\) put different bytes at 0x08000008/);
  });

  it('keeps content at and above 0x80000000', () => {
    const sel = select({ littleEndian, segments: [{ paddr: 0x9000_0000, data: 16 }, { paddr: 0xffff_fff0, data: 16 }] }, [parseRegion('X=0x80000000:0x80000000')]);
    expect(sel.image.ranges()).toEqual([
      { start: 0x9000_0000, end: 0x9000_0010 },
      { start: 0xffff_fff0, end: 0x1_0000_0000 },
    ]);
  });

  it('places segments at their run addresses when every p_paddr is 0, as BFD does', () => {
    const elf = parseElf(buildElf({ littleEndian, segments: [{ paddr: 0, vaddr: 0x0800_0000, data: 8 }, { paddr: 0, vaddr: 0x0800_0100, data: 4 }] }));
    expect(elf.lmaFromVaddr).toBe(true);
    expect(selectFlashBytes(elf, [FLASH]).image.ranges()).toEqual([
      { start: 0x0800_0000, end: 0x0800_0008 },
      { start: 0x0800_0100, end: 0x0800_0104 },
    ]);
  });

  it('keeps p_paddr when one segment has a load address of 0 (flash at 0)', () => {
    const elf = parseElf(buildElf({ littleEndian, segments: [{ paddr: 0, data: 8 }, { paddr: 8, vaddr: 0x2000_0000, data: 4 }] }));
    expect(elf.lmaFromVaddr).toBe(false);
    expect(selectFlashBytes(elf, [parseRegion('0:64K')]).image.ranges()).toEqual([{ start: 0, end: 12 }]);
  });

  it('keeps p_paddr 0 of a single segment that runs elsewhere (.data loaded at 0), as BFD does', () => {
    const elf = parseElf(buildElf({ littleEndian, segments: [{ paddr: 0, vaddr: 0x2000_0000, data: 8 }] }));
    expect(elf.lmaFromVaddr).toBe(false);
    expect(selectFlashBytes(elf, [parseRegion('0:1K')]).image.ranges()).toEqual([{ start: 0, end: 8 }]);
  });

  it('skips segments without file bytes', () => {
    const sel = select({ littleEndian, segments: [{ paddr: 0x0800_0000, data: 4 }, { paddr: 0x2000_0000, data: 0, memsz: 0x100 }] });
    expect(sel.dropped).toEqual([]);
    expect(sel.image.size).toBe(4);
  });
});

describe('MemoryImage', () => {
  const chunk = (address: number, bytes: number[], origin = 'x') => ({ address, bytes: Uint8Array.from(bytes), origin });

  it('sorts chunks and merges touching ones into runs', () => {
    const image = MemoryImage.from([chunk(20, [3]), chunk(10, [1, 2]), chunk(12, [9])]);
    expect(image.ranges()).toEqual([
      { start: 10, end: 13 },
      { start: 20, end: 21 },
    ]);
    expect(image.size).toBe(4);
    expect([image.start, image.end]).toEqual([10, 21]);
  });

  it('slices and counts bytes inside a range', () => {
    const image = MemoryImage.from([chunk(10, [1, 2, 3, 4]), chunk(20, [5, 6])]);
    expect(image.bytesIn(12, 21)).toBe(3);
    expect([...image.slice(12, 21).chunks.map((c) => [c.address, [...c.bytes]])]).toEqual([
      [12, [3, 4]],
      [20, [5]],
    ]);
    expect(image.slice(30, 40).isEmpty).toBe(true);
  });
});

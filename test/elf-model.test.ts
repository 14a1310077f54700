import { describe, expect, it } from 'vitest';
import { parseElf } from '../src/read/elf/parse.js';
import {
  contentsSpans,
  hasContents,
  loadAddressAt,
  loadSpansOf,
  sectionFileRange,
  sectionLoadAddress,
  sectionLoadRange,
  segmentOfSection,
  structureLoadSpans,
  structureRanges,
} from '../src/read/elf/model.js';
import type { ElfFile, Section } from '../src/read/elf/types.js';
import { selectFlashBytes } from '../src/select/select.js';
import { parseRegion } from '../src/config/option-syntax.js';
import { buildElf, pattern, SHF_ALLOC, SHF_WRITE, SHT_NOBITS, SHT_PROGBITS, type ElfSpec } from './helpers/elf-builder.js';

const EHDR = 52;
const PHDR = 32;
const SHDR = 40;
const FLASH = parseRegion('FLASH=0x08000000:64K');

function sectionNamed(elf: ElfFile, name: string): Section {
  const section = elf.sections.find((s) => s.name === name);
  if (!section) throw new Error(`no section ${name}`);
  return section;
}

describe.each([true, false])('ELF model address questions (littleEndian=%s)', (littleEndian) => {
  // Two headers, data from byte 116: segment 0 at [116, 122), a 2-byte hole (alignment), segment 1 at [124, 140).
  const spec: ElfSpec = {
    littleEndian,
    segments: [
      { paddr: 0x0800_0000, data: 6 },
      { paddr: 0x0800_0100, vaddr: 0x2000_0000, data: 16, memsz: 0x40, flags: 6 },
    ],
    sections: [
      { name: '.text', segment: 0, size: 6 },
      { name: '.orphan', segment: 0, offset: 6, size: 2, address: 0x3000_0000 }, // the hole: in no segment
      { name: '.data', segment: 1, size: 16, flags: SHF_ALLOC | SHF_WRITE },
      { name: '.bss', segment: 1, offset: 16, size: 0x30, type: SHT_NOBITS, flags: SHF_ALLOC | SHF_WRITE },
    ],
  };
  const elf = parseElf(buildElf(spec));
  const [text, data] = elf.loadSegments as [NonNullable<(typeof elf.loadSegments)[0]>, NonNullable<(typeof elf.loadSegments)[1]>];

  it('gives a file offset the load address in its PT_LOAD, and none in a hole between segments', () => {
    expect([text.fileOffset, data.fileOffset]).toEqual([116, 124]);
    expect(loadAddressAt(text, 116)).toBe(0x0800_0000);
    expect(loadAddressAt(text, 121)).toBe(0x0800_0005);
    expect(loadAddressAt(data, 124)).toBe(0x0800_0100); // p_paddr, not p_vaddr 0x20000000
    expect(loadAddressAt(data, 139)).toBe(0x0800_010f);
    const file = { start: 0, end: elf.source.size };
    expect(loadSpansOf(text, [file])).toEqual([{ start: 0x0800_0000, end: 0x0800_0006 }]);
    expect(loadSpansOf(data, [file])).toEqual([{ start: 0x0800_0100, end: 0x0800_0110 }]); // file bytes only: p_memsz does not count
    expect(loadSpansOf(text, [{ start: 122, end: 124 }])).toEqual([]); // the hole
    expect(loadSpansOf(data, [{ start: 122, end: 124 }])).toEqual([]);
    expect(loadSpansOf(text, [{ start: 0, end: 52 }])).toEqual([]); // the ELF header is in no segment here
  });

  it('places a section with contents by file offset and a NOBITS one by run address', () => {
    expect(sectionLoadAddress(data, sectionNamed(elf, '.data'))).toBe(0x0800_0100);
    expect(sectionLoadRange(data, sectionNamed(elf, '.bss'))).toEqual({ start: 0x0800_0110, end: 0x0800_0140 });
    expect(sectionFileRange(sectionNamed(elf, '.data'))).toEqual({ start: 124, end: 140 });
    expect(sectionFileRange(sectionNamed(elf, '.bss'))).toBeUndefined();
  });

  it('finds a section in no segment nowhere, and selection does not program it', () => {
    const orphan = sectionNamed(elf, '.orphan');
    expect(segmentOfSection(elf, orphan)).toBeUndefined();
    expect(sectionFileRange(orphan)).toEqual({ start: 122, end: 124 });
    expect(segmentOfSection(elf, sectionNamed(elf, '.data'))).toBe(data);
    const image = selectFlashBytes(elf, [FLASH]).image;
    expect(image.ranges()).toEqual([
      { start: 0x0800_0000, end: 0x0800_0006 },
      { start: 0x0800_0100, end: 0x0800_0110 },
    ]);
  });

  it('lists the ELF structures and where a segment holds them', () => {
    const shoff = elf.header.e_shoff;
    expect(structureRanges(elf.header)).toEqual([
      { what: 'ELF header', start: 0, end: EHDR },
      { what: 'program header table', start: EHDR, end: EHDR + 2 * PHDR },
      { what: 'section header table', start: shoff, end: shoff + elf.header.e_shnum * SHDR },
    ]);
    expect(structureLoadSpans(elf, text)).toEqual([]);
    const swept = parseElf(buildElf({ littleEndian, segments: [{ paddr: 0x0800_1000, data: 16, headerBytes: 0x100 }] }));
    const segment = swept.loadSegments[0];
    if (!segment) throw new Error('no segment');
    expect(structureLoadSpans(swept, segment)).toEqual([{ start: 0x0800_0f00, end: 0x0800_0f00 + EHDR + PHDR }]);
  });

  it('cuts a section spanning two segments at the segment boundary, each part at its own load address', () => {
    const spanning = parseElf(
      buildElf({
        littleEndian,
        segments: [
          { paddr: 0x0800_0000, data: pattern(8, 1) },
          { paddr: 0x0800_2000, data: pattern(8, 50) },
        ],
        sections: [
          { name: '.a', segment: 0, size: 4 },
          { name: '.span', segment: 0, offset: 4, size: 8 }, // file [88, 96): the last 4 bytes of segment 0, the first 4 of segment 1
        ],
      }),
    );
    const span = sectionNamed(spanning, '.span');
    const [first, second] = spanning.loadSegments as [NonNullable<(typeof spanning.loadSegments)[0]>, NonNullable<(typeof spanning.loadSegments)[1]>];
    const range = sectionFileRange(span) as { start: number; end: number };
    expect(segmentOfSection(spanning, span)).toBeUndefined(); // neither holds it whole
    expect(loadSpansOf(first, [range])).toEqual([{ start: 0x0800_0004, end: 0x0800_0008 }]);
    expect(loadSpansOf(second, [range])).toEqual([{ start: 0x0800_2000, end: 0x0800_2004 }]);
    expect(loadAddressAt(second, range.end)).toBe(0x0800_2004); // the end of the part in segment 1
    const selection = selectFlashBytes(spanning, [FLASH]);
    expect(selection.image.runs().map((r) => [r.start, r.chunks.flatMap((c) => [...c.bytes])])).toEqual([
      [0x0800_0000, [...pattern(8, 1)]],
      [0x0800_2000, [...pattern(4, 50)]],
    ]);
    expect(selection.dropped.map((d) => [d.reason, d.start, d.end])).toEqual([['padding', 0x0800_2004, 0x0800_2008]]);
  });

  it('counts every byte but the ELF structures as contents when there are no section headers', () => {
    const stripped = parseElf(buildElf({ littleEndian, segments: [{ paddr: 0x0800_1000, data: 16, headerBytes: 0x100 }], sections: 'none' }));
    expect(contentsSpans(stripped)).toEqual([{ start: EHDR + PHDR, end: stripped.source.size }]);
  });
});

describe('the "has contents" rule', () => {
  it.each([
    ['an allocated PROGBITS section with bytes', { sh_type: SHT_PROGBITS, sh_flags: SHF_ALLOC, sh_size: 4 }, true],
    ['an empty allocated PROGBITS section', { sh_type: SHT_PROGBITS, sh_flags: SHF_ALLOC, sh_size: 0 }, false],
    ['a NOBITS section', { sh_type: SHT_NOBITS, sh_flags: SHF_ALLOC, sh_size: 4 }, false],
    ['a section not allocated (SHF_ALLOC clear)', { sh_type: SHT_PROGBITS, sh_flags: SHF_WRITE, sh_size: 4 }, false],
    ['the null section', { sh_type: 0, sh_flags: SHF_ALLOC, sh_size: 4 }, false],
  ])('%s: %s', (_, sh, expected) => {
    expect(hasContents(sh)).toBe(expected);
  });

  // The planted bug "an empty section on a segment boundary": an empty SHF_ALLOC section sitting
  // exactly where one segment's file bytes end or the next one's begin must change nothing a
  // conversion keeps, whichever run address it has, and belongs to a segment only as readelf
  // maps it (by run address, strictly inside), never to the neighbour whose file bytes it touches:
  // that would move it, and a symbol in it, to that segment's load addresses.
  describe.each([true, false])('an empty section on a segment boundary (littleEndian=%s)', (littleEndian) => {
    // Segment 0: file [84, 92) at 0x08000000; segment 1: file [92, 100), loads at 0x08000100, runs at 0x20000000.
    const segments = [
      { paddr: 0x0800_0000, data: pattern(8, 1) },
      { paddr: 0x0800_0100, vaddr: 0x2000_0000, data: pattern(8, 70), memsz: 0x20, flags: 6 },
    ];
    const base = [
      { name: '.text', segment: 0 },
      { name: '.data', segment: 1, flags: SHF_ALLOC | SHF_WRITE },
    ];
    const plain = selectFlashBytes(parseElf(buildElf({ littleEndian, segments, sections: base })), [FLASH]);
    const bytesOf = (image: typeof plain.image) => image.runs().map((r) => [r.start, r.chunks.flatMap((c) => [...c.bytes])]);

    it.each([
      ['at the end of segment 0, running after .text', { segment: 0, offset: 8, address: 0x0800_0008 }, [['.text'], ['.data']]],
      ['at the start of segment 1, running at .data', { segment: 1, offset: 0, address: 0x2000_0000 }, [['.text'], ['.data', '.empty']]],
      ['on the boundary, running where no segment is', { segment: 0, offset: 8, address: 0x3000_0000 }, [['.text'], ['.data']]],
      ['on the boundary, running at the end of .data', { segment: 0, offset: 8, address: 0x2000_0008 }, [['.text'], ['.data', '.empty']]],
      ['at the end of segment 1, running at the end of .data', { segment: 1, offset: 8, address: 0x2000_0008 }, [['.text'], ['.data']]],
    ])('%s', (_, where, members) => {
      const elf = parseElf(buildElf({ littleEndian, segments, sections: [...base, { name: '.empty', size: 0, ...where }] }));
      const selection = selectFlashBytes(elf, [FLASH]);
      expect(bytesOf(selection.image)).toEqual(bytesOf(plain.image));
      expect(selection.kept).toEqual(plain.kept);
      expect(selection.dropped).toEqual(plain.dropped);
      expect(elf.loadSegments.map((s) => s.sections.map((x) => x.name))).toEqual(members);
    });
  });
});

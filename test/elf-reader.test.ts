import { describe, expect, it } from 'vitest';
import { parseElf } from '../src/read/elf/parse.js';
import { FormatError, UnsupportedError } from '../src/errors.js';
import { buildElf, EM_ARM, patched, SHF_ALLOC, SHF_WRITE, SHT_NOBITS } from './helpers/elf-builder.js';

const byteOrders = [
  { name: 'little-endian', littleEndian: true },
  { name: 'big-endian', littleEndian: false },
];

describe.each(byteOrders)('ELF32 reader, $name', ({ littleEndian }) => {
  const elf = buildElf({
    littleEndian,
    entry: 0x0800_0101,
    segments: [
      { paddr: 0x0800_0000, data: 0x100 },
      { paddr: 0x0800_0100, vaddr: 0x2000_0000, data: 0x20, memsz: 0x80, flags: 6 },
    ],
    sections: [
      { name: '.text', segment: 0 },
      { name: '.data', segment: 1, size: 0x20, flags: SHF_ALLOC | SHF_WRITE },
      { name: '.bss', segment: 1, offset: 0x20, size: 0x60, type: SHT_NOBITS, flags: SHF_ALLOC | SHF_WRITE },
    ],
  });

  it('reads the header fields', () => {
    const f = parseElf(elf);
    expect(f.littleEndian).toBe(littleEndian);
    expect(f.header.e_machine).toBe(EM_ARM);
    expect(f.header.e_entry).toBe(0x0800_0101);
    expect(f.header.e_phnum).toBe(2);
    expect(f.header.e_shnum).toBe(5);
  });

  it('reads PT_LOAD segments with their load and run addresses', () => {
    const [text, data] = parseElf(elf).loadSegments;
    expect(text).toMatchObject({ index: 0, lma: 0x0800_0000, vma: 0x0800_0000, fileSize: 0x100, memSize: 0x100 });
    expect(data).toMatchObject({ index: 1, lma: 0x0800_0100, vma: 0x2000_0000, fileSize: 0x20, memSize: 0x80, flags: 6 });
  });

  it('names the sections each segment holds, NOBITS by address', () => {
    const [text, data] = parseElf(elf).loadSegments;
    expect(text?.sections.map((s) => s.name)).toEqual(['.text']);
    expect(data?.sections.map((s) => s.name)).toEqual(['.data', '.bss']);
    expect(data?.sections.map((s) => s.hasContents)).toEqual([true, false]);
  });

  it('reads a file without section headers', () => {
    const stripped = buildElf({ littleEndian, segments: [{ paddr: 0x1000, data: 16 }], sections: 'none' });
    const f = parseElf(stripped);
    expect(f.sections).toEqual([]);
    expect(f.loadSegments[0]?.sections).toEqual([]);
  });
});

describe('ELF32 reader rejects malformed input with the offset', () => {
  const good = buildElf({ segments: [{ paddr: 0x0800_0000, data: 64 }] });
  const cases: { name: string; bytes: Uint8Array; error: typeof FormatError | typeof UnsupportedError; message: RegExp }[] = [
    { name: 'empty file', bytes: new Uint8Array(0), error: FormatError, message: /bad magic number \[\] at byte 0x0/ },
    { name: 'not ELF', bytes: new TextEncoder().encode(':020000040800F2\r\n'), error: FormatError, message: /bad magic number \[3a 30 32 30\]/ },
    { name: 'ELF64', bytes: patched(good, 4, 1, 2), error: UnsupportedError, message: /ELF64 is not supported/ },
    { name: 'bad class', bytes: patched(good, 4, 1, 7), error: FormatError, message: /bad ELF class 7/ },
    { name: 'bad byte order', bytes: patched(good, 5, 1, 3), error: FormatError, message: /bad byte order 3/ },
    { name: 'bad version', bytes: patched(good, 6, 1, 0), error: FormatError, message: /bad ELF version 0/ },
    { name: 'truncated header', bytes: good.subarray(0, 40), error: FormatError, message: /ELF32 file header \[0x0, 0x34\) runs past the end of the 40-byte file/ },
    { name: 'relocatable object', bytes: patched(good, 16, 2, 1), error: UnsupportedError, message: /relocatable object/ },
    { name: 'core dump', bytes: patched(good, 16, 2, 4), error: UnsupportedError, message: /core dump/ },
    { name: 'unknown e_type', bytes: patched(good, 16, 2, 9), error: FormatError, message: /bad e_type 9/ },
    { name: 'e_phoff past EOF', bytes: patched(good, 28, 4, 0x9000), error: FormatError, message: /e_phoff 0x9000 points past the end of the \d+-byte file/ },
    { name: 'program headers run past EOF', bytes: patched(good, 44, 2, 5000), error: FormatError, message: /program header table \(5,000 entries at e_phoff 0x34\)/ },
    { name: 'bad e_phentsize', bytes: patched(good, 42, 2, 56), error: FormatError, message: /bad e_phentsize 56/ },
    { name: 'bad e_shentsize', bytes: patched(good, 46, 2, 64), error: FormatError, message: /bad e_shentsize 64/ },
    { name: 'e_shoff past EOF', bytes: patched(good, 32, 4, 0xffff_fff0), error: FormatError, message: /e_shoff 0xFFFFFFF0 points past the end/ },
    { name: 'segment past EOF', bytes: patched(good, 52 + 4, 4, 0x10_0000), error: FormatError, message: /segment 0 file bytes \(p_offset 0x100000, p_filesz 0x40\)/ },
    { name: 'huge p_filesz', bytes: patched(patched(good, 52 + 16, 4, 0xffff_ffff), 52 + 20, 4, 0xffff_ffff), error: FormatError, message: /segment 0 file bytes/ },
    { name: 'p_filesz > p_memsz', bytes: patched(good, 52 + 20, 4, 8), error: FormatError, message: /p_filesz 0x40 is larger than p_memsz 0x8/ },
    { name: 'segment past 4 GiB', bytes: patched(good, 52 + 12, 4, 0xffff_fff0), error: FormatError, message: /runs past the 32-bit address space/ },
    { name: 'bad e_shstrndx', bytes: patched(good, 50, 2, 77), error: FormatError, message: /e_shstrndx 77 at byte 0x32 names no section/ },
  ];

  it.each(cases)('$name', ({ bytes, error, message }) => {
    expect(() => parseElf(bytes)).toThrow(error);
    expect(() => parseElf(bytes)).toThrow(message);
  });

  it('a section whose bytes run past EOF', () => {
    const f = parseElf(good);
    const shoff = f.header.e_shoff;
    // Section 1 is .seg0; its sh_offset is at +16.
    expect(() => parseElf(patched(good, shoff + 40 + 16, 4, 0xffff_0000))).toThrow(/section 1 bytes \(sh_offset 0xFFFF0000/);
  });

  it('a section name past the name table', () => {
    const shoff = parseElf(good).header.e_shoff;
    expect(() => parseElf(patched(good, shoff + 40, 4, 0x7fff))).toThrow(/section 1: sh_name 0x7FFF points past/);
  });

  it('PN_XNUM takes the program header count from section 0', () => {
    const shoff = parseElf(good).header.e_shoff;
    const escaped = patched(patched(good, 44, 2, 0xffff), shoff + 28, 4, 1);
    expect(parseElf(escaped).header.e_phnum).toBe(1);
    expect(parseElf(escaped).loadSegments).toHaveLength(1);
  });

  it('a pooled Buffer slice reads only its own bytes', () => {
    const pool = new Uint8Array(good.length + 100);
    pool.set(good, 50);
    const view = pool.subarray(50, 50 + good.length);
    expect(parseElf(view).loadSegments[0]?.fileSize).toBe(64);
    expect(() => parseElf(pool.subarray(50, 50 + 60))).toThrow(FormatError);
  });
});

import { FormatError, UnsupportedError } from '../../errors.js';
import { ADDRESS_SPACE_END, count, hex, hex32 } from '../../numbers.js';
import { asSource, type ByteSource } from '../../byte-source.js';
import { ByteReader } from './byte-reader.js';
import {
  EI_CLASS,
  EI_DATA,
  EI_NIDENT,
  EI_VERSION,
  ELF32_EHDR_SIZE,
  ELF32_PHDR_SIZE,
  ELF32_SHDR_SIZE,
  ELFCLASS32,
  ELFCLASS64,
  ELFDATA2LSB,
  ELFDATA2MSB,
  ELFMAG,
  ET_CORE,
  ET_DYN,
  ET_EXEC,
  ET_REL,
  EV_CURRENT,
  PN_XNUM,
  PT_LOAD,
  SHN_UNDEF,
  SHN_XINDEX,
  SHT_NOBITS,
} from './constants.js';
import { hasContents, isAllocated } from './model.js';
import type { Elf32Header, Elf32ProgramHeader, Elf32SectionHeader, ElfFile, LoadSegment, Section } from './types.js';

/**
 * Parses an ELF32 executable. Validates, in the order the specification defines them, the
 * identification, the file header, the program header table and every PT_LOAD's file range,
 * then the section header table and the section names, all against the file size before
 * anything is read or allocated. Reads only the headers and tables from `input` (bytes, or a
 * ByteSource that reads them from the file); segment bytes are read when a selection keeps them.
 *
 * Throws FormatError (malformed, with the byte offset) or UnsupportedError (ELF64, a
 * relocatable object, a core dump).
 */
export function parseElf(input: Uint8Array | ByteSource): ElfFile {
  const source = asSource(input);
  const littleEndian = readIdent(source.read(0, Math.min(EI_NIDENT, source.size)), source.size);
  const reader = new ByteReader(source, littleEndian);
  reader.check(0, ELF32_EHDR_SIZE, 'ELF32 file header');
  const header = readHeader(reader);
  const programHeaders = readProgramHeaders(reader, header);
  const sectionHeaders = readSectionHeaders(reader, header);
  const sections = readSections(reader, header, sectionHeaders);
  // Some linkers leave every p_paddr at 0. With more than one PT_LOAD that occupies memory, BFD
  // (objcopy) then takes the run addresses, so that segments do not all load at 0; so do we.
  const lmaFromVaddr =
    programHeaders.every((ph) => ph.p_paddr === 0) && programHeaders.filter((ph) => ph.p_type === PT_LOAD && ph.p_memsz !== 0).length > 1;
  const index = new SectionIndex(sections, programHeaders.length);
  const members = programHeaders.map((ph, i) => (ph.p_type === PT_LOAD ? index.inSegment(ph, i) : []));
  index.placeByFileRange(members);
  const loadSegments = programHeaders.flatMap((ph, i) => (ph.p_type === PT_LOAD ? [toLoadSegment(ph, i, members[i] ?? [], lmaFromVaddr)] : []));
  return { source, littleEndian, header, programHeaders, sectionHeaders, sections, loadSegments, lmaFromVaddr };
}

/** Checks e_ident (`bytes`: the first EI_NIDENT bytes, or all of a shorter file of `size` bytes) and returns whether the file is little-endian. */
function readIdent(bytes: Uint8Array, size: number): boolean {
  if (size < EI_NIDENT && size >= ELFMAG.length && ELFMAG.every((value, i) => bytes[i] === value)) {
    throw new FormatError(`the ELF identification (e_ident, ${EI_NIDENT} bytes) runs past the end of the ${size}-byte file`, 0);
  }
  if (size < EI_NIDENT || ELFMAG.some((value, i) => bytes[i] !== value)) {
    const seen = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new FormatError(`not an ELF file: bad magic number [${seen}] at byte 0x0 (expected 7f 45 4c 46)`, 0);
  }
  const elfClass = bytes[EI_CLASS];
  if (elfClass === ELFCLASS64) {
    throw new UnsupportedError('ELF64 is not supported: flashcut reads 32-bit ELF files (ELFCLASS32), as built for microcontrollers');
  }
  if (elfClass !== ELFCLASS32) {
    throw new FormatError(`bad ELF class ${elfClass} in e_ident[EI_CLASS] at byte 0x${EI_CLASS.toString(16)}`, EI_CLASS);
  }
  const data = bytes[EI_DATA];
  if (data !== ELFDATA2LSB && data !== ELFDATA2MSB) {
    throw new FormatError(`bad byte order ${data} in e_ident[EI_DATA] at byte 0x${EI_DATA.toString(16)}`, EI_DATA);
  }
  if (bytes[EI_VERSION] !== EV_CURRENT) {
    throw new FormatError(`bad ELF version ${bytes[EI_VERSION]} in e_ident[EI_VERSION] at byte 0x${EI_VERSION.toString(16)}`, EI_VERSION);
  }
  return data === ELFDATA2LSB;
}

function readHeader(r: ByteReader): Elf32Header {
  const e_type = r.u16(16, 'e_type');
  if (e_type === ET_REL) {
    throw new UnsupportedError('this is a relocatable object (ET_REL, a .o file): link it into an executable first');
  }
  if (e_type === ET_CORE) {
    throw new UnsupportedError('this is a core dump (ET_CORE), not a firmware executable');
  }
  if (e_type !== ET_EXEC && e_type !== ET_DYN) {
    throw new FormatError(`bad e_type ${e_type} at byte 0x10 (expected 2, an executable)`, 16);
  }
  const e_phoff = r.u32(28, 'e_phoff');
  const e_shoff = r.u32(32, 'e_shoff');
  const e_phentsize = r.u16(42, 'e_phentsize');
  const phnum = r.u16(44, 'e_phnum');
  const e_shentsize = r.u16(46, 'e_shentsize');
  const shnum = r.u16(48, 'e_shnum');
  const shstrndx = r.u16(50, 'e_shstrndx');

  if (e_shoff !== 0 && e_shentsize !== ELF32_SHDR_SIZE) {
    throw new FormatError(`bad e_shentsize ${e_shentsize} at byte 0x2e (an ELF32 section header is ${ELF32_SHDR_SIZE} bytes)`, 46);
  }
  // The escapes for more than 0xfeff entries keep the real values in section header 0.
  const needsSection0 = e_shoff !== 0 && (phnum === PN_XNUM || shnum === 0 || shstrndx === SHN_XINDEX);
  const section0 = needsSection0 ? readSectionHeader(r, e_shoff, 0) : undefined;
  const e_phnum = phnum === PN_XNUM && section0 ? section0.sh_info : phnum;
  const e_shnum = e_shoff === 0 ? 0 : shnum === 0 && section0 ? section0.sh_size : shnum;
  const e_shstrndx = shstrndx === SHN_XINDEX && section0 ? section0.sh_link : shstrndx;

  if (e_phnum !== 0 && e_phentsize !== ELF32_PHDR_SIZE) {
    throw new FormatError(`bad e_phentsize ${e_phentsize} at byte 0x2a (an ELF32 program header is ${ELF32_PHDR_SIZE} bytes)`, 42);
  }
  return {
    e_type,
    e_machine: r.u16(18, 'e_machine'),
    e_version: r.u32(20, 'e_version'),
    e_entry: r.u32(24, 'e_entry'),
    e_phoff,
    e_shoff,
    e_flags: r.u32(36, 'e_flags'),
    e_ehsize: r.u16(40, 'e_ehsize'),
    e_phentsize,
    e_phnum,
    e_shentsize,
    e_shnum,
    e_shstrndx,
  };
}

function readProgramHeaders(r: ByteReader, h: Elf32Header): Elf32ProgramHeader[] {
  if (h.e_phnum === 0) return [];
  checkTable(r, h.e_phoff, h.e_phnum, ELF32_PHDR_SIZE, 'e_phoff', 'program header table');
  const headers: Elf32ProgramHeader[] = [];
  for (let i = 0; i < h.e_phnum; i++) {
    const at = h.e_phoff + i * ELF32_PHDR_SIZE;
    const ph: Elf32ProgramHeader = {
      p_type: r.u32(at, 'p_type'),
      p_offset: r.u32(at + 4, 'p_offset'),
      p_vaddr: r.u32(at + 8, 'p_vaddr'),
      p_paddr: r.u32(at + 12, 'p_paddr'),
      p_filesz: r.u32(at + 16, 'p_filesz'),
      p_memsz: r.u32(at + 20, 'p_memsz'),
      p_flags: r.u32(at + 24, 'p_flags'),
      p_align: r.u32(at + 28, 'p_align'),
    };
    if (ph.p_type === PT_LOAD) checkLoadSegment(r, ph, i, at);
    headers.push(ph);
  }
  return headers;
}

function checkLoadSegment(r: ByteReader, ph: Elf32ProgramHeader, index: number, at: number): void {
  if (ph.p_filesz > ph.p_memsz) {
    throw new FormatError(
      `segment ${index} (program header at byte ${hex(at)}): p_filesz ${hex(ph.p_filesz)} is larger than p_memsz ${hex(ph.p_memsz)}`,
      at,
    );
  }
  r.check(ph.p_offset, ph.p_filesz, `segment ${index} file bytes (p_offset ${hex(ph.p_offset)}, p_filesz ${hex(ph.p_filesz)})`);
  for (const [field, address] of [['p_paddr', ph.p_paddr], ['p_vaddr', ph.p_vaddr]] as const) {
    if (address + ph.p_filesz > ADDRESS_SPACE_END) {
      throw new FormatError(
        `segment ${index} (program header at byte ${hex(at)}): ${field} ${hex32(address)} + p_filesz ${hex(ph.p_filesz)} runs past the 32-bit address space`,
        at,
      );
    }
  }
}

function readSectionHeaders(r: ByteReader, h: Elf32Header): Elf32SectionHeader[] {
  if (h.e_shnum === 0) return [];
  checkTable(r, h.e_shoff, h.e_shnum, ELF32_SHDR_SIZE, 'e_shoff', 'section header table');
  const headers: Elf32SectionHeader[] = [];
  for (let i = 0; i < h.e_shnum; i++) headers.push(readSectionHeader(r, h.e_shoff, i));
  return headers;
}

function readSectionHeader(r: ByteReader, shoff: number, index: number): Elf32SectionHeader {
  const at = shoff + index * ELF32_SHDR_SIZE;
  r.check(at, ELF32_SHDR_SIZE, `section header ${index} (e_shoff ${hex(shoff)})`);
  return {
    sh_name: r.u32(at, 'sh_name'),
    sh_type: r.u32(at + 4, 'sh_type'),
    sh_flags: r.u32(at + 8, 'sh_flags'),
    sh_addr: r.u32(at + 12, 'sh_addr'),
    sh_offset: r.u32(at + 16, 'sh_offset'),
    sh_size: r.u32(at + 20, 'sh_size'),
    sh_link: r.u32(at + 24, 'sh_link'),
    sh_info: r.u32(at + 28, 'sh_info'),
    sh_addralign: r.u32(at + 32, 'sh_addralign'),
    sh_entsize: r.u32(at + 36, 'sh_entsize'),
  };
}

/** A table of `entries` records must fit in the file; checked before any entry is read. */
function checkTable(r: ByteReader, offset: number, entries: number, entrySize: number, field: string, table: string): void {
  if (offset >= r.length) {
    throw new FormatError(`${field} ${hex(offset)} points past the end of the ${count(r.length)}-byte file`, offset);
  }
  r.check(offset, entries * entrySize, `${table} (${count(entries)} entries at ${field} ${hex(offset)})`);
}

function readSections(r: ByteReader, h: Elf32Header, headers: readonly Elf32SectionHeader[]): Section[] {
  if (headers.length === 0) return [];
  const names = sectionNameTable(r, h, headers);
  // Sections may share a name (or its tail, as linkers merge strings): each offset is decoded once.
  const decoded = new Map<number, string>();
  return headers.map((sh, index) => {
    const allocated = isAllocated(sh);
    const contents = hasContents(sh);
    if (contents) {
      r.check(sh.sh_offset, sh.sh_size, `section ${index} bytes (sh_offset ${hex(sh.sh_offset)}, sh_size ${hex(sh.sh_size)})`);
    }
    return {
      index,
      name: sectionName(names, sh.sh_name, index, decoded),
      type: sh.sh_type,
      flags: sh.sh_flags,
      vma: sh.sh_addr,
      fileOffset: sh.sh_offset,
      size: sh.sh_size,
      hasContents: contents,
      allocated,
    };
  });
}

function sectionNameTable(r: ByteReader, h: Elf32Header, headers: readonly Elf32SectionHeader[]): Uint8Array | undefined {
  if (h.e_shstrndx === SHN_UNDEF) return undefined;
  const table = headers[h.e_shstrndx];
  if (!table) {
    throw new FormatError(`e_shstrndx ${h.e_shstrndx} at byte 0x32 names no section (there are ${headers.length})`, 50);
  }
  if (table.sh_type === SHT_NOBITS) return undefined;
  return r.bytesAt(table.sh_offset, table.sh_size, `section name table (section ${h.e_shstrndx})`);
}

/**
 * Section names longer than this are cut (and end in `...`): with names at different offsets of
 * one long string, decoding each whole would cost the string's length per section.
 */
export const MAX_SECTION_NAME = 1024;

/** The name at sh_name `offset`, one byte a character (as objdump shows them), at most MAX_SECTION_NAME long. */
function sectionName(table: Uint8Array | undefined, offset: number, index: number, decoded: Map<number, string>): string {
  if (!table || index === 0) return '';
  if (offset >= table.length) {
    throw new FormatError(`section ${index}: sh_name ${hex(offset)} points past the ${count(table.length)}-byte section name table`);
  }
  const known = decoded.get(offset);
  if (known !== undefined) return known;
  const window = table.subarray(offset, offset + MAX_SECTION_NAME + 1);
  const nul = window.indexOf(0);
  if (nul < 0 && offset + window.length === table.length) {
    throw new FormatError(`section ${index}: its name at sh_name ${hex(offset)} has no terminating NUL`);
  }
  const name = nul >= 0 ? latin1(window.subarray(0, nul)) : latin1(window.subarray(0, MAX_SECTION_NAME)) + '...';
  decoded.set(offset, name);
  return name;
}

/** Bytes as characters 0-255, in one call (the array is at most MAX_SECTION_NAME long). */
function latin1(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}

function toLoadSegment(ph: Elf32ProgramHeader, index: number, sections: Section[], lmaFromVaddr: boolean): LoadSegment {
  return {
    index,
    lma: lmaFromVaddr ? ph.p_vaddr : ph.p_paddr,
    vma: ph.p_vaddr,
    fileOffset: ph.p_offset,
    fileSize: ph.p_filesz,
    memSize: ph.p_memsz,
    flags: ph.p_flags,
    sections,
  };
}

/**
 * The allocated sections sorted by where a segment finds them (file offset, or address for
 * NOBITS), so that each segment binary-searches its candidates instead of testing every
 * section: a file with 65,535 segments and as many sections stays fast.
 */
class SectionIndex {
  private readonly byOffset: Section[];
  private readonly byAddress: Section[];
  /** Candidates left to examine: linker output needs about one per section and segment. */
  private budget: number;
  /** Sections with file bytes inside a segment's whose address lies outside it, by section index: the first such segment. */
  private readonly byFileOnly = new Map<number, { section: Section; segment: number }>();

  constructor(
    private readonly sections: readonly Section[],
    private readonly segmentCount: number,
  ) {
    const allocated = sections.filter((s) => s.allocated);
    this.byOffset = allocated.filter((s) => s.type !== SHT_NOBITS).sort((a, b) => a.fileOffset - b.fileOffset);
    this.byAddress = allocated.filter((s) => s.type === SHT_NOBITS).sort((a, b) => a.vma - b.vma);
    this.budget = 8 * (sections.length + segmentCount) + 100_000;
  }

  /**
   * The segment's sections, in section table order. Throws FormatError when the segments
   * overlap so much that matching them to the sections would take far more time and memory
   * than the file's size justifies (many segments over the same many sections).
   */
  inSegment(ph: Elf32ProgramHeader, segment: number): Section[] {
    const found: Section[] = [];
    for (const [sorted, key, from, to] of [
      [this.byOffset, (s: Section) => s.fileOffset, ph.p_offset, ph.p_offset + ph.p_filesz],
      [this.byAddress, (s: Section) => s.vma, ph.p_vaddr, ph.p_vaddr + ph.p_memsz],
    ] as const) {
      for (let i = lowerBound(sorted, key, from); i < sorted.length && key(sorted[i] as Section) <= to; i++) {
        if (--this.budget < 0) {
          throw new FormatError(
            `${count(this.segmentCount)} program headers and ${count(this.sections.length)} sections: ` +
              'the PT_LOAD segments overlap each other far beyond any linker output',
          );
        }
        const section = sorted[i] as Section;
        if (sectionInSegment(section, ph)) found.push(section);
        else if (!this.byFileOnly.has(section.index) && sectionInSegmentFile(section, ph)) this.byFileOnly.set(section.index, { section, segment });
      }
    }
    return found.sort((a, b) => a.index - b.index);
  }

  /**
   * Adds each section with file bytes that no segment holds by address to the segment holding
   * its file bytes (`members` by program header index). armlink gives its RW execution region
   * the RAM address while the initial values sit in the flash load segment; placing it by its
   * file range, as llvm-objcopy does, puts it where its bytes are programmed.
   */
  placeByFileRange(members: Section[][]): void {
    if (this.byFileOnly.size === 0) return;
    const placed = new Set(members.flatMap((m) => m.map((s) => s.index)));
    const grown = new Set<Section[]>();
    for (const { section, segment } of this.byFileOnly.values()) {
      const list = members[segment];
      if (placed.has(section.index) || !list) continue;
      list.push(section);
      grown.add(list);
    }
    for (const list of grown) list.sort((a, b) => a.index - b.index);
  }
}

/** The first index of `sorted` whose key is at least `from` (ends included: empty sections sit at a boundary). */
function lowerBound(sorted: readonly Section[], key: (s: Section) => number, from: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    if (key(sorted[mid] as Section) < from) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Whether a section with file bytes has them inside a segment's file bytes, wherever its address. */
function sectionInSegmentFile(s: Section, ph: Elf32ProgramHeader): boolean {
  return s.hasContents && s.fileOffset >= ph.p_offset && s.fileOffset - ph.p_offset + s.size <= ph.p_filesz;
}

/**
 * Whether an allocated section lies in a segment, as BFD and readelf decide it: a section with
 * file bytes by file offset, a NOBITS one by address; an empty section only strictly inside,
 * since at a boundary it could belong to either neighbour.
 */
function sectionInSegment(s: Section, ph: Elf32ProgramHeader): boolean {
  const inMemory = s.vma >= ph.p_vaddr && s.vma - ph.p_vaddr + s.size <= ph.p_memsz;
  if (!inMemory) return false;
  if (s.type === SHT_NOBITS) return s.size > 0 || s.vma - ph.p_vaddr < ph.p_memsz;
  const inFile = s.fileOffset >= ph.p_offset && s.fileOffset - ph.p_offset + s.size <= ph.p_filesz;
  return inFile && (s.size > 0 || s.fileOffset - ph.p_offset < ph.p_filesz);
}

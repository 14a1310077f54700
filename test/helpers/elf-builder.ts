/**
 * A tiny ELF32 writer for tests and benchmarks: lays out the file header, program headers,
 * segment bytes, a section name table and section headers, in either byte order. It writes
 * what it is told, so malformed files are made by building a good one and patching a field.
 */

export const PT_LOAD = 1;
export const SHT_PROGBITS = 1;
export const SHT_STRTAB = 3;
export const SHT_SYMTAB = 2;
export const SHT_NOBITS = 8;
export const SHF_WRITE = 1;
export const SHF_ALLOC = 2;
export const SHF_EXECINSTR = 4;
export const EM_ARM = 40;
export const EM_RISCV = 243;

export interface SegmentSpec {
  /** Load address of the first data byte. */
  readonly paddr: number;
  /** Run address of the first data byte (default: paddr). */
  readonly vaddr?: number;
  /** The file bytes, or a size to fill with a counting pattern. */
  readonly data: Uint8Array | number;
  /** p_memsz (default: the data size). */
  readonly memsz?: number;
  readonly flags?: number;
  readonly type?: number;
  /**
   * Sweep the ELF header and program headers into this segment, as GNU ld can: the segment
   * starts at file offset 0 and its data at this offset (at least the header size).
   */
  readonly headerBytes?: number;
}

export interface SectionSpec {
  readonly name: string;
  /** Index into `segments`. */
  readonly segment: number;
  /** Offset of the section from the segment's first data byte (default 0). */
  readonly offset?: number;
  /** Size (default: the rest of the segment's data). */
  readonly size?: number;
  readonly type?: number;
  readonly flags?: number;
  /** sh_addr (default: the segment's run address plus `offset`), for sections placed apart from their segment's addresses. */
  readonly address?: number;
}

/** A defined symbol for the symbol table (.symtab): its value and the index into `sections` it is defined in. */
export interface SymbolSpec {
  readonly name: string;
  readonly value: number;
  readonly section: number;
}

export interface ElfSpec {
  readonly littleEndian?: boolean;
  readonly machine?: number;
  readonly type?: number;
  readonly entry?: number;
  readonly segments: readonly SegmentSpec[];
  /**
   * Sections: listed explicitly, `auto` (one PROGBITS section covering each segment's data,
   * named `.seg0`, `.seg1`, ...; the default), or `none` (a stripped file: no section headers).
   */
  readonly sections?: readonly SectionSpec[] | 'auto' | 'none';
  /** Symbols: with any, the file gets a .symtab and its .strtab (after the sections, before .shstrtab). */
  readonly symbols?: readonly SymbolSpec[];
}

const EHDR = 52;
const PHDR = 32;
const SHDR = 40;

/** Bytes 0, 1, 2, ... 255, 0, ... offset by `seed`, so that misplaced bytes show. */
export function pattern(size: number, seed = 0): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (i + seed) % 256;
  return out;
}

export function buildElf(spec: ElfSpec): Uint8Array {
  const le = spec.littleEndian ?? true;
  const datas = spec.segments.map((s, i) => (typeof s.data === 'number' ? pattern(s.data, i * 17) : s.data));
  const phnum = spec.segments.length;
  const headerEnd = EHDR + phnum * PHDR;

  // Segment data placement in the file.
  const dataOffsets: number[] = [];
  const segmentOffsets: number[] = [];
  let at = align(headerEnd, 4);
  spec.segments.forEach((s, i) => {
    const data = datas[i] as Uint8Array;
    if (s.headerBytes !== undefined) {
      if (s.headerBytes < headerEnd) throw new Error(`headerBytes ${s.headerBytes} < header size ${headerEnd}`);
      segmentOffsets.push(0);
      dataOffsets.push(s.headerBytes);
      at = Math.max(at, s.headerBytes + data.length);
    } else {
      segmentOffsets.push(at);
      dataOffsets.push(at);
      at += data.length;
    }
    at = align(at, 4);
  });

  const sections = resolveSections(spec, datas);
  const symbols = spec.symbols ?? [];
  const extra = symbols.length > 0 ? ['.symtab', '.strtab'] : [];
  const names = ['', ...sections.map((s) => s.name), ...extra, '.shstrtab'];
  const nameOffsets: number[] = [];
  const strtab: number[] = [];
  for (const n of names) {
    nameOffsets.push(strtab.length);
    for (const c of n) strtab.push(c.charCodeAt(0));
    strtab.push(0);
  }
  const withSections = spec.sections !== 'none';
  const strtabOffset = at;
  // The symbol table: a null symbol, then one Elf32_Sym each; its names in their own table.
  const symNames: number[] = [0];
  const symNameOffsets = symbols.map((sym) => {
    const offset = symNames.length;
    for (const c of sym.name) symNames.push(c.charCodeAt(0));
    symNames.push(0);
    return offset;
  });
  const symtabOffset = align(strtabOffset + strtab.length, 4);
  const symtabSize = symbols.length > 0 ? (symbols.length + 1) * 16 : 0;
  const symNamesOffset = symtabOffset + symtabSize;
  const shoff = withSections ? align(symNamesOffset + (symbols.length > 0 ? symNames.length : 0), 4) : 0;
  const shnum = withSections ? sections.length + extra.length + 2 : 0;
  const total = withSections ? shoff + shnum * SHDR : at;

  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  const u16 = (o: number, x: number) => v.setUint16(o, x, le);
  const u32 = (o: number, x: number) => v.setUint32(o, x, le);

  out.set([0x7f, 0x45, 0x4c, 0x46, 1, le ? 1 : 2, 1], 0);
  u16(16, spec.type ?? 2);
  u16(18, spec.machine ?? EM_ARM);
  u32(20, 1);
  u32(24, spec.entry ?? spec.segments[0]?.paddr ?? 0);
  u32(28, phnum ? EHDR : 0);
  u32(32, shoff);
  u16(40, EHDR);
  u16(42, PHDR);
  u16(44, phnum);
  u16(46, SHDR);
  u16(48, shnum);
  u16(50, withSections ? shnum - 1 : 0);

  spec.segments.forEach((s, i) => {
    const data = datas[i] as Uint8Array;
    const lead = (dataOffsets[i] as number) - (segmentOffsets[i] as number);
    const p = EHDR + i * PHDR;
    u32(p, s.type ?? PT_LOAD);
    u32(p + 4, segmentOffsets[i] as number);
    u32(p + 8, (s.vaddr ?? s.paddr) - lead);
    u32(p + 12, s.paddr - lead);
    u32(p + 16, lead + data.length);
    u32(p + 20, lead + (s.memsz ?? data.length));
    u32(p + 24, s.flags ?? 5);
    u32(p + 28, 4);
    out.set(data, dataOffsets[i] as number);
  });

  if (withSections) {
    out.set(strtab, strtabOffset);
    sections.forEach((s, k) => {
      const seg = spec.segments[s.segment] as SegmentSpec;
      const sh = shoff + (k + 1) * SHDR;
      u32(sh, nameOffsets[k + 1] as number);
      u32(sh + 4, s.type);
      u32(sh + 8, s.flags);
      u32(sh + 12, s.address ?? (seg.vaddr ?? seg.paddr) + s.offset);
      u32(sh + 16, (dataOffsets[s.segment] as number) + s.offset);
      u32(sh + 20, s.size);
      u32(sh + 32, 1);
    });
    if (symbols.length > 0) {
      const symtab = shoff + (sections.length + 1) * SHDR;
      u32(symtab, nameOffsets[sections.length + 1] as number);
      u32(symtab + 4, SHT_SYMTAB);
      u32(symtab + 16, symtabOffset);
      u32(symtab + 20, symtabSize);
      u32(symtab + 24, sections.length + 2);
      u32(symtab + 32, 4);
      u32(symtab + 36, 16);
      const symNamesHeader = symtab + SHDR;
      u32(symNamesHeader, nameOffsets[sections.length + 2] as number);
      u32(symNamesHeader + 4, SHT_STRTAB);
      u32(symNamesHeader + 16, symNamesOffset);
      u32(symNamesHeader + 20, symNames.length);
      u32(symNamesHeader + 32, 1);
      out.set(symNames, symNamesOffset);
      symbols.forEach((sym, i) => {
        const at = symtabOffset + (i + 1) * 16;
        u32(at, symNameOffsets[i] as number);
        u32(at + 4, sym.value);
        v.setUint8(at + 12, 0x10); // STB_GLOBAL, STT_NOTYPE
        u16(at + 14, sym.section + 1);
      });
    }
    const last = shoff + (shnum - 1) * SHDR;
    u32(last, nameOffsets[names.length - 1] as number);
    u32(last + 4, SHT_STRTAB);
    u32(last + 16, strtabOffset);
    u32(last + 20, strtab.length);
    u32(last + 32, 1);
  }
  return out;
}

interface ResolvedSection {
  name: string;
  segment: number;
  offset: number;
  size: number;
  type: number;
  flags: number;
  address?: number;
}

function resolveSections(spec: ElfSpec, datas: readonly Uint8Array[]): ResolvedSection[] {
  if (spec.sections === 'none') return [];
  if (spec.sections === undefined || spec.sections === 'auto') {
    return spec.segments.map((_, i) => ({
      name: `.seg${i}`,
      segment: i,
      offset: 0,
      size: (datas[i] as Uint8Array).length,
      type: SHT_PROGBITS,
      flags: SHF_ALLOC,
    }));
  }
  return spec.sections.map((s) => {
    const offset = s.offset ?? 0;
    return {
      name: s.name,
      segment: s.segment,
      offset,
      size: s.size ?? (datas[s.segment] as Uint8Array).length - offset,
      type: s.type ?? SHT_PROGBITS,
      flags: s.flags ?? SHF_ALLOC,
      ...(s.address !== undefined ? { address: s.address } : {}),
    };
  });
}

function align(value: number, to: number): number {
  return Math.ceil(value / to) * to;
}

/** Overwrites an unsigned field of `size` bytes at `offset` in a copy of `bytes`. */
export function patched(bytes: Uint8Array, offset: number, size: 1 | 2 | 4, value: number, littleEndian = true): Uint8Array {
  const copy = bytes.slice();
  const v = new DataView(copy.buffer);
  if (size === 1) v.setUint8(offset, value);
  else if (size === 2) v.setUint16(offset, value, littleEndian);
  else v.setUint32(offset, value, littleEndian);
  return copy;
}

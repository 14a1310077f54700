/**
 * The address questions of the ELF model, answered once: where a file byte is programmed,
 * where a section loads and which file bytes it has, which file bytes are ELF structures, and
 * which sections have contents. Every range is half-open, [start, end): file offsets for file
 * ranges, load addresses (LMA) for load ranges.
 */
import { intersectSpans, mergeSpans, subtractSpans, type Span } from '../../image/spans.js';
import { ELF32_EHDR_SIZE, ELF32_PHDR_SIZE, ELF32_SHDR_SIZE, SHF_ALLOC, SHT_NOBITS, SHT_NULL } from './constants.js';
import type { Elf32Header, Elf32SectionHeader, ElfFile, LoadSegment, Section } from './types.js';

/** Whether a section header occupies memory at run time: SHF_ALLOC (the null section never does). */
export function isAllocated(sh: Pick<Elf32SectionHeader, 'sh_type' | 'sh_flags'>): boolean {
  return sh.sh_type !== SHT_NULL && (sh.sh_flags & SHF_ALLOC) !== 0;
}

/**
 * The one "has contents" rule: SHF_ALLOC, not SHT_NOBITS, and sh_size > 0, i.e. bytes to
 * program. BFD sets SEC_HAS_CONTENTS for an empty PROGBITS section too, but objcopy copies
 * nothing from it and `-O binary` ignores it when it looks for the lowest address (binary.c
 * skips size 0), so an empty section never decides what is programmed here either.
 */
export function hasContents(sh: Pick<Elf32SectionHeader, 'sh_type' | 'sh_flags' | 'sh_size'>): boolean {
  return isAllocated(sh) && sh.sh_type !== SHT_NOBITS && sh.sh_size > 0;
}

/** The segment's file bytes [p_offset, p_offset + p_filesz). */
export function segmentFileRange(segment: LoadSegment): Span {
  return { start: segment.fileOffset, end: segment.fileOffset + segment.fileSize };
}

/** Where the segment's file bytes are programmed: [lma, lma + p_filesz). */
export function segmentLoadRange(segment: LoadSegment): Span {
  return { start: segment.lma, end: segment.lma + segment.fileSize };
}

/**
 * The load address of file offset `offset` of the segment's file image: lma + (offset - p_offset).
 * The caller keeps `offset` within segmentFileRange (its end included, for end-exclusive ranges).
 */
export function loadAddressAt(segment: LoadSegment, offset: number): number {
  return segment.lma + (offset - segment.fileOffset);
}

/** The file offset that loads at `address` in the segment: the inverse of loadAddressAt. */
export function fileOffsetAt(segment: LoadSegment, address: number): number {
  return segment.fileOffset + (address - segment.lma);
}

/** File ranges as the load addresses the segment gives them; the parts outside its file bytes are cut off. */
export function loadSpansOf(segment: LoadSegment, ranges: readonly Span[]): Span[] {
  return intersectSpans([segmentFileRange(segment)], ranges).map((s) => ({ start: loadAddressAt(segment, s.start), end: loadAddressAt(segment, s.end) }));
}

/** A readable section name; an unnamed one is called by its index: `[3]`. */
export function sectionLabel(section: Section): string {
  return section.name || `[${section.index}]`;
}

/** The section's file bytes [sh_offset, sh_offset + sh_size), or undefined when it has no contents. */
export function sectionFileRange(section: Section): Span | undefined {
  return section.hasContents ? { start: section.fileOffset, end: section.fileOffset + section.size } : undefined;
}

/**
 * A section's load address in a segment that holds it, as BFD places sections: by file offset
 * when it has contents, by run address otherwise (NOBITS, or empty: nothing of it is in the file).
 */
export function sectionLoadAddress(segment: LoadSegment, section: Section): number {
  return section.hasContents ? loadAddressAt(segment, section.fileOffset) : segment.lma + (section.vma - segment.vma);
}

/** [sectionLoadAddress, + sh_size): where the section's memory starts and ends in load addresses. */
export function sectionLoadRange(segment: LoadSegment, section: Section): Span {
  const start = sectionLoadAddress(segment, section);
  return { start, end: start + section.size };
}

/**
 * The first load segment (program header order) that holds the section, or undefined. A map
 * made once per file: a search per call cost sections x calls (a symbol defined in each of
 * 10,000 symbol tables).
 */
export function segmentOfSection(elf: ElfFile, section: Section): LoadSegment | undefined {
  let holders = sectionHolders.get(elf);
  if (!holders) {
    holders = new Map();
    for (const segment of elf.loadSegments) for (const x of segment.sections) if (!holders.has(x.index)) holders.set(x.index, segment);
    sectionHolders.set(elf, holders);
  }
  return holders.get(section.index);
}

const sectionHolders = new WeakMap<ElfFile, Map<number, LoadSegment>>();

/** One ELF structure and the file bytes it occupies. */
export interface StructureRange extends Span {
  readonly what: 'ELF header' | 'program header table' | 'section header table';
}

/**
 * The file bytes the ELF structures occupy: the file header (at least 52 bytes, e_ehsize if
 * larger), the program header table and the section header table; empty tables are left out.
 * The string tables are sections: with a section header table nothing but sections with
 * contents is programmed, and without one there are no string tables to find.
 */
export function structureRanges(header: Elf32Header): StructureRange[] {
  const ranges: StructureRange[] = [
    { what: 'ELF header', start: 0, end: Math.max(ELF32_EHDR_SIZE, header.e_ehsize) },
    { what: 'program header table', start: header.e_phoff, end: header.e_phoff + header.e_phnum * ELF32_PHDR_SIZE },
    { what: 'section header table', start: header.e_shoff, end: header.e_shoff + header.e_shnum * ELF32_SHDR_SIZE },
  ];
  return ranges.filter((r) => r.end > r.start);
}

/** structureRanges merged: sorted, disjoint file spans. */
export function structureSpans(elf: ElfFile): Span[] {
  return mergeSpans(structureRanges(elf.header));
}

/** The load addresses at which a segment holds ELF structures (GNU ld sweeps the headers into the first segment when they fit in front of it). */
export function structureLoadSpans(elf: ElfFile, segment: LoadSegment): Span[] {
  return loadSpansOf(segment, structureSpans(elf));
}

/**
 * The file bytes that are firmware, merged: the file ranges of the sections with contents; for a
 * file without section headers (objcopy --strip-sections), every byte but the ELF structures.
 * With a section table and no section with contents, none (a PT_LOAD holding just the ELF
 * headers and padding, as ld makes around empty sections, programs nothing).
 */
export function contentsSpans(elf: ElfFile): Span[] {
  if (elf.sections.length > 0) return mergeSpans(elf.sections.flatMap((s) => sectionFileRange(s) ?? []));
  return subtractSpans([{ start: 0, end: elf.source.size }], structureSpans(elf));
}

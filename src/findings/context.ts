import { ELF32_EHDR_SIZE, ELF32_PHDR_SIZE } from '../read/elf/constants.js';
import type { ElfFile, LoadSegment, Section } from '../read/elf/types.js';
import { intersectSpans, mergeSpans, type Span } from '../image/spans.js';
import { fewNames } from '../numbers.js';
import type { Selection } from '../select/select.js';
import type { RamRegion } from './types.js';

/** What every check looks at. */
export interface CheckContext {
  readonly elf: ElfFile;
  /** The load segments by program header index (a file may list 65,535 of them). */
  readonly segments: ReadonlyMap<number, LoadSegment>;
  readonly selection: Selection;
  /** RAM regions; empty when unknown (the RAM checks are skipped). */
  readonly ram: readonly RamRegion[];
  /** Flash write unit in bytes, when the user gave one. */
  readonly writeUnit: number | undefined;
}

/** A section's load address: where its bytes sit in the segment's load image (NOBITS by run address). */
export function sectionLoadAddress(segment: LoadSegment, section: Section): number {
  return section.hasContents ? segment.lma + (section.fileOffset - segment.fileOffset) : segment.lma + (section.vma - segment.vma);
}

/** A readable section name; an unnamed one is called by its index. */
export function sectionLabel(section: Section): string {
  return section.name || `[${section.index}]`;
}

/** `.bss ._user_heap_stack` for a list of names (a few, and how many more), or `no named section`. */
export function namesText(names: readonly string[]): string {
  return names.length > 0 ? fewNames(names) : 'no named section';
}

/**
 * The load addresses [start, end) at which a segment holds the ELF header or the program header
 * table (GNU ld sweeps them into the first segment when they fit in front of it).
 */
export function headerLoadSpans(elf: ElfFile, segment: LoadSegment): Span[] {
  const h = elf.header;
  const headers = mergeSpans([
    { start: 0, end: Math.max(ELF32_EHDR_SIZE, h.e_ehsize) },
    { start: h.e_phoff, end: h.e_phoff + h.e_phnum * ELF32_PHDR_SIZE },
  ]);
  const toLma = (offset: number) => segment.lma + (offset - segment.fileOffset);
  return intersectSpans([{ start: segment.fileOffset, end: segment.fileOffset + segment.fileSize }], headers).map((s) => ({ start: toLma(s.start), end: toLma(s.end) }));
}

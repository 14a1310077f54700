/**
 * A seeded generator of firmware layouts: a GNU ld linker script and an assembler source
 * whose sections have exact, random sizes, alignments and bytes, spread over several flash
 * banks and RAM regions. The same seed always gives the same layout.
 */

import { Random } from '../helpers/random.js';


/** A linker MEMORY region. */
export interface Region {
  readonly name: string;
  readonly origin: number;
  readonly length: number;
  readonly flash: boolean;
}

/** What a generated section is, which decides its asm flags and its linker script line. */
export type SectionKind =
  /** Code or constants in a flash bank (`> FLASHn`). */
  | 'flash'
  /** Initialised data: runs in RAM, loads from flash (`> RAM AT> FLASHn`). */
  | 'data'
  /** RAM with bytes in the object file, but `(NOLOAD)`: never programmed. */
  | 'noload'
  /** `.bss`-like: SHT_NOBITS. */
  | 'bss'
  /** RAM with bytes and no `AT>`: a loadable segment outside every flash window. */
  | 'ram'
  /** An output section with no input bytes, only a symbol. */
  | 'empty';

export interface GeneratedSection {
  readonly name: string;
  readonly kind: SectionKind;
  /** Run region (`>`). */
  readonly region: string;
  /** Load region (`AT>`), for `data`. */
  readonly loadRegion: string | undefined;
  /** Alignment of the input section (`.balign`). */
  readonly align: number;
  /** Content bytes (for `bss`, only the length counts). */
  readonly bytes: readonly number[];
  /** Fill the linker adds after the input (`. += pad` with FILL), part of the section's bytes. */
  readonly pad: number;
  readonly fill: number;
}

export interface Layout {
  readonly seed: number;
  readonly bigEndian: boolean;
  /** `-z max-page-size=N` for ld, or undefined for ld's default (headers may share a segment). */
  readonly maxPageSize: number | undefined;
  readonly regions: readonly Region[];
  /** Flash windows given to flashcut, [start, end): the flash regions, some trimmed so a section straddles an edge. */
  readonly windows: readonly { readonly name: string; readonly start: number; readonly end: number }[];
  readonly sections: readonly GeneratedSection[];
}

/** Flash bank origins, far apart, some above 0x80000000 where bitwise address code breaks. */
const FLASH_BASES = [0x0000_0000, 0x0010_0000, 0x0800_0000, 0x0810_0000, 0x0c00_0000, 0x1fff_0000, 0x9000_0000, 0xa000_0000, 0xfff0_0000];
const RAM = { name: 'RAM', origin: 0x2000_0000, length: 0x2_0000, flash: false };
/** Only `ram` sections live here, so ld gives them LMA = VMA (see ld's LMA rule for regions). */
const RAM2 = { name: 'RAM2', origin: 0x3000_0000, length: 0x2_0000, flash: false };
const ALIGNS = [1, 1, 2, 4, 4, 8, 16, 32, 256];

/** The layout for `seed`. */
export function generateLayout(seed: number): Layout {
  const rng = new Random(seed);
  const bankCount = rng.int(1, 4);
  const many = rng.chance(0.1);
  const sectionCount = many ? rng.int(40, 80) : rng.int(1, 12);
  const bankNames = Array.from({ length: bankCount }, (_, i) => `FLASH${i}`);

  const sections: GeneratedSection[] = [];
  for (let i = 0; i < sectionCount; i++) {
    const kind = rng.pick<SectionKind>(['flash', 'flash', 'flash', 'data', 'data', 'noload', 'bss', 'ram', 'empty']);
    const bank = rng.pick(bankNames);
    const size = rng.chance(0.1) ? 0 : rng.chance(0.2) ? rng.int(1, 3) : rng.int(1, many ? 64 : 300);
    const pad = kind === 'flash' || kind === 'data' ? (rng.chance(0.2) ? rng.int(1, 9) : 0) : 0;
    sections.push({
      name: `.g${i}`,
      kind,
      region: kind === 'flash' || kind === 'empty' ? bank : kind === 'ram' ? RAM2.name : RAM.name,
      loadRegion: kind === 'data' ? bank : undefined,
      align: rng.pick(ALIGNS),
      bytes: Array.from({ length: kind === 'empty' ? 0 : size }, () => rng.int(0, 255)),
      pad,
      fill: rng.int(0, 255),
    });
  }

  const regions = placeBanks(rng, bankNames, sections);
  const windows = regions.map((region) => {
    const window = { name: region.name, start: region.origin, end: region.origin + region.length };
    // Cut the window inside the bank's used bytes, so that a section straddles its edge.
    const used = usedBytes(region.name, sections);
    if (used > 2 && rng.chance(0.25)) return { ...window, end: region.origin + rng.int(1, used - 1) };
    if (used > 2 && rng.chance(0.1)) return { ...window, start: region.origin + rng.int(1, used - 1) };
    return window;
  });

  return {
    seed,
    bigEndian: rng.chance(0.3),
    maxPageSize: rng.pick([undefined, 4, 0x100, 0x1000]),
    regions: [...regions, RAM, RAM2],
    windows,
    sections,
  };
}

/** An upper bound of the bytes the sections put in a flash bank (sizes, pads and alignments). */
function usedBytes(bank: string, sections: readonly GeneratedSection[]): number {
  return sections
    .filter((s) => s.region === bank || s.loadRegion === bank)
    .reduce((sum, s) => sum + s.bytes.length + s.pad + s.align, 0);
}

/** Gives each bank an origin and a length that holds its sections: some banks touch the previous one. */
function placeBanks(rng: Random, names: readonly string[], sections: readonly GeneratedSection[]): Region[] {
  const bases = [...FLASH_BASES];
  const banks: Region[] = [];
  for (const name of names) {
    const length = Math.ceil((usedBytes(name, sections) + 0x100) / 0x100) * 0x100;
    const previous = banks[banks.length - 1];
    const touching = previous && rng.chance(0.4) && previous.origin + previous.length + length <= 0x1_0000_0000;
    let origin: number;
    if (touching) {
      origin = previous.origin + previous.length;
    } else {
      const index = rng.int(0, bases.length - 1);
      origin = bases[index] as number;
      bases.splice(index, 1);
    }
    banks.push({ name, origin, length, flash: true });
  }
  return banks;
}

/** The GNU ld script for the layout. */
export function linkerScript(layout: Layout): string {
  const lines = ['MEMORY', '{'];
  for (const r of layout.regions) lines.push(`  ${r.name} (${r.flash ? 'rx' : 'rwx'}) : ORIGIN = 0x${r.origin.toString(16)}, LENGTH = 0x${r.length.toString(16)}`);
  lines.push('}', `_start = ORIGIN(${layout.regions[0]?.name ?? 'RAM'});`, 'ENTRY(_start)', 'SECTIONS', '{');
  for (const s of layout.sections) {
    const body = s.kind === 'empty' ? `. = ALIGN(${s.align}); __${s.name.slice(1)}_mark = .;` : `KEEP(*(${s.name}))`;
    const padding = s.pad > 0 ? ` FILL(0x${s.fill.toString(16)}); . += ${s.pad};` : '';
    const noload = s.kind === 'noload' ? ' (NOLOAD)' : '';
    const at = s.loadRegion ? ` AT> ${s.loadRegion}` : '';
    lines.push(`  ${s.name}${noload} : { ${body}${padding} } > ${s.region}${at}`);
  }
  lines.push('  /DISCARD/ : { *(.ARM.exidx*) }', '}');
  return lines.join('\n') + '\n';
}

/** The assembler source: one input section per generated section, with exact bytes. */
export function assemblySource(layout: Layout): string {
  const lines = ['  .syntax unified'];
  for (const s of layout.sections) {
    if (s.kind === 'empty') continue;
    const flags = s.kind === 'flash' ? '"ax",%progbits' : s.kind === 'bss' ? '"aw",%nobits' : '"aw",%progbits';
    lines.push(`  .section ${s.name},${flags}`, `  .balign ${s.align}`);
    if (s.kind === 'bss') {
      lines.push(`  .space ${s.bytes.length}`);
      continue;
    }
    for (let at = 0; at < s.bytes.length; at += 16) lines.push(`  .byte ${s.bytes.slice(at, at + 16).join(',')}`);
  }
  return lines.join('\n') + '\n';
}

import { symbolDefinitions, type ElfSymbol } from '../read/elf/symbols.js';
import type { ElfFile } from '../read/elf/types.js';
import type { MemoryImage } from '../image/memory-image.js';
import { hex, hex32 } from '../numbers.js';
import { sectionLoadAddress } from '../read/elf/model.js';

/**
 * Symbols the toolchains give the Cortex-M vector table, most specific first: CMSIS/STM32
 * (`g_pfnVectors`), Keil and CMSIS (`__Vectors`), IAR and Rust cortex-m-rt (`__vector_table`),
 * Zephyr (`_vector_table`), NXP MCUXpresso (`__isr_vector`, `__VECTOR_TABLE`), others.
 */
export const VECTOR_TABLE_SYMBOLS = ['g_pfnVectors', '__Vectors', '__vector_table', '__vectors', '_vector_table', '__isr_vector', '__VECTOR_TABLE', 'vector_table'];

/** Output sections that hold the vector table: GNU ld scripts of the vendors, Keil (`RESET`), IAR (`VECTOR_ROM`), TI (`.intvecs`), Zephyr (`rom_start`). */
export const VECTOR_TABLE_SECTIONS = ['.isr_vector', '.vectors', '.vector_table', '.isr_vector_table', 'VECTOR_ROM', 'RESET', '.intvecs', 'rom_start'];

/** Reset handlers by name, to confirm a table found by address alone. */
const RESET_SYMBOLS = ['Reset_Handler', 'Reset', 'reset_handler', 'z_arm_reset', '__start', '_start'];

/** Zephyr aligns the table to 128 bytes after CONFIG_ROM_START_OFFSET's zero fill (room for an MCUboot image header). */
const TABLE_ALIGNMENT = 0x80;

/** A vector table found in the kept image, and how it was found. */
export interface VectorTable {
  /** Load address of word 0 (the initial SP). */
  readonly address: number;
  /** The initial SP and the reset vector, in the ELF's byte order. */
  readonly sp: number;
  readonly reset: number;
  /** How it was found: `symbol g_pfnVectors`, `section rom_start + 0x200 (zero fill before it)`, ... */
  readonly source: string;
}

/** The vector tables to check (armlink images may hold one per application), or why none was found with confidence. */
export type VectorTableSearch = { readonly tables: readonly VectorTable[]; readonly unsure?: undefined } | { readonly tables: readonly []; readonly unsure: string };

/**
 * Finds the Cortex-M vector table from the ELF rather than assuming it at the lowest kept
 * address (RP2040 images start with `.boot2`, MCUboot builds with a 0x200-byte header, i.MX RT
 * with a FlexSPI configuration block): by symbol, else by section name, else the lowest kept
 * address when its reset vector is e_entry or a reset handler symbol. Each must lie in the
 * kept image, since the checks read the bytes that are programmed.
 */
export function findVectorTables(elf: ElfFile, image: MemoryImage): VectorTableSearch {
  const symbols = symbolDefinitions(elf, [...VECTOR_TABLE_SYMBOLS, ...RESET_SYMBOLS]);
  const elsewhere: string[] = [];

  for (const name of VECTOR_TABLE_SYMBOLS) {
    const definitions = symbols.filter((s) => s.name === name);
    const addresses = [...new Set(definitions.map((s) => s.lma))];
    const tables = addresses.flatMap((a) => tableAt(elf, image, a, `symbol ${name}`));
    if (tables.length > 0) return { tables };
    elsewhere.push(...addresses.map((a) => `${name} at ${hex32(a)}`));
  }

  for (const name of VECTOR_TABLE_SECTIONS) {
    for (const segment of elf.loadSegments) {
      const section = segment.sections.find((s) => s.hasContents && s.name === name);
      if (!section) continue;
      const start = sectionLoadAddress(segment, section);
      const skip = zeroFill(elf, image, start, section.size);
      const source = skip > 0 ? `section ${name} + ${hex(skip)} (zero fill before it, as Zephyr's ROM start offset leaves for an MCUboot header)` : `section ${name}`;
      const tables = tableAt(elf, image, start + skip, source);
      if (tables.length > 0) return { tables };
      elsewhere.push(`section ${name} at ${hex32(start)}`);
    }
  }

  const lowest = image.start;
  if (lowest !== undefined) {
    const [table] = tableAt(elf, image, lowest, 'the lowest kept address');
    const confirmed = table && confirmation(elf, table, symbols);
    if (table && confirmed) return { tables: [{ ...table, source: `the lowest kept address, ${confirmed}` }] };
  }
  const names = elsewhere.length > 0 ? `${elsewhere.join(', ')} ${elsewhere.length === 1 ? 'is' : 'are'} not in the kept bytes, ` : 'no vector table symbol or section, ';
  return {
    tables: [],
    unsure: `${names}and word 1 at the lowest kept address${lowest === undefined ? '' : ` (${hex32(lowest)})`} is neither e_entry nor a reset handler`,
  };
}

/** The table at `address` if its first two words were kept. */
function tableAt(elf: ElfFile, image: MemoryImage, address: number, source: string): VectorTable[] {
  const words = readWords(elf, image, address, 2);
  return words ? [{ address, sp: words[0] as number, reset: words[1] as number, source }] : [];
}

/** Bytes of zero fill at the start of a section, in whole table alignments, short of its end. */
function zeroFill(elf: ElfFile, image: MemoryImage, start: number, size: number): number {
  let skip = 0;
  while (skip + TABLE_ALIGNMENT < size && readWords(elf, image, start + skip, 2)?.every((w) => w === 0)) skip += TABLE_ALIGNMENT;
  return skip;
}

/** Why a table found by address alone is one: `its reset vector is e_entry`; undefined when nothing confirms it. */
function confirmation(elf: ElfFile, table: VectorTable, symbols: readonly ElfSymbol[]): string | undefined {
  const even = (a: number) => a - (a % 2);
  const entry = elf.header.e_entry;
  if (entry !== 0 && even(table.reset) === even(entry)) return 'its reset vector being e_entry';
  const handler = symbols.find((s) => RESET_SYMBOLS.includes(s.name) && even(s.value) === even(table.reset));
  if (handler) return `its reset vector being ${handler.name}`;
  if (entry !== 0 && entry === table.address) return 'where e_entry points';
  return undefined;
}

/** `n` 32-bit words at `address` of the kept image, in the ELF's byte order; undefined unless all were kept. */
export function readWords(elf: ElfFile, image: MemoryImage, address: number, n: number): number[] | undefined {
  const slice = image.slice(address, address + 4 * n);
  if (slice.size !== 4 * n) return undefined;
  const bytes = new Uint8Array(4 * n);
  for (const chunk of slice.chunks) bytes.set(chunk.bytes, chunk.address - address);
  const view = new DataView(bytes.buffer);
  return Array.from({ length: n }, (_, i) => view.getUint32(4 * i, elf.littleEndian));
}

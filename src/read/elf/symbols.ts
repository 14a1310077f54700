import { FormatError } from '../../errors.js';
import { count, hex } from '../../numbers.js';
import { ByteReader } from './byte-reader.js';
import { sectionLoadAddress, segmentOfSection } from './model.js';
import type { ElfFile } from './types.js';

const SHT_SYMTAB = 2;
const ELF32_SYM_SIZE = 16;
/** st_shndx values from SHN_LORESERVE up (SHN_ABS, SHN_COMMON, ...) name no section. */
const SHN_LORESERVE = 0xff00;

/** A symbol found by name: its run address (st_value), size, and load address. */
export interface ElfSymbol {
  readonly name: string;
  readonly value: number;
  readonly size: number;
  /** Where the symbol's bytes are programmed: st_value moved by its section's LMA - VMA. */
  readonly lma: number;
  /** The section it is defined in (st_shndx), undefined for an absolute symbol. */
  readonly section: number | undefined;
}

/**
 * Looks `name` up in the symbol tables (SHT_SYMTAB) and returns the first definition, or
 * undefined. Every table and name is bounds-checked; a malformed table is a FormatError.
 */
export function findSymbol(elf: ElfFile, name: string): ElfSymbol | undefined {
  return symbolDefinitions(elf, [name])[0];
}

/**
 * Every definition of any of `names` in the symbol tables, in table order, reading each table
 * once (a file may define one name several times: armlink links several applications into one
 * image, each with its own `__Vectors`). Undefined symbols (st_shndx 0) are skipped.
 */
export function symbolDefinitions(elf: ElfFile, names: readonly string[]): ElfSymbol[] {
  const reader = new ByteReader(elf.source, elf.littleEndian);
  const wanted = names.map((name) => ({ name, bytes: new TextEncoder().encode(name) }));
  const found: ElfSymbol[] = [];
  for (const [tableIndex, table] of elf.sectionHeaders.entries()) {
    if (table.sh_type !== SHT_SYMTAB) continue;
    const strings = elf.sectionHeaders[table.sh_link];
    if (!strings) throw new FormatError(`symbol table (section ${tableIndex}): sh_link ${table.sh_link} names no section`);
    const nameTable = reader.bytesAt(strings.sh_offset, strings.sh_size, `symbol names (section ${table.sh_link})`);
    reader.check(table.sh_offset, table.sh_size, `symbol table (section ${tableIndex})`);
    for (let at = table.sh_offset; at + ELF32_SYM_SIZE <= table.sh_offset + table.sh_size; at += ELF32_SYM_SIZE) {
      const st_name = reader.u32(at, 'st_name');
      const match = wanted.find((w) => nameMatches(nameTable, st_name, w.bytes));
      if (!match) continue;
      const st_shndx = reader.u16(at + 14, 'st_shndx');
      if (st_shndx === 0) continue; // undefined here
      if (st_name >= nameTable.length) throw new FormatError(`symbol at byte ${hex(at)}: st_name ${hex(st_name)} is past the ${count(nameTable.length)}-byte name table`);
      const value = reader.u32(at + 4, 'st_value');
      const section = st_shndx < SHN_LORESERVE ? st_shndx : undefined;
      found.push({ name: match.name, value, size: reader.u32(at + 8, 'st_size'), lma: loadAddressOf(elf, section, value), section });
    }
  }
  return found;
}

function nameMatches(names: Uint8Array, offset: number, wanted: Uint8Array): boolean {
  if (offset + wanted.length >= names.length) return false;
  for (let i = 0; i < wanted.length; i++) if (names[offset + i] !== wanted[i]) return false;
  return names[offset + wanted.length] === 0;
}

/**
 * The load address of a run address inside section `index`: moved as its section is, in the
 * segment that holds it; a symbol of no section, or of a section in no segment, keeps its value.
 */
function loadAddressOf(elf: ElfFile, index: number | undefined, value: number): number {
  const section = index === undefined ? undefined : elf.sections[index];
  const segment = section && segmentOfSection(elf, section);
  if (!section || !segment) return value;
  return sectionLoadAddress(segment, section) + (value - section.vma);
}

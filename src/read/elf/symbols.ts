import { FormatError } from '../../errors.js';
import { count, hex } from '../../numbers.js';
import { ByteReader } from './byte-reader.js';
import type { ElfFile } from './types.js';

const SHT_SYMTAB = 2;
const ELF32_SYM_SIZE = 16;

/** A symbol found by name: its run address (st_value), size, and load address. */
export interface ElfSymbol {
  readonly name: string;
  readonly value: number;
  readonly size: number;
  /** Where the symbol's bytes are programmed: st_value moved by its section's LMA - VMA. */
  readonly lma: number;
}

/**
 * Looks `name` up in the symbol tables (SHT_SYMTAB) and returns the first definition, or
 * undefined. Every table and name is bounds-checked; a malformed table is a FormatError.
 */
export function findSymbol(elf: ElfFile, name: string): ElfSymbol | undefined {
  const reader = new ByteReader(elf.bytes, elf.littleEndian);
  for (const [tableIndex, table] of elf.sectionHeaders.entries()) {
    if (table.sh_type !== SHT_SYMTAB) continue;
    const strings = elf.sectionHeaders[table.sh_link];
    if (!strings) throw new FormatError(`symbol table (section ${tableIndex}): sh_link ${table.sh_link} names no section`);
    const names = reader.bytesAt(strings.sh_offset, strings.sh_size, `symbol names (section ${table.sh_link})`);
    reader.check(table.sh_offset, table.sh_size, `symbol table (section ${tableIndex})`);
    const wanted = new TextEncoder().encode(name);
    for (let at = table.sh_offset; at + ELF32_SYM_SIZE <= table.sh_offset + table.sh_size; at += ELF32_SYM_SIZE) {
      const st_name = reader.u32(at, 'st_name');
      if (!nameMatches(names, st_name, wanted)) continue;
      const st_shndx = reader.u16(at + 14, 'st_shndx');
      if (st_shndx === 0) continue; // undefined here
      if (st_name >= names.length) throw new FormatError(`symbol at byte ${hex(at)}: st_name ${hex(st_name)} is past the ${count(names.length)}-byte name table`);
      const value = reader.u32(at + 4, 'st_value');
      return { name, value, size: reader.u32(at + 8, 'st_size'), lma: loadAddressOf(elf, st_shndx, value) };
    }
  }
  return undefined;
}

function nameMatches(names: Uint8Array, offset: number, wanted: Uint8Array): boolean {
  if (offset + wanted.length >= names.length) return false;
  for (let i = 0; i < wanted.length; i++) if (names[offset + i] !== wanted[i]) return false;
  return names[offset + wanted.length] === 0;
}

/** The load address of a run address inside section `index`, via the segment that holds it. */
function loadAddressOf(elf: ElfFile, index: number, value: number): number {
  const section = elf.sections[index];
  const segment = section && elf.loadSegments.find((s) => s.sections.some((x) => x.index === index));
  if (!section || !segment || !section.hasContents) return value;
  return segment.lma + (section.fileOffset - segment.fileOffset) + (value - section.vma);
}

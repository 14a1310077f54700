/**
 * The ELF32 model in two layers: raw headers with the specification's field names, so the
 * reader can be checked line by line against the spec, and the small domain model the rest
 * of flashcut works with.
 */
import type { ByteSource } from '../../byte-source.js';

/** The ELF32 file header fields flashcut uses (Elf32_Ehdr). */
export interface Elf32Header {
  readonly e_type: number;
  readonly e_machine: number;
  readonly e_version: number;
  readonly e_entry: number;
  readonly e_phoff: number;
  readonly e_shoff: number;
  readonly e_flags: number;
  readonly e_ehsize: number;
  readonly e_phentsize: number;
  /** The real program header count, after resolving PN_XNUM. */
  readonly e_phnum: number;
  readonly e_shentsize: number;
  /** The real section header count, after resolving the e_shnum == 0 escape. */
  readonly e_shnum: number;
  /** The real section name table index, after resolving SHN_XINDEX. */
  readonly e_shstrndx: number;
}

/** One program header (Elf32_Phdr). */
export interface Elf32ProgramHeader {
  readonly p_type: number;
  readonly p_offset: number;
  readonly p_vaddr: number;
  readonly p_paddr: number;
  readonly p_filesz: number;
  readonly p_memsz: number;
  readonly p_flags: number;
  readonly p_align: number;
}

/** One section header (Elf32_Shdr). */
export interface Elf32SectionHeader {
  readonly sh_name: number;
  readonly sh_type: number;
  readonly sh_flags: number;
  readonly sh_addr: number;
  readonly sh_offset: number;
  readonly sh_size: number;
  readonly sh_link: number;
  readonly sh_info: number;
  readonly sh_addralign: number;
  readonly sh_entsize: number;
}

/** A section as flashcut reports it. */
export interface Section {
  /** Index in the section header table. */
  readonly index: number;
  readonly name: string;
  readonly type: number;
  readonly flags: number;
  /** Run address (sh_addr). */
  readonly vma: number;
  readonly fileOffset: number;
  readonly size: number;
  /** SHF_ALLOC and not SHT_NOBITS and not empty: the section has bytes to program. */
  readonly hasContents: boolean;
  /** SHF_ALLOC: the section occupies memory at run time. */
  readonly allocated: boolean;
}

/** A PT_LOAD program header, in flashcut's words. */
export interface LoadSegment {
  /** Index in the program header table. */
  readonly index: number;
  /** Load address (p_paddr, or p_vaddr when `lmaFromVaddr`): where the bytes are programmed. */
  readonly lma: number;
  /** Run address (p_vaddr). */
  readonly vma: number;
  readonly fileOffset: number;
  /** Bytes in the file (p_filesz): the only bytes ever programmed. */
  readonly fileSize: number;
  /** Bytes in memory (p_memsz); the rest beyond fileSize is zeroed at run time. */
  readonly memSize: number;
  /** p_flags (PF_R | PF_W | PF_X). */
  readonly flags: number;
  /** Allocated sections that lie in this segment, in address order. */
  readonly sections: readonly Section[];
}

/** A parsed ELF32 file: the raw headers and the domain view of them. */
export interface ElfFile {
  /** The file the model was parsed from, read as needed; segments and sections point into it. */
  readonly source: ByteSource;
  readonly littleEndian: boolean;
  readonly header: Elf32Header;
  readonly programHeaders: readonly Elf32ProgramHeader[];
  readonly sectionHeaders: readonly Elf32SectionHeader[];
  readonly sections: readonly Section[];
  readonly loadSegments: readonly LoadSegment[];
  /**
   * Every program header has p_paddr 0 and more than one PT_LOAD occupies memory: the linker
   * left the load addresses unset, so segments load at their run addresses (BFD's rule, which
   * objcopy follows).
   */
  readonly lmaFromVaddr: boolean;
}

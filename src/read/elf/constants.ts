/** ELF constants flashcut reads, named as in the System V ABI / ELF specification. */

export const ELFMAG = [0x7f, 0x45, 0x4c, 0x46] as const; // "\x7fELF"
export const EI_CLASS = 4;
export const EI_DATA = 5;
export const EI_VERSION = 6;
export const EI_NIDENT = 16;

export const ELFCLASS32 = 1;
export const ELFCLASS64 = 2;
export const ELFDATA2LSB = 1;
export const ELFDATA2MSB = 2;
export const EV_CURRENT = 1;

export const ET_REL = 1;
export const ET_EXEC = 2;
export const ET_DYN = 3;
export const ET_CORE = 4;

export const EM_ARM = 40;

/** Sizes of the ELF32 structures. */
export const ELF32_EHDR_SIZE = 52;
export const ELF32_PHDR_SIZE = 32;
export const ELF32_SHDR_SIZE = 40;

/** e_phnum value meaning "the count is in section header 0's sh_info". */
export const PN_XNUM = 0xffff;
/** e_shstrndx value meaning "the index is in section header 0's sh_link". */
export const SHN_XINDEX = 0xffff;
export const SHN_UNDEF = 0;

export const PT_LOAD = 1;

export const PF_X = 1;
export const PF_W = 2;
export const PF_R = 4;

export const SHT_NULL = 0;
export const SHT_NOBITS = 8;

export const SHF_WRITE = 0x1;
export const SHF_ALLOC = 0x2;
export const SHF_EXECINSTR = 0x4;

const MACHINE_NAMES: Readonly<Record<number, string>> = {
  2: 'SPARC',
  3: 'x86',
  8: 'MIPS',
  20: 'PowerPC',
  40: 'ARM',
  42: 'SuperH',
  83: 'AVR',
  94: 'Xtensa',
  105: 'MSP430',
  243: 'RISC-V',
};

/** A readable name for e_machine, or `machine N` when flashcut does not know it. */
export function machineName(machine: number): string {
  return MACHINE_NAMES[machine] ?? `machine ${machine}`;
}

const SEGMENT_TYPE_NAMES: Readonly<Record<number, string>> = {
  0: 'NULL',
  1: 'LOAD',
  2: 'DYNAMIC',
  3: 'INTERP',
  4: 'NOTE',
  5: 'SHLIB',
  6: 'PHDR',
  7: 'TLS',
  0x6474e550: 'GNU_EH_FRAME',
  0x6474e551: 'GNU_STACK',
  0x6474e552: 'GNU_RELRO',
  0x70000001: 'ARM_EXIDX',
};

/** p_type as readelf names it (`LOAD`, `ARM_EXIDX`), or its hex value. */
export function segmentTypeName(type: number): string {
  return SEGMENT_TYPE_NAMES[type] ?? '0x' + type.toString(16).toUpperCase();
}

const SECTION_TYPE_NAMES: Readonly<Record<number, string>> = {
  0: 'NULL',
  1: 'PROGBITS',
  2: 'SYMTAB',
  3: 'STRTAB',
  4: 'RELA',
  5: 'HASH',
  6: 'DYNAMIC',
  7: 'NOTE',
  8: 'NOBITS',
  9: 'REL',
  11: 'DYNSYM',
  14: 'INIT_ARRAY',
  15: 'FINI_ARRAY',
  16: 'PREINIT_ARRAY',
  0x70000001: 'ARM_EXIDX',
  0x70000003: 'ARM_ATTRIBUTES',
};

/** sh_type as readelf names it (`PROGBITS`, `NOBITS`), or its hex value. */
export function sectionTypeName(type: number): string {
  return SECTION_TYPE_NAMES[type] ?? '0x' + type.toString(16).toUpperCase();
}

/** p_flags as readelf prints them: `RWE`, `R E`, ... */
export function segmentFlagsText(flags: number): string {
  return (flags % 8 >= PF_R ? 'R' : ' ') + (flags % 4 >= PF_W ? 'W' : ' ') + (flags % 2 >= PF_X ? 'E' : ' ');
}

/** sh_flags' W, A, X letters as readelf prints them. */
export function sectionFlagsText(flags: number): string {
  return (flags % 2 >= SHF_WRITE ? 'W' : '') + (flags % 4 >= SHF_ALLOC ? 'A' : '') + (flags % 8 >= SHF_EXECINSTR ? 'X' : '');
}

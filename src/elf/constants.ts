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

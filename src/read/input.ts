import type { ElfFile } from './elf/types.js';
import type { ImageChunk } from '../image/memory-image.js';

/** The input formats flashcut reads. */
export type InputFormatName = 'elf' | 'hex' | 'srec' | 'bin';

/** What users call each input format. */
export const INPUT_FORMAT_TITLES: Readonly<Record<InputFormatName, string>> = {
  elf: 'ELF32',
  hex: 'Intel HEX',
  srec: 'Motorola S-record',
  bin: 'raw binary',
};

/** An ELF input: its bytes are selected by segment and section (see selectFlashBytes). */
export interface ElfInput {
  readonly format: 'elf';
  /** File name, for origins and reports. */
  readonly name: string;
  readonly elf: ElfFile;
  /** e_entry, or undefined when it is 0. */
  readonly startAddress: number | undefined;
}

/** An input that is already a memory image (Intel HEX, S-record, BIN): bytes at addresses. */
export interface ImageInput {
  readonly format: 'hex' | 'srec' | 'bin';
  readonly name: string;
  /** The data, in file order, in contiguous pieces whose origin names the file and lines. */
  readonly pieces: readonly ImageChunk[];
  /** From an Intel HEX 03/05 or an S-record S7/S8/S9 record (0 there counts as none). */
  readonly startAddress: number | undefined;
}

/** One input file, read but not yet cut to the flash windows. */
export type FirmwareInput = ElfInput | ImageInput;

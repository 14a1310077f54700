import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toolVersion } from './measure.js';
import { buildElf, SHF_ALLOC, SHF_EXECINSTR, SHF_WRITE, type ElfSpec } from '../../test/helpers/elf-builder.js';

export type BenchFormat = 'hex' | 'bin' | 'srec';

/**
 * One output to time: its format, and what is at the output path when a round starts:
 * - `new`: nothing (the file is removed before each round, untimed);
 * - `replace`: the previous round's output, flushed to disk before the round (fsync, untimed), as
 *   an old output is when seconds pass between two builds;
 * - `back-to-back`: the previous round's output as that round left it, its write-out possibly
 *   still under way.
 */
export interface BenchOutput {
  readonly format: BenchFormat;
  readonly target: 'new' | 'replace' | 'back-to-back';
}

/** One input of the benchmark: a file on disk (ELF, or Intel HEX), the windows to keep, the outputs to time. */
export interface BenchCase {
  readonly name: string;
  readonly input: string;
  readonly inputFormat: 'elf' | 'hex';
  /** `--region` values for flashcut; objcopy keeps every loadable section, which here is the same bytes. */
  readonly regions: readonly string[];
  readonly outputs: readonly BenchOutput[];
}

const replacing = (...formats: BenchFormat[]): BenchOutput[] => formats.map((format) => ({ format, target: 'replace' }));

const MiB = 1024 * 1024;
const FLASH = 0x08000000;
/** 3 GiB above FLASH: a second flash bank far away, as in the "memory must not grow with the span" check. */
const FAR_FLASH = FLASH + 3 * 1024 * MiB;
const DATA_SIZE = 4096;

/**
 * A firmware-shaped ELF of `size` bytes at FLASH: code and read-only data in one segment,
 * and initialised RAM data (run address 0x20000000) loaded right after it in flash, as a
 * linker script with `> RAM AT> FLASH` produces.
 */
function firmwareSpec(size: number): ElfSpec {
  const text = size - DATA_SIZE;
  return {
    entry: FLASH + 0x101,
    segments: [
      { paddr: FLASH, data: text, flags: 5 },
      { paddr: FLASH + text, vaddr: 0x20000000, data: DATA_SIZE, flags: 6 },
    ],
    sections: [
      { name: '.isr_vector', segment: 0, size: 0x200, flags: SHF_ALLOC },
      { name: '.text', segment: 0, offset: 0x200, size: text - 0x200 - 0x1000, flags: SHF_ALLOC | SHF_EXECINSTR },
      { name: '.rodata', segment: 0, offset: text - 0x1000, flags: SHF_ALLOC },
      { name: '.data', segment: 1, flags: SHF_ALLOC | SHF_WRITE },
    ],
  };
}

/** `size` bytes in two halves, the second at `secondHalf` (right after the first, or far away). */
function splitSpec(size: number, secondHalf: number): ElfSpec {
  const half = size / 2;
  return {
    entry: FLASH + 0x101,
    segments: [
      { paddr: FLASH, data: half, flags: 5 },
      { paddr: secondHalf, data: half, flags: 4 },
    ],
    sections: [
      { name: '.text', segment: 0, flags: SHF_ALLOC | SHF_EXECINSTR },
      { name: '.far_rodata', segment: 1, flags: SHF_ALLOC },
    ],
  };
}

/**
 * Writes the synthetic ELFs into `dir`; `quick` makes only the smallest. At 64 MiB the HEX is
 * timed twice, replacing an existing file and as a new one (on ext4 a rename over a file flushes
 * the new one, a cost objcopy, which rewrites in place, does not pay).
 */
export function syntheticCases(dir: string, quick: boolean): BenchCase[] {
  const sizes = quick ? [1] : [1, 16, 64, 256];
  const cases: BenchCase[] = sizes.map((mib) => {
    const elf = join(dir, `firmware-${mib}M.elf`);
    writeFileSync(elf, buildElf(firmwareSpec(mib * MiB)));
    const outputs: BenchOutput[] = mib === 64 ? [{ format: 'hex', target: 'new' }, { format: 'hex', target: 'back-to-back' }, ...replacing('hex', 'bin', 'srec')] : replacing('hex', 'bin', 'srec');
    return { name: `${mib} MiB`, input: elf, inputFormat: 'elf', regions: [`FLASH=${hex(FLASH)}:${mib}M`], outputs };
  });
  if (!quick) {
    // The same two halves, touching or 3 GiB apart: memory must not grow with the address span.
    for (const [name, file, secondHalf] of [
      ['64 MiB in two halves', 'firmware-64M-halves.elf', FLASH + 32 * MiB],
      ['64 MiB, 3 GiB gap', 'firmware-64M-3G-gap.elf', FAR_FLASH],
    ] as const) {
      const elf = join(dir, file);
      writeFileSync(elf, buildElf(splitSpec(64 * MiB, secondHalf)));
      cases.push({ name, input: elf, inputFormat: 'elf', regions: [`FLASH=${hex(FLASH)}:32M`, `FAR=${hex(secondHalf)}:32M`], outputs: replacing('hex') });
    }
  }
  return cases;
}

const GCC_STARTUP = `
extern const unsigned char blob[];
extern unsigned int _sidata, _sdata, _edata;
int counter = 42;
void reset(void) {
  unsigned int *src = &_sidata, *dst = &_sdata;
  while (dst < &_edata) *dst++ = *src++;
  for (;;) counter += blob[counter & 0xff];
}
__attribute__((section(".isr_vector"), used)) void (*const vectors[])(void) = { (void (*)(void))0x20001000, reset };
`;

const GCC_LINKER_SCRIPT = `
MEMORY { FLASH (rx) : ORIGIN = 0x08000000, LENGTH = 32M  RAM (rwx) : ORIGIN = 0x20000000, LENGTH = 128K }
ENTRY(reset)
SECTIONS {
  .isr_vector : { KEEP(*(.isr_vector)) } > FLASH
  .text : { *(.text*) } > FLASH
  .rodata : ALIGN(4) { *(.rodata*) KEEP(*(.blob)) } > FLASH
  _sidata = LOADADDR(.data);
  .data : ALIGN(4) { _sdata = .; *(.data*) . = ALIGN(4); _edata = .; } > RAM AT> FLASH
  .bss (NOLOAD) : { *(.bss*) *(COMMON) } > RAM
}
`;

/**
 * A `size`-byte image linked by arm-none-eabi-gcc and GNU ld (a vector table, code, data
 * copied from flash, and a `.incbin` blob of pseudo-random bytes), or undefined without the toolchain.
 */
export function gccCase(dir: string, size: number): BenchCase | undefined {
  if (toolVersion('arm-none-eabi-gcc') === undefined) return undefined;
  const blob = new Uint8Array(size - 64 * 1024);
  let state = 0x12345678;
  for (let i = 0; i < blob.length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    blob[i] = state >>> 24;
  }
  writeFileSync(join(dir, 'blob.bin'), blob);
  writeFileSync(join(dir, 'startup.c'), GCC_STARTUP);
  writeFileSync(join(dir, 'blob.s'), '.section .blob,"a"\n.global blob\nblob:\n.incbin "blob.bin"\n');
  writeFileSync(join(dir, 'firmware.ld'), GCC_LINKER_SCRIPT);
  const elf = join(dir, `gcc-${size / MiB}M.elf`);
  execFileSync(
    'arm-none-eabi-gcc',
    ['-mcpu=cortex-m4', '-mthumb', '-Os', '-nostdlib', '-nostartfiles', '-ffreestanding', '-Wl,--no-warn-rwx-segments',
      '-T', 'firmware.ld', '-o', elf, 'startup.c', 'blob.s'],
    { cwd: dir, stdio: 'inherit' },
  );
  return { name: `gcc-linked ${size / MiB} MiB`, input: elf, inputFormat: 'elf', regions: [`FLASH=${hex(FLASH)}:32M`], outputs: replacing('hex', 'bin') };
}

/** A 64 MiB image as Intel HEX (written by objcopy, so not by the tool under test), to convert to BIN. */
export function hexInputCase(dir: string, objcopy: string): BenchCase {
  const elf = join(dir, 'firmware-64M.elf');
  const input = join(dir, 'firmware-64M.objcopy-input.hex');
  execFileSync(objcopy, ['-O', 'ihex', elf, input]);
  return { name: '64 MiB HEX input', input, inputFormat: 'hex', regions: [], outputs: replacing('bin') };
}

function hex(value: number): string {
  return `0x${value.toString(16).toUpperCase()}`;
}

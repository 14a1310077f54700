import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { isCortexM } from '../src/read/elf/arm-attributes.js';
import { parseElf } from '../src/read/elf/parse.js';
import { buildElf, EM_RISCV } from './helpers/elf-builder.js';
import { runCli } from './helpers/run-cli.js';
import { describeWithTools } from './helpers/tools.js';
import { tempFolder } from './helpers/temp.js';

const dir = tempFolder('attributes').path;

it('an ARM ELF without build attributes counts as Cortex-M; another machine never does', () => {
  expect(isCortexM(parseElf(buildElf({ segments: [{ paddr: 0, data: 8 }] })))).toBe(true);
  expect(isCortexM(parseElf(buildElf({ machine: EM_RISCV, segments: [{ paddr: 0, data: 8 }] })))).toBe(false);
});

// A vector table whose reset entry points at code, as each CPU family lays it out.
const SOURCE = `
  .section .vectors, "a"
  .word 0x20001000
  .word reset + 1
  .text
  .global reset
reset:
  b reset
`;
const LINKER_SCRIPT = 'MEMORY { FLASH (rx) : ORIGIN = 0x08000000, LENGTH = 64K RAM (rwx) : ORIGIN = 0x20000000, LENGTH = 8K }\n' +
  'SECTIONS { .vectors : { KEEP(*(.vectors)) } > FLASH .text : { *(.text*) } > FLASH }\nENTRY(reset)\n';

describeWithTools('build attributes against readelf -A', ['arm-none-eabi-gcc', 'arm-none-eabi-readelf'], () => {
  const cpus = [
    { flags: ['-mcpu=cortex-m4', '-mthumb'], name: 'cortex-m4' },
    { flags: ['-mcpu=cortex-m0', '-mthumb'], name: 'cortex-m0' },
    { flags: ['-mcpu=cortex-m33', '-mthumb'], name: 'cortex-m33' },
    { flags: ['-mcpu=arm7tdmi', '-marm'], name: 'arm7tdmi' },
    { flags: ['-mcpu=cortex-r4', '-mbig-endian'], name: 'cortex-r4-be' },
    { flags: ['-mcpu=cortex-a9'], name: 'cortex-a9' },
  ];
  const build = (name: string, flags: string[], source = SOURCE) => {
    writeFileSync(join(dir, 'v.S'), source);
    writeFileSync(join(dir, 'v.ld'), LINKER_SCRIPT);
    const elf = join(dir, `${name}.elf`);
    execFileSync('arm-none-eabi-gcc', [...flags, '-nostdlib', '-T', join(dir, 'v.ld'), '-Wl,--no-warn-rwx-segments', '-o', elf, join(dir, 'v.S')]);
    return elf;
  };

  it.each(cpus)('$name: Cortex-M exactly when readelf reports the M profile or an M architecture', ({ name, flags }) => {
    const elf = build(name, flags);
    const attributes = execFileSync('arm-none-eabi-readelf', ['-A', elf], { encoding: 'utf8' });
    const readelfSaysM = /Tag_CPU_arch_profile: Microcontroller/.test(attributes) || /Tag_CPU_arch: v(6S?-M|7E-M|8-M|8\.1-M)/.test(attributes);
    expect(isCortexM(parseElf(readFileSync(elf)))).toBe(readelfSaysM);
    expect(readelfSaysM).toBe(name.startsWith('cortex-m'));
  });

  it('--strict passes an ARM7 image whose vector table is branch instructions', async () => {
    // Classic ARM vectors are branch instructions, not a stack pointer and addresses.
    const elf = build('arm7-vectors', ['-mcpu=arm7tdmi', '-marm'], '.section .vectors, "ax"\n  b reset\n  b reset\n.text\n.global reset\nreset:\n  b reset\n');
    const { code, stderr } = await runCli([elf, '-o', join(dir, 'arm7.hex'), '-r', 'FLASH=0x08000000:64K', '--strict', '-q']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  });
});

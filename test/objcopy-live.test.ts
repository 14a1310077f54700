import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { convert } from '../src/pipeline/convert.js';
import { parseRegion } from '../src/config/option-syntax.js';
import { buildElf, SHF_ALLOC, SHF_WRITE, SHT_NOBITS, type ElfSpec } from './helpers/elf-builder.js';
import { decodeIntelHex } from './helpers/ihex-decode.js';
import { describeWithTools } from './helpers/tools.js';
import { tempFolder } from './helpers/temp.js';

const root = new URL('..', import.meta.url).pathname;
const work = tempFolder('objcopy').path;

describeWithTools('live GNU objcopy oracle', ['arm-none-eabi-objcopy', 'arm-none-eabi-objdump'], () => {
  it('regenerates the committed goldens: they are objcopy output, and current', () => {
    const fresh = join(work, 'goldens');
    execFileSync('bash', [join(root, 'scripts/make-goldens.sh')], { env: { ...process.env, GOLDEN_DIR: fresh }, stdio: 'pipe' });
    for (const name of ['sane', 'broken']) {
      const committed = join(root, 'test/golden/stm32-seed', name);
      expect(readFileSync(join(fresh, `${name}.objcopy.bin`)).equals(readFileSync(`${committed}.objcopy.bin`))).toBe(true);
      const decode = (path: string) => decodeIntelHex(readFileSync(path, 'latin1')).bytes;
      expect(decode(join(fresh, `${name}.objcopy.hex`))).toEqual(decode(`${committed}.objcopy.hex`));
    }
  });

  // Synthetic layouts in both byte orders; for objcopy the sections outside flash are removed by name.
  const flash = parseRegion('FLASH=0x08000000:64K');
  const cases: { name: string; spec: ElfSpec; remove: string[] }[] = [];
  for (const littleEndian of [true, false]) {
    const order = littleEndian ? 'LE' : 'BE';
    cases.push(
      {
        name: `${order}: text, .data at its LMA, .bss`,
        spec: {
          littleEndian,
          segments: [
            { paddr: 0x0800_0000, data: 300 },
            { paddr: 0x0800_012c, vaddr: 0x2000_0000, data: 40, memsz: 0x100, flags: 6 },
          ],
          sections: [
            { name: '.text', segment: 0 },
            { name: '.data', segment: 1, size: 40, flags: SHF_ALLOC | SHF_WRITE },
            { name: '.bss', segment: 1, offset: 40, size: 0xd8, type: SHT_NOBITS, flags: SHF_ALLOC | SHF_WRITE },
          ],
        },
        remove: [],
      },
      {
        name: `${order}: ELF headers swept into the first segment`,
        spec: { littleEndian, segments: [{ paddr: 0x0800_8000, data: 64, headerBytes: 0x1000 }], sections: [{ name: '.isr_vector', segment: 0 }] },
        remove: [],
      },
      {
        name: `${order}: a RAM section with contents and no AT>`,
        spec: {
          littleEndian,
          segments: [
            { paddr: 0x0800_0000, data: 32 },
            { paddr: 0x2000_235c, data: 24 },
          ],
          sections: [
            { name: '.text', segment: 0 },
            { name: '.ram_code', segment: 1, flags: SHF_ALLOC | SHF_WRITE },
          ],
        },
        remove: ['.ram_code'],
      },
      {
        name: `${order}: every p_paddr left at 0`,
        spec: { littleEndian, segments: [{ paddr: 0, vaddr: 0x0800_0000, data: 48 }, { paddr: 0, vaddr: 0x0800_0400, data: 16 }] },
        remove: [],
      },
    );
  }

  it.each(cases)('$name: same address->byte image as objcopy -O ihex', ({ name, spec, remove }) => {
    const elfPath = join(work, `${name.replace(/\W+/g, '_')}.elf`);
    const hexPath = `${elfPath}.hex`;
    const elf = buildElf(spec);
    writeFileSync(elfPath, elf);
    execFileSync('arm-none-eabi-objcopy', ['-O', 'ihex', ...remove.flatMap((s) => ['-R', s]), elfPath, hexPath]);
    const theirs = decodeIntelHex(readFileSync(hexPath, 'latin1')).bytes;
    const ours = decodeIntelHex(new TextDecoder().decode(convert(elf, { windows: [flash] }).output)).bytes;
    expect(theirs.size).toBeGreaterThan(0);
    expect(ours).toEqual(theirs);
  });
});

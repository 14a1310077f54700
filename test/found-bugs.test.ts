/** Bugs the proofs (differential layouts, fuzzing) found in the core, one regression test each. */
import { describe, expect, it } from 'vitest';
import { convert } from '../src/convert.js';
import { LayoutError } from '../src/errors.js';
import { buildElf, SHF_ALLOC } from './helpers/elf-builder.js';

const FLASH = { name: 'FLASH', start: 0x0800_0000, end: 0x0801_0000, source: 'test' };

describe('selection with a section table but no section bytes (layout seed 3676583663)', () => {
  // ld makes such a file around an empty output section: one PT_LOAD of ELF headers and padding.
  const elf = buildElf({
    segments: [{ paddr: 0x0800_0000, data: 64 }],
    sections: [{ name: '.empty', segment: 0, size: 0, flags: SHF_ALLOC }],
  });

  it('programs nothing, as objcopy writes nothing', () => {
    expect(() => convert(elf, { windows: [FLASH] })).toThrow(LayoutError);
  });

  it('still programs the segment bytes of a file without section headers', () => {
    const stripped = buildElf({ segments: [{ paddr: 0x0800_0000, data: 64 }], sections: 'none' });
    expect(convert(stripped, { windows: [FLASH], format: 'bin' }).output).toHaveLength(64);
  });
});

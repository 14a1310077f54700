import { describe, expect, it } from 'vitest';
import { parseElf } from '../src/read/elf/parse.js';
import { findIssues, findVectorTables } from '../src/findings/index.js';
import { selectFlashBytes } from '../src/select/select.js';
import { CORTEX_M_CODE_REGION, type FlashWindow } from '../src/windows/window.js';
import { parseRegion } from '../src/config/option-syntax.js';
import { buildElf, pattern, SHF_ALLOC, SHF_EXECINSTR, type SectionSpec, type SymbolSpec } from './helpers/elf-builder.js';

/** `size` bytes of flash whose vector tables (initial SP, reset vector) sit at the given offsets. */
function flash(size: number, tables: readonly { at: number; sp: number; reset: number }[], littleEndian: boolean, fill?: Uint8Array): Uint8Array {
  const bytes = pattern(size, 5);
  if (fill) bytes.set(fill);
  const view = new DataView(bytes.buffer);
  for (const t of tables) {
    view.setUint32(t.at, t.sp, littleEndian);
    view.setUint32(t.at + 4, t.reset, littleEndian);
  }
  return bytes;
}

interface Firmware {
  base: number;
  data: Uint8Array;
  sections: SectionSpec[];
  symbols?: SymbolSpec[];
  entry: number;
}

function analyse(fw: Firmware, littleEndian: boolean, windows: readonly FlashWindow[] = [CORTEX_M_CODE_REGION]) {
  const elf = parseElf(buildElf({ littleEndian, entry: fw.entry, segments: [{ paddr: fw.base, data: fw.data }], sections: fw.sections, ...(fw.symbols ? { symbols: fw.symbols } : {}) }));
  const selection = selectFlashBytes(elf, windows);
  return { search: findVectorTables(elf, selection.image), findings: findIssues(elf, selection) };
}

const text = (offset: number): SectionSpec => ({ name: '.text', segment: 0, offset, flags: SHF_ALLOC | SHF_EXECINSTR });

describe.each([true, false])('the vector table is found from the ELF (little-endian: %s)', (le) => {
  it('RP2040: .boot2 first, the table at 0x10000100 (by section, and by symbol)', () => {
    // The boot2 stage's own bytes at the lowest address would read as SP 0x4B32B500, reset 0x60582021.
    const boot2 = new Uint8Array([0x00, 0xb5, 0x32, 0x4b, 0x21, 0x20, 0x58, 0x60]);
    const data = flash(0x400, [{ at: 0x100, sp: 0x2004_2000, reset: 0x1000_01c1 }], le, boot2);
    const bySection = { base: 0x1000_0000, data, entry: 0x1000_01c1, sections: [{ name: '.boot2', segment: 0, size: 0x100 }, { name: '.vector_table', segment: 0, offset: 0x100, size: 0xc0 }, text(0x1c0)] };
    const found = analyse(bySection, le);
    expect(found.search.tables).toEqual([{ address: 0x1000_0100, sp: 0x2004_2000, reset: 0x1000_01c1, source: 'section .vector_table' }]);
    expect(found.findings).toEqual([]);

    const bySymbol = { ...bySection, sections: [{ name: '.boot2', segment: 0, size: 0x100 }, text(0x100)], symbols: [{ name: '__vector_table', value: 0x1000_0100, section: 1 }] };
    expect(analyse(bySymbol, le).search.tables.map((t) => [t.address, t.source])).toEqual([[0x1000_0100, 'symbol __vector_table']]);
    expect(analyse(bySymbol, le).findings).toEqual([]);
  });

  it("Zephyr for MCUboot: rom_start begins with 0x200 bytes of zero fill (the image header's room)", () => {
    const data = flash(0x800, [{ at: 0x200, sp: 0x2000_4000, reset: 0x0000_c401 }], le, new Uint8Array(0x200));
    const fw = { base: 0xc000, data, entry: 0xc401, sections: [{ name: 'rom_start', segment: 0, size: 0x300 }, text(0x300)] };
    const found = analyse(fw, le);
    expect(found.search.tables.map((t) => [t.address, t.reset])).toEqual([[0xc200, 0xc401]]);
    expect(found.search.tables[0]?.source).toMatch(/^section rom_start \+ 0x200 \(zero fill before it/);
    expect(found.findings).toEqual([]);
    // Zephyr's own symbol says it as well.
    expect(analyse({ ...fw, symbols: [{ name: '_vector_table', value: 0xc200, section: 0 }] }, le).search.tables[0]?.source).toBe('symbol _vector_table');
  });

  it('i.MX RT: a FlexSPI configuration block (FCFB) first, the table at +0x2000, the stack in SDRAM', () => {
    const fcfb = new Uint8Array([0x46, 0x43, 0x46, 0x42, 0x00, 0x00, 0x01, 0x56]);
    const data = flash(0x2400, [{ at: 0x2000, sp: 0x8010_0000, reset: 0x6000_2401 }], le, fcfb);
    const fw = { base: 0x6000_0000, data, entry: 0x6000_2401, sections: [{ name: '.boot_hdr', segment: 0, size: 0x1000 }, { name: '.isr_vector', segment: 0, offset: 0x2000, size: 0x400 }] };
    const found = analyse(fw, le, [parseRegion('FLASH=0x60000000:8M')]);
    expect(found.search.tables.map((t) => [t.address, t.source])).toEqual([[0x6000_2000, 'section .isr_vector']]);
    // The SP is in the External RAM region of the memory map: no error.
    expect(found.findings).toEqual([]);
  });

  it('an SP outside every RAM region names the memory-map region it is in', () => {
    const data = flash(0x100, [{ at: 0, sp: 0x4000_1000, reset: 0x0800_0041 }], le);
    const found = analyse({ base: 0x0800_0000, data, entry: 0x0800_0041, sections: [{ name: 'RESET', segment: 0 }] }, le);
    expect(found.findings.map((f) => f.code)).toEqual(['initial-sp-not-in-ram']);
    expect(found.findings[0]?.message).toMatch(/the vector table at 0x08000000 \(section RESET\).*is 0x40001000, in the Peripheral region \(0x40000000-0x5FFFFFFF\)/);
  });

  it('the lowest kept address counts only when e_entry or a reset handler confirms it', () => {
    const data = flash(0x100, [{ at: 0, sp: 0x2000_1000, reset: 0x0800_0041 }], le);
    const byEntry = analyse({ base: 0x0800_0000, data, entry: 0x0800_0041, sections: [text(0)] }, le);
    expect(byEntry.search.tables[0]?.source).toBe('the lowest kept address, its reset vector being e_entry');
    const byHandler = analyse({ base: 0x0800_0000, data, entry: 0, sections: [text(0)], symbols: [{ name: 'Reset_Handler', value: 0x0800_0041, section: 0 }] }, le);
    expect(byHandler.search.tables[0]?.source).toBe('the lowest kept address, its reset vector being Reset_Handler');
  });

  it('no table found with confidence: an info line, and no checks of bytes that may be something else', () => {
    const data = flash(0x100, [{ at: 0, sp: 0x1234_5678, reset: 0x0800_0040 }], le);
    const found = analyse({ base: 0x0800_0000, data, entry: 0x0800_0081, sections: [text(0)] }, le);
    expect(found.search.tables).toEqual([]);
    expect(found.findings.map((f) => [f.code, f.severity])).toEqual([['vector-table-not-found', 'info']]);
    expect(found.findings[0]?.message).toMatch(/no vector table symbol or section, and word 1 at the lowest kept address \(0x08000000\) is neither e_entry nor a reset handler/);
    // A named table outside the kept bytes is said to be so.
    const away = analyse({ base: 0x0800_0000, data, entry: 0x0800_0081, sections: [text(0)], symbols: [{ name: 'g_pfnVectors', value: 0x2000_0000, section: 0 }] }, le);
    expect(away.findings[0]?.message).toMatch(/g_pfnVectors at 0x20000000 is not in the kept bytes/);
  });

  it('armlink: one __Vectors per application, each checked', () => {
    const data = flash(0x2000, [{ at: 0, sp: 0x2000_0300, reset: 0x0000_0101 }, { at: 0x1000, sp: 0x2000_0400, reset: 0x0000_1100 }], le);
    const symbols = [{ name: '__Vectors', value: 0, section: 0 }, { name: '__Vectors', value: 0x1000, section: 0 }];
    const found = analyse({ base: 0, data, entry: 0, sections: [text(0)], symbols }, le);
    expect(found.search.tables.map((t) => t.address)).toEqual([0, 0x1000]);
    expect(found.findings.map((f) => [f.code, f.address])).toEqual([['reset-vector-no-thumb-bit', 0x1004]]);
  });
});

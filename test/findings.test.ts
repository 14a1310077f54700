import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseElf } from '../src/read/elf/parse.js';
import { findIssues, type FindingOptions, type RamRegion } from '../src/findings/index.js';
import { selectFlashBytes } from '../src/select/select.js';
import type { FlashWindow } from '../src/windows/window.js';
import { parseRegion } from '../src/config/option-syntax.js';
import { buildElf, EM_RISCV, pattern, SHF_ALLOC, SHF_EXECINSTR, SHF_WRITE, SHT_NOBITS, type ElfSpec, type SegmentSpec } from './helpers/elf-builder.js';

const FLASH = parseRegion('FLASH=0x08000000:64K');

/** 0x100 bytes of firmware starting with a Cortex-M vector table (initial SP, reset vector). */
function firmware(sp: number, reset: number, littleEndian: boolean, size = 0x100): Uint8Array {
  const bytes = pattern(size, 3);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, sp, littleEndian);
  view.setUint32(4, reset, littleEndian);
  return bytes;
}

interface Layout {
  littleEndian?: boolean;
  sp?: number;
  reset?: number;
  entry?: number;
  machine?: number;
  /** Load address of .data (its run address is 0x20000000). */
  dataLma?: number;
  dataSize?: number;
  extra?: SegmentSpec[];
  headerBytes?: number;
}

/** A sane Cortex-M firmware: .isr_vector + .text in flash, .data run in RAM and loaded after .text, .bss. */
function elfOf(layout: Layout = {}): Uint8Array {
  const le = layout.littleEndian ?? true;
  const spec: ElfSpec = {
    littleEndian: le,
    machine: layout.machine ?? 40,
    entry: layout.entry ?? 0x0800_0041,
    segments: [
      {
        paddr: 0x0800_0000,
        data: firmware(layout.sp ?? 0x2000_1000, layout.reset ?? 0x0800_0041, le),
        ...(layout.headerBytes !== undefined ? { headerBytes: layout.headerBytes } : {}),
      },
      { paddr: layout.dataLma ?? 0x0800_0100, vaddr: 0x2000_0000, data: layout.dataSize ?? 0x20, memsz: 0x100, flags: 6 },
      ...(layout.extra ?? []),
    ],
    sections: [
      { name: '.isr_vector', segment: 0, size: 0x40 },
      { name: '.text', segment: 0, offset: 0x40, flags: SHF_ALLOC | SHF_EXECINSTR },
      { name: '.data', segment: 1, flags: SHF_ALLOC | SHF_WRITE },
      { name: '.bss', segment: 1, offset: layout.dataSize ?? 0x20, size: 0x100 - (layout.dataSize ?? 0x20), type: SHT_NOBITS, flags: SHF_ALLOC | SHF_WRITE },
      ...(layout.extra ?? []).map((_, i) => ({ name: `.extra${i}`, segment: 2 + i, flags: SHF_ALLOC | SHF_WRITE })),
    ],
  };
  return buildElf(spec);
}

function codes(bytes: Uint8Array, windows: readonly FlashWindow[] = [FLASH], options: FindingOptions = {}): string[] {
  const elf = parseElf(bytes);
  return findIssues(elf, selectFlashBytes(elf, windows), options).map((f) => f.code);
}

function findingsOf(bytes: Uint8Array, windows: readonly FlashWindow[] = [FLASH], options: FindingOptions = {}) {
  const elf = parseElf(bytes);
  return findIssues(elf, selectFlashBytes(elf, windows), options);
}

const RAM_WINDOW = parseRegion('RAM=0x20000000:128K');

describe.each([true, false])('findings (little-endian: %s)', (littleEndian) => {
  it('has nothing to say about a sane layout', () => {
    expect(codes(elfOf({ littleEndian }))).toEqual([]);
    expect(codes(elfOf({ littleEndian }), [FLASH], { writeUnit: 32 })).toEqual([]);
  });

  it('load-outside-windows: a segment with file bytes in RAM', () => {
    const ram = { paddr: 0x2000_0400, data: 0x10, flags: 6 };
    const found = findingsOf(elfOf({ littleEndian, extra: [ram] }));
    const f = found.find((x) => x.code === 'load-outside-windows');
    expect(f).toMatchObject({ severity: 'warning', segment: 2, sections: ['.extra0'], address: 0x2000_0400 });
    expect(f?.message).toMatch(/segment 2 loads 16 file bytes at 0x20000400-0x2000040F \(RAM\), outside every flash window/);
    expect(f?.fix).toMatch(/\.extra0/);
    // The same segment inside a window is fine.
    expect(codes(elfOf({ littleEndian, extra: [{ ...ram, paddr: 0x0800_1000 }] }))).not.toContain('load-outside-windows');
  });

  it('ram-section-without-at: contents in RAM whose load address is the run address', () => {
    const found = findingsOf(elfOf({ littleEndian, dataLma: 0x2000_0000 }), [FLASH, RAM_WINDOW]);
    expect(found.map((f) => f.code)).toEqual(['ram-section-without-at']);
    expect(found[0]).toMatchObject({ severity: 'error', sections: ['.data'], address: 0x2000_0000 });
    expect(found[0]?.fix).toMatch(/'>RAM AT> FLASH'/);
    expect(codes(elfOf({ littleEndian }), [FLASH, RAM_WINDOW])).toEqual([]);
  });

  it('ram-section-without-at uses the RAM regions it is given', () => {
    const elf = elfOf({ littleEndian, dataLma: 0x2000_0000 });
    const elsewhere: RamRegion[] = [{ name: 'RAM2', start: 0x1000_0000, end: 0x1001_0000, source: 'test' }];
    expect(codes(elf, [FLASH, RAM_WINDOW], { ramRegions: elsewhere })).not.toContain('ram-section-without-at');
  });

  it('headers-in-segment: the ELF and program headers swept into the first segment', () => {
    const windows = [parseRegion('0x07FFF000:64K')];
    const found = findingsOf(elfOf({ littleEndian, headerBytes: 0x100 }), windows);
    expect(found.map((f) => f.code)).toEqual(['headers-in-segment']);
    expect(found[0]).toMatchObject({ segment: 0, address: 0x0800_0000 - 0x100 });
    expect(codes(elfOf({ littleEndian }), windows)).toEqual([]);
  });

  it('segment-overlap: two segments loading to the same addresses', () => {
    const copy = { paddr: 0x0800_0000, data: firmware(0x2000_1000, 0x0800_0041, littleEndian, 0x40) };
    const found = findingsOf(elfOf({ littleEndian, extra: [copy] }));
    // Identical bytes, so the conversion goes through; the copy also runs where the original does.
    expect(found.map((f) => f.summary)).toEqual([
      'segments 0 and 2 load to the same addresses 0x08000000-0x0800003F',
      'segments 0 and 2 run at the same addresses 0x08000000-0x0800003F',
    ]);
  });

  it('segment-overlap: two segments running at the same addresses', () => {
    const clash = { paddr: 0x0800_0200, vaddr: 0x2000_0080, data: 0x10, flags: 6 };
    const found = findingsOf(elfOf({ littleEndian, extra: [clash] }));
    expect(found.map((f) => f.code)).toEqual(['segment-overlap']);
    expect(found[0]?.summary).toMatch(/segments 1 and 2 run at the same addresses 0x20000080-0x2000008F/);
    expect(codes(elfOf({ littleEndian, extra: [{ ...clash, vaddr: 0x2000_0100 }] }))).toEqual([]);
  });

  it('straddles-window-edge: a segment cut by the end of its window', () => {
    const small = parseRegion('FLASH=0x08000000:0x80');
    const found = findingsOf(elfOf({ littleEndian }), [small]);
    const f = found.find((x) => x.code === 'straddles-window-edge');
    expect(f).toMatchObject({ severity: 'error', segment: 0, address: 0x0800_0080, sections: ['.text'] });
    expect(f?.summary).toMatch(/crosses the end of window FLASH \(0x08000080\): 128 of its 256 bytes fall outside/);
    expect(codes(elfOf({ littleEndian }), [parseRegion('FLASH=0x08000000:0x120')])).toEqual([]);
  });

  it('unaligned-load-address: kept bytes ending inside a write unit, only with a write unit', () => {
    const elf = elfOf({ littleEndian, dataSize: 0x1c });
    const found = findingsOf(elf, [FLASH], { writeUnit: 32 });
    expect(found.map((f) => f.code)).toEqual(['unaligned-load-address']);
    expect(found[0]).toMatchObject({ address: 0x0800_011c });
    expect(codes(elf, [FLASH], { writeUnit: 4 })).toEqual([]);
    expect(codes(elf)).toEqual([]);
  });

  it('initial-sp-not-in-ram: a stack pointer outside RAM; the end of RAM is fine', () => {
    const found = findingsOf(elfOf({ littleEndian, sp: 0x1000_0000 }));
    expect(found.map((f) => f.code)).toEqual(['initial-sp-not-in-ram']);
    expect(found[0]?.message).toMatch(/is 0x10000000, in the Code region \(0x00000000-0x1FFFFFFF\) and not in RAM \(SRAM 0x20000000-0x3FFFFFFF, External RAM 0x60000000-0x9FFFFFFF/);
    expect(codes(elfOf({ littleEndian, sp: 0x4000_0000 }))).toEqual([]);
    expect(codes(elfOf({ littleEndian, sp: 0x2000_0000 }))).toEqual(['initial-sp-not-in-ram']);
  });

  it('reset-vector-no-thumb-bit', () => {
    expect(codes(elfOf({ littleEndian, reset: 0x0800_0040 }))).toEqual(['reset-vector-no-thumb-bit']);
  });

  it('reset-vector-not-in-flash', () => {
    expect(codes(elfOf({ littleEndian, reset: 0x0000_0041 }))).toEqual(['reset-vector-not-in-flash']);
  });

  it('entry-outside-flash', () => {
    const found = findingsOf(elfOf({ littleEndian, entry: 0x2000_0001 }));
    expect(found.map((f) => [f.code, f.severity])).toEqual([['entry-outside-flash', 'warning']]);
  });

  it('leaves the Cortex-M checks out for another machine', () => {
    const riscv = elfOf({ littleEndian, machine: EM_RISCV, sp: 0, reset: 0, entry: 0x2000_0000 });
    expect(codes(riscv)).toEqual([]);
    expect(codes(riscv, [FLASH], { cortexM: true })).toEqual(['reset-vector-no-thumb-bit', 'reset-vector-not-in-flash', 'entry-outside-flash']);
  });
});

describe('findings on the seed samples', () => {
  const windows = [parseRegion('FLASH=0x08000000:0xFF00'), parseRegion('IDFLASH=0x0800FF00:256')];
  const sample = (name: string) => readFileSync(new URL(`../samples/stm32-seed/${name}.elf`, import.meta.url));

  it('broken.elf: segment 4 in RAM, its sections, and the missing AT> FLASH of .ram_code', () => {
    const found = findingsOf(sample('broken'), windows);
    expect(found.map((f) => f.code)).toEqual(['ram-section-without-at', 'load-outside-windows']);
    const outside = found[1];
    expect(outside).toMatchObject({ segment: 4, sections: ['.bss', '._user_heap_stack', '.ram_code'], address: 0x2000_003c });
    expect(outside?.message).toMatch(/STM32 USB DFU boot loader rejects this ELF/);
    expect(outside?.fix).toMatch(/give \.ram_code a load address in flash.*then \.bss ._user_heap_stack no longer need file bytes/);
    expect(found[0]).toMatchObject({ sections: ['.ram_code'], address: 0x2000_2958 });
  });

  it('sane.elf: nothing, with the explicit windows and with the default one', () => {
    expect(codes(sample('sane'), windows)).toEqual([]);
    expect(codes(sample('sane'), [parseRegion('0:0x20000000')])).toEqual([]);
  });
});

describe.each([true, false])('segment-overlap and headers from the sections (little-endian: %s)', (littleEndian) => {
  const flash = (sp = 0x2000_1000) => ({ paddr: 0x0800_0000, data: firmware(sp, 0x0800_0041, littleEndian) });
  const text = [
    { name: '.isr_vector', segment: 0, size: 0x40 },
    { name: '.text', segment: 0, offset: 0x40, flags: SHF_ALLOC | SHF_EXECINSTR },
  ];
  const of = (spec: Omit<ElfSpec, 'littleEndian' | 'entry'>, windows: readonly FlashWindow[] = [FLASH]) =>
    findingsOf(buildElf({ littleEndian, entry: 0x0800_0041, ...spec }), windows);

  it('a NOBITS segment whose memsz spans another segment overlaps nothing', () => {
    const found = of({
      segments: [flash(), { paddr: 0x0800_0100, vaddr: 0x2000_0000, data: 0x10, memsz: 0x1000, flags: 6 }, { paddr: 0x2000_0800, data: 0, memsz: 0x100, flags: 6 }],
      sections: [
        ...text,
        { name: '.data', segment: 1, flags: SHF_ALLOC | SHF_WRITE },
        { name: '.bss', segment: 1, offset: 0x10, size: 0xf0, type: SHT_NOBITS, flags: SHF_ALLOC | SHF_WRITE },
        { name: '.noinit', segment: 2, size: 0x100, type: SHT_NOBITS, flags: SHF_ALLOC | SHF_WRITE },
      ],
    });
    expect(found).toEqual([]);
  });

  it('headers swept in front of .bss (Zephyr, Teensy 4.1): one finding for the one range, no overlap', () => {
    const found = of({
      segments: [
        flash(),
        { paddr: 0x0800_0100, vaddr: 0x2000_0000, data: 0x20, flags: 6 },
        // The program headers load at 0x20000000, where .data runs; .bss follows them.
        { paddr: 0x2000_0100, data: 0, memsz: 0x200, flags: 6, headerBytes: 0x100 },
      ],
      sections: [...text, { name: '.data', segment: 1, flags: SHF_ALLOC | SHF_WRITE }, { name: '.bss', segment: 2, size: 0x200, type: SHT_NOBITS, flags: SHF_ALLOC | SHF_WRITE }],
    });
    expect(found.map((f) => [f.code, f.severity, f.address])).toEqual([['headers-in-segment', 'warning', 0x2000_0000]]);
    expect(found[0]?.message).toMatch(/loading at 0x20000000 \(outside the flash windows, in part or whole\)/);
  });

  it('a load duplicated with identical bytes is a warning; different bytes (outside the windows) an error', () => {
    const same = of({ segments: [flash(), { paddr: 0x0800_0000, data: firmware(0x2000_1000, 0x0800_0041, littleEndian, 0x40) }], sections: [...text, { name: '.copy', segment: 1 }] });
    expect(same.map((f) => [f.code, f.severity])).toEqual([['segment-overlap', 'warning'], ['segment-overlap', 'warning']]);
    expect(same[0]?.message).toMatch(/sections \.isr_vector \.copy \(segments 0 and 1\) load to the same 64 bytes at 0x08000000-0x0800003F: with the same bytes/);

    const ram = (seed: number) => ({ paddr: 0x2000_8000, data: pattern(0x20, seed), flags: 6 });
    const differ = of({ segments: [flash(), ram(1), ram(2)], sections: [...text, { name: '.a', segment: 1 }, { name: '.b', segment: 2 }] });
    const overlap = differ.find((f) => f.code === 'segment-overlap' && f.summary.includes('load to'));
    expect(overlap).toMatchObject({ severity: 'error', sections: ['.a', '.b'], address: 0x2000_8000 });
    expect(overlap?.message).toMatch(/with different bytes: one overwrites the other/);
  });

  it('sections sharing run addresses (an armlink overlay) are a warning', () => {
    const found = of({
      segments: [flash(), { paddr: 0x0800_0100, vaddr: 0x2000_0000, data: 0x10, flags: 6 }, { paddr: 0x0800_0110, vaddr: 0x2000_0000, data: 0x10, flags: 6 }],
      sections: [...text, { name: 'RW_APP1', segment: 1, flags: SHF_ALLOC | SHF_WRITE }, { name: 'RW_APP2', segment: 2, flags: SHF_ALLOC | SHF_WRITE }],
    });
    expect(found.map((f) => [f.code, f.severity, f.summary])).toEqual([['segment-overlap', 'warning', 'segments 1 and 2 run at the same addresses 0x20000000-0x2000000F']]);
    expect(found[0]?.message).toMatch(/an overlay/);
  });

  it('messages name a few sections and count the rest (a dsPIC file has 200)', () => {
    const many = Array.from({ length: 200 }, (_, i) => ({ name: `.ivt._Interrupt${i}`, segment: 1, offset: 4 * i, size: 4, flags: SHF_ALLOC | SHF_WRITE }));
    const found = of({ segments: [flash(), { paddr: 0x2000_4000, data: 0x320, flags: 6 }], sections: [...text, ...many] });
    const outside = found.find((f) => f.code === 'load-outside-windows');
    expect(outside?.message).toMatch(/holds \.ivt\._Interrupt0 \.ivt\._Interrupt1 .* \.ivt\._Interrupt5 and 194 more\./);
    for (const f of found) expect(f.message.length + f.summary.length + f.fix.length).toBeLessThan(1200);
    expect(outside?.sections).toHaveLength(200);
  });
});

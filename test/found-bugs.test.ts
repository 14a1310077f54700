/** Bugs the proofs (differential layouts, fuzzing) found in the core, one regression test each. */
import { describe, expect, it } from 'vitest';
import { convert, type ConversionPlan } from '../src/pipeline/convert.js';
import { analyse } from '../src/pipeline/inspect.js';
import type { ElfFile } from '../src/read/elf/types.js';
import { FormatError, LayoutError } from '../src/errors.js';
import { manySectionsInOneSegment, manySegments, overlappingSegments } from './fuzz/big-inputs.js';
import { buildElf, SHF_ALLOC } from './helpers/elf-builder.js';

const FLASH = { name: 'FLASH', start: 0x0800_0000, end: 0x0801_0000, source: 'test' };

/** The parsed ELF behind a plan made from ELF bytes. */
function elfOf(plan: ConversionPlan): ElfFile {
  const input = plan.inputs[0]?.input;
  if (input?.format !== 'elf') throw new Error('expected an ELF input');
  return input.elf;
}

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

describe('segments that all overlap the same sections (found by the 65,535-segment review)', () => {
  it('are refused with a FormatError instead of running out of memory', () => {
    // 20,000 x 20,000 placements from a 1.6 MB file: main ran out of its 4 GB heap here.
    expect(() => convert(overlappingSegments(20_000), { windows: [FLASH] })).toThrow(FormatError);
  });

  it('a few overlapping segments are still fine', () => {
    const { plan } = convert(overlappingSegments(50), { windows: [FLASH] });
    expect(elfOf(plan).loadSegments).toHaveLength(50);
    expect(elfOf(plan).loadSegments.every((s) => s.sections.length === 50)).toBe(true);
    expect(plan.image.size).toBe(200);
  });
});

describe('the largest tables a file can list', () => {
  it('65,534 segments: every segment finds its own section', () => {
    const { plan } = convert(manySegments(), { windows: [FLASH] });
    const segments = elfOf(plan).loadSegments;
    expect(segments).toHaveLength(0xfffe);
    expect(segments.slice(0, 0xfffd - 2).every((s, i) => s.sections.length === 1 && s.sections[0]?.name === `.s${i}`)).toBe(true);
    // 0x08000000 + i * 8 up to the end of FLASH: 8,192 segments of 4 bytes inside it.
    expect(plan.image.size).toBe(8192 * 4);
  });

  it('65,531 sections in one segment: the padding between them is dropped and named', () => {
    const { plan } = convert(manySectionsInOneSegment(), { windows: [{ ...FLASH, end: 0x0800_0020 }] });
    expect(plan.image.ranges()).toEqual([0, 8, 16, 24].map((o) => ({ start: 0x0800_0000 + o, end: 0x0800_0004 + o })));
    const padding = plan.inputs[0]!.selection.dropped.filter((d) => d.reason === 'padding');
    expect(padding.map((d) => [d.start - 0x0800_0000, d.sections])).toEqual([[4, []], [12, []], [20, []], [28, []]]);
    const kept = plan.inputs[0]!.selection.kept.map((k) => k.sections);
    expect(kept).toEqual([['.s0'], ['.s1'], ['.s2'], ['.s3']]);
  });
});

describe('the default-window checks over many sections (the fuzz big input of 65,534 segments took 67 s)', () => {
  /** `n` one-word segments, each with its section, analysed under the default window. */
  function analyseTime(n: number): number {
    const elf = buildElf({
      segments: Array.from({ length: n }, (_, i) => ({ paddr: 0x0800_0000 + i * 8, data: 4 })),
      sections: Array.from({ length: n }, (_, i) => ({ name: `.s${i}`, segment: i })),
    });
    const { plan } = convert(elf, {});
    const { input, selection } = plan.inputs[0]!;
    let best = Infinity;
    for (let run = 0; run < 3; run++) {
      const started = performance.now();
      analyse(input, selection);
      best = Math.min(best, performance.now() - started);
    }
    return best;
  }

  it('cost grows linearly: 4x the sections take well under 16x the time (an image lookup per section was a scan of every chunk)', () => {
    const small = analyseTime(4000);
    const large = analyseTime(16000);
    expect(large / small, `${small.toFixed(1)} ms at 4,000 sections, ${large.toFixed(1)} ms at 16,000`).toBeLessThan(8);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseElf } from '../src/read/elf/parse.js';
import { inspectInput, sectionPlacements } from '../src/pipeline/inspect.js';
import { parseRegion } from '../src/windows/window.js';
import { buildElf, pattern, SHF_ALLOC, SHF_EXECINSTR, SHF_WRITE } from './helpers/elf-builder.js';
import { runCli } from './helpers/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'flashcut-real-layouts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A vector table (SP in SRAM, reset into .text) followed by a counting pattern. */
function code(size: number, littleEndian: boolean, reset = 0x0800_0041): Uint8Array {
  const bytes = pattern(size, 9);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, 0x2000_4000, littleEndian);
  view.setUint32(4, reset, littleEndian);
  return bytes;
}

describe.each([true, false])('layouts of real toolchains (little-endian: %s)', (le) => {
  it('armlink: ER_RW has its RAM address but its initial values in the flash load segment, and is listed there', async () => {
    // One load region: ER_RO's 0x100 bytes, then ER_RW's 0x20 initial values, as armlink lays them out.
    const bytes = buildElf({
      littleEndian: le,
      entry: 0x0800_0041,
      segments: [{ paddr: 0x0800_0000, data: code(0x120, le), flags: 7 }],
      sections: [
        { name: 'RESET', segment: 0, size: 0x40 },
        { name: 'ER_RO', segment: 0, offset: 0x40, size: 0xc0, flags: SHF_ALLOC | SHF_EXECINSTR },
        { name: 'ER_RW', segment: 0, offset: 0x100, size: 0x20, flags: SHF_ALLOC | SHF_WRITE, address: 0x2000_0000 },
      ],
    });
    const elf = parseElf(bytes);
    expect(elf.loadSegments[0]?.sections.map((s) => s.name)).toEqual(['RESET', 'ER_RO', 'ER_RW']);

    const analysis = inspectInput(bytes);
    const rw = sectionPlacements(analysis).find((p) => p.section.name === 'ER_RW');
    expect(rw).toMatchObject({ segment: 0, loadAddress: 0x0800_0100, window: 'CODE', keptBytes: 0x20, fileBytes: 0x20 });
    expect(rw?.section.vma).toBe(0x2000_0000);
    expect(analysis.selection.kept.flatMap((k) => k.sections)).toContain('ER_RW');
    expect(analysis.findings).toEqual([]);

    const file = join(dir, `armlink-${le}.axf`);
    writeFileSync(file, bytes);
    const text = await runCli(['inspect', file]);
    expect(text.stdout).toMatch(/0 {2}ER_RW +PROGBITS +WA +0x20 {2}0x08000100 {2}keep in CODE/);
    const json = JSON.parse((await runCli(['inspect', file, '--json'])).stdout) as { sections: { name: string; address: number; loadAddress: number; keptBytes: number }[] };
    expect(json.sections.find((s) => s.name === 'ER_RW')).toMatchObject({ address: 0x2000_0000, loadAddress: 0x0800_0100, keptBytes: 0x20 });
  });

  it('an i.MX RT image (flash at 0x60000000) under the default window: nothing to write says where the bytes are', async () => {
    const bytes = buildElf({ littleEndian: le, entry: 0x6000_2001, segments: [{ paddr: 0x6000_0000, data: 0x3000 }, { paddr: 0x8000_0000, data: 0x40, flags: 6 }] });
    const file = join(dir, `imxrt-${le}.elf`);
    writeFileSync(file, bytes);
    const run = await runCli([file, '-o', join(dir, 'imxrt.hex')]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/nothing to write: no loadable byte lies inside the flash windows \(CODE\); the loadable bytes are at 0x60000000-0x60002FFF \(segment 0\), 0x80000000-0x8000003F \(segment 1\): to keep them, give --region FLASH=0x60000000:0x3000/);
    expect(inspectInput(bytes, { windows: [parseRegion('FLASH=0x60000000:8M')] }).selection.image.size).toBe(0x3000);
  });
});

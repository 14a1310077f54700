import { findingsInCliWords } from '../src/cli/option-flags.js';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseElf } from '../src/read/elf/parse.js';
import { inspectInput, sectionPlacements } from '../src/pipeline/inspect.js';
import { parseRegion } from '../src/config/option-syntax.js';
import { buildElf, pattern, SHF_ALLOC, SHF_EXECINSTR, SHF_WRITE } from './helpers/elf-builder.js';
import { parseReport } from './helpers/report-schema.js';
import { runCli } from './helpers/run-cli.js';
import { describeWithTools } from './helpers/tools.js';
import { tempFolder } from './helpers/temp.js';

const dir = tempFolder('real-layouts').path;

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
    const json = parseReport((await runCli(['inspect', file, '--json'])).stdout) as unknown as { sections: { name: string; address: number; loadAddress: number; keptBytes: number }[] };
    expect(json.sections.find((s) => s.name === 'ER_RW')).toMatchObject({ address: 0x2000_0000, loadAddress: 0x0800_0100, keptBytes: 0x20 });
  });

  it("STM32F4 .ccmram placed '> CCMRAM' without 'AT> FLASH': never silent under the default window", async () => {
    const bytes = buildElf({
      littleEndian: le,
      entry: 0x0800_0041,
      segments: [
        { paddr: 0x0800_0000, data: code(0x100, le) },
        { paddr: 0x0800_0100, vaddr: 0x2000_0000, data: 0x20, flags: 6 },
        { paddr: 0x1000_0000, data: 0x40, flags: 5 },
      ],
      sections: [
        { name: '.isr_vector', segment: 0, size: 0x40 },
        { name: '.text', segment: 0, offset: 0x40, flags: SHF_ALLOC | SHF_EXECINSTR },
        { name: '.data', segment: 1, flags: SHF_ALLOC | SHF_WRITE },
        { name: '.ccmram', segment: 2, flags: SHF_ALLOC | SHF_EXECINSTR },
      ],
    });
    const found = inspectInput(bytes).findings;
    expect(found.map((f) => [f.code, f.severity])).toEqual([
      ['may-be-ram', 'warning'],
      ['default-window-spans-areas', 'warning'],
    ]);
    expect(found[1]?.message).toMatch(/keeps bytes in 2 of its areas: 0x08000000 \(288 bytes; flash on STM32, GD32\), 0x10000000 \(64 bytes; CCM RAM on STM32F3\/F4\/G4/);
    // The library names its options; the command line shows them as flags.
    expect(found[1]?.fix).toMatch(/options\.linkerScript with the linker script.*options\.windows/);
    expect(findingsInCliWords({ findings: found }).findings[1]?.fix).toMatch(/--ld with the linker script.*--region/);
    expect(found[0]).toMatchObject({ sections: ['.ccmram'], address: 0x1000_0000 });
    expect(found[0]?.message).toMatch(/0x10000000-0x1000FFFF is RAM on STM32F3\/F4\/G4 core-coupled RAM/);
    // With the flash given, the CCM bytes are outside it and reported as such.
    expect(inspectInput(bytes, { windows: [parseRegion('FLASH=0x08000000:512K')] }).findings.map((f) => f.code)).toEqual(['load-outside-windows']);

    const file = join(dir, `ccm-${le}.elf`);
    writeFileSync(file, bytes);
    const run = await runCli([file, '-o', join(dir, `ccm-${le}.hex`), '--strict']);
    expect(run.code).toBe(3);
    const report = parseReport((await runCli(['inspect', file, '--json'])).stdout) as unknown as { findings: { code: string }[] };
    expect(report.findings.map((f) => f.code)).toEqual(['may-be-ram', 'default-window-spans-areas']);
  });

  it('a HEX with a RAM segment (objcopy of the whole ELF): inspect lists its ranges and warns of the SRAM bytes', async () => {
    const hexFile = join(dir, `ram-${le}.hex`);
    const elf = buildElf({ littleEndian: le, entry: 0x0800_0041, segments: [{ paddr: 0x0800_0000, data: code(0x100, le) }, { paddr: 0x2000_0000, data: 0x30, flags: 6 }] });
    const elfFile = join(dir, `ram-${le}.elf`);
    writeFileSync(elfFile, elf);
    expect((await runCli([elfFile, '-o', hexFile, '--region', 'ALL=0:0x100000000'])).code).toBe(0);

    const text = await runCli(['inspect', hexFile]);
    expect(text.stdout).toMatch(/Address ranges of the input\n {2}0x08000000-0x080000FF {2}256 bytes\n {2}0x20000000-0x2000002F {3}48 bytes\n/);
    const json = parseReport((await runCli(['inspect', hexFile, '--json'])).stdout) as unknown as { findings: { code: string; message: string }[] };
    expect(json.findings.map((f) => f.code)).toEqual(['image-bytes-in-ram']);
    expect(json.findings[0]?.message).toMatch(/lines? [\d-]+ put 48 bytes at 0x20000000-0x2000002F, in the Cortex-M SRAM region/);
    const dfu = await runCli([hexFile, '-o', join(dir, `ram-${le}.dfu`)]);
    expect(dfu.code).toBe(0);
    expect(dfu.stderr).toMatch(/image-bytes-in-ram/);
    // With the flash given, the RAM bytes are outside it: the usual finding, not this one.
    const given = await runCli(['inspect', hexFile, '--region', 'FLASH=0x08000000:512K', '--json']);
    expect((parseReport(given.stdout) as unknown as { findings: { code: string }[] }).findings.map((f) => f.code)).toEqual(['load-outside-windows']);
  });

  it('--strict fails on warnings and errors, not on an info line (no vector table found with confidence)', async () => {
    const bytes = buildElf({ littleEndian: le, entry: 0x0800_0081, segments: [{ paddr: 0x0800_0000, data: 0x100 }] });
    const file = join(dir, `no-table-${le}.elf`);
    writeFileSync(file, bytes);
    const report = parseReport((await runCli(['inspect', file, '--json', '--strict'])).stdout) as unknown as { exitCode: number; findings: { code: string; severity: string }[] };
    expect(report.findings.map((f) => [f.code, f.severity])).toEqual([['vector-table-not-found', 'info']]);
    expect(report.exitCode).toBe(0);
    expect((await runCli([file, '-o', join(dir, `no-table-${le}.hex`), '--strict'])).code).toBe(0);
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

describeWithTools('inspect lists an image input\'s address ranges as srec_info does', ['srec_info'], () => {
  it('the same ranges for a HEX with gaps', async () => {
    const elf = buildElf({ entry: 0x0800_0041, segments: [{ paddr: 0x0800_0000, data: 0x100 }, { paddr: 0x0800_0400, data: 0x10 }, { paddr: 0x2000_0000, data: 0x30, flags: 6 }] });
    const elfFile = join(dir, 'gaps.elf');
    const hexFile = join(dir, 'gaps.hex');
    writeFileSync(elfFile, elf);
    expect((await runCli([elfFile, '-o', hexFile, '--region', 'ALL=0:0x100000000'])).code).toBe(0);
    const oracle = execFileSync('srec_info', [hexFile, '-intel'], { encoding: 'utf8' });
    const expected = [...oracle.matchAll(/([0-9A-F]{8}) - ([0-9A-F]{8})/g)].map((m) => `0x${m[1]}-0x${m[2]}`);
    expect(expected).toHaveLength(3);
    const text = (await runCli(['inspect', hexFile])).stdout;
    const listed = text.slice(text.indexOf('Address ranges'), text.indexOf('Flash windows'));
    expect([...listed.matchAll(/0x[0-9A-F]{8}-0x[0-9A-F]{8}/g)].map((m) => m[0])).toEqual(expected);
  });
});

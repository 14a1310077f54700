import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { wantsColour } from '../src/cli/text.js';
import { parseReport, validateReport } from './helpers/report-schema.js';
import { runCli } from './helpers/run-cli.js';
import { describeWithTools } from './helpers/tools.js';
import { tempFolder } from './helpers/temp.js';

const sample = (name: string) => fileURLToPath(new URL(`../samples/stm32-seed/${name}.elf`, import.meta.url));
const BROKEN = sample('broken');
const SANE = sample('sane');
const REGIONS = ['--region', 'FLASH=0x08000000:0xFF00', '--region', 'IDFLASH=0x0800FF00:256'];
const ESC = '\u001b[';

const dir = tempFolder('report').path;

describe('flashcut inspect', () => {
  it('names the RAM segment of broken.elf, its sections and the fix', async () => {
    const { code, stdout, stderr } = await runCli(['inspect', BROKEN, ...REGIONS]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/^ {2}4 {2}LOAD {2}0x303C {2}0x2000003C {2}0x2000003C {2}0x2922 {2}0x2922 {2}RWE$/m);
    expect(stdout).toMatch(/^ +4 {2}\.bss +NOBITS +WA +0x231C {2}0x2000003C {2}drop: no window$/m);
    expect(stdout).toMatch(/^ +4 {2}\.ram_code +PROGBITS +AX +0x6 {2}0x20002958 {2}drop: no window$/m);
    expect(stdout).toMatch(/^ +0 {2}\.isr_vector +PROGBITS +A +0x40 {2}0x08000000 {2}keep in FLASH$/m);
    expect(stdout).toMatch(/^ {2}IDFLASH {2}0x0800FF00-0x0800FFFF {6}16 \/ 256 {2}6\.3% {2}\[#\.{19}\]$/m);
    expect(stdout).toMatch(/segment 4 {2}0x2000003C-0x2000295D {2}10,530 bytes {2}outside every window\n {4}sections: \.bss \._user_heap_stack \.ram_code/);
    expect(stdout).toMatch(/warning {2}load-outside-windows: segment 4 loads 10,530 file bytes/);
    expect(stdout).toMatch(/fix: in the linker script, give \.ram_code a load address in flash/);
    expect(stdout).not.toContain(ESC);
    // The first line is the input's path, as long as it is.
    for (const line of stdout.split('\n').slice(1)) expect(line.length, line).toBeLessThanOrEqual(80);
  });

  it('reports no finding on sane.elf', async () => {
    const { code, stdout } = await runCli(['inspect', SANE, ...REGIONS]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Findings: none$/m);
    // The first line is the input's path, as long as it is.
    for (const line of stdout.split('\n').slice(1)) expect(line.length, line).toBeLessThanOrEqual(80);
  });

  it('--strict exits 3 on broken.elf and 0 on sane.elf', async () => {
    expect((await runCli(['inspect', BROKEN, '--strict'])).code).toBe(3);
    expect((await runCli(['inspect', SANE, '--strict'])).code).toBe(0);
  });

  it('colours only when the stream may be coloured, and never with --json', async () => {
    const coloured = await runCli(['inspect', BROKEN], { colour: { stdout: true, stderr: true } });
    expect(coloured.stdout).toContain(`${ESC}33mwarning`);
    const json = await runCli(['inspect', BROKEN, '--json'], { colour: { stdout: true, stderr: true } });
    expect(json.stdout).not.toContain(ESC);
  });

  it('refuses -o', async () => {
    const { code, stderr } = await runCli(['inspect', SANE, '-o', join(dir, 'x.hex')]);
    expect(code).toBe(2);
    expect(stderr).toBe('flashcut: error: inspect takes no --output: it is an option of a conversion\n');
  });
});

describe('wantsColour', () => {
  it.each([
    { tty: true, env: { TERM: 'xterm-256color' }, want: true },
    { tty: false, env: { TERM: 'xterm-256color' }, want: false },
    { tty: undefined, env: { TERM: 'xterm-256color' }, want: false },
    { tty: true, env: { TERM: 'xterm-256color', NO_COLOR: '1' }, want: false },
    { tty: true, env: { TERM: 'dumb' }, want: false },
    { tty: false, env: { FORCE_COLOR: '1' }, want: true },
    { tty: true, env: { TERM: 'xterm-256color', FORCE_COLOR: '0' }, want: false },
  ])('TTY $tty, env $env: $want', ({ tty, env, want }) => {
    expect(wantsColour(tty, env)).toBe(want);
  });
});

describe('conversion report and --strict', () => {
  it('adds the findings to the summary, in short', async () => {
    const out = join(dir, 'broken-summary.hex');
    const { code, stderr } = await runCli([BROKEN, '-o', out, ...REGIONS]);
    expect(code).toBe(0);
    expect(stderr).toMatch(/error {4}ram-section-without-at: \.ram_code \(6 bytes\) runs in RAM at 0x20002958/);
    expect(stderr).toMatch(/warning {2}load-outside-windows: segment 4 loads 10,530 bytes at/);
    expect(existsSync(out)).toBe(true);
  });

  it('says nothing about findings on sane.elf', async () => {
    const { code, stderr } = await runCli([SANE, '-o', join(dir, 'sane-summary.hex'), ...REGIONS]);
    expect(code).toBe(0);
    expect(stderr).not.toMatch(/Findings/);
  });

  it('--strict fails broken.elf with exit 3 and leaves the output alone', async () => {
    const out = join(dir, 'strict.hex');
    writeFileSync(out, 'previous build');
    const { code, stderr } = await runCli([BROKEN, '-o', out, '--strict', ...REGIONS]);
    expect(code).toBe(3);
    expect(stderr).toMatch(/--strict: 2 finding\(s\); nothing written/);
    expect(readFileSync(out, 'utf8')).toBe('previous build');
    expect(existsSync(join(dir, 'strict2.hex'))).toBe(false);
    expect((await runCli([BROKEN, '-o', join(dir, 'strict2.hex'), '--strict', '-q'])).code).toBe(3);
    expect(existsSync(join(dir, 'strict2.hex'))).toBe(false);
  });

  it('--strict passes sane.elf, whose segments hold padding between sections', async () => {
    const out = join(dir, 'strict-sane.bin');
    const { code } = await runCli([SANE, '-o', out, '--strict', ...REGIONS]);
    expect(code).toBe(0);
    expect(existsSync(out)).toBe(true);
  });

  it('--align checks the write unit and takes powers of two only', async () => {
    const unaligned = await runCli(['inspect', SANE, '--align', '64', '--strict', ...REGIONS]);
    expect(unaligned.code).toBe(3);
    expect(unaligned.stdout).toMatch(/unaligned-load-address/);
    expect((await runCli(['inspect', SANE, '--align', '4', '--strict', ...REGIONS])).code).toBe(0);
    const bad = await runCli(['inspect', SANE, '--align', '24']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--align 24: the write unit must be a power of two/);
  });
});

describe('--json', () => {
  it('describes a conversion, with the SHA-256 of each file written', async () => {
    const out = join(dir, 'sane.bin');
    const { code, stdout, stderr } = await runCli([SANE, '-o', out, '--json', ...REGIONS]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const report = parseReport(stdout);
    const bytes = readFileSync(out);
    expect(report).toMatchObject({ command: 'convert', status: 'ok', exitCode: 0, findings: [], dropped: [] });
    expect(report.outputs).toEqual([
      { path: out, format: 'bin', size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), start: 0x0800_0000, end: 0x0800_ff10 },
    ]);
    expect(report.windows).toEqual([
      { name: 'FLASH', start: 0x0800_0000, end: 0x0800_ff00, size: 0xff00, used: 260, source: '--region' },
      { name: 'IDFLASH', start: 0x0800_ff00, end: 0x0801_0000, size: 256, used: 16, source: '--region' },
    ]);
  });

  it('lists the dropped segment of broken.elf with its reason code, and the findings with theirs', async () => {
    const { code, stdout } = await runCli([BROKEN, '-o', join(dir, 'broken.hex'), '--json']);
    expect(code).toBe(0);
    const report = parseReport(stdout);
    expect(report.dropped).toEqual([
      { origin: 'segment 4', segment: 4, start: 0x2000_003c, end: 0x2000_295e, size: 10_530, sections: ['.bss', '._user_heap_stack', '.ram_code'], reason: 'outside-windows' },
    ]);
    expect((report.findings as { code: string }[]).map((f) => f.code)).toEqual(['ram-section-without-at', 'load-outside-windows']);
    const source = 'default for ARM: the ARMv7-M/ARMv8-M memory map';
    expect(report.ramRegions).toEqual([
      { name: 'SRAM', start: 0x2000_0000, end: 0x4000_0000, source },
      { name: 'External RAM', start: 0x6000_0000, end: 0xa000_0000, source },
    ]);
    expect(report.vectorTables).toEqual([{ address: 0x0800_0000, sp: 0x2002_0000, reset: 0x0800_0043, source: 'section .isr_vector' }]);
  });

  it('reports a strict failure with no outputs', async () => {
    const out = join(dir, 'json-strict.hex');
    const { code, stdout, stderr } = await runCli([BROKEN, '-o', out, '--json', '--strict']);
    expect({ code, stderr }).toEqual({ code: 3, stderr: '' });
    expect(parseReport(stdout)).toMatchObject({ status: 'strict-failure', exitCode: 3, outputs: [] });
    expect(existsSync(out)).toBe(false);
  });

  it('reports an error with its code', async () => {
    const notElf = join(dir, 'not.elf');
    writeFileSync(notElf, 'hello');
    const { code, stdout, stderr } = await runCli(['inspect', notElf, '--json']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/cannot tell the input format/);
    expect(parseReport(stdout)).toMatchObject({ status: 'error', exitCode: 1, error: { code: 'format' } });
  });

  it('will not share standard output with the image', async () => {
    const { code, stderr } = await runCli([SANE, '-o', '-', '--json']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--json prints the report on standard output/);
  });

  it('the schema rejects a document that breaks it', () => {
    expect(validateReport({ schemaVersion: 1, tool: { name: 'flashcut', version: '0' }, command: 'convert', status: 'ok', exitCode: 0 })).toBe(false);
  });
});

describeWithTools('--json segments and sections against readelf', ['arm-none-eabi-readelf'], () => {
  it.each([['broken'], ['sane']])('%s.elf', async (name) => {
    const report = parseReport((await runCli(['inspect', sample(name), '--json'])).stdout);
    const text = execFileSync('arm-none-eabi-readelf', ['-lW', sample(name)], { encoding: 'utf8' });
    const rows = [...text.matchAll(/^ {2}(\w+) +0x([0-9a-f]+) 0x([0-9a-f]+) 0x([0-9a-f]+) 0x([0-9a-f]+) 0x([0-9a-f]+) (.{3}) 0x[0-9a-f]+$/gm)];
    const fromReadelf = rows.map((m) => ({
      type: m[1],
      offset: parseInt(m[2] ?? '', 16),
      vaddr: parseInt(m[3] ?? '', 16),
      paddr: parseInt(m[4] ?? '', 16),
      filesz: parseInt(m[5] ?? '', 16),
      memsz: parseInt(m[6] ?? '', 16),
      flags: (m[7] ?? '').replace(/ /g, ''),
    }));
    const mapping = [...text.matchAll(/^ {3}(\d\d) {5}(.*)$/gm)].map((m) => (m[2] ?? '').trim().split(/ +/).filter(Boolean));
    const segments = report.segments as { type: string; offset: number; vaddr: number; paddr: number; filesz: number; memsz: number; flags: string; sections: string[] }[];
    expect(fromReadelf.length).toBeGreaterThan(0);
    expect(segments.map(({ type, offset, vaddr, paddr, filesz, memsz, flags }) => ({ type, offset, vaddr, paddr, filesz, memsz, flags }))).toEqual(fromReadelf);
    expect(segments.map((s) => s.sections)).toEqual(mapping);
  });
});

describe('--json of a merge with transforms', () => {
  it('lists every input, the transforms, and origins and findings that name their input', async () => {
    const out = join(dir, 'merged.hex');
    const { code, stdout } = await runCli([BROKEN, SANE, '-o', out, ...REGIONS, '--overlap', 'keep', '--align', '32', '--pad-window', 'IDFLASH', '--crc', 'crc32-be@0x0800FFFC', '--json']);
    expect(code).toBe(0);
    const document = parseReport(stdout) as {
      inputs: { path: string }[];
      transforms: { kind: string; bigEndian?: boolean }[];
      dropped: { origin: string }[];
      findings: { input: string }[];
    };
    expect(document.inputs.map((i) => i.path)).toEqual([BROKEN, SANE]);
    expect(document.transforms.map((t) => t.kind)).toEqual(['pad-window', 'align', 'checksum']);
    expect(document.transforms[2]?.bigEndian).toBe(true);
    expect(document.dropped.every((d) => d.origin.startsWith(BROKEN))).toBe(true);
    expect(new Set(document.findings.map((f) => f.input))).toEqual(new Set([BROKEN]));
  });
});


import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildElf, EM_RISCV } from './helpers/elf-builder.js';
import { runCli } from './helpers/run-cli.js';
import { decodeIntelHex } from './helpers/ihex-decode.js';
import { tempFolder } from './helpers/temp.js';

const root = new URL('..', import.meta.url).pathname;
const broken = join(root, 'samples/stm32-seed/broken.elf');
const golden = (name: string) => readFileSync(join(root, 'test/golden/stm32-seed', name));
const seedRegions = ['--region', 'FLASH=0x08000000:0xFF00', '--region', 'IDFLASH=0x0800FF00:256'];
const dir = tempFolder('cli').path;

let n = 0;
/** A fresh folder per test, with a space and several dots in its name as Windows users have. */
function folder(): string {
  const d = join(dir, `case ${++n}.v1.2`);
  mkdirSync(d);
  return d;
}

describe('flashcut CLI', () => {
  it('converts the broken sample to HEX, reporting the dropped RAM segment', async () => {
    const out = join(folder(), 'my app.v1.2.hex');
    const { code, stderr } = await runCli([broken, '-o', out, ...seedRegions]);
    expect(code).toBe(0);
    expect(stderr).toMatch(/dropped +segment 4 +0x2000003C-0x2000295D +10,530 bytes +outside every window: \.bss \._user_heap_stack \.ram_code/);
    expect(stderr).toMatch(/FLASH +252 of 65,280 bytes \(0\.4%\)/);
    expect(stderr).toMatch(/IDFLASH +16 of 256 bytes \(6\.3%\)/);
    const decode = (b: Buffer) => decodeIntelHex(b.toString('latin1')).bytes;
    expect(decode(readFileSync(out))).toEqual(decode(golden('broken.objcopy.hex')));
  });

  it('converts to BIN with no --region (Cortex-M default) and says so', async () => {
    const out = join(folder(), 'app.bin');
    const { code, stderr } = await runCli([broken, '-o', out]);
    expect(code).toBe(0);
    expect(stderr).toContain('default for ARM: the Cortex-M code region');
    expect(readFileSync(out).equals(golden('broken.objcopy.bin'))).toBe(true);
  });

  it('takes the format from --format over the extension, and writes to standard output with -o -', async () => {
    const { code, stdoutBytes: stdout } = await runCli([broken, '-o', '-', '--format', 'bin', '-q']);
    expect(code).toBe(0);
    expect(stdout.equals(golden('broken.objcopy.bin'))).toBe(true);
  });

  it('--split writes one BIN per window', async () => {
    const d = folder();
    const { code } = await runCli([broken, '-o', join(d, 'boot.bin'), '--split', ...seedRegions, '-q']);
    expect(code).toBe(0);
    expect(readdirSync(d).sort()).toEqual(['boot.FLASH.bin', 'boot.IDFLASH.bin']);
    const whole = golden('broken.objcopy.bin');
    expect(readFileSync(join(d, 'boot.FLASH.bin')).equals(whole.subarray(0, 252))).toBe(true);
    expect(readFileSync(join(d, 'boot.IDFLASH.bin')).equals(whole.subarray(0xff00, 0xff10))).toBe(true);
  });

  it('--quiet prints nothing but the error findings', async () => {
    const { code, stderr } = await runCli([broken, '-o', join(folder(), 'a.hex'), '-q']);
    expect(code).toBe(0);
    expect(stderr).toMatch(/^Findings \(1\)\n  error    ram-section-without-at: /);
    expect(stderr).not.toMatch(/warning|wrote/);
  });

  it('refuses a BIN over --max-gap and leaves no file', async () => {
    const d = folder();
    const { code, stderr } = await runCli([broken, '-o', join(d, 'x.bin'), '-r', 'FLASH=0x08000000:64K', '-r', 'RAM=0x20000000:128K']);
    expect(code).toBe(5);
    expect(stderr).toMatch(/^flashcut: .*x\.bin: error: a BIN would need 402,598,472 bytes of fill between 0x0800FF00-0x0800FF0F and 0x20002958-0x2000295D/);
    expect(readdirSync(d)).toEqual([]);
  });

  describe('bad input: one line, exit 1, the existing output untouched, no temporary file', () => {
    const elf = readFileSync(broken);
    const inputs: [string, Uint8Array, RegExp][] = [
      ['truncated', elf.subarray(0, 100), /program header table \(5 entries at e_phoff 0x34\) \[0x34, 0xD4\) runs past the end of the 100-byte file/],
      ['corrupt e_phoff', Buffer.concat([elf.subarray(0, 28), Buffer.from([0, 0x90, 0, 0]), elf.subarray(32, 4096)]), /e_phoff 0x9000 points past the end of the 4,096-byte file/],
      ['not an ELF', Buffer.from('hello'), /cannot tell the input format: not ELF/],
      ['empty', new Uint8Array(0), /cannot tell the input format/],
    ];
    it.each(inputs)('%s', async (_, bytes, message) => {
      const d = folder();
      const input = join(d, 'in.elf');
      const out = join(d, 'out.hex');
      writeFileSync(input, bytes);
      writeFileSync(out, 'previous output\n');
      const { code, stderr } = await runCli([input, '-o', out]);
      expect(code).toBe(1);
      expect(stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(stderr).toMatch(new RegExp(`^flashcut: ${input.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: error: `));
      expect(stderr).toMatch(message);
      expect(readFileSync(out, 'utf8')).toBe('previous output\n');
      expect(readdirSync(d).sort()).toEqual(['in.elf', 'out.hex']);
    });
  });

  it.each([
    [['-o', 'x.hex'], /no input file/],
    [[broken], /no output file/],
    [[broken, '-o', 'x.elf2'], /cannot tell the output format from '.*x\.elf2'/],
    [[broken, '-o', 'x.hex', '--bogus'], /unknown option --bogus/],
    [[broken, '-o', 'x.hex', '--region', 'FLASH'], /expected \[NAME=\]ORIGIN:LENGTH/],
    [[broken, '-o', 'x.hex', '--record-length', '300'], /^flashcut: error: --record-length 300: an Intel HEX record holds 1 to 255 bytes$/m],
    [[broken, '-o', 'x.bin', '--fill', '0x100'], /^flashcut: error: --fill 256: the fill value is a byte/m],
    [[broken, '-o', 'x.hex', '--fill', '0x100', '--fill-gaps'], /^flashcut: error: --fill 256: the fill value is a byte/m],
    [[broken, '-o', 'x.hex', '--base', '0x08000000'], /--base shapes a BIN file, and no output is BIN/],
    [[broken, '-o', 'x.bin', '--split', '-r', 'A=0x08000000:64K', '-r', 'a=0x08010000:64K'], /two flash windows are called A and a/],
    [[broken, '-o', 'x.bin', '--split', '-r', 'A=0x08000000:64K', '-r', 'B=0x08008000:64K'], /--split: windows A and B overlap/],
    [[broken, '-o', 'x.hex', '--record-length', 'abc'], /--record-length: 'abc' is not a number/],
    [[broken, '-o', 'x.srec', '--pad-to', '0x08010000', '--max-gap', '1M'], /--pad-to, --max-gap shape a BIN file/],
    [[broken, '-o', 'x.hex', '--format', 'elf'], /--format elf: choose one of hex, bin, srec, dfu, uf2, /],
    [[broken, '-o', 'x.hex', '--split'], /--split writes one BIN file per window/],
  ])('usage error %j exits 2', async (argv, message) => {
    const d = folder();
    const { code, stderr } = await runCli(argv.map((a) => (a.startsWith('x.') ? join(d, a) : a)));
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(readdirSync(d)).toEqual([]);
  });

  it('refuses an output that is a folder or the input itself', async () => {
    const d = folder();
    const input = join(d, 'app.hex');
    copyFileSync(broken, input);
    expect((await runCli([broken, '-o', d])).stderr).toMatch(/is a folder/);
    const same = await runCli([input, '-o', input, '-f', 'hex']);
    expect(same.code).toBe(2);
    expect(same.stderr).toMatch(/is the input file/);
    expect(readFileSync(input).equals(readFileSync(broken))).toBe(true);
  });

  it('asks for windows for a machine without a default', async () => {
    const d = folder();
    const input = join(d, 'riscv.elf');
    writeFileSync(input, buildElf({ machine: EM_RISCV, segments: [{ paddr: 0x2000_0000, data: 16 }] }));
    const { code, stderr } = await runCli([input, '-o', join(d, 'x.hex')]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/no default for RISC-V \(.*riscv\.elf\): name them in --region \(e.g. FLASH=0x08000000:512K\)/);
  });

  it('reports a missing input file in one line', async () => {
    const { code, stderr } = await runCli([join(dir, 'nope.elf'), '-o', join(folder(), 'x.hex')]);
    expect(code).toBe(4);
    expect(stderr).toMatch(/nope\.elf: error: cannot read it: no such file or directory\n$/);
    expect(stderr.match(/nope\.elf/g)).toHaveLength(1);
  });

  // Runs the built CLI: `npm test` builds dist/ first.
  it('the installed bin prints no stack trace on bad input', () => {
    const d = folder();
    writeFileSync(join(d, 'bad.elf'), readFileSync(broken).subarray(0, 60));
    const result = spawnSync(process.execPath, [join(root, 'bin/flashcut.js'), join(d, 'bad.elf'), '-o', join(d, 'o.hex')], { encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('names the output, not its temporary file, when its folder is missing', async () => {
    const { code, stderr } = await runCli([broken, '-o', join(folder(), 'no such folder', 'x.hex')]);
    expect(code).toBe(4);
    expect(stderr).toMatch(/no such folder\/x\.hex: error: cannot write it: no such file or directory\n$/);
    expect(stderr).not.toMatch(/flashcut-tmp/);
  });

  it('reads an Intel HEX file that starts with a UTF-8 byte-order mark', async () => {
    const d = folder();
    const input = join(d, 'bom.hex');
    writeFileSync(input, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), golden('broken.objcopy.hex')]));
    expect((await runCli([input, '-o', join(d, 'x.bin'), '-q'])).code).toBe(0);
    expect(readFileSync(join(d, 'x.bin')).equals(golden('broken.objcopy.bin'))).toBe(true);
  });

  it('says a file holding only the ELF magic is cut short, not that its magic is bad', async () => {
    const d = folder();
    writeFileSync(join(d, 'magic.elf'), Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
    const { stderr } = await runCli([join(d, 'magic.elf'), '-o', join(d, 'x.hex')]);
    expect(stderr).toMatch(/e_ident, 16 bytes\) runs past the end of the 4-byte file/);
  });

  it('--strict with --quiet prints only the findings and the verdict', async () => {
    const { code, stderr } = await runCli([broken, '-o', join(folder(), 'x.hex'), '--strict', '-q']);
    expect(code).toBe(3);
    expect(stderr).not.toMatch(/^  (windows|used|dropped) /m);
    expect(stderr).toMatch(/^Findings \(2\)/);
    expect(stderr).toMatch(/--strict: 2 finding\(s\); nothing written\n$/);
  });

  it('--split keeps a name without a format extension whole', async () => {
    const d = folder();
    expect((await runCli([broken, '-o', join(d, 'out v1.2'), '-f', 'bin', '--split', '-r', 'FLASH=0x08000000:64K', '-q'])).code).toBe(0);
    expect(readdirSync(d)).toEqual(['out v1.2.FLASH']);
  });
});

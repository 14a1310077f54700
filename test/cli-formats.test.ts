import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeDfuse } from './helpers/dfuse-decode.js';
import { runCli } from './helpers/run-cli.js';
import { tempFolder } from './helpers/temp.js';
import { decodeIntelHex } from './helpers/ihex-decode.js';
import { decodeSrec } from './helpers/srec-decode.js';
import { decodeUf2 } from './helpers/uf2-decode.js';

const work = tempFolder('cli-formats').path;
const SANE = new URL('../samples/stm32-seed/sane.elf', import.meta.url).pathname;
const WINDOWS = ['-r', 'FLASH=0x08000000:0xFF00', '-r', 'IDFLASH=0x0800FF00:256'];

/** A run with help at 100 columns; standard output as latin1 text (an image written to it). */
async function run(...argv: string[]): Promise<{ code: number; stderr: string; stdout: string }> {
  const { code, stderr, stdoutBytes } = await runCli(argv, { width: 100 });
  return { code, stderr, stdout: stdoutBytes.toString('latin1') };
}

const path = (name: string) => join(work, name);

describe('CLI: output formats', () => {
  it('lists every format in --help', async () => {
    const { stdout } = await run('--help');
    for (const word of ['srec', 'dfu', 'uf2', '--srec-header', '--dfu-vid', '--uf2-family', '--input-format']) expect(stdout).toContain(word);
  });

  it.each([
    ['app.s19', 'srec'],
    ['app.mot', 'srec'],
    ['app.s37', 'srec'],
    ['app.dfu', 'dfu'],
    ['app.uf2', 'uf2'],
  ])('picks the format of %s from its extension', async (name, format) => {
    expect((await run(SANE, '-o', path(name), ...WINDOWS, '-q')).code).toBe(0);
    const bytes = readFileSync(path(name));
    const hex = decodeIntelHex(
      (await run(SANE, '-o', '-', ...WINDOWS, '-q')).stdout,
    ).bytes;
    if (format === 'srec') expect(decodeSrec(bytes.toString('latin1')).bytes).toEqual(hex);
    if (format === 'dfu') expect(decodeDfuse(bytes).bytes).toEqual(hex);
    if (format === 'uf2') for (const [a, v] of hex) expect(decodeUf2(bytes).bytes.get(a)).toBe(v);
  });

  it('passes the S-record, DfuSe and UF2 options to the writers', async () => {
    await run(SANE, '-o', path('o.srec'), ...WINDOWS, '-q', '--srec-header', 'HDR', '--srec-type', '37', '--record-length', '8');
    const srec = decodeSrec(readFileSync(path('o.srec'), 'latin1'));
    expect(String.fromCharCode(...srec.records[0]!.data)).toBe('HDR');
    expect(Math.max(...srec.records.map((r) => r.data.length))).toBe(8);
    await run(SANE, '-o', path('o.dfu'), ...WINDOWS, '-q', '--dfu-vid', '0x1209', '--dfu-pid', '0x0002', '--dfu-device', '0x0100', '--dfu-alt', '1', '--dfu-target-name', 'Flash');
    const dfu = decodeDfuse(readFileSync(path('o.dfu')));
    expect(dfu.suffix).toMatchObject({ vendor: 0x1209, product: 0x0002, device: 0x0100 });
    expect(dfu.targets[0]).toMatchObject({ alternate: 1, name: 'Flash' });
    await run(SANE, '-o', path('o.uf2'), ...WINDOWS, '-q', '--uf2-family', 'rp2040');
    expect(decodeUf2(readFileSync(path('o.uf2'))).blocks[0]).toMatchObject({ flags: 0x2000, familyOrSize: 0xe48bff56 });
  });

  it.each([
    [['--uf2-family', 'NOPE'], /UF2 family list/],
    [['--dfu-vid', '0x10000'], /--dfu-vid 65536: the DfuSe suffix's idVendor has 16 bits/],
    [['--srec-type', '19'], /holds 16-bit addresses/],
  ])('refuses %s with exit code 2', async (options, message) => {
    const ext = options[0] === '--uf2-family' ? 'uf2' : options[0] === '--dfu-vid' ? 'dfu' : 'srec';
    const result = await run(SANE, '-o', path(`bad.${ext}`), ...WINDOWS, ...options);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('names the extensions it knows when it cannot tell the format', async () => {
    expect((await run(SANE, '-o', path('app.xyz'))).stderr).toMatch(/\.hex .*\.srec .*\.dfu \.uf2/);
  });
});

describe('CLI: inputs', () => {
  it('converts a HEX input and reports it as one', async () => {
    await run(SANE, '-o', path('in.hex'), ...WINDOWS, '-q');
    const result = await run(path('in.hex'), '-o', path('from-hex.srec'));
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/Intel HEX, 276 bytes in 2 pieces, start 0x08000043/);
    expect(result.stderr).toMatch(/ALL\s+0x00000000-0xFFFFFFFF/);
  });

  it('reads FILE@ADDRESS as a raw binary at that address', async () => {
    writeFileSync(path('raw.bin'), Uint8Array.of(1, 2, 3, 4));
    const result = await run(`${path('raw.bin')}@0x08004000`, '-o', '-', '-q');
    expect(result.code).toBe(0);
    expect([...decodeIntelHex(result.stdout).bytes]).toEqual([
      [0x0800_4000, 1],
      [0x0800_4001, 2],
      [0x0800_4002, 3],
      [0x0800_4003, 4],
    ]);
  });

  it('shows file:line:column for a bad record (the checksum digits)', async () => {
    writeFileSync(path('bad.hex'), ':020000040800F2\r\n:0400000001020304F1\r\n:00000001FF\r\n');
    const result = await run(path('bad.hex'), '-o', path('out.bin'));
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`flashcut: ${path('bad.hex')}:2:18: error: checksum 0xF1 is wrong: the record's bytes need 0xF2\n`);
  });

  it('follows --input-format over the content', async () => {
    writeFileSync(path('colon.bin'), ':not hex');
    expect((await run(path('colon.bin'), '-o', path('x.hex'))).stderr).toMatch(/colon.bin:1:2: error: /);
    const result = await run(`${path('colon.bin')}@0x100`, '--input-format', 'bin', '-o', '-', '-q');
    expect(decodeIntelHex(result.stdout).bytes.get(0x100)).toBe(0x3a);
  });

  it('refuses content it cannot tell', async () => {
    writeFileSync(path('mystery'), Uint8Array.of(0, 0, 0));
    const result = await run(path('mystery'), '-o', path('x.hex'));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot tell the input format.*@0x08000000/);
  });
});

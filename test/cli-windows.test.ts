import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatNames } from '../src/write/registry.js';
import { decodeDfuse } from './helpers/dfuse-decode.js';
import { decodeIntelHex } from './helpers/ihex-decode.js';
import { runCli } from './helpers/run-cli.js';

const SEED = 'samples/stm32-seed';
const REGIONS = ['--region', 'FLASH=0x08000000:0xFF00', '--region', 'IDFLASH=0x0800FF00:256'];

const run = runCli;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'flashcut-windows-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('--ld', () => {
  it.each(['sane', 'broken'].flatMap((elf) => ['hex', 'bin'].map((ext) => ({ elf, ext }))))(
    '$elf.elf to $ext: the same bytes as the explicit --region run, taking FLASH and IDFLASH',
    async ({ elf, ext }) => {
      const viaLd = await run([`${SEED}/${elf}.elf`, '-o', join(dir, `ld.${ext}`), '--ld', `${SEED}/sane.ld`]);
      const viaRegions = await run([`${SEED}/${elf}.elf`, '-o', join(dir, `regions.${ext}`), ...REGIONS]);
      expect([viaLd.code, viaRegions.code]).toEqual([0, 0]);
      expect(readFileSync(join(dir, `ld.${ext}`))).toEqual(readFileSync(join(dir, `regions.${ext}`)));
      expect(viaLd.stderr).toMatch(/windows +FLASH +0x08000000-0x0800FEFF +\(--ld samples\/stm32-seed\/sane\.ld: FLASH \(rx\), no w attribute\)/);
      expect(viaLd.stderr).toMatch(/IDFLASH +0x0800FF00-0x0800FFFF +\(--ld samples\/stm32-seed\/sane\.ld: IDFLASH \(r\), no w attribute\)/);
      expect(viaLd.stderr).toContain('left out FIXEDRAM (xrw): writable (w attribute)');
      expect(viaLd.stderr).toContain('left out RAM (xrw): writable (w attribute)');
    },
  );

  it('takes the regions --ld-region names, comma-separated', async () => {
    const result = await run([`${SEED}/sane.elf`, '-o', join(dir, 'a.hex'), '--ld', `${SEED}/sane.ld`, '--ld-region', 'IDFLASH,FLASH']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('IDFLASH (r), chosen by name');
    expect(result.stderr).toContain('left out FIXEDRAM (xrw): not among the regions chosen by name');
  });

  it('finds INCLUDEd files on --ld-path', async () => {
    const script = join(dir, 'app.ld');
    writeFileSync(script, 'INCLUDE memory.ld\n');
    const without = await run([`${SEED}/sane.elf`, '-o', join(dir, 'a.hex'), '--ld', script]);
    expect(without.code).toBe(4);
    expect(without.stderr).toMatch(/^flashcut: .*app\.ld:1:9: error: INCLUDE memory\.ld: not found in .* \(add folders with --ld-path\)\n$/);
    const withPath = await run([`${SEED}/sane.elf`, '-o', join(dir, 'a.hex'), '--ld', script, '--ld-path', SEED]);
    expect(withPath.code).toBe(0);
  });

  it('reads INCLUDE with an absolute path and scripts that start with a UTF-8 byte-order mark, as GNU ld does', async () => {
    const memory = join(dir, 'sub', 'memory.ld');
    mkdirSync(join(dir, 'sub'));
    writeFileSync(memory, '\uFEFF' + readFileSync(`${SEED}/memory.ld`, 'utf8'));
    const script = join(dir, 'app.ld');
    writeFileSync(script, `\uFEFFINCLUDE ${memory}\n`);
    const viaInclude = await run([`${SEED}/sane.elf`, '-o', join(dir, 'a.hex'), '--ld', script]);
    const direct = await run([`${SEED}/sane.elf`, '-o', join(dir, 'b.hex'), '--ld', `${SEED}/sane.ld`]);
    expect([viaInclude.code, direct.code]).toEqual([0, 0]);
    expect(readFileSync(join(dir, 'a.hex'))).toEqual(readFileSync(join(dir, 'b.hex')));
  });

  it('reports a malformed script as file:line:column, not as a problem of the ELF', async () => {
    const script = join(dir, 'bad.ld');
    writeFileSync(script, 'MEMORY\n{\n  FLASH (rx) : ORIGIN = 0x08000000 LENGTH = 64K\n  RAM (rwx) ORIGIN = 0x20000000, LENGTH = 8K\n}\n');
    const result = await run([`${SEED}/sane.elf`, '-o', join(dir, 'a.hex'), '--ld', script]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`flashcut: ${script}:4:13: error: expected ':' after the region name RAM (rwx), found 'ORIGIN'\n`);
  });

  it.each([
    [['--ld', `${SEED}/sane.ld`, ...REGIONS], 'give only one of --region, --ld'],
    [['--ld-region', 'FLASH', ...REGIONS], '--ld-region picks regions of a linker script: give --ld SCRIPT too'],
  ])('refuses %j', async (options, message) => {
    const result = await run([`${SEED}/sane.elf`, '-o', join(dir, 'a.hex'), ...options]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });
});

describe('--dfuse-layout', () => {
  const F401 = '@Internal Flash  /0x08000000/04*016Kg,01*064Kg,03*128Kg';

  it('keeps what lies in writable sectors (all of the seed: the objcopy golden) and names the sectors erased', async () => {
    const result = await run([`${SEED}/sane.elf`, '-o', join(dir, 'a.hex'), '--dfuse-layout', F401]);
    expect(result.code).toBe(0);
    const ours = decodeIntelHex(readFileSync(join(dir, 'a.hex'), 'utf8')).bytes;
    const objcopy = decodeIntelHex(readFileSync('test/golden/stm32-seed/sane.objcopy.hex', 'utf8')).bytes;
    expect([...ours]).toEqual([...objcopy]);
    expect(result.stderr).toContain('(--dfuse-layout: writable sectors 0-7 of Internal Flash)');
    // The code sits in sector 0 and the ID block at 0x0800FF00 in sector 3.
    expect(result.stderr).toContain(
      'erases   sector 0 (0x08000000-0x08003FFF, 16,384 bytes), sector 3 (0x0800C000-0x0800FFFF, 16,384 bytes) of Internal Flash',
    );
  });

  it('refuses bytes in a sector that is not writable', async () => {
    const result = await run([`${SEED}/sane.elf`, '-o', join(dir, 'a.hex'), '--dfuse-layout', '@Internal Flash  /0x08000000/03*016Kg,01*016Ka']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/land in sector 3 of Internal Flash, type a \(readable\): not writable, so a DFU download would fail\n$/);
  });

  it('writes DfuSe elements only into writable sectors, and refuses a .dfu that would touch another', async () => {
    const layout = '@Internal Flash  /0x08000000/01*016Ka,03*016Kg';
    // The seed's code starts in sector 0, which this layout makes read-only: refused, nothing written.
    const refused = await run([`${SEED}/sane.elf`, '-o', join(dir, 'a.dfu'), '--dfuse-layout', layout]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/land in sector 0 of Internal Flash, type a \(readable\): not writable/);
    // Sectors 1 and 2 read-only, 0 and 3 writable: the code (sector 0) and the ID (sector 3) go, in elements inside them.
    const out = join(dir, 'b.dfu');
    expect((await run([`${SEED}/sane.elf`, '-o', out, '--dfuse-layout', '@Internal Flash  /0x08000000/01*016Kg,02*016Ka,01*016Kg'])).code).toBe(0);
    const elements = decodeDfuse(readFileSync(out)).targets.flatMap((t) => t.elements);
    const sectorOf = (address: number) => Math.floor((address - 0x0800_0000) / 0x4000);
    expect(elements.map((e) => [sectorOf(e.address), sectorOf(e.address + e.data.length - 1)])).toEqual([
      [0, 0],
      [3, 3],
    ]);
  });

  it('refuses a malformed layout with the column', async () => {
    const result = await run([`${SEED}/sane.elf`, '-o', join(dir, 'a.hex'), '--dfuse-layout', '@Internal Flash  /0x08000000/04*016Kz']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--dfuse-layout, character 30: expected a sector run');
  });
});

describe('project configuration', () => {
  /** A project folder with build/app.elf (the seed), its linker scripts, and a package.json. */
  function project(flashcut: unknown, file = 'package.json'): string {
    mkdirSync(join(dir, 'build'));
    copyFileSync(`${SEED}/sane.elf`, join(dir, 'build', 'app.elf'));
    copyFileSync(`${SEED}/sane.ld`, join(dir, 'app.ld'));
    copyFileSync(`${SEED}/memory.ld`, join(dir, 'memory.ld'));
    writeFileSync(join(dir, file), JSON.stringify(file === 'package.json' ? { name: 'fw', flashcut } : flashcut));
    return join(dir, 'build', 'app.elf');
  }

  it('`flashcut build/app.elf` with only a package.json config gives the --region image', async () => {
    const elf = project({ ld: 'app.ld', output: 'build/{name}.hex' });
    const result = await run([elf]);
    expect(result.code).toBe(0);
    await run([`${SEED}/sane.elf`, '-o', join(dir, 'expected.hex'), ...REGIONS]);
    expect(readFileSync(join(dir, 'build', 'app.hex'))).toEqual(readFileSync(join(dir, 'expected.hex')));
    expect(result.stderr).toMatch(/config +.*package\.json "flashcut": uses ld, output\n/);
    expect(result.stderr).toMatch(/\(ld .*app\.ld \(.*package\.json "flashcut"\): FLASH \(rx\), no w attribute\)/);
  });

  it('writes several named outputs with format and fill from flashcut.config.json', async () => {
    const elf = project({ windows: ['FLASH=0x08000000:0xFF00', 'IDFLASH=0x0800FF00:256'], output: ['build/app.hex', 'build/app.bin'], fill: 0 }, 'flashcut.config.json');
    const result = await run([elf]);
    expect(result.code).toBe(0);
    await run([`${SEED}/sane.elf`, '-o', join(dir, 'expected.bin'), '--fill', '0', ...REGIONS]);
    expect(readFileSync(join(dir, 'build', 'app.bin'))).toEqual(readFileSync(join(dir, 'expected.bin')));
    expect(readFileSync(join(dir, 'build', 'app.hex'), 'utf8')).toMatch(/^:020000040800F2\r\n/);
    expect(result.stderr).toMatch(/flashcut\.config\.json: uses windows, output, fill\n/);
  });

  it('lets command-line flags override the configuration and says which', async () => {
    const elf = project({ ld: 'app.ld', output: 'build/app.hex', fill: '0x00' });
    const result = await run([elf, '-o', join(dir, 'other.bin'), '--fill', '0xEE', '--region', 'FLASH=0x08000000:0xFF00']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/config +.*package\.json "flashcut": uses nothing; the command line overrides ld, output, fill\n/);
    expect(readFileSync(join(dir, 'other.bin')).length).toBeLessThan(0xff00);
  });

  it('takes the format of an output named on the command line from its extension, not the configured format', async () => {
    const elf = project({ ld: 'app.ld', output: 'build/app.srec', format: 'srec' });
    const result = await run([elf, '-o', join(dir, 'cli.hex')]);
    expect(result.code).toBe(0);
    expect(readFileSync(join(dir, 'cli.hex'), 'utf8')).toMatch(/^:020000040800F2\r\n/);
  });

  it('reads the file given with --config instead of searching', async () => {
    const elf = project({ output: 'build/nothing.hex' });
    writeFileSync(join(dir, 'other.json'), JSON.stringify({ output: 'build/other.hex', ld: 'app.ld' }));
    const result = await run([elf, '--config', join(dir, 'other.json')]);
    expect(result.code).toBe(0);
    expect(readFileSync(join(dir, 'build', 'other.hex'), 'utf8')).toContain(':00000001FF');
  });

  it('ignores the configuration with --no-config', async () => {
    const elf = project({ fil: 1 });
    const result = await run([elf, '--no-config', '-o', join(dir, 'a.hex'), ...REGIONS]);
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain('config');
  });

  it.each([
    [{ ld: 'app.ld', output: 'a.hex', fil: 255 }, 'package.json:1:57: "flashcut.fil": no such setting (did you mean \"fill\"?), found 255'],
    [{ ld: 'app.ld', output: 'a.hex', fill: 256 }, 'package.json:1:57: "flashcut.fill": expected a byte value 0..255 (a number, or a string like "0xFF"), found 256'],
    [{ ld: 7, output: 'a.hex' }, 'package.json:1:26: "flashcut.ld": expected a non-empty string, found 7'],
    [{ windows: ['FLASH=0x08000000'], output: 'a.hex' }, 'package.json:1:37: "flashcut.windows[0]": expected [NAME=]ORIGIN:LENGTH, e.g. "FLASH=0x08000000:512K", found "FLASH=0x08000000"'],
    [{ windows: 'FLASH=0:1', ld: 'app.ld', output: 'a.hex' }, 'package.json:1:48: "flashcut.ld": expected only one of windows, ld, dfuseLayout (this file also has "flashcut.windows"), found "app.ld"'],
    [{ ld: 'app.ld', output: 'a.hex', format: 'svg' }, `package.json:1:57: "flashcut.format": expected one of ${formatNames().join(', ')}, found "svg"`],
    [['ld'], 'package.json:1:14: "flashcut": expected an object, found ["ld"]'],
  ])('refuses %j with one line naming the key at its line and column', async (config, message) => {
    const elf = project(config);
    const result = await run([elf]);
    expect(result.code).toBe(1);
    const file = message.slice(0, message.indexOf(": "));
    expect(result.stderr).toMatch(new RegExp(`^flashcut: \\S*${escape(file)}: error: ${escape(message.slice(file.length + 2))}\\n$`));
  });

  it('refuses a package.json that is not JSON', async () => {
    const elf = project({});
    writeFileSync(join(dir, 'package.json'), '{ "flashcut": ');
    const result = await run([elf]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^flashcut: \S*package\.json:1:15: error: not valid JSON: the text ends too early\n$/);
  });

  it('names the line and column of a JSON syntax error, after a byte-order mark too', async () => {
    const elf = project({});
    writeFileSync(join(dir, 'flashcut.config.json'), '\uFEFF{\n  "fill": 0,\n  "ld": "x.ld",,\n}\n');
    const result = await run([elf]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^flashcut: \S*flashcut\.config\.json:3:16: error: not valid JSON: [^\n]+\n$/);
  });

  it('accepts a "$schema" key and the settings a firmware repository pins', async () => {
    const elf = project({
      $schema: './node_modules/flashcut/schema/config.schema.json',
      windows: ['FLASH=0x08000000:0xFF00', 'IDFLASH=0x0800FF00:256'],
      output: 'out.srec',
      strict: false,
      crc: ['crc32@0x0800FFFC'],
      align: 8,
      padWindows: ['IDFLASH'],
      fillGaps: true,
      recordLength: 32,
      eol: 'LF',
      startAddress: 'none',
      overlap: 'keep',
    });
    const result = await run([elf]);
    expect(result.stderr).toContain('uses windows, output, overlap, recordLength, startAddress, eol, padWindows, fillGaps, align, crc, strict');
    expect(result.code).toBe(0);
    const srec = readFileSync(join(dir, 'out.srec'), 'latin1');
    expect(srec).not.toContain('\r');
    expect(srec.split('\n').filter((l) => l.startsWith('S3')).every((l) => l.length <= 4 + 2 + 8 + 64 + 2)).toBe(true);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

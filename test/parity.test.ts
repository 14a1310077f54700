import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkParity, libraryOutcome } from './helpers/parity.js';
import { runCli } from './helpers/run-cli.js';
import { tempFolder } from './helpers/temp.js';

// The core owns every rule: every conversion runCli runs (all of the CLI tests') is run through
// the library too, with the options the command line maps to, and must give the same bytes or
// the same error (test/helpers/parity.ts). These cases cover each rule once more, by name.

const SEED = 'samples/stm32-seed';
const BROKEN = `${SEED}/broken.elf`;
const SANE = `${SEED}/sane.elf`;
const REGIONS = ['-r', 'FLASH=0x08000000:0xFF00', '-r', 'IDFLASH=0x0800FF00:256'];
const F4 = '@Internal Flash  /0x08000000/04*016Kg,01*064Kg,03*128Kg';
const dir = tempFolder('parity').path;

/** One conversion for each rule; OUT stands for the output file (its extension picks the format). */
const CASES: readonly (readonly string[])[] = [
  [BROKEN, '-o', 'OUT.hex', ...REGIONS],
  [BROKEN, '-o', 'OUT.bin', ...REGIONS],
  [BROKEN, '-o', 'OUT.bin', '--split', ...REGIONS],
  [BROKEN, '-o', 'OUT.bin', '--split', '-r', 'A=0x08000000:64K', '-r', 'B=0x08008000:64K'],
  [BROKEN, '-o', 'OUT.bin', '-r', 'FLASH=0x08000000:64K', '-r', 'RAM=0x20000000:128K'],
  [SANE, '-o', 'OUT.bin', '-r', 'A=0x08000000:0x10', '-r', 'B=0x0800FF00:0x100', '--max-gap', '16'],
  [SANE, '-o', 'OUT.bin', '--base', '0x08000100'],
  [SANE, '-o', 'OUT.bin', '--base', '0x07FFFF00', '--pad-to', '0x08010000', ...REGIONS],
  [SANE, '-o', 'OUT.srec', '--srec-type', '37', '--srec-header', 'HDR', '--record-length', '8', ...REGIONS],
  [SANE, '-o', 'OUT.srec', '--srec-type', '19', '-r', 'HIGH=0x08000000:1M'],
  [SANE, '-o', 'OUT.dfu', '--dfu-vid', '0x1209', '--dfu-pid', '0x0002', '--dfu-alt', '1', '--dfu-target-name', 'Flash', ...REGIONS],
  [SANE, '-o', 'OUT.dfu', '--dfuse-layout', F4],
  [SANE, '-o', 'OUT.dfu', '--dfuse-layout', '@Internal Flash  /0x08000000/01*016Ka,03*016Kg,01*064Kg'],
  [SANE, '-o', 'OUT.uf2', '--uf2-family', 'STM32F4', ...REGIONS],
  [SANE, '-o', 'OUT.hex', '--align', '32', '--pad-window', 'IDFLASH', '--crc', 'crc32@0x0800FFFC', ...REGIONS],
  [SANE, '-o', 'OUT.hex', '--pad-window', 'OTP', ...REGIONS],
  [SANE, '-o', 'OUT.hex', '--fill-gaps', '--fill', '0x00', '--eol', 'lf', '--no-start-address', ...REGIONS],
  [SANE, '-o', 'OUT.hex', '--crc', 'crc32-stm32@g_device_id', '--pad-window', 'IDFLASH', ...REGIONS],
  [SANE, '-o', 'OUT.hex', '--ld', `${SEED}/sane.ld`],
  [SANE, '-o', 'OUT.hex', '-r', 'OTP=0x1FFF7800:528'],
  [SANE, BROKEN, '-o', 'OUT.hex', ...REGIONS],
  [SANE, BROKEN, '-o', 'OUT.hex', '--overlap', 'keep', ...REGIONS],
  [`${SEED}/sane.elf`, 'samples/qemu-netduinoplus2/boot.elf', '-o', 'OUT.hex'],
  [SANE, '-o', 'OUT.hex', '--base', '0x08000000', ...REGIONS],
  [SANE, '-o', 'OUT.srec', '--pad-to', '0x08010000', '--max-gap', '1M', ...REGIONS],
  [SANE, '-o', 'OUT.hex', '--split', ...REGIONS],
  [SANE, '-o', 'OUT.hex', '--align', '3', ...REGIONS],
  [SANE, '-o', 'OUT.hex', '--align', '0', ...REGIONS],
  [SANE, '-o', 'OUT.dfu', '--dfuse-layout', '@Internal Flash  /0x08000000/01*016Ka,03*016Kg,01*064Kg', '--pad-window', 'all'],
];

describe('the CLI and the library decide alike', () => {
  it.each(CASES.map((argv, i) => [i, argv] as const))('case %i: %j', async (i, argv) => {
    const result = await runCli([...argv.map((a) => a.replace(/^OUT/, join(dir, `cli${i}`))), '-q', '--json']);
    expect(result.parity).toMatch(/^same-(bytes|error)$/);
  });

  it('a CLI outcome the library does not reach is a difference', async () => {
    const argv = [SANE, '-o', join(dir, 'x.hex'), '--base', '0x08000000'];
    // The library refuses --base for HEX; a CLI that wrote the file would have decided alone.
    await expect(checkParity(argv, { code: 0, stdoutBytes: Buffer.alloc(0), stderr: '' })).rejects.toThrow(/parity: the library decides otherwise/);
    expect(await libraryOutcome(argv)).toEqual({ error: 'exit 2: --base shapes a BIN file, and no output is BIN (for HEX and the others use --pad-window, --fill-gaps)' });
  });

  it('an error the library does not raise is a difference', async () => {
    const argv = [SANE, '-o', join(dir, 'y.hex'), ...REGIONS];
    const stderr = 'flashcut: error: --region: a rule only the command line applies\n';
    await expect(checkParity(argv, { code: 2, stdoutBytes: Buffer.alloc(0), stderr })).rejects.toThrow(/CLI: +exit 2: --region: a rule only/);
  });
});

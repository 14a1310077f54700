/**
 * Real boots: the netduinoplus2 sample converted by flashcut, loaded into QEMU's STM32F405
 * as the only image, must copy .data from flash, find its ID in IDFLASH and say so over
 * semihosting. Wrong images of the same ELF must not.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { convert } from '../src/pipeline/convert.js';
import { describeWithTools } from './helpers/tools.js';
import { withRunAddressesAsLoadAddresses } from './helpers/wrong-elf.js';

const ELF = readFileSync(new URL('../samples/qemu-netduinoplus2/boot.elf', import.meta.url));
const WINDOWS = [
  { name: 'FLASH', start: 0x0800_0000, end: 0x0800_ff00, source: 'test' },
  { name: 'IDFLASH', start: 0x0800_ff00, end: 0x0801_0000, source: 'test' },
];
const OK_LINE = 'flashcut-qemu: OK .data .ramfunc .idsection\n';

type ImageKind = 'hex' | 'bin';

/**
 * Boots `image` alone and returns what the firmware printed and QEMU's exit code (null when
 * killed). QEMU 7.2 writes semihosting console output to its stderr (later ones may use stdout): both are read.
 */
async function boot(image: Uint8Array, kind: ImageKind): Promise<{ stdout: string; code: number | null }> {
  const file = join(dir, `image-${Math.random().toString(36).slice(2)}.${kind}`);
  writeFileSync(file, image);
  const loader = kind === 'bin' ? `loader,file=${file},addr=0x08000000,force-raw=on` : `loader,file=${file}`;
  const args = ['-M', 'netduinoplus2', '-nographic', '-semihosting-config', 'enable=on,target=native', '-device', loader];
  return new Promise((resolve) => {
    // A wrong image may hang the core (a lock-up): the timeout kills QEMU.
    execFile('qemu-system-arm', args, { timeout: 20_000 }, (error, stdout, stderr) => {
      resolve({ stdout: stdout + stderr, code: error ? (typeof error.code === 'number' ? error.code : null) : 0 });
    });
  });
}

let dir = '';

describeWithTools('QEMU netduinoplus2 boots of flashcut images', ['qemu-system-arm', 'arm-none-eabi-objcopy'], () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'flashcut-qemu-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each<ImageKind>(['hex', 'bin'])('the %s image boots: .data, .ramfunc and the ID are where the firmware expects them', async (kind) => {
    const { output } = convert(ELF, { windows: WINDOWS, format: kind });
    const result = await boot(output, kind);
    expect(result.stdout).toBe(OK_LINE);
    expect(result.code).toBe(0);
  });

  it.each<ImageKind>(['hex', 'bin'])('a %s image with .data at its run address fails the boot check', async (kind) => {
    const { output } = convert(withRunAddressesAsLoadAddresses(ELF), { windows: WINDOWS, format: kind });
    const result = await boot(output, kind);
    expect(result.stdout).toContain('flashcut-qemu: FAIL .data');
    expect(result.code).not.toBe(0);
  });

  it('a HEX of every loadable section (objcopy without -R) fails: it writes RAM', async () => {
    const elfPath = join(dir, 'boot.elf');
    writeFileSync(elfPath, ELF);
    await promisify(execFile)('arm-none-eabi-objcopy', ['-O', 'ihex', elfPath, join(dir, 'all.hex')]);
    const result = await boot(readFileSync(join(dir, 'all.hex')), 'hex');
    expect(result.stdout).toBe('flashcut-qemu: FAIL RAM was written by the image\n');
    expect(result.code).not.toBe(0);
  });
});

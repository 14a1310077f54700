import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { convert } from '../src/pipeline/convert.js';
import { dfuse } from '../src/write/dfuse.js';
import { collectBytes, type WriteOptions } from '../src/write/format.js';
import { motorolaSrec } from '../src/write/srec.js';
import { uf2 } from '../src/write/uf2.js';
import { parseRegion } from '../src/config/option-syntax.js';
import type { MemoryImage } from '../src/image/memory-image.js';
import { decodeDfuse } from './helpers/dfuse-decode.js';
import { decodeIntelHex, describeRanges } from './helpers/ihex-decode.js';
import { imageOf, imageToMap, text } from './helpers/images.js';
import { describeWithTools, srecCat } from './helpers/tools.js';
import { decodeUf2 } from './helpers/uf2-decode.js';
import { tempFolder } from './helpers/temp.js';

const work = tempFolder('oracle-outputs').path;
let fileNumber = 0;

/** Writes `bytes` to a fresh file in the work folder and returns its path. */
function temp(bytes: Uint8Array | string, ext: string): string {
  const path = join(work, `f${fileNumber++}${ext}`);
  writeFileSync(path, bytes);
  return path;
}

const SEED = new URL('../samples/stm32-seed/', import.meta.url).pathname;
const SEED_WINDOWS = [parseRegion('FLASH=0x08000000:0xFF00'), parseRegion('IDFLASH=0x0800FF00:256')];

/** Images that exercise S1, S2 and S3 records, several ranges and the top of the address space. */
const IMAGES: { name: string; image: MemoryImage; options: WriteOptions }[] = [
  { name: 'S1: below 64 KiB', image: imageOf([[0x0000, 100], [0x8000, 33], [0xfff0, 16]]), options: { startAddress: 0x101 } },
  { name: 'S2: below 16 MiB, record length 1', image: imageOf([[0x01_0000, 40], [0xff_fff0, 16]]), options: { recordLength: 1 } },
  { name: 'S3: STM32 flash and option bytes', image: imageOf([[0x0800_0000, 5000], [0x0800_ff00, 256], [0x1fff_7800, 40]]), options: { startAddress: 0x0800_0199 } },
  { name: 'S3: the top of the address space', image: imageOf([[0xffff_ff00, 256]]), options: { recordLength: 250, startAddress: 0xffff_ff01 } },
  { name: 'S3 forced on a low image, LF line ends', image: imageOf([[0x100, 77]]), options: { srecType: 37, eol: 'lf', srecHeader: 'build 42' } },
];

describeWithTools('S-record output decoded by srec_cat and objcopy', ['srec_cat', 'arm-none-eabi-objcopy'], () => {
  /** srec_cat's reading of an S-record file, as Intel HEX decoded by the test decoder. */
  const bySrecCat = (srec: string) => {
    const out = join(work, `srec_cat${fileNumber++}.hex`);
    srecCat([srec, '-motorola', '-o', out, '-intel']);
    return decodeIntelHex(readFileSync(out, 'latin1'));
  };
  /** objcopy's reading of an S-record file, as Intel HEX. */
  const byObjcopy = (srec: string) => {
    const out = join(work, `objcopy${fileNumber++}.hex`);
    execFileSync('arm-none-eabi-objcopy', ['-I', 'srec', '-O', 'ihex', srec, out]);
    return decodeIntelHex(readFileSync(out, 'latin1'));
  };

  it.each(IMAGES)('$name', ({ image, options }) => {
    const srec = temp(collectBytes(motorolaSrec.write(image, options)), '.srec');
    const expected = imageToMap(image);
    const fromSrecCat = bySrecCat(srec);
    expect(describeRanges(fromSrecCat.bytes)).toBe(describeRanges(expected));
    expect(fromSrecCat.bytes).toEqual(expected);
    const fromObjcopy = byObjcopy(srec);
    expect(fromObjcopy.bytes).toEqual(expected);
    // objcopy keeps the termination record's address as the start address (05, or 03 below 1 MiB).
    const start = fromObjcopy.startLinear ?? fromObjcopy.startSegment ?? 0;
    expect(start).toBe(options.startAddress ?? 0);
  });

  it.each(['sane', 'broken'])('the %s seed ELF: S-record, HEX and BIN give the same image', (name) => {
    const elf = readFileSync(join(SEED, `${name}.elf`));
    const hex = decodeIntelHex(text(convert(elf, { windows: SEED_WINDOWS, format: 'hex' }).output));
    const srec = temp(convert(elf, { windows: SEED_WINDOWS, format: 'srec' }).output, '.srec');
    expect(bySrecCat(srec).bytes).toEqual(hex.bytes);
    expect(byObjcopy(srec).bytes).toEqual(hex.bytes);
    const bin = join(work, `${name}.objcopy.bin`);
    execFileSync('arm-none-eabi-objcopy', ['-I', 'srec', '-O', 'binary', '--gap-fill', '0xff', srec, bin]);
    expect(Buffer.from(readFileSync(bin)).equals(Buffer.from(convert(elf, { windows: SEED_WINDOWS, format: 'bin' }).output))).toBe(true);
  });
});

describeWithTools('DfuSe output checked by dfu-suffix', ['dfu-suffix'], () => {
  const check = (path: string) => spawnSync('dfu-suffix', ['--check', path], { encoding: 'utf8' });

  it.each(IMAGES)('$name', ({ image }) => {
    const options = { dfuVendor: 0x1209, dfuProduct: 0xbeef, dfuDevice: 0x0102, dfuTargetName: 'Internal Flash', dfuAlt: 2 };
    const bytes = collectBytes(dfuse.write(image, options));
    const result = check(temp(bytes, '.dfu'));
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Product ID:\s+0xBEEF/);
    expect(result.stdout).toMatch(/Vendor ID:\s+0x1209/);
    expect(result.stdout).toMatch(/BCD device:\s+0x0102/);
    expect(result.stdout).toMatch(/BCD DFU:\s+0x011A/);
    const decoded = decodeDfuse(bytes);
    expect(decoded.bytes).toEqual(imageToMap(image));
    expect(decoded.targets[0]).toMatchObject({ alternate: 2, name: 'Internal Flash' });
  });

  it('the seed ELF: DfuSe and HEX give the same image', () => {
    const elf = readFileSync(join(SEED, 'sane.elf'));
    const bytes = convert(elf, { windows: SEED_WINDOWS, format: 'dfu' }).output;
    expect(check(temp(bytes, '.dfu')).status).toBe(0);
    const hex = decodeIntelHex(text(convert(elf, { windows: SEED_WINDOWS, format: 'hex' }).output));
    expect(decodeDfuse(bytes).bytes).toEqual(hex.bytes);
  });

  it('dfu-suffix rejects the file once one data byte changes (the check can fail)', () => {
    const bytes = collectBytes(dfuse.write(imageOf([[0x0800_0000, 64]]), {}));
    bytes[300] = (bytes[300]! + 1) % 256;
    expect(check(temp(bytes, '.dfu')).status).not.toBe(0);
  });
});

describe('UF2 output decoded by a parser written from the UF2 specification', () => {
  it('the seed ELF: UF2 and HEX give the same bytes, fill elsewhere, STM32F4 family', () => {
    const elf = readFileSync(join(SEED, 'sane.elf'));
    const bytes = convert(elf, { windows: SEED_WINDOWS, format: 'uf2', uf2Family: 0x57755a57 }).output;
    const { blocks, bytes: decoded } = decodeUf2(bytes);
    const hex = decodeIntelHex(text(convert(elf, { windows: SEED_WINDOWS, format: 'hex' }).output));
    for (const [address, value] of hex.bytes) expect(decoded.get(address)).toBe(value);
    for (const [address, value] of decoded) if (!hex.bytes.has(address)) expect(value).toBe(0xff);
    expect(blocks.every((b) => b.flags === 0x2000 && b.familyOrSize === 0x57755a57 && b.targetAddr % 256 === 0)).toBe(true);
  });

  it.each(IMAGES)('$name', ({ image }) => {
    const { bytes } = decodeUf2(collectBytes(uf2.write(image, { fill: 0x5a })));
    const expected = imageToMap(image);
    for (const [address, value] of bytes) expect(value).toBe(expected.get(address) ?? 0x5a);
    expect([...expected.keys()].filter((a) => !bytes.has(a))).toEqual([]);
  });
});

import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { convert } from '../src/pipeline/convert.js';
import type { OutputFormat } from '../src/write/format.js';
import { rawBinary } from '../src/write/bin.js';
import { intelHex } from '../src/write/hex.js';
import { motorolaSrec } from '../src/write/srec.js';
import { readInput } from '../src/read/read-input.js';
import { parseRegion } from '../src/config/option-syntax.js';
import { buildElf } from './helpers/elf-builder.js';
import { decodeIntelHex } from './helpers/ihex-decode.js';
import { imageOf, imageToMap, text } from './helpers/images.js';
import { decodeSrec } from './helpers/srec-decode.js';
import { describeWithTools } from './helpers/tools.js';
import { tempFolder } from './helpers/temp.js';

const work = tempFolder('roundtrip').path;

/** A firmware image in each text format and as BIN, written by flashcut from a synthetic image. */
const image = imageOf([[0x0800_0000, 3000], [0x0800_0c00, 100], [0x0801_fff0, 40], [0x0810_0000, 7]], 11);

function writeImage(format: OutputFormat, options = {}): Uint8Array {
  const chunks = [...format.write(image, { startAddress: 0x0800_0101, ...options })];
  return Buffer.concat(chunks);
}

describe('HEX, S-record and BIN inputs round-trip through flashcut', () => {
  it('HEX -> flashcut -> HEX gives the same records', () => {
    const hex = writeImage(intelHex);
    const again = convert(hex, { format: 'hex' }).output;
    expect(text(again)).toBe(text(hex));
    expect(decodeIntelHex(text(again)).bytes).toEqual(imageToMap(image));
  });

  it('S-record -> flashcut -> S-record gives the same records and start address', () => {
    const srec = writeImage(motorolaSrec);
    const again = convert(srec, { format: 'srec' }).output;
    expect(text(again)).toBe(text(srec));
    expect(decodeSrec(text(again)).bytes).toEqual(imageToMap(image));
  });

  it('BIN@base -> flashcut -> BIN gives the same bytes', () => {
    const bin = writeImage(rawBinary);
    const again = convert(readInput(bin, { name: 'app.bin', base: 0x0800_0000 }), { format: 'bin' }).output;
    expect(Buffer.from(again).equals(Buffer.from(bin))).toBe(true);
    expect(again[0x10_0006]).toBe(imageToMap(image).get(0x0810_0006));
  });

  it('HEX input cut to windows keeps the bytes inside and reports the rest as outside-windows', () => {
    const { plan, output } = convert(writeImage(intelHex), { windows: [parseRegion('FLASH=0x08000000:128K')], format: 'hex' });
    const expected = imageToMap(image);
    for (const address of expected.keys()) if (address >= 0x0802_0000) expected.delete(address);
    expect(decodeIntelHex(text(output)).bytes).toEqual(expected);
    expect(plan.inputs[0]!.selection.dropped.map((d) => [d.start, d.end, d.reason])).toEqual([
      [0x0802_0000, 0x0802_0018, 'outside-windows'],
      [0x0810_0000, 0x0810_0007, 'outside-windows'],
    ]);
  });
});

describeWithTools('HEX written by objcopy reads correctly', ['arm-none-eabi-objcopy'], () => {
  // Below 1 MiB objcopy writes 02 (segment) records and a 03 start record.
  const elf = buildElf({
    entry: 0x1_8001,
    segments: [
      { paddr: 0x0000_0100, data: 5 },
      { paddr: 0x0001_8000, data: 0x30 },
      { paddr: 0x0009_fff0, data: 0x40 },
      { paddr: 0x000f_ff00, data: 0x100 },
    ],
  });
  const elfPath = join(work, 'low.elf');
  const hexPath = join(work, 'low.hex');
  let objcopyHex: Buffer;
  beforeAll(() => {
    writeFileSync(elfPath, elf);
    execFileSync('arm-none-eabi-objcopy', ['-O', 'ihex', elfPath, hexPath]);
    objcopyHex = readFileSync(hexPath);
  });

  it('uses 02 and 03 records (the case under test)', () => {
    const types = new Set(decodeIntelHex(text(objcopyHex)).records.map((r) => r.type));
    expect(types.has(0x02)).toBe(true);
    expect(types.has(0x03)).toBe(true);
  });

  it('gives the same image and start address as the ELF it came from', () => {
    const fromHex = convert(objcopyHex, { format: 'hex' });
    const fromElf = convert(elf, { format: 'hex' });
    expect(decodeIntelHex(text(fromHex.output)).bytes).toEqual(decodeIntelHex(text(fromElf.output)).bytes);
    expect(fromHex.plan.writeOptions.startAddress).toBe(0x1_8001);
    expect(decodeIntelHex(text(fromHex.output)).bytes).toEqual(decodeIntelHex(text(objcopyHex)).bytes);
  });

  it('gives the same BIN as objcopy -I ihex -O binary', () => {
    const binPath = join(work, 'low.bin');
    execFileSync('arm-none-eabi-objcopy', ['-I', 'ihex', '-O', 'binary', '--gap-fill', '0xff', hexPath, binPath]);
    const ours = convert(objcopyHex, { format: 'bin' }).output;
    expect(Buffer.from(ours).equals(readFileSync(binPath))).toBe(true);
  });
});

describeWithTools('S-record written by objcopy and srec_cat reads correctly', ['arm-none-eabi-objcopy', 'srec_cat'], () => {
  const hex = writeImage(intelHex);
  const hexPath = join(work, 'image.hex');
  writeFileSync(hexPath, hex);

  it.each([
    { tool: 'objcopy', args: (out: string) => ['arm-none-eabi-objcopy', ['-I', 'ihex', '-O', 'srec', hexPath, out]] as const },
    { tool: 'objcopy --srec-forceS3 --srec-len 64', args: (out: string) => ['arm-none-eabi-objcopy', ['-I', 'ihex', '-O', 'srec', '--srec-forceS3', '--srec-len', '64', hexPath, out]] as const },
    { tool: 'srec_cat', args: (out: string) => ['srec_cat', [hexPath, '-intel', '-o', out, '-motorola']] as const },
  ])('from $tool', ({ args }) => {
    const out = join(work, `tool${Math.random().toString(16).slice(2)}.srec`);
    const [tool, argv] = args(out);
    execFileSync(tool, [...argv]);
    const fromSrec = convert(readFileSync(out), { format: 'hex' });
    expect(decodeIntelHex(text(fromSrec.output)).bytes).toEqual(imageToMap(image));
    expect(fromSrec.plan.writeOptions.startAddress).toBe(0x0800_0101);
  });
});

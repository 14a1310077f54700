import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { convert } from '../src/pipeline/convert.js';
import { parseRegion } from '../src/config/option-syntax.js';
import { binToMap, decodeIntelHex } from './helpers/ihex-decode.js';

const require = createRequire(import.meta.url);
const intelHexParser = require('intel-hex') as { parse(data: string, bufferSize?: number, addressOffset?: number): { data: Buffer; startLinearAddress: number | null } };

const samples = ['sane', 'broken'] as const;
const seedWindows = [parseRegion('FLASH=0x08000000:0xFF00'), parseRegion('IDFLASH=0x0800FF00:256')];
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url));

/**
 * The goldens are arm-none-eabi-objcopy's output (scripts/make-goldens.sh), with the sections
 * whose LMA lies outside the seed's flash removed by name: an oracle independent of flashcut.
 */
describe.each(samples)('%s sample against objcopy goldens', (name) => {
  const elf = read(`samples/stm32-seed/${name}.elf`);
  const goldenHex = decodeIntelHex(text(read(`test/golden/stm32-seed/${name}.objcopy.hex`)));
  const goldenBin = read(`test/golden/stm32-seed/${name}.objcopy.bin`);
  const goldenBase = Math.min(...goldenHex.bytes.keys());

  it.each([
    ['FLASH + IDFLASH windows', seedWindows],
    ['the Cortex-M default window', undefined],
  ])('HEX decodes to the same address->byte image, with %s', (_, windows) => {
    const ours = decodeIntelHex(text(convert(elf, { windows, format: 'hex' }).output));
    expect(ours.bytes).toEqual(goldenHex.bytes);
    expect(ours.startLinear).toBe(goldenHex.startLinear);
  });

  it.each([
    ['FLASH + IDFLASH windows', seedWindows],
    ['the Cortex-M default window', undefined],
  ])('BIN equals objcopy -O binary --gap-fill 0xff byte for byte, with %s', (_, windows) => {
    const { output, plan } = convert(elf, { windows, format: 'bin' });
    expect(plan.image.start).toBe(goldenBase);
    expect(Buffer.from(output).equals(goldenBin)).toBe(true);
    expect(binToMap(output, goldenBase).get(0x0800_ff00)).toBe('F'.charCodeAt(0));
  });

  it('the intel-hex npm parser reads our HEX back to our BIN', () => {
    const hex = text(convert(elf, { windows: seedWindows, format: 'hex' }).output);
    const { output: bin, plan } = convert(elf, { windows: seedWindows, format: 'bin' });
    // intel-hex returns a dense buffer from the given base, gaps filled with 0xFF.
    const parsed = intelHexParser.parse(hex, undefined, plan.image.start);
    expect(Buffer.from(bin).equals(parsed.data)).toBe(true);
    expect(parsed.startLinearAddress).toBe(plan.inputs[0]!.input.startAddress);
  });

  it('puts the .data initialisers at their load address in flash', () => {
    const { plan } = convert(elf, { windows: seedWindows });
    if (plan.inputs[0]!.input.format !== 'elf') throw new Error('expected an ELF input');
    const data = plan.inputs[0]!.input.elf.sections.find((s) => s.name === '.data');
    const loadSegment = plan.inputs[0]!.input.elf.loadSegments.find((seg) => seg.sections.some((s) => s.name === '.data'));
    expect(data && loadSegment).toBeTruthy();
    const lma = loadSegment!.lma + (data!.fileOffset - loadSegment!.fileOffset);
    expect(lma).not.toBe(data!.vma);
    // g_magic = 0xC0FFEE42 is one of the words of .data (little-endian), as objcopy places it too.
    const atLma = Array.from({ length: data!.size }, (_, i) => goldenHex.bytes.get(lma + i) ?? -1);
    expect(Buffer.from(atLma).indexOf(Buffer.from([0x42, 0xee, 0xff, 0xc0]))).toBeGreaterThanOrEqual(0);
    expect(plan.image.bytesIn(lma, lma + data!.size)).toBe(data!.size);
    expect(plan.image.bytesIn(data!.vma, data!.vma + data!.size)).toBe(0);
  });
});

describe('broken sample report', () => {
  it('drops the RAM segment with its sections and keeps the flash', () => {
    const { plan } = convert(read('samples/stm32-seed/broken.elf'), { windows: seedWindows });
    expect(plan.inputs[0]!.selection.dropped).toEqual([
      expect.objectContaining({ segment: 4, reason: 'outside-windows', sections: ['.bss', '._user_heap_stack', '.ram_code'] }),
    ]);
  });
});

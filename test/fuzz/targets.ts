/**
 * What the fuzzer feeds and what it calls. The contract of every target: for any bytes,
 * return normally or throw a FlashcutError; anything else (RangeError, TypeError, ...) is a bug.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { planConversion, writePlan } from '../../src/pipeline/convert.js';
import { collectBytes } from '../../src/write/format.js';
import { analyse } from '../../src/pipeline/inspect.js';
import { FlashcutError } from '../../src/errors.js';
import { buildElf, SHF_ALLOC, SHF_WRITE, SHT_NOBITS } from '../helpers/elf-builder.js';

const ROOT = new URL('../../', import.meta.url).pathname;
/** Inputs that once broke a target, replayed by every test run. */
export const REGRESSIONS_DIR = join(ROOT, 'test/fuzz-regressions');

const WINDOWS = [
  { name: 'FLASH', start: 0x0800_0000, end: 0x0800_ff00, source: 'fuzz' },
  { name: 'IDFLASH', start: 0x0800_ff00, end: 0x0801_0000, source: 'fuzz' },
];

/**
 * The seeds of the mutations: the committed sample ELFs, builder ELFs in both byte orders with
 * and without section headers, and the seed sample as Intel HEX (objcopy's) and as S-record,
 * so that every input reader flashcut has is fuzzed through the same conversion.
 */
export function inputCorpus(): { name: string; bytes: Uint8Array }[] {
  const samples = ['stm32-seed/sane.elf', 'stm32-seed/broken.elf', 'qemu-netduinoplus2/boot.elf'].map((path) => ({
    name: `samples/${path}`,
    bytes: new Uint8Array(readFileSync(join(ROOT, 'samples', path))),
  }));
  const built = [true, false].flatMap((littleEndian) => [
    {
      name: `builder ${littleEndian ? 'LE' : 'BE'} flash+data+bss`,
      bytes: buildElf({
        littleEndian,
        segments: [
          { paddr: 0x0800_0000, data: 0x80, headerBytes: 0x100 },
          { paddr: 0x0800_0180, vaddr: 0x2000_0000, data: 0x20, memsz: 0x60, flags: 6 },
          { paddr: 0x0800_ff00, data: 16 },
        ],
        sections: [
          { name: '.text', segment: 0 },
          { name: '.data', segment: 1, size: 0x20, flags: SHF_ALLOC | SHF_WRITE },
          { name: '.bss', segment: 1, offset: 0x20, size: 0x40, type: SHT_NOBITS, flags: SHF_ALLOC | SHF_WRITE },
          { name: '.id', segment: 2 },
        ],
      }),
    },
    {
      name: `builder ${littleEndian ? 'LE' : 'BE'} stripped`,
      bytes: buildElf({ littleEndian, segments: [{ paddr: 0x0800_0000, data: 0x40 }, { paddr: 0x9000_0000, data: 8 }], sections: 'none' }),
    },
  ]);
  const hex = { name: 'test/golden/stm32-seed/broken.objcopy.hex', bytes: new Uint8Array(readFileSync(join(ROOT, 'test/golden/stm32-seed/broken.objcopy.hex'))) };
  const srec = { name: 'broken.elf as S-record', bytes: collectBytes(writePlan(planConversion(hex.bytes, { format: 'srec' }))) };
  return [...samples, ...built, hex, srec];
}

/**
 * The input files target: plan a conversion with default and explicit windows, analyse it as
 * the report does, and stream every output format, counting bytes without keeping them (a BIN
 * may legally be large).
 */
export function convertEverything(bytes: Uint8Array): void {
  for (const windows of [undefined, WINDOWS]) {
    for (const format of ['hex', 'bin']) {
      try {
        const plan = planConversion(bytes, { windows, format, maxGap: 0x10_0000 });
        // The findings read more of the file (vector table, build attributes): fuzz them too.
        for (const { input, selection } of plan.inputs) analyse(input, selection);
        let size = 0;
        for (const chunk of writePlan(plan)) size += chunk.length;
        if (format === 'hex' && size > 4 * bytes.length + 1024) throw new Error(`HEX of ${size} bytes from a ${bytes.length}-byte input`);
      } catch (error) {
        if (!(error instanceof FlashcutError)) throw error;
      }
    }
  }
}

/** The committed regression input files (`fuzz-<seed>.<format>`; the text and generated targets' `.ld`, `.dfuse`, `.overlap`, `.limits` are theirs), by file name. */
export function regressionInputs(): [string, Uint8Array][] {
  return readdirSync(REGRESSIONS_DIR)
    .filter((name) => name.startsWith('fuzz-') && !/\.(ld|dfuse|overlap|limits)$/.test(name))
    .sort()
    .map((name) => [name, new Uint8Array(readFileSync(join(REGRESSIONS_DIR, name)))]);
}

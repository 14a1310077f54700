import { describe, expect, it } from 'vitest';
import { thrown } from './helpers/thrown.js';
import { FormatError, IoError, LayoutError, LimitError, UnsupportedError, UsageError } from '../src/errors.js';
import { describeError, errorLine } from '../src/cli/error-report.js';
import { readInput } from '../src/read/read-input.js';
import { rawBinary } from '../src/write/bin.js';
import { MemoryImage } from '../src/image/memory-image.js';
import { parseChecksumSpec, parseRegion } from '../src/config/option-syntax.js';
import { convert, type ConvertOptions } from '../src/pipeline/convert.js';
import { readFileSync } from 'node:fs';

describe('the error model', () => {
  it.each([
    [new FormatError('x'), 'input', 1],
    [new UnsupportedError('x'), 'input', 1],
    [new LayoutError('x'), 'input', 1],
    [new UsageError('x'), 'usage', 2],
    [new IoError('x'), 'io', 4],
    [new LimitError('x'), 'limit', 5],
  ])('%s is kind %s, exit %i', (error, kind, exitCode) => {
    expect(error.kind).toBe(kind);
    expect(describeError(error).exitCode).toBe(exitCode);
  });

  describe('the library refuses what it cannot do, as the command line does', () => {
    const elf = new Uint8Array(readFileSync(new URL('../samples/stm32-seed/broken.elf', import.meta.url)));
    const windows = [parseRegion('FLASH=0x08000000:0xFF00'), parseRegion('IDFLASH=0x0800FF00:256')];
    it('a misspelt option is a usage error naming the likely one, not silently the default', () => {
      const error = thrown(() => convert(elf, { windows, recordLenght: 0 } as ConvertOptions));
      expect(error).toBeInstanceOf(UsageError);
      expect(error.message).toBe('options.recordLenght is not a conversion option: did you mean options.recordLength?');
      expect(thrown(() => convert(elf, { windows, ['__proto__']: 1 } as unknown as ConvertOptions)).message).toMatch(/^options\.__proto__ is not a conversion option$/);
    });
    it('split, which makes one file per window, is refused by convert (it returns one output)', () => {
      const error = thrown(() => convert(elf, { windows, format: 'bin', split: true }));
      expect(error).toMatchObject({ kind: 'usage', option: 'split' });
      expect(convert(elf, { windows, format: 'bin' }).output.length).toBeGreaterThan(0);
    });
    it('an ELF with no file bytes to load names the input in the place, not the message', () => {
      const noSegments = elf.slice();
      new DataView(noSegments.buffer).setUint16(44, 0, true); // e_phnum = 0
      expect(thrown(() => convert(noSegments, { windows }))).toMatchObject({ file: 'input', message: 'nothing to write: no loadable segment has file bytes (PT_LOAD with p_filesz > 0)' });
    });
  });

  it('an error nobody classified is internal, not a user error', () => {
    expect(describeError(new TypeError('x is undefined'))).toMatchObject({ kind: 'internal', exitCode: 70 });
  });

  it('the reader of a file attaches it to every error, keeping the line it knows', () => {
    const error = thrown(() => readInput(new TextEncoder().encode(':00000001FE\n'), { name: 'app.hex' }));
    expect(error).toMatchObject({ file: 'app.hex', line: 1, kind: 'input' });
    expect(thrown(() => readInput(new Uint8Array(3), { name: 'x.bin', format: 'bin' }))).toMatchObject({ file: 'x.bin', kind: 'usage' });
  });

  it('at() fills in only what is still unknown', () => {
    const error = new FormatError('bad', 4, { file: 'inner.ld', line: 2 }).at({ file: 'outer.ld', line: 9, column: 3 });
    expect({ file: error.file, line: error.line, column: error.column, offset: error.offset }).toEqual({ file: 'inner.ld', line: 2, column: 3, offset: 4 });
  });

  it('core messages name the API option, the command line its flag', () => {
    const image = MemoryImage.from([
      { address: 0, bytes: new Uint8Array(1), origin: 'a' },
      { address: 0x1000, bytes: new Uint8Array(1), origin: 'b' },
    ]);
    const error = thrown(() => rawBinary.write(image, { maxGap: 16 }));
    expect(error.message).toMatch(/more than options\.maxGap 16: write Intel HEX, or one BIN per window with options\.split$/);
    expect(describeError(error).message).toMatch(/more than --max-gap 16: write Intel HEX, or one BIN per window with --split$/);
  });

  it('the option syntax parsers (not in the core) name the library option, the command line its flag', () => {
    const region = thrown(() => parseRegion('FLASH=0x08000000:0'));
    expect([region.option, region.message]).toEqual(['windows', "options.windows 'FLASH=0x08000000:0': the length is zero"]);
    expect(describeError(region).message).toBe("--region 'FLASH=0x08000000:0': the length is zero");
    const crc = thrown(() => parseChecksumSpec('crc32@0x08000000:0x10-0x10'));
    expect([crc.option, describeError(crc).message]).toEqual(['checksums', "--crc 'crc32@0x08000000:0x10-0x10': the range is empty or runs past the 32-bit address space"]);
    expect(thrown(() => parseChecksumSpec('crc99@0x0'))).toMatchObject({ option: 'checksums', kind: 'usage' });
  });

  it("prints GCC's shape: FILE:LINE:COL: error: MESSAGE", () => {
    const line = (place: object) => errorLine(describeError(Object.assign(new FormatError('m'), place)));
    expect(line({ file: 'a.ld', line: 3, column: 7 })).toBe('flashcut: a.ld:3:7: error: m');
    expect(line({ file: 'a.hex', line: 3 })).toBe('flashcut: a.hex:3: error: m');
    expect(line({ file: 'a.elf', offset: 52 })).toBe('flashcut: a.elf: error: m');
    expect(line({})).toBe('flashcut: error: m');
  });
});

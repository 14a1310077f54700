import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crc32Stm32, sum32 } from '../src/checksums/checksum.js';
import { crc32 } from '../src/checksums/crc32.js';
import { UsageError } from '../src/errors.js';
import { decodeIntelHex } from './helpers/ihex-decode.js';
import { randomBytes } from './helpers/images.js';
import { describeWithTools, srecCat } from './helpers/tools.js';
import { tempFolder } from './helpers/temp.js';

const work = tempFolder('crc').path;

const lengths = [0, 4, 64, 1020, 4096, 65536];

/** What srec_cat's filter writes at 0x100000 over `data` loaded at 0x1000: the oracle value. */
function viaSrecCat(data: Uint8Array, filter: string[]): number {
  const input = join(work, 'in.bin');
  const output = join(work, 'out.hex');
  writeFileSync(input, data);
  srecCat([input, '-binary', '-offset', '0x1000', ...filter, '-o', output, '-intel']);
  const bytes = decodeIntelHex(readFileSync(output, 'latin1')).bytes;
  return [0, 1, 2, 3].reduce((v, i) => v + (bytes.get(0x100000 + i) ?? NaN) * 256 ** i, 0);
}

describe('checksum algorithms, known answers', () => {
  it('crc32 of "123456789" is the catalogued check value 0xCBF43926', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });
  it('crc32-stm32 refuses a length that is not whole words', () => {
    expect(() => crc32Stm32(new Uint8Array(6))).toThrow(UsageError);
  });
  it('sum32 wraps at 2^32', () => {
    const n = 0x0101_0102; // 255 * n = 2^32 + 254
    expect(sum32(new Uint8Array(n).fill(0xff))).toBe(254);
  });
});

describeWithTools('checksums against implementations nobody here wrote', ['python3', 'srec_cat'], () => {
  it.each(lengths)('crc32 of %i bytes equals Python zlib.crc32', (length) => {
    const data = randomBytes(length, length + 1);
    const theirs = execFileSync('python3', ['-c', 'import sys, zlib; print(zlib.crc32(sys.stdin.buffer.read()))'], { input: data });
    expect(crc32(data)).toBe(Number(theirs.toString().trim()));
  });

  it.each(lengths.filter((n) => n > 0))('crc32 of %i bytes equals srec_cat -crc32-l-e', (length) => {
    const data = randomBytes(length, length + 2);
    expect(crc32(data)).toBe(viaSrecCat(data, ['-crc32-l-e', '0x100000']));
  });

  it.each(lengths.filter((n) => n > 0))('crc32-stm32 of %i bytes equals srec_cat -STM32', (length) => {
    const data = randomBytes(length, length + 3);
    expect(crc32Stm32(data)).toBe(viaSrecCat(data, ['-STM32', '0x100000']));
  });

  it.each(lengths.filter((n) => n > 0))('sum32 of %i bytes equals srec_cat -checksum-positive-l-e', (length) => {
    const data = randomBytes(length, length + 4);
    expect(sum32(data)).toBe(viaSrecCat(data, ['-checksum-positive-l-e', '0x100000', '4', '1']));
  });
});

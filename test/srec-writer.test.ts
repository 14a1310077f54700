import { describe, expect, it } from 'vitest';
import { UsageError } from '../src/errors.js';
import { collectBytes, type WriteOptions } from '../src/write/format.js';
import { motorolaSrec } from '../src/write/srec.js';
import type { MemoryImage } from '../src/image/memory-image.js';
import { imageOf, imageToMap, text } from './helpers/images.js';
import { decodeSrec } from './helpers/srec-decode.js';

const write = (image: MemoryImage, options: WriteOptions = {}) => decodeSrec(text(collectBytes(motorolaSrec.write(image, options))));

describe('S-record writer policy', () => {
  it('starts with an S0 header at address 0 holding "flashcut", not a file name', () => {
    const [first] = write(imageOf([[0x100, 4]])).records;
    expect(first).toMatchObject({ type: 0, address: 0 });
    expect(String.fromCharCode(...first!.data)).toBe('flashcut');
  });

  it('takes the header text from srecHeader', () => {
    const [first] = write(imageOf([[0x100, 4]]), { srecHeader: 'HDR v1.2' }).records;
    expect(String.fromCharCode(...first!.data)).toBe('HDR v1.2');
  });

  it('refuses a header longer than an S0 record holds', () => {
    expect(() => write(imageOf([[0, 1]]), { srecHeader: 'x'.repeat(253) })).toThrow(UsageError);
    expect(write(imageOf([[0, 1]]), { srecHeader: 'x'.repeat(252) }).records[0]!.data).toHaveLength(252);
  });

  it.each([
    { name: 'S1/S9 up to 0xFFFF', end: 0x1_0000, start: 0x10, data: 1, term: 9 },
    { name: 'S2/S8 from 0x10000', end: 0x1_0001, start: 0x10, data: 2, term: 8 },
    { name: 'S2/S8 up to 0xFFFFFF', end: 0x100_0000, start: 0x10, data: 2, term: 8 },
    { name: 'S3/S7 from 0x1000000', end: 0x100_0001, start: 0x10, data: 3, term: 7 },
    { name: 'S3/S7 when only the start address needs 32 bits', end: 0x100, start: 0x0800_0000, data: 3, term: 7 },
    { name: 'S3/S7 at the top of the address space', end: 0x1_0000_0000, start: 0xffff_fff0, data: 3, term: 7 },
  ])('chooses $name', ({ end, start, data, term }) => {
    const { records } = write(imageOf([[end - 8, 8]]), { startAddress: start });
    expect(new Set(records.filter((r) => r.type >= 1 && r.type <= 3).map((r) => r.type))).toEqual(new Set([data]));
    expect(records[records.length - 1]).toMatchObject({ type: term, address: start });
  });

  it('forces the record type with srecType, and refuses one too small for the addresses', () => {
    const image = imageOf([[0x200, 40]]);
    expect(write(image, { srecType: 37 }).records[1]!.type).toBe(3);
    expect(write(image, { srecType: 28 }).records[1]!.type).toBe(2);
    expect(() => write(imageOf([[0x1_0000, 4]]), { srecType: 19 })).toThrow(/holds 16-bit addresses.*0x00010003/);
    expect(() => write(image, { srecType: 28, startAddress: 0x0100_0000 })).toThrow(UsageError);
  });

  it('writes recordLength data bytes a record, shorter only at the end of a run', () => {
    const { records } = write(imageOf([[0x1000, 70], [0x2000, 5]]), { recordLength: 32 });
    const data = records.filter((r) => r.type === 1);
    expect(data.map((r) => [r.address, r.data.length])).toEqual([
      [0x1000, 32],
      [0x1020, 32],
      [0x1040, 6],
      [0x2000, 5],
    ]);
  });

  it('allows 252, 251, 250 data bytes in S1, S2, S3 records and no more', () => {
    for (const [end, most] of [[0x1000, 252], [0x10_0000, 251], [0x0800_0000, 250]] as const) {
      const image = imageOf([[end - 600, 600]]);
      expect(Math.max(...write(image, { recordLength: most }).records.map((r) => r.data.length))).toBe(most);
      expect(() => write(image, { recordLength: most + 1 })).toThrow(UsageError);
    }
    expect(() => write(imageOf([[0, 1]]), { recordLength: 0 })).toThrow(UsageError);
  });

  it('writes an S5 count of the data records before the termination record', () => {
    const { records } = write(imageOf([[0x1000, 100]]));
    const count = records[records.length - 2]!;
    expect(count.type).toBe(5);
    expect(count.address).toBe(records.filter((r) => r.type === 1).length);
  });

  it('keeps S5 up to 65,535 data records, the largest 16-bit count', () => {
    const { records } = write(imageOf([[0, 0xffff]]), { recordLength: 1 });
    const count = records[records.length - 2]!;
    expect(count).toMatchObject({ type: 5, address: 0xffff });
  });

  it('writes an S6 count once the count needs 24 bits', () => {
    const { records } = write(imageOf([[0, 0x10000]]), { recordLength: 1 });
    const count = records[records.length - 2]!;
    expect(count).toMatchObject({ type: 6, address: 0x10000 });
  });

  it('puts 0 into the termination record when there is no start address', () => {
    const { records } = write(imageOf([[0x0800_0000, 4]]));
    expect(records[records.length - 1]).toMatchObject({ type: 7, address: 0 });
  });

  it('keeps every byte at its address', () => {
    const image = imageOf([[0x0800_0000, 300], [0x0800_0200, 17], [0x0810_0000, 1]]);
    expect(write(image).bytes).toEqual(imageToMap(image));
  });

  it('ends lines with CRLF, or LF with eol lf', () => {
    expect(write(imageOf([[0, 4]])).lineEnding).toBe('crlf');
    expect(write(imageOf([[0, 4]]), { eol: 'lf' }).lineEnding).toBe('lf');
  });
});

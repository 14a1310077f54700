import { describe, expect, it } from 'vitest';
import { MemoryImage, type ImageChunk } from '../src/image/memory-image.js';
import { collectBytes, type SrecType } from '../src/write/format.js';
import { intelHex } from '../src/write/hex.js';
import { motorolaSrec } from '../src/write/srec.js';
import { Random } from './helpers/random.js';
import { simpleHex, simpleSrec } from './helpers/simple-records.js';

/**
 * A random image: pieces of random lengths at random addresses, some touching (one run made of
 * several chunks, records spanning chunks), some just below a 64 KiB boundary, some near the top
 * of the address space; `large` adds enough bytes for the encoders' pair-table path.
 */
function randomImage(random: Random, large: boolean, below: number): MemoryImage {
  const pieces: ImageChunk[] = [];
  const count = random.int(1, 6);
  let at = random.chance(0.5) ? random.int(0, below - 0x100000) : below - 0x100000 + random.int(0, 0xff000);
  for (let i = 0; i < count; i++) {
    // Near a 64 KiB boundary half of the time, so that cuts there are common.
    if (random.chance(0.5)) at = Math.max(at, (Math.floor(at / 0x10000) + 1) * 0x10000 - random.int(1, 300));
    const size = Math.min(large && i === 0 ? random.int(300_000, 400_000) : random.int(1, 3000), below - at);
    if (size <= 0) break;
    const bytes = new Uint8Array(size).map(() => random.int(0, 255));
    pieces.push({ address: at, bytes, origin: `piece ${i}` });
    at += size + (random.chance(0.4) ? 0 : random.int(1, 70_000));
    if (at >= below) break;
  }
  return MemoryImage.from(pieces);
}

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const ROUNDS = 120;

// The bulk encoders (a batch of same-shape records per loop) against a one-record-at-a-time
// string writer: the same bytes for every length, address, seam and line end.
describe('bulk record encoders give the simple writer\'s bytes', () => {
  it(`Intel HEX: ${ROUNDS} random images, record lengths 1-255, LF and CRLF`, () => {
    const random = new Random(15_001);
    for (let round = 0; round < ROUNDS; round++) {
      const image = randomImage(random, round % 20 === 0, 0x1_0000_0000);
      const recordLength = random.chance(0.3) ? 16 : random.int(1, 255);
      const eol = random.chance(0.5) ? 'lf' : 'crlf';
      const startAddress = random.chance(0.5) ? random.u32() : undefined;
      const context = `round ${round}: record length ${recordLength}, ${eol}, runs ${JSON.stringify(image.ranges())}`;
      expect(text(collectBytes(intelHex.write(image, { recordLength, eol, startAddress }))), context).toBe(simpleHex(image, { recordLength, eol, startAddress }));
    }
  });

  it.each([
    { type: 19 as SrecType, addressBytes: 2 as const, below: 0x1_0000 * 16 },
    { type: 28 as SrecType, addressBytes: 3 as const, below: 0x100_0000 },
    { type: 37 as SrecType, addressBytes: 4 as const, below: 0x1_0000_0000 },
  ])(`S-record type $type: ${ROUNDS} random images, record lengths up to the type's most, LF and CRLF`, ({ type, addressBytes, below }) => {
    const random = new Random(15_000 + type);
    const most = 255 - addressBytes - 1;
    for (let round = 0; round < ROUNDS; round++) {
      // S1 holds 16-bit addresses only: its images lie below 64 KiB.
      const image = randomImage(random, round % 20 === 0, addressBytes === 2 ? 0x1_0000 : below);
      const recordLength = random.chance(0.3) ? 16 : random.int(1, most);
      const eol = random.chance(0.5) ? 'lf' : 'crlf';
      const startAddress = random.chance(0.5) ? random.int(0, 2 ** (8 * addressBytes) - 1) : undefined;
      const options = { recordLength, eol, startAddress, srecType: type, srecHeader: 'hdr' } as const;
      const context = `round ${round}: record length ${recordLength}, ${eol}, runs ${JSON.stringify(image.ranges())}`;
      expect(text(collectBytes(motorolaSrec.write(image, options))), context).toBe(simpleSrec(image, { ...options, addressBytes, header: 'hdr' }));
    }
  });
});

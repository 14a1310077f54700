import { describe, expect, it } from 'vitest';
import { MemoryImage } from '../src/image/memory-image.js';
import { mergeImages } from '../src/select/merge.js';
import { checkOverlap, CONTAINERS, type Piece } from './helpers/overlap-cases.js';
import { Random } from './helpers/random.js';

/** A: 16 bytes at 0x10. Each position puts a second piece B at [start, end) relative to it. */
const A = { offset: 0x10, length: 16 };
const POSITIONS: readonly { name: string; start: number; end: number }[] = [
  { name: 'over the start', start: 0x08, end: 0x14 },
  { name: 'at the start', start: 0x10, end: 0x14 },
  { name: 'in the middle', start: 0x14, end: 0x1a },
  { name: 'at the end', start: 0x1c, end: 0x20 },
  { name: 'over the end', start: 0x1c, end: 0x28 },
  { name: 'containing', start: 0x08, end: 0x28 },
  { name: 'the same range', start: 0x10, end: 0x20 },
  { name: 'adjacent before', start: 0x08, end: 0x10 },
  { name: 'adjacent after', start: 0x20, end: 0x28 },
  { name: 'one byte at the start', start: 0x10, end: 0x11 },
  { name: 'one byte in the middle', start: 0x17, end: 0x18 },
  { name: 'one byte at the end', start: 0x1f, end: 0x20 },
  { name: 'one byte of overlap before', start: 0x08, end: 0x11 },
  { name: 'one byte of overlap after', start: 0x1f, end: 0x28 },
];

/** A's byte at each offset; B agrees with it wherever they meet, except at `differAt`. */
const aByte = (offset: number) => (offset * 7 + 3) % 256;
const bByte = (offset: number) => (offset >= A.offset && offset < A.offset + A.length ? aByte(offset) : 0xe0 + (offset % 16));

function pieces(start: number, end: number, differAt: number | undefined, bFirst: boolean): Piece[] {
  const a = { offset: A.offset, bytes: Array.from({ length: A.length }, (_, i) => aByte(A.offset + i)) };
  const b = { offset: start, bytes: Array.from({ length: end - start }, (_, i) => (start + i === differAt ? bByte(start + i) ^ 0x5a : bByte(start + i))) };
  return bFirst ? [b, a] : [a, b];
}

const rows = CONTAINERS.flatMap((container) =>
  POSITIONS.flatMap((p) => {
    const overlapStart = Math.max(p.start, A.offset);
    const overlapEnd = Math.min(p.end, A.offset + A.length);
    const differ = overlapEnd > overlapStart ? [undefined, overlapStart, overlapEnd - 1] : [undefined];
    return differ.flatMap((differAt) =>
      [false, true].map((bFirst) => ({
        container,
        position: p.name,
        bytes: differAt === undefined ? 'identical' : `different at +${differAt - overlapStart}`,
        order: bFirst ? 'B first' : 'A first',
        pieces: pieces(p.start, p.end, differAt, bFirst),
      })),
    );
  }),
);

describe('overlaps, against a brute-force address map', () => {
  it.each(rows)('$container: B $position of A, $bytes, $order', ({ pieces, container }) => {
    expect(checkOverlap(pieces, container)).toBeUndefined();
  });

  // Line 4 puts 0x11 where lines 2 and 3 put 0x00; the old check compared it with line 3's
  // byte at 0x24 (0x11) and converted silently.
  it.each(CONTAINERS)('%s: a piece over two earlier ones that differs from both', (container) => {
    const run = (n: number, value: number) => Array.from({ length: n }, () => value);
    const layout = [{ offset: 0, bytes: run(32, 0) }, { offset: 0x10, bytes: [...run(16, 0), ...run(16, 0x11)] }, { offset: 0x14, bytes: [0x11] }];
    expect(checkOverlap(layout, container)).toBeUndefined();
  });

  // Three to five pieces in 64 bytes, from a four-value alphabet: runs of overlaps where the
  // bytes agree, disagree, and where a piece meets several earlier ones.
  it.each(CONTAINERS)('%s: 300 seeded random layouts of several pieces', (container) => {
    const random = new Random(11);
    for (let n = 0; n < 300; n++) {
      const layout = Array.from({ length: random.int(3, 5) }, () => {
        const offset = random.int(0, 48);
        const agree = random.chance(0.7);
        return { offset, bytes: Array.from({ length: random.int(1, 24) }, (_, i) => (agree ? (offset + i) % 4 : random.int(0, 3))) };
      });
      expect(checkOverlap(layout, container), JSON.stringify(layout)).toBeUndefined();
    }
  });
});

describe('--overlap replace and keep, against a brute-force address map', () => {
  it.each(['replace', 'keep'] as const)('%s: 300 seeded random layouts of several inputs', (policy) => {
    const random = new Random(12);
    for (let n = 0; n < 300; n++) {
      const inputs = Array.from({ length: random.int(2, 4) }, (_, i) =>
        MemoryImage.from(
          Array.from({ length: random.int(1, 3) }, (_, k) => ({ address: random.int(0, 48) + 80 * k, bytes: Uint8Array.from({ length: random.int(1, 24) }, () => random.int(0, 255)), origin: `in${i}` })),
        ),
      );
      const expected = new Map<number, number>();
      for (const image of policy === 'replace' ? inputs : [...inputs].reverse()) {
        for (const c of image.chunks) c.bytes.forEach((b, k) => expected.set(c.address + k, b));
      }
      const actual = new Map<number, number>();
      for (const c of mergeImages(inputs, policy).chunks) c.bytes.forEach((b, k) => actual.set(c.address + k, b));
      expect(actual).toEqual(expected);
    }
  });
});

import { MemoryImage } from '../../src/image/memory-image.js';

/** A seeded pseudo-random generator (mulberry32), so that every run sees the same bytes. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `length` pseudo-random bytes from `seed`. */
export function randomBytes(length: number, seed: number): Uint8Array {
  const next = seededRandom(seed);
  return Uint8Array.from({ length }, () => Math.floor(next() * 256));
}

/** An image of pseudo-random bytes at each [address, length]. */
export function imageOf(ranges: readonly (readonly [number, number])[], seed = 1): MemoryImage {
  return MemoryImage.from(ranges.map(([address, length], i) => ({ address, bytes: randomBytes(length, seed + i), origin: `range ${i}` })));
}

/** Every byte of an image at its address. */
export function imageToMap(image: MemoryImage): Map<number, number> {
  const map = new Map<number, number>();
  for (const chunk of image.chunks) chunk.bytes.forEach((b, i) => map.set(chunk.address + i, b));
  return map;
}

/** Bytes as text, for decoders of text formats. */
export const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');

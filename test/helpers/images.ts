import { seededRandom } from './random.js';
import { MemoryImage } from '../../src/image/memory-image.js';


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

/** An image of the given bytes at each address; a part's origin is its own or `part N`. */
export function image(...parts: readonly (readonly [number, Uint8Array, string?])[]): MemoryImage {
  return MemoryImage.from(parts.map(([address, bytes, origin], i) => ({ address, bytes, origin: origin ?? `part ${i}` })));
}

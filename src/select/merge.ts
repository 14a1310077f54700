import { UsageError } from '../errors.js';
import { MemoryImage, type ImageChunk } from '../image/memory-image.js';
import { subtractSpans } from '../image/spans.js';

/**
 * What to do where two inputs put bytes at the same address: `error` (the default; identical
 * bytes are accepted), `replace` (the later input wins) or `keep` (the earlier input wins).
 */
export type OverlapPolicy = 'error' | 'replace' | 'keep';

export const OVERLAP_POLICIES: readonly OverlapPolicy[] = ['error', 'replace', 'keep'];

/**
 * Merges images in order. With `error`, different bytes at one address throw LayoutError naming
 * both chunks' origins and the address.
 */
export function mergeImages(images: readonly MemoryImage[], policy: OverlapPolicy = 'error'): MemoryImage {
  if (!OVERLAP_POLICIES.includes(policy)) throw new UsageError(`--overlap ${String(policy)}: use ${OVERLAP_POLICIES.join(', ')}`);
  if (policy === 'error') return MemoryImage.from(images.flatMap((image) => image.chunks));
  let merged = MemoryImage.from([]);
  for (const image of images) {
    if (policy === 'replace') {
      for (const chunk of image.chunks) merged = merged.overwrite(chunk.address, chunk.bytes, chunk.origin);
    } else {
      merged = MemoryImage.from([...merged.chunks, ...image.chunks.flatMap((chunk) => unclaimedParts(merged, chunk))]);
    }
  }
  return merged;
}

/** The parts of `chunk` at addresses the image has no byte for. */
function unclaimedParts(image: MemoryImage, chunk: ImageChunk): ImageChunk[] {
  const free = subtractSpans([{ start: chunk.address, end: chunk.address + chunk.bytes.length }], image.ranges());
  return free.map((s) => ({ ...chunk, address: s.start, bytes: chunk.bytes.subarray(s.start - chunk.address, s.end - chunk.address) }));
}

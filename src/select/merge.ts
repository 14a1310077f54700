import { badOption } from '../errors.js';
import { MemoryImage } from '../image/memory-image.js';

/**
 * What to do where two inputs put bytes at the same address: `error` (the default; identical
 * bytes are accepted), `replace` (the later input wins) or `keep` (the earlier input wins).
 */
export type OverlapPolicy = 'error' | 'replace' | 'keep';

export const OVERLAP_POLICIES: readonly OverlapPolicy[] = ['error', 'replace', 'keep'];

/**
 * Merges images in order. With `error`, different bytes at one address throw LayoutError naming
 * both chunks' origins and the address. Linear in the images' chunks (once per image).
 */
export function mergeImages(images: readonly MemoryImage[], policy: OverlapPolicy = 'error'): MemoryImage {
  if (!OVERLAP_POLICIES.includes(policy)) throw badOption('overlap', policy, `use ${OVERLAP_POLICIES.join(', ')}`);
  if (policy === 'error') return MemoryImage.from(images.flatMap((image) => image.chunks));
  let merged = MemoryImage.from([]);
  for (const image of images) merged = policy === 'replace' ? merged.overlaidWith(image) : image.overlaidWith(merged);
  return merged;
}

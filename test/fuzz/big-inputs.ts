/**
 * Well-formed but extreme ELF files, made by the builder: the most segments and sections a
 * file can list, and segments that all overlap. Linear-time code converts them in well under a
 * second; code that matches every segment with every section takes seconds or runs out of memory.
 */
import { buildElf } from '../helpers/elf-builder.js';

/** 65,534 one-word PT_LOADs (0xFFFF would be PN_XNUM), each with its own section. */
export function manySegments(): Uint8Array {
  return buildElf({
    segments: Array.from({ length: 0xfffe }, (_, i) => ({ paddr: 0x0800_0000 + i * 8, data: 4 })),
    sections: Array.from({ length: 0xfffd - 2 }, (_, i) => ({ name: `.s${i}`, segment: i })),
  });
}

/** One PT_LOAD with 65,531 small sections and padding between them. */
export function manySectionsInOneSegment(): Uint8Array {
  const count = 0xfffd - 2;
  return buildElf({
    segments: [{ paddr: 0x0800_0000, data: count * 8 }],
    sections: Array.from({ length: count }, (_, i) => ({ name: `.s${i}`, segment: 0, offset: i * 8, size: 4 })),
  });
}

/** `count` PT_LOADs that all cover the same `count` sections: count^2 placements from a file of about 100 * count bytes. */
export function overlappingSegments(count: number): Uint8Array {
  const base = buildElf({
    segments: [{ paddr: 0x0800_0000, data: count * 4 }],
    sections: Array.from({ length: count }, (_, i) => ({ name: `.s${i}`, segment: 0, offset: i * 4, size: 4 })),
  });
  // Copies of program header 0 appended at the end, and e_phoff/e_phnum pointed at them.
  const grown = new Uint8Array(base.length + count * 32);
  grown.set(base);
  for (let i = 0; i < count; i++) grown.set(base.subarray(52, 84), base.length + i * 32);
  const view = new DataView(grown.buffer);
  view.setUint32(28, base.length, true);
  view.setUint16(44, count, true);
  return grown;
}

/** The big inputs by name, for the fuzz runner's timing stage. */
export const BIG_INPUTS: readonly { readonly name: string; readonly make: () => Uint8Array }[] = [
  { name: '65,534 segments', make: manySegments },
  { name: '65,531 sections in one segment', make: manySectionsInOneSegment },
  { name: '20,000 overlapping segments over 20,000 sections', make: () => overlappingSegments(20_000) },
];

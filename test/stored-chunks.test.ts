/**
 * ELF bytes stay in the input until a writer uses them (stored chunks): every writer gives the
 * same bytes as from chunks in memory, reads each kept byte once, a piece at a time, and keeps
 * no view of a buffer it has read over.
 */
import { describe, expect, it } from 'vitest';
import type { ByteSource } from '../src/byte-source.js';
import { chunkSize, MemoryImage, STORED_PIECE, storedChunks, type ImageChunk } from '../src/image/memory-image.js';
import { planConversion, writePlan } from '../src/pipeline/convert.js';
import { readInput } from '../src/read/read-input.js';
import { parseRegion } from '../src/config/option-syntax.js';
import { outputFormats } from '../src/write/registry.js';
import { buildElf, pattern } from './helpers/elf-builder.js';
import { Random } from './helpers/random.js';

/**
 * A source that behaves like a file: every read is a copy, a read `into` a buffer overwrites it
 * (so a writer that kept a view of an earlier read would see other bytes), and each read is recorded.
 */
function fileLikeSource(bytes: Uint8Array): ByteSource & { readonly reads: [number, number][] } {
  const reads: [number, number][] = [];
  return {
    size: bytes.length,
    reads,
    read(offset, length, into) {
      reads.push([offset, length]);
      const part = bytes.subarray(offset, offset + length);
      if (!into) return part.slice();
      into.set(part);
      return into.subarray(0, length);
    },
  };
}

/**
 * A writer's chunks joined, consumed as the atomic writer does: a chunk stays held (in flight)
 * while the writer makes the next one, and is given back only then, so a writer that fills a
 * buffer again while the consumer still holds it shows here.
 */
function collectGivingBack(chunks: Iterable<Uint8Array>): Uint8Array {
  const iterator = chunks[Symbol.iterator]() as Iterator<Uint8Array, unknown, Uint8Array | undefined>;
  const parts: Uint8Array[] = [];
  let held: Uint8Array | undefined;
  for (let step = iterator.next(undefined); step.done !== true; ) {
    const finished = held;
    if (finished) parts.push(finished.slice());
    held = step.value;
    step = iterator.next(finished);
  }
  if (held) parts.push(held.slice());
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out;
}

/** The first index where `a` and `b` differ, their shorter length when one is the other's start, or -1. */
function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : length;
}

/**
 * The same random layout twice: as stored chunks over one file-like source (with some chunks in
 * memory between them, as a merged HEX input gives) and as chunks in memory. Pieces touch (one run
 * of several chunks, records spanning stored chunks) and cross STORED_PIECE cuts.
 */
function randomLayout(random: Random, file: Uint8Array): { stored: MemoryImage; inMemory: MemoryImage } {
  const source = fileLikeSource(file);
  const stored: ImageChunk[] = [];
  const inMemory: ImageChunk[] = [];
  let address = 0x0800_0000 + random.int(0, STORED_PIECE - 1);
  for (let i = 0, count = random.int(1, 5); i < count; i++) {
    const size = random.chance(0.3) ? random.int(1, 300) : random.int(1, STORED_PIECE + 5000);
    const offset = random.int(0, file.length - size);
    const bytes = file.subarray(offset, offset + size);
    if (random.chance(0.25)) stored.push({ address, bytes, origin: `piece ${i}` });
    else stored.push(...storedChunks(source, offset, address, size, `piece ${i}`));
    inMemory.push({ address, bytes, origin: `piece ${i}` });
    address += size + (random.chance(0.5) ? 0 : random.int(1, 3000));
  }
  return { stored: MemoryImage.from(stored), inMemory: MemoryImage.from(inMemory) };
}

describe('stored chunks', () => {
  it('cut a range at multiples of STORED_PIECE in the address space, without reading it', () => {
    const source = fileLikeSource(new Uint8Array(4 * STORED_PIECE));
    const chunks = storedChunks(source, 10, STORED_PIECE - 3, 2 * STORED_PIECE + 7, 'segment 1');
    expect(chunks.map((c) => [c.address, chunkSize(c)])).toEqual([
      [STORED_PIECE - 3, 3],
      [STORED_PIECE, STORED_PIECE],
      [2 * STORED_PIECE, STORED_PIECE],
      [3 * STORED_PIECE, 4],
    ]);
    expect(source.reads).toEqual([]);
  });

  it.each(Object.keys(outputFormats))('give the bytes of chunks in memory, written as %s (60 random layouts, buffers given back)', (name) => {
    const format = outputFormats[name] as (typeof outputFormats)[string];
    const random = new Random(15_100 + name.length);
    const file = pattern(3 * STORED_PIECE, 15);
    for (let round = 0; round < 60; round++) {
      const { stored, inMemory } = randomLayout(random, file);
      const recordLength = random.int(1, 250);
      const options = { recordLength, maxGap: 1 << 30, startAddress: 0x0800_0101 };
      const context = `round ${round}: record length ${recordLength}, runs ${JSON.stringify(inMemory.ranges())}`;
      const fromStored = collectGivingBack(format.write(stored, options));
      const fromMemory = collectGivingBack(format.write(inMemory, options));
      // Where they first differ (-1: nowhere): vitest's deep equality takes minutes on megabytes.
      expect(firstDifference(fromStored, fromMemory), context).toBe(-1);
    }
  });

  it('are read when written, each kept byte once and at most one piece a read', () => {
    const segment = pattern(4 * STORED_PIECE + 123, 9);
    const elf = buildElf({ entry: 0x08000101, segments: [{ paddr: 0x08000000, data: segment }], sections: 'auto' });
    const windows = [parseRegion('FLASH=0x08000000:16M')];
    for (const name of ['hex', 'bin', 'srec', 'dfu', 'uf2']) {
      const source = fileLikeSource(elf);
      const plan = planConversion(readInput(source), { windows, format: outputFormats[name] });
      const planned = source.reads.length;
      // Planning reads the headers and tables, and a few bytes for the checks (the vector table).
      expect(source.reads.reduce((sum, [, length]) => sum + length, 0), name).toBeLessThan(64 * 1024);
      collectGivingBack(writePlan(plan));
      const written = source.reads.slice(planned);
      expect(written.reduce((sum, [, length]) => sum + length, 0), name).toBe(segment.length);
      expect(Math.max(...written.map(([, length]) => length)), name).toBeLessThanOrEqual(STORED_PIECE);
    }
  });
});

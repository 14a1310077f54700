/**
 * Cost grows linearly with the input (issue 11 item 5): each case runs at n and at 4n, in
 * process, and the time ratio must stay under 8 (linear is about 4, a quadratic path 16). A
 * ratio, not a clock: the minimum of a few rounds, each size measured alternately, so that load
 * on the machine slows both sizes alike. Inputs come from scripts/scaling-inputs.ts, which
 * scripts/scaling.ts times at the sizes the issue names.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realFs, writeFileAtomic } from '../src/cli/atomic-write.js';
import { main } from '../src/cli/main.js';
import { MemoryImage } from '../src/image/memory-image.js';
import { padWindows } from '../src/transform/fill.js';
import { SCALING_CASES, SPAN_CASES, type ScalingCase } from '../scripts/scaling-inputs.js';

const ROUNDS = 3;
/** Well under a quadratic path's 16, well over a linear path's 4 with noise. */
const MAX_RATIO = 8;

let root = '';
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'flashcut-scaling-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Writes the case's files at size n into a folder of their own and returns a function that runs it once, in ms. */
function prepare(c: ScalingCase, n: number): () => Promise<number> {
  const dir = join(root, `${c.name.replace(/\W+/g, '-')}-${n}`);
  mkdirSync(dir, { recursive: true });
  for (const f of c.files(n)) writeFileSync(join(dir, f.name), f.bytes);
  const argv = c.argv(dir, n);
  return async () => {
    let stderr = '';
    const io = { stdout: new PassThrough().resume(), stderr: { write: (t: string) => (stderr += t) }, width: 80 };
    const started = performance.now();
    const code = await main(argv, io);
    const ms = performance.now() - started;
    expect(code, stderr.slice(-400)).toBe(0);
    return ms;
  };
}

/** Measurements of a ratio at or over MAX_RATIO before it counts: a stall of the machine passes, a quadratic path (16) does not. */
const ATTEMPTS = 3;

/**
 * The least time of each of two runs over ROUNDS alternating rounds, after a warm-up of each;
 * measured again, up to ATTEMPTS times, while the ratio is MAX_RATIO or more.
 */
async function ratio(small: () => Promise<number> | number, large: () => Promise<number> | number): Promise<{ small: number; large: number; ratio: number }> {
  await small();
  await large();
  let result = { small: 0, large: 0, ratio: Infinity };
  for (let attempt = 0; attempt < ATTEMPTS && result.ratio >= MAX_RATIO; attempt++) {
    let a = Infinity;
    let b = Infinity;
    for (let round = 0; round < ROUNDS; round++) {
      a = Math.min(a, await small());
      b = Math.min(b, await large());
    }
    result = { small: a, large: b, ratio: b / a };
  }
  return result;
}

describe('the command line at n and 4n', () => {
  it.each(SCALING_CASES.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const times = await ratio(prepare(c, c.testSize), prepare(c, 4 * c.testSize));
    expect(times.ratio, `${c.testSize} ${c.unit}: ${times.small.toFixed(1)} ms, ${4 * c.testSize}: ${times.large.toFixed(1)} ms`).toBeLessThan(MAX_RATIO);
  });
});

describe('MemoryImage at n and 4n chunks', () => {
  const image = (n: number) =>
    MemoryImage.from(Array.from({ length: n }, (_, i) => ({ address: 16 * i, bytes: new Uint8Array(8), origin: `piece ${i}` })));
  /** Asks about every chunk of an image of n chunks: n calls. */
  const everyChunk = (n: number, ask: (image: MemoryImage, at: number) => unknown) => {
    const img = image(n);
    return () => {
      const started = performance.now();
      for (let i = 0; i < n; i++) ask(img, 16 * i);
      return performance.now() - started;
    };
  };

  it.each([
    ['slice', (img: MemoryImage, at: number) => img.slice(at + 2, at + 20)],
    ['bytesIn', (img: MemoryImage, at: number) => img.bytesIn(at + 2, at + 20)],
    ['read', (img: MemoryImage, at: number) => img.read(at + 2, at + 6)],
  ] as const)('%s, once per chunk', async (_, ask) => {
    const times = await ratio(everyChunk(20_000, ask), everyChunk(80_000, ask));
    expect(times.ratio, `${times.small.toFixed(1)} ms, ${times.large.toFixed(1)} ms`).toBeLessThan(MAX_RATIO);
  });
});

describe('fill does not follow the address span', () => {
  it('padding a 1 GiB window adds views of one shared fill buffer of at most 1 MiB', () => {
    const img = MemoryImage.from([{ address: 0x1000, bytes: new Uint8Array(16), origin: 'a' }]);
    const { image, added } = padWindows(img, [{ name: 'BIG', start: 0, end: 0x4000_0000, source: 'test' }], 0xff);
    expect(added).toEqual([{ start: 0, end: 0x1000 }, { start: 0x1010, end: 0x4000_0000 }]);
    expect(image.size).toBe(0x4000_0000);
    const buffers = new Set(image.chunks.filter((c) => c.origin !== 'a').map((c) => c.bytes.buffer));
    expect(buffers.size).toBe(1);
    expect([...buffers][0]?.byteLength).toBeLessThanOrEqual(1 << 20);
    expect(image.read(0x3fff_fff0, 0x4000_0000)).toEqual(new Uint8Array(16).fill(0xff));
  });

  it.each(SPAN_CASES.map((c) => [c.name, c] as const))('%s: one line naming the limit, peak memory bounded', (_, c) => {
    // A process of its own: its peak resident memory is this case's alone.
    const line = execFileSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '../scripts/scaling.ts'), '--one', c.name], { encoding: 'utf8' });
    const result = JSON.parse(line.trim().split('\n').pop() as string) as { code: number; ms: number; rssMiB: number; stderr: string };
    expect(result.stderr).toMatch(c.refused as RegExp);
    expect(result.code).toBe(5);
    expect(result.rssMiB).toBeLessThan(400);
  });
});

describe('writing many small chunks', () => {
  it('100,000 chunks of 3 bytes and a large one between them take a few write calls, in order', async () => {
    const chunks = Array.from({ length: 100_000 }, (_, i) => Uint8Array.of(i % 256, (i >> 8) % 256, 7));
    chunks.splice(50_000, 0, new Uint8Array(100_000).fill(9));
    let calls = 0;
    const path = join(root, 'small-chunks.bin');
    const written = await writeFileAtomic(path, chunks, { ...realFs, write: (file, bytes) => (calls++, realFs.write(file, bytes)) });
    expect(written).toBe(400_000);
    expect(calls).toBeLessThanOrEqual(4);
    expect(readFileSync(path)).toEqual(Buffer.concat(chunks));
  });
});

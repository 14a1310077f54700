/** The seeded mutation loop: every iteration is replayable from its own seed. */
import { performance } from 'node:perf_hooks';
import { layoutSeed } from '../layouts/differential.js';
import { Random } from '../helpers/random.js';
import { mutate } from './mutate.js';
import { convertEverything, inputCorpus } from './targets.js';

/** An input that broke the contract. */
export interface FuzzFailure {
  readonly seed: number;
  readonly input: string;
  readonly steps: readonly string[];
  readonly error: string;
  readonly bytes: Uint8Array;
}

export interface FuzzReport {
  readonly failures: FuzzFailure[];
  /** The slowest input, in milliseconds, and its iteration seed. */
  readonly slowest: { readonly ms: number; readonly seed: number };
}

let corpus: ReturnType<typeof inputCorpus> | undefined;

/** The mutated input of one iteration seed: the corpus file it came from and the steps applied. */
export function fuzzInput(iterationSeed: number): { input: string; bytes: Uint8Array; steps: string[] } {
  corpus ??= inputCorpus();
  const rng = new Random(iterationSeed);
  const source = rng.pick(corpus);
  return { input: source.name, ...mutate(source.bytes, rng) };
}

/** Runs iterations [from, to) of the run started with `seed`; iteration i uses seed layoutSeed(seed, i). */
export function fuzz(seed: number, from: number, to: number): FuzzReport {
  const failures: FuzzFailure[] = [];
  let slowest = { ms: 0, seed };
  for (let i = from; i < to; i++) {
    const iterationSeed = layoutSeed(seed, i);
    const { input, bytes, steps } = fuzzInput(iterationSeed);
    const started = performance.now();
    try {
      convertEverything(bytes);
    } catch (error) {
      const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      failures.push({ seed: iterationSeed, input, steps, error: text, bytes });
    }
    const ms = performance.now() - started;
    if (ms > slowest.ms) slowest = { ms, seed: iterationSeed };
  }
  return { failures, slowest };
}

import { describe, expect, it } from 'vitest';
import { convert } from '../src/pipeline/convert.js';
import { FlashcutError } from '../src/errors.js';
import { intelHex } from '../src/write/hex.js';
import { motorolaSrec } from '../src/write/srec.js';
import { readInput } from '../src/read/read-input.js';
import { imageOf } from './helpers/images.js';
import { seededRandom } from './helpers/random.js';

/**
 * Seeded mutation of valid HEX and S-record files. The only allowed outcomes, for reading and
 * converting each mutant, are a result or one of flashcut's typed errors. Inputs stay a few
 * KiB, so each one is read in bounded time (timing itself is not asserted).
 */
const image = imageOf([[0x0800_0000, 300], [0x0800_fff0, 40], [0x0001_0000, 20], [0xffff_fff0, 16]], 5);
const seeds = {
  hex: Buffer.concat([...intelHex.write(image, { startAddress: 0x0800_0101, recordLength: 32 })]),
  srec: Buffer.concat([...motorolaSrec.write(image, { startAddress: 0x0800_0101 })]),
};

type Mutator = (bytes: Uint8Array, random: () => number) => Uint8Array;
const pick = (n: number, random: () => number) => Math.floor(random() * n);
const HEX_DIGITS = new TextEncoder().encode('0123456789ABCDEF');

/** Hex digit pairs of a record, changed and then given a correct checksum, so mutants get past it. */
function recordRewriter(kind: 'hex' | 'srec'): Mutator {
  return (bytes, random) => {
    const lines = Buffer.from(bytes).toString('latin1').split('\r\n');
    const index = pick(lines.length - 1, random);
    const line = lines[index] ?? '';
    const prefix = kind === 'hex' ? 1 : 2;
    const values = (line.slice(prefix).match(/../g) ?? []).map((h) => parseInt(h, 16));
    if (values.length < 2) return bytes;
    values[pick(values.length - 1, random)] = pick(256, random);
    if (random() < 0.3) values.splice(pick(values.length - 1, random), 0, pick(256, random));
    const body = values.slice(0, -1);
    const sum = body.reduce((a, b) => a + b, 0);
    const checksum = kind === 'hex' ? (256 - (sum % 256)) % 256 : 255 - (sum % 256);
    const digits = [...body, checksum].map((v) => v.toString(16).toUpperCase().padStart(2, '0')).join('');
    lines[index] = (kind === 'srec' && random() < 0.2 ? `S${pick(10, random)}` : line.slice(0, prefix)) + digits;
    return new TextEncoder().encode(lines.join('\r\n'));
  };
}

const byteMutators: Mutator[] = [
  (b, r) => Uint8Array.from(b, (x, i) => (i === pick(b.length, r) ? pick(256, r) : x)),
  (b, r) => Uint8Array.from(b, (x, i) => (i === pick(b.length, r) ? (HEX_DIGITS[pick(16, r)] as number) : x)),
  (b, r) => b.subarray(0, pick(b.length, r)),
  (b, r) => {
    const at = pick(b.length, r);
    return Uint8Array.from([...b.subarray(0, at), ...b.subarray(at + 1 + pick(40, r))]);
  },
  (b, r) => {
    const from = pick(b.length, r);
    const to = pick(b.length, r);
    return Uint8Array.from([...b.subarray(0, to), ...b.subarray(from, from + pick(200, r)), ...b.subarray(to)]);
  },
];

describe.each(['hex', 'srec'] as const)('mutated %s input', (kind) => {
  it('reads and converts, or throws a typed error, for 3000 seeded mutants', () => {
    const random = seededRandom(kind === 'hex' ? 0x5eed : 0xbead);
    const mutators = [...byteMutators, recordRewriter(kind), recordRewriter(kind)];
    const outcomes = { converted: 0, typed: 0 };
    for (let i = 0; i < 3000; i++) {
      let bytes: Uint8Array = seeds[kind];
      for (let n = 1 + pick(3, random); n > 0; n--) bytes = mutators[pick(mutators.length, random)]!(bytes, random);
      try {
        const input = readInput(bytes, { name: `mutant-${i}`, format: kind });
        convert(input, { format: i % 2 === 0 ? 'hex' : 'srec' });
        outcomes.converted++;
      } catch (error) {
        if (!(error instanceof FlashcutError)) throw new Error(`mutant ${i}: ${String(error)}\n${Buffer.from(bytes).toString('latin1')}`);
        outcomes.typed++;
      }
    }
    // Both outcomes occur, so the mutants reach past the first check and the loop tests something.
    expect(outcomes.converted).toBeGreaterThan(100);
    expect(outcomes.typed).toBeGreaterThan(100);
  });
});

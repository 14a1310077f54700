/**
 * Seeded mutations of ELF32 files: truncations, bit flips, byte runs, and header fields of
 * the file header, a program header or a section header set to the values that break
 * readers (0, 1, all ones, the file size, offsets into the header itself, huge counts).
 */
import { Random } from '../helpers/random.js';

/** [offset, size] of every ELF32 file header field after e_ident, and the e_ident bytes that matter. */
const HEADER_FIELDS: readonly (readonly [number, 1 | 2 | 4])[] = [
  [4, 1], [5, 1], [6, 1],
  [16, 2], [18, 2], [20, 4], [24, 4], [28, 4], [32, 4], [36, 4], [40, 2], [42, 2], [44, 2], [46, 2], [48, 2], [50, 2],
];
const PHDR_FIELDS = [0, 4, 8, 12, 16, 20, 24, 28];
const SHDR_FIELDS = [0, 4, 8, 12, 16, 20, 24, 28, 32, 36];

/** A named mutation, so that a failure says what was done to the file. */
export interface Mutation {
  readonly name: string;
  readonly apply: (bytes: Uint8Array) => Uint8Array;
}

/** Reads what a field writer needs from a file that may already be mangled. */
function layoutOf(bytes: Uint8Array) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = bytes[5] !== 2;
  const u16 = (o: number) => (o + 2 <= bytes.length ? view.getUint16(o, le) : 0);
  const u32 = (o: number) => (o + 4 <= bytes.length ? view.getUint32(o, le) : 0);
  return { view, le, phoff: u32(28), shoff: u32(32), phnum: u16(44), shnum: u16(48) };
}

function interestingValue(rng: Random, size: 1 | 2 | 4, bytes: Uint8Array, fieldAt: number): number {
  const max = size === 1 ? 0xff : size === 2 ? 0xffff : 0xffff_ffff;
  const candidates = [0, 1, 2, max, max - 1, 0x7fff_ffff, 0x8000_0000, bytes.length, bytes.length - 1, bytes.length + 1, fieldAt, 52, 32, 40, 0xfeff, rng.u32()];
  return (rng.pick(candidates) >>> 0) % (max + 1);
}

function writeField(bytes: Uint8Array, at: number, size: 1 | 2 | 4, value: number): Uint8Array {
  if (at + size > bytes.length) return bytes;
  const copy = new Uint8Array(bytes);
  const { view, le } = layoutOf(copy);
  if (size === 1) view.setUint8(at, value);
  else if (size === 2) view.setUint16(at, value, le);
  else view.setUint32(at, value, le);
  return copy;
}

/** One random mutation. */
export function randomMutation(rng: Random): Mutation {
  switch (rng.int(0, 7)) {
    case 0: {
      const fraction = rng.u32() / 0x1_0000_0000;
      return { name: `truncate to ${(fraction * 100).toFixed(1)}%`, apply: (b) => b.subarray(0, Math.floor(b.length * fraction)) };
    }
    case 1: {
      const where = rng.u32();
      const bit = rng.int(0, 7);
      return { name: `flip bit ${bit} of byte ${where} mod size`, apply: (b) => flip(b, where % Math.max(b.length, 1), bit) };
    }
    case 2: {
      const where = rng.u32();
      const length = rng.int(1, 16);
      const value = rng.int(0, 255);
      return {
        name: `fill ${length} bytes at ${where} mod size with ${value}`,
        apply: (b) => {
          const copy = new Uint8Array(b);
          if (b.length > 0) copy.fill(value, where % b.length, (where % b.length) + length);
          return copy;
        },
      };
    }
    case 3:
    case 4: {
      const [at, size] = rng.pick(HEADER_FIELDS);
      const valueSeed = rng.u32();
      return {
        name: `file header field at ${at} = interesting value #${valueSeed % 16}`,
        apply: (b) => writeField(b, at, size, interestingValue(new Random(valueSeed), size, b, at)),
      };
    }
    case 5:
      return tableFieldMutation(rng, 'program header', PHDR_FIELDS, 32, (l) => [l.phoff, l.phnum]);
    case 6:
      return tableFieldMutation(rng, 'section header', SHDR_FIELDS, 40, (l) => [l.shoff, l.shnum]);
    default: {
      // The extended-count escapes: the real counts then come from section header 0.
      const which = rng.pick([44, 48, 50] as const);
      const huge = rng.pick([0xffff_ffff, 0x7fff_ffff, 0x10000, 0xffff, 0]);
      return {
        name: `${which === 44 ? 'e_phnum' : which === 48 ? 'e_shnum' : 'e_shstrndx'} escape with section 0 value ${huge}`,
        apply: (b) => {
          const { shoff } = layoutOf(b);
          const field = which === 44 ? 28 : which === 48 ? 20 : 24;
          return writeField(writeField(b, which, 2, which === 48 ? 0 : 0xffff), shoff + field, 4, huge);
        },
      };
    }
  }
}

/** A field of one entry of the program or section header table set to an interesting value. */
function tableFieldMutation(
  rng: Random,
  table: string,
  fields: readonly number[],
  entrySize: number,
  where: (layout: ReturnType<typeof layoutOf>) => [offset: number, entries: number],
): Mutation {
  const entry = rng.u32();
  const field = rng.pick(fields);
  const valueSeed = rng.u32();
  return {
    name: `${table} (${entry} mod count) field +${field}`,
    apply: (b) => {
      const [offset, entries] = where(layoutOf(b));
      const at = offset + (entry % Math.max(entries, 1)) * entrySize + field;
      return writeField(b, at, 4, interestingValue(new Random(valueSeed), 4, b, at));
    },
  };
}

function flip(bytes: Uint8Array, at: number, bit: number): Uint8Array {
  const copy = new Uint8Array(bytes);
  if (at < copy.length) copy[at] = (copy[at] as number) ^ (1 << bit);
  return copy;
}

/** One to four random mutations applied in turn. */
export function mutate(input: Uint8Array, rng: Random): { bytes: Uint8Array; steps: string[] } {
  let bytes = input;
  const steps: string[] = [];
  for (let i = rng.int(1, 4); i > 0; i--) {
    const m = randomMutation(rng);
    bytes = m.apply(bytes);
    steps.push(m.name);
  }
  return { bytes, steps };
}

/**
 * Overlapping pieces written four ways (records of one Intel HEX file, of one S-record file,
 * segments of one ELF, separate input files) and a brute-force address map to check the
 * conversion against: every byte at its address, and the lowest address where two sources
 * disagree. Shared by the overlap table test and its fuzz target.
 */
import { planConversion } from '../../src/pipeline/convert.js';
import { LayoutError } from '../../src/errors.js';
import { parseRegion } from '../../src/config/option-syntax.js';
import type { FirmwareInput } from '../../src/read/input.js';
import { readInput } from '../../src/read/read-input.js';
import { buildElf } from './elf-builder.js';

/** Bytes at an offset from BASE. Offsets stay below 64 KiB so one HEX 04 record covers them. */
export interface Piece {
  readonly offset: number;
  readonly bytes: readonly number[];
}

export const BASE = 0x0800_0000;
export const CONTAINERS = ['hex', 'srec', 'elf', 'inputs'] as const;
export type Container = (typeof CONTAINERS)[number];

const text = (lines: readonly string[]) => new TextEncoder().encode(lines.join('\n') + '\n');
const hexes = (values: readonly number[]) => values.map((v) => v.toString(16).toUpperCase().padStart(2, '0')).join('');

function hexRecord(type: number, offset: number, data: readonly number[]): string {
  const values = [data.length, Math.floor(offset / 256), offset % 256, type, ...data];
  return ':' + hexes([...values, (256 - (values.reduce((a, b) => a + b, 0) % 256)) % 256]);
}

function s3Record(address: number, data: readonly number[]): string {
  const values = [5 + data.length, ...[24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256), ...data];
  return 'S3' + hexes([...values, 255 - (values.reduce((a, b) => a + b, 0) % 256)]);
}

const hexFile = (pieces: readonly Piece[]) =>
  text([hexRecord(4, 0, [0x08, 0x00]), ...pieces.map((p) => hexRecord(0, p.offset, p.bytes)), ':00000001FF']);
const elfFile = (pieces: readonly Piece[]) => buildElf({ segments: pieces.map((p) => ({ paddr: BASE + p.offset, data: Uint8Array.from(p.bytes) })) });

/** The inputs holding `pieces` in `container`, and the origin the conversion should name for each piece. */
export function render(pieces: readonly Piece[], container: Container): { inputs: FirmwareInput[]; origins: string[] } {
  switch (container) {
    case 'hex':
      return { inputs: [readInput(hexFile(pieces), { name: 'a.hex' })], origins: pieces.map((_, i) => `a.hex:${i + 2}`) };
    case 'srec':
      return { inputs: [readInput(text([...pieces.map((p) => s3Record(BASE + p.offset, p.bytes)), 'S70500000000FA']), { name: 'a.srec' })], origins: pieces.map((_, i) => `a.srec:${i + 1}`) };
    case 'elf':
      return { inputs: [readInput(elfFile(pieces), { name: 'a.elf' })], origins: pieces.map((_, i) => `segment ${i} (.seg${i})`) };
    case 'inputs': {
      // Alternating ELF and HEX files, one piece each.
      const inputs = pieces.map((p, i) => (i % 2 === 0 ? readInput(elfFile([p]), { name: `in${i}.elf` }) : readInput(hexFile([p]), { name: `in${i}.hex` })));
      return { inputs, origins: pieces.map((_, i) => (i % 2 === 0 ? `in${i}.elf segment 0 (.seg0)` : `in${i}.hex:2`)) };
    }
  }
}

/** What a correct conversion does with the pieces, worked out one address at a time. */
export function bruteForce(pieces: readonly Piece[], origins: readonly string[]): { bytes: Map<number, number>; conflict?: { address: number; between: Map<string, number> } } {
  const sources = new Map<number, Map<string, number>>();
  pieces.forEach((p, i) =>
    p.bytes.forEach((b, k) => {
      const address = BASE + p.offset + k;
      const at = sources.get(address) ?? new Map<string, number>();
      at.set(origins[i] as string, b);
      sources.set(address, at);
    }),
  );
  const bytes = new Map<number, number>();
  let conflict: { address: number; between: Map<string, number> } | undefined;
  for (const [address, at] of [...sources].sort((a, b) => a[0] - b[0])) {
    if (new Set(at.values()).size > 1) {
      conflict ??= { address, between: at };
    } else {
      bytes.set(address, [...at.values()][0] as number);
    }
  }
  return conflict ? { bytes, conflict } : { bytes };
}

const CONFLICT = /^(.+) and (.+) put different bytes at 0x([0-9A-F]{8}) \(0x([0-9A-F]{2}) and 0x([0-9A-F]{2})\)$/;
/** The shape with a record file's line as the error's place: `different bytes at ADDR: X here, Y at OTHER`. */
const PLACED_CONFLICT = /^different bytes at 0x([0-9A-F]{8}): 0x([0-9A-F]{2}) here, 0x([0-9A-F]{2}) at (.+)$/;

/** Both sources, the address and both bytes an overlap error names, whichever shape it has. */
function conflictOf(error: LayoutError): string[] | undefined {
  const placed = PLACED_CONFLICT.exec(error.message);
  if (placed) return [`${error.file}:${error.line}`, placed[4] as string, placed[1] as string, placed[2] as string, placed[3] as string];
  return CONFLICT.exec(error.message)?.slice(1);
}

/**
 * Converts the pieces in `container` and compares with the brute-force map; returns what
 * differs (undefined when the conversion is right): the image must equal the map, or the
 * conversion must refuse with the lowest conflicting address and two sources that disagree there.
 */
export function checkOverlap(pieces: readonly Piece[], container: Container): string | undefined {
  const { inputs, origins } = render(pieces, container);
  const expected = bruteForce(pieces, origins);
  let image;
  try {
    image = planConversion(inputs, { windows: [parseRegion('FLASH=0x08000000:1M')] }).image;
  } catch (error) {
    if (!(error instanceof LayoutError)) return `threw ${String(error)}`;
    if (!expected.conflict) return `refused bytes that agree: ${error.message}`;
    const match = conflictOf(error);
    if (!match) return `unexpected message: ${error.message}`;
    const [first, second, address, x, y] = match;
    const at = expected.conflict.address;
    if (Number.parseInt(address as string, 16) !== at) return `named ${address}, the lowest conflict is at ${at.toString(16)}: ${error.message}`;
    const between = expected.conflict.between;
    if (between.get(first as string) !== Number.parseInt(x as string, 16) || between.get(second as string) !== Number.parseInt(y as string, 16)) {
      return `named sources or bytes that are not the ones at ${at.toString(16)} (${[...between].join(' ')}): ${error.message}`;
    }
    return undefined;
  }
  if (expected.conflict) return `accepted different bytes at ${expected.conflict.address.toString(16)}`;
  const actual = new Map<number, number>();
  for (const chunk of image.chunks) chunk.bytes.forEach((b, k) => actual.set(chunk.address + k, b));
  const wrong = [...new Set([...actual.keys(), ...expected.bytes.keys()])].find((a) => actual.get(a) !== expected.bytes.get(a));
  return wrong === undefined ? undefined : `byte at ${wrong.toString(16)} is ${actual.get(wrong)}, expected ${expected.bytes.get(wrong)}`;
}

import { FormatError } from '../errors.js';
import { DIGIT_VALUE, NOT_A_DIGIT } from '../hex-digits.js';
import { hex8 } from '../numbers.js';
import type { ByteSource } from '../byte-source.js';

/**
 * One line of a text record file: `bytes` [start, end) without its line end, where `bytes` is
 * the block of the file that holds the line, and its byte 0 is byte `base` of the file;
 * `number` is 1-based.
 */
export interface RecordLine {
  readonly number: number;
  readonly bytes: Uint8Array;
  readonly base: number;
  readonly start: number;
  readonly end: number;
}

/** How much of the file is read at a time: the text is never held whole. */
const BLOCK = 1024 * 1024;

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;

/**
 * The lines of a text record file, split at LF with a CR before it and trailing spaces or
 * tabs left out; empty lines are skipped. Works on the bytes, never on a decoded string, and
 * reads the file a block at a time (a line that runs past a block is read again from its
 * start, in a larger block when it is longer than one).
 */
export function* recordLines(source: ByteSource): Generator<RecordLine> {
  let number = 0;
  let base = 0;
  // One block buffer for the whole file: a line is used before the next block is read.
  let scratch = new Uint8Array(Math.min(BLOCK, source.size));
  let bytes = source.read(0, scratch.length, scratch);
  for (let start = 0; base + start < source.size; ) {
    number++;
    let next = bytes.indexOf(LF, start);
    while (next < 0 && base + bytes.length < source.size) {
      const searched = bytes.length - start;
      base += start;
      const length = Math.min(Math.max(BLOCK, 2 * searched), source.size - base);
      // The line is read again from its start, into the same buffer: nothing else of the old block is needed.
      if (length > scratch.length) scratch = new Uint8Array(length);
      bytes = source.read(base, length, scratch);
      start = 0;
      next = bytes.indexOf(LF, searched);
    }
    if (next < 0) next = bytes.length;
    let end = next;
    while (end > start && (bytes[end - 1] === CR || bytes[end - 1] === SPACE || bytes[end - 1] === TAB)) end--;
    if (end > start) yield { number, bytes, base, start, end };
    start = next + 1;
  }
}

/**
 * Decodes the hex digit pairs of `line` from byte `from` of its block on into `into` and returns how many
 * bytes it decoded. Throws FormatError (with the line) for a character that is not a hex
 * digit, an odd number of digits, or more bytes than `into` holds (`what` names the record).
 */
export function decodeHexPairs(line: RecordLine, from: number, into: Uint8Array, what: string): number {
  const bytes = line.bytes;
  const digits = line.end - from;
  for (let at = from; at < line.end; at++) {
    if (DIGIT_VALUE[bytes[at] as number] === NOT_A_DIGIT) {
      throw new FormatError(`${what}: ${describeCharacter(bytes[at] as number)} in column ${at - line.start + 1} is not a hex digit`, line.base + at, { line: line.number, column: at - line.start + 1 });
    }
  }
  if (digits % 2 !== 0) throw recordError(line, `${what}: odd number of hex digits (${digits}): the record is cut short or has a stray digit`);
  if (digits / 2 > into.length) throw recordError(line, `${what}: ${digits / 2} bytes, longer than any valid record`);
  for (let i = 0, at = from; at < line.end; i++, at += 2) {
    into[i] = (DIGIT_VALUE[bytes[at] as number] as number) * 16 + (DIGIT_VALUE[bytes[at + 1] as number] as number);
  }
  return digits / 2;
}

/** `'G'` or `byte 0x00`, for error messages. */
export function describeCharacter(byte: number): string {
  return byte > 0x20 && byte < 0x7f ? `'${String.fromCharCode(byte)}'` : `byte ${hex8(byte)}`;
}

/**
 * A FormatError for a record whose checksum (its last byte, `found`) is not the `expected` one,
 * placed at the column of the checksum's two digits, the last on the line.
 */
export function checksumError(line: RecordLine, found: number, expected: number): FormatError {
  const at = line.end - 2;
  return new FormatError(`checksum ${hex8(found)} is wrong: the record's bytes need ${hex8(expected)}`, line.base + at, { line: line.number, column: at - line.start + 1 });
}

/** A FormatError about the record on `line`, for the CLI to show as `file:line`. */
export function recordError(line: RecordLine, message: string): FormatError {
  return new FormatError(message, line.base + line.start, { line: line.number });
}

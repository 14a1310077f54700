/**
 * Numbers as users and linker scripts write them, and addresses as flashcut prints them.
 * Addresses are plain non-negative numbers below 2^32; no bitwise operators touch them,
 * since JavaScript's `<<`, `&` and `|` turn 0x80000000 and up into negative numbers.
 */

import { UsageError } from './errors.js';

/** One past the highest 32-bit address. */
export const ADDRESS_SPACE_END = 0x1_0000_0000;

const NUMBER_PATTERN = /^(0[xX][0-9a-fA-F]+|[0-9]+)([kKmM]?)$/;

/**
 * Parses `0x08000000`, `65280`, `512K` or `1M` (K = 1024, M = 1024 * 1024).
 * Plain digits are decimal, but a leading zero without 0x (`08000000`) is refused as ambiguous.
 * Throws UsageError naming `what` on anything else.
 */
export function parseNumber(text: string, what: string): number {
  refuseLeadingZero(text.trim(), text.trim(), what);
  const match = NUMBER_PATTERN.exec(text.trim());
  if (!match) {
    throw new UsageError(`${what}: '${text}' is not a number (use hex 0x..., decimal, or a K/M suffix)`);
  }
  const digits = match[1] ?? '';
  const suffix = (match[2] ?? '').toUpperCase();
  const base = digits.startsWith('0x') || digits.startsWith('0X') ? Number.parseInt(digits.slice(2), 16) : Number.parseInt(digits, 10);
  const value = base * (suffix === 'K' ? 1024 : suffix === 'M' ? 1024 * 1024 : 1);
  if (!Number.isSafeInteger(value)) {
    throw new UsageError(`${what}: '${text}' is too large`);
  }
  return value;
}

/**
 * Throws UsageError when `digits`, a number written inside `whole` (`FLASH=08000000:64K`), starts
 * with a zero and no 0x: people mean hex there (objcopy and C would even read octal), while plain
 * digits are decimal. The message gives `whole` written both ways.
 */
export function refuseLeadingZero(digits: string, whole: string, what: string): void {
  const number = /^0+([0-9]+)([kKmM]?)$/.exec(digits);
  if (!number) return;
  const at = whole.lastIndexOf(digits);
  const written = (replacement: string) => `${whole.slice(0, at)}${replacement}${whole.slice(at + digits.length)}`;
  throw new UsageError(
    `${what}: ${digits} has a leading zero but no 0x, so it could be hex or decimal: write ${written(`0x${digits}`)} for hex, or ${written(`${number[1]}${number[2]}`)} for decimal`,
  );
}

/** Parses an address: a number below 2^32. */
export function parseAddress(text: string, what: string): number {
  const value = parseNumber(text, what);
  if (value >= ADDRESS_SPACE_END) {
    throw new UsageError(`${what}: '${text}' is beyond the 32-bit address space`);
  }
  return value;
}

/** `0x0800FF00`: upper-case, eight digits, the way addresses appear in flashcut's output. */
export function hex32(value: number): string {
  return '0x' + value.toString(16).toUpperCase().padStart(8, '0');
}

/** `0x0A`: a byte value, upper-case, two digits. */
export function hex8(value: number): string {
  return '0x' + value.toString(16).toUpperCase().padStart(2, '0');
}

/** `0x1F`: upper-case hex with no padding, for sizes and offsets. */
export function hex(value: number): string {
  return '0x' + value.toString(16).toUpperCase();
}

/** `65,280`: a byte count with thousands separators, independent of the locale. */
export function count(value: number): string {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Describes the half-open range [start, end) as `0x08000000-0x080000DF` (inclusive end, as in a map file). */
export function rangeText(start: number, end: number): string {
  return end > start ? `${hex32(start)}-${hex32(end - 1)}` : `${hex32(start)} (empty)`;
}

/** How many names a message lists before it counts the rest (a dsPIC ELF has 200 vector sections). */
const NAMES_SHOWN = 6;

/** `.text .data` or `.ivt._T1 .ivt._T2 ... and 194 more`: a few names, so that a message stays one readable line. */
export function fewNames(names: readonly string[], shown = NAMES_SHOWN): string {
  if (names.length <= shown) return names.join(' ');
  return `${names.slice(0, shown).join(' ')} and ${count(names.length - shown)} more`;
}

/** Hex digits as ASCII bytes, both ways, for the text record formats (Intel HEX, S-record). */

const DIGITS = new TextEncoder().encode('0123456789ABCDEF');

/** ASCII of the high hex digit of every byte value (upper case). */
export const HIGH_DIGIT = Uint8Array.from({ length: 256 }, (_, b) => DIGITS[Math.floor(b / 16)] ?? 0);
/** ASCII of the low hex digit of every byte value (upper case). */
export const LOW_DIGIT = Uint8Array.from({ length: 256 }, (_, b) => DIGITS[b % 16] ?? 0);

/** What DIGIT_VALUE holds for a byte that is not a hex digit. */
export const NOT_A_DIGIT = 0xff;

/** Value 0..15 of every ASCII hex digit, either case; NOT_A_DIGIT for any other byte. */
export const DIGIT_VALUE = Uint8Array.from({ length: 256 }, (_, c) => {
  const text = String.fromCharCode(c);
  return /^[0-9A-Fa-f]$/.test(text) ? Number.parseInt(text, 16) : NOT_A_DIGIT;
});

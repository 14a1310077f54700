import { UsageError } from '../errors.js';
import { crc32 } from './crc32.js';

/**
 * Checksums a firmware can verify itself against. CRC arithmetic is on unsigned 32-bit values:
 * bitwise operators are the natural tool here, with `>>> 0` bringing results back to unsigned.
 */
export interface ChecksumAlgorithm {
  readonly name: string;
  readonly description: string;
  /** The input length must be a multiple of this (the STM32 CRC unit is fed 32-bit words). */
  readonly unit: 1 | 4;
  compute(bytes: Uint8Array): number;
}

/** The MSB-first table of polynomial 0x04C11DB7, for the STM32 CRC unit. */
const CRC32_MSB_TABLE = Uint32Array.from({ length: 256 }, (_, byte) => {
  let c = byte << 24;
  for (let k = 0; k < 8; k++) c = c & 0x8000_0000 ? (c << 1) ^ 0x04c11db7 : c << 1;
  return c >>> 0;
});

/**
 * The STM32 CRC unit with its reset settings: polynomial 0x04C11DB7, initial 0xFFFFFFFF, fed
 * 32-bit little-endian words most significant bit first, no reflection, no final XOR.
 */
export function crc32Stm32(bytes: Uint8Array): number {
  if (bytes.length % 4 !== 0) throw new UsageError(`crc32-stm32 is fed 32-bit words: ${bytes.length} bytes is not a multiple of 4`);
  let c = 0xffff_ffff;
  for (let i = 0; i < bytes.length; i += 4) {
    // The word's most significant byte, the last in memory, goes in first.
    for (let k = 3; k >= 0; k--) c = ((c << 8) ^ (CRC32_MSB_TABLE[((c >>> 24) ^ (bytes[i + k] as number)) & 0xff] as number)) >>> 0;
  }
  return c;
}

/** The sum of all bytes, modulo 2^32. */
export function sum32(bytes: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i++) sum = (sum + (bytes[i] as number)) % 0x1_0000_0000;
  return sum;
}

export const checksumAlgorithms: Readonly<Record<string, ChecksumAlgorithm>> = {
  crc32: { name: 'crc32', description: 'CRC-32 (IEEE 802.3, as zlib)', unit: 1, compute: (bytes) => crc32(bytes) },
  'crc32-stm32': { name: 'crc32-stm32', description: 'STM32 CRC unit defaults (0x04C11DB7, 32-bit words)', unit: 4, compute: crc32Stm32 },
  sum32: { name: 'sum32', description: 'sum of the bytes modulo 2^32', unit: 1, compute: sum32 },
};

/** The algorithm called `name`; throws UsageError for an unknown one. */
export function checksumByName(name: string): ChecksumAlgorithm {
  const algorithm = checksumAlgorithms[name.toLowerCase()];
  if (!algorithm) throw new UsageError(`unknown checksum '${name}' (known: ${Object.keys(checksumAlgorithms).join(', ')})`);
  return algorithm;
}

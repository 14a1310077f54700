import type { Selection } from '../select/select.js';
import type { InsertedChecksum } from '../transform/insert-checksum.js';
import { hex32, hex8 } from '../numbers.js';
import type { Finding } from './types.js';

/**
 * Checksums written over bytes of this input that were not a placeholder: a place the firmware
 * reserves is erased (all 0xFF) or zero, so any other 4 bytes were probably code or data, which
 * the checksum now replaces. A warning, so that --strict refuses it.
 */
export function checksumOverData(selection: Selection, checksums: readonly InsertedChecksum[]): Finding[] {
  return checksums
    .filter((c) => selection.image.bytesIn(c.address, c.address + 4) > 0 && !isPlaceholder(c.replaced))
    .map((c) => {
      const replaced = c.replaced.map(hex8).join(' ');
      return {
        code: 'checksum-over-data',
        severity: 'warning',
        summary: `the ${c.algorithm} at ${hex32(c.address)} replaced ${replaced}, which is neither erased (0xFF) nor zero`,
        message:
          `The ${c.algorithm} checksum is written at ${hex32(c.address)}, over the bytes ${replaced} of the input: a place the firmware ` +
          'reserves for it holds 0xFF (erased) or 0x00, so these were probably code or data, and the image no longer holds them.',
        fix: 'reserve 4 bytes for the checksum in the linker script (e.g. a section or symbol filled with 0xFF) and name that place, or give another address',
        address: c.address,
      };
    });
}

function isPlaceholder(bytes: readonly number[]): boolean {
  return bytes.every((b) => b === 0xff) || bytes.every((b) => b === 0);
}

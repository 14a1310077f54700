import { UsageError } from '../errors.js';
import { ADDRESS_SPACE_END } from '../numbers.js';

/** A flash window: the half-open address range [start, end) that a programmer can write. */
export interface FlashWindow {
  /** FLASH, IDFLASH, ...; an unnamed window is called by its origin, e.g. `0x08000000`. */
  readonly name: string;
  readonly start: number;
  /** One past the last address; at most 2^32. */
  readonly end: number;
  /** Where the window came from, for the report: `--region`, `default for ARM`, ... */
  readonly source: string;
}

/** The Cortex-M code region (ARMv7-M/ARMv8-M memory map), where every on-chip flash lives. */
export const CORTEX_M_CODE_REGION: FlashWindow = {
  name: 'CODE',
  start: 0x0000_0000,
  end: 0x2000_0000,
  source: 'default for ARM: the Cortex-M code region',
};

/** The whole 32-bit address space: the default window of HEX, S-record and BIN inputs, which are flash images already. */
export const WHOLE_ADDRESS_SPACE: FlashWindow = {
  name: 'ALL',
  start: 0,
  end: ADDRESS_SPACE_END,
  source: 'default for HEX, S-record and BIN input: the whole 32-bit address space',
};

/**
 * Throws UsageError when two windows share a name, ignoring case (`--split` names files after
 * them, and Windows and macOS file systems ignore case).
 */
export function checkWindowNames(windows: readonly FlashWindow[]): void {
  const seen = new Map<string, FlashWindow>();
  for (const w of windows) {
    const other = seen.get(w.name.toLowerCase());
    if (other) throw new UsageError(`two flash windows are called ${other.name === w.name ? w.name : `${other.name} and ${w.name}`}: give each its own name`);
    seen.set(w.name.toLowerCase(), w);
  }
}


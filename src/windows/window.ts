import { UsageError } from '../errors.js';
import { ADDRESS_SPACE_END, hex32, parseAddress, parseNumber, refuseLeadingZero } from '../numbers.js';

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

const REGION_PATTERN = /^(?:([A-Za-z_.][\w.$-]*)=)?([^:=]+):([^:=]+)$/;

/**
 * Parses `--region [NAME=]ORIGIN:LENGTH`, e.g. `FLASH=0x08000000:0xFF00` or `0x08000000:512K`.
 * Throws UsageError when the text is malformed, the length is zero, or the window would
 * run past the 32-bit address space.
 */
export function parseRegion(text: string, source = '--region'): FlashWindow {
  const match = REGION_PATTERN.exec(text.trim());
  if (!match) {
    throw new UsageError(`${source} '${text}': expected [NAME=]ORIGIN:LENGTH, e.g. FLASH=0x08000000:512K`);
  }
  refuseLeadingZero(match[2] ?? '', text.trim(), `${source} ${text}`);
  refuseLeadingZero(match[3] ?? '', text.trim(), `${source} ${text}`);
  const start = parseAddress(match[2] ?? '', `${source} '${text}' origin`);
  const length = parseNumber(match[3] ?? '', `${source} '${text}' length`);
  if (length === 0) throw new UsageError(`${source} '${text}': the length is zero`);
  if (start + length > ADDRESS_SPACE_END) {
    throw new UsageError(`${source} '${text}': ${hex32(start)} + ${length} bytes runs past the 32-bit address space`);
  }
  return { name: match[1] ?? hex32(start), start, end: start + length, source };
}

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


/**
 * What flashcut has to say about an ELF and its flash windows: findings with stable codes,
 * so that a CI job can match on them (`--json`) and a person can act on them (the report).
 */

/**
 * Stable finding codes; `--json` carries them and the README lists them. Add codes, never rename one.
 */
export type FindingCode =
  | 'load-outside-windows'
  | 'ram-section-without-at'
  | 'headers-in-segment'
  | 'segment-overlap'
  | 'straddles-window-edge'
  | 'unaligned-load-address'
  | 'initial-sp-not-in-ram'
  | 'reset-vector-not-in-flash'
  | 'reset-vector-no-thumb-bit'
  | 'entry-outside-flash'
  | 'vector-table-not-found'
  | 'default-window-spans-areas'
  | 'may-be-ram'
  | 'image-bytes-in-ram'
  | 'checksum-over-data';

/**
 * - `error`: the firmware as programmed will not work (code or data missing, a vector that cannot boot);
 * - `warning`: the ELF is not what a flash-only tool expects, though the image flashcut writes may be fine;
 * - `info`: something the checks could not decide, said rather than guessed (no vector table found with confidence).
 * `--strict` fails on errors and warnings.
 */
export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  readonly code: FindingCode;
  readonly severity: Severity;
  /** One line for the conversion summary. */
  readonly summary: string;
  /** The whole story in plain language: what, where, and why it matters. */
  readonly message: string;
  /** The likely change, usually in the linker script. */
  readonly fix: string;
  /** Program header index, where one segment is concerned. */
  readonly segment?: number;
  /** Section names concerned, in address order. */
  readonly sections?: readonly string[];
  /** The address concerned (a load address unless the message says otherwise). */
  readonly address?: number;
}

/** A named address range [start, end), such as a RAM region of a linker script's MEMORY block. */
export interface RamRegion {
  readonly name: string;
  readonly start: number;
  /** One past the last address. */
  readonly end: number;
  /** Where the region came from, for the report. */
  readonly source: string;
}

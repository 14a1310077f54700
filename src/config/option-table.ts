/**
 * Every setting of flashcut, declared once: its command-line flag, value type, choices, default,
 * help text and help group, the commands that take it, its key in the project configuration and
 * the library option (ConvertOptions field) it feeds. The yargs setup, the settings types, the
 * configuration's validation and JSON schema, and the help groups are all made from this table;
 * adding an option means adding a row.
 */

import { formatNames } from '../write/registry.js';

/** How a value is written: one text, a number, a switch, or a repeatable text (`-r A -r B`). */
export type OptionType = 'string' | 'number' | 'boolean' | 'list';

export type CommandName = 'convert' | 'inspect';

/** Help groups, in the order --help and the README show them. */
export const OPTION_GROUPS = ['Windows', 'Inputs', 'Formats', 'Transforms', 'Reporting'] as const;
export type OptionGroup = (typeof OPTION_GROUPS)[number];

export interface OptionSpec {
  /** The long flag without dashes, `record-length`; its camel-case form names the setting. */
  readonly name: string;
  /** One-letter short flag. */
  readonly alias?: string;
  readonly type: OptionType;
  /** Allowed values, matched without regard to case. */
  readonly choices?: readonly string[];
  /** Applied when neither the command line nor the configuration gives a value. */
  readonly default?: string | number | boolean;
  /** The default as --help shows it, when it is not a plain value (`from the output's extension`). */
  readonly defaultText?: string;
  /** The value's name in help (`FILE`, `ADDR`). */
  readonly value?: string;
  readonly help: string;
  readonly group: OptionGroup;
  readonly commands: readonly CommandName[];
  /** `--no-NAME` turns the setting off (false), as `--no-config`. */
  readonly negatable?: boolean;
  /** Key in flashcut.config.json / package.json "flashcut"; absent: command line only. */
  readonly configKey?: string;
  /** In the configuration, a path relative to the configuration's folder. */
  readonly configPath?: boolean;
  /** In the configuration, a number may stand for the text (`"fill": 255`). */
  readonly configNumber?: boolean;
  /** In the configuration, a list of values (all outputs are written), though the flag takes one. */
  readonly configList?: boolean;
  /** The ConvertOptions (or window source) field this option feeds, for messages of the core. */
  readonly apiField?: string;
}

const BOTH = ['convert', 'inspect'] as const;
const CONVERT = ['convert'] as const;
const INSPECT = ['inspect'] as const;

/** The table. Keep it in the order of the help groups. */
export const OPTIONS = [
  // Windows
  {
    name: 'region', alias: 'r', type: 'list', value: '[NAME=]ORIGIN:LENGTH', group: 'Windows', commands: BOTH, configKey: 'windows', apiField: 'windows',
    help: 'a flash window, repeatable (FLASH=0x08000000:512K)',
  },
  {
    name: 'ld', type: 'string', value: 'SCRIPT', group: 'Windows', commands: BOTH, configKey: 'ld', configPath: true, apiField: 'linkerScript',
    help: 'windows from the MEMORY regions of this GNU ld script that have no w attribute',
  },
  {
    name: 'ld-region', type: 'list', value: 'NAMES', group: 'Windows', commands: BOTH, configKey: 'ldRegions', apiField: 'ldRegions',
    help: 'with --ld: take these regions instead (FLASH,IDFLASH; repeatable)',
  },
  {
    name: 'ld-path', type: 'list', value: 'DIR', group: 'Windows', commands: BOTH, configKey: 'ldPath', configPath: true,
    help: "with --ld: where INCLUDE looks after the script's own folder (ld's -L); repeatable",
  },
  {
    name: 'dfuse-layout', type: 'string', value: 'LAYOUT', group: 'Windows', commands: BOTH, configKey: 'dfuseLayout', apiField: 'dfuseLayout',
    help: 'windows from the writable sectors of a DfuSe layout ("@Internal Flash /0x08000000/04*016Kg,...")',
  },
  {
    name: 'config', type: 'string', value: 'FILE', group: 'Windows', commands: BOTH, negatable: true,
    defaultText: "found from the input's folder upward",
    help: 'project configuration file (flashcut.config.json, or package.json "flashcut"); --no-config: none',
  },
  // Inputs
  {
    name: 'input-format', type: 'string', choices: ['elf', 'hex', 'srec', 'bin'], group: 'Inputs', commands: BOTH,
    defaultText: 'from the content; bin for FILE@ADDRESS',
    help: 'input format',
  },
  {
    name: 'overlap', type: 'string', choices: ['error', 'replace', 'keep'], default: 'error', group: 'Inputs', commands: CONVERT, configKey: 'overlap', apiField: 'overlap',
    help: 'several inputs with different bytes at one address: refuse, the later wins, or the earlier',
  },
  // Formats
  {
    name: 'output', alias: 'o', type: 'string', value: 'FILE', group: 'Formats', commands: CONVERT, configKey: 'output', configPath: true, configList: true,
    help: "output file; '-' writes to standard output",
  },
  {
    name: 'format', alias: 'f', type: 'string', choices: formatNames(), value: 'NAME', group: 'Formats', commands: CONVERT, configKey: 'format', apiField: 'format',
    defaultText: "from the output's extension; hex for -o -",
    help: 'output format',
  },
  {
    name: 'record-length', type: 'number', value: 'N', default: 16, group: 'Formats', commands: CONVERT, configKey: 'recordLength', apiField: 'recordLength',
    help: 'HEX, S-record: data bytes per record (HEX 1..255, S3 1..250)',
  },
  {
    name: 'start-address', type: 'string', value: 'ADDR|none', group: 'Formats', commands: CONVERT, negatable: true, configKey: 'startAddress', configNumber: true, apiField: 'startAddress',
    defaultText: "the first input's",
    help: 'HEX, S-record: start address to write (05, S7/S8/S9 record), or none; --no-start-address: none',
  },
  {
    name: 'eol', type: 'string', choices: ['crlf', 'lf'], default: 'crlf', group: 'Formats', commands: CONVERT, configKey: 'eol', apiField: 'eol',
    help: 'HEX, S-record: line ends (CRLF, as objcopy and Intel write them)',
  },
  {
    name: 'srec-header', type: 'string', value: 'TEXT', group: 'Formats', commands: CONVERT, apiField: 'srecHeader',
    defaultText: 'flashcut',
    help: 'S-record: text of the S0 header',
  },
  {
    name: 'srec-type', type: 'string', choices: ['19', '28', '37'], group: 'Formats', commands: CONVERT, apiField: 'srecType',
    defaultText: 'by the highest address',
    help: 'S-record: force S1/S9, S2/S8 or S3/S7 records',
  },
  {
    name: 'base', type: 'string', value: 'ADDR', group: 'Formats', commands: CONVERT, apiField: 'base',
    defaultText: 'the lowest kept address',
    help: 'BIN: address of the first byte',
  },
  {
    name: 'pad-to', type: 'string', value: 'ADDR', group: 'Formats', commands: CONVERT, apiField: 'padTo',
    help: 'BIN: extend with fill up to this address',
  },
  {
    name: 'max-gap', type: 'string', value: 'SIZE', group: 'Formats', commands: CONVERT, apiField: 'maxGap',
    defaultText: '16M',
    help: 'BIN: refuse more fill than this between two ranges',
  },
  {
    name: 'split', type: 'boolean', default: false, group: 'Formats', commands: CONVERT, configKey: 'split', apiField: 'split',
    help: 'BIN: one file per window, named OUTPUT with the window name before the extension',
  },
  {
    name: 'dfu-alt', type: 'number', value: 'N', default: 0, group: 'Formats', commands: CONVERT, apiField: 'dfuAlt',
    help: 'DfuSe: alternate setting of the target',
  },
  {
    name: 'dfu-target-name', type: 'string', value: 'NAME', group: 'Formats', commands: CONVERT, apiField: 'dfuTargetName',
    defaultText: 'unnamed',
    help: 'DfuSe: target name',
  },
  {
    name: 'dfu-vid', type: 'string', value: 'ID', group: 'Formats', commands: CONVERT, apiField: 'dfuVendor',
    defaultText: '0x0483',
    help: 'DfuSe: idVendor of the suffix',
  },
  {
    name: 'dfu-pid', type: 'string', value: 'ID', group: 'Formats', commands: CONVERT, apiField: 'dfuProduct',
    defaultText: '0xDF11',
    help: 'DfuSe: idProduct of the suffix',
  },
  {
    name: 'dfu-device', type: 'string', value: 'BCD', group: 'Formats', commands: CONVERT, apiField: 'dfuDevice',
    defaultText: '0xFFFF',
    help: 'DfuSe: bcdDevice of the suffix',
  },
  {
    name: 'uf2-family', type: 'string', value: 'NAME|ID', group: 'Formats', commands: CONVERT, configKey: 'uf2Family', configNumber: true, apiField: 'uf2Family',
    help: 'UF2: family name (STM32F4, STM32H7, RP2040, NRF52840, ...) or ID',
  },
  // Transforms
  {
    name: 'fill', type: 'string', value: 'BYTE', group: 'Transforms', commands: CONVERT, configKey: 'fill', configNumber: true, apiField: 'fill',
    defaultText: '0xFF (erased flash)',
    help: 'value of every byte flashcut adds: BIN gaps, UF2 page remainders, padding, alignment',
  },
  {
    name: 'pad-window', type: 'list', value: 'NAME|all', group: 'Transforms', commands: CONVERT, configKey: 'padWindows', apiField: 'padWindows',
    help: 'fill this window completely with the fill value; repeatable',
  },
  {
    name: 'fill-gaps', type: 'boolean', default: false, group: 'Transforms', commands: CONVERT, configKey: 'fillGaps', apiField: 'fillGaps',
    help: 'fill the holes inside each window in every format (BIN always fills)',
  },
  {
    name: 'align', type: 'string', value: 'N', group: 'Transforms', commands: BOTH, configKey: 'align', configNumber: true, apiField: 'align',
    help: 'flash write unit in bytes, a power of two (8, 32): extend every range to whole units (inspect: report where ranges are not)',
  },
  {
    name: 'crc', type: 'list', value: 'ALG@WHERE[:RANGE]', group: 'Transforms', commands: CONVERT, configKey: 'crc', apiField: 'checksums',
    help: 'insert a checksum at WHERE (an address or ELF symbol); ALG crc32, crc32-stm32 or sum32 (-be: big-endian); RANGE START-END or START+LENGTH; repeatable',
  },
  // Reporting
  {
    name: 'html', type: 'string', value: 'FILE', group: 'Reporting', commands: INSPECT,
    help: 'inspect: also write the report with the memory map to this HTML file (no script, nothing external)',
  },
  {
    name: 'svg', type: 'string', value: 'FILE', group: 'Reporting', commands: INSPECT,
    help: 'inspect: also write the memory map picture to this SVG file',
  },
  {
    name: 'strict', type: 'boolean', default: false, group: 'Reporting', commands: BOTH, configKey: 'strict',
    help: 'any finding fails the run: exit 3, nothing written',
  },
  {
    name: 'json', type: 'boolean', default: false, group: 'Reporting', commands: BOTH,
    help: 'print the report as JSON on standard output (schema/report.schema.json)',
  },
  {
    name: 'quiet', alias: 'q', type: 'boolean', default: false, group: 'Reporting', commands: BOTH,
    help: 'print nothing but errors and error findings',
  },
  {
    name: 'verbose', alias: 'v', type: 'boolean', default: false, group: 'Reporting', commands: BOTH,
    help: 'add detail to errors (a stack trace for an internal error)',
  },
] as const satisfies readonly OptionSpec[];

export type OptionRow = (typeof OPTIONS)[number];

/** `record-length` becomes `recordLength`. */
export type CamelCase<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : S;

type ValueOf<O extends OptionRow> = O extends { readonly type: 'list' }
  ? readonly string[]
  : O extends { readonly type: 'boolean' }
    ? boolean
    : O extends { readonly choices: readonly (infer C)[] }
      ? C
      : O extends { readonly type: 'number' }
        ? number
        : string;

/** A setting has a value when it has a default or is a switch or a list; else it may be unset. */
type Resolved<O extends OptionRow> =
  | (O extends { readonly default: unknown } | { readonly type: 'list' | 'boolean' } ? ValueOf<O> : ValueOf<O> | undefined)
  | (O extends { readonly negatable: true } ? false : never);

/** The settings of a run, one field per option, named in camel case (`recordLength`). */
export type OptionValues = { readonly [O in OptionRow as CamelCase<O['name']>]: Resolved<O> };

/** The settings a project configuration can hold, by configuration key. */
export type ConfigValues = {
  readonly [O in OptionRow as O extends { readonly configKey: infer K extends string } ? K : never]?: O extends { readonly configList: true }
    ? readonly string[]
    : ValueOf<O>;
};

/** `record-length` becomes `recordLength`. */
export function camelCase(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/** The candidate closest to `word` (a typo's likely meaning: a third of its letters wrong at most), or undefined. */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  const limit = (candidate: string) => Math.max(1, Math.floor(candidate.length / 3));
  // The distance is at least the difference in length: a word far longer than every candidate
  // (a 4 MB configuration key) costs nothing, where the full table would take minutes.
  return candidates
    .filter((candidate) => Math.abs(word.length - candidate.length) <= limit(candidate))
    .map((candidate) => ({ candidate, distance: editDistance(word, candidate) }))
    .filter(({ candidate, distance }) => distance <= limit(candidate))
    .sort((a, b) => a.distance - b.distance)[0]?.candidate;
}

/** Levenshtein distance: the fewest one-letter insertions, deletions and changes from a to b. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_v, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

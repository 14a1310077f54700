import yargs from 'yargs';
import { UsageError } from '../errors.js';
import type { SrecType } from '../write/format.js';
import { formatNames } from '../write/registry.js';
import type { InputFormatName } from '../read/input.js';

/** The command line after yargs, before any value is interpreted. */
export interface CliArgs {
  /** `convert` (the default command) or `inspect`. */
  readonly command: 'convert' | 'inspect';
  /** One input for inspect; one or more to merge for a conversion. */
  readonly inputs: readonly string[];
  readonly output: string | undefined;
  readonly format: string | undefined;
  readonly region: readonly string[];
  readonly ld: string | undefined;
  readonly ldRegion: readonly string[];
  readonly ldPath: readonly string[];
  readonly dfuseLayout: string | undefined;
  /** A file given with --config, false for --no-config, undefined to search. */
  readonly config: string | false | undefined;
  readonly recordLength: number | undefined;
  /** --start-address ADDR|none; false for --no-start-address; undefined: the first input's. */
  readonly startAddress: string | false | undefined;
  readonly eol: 'crlf' | 'lf';
  readonly base: string | undefined;
  readonly fill: string | undefined;
  readonly padTo: string | undefined;
  readonly maxGap: string | undefined;
  readonly split: boolean;
  readonly align: string | undefined;
  readonly overlap: 'error' | 'replace' | 'keep';
  readonly padWindow: readonly string[];
  readonly fillGaps: boolean;
  readonly crc: readonly string[];
  readonly strict: boolean;
  readonly json: boolean;
  readonly inputFormat: InputFormatName | undefined;
  readonly srecHeader: string | undefined;
  readonly srecType: SrecType | undefined;
  readonly dfuAlt: number | undefined;
  readonly dfuTargetName: string | undefined;
  readonly dfuVid: string | undefined;
  readonly dfuPid: string | undefined;
  readonly dfuDevice: string | undefined;
  readonly uf2Family: string | undefined;
  readonly quiet: boolean;
  readonly verbose: boolean;
  /** inspect: write the report (HTML with the memory map) to this file. */
  readonly html: string | undefined;
  /** inspect: write the memory map (SVG) to this file. */
  readonly svg: string | undefined;
}

/** yargs' verdict: arguments to run with, or text (help, version) to print and stop. */
export type Parsed = { readonly kind: 'run'; readonly args: CliArgs } | { readonly kind: 'print'; readonly text: string };

const EXAMPLES: [string, string][] = [
  ['$0 app.elf -o app.hex --region FLASH=0x08000000:0xFF00 --region IDFLASH=0x0800FF00:256', 'flash-only Intel HEX'],
  ['$0 app.elf -o app.bin', 'BIN of an ARM ELF, windows defaulting to the Cortex-M code region'],
  ['$0 app.elf -o app.bin --split -r FLASH=0x08000000:1M -r OTP=0x1FFF7800:528', 'one BIN per window'],
  ['$0 inspect app.elf -r FLASH=0x08000000:512K', 'what a conversion would keep and drop, and why'],
  ['$0 app.elf -o app.hex --strict', 'fail (exit 3, nothing written) on any finding'],
  ['$0 app.elf -o app.dfu -r FLASH=0x08000000:512K', 'DfuSe file for dfu-util -D'],
  ['$0 app.hex -o app.uf2 --uf2-family STM32F4', 'UF2 from an Intel HEX'],
  ['$0 app.bin@0x08004000 -o app.srec', 'S-record from a raw binary loaded at 0x08004000'],
  ['$0 app.elf -o app.hex --ld ../STM32F401RETX_FLASH.ld', 'windows from the linker script (its regions without w)'],
  ['$0 boot.elf app.elf -o combined.hex', 'one image from a boot loader and an application'],
  ['$0 app.elf -o app.bin --align 32 --pad-window all --crc crc32-stm32@__app_crc', 'flash words whole, windows filled, a CRC in place'],
];

/**
 * Parses the command line with yargs (strict: unknown options are errors) without letting
 * yargs print or exit. Throws UsageError for a bad command line.
 */
export async function parseCommandLine(argv: readonly string[], version: () => string, width: number): Promise<Parsed> {
  const parser = yargs()
    .scriptName('flashcut')
    .usage('flashcut INPUT... -o OUTPUT [options]\nflashcut inspect INPUT [options]')
    .command('$0 <inputs..>', false, (y) =>
      y.positional('inputs', {
        type: 'string',
        array: true,
        describe: 'ELF32, Intel HEX or S-record files, or raw binaries as FILE@ADDRESS; several are merged',
        demandOption: true,
      }),
    )
    .command('inspect <input>', 'show the segments, sections and windows, what a conversion keeps and drops, and the findings', (y) =>
      y.positional('input', { type: 'string', describe: 'ELF32, Intel HEX or S-record file, or FILE@ADDRESS', demandOption: true }),
    )
    .options({
      output: { alias: 'o', type: 'string', describe: "output file; '-' writes to standard output", requiresArg: true },
      format: { alias: 'f', type: 'string', describe: `output format: ${formatNames().join(', ')} (default: from the output's extension)`, requiresArg: true },
      region: { alias: 'r', type: 'string', array: true, describe: 'flash window [NAME=]ORIGIN:LENGTH, repeatable (e.g. FLASH=0x08000000:512K)', requiresArg: true },
      ld: { type: 'string', describe: 'take the windows from the MEMORY regions of this linker script without the w attribute', requiresArg: true },
      'ld-region': { type: 'string', array: true, describe: 'with --ld: take these regions (comma-separated, repeatable) instead', requiresArg: true },
      'ld-path': { type: 'string', array: true, describe: "with --ld: folder to search for INCLUDEd files after the script's own (ld's -L), repeatable", requiresArg: true },
      'dfuse-layout': { type: 'string', describe: 'take the windows from the writable sectors of a DfuSe layout ("@Internal Flash  /0x08000000/04*016Kg,...")', requiresArg: true },
      config: { type: 'string', describe: 'project configuration file (default: flashcut.config.json or package.json "flashcut", from the input\'s folder upward); --no-config: none', requiresArg: true },
      'input-format': { choices: ['elf', 'hex', 'srec', 'bin'] as const, describe: 'input format (default: from the content; bin for FILE@ADDRESS)' },
      'record-length': { type: 'number', describe: 'HEX, S-record: data bytes per record (HEX 1..255, S3 1..250)', default: 16, defaultDescription: '16' },
      'start-address': {
        type: 'string',
        describe: "HEX, S-record: the start address to write (05, S7/S8/S9 record), or none (S-record: 0); default: the first input's",
        requiresArg: true,
      },
      eol: { choices: ['crlf', 'lf'] as const, describe: 'HEX, S-record: line ends (CRLF, as objcopy and Intel write them)', default: 'crlf' as const },
      'srec-header': { type: 'string', describe: 'S-record: text of the S0 header', defaultDescription: 'flashcut', requiresArg: true },
      'srec-type': { choices: [19, 28, 37] as const, describe: 'S-record: force S1/S9, S2/S8 or S3/S7 records (default: by the highest address)' },
      base: { type: 'string', describe: 'BIN: address of the first byte (default: lowest kept address)', requiresArg: true },
      fill: {
        type: 'string',
        describe: 'value of BIN and UF2 gap bytes and of every byte --pad-window, --fill-gaps and --align add',
        defaultDescription: '0xFF (erased flash)',
        requiresArg: true,
      },
      'pad-to': { type: 'string', describe: 'BIN: extend with fill up to this address', requiresArg: true },
      'max-gap': { type: 'string', describe: 'BIN: refuse more fill than this between two ranges', defaultDescription: '16M', requiresArg: true },
      split: { type: 'boolean', describe: 'BIN: one file per window, named OUTPUT with the window name before the extension', default: false },
      align: {
        type: 'string',
        describe: 'flash write unit in bytes (a power of two, e.g. 8 or 32): extend every range to whole units with the fill value (inspect: report where they are not)',
        requiresArg: true,
      },
      overlap: { choices: ['error', 'replace', 'keep'] as const, describe: 'several inputs with different bytes at one address: refuse, the later wins, or the earlier', default: 'error' as const },
      'pad-window': { type: 'string', array: true, describe: 'fill this window (a name, or all) completely with the fill value, repeatable', requiresArg: true },
      'fill-gaps': { type: 'boolean', describe: 'fill the holes inside each window in every format (BIN always fills)', default: false },
      crc: {
        type: 'string',
        array: true,
        describe: 'insert a checksum: ALG@WHERE[:START-END|START+LENGTH], ALG crc32, crc32-stm32 or sum32 (-be: big-endian), WHERE an address or ELF symbol',
        requiresArg: true,
      },
      strict: { type: 'boolean', describe: 'treat any finding (and so any dropped byte but padding) as a failure: exit 3, write nothing', default: false },
      json: { type: 'boolean', describe: 'print the report as JSON on standard output (schema/report.schema.json)', default: false },
      'dfu-alt': { type: 'number', describe: 'DfuSe: alternate setting of the target', default: 0, defaultDescription: '0' },
      'dfu-target-name': { type: 'string', describe: 'DfuSe: target name (default: unnamed)', requiresArg: true },
      'dfu-vid': { type: 'string', describe: 'DfuSe: idVendor of the suffix', defaultDescription: '0x0483', requiresArg: true },
      'dfu-pid': { type: 'string', describe: 'DfuSe: idProduct of the suffix', defaultDescription: '0xDF11', requiresArg: true },
      'dfu-device': { type: 'string', describe: 'DfuSe: bcdDevice of the suffix', defaultDescription: '0xFFFF', requiresArg: true },
      'uf2-family': { type: 'string', describe: 'UF2: family name (STM32F4, STM32H7, RP2040, NRF52840, ...) or ID', requiresArg: true },
      html: { type: 'string', describe: 'inspect: also write the report with the memory map to this HTML file (no script, nothing external)', requiresArg: true },
      svg: { type: 'string', describe: 'inspect: also write the memory map picture to this SVG file', requiresArg: true },
      quiet: { alias: 'q', type: 'boolean', describe: 'print nothing but errors', default: false },
      verbose: { alias: 'v', type: 'boolean', describe: 'add detail to errors', default: false },
    })
    .example(EXAMPLES)
    .epilogue(
      'Keeps the bytes of an ELF32, Intel HEX, S-record or BIN (FILE@ADDRESS) that lie in your flash windows ' +
        'and writes them as Intel HEX, S-record, BIN, DfuSe or UF2.\n\nExit codes: 0 done, 1 bad input or layout, 2 bad command line, 3 --strict found a problem (nothing written), 4 a file cannot be read or written, 5 an output over a limit.')
    .version(version())
    .help()
    .alias('help', 'h')
    .strict()
    .wrap(Math.min(width, 110))
    .exitProcess(false);

  return new Promise<Parsed>((resolve, reject) => {
    parser.parse([...argv], {}, (error, parsed, output) => {
      if (error) return reject(new UsageError(/non-option arguments: got 0/.test(error.message) ? (argv[0] === 'inspect' ? 'no input file: flashcut inspect INPUT' : 'no input file: flashcut INPUT -o OUTPUT') : error.message));
      if (output) return resolve({ kind: 'print', text: output });
      if (Number.isNaN(parsed['record-length'])) return reject(new UsageError('--record-length needs a number (1 to 255)'));
      resolve({
        kind: 'run',
        args: {
          command: parsed._[0] === 'inspect' ? 'inspect' : 'convert',
          inputs: positionalInputs(parsed as { readonly inputs?: unknown; readonly input?: unknown }),
          output: parsed.output,
          format: parsed.format,
          region: (parsed.region ?? []).map(String),
          ld: parsed.ld,
          ldRegion: (parsed['ld-region'] ?? []).flatMap((names) => String(names).split(',')).map((n) => n.trim()).filter((n) => n !== ''),
          ldPath: (parsed['ld-path'] ?? []).map(String),
          dfuseLayout: parsed['dfuse-layout'],
          config: (parsed.config as string | boolean | undefined) === false ? false : parsed.config,
          recordLength: parsed['record-length'],
          startAddress: (parsed['start-address'] as string | boolean | undefined) === false ? false : parsed['start-address'],
          eol: parsed.eol,
          base: parsed.base,
          fill: parsed.fill,
          padTo: parsed['pad-to'],
          maxGap: parsed['max-gap'],
          split: parsed.split,
          align: parsed.align,
          overlap: parsed.overlap,
          padWindow: (parsed['pad-window'] ?? []).map(String),
          fillGaps: parsed['fill-gaps'],
          crc: (parsed.crc ?? []).map(String),
          strict: parsed.strict,
          json: parsed.json,
          inputFormat: parsed['input-format'],
          srecHeader: parsed['srec-header'],
          srecType: parsed['srec-type'],
          dfuAlt: parsed['dfu-alt'],
          dfuTargetName: parsed['dfu-target-name'],
          dfuVid: parsed['dfu-vid'],
          dfuPid: parsed['dfu-pid'],
          dfuDevice: parsed['dfu-device'],
          uf2Family: parsed['uf2-family'],
          quiet: parsed.quiet,
          verbose: parsed.verbose,
          html: parsed.html,
          svg: parsed.svg,
        },
      });
    });
  });
}

/** The input files: `inputs` of a conversion, or the one `input` of inspect. */
function positionalInputs(parsed: { readonly inputs?: unknown; readonly input?: unknown }): string[] {
  const given = parsed.inputs ?? parsed.input;
  return (Array.isArray(given) ? given : given === undefined ? [] : [given]).map(String);
}

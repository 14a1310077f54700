import yargs from 'yargs';
import { UsageError } from '../errors.js';
import { formatNames } from '../formats/registry.js';

/** The command line after yargs, before any value is interpreted. */
export interface CliArgs {
  readonly input: string;
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
  readonly startAddress: boolean;
  readonly eol: 'crlf' | 'lf';
  readonly base: string | undefined;
  readonly fill: string | undefined;
  readonly padTo: string | undefined;
  readonly maxGap: string | undefined;
  readonly split: boolean;
  readonly quiet: boolean;
  readonly verbose: boolean;
}

/** yargs' verdict: arguments to run with, or text (help, version) to print and stop. */
export type Parsed = { readonly kind: 'run'; readonly args: CliArgs } | { readonly kind: 'print'; readonly text: string };

const EXAMPLES: [string, string][] = [
  ['$0 app.elf -o app.hex --region FLASH=0x08000000:0xFF00 --region IDFLASH=0x0800FF00:256', 'flash-only Intel HEX'],
  ['$0 app.elf -o app.bin', 'BIN of an ARM ELF, windows defaulting to the Cortex-M code region'],
  ['$0 app.elf -o app.bin --split -r FLASH=0x08000000:1M -r OTP=0x1FFF7800:528', 'one BIN per window'],
  ['$0 app.elf -o app.hex --ld ../STM32F401RETX_FLASH.ld', 'windows from the linker script (its regions without w)'],
];

/**
 * Parses the command line with yargs (strict: unknown options are errors) without letting
 * yargs print or exit. Throws UsageError for a bad command line.
 */
export async function parseCommandLine(argv: readonly string[], version: () => string, width: number): Promise<Parsed> {
  const parser = yargs()
    .scriptName('flashcut')
    .usage('$0 INPUT -o OUTPUT [options]\n\nKeeps the loadable bytes of an ELF32 that lie in your flash windows and writes them as Intel HEX or BIN.')
    .command('$0 <input>', false, (y) => y.positional('input', { type: 'string', describe: 'ELF32 file to convert', demandOption: true }))
    .options({
      output: { alias: 'o', type: 'string', describe: "output file; '-' writes to standard output", requiresArg: true },
      format: { alias: 'f', type: 'string', describe: `output format: ${formatNames().join(', ')} (default: from the output's extension)`, requiresArg: true },
      region: { alias: 'r', type: 'string', array: true, describe: 'flash window [NAME=]ORIGIN:LENGTH, repeatable (e.g. FLASH=0x08000000:512K)', requiresArg: true },
      ld: { type: 'string', describe: 'take the windows from the MEMORY regions of this linker script without the w attribute', requiresArg: true },
      'ld-region': { type: 'string', array: true, describe: 'with --ld: take these regions (comma-separated, repeatable) instead', requiresArg: true },
      'ld-path': { type: 'string', array: true, describe: "with --ld: folder to search for INCLUDEd files after the script's own (ld's -L), repeatable", requiresArg: true },
      'dfuse-layout': { type: 'string', describe: 'take the windows from the writable sectors of a DfuSe layout ("@Internal Flash  /0x08000000/04*016Kg,...")', requiresArg: true },
      config: { type: 'string', describe: 'project configuration file (default: flashcut.config.json or package.json "flashcut", from the input\'s folder upward); --no-config: none', requiresArg: true },
      'record-length': { type: 'number', describe: 'HEX: data bytes per record, 1..255', default: 16, defaultDescription: '16' },
      'start-address': { type: 'boolean', describe: 'HEX: write the 05 start record from e_entry (--no-start-address omits it)', default: true },
      eol: { choices: ['crlf', 'lf'] as const, describe: 'HEX: line ends (CRLF, as objcopy and Intel write them)', default: 'crlf' as const },
      base: { type: 'string', describe: 'BIN: address of the first byte (default: lowest kept address)', requiresArg: true },
      fill: { type: 'string', describe: 'BIN: value of gap bytes', defaultDescription: '0xFF (erased flash)', requiresArg: true },
      'pad-to': { type: 'string', describe: 'BIN: extend with fill up to this address', requiresArg: true },
      'max-gap': { type: 'string', describe: 'BIN: refuse more fill than this between two ranges', defaultDescription: '16M', requiresArg: true },
      split: { type: 'boolean', describe: 'BIN: one file per window, named OUTPUT with the window name before the extension', default: false },
      quiet: { alias: 'q', type: 'boolean', describe: 'print nothing but errors', default: false },
      verbose: { alias: 'v', type: 'boolean', describe: 'add detail to errors', default: false },
    })
    .example(EXAMPLES)
    .epilogue('Exit codes: 0 done, 1 bad input or layout, 2 bad command line.')
    .version(version())
    .help()
    .alias('help', 'h')
    .strict()
    .wrap(Math.min(width, 110))
    .exitProcess(false);

  return new Promise<Parsed>((resolve, reject) => {
    parser.parse([...argv], {}, (error, parsed, output) => {
      if (error) return reject(new UsageError(/non-option arguments: got 0/.test(error.message) ? 'no input file: flashcut INPUT -o OUTPUT' : error.message));
      if (output) return resolve({ kind: 'print', text: output });
      resolve({
        kind: 'run',
        args: {
          input: String(parsed.input),
          output: parsed.output,
          format: parsed.format,
          region: (parsed.region ?? []).map(String),
          ld: parsed.ld,
          ldRegion: (parsed['ld-region'] ?? []).flatMap((names) => String(names).split(',')).map((n) => n.trim()).filter((n) => n !== ''),
          ldPath: (parsed['ld-path'] ?? []).map(String),
          dfuseLayout: parsed['dfuse-layout'],
          config: (parsed.config as string | boolean | undefined) === false ? false : parsed.config,
          recordLength: parsed['record-length'],
          startAddress: parsed['start-address'],
          eol: parsed.eol,
          base: parsed.base,
          fill: parsed.fill,
          padTo: parsed['pad-to'],
          maxGap: parsed['max-gap'],
          split: parsed.split,
          quiet: parsed.quiet,
          verbose: parsed.verbose,
        },
      });
    });
  });
}

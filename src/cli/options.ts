import yargs from 'yargs';
import { UsageError } from '../errors.js';
import { formatNames } from '../formats/registry.js';

/** The command line after yargs, before any value is interpreted. */
export interface CliArgs {
  /** `convert` (the default command) or `inspect`. */
  readonly command: 'convert' | 'inspect';
  readonly input: string;
  readonly output: string | undefined;
  readonly format: string | undefined;
  readonly region: readonly string[];
  readonly recordLength: number | undefined;
  readonly startAddress: boolean;
  readonly eol: 'crlf' | 'lf';
  readonly base: string | undefined;
  readonly fill: string | undefined;
  readonly padTo: string | undefined;
  readonly maxGap: string | undefined;
  readonly split: boolean;
  readonly align: string | undefined;
  readonly strict: boolean;
  readonly json: boolean;
  readonly quiet: boolean;
  readonly verbose: boolean;
}

/** yargs' verdict: arguments to run with, or text (help, version) to print and stop. */
export type Parsed = { readonly kind: 'run'; readonly args: CliArgs } | { readonly kind: 'print'; readonly text: string };

const EXAMPLES: [string, string][] = [
  ['$0 app.elf -o app.hex --region FLASH=0x08000000:0xFF00 --region IDFLASH=0x0800FF00:256', 'flash-only Intel HEX'],
  ['$0 app.elf -o app.bin', 'BIN of an ARM ELF, windows defaulting to the Cortex-M code region'],
  ['$0 app.elf -o app.bin --split -r FLASH=0x08000000:1M -r OTP=0x1FFF7800:528', 'one BIN per window'],
  ['$0 inspect app.elf -r FLASH=0x08000000:512K', 'what a conversion would keep and drop, and why'],
  ['$0 app.elf -o app.hex --strict', 'fail (exit 3, nothing written) on any finding'],
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
    .command('inspect <input>', 'show the segments, sections and windows, what a conversion keeps and drops, and the findings', (y) =>
      y.positional('input', { type: 'string', describe: 'ELF32 file to inspect', demandOption: true }),
    )
    .options({
      output: { alias: 'o', type: 'string', describe: "output file; '-' writes to standard output", requiresArg: true },
      format: { alias: 'f', type: 'string', describe: `output format: ${formatNames().join(', ')} (default: from the output's extension)`, requiresArg: true },
      region: { alias: 'r', type: 'string', array: true, describe: 'flash window [NAME=]ORIGIN:LENGTH, repeatable (e.g. FLASH=0x08000000:512K)', requiresArg: true },
      'record-length': { type: 'number', describe: 'HEX: data bytes per record, 1..255', default: 16, defaultDescription: '16' },
      'start-address': { type: 'boolean', describe: 'HEX: write the 05 start record from e_entry (--no-start-address omits it)', default: true },
      eol: { choices: ['crlf', 'lf'] as const, describe: 'HEX: line ends (CRLF, as objcopy and Intel write them)', default: 'crlf' as const },
      base: { type: 'string', describe: 'BIN: address of the first byte (default: lowest kept address)', requiresArg: true },
      fill: { type: 'string', describe: 'BIN: value of gap bytes', defaultDescription: '0xFF (erased flash)', requiresArg: true },
      'pad-to': { type: 'string', describe: 'BIN: extend with fill up to this address', requiresArg: true },
      'max-gap': { type: 'string', describe: 'BIN: refuse more fill than this between two ranges', defaultDescription: '16M', requiresArg: true },
      split: { type: 'boolean', describe: 'BIN: one file per window, named OUTPUT with the window name before the extension', default: false },
      align: { type: 'string', describe: 'flash write unit in bytes (a power of two): report kept bytes that start or end inside one', requiresArg: true },
      strict: { type: 'boolean', describe: 'treat any finding (and so any dropped byte but padding) as a failure: exit 3, write nothing', default: false },
      json: { type: 'boolean', describe: 'print the report as JSON on standard output (schema/report.schema.json)', default: false },
      quiet: { alias: 'q', type: 'boolean', describe: 'print nothing but errors', default: false },
      verbose: { alias: 'v', type: 'boolean', describe: 'add detail to errors', default: false },
    })
    .example(EXAMPLES)
    .epilogue('Exit codes: 0 done, 1 bad input or layout, 2 bad command line, 3 --strict found a problem (nothing written).')
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
      resolve({
        kind: 'run',
        args: {
          command: parsed._[0] === 'inspect' ? 'inspect' : 'convert',
          input: String(parsed.input),
          output: parsed.output,
          format: parsed.format,
          region: (parsed.region ?? []).map(String),
          recordLength: parsed['record-length'],
          startAddress: parsed['start-address'],
          eol: parsed.eol,
          base: parsed.base,
          fill: parsed.fill,
          padTo: parsed['pad-to'],
          maxGap: parsed['max-gap'],
          split: parsed.split,
          align: parsed.align,
          strict: parsed.strict,
          json: parsed.json,
          quiet: parsed.quiet,
          verbose: parsed.verbose,
        },
      });
    });
  });
}

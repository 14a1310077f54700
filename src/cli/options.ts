import type { Argv, Options } from 'yargs';
import { UsageError } from '../errors.js';
import { parseNumber } from '../numbers.js';
import { camelCase, nearest, OPTION_GROUPS, OPTIONS, type CommandName, type OptionRow, type OptionValues } from '../config/option-table.js';

/** The command line after parsing, before any value is interpreted or merged with the configuration. */
export interface CommandLine {
  readonly command: CommandName;
  /** One input for inspect; one or more to merge for a conversion; `-` is standard input. */
  readonly inputs: readonly string[];
  /** The options the command line gives, by setting name; absent when not given. */
  readonly given: Partial<OptionValues>;
  /** Flags of single-value options given more than once (the last one counts), for the summary. */
  readonly repeated: readonly string[];
}

/** The parser's verdict: a command line to run, or text (help, version, completion script) to print and stop. */
export type Parsed = { readonly kind: 'run'; readonly line: CommandLine } | { readonly kind: 'print'; readonly text: string };

/** Words of the command line that are commands when they come first among the positionals. */
export const COMMANDS = ['inspect', 'completion'] as const;

/** What --help shows under Examples, each command on a line of its own (at most 78 characters, so that 80 columns never break one). */
export const EXAMPLES: readonly (readonly [description: string, command: string])[] = [
  ['flash-only Intel HEX', 'flashcut app.elf -o app.hex -r FLASH=0x08000000:64K -r IDFLASH=0x08010000:256'],
  ['BIN of an ARM ELF, windows defaulting to the Cortex-M code region', 'flashcut app.elf -o app.bin'],
  ['one BIN per window', 'flashcut app.elf -o a.bin --split -r FLASH=0x08000000:1M -r OTP=0x1FFF7800:528'],
  ['what a conversion would keep and drop, and why', 'flashcut inspect app.elf -r FLASH=0x08000000:512K'],
  ['fail (exit 3, nothing written) on any finding', 'flashcut app.elf -o app.hex --strict'],
  ['DfuSe file for dfu-util -D', 'flashcut app.elf -o app.dfu -r FLASH=0x08000000:512K'],
  ['UF2 from an Intel HEX', 'flashcut app.hex -o app.uf2 --uf2-family STM32F4'],
  ['S-record from a raw binary loaded at 0x08004000', 'flashcut app.bin@0x08004000 -o app.srec'],
  ['windows from the linker script (its regions without w)', 'flashcut app.elf -o app.hex --ld ../STM32F401RETX_FLASH.ld'],
  ['one image from a boot loader and an application', 'flashcut boot.elf app.elf -o combined.hex'],
  ['windows filled, a CRC in place', 'flashcut app.elf -o app.bin --pad-window all --crc crc32-stm32@__app_crc'],
  ["'-' reads standard input", 'arm-none-eabi-objcopy -O binary app.elf - | flashcut -@0x08000000 -o app.hex'],
];

/** The examples as a block of the epilogue: yargs' two columns would break the commands. */
function examplesText(): string {
  return ['Examples:', ...EXAMPLES.flatMap(([description, command]) => [`  # ${description}`, `  ${command}`])].join('\n');
}

/** Stands for a `-` input while yargs parses (yargs drops a lone `-`). */
const STDIN_TOKEN = '\u0000stdin';

/**
 * Parses the command line: every option takes exactly its own value, inputs may stand anywhere,
 * a repeated single-value option keeps its last value, choices ignore case. yargs does the
 * parsing and the help text, without printing or exiting; a command line of only the plain
 * forms (`--name value`, `-x value`, switches, inputs), which yargs reads one way only, is read
 * from the scan of the same option table without loading yargs (test/cli-options.test.ts holds
 * both readings equal). `width` (or a function giving it, read only for help) is the terminal's.
 * Throws UsageError for a bad command line.
 */
export function parseCommandLine(argv: readonly string[], version: () => string, width: number | (() => number)): Promise<Parsed> {
  return parse(argv, version, width, true);
}

/** parseCommandLine with every command line read by yargs, for the test that holds both readings equal. */
export function parseCommandLineByYargs(argv: readonly string[], version: () => string, width: number): Promise<Parsed> {
  return parse(argv, version, width, false);
}

async function parse(argv: readonly string[], version: () => string, width: number | (() => number), plainReading: boolean): Promise<Parsed> {
  // The shell's completion asks with words still being typed: yargs answers, unchecked.
  if (argv.includes(COMPLETIONS_KEY)) return { kind: 'print', text: await completions(await parser(version, width), argv) };
  const scanned = scan(argv);
  if (scanned.command === 'completion') {
    const yargs = await loadYargs();
    return { kind: 'print', text: (await runYargs(yargs().scriptName('flashcut').completion('completion', false).exitProcess(false), ['completion'])).text };
  }
  const command = scanned.command;
  if (command === 'inspect' && scanned.positionals.length > 1) {
    throw new UsageError(`inspect reads one input, and got ${scanned.positionals.length}: ${scanned.positionals.join(' ')}`);
  }
  const plain = scanned.plain;
  if (plainReading && plain !== undefined && scanned.positionals.length > 0) return { kind: 'run', line: commandLine(scanned, command, (option) => plain.get(option)) };
  const output = await runYargs(await parser(version, width), scanned.argv).catch((error: Error) => {
    throw new UsageError(scanned.positionals.length === 0 ? noInputMessage(command) : error.message);
  });
  if (output.text) return { kind: 'print', text: output.text };
  if (scanned.positionals.length === 0) throw new UsageError(noInputMessage(command));
  return { kind: 'run', line: commandLine(scanned, command, (option) => scanned.lists.get(option) ?? output.parsed[option.name]) };
}

/** The command line from each option's raw value (`raw`: as yargs gives it, or the scan's list of values). */
function commandLine(scanned: Scanned, command: CommandName, raw: (option: OptionRow) => unknown): CommandLine {
  const given: Record<string, unknown> = {};
  for (const option of OPTIONS) {
    const value = valueOf(option, raw(option));
    if (value !== undefined) given[camelCase(option.name)] = value;
  }
  return { command, inputs: scanned.positionals, given: given as Partial<OptionValues>, repeated: scanned.repeated };
}

/** yargs, loaded on first use: most runs never need it, and loading it is a good part of a short run's start-up. */
async function loadYargs(): Promise<typeof import('yargs').default> {
  return (await import('yargs')).default;
}

const COMPLETIONS_KEY = '--get-yargs-completions';

async function parser(version: () => string, width: number | (() => number)): Promise<Argv> {
  const yargs = await loadYargs();
  return yargs()
    .scriptName('flashcut')
    .parserConfiguration({ 'greedy-arrays': false, 'strip-aliased': true })
    .usage('flashcut INPUT... -o OUTPUT [options]\nflashcut inspect INPUT [options]\nflashcut completion')
    .command('$0 <inputs..>', false, (y) =>
      withOptions(y, 'convert').positional('inputs', {
        type: 'string',
        array: true,
        describe: "ELF32, Intel HEX or S-record files, or raw binaries as FILE@ADDRESS ('-': standard input); several are merged",
      }),
    )
    .command('inspect <input>', 'show the segments, sections and windows, what a conversion keeps and drops, and the findings', (y) =>
      withOptions(y, 'inspect').positional('input', { type: 'string', describe: 'ELF32, Intel HEX or S-record file, or FILE@ADDRESS' }),
    )
    .command('completion', 'print a bash/zsh completion script (flashcut completion >> ~/.bashrc)')
    .completion('completion', false)
    .epilogue(
      examplesText() +
        '\n\nKeeps the bytes of an ELF32, Intel HEX, S-record or BIN (FILE@ADDRESS) that lie in your flash windows ' +
        'and writes them as Intel HEX, S-record, BIN, DfuSe or UF2. Numbers are hex (0x...) or decimal, sizes may end in K or M.\n\n' +
        'Exit codes: 0 done, 1 bad input or layout, 2 bad command line, 3 --strict found a problem (nothing written), 4 a file cannot be read or written, 5 an output over a limit.',
    )
    .version(version())
    .help()
    .alias('help', 'h')
    .strict()
    .wrap(Math.min(typeof width === 'number' ? width : width(), 110))
    .exitProcess(false);
}

/** Runs yargs over `argv` without letting it print or exit: the parsed values and any text it would print. */
function runYargs(y: Argv, argv: readonly string[]): Promise<{ parsed: Record<string, unknown>; text: string }> {
  return new Promise((resolve, reject) => {
    y.parse([...argv], {}, (error, parsed, text) => (error ? reject(error) : resolve({ parsed: parsed as Record<string, unknown>, text })));
  });
}

/** yargs' answer to the shell's completion request; it calls back once empty-handed, then with the words. */
async function completions(y: Argv, argv: readonly string[]): Promise<string> {
  let words = '';
  await y.parse([...argv], {}, (_error, _parsed, text) => {
    if (text) words = text;
  });
  return words;
}

/** The options of one command, grouped as the README groups them. */
function withOptions<T>(y: Argv<T>, command: CommandName): Argv<T> {
  const own = OPTIONS.filter((o) => (o.commands as readonly CommandName[]).includes(command));
  for (const option of own) y.option(option.name, yargsOption(option));
  for (const group of OPTION_GROUPS) {
    const names = own.filter((o) => o.group === group).map((o) => o.name);
    if (names.length > 0) y.group(names, `${group}:`);
  }
  return y;
}

function yargsOption(option: OptionRow): Options {
  const choices: readonly string[] | undefined = 'choices' in option ? option.choices : undefined;
  const shown = 'defaultText' in option ? option.defaultText : 'default' in option && option.type !== 'boolean' ? String(option.default) : undefined;
  return {
    ...('alias' in option ? { alias: option.alias } : {}),
    type: option.type === 'boolean' ? 'boolean' : 'string',
    ...(option.type === 'list' ? { array: true } : {}),
    requiresArg: option.type !== 'boolean',
    describe: option.help + (choices ? ` (${choices.join(', ')})` : ''),
    ...(shown !== undefined ? { defaultDescription: shown } : {}),
  };
}

/** The value of one option as yargs returns it: the last of a repeated single value, a checked choice, a parsed number. */
function valueOf(option: OptionRow, raw: unknown): unknown {
  if (raw === undefined) return undefined;
  const flag = `--${option.name}`;
  if (option.type === 'list') return (Array.isArray(raw) ? raw : [raw]).map(String);
  const last: unknown = Array.isArray(raw) ? raw[raw.length - 1] : raw;
  if (option.type === 'boolean' || last === false) return last;
  const text = String(last);
  if ('choices' in option) {
    const choices: readonly string[] = option.choices;
    const chosen = choices.find((c) => c.toLowerCase() === text.toLowerCase());
    if (chosen === undefined) throw new UsageError(`${flag} ${text}: choose one of ${choices.join(', ')}`);
    return chosen;
  }
  return option.type === 'number' ? parseNumber(text, flag) : text;
}

interface Scanned {
  readonly command: CommandName | 'completion';
  /** The inputs, in order. */
  readonly positionals: string[];
  /** The arguments for yargs: a lone `-` input replaced by STDIN_TOKEN. */
  readonly argv: string[];
  readonly repeated: string[];
  /**
   * Each option's values in order (true for a switch), when every argument is of a form yargs
   * reads one way only: an input, a command word, `--name value` or `-x value` (a value not
   * starting with '-'), a switch on its own. Undefined when any is not (help, `--no-x`,
   * `--x=value`, `-qv`, `--`, a camelCase name, a word `true` or `false` that yargs could take
   * as a switch's value): yargs reads those.
   */
  readonly plain: Map<OptionRow, unknown[]> | undefined;
  /** Every value of each list option given, in order (yargs' arguments hold only the first). */
  readonly lists: ReadonlyMap<OptionRow, readonly string[]>;
}

/**
 * Walks the arguments once as yargs will read them, to refuse what yargs would misread or word
 * poorly: an unknown option (with the nearest known one), an option the command does not take,
 * a missing value, a short option glued to its value. Counts repeated single-value options.
 */
function scan(argv: readonly string[]): Scanned {
  const positionals: string[] = [];
  const out: string[] = [];
  const counts = new Map<OptionRow, number>();
  let command: Scanned['command'] = 'convert';
  let optionsEnded = false;
  const values = new Map<OptionRow, unknown[]>();
  let plain = true;
  // Every value of each list option; yargs sees only the first occurrence. It appends a repeated
  // option by copying its array, so 20,000 --region=... took 5 s and 150,000 minutes.
  const lists = new Map<OptionRow, string[]>();
  /** Notes a list option's value; true when it is a repeat, to be left out of yargs' arguments. */
  const listValue = (row: OptionRow, value: string): boolean => {
    const list = lists.get(row) ?? [];
    lists.set(row, list);
    return list.push(value) > 1;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (optionsEnded || isStdinInput(arg) || !arg.startsWith('-')) {
      if (optionsEnded || arg === 'true' || arg === 'false') plain = false;
      if (!optionsEnded && positionals.length === 0 && command === 'convert' && (COMMANDS as readonly string[]).includes(arg)) {
        command = arg as Scanned['command'];
        out.push(arg);
        continue;
      }
      positionals.push(arg);
      out.push(isStdinInput(arg) ? STDIN_TOKEN : arg);
      continue;
    }
    out.push(arg);
    if (arg === '--') {
      optionsEnded = true;
      continue;
    }
    let flag: string;
    let inlineValue: string | undefined;
    if (arg.startsWith('--')) {
      [flag, inlineValue] = splitOnce(arg.slice(2));
    } else if (arg.length > 2 && arg[2] !== '=') {
      checkShortGroup(arg);
      plain = false;
      continue;
    } else {
      flag = arg.slice(1, 2);
      inlineValue = arg.length > 2 ? arg.slice(3) : undefined;
    }
    const long = arg.startsWith('--');
    const option = long ? longOption(flag) : shortOption(flag);
    if (option === 'builtin') {
      plain = false;
      continue;
    }
    if (option === undefined) throw new UsageError(unknownMessage(long ? `--${flag}` : `-${flag}`));
    counts.set(option.row, (counts.get(option.row) ?? 0) + 1);
    if (option.negated || inlineValue !== undefined || (long && flag !== option.row.name)) plain = false;
    const seen = values.get(option.row) ?? [];
    values.set(option.row, seen);
    if (option.row.type === 'list' && !option.negated && inlineValue !== undefined && listValue(option.row, inlineValue)) out.pop();
    if (option.negated || option.row.type === 'boolean' || inlineValue !== undefined) {
      seen.push(true);
      continue;
    }
    const value = argv[i + 1];
    if (value === undefined || (value.startsWith('-') && !isStdinInput(value))) {
      throw new UsageError(`--${option.row.name} needs a value${'value' in option.row ? ` (${option.row.value})` : ''}`);
    }
    if (value.startsWith('-')) plain = false;
    seen.push(value);
    i++;
    if (option.row.type === 'list' && listValue(option.row, value)) out.pop();
    else out.push(value);
  }
  // The command may come after options, so each option is checked against it at the end.
  for (const row of counts.keys()) {
    if (command === 'completion' || (row.commands as readonly string[]).includes(command)) continue;
    const usage = `--${row.name}${'value' in row ? ` ${row.value}` : ''}`;
    throw new UsageError(command === 'inspect' ? `inspect takes no --${row.name}: it is an option of a conversion` : `--${row.name} is an option of inspect: flashcut inspect INPUT ${usage}`);
  }
  const repeated = [...counts].filter(([row, n]) => n > 1 && row.type !== 'list' && row.type !== 'boolean').map(([row]) => `--${row.name}`);
  return { command, positionals: command === 'completion' ? [] : positionals, argv: out, repeated, plain: plain ? values : undefined, lists };
}

type Found = { readonly row: OptionRow; readonly negated: boolean } | 'builtin' | undefined;

const BUILTIN = ['help', 'version', 'get-yargs-completions'];

function longOption(name: string): Found {
  if (BUILTIN.includes(name)) return 'builtin';
  const row = OPTIONS.find((o) => o.name === name || camelCase(o.name) === name);
  if (row) return { row, negated: false };
  const negated = name.startsWith('no-') ? OPTIONS.find((o) => o.name === name.slice(3) && (o.type === 'boolean' || ('negatable' in o && o.negatable))) : undefined;
  return negated ? { row: negated, negated: true } : undefined;
}

function shortOption(letter: string): Found {
  if (letter === 'h') return 'builtin';
  const row = OPTIONS.find((o) => 'alias' in o && o.alias === letter);
  return row ? { row, negated: false } : undefined;
}

/** `-qv` is two switches; `-ofile` would be read as -o -f -i -l -e by yargs, so it is refused. */
function checkShortGroup(arg: string): void {
  for (const letter of arg.slice(1)) {
    const found = shortOption(letter);
    if (found === undefined) throw new UsageError(unknownMessage(`-${letter}`));
    if (found !== 'builtin' && found.row.type !== 'boolean') {
      throw new UsageError(`${arg}: put a space between -${letter} and its value (-${letter} ${arg.slice(arg.indexOf(letter) + 1)})`);
    }
  }
}

function splitOnce(text: string): [string, string | undefined] {
  const at = text.indexOf('=');
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

/** `unknown option --regoin: did you mean --region?` */
function unknownMessage(flag: string): string {
  const known = [...OPTIONS.flatMap((o) => [`--${o.name}`, ...('alias' in o ? [`-${o.alias}`] : [])]), '--help', '--version'];
  // One letter is near every other: only a long option gets a guess.
  const guess = flag.startsWith('--') ? nearest(flag, known) : undefined;
  return `unknown option ${flag}${guess ? `: did you mean ${guess}?` : ' (flashcut --help lists the options)'}`;
}

function noInputMessage(command: CommandName): string {
  return command === 'inspect' ? 'no input file: flashcut inspect INPUT' : 'no input file: flashcut INPUT -o OUTPUT';
}

/** `-` or `-@ADDRESS`: an input read from standard input. */
export function isStdinInput(spec: string): boolean {
  return spec === '-' || spec.startsWith('-@');
}

import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { OPTION_GROUPS, OPTIONS, type OptionRow } from '../src/config/option-table.js';
import { EXAMPLES, parseCommandLine } from '../src/cli/options.js';
import { Readable, PassThrough } from 'node:stream';
import { main } from '../src/cli/main.js';
import { runCli } from './helpers/run-cli.js';
import { tempFolder } from './helpers/temp.js';

// The command line as a table: every option of src/config/option-table.ts, wherever it stands,
// in every spelling; repeated; every choice in upper case; and each usage message as one line.

const root = new URL('..', import.meta.url).pathname;
const dir = tempFolder('options').path;

const fixtures = join(dir, 'fixtures');
mkdirSync(fixtures);
writeFileSync(join(fixtures, 'a.bin'), Buffer.alloc(256, 0x11));
writeFileSync(join(fixtures, 'b.bin'), Buffer.alloc(256, 0x22));
writeFileSync(join(fixtures, 'flash.ld'), 'MEMORY\n{\n  FLASH (rx) : ORIGIN = 0x08000000, LENGTH = 64K\n  RAM (rwx) : ORIGIN = 0x20000000, LENGTH = 20K\n}\n');
writeFileSync(join(fixtures, 'fill.json'), '{ "fill": 0 }\n');
const A = `${join(fixtures, 'a.bin')}@0x08000000`;
const B = `${join(fixtures, 'b.bin')}@0x08001000`;
const FLASH = ['-r', 'FLASH=0x08000000:64K'];

interface Case {
  /** The value to give (none for a switch). */
  readonly value?: string;
  /** Other options the case needs, after the inputs. */
  readonly with?: readonly string[];
  /** The output file's name (its extension chooses the format). */
  readonly out?: string;
}

/** One working value per option; a test below fails when an option has no row here. */
const CASES: Record<string, Case> = {
  region: { value: 'FLASH=0x08000000:8K', with: [] },
  ld: { value: join(fixtures, 'flash.ld'), with: [] },
  'ld-region': { value: 'FLASH', with: ['--ld', join(fixtures, 'flash.ld')] },
  'ld-path': { value: fixtures, with: ['--ld', join(fixtures, 'flash.ld')] },
  'dfuse-layout': { value: '@Internal Flash /0x08000000/04*016Kg', with: [] },
  config: { value: join(fixtures, 'fill.json') },
  'input-format': { value: 'bin' },
  overlap: { value: 'keep' },
  output: { value: 'out.srec' },
  format: { value: 'srec' },
  'record-length': { value: '32' },
  'start-address': { value: '0x08000001' },
  eol: { value: 'lf' },
  'srec-header': { value: 'HDR', out: 'out.srec' },
  'srec-type': { value: '37', out: 'out.srec' },
  base: { value: '0x07FFFF00', out: 'out.bin' },
  'pad-to': { value: '0x08002000', out: 'out.bin' },
  'max-gap': { value: '1M', out: 'out.bin' },
  split: { out: 'out.bin' },
  'dfu-alt': { value: '1', out: 'out.dfu' },
  'dfu-target-name': { value: 'ST', out: 'out.dfu' },
  'dfu-vid': { value: '0x1234', out: 'out.dfu' },
  'dfu-pid': { value: '0x5678', out: 'out.dfu' },
  'dfu-device': { value: '0x0200', out: 'out.dfu' },
  'uf2-family': { value: 'STM32F4', out: 'out.uf2' },
  fill: { value: '0x00', out: 'out.bin' },
  'pad-window': { value: 'FLASH' },
  'fill-gaps': {},
  align: { value: '8' },
  crc: { value: 'crc32@0x080000FC', with: [...FLASH, '--fill-gaps'] },
  strict: {},
  json: {},
  quiet: {},
  verbose: {},
};

const convertOptions = OPTIONS.filter((o) => (o.commands as readonly string[]).includes('convert'));

let runs = 0;
/** Runs flashcut in a fresh folder; returns what it did with that folder's path replaced by DIR. */
async function outcome(argv: readonly string[]): Promise<{ code: number; stdout: string; stderr: string; files: Record<string, string> }> {
  const d = join(dir, `run ${++runs}`);
  mkdirSync(d);
  const result = await runCli(argv.map((a) => a.replace('OUT/', `${d}/`)));
  const files = Object.fromEntries(readdirSync(d).map((f) => [f, readFileSync(join(d, f)).toString('hex')]));
  const clean = (text: string) => text.split(d).join('DIR');
  return { code: result.code, stdout: clean(result.stdout), stderr: clean(result.stderr), files };
}

/** The arguments of a case without the option itself: inputs, companions, output. */
function base(option: OptionRow): { inputs: string[]; rest: string[] } {
  const c = CASES[option.name] ?? {};
  const output = option.name === 'output' ? [] : ['-o', `OUT/${c.out ?? 'out.hex'}`];
  return { inputs: [A, B], rest: [...(c.with ?? FLASH), ...output] };
}

function spellings(option: OptionRow, value: string | undefined): string[][] {
  const names = [`--${option.name}`, ...('alias' in option ? [`-${option.alias}`] : [])];
  return names.flatMap((flag) => (value === undefined ? [[flag], [`${flag}=true`]] : [[flag, value], [`${flag}=${value}`]]));
}

function valueOf(option: OptionRow): string | undefined {
  const value = CASES[option.name]?.value;
  return option.name === 'output' && value !== undefined ? `OUT/${value}` : value;
}

describe('every option', () => {
  it('has a case in this table', () => {
    expect(convertOptions.map((o) => o.name).filter((n) => !(n in CASES))).toEqual([]);
  });

  it.each(convertOptions.map((o) => [o.name, o] as const))('--%s takes exactly its own value before, between and after the inputs', async (_name, option) => {
    const { inputs, rest } = base(option);
    const [first, second] = inputs as [string, string];
    const reference = await outcome([first, second, ...rest, `--${option.name}`, ...(valueOf(option) === undefined ? [] : [valueOf(option) ?? ''])]);
    expect(reference.code, reference.stderr).toBe(0);
    expect(Object.keys(reference.files).length).toBeGreaterThan(0);
    for (const spelled of spellings(option, valueOf(option))) {
      for (const argv of [
        [...spelled, first, second, ...rest],
        [first, ...spelled, second, ...rest],
        [first, second, ...rest, ...spelled],
      ]) {
        expect(await outcome(argv), argv.join(' ')).toEqual(reference);
      }
    }
  });

  it.each(convertOptions.filter((o) => o.type !== 'list' && o.type !== 'boolean').map((o) => [o.name, o] as const))(
    '--%s given twice: the last counts, and the config line says so',
    async (_name, option) => {
      const { inputs, rest } = base(option);
      const value = valueOf(option) ?? '';
      const once = await outcome([...inputs, ...rest, `--${option.name}`, value]);
      const twice = await outcome([...inputs, ...rest, `--${option.name}`, 'zzz', `--${option.name}`, value]);
      expect([twice.code, twice.files]).toEqual([once.code, once.files]);
      expect(twice.stderr).toMatch(new RegExp(`^  config   .*; given more than once, the last counts: --${option.name}$`, 'm'));
    },
  );

  // -q prints nothing but errors, and a repeated option is not one: as with GNU getopt and yargs,
  // the last value counts without a word (npm run image -- -o other.bin relies on it). The note
  // stays in the summary and in --json, where it is asked for.
  it('a repeated option is said in the summary and in --json, not under -q', async () => {
    const { inputs, rest } = base(OPTIONS.find((o) => o.name === 'eol') as OptionRow);
    const argv = [...inputs, ...rest, '--eol', 'lf', '--eol', 'crlf'];
    expect((await outcome([...argv, '-q'])).stderr).toBe('');
    const json = await outcome([...argv, '--json']);
    expect((JSON.parse(json.stdout) as { notes: string[] }).notes).toContainEqual(expect.stringMatching(/given more than once, the last counts: --eol$/));
  });

  const choiceCases = convertOptions.flatMap((o) => ('choices' in o ? o.choices.map((choice) => [o.name, choice, o] as const) : []));
  it.each(choiceCases)('--%s %s in upper case is the same choice', async (name, choice, option) => {
    const { inputs, rest } = base(option);
    const lower = await outcome([...inputs, ...rest, `--${name}`, choice]);
    const upper = await outcome([...inputs, ...rest, `--${name}`, choice.toUpperCase()]);
    expect(upper).toEqual(lower);
  });
});

describe('every option of inspect', () => {
  const elf = join(root, 'samples/stm32-seed/sane.elf');
  const INSPECT_CASES: Record<string, Case> = {
    ...CASES,
    'input-format': { value: 'elf' },
    'dfuse-layout': { value: '@Internal Flash /0x08000000/04*016Kg', with: [] },
    html: { value: 'OUT/map.html' },
    svg: { value: 'OUT/map.svg' },
  };
  const inspectOptions = OPTIONS.filter((o) => (o.commands as readonly string[]).includes('inspect'));

  it.each(inspectOptions.map((o) => [o.name, o] as const))('inspect --%s takes exactly its own value before and after the input', async (name, option) => {
    const c = INSPECT_CASES[name] ?? {};
    const rest = [...(c.with ?? FLASH)];
    const value = c.value === undefined ? [] : [c.value];
    const reference = await outcome(['inspect', elf, ...rest, `--${name}`, ...value]);
    expect(reference.code, reference.stderr).not.toBe(2);
    for (const spelled of spellings(option, c.value)) {
      for (const argv of [
        ['inspect', ...spelled, elf, ...rest],
        [...spelled, 'inspect', elf, ...rest],
        ['inspect', elf, ...rest, ...spelled],
      ]) {
        expect(await outcome(argv), argv.join(' ')).toEqual(reference);
      }
    }
  });
});

describe('usage messages: one line on stderr and the exit code', () => {
  const elf = join(root, 'samples/stm32-seed/sane.elf');
  const missing = join(dir, 'missing');
  it.each([
    [[elf, '--bogus', 'x', '-o', 'OUT/a.hex'], 2, 'unknown option --bogus (flashcut --help lists the options)'],
    [['--regoin', 'FLASH=0x08000000:64K', elf, '-o', 'OUT/a.hex'], 2, 'unknown option --regoin: did you mean --region?'],
    [[elf, '-o', 'OUT/a.hex', '--recrod-length', '32'], 2, 'unknown option --recrod-length: did you mean --record-length?'],
    [[elf, '-o', 'OUT/a.hex', '-x'], 2, 'unknown option -x (flashcut --help lists the options)'],
    [[elf, '-o', 'OUT/a.hex', '--eol', 'cr'], 2, '--eol cr: choose one of crlf, lf'],
    [[elf, '-o', 'OUT/a.hex', '--overlap', 'MERGE'], 2, '--overlap MERGE: choose one of error, replace, keep'],
    [['inpsect', elf], 2, "inpsect: no such input file, and no such command: did you mean 'flashcut inspect'?"],
    [['inspect', elf, '--format', 'hex'], 2, 'inspect takes no --format: it is an option of a conversion'],
    [[elf, '-o', 'OUT/a.hex', '--ld'], 2, '--ld needs a value (SCRIPT)'],
    [[elf, '-ofile.hex'], 2, '-ofile.hex: put a space between -o and its value (-o file.hex)'],
    [[`${A.replace('@0x', '@')}`, '-o', 'OUT/a.hex'], 2, `input ${A.replace('@0x', '@')}: 08000000 has a leading zero but no 0x, so it could be hex or decimal: write ${A} for hex, or ${A.replace('@0x0', '@')} for decimal`],
    [[A, '-o', 'OUT/a.hex', '--region', 'FLASH=08000000:64K'], 2, '--region FLASH=08000000:64K: 08000000 has a leading zero but no 0x, so it could be hex or decimal: write FLASH=0x08000000:64K for hex, or FLASH=8000000:64K for decimal'],
    [[elf, '-o', 'OUT/a.hex', '--record-length', '020'], 2, '--record-length: 020 has a leading zero but no 0x, so it could be hex or decimal: write 0x020 for hex, or 20 for decimal'],
    [['-o', 'OUT/a.hex'], 2, 'no input file: flashcut INPUT -o OUTPUT'],
    [['inspect', elf, elf], 2, `inspect reads one input, and got 2: ${elf} ${elf}`],
    [[`${missing}.elf`, '-o', 'OUT/a.hex'], 4, `${missing}.elf: error: cannot read it: no such file or directory`],
    // A missing input, script and configuration are worded alike, without Node's `, open '...'` tail.
    [[A, '-o', 'OUT/a.hex', '--ld', `${missing}.ld`], 4, `${missing}.ld: error: cannot read it: no such file or directory`],
    [[A, '-o', 'OUT/a.hex', '--config', `${missing}.json`], 4, `${missing}.json: error: cannot read it: no such file or directory`],
    [[A, `${missing}.hex`, '-o', 'OUT/a.hex'], 4, `${missing}.hex: error: cannot read it: no such file or directory`],
  ] as const)('%j', async (argv, code, message) => {
    const result = await outcome(argv);
    // An error about a file names it first, as GCC does: `flashcut: FILE: error: ...`.
    expect([result.code, result.stderr]).toEqual([code, message.includes(': error: ') ? `flashcut: ${message}\n` : `flashcut: error: ${message}\n`]);
  });
});

describe("'-' reads standard input", () => {
  /** Runs flashcut with `input` on standard input; returns the exit code and stderr. */
  async function withStdin(argv: readonly string[], input: Uint8Array): Promise<{ code: number; stderr: string }> {
    let stderr = '';
    const code = await main(argv, { stdin: Readable.from([input]), stdout: new PassThrough(), stderr: { write: (t: string) => (stderr += t) }, width: 80 });
    return { code, stderr };
  }

  it.each([
    ['an ELF', '-', join(root, 'samples/stm32-seed/sane.elf')],
    ['a raw binary at an address', '-@0x08000000', join(fixtures, 'a.bin')],
  ])('%s, the same image as from the file', async (_what, spec, file) => {
    const d = join(dir, `stdin ${++runs}`);
    mkdirSync(d);
    const fromStdin = await withStdin([spec, '-o', join(d, 'stdin.hex'), ...FLASH, '-q'], readFileSync(file));
    const fromFile = await runCli([spec === '-' ? file : `${file}@0x08000000`, '-o', join(d, 'file.hex'), ...FLASH, '-q']);
    expect([fromStdin.code, fromFile.code]).toEqual([0, 0]);
    expect(readFileSync(join(d, 'stdin.hex'))).toEqual(readFileSync(join(d, 'file.hex')));
  });

  it('once only', async () => {
    const result = await withStdin(['-', '-@0x08001000', '-o', join(dir, 'twice.hex')], new Uint8Array(4));
    expect([result.code, result.stderr]).toEqual([2, "flashcut: error: standard input can be read once: name '-' as one input only\n"]);
  });
});

describe('flashcut completion', () => {
  it('prints a bash completion script that asks flashcut for the words', async () => {
    // yargs writes the zsh flavour under zsh.
    vi.stubEnv('SHELL', '/bin/bash');
    vi.stubEnv('ZSH_NAME', undefined);
    const { code, stdout } = await runCli(['completion']).finally(() => vi.unstubAllEnvs());
    expect(code).toBe(0);
    expect(stdout).toMatch(/^###-begin-flashcut-completions-###$/m);
    expect(stdout).toContain('--get-yargs-completions');
    expect(stdout).toMatch(/complete -o bashdefault -o default -F _flashcut_yargs_completions flashcut/);
  });

  it('answers the script: commands for a first word', async () => {
    const { code, stdout } = await runCli(['--get-yargs-completions', 'flashcut', 'ins']);
    expect([code, stdout.split('\n')]).toEqual([0, ['inspect', 'completion', '']]);
  });
});

describe('--help', () => {
  const help = async (argv: string[]) => (await runCli(argv)).stdout;
  const flat = (text: string) => text.replace(/\s+/g, ' ');

  it.each([[['--help']], [['inspect', '--help']]])('%j at 80 columns breaks no word and no example', async (argv) => {
    const text = await help(argv);
    expect(text.split('\n').filter((line) => line.length > 80)).toEqual([]);
    const command = argv[0] === 'inspect' ? 'inspect' : 'convert';
    for (const option of OPTIONS.filter((o) => (o.commands as readonly string[]).includes(command))) {
      expect(flat(text), option.name).toContain(flat(option.help));
    }
    if (command === 'convert') for (const [, example] of EXAMPLES) expect(text.split('\n')).toContain(`  ${example}`);
  });

  it('groups the options as the README does, and inspect lists only its own', async () => {
    const text = await help(['--help']);
    const headings = text.split('\n').filter((line) => /^[A-Z][a-z]+:$/.test(line));
    expect(headings).toEqual(['Commands:', ...OPTION_GROUPS.map((g) => `${g}:`), 'Positionals:', 'Options:', 'Examples:']);
    const inspect = await help(['inspect', '--help']);
    expect(inspect).toContain('--ld-region');
    expect(inspect).not.toMatch(/--format|--output|--crc/);
  });

  it("the README shows --help's examples, and every command line in it parses", async () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    for (const [, example] of EXAMPLES) expect(readme, example).toContain(example);
    const commands = [...readme.matchAll(/^(?:\$ )?flashcut (.*?)(?:\s+#.*)?$/gm)].map((m) => m[1] ?? '').filter((c) => !/INPUT|\.\.\.|[<>|]/.test(c));
    expect(commands.length).toBeGreaterThan(10);
    for (const command of commands) {
      const words = [...command.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
      await expect(parseCommandLine(words, () => '0', 80), command).resolves.toMatchObject({ kind: expect.any(String) });
    }
  });

  it('the README lists every option in its group', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('## Command line'), readme.indexOf('Exit codes:', readme.indexOf('## Command line')));
    for (const group of OPTION_GROUPS) {
      const start = table.indexOf(`**${group}**`);
      const next = OPTION_GROUPS.map((g) => table.indexOf(`**${g}**`)).filter((i) => i > start);
      const rows = table.slice(start, Math.min(...next, table.length));
      expect(start, group).toBeGreaterThan(0);
      for (const option of OPTIONS.filter((o) => o.group === group)) expect(rows, `--${option.name} under ${group}`).toContain(`--${option.name}`);
    }
    const configTable = readme.slice(readme.indexOf('### Project configuration'), readme.indexOf('Paths are relative to the file'));
    for (const option of OPTIONS) if ('configKey' in option) expect(configTable, option.configKey).toContain(`\`${option.configKey}\``);
  });
});

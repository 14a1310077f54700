/**
 * The command line has one set of rules: a plain command line is read from the option table's
 * scan without loading yargs (start-up time), and that reading must be yargs' reading, value
 * for value and error for error. Random command lines from the option table, plain and not,
 * go through both.
 */
import { describe, expect, it } from 'vitest';
import { parseCommandLine, parseCommandLineByYargs } from '../src/cli/options.js';
import { camelCase, OPTIONS, type OptionRow } from '../src/config/option-table.js';
import { Random } from './helpers/random.js';

const VALUES = ['app.hex', 'x', '0x08000000', '16', 'FLASH=0x08000000:64K', 'lf', 'CRLF', 'hex', 'bin', '37', 'none', 'all', 'inspect', 'true', 'false', '-', '-@0x100', '', 'a b', '0', 'crc32@0x100'];
const INPUTS = ['app.elf', 'b.hex', '-', '-@0x08000000', 'x.bin@0x100', 'inspect', 'completion', 'true', 'false', '--', 'a=b'];

/** One option as a command line may give it, in the plain form (`--name value`) or, now and then, another. */
function optionWords(random: Random, option: OptionRow): string[] {
  const alias = 'alias' in option ? option.alias : undefined;
  const name = random.chance(0.1) ? camelCase(option.name) : option.name;
  const flag = alias !== undefined && random.chance(0.4) ? `-${alias}` : `--${name}`;
  if (option.type === 'boolean') {
    if (random.chance(0.1)) return [`--no-${option.name}`];
    if (random.chance(0.1)) return [`${flag}=${random.pick(['true', 'false'])}`];
    // yargs takes a `true` or `false` after a switch as its value.
    if (random.chance(0.1)) return [flag, random.pick(['true', 'false'])];
    return [flag];
  }
  const value = 'choices' in option && random.chance(0.6) ? random.pick(option.choices as readonly string[]) : random.pick(VALUES);
  if (random.chance(0.1)) return [`${flag}=${value}`];
  if ('negatable' in option && random.chance(0.1)) return [`--no-${option.name}`];
  return [flag, value];
}

function randomArgv(random: Random): string[] {
  const words: string[] = [];
  if (random.chance(0.2)) words.push('inspect');
  const count = random.int(0, 6);
  for (let i = 0; i < count; i++) {
    if (random.chance(0.35)) words.push(random.chance(0.8) ? random.pick(INPUTS.slice(0, 5)) : random.pick(INPUTS));
    else words.push(...optionWords(random, random.pick(OPTIONS)));
  }
  if (random.chance(0.03)) words.push(random.pick(['-qv', '--help', '--version', '-h']));
  return words;
}

/** The result of a reading, or its error's class and message. */
async function outcome(reading: Promise<unknown>): Promise<unknown> {
  try {
    return { result: await reading };
  } catch (error) {
    return { error: `${(error as Error).constructor.name}: ${(error as Error).message}` };
  }
}

describe('the plain reading of a command line is yargs\' reading', () => {
  it('for 300 random command lines from the option table', async () => {
    const random = new Random(15_015);
    let plain = 0;
    for (let round = 0; round < 300; round++) {
      const argv = randomArgv(random);
      const both = [await outcome(parseCommandLine(argv, () => '0', 80)), await outcome(parseCommandLineByYargs(argv, () => '0', 80))];
      expect(both[0], JSON.stringify(argv)).toEqual(both[1]);
      if ((both[0] as { result?: { kind: string } }).result?.kind === 'run') plain++;
    }
    // Enough runs that read, not only errors.
    expect(plain).toBeGreaterThan(30);
  });

  it.each([
    [['app.elf', '-o', 'app.hex', '-q']],
    [['app.elf', '-o', 'a.hex', '-r', 'FLASH=0x08000000:64K', '-r', 'B=0x08010000:1K', '--eol', 'LF', '--record-length', '32']],
    [['inspect', 'app.elf', '-r', 'FLASH=0x08000000:64K', '--json']],
    [['a.elf', 'b.elf', '-o', 'c.hex', '--overlap', 'keep', '-o', 'd.hex', '--strict', '--strict']],
    [['-', '-o', 'x.bin', '--base', '0x0']],
  ])('%j', async (argv) => {
    expect(await parseCommandLine(argv, () => '0', 80)).toEqual(await parseCommandLineByYargs(argv, () => '0', 80));
  });
});

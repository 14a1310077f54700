import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/run-cli.js';
import { tempFolder } from './helpers/temp.js';

// The README's error table, row by row: every error names its kind (and the exit code follows
// it), its file and its place, on standard error in GCC's shape and in the --json error object,
// the same with one input as with a good input before it.

const SEED = 'samples/stm32-seed';
const SANE = `${SEED}/sane.elf`;
const REGIONS = ['-r', 'FLASH=0x08000000:0xFF00', '-r', 'IDFLASH=0x0800FF00:256'];
const { path: dir, file } = tempFolder('errors');

interface Row {
  readonly kind: 'usage' | 'input' | 'io' | 'limit';
  readonly exitCode: number;
  /** The inputs, then the other arguments (an output is added when none is given). */
  readonly inputs: readonly string[];
  readonly args: readonly string[];
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly offset?: number;
  /** The other place the error is about (the other record of an overlap), in --json. */
  readonly related?: { readonly file: string; readonly line: number };
  readonly message: RegExp;
}

const badHex = file('bad.hex', ':020000040800F2\n:0400000001020304F1\n:00000001FF\n');
const badChar = file('char.hex', ':020000040800F2\n:04000000010203G4F1\n');
const badSrec = file('bad.srec', 'S00600004844521B\nS1070000010203FF\n');
const truncated = file('truncated.elf', readFileSync(SANE).subarray(0, 100));
const badScript = file('bad.ld', 'MEMORY\n{\n  FLASH (rx) ORIGIN = 0x08000000, LENGTH = 64K\n}\n');
const including = file('including.ld', 'MEMORY\n{\n  INCLUDE gone.ld\n}\n');
const badConfig = file('bad-key.json', JSON.stringify({ windows: ['FLASH=0x08000000:0xFF00'], fil: 1 }, null, 2));
const badLayout = file('bad-layout.json', JSON.stringify({ dfuseLayout: '@Flash /0x08000000/04*016Kx' }, null, 2));
const badLength = file('bad-length.json', JSON.stringify({ windows: ['FLASH=0x08000000:0xFF00', 'IDFLASH=0x0800FF00:256'], recordLength: 300 }, null, 2));
const badPackage = file('package.json', JSON.stringify({ name: 'fw', flashcut: { recordLength: 0 } }, null, 2));
const badSrecSum = file('sum.srec', 'S00600004844521B\nS1070000010203FF\n'.replace('S1070000010203FF', 'S1060000010203FF'));
// Line 3 puts 0x09 at 0x08000001, where line 2 put 0x02.
const overlapHex = file('overlap.hex', ':020000040800F2\n:0400000001020304F2\n:01000100090000\n:00000001FF\n'.replace(':01000100090000', ':0100010009F5'));
const noEnd = file('no-end.hex', ':020000040800F2\n:0400000001020304F2\n\n');
const noTermination = file('no-end.srec', 'S00600004844521B\nS107000001020304EE\n');
const missing = join(dir, 'missing.elf');
const out = join(dir, 'out.hex');

const ROWS: readonly [string, Row][] = [
  ['an unknown option', { kind: 'usage', exitCode: 2, inputs: [SANE], args: ['--frobnicate', ...REGIONS], message: /unknown option --frobnicate/ }],
  ['a bad option value', { kind: 'usage', exitCode: 2, inputs: [SANE], args: ['-r', 'FLASH=0x08000000:0'], message: /--region 'FLASH=0x08000000:0': the length is zero/ }],
  [
    'a malformed ELF',
    { kind: 'input', exitCode: 1, inputs: [truncated], args: REGIONS, file: truncated, offset: 0x34, message: /program header table .* runs past the end of the 100-byte file/ },
  ],
  ['a bad HEX checksum', { kind: 'input', exitCode: 1, inputs: [badHex], args: [], file: badHex, line: 2, column: 18, message: /checksum 0xF1 is wrong/ }],
  ['a HEX without its end-of-file record', { kind: 'input', exitCode: 1, inputs: [noEnd], args: [], file: noEnd, line: 3, message: /^no end-of-file \(01\) record: the file is empty or cut short$/ }],
  ['an S-record file without its termination record', { kind: 'input', exitCode: 1, inputs: [noTermination], args: [], file: noTermination, line: 3, message: /^no termination \(S7, S8 or S9\) record/ }],
  ['a bad S-record checksum', { kind: 'input', exitCode: 1, inputs: [badSrecSum], args: [], file: badSrecSum, line: 2, column: 15, message: /^checksum 0xFF is wrong: the record's bytes need 0xF3$/ }],
  [
    'two HEX records with different bytes at one address',
    { kind: 'input', exitCode: 1, inputs: [overlapHex], args: [], file: overlapHex, line: 3, related: { file: overlapHex, line: 2 }, message: new RegExp(`^different bytes at 0x08000001: 0x09 here, 0x02 at ${escaped(overlapHex)}:2$`) },
  ],
  ['a bad HEX character', { kind: 'input', exitCode: 1, inputs: [badChar], args: [], file: badChar, line: 2, column: 16, message: /'G' in column 16 is not a hex digit/ }],
  ['a bad S-record count', { kind: 'input', exitCode: 1, inputs: [badSrec], args: [], file: badSrec, line: 2, message: /the count byte says 7 bytes follow, but 6 do/ }],
  [
    'a malformed linker script',
    { kind: 'input', exitCode: 1, inputs: [SANE], args: ['--ld', badScript], file: badScript, line: 3, column: 14, message: /expected ':' after the region name FLASH \(rx\)/ },
  ],
  ['a bad configuration key', { kind: 'input', exitCode: 1, inputs: [SANE], args: ['--config', badConfig, ...REGIONS], file: badConfig, line: 5, column: 3, message: /^"fil": no such setting/ }],
  // The file is the error's place, so the message does not name it again.
  ['a bad DfuSe layout in the configuration', { kind: 'input', exitCode: 1, inputs: [SANE], args: ['--config', badLayout], file: badLayout, line: 2, column: 3, message: /^"dfuseLayout", character 20: expected a sector run/ }],
  ['a bad DfuSe layout on the command line', { kind: 'usage', exitCode: 2, inputs: [SANE], args: ['--dfuse-layout', '@Flash /0x08000000/04*016Kx'], message: /^--dfuse-layout, character 20: expected a sector run/ }],
  // A value only the writer can check is still the configuration's or the flag's, never the output's.
  ['a configured value a writer refuses', { kind: 'input', exitCode: 1, inputs: [SANE], args: ['--config', badLength], file: badLength, line: 6, column: 3, message: /^"recordLength" 300: an Intel HEX record holds 1 to 255 bytes$/ }],
  [
    'a configured value a writer refuses, in a package.json',
    { kind: 'input', exitCode: 1, inputs: [SANE], args: ['--config', badPackage, ...REGIONS], file: badPackage, line: 4, column: 5, message: /^"flashcut\.recordLength" 0: an Intel HEX record holds 1 to 255 bytes$/ },
  ],
  ['a flag value a writer refuses', { kind: 'usage', exitCode: 2, inputs: [SANE], args: [...REGIONS, '--record-length', '0'], message: /^--record-length 0: an Intel HEX record holds 1 to 255 bytes$/ }],
  [
    'a flag over a configured value, refused by a writer',
    { kind: 'usage', exitCode: 2, inputs: [SANE], args: ['--config', badLength, '--record-length', '256'], message: /^--record-length 256: an Intel HEX record holds 1 to 255 bytes$/ },
  ],
  [
    'a --pad-to below the end of the image',
    { kind: 'usage', exitCode: 2, inputs: [SANE], args: [...REGIONS, '--pad-to', '0x08000100', '-o', join(dir, 'p.bin')], message: /^--pad-to 0x08000100: the image runs to 0x0800FF0F, and padding cannot shorten the file/ },
  ],
  ['nothing inside the windows', { kind: 'input', exitCode: 1, inputs: [SANE], args: ['-r', 'OTP=0x1FFF7800:528'], message: /nothing to write/ }],
  ['a missing input', { kind: 'io', exitCode: 4, inputs: [missing], args: REGIONS, file: missing, message: /^cannot read it: no such file or directory$/ }],
  ['a missing linker script', { kind: 'io', exitCode: 4, inputs: [SANE], args: ['--ld', join(dir, 'gone.ld')], file: join(dir, 'gone.ld'), message: /^cannot read it: no such file or directory$/ }],
  ['a missing configuration', { kind: 'io', exitCode: 4, inputs: [SANE], args: ['--config', join(dir, 'gone.json')], file: join(dir, 'gone.json'), message: /^cannot read it: no such file or directory$/ }],
  ['a missing INCLUDE', { kind: 'io', exitCode: 4, inputs: [SANE], args: ['--ld', including], file: including, line: 3, column: 11, message: /^INCLUDE gone\.ld: not found in / }],
  [
    'an output that cannot be written',
    { kind: 'io', exitCode: 4, inputs: [SANE], args: [...REGIONS, '-o', join(dir, 'no folder', 'x.hex')], file: join(dir, 'no folder', 'x.hex'), message: /^cannot write it: no such file or directory$/ },
  ],
  [
    'a BIN over the gap limit',
    { kind: 'limit', exitCode: 5, inputs: [SANE], args: ['-r', 'A=0x08000000:0x10', '-r', 'B=0x0800FF00:0x100', '--max-gap', '16', '-o', join(dir, 'x.bin')], file: join(dir, 'x.bin'), message: /more than --max-gap 16: write Intel HEX, or one BIN per window with --split$/ },
  ],
];

function escaped(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `FILE:LINE:COL: ` as GCC prints it, or nothing without a file. */
function place(row: Row): string {
  if (row.file === undefined) return '';
  return [row.file, row.line, row.line === undefined ? undefined : row.column].filter((p) => p !== undefined).join(':') + ': ';
}

describe.each([
  ['one input', (row: Row) => row.inputs],
  // A good input first: the error must still name its own file, never depend on how many inputs there are.
  ['a good input before it', (row: Row) => (row.inputs[0] === SANE ? row.inputs : [SANE, ...row.inputs])],
])('errors with %s', (_, inputsOf) => {
  it.each(ROWS)('%s', async (_, row) => {
    const args = [...inputsOf(row), ...row.args, ...(row.args.includes('-o') ? [] : ['-o', out])];
    const text = await runCli(args);
    expect(text.code).toBe(row.exitCode);
    const line = text.stderr.trimEnd();
    expect(line.split('\n')).toHaveLength(1);
    expect(line.startsWith(`flashcut: ${place(row)}error: `), line).toBe(true);
    expect(line.slice(`flashcut: ${place(row)}error: `.length)).toMatch(row.message);

    const json = await runCli([...args, '--json']);
    expect(json.code).toBe(row.exitCode);
    const { exitCode, status, error } = JSON.parse(json.stdout) as { exitCode: number; status: string; error: Record<string, unknown> };
    expect({ exitCode, status }).toEqual({ exitCode: row.exitCode, status: 'error' });
    const { kind, file: inFile, line: onLine, column } = error;
    expect({ kind, file: inFile, line: onLine, column }).toEqual({ kind: row.kind, file: row.file, line: row.line, column: row.column });
    if (row.offset !== undefined) expect(error.offset).toBe(row.offset);
    expect(error.related).toEqual(row.related);
    expect(error.message).toMatch(row.message);
  });
});

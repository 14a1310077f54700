/**
 * Every message is one line with no control character from a file in it; a closed pipe ends
 * the run quietly; configuration keys named after object built-ins are unknown keys.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildElf, SHF_ALLOC, SHT_PROGBITS } from './helpers/elf-builder.js';
import { runCli } from './helpers/run-cli.js';
import { tempFolder } from './helpers/temp.js';

const ROOT = new URL('../', import.meta.url).pathname;
const CLI = join(ROOT, 'bin/flashcut.js');
const SAMPLE = join(ROOT, 'samples/stm32-seed/sane.elf');
const { path: dir, file } = tempFolder('messages');
const input = file('in.elf', readFileSync(SAMPLE));
const REGION = ['-r', 'FLASH=0x08000000:64K'];
/** Any control character but the newline that ends the line. */
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

function expectOneCleanLine(stderr: string): void {
  expect(stderr).toMatch(/^flashcut: [^\n]*error: [^\n]+\n$/);
  expect(stderr).not.toMatch(CONTROL);
}

describe('one line per message', () => {
  it.each([
    ['--eol', 'x'],
    ['--srec-type', '5'],
    ['--input-format', 'q'],
    ['--overlap', 'z'],
  ])('a bad value of %s', async (option, value) => {
    const { code, stderr } = await runCli([input, '-o', join(dir, 'o.hex'), option, value, ...REGION]);
    expect(code).toBe(2);
    expectOneCleanLine(stderr);
  });

  it('a configuration key holding a newline and an escape sequence: escaped, one line', async () => {
    const config = file('nl.json', JSON.stringify({ 'a\nb\u001b[2Jc': 1 }));
    const { code, stderr } = await runCli([input, '--config', config, '-o', join(dir, 'o.hex')]);
    expect(code).toBe(1);
    expectOneCleanLine(stderr);
    expect(stderr).toContain('"a\\nb\\e[2Jc"');
  });

  it('a linker-script string with an escape sequence: escaped', async () => {
    const script = file('esc.ld', 'INCLUDE "x\u001b]0;owned\u0007y"\n');
    const { code, stderr } = await runCli([input, '--ld', script, '-o', join(dir, 'o.hex')]);
    expect(code).toBe(4);
    expectOneCleanLine(stderr);
    expect(stderr).toContain('x\\e]0;owned\\x07y');
  });

  it('a section name with control characters: escaped in the summary and in inspect, coloured or not', async () => {
    const elf = file('names.elf', buildElf({ segments: [{ paddr: 0x0800_0000, data: 16 }], sections: [{ name: '.text\u001b[2J\u009b\r', segment: 0, type: SHT_PROGBITS, flags: SHF_ALLOC }] }));
    for (const colour of [false, true]) {
      const inspect = await runCli(['inspect', elf, ...REGION], { colour: { stdout: colour, stderr: colour } });
      expect(inspect.code).toBe(0);
      expect(inspect.stdout).toContain('.text\\e[2J\\x9B\\r');
      expect(inspect.stdout.replace(/\u001b\[(?:0|1|31|32|33)m/g, '')).not.toMatch(CONTROL);
      const convert = await runCli([elf, '-o', join(dir, 'names.hex'), ...REGION], { colour: { stdout: colour, stderr: colour } });
      expect(convert.code).toBe(0);
      expect(convert.stderr.replace(/\u001b\[(?:0|1|31|32|33)m/g, '')).not.toMatch(CONTROL);
    }
  });

  it('a configuration nested 100,000 deep: one line, no internal error', async () => {
    const config = file('deep.json', `{"windows": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    const { code, stderr } = await runCli([input, '--config', config, '-o', join(dir, 'o.hex')]);
    expect(code).toBe(1);
    expectOneCleanLine(stderr);
    expect(stderr).not.toMatch(/internal error/);
  });
});

describe('a closed pipe', () => {
  it('inspect | head: exit 141 as after SIGPIPE, nothing on stderr', () => {
    const sections = Array.from({ length: 5000 }, (_, i) => ({ name: `.s${i}`, segment: 0, offset: i * 4, size: 4, type: SHT_PROGBITS, flags: SHF_ALLOC }));
    const elf = file('many.elf', buildElf({ segments: [{ paddr: 0x0800_0000, data: 20_000 }], sections }));
    const result = spawnSync('sh', ['-c', '"$0" "$@" | head -1 >/dev/null; echo "status $?" >&2', process.execPath, CLI, 'inspect', elf], { encoding: 'utf8' });
    // The shell's own status is head's; flashcut's shows in its silence.
    expect(result.stderr).toBe('status 0\n');
    const own = spawnSync('bash', ['-c', '"$0" "$@" | head -1 >/dev/null; echo "${PIPESTATUS[0]}" >&2', process.execPath, CLI, 'inspect', elf], { encoding: 'utf8' });
    expect(own.stderr).toBe('141\n');
  });
});

describe('configuration keys named after object built-ins', () => {
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'])('%s is an unknown key', async (key) => {
    const config = file(`${key}.json`, `{"windows": ["FLASH=0x08000000:64K"], ${JSON.stringify(key)}: {"ld": "x.ld"}}`);
    const { code, stderr } = await runCli([input, '--config', config, '-o', join(dir, 'o.hex')]);
    expect(code).toBe(1);
    expect(stderr).toMatch(new RegExp(`"${key}": no such setting`));
  });
});

describe('the installed command', () => {
  // bin/ runs the bundle through its compile cache (a vm.Script): a dynamic import() fails there.
  it('--json through bin/flashcut.js reports, it is no internal error', () => {
    const result = spawnSync(process.execPath, [CLI, input, '--json', '-o', join(dir, 'json.hex'), ...REGION], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'ok' });
  });
});

/**
 * Bounded memory and depth: hostile but small inputs either convert or fail with one line,
 * never "internal error", a stack overflow or a V8 heap abort.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_SCRIPT_BYTES } from '../src/cli/ld-file.js';
import { readLinkerScript } from './helpers/linker-script.js';
import { MAX_SECTION_NAME, parseElf } from '../src/read/elf/parse.js';
import { parseLinkerScript } from '../src/windows/ld-script.js';
import { validateConfig } from '../src/config/project-config.js';
import { nearest } from '../src/config/option-table.js';
import { buildElf, SHF_ALLOC, SHT_PROGBITS } from './helpers/elf-builder.js';
import { runCli } from './helpers/run-cli.js';
import { SCALING_CASES, type ScalingCase } from '../scripts/scaling-inputs.js';

/** Sets every section's sh_name (after the first `skip`) to `name(k)`; the builder writes little-endian headers. */
function patchNames(elf: Uint8Array, skip: number, name: (k: number) => number): Uint8Array {
  const v = new DataView(elf.buffer, elf.byteOffset, elf.byteLength);
  const shoff = v.getUint32(32, true);
  const shnum = v.getUint16(48, true);
  // The last section is .shstrtab itself, which keeps its own name.
  for (let k = skip; k < shnum - 1; k++) v.setUint32(shoff + k * 40, name(k), true);
  return elf;
}

describe('section names', () => {
  it('3,000 names at different offsets of one 100 KB string: each decoded once, cut at MAX_SECTION_NAME', () => {
    const long = 'n'.repeat(100_000);
    const sections = [
      { name: long, segment: 0, size: 16, type: SHT_PROGBITS, flags: SHF_ALLOC },
      ...Array.from({ length: 3000 }, () => ({ name: '', segment: 0, size: 0, type: SHT_PROGBITS, flags: 0 })),
    ];
    const elf = patchNames(buildElf({ segments: [{ paddr: 0x0800_0000, data: 16 }], sections }), 2, (k) => 1 + k * 30);
    expect(elf.length).toBeLessThan(250_000);
    const parsed = parseElf(elf);
    expect(parsed.sections).toHaveLength(3003);
    expect(parsed.sections[1]?.name).toBe('n'.repeat(MAX_SECTION_NAME) + '...');
    expect(parsed.sections[2]?.name).toBe('n'.repeat(MAX_SECTION_NAME) + '...');
    expect(Math.max(...parsed.sections.map((s) => s.name.length))).toBe(MAX_SECTION_NAME + 3);
  });
});

describe('linker scripts', () => {
  const memory = (length: string) => `MEMORY { FLASH (rx) : ORIGIN = 0x08000000, LENGTH = ${length} }\n`;

  it.each([20_000, 100_000])('a LENGTH of %i terms (GNU ld links 100,000) is computed', (terms) => {
    const script = parseLinkerScript(memory(Array.from({ length: terms }, () => '1').join(' + ')), { file: 'x.ld' });
    expect(script.regions[0]?.length).toBe(BigInt(terms));
  });

  it('a LENGTH of 20,000 terms at mixed precedence is computed', () => {
    const script = parseLinkerScript(memory(Array.from({ length: 20_000 }, () => '2 * 3').join(' - 1 + ')), { file: 'x.ld' });
    expect(script.regions[0]?.length).toBe(20_000n * 6n - 19_999n);
  });

  it.each([
    ['brackets', (n: number) => '('.repeat(n) + '1' + ')'.repeat(n)],
    ['unary minus', (n: number) => '-'.repeat(n) + '1'],
    ['conditionals', (n: number) => '1 ? '.repeat(n) + '1' + ' : 0'.repeat(n)],
  ])('%s nested 20,000 deep: one line naming the limit', (_, nest) => {
    expect(() => parseLinkerScript(memory(nest(20_000)), { file: 'x.ld' })).toThrow(/^expression nested more than 256 deep$/);
  });
});

describe('INCLUDE reads only regular files, up to a size', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'flashcut-limits-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const script = (include: string) => {
    const path = join(dir, 'app.ld');
    writeFileSync(path, `INCLUDE ${include}\nMEMORY { FLASH (rx) : ORIGIN = 0x08000000, LENGTH = 64K }\n`);
    return path;
  };

  it.each([
    ['/dev/zero', () => '/dev/zero', /INCLUDE \/dev\/zero: cannot read it: a character device, not a regular file$/],
    ['a FIFO', () => (execFileSync('mkfifo', [join(dir, 'fifo')]), 'fifo'), /INCLUDE fifo: cannot read it: a FIFO, not a regular file$/],
    ['a folder', () => (mkdirSync(join(dir, 'sub')), 'sub'), /INCLUDE sub: cannot read it: a folder, not a regular file$/],
    ['a file over the limit', () => (writeFileSync(join(dir, 'big.ld'), ''), truncateSync(join(dir, 'big.ld'), MAX_SCRIPT_BYTES + 1), 'big.ld'), /INCLUDE big\.ld: 16,777,217 bytes, over the limit of 16,777,216 bytes$/],
  ])('%s', (_, make, message) => {
    const name = make();
    expect(() => readLinkerScript(script(name), [])).toThrow(message);
  });

  it('the script itself the same way', () => {
    expect(() => readLinkerScript('/dev/zero', [])).toThrow(/^cannot read it: a character device, not a regular file$/);
  });
});

describe('many segments and findings', () => {
  const segments = (n: number) => buildElf({ segments: Array.from({ length: n }, (_, i) => ({ paddr: 0x0800_0000 + 8 * i, data: 4 })), sections: 'none' });

  it('a summary of 30,000 dropped ranges, inspect of 65,534 segments and --json: no internal error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flashcut-many-'));
    try {
      const many = join(dir, 'seg.elf');
      writeFileSync(many, segments(65_534));
      const summary = await runCli([many, '-o', join(dir, 'keep.hex'), '-r', 'FLASH=0x08000000:4']);
      expect(summary.code, summary.stderr.slice(-300)).toBe(0);
      const inspect = await runCli(['inspect', many, '-r', 'FLASH=0x08000000:4']);
      expect(inspect.code, inspect.stderr).toBe(0);
      const json = await runCli([many, '--json', '-o', join(dir, 'j.hex')]);
      expect(json.code, json.stderr).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('150,000 windows (issue 11 item 4)', () => {
  const byName = (name: string) => SCALING_CASES.find((c) => c.name.startsWith(name)) as ScalingCase;
  const run = async (c: ScalingCase, extra: (dir: string) => string[] = () => []) => {
    const dir = mkdtempSync(join(tmpdir(), 'flashcut-windows-'));
    try {
      for (const f of c.files(150_000)) writeFileSync(join(dir, f.name), f.bytes);
      return await runCli([...c.argv(dir, 150_000), ...extra(dir)]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it.each(['many -r windows', 'many --region=', 'linker script with many MEMORY regions'])('%s: converts, no internal error', async (name) => {
    const { code, stderr } = await run(byName(name));
    expect(code, stderr.slice(-300)).toBe(0);
    expect(stderr).not.toMatch(/internal error/);
  });

  it('in a configuration: converts, no internal error', async () => {
    const c = byName('many -r windows');
    const windows = Array.from({ length: 150_000 }, (_, i) => `R${i}=0x${(0x0800_0000 + 16 * i).toString(16)}:16`);
    const { code, stderr } = await run({ ...c, argv: (dir) => [join(dir, 'app.elf'), '-o', join(dir, 'out.hex')] }, (dir) => {
      writeFileSync(join(dir, 'flashcut.config.json'), JSON.stringify({ windows }));
      return ['--config', join(dir, 'flashcut.config.json')];
    });
    expect(code, stderr.slice(-300)).toBe(0);
    expect(stderr).not.toMatch(/internal error/);
  });
});

describe('unknown names are matched against the known ones in bounded time', () => {
  it('a configuration key of 4 MB (the size limit) is refused at once, not after minutes of edit distances', () => {
    const started = performance.now();
    expect(() => validateConfig({ ['k'.repeat(4_000_000)]: 1 }, 'flashcut.config.json')).toThrow(/no such setting/);
    // The full edit-distance table was 4,000,000 x ~15 cells for each known key: 14 s.
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('a near miss still gets its suggestion', () => {
    expect(nearest('recordlength', ['recordLength', 'fill'])).toBe('recordLength');
  });
});

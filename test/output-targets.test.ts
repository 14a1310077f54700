/**
 * Where outputs go: special files are written, not replaced; several outputs are put in place
 * together or not at all; no output replaces a file the run read; a replaced file keeps its
 * mode and owner; a name near the length limit works.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  closeSync,
  existsSync,
  lchownSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { realFs, stageOutputs, type AtomicWriteFs } from '../src/cli/atomic-write.js';
import { main } from '../src/cli/main.js';

const ROOT = new URL('../', import.meta.url).pathname;
const CLI = join(ROOT, 'bin/flashcut.js');
const SAMPLE = join(ROOT, 'samples/stm32-seed/sane.elf');
const REGIONS = ['-r', 'FLASH=0x08000000:0xFF00', '-r', 'IDFLASH=0x0800FF00:256'];
const OLD = 'previous output, must survive\n';
const asRoot = process.getuid?.() === 0;

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'flashcut-targets-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function runMain(argv: string[], cwd?: string): Promise<{ code: number; stderr: string; stdout: Buffer }> {
  let stderr = '';
  const stdout = new PassThrough();
  const out: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  const before = process.cwd();
  if (cwd) process.chdir(cwd);
  try {
    const code = await main(argv, { stdout, stderr: { write: (t: string) => (stderr += t) }, width: 80 });
    return { code, stderr, stdout: Buffer.concat(out) };
  } finally {
    process.chdir(before);
  }
}

const file = (name: string, bytes: Uint8Array | string = OLD) => {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
};
const input = () => file('in.elf', readFileSync(SAMPLE));
/** The HEX that a plain conversion of the sample gives, to compare special-file outputs with. */
async function expectedHex(): Promise<Buffer> {
  const out = join(dir, 'expected.hex');
  expect((await runMain([input(), '-o', out, ...REGIONS, '-q'])).code).toBe(0);
  return readFileSync(out);
}
const temporaries = () => readdirSync(dir).filter((f) => f.startsWith('.flashcut-'));

describe('special files are written, not replaced', () => {
  it('a FIFO receives the bytes and stays a FIFO', async () => {
    const expected = await expectedHex();
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const reader = spawn('cat', [fifo]);
    const got: Buffer[] = [];
    reader.stdout.on('data', (c: Buffer) => got.push(c));
    const done = new Promise((resolve) => reader.on('close', resolve));
    const { code, stderr } = await runMain([input(), '-o', fifo, '-f', 'hex', ...REGIONS, '-q']);
    await done;
    expect(code, stderr).toBe(0);
    expect(Buffer.concat(got)).toEqual(expected);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  it.skipIf(!asRoot)('a character device made with mknod (./mynull) stays one (root only: mknod)', async () => {
    const node = join(dir, 'mynull');
    execFileSync('mknod', [node, 'c', '1', '3']);
    const { code, stderr } = await runMain([input(), '-o', node, '-f', 'hex', ...REGIONS, '-q']);
    expect(code, stderr).toBe(0);
    expect(lstatSync(node).isCharacterDevice()).toBe(true);
    expect(temporaries()).toEqual([]);
  });

  // The system's /dev/null and /dev/stdout are tried only where a regression cannot replace
  // them (not as root); as root, the same kinds of node made in the test folder stand in.
  it.skipIf(asRoot)('/dev/null stays the system device', async () => {
    const before = lstatSync('/dev/null');
    const { code, stderr } = await runMain([input(), '-o', '/dev/null', '-f', 'hex', ...REGIONS, '-q']);
    expect(code, stderr).toBe(0);
    const after = lstatSync('/dev/null');
    expect([after.isCharacterDevice(), after.ino, after.rdev]).toEqual([true, before.ino, before.rdev]);
  });

  it('a link like /dev/stdout (to /proc/self/fd/1) is written through, to a pipe and to a redirected file, and stays a link', async () => {
    const expected = await expectedHex();
    const stdout = asRoot ? join(dir, 'stdout') : '/dev/stdout';
    if (asRoot) symlinkSync('/proc/self/fd/1', stdout);
    const args = [CLI, input(), '-o', stdout, '-f', 'hex', ...REGIONS, '-q'];
    // A shell pipe (Node's own child pipes are sockets, which /proc/self/fd/1 cannot open).
    const piped = spawnSync('sh', ['-c', '"$0" "$@" | cat', process.execPath, ...args]);
    expect(piped.status, piped.stderr.toString()).toBe(0);
    expect(piped.stdout).toEqual(expected);
    const redirected = join(dir, 'redirected.hex');
    const fd = openSync(redirected, 'w');
    const toFile = spawnSync(process.execPath, args, { stdio: ['ignore', fd, 'pipe'] });
    closeSync(fd);
    expect(toFile.status, toFile.stderr.toString()).toBe(0);
    expect(readFileSync(redirected)).toEqual(expected);
    expect(lstatSync(stdout).isSymbolicLink()).toBe(true);
  });

  it('a symbolic link to a file stays a link, and its file gets the bytes', async () => {
    const expected = await expectedHex();
    const real = file('real.hex');
    const link = join(dir, 'link.hex');
    symlinkSync(real, link);
    const { code, stderr } = await runMain([input(), '-o', link, ...REGIONS, '-q']);
    expect(code, stderr).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(real)).toEqual(expected);
  });

  it.skipIf(!asRoot)("another user's link in a sticky world-writable folder is not followed (root only: lchown)", async () => {
    const shared = join(dir, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    const victim = file('victim.txt');
    const link = join(shared, 'out.hex');
    symlinkSync(victim, link);
    lchownSync(link, 65534, 65534);
    const { code, stderr } = await runMain([input(), '-o', link, ...REGIONS, '-q']);
    expect([code, stderr]).toEqual([4, expect.stringMatching(/out\.hex: error: cannot write it: a symbolic link of another user in a shared folder/)]);
    expect(readFileSync(victim, 'utf8')).toBe(OLD);
    expect(readdirSync(shared)).toEqual(['out.hex']);
  });
});

describe('several outputs are put in place together or not at all', () => {
  it('a configured output that cannot be written leaves the other one as it was', async () => {
    const kept = file('a.hex');
    file('flashcut.config.json', JSON.stringify({ output: ['a.hex', 'missing/b.hex'] }));
    const { code, stderr } = await runMain([input(), ...REGIONS, '-q']);
    expect([code, stderr]).toEqual([4, expect.stringMatching(/^flashcut: .*missing\/b\.hex: error: cannot write it: no such file or directory\n$/)]);
    expect(readFileSync(kept, 'utf8')).toBe(OLD);
    expect(temporaries()).toEqual([]);
  });

  it.skipIf(!asRoot)('a special file that fails (a /dev/full made with mknod) leaves the regular output as it was (root only: mknod)', async () => {
    const kept = file('a.hex');
    execFileSync('mknod', [join(dir, 'full'), 'c', '1', '7']);
    file('flashcut.config.json', JSON.stringify({ output: ['a.hex', 'full'], format: 'hex' }));
    const { code, stderr } = await runMain([input(), ...REGIONS, '-q']);
    expect([code, stderr]).toEqual([4, expect.stringMatching(/full: error: cannot write it: no space left on device\n$/)]);
    expect(readFileSync(kept, 'utf8')).toBe(OLD);
    expect(temporaries()).toEqual([]);
  });

  it('a --split file that is a folder fails before any file is replaced', async () => {
    const flash = file('out.FLASH.bin');
    mkdirSync(join(dir, 'out.IDFLASH.bin'));
    const { code, stderr } = await runMain([input(), '-o', join(dir, 'out.bin'), '--split', ...REGIONS, '-q']);
    expect([code, stderr]).toEqual([2, expect.stringMatching(/out\.IDFLASH\.bin' is a folder/)]);
    expect(readFileSync(flash, 'utf8')).toBe(OLD);
  });

  it('a failure while staging the second file removes the first temporary and touches neither target', async () => {
    const a = file('a.bin');
    const b = file('b.bin');
    let opened = 0;
    const io: AtomicWriteFs = {
      ...realFs,
      open: async (path, mode) => {
        if (++opened === 2) throw Object.assign(new Error('EMFILE: too many open files, open'), { code: 'EMFILE', syscall: 'open' });
        return realFs.open(path, mode);
      },
    };
    await expect(stageOutputs([{ path: a, chunks: [new Uint8Array(10)] }, { path: b, chunks: [new Uint8Array(10)] }], io)).rejects.toThrow(/EMFILE/);
    expect([readFileSync(a, 'utf8'), readFileSync(b, 'utf8')]).toEqual([OLD, OLD]);
    expect(temporaries()).toEqual([]);
  });

  it('nothing is put in place before the report is made: a failing summary leaves the output', async () => {
    vi.resetModules();
    vi.doMock('../src/cli/report.js', async (original) => ({
      ...(await original<typeof import('../src/cli/report.js')>()),
      summaryLines: () => {
        throw new RangeError('Maximum call stack size exceeded');
      },
    }));
    try {
      const { main: mocked } = await import('../src/cli/main.js');
      const out = file('keep.hex');
      let stderr = '';
      const code = await mocked([input(), '-o', out, ...REGIONS], { stdout: new PassThrough(), stderr: { write: (t: string) => (stderr += t) }, width: 80 });
      expect([code, stderr]).toEqual([70, expect.stringMatching(/^flashcut: error: internal error: /)]);
      expect(readFileSync(out, 'utf8')).toBe(OLD);
      expect(temporaries()).toEqual([]);
    } finally {
      vi.doUnmock('../src/cli/report.js');
      vi.resetModules();
    }
  });
});

describe('no output replaces a file the run read', () => {
  const refused = (stderr: string, role: string) => expect(stderr).toMatch(new RegExp(`is ${role}: refusing to overwrite it\\n$`));

  it('the --ld script', async () => {
    file('memory.ld', readFileSync(join(ROOT, 'samples/stm32-seed/memory.ld')));
    const script = file('app.ld', readFileSync(join(ROOT, 'samples/stm32-seed/sane.ld')));
    const before = readFileSync(script);
    const { code, stderr } = await runMain([input(), '--ld', script, '-f', 'hex', '-o', script, '-q']);
    expect(code).toBe(2);
    refused(stderr, 'the linker script');
    expect(readFileSync(script)).toEqual(before);
  });

  it('a file the linker script INCLUDEs', async () => {
    const memory = file('memory.ld', 'MEMORY { FLASH (rx) : ORIGIN = 0x08000000, LENGTH = 64K }\n');
    const script = file('app.ld', 'INCLUDE memory.ld\n');
    const { code, stderr } = await runMain([input(), '--ld', script, '-f', 'hex', '-o', memory, '-q']);
    expect(code).toBe(2);
    refused(stderr, 'a file the linker script INCLUDEs');
    expect(readFileSync(memory, 'utf8')).toMatch(/^MEMORY/);
  });

  it('the project configuration', async () => {
    const config = file('flashcut.config.json', JSON.stringify({ windows: ['FLASH=0x08000000:64K'] }));
    const { code, stderr } = await runMain([input(), '-f', 'hex', '-o', config, '-q']);
    expect(code).toBe(2);
    refused(stderr, 'the project configuration');
    expect(JSON.parse(readFileSync(config, 'utf8'))).toEqual({ windows: ['FLASH=0x08000000:64K'] });
  });

  it('a hard link to the input (same device and inode, another path)', async () => {
    const elf = input();
    const twin = join(dir, 'twin.hex');
    linkSync(elf, twin);
    const { code, stderr } = await runMain([elf, '-o', twin, ...REGIONS, '-q']);
    expect(code).toBe(2);
    refused(stderr, 'the input file');
    expect(readFileSync(elf)).toEqual(readFileSync(SAMPLE));
  });

  it('a --split file that is an input', async () => {
    const flashBin = file('app.FLASH.bin', new Uint8Array(64).fill(7));
    const { code, stderr } = await runMain([`${flashBin}@0x08000000`, '-o', join(dir, 'app.bin'), '--split', '-r', 'FLASH=0x08000000:64K', '-q']);
    expect(code).toBe(2);
    refused(stderr, 'the input file');
    expect(readFileSync(flashBin)).toEqual(Buffer.alloc(64, 7));
  });
});

describe('replacing a file', () => {
  it('keeps its mode', async () => {
    const out = file('out.hex');
    chmodSync(out, 0o640);
    expect((await runMain([input(), '-o', out, ...REGIONS, '-q'])).code).toBe(0);
    expect(statSync(out).mode & 0o7777).toBe(0o640);
  });

  it.skipIf(!asRoot)('keeps its owner where permitted (root only: chown)', async () => {
    const out = file('out.hex');
    chownSync(out, 65534, 65534);
    expect((await runMain([input(), '-o', out, ...REGIONS, '-q'])).code).toBe(0);
    expect([statSync(out).uid, statSync(out).gid]).toEqual([65534, 65534]);
  });

  it('works for a name of 255 bytes, the usual limit, since the temporary name is short', async () => {
    const out = join(dir, 'a'.repeat(251) + '.hex');
    writeFileSync(out, OLD);
    const { code, stderr } = await runMain([input(), '-o', out, ...REGIONS, '-q']);
    expect(code, stderr).toBe(0);
    expect(readFileSync(out, 'latin1')).toMatch(/^:020000040800F2/);
    expect(existsSync(out)).toBe(true);
  });
});

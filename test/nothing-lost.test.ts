/**
 * Nothing lost: whatever goes wrong, an existing output file keeps its bytes, no temporary
 * file stays behind, and the input is never overwritten. Then determinism: the same input
 * and options give the same bytes, wherever the files are.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { realFs, writeFileAtomic, type AtomicWriteFs } from '../src/cli/atomic-write.js';
import { buildElf } from './helpers/elf-builder.js';
import { runCli } from './helpers/run-cli.js';

const ROOT = new URL('../', import.meta.url).pathname;
const CLI = join(ROOT, 'bin/flashcut.js');
const SAMPLE = join(ROOT, 'samples/stm32-seed/sane.elf');
const SEED_REGIONS = ['-r', 'FLASH=0x08000000:0xFF00', '-r', 'IDFLASH=0x0800FF00:256'];
const OLD = new TextEncoder().encode('previous output, must survive\n');

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'flashcut-lost-'));
});
afterEach(() => {
  chmodSync(dir, 0o755);
  rmSync(dir, { recursive: true, force: true });
});

/** Files in the folder other than the ones named: a temporary file would show here. */
function strayFiles(folder: string, expected: string[]): string[] {
  return readdirSync(folder).filter((f) => !expected.includes(f));
}

function file(name: string, bytes: Uint8Array | string): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

describe('an existing output survives every kind of failure', () => {
  const good = () => file('in.elf', readFileSync(SAMPLE));
  // The BIN-only failures are tried with a BIN output only: HEX ignores BIN options.
  const bin = ['out.bin'];
  const both = ['out.hex', 'out.bin'];
  const cases: [string, () => string[], string[]][] = [
    ['input is not an ELF', () => [file('in.elf', 'not an elf'), '-o'], both],
    ['input is truncated', () => [file('in.elf', readFileSync(SAMPLE).subarray(0, 100)), '-o'], both],
    ['input is missing', () => [join(dir, 'missing.elf'), '-o'], both],
    ['nothing inside the windows', () => [good(), '-r', 'OTP=0x1FFF7800:528', '-o'], both],
    ['a bad --region', () => [good(), '-r', 'FLASH=0x08000000:0', '-o'], both],
    ['an unknown option', () => [good(), '--frobnicate', '-o'], both],
    ['a BIN over --max-gap', () => [good(), '-r', 'A=0x08000000:0x10', '-r', 'B=0x0800FF00:0x100', '--max-gap', '16', '-o'], bin],
    ['--base above the lowest byte', () => [good(), '--base', '0x08000100', '-o'], bin],
    ['an impossible --fill', () => [good(), '--fill', '0x100', '-o'], bin],
  ];

  it.each(cases)('%s', async (_, args, outputs) => {
    for (const name of outputs) {
      const out = file(name, OLD);
      const { code, stderr } = await runCli([...args(), out]);
      expect(code, stderr).not.toBe(0);
      expect(stderr).toMatch(/^flashcut: (\S+: )?error: .+\n/);
      expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(readFileSync(out)).toEqual(Buffer.from(OLD));
    }
    expect(strayFiles(dir, ['in.elf', 'out.hex', 'out.bin'])).toEqual([]);
  });
});

describe('refused outputs', () => {
  it('an output path that is a folder', async () => {
    mkdirSync(join(dir, 'out.hex'));
    const { code, stderr } = await runCli([file('in.elf', readFileSync(SAMPLE)), '-o', join(dir, 'out.hex'), ...SEED_REGIONS]);
    expect([code, stderr]).toEqual([2, expect.stringMatching(/is a folder/)]);
    expect(readdirSync(join(dir, 'out.hex'))).toEqual([]);
  });

  it.each([
    ['the same path', (input: string) => input],
    ['the same file by another spelling', () => join(dir, '.', 'x', '..', 'in.elf')],
    ['a symlink to the input', (input: string) => (symlinkSync(input, join(dir, 'link.hex')), join(dir, 'link.hex'))],
  ])('output equal to the input: %s', async (_, target) => {
    const input = file('in.elf', readFileSync(SAMPLE));
    const { code, stderr } = await runCli([input, '-f', 'hex', '-o', target(input), ...SEED_REGIONS]);
    expect([code, stderr]).toEqual([2, expect.stringMatching(/is the input file: refusing to overwrite it/)]);
    expect(readFileSync(input)).toEqual(readFileSync(SAMPLE));
  });

  it('a read-only output folder (run as an unprivileged user, since root ignores permissions)', () => {
    const input = file('in.elf', readFileSync(SAMPLE));
    const out = file('out.hex', OLD);
    const asRoot = process.getuid?.() === 0;
    if (asRoot) for (const path of [dir, input, out]) chownSync(path, 65534, 65534);
    chmodSync(dir, 0o555);
    const result = spawnSync(process.execPath, [CLI, input, '-o', out, ...SEED_REGIONS], {
      encoding: 'utf8',
      ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
    });
    expect(result.status, result.stderr).toBe(4);
    expect(result.stderr).toMatch(/^flashcut: .*out\.hex: error: cannot write it: permission denied/);
    expect(readFileSync(out)).toEqual(Buffer.from(OLD));
    expect(strayFiles(dir, ['in.elf', 'out.hex'])).toEqual([]);
  });
});

describe('a write that fails midway', () => {
  // 64 KiB each, so that each is a write of its own (smaller chunks are gathered into one write).
  const chunks = [new Uint8Array(65536).fill(1), new Uint8Array(65536).fill(2), new Uint8Array(65536).fill(3)];

  const failure = (code: string, text: string, syscall: string) => Object.assign(new Error(`${code}: ${text}, ${syscall}`), { code, syscall });
  // Chunks of 1 MiB: the first is written with a blocking write, the rest on the thread pool; both fail here.
  const big = [1, 2, 3].map((b) => new Uint8Array(1 << 20).fill(b));

  it.each<[string, Uint8Array[], (calls: number) => Partial<AtomicWriteFs>]>([
    ['the disk fills after the first chunk', chunks, (calls) => ({
      writeSync: (fd, bytes) => {
        if (calls > 0) throw failure('ENOSPC', 'no space left on device', 'write');
        return realFs.writeSync(fd, bytes);
      },
    })],
    ['a short write, then an I/O error', chunks, (calls) => ({
      writeSync: (fd, bytes) => {
        if (calls > 1) throw failure('EIO', 'i/o error', 'write');
        return realFs.writeSync(fd, bytes.subarray(0, 10));
      },
    })],
    ['the disk fills during an asynchronous write of a large output', big, (calls) => ({
      write: async (fd, bytes) => {
        if (calls > 1) throw failure('ENOSPC', 'no space left on device', 'write');
        return realFs.write(fd, bytes);
      },
    })],
    ['the rename fails', chunks, () => ({
      rename: () => {
        throw failure('EXDEV', 'cross-device link not permitted', 'rename');
      },
    })],
  ])('%s: the target keeps its bytes and no temporary file remains', async (_, data, failing) => {
    const out = file('out.bin', OLD);
    let calls = 0;
    const io: AtomicWriteFs = {
      ...realFs,
      writeSync: (fd, bytes) => ({ ...realFs, ...failing(calls++) }).writeSync(fd, bytes),
      write: (fd, bytes) => ({ ...realFs, ...failing(calls++) }).write(fd, bytes),
      rename: (from, to) => ({ ...realFs, ...failing(calls) }).rename(from, to),
    };
    await expect(writeFileAtomic(out, data, io)).rejects.toThrow(/ENOSPC|EIO|EXDEV/);
    expect(readFileSync(out)).toEqual(Buffer.from(OLD));
    expect(strayFiles(dir, ['out.bin'])).toEqual([]);
  });

  it('a failing chunk producer: the target keeps its bytes', async () => {
    const out = file('out.bin', OLD);
    function* failing(): Generator<Uint8Array> {
      yield new Uint8Array(10);
      throw new Error('writer failed');
    }
    await expect(writeFileAtomic(out, failing())).rejects.toThrow('writer failed');
    expect(readFileSync(out)).toEqual(Buffer.from(OLD));
    expect(strayFiles(dir, ['out.bin'])).toEqual([]);
  });

  it('the injected file system is really used (the same write succeeds with realFs)', async () => {
    const out = file('out.bin', OLD);
    expect(await writeFileAtomic(out, chunks, realFs)).toBe(3 * 65536);
    expect(readFileSync(out)).toEqual(Buffer.concat(chunks));
  });
});

describe('a signal during a long write', () => {
  // 48 MiB of firmware: about 140 MB of Intel HEX, long enough to be caught mid-write.
  const bigElf = buildElf({ segments: [{ paddr: 0x0800_0000, data: new Uint8Array(48 << 20).fill(0x5a) }] });

  it.each([
    ['SIGHUP', 129],
    ['SIGINT', 130],
    ['SIGQUIT', 131],
    ['SIGTERM', 143],
  ] as const)('%s: exit %i, the old output intact, no temporary file', async (signal, exitCode) => {
    const input = file('big.elf', bigElf);
    const out = file('out.hex', OLD);
    const child = spawn(process.execPath, [CLI, input, '-o', out, '-q'], { stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let signalled = false;
    while (!signalled && child.exitCode === null) {
      if (readdirSync(dir).some((f) => f.startsWith('.flashcut-'))) signalled = child.kill(signal);
      else await new Promise((r) => setTimeout(r, 1));
    }
    expect(signalled, 'the write ended before the temporary file was seen').toBe(true);
    expect(await exited).toBe(exitCode);
    expect(readFileSync(out)).toEqual(Buffer.from(OLD));
    expect(strayFiles(dir, ['big.elf', 'out.hex'])).toEqual([]);
  });
});

describe('deterministic output', () => {
  /** Runs the real CLI in `cwd` and returns the output files' bytes by name. */
  function convertIn(cwd: string, inputName: string, args: string[], outputs: string[]): Buffer[] {
    const result = spawnSync(process.execPath, [CLI, inputName, ...args, '-q'], { cwd, encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    return outputs.map((o) => readFileSync(join(cwd, o)));
  }

  it.each([
    ['Intel HEX', ['-o', 'out.hex'], ['out.hex']],
    ['Intel HEX with LF', ['-o', 'out.hex', '--eol', 'lf'], ['out.hex']],
    ['BIN', ['-o', 'out.bin'], ['out.bin']],
    ['one BIN per window', ['-o', 'out.bin', '--split'], ['out.FLASH.bin', 'out.IDFLASH.bin']],
  ])('%s: two runs from different folders and file names give the same bytes', (_, args, outputs) => {
    const a = join(dir, 'a');
    const b = join(dir, 'somewhere', 'else');
    mkdirSync(a);
    mkdirSync(b, { recursive: true });
    copyFileSync(SAMPLE, join(a, 'app.elf'));
    copyFileSync(SAMPLE, join(b, 'other-name.elf'));
    const first = convertIn(a, 'app.elf', [...args, ...SEED_REGIONS], outputs);
    const second = convertIn(b, 'other-name.elf', [...args, ...SEED_REGIONS], outputs);
    expect(second).toEqual(first);
    const text = Buffer.concat(first).toString('latin1');
    expect(text).not.toMatch(/app\.elf|flashcut-lost|20\d\d-\d\d/);
    expect(outputs.every((o) => existsSync(join(a, o)))).toBe(true);
  });
});

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
import { runCli } from './helpers/run-cli.js';

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

const file = (name: string, bytes: Uint8Array | string = OLD) => {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
};
const input = () => file('in.elf', readFileSync(SAMPLE));
/** The HEX that a plain conversion of the sample gives, to compare special-file outputs with. */
async function expectedHex(): Promise<Buffer> {
  const out = join(dir, 'expected.hex');
  expect((await runCli([input(), '-o', out, ...REGIONS, '-q'])).code).toBe(0);
  return readFileSync(out);
}
const temporaries = () => readdirSync(dir).filter((f) => f.startsWith('.flashcut-'));
/** A reader of an existing FIFO (cat, as `user` if given): `kill` stops it, `bytes` is all it read once it has closed. */
function readFifo(fifo: string, user?: { uid: number; gid: number }): { kill: () => void; bytes: Promise<Buffer> } {
  const reader = spawn('cat', [fifo], { ...user });
  const got: Buffer[] = [];
  reader.stdout.on('data', (c: Buffer) => got.push(c));
  return { kill: () => reader.kill(), bytes: new Promise((resolve) => reader.on('close', () => resolve(Buffer.concat(got)))) };
}

describe('special files are written, not replaced', () => {
  it('a FIFO receives the bytes and stays a FIFO', async () => {
    const expected = await expectedHex();
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const reader = readFifo(fifo);
    const { code, stderr } = await runCli([input(), '-o', fifo, '-f', 'hex', ...REGIONS, '-q']);
    const got = await reader.bytes;
    expect(code, stderr).toBe(0);
    expect(got).toEqual(expected);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  it.skipIf(!asRoot)('a character device made with mknod (./mynull) stays one (root only: mknod)', async () => {
    const node = join(dir, 'mynull');
    execFileSync('mknod', [node, 'c', '1', '3']);
    const { code, stderr } = await runCli([input(), '-o', node, '-f', 'hex', ...REGIONS, '-q']);
    expect(code, stderr).toBe(0);
    expect(lstatSync(node).isCharacterDevice()).toBe(true);
    expect(temporaries()).toEqual([]);
  });

  it('--split beside a FIFO or a character device is refused: its files would be new files beside the device (/dev/null.FLASH)', async () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    // As root a regression would write /dev/null.FLASH, so a link to the device stands in for it there.
    const device = asRoot ? join(dir, 'null-link') : '/dev/null';
    if (asRoot) symlinkSync('/dev/null', device);
    for (const target of [fifo, device]) {
      const { code, stderr } = await runCli([input(), '-o', target, '-f', 'bin', '--split', ...REGIONS]);
      expect(code).toBe(2);
      expect(stderr).toMatch(new RegExp(`^flashcut: error: --split names one BIN file per window after the output, and '${target}' is a (FIFO|character device): give a file name\n$`));
      expect(readdirSync(dir).filter((f) => f.includes('.FLASH') || f.includes('.IDFLASH'))).toEqual([]);
    }
    expect(existsSync('/dev/null.FLASH')).toBe(false);
  });

  // The system's /dev/null and /dev/stdout are tried only where a regression cannot replace
  // them (not as root); as root, the same kinds of node made in the test folder stand in.
  it.skipIf(asRoot)('/dev/null stays the system device', async () => {
    const before = lstatSync('/dev/null');
    const { code, stderr } = await runCli([input(), '-o', '/dev/null', '-f', 'hex', ...REGIONS, '-q']);
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
    const { code, stderr } = await runCli([input(), '-o', link, ...REGIONS, '-q']);
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
    const { code, stderr } = await runCli([input(), '-o', link, ...REGIONS, '-q']);
    expect([code, stderr]).toEqual([4, expect.stringMatching(/out\.hex: error: cannot write it: a symbolic link of another user in a shared folder/)]);
    expect(readFileSync(victim, 'utf8')).toBe(OLD);
    expect(readdirSync(shared)).toEqual(['out.hex']);
  });
});

/**
 * A second local user, made with useradd when the tests run as root (CI does); undefined
 * otherwise. Left in place: test runs of other worktrees may use it at the same time.
 */
function otherUser(): { uid: number; gid: number } | undefined {
  if (!asRoot) return undefined;
  const id = (flag: string) => spawnSync('id', [flag, OTHER_USER], { encoding: 'utf8' });
  if (id('-u').status !== 0) spawnSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', OTHER_USER]);
  const [uid, gid] = [id('-u'), id('-g')].map((r) => Number(r.stdout.trim()));
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error(`useradd ${OTHER_USER} failed`);
  return { uid: uid as number, gid: gid as number };
}
const OTHER_USER = 'flashcut-other';
const NEEDS_ROOT = 'root only: a second local user (useradd), links of another owner (lchown)';

/** A sticky world-writable folder like /tmp, owned by root, inside the test folder (made reachable for the other user). */
function sharedFolder(): string {
  chmodSync(dir, 0o755);
  const shared = join(dir, 'shared');
  mkdirSync(shared);
  chmodSync(shared, 0o1777);
  return shared;
}

describe.skipIf(!asRoot)(`another user's files in a shared folder (${NEEDS_ROOT})`, () => {
  it("another user's FIFO is refused in one line, and its reader gets nothing", async () => {
    const other = otherUser()!;
    const fifo = join(sharedFolder(), 'out.hex');
    expect(spawnSync('mkfifo', [fifo], { ...other }).status).toBe(0);
    expect(lstatSync(fifo).uid).toBe(other.uid);
    const reader = readFifo(fifo, other);
    const { code, stderr } = await runCli([input(), '-o', fifo, '-f', 'hex', ...REGIONS, '-q']);
    reader.kill();
    const got = await reader.bytes;
    expect([code, stderr]).toEqual([4, expect.stringMatching(/^flashcut: .*out\.hex: error: cannot write it: a FIFO of another user in a shared folder \(sticky and world-writable\), which flashcut does not write into or replace\n$/)]);
    expect(got.length).toBe(0);
  });

  it("another user's regular file is refused, not replaced", async () => {
    const other = otherUser()!;
    const theirs = join(sharedFolder(), 'out.hex');
    expect(spawnSync('sh', ['-c', `printf %s '${OLD.trim()}' > "$0"`, theirs], { ...other }).status).toBe(0);
    const { code, stderr } = await runCli([input(), '-o', theirs, ...REGIONS, '-q']);
    expect([code, stderr]).toEqual([4, expect.stringMatching(/out\.hex: error: cannot write it: a file of another user in a shared folder/)]);
    expect([readFileSync(theirs, 'utf8'), lstatSync(theirs).uid]).toEqual([OLD.trim(), other.uid]);
  });

  it("a chain of links is checked to its end: my link to another user's link in a shared folder is refused", async () => {
    const other = otherUser()!;
    const shared = sharedFolder();
    const victim = file('victim.txt');
    const theirs = join(shared, 'theirs.hex');
    symlinkSync(victim, theirs);
    lchownSync(theirs, other.uid, other.gid);
    const mine = join(dir, 'mine.hex');
    symlinkSync(theirs, mine);
    const { code, stderr } = await runCli([input(), '-o', mine, ...REGIONS, '-q']);
    expect([code, stderr]).toEqual([4, expect.stringMatching(/mine\.hex: error: cannot write it: '.*shared\/theirs\.hex' on its way is a symbolic link of another user in a shared folder/)]);
    expect(readFileSync(victim, 'utf8')).toBe(OLD);
    expect(lstatSync(mine).isSymbolicLink() && lstatSync(theirs).isSymbolicLink()).toBe(true);
  });

  it("another user's link to a folder, on the way to the output, is not followed", async () => {
    const other = otherUser()!;
    const shared = sharedFolder();
    const victims = join(dir, 'victims');
    mkdirSync(victims);
    const victim = join(victims, 'out.hex');
    writeFileSync(victim, OLD);
    symlinkSync(victims, join(shared, 'd'));
    lchownSync(join(shared, 'd'), other.uid, other.gid);
    const { code, stderr } = await runCli([input(), '-o', join(shared, 'd', 'out.hex'), ...REGIONS, '-q']);
    expect([code, stderr]).toEqual([4, expect.stringMatching(/on its way is a symbolic link of another user/)]);
    expect(readFileSync(victim, 'utf8')).toBe(OLD);
    expect(readdirSync(victims)).toEqual(['out.hex']);
  });

  it("another user's dangling link is refused too (rename would replace their link)", async () => {
    const other = otherUser()!;
    const link = join(sharedFolder(), 'out.hex');
    symlinkSync(join(dir, 'nowhere.hex'), link);
    lchownSync(link, other.uid, other.gid);
    const { code, stderr } = await runCli([input(), '-o', link, ...REGIONS, '-q']);
    expect([code, stderr]).toEqual([4, expect.stringMatching(/out\.hex: error: cannot write it: a symbolic link of another user/)]);
    expect([lstatSync(link).isSymbolicLink(), existsSync(join(dir, 'nowhere.hex'))]).toEqual([true, false]);
  });

  it('my own FIFO in the shared folder is written as usual', async () => {
    const expected = await expectedHex();
    const fifo = join(sharedFolder(), 'mine');
    execFileSync('mkfifo', [fifo]);
    const reader = readFifo(fifo);
    const { code, stderr } = await runCli([input(), '-o', fifo, '-f', 'hex', ...REGIONS, '-q']);
    const got = await reader.bytes;
    expect(code, stderr).toBe(0);
    expect(got).toEqual(expected);
  });
});
it.skipIf(asRoot)(`another user's files in a shared folder: skipped, not running as root (${NEEDS_ROOT})`, () => {});

describe('chains of links', () => {
  it('two links to a file: both stay links, the file at the end gets the bytes', async () => {
    const expected = await expectedHex();
    const real = file('real.hex');
    symlinkSync(real, join(dir, 'second.hex'));
    symlinkSync('second.hex', join(dir, 'first.hex'));
    const { code, stderr } = await runCli([input(), '-o', join(dir, 'first.hex'), ...REGIONS, '-q']);
    expect(code, stderr).toBe(0);
    expect([lstatSync(join(dir, 'first.hex')).isSymbolicLink(), lstatSync(join(dir, 'second.hex')).isSymbolicLink()]).toEqual([true, true]);
    expect(readFileSync(real)).toEqual(expected);
    expect(temporaries()).toEqual([]);
  });

  it('a link through a linked folder and back up (..) lands where the kernel would put it', async () => {
    const expected = await expectedHex();
    mkdirSync(join(dir, 'a', 'b'), { recursive: true });
    const real = join(dir, 'a', 'out.hex');
    writeFileSync(real, OLD);
    symlinkSync(join(dir, 'a', 'b'), join(dir, 'lb'));
    // lb/../out.hex: the kernel goes into a/b, then up to a; a lexical reading would say dir/out.hex.
    symlinkSync('lb/../out.hex', join(dir, 'link.hex'));
    const { code, stderr } = await runCli([input(), '-o', join(dir, 'link.hex'), ...REGIONS, '-q']);
    expect(code, stderr).toBe(0);
    expect(readFileSync(real)).toEqual(expected);
    expect(existsSync(join(dir, 'out.hex'))).toBe(false);
  });

  it('a dangling chain: the first link is replaced, nothing is made where the chain points', async () => {
    const expected = await expectedHex();
    symlinkSync(join(dir, 'missing.hex'), join(dir, 'second.hex'));
    symlinkSync(join(dir, 'second.hex'), join(dir, 'first.hex'));
    const { code, stderr } = await runCli([input(), '-o', join(dir, 'first.hex'), ...REGIONS, '-q']);
    expect(code, stderr).toBe(0);
    expect(lstatSync(join(dir, 'first.hex')).isFile()).toBe(true);
    expect(readFileSync(join(dir, 'first.hex'))).toEqual(expected);
    expect([lstatSync(join(dir, 'second.hex')).isSymbolicLink(), existsSync(join(dir, 'missing.hex'))]).toEqual([true, false]);
  });

  it('a loop of links is one line, and nothing is replaced', async () => {
    symlinkSync(join(dir, 'b.hex'), join(dir, 'a.hex'));
    symlinkSync(join(dir, 'a.hex'), join(dir, 'b.hex'));
    const { code, stderr } = await runCli([input(), '-o', join(dir, 'a.hex'), ...REGIONS, '-q']);
    expect([code, stderr]).toEqual([4, expect.stringMatching(/a\.hex: error: cannot write it: too many levels of symbolic links\n$/)]);
    expect(lstatSync(join(dir, 'a.hex')).isSymbolicLink()).toBe(true);
    expect(temporaries()).toEqual([]);
  });
});

describe('special files and standard output get their bytes piece by piece', () => {
  const CHUNKS = 64;
  /** A writer that checks each chunk comes back (ChunkPool) once written (this one or, with a write in flight, the one before), counting the chunks made. */
  function counted(handedBack: boolean) {
    const state = { made: 0 };
    function* chunks(): Generator<Uint8Array, void, Uint8Array | undefined> {
      for (let i = 0; i < CHUNKS; i++) {
        const given = yield new Uint8Array(1 << 16).fill(i);
        state.made++;
        if (handedBack && i > 0 && given?.[0] !== i && given?.[0] !== i - 1) throw new Error(`after chunk ${i}, neither it nor the one before was handed back`);
      }
    }
    return { state, chunks: chunks() };
  }

  it('a character device: nothing beyond the first chunk made at staging, each chunk written before the next is made', async () => {
    const target = asRoot ? join(dir, 'null') : '/dev/null';
    if (asRoot) execFileSync('mknod', [target, 'c', '1', '3']);
    const { state, chunks } = counted(true);
    const staged = await stageOutputs([{ path: target, chunks }]);
    expect(state.made).toBe(0);
    expect(await staged.commit((sizes) => sizes)).toEqual([CHUNKS << 16]);
    expect(state.made).toBe(CHUNKS);
  });

  it('a FIFO swapped for a link to a file between staging and commit: refused, the file untouched (not truncated)', async () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const victim = file('victim.txt');
    const staged = await stageOutputs([{ path: fifo, chunks: [new Uint8Array(10)] }]);
    rmSync(fifo);
    symlinkSync(victim, fifo);
    await expect(staged.commit(() => undefined)).rejects.toThrow(/^cannot write it: it was replaced by another file while flashcut ran$/);
    expect(readFileSync(victim, 'utf8')).toBe(OLD);
  });

  it('a stream: written at commit as the writer makes the chunks', async () => {
    const { state, chunks } = counted(false);
    const stream = new PassThrough();
    let received = 0;
    stream.on('data', (c: Buffer) => (received += c.length));
    const staged = await stageOutputs([{ stream, chunks }]);
    expect([state.made, received]).toEqual([0, 0]);
    expect(await staged.commit((sizes) => sizes)).toEqual([CHUNKS << 16]);
    expect(state.made).toBe(CHUNKS);
  });
});

describe('several outputs are put in place together or not at all', () => {
  it('a configured output that cannot be written leaves the other one as it was', async () => {
    const kept = file('a.hex');
    file('flashcut.config.json', JSON.stringify({ output: ['a.hex', 'missing/b.hex'] }));
    const { code, stderr } = await runCli([input(), ...REGIONS, '-q']);
    expect([code, stderr]).toEqual([4, expect.stringMatching(/^flashcut: .*missing\/b\.hex: error: cannot write it: no such file or directory\n$/)]);
    expect(readFileSync(kept, 'utf8')).toBe(OLD);
    expect(temporaries()).toEqual([]);
  });

  it.skipIf(!asRoot)('a special file that fails (a /dev/full made with mknod) leaves the regular output as it was (root only: mknod)', async () => {
    const kept = file('a.hex');
    execFileSync('mknod', [join(dir, 'full'), 'c', '1', '7']);
    file('flashcut.config.json', JSON.stringify({ output: ['a.hex', 'full'], format: 'hex' }));
    const { code, stderr } = await runCli([input(), ...REGIONS, '-q']);
    expect([code, stderr]).toEqual([4, expect.stringMatching(/full: error: cannot write it: no space left on device\n$/)]);
    expect(readFileSync(kept, 'utf8')).toBe(OLD);
    expect(temporaries()).toEqual([]);
  });

  it('a --split file that is a folder fails before any file is replaced', async () => {
    const flash = file('out.FLASH.bin');
    mkdirSync(join(dir, 'out.IDFLASH.bin'));
    const { code, stderr } = await runCli([input(), '-o', join(dir, 'out.bin'), '--split', ...REGIONS, '-q']);
    expect([code, stderr]).toEqual([2, expect.stringMatching(/out\.IDFLASH\.bin' is a folder/)]);
    expect(readFileSync(flash, 'utf8')).toBe(OLD);
  });

  it('a failure while staging the second file removes the first temporary and touches neither target', async () => {
    const a = file('a.bin');
    const b = file('b.bin');
    let opened = 0;
    const io: AtomicWriteFs = {
      ...realFs,
      create: (path, mode) => {
        if (++opened === 2) throw Object.assign(new Error('EMFILE: too many open files, open'), { code: 'EMFILE', syscall: 'open' });
        return realFs.create(path, mode);
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

describe('several outputs: a rename that fails puts back every file already replaced', () => {
  const NEW = new Uint8Array(8).fill(0xaa);
  const stage = (paths: string[], io?: AtomicWriteFs) => stageOutputs(paths.map((path) => ({ path, chunks: [NEW] })), io);

  it('a folder put in place of the last target: the new file made first is removed, the replaced one is back with its inode', async () => {
    const made = join(dir, 'made.bin');
    const replaced = file('replaced.bin');
    const last = file('last.bin');
    const inode = statSync(replaced).ino;
    const staged = await stage([made, replaced, last]);
    const failing = staged.commit(() => {
      rmSync(last);
      mkdirSync(last);
      writeFileSync(join(last, 'x'), '');
    });
    await expect(failing).rejects.toThrow(/EISDIR|ENOTEMPTY|EEXIST/);
    expect(existsSync(made)).toBe(false);
    expect([readFileSync(replaced, 'utf8'), statSync(replaced).ino]).toEqual([OLD, inode]);
    expect(readdirSync(last)).toEqual(['x']);
    expect(temporaries()).toEqual([]);
  });

  it('the third rename fails (injected): the first two are back; the error names the third file', async () => {
    const paths = [file('a.bin'), file('b.bin'), file('c.bin')];
    let renames = 0;
    const io: AtomicWriteFs = {
      ...realFs,
      rename: (from, to) => {
        if (++renames === 3) throw Object.assign(new Error('EIO: i/o error, rename'), { code: 'EIO', syscall: 'rename' });
        realFs.rename(from, to);
      },
    };
    const staged = await stage(paths, io);
    await expect(staged.commit(() => undefined)).rejects.toMatchObject({ code: 'EIO', path: paths[2] });
    expect(paths.map((p) => readFileSync(p, 'utf8'))).toEqual([OLD, OLD, OLD]);
    expect(temporaries()).toEqual([]);
  });

  it('without hard links (FAT has none): copies of the old files are kept and put back', async () => {
    const paths = [file('a.bin'), file('b.bin')];
    chmodSync(paths[0]!, 0o640);
    let renames = 0;
    const io: AtomicWriteFs = {
      ...realFs,
      link: () => {
        throw Object.assign(new Error('EPERM: operation not permitted, link'), { code: 'EPERM', syscall: 'link' });
      },
      rename: (from, to) => {
        if (++renames === 2) throw Object.assign(new Error('EIO: i/o error, rename'), { code: 'EIO', syscall: 'rename' });
        realFs.rename(from, to);
      },
    };
    const staged = await stage(paths, io);
    await expect(staged.commit(() => undefined)).rejects.toThrow(/EIO/);
    expect(paths.map((p) => readFileSync(p, 'utf8'))).toEqual([OLD, OLD]);
    expect(statSync(paths[0]!).mode & 0o777).toBe(0o640);
    expect(temporaries()).toEqual([]);
  });

  it('all renames succeed: every file replaced, no kept link or temporary left', async () => {
    const paths = [file('a.bin'), join(dir, 'b.bin')];
    const staged = await stage(paths);
    expect(await staged.commit((sizes) => sizes)).toEqual([8, 8]);
    expect(paths.map((p) => readFileSync(p))).toEqual([Buffer.from(NEW), Buffer.from(NEW)]);
    expect(statSync(paths[0]!).nlink).toBe(1);
    expect(temporaries()).toEqual([]);
  });
});

describe('small outputs are written with one blocking call', () => {
  const counting = () => {
    const calls = { sync: 0, async: 0 };
    const io: AtomicWriteFs = {
      ...realFs,
      writeSync: (fd, bytes) => (calls.sync++, realFs.writeSync(fd, bytes)),
      write: (fd, bytes) => (calls.async++, realFs.write(fd, bytes)),
    };
    return { calls, io };
  };

  it('an output of one chunk: one writeSync, nothing on the thread pool', async () => {
    const { calls, io } = counting();
    const staged = await stageOutputs([{ path: join(dir, 'small.hex'), chunks: [new Uint8Array(5000).fill(1)] }], io);
    await staged.commit(() => undefined);
    expect(calls).toEqual({ sync: 1, async: 0 });
    expect(readFileSync(join(dir, 'small.hex'))).toEqual(Buffer.alloc(5000, 1));
  });

  it('past 1 MiB the rest goes on the thread pool, in order', async () => {
    const { calls, io } = counting();
    const chunks = [1, 2, 3].map((b) => new Uint8Array(1 << 20).fill(b));
    const staged = await stageOutputs([{ path: join(dir, 'big.bin'), chunks }], io);
    await staged.commit(() => undefined);
    expect(calls).toEqual({ sync: 1, async: 2 });
    expect(readFileSync(join(dir, 'big.bin')).equals(Buffer.concat(chunks))).toBe(true);
  });
});

describe('no output replaces a file the run read', () => {
  const refused = (stderr: string, role: string) => expect(stderr).toMatch(new RegExp(`is ${role}: refusing to overwrite it\\n$`));

  it('the --ld script', async () => {
    file('memory.ld', readFileSync(join(ROOT, 'samples/stm32-seed/memory.ld')));
    const script = file('app.ld', readFileSync(join(ROOT, 'samples/stm32-seed/sane.ld')));
    const before = readFileSync(script);
    const { code, stderr } = await runCli([input(), '--ld', script, '-f', 'hex', '-o', script, '-q']);
    expect(code).toBe(2);
    refused(stderr, 'the linker script');
    expect(readFileSync(script)).toEqual(before);
  });

  it('a file the linker script INCLUDEs', async () => {
    const memory = file('memory.ld', 'MEMORY { FLASH (rx) : ORIGIN = 0x08000000, LENGTH = 64K }\n');
    const script = file('app.ld', 'INCLUDE memory.ld\n');
    const { code, stderr } = await runCli([input(), '--ld', script, '-f', 'hex', '-o', memory, '-q']);
    expect(code).toBe(2);
    refused(stderr, 'a file the linker script INCLUDEs');
    expect(readFileSync(memory, 'utf8')).toMatch(/^MEMORY/);
  });

  it('the project configuration', async () => {
    const config = file('flashcut.config.json', JSON.stringify({ windows: ['FLASH=0x08000000:64K'] }));
    const { code, stderr } = await runCli([input(), '-f', 'hex', '-o', config, '-q']);
    expect(code).toBe(2);
    refused(stderr, 'the project configuration');
    expect(JSON.parse(readFileSync(config, 'utf8'))).toEqual({ windows: ['FLASH=0x08000000:64K'] });
  });

  it('a hard link to the input (same device and inode, another path)', async () => {
    const elf = input();
    const twin = join(dir, 'twin.hex');
    linkSync(elf, twin);
    const { code, stderr } = await runCli([elf, '-o', twin, ...REGIONS, '-q']);
    expect(code).toBe(2);
    refused(stderr, 'the input file');
    expect(readFileSync(elf)).toEqual(readFileSync(SAMPLE));
  });

  it('standard input redirected from the output file (flashcut - -o app.hex < app.hex)', () => {
    const hex = join(dir, 'app.hex');
    writeFileSync(hex, readFileSync(join(ROOT, 'test/golden/stm32-seed/broken.objcopy.hex')));
    const before = readFileSync(hex);
    const fd = openSync(hex, 'r');
    const result = spawnSync(process.execPath, [CLI, '-', '-o', hex, '-q'], { stdio: [fd, 'pipe', 'pipe'], encoding: 'utf8' });
    closeSync(fd);
    expect([result.status, result.stderr]).toEqual([2, expect.stringMatching(/output '.*app\.hex' is standard input: refusing to overwrite it\n$/)]);
    expect(readFileSync(hex)).toEqual(before);
  });

  it('a --split file that is an input', async () => {
    const flashBin = file('app.FLASH.bin', new Uint8Array(64).fill(7));
    const { code, stderr } = await runCli([`${flashBin}@0x08000000`, '-o', join(dir, 'app.bin'), '--split', '-r', 'FLASH=0x08000000:64K', '-q']);
    expect(code).toBe(2);
    refused(stderr, 'the input file');
    expect(readFileSync(flashBin)).toEqual(Buffer.alloc(64, 7));
  });
});

describe('replacing a file', () => {
  it('keeps its mode', async () => {
    const out = file('out.hex');
    chmodSync(out, 0o640);
    expect((await runCli([input(), '-o', out, ...REGIONS, '-q'])).code).toBe(0);
    expect(statSync(out).mode & 0o7777).toBe(0o640);
  });

  it.skipIf(!asRoot)('keeps its owner where permitted (root only: chown)', async () => {
    const out = file('out.hex');
    chownSync(out, 65534, 65534);
    expect((await runCli([input(), '-o', out, ...REGIONS, '-q'])).code).toBe(0);
    expect([statSync(out).uid, statSync(out).gid]).toEqual([65534, 65534]);
  });

  it('works for a name of 255 bytes, the usual limit, since the temporary name is short', async () => {
    const out = join(dir, 'a'.repeat(251) + '.hex');
    writeFileSync(out, OLD);
    const { code, stderr } = await runCli([input(), '-o', out, ...REGIONS, '-q']);
    expect(code, stderr).toBe(0);
    expect(readFileSync(out, 'latin1')).toMatch(/^:020000040800F2/);
    expect(existsSync(out)).toBe(true);
  });
});

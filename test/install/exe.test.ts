/**
 * The standalone executables of `npm run build:exe` (scripts/build-exe.ts, run here on the
 * dist/flashcut.cjs that `npm test` built): the Linux one converts the sample with no Node on
 * PATH; the Windows one is a PE (as GNU objdump reads it) whose resources carry the SEA blob, and
 * runs under Wine where Wine is installed.
 */
import { existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { cloneOutputs, convertSample, describeInstall, ROOT, run, scratch } from '../helpers/packaging.js';
import { describeWithTools, hasTool, inCI } from '../helpers/tools.js';

const out = join(ROOT, 'dist-exe');
const linux = join(out, 'flashcut-linux-x64');
const windows = join(out, 'flashcut-win-x64.exe');
/** Debian's wine64 package keeps its loader off PATH; the wine package puts `wine` on it. */
const wine = ['/usr/lib/wine/wine64', '/usr/bin/wine'].find((path) => existsSync(path)) ?? (hasTool('wine') ? 'wine' : undefined);

describeInstall('standalone executables (npm run build:exe)', () => {
  beforeAll(() => {
    run(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), join(ROOT, 'scripts/build-exe.ts')], { cwd: ROOT });
  }, 300_000);

  it('flashcut-linux-x64 runs with no node on PATH and writes the clone\'s bytes', async () => {
    const folder = scratch('exe');
    const env = { PATH: scratch('empty-path') };
    expect(() => run('node', ['--version'], { env })).toThrow();
    expect(run(linux, ['--version'], { env }).trim()).toBe((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
    expect(convertSample(linux, [], folder, { env })).toEqual(await cloneOutputs());
  });

  describeWithTools('flashcut-win-x64.exe', ['objdump'], () => {
    it('is a PE32+ for x86-64 whose .rsrc section holds the blob, with the SEA fuse set', () => {
      const headers = run('objdump', ['-h', windows]);
      expect(headers).toMatch(/file format pei-x86-64/);
      // objdump -h: Idx Name Size VMA LMA File-off Algn
      const rsrc = /^\s*\d+\s+\.rsrc\s+([0-9a-f]+)\s+[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)/m.exec(headers);
      expect(rsrc, headers).not.toBeNull();
      const [size, offset] = [parseInt(rsrc![1]!, 16), parseInt(rsrc![2]!, 16)];
      const exe = readFileSync(windows);
      const blob = readFileSync(`${windows}.blob`);
      const at = exe.indexOf(blob);
      expect(at).toBeGreaterThanOrEqual(offset);
      expect(at + blob.length).toBeLessThanOrEqual(offset + size);
      expect(exe.includes(Buffer.from('NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2:1'))).toBe(true);
      expect(exe.includes(Buffer.from('NODE_SEA_BLOB', 'utf16le'))).toBe(true);
    });

    // .ci/run installs wine64; elsewhere it is optional.
    it.skipIf(wine === undefined && !inCI)('runs under Wine and writes the clone\'s bytes', async () => {
      expect(wine, 'Wine is not installed (.ci/run installs wine64)').toBeDefined();
      const prefix = scratch('wine-prefix');
      const env = { ...process.env, WINEPREFIX: prefix, WINEDEBUG: '-all' };
      // Node refuses Wine's default Windows version (7).
      run(wine!, ['winecfg', '-v', 'win10'], { env });
      const folder = scratch('wine');
      // Node under Wine cannot take a pipe as standard output or error (EBADF): give it files.
      const stdio = ['ignore', openSync(join(folder, 'stdout'), 'w'), openSync(join(folder, 'stderr'), 'w')] as const;
      run(wine!, [windows, '--version'], { env, stdio: [...stdio] });
      expect(readFileSync(join(folder, 'stdout'), 'utf8').trim()).toMatch(/^\d+\.\d+\.\d+$/);
      // Wine maps / to drive Z:, so the Unix paths of the sample reach Node as Z:\... paths.
      expect(convertSample(wine!, [windows], folder, { env, stdio: [...stdio] })).toEqual(await cloneOutputs());
      rmSync(prefix, { recursive: true, force: true });
    });
  });
});

/**
 * bin/compile-cache.cjs: compiled code is cached only in a folder that is this user's alone,
 * named by the bundle's signature (device, inode, size, times, Node), and never through a symlink. Each case runs the built bin with its own
 * temporary folder (TMPDIR), as another local user would have prepared it.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, SAMPLE, scratch } from './helpers/packaging.js';

const uid = process.getuid!();
// Node 22.8+ keeps its own compile cache (in a folder per Node version); older Nodes get V8's code cache from the shim.
const nodeCaches = typeof (Module as { enableCompileCache?: unknown }).enableCompileCache === 'function';

/** Converts the sample with `bin` (default: the clone's) with TMPDIR=tmp; returns the output's bytes. */
function convert(tmp: string, bin = join(ROOT, 'bin/flashcut.js')): Buffer {
  const out = join(scratch('cache-out'), 'o.hex');
  const result = spawnSync(process.execPath, [bin, SAMPLE, '-o', out, '-q'], { env: { ...process.env, TMPDIR: tmp }, encoding: 'utf8' });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return readFileSync(out);
}

/** Every file under `folder`, relative to it. */
function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(folder.length + 1));
}

describe.skipIf(process.platform === 'win32')('the compile cache', () => {
  it('lives in a 0700 folder of this user, entries 0600, and a corrupt entry only costs time', () => {
    const tmp = scratch('cache');
    const first = convert(tmp);
    const folder = join(tmp, `flashcut-cache-${uid}`);
    const stat = lstatSync(folder);
    expect(stat.isDirectory()).toBe(true);
    expect(stat.uid).toBe(uid);
    expect(stat.mode & 0o777).toBe(0o700);
    const entries = filesUnder(folder);
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) expect(statSync(join(folder, entry)).mode & 0o077).toBe(0);
    if (!nodeCaches) {
      expect(entries).toEqual([expect.stringMatching(/^\d+-\d+-\d+-\d+-\d+-v[\d.]+-\w+\.v8cache$/)]);
      writeFileSync(join(folder, entries[0]!), 'not a V8 code cache');
    }
    expect(convert(tmp).equals(first)).toBe(true);
    if (!nodeCaches) expect(readFileSync(join(folder, entries[0]!)).toString()).not.toBe('not a V8 code cache');
  });

  it.skipIf(nodeCaches)('a changed bundle of the same size and mtime gets a new entry, which replaces the old one', () => {
    const tmp = scratch('cache');
    const copy = scratch('cache-package');
    for (const part of ['bin', 'dist/flashcut.cjs', 'package.json']) cpSync(join(ROOT, part), join(copy, part), { recursive: true });
    const bundle = join(copy, 'dist/flashcut.cjs');
    const bin = join(copy, 'bin/flashcut.js');
    convert(tmp, bin);
    const folder = join(tmp, `flashcut-cache-${uid}`);
    const before = filesUnder(folder);
    const { atime, mtime } = statSync(bundle);
    // npm gives every installed file the same mtime: the ctime (which no one can set) tells versions apart.
    const source = readFileSync(bundle, 'utf8');
    writeFileSync(bundle, source.replace('"use strict";', "'use strict';"));
    expect(statSync(bundle).size).toBe(source.length);
    utimesSync(bundle, atime, mtime);
    convert(tmp, bin);
    const after = filesUnder(folder);
    expect(after).toHaveLength(1);
    expect(after).not.toEqual(before);
  });

  it('uses no folder that others may write, and leaves it as it was', () => {
    const tmp = scratch('cache');
    const folder = join(tmp, `flashcut-cache-${uid}`);
    mkdirSync(folder);
    chmodSync(folder, 0o777);
    const bytes = convert(tmp);
    expect(readdirSync(folder)).toEqual([]);
    expect(convert(tmp).equals(bytes)).toBe(true);
  });

  it('follows no symlink put in the folder’s place', () => {
    const tmp = scratch('cache');
    const target = scratch('cache-target');
    chmodSync(target, 0o700);
    symlinkSync(target, join(tmp, `flashcut-cache-${uid}`));
    convert(tmp);
    expect(readdirSync(target)).toEqual([]);
  });

  // Only this user can write in the folder; the shim still opens entries without following links.
  it.skipIf(nodeCaches)('follows no symlink inside its folder', () => {
    const tmp = scratch('cache');
    convert(tmp);
    const folder = join(tmp, `flashcut-cache-${uid}`);
    const victim = join(scratch('cache-victim'), 'precious');
    writeFileSync(victim, 'keep me');
    for (const entry of filesUnder(folder)) {
      const path = join(folder, entry);
      rmSync(path);
      symlinkSync(victim, path);
    }
    convert(tmp);
    expect(readFileSync(victim, 'utf8')).toBe('keep me');
  });

  it.skipIf(uid !== 0)('as root, uses no folder another user made first', () => {
    const tmp = scratch('cache');
    const folder = join(tmp, 'flashcut-cache-0');
    mkdirSync(folder, { mode: 0o700 });
    chownSync(folder, 65534, 65534);
    convert(tmp);
    expect(readdirSync(folder)).toEqual([]);
  });
});

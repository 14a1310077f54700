/**
 * The package as npm would publish it: what `npm pack` holds, that nothing at run time needs a
 * dependency, and that the one-file command line (dist/flashcut.cjs) runs alone in an empty folder.
 * `npm test` builds dist/ first.
 */
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUNDLE, cloneOutputs, convertSample, ROOT, run, scratch } from './helpers/packaging.js';

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;

function packedFiles(): string[] {
  const [packed] = JSON.parse(run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT })) as [{ files: { path: string }[] }];
  return packed.files.map((f) => f.path).sort();
}

/** The relative modules a library file imports (static `import`/`export ... from`). */
function relativeImports(file: string): string[] {
  const source = readFileSync(join(ROOT, file), 'utf8');
  return [...source.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s+'(\.[^']+)'/gms)].map((m) => posix.join(posix.dirname(file), m[1]!));
}

/** Every module name an ES module imports statically or dynamically, or a CommonJS file requires. */
function moduleNames(source: string): string[] {
  const patterns = [/^(?:import|export)\b[^;]*?\bfrom\s+'([^']+)'/gms, /\bimport\(\s*'([^']+)'\s*\)/g, /\brequire\("([^"]+)"\)/g];
  return [...new Set(patterns.flatMap((pattern) => [...source.matchAll(pattern)].map((m) => m[1]!)))];
}

const isBuiltin = (name: string) => name.startsWith('node:') || builtinModules.includes(name);
const isPackage = (name: string) => !name.startsWith('.') && !isBuiltin(name);

describe('npm pack', () => {
  it('holds the library, its types, the CLI bundle and shim, the CMake module, the schemas, README and LICENSE, nothing else', () => {
    const files = packedFiles();
    const unexpected = files.filter(
      (f) =>
        !/^dist\/.+\.(js|d\.ts)$/.test(f) &&
        !/^schema\/[^/]+\.schema\.json$/.test(f) &&
        !['bin/flashcut.js', 'bin/compile-cache.cjs', 'bin/package.json', 'dist/flashcut.cjs', 'cmake/flashcut.cmake', 'README.md', 'LICENSE', 'package.json'].includes(f),
    );
    expect(unexpected).toEqual([]);
    for (const needed of ['bin/flashcut.js', 'dist/flashcut.cjs', 'cmake/flashcut.cmake', 'dist/index.js', 'dist/index.d.ts', 'schema/report.schema.json', 'LICENSE']) {
      expect(files).toContain(needed);
    }
  });

  it('ships only library modules that dist/index.js reaches, each with its types', () => {
    const files = new Set(packedFiles());
    const reached = new Set<string>();
    const queue = ['dist/index.js'];
    while (queue.length > 0) {
      const file = queue.pop()!;
      if (reached.has(file)) continue;
      reached.add(file);
      expect(files, `${file} is imported but not packed`).toContain(file);
      queue.push(...relativeImports(file));
    }
    const libraryJs = [...files].filter((f) => f.startsWith('dist/') && f.endsWith('.js'));
    // A module holding only types compiles to `export {};`: no code, kept for its .d.ts's sake.
    const typeOnly = (f: string) => /^\s*export \{\};\s*$/.test(readFileSync(join(ROOT, f), 'utf8').replace(/\/\*[\s\S]*?\*\//g, ''));
    expect(libraryJs.filter((f) => !reached.has(f) && !typeOnly(f))).toEqual([]);
    expect(libraryJs.filter((f) => !files.has(f.replace(/\.js$/, '.d.ts')))).toEqual([]);
  });

  it('has no runtime dependency: the library imports only Node built-ins, and the bundle carries yargs', () => {
    expect(manifest.dependencies ?? {}).toEqual({});
    const library = packedFiles().filter((f) => /^dist\/.+\.js$/.test(f));
    expect(library.flatMap((f) => moduleNames(readFileSync(join(ROOT, f), 'utf8'))).filter(isPackage)).toEqual([]);
    expect(moduleNames(readFileSync(BUNDLE, 'utf8')).filter(isPackage)).toEqual([]);
    expect(readFileSync(join(ROOT, 'bin/flashcut.js'), 'utf8')).toContain("'../dist/flashcut.cjs'");
  });

  it('builds the bundle in ASCII, which bin/compile-cache.cjs reads as latin1 (no UTF-8 decoding)', () => {
    expect([...readFileSync(BUNDLE)].findIndex((byte) => byte > 0x7f)).toBe(-1);
  });

  it('points main, types, exports and bin at files it ships', () => {
    const files = packedFiles();
    const exported = manifest.exports as Record<string, Record<string, string> | string>;
    const targets = [manifest.main, manifest.types, ...Object.values(manifest.bin as Record<string, string>)];
    for (const entry of Object.values(exported)) targets.push(...(typeof entry === 'string' ? [entry] : Object.values(entry)));
    for (const target of targets) expect(files).toContain(posix.normalize(String(target)));
  });
});

describe('the one-file command line', () => {
  it('runs from an empty folder outside the project, with no node_modules, and writes the same bytes', async () => {
    const folder = scratch('vendored');
    const vendored = join(folder, 'tools', 'flashcut.cjs');
    run('mkdir', ['-p', dirname(vendored)]);
    copyFileSync(BUNDLE, vendored);
    let up = folder;
    while (dirname(up) !== up) {
      expect(existsSync(join(up, 'node_modules')), `${up}/node_modules`).toBe(false);
      up = dirname(up);
    }
    expect(convertSample(process.execPath, [vendored], folder)).toEqual(await cloneOutputs());
    expect(run(process.execPath, [vendored, '--version'], { cwd: folder }).trim()).toBe(manifest.version);
  });

  it('takes its messages from itself, not from a locales folder near the working folder', () => {
    const folder = scratch('locales');
    run('mkdir', ['-p', join(folder, 'locales'), join(folder, 'a/b/c')]);
    // A locale file that is not JSON makes y18n throw: the bundle must not read one.
    for (const locale of ['en', 'en_US', 'de_DE', 'de']) writeFileSync(join(folder, 'locales', `${locale}.json`), '{');
    const help = run(process.execPath, [BUNDLE, '--help'], { cwd: join(folder, 'a/b/c'), env: { ...process.env, LANG: 'de_DE.UTF-8', LC_ALL: 'de_DE.UTF-8' } });
    expect(help).toMatch(/^Options:$/m);
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The folders follow the pipeline (read -> windows -> select -> transform -> write, findings beside,
// the pipeline and the command line on top). A module may import its own folder or a lower layer,
// never a higher one, and no chain of imports may come back to where it started.

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

/** Layers from the bottom up; a path matches the first entry whose prefix it starts with. */
const LAYERS: readonly (readonly string[])[] = [
  ['errors.ts', 'numbers.ts', 'hex-digits.ts', 'printable.ts', 'byte-source.ts'],
  ['image/', 'checksums/'],
  ['read/'],
  ['windows/'],
  ['select/'],
  ['transform/'],
  ['write/'],
  ['findings/'],
  ['config/'],
  ['pipeline/'],
  ['cli/', 'report/'],
  ['web/'],
  ['index.ts'],
];

function layerOf(file: string): number {
  const layer = LAYERS.findIndex((prefixes) => prefixes.some((p) => (p.endsWith('/') ? file.startsWith(p) : file === p)));
  if (layer < 0) throw new Error(`${file} is in no layer: add its folder to LAYERS in test/architecture.test.ts`);
  return layer;
}

function sourceFiles(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.relative(SRC, path.join(dir, e.name)).split(path.sep).join('/')] : [],
  );
}

/** The src-relative files a module imports (static, type-only, re-exports and dynamic imports). */
function importsOf(file: string, text: string): string[] {
  const specifiers = [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm)].map((m) => m[1] ?? '');
  return specifiers
    .map((s) => path.posix.normalize(path.posix.join(path.posix.dirname(file), s)).replace(/\.js$/, '.ts'))
    .filter((target) => !target.startsWith('../'));
}

function graph(): Map<string, string[]> {
  return new Map(sourceFiles().map((f) => [f, importsOf(f, readFileSync(path.join(SRC, f), 'utf8'))]));
}

/** Every import that goes from a lower layer to a higher one, as `from -> to`. */
function upwardImports(edges: ReadonlyMap<string, readonly string[]>): string[] {
  return [...edges].flatMap(([from, targets]) => targets.filter((to) => layerOf(to) > layerOf(from)).map((to) => `${from} -> ${to}`));
}

/** One cycle per strongly connected group of files, written `a -> b -> a`. */
function cycles(edges: ReadonlyMap<string, readonly string[]>): string[] {
  const found: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of edges.get(file) ?? []) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next].join(' -> '));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of edges.keys()) if (!state.has(file)) visit(file);
  return found;
}

describe('architecture', () => {
  const edges = graph();

  it('every import resolves to a source file', () => {
    const missing = [...edges].flatMap(([from, targets]) => targets.filter((to) => !edges.has(to)).map((to) => `${from} -> ${to}`));
    expect(missing).toEqual([]);
  });

  it('no module imports from a higher layer', () => {
    expect(upwardImports(edges)).toEqual([]);
  });

  it('no import cycle', () => {
    expect(cycles(edges)).toEqual([]);
  });

  it('the checks catch an upward import and a cycle', () => {
    const planted = new Map([
      ['write/records.ts', ['write/format.ts']],
      ['write/format.ts', ['write/records.ts', 'cli/main.ts']],
      ['cli/main.ts', []],
    ]);
    expect(upwardImports(planted)).toEqual(['write/format.ts -> cli/main.ts']);
    expect(cycles(planted)).toEqual(['write/records.ts -> write/format.ts -> write/records.ts']);
  });

  it('reads every kind of import', () => {
    const text = [
      "import { a } from './a.js';",
      "import type { B } from '../image/b.js';",
      "export { c } from './c.js';",
      "import './side-effect.js';",
      "const d = await import('./d.js');",
      "import { readFileSync } from 'node:fs';",
    ].join('\n');
    expect(importsOf('write/x.ts', text)).toEqual(['write/a.ts', 'image/b.ts', 'write/c.ts', 'write/side-effect.ts', 'write/d.ts']);
  });
});

// Issue 12: the core speaks of concepts and library options (`options.maxGap`); only the front
// ends (the command line, its configuration layer, the reports and the page) name flags.
const FRONT_ENDS = ['cli/', 'config/', 'report/', 'web/'];

/** The command-line flags (`--max-gap`) written in the string literals of `text`, comments left out. */
function flagsInStrings(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  return [...code.matchAll(/(['"`])(?:(?!\1)[^\\\n]|\\.)*?(--[a-z][a-z-]*)/g)].map((m) => m[2] ?? '');
}

describe('core messages', () => {
  it('name no command-line flag (the front end maps options.NAME to its own words)', () => {
    const core = sourceFiles().filter((f) => !FRONT_ENDS.some((p) => f.startsWith(p)));
    const named = core.flatMap((f) => flagsInStrings(readFileSync(path.join(SRC, f), 'utf8')).map((flag) => `${f}: ${flag}`));
    expect(named).toEqual([]);
  });

  it('the check finds a flag in a string and none in a comment or an expression', () => {
    expect(flagsInStrings("/** see --max-gap */\n// --align\nif (--budget < 0) throw new E(`more than --max-gap ${n}`, 'or --split');")).toEqual(['--max-gap', '--split']);
  });
});

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A row of the "Memory Configuration" table of a GNU ld map file. */
export interface MapRegion {
  readonly name: string;
  /** Low 32 bits, as ld prints them for a 32-bit target. */
  readonly origin: number;
  readonly length: number;
  /** ld's spelling: set letters, then `!` and the negated ones (`xr`, `r!w`). */
  readonly attributes: string;
}

/** Reads the regions from a map file's Memory Configuration table (without `*default*`). */
export function memoryConfiguration(mapText: string): MapRegion[] {
  const start = mapText.indexOf('Memory Configuration');
  if (start < 0) throw new Error('no Memory Configuration table in the map');
  const rows: MapRegion[] = [];
  for (const line of mapText.slice(start).split('\n').slice(1)) {
    if (line.startsWith('*default*')) return rows;
    const fields = line.trim().split(/\s+/);
    if (fields[0] === 'Name' || fields[0] === '') continue;
    const [name, origin, length, attributes = ''] = fields;
    rows.push({ name: name!, origin: Number(origin), length: Number(length), attributes });
  }
  throw new Error('the Memory Configuration table has no *default* row');
}

/** Links a tiny object with `script` using arm-none-eabi-gcc and returns the map's regions. */
export function regionsFromRealLink(script: string, searchPaths: readonly string[]): MapRegion[] {
  const work = mkdtempSync(join(tmpdir(), 'flashcut-ld-'));
  try {
    writeFileSync(join(work, 'tiny.c'), 'void Reset_Handler(void) {} void _entry_point(void) {} void __start(void) {}\n');
    const flags = ['-mcpu=cortex-m4', '-mthumb'];
    execFileSync('arm-none-eabi-gcc', [...flags, '-c', join(work, 'tiny.c'), '-o', join(work, 'tiny.o')]);
    const libs = [dirname(script), ...searchPaths].flatMap((dir) => ['-L', dir]);
    execFileSync('arm-none-eabi-gcc', [
      ...flags, '-nostartfiles', '-nostdlib', join(work, 'tiny.o'), '-o', join(work, 'out.elf'),
      ...libs, '-T', script, `-Wl,-Map=${join(work, 'out.map')}`, '-Wl,--no-warn-rwx-segments',
    ], { stdio: 'pipe' });
    return memoryConfiguration(readFileSync(join(work, 'out.map'), 'utf8'));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Attribute letters split into set and negated, lower case, sorted: ld's and the script's spelling compare equal. */
export function attributeSets(text: string): { set: string; negated: string } {
  const set: string[] = [];
  const negated: string[] = [];
  let inverted = false;
  for (const c of text.toLowerCase()) {
    if (c === '!') inverted = !inverted;
    else (inverted ? negated : set).push(c);
  }
  return { set: [...new Set(set)].sort().join(''), negated: [...new Set(negated)].sort().join('') };
}

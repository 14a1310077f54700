/**
 * `npm run bench`: times the flashcut CLI against arm-none-eabi-objcopy on 1, 16 and 64 MiB
 * firmware ELFs (and a gcc-linked one when the toolchain is installed), and a tiny
 * conversion against a bare `node -e 0`. Prints a table, writes JSON, checks issue 6's targets.
 *
 *   npm run bench                      full run, 5 timed rounds
 *   npm run bench -- --runs 9          more rounds
 *   npm run bench -- --quick --guard   1 MiB only; exit 1 on a gross regression or a mismatch (CI)
 *   npm run bench -- --json FILE       where the JSON goes (default bench-out/bench.json)
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { planConversion } from '../src/pipeline/convert.js';
import { parseRegion } from '../src/windows/window.js';
import { gccCase, syntheticCases, type BenchCase } from './bench/fixtures.js';
import { canMeasureRss, compare, toolVersion } from './bench/measure.js';
import { table, targetTable, type Row, type Target } from './bench/report.js';
import { sameImage } from './bench/verify.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OBJCOPY = 'arm-none-eabi-objcopy';
const MiB = 1024 * 1024;
/** `--guard` fails when flashcut is this many times slower than the reference measured in the same run. */
const GROSS_REGRESSION = 3;

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    guard: { type: 'boolean', default: false },
    runs: { type: 'string' },
    json: { type: 'string' },
  },
});
const runs = Number(flags.runs ?? (flags.quick ? 3 : 5));
const work = join(root, 'bench-out');
const outputs = join(work, 'out');
mkdirSync(outputs, { recursive: true });

const flashcut = [process.execPath, join(root, 'bin', 'flashcut.js')];
const objcopyVersion = toolVersion(OBJCOPY);
if (!canMeasureRss) console.warn('bench: /usr/bin/time (Debian package "time") not found: peak RSS is not measured');
if (!objcopyVersion) console.warn(`bench: ${OBJCOPY} not found: no objcopy columns`);

const cases: BenchCase[] = syntheticCases(work, flags.quick);
const gcc = flags.quick ? undefined : gccCase(work, 16 * MiB);
if (gcc) cases.push(gcc);

const rows: Row[] = [];
const mismatches: string[] = [];
for (const c of cases) {
  const payload = planConversion(readFileSync(c.elf), { windows: c.regions.map((r) => parseRegion(r)) }).image.size;
  for (const format of c.formats) {
    const stem = join(outputs, `${c.elf.replace(/^.*\//, '').replace(/\.elf$/, '')}`);
    const ours = `${stem}.flashcut.${format}`;
    const theirs = `${stem}.objcopy.${format}`;
    const commands = [[...flashcut, c.elf, '-o', ours, '-q', ...c.regions.flatMap((r) => ['--region', r])]];
    if (objcopyVersion) commands.push([OBJCOPY, '-O', format === 'hex' ? 'ihex' : 'binary', c.elf, theirs]);
    process.stderr.write(`bench: ${c.name} ${format} ...\n`);
    const [mine, reference] = compare(commands, runs);
    if (!mine) throw new Error('no flashcut figures');
    const versus = reference && {
      tool: 'objcopy',
      wall: mine.wall / reference.wall,
      rss: mine.rss !== undefined && reference.rss !== undefined ? mine.rss / reference.rss : undefined,
    };
    rows.push({ case: c.name, format, tool: 'flashcut', payload, summary: mine, ...(versus ? { versus } : {}) });
    if (reference) {
      rows.push({ case: c.name, format, tool: 'objcopy', payload, summary: reference });
      const problem = sameImage(format, ours, theirs, OBJCOPY);
      if (problem) mismatches.push(`${c.name} ${format}: ${problem}`);
    }
  }
}

process.stderr.write('bench: tiny sample start-up ...\n');
const sample = join(root, 'samples', 'stm32-seed', 'sane.elf');
const [tiny, bare] = compare(
  [
    [...flashcut, sample, '-o', join(outputs, 'sane.hex'), '-q'],
    [process.execPath, '-e', '0'],
  ],
  Math.max(runs * 2, 5),
);
if (!tiny || !bare) throw new Error('no start-up figures');
const startupRatio = tiny.wall / bare.wall;
rows.push(
  { case: 'tiny sample (sane.elf)', format: 'hex', tool: 'flashcut', payload: undefined, summary: tiny, versus: { tool: 'node -e 0', wall: startupRatio, rss: undefined } },
  { case: 'tiny sample (sane.elf)', format: '-', tool: 'node -e 0', payload: undefined, summary: bare },
);

const targets = checkTargets(rows);
const machine = `${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB RAM, Node ${process.version}, ${objcopyVersion ?? 'no objcopy'}`;
console.log(`flashcut benchmark, ${runs} timed rounds after a warm-up, medians; MB/s = 10^6 bytes of firmware per second`);
console.log(`machine: ${machine}\n`);
console.log(table(rows));
if (targets.length > 0) console.log(`\nissue 6 targets (those this run has figures for):\n\n${targetTable(targets)}`);
for (const m of mismatches) console.log(`OUTPUT MISMATCH: ${m}`);

const jsonPath = resolve(flags.json ?? join(work, 'bench.json'));
writeFileSync(jsonPath, JSON.stringify({ machine, runs, rows, targets, mismatches }, null, 2) + '\n');
console.log(`\nJSON: ${jsonPath}`);

const regressions = flags.guard ? grossRegressions(rows, bare.wall) : [];
for (const r of regressions) console.log(`GROSS REGRESSION: ${r}`);
process.exitCode = mismatches.length > 0 || regressions.length > 0 ? 1 : 0;

/** Issue 6's targets, for the 64 MiB image and the tiny sample, where the figures exist. */
function checkTargets(all: readonly Row[]): Target[] {
  const find = (name: string, format: string) => all.find((r) => r.case === name && r.format === format && r.tool === 'flashcut');
  const targets: Target[] = [];
  const ratio = (name: string, value: number, limit: number) =>
    targets.push({ name, measured: `${value.toFixed(2)}x`, limit: `<= ${limit}x`, met: value <= limit });
  const hex = find('64 MiB', 'hex');
  const bin = find('64 MiB', 'bin');
  if (hex?.versus) {
    ratio('HEX wall vs objcopy', hex.versus.wall, 0.7);
    if (hex.versus.rss !== undefined) ratio('HEX peak RSS vs objcopy', hex.versus.rss, 1.0);
  }
  if (bin?.versus) {
    ratio('BIN wall vs objcopy', bin.versus.wall, 1.0);
    const reference = all.find((r) => r.case === '64 MiB' && r.format === 'bin' && r.tool === 'objcopy');
    if (bin.summary.rss !== undefined && reference?.summary.rss !== undefined) {
      const extra = (bin.summary.rss - reference.summary.rss) / MiB;
      targets.push({ name: 'BIN peak RSS vs objcopy', measured: `${extra >= 0 ? '+' : ''}${extra.toFixed(1)} MiB`, limit: '<= +48 MiB', met: extra <= 48 });
    }
  }
  ratio('tiny sample wall vs node -e 0', startupRatio, 1.35);
  const halves = find('64 MiB in two halves', 'hex');
  const gap = find('64 MiB, 3 GiB gap', 'hex');
  if (halves?.summary.rss !== undefined && gap?.summary.rss !== undefined) {
    // Peak RSS varies by up to a MiB or two from run to run (when the collector runs); growth with
    // a 3 GiB span would be GiBs.
    const extra = (gap.summary.rss - halves.summary.rss) / MiB;
    targets.push({ name: 'HEX peak RSS, 3 GiB gap vs none', measured: `${extra >= 0 ? '+' : ''}${extra.toFixed(1)} MiB`, limit: '<= +2 MiB', met: extra <= 2 });
  }
  return targets;
}

/**
 * Ratios beyond GROSS_REGRESSION, far outside noise, so a real slow-down. On small images
 * Node's start-up dominates, so flashcut is held against objcopy plus a bare `node -e 0`,
 * both measured in this run: no stable clock is needed.
 */
function grossRegressions(all: readonly Row[], bareWall: number): string[] {
  const problems: string[] = [];
  for (const ours of all.filter((r) => r.tool === 'flashcut')) {
    const theirs = all.find((r) => r.case === ours.case && r.format === ours.format && r.tool === 'objcopy');
    const reference = theirs ? theirs.summary.wall + bareWall : ours.versus?.tool === 'node -e 0' ? bareWall : undefined;
    if (reference === undefined) continue;
    const ratio = ours.summary.wall / reference;
    const against = theirs ? 'objcopy + node -e 0' : 'node -e 0';
    if (ratio > GROSS_REGRESSION) problems.push(`${ours.case} ${ours.format}: ${ratio.toFixed(2)}x ${against} (limit ${GROSS_REGRESSION}x)`);
    else console.log(`guard: ${ours.case} ${ours.format}: ${ratio.toFixed(2)}x ${against}, within ${GROSS_REGRESSION}x`);
  }
  return problems;
}

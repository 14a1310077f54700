/**
 * Times each case of scripts/scaling-inputs.ts at the size issue 11 names, the command line run
 * in-process (150,000 `-r` options do not fit an exec argument list), each case in a process of
 * its own so that its peak memory is its own.
 *
 *   npx tsx scripts/scaling.ts                 # every case at the issue's size
 *   npx tsx scripts/scaling.ts --n 20000 json  # cases whose name contains "json", at n = 20,000
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { main } from '../src/cli/main.js';
import { SCALING_CASES, SPAN_CASES, type ScalingCase } from './scaling-inputs.js';

const ALL = [...SCALING_CASES, ...SPAN_CASES];
/** A case still running after this long is stopped and reported as slower. */
const LIMIT_MS = 180_000;

/** Runs one case in this process and prints one JSON line: the input size, wall time, exit code and peak RSS. */
async function runOne(c: ScalingCase, n: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'flashcut-scaling-'));
  try {
    const files = c.files(n);
    for (const f of files) writeFileSync(join(dir, f.name), f.bytes);
    let stderr = '';
    const io = { stdout: new PassThrough().resume(), stderr: { write: (t: string) => (stderr += t) }, width: 80 };
    const started = performance.now();
    const code = await main(c.argv(dir, n), io);
    const ms = performance.now() - started;
    const bytes = files.reduce((s, f) => s + f.bytes.length, 0);
    const rssMiB = process.resourceUsage().maxRSS / 1024;
    console.log(JSON.stringify({ name: c.name, n, bytes, ms, code, rssMiB, stderr: stderr.split('\n')[0] }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function run(): Promise<void> {
  const args = process.argv.slice(2);
  const nAt = args.indexOf('--n');
  const n = nAt >= 0 ? Number(args[nAt + 1]) : undefined;
  const one = args.indexOf('--one');
  if (one >= 0) {
    const c = ALL.find((x) => x.name === args[one + 1]);
    if (!c) throw new Error(`no case ${args[one + 1]}`);
    return runOne(c, n ?? c.issueSize);
  }
  const filters = args.filter((a, i) => a !== '--n' && args[i - 1] !== '--n');
  const chosen = ALL.filter((c) => filters.length === 0 || filters.some((f) => c.name.includes(f)));
  const self = fileURLToPath(import.meta.url);
  console.log('| case | n | input | wall | s/MB | peak RSS | exit | first line of stderr |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const c of chosen) {
    const size = n ?? c.issueSize;
    let line: string;
    try {
      line = execFileSync(process.execPath, ['--import', 'tsx', self, '--one', c.name, '--n', String(size)], { encoding: 'utf8', maxBuffer: 1 << 26, timeout: LIMIT_MS });
    } catch (error) {
      const timedOut = (error as { signal?: string }).signal === 'SIGTERM';
      console.log(`| ${c.name} | ${size.toLocaleString('en')} ${c.unit} | | ${timedOut ? `over ${LIMIT_MS / 1000} s (stopped)` : `failed: ${String((error as Error).message).split('\n')[0]}`} | | | | |`);
      continue;
    }
    const r = JSON.parse(line.trim().split('\n').pop() as string) as { n: number; bytes: number; ms: number; code: number; rssMiB: number; stderr: string };
    const mb = r.bytes / 1e6;
    console.log(
      `| ${c.name} | ${r.n.toLocaleString('en')} ${c.unit} | ${mb.toFixed(2)} MB | ${(r.ms / 1000).toFixed(3)} s | ${(r.ms / 1000 / mb).toFixed(3)} | ` +
        `${r.rssMiB.toFixed(0)} MiB | ${r.code} | ${r.stderr.replace(/\|/g, '\\|')} |`,
    );
  }
}

await run();

import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { describe } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './run-cli.js';

/** The repository (the clone every install path is compared with). */
export const ROOT = new URL('../../', import.meta.url).pathname;
/** The built one-file command line. */
export const BUNDLE = join(ROOT, 'dist/flashcut.cjs');
export const SAMPLE = join(ROOT, 'samples/stm32-seed/sane.elf');
export const SAMPLE_LD = join(ROOT, 'samples/stm32-seed/sane.ld');
/** The outputs each install path writes from the sample. */
export const SAMPLE_OUTPUTS = ['sane.hex', 'sane.bin'] as const;

/** A fresh folder outside the repository, so that no node_modules above it can help. */
export function scratch(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `flashcut-${prefix}-`));
}

/** Runs a command; throws with its output unless it exits 0. Returns standard output. */
export function run(command: string, args: readonly string[], options: SpawnSyncOptions = {}): string {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...options });
  if (result.status !== 0) {
    const why = result.error ? String(result.error) : `exit ${result.status ?? result.signal}`;
    throw new Error(`${command} ${args.join(' ')}: ${why}\n${String(result.stdout)}\n${String(result.stderr)}`);
  }
  return String(result.stdout);
}

/**
 * Converts the sample with `command args...` into `folder` (one run per output) and returns the
 * bytes of each output, by name.
 */
export function convertSample(command: string, args: readonly string[], folder: string, options: SpawnSyncOptions = {}): Map<string, Buffer> {
  const outputs = new Map<string, Buffer>();
  for (const name of SAMPLE_OUTPUTS) {
    run(command, [...args, SAMPLE, '--ld', SAMPLE_LD, '-o', join(folder, name), '-q'], { cwd: folder, ...options });
    outputs.set(name, readFileSync(join(folder, name)));
  }
  return outputs;
}

/** What the clone's sources write from the sample (run in-process): every install path must match it. */
export async function cloneOutputs(): Promise<Map<string, Buffer>> {
  const folder = scratch('clone');
  const outputs = new Map<string, Buffer>();
  for (const name of SAMPLE_OUTPUTS) {
    const { code, stderr } = await runCli([SAMPLE, '--ld', SAMPLE_LD, '-o', join(folder, name), '-q']);
    if (code !== 0) throw new Error(`the clone's CLI failed on the sample: ${stderr}`);
    outputs.set(name, readFileSync(join(folder, name)));
  }
  return outputs;
}

/**
 * The install-path tier (a registry, executables, CMake and Make, other Nodes): slow, so it runs in
 * CI (CI set) and with FLASHCUT_INSTALL_TESTS=1 (`npm run test:install`), and elsewhere skips saying so.
 */
export function describeInstall(title: string, body: () => void): void {
  if (process.env.CI || process.env.FLASHCUT_INSTALL_TESTS) {
    describe(title, body);
  } else {
    console.warn(`skipping "${title}": an install-path test (npm run test:install runs it; CI always does)`);
    describe.skip(title, body);
  }
}

/** The environment for a child npm: none of the npm_* settings of the npm running the tests. */
export function npmEnvironment(settings: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
  return { ...env, npm_config_update_notifier: 'false', npm_config_audit: 'false', npm_config_fund: 'false', ...settings };
}

/**
 * The `index`th fenced code block under the README heading that starts with `heading` (up to the
 * next heading): recipe tests run the README's own text, so that the two cannot drift apart.
 */
export function readmeBlock(heading: string, index = 0): string {
  const lines = readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n');
  const start = lines.findIndex((line) => line.startsWith(heading));
  if (start < 0) throw new Error(`README has no heading "${heading}"`);
  const blocks: string[] = [];
  let block: string[] | undefined;
  for (const line of lines.slice(start + 1)) {
    if (block === undefined && /^#{1,6} /.test(line)) break;
    if (!line.startsWith('```')) {
      block?.push(line);
    } else if (block === undefined) {
      block = [];
    } else {
      blocks.push(`${block.join('\n')}\n`);
      block = undefined;
    }
  }
  if (blocks[index] === undefined) throw new Error(`README "${heading}" has no code block ${index}`);
  return blocks[index]!;
}

/**
 * A CubeIDE-shaped project: the seed sample as Debug/app.elf, its linker script one folder up as
 * STM32F401RETX_FLASH.ld (the README's name), and flashcut vendored as tools/flashcut.cjs.
 */
export function cubeIdeProject(): string {
  const project = scratch('cubeide');
  mkdirSync(join(project, 'Debug'));
  mkdirSync(join(project, 'tools'));
  copyFileSync(BUNDLE, join(project, 'tools/flashcut.cjs'));
  copyFileSync(SAMPLE, join(project, 'Debug/app.elf'));
  copyFileSync(SAMPLE_LD, join(project, 'STM32F401RETX_FLASH.ld'));
  copyFileSync(join(ROOT, 'samples/stm32-seed/memory.ld'), join(project, 'memory.ld'));
  return project;
}

/** Runs the README's CubeIDE post-build command number `index` as CubeIDE would: in Debug/, ${ProjName} = app. */
export function runCubeIdeCommand(project: string, index: number, env: NodeJS.ProcessEnv = process.env): Buffer {
  run('sh', ['-c', readmeBlock('### STM32CubeIDE', index).replaceAll('${ProjName}', 'app')], { cwd: join(project, 'Debug'), env });
  return readFileSync(join(project, 'Debug/app.hex'));
}

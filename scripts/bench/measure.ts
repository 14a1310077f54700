import { execFileSync, spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';

/** One timed run of a command. */
export interface Sample {
  /** Wall time in seconds, from spawn to exit. */
  readonly wall: number;
  /** Peak resident set size in bytes, from GNU time; undefined without it. */
  readonly rss: number | undefined;
}

/** The median of each measure over several samples, and the spread of the wall times. */
export interface Summary {
  readonly wall: number;
  readonly minWall: number;
  readonly maxWall: number;
  readonly rss: number | undefined;
  readonly runs: number;
}

/** A command to time: its argv, the environment it runs in (default: this one), a step before each run that is not timed. */
export interface Command {
  readonly argv: readonly string[];
  readonly env?: NodeJS.ProcessEnv | undefined;
  readonly before?: (() => void) | undefined;
}

const GNU_TIME = '/usr/bin/time';
const RSS_TAG = 'flashcut-bench-maxrss-kib:';

/** The first line of `tool --version`, or undefined when the tool cannot be run. */
export function toolVersion(tool: string, flag = '--version'): string | undefined {
  try {
    return execFileSync(tool, [flag], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n')[0]?.trim();
  } catch {
    return undefined;
  }
}

/** Whether peak memory can be measured here (GNU time, Debian package `time`). */
export const canMeasureRss = toolVersion(GNU_TIME) !== undefined;

/**
 * Runs `command` once and measures it. Peak RSS comes from GNU time's %M (the child's
 * ru_maxrss); wall time is taken here around the whole spawn, so both tools pay the same
 * small overhead. Throws if the command fails, with its error output.
 */
export function measure(command: Command): Sample {
  command.before?.();
  const [program, ...args] = command.argv as [string, ...string[]];
  const argv = canMeasureRss ? [GNU_TIME, '-f', `${RSS_TAG}%M`, program, ...args] : [program, ...args];
  const started = performance.now();
  const result = spawnSync(argv[0] as string, argv.slice(1), { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], env: command.env ?? process.env });
  const wall = (performance.now() - started) / 1000;
  if (result.error) throw result.error;
  const stderr = result.stderr;
  const tagged = stderr.split('\n').find((line) => line.startsWith(RSS_TAG));
  if (result.status !== 0) throw new Error(`${command.argv.join(' ')} failed (exit ${result.status}):\n${stderr}`);
  return { wall, rss: tagged === undefined ? undefined : Number(tagged.slice(RSS_TAG.length)) * 1024 };
}

/**
 * Times several commands on the same input alternately: one warm-up run each (which also
 * fills the page cache), then `runs` rounds in which every command runs once, the order
 * rotating each round so none always follows the same neighbour. Returns one summary per command.
 */
export function compare(commands: readonly Command[], runs: number): Summary[] {
  for (const command of commands) measure(command);
  const samples: Sample[][] = commands.map(() => []);
  for (let round = 0; round < runs; round++) {
    for (let k = 0; k < commands.length; k++) {
      const which = (k + round) % commands.length;
      (samples[which] as Sample[]).push(measure(commands[which] as Command));
    }
  }
  return samples.map((list) => ({
    wall: median(list.map((s) => s.wall)),
    minWall: Math.min(...list.map((s) => s.wall)),
    maxWall: Math.max(...list.map((s) => s.wall)),
    rss: list.every((s) => s.rss !== undefined) ? median(list.map((s) => s.rss as number)) : undefined,
    runs: list.length,
  }));
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

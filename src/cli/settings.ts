import { basename, dirname, extname, resolve } from 'node:path';
import { FormatError, UsageError } from '../errors.js';
import { parseRegion, type FlashWindow } from '../windows/window.js';
import type { ProjectConfig } from '../config/project-config.js';
import { dfuseWindows, parseDfuseLayout, type DfuseLayout } from '../windows/dfuse-layout.js';
import { flashWindowsOf } from '../windows/ld-windows.js';
import { findConfig, readConfig, type FoundConfig } from './config-file.js';
import { FilesRead } from './files-read.js';
import { readLinkerScript } from './ld-file.js';
import type { CliArgs } from './options.js';
import { displayPath } from './paths.js';

/** The settings of one run: command line over project configuration over defaults. */
export interface Settings {
  /** Undefined when neither the command line nor the configuration names one (fine for inspect). */
  readonly outputs: readonly string[] | undefined;
  readonly format: string | undefined;
  readonly fill: string | undefined;
  /** Undefined: the default for the ELF's machine. */
  readonly windows: readonly FlashWindow[] | undefined;
  /** Set when the windows come from a DfuSe layout, whose other sectors must stay untouched. */
  readonly dfuse: DfuseLayout | undefined;
  /** RAM regions for the checks (a linker script's writable regions); undefined: the default. */
  readonly ram: readonly FlashWindow[] | undefined;
  /** Summary lines: where the settings came from, and the linker script regions left out. */
  readonly notes: readonly string[];
}

/**
 * Merges the command line with the project configuration (from --config, or found from the
 * (first) input's folder upward; none with --no-config) and reads the windows' source, noting
 * every file read in `read`. Every command-line setting wins
 * over the same setting in the configuration; windows come from one source only.
 * Throws UsageError for conflicting options, and the readers' errors.
 */
export function resolveSettings(args: CliArgs, input: string, read: FilesRead = new FilesRead()): Settings {
  const found = args.config === false ? undefined : args.config !== undefined ? readConfig(args.config, read) : findConfig(dirname(input), read);
  const config: ProjectConfig = found?.config ?? {};
  const fromConfig: string[] = [];
  const overridden: string[] = [];
  /** The command line's value if given, else the configuration's (noted), else undefined. */
  const pick = <T>(cli: T | undefined, key: keyof ProjectConfig, value: T | undefined): T | undefined => {
    if (cli !== undefined) {
      if (value !== undefined) overridden.push(key);
      return cli;
    }
    if (value !== undefined) fromConfig.push(key);
    return value;
  };

  const windows = chooseWindowSource(args, found, fromConfig, overridden, read);
  const outputs = pick(args.output === undefined ? undefined : [args.output], 'output', config.output?.map((o) => configPath(found, o.replace(/\{name\}/g, inputName(input)))));
  // A configured format belongs to the configured outputs: an output named on the command line
  // takes its format from --format or its own extension.
  const format = args.output !== undefined && args.format === undefined ? undefined : pick(args.format, 'format', config.format);
  const fill = pick(args.fill, 'fill', config.fill);

  const notes: string[] = [];
  if (found) {
    const over = overridden.length > 0 ? `; the command line overrides ${overridden.join(', ')}` : '';
    notes.push(`config   ${found.label}: uses ${fromConfig.join(', ') || 'nothing'}${over}`);
  }
  return { outputs, format, fill, windows: windows.windows, dfuse: windows.dfuse, ram: windows.ram, notes: [...notes, ...windows.notes] };
}

interface ChosenWindowSource {
  readonly windows: readonly FlashWindow[] | undefined;
  readonly dfuse: DfuseLayout | undefined;
  readonly ram?: readonly FlashWindow[] | undefined;
  readonly notes: readonly string[];
}

function chooseWindowSource(args: CliArgs, found: FoundConfig | undefined, fromConfig: string[], overridden: string[], read: FilesRead): ChosenWindowSource {
  const config = found?.config ?? {};
  const cliSources = [args.region.length > 0 && '--region', args.ld !== undefined && '--ld', args.dfuseLayout !== undefined && '--dfuse-layout'].filter(
    (s): s is string => s !== false,
  );
  if (cliSources.length > 1) throw new UsageError(`the windows come from one place: give only one of ${cliSources.join(', ')}`);
  const configSource = (['windows', 'ld', 'dfuseLayout'] as const).find((k) => config[k] !== undefined);
  if (args.ldRegion.length > 0 && args.ld === undefined && (cliSources.length > 0 || configSource !== 'ld')) {
    throw new UsageError('--ld-region picks regions of a linker script: give --ld SCRIPT too');
  }
  if (cliSources.length > 0 && configSource !== undefined) overridden.push(configSource);
  const ldRegions = args.ldRegion.length > 0 ? args.ldRegion : config.ldRegions;

  if (args.region.length > 0) return { windows: args.region.map((text) => parseRegion(text)), dfuse: undefined, notes: [] };
  if (args.ld !== undefined) return ldWindows(args.ld, `--ld ${args.ld}`, args.ldPath, ldRegions, read);
  if (args.dfuseLayout !== undefined) return dfuse(args.dfuseLayout, '--dfuse-layout');
  if (found === undefined || configSource === undefined) return { windows: undefined, dfuse: undefined, notes: [] };

  fromConfig.push(configSource);
  const where = `${found.label} ${configSource}`;
  if (configSource === 'windows') return inConfig(found, () => ({ windows: (config.windows ?? []).map((text) => parseRegion(text, where)), dfuse: undefined, notes: [] }));
  if (configSource === 'dfuseLayout') return inConfig(found, () => dfuse(config.dfuseLayout ?? '', where));
  const script = configPath(found, config.ld ?? '');
  const searchPaths = args.ldPath.length > 0 ? args.ldPath : (config.ldPath ?? []).map((p) => configPath(found, p));
  return ldWindows(script, `ld ${script} (${found.label})`, searchPaths, ldRegions, read);
}

function ldWindows(path: string, label: string, searchPaths: readonly string[], names: readonly string[] | undefined, read: FilesRead): ChosenWindowSource {
  const { windows, skipped, ram } = flashWindowsOf(readLinkerScript(path, searchPaths, read), label, names);
  return { windows, dfuse: undefined, ram, notes: skipped.map((line) => `left out ${line}`) };
}

function dfuse(text: string, label: string): ChosenWindowSource {
  const layout = parseDfuseLayout(text, label);
  return { windows: dfuseWindows(layout, label), dfuse: layout, notes: [] };
}

/**
 * Runs `read` on values of the configuration: a bad value there is bad content of that file
 * (kind input, with the file), not a bad command line, so its UsageError becomes a FormatError.
 */
function inConfig<T>(found: FoundConfig, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof UsageError) throw new FormatError(error.message, undefined, { file: found.file });
    throw error;
  }
}

/** A path from the configuration, relative to its folder, as the summary shows it. */
function configPath(found: FoundConfig | undefined, path: string): string {
  return found ? displayPath(resolve(found.folder, path)) : path;
}

/** `build/app.elf` gives `app`, for `{name}` in configured outputs. */
function inputName(input: string): string {
  return basename(input, extname(input));
}

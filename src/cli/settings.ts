import { basename, dirname, extname, resolve } from 'node:path';
import { FormatError, UsageError } from '../errors.js';
import type { FlashWindow } from '../windows/window.js';
import { parseRegion } from '../config/option-syntax.js';
import { CONFIG_OPTIONS, type ProjectConfig } from '../config/project-config.js';
import { camelCase, OPTIONS, type OptionValues } from '../config/option-table.js';
import { dfuseWindows, parseDfuseLayout, type DfuseLayout } from '../windows/dfuse-layout.js';
import { flashWindowsOf } from '../windows/ld-windows.js';
import { findConfig, readConfig, type FoundConfig } from './config-file.js';
import { inCliWords, type ConfigPlaceOf } from './option-flags.js';
import { FilesRead } from './files-read.js';
import { readLinkerScript } from './ld-file.js';
import type { CommandLine } from './options.js';
import { displayPath } from './paths.js';

/** Every option's value for one run, and the command with its inputs. */
export type CliArgs = OptionValues & Pick<CommandLine, 'command' | 'inputs'>;

/** The settings of one run: command line over project configuration over defaults. */
export interface Settings {
  /** Every option: the command line's value, else the configuration's, else the default. */
  readonly args: CliArgs;
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
  /** Where the configuration gave a library option's value (its key's place), for errors about it; undefined: the command line did. */
  readonly configPlaceOf: ConfigPlaceOf;
}

/**
 * Merges the command line with the project configuration (from --config, or found from the
 * (first) input's folder upward; none with --no-config) and reads the windows' source, noting
 * every file read in `read`. Every command-line setting wins
 * over the same setting in the configuration; windows come from one source only.
 * Throws UsageError for conflicting options, and the readers' errors.
 */
export function resolveSettings(line: CommandLine, input: string, read: FilesRead = new FilesRead()): Settings {
  const given = line.given;
  const found = given.config === false ? undefined : given.config !== undefined ? readConfig(given.config, read) : findConfig(dirname(input), read);
  const config: ProjectConfig = found?.config ?? {};
  const fromConfig: string[] = [];
  const overridden: string[] = [];
  const windows = chooseWindowSource(withDefaults(line, given), found, fromConfig, overridden, read);
  const outputs = given.output !== undefined ? [given.output] : config.output?.map((o) => configPath(found, o.replace(/\{name\}/g, inputName(input))));
  if (config.output !== undefined) (given.output !== undefined ? overridden : fromConfig).push('output');
  const args = withDefaults(line, merged(given, found, fromConfig, overridden));
  const format = args.format;

  const notes: string[] = [];
  const repeated = line.repeated.length > 0 ? `; given more than once, the last counts: ${line.repeated.join(', ')}` : '';
  if (found) {
    const over = overridden.length > 0 ? `; the command line overrides ${overridden.join(', ')}` : '';
    notes.push(`config   ${found.label}: uses ${fromConfig.join(', ') || 'nothing'}${over}${repeated}`);
  } else if (repeated !== '') {
    notes.push(`config   command line${repeated}`);
  }
  const configPlaceOf: ConfigPlaceOf = (option) => {
    const key = CONFIG_OPTIONS.find((o) => 'apiField' in o && o.apiField === option)?.configKey;
    return found !== undefined && key !== undefined && fromConfig.includes(key) ? found.placeOf(key) : undefined;
  };
  const { windows: flash, dfuse, ram } = windows;
  return { args, outputs, format, fill: args.fill, windows: flash, dfuse, ram, notes: [...notes, ...windows.notes], configPlaceOf };
}

/** The command line's values over the configuration's, for every option but the windows' and the outputs (chosen as a whole). */
function merged(given: Partial<OptionValues>, found: FoundConfig | undefined, fromConfig: string[], overridden: string[]): Partial<OptionValues> {
  const values: Record<string, unknown> = { ...given };
  for (const option of CONFIG_OPTIONS) {
    if (option.group === 'Windows' || option.configKey === 'output') continue;
    // A configured format belongs to the configured outputs: an output named on the command line
    // takes its format from --format or its own extension.
    if (option.configKey === 'format' && given.output !== undefined) continue;
    const fromFile = found?.config[option.configKey as keyof ProjectConfig];
    if (fromFile === undefined) continue;
    const key = camelCase(option.name);
    if (values[key] !== undefined) overridden.push(option.configKey);
    else {
      values[key] = fromFile;
      fromConfig.push(option.configKey);
    }
  }
  return values as Partial<OptionValues>;
}

/** Fills in each option's default: its table default, an empty list, or false for a switch. */
function withDefaults(line: CommandLine, values: Partial<OptionValues>): CliArgs {
  const full: Record<string, unknown> = { command: line.command, inputs: line.inputs };
  for (const option of OPTIONS) {
    const key = camelCase(option.name);
    const fallback = 'default' in option ? option.default : option.type === 'list' ? [] : undefined;
    full[key] = (values as Record<string, unknown>)[key] ?? fallback;
  }
  return full as CliArgs;
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
  const cliLdRegions = args.ldRegion.flatMap((names) => names.split(',')).map((n) => n.trim()).filter((n) => n !== '');
  const ldRegions = cliLdRegions.length > 0 ? cliLdRegions : config.ldRegions;

  if (args.region.length > 0) return { windows: args.region.map((text) => parseRegion(text)), dfuse: undefined, notes: [] };
  if (args.ld !== undefined) return ldWindows(args.ld, `--ld ${args.ld}`, args.ldPath, ldRegions, read);
  if (args.dfuseLayout !== undefined) return dfuse(args.dfuseLayout, '--dfuse-layout');
  if (found === undefined || configSource === undefined) return { windows: undefined, dfuse: undefined, notes: [] };

  fromConfig.push(configSource);
  const where = `${found.label} ${configSource}`;
  if (configSource === 'windows') return inConfig(found, configSource, () => ({ windows: (config.windows ?? []).map((text) => parseRegion(text, where)), dfuse: undefined, notes: [] }));
  if (configSource === 'dfuseLayout') return inConfig(found, configSource, () => dfuse(config.dfuseLayout ?? '', where));
  const script = configPath(found, config.ld ?? '');
  const searchPaths = args.ldPath.length > 0 ? args.ldPath : (config.ldPath ?? []).map((p) => configPath(found, p));
  return ldWindows(script, `ld ${script} (${found.label})`, searchPaths, ldRegions, read);
}

function ldWindows(path: string, label: string, searchPaths: readonly string[], names: readonly string[] | undefined, read: FilesRead): ChosenWindowSource {
  const { windows, skipped, ram } = flashWindowsOf(readLinkerScript(path, searchPaths, read), label, names);
  return { windows, dfuse: undefined, ram, notes: skipped.map((line) => `left out ${line}`) };
}

function dfuse(text: string, label: string): ChosenWindowSource {
  const layout = parseDfuseLayout(text);
  return { windows: dfuseWindows(layout, label), dfuse: layout, notes: [] };
}

/**
 * Runs `read` on the value of the configuration's `key`: a bad value there is bad content of
 * that file (kind input, at the key's line and column, the key named as the file spells it),
 * not a bad command line, so its UsageError becomes a FormatError.
 */
function inConfig<T>(found: FoundConfig, key: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    const place = found.placeOf(key);
    throw new FormatError(inCliWords(error.message, { option: error.option ?? '', key: place.key }), undefined, place);
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

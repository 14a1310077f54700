import { basename, dirname, extname, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import type { WindowSource } from '../pipeline/window-source.js';
import { CONFIG_OPTIONS, type ProjectConfig } from '../config/project-config.js';
import { camelCase, OPTIONS, type OptionValues } from '../config/option-table.js';
import { findConfig, readConfig, type FoundConfig } from './config-file.js';
import type { ConfigPlaceOf } from './option-flags.js';
import { FilesRead } from './files-read.js';
import { linkerScriptFile } from './ld-file.js';
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
  /** Where the windows come from, for the core to read: regions, a linker script, a DfuSe layout or the input's default. */
  readonly windows: WindowSource;
  /** Summary lines: where the settings came from. */
  readonly notes: readonly string[];
  /** Where the configuration gave a library option's value (its key's place), for errors about it; undefined: the command line did. */
  readonly configPlaceOf: ConfigPlaceOf;
}

/**
 * Merges the command line with the project configuration (from --config, or found from the
 * (first) input's folder upward; none with --no-config) and reads the linker script if the
 * windows come from one, noting every file read in `read`. Every command-line setting wins
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
  return { args, outputs, format, fill: args.fill, windows, notes, configPlaceOf };
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

/** The one source of the windows, from the command line or else the configuration; a linker script is read here. */
function chooseWindowSource(args: CliArgs, found: FoundConfig | undefined, fromConfig: string[], overridden: string[], read: FilesRead): WindowSource {
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
  const regions = cliLdRegions.length > 0 ? cliLdRegions : config.ldRegions;

  if (args.region.length > 0) return { from: 'regions', regions: args.region, label: '--region' };
  if (args.ld !== undefined) return { from: 'ld', ...linkerScriptFile(args.ld, args.ldPath, read), regions, label: `--ld ${args.ld}` };
  if (args.dfuseLayout !== undefined) return { from: 'dfuse', layout: args.dfuseLayout, label: '--dfuse-layout' };
  if (found === undefined || configSource === undefined) return { from: 'default' };

  fromConfig.push(configSource);
  // A bad value of the configuration names its option: configPlaceOf then places it at its key (an input error there).
  const where = `${found.label} ${configSource}`;
  if (configSource === 'windows') return { from: 'regions', regions: config.windows ?? [], label: where };
  if (configSource === 'dfuseLayout') return { from: 'dfuse', layout: config.dfuseLayout ?? '', label: where };
  const script = configPath(found, config.ld ?? '');
  const searchPaths = args.ldPath.length > 0 ? args.ldPath : (config.ldPath ?? []).map((p) => configPath(found, p));
  return { from: 'ld', ...linkerScriptFile(script, searchPaths, read), regions, label: `ld ${script} (${found.label})` };
}

/** A path from the configuration, relative to its folder, as the summary shows it. */
function configPath(found: FoundConfig | undefined, path: string): string {
  return found ? displayPath(resolve(found.folder, path)) : path;
}

/** `build/app.elf` gives `app`, for `{name}` in configured outputs. */
function inputName(input: string): string {
  return basename(input, extname(input));
}

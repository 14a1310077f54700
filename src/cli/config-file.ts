import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { FormatError, type ErrorPlace } from '../errors.js';
import { FilesRead, readRegularText } from './files-read.js';
import { validateConfig, type ProjectConfig } from '../config/project-config.js';
import { displayPath } from './paths.js';
import { jsonPlaces, jsonSyntaxError } from './json-syntax.js';

/** A configuration and where it was found. */
export interface FoundConfig {
  readonly config: ProjectConfig;
  /** `package.json "flashcut"` or the file name, for the summary. */
  readonly label: string;
  /** The file it is in, for errors about its values. */
  readonly file: string;
  /** The folder its paths are relative to. */
  readonly folder: string;
  /** Where a key of the configuration stands in its file (`recordLength`, `windows[1]`), for errors about its value. */
  readonly placeOf: (key: string) => KeyPlace;
}

/** A key of a configuration file: its path as the file spells it (`flashcut.recordLength`) and its file, line and column. */
export interface KeyPlace extends ErrorPlace {
  readonly key: string;
}

export const CONFIG_FILE = 'flashcut.config.json';
/** A configuration file (or package.json) larger than this is refused. */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

/**
 * Looks for the project configuration from `startFolder` upward: in each folder a
 * flashcut.config.json, else a package.json with a `flashcut` key. Returns undefined when
 * there is none. Throws IoError for a file that cannot be read, FormatError for one that is not
 * JSON or fails validation. The file used is noted in `read`.
 */
export function findConfig(startFolder: string, read: FilesRead = new FilesRead()): FoundConfig | undefined {
  for (let folder = resolve(startFolder); ; folder = dirname(folder)) {
    const own = join(folder, CONFIG_FILE);
    if (existsSync(own)) return readConfig(displayPath(own), read);
    const pkg = displayPath(join(folder, 'package.json'));
    if (existsSync(pkg)) {
      const { json, placeOf } = readJson(pkg, new FilesRead());
      if (typeof json === 'object' && json !== null && 'flashcut' in json) {
        read.note(pkg, 'the project configuration');
        return packageConfig(json, pkg, folder, placeOf);
      }
    }
    if (dirname(folder) === folder) return undefined;
  }
}

/** Reads a configuration file named with --config: a flashcut.config.json, or a package.json's `flashcut` object. */
export function readConfig(path: string, read: FilesRead = new FilesRead()): FoundConfig {
  const { json, placeOf } = readJson(path, read);
  const folder = dirname(resolve(path));
  if (path.endsWith('package.json')) return packageConfig(json, path, folder, placeOf);
  return { config: validateConfig(json, path, '', placeOf), label: path, file: path, folder, placeOf };
}

/** The `flashcut` object of a package.json; its keys are `flashcut.KEY` in the file. */
function packageConfig(json: unknown, path: string, folder: string, placeOf: (key: string) => KeyPlace): FoundConfig {
  const inner = typeof json === 'object' && json !== null ? (json as Record<string, unknown>).flashcut : undefined;
  if (inner === undefined) throw new FormatError('has no "flashcut" key', undefined, { file: path });
  const placeOfKey = (key: string) => placeOf(`flashcut.${key}`);
  return { config: validateConfig(inner, path, 'flashcut.', placeOf), label: `${path} "flashcut"`, file: path, folder, placeOf: placeOfKey };
}

/** Parses a JSON file, noting it in `read`; `placeOf` gives the file, line and column of a key path (`flashcut.windows[1]`). */
function readJson(path: string, read: FilesRead): { json: unknown; placeOf: (key: string) => KeyPlace } {
  const text = readRegularText(path, MAX_CONFIG_BYTES, read, 'the project configuration');
  // A byte-order mark, which Windows editors may write first, is not JSON.
  const json = text.replace(/^\uFEFF/, '');
  let value: unknown;
  try {
    value = JSON.parse(json) as unknown;
  } catch (error) {
    const syntax = jsonSyntaxError(json) ?? { offset: json.length, reason: (error as Error).message };
    throw new FormatError(`not valid JSON: ${syntax.reason}`, undefined, { file: path, ...lineAndColumn(json, syntax.offset) });
  }
  let places: Map<string, number> | undefined;
  const placeOf = (key: string): KeyPlace => {
    places ??= jsonPlaces(json);
    const offset = places.get(key);
    return { key, file: path, ...(offset === undefined ? {} : lineAndColumn(json, offset)) };
  };
  return { json: value, placeOf };
}

/** The 1-based line and column of an offset in a text. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  return { line: before.split('\n').length, column: offset - (before.lastIndexOf('\n') + 1) + 1 };
}

import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { FormatError } from '../errors.js';
import { FilesRead, readRegularText } from './files-read.js';
import { validateConfig, type ProjectConfig } from '../config/project-config.js';
import { displayPath } from './paths.js';
import { jsonSyntaxError } from './json-syntax.js';

/** A configuration and where it was found. */
export interface FoundConfig {
  readonly config: ProjectConfig;
  /** `package.json "flashcut"` or the file name, for the summary. */
  readonly label: string;
  /** The file it is in, for errors about its values. */
  readonly file: string;
  /** The folder its paths are relative to. */
  readonly folder: string;
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
      const json = readJson(pkg, new FilesRead());
      if (typeof json === 'object' && json !== null && 'flashcut' in json) {
        read.note(pkg, 'the project configuration');
        return { config: validateConfig((json as { flashcut: unknown }).flashcut, pkg, 'flashcut.'), label: `${pkg} "flashcut"`, file: pkg, folder };
      }
    }
    if (dirname(folder) === folder) return undefined;
  }
}

/** Reads a configuration file named with --config: a flashcut.config.json, or a package.json's `flashcut` object. */
export function readConfig(path: string, read: FilesRead = new FilesRead()): FoundConfig {
  const json = readJson(path, read);
  const folder = dirname(resolve(path));
  if (path.endsWith('package.json')) {
    const inner = typeof json === 'object' && json !== null ? (json as Record<string, unknown>).flashcut : undefined;
    if (inner === undefined) throw new FormatError('has no "flashcut" key', undefined, { file: path });
    return { config: validateConfig(inner, path, 'flashcut.'), label: `${path} "flashcut"`, file: path, folder };
  }
  return { config: validateConfig(json, path), label: path, file: path, folder };
}

/** Parses a JSON file, noting it in `read`. */
function readJson(path: string, read: FilesRead): unknown {
  const text = readRegularText(path, MAX_CONFIG_BYTES, read, 'the project configuration');
  // A byte-order mark, which Windows editors may write first, is not JSON.
  const json = text.replace(/^\uFEFF/, '');
  try {
    return JSON.parse(json) as unknown;
  } catch (error) {
    const syntax = jsonSyntaxError(json) ?? { offset: json.length, reason: (error as Error).message };
    throw new FormatError(`not valid JSON: ${syntax.reason}`, undefined, { file: path, ...lineAndColumn(json, syntax.offset) });
  }
}

/** The 1-based line and column of an offset in a text. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  return { line: before.split('\n').length, column: offset - (before.lastIndexOf('\n') + 1) + 1 };
}

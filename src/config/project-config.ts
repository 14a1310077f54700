/**
 * The project configuration: the `flashcut` object of a package.json, or a whole
 * flashcut.config.json. Validated here without I/O; src/cli/config-file.ts finds and reads it.
 */

import { FormatError } from '../errors.js';
import { formatNames } from '../write/registry.js';
import { parseRegion } from '../windows/window.js';
import { parseNumber } from '../numbers.js';

/** A validated configuration; paths are as written, relative to the configuration file's folder. */
export interface ProjectConfig {
  /** Flash windows in `--region` syntax. */
  readonly windows?: readonly string[];
  /** A linker script to take the windows from, as `--ld`. */
  readonly ld?: string;
  readonly ldRegions?: readonly string[];
  readonly ldPath?: readonly string[];
  /** A DfuSe layout string, as `--dfuse-layout`. */
  readonly dfuseLayout?: string;
  readonly format?: string;
  /** BIN gap fill, as `--fill` takes it. */
  readonly fill?: string;
  /** Output files; `{name}` stands for the input's file name without its extension. */
  readonly output?: readonly string[];
}

export type ConfigKey = keyof ProjectConfig;

/** The keys that say where the flash windows come from; at most one may be given. */
export const WINDOW_KEYS = ['windows', 'ld', 'dfuseLayout'] as const satisfies readonly ConfigKey[];

/**
 * Checks a parsed JSON value against the configuration's shape. `file` names the file and
 * `prefix` the key path to the object (`flashcut.` in a package.json). Throws FormatError
 * naming the first bad key and what it should hold.
 */
export function validateConfig(value: unknown, file: string, prefix = ''): ProjectConfig {
  const bad = (key: string, expected: string, found: unknown): never => {
    const path = `${prefix}${key}`.replace(/\.$/, '') || '(top level)';
    throw new FormatError(`"${path}": expected ${expected}, found ${JSON.stringify(found) ?? String(found)}`, undefined, { file });
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return bad('', 'an object', value);
  const source = value as Record<string, unknown>;
  const config: Record<string, unknown> = {};

  const text = (key: ConfigKey, check?: (value: string) => void) => {
    const v = source[key];
    if (v === undefined) return;
    if (typeof v !== 'string' || v.trim() === '') return bad(key, 'a non-empty string', v);
    check?.(v);
    config[key] = v;
  };
  const list = (key: ConfigKey, check?: (value: string, index: number) => void) => {
    const v = source[key];
    if (v === undefined) return;
    const items = typeof v === 'string' ? [v] : v;
    if (!Array.isArray(items) || items.length === 0 || items.some((i) => typeof i !== 'string' || i.trim() === '')) {
      return bad(key, 'a string or a non-empty list of strings', v);
    }
    items.forEach((item, i) => check?.(item as string, i));
    config[key] = items;
  };
  const parses = (text: string, parse: (text: string) => unknown): boolean => {
    try {
      parse(text);
      return true;
    } catch {
      return false;
    }
  };

  list('windows', (w, i) => {
    if (!parses(w, parseRegion)) bad(`windows[${i}]`, '[NAME=]ORIGIN:LENGTH, e.g. "FLASH=0x08000000:512K"', w);
  });
  text('ld');
  list('ldRegions');
  list('ldPath');
  text('dfuseLayout');
  text('format', (f) => {
    if (!formatNames().includes(f)) bad('format', `one of ${formatNames().join(', ')}`, f);
  });
  const fill = source.fill;
  if (typeof fill === 'number') config.fill = String(fill);
  else text('fill');
  const fillText = config.fill as string | undefined;
  if (fillText !== undefined && !(parses(fillText, (t) => parseNumber(t, 'fill')) && parseNumber(fillText, 'fill') <= 0xff)) {
    bad('fill', 'a byte value 0..255 (a number, or a string like "0xFF")', fill);
  }
  list('output');

  for (const key of Object.keys(source)) {
    if (!(key in config)) bad(key, `no such setting (known: ${KNOWN_KEYS.join(', ')})`, source[key]);
  }
  const given = WINDOW_KEYS.filter((k) => k in config);
  if (given.length > 1) bad(given[1]!, `only one of ${WINDOW_KEYS.join(', ')} (this file also has "${prefix}${given[0]}")`, source[given[1]!]);
  if (config.ldRegions !== undefined && config.ld === undefined) bad('ldRegions', 'an "ld" setting next to it', config.ldRegions);
  return config as ProjectConfig;
}

const KNOWN_KEYS: readonly ConfigKey[] = ['windows', 'ld', 'ldRegions', 'ldPath', 'dfuseLayout', 'format', 'fill', 'output'];

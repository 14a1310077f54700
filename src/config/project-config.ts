/**
 * The project configuration: the `flashcut` object of a package.json, or a whole
 * flashcut.config.json. Its keys and value types come from the option table; validated here
 * without I/O; src/cli/config-file.ts finds and reads it.
 */

import { FormatError, type ErrorPlace } from '../errors.js';
import { quoted } from '../printable.js';
import { parseRegion } from './option-syntax.js';
import { parseNumber } from '../numbers.js';
import { camelCase, nearest, OPTIONS, type ConfigValues, type OptionRow } from './option-table.js';

/** A validated configuration; paths are as written, relative to the configuration file's folder. */
export type ProjectConfig = ConfigValues;

export type ConfigKey = keyof ProjectConfig;

/** The keys that say where the flash windows come from; at most one may be given. */
export const WINDOW_KEYS = ['windows', 'ld', 'dfuseLayout'] as const satisfies readonly ConfigKey[];

/** The option rows that have a configuration key, with it. */
export const CONFIG_OPTIONS = OPTIONS.filter((o): o is Extract<OptionRow, { configKey: string }> => 'configKey' in o);

/** The key editors use to find the JSON schema (schema/config.schema.json); ignored here. */
const SCHEMA_KEY = '$schema';

/** Checks of a value's meaning beyond its type; each returns what was expected, or undefined when the value is fine. */
const MEANING: Partial<Record<ConfigKey, (value: string) => string | undefined>> = {
  windows: (w) => (regionParses(w) ? undefined : '[NAME=]ORIGIN:LENGTH, e.g. "FLASH=0x08000000:512K"'),
  fill: (f) => ((numberOf(f) ?? 0x100) <= 0xff ? undefined : 'a byte value 0..255 (a number, or a string like "0xFF")'),
  align: (a) => (Number.isInteger(Math.log2(numberOf(a) ?? 0)) ? undefined : 'a power of two (1, 2, 4, ... bytes)'),
  recordLength: (n) => (numberOf(n) !== undefined ? undefined : 'a number of bytes'),
};

/**
 * Checks a parsed JSON value against the configuration's shape. `file` names the file and
 * `prefix` the key path to the object (`flashcut.` in a package.json); `placeOf` gives the line
 * and column of a key path (`flashcut.windows[1]`) where the caller has the text. Throws
 * FormatError naming the first bad key and what it should hold.
 */
export function validateConfig(value: unknown, file: string, prefix = '', placeOf: (path: string) => ErrorPlace = () => ({ file })): ProjectConfig {
  const bad = (key: string, expected: string, found: unknown): never => {
    const path = `${prefix}${key}`.replace(/\.$/, '');
    throw new FormatError(`${quoted(path || '(top level)')}: expected ${expected}, found ${describeValue(found)}`, undefined, { ...placeOf(path), file });
  };
  const unknown = (key: string, hint: string, found: unknown): never => {
    throw new FormatError(`${quoted(`${prefix}${key}`)}: no such setting (${hint}), found ${describeValue(found)}`, undefined, { ...placeOf(`${prefix}${key}`), file });
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return bad('', 'an object', value);
  const source = value as Record<string, unknown>;
  const config: Record<string, unknown> = {};

  for (const option of CONFIG_OPTIONS) {
    const key = option.configKey;
    const v = source[key];
    if (v === undefined) continue;
    const meaning = MEANING[key as ConfigKey];
    const check = (text: string, at: string, found: unknown = text): string => {
      const expected = meaning?.(text);
      if (expected !== undefined) bad(at, expected, found);
      return text;
    };
    if (option.type === 'list' || ('configList' in option && option.configList)) {
      const items = typeof v === 'string' ? [v] : v;
      if (!Array.isArray(items) || items.length === 0 || items.some((i) => typeof i !== 'string' || i.trim() === '')) {
        bad(key, 'a string or a non-empty list of strings', v);
      }
      config[key] = (items as string[]).map((item, i) => check(item, `${key}[${i}]`));
    } else if (option.type === 'boolean') {
      if (typeof v !== 'boolean') bad(key, 'true or false', v);
      config[key] = v;
    } else {
      const numberAllowed = option.type === 'number' || ('configNumber' in option && option.configNumber);
      const text = typeof v === 'number' && numberAllowed && Number.isSafeInteger(v) ? String(v) : v;
      if (typeof text !== 'string' || text.trim() === '') bad(key, numberAllowed ? 'a number or a non-empty string' : 'a non-empty string', v);
      const choices: readonly string[] | undefined = 'choices' in option ? option.choices : undefined;
      const chosen = choices?.find((c) => c.toLowerCase() === (text as string).toLowerCase());
      if (choices && chosen === undefined) bad(key, `one of ${choices.join(', ')}`, v);
      config[key] = option.type === 'number' ? parseNumber(check(text as string, key, v), key) : (chosen ?? check(text as string, key, v));
    }
  }

  for (const key of Object.keys(source)) {
    // Own keys only: `constructor`, `toString` or `__proto__` are keys like any other, not the object's built-ins.
    if (Object.hasOwn(config, key) || key === SCHEMA_KEY) continue;
    const known = CONFIG_OPTIONS.map((o) => o.configKey);
    const guess = guessKey(key);
    unknown(key, guess ? `did you mean "${guess}"?` : `known: ${known.join(', ')}`, source[key]);
  }
  const given = WINDOW_KEYS.filter((k) => k in config);
  if (given.length > 1) bad(given[1]!, `only one of ${WINDOW_KEYS.join(', ')} (this file also has "${prefix}${given[0]}")`, source[given[1]!]);
  if (config.ldRegions !== undefined && config.ld === undefined) bad('ldRegions', 'an "ld" setting next to it', config.ldRegions);
  return config as ProjectConfig;
}

/**
 * The configuration key a mistyped `key` most likely means. A key may be misspelt (`fil`) or
 * written as its command-line flag (`region`, `regions`, `record-length`): each key is compared
 * with its own spelling and with its flag's (camel case too), and the closest wins, so that
 * `regions` is `windows` (the key of --region), not `ldRegions`.
 */
function guessKey(key: string): string | undefined {
  const spellings = new Map<string, string>();
  for (const option of CONFIG_OPTIONS) for (const spelling of [option.configKey, option.name, camelCase(option.name)]) if (!spellings.has(spelling)) spellings.set(spelling, option.configKey);
  const spelling = nearest(key, [...spellings.keys()]);
  return spelling === undefined ? undefined : spellings.get(spelling);
}

/**
 * A JSON value as a message shows it, in bounded time and length whatever its size or depth:
 * a string quoted and escaped, a list or object by its first items, a nested one as `[...]`/`{...}`.
 */
function describeValue(value: unknown, depth = 0): string {
  if (typeof value === 'string') return quoted(value);
  if (typeof value !== 'object' || value === null) return String(value);
  if (depth > 1) return Array.isArray(value) ? '[...]' : '{...}';
  const shown = 3;
  if (Array.isArray(value)) {
    const items = value.slice(0, shown).map((v) => describeValue(v, depth + 1));
    return `[${items.join(',')}${value.length > shown ? ',...' : ''}]`;
  }
  const keys = Object.keys(value);
  const items = keys.slice(0, shown).map((k) => `${quoted(k)}:${describeValue((value as Record<string, unknown>)[k], depth + 1)}`);
  return `{${items.join(',')}${keys.length > shown ? ',...' : ''}}`;
}

function regionParses(text: string): boolean {
  try {
    parseRegion(text);
    return true;
  } catch {
    return false;
  }
}

function numberOf(text: string): number | undefined {
  try {
    return parseNumber(text, 'value');
  } catch {
    return undefined;
  }
}

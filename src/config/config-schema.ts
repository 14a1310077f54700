/**
 * The JSON Schema (draft-07) of the project configuration, made from the option table, so that
 * editors complete and check flashcut.config.json. schema/config.schema.json is this, written
 * by scripts/make-config-schema.ts; a test keeps the two equal.
 */

import { WINDOW_KEYS, CONFIG_OPTIONS } from './project-config.js';

type Schema = Readonly<Record<string, unknown>>;

const TEXT: Schema = { type: 'string', pattern: '\\S' };
const TEXT_OR_LIST: Schema = { anyOf: [TEXT, { type: 'array', minItems: 1, items: TEXT }] };

/** The schema as a plain object, ready for JSON.stringify. */
export function configSchema(): Schema {
  const properties: Record<string, Schema> = {
    $schema: { type: 'string', description: 'where editors find this schema, e.g. "./node_modules/flashcut/schema/config.schema.json"' },
  };
  for (const option of CONFIG_OPTIONS) {
    const description = `${option.help} (as --${option.name})`;
    const choices: readonly string[] | undefined = 'choices' in option ? option.choices : undefined;
    const numberToo = option.type === 'number' || ('configNumber' in option && option.configNumber);
    const shape: Schema =
      option.type === 'list' || ('configList' in option && option.configList)
        ? TEXT_OR_LIST
        : option.type === 'boolean'
          ? { type: 'boolean' }
          : choices
            ? { type: 'string', anyOf: [{ enum: choices }, { pattern: anyCase(choices) }] }
            : numberToo
              ? { anyOf: [{ type: 'integer', minimum: 0 }, TEXT] }
              : TEXT;
    properties[option.configKey] = { description, ...shape, ...('default' in option ? { default: option.default } : {}) };
  }
  const pairs = WINDOW_KEYS.flatMap((a, i) => WINDOW_KEYS.slice(i + 1).map((b) => ({ required: [a, b] })));
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://github.com/flashcut/flashcut/schema/config.schema.json',
    title: 'flashcut project configuration',
    description:
      'flashcut.config.json, or the "flashcut" key of package.json. Paths are relative to the file; a command-line option wins over its setting. At most one of windows, ld, dfuseLayout.',
    type: 'object',
    properties,
    additionalProperties: false,
    dependencies: { ldRegions: ['ld'] },
    not: { anyOf: pairs },
  };
}

/**
 * A pattern matching each choice in any case (`CRLF`, `Lf`), as flashcut reads choices; the
 * plain `enum` beside it is what editors offer to complete.
 */
function anyCase(choices: readonly string[]): string {
  const letters = (choice: string) => [...choice].map((c) => (c.toLowerCase() === c.toUpperCase() ? c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : `[${c.toLowerCase()}${c.toUpperCase()}]`)).join('');
  return `^(?:${choices.map(letters).join('|')})$`;
}

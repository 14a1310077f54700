import { OPTIONS } from '../config/option-table.js';
import type { KeyPlace } from './config-file.js';
import type { Finding } from '../findings/index.js';

/**
 * The command-line flag of each library option (ConvertOptions and the window sources), from the
 * option table, so that a core message naming `options.maxGap` reads `--max-gap` on the command line.
 */
export const FLAG_OF_OPTION: Readonly<Record<string, string>> = Object.fromEntries(
  OPTIONS.flatMap((option) => ('apiField' in option && option.apiField !== undefined ? [[option.apiField, `--${option.name}`]] : [])),
);

/**
 * A message of the core in the command line's words: each `options.NAME` becomes its flag, or,
 * for the option whose value a configuration gave (`given`), that configuration's key.
 */
export function inCliWords(message: string, given?: { readonly option: string; readonly key: string }): string {
  return message.replace(/\boptions\.(\w+)/g, (name, option: string) => (option === given?.option ? `"${given.key}"` : (FLAG_OF_OPTION[option] ?? name)));
}

/** Where the value of a library option came from when a configuration gave it: its key's file, line and column; undefined: the command line (or a default). */
export type ConfigPlaceOf = (option: string) => KeyPlace | undefined;

/** An analysis with its findings' texts in the command line's words (the core's name options as `options.windows`). */
export function findingsInCliWords<A extends { readonly findings: readonly Finding[] }>(analysis: A): A {
  const findings = analysis.findings.map((f) => ({ ...f, summary: inCliWords(f.summary), message: inCliWords(f.message), fix: inCliWords(f.fix) }));
  return { ...analysis, findings };
}

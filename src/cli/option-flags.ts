import { OPTIONS } from '../config/option-table.js';

/**
 * The command-line flag of each library option (ConvertOptions and the window sources), from the
 * option table, so that a core message naming `options.maxGap` reads `--max-gap` on the command line.
 */
export const FLAG_OF_OPTION: Readonly<Record<string, string>> = Object.fromEntries(
  OPTIONS.flatMap((option) => ('apiField' in option && option.apiField !== undefined ? [[option.apiField, `--${option.name}`]] : [])),
);

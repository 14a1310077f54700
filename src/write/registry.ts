import { UsageError } from '../errors.js';
import { rawBinary } from './bin.js';
import { dfuse } from './dfuse.js';
import type { OutputFormat } from './format.js';
import { intelHex } from './hex.js';
import { motorolaSrec } from './srec.js';
import { uf2 } from './uf2.js';

/** Every output format, keyed by name. */
export const outputFormats: Readonly<Record<string, OutputFormat>> = {
  [intelHex.name]: intelHex,
  [rawBinary.name]: rawBinary,
  [motorolaSrec.name]: motorolaSrec,
  [dfuse.name]: dfuse,
  [uf2.name]: uf2,
};

/** Names accepted by `--format`, with their aliases. */
const ALIASES: Readonly<Record<string, string>> = { ihex: 'hex', binary: 'bin', srecord: 'srec', s19: 'srec', mot: 'srec', dfuse: 'dfu' };

/** The format called `name` (or an alias such as `ihex`); throws UsageError for an unknown one. */
export function formatByName(name: string): OutputFormat {
  const format = outputFormats[ALIASES[name.toLowerCase()] ?? name.toLowerCase()];
  if (!format) throw new UsageError(`unknown format '${name}' (known: ${formatNames().join(', ')})`);
  return format;
}

/** The format whose extension ends the path (case-insensitive), if any. */
export function formatForPath(path: string): OutputFormat | undefined {
  const lower = path.toLowerCase();
  return Object.values(outputFormats).find((f) => f.extensions.some((ext) => lower.endsWith(ext)));
}

/** The names `--format` accepts, for help and errors. */
export function formatNames(): string[] {
  return [...Object.keys(outputFormats), ...Object.keys(ALIASES)];
}

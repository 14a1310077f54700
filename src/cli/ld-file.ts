import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { IoError, LimitError } from '../errors.js';
import { count } from '../numbers.js';
import { FilesRead, readRegularText } from './files-read.js';
import { displayPath } from './paths.js';
import type { IncludeReader } from '../windows/ld-script.js';

/** A linker script or INCLUDEd file larger than this is refused (the largest real ones are a few hundred KB). */
export const MAX_SCRIPT_BYTES = 16 * 1024 * 1024;
/** The script and everything it INCLUDEs, together. */
export const MAX_SCRIPT_TOTAL_BYTES = 32 * 1024 * 1024;

/** A linker script's text and the reader of the files it INCLUDEs: what the core's `ld` window source takes. */
export interface LinkerScriptFile {
  readonly text: string;
  readonly file: string;
  readonly include: IncludeReader;
}

/**
 * Reads the linker script at `path`, and gives the reader the core calls for each file it
 * INCLUDEs; both note what they read in `read`. An INCLUDE name is looked up in the including
 * script's folder, then in each of `searchPaths` (ld's -L, given as --ld-path), in order; an
 * absolute name only where it says. Only regular files are read, each of at most
 * MAX_SCRIPT_BYTES and all of them of at most MAX_SCRIPT_TOTAL_BYTES. Throws IoError (with the
 * file) when the script cannot be read and LimitError when it is too large; the INCLUDE reader
 * throws the same for an INCLUDE that is missing, special or too large (the parser adds the
 * script, line and column).
 */
export function linkerScriptFile(path: string, searchPaths: readonly string[], read: FilesRead = new FilesRead()): LinkerScriptFile {
  let total = 0;
  const readText = (file: string, role: 'the linker script' | 'a file the linker script INCLUDEs') => {
    const text = readRegularText(file, MAX_SCRIPT_BYTES, read, role);
    total += text.length;
    if (total > MAX_SCRIPT_TOTAL_BYTES) throw new LimitError(`the linker script and its INCLUDEs hold over ${count(MAX_SCRIPT_TOTAL_BYTES)} bytes`);
    return text;
  };
  const include: IncludeReader = (name, fromFile) => {
    // An absolute name is that file, as in ld.
    const candidates = isAbsolute(name) ? [name] : [join(dirname(fromFile), name), ...searchPaths.map((dir) => join(dir, name))];
    const found = candidates.find((candidate) => existsSync(candidate));
    if (found === undefined) throw new IoError(`not found in ${candidates.map((c) => dirname(c)).join(', ')} (add folders with --ld-path)`);
    return { file: displayPath(found), text: readText(found, 'a file the linker script INCLUDEs') };
  };
  return { text: readText(path, 'the linker script'), file: path, include };
}

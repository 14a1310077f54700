import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { IoError } from '../errors.js';
import { readFileText } from './files.js';
import { displayPath } from './paths.js';
import { parseLinkerScript, type IncludeReader, type LinkerScript } from '../windows/ld-script.js';

/**
 * Reads the linker script at `path` and the files it INCLUDEs. An INCLUDE name is looked
 * up in the including script's folder, then in each of `searchPaths` (ld's -L, given as
 * --ld-path), in order. Throws IoError (with the file) when the script cannot be read, and the
 * parser's FormatError (with the script, line and column) for a malformed one or a missing INCLUDE.
 */
export function readLinkerScript(path: string, searchPaths: readonly string[]): LinkerScript {
  const include: IncludeReader = (name, fromFile) => {
    const candidates = [join(dirname(fromFile), name), ...searchPaths.map((dir) => join(dir, name))];
    for (const candidate of candidates) {
      const text = readIfFile(candidate);
      if (text !== undefined) return { file: displayPath(candidate), text };
    }
    throw new IoError(`not found in ${candidates.map((c) => dirname(c)).join(', ')} (add folders with --ld-path)`);
  };
  return parseLinkerScript(readFileText(path), { file: path, include });
}

function readIfFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { IoError } from '../errors.js';
import { parseLinkerScript, type IncludeReader, type LinkerScript } from '../windows/ld-script.js';

/**
 * Reads the linker script at `path` and the files it INCLUDEs. An INCLUDE name is looked
 * up in the including script's folder, then in each of `searchPaths` (ld's -L, given as
 * --ld-path), in order. Throws IoError for a file that cannot be read or found, and the
 * parser's FormatError for a malformed script.
 */
export function readLinkerScript(path: string, searchPaths: readonly string[]): LinkerScript {
  const include: IncludeReader = (name, fromFile) => {
    const candidates = [join(dirname(fromFile), name), ...searchPaths.map((dir) => join(dir, name))];
    for (const candidate of candidates) {
      const text = readIfFile(candidate);
      if (text !== undefined) return { file: displayPath(candidate), text };
    }
    throw new IoError(`${fromFile}: INCLUDE ${name}: not found in ${candidates.map((c) => dirname(c)).join(', ')} (add folders with --ld-path)`);
  };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new IoError(`cannot read linker script ${path}: ${(error as Error).message.replace(/^[A-Z]+: /, '')}`);
  }
  return parseLinkerScript(text, { file: path, include });
}

function readIfFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** A path relative to the working folder when that is shorter, for messages. */
function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.length < path.length ? rel : path;
}

import { linkerScriptFile } from '../../src/cli/ld-file.js';
import { parseLinkerScript, type LinkerScript } from '../../src/windows/ld-script.js';

/** A linker script file read as the command line reads it and parsed as the core parses it, INCLUDEs and all. */
export function readLinkerScript(path: string, searchPaths: readonly string[]): LinkerScript {
  const file = linkerScriptFile(path, searchPaths);
  return parseLinkerScript(file.text, file);
}

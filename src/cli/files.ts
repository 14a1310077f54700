import { readFileSync } from 'node:fs';
import { IoError } from '../errors.js';

/**
 * Reads a file the command line names (an input, a linker script, a configuration). A file that
 * cannot be read is an IoError with the file attached, worded alike whichever file it is:
 * `cannot read it: no such file or directory`.
 */
export function readFileBytes(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new IoError(`cannot read it: ${systemText(error)}`, { file: path });
  }
}

/** The file's text as UTF-8; throws as readFileBytes does. */
export function readFileText(path: string): string {
  return new TextDecoder().decode(readFileBytes(path));
}

/** Whether `error` is an error of a system call (it has an errno code and the call's name). */
export function isSystemError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string' && 'syscall' in error;
}

/** The system's words without the code and the path: `ENOENT: no such file or directory, open 'x'` becomes `no such file or directory`. */
export function systemText(error: unknown): string {
  if (!isSystemError(error)) return String(error);
  return error.message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '');
}

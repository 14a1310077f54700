import { FlashcutError, FormatError } from '../errors.js';

/**
 * The one line the command line prints for `error`: `flashcut: error: app.hex:2: checksum ...`.
 * `input` is the input's name when there is one input (its errors then name it).
 */
export function errorLine(error: FlashcutError, input: string | undefined): string {
  // An error in a linker script or config file names that file itself.
  const ownFile = error instanceof FormatError && error.file !== undefined;
  const line = error instanceof FormatError && error.line !== undefined ? `:${error.line}` : '';
  const where = error.code === 'usage' || input === undefined || ownFile ? '' : `${input}${line}: `;
  return `flashcut: error: ${where}${error.message}`;
}

import { FlashcutError, type ErrorCode, type ErrorKind } from '../errors.js';
import { isSystemError, systemText } from './files-read.js';
import { inCliWords, type ConfigPlaceOf } from './option-flags.js';
import { oneLine } from './text.js';

/** Exit codes, as documented in `--help` and the README: one per error kind, and 3 for --strict. */
export const EXIT = { ok: 0, input: 1, usage: 2, strict: 3, io: 4, limit: 5, internal: 70 } as const;

const EXIT_OF_KIND: Readonly<Record<ErrorKind, number>> = { input: EXIT.input, usage: EXIT.usage, io: EXIT.io, limit: EXIT.limit };

/** An error as the command line shows it (one line) and `--json` carries it. */
export interface ErrorRecord {
  readonly kind: ErrorKind | 'internal';
  readonly code: ErrorCode | 'internal';
  readonly exitCode: number;
  /** In the command line's words: API option names become flags. */
  readonly message: string;
  readonly file?: string | undefined;
  readonly line?: number | undefined;
  readonly column?: number | undefined;
  readonly offset?: number | undefined;
  readonly related?: { readonly file: string; readonly line: number } | undefined;
}

/**
 * What the command line says about `error`, whatever threw it. An error about an option's value
 * is placed where the value was given, not at the file being read or written: at its key in the
 * configuration (`configPlaceOf`; then the file's content is wrong, kind input), or at its flag.
 */
export function describeError(error: unknown, configPlaceOf?: ConfigPlaceOf): ErrorRecord {
  if (error instanceof FlashcutError) {
    const { option } = error;
    const given = option === undefined ? undefined : configPlaceOf?.(option);
    if (option !== undefined && given !== undefined) {
      const { file, line, column } = given;
      return { kind: 'input', code: 'format', exitCode: EXIT.input, message: inCliWords(error.message, { option, key: given.key }), file, line, column };
    }
    const { kind, code } = error;
    const { file, line, column, offset, related } = option === undefined ? error : {};
    return { kind, code, exitCode: EXIT_OF_KIND[kind], message: inCliWords(error.message), file, line, column, offset, related };
  }
  // A system error no code of ours caught (a write to a closed stream, ...) is still io.
  if (isSystemError(error)) {
    return { kind: 'io', code: 'io', exitCode: EXIT.io, message: systemText(error), file: error.path };
  }
  return { kind: 'internal', code: 'internal', exitCode: EXIT.internal, message: `internal error: ${String(error)} (please report it)` };
}

/**
 * GCC's shape, which IDE consoles turn into a link: `flashcut: FILE:LINE:COL: error: MESSAGE`.
 * Always one line: line breaks in a message become spaces, control characters escapes.
 */
export function errorLine(record: ErrorRecord): string {
  const place = record.file === undefined ? '' : [record.file, record.line, record.line === undefined ? undefined : record.column].filter((p) => p !== undefined).join(':') + ': ';
  return `flashcut: ${oneLine(place)}error: ${oneLine(record.message)}`;
}

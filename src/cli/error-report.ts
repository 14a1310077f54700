import { FlashcutError, type ErrorCode, type ErrorKind } from '../errors.js';
import { isSystemError, systemText } from './files-read.js';
import { FLAG_OF_OPTION } from './option-flags.js';
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
}

/** What the command line says about `error`, whatever threw it. */
export function describeError(error: unknown): ErrorRecord {
  if (error instanceof FlashcutError) {
    const message = error.message.replace(/\boptions\.(\w+)/g, (name, option: string) => FLAG_OF_OPTION[option] ?? name);
    const { kind, code, file, line, column, offset } = error;
    return { kind, code, exitCode: EXIT_OF_KIND[kind], message, file, line, column, offset };
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

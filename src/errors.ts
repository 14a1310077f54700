/**
 * The one error hierarchy of flashcut. Every failure a user can cause (bad input, an
 * impossible layout, an output over a limit, a wrong option) is one of these, with a
 * stable `code`; anything else reaching the CLI is a bug in flashcut.
 */

/** Stable machine-readable error codes, also used by `--json`. */
export type ErrorCode = 'format' | 'unsupported' | 'layout' | 'limit' | 'usage' | 'io';

export class FlashcutError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * The input breaks its format's rules; `offset` is the byte where it was seen. In a text format
 * (Intel HEX, S-record) `line` is the 1-based line, which the CLI shows as `file:line`. `file`
 * is set when the broken file is not the input being converted (a linker script, a config
 * file); the message then starts with that file's name and position.
 */
export class FormatError extends FlashcutError {
  readonly offset: number | undefined;
  readonly line: number | undefined;
  readonly file: string | undefined;

  constructor(message: string, offset?: number, where: { readonly line?: number | undefined; readonly file?: string | undefined } = {}) {
    super('format', message);
    this.offset = offset;
    this.line = where.line;
    this.file = where.file;
  }
}

/** Well-formed input that flashcut does not handle (ELF64, a relocatable object, ...). */
export class UnsupportedError extends FlashcutError {
  constructor(message: string) {
    super('unsupported', message);
  }
}

/** The bytes cannot be laid out: overlapping content, nothing left to write, ... */
export class LayoutError extends FlashcutError {
  constructor(message: string) {
    super('layout', message);
  }
}

/** An output would exceed a limit the user set or can raise (`--max-gap`, ...). */
export class OutputLimitError extends FlashcutError {
  constructor(message: string) {
    super('limit', message);
  }
}

/** A wrong option or option value. */
export class UsageError extends FlashcutError {
  constructor(message: string) {
    super('usage', message);
  }
}

/** A file could not be read or written. */
export class IoError extends FlashcutError {
  constructor(message: string) {
    super('io', message);
  }
}

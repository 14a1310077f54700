/**
 * The one error hierarchy of flashcut. Every failure a user can cause (bad input, an
 * impossible layout, an output over a limit, a wrong option) is one of these, with a
 * stable `code` and a `kind`; anything else reaching the CLI is a bug in flashcut.
 */

/** Stable machine-readable error codes, also used by `--json`: what the error is about. */
export type ErrorCode = 'format' | 'unsupported' | 'layout' | 'limit' | 'usage' | 'io';

/**
 * What went wrong, by cause (the exit code follows it, never the thrower):
 * - `usage`: the call itself (an option, an option value, a missing output);
 * - `input`: the content of a file or value read (an input, a linker script, an include, a
 *   configuration, a DfuSe layout from a configuration), or a layout those contents make impossible;
 * - `io`: a file that cannot be read or written, whichever file it is;
 * - `limit`: an output over a limit of its format or of an option.
 */
export type ErrorKind = 'usage' | 'input' | 'io' | 'limit';

const KIND_OF_CODE: Readonly<Record<ErrorCode, ErrorKind>> = {
  format: 'input',
  unsupported: 'input',
  layout: 'input',
  limit: 'limit',
  usage: 'usage',
  io: 'io',
};

/** Where an error was seen; line and column are 1-based, offset a byte offset into the file. */
export interface ErrorPlace {
  readonly file?: string | undefined;
  readonly line?: number | undefined;
  readonly column?: number | undefined;
  readonly offset?: number | undefined;
  /** The other place an error is about, where there is one: the other record of an overlap. */
  readonly related?: { readonly file: string; readonly line: number } | undefined;
  /**
   * The library option whose value is wrong (a ConvertOptions field, `recordLength`), when the
   * error is about one: a front end names it its own way, at the place it was given (a flag, a
   * configuration key), rather than at the file being read or written.
   */
  readonly option?: string | undefined;
}

/**
 * Messages name the library's options as `options.maxGap` (a ConvertOptions field), so that a
 * front end can put its own name in their place (the CLI writes `--max-gap`).
 */
export class FlashcutError extends Error {
  readonly code: ErrorCode;
  readonly kind: ErrorKind;
  /** Set by whoever knows them: the reader of a file attaches the file to every error it raises. */
  file: string | undefined;
  line: number | undefined;
  column: number | undefined;
  offset: number | undefined;
  option: string | undefined;
  readonly related: ErrorPlace['related'];
  constructor(code: ErrorCode, message: string, place: ErrorPlace = {}) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.kind = KIND_OF_CODE[code];
    this.file = place.file;
    this.line = place.line;
    this.column = place.column;
    this.offset = place.offset;
    this.option = place.option;
    this.related = place.related;
  }

  /** Fills in the parts of `place` that are still unknown (a deeper reader's are kept) and returns the error. */
  at(place: ErrorPlace): this {
    this.file ??= place.file;
    this.line ??= place.line;
    this.column ??= place.column;
    this.offset ??= place.offset;
    this.option ??= place.option;
    return this;
  }
}

/**
 * Runs `read` and attaches `file` to any FlashcutError it throws, so that the error names its
 * file however many inputs there are.
 */
export function inFile<T>(file: string | undefined, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof FlashcutError) error.at({ file });
    throw error;
  }
}

/**
 * Runs `run` and marks any FlashcutError it throws as about the library option `option` (one the
 * error has already is kept), so that a front end can say where that option's value was given.
 */
export function aboutOption<T>(option: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof FlashcutError) error.at({ option });
    throw error;
  }
}

/** The input breaks its format's rules; `offset` is the byte where it was seen, `line`/`column` its place in a text format. */
export class FormatError extends FlashcutError {
  constructor(message: string, offset?: number, where: Omit<ErrorPlace, 'offset'> = {}) {
    super('format', message, { ...where, offset });
  }
}

/** Well-formed input that flashcut does not handle (ELF64, a relocatable object, ...). */
export class UnsupportedError extends FlashcutError {
  constructor(message: string, place?: ErrorPlace) {
    super('unsupported', message, place);
  }
}

/** The bytes cannot be laid out: overlapping content, nothing left to write, ... */
export class LayoutError extends FlashcutError {
  constructor(message: string, place?: ErrorPlace) {
    super('layout', message, place);
  }
}

/** Over a limit: of an output's format, of an option the user can raise (`maxGap`), or of what flashcut reads (a 4 MiB configuration). */
export class LimitError extends FlashcutError {
  constructor(message: string, place?: ErrorPlace) {
    super('limit', message, place);
  }
}

/** A wrong option or option value. */
export class UsageError extends FlashcutError {
  constructor(message: string, place?: ErrorPlace) {
    super('usage', message, place);
  }
}

/**
 * A value of the library option `option` (a ConvertOptions field) that cannot be used; the
 * message starts `options.NAME VALUE:`, which a front end shows in its own words.
 */
export function badOption(option: string, value: unknown, why: string): UsageError {
  return new UsageError(`options.${option} ${String(value)}: ${why}`, { option });
}

/** A file could not be read or written. */
export class IoError extends FlashcutError {
  constructor(message: string, place?: ErrorPlace) {
    super('io', message, place);
  }
}

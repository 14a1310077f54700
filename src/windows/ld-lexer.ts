/**
 * The tokens of a GNU ld linker script, read on demand with their line and column.
 * Only the expression-state vocabulary is tokenized (names, numbers, strings, operators);
 * commands flashcut does not interpret (SECTIONS, PHDRS, ...) are skipped as balanced text,
 * since their file-name patterns (`*(.text*)`, `/DISCARD/`) follow other lexical rules.
 */

import { FormatError } from '../errors.js';

export type TokenKind = 'name' | 'number' | 'string' | 'punct' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** The text as written; for a number, its value is in `value`. */
  readonly text: string;
  readonly value: bigint;
  readonly line: number;
  readonly column: number;
  readonly offset: number;
}

/** Operators longest first, so `<<=` wins over `<<` and `<`. ld has no `^`, `%=` or `^=`. */
const OPERATORS = ['<<=', '>>=', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '+=', '-=', '*=', '/=', '&=', '|='];
const SINGLE = new Set('+-*/%&|~!<>=?:;,(){}[]');
const NAME_START = /[A-Za-z_.]/;
const NAME_PART = /[A-Za-z0-9_.$]/;
const NUMBER_TEXT = /^(?:0[xX]([0-9a-fA-F]+)|([0-9]+))([kKmM]?)$/;

export class LdLexer {
  private pos = 0;
  private line = 1;
  private lineStart = 0;
  private peeked: Token | undefined;

  constructor(
    private readonly text: string,
    /** File name for messages, as the user gave it. */
    readonly file: string,
  ) {
    // A UTF-8 byte-order mark, which Windows editors write first, is skipped (GNU ld accepts it too).
    if (text.startsWith('\uFEFF')) this.pos = this.lineStart = 1;
  }

  /** The next token without consuming it. */
  peek(): Token {
    this.peeked ??= this.read();
    return this.peeked;
  }

  next(): Token {
    const token = this.peek();
    this.peeked = undefined;
    return token;
  }

  /** Consumes the next token if it is the punctuation or (case-sensitive) name `text`. */
  accept(text: string): boolean {
    const token = this.peek();
    if ((token.kind === 'punct' || token.kind === 'name') && token.text === text) {
      this.next();
      return true;
    }
    return false;
  }

  /** Consumes the punctuation `text` or throws "expected ...". */
  expect(text: string, context: string): Token {
    const token = this.peek();
    if (token.kind === 'punct' && token.text === text) return this.next();
    throw this.error(token, `expected '${text}' ${context}, found ${describeToken(token)}`);
  }

  /** A FormatError located at `token` (file, line, column and byte offset). */
  error(token: Pick<Token, 'line' | 'column' | 'offset'>, message: string): FormatError {
    return new FormatError(message, token.offset, { file: this.file, line: token.line, column: token.column });
  }

  /**
   * Reads a file name as INCLUDE takes it: a quoted string, or a run of characters up to
   * white space, `;` or a bracket.
   */
  fileName(): Token {
    this.unpeek();
    this.skipSpace();
    const start = this.here();
    if (this.text[this.pos] === '"') return this.string(start);
    while (this.pos < this.text.length && !/[\s;(){}"]/.test(this.text[this.pos] ?? '')) this.pos++;
    const text = this.text.slice(start.offset, this.pos);
    if (text === '') throw this.error(start, 'expected a file name after INCLUDE');
    return { kind: 'string', text, value: 0n, ...start };
  }

  /**
   * Skips text up to and including the bracket that closes `open` (just consumed),
   * counting nested brackets and ignoring those in comments and strings.
   */
  skipBalanced(open: Token): void {
    this.unpeek();
    const close = open.text === '{' ? '}' : ')';
    let depth = 1;
    while (depth > 0) {
      this.skipSpace();
      const c = this.text[this.pos];
      if (c === undefined) throw this.error(open, `this '${open.text}' is never closed (expected '${close}' before the end of the file)`);
      if (c === '"') {
        this.string(this.here());
        continue;
      }
      if (c === open.text) depth++;
      else if (c === close) depth--;
      this.advance(1);
    }
  }

  /** Forgets a peeked token, moving back to where it starts, for the character-level readers. */
  private unpeek(): void {
    if (!this.peeked) return;
    this.pos = this.peeked.offset;
    this.line = this.peeked.line;
    this.lineStart = this.peeked.offset - (this.peeked.column - 1);
    this.peeked = undefined;
  }

  private read(): Token {
    this.skipSpace();
    const start = this.here();
    const c = this.text[this.pos];
    if (c === undefined) return { kind: 'eof', text: '', value: 0n, ...start };
    if (c === '"') return this.string(start);
    if (/[0-9]/.test(c)) return this.number(start);
    if (NAME_START.test(c)) {
      while (NAME_PART.test(this.text[this.pos] ?? '')) this.pos++;
      return { kind: 'name', text: this.text.slice(start.offset, this.pos), value: 0n, ...start };
    }
    const op = OPERATORS.find((o) => this.text.startsWith(o, this.pos)) ?? (SINGLE.has(c) ? c : undefined);
    if (op === undefined) throw this.error(start, `unexpected character ${JSON.stringify(c)}`);
    this.pos += op.length;
    return { kind: 'punct', text: op, value: 0n, ...start };
  }

  /** Hex `0x..`, octal with a leading 0, or decimal, each with an optional K or M (ld's bfd_scan_vma with base 0). */
  private number(start: Omit<Token, 'kind' | 'text' | 'value'>): Token {
    while (/[0-9A-Za-z_]/.test(this.text[this.pos] ?? '')) this.pos++;
    const text = this.text.slice(start.offset, this.pos);
    const match = NUMBER_TEXT.exec(text);
    const digits = match?.[2];
    if (!match || (digits !== undefined && digits.length > 1 && digits.startsWith('0') && /[89]/.test(digits))) {
      throw this.error(start, `'${text}' is not a number (hex 0x..., octal 0..., or decimal, with an optional K or M)`);
    }
    let value = match[1] !== undefined ? BigInt('0x' + match[1]) : digits!.length > 1 && digits!.startsWith('0') ? BigInt('0o' + digits!.slice(1)) : BigInt(digits!);
    const suffix = (match[3] ?? '').toUpperCase();
    if (suffix === 'K') value *= 1024n;
    if (suffix === 'M') value *= 1024n * 1024n;
    return { kind: 'number', text, value, ...start };
  }

  private string(start: Omit<Token, 'kind' | 'text' | 'value'>): Token {
    const end = this.text.indexOf('"', this.pos + 1);
    if (end < 0 || this.text.slice(this.pos, end).includes('\n')) throw this.error(start, 'this string is not closed on its line');
    const text = this.text.slice(this.pos + 1, end);
    this.pos = end + 1;
    return { kind: 'string', text, value: 0n, ...start };
  }

  /** Skips white space and C comments, keeping the line count. */
  private skipSpace(): void {
    for (;;) {
      const c = this.text[this.pos];
      if (c === '\n') {
        this.advance(1);
      } else if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v') {
        this.pos++;
      } else if (c === '/' && this.text[this.pos + 1] === '*') {
        const start = this.here();
        const end = this.text.indexOf('*/', this.pos + 2);
        if (end < 0) throw this.error(start, "this comment is never closed (expected '*/')");
        this.advance(end + 2 - this.pos);
      } else {
        return;
      }
    }
  }

  /** Moves `n` characters forward, counting the newlines passed. */
  private advance(n: number): void {
    const end = this.pos + n;
    for (; this.pos < end; this.pos++) {
      if (this.text[this.pos] === '\n') {
        this.line++;
        this.lineStart = this.pos + 1;
      }
    }
  }

  private here(): { line: number; column: number; offset: number } {
    return { line: this.line, column: this.pos - this.lineStart + 1, offset: this.pos };
  }
}

/** `'MEMORY'`, `a number`, `the end of the file`: a token as an error message names it. */
export function describeToken(token: Token): string {
  if (token.kind === 'eof') return 'the end of the file';
  if (token.kind === 'string') return `"${token.text}"`;
  return `'${token.text}'`;
}

/**
 * Reads the MEMORY regions of a GNU ld linker script, with the top-level symbol
 * assignments their expressions may use. Everything else (SECTIONS, ENTRY, ...) is skipped.
 * No file I/O: INCLUDE goes through a callback the caller supplies.
 *
 * Values are computed the way ld computes them on a 64-bit host: unsigned 64-bit
 * arithmetic (bfd_vma), with `/` and `%` signed, as in ld's fold_binary. As in ld, symbol
 * assignments are evaluated in script order, while ORIGIN and LENGTH are evaluated after the
 * whole script is read, so they see each symbol's final value (`DEFINED` still answers for
 * the point where it is written).
 */

import { FlashcutError } from '../errors.js';
import { describeToken, LdLexer, type Token } from './ld-lexer.js';

/** A region of a MEMORY command. */
export interface LinkerScriptRegion {
  readonly name: string;
  /** The attribute letters as written (`rx`, `xrw`, `!w`), or undefined when the region has none. */
  readonly attributes: string | undefined;
  readonly origin: bigint;
  readonly length: bigint;
  /** `memory.ld:4`: the file and line of the definition. */
  readonly definedAt: string;
}

export interface LinkerScript {
  readonly regions: readonly LinkerScriptRegion[];
  /** REGION_ALIAS names and the regions they stand for. */
  readonly aliases: ReadonlyMap<string, string>;
  /** Symbols assigned outside SECTIONS whose value is known without linking. */
  readonly symbols: ReadonlyMap<string, bigint>;
}

/** Reads the file an INCLUDE names, as seen from the including file; throws a FlashcutError (IoError) when it cannot. */
export type IncludeReader = (name: string, fromFile: string) => { readonly file: string; readonly text: string };

export interface LinkerScriptOptions {
  /** The script's name in messages and the file INCLUDE paths are relative to. */
  readonly file: string;
  readonly include?: IncludeReader | undefined;
}

/** INCLUDE deeper than this is taken for a file that includes itself. */
const MAX_INCLUDE_DEPTH = 16;
/** More INCLUDEs than this in all is refused: a file including itself twice would otherwise read 2^16 files. */
const MAX_INCLUDES = 256;
/** Brackets and unary operators nested deeper than this are refused before they exhaust the stack. */
const MAX_EXPRESSION_DEPTH = 256;

/** A value that cannot be known without linking, with the reason. */
interface Unknown {
  readonly unknown: string;
}
type Value = bigint | Unknown;

/** An expression, evaluated when called: at once for an assignment, at the end for a region. */
type Expr = () => Value;

const isKnown = (v: Value): v is bigint => typeof v === 'bigint';
const constant = (v: Value): Expr => () => v;
const u64 = (v: bigint) => BigInt.asUintN(64, v);
const s64 = (v: bigint) => BigInt.asIntN(64, v);

/** Top-level commands whose parenthesised arguments say nothing about memory. */
const SKIPPED_CALLS = new Set([
  'ENTRY', 'INPUT', 'GROUP', 'OUTPUT', 'SEARCH_DIR', 'STARTUP', 'OUTPUT_FORMAT', 'TARGET', 'OUTPUT_ARCH',
  'ASSERT', 'EXTERN', 'NOCROSSREFS', 'NOCROSSREFS_TO', 'LD_FEATURE',
]);
const SKIPPED_BLOCKS = new Set(['SECTIONS', 'PHDRS', 'VERSION']);
const SKIPPED_WORDS = new Set(['FORCE_COMMON_ALLOCATION', 'INHIBIT_COMMON_ALLOCATION', 'FORCE_GROUP_ALLOCATION']);
const ASSIGN_OPS = new Set(['=', '+=', '-=', '*=', '/=', '<<=', '>>=', '&=', '|=']);
/** ld's functions whose value depends on the link (sections, the location counter). */
const LINK_TIME_FUNCTIONS = new Set([
  'ADDR', 'LOADADDR', 'SIZEOF', 'ALIGNOF', 'NEXT', 'SEGMENT_START', 'CONSTANT', 'BLOCK',
  'DATA_SEGMENT_ALIGN', 'DATA_SEGMENT_END', 'DATA_SEGMENT_RELRO_END',
]);
const ATTRIBUTE_LETTERS = /^[rwxailRWXAIL!]*$/;

/** Binary operators from the loosest to the tightest binding, as in C and ld's grammar. */
const BINARY_LEVELS: readonly (readonly string[])[] = [
  ['||'], ['&&'], ['|'], ['&'], ['==', '!='], ['<', '<=', '>', '>='], ['<<', '>>'], ['+', '-'], ['*', '/', '%'],
];

/**
 * Parses a linker script and returns its MEMORY regions. Throws FormatError at
 * `file:line:column` with what was expected when the script is malformed, when a region's
 * ORIGIN or LENGTH cannot be computed without linking, or when a region is defined twice;
 * and whatever the INCLUDE callback throws.
 */
export function parseLinkerScript(text: string, options: LinkerScriptOptions): LinkerScript {
  const parser = new ScriptParser(options.include);
  parser.script(new LdLexer(text, options.file), 0);
  const regions = parser.finish();
  const symbols = new Map<string, bigint>();
  for (const [name, value] of parser.symbols) if (isKnown(value)) symbols.set(name, value);
  return { regions, aliases: parser.aliases, symbols };
}

/** A region as read: its values are computed once the whole script is known. */
interface PendingRegion {
  readonly name: string;
  readonly attributes: string | undefined;
  readonly definedAt: string;
  readonly origin: RegionValue;
  readonly length: RegionValue;
}

interface RegionValue {
  readonly expr: Expr;
  /** Throws the located error for a value that cannot be computed. */
  readonly fail: (reason: string) => never;
  /** The value, kept while no symbol has been assigned since it was computed. */
  cached?: { generation: number; value: Value };
  evaluating?: boolean;
}

class ScriptParser {
  readonly aliases = new Map<string, string>();
  readonly symbols = new Map<string, Value>();
  private readonly regions: PendingRegion[] = [];
  /** Each region's index in `regions` by name: lookups cost the same with 150,000 regions as with 3. */
  private readonly regionIndex = new Map<string, number>();
  private nesting = 0;
  private includes = 0;
  /** Counts symbol assignments, so that cached region values know when they are stale. */
  private generation = 0;
  /** The region value finish() is computing. */
  private finishing: { index: number; part: 'ORIGIN' | 'LENGTH' } | undefined;

  constructor(private readonly include: IncludeReader | undefined) {}

  /** The regions with their values, now that every symbol has its final value. */
  finish(): LinkerScriptRegion[] {
    // Values computed for assignments along the way saw other regions than ld's ordered pass does.
    this.generation++;
    return this.regions.map((r, index) => {
      const value = (v: RegionValue, what: 'ORIGIN' | 'LENGTH') => {
        this.finishing = { index, part: what };
        const result = this.regionValue(v);
        return isKnown(result) ? result : v.fail(`cannot compute the ${what} of region ${r.name}: ${result.unknown}`);
      };
      return { name: r.name, attributes: r.attributes, origin: value(r.origin, 'ORIGIN'), length: value(r.length, 'LENGTH'), definedAt: r.definedAt };
    });
  }

  private regionValue(v: RegionValue): Value {
    if (v.cached?.generation === this.generation) return v.cached.value;
    if (v.evaluating) return { unknown: 'it depends on itself' };
    v.evaluating = true;
    try {
      const value = v.expr();
      v.cached = { generation: this.generation, value };
      return value;
    } finally {
      v.evaluating = false;
    }
  }

  script(lex: LdLexer, depth: number): void {
    for (let token = lex.next(); token.kind !== 'eof'; token = lex.next()) {
      if (token.kind === 'punct' && token.text === ';') continue;
      if (token.kind !== 'name') throw lex.error(token, `expected a command (MEMORY, SECTIONS, INCLUDE, ...) or a symbol assignment, found ${describeToken(token)}`);
      const word = token.text;
      if (word === 'MEMORY') {
        this.memory(lex, depth);
      } else if (word === 'INCLUDE') {
        this.includeFile(lex, token, depth, (inner, d) => this.script(inner, d));
      } else if (SKIPPED_BLOCKS.has(word)) {
        lex.skipBalanced(lex.expect('{', `after ${word}`));
      } else if (SKIPPED_CALLS.has(word)) {
        lex.skipBalanced(lex.expect('(', `after ${word}`));
      } else if (SKIPPED_WORDS.has(word)) {
        continue;
      } else if (word === 'INSERT') {
        const where = lex.next();
        if (where.text !== 'AFTER' && where.text !== 'BEFORE') throw lex.error(where, `expected AFTER or BEFORE after INSERT, found ${describeToken(where)}`);
        this.name(lex, 'an output section after INSERT');
      } else if (word === 'REGION_ALIAS') {
        this.regionAlias(lex);
      } else if (word === 'PROVIDE' || word === 'PROVIDE_HIDDEN' || word === 'HIDDEN') {
        lex.expect('(', `after ${word}`);
        this.assignment(lex, this.name(lex, `a symbol name in ${word}(...)`), word !== 'HIDDEN');
        lex.expect(')', `to close ${word}(`);
        this.endOfStatement(lex);
      } else {
        this.assignment(lex, token, false);
        this.endOfStatement(lex);
      }
    }
  }

  private memory(lex: LdLexer, depth: number): void {
    lex.expect('{', 'after MEMORY');
    this.memoryBody(lex, depth, true);
  }

  /** Region definitions up to the closing `}` (or the end of an included file). */
  private memoryBody(lex: LdLexer, depth: number, closed: boolean): void {
    for (;;) {
      const token = lex.next();
      if (token.kind === 'punct' && (token.text === ',' || token.text === ';')) continue;
      if (closed && token.kind === 'punct' && token.text === '}') return;
      if (!closed && token.kind === 'eof') return;
      if (token.kind !== 'name') {
        throw lex.error(token, `expected a region definition (NAME (attributes) : ORIGIN = ..., LENGTH = ...)${closed ? " or '}'" : ''}, found ${describeToken(token)}`);
      }
      if (token.text === 'INCLUDE') {
        this.includeFile(lex, token, depth, (inner, d) => this.memoryBody(inner, d, false));
        continue;
      }
      this.region(lex, token);
    }
  }

  private region(lex: LdLexer, nameToken: Token): void {
    const name = nameToken.text;
    let attributes: string | undefined;
    if (lex.accept('(')) {
      attributes = '';
      for (let t = lex.next(); !(t.kind === 'punct' && t.text === ')'); t = lex.next()) {
        if (!(t.kind === 'name' || (t.kind === 'punct' && t.text === '!')) || !ATTRIBUTE_LETTERS.test(t.text)) {
          throw lex.error(t, `expected region attributes (letters r w x a i l, '!' to negate) or ')', found ${describeToken(t)}`);
        }
        attributes += t.text;
      }
    }
    lex.expect(':', `after the region name ${name}${attributes === undefined ? '' : ` (${attributes})`}`);
    const origin = this.regionExpression(lex, name, ['ORIGIN', 'org', 'o']);
    lex.accept(',');
    const length = this.regionExpression(lex, name, ['LENGTH', 'len', 'l']);
    if (this.regionIndex.has(name) || this.aliases.has(name)) {
      throw lex.error(nameToken, `memory region ${name} is defined twice`);
    }
    this.regionIndex.set(name, this.regions.length);
    this.regions.push({ name, attributes, origin, length, definedAt: `${lex.file}:${nameToken.line}` });
  }

  /** `ORIGIN = expr` (or a short spelling), kept for evaluation at the end. */
  private regionExpression(lex: LdLexer, region: string, keywords: readonly string[]): RegionValue {
    const keyword = lex.next();
    if (keyword.kind !== 'name' || !keywords.includes(keyword.text)) {
      throw lex.error(keyword, `expected ${keywords.join(' or ')} in region ${region}, found ${describeToken(keyword)}`);
    }
    lex.expect('=', `after ${keyword.text}`);
    const start = lex.peek();
    const expr = this.expression(lex);
    return { expr, fail: (reason) => { throw lex.error(start, reason); } };
  }

  private includeFile(lex: LdLexer, token: Token, depth: number, body: (inner: LdLexer, depth: number) => void): void {
    const name = lex.fileName();
    if (!this.include) throw lex.error(name, `INCLUDE ${name.text}: no way to read included files was given`);
    if (depth >= MAX_INCLUDE_DEPTH) throw lex.error(token, `INCLUDE nested more than ${MAX_INCLUDE_DEPTH} deep: does ${name.text} include itself?`);
    if (++this.includes > MAX_INCLUDES) throw lex.error(token, `more than ${MAX_INCLUDES} INCLUDEs: does a file include itself?`);
    let included: { readonly file: string; readonly text: string };
    try {
      included = this.include(name.text, lex.file);
    } catch (error) {
      if (!(error instanceof FlashcutError)) throw error;
      // The cause keeps its kind (a file that cannot be read stays io); the place is the INCLUDE.
      const { offset, line, column } = name;
      throw new FlashcutError(error.code, `INCLUDE ${name.text}: ${error.message}`, { file: lex.file, line, column, offset });
    }
    body(new LdLexer(included.text, included.file), depth + 1);
  }

  private regionAlias(lex: LdLexer): void {
    lex.expect('(', 'after REGION_ALIAS');
    const alias = lex.next();
    if (alias.kind !== 'string' && alias.kind !== 'name') throw lex.error(alias, `expected the alias name in REGION_ALIAS, found ${describeToken(alias)}`);
    lex.expect(',', 'after the alias name');
    const region = this.name(lex, 'a region name in REGION_ALIAS');
    lex.expect(')', 'to close REGION_ALIAS(');
    if (!this.regionIndex.has(region.text)) throw lex.error(region, `REGION_ALIAS: no memory region ${region.text} is defined before this point`);
    this.aliases.set(alias.text, region.text);
  }

  /** `NAME op= expr`, after NAME, evaluated now; `provide` assigns only a symbol not defined yet. */
  private assignment(lex: LdLexer, target: Token, provide: boolean): void {
    const op = lex.next();
    if (op.kind !== 'punct' || !ASSIGN_OPS.has(op.text)) {
      throw lex.error(op, `expected an assignment ('=', '+=', ...) after ${describeToken(target)}, or a known command, found ${describeToken(op)}`);
    }
    const value = this.expression(lex)();
    if (target.text === '.' || (provide && this.symbols.has(target.text))) return;
    const previous = this.symbols.get(target.text) ?? { unknown: `symbol ${target.text} is not assigned before this point` };
    this.symbols.set(target.text, op.text === '=' ? value : binary(op.text.slice(0, -1), previous, value));
    this.generation++;
  }

  private endOfStatement(lex: LdLexer): void {
    const token = lex.peek();
    if (token.kind === 'punct' && (token.text === ';' || token.text === ',')) {
      lex.next();
      return;
    }
    throw lex.error(token, `expected ';' after the assignment, found ${describeToken(token)}`);
  }

  private name(lex: LdLexer, what: string): Token {
    const token = lex.next();
    if (token.kind !== 'name') throw lex.error(token, `expected ${what}, found ${describeToken(token)}`);
    return token;
  }

  /** expression: condition ('?' expression ':' expression)? */
  private expression(lex: LdLexer): Expr {
    return this.nested(lex, () => this.conditional(lex));
  }

  /** Runs `parse` one nesting level deeper, refusing expressions nested beyond MAX_EXPRESSION_DEPTH. */
  private nested(lex: LdLexer, parse: () => Expr): Expr {
    if (this.nesting >= MAX_EXPRESSION_DEPTH) throw lex.error(lex.peek(), `expression nested more than ${MAX_EXPRESSION_DEPTH} deep`);
    this.nesting++;
    try {
      return parse();
    } finally {
      this.nesting--;
    }
  }

  private conditional(lex: LdLexer): Expr {
    const condition = this.binaryLevel(lex, 0);
    if (!lex.accept('?')) return condition;
    const whenTrue = this.expression(lex);
    lex.expect(':', "in 'condition ? a : b'");
    const whenFalse = this.expression(lex);
    return () => {
      const c = condition();
      if (!isKnown(c)) return c;
      return c !== 0n ? whenTrue() : whenFalse();
    };
  }

  /**
   * One precedence level: its operands and operators in a list, evaluated left to right in a
   * loop, so that `1 + 1 + ... + 1` (GNU ld links 100,000 terms) nests no deeper than one term.
   */
  private binaryLevel(lex: LdLexer, level: number): Expr {
    const operators = BINARY_LEVELS[level];
    if (operators === undefined) return this.unary(lex);
    const first = this.binaryLevel(lex, level + 1);
    const rest: { op: string; operand: Expr }[] = [];
    for (;;) {
      const op = lex.peek();
      if (op.kind !== 'punct' || !operators.includes(op.text)) break;
      lex.next();
      rest.push({ op: op.text, operand: this.binaryLevel(lex, level + 1) });
    }
    if (rest.length === 0) return first;
    return () => {
      let value = first();
      for (const { op, operand } of rest) value = binary(op, value, operand());
      return value;
    };
  }

  private unary(lex: LdLexer): Expr {
    const token = lex.peek();
    if (token.kind === 'punct' && ['-', '+', '!', '~'].includes(token.text)) {
      lex.next();
      const operand = this.nested(lex, () => this.unary(lex));
      return () => {
        const v = operand();
        if (!isKnown(v)) return v;
        if (token.text === '-') return u64(-v);
        if (token.text === '!') return v === 0n ? 1n : 0n;
        if (token.text === '~') return u64(~v);
        return v;
      };
    }
    return this.primary(lex);
  }

  private primary(lex: LdLexer): Expr {
    const token = lex.next();
    if (token.kind === 'number') return constant(u64(token.value));
    if (token.kind === 'punct' && token.text === '(') {
      const value = this.expression(lex);
      lex.expect(')', "to close '('");
      return value;
    }
    if (token.kind !== 'name') throw lex.error(token, `expected a number, a symbol, a function or '(', found ${describeToken(token)}`);
    if (lex.peek().kind === 'punct' && lex.peek().text === '(') {
      lex.next();
      return this.call(lex, token);
    }
    if (token.text === '.') return constant({ unknown: "'.' (the location counter) is known only inside SECTIONS" });
    if (token.text === 'SIZEOF_HEADERS' || token.text === 'sizeof_headers') return constant({ unknown: 'SIZEOF_HEADERS is known only during a link' });
    return () => this.symbols.get(token.text) ?? { unknown: `symbol ${token.text} is not assigned in the script` };
  }

  /** `NAME(args)` after the `(`. */
  private call(lex: LdLexer, fn: Token): Expr {
    const name = fn.text;
    if (name === 'ORIGIN' || name === 'LENGTH') {
      const regionName = this.name(lex, `a region name in ${name}(...)`).text;
      lex.expect(')', `to close ${name}(`);
      return () => {
        const index = this.regionIndex.get(this.aliases.get(regionName) ?? regionName) ?? -1;
        const region = this.regions[index];
        if (!region) return { unknown: `no memory region ${regionName} is defined before this point` };
        // ld computes regions in order, ORIGIN before LENGTH, and reads a placeholder (0 or ~0) for a value not computed yet.
        const f = this.finishing;
        if (f !== undefined && (index > f.index || (index === f.index && f.part === 'ORIGIN' && name === 'LENGTH'))) {
          return { unknown: `ld computes the ${name} of region ${regionName} only after this value, and would read a placeholder` };
        }
        const value = this.regionValue(name === 'ORIGIN' ? region.origin : region.length);
        return isKnown(value) ? value : { unknown: `the ${name} of region ${regionName}: ${value.unknown}` };
      };
    }
    if (name === 'DEFINED') {
      const symbol = this.name(lex, 'a symbol name in DEFINED(...)').text;
      lex.expect(')', 'to close DEFINED(');
      // Evaluated when the expression is: at its point for an assignment, at the end for a region (as ld does).
      return () => (this.symbols.has(symbol) ? 1n : 0n);
    }
    const args: Expr[] = [];
    if (!lex.accept(')')) {
      do {
        // SEGMENT_START("text-segment", ...) takes a string.
        if (lex.peek().kind === 'string') {
          lex.next();
          args.push(constant({ unknown: `${name}(...) is known only during a link` }));
        } else {
          args.push(this.expression(lex));
        }
      } while (lex.accept(','));
      lex.expect(')', `to close ${name}(`);
    }
    if (LINK_TIME_FUNCTIONS.has(name)) return constant({ unknown: `${name}(...) is known only during a link` });
    const arity = FUNCTION_ARITY[name];
    if (arity === undefined) throw lex.error(fn, `unknown function ${name}(...)`);
    if (!arity.includes(args.length)) throw lex.error(fn, `${name}(...) takes ${arity.join(' or ')} argument(s), not ${args.length}`);
    return () => {
      const values = args.map((arg) => arg());
      const unknown = values.find((v) => !isKnown(v));
      if (unknown !== undefined) return unknown;
      const [a, b] = values as bigint[];
      return evaluateFunction(name, a ?? 0n, b);
    };
  }
}

const FUNCTION_ARITY: Record<string, readonly number[]> = { ABSOLUTE: [1], ALIGN: [1, 2], MIN: [2], MAX: [2], LOG2CEIL: [1] };

function evaluateFunction(name: string, a: bigint, b: bigint | undefined): Value {
  switch (name) {
    case 'ALIGN':
      if (b === undefined) return { unknown: "ALIGN(n) aligns '.', which is known only inside SECTIONS" };
      return b === 0n ? a : u64(((a + b - 1n) / b) * b);
    case 'MIN':
      return a < b! ? a : b!;
    case 'MAX':
      return a > b! ? a : b!;
    case 'LOG2CEIL':
      return a <= 1n ? 0n : BigInt((a - 1n).toString(2).length);
    default:
      return a;
  }
}

/** One binary operator on unsigned 64-bit values; unknowns propagate, except where `&&`/`||` decide alone. */
function binary(op: string, left: Value, right: Value): Value {
  if (op === '&&' && ((isKnown(left) && left === 0n) || (isKnown(right) && right === 0n))) return 0n;
  if (op === '||' && ((isKnown(left) && left !== 0n) || (isKnown(right) && right !== 0n))) return 1n;
  if (!isKnown(left)) return left;
  if (!isKnown(right)) return right;
  const bool = (b: boolean) => (b ? 1n : 0n);
  switch (op) {
    case '+': return u64(left + right);
    case '-': return u64(left - right);
    case '*': return u64(left * right);
    case '/':
    case '%':
      if (right === 0n) return { unknown: `${op === '/' ? 'division' : 'modulo'} by zero` };
      return u64(op === '/' ? s64(left) / s64(right) : s64(left) % s64(right));
    // The host's shift instruction takes the count modulo 64 (what ld does on x86-64 and arm64).
    case '<<': return u64(left << right % 64n);
    case '>>': return left >> right % 64n;
    case '&': return left & right;
    case '|': return left | right;
    case '==': return bool(left === right);
    case '!=': return bool(left !== right);
    case '<': return bool(left < right);
    case '<=': return bool(left <= right);
    case '>': return bool(left > right);
    case '>=': return bool(left >= right);
    case '&&': return bool(left !== 0n && right !== 0n);
    default: return bool(left !== 0n || right !== 0n);
  }
}

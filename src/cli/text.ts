import { escapeControls } from '../printable.js';

/**
 * Plain-text layout for the terminal: aligned tables, word wrapping, usage bars and optional
 * ANSI colour. Pure functions over strings; widths count characters (flashcut prints ASCII only).
 */

/** Terminal width flashcut lays its text out for. */
export const TEXT_WIDTH = 80;

/** Column alignment: left or right. */
export type Align = 'l' | 'r';

/**
 * Lays out rows as columns two spaces apart, each as wide as its widest cell; trailing spaces
 * are trimmed. `align[i]` aligns column i (left when missing).
 */
export function table(rows: readonly (readonly string[])[], align: readonly Align[] = []): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (align[i] === 'r' ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

/**
 * Wraps `text` at spaces so that no line is longer than `width`, prefixing the first line with
 * `first` and the others with `rest` (same length, usually spaces). A word longer than a line stays whole.
 */
export function wrap(text: string, width: number, first: string, rest = ' '.repeat(first.length)): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line);
      line = rest;
      empty = true;
    }
    line += (empty ? '' : ' ') + word;
    empty = false;
  }
  lines.push(line);
  return lines;
}

/** `[###.......]`: `used` of `size` as a bar `cells` wide; any use shows at least one cell. */
export function usageBar(used: number, size: number, cells = 20): string {
  const filled = used === 0 || size === 0 ? 0 : Math.min(cells, Math.max(1, Math.round((cells * used) / size)));
  return `[${'#'.repeat(filled)}${'.'.repeat(cells - filled)}]`;
}

/** `12.5%` of `size`, one decimal. */
export function percent(used: number, size: number): string {
  return size === 0 ? '0.0%' : `${((100 * used) / size).toFixed(1)}%`;
}

/** Colours the report uses. */
export type Colour = 'red' | 'yellow' | 'green' | 'bold';

const ANSI: Record<Colour, string> = { red: '31', yellow: '33', green: '32', bold: '1' };

/** Wraps text in ANSI colour codes, or returns it unchanged. */
export type Paint = (colour: Colour, text: string) => string;

/** The codes a painter writes (and so the only escape sequences terminalText lets through). */
const OUR_CODES = new RegExp(`(\u001b\\[(?:${[...Object.values(ANSI), '0'].join('|')})m)`);

/**
 * Lines for the terminal as one text: in each line every control character escaped (a name
 * read from a file cannot start a line, move the cursor or retitle the terminal), except the
 * painter's own colour codes when `colour` is on.
 */
export function terminalText(lines: readonly string[], colour: boolean): string {
  const safe = (line: string) => (colour ? line.split(OUR_CODES).map((part, i) => (i % 2 === 1 ? part : escapeControls(part))).join('') : escapeControls(line));
  return lines.map(safe).join('\n') + '\n';
}

/** A message as one line: its line breaks (and the indent after them) become one space, other controls escapes. */
export function oneLine(message: string): string {
  return escapeControls(message.replace(/[ \t]*\r?\n\s*/g, ' '));
}

/** A painter that colours, or one that leaves text alone. */
export function painter(enabled: boolean): Paint {
  return enabled ? (colour, text) => `\u001b[${ANSI[colour]}m${text}\u001b[0m` : (_colour, text) => text;
}

/**
 * Whether a stream gets colour, by Node's own rules (tty's hasColors): FORCE_COLOR forces it on
 * (or off with 0) even for a pipe; otherwise only a terminal, and never with NO_COLOR
 * (https://no-color.org), NODE_DISABLE_COLORS or TERM=dumb.
 */
export function wantsColour(isTTY: boolean | undefined, env: Readonly<Record<string, string | undefined>>): boolean {
  // hasColors reads only `env` (and the platform), never the stream it is called on. node:tty
  // (which loads node:net) only when asked: a quiet run never is.
  const hasColors = process.getBuiltinModule('node:tty').WriteStream.prototype.hasColors(16, env as NodeJS.ProcessEnv);
  return env.FORCE_COLOR !== undefined ? hasColors : isTTY === true && hasColors;
}

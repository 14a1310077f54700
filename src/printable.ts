/**
 * Text that came from a file (a section name, a configuration key, a linker-script string),
 * made safe to print on one line of a terminal.
 */

/** C0 controls (newline too), DEL, C1 controls (U+009B is a CSI on many terminals) and the Unicode line breaks. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * `text` with every control character written as an escape (`\n`, `\t`, `\r`, `\e`, else
 * `\xNN` or `\uNNNN`), so that no file can start a line, move the cursor or retitle the terminal.
 */
export function escapeControls(text: string): string {
  return text.replace(CONTROL, escapeOne);
}

/** `"text"` with its controls escaped and `"` and `\` backslashed, cut to `max` characters with `...`. */
export function quoted(text: string, max = 80): string {
  const cut = text.length > max ? text.slice(0, max) + '...' : text;
  return `"${escapeControls(cut.replace(/[\\"]/g, (c) => `\\${c}`))}"`;
}

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\t': '\\t', '\r': '\\r', '\u001b': '\\e' };

function escapeOne(c: string): string {
  const code = c.charCodeAt(0);
  return NAMED[c] ?? (code < 0x100 ? `\\x${code.toString(16).toUpperCase().padStart(2, '0')}` : `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`);
}

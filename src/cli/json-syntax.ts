/**
 * Finds the first syntax error in a JSON text: its offset and what is wrong there. JSON.parse's
 * messages differ between Node versions and often carry no position (a trailing comma in an
 * array gives none on Node 20), so the place is found by scanning. A loop with an explicit
 * stack, not recursion, so that deep nesting cannot overflow. Returns undefined for valid JSON.
 */
export function jsonSyntaxError(text: string): { offset: number; reason: string } | undefined {
  const open: string[] = [];
  let i = 0;
  let expect: 'value' | 'key' | 'colon' | 'after' = 'value';
  let justOpened = false;
  const found = (what: string) => (i >= text.length ? 'the text ends too early' : `${what}, found ${JSON.stringify(text[i])}`);
  for (;;) {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
    const c = text[i];
    if (expect === 'value' || (expect === 'key' && c === '"')) {
      if (c === '[' || c === '{') {
        open.push(c === '[' ? ']' : '}');
        i++;
        justOpened = true;
        expect = c === '[' ? 'value' : 'key';
        continue;
      }
      if (c === ']' && justOpened) {
        open.pop();
        i++;
        justOpened = false;
        expect = 'after';
        continue;
      }
      const end = scalarEnd(text, i);
      if (end === undefined) return { offset: i, reason: found(expect === 'key' ? 'expected a key in double quotes' : 'expected a value') };
      i = end;
      justOpened = false;
      expect = expect === 'key' ? 'colon' : 'after';
      continue;
    }
    if (expect === 'key') {
      if (c === '}' && justOpened) {
        open.pop();
        i++;
        justOpened = false;
        expect = 'after';
        continue;
      }
      return { offset: i, reason: found('expected a key in double quotes') };
    }
    if (expect === 'colon') {
      if (c !== ':') return { offset: i, reason: found("expected ':'") };
      i++;
      expect = 'value';
      continue;
    }
    const close = open.at(-1);
    if (close === undefined) return c === undefined ? undefined : { offset: i, reason: `${JSON.stringify(c)} after the end of the JSON value` };
    if (c === ',') {
      i++;
      expect = close === ']' ? 'value' : 'key';
      continue;
    }
    if (c === close) {
      open.pop();
      i++;
      continue;
    }
    return { offset: i, reason: found(`expected ',' or '${close}'`) };
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERAL = /true|false|null/y;
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

/** The end of the string, number or literal at `start`, or undefined when none starts there. */
function scalarEnd(text: string, start: number): number | undefined {
  for (const pattern of [STRING, NUMBER, LITERAL]) {
    pattern.lastIndex = start;
    if (pattern.test(text)) return pattern.lastIndex;
  }
  return undefined;
}

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

/**
 * Where each value of a valid JSON text stands, by path (`windows`, `windows[1]`,
 * `flashcut.recordLength`): the offset of a member's key, or of an array item. Only the first
 * `depth` levels are listed, so that the map stays small whatever the text holds.
 */
export function jsonPlaces(text: string, depth = 3): Map<string, number> {
  const places = new Map<string, number>();
  /** The open containers: their path, and for an array the next item's index. */
  const open: { path: string; index: number | undefined }[] = [];
  let key: { name: string; at: number } | undefined;
  const child = () => {
    const parent = open.at(-1);
    if (parent === undefined) return undefined;
    const name = parent.index === undefined ? (key?.name ?? '') : `${parent.path}[${parent.index}]`;
    return parent.index === undefined ? (parent.path === '' ? name : `${parent.path}.${name}`) : name;
  };
  for (let i = 0; i < text.length; ) {
    const c = text[i]!;
    if (' \t\n\r,:'.includes(c)) {
      i++;
      continue;
    }
    if (c === '}' || c === ']') {
      open.pop();
      i++;
      continue;
    }
    const parent = open.at(-1);
    // In an object, a string before its ':' is a key.
    if (parent?.index === undefined && parent !== undefined && key === undefined) {
      const end = scalarEnd(text, i) ?? text.length;
      key = { name: JSON.parse(text.slice(i, end)) as string, at: i };
      i = end;
      continue;
    }
    const path = child();
    // A key given twice counts at its last place, as JSON.parse keeps its last value.
    if (path !== undefined && open.length <= depth) places.set(path, parent?.index === undefined ? (key?.at ?? i) : i);
    if (parent?.index !== undefined) parent.index++;
    key = undefined;
    if (c === '{' || c === '[') {
      open.push({ path: path ?? '', index: c === '[' ? 0 : undefined });
      i++;
      continue;
    }
    i = scalarEnd(text, i) ?? text.length;
  }
  return places;
}

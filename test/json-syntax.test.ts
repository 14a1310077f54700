import { describe, expect, it } from 'vitest';
import { jsonPlaces, jsonSyntaxError } from '../src/cli/json-syntax.js';
import { Random } from './helpers/random.js';

/** Where a case's error should be: the offset of the first '§' in the text, which is then removed. */
function marked(text: string): { text: string; offset: number } {
  return { text: text.replace('§', ''), offset: text.indexOf('§') };
}

describe('jsonSyntaxError', () => {
  it.each([
    ['trailing comma in an array', '{\n  "region": [\n    "FLASH=0x08000000:64K",\n  §]\n}\n'],
    ['trailing comma in an object', '{ "fill": 0, §}'],
    ['double comma', '{ "a": 1,§, "b": 2 }'],
    ['missing colon', '{ "a" §1 }'],
    ['unquoted key', '{ §fill: 1 }'],
    ['hex number', '{ "fill": 0§xFF }'],
    ['single quotes', "{ \"a\": §'x' }"],
    ['missing comma', '[1 §2]'],
    ['text after the value', '{} §x'],
    ['wrong closing bracket', '[1, 2§}'],
    ['cut short', '{ "flashcut": §'],
    ['empty text', '§'],
  ])('finds %s', (_name, source) => {
    const { text, offset } = marked(source);
    expect(() => JSON.parse(text)).toThrow();
    expect(jsonSyntaxError(text)?.offset).toBe(offset);
  });

  it('finds nothing in valid JSON, nested 100,000 deep too', () => {
    for (const text of ['{}', '[]', '{"a":[1,-2.5e+3,true,false,null,"\\u00e9\\n"],"b":{}}', ' 0 ', '"x"']) {
      expect(jsonSyntaxError(text)).toBeUndefined();
    }
    expect(jsonSyntaxError('['.repeat(100_000) + ']'.repeat(100_000))).toBeUndefined();
  });

  it('agrees with JSON.parse on which of 5,000 mutated texts are valid', () => {
    const random = new Random(20261202);
    const seed = '{"windows":["FLASH=0x08000000:64K"],"fill":255,"strict":true,"x":[1.5e3,null,{"y":"a\\"b"}]}';
    const pieces = ['', ',', ':', '"', '[', ']', '{', '}', ' ', '0', '-', '.', 'e', 'tru', 'null', '\\', '\n'];
    for (let n = 0; n < 5000; n++) {
      let text = seed;
      for (let edits = random.int(1, 3); edits > 0; edits--) {
        const at = random.int(0, text.length);
        text = text.slice(0, at) + random.pick(pieces) + text.slice(at + random.int(0, 2));
      }
      let valid = true;
      try {
        JSON.parse(text);
      } catch {
        valid = false;
      }
      expect(jsonSyntaxError(text) === undefined, text).toBe(valid);
    }
  });
});

describe('jsonPlaces', () => {
  it('places each key and array item of the first levels, by path', () => {
    const text = '{\n  "windows": ["A", "B"],\n  "flashcut": { "recordLength": 300, "deep": { "x": [1] } }\n}';
    const places = jsonPlaces(text);
    const at = (path: string) => text.slice(places.get(path), (places.get(path) ?? 0) + 8);
    expect([at('windows'), at('windows[1]'), at('flashcut.recordLength'), at('flashcut.deep.x')]).toEqual(['"windows', '"B"],\n  ', '"recordL', '"x": [1]']);
    expect(places.has('flashcut.deep.x[0]')).toBe(false);
  });

  it('places a key given twice where its last value is, the one JSON.parse keeps', () => {
    const text = '{\n  "region": ["A"],\n  "region": 5\n}';
    expect(JSON.parse(text)).toEqual({ region: 5 });
    expect(text.slice(jsonPlaces(text).get('region'))).toMatch(/^"region": 5/);
  });
});

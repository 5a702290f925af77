import { describe, expect, it } from 'vitest';
import { findJsonError, positionOf } from '../../src/json/position.js';

describe('findJsonError', () => {
  it.each(['{}', '[]', '"x"', '1', '-0.5e+3', 'true', 'null', ' {"a": [1, {"b": "\\u00e9\\n"}], "c": false} \n'])(
    'accepts valid JSON %j',
    (text) => {
      expect(findJsonError(text)).toBeUndefined();
      expect(() => JSON.parse(text)).not.toThrow();
    },
  );
  it.each([
    ['', 0],
    ['{', 1],
    ['{"a" 1}', 5],
    ['{"a": 1,}', 8],
    ['[1 2]', 3],
    ['{"a": tru}', 6 + 3],
    ['{"a": "\\x"}', 8],
    ['{"a": "b\n"}', 8],
    ['{} x', 3],
    ['01', 1],
    ['{\n\t"auths": {\n\t\t"x": {},\n\t}\n}', 26],
  ])('finds the first error in %j at %i', (text, offset) => {
    expect(findJsonError(text)).toBe(offset);
    expect(() => JSON.parse(text)).toThrow();
  });
});

describe('positionOf', () => {
  it('gives 1-based line and column', () => {
    expect(positionOf('ab\ncd\nef', 4)).toEqual({ offset: 4, line: 2, column: 2 });
    expect(positionOf('x', 0)).toEqual({ offset: 0, line: 1, column: 1 });
  });
});

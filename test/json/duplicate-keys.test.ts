import { describe, expect, it } from 'vitest';
import { describeDuplicateKeys, findDuplicateKeys } from '../../src/json/duplicate-keys.js';

describe('findDuplicateKeys', () => {
  it('finds a key given twice at the top level, with both places', () => {
    const text = '{\n\t"auths": {"a": {}},\n\t"auths": {"b": {}}\n}';
    expect(findDuplicateKeys(text)).toEqual([
      { path: [], key: 'auths', first: { offset: 3, line: 2, column: 2 }, second: { offset: 24, line: 3, column: 2 }, caseOnly: false },
    ]);
  });

  it('finds them at any depth, in arrays too', () => {
    const text = JSON.stringify({ auths: { r: { auth: 'x' } } }).replace('"auth":"x"', '"auth":"x","auth":"y"');
    expect(findDuplicateKeys(text).map((found) => [found.path, found.key])).toEqual([[['auths', 'r'], 'auth']]);
    expect(findDuplicateKeys('[{"a":1},{"b":[{"c":1,"c":2}]}]').map((found) => found.path)).toEqual([['1', 'b', '0']]);
  });

  it('treats spellings that differ in case as one where docker reads Go struct fields', () => {
    expect(findDuplicateKeys('{"auths":{},"Auths":{}}')[0]).toMatchObject({ key: 'Auths', caseOnly: true });
    expect(findDuplicateKeys('{"auths":{"r":{"auth":"a","Auth":"b"}}}')[0]).toMatchObject({ path: ['auths', 'r'], key: 'Auth', caseOnly: true });
    // Registry names and helper names are map keys: case matters there.
    expect(findDuplicateKeys('{"auths":{"Reg":{},"reg":{}},"credHelpers":{"A":"x","a":"y"}}')).toEqual([]);
  });

  it('compares decoded keys, skips strings that look like keys, and accepts a byte-order mark', () => {
    expect(findDuplicateKeys('{"a":1,"\\u0061":2}')).toHaveLength(1);
    expect(findDuplicateKeys('\ufeff{"a":"{\\"a\\":1,\\"a\\":2}","b":[1,2,"x"]}')).toEqual([]);
    expect(findDuplicateKeys('{}')).toEqual([]);
    expect(findDuplicateKeys('[1, true, null, -2.5e3, "s"]')).toEqual([]);
  });

  it('says where, for a person', () => {
    const text = '{"auths":{},\n"auths":{}}';
    expect(describeDuplicateKeys('/h/config.json', findDuplicateKeys(text))).toBe(
      '/h/config.json has keys given twice: "auths" at line 1, column 2 and line 2, column 1; docker merges them, so tsstore will not rewrite the file: merge them by hand',
    );
  });
});

import { describe, expect, it } from 'vitest';
import { addInsecureRegistries, isInsecureRegistryEntry, misspelledKeys } from '../../src/docker/daemon-json-edit.js';
import { isTsstoreError } from '../../src/errors.js';

/** The edit only inserts: removing the inserted text gives back the original, byte for byte. */
function insertedText(before: string, after: string): string {
  let start = 0;
  while (start < before.length && before[start] === after[start]) start++;
  const length = after.length - before.length;
  expect(after.slice(0, start) + after.slice(start + length)).toBe(before);
  return after.slice(start, start + length);
}

describe('addInsecureRegistries', () => {
  it('appends to a list written one per line, with its indentation and CRLF line ends', () => {
    const before = '{\r\n    "log-level": "info",\r\n    "insecure-registries": [\r\n        "a:5000"\r\n    ],\r\n    "debug": true\r\n}\r\n';
    const { text, added } = addInsecureRegistries(before, ['b:5000', 'c:5000']);
    expect(added).toEqual(['b:5000', 'c:5000']);
    expect(insertedText(before, text)).toBe(',\r\n        "b:5000",\r\n        "c:5000"');
  });

  it('appends to an inline list with its separator, and fills an empty one', () => {
    const inline = '{"insecure-registries": ["a:1",  "b:2"], "x": 1}';
    expect(addInsecureRegistries(inline, ['c:3']).text).toBe('{"insecure-registries": ["a:1",  "b:2",  "c:3"], "x": 1}');
    expect(addInsecureRegistries('{"insecure-registries": []}', ['c:3']).text).toBe('{"insecure-registries": ["c:3"]}');
  });

  it('adds the key after the last one, indented like the first, keeping tabs and the trailing newline', () => {
    const before = '{\n\t"registry-mirrors": ["https://m.example/"],\n\t"proxies": {"http-proxy": "http://p:3128"}\n}\n';
    const { text } = addInsecureRegistries(before, ['10.0.0.1:5000']);
    expect(insertedText(before, text)).toBe(',\n\t"insecure-registries": ["10.0.0.1:5000"]');
  });

  it('adds the key to a compact file compactly, and to an empty object on lines of its own', () => {
    expect(addInsecureRegistries('{"a":1}', ['h:1', 'h:2']).text).toBe('{"a":1,"insecure-registries":["h:1","h:2"]}');
    expect(addInsecureRegistries('{}', ['h:1']).text).toBe('{\n  "insecure-registries": ["h:1"]\n}');
    expect(addInsecureRegistries('{\n}\n', ['h:1']).text).toBe('{\n  "insecure-registries": ["h:1"]\n}\n');
  });

  it('skips entries already listed (in any case); the key is only dockerd\'s exact spelling', () => {
    const before = '{ "insecure-registries": ["Reg:5000"] }';
    expect(addInsecureRegistries(before, ['reg:5000'])).toEqual({ text: before, added: [] });
    expect(addInsecureRegistries(before, ['other:1']).text).toBe('{ "insecure-registries": ["Reg:5000", "other:1"] }');
    // dockerd refuses "Insecure-Registries" (refusalToEdit stops the edit before this): it is not the list.
    expect(misspelledKeys({ 'Insecure-Registries': [], insecure_registries: [], registryMirrors: [], 'insecure-registries': [], labels: [] })).toEqual([
      { key: 'Insecure-Registries', meant: 'insecure-registries' },
      { key: 'insecure_registries', meant: 'insecure-registries' },
      { key: 'registryMirrors', meant: 'registry-mirrors' },
    ]);
  });

  it('keeps strings with brackets, braces and escapes elsewhere in the file untouched', () => {
    const before = '{\n  "labels": ["a]b", "c}\\"d"],\n  "nested": {"x": [1, {"y": "]"}]}\n}';
    const { text } = addInsecureRegistries(before, ['h:1']);
    expect(insertedText(before, text)).toBe(',\n  "insecure-registries": ["h:1"]');
  });

  it('refuses an insecure-registries that is not a list', () => {
    try {
      addInsecureRegistries('{"insecure-registries": "h:1"}', ['h:2']);
      expect.unreachable();
    } catch (error) {
      expect(isTsstoreError(error, 'config')).toBe(true);
    }
  });
});

describe('isInsecureRegistryEntry', () => {
  it('accepts what dockerd takes and nothing a shell could misread', () => {
    for (const entry of ['reg.example:5000', '10.0.0.1:5000', '10.0.0.0/8', '[::1]:5000', 'localhost', 'fd00::/8']) expect(isInsecureRegistryEntry(entry), entry).toBe(true);
    for (const entry of ['a;b', 'http://h:1', 'h:99999', '$(id)', 'h/p', '', 'h:1\n']) expect(isInsecureRegistryEntry(entry), entry).toBe(false);
  });
});

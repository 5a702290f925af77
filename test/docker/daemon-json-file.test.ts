import { describe, expect, it } from 'vitest';
import { daemonJsonFromText } from '../../src/docker/daemon-json-file.js';

describe('daemonJsonFromText', () => {
  it('names line, column and the line of a forgotten comma', () => {
    const text = '{\n  "log-level": "info"\n  "insecure-registries": ["10.0.0.1:5000"]\n}\n';
    expect(daemonJsonFromText('/etc/docker/daemon.json', text)).toEqual({
      kind: 'syntax',
      path: '/etc/docker/daemon.json',
      line: 3,
      column: 3,
      lineText: '  "insecure-registries": ["10.0.0.1:5000"]',
    });
  });

  it('refuses what Go refuses: empty, a byte-order mark, a trailing comma, not an object', () => {
    expect(daemonJsonFromText('f', '\n')).toMatchObject({ kind: 'syntax', why: expect.stringContaining('empty') });
    expect(daemonJsonFromText('f', '\ufeff{}')).toMatchObject({ kind: 'syntax', why: expect.stringContaining('byte-order mark') });
    expect(daemonJsonFromText('f', '{"a": [1,],\n}')).toMatchObject({ kind: 'syntax', line: 1, column: 10 });
    expect(daemonJsonFromText('f', '["a"]')).toEqual({ kind: 'not-object', path: 'f', found: 'an array' });
  });

  it('parses a good file and finds keys given twice (in any case: Go matches fields so)', () => {
    const read = daemonJsonFromText('f', '{"debug": true, "Debug": false}');
    expect(read.kind).toBe('parsed');
    if (read.kind === 'parsed') expect(read.duplicates.map((duplicate) => duplicate.key)).toEqual(['Debug']);
  });
});

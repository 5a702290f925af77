import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonSafe, terminalSafe } from '../../src/text/safe-text.js';

const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

describe('terminalSafe', () => {
  it('shows every control, separator and bidi character as a visible escape', () => {
    expect(terminalSafe('a\u001b]0;title\u0007b')).toBe('a\\x1b]0;title\\x07b');
    expect(terminalSafe('\u009b2J \u007f \u0000 \t \n \r')).toBe('\\x9b2J \\x7f \\x00 \\x09 \\x0a \\x0d');
    expect(terminalSafe('x\u2028y\u2029z\u202eevil\u2066i\u2069\u200e\u200f\u061c')).toBe('x\\u2028y\\u2029z\\u202eevil\\u2066i\\u2069\\u200e\\u200f\\u061c');
  });

  it('leaves ordinary text, non-ASCII letters and backslashes alone', () => {
    expect(terminalSafe('registry.example.com:5000 alice ü 日本 C:\\x')).toBe('registry.example.com:5000 alice ü 日本 C:\\x');
  });

  it('never lets an unsafe character through', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (text) => !UNSAFE.test(terminalSafe(text))), { numRuns: 2000 });
  });
});

describe('jsonSafe', () => {
  it('keeps the exact value and leaves nothing raw', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' })), (values) => {
        const json = jsonSafe(JSON.stringify({ values }, null, 2));
        return !UNSAFE.test(json.replace(/\n/g, '')) && JSON.stringify(JSON.parse(json)) === JSON.stringify({ values });
      }),
      { numRuns: 1000 },
    );
  });
});

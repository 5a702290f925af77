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

  it('answers as the replace it skips when nothing needs escaping, for every UTF-16 unit', () => {
    // terminalSafe looks with a loop first (the first regular expression a process runs costs the single
    // file 0.35-0.6 ms); the loop must find every character the expression would have replaced.
    const byExpression = (text: string): string =>
      text.replace(new RegExp(UNSAFE.source, 'g'), (char) => {
        const code = char.charCodeAt(0);
        return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
      });
    const differ: number[] = [];
    for (let code = 0; code <= 0xffff; code++) {
      const text = `a${String.fromCharCode(code)}b`;
      if (terminalSafe(text) !== byExpression(text)) differ.push(code);
    }
    expect(differ).toEqual([]);
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

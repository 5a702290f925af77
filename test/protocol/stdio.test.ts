import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fdinfoFlags } from '../../src/protocol/stdio.js';

describe('fdinfoFlags', () => {
  it('reads the octal flags line of a real fdinfo file', () => {
    expect(fdinfoFlags('pos:\t0\nflags:\t0100002\nmnt_id:\t24\nino:\t5\n')).toBe(0o100002);
    expect(fdinfoFlags('pos:\t0\nflags:\t02\n')).toBe(2);
  });
  it('answers undefined where there is no such line, or it holds no octal number', () => {
    expect(fdinfoFlags('pos:\t0\nmnt_id:\t24\n')).toBeUndefined();
    expect(fdinfoFlags('flags:\t0109\n')).toBeUndefined();
    expect(fdinfoFlags('flags:\n')).toBeUndefined();
    expect(fdinfoFlags('xflags:\t02\n')).toBeUndefined();
  });
  it('answers as the regular expression it replaced, for lines of its alphabet', () => {
    // Only where no line is blank after "flags:": there the expression's \s* ran on into the next line.
    const line = fc.string({ unit: fc.constantFrom('f', 'l', 'a', 'g', 's', ':', '\t', ' ', '0', '2', '7', '8', 'x'), maxLength: 14 });
    fc.assert(
      fc.property(fc.array(line, { maxLength: 4 }), (lines) => {
        const text = lines.join('\n');
        fc.pre(!/^flags:\s*$/m.test(text));
        const match = /^flags:\s*([0-7]+)$/m.exec(text)?.[1];
        const first = lines.find((candidate) => candidate.startsWith('flags:'));
        // The expression takes the first line that matches whole; ours the first flags line: equal when that one matches.
        fc.pre(first === undefined || /^flags:\s*[0-7]+$/.test(first) || match === undefined);
        return fdinfoFlags(text) === (match === undefined ? undefined : Number.parseInt(match, 8));
      }),
      { numRuns: 3000 },
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTsstoreError } from '../../src/errors.js';
import {
  MAX_INPUT_BYTES,
  compareUtf8,
  decodeInput,
  sortLikeGo,
  formatCredentials,
  formatList,
  hasControlCharacter,
  isGoSpace,
  parseCredentialsInput,
  parseServerURLInput,
  trimSpaceLikeGo,
} from '../../src/protocol/codec.js';

function errorOf(action: () => unknown): { code: string; message: string } {
  try {
    action();
  } catch (error) {
    if (isTsstoreError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected an error');
}

describe('decodeInput', () => {
  it('decodes UTF-8', () => {
    expect(decodeInput(Buffer.from('héllo ✓'))).toBe('héllo ✓');
  });
  it('refuses invalid UTF-8 instead of guessing', () => {
    expect(errorOf(() => decodeInput(Buffer.from([0x68, 0xff, 0xfe])))).toEqual({
      code: 'bad-input',
      message: 'input is not valid UTF-8',
    });
  });
  it('refuses more than the limit', () => {
    expect(errorOf(() => decodeInput(Buffer.alloc(MAX_INPUT_BYTES + 1, 0x61))).message).toBe('input is larger than 1 MiB');
    expect(decodeInput(Buffer.alloc(MAX_INPUT_BYTES, 0x61))).toHaveLength(MAX_INPUT_BYTES);
  });
});

describe('trimSpaceLikeGo', () => {
  it('trims what Go strings.TrimSpace trims, including NEL and NBSP', () => {
    expect(trimSpaceLikeGo(' \t\r\n\v\f\u0085\u00a0host\u3000\n')).toBe('host');
  });
  it('keeps the byte-order mark, which Go does not trim', () => {
    expect(trimSpaceLikeGo('\ufeffhost')).toBe('\ufeffhost');
  });
});

describe('parseServerURLInput', () => {
  it('trims surrounding white space', () => {
    expect(parseServerURLInput('  https://index.docker.io/v1/\n')).toBe('https://index.docker.io/v1/');
  });
  it.each(['', '   ', '\n'])('answers the exact docker text for an empty URL (%j)', (input) => {
    expect(errorOf(() => parseServerURLInput(input))).toEqual({ code: 'missing-server-url', message: 'no credentials server URL' });
  });
  it.each([['a\u0000b'], ['a\nb'], ['a\u001bb'], ['a\u007fb'], ['a\u0085b']])('refuses control characters inside (%j)', (input) => {
    expect(errorOf(() => parseServerURLInput(input)).message).toBe('server URL contains a control character');
  });
  it('refuses very long URLs', () => {
    expect(errorOf(() => parseServerURLInput('h'.repeat(1025))).message).toBe('server URL is longer than 1024 characters');
    expect(parseServerURLInput('h'.repeat(1024))).toHaveLength(1024);
  });
});

describe('parseCredentialsInput', () => {
  it('reads the three fields', () => {
    expect(parseCredentialsInput('{"ServerURL":"h","Username":"<token>","Secret":"s"}')).toEqual({
      ServerURL: 'h',
      Username: '<token>',
      Secret: 's',
    });
  });
  it('matches field names without regard to case, preferring the exact name, as Go does', () => {
    expect(parseCredentialsInput('{"serverurl":"h","USERNAME":"u","secret":"s"}')).toEqual({ ServerURL: 'h', Username: 'u', Secret: 's' });
    expect(parseCredentialsInput('{"ServerURL":"exact","serverurl":"other","Username":"u","Secret":"s"}').ServerURL).toBe('exact');
  });
  it('refuses a server URL that get could never find again (white space around it)', () => {
    expect(errorOf(() => parseCredentialsInput('{"ServerURL":" h","Username":"u","Secret":"s"}')).message).toBe(
      'server URL has white space at the start or end',
    );
  });
  it('ignores unknown fields, as Go does', () => {
    expect(parseCredentialsInput('{"ServerURL":"h","Username":"u","Secret":"s","Extra":1}').Username).toBe('u');
  });
  it.each([
    ['', 'bad-input', 'expected credentials as JSON on stdin, got nothing'],
    ['{', 'bad-input', 'credentials on stdin are not valid JSON (it ends too early)'],
    ['{"ServerURL" "h"}', 'bad-input', 'credentials on stdin are not valid JSON (unexpected character at line 1, column 14)'],
    ['[]', 'bad-input', 'credentials on stdin must be a JSON object with ServerURL, Username and Secret'],
    ['"x"', 'bad-input', 'credentials on stdin must be a JSON object with ServerURL, Username and Secret'],
    ['null', 'bad-input', 'credentials on stdin must be a JSON object with ServerURL, Username and Secret'],
    ['{"Username":"u","Secret":"s"}', 'missing-server-url', 'no credentials server URL'],
    ['{"ServerURL":"","Username":"u","Secret":"s"}', 'missing-server-url', 'no credentials server URL'],
    ['{"ServerURL":"h","Secret":"s"}', 'missing-username', 'no credentials username'],
    ['{"ServerURL":"h","Username":"","Secret":"s"}', 'missing-username', 'no credentials username'],
    ['{"ServerURL":"h","Username":"u"}', 'bad-input', 'no credentials secret'],
    ['{"ServerURL":5,"Username":"u","Secret":"s"}', 'bad-input', 'credentials field ServerURL must be a string, not a number'],
    ['{"ServerURL":"h","Username":["u"],"Secret":"s"}', 'bad-input', 'credentials field Username must be a string, not an array'],
    ['{"ServerURL":"h","Username":"u","Secret":{}}', 'bad-input', 'credentials field Secret must be a string, not an object'],
    ['{"ServerURL":"h\\u0000","Username":"u","Secret":"s"}', 'bad-input', 'server URL contains a control character'],
    ['{"ServerURL":"\\ud800","Username":"u","Secret":"s"}', 'bad-input', 'server URL contains an unpaired UTF-16 surrogate'],
  ])('refuses %j with a clear error', (input, code, message) => {
    expect(errorOf(() => parseCredentialsInput(input))).toEqual({ code, message });
  });
  it('never echoes the input (which holds the secret) in a JSON error', () => {
    const { message } = errorOf(() => parseCredentialsInput('{"ServerURL":"h","Username":"u","Secret":"hunter2" x}'));
    expect(message).not.toContain('hunter2');
  });
  it('keeps secrets that JSON can carry but UTF-8 cannot: NUL and lone surrogates', () => {
    const parsed = parseCredentialsInput('{"ServerURL":"h","Username":"u","Secret":"a\\u0000\\udc00b"}');
    expect(parsed.Secret).toBe('a\u0000\udc00b');
  });
});

describe('formatCredentials', () => {
  it('writes the reference bytes: field order, HTML-safe escapes, newline', () => {
    expect(formatCredentials({ ServerURL: 'h', Username: '<token>', Secret: 'a&b' })).toBe(
      '{"ServerURL":"h","Username":"\\u003ctoken\\u003e","Secret":"a\\u0026b"}\n',
    );
  });
  it('round-trips any secret through parse', () => {
    const secret = 'x\u0000\u2028"\\\ud800' + 'y'.repeat(70_000);
    const text = formatCredentials({ ServerURL: 'h', Username: 'u', Secret: secret });
    expect(JSON.parse(text).Secret).toBe(secret);
  });
});

describe('formatList', () => {
  it('writes {} for an empty store', () => {
    expect(formatList(new Map())).toBe('{}\n');
  });
  it('sorts keys by UTF-8 bytes as Go does, even integer-like ones and __proto__', () => {
    const list = new Map([
      ['b', '1'],
      ['__proto__', '2'],
      ['10', '3'],
      ['\u{1f600}', '4'],
      ['\uff5e', '5'],
      ['A', '6'],
    ]);
    expect(formatList(list)).toBe('{"10":"3","A":"6","__proto__":"2","b":"1","\uff5e":"5","\u{1f600}":"4"}\n');
  });
  it('orders like a comparison of UTF-8 bytes, for any strings (surrogates, U+E000.., prefixes)', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', '\ud7ff', '\ue000', '\uffff', '\u{10000}', '\u{1f600}', '\u{10ffff}'), maxLength: 4 });
    fc.assert(
      fc.property(text, text, (a, b) => {
        expect(Math.sign(compareUtf8(a, b))).toBe(Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b))));
      }),
      { numRuns: 3000 },
    );
  });
  it('sorts any set of keys (ASCII only or not) as Buffer order does', () => {
    const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
    const keys = fc.uniqueArray(fc.oneof(fc.string({ unit: 'binary-ascii' }), fc.string({ unit: 'binary' })), { maxLength: 40 });
    fc.assert(
      fc.property(keys, (list) => {
        expect(sortLikeGo([...list])).toEqual([...list].sort(byBytes));
      }),
      { numRuns: 1000 },
    );
  });
});

// isGoSpace and hasControlCharacter replaced regular expressions (the first one a process runs costs the
// single file 0.35-0.6 ms); each must answer as its expression did, for every UTF-16 unit.
describe('the loops that replaced regular expressions', () => {
  const GO_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;
  const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
  it('isGoSpace is Go unicode.IsSpace for every UTF-16 unit', () => {
    const differ: number[] = [];
    for (let code = 0; code <= 0xffff; code++) if (isGoSpace(code) !== GO_SPACE.test(String.fromCharCode(code))) differ.push(code);
    expect(differ).toEqual([]);
  });
  it('hasControlCharacter finds C0, DEL and C1 controls anywhere, and nothing else', () => {
    const differ: number[] = [];
    for (let code = 0; code <= 0xffff; code++) {
      const text = `ab${String.fromCharCode(code)}c`;
      if (hasControlCharacter(text) !== CONTROL.test(text)) differ.push(code);
    }
    expect(differ).toEqual([]);
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 20 }), (text) => hasControlCharacter(text) === CONTROL.test(text)), { numRuns: 2000 });
  });
  it('trimSpaceLikeGo trims what the expression trimmed', () => {
    const unit = fc.oneof(fc.constantFrom(' ', '\t', '\u0085', '\u00a0', '\u2000', '\u200a', '\u200b', '\u3000', '\ufeff', 'a'), fc.string({ unit: 'binary', maxLength: 1 }));
    const byExpression = (text: string): string => text.replace(new RegExp(`^${GO_SPACE.source}+`), '').replace(new RegExp(`${GO_SPACE.source}+$`), '');
    fc.assert(fc.property(fc.string({ unit, maxLength: 8 }), (text) => trimSpaceLikeGo(text) === byExpression(text)), { numRuns: 2000 });
  });
});

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  credentialFileName,
  encodeName,
  formatLabel,
  isCredentialFileName,
  parseLabel,
} from '../../../src/backends/pgp/layout.js';
import { checkServerURL } from '../../../src/protocol/codec.js';

/** The layout only ever sees server URLs that the codec accepted. */
function acceptedServerURL(url: string): boolean {
  try {
    checkServerURL(url);
    return true;
  } catch {
    return false;
  }
}

describe('credentialFileName', () => {
  it('keeps common registry names readable', () => {
    expect(credentialFileName('registry.example.com:5000')).toBe('registry%2Eexample%2Ecom%3A5000.asc');
    expect(credentialFileName('https://index.docker.io/v1/')).toBe('https%3A%2F%2Findex%2Edocker%2Eio%2Fv1%2F.asc');
  });
  it.each(['.', '..', '../../etc/passwd', '/abs', 'a/b', 'a\\b', '.hidden', 'x\u0000y', 'Host', '~'])(
    'never makes a name that leaves the folder, hides or means a path (%j)',
    (url) => {
      const name = credentialFileName(url);
      expect(name).toMatch(/^[a-z0-9_%A-F~-]+\.asc$/);
      expect(name.startsWith('.')).toBe(false);
    },
  );
  it('escapes uppercase letters so names stay distinct on case-insensitive file systems', () => {
    expect(credentialFileName('Host')).not.toBe(credentialFileName('host'));
    expect(credentialFileName('Host').toLowerCase()).not.toBe(credentialFileName('host').toLowerCase());
  });
  it('hashes very long URLs into a short name', () => {
    const long = `https://${'a'.repeat(1000)}`;
    const name = credentialFileName(long);
    expect(name.length).toBeLessThan(160);
    expect(name).toContain('~');
    expect(credentialFileName(`${long}b`)).not.toBe(name);
  });
  it('property: any string maps to one safe file name, and different strings to different names', () => {
    const seen = new Map<string, string>();
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'grapheme', maxLength: 100 }), fc.string({ unit: 'binary', maxLength: 50 })), (url) => {
        fc.pre(acceptedServerURL(url));
        const name = credentialFileName(url);
        expect(Buffer.byteLength(name)).toBeLessThanOrEqual(255);
        expect(name).not.toMatch(/[/\\\u0000]/);
        expect(name.startsWith('.')).toBe(false);
        expect(isCredentialFileName(name)).toBe(true);
        const folded = name.toLowerCase();
        const before = seen.get(folded);
        if (before !== undefined) expect(before).toBe(url);
        seen.set(folded, url);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('encodeName', () => {
  it('escapes each UTF-8 byte outside [a-z0-9_-]', () => {
    expect(encodeName('a-b_c.é')).toBe('a-b_c%2E%C3%A9');
  });
});

describe('isCredentialFileName', () => {
  it('skips temporary and foreign files', () => {
    expect(isCredentialFileName('host.asc')).toBe(true);
    expect(isCredentialFileName('.host.asc.123.abc.tmp')).toBe(false);
    expect(isCredentialFileName('notes.txt')).toBe(false);
  });
});

describe('labels', () => {
  it('round-trip through an armor header as one ASCII line', () => {
    const label = { serverURL: 'https://héllo.example/ü', username: '<token> "quoted" \u2028' };
    const header = formatLabel(label);
    expect(header).toMatch(/^[\x20-\x7e]+$/);
    const armored = `-----BEGIN PGP MESSAGE-----\nComment: ${header}\n\nwcFMA...\n-----END PGP MESSAGE-----\n`;
    expect(parseLabel(armored)).toEqual(label);
  });
  it('ignores a Comment in the body and files that are not ours', () => {
    expect(parseLabel('-----BEGIN PGP MESSAGE-----\n\nComment: tsstore {"ServerURL":"x","Username":"y"}\n')).toBeUndefined();
    expect(parseLabel('-----BEGIN PGP MESSAGE-----\nComment: something else\n\nabc')).toBeUndefined();
    expect(parseLabel('-----BEGIN PGP MESSAGE-----\nComment: tsstore {broken\n\nabc')).toBeUndefined();
  });
  it('property: any server URL and username round-trip', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 80 }), fc.string({ maxLength: 80 }), (serverURL, username) => {
        const armored = `-----BEGIN PGP MESSAGE-----\r\nComment: ${formatLabel({ serverURL, username })}\r\n\r\nbody`;
        expect(parseLabel(armored)).toEqual({ serverURL, username });
      }),
    );
  });
});

describe('encodeName against its definition (each UTF-8 byte: itself when [a-z0-9_-], else %XX)', () => {
  const byDefinition = (text: string) =>
    [...Buffer.from(text, 'utf8')].map((byte) => (/[a-z0-9_-]/.test(String.fromCharCode(byte)) && byte < 0x80 ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
  it('agrees on any UTF-16 string, lone surrogates included', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (text) => encodeName(text) === byDefinition(text)), { numRuns: 2000 });
    fc.assert(
      fc.property(fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)), maxLength: 30 }), (text) => encodeName(text) === byDefinition(text)),
      { numRuns: 2000 },
    );
    for (const text of ['\ud800', 'a\udc00b', '\ud83d\ude00', 'Host:5000/x', '']) expect(encodeName(text)).toBe(byDefinition(text));
  });
});

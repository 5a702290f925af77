/**
 * Properties that must hold for every input, checked with fast-check (issue 6). What the unit tests of
 * the codec, the layout and config.json already check by example or property is not repeated here; this
 * file adds:
 *
 * - the protocol codec: any secret (NUL, lone surrogates, U+2028, <>&, 70 KB and more) goes through
 *   stdin bytes -> parseCredentialsInput -> formatCredentials -> stdout bytes unchanged, as one line;
 *   and the same on the built file, through store and get;
 * - the pgp layout: every server URL the codec accepts maps to one file directly inside credentials/
 *   (checked on the real file system too), and URLs that differ only in ways file systems blur (case,
 *   Unicode case and normalization, literal %XX, '~', length around the hashing threshold) never share
 *   a file, even case-insensitively; the armor label stays one printable ASCII line for any username;
 * - config.json: reading and rewriting it through the disk keeps every unknown key and value, with keys
 *   that trip JavaScript objects (__proto__, constructor, integer-like, empty, lone surrogates).
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialFileName, formatLabel, parseLabel } from '../src/backends/pgp/layout.js';
import { PgpBackend } from '../src/backends/pgp/pgp-backend.js';
import { storeKeySource } from '../src/unlock/store-key-source.js';
import { readDockerConfig, writeDockerConfig } from '../src/docker/config-file.js';
import { writeFileAtomic } from '../src/fs/private-files.js';
import {
  type Credentials,
  checkServerURL,
  checkUsername,
  decodeInput,
  formatCredentials,
  parseCredentialsInput,
  parseServerURLInput,
} from '../src/protocol/codec.js';
import { type TemporaryHome, runHelper, temporaryHome } from './support/helper-binary.js';

/** No test may ask on the terminal the test runner may have. */
const noPrompt = storeKeySource(process.env, { mayPrompt: false });

const accepted = (check: (value: string) => string) => (value: string) => {
  try {
    check(value);
    return true;
  } catch {
    return false;
  }
};
const acceptedServerURL = accepted(checkServerURL);
const acceptedUsername = accepted(checkUsername);
/** A server URL `store` takes: `get` and `erase` trim their input, so `store` refuses padded ones. */
const storableServerURL = accepted((url) => parseCredentialsInput(JSON.stringify({ ServerURL: url, Username: 'u', Secret: 's' })).ServerURL);

// ---------------------------------------------------------------------------------------------------
// Arbitraries

/** Single UTF-16 code units with the troublemakers over-represented. */
const codeUnit = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('\u0000', '\ud800', '\udfff', '\u2028', '\u2029', '<', '>', '&', '"', '\\', '\n', '\r', '\u007f', '\u0085', '\ufeff', '\uffff', '\u{1f600}', 'é', 'e\u0301') },
  { weight: 5, arbitrary: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
);
/** Any JavaScript string, lone surrogates included. */
const anyString = (maxLength: number) => fc.string({ unit: codeUnit, maxLength });
/** Strings of at least 70,000 code units: a random fragment repeated, with random units spliced in. */
const hugeString = fc
  .tuple(anyString(200).filter((s) => s.length > 0), anyString(50), fc.integer({ min: 70_000, max: 90_000 }))
  .map(([fragment, tail, length]) => `${fragment.repeat(Math.ceil(length / fragment.length)).slice(0, length)}${tail}`);
const serverURL = fc.oneof(
  fc.constantFrom('https://index.docker.io/v1/', 'registry.example.com:5000', 'localhost', '127.0.0.1:5000', 'ghcr.io', '<token>'),
  anyString(80),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }),
).filter(acceptedServerURL);
const username = fc.oneof(fc.constantFrom('<token>', 'alice', 'user@example.com'), anyString(60)).filter(acceptedUsername);
const credentials = (secret: fc.Arbitrary<string>) =>
  fc.record<Credentials>({ ServerURL: serverURL.filter(storableServerURL), Username: username, Secret: secret });

/** Go's encoding/json output for the same object: <, >, &, U+2028 and U+2029 escaped. */
const goEscaped = (json: string) => json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

// ---------------------------------------------------------------------------------------------------

describe('the protocol codec round-trips any secret', () => {
  /** stdin bytes in, stdout bytes out, as the helper does it. */
  function roundTrip(stdin: string, expected: Credentials): void {
    const parsed = parseCredentialsInput(decodeInput(Buffer.from(stdin, 'utf8')));
    expect(parsed).toEqual(expected);
    const stdout = formatCredentials(parsed);
    // One line, valid UTF-8 (no lone surrogate reaches the bytes), no raw HTML-unsafe or line-breaking characters.
    expect(stdout.endsWith('\n')).toBe(true);
    expect(stdout.slice(0, -1)).not.toMatch(/[\u0000-\u001f<>&\u2028\u2029]/);
    expect(stdout.isWellFormed()).toBe(true);
    const bytes = Buffer.from(stdout, 'utf8');
    expect(JSON.parse(bytes.toString('utf8'))).toEqual(expected);
  }

  it('property: any ServerURL, Username and Secret the codec accepts, as JSON.stringify and as Go would send them', () => {
    fc.assert(
      fc.property(credentials(anyString(300)), (creds) => {
        roundTrip(JSON.stringify(creds), creds);
        roundTrip(goEscaped(JSON.stringify(creds)), creds);
        // Field order and extra white space do not matter on the way in.
        roundTrip(`\n { "Secret" : ${JSON.stringify(creds.Secret)} , "Username":${JSON.stringify(creds.Username)},"ServerURL":${JSON.stringify(creds.ServerURL)} }\n`, creds);
      }),
      { numRuns: 2000 },
    );
  });

  it('property: secrets of 70 KB and more', () => {
    fc.assert(
      fc.property(credentials(hugeString), (creds) => {
        expect(creds.Secret.length).toBeGreaterThanOrEqual(70_000);
        roundTrip(JSON.stringify(creds), creds);
      }),
      { numRuns: 25 },
    );
  });

  it('property: get and erase read back any server URL store takes, with the white space Go trims around it', () => {
    const goSpace = fc.string({ unit: fc.constantFrom(' ', '\t', '\n', '\r', '\v', '\f', '\u0085', '\u00a0', '\u3000'), maxLength: 4 });
    fc.assert(
      fc.property(serverURL.filter(storableServerURL), goSpace, goSpace, (url, before, after) => {
        expect(parseServerURLInput(decodeInput(Buffer.from(`${before}${url}${after}`)))).toBe(url);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('the pgp layout: server URLs and files', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsstore-properties-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('property: every accepted server URL maps to a file directly inside credentials/', () => {
    const store = new PgpBackend(join(dir, 'paths', 'pgp'), noPrompt);
    fc.assert(
      fc.property(serverURL, (url) => {
        const path = store.credentialPath(url);
        expect(resolve(path)).toBe(path);
        expect(dirname(path)).toBe(store.layout.credentialsDir);
        expect(['.', '..', '']).not.toContain(basename(path));
        expect(Buffer.byteLength(basename(path))).toBeLessThanOrEqual(255);
      }),
      { numRuns: 3000 },
    );
  });

  it('property: on the real file system, N different URLs make N files in credentials/ and nothing anywhere else', () => {
    fc.assert(
      fc.property(fc.uniqueArray(serverURL, { minLength: 1, maxLength: 40 }), (urls) => {
        const root = mkdtempSync(join(dir, 'fs-'));
        try {
          const store = new PgpBackend(join(root, 'pgp'), noPrompt);
          for (const folder of [store.layout.credentialsDir, store.layout.temporaryDir]) mkdirSync(folder, { recursive: true });
          for (const url of urls) writeFileAtomic(store.credentialPath(url), url, { temporaryDir: store.layout.temporaryDir });
          expect(readdirSync(root)).toEqual(['pgp']);
          expect(readdirSync(store.layout.root).sort()).toEqual(['credentials', 'tmp']);
          expect(readdirSync(store.layout.temporaryDir)).toEqual([]);
          expect(readdirSync(store.layout.credentialsDir)).toHaveLength(urls.length);
          for (const url of urls) expect(readFileSync(store.credentialPath(url), 'utf8')).toBe(url);
        } finally {
          rmSync(root, { recursive: true, force: true });
        }
      }),
      { numRuns: 60 },
    );
  });

  /** A URL and a near twin: what case-insensitive, normalizing or escaping file systems and tools blur. */
  const twins = fc
    .tuple(serverURL, fc.nat(), fc.integer({ min: 0, max: 9 }))
    .map(([url, position, kind]) => {
      const at = url.length === 0 ? 0 : position % url.length;
      const char = url[at] ?? '';
      const splice = (replacement: string) => `${url.slice(0, at)}${replacement}${url.slice(at + char.length)}`;
      const twin = [
        () => splice(char === char.toUpperCase() ? char.toLowerCase() : char.toUpperCase()),
        () => url.toUpperCase(),
        () => splice(`%${(char.charCodeAt(0) & 0xff).toString(16).toUpperCase().padStart(2, '0')}`),
        () => splice(`%${(char.charCodeAt(0) & 0xff).toString(16).padStart(2, '0')}`),
        () => `${url}~`,
        () => url.normalize('NFD'),
        () => url.normalize('NFKC'),
        () => splice({ k: '\u212a', s: '\u017f', K: '\u212a', i: '\u0130', ß: 'ss' }[char] ?? `${char}\u0301`),
        () => (url.endsWith('/') ? url.slice(0, -1) : `${url}/`),
        () => `${url}.`,
      ][kind]?.() as string;
      return [url, twin] as const;
    })
    .filter(([url, twin]) => url !== twin && acceptedServerURL(twin));
  const longTwins = fc
    .tuple(fc.string({ unit: 'grapheme-ascii', minLength: 40, maxLength: 1000 }), fc.nat(), fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 3 }))
    .map(([url, position, change]) => {
      const at = position % url.length;
      return [url, `${url.slice(0, at)}${change}${url.slice(at)}`] as const;
    })
    .filter(([url, twin]) => url !== twin && acceptedServerURL(url) && acceptedServerURL(twin));

  it('property: two different URLs never share a file, even where case does not count (near twins, long names)', () => {
    const names = (url: string) => {
      const name = credentialFileName(url);
      return [name, name.toLowerCase(), name.toUpperCase(), name.normalize('NFKC').toLowerCase()];
    };
    fc.assert(
      fc.property(fc.oneof(twins, longTwins), ([url, twin]) => {
        const a = names(url);
        const b = names(twin);
        for (let i = 0; i < a.length; i++) expect(a[i], `${JSON.stringify(url)} vs ${JSON.stringify(twin)}`).not.toBe(b[i]);
      }),
      { numRuns: 5000 },
    );
  });

  it('the names sit on both sides of the hashing threshold without meeting', () => {
    // Encoded names up to 160 characters stay readable; longer ones are a prefix, '~' and a digest.
    const seen = new Map<string, string>();
    for (let length = 120; length <= 200; length++) {
      for (const url of ['a'.repeat(length), `${'a'.repeat(length - 1)}A`, `${'a'.repeat(Math.floor(length / 3))}.`.padEnd(length, 'b')]) {
        const name = credentialFileName(url).toLowerCase();
        expect(seen.get(name) ?? url, name).toBe(url);
        seen.set(name, url);
      }
    }
  });

  it('property: the armor label is one printable ASCII line for any accepted URL and username', () => {
    fc.assert(
      fc.property(serverURL, username, (url, user) => {
        const label = formatLabel({ serverURL: url, username: user });
        expect(label).toMatch(/^[\x20-\x7e]+$/);
        expect(parseLabel(`-----BEGIN PGP MESSAGE-----\nComment: ${label}\n\nbody\n`)).toEqual({ serverURL: url, username: user });
      }),
      { numRuns: 2000 },
    );
  });
});

// ---------------------------------------------------------------------------------------------------

describe('config.json: rewriting keeps every unknown key and value', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsstore-config-properties-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const trickyKey = fc.oneof(
    fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '', '0', '10', '4294967295', '-1', '1.5', 'auths', 'credHelpers', 'HttpHeaders', 'x\u0000y', '\ud800', '\u{1f600}'),
    anyString(20),
  );
  /** A JSON text (built by hand, so keys like __proto__ stay plain keys) and the same value parsed. */
  const jsonText: fc.Arbitrary<string> = fc.letrec<{ value: string; object: string }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom('null', 'true', 'false', '0', '-0', '1.5', '1e3', '-2.5E-3', '9007199254740991'),
      fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => JSON.stringify(n)),
      anyString(30).map((s) => JSON.stringify(s)),
      fc.array(tie('value'), { maxLength: 4 }).map((items) => `[${items.join(',')}]`),
      tie('object'),
    ),
    object: fc
      .uniqueArray(fc.tuple(trickyKey, tie('value')), { maxLength: 6, selector: ([key]) => key })
      .map((entries) => `{${entries.map(([key, value]) => `${JSON.stringify(key)}: ${value}`).join(',\n\t')}}`),
  })).object;

  it('property: read, set credsStore, write through the disk, read again: every other key and value is there', () => {
    let index = 0;
    fc.assert(
      fc.property(jsonText, (text) => {
        const docker = join(dir, `c${index++}`);
        mkdirSync(docker, { recursive: true });
        writeFileSync(join(docker, 'config.json'), text);
        const original = JSON.parse(text) as Record<string, unknown>;
        const file = readDockerConfig({ DOCKER_CONFIG: docker });
        file.config.credsStore = 'tsstore';
        writeDockerConfig(file);
        const rewritten = JSON.parse(readFileSync(join(docker, 'config.json'), 'utf8')) as Record<string, unknown>;
        // Values compared as JSON text: -0 and 0 are the same JSON number.
        const entries = (value: Record<string, unknown>) =>
          new Map(Object.entries(value).filter(([key]) => key !== 'credsStore').map(([key, item]) => [key, JSON.stringify(item)]));
        expect(entries(rewritten)).toEqual(entries(original));
        expect(Object.getOwnPropertyDescriptor(rewritten, 'credsStore')?.value).toBe('tsstore');
        expect(Object.getPrototypeOf(rewritten)).toBe(Object.prototype);
      }),
      { numRuns: 300 },
    );
  });

  // Found by this test and fixed: with plain JSON.parse a number a double cannot hold exactly changed when
  // tsstore rewrote the file (1700000000000000001 became 1700000000000000000, 1e400 became null). Such
  // numbers are now carried through as their text.
  it('numbers a double cannot hold survive a rewrite unchanged', () => {
    const docker = join(dir, 'numbers');
    mkdirSync(docker, { recursive: true });
    writeFileSync(join(docker, 'config.json'), '{\n\t"x-written-ns": 1700000000000000001,\n\t"x-huge": 1e400,\n\t"x-precise": 0.1000000000000000000000001\n}');
    const file = readDockerConfig({ DOCKER_CONFIG: docker });
    file.config.credsStore = 'tsstore';
    writeDockerConfig(file);
    const text = readFileSync(join(docker, 'config.json'), 'utf8');
    expect(text).toContain('"credsStore": "tsstore"');
    expect(text).toMatch(/"x-written-ns": 1700000000000000001\b/);
    expect(text).toMatch(/"x-huge": 1e\+?400\b/i);
    expect(text).toMatch(/"x-precise": 0\.1000000000000000000000001\b/);
  });
});

// ---------------------------------------------------------------------------------------------------

describe('the built file round-trips any secret through store and get', () => {
  let home: TemporaryHome;
  beforeAll(() => {
    home = temporaryHome('tsstore-properties-e2e-');
  });
  afterAll(() => home.cleanup());

  it('property: NUL, lone surrogates, line separators, HTML characters, 70 KB', async () => {
    const secret = fc.oneof(
      { weight: 4, arbitrary: anyString(200).filter((s) => s.length > 0) },
      { weight: 1, arbitrary: hugeString },
    );
    await fc.assert(
      fc.asyncProperty(credentials(secret), async (creds) => {
        const stored = await runHelper(['store'], { env: home.env, input: JSON.stringify(creds) });
        expect(stored.exitCode, stored.stdout).toBe(0);
        const got = await runHelper(['get'], { env: home.env, input: creds.ServerURL });
        expect(got.exitCode, got.stdout.slice(0, 200)).toBe(0);
        expect(got.stderr).toBe('');
        expect(got.stdout.indexOf('\n')).toBe(got.stdout.length - 1);
        expect(got.stdout).not.toMatch(/[<>&\u2028\u2029]/);
        expect(JSON.parse(got.stdout)).toEqual(creds);
        expect(got.stdout).toBe(formatCredentials(creds));
      }),
      {
        numRuns: 12,
        examples: [
          [{ ServerURL: 'nul.example', Username: 'u', Secret: 'a\u0000b\u0000' }],
          [{ ServerURL: 'surrogates.example', Username: '<token>', Secret: '\ud800x\udfff\udc00\ud83d' }],
          [{ ServerURL: 'huge.example', Username: 'u', Secret: `\u2028${'é\u0000'.repeat(35_000)}\ud800` }],
        ],
      },
    );
  }, 120_000);
});

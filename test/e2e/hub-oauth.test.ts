/**
 * Docker Hub's web login (docker CLI >= 27.2, `docker login` without `-u`) keeps three entries in the
 * credential helper: `https://index.docker.io/v1/access-token` (a JWT), `.../refresh-token`
 * (`<token>..<client id>`) and `https://index.docker.io/v1/` (a personal access token); Docker Desktop
 * writes `.../v1//access-token` and `.../v1//refresh-token`. Each is an entry of its own: a token key is
 * answered only by what is stored under it, never by the Hub login, or docker reads a password as a token
 * (`docker logout` reads `.../refresh-token` first and treats a `..` in the answer as `<token>..<client id>`).
 * The Hub login still answers the Hub's other names (podman and skopeo ask `docker.io`).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:net';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HELPER_BINARY, type HelperResult, type TemporaryHome, runHelper, temporaryHome } from '../support/helper-binary.js';
import { findOnPath, haveAll } from '../support/real-components.js';

const NOT_FOUND = 'credentials not found in native keychain\n';
const HUB = 'https://index.docker.io/v1/';
const ACCESS = `${HUB}access-token`;
const REFRESH = `${HUB}refresh-token`;
const DESKTOP_ACCESS = `${HUB}/access-token`;
const DESKTOP_REFRESH = `${HUB}/refresh-token`;
const TOKEN_KEYS = [ACCESS, REFRESH, DESKTOP_ACCESS, DESKTOP_REFRESH];
const HUB_NAMES = ['docker.io', 'index.docker.io', 'registry-1.docker.io', 'https://index.docker.io/v1', HUB];

/** Random text of at least `bytes` characters, safe in JSON and on a command line's stdin. */
const random = (bytes: number) => randomBytes(bytes).toString('base64url');
/** A JWT-shaped access token: header.payload.signature, here 9 KiB and more. */
const jwt = () => `eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.${random(7 * 1024)}.${random(256)}`;

const creds = (ServerURL: string, Username: string, Secret: string) => JSON.stringify({ ServerURL, Username, Secret });
const answer = (ServerURL: string, Username: string, Secret: string) => `${creds(ServerURL, Username, Secret)}\n`;

describe('Docker Hub web-login entries through the built file', () => {
  let home: TemporaryHome;
  const helper = (verb: string, input = '') => runHelper([verb], { input, env: { ...home.env, TSSTORE_BACKEND: 'pgp' } });

  beforeEach(() => {
    home = temporaryHome('tsstore-e2e-hub-oauth-');
  });
  afterEach(() => home?.cleanup());

  it("the CLI's three entries and Desktop's two come back exactly, each its own, with tokens of 8 KiB and more", async () => {
    const entries: Array<[string, string]> = [
      [ACCESS, jwt()],
      [REFRESH, `${random(8 * 1024)}..${random(24)}`],
      [HUB, `dckr_pat_${random(8 * 1024)}`],
      [DESKTOP_ACCESS, jwt()],
      [DESKTOP_REFRESH, `${random(8 * 1024)}..${random(24)}`],
    ];
    for (const [key, secret] of entries) {
      expect(secret.length).toBeGreaterThanOrEqual(8 * 1024);
      expect(await helper('store', creds(key, 'hubber', secret)), key).toMatchObject({ stdout: '', exitCode: 0 });
    }
    for (const [key, secret] of entries) {
      expect(await helper('get', key), key).toMatchObject({ stdout: answer(key, 'hubber', secret), exitCode: 0 });
    }
    const pat = entries[2]?.[1] ?? '';
    for (const name of HUB_NAMES) expect(await helper('get', name), name).toMatchObject({ stdout: answer(name, 'hubber', pat), exitCode: 0 });
    expect(JSON.parse((await helper('list', 'unused')).stdout)).toEqual(Object.fromEntries(entries.map(([key]) => [key, 'hubber'])));

    // Erasing the tokens (as docker logout does) leaves the Hub login, and the other way round.
    for (const key of [ACCESS, REFRESH]) expect(await helper('erase', key), key).toMatchObject({ stdout: '', exitCode: 0 });
    for (const key of [ACCESS, REFRESH]) expect(await helper('get', key), key).toMatchObject({ stdout: NOT_FOUND, exitCode: 1 });
    expect(await helper('get', 'docker.io')).toMatchObject({ stdout: answer('docker.io', 'hubber', pat), exitCode: 0 });
    expect(await helper('erase', HUB)).toMatchObject({ stdout: '', exitCode: 0 });
    expect(await helper('get', DESKTOP_ACCESS)).toMatchObject({ stdout: answer(DESKTOP_ACCESS, 'hubber', entries[3]?.[1] ?? ''), exitCode: 0 });
    expect(await helper('get', 'docker.io')).toMatchObject({ stdout: NOT_FOUND, exitCode: 1 });
  });

  it('with only the Hub login stored, every token key answers not-found and the Hub names answer the login', async () => {
    const pat = `dckr_pat_${random(8 * 1024)}`;
    expect(await helper('store', creds(HUB, 'hubber', pat))).toMatchObject({ stdout: '', exitCode: 0 });
    for (const key of TOKEN_KEYS) expect(await helper('get', key), key).toEqual({ stdout: NOT_FOUND, stderr: '', exitCode: 1 });
    for (const name of HUB_NAMES) expect(await helper('get', name), name).toMatchObject({ stdout: answer(name, 'hubber', pat), exitCode: 0 });
    // And the other way round: tokens stored without the Hub login answer no Hub name.
    expect(await helper('erase', HUB)).toMatchObject({ exitCode: 0 });
    for (const key of TOKEN_KEYS) expect(await helper('store', creds(key, 'hubber', jwt())), key).toMatchObject({ exitCode: 0 });
    for (const name of HUB_NAMES) expect(await helper('get', name), name).toMatchObject({ stdout: NOT_FOUND, exitCode: 1 });
  });

  it('any scheme://host/path is its own entry; host spellings without a path (and crane\'s host/repo) still answer', async () => {
    expect(await helper('store', creds('registry.example.com:5000', 'alice', 'pw'))).toMatchObject({ exitCode: 0 });
    for (const asked of ['https://registry.example.com:5000/v2/', 'https://registry.example.com:5000/token', 'http://registry.example.com:5000/a/b']) {
      expect(await helper('get', asked), asked).toMatchObject({ stdout: NOT_FOUND, exitCode: 1 });
    }
    for (const asked of ['registry.example.com:5000', 'https://registry.example.com:5000', 'https://registry.example.com:5000/', 'http://registry.example.com:5000', 'registry.example.com:5000/team/app']) {
      expect(await helper('get', asked), asked).toMatchObject({ stdout: answer(asked, 'alice', 'pw'), exitCode: 0 });
    }
  });
});

interface LoggedDocker {
  docker(args: readonly string[]): Promise<HelperResult>;
  helper(verb: string, input?: string): Promise<HelperResult>;
  /** What docker asked the helper: `verb [server URL] exit-code` per call (never a secret). */
  calls(): string[];
}

/**
 * A HOME where docker's only helper is a shell wrapper around the built file that writes down each call's
 * verb, server URL (get and erase only: store's input holds the secret) and exit code.
 */
function loggedDocker(home: TemporaryHome, proxyPort: number): LoggedDocker {
  const bin = join(home.home, 'bin');
  mkdirSync(bin, { mode: 0o700 });
  symlinkSync(findOnPath('docker') as string, join(bin, 'docker'));
  const log = join(home.home, 'helper-calls.log');
  writeFileSync(log, '');
  writeFileSync(
    join(bin, 'docker-credential-tsstore'),
    [
      '#!/bin/sh',
      'input=$(/bin/cat)',
      `printf '%s' "$input" | '${HELPER_BINARY}' "$@"`,
      'code=$?',
      `case "$1" in get|erase) printf '%s %s %s\\n' "$1" "$input" "$code" ;; *) printf '%s %s\\n' "$1" "$code" ;; esac >> '${log}'`,
      'exit $code',
      '',
    ].join('\n'),
    { mode: 0o700 },
  );
  const dockerConfig = home.env.DOCKER_CONFIG as string;
  mkdirSync(dockerConfig, { recursive: true, mode: 0o700 });
  writeFileSync(join(dockerConfig, 'config.json'), `{\n\t"auths": {\n\t\t"${HUB}": {}\n\t},\n\t"credsStore": "tsstore"\n}\n`, { mode: 0o600 });
  // docker's token revocation (login.docker.com) goes to a proxy that hangs up: it fails at once, offline.
  const env = { ...home.env, PATH: bin, TSSTORE_BACKEND: 'pgp', HTTPS_PROXY: `http://127.0.0.1:${proxyPort}`, NO_PROXY: '' };
  return {
    docker: async (args) => {
      const result = await execa(join(bin, 'docker'), args, { env, extendEnv: false, reject: false, cwd: home.home, timeout: 60_000 });
      return { stdout: String(result.stdout), stderr: String(result.stderr), exitCode: result.exitCode ?? -1 };
    },
    helper: (verb, input = '') => runHelper([verb], { input, env }),
    calls: () => readFileSync(log, 'utf8').split('\n').filter((line) => line !== ''),
  };
}

describe.skipIf(!haveAll(['docker']))('docker logout of Docker Hub with credsStore tsstore', () => {
  let home: TemporaryHome;
  let client: LoggedDocker;
  let proxy: Server;

  beforeAll(async () => {
    proxy = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => proxy?.close(resolve));
  });
  beforeEach(() => {
    home = temporaryHome('tsstore-e2e-hub-logout-');
    const address = proxy.address();
    if (address === null || typeof address === 'string') throw new Error('the proxy has no port');
    client = loggedDocker(home, address.port);
  });
  afterEach(() => home?.cleanup());

  it('with only a password stored (one with ".." in it), docker does not read it as a refresh token', async () => {
    // `docker login -u hubber` keeps a password, and passwords may contain "..": docker logout splits what
    // `get .../refresh-token` answers at ".." and, with two parts, takes it for <token>..<client id>.
    const password = `${random(4 * 1024)}..${random(4 * 1024)}`;
    expect(await client.helper('store', creds(HUB, 'hubber', password))).toMatchObject({ exitCode: 0 });

    const logout = await client.docker(['logout']);
    expect(logout.exitCode, logout.stderr).toBe(0);
    expect(logout.stdout).toContain('Removing login credentials for https://index.docker.io/v1/');
    // Before: the refresh-token get answered the password, docker tried to erase the tokens it thought
    // were there and warned "failed to erase tokens".
    expect(logout.stderr).not.toMatch(/token/i);
    expect(client.calls()).toEqual([`get ${REFRESH} 1`, `erase ${HUB} 0`]);
    expect(await client.helper('list', 'unused')).toMatchObject({ stdout: '{}\n', exitCode: 0 });
  });

  it("after a web login's three entries, docker reads the refresh token exactly and logout erases all three", async () => {
    const refresh = `${random(8 * 1024)}..${random(24)}`;
    for (const [key, secret] of [
      [ACCESS, jwt()],
      [REFRESH, refresh],
      [HUB, `dckr_pat_${random(8 * 1024)}`],
    ] as const) {
      expect(await client.helper('store', creds(key, 'hubber', secret)), key).toMatchObject({ exitCode: 0 });
    }
    const logout = await client.docker(['logout']);
    expect(logout.exitCode, logout.stderr).toBe(0);
    expect(logout.stderr).not.toMatch(/failed to erase/i);
    // docker erases the tokens only when the refresh token it read has the <token>..<client id> shape.
    expect(client.calls()).toEqual([`get ${REFRESH} 0`, `erase ${ACCESS} 0`, `erase ${REFRESH} 0`, `erase ${HUB} 0`]);
    expect(await client.helper('list', 'unused')).toMatchObject({ stdout: '{}\n', exitCode: 0 });
  });
});

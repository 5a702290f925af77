/**
 * The escape hatch: whatever happens to tsstore, the real GnuPG (2.2) can read its store files.
 * - with the store's own private key imported into gpg;
 * - with an extra recipient added by `init --recipient FILE` (a key exported from another keyring) or
 *   `init --recipient-gpg KEYID` (exported by the helper from GNUPGHOME): that keyring alone, without
 *   the store key, decrypts credentials stored before and after;
 * - files are 0600 and folders 0700 even when the helper runs with umask 000.
 */
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HELPER_BINARY, type HelperResult, type TemporaryHome, runHelper, temporaryHome } from '../support/helper-binary.js';
import { findOnPath, haveAll } from '../support/real-components.js';
import { type GpgHome, createGpgHome } from '../support/reference-pass.js';

interface Payload {
  ServerURL: string;
  Username: string;
  Secret: string;
}

const BEFORE: Payload = { ServerURL: 'https://index.docker.io/v1/', Username: '<token>', Secret: 'eyJ0b2tlbiI6Imh1YiJ9&<>\n ✓' };
const AFTER: Payload = { ServerURL: 'registry.example.com:5000', Username: 'Jürgen', Secret: 'pä55 wörd "quoted" \\ end' };

function getOutput(payload: Payload): string {
  return `${JSON.stringify(payload).replace(/[<>&]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`;
}

/** The credential file whose armor `Comment: tsstore {...}` names `serverURL` (not relying on the file naming). */
function credentialFile(tsstoreHome: string, serverURL: string): string {
  const dir = join(tsstoreHome, 'pgp', 'credentials');
  const matches: string[] = [];
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.asc')) continue;
    const text = readFileSync(join(dir, name), 'utf8');
    const comment = /^Comment: tsstore (\{.*\})\r?$/m.exec(text.slice(0, text.search(/\r?\n\r?\n/)))?.[1];
    if (comment && (JSON.parse(comment) as { ServerURL?: unknown }).ServerURL === serverURL) matches.push(join(dir, name));
  }
  if (matches.length !== 1) throw new Error(`expected one credential file for ${serverURL}, found ${matches.length}`);
  return matches[0] as string;
}

describe.skipIf(!haveAll(['gpg', 'gpgconf', 'sh']))('GnuPG reads the pgp store (escape hatch)', () => {
  const homes: TemporaryHome[] = [];
  const gpgHomes: GpgHome[] = [];
  let teammate: GpgHome;
  let teammateFingerprint: string;

  function newStore(): TemporaryHome {
    const home = temporaryHome('tsstore-gpg-');
    home.env.TSSTORE_BACKEND = 'pgp';
    homes.push(home);
    return home;
  }

  async function newGpgHome(userID?: string): Promise<{ gpgHome: GpgHome; fingerprint: string }> {
    const gpgHome = await createGpgHome();
    gpgHomes.push(gpgHome);
    return { gpgHome, fingerprint: userID ? await gpgHome.generateKey(userID) : '' };
  }

  async function storeOk(home: TemporaryHome, payload: Payload): Promise<void> {
    expect(await runHelper(['store'], { input: JSON.stringify(payload), env: home.env })).toMatchObject({ stdout: '', exitCode: 0 });
  }

  async function decryptsTo(gpgHome: GpgHome, file: string, payload: Payload): Promise<void> {
    const decrypted = await gpgHome.gpg(['--decrypt', file]);
    expect(decrypted.exitCode, decrypted.stderr).toBe(0);
    expect(JSON.parse(decrypted.stdout)).toEqual(payload);
    // SEIPD with MDC, algorithms gpg 2.2 knows: no integrity or algorithm warnings.
    expect(decrypted.stderr).not.toMatch(/WARNING|not integrity protected|unknown/i);
  }

  async function cannotDecrypt(gpgHome: GpgHome, file: string): Promise<void> {
    const result = await gpgHome.gpg(['--decrypt', file]);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toMatch(/No secret key/);
    expect(result.stdout).toBe('');
  }

  beforeAll(async () => {
    ({ gpgHome: teammate, fingerprint: teammateFingerprint } = await newGpgHome('Teammate <teammate@example.invalid>'));
  });

  afterAll(async () => {
    for (const home of homes) home.cleanup();
    for (const gpgHome of gpgHomes) await gpgHome.cleanup();
  });

  it('gpg --import of the store key, then gpg --decrypt of a store file, prints the payload with the secret', async () => {
    const store = newStore();
    await storeOk(store, BEFORE);
    const file = credentialFile(store.env.TSSTORE_HOME ?? '', BEFORE.ServerURL);
    const armored = readFileSync(file, 'utf8');
    expect(armored.startsWith('-----BEGIN PGP MESSAGE-----\n')).toBe(true);
    expect(armored).not.toContain(BEFORE.Secret);

    const { gpgHome } = await newGpgHome();
    await cannotDecrypt(gpgHome, file); // control: an empty keyring cannot

    const imported = await gpgHome.gpg(['--import', join(store.env.TSSTORE_HOME ?? '', 'pgp', 'private-key.asc')]);
    expect(imported.exitCode, imported.stderr).toBe(0);
    expect(imported.stderr).toMatch(/secret keys imported: 1/);
    expect(await gpgHome.fingerprints({ secret: true })).toHaveLength(1);
    await decryptsTo(gpgHome, file, BEFORE);
  });

  it('init --recipient FILE: a separate keyring without the store key decrypts old and new credentials', async () => {
    const store = newStore();
    await storeOk(store, BEFORE);
    const before = credentialFile(store.env.TSSTORE_HOME ?? '', BEFORE.ServerURL);
    await cannotDecrypt(teammate, before);

    const exported = await teammate.gpg(['--armor', '--export', teammateFingerprint]);
    expect(exported.stdout).toMatch(/^-----BEGIN PGP PUBLIC KEY BLOCK-----/);
    const keyFile = join(store.home, 'teammate.asc');
    writeFileSync(keyFile, exported.stdout);

    const init = await runHelper(['init', '--recipient', keyFile, '--no-docker-config'], { env: store.env });
    expect(init.exitCode, init.stdout + init.stderr).toBe(0);
    const recipients = readdirSync(join(store.env.TSSTORE_HOME ?? '', 'pgp', 'recipients')).map((name) => name.toUpperCase());
    expect(recipients).toContain(`${teammateFingerprint}.ASC`);

    await storeOk(store, AFTER);
    // The teammate's keyring holds only the teammate's own secret key, never the store's.
    expect(await teammate.fingerprints({ secret: true })).toEqual([teammateFingerprint]);
    await decryptsTo(teammate, credentialFile(store.env.TSSTORE_HOME ?? '', BEFORE.ServerURL), BEFORE);
    await decryptsTo(teammate, credentialFile(store.env.TSSTORE_HOME ?? '', AFTER.ServerURL), AFTER);

    // The store key still reads everything.
    expect(await runHelper(['get'], { input: BEFORE.ServerURL, env: store.env })).toMatchObject({ stdout: getOutput(BEFORE), exitCode: 0 });
    expect(await runHelper(['get'], { input: AFTER.ServerURL, env: store.env })).toMatchObject({ stdout: getOutput(AFTER), exitCode: 0 });
  });

  it('init --recipient <(gpg --armor --export KEY): a pipe the person names is read, as a file would be', async () => {
    const store = newStore();
    const exported = await teammate.gpg(['--armor', '--export', teammateFingerprint]);
    const keyFile = join(store.home, 'teammate.asc');
    writeFileSync(keyFile, exported.stdout);
    // bash's process substitution hands init /dev/fd/63, a pipe; the spawn's bound ends a hang as a failure.
    const init = await execa('bash', ['-c', `"$0" init --recipient <(cat "$1") --no-docker-config`, HELPER_BINARY, keyFile], {
      env: store.env,
      extendEnv: false,
      reject: false,
      timeout: 60_000,
    });
    expect(init.exitCode, String(init.stdout) + String(init.stderr)).toBe(0);
    const recipients = readdirSync(join(store.env.TSSTORE_HOME ?? '', 'pgp', 'recipients')).map((name) => name.toUpperCase());
    expect(recipients).toContain(`${teammateFingerprint}.ASC`);
  });

  it('init --recipient-gpg KEYID (exported from GNUPGHOME by the helper): that keyring decrypts old and new credentials', async () => {
    const store = newStore();
    const { gpgHome: personal, fingerprint } = await newGpgHome('Me Myself <me@example.invalid>');
    await storeOk(store, BEFORE);
    await cannotDecrypt(personal, credentialFile(store.env.TSSTORE_HOME ?? '', BEFORE.ServerURL));

    const withGpg = { ...store.env, GNUPGHOME: personal.gnupgHome };
    const init = await runHelper(['init', '--recipient-gpg', fingerprint, '--no-docker-config'], { env: withGpg });
    expect(init.exitCode, init.stdout + init.stderr).toBe(0);
    const recipients = readdirSync(join(store.env.TSSTORE_HOME ?? '', 'pgp', 'recipients')).map((name) => name.toUpperCase());
    expect(recipients).toContain(`${fingerprint}.ASC`);

    await storeOk(store, AFTER);
    expect(await personal.fingerprints({ secret: true })).toEqual([fingerprint]);
    await decryptsTo(personal, credentialFile(store.env.TSSTORE_HOME ?? '', BEFORE.ServerURL), BEFORE);
    await decryptsTo(personal, credentialFile(store.env.TSSTORE_HOME ?? '', AFTER.ServerURL), AFTER);

    expect(await runHelper(['get'], { input: BEFORE.ServerURL, env: store.env })).toMatchObject({ stdout: getOutput(BEFORE), exitCode: 0 });
    expect(await runHelper(['get'], { input: AFTER.ServerURL, env: store.env })).toMatchObject({ stdout: getOutput(AFTER), exitCode: 0 });
    expect(await runHelper(['list'], { input: 'unused', env: store.env })).toMatchObject({
      stdout: '{"https://index.docker.io/v1/":"\\u003ctoken\\u003e","registry.example.com:5000":"Jürgen"}\n',
      exitCode: 0,
    });
  });

  it('init --recipient-gpg with a key GNUPGHOME does not have fails, names the key, and changes nothing', async () => {
    const store = newStore();
    await storeOk(store, BEFORE);
    const { gpgHome: empty } = await newGpgHome();
    const init = await runHelper(['init', '--recipient-gpg', teammateFingerprint, '--no-docker-config'], {
      env: { ...store.env, GNUPGHOME: empty.gnupgHome },
    });
    expect(init.exitCode).toBe(1);
    expect(init.stdout + init.stderr).toContain(teammateFingerprint);
    expect(readdirSync(join(store.env.TSSTORE_HOME ?? '', 'pgp', 'recipients')).filter((name) => name.endsWith('.asc'))).toHaveLength(0);
    expect(await runHelper(['get'], { input: BEFORE.ServerURL, env: store.env })).toMatchObject({ stdout: getOutput(BEFORE), exitCode: 0 });
  });

  it('files are 0600 and folders 0700 even when the helper runs with umask 000', async () => {
    const store = newStore();
    const sh = findOnPath('sh') ?? '/bin/sh';
    const withUmask0 = (args: string[], input = ''): Promise<HelperResult> =>
      runHelper(['-c', 'umask 000; exec "$0" "$@"', HELPER_BINARY, ...args], { binary: sh, env: store.env, input });

    // Control: the wrapper really gives the helper umask 000.
    const umask = await runHelper(['-c', 'umask 000; exec "$0" "$@"', sh, '-c', 'umask'], { binary: sh, env: store.env });
    expect(umask.stdout.trim()).toMatch(/^0+$/);

    const exported = await teammate.gpg(['--armor', '--export', teammateFingerprint]);
    const keyFile = join(store.home, 'teammate.asc');
    writeFileSync(keyFile, exported.stdout);

    expect((await withUmask0(['store'], JSON.stringify(BEFORE))).exitCode).toBe(0); // first use: key, folders, settings
    expect((await withUmask0(['init', '--recipient', keyFile, '--no-docker-config'])).exitCode).toBe(0); // re-encrypts
    expect((await withUmask0(['store'], JSON.stringify(AFTER))).exitCode).toBe(0);
    expect((await withUmask0(['store'], JSON.stringify({ ...BEFORE, Secret: 'replaced' }))).exitCode).toBe(0);
    expect((await withUmask0(['store'], JSON.stringify({ ServerURL: 'gone.example', Username: 'u', Secret: 's' }))).exitCode).toBe(0);
    expect((await withUmask0(['erase'], 'gone.example')).exitCode).toBe(0);

    const root = store.env.TSSTORE_HOME ?? '';
    const found: Array<{ path: string; mode: string; directory: boolean }> = [];
    const walk = (path: string): void => {
      const stat = statSync(path);
      found.push({ path, mode: (stat.mode & 0o777).toString(8), directory: stat.isDirectory() });
      if (stat.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
    };
    walk(root);
    const files = found.filter((entry) => !entry.directory);
    // private key, settings, the recipient's key, two credentials at least
    expect(files.length).toBeGreaterThanOrEqual(5);
    expect(files.map((entry) => entry.path)).toContain(join(root, 'pgp', 'private-key.asc'));
    for (const entry of found) expect(`${entry.path} ${entry.mode}`).toBe(`${entry.path} ${entry.directory ? '700' : '600'}`);

    expect(await runHelper(['get'], { input: BEFORE.ServerURL, env: store.env })).toMatchObject({
      stdout: getOutput({ ...BEFORE, Secret: 'replaced' }),
      exitCode: 0,
    });
  });

  // Known limitation: openpgp.js writes SHA3 hash preferences into the key's self-signature, which gpg 2.2
  // does not know, so `gpg --import` warns about "preferences for unavailable algorithms". The import
  // succeeds and decryption is clean; this test pins down that the warning is only that one (README).
  it('gpg 2.2 imports the store key; its only warning is about SHA3 preferences', async () => {
    const store = newStore();
    await storeOk(store, AFTER);
    const { gpgHome } = await newGpgHome();
    const imported = await gpgHome.gpg(['--import', join(store.env.TSSTORE_HOME ?? '', 'pgp', 'private-key.asc')]);
    expect(imported.exitCode).toBe(0);
    const warnings = imported.stderr.split('\n').filter((line) => /WARNING/.test(line));
    for (const warning of warnings) expect(warning).toMatch(/preferences for unavailable|strongly suggested that you update your preferences/);
  });
});

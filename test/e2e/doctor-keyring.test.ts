/**
 * doctor on a machine whose logins live in the keyring (a real gnome-keyring in a private D-Bus session):
 * the backup of config.json goes to the keyring, no OpenPGP key is made for it, and a locked keyring gets
 * advice that works for a keyring (never `docker-credential-tsstore unlock`, which refuses keyring stores).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HELPER_BINARY } from '../support/helper-binary.js';
import { haveAll } from '../support/real-components.js';
import { createGpgHome } from '../support/reference-pass.js';
import { SECRET_SERVICE_PROGRAMS, KeyringDaemonPause, type SecretServiceSession, startSecretService } from '../support/secret-service.js';

const haveSecretService = haveAll([...SECRET_SERVICE_PROGRAMS]);
const b64 = (text: string) => Buffer.from(text).toString('base64');

/** Every path under `root` (folders end in /). */
function allPaths(root: string, prefix = ''): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(join(root, prefix), { withFileTypes: true }).flatMap((entry) => {
    const relative = join(prefix, entry.name);
    return entry.isDirectory() ? [`${relative}/`, ...allPaths(root, relative)] : [relative];
  });
}

/** A fresh tsstore home and docker config in the session, with tsstore on PATH as docker would run it. */
function machine(session: SecretServiceSession, prefix: string) {
  const root = mkdtempSync(join(session.home, `${prefix}-`));
  const name = basename(root);
  const bin = join(root, 'bin');
  mkdirSync(bin, { recursive: true });
  symlinkSync(HELPER_BINARY, join(bin, 'docker-credential-tsstore'));
  const env = { TSSTORE_HOME: join(root, 'tsstore'), DOCKER_CONFIG: join(root, '.docker'), PATH: `${bin}:${session.env.PATH}` };
  mkdirSync(env.DOCKER_CONFIG, { mode: 0o700 });
  const configFile = join(env.DOCKER_CONFIG, 'config.json');
  const password = `pw-${name}`;
  const configText = `{\n\t"auths": {\n\t\t"reg-${name}.example:5000": {\n\t\t\t"auth": "${b64(`alice:${password}`)}"\n\t\t}\n\t},\n\t"x-keep": true\n}\n`;
  writeFileSync(configFile, configText, { mode: 0o600 });
  return { root, env, configFile, configText, password, registry: `reg-${name}.example:5000` };
}

describe.skipIf(!haveSecretService)('doctor with the keyring backend: an unlocked gnome-keyring', { retry: 2 }, () => {
  let session: SecretServiceSession;
  beforeAll(async () => {
    session = await startSecretService();
  });
  afterAll(async () => {
    await session?.stop();
  });

  // [title, set-up, settings.json afterwards]
  const cases: Array<[string, (m: ReturnType<typeof machine>) => Record<string, string>, string[]]> = [
    ['TSSTORE_BACKEND=keyring', (m) => ({ ...m.env, TSSTORE_BACKEND: 'keyring' }), []],
    [
      'settings.json says keyring',
      (m) => {
        mkdirSync(m.env.TSSTORE_HOME);
        writeFileSync(join(m.env.TSSTORE_HOME, 'settings.json'), '{"backend": "keyring"}\n');
        return m.env;
      },
      ['settings.json'],
    ],
    ['nothing set up yet (the first store picks the keyring)', (m) => m.env, ['settings.json']],
  ];

  for (const [index, [title, setUp, settings]] of cases.entries()) {
    it(`${title}: doctor --fix plaintext-credentials keeps the backup in the keyring and makes no OpenPGP key`, async () => {
      const m = machine(session, `case-${index}`);
      const env = setUp(m);
      const result = await session.run(['doctor', '--fix', 'plaintext-credentials'], '', env);
      expect(result.stdout).toContain(`moved 1 login(s) into tsstore and removed them from ${m.configFile}: ${m.registry}`);
      expect(result.exitCode, result.stdout + result.stderr).toBe(0);
      // No pgp store, no key, no backup file: tsstore's folder holds its settings at most.
      expect(allPaths(m.env.TSSTORE_HOME)).toEqual(settings);
      if (settings.length > 0) expect(JSON.parse(readFileSync(join(m.env.TSSTORE_HOME, 'settings.json'), 'utf8'))).toEqual({ backend: 'keyring' });
      expect(allPaths(m.root).filter((path) => path.endsWith('.asc'))).toEqual([]);

      const backups = (await session.searchItems({ service: 'tsstore-backup' })).filter((item) => item.attributes.path === m.configFile);
      expect(backups).toHaveLength(1);
      const account = backups[0]?.attributes.username ?? '';
      expect(account).toMatch(/^config\.json\.\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z$/);
      expect(backups[0]?.label).toMatch(new RegExp(`^tsstore backup of ${m.configFile} taken \\d{4}-`));
      // The command the README names reads it back, byte for byte.
      const lookup = await session.exec('secret-tool', ['lookup', 'service', 'tsstore-backup', 'username', account]);
      expect(lookup.exitCode, lookup.stderr).toBe(0);
      expect(lookup.stdout).toBe(m.configText);

      // The login itself moved into tsstore's items; list shows it and never a backup.
      const got = await session.run(['get'], m.registry, env);
      expect(JSON.parse(got.stdout)).toEqual({ ServerURL: m.registry, Username: 'alice', Secret: m.password });
      const listed = JSON.parse((await session.run(['list'], 'unused', env)).stdout) as Record<string, string>;
      expect(Object.keys(listed).some((key) => key.startsWith('config.json'))).toBe(false);
      expect(readFileSync(m.configFile, 'utf8')).not.toContain(b64(`alice:${m.password}`));
    });
  }
});

describe.skipIf(!haveAll([...SECRET_SERVICE_PROGRAMS, 'gpg']))('doctor with the pgp backend next to a keyring', { retry: 2 }, () => {
  let session: SecretServiceSession;
  beforeAll(async () => {
    session = await startSecretService();
  });
  afterAll(async () => {
    await session?.stop();
  });

  it('the backup stays an OpenPGP file in backups/ that gpg decrypts with the store key, and nothing goes to the keyring', async () => {
    const m = machine(session, 'pgp');
    const env = { ...m.env, TSSTORE_BACKEND: 'pgp' };
    const result = await session.run(['doctor', '--fix', 'plaintext-credentials'], '', env);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    const files = readdirSync(join(m.env.TSSTORE_HOME, 'backups'));
    expect(files).toEqual([expect.stringMatching(/^config\.json\.\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z\.asc$/)]);
    const gpg = await createGpgHome('tsstore-doctor-backup-');
    try {
      expect((await gpg.gpg(['--batch', '--import', join(m.env.TSSTORE_HOME, 'pgp', 'private-key.asc')])).exitCode).toBe(0);
      const decrypted = await gpg.gpg(['--batch', '--decrypt', join(m.env.TSSTORE_HOME, 'backups', files[0] as string)]);
      expect(decrypted.stdout).toBe(m.configText);
    } finally {
      await gpg.cleanup();
    }
    expect((await session.searchItems({ service: 'tsstore-backup' })).filter((item) => item.attributes.path === m.configFile)).toEqual([]);
  });
});

describe.skipIf(!haveSecretService)('doctor with the keyring backend: a locked collection', { retry: 2 }, () => {
  let session: SecretServiceSession;
  beforeAll(async () => {
    session = await startSecretService();
    const stored = await session.run(['store'], JSON.stringify({ ServerURL: 'locked.example', Username: 'u', Secret: 's' }), { TSSTORE_BACKEND: 'keyring' });
    expect(stored.exitCode).toBe(0);
    await session.lock();
    expect(await session.isLocked()).toBe(true);
  });
  afterAll(async () => {
    await session?.stop();
  });

  it('doctor backend says how to unlock the keyring, never docker-credential-tsstore unlock', async () => {
    for (const env of [{ TSSTORE_BACKEND: 'keyring' }, {}]) {
      if (!('TSSTORE_BACKEND' in env)) {
        mkdirSync(session.env.TSSTORE_HOME as string, { recursive: true });
        writeFileSync(join(session.env.TSSTORE_HOME as string, 'settings.json'), '{"backend": "keyring"}\n');
      }
      const result = await session.run(['doctor', 'backend'], '', env);
      expect(result.exitCode).toBe(1);
      expect(result.stdout).toContain(
        'reading the store failed: the keyring is locked (Secret Service collection "Login"): unlock it (log in to your desktop session, or unlock it in Passwords and Keys / seahorse) and try again',
      );
      expect(result.stdout).not.toContain('docker-credential-tsstore unlock');
    }
  });

  it('doctor --fix plaintext-credentials changes nothing and makes no OpenPGP key', async () => {
    const m = machine(session, 'locked-fix');
    const result = await session.run(['doctor', '--fix', 'plaintext-credentials'], '', { ...m.env, TSSTORE_BACKEND: 'keyring' });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).not.toContain('docker-credential-tsstore unlock');
    expect(readFileSync(m.configFile, 'utf8')).toBe(m.configText);
    expect(existsSync(join(m.env.TSSTORE_HOME, 'pgp'))).toBe(false);
    expect(allPaths(m.root).filter((path) => path.endsWith('.asc'))).toEqual([]);
  });
});

describe.skipIf(!haveSecretService)('doctor with the keyring backend: a Secret Service that stopped answering (SIGSTOP)', () => {
  let session: SecretServiceSession;
  let pause: KeyringDaemonPause | undefined;
  beforeAll(async () => {
    session = await startSecretService({ prefix: 'tsstore-doctor-stopped-' });
  });
  afterAll(async () => {
    pause?.resume();
    await session?.stop();
  });

  it('doctor --fix, whose backup of config.json goes to the keyring, ends with the reason and changes nothing', async () => {
    // The backup is written before config.json is: the Secret Service's silence must end it, bounded,
    // and never reach the keyring library (it has no timeout and would wait for ever).
    const m = machine(session, 'stopped');
    const env = { ...m.env, TSSTORE_BACKEND: 'keyring' };
    const configText = '{\n\t"credsStore": "desktop",\n\t"x-keep": true\n}\n';
    writeFileSync(m.configFile, configText, { mode: 0o600 });
    expect((await session.run(['store'], JSON.stringify({ ServerURL: 'up.example', Username: 'u', Secret: 's' }), env)).exitCode).toBe(0);
    pause = new KeyringDaemonPause(session.home);
    expect(pause.stop()).toBeGreaterThan(0);

    const started = Date.now();
    const result = await execa(HELPER_BINARY, ['doctor', '--fix', 'creds-store'], { env: { ...session.env, ...env }, extendEnv: false, reject: false, timeout: 60_000, input: '' });
    expect(result.timedOut, `${result.stdout}${result.stderr}`).toBe(false);
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(result.stdout).toMatch(/\n {4}the fix failed: the Secret Service on the D-Bus session bus at \S+ does not answer \(org\.freedesktop\.secrets did not answer \w+ in time\): restart your keyring/);
    expect(result.stdout).toContain('1 problem left.');
    expect(result.exitCode).not.toBe(0);
    expect(readFileSync(m.configFile, 'utf8')).toBe(configText);
    // The addon (the library, which has no timeout of its own) was never unpacked.
    expect(readdirSync(session.env.TMPDIR as string).filter((name) => name.endsWith('.node'))).toEqual([]);

    pause.resume();
  });
});

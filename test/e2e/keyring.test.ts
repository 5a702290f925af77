/**
 * The keyring backend on the built single file, against a real Secret Service (gnome-keyring under a
 * private D-Bus session). Every item is checked over D-Bus with secret-tool and dbus-send, never
 * through tsstore's own code.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HELPER_BINARY, PROJECT_ROOT } from '../support/helper-binary.js';
import { findOnPath, haveAll } from '../support/real-components.js';
import { SECRET_SERVICE_PROGRAMS, type SecretServiceSession, startSecretService } from '../support/secret-service.js';
import { snapshotTree } from '../support/tree-snapshot.js';

const NOT_FOUND = 'credentials not found in native keychain\n';
const LOCKED_LINE =
  'the keyring is locked (Secret Service collection "Login"): unlock it (log in to your desktop session, or unlock it in Passwords and Keys / seahorse) and try again\n';
const NO_BUS_LINE =
  'the keyring backend needs the Secret Service over D-Bus, and there is no D-Bus session bus here (DBUS_SESSION_BUS_ADDRESS is not set): run it in your desktop session, or start a keyring (dbus-run-session, then gnome-keyring-daemon --unlock), or use the pgp backend instead: docker-credential-tsstore init --backend pgp (or TSSTORE_BACKEND=pgp)\n';

const login = (serverURL: string, username: string, secret: string) => JSON.stringify({ ServerURL: serverURL, Username: username, Secret: secret });
const keyringOnly = { TSSTORE_BACKEND: 'keyring' };

/** Our items as the Secret Service itself shows them (secret-tool over D-Bus): server URL -> item. */
async function ourItems(session: SecretServiceSession): Promise<Map<string, { username: string; secret: string }>> {
  const items = await session.searchItems({ service: 'tsstore' });
  const result = new Map<string, { username: string; secret: string }>();
  for (const item of items) {
    const serverURL = item.attributes.username ?? '';
    expect(result.has(serverURL), `one item per server URL (${serverURL})`).toBe(false);
    const payload = JSON.parse(item.secret) as { tsstore: number; Username: string; Secret: string };
    expect(payload.tsstore).toBe(1);
    result.set(serverURL, { username: payload.Username, secret: payload.Secret });
  }
  return result;
}

/** Lines of /proc/keys (the kernel keyutils keys this user can see) that name tsstore. */
function keyutilsLines(marker: string): string[] {
  return readFileSync('/proc/keys', 'utf8')
    .split('\n')
    .filter((line) => line.includes(marker));
}

const haveSecretService = haveAll([...SECRET_SERVICE_PROGRAMS]);

describe.skipIf(!haveSecretService)('keyring backend: an unlocked gnome-keyring', { retry: 2 }, () => {
  let session: SecretServiceSession;
  beforeAll(async () => {
    session = await startSecretService();
  });
  afterAll(async () => {
    await session?.stop();
  });

  it('first use with nothing set up: reads write nothing, the first store picks the keyring and records it', async () => {
    const before = snapshotTree(session.env.TSSTORE_HOME as string);
    expect(await session.run(['list'], 'unused')).toEqual({ stdout: '{}\n', stderr: '', exitCode: 0 });
    expect(await session.run(['get'], 'first.example')).toEqual({ stdout: NOT_FOUND, stderr: '', exitCode: 1 });
    expect(snapshotTree(session.env.TSSTORE_HOME as string)).toEqual(before);
    expect(await ourItems(session)).toEqual(new Map());

    const stored = await session.run(['store'], login('first.example', 'alice', 'first-secret'));
    expect(stored.stdout).toBe('');
    expect(stored.exitCode).toBe(0);
    expect(stored.stderr).toMatch(/^tsstore: keeping credentials in the OS keyring \(the Secret Service answers, collection "Login" is unlocked\); recorded in \S+settings\.json\n$/);
    expect(JSON.parse(readFileSync(join(session.env.TSSTORE_HOME as string, 'settings.json'), 'utf8'))).toEqual({ backend: 'keyring' });
    // Nothing of the pgp store: no key, no folder.
    expect(readdirSync(session.env.TSSTORE_HOME as string)).toEqual(['settings.json']);
    expect(await ourItems(session)).toEqual(new Map([['first.example', { username: 'alice', secret: 'first-secret' }]]));

    // Later runs use the recorded choice, quietly.
    expect(await session.run(['get'], 'first.example')).toEqual({
      stdout: '{"ServerURL":"first.example","Username":"alice","Secret":"first-secret"}\n',
      stderr: '',
      exitCode: 0,
    });
    const info = await session.run(['info']);
    expect(info.exitCode).toBe(0);
    expect(info.stdout).toMatch(/^backend: +keyring\n/);
    expect(info.stdout).toContain('collection:   "Login" (/org/freedesktop/secrets/collection/login), unlocked\n');
    expect(info.stdout).toContain('credentials:  1\n');
  });

  it('round trip: the item is in the Secret Service, under service "tsstore", and get returns it byte for byte', async () => {
    const secret = 'p@ss "quoted" \\ ünï <&> 🔑';
    expect(await session.run(['store'], login('round.example:5000', '<token>', secret), keyringOnly)).toEqual({ stdout: '', stderr: '', exitCode: 0 });
    const items = await session.searchItems({ service: 'tsstore', username: 'round.example:5000' });
    expect(items).toHaveLength(1);
    expect(items[0]?.attributes).toMatchObject({ service: 'tsstore', username: 'round.example:5000' });
    expect(JSON.parse(items[0]?.secret ?? '')).toEqual({ tsstore: 1, Username: '<token>', Secret: secret });
    const got = await session.run(['get'], 'round.example:5000', keyringOnly);
    expect(got.exitCode).toBe(0);
    expect(JSON.parse(got.stdout)).toEqual({ ServerURL: 'round.example:5000', Username: '<token>', Secret: secret });
  });

  it('lists 45 registries, and every key it lists answers get', async () => {
    const expected = new Map<string, string>();
    for (let index = 0; index < 45; index++) {
      const serverURL = `registry-${index}.example:${5000 + index}`;
      expected.set(serverURL, `user-${index}`);
      const stored = await session.run(['store'], login(serverURL, `user-${index}`, `secret-${index}`), keyringOnly);
      expect(stored).toEqual({ stdout: '', stderr: '', exitCode: 0 });
    }
    const listed = await session.run(['list'], 'unused', keyringOnly);
    expect(listed.exitCode).toBe(0);
    const accounts = JSON.parse(listed.stdout) as Record<string, string>;
    for (const [serverURL, username] of expected) expect(accounts[serverURL]).toBe(username);
    // list is exactly what the Secret Service holds for us.
    const items = await ourItems(session);
    expect(Object.keys(accounts).sort()).toEqual([...items.keys()].sort());
    for (const serverURL of Object.keys(accounts)) {
      const got = await session.run(['get'], serverURL, keyringOnly);
      expect(got.exitCode, serverURL).toBe(0);
      expect((JSON.parse(got.stdout) as { Username: string }).Username).toBe(accounts[serverURL]);
    }
  });

  it('a miss (docker tries up to seven spellings), a hit and list are answered over D-Bus alone, without unpacking the addon', async () => {
    // Loading the addon needs a TMPDIR to copy it into (and leaves nothing there): with none, every
    // command below that loaded it would fail. The control is in the locked collection's describe.
    const noTmp = join(session.home, 'no-tmp-for-miss');
    const env = { ...keyringOnly, TMPDIR: noTmp };
    expect(await session.run(['get'], 'https://never-stored.example/', env)).toEqual({ stdout: NOT_FOUND, stderr: '', exitCode: 1 });
    expect(await session.run(['erase'], 'never-stored.example', env)).toEqual({ stdout: NOT_FOUND, stderr: '', exitCode: 1 });
    expect(existsSync(noTmp)).toBe(false);
    // A hit reads the item over tsstore's own encrypted Secret Service session, byte for byte.
    const secret = `ünï "q" \\ 🔑 ${'x'.repeat(5000)}`;
    expect((await session.run(['store'], login('direct.example', 'dïrect', secret), keyringOnly)).exitCode).toBe(0);
    expect(await session.run(['get'], 'direct.example', env)).toEqual({
      stdout: `${JSON.stringify({ ServerURL: 'direct.example', Username: 'dïrect', Secret: secret })}\n`,
      stderr: '',
      exitCode: 0,
    });
    const listed = await session.run(['list'], 'unused', env);
    expect(listed.exitCode).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject({ 'direct.example': 'dïrect' });
    expect(existsSync(noTmp)).toBe(false);
    // A store (new and replacing) and an erase of a plain item go over D-Bus alone too.
    expect(await session.run(['store'], login('direct-new.example', 'n', secret), env)).toEqual({ stdout: '', stderr: '', exitCode: 0 });
    expect(await session.run(['store'], login('direct.example', 'dïrect2', secret), env)).toEqual({ stdout: '', stderr: '', exitCode: 0 });
    expect(await session.run(['erase'], 'direct-new.example', env)).toEqual({ stdout: '', stderr: '', exitCode: 0 });
    expect(existsSync(noTmp)).toBe(false);
    expect((await ourItems(session)).get('direct.example')).toEqual({ username: 'dïrect2', secret });
    expect((await ourItems(session)).has('direct-new.example')).toBe(false);
  });

  it('store writes what the library reads byte for byte; it replaces and erase removes what the library wrote', async () => {
    const library = async (...args: string[]): Promise<unknown> => {
      const script = `const k = require('@napi-rs/keyring');
        const opts = { linux: { store: 'secret-service' } };
        const [op, account, value] = process.argv.slice(1);
        if (op === 'get') process.stdout.write(JSON.stringify(new k.Entry('tsstore', account, opts).getPassword()));
        else if (op === 'set') new k.Entry('tsstore', account, opts).setPassword(value);
        else process.stdout.write(JSON.stringify(k.findCredentials('tsstore')));`;
      const result = await execa(process.execPath, ['-e', script, ...args], {
        cwd: PROJECT_ROOT,
        env: { PATH: process.env.PATH ?? '', DBUS_SESSION_BUS_ADDRESS: session.address },
        extendEnv: false,
        reject: false,
      });
      expect(result.exitCode, String(result.stderr)).toBe(0);
      return JSON.parse(String(result.stdout) || 'null') as unknown;
    };
    const cases: Array<[string, string, string]> = [
      ['ours-plain.example', 'alice', 'p4ss'],
      ['ours-unicode.example:5000', 'ünï 用户', 'pä$$ "q" \\ e\u0301 🔑 <&> \t\n'],
      ['https://ours-long.example/v1/', '<token>', `eyJ${'ẞ🔑xyz0123456789'.repeat(2_000)}`],
    ];
    for (const [serverURL, username, secret] of cases) {
      expect(await session.run(['store'], login(serverURL, username, secret), keyringOnly)).toEqual({ stdout: '', stderr: '', exitCode: 0 });
      expect(await library('get', serverURL), serverURL).toBe(JSON.stringify({ tsstore: 1, Username: username, Secret: secret }));
      // What docker reads (the output escapes <, & and > as Go's encoder does: compare the values).
      const got = await session.run(['get'], serverURL, keyringOnly);
      expect(got.exitCode, serverURL).toBe(0);
      expect(JSON.parse(got.stdout), serverURL).toEqual({ ServerURL: serverURL, Username: username, Secret: secret });
    }
    const listed = (await library('list')) as Array<{ account: string }>;
    for (const [serverURL] of cases) expect(listed.some((entry) => entry.account === serverURL), serverURL).toBe(true);
    // Written by the library: replaced by our store (one item afterwards), removed by our erase.
    await library('set', 'lib-written.example', JSON.stringify({ tsstore: 1, Username: 'old', Secret: 'old' }));
    expect(await session.run(['store'], login('lib-written.example', 'new', 'nëw 🔑'), keyringOnly)).toEqual({ stdout: '', stderr: '', exitCode: 0 });
    const items = await session.searchItems({ service: 'tsstore', username: 'lib-written.example' });
    expect(items).toHaveLength(1);
    expect(items[0]?.label).toBe('keyring:lib-written.example@tsstore');
    expect(await library('get', 'lib-written.example')).toBe(JSON.stringify({ tsstore: 1, Username: 'new', Secret: 'nëw 🔑' }));
    await library('set', 'lib-erase.example', JSON.stringify({ tsstore: 1, Username: 'e', Secret: 'e' }));
    expect(await session.run(['erase'], 'lib-erase.example', keyringOnly)).toEqual({ stdout: '', stderr: '', exitCode: 0 });
    expect(await library('get', 'lib-erase.example')).toBeNull();
    expect(await session.searchItems({ service: 'tsstore', username: 'lib-erase.example' })).toEqual([]);
  });

  it('the single file on its own (copied away from node_modules, no node on PATH) carries the addon', async () => {
    const bin = join(session.home, 'bin-alone');
    mkdirSync(bin);
    const binary = join(bin, 'docker-credential-tsstore');
    copyFileSync(HELPER_BINARY, binary);
    const env = { ...keyringOnly, PATH: bin };
    expect(findOnPath('node', bin)).toBeUndefined();
    const options = { binary, cwd: bin };
    expect(await session.run(['store'], login('alone.example', 'a', 'alone-secret'), env, options)).toEqual({ stdout: '', stderr: '', exitCode: 0 });
    expect(await session.run(['get'], 'alone.example', env, options)).toEqual({
      stdout: '{"ServerURL":"alone.example","Username":"a","Secret":"alone-secret"}\n',
      stderr: '',
      exitCode: 0,
    });
    expect((await ourItems(session)).get('alone.example')).toEqual({ username: 'a', secret: 'alone-secret' });
  });

  it('a new login for the same server replaces the one item (username and secret together)', async () => {
    await session.run(['store'], login('replace.example', 'old-user', 'old-secret'), keyringOnly);
    expect(await session.run(['store'], login('replace.example', 'new-user', 'new-secret'), keyringOnly)).toEqual({ stdout: '', stderr: '', exitCode: 0 });
    const items = await session.searchItems({ service: 'tsstore', username: 'replace.example' });
    expect(items).toHaveLength(1);
    expect(JSON.parse(items[0]?.secret ?? '')).toEqual({ tsstore: 1, Username: 'new-user', Secret: 'new-secret' });
    expect((await session.run(['get'], 'replace.example', keyringOnly)).stdout).toBe(
      '{"ServerURL":"replace.example","Username":"new-user","Secret":"new-secret"}\n',
    );
    expect((JSON.parse((await session.run(['list'], 'unused', keyringOnly)).stdout) as Record<string, string>)['replace.example']).toBe('new-user');
  });

  it('erase removes exactly the one item it is given', async () => {
    for (const serverURL of ['erase-me.example', 'keep-me.example', 'https://erase-me.example']) {
      await session.run(['store'], login(serverURL, 'u', `s-${serverURL}`), keyringOnly);
    }
    const before = await ourItems(session);
    expect(await session.run(['erase'], 'erase-me.example', keyringOnly)).toEqual({ stdout: '', stderr: '', exitCode: 0 });
    const after = await ourItems(session);
    expect([...before.keys()].filter((key) => !after.has(key))).toEqual(['erase-me.example']);
    expect(after.get('keep-me.example')).toEqual({ username: 'u', secret: 's-keep-me.example' });
    expect(await session.run(['erase'], 'erase-me.example', keyringOnly)).toEqual({ stdout: NOT_FOUND, stderr: '', exitCode: 1 });
    expect((await session.run(['get'], 'keep-me.example', keyringOnly)).exitCode).toBe(0);
  });

  it('hostile server URLs are attribute values, nothing more: each its own item, no file anywhere', async () => {
    const hostile = ['../../../../tmp/escape', '/etc/passwd', '.', '..', '%2e%2e%2f', 'HOST', 'host', 'ü.example', `https://${'a'.repeat(1000)}`, '~', '-rf', 'a@b:c', '*', "'; rm -rf / #", 'x'.repeat(1024)];
    const home = session.env.TSSTORE_HOME as string;
    const filesBefore = snapshotTree(home);
    for (const [index, serverURL] of hostile.entries()) {
      expect(await session.run(['store'], login(serverURL, `user${index}`, `s${index}`), keyringOnly)).toEqual({ stdout: '', stderr: '', exitCode: 0 });
    }
    const items = await ourItems(session);
    for (const [index, serverURL] of hostile.entries()) {
      expect(items.get(serverURL), serverURL).toEqual({ username: `user${index}`, secret: `s${index}` });
      const got = await session.run(['get'], serverURL, keyringOnly);
      expect(JSON.parse(got.stdout)).toEqual({ ServerURL: serverURL, Username: `user${index}`, Secret: `s${index}` });
    }
    expect(existsSync('/tmp/escape')).toBe(false);
    expect(snapshotTree(home)).toEqual(filesBefore);
    // Keys are exact (HOST and host are two items), and erase removes only the exact key.
    expect(await session.run(['erase'], 'HOST', keyringOnly)).toEqual({ stdout: '', stderr: '', exitCode: 0 });
    const after = await ourItems(session);
    expect(after.has('HOST')).toBe(false);
    expect(after.get('host')).toEqual({ username: `user${hostile.indexOf('host')}`, secret: `s${hostile.indexOf('host')}` });
  });

  it('an item of service "tsstore" that tsstore did not write: get says so, list skips it', async () => {
    const stored = await session.exec('secret-tool', ['store', '--label=foreign', 'service', 'tsstore', 'username', 'foreign.example'], 'not json');
    expect(stored.exitCode).toBe(0);
    const got = await session.run(['get'], 'foreign.example', keyringOnly);
    expect(got.exitCode).toBe(1);
    expect(got.stdout).toMatch(/^the keyring item for foreign\.example \(service "tsstore"\) was not written by tsstore; remove it .*\n$/);
    const listed = JSON.parse((await session.run(['list'], 'unused', keyringOnly)).stdout) as Record<string, string>;
    expect(Object.keys(listed)).not.toContain('foreign.example');
    expect(Object.keys(listed).length).toBeGreaterThan(0);
    await session.exec('secret-tool', ['clear', 'service', 'tsstore', 'username', 'foreign.example']);
  });

  it('a bus at $XDG_RUNTIME_DIR/bus with no DBUS_SESSION_BUS_ADDRESS: says how to export it (libdbus, in the library, reads only the variable)', async () => {
    const runtimeDir = join(session.home, 'runtime');
    mkdirSync(runtimeDir, { mode: 0o700 });
    const socket = /^unix:path=([^,]+)/.exec(session.address)?.[1];
    expect(socket).toBeDefined();
    symlinkSync(socket as string, join(runtimeDir, 'bus'));
    const env = { ...keyringOnly, DBUS_SESSION_BUS_ADDRESS: undefined, XDG_RUNTIME_DIR: runtimeDir };
    const refused = await session.run(['store'], login('runtime-dir.example', 'r', 'rs'), env);
    expect(refused.exitCode).toBe(1);
    expect(refused.stdout).toContain(
      `(DBUS_SESSION_BUS_ADDRESS is not set, though a bus listens at ${runtimeDir}/bus: export DBUS_SESSION_BUS_ADDRESS=unix:path=${runtimeDir}/bus)`,
    );
    const exported = { ...env, DBUS_SESSION_BUS_ADDRESS: `unix:path=${runtimeDir}/bus` };
    expect(await session.run(['store'], login('runtime-dir.example', 'r', 'rs'), exported)).toEqual({ stdout: '', stderr: '', exitCode: 0 });
    expect((await ourItems(session)).get('runtime-dir.example')).toEqual({ username: 'r', secret: 'rs' });
  });

  it('never switches silently: a recorded pgp choice stays pgp when a keyring is there', async () => {
    const pgpHome = join(session.home, 'pgp-user');
    const env = { TSSTORE_HOME: pgpHome };
    mkdirSync(pgpHome);
    writeFileSync(join(pgpHome, 'settings.json'), '{"backend": "pgp"}\n');
    const stored = await session.run(['store'], login('stays-pgp.example', 'p', 'ps'), env);
    expect(stored.exitCode).toBe(0);
    expect(stored.stderr).toMatch(/created a new OpenPGP store key/);
    expect(readdirSync(join(pgpHome, 'pgp', 'credentials'))).toHaveLength(1);
    expect((await ourItems(session)).has('stays-pgp.example')).toBe(false);
  });
});

describe.skipIf(!haveSecretService)('keyring backend: a collection locked with the Secret Service\'s own Lock method', { retry: 2 }, () => {
  let session: SecretServiceSession;
  beforeAll(async () => {
    session = await startSecretService();
    for (const serverURL of ['locked-a.example', 'locked-b.example']) {
      expect(await session.run(['store'], login(serverURL, 'u', `s-${serverURL}`), keyringOnly)).toEqual({ stdout: '', stderr: '', exitCode: 0 });
    }
    expect(await session.isLocked()).toBe(false);
    await session.lock();
    expect(await session.isLocked()).toBe(true);
  });
  afterAll(async () => {
    await session?.stop();
  });

  it('get of a stored server, get of an unknown one, list, store and erase: the locked line, never not-found', async () => {
    const attempts: Array<[string, string]> = [
      ['get', 'locked-a.example'],
      ['get', 'never-stored.example'],
      ['list', 'unused'],
      ['store', login('locked-c.example', 'u', 's')],
      ['erase', 'locked-b.example'],
      ['erase', 'never-stored.example'],
    ];
    for (const [verb, input] of attempts) {
      const result = await session.run([verb], input, keyringOnly);
      expect(result, `${verb} ${input.slice(0, 40)}`).toEqual({ stdout: LOCKED_LINE, stderr: '', exitCode: 1 });
    }
    // Nothing changed in the keyring: both items are still there (attributes are visible while locked).
    const items = await session.searchItems({ service: 'tsstore' });
    expect(items.map((item) => item.attributes.username).sort()).toEqual(['locked-a.example', 'locked-b.example']);
    expect(await session.isLocked()).toBe(true);
  });

  it('control: a store in a locked collection still needs the library, which needs a TMPDIR and leaves nothing there', async () => {
    const noTmp = join(session.home, 'no-tmp-locked');
    const refused = await session.run(['store'], login('locked-d.example', 'u', 's'), { ...keyringOnly, TMPDIR: noTmp });
    expect(refused.stdout).toMatch(/^cannot load the keyring library: this single-file build unpacks it into the temporary folder \S+ \(TMPDIR\), and it does not exist;/);
    const freshTmp = join(session.home, 'fresh-tmp-locked');
    mkdirSync(freshTmp);
    const result = await session.run(['store'], login('locked-d.example', 'u', 's'), { ...keyringOnly, TMPDIR: freshTmp });
    expect(result).toEqual({ stdout: LOCKED_LINE, stderr: '', exitCode: 1 });
    expect(readdirSync(freshTmp)).toEqual([]);
  });

  it('info shows the lock and counts the items without unlocking', async () => {
    const info = await session.run(['info'], '', keyringOnly);
    expect(info.exitCode).toBe(0);
    expect(info.stdout).toContain('collection:   "Login" (/org/freedesktop/secrets/collection/login), locked\n');
    expect(info.stdout).toContain('credentials:  2 (2 in a locked collection)\n');
  });

  it('a first use while the keyring is locked picks pgp, and says why in info', async () => {
    const freshHome = join(session.home, 'fresh-while-locked');
    const env = { TSSTORE_HOME: freshHome };
    const info = await session.run(['info'], '', env);
    expect(info.stdout).toMatch(/^backend: +none yet \(the first store picks pgp: the Secret Service answers, collection "Login" is locked\)\n/);
    const stored = await session.run(['store'], login('pgp-first.example', 'p', 'ps'), env);
    expect(stored.exitCode).toBe(0);
    expect(JSON.parse(readFileSync(join(freshHome, 'settings.json'), 'utf8'))).toEqual({ backend: 'pgp' });
  });
});

describe.skipIf(!haveSecretService)('keyring backend: a D-Bus session with no Secret Service', { retry: 2 }, () => {
  let session: SecretServiceSession;
  beforeAll(async () => {
    session = await startSecretService({ keyring: 'none' });
  });
  afterAll(async () => {
    await session?.stop();
  });

  it('the first store picks pgp', async () => {
    const stored = await session.run(['store'], login('no-service.example', 'u', 's'));
    expect(stored.exitCode).toBe(0);
    expect(stored.stderr).toMatch(/^tsstore: created a new OpenPGP store key/);
    expect(JSON.parse(readFileSync(join(session.env.TSSTORE_HOME as string, 'settings.json'), 'utf8'))).toEqual({ backend: 'pgp' });
  });

  it('TSSTORE_BACKEND=keyring says that nothing provides the Secret Service', async () => {
    for (const [verb, input] of [['get', 'x.example'], ['list', 'unused'], ['store', login('x.example', 'u', 's')], ['erase', 'x.example']] as const) {
      const result = await session.run([verb], input, keyringOnly);
      expect(result.exitCode, verb).toBe(1);
      expect(result.stderr).toBe('');
      expect(result.stdout).toMatch(/^the keyring backend needs the Secret Service, and nothing on the D-Bus session bus provides it \(org\.freedesktop\.DBus\.Error\.(NameHasNoOwner|ServiceUnknown): .*\): start a keyring .*init --backend pgp.*\n$/);
    }
  });
});

describe.skipIf(!haveSecretService)('keyring backend: no D-Bus session at all', { retry: 2 }, () => {
  let session: SecretServiceSession;
  const noBus = { DBUS_SESSION_BUS_ADDRESS: undefined };
  beforeAll(async () => {
    // The session is only here for its temporary HOME and TMPDIR; no command below is given its bus.
    session = await startSecretService({ keyring: 'none' });
  });
  afterAll(async () => {
    await session?.stop();
  });

  it('every verb fails at once with a line naming D-Bus and the Secret Service and what to do, before loading the addon', async () => {
    for (const [verb, input] of [['get', 'x.example'], ['list', 'unused'], ['store', login('x.example', 'u', 's')], ['erase', 'x.example']] as const) {
      const result = await session.run([verb], input, { ...noBus, ...keyringOnly });
      expect(result, verb).toEqual({ stdout: NO_BUS_LINE, stderr: '', exitCode: 1 });
    }
    // Failing before the addon was needed: bun never unpacked it into this run's TMPDIR.
    expect(readdirSync(session.env.TMPDIR as string)).toEqual([]);
  });

  it('the pgp backend and version never unpack the keyring addon', async () => {
    const home = join(session.home, 'pgp-only');
    // No TMPDIR at all: loading the addon would fail (and loading leaves nothing to see in one).
    const tmp = join(session.home, 'pgp-only-no-tmp');
    const env = { ...noBus, TSSTORE_HOME: home, TMPDIR: tmp };
    expect((await session.run(['store'], login('p.example', 'u', 's'), env)).exitCode).toBe(0);
    for (const [verb, input] of [['get', 'p.example'], ['get', 'missing.example'], ['list', 'unused'], ['erase', 'p.example'], ['version', '']] as const) {
      expect((await session.run([verb], input, env)).stderr, verb).toBe('');
    }
    expect(existsSync(tmp)).toBe(false);
  });

  it('a recorded keyring choice is not silently replaced by pgp when D-Bus is missing', async () => {
    const home = join(session.home, 'recorded-keyring');
    mkdirSync(home);
    writeFileSync(join(home, 'settings.json'), '{"backend": "keyring"}\n');
    const result = await session.run(['store'], login('x.example', 'u', 's'), { ...noBus, TSSTORE_HOME: home });
    expect(result).toEqual({ stdout: NO_BUS_LINE, stderr: '', exitCode: 1 });
    expect(readdirSync(home)).toEqual(['settings.json']);
  });

  it('the first store with nothing set up picks pgp', async () => {
    const home = join(session.home, 'no-bus-first-use');
    const stored = await session.run(['store'], login('x.example', 'u', 's'), { ...noBus, TSSTORE_HOME: home });
    expect(stored.exitCode).toBe(0);
    expect(JSON.parse(readFileSync(join(home, 'settings.json'), 'utf8'))).toEqual({ backend: 'pgp' });
  });

  it('init --backend keyring refuses, and writes nothing', async () => {
    const home = join(session.home, 'init-no-bus');
    const result = await session.run(['init', '--backend', 'keyring', '--no-docker-config'], '', { ...noBus, TSSTORE_HOME: home });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`docker-credential-tsstore: ${NO_BUS_LINE}`);
    expect(existsSync(home)).toBe(false);
  });
});

describe.skipIf(!haveSecretService)('keyring backend: nothing ever lands in the kernel keyutils keyring', { retry: 2 }, () => {
  // A bus without a Secret Service is where the library, unpinned, falls back to keyutils silently.
  let session: SecretServiceSession;
  beforeAll(async () => {
    session = await startSecretService({ keyring: 'none' });
  });
  afterAll(async () => {
    await session?.stop();
  });

  it('control: the library without the pin does fall back to keyutils there (so this check can see it)', async () => {
    const account = `keyutils-control-${process.pid}.example`;
    const script = `const { Entry } = require('@napi-rs/keyring'); try { new Entry('tsstore-control', process.argv[1]).setPassword('control-value') } catch {}`;
    await execa(process.execPath, ['-e', script, account], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '', DBUS_SESSION_BUS_ADDRESS: session.address },
      extendEnv: false,
      reject: false,
    });
    const lines = keyutilsLines(`keyring:${account}@tsstore-control`);
    expect(lines).toHaveLength(1);
    // Clean up: invalidate the key (keyctl KEYCTL_INVALIDATE, syscall 250 on x86_64) when perl is there.
    const id = lines[0]?.split(' ')[0];
    if (id && process.arch === 'x64' && findOnPath('perl')) {
      await execa('perl', ['-e', `syscall(250, 21, hex("${id}")) == 0 or die "$!"`], { reject: false });
    }
  });

  it('our keyring backend, pinned to the Secret Service: the store fails loudly and nothing is in keyutils', async () => {
    const serverURL = `keyutils-check-${process.pid}.example`;
    const stored = await session.run(['store'], login(serverURL, 'u', 's'), keyringOnly);
    expect(stored.exitCode).toBe(1);
    expect(stored.stdout).toMatch(/^the keyring backend needs the Secret Service, and nothing on the D-Bus session bus provides it/);
    const withoutBus = await session.run(['store'], login(serverURL, 'u', 's'), { ...keyringOnly, DBUS_SESSION_BUS_ADDRESS: undefined });
    expect(withoutBus).toEqual({ stdout: NO_BUS_LINE, stderr: '', exitCode: 1 });
    expect(keyutilsLines(`keyring:${serverURL}@tsstore`)).toEqual([]);
  });
});

describe.skipIf(!haveSecretService)('keyring backend: the single file cannot unpack its addon', { retry: 2 }, () => {
  let session: SecretServiceSession;
  beforeAll(async () => {
    session = await startSecretService();
  });
  afterAll(async () => {
    await session?.stop();
  });
  let notAFolder: string;
  beforeEach(() => {
    notAFolder = join(session.home, 'a-file');
    writeFileSync(notAFolder, '');
  });

  it('says that TMPDIR is the problem, not npm', async () => {
    // Get, list, store and erase of plain unlocked items go over D-Bus alone: they work with a TMPDIR the
    // addon could not use. Two items for one server (here written by secret-tool, with an extra attribute
    // each) are not plain: store and erase of that server need the library, and so the addon.
    expect((await session.run(['store'], login('x.example', 'u', 's'), keyringOnly)).exitCode).toBe(0);
    for (const extra of ['1', '2']) {
      const stored = await session.exec('secret-tool', ['store', '--label=dup', 'service', 'tsstore', 'username', 'dup.example', 'extra', extra], 'not-tsstore');
      expect(stored.exitCode, stored.stderr).toBe(0);
    }
    const cases: Array<[string, string]> = [
      [join(session.home, 'no-such-folder'), 'it does not exist'],
      [notAFolder, 'it is not a folder'],
    ];
    if (existsSync('/proc/self')) cases.push(['/proc', 'it is not writable (ENOENT)']); // even root cannot create files there
    for (const [folder, reason] of cases) {
      expect(await session.run(['get'], 'x.example', { ...keyringOnly, TMPDIR: folder }), `get with TMPDIR=${folder}`).toEqual({
        stdout: '{"ServerURL":"x.example","Username":"u","Secret":"s"}\n',
        stderr: '',
        exitCode: 0,
      });
      expect(await session.run(['list'], 'unused', { ...keyringOnly, TMPDIR: folder }), `list with TMPDIR=${folder}`).toEqual({
        stdout: '{"x.example":"u"}\n',
        stderr: '',
        exitCode: 0,
      });
      expect(await session.run(['store'], login('x.example', 'u', 's'), { ...keyringOnly, TMPDIR: folder }), `store with TMPDIR=${folder}`).toEqual({
        stdout: '',
        stderr: '',
        exitCode: 0,
      });
      for (const [verb, input] of [['store', login('dup.example', 'u', 's')], ['erase', 'dup.example']] as const) {
        const result = await session.run([verb], input, { ...keyringOnly, TMPDIR: folder });
        expect(result, `${verb} with TMPDIR=${folder}`).toEqual({
          stdout: `cannot load the keyring library: this single-file build unpacks it into the temporary folder ${folder} (TMPDIR), and ${reason}; set TMPDIR to a folder you can write to, or use the pgp backend (TSSTORE_BACKEND=pgp)\n`,
          stderr: '',
          exitCode: 1,
        });
        expect(result.stdout).not.toMatch(/npm/);
      }
    }
    // The item is still there, and with a writable TMPDIR the same commands work.
    expect((await session.searchItems({ service: 'tsstore', username: 'x.example' })).length).toBe(1);
    expect((await session.run(['get'], 'x.example', keyringOnly)).exitCode).toBe(0);
    expect((await session.run(['erase'], 'x.example', keyringOnly)).exitCode).toBe(0);
    expect((await session.searchItems({ service: 'tsstore', username: 'dup.example' })).length).toBe(2);
  });
});

describe.skipIf(!haveSecretService)('init and info with the keyring', { retry: 2 }, () => {
  let session: SecretServiceSession;
  beforeAll(async () => {
    session = await startSecretService();
  });
  afterAll(async () => {
    await session?.stop();
  });

  it('init --backend keyring records the choice and points Docker at tsstore', async () => {
    const result = await session.run(['init', '--backend', 'keyring']);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(
      /^Credentials are kept in the OS keyring: the Secret Service, collection "Login" \(recorded in \S+settings\.json\)\.\nDocker now uses tsstore: set "credsStore": "tsstore" in \S+config\.json\.\n$/,
    );
    expect(JSON.parse(readFileSync(join(session.env.TSSTORE_HOME as string, 'settings.json'), 'utf8'))).toEqual({ backend: 'keyring' });
    expect(readdirSync(session.env.TSSTORE_HOME as string)).toEqual(['settings.json']);
    // The pgp backend is not switched to silently.
    const switching = await session.run(['init', '--backend', 'pgp', '--no-docker-config']);
    expect(switching.exitCode).toBe(1);
    expect(switching.stderr).toMatch(/already keeps credentials in the keyring backend/);
  });

  it('init without --backend on a fresh machine picks the keyring the same way a first store does', async () => {
    const home = join(session.home, 'init-default');
    const result = await session.run(['init', '--no-docker-config'], '', { TSSTORE_HOME: home });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(readFileSync(join(home, 'settings.json'), 'utf8'))).toEqual({ backend: 'keyring' });
  });

  it('init with TSSTORE_BACKEND=pgp on a fresh machine sets up and records pgp, though the keyring answers', async () => {
    const home = join(session.home, 'init-override');
    const result = await session.run(['init', '--no-docker-config'], '', { TSSTORE_HOME: home, TSSTORE_BACKEND: 'pgp' });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Created the store key [0-9a-f]{40} in \S+private-key\.asc\n$/);
    expect(JSON.parse(readFileSync(join(home, 'settings.json'), 'utf8'))).toEqual({ backend: 'pgp' });
  });

  it('init --backend keyring refuses pgp recipients', async () => {
    const home = join(session.home, 'init-recipient');
    const result = await session.run(['init', '--backend', 'keyring', '--recipient', '/dev/null', '--no-docker-config'], '', { TSSTORE_HOME: home });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('--recipient and --recipient-gpg apply to the pgp backend only');
    expect(existsSync(home)).toBe(false);
  });

  it('info before anything is set up says what the first store would pick, and writes nothing', async () => {
    const home = join(session.home, 'info-fresh');
    const info = await session.run(['info'], '', { TSSTORE_HOME: home });
    expect(info.exitCode).toBe(0);
    expect(info.stdout).toMatch(/^backend: +none yet \(the first store picks keyring: the Secret Service answers, collection "Login" is unlocked\)\n/);
    expect(existsSync(home)).toBe(false);
  });
});

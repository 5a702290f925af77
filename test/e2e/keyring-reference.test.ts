/**
 * Our keyring backend (built single file) next to the reference Secret Service helper,
 * docker-credential-secretservice 0.6.4 (Debian golang-docker-credential-helpers), on the same cases
 * in the same real gnome-keyring. Where we answer differently, the test says how and why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HelperResult } from '../support/helper-binary.js';
import { haveAll } from '../support/real-components.js';
import { SECRET_SERVICE_PROGRAMS, type SecretServiceSession, startSecretService } from '../support/secret-service.js';

const REFERENCE = 'docker-credential-secretservice';
const NOT_FOUND = 'credentials not found in native keychain\n';
const keyringOnly = { TSSTORE_BACKEND: 'keyring' };
const login = (serverURL: string, username: string, secret: string) => JSON.stringify({ ServerURL: serverURL, Username: username, Secret: secret });

interface Both {
  ours: HelperResult;
  theirs: HelperResult;
}

function both(session: SecretServiceSession, verb: string, input: string, env: Record<string, string | undefined> = {}): Promise<Both> {
  return Promise.all([session.run([verb], input, { ...keyringOnly, ...env }), session.exec(REFERENCE, [verb], input, env)]).then(([ours, theirs]) => ({
    ours,
    theirs,
  }));
}

/** Runs the same step through both, one after the other (the keyring serialises writes anyway). */
async function sequential(session: SecretServiceSession, verb: string, input: string, env: Record<string, string | undefined> = {}): Promise<Both> {
  const ours = await session.run([verb], input, { ...keyringOnly, ...env });
  const theirs = await session.exec(REFERENCE, [verb], input, env);
  return { ours, theirs };
}

const haveReference = haveAll([...SECRET_SERVICE_PROGRAMS, REFERENCE]);

describe.skipIf(!haveReference)('keyring backend vs docker-credential-secretservice: same answers', { retry: 2 }, () => {
  let session: SecretServiceSession;
  beforeAll(async () => {
    session = await startSecretService({ prefix: 'tsstore-keyring-reference-' });
  });
  afterAll(async () => {
    await session?.stop();
  });

  it('store then get, a token login, an unknown server, and list give byte-identical output', async () => {
    const steps: Array<[string, string]> = [
      ['list', 'unused'],
      ['store', login('reg.example:5000', 'alice', 'p4ss <&> "q"')],
      ['store', login('https://index.docker.io/v1/', '<token>', 'eyJhbGciOi.token')],
      ['store', login('ghcr.io', 'bob', 'ghp_x')],
      ['get', 'reg.example:5000'],
      ['get', 'https://index.docker.io/v1/'],
      ['get', 'unknown.example'],
      ['list', 'unused'],
      ['erase', 'ghcr.io'],
      ['get', 'ghcr.io'],
      ['list', 'unused'],
    ];
    for (const [verb, input] of steps) {
      const { ours, theirs } = await sequential(session, verb, input);
      expect(ours, `${verb} ${input.slice(0, 50)}`).toEqual(theirs);
    }
    // Each kept its own items, side by side in the same collection.
    expect((await session.searchItems({ service: 'tsstore' })).length).toBe(2);
    expect((await session.searchItems({ docker_cli: '1' })).length).toBe(2);
  });
});

describe.skipIf(!haveReference)('keyring backend vs docker-credential-secretservice: where we differ', { retry: 2 }, () => {
  let session: SecretServiceSession;
  beforeAll(async () => {
    session = await startSecretService({ prefix: 'tsstore-keyring-reference-' });
  });
  afterAll(async () => {
    await session?.stop();
  });

  it('a new login for the same server: the reference adds a second item and may answer the old one; we replace the one item', async () => {
    const servers = Array.from({ length: 8 }, (_, index) => `relogin-${index}.example`);
    for (const server of servers) {
      await sequential(session, 'store', login(server, 'old-user', 'old-secret'));
      const second = await sequential(session, 'store', login(server, 'new-user', 'new-secret'));
      expect(second).toEqual({ ours: { stdout: '', stderr: '', exitCode: 0 }, theirs: { stdout: '', stderr: '', exitCode: 0 } });
    }
    for (const server of servers) {
      const got = await sequential(session, 'get', server);
      // Ours: always the login stored last.
      expect(JSON.parse(got.ours.stdout)).toEqual({ ServerURL: server, Username: 'new-user', Secret: 'new-secret' });
      // The reference keys its items by server AND username, so the old item stays beside the new one and
      // get answers whichever libsecret finds first: with 0.6.4 about half of these answer the old login.
      expect(got.theirs.exitCode).toBe(0);
      expect(['old-user', 'new-user']).toContain((JSON.parse(got.theirs.stdout) as { Username: string }).Username);
      expect((await session.searchItems({ docker_cli: '1', server })).map((item) => item.attributes.username).sort()).toEqual(['new-user', 'old-user']);
      expect((await session.searchItems({ service: 'tsstore', username: server })).length).toBe(1);
    }
  });

  it('erase of a server that is not stored: the reference says nothing and exits 0, we say not-found like the other reference helpers', async () => {
    const { ours, theirs } = await sequential(session, 'erase', 'never-stored.example');
    expect(theirs).toEqual({ stdout: '', stderr: '', exitCode: 0 });
    expect(ours).toEqual({ stdout: NOT_FOUND, stderr: '', exitCode: 1 });
  });

  it('no D-Bus session: the reference prints libsecret/Go internals, we say what is missing and what to do', async () => {
    const noBus = { DBUS_SESSION_BUS_ADDRESS: undefined };
    const get = await both(session, 'get', 'relogin-0.example', noBus);
    expect(get.theirs.exitCode).toBe(1);
    expect(get.theirs.stdout).toBe('Cannot autolaunch D-Bus without X11 $DISPLAY\n');
    const list = await both(session, 'list', 'unused', noBus);
    expect(list.theirs.stdout).toBe('Error from list function in secretservice_linux.c likely due to error in secretservice library\n');
    for (const { ours } of [get, list]) {
      expect(ours.exitCode).toBe(1);
      expect(ours.stdout).toMatch(/^the keyring backend needs the Secret Service over D-Bus, and there is no D-Bus session bus here \(DBUS_SESSION_BUS_ADDRESS is not set\): .*init --backend pgp.*\n$/);
    }
  });

  describe('a collection locked with the Secret Service Lock method', () => {
    beforeAll(async () => {
      for (const serverURL of ['locked.example', 'locked-too.example']) await sequential(session, 'store', login(serverURL, 'u', `secret-${serverURL}`));
      await session.lock();
      expect(await session.isLocked()).toBe(true);
    });

    it('get of a stored server: the reference crashes (libsecret assertion, Go SIGSEGV), we print the locked line', async () => {
      const { ours, theirs } = await sequential(session, 'get', 'locked.example');
      expect(theirs.exitCode).not.toBe(0);
      expect(theirs.exitCode).not.toBe(1); // not even an error line: the runtime died (exit 2 with 0.6.4)
      expect(theirs.stdout).not.toContain('secret-locked.example');
      expect(ours.exitCode).toBe(1);
      expect(ours.stdout).toMatch(/^the keyring is locked \(Secret Service collection "Login"\): unlock it .*\n$/);
    });

    it('get of an unknown server: the reference says not-found, so docker goes on without credentials; we say locked', async () => {
      const { ours, theirs } = await sequential(session, 'get', 'unknown.example');
      expect(theirs).toEqual({ stdout: NOT_FOUND, stderr: '', exitCode: 1 });
      expect(ours.stdout).toMatch(/^the keyring is locked/);
      expect(ours.exitCode).toBe(1);
    });

    it('erase: the reference exits 0 and removes nothing; we say locked, and nothing is removed either', async () => {
      const { ours, theirs } = await sequential(session, 'erase', 'locked-too.example');
      expect(theirs).toEqual({ stdout: '', stderr: '', exitCode: 0 });
      expect(ours.stdout).toMatch(/^the keyring is locked/);
      expect((await session.searchItems({ docker_cli: '1', server: 'locked-too.example' })).length).toBe(1);
      expect((await session.searchItems({ service: 'tsstore', username: 'locked-too.example' })).length).toBe(1);
    });

    it('store: both refuse; the reference with libsecret\'s words, we with the unlock step', async () => {
      const { ours, theirs } = await sequential(session, 'store', login('new.example', 'u', 's'));
      expect(theirs).toEqual({ stdout: 'Cannot create an item in a locked collection\n', stderr: '', exitCode: 1 });
      expect(ours.stdout).toMatch(/^the keyring is locked \(Secret Service collection "Login"\): unlock it .*\n$/);
    });

    it('list: the reference lists usernames from item attributes (readable while locked); ours live in the secret, so we say locked', async () => {
      const { ours, theirs } = await sequential(session, 'list', 'unused');
      expect(theirs.exitCode).toBe(0);
      expect(JSON.parse(theirs.stdout)).toMatchObject({ 'locked.example': 'u', 'locked-too.example': 'u' });
      expect(ours.stdout).toMatch(/^the keyring is locked/);
      expect(ours.exitCode).toBe(1);
    });
  });
});

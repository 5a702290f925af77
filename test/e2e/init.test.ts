/** `init` on the built file: sets up the store and points Docker's config.json at tsstore, carefully. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TemporaryHome, runHelper, temporaryHome } from '../support/helper-binary.js';
import { snapshotTree } from '../support/tree-snapshot.js';

let home: TemporaryHome;
let configFile: string;
beforeEach(() => {
  home = temporaryHome();
  configFile = join(home.env.DOCKER_CONFIG as string, 'config.json');
});
afterEach(() => home.cleanup());

const writeConfig = (text: string) => {
  mkdirSync(home.env.DOCKER_CONFIG as string, { recursive: true });
  writeFileSync(configFile, text);
};

describe('init', () => {
  it('creates the key, records pgp and sets credsStore, keeping every other key', async () => {
    writeConfig('{"auths": {"reg.example": {}}, "x-tool": {"keep": true}, "detachKeys": "ctrl-x"}');
    const result = await runHelper(['init'], { env: home.env });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^Created the store key [0-9a-f]{40} in .*private-key\.asc\nDocker now uses tsstore: set "credsStore": "tsstore" in .*config\.json\.\n$/);
    expect(readFileSync(configFile, 'utf8')).toBe(
      '{\n\t"auths": {\n\t\t"reg.example": {}\n\t},\n\t"x-tool": {\n\t\t"keep": true\n\t},\n\t"detachKeys": "ctrl-x",\n\t"credsStore": "tsstore"\n}',
    );
    expect(JSON.parse(readFileSync(join(home.env.TSSTORE_HOME as string, 'settings.json'), 'utf8'))).toEqual({ backend: 'pgp' });

    const again = await runHelper(['init'], { env: home.env });
    expect(again.stdout).toMatch(/^Using the store key in .*\nDocker already uses tsstore \(.*\)\.\n$/);
  });

  it('leaves another helper in place and says what to do', async () => {
    writeConfig('{"credsStore": "pass"}');
    const result = await runHelper(['init'], { env: home.env });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Docker uses the "pass" helper');
    expect(readFileSync(configFile, 'utf8')).toBe('{"credsStore": "pass"}');
  });

  it('warns about plain-text credentials without printing them', async () => {
    writeConfig('{"auths": {"reg.example": {"auth": "dXNlcjpodW50ZXIy"}}}');
    const result = await runHelper(['init'], { env: home.env });
    expect(result.stdout).toContain('still holds plain-text credentials for: reg.example.');
    expect(result.stdout + result.stderr).not.toContain('dXNlcjpodW50ZXIy');
  });

  it('stops before writing anything when config.json is broken', async () => {
    writeConfig('{\n\t"auths": {,\n}');
    const before = snapshotTree(home.home);
    const result = await runHelper(['init'], { env: home.env });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`docker-credential-tsstore: ${configFile} is not valid JSON (line 2, column 12); fix it by hand\n`);
    expect(snapshotTree(home.home)).toEqual(before);
  });

  it('--no-docker-config leaves Docker alone', async () => {
    const result = await runHelper(['init', '--no-docker-config'], { env: home.env });
    expect(result.exitCode).toBe(0);
    expect(existsSync(configFile)).toBe(false);
  });

  it('refuses to switch backends silently, and says the keyring needs a D-Bus session (there is none here)', async () => {
    expect((await runHelper(['init', '--backend', 'keyring'], { env: home.env })).stderr).toBe(
      'docker-credential-tsstore: the keyring backend needs the Secret Service over D-Bus, and there is no D-Bus session bus here (DBUS_SESSION_BUS_ADDRESS is not set): run it in your desktop session, or start a keyring (dbus-run-session, then gnome-keyring-daemon --unlock), or use the pgp backend instead: docker-credential-tsstore init --backend pgp (or TSSTORE_BACKEND=pgp)\n',
    );
    await runHelper(['init', '--no-docker-config'], { env: home.env });
    const result = await runHelper(['init', '--backend', 'keyring'], { env: home.env });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/already keeps credentials in the pgp backend .*switching is not supported yet\n$/);
  });

  describe('honours TSSTORE_BACKEND as every other command does', () => {
    const settingsFile = () => join(home.env.TSSTORE_HOME as string, 'settings.json');
    const record = (backend: string) => {
      mkdirSync(home.env.TSSTORE_HOME as string, { recursive: true });
      writeFileSync(settingsFile(), `{"backend": "${backend}"}\n`);
    };

    it('TSSTORE_BACKEND=pgp where settings.json records the keyring: sets up the pgp store, leaves the record alone', async () => {
      record('keyring');
      const env = { ...home.env, TSSTORE_BACKEND: 'pgp' };
      const result = await runHelper(['init', '--no-docker-config'], { env });
      expect(result.stderr).toBe('');
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toBe(
        `Created the store key ${/[0-9a-f]{40}/.exec(result.stdout)?.[0]} in ${join(home.env.TSSTORE_HOME as string, 'pgp', 'private-key.asc')}\n` +
          `${settingsFile()} still records the keyring backend: commands use pgp only while TSSTORE_BACKEND=pgp is set.\n`,
      );
      expect(readFileSync(settingsFile(), 'utf8')).toBe('{"backend": "keyring"}\n');
      // The key init made is the one store and get use under the same variable: store makes none of its own.
      const payload = JSON.stringify({ ServerURL: 'reg.example', Username: 'u', Secret: 's3cret' });
      expect(await runHelper(['store'], { env, input: payload })).toEqual({ stdout: '', stderr: '', exitCode: 0 });
      expect(await runHelper(['get'], { env, input: 'reg.example' })).toEqual({ stdout: `${payload}\n`, stderr: '', exitCode: 0 });
    });

    it('TSSTORE_BACKEND=keyring where settings.json records pgp: init goes to the keyring, as list does', async () => {
      await runHelper(['init', '--no-docker-config'], { env: home.env });
      const before = snapshotTree(home.home);
      const env = { ...home.env, TSSTORE_BACKEND: 'keyring' };
      const list = await runHelper(['list'], { env, input: 'unused' });
      expect(list.stdout).toContain('the keyring backend needs the Secret Service over D-Bus');
      const result = await runHelper(['init', '--no-docker-config'], { env });
      expect(result).toEqual({ stdout: '', stderr: `docker-credential-tsstore: ${list.stdout}`, exitCode: 1 });
      expect(snapshotTree(home.home)).toEqual(before);
    });

    it('an unknown TSSTORE_BACKEND stops init before it writes anything', async () => {
      writeConfig('{}');
      const before = snapshotTree(home.home);
      const result = await runHelper(['init'], { env: { ...home.env, TSSTORE_BACKEND: 'vault' } });
      expect(result).toEqual({ stdout: '', stderr: 'docker-credential-tsstore: TSSTORE_BACKEND must be "pgp" or "keyring", not "vault"\n', exitCode: 1 });
      expect(snapshotTree(home.home)).toEqual(before);
    });

    it('--backend and TSSTORE_BACKEND that disagree stop init before it writes anything', async () => {
      const before = snapshotTree(home.home);
      const result = await runHelper(['init', '--backend', 'pgp'], { env: { ...home.env, TSSTORE_BACKEND: 'keyring' } });
      expect(result).toEqual({
        stdout: '',
        stderr: 'docker-credential-tsstore: --backend pgp and TSSTORE_BACKEND=keyring disagree; unset TSSTORE_BACKEND or drop --backend\n',
        exitCode: 1,
      });
      expect(snapshotTree(home.home)).toEqual(before);
    });
  });

  it('names a recipient file that cannot be read or is not a key, and writes nothing', async () => {
    const before = snapshotTree(home.home);
    const missing = await runHelper(['init', '--recipient', join(home.home, 'nope.asc')], { env: home.env });
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toBe(`docker-credential-tsstore: cannot read ${join(home.home, 'nope.asc')}: no such file\n`);
    writeFileSync(join(home.home, 'junk.asc'), 'not a key');
    const junk = await runHelper(['init', '--recipient', join(home.home, 'junk.asc')], { env: home.env });
    expect(junk.stderr).toBe(`docker-credential-tsstore: ${join(home.home, 'junk.asc')} is not an OpenPGP public key\n`);
    expect(Object.keys(snapshotTree(home.home))).toEqual([...Object.keys(before), 'junk.asc']);
  });
});

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

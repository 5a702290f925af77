/**
 * The built single file as the real docker CLI's credsStore, against the real distribution registry with
 * htpasswd users. Each test gets its own HOME whose PATH holds only a folder with `docker` and
 * `docker-credential-tsstore` (a symlink to dist/), so no other docker-credential-* can be picked, and
 * whose config.json names `"credsStore": "tsstore"` (without it docker would pick `pass` by itself).
 */
import { lstatSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type HelperResult } from '../support/helper-binary.js';
import { type DockerClient, dockerClient, envValue } from '../support/docker-client.js';
import { findOnPath, haveAll } from '../support/real-components.js';
import { filesContaining } from '../support/tree-snapshot.js';
import { type RegistryUser, type StartedRegistry, randomSecret, startRegistry } from '../support/registry.js';

const NOT_FOUND = 'credentials not found in native keychain\n';

const alice: RegistryUser = { username: 'alice', password: `alice-${randomSecret()}` };
const bob: RegistryUser = { username: 'bob', password: `bob-${randomSecret()}` };

function credentialsJson(serverURL: string, user: RegistryUser): string {
  return `${JSON.stringify({ ServerURL: serverURL, Username: user.username, Secret: user.password })}\n`;
}


function listCredentialFiles(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

function withLogs(registry: StartedRegistry, result: HelperResult): string {
  return `docker exit ${result.exitCode}\nstdout: ${result.stdout}\nstderr: ${result.stderr}\nregistry log (tail):\n${registry.logs().slice(-4000)}`;
}

describe.skipIf(!haveAll(['docker', 'docker-registry', 'htpasswd']))('docker login/logout with credsStore tsstore', () => {
  let registry: StartedRegistry;
  let client: DockerClient;

  beforeAll(async () => {
    registry = await startRegistry({ users: [alice, bob] });
  });
  afterAll(async () => {
    await registry?.stop();
  });
  beforeEach(() => {
    client = dockerClient();
  });
  afterEach(() => {
    client?.home.cleanup();
  });

  it('sees only our helper on PATH', () => {
    const path = envValue(client.env, 'PATH');
    expect(findOnPath('docker-credential-tsstore', path)).toBe(join(path, 'docker-credential-tsstore'));
    expect(readdirSync(path).filter((name) => name.startsWith('docker-credential-'))).toEqual(['docker-credential-tsstore']);
    expect(lstatSync(join(path, 'docker-credential-tsstore')).isSymbolicLink()).toBe(true);
  });

  it('docker login stores through tsstore: config.json keeps an empty entry, the secret is only in the encrypted store', async () => {
    const { host } = registry;
    const login = await client.login(alice, host);
    expect(login.exitCode, withLogs(registry, login)).toBe(0);
    expect(login.stdout).toContain('Login Succeeded');
    // docker warns when it writes the secret into config.json; it must not have done so.
    expect(`${login.stdout}${login.stderr}`).not.toMatch(/unencrypted/i);

    expect(client.config()).toEqual({ auths: { [host]: {} }, credsStore: 'tsstore' });
    const configText = readFileSync(client.configFile, 'utf8');
    expect(configText).not.toContain(alice.password);
    expect(configText).not.toContain(Buffer.from(`${alice.username}:${alice.password}`).toString('base64'));
    expect(configText).not.toMatch(/"(auth|identitytoken|password)"/i);

    expect(await client.helper(['get'], host)).toEqual({ stdout: credentialsJson(host, alice), stderr: '', exitCode: 0 });
    expect(await client.helper(['list'], 'unused')).toEqual({ stdout: `${JSON.stringify({ [host]: alice.username })}\n`, stderr: '', exitCode: 0 });

    const files = listCredentialFiles(client.credentialsDir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/\.asc$/);
    const stored = join(client.credentialsDir, files[0] ?? '');
    const armored = readFileSync(stored, 'utf8');
    expect(armored).toContain('-----BEGIN PGP MESSAGE-----');
    expect(armored).not.toContain(alice.password);
    expect(statSync(stored).mode & 0o777).toBe(0o600);
    // Nowhere in the whole HOME (docker config, tsstore settings, keys, store) is the password in plaintext.
    expect(filesContaining(client.home.home, alice.password)).toEqual([]);
  });

  it('a wrong password fails and stores nothing; later it leaves the stored credential untouched', async () => {
    const { host } = registry;
    const wrong = await client.login({ username: alice.username, password: `not-${alice.password}` }, host);
    expect(wrong.exitCode).not.toBe(0);
    expect(`${wrong.stdout}${wrong.stderr}`).toMatch(/401 Unauthorized/);
    expect(await client.helper(['list'], 'unused')).toEqual({ stdout: '{}\n', stderr: '', exitCode: 0 });
    expect(await client.helper(['get'], host)).toEqual({ stdout: NOT_FOUND, stderr: '', exitCode: 1 });
    expect(listCredentialFiles(client.credentialsDir)).toEqual([]);
    expect(client.config()).toEqual({ credsStore: 'tsstore' });

    const good = await client.login(alice, host);
    expect(good.exitCode, withLogs(registry, good)).toBe(0);
    const files = listCredentialFiles(client.credentialsDir);
    expect(files).toHaveLength(1);
    const before = readFileSync(join(client.credentialsDir, files[0] ?? ''));

    // A typo in alice's password, and bob with a password that is not his: both refused by the registry.
    for (const attempt of [
      { username: alice.username, password: `${alice.password}x` },
      { username: bob.username, password: alice.password },
    ]) {
      const refused = await client.login(attempt, host);
      expect(refused.exitCode).not.toBe(0);
      expect(`${refused.stdout}${refused.stderr}`).toMatch(/401 Unauthorized/);
      expect(await client.helper(['get'], host)).toEqual({ stdout: credentialsJson(host, alice), stderr: '', exitCode: 0 });
      expect(await client.helper(['list'], 'unused')).toEqual({ stdout: `${JSON.stringify({ [host]: alice.username })}\n`, stderr: '', exitCode: 0 });
      expect(listCredentialFiles(client.credentialsDir)).toEqual(files);
      expect(readFileSync(join(client.credentialsDir, files[0] ?? ''))).toEqual(before);
      expect(client.config()).toEqual({ auths: { [host]: {} }, credsStore: 'tsstore' });
    }
  });

  it('a second login with another user replaces the username and the secret', async () => {
    const { host } = registry;
    const first = await client.login(alice, host);
    expect(first.exitCode, withLogs(registry, first)).toBe(0);
    const second = await client.login(bob, host);
    expect(second.exitCode, withLogs(registry, second)).toBe(0);

    expect(await client.helper(['get'], host)).toEqual({ stdout: credentialsJson(host, bob), stderr: '', exitCode: 0 });
    expect(await client.helper(['list'], 'unused')).toEqual({ stdout: `${JSON.stringify({ [host]: bob.username })}\n`, stderr: '', exitCode: 0 });
    expect(listCredentialFiles(client.credentialsDir)).toHaveLength(1);
    expect(client.config()).toEqual({ auths: { [host]: {} }, credsStore: 'tsstore' });
    expect(filesContaining(client.home.home, alice.password)).toEqual([]);
    expect(filesContaining(client.home.home, bob.password)).toEqual([]);
  });

  it('docker logout erases the login (and the legacy https:// key docker also asks for) and leaves every other key alone', async () => {
    const { host, port } = registry;
    const login = await client.login(alice, host);
    expect(login.exitCode, withLogs(registry, login)).toBe(0);

    // Keys that look like this registry but are not the ones docker logout names.
    const others: Record<string, RegistryUser> = {
      [`127.0.0.1:${port === 65535 ? port - 1 : port + 1}`]: { username: 'next-port', password: randomSecret() },
      '127.0.0.1': { username: 'no-port', password: randomSecret() },
      [`${host}/team`]: { username: 'repository-key', password: randomSecret() },
      'registry.example.test': { username: 'elsewhere', password: randomSecret() },
    };
    for (const [serverURL, user] of Object.entries(others)) {
      const stored = await client.helper(['store'], JSON.stringify({ ServerURL: serverURL, Username: user.username, Secret: user.password }));
      expect(stored).toMatchObject({ stdout: '', exitCode: 0 });
    }
    // docker logout also erases http://HOST and https://HOST (keys older clients wrote).
    const legacy = `https://${host}`;
    expect(await client.helper(['store'], JSON.stringify({ ServerURL: legacy, Username: 'legacy', Secret: randomSecret() }))).toMatchObject({
      stdout: '',
      exitCode: 0,
    });

    const logout = await client.docker(['logout', host]);
    expect(logout.exitCode, withLogs(registry, logout)).toBe(0);
    expect(logout.stdout).toContain(`Removing login credentials for ${host}`);

    expect(await client.helper(['get'], host)).toEqual({ stdout: NOT_FOUND, stderr: '', exitCode: 1 });
    expect(await client.helper(['get'], legacy)).toEqual({ stdout: NOT_FOUND, stderr: '', exitCode: 1 });
    const expectedList = Object.fromEntries(Object.entries(others).map(([serverURL, user]) => [serverURL, user.username]));
    const list = await client.helper(['list'], 'unused');
    expect(list.exitCode).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual(expectedList);
    for (const [serverURL, user] of Object.entries(others)) {
      expect(await client.helper(['get'], serverURL)).toEqual({ stdout: credentialsJson(serverURL, user), stderr: '', exitCode: 0 });
    }
    expect(client.config()).toEqual({ auths: {}, credsStore: 'tsstore' });
  });
});

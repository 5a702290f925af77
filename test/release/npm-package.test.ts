/**
 * The npm package as its users get it: `npm install -g ./dist/release/tsstore-VERSION.tgz --prefix TMP`
 * with this machine's Node.js (20) and the npm registry for the dependencies, no build step. The installed
 * `docker-credential-tsstore` answers the protocol and a real `docker login`/`docker logout` against the
 * test registry stores and erases through it. The package holds only what it runs: package.json, the
 * README, the LICENSE and the compiled JavaScript, no tests, fixtures or TypeScript.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DockerClient, dockerClient } from '../support/docker-client.js';
import { PROJECT_ROOT, runHelper } from '../support/helper-binary.js';
import { haveAll } from '../support/real-components.js';
import { type RegistryUser, type StartedRegistry, randomSecret, startRegistry } from '../support/registry.js';
import { RELEASE_TIMEOUT_MS, VERSION, ensureRelease, releaseFile } from './support/release-build.js';
import { npmPackageFile } from './support/targets.js';

const alice: RegistryUser = { username: 'alice', password: `alice-${randomSecret()}` };
const tarball = () => releaseFile(npmPackageFile(VERSION));
const nodeBin = dirname(process.execPath);

let prefix: string;
let installed: string;

beforeAll(async () => {
  await ensureRelease();
  prefix = mkdtempSync(join(tmpdir(), 'tsstore-npm-global-'));
  // As a user types it; npm reaches only the registry for commander, execa, openpgp and @napi-rs/keyring.
  const install = await execa('npm', ['install', '-g', tarball(), '--prefix', prefix, '--no-audit', '--no-fund'], { reject: false, all: true, timeout: 300_000 });
  if (install.exitCode !== 0) throw new Error(`npm install -g failed (exit ${install.exitCode}):\n${install.all}`);
  installed = join(prefix, 'bin', 'docker-credential-tsstore');
}, RELEASE_TIMEOUT_MS);
afterAll(() => {
  if (prefix) rmSync(prefix, { recursive: true, force: true });
});

describe('the npm package', () => {
  it('holds package.json, README.md, LICENSE and compiled JavaScript only', async () => {
    const listing = await execa('tar', ['-tzf', tarball()]);
    const files = listing.stdout.split('\n').filter((file) => file !== '' && !file.endsWith('/')).sort();
    const unexpected = files.filter((file) => !/^package\/(package\.json|README\.md|LICENSE|build\/(src|helpers)\/[\w/.-]+\.js)$/.test(file));
    expect(unexpected).toEqual([]);
    expect(files).toContain('package/build/helpers/docker-credential-tsstore.js');
    // package.json says MIT: the text goes with the package, as the repository's LICENSE has it.
    expect(files).toContain('package/LICENSE');
    expect((await execa('tar', ['-xzOf', tarball(), 'package/LICENSE'])).stdout).toBe(readFileSync(join(PROJECT_ROOT, 'LICENSE'), 'utf8').trimEnd());
    expect(files.some((file) => /test|fixture|\.ts$|\.map$/.test(file))).toBe(false);
  });

  it('installs with no build step: no install scripts, the bin linked into PREFIX/bin', async () => {
    const manifest = await execa('tar', ['-xzOf', tarball(), 'package/package.json']);
    const scripts = (JSON.parse(manifest.stdout) as { scripts?: Record<string, string> }).scripts ?? {};
    for (const hook of ['preinstall', 'install', 'postinstall', 'prepare']) expect(scripts[hook], hook).toBeUndefined();
    expect(existsSync(installed)).toBe(true);
    // The platform's keyring addon came with @napi-rs/keyring's optional dependencies.
    const napi = readdirSync(join(prefix, 'lib', 'node_modules', 'tsstore', 'node_modules', '@napi-rs'));
    expect(napi).toContain(`keyring-${process.platform}-${process.arch}-gnu`);
  });

  it('answers version and the protocol round trip with node from PATH', async () => {
    const client = dockerClient({ helper: installed, extraPath: [nodeBin] });
    try {
      expect(await client.helper(['version'])).toEqual({ stdout: `docker-credential-tsstore (github.com/tsstore/tsstore) ${VERSION}\n`, stderr: '', exitCode: 0 });
      const payload = { ServerURL: 'registry.example', Username: 'bob', Secret: 'p4ss' };
      expect(await client.helper(['store'], JSON.stringify(payload))).toMatchObject({ stdout: '', exitCode: 0 });
      expect(await client.helper(['get'], 'registry.example')).toEqual({ stdout: `${JSON.stringify(payload)}\n`, stderr: '', exitCode: 0 });
      expect(await client.helper(['list'], 'unused')).toEqual({ stdout: '{"registry.example":"bob"}\n', stderr: '', exitCode: 0 });
      expect(await client.helper(['erase'], 'registry.example')).toEqual({ stdout: '', stderr: '', exitCode: 0 });
      expect(await client.helper(['get'], 'registry.example')).toEqual({ stdout: 'credentials not found in native keychain\n', stderr: '', exitCode: 1 });
    } finally {
      client.home.cleanup();
    }
  });

  describe.skipIf(!haveAll(['docker', 'docker-registry', 'htpasswd']))('with docker and a real registry', () => {
    let registry: StartedRegistry;
    let client: DockerClient;
    beforeAll(async () => {
      registry = await startRegistry({ users: [alice] });
      client = dockerClient({ helper: installed, extraPath: [nodeBin] });
    }, 120_000);
    afterAll(async () => {
      client?.home.cleanup();
      await registry?.stop();
    });

    it('docker login stores through the installed helper and docker logout erases', async () => {
      const login = await client.login(alice, registry.host);
      expect(login.exitCode, login.stderr).toBe(0);
      expect(login.stderr).not.toMatch(/unencrypted/);
      expect(client.config()).toEqual({ auths: { [registry.host]: {} }, credsStore: 'tsstore' });
      const got = await runHelper(['get'], { binary: installed, env: client.env, input: registry.host });
      expect(JSON.parse(got.stdout)).toEqual({ ServerURL: registry.host, Username: alice.username, Secret: alice.password });
      const logout = await client.docker(['logout', registry.host]);
      expect(logout.exitCode, logout.stderr).toBe(0);
      expect(await runHelper(['list'], { binary: installed, env: client.env, input: 'unused' })).toMatchObject({ stdout: '{}\n', exitCode: 0 });
    }, 120_000);
  });
});

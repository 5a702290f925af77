/**
 * The built single file as a containers/image credential helper: real skopeo, real distribution registry.
 *
 * skopeo reads a registries.conf written here: `credential-helpers = ["tsstore"]` (so no auth file is ever
 * consulted, only our helper) and the registry marked insecure (plain HTTP). skopeo 1.9 ignores
 * CONTAINERS_REGISTRIES_CONF, so the file is also given with its (hidden) `--registries-conf` flag; the
 * push only works over HTTP because that file was read. REGISTRY_AUTH_FILE names an auth file in the
 * temporary HOME that must stay `{"auths":{}}`.
 *
 * `docker-credential-tsstore` on PATH is a tiny sh wrapper that appends the verb (and, for get/erase, the
 * server URL from stdin; never a store's secret) to a log, then runs dist/docker-credential-tsstore with the
 * same arguments and stdin: the tests see which server URL containers/image asks for.
 */
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HELPER_BINARY, type HelperResult, type TemporaryHome, runHelper, temporaryHome } from '../support/helper-binary.js';
import { OCI_MANIFEST, type OciImage, writeOciImage } from '../support/oci-image.js';
import { findOnPath, haveAll } from '../support/real-components.js';
import { filesContaining } from '../support/tree-snapshot.js';
import { type RegistryUser, type StartedRegistry, randomSecret, startRegistry } from '../support/registry.js';

const NOT_FOUND = 'credentials not found in native keychain\n';
const AUTH_REFUSED = /unauthorized: authentication required/;
const EMPTY_AUTH_FILE = '{"auths":{}}\n';

const alice: RegistryUser = { username: 'alice', password: `alice-${randomSecret()}` };

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}


/** A variable the temporary HOME always sets. */
function envValue(env: Record<string, string>, name: string): string {
  const value = env[name];
  if (value === undefined) throw new Error(`${name} is not set in the test environment`);
  return value;
}

describe.skipIf(!haveAll(['skopeo', 'docker', 'docker-registry', 'htpasswd', 'tee']))('skopeo with credential-helpers = ["tsstore"]', () => {
  let registry: StartedRegistry;
  let home: TemporaryHome;
  let env: Record<string, string>;
  let bin: string;
  let callLog: string;
  let authFile: string;
  let registriesConf: string;
  let image: OciImage;
  let skopeoGlobal: string[];

  beforeAll(async () => {
    home = temporaryHome('tsstore-e2e-skopeo-');
    registry = await startRegistry({ users: [alice] });

    bin = join(home.home, 'bin');
    mkdirSync(bin, { mode: 0o700 });
    for (const program of ['skopeo', 'docker']) {
      const path = findOnPath(program);
      if (!path) throw new Error(`${program} is not on PATH`);
      symlinkSync(path, join(bin, program));
    }
    const tee = findOnPath('tee');
    if (!tee) throw new Error('tee is not on PATH');
    callLog = join(home.home, 'helper-calls.log');
    const wrapper = [
      '#!/bin/sh',
      '# Records how the client called the helper, then runs the real one with the same arguments and stdin.',
      `log=${shellQuote(callLog)}`,
      `helper=${shellQuote(HELPER_BINARY)}`,
      'case "$1" in',
      '  get|erase)',
      '    printf "%s " "$1" >> "$log"',
      `    ${shellQuote(tee)} -a "$log" | "$helper" "$@"`,
      '    status=$?',
      '    printf "\\n" >> "$log"',
      '    exit $status',
      '    ;;',
      '  *)',
      '    printf "%s\\n" "$1" >> "$log"',
      '    exec "$helper" "$@"',
      '    ;;',
      'esac',
      '',
    ].join('\n');
    writeFileSync(join(bin, 'docker-credential-tsstore'), wrapper, { mode: 0o755 });

    registriesConf = join(home.home, 'registries.conf');
    writeFileSync(
      registriesConf,
      [
        'unqualified-search-registries = []',
        'credential-helpers = ["tsstore"]',
        '',
        '[[registry]]',
        `location = ${JSON.stringify(registry.host)}`,
        'insecure = true',
        '',
      ].join('\n'),
    );
    const policy = join(home.home, 'policy.json');
    writeFileSync(policy, JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }));
    const registriesD = join(home.home, 'registries.d');
    mkdirSync(registriesD);
    const skopeoTmp = join(home.home, 'skopeo-tmp');
    mkdirSync(skopeoTmp);
    authFile = join(home.home, 'auth.json');
    writeFileSync(authFile, EMPTY_AUTH_FILE, { mode: 0o600 });

    env = {
      ...home.env,
      PATH: bin,
      TSSTORE_BACKEND: 'pgp',
      CONTAINERS_REGISTRIES_CONF: registriesConf,
      REGISTRY_AUTH_FILE: authFile,
    };
    const dockerConfigDir = envValue(env, 'DOCKER_CONFIG');
    mkdirSync(dockerConfigDir, { recursive: true, mode: 0o700 });
    writeFileSync(join(dockerConfigDir, 'config.json'), '{\n\t"credsStore": "tsstore"\n}\n', { mode: 0o600 });
    skopeoGlobal = ['--registries-conf', registriesConf, '--policy', policy, '--registries.d', registriesD, '--tmpdir', skopeoTmp];

    image = writeOciImage(join(home.home, 'image'), {
      tag: '1',
      files: [
        { path: 'hello.txt', content: 'hello from tsstore\n' },
        { path: 'etc/tsstore/motd', content: 'pushed with credentials from docker-credential-tsstore\n' },
      ],
    });
  });

  afterAll(async () => {
    await registry?.stop();
    home?.cleanup();
  });

  beforeEach(() => {
    // Every test starts with an empty store and an empty call log.
    rmSync(envValue(env, 'TSSTORE_HOME'), { recursive: true, force: true });
    writeFileSync(callLog, '');
  });

  const run = async (file: string, args: readonly string[], input?: string): Promise<HelperResult> => {
    const result = await execa(file, args, { input: input ?? '', env, extendEnv: false, reject: false, cwd: home.home, timeout: 120_000 });
    return { stdout: String(result.stdout), stderr: String(result.stderr), exitCode: result.exitCode ?? -1 };
  };
  const skopeo = (args: readonly string[], input?: string) => run(join(bin, 'skopeo'), [...skopeoGlobal, ...args], input);
  const docker = (args: readonly string[], input?: string) => run(join(bin, 'docker'), args, input);
  const helper = (args: readonly string[], input?: string) => runHelper(args, { input, env, cwd: home.home });
  const calls = () => readFileSync(callLog, 'utf8').split('\n').filter((line) => line !== '');
  const resetCalls = () => writeFileSync(callLog, '');
  const explain = (result: HelperResult) =>
    `exit ${result.exitCode}\nstdout: ${result.stdout}\nstderr: ${result.stderr}\nhelper calls: ${JSON.stringify(calls())}\nregistry log (tail):\n${registry.logs().slice(-4000)}`;

  /** What the registry itself holds for a tag, asked with alice's credentials (independent of skopeo). */
  const registryDigest = async (repository: string, tag: string): Promise<string | number> => {
    const response = await registry.request(`/v2/${repository}/manifests/${tag}`, { method: 'HEAD', user: alice, accept: OCI_MANIFEST });
    return response.status === 200 ? (response.headers.get('docker-content-digest') ?? 'no digest header') : response.status;
  };

  const expectOnlyGetsFor = (serverURL: string) => {
    const seen = calls();
    expect(seen.length).toBeGreaterThan(0);
    expect(new Set(seen)).toEqual(new Set([`get ${serverURL}`]));
  };

  it('pushes and inspects with the login docker stored in tsstore, asking get for host:port; refused after docker logout', async () => {
    const { host } = registry;
    const login = await docker(['login', '-u', alice.username, '--password-stdin', host], alice.password);
    expect(login.exitCode, explain(login)).toBe(0);
    expect(calls()).toContain('store');
    resetCalls();

    const destination = `docker://${host}/test/img:1`;
    const push = await skopeo(['copy', image.reference, destination]);
    expect(push.exitCode, explain(push)).toBe(0);
    // containers/image asked our helper, for exactly `127.0.0.1:PORT`, and for nothing else.
    expectOnlyGetsFor(host);
    expect(await registryDigest('test/img', '1')).toBe(image.manifestDigest);

    resetCalls();
    const inspect = await skopeo(['inspect', destination]);
    expect(inspect.exitCode, explain(inspect)).toBe(0);
    const inspected = JSON.parse(inspect.stdout) as { Name?: unknown; Digest?: unknown; Layers?: unknown; RepoTags?: unknown };
    expect(inspected).toMatchObject({ Name: `${host}/test/img`, Digest: image.manifestDigest, Layers: [image.layerDigest], RepoTags: ['1'] });
    expectOnlyGetsFor(host);

    const logout = await docker(['logout', host]);
    expect(logout.exitCode, explain(logout)).toBe(0);
    expect(await helper(['get'], host)).toEqual({ stdout: NOT_FOUND, stderr: '', exitCode: 1 });

    resetCalls();
    const refused = await skopeo(['inspect', destination]);
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toMatch(AUTH_REFUSED);
    // It asked again, got not-found, went on anonymously and the registry said no.
    expectOnlyGetsFor(host);

    const refusedPush = await skopeo(['copy', image.reference, `docker://${host}/test/img:after-logout`]);
    expect(refusedPush.exitCode).not.toBe(0);
    expect(refusedPush.stderr).toMatch(AUTH_REFUSED);
    expect(await registryDigest('test/img', 'after-logout')).toBe(404);

    expect(readFileSync(authFile, 'utf8')).toBe(EMPTY_AUTH_FILE);
  });

  it('uses a credential stored with the helper store verb, and is refused after the helper erases it', async () => {
    const { host } = registry;
    const stored = await helper(['store'], JSON.stringify({ ServerURL: host, Username: alice.username, Secret: alice.password }));
    expect(stored.exitCode, stored.stdout).toBe(0);
    expect(stored.stdout).toBe('');

    const destination = `docker://${host}/test/direct:1`;
    const push = await skopeo(['copy', image.reference, destination]);
    expect(push.exitCode, explain(push)).toBe(0);
    expectOnlyGetsFor(host);
    expect(await registryDigest('test/direct', '1')).toBe(image.manifestDigest);

    // Pull it back through the same credential: the bytes of the layer are the ones we built.
    const pulled = join(home.home, 'pulled');
    rmSync(pulled, { recursive: true, force: true });
    const pull = await skopeo(['copy', destination, `dir:${pulled}`]);
    expect(pull.exitCode, explain(pull)).toBe(0);
    expect(readFileSync(join(pulled, image.layerDigest.slice('sha256:'.length)))).toEqual(image.layer);

    expect(await helper(['erase'], host)).toEqual({ stdout: '', stderr: '', exitCode: 0 });
    resetCalls();
    const refused = await skopeo(['inspect', destination]);
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toMatch(AUTH_REFUSED);
    expectOnlyGetsFor(host);
  });

  it('is refused when the only stored credentials are for other keys (the helper answer decides)', async () => {
    const { host, port } = registry;
    for (const serverURL of ['127.0.0.1', `127.0.0.1:${port === 65535 ? port - 1 : port + 1}`, 'registry.example.test']) {
      const stored = await helper(['store'], JSON.stringify({ ServerURL: serverURL, Username: alice.username, Secret: alice.password }));
      expect(stored.exitCode, stored.stdout).toBe(0);
    }
    const refused = await skopeo(['inspect', `docker://${host}/test/img:1`]);
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toMatch(AUTH_REFUSED);
    expectOnlyGetsFor(host);
  });

  it('skopeo login stores through tsstore and writes no secret to its auth file; skopeo logout erases', async () => {
    const { host } = registry;
    const refused = await skopeo(['login', '-u', alice.username, '--password-stdin', host], `not-${alice.password}`);
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toContain('invalid username/password');
    expect(calls()).not.toContain('store');
    expect(await helper(['list'], 'unused')).toEqual({ stdout: '{}\n', stderr: '', exitCode: 0 });

    const login = await skopeo(['login', '-u', alice.username, '--password-stdin', host], alice.password);
    expect(login.exitCode, explain(login)).toBe(0);
    expect(login.stdout).toContain('Login Succeeded');
    expect(calls()).toContain('store');
    expect(await helper(['get'], host)).toEqual({
      stdout: `${JSON.stringify({ ServerURL: host, Username: alice.username, Secret: alice.password })}\n`,
      stderr: '',
      exitCode: 0,
    });
    expect(readFileSync(authFile, 'utf8')).toBe(EMPTY_AUTH_FILE);
    expect(filesContaining(home.home, alice.password)).toEqual([]);

    resetCalls();
    const push = await skopeo(['copy', image.reference, `docker://${host}/test/skopeo-login:1`]);
    expect(push.exitCode, explain(push)).toBe(0);
    expectOnlyGetsFor(host);
    expect(await registryDigest('test/skopeo-login', '1')).toBe(image.manifestDigest);

    resetCalls();
    const logout = await skopeo(['logout', host]);
    expect(logout.exitCode, explain(logout)).toBe(0);
    expect(calls()).toEqual([`erase ${host}`]);
    expect(await helper(['get'], host)).toEqual({ stdout: NOT_FOUND, stderr: '', exitCode: 1 });
    expect(readFileSync(authFile, 'utf8')).toBe(EMPTY_AUTH_FILE);
  });
});

/**
 * Every client, not only docker: podman logs in with plain text in its auth.json until doctor's
 * `containers` fix moves it into tsstore and adds a registries.conf drop-in; then podman and skopeo go
 * through tsstore against the real registry. And what docker stored answers the lookups other clients make.
 */
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HELPER_BINARY, type HelperResult, type TemporaryHome, temporaryHome } from '../support/helper-binary.js';
import { writeOciImage } from '../support/oci-image.js';
import { findOnPath, haveAll } from '../support/real-components.js';
import { type RegistryUser, type StartedRegistry, randomSecret, startRegistry } from '../support/registry.js';
import { snapshotTree } from '../support/tree-snapshot.js';

const alice: RegistryUser = { username: 'alice', password: `alice-${randomSecret()}` };

describe.skipIf(!haveAll(['podman', 'skopeo', 'docker', 'docker-registry', 'htpasswd']))('podman, skopeo and docker share tsstore', () => {
  let registry: StartedRegistry;
  let home: TemporaryHome;
  let env: Record<string, string>;
  let runtimeAuth: string;

  const run = async (program: string, args: readonly string[], input = ''): Promise<HelperResult> => {
    const result = await execa(program, args, { input, env, extendEnv: false, reject: false, cwd: home.home, timeout: 90_000 });
    return { stdout: String(result.stdout), stderr: String(result.stderr), exitCode: result.exitCode ?? -1 };
  };
  const helper = (verb: string, input: string) => run('docker-credential-tsstore', [verb], input);
  const filesContaining = (text: string) =>
    Object.entries(snapshotTree(home.home))
      .filter(([path]) => !path.endsWith('/') && !path.startsWith('bin/'))
      .filter(([, value]) => {
        const bytes = Buffer.from(value.split(' ')[1] ?? '', 'base64').toString('latin1');
        return bytes.includes(text) || bytes.includes(Buffer.from(`alice:${text}`).toString('base64'));
      })
      .map(([path]) => path);

  beforeAll(async () => {
    registry = await startRegistry({ users: [alice] });
    home = temporaryHome('tsstore-e2e-containers-');
    const bin = join(home.home, 'bin');
    mkdirSync(bin, { mode: 0o700 });
    for (const program of ['podman', 'skopeo', 'docker']) symlinkSync(findOnPath(program) as string, join(bin, program));
    symlinkSync(HELPER_BINARY, join(bin, 'docker-credential-tsstore'));
    const runtime = join(home.home, 'run');
    mkdirSync(runtime, { mode: 0o700 });
    runtimeAuth = join(runtime, 'containers', 'auth.json');
    env = { ...home.env, PATH: `${bin}:/usr/sbin:/usr/bin:/sbin:/bin`, XDG_RUNTIME_DIR: runtime, TSSTORE_BACKEND: 'pgp' };
    // podman logs in to $DOCKER_CONFIG/config.json when DOCKER_CONFIG is set; people rarely set it.
    delete env.DOCKER_CONFIG;
  });
  afterAll(async () => {
    await registry?.stop();
    home?.cleanup();
  });

  it('doctor moves podman\'s plain-text login into tsstore, and podman and skopeo then use tsstore', async () => {
    const loggedIn = await run('podman', ['login', '--tls-verify=false', '-u', alice.username, '--password-stdin', registry.host], alice.password);
    expect(loggedIn.exitCode, loggedIn.stderr).toBe(0);
    expect(filesContaining(alice.password)).toEqual(['run/containers/auth.json']);

    const look = await run(HELPER_BINARY, ['doctor', '--json', 'containers']);
    const report = JSON.parse(look.stdout) as { checks: Array<{ id: string; status: string; details: string[] }> };
    expect(report.checks).toEqual([
      {
        id: 'containers',
        title: 'podman, skopeo and buildah use tsstore',
        status: 'problem',
        details: [
          // buildah counts where it is installed: the tools named are the ones on this PATH.
          `${['podman', 'skopeo', 'buildah'].filter((tool) => findOnPath(tool, env.PATH)).join(', ')} keep logins with containers-auth.json (the default), not tsstore`,
          `${runtimeAuth} holds 1 secret(s) in plain text: ${registry.host}`,
        ],
      },
    ]);
    expect(look.stdout).not.toContain(alice.password);

    const fixed = await run(HELPER_BINARY, ['doctor', '--fix', 'containers']);
    expect(fixed.exitCode, fixed.stdout).toBe(0);
    expect(JSON.parse(readFileSync(runtimeAuth, 'utf8'))).toEqual({ auths: { [registry.host]: {} } });
    const dropIn = join(home.home, '.config', 'containers', 'registries.conf.d', '50-tsstore.conf');
    expect(readFileSync(dropIn, 'utf8')).toContain('credential-helpers = ["tsstore"]');
    expect(filesContaining(alice.password)).toEqual([]);
    expect(JSON.parse((await helper('get', registry.host)).stdout)).toEqual({ ServerURL: registry.host, Username: 'alice', Secret: alice.password });

    // skopeo pushes and inspects with what tsstore holds (auth.json has no secret left).
    const image = writeOciImage(join(home.home, 'image'), { tag: '1', files: [{ path: 'hello.txt', content: 'hi\n' }] });
    const target = `docker://${registry.host}/team/app:1`;
    const pushed = await run('skopeo', ['copy', '--dest-tls-verify=false', `oci:${image.dir}:1`, target]);
    expect(pushed.exitCode, pushed.stderr).toBe(0);
    const inspected = await run('skopeo', ['inspect', '--tls-verify=false', target]);
    expect(inspected.exitCode, inspected.stderr).toBe(0);
    expect(JSON.parse(inspected.stdout).Digest).toBe(image.manifestDigest);

    // podman logout erases through tsstore; skopeo is refused afterwards.
    const loggedOut = await run('podman', ['logout', registry.host]);
    expect(loggedOut.exitCode, loggedOut.stderr).toBe(0);
    expect((await helper('list', 'unused')).stdout).toBe('{}');
    const refused = await run('skopeo', ['inspect', '--tls-verify=false', target]);
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toMatch(/unauthorized|authentication required/i);

    // podman login now stores through tsstore, and its auth file gets no secret.
    const again = await run('podman', ['login', '--tls-verify=false', '-u', alice.username, '--password-stdin', registry.host], alice.password);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(filesContaining(alice.password)).toEqual([]);
    expect((await helper('list', 'unused')).stdout).toBe(`{"${registry.host}":"alice"}`);
    const after = JSON.parse((await run(HELPER_BINARY, ['doctor', '--json', 'containers'])).stdout) as { checks: Array<{ status: string }> };
    expect(after.checks[0]?.status).toBe('ok');
  });

  it('what docker login stored answers https://HOST, HOST/repo and the Docker Hub names', async () => {
    mkdirSync(join(home.home, '.docker'), { mode: 0o700 });
    const config = join(home.home, '.docker', 'config.json');
    writeFileSync(config, '{"credsStore": "tsstore"}');
    const loggedIn = await run('docker', ['login', '-u', alice.username, '--password-stdin', registry.host], alice.password);
    expect(loggedIn.exitCode, loggedIn.stderr).toBe(0);
    for (const asked of [registry.host, `https://${registry.host}`, `http://${registry.host}/`, `${registry.host}/some/repo`]) {
      expect(JSON.parse((await helper('get', asked)).stdout), asked).toEqual({ ServerURL: asked, Username: 'alice', Secret: alice.password });
    }
    expect((await helper('get', '127.0.0.1')).stdout).toBe('credentials not found in native keychain');

    const hub = await helper('store', JSON.stringify({ ServerURL: 'https://index.docker.io/v1/', Username: 'hubber', Secret: 'hub-secret' }));
    expect(hub.exitCode).toBe(0);
    for (const asked of ['docker.io', 'index.docker.io', 'registry-1.docker.io', 'https://index.docker.io/v1/']) {
      expect(JSON.parse((await helper('get', asked)).stdout).Username, asked).toBe('hubber');
    }
    // docker logout of the Hub leaves the registry's login alone.
    expect((await run('docker', ['logout'])).exitCode).toBe(0);
    expect((await helper('get', 'docker.io')).stdout).toBe('credentials not found in native keychain');
    expect(JSON.parse((await helper('get', registry.host)).stdout).Username).toBe('alice');
    expect(existsSync(config)).toBe(true);
  });
});

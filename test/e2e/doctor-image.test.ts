/**
 * `doctor --image REF` on the built file against real services: the distribution registry with token
 * authentication whose token service (test/support/token-issuer.ts) lets alice push dream/app, only pull
 * dream/base, and nothing on dream/secret; the same registry with htpasswd (Basic); a credential helper
 * that never answers; Docker Hub with no network; bad references. With a real dockerd, what doctor said
 * is what `docker push` does: dream/base is refused with "denied", dream/app goes through.
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lookup } from 'node:dns/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type DockerClient, dockerClient } from '../support/docker-client.js';
import { type StartedDockerDaemon, dockerDaemonUnavailable, startDockerDaemon } from '../support/docker-daemon.js';
import type { HelperResult } from '../support/helper-binary.js';
import { haveAll, requireReal } from '../support/real-components.js';
import { snapshotTree } from '../support/tree-snapshot.js';
import { type RegistryUser, type StartedRegistry, randomSecret, startRegistry } from '../support/registry.js';
import { type StartedTokenIssuer, startTokenIssuer } from '../support/token-issuer.js';

const alice: RegistryUser = { username: 'alice', password: `alice-${randomSecret()}` };
const GRANTS = { alice: { 'dream/app': ['pull', 'push'], 'dream/base': ['pull'] } };
const DENIED = 'denied: requested access to the resource is denied';
const daemonMissing = dockerDaemonUnavailable();
if (daemonMissing && requireReal) throw new Error(`TSSTORE_REQUIRE_REAL=1 but ${daemonMissing}`);
const hubResolves = await lookup('registry-1.docker.io').then(
  () => true,
  () => false,
);

interface Report {
  ok: boolean;
  checks: Array<{ id: string; title: string; status: string; details: string[] }>;
}

function report(result: HelperResult): Report {
  try {
    return JSON.parse(result.stdout) as Report;
  } catch {
    throw new Error(`doctor printed no JSON (exit ${result.exitCode}):\n${result.stdout}\n${result.stderr}`);
  }
}

function expectNoSecret(result: HelperResult): void {
  for (const text of [result.stdout, result.stderr]) {
    expect(text).not.toContain(alice.password);
    expect(text).not.toContain(Buffer.from(`${alice.username}:${alice.password}`).toString('base64'));
  }
}

/** A client whose doctor reads no daemon.json or certs.d of the machine. */
function client(daemonHost?: string): DockerClient & { doctor(args: readonly string[]): Promise<HelperResult>; store(serverURL: string): Promise<void> } {
  const base = dockerClient(daemonHost ? { daemonHost } : {});
  base.env.TSSTORE_DOCKER_DAEMON_JSON = join(base.home.home, 'etc-docker', 'daemon.json');
  base.env.TSSTORE_DOCKER_CERTS_D = join(base.home.home, 'etc-docker', 'certs.d');
  return {
    ...base,
    doctor: (args) => base.helper(['doctor', ...args]),
    async store(serverURL) {
      const stored = await base.helper(['store'], JSON.stringify({ ServerURL: serverURL, Username: alice.username, Secret: alice.password }));
      expect(stored, stored.stderr).toMatchObject({ exitCode: 0, stdout: '' });
    },
  };
}

/** What the registry keeps once anything was pushed: nothing may appear there while doctor looks. */
function repositoriesDir(registry: StartedRegistry): string {
  return join(registry.dir, 'data', 'docker', 'registry', 'v2', 'repositories');
}

const planLine = (c: DockerClient, registry: StartedRegistry, path: string) =>
  `for ${registry.host}/${path} docker reads ${c.configFile} and asks docker-credential-tsstore (credsStore) for the login under "${registry.host}"`;
const ANSWERS = "docker-credential-tsstore answers with alice's login";
const accepted = (registry: StartedRegistry, how: string) =>
  `the registry accepts alice's login (${how} authentication at http://${registry.host}/v2/) over plain http (127.0.0.1 is a loopback address)`;

describe.skipIf(!haveAll(['docker', 'docker-registry', 'htpasswd', 'openssl']))('doctor --image against real registries', () => {
  let issuer: StartedTokenIssuer;
  let tokenRegistry: StartedRegistry;
  let basicRegistry: StartedRegistry;
  let c: ReturnType<typeof client>;

  beforeAll(async () => {
    issuer = await startTokenIssuer({ users: [alice], grants: GRANTS });
    [tokenRegistry, basicRegistry] = await Promise.all([startRegistry({ users: [alice], token: issuer.registryOption('dream') }), startRegistry({ users: [alice] })]);
  });
  afterAll(async () => {
    await Promise.all([tokenRegistry?.stop(), basicRegistry?.stop()]);
    await issuer?.stop();
  });
  beforeEach(() => {
    c = client();
  });
  afterEach(() => c?.home.cleanup());

  it('token auth: pull and push on dream/app, pull only on dream/base, nothing on dream/secret; nothing pushed', async () => {
    await c.store(tokenRegistry.host);
    const asked = issuer.requests.length;
    const before = snapshotTree(c.home.home);
    const refs = ['dream/app', 'dream/base:1.0', 'dream/secret'].map((path) => `${tokenRegistry.host}/${path}`);
    const result = await c.doctor(['--json', ...refs.flatMap((ref) => ['--image', ref]), 'image']);
    expect(result.exitCode, result.stdout + result.stderr).toBe(1);
    const accept = accepted(tokenRegistry, 'token');
    expect(report(result).checks).toEqual([
      {
        id: 'image',
        title: `Pull and push of ${refs[0]}`,
        status: 'ok',
        details: [planLine(c, tokenRegistry, 'dream/app'), ANSWERS, `alice may pull and push dream/app: asked for repository:dream/app:pull,push, the token grants both; ${accept}`],
      },
      {
        id: 'image',
        title: `Pull and push of ${refs[1]}`,
        status: 'problem',
        details: [
          planLine(c, tokenRegistry, 'dream/base'),
          ANSWERS,
          'alice may pull but not push dream/base: asked for repository:dream/base:pull,push, the token grants pull only, ' +
            `so docker push fails with "${DENIED}"; the registry's administrator can grant alice access, or use a repository alice may push to; ${accept}`,
        ],
      },
      {
        id: 'image',
        title: `Pull and push of ${refs[2]}`,
        status: 'problem',
        details: [
          planLine(c, tokenRegistry, 'dream/secret'),
          ANSWERS,
          'alice may neither pull nor push dream/secret: asked for repository:dream/secret:pull,push, the token grants nothing, ' +
            `so docker pull and docker push fail ("${DENIED}"); the registry's administrator can grant alice access, or use a repository alice may pull; ${accept}`,
        ],
      },
    ]);
    // The token service was asked for exactly the pull,push scope of each, with alice's login.
    expect(issuer.requests.slice(asked)).toEqual(['dream/app', 'dream/base', 'dream/secret'].map((path) => ({ service: 'dream', user: 'alice', scopes: [`repository:${path}:pull,push`] })));
    expect(existsSync(repositoriesDir(tokenRegistry))).toBe(false);
    expect(snapshotTree(c.home.home)).toEqual(before);
    expect(result.stderr).toBe('');
    expectNoSecret(result);
  });

  it('text output: one titled block per image, with the fixed checks before it', async () => {
    await c.store(tokenRegistry.host);
    const result = await c.doctor(['--image', `${tokenRegistry.host}/dream/base`]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(`✗ Pull and push of ${tokenRegistry.host}/dream/base  [image]\n    ${planLine(c, tokenRegistry, 'dream/base')}\n`);
    expect(result.stdout).toContain('    alice may pull but not push dream/base: ');
    // The fixed checks run too, and first: the image check is the last block.
    expect(result.stdout.indexOf('[registry-login]')).toBeGreaterThan(-1);
    expect(result.stdout.indexOf('[registry-login]')).toBeLessThan(result.stdout.indexOf('[image]'));
    expectNoSecret(result);
  });

  it('Basic auth: the login is accepted, and pull cannot be told from push', async () => {
    await c.store(basicRegistry.host);
    const result = await c.doctor(['--json', '--image', `${basicRegistry.host}/dream/app:2`, 'image']);
    expect(result.exitCode, result.stdout).toBe(0);
    expect(report(result).checks).toEqual([
      {
        id: 'image',
        title: `Pull and push of ${basicRegistry.host}/dream/app:2`,
        status: 'ok',
        details: [
          planLine(c, basicRegistry, 'dream/app'),
          ANSWERS,
          `${accepted(basicRegistry, 'Basic')}; Basic authentication does not tell pull from push, so whether alice may push dream/app shows only when a push is tried`,
        ],
      },
    ]);
    expectNoSecret(result);
  });

  it('a helper that never answers (its child holds the pipes): bounded, one clear line', async () => {
    const helper = join(c.home.home, 'bin', 'docker-credential-x');
    writeFileSync(helper, '#!/bin/sh\n/bin/sleep 600 &\necho $! > "$0.pid"\nwait\n');
    chmodSync(helper, 0o755);
    writeFileSync(c.configFile, JSON.stringify({ credsStore: 'tsstore', credHelpers: { [tokenRegistry.host]: 'x' } }));
    try {
      const result = await c.doctor(['--json', '--image', `${tokenRegistry.host}/dream/app`, 'image']);
      expect(result.exitCode, result.stdout + result.stderr).toBe(1);
      expect(report(result).checks[0]?.details).toEqual([
        `for ${tokenRegistry.host}/dream/app docker reads ${c.configFile} and asks docker-credential-x (credHelpers) for the login under "${tokenRegistry.host}"`,
        `docker-credential-x gives no login for "${tokenRegistry.host}": docker-credential-x get failed: it did not answer within 30 s`,
      ]);
    } finally {
      try {
        process.kill(Number(readFileSync(`${helper}.pid`, 'utf8')), 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }, 90_000);

  it('Docker Hub: a login of alice and bob/app: the namespace explanation and the docker tag that works, network or not', async () => {
    await c.store('https://index.docker.io/v1/');
    const result = await c.doctor(['--json', '--image', 'bob/app:1.0', 'image']);
    expect(result.exitCode, result.stdout + result.stderr).toBe(1);
    const [check] = report(result).checks;
    expect(check).toMatchObject({ id: 'image', title: 'Pull and push of bob/app:1.0', status: 'problem' });
    expect(check?.details.slice(0, 2)).toEqual([
      `for docker.io/bob/app docker reads ${c.configFile} and asks docker-credential-tsstore (credsStore) for the login under "https://index.docker.io/v1/"`,
      ANSWERS,
    ]);
    if (!hubResolves) expect(check?.details[2]).toMatch(/^no verdict from the registry: cannot reach https:\/\/registry-1\.docker\.io\/v2\/: /);
    expect(check?.details.at(-3)).toBe(
      'docker.io/bob/app is in Docker Hub\'s namespace "bob", but the login is alice\'s: Docker Hub takes pushes from alice only into alice/... ' +
        `(and organisations alice may write to), so docker push bob/app:1.0 fails with "${DENIED}"; tag the image into alice/ and push that`,
    );
    expect(check?.details.slice(-2)).toEqual(['run: docker tag bob/app:1.0 alice/app:1.0', 'run: docker push alice/app:1.0']);
    expectNoSecret(result);
  });

  it.each([
    ['bob/App', '--image "bob/App": invalid reference format: repository name (bob/App) must be lowercase'],
    ['reg.example:5000/', '--image "reg.example:5000/": invalid reference format (docker accepts [HOST[:PORT]/]NAME[:TAG][@DIGEST], NAME in lower case)'],
    ['app\u001b[2J', '--image "app\\u001b[2J": invalid reference format (docker accepts [HOST[:PORT]/]NAME[:TAG][@DIGEST], NAME in lower case)'],
  ])('a bad reference %j: one usage line, exit 1, nothing run', async (ref, line) => {
    const asked = issuer.requests.length;
    const result = await c.doctor(['--image', `${tokenRegistry.host}/dream/app`, '--image', ref]);
    expect(result).toEqual({ stdout: '', stderr: `docker-credential-tsstore: ${line}\n`, exitCode: 1 });
    expect(issuer.requests.length).toBe(asked);
  });

  it('naming the image check without --image is a usage line', async () => {
    expect(await c.doctor(['image'])).toEqual({
      stdout: '',
      stderr: 'docker-credential-tsstore: the image check needs --image REF (for example --image registry.example:5000/team/app:1.0)\n',
      exitCode: 1,
    });
  });
});

function shown(result: HelperResult, daemon: StartedDockerDaemon): string {
  return `exit ${result.exitCode}\nstdout: ${result.stdout}\nstderr: ${result.stderr}\ndockerd (tail):\n${daemon.logs().slice(-3000)}`;
}

describe.skipIf(daemonMissing !== undefined || !haveAll(['docker', 'docker-registry', 'htpasswd', 'openssl']))('doctor --image agrees with a real docker push', () => {
  let issuer: StartedTokenIssuer;
  let registry: StartedRegistry;
  let daemon: StartedDockerDaemon;
  let c: ReturnType<typeof client>;

  beforeAll(async () => {
    issuer = await startTokenIssuer({ users: [alice], grants: GRANTS });
    registry = await startRegistry({ users: [alice], token: issuer.registryOption('dream') });
    daemon = await startDockerDaemon();
    await daemon.importImage('tsstore-e2e/app:1');
  }, 180_000);
  afterAll(async () => {
    await daemon?.stop();
    await registry?.stop();
    await issuer?.stop();
  });
  beforeEach(() => {
    c = client(daemon.host);
  });
  afterEach(() => c?.home.cleanup());

  it('doctor says pull but not push for dream/base, and docker push is denied there; dream/app: both, and the push works', async () => {
    const login = await c.login(alice, registry.host);
    expect(login.exitCode, shown(login, daemon)).toBe(0);
    const base = `${registry.host}/dream/base:1`;
    const app = `${registry.host}/dream/app:1`;
    const doctor = await c.doctor(['--json', '--image', base, '--image', app, 'image']);
    const [baseCheck, appCheck] = report(doctor).checks;
    expect(baseCheck?.status).toBe('problem');
    expect(baseCheck?.details[2]).toMatch(/^alice may pull but not push dream\/base: /);
    expect(appCheck?.status).toBe('ok');
    expect(appCheck?.details[2]).toMatch(/^alice may pull and push dream\/app: /);

    for (const image of [base, app]) expect((await c.docker(['tag', 'tsstore-e2e/app:1', image])).exitCode).toBe(0);
    const refused = await c.docker(['push', base]);
    expect(refused.exitCode, shown(refused, daemon)).not.toBe(0);
    expect(refused.stderr).toContain(DENIED);
    const pushed = await c.docker(['push', app]);
    expect(pushed.exitCode, shown(pushed, daemon)).toBe(0);
    expect(existsSync(join(repositoriesDir(registry), 'dream', 'app'))).toBe(true);
    expect(existsSync(join(repositoriesDir(registry), 'dream', 'base'))).toBe(false);
  }, 120_000);
});

/**
 * `doctor --image REF` on the built file against real services: the distribution registry with token
 * authentication whose token service (test/support/token-issuer.ts) lets alice push dream/app, only pull
 * dream/base, and nothing on dream/secret, and lets anyone pull dream/public; a second one whose token
 * service wants a login for everything; the same registry with htpasswd (Basic); a credential helper
 * that never answers; Docker Hub with no network; bad references. The verdict is about pulling; a refused
 * push is a warning, a problem only with --push. With a real dockerd, what doctor said is what docker
 * does: dream/base's push is refused with "denied", dream/app's goes through; without a login
 * dream/public pulls and dream/app does not, in docker's own words, and a Basic registry refuses.
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
import { doctorReport as report, shown, storeLogin } from '../support/doctor-e2e.js';

const alice: RegistryUser = { username: 'alice', password: `alice-${randomSecret()}` };
const GRANTS = { alice: { 'dream/app': ['pull', 'push'], 'dream/base': ['pull'], 'dream/public': ['pull', 'push'] } };
const ANYONE = { 'dream/public': ['pull'] };
const DENIED = 'denied: requested access to the resource is denied';
const pullDenied = (name: string) => `pull access denied for ${name}, repository does not exist or may require 'docker login': ${DENIED}`;
const daemonMissing = dockerDaemonUnavailable();
if (daemonMissing && requireReal) throw new Error(`TSSTORE_REQUIRE_REAL=1 but ${daemonMissing}`);
const hubResolves = await lookup('registry-1.docker.io').then(
  () => true,
  () => false,
);

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
    store: (serverURL) => storeLogin((args, input) => base.helper(args, input), serverURL, alice),
  };
}

/** Every entry of the HOME (bin/'s links to docker and the single file as links, never read through). */
function homeSnapshot(c: DockerClient): Record<string, string> {
  return snapshotTree(c.home.home);
}

/** What the registry keeps once anything was pushed: nothing may appear there while doctor looks. */
function repositoriesDir(registry: StartedRegistry): string {
  return join(registry.dir, 'data', 'docker', 'registry', 'v2', 'repositories');
}

const planLine = (c: DockerClient, registry: StartedRegistry, path: string) =>
  `for ${registry.host}/${path} docker reads ${c.configFile} and asks docker-credential-tsstore (credsStore) for the login under "${registry.host}"`;
const ANSWERS = "docker-credential-tsstore answers with alice's login";
const NO_LOGIN = (registry: StartedRegistry) => `docker-credential-tsstore holds no login for "${registry.host}": docker sends none, so it gets what the registry grants anyone`;
const plainHttp = ' over plain http (127.0.0.1 is a loopback address)';
const accepted = (registry: StartedRegistry, how: string) =>
  `the registry accepts alice's login (${how} authentication at http://${registry.host}/v2/) over plain http (127.0.0.1 is a loopback address)`;

interface Services {
  issuer: StartedTokenIssuer;
  tokenRegistry: StartedRegistry;
  basicRegistry: StartedRegistry;
}

/**
 * The token service, its registry and the Basic one, started once for both groups below: the first only
 * looks (nothing is pushed while doctor runs), the second pushes, after it (vitest runs them in order).
 */
let shared: Promise<Services> | undefined;
function sharedServices(): Promise<Services> {
  shared ??= (async () => {
    const issuer = await startTokenIssuer({ users: [alice], grants: GRANTS, anonymous: ANYONE });
    const [tokenRegistry, basicRegistry] = await Promise.all([startRegistry({ users: [alice], token: issuer.registryOption('dream') }), startRegistry({ users: [alice] })]);
    return { issuer, tokenRegistry, basicRegistry };
  })();
  return shared;
}
afterAll(async () => {
  if (shared === undefined) return;
  const { issuer, tokenRegistry, basicRegistry } = await shared;
  await Promise.all([tokenRegistry.stop(), basicRegistry.stop()]);
  await issuer.stop();
});

describe.skipIf(!haveAll(['docker', 'docker-registry', 'htpasswd', 'openssl']))('doctor --image against real registries', () => {
  let issuer: StartedTokenIssuer;
  let closedIssuer: StartedTokenIssuer;
  let tokenRegistry: StartedRegistry;
  let closedRegistry: StartedRegistry;
  let basicRegistry: StartedRegistry;
  let c: ReturnType<typeof client>;

  beforeAll(async () => {
    const [services, closed] = await Promise.all([sharedServices(), startTokenIssuer({ users: [alice], grants: GRANTS, anonymous: 'refused' })]);
    ({ issuer, tokenRegistry, basicRegistry } = services);
    closedIssuer = closed;
    closedRegistry = await startRegistry({ users: [alice], token: closedIssuer.registryOption('closed') });
  });
  afterAll(async () => {
    await closedRegistry?.stop();
    await closedIssuer?.stop();
  });
  beforeEach(() => {
    c = client();
  });
  afterEach(() => c?.home.cleanup());

  it('token auth: pull and push on dream/app, pull only on dream/base (fine for a pull, a warning), nothing on dream/secret; nothing pushed', async () => {
    await c.store(tokenRegistry.host);
    const asked = issuer.requests.length;
    const before = homeSnapshot(c);
    const refs = ['dream/app', 'dream/base:1.0', 'dream/secret'].map((path) => `${tokenRegistry.host}/${path}`);
    const result = await c.doctor(['--json', ...refs.flatMap((ref) => ['--image', ref]), 'image']);
    expect(result.exitCode, result.stdout + result.stderr).toBe(1);
    const accept = accepted(tokenRegistry, 'token');
    expect(report(result).checks).toEqual([
      {
        id: 'image',
        title: `Pull of ${refs[0]}`,
        status: 'ok',
        details: [planLine(c, tokenRegistry, 'dream/app'), ANSWERS, `alice may pull and push dream/app: asked for repository:dream/app:pull,push, the token grants both; ${accept}`],
      },
      {
        id: 'image',
        title: `Pull of ${refs[1]}`,
        status: 'warning',
        details: [
          planLine(c, tokenRegistry, 'dream/base'),
          ANSWERS,
          `alice may pull dream/base: asked for repository:dream/base:pull,push, the token grants pull only; ${accept}`,
          `warning: alice may not push dream/base: docker push fails with "${DENIED}"; to push, the registry's administrator can grant alice push on dream/base`,
        ],
      },
      {
        id: 'image',
        title: `Pull of ${refs[2]}`,
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
    expect(homeSnapshot(c)).toEqual(before);
    expect(result.stderr).toBe('');
    expectNoSecret(result);
  });

  it('--push: a login that may pull but not push is a problem, and says so', async () => {
    await c.store(tokenRegistry.host);
    const ref = `${tokenRegistry.host}/dream/base:1.0`;
    const result = await c.doctor(['--json', '--push', '--image', ref, 'image']);
    expect(result.exitCode, result.stdout + result.stderr).toBe(1);
    expect(report(result).checks).toEqual([
      {
        id: 'image',
        title: `Pull and push of ${ref}`,
        status: 'problem',
        details: [
          planLine(c, tokenRegistry, 'dream/base'),
          ANSWERS,
          'alice may pull but not push dream/base: asked for repository:dream/base:pull,push, the token grants pull only, ' +
            `so docker push fails with "${DENIED}"; the registry's administrator can grant alice access, or use a repository alice may push to; ${accepted(tokenRegistry, 'token')}`,
        ],
      },
    ]);
    expectNoSecret(result);
  });

  it('text output: one titled block per image, with the fixed checks before it; the push warning under a pull that works', async () => {
    await c.store(tokenRegistry.host);
    const result = await c.doctor(['--image', `${tokenRegistry.host}/dream/base`]);
    expect(result.stdout).toContain(
      `⚠ Pull of ${tokenRegistry.host}/dream/base (warning)  [image]\n    ${planLine(c, tokenRegistry, 'dream/base')}\n    ${ANSWERS}\n    alice may pull dream/base: `,
    );
    expect(result.stdout).toContain('\n    warning: alice may not push dream/base: docker push fails with ');
    // A warning is counted, and never fails the run: only the image check, so nothing else decides the exit code.
    const alone = await c.doctor(['--image', `${tokenRegistry.host}/dream/base`, 'image']);
    expect(alone.exitCode, alone.stdout).toBe(0);
    expect(alone.stdout.endsWith('\nNo problems found; 1 warning.\n')).toBe(true);
    // The fixed checks run too, and first: the image check is the last block.
    expect(result.stdout.indexOf('[registry-login]')).toBeGreaterThan(-1);
    expect(result.stdout.indexOf('[registry-login]')).toBeLessThan(result.stdout.indexOf('[image]'));
    const push = await c.doctor(['--push', '--image', `${tokenRegistry.host}/dream/base`, 'image']);
    expect(push.exitCode).toBe(1);
    expect(push.stdout).toContain(`✗ Pull and push of ${tokenRegistry.host}/dream/base  [image]\n`);
    expect(push.stdout).toContain('    alice may pull but not push dream/base: ');
    expect(push.stdout.endsWith('1 problem left.\n')).toBe(true);
    expectNoSecret(result);
    expectNoSecret(push);
  });

  it('no login stored, token auth: asks the token service without one; a public repository is fine for a pull, push needs a login; nothing written', async () => {
    const asked = issuer.requests.length;
    const before = homeSnapshot(c);
    const ref = `${tokenRegistry.host}/dream/public:1`;
    const result = await c.doctor(['--json', '--image', ref, 'image']);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(report(result)).toEqual({
      ok: true,
      checks: [
        {
          id: 'image',
          title: `Pull of ${ref}`,
          status: 'warning',
          details: [
            planLine(c, tokenRegistry, 'dream/public'),
            NO_LOGIN(tokenRegistry),
            'dream/public is public: asked without a login for repository:dream/public:pull,push, the token service grants pull, so docker pulls it with no login; ' +
              `token authentication at http://${tokenRegistry.host}/v2/${plainHttp}`,
            `warning: a push of dream/public needs a login: without one docker push is refused; log in with docker login ${tokenRegistry.host}`,
          ],
        },
      ],
    });
    // One request to the token service, with no login, for the pull,push scope.
    expect(issuer.requests.slice(asked)).toEqual([{ service: 'dream', user: '', scopes: ['repository:dream/public:pull,push'] }]);
    expect(homeSnapshot(c)).toEqual(before);
    expect(result.stderr).toBe('');

    const push = await c.doctor(['--json', '--push', '--image', ref, 'image']);
    expect(push.exitCode).toBe(1);
    const [check] = report(push).checks;
    expect(check).toMatchObject({ title: `Pull and push of ${ref}`, status: 'problem' });
    expect(check?.details.slice(-2)).toEqual([
      `a push of dream/public needs a login: without one docker push is refused; log in with docker login ${tokenRegistry.host}`,
      `run: docker login ${tokenRegistry.host}`,
    ]);
  });

  it("no login stored, token auth: a repository anyone is granted nothing on is private or missing, in docker pull's words, with docker login", async () => {
    const result = await c.doctor(['--json', '--image', `${tokenRegistry.host}/dream/app`, 'image']);
    expect(result.exitCode, result.stdout + result.stderr).toBe(1);
    expect(report(result).checks[0]?.details.slice(1)).toEqual([
      NO_LOGIN(tokenRegistry),
      'anonymous pull of dream/app is not granted (asked without a login for repository:dream/app:pull,push, the token service grants nothing): ' +
        `docker pull fails with "${pullDenied(`${tokenRegistry.host}/dream/app`)}"; the repository is private or does not exist: if it is private, ` +
        `log in with docker login ${tokenRegistry.host}; token authentication at http://${tokenRegistry.host}/v2/${plainHttp}`,
      `run: docker login ${tokenRegistry.host}`,
    ]);
  });

  it('no login stored: a token service that wants a login, and a Basic registry, refuse anonymous access', async () => {
    const closed = await c.doctor(['--json', '--image', `${closedRegistry.host}/dream/public`, 'image']);
    expect(closed.exitCode, closed.stdout + closed.stderr).toBe(1);
    // The registry sends clients to a realm of its own under the issuer's base.
    const realm = new RegExp(`${closedIssuer.realmBase.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/\\S+`);
    expect(report(closed).checks[0]?.details.slice(1).map((line) => line.replace(realm, 'REALM'))).toEqual([
      NO_LOGIN(closedRegistry),
      `the token service at REALM gives no token without a login (HTTP 401)${plainHttp}: docker pull of dream/public fails without one; log in with docker login ${closedRegistry.host}`,
      `run: docker login ${closedRegistry.host}`,
    ]);
    expect(closedIssuer.requests.at(-1)).toEqual({ service: 'closed', user: '', scopes: ['repository:dream/public:pull,push'] });

    const basic = await c.doctor(['--json', '--image', `${basicRegistry.host}/dream/app`, 'image']);
    expect(basic.exitCode, basic.stdout + basic.stderr).toBe(1);
    expect(report(basic).checks[0]?.details.slice(1)).toEqual([
      NO_LOGIN(basicRegistry),
      `the registry refuses anonymous access (HTTP 401 without a login; Basic authentication at http://${basicRegistry.host}/v2/${plainHttp}): ` +
        `docker pull fails with "no basic auth credentials"; log in with docker login ${basicRegistry.host}`,
      `run: docker login ${basicRegistry.host}`,
    ]);
  });

  it('Basic auth: the login is accepted, and pull cannot be told from push', async () => {
    await c.store(basicRegistry.host);
    const result = await c.doctor(['--json', '--image', `${basicRegistry.host}/dream/app:2`, 'image']);
    expect(result.exitCode, result.stdout).toBe(0);
    expect(report(result).checks).toEqual([
      {
        id: 'image',
        title: `Pull of ${basicRegistry.host}/dream/app:2`,
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

  it('Docker Hub: a login of alice and bob/app with --push: the namespace explanation and the docker tag that works, network or not', async () => {
    await c.store('https://index.docker.io/v1/');
    const result = await c.doctor(['--json', '--push', '--image', 'bob/app:1.0', 'image']);
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

  it('--push without --image is a usage line, nothing run', async () => {
    const asked = issuer.requests.length;
    expect(await c.doctor(['--push'])).toEqual({
      stdout: '',
      stderr: 'docker-credential-tsstore: --push says which images to judge for a push: it needs --image REF (for example --image registry.example:5000/team/app:1.0 --push)\n',
      exitCode: 1,
    });
    expect(issuer.requests.length).toBe(asked);
  });
});

describe.skipIf(daemonMissing !== undefined || !haveAll(['docker', 'docker-registry', 'htpasswd', 'openssl']))('doctor --image agrees with a real docker push and pull', () => {
  let registry: StartedRegistry;
  let basicRegistry: StartedRegistry;
  let daemon: StartedDockerDaemon;
  let c: ReturnType<typeof client>;

  beforeAll(async () => {
    let services: Services;
    [services, daemon] = await Promise.all([sharedServices(), startDockerDaemon()]);
    ({ tokenRegistry: registry, basicRegistry } = services);
    await daemon.importImage('tsstore-e2e/app:1');
  }, 180_000);
  afterAll(async () => {
    await daemon?.stop();
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
    const doctor = await c.doctor(['--json', '--push', '--image', base, '--image', app, 'image']);
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

  /** Pushes `images` as alice, then logs out and removes them here, so a pull must come from the registry. */
  async function pushedThenForgotten(host: string, images: readonly string[]): Promise<void> {
    const login = await c.login(alice, host);
    expect(login.exitCode, shown(login, daemon)).toBe(0);
    for (const image of images) {
      expect((await c.docker(['tag', 'tsstore-e2e/app:1', image])).exitCode).toBe(0);
      const pushed = await c.docker(['push', image]);
      expect(pushed.exitCode, shown(pushed, daemon)).toBe(0);
      expect((await c.docker(['rmi', image])).exitCode).toBe(0);
    }
    expect((await c.docker(['logout', host])).exitCode).toBe(0);
    expect(await c.helper(['list'], 'unused')).toMatchObject({ stdout: '{}\n', exitCode: 0 });
  }

  it('no login: doctor says dream/public pulls and dream/app does not (in the words docker prints), and docker pull agrees; the push without a login is refused', async () => {
    const pub = `${registry.host}/dream/public:1`;
    const app = `${registry.host}/dream/app:2`;
    await pushedThenForgotten(registry.host, [pub, app]);
    const doctor = await c.doctor(['--json', '--image', pub, '--image', app, 'image']);
    const [pubCheck, appCheck] = report(doctor).checks;
    expect(pubCheck?.status).toBe('warning');
    expect(pubCheck?.details[2]).toMatch(/^dream\/public is public: /);
    expect(pubCheck?.details[3]).toMatch(/^warning: a push of dream\/public needs a login: /);
    expect(appCheck?.status).toBe('problem');
    expect(appCheck?.details[2]).toContain(`docker pull fails with "${pullDenied(`${registry.host}/dream/app`)}"`);

    const pulled = await c.docker(['pull', pub]);
    expect(pulled.exitCode, shown(pulled, daemon)).toBe(0);
    const refused = await c.docker(['pull', app]);
    expect(refused.exitCode, shown(refused, daemon)).not.toBe(0);
    expect(refused.stderr).toContain(pullDenied(`${registry.host}/dream/app`));
    expect((await c.docker(['tag', 'tsstore-e2e/app:1', `${registry.host}/dream/public:2`])).exitCode).toBe(0);
    const push = await c.docker(['push', `${registry.host}/dream/public:2`]);
    expect(push.exitCode, shown(push, daemon)).not.toBe(0);
  }, 120_000);

  it('no login, Basic registry: doctor says anonymous access is refused with "no basic auth credentials", and docker pull prints that', async () => {
    const image = `${basicRegistry.host}/dream/app:1`;
    await pushedThenForgotten(basicRegistry.host, [image]);
    const doctor = await c.doctor(['--json', '--image', image, 'image']);
    const [check] = report(doctor).checks;
    expect(check?.status).toBe('problem');
    expect(check?.details[2]).toMatch(/^the registry refuses anonymous access .*: docker pull fails with "no basic auth credentials"; /);
    const refused = await c.docker(['pull', image]);
    expect(refused.exitCode, shown(refused, daemon)).not.toBe(0);
    expect(refused.stderr).toContain('no basic auth credentials');
  }, 120_000);
});

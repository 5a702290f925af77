/**
 * doctor --image's judgement, without a network: where docker looks for the login, what the registry's
 * answers mean for pull and push, and Docker Hub's namespace rule (the check run on a fake context whose
 * network does not resolve, as here).
 */
import { describe, expect, it } from 'vitest';
import { parseImageReference } from '../../../src/docker/image-reference.js';
import { imageCheck } from '../../../src/doctor/checks/image.js';
import { describePlan, planLogin } from '../../../src/doctor/image/where-docker-looks.js';
import { DENIED, describeAccess, describeAnonymousAccess, describeGrant, hubNamespaceAdvice, pullAndPush } from '../../../src/doctor/image/wording.js';
import { TIMED_OUT_EXIT_CODE } from '../../../src/credential-helper/run.js';
import { registryTarget } from '../../../src/registry/endpoints.js';
import type { HttpOutcome, HttpRequest } from '../../../src/registry/http-request.js';
import { FakeContext, b64 } from '../fake-context.js';

const ref = parseImageReference;
const nothingOnPath = () => false;

describe('planLogin: the key, and where docker reads the login for it', () => {
  it('Docker Hub: the index URL; credHelpers by that exact key only, else credsStore', () => {
    const hub = ref('bob/app');
    expect(planLogin(hub, { config: { credsStore: 'tsstore' }, onPath: nothingOnPath })).toEqual({
      key: 'https://index.docker.io/v1/',
      place: { kind: 'helper', helper: 'tsstore', why: 'credsStore' },
    });
    // docker does not look up "index.docker.io" or "docker.io" for Docker Hub.
    expect(planLogin(hub, { config: { credsStore: 'tsstore', credHelpers: { 'docker.io': 'x', 'index.docker.io': 'y' } }, onPath: nothingOnPath }).place).toEqual({
      kind: 'helper',
      helper: 'tsstore',
      why: 'credsStore',
    });
    expect(planLogin(hub, { config: { credsStore: 'tsstore', credHelpers: { 'https://index.docker.io/v1/': 'desktop' } }, onPath: nothingOnPath }).place).toEqual({
      kind: 'helper',
      helper: 'desktop',
      why: 'credHelpers',
    });
  });

  it('another registry: host:port as written is the key; credHelpers wins over credsStore', () => {
    const image = ref('127.0.0.1:5000/dream/app:1');
    expect(planLogin(image, { config: { credsStore: 'tsstore', credHelpers: { '127.0.0.1:5000': 'pass' } }, onPath: nothingOnPath })).toEqual({
      key: '127.0.0.1:5000',
      place: { kind: 'helper', helper: 'pass', why: 'credHelpers' },
    });
    expect(planLogin(image, { config: { credsStore: 'tsstore', credHelpers: { '127.0.0.1:5001': 'pass' } }, onPath: nothingOnPath }).place).toMatchObject({ helper: 'tsstore' });
  });

  it('no credsStore, credHelpers or auths: docker picks pass when pass and its helper are on PATH, else secretservice', () => {
    const image = ref('reg.example/app');
    const on = (...programs: string[]) => (program: string) => programs.includes(program);
    expect(planLogin(image, { config: {}, onPath: on('pass', 'docker-credential-pass') }).place).toEqual({ kind: 'helper', helper: 'pass', why: "docker's default store" });
    expect(planLogin(image, { config: {}, onPath: on('docker-credential-secretservice') }).place).toMatchObject({ helper: 'secretservice' });
    // pass itself on PATH but not its helper: docker picks none (it does not fall back to secretservice).
    expect(planLogin(image, { config: {}, onPath: on('pass', 'docker-credential-secretservice') }).place).toEqual({ kind: 'config' });
    // Any auths entry and docker detects no default.
    expect(planLogin(image, { config: { auths: { other: {} } }, onPath: on('pass', 'docker-credential-pass') }).place).toEqual({ kind: 'config' });
  });

  it('DOCKER_AUTH_CONFIG comes first when it holds a login for the key (exact, or by host)', () => {
    const image = ref('reg.example:5000/app');
    const authEnv = { auths: { 'https://reg.example:5000': { auth: b64('ci:tok') } } };
    expect(planLogin(image, { config: { credsStore: 'tsstore' }, authEnv, onPath: nothingOnPath }).place).toEqual({
      kind: 'auth-env',
      entry: { registry: 'https://reg.example:5000', kind: 'login', username: 'ci', secret: 'tok' },
    });
    expect(planLogin(image, { config: { credsStore: 'tsstore' }, authEnv: { auths: { other: { auth: b64('a:b') } } }, onPath: nothingOnPath }).place).toMatchObject({ helper: 'tsstore' });
  });

  it('says which file, helper and key in one line', () => {
    const image = ref('127.0.0.1:5000/dream/app');
    const plan = planLogin(image, { config: { credsStore: 'tsstore' }, onPath: nothingOnPath });
    expect(describePlan(image, plan, '/h/.docker/config.json')).toBe(
      'for 127.0.0.1:5000/dream/app docker reads /h/.docker/config.json and asks docker-credential-tsstore (credsStore) for the login under "127.0.0.1:5000"',
    );
  });
});

describe('describeGrant: the actions a token grants, in words; pull decides, push too with --push', () => {
  it('pullAndPush: `*` is every action; others are named', () => {
    expect(pullAndPush(['*'])).toEqual({ pull: true, push: true });
    expect(pullAndPush(['pull'])).toEqual({ pull: true, push: false });
    expect(pullAndPush(['delete', 'push'])).toEqual({ pull: false, push: true });
    expect(pullAndPush([])).toEqual({ pull: false, push: false });
  });

  const accepted = 'the registry accepts alice\'s login (token authentication at http://r/v2/)';
  const pullOnly = { push: false };
  const withPush = { push: true };
  it.each([
    [['pull', 'push'], withPush, ['ok'], 'alice may pull and push dream/app'],
    [['*'], withPush, ['ok'], 'alice may pull and push dream/app'],
    [['pull', 'push'], pullOnly, ['ok'], 'alice may pull and push dream/app'],
    [['pull'], withPush, ['problem'], 'alice may pull but not push dream/app'],
    [['pull'], pullOnly, ['ok', 'warning'], 'alice may pull dream/app'],
    [['push'], pullOnly, ['problem'], 'alice may push but not pull dream/app'],
    [[], pullOnly, ['problem'], 'alice may neither pull nor push dream/app'],
    [[], withPush, ['problem'], 'alice may neither pull nor push dream/app'],
  ])('%j, %j: %j, "%s"', (actions, asked, statuses, words) => {
    const verdicts = describeGrant('alice', 'dream/app', actions, accepted, asked);
    expect(verdicts.map((verdict) => verdict.status)).toEqual(statuses);
    const [first] = verdicts;
    expect(first?.line.startsWith(`${words}: asked for repository:dream/app:pull,push, the token grants `)).toBe(true);
    expect(first?.line.endsWith(`; ${accepted}`)).toBe(true);
  });

  it('a pull-only grant names the error docker push will print: a problem with --push, else a warning that names the action and who can grant it', () => {
    expect(describeGrant('alice', 'dream/base', ['pull'], accepted, withPush)).toEqual([
      {
        status: 'problem',
        line:
          `alice may pull but not push dream/base: asked for repository:dream/base:pull,push, the token grants pull only, so docker push fails with "${DENIED}"; ` +
          `the registry's administrator can grant alice access, or use a repository alice may push to; ${accepted}`,
        commands: [],
      },
    ]);
    expect(describeGrant('alice', 'dream/base', ['pull'], accepted, pullOnly)).toEqual([
      { status: 'ok', line: `alice may pull dream/base: asked for repository:dream/base:pull,push, the token grants pull only; ${accepted}`, commands: [] },
      {
        status: 'warning',
        line: `warning: alice may not push dream/base: docker push fails with "${DENIED}"; to push, the registry's administrator can grant alice push on dream/base`,
        commands: [],
      },
    ]);
  });
});

describe('describeAccess: other registry answers', () => {
  const image = ref('127.0.0.1:5000/dream/app');
  const target = registryTarget('127.0.0.1:5000')!;
  const subject = { key: '127.0.0.1:5000', username: 'alice', source: 'docker-credential-tsstore' };
  const paths = { daemonJson: '/etc/docker/daemon.json', certsD: '/etc/docker/certs.d', rootless: false, daemonJsonWritable: false };
  const asked = { push: false };

  it('Basic: the login is accepted, and pull cannot be told from push', () => {
    const verdicts = describeAccess({ kind: 'ok', url: 'http://127.0.0.1:5000/v2/', how: 'basic' }, subject, target, image, paths, asked, ' over plain http (127.0.0.1 is a loopback address)');
    expect(verdicts).toEqual([
      {
        status: 'ok',
        line:
          "the registry accepts alice's login (Basic authentication at http://127.0.0.1:5000/v2/) over plain http (127.0.0.1 is a loopback address); " +
          'Basic authentication does not tell pull from push, so whether alice may push dream/app shows only when a push is tried',
        commands: [],
      },
    ]);
  });

  it('an opaque token: accepted, actions unreadable', () => {
    const verdicts = describeAccess({ kind: 'ok', url: 'https://r/v2/', how: 'token', granted: { readable: false, why: 'the token is not a JWT' } }, subject, target, image, paths, asked);
    expect(verdicts).toMatchObject([{ status: 'ok', line: "the registry accepts alice's login (token authentication at https://r/v2/), but the token is not a JWT: what it grants on dream/app cannot be read" }]);
  });

  it('unreachable is a skipped verdict; a refused login is a problem with the login command', () => {
    expect(describeAccess({ kind: 'unreachable', url: 'https://r/v2/', reason: 'r does not resolve (ENOTFOUND)' }, subject, target, image, paths, asked)).toEqual([
      { status: 'skipped', line: 'no verdict from the registry: cannot reach https://r/v2/: r does not resolve (ENOTFOUND)', commands: [] },
    ]);
    expect(describeAccess({ kind: 'rejected', url: 'http://127.0.0.1:5000/v2/', status: 401, how: 'basic' }, subject, target, image, paths, asked)).toMatchObject([
      { status: 'problem', commands: ['docker login -u alice 127.0.0.1:5000'] },
    ]);
  });
});

describe('describeAnonymousAccess: no login to send, so what the registry grants anyone', () => {
  const image = ref('127.0.0.1:5000/dream/app:1');
  const target = registryTarget('127.0.0.1:5000')!;
  const paths = { daemonJson: '/etc/docker/daemon.json', certsD: '/etc/docker/certs.d', rootless: false, daemonJsonWritable: false };
  const insecure = ' over plain http (127.0.0.1 is a loopback address)';
  const token = (actions: string[]) => ({ kind: 'ok' as const, url: 'http://127.0.0.1:5000/v2/', how: 'token' as const, granted: { readable: true as const, actions } });
  const where = `token authentication at http://127.0.0.1:5000/v2/${insecure}`;

  it('public (pull granted): fine for a pull; a push needs a login, a warning without --push and a problem with it', () => {
    expect(describeAnonymousAccess(token(['pull']), target, image, paths, { push: false }, insecure)).toEqual([
      { status: 'ok', line: `dream/app is public: asked without a login for repository:dream/app:pull,push, the token service grants pull, so docker pulls it with no login; ${where}`, commands: [] },
      { status: 'warning', line: 'warning: a push of dream/app needs a login: without one docker push is refused; log in with docker login 127.0.0.1:5000', commands: ['docker login 127.0.0.1:5000'] },
    ]);
    expect(describeAnonymousAccess(token(['pull']), target, image, paths, { push: true }, insecure)[1]).toEqual({
      status: 'problem',
      line: 'a push of dream/app needs a login: without one docker push is refused; log in with docker login 127.0.0.1:5000',
      commands: ['docker login 127.0.0.1:5000'],
    });
    expect(describeAnonymousAccess(token(['*']), target, image, paths, { push: true })).toMatchObject([{ status: 'ok', line: expect.stringMatching(/^anyone may pull and push dream\/app: /) }]);
  });

  it('nothing granted: private or not there (registries do not tell), with docker pull\'s own words and docker login', () => {
    expect(describeAnonymousAccess(token([]), target, image, paths, { push: false }, insecure)).toEqual([
      {
        status: 'problem',
        line:
          'anonymous pull of dream/app is not granted (asked without a login for repository:dream/app:pull,push, the token service grants nothing): docker pull fails with ' +
          `"pull access denied for 127.0.0.1:5000/dream/app, repository does not exist or may require 'docker login': ${DENIED}"; ` +
          `the repository is private or does not exist: if it is private, log in with docker login 127.0.0.1:5000; ${where}`,
        commands: ['docker login 127.0.0.1:5000'],
      },
    ]);
    // Docker Hub: docker names the image the short way, and docker login takes no registry.
    const hub = describeAnonymousAccess(token([]), registryTarget('docker.io')!, ref('nginx'), paths, { push: false });
    expect(hub[0]?.line).toContain('"pull access denied for nginx, repository does not exist');
    expect(hub[0]?.commands).toEqual(['docker login']);
  });

  it('Basic: a 401 without a login is the refusal; a token service that gives no token without a login too', () => {
    expect(describeAnonymousAccess({ kind: 'rejected', url: 'http://127.0.0.1:5000/v2/', status: 401, how: 'basic' }, target, image, paths, { push: false }, insecure)).toEqual([
      {
        status: 'problem',
        line: `the registry refuses anonymous access (HTTP 401 without a login; Basic authentication at http://127.0.0.1:5000/v2/${insecure}): docker pull fails with "no basic auth credentials"; log in with docker login 127.0.0.1:5000`,
        commands: ['docker login 127.0.0.1:5000'],
      },
    ]);
    expect(describeAnonymousAccess({ kind: 'rejected', url: 'http://127.0.0.1:7000/token', status: 401, how: 'token' }, target, image, paths, { push: false })).toEqual([
      {
        status: 'problem',
        line: 'the token service at http://127.0.0.1:7000/token gives no token without a login (HTTP 401): docker pull of dream/app fails without one; log in with docker login 127.0.0.1:5000',
        commands: ['docker login 127.0.0.1:5000'],
      },
    ]);
  });

  it('an open registry, an unreadable token, an unreachable one, and the TLS words of registry-login said of the registry', () => {
    expect(describeAnonymousAccess({ kind: 'ok', url: 'http://127.0.0.1:5000/v2/', how: 'anonymous' }, target, image, paths, { push: true })).toMatchObject([{ status: 'ok' }]);
    expect(describeAnonymousAccess({ kind: 'ok', url: 'https://r/v2/', how: 'token', granted: { readable: false, why: 'the token is not a JWT' } }, target, image, paths, { push: false })).toEqual([
      { status: 'skipped', line: 'the token service gives a token without a login, but the token is not a JWT: what anyone may do with dream/app cannot be read; token authentication at https://r/v2/', commands: [] },
    ]);
    expect(describeAnonymousAccess({ kind: 'unreachable', url: 'https://r/v2/', reason: 'no answer within 6 s' }, target, image, paths, { push: false })).toMatchObject([{ status: 'skipped' }]);
    const [tls] = describeAnonymousAccess({ kind: 'tls-other', url: 'https://127.0.0.1:5000/v2/', reason: 'its certificate has expired (CERT_HAS_EXPIRED)' }, target, image, paths, { push: false });
    expect(tls).toEqual({ status: 'problem', line: '127.0.0.1:5000, asked without a login: TLS with https://127.0.0.1:5000/v2/ fails: its certificate has expired (CERT_HAS_EXPIRED)', commands: [] });
  });
});

describe('hubNamespaceAdvice: Docker Hub takes pushes only into the login\'s namespace', () => {
  const withPush = { push: true };
  it('bob/app with alice\'s login and --push: the explanation, and the docker tag that works (the tag kept)', () => {
    expect(hubNamespaceAdvice(ref('bob/app:1.0'), 'alice', withPush)).toEqual({
      status: 'problem',
      line:
        'docker.io/bob/app is in Docker Hub\'s namespace "bob", but the login is alice\'s: Docker Hub takes pushes from alice only into alice/... ' +
        `(and organisations alice may write to), so docker push bob/app:1.0 fails with "${DENIED}"; tag the image into alice/ and push that`,
      commands: ['docker tag bob/app:1.0 alice/app:1.0', 'docker push alice/app:1.0'],
    });
    expect(hubNamespaceAdvice(ref('docker.io/bob/app'), 'Alice', withPush)?.commands).toEqual(['docker tag docker.io/bob/app alice/app', 'docker push alice/app']);
  });

  it('without --push: a warning whose line holds the commands', () => {
    expect(hubNamespaceAdvice(ref('bob/app:1.0'), 'alice', { push: false })).toMatchObject({
      status: 'warning',
      line: expect.stringMatching(/^warning: docker\.io\/bob\/app is in Docker Hub's namespace "bob", .*; to push, docker tag bob\/app:1\.0 alice\/app:1\.0, then docker push alice\/app:1\.0$/),
    });
  });

  it.each([
    ['alice/app', 'alice', 'her own namespace'],
    ['ALICE-less/app'.toLowerCase(), '<token>', 'an identity token: whose namespace is unknown'],
    ['nginx', 'alice', 'official images (library/)'],
    ['library/nginx', 'alice', 'official images (library/)'],
    ['127.0.0.1:5000/bob/app', 'alice', 'not Docker Hub'],
    ['alice/app', 'alice@example.com', 'an e-mail login: its namespace is unknown, alice/ may well be it'],
    ['bob/app', 'alice@example.com', 'an e-mail login: no "docker tag bob/app alice@example.com/app", which docker refuses'],
  ])('%s with %s: no advice (%s)', (given, username) => {
    expect(hubNamespaceAdvice(ref(given), username, withPush)).toBeUndefined();
  });
});

class OfflineContext extends FakeContext {
  requests = 0;
  override async httpRequest(): Promise<HttpOutcome> {
    this.requests++;
    return { kind: 'error', code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND' };
  }
}

describe('the image check with no network', () => {
  it('a Hub login of alice and bob/app with --push: which helper and key, the helper answers, no registry verdict, the namespace advice', async () => {
    const context = new OfflineContext({ configText: '{"credsStore": "tsstore"}' });
    await context.backend.add('https://index.docker.io/v1/', { username: 'alice', secret: 'alice-s3cret' });
    const check = imageCheck(ref('bob/app'), { push: true });
    expect(check.title).toBe('Pull and push of bob/app');
    const diagnosis = await check.diagnose(context);
    expect(diagnosis.status).toBe('problem');
    expect(diagnosis.details).toEqual([
      'for docker.io/bob/app docker reads /home/u/.docker/config.json and asks docker-credential-tsstore (credsStore) for the login under "https://index.docker.io/v1/"',
      "docker-credential-tsstore answers with alice's login",
      'no verdict from the registry: cannot reach https://registry-1.docker.io/v2/: registry-1.docker.io does not resolve (ENOTFOUND)',
      expect.stringMatching(/^docker\.io\/bob\/app is in Docker Hub's namespace "bob", but the login is alice's/),
    ]);
    expect(diagnosis.commands).toEqual(['docker tag bob/app alice/app', 'docker push alice/app']);
    expect(JSON.stringify(diagnosis)).not.toContain('alice-s3cret');
    expect(context.writes).toEqual([]);
  });

  it('the same without --push: a pull check, the namespace rule a warning, no verdict (skipped) and no commands to run', async () => {
    const context = new OfflineContext({ configText: '{"credsStore": "tsstore"}' });
    await context.backend.add('https://index.docker.io/v1/', { username: 'alice', secret: 'alice-s3cret' });
    const check = imageCheck(ref('bob/app'));
    expect(check.title).toBe('Pull of bob/app');
    const diagnosis = await check.diagnose(context);
    expect(diagnosis).toMatchObject({ status: 'skipped', commands: [] });
    expect(diagnosis.details.at(-1)).toMatch(/^warning: docker\.io\/bob\/app is in Docker Hub's namespace "bob", .*; to push, docker tag bob\/app alice\/app, then docker push alice\/app$/);
  });

  it('a helper that is not on PATH is a problem; one that has no login means asking the registry without one', async () => {
    const missing = new OfflineContext({ configText: '{"credsStore": "tsstore", "credHelpers": {"reg.example": "gone"}}' });
    const gone = await imageCheck(ref('reg.example/app')).diagnose(missing);
    expect(gone.status).toBe('problem');
    expect(gone.details[1]).toBe('docker-credential-gone is not on PATH: docker cannot ask it, and fails every push and pull of this registry (see creds-store)');
    expect(missing.requests).toBe(0);
    const empty = new OfflineContext({ configText: '{"credsStore": "tsstore"}' });
    const diagnosis = await imageCheck(ref('reg.example/app')).diagnose(empty);
    expect(diagnosis.details.slice(1)).toEqual([
      'docker-credential-tsstore holds no login for "reg.example": docker sends none, so it gets what the registry grants anyone',
      'no verdict from the registry: cannot reach https://reg.example/v2/: reg.example does not resolve (ENOTFOUND)',
    ]);
    expect(diagnosis.status).toBe('skipped');
    expect(empty.requests).toBe(1);
  });

  it('a helper that timed out: one line with the bound', async () => {
    const context = new OfflineContext({ configText: '{"credHelpers": {"reg.example": "x"}}', helpers: ['x'], helperAnswers: { x: { 'get reg.example': { stdout: '', stderr: '', exitCode: TIMED_OUT_EXIT_CODE } } } });
    const diagnosis = await imageCheck(ref('reg.example/app')).diagnose(context);
    expect(diagnosis.status).toBe('problem');
    expect(diagnosis.details[1]).toBe('docker-credential-x gives no login for "reg.example": docker-credential-x get failed: it did not answer within 30 s');
  });
});

/** Docker Hub as scripted answers: its token service grants what `grants` says, with a login or without. */
class HubContext extends FakeContext {
  tokenRequests: Array<{ authorized: boolean; scope: string }> = [];
  constructor(
    configText: string,
    private readonly grants: { withLogin: string[]; anyone: string[] },
  ) {
    super({ configText });
  }
  // Optional only because FakeContext declares it without one; the check always passes a request.
  override async httpRequest(request?: HttpRequest): Promise<HttpOutcome> {
    if (request === undefined) throw new Error('no request');
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const url = new URL(request.url);
    if (url.origin === 'https://auth.docker.io') {
      const authorized = request.headers?.authorization !== undefined;
      const scope = url.searchParams.get('scope') ?? '';
      this.tokenRequests.push({ authorized, scope });
      const name = scope.split(':')[1];
      const token = `${part({ alg: 'RS256' })}.${part({ access: [{ type: 'repository', name, actions: authorized ? this.grants.withLogin : this.grants.anyone }] })}.c2ln`;
      return { kind: 'response', status: 200, headers: {}, body: JSON.stringify({ token }) };
    }
    if (request.url === 'https://registry-1.docker.io/v2/') {
      if (request.headers?.authorization?.startsWith('Bearer ')) return { kind: 'response', status: 200, headers: {}, body: '' };
      return { kind: 'response', status: 401, headers: { 'www-authenticate': 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io"' }, body: '' };
    }
    throw new Error(`unscripted request ${request.url}`);
  }
}

describe('the image check against a scripted Docker Hub', () => {
  it("alice pulls bob/app: fine; the namespace rule is the push warning, in place of the generic one; a warning, not a problem", async () => {
    const context = new HubContext('{"credsStore": "tsstore"}', { withLogin: ['pull'], anyone: ['pull'] });
    await context.backend.add('https://index.docker.io/v1/', { username: 'alice', secret: 'alice-s3cret' });
    const diagnosis = await imageCheck(ref('bob/app')).diagnose(context);
    // The pull works: the check warns about the push, and prints no "run:" line for it.
    expect(diagnosis.status).toBe('warning');
    expect(diagnosis.commands ?? []).toEqual([]);
    expect(diagnosis.details.slice(1)).toEqual([
      "docker-credential-tsstore answers with alice's login",
      "alice may pull bob/app: asked for repository:bob/app:pull,push, the token grants pull only; the registry accepts alice's login (token authentication at https://registry-1.docker.io/v2/)",
      expect.stringMatching(/^warning: docker\.io\/bob\/app is in Docker Hub's namespace "bob", but the login is alice's: .*; to push, docker tag bob\/app alice\/app, then docker push alice\/app$/),
    ]);
    expect(context.tokenRequests).toEqual([{ authorized: true, scope: 'repository:bob/app:pull,push' }]);
    expect(JSON.stringify(diagnosis)).not.toContain('alice-s3cret');
  });

  it('alice pulls and pushes alice/app: ok, no warning', async () => {
    const context = new HubContext('{"credsStore": "tsstore"}', { withLogin: ['pull', 'push'], anyone: ['pull'] });
    await context.backend.add('https://index.docker.io/v1/', { username: 'alice', secret: 'alice-s3cret' });
    const diagnosis = await imageCheck(ref('alice/app')).diagnose(context);
    expect(diagnosis.status).toBe('ok');
    expect(diagnosis.details.some((line) => line.startsWith('warning: '))).toBe(false);
  });

  it('no login stored: nginx is public (pull, and a push warning with docker login); a private one is a problem', async () => {
    const open = new HubContext('{"credsStore": "tsstore"}', { withLogin: [], anyone: ['pull'] });
    const pub = await imageCheck(ref('nginx')).diagnose(open);
    expect(pub.status).toBe('warning');
    expect(pub.details.slice(1)).toEqual([
      'docker-credential-tsstore holds no login for "https://index.docker.io/v1/": docker sends none, so it gets what the registry grants anyone',
      'library/nginx is public: asked without a login for repository:library/nginx:pull,push, the token service grants pull, so docker pulls it with no login; token authentication at https://registry-1.docker.io/v2/',
      'warning: a push of library/nginx needs a login: without one docker push is refused; log in with docker login',
    ]);
    expect(open.tokenRequests).toEqual([{ authorized: false, scope: 'repository:library/nginx:pull,push' }]);
    const closed = new HubContext('{"credsStore": "tsstore"}', { withLogin: [], anyone: [] });
    const hidden = await imageCheck(ref('bob/private')).diagnose(closed);
    expect(hidden).toMatchObject({ status: 'problem', commands: ['docker login'] });
    expect(hidden.details[2]).toContain(`docker pull fails with "pull access denied for bob/private, repository does not exist or may require 'docker login': ${DENIED}"`);
  });
});

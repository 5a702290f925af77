/**
 * doctor --image's judgement, without a network: where docker looks for the login, what the registry's
 * answers mean for pull and push, and Docker Hub's namespace rule (the check run on a fake context whose
 * network does not resolve, as here).
 */
import { describe, expect, it } from 'vitest';
import { parseImageReference } from '../../../src/docker/image-reference.js';
import { imageCheck } from '../../../src/doctor/checks/image.js';
import { describePlan, planLogin } from '../../../src/doctor/image/where-docker-looks.js';
import { DENIED, describeAccess, describeGrant, hubNamespaceAdvice } from '../../../src/doctor/image/wording.js';
import { registryTarget } from '../../../src/registry/endpoints.js';
import type { HttpOutcome } from '../../../src/registry/http-request.js';
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

describe('describeGrant: the actions a token grants, in words', () => {
  const accepted = 'the registry accepts alice\'s login (token authentication at http://r/v2/)';
  it.each([
    [['pull', 'push'], 'ok', 'alice may pull and push dream/app'],
    [['*'], 'ok', 'alice may pull and push dream/app'],
    [['pull'], 'problem', 'alice may pull but not push dream/app'],
    [['push'], 'problem', 'alice may push but not pull dream/app'],
    [[], 'problem', 'alice may neither pull nor push dream/app'],
  ])('%j: %s, "%s"', (actions, status, words) => {
    const verdict = describeGrant('alice', 'dream/app', actions, accepted);
    expect(verdict.status).toBe(status);
    expect(verdict.line.startsWith(`${words}: asked for repository:dream/app:pull,push, the token grants `)).toBe(true);
    expect(verdict.line.endsWith(`; ${accepted}`)).toBe(true);
  });

  it('a pull-only grant names the error docker push will print', () => {
    expect(describeGrant('alice', 'dream/base', ['pull'], accepted).line).toContain(`docker push fails with "${DENIED}"`);
  });
});

describe('describeAccess: other registry answers', () => {
  const image = ref('127.0.0.1:5000/dream/app');
  const target = registryTarget('127.0.0.1:5000')!;
  const subject = { key: '127.0.0.1:5000', username: 'alice', source: 'docker-credential-tsstore' };
  const paths = { daemonJson: '/etc/docker/daemon.json', certsD: '/etc/docker/certs.d' };

  it('Basic: the login is accepted, and pull cannot be told from push', () => {
    const verdict = describeAccess({ kind: 'ok', url: 'http://127.0.0.1:5000/v2/', how: 'basic' }, subject, target, image, paths, ' over plain http (127.0.0.1 is a loopback address)');
    expect(verdict).toEqual({
      status: 'ok',
      line:
        "the registry accepts alice's login (Basic authentication at http://127.0.0.1:5000/v2/) over plain http (127.0.0.1 is a loopback address); " +
        'Basic authentication does not tell pull from push, so whether alice may push dream/app shows only when a push is tried',
      commands: [],
    });
  });

  it('an opaque token: accepted, actions unreadable', () => {
    const verdict = describeAccess({ kind: 'ok', url: 'https://r/v2/', how: 'token', granted: { readable: false, why: 'the token is not a JWT' } }, subject, target, image, paths);
    expect(verdict).toMatchObject({ status: 'ok', line: "the registry accepts alice's login (token authentication at https://r/v2/), but the token is not a JWT: what it grants on dream/app cannot be read" });
  });

  it('unreachable is a skipped verdict; a refused login is a problem with the login command', () => {
    expect(describeAccess({ kind: 'unreachable', url: 'https://r/v2/', reason: 'r does not resolve (ENOTFOUND)' }, subject, target, image, paths)).toEqual({
      status: 'skipped',
      line: 'no verdict from the registry: cannot reach https://r/v2/: r does not resolve (ENOTFOUND)',
      commands: [],
    });
    expect(describeAccess({ kind: 'rejected', url: 'http://127.0.0.1:5000/v2/', status: 401, how: 'basic' }, subject, target, image, paths)).toMatchObject({
      status: 'problem',
      commands: ['docker login -u alice 127.0.0.1:5000'],
    });
  });
});

describe('hubNamespaceAdvice: Docker Hub takes pushes only into the login\'s namespace', () => {
  it('bob/app with alice\'s login: the explanation, and the docker tag that works (the tag kept)', () => {
    expect(hubNamespaceAdvice(ref('bob/app:1.0'), 'alice')).toEqual({
      status: 'problem',
      line:
        'docker.io/bob/app is in Docker Hub\'s namespace "bob", but the login is alice\'s: Docker Hub takes pushes from alice only into alice/... ' +
        `(and organisations alice may write to), so docker push bob/app:1.0 fails with "${DENIED}"; tag the image into alice/ and push that`,
      commands: ['docker tag bob/app:1.0 alice/app:1.0', 'docker push alice/app:1.0'],
    });
    expect(hubNamespaceAdvice(ref('docker.io/bob/app'), 'Alice')?.commands).toEqual(['docker tag docker.io/bob/app alice/app', 'docker push alice/app']);
  });

  it.each([
    ['alice/app', 'alice', 'her own namespace'],
    ['ALICE-less/app'.toLowerCase(), '<token>', 'an identity token: whose namespace is unknown'],
    ['nginx', 'alice', 'official images (library/)'],
    ['library/nginx', 'alice', 'official images (library/)'],
    ['127.0.0.1:5000/bob/app', 'alice', 'not Docker Hub'],
  ])('%s with %s: no advice (%s)', (given, username) => {
    expect(hubNamespaceAdvice(ref(given), username)).toBeUndefined();
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
  it('a Hub login of alice and bob/app: which helper and key, the helper answers, no registry verdict, the namespace advice', async () => {
    const context = new OfflineContext({ configText: '{"credsStore": "tsstore"}' });
    await context.backend.add('https://index.docker.io/v1/', { username: 'alice', secret: 'alice-s3cret' });
    const diagnosis = await imageCheck(ref('bob/app')).diagnose(context);
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

  it('a helper that is not on PATH, and one that has no login, are said in one line each', async () => {
    const missing = new OfflineContext({ configText: '{"credsStore": "tsstore", "credHelpers": {"reg.example": "gone"}}' });
    expect((await imageCheck(ref('reg.example/app')).diagnose(missing)).details[1]).toBe(
      'docker-credential-gone is not on PATH: docker cannot ask it, and fails every push and pull of this registry (see creds-store)',
    );
    expect(missing.requests).toBe(0);
    const empty = new OfflineContext({ configText: '{"credsStore": "tsstore"}' });
    const diagnosis = await imageCheck(ref('reg.example/app')).diagnose(empty);
    expect(diagnosis).toMatchObject({ status: 'problem', commands: ['docker login reg.example'] });
    expect(diagnosis.details[1]).toBe('docker-credential-tsstore holds no login for "reg.example": docker pulls without credentials, and a push needs a login');
  });

  it('a helper that timed out: one line with the bound', async () => {
    const context = new OfflineContext({ configText: '{"credHelpers": {"reg.example": "x"}}', helpers: ['x'], helperAnswers: { x: { 'get reg.example': { stdout: '', stderr: '', exitCode: 124 } } } });
    const diagnosis = await imageCheck(ref('reg.example/app')).diagnose(context);
    expect(diagnosis.status).toBe('problem');
    expect(diagnosis.details[1]).toBe('docker-credential-x gives no login for "reg.example": docker-credential-x get failed: it did not answer within 30 s');
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { daemonJson as daemonJsonCheck } from '../../../src/doctor/checks/daemon-json.js';
import { registryLogin } from '../../../src/doctor/checks/registry-login.js';
import { dockerStoreFor } from '../../../src/doctor/registry-login/logins.js';
import { withDroppedKeys } from '../../../src/doctor/registry-login/re-login.js';
import type { HttpOutcome, HttpRequest } from '../../../src/registry/http-request.js';
import { runChecks } from '../../../src/doctor/runner.js';
import { type HomeContext, cleanUpHomes, home } from './home-context.js';

afterEach(cleanUpHomes);

const SECRET = 'correct-horse-battery';
const basic = (user: string, secret: string) => `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
const response = (status: number, headers: Record<string, string> = {}): HttpOutcome => ({ kind: 'response', status, headers, body: '' });

/** Registries that take Basic logins: host -> [username, password] they accept. */
function basicRegistries(accounts: Record<string, [string, string]>, scheme: 'http' | 'https' = 'http') {
  return (request: HttpRequest): HttpOutcome => {
    const url = new URL(request.url);
    const account = accounts[url.host];
    if (!account || url.protocol !== `${scheme}:`) return { kind: 'error', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' };
    if (request.headers?.authorization === basic(...account)) return response(200);
    return response(401, { 'www-authenticate': 'Basic realm="test"' });
  };
}

async function run(context: HomeContext) {
  const report = await runChecks([registryLogin], context, { fix: true, only: [] });
  const check = report.checks[0];
  if (!check) throw new Error('no result');
  return { ok: report.ok, status: check.status, details: check.details };
}

describe('dockerStoreFor', () => {
  it('credHelpers (by key, then by host) before credsStore; none means config.json', () => {
    const config = { credsStore: 'tsstore', credHelpers: { 'ghcr.io': 'pass', 'https://quay.io': 'gcloud' } };
    expect(dockerStoreFor(config, 'ghcr.io')).toBe('pass');
    expect(dockerStoreFor(config, 'https://ghcr.io/')).toBe('pass');
    expect(dockerStoreFor(config, 'https://quay.io')).toBe('gcloud');
    expect(dockerStoreFor(config, 'r.example')).toBe('tsstore');
    expect(dockerStoreFor({}, 'r.example')).toBe('config');
    expect(dockerStoreFor({ credsStore: '', credHelpers: [] }, 'r.example')).toBe('config');
  });
});

describe('withDroppedKeys', () => {
  it('puts back the top-level keys docker dropped, in their old places, keeping what docker changed', () => {
    const before = { proxies: { default: {} }, auths: {}, credsStore: 'tsstore', 'x-dotfiles': 1 };
    const after = { auths: { 'r:5000': {} }, credsStore: 'tsstore', currentContext: 'x' };
    const { config, dropped } = withDroppedKeys(before, after);
    expect(dropped).toEqual(['proxies', 'x-dotfiles']);
    expect(Object.keys(config)).toEqual(['proxies', 'auths', 'credsStore', 'x-dotfiles', 'currentContext']);
    expect(config.auths).toEqual({ 'r:5000': {} });
    expect(withDroppedKeys({ a: 1 }, { a: 2 })).toEqual({ config: { a: 2 }, dropped: [] });
  });
});

describe('registry-login', () => {
  it('is skipped when no login is stored anywhere', async () => {
    const context = home({ config: { credsStore: 'tsstore' } });
    expect(await run(context)).toEqual({ ok: true, status: 'skipped', details: ['no registry logins stored (tsstore and config.json name none)'] });
    expect(context.requests).toEqual([]);
  });

  it('checks each tsstore login: right and wrong password, with the login command for the wrong one', async () => {
    const context = home({
      config: { auths: { '127.0.0.1:5000': {}, '127.0.0.2:5001': {} }, credsStore: 'tsstore' },
      http: basicRegistries({ '127.0.0.1:5000': ['alice', SECRET], '127.0.0.2:5001': ['bob', 'bobs-real-password'] }),
    });
    await context.backend.add('127.0.0.1:5000', { username: 'alice', secret: SECRET });
    await context.backend.add('127.0.0.2:5001', { username: 'bob', secret: 'not-bobs-password' });
    expect(await run(context)).toEqual({
      ok: false,
      status: 'problem',
      details: [
        '127.0.0.1:5000 (alice, in tsstore): the registry accepts this login (Basic authentication at http://127.0.0.1:5000/v2/) over plain http (127.0.0.1 is a loopback address)',
        '127.0.0.2:5001 (bob, in tsstore): the registry refuses this login (HTTP 401 from http://127.0.0.2:5001/v2/): the password or token is wrong, expired or revoked; log in again',
        'run: docker login -u bob 127.0.0.2:5001',
      ],
    });
  });

  it('all good: status ok, exit-code-wise no problem', async () => {
    const context = home({ config: { credsStore: 'tsstore' }, http: basicRegistries({ '127.0.0.1:5000': ['alice', SECRET] }) });
    await context.backend.add('127.0.0.1:5000', { username: 'alice', secret: SECRET });
    expect((await run(context)).status).toBe('ok');
  });

  it('never shows a secret, even when an error message carries it', async () => {
    const context = home({
      config: { credsStore: 'tsstore' },
      http: () => ({ kind: 'error', code: 'EWEIRD', message: `proxy said: ${SECRET} / ${basic('alice', SECRET)}` }),
    });
    await context.backend.add('127.0.0.1:5000', { username: 'alice', secret: SECRET });
    const result = await run(context);
    expect(result.status).toBe('problem');
    const text = JSON.stringify(result);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(Buffer.from(`alice:${SECRET}`).toString('base64'));
    expect(text).toContain('proxy said: *** / Basic ***');
  });

  it('Docker Hub: the Hub key means registry-1.docker.io over verified https, never resolved as a loopback name', async () => {
    const desktopTokens = ['https://index.docker.io/v1//access-token', 'https://index.docker.io/v1//refresh-token'];
    const context = home({
      // Docker Desktop names its token keys in config.json too; tsstore holds only one of them here.
      config: { credsStore: 'tsstore', auths: Object.fromEntries(desktopTokens.map((key) => [key, {}])) },
      http: (request) => ({ kind: 'error', code: 'ENOTFOUND', message: `getaddrinfo ENOTFOUND ${new URL(request.url).hostname}` }),
    });
    await context.backend.add('https://index.docker.io/v1/', { username: 'hubber', secret: SECRET });
    // Web-login tokens and doctor's own probes are not registries.
    await context.backend.add('https://index.docker.io/v1/access-token', { username: 'hubber', secret: 'a' });
    await context.backend.add('https://index.docker.io/v1/refresh-token', { username: 'hubber', secret: 'r' });
    await context.backend.add(desktopTokens[0] ?? '', { username: 'hubber', secret: 'desktop-a' });
    await context.backend.add('tsstore-doctor-probe-0123', { username: 'probe', secret: 'p' });
    expect(await run(context)).toEqual({
      ok: false,
      status: 'problem',
      details: [
        'https://index.docker.io/v1/ (hubber, in tsstore): cannot reach https://registry-1.docker.io/v2/: registry-1.docker.io does not resolve (ENOTFOUND); check the name, the network and any proxy',
      ],
    });
    expect(context.requests.map((request) => [request.url, request.verifyTls])).toEqual([['https://registry-1.docker.io/v2/', true]]);
    expect(context.resolved).toEqual([]);
  });

  it('an https:// key on an ordinary address gets https only, and an HTTP answer is named as such', async () => {
    const context = home({
      config: { credsStore: 'tsstore' },
      resolve: { 'registry.lan': ['192.0.2.2'] },
      http: (request) =>
        request.url.startsWith('https:') ? { kind: 'error', code: 'EPROTO', message: 'wrong version number' } : response(401, { 'www-authenticate': 'Basic realm="x"' }),
    });
    await context.backend.add('https://registry.lan:5000', { username: 'alice', secret: SECRET });
    // A daemon.json this user may write (it does not exist yet): daemon-json's own fix makes the edit.
    context.env.TSSTORE_DOCKER_DAEMON_JSON = context.path('etc-docker/daemon.json');
    const result = await run(context);
    expect(result.details[0]).toMatch(/^https:\/\/registry\.lan:5000 \(alice, in tsstore\): http: server gave HTTP response to HTTPS client \(https:\/\/registry\.lan:5000\/v2\/\)/);
    expect(result.details.slice(-2)).toEqual(['run: docker-credential-tsstore doctor --fix daemon-json', 'run: sudo systemctl reload docker']);
    expect(context.resolved).toEqual(['registry.lan']);
    // The plain-http look carried no credentials.
    expect(context.requests.filter((request) => request.url.startsWith('http:')).map((request) => request.headers?.authorization)).toEqual([undefined]);
  });

  it('insecure-registries from the daemon.json TSSTORE_DOCKER_DAEMON_JSON names allow plain http there', async () => {
    const context = home({ config: { credsStore: 'tsstore' }, http: basicRegistries({ 'registry.lan:5000': ['alice', SECRET] }), resolve: { 'registry.lan': ['192.0.2.2'] } });
    const daemonJson = context.write('daemon.json', JSON.stringify({ 'insecure-registries': ['registry.lan:5000', 'ftp://nope'] }));
    context.env.TSSTORE_DOCKER_DAEMON_JSON = daemonJson;
    await context.backend.add('registry.lan:5000', { username: 'alice', secret: SECRET });
    expect(await run(context)).toEqual({
      ok: true,
      status: 'ok',
      details: [
        `${daemonJson}: docker refuses these insecure-registries entries: ftp://nope`,
        `registry.lan:5000 (alice, in tsstore): the registry accepts this login (Basic authentication at http://registry.lan:5000/v2/) over plain http ("registry.lan:5000" is in insecure-registries of ${daemonJson})`,
      ],
    });
  });

  it("a daemon that says it runs rootless (to daemon-json, before): its own daemon.json's insecure-registries apply, as daemon-json reads them", async () => {
    const rootless = { serverVersion: '27.0.0', insecureNames: [], insecureCidrs: [], mirrors: [], proxies: { http: '', https: '', no: '' }, securityOptions: ['name=seccomp,profile=builtin', 'name=rootless'] };
    const context = home({
      config: { credsStore: 'tsstore' },
      http: basicRegistries({ 'registry.lan:5000': ['alice', SECRET] }),
      resolve: { 'registry.lan': ['192.0.2.2'] },
      daemonInfo: { answered: true, info: rootless },
    });
    context.env.XDG_CONFIG_HOME = context.path('config');
    const daemonJson = context.write('config/docker/daemon.json', JSON.stringify({ 'insecure-registries': ['registry.lan:5000'] }));
    await context.backend.add('registry.lan:5000', { username: 'alice', secret: SECRET });
    const report = await runChecks([daemonJsonCheck, registryLogin], context, { fix: false, only: [] });
    expect(report.checks[0]?.details[0]).toBe(`${daemonJson} (rootless: the daemon says it runs rootless)`);
    expect(report.checks[1]?.details).toEqual([
      `registry.lan:5000 (alice, in tsstore): the registry accepts this login (Basic authentication at http://registry.lan:5000/v2/) over plain http ("registry.lan:5000" is in insecure-registries of ${daemonJson})`,
    ]);
  });

  it('a daemon.json that is not JSON is said, and the check goes on without insecure registries', async () => {
    const context = home({ config: { credsStore: 'tsstore' }, http: basicRegistries({ '127.0.0.1:5000': ['alice', SECRET] }) });
    context.env.TSSTORE_DOCKER_DAEMON_JSON = context.write('daemon.json', '{ "insecure-registries": [');
    await context.backend.add('127.0.0.1:5000', { username: 'alice', secret: SECRET });
    const result = await run(context);
    expect(result.status).toBe('ok');
    expect(result.details[0]).toMatch(/^cannot use .*daemon\.json \(.*\): assuming no insecure-registries$/);
  });

  it('certificates in certs.d/HOST:PORT/*.crt are trusted for that registry only, on top of the system ones', async () => {
    const context = home({ config: { credsStore: 'tsstore' }, http: () => response(200) });
    context.env.TSSTORE_DOCKER_CERTS_D = context.path('certs.d');
    context.write('certs.d/registry.lan:5000/ca.crt', 'CA-FOR-REGISTRY-LAN');
    context.write('certs.d/registry.lan:5000/client.cert', 'NOT-A-CA');
    context.write('certs.d/other:5000/ca.crt', 'CA-FOR-OTHER');
    await context.backend.add('registry.lan:5000', { username: 'alice', secret: SECRET });
    await run(context);
    const ca = context.requests[0]?.ca ?? [];
    expect(ca).toContain('CA-FOR-REGISTRY-LAN');
    expect(ca).not.toContain('NOT-A-CA');
    expect(ca).not.toContain('CA-FOR-OTHER');
    expect(ca.length).toBeGreaterThan(1);
  });

  it('config.json auths: plain-text logins are verified; a name without any login, or whose helper has none, is reported', async () => {
    const context = home({
      config: {
        auths: {
          '127.0.0.1:5000': { auth: Buffer.from(`alice:${SECRET}`).toString('base64') },
          '127.0.0.1:5001': {},
          '127.0.0.1:5002': { registrytoken: 'xyz' },
        },
      },
      http: basicRegistries({ '127.0.0.1:5000': ['alice', SECRET] }),
    });
    expect(await run(context)).toEqual({
      ok: false,
      status: 'problem',
      details: [
        '127.0.0.1:5000 (alice, in config.json): the registry accepts this login (Basic authentication at http://127.0.0.1:5000/v2/) over plain http (127.0.0.1 is a loopback address)',
        '127.0.0.1:5001: config.json names it without a login and no credsStore: docker uses it without credentials',
        '127.0.0.1:5002: it holds a registry token, which no credential helper can keep',
        'run: docker login 127.0.0.1:5001',
        'run: docker login 127.0.0.1:5002',
      ],
    });
  });

  it('config.json auths with credsStore tsstore: another spelling in tsstore covers it; nothing at all is reported', async () => {
    const context = home({
      config: { auths: { 'https://127.0.0.1:5000': {}, '127.0.0.1:5009': {} }, credsStore: 'tsstore' },
      http: basicRegistries({ '127.0.0.1:5000': ['alice', SECRET] }),
    });
    await context.backend.add('127.0.0.1:5000', { username: 'alice', secret: SECRET });
    const result = await run(context);
    expect(result.details).toEqual([
      '127.0.0.1:5000 (alice, in tsstore): the registry accepts this login (Basic authentication at http://127.0.0.1:5000/v2/) over plain http (127.0.0.1 is a loopback address)',
      '127.0.0.1:5009: config.json names it, but tsstore holds no login for it: docker uses it without credentials',
      'run: docker login 127.0.0.1:5009',
    ]);
  });

  it('--login at a terminal: a registry with no stored login gets docker login run there, for the person to type', async () => {
    const typed: string[][] = [];
    const context = home({
      config: { auths: { '127.0.0.1:5009': {}, '127.0.0.1:5010': {} }, credsStore: 'tsstore' },
      login: true,
      terminalDocker: (args) => {
        typed.push([...args]);
        return args.includes('127.0.0.1:5009') ? 0 : 1;
      },
    });
    const result = await run(context);
    expect(typed).toEqual([
      ['login', '127.0.0.1:5009'],
      ['login', '127.0.0.1:5010'],
    ]);
    expect(result.details).toEqual([
      '127.0.0.1:5009: docker login 127.0.0.1:5009 succeeded at the terminal',
      '127.0.0.1:5010: config.json names it, but tsstore holds no login for it: docker uses it without credentials',
      'run: docker login 127.0.0.1:5010',
    ]);
    expect(context.dockerRuns).toEqual([]);
  });

  it('--login without a terminal never runs docker where it would wait for a password', async () => {
    const context = home({ config: { auths: { '127.0.0.1:5009': {} }, credsStore: 'tsstore' }, login: true });
    const result = await run(context);
    expect(context.terminalRuns).toEqual([]);
    expect(result.details).toContain('run: docker login 127.0.0.1:5009');
  });

  it('logins docker keeps in another helper are read through its get and verified; a missing helper is named', async () => {
    const context = home({
      config: { auths: { '127.0.0.1:5000': {}, 'gcr.io': {} }, credsStore: 'pass', credHelpers: { 'gcr.io': 'gcloud' } },
      helpers: ['tsstore', 'pass'],
      helperAnswers: { pass: { 'get 127.0.0.1:5000': { stdout: JSON.stringify({ ServerURL: '127.0.0.1:5000', Username: 'alice', Secret: SECRET }), stderr: '', exitCode: 0 } } },
      http: basicRegistries({ '127.0.0.1:5000': ['alice', SECRET] }),
    });
    const result = await run(context);
    expect(result.details).toEqual([
      '127.0.0.1:5000 (alice, in docker-credential-pass): the registry accepts this login (Basic authentication at http://127.0.0.1:5000/v2/) over plain http (127.0.0.1 is a loopback address)',
      'gcr.io: its login is in docker-credential-gcloud, which is not on PATH (see creds-store)',
    ]);
    expect(context.helperRuns).toEqual(['pass get 127.0.0.1:5000']);
  });

  it('diagnosing writes nothing and runs no docker without --login', async () => {
    const context = home({ config: { credsStore: 'tsstore' }, http: basicRegistries({ '127.0.0.1:5000': ['alice', SECRET] }) });
    await context.backend.add('127.0.0.1:5000', { username: 'alice', secret: SECRET });
    const before = context.read('.docker/config.json');
    await run(context);
    expect(context.dockerRuns).toEqual([]);
    expect(context.configWrites).toEqual([]);
    expect(context.read('.docker/config.json')).toBe(before);
  });
});

describe('registry-login: one registry cannot take the others down', () => {
  const token = 'tok-ok_123';
  /** 127.0.0.1:5000 asks for a Bearer token from an issuer that answers `body`; 127.0.0.1:5001 takes Basic. */
  function tokenAndBasic(body: string) {
    const basicOne = basicRegistries({ '127.0.0.1:5001': ['bob', 'bob-pass'] });
    return (request: HttpRequest): HttpOutcome => {
      const url = new URL(request.url);
      if (url.protocol === 'https:') return { kind: 'error', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' };
      if (url.host === '127.0.0.1:5000' && url.pathname === '/v2/') {
        return request.headers?.authorization === `Bearer ${token}`
          ? response(200)
          : response(401, { 'www-authenticate': 'Bearer realm="http://127.0.0.1:5000/token",service="r"' });
      }
      if (url.host === '127.0.0.1:5000' && url.pathname === '/token') return { kind: 'response', status: 200, headers: {}, body };
      return basicOne(request);
    };
  }

  it('a token service answering a token with CR LF: that registry gets an unexpected verdict that never quotes it, the other its own verdict', async () => {
    const context = home({ config: { credsStore: 'tsstore' }, http: tokenAndBasic(JSON.stringify({ token: 'abc\r\nX-Evil: 1' })) });
    await context.backend.add('127.0.0.1:5000', { username: 'alice', secret: SECRET });
    await context.backend.add('127.0.0.1:5001', { username: 'bob', secret: 'bob-pass' });
    const result = await run(context);
    expect(result).toEqual({
      ok: false,
      status: 'problem',
      details: [
        '127.0.0.1:5000 (alice, in tsstore): http://127.0.0.1:5000/token: the token service answered a token with characters a token cannot have (RFC 6750 allows letters, digits and -._~+/ then = padding)',
        '127.0.0.1:5001 (bob, in tsstore): the registry accepts this login (Basic authentication at http://127.0.0.1:5001/v2/) over plain http (127.0.0.1 is a loopback address)',
      ],
    });
    expect(context.requests.some((request) => request.headers?.authorization?.includes('abc'))).toBe(false);
    expect(JSON.stringify(result)).not.toContain('Evil');
  });

  it('a good token is still presented', async () => {
    const context = home({ config: { credsStore: 'tsstore' }, http: tokenAndBasic(JSON.stringify({ token })) });
    await context.backend.add('127.0.0.1:5000', { username: 'alice', secret: SECRET });
    expect((await run(context)).details).toEqual([
      '127.0.0.1:5000 (alice, in tsstore): the registry accepts this login (token authentication at http://127.0.0.1:5000/v2/) over plain http (127.0.0.1 is a loopback address)',
    ]);
  });

  it('whatever throws while checking one registry becomes a problem verdict for that registry only', async () => {
    const basicOnes = basicRegistries({ '127.0.0.1:5000': ['alice', SECRET], '127.0.0.1:5002': ['carol', 'carol-pass'] });
    const context = home({
      config: { credsStore: 'tsstore' },
      http: (request) => {
        if (new URL(request.url).host === '127.0.0.1:5001') throw new TypeError('Invalid character in header content ["authorization"]');
        return basicOnes(request);
      },
    });
    await context.backend.add('127.0.0.1:5000', { username: 'alice', secret: SECRET });
    await context.backend.add('127.0.0.1:5001', { username: 'bob', secret: 'bob-pass' });
    await context.backend.add('127.0.0.1:5002', { username: 'carol', secret: 'carol-pass' });
    expect(await run(context)).toEqual({
      ok: false,
      status: 'problem',
      details: [
        '127.0.0.1:5000 (alice, in tsstore): the registry accepts this login (Basic authentication at http://127.0.0.1:5000/v2/) over plain http (127.0.0.1 is a loopback address)',
        '127.0.0.1:5001 (bob, in tsstore): checking this login failed: Invalid character in header content ["authorization"]',
        '127.0.0.1:5002 (carol, in tsstore): the registry accepts this login (Basic authentication at http://127.0.0.1:5002/v2/) over plain http (127.0.0.1 is a loopback address)',
      ],
    });
  });

  it('--login: a docker run that throws for one login is that login\'s problem; the others are still re-run', async () => {
    const context = home({
      login: true,
      config: { credsStore: 'tsstore' },
      http: basicRegistries({ '127.0.0.1:5000': ['alice', SECRET], '127.0.0.1:5001': ['bob', 'bob-pass'] }),
      docker: (args) => {
        if (args.includes('alice')) throw new Error('spawn docker EAGAIN');
        return { stdout: 'Login Succeeded\n', stderr: '', exitCode: 0 };
      },
    });
    await context.backend.add('127.0.0.1:5000', { username: 'alice', secret: SECRET });
    await context.backend.add('127.0.0.1:5001', { username: 'bob', secret: 'bob-pass' });
    const result = await run(context);
    expect(result.status).toBe('problem');
    expect(result.details.filter((line) => line.includes('docker login') || line.includes('failed'))).toEqual([
      '127.0.0.1:5000 (alice, in tsstore): re-running docker login failed: spawn docker EAGAIN',
      '127.0.0.1:5001 (bob, in tsstore): docker login -u bob 127.0.0.1:5001 --password-stdin succeeded: docker itself logged in with the stored login',
    ]);
  });

  it('--login at a terminal: a docker that cannot be run for one registry is said, the next one still runs', async () => {
    const context = home({
      config: { auths: { '127.0.0.1:5009': {}, '127.0.0.1:5010': {} }, credsStore: 'tsstore' },
      login: true,
      terminalDocker: (args) => {
        if (args.includes('127.0.0.1:5009')) throw new Error('spawn docker ENOENT');
        return 0;
      },
    });
    expect((await run(context)).details).toEqual([
      '127.0.0.1:5009: config.json names it, but tsstore holds no login for it: docker uses it without credentials',
      '127.0.0.1:5010: docker login 127.0.0.1:5010 succeeded at the terminal',
      '127.0.0.1:5009: docker login 127.0.0.1:5009 at the terminal failed: spawn docker ENOENT',
      'run: docker login 127.0.0.1:5009',
    ]);
  });
});

describe('registry-login --login', () => {
  const succeed = () => ({ stdout: 'Login Succeeded\n', stderr: '', exitCode: 0 });

  it('re-runs docker login with the secret on stdin only, for each login docker would store back in the same place', async () => {
    const context = home({
      login: true,
      config: { credsStore: 'tsstore', credHelpers: { 'ghcr.io': 'pass' } },
      http: basicRegistries({ '127.0.0.1:5000': ['alice', SECRET], '127.0.0.1:5001': ['bob', 'bob-pass'], 'ghcr.io': ['carol', 'carol-pass'] }),
      docker: (args) => (args.includes('bob') ? { stdout: '', stderr: 'Error response from daemon: login attempt to http://127.0.0.1:5001/v2/ failed with status: 401 Unauthorized\n', exitCode: 1 } : succeed()),
    });
    await context.backend.add('127.0.0.1:5000', { username: 'alice', secret: SECRET });
    await context.backend.add('127.0.0.1:5001', { username: 'bob', secret: 'bob-old-pass' });
    await context.backend.add('ghcr.io', { username: 'carol', secret: 'carol-pass' });
    await context.backend.add('https://index.docker.io/v1/', { username: '<token>', secret: 'identity-token-value' });
    const result = await run(context);
    expect(context.dockerRuns).toEqual([
      { args: ['login', '-u', 'alice', '--password-stdin', '127.0.0.1:5000'], input: SECRET },
      { args: ['login', '-u', 'bob', '--password-stdin', '127.0.0.1:5001'], input: 'bob-old-pass' },
    ]);
    for (const run of context.dockerRuns) expect(run.args.join(' ')).not.toContain(run.input);
    expect(result.details.filter((line) => line.includes('docker login'))).toEqual([
      '127.0.0.1:5000 (alice, in tsstore): docker login -u alice 127.0.0.1:5000 --password-stdin succeeded: docker itself logged in with the stored login',
      '127.0.0.1:5001 (bob, in tsstore): docker login -u bob 127.0.0.1:5001 --password-stdin failed (exit 1): Error response from daemon: login attempt to http://127.0.0.1:5001/v2/ failed with status: 401 Unauthorized',
      'ghcr.io (carol, in tsstore): not re-running docker login: docker would store the login in docker-credential-pass, not in tsstore',
      'https://index.docker.io/v1/ (an identity token, in tsstore): not re-running docker login: an identity token cannot be given to docker login --password-stdin (it takes a password); to renew it run: docker login',
      'run: docker login -u bob 127.0.0.1:5001',
    ]);
    expect(JSON.stringify(result)).not.toContain('identity-token-value');
  });

  it('refuses where docker would write the password into config.json in plain text', async () => {
    const context = home({ login: true, config: { auths: { '127.0.0.1:5000': { auth: Buffer.from(`alice:${SECRET}`).toString('base64') } } }, http: basicRegistries({ '127.0.0.1:5000': ['alice', SECRET] }) });
    const result = await run(context);
    expect(context.dockerRuns).toEqual([]);
    expect(result.details).toContain('127.0.0.1:5000 (alice, in config.json): not re-running docker login: docker would write the password into config.json in plain text (see creds-store)');
  });

  it('a non-canonical key is re-run under docker’s name unless that name holds its own login', async () => {
    const context = home({ login: true, config: { credsStore: 'tsstore' }, http: basicRegistries({ '127.0.0.1:5000': ['alice', SECRET], '127.0.0.1:5001': ['bob', 'bob-pass'] }), docker: succeed });
    await context.backend.add('127.0.0.1:5000', { username: 'alice', secret: SECRET });
    await context.backend.add('https://127.0.0.1:5000', { username: 'alice', secret: SECRET });
    await context.backend.add('https://127.0.0.1:5001/', { username: 'bob', secret: 'bob-pass' });
    const result = await run(context);
    expect(context.dockerRuns.map((run) => run.args.at(-1))).toEqual(['127.0.0.1:5000', '127.0.0.1:5001']);
    expect(result.details).toContain(
      'https://127.0.0.1:5000 (alice, in tsstore): not re-running docker login: docker would store it as 127.0.0.1:5000, replacing the login kept there (that one is re-run)',
    );
    expect(result.details).toContain(
      'https://127.0.0.1:5001/ (bob, in tsstore): docker login -u bob 127.0.0.1:5001 --password-stdin succeeded: docker itself logged in with the stored login, stored as 127.0.0.1:5001',
    );
  });

  it('puts back the config.json keys docker login dropped', async () => {
    const context = home({
      login: true,
      config: { proxies: { default: { httpProxy: 'http://proxy:3128' } }, credsStore: 'tsstore', 'x-team': 'kept' },
      http: basicRegistries({ '127.0.0.1:5000': ['alice', SECRET] }),
      // What docker 28 does: rewrite config.json with only the keys it knows.
      docker: (_args, _input, self) => {
        self.write('.docker/config.json', JSON.stringify({ auths: { '127.0.0.1:5000': {} }, credsStore: 'tsstore', proxies: { default: { httpProxy: 'http://proxy:3128' } } }, null, '\t'));
        return succeed();
      },
    });
    await context.backend.add('127.0.0.1:5000', { username: 'alice', secret: SECRET });
    const result = await run(context);
    expect(result.details.at(-1)).toBe(`docker login dropped keys it does not know from ${context.path('.docker/config.json')} (x-team); doctor put them back`);
    expect(JSON.parse(context.read('.docker/config.json'))).toEqual({
      proxies: { default: { httpProxy: 'http://proxy:3128' } },
      credsStore: 'tsstore',
      'x-team': 'kept',
      auths: { '127.0.0.1:5000': {} },
    });
    expect(result.status).toBe('ok');
  });
});

describe('registry-login on an insecure registry that speaks TLS', () => {
  it('says the certificate was not verified, as docker does not verify it there', async () => {
    const context = home({ config: { credsStore: 'tsstore' }, http: basicRegistries({ '127.0.0.1:5443': ['alice', SECRET] }, 'https') });
    await context.backend.add('127.0.0.1:5443', { username: 'alice', secret: SECRET });
    expect((await run(context)).details).toEqual([
      '127.0.0.1:5443 (alice, in tsstore): the registry accepts this login (Basic authentication at https://127.0.0.1:5443/v2/) over https without verifying the certificate (127.0.0.1 is a loopback address)',
    ]);
    expect(context.requests.every((request) => request.verifyTls === false)).toBe(true);
  });
});

describe('registry-login with a store that cannot be read', () => {
  it('says so once, and does not call every config.json registry "missing"', async () => {
    const context = home({ config: { auths: { '127.0.0.1:5000': {} }, credsStore: 'tsstore' } });
    context.backend.list = async () => {
      throw new Error('the keyring is locked');
    };
    expect(await run(context)).toEqual({ ok: false, status: 'problem', details: ['cannot list the logins in tsstore: the keyring is locked (see backend)'] });
  });
});

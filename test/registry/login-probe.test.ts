import { describe, expect, it } from 'vitest';
import type { HttpOutcome, HttpRequest } from '../../src/registry/http-request.js';
import type { Endpoint } from '../../src/registry/endpoints.js';
import { type ProbeLogin, isLoopbackHost, probeRegistry } from '../../src/registry/login-probe.js';

const alice: ProbeLogin = { username: 'alice', secret: 's3cret-pa55' };
const basicAlice = `Basic ${Buffer.from('alice:s3cret-pa55').toString('base64')}`;
const SECURE: Endpoint[] = [{ base: 'https://registry.example', verifyTls: true }];
const INSECURE: Endpoint[] = [
  { base: 'https://127.0.0.1:5000', verifyTls: false },
  { base: 'http://127.0.0.1:5000', verifyTls: false },
];
const CA = ['-----BEGIN CERTIFICATE-----\nfake\n-----END CERTIFICATE-----\n'];

const response = (status: number, headers: Record<string, string> = {}, body = ''): HttpOutcome => ({ kind: 'response', status, headers, body });
const failure = (code: string, message = `failed with ${code}`): HttpOutcome => ({ kind: 'error', code, message });

type Route = (request: HttpRequest) => HttpOutcome | undefined;

/** A scripted network: the first route that answers wins; every request is recorded. */
function network(...routes: Route[]) {
  const requests: HttpRequest[] = [];
  const fetcher = async (request: HttpRequest): Promise<HttpOutcome> => {
    requests.push(request);
    for (const route of routes) {
      const answer = route(request);
      if (answer) return answer;
    }
    throw new Error(`unscripted request ${request.method ?? 'GET'} ${request.url}`);
  };
  return { requests, fetcher };
}

const at = (url: string, answer: (request: HttpRequest) => HttpOutcome): Route => (request) => (request.url === url ? answer(request) : undefined);
const probe = (endpoints: Endpoint[], login: ProbeLogin, fetcher: (request: HttpRequest) => Promise<HttpOutcome>) =>
  probeRegistry(endpoints, login, fetcher, { timeoutMs: 5_000, ca: CA });

describe('probeRegistry: Basic', () => {
  const registry = at('https://registry.example/v2/', (request) =>
    request.headers?.authorization === undefined
      ? response(401, { 'www-authenticate': 'Basic realm="Registry Realm"' })
      : request.headers.authorization === basicAlice
        ? response(200)
        : response(401, { 'www-authenticate': 'Basic realm="Registry Realm"' }),
  );

  it('accepts the right login: first without credentials, then with Basic, verifying TLS with the CA list', async () => {
    const { requests, fetcher } = network(registry);
    expect(await probe(SECURE, alice, fetcher)).toEqual({ kind: 'ok', url: 'https://registry.example/v2/', how: 'basic' });
    expect(requests.map((request) => request.headers?.authorization)).toEqual([undefined, basicAlice]);
    for (const request of requests) expect(request).toMatchObject({ verifyTls: true, ca: CA });
  });

  it('reports a wrong password as rejected with the status', async () => {
    const { fetcher } = network(registry);
    expect(await probe(SECURE, { username: 'alice', secret: 'wrong' }, fetcher)).toEqual({ kind: 'rejected', url: 'https://registry.example/v2/', status: 401, how: 'basic' });
  });

  it('cannot send an identity token as Basic', async () => {
    const { requests, fetcher } = network(registry);
    expect(await probe(SECURE, { username: '<token>', secret: 'idtoken' }, fetcher)).toMatchObject({ kind: 'unexpected', reason: expect.stringContaining('identity token') });
    expect(requests).toHaveLength(1);
  });
});

describe('probeRegistry: Bearer token flow', () => {
  const challenge = 'Bearer realm="https://auth.example/token",service="registry.example",scope="registry:catalog:*"';
  const registry = at('https://registry.example/v2/', (request) =>
    request.headers?.authorization === 'Bearer tok-123' ? response(200) : response(401, { 'www-authenticate': challenge }),
  );
  const tokens: Route = (request) => {
    if (!request.url.startsWith('https://auth.example/token')) return undefined;
    if (request.method === 'POST') {
      return request.body?.includes('refresh_token=good-refresh') ? response(200, {}, '{"access_token":"tok-123"}') : response(400, {}, '{"error":"invalid_grant"}');
    }
    return request.headers?.authorization === basicAlice ? response(200, {}, '{"token":"tok-123","expires_in":300}') : response(401, {}, '{"details":"incorrect username or password"}');
  };

  it('asks the realm for a token with the login as Basic (service, scope, account, client_id) and presents it', async () => {
    const { requests, fetcher } = network(registry, tokens);
    expect(await probe(SECURE, alice, fetcher)).toEqual({ kind: 'ok', url: 'https://registry.example/v2/', how: 'token' });
    const tokenUrl = new URL(requests[1]?.url ?? '');
    expect(tokenUrl.origin + tokenUrl.pathname).toBe('https://auth.example/token');
    expect(Object.fromEntries(tokenUrl.searchParams)).toEqual({
      service: 'registry.example',
      scope: 'registry:catalog:*',
      client_id: 'docker',
      account: 'alice',
      offline_token: 'true',
    });
    expect(requests[1]?.headers?.authorization).toBe(basicAlice);
    expect(requests[2]?.headers?.authorization).toBe('Bearer tok-123');
    // The secret never travels in a URL.
    for (const request of requests) expect(request.url).not.toContain(alice.secret);
  });

  it('reports a refused login at the realm', async () => {
    const { fetcher } = network(registry, tokens);
    expect(await probe(SECURE, { username: 'alice', secret: 'nope' }, fetcher)).toEqual({ kind: 'rejected', url: 'https://auth.example/token', status: 401, how: 'token' });
  });

  it('identity tokens use the OAuth2 refresh-token grant (POST), and a 400 invalid_grant is a refusal', async () => {
    const good = network(registry, tokens);
    expect(await probe(SECURE, { username: '<token>', secret: 'good-refresh' }, good.fetcher)).toMatchObject({ kind: 'ok', how: 'token' });
    const post = good.requests[1];
    expect(post).toMatchObject({ method: 'POST', url: 'https://auth.example/token', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(Object.fromEntries(new URLSearchParams(post?.body ?? ''))).toEqual({
      service: 'registry.example',
      scope: 'registry:catalog:*',
      client_id: 'docker',
      grant_type: 'refresh_token',
      refresh_token: 'good-refresh',
    });
    const bad = network(registry, tokens);
    expect(await probe(SECURE, { username: '<token>', secret: 'stale' }, bad.fetcher)).toEqual({ kind: 'rejected', url: 'https://auth.example/token', status: 400, how: 'token' });
  });

  it('prefers Bearer when both are offered, as docker does', async () => {
    const both = at('https://registry.example/v2/', (request) =>
      request.headers?.authorization === 'Bearer tok-123' ? response(200) : response(401, { 'www-authenticate': `Basic realm="x", ${challenge}` }),
    );
    const { requests, fetcher } = network(both, tokens);
    expect(await probe(SECURE, alice, fetcher)).toMatchObject({ kind: 'ok', how: 'token' });
    expect(requests).toHaveLength(3);
  });

  it('never sends the login to a plain-http realm of an https registry', async () => {
    const plainRealm = at('https://registry.example/v2/', () => response(401, { 'www-authenticate': 'Bearer realm="http://auth.example/token",service="r"' }));
    const { requests, fetcher } = network(plainRealm);
    expect(await probe(SECURE, alice, fetcher)).toEqual({
      kind: 'unexpected',
      url: 'https://registry.example/v2/',
      reason: 'the token service http://auth.example is not https: the login was not sent to it',
    });
    expect(requests).toHaveLength(1);
  });

  it('says so when the token service answers without a token, or with an error status, or is unreachable', async () => {
    const empty = network(registry, (request) => (request.url.startsWith('https://auth.example/') ? response(200, {}, '{"nothing":1}') : undefined));
    expect(await probe(SECURE, alice, empty.fetcher)).toEqual({ kind: 'unexpected', url: 'https://auth.example/token', reason: 'the token service answered without a token' });
    const broken = network(registry, (request) => (request.url.startsWith('https://auth.example/') ? response(503) : undefined));
    expect(await probe(SECURE, alice, broken.fetcher)).toEqual({ kind: 'unexpected', url: 'https://auth.example/token', reason: 'the token service answered HTTP 503' });
    const gone = network(registry, (request) => (request.url.startsWith('https://auth.example/') ? failure('ENOTFOUND') : undefined));
    expect(await probe(SECURE, alice, gone.fetcher)).toEqual({ kind: 'unreachable', url: 'https://auth.example/token', reason: 'auth.example does not resolve (ENOTFOUND)' });
  });
});

describe('probeRegistry: with a repository (doctor --image), the scope asked for and what the token grants', () => {
  const challenge = 'Bearer realm="https://auth.example/token",service="registry.example",scope="registry:catalog:*"';
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const jwt = `${part({ alg: 'ES256' })}.${part({ sub: 'alice', access: [{ type: 'repository', name: 'dream/base', actions: ['pull'] }] })}.c2ln`;
  const registry = (token: string) =>
    at('https://registry.example/v2/', (request) => (request.headers?.authorization === `Bearer ${token}` ? response(200) : response(401, { 'www-authenticate': challenge })));
  const tokens = (token: string): Route => (request) =>
    request.url.startsWith('https://auth.example/token') ? response(200, {}, JSON.stringify(request.method === 'POST' ? { access_token: token } : { token })) : undefined;
  const withRepository = (login: ProbeLogin, fetcher: (request: HttpRequest) => Promise<HttpOutcome>) =>
    probeRegistry(SECURE, login, fetcher, { timeoutMs: 5_000, ca: CA, repository: 'dream/base' });

  it('asks for repository:NAME:pull,push instead of the challenge scope, and reads the granted actions from the JWT', async () => {
    const { requests, fetcher } = network(registry(jwt), tokens(jwt));
    expect(await withRepository(alice, fetcher)).toEqual({ kind: 'ok', url: 'https://registry.example/v2/', how: 'token', granted: { readable: true, actions: ['pull'] } });
    expect(new URL(requests[1]?.url ?? '').searchParams.getAll('scope')).toEqual(['repository:dream/base:pull,push']);
  });

  it('the refresh-token grant asks for the same scope', async () => {
    const { requests, fetcher } = network(registry(jwt), tokens(jwt));
    expect(await withRepository({ username: '<token>', secret: 'r' }, fetcher)).toMatchObject({ granted: { readable: true, actions: ['pull'] } });
    expect(new URLSearchParams(requests[1]?.body ?? '').getAll('scope')).toEqual(['repository:dream/base:pull,push']);
  });

  it('an opaque token: accepted, but its actions cannot be read', async () => {
    const { fetcher } = network(registry('opaque-123'), tokens('opaque-123'));
    expect(await withRepository(alice, fetcher)).toEqual({ kind: 'ok', url: 'https://registry.example/v2/', how: 'token', granted: { readable: false, why: 'the token is not a JWT' } });
  });

  it('without a repository nothing about grants is reported (registry-login keeps its answer)', async () => {
    const { fetcher } = network(registry(jwt), tokens(jwt));
    expect(await probe(SECURE, alice, fetcher)).toEqual({ kind: 'ok', url: 'https://registry.example/v2/', how: 'token' });
  });
});

describe('probeRegistry: without a login (doctor --image when docker has none to send)', () => {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const anonymousJwt = `${part({ alg: 'ES256' })}.${part({ sub: '', access: [{ type: 'repository', name: 'dream/pub', actions: ['pull'] }] })}.c2ln`;
  const bearer = (realm: string) => `Bearer realm="${realm}",service="registry.example",scope="registry:catalog:*"`;
  const registry = (realm: string) =>
    at('https://registry.example/v2/', (request) => (request.headers?.authorization === `Bearer ${anonymousJwt}` ? response(200) : response(401, { 'www-authenticate': bearer(realm) })));
  const anonymousTokens = (prefix: string): Route => (request) =>
    request.url.startsWith(prefix) ? (request.headers?.authorization === undefined ? response(200, {}, JSON.stringify({ token: anonymousJwt })) : response(400)) : undefined;
  const anonymous = (endpoints: Endpoint[], fetcher: (request: HttpRequest) => Promise<HttpOutcome>) =>
    probeRegistry(endpoints, undefined, fetcher, { timeoutMs: 5_000, ca: CA, repository: 'dream/pub' });

  it('asks the realm as docker does without credentials: service and scope only, no Authorization anywhere; reads what anyone is granted', async () => {
    const { requests, fetcher } = network(registry('https://auth.example/token?x=1'), anonymousTokens('https://auth.example/token'));
    expect(await anonymous(SECURE, fetcher)).toEqual({ kind: 'ok', url: 'https://registry.example/v2/', how: 'token', granted: { readable: true, actions: ['pull'] } });
    const asked = new URL(requests[1]?.url ?? '');
    expect(asked.origin + asked.pathname).toBe('https://auth.example/token');
    expect([...asked.searchParams]).toEqual([
      ['x', '1'],
      ['service', 'registry.example'],
      ['scope', 'repository:dream/pub:pull,push'],
    ]);
    expect(requests.map((request) => request.method ?? 'GET')).toEqual(['GET', 'GET', 'GET']);
    expect(requests.slice(0, 2).map((request) => request.headers?.authorization)).toEqual([undefined, undefined]);
  });

  it('a token service that wants a login: rejected at the realm', async () => {
    const { fetcher } = network(registry('https://auth.example/token'), (request) =>
      request.url.startsWith('https://auth.example/') ? response(401, {}, '{"details":"authentication required"}') : undefined,
    );
    expect(await anonymous(SECURE, fetcher)).toEqual({ kind: 'rejected', url: 'https://auth.example/token', status: 401, how: 'token' });
  });

  it('a plain-http realm of an https registry is asked: nothing secret goes there (with a login it is not)', async () => {
    const { requests, fetcher } = network(registry('http://auth.example/token'), anonymousTokens('http://auth.example/token'));
    expect(await anonymous(SECURE, fetcher)).toMatchObject({ kind: 'ok', how: 'token' });
    expect(requests[1]?.url.startsWith('http://auth.example/token?')).toBe(true);
    const withLogin = network(registry('http://auth.example/token'));
    expect(await probeRegistry(SECURE, alice, withLogin.fetcher, { timeoutMs: 5_000, ca: CA })).toMatchObject({ kind: 'unexpected', reason: expect.stringContaining('is not https') });
  });

  it('a registry that refuses the token its own service gave anyone: unexpected, not a refused login', async () => {
    const refusing = at('https://registry.example/v2/', () => response(401, { 'www-authenticate': bearer('https://auth.example/token') }));
    const { fetcher } = network(refusing, anonymousTokens('https://auth.example/token'));
    expect(await anonymous(SECURE, fetcher)).toEqual({
      kind: 'unexpected',
      url: 'https://registry.example/v2/',
      reason: 'HTTP 401 for GET /v2/ with the token its token service gave without a login',
    });
  });

  it('Basic: the 401 to a request without credentials is the refusal, and nothing more is sent', async () => {
    const { requests, fetcher } = network(at('https://registry.example/v2/', () => response(401, { 'www-authenticate': 'Basic realm="Registry Realm"' })));
    expect(await anonymous(SECURE, fetcher)).toEqual({ kind: 'rejected', url: 'https://registry.example/v2/', status: 401, how: 'basic' });
    expect(requests).toHaveLength(1);
  });

  it('a registry open to anyone is ok, as with a login', async () => {
    const { fetcher } = network(at('https://registry.example/v2/', () => response(200)));
    expect(await anonymous(SECURE, fetcher)).toEqual({ kind: 'ok', url: 'https://registry.example/v2/', how: 'anonymous' });
  });
});

describe('probeRegistry: what the token service answers is checked before it goes into a header', () => {
  const challenge = 'Bearer realm="https://auth.example/token",service="registry.example"';
  const issuing = (body: string): Route => (request) => (request.url.startsWith('https://auth.example/') ? response(200, {}, body) : undefined);
  const registry = (token: string) =>
    at('https://registry.example/v2/', (request) => (request.headers?.authorization === `Bearer ${token}` ? response(200) : response(401, { 'www-authenticate': challenge })));
  const json = (token: unknown) => JSON.stringify({ token });

  it.each([
    ['CR LF (header injection)', json('abc\r\nX-Evil: 1'), 'the token service answered a token with characters a token cannot have (RFC 6750 allows letters, digits and -._~+/ then = padding)'],
    ['a lone LF', json('abc\ndef'), 'the token service answered a token with characters a token cannot have (RFC 6750 allows letters, digits and -._~+/ then = padding)'],
    ['NUL', json('abc\u0000def'), 'the token service answered a token with characters a token cannot have (RFC 6750 allows letters, digits and -._~+/ then = padding)'],
    ['a space', json('abc def'), 'the token service answered a token with characters a token cannot have (RFC 6750 allows letters, digits and -._~+/ then = padding)'],
    ['a tab', json('abc\tdef'), 'the token service answered a token with characters a token cannot have (RFC 6750 allows letters, digits and -._~+/ then = padding)'],
    ['DEL and other controls', json('abc\u007f\u001b[31m'), 'the token service answered a token with characters a token cannot have (RFC 6750 allows letters, digits and -._~+/ then = padding)'],
    ['non-ASCII', json('tök€n'), 'the token service answered a token with characters a token cannot have (RFC 6750 allows letters, digits and -._~+/ then = padding)'],
    ['quotes and commas', json('a",b'), 'the token service answered a token with characters a token cannot have (RFC 6750 allows letters, digits and -._~+/ then = padding)'],
    ['padding in the middle', json('ab==cd'), 'the token service answered a token with characters a token cannot have (RFC 6750 allows letters, digits and -._~+/ then = padding)'],
    ['only padding', json('=='), 'the token service answered a token with characters a token cannot have (RFC 6750 allows letters, digits and -._~+/ then = padding)'],
    ['a number', json(12345), 'the token service answered a token that is not a string (number)'],
    ['an object', json({ value: 'abc' }), 'the token service answered a token that is not a string (object)'],
    ['an array', json(['abc']), 'the token service answered a token that is not a string (array)'],
    ['true', json(true), 'the token service answered a token that is not a string (boolean)'],
    ['a huge token', json('a'.repeat(16 * 1024 + 1)), 'the token service answered a token of 16385 characters, more than the 16384 any registry issues'],
    ['an empty token', json(''), 'the token service answered without a token'],
    ['null', json(null), 'the token service answered without a token'],
    ['no token field', '{"nothing":1}', 'the token service answered without a token'],
    ['a JSON string, not an object', '"abc"', 'the token service answered without a token'],
    ['JSON null', 'null', 'the token service answered without a token'],
    ['not JSON', '<html>oops</html>', 'the token service answered something that is not JSON'],
  ])('%s: unexpected, the registry never sees it, the reason never quotes it', async (_name, body, reason) => {
    const { requests, fetcher } = network(registry('never'), issuing(body));
    const result = await probe(SECURE, alice, fetcher);
    expect(result).toEqual({ kind: 'unexpected', url: 'https://auth.example/token', reason });
    // GET /v2/, then the token service: no third request carries the token.
    expect(requests).toHaveLength(2);
    expect(result.kind === 'unexpected' && /[\u0000-\u001f\u007f]/.test(result.reason)).toBe(false);
  });

  it.each([
    ['a JWT (Docker Hub, Harbor, GitLab, Quay, distribution)', 'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJhdXRoIiwiYWNjZXNzIjpbXX0.c2lnbmF0dXJlLV9fXw'],
    ['a base64 opaque token with + / and = padding (ghcr.io)', 'djE6Z2hjci5pby9vd25lci9yZXBvOjE2OTk5OTk5OTk+Lw=='],
    ['an OAuth access token with ~ and - (gcr.io)', 'ya29.a0AfB_byC-~x.y'],
    ['a Nexus DockerToken', 'DockerToken.2b6b1d6e-5f3c-4a8e-9d2e-0123456789ab'],
    ['a token of 16 KiB', 'A'.repeat(16 * 1024)],
  ])('accepts %s', async (_name, token) => {
    const { requests, fetcher } = network(registry(token), issuing(json(token)));
    expect(await probe(SECURE, alice, fetcher)).toEqual({ kind: 'ok', url: 'https://registry.example/v2/', how: 'token' });
    expect(requests[2]?.headers?.authorization).toBe(`Bearer ${token}`);
  });

  it('takes access_token over token, as docker does when both are there', async () => {
    const { requests, fetcher } = network(registry('from-access'), issuing('{"token":"from-token","access_token":"from-access"}'));
    expect(await probe(SECURE, alice, fetcher)).toMatchObject({ kind: 'ok', how: 'token' });
    expect(requests[2]?.headers?.authorization).toBe('Bearer from-access');
    const onlyToken = network(registry('from-token'), issuing('{"token":"from-token","access_token":""}'));
    expect(await probe(SECURE, alice, onlyToken.fetcher)).toMatchObject({ kind: 'ok', how: 'token' });
    const nullAccess = network(registry('from-token'), issuing('{"token":"from-token","access_token":null}'));
    expect(await probe(SECURE, alice, nullAccess.fetcher)).toMatchObject({ kind: 'ok', how: 'token' });
  });

  it('the refresh-token grant (identity tokens) checks its access_token the same way', async () => {
    const { requests, fetcher } = network(registry('never'), issuing(JSON.stringify({ access_token: 'abc\r\nX-Evil: 1' })));
    expect(await probe(SECURE, { username: '<token>', secret: 'refresh' }, fetcher)).toMatchObject({ kind: 'unexpected', reason: expect.stringContaining('characters a token cannot have') });
    expect(requests).toHaveLength(2);
  });

  it('a body cut at 64 KiB says so rather than "not JSON"', async () => {
    const cut = network(registry('never'), (request) => (request.url.startsWith('https://auth.example/') ? { ...response(200, {}, '{"token":"aaaa'), truncated: true } : undefined));
    expect(await probe(SECURE, alice, cut.fetcher)).toEqual({ kind: 'unexpected', url: 'https://auth.example/token', reason: 'the token service answered more than 64 KiB' });
  });

  it('a request Node refused to send is told as such, never taken for a TLS problem (no plain-http look)', async () => {
    const { requests, fetcher } = network(
      at('https://registry.example/v2/', () => ({ kind: 'error', code: 'ERR_INVALID_CHAR', message: 'the request was not sent: a header value holds characters HTTP does not allow', notSent: true })),
      at('http://registry.example/v2/', () => response(401, { 'www-authenticate': 'Basic realm="x"' })),
    );
    expect(await probe(SECURE, alice, fetcher)).toEqual({
      kind: 'unexpected',
      url: 'https://registry.example/v2/',
      reason: 'the request was not sent: a header value holds characters HTTP does not allow (ERR_INVALID_CHAR)',
    });
    expect(requests).toHaveLength(1);
  });
});

describe('probeRegistry: other answers', () => {
  it('a registry open without a login is ok, but nothing was verified', async () => {
    const { fetcher } = network(at('https://registry.example/v2/', () => response(200)));
    expect(await probe(SECURE, alice, fetcher)).toEqual({ kind: 'ok', url: 'https://registry.example/v2/', how: 'anonymous' });
  });
  it.each([
    [response(404), 'HTTP 404: no registry API there (is it the right host and port?)'],
    [response(502), 'HTTP 502 for GET /v2/'],
    [response(401), 'HTTP 401 without a Basic or Bearer challenge'],
    [response(401, { 'www-authenticate': 'Negotiate' }), 'HTTP 401 without a Basic or Bearer challenge (offered: negotiate)'],
    [response(401, { 'www-authenticate': 'Bearer realm="::not a url"' }), 'the Bearer challenge names a realm that is not a URL'],
  ])('%j: %s', async (answer, reason) => {
    const { fetcher } = network(at('https://registry.example/v2/', () => answer));
    expect(await probe(SECURE, alice, fetcher)).toEqual({ kind: 'unexpected', url: 'https://registry.example/v2/', reason });
  });
});

describe('probeRegistry: failures below HTTP', () => {
  it.each([
    ['ENOTFOUND', { kind: 'unreachable', reason: 'registry.example does not resolve (ENOTFOUND)' }],
    ['EAI_AGAIN', { kind: 'unreachable', reason: 'registry.example does not resolve (EAI_AGAIN)' }],
    ['ECONNREFUSED', { kind: 'unreachable', reason: 'connection refused, nothing listens there (ECONNREFUSED)' }],
    ['EHOSTUNREACH', { kind: 'unreachable', reason: 'no route to the host (EHOSTUNREACH)' }],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', { kind: 'tls-unknown-authority', reason: 'failed with DEPTH_ZERO_SELF_SIGNED_CERT (DEPTH_ZERO_SELF_SIGNED_CERT)' }],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', { kind: 'tls-unknown-authority' }],
    ['SELF_SIGNED_CERT_IN_CHAIN', { kind: 'tls-unknown-authority' }],
    ['CERT_HAS_EXPIRED', { kind: 'tls-other', reason: 'its certificate has expired (CERT_HAS_EXPIRED)' }],
    ['ERR_TLS_CERT_ALTNAME_INVALID', { kind: 'tls-other', reason: 'its certificate is for another name (ERR_TLS_CERT_ALTNAME_INVALID)' }],
  ])('%s', async (code, expected) => {
    const { requests, fetcher } = network(at('https://registry.example/v2/', () => failure(code)));
    expect(await probe(SECURE, alice, fetcher)).toMatchObject({ url: 'https://registry.example/v2/', ...expected });
    // No credentials were sent anywhere.
    expect(requests.every((request) => request.headers?.authorization === undefined)).toBe(true);
  });

  it('our own deadline reads as "no answer within N s"', async () => {
    const { fetcher } = network(at('https://registry.example/v2/', () => failure('ETIMEDOUT', 'no answer within 6 s')));
    expect(await probe(SECURE, alice, fetcher)).toEqual({ kind: 'unreachable', url: 'https://registry.example/v2/', reason: 'no answer within 6 s' });
  });

  it('an https handshake answered in plain HTTP: looks over http without credentials, and says "HTTP response to HTTPS client"', async () => {
    const { requests, fetcher } = network(
      at('https://registry.example/v2/', () => failure('EPROTO', 'write EPROTO ...:wrong version number')),
      at('http://registry.example/v2/', () => response(401, { 'www-authenticate': 'Basic realm="x"' })),
    );
    expect(await probe(SECURE, alice, fetcher)).toEqual({ kind: 'http-to-https', url: 'https://registry.example/v2/' });
    expect(requests.map((request) => [request.url, request.headers?.authorization])).toEqual([
      ['https://registry.example/v2/', undefined],
      ['http://registry.example/v2/', undefined],
    ]);
  });

  it('a TLS failure where plain http answers nothing either stays a TLS failure', async () => {
    const { fetcher } = network(
      at('https://registry.example/v2/', () => failure('ERR_SSL_WRONG_VERSION_NUMBER', 'wrong version number')),
      at('http://registry.example/v2/', () => failure('ECONNRESET')),
    );
    expect(await probe(SECURE, alice, fetcher)).toEqual({ kind: 'tls-other', url: 'https://registry.example/v2/', reason: 'wrong version number (ERR_SSL_WRONG_VERSION_NUMBER)' });
  });

  it('insecure registries: https without verification first, then plain http, where the login is checked', async () => {
    const { requests, fetcher } = network(
      at('https://127.0.0.1:5000/v2/', () => failure('ERR_SSL_WRONG_VERSION_NUMBER', 'wrong version number')),
      at('http://127.0.0.1:5000/v2/', (request) =>
        request.headers?.authorization === basicAlice ? response(200) : response(401, { 'www-authenticate': 'Basic realm="x"' }),
      ),
    );
    expect(await probe(INSECURE, alice, fetcher)).toEqual({ kind: 'ok', url: 'http://127.0.0.1:5000/v2/', how: 'basic' });
    expect(requests[0]).toMatchObject({ verifyTls: false });
    expect(requests[0]?.ca).toBeUndefined();
  });

  it('insecure registries: a self-signed certificate is accepted, as docker does', async () => {
    const { requests, fetcher } = network(
      at('https://127.0.0.1:5000/v2/', (request) => (request.headers?.authorization === basicAlice ? response(200) : response(401, { 'www-authenticate': 'Basic realm="x"' }))),
    );
    expect(await probe(INSECURE, alice, fetcher)).toEqual({ kind: 'ok', url: 'https://127.0.0.1:5000/v2/', how: 'basic' });
    expect(requests.every((request) => request.verifyTls === false)).toBe(true);
  });

  it('insecure registries: when both fail, the plain-http failure is reported', async () => {
    const { fetcher } = network(
      at('https://127.0.0.1:5000/v2/', () => failure('ECONNREFUSED')),
      at('http://127.0.0.1:5000/v2/', () => failure('ECONNREFUSED')),
    );
    expect(await probe(INSECURE, alice, fetcher)).toEqual({ kind: 'unreachable', url: 'http://127.0.0.1:5000/v2/', reason: 'connection refused, nothing listens there (ECONNREFUSED)' });
  });

  it('one budget for the whole conversation: once spent, no further request is made', async () => {
    let clock = 0;
    const requests: HttpRequest[] = [];
    const fetcher = async (request: HttpRequest): Promise<HttpOutcome> => {
      requests.push(request);
      clock += 5_000; // the first request uses up the whole 5 s budget
      return response(401, { 'www-authenticate': 'Basic realm="x"' });
    };
    const result = await probeRegistry(SECURE, alice, fetcher, { timeoutMs: 5_000, ca: CA, now: () => clock });
    expect(result).toEqual({ kind: 'unreachable', url: 'https://registry.example/v2/', reason: 'no answer within 5 s' });
    expect(requests.map((request) => request.timeoutMs)).toEqual([5_000]);
  });
});

describe('isLoopbackHost', () => {
  it.each([
    ['localhost', true],
    ['LOCALHOST', true],
    ['app.localhost', true],
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['::1', true],
    ['[::1]', true],
    ['128.0.0.1', false],
    ['localhost.example.com', false],
    ['auth.example', false],
  ])('%s: %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });
});

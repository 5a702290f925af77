/** The real HTTP client against servers in this process: statuses, TLS verification, failures, the deadline. */
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, type Server, createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRequest } from '../../src/registry/http-request.js';
import { resolveHostAddresses } from '../../src/registry/resolve-host.js';
import { systemCertificateAuthorities } from '../../src/registry/trusted-authorities.js';
import { parseChallenges } from '../../src/registry/www-authenticate.js';
import { haveAll } from '../support/real-components.js';
import { type TlsFixture, makeTlsFixture } from '../support/tls-fixture.js';

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}
const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

describe('httpRequest over http', () => {
  const server = createHttpServer((request, response) => {
    if (request.url === '/big') {
      response.end('x'.repeat(200 * 1024));
      return;
    }
    response.writeHead(request.headers.authorization === 'Basic dTpw' ? 200 : 401, [
      ['WWW-Authenticate', 'Basic realm="one"'],
      ['WWW-Authenticate', 'Bearer realm="https://two/token"'],
      ['X-Method', request.method ?? ''],
    ]);
    request.pipe(response);
  });
  let port = 0;
  beforeAll(async () => {
    port = await listen(server);
  });
  afterAll(() => close(server));

  it('returns status, headers and body; sends method, headers and body', async () => {
    const outcome = await httpRequest({ url: `http://127.0.0.1:${port}/v2/`, method: 'POST', body: 'a=b', timeoutMs: 5_000 });
    expect(outcome).toMatchObject({ kind: 'response', status: 401, body: 'a=b' });
    if (outcome.kind !== 'response') throw new Error('no response');
    expect(outcome.headers['x-method']).toBe('POST');
    // Node joins repeated WWW-Authenticate lines with ", ": the parser reads both challenges back.
    expect(parseChallenges(outcome.headers['www-authenticate']).map((challenge) => challenge.scheme)).toEqual(['basic', 'bearer']);
    expect(await httpRequest({ url: `http://127.0.0.1:${port}/v2/`, headers: { authorization: 'Basic dTpw' }, timeoutMs: 5_000 })).toMatchObject({ status: 200 });
  });

  it('keeps at most 64 KiB of a body', async () => {
    const outcome = await httpRequest({ url: `http://127.0.0.1:${port}/big`, timeoutMs: 5_000 });
    expect(outcome.kind === 'response' && outcome.body.length).toBe(64 * 1024);
    expect(outcome).toMatchObject({ truncated: true });
    expect(await httpRequest({ url: `http://127.0.0.1:${port}/v2/`, timeoutMs: 5_000 })).not.toHaveProperty('truncated');
  });

  it('a closed port is ECONNREFUSED, a bad URL is an outcome too', async () => {
    const probe = createTcpServer();
    const closed = await listen(probe);
    await close(probe);
    expect(await httpRequest({ url: `http://127.0.0.1:${closed}/v2/`, timeoutMs: 5_000 })).toMatchObject({ kind: 'error', code: 'ECONNREFUSED' });
    expect(await httpRequest({ url: 'not a url', timeoutMs: 5_000 })).toEqual({ kind: 'error', code: 'ERR_INVALID_URL', message: 'not a valid URL' });
  });

  it('a request Node refuses to build (a header value with CR LF, another protocol) is an outcome, never a throw', async () => {
    const hostile = 'Bearer abc\r\nX-Evil: 1';
    const injected = await httpRequest({ url: `http://127.0.0.1:${port}/v2/`, headers: { authorization: hostile }, timeoutMs: 5_000 });
    expect(injected).toMatchObject({ kind: 'error', code: 'ERR_INVALID_CHAR' });
    // Says which header, never what was in it.
    expect(JSON.stringify(injected)).not.toContain('abc');
    expect(JSON.stringify(injected)).not.toContain('Evil');
    expect(await httpRequest({ url: `http://127.0.0.1:${port}/v2/`, headers: { 'x-nul': 'a\u0000b' }, timeoutMs: 5_000 })).toMatchObject({ kind: 'error', code: 'ERR_INVALID_CHAR' });
    expect(await httpRequest({ url: `ftp://127.0.0.1:${port}/v2/`, timeoutMs: 5_000 })).toMatchObject({ kind: 'error', code: 'ERR_INVALID_PROTOCOL' });
  });

  it('a server that accepts and never answers ends at the deadline as ETIMEDOUT', async () => {
    const silent = createTcpServer(() => undefined);
    const silentPort = await listen(silent);
    try {
      expect(await httpRequest({ url: `http://127.0.0.1:${silentPort}/v2/`, timeoutMs: 300 })).toEqual({ kind: 'error', code: 'ETIMEDOUT', message: 'no answer within 0.3 s' });
    } finally {
      silent.close();
    }
  });
});

describe.skipIf(!haveAll(['openssl']))('httpRequest over https', () => {
  let tls: TlsFixture;
  let secure: Server;
  let plain: Server;
  let securePort = 0;
  let plainPort = 0;
  beforeAll(async () => {
    tls = await makeTlsFixture({ ips: ['127.0.0.1'] });
    secure = createHttpsServer({ cert: tls.serverCert, key: tls.serverKey }, (_request, response) => {
      response.writeHead(401, { 'www-authenticate': 'Basic realm="tls"' });
      response.end();
    });
    plain = createHttpServer((_request, response) => response.end('plain'));
    securePort = await listen(secure);
    plainPort = await listen(plain);
  });
  afterAll(async () => {
    await close(secure);
    await close(plain);
  });

  it('a certificate from an authority nobody trusts fails verification with its code', async () => {
    const outcome = await httpRequest({ url: `https://127.0.0.1:${securePort}/v2/`, timeoutMs: 5_000 });
    expect(outcome).toMatchObject({ kind: 'error', code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
  });

  it('trusting the authority (as certs.d/HOST:PORT/ca.crt does) makes it verify', async () => {
    const ca = [...systemCertificateAuthorities({}), tls.caCert];
    expect(await httpRequest({ url: `https://127.0.0.1:${securePort}/v2/`, ca, timeoutMs: 5_000 })).toMatchObject({ kind: 'response', status: 401 });
  });

  it('verifyTls false accepts it (docker does that for insecure registries)', async () => {
    expect(await httpRequest({ url: `https://127.0.0.1:${securePort}/v2/`, verifyTls: false, timeoutMs: 5_000 })).toMatchObject({ kind: 'response', status: 401 });
  });

  it('https to a plain-http server fails below HTTP (the probe then looks over http)', async () => {
    const outcome = await httpRequest({ url: `https://127.0.0.1:${plainPort}/v2/`, timeoutMs: 5_000 });
    expect(outcome.kind).toBe('error');
    expect(outcome.kind === 'error' && outcome.code).toMatch(/^(EPROTO|ERR_SSL_WRONG_VERSION_NUMBER|ECONNRESET)$/);
  });
});

describe('systemCertificateAuthorities and resolveHostAddresses', () => {
  it('adds the bundle SSL_CERT_FILE names to Node’s own list', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsstore-ca-'));
    try {
      writeFileSync(join(dir, 'bundle.pem'), 'MY-BUNDLE');
      const withBundle = systemCertificateAuthorities({ SSL_CERT_FILE: join(dir, 'bundle.pem') });
      expect(withBundle.at(-1)).toBe('MY-BUNDLE');
      expect(withBundle.length).toBeGreaterThan(100);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('resolves localhost to a loopback address and an invalid name to nothing', async () => {
    expect(await resolveHostAddresses('localhost')).toContain('127.0.0.1');
    expect(await resolveHostAddresses('no-such-host.invalid')).toEqual([]);
  });
});

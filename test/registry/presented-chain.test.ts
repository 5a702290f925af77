/** The chain a TLS server presents, fetched unverified: a real TLS server, a plain HTTP one, nothing, a mute one. */
import { X509Certificate } from 'node:crypto';
import { type Server as HttpServer, createServer as createHttpServer } from 'node:http';
import { type AddressInfo, type Server, type Socket, createServer as createTcpServer } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificateAlert, fetchPresentedChain } from '../../src/registry/presented-chain.js';
import { type KeyPair, type TlsFixture, makeClientPair, makeTlsFixture } from '../support/tls-fixture.js';

const portOf = (server: Server | HttpServer) => (server.address() as AddressInfo).port;
const listen = (server: Server | HttpServer) => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
const sockets = new Set<Socket>();
const tracked = <T extends Server | HttpServer>(server: T): T => {
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return server;
};
const close = (server: Server | HttpServer | undefined) => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));

describe('fetchPresentedChain', () => {
  let fixture: TlsFixture;
  let tls: Server;
  let http: HttpServer;
  let mute: Server;
  let servernames: string[];

  beforeAll(async () => {
    fixture = await makeTlsFixture({ ips: ['127.0.0.1'], dns: ['registry.test'] });
    servernames = [];
    const context = { cert: `${fixture.serverCert}${fixture.caCert}`, key: fixture.serverKey };
    tls = tracked(
      createTlsServer({
        ...context,
        // Called only when the client sends SNI.
        SNICallback: (servername, callback) => {
          servernames.push(servername);
          callback(null, undefined);
        },
      }, (socket) => socket.end()),
    );
    http = tracked(createHttpServer((_request, response) => response.end('plain')));
    // Accepts the connection and never says a word.
    mute = tracked(createTcpServer(() => undefined));
    await Promise.all([listen(tls), listen(http), listen(mute)]);
  }, 60_000);
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await Promise.all([close(tls), close(http), close(mute)]);
  });

  it('gives the leaf and what the server sent with it, unverified, with SNI only for names', async () => {
    const chain = await fetchPresentedChain({ hostname: '127.0.0.1', port: portOf(tls), timeoutMs: 5_000 });
    expect(chain.kind).toBe('chain');
    if (chain.kind !== 'chain') return;
    expect(chain.certificates.map((certificate) => certificate.fingerprint256)).toEqual([new X509Certificate(fixture.serverCert).fingerprint256, new X509Certificate(fixture.caCert).fingerprint256]);
    expect(await fetchPresentedChain({ hostname: 'localhost', port: portOf(tls), timeoutMs: 5_000 })).toMatchObject({ kind: 'chain' });
    expect(servernames).toEqual(['localhost']);
  });

  it('tells a plain-HTTP port, a closed port and a mute one apart, each within its bound', async () => {
    expect(await fetchPresentedChain({ hostname: '127.0.0.1', port: portOf(http), timeoutMs: 5_000 })).toMatchObject({ kind: 'no-tls' });
    expect(await fetchPresentedChain({ hostname: '127.0.0.1', port: 1, timeoutMs: 5_000 })).toMatchObject({ kind: 'unreachable', code: 'ECONNREFUSED' });
    expect(await fetchPresentedChain({ hostname: '127.0.0.1', port: portOf(mute), timeoutMs: 300 })).toEqual({ kind: 'unreachable', code: 'ETIMEDOUT', reason: 'no TLS handshake within 0.3 s' });
    expect(await fetchPresentedChain({ hostname: '127.0.0.1', port: 70_000, timeoutMs: 300 })).toMatchObject({ kind: 'unreachable' });
  });
});

describe('fetchPresentedChain with a server that demands a client certificate', () => {
  let fixture: TlsFixture;
  let pair: KeyPair;
  let stranger: KeyPair;
  const servers: Server[] = [];
  /** An OpenSSL server (node:tls) that verifies clients against the fixture's CA, and answers HTTP. */
  const demanding = async (maxVersion: 'TLSv1.2' | 'TLSv1.3') => {
    const server = tracked(
      createTlsServer({ cert: fixture.serverCert, key: fixture.serverKey, ca: fixture.caCert, requestCert: true, rejectUnauthorized: true, maxVersion }, (socket) =>
        socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n'),
      ),
    );
    servers.push(server);
    await listen(server);
    return portOf(server);
  };

  beforeAll(async () => {
    fixture = await makeTlsFixture({ ips: ['127.0.0.1'] });
    pair = await makeClientPair(fixture);
    stranger = await makeClientPair(await makeTlsFixture({ ips: ['127.0.0.1'] }));
  }, 60_000);
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await Promise.all(servers.map(close));
  });

  it('TLS 1.3 and 1.2: no certificate and a stranger are refused with the chain still given; the right pair is answered', async () => {
    const leaf = new X509Certificate(fixture.serverCert).fingerprint256;
    for (const version of ['TLSv1.3', 'TLSv1.2'] as const) {
      const port = await demanding(version);
      const ask = (clientCertificate?: KeyPair) => fetchPresentedChain({ hostname: '127.0.0.1', port, timeoutMs: 5_000, ...(clientCertificate ? { clientCertificate } : {}) });
      const none = await ask();
      expect(none, version).toMatchObject({ kind: 'chain', client: { kind: 'refused', alert: version === 'TLSv1.3' ? 'certificate required' : 'handshake failure' } });
      expect(none.kind === 'chain' && none.certificates[0]?.fingerprint256).toBe(leaf);
      // node's own server hangs up on a stranger without an alert (the Go registry sends one: see
      // test/e2e/doctor-certs-d.test.ts); nothing is claimed about the client then, and in TLS 1.3,
      // where the handshake ended first, the chain is still given.
      const refused = await ask(stranger);
      if (version === 'TLSv1.3') expect(refused.kind === 'chain' && refused.client).toEqual({ kind: 'unknown' });
      else expect(refused).toMatchObject({ kind: 'unreachable', code: 'ECONNRESET' });
      const good = await ask(pair);
      expect(good, version).toMatchObject({ kind: 'chain', client: { kind: 'answered' } });
      expect(good.kind === 'chain' && good.certificates[0]?.fingerprint256).toBe(leaf);
    }
  });

  it("names certificate alerts as Go prints them, from OpenSSL's and BoringSSL's spellings", () => {
    expect(certificateAlert('ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE', 'ssl3_read_bytes:sslv3 alert bad certificate')).toBe('bad certificate');
    expect(certificateAlert('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', '')).toBe('certificate required');
    expect(certificateAlert('ERROR', 'TLSV1_ALERT_UNKNOWN_CA')).toBe('unknown certificate authority');
    expect(certificateAlert('ECONNRESET', 'socket hang up')).toBeUndefined();
  });
});

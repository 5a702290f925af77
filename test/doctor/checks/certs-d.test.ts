/** The certs-d check over a HomeContext: registries from tsstore and config.json, a certs.d folder on disk, scripted chains. */
import { X509Certificate } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { certsD } from '../../../src/doctor/checks/certs-d.js';
import { runChecks } from '../../../src/doctor/runner.js';
import type { ChainRequest, PresentedChain } from '../../../src/registry/presented-chain.js';
import { type KeyPair, type TlsFixture, makeClientPair, makeTlsFixture } from '../../support/tls-fixture.js';
import { type HomeContext, cleanUpHomes, home } from './home-context.js';

afterEach(cleanUpHomes);

let fixture: TlsFixture;
let pair: KeyPair;
beforeAll(async () => {
  fixture = await makeTlsFixture({ ips: ['127.0.0.1', '10.1.2.3'] });
  pair = await makeClientPair(fixture);
}, 30_000);

async function run(context: HomeContext) {
  const report = await runChecks([certsD], context, { fix: true, only: [] });
  const check = report.checks[0];
  if (!check) throw new Error('no result');
  return check;
}

describe('certs-d', () => {
  it('is skipped when there is no registry, and connects to nothing', async () => {
    const context = home({ config: { credsStore: 'tsstore' } });
    expect(await run(context)).toMatchObject({ status: 'skipped', details: ['no registries to judge certificates for (tsstore and config.json name none)'] });
    expect(context.chainRequests).toEqual([]);
  });

  it('judges each registry once, with its commands under its finding; reads certs.d from TSSTORE_DOCKER_CERTS_D and writes nothing', async () => {
    const chain: PresentedChain = { kind: 'chain', certificates: [new X509Certificate(fixture.serverCert)] };
    const context = home({
      env: { TSSTORE_DOCKER_CERTS_D: '/placeholder' },
      config: { auths: { '10.1.2.3:5000': {}, 'https://127.0.0.1:5001': {} }, credsStore: 'tsstore' },
      chains: (request: ChainRequest) => (request.port === 5002 ? { kind: 'no-tls', reason: 'wrong version number' } : chain),
    });
    const certs = context.path('certs.d');
    context.env.TSSTORE_DOCKER_CERTS_D = certs;
    context.write('certs.d/10.1.2.3:5000/ca.pem', fixture.caCert);
    await context.backend.add('127.0.0.1:5002', { username: 'bob', secret: 'bobs-secret' });
    const before = readdirSync(certs, { recursive: true });
    const result = await run(context);
    expect(result.status).toBe('problem');
    expect(result.details).toEqual([
      '127.0.0.1:5002: answers without TLS (plain HTTP), so there is no certificate to judge (insecure-registries: see daemon-json)',
      `10.1.2.3:5000: docker login fails with "x509: certificate signed by unknown authority": the registry's certificate is signed by CN=tsstore test CA, whose certificate is in ${certs}/10.1.2.3:5000/ca.pem; docker reads CA certificates only from files ending in .crt`,
      `run: sudo cp ${certs}/10.1.2.3:5000/ca.pem ${certs}/10.1.2.3:5000/ca.crt`,
      `127.0.0.1:5001: docker itself does not verify this registry's certificate and does not read ${certs}/127.0.0.1:5001 (127.0.0.1 is a loopback address); the files are judged all the same`,
      `127.0.0.1:5001: no CA for it in ${certs}/127.0.0.1:5001 (it does not exist): not needed while docker does not verify this registry`,
    ]);
    expect(context.chainRequests.map((request) => [request.hostname, request.port])).toEqual([
      ['127.0.0.1', 5002],
      ['10.1.2.3', 5000],
      ['127.0.0.1', 5001],
    ]);
    expect(readdirSync(certs, { recursive: true })).toEqual(before);
    expect(JSON.stringify(result)).not.toContain('bobs-secret');
  });

  it('is ok when the folder verifies the chain, and skipped when no registry answers', async () => {
    const chain: PresentedChain = { kind: 'chain', certificates: [new X509Certificate(fixture.serverCert)] };
    const context = home({ config: { auths: { '10.1.2.3:5000': {} } }, chains: () => chain });
    context.env.TSSTORE_DOCKER_CERTS_D = context.path('certs.d');
    context.write('certs.d/10.1.2.3:5000/ca.crt', fixture.caCert);
    expect(await run(context)).toMatchObject({ status: 'ok', details: [expect.stringContaining('verifies with')] });
    const away = home({ config: { auths: { '10.1.2.3:5000': {} } } });
    away.env.TSSTORE_DOCKER_CERTS_D = away.path('certs.d');
    expect(await run(away)).toMatchObject({ status: 'skipped' });
  });

  it("the registry's own certificate saved as ca.crt: a warning (docker works until it is renewed), its line marked, the report ok", async () => {
    const chain: PresentedChain = { kind: 'chain', certificates: [new X509Certificate(fixture.serverCert)] };
    const context = home({ config: { auths: { '10.1.2.3:5000': {} } }, chains: () => chain });
    const folder = context.path('certs.d/10.1.2.3:5000');
    context.env.TSSTORE_DOCKER_CERTS_D = context.path('certs.d');
    context.write('certs.d/10.1.2.3:5000/ca.crt', fixture.serverCert);
    const report = await runChecks([certsD], context, { fix: true, only: [] });
    expect(report.ok).toBe(true);
    expect(report.checks[0]?.status).toBe('warning');
    expect(report.checks[0]?.details).toEqual([
      expect.stringMatching(new RegExp(`^warning: 10\\.1\\.2\\.3:5000: ${folder}/ca\\.crt: CN=tsstore test registry is not a CA certificate .*it is the registry's own server certificate: docker accepts it only while`)),
      `run: openssl x509 -noout -text -in ${folder}/ca.crt`,
      `run: sudo cp ca.crt ${folder}/ca.crt`,
      expect.stringMatching(new RegExp(`^10\\.1\\.2\\.3:5000: the registry's certificate \\(CN=tsstore test registry, valid until .*\\) verifies with ${folder}/ca\\.crt for 10\\.1\\.2\\.3$`)),
    ]);
  });

  it("presents the folder's client pair, as docker does, only to a registry docker verifies", async () => {
    const chain: PresentedChain = { kind: 'chain', certificates: [new X509Certificate(fixture.serverCert)], client: { kind: 'answered' } };
    const context = home({ config: { auths: { '10.1.2.3:5000': {}, '127.0.0.1:5001': {} } }, chains: () => chain });
    context.env.TSSTORE_DOCKER_CERTS_D = context.path('certs.d');
    for (const name of ['10.1.2.3:5000', '127.0.0.1:5001']) {
      context.write(`certs.d/${name}/ca.crt`, fixture.caCert);
      context.write(`certs.d/${name}/client.cert`, pair.cert);
      context.write(`certs.d/${name}/client.key`, pair.key, 0o600);
    }
    const result = await run(context);
    expect(context.chainRequests.map((request) => [request.port, request.clientCertificate])).toEqual([
      [5000, { cert: pair.cert, key: pair.key }],
      [5001, undefined],
    ]);
    expect(result.details).toContain(`10.1.2.3:5000: the registry takes the client certificate ${context.path('certs.d')}/10.1.2.3:5000/client.cert (CN=tsstore test client) that docker presents`);
    expect(JSON.stringify(result)).not.toContain(pair.key.split('\n')[1]);
  });
});

/**
 * certs-d's judgement on certificates made by the real openssl in this test: files of a certs.d folder,
 * the chain a registry presents and the name used → findings with docker's words and the commands.
 */
import { X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { allowsServerAuth, judgeName, verifyChain } from '../../../src/doctor/certs-d/chain.js';
import { clientPairOf, loadPairs } from '../../../src/doctor/certs-d/client-pair.js';
import { type DockerVerifies, type RegistryTls, judgeRegistryTls } from '../../../src/doctor/certs-d/judge.js';
import { certificateTime, readPem } from '../../../src/doctor/certs-d/pem.js';
import type { FolderEntry, FolderListing } from '../../../src/doctor/certs-d/read-folder.js';
import type { PresentedChain } from '../../../src/registry/presented-chain.js';
import { type KeyPair, type TlsFixture, makeClientPair, makeSpareKey, makeTlsFixture } from '../../support/tls-fixture.js';

const DAY_MS = 86_400_000;
const IP = '10.9.8.7';
const NAME = `${IP}:5000`;
const CERTS_D = '/etc/docker/certs.d';
const FOLDER = `${CERTS_D}/${NAME}`;

let good: TlsFixture;
let dnsOnly: TlsFixture;
let expiredCa: TlsFixture;
let notYet: TlsFixture;
let client: KeyPair;
let spareKey: string;

beforeAll(async () => {
  const now = Date.now();
  [good, dnsOnly, expiredCa, notYet] = await Promise.all([
    makeTlsFixture({ ips: [IP] }),
    makeTlsFixture({ dns: ['registry.test'] }),
    makeTlsFixture({ ips: [IP], ca: { notBefore: new Date(now - 10 * DAY_MS), notAfter: new Date(now - DAY_MS) } }),
    makeTlsFixture({ ips: [IP], server: { notBefore: new Date(now + DAY_MS), notAfter: new Date(now + 3 * DAY_MS) } }),
  ]);
  client = await makeClientPair(good);
  spareKey = await makeSpareKey();
}, 60_000);

const cert = (pem: string) => new X509Certificate(pem);
const chainOf = (fixture: TlsFixture): PresentedChain => ({ kind: 'chain', certificates: [cert(fixture.serverCert)] });
const files = (contents: Record<string, string>): FolderListing => ({
  kind: 'entries',
  truncated: false,
  entries: Object.entries(contents).map(([name, text]): FolderEntry => ({ name, kind: 'file', text })),
});
const VERIFIES: DockerVerifies = { verifies: true };

function judge(overrides: Partial<RegistryTls>) {
  const input: RegistryTls = {
    indexName: NAME,
    hostname: IP,
    connectTo: NAME,
    hub: false,
    certsD: CERTS_D,
    listing: { kind: 'missing' },
    siblings: [],
    presented: chainOf(good),
    systemAnchors: () => [],
    nowMs: Date.now(),
    docker: VERIFIES,
    ...overrides,
  };
  const verdict = judgeRegistryTls(input);
  return { ...verdict, problems: verdict.findings.filter((finding) => finding.problem), notes: verdict.findings.filter((finding) => !finding.problem) };
}

describe('certs-d judgement: the CA', () => {
  it('no folder: the unknown authority docker reports, the CA it needs, mkdir and cp', () => {
    const { problems, judged } = judge({});
    expect(judged).toBe(true);
    expect(problems).toEqual([
      {
        problem: true,
        line: `${NAME}: docker login fails with "x509: certificate signed by unknown authority": the registry's certificate is signed by CN=tsstore test CA, and ${FOLDER} does not exist: put that CA's certificate there as ca.crt (ca.crt below: that CA's certificate, from whoever runs the registry)`,
        commands: [`sudo mkdir -p ${FOLDER}`, `sudo cp ca.crt ${FOLDER}/ca.crt`],
      },
    ]);
  });

  it('the right ca.crt: one ok line naming the file, the certificate and the name', () => {
    const { findings } = judge({ listing: files({ 'ca.crt': good.caCert }) });
    expect(findings).toEqual([
      { problem: false, line: expect.stringMatching(new RegExp(`^${NAME}: the registry's certificate \\(CN=tsstore test registry, valid until \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC\\) verifies with ${FOLDER}/ca\\.crt for ${IP}$`)), commands: [] },
    ]);
  });

  it("the system's CAs verify a registry that needs no folder; they are read only when the folder's do not", () => {
    let asked = 0;
    const systemAnchors = () => {
      asked++;
      return [{ certificate: cert(good.caCert) }];
    };
    expect(judge({ systemAnchors }).findings).toEqual([{ problem: false, line: expect.stringContaining("verifies with the system's CAs"), commands: [] }]);
    expect(asked).toBe(1);
    judge({ systemAnchors, listing: files({ 'ca.crt': good.caCert }) });
    expect(asked).toBe(1);
  });

  it('the CA saved as ca.pem: docker ignores it; the cp to ca.crt', () => {
    const { problems } = judge({ listing: files({ 'ca.pem': good.caCert }) });
    expect(problems).toEqual([
      {
        problem: true,
        line: `${NAME}: docker login fails with "x509: certificate signed by unknown authority": the registry's certificate is signed by CN=tsstore test CA, whose certificate is in ${FOLDER}/ca.pem; docker reads CA certificates only from files ending in .crt`,
        commands: [`sudo cp ${FOLDER}/ca.pem ${FOLDER}/ca.crt`],
      },
    ]);
  });

  it('CA files that are not the registry\'s CA: named, and the cp', () => {
    const { problems } = judge({ listing: files({ 'ca.crt': dnsOnly.caCert }) });
    expect(problems).toEqual([
      {
        problem: true,
        line: `${NAME}: docker login fails with "x509: certificate signed by unknown authority": the registry's certificate is signed by CN=tsstore test CA, and no *.crt file in ${FOLDER} is that CA: put its certificate there as ca.crt (ca.crt below: that CA's certificate, from whoever runs the registry)`,
        commands: [`sudo cp ca.crt ${FOLDER}/ca.crt`],
      },
    ]);
  });

  it("the server certificate saved as ca.crt: Go accepts it while it is presented, so a warning (not a problem): it is not a CA", () => {
    const { problems, findings } = judge({ listing: files({ 'ca.crt': good.serverCert }) });
    expect(problems).toEqual([]);
    expect(findings.filter((finding) => finding.warning === true)).toEqual([
      {
        problem: false,
        warning: true,
        line:
          `${NAME}: ${FOLDER}/ca.crt: CN=tsstore test registry is not a CA certificate (no basicConstraints CA:TRUE); it is the registry's own server certificate: docker accepts it only while the ` +
          `registry presents this very certificate, and fails with "x509: certificate signed by unknown authority" once it is renewed; put the certificate of the CA that signed it (CN=tsstore test CA) there instead`,
        commands: [`openssl x509 -noout -text -in ${FOLDER}/ca.crt`, `sudo cp ca.crt ${FOLDER}/ca.crt`],
      },
    ]);
    // It does verify today, and says so.
    expect(findings.map((finding) => finding.line)).toContainEqual(expect.stringMatching(new RegExp(`^${NAME}: the registry's certificate \\(CN=tsstore test registry, valid until .*\\) verifies with ${FOLDER}/ca\\.crt for ${IP}$`)));
  });

  it('a certificate that is not a CA and not the one the registry presents stays a problem', () => {
    const { problems } = judge({ listing: files({ 'ca.crt': dnsOnly.serverCert }) });
    expect(problems.map((finding) => [finding.warning, finding.line])).toContainEqual([undefined, expect.stringContaining(`${FOLDER}/ca.crt: CN=tsstore test registry is not a CA certificate (no basicConstraints CA:TRUE); docker cannot use it to verify anything the registry presents`)]);
  });

  it('an expired CA that signed the chain: the file, the date and docker\'s words', () => {
    const { problems } = judge({ presented: chainOf(expiredCa), listing: files({ 'ca.crt': expiredCa.caCert }) });
    const expiredOn = new RegExp(`CN=tsstore test CA expired on \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC`);
    expect(problems.map((finding) => finding.line)).toEqual([
      expect.stringMatching(new RegExp(`^${NAME}: ${FOLDER}/ca\\.crt: ${expiredOn.source}: Go refuses it \\("x509: certificate has expired or is not yet valid"\\)$`)),
      expect.stringMatching(new RegExp(`^${NAME}: docker login fails with "x509: certificate has expired or is not yet valid": the CA that signed the registry's certificate, in ${FOLDER}/ca\\.crt, \\(CN=tsstore test CA\\) expired on `)),
    ]);
    expect(problems[1]?.commands).toEqual([`openssl x509 -noout -text -in ${FOLDER}/ca.crt`, `sudo cp ca.crt ${FOLDER}/ca.crt`]);
  });

  it('a server certificate not valid yet: renew it on the registry, and how to see it', () => {
    const { problems } = judge({ presented: chainOf(notYet), listing: files({ 'ca.crt': notYet.caCert }) });
    expect(problems).toEqual([
      {
        problem: true,
        line: expect.stringMatching(/: docker login fails with "x509: certificate has expired or is not yet valid": the registry's certificate, CN=tsstore test registry is valid only from .* UTC \(check the clock too\); renew it on the registry$/),
        commands: [`openssl s_client -connect ${NAME} </dev/null 2>/dev/null | openssl x509 -noout -text`],
      },
    ]);
  });

  it('a .crt with no certificate in it (garbage, a key) is skipped by docker: named', () => {
    const { problems } = judge({ listing: files({ 'ca.crt': good.caCert, 'junk.crt': 'not pem\n', 'key.crt': client.key }) });
    expect(problems.map((finding) => finding.line)).toEqual([
      `${NAME}: ${FOLDER}/junk.crt holds no PEM certificate (a DER file must be converted: openssl x509 -inform der): docker skips it without a word`,
      `${NAME}: ${FOLDER}/key.crt holds a private key, not a certificate (a client key is NAME.key next to its NAME.cert): docker skips it without a word`,
    ]);
  });
});

describe('certs-d judgement: client pairs', () => {
  it('.cert without .key: docker\'s words; a CA saved as .cert is to be renamed .crt', () => {
    const { problems } = judge({ listing: files({ 'ca.crt': good.caCert, 'client.cert': client.cert, 'other.cert': good.caCert }) });
    expect(problems).toEqual([
      {
        problem: true,
        line: `${NAME}: ${FOLDER}/client.cert has no client.key next to it: docker fails every request to this registry with "missing key client.key for client certificate client.cert. Note that CA certificates should use the extension .crt"; put the key of this client certificate there`,
        commands: [`sudo cp client.key ${FOLDER}/client.key`],
      },
      {
        problem: true,
        line: `${NAME}: ${FOLDER}/other.cert has no other.key next to it: docker fails every request to this registry with "missing key other.key for client certificate other.cert. Note that CA certificates should use the extension .crt"; it holds a CA certificate (CN=tsstore test CA): rename it to .crt`,
        commands: [`sudo mv ${FOLDER}/other.cert ${FOLDER}/other.crt`],
      },
    ]);
  });

  it('.key without .cert, and a key that is not the certificate\'s', () => {
    const { problems } = judge({ listing: files({ 'ca.crt': good.caCert, 'client.cert': client.cert, 'client.key': spareKey, 'lone.key': spareKey }) });
    expect(problems).toEqual([
      {
        problem: true,
        line: `${NAME}: ${FOLDER}/client.key is not the key of ${FOLDER}/client.cert (CN=tsstore test client): docker fails every request to this registry with "tls: private key does not match public key"; the two commands below print different public keys`,
        commands: [`openssl x509 -noout -pubkey -in ${FOLDER}/client.cert`, `sudo openssl pkey -pubout -in ${FOLDER}/client.key`],
      },
      {
        problem: true,
        line: `${NAME}: ${FOLDER}/lone.key has no lone.cert next to it: docker fails every request to this registry with "Missing client certificate lone.cert for key lone.key"`,
        commands: [`sudo cp client.cert ${FOLDER}/lone.cert`],
      },
    ]);
    // The key's text is never part of a finding.
    expect(JSON.stringify(problems)).not.toContain(spareKey.split('\n')[1]);
  });

  it('a matching pair is fine; a key that is not PEM is named without being shown', () => {
    expect(judge({ listing: files({ 'ca.crt': good.caCert, 'client.cert': client.cert, 'client.key': client.key }) }).problems).toEqual([]);
    const { problems } = judge({ listing: files({ 'ca.crt': good.caCert, 'client.cert': client.cert, 'client.key': 'secret-looking garbage' }) });
    expect(problems.map((finding) => finding.line)).toEqual([`${NAME}: ${FOLDER}/client.key is not a private key docker can load (encrypted, or not PEM): docker fails every request to this registry ("tls: failed to parse private key")`]);
    expect(JSON.stringify(problems)).not.toContain('secret-looking');
  });

  it('files docker cannot read break every request; ones we may not read are only noted', () => {
    const listing: FolderListing = {
      kind: 'entries',
      truncated: false,
      entries: [
        { name: 'ca.crt', kind: 'file', text: good.caCert },
        { name: 'dir.crt', kind: 'folder' },
        { name: 'root.key', kind: 'unreadable', code: 'EACCES', reason: 'permission denied' },
        { name: 'root.cert', kind: 'file', text: client.cert },
      ],
    };
    const { problems, notes } = judge({ listing });
    expect(problems.map((finding) => finding.line)).toEqual([`${NAME}: ${FOLDER}/dir.crt is a folder: docker reads every *.crt, *.cert and *.key here, and fails every request to this registry when one cannot be read`]);
    expect(notes.map((finding) => finding.line)).toContain(`${NAME}: ${FOLDER}/root.key: cannot read it (permission denied), so it is not judged; dockerd runs as root and may read it`);
  });
});

describe('certs-d judgement: a registry that demands a client certificate', () => {
  const refused = (alert = 'bad certificate'): PresentedChain => ({ kind: 'chain', certificates: [cert(good.serverCert)], client: { kind: 'refused', alert } });

  it('the pair docker presents: the first by name whose key is its own', () => {
    expect(clientPairOf(files({ 'a.cert': client.cert, 'a.key': spareKey, 'b.cert': client.cert, 'b.key': client.key, 'c.cert': client.cert, 'c.key': client.key }))?.certName).toBe('b.cert');
    expect(clientPairOf(files({ 'a.cert': client.cert, 'b.key': client.key, 'ca.crt': good.caCert }))).toBeUndefined();
    expect(clientPairOf({ kind: 'missing' })).toBeUndefined();
  });

  it('each pair is loaded once a listing: the judgement of the files and the pair docker presents share it', () => {
    const listing = files({ 'a.cert': client.cert, 'a.key': spareKey, 'b.cert': client.cert, 'b.key': client.key });
    if (listing.kind !== 'entries') throw new Error('entries expected');
    const pairs = loadPairs(listing.entries);
    expect(loadPairs(listing.entries)).toBe(pairs);
    expect([...pairs.values()].map((pair) => [pair.certName, pair.key.kind === 'file' ? pair.key.matches : pair.key.kind])).toEqual([
      ['a.cert', false],
      ['b.cert', true],
    ]);
    expect(clientPairOf(listing)?.certificate).toBe(pairs.get('b.cert')?.leaf);
  });

  it('refused with no pair: the files docker expects, the mkdir when there is no folder; the chain is still judged', () => {
    const missing = judge({ presented: refused() });
    expect(missing.problems.map((finding) => [finding.line, finding.commands])).toEqual([
      [expect.stringContaining('signed by unknown authority'), expect.anything()],
      [
        `${NAME}: docker login fails with "remote error: tls: bad certificate": the registry demands a client certificate, and ${FOLDER} holds no pair docker can present; docker presents NAME.cert with its key NAME.key from there (client.cert and client.key below: the certificate and key issued to you for this registry)`,
        [`sudo mkdir -p ${FOLDER}`, `sudo cp client.cert ${FOLDER}/client.cert`, `sudo cp client.key ${FOLDER}/client.key`],
      ],
    ]);
    const withCa = judge({ presented: refused('certificate required'), listing: files({ 'ca.crt': good.caCert }) });
    expect(withCa.problems).toHaveLength(1);
    expect(withCa.problems[0]?.line).toContain('"remote error: tls: certificate required"');
    expect(withCa.problems[0]?.commands).toEqual([`sudo cp client.cert ${FOLDER}/client.cert`, `sudo cp client.key ${FOLDER}/client.key`]);
  });

  it('the pair presented and refused, or taken; docker presents none to a registry it does not verify', () => {
    const pair = { certName: 'client.cert', certificate: cert(client.cert) };
    const listing = files({ 'ca.crt': good.caCert, 'client.cert': client.cert, 'client.key': client.key });
    const no = judge({ presented: refused(), listing, clientPair: pair });
    expect(no.problems.map((finding) => finding.line)).toEqual([
      `${NAME}: docker login fails with "remote error: tls: bad certificate": the registry refuses the client certificate ${FOLDER}/client.cert (CN=tsstore test client, issued by CN=tsstore test CA); it takes only certificates of the CAs it trusts for clients: ask whoever runs it for one`,
    ]);
    const yes = judge({ presented: { kind: 'chain', certificates: [cert(good.serverCert)], client: { kind: 'answered' } }, listing, clientPair: pair });
    expect(yes.problems).toEqual([]);
    expect(yes.notes.map((finding) => finding.line)).toEqual([expect.stringContaining('verifies with'), `${NAME}: the registry takes the client certificate ${FOLDER}/client.cert (CN=tsstore test client) that docker presents`]);
    const insecure = judge({ presented: refused(), listing, docker: { verifies: false, why: 'it is in insecure-registries' } });
    expect(insecure.problems.map((finding) => finding.line)).toEqual([expect.stringContaining('docker presents none to a registry it does not verify (it is in insecure-registries)')]);
  });
});

describe('certs-d judgement: the name used', () => {
  it("a certificate for a DNS name used by IP: Go's \"doesn't contain any IP SANs\"", () => {
    const { problems } = judge({ presented: chainOf(dnsOnly), listing: files({ 'ca.crt': dnsOnly.caCert }) });
    expect(problems).toEqual([
      {
        problem: true,
        line: `${NAME}: docker login fails with "x509: cannot validate certificate for ${IP} because it doesn't contain any IP SANs": the registry's certificate (CN=tsstore test registry) lists DNS:registry.test in its subjectAltName, not ${IP}; use a name it lists, or have it reissued with subjectAltName = IP:${IP}`,
        commands: [`openssl s_client -connect ${NAME} </dev/null 2>/dev/null | openssl x509 -noout -text`],
      },
    ]);
  });

  it('names: covered, another name, and no DNS name at all (Go ignores the Common Name)', () => {
    const leaf = cert(dnsOnly.serverCert);
    expect(judgeName(leaf, 'registry.test')).toEqual({ kind: 'covered' });
    expect(judgeName(leaf, 'REGISTRY.test')).toEqual({ kind: 'covered' });
    expect(judgeName(leaf, 'other.test')).toEqual({ kind: 'not-covered', names: ['DNS:registry.test'] });
    expect(judgeName(cert(good.serverCert), 'tsstore test registry')).toEqual({ kind: 'no-dns-sans', names: [`IP Address:${IP}`] });
    expect(judgeName(cert(good.serverCert), '10.9.8.6')).toEqual({ kind: 'not-covered', names: [`IP Address:${IP}`] });
    expect(allowsServerAuth(cert(good.serverCert))).toBe(true);
    expect(allowsServerAuth(cert(client.cert))).toBe(false);
    const byName = judge({ indexName: 'other.test:5000', hostname: 'other.test', connectTo: 'other.test:5000', presented: chainOf(dnsOnly), listing: files({}) , systemAnchors: () => [{ certificate: cert(dnsOnly.caCert) }] });
    expect(byName.problems.map((finding) => [finding.line, finding.commands])).toEqual([
      [
        `other.test:5000: docker login fails with "x509: certificate is valid for registry.test, not other.test": the registry's certificate (CN=tsstore test registry) lists DNS:registry.test in its subjectAltName, not other.test; use a name it lists, or have it reissued with subjectAltName = DNS:other.test`,
        ['openssl s_client -connect other.test:5000 -servername other.test </dev/null 2>/dev/null | openssl x509 -noout -text'],
      ],
    ]);
  });
});

describe('certs-d judgement: registries docker does not verify, and the rest', () => {
  const loopback: DockerVerifies = { verifies: false, why: '127.0.0.1 is a loopback address' };

  it('says so; a missing CA and a wrong name are notes, a wrong file stays a problem', () => {
    const quiet = judge({ docker: loopback, presented: chainOf(dnsOnly) });
    expect(quiet.problems).toEqual([]);
    expect(quiet.notes.map((finding) => finding.line)).toEqual([
      `${NAME}: docker itself does not verify this registry's certificate and does not read ${FOLDER} (127.0.0.1 is a loopback address); the files are judged all the same`,
      `${NAME}: no CA for it in ${FOLDER} (it does not exist): not needed while docker does not verify this registry`,
      expect.stringContaining(`${NAME}: docker would fail with "x509: cannot validate certificate for ${IP} because it doesn't contain any IP SANs" if it verified this registry`),
    ]);
    const wrong = judge({ docker: loopback, listing: files({ 'ca.crt': good.caCert, 'client.cert': client.cert }) });
    expect(wrong.problems.map((finding) => finding.line)).toEqual([expect.stringContaining(`${FOLDER}/client.cert has no client.key next to it`)]);
    expect(wrong.notes).toHaveLength(1);
    const right = judge({ docker: loopback, listing: files({ 'ca.crt': good.caCert }) });
    expect(right.notes.at(-1)?.line).toMatch(/verifies with .*ca\.crt for 10\.9\.8\.7, though docker does not check it here$/);
  });

  it('a plain-HTTP registry has nothing to judge; an unreachable one gets its files judged', () => {
    expect(judge({ presented: { kind: 'no-tls', reason: 'wrong version number' } })).toMatchObject({ judged: false, problems: [], notes: [{ line: expect.stringContaining('answers without TLS (plain HTTP)') }] });
    const away = judge({ presented: { kind: 'unreachable', code: 'ECONNREFUSED', reason: 'connect ECONNREFUSED' }, listing: files({ 'client.key': spareKey }) });
    expect(away.judged).toBe(true);
    expect(away.problems.map((finding) => finding.line)).toEqual([expect.stringContaining('lone.key'.replace('lone', 'client'))]);
    expect(away.notes.map((finding) => finding.line)).toEqual([`${NAME}: its certificate is not checked: no TLS answer from ${NAME} (connect ECONNREFUSED)`]);
  });

  it('a folder named for another port or without the port is pointed at', () => {
    const { notes } = judge({ siblings: [IP, `${IP}:443`, 'unrelated:5000', NAME.toUpperCase()] });
    expect(notes.map((finding) => [finding.line, finding.commands])).toEqual([
      [`${NAME}: ${CERTS_D}/${IP} is not read for this registry: docker reads exactly ${FOLDER}`, [`sudo cp -r ${CERTS_D}/${IP} ${FOLDER}`]],
      [`${NAME}: ${CERTS_D}/${IP}:443 is not read for this registry: docker reads exactly ${FOLDER}`, [`sudo cp -r ${CERTS_D}/${IP}:443 ${FOLDER}`]],
    ]);
  });

  it('a folder named in other letter case is pointed at (a DNS name: an IP has no case)', () => {
    const named = { indexName: 'registry.test:5000', hostname: 'registry.test', connectTo: 'registry.test:5000' };
    const { notes } = judge({ ...named, siblings: ['Registry.Test:5000', 'registry.test:5000', 'elsewhere.test:5000'] });
    expect(notes.map((finding) => finding.line)).toEqual([
      `registry.test:5000: ${CERTS_D}/Registry.Test:5000 is not read for this registry: docker reads exactly ${CERTS_D}/registry.test:5000`,
    ]);
  });

  it('hostile file names reach the commands shell-quoted', () => {
    const name = "it's\u001b[31m.cert";
    const { problems } = judge({ listing: files({ 'ca.crt': good.caCert, [name]: client.cert }) });
    expect(problems[0]?.commands).toEqual([`sudo cp client.key '${FOLDER}/it'\\''s\u001b[31m.key'`]);
  });
});

describe('PEM and dates', () => {
  it('reads every certificate block, counts broken ones and names other blocks', () => {
    const pem = readPem(`${good.caCert}junk\n${client.key}-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n${good.serverCert}`);
    expect(pem.certificates.map((certificate) => certificate.subject)).toEqual(['CN=tsstore test CA', 'CN=tsstore test registry']);
    expect(pem.brokenCertificates).toBe(1);
    expect(pem.otherLabels).toEqual(['PRIVATE KEY']);
  });

  it("reads OpenSSL's dates, one- and two-digit days", () => {
    expect(certificateTime('Dec  2 00:05:32 2026 GMT')).toBe(Date.UTC(2026, 11, 2, 0, 5, 32));
    expect(certificateTime('Jan 12 23:59:59 2049 GMT')).toBe(Date.UTC(2049, 0, 12, 23, 59, 59));
    expect(certificateTime('2026-12-02')).toBeNaN();
  });

  it('a chain through the presented certificates needs a CA that signed it', () => {
    const leaf = cert(good.serverCert);
    expect(verifyChain([leaf], [{ certificate: cert(dnsOnly.caCert) }], Date.now())).toMatchObject({ kind: 'unknown-authority', issuer: 'CN=tsstore test CA' });
    expect(verifyChain([leaf, cert(good.caCert)], [], Date.now())).toMatchObject({ kind: 'unknown-authority' });
    expect(verifyChain([leaf], [{ certificate: cert(good.caCert), file: 'x' }], Date.now())).toMatchObject({ kind: 'verified', leafIsAnchor: false });
    expect(verifyChain([], [], Date.now())).toEqual({ kind: 'nothing-presented' });
  });
});

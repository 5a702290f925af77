/**
 * `doctor certs-d` on the built file, next to a real dockerd whose certs.d is a folder of this test's own:
 * TLS registries off loopback (which dockerd verifies) and on loopback (which it does not). Each scenario
 * shows docker's own failure first, then the doctor's finding with docker's words, then, where there is
 * one, runs the doctor's printed commands as printed (less `sudo`: the test is root) and proves that
 * `docker login` and `docker push` work and the doctor is content.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type DockerClient, dockerClient } from '../support/docker-client.js';
import { type StartedDockerDaemon, dockerDaemonUnavailable, startDockerDaemon } from '../support/docker-daemon.js';
import { type OffLoopbackAddress, addOffLoopbackAddress, offLoopbackUnavailable } from '../support/off-loopback-address.js';
import { haveAll, requireReal } from '../support/real-components.js';
import { type RegistryUser, type StartedRegistry, randomSecret, startRegistry } from '../support/registry.js';
import { type KeyPair, type TlsFixture, makeClientPair, makeSpareKey, makeTlsFixture } from '../support/tls-fixture.js';
import { doctorReport, shown, storeLogin } from '../support/doctor-e2e.js';

const alice: RegistryUser = { username: 'alice', password: `alice-${randomSecret()}` };
const DAY_MS = 86_400_000;
const unavailable = dockerDaemonUnavailable() ?? offLoopbackUnavailable();
if (unavailable && requireReal) throw new Error(`TSSTORE_REQUIRE_REAL=1 but ${unavailable}`);

describe.skipIf(unavailable !== undefined || !haveAll(['docker', 'docker-registry', 'htpasswd', 'openssl']))('doctor certs-d with a real daemon', () => {
  let address: OffLoopbackAddress;
  let certsD: string;
  let daemon: StartedDockerDaemon;
  let good: TlsFixture;
  let dnsOnly: TlsFixture;
  let expiredCa: TlsFixture;
  let loopback: TlsFixture;
  let clientPair: KeyPair;
  let strangerPair: KeyPair;
  let spareKey: string;
  let secure: StartedRegistry;
  let byIp: StartedRegistry;
  let expired: StartedRegistry;
  let onLoopback: StartedRegistry;
  let demanding: StartedRegistry;
  let demandingOnLoopback: StartedRegistry;
  let client: DockerClient;

  beforeAll(async () => {
    address = addOffLoopbackAddress();
    const now = Date.now();
    [good, dnsOnly, expiredCa, loopback] = await Promise.all([
      makeTlsFixture({ ips: [address.address] }),
      makeTlsFixture({ dns: ['registry.test'] }),
      makeTlsFixture({ ips: [address.address], ca: { notBefore: new Date(now - 10 * DAY_MS), notAfter: new Date(now - DAY_MS) } }),
      makeTlsFixture({ ips: ['127.0.0.1'] }),
    ]);
    clientPair = await makeClientPair(good);
    // Signed by a CA the demanding registries do not trust for clients.
    strangerPair = await makeClientPair(dnsOnly);
    spareKey = await makeSpareKey();
    const on = (fixture: TlsFixture, where: string, verify = true) => startRegistry({ users: [alice], address: where, tls: { cert: fixture.serverCert, key: fixture.serverKey, ca: fixture.caCert, ...(verify ? {} : { verify: false as const }) } });
    secure = await on(good, address.address);
    byIp = await on(dnsOnly, address.address, false);
    expired = await on(expiredCa, address.address, false);
    onLoopback = await on(loopback, '127.0.0.1');
    // Registries that demand a client certificate signed by the good CA (distribution's clientcas).
    const clientCa = { ca: good.caCert, ...clientPair };
    demanding = await startRegistry({ users: [alice], address: address.address, tls: { cert: good.serverCert, key: good.serverKey, ca: good.caCert, clientCa } });
    demandingOnLoopback = await startRegistry({ users: [alice], address: '127.0.0.1', tls: { cert: loopback.serverCert, key: loopback.serverKey, ca: loopback.caCert, clientCa } });
    certsD = mkdtempSync('/tmp/tsstore-certs-d-');
    daemon = await startDockerDaemon({ certsD });
    await daemon.importImage('tsstore-e2e/app:1');
  }, 240_000);
  afterAll(async () => {
    await daemon?.stop();
    for (const registry of [secure, byIp, expired, onLoopback, demanding, demandingOnLoopback]) await registry?.stop();
    address?.remove();
    if (certsD) rmSync(certsD, { recursive: true, force: true });
  });
  beforeEach(() => {
    client = dockerClient({ daemonHost: daemon.host });
    client.env.TSSTORE_DOCKER_CERTS_D = certsD;
    client.env.TSSTORE_DOCKER_DAEMON_JSON = daemon.configFile;
  });
  afterEach(() => client?.home.cleanup());

  const folderOf = (registry: StartedRegistry) => join(certsD, registry.host);
  /** The registry's folder holds exactly these files (none: no folder). */
  const lay = (registry: StartedRegistry, files: Record<string, string> | undefined) => {
    rmSync(folderOf(registry), { recursive: true, force: true });
    if (!files) return;
    mkdirSync(folderOf(registry));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(folderOf(registry), name), text);
  };
  /** A login tsstore holds already, as after an earlier `docker login` (docker's own fails here). */
  const storeAlice = (registry: StartedRegistry) => storeLogin((args, input) => client.helper(args, input), registry.host, alice);
  const doctor = async () => {
    const result = await client.helper(['doctor', '--json', 'certs-d']);
    const report = doctorReport(result);
    expect(report.checks.map((check) => check.id)).toEqual(['certs-d']);
    return { exitCode: result.exitCode, status: report.checks[0]?.status, details: report.checks[0]?.details ?? [], text: result.stdout + result.stderr };
  };
  /** Runs the doctor's printed commands as printed, without `sudo`, in a folder that holds the files they copy. */
  const runPrinted = async (details: readonly string[], files: Record<string, string>) => {
    const work = mkdtempSync(join(client.home.home, 'fix-'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(work, name), text);
    for (const line of details.filter((detail) => detail.startsWith('run: sudo '))) {
      const ran = await execa('sh', ['-c', line.slice('run: sudo '.length)], { cwd: work, reject: false });
      expect(ran.exitCode, `${line}\n${ran.stderr}`).toBe(0);
    }
  };
  const pushWorks = async (registry: StartedRegistry) => {
    const login = await client.login(alice, registry.host);
    expect(login.exitCode, shown(login)).toBe(0);
    const image = `${registry.host}/alice/app:1`;
    expect((await client.docker(['tag', 'tsstore-e2e/app:1', image])).exitCode).toBe(0);
    const push = await client.docker(['push', image]);
    expect(push.exitCode, shown(push)).toBe(0);
  };

  it('(1) no CA: docker says unknown authority, the doctor names the file and the commands, which make login and push work', async () => {
    lay(secure, undefined);
    await storeAlice(secure);
    const login = await client.login(alice, secure.host);
    expect(login.exitCode).not.toBe(0);
    expect(login.stderr).toContain('x509: certificate signed by unknown authority');

    const before = await doctor();
    expect(before.exitCode, before.text).toBe(1);
    expect(before.status).toBe('problem');
    const folder = folderOf(secure);
    expect(before.details).toEqual([
      `${secure.host}: docker login fails with "x509: certificate signed by unknown authority": the registry's certificate is signed by CN=tsstore test CA, and ${folder} does not exist: put that CA's certificate there as ca.crt (ca.crt below: that CA's certificate, from whoever runs the registry)`,
      `run: sudo mkdir -p ${folder}`,
      `run: sudo cp ca.crt ${folder}/ca.crt`,
    ]);
    await runPrinted(before.details, { 'ca.crt': good.caCert });

    await pushWorks(secure);
    const after = await doctor();
    expect(after.exitCode, after.text).toBe(0);
    expect(after.details).toEqual([expect.stringMatching(new RegExp(`^${secure.host.replaceAll('.', '\\.')}: the registry's certificate \\(CN=tsstore test registry, valid until .*\\) verifies with ${folder}/ca\\.crt for ${address.address.replaceAll('.', '\\.')}$`))]);
  }, 120_000);

  it('(2) the CA saved as ca.pem is named with the cp that fixes it; the server certificate saved as ca.crt is named too', async () => {
    lay(secure, { 'ca.pem': good.caCert });
    await storeAlice(secure);
    expect((await client.login(alice, secure.host)).stderr).toContain('x509: certificate signed by unknown authority');
    const pem = await doctor();
    expect(pem.status).toBe('problem');
    expect(pem.details).toEqual([expect.stringContaining(`whose certificate is in ${folderOf(secure)}/ca.pem; docker reads CA certificates only from files ending in .crt`), `run: sudo cp ${folderOf(secure)}/ca.pem ${folderOf(secure)}/ca.crt`]);
    await runPrinted(pem.details, {});
    await pushWorks(secure);
    expect((await doctor()).status).toBe('ok');

    // Go takes a root that is the very leaf presented: docker works today, and breaks at the next renewal.
    lay(secure, { 'ca.crt': good.serverCert });
    const login = await client.login(alice, secure.host);
    expect(login.exitCode, shown(login)).toBe(0);
    // So it is a warning, not a problem: the run does not fail, and the finding still says what to do.
    const leaf = await doctor();
    expect(leaf.exitCode, leaf.text).toBe(0);
    expect(leaf.status).toBe('warning');
    expect(leaf.details[0]).toMatch(/^warning: /);
    expect(leaf.details[0]).toContain(`${folderOf(secure)}/ca.crt: CN=tsstore test registry is not a CA certificate (no basicConstraints CA:TRUE); it is the registry's own server certificate`);
    expect(leaf.details.slice(1, 3)).toEqual([`run: openssl x509 -noout -text -in ${folderOf(secure)}/ca.crt`, `run: sudo cp ca.crt ${folderOf(secure)}/ca.crt`]);
    expect(leaf.details[3]).toContain(`the registry's certificate (CN=tsstore test registry, valid until `);
    expect(leaf.details).toHaveLength(4);
    await runPrinted(leaf.details.filter((line) => line.includes('sudo cp')), { 'ca.crt': good.caCert });
    expect((await doctor()).status).toBe('ok');
  }, 120_000);

  it("(3) a certificate with only a DNS name used by IP: docker's \"doesn't contain any IP SANs\" and the doctor's finding", async () => {
    lay(byIp, { 'ca.crt': dnsOnly.caCert });
    await storeAlice(byIp);
    const login = await client.login(alice, byIp.host);
    expect(login.exitCode).not.toBe(0);
    expect(login.stderr).toContain(`x509: cannot validate certificate for ${address.address} because it doesn't contain any IP SANs`);
    const report = await doctor();
    expect(report.status).toBe('problem');
    expect(report.details).toEqual([
      `${byIp.host}: docker login fails with "x509: cannot validate certificate for ${address.address} because it doesn't contain any IP SANs": the registry's certificate (CN=tsstore test registry) lists DNS:registry.test in its subjectAltName, not ${address.address}; use a name it lists, or have it reissued with subjectAltName = IP:${address.address}`,
      `run: openssl s_client -connect ${byIp.host} </dev/null 2>/dev/null | openssl x509 -noout -text`,
    ]);
    // The printed command shows the certificate it speaks of.
    const shownCertificate = await execa('sh', ['-c', report.details[1]?.slice('run: '.length) ?? 'false'], { reject: false });
    expect(shownCertificate.stdout).toContain('DNS:registry.test');
  }, 120_000);

  it('(4) a .cert without its .key, then with a key that is not its own: docker\'s words from both', async () => {
    await storeAlice(secure);
    const folder = folderOf(secure);
    lay(secure, { 'ca.crt': good.caCert, 'client.cert': clientPair.cert });
    const noKey = await client.login(alice, secure.host);
    expect(noKey.stderr).toContain('missing key client.key for client certificate client.cert');
    const first = await doctor();
    expect(first.status).toBe('problem');
    expect(first.details).toEqual([
      `${secure.host}: ${folder}/client.cert has no client.key next to it: docker fails every request to this registry with "missing key client.key for client certificate client.cert. Note that CA certificates should use the extension .crt"; put the key of this client certificate there`,
      `run: sudo cp client.key ${folder}/client.key`,
    ]);

    writeFileSync(join(folder, 'client.key'), spareKey);
    const wrongKey = await client.login(alice, secure.host);
    expect(wrongKey.stderr).toContain('tls: private key does not match public key');
    const second = await doctor();
    expect(second.details[0]).toBe(`${secure.host}: ${folder}/client.key is not the key of ${folder}/client.cert (CN=tsstore test client): docker fails every request to this registry with "tls: private key does not match public key"; the two commands below print different public keys`);
    const keys = await Promise.all(second.details.slice(1).map((line) => execa('sh', ['-c', line.slice('run: '.length).replace(/^sudo /, '')])));
    expect(keys[0]?.stdout).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(keys[0]?.stdout).not.toBe(keys[1]?.stdout);

    await runPrinted(first.details, { 'client.key': clientPair.key });
    await pushWorks(secure);
    expect((await doctor()).status).toBe('ok');
  }, 120_000);

  it('(5) an expired CA: docker refuses it, the doctor names the file and the date', async () => {
    lay(expired, { 'ca.crt': expiredCa.caCert });
    await storeAlice(expired);
    const login = await client.login(alice, expired.host);
    expect(login.exitCode).not.toBe(0);
    expect(login.stderr).toContain('x509: certificate has expired or is not yet valid');
    const report = await doctor();
    expect(report.status).toBe('problem');
    const file = `${folderOf(expired)}/ca.crt`;
    expect(report.details).toEqual([
      expect.stringMatching(new RegExp(`^${expired.host.replaceAll('.', '\\.')}: ${file.replaceAll('.', '\\.')}: CN=tsstore test CA expired on \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC: Go refuses it \\("x509: certificate has expired or is not yet valid"\\)$`)),
      `run: openssl x509 -noout -text -in ${file}`,
      expect.stringContaining(`docker login fails with "x509: certificate has expired or is not yet valid": the CA that signed the registry's certificate, in ${file}, (CN=tsstore test CA) expired on `),
      `run: openssl x509 -noout -text -in ${file}`,
      `run: sudo cp ca.crt ${file}`,
    ]);
  }, 120_000);

  it('(6) a loopback TLS registry: docker reads nothing there, the doctor judges the files all the same and says so; hostile names print escaped', async () => {
    const folder = folderOf(onLoopback);
    const hostile = 'evil\u001b]0;pwned\u0007\u202e.cert';
    lay(onLoopback, { 'client.cert': clientPair.cert, [hostile]: clientPair.cert });
    await storeAlice(onLoopback);
    // dockerd treats loopback as insecure and does not read its certs.d folder: the login works.
    const login = await client.login(alice, onLoopback.host);
    expect(login.exitCode, shown(login)).toBe(0);
    const report = await doctor();
    expect(report.status).toBe('problem');
    expect(report.details[0]).toBe(`${onLoopback.host}: docker itself does not verify this registry's certificate and does not read ${folder} (127.0.0.1 is a loopback address); the files are judged all the same`);
    expect(report.details.filter((line) => line.includes('has no') && line.includes('.key next to it'))).toHaveLength(2);
    expect(report.details).toContain(`run: sudo cp client.key ${folder}/client.key`);
    expect(report.details).toContain(`run: sudo cp client.key '${folder}/evil\u001b]0;pwned\u0007\u202e.key'`);

    const text = await client.helper(['doctor', 'certs-d']);
    expect(text.exitCode).toBe(1);
    expect(text.stdout).not.toMatch(/[\u0007\u001b\u202e]/);
    expect(text.stdout).toContain(`run: sudo cp client.key '${folder}/evil\\x1b]0;pwned\\x07\\u202e.key'`);
    for (const secret of [alice.password, clientPair.key.split('\n')[1] ?? '']) expect(text.stdout + report.text).not.toContain(secret);
  }, 120_000);

  it('(7) a registry that demands a client certificate: none in the folder is named with the files docker expects; the pair is presented as docker presents it, and the chain judged', async () => {
    const folder = folderOf(demanding);
    lay(demanding, { 'ca.crt': good.caCert });
    await storeAlice(demanding);
    const login = await client.login(alice, demanding.host);
    expect(login.exitCode).not.toBe(0);
    // Go's client reads the server's alert, or, when the server has already closed (seen under load), a reset.
    expect(login.stderr).toMatch(/remote error: tls: bad certificate|connection reset by peer/);

    const none = await doctor();
    expect(none.exitCode, none.text).toBe(1);
    expect(none.details).toEqual([
      `${demanding.host}: docker login fails with "remote error: tls: bad certificate": the registry demands a client certificate, and ${folder} holds no pair docker can present; docker presents NAME.cert with its key NAME.key from there (client.cert and client.key below: the certificate and key issued to you for this registry)`,
      `run: sudo cp client.cert ${folder}/client.cert`,
      `run: sudo cp client.key ${folder}/client.key`,
    ]);
    await runPrinted(none.details, { 'client.cert': clientPair.cert, 'client.key': clientPair.key });
    await pushWorks(demanding);
    const presented = await doctor();
    expect(presented.exitCode, presented.text).toBe(0);
    expect(presented.details).toEqual([
      expect.stringMatching(new RegExp(`^${demanding.host.replaceAll('.', '\\.')}: the registry's certificate \\(CN=tsstore test registry, valid until .*\\) verifies with ${folder.replaceAll('.', '\\.')}/ca\\.crt for `)),
      `${demanding.host}: the registry takes the client certificate ${folder}/client.cert (CN=tsstore test client) that docker presents`,
    ]);

    // A pair from a CA the registry does not trust for clients: docker is refused, and so is the doctor.
    lay(demanding, { 'ca.crt': good.caCert, 'client.cert': strangerPair.cert, 'client.key': strangerPair.key });
    const stranger = await client.login(alice, demanding.host);
    expect(stranger.exitCode).not.toBe(0);
    expect(stranger.stderr).toMatch(/remote error: tls: bad certificate|connection reset by peer/);
    const refused = await doctor();
    expect(refused.status).toBe('problem');
    expect(refused.details).toEqual([
      `${demanding.host}: docker login fails with "remote error: tls: bad certificate": the registry refuses the client certificate ${folder}/client.cert (CN=tsstore test client, issued by CN=tsstore test CA); it takes only certificates of the CAs it trusts for clients: ask whoever runs it for one`,
      `run: openssl x509 -noout -subject -issuer -dates -in ${folder}/client.cert`,
    ]);
    for (const secret of [clientPair.key, strangerPair.key].map((key) => key.split('\n')[1] ?? '')) expect(none.text + presented.text + refused.text).not.toContain(secret);
  }, 120_000);

  it('(8) a loopback registry that demands a client certificate: docker reads no folder for it and presents none', async () => {
    const folder = folderOf(demandingOnLoopback);
    lay(demandingOnLoopback, { 'client.cert': clientPair.cert, 'client.key': clientPair.key });
    await storeAlice(demandingOnLoopback);
    const login = await client.login(alice, demandingOnLoopback.host);
    expect(login.exitCode, shown(login)).not.toBe(0);
    expect(login.stderr).toContain(`login attempt to http://${demandingOnLoopback.host}/v2/ failed with status: 400 Bad Request`);
    const report = await doctor();
    expect(report.status).toBe('problem');
    expect(report.details).toContain(
      `${demandingOnLoopback.host}: the registry refuses connections without a client certificate ("remote error: tls: bad certificate"), and docker presents none to a registry it does not verify (127.0.0.1 is a loopback address): it reads ${folder} only for registries it verifies; docker login then tries plain HTTP and fails ("failed with status: 400 Bad Request")`,
    );
  }, 120_000);
});

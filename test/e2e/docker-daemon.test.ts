/**
 * The docker CLI with a real dockerd pushes and pulls through the built single file: over plain HTTP to a
 * loopback registry (insecure by default in dockerd) and over HTTPS with a CA the daemon reads from a
 * certs.d of the test's own. Also proves test/support/docker-daemon.ts, which the doctor's daemon checks use.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type DockerClient, dockerClient } from '../support/docker-client.js';
import { type StartedDockerDaemon, dockerDaemonUnavailable, startDockerDaemon } from '../support/docker-daemon.js';
import { type HelperResult } from '../support/helper-binary.js';
import { haveAll, requireReal } from '../support/real-components.js';
import { type RegistryUser, type StartedRegistry, randomSecret, startRegistry } from '../support/registry.js';
import { makeTlsFixture } from '../support/tls-fixture.js';
import { type OffLoopbackAddress, addOffLoopbackAddress, offLoopbackUnavailable } from '../support/off-loopback-address.js';

const alice: RegistryUser = { username: 'alice', password: `alice-${randomSecret()}` };
const daemonMissing = dockerDaemonUnavailable();
if (daemonMissing && requireReal) throw new Error(`TSSTORE_REQUIRE_REAL=1 but ${daemonMissing}`);

function shown(result: HelperResult, daemon: StartedDockerDaemon): string {
  return `exit ${result.exitCode}\nstdout: ${result.stdout}\nstderr: ${result.stderr}\ndockerd (tail):\n${daemon.logs().slice(-3000)}`;
}

describe.skipIf(daemonMissing !== undefined || !haveAll(['docker', 'docker-registry', 'htpasswd', 'openssl']))('docker push and pull with a real daemon', () => {
  let daemon: StartedDockerDaemon;
  let plain: StartedRegistry;
  let secure: StartedRegistry;
  let client: DockerClient;

  beforeAll(async () => {
    const tls = await makeTlsFixture({ ips: ['127.0.0.1'] });
    plain = await startRegistry({ users: [alice] });
    secure = await startRegistry({ users: [alice], tls: { cert: tls.serverCert, key: tls.serverKey, ca: tls.caCert } });
    const certsD = join(secure.dir, 'certs.d');
    mkdirSync(join(certsD, secure.host), { recursive: true });
    writeFileSync(join(certsD, secure.host, 'ca.crt'), tls.caCert);
    daemon = await startDockerDaemon({ certsD });
    await daemon.importImage('tsstore-e2e/app:1');
  }, 180_000);
  afterAll(async () => {
    await daemon?.stop();
    await plain?.stop();
    await secure?.stop();
  });
  beforeEach(() => {
    client = dockerClient({ daemonHost: daemon.host });
  });
  afterEach(() => client?.home.cleanup());

  for (const which of ['plain HTTP', 'HTTPS with certs.d'] as const) {
    it(`logs in, pushes, removes and pulls again over ${which}`, async () => {
      const registry = which === 'plain HTTP' ? plain : secure;
      const login = await client.login(alice, registry.host);
      expect(login.exitCode, shown(login, daemon)).toBe(0);
      const image = `${registry.host}/alice/app:1`;
      const tag = await client.docker(['tag', 'tsstore-e2e/app:1', image]);
      expect(tag.exitCode, shown(tag, daemon)).toBe(0);
      const push = await client.docker(['push', image]);
      expect(push.exitCode, shown(push, daemon)).toBe(0);
      const manifest = await registry.request('/v2/alice/app/manifests/1', { user: alice, accept: 'application/vnd.docker.distribution.manifest.v2+json' });
      expect(manifest.status).toBe(200);
      expect((await client.docker(['rmi', image])).exitCode).toBe(0);
      const pull = await client.docker(['pull', image]);
      expect(pull.exitCode, shown(pull, daemon)).toBe(0);
      // Without the login the registry refuses: the push really went through the stored credential.
      expect((await client.docker(['logout', registry.host])).exitCode).toBe(0);
      const denied = await client.docker(['pull', image]);
      expect(denied.exitCode).not.toBe(0);
      // Over HTTPS, dockerd treats loopback as insecure and retries over plain HTTP after the 401, so what it
      // prints is that retry's "connection reset by peer", not the refusal.
      expect(denied.stderr).toMatch(which === 'plain HTTP' ? /no basic auth credentials|unauthorized|authentication required/i : /connection reset|unauthorized|no basic auth/i);
    }, 120_000);
  }
});

describe.skipIf(daemonMissing !== undefined || offLoopbackUnavailable() !== undefined || !haveAll(['docker', 'docker-registry', 'htpasswd']))(
  'a plain-HTTP registry off loopback with a real daemon',
  () => {
    let address: OffLoopbackAddress;
    let registry: StartedRegistry;
    beforeAll(async () => {
      address = addOffLoopbackAddress();
      registry = await startRegistry({ users: [alice], address: address.address });
    }, 60_000);
    afterAll(async () => {
      await registry?.stop();
      address?.remove();
    });

    it('is refused until daemon.json lists it in insecure-registries', async () => {
      for (const insecure of [false, true]) {
        const daemon = await startDockerDaemon({ config: insecure ? { 'insecure-registries': [registry.host] } : {} });
        const client = dockerClient({ daemonHost: daemon.host });
        try {
          await daemon.importImage('tsstore-e2e/app:1');
          const login = await client.login(alice, registry.host);
          if (!insecure) {
            // The daemon does the login itself, over HTTPS only: the login already fails, with docker's words.
            expect(login.exitCode).not.toBe(0);
            expect(login.stderr).toContain('server gave HTTP response to HTTPS client');
            continue;
          }
          expect(login.exitCode, shown(login, daemon)).toBe(0);
          const image = `${registry.host}/alice/app:1`;
          expect((await client.docker(['tag', 'tsstore-e2e/app:1', image])).exitCode).toBe(0);
          const push = await client.docker(['push', image]);
          expect(push.exitCode, shown(push, daemon)).toBe(0);
        } finally {
          client.home.cleanup();
          await daemon.stop();
        }
      }
    }, 180_000);
  },
);

/**
 * `doctor clock` on the built file: a real distribution registry (its Date is this machine's clock) next
 * to a tiny HTTP server on 127.0.0.1 that answers `/v2/` with 401 and a Date an hour behind, each with a
 * login stored in tsstore. The skewed one is the problem, named with its offset; the real one is ok.
 */
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TemporaryHome, runHelper, temporaryHome } from '../support/helper-binary.js';
import { haveAll } from '../support/real-components.js';
import { type RegistryUser, type StartedRegistry, randomSecret, startRegistry } from '../support/registry.js';
import { storeLogin } from '../support/doctor-e2e.js';

const alice: RegistryUser = { username: 'alice', password: `alice-${randomSecret()}` };
const bob: RegistryUser = { username: 'bob', password: `bob-${randomSecret()}` };
const HOUR_MS = 3600_000;

describe.skipIf(!haveAll(['docker-registry', 'htpasswd']))('doctor clock', () => {
  let registry: StartedRegistry;
  let skewed: Server;
  let skewedHost: string;
  let home: TemporaryHome;
  let env: Record<string, string>;
  const authorizations: Array<string | undefined> = [];

  beforeAll(async () => {
    registry = await startRegistry({ users: [alice] });
    skewed = createServer((request, response) => {
      authorizations.push(request.headers.authorization);
      response.setHeader('Date', new Date(Date.now() - HOUR_MS).toUTCString());
      response.writeHead(401, { 'www-authenticate': 'Basic realm="skewed"', 'content-type': 'application/json' });
      response.end('{"errors":[{"code":"UNAUTHORIZED"}]}');
    });
    await new Promise<void>((resolve) => skewed.listen(0, '127.0.0.1', () => resolve()));
    skewedHost = `127.0.0.1:${(skewed.address() as AddressInfo).port}`;

    home = temporaryHome('tsstore-e2e-clock-');
    env = {
      ...home.env,
      TSSTORE_BACKEND: 'pgp',
      TSSTORE_DOCKER_DAEMON_JSON: join(home.home, 'etc-docker', 'daemon.json'),
      TSSTORE_DOCKER_CERTS_D: join(home.home, 'etc-docker', 'certs.d'),
    };
    mkdirSync(env.DOCKER_CONFIG as string, { recursive: true, mode: 0o700 });
    writeFileSync(join(env.DOCKER_CONFIG as string, 'config.json'), `${JSON.stringify({ credsStore: 'tsstore' })}\n`, { mode: 0o600 });
    for (const [server, user] of [
      [registry.host, alice],
      [skewedHost, bob],
    ] as const) {
      await storeLogin((args, input) => runHelper(args, { input, env, cwd: home.home }), server, user);
    }
  });
  afterAll(async () => {
    await registry?.stop();
    await new Promise<void>((resolve) => (skewed ? skewed.close(() => resolve()) : resolve()));
    home?.cleanup();
  });

  it('the registry an hour off is a problem with its offset and how to sync; the real one is ok', async () => {
    const result = await runHelper(['doctor', '--json', 'clock'], { env, cwd: home.home });
    expect(result.exitCode, result.stdout + result.stderr).toBe(1);
    const report = JSON.parse(result.stdout) as { ok: boolean; checks: Array<{ id: string; status: string; details: string[] }> };
    expect(report.ok).toBe(false);
    expect(report.checks.map((check) => [check.id, check.status])).toEqual([['clock', 'problem']]);
    const details = report.checks[0]?.details ?? [];
    const line = (host: string) => details.filter((text) => text.startsWith(`${host}: `));
    expect(line(registry.host)).toEqual([expect.stringMatching(/^127\.0\.0\.1:\d+: the local clock agrees with the registry's Date header \((in step|[01] s (ahead|behind)); the limit is 60 s\)$/)]);
    // An hour less the Date's dropped milliseconds: 3600 or 3599.
    const skewedLine = new RegExp(`^${skewedHost.replaceAll('.', '\\.')}: the local clock is (3599|3600) s ahead of the registry's \\(its Date header, http://${skewedHost.replaceAll('.', '\\.')}/v2/\\); more than 60 s apart$`);
    expect(line(skewedHost)).toEqual([expect.stringMatching(skewedLine)]);
    expect(details.slice(-2)).toEqual(['run: sudo timedatectl set-ntp true', 'run: timedatectl status']);
    // No login was sent, and none is printed.
    expect(authorizations.filter((value) => value !== undefined)).toEqual([]);
    for (const secret of [alice.password, bob.password]) expect(result.stdout + result.stderr).not.toContain(secret);
  });
});

/**
 * `doctor registry-login` on the built file against real services: the distribution registry with
 * htpasswd (right and wrong stored password), the same registry seen through a non-loopback address
 * under an https:// key (plain HTTP where docker wants TLS), a TLS registry whose authority is unknown
 * until certs.d has it, Docker Hub with no network, `--login` running the real docker CLI, and two
 * token-authenticated registries in one run, one of whose token services answers hostile tokens.
 *
 * Loopback, as docker decides it (moby registry/config.go): every address in 127.0.0.0/8 (127.0.0.2 too)
 * may be spoken to in plain HTTP whatever the key's scheme, ::1 may not, and a name counts by the addresses
 * it resolves to. So an "HTTP-only registry under a non-loopback name" cannot be made with 127.0.0.2 or an
 * /etc/hosts name pointing at 127.0.0.1: the tests forward this machine's own non-loopback IPv4 address
 * (e.g. eth0's) to the registry instead, and skip those cases on a machine that has none.
 */
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo, type Server, type Socket, connect, createServer } from 'node:net';
import { networkInterfaces } from 'node:os';
import { lookup } from 'node:dns/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type TlsFixture, makeTlsFixture } from '../support/tls-fixture.js';
import { HELPER_BINARY, type HelperResult, type TemporaryHome, runHelper, temporaryHome } from '../support/helper-binary.js';
import { findOnPath, haveAll } from '../support/real-components.js';
import { type RegistryUser, type StartedRegistry, randomSecret, startRegistry } from '../support/registry.js';
import { type StartedTokenIssuer, startTokenIssuer } from '../support/token-issuer.js';
import { doctorReport as report, storeLogin } from '../support/doctor-e2e.js';

const TITLE = 'Registries accept the stored logins';
const alice: RegistryUser = { username: 'alice', password: `alice-${randomSecret()}` };
const WRONG = `wrong-${randomSecret()}`;
const hubResolves = await lookup('registry-1.docker.io').then(
  () => true,
  () => false,
);

/** This machine's first non-loopback IPv4 address, if it has one. */
function externalIPv4(): string | undefined {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) if (address.family === 'IPv4' && !address.internal) return address.address;
  }
  return undefined;
}

/** A TCP forwarder from `host:(free port)` to `target`, so one registry answers on another address. */
async function forward(host: string, targetPort: number): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((incoming) => {
    const outgoing = connect(targetPort, '127.0.0.1');
    for (const socket of [incoming, outgoing]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
    }
    incoming.pipe(outgoing).pipe(incoming);
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve((server.address() as AddressInfo).port));
  });
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

interface Client {
  home: TemporaryHome;
  env: Record<string, string>;
  configFile: string;
  argvLog: string;
  store(serverURL: string, user: RegistryUser): Promise<void>;
  doctor(args: readonly string[], extraEnv?: Record<string, string>): Promise<HelperResult>;
  docker(args: readonly string[], input?: string): Promise<HelperResult>;
}

/**
 * A HOME whose PATH holds only `docker` (a wrapper that logs its argv, then runs the real one) and our
 * helper, config.json naming `"credsStore": "tsstore"` and whatever `extraConfig` adds.
 */
function client(extraConfig: Record<string, unknown> = {}): Client {
  const home = temporaryHome('tsstore-e2e-rl-');
  const bin = join(home.home, 'bin');
  mkdirSync(bin, { mode: 0o700 });
  const realDocker = findOnPath('docker');
  if (!realDocker) throw new Error('docker is not on PATH');
  const argvLog = join(home.home, 'docker-argv.log');
  writeFileSync(join(bin, 'docker'), `#!/bin/sh\nprintf '%s\\n' "$@" >> '${argvLog}'\nexec '${realDocker}' "$@"\n`);
  chmodSync(join(bin, 'docker'), 0o755);
  symlinkSync(HELPER_BINARY, join(bin, 'docker-credential-tsstore'));
  const env: Record<string, string> = {
    ...home.env,
    PATH: `${bin}:/usr/bin:/bin`,
    TSSTORE_BACKEND: 'pgp',
    // Never the machine's: an empty certs.d and no daemon.json unless a test writes them.
    TSSTORE_DOCKER_DAEMON_JSON: join(home.home, 'etc-docker', 'daemon.json'),
    TSSTORE_DOCKER_CERTS_D: join(home.home, 'etc-docker', 'certs.d'),
  };
  const dockerConfig = env.DOCKER_CONFIG ?? join(home.home, '.docker');
  mkdirSync(dockerConfig, { recursive: true, mode: 0o700 });
  const configFile = join(dockerConfig, 'config.json');
  writeFileSync(configFile, `${JSON.stringify({ credsStore: 'tsstore', ...extraConfig }, null, '\t')}\n`, { mode: 0o600 });
  return {
    home,
    env,
    configFile,
    argvLog,
    store: (serverURL, user) => storeLogin((args, input) => runHelper(args, { input, env, cwd: home.home }), serverURL, user),
    doctor: (args, extraEnv = {}) => runHelper(['doctor', ...args], { env: { ...env, ...extraEnv }, cwd: home.home }),
    async docker(args, input = '') {
      const result = await execa(join(bin, 'docker'), [...args], { input, env, extendEnv: false, reject: false, cwd: home.home, timeout: 60_000 });
      return { stdout: String(result.stdout), stderr: String(result.stderr), exitCode: result.exitCode ?? -1 };
    },
  };
}

function expectNoSecret(result: HelperResult, ...secrets: string[]): void {
  for (const secret of secrets) {
    expect(result.stdout).not.toContain(secret);
    expect(result.stderr).not.toContain(secret);
    expect(result.stdout).not.toContain(Buffer.from(`${alice.username}:${secret}`).toString('base64'));
  }
}

describe.skipIf(!haveAll(['docker', 'docker-registry', 'htpasswd']))('doctor registry-login against a real registry', () => {
  let registry: StartedRegistry;
  let c: Client;

  beforeAll(async () => {
    registry = await startRegistry({ users: [alice] });
  });
  afterAll(async () => {
    await registry?.stop();
  });
  beforeEach(() => {
    c = client();
  });
  afterEach(() => {
    c?.home.cleanup();
  });

  it('the right stored password: ok, exit 0, and how it was checked', async () => {
    await c.store(registry.host, alice);
    const result = await c.doctor(['--json', 'registry-login']);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(report(result)).toEqual({
      ok: true,
      checks: [
        {
          id: 'registry-login',
          title: TITLE,
          status: 'ok',
          details: [
            `${registry.host} (alice, in tsstore): the registry accepts this login (Basic authentication at http://${registry.host}/v2/) over plain http (127.0.0.1 is a loopback address)`,
          ],
        },
      ],
    });
    expectNoSecret(result, alice.password);
  });

  it('a wrong stored password: problem, exit 1, and the exact docker login command', async () => {
    await c.store(registry.host, { username: 'alice', password: WRONG });
    const result = await c.doctor(['--json', 'registry-login']);
    expect(result.exitCode).toBe(1);
    expect(report(result)).toEqual({
      ok: false,
      checks: [
        {
          id: 'registry-login',
          title: TITLE,
          status: 'problem',
          details: [
            `${registry.host} (alice, in tsstore): the registry refuses this login (HTTP 401 from http://${registry.host}/v2/): the password or token is wrong, expired or revoked; log in again`,
            `run: docker login -u alice ${registry.host}`,
          ],
        },
      ],
    });
    expectNoSecret(result, WRONG);
    // Text output says the same, with the ✗ line.
    const text = await c.doctor(['registry-login']);
    expect(text.exitCode).toBe(1);
    expect(text.stdout).toContain(`✗ ${TITLE}  [registry-login]\n    ${registry.host} (alice, in tsstore): the registry refuses this login`);
    expect(text.stdout).toContain(`    run: docker login -u alice ${registry.host}\n`);
    expectNoSecret(text, WRONG);
  });

  it('127.0.0.2 is loopback too: an https:// key there is checked over plain http, and docker agrees', async () => {
    const forwarder = await forward('127.0.0.2', registry.port);
    try {
      const key = `https://127.0.0.2:${forwarder.port}`;
      await c.store(key, alice);
      const result = await c.doctor(['--json', 'registry-login']);
      expect(result.exitCode, result.stdout).toBe(0);
      expect(report(result).checks[0]?.details).toEqual([
        `${key} (alice, in tsstore): the registry accepts this login (Basic authentication at http://127.0.0.2:${forwarder.port}/v2/) over plain http (127.0.0.2 is a loopback address)`,
      ]);
      const login = await c.docker(['login', '-u', alice.username, '--password-stdin', `127.0.0.2:${forwarder.port}`], alice.password);
      expect(login.exitCode, login.stderr).toBe(0);
    } finally {
      await forwarder.close();
    }
  });

  const external = externalIPv4();
  it.skipIf(external === undefined)('an HTTP-only registry under an https:// key on a non-loopback address: "HTTP response to HTTPS client", until insecure-registries lists it', async () => {
    const address = external ?? '';
    const forwarder = await forward(address, registry.port);
    try {
      const name = `${address}:${forwarder.port}`;
      const key = `https://${name}`;
      await c.store(key, alice);
      const daemonJson = c.env.TSSTORE_DOCKER_DAEMON_JSON ?? '';
      const refused = await c.doctor(['--json', 'registry-login']);
      expect(refused.exitCode).toBe(1);
      expect(report(refused).checks[0]).toEqual({
        id: 'registry-login',
        title: TITLE,
        status: 'problem',
        details: [
          `${key} (alice, in tsstore): http: server gave HTTP response to HTTPS client (https://${name}/v2/): the registry speaks plain HTTP, which docker uses only for ` +
            `loopback addresses and registries listed in "insecure-registries" of ${daemonJson}; add "${name}" there (see daemon-json) and reload the daemon ` +
            '(it rereads insecure-registries on SIGHUP, and keeps its containers running: sudo systemctl reload docker, or without systemd sudo kill -HUP $(pidof dockerd)), ' +
            'or give the registry a TLS certificate',
          // daemon.json is this user's here: daemon-json's own fix makes the edit (root's would get sudo add-insecure-registry).
          'run: docker-credential-tsstore doctor --fix daemon-json',
          'run: sudo systemctl reload docker',
        ],
      });
      expectNoSecret(refused, alice.password);
      // The docker CLI fails the same way on the same registry.
      const dockerLogin = await c.docker(['login', '-u', alice.username, '--password-stdin', name], alice.password);
      expect(dockerLogin.exitCode).not.toBe(0);
      expect(dockerLogin.stderr).toContain('http: server gave HTTP response to HTTPS client');

      // The printed edit, run as printed (there is no daemon here to reload), is what lets the registry in.
      const edit = await execa('sh', ['-c', 'docker-credential-tsstore doctor --fix daemon-json'], { env: c.env, extendEnv: false, reject: false, cwd: c.home.home, timeout: 90_000 });
      expect(edit.stdout, edit.stderr).toContain(`added "${name}" to "insecure-registries" in ${daemonJson}`);
      expect((JSON.parse(readFileSync(daemonJson, 'utf8')) as Record<string, unknown>)['insecure-registries']).toEqual([name]);
      const allowed = await c.doctor(['--json', 'registry-login']);
      expect(allowed.exitCode, allowed.stdout).toBe(0);
      expect(report(allowed).checks[0]?.details).toEqual([
        `${key} (alice, in tsstore): the registry accepts this login (Basic authentication at http://${name}/v2/) over plain http ("${name}" is in insecure-registries of ${daemonJson})`,
      ]);
    } finally {
      await forwarder.close();
    }
  });

  // Where Docker Hub resolves, this check would really talk to it: the case is for machines without network.
  it.skipIf(hubResolves)('Docker Hub with no network is reported unreachable, cleanly', async () => {
    await c.store('https://index.docker.io/v1/', { username: 'hubuser', password: alice.password });
    const result = await c.doctor(['--json', 'registry-login']);
    expect(result.exitCode).toBe(1);
    expect(report(result).checks[0]?.details).toEqual([
      'https://index.docker.io/v1/ (hubuser, in tsstore): cannot reach https://registry-1.docker.io/v2/: registry-1.docker.io does not resolve (ENOTFOUND); check the name, the network and any proxy',
    ]);
    expect(result.stderr).toBe('');
    expectNoSecret(result, alice.password);
  });

  it('--login: the real docker login runs with the secret on stdin, keeps config.json keys docker drops, and fails for a wrong password', async () => {
    c.home.cleanup();
    c = client({ 'x-team-settings': { mirror: 'kept' } });
    await c.store(registry.host, alice);
    const proved = await c.doctor(['--login', '--json', 'registry-login']);
    expect(proved.exitCode, proved.stdout + proved.stderr).toBe(0);
    const configFile = c.configFile;
    expect(report(proved).checks[0]?.details).toEqual([
      `${registry.host} (alice, in tsstore): the registry accepts this login (Basic authentication at http://${registry.host}/v2/) over plain http (127.0.0.1 is a loopback address)`,
      `${registry.host} (alice, in tsstore): docker login -u alice ${registry.host} --password-stdin succeeded: docker itself logged in with the stored login`,
      `docker login dropped keys it does not know from ${configFile} (x-team-settings); doctor put them back`,
    ]);
    // docker really ran (it wrote its auths entry), took the password from stdin, never from argv.
    expect(JSON.parse(readFileSync(configFile, 'utf8'))).toEqual({ auths: { [registry.host]: {} }, credsStore: 'tsstore', 'x-team-settings': { mirror: 'kept' } });
    const argv = readFileSync(c.argvLog, 'utf8');
    expect(argv).toBe(`login\n-u\nalice\n--password-stdin\n${registry.host}\n`);
    expect(argv).not.toContain(alice.password);
    expectNoSecret(proved, alice.password);

    await c.store(registry.host, { username: 'alice', password: WRONG });
    const failed = await c.doctor(['--login', '--json', 'registry-login']);
    expect(failed.exitCode).toBe(1);
    const details = report(failed).checks[0]?.details ?? [];
    expect(details[1]).toMatch(new RegExp(`^${registry.host.replace(/\./g, '\\.')} \\(alice, in tsstore\\): docker login -u alice ${registry.host.replace(/\./g, '\\.')} --password-stdin failed \\(exit 1\\): .*401 Unauthorized`));
    expect(details).toContain(`run: docker login -u alice ${registry.host}`);
    expect(readFileSync(c.argvLog, 'utf8')).not.toContain(WRONG);
    expectNoSecret(failed, WRONG);
  });
});

describe.skipIf(!haveAll(['openssl']))('doctor registry-login against a TLS registry whose authority is unknown', () => {
  const address = externalIPv4();
  let tls: TlsFixture;
  let server: Server;
  let port = 0;
  let c: Client;

  beforeAll(async () => {
    if (address === undefined) return;
    tls = await makeTlsFixture({ ips: [address] });
    // A registry's /v2/ with Basic auth over TLS: all this check talks to.
    const expected = `Basic ${Buffer.from(`${alice.username}:${alice.password}`).toString('base64')}`;
    server = createHttpsServer({ cert: tls.serverCert, key: tls.serverKey }, (request, response) => {
      if (request.url !== '/v2/') response.writeHead(404).end();
      else if (request.headers.authorization === expected) response.writeHead(200, { 'docker-distribution-api-version': 'registry/2.0' }).end('{}');
      else response.writeHead(401, { 'www-authenticate': 'Basic realm="tls-registry"' }).end();
    });
    port = await new Promise<number>((resolve) => server.listen(0, address, () => resolve((server.address() as AddressInfo).port)));
  });
  afterAll(async () => {
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => {
    c = client();
  });
  afterEach(() => {
    c?.home.cleanup();
  });

  it.skipIf(address === undefined)('says where ca.crt goes, and verifies the login once certs.d/HOST:PORT/ca.crt holds the authority', async () => {
    const name = `${address}:${port}`;
    await c.store(name, alice);
    const certsD = c.env.TSSTORE_DOCKER_CERTS_D ?? '';
    const unknown = await c.doctor(['--json', 'registry-login']);
    expect(unknown.exitCode).toBe(1);
    const details = report(unknown).checks[0]?.details ?? [];
    expect(details[0]).toMatch(/^[\d.]+:\d+ \(alice, in tsstore\): https:\/\/[\d.]+:\d+\/v2\/ presents a certificate signed by an unknown authority \(.*UNABLE_TO_VERIFY_LEAF_SIGNATURE\)/);
    expect(details[0]).toContain(`docker trusts that authority once its certificate (REGISTRY-CA.crt below) is in ${certsD}/${name}/ca.crt`);
    expect(details.slice(1)).toEqual([`run: sudo mkdir -p ${certsD}/${name}`, `run: sudo cp REGISTRY-CA.crt ${certsD}/${name}/ca.crt`]);
    expectNoSecret(unknown, alice.password);

    mkdirSync(join(certsD, name), { recursive: true });
    writeFileSync(join(certsD, name, 'ca.crt'), tls.caCert);
    const trusted = await c.doctor(['--json', 'registry-login']);
    expect(trusted.exitCode, trusted.stdout).toBe(0);
    expect(report(trusted).checks[0]?.details).toEqual([`${name} (alice, in tsstore): the registry accepts this login (Basic authentication at https://${name}/v2/)`]);

    await c.store(name, { username: 'alice', password: WRONG });
    const wrong = await c.doctor(['--json', 'registry-login']);
    expect(wrong.exitCode).toBe(1);
    expect(report(wrong).checks[0]?.details[0]).toBe(
      `${name} (alice, in tsstore): the registry refuses this login (HTTP 401 from https://${name}/v2/): the password or token is wrong, expired or revoked; log in again`,
    );
  });
});

const BAD_CHARACTERS = 'the token service answered a token with characters a token cannot have (RFC 6750 allows letters, digits and -._~+/ then = padding)';
/** What the hostile token service answers, and the reason doctor gives (never quoting the token). */
const HOSTILE: Array<[string, string, string]> = [
  ['CR LF: a second header smuggled in', JSON.stringify({ token: 'abc\r\nX-Evil: 1' }), BAD_CHARACTERS],
  ['escape sequences and BEL', JSON.stringify({ token: 'abc\u001b[2J\u001b]0;pwned\u0007def' }), BAD_CHARACTERS],
  ['NUL', JSON.stringify({ token: 'abc\u0000def' }), BAD_CHARACTERS],
  ['spaces', JSON.stringify({ token: 'abc def ghi' }), BAD_CHARACTERS],
  ['not a string', JSON.stringify({ token: { evil: true } }), 'the token service answered a token that is not a string (object)'],
  ['40,000 characters', JSON.stringify({ token: 'A'.repeat(40_000) }), 'the token service answered a token of 40000 characters, more than the 16384 any registry issues'],
  ['a body over 64 KiB', JSON.stringify({ token: 'A'.repeat(100_000) }), 'the token service answered more than 64 KiB'],
];
/** Control characters other than the newlines that end lines: none may reach the terminal. */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f]/;

describe.skipIf(!haveAll(['docker-registry', 'htpasswd', 'openssl']))('doctor registry-login: a hostile token service for one registry, a good one for another', () => {
  let issuer: StartedTokenIssuer;
  let good: StartedRegistry;
  let hostile: StartedRegistry;
  let hostileBody = '';
  let c: Client;

  beforeAll(async () => {
    // One issuer for both registries, told apart by the service they name; alice is granted nothing.
    issuer = await startTokenIssuer({ users: [alice], answer: (service) => (service === 'hostile' ? { status: 200, body: hostileBody } : undefined) });
    const start = (service: string) => startRegistry({ users: [alice], token: issuer.registryOption(service) });
    [good, hostile] = await Promise.all([start('good'), start('hostile')]);
  });
  afterAll(async () => {
    await Promise.all([good?.stop(), hostile?.stop()]);
    await issuer?.stop();
  });
  beforeEach(() => {
    c = client();
  });
  afterEach(() => {
    c?.home.cleanup();
  });

  const goodLine = () =>
    `${good.host} (alice, in tsstore): the registry accepts this login (token authentication at http://${good.host}/v2/) over plain http (127.0.0.1 is a loopback address)`;
  /** Logins are checked in key order. */
  const inKeyOrder = (lines: Array<[string, string]>) => lines.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, line]) => line);

  it('the good issuer alone: its JWT opens the real registry (tokens registries really issue pass the check)', async () => {
    await c.store(good.host, alice);
    const result = await c.doctor(['--json', 'registry-login']);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(report(result).checks[0]?.details).toEqual([goodLine()]);
    expectNoSecret(result, alice.password);
  });

  it.each(HOSTILE)('%s: that registry gets a clear problem line, the good registry still its verdict', async (_name, body, reason) => {
    hostileBody = body;
    await c.store(good.host, alice);
    await c.store(hostile.host, alice);
    const realm = new URL((await hostile.request('/v2/')).headers.get('www-authenticate')?.match(/realm="([^"]+)"/)?.[1] ?? '');
    const result = await c.doctor(['--json', 'registry-login']);
    expect(result.exitCode, result.stdout + result.stderr).toBe(1);
    expect(report(result).checks).toEqual([
      {
        id: 'registry-login',
        title: TITLE,
        status: 'problem',
        details: inKeyOrder([
          [good.host, goodLine()],
          [hostile.host, `${hostile.host} (alice, in tsstore): ${realm.origin}${realm.pathname}: ${reason}`],
        ]),
      },
    ]);
    expect(result.stderr).toBe('');
    expect(result.stdout).not.toMatch(RAW_CONTROL);
    expect(result.stdout).not.toContain('Evil');
    expect(result.stdout).not.toContain('AAAAAAAA');
    expectNoSecret(result, alice.password);
  });

  it('text output: no raw control character and nothing of the token reaches the terminal', async () => {
    hostileBody = JSON.stringify({ token: 'abc\r\nX-Evil: 1\u001b[2J' });
    await c.store(good.host, alice);
    await c.store(hostile.host, alice);
    const result = await c.doctor(['registry-login']);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(`✗ ${TITLE}  [registry-login]`);
    expect(result.stdout).toContain(`    ${goodLine()}\n`);
    expect(result.stdout).toContain(`    ${hostile.host} (alice, in tsstore): http://127.0.0.1:`);
    expect(result.stdout).toContain(BAD_CHARACTERS);
    expect(`${result.stdout}${result.stderr}`).not.toMatch(RAW_CONTROL);
    expect(result.stdout).not.toContain('Evil');
  });
});

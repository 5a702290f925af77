/**
 * A real CNCF distribution registry (Debian's `docker-registry`, 2.8) for end-to-end tests: plain HTTP on
 * 127.0.0.1, a free port, htpasswd (bcrypt) users or token authentication against an issuer the test runs,
 * storage and config in a temporary folder.
 *
 * Robustness:
 * - the port is picked by binding port 0 and closing it; another process (the other test worker) can take
 *   it before the registry binds, so a start that fails with "address already in use" is retried on a new
 *   port;
 * - readiness is `GET /v2/` answering 401 with *this* instance's random realm, so a registry started by
 *   someone else on the same port is never mistaken for ours;
 * - the registry runs with a clean environment (no REGISTRY_* variables from the caller can override the
 *   config), its output is kept for failure messages, and it is killed on stop() and when the test process
 *   exits.
 * Passwords never appear in argv: htpasswd reads them on stdin (-i).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { findOnPath } from './real-components.js';
import { type ServerProcess, startServerProcess } from './server-process.js';

export interface RegistryUser {
  username: string;
  password: string;
}

export interface RegistryOptions {
  /** htpasswd users; the first one is also returned as `username`/`password`. Default: one random user. */
  users?: readonly RegistryUser[];
  /** How many ports to try before giving up. */
  attempts?: number;
  /** How long one start may take before it counts as failed (not a test assertion, a guard against hangs). */
  startTimeoutMs?: number;
  /**
   * Token authentication instead of htpasswd: the registry sends clients to `realmBase/<random>` for a
   * JWT signed by a certificate that `rootCertBundle` (a PEM file) vouches for.
   */
  token?: { realmBase: string; service: string; issuer: string; rootCertBundle: string };
  /**
   * HTTPS instead of HTTP: the server certificate and key (PEM text, e.g. from makeTlsFixture) and the CA
   * that signed it, which this handle's own requests trust. `verify: false`: this handle's own requests
   * (readiness too) accept any certificate, for a registry whose certificate is wrong on purpose (expired,
   * made for another name). `clientCa`: the registry demands a client certificate signed by `clientCa.ca`
   * (distribution's `http.tls.clientcas`); this handle's own requests present `clientCa.cert`/`.key`.
   */
  tls?: { cert: string; key: string; ca: string; verify?: false; clientCa?: { ca: string; cert: string; key: string } };
  /** The address to listen on; default 127.0.0.1 (see off-loopback-address.ts for one dockerd does not trust). */
  address?: string;
}

export interface StartedRegistry {
  /** `ADDRESS:PORT` (127.0.0.1 by default): what docker and containers/image use as the registry key. */
  host: string;
  port: number;
  /** `http://ADDRESS:PORT`, or `https://` with the tls option */
  url: string;
  username: string;
  password: string;
  users: readonly RegistryUser[];
  /** The folder that holds config, htpasswd and storage. */
  dir: string;
  /** Everything the registry printed so far (bounded), for failure messages. */
  logs(): string;
  /** A request to the registry, optionally with HTTP basic auth: lets tests check what really landed. */
  request(path: string, init?: { method?: string; user?: RegistryUser; accept?: string }): Promise<Response>;
  /** Kills the registry and removes its folder. Safe to call more than once. */
  stop(): Promise<void>;
}

export function randomSecret(bytes = 18): string {
  return randomBytes(bytes).toString('base64url');
}

export async function startRegistry(options: RegistryOptions = {}): Promise<StartedRegistry> {
  const binary = findOnPath('docker-registry') ?? findOnPath('registry');
  if (!binary) throw new Error('docker-registry is not installed (apt-get install docker-registry)');
  const users = options.users ?? [{ username: 'tsstore-e2e', password: randomSecret() }];
  const first = users[0];
  if (!first) throw new Error('startRegistry needs at least one user');
  const attempts = options.attempts ?? 5;
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  const address = options.address ?? '127.0.0.1';

  const dir = mkdtempSync(join(tmpdir(), 'tsstore-registry-'));
  try {
    const htpasswdFile = join(dir, 'htpasswd');
    writeFileSync(htpasswdFile, await htpasswdLines(users), { mode: 0o600 });
    mkdirSync(join(dir, 'data'), { mode: 0o700 });
    const clientCa = options.tls?.clientCa;
    const tls = options.tls
      ? {
          certFile: join(dir, 'server.crt'),
          keyFile: join(dir, 'server.key'),
          ...(clientCa ? { clientCaFile: join(dir, 'client-ca.crt') } : {}),
          trust: { ca: options.tls.ca, verify: options.tls.verify !== false, ...(clientCa ? { pair: { cert: clientCa.cert, key: clientCa.key } } : {}) },
        }
      : undefined;
    if (options.tls && tls) {
      writeFileSync(tls.certFile, options.tls.cert);
      writeFileSync(tls.keyFile, options.tls.key, { mode: 0o600 });
      if (clientCa && tls.clientCaFile) writeFileSync(tls.clientCaFile, clientCa.ca);
    }

    const failures: string[] = [];
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const port = await freePort(address);
      const instance = `tsstore-e2e-${randomSecret(9)}`;
      const realm = options.token ? `${options.token.realmBase}/${instance}` : instance;
      const configFile = join(dir, `config-${port}.yml`);
      writeFileSync(configFile, registryConfig({ port, realm, dir, htpasswdFile, token: options.token, tls, address }), { mode: 0o600 });
      const started = await startOnce(binary, configFile, { address, port }, realm, dir, startTimeoutMs, tls?.trust);
      if (started.ok) {
        return makeHandle({ ...started, address, port, dir, users, first, trust: tls?.trust });
      }
      failures.push(`attempt ${attempt} on port ${port}: ${started.reason}\n${started.logs}`);
      if (!started.retryable) break;
    }
    throw new Error(`the registry did not start:\n${failures.join('\n---\n')}`);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** bcrypt lines for the htpasswd file; htpasswd reads each password from stdin (-i), never from argv. */
async function htpasswdLines(users: readonly RegistryUser[]): Promise<string> {
  const htpasswd = findOnPath('htpasswd');
  if (!htpasswd) throw new Error('htpasswd is not installed (apt-get install apache2-utils)');
  const lines: string[] = [];
  for (const user of users) {
    if (user.username === '' || /[:\s]/.test(user.username)) throw new Error(`bad registry username ${JSON.stringify(user.username)}`);
    if (/[\r\n]/.test(user.password)) throw new Error('registry passwords must be one line');
    const result = await execa(htpasswd, ['-n', '-i', '-B', '-C', '5', user.username], {
      input: user.password,
      reject: false,
      extendEnv: false,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C' },
    });
    const line = String(result.stdout).trim();
    if (result.exitCode !== 0 || !line.startsWith(`${user.username}:$2`)) {
      throw new Error(`htpasswd failed for ${user.username} (exit ${result.exitCode}): ${String(result.stderr)}`);
    }
    lines.push(line);
  }
  return `${lines.join('\n')}\n`;
}

/** What this handle's own https requests trust. */
interface Trust {
  ca: string;
  verify: boolean;
  /** The client certificate this handle presents to a registry that demands one. */
  pair?: { cert: string; key: string };
}

function freePort(address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port: 0, host: address, exclusive: true }, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('could not read the port of a probe socket'));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}

/** JSON strings are valid YAML double-quoted scalars: no hand-made escaping. */
function yamlString(value: string): string {
  return JSON.stringify(value);
}

function registryConfig(config: {
  port: number;
  realm: string;
  dir: string;
  htpasswdFile: string;
  token: RegistryOptions['token'];
  tls: { certFile: string; keyFile: string; clientCaFile?: string } | undefined;
  address: string;
}): string {
  const clientCas = config.tls?.clientCaFile ? ['    clientcas:', `      - ${yamlString(config.tls.clientCaFile)}`] : [];
  const tls = config.tls ? ['  tls:', `    certificate: ${yamlString(config.tls.certFile)}`, `    key: ${yamlString(config.tls.keyFile)}`, ...clientCas] : [];
  const auth = config.token
    ? [
        '  token:',
        `    realm: ${yamlString(config.realm)}`,
        `    service: ${yamlString(config.token.service)}`,
        `    issuer: ${yamlString(config.token.issuer)}`,
        `    rootcertbundle: ${yamlString(config.token.rootCertBundle)}`,
      ]
    : ['  htpasswd:', `    realm: ${yamlString(config.realm)}`, `    path: ${yamlString(config.htpasswdFile)}`];
  return [
    'version: 0.1',
    'log:',
    '  level: info',
    '  formatter: text',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${yamlString(join(config.dir, 'data'))}`,
    '  delete:',
    '    enabled: true',
    '  maintenance:',
    '    uploadpurging:',
    '      enabled: false',
    'http:',
    `  addr: ${yamlString(`${config.address}:${config.port}`)}`,
    `  secret: ${yamlString(randomSecret())}`,
    ...tls,
    'auth:',
    ...auth,
    '',
  ].join('\n');
}

type StartResult = { ok: true; server: ServerProcess } | { ok: false; retryable: boolean; reason: string; logs: string };

async function startOnce(
  binary: string,
  configFile: string,
  where: { address: string; port: number },
  realm: string,
  dir: string,
  timeoutMs: number,
  trust: Trust | undefined,
): Promise<StartResult> {
  const server = startServerProcess({
    command: binary,
    args: ['serve', configFile],
    cwd: dir,
    // Clean: REGISTRY_* variables in the caller's environment would override the config file.
    env: { PATH: '/usr/bin:/bin', HOME: dir, TMPDIR: dir, LANG: 'C' },
    stopGraceMs: 5_000,
  });
  const readiness = await server.waitUntil(() => answersWithRealm(where, realm, trust), { timeoutMs, intervalMs: 50, waitingFor: 'answer GET /v2/ with a 401 of its realm' });
  if (readiness.ready) return { ok: true, server };
  await server.stop();
  // Another process took the port between freePort() and the registry's bind: try another one.
  const retryable = !readiness.exited || /address already in use/i.test(server.logs());
  return { ok: false, retryable, reason: `the registry ${readiness.why}`, logs: server.logs() };
}

async function answersWithRealm(where: { address: string; port: number }, realm: string, trust: Trust | undefined): Promise<boolean> {
  try {
    const response = await registryFetch(where, '/v2/', { method: 'GET', headers: {}, timeoutMs: 2_000, trust });
    return response.status === 401 && (response.headers.get('www-authenticate') ?? '').includes(`"${realm}"`);
  } catch {
    return false;
  }
}

/** fetch for HTTP; node:https with the test's CA for HTTPS (Node's fetch takes no CA of its own). */
async function registryFetch(
  where: { address: string; port: number },
  path: string,
  init: { method: string; headers: Record<string, string>; timeoutMs: number; trust: Trust | undefined },
): Promise<Response> {
  if (init.trust === undefined) {
    const response = await fetch(`http://${where.address}:${where.port}${path}`, { method: init.method, headers: init.headers, signal: AbortSignal.timeout(init.timeoutMs) });
    const body = await response.arrayBuffer();
    return new Response(response.status === 204 || response.status === 304 ? null : body, { status: response.status, headers: response.headers });
  }
  const { ca, verify, pair } = init.trust;
  return new Promise<Response>((resolve, reject) => {
    const req = httpsRequest(
      { host: where.address, port: where.port, path, method: init.method, headers: init.headers, ca, rejectUnauthorized: verify, timeout: init.timeoutMs, ...(pair ? { cert: pair.cert, key: pair.key } : {}) },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(response.headers)) {
            if (typeof value === 'string') headers.set(name, value);
            else if (Array.isArray(value)) for (const item of value) headers.append(name, item);
          }
          const status = response.statusCode ?? 0;
          resolve(new Response(status === 204 || status === 304 ? null : Buffer.concat(chunks), { status, headers }));
        });
        response.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${init.timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

function makeHandle(started: {
  server: ServerProcess;
  port: number;
  dir: string;
  users: readonly RegistryUser[];
  first: RegistryUser;
  trust: Trust | undefined;
  address: string;
}): StartedRegistry {
  const { server, port, dir } = started;
  let stopping: Promise<void> | undefined;
  const host = `${started.address}:${port}`;
  return {
    host,
    port,
    url: `${started.trust === undefined ? 'http' : 'https'}://${host}`,
    username: started.first.username,
    password: started.first.password,
    users: started.users,
    dir,
    logs: () => server.logs(),
    async request(path, init = {}) {
      const headers: Record<string, string> = {};
      if (init.user) {
        headers.authorization = `Basic ${Buffer.from(`${init.user.username}:${init.user.password}`).toString('base64')}`;
      }
      if (init.accept) headers.accept = init.accept;
      return registryFetch({ address: started.address, port }, path, { method: init.method ?? 'GET', headers, timeoutMs: 30_000, trust: started.trust });
    },
    stop() {
      stopping ??= (async () => {
        await server.stop();
        rmSync(dir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}

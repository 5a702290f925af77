/**
 * A small token service for the distribution registry's `auth: token` (the docker token protocol): on
 * `GET /token?service=..&scope=repository:NAME:ACTIONS` with a user's Basic login it answers a JWT (ES256,
 * signed with a key whose certificate, in the x5c header, was issued by the CA in `rootCertBundle`) whose
 * `access` claim grants the requested actions that the user's grants allow, and no more, as real token
 * services do. A wrong login is a 401. `answer` lets a test replace what it says for one service (hostile
 * tokens). Throwaway keys only.
 */
import { X509Certificate, randomUUID, sign } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RegistryUser } from './registry.js';
import { type TlsFixture, makeTlsFixture } from './tls-fixture.js';

export const TOKEN_ISSUER = 'tsstore-e2e-issuer';

/** username -> repository -> the actions it may have there ('pull', 'push', '*'). */
export type Grants = Record<string, Record<string, readonly string[]>>;

export interface TokenIssuerOptions {
  users: readonly RegistryUser[];
  grants?: Grants;
  /** What a request without a login may have: repository -> actions; 'refused': a 401. Default: nothing. */
  anonymous?: Record<string, readonly string[]> | 'refused';
  /** An answer of the test's own for a request (service given); undefined: the normal one. */
  answer?: (service: string) => { status: number; body: string } | undefined;
}

export interface StartedTokenIssuer {
  /** Base of the realm: startRegistry's `token.realmBase`. */
  realmBase: string;
  issuer: string;
  /** A PEM file with the CA that vouches for the signing certificate: the registry's rootcertbundle. */
  rootCertBundle: string;
  /** startRegistry's `token` option for `service`. */
  registryOption(service: string): { realmBase: string; service: string; issuer: string; rootCertBundle: string };
  /** Every scope asked for, in order, with the user who asked ('' without a login). */
  requests: Array<{ service: string; user: string; scopes: string[] }>;
  stop(): Promise<void>;
}

/** A JWT the distribution registry accepts: ES256, signed by the key of the certificate in x5c. */
export function registryJwt(tls: TlsFixture, claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const x5c = [new X509Certificate(tls.serverCert).raw.toString('base64')];
  const input = `${part({ alg: 'ES256', typ: 'JWT', x5c })}.${part(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), { key: tls.serverKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}

/** `repository:dream/app:pull,push` -> the access entry the user's grants allow (possibly no actions). */
function grantFor(scope: string, allowed: Record<string, readonly string[]> | undefined): { type: string; name: string; actions: string[] } | undefined {
  const match = /^(repository):(.+):([^:]*)$/.exec(scope);
  if (!match) return undefined;
  const [, type = '', name = '', wanted = ''] = match;
  const may = allowed?.[name] ?? [];
  const actions = wanted.split(',').filter((action) => action !== '' && (may.includes(action) || may.includes('*')));
  return { type, name, actions };
}

export async function startTokenIssuer(options: TokenIssuerOptions): Promise<StartedTokenIssuer> {
  const tls = await makeTlsFixture({ dns: [TOKEN_ISSUER] });
  const dir = mkdtempSync(join(tmpdir(), 'tsstore-e2e-issuer-'));
  const rootCertBundle = join(dir, 'root.crt');
  writeFileSync(rootCertBundle, tls.caCert);
  const logins = new Map(options.users.map((user) => [`Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`, user.username]));
  const requests: StartedTokenIssuer['requests'] = [];
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://issuer');
    const service = url.searchParams.get('service') ?? '';
    const override = options.answer?.(service);
    if (override) {
      response.writeHead(override.status, { 'content-type': 'application/json' }).end(override.body);
      return;
    }
    const authorization = request.headers.authorization;
    const user = authorization === undefined ? '' : logins.get(authorization);
    const scopes = url.searchParams.getAll('scope').flatMap((scope) => scope.split(' ')).filter((scope) => scope !== '');
    requests.push({ service, user: user ?? '?', scopes });
    if (user === undefined) {
      response.writeHead(401, { 'content-type': 'application/json' }).end('{"details":"incorrect username or password"}');
      return;
    }
    const anonymous = options.anonymous ?? {};
    let allowed: Record<string, readonly string[]> | undefined;
    if (user !== '') allowed = options.grants?.[user];
    else if (anonymous === 'refused') {
      response.writeHead(401, { 'content-type': 'application/json' }).end('{"details":"authentication required"}');
      return;
    } else allowed = anonymous;
    const now = Math.floor(Date.now() / 1000);
    const access = scopes.map((scope) => grantFor(scope, allowed)).filter((entry) => entry !== undefined);
    const token = registryJwt(tls, { iss: TOKEN_ISSUER, sub: user, aud: service, exp: now + 300, nbf: now - 10, iat: now, jti: randomUUID(), access });
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token, expires_in: 300 }));
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
  const realmBase = `http://127.0.0.1:${port}/token`;
  return {
    realmBase,
    issuer: TOKEN_ISSUER,
    rootCertBundle,
    registryOption: (service) => ({ realmBase, service, issuer: TOKEN_ISSUER, rootCertBundle }),
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        });
      }),
  };
}

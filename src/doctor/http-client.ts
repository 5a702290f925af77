/**
 * One HTTP(S) request with a hard deadline, for the registry-login check. Never throws: a failure is an
 * outcome with Node's error code. No redirects are followed and no proxy is used; bodies are capped.
 */
import { readFileSync } from 'node:fs';
import { request as httpRequestRaw } from 'node:http';
import { request as httpsRequestRaw } from 'node:https';
import { rootCertificates } from 'node:tls';

export interface HttpRequest {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** Certificate authorities (PEM) trusted for https; undefined: Node's own. */
  ca?: readonly string[];
  /** false: accept any certificate (docker does so for insecure registries). */
  verifyTls?: boolean;
}

export type HttpOutcome =
  | { kind: 'response'; status: number; headers: Record<string, string | string[] | undefined>; body: string }
  | { kind: 'error'; code: string; message: string };

const MAX_BODY_BYTES = 64 * 1024;
export const TIMEOUT_CODE = 'ETIMEDOUT';

export function httpRequest(request: HttpRequest): Promise<HttpOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const settle = (outcome: HttpOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      settle({ kind: 'error', code: 'ERR_INVALID_URL', message: 'not a valid URL' });
      return;
    }
    const https = url.protocol === 'https:';
    const options = {
      method: request.method ?? 'GET',
      headers: { 'user-agent': 'docker-credential-tsstore-doctor', ...request.headers },
      agent: false as const,
      ...(https ? { rejectUnauthorized: request.verifyTls !== false, ...(request.ca ? { ca: [...request.ca] } : {}) } : {}),
    };
    const onResponse = (response: import('node:http').IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        if (size < MAX_BODY_BYTES) chunks.push(chunk);
        size += chunk.length;
      });
      response.on('end', () =>
        settle({ kind: 'response', status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8').slice(0, MAX_BODY_BYTES) }),
      );
      response.on('error', (error: NodeJS.ErrnoException) => settle({ kind: 'error', code: error.code ?? 'ERROR', message: error.message }));
    };
    const outgoing = https ? httpsRequestRaw(url, options, onResponse) : httpRequestRaw(url, options, onResponse);
    // One deadline for everything: name lookup, connect, TLS, headers and body.
    timer = setTimeout(() => {
      settle({ kind: 'error', code: TIMEOUT_CODE, message: `no answer within ${Math.round(request.timeoutMs / 100) / 10} s` });
      outgoing.destroy();
    }, request.timeoutMs);
    outgoing.on('error', (error: NodeJS.ErrnoException) => settle({ kind: 'error', code: error.code ?? 'ERROR', message: error.message }));
    outgoing.end(request.body);
  });
}

/**
 * What docker trusts on Linux: the system's CA bundle (Go reads it), plus Node's own list so that a
 * machine without a bundle still verifies public registries. Read once per run.
 */
export function systemCertificateAuthorities(env: Readonly<Record<string, string | undefined>>): string[] {
  const files = [env.SSL_CERT_FILE, '/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/cert.pem'];
  for (const file of files) {
    if (!file) continue;
    try {
      return [...rootCertificates, readFileSync(file, 'utf8')];
    } catch {
      // try the next place
    }
  }
  return [...rootCertificates];
}

/** The addresses a host name resolves to; empty when it does not, or when the resolver is too slow. */
export async function resolveHostAddresses(hostname: string, timeoutMs = 3_000): Promise<string[]> {
  const { lookup } = await import('node:dns/promises');
  let timer: NodeJS.Timeout | undefined;
  const giveUp = new Promise<string[]>((resolve) => {
    timer = setTimeout(() => resolve([]), timeoutMs);
  });
  const found = lookup(hostname, { all: true }).then(
    (entries) => entries.map((entry) => entry.address),
    () => [],
  );
  try {
    return await Promise.race([found, giveUp]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * One HTTP(S) request to a registry with a hard deadline (doctor's registry-login check). Never throws: a
 * failure is an outcome with Node's error code, a request Node refuses to build included (it throws
 * synchronously for a header value with CR, LF or NUL, or a protocol other than http and https). No
 * redirects are followed and no proxy is used; bodies are capped.
 */
import { type ClientRequest, type IncomingMessage, request as httpRequestRaw } from 'node:http';
import { request as httpsRequestRaw } from 'node:https';
import { describeError } from '../errors.js';

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
  /** `truncated`: the body was longer than the cap and was cut there. */
  | { kind: 'response'; status: number; headers: Record<string, string | string[] | undefined>; body: string; truncated?: true }
  /** `notSent`: Node refused to build the request; nothing reached the network. */
  | { kind: 'error'; code: string; message: string; notSent?: true };

export const MAX_BODY_BYTES = 64 * 1024;
export const TIMEOUT_CODE = 'ETIMEDOUT';

export function httpRequest(request: HttpRequest): Promise<HttpOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    let outgoing: ClientRequest | undefined;
    // One deadline for everything: name lookup, connect, TLS, headers and body.
    const timer = setTimeout(() => {
      settle({ kind: 'error', code: TIMEOUT_CODE, message: `no answer within ${Math.round(request.timeoutMs / 100) / 10} s` });
      outgoing?.destroy();
    }, request.timeoutMs);
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
    try {
      outgoing = send(url, request, settle);
    } catch (error) {
      settle(notSent(error));
    }
  });
}

/** Builds and sends the request; throws where Node refuses to build it. */
function send(url: URL, request: HttpRequest, settle: (outcome: HttpOutcome) => void): ClientRequest {
  const https = url.protocol === 'https:';
  const options = {
    method: request.method ?? 'GET',
    headers: { 'user-agent': 'docker-credential-tsstore-doctor', ...request.headers },
    agent: false as const,
    ...(https ? { rejectUnauthorized: request.verifyTls !== false, ...(request.ca ? { ca: [...request.ca] } : {}) } : {}),
  };
  const onResponse = (response: IncomingMessage) => {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      if (size < MAX_BODY_BYTES) chunks.push(chunk);
      size += chunk.length;
    });
    response.on('end', () => {
      const body = Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8');
      settle({ kind: 'response', status: response.statusCode ?? 0, headers: response.headers, body, ...(size > MAX_BODY_BYTES ? { truncated: true as const } : {}) });
    });
    response.on('error', (error: NodeJS.ErrnoException) => settle({ kind: 'error', code: error.code ?? 'ERROR', message: error.message }));
  };
  const outgoing = https ? httpsRequestRaw(url, options, onResponse) : httpRequestRaw(url, options, onResponse);
  try {
    outgoing.on('error', (error: NodeJS.ErrnoException) => settle({ kind: 'error', code: error.code ?? 'ERROR', message: error.message }));
    outgoing.end(request.body);
  } catch (error) {
    outgoing.destroy();
    throw error;
  }
  return outgoing;
}

/** Node's texts for bad headers name the header only; ours too, so a header value can never be quoted. */
function notSent(error: unknown): HttpOutcome {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? 'ERROR';
  const why = HEADER_CODES.has(code) ? 'a header value holds characters HTTP does not allow' : describeError(error);
  return { kind: 'error', code, message: `the request was not sent: ${why}`, notSent: true };
}
const HEADER_CODES = new Set(['ERR_INVALID_CHAR', 'ERR_HTTP_INVALID_HEADER_VALUE', 'ERR_INVALID_HTTP_TOKEN']);

/**
 * The certificate chain a registry presents, fetched with node:tls without verifying anything (the doctor
 * judges it afterwards): leaf first, then whatever the server sent with it. Bounded by a deadline; never
 * throws. A server that answers TLS with plain HTTP is told apart from one that does not answer.
 */
import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { type DetailedPeerCertificate, type TLSSocket, connect } from 'node:tls';

export type PresentedChain =
  | { kind: 'chain'; certificates: X509Certificate[] }
  /** The port answers, but not with TLS (a plain-HTTP registry). */
  | { kind: 'no-tls'; reason: string }
  | { kind: 'unreachable'; code: string; reason: string };

export interface ChainRequest {
  hostname: string;
  port: number;
  timeoutMs: number;
}

const NOT_TLS = /wrong version number|packet length too long|unknown protocol|http request|record layer failure/i;

export function fetchPresentedChain(request: ChainRequest): Promise<PresentedChain> {
  return new Promise((resolve) => {
    let settled = false;
    let socket: TLSSocket | undefined;
    const settle = (outcome: PresentedChain) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket?.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => settle({ kind: 'unreachable', code: 'ETIMEDOUT', reason: `no TLS handshake within ${Math.round(request.timeoutMs / 100) / 10} s` }), request.timeoutMs);
    try {
      socket = open(request);
    } catch (error) {
      settle({ kind: 'unreachable', code: 'ERROR', reason: error instanceof Error ? (error.message.split('\n')[0] ?? 'cannot connect') : 'cannot connect' });
      return;
    }
    const opened = socket;
    opened.once('secureConnect', () => settle({ kind: 'chain', certificates: chainOf(opened.getPeerCertificate(true)) }));
    opened.on('error', (error: NodeJS.ErrnoException) => {
      const code = error.code ?? 'ERROR';
      const reason = error.message.split('\n')[0] ?? code;
      settle(NOT_TLS.test(reason) || code === 'ERR_SSL_WRONG_VERSION_NUMBER' ? { kind: 'no-tls', reason } : { kind: 'unreachable', code, reason });
    });
  });
}

function open(request: ChainRequest): TLSSocket {
  return connect({
    host: request.hostname,
    port: request.port,
    // SNI only for names, as Go sends it.
    ...(isIP(request.hostname) === 0 ? { servername: request.hostname } : {}),
    rejectUnauthorized: false,
  });
}

/** Node links each certificate to its issuer; a self-signed one links to itself. */
function chainOf(peer: DetailedPeerCertificate): X509Certificate[] {
  const chain: X509Certificate[] = [];
  const seen = new Set<string>();
  let current: DetailedPeerCertificate | undefined = peer;
  while (current?.raw && !seen.has(current.fingerprint256) && chain.length < 16) {
    seen.add(current.fingerprint256);
    try {
      chain.push(new X509Certificate(current.raw));
    } catch {
      break;
    }
    current = current.issuerCertificate;
  }
  return chain;
}

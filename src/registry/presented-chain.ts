/**
 * The certificate chain a registry presents, fetched with node:tls without verifying anything (the doctor
 * judges it afterwards): leaf first, then whatever the server sent with it. With the client certificate
 * docker would present (certs.d's NAME.cert and NAME.key), when there is one. Bounded by a deadline; never
 * throws. A server that answers TLS with plain HTTP is told apart from one that does not answer.
 *
 * Whether the registry takes the client certificate (or its absence) shows only after the handshake: in
 * TLS 1.3 the client's side of the handshake ends before the server has judged the certificate, and a
 * refusal comes as an alert after it (seen with the distribution registry 2.8 and `clientcas`: "bad
 * certificate", also for no certificate at all). So once the handshake is done one `GET /v2/` is sent,
 * and its first answer byte, or the alert, says which; in TLS 1.2 the alert ends the handshake itself.
 */
import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { type DetailedPeerCertificate, type TLSSocket, connect } from 'node:tls';

/** What the registry made of the client certificate presented (or of none). */
export type ClientCertificateAnswer =
  /** It answered HTTP after the handshake: what was presented, or nothing, is enough. */
  | { kind: 'answered' }
  /** It ended the connection with a certificate alert; `alert` as Go prints it ("bad certificate"). */
  | { kind: 'refused'; alert: string }
  /** The connection ended, or the deadline came, before anything said so. */
  | { kind: 'unknown' };

export type PresentedChain =
  | { kind: 'chain'; certificates: X509Certificate[]; client?: ClientCertificateAnswer }
  /** The port answers, but not with TLS (a plain-HTTP registry). */
  | { kind: 'no-tls'; reason: string }
  | { kind: 'unreachable'; code: string; reason: string };

export interface ChainRequest {
  hostname: string;
  port: number;
  timeoutMs: number;
  /** PEM text of the client certificate and its key, presented as docker would present them. */
  clientCertificate?: { cert: string; key: string };
}

const NOT_TLS = /wrong version number|packet length too long|unknown protocol|http request|record layer failure/i;

/** The TLS alerts a server sends about a client certificate, by OpenSSL's name, with Go's wording. */
const CERTIFICATE_ALERTS: ReadonlyArray<readonly [string, string]> = [
  ['BAD_CERTIFICATE', 'bad certificate'],
  ['CERTIFICATE_REQUIRED', 'certificate required'],
  ['UNKNOWN_CA', 'unknown certificate authority'],
  ['CERTIFICATE_EXPIRED', 'expired certificate'],
  ['CERTIFICATE_REVOKED', 'revoked certificate'],
  ['CERTIFICATE_UNKNOWN', 'unknown certificate'],
  ['UNSUPPORTED_CERTIFICATE', 'unsupported certificate'],
  ['ACCESS_DENIED', 'access denied'],
];

/** Pure: Go's name for the certificate alert an error reports (`ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE`, "alert bad certificate"), if it is one. */
export function certificateAlert(code: string, message: string): string | undefined {
  const said = words(code, message);
  return CERTIFICATE_ALERTS.find(([name]) => said.includes(`ALERT_${name}`))?.[1];
}

/** An error's code and message as one upper-case word list: OpenSSL, BoringSSL and Node spell alerts differently. */
function words(code: string, message: string): string {
  return `${code} ${message}`.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}

export function fetchPresentedChain(request: ChainRequest): Promise<PresentedChain> {
  return new Promise((resolve) => {
    let settled = false;
    let socket: TLSSocket | undefined;
    let certificates: X509Certificate[] | undefined;
    const settle = (outcome: PresentedChain) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket?.destroy();
      resolve(outcome);
    };
    const seconds = Math.round(request.timeoutMs / 100) / 10;
    const timer = setTimeout(
      () => settle(certificates ? { kind: 'chain', certificates, client: { kind: 'unknown' } } : { kind: 'unreachable', code: 'ETIMEDOUT', reason: `no TLS handshake within ${seconds} s` }),
      request.timeoutMs,
    );
    try {
      socket = open(request);
    } catch (error) {
      settle({ kind: 'unreachable', code: 'ERROR', reason: error instanceof Error ? (error.message.split('\n')[0] ?? 'cannot connect') : 'cannot connect' });
      return;
    }
    const opened = socket;
    opened.once('secureConnect', () => {
      certificates = chainOf(opened.getPeerCertificate(true));
      opened.write(`GET /v2/ HTTP/1.1\r\nHost: ${hostHeader(request)}\r\nUser-Agent: docker-credential-tsstore doctor\r\nConnection: close\r\n\r\n`);
    });
    opened.once('data', () => settle({ kind: 'chain', certificates: certificates ?? [], client: { kind: 'answered' } }));
    // After the handshake, a hang-up says nothing about the client certificate; the chain is judged all the same.
    const ended = (): PresentedChain | undefined => (certificates ? { kind: 'chain', certificates, client: { kind: 'unknown' } } : undefined);
    opened.once('close', () => settle(ended() ?? { kind: 'unreachable', code: 'ECONNRESET', reason: 'the connection closed before the TLS handshake ended' }));
    opened.on('error', (error: NodeJS.ErrnoException) => {
      const code = error.code ?? 'ERROR';
      const reason = error.message.split('\n')[0] ?? code;
      // A refusal in TLS 1.2 ends the handshake, after the server's certificate arrived; OpenSSL servers
      // then say "handshake failure" (Go's say "bad certificate"), which before that point means no common cipher.
      const chain = certificates ?? peerChain(opened);
      const alert = certificateAlert(code, reason) ?? (chain.length > 0 && /ALERT_HANDSHAKE_FAILURE/.test(words(code, reason)) ? 'handshake failure' : undefined);
      if (alert !== undefined) settle({ kind: 'chain', certificates: chain, client: { kind: 'refused', alert } });
      else settle(ended() ?? (NOT_TLS.test(reason) || code === 'ERR_SSL_WRONG_VERSION_NUMBER' ? { kind: 'no-tls', reason } : { kind: 'unreachable', code, reason }));
    });
  });
}

function open(request: ChainRequest): TLSSocket {
  return connect({
    host: request.hostname,
    port: request.port,
    // SNI only for names, as Go sends it.
    ...(isIP(request.hostname) === 0 ? { servername: request.hostname } : {}),
    ...(request.clientCertificate ? { cert: request.clientCertificate.cert, key: request.clientCertificate.key } : {}),
    rejectUnauthorized: false,
  });
}

function hostHeader(request: ChainRequest): string {
  // Only the characters of a host name or an IP: nothing else can reach the request line.
  const name = request.hostname.replace(/[^A-Za-z0-9.:-]/g, '');
  const host = isIP(name) === 6 ? `[${name}]` : name;
  return request.port === 443 ? host : `${host}:${request.port}`;
}

function peerChain(socket: TLSSocket): X509Certificate[] {
  try {
    return chainOf(socket.getPeerCertificate(true));
  } catch {
    return [];
  }
}

/** Node links each certificate to its issuer; a self-signed one links to itself. */
function chainOf(peer: DetailedPeerCertificate | undefined): X509Certificate[] {
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

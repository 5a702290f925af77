/**
 * Whether the chain a registry presents verifies the way Go's crypto/x509 verifies it for dockerd, as pure
 * functions over node:crypto's X509Certificate: the roots are the system's CAs plus every certificate of
 * the registry's `*.crt` files; a leaf that is itself one of the roots is accepted as it is (Go does so);
 * otherwise each certificate needs a parent among the roots or the presented intermediates that names it
 * as issuer, signed it and is a CA; every certificate of the chain, the root included, must be valid now.
 * Then the leaf must name the host or IP used in its subjectAltName (Go ignores the Common Name) and
 * allow serverAuth.
 */
import type { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { certificateTime } from './pem.js';

export interface Anchor {
  certificate: X509Certificate;
  /** The file under certs.d it came from; undefined for the system's CAs. */
  file?: string;
}

export type TimeVerdict = { kind: 'valid' } | { kind: 'expired'; atMs: number } | { kind: 'not-yet-valid'; fromMs: number } | { kind: 'unreadable' };

export function judgeTime(certificate: X509Certificate, nowMs: number): TimeVerdict {
  const from = certificateTime(certificate.validFrom);
  const to = certificateTime(certificate.validTo);
  if (Number.isNaN(from) || Number.isNaN(to)) return { kind: 'unreadable' };
  if (nowMs < from) return { kind: 'not-yet-valid', fromMs: from };
  if (nowMs > to) return { kind: 'expired', atMs: to };
  return { kind: 'valid' };
}

export type ChainVerdict =
  | { kind: 'verified'; anchor: Anchor; leafIsAnchor: boolean }
  /** No root vouches for the chain; `issuer` is the name the topmost certificate gives for its signer. */
  | { kind: 'unknown-authority'; issuer: string }
  /** A certificate of the chain is out of date; `anchor` when it is a root (a file of certs.d, or the system's). */
  | { kind: 'out-of-date'; certificate: X509Certificate; time: Exclude<TimeVerdict, { kind: 'valid' }>; anchor?: Anchor }
  | { kind: 'nothing-presented' };

const MAX_DEPTH = 8;

export function verifyChain(presented: readonly X509Certificate[], anchors: readonly Anchor[], nowMs: number): ChainVerdict {
  const leaf = presented[0];
  if (!leaf) return { kind: 'nothing-presented' };
  // Go checks the leaf's dates before it looks for a parent.
  const leafTime = judgeTime(leaf, nowMs);
  if (leafTime.kind !== 'valid') return { kind: 'out-of-date', certificate: leaf, time: leafTime };
  const leafAnchor = anchors.find((anchor) => anchor.certificate.fingerprint256 === leaf.fingerprint256);
  if (leafAnchor) return { kind: 'verified', anchor: leafAnchor, leafIsAnchor: true };
  const intermediates = presented.slice(1);
  let current = leaf;
  let outOfDate: ChainVerdict | undefined;
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const signs = (parent: X509Certificate) => parent.ca && parent.fingerprint256 !== current.fingerprint256 && current.checkIssued(parent) && current.verify(parent.publicKey);
    const roots = anchors.filter((anchor) => signs(anchor.certificate));
    const validRoot = roots.find((anchor) => judgeTime(anchor.certificate, nowMs).kind === 'valid');
    if (validRoot) return { kind: 'verified', anchor: validRoot, leafIsAnchor: false };
    for (const anchor of roots) outOfDate ??= { kind: 'out-of-date', certificate: anchor.certificate, time: judgeTime(anchor.certificate, nowMs) as Exclude<TimeVerdict, { kind: 'valid' }>, anchor };
    const parents = intermediates.filter(signs);
    const validParent = parents.find((parent) => judgeTime(parent, nowMs).kind === 'valid');
    for (const parent of parents) {
      if (parent !== validParent) outOfDate ??= { kind: 'out-of-date', certificate: parent, time: judgeTime(parent, nowMs) as Exclude<TimeVerdict, { kind: 'valid' }> };
    }
    if (!validParent) break;
    current = validParent;
  }
  return outOfDate ?? { kind: 'unknown-authority', issuer: current.issuer };
}

export type NameVerdict =
  | { kind: 'covered' }
  /** Go: "cannot validate certificate for IP because it doesn't contain any IP SANs". */
  | { kind: 'no-ip-sans'; names: string[] }
  /** Go: "certificate relies on legacy Common Name field, use SANs instead". */
  | { kind: 'no-dns-sans'; names: string[] }
  /** Go: "certificate is valid for A, B, not NAME". */
  | { kind: 'not-covered'; names: string[] };

/** The subjectAltName entries as `DNS:a`, `IP Address:1.2.3.4`, ... */
export function subjectAltNames(certificate: X509Certificate): string[] {
  return (certificate.subjectAltName ?? '').split(', ').filter((entry) => entry !== '');
}

export function judgeName(leaf: X509Certificate, name: string): NameVerdict {
  const names = subjectAltNames(leaf);
  if (isIP(name) !== 0) {
    if (leaf.checkIP(name) !== undefined) return { kind: 'covered' };
    return names.some((entry) => entry.startsWith('IP Address:')) ? { kind: 'not-covered', names } : { kind: 'no-ip-sans', names };
  }
  if (leaf.checkHost(name, { subject: 'never' }) !== undefined) return { kind: 'covered' };
  return names.some((entry) => entry.startsWith('DNS:')) ? { kind: 'not-covered', names } : { kind: 'no-dns-sans', names };
}

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const ANY_USAGE = '2.5.29.37.0';

/** Go refuses a leaf whose extendedKeyUsage lists neither serverAuth nor any usage. */
export function allowsServerAuth(leaf: X509Certificate): boolean {
  const usages = leaf.keyUsage;
  return usages === undefined || usages.length === 0 || usages.includes(SERVER_AUTH) || usages.includes(ANY_USAGE);
}

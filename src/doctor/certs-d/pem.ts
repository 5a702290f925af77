/**
 * PEM text as Go's crypto/x509 and crypto/tls read it for docker: every `CERTIFICATE` block is a
 * certificate (a block that does not parse is skipped, as AppendCertsFromPEM does), and other blocks
 * are named by their label only (a `PRIVATE KEY` is never decoded here, nor shown).
 */
import { X509Certificate } from 'node:crypto';

export interface PemContents {
  certificates: X509Certificate[];
  /** CERTIFICATE blocks that did not parse. */
  brokenCertificates: number;
  /** Labels of the other blocks: `PRIVATE KEY`, `EC PRIVATE KEY`, `CERTIFICATE REQUEST`, ... */
  otherLabels: string[];
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]{1,40})-----\r?\n([\s\S]*?)-----END \1-----/g;

export function readPem(text: string): PemContents {
  const contents: PemContents = { certificates: [], brokenCertificates: 0, otherLabels: [] };
  for (const match of text.matchAll(BLOCK)) {
    const label = match[1] ?? '';
    if (label !== 'CERTIFICATE') {
      contents.otherLabels.push(label);
      continue;
    }
    try {
      contents.certificates.push(new X509Certificate(match[0]));
    } catch {
      contents.brokenCertificates++;
    }
  }
  return contents;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** OpenSSL's `Dec  2 00:05:32 2026 GMT` (X509Certificate.validFrom/validTo) as milliseconds; NaN when not. */
export function certificateTime(text: string): number {
  const match = /^([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4}) GMT$/.exec(text.trim());
  if (!match) return Number.NaN;
  const month = MONTHS.indexOf(match[1] ?? '');
  if (month < 0) return Number.NaN;
  return Date.UTC(Number(match[6]), month, Number(match[2]), Number(match[3]), Number(match[4]), Number(match[5]));
}

/** `2026-12-02 00:05:32 UTC`: one spelling for every date the check prints. */
export function showTime(ms: number): string {
  return Number.isNaN(ms) ? 'an unreadable date' : `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** The subject as one short line: `CN=tsstore test CA` (OpenSSL separates parts with newlines). */
export function subjectOf(certificate: X509Certificate): string {
  return oneLine(certificate.subject);
}

export function issuerOf(certificate: X509Certificate): string {
  return oneLine(certificate.issuer);
}

/** An X.509 name as one line (OpenSSL separates its parts with newlines). */
export function oneLine(name: string): string {
  const text = name.split('\n').filter((part) => part !== '').join(', ');
  return text === '' ? '(no subject)' : text;
}

/**
 * The client certificate docker presents to a registry it verifies: moby's ReadCertsDirectory loads every
 * NAME.cert with its NAME.key from the registry's certs.d folder (Go's os.ReadDir, so in name order), and
 * Go's TLS client sends the first one the server's request accepts. Here: the first pair, by name, whose
 * key loads and is the certificate's (a pair that does not load is judgePair's to report). Pure; the key
 * is only handed to node:tls, never shown.
 */
import { type X509Certificate, createPrivateKey } from 'node:crypto';
import { readPem } from './pem.js';
import type { FolderListing } from './read-folder.js';

export interface ClientPair {
  /** `client.cert`: the file's name in the folder. */
  certName: string;
  certificate: X509Certificate;
  /** PEM text for node:tls. */
  cert: string;
  key: string;
}

export function clientPairOf(listing: FolderListing): ClientPair | undefined {
  if (listing.kind !== 'entries') return undefined;
  const files = new Map(listing.entries.flatMap((entry) => (entry.kind === 'file' ? [[entry.name, entry.text] as const] : [])));
  for (const [certName, cert] of [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!certName.endsWith('.cert')) continue;
    const key = files.get(`${certName.slice(0, -'.cert'.length)}.key`);
    const certificate = readPem(cert).certificates[0];
    if (key === undefined || certificate === undefined) continue;
    try {
      if (certificate.checkPrivateKey(createPrivateKey({ key, format: 'pem' }))) return { certName, certificate, cert, key };
    } catch {
      // Encrypted or not a key: docker cannot load it either.
    }
  }
  return undefined;
}

/**
 * The client pairs of a registry's certs.d folder (NAME.cert with NAME.key), each loaded once a listing:
 * judgePair (files.ts) reports a pair that does not load, and clientPairOf picks the one docker presents.
 * moby's ReadCertsDirectory loads every NAME.cert with its NAME.key (Go's os.ReadDir, so in name order),
 * and Go's TLS client sends the first one the server's request accepts. Pure; the key is only handed to
 * node:tls, never shown.
 */
import { type X509Certificate, createPrivateKey } from 'node:crypto';
import { readPem } from './pem.js';
import type { FolderEntry, FolderListing } from './read-folder.js';

/** One `NAME.cert` file of the folder, with what its `NAME.key` is. */
export interface LoadedPair {
  certName: string;
  keyName: string;
  /** PEM text of NAME.cert. */
  cert: string;
  /** Its first certificate, when it holds one. */
  leaf: X509Certificate | undefined;
  key:
    | { kind: 'absent' }
    /** A folder, or a file not read (its finding is judgeFiles'). */
    | { kind: 'not-a-file' }
    /** `matches` is undefined when the key does not load (encrypted, or not a key: Go loads neither). */
    | { kind: 'file'; text: string; matches: boolean | undefined };
}

const loaded = new WeakMap<readonly FolderEntry[], Map<string, LoadedPair>>();

/** Every NAME.cert file's pair, by NAME.cert; the keys are parsed the first time a listing is asked. */
export function loadPairs(entries: readonly FolderEntry[]): ReadonlyMap<string, LoadedPair> {
  const known = loaded.get(entries);
  if (known) return known;
  const pairs = new Map<string, LoadedPair>();
  for (const entry of entries) {
    if (entry.kind !== 'file' || !entry.name.endsWith('.cert')) continue;
    const keyName = `${entry.name.slice(0, -'.cert'.length)}.key`;
    const keyEntry = entries.find((other) => other.name === keyName);
    const leaf = readPem(entry.text).certificates[0];
    const key: LoadedPair['key'] =
      keyEntry === undefined ? { kind: 'absent' } : keyEntry.kind !== 'file' ? { kind: 'not-a-file' } : { kind: 'file', text: keyEntry.text, matches: leaf ? keyMatches(leaf, keyEntry.text) : undefined };
    pairs.set(entry.name, { certName: entry.name, keyName, cert: entry.text, leaf, key });
  }
  loaded.set(entries, pairs);
  return pairs;
}

function keyMatches(leaf: X509Certificate, key: string): boolean | undefined {
  try {
    return leaf.checkPrivateKey(createPrivateKey({ key, format: 'pem' }));
  } catch {
    return undefined;
  }
}

export interface ClientPair {
  /** `client.cert`: the file's name in the folder. */
  certName: string;
  certificate: X509Certificate;
  /** PEM text for node:tls. */
  cert: string;
  key: string;
}

/** The pair docker presents: the first, by name, whose key loads and is the certificate's. */
export function clientPairOf(listing: FolderListing): ClientPair | undefined {
  if (listing.kind !== 'entries') return undefined;
  const pairs = [...loadPairs(listing.entries).values()].sort((a, b) => (a.certName < b.certName ? -1 : a.certName > b.certName ? 1 : 0));
  for (const pair of pairs) {
    if (pair.leaf !== undefined && pair.key.kind === 'file' && pair.key.matches === true) return { certName: pair.certName, certificate: pair.leaf, cert: pair.cert, key: pair.key.text };
  }
  return undefined;
}

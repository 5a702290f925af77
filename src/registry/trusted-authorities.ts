/**
 * The certificate authorities docker trusts for a registry on Linux: the system's bundle, and the
 * `*.crt` files of the registry's folder under the daemon's certs.d.
 */
import type { Environment } from '../config/paths.js';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';

/**
 * What docker trusts on Linux: the system's CA bundle (Go reads it), plus Node's own list so that a
 * machine without a bundle still verifies public registries. Read once per run.
 */
export function systemCertificateAuthorities(env: Environment): string[] {
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

/** docker reads every *.crt in certs.d/HOST:PORT/ as an extra authority for that registry. */
export function registryCertificateAuthorities(certsD: string, indexName: string): string[] {
  const dir = join(certsD, indexName);
  try {
    return readdirSync(dir)
      .filter((name) => name.endsWith('.crt'))
      .sort()
      .flatMap((name) => {
        try {
          return [readFileSync(join(dir, name), 'utf8')];
        } catch {
          return [];
        }
      });
  } catch {
    return [];
  }
}
